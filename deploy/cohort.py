"""Create a cohort on the training hub, or add people to one (run as root).

    sudo /opt/bdhvs/venv/bin/python deploy/cohort.py k01 --instructors gv_lan \
        --learners hv001 hv002 hv003

Makes the groups bdhvs-k01 (the cohort) and bdhvs-k01-gv (its instructors), the system accounts
that do not exist yet (set their passwords with ``passwd``), the nbgrader course
<root>/courses/k01 and its exchange folders, with the permissions described in
graders/hub/setup.py. Running it again adds people and leaves the course as it is.
"""

from __future__ import annotations

import argparse
import os
import sys

from graders.common.errors import BdhvsError
from graders.hub.setup import add_cohort


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cohort", help="cohort name, also the nbgrader course id (e.g. k01)")
    parser.add_argument("--instructors", nargs="*", default=[], metavar="USER")
    parser.add_argument("--learners", nargs="*", default=[], metavar="ID")
    parser.add_argument(
        "--root", default=os.environ.get("BDHVS_HUB_ROOT", "/srv/bdhvs"), help="hub folder"
    )
    parser.add_argument("--source", help="assignment sources (default: the repository's)")
    args = parser.parse_args(argv)
    try:
        course = add_cohort(args.root, args.cohort, args.instructors, args.learners, args.source)
    except BdhvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"cohort {args.cohort}: course {course}")
    print(f"  next, as an instructor of it: bdhvs build --course {course}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
