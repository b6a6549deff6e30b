"""The ``bdhvs`` command: short, task-named verbs over an nbgrader course.

Each verb lives in a file of its own in :mod:`graders.commands`, with a ``register`` function
that adds its parser; this module only wires them, in the order ``bdhvs --help`` lists them.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

# First, before jsonschema is imported: the curriculum's package leaves out a grammar that
# jsonschema would build at import, a second of every command (curriculum/__init__.py).
import curriculum  # noqa: F401
from graders.commands import (
    build,
    check,
    collect,
    course,
    coverage,
    credential,
    demo,
    framework,
    grade,
    integrity,
    keys,
    learners,
    records,
    report,
)
from graders.common.errors import BdhvsError

VERBS = (
    course,
    build,
    collect,
    grade,
    records,
    report,
    framework,
    integrity,
    coverage,
    check,
    demo,
    keys,
    credential,
    learners,
)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="bdhvs",
        description="Build, grade and record the Bình dân học vụ số curriculum on nbgrader.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for verb in VERBS:
        verb.register(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.handler(args)
    except BdhvsError as exc:
        print(f"bdhvs: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bdhvs: interrupted; running the same command again is safe", file=sys.stderr)
        return 130
    return 0


def run() -> None:
    """The ``bdhvs`` program: :func:`main`, then exit.

    At exit the interpreter's garbage collector walks every object left, several times: with
    nbgrader imported that took half a second of every command. A finished command leaves no
    garbage worth collecting, so its objects are frozen out of the walk (:func:`gc.freeze`)
    and the operating system takes the memory back.
    """
    status = main()
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    run()
