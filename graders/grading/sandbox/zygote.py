"""The zygote: a warm interpreter that forks one supervisor per notebook job.

Starting a kernel costs nbgrader seconds per notebook. The zygote pays the start-up once: it
imports IPython and the usual libraries and builds a pristine IPython shell, with the first
message on its control socket (``SOCK_SEQPACKET``), which its start sends. It then waits for
the whole configuration, which comes when its pool starts, works out what IPython derives from
the text of the release's code cells (:mod:`graders.grading.sandbox.known_cells`), and waits for
requests. Each request
carries one end of a fresh socket pair, and whether the job needs a separate judge
(:mod:`graders.grading.sandbox.roles`); the zygote forks a supervisor
(:mod:`graders.grading.sandbox.supervisor`) that serves the job on it.
Forking copies the warm state in milliseconds, and every job starts from the same pristine shell.

The zygote never runs learner code and never holds a job, so nothing of one submission can
reach another through it. It dies with the grading process.

Run as ``python -m graders.grading.sandbox.zygote FD`` by
:func:`graders.grading.sandbox.pool.start_zygote`.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pkgutil
import signal
import socket
import sys

from IPython.core.interactiveshell import InteractiveShell

from graders.grading.sandbox import (
    capture,
    isolation,
    known_cells,
    roles,
    silent_widgets,
    supervisor,
)

MESSAGE_LIMIT = 1 << 20


def preload(names: list[str], packages: list[str]) -> None:
    """Import what submissions commonly use, and every module of ``packages`` (the library the
    course's notebooks are built from), so that each job finds them loaded."""
    for name in names + packages:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    for package in packages:
        path = getattr(sys.modules.get(package), "__path__", None)
        if path is None:
            continue
        for module in pkgutil.walk_packages(path, f"{package}.", onerror=lambda name: None):
            with contextlib.suppress(Exception):
                importlib.import_module(module.name)


def warm_up(shell: InteractiveShell) -> None:
    """Format one traceback, so that every job finds IPython's traceback machinery loaded.

    A failed test is a traceback, and the first one costs IPython a fifth of a second.
    """
    try:
        exec(compile("assert False", "<warm-up>", "exec"), {})
    except AssertionError:
        shell.InteractiveTB.structured_traceback(*sys.exc_info())


def serve(control: socket.socket) -> None:
    startup = json.loads(control.recv(MESSAGE_LIMIT))  # what the warm-up needs, sent at once
    shell = capture.make_shell()  # first, as in a kernel, where libraries find the shell running
    silent_widgets.install()
    preload(startup["preload"], startup["preload_packages"])
    warm_up(shell)
    if startup["isolate"]:
        isolation.writable_dirs(isolation.SandboxUser(**startup["user"]))  # once, for every job
    message = control.recv(MESSAGE_LIMIT)  # the whole configuration, once its pool starts
    if not message:  # the grading process ended first
        return
    config = json.loads(message)
    known_cells.remember(shell, config["released_code"])
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished supervisors
    # Out of the collector's reach, the warm objects are never written to by a job's collections,
    # so its processes share their pages with the zygote instead of copying them.
    gc.freeze()
    control.send(b'{"ready": true}')
    while True:
        message, fds, _, _ = socket.recv_fds(control, MESSAGE_LIMIT, 1)
        if not message or len(fds) != 1:
            return
        pid = os.fork()
        if pid == 0:
            control.close()
            judge = roles.needs_separate_judge(message)
            supervisor.supervise(socket.socket(fileno=fds[0]), config, shell, judge)
        os.close(fds[0])
        control.send(json.dumps({"pid": pid}).encode())


def main() -> None:
    isolation.set_parent_death_signal(signal.SIGKILL)
    control = socket.socket(fileno=int(sys.argv[1]))
    try:
        serve(control)
    finally:
        control.close()


if __name__ == "__main__":
    main()
