"""``bdhvs records``: one competency record per learner, from nbgrader's gradebook.

Scores come from the gradebook, competence tags from the course's sources, grading failures
from the grading reports and units from the roster; ``graders.rollup`` turns them into steps.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from nbgrader.api import Grade, Gradebook

from curriculum.framework import load_framework
from graders.course import Course
from graders.errors import BdhvsError
from graders.grade import read_report
from graders.rollup import Evidence, RollupPolicy, competence_result, path_progress
from graders.roster import read_roster
from graders.sources import GradedItem, graded_items

RECORD_SCHEMA_ID = "bdhvs/learner-record/1"
CSV_COLUMNS = (
    "learner",
    "unit",
    "competence",
    "competence_name",
    "step",
    "step_code",
    "score",
    "earned",
    "available",
    "pending_items",
    "evidence_items",
)


@cache
def record_schema() -> dict[str, Any]:
    text = (
        resources.files("graders")
        .joinpath("schemas/learner_record.schema.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def validate_record(record: dict[str, Any]) -> None:
    jsonschema.validate(record, record_schema())


def gradebook_evidence(
    course: Course, items: list[GradedItem]
) -> dict[str, dict[str, list[Evidence]]]:
    """learner -> competence -> evidence, for every grade nbgrader holds in this course."""
    index = {(i.assignment, i.notebook, i.cell): i for i in items}
    assignments = {i.assignment for i in items}
    evidence: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    with Gradebook(course.db_url) as gradebook:
        for student in gradebook.students:
            evidence[student.id]  # a learner with no submission still gets a record
            for submission in student.submissions:
                if submission.assignment.name not in assignments:
                    continue
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        key = (submission.assignment.name, notebook.name, grade.name)
                        item = index.get(key)
                        if item is None:
                            raise BdhvsError(
                                "the gradebook has a grade for cell "
                                f"{'/'.join(key)}, which is not in the current sources; "
                                "rebuild and regrade the assignment, or restore its source"
                            )
                        for competence in item.competences:
                            evidence[student.id][competence].append(
                                Evidence(
                                    assignment=item.assignment,
                                    notebook=item.notebook,
                                    cell=item.cell,
                                    step=item.step,
                                    score=_score_or_pending(grade),
                                    max_score=item.points,
                                )
                            )
    return evidence


def _score_or_pending(grade: Grade) -> float | None:
    """nbgrader reports 0 for an answer nobody has scored yet; a record says it is pending."""
    if grade.manual_score is None and grade.auto_score is None:
        return None
    return grade.score


def assignment_status(course: Course, assignments: list[str]) -> dict[str, dict[str, dict]]:
    """learner -> assignment -> status entry, from the grading reports."""
    status: dict[str, dict[str, dict]] = defaultdict(dict)
    for assignment in assignments:
        for outcome in read_report(course, assignment):
            status[outcome.learner][assignment] = {
                "status": outcome.status,
                "score": outcome.score,
                "max_score": outcome.max_score,
                "message": outcome.message,
                "flags": outcome.flags,
            }
    return status


def build_records(course: Course, policy: RollupPolicy | None = None) -> list[dict[str, Any]]:
    """Every learner's record, sorted by learner id, each valid against the record schema."""
    policy = policy or RollupPolicy()
    framework = load_framework()
    assignments = course.assignments()
    items = graded_items(course.source_dir, assignments)
    assessed = sorted({c for i in items for c in i.competences}, key=_competence_order)
    evidence = gradebook_evidence(course, items)
    status = assignment_status(course, assignments)
    roster = read_roster(course.roster_path)
    learners = sorted(set(evidence) | set(status) | set(roster))
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    records = []
    for learner in learners:
        results = {c: competence_result(c, evidence[learner][c], policy) for c in assessed}
        competences = {}
        for competence, result in results.items():
            competences[competence] = {
                "name": framework.competence(competence).name_vi,
                "step": result.step,
                "step_code": framework.step(result.step).code if result.step else None,
                "score": result.score,
                "earned": result.earned,
                "available": result.available,
                "evidence": [
                    {
                        "assignment": e.assignment,
                        "notebook": e.notebook,
                        "cell": e.cell,
                        "target_step": e.step,
                        "score": e.score,
                        "max_score": e.max_score,
                    }
                    for e in result.evidence
                ],
                "pending": [f"{e.assignment}/{e.notebook}/{e.cell}" for e in result.pending],
            }
        learner_status = {}
        for assignment in assignments:
            default = {"status": "not_submitted"}
            if any(e.assignment == assignment for r in results.values() for e in r.evidence):
                default = {"status": "graded"}
            learner_status[assignment] = status[learner].get(assignment, default)
        paths = {}
        for path in framework.paths:
            progress = path_progress(path, results)
            paths[path.id] = {
                "completed": progress.completed,
                "met": progress.met,
                "required": progress.required,
                "missing": list(progress.missing),
            }
        record = {
            "schema": RECORD_SCHEMA_ID,
            "learner": learner,
            "unit": roster.get(learner) or None,
            "framework": framework.id,
            "generated_at": generated,
            "policy": {"mastery": policy.mastery},
            "competences": competences,
            "assignments": learner_status,
            "paths": paths,
        }
        validate_record(record)
        records.append(record)
    return records


def _competence_order(competence: str) -> tuple[int, ...]:
    return tuple(int(part) for part in competence.split("."))


def csv_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        for competence, entry in record["competences"].items():
            rows.append(
                {
                    "learner": record["learner"],
                    "unit": record["unit"] or "",
                    "competence": competence,
                    "competence_name": entry["name"],
                    "step": entry["step"],
                    "step_code": entry["step_code"] or "",
                    "score": entry["score"],
                    "earned": entry["earned"],
                    "available": entry["available"],
                    "pending_items": len(entry["pending"]),
                    "evidence_items": len(entry["evidence"]),
                }
            )
    return rows


def write_records(records: list[dict[str, Any]], out: Path) -> Path:
    """Write ``out/learners/<id>.json`` and ``out/records.csv``.

    Everything is written into a fresh folder first and swapped in at the end, so an interrupted
    run leaves the previous records whole and a learner removed from the course leaves no file.
    """
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".records-", dir=out))
    try:
        learners_dir = staging / "learners"
        learners_dir.mkdir()
        for record in records:
            text = json.dumps(record, ensure_ascii=False, indent=2)
            (learners_dir / f"{record['learner']}.json").write_text(text, encoding="utf-8")
        with open(staging / "records.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(csv_rows(records))
        current = out / "learners"
        if current.exists():
            current.rename(staging / "previous")
        learners_dir.rename(current)
        (staging / "records.csv").replace(out / "records.csv")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
