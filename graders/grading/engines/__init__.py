"""Grading engines: what runs a cohort's notebooks and writes nbgrader's grades.

Every module of this package is one engine: it assigns ``ENGINE``, a :class:`GradingEngine`, at
its top level; ``bdhvs grade --engine NAME`` finds it by its name, and lists it in its help, with
nothing to add anywhere else. Every ``bdhvs`` command lists the engines, so an engine's module
stays light: it imports what does the work (:mod:`graders.grading.runners`) when it is opened.
"""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from graders.common.errors import BdhvsError

if TYPE_CHECKING:
    from graders.course.directory import Course
    from graders.grading.runners import Runner
    from graders.grading.sandbox.pool import Zygote
    from graders.grading.submission import Release

DEFAULT = "fork"
SCHEDULER_ALONE = (
    "--scheduler runs the fork engine on a Dask cluster, whose workers decide how "
    "many notebooks run at once: leave out --engine and --workers"
)


@dataclass(frozen=True)
class Options:
    """How ``bdhvs grade`` was asked to run; each engine takes what applies to it."""

    workers: int | None = None  # --workers: notebooks run at once on this machine
    scheduler: str | None = None  # --scheduler: the address of a Dask scheduler


@dataclass(frozen=True)
class Task:
    """One assignment to grade: what an engine needs to start."""

    course: Course
    assignment: str
    release: Release
    say: Callable[[str], None]  # the few lines meant for the instructor
    early: Zygote | None = None  # a zygote the command started for the fork engine to take over


class GradingEngine(ABC):
    """What ``bdhvs grade`` asks of an engine.

    :meth:`check` runs before anything else, so that options an engine cannot honour are an
    error even when no learner needs grading; :meth:`open` runs only when some learner does.
    """

    name: ClassVar[str]  # the value of --engine
    help: ClassVar[str]  # one line in ``bdhvs grade --help``

    def check(self, options: Options) -> None:
        """Refuse options this engine cannot honour; only the fork engine runs on a cluster."""
        if options.scheduler is not None:
            raise BdhvsError(SCHEDULER_ALONE)

    def label(self, options: Options) -> str:
        """The engine's name in the summary line, which says how the work was done."""
        return self.name

    @abstractmethod
    def open(self, task: Task, options: Options) -> AbstractContextManager[Runner]:
        """Start the engine; it may start at once, so that it warms up while submissions are
        inspected, and stops when the ``with`` block ends."""


def engines() -> dict[str, GradingEngine]:
    """Every engine of this package by name, in the order of their modules' names."""
    found: dict[str, GradingEngine] = {}
    for info in pkgutil.iter_modules(__path__):
        module = f"{__name__}.{info.name}"
        engine: GradingEngine = importlib.import_module(module).ENGINE
        found[engine.name] = engine
    return found


def engine_named(name: str) -> GradingEngine:
    """The engine called ``name``; a clear error naming the others if there is none."""
    known = engines()
    if name not in known:
        raise BdhvsError(f"unknown engine {name!r}; choose {' or '.join(known)}")
    return known[name]
