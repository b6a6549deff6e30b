"""JupyterHub for training sessions: who is an instructor or a learner of which cohort, and a
spawner that starts each one's server with their role's extensions and enforced limits.

Roles live in the system's groups, so an administrator manages them with ``usermod``:

- ``bdhvs-<cohort>``     everyone in the cohort: its learners and its instructors;
- ``bdhvs-<cohort>-gv``  the cohort's instructors (giảng viên).

Each cohort is one nbgrader course, ``<root>/courses/<cohort>``, with its exchange in
``<root>/exchange/<cohort>`` (``deploy/cohort.py`` creates both, with their permissions).
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import resource
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jupyterhub.auth import PAMAuthenticator
from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer, Unicode

GROUP_PREFIX = "bdhvs-"
INSTRUCTOR_SUFFIX = "-gv"
COHORT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
DEPLOY_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "jupyter"
INSTRUCTOR, LEARNER = "instructor", "learner"


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
    """

    hub_root = Unicode("/srv/bdhvs", help="Folder holding courses/ and exchange/").tag(config=True)
    role_config = Unicode(
        str(DEPLOY_CONFIG), help="Folder with one Jupyter configuration folder per role"
    ).tag(config=True)
    nproc_limit = Integer(256, help="Processes and threads a user may run").tag(config=True)
    nofile_limit = Integer(1024, help="Open files per process").tag(config=True)
    fsize_limit = Integer(1 << 30, help="Largest file a user's process may write").tag(config=True)
    niceness = Integer(5, help="Scheduling priority added to user servers").tag(config=True)

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

    def make_preexec_fn(self, name: str) -> Callable[[], None]:
        become_user = super().make_preexec_fn(name)
        cohort, role = self.placement()
        workdir = course_dir(self.hub_root, cohort) if role == INSTRUCTOR else None
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
        niceness = self.niceness

        def preexec() -> None:
            for which, value in limits:
                resource.setrlimit(which, (value, value))
            os.nice(niceness)
            os.umask(mask)
            become_user()
            if workdir is not None:
                os.chdir(workdir)

        return preexec
