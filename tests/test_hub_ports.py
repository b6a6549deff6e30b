"""Each learner's server gets a port of its own, and the hub sends each learner only there.

The hub takes any answer on a new server's port for that server being up, even another user's
server's 404, and routes the learner there. In a load test one learner reached another's server:
JupyterHub's own port choice can give one port to two spawns, or to anyone, before the first
server listens on it. The pool in graders/hub/training.py never leases one port twice, and the
spawner tells the hub a port only once its own process listens on it. The hub test takes each
learner's first port just after their server is started with it (that race, made certain), and
checks that every learner still reaches their own server, held by their own account.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

from graders.hub.training import PortPool, listening_sockets, port_free

from hubkit import hub_session

SEARCH_FROM = 22000  # below the kernel's ephemeral ports (32768-60999 by default)
THEFT_POLL_SECONDS = 0.05


def free_range(size: int) -> range:
    """``size`` consecutive ports nothing listens on."""
    first = SEARCH_FROM
    while first + size < 32768:
        taken = [p for p in range(first, first + size) if not port_free("127.0.0.1", p)]
        if not taken:
            return range(first, first + size)
        first = taken[-1] + 1
    raise RuntimeError(f"no {size} consecutive free ports from {SEARCH_FROM}")


@contextlib.contextmanager
def listening(port: int) -> Iterator[socket.socket]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        yield sock


def test_pool_never_leases_a_port_twice_while_it_is_leased():
    ports = free_range(5)
    pool = PortPool(ports.start, ports[-1])
    leased = [pool.lease("127.0.0.1") for _ in ports]
    assert sorted(leased) == list(ports)
    with pytest.raises(RuntimeError, match="no free port"):
        pool.lease("127.0.0.1")
    pool.release(leased[2])
    assert pool.lease("127.0.0.1") == leased[2]


def test_pool_skips_taken_ports_and_leases_a_freed_port_last():
    ports = free_range(4)
    pool = PortPool(ports.start, ports[-1])
    with listening(ports[1]):
        first = pool.lease("127.0.0.1")
        assert first == ports[0]
        pool.release(first)
        assert [pool.lease("127.0.0.1") for _ in range(3)] == [ports[2], ports[3], ports[0]]


def test_pool_refuses_a_range_it_cannot_use():
    with pytest.raises(ValueError):
        PortPool(80, 90)
    with pytest.raises(ValueError):
        PortPool(30000, 29999)


class WrongServer(BaseHTTPRequestHandler):
    """Answers as another user's server answers a path outside its own: 404."""

    def do_GET(self) -> None:
        self.send_error(404)

    def log_message(self, *args) -> None:
        pass


class PortThief:
    """Takes the port each watched learner's server was started with, before it listens.

    Watches for the learners' server processes (owned by their accounts, with the address
    JupyterHub gave them in ``JUPYTERHUB_SERVICE_URL``) and listens on that port at once: the
    server, which takes seconds to start, then finds it taken. ``times[name]`` is how many of
    that learner's ports are taken.
    """

    def __init__(self, times: dict[str, int]) -> None:
        self.left = {pwd.getpwnam(name).pw_uid: count for name, count in times.items()}
        self.taken: dict[str, list[int]] = {name: [] for name in times}
        self.servers: list[ThreadingHTTPServer] = []
        self.seen: set[int] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PortThief:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        self.thread.join()
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def _watch(self) -> None:
        while not self.stop.is_set():
            for entry in os.scandir("/proc"):
                if entry.name.isdigit() and int(entry.name) not in self.seen:
                    self._look_at(int(entry.name))
            time.sleep(THEFT_POLL_SECONDS)

    def _look_at(self, pid: int) -> None:
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
            if not self.left.get(uid):
                return
            with open(f"/proc/{pid}/environ", "rb") as environ:
                variables = dict(
                    item.split(b"=", 1) for item in environ.read().split(b"\0") if b"=" in item
                )
        except OSError:  # gone
            return
        url = variables.get(b"JUPYTERHUB_SERVICE_URL")
        if url is None:  # not yet the server (between fork and exec)
            return
        self.seen.add(pid)
        port = urlparse(url.decode()).port
        if any(port in taken for taken in self.taken.values()):
            return  # a process the server started, with the server's own environment
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), WrongServer)
        except OSError:  # the server was first
            return
        self.servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.left[uid] -= 1
        self.taken[variables[b"JUPYTERHUB_USER"].decode()].append(port)


@pytest.mark.hub
def test_hub_learners_reach_only_their_own_server_when_their_ports_are_taken():
    ports = free_range(16)
    # Fresh starts: the thief finds each server's port in its environment in /proc, which a
    # fork of the warm process does not show (its initial environment is the warm process's).
    settings = {"SERVER_PORTS": f"{ports.start}-{ports[-1]}", "WARM_START": "0"}
    with listening(ports[0]), hub_session(**settings) as hub:
        *learners, unlucky = hub.add_cohort(instructors=0, learners=4).learners
        with PortThief({name: 1 for name in learners}) as thief:
            servers = hub.start_servers(learners)  # at once: the hub starts them concurrently
            routes = hub.api_ok("GET", "proxy")
            for name in learners:
                me = servers[name].ok("GET", "api/me")  # through the proxy, as the learner
                assert me["identity"]["username"] == name
                port = urlparse(routes[f"/user/{name}/"]["target"]).port
                assert port in ports and port != ports[0]  # the pool's, never the one held
                assert port not in thief.taken[name]
                assert set(listening_sockets(port).values()) == {pwd.getpwnam(name).pw_uid}
        assert all(len(taken) == 1 for taken in thief.taken.values()), thief.taken
        log = hub.log_path.read_text(encoding="utf-8")
        assert log.count("was taken by another process before the server of") == len(learners)

        with PortThief({unlucky: 3}), pytest.raises(RuntimeError, match="failed to start"):
            hub.start_server(unlucky)  # every port it is given is taken: it fails, clearly
        assert f"/user/{unlucky}/" not in hub.api_ok("GET", "proxy")
        log = hub.log_path.read_text(encoding="utf-8")
        assert f"the server of {unlucky} did not start: another process took each of 3" in log
