"""``bdhvs records``: one competency record per learner, from nbgrader's gradebook.

Scores come from the gradebook (read set-based by ``graders.gradebook.scores``), competence tags
from the course's sources, grading failures from the grading reports and units from the roster;
``graders.records.rollup`` turns them into steps. Records are produced learner by learner and
written as they come, so a national cohort never has to fit in memory at once.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache, cached_property
from importlib import resources
from itertools import compress
from typing import Any

import jsonschema
import numpy as np
import orjson

from curriculum.framework import load_framework
from graders.common.errors import BdhvsError
from graders.common.forked import Started, gc_paused
from graders.common.jsonschemas import full_check_due
from graders.course.directory import Course
from graders.course.roster import read_roster
from graders.course.sources import graded_items
from graders.gradebook.attempts import Choice, iso_seconds, read_attempts
from graders.gradebook.scores import ABSENT, PENDING, ScoresBeingRead
from graders.grading.grade import read_outcomes
from graders.records.rollup import CompetenceResult, RollupPolicy, competence_result
from graders.records.score_patterns import pattern_codes

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
    """Everything the records are made from, read once; :meth:`records` makes a span's.

    Reading a national cohort's gradebook is the slow part; ``jobs`` processes share it
    (:class:`graders.gradebook.scores.ScoresBeingRead`). Records are made a span of learners at a
    time: the span's learners with equal scores on a competence's items share one competence
    entry, made once by :mod:`graders.records.rollup` (:mod:`graders.records.score_patterns`). The
    maker keeps only caches between spans, so processes forked from it can make different spans
    at once.

    Records share their competence entries (and the evidence in them): one dict object serves
    every learner of the cohort with the same scores on that competence's items, and the maker
    keeps it for its own life. Those objects are never changed once made, so whoever writes the
    records may format an entry once and look it up again by the object itself (the writers of
    :mod:`graders.records.folder` and :mod:`graders.exports.xapi` do; they keep each entry they
    have formatted, so its ``id`` cannot pass to another object while they look it up). A
    record's own dict is new for each learner and its ``competences`` may be replaced by a copy.
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
            # The grading reports and the attempts are read in processes of their own, while
            # this one prepares the reading of the grades, which the other processes then do.
            reports = Started(
                lambda _: assignment_status(course, assignments), [0], jobs, alone=True
            )
            with_scores = self.policy.attempts == "best"
            attempts = Started(
                lambda _: read_attempts(course.db_url, assignments, with_scores=with_scores),
                [0],
                jobs,
                alone=True,
            )
            reading = ScoresBeingRead(course.db_url, items, jobs)
            (self.histories,) = attempts.results(desc="attempts", unit=" reads")
            (self.status,) = reports.results(desc="grading reports", unit=" assignments")
            self.table = reading.table(progress)
            self.roster = read_roster(course.roster_path)
            self.row_of = {learner: n for n, learner in enumerate(self.table.learners)}
            self.learners = sorted(set(self.row_of) | set(self.status) | set(self.roster))
            check_learner_ids(self.learners)
        self.generated = datetime.now(UTC).isoformat(timespec="seconds")
        self._items = items
        self._names = {c: self.framework.competence(c).name_vi for c in self.assessed}
        self._columns = [
            [n for n, i in enumerate(items) if c in i.competences] for c in self.assessed
        ]
        self._by_assignment = [
            [n for n, i in enumerate(items) if i.assignment == a and i.competences]
            for a in assignments
        ]
        self._keys = [(i.notebook, i.cell) for i in items]
        self._ids = [f"{i.assignment}/{i.notebook}/{i.cell}" for i in items]
        # Table row of each learner, -1 for a learner without grades (roster or reports only).
        self.table_rows = np.array(
            [self.row_of.get(learner, -1) for learner in self.learners], dtype=np.intp
        )
        self._chosen: dict[tuple[str, str], Choice] = {}
        self.counted = self.table.scores  # the scores that count, by the attempts policy
        if self.policy.attempts == "best":
            self.counted = self._best_scores()
        # learners whose attempt that counts may not be simply the one nbgrader holds (the
        # best policy's choices are among them)
        self._unusual = self.histories.beyond_gradebook()
        # An evidence entry says nothing of its learner: one object per item and score serves
        # every learner with that score (records are serialised, never changed).
        self._shared: list[dict[float | None, dict[str, Any]]] = [{} for _ in items]
        # Likewise a competence's entry, one per competence and pattern of scores.
        self._entries: list[dict[tuple[float, ...], tuple[CompetenceResult, dict[str, Any]]]] = [
            {} for _ in self.assessed
        ]

    def __len__(self) -> int:
        return len(self.learners)

    def records(self, start: int, stop: int, *, check: bool = True) -> Iterator[dict[str, Any]]:
        """The records of ``self.learners[start:stop]``; with ``check``, checked against the
        schema as :func:`graders.common.jsonschemas.full_check_due` says."""
        span = self.span(start, stop)
        framework, policy = self.framework, self.policy
        policy_entry = {"mastery": policy.mastery, "attempts": policy.attempts}
        span_paths = self._span_path_entries(span, start, stop)
        counted = span.counted.tolist()
        when = iso_seconds(span.submitted_at).tolist()
        for offset, number in enumerate(range(start, stop)):
            learner = self.learners[number]
            competences = span.competences(offset)
            learner_status = self.assignment_entries(learner, counted[offset], when[offset])
            record = {
                "schema": RECORD_SCHEMA_ID,
                "learner": learner,
                "unit": self.roster.get(learner) or None,
                "framework": framework.id,
                "generated_at": self.generated,
                "policy": policy_entry,
                "competences": competences,
                "assignments": learner_status,
                "paths": span_paths[offset],
            }
            if check and full_check_due(number):  # made by the same code from checked inputs
                validate_record(record)
            yield record

    def span(self, start: int, stop: int) -> Span:
        """The competence entries and submissions of ``self.learners[start:stop]``."""
        rows = self.table_rows[start:stop]
        block = np.full((len(rows), self.counted.shape[1]), ABSENT)
        graded = rows >= 0
        block[graded] = self.counted[rows[graded]]
        entries = []
        codes = np.empty((len(rows), len(self.assessed)), dtype=np.int64)
        for c, columns in enumerate(self._columns):
            distinct, codes[:, c] = pattern_codes(block[:, columns])
            entries.append([self._entry(c, tuple(values)) for values in distinct.tolist()])
        submitted = np.zeros((len(rows), len(self.assignments)), dtype=bool)
        for a, columns in enumerate(self._by_assignment):
            if columns:
                submitted[:, a] = (block[:, columns] != ABSENT).any(axis=1)
        counted, times = self._counted_attempts(self.learners[start:stop], submitted)
        return Span(self.assessed, entries, codes, submitted, block, counted, times)

    def _counted_attempts(
        self, learners: list[str], submitted: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(whether an attempt counts, when it was submitted) for these learners (rows) and
        each assignment, as :class:`Span` keeps them: the one place that says when, so that a
        record's ``submitted_at`` and its paths' ``completed_at`` (and the report's) cannot
        disagree. An attempt counts where the learner has grades (``submitted``) and nbgrader
        holds their submission. It was submitted at nbgrader's timestamp, but for learners with
        attempts beyond that submission where the ``best`` policy chose another or nbgrader
        holds no timestamp: those few are looked up, the rest are taken as a table."""
        held, stamps = self.histories.submitted_at(learners, self.assignments)
        counted = submitted & held
        times = np.where(counted, stamps.astype("datetime64[s]"), np.datetime64("NaT", "s"))
        for offset, learner in enumerate(learners):
            if learner not in self._unusual:
                continue
            for a in np.flatnonzero(counted[offset]).tolist():
                assignment = self.assignments[a]
                if np.isnat(times[offset, a]) or (learner, assignment) in self._chosen:
                    choice = self._choice(learner, assignment)
                    when = _utc(choice.submitted_at) if choice and choice.submitted_at else "NaT"
                    times[offset, a] = np.datetime64(when, "s")
        return counted, times

    def assignment_entries(
        self, learner: str, counted: list[bool], submitted_at: list[str | None]
    ) -> dict[str, dict]:
        """The record's ``assignments``; ``counted`` and ``submitted_at``: the learner's rows of
        :attr:`Span.counted` and of :attr:`Span.submitted_at` as text, so that only a learner
        with attempts beyond nbgrader's submission has their attempt looked up, for its number."""
        reported = self.status.get(learner, {})
        entries = {}
        usual = learner not in self._unusual
        for assignment, counts, when in zip(self.assignments, counted, submitted_at, strict=True):
            status = reported.get(assignment)
            if status is None:
                status = {"status": "graded" if counts else "not_submitted"}
            if counts:
                attempt, attempts = 1, 1  # nbgrader's submission is the one attempt
                if not usual:
                    choice = self._choice(learner, assignment)
                    assert choice is not None  # nbgrader holds the submission
                    attempt, attempts = choice.attempt, choice.attempts
                status = {**status, "attempt": attempt, "attempts": attempts, "submitted_at": when}
            entries[assignment] = status
        return entries

    def _choice(self, learner: str, assignment: str) -> Choice | None:
        """The attempt that counts of a submission with grades: the one ``best`` chose, else
        nbgrader's (only several attempts need the scores ``best`` compares)."""
        return self._chosen.get((learner, assignment)) or self.histories.choice(
            learner, assignment, {}, self.policy.attempts
        )

    def evidence_in(self, span: Span, competences: list[int]) -> np.ndarray:
        """Whether each learner of ``span`` has a grade (pending or not) on an item of these
        competences (by position in ``self.assessed``), per assignment."""
        wanted = set().union(*(self._columns[c] for c in competences))
        found = np.zeros(span.submitted.shape, dtype=bool)
        for a, columns in enumerate(self._by_assignment):
            mine = [n for n in columns if n in wanted]
            if mine:
                found[:, a] = (span.scores[:, mine] != ABSENT).any(axis=1)
        return found

    def path_tables(self, span: Span, start: int, stop: int) -> list[PathTable]:
        """Each learning path's progress for ``self.learners[start:stop]`` (``span``), in the
        framework's order, as arrays: the one place the path rule of
        :mod:`graders.records.rollup` is applied, for every learner (the times of the attempts
        that count are the span's, which the records' ``submitted_at`` are written from)."""
        steps = span.steps
        times = span.submitted_at
        position = {c: n for n, c in enumerate(self.assessed)}
        tables = []
        for path in self.framework.paths:
            unmet = np.ones((len(steps), len(path.requirements)), dtype=bool)
            for r, need in enumerate(path.requirements):
                if need.competence in position:
                    unmet[:, r] = steps[:, position[need.competence]] < need.step
            done = ~unmet.any(axis=1)
            completed_at = np.full(len(steps), NOT_A_TIME)
            if done.any():  # then every requirement is assessed
                evidence = self.evidence_in(
                    span, [position[r.competence] for r in path.requirements]
                )
                # NaT is the least 64-bit integer: the latest time is the greatest, NaT if none
                latest = np.where(evidence, times.view(np.int64), NOT_A_TIME)
                latest = latest.max(axis=1, initial=NOT_A_TIME)
                completed_at = np.where(done, latest, NOT_A_TIME)
            tables.append(PathTable(unmet, completed_at.view("datetime64[s]")))
        return tables

    def _span_path_entries(self, span: Span, start: int, stop: int) -> list[dict[str, dict]]:
        """The record's ``paths`` of each learner of the span, from :meth:`path_tables`."""
        found: list[dict[str, dict]] = [{} for _ in range(stop - start)]
        for path, table in zip(
            self.framework.paths, self.path_tables(span, start, stop), strict=True
        ):
            required = len(path.requirements)
            needed = [r.competence for r in path.requirements]
            when = iso_seconds(table.completed_at).tolist()
            for offset, unmet in enumerate(table.unmet.tolist()):
                missing = list(compress(needed, unmet))
                found[offset][path.id] = path_entry(required, missing, when[offset])
        return found

    def _entry(self, c: int, values: tuple[float, ...]) -> tuple[CompetenceResult, dict[str, Any]]:
        """Competence ``c``'s result and record entry for a learner with these scores on its
        items (:data:`ABSENT`: not submitted; :data:`PENDING`: awaiting an instructor)."""
        known = self._entries[c].get(values)
        if known is not None:
            return known
        competence = self.assessed[c]
        scored = [(n, v) for n, v in zip(self._columns[c], values, strict=True) if v != ABSENT]
        evidence = [self._evidence(n, _score(value)) for n, value in scored]
        result = competence_result(competence, evidence, self.policy)
        step = result.step
        entry = {
            "name": self._names[competence],
            "step": step,
            "step_code": self.framework.step(step).code if step else None,
            "score": result.score,
            "earned": result.earned,
            "available": result.available,
            "evidence": evidence,
            "pending": [self._ids[n] for n, value in scored if value == PENDING],
        }
        known = self._entries[c][values] = (result, entry)
        return known

    def _evidence(self, n: int, score: float | None) -> dict[str, Any]:
        known = self._shared[n]
        found = known.get(score)
        if found is None:
            item = self._items[n]
            found = known[score] = {
                "assignment": item.assignment,
                "notebook": item.notebook,
                "cell": item.cell,
                "target_step": item.step,
                "score": score,
                "max_score": item.points,
            }
        return found

    def _best_scores(self) -> np.ndarray:
        """The table with each learner's best attempt in place of the latest, where a learner
        made more than one; the choices are kept for the records."""
        table = self.table.scores
        counted = table.copy()
        number = {assignment: a for a, assignment in enumerate(self.assignments)}
        for learner, assignment in self.histories.several():
            row = self.row_of.get(learner)
            if row is None or assignment not in number:
                continue
            columns = self._by_assignment[number[assignment]]
            present = [n for n in columns if table[row, n] != ABSENT]
            if not present:
                continue
            live = {self._keys[n]: _score(table[row, n]) for n in present}
            choice = self.histories.choice(learner, assignment, live, "best")
            self._chosen[(learner, assignment)] = choice
            if choice.scores is not None:
                for n in present:
                    kept = choice.scores[self._keys[n]]
                    counted[row, n] = PENDING if kept is None else kept
        return counted


def path_entry(required: int, missing: list[str], completed_at: str | None) -> dict[str, Any]:
    """A path's entry in a record's ``paths``: of its ``required`` competences, those still
    short of their step (``missing``); completed when none is."""
    return {
        "completed": not missing,
        "met": required - len(missing),
        "required": required,
        "missing": missing,
        "completed_at": completed_at,
    }


class PathTable:
    """One learning path's progress for a span of learners: ``unmet[offset, r]`` says whether
    learner ``offset`` falls short of the path's requirement ``r``; ``completed_at[offset]`` is
    when they completed the path (their latest submission giving evidence for its
    competences), NaT unless they did or when no submission has a time."""

    def __init__(self, unmet: np.ndarray, completed_at: np.ndarray) -> None:
        self.unmet = unmet
        self.completed_at = completed_at

    @property
    def met(self) -> np.ndarray:
        return self.unmet.shape[1] - self.unmet.sum(axis=1)


#: NaT as a 64-bit integer: the least of them, so that a maximum of times ignores it
NOT_A_TIME = np.datetime64("NaT").astype(np.int64)


class Span:
    """The competence entries of a span of learners: ``codes[offset, c]`` picks learner
    ``offset``'s (result, entry) of competence ``c`` from ``entries[c]``; ``submitted[offset, a]``
    says whether they have grades in assignment ``a``; ``scores`` are the span's rows of the
    scores that count; ``counted[offset, a]`` says whether an attempt of theirs counts there
    (they have grades and nbgrader holds their submission) and ``submitted_at[offset, a]`` when
    it was submitted (datetime64[s], UTC; NaT where none counts or it has no time), for the
    records' ``submitted_at`` and the paths' ``completed_at`` alike."""

    def __init__(
        self,
        competences: list[str],
        entries: list[list[tuple[CompetenceResult, dict[str, Any]]]],
        codes: np.ndarray,
        submitted: np.ndarray,
        scores: np.ndarray,
        counted: np.ndarray,
        submitted_at: np.ndarray,
    ) -> None:
        self.counted = counted
        self.submitted_at = submitted_at
        self.scores = scores
        self.names = competences
        self.entries = entries
        self.codes = codes
        self.submitted = submitted

    @cached_property
    def steps(self) -> np.ndarray:
        """``steps[offset, c]``: the step learner ``offset`` attained in competence ``c``."""
        steps = np.zeros(self.codes.shape, dtype=np.int16)
        for c, entries in enumerate(self.entries):
            steps[:, c] = np.array([result.step for result, _ in entries])[self.codes[:, c]]
        return steps

    def competences(self, offset: int) -> dict[str, dict[str, Any]]:
        """Learner ``offset``'s record entry of each competence."""
        codes = self.codes[offset].tolist()
        return {
            name: known[code][1]
            for name, known, code in zip(self.names, self.entries, codes, strict=True)
        }


def _utc(stamp: str) -> str:
    """An attempt's ISO time (with its offset) as UTC without one, as numpy reads times."""
    utc = datetime.fromisoformat(stamp).astimezone(UTC)
    return utc.replace(tzinfo=None).isoformat(timespec="seconds")


def _score(value: float) -> float | None:
    return None if value == PENDING else value


def _competence_order(competence: str) -> tuple[int, ...]:
    return tuple(int(part) for part in competence.split("."))
