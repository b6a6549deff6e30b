"""The hub's side of warm starts: one warm process (graders/hub/zygote.py) per hub, asked to
fork each user's server.

The warm process is started at the first warm start and ends with the hub. Its socket lies in a
fresh folder only root may enter (0700), so no user, and no user's server, can ask it for
anything; the warm process also checks that the peer is root.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from graders.hub.identity import UserIdentity

SOCKET_NAME = "warm.sock"
READY_POLL_SECONDS = 0.1
# The warm process's own environment: nothing of the hub's (no secrets, no settings), only what
# importing needs. Each server gets the environment the spawner gives it.
WARM_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}


class WarmProcess:
    """Root's warm process, started on first use; :meth:`fork` starts one server from it."""

    def __init__(self, ready_timeout: float) -> None:
        self.ready_timeout = ready_timeout
        self.folder = Path(tempfile.mkdtemp(prefix="bdhvs-warm-"))  # 0700, root's
        self.socket = self.folder / SOCKET_NAME
        self.process: subprocess.Popen | None = None
        self._ready: asyncio.Future | None = None

    async def ready(self) -> None:
        """Start the warm process if it is not running, and wait until it answers. Concurrent
        starts share one warm-up."""
        if self.process is not None and self.process.poll() is not None:
            self.process, self._ready = None, None  # it ended: start another
            self.socket.unlink(missing_ok=True)
        if self._ready is None:
            self._ready = asyncio.ensure_future(self._start())
        await asyncio.shield(self._ready)

    async def _start(self) -> None:
        atexit.register(self.stop)
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "graders.hub.zygote", str(self.socket)],
            env=WARM_ENV,
            stdin=subprocess.DEVNULL,
            cwd="/",
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.ready_timeout
        while not self.socket.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"the warm process exited with {self.process.returncode}")
            if loop.time() > deadline:
                raise TimeoutError(f"the warm process was not ready in {self.ready_timeout} s")
            await asyncio.sleep(READY_POLL_SECONDS)

    async def fork(self, argv: list[str], env: dict[str, str], identity: UserIdentity) -> int:
        """Start a server as ``identity`` and return its process id."""
        try:
            await self.ready()
        except BaseException:
            self._ready = None  # the next start tries again
            raise
        reader, writer = await asyncio.open_unix_connection(str(self.socket))
        try:
            request = {"argv": argv, "env": env, "identity": identity.to_json()}
            writer.write(json.dumps(request).encode() + b"\n")
            await writer.drain()
            answer = json.loads(await reader.readline() or b"{}")
        finally:
            writer.close()
        if "pid" not in answer:
            raise RuntimeError(f"the warm process did not start the server: {answer}")
        return int(answer["pid"])

    def stop(self) -> None:
        """End the warm process (the servers it started go on) and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        self.socket.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            os.rmdir(self.folder)
