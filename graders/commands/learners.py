"""``bdhvs learners forget``: erase a learner from the course and the output folders."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.commands.options import open_with_gradebook
from graders.common.errors import BdhvsError


def run_forget(args: argparse.Namespace) -> None:
    from graders.privacy.forget import forget_learner

    course = open_with_gradebook(args)
    report = forget_learner(course, args.learner, [Path(out) for out in args.out])
    for line in report.removed:
        print(f"removed  {line}")
    if report.revoked:
        print(f"revoked  {len(report.revoked)} credentials (listed in credentials/revoked.json)")
    for note in report.notes:
        print(f"note     {note}")
    if report.leftovers:
        listed = "\n  ".join(str(p) for p in report.leftovers)
        raise BdhvsError(
            f"{args.learner} is still named in these files; remove or edit them by hand:"
            f"\n  {listed}"
        )
    print(
        f"learner {args.learner} forgotten: nothing in the course or the output folders names them"
    )


def register(commands: argparse._SubParsersAction) -> None:
    learners = commands.add_parser("learners", help="learners' personal data")
    actions = learners.add_subparsers(dest="learners_command", required=True, metavar="ACTION")
    sub = actions.add_parser(
        "forget", help="erase a learner from the course and the output folders"
    )
    sub.add_argument("learner", metavar="ID")
    sub.add_argument("--course", default=".", help="course directory (default: current)")
    sub.add_argument("--db", metavar="URL", help="gradebook database (default: the course's)")
    sub.add_argument(
        "--out", action="append", default=[], metavar="OUTDIR", help="an output folder (repeat)"
    )
    sub.set_defaults(handler=run_forget)
