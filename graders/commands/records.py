"""``bdhvs records``: one competency record per learner, the tables and, with a key,
credentials."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.commands.options import (
    open_with_gradebook,
    verb,
    with_course,
    with_db,
    with_jobs,
    with_rollup,
)


def run(args: argparse.Namespace) -> None:
    from graders.common.forked import default_jobs
    from graders.credentials.issuer import home_page, load_issuer
    from graders.credentials.issuing import issue_credentials
    from graders.exports.write import ExportSummary
    from graders.records.folder import StoredRecords, write_cohort
    from graders.records.maker import RecordMaker
    from graders.records.rollup import RollupPolicy

    course = open_with_gradebook(args)
    issuer = load_issuer(Path(args.key)) if args.key else None
    home = home_page(args.home_page, issuer)
    policy = RollupPolicy(args.mastery, args.attempts)
    jobs = args.jobs or default_jobs()
    maker = RecordMaker(course, policy, jobs=jobs, progress=None)
    out = Path(args.out)
    written = write_cohort(maker, out, home=home, jobs=jobs, progress=None, say=print)
    print(f"{written.learners} learner records -> {out / 'learners'}")
    print(f"table -> {out / 'records.csv'}")
    issued = None
    if issuer is not None:  # credentials are made from the records as written
        records = StoredRecords(out)
        issued = issue_credentials(records, issuer, out, home, lang=args.lang, pdf=args.pdf)
    for line in ExportSummary(out, home, written.statements, issuer, issued).lines():
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
