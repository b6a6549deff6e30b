"""Each submission runs alone, sees nothing of the course, and earns only what it answers.

One cohort of the ``tiny`` assignment holds an honest learner, a learner who tries to read the
course and reach the network, and one learner per cheat. Each cheat must score what its honest
answers earn (usually less than full marks) and be flagged in the grading report. Tests that
rely on what only root can set up (a separate user, namespaces) are skipped without root.
"""

from __future__ import annotations

import os
import socket

import nbformat
import pytest

from graders.common import answer_paths
from graders.grading.grade import grade
from graders.grading.runners import forks as engine_fork
from graders.grading.score_table import score_table

from conftest import REPO, submit
from gradekit import (
    TINY,
    TINY_VARIANTS,
    probe_answer,
    probe_result,
    submit_tiny,
    tiny_course,
    tiny_submission,
)

pytestmark = pytest.mark.grading

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="isolation needs root")

# learner -> (answer cells, expected auto scores of cau_1..cau_4, words in a flag)
CHEATS = {
    "silences_tracebacks": (
        {
            "cau_3_dap_an": "def lap(n):\n    get_ipython()._showtraceback = lambda *a: None\n"
            "    get_ipython().showtraceback = lambda *a, **k: None\n    return n + 1"
        },
        [2, 3, 0, 1],
        "replaced parts of the IPython shell",
    ),
    "replaces_excepthook": (
        {"cau_1_dap_an": "import sys\nsys.excepthook = lambda *a: None\ntong = 4"},
        [0, 3, 1, 1],
        "excepthook",
    ),
    "patches_builtins": (
        {"cau_2_dap_an": "import builtins\nbuiltins.sum = lambda *a: 3\ndiem = str"},
        [2, 0, 1, 1],
        "patched built-ins (sum)",
    ),
    "shadows_a_builtin": (
        {"cau_2_dap_an": "def sum(*a):\n    return 3\ndef diem(x):\n    return 0"},
        [2, 0, 1, 1],
        "redefined built-in names",
    ),
    "redefines_test_helper": (
        {"cau_1_dap_an": "def dung(*a):\n    return True\ntong = 0"},
        [0, 3, 1, 1],
        "redefined names the tests use (dung)",
    ),
    "patches_test_helper": (
        {"cau_1_dap_an": "dung.__code__ = (lambda *a: True).__code__\ntong = 0"},
        [0, 3, 1, 1],
        "patched helpers the tests use (dung)",
    ),
    "removes_assertions": (
        {
            "cau_1_dap_an": "import ast\nclass T(ast.NodeTransformer):\n"
            "    def visit_Assert(self, node):\n        return ast.Pass()\n"
            "get_ipython().ast_transformers.append(T())\ntong = 0"
        },
        [0, 3, 1, 1],
        "added code transformers",
    ),
    "traces_the_test": (
        {
            "cau_3_dap_an": "def lap(n):\n    import sys\n    sys.settrace(lambda *a: None)\n"
            "    sys.settrace(None)\n    return n"
        },
        [2, 3, 0, 1],
        "sys.settrace",
    ),
    "hooks_imports": (
        {
            "cau_1_dap_an": "import sys\nclass Finder:\n    def find_spec(self, *a):\n"
            "        return None\nsys.meta_path.insert(0, Finder())\ntong = 4"
        },
        [0, 3, 1, 1],
        "changed the import system",
    ),
    "calls_sys_exit": (
        {"cau_1_dap_an": "import sys\nsys.exit(0)"},
        [0, 3, 1, 1],
        "called sys.exit",
    ),
    "calls_os_exit": (
        {"cau_2_dap_an": "import os\nos._exit(0)"},
        [2, 0, 0, 0],
        "ended the grading process",
    ),
    "ignores_interrupts": (
        {
            "cau_3_dap_an": "def lap(n):\n    import signal\n"
            "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n        pass"
        },
        [2, 3, 0, 0],
        "did not stop when interrupted",
    ),
    "fork_bomb": (
        {"cau_2_dap_an": "import os\nwhile True:\n    os.fork()"},
        [2, 0, 1, 1],
        "processes running",
    ),
    "memory_bomb": (
        {"cau_2_dap_an": "x = bytearray(64 * 1024**3)"},
        [2, 0, 1, 1],
        "ran out of memory",
    ),
    "huge_output": (
        {"cau_2_dap_an": "print('x' * 10**8)\ndef diem(x):\n    return x"},
        [2, 3, 1, 1],
        "output over the limit was cut",
    ),
    "forges_grader_messages": (
        {
            "cau_2_dap_an": "import os\nfor fd in range(3, 64):\n    try:\n"
            "        os.write(fd, b'\\x00\\x00\\x00\\x02{}')\n    except OSError:\n        pass\n"
            "def diem(x):\n    return x"
        },
        [2, 0, 0, 0],
        "interfered with the grader",
    ),
}


# importlib_metadata adds its own finder to sys.meta_path on import: an honest learner's doing.
HOOKED_IMPORT = "import importlib_metadata\ntong = 2 + 3"


def cell_id(cell):
    return cell.metadata["nbgrader"]["grade_id"]


def edited(course, change):
    """The model submission with ``change(cell)`` applied to each cell."""
    nb = nbformat.reads(tiny_submission({}, course), as_version=4)
    for cell in nb.cells:
        change(cell)
    return nbformat.writes(nb)


def edit_test_cell(cell):
    if cell_id(cell) == "cau_1_kiem_tra":
        cell.source = "pass"
    if cell_id(cell) == "cau_1_dap_an":
        cell.source = "tong = 0"


def forge_test_cell(cell):
    edit_test_cell(cell)
    if cell_id(cell) == "cau_1_kiem_tra":
        cell.metadata["nbgrader"].update(solution=True, locked=False, checksum="0" * 32)


def delete_test_cell(nb_text):
    nb = nbformat.reads(nb_text, as_version=4)
    nb.cells = [c for c in nb.cells if cell_id(c) != "cau_1_kiem_tra"]
    for cell in nb.cells:
        if cell_id(cell) == "cau_1_dap_an":
            cell.source = "tong = 0"
    return nbformat.writes(nb)


def first_file(entry):
    """A file under a path of the answer list, if any (an output folder may not exist yet)."""
    return next((p for p in (REPO / entry).rglob("*") if p.is_file()), None)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    base = tmp_path_factory.mktemp("isolation")
    course = tiny_course(base / "course", base / "sources", "\nc.Execute.timeout = 2\n")
    listener = socket.create_server(("127.0.0.1", 0))
    source = course.source_dir / TINY / f"{TINY}.ipynb"
    secrets = [
        str(source),
        str(source.resolve()),
        str(course.root / "gradebook.db"),
        str(course.submitted_dir / "honest" / TINY / f"{TINY}.ipynb"),
        *(  # a file under each path of the answer list: other courses' hidden tests and more
            str(path) for path in map(first_file, answer_paths.listed()) if path is not None
        ),
    ]
    submit_tiny(course, "honest", {})
    submit_tiny(course, "imports_a_library_with_an_import_hook", {"cau_1_dap_an": HOOKED_IMPORT})
    folder = submit_tiny(course, "prober", probe_answer(secrets, listener.getsockname()[1]))
    (folder / "ghi_chu.txt").write_text("ghi chú của học viên", encoding="utf-8")
    for learner, (answers, _, _) in CHEATS.items():
        submit_tiny(course, learner, answers)
    submit(course, "edits_a_test", TINY, {f"{TINY}.ipynb": edited(course, edit_test_cell)})
    submit(course, "forges_metadata", TINY, {f"{TINY}.ipynb": edited(course, forge_test_cell)})
    text = delete_test_cell(tiny_submission({}, course))
    submit(course, "deletes_a_test", TINY, {f"{TINY}.ipynb": text})
    folder = submit_tiny(course, "links_out", {})
    os.symlink(source.resolve(), folder / "dap_an.txt")
    linked = course.submitted_dir / "links_notebook" / TINY
    linked.mkdir(parents=True)
    os.symlink(source.resolve(), linked / f"{TINY}.ipynb")
    outcomes = {o.learner: o for o in grade(course, TINY, progress=False)}
    listener.close()
    return course, outcomes, secrets


def auto_scores(course, learner):
    row = score_table(course, TINY)[learner]
    return [row[f"{TINY}/cau_{n}_kiem_tra"] for n in range(1, 5)]


def test_the_honest_learner_earns_full_marks_with_no_flags(cohort):
    course, outcomes, _ = cohort
    assert auto_scores(course, "honest") == [2, 3, 1, 1]
    assert outcomes["honest"].flags == []


def test_importing_a_library_that_adds_an_import_hook_is_not_tampering(cohort):
    course, outcomes, _ = cohort
    learner = "imports_a_library_with_an_import_hook"
    assert auto_scores(course, learner) == [2, 3, 1, 1]
    assert outcomes[learner].flags == []


@pytest.mark.parametrize("learner", sorted(CHEATS))
def test_a_cheat_earns_only_what_its_answers_earn_and_is_flagged(cohort, learner):
    course, outcomes, _ = cohort
    _, expected, words = CHEATS[learner]
    assert outcomes[learner].status == "graded", outcomes[learner].message
    assert auto_scores(course, learner) == expected
    assert any(words in flag for flag in outcomes[learner].flags), outcomes[learner].flags


@pytest.mark.parametrize(
    ("learner", "words"),
    [
        ("edits_a_test", "edited locked cells restored for grading: cau_1_kiem_tra"),
        ("forges_metadata", "changed nbgrader metadata set back for grading: cau_1_kiem_tra"),
        ("deletes_a_test", "deleted graded cells restored for grading: cau_1_kiem_tra"),
    ],
)
def test_edited_forged_or_deleted_tests_are_restored_and_flagged(cohort, learner, words):
    course, outcomes, _ = cohort
    assert auto_scores(course, learner) == [0, 3, 1, 1]  # the restored test ran on "tong = 0"
    assert any(words in flag for flag in outcomes[learner].flags), outcomes[learner].flags


def test_symbolic_links_are_not_followed_and_are_flagged(cohort):
    course, outcomes, _ = cohort
    assert auto_scores(course, "links_out") == [2, 3, 1, 1]
    assert any("dap_an.txt" in flag for flag in outcomes["links_out"].flags)
    assert not (course.autograded_dir / "links_out" / TINY / "dap_an.txt").exists()
    assert outcomes["links_notebook"].status == "failed"
    assert "symbolic link" in outcomes["links_notebook"].message


@ROOT_ONLY
def test_code_cannot_read_the_course_the_gradebook_or_other_submissions(cohort):
    course, _, secrets = cohort
    found = probe_result(course)
    for path in secrets:
        assert found[path] in ("FileNotFoundError", "PermissionError"), (path, found[path])
    assert auto_scores(course, "prober") == [2, 3, 1, 1]


@ROOT_ONLY
def test_code_cannot_open_a_network_connection(cohort):
    course, _, _ = cohort
    assert probe_result(course)["network"] != "connected"


@ROOT_ONLY
def test_code_runs_unprivileged_in_a_private_copy_of_its_own_submission(cohort):
    course, _, _ = cohort
    found = probe_result(course)
    assert found["uid"] != 0
    assert found["mode"] == "0o700"
    assert found["files"] == ["ghi_chu.txt"]  # no notebook: the graded one holds hidden tests


def test_without_root_submissions_run_with_limits_and_the_instructor_is_told_once(
    tmp_path, monkeypatch
):
    course = tiny_course(tmp_path / "course", tmp_path / "sources", "\nc.Execute.timeout = 2\n")
    submit_tiny(course, "honest", {})
    submit_tiny(course, "memory_bomb", CHEATS["memory_bomb"][0])
    submit_tiny(course, "loops_forever", TINY_VARIANTS["loops_forever"])
    monkeypatch.setattr(engine_fork.os, "geteuid", lambda: 1000)
    said: list[str] = []
    grade(course, TINY, progress=False, say=said.append)
    assert sum("not running as root" in line for line in said) == 1
    assert auto_scores(course, "honest") == [2, 3, 1, 1]
    assert auto_scores(course, "memory_bomb") == [2, 0, 1, 1]
    assert auto_scores(course, "loops_forever") == [2, 3, 0, 1]
