"""``bdhvs report``: the cohort report, one self-contained HTML file that opens offline."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from statistics import mean
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from curriculum.framework import load_framework
from curriculum.modules import load_modules
from graders.course import Course
from graders.integrity.report_section import integrity_section
from graders.report import plots
from graders.report.data import report_records
from graders.report.targets import progress_section
from graders.rollup import RollupPolicy
from graders.roster import read_roster_paths

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


def _shown(rows: list, labels: dict[str, str]) -> str:
    """The note under a list cut to :data:`LIST_ROWS` rows; empty when it is whole."""
    if len(rows) <= LIST_ROWS:
        return ""
    return labels["shown"].format(shown=LIST_ROWS, total=len(rows))


def _all_attained(record: dict[str, Any]) -> bool:
    return all(entry["step"] > 0 for entry in record["competences"].values())


def item_analysis(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Difficulty and upper-lower discrimination of every graded item, from the records.

    Scores go into a learners x items table; a competence entry shared by many records (see
    ``graders.report.data``) is read once and set for all its learners at once, so a national
    cohort takes seconds.
    """
    meta: dict[tuple[str, str, str], dict[str, Any]] = {}
    columns: dict[tuple[str, str, str], int] = {}
    learners_of: dict[int, list[int]] = {}  # id of a shared competence entry -> its rows
    entries: dict[int, tuple[str, dict[str, Any]]] = {}
    for row, record in enumerate(records):
        for competence, entry in record["competences"].items():
            rows = learners_of.get(id(entry))
            if rows is None:
                rows = learners_of[id(entry)] = []
                entries[id(entry)] = (competence, entry)
            rows.append(row)
    scored: list[tuple[list[int], list[int], list[float]]] = []
    for key, (competence, entry) in entries.items():
        places, values = [], []
        for e in entry["evidence"]:
            item = (e["assignment"], e["notebook"], e["cell"])
            info = meta.setdefault(
                item, {"competences": set(), "target": e["target_step"], "manual": False}
            )
            info["competences"].add(competence)
            column = columns.setdefault(item, len(columns))
            if e["score"] is not None:
                places.append(column)
                values.append(e["score"] / e["max_score"])
        if places:
            scored.append((learners_of[key], places, values))
    table = np.full((len(records), max(1, len(columns))), np.nan)
    for rows, places, values in scored:  # every learner sharing an entry at once
        table[np.ix_(rows, places)] = values
    graded = ~np.isnan(table)
    ranked = np.flatnonzero(graded.any(axis=1))
    totals = np.nansum(table[ranked], axis=1)
    ranked = ranked[np.argsort(-totals, kind="stable")]
    group = max(1, round(0.27 * len(ranked)))
    top = np.zeros(len(records), dtype=bool)
    bottom = np.zeros(len(records), dtype=bool)
    top[ranked[:group]] = True
    bottom[ranked[-group:] if len(ranked) else []] = True
    rows = []
    for key in sorted(meta):
        column = columns[key]
        mask = graded[:, column]
        values = table[mask, column]
        upper = table[mask & top, column]
        lower = table[mask & bottom, column]
        difficulty = 100 * float(values.mean()) if values.size else None
        discrimination = float(upper.mean() - lower.mean()) if upper.size and lower.size else None
        note = ""
        if values.size and values.max() == 0:
            note = "nobody"
        elif values.size and values.min() == 1:
            note = "everybody"
        rows.append(
            {
                "item": "/".join(key),
                "competences": ", ".join(sorted(meta[key]["competences"])),
                "target": meta[key]["target"],
                "difficulty": difficulty,
                "discrimination": discrimination,
                "note": note,
                "graded": int(values.size),
            }
        )
    return rows


def next_modules(record: dict[str, Any], lang: str) -> str:
    """Modules that teach the competences this learner has not attained yet, in module order."""
    gaps = {c for c, entry in record["competences"].items() if entry["step"] == 0}
    titles = [m.title(lang) for m in load_modules() if gaps.intersection(m.competences)]
    return "; ".join(titles)


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
    ``jobs`` processes make the records."""
    labels = LABELS[lang]
    framework = load_framework()
    records = report_records(course, policy, jobs=jobs, progress=progress)
    assessed = list(records[0]["competences"]) if records else []
    comp_label = {c: f"{c} {framework.competence(c).name(lang)}" for c in assessed}

    thresholds = [1, 2]
    learners_at: Counter[tuple[str, int]] = Counter()  # (competence, step) -> learners
    for record in records:
        for competence, entry in record["competences"].items():
            learners_at[competence, entry["step"]] += 1
    shares = (
        {
            labels["step_at_least"].format(step=t): [
                sum(n for (c2, step), n in learners_at.items() if c2 == c and step >= t)
                / len(records)
                for c in assessed
            ]
            for t in thresholds
        }
        if records
        else {}
    )

    step_counts: Counter[int] = Counter()
    for (_, step), n in learners_at.items():
        step_counts[step] += n
    steps = list(range(0, max(step_counts, default=0) + 1))

    known_paths = {p.id for p in framework.paths}
    learner_paths = read_roster_paths(course.roster_path, known_paths)
    today = on or datetime.now(UTC).date()
    progress = progress_section(records, learner_paths, default_path, lang, today)

    submission_scores = [
        100 * status["score"] / status["max_score"]
        for r in records
        for status in r["assignments"].values()
        if status.get("status") == "graded" and status.get("max_score")
    ]
    if not submission_scores:
        submission_scores = [
            100 * mean(e["score"] for e in r["competences"].values())
            for r in records
            if any(e["available"] for e in r["competences"].values())
        ]

    problems = []
    at_risk = []
    for record in records:
        failed = False
        for assignment, status in record["assignments"].items():
            if status["status"] == "failed":
                failed = True
                problems.append((record["learner"], assignment, status.get("message", "")))
            for flag in status.get("flags", []):
                problems.append((record["learner"], assignment, flag))
        missing = sum(entry["step"] == 0 for entry in record["competences"].values())
        graded = any(s["status"] == "graded" for s in record["assignments"].values())
        if failed:
            at_risk.append((record["learner"], record["unit"] or "", labels["not_gradable"]))
        elif graded and assessed and missing > len(assessed) / 2:
            reason = labels["weak"].format(n=missing, total=len(assessed))
            at_risk.append((record["learner"], record["unit"] or "", reason))

    figures = []
    if records and assessed:
        figures.append(
            plots.attainment_bars([comp_label[c] for c in assessed], shares, labels["attainment"])
        )
        figures.append(
            plots.step_distribution(
                steps, [step_counts[s] for s in steps], labels["steps"], labels["step"]
            )
        )
    if submission_scores:
        figures.append(
            plots.histogram(
                submission_scores, 10, labels["scores"], labels["score_pct"], labels["count"]
            )
        )

    return {
        "lang": lang,
        "t": labels,
        "course": course.root.name,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "policy": labels["policy"].format(pct=round(100 * policy.mastery)),
        "summary": [
            (labels["learners"], len(records)),
            (
                labels["graded"],
                sum(s["status"] == "graded" for r in records for s in r["assignments"].values()),
            ),
            (
                labels["failed"],
                sum(s["status"] == "failed" for r in records for s in r["assignments"].values()),
            ),
            (
                labels["pending"],
                sum(len(e["pending"]) for r in records for e in r["competences"].values()),
            ),
            (labels["all_attained"], sum(_all_attained(r) for r in records if assessed)),
        ],
        "figures": figures,
        "progress": progress,
        "items": item_analysis(records),
        "integrity": integrity_section(course, lang),
        "problems": problems[:LIST_ROWS],
        "at_risk": at_risk[:LIST_ROWS],
        "shown": {
            "problems": _shown(problems, labels),
            "at_risk": _shown(at_risk, labels),
            "records": _shown(records, labels),
        },
        "assessed": assessed,
        "comp_label": comp_label,
        "records": records[:LIST_ROWS],
        "next_modules": {r["learner"]: next_modules(r, lang) for r in records[:LIST_ROWS]},
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
