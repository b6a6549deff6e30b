"""nbgrader's Autograde in stages: the notebook crosses from one pass to the next in memory, and
the autograded file is the one nbgrader's exporter would write."""

from __future__ import annotations

import nbformat
import pytest
from nbconvert.exporters import NotebookExporter

from graders.course.directory import REPOSITORY_ASSIGNMENTS
from graders.grading.staged import notebook_text

from conftest import ASSIGNMENTS, run_bdhvs
from gradekit import TINY, submit_tiny, tiny_course


def executed_like(path) -> nbformat.NotebookNode:
    """A course notebook as it leaves a run: outputs, counts, and the fields nbformat drops."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["orig_nbformat"] = 3
    nb.metadata["signature"] = "sha256:0"
    for count, cell in enumerate(nb.cells, start=1):
        cell.metadata["trusted"] = True
        if cell.cell_type == "code":
            cell.execution_count = count
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text="dòng 1\ndòng 2\n"),
                nbformat.v4.new_output(
                    "execute_result",
                    {"text/plain": "1.5", "text/html": "<b>1,5</b>"},
                    execution_count=count,
                ),
            ]
    return nb


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_autograded_file_is_the_text_nbconverts_notebook_exporter_writes(assignment):
    nb = executed_like(REPOSITORY_ASSIGNMENTS / assignment / f"{assignment}.ipynb")
    expected, _ = NotebookExporter().from_notebook_node(nb)
    assert notebook_text(nb) == expected
    assert '"trusted"' not in notebook_text(nb) and "orig_nbformat" not in notebook_text(nb)


def test_the_sanitized_notebook_goes_to_execution_without_being_written(tmp_path):
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from graders.grading.staged import StagedAutograde

    course = tiny_course(tmp_path / "course", tmp_path / "sources")
    submit_tiny(course, "hv001", {})
    config = Config()
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.db_url = f"sqlite:///{course.root / 'gradebook.db'}"
    converter = StagedAutograde(CourseDirectory(config=config), config, TINY)
    autograded = course.root / "autograded" / "hv001" / TINY

    (prepared,) = converter.prepare("hv001")

    assert not (autograded / f"{TINY}.ipynb").exists()
    assert prepared.resources["metadata"] == {"name": TINY, "path": str(autograded)}
    sources = [cell.source for cell in prepared.nb.cells]
    assert [source for source in sources if "BEGIN HIDDEN" in source]  # the tests restored
    converter.finish("hv001", [prepared])
    written = nbformat.read(autograded / f"{TINY}.ipynb", as_version=4)
    assert [cell.source for cell in written.cells] == sources


def test_a_course_that_sets_another_exporter_is_told_to_grade_with_nbgrader(tmp_path):
    config = '\nc.Autograde.exporter_class = "nbconvert.exporters.HTMLExporter"\n'
    course = tiny_course(tmp_path / "course", tmp_path / "sources", config)
    submit_tiny(course, "hv001", {})

    done = run_bdhvs("grade", TINY, "--quiet", cwd=course.root)

    assert done.returncode != 0
    assert "Autograde.exporter_class" in done.stderr + done.stdout
    assert "--engine nbgrader" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
