"""Grading adds the written answer saved in the answer sheet to its answer cell, as literal text.

The step runs on a notebook and its folder as nbgrader's sanitizing pass gives them. The sheet
is the learner's file: a pipe, a huge file, a link, broken JSON or a value that is not text adds
nothing, blocks nothing, raises nothing, and is named as a problem.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbgrader.converters import Autograde

from curriculum.toolkit.answers import ANSWERS_LIMIT, FORMAT, WRITTEN_LIMIT
from graders.course.directory import REPOSITORY_ASSIGNMENTS, init_course
from graders.course.written_answers import (
    STEP,
    WrittenAnswers,
    configured,
    literal_markdown,
    read_written,
)

from conftest import ASSIGNMENTS

NAME = "bai"
QID = "cau_4_bai_viet"
STUB = "**Thư của bạn:**\n\nViết vào ô bên dưới."
TEXT = "Kính gửi anh Ba,\nem gửi lịch họp.\n\nTrân trọng."


def notebook() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(STUB)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": True,
        "locked": False,
        "grade_id": QID,
        "points": 4,
        "schema_version": 3,
    }
    other = nbformat.v4.new_markdown_cell("## Câu 4")
    return nbformat.v4.new_notebook(cells=[other, cell])


def sheet_bytes(answers: dict, sheet: str = NAME) -> bytes:
    document = {"format": FORMAT, "sheet": sheet, "answers": answers}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def write_sheet(folder: Path, value: object) -> None:
    (folder / f"{NAME}.answers.json").write_bytes(sheet_bytes({QID: {"value": value}}))


def sanitized(folder: Path, logger: logging.Logger | None = None) -> str:
    """The written answer cell after the step, run as nbgrader's sanitizing pass runs it."""
    nb = notebook()
    step = WrittenAnswers(log=logger) if logger else WrittenAnswers()
    nb, _ = step(nb, {"metadata": {"path": str(folder), "name": NAME}})
    return nb.cells[1].source


def test_the_saved_text_is_added_after_what_the_cell_holds(tmp_path: Path):
    write_sheet(tmp_path, TEXT)
    source = sanitized(tmp_path)
    assert source.startswith(STUB + "\n\n")
    page = markdown2html_mistune(source)
    assert "Kính gửi anh Ba,<br />\nem gửi lịch họp." in page and "<p>Trân trọng.</p>" in page


@pytest.mark.parametrize("value", [None, "", "  \n "])
def test_no_text_leaves_the_cell_as_released_so_it_scores_zero(tmp_path: Path, value):
    write_sheet(tmp_path, value)
    assert sanitized(tmp_path) == STUB


def test_no_sheet_leaves_the_cell_as_released(tmp_path: Path):
    assert sanitized(tmp_path) == STUB


def test_html_and_markdown_in_the_text_stay_literal():
    text = (
        '<script>alert("x")</script> <img src=x onerror=alert(1)> & &lt;\n'
        "[bấm vào](javascript:alert(1)) **đậm** `mã` $x$ \\(y\\)\n"
        "# không phải tiêu đề\n- không phải danh sách\n1. không phải số thứ tự\n"
        "    không phải khối mã\n> không phải trích dẫn"
    )
    page = markdown2html_mistune(literal_markdown(text))
    for markup in ("<script", "<img", "<a ", "<strong", "<code", "<h1", "<ul", "<ol", "<pre"):
        assert markup not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page or (
        '&lt;script&gt;alert("x")&lt;/script&gt;' in page
    )
    assert "&amp; &amp;lt;" in page and "[bấm vào](javascript:alert(1)) **đậm** `mã`" in page
    assert "# không phải tiêu đề" in page and "1. không phải số thứ tự" in page


def hostile(folder: Path, kind: str) -> None:
    """An answer file no learner's box writes."""
    path = folder / f"{NAME}.answers.json"
    if kind == "pipe":
        os.mkfifo(path)
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(ANSWERS_LIMIT + 1)
    elif kind == "link":
        elsewhere = folder / "elsewhere"
        elsewhere.mkdir()
        write_sheet(elsewhere, TEXT)
        path.symlink_to(elsewhere / path.name)
    elif kind == "not json":
        path.write_bytes(b'{"format": "bdhvs-answers/1", "answers": {')
    elif kind == "deep":
        path.write_bytes(b"[" * 200_000)
    elif kind == "another sheet":
        path.write_bytes(sheet_bytes({QID: {"value": TEXT}}, sheet="bai_khac"))
    elif kind == "entry not an object":
        path.write_bytes(sheet_bytes({QID: TEXT}))
    elif kind == "too long":
        write_sheet(folder, "a" * (WRITTEN_LIMIT + 1))
    else:
        write_sheet(folder, {"number": 5, "list": ["a"], "dict": {"a": "b"}}[kind])


HOSTILE = [
    "pipe",
    "huge",
    "link",
    "not json",
    "deep",
    "another sheet",
    "entry not an object",
    "too long",
    "number",
    "list",
    "dict",
]


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_sheet_adds_nothing_blocks_nothing_and_is_named_as_a_problem(
    tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
):
    hostile(tmp_path, kind)
    logger = logging.getLogger("test-written-answers")
    found: dict[str, object] = {}
    worker = threading.Thread(target=lambda: found.update(source=sanitized(tmp_path, logger)))
    with caplog.at_level(logging.WARNING, logger=logger.name):
        worker.start()
        worker.join(timeout=20)
    assert not worker.is_alive(), "the step waited on the learner's file"
    assert found["source"] == STUB
    assert "written answer not added" in caplog.text
    problems = read_written(tmp_path, NAME, [QID]).problems
    assert len(problems) == 1 and f"{NAME}.answers.json" in problems[0]


def test_a_course_runs_the_step_first_then_nbgrader_own_steps(tmp_path: Path):
    course = init_course(tmp_path / "course")
    steps = course.config().Autograde.sanitize_preprocessors
    defaults = Autograde.class_traits()["sanitize_preprocessors"].default()
    assert steps == [STEP, *(f"nbgrader.preprocessors.{step.__name__}" for step in defaults)]
    assert configured(course.config())
    config = course.root / "nbgrader_config.py"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("c.Autograde.sanitize_preprocessors", "unused"), "utf-8")
    assert not configured(course.config())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_written_answer_cell_has_the_box_to_write_it_in_right_after_it(assignment: str):
    (path,) = (REPOSITORY_ASSIGNMENTS / assignment).glob("*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    written = [i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("solution")]
    written = [i for i in written if cells[i].cell_type == "markdown"]
    assert written, "an assignment has a written answer"
    for index in written:
        box = cells[index + 1]
        meta = box.metadata["nbgrader"]
        grade_id = cells[index].metadata["nbgrader"]["grade_id"]
        assert box.cell_type == "code" and meta["locked"]
        assert not meta["grade"] and not meta["solution"]
        assert box.source.startswith("# Ô này dựng ô để bạn viết")
        assert f'WrittenAnswer("{grade_id}", ' in box.source
