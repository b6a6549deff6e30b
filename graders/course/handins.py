"""``bdhvs collect``: bring hand-in files (learners who worked alone) into the course.

A learner without the hub's exchange hands an assignment in as one zip file
(:mod:`curriculum.toolkit.handin`). The file comes from the learner, so it is read as hostile:
only the members a hand-in holds (its manifest, the self-assessed record, and the assignment's
notebooks and answer files, flat in one folder named after the assignment) and each within the
cap of its kind (:mod:`graders.common.learner_files`), read without trusting the sizes the zip
declares; no link, no other path. The manifest names the learner and the assignment; both must
be names the course could hold. The files then replace that learner's submission of that
assignment in ``submitted/``, all at once, for ``bdhvs grade`` to grade as any other.

A refused file is reported with its reason and the other files are still collected.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from curriculum.toolkit.answers import ANSWERS_LIMIT, SUFFIX
from curriculum.toolkit.handin import LEARNER_CODE, MANIFEST, SELF_ASSESSED
from graders.common.learner_files import (
    NOTEBOOK_LIMIT,
    SUBMISSION_LIMIT,
    Refused,
    load_json,
    read_capped,
    shown,
)
from graders.course.directory import Course

MEMBERS_LIMIT = 100
END_RECORD = b"PK\x05\x06"  # a zip file's end-of-central-directory signature
END_RECORD_SPAN = 22 + 0xFFFF  # the record and the longest comment it may be followed by
MANIFEST_LIMIT = 64 << 10
SELF_ASSESSED_LIMIT = 4 << 20
FILE_NAME = re.compile(r"^[^/\\\x00]{1,200}$")


@dataclass(frozen=True)
class Collected:
    source: str  # the hand-in file, as given
    learner: str = ""
    assignment: str = ""
    files: int = 0
    refused: str = ""  # why nothing of it was collected


def _cap(name: str) -> int | None:
    """The cap of a member of the assignment's folder; None for what a hand-in never holds."""
    if name.endswith(".ipynb"):
        return NOTEBOOK_LIMIT
    if name.endswith(SUFFIX):
        return ANSWERS_LIMIT
    return None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """The member's bytes, never more than ``cap`` whatever its header says."""
    if info.file_size > cap:
        raise Refused(f"{shown(info.filename)} is over its cap of {cap:,} bytes")
    try:
        with archive.open(info) as member:
            data = member.read(cap + 1)
    except (RuntimeError, NotImplementedError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        # encrypted, an unknown compression, cut short or corrupt
        raise Refused(f"{shown(info.filename)} cannot be read ({error})") from None
    if len(data) > cap:
        raise Refused(f"{shown(info.filename)} is over its cap of {cap:,} bytes")
    return data


def _declared_entries(data: bytes) -> int | None:
    """How many entries a zip file's end record says it holds, read before ``zipfile`` parses
    its central directory (a file of a few megabytes can list millions of entries, and parsing
    them costs memory first); None when there is no end record to read."""
    at = data.rfind(END_RECORD, max(0, len(data) - END_RECORD_SPAN))
    if at < 0 or at + 12 > len(data):
        return None
    return int.from_bytes(data[at + 10 : at + 12], "little")  # 0xFFFF: a Zip64 archive


def read_handin(path: Path, course: Course) -> tuple[str, str, dict[str, bytes]]:
    """(learner, assignment, {relative path: bytes}) of one hand-in file; Refused otherwise."""
    try:
        data = read_capped(path, SUBMISSION_LIMIT)
    except OSError as error:
        raise Refused(f"cannot be read ({error.strerror})") from None
    declared = _declared_entries(data)
    if declared is not None and declared > MEMBERS_LIMIT:
        raise Refused(f"holds {declared} entries, more than a hand-in ({MEMBERS_LIMIT})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise Refused(f"not a hand-in file ({error})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MEMBERS_LIMIT:
            raise Refused(f"holds {len(infos)} entries, more than a hand-in ({MEMBERS_LIMIT})")
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise Refused("holds two entries with the same name")
        by_name = {info.filename: info for info in infos}
        if MANIFEST not in by_name:
            raise Refused(f"has no {MANIFEST}: it was not made by the hand-in button")
        manifest = load_json(_read_member(archive, by_name[MANIFEST], MANIFEST_LIMIT), MANIFEST)
        if not isinstance(manifest, dict):
            raise Refused(f"{MANIFEST} is not a JSON object")
        learner, assignment = manifest.get("learner"), manifest.get("assignment")
        if not isinstance(learner, str) or not LEARNER_CODE.match(learner):
            raise Refused(f"{MANIFEST} names no valid learner code")
        if not isinstance(assignment, str) or assignment not in course.assignments():
            raise Refused(f"{MANIFEST} names no assignment of this course")
        files: dict[str, bytes] = {}
        total = 0
        for info in infos:
            name = info.filename
            if name == MANIFEST:
                continue
            if stat.S_ISLNK(info.external_attr >> 16) or info.is_dir():
                raise Refused(f"{shown(name)} is a link or a folder")
            if name == SELF_ASSESSED:
                cap: int | None = SELF_ASSESSED_LIMIT
                target = SELF_ASSESSED
            else:
                folder, _, base = name.partition("/")
                cap = _cap(base)
                named = FILE_NAME.match(base) and base.isprintable()
                if folder != assignment or not named or cap is None:
                    raise Refused(f"{shown(name)} is not part of a hand-in of {assignment}")
                if base in (".", ".."):
                    raise Refused(f"{shown(name)} is not a file name")
                target = base
            data = _read_member(archive, info, cap)
            total += len(data)
            if total > SUBMISSION_LIMIT:
                raise Refused(f"holds more than {SUBMISSION_LIMIT:,} bytes")
            files[target] = data
        if not any(name.endswith(".ipynb") for name in files):
            raise Refused(f"holds no notebook of {assignment}")
    return learner, assignment, files


def collect(course: Course, paths: list[Path]) -> list[Collected]:
    """Collect every hand-in file of ``paths`` into ``submitted/``; one result per file."""
    results = []
    for path in paths:
        try:
            learner, assignment, files = read_handin(path, course)
        except Refused as error:
            results.append(Collected(str(path), refused=str(error)))
            continue
        _replace_submission(course.submitted_dir / learner / assignment, files)
        results.append(Collected(str(path), learner, assignment, len(files)))
    return results


def _replace_submission(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` as the whole of ``folder``, swapped in at once."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    for name, data in files.items():
        (staging / name).write_bytes(data)
    if folder.exists():
        old = folder.with_name(f".{folder.name}-replaced")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(folder, old)
        os.rename(staging, folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, folder)
