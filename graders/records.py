"""``bdhvs records``: one competency record per learner, from nbgrader's gradebook.

Scores come from the gradebook (read set-based by ``graders.gradebook_query``), competence tags
from the course's sources, grading failures from the grading reports and units from the roster;
``graders.rollup`` turns them into steps. Records are produced learner by learner and written as
they come, so a national cohort never has to fit in memory at once.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import orjson
from tqdm import tqdm

from curriculum.framework import load_framework
from graders.attempts import Choice, read_attempts
from graders.course import Course
from graders.errors import BdhvsError
from graders.forked import gc_paused
from graders.gradebook_query import ABSENT, PENDING, ScoresBeingRead
from graders.grading.grade import read_outcomes
from graders.jsonschemas import full_check_due
from graders.rollup import CompetenceResult, RollupPolicy, competence_result, path_progress
from graders.roster import read_roster
from graders.sources import graded_items

RECORD_SCHEMA_ID = "bdhvs/learner-record/2"


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
    """learner -> assignment -> status entry, from the grading reports.

    Each distinct entry is checked against the record schema once and kept once: a national
    cohort's reports hold a million entries but few distinct ones. Entries are shared between
    learners and must not be changed.
    """
    status: dict[str, dict[str, dict]] = defaultdict(dict)
    checked: dict[bytes, dict] = {}  # entries of the same content are one shared object
    for assignment in assignments:
        for entry in read_outcomes(course, assignment):
            learner = entry.pop("learner", None)
            key = orjson.dumps(entry)
            shared = checked.get(key)
            if shared is None or not isinstance(learner, str):
                try:
                    if not isinstance(learner, str):
                        raise jsonschema.ValidationError(f"learner {learner!r} is not an id")
                    _part_validator("assignment").validate(entry)
                except jsonschema.ValidationError as exc:
                    raise BdhvsError(
                        f"the grading report of {assignment} has an invalid entry for "
                        f"{learner}: {exc.message}; run bdhvs grade {assignment} again"
                    ) from exc
                shared = checked[key] = entry
            status[learner][assignment] = shared
    return status


class RecordMaker:
    """Everything the records are made from, read once; :meth:`record` makes one learner's.

    Reading a national cohort's gradebook is the slow part; ``jobs`` processes share it
    (:class:`graders.gradebook_query.ScoresBeingRead`). The maker holds no per-learner state, so
    processes forked from it can make records of different learners at once.
    """

    def __init__(
        self,
        course: Course,
        policy: RollupPolicy | None = None,
        *,
        jobs: int = 1,
        progress: bool | None = False,
    ) -> None:
        with gc_paused():
            self.policy = policy or RollupPolicy()
            self.framework = load_framework()
            assignments = course.assignments()
            self.assignments = assignments
            items = graded_items(course.source_dir, assignments)
            self.assessed = sorted({c for i in items for c in i.competences}, key=_competence_order)
            reading = ScoresBeingRead(course.db_url, items, jobs)  # meanwhile, the rest:
            self.histories = read_attempts(
                course.db_url, assignments, with_scores=self.policy.attempts == "best"
            )
            self.status = assignment_status(course, assignments)
            self.table = reading.table(progress)
            self.roster = read_roster(course.roster_path)
            self.row_of = {learner: n for n, learner in enumerate(self.table.learners)}
            self.learners = sorted(set(self.row_of) | set(self.status) | set(self.roster))
            check_learner_ids(self.learners)
        self.generated = datetime.now(UTC).isoformat(timespec="seconds")
        self._items = items
        self._names = {c: self.framework.competence(c).name_vi for c in self.assessed}
        self._columns = {
            c: [n for n, i in enumerate(items) if c in i.competences] for c in self.assessed
        }
        self._by_assignment = {
            a: [n for n, i in enumerate(items) if i.assignment == a and i.competences]
            for a in assignments
        }
        self._keys = [(i.notebook, i.cell) for i in items]
        self._ids = [f"{i.assignment}/{i.notebook}/{i.cell}" for i in items]
        # An evidence entry says nothing of its learner: one object per item and score serves
        # every learner with that score (records are serialised, never changed).
        self._shared: list[dict[float | None, dict[str, Any]]] = [{} for _ in items]
        # Likewise a competence's entry, made once for each set of shared evidence objects.
        self._entries: dict[tuple, tuple[CompetenceResult, dict[str, Any]]] = {}

    def __len__(self) -> int:
        return len(self.learners)

    def record(self, number: int) -> dict[str, Any]:
        """The record of ``self.learners[number]``, checked against the schema as
        :func:`graders.jsonschemas.full_check_due` says."""
        learner = self.learners[number]
        evidence, chosen = self._evidence(learner)
        framework, policy = self.framework, self.policy
        results = {}
        competences = {}
        for competence in self.assessed:
            columns = [n for n in self._columns[competence] if n in evidence]
            key = (competence, *(id(evidence[n]) for n in columns))
            known = self._entries.get(key)
            if known is None:
                mine = [evidence[n] for n in columns]
                result = competence_result(competence, mine, policy)
                step = result.step
                entry = {
                    "name": self._names[competence],
                    "step": step,
                    "step_code": framework.step(step).code if step else None,
                    "score": result.score,
                    "earned": result.earned,
                    "available": result.available,
                    "evidence": mine,
                    "pending": [self._ids[n] for n in columns if evidence[n]["score"] is None],
                }
                known = self._entries[key] = (result, entry)
            results[competence], competences[competence] = known
        learner_status = {}
        reported = self.status.get(learner, {})
        submitted_at = {}
        for assignment in self.assignments:
            choice = chosen.get(assignment)
            status = reported.get(assignment)
            if status is None:
                status = {"status": "graded" if choice else "not_submitted"}
            if choice is not None:
                status = {
                    **status,
                    "attempt": choice.attempt,
                    "attempts": choice.attempts,
                    "submitted_at": choice.submitted_at,
                }
                submitted_at[assignment] = choice.submitted_at
            learner_status[assignment] = status
        paths = {}
        for path in framework.paths:
            progress = path_progress(path, results, submitted_at)
            paths[path.id] = {
                "completed": progress.completed,
                "met": progress.met,
                "required": progress.required,
                "missing": list(progress.missing),
                "completed_at": progress.completed_at,
            }
        record = {
            "schema": RECORD_SCHEMA_ID,
            "learner": learner,
            "unit": self.roster.get(learner) or None,
            "framework": framework.id,
            "generated_at": self.generated,
            "policy": {"mastery": policy.mastery, "attempts": policy.attempts},
            "competences": competences,
            "assignments": learner_status,
            "paths": paths,
        }
        if full_check_due(number):  # made by the same code from checked inputs
            validate_record(record)
        return record

    def _evidence(self, learner: str) -> tuple[dict[int, dict[str, Any]], dict[str, Choice]]:
        """(item column -> the learner's evidence on it, for the items with a grade;
        assignment -> the attempt that counts, for the assignments with evidence)."""
        row = self.row_of.get(learner)
        if row is None:
            return {}, {}
        scores = self.table.row(row)
        keys = self._keys
        items = self._items
        best = self.policy.attempts == "best"
        evidence = {}
        chosen = {}
        for assignment, columns in self._by_assignment.items():
            present = [n for n in columns if scores[n] != ABSENT]
            if not present:
                continue
            live = {keys[n]: _score(scores[n]) for n in present} if best else {}
            choice = self.histories.choice(learner, assignment, live, self.policy.attempts)
            kept = None
            if choice is not None:
                chosen[assignment] = choice
                kept = choice.scores
            for n in present:
                score = _score(scores[n]) if kept is None else kept[keys[n]]
                known = self._shared[n]
                found = known.get(score)
                if found is None:
                    item = items[n]
                    found = known[score] = {
                        "assignment": assignment,
                        "notebook": item.notebook,
                        "cell": item.cell,
                        "target_step": item.step,
                        "score": score,
                        "max_score": item.points,
                    }
                evidence[n] = found
        return evidence, chosen


def _score(value: float) -> float | None:
    return None if value == PENDING else value


def iter_records(
    course: Course, policy: RollupPolicy | None = None, *, progress: bool | None = False
) -> Iterator[dict[str, Any]]:
    """Every learner's record, in learner id order, valid against the record schema.

    One process; ``bdhvs records`` spreads the same work over the cores
    (:func:`graders.records_folder.write_cohort`). ``progress=None`` shows progress bars on a
    terminal only.
    """
    maker = RecordMaker(course, policy, progress=progress)
    bar = tqdm(total=len(maker), desc="records", unit=" learners", disable=_hidden(progress))
    with bar:
        for number in range(len(maker)):
            yield maker.record(number)
            bar.update()


def build_records(course: Course, policy: RollupPolicy | None = None) -> list[dict[str, Any]]:
    """Every learner's record as a list; for large cohorts stream :func:`iter_records`."""
    return list(iter_records(course, policy))


def _competence_order(competence: str) -> tuple[int, ...]:
    return tuple(int(part) for part in competence.split("."))


def _hidden(progress: bool | None) -> bool | None:
    return None if progress is None else not progress
