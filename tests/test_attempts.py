"""Several graded attempts at an assignment: each is kept in the gradebook's database, grading
the same submission again adds none, and ``--attempts latest|best`` picks the one that counts.

``tiny`` tags every graded cell with competence 4.1 at step 2 (7 points in all): the model
answers earn 7/7 (step 2), the ``partial_credit`` answers 5/7, under the 80 % mastery (step 0).
"""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import create_engine, func, select, text

from graders.course.directory import Course
from graders.gradebook.arrow_reads import read_table
from graders.gradebook.attempts import ATTEMPTS, SCORES, read_attempts
from graders.gradebook.database import normalise
from graders.grading.grade import grade
from graders.records.rollup import RollupPolicy

from conftest import run_bdhvs
from gradekit import TINY, TINY_VARIANTS, submit_tiny, tiny_course
from resultkit import records_of

pytestmark = pytest.mark.grading

WORSE = TINY_VARIANTS["partial_credit"]
BETTER = TINY_VARIANTS["perfect"]


def resubmit(course: Course, learner: str, answers: dict[str, str], stamp: str | None) -> None:
    """Replace the learner's submission, as ``nbgrader collect`` does, with a timestamp file."""
    shutil.rmtree(course.submitted_dir / learner / TINY, ignore_errors=True)
    folder = submit_tiny(course, learner, answers)
    if stamp:
        (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")


def attempt_count(course: Course, learner: str) -> int:
    engine = create_engine(course.db_url)
    try:
        with engine.connect() as connection:
            query = select(func.count()).where(ATTEMPTS.c.learner == learner)
            return connection.execute(query.select_from(ATTEMPTS)).scalar_one()
    finally:
        engine.dispose()


def record_of(course: Course, learner: str, policy: str) -> dict:
    records = records_of(course, RollupPolicy(attempts=policy))
    (record,) = [r for r in records if r["learner"] == learner]
    assert record["policy"]["attempts"] == policy
    return record


def competence(course: Course, learner: str, policy: str) -> dict:
    return record_of(course, learner, policy)["competences"]["4.1"]


def counted(course: Course, learner: str, policy: str) -> tuple[int, int, str | None]:
    """(the attempt whose evidence counts, how many there were, when it was submitted)."""
    status = record_of(course, learner, policy)["assignments"][TINY]
    return status["attempt"], status["attempts"], status["submitted_at"]


@pytest.fixture(params=["sqlite", "postgresql"])
def course(request, tmp_path) -> Course:
    config = ""
    if request.param == "postgresql":
        url = normalise(request.getfixturevalue("postgres").new_database(), tmp_path)
        config = f"\nc.CourseDirectory.db_url = {url!r}\n"
    return tiny_course(tmp_path / "cohort", tmp_path / "sources", config)


def test_each_policy_picks_the_right_attempt_worse_then_better_and_better_then_worse(course):
    # "an" improves; "binh" gets worse. binh's folders have no timestamp.txt: the order in which
    # they were graded decides then.
    resubmit(course, "an", WORSE, "2026-03-01 09:00:00.000000 UTC")
    resubmit(course, "binh", BETTER, None)
    grade(course, TINY, progress=False, workers=2)
    resubmit(course, "an", BETTER, "2026-03-08 09:00:00.000000 UTC")
    resubmit(course, "binh", WORSE, None)
    grade(course, TINY, progress=False, workers=2)
    assert attempt_count(course, "an") == attempt_count(course, "binh") == 2

    an_latest = competence(course, "an", "latest")
    an_best = competence(course, "an", "best")
    assert (an_latest["step"], an_latest["earned"]) == (2, 7)
    assert (an_best["step"], an_best["earned"]) == (2, 7)
    an_counted = (2, 2, "2026-03-08T09:00:00+00:00")
    assert counted(course, "an", "latest") == counted(course, "an", "best") == an_counted

    binh_latest = competence(course, "binh", "latest")
    binh_best = competence(course, "binh", "best")
    assert (binh_latest["step"], binh_latest["earned"]) == (0, 5)
    assert counted(course, "binh", "latest")[:2] == (2, 2)
    assert (binh_best["step"], binh_best["earned"]) == (2, 7)
    assert counted(course, "binh", "best")[:2] == (1, 2)


def test_grading_the_same_submission_again_adds_no_attempt(course):
    resubmit(course, "an", WORSE, "2026-03-01 09:00:00.000000 UTC")
    grade(course, TINY, progress=False, workers=1)
    grade(course, TINY, progress=False, workers=1)  # a resumed run: nothing changed
    grade(course, TINY, progress=False, workers=1, force=True)
    grade(course, TINY, progress=False, engine="nbgrader", force=True)
    assert attempt_count(course, "an") == 1
    histories = read_attempts(course.db_url, [TINY], with_scores=True)
    assert len(histories) == 1  # the one submission nbgrader holds
    history = histories.get("an", TINY)
    assert [a.number for a in history.attempts] == [1]
    assert counted(course, "an", "best")[1] == 1


def test_a_run_killed_before_keeping_its_attempts_has_them_kept_by_the_next(tmp_path):
    course = tiny_course(tmp_path / "cohort", tmp_path / "sources")
    resubmit(course, "an", WORSE, "2026-03-01 09:00:00.000000 UTC")
    grade(course, TINY, progress=False, workers=1)
    engine = create_engine(course.db_url)
    with engine.begin() as connection:  # as if the run had died right after grading
        connection.execute(SCORES.delete())
        connection.execute(ATTEMPTS.delete())
    engine.dispose()
    (outcome,) = grade(course, TINY, progress=False, workers=1)  # grades nobody again
    assert attempt_count(course, "an") == 1
    assert competence(course, "an", "best")["earned"] == outcome.score == 5


def test_regrading_refreshes_the_scores_of_the_same_attempt(tmp_path):
    course = tiny_course(tmp_path / "cohort", tmp_path / "sources")
    resubmit(course, "an", WORSE, "2026-03-01 09:00:00.000000 UTC")
    grade(course, TINY, progress=False, workers=1)
    resubmit(course, "an", BETTER, "2026-03-08 09:00:00.000000 UTC")
    grade(course, TINY, progress=False, workers=1)
    engine = create_engine(course.db_url)
    with engine.begin() as connection:  # as if sources had changed what the first one earns
        connection.execute(SCORES.update().values(score=0.0))
    grade(course, TINY, progress=False, workers=1, force=True)
    with engine.connect() as connection:
        rows = connection.execute(
            select(ATTEMPTS.c.submitted_at, func.sum(SCORES.c.score))
            .join(SCORES, SCORES.c.attempt_id == ATTEMPTS.c.id)
            .group_by(ATTEMPTS.c.id, ATTEMPTS.c.submitted_at)
        ).all()
    engine.dispose()
    earned = {stamp.day: total for stamp, total in rows}
    assert earned == {1: 0.0, 8: 7.0}  # only the submission graded again was refreshed


def test_cli_records_and_report_take_the_attempts_policy(tmp_path):
    course = tiny_course(tmp_path / "cohort", tmp_path / "sources")
    resubmit(course, "binh", BETTER, "2026-03-01 09:00:00.000000 UTC")
    grade(course, TINY, progress=False, workers=1)
    resubmit(course, "binh", WORSE, "2026-03-08 09:00:00.000000 UTC")
    grade(course, TINY, progress=False, workers=1)
    steps = {}
    for policy in ("latest", "best"):
        out = tmp_path / policy
        done = run_bdhvs(
            "records", "--course", str(course.root), "--out", str(out), "--attempts", policy
        )
        assert done.returncode == 0, done.stderr
        record = json.loads((out / "learners" / "binh.json").read_text(encoding="utf-8"))
        steps[policy] = record["competences"]["4.1"]["step"]
    assert steps == {"latest": 0, "best": 2}
    report = run_bdhvs(
        *("report", "--course", str(course.root), "--out", str(tmp_path / "report.html")),
        *("--attempts", "best"),
    )
    assert report.returncode == 0, report.stderr
    wrong = run_bdhvs(
        "records", "--course", str(course.root), "--out", str(tmp_path / "x"), "--attempts", "first"
    )
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr


def test_submission_times_are_read_alike_whatever_the_servers_date_style(tmp_path, postgres):
    url = normalise(postgres.new_database(), tmp_path)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            name = engine.url.database
            connection.execute(text(f"ALTER DATABASE \"{name}\" SET DateStyle = 'SQL, DMY'"))
    finally:
        engine.dispose()
    # the columnar reader's sessions take the setting (psycopg2 sets ISO for its own)
    shown = read_table(url, "SELECT CAST(TIMESTAMP '2026-03-08 09:00:00' AS TEXT)")
    assert shown.column(0).to_pylist() == ["08/03/2026 09:00:00"]
    course = tiny_course(
        tmp_path / "cohort", tmp_path / "sources", f"\nc.CourseDirectory.db_url = {url!r}\n"
    )
    resubmit(course, "an", WORSE, "2026-03-01 09:00:00.000000 UTC")
    grade(course, TINY, progress=False, workers=1)
    resubmit(course, "an", BETTER, "2026-03-08 09:00:00.000000 UTC")
    grade(course, TINY, progress=False, workers=1)
    assert counted(course, "an", "latest") == (2, 2, "2026-03-08T09:00:00+00:00")
    assert counted(course, "an", "best") == (2, 2, "2026-03-08T09:00:00+00:00")
