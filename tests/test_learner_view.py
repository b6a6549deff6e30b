"""A learner sees text, questions and apps, not the code that builds them, and no error.

Code cells are collapsed in every lesson and in every released assignment, except where the
learner writes or reads code (the programming module); an unanswered question is a Vietnamese
notice while the learner works, so running every cell reaches the end, and it is still a failed
check when the notebook is graded or checked.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from graders.course.item_kinds import library_imports
from graders.course.learner_view import apply_learner_view, shows_code

from conftest import ASSIGNMENTS, REPO

LESSONS = [
    REPO / "curriculum" / "bat_dau.ipynb",
    *sorted(REPO.glob("curriculum/modules/*/*.ipynb")),
]
PROGRAMMING = "lap_trinh"


def code_shown(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [
        cell
        for cell in nb.cells
        if cell.cell_type == "code" and not cell.metadata.get("jupyter", {}).get("source_hidden")
    ]


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.stem)
def test_lessons_are_committed_with_their_code_collapsed(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert not apply_learner_view(nb), f"{path.name}: run apply_learner_view on it"
    shown = code_shown(nb)
    if path.stem == PROGRAMMING:
        assert len(shown) >= 10, "the programming lesson shows its examples"
        assert all("learner-code" in cell.metadata.get("tags", []) for cell in shown)
    else:
        assert shown == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_release_shows_code_only_where_the_learner_writes_it(built_course, assignment):
    for path in sorted((built_course.release_dir / assignment).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        shown = code_shown(nb)
        answer_cells = [
            cell
            for cell in nb.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
        ]
        if assignment == PROGRAMMING:
            assert shown, "the programming assignment's answer cells stay open"
            assert all(cell.metadata["nbgrader"].get("solution") for cell in shown)
        else:
            assert answer_cells, "every other assignment is answered in questions and apps"
            assert shown == []


def test_an_answer_cell_that_builds_a_question_is_collapsed_and_one_of_code_is_not():
    setup = nbformat.v4.new_code_cell("from curriculum.toolkit.questions import SingleChoice")
    question = nbformat.v4.new_code_cell('cau = SingleChoice("cau", "?", [("A", "a"), ("B", "b")])')
    code = nbformat.v4.new_code_cell("def tong(a, b):\n    return a + b")
    for cell in (question, code):
        cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False}
    nb = nbformat.v4.new_notebook(cells=[setup, question, code])
    assert apply_learner_view(nb)
    imports = library_imports(nb)
    assert [shows_code(cell, imports) for cell in nb.cells] == [False, False, True]
    assert code_shown(nb) == [code]
    assert not apply_learner_view(nb)


def run_blank_release(course, folder: Path, environment: dict[str, str]) -> nbformat.NotebookNode:
    shutil.copytree(course.release_dir / "an_toan_so", folder)
    path = folder / "an_toan_so.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True)
    learner = {key: value for key, value in os.environ.items() if key != "NBGRADER_EXECUTION"}
    client.execute(cwd=str(folder), env={**learner, **environment})
    return nb


def errors_of(nb: nbformat.NotebookNode) -> list[str]:
    return [
        f"{output['ename']}: {output['evalue']}"
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


@pytest.mark.notebooks
def test_unanswered_questions_are_notices_and_running_every_cell_reaches_the_end(
    built_course, tmp_path
):
    nb = run_blank_release(built_course, tmp_path / "learner", {})
    assert errors_of(nb) == []
    shown = "".join(
        str(output.get("data", {}).get("text/html", ""))
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )
    assert "Bạn chưa chọn đáp án cho câu 1." in shown
    assert all(cell.get("execution_count") for cell in nb.cells if cell.cell_type == "code")
    # where HTML and widgets cannot be shown (a saved notebook read as text, a log), each notice
    # is its words and the check button its label, not a Python object's name
    plain = [
        "".join(output.get("data", {}).get("text/plain", ""))
        for cell in nb.cells
        for output in cell.get("outputs", [])
    ]
    assert "Bạn chưa chọn đáp án cho câu 1." in plain
    assert "Kiểm tra bài" in plain
    assert not [text for text in plain if "object>" in text or "VBox(" in text]


@pytest.mark.notebooks
def test_the_same_unanswered_questions_fail_their_checks_when_the_notebook_is_checked(
    built_course, tmp_path
):
    nb = run_blank_release(built_course, tmp_path / "checked", {"NBGRADER_EXECUTION": "validate"})
    errors = errors_of(nb)
    assert "AssertionError: Bạn chưa chọn đáp án cho câu 1." in errors
    assert len(errors) >= 10
