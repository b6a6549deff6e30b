"""Becoming a user's system account: the one rule both ways of starting a server follow.

A plain start applies it between fork and exec (``preexec_fn``); a warm start applies it in the
process forked from the warm process (graders/hub/zygote.py), before that process reads anything
the user controls. The identity is plain data, so the hub can hand it to the warm process.
"""

from __future__ import annotations

import os
import pwd
import resource
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class UserIdentity:
    """Who a server runs as, with what limits, and where it starts."""

    uid: int
    gid: int
    groups: tuple[int, ...]
    workdir: str
    umask: int
    niceness: int
    limits: tuple[tuple[int, int], ...]  # (resource.RLIMIT_*, hard and soft limit)

    @classmethod
    def of(
        cls,
        username: str,
        *,
        umask: int,
        niceness: int,
        limits: list[tuple[int, int]],
        workdir: str | None = None,
    ) -> UserIdentity:
        """The account's ids and every group it belongs to (``initgroups``' list), starting in
        ``workdir`` or else the account's home."""
        account = pwd.getpwnam(username)
        return cls(
            uid=account.pw_uid,
            gid=account.pw_gid,
            groups=tuple(os.getgrouplist(username, account.pw_gid)),
            workdir=workdir or account.pw_dir,
            umask=umask,
            niceness=niceness,
            limits=tuple((int(which), int(value)) for which, value in limits),
        )

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> UserIdentity:
        return cls(
            uid=int(data["uid"]),
            gid=int(data["gid"]),
            groups=tuple(int(g) for g in data["groups"]),
            workdir=str(data["workdir"]),
            umask=int(data["umask"]),
            niceness=int(data["niceness"]),
            limits=tuple((int(w), int(v)) for w, v in data["limits"]),
        )

    def apply(self) -> None:
        """Become the account in this process, for good. Limits and priority first (root may
        still set them), then groups, group and user; a failure raises, so nothing ever runs
        with root's groups or ids. Root (uid 0) is refused: a server never runs as root."""
        if self.uid == 0 or self.gid == 0:
            raise PermissionError("a user's server never runs as root")
        for which, value in self.limits:
            resource.setrlimit(which, (value, value))
        os.nice(self.niceness)
        os.umask(self.umask)
        os.setgroups(list(self.groups))
        os.setgid(self.gid)
        os.setuid(self.uid)
        if os.getresuid() != (self.uid,) * 3 or os.getresgid() != (self.gid,) * 3:
            raise PermissionError("the process did not fully become the user")
        os.chdir(self.workdir)
