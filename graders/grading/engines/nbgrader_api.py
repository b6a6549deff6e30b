"""The ``nbgrader`` grading engine: nbgrader's own API, one learner after the other.

Each notebook runs in a new kernel, as ``nbgrader autograde`` runs it. It is the reference the
fork engine matches, and the engine for what the fork engine cannot run: notebooks in another
language, or an ``Execute.timeout_func``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

from graders.grading.engines import GradingEngine, Options, Task
from graders.grading.runners import Finished, Pending, Runner


def _failure(result: dict) -> str:
    """The first error nbgrader logged, else the last line of its error."""
    log = result.get("log") or ""
    errors = [line for line in log.splitlines() if line.startswith("[ERROR]")]
    if errors:
        return errors[0].removeprefix("[ERROR]").strip()
    error = (result.get("error") or "nbgrader failed").strip().splitlines()
    return error[-1] if error else "nbgrader failed"


class NbgraderRunner:
    def __init__(self, task: Task) -> None:
        self.api = task.course.api()
        self.assignment = task.assignment

    def run(self, work: Iterable[Pending], done: Callable[[Finished], None]) -> None:
        for item in work:
            result = self.api.autograde(self.assignment, item.learner, force=True, create=True)
            message = "" if result["success"] else _failure(result)
            done(Finished(item.learner, result["success"], item.flags, message))


class Nbgrader(GradingEngine):
    name = "nbgrader"
    help = "nbgrader's own autograde, one kernel per notebook"

    @contextlib.contextmanager
    def open(self, task: Task, options: Options) -> Iterator[Runner]:
        yield NbgraderRunner(task)


ENGINE = Nbgrader()
