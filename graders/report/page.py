"""``bdhvs report``: the cohort report, one self-contained HTML file that opens offline.

What a training manager reads first comes first: how far each unit is from the movement's
target, who needs help and which competences are weak. The details (units one by one, the
learner table, the questions, grading problems, integrity) follow in folds. Charts are inline
SVG (:mod:`graders.report.svg`) and the learner table is JSON shown page by page
(:mod:`graders.report.learners`), so the file stays one offline page that opens fast at any
cohort size.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from curriculum.framework import load_framework
from graders.common.forked import Started
from graders.course.directory import Course
from graders.course.questions import Key, question_labels
from graders.course.roster import read_roster_paths
from graders.integrity.report_section import integrity_section
from graders.records.rollup import RollupPolicy
from graders.report import charts
from graders.report.data import STATUSES, CohortResults, cohort_results
from graders.report.learners import REASONS, help_reasons, learner_table, modules_for
from graders.report.problems import grouped_problems
from graders.report.targets import progress_section

#: A course folder named so says nothing of the course: the report then falls back to a title
#: about the movement.
GENERIC_NAMES = {"course", "khoa_hoc", "khoa-hoc"}
#: Units the summary shows (furthest behind first); the fold with every unit follows.
SUMMARY_UNITS = 20
#: Learner ids the summary names per unit; the learner table lists them all.
NAMED = 12
#: Learners the table shows at a time.
PAGE_ROWS = 50
#: Competences the summary names as the weakest.
WEAKEST = 5

LABELS = {
    "vi": {
        "title": "Báo cáo lớp học",
        "movement": "Bình dân học vụ số: báo cáo tiến độ học tập",
        "generated": "Lập ngày",
        "policy": "Một năng lực được tính là đạt khi học viên được ít nhất {pct}% số điểm "
        "của các câu hỏi về năng lực đó.",
        "summary": "Tóm tắt",
        "learners": "Học viên",
        "completed_path": "Đã hoàn thành lộ trình",
        "need_help": "Cần hỗ trợ",
        "pending": "Câu tự luận chờ giảng viên chấm",
        "failed": "Bài không chấm được",
        "units": "Theo đơn vị",
        "unit_line": "{completed}/{learners} học viên đã hoàn thành lộ trình ({share}%).",
        "unit_due": "Chỉ tiêu đến hạn: {due}.",
        "unit_below": "Dưới chỉ tiêu: còn thiếu {n} người.",
        "unit_met": "Đạt chỉ tiêu.",
        "unit_none": "Chưa có chỉ tiêu đến hạn.",
        "unit_help": "Cần hỗ trợ: {n} học viên",
        "unit_more": "và {n} người khác (xem Bảng học viên)",
        "more_units": "Còn {n} đơn vị khác trong phần Tiến độ chi tiết theo đơn vị.",
        "no_learners": "Chưa có học viên nào nộp bài.",
        "weakest": "Năng lực yếu nhất",
        "weakest_text": "Các năng lực ít học viên đạt nhất: nên ưu tiên ôn tập.",
        "weakest_chart": f"Tỉ lệ học viên đạt ở {WEAKEST} năng lực thấp nhất",
        "attainment_text": "Mỗi thanh là tỉ lệ học viên đạt năng lực đó (bậc 1 trở lên).",
        "help_rule": "Cần hỗ trợ: có bài không chấm được, thiếu bài mà phần lớn lớp đã nộp, "
        "hoặc chưa đạt quá nửa số năng lực được đánh giá.",
        "reason_failed": "có bài không chấm được",
        "reason_missing": "thiếu bài",
        "reason_weak": "chưa đạt quá nửa số năng lực",
        "details": "Chi tiết",
        "unit_details": "Tiến độ chi tiết theo đơn vị",
        "all_competences": "Tỉ lệ đạt theo từng năng lực",
        "competence": "Năng lực",
        "share": "Tỉ lệ (%)",
        "data": "Xem số liệu của biểu đồ",
        "learner_table": "Bảng học viên",
        "learner_help": "Mã học viên là mã ẩn danh. Dấu *: còn câu tự luận chờ giảng viên chấm, "
        "kết quả có thể tăng sau đó. Danh sách đầy đủ theo từng năng lực có trong tệp records.csv "
        "đi kèm báo cáo.",
        "search": "Tìm mã học viên hoặc đơn vị",
        "only_help": "Chỉ học viên cần hỗ trợ",
        "previous": "Trang trước",
        "next_page": "Trang sau",
        "page": "Trang {page}/{pages} · {count} học viên",
        "noscript": "Bảng học viên cần bật JavaScript trong trình duyệt. Danh sách đầy đủ có "
        "trong tệp records.csv.",
        "learner": "Học viên",
        "unit": "Đơn vị",
        "attained": "Năng lực đạt",
        "reason": "Cần hỗ trợ",
        "next": "Học phần nên học tiếp",
        "item_analysis": "Phân tích câu hỏi",
        "items_help": "Độ khó: điểm trung bình (%). Độ phân biệt: chênh lệch điểm câu này giữa "
        "nhóm 27% học viên cao điểm nhất và 27% thấp nhất; gần 0 là câu không phân biệt được "
        "người học tốt với người học yếu. Câu ai cũng đúng hoặc không ai đúng cần xem lại.",
        "assignment": "Bài",
        "question": "Câu hỏi",
        "competences": "Năng lực",
        "target": "Bậc",
        "difficulty": "Độ khó (%)",
        "discrimination": "Độ phân biệt",
        "note": "Ghi chú",
        "nobody": "không ai đạt",
        "everybody": "ai cũng đạt",
        "charts": "Phân bố điểm và bậc",
        "steps": "Phân bố bậc đạt được (mọi học viên × năng lực)",
        "steps_text": "Số cặp học viên × năng lực ở mỗi bậc; bậc 0 là chưa đạt.",
        "step": "Bậc",
        "step_n": "Bậc {step}",
        "scores": "Phân bố điểm bài làm",
        "scores_text": "Số bài làm theo mức điểm, tính theo phần trăm tổng điểm của bài.",
        "score_pct": "Điểm (% tổng điểm)",
        "count": "Số lượng",
        "problems": "Bài có vấn đề khi chấm",
        "problems_help": "Mỗi dòng là một học viên và một loại vấn đề, kèm các bài bị ảnh hưởng. "
        "Chi tiết kỹ thuật (tiếng Anh) dành cho kỹ thuật viên.",
        "problem": "Vấn đề",
        "technical": "Chi tiết kỹ thuật",
        "none": "Không có.",
        "findings": "{n} dấu hiệu",
    },
    "en": {
        "title": "Cohort report",
        "movement": "Bình dân học vụ số: learning progress report",
        "generated": "Generated",
        "policy": "A competence is attained with at least {pct}% of the points of its questions.",
        "summary": "Summary",
        "learners": "Learners",
        "completed_path": "Completed their path",
        "need_help": "Need help",
        "pending": "Written answers awaiting an instructor",
        "failed": "Submissions that could not be graded",
        "units": "By unit",
        "unit_line": "{completed}/{learners} learners completed their path ({share}%).",
        "unit_due": "Target due: {due}.",
        "unit_below": "Below target: {n} more people needed.",
        "unit_met": "Target met.",
        "unit_none": "No target due yet.",
        "unit_help": "Need help: {n} learners",
        "unit_more": "and {n} more (see the learner table)",
        "more_units": "{n} more units under Progress by unit.",
        "no_learners": "Nobody has submitted yet.",
        "weakest": "Weakest competences",
        "weakest_text": "The competences fewest learners attained: review them first.",
        "weakest_chart": f"Share of learners attaining the {WEAKEST} weakest competences",
        "attainment_text": "Each bar is the share of learners attaining the competence (step 1+).",
        "help_rule": "Need help: a submission could not be graded, an assignment most of the "
        "cohort submitted is missing, or more than half of the assessed competences are not "
        "attained.",
        "reason_failed": "a submission could not be graded",
        "reason_missing": "missing work",
        "reason_weak": "most competences not attained",
        "details": "Details",
        "unit_details": "Progress by unit",
        "all_competences": "Share attaining each competence",
        "competence": "Competence",
        "share": "Share (%)",
        "data": "Show the chart's data",
        "learner_table": "Learner table",
        "learner_help": "Learner ids are pseudonymous. *: a written answer awaits an instructor; "
        "results may rise. records.csv, beside the report, has every competence.",
        "search": "Search a learner id or unit",
        "only_help": "Only learners who need help",
        "previous": "Previous page",
        "next_page": "Next page",
        "page": "Page {page}/{pages} · {count} learners",
        "noscript": "The learner table needs JavaScript. records.csv lists every learner.",
        "learner": "Learner",
        "unit": "Unit",
        "attained": "Competences attained",
        "reason": "Needs help",
        "next": "Recommended next modules",
        "item_analysis": "Item analysis",
        "items_help": "Difficulty: mean score (%). Discrimination: the difference in this item's "
        "score between the top and bottom 27% of learners. Items everybody or nobody gets need "
        "a second look.",
        "assignment": "Assignment",
        "question": "Question",
        "competences": "Competences",
        "target": "Step",
        "difficulty": "Difficulty (%)",
        "discrimination": "Discrimination",
        "note": "Note",
        "nobody": "nobody gets it",
        "everybody": "everybody gets it",
        "charts": "Scores and steps",
        "steps": "Distribution of steps attained (all learners × competences)",
        "steps_text": "Learner × competence pairs at each step; step 0 is not attained.",
        "step": "Step",
        "step_n": "Step {step}",
        "scores": "Distribution of submission scores",
        "scores_text": "Submissions by score, as a percentage of the assignment's points.",
        "score_pct": "Score (% of points)",
        "count": "Count",
        "problems": "Grading problems",
        "problems_help": "One line per learner and kind of problem, with the assignments "
        "affected. The technical detail is for the technician.",
        "problem": "Problem",
        "technical": "Technical detail",
        "none": "None.",
        "findings": "{n} leads",
    },
}


def report_title(course: Course, lang: str, title: str | None = None) -> str:
    """``title`` if given, else the course folder's name, unless that name is a generic one."""
    if title:
        return title
    name = course.root.name
    if name.lower() in GENERIC_NAMES:
        return LABELS[lang]["movement"]
    return name.replace("_", " ")


def item_analysis(
    results: CohortResults, labels: dict[Key, str] | None = None
) -> list[dict[str, Any]]:
    """Difficulty and upper-lower discrimination of every item some learner submitted, each a
    column operation over the learners x items table; ``question`` is the item's label in
    ``labels`` (its grade id without one)."""
    labels = labels or {}
    table = results.item_scores
    graded = ~np.isnan(table)
    ranked = np.flatnonzero(graded.any(axis=1))
    totals = np.nansum(table[ranked], axis=1)
    ranked = ranked[np.argsort(-totals, kind="stable")]
    group = max(1, round(0.27 * len(ranked)))
    upper = _column_means(table[ranked[:group]])
    lower = _column_means(table[ranked[-group:]])
    means = _column_means(table)
    counts = graded.sum(axis=0)
    lowest = np.where(graded, table, np.inf).min(axis=0, initial=np.inf)
    highest = np.where(graded, table, -np.inf).max(axis=0, initial=-np.inf)
    rows = []
    for column, item in enumerate(results.items):
        if not results.item_submitted[column]:
            continue
        note = ""
        if counts[column] and highest[column] == 0:
            note = "nobody"
        elif counts[column] and lowest[column] == 1:
            note = "everybody"
        both = not np.isnan(upper[column]) and not np.isnan(lower[column])
        rows.append(
            {
                "item": f"{item.assignment}/{item.notebook}/{item.cell}",
                "assignment": item.assignment,
                "question": labels.get((item.assignment, item.notebook, item.cell), item.cell),
                "competences": ", ".join(sorted(item.competences)),
                "target": item.step,
                "difficulty": 100 * float(means[column]) if counts[column] else None,
                "discrimination": float(upper[column] - lower[column]) if both else None,
                "note": note,
                "graded": int(counts[column]),
            }
        )
    return sorted(rows, key=lambda row: row["item"].split("/"))


def _column_means(table: np.ndarray) -> np.ndarray:
    """The mean of each column over its graded (not NaN) cells; NaN for a column without any."""
    counts = (~np.isnan(table)).sum(axis=0)
    sums = np.nansum(table, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def next_modules(record: dict[str, Any], lang: str) -> str:
    """Modules that teach the competences this learner has not attained yet, in module order."""
    return modules_for({c for c, e in record["competences"].items() if e["step"] == 0}, lang)


def _group_records(
    results: CohortResults, learner_paths: dict[str, str], default_path: str
) -> list[dict[str, Any]]:
    """Each learner with the progress on their target group's path, as
    :func:`graders.report.targets.progress_section` reads it."""
    column = {path: n for n, path in enumerate(results.paths)}
    groups = [learner_paths.get(learner, default_path) for learner in results.learners]
    place = (np.arange(len(groups)), np.array([column[g] for g in groups], dtype=np.intp))
    completed = results.completed[place].tolist()
    met = results.met[place].tolist()
    required = np.array(results.required, dtype=int)[place[1]].tolist()
    when = np.datetime_as_string(results.completed_at[place], unit="s").tolist()
    return [
        {
            "learner": learner,
            "unit": unit,
            "paths": {
                group: {
                    "completed": done,
                    "met": count,
                    "required": needed,
                    "completed_at": f"{at}+00:00" if done and at != "NaT" else None,
                }
            },
        }
        for learner, unit, group, done, count, needed, at in zip(
            results.learners, results.units, groups, completed, met, required, when, strict=True
        )
    ]


def _unit_summary(
    progress: dict[str, Any], results: CohortResults, reasons: np.ndarray, t: dict[str, str]
) -> list[dict[str, Any]]:
    """The units furthest behind their target first, each with who needs help by id."""
    no_unit = progress["t"]["no_unit"]
    helped: dict[str, list[str]] = {}
    for n in np.flatnonzero(reasons >= 0).tolist():
        helped.setdefault(results.units[n] or no_unit, []).append(results.learners[n])
    cards = []
    ranked = sorted(
        zip(progress["rows"], progress["table"], strict=True),
        key=lambda pair: (pair[0].status != "below", -pair[0].shortfall, pair[0].share),
    )
    for row, shown in ranked:
        if row.status == "below":
            verdict = t["unit_below"].format(n=row.shortfall)
        else:
            verdict = t["unit_met"] if row.status == "met" else t["unit_none"]
        names = helped.get(row.unit, [])
        cards.append(
            {
                "unit": row.unit,
                "group": shown["group"],
                "below": row.status == "below",
                "line": t["unit_line"].format(
                    completed=row.completed, learners=row.learners, share=f"{100 * row.share:.0f}"
                ),
                "due": t["unit_due"].format(due=shown["due"]) if row.due else "",
                "verdict": verdict,
                "help": t["unit_help"].format(n=len(names)) if names else "",
                "named": ", ".join(names[:NAMED]),
                "more": t["unit_more"].format(n=len(names) - NAMED) if len(names) > NAMED else "",
            }
        )
    return cards


def report_context(
    course: Course,
    lang: str,
    policy: RollupPolicy,
    default_path: str = "officials",
    on: date | None = None,
    *,
    title: str | None = None,
    jobs: int = 1,
    progress: bool | None = False,
) -> dict[str, Any]:
    """Everything the template shows; ``on`` (default: today) decides which targets are due.
    ``jobs`` processes summarise the learners."""
    t = LABELS[lang]
    framework = load_framework()
    results = cohort_results(course, policy, listed=0, jobs=jobs, progress=progress)
    learners = len(results.learners)
    assessed = results.competences if learners else []
    comp_label = {c: f"{c} {framework.competence(c).name(lang)}" for c in results.competences}
    today = on or datetime.now(UTC).date()

    def to_targets(_: None) -> dict[str, Any]:
        known_paths = {p.id for p in framework.paths}
        learner_paths = read_roster_paths(course.roster_path, known_paths)
        group_records = _group_records(results, learner_paths, default_path)
        return progress_section(group_records, learner_paths, default_path, lang, today)

    # about a second of one core: made meanwhile in another process when there is a core for it
    targets = Started(to_targets, [None], jobs, alone=True)
    labels = question_labels(course.source_dir, {(i.assignment, i.notebook) for i in results.items})
    hand_graded = {(i.assignment, i.notebook, i.cell) for i in results.items if i.manual}
    reasons = help_reasons(results)
    shares = charts.competence_shares(results)
    order = np.argsort(shares, kind="stable")[:WEAKEST] if len(assessed) else []
    weakest = [(comp_label[assessed[n]], float(shares[n])) for n in order]
    distributions = []
    if assessed:
        distributions.append(charts.step_chart(results, t))
    submission_scores = results.submission_scores
    if not submission_scores:
        some = results.assessed.any(axis=1)
        submission_scores = (100 * results.scores[some].mean(axis=1)).tolist()
    if submission_scores:
        distributions.append(charts.score_chart(submission_scores, t))
    integrity = integrity_section(course, lang, hand_graded, labels)
    [to_target] = targets.results(desc="targets", unit=" sections")
    cards = _unit_summary(to_target, results, reasons, t)
    completed = sum(r.completed for r in to_target["rows"])
    return {
        "lang": lang,
        "t": t,
        "title": report_title(course, lang, title),
        "generated": today.strftime(to_target["t"]["date"]),
        "policy": t["policy"].format(pct=round(100 * policy.mastery)),
        "summary": [
            (t["learners"], learners),
            (t["completed_path"], completed),
            (t["need_help"], int((reasons >= 0).sum())),
            (t["pending"], int(results.pending.sum())),
            (t["failed"], int((results.status == STATUSES.index("failed")).sum())),
        ],
        "cards": cards[:SUMMARY_UNITS],
        "more_units": max(0, len(cards) - SUMMARY_UNITS),
        "weakest": charts.attainment_chart(
            "weakest", [w[0] for w in weakest], [w[1] for w in weakest], t, t["weakest_chart"]
        )
        if weakest
        else None,
        "competences": charts.attainment_chart(
            "competences",
            [comp_label[c] for c in assessed],
            shares.tolist(),
            t,
            t["all_competences"],
        )
        if assessed
        else None,
        "distributions": distributions,
        "progress": to_target,
        "items": item_analysis(results, labels),
        "integrity": integrity,
        "findings": sum(len(integrity[k]) for k in ("near", "fast", "changes")),
        "problems": grouped_problems(results.problems, lang),
        "reasons": [t[f"reason_{r}"] for r in REASONS],
        "learner_rows": learner_table(results, reasons, lang),
        "page_rows": PAGE_ROWS,
    }


def render_report(context: dict[str, Any]) -> str:
    environment = Environment(
        loader=PackageLoader("graders", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    return environment.get_template("report.html.j2").render(**context)


def write_report(
    course: Course,
    out: Path,
    lang: str = "vi",
    policy: RollupPolicy | None = None,
    default_path: str = "officials",
    *,
    title: str | None = None,
    jobs: int = 1,
    progress: bool | None = False,
) -> Path:
    """Render the cohort report for ``course`` into the HTML file ``out``; learners the roster
    gives no path count in the ``default_path`` target group; ``title`` names the course (by
    default, its folder)."""
    policy = policy or RollupPolicy()
    context = report_context(
        course, lang, policy, default_path, title=title, jobs=jobs, progress=progress
    )
    text = render_report(context)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
