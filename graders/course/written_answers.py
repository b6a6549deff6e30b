"""Written answers typed into the answer box, put into their answer cell before nbgrader grades.

A learner on a phone cannot edit a markdown cell (Voilà shows it, nothing more), so an
assignment's written answer is typed into a box (:class:`curriculum.toolkit.written.WrittenAnswer`)
that saves it in the notebook's answer sheet, ``<notebook>.answers.json``, under the grade id of
the markdown cell that nbgrader grades by hand. :class:`WrittenAnswers`, the first step of the
course's ``Autograde.sanitize_preprocessors`` (``bdhvs course init`` writes it), adds that text
to the cell, after what the learner may have typed in the cell itself. Then formgrader, the
feedback and the exports see the answer as if it had been typed there, and nbgrader's own rule
still holds: a cell with no text added and none typed is unchanged, and scores 0.

The sheet is the learner's file, read as grading reads every such file
(:mod:`graders.common.learner_files`): a link is not followed, a pipe or a device is not opened,
nothing is read past :data:`~curriculum.toolkit.answers.ANSWERS_LIMIT`. A sheet that cannot be
used adds nothing, and the problem is logged (``nbgrader autograde`` shows it) and flagged by
``bdhvs grade`` for that learner. The text goes in as literal text: HTML and Markdown in it are
escaped, so it shows as written and cannot add markup or script to formgrader or the feedback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets.config import Config

from curriculum.toolkit.answers import ANSWERS_LIMIT, FORMAT, SUFFIX, WRITTEN_LIMIT
from graders.common.learner_files import Refused, load_json, read_capped, shown

STEP = "graders.course.written_answers.WrittenAnswers"
NOT_CONFIGURED = (
    "{config} does not add the written answers typed into the answer box (how a learner on a "
    "phone answers) to the cells nbgrader grades, so they would score 0: copy the "
    "c.Autograde.sanitize_preprocessors lines of a new `bdhvs course init` into it "
    "(docs/grading.md)"
)

# Characters that Markdown (or Jupyter's math) reads as markup anywhere in a line; those that
# do only at its start (headings, lists, rules, underlined headings); the dot of a numbered
# list; and those that would start HTML or an entity, written as entities.
_INLINE = re.compile(r"([\\`*_\[\](){}$|~!])")
_LINE_MARK = re.compile(r"^([#+=-])")
_NUMBERED = re.compile(r"^(\d+)\.")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


@dataclass
class Written:
    """The written answers of one sheet by grade id, and what kept any of them out."""

    texts: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def is_written(cell_type: str, nbgrader: Mapping[str, Any]) -> bool:
    """Whether a cell is an answer written in Markdown, which nbgrader leaves to the instructor."""
    return cell_type == "markdown" and bool(nbgrader.get("solution"))


def written_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """The written answer cells of ``nb``, by grade id."""
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if is_written(cell.cell_type, meta) and isinstance(grade_id, str):
            cells[grade_id] = cell
    return cells


def read_written(folder: Path, notebook: str, grade_ids: Iterable[str]) -> Written:
    """The texts saved for ``grade_ids`` in the sheet of ``notebook`` in ``folder``.

    Never raises on what the learner's file holds: a missing sheet is no text, anything else
    that cannot be used is a problem, in words for the instructor.
    """
    name = f"{notebook}{SUFFIX}"
    found = Written()
    try:
        document = load_json(read_capped(folder / name, ANSWERS_LIMIT), shown(name))
    except FileNotFoundError:
        return found
    except Refused as refused:
        found.problems.append(str(refused))
        return found
    except OSError as error:
        found.problems.append(f"{shown(name)} cannot be read ({error.strerror})")
        return found
    answers = _answers(document, notebook)
    if answers is None:
        found.problems.append(f"{shown(name)} is not the answer sheet of {shown(notebook)}.ipynb")
        return found
    for grade_id in grade_ids:
        entry = answers.get(grade_id)
        if entry is None or (isinstance(entry, dict) and entry.get("value") is None):
            continue
        value = entry.get("value") if isinstance(entry, dict) else None
        if not isinstance(value, str) or len(value) > WRITTEN_LIMIT:
            found.problems.append(
                f"{shown(name)}: the written answer {shown(grade_id)} is not text of at most "
                f"{WRITTEN_LIMIT} characters"
            )
        elif value.strip():
            found.texts[grade_id] = value
    return found


def _answers(document: Any, notebook: str) -> dict[str, Any] | None:
    """The answers of a sheet written for ``notebook``, or None when it is not one."""
    if not isinstance(document, dict):
        return None
    if document.get("format") != FORMAT or document.get("sheet") != notebook:
        return None
    answers = document.get("answers")
    return answers if isinstance(answers, dict) else None


def literal_markdown(text: str) -> str:
    """``text`` as Markdown that shows exactly that text: markup escaped, its lines kept (a
    blank line between paragraphs), no indentation that would make it a code block."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    escaped = [_escape_line(line) for line in lines]
    paragraphs: list[list[str]] = [[]]
    for line in escaped:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\\\n".join(group) for group in paragraphs if group)


def _escape_line(line: str) -> str:
    line = "".join(_ENTITIES.get(character, character) for character in _INLINE.sub(r"\\\1", line))
    return _NUMBERED.sub(r"\1\\.", _LINE_MARK.sub(r"\\\1", line))


class WrittenAnswers(NbGraderPreprocessor):
    """Add the written answers saved in the notebook's answer sheet to their answer cells."""

    def preprocess(
        self, nb: nbformat.NotebookNode, resources: dict[str, Any]
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        cells = written_cells(nb)
        metadata = resources.get("metadata") or {}
        folder, notebook = metadata.get("path"), metadata.get("name")
        if not cells or not folder or not notebook:
            return nb, resources
        written = read_written(Path(folder), notebook, cells)
        for problem in written.problems:
            self.log.warning("written answer not added: %s", problem)
        for grade_id, text in written.texts.items():
            cell = cells[grade_id]
            cell.source = f"{cell.source.rstrip()}\n\n{literal_markdown(text)}"
        return nb, resources


def configured(config: Config) -> bool:
    """Whether a course's configuration adds the written answers before grading (courses made
    before :class:`WrittenAnswers` existed do not)."""
    steps = config.Autograde.get("sanitize_preprocessors", []) if "Autograde" in config else []
    return any(step is WrittenAnswers or step == STEP for step in steps)
