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
        _publish_revocations(args)
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


def _publish_revocations(args: argparse.Namespace) -> None:
    """Sign the status lists again, so verifiers learn of the revocations, or say how to."""
    from graders.credentials.issuer import load_issuer
    from graders.credentials.registry import CREDENTIALS
    from graders.credentials.revocation import publish_status_lists

    outs = [Path(out) for out in args.out if (Path(out) / CREDENTIALS).is_dir()]
    if not args.key:
        for out in outs:
            print(f"note     publish the revocation: bdhvs credential revoke --out {out} --key KEY")
        return
    issuer = load_issuer(Path(args.key))
    for out in outs:
        for listed in publish_status_lists(out, issuer):
            print(f"signed   status list: {listed.note()}")


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
    sub.add_argument(
        "--key",
        metavar="FILE",
        help="issuer key: sign the status lists again so verifiers see the revocations",
    )
    sub.set_defaults(handler=run_forget)
