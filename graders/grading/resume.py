"""What makes ``bdhvs grade`` safe to kill at any moment and run again.

nbgrader's gradebook keeps one submission per learner and assignment, so grading a learner
again replaces the earlier grades: nothing is ever counted twice. What remains is to avoid
redoing work, and to know which work was finished. After a learner's grades are committed to
the gradebook, a *done record* is written for them, atomically and durably, holding a
fingerprint of everything that decided those grades (the submission's files, the assignment's
sources and release, the course's nbgrader configuration, the code of the learner library that
the assignment's notebooks import). A later run skips a learner whose
record matches the current fingerprint and whose grades are still in the gradebook; a learner
killed half-way has no record and is graded again from the start.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from nbgrader import __version__ as nbgrader_version

from graders.common.digests import hash_tree
from graders.course.directory import CONFIG_NAME, Course
from graders.course.library import library_digest


def grading_context(course: Course, assignment: str) -> str:
    """A digest of what, besides the submission, decides the grades of ``assignment``.

    The library code counted is what the sources import (hidden tests included), so editing a
    module's tools regrades the learners of the assignments that use it, and only those.
    """
    digest = hashlib.sha256(nbgrader_version.encode())
    digest.update((course.root / CONFIG_NAME).read_bytes())
    hash_tree(digest, course.source_dir / assignment)
    hash_tree(digest, course.release_dir / assignment)
    digest.update(library_digest(course.source_dir / assignment))
    return digest.hexdigest()


class Ledger:
    """The done records of one assignment: ``.bdhvs/grade/<assignment>/done/<learner>.json``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, learner: str) -> Path:
        return self.folder / f"{learner}.json"

    def get(self, learner: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(learner).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def record(self, learner: str, fingerprint: str, outcome: dict[str, Any]) -> None:
        """Write the record so that it is either absent or complete, even after a power cut."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(learner)
        tmp = path.with_suffix(".json.tmp")
        payload = json.dumps({"fingerprint": fingerprint, "outcome": outcome}, ensure_ascii=False)
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def forget(self, learner: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(learner).unlink()
