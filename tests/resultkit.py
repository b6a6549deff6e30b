"""Checks that the cohort report's arrays (graders.report.data) say what the records say, and
that the records' paths say what the roll-up rule says of their competences; the records as
``bdhvs records`` writes them, and plain reference forms of the path rule and of the xAPI
statements to check the production code against."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

import graders.records.maker
from curriculum.framework import LearningPath
from graders.course.directory import Course
from graders.credentials.issuer import PLACEHOLDER_HOME_PAGE
from graders.exports.write import write_outputs
from graders.exports.xapi import StatementLines
from graders.records.maker import path_entry
from graders.records.rollup import CompetenceResult, RollupPolicy
from graders.report.data import STATUSES, CohortResults, cohort_results


def records_of(
    course: Course, policy: RollupPolicy | None = None, *, out: Path | None = None
) -> list[dict[str, Any]]:
    """Every learner's record as ``bdhvs records`` writes it (into ``out``, or a folder of its
    own), read back in learner order."""
    if out is None:
        with tempfile.TemporaryDirectory() as folder:
            return records_of(course, policy, out=Path(folder))
    outputs = write_outputs(course, out, home=PLACEHOLDER_HOME_PAGE, policy=policy)
    return list(outputs.records)


def statements(records: Iterable[dict[str, Any]], home: str) -> list[dict[str, Any]]:
    """Every statement of these records, each record's made on its own (nothing shared between
    records) and checked against the schema: what the export's file must hold."""
    return [
        orjson.loads(line)
        for record in records
        for line in StatementLines(home)(record, schema=True)
    ]


@dataclass(frozen=True)
class PathProgress:
    path: str
    required: int
    met: int
    missing: tuple[str, ...]
    completed_at: str | None = None

    @property
    def completed(self) -> bool:
        return self.met == self.required


def path_progress(
    path: LearningPath,
    results: dict[str, CompetenceResult],
    submitted_at: Mapping[str, str | None] | None = None,
) -> PathProgress:
    """The path rule of :mod:`graders.records.rollup`, one learner at a time, written plainly:
    the reference the records' and the report's span-wide arrays are checked against.
    ``submitted_at``: assignment -> when the attempt that counts was submitted, as the record
    says it; a completed path's time is the latest of its evidence's, compared as times and
    given in the record's own words."""
    missing = tuple(
        r.competence
        for r in path.requirements
        if r.competence not in results or results[r.competence].step < r.step
    )
    dates = (
        [
            submitted_at.get(assignment)
            for r in path.requirements
            for assignment in results[r.competence].assignments
        ]
        if submitted_at and not missing
        else []
    )
    dates = [d for d in dates if d]
    return PathProgress(
        path=path.id,
        required=len(path.requirements),
        met=len(path.requirements) - len(missing),
        missing=missing,
        completed_at=max(dates, key=datetime.fromisoformat) if dates else None,
    )


def assert_results_are_the_records(
    course: Course, policy: RollupPolicy, jobs: int
) -> CohortResults:
    records = records_of(course, policy)
    assert_paths_follow_the_rollup_rule(records)
    results = cohort_results(course, policy, listed=3, jobs=jobs)
    assert results.learners == [r["learner"] for r in records]
    assert [r["unit"] for r in records] == results.units
    column_of = {(i.assignment, i.notebook, i.cell): n for n, i in enumerate(results.items)}
    for n, record in enumerate(records):
        for c, name in enumerate(results.competences):
            entry = record["competences"][name]
            assert results.steps[n, c] == entry["step"], (record["learner"], name)
            assert results.pending[n, c] == len(entry["pending"])
            assert results.scores[n, c] == entry["score"]
            assert results.assessed[n, c] == (entry["available"] > 0)
            for e in entry["evidence"]:
                shown = results.item_scores[n, column_of[e["assignment"], e["notebook"], e["cell"]]]
                if e["score"] is None:
                    assert np.isnan(shown)
                else:
                    assert shown == e["score"] / e["max_score"]
        for a, assignment in enumerate(results.assignments):
            kind = record["assignments"][assignment]["status"]
            assert STATUSES[results.status[n, a]] == kind, (record["learner"], assignment)
        for p, path in enumerate(results.paths):
            entry = record["paths"][path]
            assert results.met[n, p] == entry["met"]
            assert results.completed[n, p] == entry["completed"]
            when = results.completed_at[n, p]
            if entry["completed"] and entry["completed_at"]:
                expected = datetime.fromisoformat(entry["completed_at"]).replace(tzinfo=None)
                assert when == np.datetime64(expected, "s"), (record["learner"], path)
            else:
                assert np.isnat(when)
    for made, listed in zip(records, results.first, strict=False):
        assert {**listed, "generated_at": ""} == {**made, "generated_at": ""}
    assert len(results.first) == min(3, len(records))
    return results


def assert_paths_follow_the_rollup_rule(records: list[dict]) -> None:
    """Each record's ``paths`` are what :func:`path_progress` makes of the
    record's own competences and the submission times of its attempts that count (records and
    the report work paths out for whole spans of learners at once)."""
    for record in records:
        results = {
            competence: CompetenceResult(
                competence,
                entry["step"],
                entry["score"],
                entry["earned"],
                entry["available"],
                entry["evidence"],
            )
            for competence, entry in record["competences"].items()
        }
        submitted_at = {
            assignment: status["submitted_at"]
            for assignment, status in record["assignments"].items()
            if "attempt" in status
        }
        expected = {}
        for path in graders.records.maker.load_framework().paths:
            progress = path_progress(path, results, submitted_at)
            assert progress.met == progress.required - len(progress.missing)
            expected[path.id] = path_entry(
                progress.required, list(progress.missing), progress.completed_at
            )
        assert record["paths"] == expected, record["learner"]
