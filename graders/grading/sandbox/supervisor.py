"""The trusted process that runs one notebook job: it sets up the sandbox and feeds the cells.

Forked from the zygote, it first forks the cell runner (so the runner's memory holds no cell of
the job), then receives the job from the grading parent, builds the runner's private folder and
filesystem view, and sends the code cells one at a time. It times each cell as nbgrader's
``Execute`` step does: when a cell runs past the timeout, the runner is interrupted (the cell
ends in ``KeyboardInterrupt``) and gets the configured grace period to answer; a runner that
does not answer in time is killed with everything it started, and the rest of the notebook is
not run. Every reply is forwarded to the parent as it comes.

Replies come from a process that runs learner code, so they are checked: one reply per cell,
for that cell, well formed. Anything else is reported as tampering and ends the job.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import socket
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

from graders.grading.sandbox import cellrunner, isolation, wire
from graders.grading.sandbox.wire import FrameReader, WireError

JOB_LIMIT = 256 << 20
WORKDIR = "/tmp/work"
STATUS_KEYS = {"index", "execution_count", "outputs", "status", "flags", "started", "finished"}


class RunnerGone(Exception):
    """The runner ended, or (``tampered``) sent what no honest runner sends."""

    def __init__(self, detail: str, *, tampered: bool = False) -> None:
        super().__init__(detail)
        self.tampered = tampered


def describe_exit(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"killed by signal {signal.Signals(number).name}"
    return f"exited with code {os.WEXITSTATUS(status)}"


def read_files(folder: Path, limit: int) -> list[tuple[str, bytes, int]]:
    """Regular files under ``folder`` except notebooks (those are graded, never handed over).

    Symbolic links are not followed and not copied; the total size is limited.
    """
    files = []
    total = 0
    for directory, subdirs, names in os.walk(folder):
        subdirs[:] = [d for d in subdirs if not os.path.islink(os.path.join(directory, d))]
        for name in names:
            path = os.path.join(directory, name)
            if name.endswith(".ipynb") or os.path.islink(path) or not os.path.isfile(path):
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(limit - total + 1)
            total += len(data)
            if total > limit:
                raise ValueError(f"the submission's files are over {limit >> 20} MiB")
            mode = os.stat(path).st_mode & 0o755
            files.append((os.path.relpath(path, folder), data, mode))
    return files


def write_files(workdir: Path, files: list[tuple[str, bytes, int]], owner: tuple[int, int]):
    """The private copy: a folder only ``owner`` can enter, holding only these files."""
    workdir.mkdir(mode=0o700)
    for relative, data, mode in files:
        target = workdir / relative
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.write_bytes(data)
        os.chmod(target, mode | 0o600)
    for directory, _, names in os.walk(workdir):
        os.chown(directory, *owner)
        for name in names:
            os.chown(os.path.join(directory, name), *owner)


class Supervisor:
    def __init__(self, channel: socket.socket, config: dict[str, Any]) -> None:
        self.channel = channel
        self.config = config
        self.isolate = config["isolate"]
        self.runner_pid = 0
        self.runner_sock: socket.socket | None = None
        self.audit_fd = -1
        self.reader = FrameReader(config["reply_limit"])
        self.audit_open = True
        self.scratch: Path | None = None

    def start_runner(self, shell: Any) -> None:
        if self.isolate:
            isolation.unshare(isolation.NAMESPACES)
        mine, theirs = socket.socketpair()
        audit_read, audit_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            self.channel.close()
            mine.close()
            os.close(audit_read)
            if not self.isolate:
                os.setsid()
            cellrunner.main(theirs, audit_write, shell)
        theirs.close()
        os.close(audit_write)
        os.set_blocking(audit_read, False)
        mine.setblocking(False)
        self.runner_pid, self.runner_sock, self.audit_fd = pid, mine, audit_read

    def prepare(self, job: dict[str, Any]) -> dict[str, Any]:
        """Build the runner's folder (and, as root, its filesystem view); return its setup."""
        config = self.config
        files = read_files(Path(job["files"]), config["files_limit"])
        if self.isolate:
            hide = [Path(p) for p in config["hide"]]
            expose = [Path(p) for p in config["expose"]]
            user = isolation.SandboxUser(**config["user"])
            isolation.private_filesystem(hide, expose, user, config["tmp_size_mb"])
            workdir, owner = Path(WORKDIR), (user.uid, user.gid)
            captures = Path("/tmp")
        else:
            captures = self.scratch = Path(tempfile.mkdtemp(prefix="bdhvs-run-"))
            workdir, owner = captures / "work", (os.getuid(), os.getgid())
        write_files(workdir, files, owner)
        env = dict(config["env"], HOME=str(workdir))
        cpu_seconds = int(config["timeout"] * len(job["cells"])) + 30
        limits = dict(config["limits"], cpu_seconds=cpu_seconds)
        return {
            "isolate": self.isolate,
            "workdir": str(workdir),
            "stdout": str(captures / ".stdout"),
            "stderr": str(captures / ".stderr"),
            "env": env,
            "user": config["user"],
            "limits": limits,
            "processes_before": config["processes_before"],
            "output_limit": config["output_limit"],
        }

    def send_runner(self, message: dict[str, Any]) -> None:
        assert self.runner_sock is not None
        self.runner_sock.setblocking(True)
        try:
            wire.send(self.runner_sock, message)
        except OSError as exc:
            raise RunnerGone("the notebook's process is gone") from exc
        finally:
            self.runner_sock.setblocking(False)

    def await_reply(self, seconds: float | None) -> dict[str, Any] | None:
        """The runner's next message, or None when ``seconds`` pass first."""
        assert self.runner_sock is not None
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([self.runner_sock], [], [], remaining)
            if not readable:
                return None
            try:
                data = self.runner_sock.recv(1 << 20)
            except BlockingIOError:
                continue
            if not data:
                raise RunnerGone("the notebook's process ended")
            try:
                messages = self.reader.feed(data)
            except WireError as exc:
                raise RunnerGone(f"garbled reply: {exc}", tampered=True) from exc
            if len(messages) > 1 or (messages and self.reader.partial):
                raise RunnerGone("more than one reply to one cell", tampered=True)
            if messages:
                return messages[0]

    def audit_events(self) -> list[str]:
        if not self.audit_open:
            return []
        data = b""
        while True:
            try:
                chunk = os.read(self.audit_fd, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                self.audit_open = False
                break
            data += chunk
        return sorted(set(data.decode("utf-8", "replace").split()))

    def run_cells(self, cells: list[dict[str, Any]]) -> dict[str, Any]:
        """Feed every cell; forward each reply; return how the run ended."""
        timeout = self.config["timeout"]
        for cell in cells:
            index = cell["index"]
            self.send_runner({"op": "run", **cell})
            reply = self.await_reply(timeout)
            timed_out = reply is None
            if timed_out:
                self.interrupt()
                reply = self.await_reply(self.config["grace"])
                if reply is None:
                    return {"reason": "unresponsive", "index": index}
            if not isinstance(reply, dict) or reply.get("index") != index:
                raise RunnerGone("a reply for another cell", tampered=True)
            if not set(reply) >= STATUS_KEYS or not isinstance(reply["flags"], list):
                raise RunnerGone("a reply with missing fields", tampered=True)
            flags = reply["flags"]
            audit = self.audit_events()
            if not self.audit_open:
                flags = [*flags, "closed the grader's audit channel"]
            # What this process knows comes last, so that no field of a reply can override it.
            message = {**reply, "flags": flags, "op": "cell", "timed_out": timed_out}
            wire.send(self.channel, {**message, "audit": audit})
        if self.await_reply(0) is not None:
            raise RunnerGone("a reply nobody asked for", tampered=True)
        return {"reason": "complete"}

    def interrupt(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.runner_pid, signal.SIGINT)

    def stop_runner(self) -> str:
        """Kill the runner and everything it started; describe how it had ended.

        As root the runner is the first process of its PID namespace, and the kernel kills
        the whole namespace with it; otherwise its process group goes too.
        """
        if not self.isolate:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.runner_pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.runner_pid, signal.SIGKILL)
        _, status = os.waitpid(self.runner_pid, 0)
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        return describe_exit(status)


def supervise(channel: socket.socket, config: dict[str, Any], shell: Any) -> NoReturn:
    """Run one job for the parent on ``channel``, then exit. ``shell`` is the pristine shell."""
    code = 0
    try:
        isolation.set_parent_death_signal(signal.SIGKILL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        supervisor = Supervisor(channel, config)
        end: dict[str, Any] = {"reason": "error"}
        try:
            supervisor.start_runner(shell)
            job = wire.recv(channel, JOB_LIMIT)
            supervisor.send_runner(supervisor.prepare(job))
            end = supervisor.run_cells(job["cells"])
        except RunnerGone as exc:
            end = {"reason": "tampered" if exc.tampered else "died", "detail": str(exc)}
        except Exception as exc:
            traceback.print_exc()  # into the engine's log
            end = {"reason": "error", "detail": f"{type(exc).__name__}: {exc}"}
        if supervisor.runner_pid:
            end["exit"] = supervisor.stop_runner()
        wire.send(channel, {"op": "end", **end})
    except BaseException:
        code = 1
    finally:
        os._exit(code)
