"""The cohort report's arrays say what the records say, learner by learner (the report never
makes the records of a whole cohort, so this keeps the two from drifting apart), and the item
analysis computed from them finds the items an instructor must look at."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from graders.course import Course
from graders.grading.grade import grade
from graders.records import build_records
from graders.report.data import CohortResults, cohort_results
from graders.report.page import item_analysis, write_report
from graders.rollup import RollupPolicy
from graders.roster import write_roster
from graders.sources import GradedItem

from conftest import submit
from gradekit import TINY, TINY_VARIANTS, submit_tiny, tiny_course
from resultkit import assert_results_are_the_records


@pytest.fixture
def resubmitted(tmp_path) -> Course:
    """The tiny course where "an" did worse the second time and "binh" better, "chi" sent a
    notebook that cannot be read, "dung" only sits on the roster, and the rest submitted once."""
    course = tiny_course(tmp_path / "cohort", tmp_path / "sources")
    for learner, answers in (("an", "perfect"), ("binh", "partial_credit"), ("em", "perfect")):
        submit_tiny(course, learner, TINY_VARIANTS[answers])
    grade(course, TINY, progress=False, workers=1)
    for learner, answers in (("an", "partial_credit"), ("binh", "perfect")):
        shutil.rmtree(course.submitted_dir / learner / TINY)
        submit_tiny(course, learner, TINY_VARIANTS[answers])
    submit(course, "chi", TINY, {f"{TINY}.ipynb": "{ not a notebook"})
    grade(course, TINY, progress=False, workers=1)
    write_roster(course.roster_path, {"an": "Xã A", "chi": "Xã B", "dung": "Xã B"})
    return course


@pytest.mark.parametrize("attempts", ["latest", "best"])
def test_report_results_equal_the_records_whatever_attempt_counts(resubmitted, attempts):
    records = {r["learner"]: r for r in build_records(resubmitted)}
    assert records["chi"]["assignments"][TINY]["status"] == "failed"
    assert records["dung"]["assignments"][TINY]["status"] == "not_submitted"
    assert records["an"]["assignments"][TINY]["attempts"] == 2
    assert_results_are_the_records(resubmitted, RollupPolicy(attempts=attempts), jobs=2)


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
    assert build_records(course) == []
    results = cohort_results(course, RollupPolicy(), listed=10, jobs=2)
    assert results.learners == [] and results.steps.shape == (0, len(results.competences))
    assert results.status.shape == (0, 1) and results.first == []
    page = write_report(course, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Báo cáo lớp học" in page
