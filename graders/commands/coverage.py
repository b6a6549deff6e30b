"""``bdhvs coverage``: graded items and points per competence, and what each path can assess."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from graders.commands.options import verb, with_course


def run(args: argparse.Namespace) -> None:
    from graders.course.coverage import coverage
    from graders.course.directory import CONFIG_NAME, REPOSITORY_ASSIGNMENTS, Course
    from graders.course.item_kinds import KINDS

    if (Path(args.course) / CONFIG_NAME).exists():
        course = Course.open(args.course)
        source_dir, assignments = course.source_dir, course.assignments()
    else:
        source_dir = REPOSITORY_ASSIGNMENTS
        assignments = sorted(p.name for p in source_dir.iterdir() if p.is_dir())
    if args.guides:
        _refresh_guides(Path(args.guides), source_dir, assignments)
        return
    report = coverage(source_dir, assignments)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"{'competence':<11}{'auto':>5}{'manual':>7}{'points':>8}  name")
    for row in report["competences"]:
        mark = "" if row["well_covered"] else "  <- fewer than 2 auto-graded items"
        print(
            f"{row['competence']:<11}{row['auto_items']:>5}{row['manual_items']:>7}"
            f"{row['points']:>8g}  {row['name']}{mark}"
        )
    covered = sum(r["well_covered"] for r in report["competences"])
    print(f"{covered} of {len(report['competences'])} competences well covered")
    print()
    print("items per competence and step, by how the learner answers:")
    print(f"{'competence':<11}{'step':>5}" + "".join(f"{kind:>9}" for kind in KINDS))
    for row in report["competences"]:
        for step, kinds in row["kinds_by_step"].items():
            counts = "".join(f"{kinds[kind]:>9}" for kind in KINDS)
            print(f"{row['competence']:<11}{step:>5}{counts}")
    print()
    for row in report["paths"]:
        state = "fully assessable" if row["fully_assessable"] else "cannot assess"
        missing = f": {', '.join(row['unassessable'])}" if row["unassessable"] else ""
        print(f"path {row['path']}: {state}{missing}")
        if row["without_app_task"]:
            missing = ", ".join(row["without_app_task"])
            print(f"  no task in a simulated app at the target step for: {missing}")
        if row["code_items"]:
            print(f"  {len(row['code_items'])} items ask for code: {', '.join(row['code_items'])}")


def _refresh_guides(folder: Path, source_dir: Path, assignments: list[str]) -> None:
    """Rewrite the coverage table of each assignment's guide ``folder/<assignment>.md``."""
    from graders.course.coverage import refresh_guide
    from graders.course.sources import graded_items

    for assignment in assignments:
        guide = folder / f"{assignment}.md"
        if not guide.is_file():
            print(f"{assignment}: no guide {guide}")
            continue
        text = guide.read_text(encoding="utf-8")
        updated = refresh_guide(text, graded_items(source_dir, [assignment]))
        if updated != text:
            guide.write_text(updated, encoding="utf-8")
            print(f"{assignment}: {guide} updated")


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(
        commands,
        "coverage",
        run,
        "graded items per competence, step and kind; what each path can assess",
    )
    with_course(sub)
    sub.add_argument("--json", action="store_true")
    sub.add_argument(
        "--guides",
        metavar="FOLDER",
        help="rewrite the coverage table of each instructor guide FOLDER/<assignment>.md",
    )
