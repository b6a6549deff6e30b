"""``bdhvs demo``: the whole chain on a synthetic cohort, through the commands' own paths.

A course is created under ``DIR/course``, the assignments are built, a cohort of pseudonymous
learners from several units submits answers drawn from realistic profiles
(:mod:`graders.demo.synthetic`), everything is graded, a synthetic instructor scores part of the
written answers, and the records and the report are written into ``DIR``. The same seed gives the
same cohort.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat

from graders.common.errors import BdhvsError
from graders.common.forked import default_jobs
from graders.course.build import build
from graders.course.directory import init_course
from graders.course.roster import write_roster
from graders.credentials.issuer import create_issuer, home_page, load_issuer
from graders.demo.synthetic import (
    DEMO_ISSUER,
    DEMO_KEY_DIR,
    MARKER,
    UNITS,
    cohort,
    demo_answers,
    grade_written_answers,
    make_submission,
    taps_of,
)
from graders.exports.write import write_outputs
from graders.grading.grade import grade
from graders.report.page import write_report


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

    Credentials are signed with ``key``, or with a demo key made in ``out/demo-key``.
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
    print(f"cohort: {len(members)} synthetic learners in {len(UNITS)} units (seed {seed})")
    for assignment in assignments:
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
        graded = [o for o in outcomes if o.status == "graded"]
        print(f"{assignment}: {len(graded)} graded, {len(outcomes) - len(graded)} failed")
        for outcome in outcomes:
            if outcome.status == "failed":
                print(f"  could not grade {outcome.learner}: {outcome.message}")
            for flag in outcome.flags:
                print(f"  flagged {outcome.learner}: {flag}")
        given = grade_written_answers(course, assignment, members, rng)
        print(f"  written answers scored by the instructor: {given}")
    # the records and exports are written by bdhvs records' own function
    outputs = write_outputs(
        course, out, home=home_page(None, issuer), issuer=issuer, jobs=default_jobs(), pdf=pdf
    )
    learners = outputs.written.learners
    report = write_report(course, out / "report.html")
    print()
    for line in summary_lines(outputs.records):
        print(line)
    print()
    print(f"records: {out / 'learners'} ({learners} files)")
    print(f"table:   {out / 'records.csv'}")
    print(f"report:  {report}")
    for line in outputs.lines():
        print(line)
    print(f"course:  {course.root} (an nbgrader course: try nbgrader formgrader there)")
    return {"records": learners, "report": report, "course": course.root}


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
