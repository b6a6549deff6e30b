"""A learner's way through their path: the modules in order, where each one's lesson and
assignment are for this learner, what is done and what comes next.

The same notebooks are laid out differently wherever a learner works, so nothing here assumes
one layout; the learner's copies are looked for in the folders above the notebook in use:

- Binder and ``make lab``: ``curriculum/`` (lessons) and ``bai_tap/<id>/<id>.ipynb`` (the
  released assignments) side by side in the server's root;
- the training hub: ``curriculum/`` copied into the learner's home, and each assignment in
  ``<id>/<id>.ipynb`` where nbgrader's fetch puts it. An assignment not fetched yet is fetched
  from the exchange as soon as it is asked for, so the learner's tap opens it.

"Done" means handed in from here (:func:`curriculum.toolkit.progress.record_handin`); a
self-check without a hand-in is "checked". Nothing here is a grade: grades come from grading.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from curriculum.addresses import START_PAGE
from curriculum.framework import LearningPath, load_framework
from curriculum.modules import Module, load_modules
from curriculum.toolkit.answers import SUFFIX
from curriculum.toolkit.exchange import (
    exchange_course,
    fetch_feedback_from_exchange,
    fetch_from_exchange,
)
from curriculum.toolkit.progress import handins, latest_checks, store_path

__all__ = [
    "DEFAULT_PATH",
    "START_PAGE",
    "ModuleStep",
    "chosen_path",
    "choose_path",
    "find_assignment",
    "find_feedback",
    "find_start_page",
    "journey",
    "next_step",
]

DEFAULT_PATH = "officials"  # the movement's first target group
PATH_VARIABLE = "BDHVS_PATH"  # a deployment may set its learners' path
RELEASES = "bai_tap"
LEVELS_UP = 6  # how far above the notebook in use the learner's folders are looked for
NOTEBOOK_LIMIT = 16 << 20  # a file this big is not one of the course's notebooks

HANDED_IN, CHECKED, STARTED, NOT_STARTED = "handed_in", "checked", "started", "not_started"


@dataclass(frozen=True)
class ModuleStep:
    """One module of the learner's path, as it stands for this learner."""

    number: int
    module: Module
    lesson: Path | None
    assignment: Path | None
    state: str
    feedback: Path | None = None

    @property
    def done(self) -> bool:
        return self.state == HANDED_IN


def _choice_file() -> Path:
    return store_path().with_name("path.json")


def chosen_path() -> LearningPath:
    """The learner's path: their own choice, else the deployment's, else officials'."""
    framework = load_framework()
    known = {path.id for path in framework.paths}
    try:
        choice = json.loads(_choice_file().read_text(encoding="utf-8")).get("path")
    except (OSError, ValueError, AttributeError):
        choice = None
    for candidate in (choice, os.environ.get(PATH_VARIABLE), DEFAULT_PATH):
        if candidate in known:
            return framework.path(candidate)
    raise ValueError(f"no learning path {DEFAULT_PATH!r} in paths.json")


def choose_path(path_id: str) -> LearningPath:
    """Remember the learner's choice of path (one of ``paths.json``)."""
    path = load_framework().path(path_id)
    target = _choice_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"path": path.id}), encoding="utf-8")
    return path


def _ancestors(start: Path) -> Iterator[Path]:
    folder = start.resolve()
    for _ in range(LEVELS_UP):
        yield folder
        if folder.parent == folder:
            return
        folder = folder.parent


def _is_assignment(path: Path) -> bool:
    """A released assignment holds nbgrader cells; a lesson of the same name does not."""
    try:
        if not path.is_file() or path.stat().st_size > NOTEBOOK_LIMIT:
            return False
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return False
    return any(
        isinstance(cell, dict) and "nbgrader" in (cell.get("metadata") or {}) for cell in cells
    )


def find_assignment(assignment: str, start: Path, fetch: bool = True) -> Path | None:
    """The learner's copy of ``assignment``'s notebook, seen from the folder ``start``.

    On the hub an assignment released but not fetched yet is fetched into the home folder
    first (unless ``fetch`` is false); one not released yet is None.
    """
    name = f"{assignment}.ipynb"
    for folder in _ancestors(start):
        for candidate in (folder / RELEASES / assignment / name, folder / assignment / name):
            if _is_assignment(candidate):
                return candidate
    course = exchange_course()
    if fetch and course is not None:
        try:
            fetched = fetch_from_exchange(assignment, course, Path.home())
        except Exception:  # nbgrader's exchange fails in many ways; the learner sees "not yet"
            return None
        if fetched is not None and _is_assignment(fetched / name):
            return fetched / name
    return None


def _find_lesson(module: Module, start: Path) -> Path | None:
    relative = Path(module.lesson)  # curriculum/modules/<id>/<id>.ipynb
    for folder in _ancestors(start):
        for candidate in (folder / relative, folder / relative.relative_to("curriculum")):
            if candidate.is_file():
                return candidate
    return None


def find_start_page(start: Path) -> Path | None:
    """The learner's start page, seen from the folder ``start``."""
    for folder in _ancestors(start):
        for candidate in (folder / START_PAGE, folder / "curriculum" / START_PAGE):
            if candidate.is_file():
                return candidate
    return None


def journey(start: Path, path: LearningPath | None = None, fetch: bool = True) -> list[ModuleStep]:
    """The modules of the learner's path in order, each with its lesson, assignment and state."""
    path = path or chosen_path()
    modules = {module.id: module for module in load_modules()}
    handed_in, checked = handins(), latest_checks()
    steps = []
    for number, module_id in enumerate(path.modules, start=1):
        module = modules[module_id]
        assignment = find_assignment(module.assignment, start, fetch=fetch)
        if module.assignment in handed_in:
            state = HANDED_IN
        elif module.assignment in checked:
            state = CHECKED
        elif assignment is not None and _has_answers(assignment, module.assignment):
            state = STARTED
        else:
            state = NOT_STARTED
        feedback = find_feedback(assignment, fetch=fetch) if state == HANDED_IN else None
        lesson = _find_lesson(module, start)
        steps.append(ModuleStep(number, module, lesson, assignment, state, feedback))
    return steps


def find_feedback(notebook: Path | None, fetch: bool = True) -> Path | None:
    """The newest feedback page the learner received for the assignment of ``notebook``
    (``<folder>/feedback/<time>/<notebook>.html``, where nbgrader puts it); on the hub, feedback
    released since is fetched first (unless ``fetch`` is false)."""
    if notebook is None:
        return None
    course = exchange_course()
    if fetch and course is not None:
        # None released yet, or the exchange is away: the start page then shows no link.
        with contextlib.suppress(Exception):
            fetch_feedback_from_exchange(notebook.parent.name, course, notebook.parent.parent)
    pages = sorted(notebook.parent.glob(f"feedback/*/{notebook.stem}.html"))
    return pages[-1] if pages else None


def _has_answers(notebook: Path, assignment: str) -> bool:
    return (notebook.parent / f"{assignment}{SUFFIX}").exists()


def next_step(steps: list[ModuleStep]) -> ModuleStep | None:
    """The first module not handed in yet: the one the start page points the learner to."""
    return next((step for step in steps if not step.done), None)
