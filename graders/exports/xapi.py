"""xAPI 1.0.3 statements from the competency records, one JSON object a line (``xapi.jsonl``).

* Per learner and assessed competence with graded evidence: ``passed`` when a step is attained,
  otherwise ``failed`` (cmi5 verbs). A learner with nothing graded yet gets no statement: not
  having been assessed is not failing.
* Per learner and completed learning path: ``completed``.

The actor is an account on the issuer's home page whose name is the pseudonymous learner id; no
name, e-mail or citizen-id number is ever put in a statement.

A statement's ``id`` is a UUID derived from its content (learner, object, verb, result), so
exporting the same results again gives the same ids and a learning record store can drop the
repeats; a changed result gets a new id, as xAPI requires (an id never names two different
statements). The ``timestamp`` is when the result was earned: the latest submission giving
evidence for the competence, or the path's completion (the time of the export only when the
gradebook holds no submission time). So an unchanged result gives the very same statement.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from curriculum.framework import load_framework
from graders.common import iris
from graders.common.jsonschemas import validate

XAPI = "xapi.jsonl"
SCHEMA = "xapi_statement.schema.json"
STATEMENT_NAMESPACE = uuid.UUID("6f1c9a52-3f0e-4c55-9d1e-2b7f0c8a4e17")
VERB_BASE = "http://adlnet.gov/expapi/verbs/"
VERB_DISPLAY = {
    "passed": {"vi-VN": "đạt", "en-US": "passed"},
    "failed": {"vi-VN": "chưa đạt", "en-US": "failed"},
    "completed": {"vi-VN": "hoàn thành", "en-US": "completed"},
}
OBJECTIVE_TYPE = "http://adlnet.gov/expapi/activities/objective"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
LANGUAGE = "vi-VN"


@cache
def _step_extension(home: str) -> str:
    return iris.xapi_extension_iri(home, "step-attained")


@cache
def _verb(name: str) -> dict[str, Any]:
    return {"id": VERB_BASE + name, "display": VERB_DISPLAY[name]}


@cache
def _context(home: str) -> dict[str, Any]:
    """Shared by every statement on ``home``: statements are serialised, never changed."""
    framework = load_framework()
    title = framework.raw["framework"]["title"]
    return {
        "contextActivities": {
            "grouping": [
                {
                    "objectType": "Activity",
                    "id": iris.framework_iri(home, framework.id),
                    "definition": {"name": {"vi-VN": title["vi"], "en-US": title["en"]}},
                }
            ]
        },
        "language": LANGUAGE,
    }


@dataclass(frozen=True)
class _Body:
    """Everything of a statement but its id, actor and timestamp, shared by every learner with
    the same result: as a dict, as a digest (for the id) and as JSON members in the statement's
    own order (for the line)."""

    value: dict[str, Any]
    digest: bytes  # SHA-256 of its JSON with sorted keys
    members: bytes


def _body(value: dict[str, Any]) -> _Body:
    _check_score(value["result"]["score"])
    digest = hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).digest()
    return _Body(value, digest, orjson.dumps(value)[1:-1])


def _actor_json(record: dict[str, Any], home: str) -> bytes:
    """The statement's actor as JSON with sorted keys (a statement's id is made from it)."""
    actor = {"objectType": "Agent", "account": {"homePage": home, "name": record["learner"]}}
    return orjson.dumps(actor, option=orjson.OPT_SORT_KEYS)


def _uuid5(seed: bytes) -> str:
    """The version 5 UUID of ``seed`` (the namespace's bytes, then the name's), formatted here
    rather than by :class:`uuid.UUID`, which takes longer than the hash for a national cohort's
    millions of statements: the version is the 13th hex digit, the variant the top two bits of
    the 17th."""
    h = hashlib.sha1(seed, usedforsecurity=False).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


_NAMESPACE = STATEMENT_NAMESPACE.bytes
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def _submission_times(record: dict[str, Any]) -> dict[str, str | None]:
    """Each assignment of a record -> when its graded submission was made, if known."""
    return {a: status.get("submitted_at") for a, status in record["assignments"].items()}


def _earned_at(times: dict[str, str | None], assignments: Iterable[str], generated: str) -> str:
    """When a competence's result was earned: the latest graded submission of the assignments
    giving evidence for it, or when the record was made if none has a time. (A plain loop: this
    runs for each of a national cohort's millions of statements.)"""
    latest = None
    for assignment in assignments:
        at = times[assignment]
        if at and (latest is None or at > latest):
            latest = at
    return latest or generated


@cache
def _competence_activity(home: str, competence: str) -> dict[str, Any]:
    """The activity of a competence; shared like :func:`_context`."""
    framework = load_framework()
    info = framework.competence(competence)
    return {
        "objectType": "Activity",
        "id": iris.competence_iri(home, framework.id, competence),
        "definition": {
            "name": {
                "vi-VN": f"{competence} {info.name_vi}",
                "en-US": f"{competence} {info.name_en}",
            },
            "description": {
                "vi-VN": f"Năng lực {competence} của Khung năng lực số (Thông tư 02/2025/TT-BGDĐT)",
                "en-US": f"Competence {competence} of the digital competence framework "
                "(Circular 02/2025/TT-BGDĐT)",
            },
            "type": OBJECTIVE_TYPE,
        },
    }


def _entry_body(entry: dict[str, Any], competence: str, home: str) -> _Body | None:
    """The body of a competence entry's statement; None while nothing of it is graded."""
    if not entry["available"]:
        return None
    result = (entry["score"], entry["earned"], entry["available"], entry["step"])
    return _competence_body(home, competence, *result, not entry["pending"])


def _evidence_assignments(entry: dict[str, Any]) -> set[str]:
    return {e["assignment"] for e in entry["evidence"]}


@cache
def _competence_body(
    home: str,
    competence: str,
    scaled: float,
    earned: float,
    available: float,
    step: int,
    complete: bool,
) -> _Body:
    """Everything but the actor of a competence statement: the same for every learner with
    this result, so made once (a cohort has a few thousand distinct results)."""
    attained = step >= 1
    return _body(
        {
            "verb": _verb("passed" if attained else "failed"),
            "object": _competence_activity(home, competence),
            "result": {
                "score": {"scaled": scaled, "raw": earned, "min": 0, "max": available},
                "success": attained,
                "completion": complete,
                "extensions": {_step_extension(home): step},
            },
            "context": _context(home),
        }
    )


def _path_parts(record: dict[str, Any], path_id: str, home: str) -> tuple[_Body, str] | None:
    progress = record["paths"][path_id]
    if not progress["completed"]:
        return None
    body = _path_body(home, path_id, progress["met"], progress["required"])
    return body, progress.get("completed_at") or record["generated_at"]


@cache
def _path_body(home: str, path_id: str, met: int, required: int) -> _Body:
    path = load_framework().path(path_id)
    return _body(
        {
            "verb": _verb("completed"),
            "object": {
                "objectType": "Activity",
                "id": iris.path_iri(home, path_id),
                "definition": {
                    "name": {
                        "vi-VN": f"Lộ trình học: {path.target_group_vi}",
                        "en-US": f"Learning path: {path.target_group_en}",
                    },
                    "type": COURSE_TYPE,
                },
            },
            "result": {
                "score": {"scaled": met / required, "raw": met, "min": 0, "max": required},
                "success": True,
                "completion": True,
            },
            "context": _context(home),
        }
    )


class StatementLines:
    """The statements of records as lines of ``xapi.jsonl``: the one way statements are made.

    What a competence entry decides (its statement's body, the assignments of its evidence) is
    made once per entry object however many records share it (records from
    :class:`graders.records.maker.RecordMaker` do, and never change them). Entries are looked up
    by identity: every entry met is kept, so no other object can take its ``id`` while this
    lives, and a hit is used only when it is that very entry under the same competence.
    """

    def __init__(self, home: str) -> None:
        self.home = home
        # id of an entry -> (the entry itself; its competence; its body; the assignments of its
        # evidence)
        self._entries: dict[int, tuple[dict, str, _Body | None, tuple[str, ...]]] = {}

    def __call__(self, record: dict[str, Any], *, schema: bool) -> list[bytes]:
        """One record's lines; when ``schema`` is true they are read back and checked."""
        actor_json = _actor_json(record, self.home)
        seed = _NAMESPACE + actor_json  # each statement's is this and its body's digest
        middle = b'","actor":' + actor_json + b","
        lines = [
            b"".join(
                (
                    b'{"id":"',
                    _uuid5(seed + body.digest).encode(),
                    middle,
                    body.members,
                    b',"timestamp":',
                    orjson.dumps(timestamp),
                    b"}\n",
                )
            )
            for body, timestamp in self._parts(record)
        ]
        if schema:
            for line in lines:
                validate_statement(orjson.loads(line))
        return lines

    def _parts(self, record: dict[str, Any]) -> list[tuple[_Body, str]]:
        """(body, timestamp) of each statement of a record: per assessed competence, then per
        completed path; each entry's body and assignments looked up rather than made, and the
        submission times gathered once for the record's statements."""
        times = _submission_times(record)
        generated = record["generated_at"]
        found = []
        for competence, entry in record["competences"].items():
            known = self._entries.get(id(entry))
            if known is None or known[0] is not entry or known[1] != competence:
                body = _entry_body(entry, competence, self.home)
                known = (entry, competence, body, tuple(_evidence_assignments(entry)))
                self._entries[id(entry)] = known
            if known[2] is not None:
                found.append((known[2], _earned_at(times, known[3], generated)))
        for path_id in record["paths"]:
            parts = _path_parts(record, path_id, self.home)
            if parts is not None:
                found.append(parts)
        return found


def validate_statement(statement: dict[str, Any], *, schema: bool = True) -> None:
    """Check the score rules a schema cannot say (min <= raw <= max, min < max) and, unless
    ``schema`` is false, the schema."""
    if schema:
        validate(statement, SCHEMA)
    try:
        _check_score(statement["result"]["score"])
    except ValueError as exc:
        raise ValueError(f"statement {statement['id']}: {exc}") from exc


def _check_score(score: dict[str, Any]) -> None:
    if not score["min"] <= score["raw"] <= score["max"] or score["min"] >= score["max"]:
        raise ValueError(f"score raw/min/max out of order: {score}")
