"""The process that runs one notebook's code cells, one cell at a time, for its supervisor.

It is forked from the zygote with a pristine IPython shell already built, so it starts in
milliseconds. It enters the sandbox (see :mod:`graders.grading.sandbox.isolation`), then waits for
cells. It plays one of two roles, which its setup names:

- ``learner``: it runs the learner's cells and the course's locked cells, never a test. Between
  cells it answers the judge's questions about the learner's names (:func:`_answer`): a copy of
  a value as plain data, or the result of calling a learner's function with plain data.
- ``judge``: it runs the course's cells, the released version of each answer cell and the test
  cells; no learner code ever runs in it. Before each cell, the learner names the cell reads
  are bound to copies fetched from the learner's process (:mod:`graders.grading.sandbox.
  learner_names`). A test's verdict is its run here.

Each reply carries the cell's outputs and its *execution status*: whether IPython's
``run_cell`` ended in an error. The status comes from the shell's result object, not from the
outputs, so a test cell that raised fails whatever it displayed (nbgrader's ``Execute`` step
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
import types
from dataclasses import dataclass
from typing import Any, NoReturn

from IPython.core.interactiveshell import InteractiveShell

from graders.grading.sandbox import isolation, plain, wire
from graders.grading.sandbox.capture import COLLECTOR, OutputStream
from graders.grading.sandbox.guards import Guard
from graders.grading.sandbox.learner_names import LearnerLink, LearnerNames

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
    if setup["isolate"] and setup["own_pids"]:
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
    if setup["role"] == "learner":
        sys.path[0] = ""  # as in a kernel: the notebook's folder comes first
    else:
        del sys.path[0]  # nothing in the judge's folder can be imported
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


class Role:
    """What this process does with each request: a learner's run or the judge's."""

    def __init__(self, shell: InteractiveShell, fds: FdCapture, setup: dict[str, Any]) -> None:
        self.shell = shell
        self.fds = fds
        # Leftover processes are killed where this process is the first of its PID namespace.
        self.isolate = setup["isolate"] and setup["own_pids"]

    def before(self, request: dict[str, Any]) -> None:
        """Get ready to run a cell."""

    def after(self, request: dict[str, Any]) -> list[str]:
        """What running the cell revealed, as flags."""
        return []

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        shell = self.shell
        COLLECTOR.start_cell()
        if isinstance(request.get("count"), int):
            shell.execution_count = request["count"]
        self.before(request)
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
        _forked_child_returns()
        self.fds.drain()
        flags = self.after(request)
        leftovers = _leftover_processes(self.isolate)
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


class LearnerRole(Role):
    """Runs the learner's cells under the guard, and answers the judge between cells."""

    def __init__(self, shell: InteractiveShell, fds: FdCapture, setup: dict[str, Any]) -> None:
        super().__init__(shell, fds, setup)
        self.guard = Guard(shell, [sys.modules[name] for name in GUARDED_MODULES])

    def before(self, request: dict[str, Any]) -> None:
        self.guard.before_cell()

    def after(self, request: dict[str, Any]) -> list[str]:
        return self.guard.after_cell(request["kind"])

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """The judge's question about the learner's names: ``fetch`` or ``call``."""
        namespace = self.shell.user_ns
        if request.get("op") == "fetch":
            names = [n for n in request.get("names", []) if isinstance(n, str) and n in namespace]
            return {"op": "answer", "values": {n: _describe(namespace[n]) for n in names}}
        COLLECTOR.start_cell()
        reply: dict[str, Any] = {"op": "answer"}
        _RUNNING.in_cell = True
        try:
            function = namespace[request["name"]]
            args, kwargs = plain.decode(request["args"])
            reply.update(_describe_result(function(*args, **kwargs)))
        except BaseException as exc:
            reply["raised"] = {
                "types": [c.__name__ for c in type(exc).__mro__],
                "message": _text(exc),
            }
        finally:
            _RUNNING.in_cell = False
        _forked_child_returns()
        self.fds.drain()
        _leftover_processes(self.isolate)
        reply["streams"] = [o for o in COLLECTOR.take() if o["output_type"] == "stream"]
        return reply


class JudgeRole(Role):
    """Runs trusted code only; the learner's names it reads are copies from the learner."""

    def __init__(
        self, shell: InteractiveShell, fds: FdCapture, setup: dict[str, Any], link: LearnerLink
    ) -> None:
        super().__init__(shell, fds, setup)
        self.link = link
        self.names = LearnerNames(shell, link if setup.get("learner") else None)

    def before(self, request: dict[str, Any]) -> None:
        self.link.flags = []
        for name, text in request.get("sheets", {}).items():
            _write_sheet(name, text)
        self.names.bind_for(request["code"])
        if self.names.link is not None:
            self.names.note_namespace()

    def after(self, request: dict[str, Any]) -> list[str]:
        if request["kind"] == "answer" and self.names.link is not None:
            self.names.keep_questions_only()
        return self.link.flags


def _write_sheet(name: str, text: str) -> None:
    """The learner's answer file as their process last left it, into the judge's folder."""
    if "/" in name or name.startswith(".") or not name.endswith(".answers.json"):
        return
    with open(name, "w", encoding="utf-8") as handle:
        handle.write(text)


def _describe(value: Any) -> dict[str, Any]:
    """How a learner's name reaches the judge: plain data, a function to call, or neither."""
    if isinstance(value, types.ModuleType):
        return {"module": value.__name__}
    if callable(value):
        return {"callable": True}
    return _describe_result(value)


def _describe_result(value: Any) -> dict[str, Any]:
    try:
        return {"value": plain.encode(value)}
    except plain.NotPlainData:
        return {"opaque": type(value).__name__}


def _forked_child_returns() -> None:
    if os.getpid() != _RUNNING.pid:
        os._exit(0)  # a process the cell forked has come back here: it has nothing to do


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return "<exception that cannot be printed>"


def main(
    sock: socket.socket, audit_fd: int, shell: InteractiveShell, setup: dict[str, Any] | None = None
) -> NoReturn:
    """Serve cells on ``sock`` until told to stop; the supervisor kills this process after.

    The learner receives its ``setup`` on ``sock``; the judge's is built by its supervisor.
    """
    try:
        if setup is None:
            setup = wire.recv(sock, REQUEST_LIMIT)
        keep = [sock.fileno()] + ([audit_fd] if audit_fd >= 0 else [])
        fds = _enter_sandbox(setup, keep)
        COLLECTOR.remaining = setup["output_limit"]
        sys.stdout = OutputStream("stdout", 1)
        sys.stderr = OutputStream("stderr", 2)
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk quota fails the write only
        _RUNNING.pid = os.getpid()
        if setup["role"] == "learner":
            role: Role = LearnerRole(shell, fds, setup)
            _install_audit(audit_fd)
        else:
            role = JudgeRole(shell, fds, setup, LearnerLink(sock, REQUEST_LIMIT))
        while True:
            request = wire.recv(sock, REQUEST_LIMIT)
            op = request.get("op") if isinstance(request, dict) else None
            if op == "run":
                wire.send(sock, role.run(request))
            elif op in ("fetch", "call") and isinstance(role, LearnerRole):
                wire.send(sock, role.answer(request))
            elif op == "answer" and isinstance(role, JudgeRole):
                continue  # for a question an interrupt already ended
            else:
                break
    finally:
        os._exit(0)
