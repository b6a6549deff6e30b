"""Removing one learner's rows from a CSV table, keeping every other row as it was.

The roster, nbgrader's ``grades.csv``, ``records.csv`` and ``paths.csv`` all name learners in a
column; erasing a learner (``bdhvs learners forget``) drops their rows from each the same way.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path


def drop_rows(path: Path, learner: str, column: str = "learner") -> int:
    """Remove the rows whose ``column`` is ``learner``; how many were removed. The table is
    replaced whole, never left half-written."""
    if not path.is_file():
        return 0
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        rows = list(reader)
    kept = [row for row in rows if (row.get(column) or "").strip() != learner]
    if column not in fields or len(kept) == len(rows):
        return 0
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)
    os.replace(tmp, path)
    return len(rows) - len(kept)
