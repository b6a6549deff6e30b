"""What a table export is to the records folder: the protocol every export format follows.

:func:`graders.records.folder.write_cohort` writes the records and ``records.csv`` itself and,
beside them, every table export it is given (``graders.exports.formats`` finds them, one file
each). It starts each table with its header, hands each process's span of records to the
export's span writer and appends what comes back to the table in learner order, so a format
needs to know nothing of processes, staging folders or the order spans finish in. The protocol is
here, with the records, because the records stage writes the tables; ``docs/exports.md`` says it
for people adding a format.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

#: A record as :class:`graders.records.maker.RecordMaker` makes it.
Record = dict[str, Any]


class SpanWriter(Protocol):
    def __call__(self, records: Sequence[Record], first: int) -> tuple[list[bytes], int]:
        """A span's piece of the table: (its bytes, as one or more pieces written one after the
        other; how many rows or lines they hold). ``first`` is the number of the span's first
        learner in the cohort (for work done on some learners only, like full schema checks)."""
        ...


class TableExport(Protocol):
    """One table written beside the records."""

    #: the table's file name in the output folder
    file: str
    #: written before the first span's rows (``b""`` for none)
    header: bytes

    def span_writer(self, home: str) -> SpanWriter:
        """What makes the table's pieces of spans of records whose actors' accounts live on
        ``home``. Made once before the work is spread over processes, so each process keeps
        what it formats once (records share their competence entries) for all its spans."""
        ...

    def summary(self, path: Path, count: int) -> str:
        """The line telling the person running what was written (``count`` rows or lines into
        ``path``)."""
        ...

    def forget(self, path: Path, learner: str) -> str | None:
        """Remove everything of ``learner`` from the table at ``path`` (``bdhvs learners
        forget``), keeping the rest; what was removed, for the person running, or None."""
        ...
