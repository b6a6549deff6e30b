"""``bdhvs coverage``: how the assignments assess each competence and each learning path.

A competence is well covered when at least two auto-graded items assess it. A learning path is
fully assessable when, for each competence it requires, its modules hold an auto-graded item
that targets the required step or a higher one. Items are also counted by kind (task in a
simulated app, choice, typed answer, written answer, code; see
:mod:`graders.course.item_kinds`) per competence and step, and a path lists the items on it
that ask for code: the learners of a path are not expected to program.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curriculum.framework import load_framework
from curriculum.modules import load_modules
from graders.common.errors import BdhvsError
from graders.course.item_kinds import KINDS
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
                    "kinds_by_step": kinds_by_step(tagged),
                }
            )
    return rows


def kinds_by_step(items: list[GradedItem]) -> dict[int, dict[str, int]]:
    """step -> kind -> number of ``items``, every kind present (zero when none)."""
    table: dict[int, dict[str, int]] = {}
    for item in items:
        row = table.setdefault(item.step, dict.fromkeys(KINDS, 0))
        row[item.kind] += 1
    return dict(sorted(table.items()))


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
        no_task = [
            f"{r.competence}@{r.step}"
            for r in path.requirements
            if not any(
                r.competence in i.competences and i.step >= r.step and i.kind == "app" for i in own
            )
        ]
        code = sorted(
            f"{i.assignment}/{i.cell}"
            for i in items
            if i.assignment in assignments and i.kind == "code"
        )
        rows.append(
            {
                "path": path.id,
                "code_items": code,
                "without_app_task": no_task,
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


GUIDE_START = "<!-- bdhvs coverage: bắt đầu -->"
GUIDE_END = "<!-- bdhvs coverage: kết thúc -->"
_KIND_HEADINGS = {
    "app": "Nhiệm vụ trong ứng dụng mô phỏng",
    "choice": "Chọn, sắp xếp, ghép",
    "typed": "Gõ từ, số, câu ngắn",
    "written": "Bài viết (giảng viên chấm)",
    "code": "Viết mã",
}


def guide_table(items: list[GradedItem]) -> str:
    """The instructor guide's table: items per competence and step, by how the learner answers."""
    lines = [
        "| Năng lực | Bậc | " + " | ".join(_KIND_HEADINGS[kind] for kind in KINDS) + " |",
        "|---|---|" + "---|" * len(KINDS),
    ]
    for row in competence_rows(items):
        for step, kinds in row["kinds_by_step"].items():
            counts = " | ".join(str(kinds[kind]) for kind in KINDS)
            lines.append(f"| {row['competence']} {row['name']} | {step} | {counts} |")
    return "\n".join(lines)


def refresh_guide(text: str, items: list[GradedItem]) -> str:
    """``text`` of a guide with its coverage block rewritten from ``items``.

    The block lies between :data:`GUIDE_START` and :data:`GUIDE_END`; a guide without one is
    refused, so that a guide is never silently left out of date.
    """
    start, end = text.find(GUIDE_START), text.find(GUIDE_END)
    if start < 0 or end < start:
        raise BdhvsError(f"no coverage block ({GUIDE_START} … {GUIDE_END}) in the guide")
    block = f"{GUIDE_START}\n{guide_table(items)}\n"
    return text[:start] + block + text[end:]
