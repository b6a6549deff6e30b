"""Every module is complete: lesson, assignment, demo answers, instructor guide, honest tags."""

from collections import Counter

import nbformat
import pytest

from curriculum.modules import load_modules
from graders.course.sources import scan_assignment
from graders.demo.synthetic import demo_answers

from conftest import REPO

MODULES = load_modules()
IDS = [m.id for m in MODULES]


def test_every_assignment_and_lesson_belongs_to_a_module():
    assignments = {p.name for p in (REPO / "assignments").iterdir() if p.is_dir()}
    lessons = {p.stem for p in (REPO / "curriculum" / "modules").glob("*/*.ipynb")}
    assert assignments == {m.assignment for m in MODULES}
    assert lessons == {m.id for m in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_module_files_exist(module):
    assert (REPO / module.lesson).is_file()
    assert (REPO / "assignments" / module.assignment).is_dir()
    assert (REPO / "docs" / "instructor" / f"{module.id}.md").is_file()


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_module_claims_exactly_the_competences_its_assignment_assesses_twice(module):
    scan = scan_assignment(REPO / "assignments", module.assignment)
    assert not scan.problems
    auto = Counter(c for item in scan.items if not item.manual for c in item.competences)
    assert set(module.competences) == set(auto)
    thin = [c for c in module.competences if auto[c] < 2]
    assert not thin, f"assessed by fewer than two auto-graded items: {thin}"
    assert sum(not i.manual for i in scan.items) >= 6
    assert any(i.manual for i in scan.items)


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_demo_answers_cover_every_answer_cell(module):
    answers = demo_answers(module.assignment)
    source = REPO / "assignments" / module.assignment / answers["notebook"]
    nb = nbformat.read(source, as_version=4)
    code_answers, written = set(), set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            code_answers.add(meta["grade_id"])
        elif meta.get("solution") and meta.get("grade"):
            written.add(meta["grade_id"])
    assert set(answers["wrong"]) == code_answers
    assert set(answers["written"]) == written
    assert all(len(texts) >= 2 for texts in answers["written"].values())


def test_every_competence_is_assessed_twice_and_every_path_is_fully_assessable():
    from graders.course.coverage import coverage

    assignments = sorted(m.assignment for m in MODULES)
    report = coverage(REPO / "assignments", assignments)
    thin = [r["competence"] for r in report["competences"] if not r["well_covered"]]
    assert not thin, f"competences with fewer than two auto-graded items: {thin}"
    for path in report["paths"]:
        assert path["fully_assessable"], f"{path['path']}: {path['unassessable']}"


def test_learning_paths_list_only_existing_modules():
    from curriculum.framework import load_framework

    for path in load_framework().paths:
        assert path.modules
        assert set(path.modules) <= set(IDS), path.id
