"""Operating-system isolation for the process that runs one submission (Linux only).

As root, the process gets new mount, network, PID and IPC namespaces, a filesystem view in which
the course is hidden and every world-writable place is private and empty, and it then runs as an
unprivileged user with resource limits. Without root, only the resource limits apply.

Python 3.11 has no ``os.unshare`` or ``mount``: they are called through the C library.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import resource
import shutil
import stat
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACES = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

SANDBOX_USER = "bdhvs-sandbox"
PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm")

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    def raw(text: str | None) -> bytes | None:
        return text.encode() if text is not None else None

    result = _libc.mount(raw(source), raw(target), raw(fstype), flags, raw(data))
    _check(result, f"mount {target}")


def unmount(target: str) -> None:
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


def set_parent_death_signal(signal_number: int) -> None:
    """Have the kernel send ``signal_number`` to this process when its parent dies."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0), "prctl")


def forbid_new_privileges() -> None:
    """No set-user-ID program run from here can gain privileges."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")


@dataclass(frozen=True)
class SandboxUser:
    name: str
    uid: int
    gid: int


def sandbox_user() -> SandboxUser:
    """The unprivileged user submissions run as: a system user made once, else ``nobody``."""
    try:
        entry = pwd.getpwnam(SANDBOX_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        created = subprocess.run(
            [useradd, "--system", "--user-group", "--no-create-home"]
            + ["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SANDBOX_USER],
            capture_output=True,
        )
        entry = pwd.getpwnam("nobody") if created.returncode != 0 else pwd.getpwnam(SANDBOX_USER)
    return SandboxUser(entry.pw_name, entry.pw_uid, entry.pw_gid)


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission's process."""

    memory_mb: int = 2048
    cpu_seconds: int = 600
    file_size_mb: int = 64
    processes: int = 64
    open_files: int = 256

    def apply(self, extra_processes: int = 0) -> None:
        """Set the limits on this process; ``extra_processes`` are already owned by its user."""
        mib = 1 << 20
        pairs = {
            resource.RLIMIT_AS: (self.memory_mb * mib,) * 2,
            resource.RLIMIT_CPU: (self.cpu_seconds, self.cpu_seconds + 5),
            resource.RLIMIT_FSIZE: (self.file_size_mb * mib,) * 2,
            resource.RLIMIT_NPROC: (self.processes + extra_processes,) * 2,
            resource.RLIMIT_NOFILE: (self.open_files,) * 2,
            resource.RLIMIT_CORE: (0, 0),
        }
        for kind, (soft, hard) in pairs.items():
            _, current_hard = resource.getrlimit(kind)
            if current_hard != resource.RLIM_INFINITY:
                soft, hard = min(soft, current_hard), min(hard, current_hard)
            resource.setrlimit(kind, (soft, hard))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def processes_of(uid: int) -> int:
    """How many processes ``uid`` owns now (RLIMIT_NPROC counts them all)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


def drop_privileges(user: SandboxUser) -> None:
    os.setgroups([])
    os.setresgid(user.gid, user.gid, user.gid)
    os.setresuid(user.uid, user.uid, user.uid)


def _first_closed_folder(path: Path, user: SandboxUser) -> Path | None:
    """The first folder on the way to ``path`` that ``user`` (with no supplementary groups)
    may not search, if any."""
    for folder in [*reversed(path.parents), path]:
        try:
            info = folder.stat()
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode):
            continue
        if info.st_uid == user.uid:
            allowed = info.st_mode & stat.S_IXUSR
        elif info.st_gid == user.gid:
            allowed = info.st_mode & stat.S_IXGRP
        else:
            allowed = info.st_mode & stat.S_IXOTH
        if not allowed:
            return folder
    return None


def private_filesystem(
    hide: list[Path], expose: list[Path], user: SandboxUser, tmp_size_mb: int
) -> None:
    """Rearrange this mount namespace for a submission.

    Mounts stop propagating to the host; /tmp, /var/tmp and /dev/shm become empty private
    tmpfs; each path in ``expose`` (the interpreter and its libraries) is made reachable for
    ``user`` even when it lies under a closed folder such as /root, whose other contents stay
    hidden; last, every path in ``hide`` (the course, its sources, the gradebook) is covered by
    an empty read-only tmpfs.
    """
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    for folder in PRIVATE_DIRS:
        if os.path.isdir(folder):
            _make_private(
                Path(folder), [p for p in expose if p.is_relative_to(folder)], tmp_size_mb
            )
    _expose(expose, user)
    for path in hide:
        if path.is_dir():
            mount("tmpfs", str(path), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0")


def _make_private(folder: Path, keep: list[Path], tmp_size_mb: int) -> None:
    """Cover ``folder`` with an empty private tmpfs, except for the paths in ``keep``.

    An interpreter or a checkout may itself live under /tmp; it is bound back into place from
    a handle opened before the cover went on, so nothing else of the old folder shows.
    """
    handles = [(path, os.open(path, os.O_PATH)) for path in keep if path.exists()]
    try:
        options = f"size={tmp_size_mb}m,mode=1777"
        mount("tmpfs", str(folder), "tmpfs", MS_NOSUID | MS_NODEV, options)
        for path, handle in handles:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            if path.is_dir() or os.path.isdir(f"/proc/self/fd/{handle}"):
                path.mkdir(exist_ok=True, mode=0o755)
            else:
                path.touch()
            mount(f"/proc/self/fd/{handle}", str(path), None, MS_BIND | MS_REC)
    finally:
        for _, handle in handles:
            os.close(handle)


def _expose(paths: list[Path], user: SandboxUser) -> None:
    stage = Path("/tmp/.bdhvs-stage")
    stage.mkdir(mode=0o700)
    for _ in range(8):  # closed folders may be nested: open the outermost first, then again
        closed: dict[Path, list[Path]] = {}
        for path in paths:
            folder = _first_closed_folder(path, user) if path.exists() else None
            if folder is not None and folder != path:
                closed.setdefault(folder, []).append(path)
        if not closed:
            break
        for folder, inside in closed.items():
            _reopen(folder, inside, stage)
    stage.rmdir()


def _reopen(folder: Path, inside: list[Path], stage: Path) -> None:
    """Cover ``folder`` with an open, empty tmpfs that shows only the paths ``inside``."""
    staged = []
    for index, path in enumerate(inside):
        holder = stage / str(index)
        if path.is_dir():
            holder.mkdir()
        else:
            holder.touch()
        mount(str(path), str(holder), None, MS_BIND | MS_REC)
        staged.append((path, holder))
    mount("tmpfs", str(folder), "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    for path, holder in staged:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        if holder.is_dir():
            path.mkdir(exist_ok=True, mode=0o755)
        else:
            path.touch()
        mount(str(holder), str(path), None, MS_BIND | MS_REC)
        unmount(str(holder))
        if holder.is_dir():
            holder.rmdir()
        else:
            holder.unlink()
