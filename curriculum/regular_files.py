"""Reading a file a learner's folder holds without being made to wait or to read without end.

A learner's folder may hold anything under an expected name: a named pipe, whose opening waits
for a writer for ever; a device; a symbolic link to a file elsewhere; a file of gigabytes. The
answer files (:mod:`curriculum.toolkit.answers`) and the feedback pages the learner's server
shows (:mod:`curriculum.landing`) are read by the one rule here, the rule the grading sandbox
keeps too: a regular file, never through a symbolic link, never past a limit. Only the standard
library is imported, because every learner's server imports this when it starts.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["NotRegularFile", "OverLimit", "read_regular"]

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class NotRegularFile(ValueError):
    """A pipe, a device, a folder or a symbolic link: never read."""


class OverLimit(ValueError):
    """A regular file over the limit: never read past it."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, which may hold at most ``limit`` of them.

    A symbolic link, a pipe or a device is refused before it is opened, and checked again on
    what was opened (it may have been swapped in between), so nothing here waits. Raises
    :class:`NotRegularFile`, :class:`OverLimit`, or ``OSError`` (``FileNotFoundError`` when there
    is no such file).
    """
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise NotRegularFile(str(path))
    with os.fdopen(os.open(path, _FLAGS), "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(str(path))
        if info.st_size > limit:
            raise OverLimit(str(path))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OverLimit(str(path))
    return data
