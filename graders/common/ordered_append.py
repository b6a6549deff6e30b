"""Files that several processes append to, each part in its place in a fixed order.

The records of a national cohort are made a span of learners at a time by forked processes
(:mod:`graders.common.forked`), and their tables (``records.csv``, ``xapi.jsonl``) must list the
learners in order. Handing each span's rows back to the main process to write costs as much as
making them: gigabytes pickled through a pipe and written once more, by a process that competes
for the same cores. Here the process that made a span appends its rows itself, when the spans
before it have been appended: spans are handed out in order, so the one it waits for is always
being made.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

WAIT_SECONDS = 1.0  # how often a waiting process looks whether the run was abandoned
PIECES_PER_CALL = min(os.sysconf("SC_IOV_MAX"), 1024)  # what one writev may take


class Abandoned(Exception):
    """Another process failed: the parts after its own will never have their turn."""


class OrderedAppend:
    """Append a part, given as pieces, to each of ``files`` once every part before it is there.

    Parts are keyed by ``(start, stop)`` spans that tile ``range(count)`` from 0; made before the
    processes are forked, so that they share the turn.
    """

    def __init__(self, files: list[Path]) -> None:
        context = multiprocessing.get_context("fork")
        self.files = [str(f) for f in files]
        self._turn = context.RawValue("q", 0)  # the start of the next span to append
        self._abandoned = context.RawValue("b", 0)
        self._changed = context.Condition()

    def append(self, span: tuple[int, int], parts: list[list[bytes]]) -> None:
        """Wait for ``span``'s turn, append its parts (one per file, each a list of pieces
        written one after the other) and pass the turn on."""
        if len(parts) != len(self.files):
            raise ValueError(f"{len(parts)} parts for {len(self.files)} files")
        start, stop = span
        with self._changed:
            while self._turn.value != start:
                if self._abandoned.value:
                    raise Abandoned("another process failed; the run was abandoned")
                self._changed.wait(WAIT_SECONDS)
        try:
            for path, content in zip(self.files, parts, strict=True):
                _append(path, content)
        except BaseException:
            self.abandon()
            raise
        with self._changed:
            self._turn.value = stop
            self._changed.notify_all()

    def abandon(self) -> None:
        """Tell every waiting process that the turn will not come (this one failed)."""
        with self._changed:
            self._abandoned.value = 1
            self._changed.notify_all()


def _append(path: str, pieces: list[bytes]) -> None:
    """Write the pieces with ``writev``: joining a span's xAPI statements first would copy tens
    of megabytes into memory fresh from the kernel, for nothing."""
    handle = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        for start in range(0, len(pieces), PIECES_PER_CALL):
            batch = pieces[start : start + PIECES_PER_CALL]
            written = os.writev(handle, batch)
            if written < sum(map(len, batch)):  # a short write: finish the batch piece by piece
                write_all(handle, b"".join(batch)[written:])
    finally:
        os.close(handle)


def write_all(handle: int, content: bytes) -> None:
    """Write all of ``content`` to an open file descriptor (``os.write`` may write less)."""
    view = memoryview(content)
    while view:
        view = view[os.write(handle, view) :]
