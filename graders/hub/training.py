"""JupyterHub for training sessions: who is an instructor or a learner of which cohort, and a
spawner that starts each one's server with their role's extensions and enforced limits.

Roles live in the system's groups, so an administrator manages them with ``usermod``:

- ``bdhvs-<cohort>``     everyone in the cohort: its learners and its instructors;
- ``bdhvs-<cohort>-gv``  the cohort's instructors (giảng viên).

Each cohort is one nbgrader course, ``<root>/courses/<cohort>``, with its exchange in
``<root>/exchange/<cohort>`` (``deploy/cohort.py`` creates both, with their permissions).
"""

from __future__ import annotations

import asyncio
import grp
import os
import pwd
import re
import resource
import shlex
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from jupyterhub.auth import PAMAuthenticator
from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Bool, Integer, Tuple, Unicode

from graders.hub.identity import UserIdentity
from graders.hub.warm import WarmProcess

GROUP_PREFIX = "bdhvs-"
INSTRUCTOR_SUFFIX = "-gv"
COHORT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
DEPLOY_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "jupyter"
INSTRUCTOR, LEARNER = "instructor", "learner"
TCP_TABLES = ("/proc/net/tcp", "/proc/net/tcp6")
TCP_LISTEN = "0A"  # the state column of a listening socket in those tables
EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")
LISTEN_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Membership:
    """A user's place on the hub: the cohorts they teach and the cohorts they learn in."""

    teaches: tuple[str, ...]
    learns: tuple[str, ...]

    def role_in(self, cohort: str) -> str | None:
        if cohort in self.teaches:
            return INSTRUCTOR
        if cohort in self.learns:
            return LEARNER
        return None

    @property
    def cohorts(self) -> tuple[str, ...]:
        return tuple(sorted({*self.teaches, *self.learns}))


def cohort_group(cohort: str) -> str:
    return f"{GROUP_PREFIX}{cohort}"


def instructor_group(cohort: str) -> str:
    return f"{GROUP_PREFIX}{cohort}{INSTRUCTOR_SUFFIX}"


def check_cohort_name(cohort: str) -> str:
    """Cohort names become group names and nbgrader course ids: keep them short and plain."""
    if not COHORT_NAME.match(cohort):
        raise ValueError(
            f"cohort name {cohort!r} must be 1-20 lowercase letters, digits or '_', "
            "starting with a letter"
        )
    return cohort


def membership(username: str) -> Membership:
    """Read the user's cohorts from the system groups (live: no restart after ``usermod``)."""
    try:
        account = pwd.getpwnam(username)
    except KeyError:
        return Membership((), ())
    names = set()
    for gid in os.getgrouplist(username, account.pw_gid):
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            continue
    teaches, learns = set(), set()
    for name in names:
        if not name.startswith(GROUP_PREFIX):
            continue
        rest = name[len(GROUP_PREFIX) :]
        if rest.endswith(INSTRUCTOR_SUFFIX):
            teaches.add(rest[: -len(INSTRUCTOR_SUFFIX)])
        elif COHORT_NAME.match(rest):
            learns.add(rest)
    return Membership(tuple(sorted(teaches)), tuple(sorted(learns - teaches)))


def course_dir(root: str | Path, cohort: str) -> Path:
    return Path(root) / "courses" / cohort


def exchange_dir(root: str | Path) -> Path:
    """nbgrader's exchange root, shared by every cohort; each course has its own folder in it."""
    return Path(root) / "exchange"


def port_free(ip: str, port: int) -> bool:
    """Whether a server could listen on ``ip:port`` now. Bound as Tornado binds (with
    SO_REUSEADDR), so a closed connection lingering in TIME_WAIT does not count as taken."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError:
            return False
    return True


def listening_sockets(port: int) -> dict[str, int]:
    """The TCP sockets listening on ``port`` (any address): inode -> owner's uid, from the
    kernel's tables, so it is known who really answers on a port."""
    sockets = {}
    for table in TCP_TABLES:
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:  # no IPv6
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == TCP_LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                sockets[fields[9]] = int(fields[7])
    return sockets


def listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` itself holds a socket listening on ``port``."""
    wanted = {f"socket:[{inode}]" for inode in listening_sockets(port)}
    if not wanted:
        return False
    try:
        descriptors = list(os.scandir(f"/proc/{pid}/fd"))
    except FileNotFoundError:  # the process is gone
        return False
    for descriptor in descriptors:
        try:
            if os.readlink(descriptor.path) in wanted:
                return True
        except OSError:  # closed meanwhile
            continue
    return False


class PortPool:
    """The ports of one hub's user servers, each leased to one server until it stops.

    JupyterHub's own choice (``random_port``: bind to port 0, close) is a port the kernel may give
    again, to the next spawn or to anyone, before the first server listens on it. Here a port is
    never leased twice at once, is leased only when nothing listens on it, and comes back
    round-robin, so a port freed a moment ago is the last to be leased again (the proxy may
    still hold its old route). A range outside the kernel's ephemeral range keeps out the ports
    the kernel hands out by itself (outgoing connections, kernels' own ports).
    """

    def __init__(self, first: int, last: int) -> None:
        if not 1024 <= first <= last <= 65535:
            raise ValueError(f"port range {first}-{last} must lie within 1024-65535")
        self.ports = range(first, last + 1)
        self.leased: set[int] = set()
        self._next = 0

    def lease(self, ip: str) -> int:
        """The next port nobody holds; it stays leased until :meth:`release`."""
        for _ in self.ports:
            port = self.ports[self._next]
            self._next = (self._next + 1) % len(self.ports)
            if port not in self.leased and port_free(ip, port):
                self.leased.add(port)
                return port
        raise RuntimeError(
            f"no free port for a user server in {self.ports.start}-{self.ports.stop - 1}: "
            "widen TrainingSpawner.port_range"
        )

    def release(self, port: int) -> None:
        self.leased.discard(port)


def ephemeral_ports() -> range:
    """The ports the kernel hands out by itself (bind to port 0, outgoing connections)."""
    low, high = (int(n) for n in EPHEMERAL_PORTS.read_text().split())
    return range(low, high + 1)


class TrainingAuthenticator(PAMAuthenticator):
    """System accounts; only members of some cohort may log in."""

    def check_allowed(self, username: str, authentication: dict | None = None) -> bool:
        return bool(membership(username).cohorts)


class TrainingSpawner(LocalProcessSpawner):
    """Starts a server as the user's system account, for one cohort, in its role.

    Instructors get the formgrader and assignment creation, in their cohort's course folder;
    learners get the assignment list and validation, in their home folder. The server name picks
    the cohort when a user belongs to several (JupyterHub's named servers); the default server
    serves the user's only cohort.

    Limits set with ``setrlimit`` before the server starts, inherited by every kernel and
    process it starts: address space per process (``mem_limit``), processes of the user
    (``nproc_limit``), open files and file size. CPU is shared by priority (``nice``), not capped.

    Each server's port is leased from the hub's :class:`PortPool` (unless ``port`` is configured)
    and returned to the hub only once the server itself listens on it: see :meth:`start`.

    With ``warm_start`` the server is a fork of the hub's warm process (graders/hub/zygote.py),
    which imported the server once, instead of a fresh Python: the same identity, limits,
    arguments and environment, followed by process id (deploy/README.md, "Many logins at once").
    """

    hub_root = Unicode("/srv/bdhvs", help="Folder holding courses/ and exchange/").tag(config=True)
    role_config = Unicode(
        str(DEPLOY_CONFIG), help="Folder with one Jupyter configuration folder per role"
    ).tag(config=True)
    nproc_limit = Integer(256, help="Processes and threads a user may run").tag(config=True)
    nofile_limit = Integer(1024, help="Open files per process").tag(config=True)
    fsize_limit = Integer(1 << 30, help="Largest file a user's process may write").tag(config=True)
    niceness = Integer(5, help="Scheduling priority added to user servers").tag(config=True)
    port_range = Tuple(
        Integer(),
        Integer(),
        default_value=(20000, 21999),
        help="First and last port of user servers, outside the kernel's ephemeral range "
        "(/proc/sys/net/ipv4/ip_local_port_range)",
    ).tag(config=True)
    port_attempts = Integer(
        3, help="Ports tried by one start when another process takes each one first"
    ).tag(config=True)
    warm_start = Bool(
        False,
        help="Fork each server from a warm process that has imported the server once "
        "(graders/hub/zygote.py) instead of starting a fresh Python; runs the server of "
        "jupyterhub-singleuser with the spawner's arguments and environment",
    ).tag(config=True)

    _pools: ClassVar[dict[tuple[int, int], PortPool]] = {}  # one per hub process and range
    _warm: ClassVar[WarmProcess | None] = None
    _leased_port = 0

    def port_pool(self) -> PortPool:
        """The pool shared by every server this hub starts (one event loop: no lock needed)."""
        first, last = self.port_range
        if (first, last) not in self._pools:
            kernel = ephemeral_ports()
            if first < kernel.stop and kernel.start <= last:
                self.log.warning(
                    "TrainingSpawner.port_range %i-%i overlaps the kernel's ephemeral ports "
                    "%i-%i: the kernel may hand them to others first, and starts then retry",
                    first,
                    last,
                    kernel.start,
                    kernel.stop - 1,
                )
            self._pools[(first, last)] = PortPool(first, last)
        return self._pools[(first, last)]

    async def start(self) -> tuple[str, int]:
        """Start the server, and tell the hub where it is only once it holds its port.

        The hub takes any answer on the returned port for this server being up, even another
        user's server's 404, and has the proxy send the user there; the server reports nothing
        back. So the port is leased (never to two servers at once), and the address returned
        only when the started process itself listens on it. If another process took the port
        first, the server exits (JupyterHub's single-user server never moves to another port:
        it sets ``port_retries = 0``) and the next port is tried; a configured ``port`` is not
        replaced, and the start fails.
        """
        fixed = bool(self.port)
        for _ in range(1 if fixed else self.port_attempts):
            if not fixed:
                self._leased_port = self.port = self.port_pool().lease(self.ip or "127.0.0.1")
            ip, port = await self._launch()
            if await self._listening(port):
                return ip, port
            if port_free(ip, port):
                raise RuntimeError(
                    f"the server of {self._log_name} exited before listening on port {port}"
                )
            self.log.warning(
                "Port %i was taken by another process before the server of %s listened on it",
                port,
                self._log_name,
            )
            self._release_port()
        tried = "its configured port" if fixed else f"each of {self.port_attempts} ports"
        raise RuntimeError(
            f"the server of {self._log_name} did not start: another process took {tried} first"
        )

    async def _launch(self) -> tuple[str, int]:
        """Start the server process: a fork of the warm process, or a fresh one."""
        if not self.warm_start:
            return await super().start()
        argv = [*self.cmd, *self.get_args()]
        self.log.info("Spawning %s from the warm process", shlex.join(argv))
        self.proc = None
        self.pid = await self.warm_process().fork(argv, self.get_env(), self.identity())
        return self.ip or "127.0.0.1", self.port

    def warm_process(self) -> WarmProcess:
        """The hub's one warm process (one event loop: no lock needed)."""
        if TrainingSpawner._warm is None:
            TrainingSpawner._warm = WarmProcess(ready_timeout=self.start_timeout)
        return TrainingSpawner._warm

    async def _running(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        return await self._signal(0)  # the warm process reaps its forks: a gone pid is gone

    async def _listening(self, port: int) -> bool:
        """Wait until the started process listens on ``port`` (True) or exits (False); the
        hub's ``start_timeout`` bounds the wait. Who listens is read from the kernel's tables
        (milliseconds, on the hub's event loop) only once a bind shows somebody does."""
        while await self._running():
            if not port_free(self.ip or "127.0.0.1", port) and listens_on(self.pid, port):
                return True
            await asyncio.sleep(LISTEN_POLL_SECONDS)
        return False

    def _release_port(self) -> None:
        if self._leased_port:
            self.port_pool().release(self._leased_port)
            self._leased_port = self.port = 0

    def clear_state(self) -> None:
        """The server stopped (or a new one is about to start): its port goes back to the pool."""
        super().clear_state()
        self._release_port()

    def placement(self) -> tuple[str, str]:
        """The cohort this server serves and the user's role in it, or a clear refusal."""
        member = membership(self.user.name)
        if self.name:
            cohort = self.name
        elif len(member.cohorts) == 1:
            cohort = member.cohorts[0]
        elif not member.cohorts:
            raise RuntimeError(f"{self.user.name} belongs to no cohort (groups bdhvs-<cohort>)")
        else:
            raise RuntimeError(
                f"{self.user.name} belongs to cohorts {', '.join(member.cohorts)}: "
                "start a named server called after the cohort"
            )
        role = member.role_in(cohort)
        if role is None:
            raise RuntimeError(f"{self.user.name} is not in cohort {cohort!r}")
        return cohort, role

    def get_env(self) -> dict[str, str]:
        env = super().get_env()
        cohort, role = self.placement()
        env["JUPYTER_CONFIG_PATH"] = str(Path(self.role_config) / role)
        env["BDHVS_COHORT"] = cohort
        env["BDHVS_ROLE"] = role
        env["BDHVS_EXCHANGE"] = str(exchange_dir(self.hub_root))
        return env

    def get_args(self) -> list[str]:
        args = list(super().get_args())
        cohort, role = self.placement()
        if role == INSTRUCTOR:
            args.append(f"--ServerApp.root_dir={course_dir(self.hub_root, cohort)}")
        return args

    def identity(self) -> UserIdentity:
        """Who the server runs as: the user's account, with the limits and the umask of the
        role, in the course folder (instructors) or the home folder (learners)."""
        cohort, role = self.placement()
        workdir = str(course_dir(self.hub_root, cohort)) if role == INSTRUCTOR else None
        # Instructors share their course with the cohort's other instructors (group-writable);
        # the course folder itself is closed to everyone else.
        mask = 0o002 if role == INSTRUCTOR else 0o077
        limits = [
            (resource.RLIMIT_NPROC, self.nproc_limit),
            (resource.RLIMIT_NOFILE, self.nofile_limit),
            (resource.RLIMIT_FSIZE, self.fsize_limit),
        ]
        if self.mem_limit:
            limits.append((resource.RLIMIT_AS, int(self.mem_limit)))
        return UserIdentity.of(
            self.user.name, umask=mask, niceness=self.niceness, limits=limits, workdir=workdir
        )

    def make_preexec_fn(self, name: str) -> Callable[[], None]:
        return self.identity().apply
