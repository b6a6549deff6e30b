"""``bdhvs learners forget``: erase one learner from a course and from its output folders.

Learning records are personal data (Decree 13/2023/NĐ-CP, Law 91/2025/QH15 from 2026): a learner
may ask for theirs to be deleted, and data past its storage time must go. This removes:

* in the course: the learner's submissions, every graded attempt ``bdhvs grade`` kept of
  theirs, and then the learner in nbgrader's gradebook (which is then compacted, SQLite or
  PostgreSQL, so deleted rows do not linger in its files:
  :func:`graders.gradebook.database.compact`),
  their folders in ``submitted/``, ``autograded/`` and ``feedback/``, their entries in the
  cohort's exchange, their rows of the roster and of nbgrader's export ``grades.csv``, their
  outcomes in the grading reports, and what ``bdhvs`` keeps about them in the course's
  ``.bdhvs/`` folder;
* in each output folder: their record, their rows of ``records.csv`` and ``paths.csv``, their
  xAPI statements, their credentials and certificates, and cohort reports (``*.html``) that
  name them. The ids of their credentials go to ``credentials/revoked.json``.

Then every remaining file of the course (but its sources and releases, which hold no learner
data) and of the output folders is searched for the id, in names and contents; whatever is found
is reported, so nothing is silently left behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from graders.common.csv_rows import drop_rows
from graders.common.errors import BdhvsError
from graders.course.directory import Course
from graders.credentials.issuing import CERTIFICATES, CREDENTIALS
from graders.credentials.registry import read_index, revoke, write_index
from graders.exports.formats import table_exports
from graders.gradebook.attempts import forget_attempts
from graders.gradebook.database import compact, has_gradebook
from graders.integrity.audit import forget_changes

LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
REVOCATION_REASON = "the learner's data was erased"
NBGRADER_EXPORT = "grades.csv"  # what `nbgrader export` writes in the course by default
STATE_DIR = ".bdhvs"  # bdhvs's own working state in a course, e.g. what grading has done


@dataclass
class ForgetReport:
    removed: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    leftovers: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def forget_learner(course: Course, learner: str, outputs: list[Path]) -> ForgetReport:
    """Erase ``learner`` as described above and report what was done and what is left."""
    if not LEARNER_ID.match(learner) or learner in (".", ".."):
        raise BdhvsError(f"{learner!r} is not a learner id")
    for out in outputs:
        if not out.is_dir():
            raise BdhvsError(f"{out} is not a folder")
    report = ForgetReport()
    _forget_in_gradebook(course, learner, report)
    for folder in (course.submitted_dir, course.autograded_dir, course.root / "feedback"):
        _remove(folder / learner, report)
    _forget_in_exchange(course, learner, report)
    _forget_in_state(course, learner, report)
    _drop_csv_rows(course.roster_path, learner, report)
    _drop_csv_rows(course.root / NBGRADER_EXPORT, learner, report, column="student_id")
    for path in sorted(course.reports_dir.glob("grade-*.json")):
        _drop_report_outcomes(path, learner, report)
    for out in outputs:
        _forget_in_output(out, learner, report)
    skip = {course.source_dir, course.release_dir}
    report.leftovers = mentions(learner, [course.root, *outputs], skip)
    if not report.removed and not report.leftovers:
        raise BdhvsError(f"nothing of learner {learner!r} found (already forgotten, or a typo?)")
    return report


def _remove(path: Path, report: ForgetReport) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    else:
        return
    report.removed.append(str(path))


def _forget_in_gradebook(course: Course, learner: str, report: ForgetReport) -> None:
    if not has_gradebook(course.db_url):
        return  # nothing graded yet; opening the gradebook would create it
    with Gradebook(course.db_url) as gradebook:
        try:
            student = gradebook.find_student(learner)
        except MissingEntry:
            return
        for assignment in [s.assignment.name for s in student.submissions]:
            gradebook.remove_submission(assignment, learner)
        gradebook.remove_student(learner)
    forget_attempts(course.db_url, learner)
    forget_changes(course.db_url, learner)
    report.removed.append(f"gradebook: learner {learner} and their submissions")
    not_compacted = compact(course.db_url)
    if not_compacted:
        report.notes.append(
            "the gradebook's tables "
            f"{', '.join(not_compacted)} belong to another database role, so deleted rows stay "
            "in their files until its owner runs VACUUM FULL on them"
        )


def _remove_matching(folder: Path, matches: Callable[[Path], bool], report: ForgetReport) -> None:
    for directory, subdirectories, files in os.walk(folder):
        for name in [*subdirectories, *files]:
            if matches(Path(directory) / name):
                _remove(Path(directory) / name, report)
        subdirectories[:] = [d for d in subdirectories if (Path(directory) / d).exists()]


def _forget_in_exchange(course: Course, learner: str, report: ForgetReport) -> None:
    """The cohort's exchange, where nbgrader names entries ``<learner>+<assignment>+<time>``."""
    config = course.config()
    root = config.Exchange.get("root")
    if root:
        folder = Path(root) / str(config.CourseDirectory.get("course_id", ""))
        _remove_matching(folder, lambda p: p.name.startswith(f"{learner}+"), report)


def _forget_in_state(course: Course, learner: str, report: ForgetReport) -> None:
    """bdhvs's working state in the course keeps one ``<learner>.json`` file per learner."""
    _remove_matching(
        course.root / STATE_DIR, lambda p: p.is_file() and p.name == f"{learner}.json", report
    )


def _rewrite(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _drop_csv_rows(path: Path, learner: str, report: ForgetReport, column: str = "learner") -> None:
    removed = drop_rows(path, learner, column)
    if removed:
        report.removed.append(f"{path}: {removed} rows")


def _drop_report_outcomes(path: Path, learner: str, report: ForgetReport) -> None:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        outcomes = payload["outcomes"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BdhvsError(f"{path} is damaged ({exc}); delete it or grade again") from exc
    kept = [o for o in outcomes if o.get("learner") != learner]
    if len(kept) == len(outcomes):
        return
    payload["outcomes"] = kept
    _rewrite(path, json.dumps(payload, ensure_ascii=False, indent=2))
    report.removed.append(f"{path}: grading outcome")


def _forget_in_output(out: Path, learner: str, report: ForgetReport) -> None:
    _remove(out / "learners" / f"{learner}.json", report)
    _drop_csv_rows(out / "records.csv", learner, report)
    for export in table_exports():
        removed = export.forget(out / export.file, learner)
        if removed:
            report.removed.append(removed)
    registry = out / CREDENTIALS
    index = read_index(registry)
    theirs = [entry["id"] for entry in index if entry.get("learner") == learner]
    if theirs:
        revoke(registry, theirs, REVOCATION_REASON)
        write_index(registry, [entry for entry in index if entry.get("learner") != learner])
        report.revoked.extend(theirs)
    _remove(registry / learner, report)
    _remove(out / CERTIFICATES / learner, report)
    pattern = _id_pattern(learner)
    for page in sorted(out.glob("*.html")):
        if pattern.search(page.read_bytes()):
            page.unlink()
            report.removed.append(
                f"{page} (it named the learner: write it again with bdhvs report)"
            )


def _id_pattern(learner: str) -> re.Pattern[bytes]:
    """The id as a whole token: ``hv001`` is not found inside ``hv0010``."""
    return re.compile(rb"(?<![A-Za-z0-9_-])" + re.escape(learner.encode()) + rb"(?![A-Za-z0-9_-])")


def mentions(learner: str, roots: list[Path], skip: set[Path]) -> list[Path]:
    """Every file under ``roots`` whose path or content names the learner."""
    pattern = _id_pattern(learner)
    found = []
    for root in roots:
        for directory, subdirectories, files in os.walk(root):
            here = Path(directory)
            subdirectories[:] = [d for d in subdirectories if here / d not in skip]
            for name in [*files, *subdirectories]:
                path = here / name
                in_name = pattern.search(str(path.relative_to(root)).encode())
                if in_name or _content_names(path, pattern, len(learner)):
                    found.append(path)
    return sorted(set(found))


CHUNK = 1 << 20


def _content_names(path: Path, pattern: re.Pattern[bytes], width: int) -> bool:
    """Whether a regular file's bytes match ``pattern``, read a chunk at a time.

    A learner's files may be huge, sparse, pipes or devices: only regular files are opened
    (without following links or blocking), only their data is read (holes are skipped), and
    consecutive chunks overlap so that a match across a boundary is found.
    """
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return False
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    overlap = 4 * width + 16
    with os.fdopen(fd, "rb") as handle:
        position, tail = 0, b""
        while True:
            try:
                data_at = os.lseek(fd, position, os.SEEK_DATA)
            except OSError:  # no data past ``position``
                return False
            if data_at != position:
                tail = b""
            handle.seek(data_at)
            chunk = handle.read(CHUNK)
            if not chunk:
                return False
            if pattern.search(tail + chunk):
                return True
            tail = chunk[-overlap:]
            position = data_at + len(chunk)
