"""The "Integrity" section of the cohort report: what ``bdhvs integrity`` finds, in vi or en."""

from __future__ import annotations

from typing import Any

from graders.course.directory import Course
from graders.integrity.audit import ManualChange
from graders.integrity.findings import check_integrity
from graders.integrity.timing import duration_text

LABELS = {
    "vi": {
        "heading": "Liêm chính",
        "help": "Những điều người kiểm tra cần xem: bài làm gần như giống hệt nhau trong lớp, "
        "bài hoàn thành nhanh bất thường và điểm được sửa bằng tay (xem docs/integrity.md). "
        "Đây là dấu hiệu cần xem lại, chưa phải kết luận.",
        "near": "Bài làm gần như giống hệt nhau",
        "assignment": "Bài",
        "learners": "Học viên",
        "similarity": "Độ giống",
        "matching": "Câu trùng nhau",
        "fast": "Hoàn thành nhanh bất thường",
        "learner": "Học viên",
        "time": "Thời gian làm",
        "floor": "Ngưỡng tối thiểu",
        "median": "Trung vị của lớp",
        "from_answers": "từ câu trả lời đầu tiên đến khi nộp",
        "from_release": "từ khi phát bài đến khi nộp",
        "inconsistent": "bắt đầu sau khi nộp: thời gian không khớp",
        "changes": "Điểm sửa bằng tay",
        "when": "Thời điểm (UTC)",
        "item": "Câu",
        "change": "Thay đổi",
        "who": "Người sửa",
        "unknown": "không rõ (sửa ngoài nbgrader và bdhvs)",
        "manual": "điểm chấm tay",
        "extra": "điểm cộng",
        "none": "Không có.",
    },
    "en": {
        "heading": "Integrity",
        "help": "What an auditor would want to see: near-identical submissions within the "
        "cohort, implausibly fast completions and grades changed by hand (see "
        "docs/integrity.md). These are leads to review, not verdicts.",
        "near": "Near-identical submissions",
        "assignment": "Assignment",
        "learners": "Learners",
        "similarity": "Similarity",
        "matching": "Matching items",
        "fast": "Implausibly fast completions",
        "learner": "Learner",
        "time": "Working time",
        "floor": "Floor",
        "median": "Cohort median",
        "from_answers": "from the first answer to submission",
        "from_release": "from the release to submission",
        "inconsistent": "started after submitting: the times disagree",
        "changes": "Grades changed by hand",
        "when": "When (UTC)",
        "item": "Item",
        "change": "Change",
        "who": "Changed by",
        "unknown": "unknown (changed outside nbgrader and bdhvs)",
        "manual": "manual score",
        "extra": "extra credit",
        "none": "None.",
    },
}


def _value(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _change_text(change: ManualChange, t: dict[str, str]) -> str:
    parts = []
    if change.old_manual_score != change.new_manual_score:
        old, new = _value(change.old_manual_score), _value(change.new_manual_score)
        parts.append(f"{t['manual']} {old} → {new}")
    if change.old_extra_credit != change.new_extra_credit:
        old, new = _value(change.old_extra_credit), _value(change.new_extra_credit)
        parts.append(f"{t['extra']} {old} → {new}")
    return "; ".join(parts)


def integrity_section(course: Course, lang: str) -> dict[str, Any]:
    """Rows for the template: near-identical groups (their highest pair similarity and the
    items they share), fast completions, manual changes."""
    t = LABELS[lang]
    findings = check_integrity(course)
    near, fast = [], []
    for result in findings.assignments:
        for group in result.groups:
            keys = {key for pair in group.pairs for key in pair.items}
            near.append(
                {
                    "assignment": result.assignment,
                    "learners": ", ".join(group.learners),
                    "score": f"{100 * group.score:.0f}%",
                    "shared": ", ".join(key.split("/", 1)[-1] for key in sorted(keys)),
                }
            )
        for flagged in result.fast:
            if flagged.seconds < 0:
                how = t["inconsistent"]
            else:
                how = t["from_answers"] if flagged.source == "answers" else t["from_release"]
            fast.append(
                {
                    "assignment": result.assignment,
                    "learner": flagged.learner,
                    "time": f"{duration_text(flagged.seconds)} ({how})",
                    "floor": duration_text(flagged.floor),
                    "median": duration_text(flagged.median) if flagged.median else "–",
                }
            )
    changes = [
        {
            "when": change.changed_at.replace("T", " ").rstrip("Z")[:19],
            "learner": change.learner,
            "assignment": change.assignment,
            "item": change.cell,
            "change": _change_text(change, t),
            "who": change.actor or t["unknown"],
        }
        for change in findings.changes
    ]
    return {"t": t, "near": near, "fast": fast, "changes": changes}
