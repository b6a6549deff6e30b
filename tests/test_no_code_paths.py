"""A learner who cannot program completes every path by tapping, choosing, typing and writing.

The learner takes each assignment as released, changes no code cell, answers every question and
app task through its widgets (what the widgets save is the answer file beside the notebook) and
writes every written answer; the instructor grades with ``bdhvs grade``, scores the written
answers in nbgrader's gradebook, and ``bdhvs records`` must show every path completed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.api import Gradebook

from curriculum.framework import load_framework
from curriculum.modules import load_modules
from curriculum.toolkit.answers import SUFFIX
from graders.course.coverage import coverage
from graders.course.directory import REPOSITORY_ASSIGNMENTS
from graders.course.sources import graded_items

from conftest import ASSIGNMENTS, run_bdhvs, submit
from gradekit import built_copy

LEARNER = "khong_lap_trinh"
CARELESS = "vo_y"
PATH_ASSIGNMENTS = sorted(
    {m.assignment for m in load_modules() for p in load_framework().paths if m.id in p.modules}
)


def test_no_graded_item_on_a_learning_path_asks_for_code():
    report = coverage(REPOSITORY_ASSIGNMENTS, ASSIGNMENTS)
    for path in report["paths"]:
        assert path["code_items"] == [], f"{path['path']} asks for code"
        assert path["fully_assessable"], f"{path['path']}: {path['unassessable']}"


def test_every_competence_of_every_path_has_a_task_in_a_simulated_app():
    report = coverage(REPOSITORY_ASSIGNMENTS, ASSIGNMENTS)
    for path in report["paths"]:
        assert path["without_app_task"] == [], f"{path['path']} lacks app tasks"


def _widget_answers(source: Path, work: Path) -> Path:
    """The answer file the widgets save when every question is answered as the model does:
    running the source notebook's answer cells saves exactly what the same taps would."""
    work.mkdir(parents=True)
    nb = nbformat.read(source, as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code" and not _is_test(c)]
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(work)}}).execute()
    (answers,) = work.glob(f"*{SUFFIX}")
    return answers


def _is_test(cell: nbformat.NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _written(release: Path, assignment: str) -> str:
    """The released notebook with each written answer filled in; no code cell touched."""
    texts = json.loads(
        (REPOSITORY_ASSIGNMENTS.parent / "graders/demo/answers" / f"{assignment}.json").read_text(
            encoding="utf-8"
        )
    )["written"]
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "markdown" and grade_id in texts:
            cell.source = texts[grade_id][0]
    return nbformat.writes(nb)


def _careless(source: Path, assignment: str) -> str:
    """The source notebook with every answer cell replaced by the demo's wrong answer."""
    wrong = json.loads(
        (REPOSITORY_ASSIGNMENTS.parent / "graders/demo/answers" / f"{assignment}.json").read_text(
            encoding="utf-8"
        )
    )["wrong"]
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in wrong:
            cell.source = wrong[grade_id]
    return nbformat.writes(nb)


def _answered_by(source: Path) -> dict[str, list[str]]:
    """test cell grade_id -> the answer cells since the test cell before it."""
    found: dict[str, list[str]] = {}
    since: list[str] = []
    for cell in nbformat.read(source, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            since.append(meta["grade_id"])
        elif _is_test(cell):
            found[meta["grade_id"]] = since
            since = []
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("no_code")
    course = built_copy(root / "course", PATH_ASSIGNMENTS)
    for assignment in PATH_ASSIGNMENTS:
        (source,) = (course.source_dir / assignment).glob("*.ipynb")
        release = course.release_dir / assignment / source.name
        answers = _widget_answers(source, root / "answers" / assignment)
        released = nbformat.read(release, as_version=4)
        code_cells = [c.source for c in released.cells if c.cell_type == "code"]
        filled = _written(release, assignment)
        assert [
            c.source for c in nbformat.reads(filled, as_version=4).cells if c.cell_type == "code"
        ] == code_cells, "the learner must not change any code"
        folder = submit(course, LEARNER, assignment, {source.name: filled})
        shutil.copy(answers, folder / answers.name)
        submit(course, CARELESS, assignment, {source.name: _careless(source, assignment)})
        done = run_bdhvs("grade", assignment, "--course", str(course.root), "--quiet")
        assert done.returncode == 0, done.stderr
    with Gradebook(course.db_url) as gradebook:
        for item in graded_items(course.source_dir, PATH_ASSIGNMENTS):
            if item.manual:
                grade = gradebook.find_grade(item.cell, item.notebook, item.assignment, LEARNER)
                grade.manual_score = item.points  # the instructor scores the written answers
        gradebook.db.commit()
    out = root / "records"
    done = run_bdhvs("records", "--course", str(course.root), "--out", str(out))
    assert done.returncode == 0, done.stderr
    record = json.loads((out / "learners" / f"{LEARNER}.json").read_text(encoding="utf-8"))
    return course, record


def test_a_learner_who_writes_no_code_completes_every_learning_path(graded):
    _course, record = graded
    paths = record["paths"]
    assert set(paths) == {p.id for p in load_framework().paths}
    unfinished = {name: entry["missing"] for name, entry in paths.items() if not entry["completed"]}
    assert not unfinished, unfinished


def test_every_careless_answer_earns_less_than_full_marks_and_some_earn_part(graded):
    course, _record = graded
    partial = 0
    with Gradebook(course.db_url) as gradebook:
        for assignment in PATH_ASSIGNMENTS:
            (source,) = (course.source_dir / assignment).glob("*.ipynb")
            for test, answers in _answered_by(source).items():
                if not answers:
                    continue
                grade = gradebook.find_grade(test, source.stem, assignment, CARELESS)
                assert grade.score < grade.max_score, f"{assignment}/{test} took a wrong answer"
                partial += grade.score > 0
    assert partial, "no item gave partial credit"
