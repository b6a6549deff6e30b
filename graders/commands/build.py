"""``bdhvs build``: check the sources and write what learners receive."""

from __future__ import annotations

import argparse

from graders.commands.options import open_with_gradebook, verb, with_course, with_db


def run(args: argparse.Namespace) -> None:
    from graders.course.build import build

    course = open_with_gradebook(args)
    for name in build(course, args.assignments):
        print(f"built {name} -> {course.release_dir / name}")


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(commands, "build", run, "validate sources and generate release versions")
    with_course(sub)
    with_db(sub)
    sub.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
