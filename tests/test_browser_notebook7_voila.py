"""The question widgets in Notebook 7 and in Voilà, answered in a real browser.

test_browser_lab.py follows a learner through JupyterLab; these tests check that the same
widgets show, answer and save in the two other front ends the toolkit supports: Notebook 7,
where the learner runs the cells, and Voilà, which runs the notebook itself and shows only
its outputs. Like the JupyterLab tests they need Chromium and Playwright (see
tests/browser.py), and fail instead of skipping under CI.

Screenshots and the servers' logs go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from browser import (
    KERNEL_TIMEOUT_MS,
    OTP_OPTIONS,
    OTP_PROMPT_PART,
    Server,
    chromium_page,
    jupyter_notebook,
    open_notebook,
    otp_question_cell,
    require_browser_support,
    run_all_cells,
    voila,
)
from test_browser_lab import ARTIFACTS, SAVED, question, wait_for_answers, write_notebook

pytestmark = pytest.mark.browser

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

PROMPT_PART = OTP_PROMPT_PART
FIRST, SECOND = OTP_OPTIONS[0][0], OTP_OPTIONS[1][0]


def write_question_notebook(folder: Path, sheet: str) -> str:
    """Write ``<folder>/<sheet>.ipynb`` with a title and the question; returns its path."""
    cells = [
        nbformat.v4.new_markdown_cell("# An toàn số: câu hỏi thử"),
        nbformat.v4.new_code_cell(otp_question_cell(sheet)),
    ]
    return write_notebook(folder, f"{sheet}.ipynb", cells)


def requests_beyond(page: Page, server: Server) -> list[str]:
    """A list that collects the address of every web request the page completes elsewhere.

    Requests the browser could not send (see CHROMIUM_ARGS in tests/browser.py) are left out.
    """
    beyond: list[str] = []

    def note(request: Request) -> None:
        if request.url.startswith(("http:", "https:")) and not request.url.startswith(server.url):
            beyond.append(request.url)

    page.on("requestfinished", note)
    return beyond


def test_browser_notebook7_learner_answers_widget_and_answer_is_saved(tmp_path: Path) -> None:
    require_browser_support()
    from playwright.sync_api import expect

    root = tmp_path / "root"
    path = write_question_notebook(root / "nb7", "cau_hoi_nb7")
    answers_file = root / "nb7" / "cau_hoi_nb7.answers.json"

    with (
        jupyter_notebook(root, ARTIFACTS / "notebook7.log") as server,
        chromium_page() as page,
    ):
        panel = open_notebook(page, server, path)
        run_all_cells(page, panel)
        otp = question(panel, PROMPT_PART)
        expect(otp.get_by_role("radio")).to_have_count(3)
        assert not answers_file.exists(), "building the question must not write answers"

        choice = otp.get_by_role("radio", name=SECOND)
        choice.click()
        expect(choice).to_be_checked()
        expect(otp.get_by_role("status")).to_have_text(SAVED)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "browser-notebook7.png")
        answers = wait_for_answers(answers_file, {"otp": {"value": "goi_tong_dai", "changes": 1}})

    assert set(answers) == {"otp"}


def test_browser_voila_renders_question_and_saves_the_click(tmp_path: Path) -> None:
    require_browser_support()
    from playwright.sync_api import expect

    path = write_question_notebook(tmp_path / "voila", "cau_hoi_voila")
    answers_file = tmp_path / "voila" / "cau_hoi_voila.answers.json"

    with (
        voila(tmp_path / path, ARTIFACTS / "voila.log") as server,
        chromium_page() as page,
    ):
        outside = requests_beyond(page, server)
        page.goto(server.page_url())
        otp = question(page.locator("body"), PROMPT_PART)
        expect(otp.get_by_role("radio")).to_have_count(3, timeout=KERNEL_TIMEOUT_MS)
        # Voilà shows outputs only: the code that built the question stays hidden.
        expect(page.get_by_text("answer_sheet(")).to_have_count(0)
        assert not answers_file.exists(), "building the question must not write answers"

        first = otp.get_by_role("radio", name=FIRST)
        first.click()
        expect(first).to_be_checked()
        expect(otp.get_by_role("status")).to_have_text(SAVED)
        wait_for_answers(answers_file, {"otp": {"value": "doc_ma", "changes": 1}})

        # As in JupyterLab, Tab moves from the clicked option to the next, Space chooses it.
        second = otp.get_by_role("radio", name=SECOND)
        expect(first).to_be_focused()
        page.keyboard.press("Tab")
        expect(second).to_be_focused()
        page.keyboard.press("Space")
        expect(second).to_be_checked()
        expect(first).not_to_be_checked()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "browser-voila.png")
        answers = wait_for_answers(answers_file, {"otp": {"value": "goi_tong_dai", "changes": 2}})

    assert set(answers) == {"otp"}
    assert not outside, f"the Voilà page reached beyond the loopback server: {outside}"
