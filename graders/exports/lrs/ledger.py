"""How much of ``xapi.jsonl`` a learning record store has confirmed: ``xapi.sent.json`` beside it.

Written after every batch the LRS took (a new file put in place of the old, so it is never
half-written), it lets a run stopped anywhere — the LRS down, the network gone, the machine off
— be continued by the next run from the last confirmed batch. It holds the LRS's address, how
many bytes and statements from the start of the file were confirmed, and the SHA-256 of those
bytes. A file that no longer starts with them (records made again with other results, a learner
forgotten) is sent from its beginning again, which leaves no duplicate in the LRS: each
statement's id comes from its content. Nothing in the ledger names or describes a learner.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CHUNK = 1 << 20  # bytes read at a time when checking a file's confirmed start


def ledger_path(jsonl: Path) -> Path:
    """``xapi.sent.json`` for ``xapi.jsonl``."""
    return jsonl.with_name(jsonl.stem + ".sent.json")


class Ledger:
    """What the LRS at ``lrs`` confirmed of a file: its first ``offset`` bytes, holding
    ``statements`` statements; :meth:`confirm` records one more batch."""

    def __init__(
        self, path: Path, lrs: str, offset: int = 0, statements: int = 0, hashed: Any = None
    ) -> None:
        self.path = path
        self.lrs = lrs
        self.offset = offset
        self.statements = statements
        self._hash = hashed if hashed is not None else hashlib.sha256()

    @classmethod
    def open(cls, jsonl: Path, lrs: str) -> tuple[Ledger, str | None]:
        """The ledger to go on with, and why an earlier one is set aside, if it is: the one
        beside ``jsonl`` when it is for the LRS at ``lrs`` and the file still starts with the
        bytes it confirmed, otherwise a new one, from the beginning of the file."""
        path = ledger_path(jsonl)
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            earlier = (saved["lrs"], int(saved["bytes"]), int(saved["statements"]))
            digest = saved["sha256"]
        except FileNotFoundError:
            return cls(path, lrs), None
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path, lrs), f"{path} is damaged: sending {jsonl.name} from its beginning"
        if earlier[0] != lrs:
            note = f"{path} tells of sending to {earlier[0]}: sending to {lrs} from the beginning"
            return cls(path, lrs), note
        hashed = _start_hash(jsonl, earlier[1])
        if hashed is None or hashed.hexdigest() != digest:
            note = (
                f"{jsonl} changed since it was last sent to {lrs}: sending it from its "
                "beginning (the LRS keeps each statement once)"
            )
            return cls(path, lrs), note
        return cls(path, lrs, earlier[1], earlier[2], hashed), None

    def confirm(self, lines: Iterable[bytes], statements: int) -> None:
        """The LRS confirmed the next ``lines`` of the file (as read, with their newlines),
        ``statements`` of them statements: note them, and save the ledger in place of the
        old."""
        for line in lines:
            self._hash.update(line)
            self.offset += len(line)
        self.statements += statements
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self._saved(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)

    def _saved(self) -> dict[str, Any]:
        return {
            "lrs": self.lrs,
            "bytes": self.offset,
            "statements": self.statements,
            "sha256": self._hash.hexdigest(),
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }


def _start_hash(path: Path, size: int) -> Any:
    """The SHA-256 of the first ``size`` bytes of ``path`` (still open to more), or None when
    the file is shorter."""
    hashed = hashlib.sha256()
    with open(path, "rb") as handle:
        left = size
        while left:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                return None
            hashed.update(chunk)
            left -= len(chunk)
    return hashed
