"""The cohort roster ``learners.csv``: pseudonymous learner ids and their organisational units.

An optional ``path`` column names each learner's target group (a learning path id of
``curriculum/framework/paths.json``); rosters without it keep working.

Real identities never enter the course directory; whoever runs the cohort keeps the map from
pseudonymous id to person apart from it.
"""

from __future__ import annotations

import csv
from pathlib import Path

from graders.common.errors import BdhvsError

ROSTER_COLUMNS = ("learner", "unit")


def _rows(path: Path) -> list[dict[str, str]]:
    """The roster's rows; an absent roster has none."""
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "learner" not in reader.fieldnames:
            raise BdhvsError(f"{path}: the roster needs a header with the columns learner,unit")
        return list(reader)


def read_roster(path: Path) -> dict[str, str]:
    """learner id -> unit; an absent roster is an empty one."""
    return {row["learner"].strip(): (row.get("unit") or "").strip() for row in _rows(path)}


def read_roster_paths(path: Path, known: set[str]) -> dict[str, str]:
    """learner id -> learning path id, for the rows that name one; ``known`` holds valid ids."""
    paths = {}
    for line, row in enumerate(_rows(path), start=2):
        value = (row.get("path") or "").strip()
        if not value:
            continue
        if value not in known:
            raise BdhvsError(
                f"{path}, line {line}: learner {row['learner'].strip()!r} has unknown path "
                f"{value!r}; use one of {', '.join(sorted(known))}"
            )
        paths[row["learner"].strip()] = value
    return paths


def write_roster(path: Path, units: dict[str, str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROSTER_COLUMNS)
        for learner, unit in sorted(units.items()):
            writer.writerow([learner, unit])
