"""``bdhvs grade`` writes the gradebook that stock ``nbgrader autograde`` writes.

The same submissions are graded twice, in two copies of one course: by ``nbgrader autograde``
(a subprocess, as an instructor would run it) and by ``bdhvs grade``. Every grade cell's
auto score, every submission's score and late penalty must agree, and the autograded notebooks
must carry the same outputs, so nbgrader's feedback and export work on the result.

Two courses: the real ``an_toan_so`` assignment (model, blank, partial and wrong answers from
the demo data, a written answer typed into its box on a phone, an answer cell that raises, a late
submission with a penalty), and the small ``tiny`` assignment (partial credit, stderr in a test,
a test that times out after 2 s).
"""

from __future__ import annotations

import random
import shutil
import subprocess

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders.common.errors import BdhvsError
from graders.course.directory import REPOSITORY_ASSIGNMENTS
from graders.demo.synthetic import Learner, demo_answers, make_submission, taps_of
from graders.grading.grade import grade
from graders.grading.score_table import score_table

from conftest import run_bdhvs, submit, submit_copy
from gradekit import (
    NBGRADER,
    TINY,
    TINY_VARIANTS,
    built_copy,
    copy_course,
    nbgrader_autograde,
    submit_tiny,
    tiny_course,
)

pytestmark = pytest.mark.grading

REAL = "an_toan_so"
LATE_CONFIG = '\nc.LateSubmissionPlugin.penalty_method = "zero"\n'
DUE = "2025-03-01 17:00:00"
AFTER_DUE = "2025-03-02 08:00:00.000000 UTC"


def graded_both_ways(course, tmp_path, assignment):
    """Grade a copy with stock nbgrader and the course itself with bdhvs; return both."""
    stock = copy_course(course, tmp_path / "stock")
    nbgrader_autograde(stock, assignment)
    outcomes = grade(course, assignment, progress=False)
    return stock, course, outcomes


def fixture_of(which, request):
    """(stock copy, course graded by bdhvs, its outcomes) of the ``real`` or ``tiny`` course."""
    return request.getfixturevalue(which)[:3]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    base = tmp_path_factory.mktemp("equivalence-real")
    sources = base / "sources"
    shutil.copytree(REPOSITORY_ASSIGNMENTS / REAL, sources / REAL)
    course = built_copy(base / "course", [REAL], sources, LATE_CONFIG)
    with Gradebook(course.db_url) as gradebook:
        gradebook.update_or_create_assignment(REAL, duedate=DUE)
    answers = demo_answers(REAL)
    name = answers["notebook"]
    source = nbformat.read(course.source_dir / REAL / name, as_version=4)
    release = nbformat.read(course.release_dir / REAL / name, as_version=4)
    submit_copy(course, "perfect", REAL, course.source_dir / REAL)
    submit_copy(course, "blank", REAL, course.release_dir / REAL)
    rng = random.Random(7)
    taps = taps_of(source, release, answers)
    for learner in ("partial_late", "wrong"):
        profile = learner.split("_")[0]
        # the wrong answers come from a phone: the written one is in the answer file
        who = Learner(learner, "", profile, phone=profile == "wrong")
        made = make_submission(who, source, release, answers, rng, taps)
        submit(course, learner, REAL, made.files)
    (course.submitted_dir / "partial_late" / REAL / "timestamp.txt").write_text(AFTER_DUE)
    raising = nbformat.read(course.source_dir / REAL / name, as_version=4)
    for cell in raising.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "cau_2_dap_an":
            cell.source = 'raise RuntimeError("em chưa làm câu này")'
    submit(course, "raises", REAL, {name: nbformat.writes(raising)})
    return graded_both_ways(course, base, REAL)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    base = tmp_path_factory.mktemp("equivalence-tiny")
    course = tiny_course(base / "course", base / "sources", "\nc.Execute.timeout = 2\n")
    for learner, answers in TINY_VARIANTS.items():
        submit_tiny(course, learner, answers)
    submit_copy(course, "blank", TINY, course.release_dir / TINY)
    api_engine = copy_course(course, base / "api-engine")
    shutil.rmtree(api_engine.submitted_dir / "loops_forever")  # its timeout adds nothing here
    done = run_bdhvs("grade", TINY, "--engine", "nbgrader", "--quiet", cwd=api_engine.root)
    assert done.returncode == 0, done.stderr[-2000:]
    return (*graded_both_ways(course, base, TINY), api_engine)


@pytest.mark.parametrize("which", ["real", "tiny"])
def test_every_grade_cell_score_and_penalty_equals_nbgrader_autograde(which, request):
    stock, ours, outcomes = fixture_of(which, request)
    assignment = REAL if which == "real" else TINY
    expected, found = score_table(stock, assignment), score_table(ours, assignment)
    assert {o.learner for o in outcomes if o.status == "graded"} == set(expected)
    assert found == expected
    scores = {learner: row["score"] for learner, row in found.items()}
    assert len(set(scores.values())) >= 4, f"the cohort should be varied: {scores}"


def test_late_submission_gets_nbgrader_late_penalty(real):
    _, ours, _ = real
    rows = score_table(ours, REAL)
    assert rows["partial_late"]["late_penalty"] == rows["partial_late"]["score"] > 0
    assert all(row["late_penalty"] == 0 for name, row in rows.items() if name != "partial_late")


def test_the_nbgrader_engine_option_grades_as_nbgrader_autograde(tiny):
    stock, _, _, api_engine = tiny
    expected = score_table(stock, TINY)
    del expected["loops_forever"]
    assert score_table(api_engine, TINY) == expected


def test_partial_credit_timeout_and_stderr_score_as_nbgrader_rules(tiny):
    _, ours, outcomes, _ = tiny
    rows = score_table(ours, TINY)
    assert rows["partial_credit"][f"{TINY}/cau_2_kiem_tra"] == 1.0  # one of three values right
    assert rows["loops_forever"][f"{TINY}/cau_3_kiem_tra"] == 0.0
    assert rows["loops_forever"][f"{TINY}/cau_4_kiem_tra"] == 1.0  # grading went on after it
    assert rows["stderr_in_test"][f"{TINY}/cau_4_kiem_tra"] == 0.0
    flags = {o.learner: o.flags for o in outcomes}
    assert any("time limit" in flag for flag in flags["loops_forever"])


def output_kinds(nb):
    """Per code cell, its outputs as (type, stream name or error name), streams merged."""
    kinds = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        merged = []
        for output in cell.outputs:
            kind = (output.output_type, output.get("name") or output.get("ename"))
            if not (merged and kind == merged[-1] and kind[0] == "stream"):
                merged.append(kind)
        kinds.append((cell.metadata.get("nbgrader", {}).get("grade_id"), merged))
    return kinds


@pytest.mark.parametrize("which", ["real", "tiny"])
def test_autograded_notebooks_have_the_outputs_nbgrader_writes(which, request):
    stock, ours, _ = fixture_of(which, request)
    assignment = REAL if which == "real" else TINY
    for folder in sorted((stock.autograded_dir).iterdir()):
        path = f"{folder.name}/{assignment}/{assignment}.ipynb"
        expected = nbformat.read(stock.autograded_dir / path, as_version=4)
        found = nbformat.read(ours.autograded_dir / path, as_version=4)
        assert output_kinds(found) == output_kinds(expected), folder.name
        assert found.metadata.get("language_info") == expected.metadata.get("language_info")


def test_nbgrader_feedback_and_export_work_on_the_result(tiny):
    _, ours, _, _ = tiny
    for command in (["generate_feedback", TINY], ["export"]):
        done = subprocess.run(
            [str(NBGRADER), *command, "--log-level=ERROR"],
            cwd=ours.root,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    feedback = sorted(ours.root.glob(f"feedback/*/{TINY}/{TINY}.html"))
    assert len(feedback) == len(TINY_VARIANTS) + 1
    assert "partial_credit" in (ours.root / "grades.csv").read_text(encoding="utf-8")


def test_notebooks_in_another_language_are_left_to_the_nbgrader_engine(tmp_path):
    course = tiny_course(tmp_path / "course", tmp_path / "sources")
    release = course.release_dir / TINY / f"{TINY}.ipynb"
    nb = nbformat.read(release, as_version=4)
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nbformat.write(nb, release)
    submit_tiny(course, "learner", {})
    with pytest.raises(BdhvsError, match="--engine nbgrader"):
        grade(course, TINY, progress=False)
