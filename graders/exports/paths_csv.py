"""``paths.csv``: one row per learner and learning path, for HR systems.

Beside ``records.csv`` (one row per learner and competence). ``completed`` is ``true`` or
``false``; ``missing`` lists the competences still short of the required step, separated by
spaces.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

PATH_COLUMNS = ("learner", "unit", "path", "completed", "met", "required", "missing")


def path_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        for path, progress in record["paths"].items():
            rows.append(
                {
                    "learner": record["learner"],
                    "unit": record["unit"] or "",
                    "path": path,
                    "completed": "true" if progress["completed"] else "false",
                    "met": progress["met"],
                    "required": progress["required"],
                    "missing": " ".join(progress["missing"]),
                }
            )
    return rows


def write_paths_csv(records: list[dict[str, Any]], path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=PATH_COLUMNS)
        writer.writeheader()
        writer.writerows(path_rows(records))
    os.replace(tmp, path)
    return path
