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
statements). The ``timestamp`` of an unchanged statement is kept from the previous export.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from curriculum.framework import Framework, load_framework
from graders.credentials.dataintegrity import canonical
from graders.errors import BdhvsError
from graders.exports import iris
from graders.jsonschemas import full_check_due, validate

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


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERB_BASE + name, "display": VERB_DISPLAY[name]}


def _actor(record: dict[str, Any], home: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home, "name": record["learner"]}}


def _context(framework: Framework, home: str) -> dict[str, Any]:
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


def _finish(statement: dict[str, Any], timestamp: str) -> dict[str, Any]:
    """Add the content-derived id and the timestamp."""
    seed = canonical(statement).decode("utf-8")
    return {"id": str(uuid.uuid5(STATEMENT_NAMESPACE, seed)), **statement, "timestamp": timestamp}


def competence_statement(
    record: dict[str, Any], competence: str, home: str
) -> dict[str, Any] | None:
    """``passed`` or ``failed`` for one competence; None while nothing of it is graded."""
    entry = record["competences"][competence]
    if not entry["available"]:
        return None
    framework = load_framework()
    info = framework.competence(competence)
    attained = entry["step"] >= 1
    statement = {
        "actor": _actor(record, home),
        "verb": _verb("passed" if attained else "failed"),
        "object": {
            "objectType": "Activity",
            "id": iris.competence_iri(home, framework.id, competence),
            "definition": {
                "name": {
                    "vi-VN": f"{competence} {info.name_vi}",
                    "en-US": f"{competence} {info.name_en}",
                },
                "description": {
                    "vi-VN": f"Năng lực {competence} của Khung năng lực số "
                    "(Thông tư 02/2025/TT-BGDĐT)",
                    "en-US": f"Competence {competence} of the digital competence framework "
                    "(Circular 02/2025/TT-BGDĐT)",
                },
                "type": OBJECTIVE_TYPE,
            },
        },
        "result": {
            "score": {
                "scaled": entry["score"],
                "raw": entry["earned"],
                "min": 0,
                "max": entry["available"],
            },
            "success": attained,
            "completion": not entry["pending"],
            "extensions": {iris.xapi_extension_iri(home, "step-attained"): entry["step"]},
        },
        "context": _context(framework, home),
    }
    return _finish(statement, record["generated_at"])


def path_statement(record: dict[str, Any], path_id: str, home: str) -> dict[str, Any] | None:
    """``completed`` for a completed learning path; None otherwise."""
    progress = record["paths"][path_id]
    if not progress["completed"]:
        return None
    framework = load_framework()
    path = framework.path(path_id)
    statement = {
        "actor": _actor(record, home),
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
            "score": {
                "scaled": progress["met"] / progress["required"],
                "raw": progress["met"],
                "min": 0,
                "max": progress["required"],
            },
            "success": True,
            "completion": True,
        },
        "context": _context(framework, home),
    }
    return _finish(statement, record["generated_at"])


def statements(records: list[dict[str, Any]], home: str) -> list[dict[str, Any]]:
    """Every statement of these records, in learner order, each with its scores checked and
    the schema checked as :func:`graders.jsonschemas.full_check_due` says."""
    found = []
    for record in records:
        candidates = [competence_statement(record, c, home) for c in record["competences"]]
        candidates += [path_statement(record, p, home) for p in record["paths"]]
        for statement in candidates:
            if statement is not None:
                validate_statement(statement, schema=full_check_due(len(found)))
                found.append(statement)
    return found


def validate_statement(statement: dict[str, Any], *, schema: bool = True) -> None:
    """Check the score rules a schema cannot say (min <= raw <= max, min < max) and, unless
    ``schema`` is false, the schema."""
    if schema:
        validate(statement, SCHEMA)
    score = statement["result"]["score"]
    if not score["min"] <= score["raw"] <= score["max"] or score["min"] >= score["max"]:
        raise ValueError(f"statement {statement['id']}: score raw/min/max out of order: {score}")


def read_statements(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    except ValueError as exc:
        raise BdhvsError(f"{path} is not JSON lines ({exc}); delete it to export afresh") from exc


def write_statements(found: list[dict[str, Any]], path: Path) -> Path:
    """Write ``path`` atomically, keeping the timestamps of statements already exported."""
    earlier = {s.get("id"): s.get("timestamp") for s in read_statements(path)}
    lines = []
    for statement in found:
        timestamp = earlier.get(statement["id"])
        if isinstance(timestamp, str):
            statement = {**statement, "timestamp": timestamp}
        lines.append(json.dumps(statement, ensure_ascii=False, separators=(",", ":")))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    os.replace(tmp, path)
    return path
