"""A written answer typed into its box on a phone is graded by hand like one typed into its cell.

The learner answers only the written question, through the answer sheet, as Voilà lets a phone
do. Stock ``nbgrader autograde``, ``bdhvs grade`` and ``bdhvs grade --engine nbgrader``, each in
its own copy of a course made by ``bdhvs course init``, put the text into the answer cell of the
autograded notebook, which then waits for the instructor; a blank submission scores 0. A course
configured before the step existed is refused by ``bdhvs grade``, with the fix.
"""

from __future__ import annotations

import json
import shutil

import pytest
from nbgrader.api import Gradebook

from curriculum.toolkit.answers import FORMAT
from graders.course.written_answers import literal_markdown
from graders.grading.grade import grade

from conftest import run_bdhvs, submit, submit_copy
from gradekit import autograded_cell, built_copy, copy_course, nbgrader_autograde

pytestmark = pytest.mark.grading

REAL = "an_toan_so"
WRITTEN = "cau_13_bai_viet"
TEXT = "Bác Tư ơi, cháu đây.\nBác <b>đừng</b> chuyển tiền & đừng đọc mã OTP nhé."


def sheet(value: object) -> str:
    answers = {WRITTEN: {"value": value, "changes": 12, "at": "2026-03-01T08:00:00+07:00"}}
    return json.dumps({"format": FORMAT, "sheet": REAL, "answers": answers}, ensure_ascii=False)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The same three submissions graded three ways: {way: (course, bdhvs outcomes or None)}."""
    base = tmp_path_factory.mktemp("written-grading")
    course = built_copy(base / "course", [REAL])
    release = course.release_dir / REAL
    notebook = (release / f"{REAL}.ipynb").read_text(encoding="utf-8")
    submit(course, "phone", REAL, {f"{REAL}.ipynb": notebook, f"{REAL}.answers.json": sheet(TEXT)})
    submit_copy(course, "blank", REAL, release)
    submit(course, "damaged", REAL, {f"{REAL}.ipynb": notebook, f"{REAL}.answers.json": "{"})
    stock = copy_course(course, base / "stock")
    api = copy_course(course, base / "api")
    nbgrader_autograde(stock, REAL)
    done = run_bdhvs("grade", REAL, "--engine", "nbgrader", "--quiet", cwd=api.root)
    assert done.returncode == 0, done.stderr[-2000:]
    outcomes = {o.learner: o for o in grade(course, REAL, progress=False)}
    return {
        "nbgrader autograde": (stock, None),
        "bdhvs grade": (course, outcomes),
        "api": (api, None),
    }


WAYS = ["nbgrader autograde", "bdhvs grade", "api"]


@pytest.mark.parametrize("way", WAYS)
def test_the_text_from_the_sheet_is_in_the_graded_cell_which_waits_for_the_instructor(graded, way):
    course, _ = graded[way]
    cell = autograded_cell(course, "phone", REAL, WRITTEN)
    assert cell.source.endswith(literal_markdown(TEXT))
    assert "<b>" not in cell.source
    with Gradebook(course.db_url) as gradebook:
        row = gradebook.find_grade(WRITTEN, REAL, REAL, "phone")
        assert row.auto_score is None and row.needs_manual_grade


@pytest.mark.parametrize("way", WAYS)
def test_a_blank_or_damaged_sheet_adds_nothing_and_the_written_answer_scores_zero(graded, way):
    course, _ = graded[way]
    with Gradebook(course.db_url) as gradebook:
        for learner in ("blank", "damaged"):
            row = gradebook.find_grade(WRITTEN, REAL, REAL, learner)
            assert row.auto_score == 0 and not row.needs_manual_grade
        assert gradebook.find_submission(REAL, "blank").score == 0
    released = autograded_cell(course, "blank", REAL, WRITTEN).source
    assert autograded_cell(course, "damaged", REAL, WRITTEN).source == released


def test_bdhvs_grade_tells_the_instructor_whose_written_answer_could_not_be_read(graded):
    _, outcomes = graded["bdhvs grade"]
    assert outcomes["damaged"].status == "graded"
    (flag,) = [f for f in outcomes["damaged"].flags if "written answer" in f]
    assert "an_toan_so.answers.json is not valid JSON" in flag
    assert not [f for f in outcomes["phone"].flags if "written answer" in f]


def test_a_course_configured_before_the_step_is_refused_with_the_fix(graded, tmp_path):
    course, _ = graded["bdhvs grade"]
    old = copy_course(course, tmp_path / "old")
    shutil.rmtree(old.root / ".bdhvs", ignore_errors=True)
    config = old.root / "nbgrader_config.py"
    text = config.read_text(encoding="utf-8")
    start = text.index("c.Autograde.sanitize_preprocessors")
    config.write_text(text[:start] + text[text.index("]\n", start) + 2 :], encoding="utf-8")
    done = run_bdhvs("grade", REAL, "--course", str(old.root), "--quiet")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "c.Autograde.sanitize_preprocessors" in done.stderr
    assert "bdhvs course init" in done.stderr and "score 0" in done.stderr
