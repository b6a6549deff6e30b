"""``--engine fork``, the default: nbgrader's pipeline here, the notebooks run in sandboxed forks
of a warm interpreter (:mod:`graders.grading.runners.forks`); with ``--scheduler``, on a Dask
cluster instead (:mod:`graders.grading.runners.dask_cluster`), whose workers decide how many run
at once."""

from __future__ import annotations

import os

from graders.common.errors import BdhvsError
from graders.grading.engines import SCHEDULER_ALONE, GradingEngine, Options, Task
from graders.grading.runners import Runner


def default_workers() -> int:
    """Notebooks run at once unless told: one per core this process may use."""
    return len(os.sched_getaffinity(0))


class Fork(GradingEngine):
    name = "fork"
    help = "nbgrader's pipeline with sandboxed parallel execution"

    def check(self, options: Options) -> None:
        if options.scheduler is not None and options.workers is not None:
            raise BdhvsError(SCHEDULER_ALONE)

    def label(self, options: Options) -> str:
        return self.name if options.scheduler is None else "dask"

    def open(self, task: Task, options: Options) -> Runner:
        if options.scheduler is None:
            from graders.grading.runners.forks import ForkRunner

            workers = options.workers or default_workers()
            return ForkRunner(
                task.course, task.assignment, task.release, workers, task.say, task.early
            )
        try:  # Dask is an optional dependency, which only this variant needs
            from graders.grading.runners.dask_cluster import DaskRunner
        except ImportError as exc:
            raise BdhvsError(
                f"--scheduler needs Dask (pip install 'bdhvs[cluster]'): {exc}"
            ) from exc
        return DaskRunner(task.course, task.assignment, task.release, options.scheduler, task.say)


ENGINE = Fork()
