"""``bdhvs grade`` killed with SIGKILL at any moment and run again finishes the cohort.

No grade is lost or counted twice: the gradebook ends as a clean, uninterrupted run leaves it,
with one submission per learner. Learners whose grading was finished are not graded again
unless their submission changed or ``--force`` is given.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from itertools import cycle
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders.course.build import build
from graders.course.directory import init_course
from graders.grading.grade import grade, read_report
from graders.grading.score_table import score_table

from conftest import BDHVS
from gradekit import (
    TINY,
    TINY_VARIANTS,
    copy_course,
    kill_grading_when,
    submit_tiny,
    tiny_course,
    tiny_source,
    zygotes_of,
)

pytestmark = pytest.mark.grading

LEARNERS = 14
VARIANTS = [name for name in TINY_VARIANTS if name != "loops_forever"]


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    base = tmp_path_factory.mktemp("resume")
    course = tiny_course(base / "course", base / "sources")
    names = []
    for number, variant in zip(range(LEARNERS), cycle(VARIANTS), strict=False):
        names.append(f"hv{number:02d}")
        submit_tiny(course, names[-1], TINY_VARIANTS[variant])
    clean = copy_course(course, base / "clean")
    grade(clean, TINY, progress=False)
    for records in (0, 3, 5):
        kill_grading_when(course, records)
    final = subprocess.run(
        [str(BDHVS), "grade", TINY, "--course", str(course.root), "--quiet"],
        capture_output=True,
        text=True,
    )
    return course, clean, names, final


def processed_count(line: str) -> int:
    return int(re.search(r"(\d+) submissions? processed", line).group(1))


def test_the_run_after_the_kills_grades_only_the_learners_not_finished_before(interrupted):
    course, _, _, final = interrupted
    assert final.returncode == 0, final.stderr[-2000:]
    kept = re.search(r"(\d+) unchanged since their last grading were kept", final.stdout)
    assert kept is not None, final.stdout
    assert int(kept.group(1)) >= 8
    assert processed_count(final.stdout) == LEARNERS - int(kept.group(1))


def test_after_kills_every_learner_is_graded_once_with_the_scores_of_a_clean_run(interrupted):
    course, clean, names, _ = interrupted
    assert score_table(course, TINY) == score_table(clean, TINY)
    with Gradebook(course.db_url) as gradebook:
        submissions = gradebook.assignment_submissions(TINY)
        assert sorted(s.student.id for s in submissions) == names
        for submission in submissions:
            assert len([g for nb in submission.notebooks for g in nb.grades]) == 4
    report = read_report(course, TINY)
    assert [o.learner for o in report] == names
    assert all(o.status == "graded" for o in report)


def test_no_grading_process_outlives_a_killed_run(interrupted):
    course, _, _, _ = interrupted
    deadline = time.monotonic() + 10
    while zygotes_of(course) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert zygotes_of(course) == []


def test_a_rerun_grades_only_changed_submissions_unless_forced(interrupted):
    course, _, names, _ = interrupted
    said: list[str] = []
    grade(course, TINY, progress=False, say=said.append)
    assert processed_count(said[-1]) == 0, said
    submit_tiny(course, names[0], TINY_VARIANTS["error_cell"])
    grade(course, TINY, progress=False, say=said.append)
    assert processed_count(said[-1]) == 1
    assert score_table(course, TINY)[names[0]][f"{TINY}/cau_1_kiem_tra"] == 0
    grade(course, TINY, progress=False, force=True, say=said.append)
    assert processed_count(said[-1]) == len(names)
    assert os.path.isdir(course.autograded_dir / names[0] / TINY)


def test_a_change_to_library_code_the_assignment_imports_regrades_its_learners(
    tmp_path, monkeypatch
):
    library = tmp_path / "lib" / "curriculum"
    shutil.copytree(
        Path(__file__).resolve().parents[1] / "curriculum",
        library,
        ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"),
    )
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    sources = tiny_source(tmp_path / "sources")
    notebook = sources / TINY / f"{TINY}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    cell = nbformat.v4.new_code_cell("import curriculum.toolkit.numerals")
    cell.metadata["nbgrader"] = {
        "grade": False,
        "solution": False,
        "locked": True,
        "task": False,
        "grade_id": "thu_vien",
        "schema_version": 3,
    }
    nb.cells.insert(0, cell)
    nbformat.write(nb, notebook)
    course = init_course(tmp_path / "course", sources)
    build(course, [TINY])
    submit_tiny(course, "hv00", {})
    said: list[str] = []
    grade(course, TINY, progress=False, workers=1, say=said.append)
    grade(course, TINY, progress=False, workers=1, say=said.append)
    assert processed_count(said[-1]) == 0, said
    numerals = library / "toolkit" / "numerals.py"
    numerals.write_bytes(numerals.read_bytes() + b"\n")
    grade(course, TINY, progress=False, workers=1, say=said.append)
    assert processed_count(said[-1]) == 1, said
