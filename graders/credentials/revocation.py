"""The status lists of an output folder: a place in one for each new credential, and the
signed lists to publish after every issue or revocation.

Each output folder has its own list per signing key, at
``<home page>/status-lists/<random name>.json``: two cohorts of one organisation never share a
list. Positions are drawn at random among at least twice as many as are used, as the Bitstring
Status List specification advises, so that a position says nothing about when, or to whom, a
credential was issued. A position is never given twice: the registry keeps those of superseded,
revoked and forgotten credentials.

``OUTDIR/status-lists/`` holds the signed lists, and nothing else: publish the folder at
``<home page>/status-lists/``. A verifier reads a list at its address, so a revocation reaches
verifiers only once the list signed after it is published there (:meth:`PublishedList.note`
says so to the instructor). Without a real home page (the ``.invalid`` placeholder) there is
nowhere to publish a list, so credentials are issued without a status entry.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graders.common.errors import BdhvsError
from graders.credentials.bitstring import MIN_BITS, list_length
from graders.credentials.issuer import PLACEHOLDER_HOME_PAGE, Issuer
from graders.credentials.registry import CREDENTIALS, REVOKED, read_index, read_revoked
from graders.credentials.statuslist import list_credential, status_entry

STATUS_DIR = "status-lists"
LIST_NAME = re.compile(r"^[0-9a-f]{16}\.json$")


@dataclass
class StatusPlaces:
    """Hands out free positions in one status list."""

    list_url: str
    used: set[int] = field(default_factory=set)

    def next_entry(self) -> dict[str, Any]:
        """The ``credentialStatus`` of a new credential, at a free random position."""
        capacity = max(MIN_BITS, 2 * (len(self.used) + 1))
        while True:
            index = secrets.randbelow(capacity)
            if index not in self.used:
                self.used.add(index)
                return status_entry(self.list_url, index)


def status_places(registry: Path, issuer: Issuer, home: str) -> StatusPlaces | None:
    """The list new credentials of ``issuer`` go to, or None without a real home page."""
    if home == PLACEHOLDER_HOME_PAGE:
        return None
    entries = _entries(registry)
    prefix = f"{home}/{STATUS_DIR}/"
    mine = [
        entry["statusList"]
        for entry in entries
        if entry.get("issuer") == issuer.did and str(entry.get("statusList")).startswith(prefix)
    ]
    url = mine[-1] if mine else f"{prefix}{secrets.token_hex(8)}.json"
    used = {entry["statusIndex"] for entry in entries if entry.get("statusList") == url}
    return StatusPlaces(url, used)


@dataclass(frozen=True)
class PublishedList:
    """A status list signed into an output folder: its file, and the address verifiers read."""

    address: str
    file: Path
    valid_until: str | None  # when verifiers stop accepting it, if the list says

    def note(self) -> str:
        """One plain line for the instructor: what to publish where, and by when to sign it
        again when the list expires."""
        line = (
            f"publish {self.file} at {self.address}: verifiers see a revocation only once "
            "the list signed after it is there"
        )
        if self.valid_until is not None:
            line += (
                f"; the list expires at {self.valid_until}: sign it again before then (bdhvs "
                "credential revoke, with no id) and publish it"
            )
        return line


def publish_status_lists(out: Path, issuer: Issuer) -> list[PublishedList]:
    """Sign again every status list of ``issuer`` in the folder, with the revocations of the
    registry, into ``out/status-lists/``; return them, in the order of their addresses."""
    registry = out / CREDENTIALS
    index, revoked_entries = read_index(registry), read_revoked(registry / REVOKED)
    used: dict[str, set[int]] = {}
    revoked: dict[str, set[int]] = {}
    for entries, places in ((index, used), (revoked_entries, used), (revoked_entries, revoked)):
        for entry in entries:
            if entry.get("issuer") == issuer.did and "statusList" in entry:
                places.setdefault(entry["statusList"], set()).add(entry["statusIndex"])
    signed_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    published = []
    for url, indices in sorted(used.items()):
        document = list_credential(
            issuer, url, revoked.get(url, set()), list_length(indices), signed_at
        )
        path = out / STATUS_DIR / _file_name(url)
        _write(path, document)
        published.append(PublishedList(url, path, document.get("validUntil")))
    return published


def _entries(registry: Path) -> list[dict[str, Any]]:
    return [*read_index(registry), *read_revoked(registry / REVOKED)]


def _file_name(url: str) -> str:
    name = url.rsplit("/", 1)[-1]
    if not LIST_NAME.match(name):
        raise BdhvsError(f"the registry names a status list {url!r} that bdhvs did not make")
    return name


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
