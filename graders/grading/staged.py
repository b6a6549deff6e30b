"""nbgrader's own ``Autograde`` converter, run in stages so that execution can happen elsewhere.

``nbgrader autograde`` converts each notebook twice: a *sanitizing* pass (its
``Autograde.sanitize_preprocessors``: ClearOutput, DeduplicateIds, OverwriteKernelspec,
OverwriteCells, CheckCellMetadata) and an *autograding* pass (its
``Autograde.autograde_preprocessors``: Execute, IgnorePattern, ClearMetadataPreprocessor,
LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata). Both lists are nbgrader
configuration, and this module reads them from the course's configuration, as nbgrader does.

:class:`StagedAutograde` subclasses nbgrader's converter and calls its own methods in order:
``init_destination``, ``init_assignment`` and the sanitizing pass (:meth:`prepare`), then the
autograding pass split at the ``Execute`` step: the steps before it, then *nothing* where
Execute would run the kernel, then the steps after it (:meth:`finish`), and nbgrader's
``set_permissions``. The caller executes the notebooks in between. So the gradebook rows, the
autograded notebooks, the late penalties and the comments are written by nbgrader's code.

Between the passes the notebook stays in memory. nbgrader writes the sanitized notebook as text
and its grading pass reads it back, and the grading pass writes it again over that file; here
its exporter (nbconvert's ``NotebookExporter``, which nbgrader uses) hands over the notebook
itself, and only the autograded notebook is written, with nbformat's writer for version 4. That
is the text ``NotebookExporter`` makes, less ``nbformat.writes``' second validation of a notebook
nbconvert has just validated, which could only log.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import nbformat
from nbconvert.exporters import Exporter, NotebookExporter
from nbconvert.preprocessors import ExecutePreprocessor
from nbconvert.writers import FilesWriter
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import rmtree
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from graders.common.errors import BdhvsError
from graders.grading.nbgrader_speed import remember_valid_metadata
from graders.grading.notebook_copies import direct_copies, handed_over


@dataclass
class Prepared:
    """One sanitized notebook of a submission, ready to execute."""

    notebook: str
    nb: nbformat.NotebookNode
    resources: dict[str, Any]


def split_at_execute(steps: list[Any]) -> tuple[list[Any], Any, list[Any]]:
    """The steps before nbgrader's execution step, that step, and the steps after it."""
    resolved = [import_item(step) if isinstance(step, str) else step for step in steps]
    for index, step in enumerate(resolved):
        is_class = isinstance(step, type)
        if (is_class and issubclass(step, ExecutePreprocessor)) or (
            not is_class and isinstance(step, ExecutePreprocessor)
        ):
            return resolved[:index], step, resolved[index + 1 :]
    raise BdhvsError(
        "the course's Autograde.autograde_preprocessors has no Execute step; "
        "grade with --engine nbgrader"
    )


class NotebookOut(NotebookExporter):
    """nbconvert's notebook exporter, giving the converted notebook rather than its text.

    It takes the notebook it is given for its own (:func:`handed_over`): nbconvert reads it from
    a file for it, and the stages below give it a notebook they replace with its result.
    """

    def from_notebook_node(
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        with handed_over(nb):
            return Exporter.from_notebook_node(self, nb, resources, **kw)


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """The autograded notebook's file, as ``NotebookExporter`` writes it."""
    return nbformat.v4.writes(nb) + "\n"


class StagedAutograde(Autograde):
    """nbgrader's Autograde for one assignment, one learner at a time, in stages."""

    def __init__(self, coursedir: CourseDirectory, config: Config, assignment: str) -> None:
        super().__init__(coursedir=coursedir, config=config)
        if self.exporter_class is not NotebookExporter:
            raise BdhvsError(
                "the course sets Autograde.exporter_class; grade with --engine nbgrader"
            )
        remember_valid_metadata()
        self.log.setLevel(logging.ERROR)
        self.force = True
        self.create_student = True
        self.coursedir.assignment_id = assignment
        before, execute, after = split_at_execute(self.autograde_preprocessors)
        self.writer = FilesWriter(parent=self, config=self.config)
        self._sanitized: list[nbformat.NotebookNode] = []  # by the sanitizing pass, in order
        self.sanitizer = self._exporter(self.sanitize_preprocessors)
        self.pre_execution = self._exporter(before)
        self.post_execution = self._exporter(after)
        self.execute = execute if not isinstance(execute, type) else execute(parent=self)

    def _exporter(self, steps: list[Any]) -> Exporter:
        exporter = NotebookOut(parent=self, config=self.config)
        # nbconvert's own switch: validate the notebook once after the pass, not after every
        # step; a step that breaks the notebook still fails the pass.
        exporter.optimistic_validation = True
        for step in steps:
            exporter.register_preprocessor(step)
        return exporter

    @property
    def assignment(self) -> str:
        return self.coursedir.assignment_id

    @direct_copies()
    def prepare(self, learner: str) -> list[Prepared]:
        """nbgrader's set-up of a submission and its sanitizing pass, for every notebook."""
        self.coursedir.student_id = learner
        self._sanitizing = True
        self.exporter = self.sanitizer
        self.init_notebooks()
        (notebooks,) = self.assignments.values()
        self.notebooks = sorted(notebooks)
        self.init_destination(self.assignment, learner)
        self.run_pre_convert_hook()
        self.init_assignment(self.assignment, learner)
        self._sanitized = []
        for filename in self.notebooks:
            self._sanitizing = True
            self.exporter = self.sanitizer
            BaseConverter.convert_single_notebook(self, filename)  # into write_single_notebook
        self._sanitizing = False
        self.exporter = self.pre_execution
        sanitized, self._sanitized = self._sanitized, []  # nothing kept for the next learner
        prepared = []
        for filename, nb in zip(self.notebooks, sanitized, strict=True):
            # where nbgrader's grading pass would read the sanitized notebook from
            path = os.path.join(self.destination(learner), os.path.basename(filename))
            resources = self.init_single_notebook_resources(path)
            resources["metadata"] = {"name": resources["unique_key"], "path": os.path.dirname(path)}
            if self.exporter._preprocessors:  # the attribute nbgrader itself manages
                nb, resources = self.exporter.from_notebook_node(nb, resources)
            prepared.append(Prepared(resources["nbgrader"]["notebook"], nb, resources))
        return prepared

    def write_single_notebook(self, output: Any, resources: dict[str, Any]) -> None:
        """Keep a sanitized notebook for the grading pass; write an autograded one."""
        if self._sanitizing:
            self._sanitized.append(output)
        else:
            with handed_over(output):  # written once, then left
                text = notebook_text(output)
            super().write_single_notebook(text, resources)

    @direct_copies()
    def finish(self, learner: str, executed: list[Prepared]) -> None:
        """nbgrader's steps after execution (grades, late penalties), then its permissions."""
        self.coursedir.student_id = learner
        self._sanitizing = False
        self.exporter = self.post_execution
        for item in executed:
            nb, resources = self.exporter.from_notebook_node(item.nb, item.resources)
            self.write_single_notebook(nb, resources)
        self.set_permissions(self.assignment, learner)
        self.run_post_convert_hook()

    def destination(self, learner: str) -> str:
        """The learner's autograded folder."""
        return os.path.normpath(self._format_dest(self.assignment, learner))

    def abandon(self, learner: str) -> None:
        """What nbgrader does when grading a submission fails: remove its autograded folder."""
        destination = self.destination(learner)
        if os.path.exists(destination):
            rmtree(destination)
