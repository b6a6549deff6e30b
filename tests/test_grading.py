"""Grading through nbgrader: solutions earn full marks, releases zero, bad input is contained."""

import json
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders.course.sources import scan_assignment
from graders.grading.grade import grade, read_report

from conftest import ASSIGNMENTS, notebooks_of, run_bdhvs, submit
from gradekit import built_copy

pytestmark = pytest.mark.grading


def auto_grades(course, assignment, learner):
    """(cell id, score, max score) of every autograded test cell of one submission."""
    auto_cells = {
        i.cell for i in scan_assignment(course.source_dir, assignment).items if not i.manual
    }
    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission(assignment, learner)
        return [
            (g.name, g.score, g.max_score)
            for nb in submission.notebooks
            for g in nb.grades
            if g.name in auto_cells
        ]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_earns_full_marks_on_every_autograded_item(graded_course, assignment):
    grades = auto_grades(graded_course, assignment, "perfect")
    assert len(grades) >= 6
    for cell, score, max_score in grades:
        assert score == max_score, f"{assignment}/{cell}: {score} of {max_score}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_notebook_earns_zero_on_every_autograded_item(graded_course, assignment):
    grades = auto_grades(graded_course, assignment, "blank")
    assert len(grades) >= 6
    for cell, score, _ in grades:
        assert score == 0, f"{assignment}/{cell}: a blank release earned {score}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grading_report_lists_every_learner_as_graded(graded_course, assignment):
    outcomes = {o.learner: o for o in read_report(graded_course, assignment)}
    assert {"perfect", "blank"} <= set(outcomes)
    assert outcomes["perfect"].status == "graded"
    assert outcomes["perfect"].score > outcomes["blank"].score == 0


@pytest.fixture(scope="module")
def faulty_cohort(tmp_path_factory):
    """One assignment submitted by a good learner and by every kind of bad submission."""
    assignment = ASSIGNMENTS[0]
    course = built_copy(tmp_path_factory.mktemp("faulty") / "course", [assignment])
    source = notebooks_of(course.source_dir / assignment)[0]
    text = source.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    deleted = nbformat.from_dict(json.loads(text))
    test_cells = [
        c
        for c in deleted.cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"]["solution"]
    ]
    removed_id = test_cells[0].metadata["nbgrader"]["grade_id"]
    deleted.cells.remove(test_cells[0])
    submit(course, "good", assignment, {source.name: text})
    submit(course, "corrupt", assignment, {source.name: text[: len(text) // 2]})
    submit(course, "latin1", assignment, {source.name: "é".encode("latin-1") + b"{}"})
    submit(
        course, "old_format", assignment, {source.name: json.dumps({"nbformat": 2, "cells": []})}
    )
    submit(course, "deleted_cell", assignment, {source.name: nbformat.writes(deleted)})
    (course.submitted_dir / "empty" / assignment).mkdir(parents=True)
    submit(course, "renamed", assignment, {"other.ipynb": nbformat.writes(nb)})
    result = run_bdhvs("grade", "--course", str(course.root), assignment, "--quiet")
    return course, assignment, result, removed_id


def test_bad_submissions_are_reported_per_learner_and_the_rest_is_graded(faulty_cohort):
    course, assignment, result, _ = faulty_cohort
    assert result.returncode == 0, result.stderr
    outcomes = {o.learner: o for o in read_report(course, assignment)}
    assert outcomes["good"].status == "graded"
    assert outcomes["good"].score == outcomes["good"].max_score - manual_points(course, assignment)
    for learner, words in {
        "corrupt": "not valid JSON",
        "latin1": "not UTF-8",
        "old_format": "not a valid notebook",
        "empty": "empty",
    }.items():
        assert outcomes[learner].status == "failed", learner
        assert words in outcomes[learner].message, outcomes[learner].message
        assert f"FAILED  {learner}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def manual_points(course, assignment):
    return sum(i.points for i in scan_assignment(course.source_dir, assignment).items if i.manual)


def test_learner_who_deleted_a_test_cell_is_flagged_and_still_tested(faulty_cohort):
    course, assignment, result, removed_id = faulty_cohort
    outcome = {o.learner: o for o in read_report(course, assignment)}["deleted_cell"]
    assert outcome.status == "graded"
    assert any(removed_id in flag for flag in outcome.flags)
    scores = {cell: score for cell, score, _ in auto_grades(course, assignment, "deleted_cell")}
    maxima = {cell: m for cell, _, m in auto_grades(course, assignment, "deleted_cell")}
    assert scores[removed_id] == maxima[removed_id]  # the restored test ran on a right answer


def test_a_renamed_notebook_is_reported_with_the_names_found(faulty_cohort):
    course, assignment, _, _ = faulty_cohort
    outcome = {o.learner: o for o in read_report(course, assignment)}["renamed"]
    assert outcome.status == "failed"
    assert "no notebook of the assignment" in outcome.message
    assert "other.ipynb" in outcome.message


def test_grading_again_replaces_results_without_counting_twice(faulty_cohort, tmp_path):
    course, assignment, _, _ = faulty_cohort
    first = {o.learner: o.score for o in read_report(course, assignment)}
    grade(course, assignment, progress=False)
    second = {o.learner: o.score for o in read_report(course, assignment)}
    assert first == second
    with Gradebook(course.db_url) as gradebook:
        assert len(gradebook.assignment_submissions(assignment)) == len(
            [o for o in read_report(course, assignment) if o.status == "graded"]
        )


def test_nbgrader_own_autograde_still_works_in_the_course(faulty_cohort):
    course, assignment, _, _ = faulty_cohort
    import subprocess
    import sys
    from pathlib import Path

    nbgrader = Path(sys.executable).parent / "nbgrader"
    shutil.rmtree(course.autograded_dir / "good", ignore_errors=True)
    done = subprocess.run(
        [str(nbgrader), "autograde", assignment, "--student", "good", "--force"],
        cwd=course.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (course.autograded_dir / "good" / assignment).is_dir()
