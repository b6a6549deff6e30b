"""Check a learner's submission folder, and stage a clean copy of it for grading.

Both work on a folder that :func:`graders.common.learner_files.survey` accepted: no special
files, no hard links, nothing over the caps. Notebooks and files are read through that
module, so nothing here blocks or reads past a cap.

Checking finds what would otherwise end in a traceback (unreadable notebooks, an empty folder)
and what a learner changed that they should not have: deleted or edited locked cells, nbgrader
metadata that differs from the release (a test turned into an answer cell, other points, another
checksum), cells claiming grade ids the assignment does not have, symbolic links, and an
answer file whose written answers cannot be used (grading then adds none of them).

Staging copies the submission to where the fork engine's nbgrader reads it: regular files only
(a symbolic link could make nbgrader copy the course's hidden tests next to the learner's code),
with every cell's nbgrader metadata set back to the release's. nbgrader then restores locked
cells itself, as it always does. An honest submission is copied byte for byte.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from graders.common.learner_files import cap_of, read_capped, read_notebook, shown
from graders.course.written_answers import is_written, read_written

CANONICAL_KEYS = ("grade", "solution", "locked", "task", "points", "grade_id", "schema_version")


@dataclass(frozen=True)
class ReleasedCell:
    cell_type: str
    source: str
    nbgrader: dict[str, Any]

    @property
    def locked(self) -> bool:
        meta = self.nbgrader
        return not meta.get("solution") and bool(meta.get("locked") or meta.get("grade"))


Release = dict[str, dict[str, ReleasedCell]]  # notebook name -> grade id -> cell


def load_release(folder: Path) -> Release:
    """The nbgrader cells of every released notebook of an assignment, by grade id."""
    release: Release = {}
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = {}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if meta and meta.get("grade_id"):
                cells[meta["grade_id"]] = ReleasedCell(cell.cell_type, cell.source, dict(meta))
        release[path.stem] = cells
    return release


def written_ids(cells: dict[str, ReleasedCell]) -> list[str]:
    """The grade ids of a released notebook's written answer cells."""
    return [
        grade_id for grade_id, cell in cells.items() if is_written(cell.cell_type, cell.nbgrader)
    ]


@dataclass
class Inspection:
    flags: list[str] = field(default_factory=list)
    error: str = ""
    forged: bool = False  # some nbgrader metadata must be set back before grading


def symbolic_links(folder: Path) -> list[str]:
    links = []
    for directory, subdirs, names in os.walk(folder):
        for name in subdirs + names:
            path = Path(directory, name)
            if path.is_symlink():
                links.append(shown(str(path.relative_to(folder))))
    return sorted(links)


def inspect_submission(folder: Path, release: Release) -> Inspection:
    """Flags for a submission, and an error message when it cannot be graded at all.

    ``folder`` is one that :func:`graders.common.learner_files.survey` accepted.
    """
    found = Inspection()
    present_files = sorted(shown(p.name) for p in folder.iterdir())
    if not present_files:
        found.error = "the submission folder is empty"
        return found
    links = symbolic_links(folder)
    if links:
        found.flags.append(f"symbolic links not followed: {', '.join(links)}")
    notebooks = {name: folder / f"{name}.ipynb" for name in release}
    regular = {name: path for name, path in notebooks.items() if _regular_file(path)}
    if not regular:
        wanted = ", ".join(f"{name}.ipynb" for name in release)
        found.error = f"no notebook of the assignment ({wanted}); found: {', '.join(present_files)}"
        linked = [p.name for p in notebooks.values() if p.is_symlink()]
        if linked:
            found.error += f" ({', '.join(linked)}: symbolic link, not followed)"
        return found
    extra = sorted(shown(p.name) for p in folder.glob("*.ipynb") if p.stem not in release)
    if extra:
        found.flags.append(f"notebooks not in the assignment, not graded: {', '.join(extra)}")
    for name, cells in release.items():
        if name not in regular:
            link = " (a symbolic link, not followed)" if notebooks[name].is_symlink() else ""
            found.flags.append(f"missing notebook {name}.ipynb{link} (scored zero)")
            continue
        nb, error = read_notebook(regular[name])
        if error:
            found.error = error
            return found
        flags, forged = compare_cells(nb, cells)
        found.flags += [f"{name}.ipynb: {flag}" for flag in flags]
        found.forged = found.forged or forged
        written = written_ids(cells)
        if written:
            problems = read_written(folder, name, written).problems
            found.flags += [f"{name}.ipynb: written answer not graded: {p}" for p in problems]
    return found


def _regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def compare_cells(
    nb: nbformat.NotebookNode, released: dict[str, ReleasedCell]
) -> tuple[list[str], bool]:
    """What the learner changed in the cells nbgrader grades or locks, and whether any of it
    is nbgrader metadata (which :func:`repair_metadata` sets back)."""
    seen, edited, forged, unknown = set(), [], [], []
    for cell, meta, grade_id, original in _nbgrader_cells(nb, released):
        if original is None:
            unknown.append(str(grade_id))
            continue
        seen.add(grade_id)
        if _metadata_differs(meta, original) or cell.cell_type != original.cell_type:
            forged.append(grade_id)
        elif original.locked and _joined(cell.source) != original.source:
            edited.append(grade_id)
    graded = {g for g, c in released.items() if c.nbgrader.get("grade") or c.nbgrader.get("task")}
    flags = []
    deleted = sorted(graded - seen)
    if deleted:
        flags.append(f"deleted graded cells restored for grading: {', '.join(deleted)}")
    if edited:
        flags.append(f"edited locked cells restored for grading: {', '.join(edited)}")
    if forged:
        flags.append(f"changed nbgrader metadata set back for grading: {', '.join(forged)}")
    if unknown:
        flags.append(f"cells with grade ids not in the assignment: {', '.join(unknown)}")
    return flags, bool(forged or unknown)


def _nbgrader_cells(
    nb: nbformat.NotebookNode, released: dict[str, ReleasedCell]
) -> Iterator[tuple[nbformat.NotebookNode, Any, Any, ReleasedCell | None]]:
    """Each cell with nbgrader metadata: the cell, its metadata, its grade id and the released
    cell of that id (None when the id is not the assignment's)."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        original = released.get(grade_id) if isinstance(grade_id, str) else None
        yield cell, meta, grade_id, original


def _joined(source: str | list[str]) -> str:
    """A cell's source as one string (a notebook file may store it as a list of lines)."""
    return source if isinstance(source, str) else "".join(source)


def _metadata_differs(meta: dict[str, Any], original: ReleasedCell) -> bool:
    keys = (*CANONICAL_KEYS, "checksum")
    return any(meta.get(key) != original.nbgrader.get(key) for key in keys)


def repair_metadata(nb: nbformat.NotebookNode, released: dict[str, ReleasedCell]) -> bool:
    """Set nbgrader metadata back to the release's; drop it from cells with unknown ids.

    Returns whether anything changed.
    """
    changed = False
    for cell, meta, _, original in _nbgrader_cells(nb, released):
        if original is None:
            del cell.metadata["nbgrader"]
            changed = True
        elif _metadata_differs(meta, original):
            cell.metadata["nbgrader"] = dict(original.nbgrader)
            changed = True
    return changed


def stage_submission(folder: Path, target: Path, release: Release | None) -> None:
    """Copy ``folder`` to ``target`` for nbgrader: regular files only, and, given the
    ``release``, the assignment's notebooks with their nbgrader metadata set back.

    Links and special files are left out unopened; a hard link or a file over its cap
    (:func:`graders.common.learner_files.cap_of`) raises ``Refused`` before it is copied.
    """
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for directory, subdirs, names in os.walk(folder):
        here = Path(directory)
        subdirs[:] = [d for d in subdirs if not (here / d).is_symlink()]
        destination = target / here.relative_to(folder)
        destination.mkdir(exist_ok=True)
        for name in names:
            relative = os.path.relpath(here / name, folder)
            if not stat.S_ISREG(os.lstat(here / name).st_mode):
                continue
            data = read_capped(here / name, cap_of(relative), relative)
            stem = Path(name).stem
            if release and here == folder and name.endswith(".ipynb") and stem in release:
                data = _repaired(data, release[stem])
            (destination / name).write_bytes(data)


def _repaired(data: bytes, released: dict[str, ReleasedCell]) -> bytes:
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception:  # nbformat raises many types; the inspection reported unreadable files
        return data
    return nbformat.writes(nb).encode("utf-8") if repair_metadata(nb, released) else data
