"""``xapi.jsonl``: the records' xAPI statements, one a line (:mod:`graders.exports.xapi`)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from graders.common.errors import BdhvsError
from graders.common.jsonschemas import full_check_due
from graders.exports.xapi import XAPI, StatementLines
from graders.records.tables import Record, SpanWriter


class XapiJsonl:
    file = XAPI
    header = b""

    def span_writer(self, home: str) -> SpanWriter:
        """One :class:`StatementLines` for every span of a process: it makes each shared
        competence entry's statement body once."""
        statement_lines = StatementLines(home)

        def span_lines(records: Sequence[Record], first: int) -> tuple[list[bytes], int]:
            lines: list[bytes] = []
            for number, record in enumerate(records, first):
                lines += statement_lines(record, schema=full_check_due(number))
            return lines, len(lines)

        return span_lines

    def summary(self, path: Path, count: int) -> str:
        return f"{count} xAPI statements -> {path}"

    def forget(self, path: Path, learner: str) -> str | None:
        """Drop the statements whose actor is ``learner``; a damaged file is refused whole."""
        if not path.is_file():
            return None
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
        try:
            actors = [json.loads(line)["actor"]["account"]["name"] for line in lines]
        except (ValueError, KeyError, TypeError) as exc:
            raise BdhvsError(f"{path} is damaged ({exc}); delete it and export again") from exc
        kept = [line for line, actor in zip(lines, actors, strict=True) if actor != learner]
        if len(kept) == len(lines):
            return None
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
        os.replace(tmp, path)
        return f"{path}: {len(lines) - len(kept)} statements"


EXPORT = XapiJsonl()
