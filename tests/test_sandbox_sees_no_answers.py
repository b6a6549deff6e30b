"""The sandbox sees only the submission and what grading needs.

A learner's code, graded with ``bdhvs grade`` as root from this checkout (an editable install),
walks the whole filesystem it can see: no line of the course's hidden tests, no file of the
course, no gradebook and no answer-bearing path of the checkout shows, and of the checkout only
the project's packages and the interpreter show. Every folder the sandbox user may write is
private and empty in the runner, so what a learner leaves there reaches neither the host nor
the next learner.

Smaller checks fork a child with a mount namespace of its own (the machine's mounts are
untouched) and set up the sandbox's view as the grading engine does: how the writable folders
are found, the one size cap they share, the read-only rest of the filesystem, a hidden file, and
the view from an installed package (a copy of the packages in a site-packages folder). They
need root, except the one about the course's exchange.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from graders.common import answer_paths
from graders.course.directory import Course
from graders.grading.runners.forks import hidden_paths
from graders.grading.sandbox.isolation import (
    private_places,
    sandbox_user,
    writable_dirs,
)

from conftest import REPO, run_bdhvs
from gradekit import TINY, autograded_cell, built_copy, submit_tiny, tiny_source
from sandboxkit import in_sandbox

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox's view needs root")
pytestmark = pytest.mark.xdist_group("machine")  # makes and removes world-writable folders
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
MARK_PREFIX = "bdhvs-dau-vet-"

# The learner's first answer: it walks everything it can see from /, without following links
# and leaving out /proc and /sys, and reports what it found as JSON. With READ, it looks at
# every file and reads (up to 16 MiB) each one changed after the course was made: every copy of
# the course's hidden tests is such a file, since they carry a token made for this run. It
# writes a file of its own into every folder it may write, and reports any such file another
# learner left.
WALK = """import json, os, stat
NEEDLES = [line.encode() for line in {needles!r}]
FORBIDDEN = tuple(folder + "/" for folder in {forbidden!r})
SINCE = {since!r}
MARK = {mark!r}
READ = {read!r}
found = {{"files": 0, "read": 0, "leaks": [], "forbidden": [],
          "writable": [], "written": [], "foreign": [],
          "package": os.path.isfile({package!r})}}
try:
    found["checkout"] = sorted(os.listdir({checkout!r}))
except OSError as error:
    found["checkout"] = type(error).__name__
folders = ["/"]
while folders:
    try:
        entries = list(os.scandir(folders.pop()))
    except OSError:
        continue
    for entry in entries:
        path = entry.path
        if path.startswith(FORBIDDEN):
            found["forbidden"].append(path)
        if entry.name.startswith({prefix!r}) and entry.name != MARK:
            found["foreign"].append(path)
        try:
            folder = entry.is_dir(follow_symlinks=False)
            info = entry.stat(follow_symlinks=False) if READ and not folder else None
        except OSError:
            continue
        if folder and path not in ("/proc", "/sys"):
            if os.access(path, os.W_OK | os.X_OK):
                found["writable"].append(path)
            folders.append(path)
        elif info and stat.S_ISREG(info.st_mode) and not path.startswith("/dev/"):
            found["files"] += 1
            if info.st_ctime < SINCE:
                continue
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(16 << 20)
            found["read"] += 1
            found["leaks"] += [[path, n] for n, needle in enumerate(NEEDLES) if needle in data]
for folder in found["writable"]:
    try:
        with open(os.path.join(folder, MARK), "w") as handle:
            handle.write("dấu vết")
        found["written"].append(os.path.join(folder, MARK))
    except OSError:
        pass
print(json.dumps(found))
tong = 2 + 3"""


def hidden_lines(notebook: Path) -> list[str]:
    """Every line between nbgrader's hidden-test markers in a source notebook."""
    lines = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            if line.strip() in HIDDEN:
                inside = line.strip() == HIDDEN[0]
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def with_token(sources: Path, token: str) -> Path:
    """``tiny``'s sources with one more hidden-test line, which carries ``token``."""
    path = sources / TINY / f"{TINY}.ipynb"
    nb = nbformat.read(path, as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "cau_1_kiem_tra"]
    cell.source = cell.source.replace(HIDDEN[1], f'assert tong != "{token}"\n{HIDDEN[1]}')
    nbformat.write(nb, path)
    return sources


@pytest.fixture(scope="module")
def explored(tmp_path_factory):
    """Two learners who walk the filesystem, graded one after the other by ``bdhvs grade``: the
    reader reads files, and brings a file of its own that holds a control line."""
    since = time.time() - 1
    base = tmp_path_factory.mktemp("explored")
    sources = with_token(tiny_source(base / "sources"), uuid.uuid4().hex)
    course = built_copy(base / "course", [TINY], sources, "\nc.Execute.timeout = 120\n")
    hidden = hidden_lines(course.source_dir / TINY / f"{TINY}.ipynb")
    control = f"dòng kiểm tra {uuid.uuid4().hex}"
    forbidden = [
        str(course.root),  # its gradebook too
        str(course.source_dir.resolve()),
        *(str(REPO / entry) for entry in answer_paths.listed()),
    ]
    learners = {"doc_tep": True, "chi_xem": False}
    for learner, read in learners.items():
        walk = WALK.format(
            needles=[*hidden, control],
            forbidden=forbidden,
            since=since,
            mark=MARK_PREFIX + learner,
            read=read,
            prefix=MARK_PREFIX,
            package=str(REPO / "graders" / "common" / "answer_paths.py"),
            checkout=str(REPO),
        )
        folder = submit_tiny(course, learner, {"cau_1_dap_an": walk})
        (folder / "ghi_chu.txt").write_text(control, encoding="utf-8")
    done = run_bdhvs("grade", TINY, "--course", str(course.root), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr[-3000:]
    found = {}
    for learner in learners:
        cell = autograded_cell(course, learner, TINY, "cau_1_dap_an")
        (stdout,) = [o for o in cell.outputs if o.output_type == "stream"]
        found[learner] = json.loads(stdout.text)
    return hidden, found


@ROOT_ONLY
@pytest.mark.grading
def test_a_learner_walking_the_whole_filesystem_finds_no_hidden_test_and_no_file_of_the_course(
    explored,
):
    hidden, found = explored
    assert len(hidden) >= 2, hidden  # tiny's hidden line and this run's token
    reader = found["doc_tep"]
    assert reader["files"] > 1000, "the walk reached the system's files"
    # The one line found is the control, in the learner's own file: the search works.
    assert [(Path(path).name, n) for path, n in reader["leaks"]] == [("ghi_chu.txt", len(hidden))]
    for report in found.values():
        assert report["package"], "the project's packages stay reachable"
        assert report["forbidden"] == []  # the course, its gradebook, the answer-bearing paths


@ROOT_ONLY
@pytest.mark.grading
def test_of_the_checkout_a_learner_sees_only_the_projects_packages_and_the_interpreter(explored):
    _, found = explored
    shown = {path.name for path in answer_paths.code_folders()} | {".venv"}
    for report in found.values():
        assert set(report["checkout"]) <= shown, report["checkout"]


@ROOT_ONLY
@pytest.mark.grading
def test_what_a_learner_writes_anywhere_reaches_neither_the_host_nor_the_next_learner(explored):
    _, found = explored
    places = {str(place) for place in private_places(sandbox_user())}
    for report in found.values():
        assert places <= set(report["writable"]), "the learner wrote in every writable folder"
        assert len(report["written"]) == len(report["writable"])
        assert report["foreign"] == []
        assert not [path for path in report["written"] if os.path.lexists(path)]
    for place in places:
        assert not [name for name in os.listdir(place) if name.startswith(MARK_PREFIX)]


@pytest.fixture
def host_folder():
    """A folder outside every writable one, as the machine's own folders are, removed after."""
    folder = Path(tempfile.mkdtemp(prefix="bdhvs-test-", dir="/var"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def write_into_each_place():
    """What each private folder held, and the files this child wrote into them."""
    places = [str(place) for place in private_places(sandbox_user())]
    held = {place: sorted(os.listdir(place)) for place in places}
    written = []
    for place in places:
        path = os.path.join(place, MARK_PREFIX + "con")
        with open(path, "w") as handle:
            handle.write("dấu vết")
        written.append(path)
    return {"held": held, "written": written}


def error_name(action):
    try:
        action()
    except OSError as error:
        return errno.errorcode[error.errno]
    return "done"


@ROOT_ONLY
def test_every_folder_the_sandbox_user_may_write_is_found_but_none_it_cannot_reach(host_folder):
    user = sandbox_user()
    shared, own, closed, readable = (host_folder / n for n in ("chung", "rieng", "dong", "doc"))
    for folder, mode in ((shared, 0o1777), (own, 0o700), (closed, 0o700), (readable, 0o755)):
        folder.mkdir()
        folder.chmod(mode)
    os.chown(own, user.uid, user.gid)
    (closed / "chung").mkdir()
    (closed / "chung").chmod(0o777)
    found = writable_dirs.__wrapped__(user)
    assert {shared, own, Path("/tmp")} <= set(found)
    assert not {closed, closed / "chung", readable} & set(found)


@ROOT_ONLY
def test_each_writable_folder_is_private_empty_and_gone_with_the_runner(host_folder):
    shared = host_folder / "chung"
    shared.mkdir()
    shared.chmod(0o1777)
    (shared / "cua_may_chu.txt").write_text("của máy chủ")
    writable_dirs.cache_clear()  # the child searches again and finds the new folder
    first = in_sandbox(write_into_each_place)
    second = in_sandbox(write_into_each_place)
    writable_dirs.cache_clear()
    for report in (first, second):
        assert str(shared) in report.get("held", {}), report
        assert all(held == [] for held in report["held"].values()), report["held"]
    assert not [path for path in first["written"] if os.path.lexists(path)]
    assert os.listdir(shared) == ["cua_may_chu.txt"]


@ROOT_ONLY
def test_the_private_folders_share_one_size_cap():
    def fill():
        chunk = b"x" * (5 << 20)
        return [
            error_name(lambda path=path: Path(path).write_bytes(chunk))
            for path in ("/tmp/mot", "/var/tmp/hai")
        ]

    assert in_sandbox(fill, size_mb=8) == ["done", "ENOSPC"]


@ROOT_ONLY
def test_the_rest_of_the_filesystem_is_read_only_even_where_a_file_is_world_writable(
    host_folder,
):
    shared_file = host_folder / "so_chung.txt"
    shared_file.write_text("")
    shared_file.chmod(0o666)

    def write():
        return {
            "shared file": error_name(lambda: shared_file.write_text("của học viên")),
            "/dev/null": error_name(lambda: Path("/dev/null").write_text("bỏ đi")),
            "/tmp": error_name(lambda: Path("/tmp/nhap.txt").write_text("nháp")),
        }

    assert in_sandbox(write) == {"shared file": "EROFS", "/dev/null": "done", "/tmp": "done"}
    assert shared_file.read_text() == ""


@ROOT_ONLY
def test_a_hidden_file_reads_as_empty(host_folder):
    secret = host_folder / "dap_an.txt"
    secret.write_text("bí mật")
    secret.chmod(0o644)
    assert in_sandbox(secret.read_text, hide=[secret]) == ""


INSTALLED = """import json, os, sys
from pathlib import Path
import graders
from graders.common import answer_paths
from graders.grading.sandbox import isolation
site = Path(sys.argv[1])
answers = site / "graders" / "demo" / "answers"
probes = {"answers": next(answers.glob("*.json")), "code": site / "graders" / "cli.py"}
found = {"package": graders.__file__, "hidden": [str(p) for p in answer_paths.hidden()],
         "code": [str(p) for p in answer_paths.code_folders()]}
read_end, write_end = os.pipe()
if os.fork() == 0:
    user = isolation.sandbox_user()
    isolation.unshare(isolation.CLONE_NEWNS)
    isolation.private_filesystem(answer_paths.hidden(), answer_paths.code_folders(), user, 8)
    isolation.drop_privileges(user)
    seen = {}
    for name, path in probes.items():
        try:
            seen[name] = len(path.read_bytes())
        except OSError as error:
            seen[name] = type(error).__name__
    os.write(write_end, json.dumps(seen).encode())
    os._exit(0)
os.close(write_end)
found["seen"] = json.loads(os.fdopen(read_end).read())
print(json.dumps(found))
"""


@ROOT_ONLY
def test_an_installed_package_hides_its_demo_answers_and_shows_its_code(tmp_path):
    site = tmp_path / "site-packages"
    for package in answer_paths.code_folders():
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(package, site / package.name, ignore=ignore)
    done = subprocess.run(
        [sys.executable, "-c", INSTALLED, str(site)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert Path(found["package"]).is_relative_to(site)
    assert found["hidden"] == [str(site / "graders" / "demo" / "answers")]
    assert found["code"] == [str(site)]
    assert found["seen"]["answers"] in ("FileNotFoundError", "PermissionError")
    assert found["seen"]["code"] == len((site / "graders" / "cli.py").read_bytes())


def test_a_courses_exchange_kept_elsewhere_is_hidden(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    exchange = tmp_path / "exchange"
    config = f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n"
    (root / "nbgrader_config.py").write_text(config, encoding="utf-8")
    assert exchange in hidden_paths(Course(root), f"sqlite:///{root / 'gradebook.db'}")
