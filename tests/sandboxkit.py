"""Run a check inside the grading sandbox's view of the machine, as its user, in a child."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graders.grading.sandbox.isolation import (
    CLONE_NEWNS,
    drop_privileges,
    private_filesystem,
    sandbox_user,
    unshare,
)


def in_sandbox(check: Callable[[], Any], hide=(), expose=(), size_mb: int = 8) -> Any:
    """Fork; in the child, set up the sandbox's view with ``hide`` and ``expose`` (paths),
    drop to its user and return what ``check()`` returns (JSON), or ``{"error": ...}``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_end)
            user = sandbox_user()
            unshare(CLONE_NEWNS)
            private_filesystem([Path(p) for p in hide], [Path(p) for p in expose], user, size_mb)
            drop_privileges(user)
            result = check()
        except BaseException as error:
            result = {"error": repr(error)}
        finally:
            with os.fdopen(write_end, "w") as channel:
                channel.write(json.dumps(result))
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as channel:
        data = channel.read()
    os.waitpid(pid, 0)
    return json.loads(data)
