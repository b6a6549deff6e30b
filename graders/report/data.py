"""What the cohort report reads of the cohort's results, as arrays small enough for a national
cohort.

The results are those of the records, read through :class:`graders.records.summary.CohortSummary`
(which the records stage keeps in step with the records), but no record is made: each process
takes a span of learners (:mod:`graders.common.forked`) and returns arrays of steps, statuses and
path completion. Only the learners the report lists one by one get a whole record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from graders.common.forked import gc_paused, run_spans
from graders.course.directory import Course
from graders.course.sources import GradedItem
from graders.records.rollup import RollupPolicy
from graders.records.summary import CohortSummary

SPAN = 5000  # learners a process summarises in one go
#: A submission's status in :attr:`CohortResults.status`.
STATUSES = ("not_submitted", "graded", "failed")


@dataclass
class CohortResults:
    """Every learner's results, row ``n`` being ``learners[n]``."""

    learners: list[str]
    units: list[str | None]
    competences: list[str]
    assignments: list[str]
    paths: list[str]
    steps: np.ndarray  # learner x competence: the step attained
    pending: np.ndarray  # learner x competence: answers awaiting an instructor
    scores: np.ndarray  # learner x competence: the share of available points earned
    assessed: np.ndarray  # learner x competence: whether any points are available yet
    status: np.ndarray  # learner x assignment: index in STATUSES
    submission_scores: list[float]  # % of the points, of every graded submission with a score
    problems: list[tuple[str, str, str]]  # (learner, assignment, message) of grading problems
    met: np.ndarray  # learner x path: requirements met
    required: list[int]  # per path: requirements
    completed_at: np.ndarray  # learner x path: when completed (datetime64[s]); NaT otherwise
    item_scores: np.ndarray  # learner x item: share of the item's points, NaN when not graded
    items: list[GradedItem]  # the item of each column of item_scores
    item_submitted: np.ndarray  # per item: whether any learner has a grade on it, pending or not
    first: list[dict[str, Any]]  # the whole records of the first ``listed`` learners

    @property
    def completed(self) -> np.ndarray:
        return self.met == np.array(self.required)


def cohort_results(
    course: Course,
    policy: RollupPolicy,
    *,
    listed: int,
    jobs: int = 1,
    progress: bool | None = False,
) -> CohortResults:
    """The results of every learner of ``course``; whole records for the first ``listed``."""
    cohort = CohortSummary(course, policy, jobs=jobs, progress=progress)
    parts = []
    with gc_paused():
        for _, part in run_spans(
            lambda span: _summarised(cohort, *span),
            len(cohort),
            jobs=jobs,
            largest=SPAN,
            desc="report",
            progress=progress,
        ):
            parts.append(part)
        first = list(cohort.records(0, min(listed, len(cohort))))
    items = cohort.items()

    # the arrays' shapes, for a course without learners
    parts = parts or [_summarised(cohort, 0, 0)]

    def joined(name: str) -> np.ndarray:
        return np.concatenate([part[name] for part in parts])

    return CohortResults(
        learners=cohort.learners,
        units=cohort.units,
        competences=cohort.competences,
        assignments=cohort.assignments,
        paths=cohort.paths,
        steps=joined("steps"),
        pending=joined("pending"),
        scores=joined("scores"),
        assessed=joined("assessed"),
        status=joined("status"),
        submission_scores=[s for part in parts for s in part["submission_scores"]],
        problems=[p for part in parts for p in part["problems"]],
        met=joined("met"),
        required=cohort.required,
        completed_at=joined("completed_at"),
        item_scores=items.shares,
        items=items.items,
        item_submitted=items.submitted,
        first=first,
    )


def _summarised(cohort: CohortSummary, start: int, stop: int) -> dict[str, Any]:
    """The arrays of :class:`CohortResults` for ``cohort.learners[start:stop]``."""
    span = cohort.span(start, stop)
    status = np.where(span.submitted, STATUSES.index("graded"), STATUSES.index("not_submitted"))
    submission_scores: list[float] = []
    problems: list[tuple[str, str, str]] = []
    for offset, learner in enumerate(cohort.learners[start:stop]):
        reported = cohort.reports.get(learner)
        if not reported:
            continue
        for a, assignment in enumerate(cohort.assignments):
            entry = reported.get(assignment)
            if entry is None:
                continue
            kind = entry["status"]
            status[offset, a] = STATUSES.index(kind) if kind in STATUSES else 0
            if kind == "failed":
                problems.append((learner, assignment, entry.get("message", "")))
            problems.extend((learner, assignment, flag) for flag in entry.get("flags", []))
            if kind == "graded" and entry.get("max_score"):
                submission_scores.append(100 * entry["score"] / entry["max_score"])
    return {
        "steps": span.steps,
        "pending": span.pending,
        "scores": span.scores,
        "assessed": span.assessed,
        "status": status.astype(np.int8),
        "submission_scores": submission_scores,
        "problems": problems,
        "met": span.met,
        "completed_at": span.completed_at,
    }
