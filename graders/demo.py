"""``bdhvs demo``: the whole chain on a synthetic cohort.

A course is created under ``DIR/course``, the assignments are built, a cohort of pseudonymous
learners from several units submits answers drawn from realistic profiles (complete, partial,
wrong, blank, one corrupt notebook, one learner who deleted a test cell), everything is graded by
nbgrader, a synthetic instructor scores part of the written answers, and the records and the
report are written into ``DIR``. The same seed gives the same cohort.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook

from graders.build import build
from graders.course import Course, init_course
from graders.credentials.issuer import create_issuer, home_page, load_issuer
from graders.errors import BdhvsError
from graders.exports.write import write_exports
from graders.grading.grade import grade, read_report
from graders.records import build_records
from graders.records_folder import write_records
from graders.report.page import write_report
from graders.roster import write_roster

MARKER = ".bdhvs-demo"
DEMO_KEY_DIR = "demo-key"
DEMO_ISSUER = "Đơn vị đào tạo minh họa (khóa thử, không có giá trị)"
UNITS = (
    "Văn phòng HĐND và UBND",
    "Phòng Tư pháp - Hộ tịch",
    "Bộ phận Một cửa",
    "Phòng Văn hóa - Xã hội",
    "Phòng Kinh tế",
)
# Profile weights for the cohort, after the two fixed faulty submissions.
PROFILES = (("complete", 0.3), ("partial", 0.4), ("wrong", 0.15), ("blank", 0.15))
PARTIAL_CORRECT = 0.6
INSTRUCTOR_GRADES_SHARE = 0.7
WRITTEN_CREDIT = (1.0, 0.25, 0.5)  # share of points for the good, weak and middling answers
SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"


@dataclass
class Learner:
    id: str
    unit: str
    profile: str
    written: dict[str, int] = field(default_factory=dict)  # manual cell -> answer variant


def demo_answers(assignment: str) -> dict[str, Any]:
    path = resources.files("graders").joinpath(f"demo_data/{assignment}.json")
    if not path.is_file():
        raise BdhvsError(f"no demo answers for {assignment} (graders/demo_data/{assignment}.json)")
    return json.loads(path.read_text(encoding="utf-8"))


def solution_text(source: str) -> str:
    """A source cell's model answer: its text without nbgrader's solution markers."""
    lines = source.splitlines()
    return "\n".join(line for line in lines if line.strip() not in (SOLUTION_BEGIN, SOLUTION_END))


def cohort(size: int, rng: random.Random) -> list[Learner]:
    names, weights = zip(*PROFILES, strict=True)
    profiles = ["corrupt", "deleted_test"][:size]
    profiles += rng.choices(names, weights=weights, k=size - len(profiles))
    rng.shuffle(profiles)
    width = max(3, len(str(size)))
    return [
        Learner(id=f"hv{i + 1:0{width}d}", unit=UNITS[i % len(UNITS)], profile=profile)
        for i, profile in enumerate(profiles)
    ]


def answer_variant(profile: str, rng: random.Random) -> str:
    """'correct', 'wrong' or 'blank' for one answer cell of a learner with ``profile``."""
    if profile in ("complete", "corrupt", "deleted_test"):
        return "correct"
    if profile == "partial":
        return "correct" if rng.random() < PARTIAL_CORRECT else rng.choice(("wrong", "blank"))
    return profile


def make_submission(
    learner: Learner,
    source: nbformat.NotebookNode,
    release: nbformat.NotebookNode,
    answers: dict[str, Any],
    rng: random.Random,
) -> str:
    """The submitted notebook of ``learner`` as text."""
    model = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        cell_id = meta["grade_id"]
        variant = answer_variant(learner.profile, rng)
        if cell_id in answers["written"]:
            if variant == "blank":
                continue
            texts = answers["written"][cell_id]
            index = 0 if variant == "correct" else rng.randrange(len(texts))
            learner.written[cell_id] = index
            cell.source = texts[index]
        elif variant == "correct":
            cell.source = solution_text(model[cell_id])
        elif variant == "wrong":
            cell.source = answers["wrong"][cell_id]
    if learner.profile == "deleted_test":
        tests = [
            c
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")
        ]
        nb.cells.remove(tests[0])
    text = nbformat.writes(nb)
    if learner.profile == "corrupt":
        return text[: len(text) // 2]
    return text


def grade_written_answers(
    course: Course, assignment: str, learners: list[Learner], rng: random.Random
) -> int:
    """A synthetic instructor scores part of the graded written answers, as formgrader would."""
    given = 0
    graded = {o.learner for o in read_report(course, assignment) if o.status == "graded"}
    with Gradebook(course.db_url) as gradebook:
        for learner in learners:
            if learner.id not in graded or not learner.written:
                continue
            if rng.random() >= INSTRUCTOR_GRADES_SHARE:
                continue
            submission = gradebook.find_submission(assignment, learner.id)
            for notebook in submission.notebooks:
                for grade_row in notebook.grades:
                    if grade_row.name in learner.written:
                        credit = WRITTEN_CREDIT[learner.written[grade_row.name] % 3]
                        grade_row.manual_score = credit * grade_row.max_score
                        given += 1
        gradebook.db.commit()
    return given


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
        for member in members:
            member.written = {}
            folder = course.submitted_dir / member.id / assignment
            folder.mkdir(parents=True)
            text = make_submission(member, source, release, answers, rng)
            (folder / name).write_text(text, encoding="utf-8")
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
    records = build_records(course)
    write_records(records, out)
    exports = write_exports(records, out, home_page=home_page(None, issuer), issuer=issuer, pdf=pdf)
    report = write_report(course, out / "report.html")
    print()
    for line in summary_lines(records):
        print(line)
    print()
    print(f"records: {out / 'learners'} ({len(records)} files)")
    print(f"table:   {out / 'records.csv'}")
    print(f"report:  {report}")
    for line in exports.lines():
        print(line)
    print(f"course:  {course.root} (an nbgrader course: try nbgrader formgrader there)")
    return {"records": len(records), "report": report, "course": course.root}


def summary_lines(records: list[dict[str, Any]]) -> list[str]:
    """Per assessed competence: learners who attained a step, learners with grades pending."""
    lines = ["competence   attained (step >= 1)   pending manual grades"]
    competences = list(records[0]["competences"]) if records else []
    for competence in competences:
        attained = sum(r["competences"][competence]["step"] > 0 for r in records)
        pending = sum(bool(r["competences"][competence]["pending"]) for r in records)
        lines.append(f"{competence:<12} {attained:>4} of {len(records):<14} {pending:>4}")
    return lines
