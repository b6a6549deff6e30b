"""The process that runs one notebook's code cells, one cell at a time, for its supervisor.

It is forked from the zygote with a pristine IPython shell already built, so it starts in
milliseconds. It enters the sandbox (see :mod:`graders.grading.sandbox.isolation`), then waits for
cells.
It never holds a cell before that cell runs, so code in one cell cannot read the hidden tests of
the next.

Each reply carries the cell's outputs and its *execution status*: whether IPython's
``run_cell`` ended in an error. The status comes from the shell's result object, not from the
outputs, so a learner who silences tracebacks still fails the test (nbgrader's ``Execute`` step
adds the error output in that case; the parent does the same).
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import os
import signal
import socket
import sys
from dataclasses import dataclass
from typing import Any, NoReturn

from IPython.core.interactiveshell import InteractiveShell

from graders.grading.sandbox import isolation, wire
from graders.grading.sandbox.capture import COLLECTOR, OutputStream
from graders.grading.sandbox.guards import Guard

# Taken when the zygote imports this module, before any learner code exists.
RUN_CELL = InteractiveShell.run_cell
REQUEST_LIMIT = 64 << 20
AUDITED = frozenset(
    {
        "sys.settrace",
        "sys.setprofile",
        "ctypes.addressof",
        "ctypes.cdata",
        "ctypes.PyObj_FromPtr",
        "ctypes.string_at",
        "ctypes.wstring_at",
    }
)
GUARDED_MODULES = (
    "IPython.core.interactiveshell",
    "IPython.core.displayhook",
    "IPython.core.displaypub",
    "IPython.core.ultratb",
    "graders.grading.sandbox.capture",
    "graders.grading.sandbox.guards",
    "graders.grading.sandbox.cellrunner",
    "graders.grading.sandbox.wire",
)


@dataclass
class _Running:
    in_cell: bool = False
    pid: int = 0


_RUNNING = _Running()


def _interrupt(signum: int, frame: Any) -> None:
    """An interrupt from the supervisor (a cell's time is up) stops learner code only."""
    if _RUNNING.in_cell:
        raise KeyboardInterrupt


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FdCapture:
    """What a cell wrote straight to file descriptors 1 and 2 (C code, child processes)."""

    def __init__(self, readers: dict[str, int]) -> None:
        self.readers = readers
        self.decoders = {name: codecs.getincrementaldecoder("utf-8")("replace") for name in readers}

    def drain(self) -> None:
        for stream in (sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        for name, fd in self.readers.items():
            data = os.read(fd, 1 << 20)
            while data:
                COLLECTOR.stream(name, self.decoders[name].decode(data))
                data = os.read(fd, 1 << 20)


def _enter_sandbox(setup: dict[str, Any], keep: list[int]) -> FdCapture:
    """Become the submission's process: own /proc, captured output, its folder, its user."""
    if setup["isolate"]:
        flags = isolation.MS_NOSUID | isolation.MS_NODEV
        isolation.mount("proc", "/proc", "proc", flags)
    readers = {}
    for fd, name, path in ((1, "stdout", setup["stdout"]), (2, "stderr", setup["stderr"])):
        writer = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        readers[name] = os.open(path, os.O_RDONLY)
        os.unlink(path)
        os.dup2(writer, fd)
        os.close(writer)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.chdir(setup["workdir"])
    os.environ.clear()
    os.environ.update(setup["env"])
    sys.path[0] = ""  # as in a kernel: the notebook's folder comes first
    sys.argv = [""]
    if setup["isolate"]:
        isolation.drop_privileges(isolation.SandboxUser(**setup["user"]))
    isolation.set_parent_death_signal(signal.SIGKILL)
    isolation.forbid_new_privileges()
    isolation.Limits(**setup["limits"]).apply(setup["processes_before"])
    _close_other_fds([0, 1, 2, *keep, *readers.values()])
    return FdCapture(readers)


def _close_other_fds(keep: list[int]) -> None:
    low = 3
    for fd in sorted(set(keep)):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 1 << 16)


def _install_audit(fd: int) -> None:
    """Report attempts to trace execution or poke at memory, in a way no cell can take back."""

    def hook(event: str, args: tuple) -> None:
        if event in AUDITED:
            with contextlib.suppress(OSError):
                os.write(fd, event.encode() + b"\n")

    sys.addaudithook(hook)


def _leftover_processes(isolate: bool) -> int:
    """Stop and count the processes a cell left behind.

    In the sandbox this process is the first of its PID namespace: every process the cell
    started, even a detached one, is its child and can be killed and reaped here.
    """
    if isolate:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
    count = 0
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if isolate else os.WNOHANG)
        except ChildProcessError:
            return count
        if pid == 0:
            return count + 1
        count += 1


def _run(shell: InteractiveShell, guard: Guard, fds: FdCapture, request: dict, isolate: bool):
    COLLECTOR.start_cell()
    guard.before_cell(request["kind"])
    count = shell.execution_count
    started = _now()
    error: BaseException | None = None
    _RUNNING.in_cell = True
    try:
        result = RUN_CELL(shell, request["code"], store_history=True)
        error = result.error_in_exec
        if result.error_before_exec is not None:
            error = result.error_before_exec
    except BaseException as exc:  # an interrupt that landed outside the cell's own code
        error = exc
    finally:
        _RUNNING.in_cell = False
    if os.getpid() != _RUNNING.pid:
        os._exit(0)  # a process the cell forked has come back here: it has nothing to do
    fds.drain()
    flags = guard.after_cell(request["kind"])
    leftovers = _leftover_processes(isolate)
    if leftovers:
        flags.append(f"left {leftovers} processes running")
    if len(sys._current_frames()) > 1:
        flags.append("started threads that kept running")
    status: dict[str, Any] = {"status": "ok"}
    if error is not None:
        status = {"status": "error", "ename": type(error).__name__, "evalue": _text(error)}
    return {
        "index": request["index"],
        "execution_count": count,
        "outputs": COLLECTOR.take(),
        "status": status,
        "flags": flags,
        "started": started,
        "finished": _now(),
        "cut": COLLECTOR.cut,
    }


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return "<exception that cannot be printed>"


def main(sock: socket.socket, audit_fd: int, shell: InteractiveShell) -> NoReturn:
    """Serve cells on ``sock`` until told to stop; the supervisor kills this process after."""
    try:
        setup = wire.recv(sock, REQUEST_LIMIT)
        fds = _enter_sandbox(setup, [sock.fileno(), audit_fd])
        COLLECTOR.remaining = setup["output_limit"]
        sys.stdout = OutputStream("stdout", 1)
        sys.stderr = OutputStream("stderr", 2)
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk quota fails the write only
        _RUNNING.pid = os.getpid()
        guard = Guard(shell, [sys.modules[name] for name in GUARDED_MODULES])
        _install_audit(audit_fd)
        while True:
            request = wire.recv(sock, REQUEST_LIMIT)
            if request is None or request.get("op") != "run":
                break
            wire.send(sock, _run(shell, guard, fds, request, setup["isolate"]))
    finally:
        os._exit(0)
