"""``bdhvs records``: one competency record per learner, the tables and, with a key,
credentials."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from graders.commands.options import (
    jobs,
    open_with_gradebook,
    positive,
    rollup_policy,
    verb,
    with_course,
    with_db,
    with_jobs,
    with_rollup,
)
from graders.exports.lrs import DEFAULT_BATCH

if TYPE_CHECKING:
    from graders.exports.lrs.client import Lrs


def run(args: argparse.Namespace) -> None:
    from graders.common.errors import BdhvsError
    from graders.exports.lrs.client import Lrs

    if args.send_only and not args.lrs:
        raise BdhvsError("--send-only sends to a learning record store: give it with --lrs URL")
    lrs = Lrs.from_environment(args.lrs) if args.lrs else None  # checked before the long work
    if not args.send_only:
        write_records(args)
    if lrs is not None:
        send(args, lrs)


def write_records(args: argparse.Namespace) -> None:
    from graders.credentials.issuer import home_page, load_issuer
    from graders.exports.write import write_outputs

    course = open_with_gradebook(args)
    issuer = load_issuer(Path(args.key)) if args.key else None
    out = Path(args.out)
    outputs = write_outputs(
        course,
        out,
        home=home_page(args.home_page, issuer),
        policy=rollup_policy(args),
        issuer=issuer,
        jobs=jobs(args),
        lang=args.lang,
        pdf=args.pdf,
        progress=None,
        say=print,
    )
    print(f"{outputs.written.learners} learner records -> {out / 'learners'}")
    print(f"table -> {out / 'records.csv'}")
    for line in outputs.lines():
        print(line)


def send(args: argparse.Namespace, lrs: Lrs) -> None:
    """Send the statements written into ``--out`` to the LRS, continuing an earlier run."""
    from graders.exports.lrs.send import send_statements
    from graders.exports.xapi import XAPI

    jsonl = Path(args.out) / XAPI
    print(send_statements(jsonl, lrs, batch=args.lrs_batch, progress=None, say=print).line())


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(commands, "records", run, "write one competency record per learner")
    with_course(sub)
    with_db(sub)
    sub.add_argument("--out", required=True, metavar="OUTDIR")
    with_rollup(sub)
    sub.add_argument("--key", metavar="FILE", help="issuer key: also issue signed credentials")
    sub.add_argument("--home-page", metavar="URL", help="the organisation's home page for xAPI")
    sub.add_argument("--lang", choices=("vi", "en"), default="vi", help="certificate language")
    sub.add_argument("--pdf", action="store_true", help="also print certificates to PDF")
    with_jobs(sub)
    sub.add_argument(
        "--lrs",
        metavar="URL",
        help="then send the xAPI statements to this learning record store (its xAPI address, "
        "before /statements), with the credentials in BDHVS_LRS_USER and BDHVS_LRS_PASSWORD "
        "or BDHVS_LRS_AUTH; a stopped sending continues where it stopped",
    )
    sub.add_argument(
        "--lrs-batch",
        type=positive,
        default=DEFAULT_BATCH,
        metavar="N",
        help=f"statements per request to the LRS (default: {DEFAULT_BATCH})",
    )
    sub.add_argument(
        "--send-only",
        action="store_true",
        help="with --lrs: send the statements already in OUTDIR, without making the records",
    )
