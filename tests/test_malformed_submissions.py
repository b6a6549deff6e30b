"""Every malformed submission is that learner's error, never the cohort's.

One cohort of ``tiny`` holds, each for a different learner, a notebook that is not JSON, one
with impossible nbformat fields, one nested 100,000 deep, notebooks and answer files of
hundreds of megabytes (sparse), special files beside the notebook (a named pipe, a socket, a
device), hard links, a sparse file of a terabyte, names that are not printable UTF-8, a
notebook whose many cells each run just under the cell timeout, and an honest learner. One
``bdhvs grade`` and one ``bdhvs integrity`` must report each bad learner alone, never block,
never read past the caps of docs/grading.md, and still grade the honest learner in full.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from curriculum.toolkit.answers import ANSWERS_LIMIT, AnswerSheet
from graders.common.learner_files import ENTRIES_LIMIT, FOLDER_DEPTH
from graders.grading.sandbox.pool import notebook_limit

from conftest import submit
from gradekit import TINY, report_outcomes, submit_tiny, tiny_course, tiny_submission

CELL_TIMEOUT = 1
GRACE = 1
CONFIG = f"\nc.Execute.timeout = {CELL_TIMEOUT}\nc.Execute.iopub_timeout = {GRACE}\n"
NOTEBOOK = f"{TINY}.ipynb"
HUGE = 300 << 20  # bytes of a sparse notebook or answer file: no disk, no time to make
SLOW_CELLS = 30  # cells that each sleep just under the cell timeout, after the second test
RUN_SECONDS = 120  # a run that blocks on a pipe or reads a terabyte ends here, and fails
PEAK_MIB = 300  # the grading process stays under this: no file of HUGE bytes was read into it
READ_MIB = 250  # and reads less than this in all, its own code included

# Learners refused before anything of theirs is graded, and words of the reason reported.
REFUSED = {
    "bad_json": "not valid JSON",
    "nbformat_99": "nbformat 4 expected, found 99",
    "minor_negative": "nbformat_minor 0 to 99 expected, found -1",
    "minor_huge": "nbformat_minor 0 to 99 expected",
    "cells_not_list": "not a valid notebook: its cells are not a list",
    "unknown_cell_type": "cell 1 has cell_type 'hologram', not code, markdown or raw",
    "source_number": "not a valid notebook: the source of cell 1 is not text",
    "metadata_list": "not a valid notebook: its metadata is not a JSON object",
    "cell_metadata_list": "not a valid notebook: the metadata of cell 2 is not a JSON object",
    "outputs_not_list": "not a valid notebook: ",
    "lone_surrogate": "tiny.ipynb holds text that cannot be UTF-8",
    "nested_100000": "more than 100,000 JSON arrays and objects",
    "nested_5000": "nested more than 100 levels deep",
    "nested_200": "nested more than 100 levels deep",
    "many_containers": "more than 100,000 JSON arrays and objects",
    "huge_notebook": "tiny.ipynb is 300 MiB, over the cap of 16 MiB",
    "huge_answers": "tiny.answers.json is 300 MiB, over the cap of 4 MiB",
    "huge_timestamp": "timestamp.txt is 300 MiB, over the cap of 4 KiB",
    "named_pipe": "ong_dan is a named pipe",
    "socket": "o_cam is a socket",
    "device": "thiet_bi is a character device",
    "hard_link_to_course": "loi_giai.txt is a hard link",
    "hard_linked_notebook": "tiny.ipynb is a hard link",
    "sparse_terabyte": "du_lieu.bin is 1024 GiB, over the cap of 64 MiB",
    "name_not_utf8": "a file name is not printable UTF-8 text: \ufffd\ufffd.txt",
    "name_with_line_break": "a file name is not printable UTF-8 text: \ufffd  FAILED  honest",
    "deep_folders": f"folders nested more than {FOLDER_DEPTH} deep",
    "many_files": f"more than {ENTRIES_LIMIT} files and folders",
}


def _notebook_with(course, change) -> str:
    document = json.loads(tiny_submission({}, course))
    change(document)
    return json.dumps(document)


def _cell(field: str, value):
    def change(document):
        document["cells"][0][field] = value

    return change


def _set(field: str, value):
    return lambda document: document.update({field: value})


def _model_answers(course, learner: str) -> Path:
    """``learner``'s folder, holding the notebook with the model answers."""
    return submit_tiny(course, learner, {})


def _sparse(path: Path, size: int, start: bytes = b"") -> None:
    """A file of ``size`` bytes that takes no room on disk: ``start``, then a hole."""
    path.write_bytes(start)
    os.truncate(path, size)


def _slow_notebook(course) -> str:
    """Model answers, then after the second test many cells that each sleep just under the
    cell timeout: the notebook reaches its time limit before the third and fourth tests."""
    document = json.loads(tiny_submission({}, course))
    cells = document["cells"]
    second_test = next(
        i for i, c in enumerate(cells) if c["metadata"]["nbgrader"]["grade_id"] == "cau_2_kiem_tra"
    )
    sleeper = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": f"import time\ntime.sleep({CELL_TIMEOUT * 0.7})",
    }
    for number in range(SLOW_CELLS):
        cells.insert(second_test + 1, {**sleeper, "id": f"ngu-{number}"})
    return json.dumps(document)


def _build_cohort(course, outside: Path) -> None:
    submitted = course.submitted_dir
    _model_answers(course, "honest")
    bad_nbformat = {
        "nbformat_99": _set("nbformat", 99),
        "minor_negative": _set("nbformat_minor", -1),
        "minor_huge": _set("nbformat_minor", 10**30),
        "cells_not_list": _set("cells", {"a": 1}),
        "unknown_cell_type": _cell("cell_type", "hologram"),
        "source_number": _cell("source", 42),
        "metadata_list": _set("metadata", []),
        "cell_metadata_list": lambda d: d["cells"][1].update(metadata=[]),
        "outputs_not_list": lambda d: d["cells"][1].update(outputs="không"),
        "many_containers": lambda d: d["metadata"].update(rac=[{}] * 200_000),
    }
    for learner, change in bad_nbformat.items():
        submit(course, learner, TINY, {NOTEBOOK: _notebook_with(course, change)})
    valid = tiny_submission({}, course)
    submit(course, "bad_json", TINY, {NOTEBOOK: valid[: len(valid) // 2]})
    for depth in (100_000, 5000, 200):
        nested = '"metadata": {"sau": ' + "[" * depth + "]" * depth + ","
        submit(
            course, f"nested_{depth}", TINY, {NOTEBOOK: valid.replace('"metadata": {', nested, 1)}
        )
    os.truncate(_model_answers(course, "huge_notebook") / NOTEBOOK, HUGE)
    for learner, name in (
        ("huge_answers", f"{TINY}.answers.json"),
        ("huge_timestamp", "timestamp.txt"),
        ("sparse_terabyte", "du_lieu.bin"),
    ):
        size = 1 << 40 if learner == "sparse_terabyte" else HUGE
        _sparse(_model_answers(course, learner) / name, size)
    os.mkfifo(_model_answers(course, "named_pipe") / "ong_dan")
    os.mknod(_model_answers(course, "socket") / "o_cam", stat.S_IFSOCK | 0o600)
    if os.geteuid() == 0:  # /dev/zero: reading it never ends
        device = _model_answers(course, "device") / "thiet_bi"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    course_file = course.source_dir / TINY / NOTEBOOK  # holds the hidden tests and solutions
    os.link(course_file.resolve(), _model_answers(course, "hard_link_to_course") / "loi_giai.txt")
    copy = outside / "ban_sao.ipynb"
    copy.write_text(valid, encoding="utf-8")
    linked = submitted / "hard_linked_notebook" / TINY
    linked.mkdir(parents=True)
    os.link(copy, linked / NOTEBOOK)
    os.symlink("/etc/passwd", _model_answers(course, "symbolic_link") / "mat_khau")
    bad_name = _model_answers(course, "name_not_utf8")
    (Path(os.fsdecode(bytes(bad_name) + b"/\xff\xfe.txt"))).write_text("x", encoding="utf-8")
    (_model_answers(course, "name_with_line_break") / "\n  FAILED  honest").touch()
    nested = _model_answers(course, "deep_folders")
    for _ in range(FOLDER_DEPTH + 1):
        nested = nested / "a"
    nested.mkdir(parents=True)
    many = _model_answers(course, "many_files")
    for number in range(ENTRIES_LIMIT):
        (many / f"f{number}").touch()
    submit(course, "slow", TINY, {NOTEBOOK: _slow_notebook(course)})
    surrogate = valid.replace("tong = 2 + 3", "tong = 2 + 3  # \\ud800", 1)
    assert surrogate != valid
    submit(course, "lone_surrogate", TINY, {NOTEBOOK: surrogate})
    odd = _notebook_with(course, lambda d: d["cells"][2]["metadata"].update(nbgrader=[]))
    submit(course, "odd_metadata", TINY, {NOTEBOOK: odd})


# The peak is VmHWM, this process's own: ru_maxrss would count the memory of the process that
# started it (a test runner's worker) before it became this one.
MEASURED = """import atexit, sys
from graders.cli import run

def report():
    with open("/proc/self/io") as io:
        read = dict(line.split(": ") for line in io.read().splitlines())["rchar"]
    with open("/proc/self/status") as status:
        peak = int(dict(line.split(":", 1) for line in status)["VmHWM"].split()[0])
    print(f"MEASURED {peak >> 10} {int(read) >> 20}", file=sys.stderr)

atexit.register(report)
sys.argv = ["bdhvs", *sys.argv[1:]]
run()
"""


def run_measured(*args: str) -> tuple[subprocess.CompletedProcess[str], int, int]:
    """``bdhvs ARGS`` as the instructor runs it, with the peak memory (MiB) of its own process
    and how much it read (MiB); fails when it takes more than :data:`RUN_SECONDS`."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, *args],
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )
    measured = [line for line in done.stderr.splitlines() if line.startswith("MEASURED ")]
    assert measured, done.stderr[-3000:]
    _, peak, read = measured[-1].split()
    return done, int(peak), int(read)


@pytest.fixture(scope="module")
def malformed(tmp_path_factory):
    base = tmp_path_factory.mktemp("malformed")
    course = tiny_course(base / "course", base / "sources", CONFIG)
    outside = base / "outside"
    outside.mkdir()
    _build_cohort(course, outside)
    graded = run_measured("grade", TINY, "--course", str(course.root), "--quiet")
    checked = run_measured("integrity", TINY, "--course", str(course.root))
    return course, graded, checked


def refused_here() -> dict[str, str]:
    return {k: v for k, v in REFUSED.items() if k != "device" or os.geteuid() == 0}


@pytest.mark.grading
def test_every_bad_learner_is_reported_alone_and_the_honest_one_gets_full_marks(malformed):
    course, (done, _, _), _ = malformed
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    outcomes = report_outcomes(course, TINY)
    assert outcomes["honest"]["status"] == "graded"
    assert outcomes["honest"]["score"] == outcomes["honest"]["max_score"] == 7
    for learner, words in refused_here().items():
        outcome = outcomes[learner]
        assert outcome["status"] == "failed", (learner, outcome)
        assert words in outcome["message"], (learner, outcome["message"])
        assert f"FAILED  {learner}: {outcome['message']}" in done.stdout


@pytest.mark.grading
def test_nothing_of_a_bad_learner_reaches_the_grader_and_nothing_is_read_past_a_cap(malformed):
    course, (_, peak, read), _ = malformed
    assert peak < PEAK_MIB, f"the grading process grew to {peak} MiB"
    assert read < READ_MIB, f"the grading process read {read} MiB"
    for learner in refused_here():
        assert not (course.autograded_dir / learner).exists(), learner
    staging = course.root / ".bdhvs" / "grade" / TINY / "staging"
    assert not staging.exists() or not any(staging.iterdir())


@pytest.mark.grading
def test_a_symbolic_link_is_flagged_never_followed_and_the_learner_graded(malformed):
    course, _, _ = malformed
    outcome = report_outcomes(course, TINY)["symbolic_link"]
    assert outcome["status"] == "graded"
    assert outcome["score"] == 7
    assert any("symbolic links not followed: mat_khau" in flag for flag in outcome["flags"])
    assert not (course.autograded_dir / "symbolic_link" / TINY / "mat_khau").exists()


@pytest.mark.grading
def test_forged_nbgrader_metadata_of_another_shape_is_set_back_and_graded(malformed):
    course, _, _ = malformed
    outcome = report_outcomes(course, TINY)["odd_metadata"]
    assert outcome["status"] == "graded", outcome
    assert outcome["score"] == 7


@pytest.mark.grading
def test_a_notebook_past_its_time_limit_is_stopped_and_its_unreached_tests_score_zero(malformed):
    course, _, _ = malformed
    outcome = report_outcomes(course, TINY)["slow"]
    limit = notebook_limit(CELL_TIMEOUT, GRACE)
    assert limit < SLOW_CELLS * CELL_TIMEOUT * 0.7  # it would run on past the limit
    assert outcome["status"] == "graded", outcome
    assert outcome["score"] == 2 + 3  # the first two tests ran; the last two were not reached
    flags = " ".join(outcome["flags"])
    assert f"time limit of {limit:g} s" in flags
    assert "the rest of the notebook was not run" in flags


@pytest.mark.grading
def test_integrity_reports_each_bad_learner_and_checks_the_rest(malformed):
    _, _, (done, peak, read) = malformed
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    problems = [line.strip() for line in done.stdout.splitlines() if "problem:" in line]
    for learner in refused_here():
        assert any(line.startswith(f"problem: {learner}: ") for line in problems), learner
    for learner in ("honest", "slow", "symbolic_link", "odd_metadata"):
        assert not any(line.startswith(f"problem: {learner}: ") for line in problems), learner
    assert peak < PEAK_MIB and read < READ_MIB, (peak, read)


class TookTooLong(Exception):
    pass


@contextlib.contextmanager
def no_longer_than(seconds: int):
    def stop(*_):
        raise TookTooLong

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_an_answer_file_that_is_a_named_pipe_is_a_problem_not_a_wait(tmp_path):
    os.mkfifo(tmp_path / "bai.answers.json")
    with no_longer_than(5):
        found = AnswerSheet("bai", tmp_path).get("cau_1")
    assert found.value is None and "bai.answers.json" in found.problem


def test_an_answer_file_over_its_cap_is_a_problem_and_is_not_read(tmp_path):
    _sparse(tmp_path / "bai.answers.json", ANSWERS_LIMIT + 1, b'{"format": ')
    found = AnswerSheet("bai", tmp_path).get("cau_1")
    assert found.value is None and f"{ANSWERS_LIMIT >> 20} MiB" in found.problem


def test_an_answer_file_that_is_a_symbolic_link_is_a_problem_as_it_is_in_grading(tmp_path):
    (tmp_path / "elsewhere.json").write_text('{"format": "bdhvs-answers/1"}', encoding="utf-8")
    (tmp_path / "bai.answers.json").symlink_to(tmp_path / "elsewhere.json")
    found = AnswerSheet("bai", tmp_path).get("cau_1")
    assert found.value is None and "không phải là một tệp thông thường" in found.problem
