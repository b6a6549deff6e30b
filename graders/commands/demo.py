"""``bdhvs demo``: the whole chain on a synthetic cohort."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.commands.options import positive, verb


def run(args: argparse.Namespace) -> None:
    from graders.demo.run import run_demo

    key = Path(args.key) if args.key else None
    run_demo(Path(args.out), learners=args.learners, seed=args.seed, key=key, pdf=args.pdf)


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(
        commands,
        "demo",
        run,
        "run the whole chain on a synthetic cohort; fail if a planted fault is missed",
    )
    sub.add_argument("--learners", type=positive, default=50)
    sub.add_argument("--out", default="demo-output", metavar="DIR")
    sub.add_argument("--seed", type=int, default=2025)
    sub.add_argument("--key", metavar="FILE", help="issuer key (default: a demo key)")
    sub.add_argument("--pdf", action="store_true", help="also print certificates to PDF")
