"""The cohort report's arrays say what the records say, learner by learner (the report never
makes the records of a whole cohort, so this keeps the two from drifting apart), and the item
analysis computed from them finds the items an instructor must look at."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from curriculum.framework import Requirement, load_framework
from graders.course.directory import Course
from graders.course.roster import write_roster
from graders.course.sources import GradedItem
from graders.gradebook.database import normalise
from graders.grading.grade import grade
from graders.records.rollup import RollupPolicy
from graders.report.data import CohortResults, cohort_results
from graders.report.page import item_analysis, write_report

from conftest import submit
from gradekit import TINY, TINY_VARIANTS, submit_tiny, tiny_course
from resultkit import assert_results_are_the_records, records_of


@pytest.fixture(params=["sqlite", "postgresql"])
def resubmitted(request, tmp_path) -> Course:
    """The tiny course where "an" did worse the second time and "binh" better, "chi" sent a
    notebook that cannot be read, "dung" only sits on the roster and "em" submitted once.
    "binh" sent no timestamp.txt: the time of an attempt is then when it was first graded."""
    config = ""
    if request.param == "postgresql":
        url = normalise(request.getfixturevalue("postgres").new_database(), tmp_path)
        config = f"\nc.CourseDirectory.db_url = {url!r}\n"
    course = tiny_course(tmp_path / "cohort", tmp_path / "sources", config)

    def send(learner: str, answers: str, stamp: str | None) -> None:
        shutil.rmtree(course.submitted_dir / learner / TINY, ignore_errors=True)
        folder = submit_tiny(course, learner, TINY_VARIANTS[answers])
        if stamp:
            (folder / "timestamp.txt").write_text(f"{stamp} UTC", encoding="utf-8")

    send("an", "perfect", "2026-03-01 09:00:00.000000")
    send("binh", "partial_credit", None)
    send("em", "perfect", "2026-03-02 10:30:00.000000")
    grade(course, TINY, progress=False, workers=1)
    send("an", "partial_credit", "2026-03-08 09:00:00.000000")
    send("binh", "perfect", None)
    submit(course, "chi", TINY, {f"{TINY}.ipynb": "{ not a notebook"})
    grade(course, TINY, progress=False, workers=1)
    write_roster(course.roster_path, {"an": "Xã A", "chi": "Xã B", "dung": "Xã B"})
    return course


@pytest.mark.parametrize("attempts", ["latest", "best"])
def test_report_results_equal_the_records_whatever_attempt_counts(resubmitted, attempts):
    records = {r["learner"]: r for r in records_of(resubmitted)}
    assert records["chi"]["assignments"][TINY]["status"] == "failed"
    assert records["dung"]["assignments"][TINY]["status"] == "not_submitted"
    assert records["an"]["assignments"][TINY]["attempts"] == 2
    assert records["em"]["assignments"][TINY]["submitted_at"] == "2026-03-02T10:30:00+00:00"
    assert_results_are_the_records(resubmitted, RollupPolicy(attempts=attempts), jobs=2)


@pytest.mark.parametrize("attempts", ["latest", "best"])
def test_when_a_path_was_completed_is_the_same_in_the_report_and_the_records(
    resubmitted, attempts, monkeypatch
):
    # a framework whose first path asks only what the tiny course assesses, so that learners
    # complete it: "em" at her timestamp, "binh" when his untimed attempt was first graded, and
    # "an" only under the best-attempt policy, at his first attempt's timestamp
    framework = load_framework()
    small = replace(framework.paths[0], requirements=(Requirement("4.1", 2),))
    monkeypatch.setattr(
        "graders.records.maker.load_framework", lambda: replace(framework, paths=(small,))
    )
    results = assert_results_are_the_records(resubmitted, RollupPolicy(attempts=attempts), jobs=2)
    completed = {
        learner: str(results.completed_at[n, 0])
        for n, learner in enumerate(results.learners)
        if results.completed[n, 0]
    }
    assert completed["em"] == "2026-03-02T10:30:00"
    assert "binh" in completed and completed["binh"] != "NaT"
    assert ("an" in completed) == (attempts == "best")
    if attempts == "best":
        assert completed["an"] == "2026-03-01T09:00:00"
    # the record says the path was completed when the attempt it counts was submitted, in the
    # same words, whichever attempt that is
    records = {r["learner"]: r for r in records_of(resubmitted, RollupPolicy(attempts=attempts))}
    for learner in completed:
        record = records[learner]
        status = record["assignments"][TINY]
        assert record["paths"][small.id]["completed_at"] == status["submitted_at"], learner
    if attempts == "best":
        an = records["an"]["assignments"][TINY]
        assert (an["attempt"], an["attempts"]) == (1, 2)
        assert an["submitted_at"] == "2026-03-01T09:00:00+00:00"


def cohort_of_item_scores(scores: list[list[float]], submitted: list[bool]) -> CohortResults:
    """A cohort with only these item scores (learners x items, NaN: not graded)."""
    table = np.array(scores, dtype=float)
    learners, width = table.shape
    items = [GradedItem("bai", "bai", f"cau_{n}", 1.0, ("1.1",), 1, False) for n in range(width)]
    nothing = np.zeros((learners, 0))
    return CohortResults(
        learners=[f"hv{n}" for n in range(learners)],
        units=[None] * learners,
        competences=[],
        assignments=[],
        paths=[],
        steps=nothing,
        pending=nothing,
        scores=nothing,
        assessed=nothing,
        status=nothing,
        submission_scores=[],
        problems=[],
        met=nothing,
        required=[],
        completed_at=nothing,
        item_scores=table,
        items=items,
        item_submitted=np.array(submitted),
        first=[],
    )


def test_item_analysis_finds_easy_impossible_and_discriminating_items():
    nan = float("nan")
    cohort = cohort_of_item_scores(
        # cau_0 everybody gets, cau_1 nobody, cau_2 only the strongest, cau_3 nobody submitted,
        # cau_4 awaits an instructor for everyone
        [
            [1.0, 0.0, 1.0, nan, nan],
            [1.0, 0.0, 1.0, nan, nan],
            [1.0, 0.0, 0.0, nan, nan],
            [1.0, 0.0, 0.0, nan, nan],
        ],
        submitted=[True, True, True, False, True],
    )
    rows = {row["item"].rsplit("/", 1)[1]: row for row in item_analysis(cohort)}
    assert set(rows) == {"cau_0", "cau_1", "cau_2", "cau_4"}
    assert (rows["cau_0"]["note"], rows["cau_0"]["difficulty"]) == ("everybody", 100.0)
    assert (rows["cau_1"]["note"], rows["cau_1"]["difficulty"]) == ("nobody", 0.0)
    assert rows["cau_2"]["difficulty"] == 50.0 and rows["cau_2"]["note"] == ""
    assert rows["cau_2"]["discrimination"] == 1.0  # top quarter all right, bottom all wrong
    assert rows["cau_0"]["discrimination"] == 0.0
    assert rows["cau_4"]["graded"] == 0 and rows["cau_4"]["difficulty"] is None
    assert rows["cau_4"]["discrimination"] is None


def test_a_course_nobody_submitted_to_yet_gives_a_report_of_nobody(tmp_path):
    course = tiny_course(tmp_path / "cohort", tmp_path / "sources")
    assert records_of(course) == []
    results = cohort_results(course, RollupPolicy(), listed=10, jobs=2)
    assert results.learners == [] and results.steps.shape == (0, len(results.competences))
    assert results.status.shape == (0, 1) and results.first == []
    page = write_report(course, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Báo cáo lớp học" in page
