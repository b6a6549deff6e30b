"""Operating-system isolation for the process that runs one submission (Linux only).

As root, the process gets new mount, network, PID and IPC namespaces, a filesystem view in which
every mount is read-only, the course is hidden and every folder the sandbox user may write is
private and empty, and it then runs as an unprivileged user with resource limits. Without root,
only the resource limits apply.

Python 3.11 has no ``os.unshare`` or ``mount``: they are called through the C library.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import pwd
import re
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
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

SANDBOX_USER = "bdhvs-sandbox"
# Private whoever may write them: the runner's folder and its captured output live in /tmp.
PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
# Kernel state, not files: not searched for writable folders.
VIRTUAL_ROOTS = ("/proc", "/sys")
# Files the private folders may hold together (their tmpfs's size caps the bytes).
PRIVATE_INODES = 16384
# A mount's options that stay when it is made read-only (it may not be allowed to drop them).
KEPT_OPTIONS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}
# Why a mount point's path may not lead to its mount: then nothing in the sandbox reaches it.
UNREACHABLE = {errno.ENOENT, errno.ENOTDIR, errno.EACCES, errno.ESTALE, errno.EINVAL}
_MOUNTINFO_ESCAPE = re.compile(rb"\\([0-7]{3})")

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    def raw(text: str | None) -> bytes | None:
        return os.fsencode(text) if text is not None else None

    result = _libc.mount(raw(source), raw(target), raw(fstype), flags, raw(data))
    _check(result, f"mount {target}")


def unmount(target: str) -> None:
    _check(_libc.umount2(os.fsencode(target), MNT_DETACH), f"umount {target}")


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


def _allowed(info: os.stat_result, user: SandboxUser, owner_bits: int) -> bool:
    """Whether ``user`` (with no supplementary groups) has every permission in ``owner_bits``
    (given as the owner's: ``S_IWUSR | S_IXUSR``) on the file ``info`` describes."""
    if info.st_uid == user.uid:
        bits = owner_bits
    elif info.st_gid == user.gid:
        bits = owner_bits >> 3
    else:
        bits = owner_bits >> 6
    return info.st_mode & bits == bits


def _first_closed_folder(path: Path, user: SandboxUser) -> Path | None:
    """The first folder on the way to ``path`` that ``user`` may not search, if any."""
    for folder in [*reversed(path.parents), path]:
        try:
            info = folder.stat()
        except OSError:
            return None
        if stat.S_ISDIR(info.st_mode) and not _allowed(info, user, stat.S_IXUSR):
            return folder
    return None


@functools.cache
def writable_dirs(user: SandboxUser) -> tuple[Path, ...]:
    """Every folder of this machine that ``user`` could reach and write: the world-writable
    ones (/tmp, /var/tmp, /run/lock, /dev/shm, a shared exchange...) and any of its own.

    The search walks every mounted filesystem but /proc and /sys, without following links; it
    does not go into a folder ``user`` may not search (nothing below it is reachable) or may
    write (the whole folder is covered). It walks every folder of the machine, so its answer is
    kept for the life of the process: the zygote finds it once, before it forks a supervisor
    per notebook. A folder made writable later is still read-only in the sandbox, like every
    other mount there.
    """
    found = []
    folders = ["/"]
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    if not entry.is_dir(follow_symlinks=False) or entry.path in VIRTUAL_ROOTS:
                        continue
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if not _allowed(info, user, stat.S_IXUSR):
                    continue
                if _allowed(info, user, stat.S_IWUSR | stat.S_IXUSR):
                    found.append(Path(entry.path))
                else:
                    folders.append(entry.path)
    return tuple(sorted(found))


def private_places(user: SandboxUser) -> list[Path]:
    """The folders that are private and empty in the sandbox: /tmp, /var/tmp, /dev/shm and
    every folder ``user`` may write, less those inside another (covered with it)."""
    places = {Path(p) for p in PRIVATE_DIRS if os.path.isdir(p)} | set(writable_dirs(user))
    resolved = sorted({place.resolve() for place in places})
    return [p for p in resolved if not any(p != q and p.is_relative_to(q) for q in resolved)]


def private_filesystem(
    hide: list[Path],
    expose: list[Path],
    user: SandboxUser,
    tmp_size_mb: int,
    *,
    host_writable: bool = False,
) -> None:
    """Rearrange this mount namespace for a submission.

    Mounts stop propagating to the host and, unless ``host_writable``, every mount becomes
    read-only, so that nothing written in the namespace reaches the host's disks. Every folder
    of :func:`private_places` then shows an empty folder of one private tmpfs: together they
    hold at most ``tmp_size_mb`` and :data:`PRIVATE_INODES` files, and they are gone with the
    namespace. Each path in ``expose`` (the interpreter and its libraries) is made reachable for
    ``user`` even when it lies under a closed folder such as /root, whose other contents stay
    hidden. Last, each path in ``hide`` (the course, its sources, the gradebook, this project's
    answer-bearing paths) is covered, outermost first: a folder that holds exposed paths (a
    checkout holding the project's packages) shows only those, any other folder shows nothing
    and a file reads as empty.
    """
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    if not host_writable:
        _read_only_mounts()
    places = private_places(user)
    keep = [path for path in expose if any(path.is_relative_to(place) for place in places)]
    _make_private(places, keep, tmp_size_mb)
    stage = Path("/tmp/.bdhvs-stage")
    stage.mkdir(mode=0o700)
    _expose(expose, user, stage)
    _hide(hide, expose, stage)
    stage.rmdir()


def _read_only_mounts() -> None:
    """Make every mount of this namespace read-only, keeping its other options.

    Device files stay usable (/dev/null takes writes on a read-only mount).
    """
    with open("/proc/self/mountinfo", "rb") as table:
        targets = [row.split()[4:6] for row in table]
    done = set()
    for escaped, options in targets:
        target = os.fsdecode(_MOUNTINFO_ESCAPE.sub(lambda m: bytes([int(m[1], 8)]), escaped))
        if target in done:
            continue
        done.add(target)
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for option in options.decode().split(","):
            flags |= KEPT_OPTIONS.get(option, 0)
        try:
            mount(None, target, None, flags)
        except OSError as error:
            if error.errno not in UNREACHABLE:
                raise


def _make_private(places: list[Path], keep: list[Path], size_mb: int) -> None:
    """Cover each of ``places`` with an empty folder of one new tmpfs, except for ``keep``.

    The tmpfs goes on the first place and holds one folder per place; each folder is bound over
    its place, the first place's last, after which the tmpfs's own root is out of reach. An
    interpreter or a checkout may itself live under /tmp; each path in ``keep`` is bound back
    into place from a handle opened before the cover went on, so nothing else of the old
    folder shows.
    """
    handles = [(path, os.open(path, os.O_PATH)) for path in keep if path.exists()]
    try:
        first = places[0]
        options = f"size={size_mb}m,nr_inodes={PRIVATE_INODES},mode=0700"
        mount("tmpfs", str(first), "tmpfs", MS_NOSUID | MS_NODEV, options)
        folders = {place: first / str(index) for index, place in enumerate(places)}
        for folder in folders.values():
            folder.mkdir()
            os.chmod(folder, 0o1777)
        for place in [*places[1:], first]:
            try:
                mount(str(folders[place]), str(place), None, MS_BIND)
            except OSError as error:  # removed since it was found: nothing to write into
                if error.errno not in UNREACHABLE or place == first:
                    raise
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


def _expose(paths: list[Path], user: SandboxUser, stage: Path) -> None:
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


def _hide(paths: list[Path], shown: list[Path], stage: Path) -> None:
    for path in sorted(paths, key=lambda p: len(p.parts)):
        inside = [p for p in shown if p != path and p.is_relative_to(path) and p.exists()]
        if path.is_dir() and inside:
            _reopen(path, inside, stage)
        elif path.is_dir():
            mount("tmpfs", str(path), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0")
        elif path.exists():
            mount("/dev/null", str(path), None, MS_BIND)


def _reopen(folder: Path, inside: list[Path], stage: Path) -> None:
    """Cover ``folder`` with an open, empty tmpfs that shows only the paths ``inside``."""
    outermost = [p for p in inside if not any(p != q and p.is_relative_to(q) for q in inside)]
    staged = []
    for index, path in enumerate(sorted(set(outermost))):
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
