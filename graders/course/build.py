"""``bdhvs build``: check the sources, then let nbgrader generate the release versions.

Around nbgrader's own generation, two checks protect learners: a source folder may not hold
widget answer files (nbgrader would ship them, answers and all), and every code cell of a
release must still be valid Python once nbgrader has cut the solutions out. The release is then
given the learner's view (:mod:`graders.course.learner_view`): code collapsed where the learner
only taps.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from graders.common.errors import BdhvsError
from graders.course.directory import Course
from graders.course.learner_view import apply_learner_view
from graders.course.sources import scan_assignment


def build(course: Course, assignments: list[str] | None = None) -> list[str]:
    """Validate and release ``assignments`` (all when empty); return the ones built."""
    names = assignments or course.assignments()
    for name in names:
        course.require_assignment(name)
    problems = [p for name in names for p in scan_assignment(course.source_dir, name).problems]
    problems += [p for name in names for p in answer_files_in(course.source_dir / name)]
    if problems:
        raise BdhvsError(
            "the sources have problems, nothing was built:\n  " + "\n  ".join(problems)
        )
    api = course.api()
    for name in names:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            detail = result.get("log") or result.get("error") or ""
            raise BdhvsError(f"nbgrader could not generate {name}:\n{_last_lines(detail)}")
        broken = invalid_release_cells(course.release_dir / name)
        if broken:
            raise BdhvsError(
                f"the release of {name} has code cells that are not valid Python once the "
                "solutions are cut out (give each function a docstring before its solution):\n  "
                + "\n  ".join(broken)
            )
        for path in sorted((course.release_dir / name).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            if apply_learner_view(nb):
                nbformat.write(nb, path)
    return names


def answer_files_in(folder: Path) -> list[str]:
    return [
        f"{folder.name}/{path.name}: a widget answer file in the sources would be shipped to "
        "learners; delete it"
        for path in sorted(folder.glob("*.answers.json"))
    ]


def invalid_release_cells(folder: Path) -> list[str]:
    broken = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code" or cell.source.lstrip().startswith(("%", "!")):
                continue
            try:
                ast.parse(cell.source)
            except SyntaxError as error:
                cell_id = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {index}")
                broken.append(f"{path.name}, {cell_id}: {error.msg} (line {error.lineno})")
    return broken


def _last_lines(text: str, count: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-count:])
