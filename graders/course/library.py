"""Which code of the learner library (the ``curriculum`` package) an assignment runs.

An assignment's hidden tests and model answers may import the library, for example a module's
search simulation; its grades then depend on that code as much as on the notebooks. The modules
are found by reading, never running: the import statements of the notebooks' code cells and of
every library module they reach, followed transitively, each name resolved on ``sys.path`` as
the grading kernels resolve it. Parent packages count too, since importing a module runs their
``__init__.py``.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Iterator
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path

import nbformat

LIBRARY = "curriculum"


def parse_code(source: str) -> ast.Module | None:
    """The syntax tree of ``source``, with IPython's ``%magic`` and ``!shell`` lines left out."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None  # a cell that does not run cannot import or build anything either


def imported_names(tree: ast.Module, package: str) -> Iterator[str]:
    """Every dotted name ``tree`` imports, or may import (``from a import b`` may be ``a.b``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: ``from . import x`` in package ``a.b`` is ``a.b.x``
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def _in_library(name: str) -> bool:
    return name == LIBRARY or name.startswith(LIBRARY + ".")


def _find(name: str) -> ModuleSpec | None:
    """Where ``name`` would be imported from, found without importing anything."""
    spec = None
    for depth in range(1, name.count(".") + 2):
        path = None if spec is None else spec.submodule_search_locations
        if depth > 1 and path is None:
            return None  # the parent is a module, not a package: the name is an attribute
        spec = PathFinder.find_spec(".".join(name.split(".")[:depth]), path)
        if spec is None:
            return None
    return spec


def _notebook_trees(notebook: Path) -> Iterator[ast.Module]:
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code" and (tree := parse_code(cell.source)) is not None:
            yield tree


def library_modules(folder: Path) -> dict[str, Path]:
    """The library modules the notebooks and Python files under ``folder`` import, by name.

    Followed transitively through the modules' own imports, parent packages included. A name
    that does not resolve (an attribute such as ``curriculum.toolkit.questions.SingleChoice``,
    or a module that no longer exists) adds nothing.
    """
    trees = [
        tree for notebook in sorted(folder.rglob("*.ipynb")) for tree in _notebook_trees(notebook)
    ]
    for script in sorted(folder.rglob("*.py")):
        if (tree := parse_code(script.read_text(encoding="utf-8"))) is not None:
            trees.append(tree)
    found: dict[str, Path] = {}
    pending = [name for tree in trees for name in imported_names(tree, "")]
    while pending:
        name = pending.pop()
        if not _in_library(name) or name in found:
            continue
        spec = _find(name)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        found[name] = Path(spec.origin)
        pending.extend(_parents(name))
        if (tree := parse_code(found[name].read_text(encoding="utf-8"))) is not None:
            package = (
                name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
            )
            pending.extend(imported_names(tree, package))
    return dict(sorted(found.items()))


def _parents(name: str) -> Iterable[str]:
    parts = name.split(".")
    return (".".join(parts[:depth]) for depth in range(1, len(parts)))


def library_digest(folder: Path) -> bytes:
    """A digest of the names and contents of the library modules ``folder`` imports."""
    digest = hashlib.sha256()
    for name, path in library_modules(folder).items():
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()
