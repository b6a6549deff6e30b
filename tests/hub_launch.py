"""Start JupyterHub in a mount namespace of its own, where the interpreter is reachable.

Test machines often keep Python under a folder closed to other accounts (``/root/.pyenv``); a
real deployment installs it where every account can run it (deploy/README.md). Here the hub,
and every server it spawns, sees those folders opened up to show only the interpreter, the
virtual environment, this repository and the hub folder (graders.grading.sandbox.isolation does the
mounting);
/tmp, /var/tmp, /dev/shm and the machine's other shared writable folders are private to the hub;
the rest stays writable. Nothing changes outside the namespace.

    python hub_launch.py HUB_ROOT -- JUPYTERHUB_ARGS...
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from graders.grading.sandbox.isolation import CLONE_NEWNS, private_filesystem, sandbox_user, unshare

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    hub_root, separator, *hub_args = sys.argv[1:]
    assert separator == "--", "usage: hub_launch.py HUB_ROOT -- JUPYTERHUB_ARGS..."
    unshare(CLONE_NEWNS)
    expose = [Path(sys.base_prefix), Path(sys.prefix), REPO, Path(hub_root)]
    private_filesystem(
        hide=[], expose=expose, user=sandbox_user(), tmp_size_mb=1024, host_writable=True
    )
    os.execv(sys.executable, [sys.executable, "-m", "jupyterhub", *hub_args])


if __name__ == "__main__":
    main()
