"""The submission's files that go into a runner's private folder, and how they are copied.

Notebooks stay out (they are graded, never handed over); everything else is copied as plain
bytes into a folder only the runner's user can enter.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from graders.common.learner_files import Refused, read_capped


def read_files(folder: Path, limit: int) -> list[tuple[str, bytes, int]]:
    """Regular files under ``folder`` except notebooks (those are graded, never handed over).

    Only files of their own are copied: symbolic links, special files (never opened, so a
    pipe cannot block) and files with other names (hard links) are left out. Together the
    files may hold at most ``limit`` bytes, and no more than that is read.
    """
    files = []
    total = 0
    for directory, subdirs, names in os.walk(folder):
        subdirs[:] = [d for d in subdirs if not os.path.islink(os.path.join(directory, d))]
        for name in names:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            if name.endswith(".ipynb") or not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
                continue
            try:
                data = read_capped(Path(path), limit - total)
            except Refused:
                raise ValueError(f"the submission's files are over {limit >> 20} MiB") from None
            total += len(data)
            files.append((os.path.relpath(path, folder), data, info.st_mode & 0o755))
    return files


def write_files(workdir: Path, files: list[tuple[str, bytes, int]], owner: tuple[int, int]):
    """The private copy: a folder only ``owner`` can enter, holding only these files."""
    workdir.mkdir(mode=0o700)
    for relative, data, mode in files:
        target = workdir / relative
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.write_bytes(data)
        os.chmod(target, mode | 0o600)
    for directory, _, names in os.walk(workdir):
        os.chown(directory, *owner)
        for name in names:
            os.chown(os.path.join(directory, name), *owner)
