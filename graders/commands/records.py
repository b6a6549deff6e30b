"""``bdhvs records``: one competency record per learner, the tables and, with a key,
credentials."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.commands.options import (
    jobs,
    open_with_gradebook,
    rollup_policy,
    verb,
    with_course,
    with_db,
    with_jobs,
    with_rollup,
)


def run(args: argparse.Namespace) -> None:
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
