"""Courses and submissions for the grading engine's tests, and nbgrader's scores to compare with.

``tiny`` is a small assignment of our own, written into a temporary source folder, with what
the real assignment lacks: a test that gives partial credit (its last expression is a number),
a test that calls a learner's function (which may loop forever or write to stderr), and a
helper defined by a locked cell.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from graders.common.digests import hash_tree
from graders.course.build import build
from graders.course.directory import REPOSITORY_ASSIGNMENTS, Course, init_course

from conftest import BDHVS, submit

NBGRADER = Path(sys.executable).parent / "nbgrader"
TINY = "tiny"

TINY_CELLS = [
    ("markdown", "gioi_thieu", "# Bài kiểm tra nhỏ", {"locked": True}),
    (
        "code",
        "cong_cu",
        "import math\n\n\ndef dung(gia_tri, mong_doi):\n    return gia_tri == mong_doi",
        {"locked": True},
    ),
    (
        "code",
        "cau_1_dap_an",
        "### BEGIN SOLUTION\ntong = 2 + 3\n### END SOLUTION",
        {"solution": True},
    ),
    (
        "code",
        "cau_1_kiem_tra",
        "assert isinstance(tong, int)\n### BEGIN HIDDEN TESTS\nassert dung(tong, 5)\n"
        "### END HIDDEN TESTS",
        {"grade": True, "locked": True, "points": 2},
    ),
    (
        "code",
        "cau_2_dap_an",
        'def diem(x):\n    """Trả về x."""\n'
        "    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
        {"solution": True},
    ),
    (
        "code",
        "cau_2_kiem_tra",
        "sum(1 for v in [1, 2, 3] if diem(v) == v)",
        {"grade": True, "locked": True, "points": 3},
    ),
    (
        "code",
        "cau_3_dap_an",
        'def lap(n):\n    """Trả về n."""\n'
        "    ### BEGIN SOLUTION\n    return n\n    ### END SOLUTION",
        {"solution": True},
    ),
    ("code", "cau_3_kiem_tra", "assert lap(4) == 4", {"grade": True, "locked": True, "points": 1}),
    (
        "code",
        "cau_4_dap_an",
        'def chao(ten):\n    """Lời chào."""\n'
        '    ### BEGIN SOLUTION\n    return "Xin chào " + ten\n    ### END SOLUTION',
        {"solution": True},
    ),
    (
        "code",
        "cau_4_kiem_tra",
        'assert chao("An") == "Xin chào An"\nprint("Đúng.")',
        {"grade": True, "locked": True, "points": 1},
    ),
]

# Answer cells of learners, by grade id; anything not given is the model answer.
TINY_VARIANTS: dict[str, dict[str, str]] = {
    "perfect": {},
    "partial_credit": {"cau_2_dap_an": "def diem(x):\n    return 1"},
    "stderr_in_test": {
        "cau_4_dap_an": "import sys\n\n\ndef chao(ten):\n"
        '    print("đang chào", file=sys.stderr)\n    return "Xin chào " + ten'
    },
    "error_cell": {"cau_1_dap_an": 'raise ValueError("chưa làm")'},
    "loops_forever": {"cau_3_dap_an": "def lap(n):\n    while True:\n        pass"},
}


def tiny_source(folder: Path) -> Path:
    """Write the ``tiny`` assignment's source notebook into ``folder/tiny``."""
    cells = []
    for kind, grade_id, source, flags in TINY_CELLS:
        cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(
            source
        )
        meta = {"grade": False, "solution": False, "locked": False, "task": False}
        meta.update(flags, grade_id=grade_id, schema_version=3)
        cell.metadata["nbgrader"] = meta
        cell.id = grade_id  # not a random id: every run writes the same source
        if meta["grade"]:
            cell.metadata["bdhvs"] = {"competences": ["4.1"], "step": 2}
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    target = folder / TINY
    target.mkdir(parents=True)
    nbformat.write(nb, target / f"{TINY}.ipynb")
    return folder


def tiny_course(root: Path, sources: Path, extra_config: str = "") -> Course:
    """A course at ``root`` with ``tiny``, built, its sources written into ``sources``."""
    return built_copy(root, [TINY], tiny_source(sources), extra_config)


_TEMPLATES: dict[tuple, Course] = {}


def built_copy(
    root: Path, assignments: list[str], sources: Path | None = None, extra_config: str = ""
) -> Course:
    """What ``init_course(root, sources)`` then ``build`` of ``assignments`` make, with
    ``extra_config`` added to the course's configuration.

    The first course of a run with the same folder name, assignments and sources (by content)
    is built in a template; each course after it is a copy of the template, gradebook included,
    with its ``source`` link pointing at its own ``sources``: copying takes milliseconds where
    building takes seconds. A configuration that names another gradebook (``db_url``) is
    built where it is, since the build writes to that gradebook.
    """
    root = Path(root)
    if "db_url" in extra_config:
        return _init_and_build(root, sources, assignments, extra_config)
    chosen = Path(sources).resolve() if sources else REPOSITORY_ASSIGNMENTS
    key = (root.name, tuple(assignments), _fingerprint(chosen, assignments))
    if key not in _TEMPLATES:
        base = Path(tempfile.mkdtemp(prefix="bdhvs-built-"))
        atexit.register(shutil.rmtree, base, True)
        _TEMPLATES[key] = _init_and_build(base / root.name, chosen, assignments)
    shutil.copytree(_TEMPLATES[key].root, root, symlinks=True, dirs_exist_ok=True)
    (root / "source").unlink()
    os.symlink(chosen, root / "source", target_is_directory=True)
    _add_config(root, extra_config)
    return Course.open(root)


def _init_and_build(
    root: Path, sources: Path | None, assignments: list[str], extra_config: str = ""
) -> Course:
    course = init_course(root, sources)
    _add_config(course.root, extra_config)
    build(course, assignments)
    return course


def _add_config(root: Path, extra_config: str) -> None:
    if extra_config:
        config = root / "nbgrader_config.py"
        config.write_text(config.read_text(encoding="utf-8") + extra_config, encoding="utf-8")


def _fingerprint(sources: Path, assignments: list[str]) -> str:
    digest = hashlib.sha256()
    for assignment in assignments:
        hash_tree(digest, sources / assignment)
    return digest.hexdigest()


def tiny_submission(answers: dict[str, str], course: Course) -> str:
    """The release of ``tiny`` with model answers, except the cells given in ``answers``."""
    release = nbformat.read(course.release_dir / TINY / f"{TINY}.ipynb", as_version=4)
    source = nbformat.read(course.source_dir / TINY / f"{TINY}.ipynb", as_version=4)
    model = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells}
    for cell in release.cells:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if cell.metadata["nbgrader"]["solution"]:
            solution = "\n".join(
                line for line in model[grade_id].splitlines() if "### " not in line
            )
            cell.source = answers.get(grade_id, solution)
    return nbformat.writes(release)


def submit_tiny(course: Course, learner: str, answers: dict[str, str]) -> Path:
    return submit(course, learner, TINY, {f"{TINY}.ipynb": tiny_submission(answers, course)})


def copy_course(course: Course, target: Path) -> Course:
    """A copy of the whole course (gradebook included) that shares its sources."""
    shutil.copytree(course.root, target, symlinks=True)
    return Course.open(target)


def nbgrader_autograde(course: Course, assignment: str) -> subprocess.CompletedProcess[str]:
    """Stock ``nbgrader autograde``, run in the course as an instructor would."""
    done = subprocess.run(
        [str(NBGRADER), "autograde", assignment, "--log-level=ERROR"],
        cwd=course.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def autograded_cell(course: Course, learner: str, assignment: str, grade_id: str):
    path = course.autograded_dir / learner / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return cell


def report_outcomes(course: Course, assignment: str) -> dict[str, dict]:
    path = course.reports_dir / f"grade-{assignment}.json"
    return {o["learner"]: o for o in json.loads(path.read_text(encoding="utf-8"))["outcomes"]}


def done_records(course: Course) -> int:
    """How many learners of ``TINY`` the resume ledger has as done."""
    return len(list((course.root / ".bdhvs" / "grade" / TINY / "done").glob("*.json")))


def grading_started(course: Course) -> bool:
    """Whether a learner of ``TINY`` is being graded (nbgrader works on a staged copy of it)."""
    staging = course.root / ".bdhvs" / "grade" / TINY / "staging"
    return staging.is_dir() and any(staging.iterdir())


def kill_grading_when(course: Course, more: int) -> None:
    """Run ``bdhvs grade`` on ``TINY`` and SIGKILL it once ``more`` learners are done and another
    one is being graded (0: while the first one is)."""
    target = done_records(course) + more
    process = subprocess.Popen(
        [str(BDHVS), "grade", TINY, "--course", str(course.root), "--quiet", "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and (done_records(course) < target or not grading_started(course)):
        assert time.monotonic() < deadline, "grading made no progress"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"


PROBE = """import json, os, socket
found = {{"uid": os.getuid(), "files": sorted(os.listdir(".")),
          "mode": oct(os.stat(".").st_mode & 0o777)}}
for path in {paths!r}:
    try:
        with open(path, "rb") as handle:
            handle.read(10)
        found[path] = "read"
    except OSError as error:
        found[path] = type(error).__name__
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    found["network"] = "connected"
except OSError as error:
    found["network"] = type(error).__name__
print(json.dumps(found))
tong = 2 + 3"""


def probe_answer(paths: list[str], port: int = 9) -> dict[str, str]:
    """Answers of a learner whose first answer cell reports, as JSON, its user, its folder, which
    of ``paths`` it could read and whether it reached 127.0.0.1:``port``; it still answers
    that question correctly."""
    return {"cau_1_dap_an": PROBE.format(paths=paths, port=port)}


def probe_result(course: Course, learner: str = "prober") -> dict:
    """What the probe of ``learner`` reported while it was graded."""
    cell = autograded_cell(course, learner, TINY, "cau_1_dap_an")
    (stdout,) = [o for o in cell.outputs if o.output_type == "stream"]
    return json.loads(stdout.text)


def hub_exchange(tmp_path: Path, release: Path, monkeypatch, cohort: str = "lop_1") -> Path:
    """A cohort's nbgrader exchange with one released assignment (the folder ``release``), and
    the environment a learner's server on the hub has for it (as the spawner and the learner's
    nbgrader_config.py set it). Returns the exchange's root."""
    exchange = tmp_path / "exchange"
    shutil.copytree(release, exchange / cohort / "outbound" / release.name)
    (exchange / cohort / "inbound").mkdir()
    config = tmp_path / "config"
    config.mkdir()
    (config / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {cohort!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config))
    monkeypatch.setenv("BDHVS_COHORT", cohort)
    monkeypatch.setenv("BDHVS_EXCHANGE", str(exchange))
    return exchange


def zygotes_of(course: Course) -> list[int]:
    """Grading processes still running for this course."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if str(course.root).encode() in environ and b"IPYTHONDIR" in environ:
            found.append(int(entry.name))
    return found
