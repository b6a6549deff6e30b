"""The output folder of ``bdhvs records``, written whole or not at all.

Layout::

    OUT/learners/<learner>.json   one record per learner (schemas/learner_record.schema.json)
    OUT/records.csv               one row per learner and competence
    OUT/paths.csv, OUT/xapi.jsonl the table exports (graders.exports.formats), one file each
    OUT/records-complete.json     written last: without it the folder is an interrupted run's

Everything is written into a fresh folder inside OUT first and swapped in at the end, so an
interrupted run leaves the previous records whole and a learner removed from the course leaves
no file. The completion file is removed just before the swap and written after it; a folder
without it is refused by :class:`StoredRecords`, and the next run reports and replaces it.

:func:`write_cohort` makes and writes the records of a national cohort on every core: each
process writes the record files of a span of learners and appends the span's rows to each table
in learner order. The tables beside ``records.csv`` are the exports it is given
(:mod:`graders.records.tables` says what one is).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from graders.common.errors import BdhvsError
from graders.common.forked import gc_paused, run_spans
from graders.common.ordered_append import OrderedAppend, write_all
from graders.records.maker import RecordMaker
from graders.records.tables import Record, SpanWriter, TableExport

CSV_COLUMNS = (
    "learner",
    "unit",
    "competence",
    "competence_name",
    "step",
    "step_code",
    "score",
    "earned",
    "available",
    "pending_items",
    "evidence_items",
)
RECORDS_CSV = "records.csv"
COMPLETE = "records-complete.json"
STAGING_PREFIX = ".records-"
SPAN = 2000  # learners a process writes in one go


@dataclass
class Written:
    """What a run (or a span of it) wrote: records, ``records.csv`` rows and, per table export's
    file, its rows or lines."""

    learners: int = 0
    csv_rows: int = 0
    exported: dict[str, int] = field(default_factory=dict)

    def add(self, other: Written) -> None:
        self.learners += other.learners
        self.csv_rows += other.csv_rows
        for table, count in other.exported.items():
            self.exported[table] = self.exported.get(table, 0) + count


def competence_columns(competence: str, entry: dict[str, Any]) -> tuple[Any, ...]:
    """A competence entry's columns of ``records.csv``, from ``competence`` on: the row of a
    learner and competence is the learner, the unit and these."""
    return (
        competence,
        entry["name"],
        entry["step"],
        entry["step_code"] or "",
        entry["score"],
        entry["earned"],
        entry["available"],
        len(entry["pending"]),
        len(entry["evidence"]),
    )


def record_json(record: dict[str, Any]) -> bytes:
    """A record file's content: compact JSON in UTF-8 on one line (a national cohort's records
    take half the disk and time they would indented; ``python -m json.tool`` shows one
    indented)."""
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


class _Formatter:
    """A record's file content (equal to :func:`record_json`'s) and ``records.csv`` rows, with
    each competence entry formatted once however many records share it
    (:class:`graders.records.maker.RecordMaker` shares them and never changes them).

    Entries are looked up by identity: the formatter keeps every entry it formatted, so no other
    object can take its ``id`` while the formatter lives, and a hit is used only when it is that
    very entry under the same competence; anything else is formatted afresh."""

    def __init__(self) -> None:
        # id of an entry -> (the entry itself; its JSON; its records.csv columns from the
        # competence on; its competence)
        self._entries: dict[int, tuple[dict, orjson.Fragment, str, str]] = {}
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="")

    def format(self, record: dict[str, Any]) -> tuple[bytes, str, int]:
        """(the record's file content, its ``records.csv`` rows as text, how many rows)."""
        known_entries = self._entries
        competences = {}
        rows = []
        for competence, entry in record["competences"].items():
            known = known_entries.get(id(entry))
            if known is None or known[0] is not entry or known[3] != competence:
                known = self._format_entry(competence, entry)
            competences[competence] = known[1]
            rows.append(known[2])
        content = record_json({**record, "competences": competences})
        learner = self._text((record["learner"], record["unit"] or ""))
        return content, "".join(f"{learner},{columns}\r\n" for columns in rows), len(rows)

    def _format_entry(
        self, competence: str, entry: dict[str, Any]
    ) -> tuple[dict, orjson.Fragment, str, str]:
        columns = self._text(competence_columns(competence, entry))
        known = (entry, orjson.Fragment(orjson.dumps(entry)), columns, competence)
        self._entries[id(entry)] = known
        return known

    def _text(self, columns: tuple[Any, ...]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._csv.writerow(columns)
        return self._buffer.getvalue()


def write_cohort(
    maker: RecordMaker,
    out: Path,
    *,
    exports: Sequence[TableExport],
    home: str,
    jobs: int = 1,
    progress: bool | None = False,
    say: Callable[[str], None] | None = None,
) -> Written:
    """Every record of ``maker`` with ``records.csv`` and the table of each of ``exports``
    (whose actors' accounts live on ``home``), made by ``jobs`` processes at once. Each process
    appends its span's rows to the tables itself, in learner order
    (:mod:`graders.common.ordered_append`)."""
    staging = _fresh_staging(out, say)
    headers = {RECORDS_CSV: ",".join(CSV_COLUMNS).encode() + b"\r\n"}
    headers.update((export.file, export.header) for export in exports)
    if len(headers) != 1 + len(exports):
        raise BdhvsError(f"two tables would be written to one file: {[e.file for e in exports]}")
    tables = _started_tables(staging, headers)
    # each forked process has a copy of its own
    writer = _PartWriter(staging, {e.file: e.span_writer(home) for e in exports})

    def write_span(span: tuple[int, int]) -> Written:
        try:
            written, pieces = writer.write(maker.records(*span), first=span[0])
        except BaseException:
            tables.abandon()
            raise
        tables.append(span, [pieces[table] for table in headers])
        return written

    try:
        written = Written(exported=dict.fromkeys([e.file for e in exports], 0))
        for _, part in run_spans(
            write_span, len(maker), jobs=jobs, largest=SPAN, desc="records", progress=progress
        ):
            written.add(part)
        _swap(staging, out, written, list(headers))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _started_tables(staging: Path, headers: dict[str, bytes]) -> OrderedAppend:
    """The tables of a staging folder, each with its header, ready for the spans' rows."""
    for table, header in headers.items():
        (staging / table).write_bytes(header)
    return OrderedAppend([staging / table for table in headers])


class _PartWriter:
    """Writes parts of a cohort (spans of learners) into a staging folder.

    One writer serves every span a process writes, so that a competence entry shared by many
    learners is formatted once in that process rather than once in each span: a worker meets
    most of a national cohort's entries within its first spans (formatting them anew in each
    span took a quarter of the time of a record's file and statements). The exports' span
    writers are kept for the same reason.
    """

    def __init__(self, staging: Path, exports: dict[str, SpanWriter]) -> None:
        self._learners = str(staging / "learners")
        self._formatter = _Formatter()
        self._exports = exports

    def write(
        self, records: Iterator[Record], *, first: int
    ) -> tuple[Written, dict[str, list[bytes]]]:
        """Write records (the ``first``-th of the run first) into ``learners``; return their
        ``records.csv`` rows and each export's, as each table's pieces."""
        formatter = self._formatter
        written = Written()
        csv_rows: list[str] = []
        span: list[Record] = []
        with gc_paused():
            for record in records:
                content, rows, count = formatter.format(record)
                _write_new(f"{self._learners}/{record['learner']}.json", content)
                csv_rows.append(rows)
                written.csv_rows += count
                span.append(record)
            written.learners = len(span)
            tables = {RECORDS_CSV: ["".join(csv_rows).encode()]}
            for table, span_writer in self._exports.items():
                # an xAPI span's pieces are tens of megabytes: written as they are
                tables[table], written.exported[table] = span_writer(span, first)
        return written, tables


def _write_new(path: str, content: bytes) -> None:
    """Write a new file: a national cohort's hundred thousand files are written without the
    cost of path objects and buffered file objects."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        write_all(handle, content)
    finally:
        os.close(handle)


def _fresh_staging(out: Path, say: Callable[[str], None] | None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for problem in leftovers(out):
        if say:
            say(f"warning: {problem}; it is discarded and written afresh")
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    (staging / "learners").mkdir()
    return staging


def _swap(staging: Path, out: Path, written: Written, tables: list[str]) -> None:
    """Put the new records and tables in place of the old, then write the completion file."""
    (out / COMPLETE).unlink(missing_ok=True)
    current = out / "learners"
    if current.exists():
        current.rename(staging / "previous")
    (staging / "learners").rename(current)
    for table in tables:
        (staging / table).replace(out / table)
    marker = {
        "learners": written.learners,
        "csv_rows": written.csv_rows,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    tmp = staging / COMPLETE
    tmp.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out / COMPLETE)


def leftovers(out: Path) -> list[str]:
    """What an interrupted earlier run left in ``out``, described for the person running."""
    found = [
        f"{path} is the unfinished work of an interrupted run"
        for path in sorted(out.glob(f"{STAGING_PREFIX}*"))
    ]
    if (out / "learners").exists() and not (out / COMPLETE).is_file():
        found.append(f"the records in {out} are incomplete (an earlier run was interrupted)")
    return found


class StoredRecords:
    """The records of a complete output folder, read back one file at a time, in learner order.

    Refuses a folder an interrupted run left behind: a partial set of records must never pass
    for the whole cohort.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        marker = out / COMPLETE
        try:
            self.summary = json.loads(marker.read_text(encoding="utf-8"))
            expected = int(self.summary["learners"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BdhvsError(
                f"{out} holds no complete set of records ({marker.name} missing or damaged: "
                f"an earlier bdhvs records was interrupted); run bdhvs records again"
            ) from exc
        self.paths = sorted((out / "learners").glob("*.json"), key=lambda p: p.stem)
        if len(self.paths) != expected:
            raise BdhvsError(
                f"{out / 'learners'} holds {len(self.paths)} records where {expected} were "
                "written: the folder was changed after writing; run bdhvs records again"
            )

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for path in self.paths:
            yield orjson.loads(path.read_bytes())
