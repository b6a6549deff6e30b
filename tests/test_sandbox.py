"""The sandbox's filesystem view: private temporary folders, yet the interpreter stays reachable.

A checkout or virtual environment may itself live under /tmp (a clean clone in CI does). The
sandbox covers /tmp with an empty tmpfs and binds such paths back; nothing else of the old /tmp
may show, and a path under a folder closed to the sandbox user (like /root) is reachable while
that folder's other contents are not. Each check runs in a forked child with its own mount
namespace, so the machine's mounts are untouched. Needs root.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from graders.common import answer_paths
from graders.course.directory import Course
from graders.grading.runners.forks import hidden_paths, interpreter_paths

from conftest import REPO
from sandboxkit import in_sandbox

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="mount namespaces need root"),
    pytest.mark.xdist_group("machine"),  # the sandbox's view of the machine's folders
]


def _seen_in_sandbox(expose: list[Path], hide: list[Path], probes: dict[str, Path]) -> dict:
    """In the sandbox's view, as its user: each probe's text (a file), entries (a folder) or
    the name of the error met."""

    def look() -> dict[str, object]:
        found: dict[str, object] = {}
        for name, path in probes.items():
            try:
                found[name] = path.read_text() if path.is_file() else sorted(os.listdir(path))
            except OSError as error:
                found[name] = type(error).__name__
        return found

    return in_sandbox(look, hide=hide, expose=expose)


@pytest.fixture
def tmp_tree():
    """/tmp/<x>/venv/lib.py (to keep) beside /tmp/<x>/other/secret.txt (to lose)."""
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        root = Path(folder)
        os.chmod(root, 0o755)
        (root / "venv").mkdir(mode=0o755)
        (root / "venv" / "lib.py").write_text("kept")
        os.chmod(root / "venv" / "lib.py", 0o644)
        (root / "other").mkdir(mode=0o755)
        (root / "other" / "secret.txt").write_text("secret")
        os.chmod(root / "other" / "secret.txt", 0o644)
        yield root


def test_a_path_under_tmp_that_is_exposed_stays_readable(tmp_tree):
    found = _seen_in_sandbox([tmp_tree / "venv"], [], {"lib": tmp_tree / "venv" / "lib.py"})
    assert found == {"lib": "kept"}


def test_nothing_else_of_the_old_tmp_shows_in_the_sandbox(tmp_tree):
    probes = {"secret": tmp_tree / "other" / "secret.txt", "parent": tmp_tree}
    found = _seen_in_sandbox([tmp_tree / "venv"], [], probes)
    assert found["secret"] == "FileNotFoundError"
    assert found["parent"] == ["venv"]


def test_without_exposure_tmp_is_empty_and_private(tmp_tree):
    found = _seen_in_sandbox([], [], {"tmp": Path("/tmp"), "lib": tmp_tree / "venv" / "lib.py"})
    assert found == {"tmp": [], "lib": "FileNotFoundError"}


def test_a_path_in_a_closed_folder_is_reachable_but_its_neighbours_are_not():
    closed = Path(tempfile.mkdtemp(dir="/root" if os.path.isdir("/root") else "/var"))
    try:
        os.chmod(closed, 0o700)
        (closed / "env").mkdir(mode=0o755)
        (closed / "env" / "python.txt").write_text("interpreter")
        os.chmod(closed / "env" / "python.txt", 0o644)
        (closed / "notes.txt").write_text("private")
        os.chmod(closed / "notes.txt", 0o644)
        probes = {"env": closed / "env" / "python.txt", "notes": closed / "notes.txt"}
        found = _seen_in_sandbox([closed / "env"], [], probes)
        assert found["env"] == "interpreter"
        assert found["notes"] == "FileNotFoundError"
    finally:
        for path in (closed / "env" / "python.txt", closed / "notes.txt"):
            path.unlink()
        (closed / "env").rmdir()
        closed.rmdir()


def test_hidden_folders_show_nothing_even_when_exposed_paths_surround_them(tmp_tree):
    probes = {"other": tmp_tree / "other", "lib": tmp_tree / "venv" / "lib.py"}
    found = _seen_in_sandbox([tmp_tree], [tmp_tree / "other"], probes)
    assert found["lib"] == "kept"
    assert found["other"] in ([], "PermissionError")


def test_the_projects_answer_bearing_paths_are_hidden_while_its_packages_stay_reachable(tmp_path):
    """The fork engine's own settings: the checkout is exposed for its packages, and every path
    of the answer list (graders/common/answer-bearing-paths.txt) is hidden inside it."""
    hide = hidden_paths(Course(tmp_path / "course"), f"sqlite:///{tmp_path / 'gradebook.db'}")
    first_files = {  # output folders of the list (demo-output) may not exist yet
        entry: next((p for p in (REPO / entry).rglob("*") if p.is_file()), None)
        for entry in answer_paths.listed()
    }
    probes = {entry: path for entry, path in first_files.items() if path}
    probes["package"] = Path(answer_paths.__file__)
    found = _seen_in_sandbox(interpreter_paths(), hide, probes)
    assert found.pop("package") == Path(answer_paths.__file__).read_text()
    for entry, seen in found.items():
        assert seen in ("FileNotFoundError", "PermissionError"), (entry, seen)
