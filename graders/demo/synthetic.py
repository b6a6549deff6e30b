"""A synthetic cohort: pseudonymous learners from several units, their submissions and an
instructor who scores part of the written answers.

Answers are drawn from realistic profiles (complete, partial, wrong, blank, one corrupt notebook,
one learner who deleted a test cell) with the demo answers of each assignment
(``graders/demo/answers/``). The demo, the benchmarks and the tests make their cohorts here.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import nbformat
from nbgrader.api import Gradebook

from graders.common.errors import BdhvsError
from graders.course.directory import Course
from graders.grading.grade import read_report

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
    path = resources.files("graders").joinpath(f"demo/answers/{assignment}.json")
    if not path.is_file():
        raise BdhvsError(
            f"no demo answers for {assignment} (graders/demo/answers/{assignment}.json)"
        )
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
