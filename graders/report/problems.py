"""Grading problems in words a training manager reads: Vietnamese, grouped by learner.

Grading writes its problems in English for the technician who runs it (``bdhvs grade``). The
report names the kind of each problem in Vietnamese, lists each learner once per kind with the
assignments it touched, and keeps the English detail in a fold for the technician. A problem of
a kind not listed here still shows, as "another problem", with its detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: (what the English message says, what the manager reads), checked in order: the first match
#: names the kind.
KINDS: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (
            r"not valid JSON|not a valid notebook|not UTF-8|cannot be UTF-8|nested more than"
            r"|cannot be read|holds more than",
            {
                "vi": "Tệp bài làm bị hỏng, không đọc được: học viên cần nộp lại",
                "en": "The submitted file is damaged and cannot be read: resubmit",
            },
        ),
        (
            r"submission folder is empty|no notebook of the assignment|missing notebook"
            r"|recorded no submission",
            {
                "vi": "Thiếu tệp bài làm: học viên cần nộp lại",
                "en": "The submission lacks its notebook: resubmit",
            },
        ),
        (
            r"deleted graded cells|edited locked cells|nbgrader metadata|grade ids not in the",
            {
                "vi": "Bài làm bị xóa hoặc sửa phần câu hỏi; hệ thống đã khôi phục để chấm",
                "en": "Question cells were deleted or edited; restored for grading",
            },
        ),
        (
            r"time limit",
            {
                "vi": "Bài làm chạy quá thời gian cho phép",
                "en": "The submission ran past the time limit",
            },
        ),
        (
            r"tamper|traced execution|interfered with the grader|sys\.exit|ended the grading",
            {
                "vi": "Bài làm can thiệp vào việc chấm: cần xem lại",
                "en": "The submission interfered with grading: review it",
            },
        ),
        (
            r"out of memory|over the limit was cut|malformed outputs|rest of the notebook",
            {
                "vi": "Bài làm chạy không trọn vẹn; phần còn lại không được chấm",
                "en": "The submission did not run to the end",
            },
        ),
        (
            r"symbolic link|notebooks not in the assignment",
            {
                "vi": "Bài nộp kèm tệp lạ; các tệp đó không được chấm",
                "en": "Unexpected files were submitted and not graded",
            },
        ),
        (
            r"over the cap|changed while it was read|could not run",
            {
                "vi": "Không chấm được bài làm: cần kỹ thuật viên xem",
                "en": "The submission could not be graded: a technician should look",
            },
        ),
    )
)
OTHER = {"vi": "Vấn đề khác khi chấm: cần kỹ thuật viên xem", "en": "Another grading problem"}


def problem_kind(message: str, lang: str) -> str:
    """The manager's words for one English grading message."""
    for pattern, text in KINDS:
        if pattern.search(message):
            return text[lang]
    return OTHER[lang]


@dataclass
class LearnerProblem:
    """One learner's problems of one kind, over the assignments they touched."""

    learner: str
    kind: str
    assignments: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # English, for the technician


def grouped_problems(problems: list[tuple[str, str, str]], lang: str) -> list[LearnerProblem]:
    """(learner, assignment, message) rows as one entry per learner and kind, in learner order."""
    found: dict[tuple[str, str], LearnerProblem] = {}
    for learner, assignment, message in problems:
        kind = problem_kind(message, lang)
        entry = found.setdefault((learner, kind), LearnerProblem(learner, kind))
        if assignment not in entry.assignments:
            entry.assignments.append(assignment)
        entry.details.append(f"{assignment}: {message}")
    return sorted(found.values(), key=lambda p: (p.learner, p.kind))
