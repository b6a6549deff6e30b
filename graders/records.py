"""``bdhvs records``: one competency record per learner, from nbgrader's gradebook.

Scores come from the gradebook (read set-based by ``graders.gradebook_query``), competence tags
from the course's sources, grading failures from the grading reports and units from the roster;
``graders.rollup`` turns them into steps. Records are produced learner by learner and written as
they come, so a national cohort never has to fit in memory at once.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from tqdm import tqdm

from curriculum.framework import load_framework
from graders import jsontext
from graders.attempts import apply_policy, read_attempts
from graders.course import Course
from graders.errors import BdhvsError
from graders.gradebook_query import ABSENT, PENDING, ScoreTable, read_scores
from graders.grading.grade import read_report
from graders.jsonschemas import full_check_due
from graders.rollup import Evidence, RollupPolicy, competence_result, path_progress
from graders.roster import read_roster
from graders.sources import graded_items

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
#: Written last into the output folder; without it the folder is an interrupted run's leftover.
COMPLETE = "records-complete.json"
STAGING_PREFIX = ".records-"
CHUNK = 2000  # learners whose evidence is held at once


@cache
def record_schema() -> dict[str, Any]:
    text = (
        resources.files("graders")
        .joinpath("schemas/learner_record.schema.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = record_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_record(record: dict[str, Any]) -> None:
    _validator().validate(record)


@cache
def _part_validator(definition: str) -> jsonschema.protocols.Validator:
    """A validator for one ``$defs`` entry of the record schema."""
    schema = record_schema()
    part = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    return jsonschema.validators.validator_for(schema)(part)


def check_learner_ids(learners: Iterable[str]) -> None:
    """Learner ids become file names and credential subjects: refuse any that is not a plain
    pseudonymous id, naming them, before anything is written."""
    pattern = re.compile(record_schema()["properties"]["learner"]["pattern"])
    bad = [learner for learner in learners if not pattern.fullmatch(learner)]
    if bad:
        shown = ", ".join(repr(b) for b in bad[:10]) + (
            f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        )
        raise BdhvsError(
            f"{len(bad)} learner id(s) are not pseudonymous ids (letters, digits, '_', '.', '-'): "
            f"{shown}; fix them in the gradebook or the roster"
        )


def assignment_status(course: Course, assignments: list[str]) -> dict[str, dict[str, dict]]:
    """learner -> assignment -> status entry, from the grading reports."""
    status: dict[str, dict[str, dict]] = defaultdict(dict)
    checked: set[str] = set()
    for assignment in assignments:
        for outcome in read_report(course, assignment):
            entry = {
                "status": outcome.status,
                "score": outcome.score,
                "max_score": outcome.max_score,
                "message": outcome.message,
                "flags": outcome.flags,
            }
            key = json.dumps(entry, sort_keys=True)
            if key not in checked:
                try:
                    _part_validator("assignment").validate(entry)
                except jsonschema.ValidationError as exc:
                    raise BdhvsError(
                        f"the grading report of {assignment} has an invalid entry for "
                        f"{outcome.learner}: {exc.message}; run bdhvs grade {assignment} again"
                    ) from exc
                checked.add(key)
            status[outcome.learner][assignment] = entry
    return status


def evidence_of(
    table: ScoreTable, learners: Iterable[str], row_of: dict[str, int]
) -> dict[str, dict[str, list[Evidence]]]:
    """learner -> competence -> evidence, in source order, for these learners of ``table``."""
    evidence: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    items = table.items
    for learner in learners:
        mine = evidence[learner]  # a learner with no submission still gets a record
        row = row_of.get(learner)
        if row is None:
            continue
        for item, score in zip(items, table.row(row), strict=True):
            if score == ABSENT:
                continue
            found = Evidence(
                assignment=item.assignment,
                notebook=item.notebook,
                cell=item.cell,
                step=item.step,
                score=None if score == PENDING else score,
                max_score=item.points,
            )
            for competence in item.competences:
                mine[competence].append(found)
    return evidence


def iter_records(
    course: Course, policy: RollupPolicy | None = None, *, progress: bool | None = False
) -> Iterator[dict[str, Any]]:
    """Every learner's record, in learner id order, valid against the record schema.

    The gradebook is read once up front (a compact score table); records are then made a chunk
    of learners at a time. ``progress=None`` shows progress bars on a terminal only.
    """
    policy = policy or RollupPolicy()
    framework = load_framework()
    assignments = course.assignments()
    items = graded_items(course.source_dir, assignments)
    assessed = sorted({c for i in items for c in i.competences}, key=_competence_order)
    table = read_scores(course.db_url, items, progress=progress)
    histories = read_attempts(course.db_url, assignments, with_scores=policy.attempts == "best")
    status = assignment_status(course, assignments)
    roster = read_roster(course.roster_path)
    row_of = {learner: n for n, learner in enumerate(table.learners)}
    learners = sorted(set(row_of) | set(status) | set(roster))
    check_learner_ids(learners)
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    names = {c: framework.competence(c).name_vi for c in assessed}
    bar = tqdm(total=len(learners), desc="records", unit=" learners", disable=_hidden(progress))
    with bar:
        for start in range(0, len(learners), CHUNK):
            chunk = learners[start : start + CHUNK]
            evidence = evidence_of(table, chunk, row_of)
            evidence = apply_policy(evidence, histories, policy.attempts)
            for number, learner in enumerate(chunk, start):
                results = {c: competence_result(c, evidence[learner][c], policy) for c in assessed}
                competences = {}
                for competence, result in results.items():
                    competences[competence] = {
                        "name": names[competence],
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
                                "attempt": e.attempt,
                                "attempts": e.attempts,
                                "submitted_at": e.submitted_at,
                            }
                            for e in result.evidence
                        ],
                        "pending": [
                            f"{e.assignment}/{e.notebook}/{e.cell}" for e in result.pending
                        ],
                    }
                graded = {e.assignment for r in results.values() for e in r.evidence}
                learner_status = {}
                for assignment in assignments:
                    default = {"status": "graded" if assignment in graded else "not_submitted"}
                    learner_status[assignment] = status[learner].get(assignment, default)
                paths = {}
                for path in framework.paths:
                    progress_ = path_progress(path, results)
                    paths[path.id] = {
                        "completed": progress_.completed,
                        "met": progress_.met,
                        "required": progress_.required,
                        "missing": list(progress_.missing),
                        "completed_at": progress_.completed_at,
                    }
                record = {
                    "schema": RECORD_SCHEMA_ID,
                    "learner": learner,
                    "unit": roster.get(learner) or None,
                    "framework": framework.id,
                    "generated_at": generated,
                    "policy": {"mastery": policy.mastery, "attempts": policy.attempts},
                    "competences": competences,
                    "assignments": learner_status,
                    "paths": paths,
                }
                if full_check_due(number):  # made by the same code from checked inputs
                    validate_record(record)
                yield record
            bar.update(len(chunk))


def build_records(course: Course, policy: RollupPolicy | None = None) -> list[dict[str, Any]]:
    """Every learner's record as a list; for large cohorts stream :func:`iter_records`."""
    return list(iter_records(course, policy))


def _competence_order(competence: str) -> tuple[int, ...]:
    return tuple(int(part) for part in competence.split("."))


def _hidden(progress: bool | None) -> bool | None:
    return None if progress is None else not progress


def record_rows(record: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The ``records.csv`` rows of one record, in :data:`CSV_COLUMNS` order."""
    for competence, entry in record["competences"].items():
        yield (
            record["learner"],
            record["unit"] or "",
            competence,
            entry["name"],
            entry["step"],
            entry["step_code"] or "",
            entry["score"],
            entry["earned"],
            entry["available"],
            len(entry["pending"]),
            len(entry["evidence"]),
        )


def write_records(
    records: Iterable[dict[str, Any]],
    out: Path,
    *,
    progress: bool | None = False,
    say: Callable[[str], None] | None = None,
) -> Path:
    """Write ``learners/<id>.json``, ``records.csv`` and, last, ``records-complete.json``.

    Everything is written into a fresh folder first and swapped in at the end, so an interrupted
    run leaves the previous records whole and a learner removed from the course leaves no file.
    The completion file is removed just before the swap and written after it: a folder without
    it is an interrupted run's, which :class:`StoredRecords` refuses to read and the next run
    reports (through ``say``) and replaces.
    """
    out.mkdir(parents=True, exist_ok=True)
    for problem in leftovers(out):
        if say:
            say(f"warning: {problem}; it is discarded and written afresh")
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        learners_dir = staging / "learners"
        learners_dir.mkdir()
        count = rows = 0
        with open(staging / "records.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for record in tqdm(records, desc="writing", unit=" records", disable=_hidden(progress)):
                text = jsontext.dumps(record)
                (learners_dir / f"{record['learner']}.json").write_text(text, encoding="utf-8")
                for row in record_rows(record):
                    writer.writerow(row)
                    rows += 1
                count += 1
        (out / COMPLETE).unlink(missing_ok=True)
        current = out / "learners"
        if current.exists():
            current.rename(staging / "previous")
        learners_dir.rename(current)
        (staging / "records.csv").replace(out / "records.csv")
        marker = {"learners": count, "csv_rows": rows, "written_at": _now()}
        tmp = staging / COMPLETE
        tmp.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, out / COMPLETE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def leftovers(out: Path) -> list[str]:
    """What an interrupted earlier run left in ``out``, described for the person running."""
    found = [
        f"{path} is the unfinished work of an interrupted run"
        for path in sorted(out.glob(f"{STAGING_PREFIX}*"))
    ]
    if (out / "learners").exists() and not (out / COMPLETE).is_file():
        found.append(f"the records in {out} are incomplete (an earlier run was interrupted)")
    return found


class StoredRecords:
    """The records of a complete output folder, read back one file at a time, in learner order.

    Refuses a folder an interrupted run left behind: a partial set of records must never pass
    for the whole cohort.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        marker = out / COMPLETE
        try:
            self.summary = json.loads(marker.read_text(encoding="utf-8"))
            expected = int(self.summary["learners"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BdhvsError(
                f"{out} holds no complete set of records ({marker.name} missing or damaged: "
                f"an earlier bdhvs records was interrupted); run bdhvs records again"
            ) from exc
        self.paths = sorted((out / "learners").glob("*.json"), key=lambda p: p.stem)
        if len(self.paths) != expected:
            raise BdhvsError(
                f"{out / 'learners'} holds {len(self.paths)} records where {expected} were "
                "written: the folder was changed after writing; run bdhvs records again"
            )

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for path in self.paths:
            yield json.loads(path.read_text(encoding="utf-8"))
