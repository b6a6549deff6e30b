"""The programming module (``lap_trinh``) as its learner meets it, in a real kernel.

Errors are explained in Vietnamese above a short traceback, and the cell still fails for
everything that reads a notebook's run (nbclient, papermill, nbgrader, the self-check); a
grading or checking run, and a shell that is not a kernel, see errors exactly as before. The
lesson's bulk renaming works in a temporary folder that goes when the kernel stops.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from curriculum.modules.lap_trinh.tools import PREFIX

from conftest import REPO

SETUP = "from curriculum.toolkit.errors import explain_errors\n\nexplain_errors()"
LESSON = REPO / "curriculum" / "modules" / "lap_trinh" / "lap_trinh.ipynb"
FOLDER_CELL = "f8357d0c"  # the lesson's cell that makes the practice folder
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def learner_environment(**extra: str) -> dict[str, str]:
    """The environment of a learner's kernel: not a grading or checking run."""
    environment = {key: value for key, value in os.environ.items() if key != "NBGRADER_EXECUTION"}
    return {**environment, **extra}


def run(sources: list[str], allow_errors: bool = True, **extra: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=allow_errors)
    client.execute(env=learner_environment(**extra))
    return nb


def shown(cell: nbformat.NotebookNode) -> tuple[list[str], list[dict]]:
    """The explanations a cell shows, and its error outputs."""
    notes = [
        str(output["data"]["text/html"])
        for output in cell.outputs
        if output["output_type"] == "display_data"
    ]
    return notes, [output for output in cell.outputs if output["output_type"] == "error"]


def test_an_error_is_explained_in_vietnamese_above_a_short_traceback():
    nb = run([SETUP, "print(so_nguoi + 2)", "for ten in ['An', 'Hoa']\n    print(ten)"])
    notes, (error,) = shown(nb.cells[1])
    assert error["ename"] == "NameError"
    (note,) = notes
    assert "Tên «so_nguoi» chưa được tạo: hãy chạy các ô phía trên trước" in note
    assert [o["output_type"] for o in nb.cells[1].outputs] == ["display_data", "error"]
    traceback = ANSI.sub("", "\n".join(error["traceback"]))
    assert "print(so_nguoi + 2)" in traceback and "---->" not in traceback
    assert len(traceback.strip().splitlines()) <= 6, traceback
    notes, (error,) = shown(nb.cells[2])
    assert error["ename"] == "SyntaxError" and "sai cú pháp" in notes[0]


def test_an_explained_error_still_fails_the_cell():
    with pytest.raises(CellExecutionError) as failed:
        run([SETUP, "1 / 0", "print('không chạy tới đây')"], allow_errors=False)
    assert failed.value.ename == "ZeroDivisionError"


def test_a_grading_or_checking_run_sees_errors_as_before():
    nb = run([SETUP, "print(so_nguoi)"], NBGRADER_EXECUTION="autograde")
    assert [o["output_type"] for o in nb.cells[1].outputs] == ["error"]
    assert "---->" in ANSI.sub("", "\n".join(nb.cells[1].outputs[0]["traceback"]))


def test_outside_a_kernel_nothing_is_installed_and_nothing_heavy_imported():
    probe = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "mode = shell.InteractiveTB.mode\n"
        + SETUP
        + "\nassert '_showtraceback' not in vars(shell) and shell.InteractiveTB.mode == mode\n"
        "heavy = {'ipykernel', 'ipywidgets', 'nbclient', 'matplotlib'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.notebooks
def test_the_lesson_leaves_no_practice_folder_behind(tmp_path: Path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    nb = nbformat.read(LESSON, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with client.setup_kernel(env=learner_environment(TMPDIR=str(temporary))):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
            if cell.get("id") == FOLDER_CELL:  # run again, as learners do
                client.execute_cell(cell, index)
        made = list(temporary.glob(f"{PREFIX}*"))
        assert len(made) == 1, made
        assert sorted(path.name for path in made[0].iterdir())[0] == "2026-09-28_baocao.pdf"
    assert not list(temporary.glob(f"{PREFIX}*")), "the practice folder outlived the kernel"
