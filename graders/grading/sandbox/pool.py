"""Run notebook jobs in the zygote's sandboxed processes, a few at a time, and collect results.

The grading parent submits :class:`Job` objects and polls for :class:`JobResult` objects. At most
``workers`` jobs run at once; the others wait in a queue. Each running job has its own socket to
its supervisor, which streams one message per cell and a final one. The parent keeps only the
messages of running jobs, each capped in size, so its memory does not grow with the cohort.

Each notebook has a wall-time limit, :func:`notebook_limit`, kept here in the parent where no
code of the notebook runs: at the limit its supervisor is killed (and with it the runner and
everything it started), the replies already received stand, and the job ends as ``overtime``,
so the tests not reached score zero. A supervisor that stops answering long after its cells
should all have timed out is killed too, and its job ends in an error.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graders.common.errors import BdhvsError
from graders.grading.sandbox import roles, wire
from graders.grading.sandbox.wire import FrameReader, WireError

READY_TIMEOUT = 120.0
SLACK_SECONDS = 60.0
STUCK = "the notebook's supervisor stopped answering"
NOTEBOOK_TIMEOUTS = 10  # cell timeouts a whole notebook may take


def notebook_limit(timeout: float, grace: float) -> float:
    """Seconds one notebook may run, from its start to its last reply: ten cell timeouts, and
    the grace a last interrupted cell gets to answer."""
    return NOTEBOOK_TIMEOUTS * timeout + grace


@dataclass
class Job:
    key: Any
    files: str  # folder holding the files the notebook may read
    cells: list[dict[str, Any]]  # index, code and kind of each code cell to run


@dataclass
class JobResult:
    key: Any
    replies: list[dict[str, Any]] = field(default_factory=list)
    end: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Running:
    job: Job
    sock: socket.socket
    pid: int
    deadline: float
    overtime: str  # how the job ends at the deadline: "" when that is the stuck-supervisor one
    reader: FrameReader
    result: JobResult


STARTUP_KEYS = ("isolate", "user", "preload", "preload_packages")


@dataclass
class Zygote:
    """A zygote process and its control socket, from its start until its pool is done with it.

    It is started with what its warm-up needs (:data:`STARTUP_KEYS` of the configuration),
    which it does while the grading process loads its own libraries; the rest of the
    configuration comes when its pool starts (:meth:`ExecutionPool.start`).
    """

    process: subprocess.Popen
    control: socket.socket
    env: dict[str, str]
    startup: dict[str, Any]

    def close(self) -> None:
        """End the zygote if it still runs (it holds no job before its pool starts)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.control.close()


def start_zygote(env: dict[str, str], startup: dict[str, Any], log_path: Path) -> Zygote:
    """Start a zygote with this environment and send it what its warm-up needs."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    package_root = Path(__file__).resolve().parents[3]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "graders.grading.sandbox.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            cwd=package_root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # a Ctrl-C at the terminal is for the parent only
        )
    theirs.close()
    ours.send(json.dumps(startup).encode())
    return Zygote(process, ours, dict(env), dict(startup))


class ExecutionPool:
    """A zygote and the jobs running in it: :meth:`start`, then :meth:`close` when done."""

    def __init__(self, config: dict[str, Any], workers: int, log_path: Path) -> None:
        self.config = config
        self.workers = workers
        self.log_path = log_path
        self.queue: deque[Job] = deque()
        self.running: dict[int, _Running] = {}
        self.selector = selectors.DefaultSelector()
        self.zygote: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.ready = False

    def start(self, early: Zygote | None = None) -> None:
        """Start the zygote, or take over ``early`` if it was started with this configuration;
        it warms up while the caller prepares the first jobs."""
        startup = {key: self.config[key] for key in STARTUP_KEYS}
        env = self.config["zygote_env"]
        usable = (
            early is not None
            and early.process.poll() is None
            and (early.env, early.startup) == (env, startup)
        )
        if early is not None and not usable:
            early.close()
        zygote = early if usable else start_zygote(env, startup, self.log_path)
        self.zygote, self.control = zygote.process, zygote.control
        self.control.send(json.dumps(self.config).encode())

    def started(self, wait: bool = False) -> bool:
        """Whether the zygote has finished starting up; with ``wait``, wait until it has.

        It starts up while the caller prepares the first jobs.
        """
        if self.ready:
            return True
        assert self.control is not None
        readable, _, _ = select.select([self.control], [], [], READY_TIMEOUT if wait else 0)
        if not readable and not wait:
            return False
        if not readable or not self.control.recv(1 << 16):
            raise BdhvsError(f"the grading processes did not start; see {self.log_path}")
        self.ready = True
        return True

    def close(self) -> None:
        for running in list(self.running.values()):
            self._kill(running)
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.zygote is not None:
            if not self.ready:
                self.zygote.kill()  # still starting up, with nothing to do
            try:
                self.zygote.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.zygote.kill()
                self.zygote.wait()
            self.zygote = None
        self.selector.close()

    @property
    def busy(self) -> int:
        """Jobs submitted and not yet returned by :meth:`poll`."""
        return len(self.queue) + len(self.running)

    def submit(self, job: Job) -> None:
        self.queue.append(job)

    def _start(self, job: Job) -> None:
        assert self.control is not None
        self.started(wait=True)
        ours, theirs = socket.socketpair()
        socket.send_fds(self.control, [roles.spawn_request(job.cells)], [theirs.fileno()])
        theirs.close()
        pid = json.loads(self.control.recv(1 << 16))["pid"]
        wire.send(ours, {"files": job.files, "cells": job.cells})
        ours.setblocking(False)
        timeout, grace = self.config["timeout"], self.config["grace"]
        stuck = SLACK_SECONDS + (timeout + grace) * len(job.cells)
        limit = notebook_limit(timeout, grace)
        overtime = f"stopped at the notebook's time limit of {limit:g} s" if limit < stuck else ""
        deadline = time.monotonic() + min(stuck, limit)
        reader = FrameReader(self.config["reply_limit"] + (1 << 20))
        running = _Running(job, ours, pid, deadline, overtime, reader, JobResult(job.key))
        self.running[ours.fileno()] = running
        self.selector.register(ours, selectors.EVENT_READ, running)

    def _fill(self) -> None:
        while self.queue and len(self.running) < self.workers:
            self._start(self.queue.popleft())

    def poll(self) -> list[JobResult]:
        """Start queued jobs on free workers; wait until some job is over, and return those."""
        self._fill()
        if not self.running:
            return []
        wait = max(0.0, min(r.deadline for r in self.running.values()) - time.monotonic())
        finished = []
        for key, _ in self.selector.select(wait):
            running: _Running = key.data
            if self._read(running):
                finished.append(self._finish(running))
        now = time.monotonic()
        for running in list(self.running.values()):
            if running.deadline < now:
                running.result.end = (
                    {"reason": "overtime", "exit": running.overtime}
                    if running.overtime
                    else {"reason": "error", "detail": STUCK}
                )
                self._kill(running)
                finished.append(running.result)
        self._fill()  # the freed workers start on the next jobs before the caller's work
        return finished

    def _read(self, running: _Running) -> bool:
        """Take what the supervisor sent; True once its job is over."""
        try:
            data = running.sock.recv(1 << 20)
        except BlockingIOError:
            return False
        except OSError:
            data = b""
        if not data:
            if not running.result.end:
                running.result.end = {"reason": "error", "detail": "the supervisor ended early"}
            return True
        try:
            messages = running.reader.feed(data)
        except WireError as exc:
            running.result.end = {"reason": "error", "detail": f"supervisor: {exc}"}
            return True
        for message in messages:
            if message.get("op") == "cell":
                running.result.replies.append(message)
            elif message.get("op") == "end":
                running.result.end = message
                return True
        return False

    def _finish(self, running: _Running) -> JobResult:
        self.selector.unregister(running.sock)
        del self.running[running.sock.fileno()]
        running.sock.close()
        return running.result

    def _kill(self, running: _Running) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(running.pid, signal.SIGKILL)
        self._finish(running)
