"""The "Integrity" section of the cohort report: what ``bdhvs integrity`` finds that a reader
must look into, in vi or en.

``bdhvs integrity`` lists every recorded change of a grade made by hand. Most are ordinary
grading: an instructor scoring a written answer that only a person can score. The report lists a
change only when it is not that, so that real leads are not buried under a cohort's essays:

- a manual score on a cell the autograder scores (an override of the tests' verdict);
- a manual score that replaces or removes one already given (a grade changed after grading);
- any change of extra credit (points beyond the question's maximum).

The first manual score of a cell that needs manual grading (``manual`` in the assignment's
sources: a written answer or a task) is normal grading and is not listed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from graders.course.directory import Course
from graders.course.questions import Key, question_of
from graders.integrity.audit import ManualChange
from graders.integrity.findings import check_integrity
from graders.integrity.timing import duration_text

LABELS = {
    "vi": {
        "heading": "Liêm chính",
        "help": "Những điều cần xem lại: bài làm gần như giống hệt nhau trong lớp, bài hoàn "
        "thành nhanh bất thường và điểm bị sửa sau khi chấm. Giảng viên chấm câu tự luận lần "
        "đầu là việc chấm bình thường nên không nằm ở đây. Đây là dấu hiệu cần xem lại, chưa "
        "phải kết luận.",
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
        "changes": "Điểm bị sửa sau khi chấm",
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
        "help": "What to look into: near-identical submissions within the cohort, implausibly "
        "fast completions and grades changed after grading. An instructor scoring a written "
        "answer for the first time is ordinary grading and is not listed. These are leads to "
        "review, not verdicts.",
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
        "changes": "Grades changed after grading",
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


def is_finding(change: ManualChange, hand_graded: Collection[Key]) -> bool:
    """Whether a recorded change is a lead rather than the first scoring of a cell that needs a
    person (see the module's docstring)."""
    if change.old_extra_credit != change.new_extra_credit:
        return True
    cell = (change.assignment or "", change.notebook or "", change.cell or "")
    first = change.old_manual_score is None and change.new_manual_score is not None
    return not (first and cell in hand_graded)


def integrity_section(
    course: Course, lang: str, hand_graded: Collection[Key], labels: dict[Key, str]
) -> dict[str, Any]:
    """Rows for the template: near-identical groups (their highest pair similarity and the
    questions they share), fast completions, and the changes that are findings; questions are
    named by ``labels``, the cells of ``hand_graded`` need a person to score them."""
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
                    "shared": "; ".join(
                        dict.fromkeys(
                            question_of(labels, result.assignment, k) for k in sorted(keys)
                        )
                    ),
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
            "item": question_of(
                labels, change.assignment or "", f"{change.notebook}/{change.cell}"
            ),
            "change": _change_text(change, t),
            "who": change.actor or t["unknown"],
        }
        for change in findings.changes
        if is_finding(change, hand_graded)
    ]
    return {"t": t, "near": near, "fast": fast, "changes": changes}
