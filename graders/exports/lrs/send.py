"""Send ``xapi.jsonl`` to a learning record store: in batches, resumable, in bounded memory.

The file is read one batch of lines at a time, never whole (a national cohort's is gigabytes),
and each batch is POSTed as one JSON array; its lines are statements already, sent as they are.
Once the LRS confirms a batch the ledger (:mod:`.ledger`) notes it, so a stopped run is
continued after the last confirmed batch by running the same command again.

Sending again changes nothing in the LRS: each statement's id comes from its content and an LRS
keeps one statement per id (xAPI forbids it to change a statement it holds). Some LRSs store the
new statements of a batch and pass over those they hold; others answer 409 Conflict to the whole
batch. The statements of such a batch are then PUT one at a time by id, where a 409 means that
the LRS holds that statement already.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson
from tqdm import tqdm

from graders.common.errors import BdhvsError
from graders.exports.lrs import DEFAULT_BATCH
from graders.exports.lrs.client import Lrs, LrsError
from graders.exports.lrs.ledger import Ledger


@dataclass
class Sent:
    """What a run sent to the LRS at ``lrs``."""

    lrs: str
    statements: int = 0  # confirmed by the LRS in this run
    earlier: int = 0  # confirmed in earlier runs, not sent again
    held: int = 0  # of this run's, answered 409 one by one: the LRS had a statement with that id

    def line(self) -> str:
        """What was sent, for the person running."""
        if not self.statements and self.earlier:
            return f"xAPI statements: all {self.earlier} were sent to {self.lrs} already"
        line = f"{self.statements} xAPI statements confirmed by the LRS at {self.lrs}"
        if self.earlier:
            line += f" ({self.earlier} more by an earlier run)"
        if self.held:
            line += f"; it held {self.held} of them already (same id) and kept its own"
        return line


class Sending:
    """One run sending ``jsonl`` to ``lrs``, ``batch`` statements a request, from where the
    ledger says earlier runs stopped: iterating sends the rest, yielding the bytes of each
    batch the LRS confirmed once the ledger notes it."""

    def __init__(self, jsonl: Path, lrs: Lrs, *, batch: int = DEFAULT_BATCH) -> None:
        if not jsonl.is_file():
            raise BdhvsError(f"no {jsonl} to send: make it with bdhvs records first")
        self.jsonl = jsonl
        self.lrs = lrs
        self.batch = batch
        self.size = jsonl.stat().st_size
        self.ledger, self.note = Ledger.open(jsonl, lrs.endpoint)
        self.start = self.ledger.offset
        self.sent = Sent(lrs.endpoint, earlier=self.ledger.statements)

    def __iter__(self) -> Iterator[int]:
        with open(self.jsonl, "rb") as handle:
            handle.seek(self.ledger.offset)
            for lines in _batches(handle, self.batch):
                statements = [line for line in lines if not line.isspace()]
                try:
                    held = self._deliver(statements)
                except LrsError as error:
                    raise BdhvsError(f"{error}; {self._so_far()}") from None
                self.ledger.confirm(lines, len(statements))
                self.sent.statements += len(statements)
                self.sent.held += held
                yield sum(len(line) for line in lines)

    def _deliver(self, statements: list[bytes]) -> int:
        """Have the LRS store ``statements``; how many of them it held already (only known
        when it answered 409 Conflict to the batch)."""
        if not statements or self.lrs.post(statements):
            return 0
        return sum(not self.lrs.put(self._statement_id(s), s) for s in statements)

    def _statement_id(self, statement: bytes) -> str:
        try:
            found = orjson.loads(statement)["id"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            found = None
        if not isinstance(found, str):
            raise BdhvsError(f"{self.jsonl} holds a line that is no statement with an id")
        return found

    def _so_far(self) -> str:
        confirmed = self.ledger.statements
        if not confirmed:
            return "no statement was confirmed sent"
        return (
            f"{confirmed} statements are confirmed sent and noted in {self.ledger.path}: "
            "running the same command again sends the rest"
        )


def send_statements(
    jsonl: Path,
    lrs: Lrs,
    *,
    batch: int = DEFAULT_BATCH,
    progress: bool | None = False,
    say: Callable[[str], None] | None = None,
) -> Sent:
    """Send what the LRS has not confirmed of ``jsonl`` yet, with a progress bar in bytes
    (``progress=None``: on a terminal only); ``say`` hears why earlier progress is set aside
    and of an address that is not encrypted."""
    sending = Sending(jsonl, lrs, batch=batch)
    if say and sending.note:
        say(f"note: {sending.note}")
    if say and lrs.in_the_clear():
        say(f"warning: {lrs.endpoint} is not https://: statements and credentials go unencrypted")
    bar = tqdm(
        total=sending.size,
        initial=sending.start,
        desc="to the LRS",
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        disable=None if progress is None else not progress,
    )
    with bar:
        for size in sending:
            bar.update(size)
    return sending.sent


def _batches(handle: BinaryIO, size: int) -> Iterator[list[bytes]]:
    """The lines of ``handle`` in lists holding ``size`` statements each (the last fewer);
    blank lines go along with the statements around them."""
    batch: list[bytes] = []
    statements = 0
    for line in handle:
        batch.append(line)
        if not line.isspace():
            statements += 1
            if statements == size:
                yield batch
                batch, statements = [], 0
    if batch:
        yield batch
