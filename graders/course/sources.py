"""Read assignment sources: the graded items and the competences each gives evidence for.

Every graded cell of a source notebook carries, beside nbgrader's metadata, a ``bdhvs`` entry::

    "metadata": {
      "nbgrader": {"grade": true, "grade_id": "cau_1_kiem_tra", "points": 2, ...},
      "bdhvs": {"competences": ["4.2"], "step": 2}
    }

Reading and checking happen in one pass, so what ``bdhvs build`` validates is exactly what
``bdhvs records`` relies on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from curriculum.framework import Framework, load_framework
from graders.common.errors import BdhvsError
from graders.course.item_kinds import item_kinds

NBGRADER_SCHEMA_VERSION = 3


@dataclass(frozen=True)
class GradedItem:
    """One nbgrader grade cell (or task) of a source notebook, with its competence tags."""

    assignment: str
    notebook: str
    cell: str
    points: float
    competences: tuple[str, ...]
    step: int
    manual: bool
    kind: str = "code"
    """How the learner answers: one of :data:`graders.course.item_kinds.KINDS`."""


@dataclass
class SourceScan:
    items: list[GradedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def scan_notebook(path: Path, assignment: str, framework: Framework) -> SourceScan:
    """Graded items of one source notebook, and every problem found in it."""
    scan = SourceScan()
    where = f"{assignment}/{path.name}"
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises many types for unreadable files
        scan.problems.append(f"{where}: not a valid notebook ({exc.__class__.__name__}: {exc})")
        return scan
    seen: set[str] = set()
    kinds = item_kinds(nb)
    for index, cell in enumerate(nb.cells, start=1):
        meta = cell.metadata.get("nbgrader")
        tags = cell.metadata.get("bdhvs")
        if not meta:
            if tags is not None:
                scan.problems.append(
                    f"{where}, cell {index}: competence tags on a cell nbgrader does not grade"
                )
            continue
        cell_id = meta.get("grade_id")
        label = f"{where}, cell {index} ({cell_id or 'no grade_id'})"
        if meta.get("schema_version") != NBGRADER_SCHEMA_VERSION:
            scan.problems.append(
                f"{label}: nbgrader schema_version must be {NBGRADER_SCHEMA_VERSION}"
            )
        if not cell_id:
            scan.problems.append(f"{label}: nbgrader cell without a grade_id")
            continue
        if cell_id in seen:
            scan.problems.append(f"{label}: grade_id {cell_id!r} is used twice")
        seen.add(cell_id)
        graded = bool(meta.get("grade")) or bool(meta.get("task"))
        if not graded:
            if tags is not None:
                scan.problems.append(f"{label}: competence tags on a cell that is not graded")
            continue
        is_test = meta.get("grade") and not meta.get("solution") and not meta.get("task")
        if is_test and (cell.cell_type != "code" or not meta.get("locked")):
            scan.problems.append(f"{label}: a test cell must be a locked code cell")
        points = meta.get("points")
        if not isinstance(points, int | float) or isinstance(points, bool) or points <= 0:
            scan.problems.append(f"{label}: points must be a positive number, not {points!r}")
            continue
        item = _tagged_item(tags, label, scan.problems, framework)
        if item is None:
            continue
        competences, step = item
        scan.items.append(
            GradedItem(
                assignment=assignment,
                notebook=path.stem,
                cell=cell_id,
                points=float(points),
                competences=competences,
                step=step,
                manual=not is_test,
                kind=kinds.get(cell_id, "code"),
            )
        )
    if not scan.items and not scan.problems:
        scan.problems.append(f"{where}: no graded cell")
    return scan


def _tagged_item(
    tags: object, label: str, problems: list[str], framework: Framework
) -> tuple[tuple[str, ...], int] | None:
    if not isinstance(tags, dict):
        problems.append(f'{label}: graded cell without competence tags (metadata "bdhvs")')
        return None
    competences = tags.get("competences")
    step = tags.get("step")
    ok = True
    if not isinstance(competences, list) or not competences:
        problems.append(f"{label}: bdhvs.competences must be a non-empty list of competence ids")
        ok = False
    else:
        unknown = [c for c in competences if c not in framework.competences]
        if unknown:
            problems.append(
                f"{label}: competences not in the framework: {', '.join(map(str, unknown))}"
            )
            ok = False
    if not isinstance(step, int) or isinstance(step, bool) or not 1 <= step <= len(framework.steps):
        problems.append(
            f"{label}: bdhvs.step must be a whole number from 1 to {len(framework.steps)}"
        )
        ok = False
    return (tuple(competences), step) if ok else None


def scan_assignment(source_dir: Path, assignment: str) -> SourceScan:
    """Scan every notebook of one assignment's source folder."""
    framework = load_framework()
    folder = source_dir / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    scan = SourceScan()
    if not notebooks:
        scan.problems.append(f"{assignment}: no notebook in {folder}")
    for path in notebooks:
        found = scan_notebook(path, assignment, framework)
        scan.items.extend(found.items)
        scan.problems.extend(found.problems)
    return scan


def graded_items(source_dir: Path, assignments: list[str]) -> list[GradedItem]:
    """All graded items of these assignments; invalid sources are an error, never skipped."""
    items: list[GradedItem] = []
    problems: list[str] = []
    for assignment in assignments:
        scan = scan_assignment(source_dir, assignment)
        items.extend(scan.items)
        problems.extend(scan.problems)
    if problems:
        raise BdhvsError("invalid assignment sources:\n  " + "\n  ".join(problems))
    return items
