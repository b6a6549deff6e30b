"""Benchmark ``bdhvs grade`` against stock ``nbgrader autograde`` on the same cohort.

    .venv/bin/python bench/grade.py --learners 40

Builds a course with the real ``an_toan_so`` assignment and a cohort of submissions drawn from
the demo answer variants (complete, partial, wrong, blank, one deleted test cell; every other
learner writes the written answer in its box, as on a phone, the others in its cell), copies the
course, grades one copy with ``nbgrader autograde`` and others with ``bdhvs grade``, checks
that every grade cell's score, every submission's score and every late penalty agree, and
prints the throughput of each, their ratio and the peak memory of the ``bdhvs grade`` process.
Both run on this machine, as the same user: ``bdhvs grade`` once before ``nbgrader autograde``
and twice after it (``--bdhvs-runs``), each on a fresh copy of the course. A shared virtual
machine runs a twenty-second job now faster, now slower; the ratio uses the median of those runs,
and every run's time is printed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graders.course.build import build  # noqa: E402
from graders.course.directory import Course, init_course  # noqa: E402
from graders.demo.synthetic import (  # noqa: E402
    Learner,
    demo_answers,
    make_submission,
    on_phone,
    taps_of,
)
from graders.grading.score_table import score_table  # noqa: E402

from measure import measured, measured_bdhvs  # noqa: E402

ASSIGNMENT = "an_toan_so"
PROFILES = ("complete", "partial", "partial", "wrong", "blank")


def build_cohort(root: Path, learners: int, seed: int) -> Course:
    course = init_course(root)
    build(course, [ASSIGNMENT])
    answers = demo_answers(ASSIGNMENT)
    name = answers["notebook"]
    source = nbformat.read(course.source_dir / ASSIGNMENT / name, as_version=4)
    release = nbformat.read(course.release_dir / ASSIGNMENT / name, as_version=4)
    rng = random.Random(seed)
    width = len(str(learners))
    taps = taps_of(source, release, answers)
    for number in range(learners):
        profile = "deleted_test" if number == 0 else rng.choice(PROFILES)
        learner = Learner(
            id=f"hv{number:0{width}d}", unit="", profile=profile, phone=on_phone(number)
        )
        folder = course.submitted_dir / learner.id / ASSIGNMENT
        make_submission(learner, source, release, answers, rng, taps).write(folder)
    return course


def copied(course: Course, root: Path) -> Course:
    """A copy of an ungraded course, to be graded by one run."""
    shutil.copytree(course.root, root, symlinks=True)
    return Course.open(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--workers", type=int, help="bdhvs grade --workers (default: cores)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", metavar="DIR", help="build the courses in DIR and keep them")
    parser.add_argument(
        "--bdhvs-runs", type=int, default=3, help="bdhvs grade runs, the first before nbgrader"
    )
    args = parser.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="bdhvs-bench-"))
    try:
        built = build_cohort(base / "built", args.learners, args.seed)
        stock_course = copied(built, base / "stock")
        fork_courses = [copied(built, base / f"fork-{run}") for run in range(args.bdhvs_runs)]
        print(f"cohort: {args.learners} submissions of {ASSIGNMENT} in {base}")

        command = ["grade", ASSIGNMENT, "--quiet"]
        if args.workers:
            command += ["--workers", str(args.workers)]
        ours = [measured_bdhvs(command, fork_courses[0].root)]
        nbgrader = "from nbgrader.apps.nbgraderapp import main\nmain()"
        stock_args = ["autograde", ASSIGNMENT, "--log-level=ERROR"]
        stock = measured(nbgrader, stock_args, "nbgrader autograde", stock_course.root)
        stock_seconds = stock.seconds
        ours += [measured_bdhvs(command, course.root) for course in fork_courses[1:]]
        fork_seconds = statistics.median(run.seconds for run in ours)
        peak_kib = max(run.peak_kib for run in ours)

        stock = score_table(stock_course, ASSIGNMENT)
        differences, missing = [], set()
        for course in fork_courses:
            fork = score_table(course, ASSIGNMENT)
            differences += [
                f"{course.root.name} {learner}: {key} nbgrader={stock[learner].get(key)} "
                f"bdhvs={row.get(key)}"
                for learner, row in sorted(fork.items())
                for key in sorted(set(row) | set(stock.get(learner, {})))
                if stock.get(learner, {}).get(key) != row.get(key)
            ]
            missing |= set(stock) ^ set(fork)
        learners = len(stock)
        stock_rate = 60 * learners / stock_seconds
        fork_rate = 60 * learners / fork_seconds
        print(f"nbgrader autograde: {stock_seconds:7.1f} s  {stock_rate:7.1f} submissions/min")
        print(f"bdhvs grade:        {fork_seconds:7.1f} s  {fork_rate:7.1f} submissions/min")
        runs = ", ".join(f"{run.seconds:.1f} s" for run in ours)
        print(f"  (median of {len(ours)} runs: {runs}; the first before nbgrader autograde)")
        print(f"speed-up: {fork_rate / stock_rate:.1f}x")
        print(f"peak memory of the bdhvs grade process: {peak_kib / 1024:.0f} MiB")
        cells = sum(len(row) - 2 for row in fork.values())
        if differences or missing:
            print(f"scores DIFFER ({len(differences)} values, learners only in one: {missing}):")
            print("\n".join(differences[:40]))
            raise SystemExit(1)
        print(f"scores agree: {learners} submissions, {cells} grade cells, scores and penalties")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
