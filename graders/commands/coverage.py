"""``bdhvs coverage``: graded items and points per competence, and what each path can assess."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from graders.commands.options import verb, with_course


def run(args: argparse.Namespace) -> None:
    from graders.course.coverage import coverage
    from graders.course.directory import CONFIG_NAME, REPOSITORY_ASSIGNMENTS, Course

    if (Path(args.course) / CONFIG_NAME).exists():
        course = Course.open(args.course)
        source_dir, assignments = course.source_dir, course.assignments()
    else:
        source_dir = REPOSITORY_ASSIGNMENTS
        assignments = sorted(p.name for p in source_dir.iterdir() if p.is_dir())
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
    for row in report["paths"]:
        state = "fully assessable" if row["fully_assessable"] else "cannot assess"
        missing = f": {', '.join(row['unassessable'])}" if row["unassessable"] else ""
        print(f"path {row['path']}: {state}{missing}")


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(commands, "coverage", run, "graded items and points per competence")
    with_course(sub)
    sub.add_argument("--json", action="store_true")
