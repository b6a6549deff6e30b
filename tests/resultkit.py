"""Checks that the cohort report's arrays (graders.report.data) say what the records say, and
that the records' paths say what the roll-up rule says of their competences."""

from __future__ import annotations

from datetime import datetime

import numpy as np

import graders.records.maker
from graders.course.directory import Course
from graders.records.maker import build_records, path_entry
from graders.records.rollup import CompetenceResult, RollupPolicy, path_progress
from graders.report.data import STATUSES, CohortResults, cohort_results


def assert_results_are_the_records(
    course: Course, policy: RollupPolicy, jobs: int
) -> CohortResults:
    records = build_records(course, policy)
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
    """Each record's ``paths`` are what :func:`graders.records.rollup.path_progress` makes of the
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
