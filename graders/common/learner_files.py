"""Files a learner controls, read so that none of them can stop, hang or flood a command.

Submissions and widget answer files come from learners, so every command that reads them
(``bdhvs grade``, ``bdhvs integrity``) reads them through this module:

- :func:`survey` looks at a submission folder without opening anything (``lstat`` only) and
  names what no honest submission holds: special files (named pipes, sockets, devices), files
  that have other names elsewhere (hard links: the grader would copy in a file it was never
  given), names that are not printable UTF-8 (a line break in a name could forge a line of the
  instructor's summary), folders too deep or too full, and files over the caps below, by
  apparent size, so a sparse file counts at its full size. Symbolic links are left to the
  callers, which never follow them.
- :func:`read_capped` opens one file without following a link and without waiting on a pipe
  or a device, checks that it is still a regular file with one name, and never reads past its
  cap.
- :func:`load_json` and :func:`read_notebook` refuse more than :data:`JSON_CONTAINERS`
  arrays and objects before parsing (a few megabytes of ``[{},{},...]`` would take gigabytes
  once parsed and converted), and nesting deeper than :data:`JSON_DEPTH` before any recursive
  code (nbformat's validation, nbgrader) sees the data.

What is refused is that learner's error, stated in one line for the instructor. The caps are
listed in docs/grading.md ("What a submission may hold").
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4.rwbase import rejoin_lines, strip_transient

from curriculum.regular_files import Changed, NotRegularFile, OverLimit, read_regular
from curriculum.toolkit.answers import ANSWERS_LIMIT, SUFFIX

NOTEBOOK_LIMIT = 16 << 20  # one notebook file
SUBMISSION_LIMIT = 64 << 20  # every file of a submission together
TIMESTAMP = "timestamp.txt"  # written by nbgrader's exchange when the learner submits
TIMESTAMP_LIMIT = 4 << 10
ENTRIES_LIMIT = 1000  # files, folders and links in a submission
FOLDER_DEPTH = 16  # folders within folders
JSON_DEPTH = 100  # arrays and objects within each other
JSON_CONTAINERS = 100_000  # arrays and objects in one document ("{" and "[" counted in strings too)
NBFORMAT_MINOR_LIMIT = 100  # nbformat 4.0 to 4.99
CELL_TYPES = ("code", "markdown", "raw")
MESSAGE_LIMIT = 200  # characters of a library's error quoted in a message

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # JSON's way to write half a character
_SPECIAL = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class Refused(ValueError):
    """A learner's file that is not read: the message says why, for the instructor."""


def shown(name: str) -> str:
    """A file name as it can be printed on one line and stored, whatever it was made of: bytes
    that are not UTF-8 and characters that do not print (a line break) become U+FFFD."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def size_text(size: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            return f"{size / (1 << shift):.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


def cap_of(relative: str) -> int:
    """The largest a file of a submission may be, by its path in the submission."""
    name = os.path.basename(relative)
    if name.endswith(".ipynb"):
        return NOTEBOOK_LIMIT
    if name.endswith(SUFFIX):
        return ANSWERS_LIMIT
    if relative == TIMESTAMP:
        return TIMESTAMP_LIMIT
    return SUBMISSION_LIMIT


def survey(folder: Path) -> str:
    """Why the submission in ``folder`` cannot be read safely, or "" when it can.

    Reads no file: only the folders' listings and each entry's ``lstat``.
    """
    for path, what in ((folder.parent, "learner"), (folder, "submission")):
        try:
            mode = os.lstat(path).st_mode
        except OSError as error:
            return f"the {what} folder cannot be read ({error.strerror})"
        if not stat.S_ISDIR(mode):
            return f"the {what} folder is not a folder (a symbolic link or a special file)"
    entries = total = 0
    stack = [(folder, 1)]
    while stack:
        directory, depth = stack.pop()
        try:
            with os.scandir(directory) as listing:
                found = []
                for entry in listing:
                    entries += 1
                    if entries > ENTRIES_LIMIT:
                        return f"more than {ENTRIES_LIMIT} files and folders in the submission"
                    found.append((entry.name, entry.stat(follow_symlinks=False)))
        except OSError as error:
            place = shown(os.path.relpath(directory, folder))
            return f"the folder {place} of the submission cannot be read ({error.strerror})"
        for name, info in found:
            relative = os.path.relpath(os.path.join(directory, name), folder)
            problem = _entry_problem(relative, info)
            if problem:
                return problem
            if stat.S_ISDIR(info.st_mode):
                if depth >= FOLDER_DEPTH:
                    return f"folders nested more than {FOLDER_DEPTH} deep: {shown(relative)}"
                stack.append((Path(directory, name), depth + 1))
            elif stat.S_ISREG(info.st_mode):
                total += info.st_size
                if total > SUBMISSION_LIMIT:
                    return f"the submission's files are over {size_text(SUBMISSION_LIMIT)} together"
    return ""


def _entry_problem(relative: str, info: os.stat_result) -> str:
    """What is wrong with one entry of a submission, or ""."""
    if shown(relative) != relative:
        return f"a file name is not printable UTF-8 text: {shown(relative)}"
    kind = stat.S_IFMT(info.st_mode)
    if kind in (stat.S_IFDIR, stat.S_IFLNK):
        return ""
    if kind != stat.S_IFREG:
        what = _SPECIAL.get(kind, "a special file")
        return f"{relative} is {what}; a submission may hold only files and folders"
    return _regular_problem(relative, info)


def _regular_problem(relative: str, info: os.stat_result, cap: int | None = None) -> str:
    if info.st_nlink > 1:
        return (
            f"{relative} is a hard link (a file with {info.st_nlink} names); "
            "a submission may hold only files of its own"
        )
    cap = cap_of(relative) if cap is None else cap
    if info.st_size > cap:
        return f"{relative} is {size_text(info.st_size)}, over the cap of {size_text(cap)}"
    return ""


def read_capped(path: Path, limit: int, relative: str | None = None) -> bytes:
    """The bytes of the regular file at ``path``, which may hold at most ``limit`` of them.

    Read by the learners' files' one rule (:func:`curriculum.regular_files.read_regular`: never
    through a symbolic link, never a pipe or a device, never past ``limit``), and refused as a
    submission's file is, a hard link included. Raises :class:`Refused`, naming the file as
    ``relative`` (default: its name), or ``OSError`` when it cannot be opened.
    """
    relative = shown(relative or path.name)

    def accept(info: os.stat_result) -> None:
        problem = _regular_problem(relative, info, limit)
        if problem:
            raise Refused(problem)

    try:
        return read_regular(path, limit, accept)
    except Changed as exc:
        raise Refused(f"{relative} changed while it was read") from exc
    except NotRegularFile as exc:
        kind = "a symbolic link" if exc.link else "not a regular file"
        raise Refused(f"{relative} is {kind}") from exc
    except OverLimit as exc:
        raise Refused(f"{relative} is over the cap of {size_text(limit)}") from exc


def load_json(data: bytes, name: str) -> Any:
    """The JSON document in ``data`` (the file ``name``); :class:`Refused` when it is not one."""
    if data.count(b"{") + data.count(b"[") > JSON_CONTAINERS:
        raise Refused(f"{name} holds more than {JSON_CONTAINERS:,} JSON arrays and objects")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"{name} is not UTF-8 text") from None
    try:
        document = json.loads(text)
    except RecursionError:
        raise Refused(f"{name} is nested more than {JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise Refused(f"{name} is not valid JSON ({where})") from None
    except ValueError as error:  # a number too long to convert, and the like
        raise Refused(f"{name} is not valid JSON ({_first_line(error)})") from None
    if _too_deep(document):
        raise Refused(f"{name} is nested more than {JSON_DEPTH} levels deep")
    if _SURROGATE_ESCAPE.search(text) and not _encodes(document):
        raise Refused(f"{name} holds text that cannot be UTF-8 (a lone surrogate escape)")
    return document


def _encodes(document: Any) -> bool:
    """Whether every string of ``document`` can be written as UTF-8, as nbgrader will."""
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_deep(document: Any) -> bool:
    """Whether arrays and objects nest more than :data:`JSON_DEPTH` deep (without recursion)."""
    stack = [(document, 1)] if isinstance(document, dict | list) else []
    while stack:
        value, depth = stack.pop()
        if depth > JSON_DEPTH:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _first_line(error: BaseException) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 3] + "..."


def _shape_problem(document: dict[str, Any]) -> str:
    """What is wrong with the notebook's outline, in words (nbformat's schema checks the rest,
    but its messages quote whole cells)."""
    if not isinstance(document.get("metadata"), dict):
        return "its metadata is not a JSON object"
    cells = document.get("cells")
    if not isinstance(cells, list):
        return "its cells are not a list"
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            return f"cell {number} is not a JSON object"
        kind = cell.get("cell_type")
        if kind not in CELL_TYPES:
            return f"cell {number} has cell_type {kind!r:.40}, not code, markdown or raw"
        source = cell.get("source")
        if not isinstance(source, str) and not (
            isinstance(source, list) and all(isinstance(line, str) for line in source)
        ):
            return f"the source of cell {number} is not text"
        if not isinstance(cell.get("metadata"), dict):
            return f"the metadata of cell {number} is not a JSON object"
    return ""


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    """The learner's notebook at ``path``, or a plain explanation of why it cannot be read."""
    name = shown(path.name)
    try:
        document = load_json(read_capped(path, NOTEBOOK_LIMIT), name)
    except Refused as refused:
        return None, str(refused)
    except OSError as error:
        return None, f"{name} cannot be read ({error.strerror})"
    if not isinstance(document, dict):
        return None, f"{name} is not a valid notebook: a JSON object expected"
    major, minor = document.get("nbformat"), document.get("nbformat_minor")
    if type(major) is not int or major != 4:
        return None, f"{name} is not a valid notebook: nbformat 4 expected, found {major!r:.40}"
    if type(minor) is not int or not 0 <= minor < NBFORMAT_MINOR_LIMIT:
        return None, (
            f"{name} is not a valid notebook: nbformat_minor 0 to {NBFORMAT_MINOR_LIMIT - 1} "
            f"expected, found {minor!r:.40}"
        )
    shape = _shape_problem(document)
    if shape:
        return None, f"{name} is not a valid notebook: {shape}"
    try:
        nb = nbformat.from_dict(document)
        nbformat.validate(nb)
        nb = strip_transient(rejoin_lines(nb))  # as nbformat.read returns it: one string a source
    except Exception as error:  # nbformat's validation errors have several types
        return None, f"{name} is not a valid notebook: {_first_line(error)}"
    return nb, ""
