"""A learner's path through JupyterLab in a real browser: widgets, saved answers, self-check.

The other tests act on the widgets from Python; these open notebooks in JupyterLab in a
headless Chromium and answer with the mouse and the keyboard, so they also cover the widget
front end, the kernel's comm round trip and the answer file written from the browser. They
need Chromium and Playwright (see tests/browser.py): without them they are skipped, except
under CI (the CI environment variable set), where they fail.

Screenshots and the server's log go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
import pytest

from browser import (
    KERNEL_TIMEOUT_MS,
    Lab,
    chromium_page,
    code_cells,
    jupyter_lab,
    open_notebook,
    otp_question_cell,
    require_browser_support,
    run_all_cells,
    save_notebook,
)
from conftest import REPO

pytestmark = pytest.mark.browser

if TYPE_CHECKING:
    # Imported in the tests themselves, once require_browser_support() has vouched for it.
    from playwright.sync_api import Locator, Page

ARTIFACTS = REPO / "test-artifacts"
SAVED = "✓ Đã lưu câu trả lời."
ANSWER_FILE_SECONDS = 30

BUILD_TRUE_FALSE = """\
wifi = TrueFalse(
    "wifi", "Wi-Fi công cộng miễn phí luôn an toàn để đăng nhập tài khoản ngân hàng.", sheet=sheet
)
wifi
"""

BUILD_SELF_CHECK_QUESTION = """\
from curriculum.toolkit.answers import answer_sheet
from curriculum.toolkit.questions import SingleChoice

sheet = answer_sheet("tu_kiem_tra")
cau = SingleChoice(
    "mat_khau",
    "Mật khẩu nào an toàn nhất cho hộp thư công vụ?",
    [("Nam12051985", "ngay_sinh"), ("Một cụm bốn từ ngẫu nhiên", "cum_tu"), ("123456", "so")],
    sheet=sheet,
)
cau
"""
VISIBLE_TEST = 'assert cau.value is not None, "Bạn chưa chọn đáp án."\n'
NOT_ANSWERED = "Bạn chưa chọn đáp án."
# No notebook path: in JupyterLab the button must find the notebook by itself.
CHECK_BUTTON = """\
from curriculum.toolkit.selfcheck import check_button

check_button()
"""
NO_VERDICT = "không cho biết đúng hay sai"


def write_notebook(folder: Path, name: str, cells: list[nbformat.NotebookNode]) -> str:
    """Write a notebook for the Python 3 kernel; returns its path relative to the server root."""
    folder.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, folder / name)
    return f"{folder.name}/{name}"


def visible_test_cell(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "kiem_tra_1",
        "points": 1,
        "schema_version": 3,
        "task": False,
    }
    cell.metadata["bdhvs"] = {"competences": ["4.1"], "step": 1}
    return cell


def question(panel: Locator, prompt_part: str) -> Locator:
    """The question widget whose prompt contains ``prompt_part``."""
    return panel.locator(".bdhvs-question").filter(has_text=prompt_part)


def wait_for_answers(path: Path, expected: dict[str, Any]) -> dict[str, Any]:
    """Poll the answer file until its answers hold ``expected`` (question id -> entry fields).

    Returns the answers; fails with the file's last contents after ANSWER_FILE_SECONDS.
    """
    deadline = time.monotonic() + ANSWER_FILE_SECONDS
    found: Any = None
    while True:
        try:
            found = json.loads(path.read_text(encoding="utf-8"))["answers"]
        except (OSError, ValueError, KeyError, TypeError):
            found = None
        if isinstance(found, dict) and all(
            isinstance(found.get(qid), dict)
            and all(found[qid].get(key) == value for key, value in fields.items())
            for qid, fields in expected.items()
        ):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{path.name} did not reach {expected} within {ANSWER_FILE_SECONDS} s; "
                f"last read: {found!r}"
            )
        time.sleep(0.2)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    require_browser_support()
    with jupyter_lab(tmp_path_factory.mktemp("lab-root"), ARTIFACTS / "jupyterlab.log") as server:
        yield server


@pytest.fixture
def learner_page(lab: Lab) -> Iterator[Page]:
    """A fresh browser for one test; the test's kernels are shut down afterwards."""
    try:
        with chromium_page() as page:
            yield page
    finally:
        lab.shut_down_kernels()


def test_browser_learner_answers_widget_with_clicks_and_keyboard_and_answer_is_saved(
    lab: Lab, learner_page: Page
) -> None:
    from playwright.sync_api import expect

    page = learner_page
    folder = lab.root / "widget_quiz"
    path = write_notebook(
        folder,
        "widget_quiz.ipynb",
        [
            nbformat.v4.new_markdown_cell("# An toàn số: câu hỏi thử"),
            nbformat.v4.new_code_cell(otp_question_cell("widget_quiz")),
            nbformat.v4.new_code_cell(BUILD_TRUE_FALSE),
        ],
    )
    answers_file = folder / "widget_quiz.answers.json"

    panel = open_notebook(page, lab, path)
    run_all_cells(page, panel)
    otp = question(panel, "xin mã OTP")
    wifi = question(panel, "Wi-Fi công cộng")
    expect(otp.get_by_role("radio")).to_have_count(3)
    expect(wifi.get_by_role("radio")).to_have_count(2)
    assert not answers_file.exists(), "building the questions must not write answers"

    # Mouse: click the first option.
    first = otp.get_by_role("radio", name="Đọc mã OTP cho họ")
    first.click()
    expect(first).to_be_checked()
    expect(otp.get_by_role("status")).to_have_text(SAVED)
    wait_for_answers(answers_file, {"otp": {"value": "doc_ma", "changes": 1}})

    # Keyboard: ipywidgets' radio buttons are not one named group, so arrow keys do not move
    # between them; Tab goes from the clicked option to the next one and Space chooses it.
    second = otp.get_by_role("radio", name="Từ chối, rồi tự gọi số tổng đài in trên thẻ ngân hàng")
    expect(first).to_be_focused()
    page.keyboard.press("Tab")
    expect(second).to_be_focused()
    page.keyboard.press("Space")
    expect(second).to_be_checked()
    expect(first).not_to_be_checked()

    wifi.get_by_role("radio", name="Sai").click()
    expect(wifi.get_by_role("status")).to_have_text(SAVED)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "browser-widget.png")

    answers = wait_for_answers(
        answers_file,
        {"otp": {"value": "goi_tong_dai", "changes": 2}, "wifi": {"value": False, "changes": 1}},
    )
    assert set(answers) == {"otp", "wifi"}


def test_browser_check_button_shows_feedback(lab: Lab, learner_page: Page) -> None:
    from playwright.sync_api import expect

    page = learner_page
    folder = lab.root / "tu_kiem_tra"
    path = write_notebook(
        folder,
        "tu_kiem_tra.ipynb",
        [
            nbformat.v4.new_code_cell(BUILD_SELF_CHECK_QUESTION),
            visible_test_cell(VISIBLE_TEST),
            nbformat.v4.new_code_cell(CHECK_BUTTON),
        ],
    )
    panel = open_notebook(page, lab, path)
    cells = code_cells(panel)

    # Unanswered, the visible test stops Run All before the check button is built.
    run_all_cells(page, panel, allow_errors=True)
    expect(cells.nth(1).locator(".jp-Cell-outputArea")).to_contain_text(NOT_ANSWERED)
    expect(panel.get_by_role("button", name="Kiểm tra bài")).to_have_count(0)

    cau = question(panel, "Mật khẩu nào an toàn nhất")
    cau.get_by_role("radio", name="Một cụm bốn từ ngẫu nhiên").click()
    expect(cau.get_by_role("status")).to_have_text(SAVED)

    # Run All again: the rebuilt question reads the saved answer, so the test cell passes.
    run_all_cells(page, panel)
    expect(cau.get_by_role("radio", name="Một cụm bốn từ ngẫu nhiên")).to_be_checked()
    save_notebook(page, panel)
    saved = nbformat.read(lab.root / path, as_version=4)
    counts = [cell.execution_count for cell in saved.cells if cell.cell_type == "code"]
    assert None not in counts, f"Ctrl+S did not save the run notebook: {counts}"

    feedback = cells.last.locator(".jp-Cell-outputArea")
    mentions_before = len(re.findall(NO_VERDICT, feedback.inner_text(), re.IGNORECASE))
    button = panel.get_by_role("button", name="Kiểm tra bài")
    button.click()
    page.wait_for_function(
        """([output, phrase, before]) =>
            (output.innerText.match(new RegExp(phrase, "giu")) || []).length > before""",
        arg=[feedback.element_handle(), NO_VERDICT, mentions_before],
        timeout=KERNEL_TIMEOUT_MS,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "browser-check.png")
    report = feedback.inner_text()
    assert "kiem_tra_1" in report, f"the feedback does not report the test cell: {report}"
    assert NOT_ANSWERED not in report, f"the answered question's test failed: {report}"
