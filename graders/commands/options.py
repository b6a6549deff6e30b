"""Options that several ``bdhvs`` verbs share, and the one way a verb opens its course."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from graders.records.rollup import ATTEMPT_POLICIES, DEFAULT_MASTERY, RollupPolicy

if TYPE_CHECKING:
    from graders.course.directory import Course

Handler = Callable[[argparse.Namespace], None]


def verb(
    commands: argparse._SubParsersAction, name: str, handler: Handler, help_text: str
) -> argparse.ArgumentParser:
    """A verb's parser, whose parsed arguments are handed to ``handler``."""
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(handler=handler)
    return sub


def with_course(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--course", default=".", help="course directory (default: current)")


def with_db(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--db",
        metavar="URL",
        help="gradebook database for this run, e.g. postgresql://ROLE@HOST/DATABASE "
        "(default: the course's nbgrader_config.py, else its gradebook.db)",
    )


def with_rollup(sub: argparse.ArgumentParser) -> None:
    """The roll-up policy: the step threshold and which attempt counts."""
    sub.add_argument("--mastery", type=mastery, default=DEFAULT_MASTERY, help="step threshold")
    sub.add_argument(
        "--attempts",
        choices=ATTEMPT_POLICIES,
        default="latest",
        help="which graded attempt counts: latest (nbgrader's, default) or best (most points)",
    )


def rollup_policy(args: argparse.Namespace) -> RollupPolicy:
    """The roll-up policy :func:`with_rollup`'s options ask for."""
    return RollupPolicy(args.mastery, args.attempts)


def with_jobs(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--jobs", type=positive, help="processes making the records at once (default: cores)"
    )


def jobs(args: argparse.Namespace) -> int:
    """The processes :func:`with_jobs`'s option asks for: every core unless told."""
    from graders.common.forked import default_jobs

    return args.jobs or default_jobs()


def mastery(value: str) -> float:
    number = float(value)
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError("must be a fraction in (0, 1], e.g. 0.8")
    return number


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def open_with_gradebook(args: argparse.Namespace) -> Course:
    """The course of ``--course``, its gradebook in ``--db`` if given, checked to be usable."""
    from graders.course.directory import Course

    course = Course.open(args.course, args.db)
    course.check_gradebook()
    return course
