"""A cohort's results as arrays, for the report: what the records say, without making them.

:class:`CohortSummary` is all the report reads of the records stage. It hides how the
:class:`graders.records.maker.RecordMaker` stores scores (floats with sentinels for "not
submitted" and "awaiting an instructor"): what it hands out are plain arrays, NaN where there is
no score and booleans where something was or was not submitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from graders.course.directory import Course
from graders.course.sources import GradedItem
from graders.gradebook.scores import ABSENT
from graders.records.maker import RecordMaker
from graders.records.rollup import RollupPolicy


@dataclass
class SpanSummary:
    """The results of a span of learners, row ``offset`` being its ``offset``-th learner."""

    steps: np.ndarray  # learner x competence: the step attained (int16)
    pending: np.ndarray  # learner x competence: answers awaiting an instructor (int32)
    scores: np.ndarray  # learner x competence: the share of available points earned
    assessed: np.ndarray  # learner x competence: whether any points are available yet
    submitted: np.ndarray  # learner x assignment: whether the learner has grades in it
    met: np.ndarray  # learner x path: requirements met (int16)
    completed_at: np.ndarray  # learner x path: when completed (datetime64[s]); NaT otherwise


@dataclass
class ItemScores:
    """Each learner's result on each graded item tagged with a competence."""

    items: list[GradedItem]  # the item of each column
    shares: np.ndarray  # learner x item: the share of the item's points, NaN when not scored
    submitted: np.ndarray  # per item: whether any learner has a grade on it, pending or not


class CohortSummary:
    """The results of every learner of a course, read once (as the records are), handed out a
    span of learners at a time so that the work can be spread over processes forked from it."""

    def __init__(
        self,
        course: Course,
        policy: RollupPolicy,
        *,
        jobs: int = 1,
        progress: bool | None = False,
    ) -> None:
        maker = self._maker = RecordMaker(course, policy, jobs=jobs, progress=progress)
        #: every learner, in the records' order
        self.learners: list[str] = maker.learners
        #: each learner's unit, from the roster
        self.units: list[str | None] = [maker.roster.get(x) or None for x in maker.learners]
        #: the competences assessed, in the framework's order
        self.competences: list[str] = maker.assessed
        self.assignments: list[str] = maker.assignments
        self.paths: list[str] = [path.id for path in maker.framework.paths]
        #: per path: how many competences it requires
        self.required: list[int] = [len(path.requirements) for path in maker.framework.paths]
        #: learner -> assignment -> the grading report's entry (the records' ``assignments``)
        self.reports: dict[str, dict[str, dict]] = maker.status

    def __len__(self) -> int:
        return len(self.learners)

    def span(self, start: int, stop: int) -> SpanSummary:
        """The results of ``self.learners[start:stop]``: looked up among the span's distinct
        patterns of scores, as the records' entries are."""
        maker = self._maker
        span = maker.span(start, stop)
        shape = (stop - start, len(self.competences))
        pending = np.zeros(shape, dtype=np.int32)
        scores = np.zeros(shape)
        assessed = np.zeros(shape, dtype=bool)
        for c, entries in enumerate(span.entries):
            codes = span.codes[:, c]
            pending[:, c] = np.array([len(entry["pending"]) for _, entry in entries])[codes]
            scores[:, c] = np.array([result.score for result, _ in entries])[codes]
            assessed[:, c] = np.array([result.available > 0 for result, _ in entries])[codes]
        tables = maker.path_tables(span, start, stop)
        met = np.zeros((stop - start, len(tables)), dtype=np.int16)
        completed_at = np.full(met.shape, np.datetime64("NaT"), dtype="datetime64[s]")
        for p, table in enumerate(tables):
            met[:, p] = table.met
            completed_at[:, p] = table.completed_at
        return SpanSummary(span.steps, pending, scores, assessed, span.submitted, met, completed_at)

    def items(self) -> ItemScores:
        """Every learner's share of each competence item's points."""
        maker = self._maker
        columns = [n for n, item in enumerate(maker.table.items) if item.competences]
        points = np.array([maker.table.items[n].points for n in columns], dtype=float)
        counted = maker.counted[:, columns]
        with np.errstate(divide="ignore", invalid="ignore"):
            # not submitted and pending are both below zero
            item_shares = np.where(counted >= 0, counted / points, np.nan)
        shares = np.full((len(self), len(columns)), np.nan)
        known = maker.table_rows >= 0
        shares[known] = item_shares[maker.table_rows[known]]
        return ItemScores(
            items=[maker.table.items[n] for n in columns],
            shares=shares,
            submitted=(counted != ABSENT).any(axis=0),
        )

    def records(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        """The whole records of ``self.learners[start:stop]``, for showing (not checked against
        the schema: the records ``bdhvs records`` writes are the ones checked)."""
        return self._maker.records(start, stop, check=False)
