"""The output folder of ``bdhvs records``, written whole or not at all.

Layout::

    OUT/learners/<learner>.json   one record per learner (schemas/learner_record.schema.json)
    OUT/records.csv               one row per learner and competence
    OUT/paths.csv, OUT/xapi.jsonl the table exports (graders.exports), with bdhvs records
    OUT/records-complete.json     written last: without it the folder is an interrupted run's

Everything is written into a fresh folder inside OUT first and swapped in at the end, so an
interrupted run leaves the previous records whole and a learner removed from the course leaves
no file. The completion file is removed just before the swap and written after it; a folder
without it is refused by :class:`StoredRecords`, and the next run reports and replaces it.

:func:`write_cohort` makes and writes the records of a national cohort on every core: each
process writes the records of a span of learners and its part of each table, and the parts are
joined in learner order at the end.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from graders.errors import BdhvsError
from graders.exports.paths_csv import PATH_COLUMNS, PATHS_CSV, path_rows
from graders.exports.xapi import XAPI, statement_lines
from graders.forked import gc_paused, run_spans
from graders.jsonschemas import full_check_due
from graders.records import RecordMaker

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
    learners: int = 0
    csv_rows: int = 0
    statements: int = 0

    def add(self, other: Written) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def record_rows(record: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The ``records.csv`` rows of one record, in :data:`CSV_COLUMNS` order."""
    for competence, entry in record["competences"].items():
        yield (
            record["learner"],
            record["unit"] or "",
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


def write_records(
    records: Iterable[dict[str, Any]],
    out: Path,
    *,
    say: Callable[[str], None] | None = None,
) -> Path:
    """Write ``learners/<id>.json``, ``records.csv`` and, last, ``records-complete.json``."""
    staging = _fresh_staging(out, say)
    try:
        with _Tables(staging, {RECORDS_CSV: CSV_COLUMNS}) as tables:
            written = _write_part(records, staging, "part", first=0, home=None)
            tables.append("part")
        _swap(staging, out, written, [RECORDS_CSV])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def write_cohort(
    maker: RecordMaker,
    out: Path,
    *,
    home: str,
    jobs: int = 1,
    progress: bool | None = False,
    say: Callable[[str], None] | None = None,
) -> Written:
    """Every record of ``maker`` with ``records.csv``, ``paths.csv`` and ``xapi.jsonl`` (whose
    actors' accounts live on ``home``), made by ``jobs`` processes at once."""
    staging = _fresh_staging(out, say)

    def write_span(span: tuple[int, int]) -> Written:
        records = (maker.record(number) for number in range(*span))
        return _write_part(records, staging, _part_name(span), first=span[0], home=home)

    headers = {RECORDS_CSV: CSV_COLUMNS, PATHS_CSV: PATH_COLUMNS, XAPI: None}
    try:
        written = Written()
        with _Tables(staging, headers) as tables:
            for span, part in run_spans(
                write_span, len(maker), jobs=jobs, largest=SPAN, desc="records", progress=progress
            ):
                written.add(part)
                tables.append(_part_name(span))  # while the other processes go on
        _swap(staging, out, written, list(headers))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


class _Tables:
    """The tables of a staging folder, each joined from its parts in learner order."""

    def __init__(self, staging: Path, headers: dict[str, tuple | None]) -> None:
        self.staging = staging
        self.headers = headers
        self.files: dict[str, Any] = {}

    def __enter__(self) -> _Tables:
        for table, header in self.headers.items():
            handle = self.files[table] = open(
                self.staging / table, "w", newline="", encoding="utf-8"
            )
            if header:
                csv.writer(handle).writerow(header)
            handle.flush()
        return self

    def append(self, name: str) -> None:
        for table, handle in self.files.items():
            part = self.staging / "parts" / f"{name}.{table}"
            with open(part, "rb") as source:
                shutil.copyfileobj(source, handle.buffer, 1 << 20)
            part.unlink()

    def __exit__(self, *exc: object) -> None:
        for handle in self.files.values():
            handle.close()


def _part_name(span: tuple[int, int]) -> str:
    return f"part-{span[0]:09d}"


def _write_part(
    records: Iterable[dict[str, Any]], staging: Path, name: str, *, first: int, home: str | None
) -> Written:
    """Write records into ``staging/learners`` and their table rows into ``staging/parts``;
    the xAPI statements and path rows too when ``home`` is given."""
    learners = staging / "learners"
    parts = staging / "parts"
    written = Written()
    with (
        gc_paused(),
        open(parts / f"{name}.{RECORDS_CSV}", "w", newline="", encoding="utf-8") as records_file,
        open(parts / f"{name}.{PATHS_CSV}", "w", newline="", encoding="utf-8") as paths_file,
        open(parts / f"{name}.{XAPI}", "wb") as xapi_file,
    ):
        record_writer = csv.writer(records_file)
        path_writer = csv.writer(paths_file)
        for number, record in enumerate(records, first):
            (learners / f"{record['learner']}.json").write_bytes(record_json(record))
            rows = list(record_rows(record))
            record_writer.writerows(rows)
            written.csv_rows += len(rows)
            written.learners += 1
            if home is None:
                continue
            path_writer.writerows(path_rows(record))
            lines = statement_lines(record, home, schema=full_check_due(number))
            xapi_file.writelines(lines)
            written.statements += len(lines)
    return written


def _fresh_staging(out: Path, say: Callable[[str], None] | None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for problem in leftovers(out):
        if say:
            say(f"warning: {problem}; it is discarded and written afresh")
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    (staging / "learners").mkdir()
    (staging / "parts").mkdir()
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
