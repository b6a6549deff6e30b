"""``bdhvs report``: the cohort report, one self-contained HTML file that opens offline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from curriculum.framework import load_framework
from curriculum.modules import load_modules
from graders.common.forked import Started
from graders.course.directory import Course
from graders.course.roster import read_roster_paths
from graders.integrity.report_section import integrity_section
from graders.records.rollup import RollupPolicy
from graders.report import plots
from graders.report.data import STATUSES, CohortResults, cohort_results
from graders.report.targets import progress_section

LABELS = {
    "vi": {
        "title": "Báo cáo lớp học",
        "generated": "Lập lúc",
        "learners": "Học viên",
        "graded": "Bài đã chấm",
        "failed": "Bài không chấm được",
        "pending": "Câu chờ giảng viên chấm",
        "all_attained": "Đạt mọi năng lực được đánh giá",
        "attainment": "Tỉ lệ học viên đạt theo năng lực",
        "step_at_least": "bậc ≥ {step}",
        "steps": "Phân bố bậc đạt được (mọi học viên × năng lực)",
        "step": "Bậc",
        "scores": "Phân bố điểm bài làm",
        "score_pct": "Điểm (% tổng điểm)",
        "count": "Số học viên",
        "item_analysis": "Phân tích câu hỏi",
        "items_help": "Độ khó: điểm trung bình (%). Độ phân biệt: chênh lệch điểm câu này giữa "
        "nhóm 27% học viên cao điểm nhất và 27% thấp nhất. Câu ai cũng đúng hoặc không ai đúng "
        "cần xem lại.",
        "item": "Câu",
        "competences": "Năng lực",
        "target": "Bậc mục tiêu",
        "difficulty": "Độ khó (%)",
        "discrimination": "Độ phân biệt",
        "note": "Ghi chú",
        "nobody": "không ai đạt",
        "everybody": "ai cũng đạt",
        "manual": "chấm tay",
        "problems": "Bài có vấn đề khi chấm",
        "none": "Không có.",
        "assignment": "Bài",
        "message": "Nội dung",
        "at_risk": "Học viên cần hỗ trợ",
        "at_risk_help": "Bài không chấm được, hoặc chưa đạt bậc nào ở quá nửa số năng lực "
        "được đánh giá.",
        "unit": "Đơn vị",
        "reason": "Lý do",
        "not_gradable": "bài không chấm được",
        "weak": "chưa đạt {n}/{total} năng lực",
        "per_learner": "Bậc đạt được của từng học viên",
        "next": "Học phần nên học tiếp",
        "pending_mark": "Dấu *: còn câu tự luận chờ giảng viên chấm; bậc có thể tăng sau đó.",
        "shown": "Hiển thị {shown} trên {total} dòng; mọi học viên có trong records.csv.",
        "learner": "Học viên",
        "policy": "Quy tắc: đạt bậc khi được ít nhất {pct}% số điểm của các câu ở bậc đó "
        "trở xuống (xem docs/rollup.md).",
    },
    "en": {
        "title": "Cohort report",
        "generated": "Generated",
        "learners": "Learners",
        "graded": "Graded submissions",
        "failed": "Submissions that could not be graded",
        "pending": "Answers awaiting an instructor",
        "all_attained": "Attained every assessed competence",
        "attainment": "Share of learners attaining each competence",
        "step_at_least": "step ≥ {step}",
        "steps": "Distribution of steps attained (all learners × competences)",
        "step": "Step",
        "scores": "Distribution of submission scores",
        "score_pct": "Score (% of points)",
        "count": "Learners",
        "item_analysis": "Item analysis",
        "items_help": "Difficulty: mean score (%). Discrimination: the difference in this item's "
        "score between the top and bottom 27% of learners. Items everybody or nobody gets need "
        "a second look.",
        "item": "Item",
        "competences": "Competences",
        "target": "Target step",
        "difficulty": "Difficulty (%)",
        "discrimination": "Discrimination",
        "note": "Note",
        "nobody": "nobody gets it",
        "everybody": "everybody gets it",
        "manual": "graded by hand",
        "problems": "Grading problems",
        "none": "None.",
        "assignment": "Assignment",
        "message": "Message",
        "at_risk": "Learners who need support",
        "at_risk_help": "Submission could not be graded, or no step attained in more than half "
        "of the assessed competences.",
        "unit": "Unit",
        "reason": "Reason",
        "not_gradable": "submission could not be graded",
        "weak": "{n}/{total} competences not attained",
        "per_learner": "Steps attained by each learner",
        "next": "Recommended next modules",
        "pending_mark": "* : a written answer awaits an instructor; the step may rise once graded.",
        "shown": "Showing {shown} of {total} rows; every learner is in records.csv.",
        "learner": "Learner",
        "policy": "Rule: a step is attained with at least {pct}% of the points of the items at "
        "that step or below (see docs/rollup.md).",
    },
}


#: Rows of a per-learner list shown in the report. A national cohort's report stays a file that
#: opens quickly; the figures and summaries cover every learner and records.csv lists them all.
LIST_ROWS = 500


def _shown(total: int, labels: dict[str, str]) -> str:
    """The note under a list cut to :data:`LIST_ROWS` rows; empty when it is whole."""
    if total <= LIST_ROWS:
        return ""
    return labels["shown"].format(shown=LIST_ROWS, total=total)


def item_analysis(results: CohortResults) -> list[dict[str, Any]]:
    """Difficulty and upper-lower discrimination of every item some learner submitted, each a
    column operation over the learners x items table."""
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
    gaps = {c for c, entry in record["competences"].items() if entry["step"] == 0}
    titles = [m.title(lang) for m in load_modules() if gaps.intersection(m.competences)]
    return "; ".join(titles)


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


def _at_risk(results: CohortResults, labels: dict[str, str]) -> list[tuple[str, str, str]]:
    """Learners whose submission could not be graded, or who attained no step in more than
    half of the assessed competences although graded."""
    failed = (results.status == STATUSES.index("failed")).any(axis=1)
    graded = (results.status == STATUSES.index("graded")).any(axis=1)
    missing = (results.steps == 0).sum(axis=1)
    total = len(results.competences)
    weak = graded & (missing > total / 2) if total else np.zeros_like(graded)
    found = []
    for n in np.flatnonzero(failed | weak).tolist():
        unit = results.units[n] or ""
        if failed[n]:
            found.append((results.learners[n], unit, labels["not_gradable"]))
        else:
            reason = labels["weak"].format(n=int(missing[n]), total=total)
            found.append((results.learners[n], unit, reason))
    return found


def report_context(
    course: Course,
    lang: str,
    policy: RollupPolicy,
    default_path: str = "officials",
    on: date | None = None,
    *,
    jobs: int = 1,
    progress: bool | None = False,
) -> dict[str, Any]:
    """Everything the template shows; ``on`` (default: today) decides which targets are due.
    ``jobs`` processes summarise the learners."""
    labels = LABELS[lang]
    framework = load_framework()
    results = cohort_results(course, policy, listed=LIST_ROWS, jobs=jobs, progress=progress)
    learners = len(results.learners)
    assessed = results.competences if learners else []
    comp_label = {c: f"{c} {framework.competence(c).name(lang)}" for c in assessed}

    today = on or datetime.now(UTC).date()

    def to_targets(_: None) -> dict[str, Any]:
        known_paths = {p.id for p in framework.paths}
        learner_paths = read_roster_paths(course.roster_path, known_paths)
        group_records = _group_records(results, learner_paths, default_path)
        return progress_section(group_records, learner_paths, default_path, lang, today)

    # about a second of one core: made meanwhile in another process when there is a core for it
    targets = Started(to_targets, [None], jobs, alone=True)
    figures = _figures(results, labels, [comp_label[c] for c in assessed])
    at_risk = _at_risk(results, labels)
    items = item_analysis(results)
    integrity = integrity_section(course, lang)
    [progress_to_targets] = targets.results(desc="targets", unit=" sections")

    first = results.first
    all_attained = int((results.steps > 0).all(axis=1).sum()) if assessed else 0
    return {
        "lang": lang,
        "t": labels,
        "course": course.root.name,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "policy": labels["policy"].format(pct=round(100 * policy.mastery)),
        "summary": [
            (labels["learners"], learners),
            (labels["graded"], int((results.status == STATUSES.index("graded")).sum())),
            (labels["failed"], int((results.status == STATUSES.index("failed")).sum())),
            (labels["pending"], int(results.pending.sum())),
            (labels["all_attained"], all_attained),
        ],
        "figures": figures,
        "progress": progress_to_targets,
        "items": items,
        "integrity": integrity,
        "problems": results.problems[:LIST_ROWS],
        "at_risk": at_risk[:LIST_ROWS],
        "shown": {
            "problems": _shown(len(results.problems), labels),
            "at_risk": _shown(len(at_risk), labels),
            "records": _shown(learners, labels),
        },
        "assessed": assessed,
        "comp_label": comp_label,
        "records": first,
        "next_modules": {r["learner"]: next_modules(r, lang) for r in first},
    }


def _figures(
    results: CohortResults, labels: dict[str, str], competence_labels: list[str]
) -> list[str]:
    """The attainment, step and score plots, as data URIs; the first two only when the cohort
    has learners and some competence was assessed (``competence_labels``, in the order of the
    results' columns)."""
    figures = []
    if len(results.learners) and competence_labels:
        shares = {
            labels["step_at_least"].format(step=t): (results.steps >= t).mean(axis=0).tolist()
            for t in (1, 2)
        }
        step_counts = np.bincount(results.steps.ravel(), minlength=1)
        steps = list(range(len(step_counts)))
        figures.append(plots.attainment_bars(competence_labels, shares, labels["attainment"]))
        figures.append(
            plots.step_distribution(
                steps, [int(step_counts[s]) for s in steps], labels["steps"], labels["step"]
            )
        )
    submission_scores = results.submission_scores
    if not submission_scores:
        some = results.assessed.any(axis=1)
        submission_scores = (100 * results.scores[some].mean(axis=1)).tolist()
    if submission_scores:
        figures.append(
            plots.histogram(
                submission_scores, 10, labels["scores"], labels["score_pct"], labels["count"]
            )
        )
    return figures


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
    jobs: int = 1,
    progress: bool | None = False,
) -> Path:
    """Render the cohort report for ``course`` into the HTML file ``out``; learners the roster
    gives no path count in the ``default_path`` target group."""
    policy = policy or RollupPolicy()
    context = report_context(course, lang, policy, default_path, jobs=jobs, progress=progress)
    text = render_report(context)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
