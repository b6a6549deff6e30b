"""``bdhvs demo``: the whole chain on a synthetic cohort, through the commands' own paths.

A course is created under ``DIR/course``, the assignments are built, a cohort of pseudonymous
learners from several units submits answers drawn from realistic profiles
(:mod:`graders.demo.synthetic`), everything is graded, a synthetic instructor scores part of the
written answers, and the records and the report are written into ``DIR``. The same seed gives the
same cohort. It ends by saying whether grading caught the faults planted in the cohort
(:mod:`graders.demo.verdict`), where everything was written and how to open the report.
"""

from __future__ import annotations

import random
import shlex
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat

from graders.common.errors import BdhvsError
from graders.common.forked import default_jobs
from graders.course.build import build
from graders.course.directory import Course, init_course
from graders.course.roster import write_roster
from graders.credentials.issuer import create_issuer, home_page, load_issuer
from graders.demo.synthetic import (
    DEMO_ISSUER,
    DEMO_KEY_DIR,
    MARKER,
    UNITS,
    Learner,
    cohort,
    demo_answers,
    grade_written_answers,
    make_submission,
    planted,
    taps_of,
)
from graders.demo.verdict import Observed, compare, report_line, reports
from graders.exports.write import Outputs, write_outputs
from graders.grading.grade import grade
from graders.integrity.findings import check_integrity
from graders.report.page import write_report

# The demo's course is a made-up cohort: its report says so in its title.
DEMO_TITLE = "Lớp minh họa Bình dân học vụ số (dữ liệu tổng hợp)"


def prepare_output(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise BdhvsError(f"{out} is not empty and not an earlier demo; choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by bdhvs demo; deleted by the next demo run\n")


def run_demo(
    out: Path, learners: int = 50, seed: int = 2025, key: Path | None = None, pdf: bool = False
) -> dict[str, Any]:
    """Run the chain, print a summary and return the paths and counts it printed.

    Credentials are signed with ``key``, or with a demo key made in ``out/demo-key``. A planted
    fault that grading did not catch fails the demo, after the summary says which.
    """
    out = out.resolve()
    issuer = load_issuer(key) if key else None
    prepare_output(out)
    if issuer is None:
        issuer = load_issuer(create_issuer(out / DEMO_KEY_DIR, DEMO_ISSUER, None, demo=True))
    rng = random.Random(seed)
    course = init_course(out / "course")
    assignments = build(course)
    members = cohort(learners, rng)
    write_roster(course.roster_path, {m.id: m.unit for m in members})
    observed = Observed(planted(members))
    print(f"cohort: {len(members)} synthetic learners in {len(UNITS)} units (seed {seed})")
    for learner, fault in sorted(observed.planted.items()):
        print(f"  planted: {learner} {fault.planted}")
    for assignment in assignments:
        grade_cohort(course, assignment, members, rng, observed)
    # the records and exports are written by bdhvs records' own function
    outputs = write_outputs(
        course, out, home=home_page(None, issuer), issuer=issuer, jobs=default_jobs(), pdf=pdf
    )
    learners = outputs.written.learners
    report = write_report(course, out / "report.html", title=DEMO_TITLE)
    verdict = compare(observed, check_integrity(course))
    opener = f"python3 -m webbrowser {shlex.quote(report.as_uri())}"
    ending = [
        *summary_lines(outputs.records),
        "",
        *where(out, course, outputs, report),
        "",
        *verdict.lines(),
        "",
        f"Open the report (one offline file): {opener}",
    ]
    print("\n" + "\n".join(ending))
    if verdict.missed:
        raise BdhvsError("grading did not catch every fault the demo planted (NOT CAUGHT above)")
    return {"records": learners, "report": report, "course": course.root}


def grade_cohort(
    course: Course, assignment: str, members: list[Learner], rng: random.Random, observed: Observed
) -> None:
    """Submit every member's work for ``assignment``, grade it, let the synthetic instructor
    score written answers, and print what grading reported with the planted faults marked, so
    that a newcomer does not take them for failures of the demo."""
    answers = demo_answers(assignment)
    name = answers["notebook"]
    source = nbformat.read(course.source_dir / assignment / name, as_version=4)
    release = nbformat.read(course.release_dir / assignment / name, as_version=4)
    taps = taps_of(source, release, answers)
    for member in members:
        member.written = {}
        folder = course.submitted_dir / member.id / assignment
        make_submission(member, source, release, answers, rng, taps).write(folder)
    outcomes = grade(course, assignment)
    given = grade_written_answers(course, assignment, members, rng)
    observed.outcomes[assignment] = outcomes
    observed.scored += given
    graded = sum(o.status == "graded" for o in outcomes)
    print(
        f"{assignment}: {graded} graded, {len(outcomes) - graded} could not be graded; "
        f"written answers scored by the instructor: {given}"
    )
    for outcome in outcomes:
        fault = observed.planted.get(outcome.learner)
        for kind, text in reports(outcome):
            print(f"  {report_line(outcome.learner, kind, text, fault)}")


def where(out: Path, course: Course, outputs: Outputs, report: Path) -> list[str]:
    """Where the demo wrote everything, as absolute paths."""
    return [
        f"records: {out / 'learners'} ({outputs.written.learners} files)",
        f"table:   {out / 'records.csv'}",
        f"report:  {report}",
        *outputs.lines(),
        f"course:  {course.root} (an nbgrader course: try nbgrader formgrader there)",
    ]


def summary_lines(records: Iterable[dict[str, Any]]) -> list[str]:
    """Per assessed competence: learners who attained a step, learners with grades pending;
    ``records`` are read once (the records as written, from disk)."""
    learners = 0
    attained: dict[str, int] = {}
    pending: dict[str, int] = {}
    for record in records:
        learners += 1
        for competence, entry in record["competences"].items():
            attained[competence] = attained.get(competence, 0) + (entry["step"] > 0)
            pending[competence] = pending.get(competence, 0) + bool(entry["pending"])
    lines = ["competence   attained (step >= 1)   pending manual grades"]
    for competence in attained:
        lines.append(
            f"{competence:<12} {attained[competence]:>4} of {learners:<14} {pending[competence]:>4}"
        )
    return lines
