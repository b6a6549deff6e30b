"""What the cohort report reads of the cohort's results, as arrays small enough for a national
cohort.

The results are those of the records (:class:`graders.records.maker.RecordMaker` makes both), but no
record is made: each process takes a span of learners (:mod:`graders.common.forked`), looks up each
learner's competence results among the span's distinct score patterns and returns arrays of
steps, statuses and path completion. Only the learners the report lists one by one get a whole
record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from graders.common.forked import gc_paused, run_spans
from graders.course.directory import Course
from graders.course.sources import GradedItem
from graders.gradebook.scores import ABSENT
from graders.records.maker import RecordMaker
from graders.records.rollup import RollupPolicy

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
    maker = RecordMaker(course, policy, jobs=jobs, progress=progress)
    paths = maker.framework.paths
    parts = []
    with gc_paused():
        for _, part in run_spans(
            lambda span: _summarised(maker, *span),
            len(maker),
            jobs=jobs,
            largest=SPAN,
            desc="report",
            progress=progress,
        ):
            parts.append(part)
        # shown, not written: the records bdhvs records writes are the ones checked
        first = list(maker.records(0, min(listed, len(maker)), check=False))
    columns = [n for n, item in enumerate(maker.table.items) if item.competences]
    points = np.array([maker.table.items[n].points for n in columns], dtype=float)
    counted = maker.counted[:, columns]
    with np.errstate(divide="ignore", invalid="ignore"):
        item_scores = np.where(counted >= 0, counted / points, np.nan)
    learner_items = np.full((len(maker), len(columns)), np.nan)
    known = maker.table_rows >= 0
    learner_items[known] = item_scores[maker.table_rows[known]]

    parts = parts or [_summarised(maker, 0, 0)]  # the arrays' shapes, for a course without learners

    def joined(name: str) -> np.ndarray:
        return np.concatenate([part[name] for part in parts])

    return CohortResults(
        learners=maker.learners,
        units=[maker.roster.get(learner) or None for learner in maker.learners],
        competences=maker.assessed,
        assignments=maker.assignments,
        paths=[p.id for p in paths],
        steps=joined("steps"),
        pending=joined("pending"),
        scores=joined("scores"),
        assessed=joined("assessed"),
        status=joined("status"),
        submission_scores=[s for part in parts for s in part["submission_scores"]],
        problems=[p for part in parts for p in part["problems"]],
        met=joined("met"),
        required=[len(p.requirements) for p in paths],
        completed_at=joined("completed_at"),
        item_scores=learner_items,
        items=[maker.table.items[n] for n in columns],
        item_submitted=(counted != ABSENT).any(axis=0),
        first=first,
    )


def _summarised(maker: RecordMaker, start: int, stop: int) -> dict[str, Any]:
    """The arrays of :class:`CohortResults` for ``maker.learners[start:stop]``."""
    span = maker.span(start, stop)
    count = stop - start
    width = len(maker.assessed)
    steps = span.steps
    pending = np.zeros((count, width), dtype=np.int32)
    scores = np.zeros((count, width))
    assessed = np.zeros((count, width), dtype=bool)
    for c, entries in enumerate(span.entries):
        codes = span.codes[:, c]
        pending[:, c] = np.array([len(entry["pending"]) for _, entry in entries])[codes]
        scores[:, c] = np.array([result.score for result, _ in entries])[codes]
        assessed[:, c] = np.array([result.available > 0 for result, _ in entries])[codes]

    status = np.where(span.submitted, STATUSES.index("graded"), STATUSES.index("not_submitted"))
    submission_scores: list[float] = []
    problems: list[tuple[str, str, str]] = []
    for offset, learner in enumerate(maker.learners[start:stop]):
        reported = maker.status.get(learner)
        if not reported:
            continue
        for a, assignment in enumerate(maker.assignments):
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

    tables = maker.path_tables(span, start, stop)
    met = np.zeros((count, len(tables)), dtype=np.int16)
    completed_at = np.full(met.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    for p, table in enumerate(tables):
        met[:, p] = table.met
        completed_at[:, p] = table.completed_at
    return {
        "steps": steps,
        "pending": pending,
        "scores": scores,
        "assessed": assessed,
        "status": status.astype(np.int8),
        "submission_scores": submission_scores,
        "problems": problems,
        "met": met,
        "completed_at": completed_at,
    }
