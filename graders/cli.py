"""The ``bdhvs`` command: short, task-named subcommands over an nbgrader course."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# jsonschema imports rfc3987-syntax when it is installed (the Jupyter packages install it) to
# check "iri" formats, which no schema of bdhvs uses; building its grammar at import took a
# second of every command. Marked absent before jsonschema is first imported, it is skipped.
sys.modules.setdefault("rfc3987_syntax", None)

from curriculum.framework import load_framework  # noqa: E402
from graders.credentials.commands import add_commands as add_credential_commands  # noqa: E402
from graders.errors import BdhvsError  # noqa: E402
from graders.rollup import ATTEMPT_POLICIES, DEFAULT_MASTERY, RollupPolicy  # noqa: E402

if TYPE_CHECKING:
    from graders.course import Course


def cmd_course_init(args: argparse.Namespace) -> None:
    from graders.course import init_course

    course = init_course(args.directory, args.source, args.db)
    print(f"course ready at {course.root}")
    print(f"  sources: {course.source_dir.resolve()}")
    print(f"  gradebook: {course.db_label}")
    if args.db and "***" in course.db_label:
        print("  note: the password is now in nbgrader_config.py; ~/.pgpass is a safer place")
    print(f"  next: bdhvs build --course {args.directory}")


def cmd_build(args: argparse.Namespace) -> None:
    from graders.build import build

    course = open_with_gradebook(args)
    for name in build(course, args.assignments):
        print(f"built {name} -> {course.release_dir / name}")


def cmd_grade(args: argparse.Namespace) -> None:
    from graders.grading.grade import grade, report_path

    course = open_with_gradebook(args)
    outcomes = grade(
        course,
        args.assignment,
        progress=not args.quiet,
        engine=args.engine,
        workers=args.workers,
        force=args.force,
        say=print,
        scheduler=args.scheduler,
    )
    graded = [o for o in outcomes if o.status == "graded"]
    failed = [o for o in outcomes if o.status == "failed"]
    print(f"{args.assignment}: {len(graded)} graded, {len(failed)} failed, {len(outcomes)} in all")
    for outcome in failed:
        print(f"  FAILED  {outcome.learner}: {outcome.message}")
    for outcome in outcomes:
        for flag in outcome.flags:
            print(f"  FLAG    {outcome.learner}: {flag}")
    print(f"report: {report_path(course, args.assignment)}")


def cmd_records(args: argparse.Namespace) -> None:
    from graders.credentials.issuer import home_page, load_issuer
    from graders.credentials.issuing import issue_credentials
    from graders.exports.write import ExportSummary
    from graders.forked import default_jobs
    from graders.records import RecordMaker
    from graders.records_folder import StoredRecords, write_cohort

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


def cmd_report(args: argparse.Namespace) -> None:
    from graders.forked import default_jobs
    from graders.report.page import write_report

    course = open_with_gradebook(args)
    path = write_report(
        course,
        Path(args.out),
        lang=args.lang,
        policy=RollupPolicy(args.mastery, args.attempts),
        default_path=args.path,
        jobs=args.jobs or default_jobs(),
        progress=None,
    )
    print(f"report -> {path}")


def cmd_framework(args: argparse.Namespace) -> None:
    framework = load_framework()
    if args.json:
        print(json.dumps(framework.raw, ensure_ascii=False, indent=2))
        return
    for domain in framework.domains:
        print(f"{domain.id}. {domain.name(args.lang)}")
        for competence_id in domain.competence_ids:
            print(f"   {competence_id}  {framework.competence(competence_id).name(args.lang)}")
    print()
    for step in framework.steps:
        level = step.level_vi if args.lang == "vi" else step.level_en
        descriptor = step.descriptor_vi if args.lang == "vi" else step.descriptor_en
        print(f"step {step.step} {step.code} ({level}): {descriptor}")


def cmd_coverage(args: argparse.Namespace) -> None:
    from graders.course import CONFIG_NAME, REPOSITORY_ASSIGNMENTS, Course
    from graders.coverage import coverage

    if (Path(args.course) / CONFIG_NAME).exists():
        course = Course.open(args.course)
        source_dir, assignments = course.source_dir, course.assignments()
    else:
        source_dir = REPOSITORY_ASSIGNMENTS
        assignments = sorted(p.name for p in source_dir.iterdir() if p.is_dir())
    report = coverage(source_dir, assignments)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"{'competence':<11}{'auto':>5}{'manual':>7}{'points':>8}  name")
    for row in report["competences"]:
        mark = "" if row["well_covered"] else "  <- fewer than 2 auto-graded items"
        print(
            f"{row['competence']:<11}{row['auto_items']:>5}{row['manual_items']:>7}"
            f"{row['points']:>8g}  {row['name']}{mark}"
        )
    covered = sum(r["well_covered"] for r in report["competences"])
    print(f"{covered} of {len(report['competences'])} competences well covered")
    for row in report["paths"]:
        state = "fully assessable" if row["fully_assessable"] else "cannot assess"
        missing = f": {', '.join(row['unassessable'])}" if row["unassessable"] else ""
        print(f"path {row['path']}: {state}{missing}")


def cmd_check(args: argparse.Namespace) -> None:
    from curriculum.i18n import set_language
    from curriculum.progress import record_check
    from curriculum.selfcheck import format_report, run_visible_checks

    path = Path(args.notebook)
    if not path.is_file():
        raise BdhvsError(f"no notebook at {path}")
    set_language(args.lang)
    check = run_visible_checks(path)
    record_check(check, path)
    if args.json:
        payload = {
            "notebook": check.notebook,
            "error": check.error,
            "visible_checks_only": True,
            "results": [
                {
                    "cell": r.cell,
                    "passed": r.passed,
                    "message": r.message,
                    "points": r.points,
                    "competences": list(r.competences),
                }
                for r in check.results
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(format_report(check))
    if check.error:
        raise BdhvsError(check.error)


def cmd_integrity(args: argparse.Namespace) -> None:
    from graders.integrity.findings import check_integrity

    course = open_with_gradebook(args)
    findings = check_integrity(course, args.assignments, progress=not args.json)
    if args.json:
        print(json.dumps(findings.as_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(findings.lines()))


def cmd_demo(args: argparse.Namespace) -> None:
    from graders.demo import run_demo

    key = Path(args.key) if args.key else None
    run_demo(Path(args.out), learners=args.learners, seed=args.seed, key=key, pdf=args.pdf)


def open_with_gradebook(args: argparse.Namespace) -> Course:
    """The course of ``--course``, its gradebook in ``--db`` if given, checked to be usable."""
    from graders.course import Course

    course = Course.open(args.course, args.db)
    course.check_gradebook()
    return course


def add_db_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--db",
        metavar="URL",
        help="gradebook database for this run, e.g. postgresql://ROLE@HOST/DATABASE "
        "(default: the course's nbgrader_config.py, else its gradebook.db)",
    )


def _mastery(value: str) -> float:
    number = float(value)
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError("must be a fraction in (0, 1], e.g. 0.8")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _with_attempts(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--attempts",
        choices=ATTEMPT_POLICIES,
        default="latest",
        help="which graded attempt counts: latest (nbgrader's, default) or best (most points)",
    )


def _with_jobs(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--jobs", type=_positive, help="processes making the records at once (default: cores)"
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="bdhvs",
        description="Build, grade and record the Bình dân học vụ số curriculum on nbgrader.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], None], help_text: str):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def with_course(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--course", default=".", help="course directory (default: current)")

    course = commands.add_parser("course", help="manage course directories")
    course_commands = course.add_subparsers(dest="course_command", required=True, metavar="ACTION")
    init = course_commands.add_parser("init", help="create a course directory for one cohort")
    init.add_argument("directory", help="new course directory")
    init.add_argument("--source", help="assignment sources (default: the repository's)")
    init.add_argument(
        "--db",
        metavar="URL",
        help="the gradebook's database, written into nbgrader_config.py, e.g. "
        "postgresql://ROLE@HOST/DATABASE (default: gradebook.db in the course)",
    )
    init.set_defaults(handler=cmd_course_init)

    sub = command("build", cmd_build, "validate sources and generate release versions")
    with_course(sub)
    add_db_option(sub)
    sub.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")

    sub = command("grade", cmd_grade, "autograde every submission of an assignment")
    with_course(sub)
    add_db_option(sub)
    sub.add_argument("assignment", metavar="ASSIGNMENT")
    sub.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.add_argument(
        "--engine",
        choices=("fork", "nbgrader"),
        default="fork",
        help="fork: nbgrader's pipeline with sandboxed parallel execution (default); "
        "nbgrader: nbgrader's own autograde, one kernel per notebook",
    )
    sub.add_argument("--workers", type=_positive, help="notebooks run at once (default: cores)")
    sub.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the notebooks on the Dask cluster of this scheduler (tcp://host:8786); "
        "see docs/grading-at-scale.md",
    )
    sub.add_argument(
        "--force", action="store_true", help="grade again learners whose work has not changed"
    )

    sub = command("records", cmd_records, "write one competency record per learner")
    with_course(sub)
    add_db_option(sub)
    sub.add_argument("--out", required=True, metavar="OUTDIR")
    sub.add_argument("--mastery", type=_mastery, default=DEFAULT_MASTERY, help="step threshold")
    _with_attempts(sub)
    sub.add_argument("--key", metavar="FILE", help="issuer key: also issue signed credentials")
    sub.add_argument("--home-page", metavar="URL", help="the organisation's home page for xAPI")
    sub.add_argument("--lang", choices=("vi", "en"), default="vi", help="certificate language")
    sub.add_argument("--pdf", action="store_true", help="also print certificates to PDF")
    _with_jobs(sub)

    sub = command("report", cmd_report, "write the cohort report as one HTML file")
    with_course(sub)
    add_db_option(sub)
    sub.add_argument("--out", required=True, metavar="FILE.html")
    sub.add_argument("--lang", choices=("vi", "en"), default="vi")
    sub.add_argument("--mastery", type=_mastery, default=DEFAULT_MASTERY, help="step threshold")
    _with_attempts(sub)
    sub.add_argument(
        "--path",
        choices=[p.id for p in load_framework().paths],
        default="officials",
        help="target group of learners the roster gives no path (default: officials)",
    )
    _with_jobs(sub)

    sub = command("framework", cmd_framework, "print the competency framework")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--lang", choices=("vi", "en"), default="vi")

    sub = command(
        "integrity",
        cmd_integrity,
        "near-identical submissions, implausibly fast completions, grades changed by hand",
    )
    with_course(sub)
    add_db_option(sub)
    sub.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
    sub.add_argument("--json", action="store_true")

    sub = command("coverage", cmd_coverage, "graded items and points per competence")
    with_course(sub)
    sub.add_argument("--json", action="store_true")

    sub = command("check", cmd_check, "self-check a notebook with its visible tests only")
    sub.add_argument("notebook", metavar="NOTEBOOK")
    sub.add_argument("--lang", choices=("vi", "en"), default="vi")
    sub.add_argument("--json", action="store_true")

    sub = command("demo", cmd_demo, "run the whole chain on a synthetic cohort")
    sub.add_argument("--learners", type=_positive, default=50)
    sub.add_argument("--out", default="demo-output", metavar="DIR")
    sub.add_argument("--seed", type=int, default=2025)
    sub.add_argument("--key", metavar="FILE", help="issuer key (default: a demo key)")
    sub.add_argument("--pdf", action="store_true", help="also print certificates to PDF")

    add_credential_commands(commands)
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
