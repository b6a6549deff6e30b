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


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_instructor_guide_shows_the_items_per_competence_step_and_kind_as_they_are(module):
    from graders.course.coverage import refresh_guide
    from graders.course.sources import graded_items

    guide = (REPO / "docs" / "instructor" / f"{module.assignment}.md").read_text(encoding="utf-8")
    current = refresh_guide(guide, graded_items(REPO / "assignments", [module.assignment]))
    assert guide == current, "run: bdhvs coverage --guides docs/instructor"


def test_no_learner_notebook_quotes_an_english_menu_path():
    import re

    english_menu = re.compile(r"Restart Kernel|Run All Cells|Kernel\s*(→|->)")
    quoting = [
        str(path.relative_to(REPO))
        for folder in ("curriculum", "assignments")
        for path in sorted((REPO / folder).rglob("*.ipynb"))
        if english_menu.search(path.read_text(encoding="utf-8"))
    ]
    assert not quoting, quoting


def test_a_module_states_its_duration_only_in_its_description():
    import re

    stated = re.compile(r"\b\d{2,3}\s*(?:–|-|đến)?\s*\d{0,3}\s*phút")
    for module in MODULES:
        for path in (REPO / module.lesson, REPO / "assignments" / module.assignment):
            files = [path] if path.suffix == ".ipynb" else sorted(path.glob("*.ipynb"))
            for notebook in files:
                for cell in nbformat.read(notebook, as_version=4).cells:
                    if cell.cell_type == "markdown" and "Thời lượng" in cell.source:
                        found = stated.findall(cell.source)
                        assert all(str(module.minutes) in f for f in found), (
                            f"{notebook.name} states a duration other than {module.minutes} min"
                        )


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_every_app_task_solution_first_clears_what_was_saved(module):
    """A solution adds taps to those saved: clearing first lets the source run again in place."""
    import re

    for notebook in sorted((REPO / "assignments" / module.assignment).glob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            solution = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
            acting = solution and re.search(r"^(\w+)\.act\(", solution.group(1), re.M)
            if acting:
                first = solution.group(1).lstrip().splitlines()[0]
                assert first.startswith(f"{acting.group(1)}.set_answer(None)"), first


def test_a_learners_kernel_imports_the_curriculum_without_the_iri_grammar():
    """jsonschema builds rfc3987-syntax's grammar at import when it can (a second of CPU in
    every kernel and Voilà page); no schema here checks IRIs, so the curriculum leaves it out."""
    import subprocess
    import sys

    probe = (
        "import sys, curriculum.toolkit.questions, jsonschema\n"
        "from curriculum.modules import load_modules\n"
        "load_modules()\n"
        "print(sys.modules.get('rfc3987_syntax') is None)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_a_lessons_kernel_names_the_learners_addresses_without_importing_jupyter_server():
    """The start page and the lessons' last cell link to addresses the learner's server answers;
    naming them must not load the server into every kernel."""
    import subprocess
    import sys

    probe = "import sys, curriculum.toolkit.start_page\nprint('jupyter_server' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
