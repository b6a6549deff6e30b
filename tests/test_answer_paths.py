"""The one list of answer-bearing paths covers every file that holds answers.

Binder deletes the listed paths, the Kubernetes image leaves them out and the grading sandbox
hides them, so a file that holds answers outside every listed path would reach learners. The
scan finds such files by what is in them: nbgrader's solution, hidden-test and mark-scheme
regions, the demo's answer data, the instructor guides' marking criteria.
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import tomllib
from pathlib import Path, PurePosixPath

import pytest

from graders.common import answer_paths

from conftest import REPO

REGION = re.compile(
    r"^[ \t]*(### BEGIN SOLUTION|### BEGIN HIDDEN TESTS|=== BEGIN MARK SCHEME ===)[ \t]*$", re.M
)
MARKING_CRITERIA = re.compile(r"^#+ .*Tiêu chí chấm", re.M)
DEMO_ANSWER_KEYS = {"wrong", "written"}


def project_files() -> list[str]:
    """Files of the checkout, tracked or new, less what .gitignore leaves out."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in done.stdout.split("\0") if name and (REPO / name).is_file()]


def answers_in(path: Path) -> str | None:
    """What kind of answers ``path`` holds, if any."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix in {".ipynb", ".json"}:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if path.suffix == ".ipynb" and isinstance(data, dict):
            text = "\n".join("".join(cell.get("source", "")) for cell in data.get("cells", []))
        if isinstance(data, dict) and DEMO_ANSWER_KEYS & data.keys():
            return "demo answers"
    if REGION.search(text):
        return "an nbgrader solution, hidden tests or mark scheme"
    if path.suffix == ".md" and MARKING_CRITERIA.search(text):
        return "marking criteria"
    return None


def covered(name: str) -> bool:
    return any(PurePosixPath(name).is_relative_to(entry) for entry in answer_paths.listed())


def test_every_file_that_holds_answers_lies_under_a_listed_path():
    found = {name: answers_in(REPO / name) for name in project_files()}
    holding = {name: kind for name, kind in found.items() if kind}
    assert holding, "the scan finds the assignment sources at least"
    outside = {name: kind for name, kind in holding.items() if not covered(name)}
    assert not outside, f"answers outside graders/common/answer-bearing-paths.txt: {outside}"


def test_the_scan_recognises_each_kind_of_answers(tmp_path):
    samples = {
        "source.ipynb": json.dumps(
            {"cells": [{"source": ["x = 1\n", "### BEGIN HIDDEN TESTS\n", "assert x\n"]}]}
        ),
        "notes.py": "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n",
        "cohort.json": json.dumps({"assignment": "a", "wrong": {"cau_1": "0"}}),
        "guide.md": "# Guide\n\n## 4. Tiêu chí chấm câu 10\n",
    }
    for name, text in samples.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert answers_in(tmp_path / name), name
    mentions = tmp_path / "mentions.md"
    mentions.write_text("Put the answer between `### BEGIN SOLUTION` and its end.\n")
    assert answers_in(mentions) is None


def test_listed_paths_are_plain_paths_inside_the_checkout_that_exist_or_are_ignored_output():
    entries = answer_paths.listed()
    assert len(entries) == len(set(entries))
    for entry in entries:
        path = PurePosixPath(entry)
        assert not path.is_absolute() and ".." not in path.parts, entry
        output = ["git", "check-ignore", "-q", f"{entry}/"]  # a folder the project's commands make
        assert (REPO / entry).exists() or subprocess.run(output, cwd=REPO).returncode == 0, entry


def test_the_test_suite_and_the_history_are_listed_though_no_marker_shows_them():
    assert {"tests", ".git"} <= set(answer_paths.listed())


def test_a_checkout_hides_the_whole_checkout_and_every_listed_path():
    assert answer_paths.PROJECT_ROOT == REPO
    assert answer_paths.hidden() == [REPO, *(REPO / entry for entry in answer_paths.listed())]


def test_an_installed_package_hides_only_the_listed_paths_inside_it(tmp_path):
    (tmp_path / "tests").mkdir()  # some other distribution's folder in site-packages
    assert answer_paths.hidden(tmp_path) == [tmp_path / "graders" / "demo" / "answers"]


def test_the_installed_package_carries_the_list():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = project["tool"]["setuptools"]["package-data"]["graders"]
    name = answer_paths.LIST_FILE.relative_to(answer_paths.PACKAGE_ROOT).as_posix()
    assert any(fnmatch.fnmatch(name, pattern) for pattern in globs)
