"""Spread independent pieces of work over the machine's cores, in forked processes.

Records and reports for a national cohort are CPU-bound Python; one process uses one core.
The work is cut into pieces (ranges of learners, slices of the grade table) and handed to a pool
of processes forked from this one, so each sees the inputs already read (the score table, the
roster) without copying them through pipes. Results come back in the pieces' order.

``jobs=1`` runs every piece in this process, which is what tests and small cohorts want.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Generic, TypeVar

from tqdm import tqdm

from graders.common.errors import BdhvsError

Piece = TypeVar("Piece")
Result = TypeVar("Result")

_work: Callable | None = None  # what the forked workers run: set just before they are forked


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: reading a national cohort makes millions of objects
    that all live to the end, and the collector would walk them again and again (three times
    the work). Everything made here is freed by reference counting as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def default_jobs() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0))


def spans(count: int, jobs: int, largest: int) -> list[tuple[int, int]]:
    """``range(count)`` cut into spans ``(start, stop)`` of at most ``largest``, and enough of
    them for ``jobs`` processes to share evenly (four each) and the progress bar to move."""
    size = max(1, min(largest, -(-count // (4 * jobs))))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


class Started(Generic[Piece, Result]):
    """Pieces already running in forked processes while this one does something else;
    :meth:`results` yields their results in order. With ``jobs=1`` they run in :meth:`results`.
    """

    def __init__(
        self,
        work: Callable[[Piece], Result],
        pieces: Sequence[Piece],
        jobs: int,
        *,
        alone: bool = False,
    ):
        """``alone``: a single piece runs in a process of its own too (with ``jobs`` > 1),
        so that this one goes on meanwhile."""
        global _work
        self.work = work
        self.pieces = list(pieces)
        self._executor: ProcessPoolExecutor | None = None
        self._running: Iterator[Result] | None = None
        if jobs > 1 and (len(self.pieces) > 1 or alone):
            _work = work
            gc.freeze()  # the workers inherit these objects: collecting them would copy them
            try:
                self._executor = ProcessPoolExecutor(
                    min(jobs, len(self.pieces)), mp_context=multiprocessing.get_context("fork")
                )
                self._running = self._executor.map(_run, self.pieces)  # forks the workers
            finally:
                gc.unfreeze()
                _work = None

    def results(
        self,
        *,
        desc: str,
        unit: str,
        size: Callable[[Piece], int] = lambda _: 1,
        progress: bool | None = False,
    ) -> Iterator[Result]:
        """Each piece's result; a progress bar counts ``size`` units a piece. ``progress=None``
        shows the bar on a terminal only. An exception in a worker is raised here."""
        bar = tqdm(
            total=sum(size(p) for p in self.pieces),
            desc=desc,
            unit=unit,
            unit_scale=True,
            disable=None if progress is None else not progress,
        )
        try:
            with bar:
                for piece, result in zip(self.pieces, self._results(), strict=True):
                    yield result
                    bar.update(size(piece))
        except BrokenProcessPool as exc:
            raise BdhvsError(
                f"a process doing {desc} died (out of memory, or killed); nothing was "
                "written: run the command again, with fewer --jobs if memory is short"
            ) from exc
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def _results(self) -> Iterator[Result]:
        if self._running is not None:
            yield from self._running
        else:
            for piece in self.pieces:
                yield self.work(piece)


def run_pieces(
    work: Callable[[Piece], Result],
    pieces: Sequence[Piece],
    *,
    jobs: int,
    desc: str,
    unit: str,
    size: Callable[[Piece], int] = lambda _: 1,
    progress: bool | None = False,
) -> Iterator[Result]:
    """``work(piece)`` for every piece, in ``jobs`` processes, yielded in order."""
    started = Started(work, pieces, jobs)
    yield from started.results(desc=desc, unit=unit, size=size, progress=progress)


def _run(piece):
    return _work(piece)


def run_spans(
    work: Callable[[tuple[int, int]], Result],
    count: int,
    *,
    jobs: int,
    largest: int,
    desc: str,
    progress: bool | None = False,
) -> Iterator[tuple[tuple[int, int], Result]]:
    """``work(span)`` for the :func:`spans` of ``count`` learners, in ``jobs`` processes:
    (span, result) in learner order, with a progress bar counting learners."""
    pieces = spans(count, jobs, largest)
    results = run_pieces(
        work,
        pieces,
        jobs=jobs,
        desc=desc,
        unit=" learners",
        size=lambda span: span[1] - span[0],
        progress=progress,
    )
    yield from zip(pieces, results, strict=True)
