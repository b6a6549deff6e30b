"""The warm process: imports a user's server once, then forks one ready process per server.

A server's start spends most of its CPU importing Jupyter Server, JupyterLab, Notebook 7, Voilà,
nbgrader and their dependencies (seconds on a busy 2-core machine); every server imports the
same code. This process, root's and started by the hub (graders/hub/warm.py), imports that code
once; each server is a fork of it, sharing the imported pages copy-on-write.

    python -I -m graders.hub.zygote SOCKET

Requests come only through ``SOCKET``, a Unix socket in a folder only root may enter, and only
from root (the peer's credentials are checked). Each connection is forked at once; the fork
reads the request (one JSON line: the server's arguments, its environment and its
:class:`~graders.hub.identity.UserIdentity`) and answers with its process id. So the warm
process never holds a user's request (nor the API token in it) for a later fork to inherit. The
fork, before it reads anything a user controls (configuration, the user's files), starts a
session of its own, closes every inherited descriptor but stdout and stderr (the hub's log),
takes /dev/null as stdin, becomes the user (groups, group, user, limits, priority, umask,
working folder), takes only the environment the hub gave, and runs the single-user server's
entry point. Its initial environment block (``/proc/PID/environ``) and command line stay the
warm process's, which hold nothing of the hub's. This process reaps every child it
forked, so none is left a zombie and the hub's check by process id stays true. It ends with the
hub (``PR_SET_PDEATHSIG``); the servers it started do not.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import signal
import socket
import struct
import sys
import threading
import traceback

from graders.hub.identity import UserIdentity

# What a server imports before it listens (measured with ``python -X importtime``), for every
# role: the hub's single-user extension, the server, and the extensions deploy/jupyter enables.
WARM_MODULES = (
    "jupyterhub.singleuser.extension",
    "jupyter_server.serverapp",
    "jupyter_server.services.contents.largefilemanager",
    "jupyterlab.labapp",
    "jupyterlab_server",
    "notebook.app",
    "notebook_shim.shim",
    "voila.server_extension",
    "voila.app",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "nbformat.validator",
    "graders.hub.exchange",
    "curriculum.learner_copy",
)
PR_SET_PDEATHSIG = 1
MAX_REQUEST_BYTES = 1 << 20
SO_PEERCRED_FORMAT = "3i"  # pid, uid, gid


def warm_up() -> None:
    """Import every module a server needs, then keep the collector off the imported objects
    (``gc.freeze``), so forks do not dirty the shared pages by collecting them."""
    for name in WARM_MODULES:
        importlib.import_module(name)
    gc.freeze()


def reap(_signum: int = 0, _frame: object = None) -> None:
    """Collect every child that has ended (servers), so none stays a zombie."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def peer_uid(connection: socket.socket) -> int:
    credentials = connection.getsockopt(
        socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize(SO_PEERCRED_FORMAT)
    )
    return struct.unpack(SO_PEERCRED_FORMAT, credentials)[1]


def read_request(connection: socket.socket) -> dict:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST_BYTES:
            raise ValueError("request too large")
    return json.loads(data)


def become_server(connection: socket.socket) -> None:
    """In the fork: read the hub's request, answer with this process's id, leave everything of
    the warm process behind, become the user, run the server. Never returns.

    The request (its environment holds the user's API token) is read here, never in the warm
    process, so no fork ever carries another user's request in its memory."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()
        request = read_request(connection)
        connection.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        UserIdentity.from_json(request["identity"]).apply()
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [str(a) for a in request["argv"]]
        from jupyterhub.singleuser.extension import main

        main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(path: str) -> None:
    """Fork one process per request of the hub's, until the hub ends. The warm process reads
    nothing of a request: the fork does."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    listener.listen(128)
    while True:
        connection, _ = listener.accept()
        with connection:
            if peer_uid(connection) != os.getuid():
                continue
            if threading.active_count() != 1:  # forking with threads could copy held locks
                continue
            if os.fork() == 0:
                become_server(connection)


def main() -> None:
    (path,) = sys.argv[1:]
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the hub ended before the line above
        return
    signal.signal(signal.SIGCHLD, reap)
    warm_up()
    serve(path)


if __name__ == "__main__":
    main()
