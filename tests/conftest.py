"""Shared fixtures: a real nbgrader course built from the repository's assignments."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from curriculum.toolkit.answers import AnswerSheet, answer_sheet
from graders.course.build import build
from graders.course.directory import REPOSITORY_ASSIGNMENTS, Course, init_course
from graders.grading.grade import grade

REPO = Path(__file__).resolve().parents[1]
BDHVS = Path(sys.executable).parent / "bdhvs"
ASSIGNMENTS = sorted(p.name for p in REPOSITORY_ASSIGNMENTS.iterdir() if p.is_dir())


def run_bdhvs(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed console command, as an instructor would (``env`` adds variables)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(BDHVS), *args], capture_output=True, text=True, cwd=cwd, env=full_env
    )


def notebooks_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ipynb"))


def submit(course: Course, learner: str, assignment: str, files: dict[str, str | bytes]) -> Path:
    """Place a submission where nbgrader expects it: submitted/<learner>/<assignment>/."""
    folder = course.submitted_dir / learner / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return folder


def submit_copy(course: Course, learner: str, assignment: str, source_folder: Path) -> None:
    folder = course.submitted_dir / learner / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for path in notebooks_of(source_folder):
        shutil.copy(path, folder / path.name)


SECRET_REGIONS = (
    ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
    ("### BEGIN SOLUTION", "### END SOLUTION"),
    ("=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ==="),
)
MIN_SECRET_LINE = 16  # shorter lines ("return False") say nothing about an answer


def lesson_lines() -> set[str]:
    """Lines the lessons teach openly: a solution line that is also one of them is no secret."""
    lines = set()
    for path in (REPO / "curriculum" / "modules").glob("*/*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            lines.update(line.strip() for line in cell.source.splitlines())
    return lines


def library_text() -> str:
    """The learner library's code, which every learner may read: a hidden test's generic line
    (``checkpoint_credit(``) found in it is no secret."""
    return "\n".join(
        path.read_text(encoding="utf-8") for path in sorted((REPO / "curriculum").rglob("*.py"))
    )


def secret_lines(notebook_path) -> set[str]:
    """Every meaningful line of hidden tests, solutions and mark schemes in a source notebook,
    less the lines the lessons and the learner library show anyway."""
    secrets = set()
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        for begin, end in SECRET_REGIONS:
            pattern = re.escape(begin) + r"(.*?)" + re.escape(end)
            for region in re.findall(pattern, cell.source, re.S):
                for line in region.splitlines():
                    line = line.strip()
                    if len(line) >= MIN_SECRET_LINE and not line.startswith("#"):
                        secrets.add(line)
    library = library_text()
    return {line for line in secrets - lesson_lines() if line not in library}


def all_secrets(course, assignment) -> set[str]:
    """Secret lines of every source notebook of ``assignment`` in ``course``."""
    secrets = set()
    for path in notebooks_of(course.source_dir / assignment):
        secrets |= secret_lines(path)
    assert secrets, f"{assignment} has hidden tests and solutions to protect"
    return secrets


# The fast tier (``make test-fast``: ``pytest -m "not slow"``) leaves out every test marked
# ``slow``. A test is slow when it is of one of these kinds (markers registered in
# pyproject.toml): marked so by its module, or using a fixture below, found through
# ``item.fixturenames`` (fixtures a test asks for, directly or through other fixtures).
SLOW_KINDS = ("browser", "hub", "postgres", "grading", "notebooks")
SLOW_FIXTURES = {
    "postgres": "postgres",  # a PostgreSQL server
    "built_course": "grading",  # every assignment built
    "graded_course": "grading",  # every assignment built and graded
    "lab": "browser",  # JupyterLab and Chromium
    "learner_page": "browser",
    "demo": "grading",  # `bdhvs demo`, which grades a synthetic cohort
    "cohort": "grading",  # a cohort of a module's own, graded
    "resubmitted": "grading",  # graded twice, once per attempt
    "formgrader": "grading",  # a Jupyter server with nbgrader's formgrader on a graded cohort
    "binder_env": "slow",  # a new virtual environment installed as Binder does
}


# `make test` runs the suite in two processes (pytest-xdist, ``--dist loadgroup``). Each test
# file runs whole in one of them, so a module's fixtures are made once; the files that share an
# expensive session fixture run in the same process, so it is made once too; the hub's tests,
# which share system accounts, never run side by side, nor do the files that declare the same
# group (``pytestmark = pytest.mark.xdist_group("machine")``: they change the machine's folders).
SHARED_GROUPS = {"built_course": "course", "graded_course": "course", "postgres": "postgres"}


def _group(item: pytest.Item) -> str:
    declared = item.get_closest_marker("xdist_group")  # a module's own, e.g. "machine"
    if declared is not None:
        return str(declared.args[0])
    if item.get_closest_marker("hub"):
        return "hub"
    for name in item.fixturenames:
        if name in SHARED_GROUPS:
            return SHARED_GROUPS[name]
    return _file(item)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for name in item.fixturenames:
            kind = SLOW_FIXTURES.get(name)
            if kind and not item.get_closest_marker(kind):
                item.add_marker(kind)
        if not item.get_closest_marker("slow") and any(
            item.get_closest_marker(kind) for kind in SLOW_KINDS
        ):
            item.add_marker("slow")
    shared: dict[str, str] = {}  # a file with a test in a shared group runs whole in it
    for item in items:
        group = _group(item)
        if group != _file(item):
            shared[_file(item)] = group
    for item in items:
        item.add_marker(pytest.mark.xdist_group(shared.get(_file(item), _file(item))))


def _file(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


@pytest.fixture(scope="session")
def built_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    course = init_course(tmp_path_factory.mktemp("courses") / "cohort")
    build(course)
    return course


@pytest.fixture(scope="session")
def graded_course(built_course: Course) -> Course:
    """Every assignment submitted by a perfect learner (the sources) and a blank one (releases)."""
    course = built_course
    for assignment in ASSIGNMENTS:
        submit_copy(course, "perfect", assignment, course.source_dir / assignment)
        submit_copy(course, "blank", assignment, course.release_dir / assignment)
        grade(course, assignment, progress=False)
    return course


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server on loopback for the whole run; ``postgres.new_database()``
    gives a test an empty database of its own."""
    from pgserver import start_server

    server = start_server()
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path``, made the current folder for the test (where a notebook's cells would run)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def sheet(workdir: Path, request: pytest.FixtureRequest) -> AnswerSheet:
    """A fresh answer sheet in ``workdir``, named by the test module's ``SHEET``: a task's
    answers are saved there, and a fresh kernel finds them by that name."""
    return answer_sheet(request.module.SHEET)
