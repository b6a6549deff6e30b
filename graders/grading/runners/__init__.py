"""Runners: what executes a cohort's notebooks for an engine, in sandboxed forks on this machine
(:mod:`.forks`) or on a Dask cluster (:mod:`.dask_cluster`, whose workers run :mod:`.dask_worker`).

What a runner is handed and hands back is here, shared by every engine and runner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


def state_dir(course_root: Path, assignment: str) -> Path:
    """Where grading an assignment keeps its own files: the done records, the engine's log."""
    return course_root / ".bdhvs" / "grade" / assignment


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


class Runner(Protocol):
    def run(self, work: Iterable[Pending], done: Callable[[Finished], None]) -> None:
        """Grade every pending learner, calling ``done`` as each one is finished; ``work`` is
        read as learners are needed."""
