"""``paths.csv``: one row per learner and learning path, for HR systems.

Beside ``records.csv`` (one row per learner and competence). ``completed`` is ``true`` or
``false``; ``missing`` lists the competences still short of the required step, separated by
spaces.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from graders.common.csv_rows import drop_rows
from graders.records.tables import Record, SpanWriter

PATHS_CSV = "paths.csv"
PATH_COLUMNS = ("learner", "unit", "path", "completed", "met", "required", "missing")


def path_rows(record: Record) -> Iterator[tuple[Any, ...]]:
    """The rows of one record, in :data:`PATH_COLUMNS` order."""
    for path, progress in record["paths"].items():
        yield (
            record["learner"],
            record["unit"] or "",
            path,
            "true" if progress["completed"] else "false",
            progress["met"],
            progress["required"],
            " ".join(progress["missing"]),
        )


class PathsCsv:
    file = PATHS_CSV
    header = ",".join(PATH_COLUMNS).encode() + b"\r\n"

    def span_writer(self, home: str) -> SpanWriter:
        """Rows need no home page and keep nothing between spans."""
        return _span_rows

    def summary(self, path: Path, count: int) -> str:
        return f"paths table -> {path}"

    def forget(self, path: Path, learner: str) -> str | None:
        removed = drop_rows(path, learner)
        return f"{path}: {removed} rows" if removed else None


def _span_rows(records: Sequence[Record], first: int) -> tuple[list[bytes], int]:
    text = io.StringIO()
    writer = csv.writer(text)
    count = 0
    for record in records:
        writer.writerows(path_rows(record))
        count += len(record["paths"])
    return [text.getvalue().encode()], count


EXPORT = PathsCsv()
