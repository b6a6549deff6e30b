"""What each Dask worker does for ``bdhvs grade --scheduler``: run notebook jobs in a warm zygote.

The grading process registers a :class:`GradingPlugin` on the cluster for the length of a run.
On every worker (and on every worker that joins or is restarted later) the plugin starts the
same zygote and execution pool the fork engine uses (:mod:`graders.grading.sandbox.pool`), with the
course's execution settings and this machine's own sandbox settings (:func:`localize`), so that each
notebook still costs one fork of a warm interpreter, not an interpreter start.

Each Dask task (:func:`run_notebook`) carries one notebook's code cells and the learner's other
files; it writes the files into a private folder of the worker, has the pool run the cells, and
returns the replies. Nothing on the worker needs the course folder or a shared filesystem.

Dask runs tasks in a pool of threads; the execution pool is not thread-safe, so one thread of
this module (:class:`NotebookRunner`) owns it and the task threads hand it their jobs. A pool
left without work for :data:`IDLE_SECONDS` stops its zygote and starts again when work comes,
so a grading process killed before it could unregister the plugin leaves nothing running long.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import os
import queue
import selectors
import shutil
import socket
import tempfile
import threading
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin, get_worker

from graders.common import answer_paths
from graders.grading.runners.forks import interpreter_paths
from graders.grading.sandbox import isolation
from graders.grading.sandbox.pool import ExecutionPool, Job, JobResult
from graders.grading.sandbox.submission_files import write_files

IDLE_SECONDS = 300.0
MACHINE_ENV = ("PATH", "PYTHONPATH")  # where this machine keeps its programs, not the course's


def worker_facts() -> dict[str, Any]:
    """What the grading process checks about each worker before it sends work."""
    return {"bdhvs": version("bdhvs"), "root": os.geteuid() == 0}


def localize(config: dict[str, Any], local_directory: Path) -> dict[str, Any]:
    """The course's execution settings (limits, timeouts, environment) with this machine's own
    sandbox settings: who runs the notebooks, where the interpreter is, what to hide."""
    isolate = os.geteuid() == 0
    user = isolation.sandbox_user() if isolate else None
    env = {k: v for k, v in config["env"].items() if k not in MACHINE_ENV}
    env.update({name: os.environ[name] for name in MACHINE_ENV if name in os.environ})
    zygote_env = dict(env, IPYTHONDIR=str(local_directory / "ipython"))
    if "HOME" in os.environ:
        zygote_env["HOME"] = os.environ["HOME"]
    # The course's paths are hidden too, for a worker on the machine that holds the course, and
    # so are the answer-bearing paths of this machine's own copy of the project.
    hide = [*config["hide"], *map(str, answer_paths.hidden()), str(local_directory)]
    return dict(
        config,
        isolate=isolate,
        user=asdict(user) if user else None,
        hide=hide,
        expose=[str(p) for p in interpreter_paths()],
        processes_before=isolation.processes_of(user.uid if user else os.getuid()),
        env=env,
        zygote_env=zygote_env,
    )


class _BelledPool(ExecutionPool):
    """An execution pool whose wait for replies a bell on another thread can cut short, so
    that a job handed over while others run starts at once."""

    _BELL = object()

    def start(self) -> None:
        super().start()
        self._bell_in, self._bell_out = socket.socketpair()
        self._bell_in.setblocking(False)
        self._bell_out.setblocking(False)
        self.selector.register(self._bell_in, selectors.EVENT_READ, self._BELL)

    def ring(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            self._bell_out.send(b"!")

    def _read(self, running: Any) -> bool:
        if running is self._BELL:
            with contextlib.suppress(BlockingIOError):
                while self._bell_in.recv(4096):
                    pass
            return False
        return super()._read(running)

    def close(self) -> None:
        super().close()
        self._bell_in.close()
        self._bell_out.close()


class NotebookRunner:
    """This worker's execution pool, run by one thread, fed by Dask's task threads."""

    def __init__(self, config: dict[str, Any], slots: int, folder: Path) -> None:
        self.config = config
        self.slots = slots
        self.folder = folder
        self.jobs = folder / "jobs"
        self.lock = threading.Lock()
        self.inbox: queue.Queue[tuple[Job, concurrent.futures.Future] | None] = queue.Queue()
        self.pool: _BelledPool | None = None
        self.thread: threading.Thread | None = None
        self.keys = itertools.count()
        self.stopped = False

    def start(self) -> None:
        """Start the zygote now, so that it is warm when the first notebook comes."""
        with self.lock:
            self._ensure_started()

    def _ensure_started(self) -> None:
        if self.stopped:
            raise RuntimeError("the grading run this worker served has ended")
        if self.thread is not None:
            return
        self.jobs.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.pool = _BelledPool(self.config, self.slots, self.folder / "engine.log")
        self.pool.start()
        self.thread = threading.Thread(target=self._serve, args=(self.pool,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop the pool and remove this runner's folder, without waiting for either."""
        with self.lock:
            self.stopped = True
            if self.pool is None:
                shutil.rmtree(self.folder, ignore_errors=True)
                return
            self.inbox.put(None)
            self.pool.ring()

    def run(self, files: list[tuple[str, bytes, int]], cells: list[dict[str, Any]]) -> dict:
        """Run one notebook's cells next to ``files``; its replies and how the run ended."""
        folder = Path(tempfile.mkdtemp(dir=self.jobs))
        try:
            write_files(folder / "files", files, (os.getuid(), os.getgid()))
            answer: concurrent.futures.Future[JobResult] = concurrent.futures.Future()
            with self.lock:
                self._ensure_started()
                assert self.pool is not None
                self.inbox.put((Job(next(self.keys), str(folder / "files"), cells), answer))
                self.pool.ring()
            result = answer.result()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return {"replies": result.replies, "end": result.end}

    def _serve(self, pool: _BelledPool) -> None:
        waiting: dict[Any, concurrent.futures.Future] = {}
        failure: BaseException = RuntimeError("the grading run this worker served has ended")
        try:
            while self._take(pool, waiting):
                for result in pool.poll():
                    waiting.pop(result.key).set_result(result)
        except BaseException as exc:  # the zygote did not start or died: fail these jobs
            failure = exc
            with self.lock:
                self._retire()
                for item in iter_queue(self.inbox):
                    if item is not None:
                        waiting[item[0].key] = item[1]
        finally:
            pool.close()
            for answer in waiting.values():  # none, unless stopped or failed with jobs running
                answer.set_exception(failure)
            if self.stopped:
                shutil.rmtree(self.folder, ignore_errors=True)

    def _take(self, pool: _BelledPool, waiting: dict[Any, concurrent.futures.Future]) -> bool:
        """Hand the jobs waiting in the inbox to the pool; False when it is time to stop.

        With nothing running, wait for a job, and stop after :data:`IDLE_SECONDS` without one.
        """
        first = []
        if not pool.busy:
            try:
                first.append(self.inbox.get(timeout=IDLE_SECONDS))
            except queue.Empty:
                with self.lock:
                    if self.inbox.empty():
                        self._retire()
                        return False
                return True
        for item in [*first, *iter_queue(self.inbox)]:
            if item is None:
                with self.lock:
                    self._retire()
                return False
            pool.submit(item[0])
            waiting[item[0].key] = item[1]
        return True

    def _retire(self) -> None:
        self.thread = None
        self.pool = None


def iter_queue(inbox: queue.Queue) -> list:
    """Everything in ``inbox`` now, without waiting."""
    items = []
    with contextlib.suppress(queue.Empty):
        while True:
            items.append(inbox.get_nowait())
    return items


class GradingPlugin(WorkerPlugin):
    """Gives each worker a :class:`NotebookRunner` for one ``bdhvs grade`` run."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.runner: NotebookRunner | None = None

    def setup(self, worker: Any) -> None:
        local = Path(worker.local_directory)
        folder = Path(tempfile.mkdtemp(prefix="bdhvs-", dir=local))
        config = localize(self.config, folder)
        self.runner = NotebookRunner(config, worker.state.nthreads, folder)
        self.runner.start()

    def teardown(self, worker: Any) -> None:
        if self.runner is not None:
            self.runner.stop()


def run_notebook(plugin: str, files: list[tuple[str, bytes, int]], cells: list[dict]) -> dict:
    """The Dask task: run one notebook's cells on this worker (see :class:`NotebookRunner`)."""
    grading = get_worker().plugins[plugin]
    assert isinstance(grading, GradingPlugin) and grading.runner is not None
    return grading.runner.run(files, cells)
