"""End to end: widget answers given in a real kernel count in grading, exactly as clicked.

Each learner works in a real Jupyter kernel (jupyter_client) in their own copy of the released
assignment. Widgets are answered the way JupyterLab does it: by sending the widget model an
``update`` message over its comm. Every item of the assignment is answered through a widget, so
nothing is typed into a cell. The folder is then submitted into the course and graded by
``bdhvs grade``.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbgrader.api import Gradebook

from conftest import run_bdhvs
from gradekit import built_copy

pytestmark = pytest.mark.grading

ASSIGNMENT = "an_toan_so"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
WIDGET_ITEMS = {"cau_1": "cau_1_kiem_tra", "cau_3": "cau_3_kiem_tra", "cau_9": "cau_9_kiem_tra"}
ANSWER_FILE = f"{ASSIGNMENT}.answers.json"


class LearnerKernel:
    """A learner's kernel, started in their assignment folder, with the widgets it showed."""

    def __init__(self, folder: Path) -> None:
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(cwd=str(folder))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.models: dict[str, dict] = {}

    def run(self, code: str) -> None:
        msg_id = self.client.execute(code)
        while True:
            msg = self.client.get_iopub_msg(timeout=60)
            if msg["msg_type"] == "comm_open":
                content = msg["content"]
                self.models[content["comm_id"]] = content["data"]["state"]
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"
            ):
                return

    def send_update(self, comm_id: str, state: dict) -> None:
        """What the browser sends when a learner clicks a widget."""
        content = {
            "comm_id": comm_id,
            "data": {"method": "update", "state": state, "buffer_paths": []},
        }
        self.client.shell_channel.send(self.client.session.msg("comm_msg", content))

    def radio(self, label_start: str) -> tuple[str, int]:
        """The radio group with an option labelled ``label_start``..., and that option's index."""
        for comm_id, state in self.models.items():
            if state.get("_model_name") != "RadioButtonsModel":
                continue
            labels = state.get("_options_labels", [])
            for index, label in enumerate(labels):
                if label.startswith(label_start):
                    return comm_id, index
        raise LookupError(label_start)

    def checkbox(self, label_start: str) -> str:
        for comm_id, state in self.models.items():
            if state.get("_model_name") == "CheckboxModel" and state.get(
                "description", ""
            ).startswith(label_start):
                return comm_id
        raise LookupError(label_start)

    def click_radio(self, label_start: str) -> None:
        comm_id, index = self.radio(label_start)
        self.send_update(comm_id, {"index": index})
        self.run("pass")  # the kernel handles the comm message before the next request

    def tick(self, label_start: str) -> None:
        self.send_update(self.checkbox(label_start), {"value": True})
        self.run("pass")

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return built_copy(tmp_path_factory.mktemp("kernel") / "course", [ASSIGNMENT])


def work_and_submit(course, learner: str, act) -> Path:
    """Fetch the release, answer in a real kernel with ``act``, save and submit."""
    folder = course.root.parent / "home" / learner / ASSIGNMENT
    shutil.copytree(course.release_dir / ASSIGNMENT, folder)
    nb = nbformat.read(folder / NOTEBOOK, as_version=4)
    kernel = LearnerKernel(folder)
    try:
        for cell in nb.cells:
            if cell.cell_type == "code":
                kernel.run(cell.source)
        act(kernel)
    finally:
        kernel.stop()
    nbformat.write(nb, folder / NOTEBOOK)
    submitted = course.submitted_dir / learner / ASSIGNMENT
    shutil.copytree(folder, submitted)
    return folder


def scores(course, learner: str) -> dict[str, float]:
    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, learner)
        return {g.name: g.score for nb in submission.notebooks for g in nb.grades}


def wait_for_answers(folder: Path, expected: int) -> dict:
    path = folder / ANSWER_FILE
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if path.exists():
            answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
            if len(answers) >= expected:
                return answers
        time.sleep(0.1)
    raise AssertionError(f"{path} did not receive {expected} answers")


@pytest.fixture(scope="module")
def graded(course):
    def clicker(kernel: LearnerKernel) -> None:
        kernel.click_radio("B. Dùng một cụm")  # question 1
        for letter in "bdf":  # question 3
            kernel.tick(f"{letter})")
        kernel.click_radio("C. Cúp máy")  # question 9

    def changer(kernel: LearnerKernel) -> None:
        kernel.click_radio("A. Dùng tên")
        kernel.click_radio("B. Dùng một cụm")  # question 1: wrong, then right
        kernel.click_radio("C. Cúp máy")
        kernel.click_radio("D. Gọi lại")  # question 9: right, then wrong

    folders = {
        "clicker": work_and_submit(course, "clicker", clicker),
        "changer": work_and_submit(course, "changer", changer),
        "untouched": work_and_submit(course, "untouched", lambda kernel: None),
    }
    result = run_bdhvs("grade", "--course", str(course.root), ASSIGNMENT, "--quiet")
    assert result.returncode == 0, result.stderr
    return folders


def test_widget_answers_clicked_in_a_kernel_earn_their_points(course, graded):
    answers = wait_for_answers(graded["clicker"], 3)
    assert answers["cau_1"]["value"] == "B"
    assert sorted(answers["cau_3"]["value"]) == ["b", "d", "f"]
    got = scores(course, "clicker")
    for test_cell in WIDGET_ITEMS.values():
        assert got[test_cell] > 0, test_cell
    untouched = [name for name in got if name.endswith("_kiem_tra")]
    untouched = [name for name in untouched if name not in WIDGET_ITEMS.values()]
    assert untouched and all(got[name] == 0 for name in untouched)  # nothing given for free


def test_an_answer_changed_twice_counts_as_finally_clicked(course, graded):
    answers = wait_for_answers(graded["changer"], 2)
    assert answers["cau_1"] == answers["cau_1"] | {"value": "B", "changes": 2}
    assert answers["cau_9"]["value"] == "D" and answers["cau_9"]["changes"] == 2
    got = scores(course, "changer")
    assert got["cau_1_kiem_tra"] > 0
    assert got["cau_9_kiem_tra"] == 0


def test_a_learner_who_never_touched_a_widget_earns_nothing(course, graded):
    assert not (graded["untouched"] / ANSWER_FILE).exists()
    got = scores(course, "untouched")
    assert got and all(score == 0 for score in got.values()), got


def test_grading_leaves_the_submitted_answer_file_unchanged(course, graded):
    submitted = course.submitted_dir / "clicker" / ASSIGNMENT / ANSWER_FILE
    autograded = course.autograded_dir / "clicker" / ASSIGNMENT / ANSWER_FILE
    assert submitted.read_bytes() == autograded.read_bytes()


def test_a_corrupt_answer_file_zeroes_the_widget_items_with_a_clear_message(course, graded):
    folder = course.submitted_dir / "corrupt_answers" / ASSIGNMENT
    shutil.copytree(course.submitted_dir / "clicker" / ASSIGNMENT, folder)
    (folder / ANSWER_FILE).write_text("{ this is not json", encoding="utf-8")
    result = run_bdhvs("grade", "--course", str(course.root), ASSIGNMENT, "--quiet")
    assert result.returncode == 0, result.stderr
    got = scores(course, "corrupt_answers")
    for test_cell in WIDGET_ITEMS.values():
        assert got[test_cell] == 0
    graded_nb = nbformat.read(course.autograded_dir / "corrupt_answers" / ASSIGNMENT / NOTEBOOK, 4)
    shown = json.dumps([c.get("outputs", []) for c in graded_nb.cells], ensure_ascii=False)
    assert ANSWER_FILE in shown  # the question explains that the answer file is damaged
