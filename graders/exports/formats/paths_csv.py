"""``paths.csv``: one row per learner and learning path, for HR systems.

Beside ``records.csv`` (one row per learner and competence). ``completed`` is ``true`` or
``false``; ``missing`` lists the competences still short of the required step, separated by
spaces.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

PATHS_CSV = "paths.csv"
PATH_COLUMNS = ("learner", "unit", "path", "completed", "met", "required", "missing")


def path_rows(record: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
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


def write_paths_csv(records: Iterable[dict[str, Any]], path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PATH_COLUMNS)
        for record in records:
            writer.writerows(path_rows(record))
    os.replace(tmp, path)
    return path
