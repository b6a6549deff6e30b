"""``bdhvs coverage``: how the assignments assess each competence and each learning path.

A competence is well covered when at least two auto-graded items assess it. A learning path is
fully assessable when, for each competence it requires, its modules hold an auto-graded item
that targets the required step or a higher one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curriculum.framework import load_framework
from curriculum.modules import load_modules
from graders.course.sources import GradedItem, graded_items

MIN_AUTO_ITEMS = 2


def competence_rows(items: list[GradedItem]) -> list[dict[str, Any]]:
    """One row per framework competence, assessed or not, in framework order."""
    framework = load_framework()
    rows = []
    for domain in framework.domains:
        for competence_id in domain.competence_ids:
            tagged = [i for i in items if competence_id in i.competences]
            auto = sum(not i.manual for i in tagged)
            rows.append(
                {
                    "competence": competence_id,
                    "name": framework.competence(competence_id).name_vi,
                    "auto_items": auto,
                    "manual_items": sum(i.manual for i in tagged),
                    "points": sum(i.points for i in tagged),
                    "steps": sorted({i.step for i in tagged}),
                    "assignments": sorted({i.assignment for i in tagged}),
                    "well_covered": auto >= MIN_AUTO_ITEMS,
                }
            )
    return rows


def path_rows(items: list[GradedItem]) -> list[dict[str, Any]]:
    """Per learning path: the requirements its own modules cannot assess."""
    assignment_of = {m.id: m.assignment for m in load_modules()}
    rows = []
    for path in load_framework().paths:
        assignments = {assignment_of.get(module) for module in path.modules}
        own = [i for i in items if i.assignment in assignments and not i.manual]
        unassessable = [
            f"{r.competence}@{r.step}"
            for r in path.requirements
            if not any(r.competence in i.competences and i.step >= r.step for i in own)
        ]
        rows.append(
            {
                "path": path.id,
                "modules": list(path.modules),
                "requirements": len(path.requirements),
                "unassessable": unassessable,
                "fully_assessable": not unassessable,
            }
        )
    return rows


def coverage(source_dir: Path, assignments: list[str]) -> dict[str, list[dict[str, Any]]]:
    items = graded_items(source_dir, assignments)
    return {"competences": competence_rows(items), "paths": path_rows(items)}
