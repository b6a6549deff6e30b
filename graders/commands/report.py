"""``bdhvs report``: the cohort report as one HTML file."""

from __future__ import annotations

import argparse
from pathlib import Path

from curriculum.framework import load_framework
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
    from graders.report.page import write_report

    course = open_with_gradebook(args)
    path = write_report(
        course,
        Path(args.out),
        lang=args.lang,
        policy=rollup_policy(args),
        default_path=args.path,
        title=args.title,
        jobs=jobs(args),
        progress=None,
    )
    print(f"report -> {path}")


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(commands, "report", run, "write the cohort report as one HTML file")
    with_course(sub)
    with_db(sub)
    sub.add_argument("--out", required=True, metavar="FILE.html")
    sub.add_argument("--lang", choices=("vi", "en"), default="vi")
    sub.add_argument(
        "--title", help="the course's name, the report's title (default: the course folder's name)"
    )
    with_rollup(sub)
    sub.add_argument(
        "--path",
        choices=[p.id for p in load_framework().paths],
        default="officials",
        help="target group of learners the roster gives no path (default: officials)",
    )
    with_jobs(sub)
