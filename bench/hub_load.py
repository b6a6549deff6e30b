"""Load on a real JupyterHub on loopback: N learners start servers, fetch and submit at once.

    sudo .venv/bin/python bench/hub_load.py --learners 60

Prints time to first notebook, the hub's and the servers' response times (p50, p95, max), the
errors, whether every submission arrived exactly once, and what the hub and each learner's server
cost. Needs what the hub tests need (root, configurable-http-proxy: see tests/hubkit.py); the
code is tests/hubload.py's, which tests/test_hub_load.py runs with 30 learners.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hubkit import hub_session  # noqa: E402
from hubload import run_load  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30, help="learners at once (30)")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds before a learner is given up (600)"
    )
    args = parser.parse_args()
    if args.learners < 1:
        parser.error("--learners must be at least 1")
    with hub_session(START_TIMEOUT=str(int(args.timeout))) as hub:
        report = run_load(hub, args.learners, timeout=args.timeout)
    print(report.summary())
    complete = all(n == 1 for n in report.submissions.values())
    return 0 if not report.errors and complete else 1


if __name__ == "__main__":
    sys.exit(main())
