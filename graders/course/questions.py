"""Short labels of an assignment's questions, as the learner reads them.

A question of an assignment is a markdown cell headed ``## Câu 3 (2 điểm): Yếu tố "điều bạn
có"`` followed by its answer and test cells; the heading is what a learner or a manager
recognises, where a grade id (``cau_3_kiem_tra``) means nothing to them. Every nbgrader cell
takes the nearest level-two heading above it, without the points in brackets. A cell without
one, or of a source notebook that cannot be read, keeps its grade id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat

HEADING = re.compile(r"^##\s+(?P<text>[^#].*)$", re.MULTILINE)
POINTS = re.compile(r"\s*\([^)]*\b(?:điểm|points?)\b[^)]*\)")


def heading_label(source: str) -> str | None:
    """The first level-two heading of a markdown cell, without the points in brackets."""
    found = HEADING.search(source)
    if not found:
        return None
    text = POINTS.sub("", found["text"]).strip()
    return " ".join(text.replace("**", "").split()) or None


def cell_labels(cells: Iterable[Any]) -> dict[str, str]:
    """grade id -> the heading of its question, for the nbgrader cells of a notebook that have
    one above them."""
    labels: dict[str, str] = {}
    current = None
    for cell in cells:
        if cell.cell_type == "markdown":
            current = heading_label(cell.source) or current
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id and current:
            labels[grade_id] = current
    return labels


Key = tuple[str, str, str]  # assignment, notebook, grade id


def question_labels(source_dir: Path, notebooks: set[tuple[str, str]]) -> dict[Key, str]:
    """(assignment, notebook, grade id) -> the heading of its question, for the nbgrader cells
    of these (assignment, notebook) sources that have one."""
    labels: dict[Key, str] = {}
    for assignment, notebook in sorted(notebooks):
        try:
            nb = nbformat.read(source_dir / assignment / f"{notebook}.ipynb", as_version=4)
        except (OSError, ValueError):
            continue
        for grade_id, label in cell_labels(nb.cells).items():
            labels[(assignment, notebook, grade_id)] = label
    return labels


def question_of(labels: dict[Key, str], assignment: str, name: str) -> str:
    """The label of a question named ``notebook/grade id``, or by a widget's id (``cau_7``,
    whose cells are ``cau_7_dap_an`` and ``cau_7_kiem_tra``); the name itself when unknown."""
    cell = name.rsplit("/", 1)[-1]
    notebook = name.rsplit("/", 1)[0] if "/" in name else None
    for (a, nb, grade_id), label in labels.items():
        if a == assignment and notebook in (nb, None) and grade_id == cell:
            return label
    for (a, _, grade_id), label in labels.items():
        if a == assignment and grade_id.startswith(f"{cell}_"):
            return label
    return cell
