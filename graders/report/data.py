"""The cohort's records as the cohort report reads them, small enough for a national cohort.

A full record carries per-attempt details of every item (when, which attempt) that the report
never shows. Here each record keeps its learner, unit, assignments and paths, and for every
competence its step, score and evidence reduced to what the report uses (item, target step,
score). Everything equal between learners is then one shared object: 100,000 learners take a
few hundred MB instead of many GB. The shared objects must not be modified.
"""

from __future__ import annotations

from typing import Any

from graders.course import Course
from graders.records import iter_records
from graders.rollup import RollupPolicy

EVIDENCE_FIELDS = ("assignment", "notebook", "cell", "target_step", "score", "max_score")


class _Pool:
    """One object per distinct value, looked up by a key describing its content."""

    def __init__(self) -> None:
        self._objects: dict[Any, Any] = {}

    def share(self, key: Any, make: Any) -> Any:
        found = self._objects.get(key)
        if found is None:
            found = self._objects[key] = make()
        return found


def report_records(course: Course, policy: RollupPolicy) -> list[dict[str, Any]]:
    """Every learner's record, in learner order, reduced and shared as described above."""
    pool = _Pool()
    records = []
    for record in iter_records(course, policy, progress=None):
        competences = {}
        for competence, entry in record["competences"].items():
            evidence = tuple(
                pool.share(
                    ("e", *(e[f] for f in EVIDENCE_FIELDS)),
                    lambda e=e: {f: e[f] for f in EVIDENCE_FIELDS},
                )
                for e in entry["evidence"]
            )
            key = (
                "c",
                competence,
                entry["step"],
                entry["score"],
                entry["earned"],
                entry["available"],
                tuple(map(id, evidence)),
                tuple(entry["pending"]),
            )
            competences[competence] = pool.share(
                key, lambda entry=entry, evidence=evidence: {**entry, "evidence": list(evidence)}
            )
        assignments = pool.share(
            ("a", *((name, _frozen(status)) for name, status in record["assignments"].items())),
            lambda record=record: record["assignments"],
        )
        paths = pool.share(
            ("p", *((name, _frozen(entry)) for name, entry in record["paths"].items())),
            lambda record=record: record["paths"],
        )
        records.append(
            {
                "learner": record["learner"],
                "unit": record["unit"],
                "competences": competences,
                "assignments": assignments,
                "paths": paths,
            }
        )
    return records


def _frozen(entry: dict[str, Any]) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in entry.items())
