"""``bdhvs collect``: bring learners' hand-in files into the course, for ``bdhvs grade``."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.commands.options import verb, with_course
from graders.common.errors import BdhvsError


def run(args: argparse.Namespace) -> None:
    from graders.course.directory import Course
    from graders.course.handins import collect

    course = Course.open(Path(args.course))
    results = collect(course, [Path(path) for path in args.files])
    for result in results:
        if result.refused:
            print(f"refused  {result.source}: {result.refused}")
        else:
            print(
                f"collected {result.learner} {result.assignment} "
                f"({result.files} files) from {result.source}"
            )
    refused = sum(1 for result in results if result.refused)
    if refused:
        raise BdhvsError(f"{refused} of {len(results)} hand-in files were refused (listed above)")


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(
        commands, "collect", run, "bring learners' hand-in files (zip) into submitted/ for grading"
    )
    with_course(sub)
    sub.add_argument("files", nargs="+", metavar="FILE", help="hand-in files made by Nộp bài")
