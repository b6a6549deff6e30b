"""The credentials registry of an output folder: what was issued, and what was revoked.

``credentials/index.json`` lists every credential ever issued into the folder (current and
superseded), with the learner it was issued to, the key that signed it and its place in a
status list: it is what lets a learner's credentials be found and revoked when they ask to be
forgotten. It is personal data, like the records.

``credentials/revoked.json`` is the issuer's own record of revocations: credential ids with the
date, a reason and their place in a status list, nothing about the learners. What verifiers see
is the signed status list made from it (:mod:`graders.credentials.revocation`).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graders.common.errors import BdhvsError

CREDENTIALS = "credentials"  # the registry's folder in an output folder
INDEX = "index.json"
REVOKED = "revoked.json"
# What an index entry says of where a credential's status is, copied when it is revoked.
STATUS_FIELDS = ("issuer", "statusList", "statusIndex")


def _read(path: Path, key: str) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))[key]
    except (ValueError, KeyError, TypeError) as exc:
        raise BdhvsError(f"{path} is damaged ({exc}); restore it from a backup") from exc
    if not isinstance(entries, list):
        raise BdhvsError(f"{path} is damaged: {key!r} is not a list")
    return entries


def _write(path: Path, key: str, entries: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({key: entries}, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(tmp, path)


def read_index(folder: Path) -> list[dict[str, Any]]:
    return _read(folder / INDEX, "credentials")


def write_index(folder: Path, entries: list[dict[str, Any]]) -> None:
    _write(folder / INDEX, "credentials", entries)


def read_revoked(path: Path) -> list[dict[str, Any]]:
    return _read(path, "revoked")


def revoked_ids(path: Path) -> frozenset[str]:
    return frozenset(entry["id"] for entry in read_revoked(path))


def revoke(folder: Path, ids: list[str], reason: str) -> None:
    """Add ``ids`` to ``folder/revoked.json`` (once each), with their place in a status list
    as the index gives it: the index entry may be removed afterwards (a learner forgotten)."""
    entries = read_revoked(folder / REVOKED)
    known = {entry["id"] for entry in entries}
    status = {
        entry["id"]: {k: entry[k] for k in STATUS_FIELDS if k in entry}
        for entry in read_index(folder)
    }
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries += [
        {"id": i, "revoked": when, "reason": reason, **status.get(i, {})}
        for i in dict.fromkeys(ids)
        if i not in known
    ]
    _write(folder / REVOKED, "revoked", entries)
