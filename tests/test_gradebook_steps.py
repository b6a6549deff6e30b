"""One grading step, one commit: nbgrader's gradebooks inside a step write all or nothing.

While ``bdhvs grade`` runs, each of nbgrader's steps for a learner (its set-up, then its grades)
works in one database transaction. These tests drive nbgrader's own ``Gradebook`` as its
steps do, on SQLite and on a real PostgreSQL server, and look at the database from a second,
independent connection, as the instructor's formgrader or a later run would.
"""

from __future__ import annotations

from pathlib import Path

import nbgrader.preprocessors.saveautogrades as nbgrader_saveautogrades
import pytest
import sqlalchemy
from nbgrader.api import Gradebook, InvalidEntry, MissingEntry

from graders.gradebook.database import normalise
from graders.grading.nbgrader_speed import shared_engines


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    else:
        url = normalise(request.getfixturevalue("postgres").new_database("steps"), tmp_path)
    with Gradebook(url) as gradebook:  # nbgrader creates its tables
        gradebook.add_assignment("bai_1")
    return url


def students_seen_from_outside(url: str) -> list[str]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT id FROM student ORDER BY id").fetchall()
        return [row[0] for row in rows]
    finally:
        engine.dispose()


def test_a_step_reaches_the_database_only_when_it_ends(db_url):
    with shared_engines() as gradebooks:
        with gradebooks.one_transaction():
            with Gradebook(db_url) as gradebook:
                gradebook.add_student("hv01")  # nbgrader commits here
            with Gradebook(db_url) as gradebook:  # the next step sees what the first wrote
                assert [s.id for s in gradebook.students] == ["hv01"]
                gradebook.add_student("hv02")
            assert students_seen_from_outside(db_url) == []
        assert students_seen_from_outside(db_url) == ["hv01", "hv02"]


def test_a_step_that_fails_leaves_nothing_of_itself_in_the_gradebook(db_url):
    with shared_engines() as gradebooks:
        with gradebooks.one_transaction(), Gradebook(db_url) as gradebook:
            gradebook.add_student("hv01")
        failing = pytest.raises(RuntimeError, match="grading failed")
        with failing, gradebooks.one_transaction(), Gradebook(db_url) as gradebook:
            gradebook.add_student("hv02")
            gradebook.add_submission("bai_1", "hv02")
            raise RuntimeError("grading failed")
        assert students_seen_from_outside(db_url) == ["hv01"]
        with Gradebook(db_url) as gradebook:  # the shared connection is usable afterwards
            assert [s.id for s in gradebook.students] == ["hv01"]


def test_nbgrader_rolling_back_one_write_keeps_the_steps_other_writes(db_url):
    with shared_engines() as gradebooks, gradebooks.one_transaction(), Gradebook(db_url) as book:
        book.add_student("hv01")
        with pytest.raises(InvalidEntry):  # nbgrader rolls back its own session
            book.add_student("hv01")
        book.add_student("hv02")
    assert students_seen_from_outside(db_url) == ["hv01", "hv02"]


def test_gradebooks_outside_a_step_commit_as_nbgrader_does(db_url):
    with shared_engines(), Gradebook(db_url) as gradebook:
        gradebook.add_student("hv01")
        assert students_seen_from_outside(db_url) == ["hv01"]


def test_steps_do_not_nest():
    with shared_engines() as gradebooks, gradebooks.one_transaction():
        inner = gradebooks.one_transaction()
        with pytest.raises(RuntimeError, match="do not nest"):
            inner.__enter__()


def submitted_course(url: str) -> None:
    """One assignment with a graded code cell, a written answer and a learner's submission."""
    with Gradebook(url) as gradebook:
        gradebook.add_notebook("bai", "bai_1")
        gradebook.add_grade_cell("cau_1", "bai", "bai_1", max_score=2, cell_type="code")
        gradebook.add_grade_cell("cau_2", "bai", "bai_1", max_score=4, cell_type="markdown")
        gradebook.add_solution_cell("cau_2", "bai", "bai_1")
        gradebook.add_task_cell("nhiem_vu", "bai", "bai_1", max_score=3, cell_type="markdown")
        for name, kind in (("cau_1", "code"), ("cau_2", "markdown")):
            gradebook.add_source_cell(name, "bai", "bai_1", cell_type=kind, source="x")
        gradebook.add_student("hv01")
        gradebook.add_submission("bai_1", "hv01")


LOOK_UPS = [
    ("find_source_cell", ("cau_2", "bai", "bai_1")),
    ("find_graded_cell", ("cau_1", "bai", "bai_1")),
    ("find_graded_cell", ("nhiem_vu", "bai", "bai_1")),
    ("find_grade", ("cau_2", "bai", "bai_1", "hv01")),
    ("find_comment", ("cau_2", "bai", "bai_1", "hv01")),
]


@pytest.mark.parametrize(("method", "args"), LOOK_UPS)
def test_look_ups_during_a_run_find_the_rows_nbgrader_finds(db_url, method, args):
    submitted_course(db_url)
    with Gradebook(db_url) as gradebook:
        expected = getattr(gradebook, method)(*args).id
    with shared_engines() as gradebooks, gradebooks.one_transaction(), Gradebook(db_url) as book:
        assert getattr(book, method)(*args).id == expected
        assert getattr(book, method)(*args) is getattr(book, method)(*args)
        with pytest.raises(MissingEntry):
            getattr(book, method)("khong_co", *args[1:])


def test_a_notebooks_graded_cells_and_a_learners_grades_take_a_few_queries_not_one_per_cell(
    db_url,
):
    submitted_course(db_url)
    with Gradebook(db_url) as gradebook:
        for index in range(3, 13):
            gradebook.add_grade_cell(f"cau_{index}", "bai", "bai_1", max_score=1, cell_type="code")
    names = ["cau_1", "nhiem_vu"] + [f"cau_{index}" for index in range(3, 13)]
    with shared_engines() as gradebooks, gradebooks.one_transaction(), Gradebook(db_url) as book:
        queries = []
        sqlalchemy.event.listen(
            book.db.get_bind(), "before_cursor_execute", lambda *args: queries.append(args[2])
        )  # from here on, only look-ups: nothing to write
        scores = {name: book.find_graded_cell(name, "bai", "bai_1").max_score for name in names}
        types = {name: book.find_graded_cell(name, "bai", "bai_1").cell_type for name in names}
        source = book.find_notebook("bai", "bai_1")  # as nbgrader's steps read its cells
        listed = {cell.name for cell in source.grade_cells + source.task_cells}
        assert {cell.name for cell in source.solution_cells} == {"cau_2"}
        for name in ["cau_1", "cau_2"]:
            book.find_grade(name, "bai", "bai_1", "hv01")
            book.find_comment("cau_2", "bai", "bai_1", "hv01")
    assert scores["cau_1"] == 2 and scores["nhiem_vu"] == 3 and scores["cau_7"] == 1
    assert types["nhiem_vu"] == "markdown" and types["cau_12"] == "code"
    assert listed == set(names) | {"cau_2"}
    # the notebook twice, its cells; the learner's notebook, grades, comments
    reads = [query for query in queries if query.startswith("SELECT")]
    assert len(reads) <= 6, reads


def test_grades_saved_during_a_run_reach_the_gradebook_once_the_step_ends(db_url):
    submitted_course(db_url)
    with shared_engines() as gradebooks:
        with gradebooks.one_transaction(), nbgrader_saveautogrades.Gradebook(db_url) as book:
            book.find_grade("cau_1", "bai", "bai_1", "hv01").auto_score = 2
            book.db.commit()  # as SaveAutoGrades does after each grade
        failing = pytest.raises(RuntimeError, match="grading failed")
        saving = nbgrader_saveautogrades.Gradebook
        with failing, gradebooks.one_transaction(), saving(db_url) as book:
            book.find_grade("cau_2", "bai", "bai_1", "hv01").auto_score = 4
            book.db.commit()
            raise RuntimeError("grading failed")
    with Gradebook(db_url) as gradebook:
        assert gradebook.find_grade("cau_1", "bai", "bai_1", "hv01").auto_score == 2
        assert gradebook.find_grade("cau_2", "bai", "bai_1", "hv01").auto_score is None


def submission_rows(url: str, student: str) -> tuple:
    """A learner's submission of ``bai_1`` as rows, each id replaced by the name it stands for."""
    with Gradebook(url) as gradebook:
        submission = gradebook.find_submission("bai_1", student)
        notebooks = sorted(
            (nb.notebook.name, nb.flagged, nb.late_submission_penalty)
            for nb in submission.notebooks
        )
        grades = sorted(
            (g.notebook.notebook.name, g.cell.name, g.auto_score, g.manual_score, g.extra_credit)
            + (g.needs_manual_grade,)
            for nb in submission.notebooks
            for g in nb.grades
        )
        comments = sorted(
            (c.notebook.notebook.name, c.cell.name, c.auto_comment, c.manual_comment)
            for nb in submission.notebooks
            for c in nb.comments
        )
        return submission.timestamp, submission.extension, notebooks, grades, comments


def test_a_submission_added_during_a_run_has_the_rows_nbgrader_adds(db_url):
    submitted_course(db_url)  # hv01's submission, added by nbgrader
    with Gradebook(db_url) as gradebook:
        gradebook.add_notebook("phu", "bai_1")
        gradebook.add_grade_cell("cau_9", "phu", "bai_1", max_score=1, cell_type="code")
        for student in ("hv02", "hv03", "hv04"):
            gradebook.add_student(student)
        gradebook.add_submission("bai_1", "hv03", timestamp="2026-12-07 08:30:00.123 +0700")
    with shared_engines() as gradebooks, gradebooks.one_transaction(), Gradebook(db_url) as book:
        book.update_or_create_submission("bai_1", "hv02")
        book.update_or_create_submission("bai_1", "hv04", timestamp="2026-12-07 08:30:00.123 +0700")
    by_nbgrader = submission_rows(db_url, "hv03")
    assert submission_rows(db_url, "hv04") == by_nbgrader
    assert submission_rows(db_url, "hv02") == (None, *by_nbgrader[1:])
    assert len(by_nbgrader[3]) == 4 and len(by_nbgrader[4]) == 2  # grades, comments


def test_a_second_submission_of_a_learner_is_refused_as_nbgrader_refuses_it(db_url):
    submitted_course(db_url)
    with Gradebook(db_url) as gradebook, pytest.raises(InvalidEntry):
        gradebook.add_submission("bai_1", "hv01")
    with shared_engines() as gradebooks, gradebooks.one_transaction(), Gradebook(db_url) as book:
        with pytest.raises(InvalidEntry):
            book.add_submission("bai_1", "hv01")
        book.add_student("hv02")  # the step goes on
    assert students_seen_from_outside(db_url) == ["hv01", "hv02"]
