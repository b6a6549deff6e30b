"""``bdhvs coverage``: how many graded items and points assess each competence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curriculum.framework import load_framework
from graders.sources import graded_items


def coverage(source_dir: Path, assignments: list[str]) -> list[dict[str, Any]]:
    """One row per framework competence, assessed or not, in framework order."""
    framework = load_framework()
    items = graded_items(source_dir, assignments)
    rows = []
    for domain in framework.domains:
        for competence_id in domain.competence_ids:
            tagged = [i for i in items if competence_id in i.competences]
            rows.append(
                {
                    "competence": competence_id,
                    "name": framework.competence(competence_id).name_vi,
                    "auto_items": sum(not i.manual for i in tagged),
                    "manual_items": sum(i.manual for i in tagged),
                    "points": sum(i.points for i in tagged),
                    "steps": sorted({i.step for i in tagged}),
                    "assignments": sorted({i.assignment for i in tagged}),
                }
            )
    return rows
