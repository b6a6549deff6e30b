"""``bdhvs grade``: autograde every submission of an assignment into the gradebook."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.commands.options import open_with_gradebook, positive, verb, with_course, with_db
from graders.grading.engines import DEFAULT, engines


def run(args: argparse.Namespace) -> None:
    from graders.grading.runners.fork_startup import start_early

    # The sandbox's zygote warms up while this process loads nbgrader (the fork engine on this
    # machine only; a Dask cluster's workers start their own).
    fork_here = args.engine == "fork" and args.scheduler is None
    early = start_early(Path(args.course), args.assignment) if fork_here else None
    try:
        from graders.grading.grade import grade, report_path

        course = open_with_gradebook(args)
        outcomes = grade(
            course,
            args.assignment,
            progress=not args.quiet,
            engine=args.engine,
            workers=args.workers,
            force=args.force,
            say=print,
            scheduler=args.scheduler,
            early=early,
        )
    finally:
        if early is not None:
            early.close()
    graded = [o for o in outcomes if o.status == "graded"]
    failed = [o for o in outcomes if o.status == "failed"]
    print(f"{args.assignment}: {len(graded)} graded, {len(failed)} failed, {len(outcomes)} in all")
    for outcome in failed:
        print(f"  FAILED  {outcome.learner}: {outcome.message}")
    for outcome in outcomes:
        for flag in outcome.flags:
            print(f"  FLAG    {outcome.learner}: {flag}")
    print(f"report: {report_path(course, args.assignment)}")


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(commands, "grade", run, "autograde every submission of an assignment")
    with_course(sub)
    with_db(sub)
    sub.add_argument("assignment", metavar="ASSIGNMENT")
    sub.add_argument("--quiet", action="store_true", help="no progress bar")
    known = engines()
    sub.add_argument(
        "--engine",
        choices=tuple(known),
        default=DEFAULT,
        help="; ".join(
            f"{name}: {engine.help}{' (default)' if name == DEFAULT else ''}"
            for name, engine in known.items()
        ),
    )
    sub.add_argument("--workers", type=positive, help="notebooks run at once (default: cores)")
    sub.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the notebooks on the Dask cluster of this scheduler (tcp://host:8786); "
        "see docs/grading-at-scale.md",
    )
    sub.add_argument(
        "--force", action="store_true", help="grade again learners whose work has not changed"
    )
