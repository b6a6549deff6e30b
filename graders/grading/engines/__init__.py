"""Grading engines: what runs a cohort's notebooks and writes nbgrader's grades.

An engine is one module of this package that assigns ``ENGINE``, a :class:`GradingEngine`, at its
top level; ``bdhvs grade --engine NAME`` finds it by its name, and lists it in its help, with
nothing to add anywhere else. The package's other modules are engines' parts (the Dask cluster's
client and workers): they are recognised by reading their source, so that listing the engines
never imports them, nor what they import.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from importlib.abc import SourceLoader
from typing import TYPE_CHECKING, ClassVar, Protocol

from graders.common.errors import BdhvsError

if TYPE_CHECKING:
    from graders.course.directory import Course
    from graders.grading.submission import Release

DEFAULT = "fork"
SCHEDULER_ALONE = (
    "--scheduler runs the fork engine on a Dask cluster, whose workers decide how "
    "many notebooks run at once: leave out --engine and --workers"
)


@dataclass
class Pending:
    """A learner to grade: their fingerprint and the flags their submission already earned."""

    learner: str
    fingerprint: str
    flags: list[str] = field(default_factory=list)
    forged: bool = False  # nbgrader metadata to set back before grading


@dataclass
class Finished:
    learner: str
    graded: bool
    flags: list[str]
    message: str = ""


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


class Runner(Protocol):
    def run(self, work: list[Pending], done: Callable[[Finished], None]) -> None:
        """Grade every pending learner, calling ``done`` as each one is finished."""


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


def _assigns_engine(module: str) -> bool:
    """Whether ``module``'s source assigns ``ENGINE`` at its top level, read without running it."""
    spec = importlib.util.find_spec(module)
    loader = spec.loader if spec else None
    source = loader.get_source(module) if isinstance(loader, SourceLoader) else None
    if not source:
        return False
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "ENGINE" for target in targets):
            return True
    return False


def engines() -> dict[str, GradingEngine]:
    """Every engine of this package by name, in the order of their modules' names."""
    found: dict[str, GradingEngine] = {}
    for info in pkgutil.iter_modules(__path__):
        module = f"{__name__}.{info.name}"
        if not info.ispkg and _assigns_engine(module):
            engine: GradingEngine = importlib.import_module(module).ENGINE
            found[engine.name] = engine
    return found


def engine_named(name: str) -> GradingEngine:
    """The engine called ``name``; a clear error naming the others if there is none."""
    known = engines()
    if name not in known:
        raise BdhvsError(f"unknown engine {name!r}; choose {' or '.join(known)}")
    return known[name]
