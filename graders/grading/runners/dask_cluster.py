"""``bdhvs grade --scheduler ADDRESS``: the fork engine with its notebooks run on a Dask cluster.

Everything but the execution of the notebooks stays in the grading process, exactly as in the
fork engine (:class:`graders.grading.engines.fork.ForkRunner`, which this engine extends): staging,
nbgrader's sanitizing pass, nbgrader's grading pass, the gradebook, the autograded notebooks,
the resume ledger. Only the execution pool is replaced by :class:`ClusterPool`, which sends each
notebook to the cluster as one Dask task: its code cells, the learner's other files and nothing
else. Each worker runs the task in its own warm zygote and sandbox
(:mod:`graders.grading.runners.dask_worker`) and returns the replies, which the grading process
writes
into the notebook as the fork engine does. So scores, flags and isolation are the fork engine's,
and workers need neither the course folder nor a shared filesystem; they need the ``bdhvs``
package, at the same version.

A worker that dies while it runs a notebook loses nothing: the scheduler runs the task again
elsewhere, and the grading process, which takes exactly one result per task, grades the learner
once. A task whose workers keep dying (Dask's ``distributed.scheduler.allowed-failures``, 3 by
default) is given up: that learner is reported as failed, nothing of theirs is written, and the
next run grades them again.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError
from importlib.metadata import version
from pathlib import Path
from typing import Any

import distributed
from distributed.comm.addressing import get_address_host_port
from distributed.scheduler import KilledWorker

from graders.common.errors import BdhvsError
from graders.course.directory import Course
from graders.grading.nbgrader_speed import shared_engines
from graders.grading.runners.dask_worker import GradingPlugin, run_notebook, worker_facts
from graders.grading.runners.forks import FILES_LIMIT, ForkRunner, pool_config, restrict_course
from graders.grading.sandbox.pool import Job, JobResult
from graders.grading.sandbox.submission_files import read_files
from graders.grading.submission import Release

WORKERS_WAIT = 60  # seconds to wait for a first worker to join a cluster that has none
IN_FLIGHT_PER_THREAD = 2  # notebooks sent per worker thread, so that no thread waits for work
TASK_RETRIES = 2  # retries of a task that failed on a worker (not of a dead worker's task)


def connect(address: str) -> distributed.Client:
    """A client of the scheduler at ``address``; a clear error if it cannot be reached.

    How long to try is Dask's ``distributed.comm.timeouts.connect`` (30 s unless configured).
    """
    try:
        get_address_host_port(address)  # a malformed address fails here, before any client
        client = distributed.Client(address, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise BdhvsError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        client.wait_for_workers(1, timeout=WORKERS_WAIT)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise BdhvsError(
            f"the Dask scheduler at {address} has no workers (waited {WORKERS_WAIT} s)"
        ) from exc
    return client


def check_workers(client: distributed.Client, say: Callable[[str], None]) -> int:
    """Check that every worker can grade as this machine does; return their threads in all."""
    try:
        facts: dict[str, dict[str, Any]] = client.run(worker_facts)
    except Exception as exc:  # a worker without bdhvs cannot even read the request
        raise BdhvsError(
            f"the Dask workers cannot run bdhvs ({type(exc).__name__}: {exc}); "
            "install the bdhvs package on every worker"
        ) from exc
    ours = version("bdhvs")
    other = sorted(f"{w} has {f['bdhvs']}" for w, f in facts.items() if f["bdhvs"] != ours)
    if other:
        raise BdhvsError(
            f"every Dask worker needs bdhvs {ours}, as here: {', '.join(other)}; "
            "the same version grades the same way"
        )
    unprivileged = sum(not f["root"] for f in facts.values())
    if unprivileged:
        say(
            f"note: {unprivileged} of {len(facts)} Dask workers are not running as root, "
            "so submissions there run with resource limits only "
            "(no separate user, network or filesystem isolation)"
        )
    return sum(client.nthreads().values())


class ClusterPool:
    """The execution pool's interface (:class:`graders.grading.sandbox.pool.ExecutionPool`) over
    Dask
    tasks."""

    def __init__(self, client: distributed.Client, plugin: str) -> None:
        self.client = client
        self.plugin = plugin
        self.pending: dict[distributed.Future, Any] = {}
        self.completed = distributed.as_completed(loop=client.loop)
        self.ready: list[JobResult] = []

    @property
    def busy(self) -> int:
        return len(self.pending) + len(self.ready)

    def started(self, wait: bool = False) -> bool:
        return True  # the workers warm up on their own

    def submit(self, job: Job) -> None:
        try:
            files = read_files(Path(job.files), FILES_LIMIT)
        except (OSError, ValueError) as exc:
            self.ready.append(JobResult(job.key, end={"reason": "error", "detail": str(exc)}))
            return
        future = self.client.submit(
            run_notebook,
            self.plugin,
            files,
            job.cells,
            key=f"bdhvs-notebook-{uuid.uuid4().hex}",
            pure=False,
            retries=TASK_RETRIES,
        )
        self.pending[future] = job.key
        self.completed.add(future)

    def poll(self) -> list[JobResult]:
        """Wait until some notebook is done, and return those that are."""
        if self.ready:
            done, self.ready = self.ready, []
            return done
        if not self.pending:
            return []
        return [self._result(future) for future in self.completed.next_batch(block=True)]

    def _result(self, future: distributed.Future) -> JobResult:
        key = self.pending.pop(future)
        try:
            payload = future.result()
        except KilledWorker:
            detail = "the Dask workers running it kept dying; it is left for the next run"
            return JobResult(key, end={"reason": "error", "detail": detail})
        except CancelledError as exc:
            raise BdhvsError(
                "lost the Dask scheduler; run the same command again to grade the rest"
            ) from exc
        except Exception as exc:  # raised on the worker, after Dask's retries
            detail = f"on the Dask cluster: {type(exc).__name__}: {exc}"
            return JobResult(key, end={"reason": "error", "detail": detail})
        return JobResult(key, payload["replies"], payload["end"])

    def close(self) -> None:
        self.client.cancel(list(self.pending))
        self.pending.clear()


class DaskRunner(ForkRunner):
    """The fork engine with :class:`ClusterPool` for its execution pool."""

    def __init__(
        self,
        course: Course,
        assignment: str,
        release: Release,
        scheduler: str,
        say: Callable[[str], None],
    ) -> None:
        super().__init__(course, assignment, release, 1, say)
        self.scheduler = scheduler

    def __enter__(self) -> DaskRunner:
        """Connect, check the workers and have each start its zygote."""
        self._open = contextlib.ExitStack()
        try:
            client = connect(self.scheduler)
            self._open.callback(client.close)
            threads = check_workers(client, self.say)
            # Notebooks in flight: enough to keep every worker thread busy (see ForkRunner.run).
            self.workers = IN_FLIGHT_PER_THREAD * threads
            config = pool_config(
                self.course, self.rules, self.state, self.course.db_url, self.release
            )
            if os.geteuid() == 0:
                restrict_course(self.course, self.say)
            name = f"bdhvs-grade-{uuid.uuid4().hex}"
            try:
                client.register_plugin(GradingPlugin(config), name=name)
            except Exception as exc:  # raised by a worker's set-up
                raise BdhvsError(f"the Dask workers could not start grading: {exc}") from exc
            self._open.callback(self._unregister, client, name)
            self.pool = ClusterPool(client, name)
            self._open.callback(self.pool.close)
            self.gradebooks = self._open.enter_context(shared_engines())
        except BaseException:
            self._open.close()
            raise
        return self

    @staticmethod
    def _unregister(client: distributed.Client, name: str) -> None:
        with contextlib.suppress(Exception):  # a lost scheduler forgets its plugins anyway
            client.unregister_worker_plugin(name)
