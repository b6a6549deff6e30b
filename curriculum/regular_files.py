"""Reading a file a learner's folder holds without being made to wait or to read without end.

A learner's folder may hold anything under an expected name: a named pipe, whose opening waits
for a writer for ever; a device; a symbolic link to a file elsewhere; a file of gigabytes. Every
such file is read by the one rule here: the answer files (:mod:`curriculum.toolkit.answers`),
the feedback pages the learner's server shows (:mod:`curriculum.landing`), and, through
:func:`graders.common.learner_files.read_capped`, the files grading reads from a submission
folder (the sandbox reads answer files from inside its own view with the same checks). It
is a regular file, never reached through a symbolic link, never read past a limit, and read in
pieces, so that memory follows the file's size and not the limit. Only the standard library is
imported, because every learner's server imports this when it starts.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

__all__ = ["Changed", "NotRegularFile", "OverLimit", "read_regular"]

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_PIECE = 1 << 20


class NotRegularFile(ValueError):
    """A pipe, a device, a folder or (``link``) a symbolic link: never opened."""

    def __init__(self, path: Path, *, link: bool) -> None:
        super().__init__(str(path))
        self.link = link


class Changed(NotRegularFile):
    """What was opened is not what was looked at: it was swapped in between."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, link=False)


class OverLimit(ValueError):
    """A regular file over the limit: never read past it."""


def read_regular(
    path: Path, limit: int, accept: Callable[[os.stat_result], None] | None = None
) -> bytes:
    """The bytes of the regular file ``path``, which may hold at most ``limit`` of them.

    A symbolic link, a pipe or a device is refused before it is opened, and what was opened is
    checked to be the file looked at, so nothing here waits. ``accept``, given the opened
    file's status, may refuse it too (by raising) before anything is read. Raises
    :class:`NotRegularFile` (:class:`Changed`), :class:`OverLimit`, or ``OSError``
    (``FileNotFoundError`` when there is no such file).
    """
    before = os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        raise NotRegularFile(path, link=stat.S_ISLNK(before.st_mode))
    with os.fdopen(os.open(path, _FLAGS), "rb", buffering=0) as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise Changed(path)
        if accept is not None:
            accept(info)
        if info.st_size > limit:
            raise OverLimit(str(path))
        pieces, size = [], 0
        while size <= limit:
            piece = handle.read(min(_PIECE, limit + 1 - size))
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
    if size > limit:
        raise OverLimit(str(path))
    return b"".join(pieces)
