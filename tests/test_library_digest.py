"""The learner-library code an assignment imports is found by reading, and is part of its
grading context: editing a module's tools regrades the assignments that use them, only those."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from graders.course.directory import REPOSITORY_ASSIGNMENTS, init_course
from graders.course.library import library_modules
from graders.grading.resume import grading_context

LIBRARY = Path(__file__).resolve().parents[1] / "curriculum"
TOOLS = "curriculum.modules.thong_tin.tools"


@pytest.fixture
def library_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the ``curriculum`` package that is found before the repository's."""
    shutil.copytree(
        LIBRARY, tmp_path / "lib" / "curriculum", ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    return tmp_path / "lib" / "curriculum"


def notebook_folder(folder: Path, *sources: str) -> Path:
    folder.mkdir()
    cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "bai.ipynb")
    return folder


def test_the_thong_tin_assignment_uses_its_module_tools_and_the_toolkit_they_import():
    found = library_modules(REPOSITORY_ASSIGNMENTS / "thong_tin")
    assert TOOLS in found
    assert found[TOOLS] == LIBRARY / "modules" / "thong_tin" / "tools.py"
    # tools.py imports the simulation, which imports the language layer
    assert {"curriculum.toolkit.simulation", "curriculum.toolkit.i18n"} <= set(found)
    # importing a module runs its parent packages' __init__.py
    assert {"curriculum", "curriculum.modules", "curriculum.modules.thong_tin"} <= set(found)


def test_an_assignment_that_does_not_import_a_module_tool_does_not_count_it():
    found = library_modules(REPOSITORY_ASSIGNMENTS / "thanh_toan")
    assert "curriculum.toolkit.questions" in found
    assert "curriculum.toolkit.apps.bank" in found  # its simulated app grades it too
    assert not any(name.startswith("curriculum.modules.") for name in found)


def test_imports_are_read_from_every_form_and_names_that_are_not_modules_add_nothing(tmp_path):
    folder = notebook_folder(
        tmp_path / "bai",
        "%matplotlib inline\nfrom curriculum.toolkit import numerals",
        "from curriculum.toolkit.questions import SingleChoice as Chon\nimport json",
        "this cell does not parse (",
        "import curriculum.khong_co",
    )
    found = library_modules(folder)
    assert {"curriculum.toolkit.numerals", "curriculum.toolkit.questions"} <= set(found)
    assert "curriculum.toolkit.questions.SingleChoice" not in found
    assert "curriculum.khong_co" not in found
    assert all(name.startswith("curriculum") for name in found)


def test_relative_imports_inside_the_library_are_followed(tmp_path, library_copy):
    (library_copy / "toolkit" / "phu.py").write_text("from . import numerals\n", encoding="utf-8")
    found = library_modules(notebook_folder(tmp_path / "bai", "import curriculum.toolkit.phu"))
    assert "curriculum.toolkit.numerals" in found


def test_changing_module_tools_changes_the_context_of_the_assignments_that_import_them(
    tmp_path, library_copy
):
    course = init_course(tmp_path / "course")
    assert library_modules(course.source_dir / "thong_tin")[TOOLS] == (
        library_copy / "modules" / "thong_tin" / "tools.py"
    )
    before = {name: grading_context(course, name) for name in ("thong_tin", "an_toan_so")}
    tools = library_copy / "modules" / "thong_tin" / "tools.py"
    tools.write_text(tools.read_text(encoding="utf-8") + "\n# sửa\n", encoding="utf-8")
    after = {name: grading_context(course, name) for name in ("thong_tin", "an_toan_so")}
    assert after["thong_tin"] != before["thong_tin"]
    assert after["an_toan_so"] == before["an_toan_so"]


def test_changing_the_toolkit_changes_the_context_of_every_assignment_using_it(
    tmp_path, library_copy
):
    course = init_course(tmp_path / "course")
    before = grading_context(course, "an_toan_so")
    answers = library_copy / "toolkit" / "answers.py"
    answers.write_bytes(answers.read_bytes() + b"\n")
    assert grading_context(course, "an_toan_so") != before
