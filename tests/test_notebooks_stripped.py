"""Committed notebooks carry no outputs, so they are reviewed as text."""

import subprocess

import nbformat
import pytest

from conftest import REPO


def tracked_notebooks() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True, check=True
    )
    return listed.stdout.split()


def all_notebooks() -> list[str]:
    found = {str(p.relative_to(REPO)) for p in REPO.glob("[!.]*/**/*.ipynb")}
    found = {p for p in found if ".ipynb_checkpoints" not in p and not p.startswith("demo-output")}
    return sorted(found | set(tracked_notebooks()))


def test_the_repository_has_notebooks():
    assert any(p.startswith("curriculum/modules/") for p in all_notebooks())
    assert any(p.startswith("assignments/") for p in all_notebooks())


@pytest.mark.parametrize("path", all_notebooks())
def test_notebook_is_valid_and_has_no_outputs(path):
    nb = nbformat.read(REPO / path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path}: a code cell has outputs; run make strip"
            assert cell.execution_count is None, f"{path}: execution counts; run make strip"
