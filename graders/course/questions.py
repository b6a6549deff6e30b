"""Short labels of an assignment's questions, as the learner reads them.

A question of an assignment is a markdown cell headed ``## Câu 3 (2 điểm): Yếu tố "điều bạn
có"`` followed by its answer and test cells; the heading is what a learner or a manager
recognises, where a grade id (``cau_3_kiem_tra``) means nothing to them. Every nbgrader cell
takes the nearest level-two heading above it, without the points in brackets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

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
