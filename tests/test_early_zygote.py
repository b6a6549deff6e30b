"""``bdhvs grade`` starts the sandbox's zygote before it loads nbgrader, and the fork engine takes
it over when it was started with the run's settings; one started otherwise is ended, not used,
and no zygote outlives its run."""

from __future__ import annotations

import argparse
import signal
import subprocess

import pytest

from graders.commands import grade as grade_command
from graders.common.errors import BdhvsError
from graders.grading.grade import grade
from graders.grading.runners import fork_startup
from graders.grading.sandbox.pool import start_zygote

from conftest import BDHVS
from gradekit import TINY, submit_tiny, tiny_course, zygotes_of

pytestmark = pytest.mark.grading


@pytest.fixture
def course(tmp_path):
    course = tiny_course(tmp_path / "course", tmp_path / "sources")
    submit_tiny(course, "hv01", {})
    return course


def test_a_zygote_started_early_with_the_runs_settings_grades_the_cohort(course):
    early = fork_startup.start_early(course.root, TINY)
    assert early is not None
    outcomes = grade(course, TINY, progress=False, early=early)
    assert [(o.learner, o.status) for o in outcomes] == [("hv01", "graded")]
    assert outcomes[0].score == outcomes[0].max_score > 0
    # taken over, it ended as a pool's zygote does when grading is done: on its own, not killed
    assert early.process.wait(timeout=10) == 0
    early.close()
    assert zygotes_of(course) == []


def test_a_zygote_started_with_other_settings_is_ended_and_another_grades(course, tmp_path):
    env = fork_startup.zygote_env(tmp_path / "elsewhere")
    early = start_zygote(env, fork_startup.startup(), tmp_path / "elsewhere" / "engine.log")
    outcomes = grade(course, TINY, progress=False, early=early)
    assert [o.status for o in outcomes] == ["graded"]
    assert early.process.wait(timeout=10) == -signal.SIGKILL
    assert zygotes_of(course) == []


@pytest.mark.parametrize("assignment", ["khong_co", "../tiny", ".bdhvs", "tiny/.."])
def test_no_zygote_starts_early_for_an_assignment_the_course_has_not_released(course, assignment):
    assert fork_startup.start_early(course.root, assignment) is None
    assert not (course.root / ".bdhvs" / "grade" / assignment).exists()


def test_no_zygote_outlives_a_grade_command_that_grades_finds_nothing_to_do_or_fails(course):
    runs = [
        (["grade", TINY, "--quiet"], 0),
        (["grade", TINY, "--quiet"], 0),  # again: nobody left to grade, no engine opened
        (["grade", TINY, "--quiet", "--db", "postgresql://nobody@127.0.0.1:9/none"], 2),
    ]
    for arguments, code in runs:
        done = subprocess.run([BDHVS, *arguments], cwd=course.root, capture_output=True, text=True)
        assert done.returncode == code, done.stdout + done.stderr
        assert zygotes_of(course) == []
    assert "cannot reach the gradebook" in done.stderr


def test_a_grade_command_that_fails_ends_its_early_zygote_while_its_process_lives_on(course):
    # In this process, which outlives the command, the zygote's parent-death signal never comes.
    args = argparse.Namespace(
        course=str(course.root),
        db="postgresql://nobody@127.0.0.1:9/none",
        assignment=TINY,
        quiet=True,
        engine="fork",
        workers=None,
        scheduler=None,
        force=False,
    )
    with pytest.raises(BdhvsError, match="cannot reach the gradebook"):
        grade_command.run(args)
    assert zygotes_of(course) == []
