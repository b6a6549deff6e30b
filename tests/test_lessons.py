"""The start page and every lesson notebook run top to bottom, headless, with no error."""

from pathlib import Path

import papermill
import pytest

from conftest import REPO

LESSONS = [
    REPO / "curriculum" / "bat_dau.ipynb",
    *sorted((REPO / "curriculum" / "modules").glob("*/*.ipynb")),
]


def test_there_are_lessons():
    assert LESSONS


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_clean_under_papermill(lesson: Path, tmp_path: Path):
    output = tmp_path / lesson.name
    papermill.execute_notebook(
        str(lesson), str(output), kernel_name="python3", cwd=str(lesson.parent), progress_bar=False
    )
    assert output.exists()
