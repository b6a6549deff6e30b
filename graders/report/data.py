"""The cohort's records as the cohort report reads them, small enough for a national cohort.

The records are made as ``bdhvs records`` makes them, a span of learners per process
(:mod:`graders.forked`), and reduced to what the report shows: each keeps its learner, unit,
competences (step, score, evidence), assignment statuses (without attempt details) and paths.
Everything equal between learners is one shared object: a process sends each distinct object of
its span once, and here each distinct content is kept once for the whole cohort, so 100,000
learners take a few hundred MB instead of many GB. The shared objects must not be modified.
"""

from __future__ import annotations

from typing import Any

from graders.course import Course
from graders.forked import gc_paused, run_spans
from graders.records import RecordMaker
from graders.rollup import RollupPolicy

SPAN = 2000  # learners a process reduces in one go
ATTEMPT_FIELDS = ("attempt", "attempts", "submitted_at")


class _Pool:
    """One object per distinct value, looked up by a key describing its content."""

    def __init__(self) -> None:
        self._objects: dict[Any, Any] = {}

    def share(self, key: Any, make: Any) -> Any:
        found = self._objects.get(key)
        if found is None:
            found = self._objects[key] = make()
        return found


def report_records(
    course: Course, policy: RollupPolicy, *, jobs: int = 1, progress: bool | None = False
) -> list[dict[str, Any]]:
    """Every learner's record, in learner order, reduced and shared as described above."""
    maker = RecordMaker(course, policy, jobs=jobs, progress=progress)

    def reduce_span(span: tuple[int, int]) -> list[dict[str, Any]]:
        pool = _Pool()
        with gc_paused():
            return [_reduced(maker.record(number), pool) for number in range(*span)]

    cohort = _Pool()
    records: list[dict[str, Any]] = []
    with gc_paused():
        for _, reduced in run_spans(
            reduce_span, len(maker), jobs=jobs, largest=SPAN, desc="report", progress=progress
        ):
            records += _shared_across_spans(reduced, cohort)
    return records


def _reduced(record: dict[str, Any], pool: _Pool) -> dict[str, Any]:
    """What the report reads of one record; competence entries are already shared objects
    (:class:`graders.records.RecordMaker`), statuses and paths are shared here by content."""
    assignments = {}
    for name, status in record["assignments"].items():
        kept = {k: v for k, v in status.items() if k not in ATTEMPT_FIELDS}
        assignments[name] = pool.share(_frozen(kept), lambda kept=kept: kept)
    paths = {
        name: pool.share(_frozen(entry), lambda entry=entry: entry)
        for name, entry in record["paths"].items()
    }
    return {
        "learner": record["learner"],
        "unit": record["unit"],
        "competences": record["competences"],
        "assignments": assignments,
        "paths": paths,
    }


def _shared_across_spans(records: list[dict[str, Any]], cohort: _Pool) -> list[dict[str, Any]]:
    """Replace each distinct object of one span's records by the cohort's object of the same
    content; the key of an object is made once per span, not once per learner."""
    canonical: dict[int, Any] = {}

    def shared(value: Any, key: Any) -> Any:
        found = canonical.get(id(value))
        if found is None:
            found = canonical[id(value)] = cohort.share(key(value), lambda: value)
        return found

    for record in records:
        record["competences"] = {
            name: shared(entry, _entry_key) for name, entry in record["competences"].items()
        }
        record["assignments"] = {
            name: shared(status, _frozen) for name, status in record["assignments"].items()
        }
        record["paths"] = {name: shared(entry, _frozen) for name, entry in record["paths"].items()}
    return records


def _entry_key(entry: dict[str, Any]) -> tuple:
    evidence = tuple(tuple(e.values()) for e in entry["evidence"])
    return ("c", *(_frozen({k: v for k, v in entry.items() if k != "evidence"})), evidence)


def _frozen(entry: dict[str, Any]) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in entry.items())
