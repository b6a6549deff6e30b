"""The exchange on Kubernetes (docs/kubernetes-exchange.md), reproduced on one machine.

A folder stands for the ReadWriteMany volume. Each "pod" is a process in a mount namespace of
its own that sees that volume as deploy/kubernetes/values.yaml mounts it: an instructor's pod the
whole volume at the exchange root, a learner's pod only its cohort's folder below a root of its
own. Each runs as a system user of its own, as KubeSpawner runs each learner with a UID of their
own, and runs nbgrader's real commands with the image's nbgrader_config.py. Needs root (to make
users and mounts), as in CI.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import REPO

pytestmark = pytest.mark.hub

DEPLOY = REPO / "deploy" / "kubernetes"
VALUES = yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))
PROFILES = {p["slug"]: p["kubespawner_override"] for p in VALUES["singleuser"]["profileList"]}
COURSE = PROFILES["learner"]["environment"]["BDHVS_COURSE"]
ROOT = PROFILES["instructor"]["volume_mounts"]["exchange"]["mountPath"]
NBGRADER = Path(sys.executable).parent / "nbgrader"
INSTRUCTOR = "bdhvs-grader"
LEARNERS = ("bdhvs-hv001", "bdhvs-hv002")
ASSIGNMENT = "bai_1"

# The nearest folder above the exchange root that exists here; each pod covers it with a tmpfs.
POD_FOLDER = next(p for p in Path(ROOT).parents if p.is_dir())

if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("useradd"):
    reason = "needs root, unshare and useradd to give each pod a user and mounts of its own"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)
if POD_FOLDER.parent == POD_FOLDER:  # the filesystem's root
    pytest.skip(f"no folder above {ROOT} to cover in a pod", allow_module_level=True)


LEARNERS_GROUP = "users"  # gid 100, every learner's pod group (values.yaml: USERS_GID)


def _user(name: str, made: list[str]) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home"]
            + ["--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
        made.append(name)
        return pwd.getpwnam(name)


class Cluster:
    """The volume, the users' homes, and a way to run a command in a user's pod."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.volume = base / "volume"
        self.volume.mkdir()
        self.homes: dict[str, Path] = {}
        self.made: list[str] = []
        for name in (INSTRUCTOR, *LEARNERS):
            account = _user(name, self.made)
            home = base / "home" / name
            home.mkdir(parents=True)
            os.chown(home, account.pw_uid, account.pw_gid)
            home.chmod(0o700)
            self.homes[name] = home
        # The volume's root belongs to the instructors' UID (README.md: before the session).
        grader = pwd.getpwnam(INSTRUCTOR)
        os.chown(self.volume, grader.pw_uid, grader.pw_gid)

    def _mounts(self, role: str) -> str:
        """A pod's filesystem: an empty tmpfs over POD_FOLDER, so nothing of this machine's
        folders shows through, and the volume mounted as values.yaml mounts it."""
        steps = [f"mount -t tmpfs tmpfs {POD_FOLDER}", *_expose_interpreter(POD_FOLDER / ".python")]
        if role == "instructor":
            steps += [f"mkdir -p {ROOT}", f"mount --bind {self.volume} {ROOT}"]
        else:
            cohort = PROFILES["learner"]["volume_mounts"]["exchange"]
            steps += [
                f"mkdir -p {cohort['mountPath']}",
                f"chmod 1777 {ROOT}",
                f"mount --bind {self.volume / cohort['subPath']} {cohort['mountPath']}",
            ]
        return " && ".join(steps)

    def run(self, user: str, *command: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """Run ``command`` as ``user`` in a pod of the user's role; learners' pods run with the
        group they all share, the instructors' pod with its own."""
        role = "instructor" if user == INSTRUCTOR else "learner"
        env = {
            "HOME": str(self.homes[user]),
            "PATH": f"{NBGRADER.parent}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "JUPYTER_CONFIG_PATH": str(DEPLOY),
            "JUPYTERHUB_USER": user,
            "BDHVS_ROLE": role,
            "BDHVS_COURSE": COURSE,
        }
        inner = " ".join(
            ["exec", "runuser", "-u", user]
            + ([] if role == "instructor" else ["-g", LEARNERS_GROUP])
            + ["--", "env", "-i"]
            + [f"{k}={v}" for k, v in env.items()]
            + [_quote(c) for c in command]
        )
        result = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c"]
            + [f"{self._mounts(role)} && cd {_quote(str(cwd or self.homes[user]))} && {inner}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            pytest.fail(f"{user}: {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def python(self, user: str, code: str) -> str:
        return self.run(user, sys.executable, "-c", code).stdout.strip()


def _expose_interpreter(stage: Path) -> list[str]:
    """Mounts that let other users run this interpreter when it lies in a closed folder (such
    as /root): the folder is covered with an empty one and the interpreter put back inside."""
    prefix = Path(sys.base_prefix).resolve()
    closed = next(
        (p for p in reversed([prefix, *prefix.parents]) if not p.stat().st_mode & 0o001), None
    )
    if closed is None:
        return []
    return [
        f"mkdir -p {stage}",
        f"mount --bind {prefix} {stage}",
        f"mount -t tmpfs -o mode=0755 tmpfs {closed}",
        f"mkdir -p {prefix}",
        f"mount --bind {stage} {prefix}",
    ]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _notebook(answer: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(f"tra_loi = {answer!r}")]
    return notebook


@pytest.fixture(scope="module")
def cluster():
    # Not under pytest's tmp_path: its parents are closed to other users.
    base = Path(tempfile.mkdtemp(prefix="bdhvs-k8s-exchange-"))
    base.chmod(0o755)
    made = None
    try:
        made = Cluster(base)
        grader = pwd.getpwnam(INSTRUCTOR)
        course = made.homes[INSTRUCTOR] / COURSE
        release = course / "release" / ASSIGNMENT
        release.mkdir(parents=True)
        nbformat.write(_notebook(""), release / f"{ASSIGNMENT}.ipynb")
        for path in (course, *course.rglob("*")):
            os.chown(path, grader.pw_uid, grader.pw_gid)
        made.run(INSTRUCTOR, str(NBGRADER), "release_assignment", ASSIGNMENT, cwd=course)
        yield made
    finally:
        shutil.rmtree(base, ignore_errors=True)
        for name in made.made if made else []:
            subprocess.run(["userdel", name], capture_output=True)


@pytest.fixture(scope="module")
def submitted(cluster: Cluster) -> Cluster:
    """Both learners fetch the assignment, answer it in their own way and submit it."""
    for learner in LEARNERS:
        cluster.run(learner, str(NBGRADER), "fetch_assignment", ASSIGNMENT)
        work = cluster.homes[learner] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        code = (
            "import nbformat; "
            f"nb = nbformat.read({str(work)!r}, as_version=4); "
            f"nb.cells[0].source = {f'tra_loi = {learner!r}'!r}; "
            f"nbformat.write(nb, {str(work)!r})"
        )
        cluster.python(learner, code)
        cluster.run(learner, str(NBGRADER), "submit", ASSIGNMENT)
    return cluster


def test_each_submission_arrives_once_owned_by_the_learners_own_uid(submitted: Cluster):
    inbound = submitted.volume / COURSE / "inbound"
    entries = sorted(inbound.iterdir())
    assert len(entries) == len(LEARNERS)
    for learner in LEARNERS:
        (entry,) = [e for e in entries if e.name.startswith(f"{learner}+{ASSIGNMENT}+")]
        assert entry.stat().st_uid == pwd.getpwnam(learner).pw_uid
        notebook = nbformat.read(entry / f"{ASSIGNMENT}.ipynb", as_version=4)
        assert notebook.cells[0].source == f"tra_loi = {learner!r}"


def test_a_learner_can_neither_list_submissions_nor_change_anothers_notebook(submitted: Cluster):
    inbound = f"{ROOT}/{COURSE}/inbound"
    (first,) = (submitted.volume / COURSE / "inbound").glob(f"{LEARNERS[0]}+*")
    known = f"{inbound}/{first.name}/{ASSIGNMENT}.ipynb"
    code = (
        "import glob, os\n"
        f"for attempt in (lambda: os.listdir({inbound!r}), lambda: open({known!r}, 'a')):\n"
        "    try:\n"
        "        attempt(); print('done')\n"
        "    except PermissionError:\n"
        "        print('refused')\n"
        f"print(len(glob.glob({inbound!r} + '/*')))"
    )
    assert submitted.python(LEARNERS[1], code).splitlines() == ["refused", "refused", "0"]


def test_a_learner_cannot_change_a_release_nor_add_to_the_cohorts_folder(submitted: Cluster):
    release = f"{ROOT}/{COURSE}/outbound/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    code = (
        "import os\n"
        f"for attempt in (lambda: open({release!r}, 'a'),"
        f" lambda: os.mkdir({ROOT + '/' + COURSE + '/inbound2'!r}),"
        f" lambda: os.remove({release!r})):\n"
        "    try:\n"
        "        attempt(); print('done')\n"
        "    except PermissionError:\n"
        "        print('refused')"
    )
    assert submitted.python(LEARNERS[0], code).splitlines() == ["refused"] * 3


def test_a_learners_pod_sees_no_other_cohort_of_the_volume(submitted: Cluster):
    other = submitted.volume / "cohort-khac" / "inbound"
    other.mkdir(parents=True, exist_ok=True)
    listing = f"import os; print(sorted(os.listdir({ROOT!r})))"
    assert submitted.python(LEARNERS[0], listing) == repr([COURSE])
    assert submitted.python(INSTRUCTOR, listing) == repr(sorted([COURSE, "cohort-khac"]))


def test_the_instructor_collects_every_submission_and_releases_feedback_each_learner_fetches(
    submitted: Cluster,
):
    course = submitted.homes[INSTRUCTOR] / COURSE
    submitted.run(INSTRUCTOR, str(NBGRADER), "collect", ASSIGNMENT, cwd=course)
    grader = pwd.getpwnam(INSTRUCTOR)
    for learner in LEARNERS:
        folder = course / "submitted" / learner / ASSIGNMENT
        notebook = nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4)
        assert notebook.cells[0].source == f"tra_loi = {learner!r}"
        # What `nbgrader generate_feedback` leaves for release_feedback: the report and the
        # submission's timestamp and secret.
        feedback = course / "feedback" / learner / ASSIGNMENT
        feedback.mkdir(parents=True)
        for name in ("timestamp.txt", "submission_secret.txt"):
            shutil.copy(folder / name, feedback / name)
        (feedback / f"{ASSIGNMENT}.html").write_text(f"<p>Nhận xét cho {learner}</p>")
        for path in (course / "feedback", *(course / "feedback").rglob("*")):
            os.chown(path, grader.pw_uid, grader.pw_gid)
    submitted.run(INSTRUCTOR, str(NBGRADER), "release_feedback", ASSIGNMENT, cwd=course)

    for learner in LEARNERS:
        submitted.run(learner, str(NBGRADER), "fetch_feedback", ASSIGNMENT)
        fetched = list((submitted.homes[learner] / ASSIGNMENT / "feedback").rglob("*.html"))
        assert [p.read_text() for p in fetched] == [f"<p>Nhận xét cho {learner}</p>"]
    listing = submitted.python(
        LEARNERS[0],
        "import os\ntry:\n"
        f"    os.listdir({ROOT + '/' + COURSE + '/feedback'!r}); print('listed')\n"
        "except PermissionError:\n    print('refused')",
    )
    assert listing == "refused"
