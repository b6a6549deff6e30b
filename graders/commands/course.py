"""``bdhvs course init``: a course directory for one cohort."""

from __future__ import annotations

import argparse


def run_init(args: argparse.Namespace) -> None:
    from graders.course.directory import init_course

    course = init_course(args.directory, args.source, args.db)
    print(f"course ready at {course.root}")
    print(f"  sources: {course.source_dir.resolve()}")
    print(f"  gradebook: {course.db_label}")
    if args.db and "***" in course.db_label:
        print("  note: the password is now in nbgrader_config.py; ~/.pgpass is a safer place")
    print(f"  next: bdhvs build --course {args.directory}")


def register(commands: argparse._SubParsersAction) -> None:
    course = commands.add_parser("course", help="manage course directories")
    actions = course.add_subparsers(dest="course_command", required=True, metavar="ACTION")
    init = actions.add_parser("init", help="create a course directory for one cohort")
    init.add_argument("directory", help="new course directory")
    init.add_argument("--source", help="assignment sources (default: the repository's)")
    init.add_argument(
        "--db",
        metavar="URL",
        help="the gradebook's database, written into nbgrader_config.py, e.g. "
        "postgresql://ROLE@HOST/DATABASE (default: gradebook.db in the course)",
    )
    init.set_defaults(handler=run_init)
