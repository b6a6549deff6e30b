"""The gradebook on a real PostgreSQL server works as it does on SQLite.

Two courses share the ``tiny`` sources: one keeps its gradebook in SQLite (the default), the
other on PostgreSQL (``bdhvs course init --db``). The same varied submissions are graded in
both; every grade cell, the records, the report and nbgrader's own export must agree. Erasing a
learner leaves nothing of them in any table nor in the tables' files; a bad or unreachable
database is refused with a clear message that never shows the password; and grading killed
with SIGKILL finishes on PostgreSQL with no grade lost or counted twice.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import socket
import subprocess
import time
from itertools import cycle
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy
from nbgrader.api import Gradebook

from graders.cli import main
from graders.course.directory import Course
from graders.gradebook.database import normalise
from graders.grading.grade import grade
from graders.grading.runners.forks import hidden_paths
from graders.grading.score_table import score_table

from conftest import BDHVS, run_bdhvs, submit, submit_copy
from gradekit import (
    NBGRADER,
    TINY,
    TINY_VARIANTS,
    copy_course,
    kill_grading_when,
    report_outcomes,
    submit_tiny,
    tiny_course,
)
from in_process import run_in_process

TIMEOUT = "\nc.Execute.timeout = 2\n"
PASSWORD = "Mk-b1mat-7Qz"
FORGOTTEN = "partial_credit"
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?( UTC|\+00:00|Z)?")


def engine_of(url: str) -> sqlalchemy.Engine:
    return sqlalchemy.create_engine(normalise(url, Path.cwd()))


def query(url: str, sql: str) -> list[tuple]:
    engine = engine_of(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sqlalchemy.text(sql))]
    finally:
        engine.dispose()


def submit_cohort(course: Course) -> None:
    """Every ``tiny`` variant, a blank release and a folder with no notebook."""
    for learner, answers in TINY_VARIANTS.items():
        submit_tiny(course, learner, answers)
    submit_copy(course, "blank", TINY, course.release_dir / TINY)
    submit(course, "empty", TINY, {})


def pg_course(base: Path, sources: Path, url: str) -> Course:
    """A course made by the command line with its gradebook at ``url``, built."""
    done = run_bdhvs("course", "init", str(base), "--source", str(sources), "--db", url)
    assert done.returncode == 0, done.stderr[-2000:]
    course = Course.open(base)
    config = course.root / "nbgrader_config.py"
    config.write_text(config.read_text(encoding="utf-8") + TIMEOUT, encoding="utf-8")
    done = run_bdhvs("build", "--course", str(course.root))
    assert done.returncode == 0, done.stderr[-2000:]
    return course


@pytest.fixture(scope="module")
def courses(tmp_path_factory, postgres):
    base = tmp_path_factory.mktemp("pg-gradebook")
    # The same folder name, so the same nbgrader course id, which reports show.
    sqlite = tiny_course(base / "sqlite" / "cohort", base / "sources", TIMEOUT)
    url = postgres.new_database()
    pg = pg_course(base / "pg" / "cohort", base / "sources", url)
    submit_cohort(sqlite)
    submit_cohort(pg)
    by_api = copy_course(sqlite, base / "api")  # graded below with --engine nbgrader --db
    shutil.rmtree(by_api.submitted_dir / "loops_forever")  # its timeout adds nothing here
    grade(sqlite, TINY, progress=False)
    graded = run_bdhvs("grade", TINY, "--course", str(pg.root), "--quiet")
    assert graded.returncode == 0, graded.stderr[-2000:]
    return SimpleNamespace(sqlite=sqlite, pg=pg, url=url, by_api=by_api, base=base)


def test_course_init_db_puts_the_gradebook_on_postgresql_for_nbgrader_too(courses):
    config = (courses.pg.root / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.CourseDirectory.db_url = 'postgresql+psycopg2://" in config
    assert not (courses.pg.root / "gradebook.db").exists()
    students = {row[0] for row in query(courses.url, "SELECT id FROM student")}
    assert students == set(TINY_VARIANTS) | {"blank"}


def test_the_fork_engine_writes_every_grade_cell_on_postgresql_as_on_sqlite(courses):
    expected = score_table(courses.sqlite, TINY)
    found = score_table(courses.pg, TINY)
    assert found == expected
    assert len({row["score"] for row in found.values()}) >= 4, f"not varied: {found}"
    sqlite_outcomes = report_outcomes(courses.sqlite, TINY)
    pg_outcomes = report_outcomes(courses.pg, TINY)
    assert pg_outcomes == sqlite_outcomes
    assert pg_outcomes["empty"]["status"] == "failed"


def test_the_nbgrader_engine_with_db_grades_into_postgresql_only(courses, postgres):
    url = postgres.new_database()
    root = str(courses.by_api.root)
    for command in (["build"], ["grade", TINY, "--engine", "nbgrader", "--quiet"]):
        done = run_bdhvs(*command, "--course", root, "--db", url)
        assert done.returncode == 0, done.stderr[-2000:]
    expected = score_table(courses.sqlite, TINY)
    del expected["loops_forever"]
    assert score_table(Course.open(root, url), TINY) == expected
    with Gradebook(courses.by_api.db_url) as own:  # the course's own SQLite gradebook
        assert own.assignment_submissions(TINY) == []


def without_stamps(text: str) -> str:
    return STAMP.sub("<time>", text)


@pytest.fixture(scope="module")
def outputs(courses):
    """``bdhvs records`` and ``bdhvs report`` of both courses, and nbgrader's export."""
    made = {}
    for name in ("sqlite", "pg"):
        course = getattr(courses, name)
        out = courses.base / f"out-{name}"
        for command in (["records", "--out", str(out)], ["report", "--out", str(out / "r.html")]):
            with contextlib.redirect_stdout(io.StringIO()):
                assert main([*command, "--course", str(course.root)]) == 0
        for command in (["export"], ["generate_feedback", TINY]):
            done = subprocess.run(
                [str(NBGRADER), *command, "--log-level=ERROR"],
                cwd=course.root,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr[-2000:]
        made[name] = out
    return made


def without_times(record: dict) -> dict:
    """A record without the times of its making: these submissions carry no nbgrader timestamp,
    so they count from when each run graded them."""
    record.pop("generated_at")
    for status in record["assignments"].values():
        status.pop("submitted_at", None)
    for progress in record["paths"].values():
        progress.pop("completed_at", None)
    return record


def test_records_from_postgresql_equal_records_from_sqlite(outputs):
    sqlite, pg = outputs["sqlite"], outputs["pg"]
    names = sorted(p.name for p in (sqlite / "learners").iterdir())
    assert names == sorted(p.name for p in (pg / "learners").iterdir())
    assert len(names) == len(TINY_VARIANTS) + 2
    for name in names:
        expected = without_times(json.loads((sqlite / "learners" / name).read_text("utf-8")))
        found = without_times(json.loads((pg / "learners" / name).read_text(encoding="utf-8")))
        assert found == expected, name
    for table in ("records.csv", "paths.csv"):
        assert (pg / table).read_text(encoding="utf-8") == (sqlite / table).read_text(
            encoding="utf-8"
        )


def test_the_report_from_postgresql_equals_the_report_from_sqlite(outputs):
    expected = without_stamps((outputs["sqlite"] / "r.html").read_text(encoding="utf-8"))
    found = without_stamps((outputs["pg"] / "r.html").read_text(encoding="utf-8"))
    assert "partial_credit" in found
    assert found == expected


def exported(course: Course) -> list[dict[str, str]]:
    with open(course.root / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = [dict(row, timestamp="") for row in csv.DictReader(handle)]
    return sorted(rows, key=lambda row: row["student_id"])


def test_nbgrader_export_and_feedback_read_the_postgresql_gradebook(courses, outputs):
    assert exported(courses.pg) == exported(courses.sqlite)
    feedback = sorted(courses.pg.root.glob(f"feedback/*/{TINY}/{TINY}.html"))
    assert len(feedback) == len(TINY_VARIANTS) + 1


def table_rows_naming(url: str, learner: str) -> list[str]:
    """``schema.table`` of every row, in every table of the database, that contains ``learner``."""
    tables = query(
        url,
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' "
        "AND table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    assert len(tables) >= 10, tables  # nbgrader's tables at least
    found = []
    for schema, table in tables:
        rows = query(url, f'SELECT t::text FROM "{schema}"."{table}" t')
        found += [f"{schema}.{table}" for (row,) in rows if learner in row]
    return found


def relation_files(postgres, url: str) -> list[Path]:
    """The files of every table, index and TOAST table of the gradebook, written out."""
    engine = engine_of(url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("CHECKPOINT"))
            paths = connection.execute(
                sqlalchemy.text(
                    "SELECT pg_relation_filepath(c.oid) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                    "AND c.relkind IN ('r', 'i', 't') AND pg_relation_filepath(c.oid) IS NOT NULL"
                )
            ).scalars()
            return [postgres.data / path for path in paths]
    finally:
        engine.dispose()


def files_naming(files: list[Path], learner: str) -> list[Path]:
    found = []
    for path in files:
        segments = sorted(path.parent.glob(path.name + "*"))  # the file and its 1 GB segments
        if any(learner.encode() in segment.read_bytes() for segment in segments):
            found.append(path)
    return found


@pytest.fixture(scope="module")
def forgotten(courses, outputs, postgres):
    before_rows = table_rows_naming(courses.url, FORGOTTEN)
    before_files = files_naming(relation_files(postgres, courses.url), FORGOTTEN)
    result = run_bdhvs(
        *("learners", "forget", FORGOTTEN),
        *("--course", str(courses.pg.root), "--out", str(outputs["pg"])),
    )
    return SimpleNamespace(result=result, before_rows=before_rows, before_files=before_files)


def test_forget_leaves_nothing_of_the_learner_in_any_postgresql_table(courses, forgotten):
    assert forgotten.result.returncode == 0, forgotten.result.stderr[-2000:]
    assert "gradebook" in forgotten.result.stdout
    assert {"public.student", "public.submitted_assignment"} <= set(forgotten.before_rows)
    assert table_rows_naming(courses.url, FORGOTTEN) == []
    assert table_rows_naming(courses.url, "perfect")  # the others are still there
    assert FORGOTTEN not in score_table(courses.pg, TINY)


def test_forget_leaves_no_deleted_row_of_the_learner_in_the_table_files(
    courses, forgotten, postgres
):
    assert forgotten.before_files, "the learner's rows were in the files before"
    assert files_naming(relation_files(postgres, courses.url), FORGOTTEN) == []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


COMMANDS = {
    "grade": ["grade", TINY],
    "records": ["records", "--out", "{tmp}/out"],
    "report": ["report", "--out", "{tmp}/r.html"],
    "forget": ["learners", "forget", "perfect"],
    "build": ["build"],
}


def refused(capsys, tmp_path, command: list[str], url: str):
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    return run_in_process(capsys, *args, "--db", url)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unreachable_server_is_refused_clearly_without_the_password(
    courses, command, capsys, tmp_path
):
    url = f"postgresql://bdhvs:{PASSWORD}@127.0.0.1:{closed_port()}/gradebook"
    args = [*COMMANDS[command], "--course", str(courses.pg.root)]
    done = refused(capsys, tmp_path, args, url)
    assert done.returncode == 2
    assert "cannot reach the gradebook database" in done.stderr
    assert "bdhvs:***@127.0.0.1" in done.stderr and "Connection refused" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.html").exists()


def test_course_init_refuses_an_unreachable_database_and_creates_nothing(capsys, tmp_path):
    url = f"postgresql://bdhvs:{PASSWORD}@127.0.0.1:{closed_port()}/gradebook"
    done = run_in_process(capsys, "course", "init", str(tmp_path / "new"), "--db", url)
    assert done.returncode == 2
    assert "cannot reach the gradebook database" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert not (tmp_path / "new").exists()


BAD_URLS = {
    "no such database": ("postgresql://bdhvs:{pw}@127.0.0.1:{port}/nowhere", "does not exist"),
    "not a port": ("postgresql://bdhvs:{pw}@127.0.0.1:x{port}/gradebook", "not a database URL"),
    "not a URL": ("bdhvs:{pw}@127.0.0.1", "not a database URL"),
    "old scheme": ("postgres://bdhvs:{pw}@127.0.0.1:{port}/gradebook", "postgresql://"),
    "other database": ("mysql://bdhvs:{pw}@127.0.0.1/gradebook", "SQLite or PostgreSQL"),
}


@pytest.mark.parametrize("kind", sorted(BAD_URLS))
def test_a_bad_database_url_is_refused_clearly_without_the_password(
    courses, postgres, kind, capsys, tmp_path
):
    template, message = BAD_URLS[kind]
    url = template.format(pw=PASSWORD, port=postgres.port)
    args = [*COMMANDS["records"], "--course", str(courses.pg.root)]
    done = refused(capsys, tmp_path, args, url)
    assert done.returncode == 2
    assert message in done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def test_a_role_that_may_not_create_the_gradebook_is_told_how_to_fix_it(postgres, capsys, tmp_path):
    database = sqlalchemy.engine.make_url(postgres.new_database()).database
    role = f"reader_{database}"
    engine = engine_of(postgres.url(database)).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f"CREATE ROLE {role} LOGIN"))
    engine.dispose()
    url = postgres.url(database).replace("//bdhvs@", f"//{role}@")
    done = run_in_process(capsys, "course", "init", str(tmp_path / "new"), "--db", url)
    assert done.returncode == 2
    assert not (tmp_path / "new").exists()
    assert f"the role {role} may not create the gradebook's tables" in done.stderr
    assert f"ALTER DATABASE {database} OWNER TO {role}" in done.stderr


RESUME_LEARNERS = 8
RESUME_VARIANTS = [name for name in TINY_VARIANTS if name != "loops_forever"]


@pytest.fixture(scope="module")
def resumed(tmp_path_factory, postgres, courses):
    base = tmp_path_factory.mktemp("pg-resume")
    url = postgres.new_database()
    course = pg_course(base / "course", courses.base / "sources", url)
    variant_of = {}
    for number, variant in zip(range(RESUME_LEARNERS), cycle(RESUME_VARIANTS), strict=False):
        variant_of[f"hv{number:02d}"] = variant
        submit_tiny(course, f"hv{number:02d}", TINY_VARIANTS[variant])
    for more in (0, 3):
        kill_grading_when(course, more)
    final = subprocess.run(
        [str(BDHVS), "grade", TINY, "--course", str(course.root), "--quiet"],
        capture_output=True,
        text=True,
    )
    return SimpleNamespace(course=course, url=url, variant_of=variant_of, final=final)


def test_grading_killed_on_postgresql_finishes_with_every_grade_once(resumed, courses):
    assert resumed.final.returncode == 0, resumed.final.stderr[-2000:]
    assert "unchanged since their last grading were kept" in resumed.final.stdout
    clean = score_table(courses.sqlite, TINY)
    expected = {learner: clean[variant] for learner, variant in resumed.variant_of.items()}
    assert score_table(resumed.course, TINY) == expected
    counts = query(
        resumed.url,
        "SELECT (SELECT count(*) FROM submitted_assignment), (SELECT count(*) FROM grade), "
        "(SELECT count(*) FROM submitted_notebook)",
    )
    assert counts == [(RESUME_LEARNERS, RESUME_LEARNERS * 4, RESUME_LEARNERS)]


def test_killed_runs_leave_no_session_open_on_the_server(resumed, postgres):
    database = sqlalchemy.engine.make_url(resumed.url).database
    sql = (
        "SELECT count(*) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + 10
    while query(postgres.url(), sql) != [(0,)]:
        assert time.monotonic() < deadline, "sessions of killed runs are still open"
        time.sleep(0.2)


def test_the_sandbox_hides_the_socket_folder_of_a_postgresql_gradebook(tmp_path):
    socket_dir = tmp_path / "sockets"
    socket_dir.mkdir()
    url = f"postgresql+psycopg2://bdhvs@/gradebook?host={socket_dir}"
    assert socket_dir in hidden_paths(Course(tmp_path / "course"), url)
