"""The cohort report's arrays say what the records say, learner by learner: the report never
makes the records of a whole cohort, so this is what keeps the two from drifting apart."""

from __future__ import annotations

import shutil

import pytest

from graders.course import Course
from graders.grading.grade import grade
from graders.records import build_records
from graders.rollup import RollupPolicy
from graders.roster import write_roster

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
