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
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import nbformat
from nbconvert.exporters import Exporter
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
from graders.grading.notebook_copies import direct_copies


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


def read_back(text: str) -> nbformat.NotebookNode:
    """A notebook that nbconvert has just validated (it raises for an invalid one) and written.

    nbformat's ``reads`` would validate it again, only to log what nbconvert has checked.
    """
    return nbformat.convert(nbformat.reader.reads(text), 4)


class StagedAutograde(Autograde):
    """nbgrader's Autograde for one assignment, one learner at a time, in stages."""

    def __init__(self, coursedir: CourseDirectory, config: Config, assignment: str) -> None:
        super().__init__(coursedir=coursedir, config=config)
        remember_valid_metadata()
        self.log.setLevel(logging.ERROR)
        self.force = True
        self.create_student = True
        self.coursedir.assignment_id = assignment
        before, execute, after = split_at_execute(self.autograde_preprocessors)
        self.writer = FilesWriter(parent=self, config=self.config)
        self.sanitizer = self._exporter(self.sanitize_preprocessors)
        self.pre_execution = self._exporter(before)
        self.post_execution = self._exporter(after)
        self.execute = execute if not isinstance(execute, type) else execute(parent=self)

    def _exporter(self, steps: list[Any]) -> Exporter:
        exporter = self.exporter_class(parent=self, config=self.config)
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
        sanitized = []
        for filename in self.notebooks:
            self._sanitizing = True
            self.exporter = self.sanitizer
            BaseConverter.convert_single_notebook(self, filename)
            sanitized.append(os.path.join(self.writer.build_directory, os.path.basename(filename)))
        self._sanitizing = False
        self.exporter = self.pre_execution
        prepared = []
        for filename in sanitized:
            resources = self.init_single_notebook_resources(filename)
            if self.exporter._preprocessors:  # the attribute nbgrader itself manages
                output, resources = self.exporter.from_filename(filename, resources=resources)
                nb = read_back(output)
            else:  # nothing before Execute (nbgrader's default): the file as nbgrader wrote it
                with open(filename, encoding="utf-8") as written:
                    nb = read_back(written.read())
                path, name = os.path.split(filename)
                resources["metadata"] = {"name": os.path.splitext(name)[0], "path": path}
            prepared.append(Prepared(resources["nbgrader"]["notebook"], nb, resources))
        return prepared

    @direct_copies()
    def finish(self, learner: str, executed: list[Prepared]) -> None:
        """nbgrader's steps after execution (grades, late penalties), then its permissions."""
        self.coursedir.student_id = learner
        self._sanitizing = False
        self.exporter = self.post_execution
        for item in executed:
            output, resources = self.exporter.from_notebook_node(item.nb, item.resources)
            self.write_single_notebook(output, resources)
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
