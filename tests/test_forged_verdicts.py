"""Verdicts are decided where no learner code runs: attacks on them earn nothing and are flagged.

Each attack starts from a blank notebook (the release) and adds a few lines to an answer cell:
lines that would earn marks if a test's verdict were read from the learner's own process (its
shell's execution result, its output collector, its answer objects, its built-ins). The tests
run in the judge, a process that runs only the course's code; what it takes from the learner is
an answer file (data) and, for a code question, plain data returned by the learner's functions.
So every attack must score what the blank notebook scores, and be flagged.
"""

from __future__ import annotations

import nbformat
import pytest

from graders.grading.grade import grade
from graders.grading.score_table import score_table

from conftest import submit
from gradekit import TINY, autograded_cell, built_copy, tiny_course

pytestmark = pytest.mark.grading

REAL = "an_toan_so"

# Lines that, in the learner's process, make every test there look passed.
FORGE_EXECUTION_RESULT = (
    "from IPython.core.interactiveshell import ExecutionResult\n"
    "ExecutionResult.error_in_exec = property(lambda s: None, lambda s, v: None)\n"
    "ExecutionResult.error_before_exec = property(lambda s: None, lambda s, v: None)\n"
)
SILENCE_COLLECTOR = (
    "from graders.grading.sandbox import capture\n"
    "capture.COLLECTOR.error = lambda *a, **k: None\n"
    "capture.COLLECTOR.result = lambda count, data, meta: capture.OutputCollector.result(\n"
    "    capture.COLLECTOR, count, {'text/plain': '100.0'}, meta)\n"
)
# Looks in every container its process holds (namespaces, modules, history, code constants) for
# a hidden test's text. The text it looks for is written backwards, so that its own source,
# which is in the history too, does not hold it.
SCAN_FOR_TESTS = (
    "def scan():\n"
    "    import gc\n"
    "    wanted = [{backwards!r}[::-1], 'STSET NEDDIH'[::-1]]\n"
    "    for o in gc.get_objects():\n"
    "        if isinstance(o, dict):\n"
    "            texts = [x for kv in o.items() for x in kv if type(x) is str]\n"
    "        elif isinstance(o, (list, tuple, set, frozenset)):\n"
    "            texts = [x for x in o if type(x) is str]\n"
    "        elif type(o).__name__ == 'code':\n"
    "            texts = [x for x in o.co_consts if type(x) is str]\n"
    "        else:\n"
    "            continue\n"
    "        if any(w in t for t in texts for w in wanted if t is not w):\n"
    "            return 'FOUND'\n"
    "    return 'NOT FOUND'\n"
    "\n"
    "\n"
    "print(scan())\n"
)

TINY_ATTACKS = {
    # learner -> (answer cells, words in a flag)
    "always_equal": (
        {
            "cau_3_dap_an": "class Same:\n    def __eq__(self, other):\n        return True\n\n\n"
            "def lap(n):\n    return Same()"
        },
        "not plain data (lap(): Same)",
    ),
    "int_that_equals_anything": (
        {
            "cau_1_dap_an": "class Five(int):\n    def __eq__(self, other):\n"
            "        return True\n\n\n"
            "tong = Five(0)"
        },
        "not plain data (tong: Five)",
    ),
    "str_that_equals_anything": (
        {
            "cau_4_dap_an": "class Text(str):\n    def __eq__(self, other):\n"
            "        return True\n\n\n"
            "def chao(ten):\n    return Text('')"
        },
        "not plain data (chao(): Text)",
    ),
    "forges_execution_result": (
        {"cau_1_dap_an": FORGE_EXECUTION_RESULT + "tong = 0"},
        "tamper with grading",
    ),
    "silences_the_output_collector": (
        {"cau_1_dap_an": SILENCE_COLLECTOR + "tong = 0"},
        "tamper with grading",
    ),
}


def blank_tiny_with(course, answers: dict[str, str]) -> str:
    """The release of ``tiny`` with ``answers`` in its answer cells, the others left blank."""
    nb = nbformat.read(course.release_dir / TINY / f"{TINY}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nbformat.writes(nb)


def blank_real_with(course, attack: str, grade_id: str = "cau_1_dap_an") -> str:
    """The release of the real assignment with ``attack`` after a question's widget."""
    nb = nbformat.read(course.release_dir / REAL / f"{REAL}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source += "\n" + attack
    return nbformat.writes(nb)


REAL_ATTACKS = {
    "patches_the_question_class": (
        "type(cau_1).value = property(lambda self: 'B')\n"
        "for name, obj in list(globals().items()):\n"
        "    if hasattr(type(obj), 'value') and not name.startswith('_'):\n"
        "        type(obj).value = property(lambda self: 'B')",
        "tamper with grading",
    ),
    "forges_execution_result": (FORGE_EXECUTION_RESULT, "tamper with grading"),
    "patches_the_scoring_functions": (
        "import curriculum.toolkit.scoring as scoring\n"
        "for name in dir(scoring):\n"
        "    if name.endswith('_credit'):\n"
        "        setattr(scoring, name, lambda *a, **k: 100.0)\n"
        "        globals()[name] = getattr(scoring, name)",
        "tamper with grading",
    ),
}


@pytest.fixture(scope="module")
def tiny_cohort(tmp_path_factory):
    base = tmp_path_factory.mktemp("forged-tiny")
    course = tiny_course(base / "course", base / "sources", "\nc.Execute.timeout = 5\n")
    submit(course, "blank", TINY, {f"{TINY}.ipynb": blank_tiny_with(course, {})})
    for learner, (answers, _) in TINY_ATTACKS.items():
        submit(course, learner, TINY, {f"{TINY}.ipynb": blank_tiny_with(course, answers)})
    scan = {"cau_4_dap_an": SCAN_FOR_TESTS.format(backwards="dung(tong, 5)"[::-1])}
    submit(course, "scans_for_tests", TINY, {f"{TINY}.ipynb": blank_tiny_with(course, scan)})
    outcomes = {o.learner: o for o in grade(course, TINY, progress=False)}
    return course, outcomes


@pytest.fixture(scope="module")
def real_cohort(tmp_path_factory):
    course = built_copy(tmp_path_factory.mktemp("forged-real") / "course", [REAL])
    submit(course, "blank", REAL, {f"{REAL}.ipynb": blank_real_with(course, "")})
    for learner, (attack, _) in REAL_ATTACKS.items():
        submit(course, learner, REAL, {f"{REAL}.ipynb": blank_real_with(course, attack)})
    scan = SCAN_FOR_TESTS.format(backwards='cau_1.value == "B"'[::-1])
    scanning = blank_real_with(course, scan, "cau_12_dap_an")  # after eleven tests have run
    submit(course, "scans_for_tests", REAL, {f"{REAL}.ipynb": scanning})
    outcomes = {o.learner: o for o in grade(course, REAL, progress=False)}
    return course, outcomes


ATTACKS = [("tiny", learner) for learner in sorted(TINY_ATTACKS)] + [
    ("real", learner) for learner in sorted(REAL_ATTACKS)
]


@pytest.mark.parametrize(("which", "learner"), ATTACKS)
def test_an_attack_earns_what_a_blank_notebook_earns_and_is_flagged(which, learner, request):
    """On code questions (tiny) and on questions answered by tapping (the real assignment)."""
    course, outcomes = request.getfixturevalue(f"{which}_cohort")
    assignment, attacks = (TINY, TINY_ATTACKS) if which == "tiny" else (REAL, REAL_ATTACKS)
    table = score_table(course, assignment)
    assert outcomes[learner].status == "graded", outcomes[learner].message
    assert table[learner]["score"] == table["blank"]["score"] == 0
    words = attacks[learner][1]
    assert any(words in flag for flag in outcomes[learner].flags), outcomes[learner].flags


@pytest.mark.parametrize("which", ["tiny", "real"])
def test_learner_code_finds_no_hidden_test_anywhere_in_its_process_and_is_flagged(which, request):
    course, outcomes = request.getfixturevalue(f"{which}_cohort")
    assignment, grade_id = (TINY, "cau_4_dap_an") if which == "tiny" else (REAL, "cau_12_dap_an")
    cell = autograded_cell(course, "scans_for_tests", assignment, grade_id)
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    assert printed.strip() == "NOT FOUND"
    flags = outcomes["scans_for_tests"].flags
    assert any("get_objects" in flag for flag in flags), flags  # the attempt is still reported
