"""``bdhvs build``: check the sources and write what learners receive."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from graders.commands.options import open_with_gradebook, verb, with_course, with_db


def run(args: argparse.Namespace) -> None:
    from graders.course.build import build

    if args.learner_copy:
        copy_for_learners(Path(args.learner_copy), args.assignments)
        return
    course = open_with_gradebook(args)
    for name in build(course, args.assignments):
        print(f"built {name} -> {course.release_dir / name}")


def copy_for_learners(destination: Path, assignments: list[str]) -> None:
    """Release the repository's assignments into ``destination`` with no course left behind:
    self-study (Binder, ``make lab``) has learners but no instructor's course."""
    from graders.course.build import build
    from graders.course.directory import init_course

    with tempfile.TemporaryDirectory() as scratch:
        course = init_course(Path(scratch) / "course")
        names = build(course, assignments)
        destination.mkdir(parents=True, exist_ok=True)
        shutil.copytree(course.release_dir, destination, dirs_exist_ok=True)
    for name in names:
        print(f"released {name} -> {destination / name}")


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(commands, "build", run, "validate sources and generate release versions")
    with_course(sub)
    with_db(sub)
    sub.add_argument(
        "--learner-copy",
        metavar="DIR",
        help="release the repository's assignments into DIR for self-study, without a course",
    )
    sub.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
