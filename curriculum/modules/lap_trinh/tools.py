"""Tools for the lesson "Lập trình Python cho việc văn phòng" (``lap_trinh``).

The lesson renames files in bulk, and does it in a folder of its own, in the machine's
temporary folder, so that no file of the learner's is at stake. A learner runs the cell that
makes it again and again; each run would leave a folder behind, on a machine that may serve a
whole class for months. :func:`thu_muc_thu` keeps one folder per kernel instead: a new run
replaces it, and the last one goes when the kernel stops.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

__all__ = ["PREFIX", "thu_muc_thu"]

PREFIX = "bai_hoc_doi_ten_"

_current: list[tempfile.TemporaryDirectory[str]] = []


def thu_muc_thu() -> Path:
    """A new, empty practice folder; the one made before is removed.

    A :class:`tempfile.TemporaryDirectory` removes its folder when the interpreter exits,
    which is when the kernel shuts down or restarts.
    """
    while _current:
        _current.pop().cleanup()
    folder = tempfile.TemporaryDirectory(prefix=PREFIX)
    _current.append(folder)
    return Path(folder.name)
