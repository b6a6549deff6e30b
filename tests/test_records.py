"""Competency records: the whole workflow from course init to one record per learner."""

import csv
import json

import jsonschema
import pytest
from nbgrader.api import Gradebook

from graders.common.errors import BdhvsError
from graders.course.sources import graded_items
from graders.records.maker import record_schema

from conftest import ASSIGNMENTS, run_bdhvs
from resultkit import records_of


@pytest.fixture(scope="module")
def records_dir(graded_course, tmp_path_factory):
    out = tmp_path_factory.mktemp("records")
    result = run_bdhvs("records", "--course", str(graded_course.root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def load(out, learner):
    return json.loads((out / "learners" / f"{learner}.json").read_text(encoding="utf-8"))


def assessed_competences(course):
    return {c for i in graded_items(course.source_dir, ASSIGNMENTS) for c in i.competences}


def test_one_valid_record_per_learner(records_dir):
    files = sorted(p.stem for p in (records_dir / "learners").glob("*.json"))
    assert files == ["blank", "perfect"]
    for learner in files:
        jsonschema.validate(load(records_dir, learner), record_schema())


def test_perfect_learner_attains_every_assessed_competence(graded_course, records_dir):
    record = load(records_dir, "perfect")
    assert set(record["competences"]) == assessed_competences(graded_course)
    for competence, entry in record["competences"].items():
        assert entry["step"] >= 1, competence
        assert entry["score"] == 1.0, competence
        assert entry["evidence"], competence
        for evidence in entry["evidence"]:
            assert {"assignment", "notebook", "cell"} <= set(evidence)


def test_blank_learner_attains_no_competence(records_dir):
    record = load(records_dir, "blank")
    assert record["competences"]
    for competence, entry in record["competences"].items():
        assert entry["step"] == 0, competence
        assert entry["score"] == 0.0, competence
    assert not any(path["completed"] for path in record["paths"].values())


def test_written_answers_stay_pending_until_an_instructor_grades_them(graded_course, records_dir):
    manual = [i for i in graded_items(graded_course.source_dir, ASSIGNMENTS) if i.manual]
    assert manual, "every module has a manually graded answer"
    pending = {
        p for e in load(records_dir, "perfect")["competences"].values() for p in e["pending"]
    }
    for item in manual:
        assert f"{item.assignment}/{item.notebook}/{item.cell}" in pending


def test_instructor_grade_turns_pending_into_evidence(graded_course):
    manual = [i for i in graded_items(graded_course.source_dir, ASSIGNMENTS) if i.manual][0]
    with Gradebook(graded_course.db_url) as gradebook:
        grade = gradebook.find_grade(manual.cell, manual.notebook, manual.assignment, "perfect")
        grade.manual_score = manual.points
        gradebook.db.commit()
    try:
        record = {r["learner"]: r for r in records_of(graded_course)}["perfect"]
        entry = record["competences"][manual.competences[0]]
        key = f"{manual.assignment}/{manual.notebook}/{manual.cell}"
        assert key not in entry["pending"]
        assert any(
            e["cell"] == manual.cell and e["score"] == manual.points for e in entry["evidence"]
        )
    finally:
        with Gradebook(graded_course.db_url) as gradebook:
            grade = gradebook.find_grade(manual.cell, manual.notebook, manual.assignment, "perfect")
            grade.manual_score = None
            gradebook.db.commit()


def test_csv_has_one_row_per_learner_and_competence(graded_course, records_dir):
    with open(records_dir / "records.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    competences = assessed_competences(graded_course)
    assert len(rows) == 2 * len(competences)
    perfect = {r["competence"]: r for r in rows if r["learner"] == "perfect"}
    assert set(perfect) == competences
    assert all(int(r["step"]) >= 1 for r in perfect.values())


def test_records_refuse_a_gradebook_cell_missing_from_the_sources(graded_course, tmp_path):
    item = graded_items(graded_course.source_dir, ASSIGNMENTS)[0]
    with Gradebook(graded_course.db_url) as gradebook:
        cell = gradebook.find_grade_cell(item.cell, item.notebook, item.assignment)
        cell.name = "renamed_in_gradebook"
        gradebook.db.commit()
    try:
        with pytest.raises(BdhvsError, match="not in the current sources"):
            records_of(graded_course)
    finally:
        with Gradebook(graded_course.db_url) as gradebook:
            cell = gradebook.find_grade_cell("renamed_in_gradebook", item.notebook, item.assignment)
            cell.name = item.cell
            gradebook.db.commit()


def test_rewriting_records_removes_stale_learner_files(graded_course, tmp_path):
    out = tmp_path / "out"
    (out / "learners").mkdir(parents=True)
    (out / "learners" / "gone.json").write_text("{}")
    assert (
        run_bdhvs("records", "--course", str(graded_course.root), "--out", str(out)).returncode == 0
    )
    assert not (out / "learners" / "gone.json").exists()
    assert not list(out.glob(".records-*"))
