"""Create a cohort on a training hub (as root): its groups, accounts, course and exchange folders.

Permissions, and why (``G`` is ``bdhvs-<cohort>``, ``GV`` is ``bdhvs-<cohort>-gv``)::

    <root>/courses/<cohort>/            root:GV 2770  instructors only; sources are a copy, so
                                                      nothing links back to readable files
    <root>/exchange/                    root:root 1777 nbgrader wants its root world-writable
    <root>/exchange/<cohort>/           root:G  2750  the cohort only
    <root>/exchange/<cohort>/outbound/  root:GV 2775  instructors release, the cohort fetches
    <root>/exchange/<cohort>/inbound/   root:GV 3773  learners drop submissions but cannot list
                                                      or delete others'; instructors read (group)
    <root>/exchange/<cohort>/feedback/  root:GV 2771  learners open only their own feedback file
                                                      (named by a secret of their submission)
    home folders                        0700
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from graders.common.errors import BdhvsError
from graders.course.directory import CONFIG_NAME, REPOSITORY_ASSIGNMENTS, init_course
from graders.hub.training import (
    check_cohort_name,
    cohort_group,
    course_dir,
    exchange_dir,
    instructor_group,
)

HUB_SETTINGS = """
# Training hub (written by deploy/cohort.py): the hub's shared exchange, and a course that
# several instructors of the cohort share through their group.
c.Exchange.root = {exchange!r}
c.CourseDirectory.groupshared = True
"""


def _run(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BdhvsError(f"{' '.join(command)} failed: {result.stderr.strip()}")


def ensure_group(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        _run("groupadd", name)
        return grp.getgrnam(name).gr_gid


def ensure_user(name: str, groups: Iterable[str]) -> None:
    """A system account with a private home, in ``groups`` (added to any it already has)."""
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        _run("useradd", "--create-home", "--shell", "/bin/bash", name)
        account = pwd.getpwnam(name)
    for group in groups:
        _run("usermod", "--append", "--groups", group, name)
    os.chmod(account.pw_dir, 0o700)


def _place(path: Path, group: str, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, 0, grp.getgrnam(group).gr_gid)
    os.chmod(path, mode)


def _share_course(root: Path, gid: int) -> None:
    """Hand the course to the instructor group: folders 2770, files group-writable."""
    for folder, dirs, files in os.walk(root):
        os.chown(folder, 0, gid)
        os.chmod(folder, 0o2770)
        for name in files:
            path = os.path.join(folder, name)
            os.chown(path, 0, gid)
            os.chmod(path, 0o660)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]


def add_cohort(
    root: str | Path,
    cohort: str,
    instructors: Iterable[str] = (),
    learners: Iterable[str] = (),
    sources: str | Path | None = None,
) -> Path:
    """Create (or extend) a cohort; safe to run again to add people. Returns the course folder."""
    if os.geteuid() != 0:
        raise BdhvsError("creating accounts and groups needs root: run this with sudo")
    try:
        check_cohort_name(cohort)
    except ValueError as error:
        raise BdhvsError(str(error)) from None
    root = Path(root)
    everyone, teachers = cohort_group(cohort), instructor_group(cohort)
    ensure_group(everyone)
    teachers_gid = ensure_group(teachers)
    for name in instructors:
        ensure_user(name, [everyone, teachers])
    for name in learners:
        ensure_user(name, [everyone])

    _place(root, "root", 0o755)
    _place(root / "courses", "root", 0o755)
    course = course_dir(root, cohort)
    if not (course / CONFIG_NAME).exists():
        origin = Path(sources) if sources else REPOSITORY_ASSIGNMENTS
        init_course(course, origin)
        (course / "source").unlink()
        shutil.copytree(origin.resolve(), course / "source", symlinks=False)
        shutil.rmtree(course / "exchange")
        with (course / CONFIG_NAME).open("a", encoding="utf-8") as config:
            config.write(HUB_SETTINGS.format(exchange=str(exchange_dir(root))))
        _share_course(course, teachers_gid)

    exchange = exchange_dir(root)
    _place(exchange, "root", 0o1777)
    _place(exchange / cohort, everyone, 0o2750)
    _place(exchange / cohort / "outbound", teachers, 0o2775)
    _place(exchange / cohort / "inbound", teachers, 0o3773)
    _place(exchange / cohort / "feedback", teachers, 0o2771)
    return course


def remove_cohort(root: str | Path, cohort: str, users: Iterable[str]) -> None:
    """Delete a cohort's folders, its groups and the given accounts with their homes."""
    root = Path(root)
    shutil.rmtree(course_dir(root, cohort), ignore_errors=True)
    shutil.rmtree(exchange_dir(root) / cohort, ignore_errors=True)
    for name in users:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
    for group in (instructor_group(cohort), cohort_group(cohort)):
        subprocess.run(["groupdel", group], capture_output=True)
