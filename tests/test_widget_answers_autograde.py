"""nbgrader autograde counts answers given through widgets, with no browser involved.

A tiny assignment goes through the project's own chain (``bdhvs build`` and ``bdhvs grade``
on nbgrader). Learners answer by acting on the widgets in-process, which writes the answer
file beside their notebook; the autograder re-runs each notebook in a fresh kernel, whose
tests must then see exactly those answers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import ipywidgets as widgets
import nbformat
import pytest

from graders.course.build import build
from graders.course.directory import Course, init_course
from graders.grading.grade import grade

pytestmark = pytest.mark.grading

ASSIGNMENT = "quiz"
ANSWER_FILE = f"{ASSIGNMENT}.answers.json"

BUILD_QUESTIONS = """\
from curriculum.toolkit.answers import answer_sheet
from curriculum.toolkit.questions import NumberAnswer, SingleChoice

sheet = answer_sheet("quiz")
otp = SingleChoice(
    "otp", "Ai được biết mã OTP của bạn?", [("Nhân viên ngân hàng", "bank"), ("Không ai", "none")],
    sheet=sheet,
)
length = NumberAnswer(
    "length", "Mật khẩu nên dài ít nhất bao nhiêu ký tự?", unit="ký tự", sheet=sheet
)
display(otp, length)
"""


def graded_test(grade_id: str, source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": grade_id,
        "points": 1,
        "schema_version": 3,
    }
    cell.metadata["bdhvs"] = {"competences": ["4.2"], "step": 2}
    return cell


def write_source(folder: Path) -> None:
    build_cell = nbformat.v4.new_code_cell(BUILD_QUESTIONS)
    build_cell.metadata["nbgrader"] = {
        "grade": False,
        "solution": False,
        "locked": True,
        "grade_id": "questions",
        "schema_version": 3,
    }
    notebook = nbformat.v4.new_notebook(
        cells=[
            build_cell,
            graded_test("otp_test", 'assert otp.value == "none", otp.problem'),
            graded_test("length_test", "assert length.value is not None and length.value >= 12"),
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")


def answer_in_widgets(folder: Path, monkeypatch: pytest.MonkeyPatch, otp: str, typed: str) -> None:
    """What a learner does in JupyterLab: click a radio button and type a number."""
    monkeypatch.chdir(folder)
    namespace = {"display": lambda *objects: None}
    exec(BUILD_QUESTIONS, namespace)
    (buttons,) = [
        w for w in namespace["otp"].widget.children if isinstance(w, widgets.RadioButtons)
    ]
    buttons.value = otp
    (row,) = [w for w in namespace["length"].widget.children if isinstance(w, widgets.HBox)]
    row.children[0].value = typed


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    sources = tmp_path_factory.mktemp("sources")
    write_source(sources / ASSIGNMENT)
    course = init_course(tmp_path_factory.mktemp("courses") / "cohort", source=sources)
    build(course, [ASSIGNMENT])
    return course


def submit(course: Course, learner: str) -> Path:
    folder = course.submitted_dir / learner / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy(course.release_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", folder)
    return folder


@pytest.fixture(scope="module")
def graded(course: Course) -> dict[str, float | None]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        answer_in_widgets(submit(course, "ana"), monkeypatch, otp="none", typed="15")
        answer_in_widgets(submit(course, "chi"), monkeypatch, otp="bank", typed="12,0")
        submit(course, "bao")  # hands in the notebook without answering
    outcomes = grade(course, ASSIGNMENT, progress=False)
    assert all(outcome.status == "graded" for outcome in outcomes), outcomes
    return {outcome.learner: outcome.score for outcome in outcomes}


def test_answers_given_in_widgets_are_graded_by_nbgrader_autograde(graded):
    assert graded == {"ana": 2.0, "bao": 0.0, "chi": 1.0}


def test_autograde_leaves_the_answer_file_as_submitted(course, graded):
    submitted = course.submitted_dir / "ana" / ASSIGNMENT / ANSWER_FILE
    autograded = course.root / "autograded" / "ana" / ASSIGNMENT / ANSWER_FILE
    assert autograded.read_bytes() == submitted.read_bytes()
    answers = json.loads(submitted.read_text(encoding="utf-8"))["answers"]
    assert answers["otp"]["value"] == "none"
    assert answers["length"]["value"] == 15.0
