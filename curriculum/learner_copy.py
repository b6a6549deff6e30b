"""A learner's own copy of the start page and the lessons, in their home folder on the hub.

Lessons keep what a learner does in them, so each learner needs their own copy, made when
their server first starts; a learner's copy is never replaced. Only the notebooks are copied:
the code they run is the installed package's. This module imports only the
curriculum's addresses, because the server imports it at every start.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from curriculum.addresses import START_PAGE

__all__ = ["START_PAGE", "give_lessons"]

PACKAGE = Path(__file__).resolve().parent


def give_lessons(home: Path) -> Path:
    """Copy the start page and every module's lesson into ``home/curriculum``, unless there."""
    target = home / "curriculum"
    if target.exists():
        return target
    scratch = home / ".curriculum.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    shutil.copyfile(PACKAGE / START_PAGE, scratch / START_PAGE)
    for description in sorted(PACKAGE.glob("modules/*/module.json")):
        lesson = description.parent / f"{description.parent.name}.ipynb"
        copy = scratch / lesson.relative_to(PACKAGE)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lesson, copy)
    scratch.rename(target)  # whole or not at all: a server stopped mid-copy copies again
    return target
