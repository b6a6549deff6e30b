"""Benchmark ``bdhvs records`` and ``bdhvs report`` at national scale against nbgrader's API.

    .venv/bin/python bench/records.py --learners 100000 [--db postgresql://...] [--keep DIR]
        [--repeat N]

With ``--keep DIR`` the cohort is built in DIR and kept; a later run with the same DIR measures
that cohort again instead of building it anew (building 100,000 learners takes minutes).

Builds a course from ten of the repository's real assignments (``bdhvs build`` puts their cells
in the gradebook), then fills nbgrader's own tables with bulk inserts: a roster with units, one
submission per learner and assignment (some missing), grades with a realistic mix of full,
partial and zero scores, and written answers still awaiting an instructor. Grading reports and
the kept attempts are written as ``bdhvs grade`` would. In the same run it then times, each in
a process of its own:

(a) collecting the same scores through nbgrader's ``Gradebook`` API, learner by learner and
    assignment by assignment (on a sample of learners when the cohort is large, scaled up to the
    cohort and labelled so),
(b) ``bdhvs records``, (c) ``bdhvs report``;

prints seconds, peak memory and ratios, and checks on a sample of learners that every score in
the records is the one nbgrader's API gives.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from nbgrader.api import (
    Assignment,
    BaseCell,
    Gradebook,
    GradeCell,
    MissingEntry,
    Notebook,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)
from nbgrader.api import Grade as GradeRow
from sqlalchemy import create_engine, insert, literal, select
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graders.course.build import build  # noqa: E402
from graders.course.directory import REPOSITORY_ASSIGNMENTS, Course, init_course  # noqa: E402
from graders.course.roster import write_roster  # noqa: E402
from graders.course.sources import GradedItem, graded_items  # noqa: E402
from graders.gradebook.attempts import ATTEMPTS, METADATA  # noqa: E402
from graders.grading.grade import Outcome, write_report  # noqa: E402

from measure import Measured, measured, measured_bdhvs  # noqa: E402

ASSIGNMENTS = sorted(p.name for p in REPOSITORY_ASSIGNMENTS.iterdir() if p.is_dir())[:10]
UNITS = ("Xã An Bình", "Xã Bình Minh", "Phường Đông Hòa", "Phường Tân Lập", "UBND huyện", "")
BATCH = 20_000
GRADE_CELLS = GradeCell.__table__
SAMPLE = 200  # learners whose scores are compared with nbgrader's API
SUBMITTED_AT = datetime(2026, 11, 2, 8, 0)
BUILT = "cohort-built.txt"  # written once the kept cohort is whole


def make_course(base: Path, db_url: str | None) -> Course:
    """A course whose sources are ten of the repository's assignments, built into the gradebook."""
    source = base / "source"
    source.mkdir(parents=True)
    for name in ASSIGNMENTS:
        (source / name).symlink_to(REPOSITORY_ASSIGNMENTS / name, target_is_directory=True)
    course = init_course(base / "course", source, db_url)
    build(course, ASSIGNMENTS)
    return course


def fill_gradebook(course: Course, learners: int, seed: int) -> None:
    """Learners, submissions and grades, inserted in bulk into nbgrader's tables."""
    rng = random.Random(seed)
    width = len(str(learners))
    ids = [f"hv{n:0{width}d}" for n in range(learners)]
    write_roster(course.roster_path, {i: rng.choice(UNITS) for i in ids})
    items = {
        (i.assignment, i.notebook, i.cell): i for i in graded_items(course.source_dir, ASSIGNMENTS)
    }
    engine = create_engine(course.db_url)
    counter = iter(range(1, 1 << 62))

    def new_id() -> str:
        return f"{next(counter):032x}"

    outcomes: dict[str, list[Outcome]] = {name: [] for name in ASSIGNMENTS}
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        layout = _layout(connection, items)
        rows = [{"id": learner} for learner in ids]
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(Student.__table__), rows[start : start + BATCH])
        submissions, notebooks, grades = [], [], []
        bar = tqdm(ids, desc="gradebook", unit=" learners")
        for learner in bar:
            ability = rng.betavariate(4, 2)
            for name, (assignment_id, parts) in layout.items():
                if rng.random() < 0.08:
                    continue  # not submitted
                submission = new_id()
                stamp = SUBMITTED_AT + timedelta(minutes=rng.randrange(60 * 24 * 20))
                submissions.append(
                    {
                        "id": submission,
                        "assignment_id": assignment_id,
                        "student_id": learner,
                        "timestamp": stamp,
                    }
                )
                earned = available = 0.0
                for notebook_id, cells in parts:
                    notebook = new_id()
                    notebooks.append(
                        {
                            "id": notebook,
                            "assignment_id": submission,
                            "notebook_id": notebook_id,
                            "flagged": False,
                        }
                    )
                    for cell_id, item in cells:
                        auto, manual, needs = _score(rng, ability, item)
                        grades.append(
                            {
                                "id": new_id(),
                                "notebook_id": notebook,
                                "cell_id": cell_id,
                                "auto_score": auto,
                                "manual_score": manual,
                                "needs_manual_grade": needs,
                            }
                        )
                        earned += manual if manual is not None else auto or 0.0
                        available += item.points
                outcomes[name].append(Outcome(learner, "graded", earned, available))
            if len(grades) >= BATCH * 5:
                _flush(connection, submissions, notebooks, grades)
        _flush(connection, submissions, notebooks, grades)
    engine.dispose()
    for name, found in outcomes.items():
        write_report(course, name, found)


def keep_attempts(course: Course) -> None:
    """One kept attempt per submission, as ``bdhvs grade`` keeps them (not their per-cell
    scores, which only ``--attempts best`` reads)."""
    engine = create_engine(course.db_url)
    METADATA.create_all(engine)
    stamp = SubmittedAssignment.timestamp
    submissions = select(
        Assignment.name,
        SubmittedAssignment.student_id,
        SubmittedAssignment.id,
        literal("bench"),
        stamp,
        stamp,
        stamp,
    ).join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
    columns = ["assignment", "learner", "digest", "fingerprint", "submitted_at"]
    columns += ["first_graded_at", "graded_at"]
    with engine.begin() as connection:
        connection.execute(insert(ATTEMPTS).from_select(columns, submissions))
    engine.dispose()


def _layout(connection, items: dict) -> dict[str, tuple[str, list]]:
    """assignment -> (id, [(notebook id, [(grade cell id, item)])]), as bdhvs build made them."""
    query = (
        select(
            Assignment.name, Assignment.id, Notebook.name, Notebook.id, BaseCell.name, BaseCell.id
        )
        .join(Notebook, Notebook.assignment_id == Assignment.id)
        .join(BaseCell, BaseCell.notebook_id == Notebook.id)
        .join(GRADE_CELLS, GRADE_CELLS.c.id == BaseCell.id)
        .where(Assignment.name.in_(ASSIGNMENTS))
        .order_by(Assignment.name, Notebook.name)
    )
    notebooks: dict[tuple[str, str], list] = {}
    layout: dict[str, tuple[str, list]] = {}
    for name, assignment_id, notebook, notebook_id, cell, cell_id in connection.execute(query):
        entry = layout.setdefault(name, (assignment_id, []))
        if (name, notebook) not in notebooks:
            notebooks[(name, notebook)] = []
            entry[1].append((notebook_id, notebooks[(name, notebook)]))
        notebooks[(name, notebook)].append((cell_id, items[(name, notebook, cell)]))
    missing = sorted(set(ASSIGNMENTS) - set(layout))
    if missing:
        raise SystemExit(f"bdhvs build left no cells in the gradebook for {missing}")
    return layout


def _score(rng: random.Random, ability: float, item: GradedItem) -> tuple:
    """(auto_score, manual_score, needs_manual_grade) of one answer, as nbgrader would hold it."""
    if not item.manual:
        return (item.points if rng.random() < ability else 0.0), None, False
    if rng.random() < 0.3:
        return None, None, True  # a written answer nobody has scored yet
    steps = int(item.points * 2)
    return None, round(rng.betavariate(4 * ability + 0.5, 1.5) * steps) / 2, False


def _flush(connection, submissions: list, notebooks: list, grades: list) -> None:
    for table, rows in (
        (SubmittedAssignment.__table__, submissions),
        (SubmittedNotebook.__table__, notebooks),
        (GradeRow.__table__, grades),
    ):
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[start : start + BATCH])
        rows.clear()


def collect_via_api(db_url: str, learners: list[str]) -> dict[str, dict[str, float | None]]:
    """learner -> {assignment/notebook/cell: score or None while pending}, the way a user of
    nbgrader's Gradebook API would collect it: learner by learner, assignment by assignment."""
    found: dict[str, dict[str, float | None]] = {}
    with Gradebook(db_url) as gradebook:
        for learner in learners:
            scores = found.setdefault(learner, {})
            for name in ASSIGNMENTS:
                try:
                    submission = gradebook.find_submission(name, learner)
                except MissingEntry:
                    continue
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        pending = grade.manual_score is None and grade.auto_score is None
                        key = f"{name}/{notebook.name}/{grade.name}"
                        scores[key] = None if pending else grade.score
    return found


def api_probe(db_url: str, learners: list[str], into: Path) -> tuple[float, int]:
    """(a) in a process of its own; the scores it collected go to ``into``."""
    body = (
        f"sys.path.insert(0, {str(REPO / 'bench')!r})\n"
        "import json\n"
        "from records import collect_via_api\n"
        "learners = json.loads(open(sys.argv[2]).read())\n"
        "collecting = time.monotonic()\n"
        "found = collect_via_api(sys.argv[1], learners)\n"
        "print('COLLECTED_IN', time.monotonic() - collecting)\n"
        "open(sys.argv[3], 'w').write(json.dumps(found))"
    )
    listing = into.with_suffix(".learners.json")
    listing.write_text(json.dumps(learners))
    done = measured(body, [db_url, str(listing), str(into)], "collecting through nbgrader's API")
    # Only the collection itself: the benchmark scales it up from a sample of the learners.
    return float(done.stdout.split("COLLECTED_IN", 1)[1].split()[0]), done.peak_kib


def disagreements(api: dict[str, dict[str, float | None]], out: Path) -> list[str]:
    """Every score of the sampled learners where the records and nbgrader's API differ."""
    problems = []
    for learner, expected in sorted(api.items()):
        path = out / "learners" / f"{learner}.json"
        if not path.is_file():
            problems.append(f"{learner}: no record")
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        shown: dict[str, float | None] = {}
        for entry in record["competences"].values():
            for e in entry["evidence"]:
                shown[f"{e['assignment']}/{e['notebook']}/{e['cell']}"] = e["score"]
        for key in sorted(set(expected) | set(shown)):
            if expected.get(key, "absent") != shown.get(key, "absent"):
                problems.append(
                    f"{learner} {key}: nbgrader={expected.get(key, 'absent')} "
                    f"record={shown.get(key, 'absent')}"
                )
    return problems


def set_aside(folder: Path) -> Path | None:
    """Move an earlier run's output out of the way; it is removed once the timing is done.

    Removing a hundred thousand files just before the timed run would slow that run down: on
    ext4 without a journal, creating a file skips every inode freed in the last minutes (the
    kernel's ``recently_deleted``), so the run would pay for the removal. A first run on a
    user's disk pays nothing of the kind; a rename costs nothing either.
    """
    if not folder.exists():
        return None
    aside = folder.with_name(f"{folder.name}.earlier-{os.getpid()}")
    folder.rename(aside)
    return aside


def timed(args: list[str], cwd: Path) -> Measured:
    """``bdhvs ARGS`` measured once what earlier steps wrote is on the disk, so that no run
    pays for the writing of another."""
    os.sync()
    return measured_bdhvs(args, cwd)


def show(label: str, runs: list[Measured]) -> float:
    """Print the median time of ``runs`` (and each run's, when there are several) with the
    peak memory of the slowest; return the median."""
    seconds = sorted(run.seconds for run in runs)
    middle = statistics.median(seconds)
    line = f"{label}          {middle:8.1f} s  {max(runs, key=lambda r: r.seconds).memory()}"
    if len(runs) > 1:
        line += f"  (median of {len(runs)}: " + ", ".join(f"{s:.1f}" for s in seconds) + ")"
    print(line)
    return middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--db", metavar="URL", help="gradebook (default: SQLite in the course)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--api-learners",
        type=int,
        default=1000,
        help="learners timed through nbgrader's API; the time is scaled to the cohort",
    )
    parser.add_argument("--keep", metavar="DIR", help="build everything in DIR and keep it")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time bdhvs records and report this many times each and print the median",
    )
    args = parser.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="bdhvs-bench-records-"))
    try:
        started = time.monotonic()
        if (base / BUILT).is_file():
            course = Course.open(base / "course")
            how = f"kept from an earlier run in {base}"
        else:
            shutil.rmtree(base / "course", ignore_errors=True)
            shutil.rmtree(base / "source", ignore_errors=True)
            course = make_course(base, args.db)
            fill_gradebook(course, args.learners, args.seed)
            keep_attempts(course)
            (base / BUILT).write_text(f"{args.learners}\n", encoding="utf-8")
            how = f"built in {time.monotonic() - started:.0f} s"
        with Gradebook(course.db_url) as gradebook:
            learners = sorted(s.id for s in gradebook.students)
        print(
            f"cohort: {len(learners)} learners x {len(ASSIGNMENTS)} assignments, "
            f"{course.db_url.split(':')[0].split('+')[0]} gradebook ({how})"
        )
        probed = learners[: min(len(learners), args.api_learners)]
        api_seconds, api_peak = api_probe(course.db_url, probed, base / "api.json")
        scale = len(learners) / len(probed)
        rng = random.Random(args.seed)
        sample = sorted(rng.sample(probed, min(SAMPLE, len(probed))))
        api_scores = json.loads((base / "api.json").read_text())
        api_total = api_seconds * scale
        label = "" if scale == 1 else f"  (measured on {len(probed)} learners, x{scale:.0f})"
        print(f"(a) nbgrader Gradebook API: {api_total:8.1f} s  {api_peak / 1024:6.0f} MiB{label}")

        out, report = base / "records", base / "report.html"
        runs = [out] + [out.with_name(f"{out.name}.repeat-{n}") for n in range(1, args.repeat)]
        leftovers = [aside for aside in map(set_aside, runs) if aside] + runs[1:]
        try:
            records = [
                timed(["records", "--course", str(course.root), "--out", str(run)], course.root)
                for run in runs
            ]
            records_seconds = show("(b) bdhvs records:", records)
            report_args = ["report", "--course", str(course.root), "--out", str(report)]
            report_runs = [timed(report_args, course.root) for _ in runs]
            report_seconds = show("(c) bdhvs report: ", report_runs)
        finally:
            for folder in leftovers:
                shutil.rmtree(folder, ignore_errors=True)
        print(f"records: {api_total / records_seconds:.1f}x the speed of nbgrader's API")
        print(f"report:  {api_total / report_seconds:.1f}x the speed of nbgrader's API")
        print(f"report size: {report.stat().st_size / 1e6:.1f} MB")
        written = len(list((out / "learners").glob("*.json")))
        problems = disagreements({k: api_scores[k] for k in sample}, out)
        if written != len(learners):
            problems.append(f"{written} records written for {len(learners)} learners")
        if problems:
            print(f"records DISAGREE with nbgrader ({len(problems)}):")
            print("\n".join(problems[:40]))
            raise SystemExit(1)
        print(f"records agree with nbgrader's API on {len(sample)} sampled learners")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
