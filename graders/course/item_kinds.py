"""How a learner answers each graded item: in an app, by choosing, typing, writing, or in code.

An answer cell that builds a question of the learner library (``cau_3 = MultipleChoice(...)``)
is answered through that widget; each question class says which kind it is in its ``kind``
attribute, so a new question type or app needs no change here. A test cell is of the kind of
the questions it checks (the names it reads that an answer cell binds to a question); a test
cell that checks no question checks code the learner wrote. Manually graded markdown cells are
written answers.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator

import nbformat

from graders.course.library import LIBRARY, parse_code

KINDS = ("app", "choice", "typed", "written", "code")
"""Every kind, from the one that shows doing most directly to code."""


def library_imports(nb: nbformat.NotebookNode) -> dict[str, tuple[str, str]]:
    """Local name -> (module, name) for every ``from curriculum... import name`` of the notebook."""
    found: dict[str, tuple[str, str]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or (tree := parse_code(cell.source)) is None:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and not node.level
                and (node.module or "").split(".")[0] == LIBRARY
            ):
                for alias in node.names:
                    found[alias.asname or alias.name] = (node.module or "", alias.name)
    return found


def _kind_of(module: str, name: str) -> str | None:
    """The ``kind`` a library class declares, or None for anything that is not a question."""
    try:
        value = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    kind = getattr(value, "kind", None) if isinstance(value, type) else None
    return kind if kind in KINDS else None


def bound_questions(
    tree: ast.Module, imports: dict[str, tuple[str, str]]
) -> Iterator[tuple[str, str]]:
    """(variable, kind) for each ``variable = QuestionClass(...)`` in ``tree``."""
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in imports
        ):
            continue
        kind = _kind_of(*imports[node.value.func.id])
        if kind is None:
            continue
        for target in node.targets:
            if isinstance(target, ast.Name):
                yield target.id, kind


def item_kinds(nb: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> kind for every graded cell of a source notebook."""
    imports = library_imports(nb)
    questions: dict[str, str] = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and (tree := parse_code(cell.source)):
            questions.update(bound_questions(tree, imports))
    kinds: dict[str, str] = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not grade_id or not (meta.get("grade") or meta.get("task")):
            continue
        if cell.cell_type == "markdown" or meta.get("task"):
            kinds[grade_id] = "written"
        elif meta.get("solution"):
            kinds[grade_id] = "code"
        else:
            tree = parse_code(cell.source)
            read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} if tree else set()
            found = {questions[name] for name in read if name in questions}
            kinds[grade_id] = min(found, key=KINDS.index) if found else "code"
    return kinds
