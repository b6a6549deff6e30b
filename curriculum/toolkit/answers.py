"""Answers given through widgets, kept in a JSON file beside the notebook.

A widget click leaves no trace in the notebook's code, and ``nbgrader autograde`` re-runs the
submitted notebook in a fresh kernel that never sees the browser. So every answer is written,
at once, to ``<name>.answers.json`` in the kernel's working folder, which is the notebook's
folder in JupyterLab, Voilà, papermill and nbgrader alike. The file travels with the notebook
(nbgrader copies the whole assignment folder), and a question built in the fresh kernel reads
its answer back from it, so the answer counts exactly as if it had been typed into a cell.

File format (UTF-8 JSON)::

    {
      "format": "bdhvs-answers/1",
      "sheet": "<name>",
      "started": "<ISO 8601 time>",
      "answers": {
        "<question id>": {"value": <JSON value>, "changes": <int>, "at": "<ISO 8601 time>"}
      }
    }

A file over ``ANSWERS_LIMIT`` bytes, or one that is not a regular file (a named pipe, a
device, a symbolic link, as in grading), is reported as a problem without being read
(:mod:`curriculum.regular_files`).

``value`` is ``null`` when the learner cleared the answer; ``changes`` counts the saves of
that answer; ``at`` is the local time of the last one. ``started`` is the local time of the
first answer saved in the file (files written before it existed lack it; readers ignore it);
the instructor's integrity check reads it as the start of the learner's work.

Reading never writes, so grading cannot change the file. A damaged file is reported, never
raised: :meth:`AnswerSheet.get` returns a :class:`StoredAnswer` with a ``problem`` message.
The next save sets the damaged file aside as ``<name>.answers.json.corrupt`` (keeping its
bytes for the instructor) and starts a new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from curriculum.regular_files import NotRegularFile, OverLimit, read_regular
from curriculum.toolkit.i18n import text

__all__ = [
    "ANSWERS_LIMIT",
    "FORMAT",
    "SUFFIX",
    "WRITTEN_LIMIT",
    "AnswerSheet",
    "StoredAnswer",
    "answer_sheet",
]

FORMAT = "bdhvs-answers/1"
SUFFIX = ".answers.json"
ANSWERS_LIMIT = 4 << 20  # bytes; the answers of a whole notebook take a few kilobytes
WRITTEN_LIMIT = 20_000  # characters of one written answer; a task asks for a few hundred words

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_sheets: dict[Path, AnswerSheet] = {}


@dataclass(frozen=True)
class StoredAnswer:
    """What the answer file holds for one question.

    ``value`` is the saved JSON value, or None when there is none or it cannot be used; in
    the latter case ``problem`` says why, in the interface language.
    """

    value: Any = None
    changes: int = 0
    at: str | None = None
    problem: str | None = None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in an answer file")


def _check_qid(qid: object) -> None:
    if not isinstance(qid, str) or not qid.strip():
        raise ValueError(text("sheet.bad_qid", qid=qid))


class AnswerSheet:
    """The answers of one notebook, stored in ``<folder>/<name>.answers.json``.

    The sheet keeps nothing in memory: every :meth:`get` reads the file and every
    :meth:`record` reads, updates and replaces it, so what a question shows is always what a
    fresh kernel would read.
    """

    def __init__(self, name: str, folder: str | Path | None = None) -> None:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(text("sheet.bad_name", name=name))
        self.name = name
        base = Path.cwd() if folder is None else Path(folder)
        self.path = base.resolve() / f"{name}{SUFFIX}"

    def __repr__(self) -> str:
        return f"AnswerSheet({self.name!r}, {str(self.path.parent)!r})"

    def get(self, qid: str) -> StoredAnswer:
        """The stored answer to question ``qid``; never writes, never raises on a bad file."""
        _check_qid(qid)
        answers, problem = self._load()
        if problem is not None:
            return StoredAnswer(problem=problem)
        if qid not in answers:
            return StoredAnswer()
        entry = answers[qid]
        if not isinstance(entry, dict) or "value" not in entry:
            return StoredAnswer(problem=text("sheet.bad_entry", qid=qid))
        return StoredAnswer(value=entry["value"], changes=_changes(entry), at=_time(entry))

    def record(self, qid: str, value: Any) -> StoredAnswer:
        """Save ``value`` (JSON data, or None to clear) as the answer to ``qid``.

        The file is replaced atomically, so a crash leaves either the old or the new file.
        Raises ValueError for a value that is not JSON data and OSError when the file cannot
        be written.
        """
        _check_qid(qid)
        _check_json(value)
        answers, problem = self._load()
        if problem is not None and self.path.is_file():
            os.replace(self.path, self.path.with_name(self.path.name + ".corrupt"))
        previous = answers.get(qid)
        changes = _changes(previous) + 1 if isinstance(previous, dict) else 1
        stored = StoredAnswer(
            value=value, changes=changes, at=datetime.now().astimezone().isoformat("T", "seconds")
        )
        started = (self._started() if problem is None else None) or stored.at
        answers[qid] = {"value": value, "changes": stored.changes, "at": stored.at}
        document = {"format": FORMAT, "sheet": self.name, "started": started, "answers": answers}
        self._write(document)
        return stored

    def _started(self) -> str | None:
        """The ``started`` time of a usable file that has one."""
        try:
            document = json.loads(read_regular(self.path, ANSWERS_LIMIT))
        except (OSError, ValueError, RecursionError):
            return None
        started = document.get("started") if isinstance(document, dict) else None
        return started if isinstance(started, str) else None

    def _load(self) -> tuple[dict[str, Any], str | None]:
        """The answers in the file and a problem message (None when the file is usable)."""
        file = self.path.name
        try:
            raw = read_regular(self.path, ANSWERS_LIMIT)
        except FileNotFoundError:
            return {}, None
        except OSError as error:
            return {}, text("sheet.unreadable", file=file, error=error.strerror or error)
        except NotRegularFile:
            return {}, text("sheet.not_file", file=file)
        except OverLimit:
            return {}, text("sheet.too_big", file=file, limit=ANSWERS_LIMIT >> 20)
        try:
            document = json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            return {}, text("sheet.not_json", file=file)
        if not isinstance(document, dict):
            return {}, text("sheet.not_dict", file=file, part="JSON")
        found = document.get("format")
        if found != FORMAT:
            return {}, text("sheet.wrong_format", file=file, found=found, expected=FORMAT)
        if document.get("sheet") != self.name:
            found = document.get("sheet")
            return {}, text("sheet.wrong_sheet", file=file, found=found, expected=self.name)
        answers = document.get("answers")
        if not isinstance(answers, dict):
            return {}, text("sheet.not_dict", file=file, part='"answers"')
        return answers, None

    def _write(self, document: dict[str, Any]) -> None:
        # A unique name in the same folder, created with open(): os.replace needs one file
        # system, and open() applies the usual umask where mkstemp would force mode 0600.
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.tmp")
        try:
            with open(temporary, "x", encoding="utf-8") as handle:
                json.dump(document, handle, ensure_ascii=False, indent=2)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise


def _check_json(value: Any) -> None:
    """Accept only data that reads back from JSON as itself (no tuples, no non-string keys)."""
    try:
        same = json.loads(json.dumps(value, allow_nan=False)) == value
    except (TypeError, ValueError, RecursionError):
        same = False
    if not same:
        raise ValueError(text("sheet.not_json_value", found=_short(value)))


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _changes(entry: dict[str, Any]) -> int:
    changes = entry.get("changes")
    if isinstance(changes, int) and not isinstance(changes, bool) and changes >= 0:
        return changes
    return 0


def _time(entry: dict[str, Any]) -> str | None:
    at = entry.get("at")
    return at if isinstance(at, str) else None


def answer_sheet(name: str, folder: str | Path | None = None) -> AnswerSheet:
    """The answer sheet ``<folder>/<name>.answers.json``, one object per file in a process.

    ``folder`` defaults to the kernel's current folder, which is the notebook's folder.
    """
    sheet = AnswerSheet(name, folder)
    return _sheets.setdefault(sheet.path, sheet)
