"""``bdhvs integrity``: near-identical work, fast completions, grades changed by hand."""

from __future__ import annotations

import argparse
import json

from graders.commands.options import open_with_gradebook, verb, with_course, with_db


def run(args: argparse.Namespace) -> None:
    from graders.integrity.findings import check_integrity

    course = open_with_gradebook(args)
    findings = check_integrity(course, args.assignments, progress=not args.json)
    if args.json:
        print(json.dumps(findings.as_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(findings.lines()))


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(
        commands,
        "integrity",
        run,
        "near-identical submissions, implausibly fast completions, grades changed by hand",
    )
    with_course(sub)
    with_db(sub)
    sub.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
    sub.add_argument("--json", action="store_true")
