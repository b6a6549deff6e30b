"""A released assignment in JupyterLab as a learner sees it, at desktop and phone size.

JupyterLab runs with the learner's self-study configuration (``make lab``, Binder): the
interface is in Vietnamese with no news pop-up, and none of nbgrader's panels shows. The
released notebook shows text, questions and apps, no code; choosing "run all" on a notebook
nobody has answered runs to the last cell and says in Vietnamese what is left to answer, with
no error anywhere. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from graders.course.build import build
from graders.course.directory import Course, init_course
from graders.course.handins import collect

from browser import (
    KERNEL_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    LearnerLab,
    axe_violations,
    chromium_page,
    code_cells,
    error_outputs,
    learner_lab,
    open_notebook,
    require_browser_support,
    run_command_from_menus,
    voila,
)
from conftest import REPO

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
ASSIGNMENT = "an_toan_so"
NOTEBOOK = f"bai_tap/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
SIZES = {"desktop": (1280, 960), "phone": (390, 844)}
# Taps from an answered question to the downloaded hand-in: answer, code box, Nộp bài, link.
HANDIN_STEPS = 4
MENUS_IN_VIETNAMESE = ("Chỉnh sửa", "Trợ giúp")
MENUS_IN_ENGLISH = re.compile(r"^\s*(File|Edit|View|Run|Help)\s*$")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The released assignment, as ``bdhvs build`` makes it."""
    require_browser_support()
    course = init_course(tmp_path_factory.mktemp("learner-view") / "course")
    build(course, [ASSIGNMENT])
    return course.release_dir / ASSIGNMENT


@pytest.fixture(scope="module")
def lab(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LearnerLab]:
    root = tmp_path_factory.mktemp("learner")
    shutil.copytree(release, root / "bai_tap" / ASSIGNMENT)
    with learner_lab(root, ARTIFACTS / "learner-view-server.log") as server:
        yield server


@pytest.mark.parametrize("size", SIZES)
def test_browser_learner_sees_vietnamese_no_code_and_run_all_reaches_the_end(
    lab: LearnerLab, size: str
) -> None:
    from playwright.sync_api import expect

    width, height = SIZES[size]
    with chromium_page(width, height) as page:
        panel = open_notebook(page, lab, NOTEBOOK)
        menus = page.locator(".lm-MenuBar-item").all_inner_texts()
        for menu in MENUS_IN_VIETNAMESE:
            assert menu in menus, f"menu bar: {menus}"
        assert not [menu for menu in menus if MENUS_IN_ENGLISH.match(menu)], menus
        assert page.locator(".jp-Notification-Toast, .Toastify__toast").count() == 0
        assert page.locator("text=Assignments").count() == 0  # nbgrader's panel

        cells = code_cells(panel)
        assert cells.count() > 10
        editors = panel.locator(".jp-CodeCell .jp-InputArea-editor:visible")
        assert editors.count() == 0, "a code cell shows its code"

        # The prompts are collapsed with the code, so the run is followed by its outputs: the
        # last cell (the check button) shows only once every cell before it has run.
        run_command_from_menus(page, "runmenu:run-all")
        last_output = cells.last.locator(".jp-OutputArea-output")
        expect(last_output.first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        lab.wait_for_idle_kernel(page, NOTEBOOK.rsplit("/", 1)[1])
        notice = panel.locator("text=Bạn chưa chọn đáp án cho câu 1.")
        expect(notice).to_be_visible()
        assert error_outputs(panel) == []
        assert panel.locator(".jp-OutputArea-output[data-mime-type*='error']").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        notice.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"learner-view-{size}.png"))
        body_width = page.evaluate("document.documentElement.scrollWidth")
        assert body_width <= width, f"the page is {body_width}px wide on a {width}px screen"
        if size == "desktop":  # on a phone, JupyterLab leaves the notebook too narrow to judge
            violations = axe_violations(page, ".jp-Notebook .jp-Cell")
            assert violations == [], "\n".join(violations)


def test_browser_voila_on_a_phone_shows_a_whole_unanswered_assignment_without_an_error(
    release: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    folder = tmp_path / ASSIGNMENT
    shutil.copytree(release, folder)
    width, height = SIZES["phone"]
    with (
        voila(folder / f"{ASSIGNMENT}.ipynb", ARTIFACTS / "learner-view-voila.log") as server,
        chromium_page(width, height) as page,
    ):
        page.goto(server.page_url())
        # The check button is the last thing the notebook shows: everything before it rendered.
        check = page.get_by_role("button", name=re.compile("Kiểm tra"))
        expect(check.first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        expect(page.get_by_text("Bạn chưa chọn đáp án cho câu 1.")).to_be_visible()
        assert page.get_by_text(re.compile("Traceback|Error|NameError")).count() == 0
        assert page.get_by_text(re.compile(r"= SingleChoice\(|require_answer")).count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "learner-view-voila-phone-start.png"))
        page.get_by_text("Bạn chưa chọn đáp án cho câu 1.").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "learner-view-voila-phone-question.png"))
        check.first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "learner-view-voila-phone-end.png"))
        body_width = page.evaluate("document.documentElement.scrollWidth")
        assert body_width <= width, f"the page is {body_width}px wide on a {width}px screen"
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)


def test_browser_on_a_phone_a_learner_taps_an_answer_hands_in_and_the_file_is_collected(
    release: Path, tmp_path: Path
) -> None:
    """Voilà on a phone: tap an answer, write the written answer in its box, type the learner
    code, tap "Nộp bài", download the file; ``bdhvs collect`` then holds both answers. The taps
    of the hand-in are counted (the written answer is an answer of its own, not counted)."""
    from playwright.sync_api import expect

    folder = tmp_path / ASSIGNMENT
    shutil.copytree(release, folder)
    width, height = SIZES["phone"]
    steps = 0
    with (
        voila(folder / f"{ASSIGNMENT}.ipynb", ARTIFACTS / "learner-view-handin.log") as server,
        chromium_page(width, height, phone=True) as page,
    ):
        page.goto(server.page_url())
        question = page.locator(".bdhvs-question").filter(has_text="Câu 1: ")
        option = question.get_by_role("radio").nth(1)
        expect(option).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        option.tap()
        steps += 1
        expect(question.get_by_role("status")).to_contain_text("Đã lưu")
        write_the_written_answer(page, width)
        code = page.get_by_label("Mã học viên")
        code.tap()
        steps += 1
        code.fill("hv_dien_thoai")
        handin = page.get_by_role("button", name=re.compile("Nộp bài"))
        handin.scroll_into_view_if_needed()
        handin.tap()
        steps += 1
        link = page.get_by_role("link", name=re.compile("Tải tệp bài nộp"))
        expect(link).to_be_visible(timeout=UI_TIMEOUT_MS)
        link.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "learner-view-handin-phone.png"))
        with page.expect_download() as download:
            link.tap()
            steps += 1
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    assert saved.name == f"{ASSIGNMENT}-hv_dien_thoai.zip"
    assert steps <= HANDIN_STEPS, f"handing in took {steps} taps, more than {HANDIN_STEPS}"
    course = Course.open(release.parents[1])
    (result,) = collect(course, [saved])
    assert not result.refused, result.refused
    answers = json.loads(
        (
            course.submitted_dir / "hv_dien_thoai" / ASSIGNMENT / f"{ASSIGNMENT}.answers.json"
        ).read_text(encoding="utf-8")
    )["answers"]
    assert answers["cau_1"]["value"] == "B"
    assert answers["cau_13_bai_viet"]["value"] == WRITTEN_TEXT
    # saved while typing, at most once a second, not at every key
    assert answers["cau_13_bai_viet"]["changes"] < len(WRITTEN_TEXT) / 4


WRITTEN_TEXT = "Bác Tư ơi, cháu đây.\nBác đừng chuyển tiền, đó là lừa đảo."


def write_the_written_answer(page, width: int) -> None:
    """Tap the written answer's box, type the text on the phone's keyboard, see it saved, and
    check that the box is as wide as the screen allows, with large text and a tall target."""
    from playwright.sync_api import expect

    question = page.locator(".bdhvs-question").filter(has_text="Câu 13: ")
    box = question.get_by_role("textbox", name="Bài viết của bạn")
    box.scroll_into_view_if_needed()
    box.tap()
    page.keyboard.type(WRITTEN_TEXT)
    expect(question.get_by_role("status")).to_contain_text("Đã lưu")
    page.screenshot(path=str(ARTIFACTS / "learner-view-written-phone.png"))
    size = box.evaluate(
        "(e) => ({font: parseFloat(getComputedStyle(e).fontSize),"
        " right: e.getBoundingClientRect().right, width: e.getBoundingClientRect().width,"
        " height: e.getBoundingClientRect().height})"
    )
    assert size["font"] >= 16 and size["height"] >= 44, size
    assert size["right"] <= width and size["width"] >= width * 0.7, size


def test_a_learners_server_runs_no_build_check_language_servers_or_terminals(lab: LearnerLab):
    """What a learner never uses costs every server's start and every page load nothing."""
    page = lab.request("GET", "lab").decode("utf-8")
    found = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.DOTALL)
    assert found, "the page carries JupyterLab's configuration"
    config = json.loads(found.group(1))
    assert config["buildCheck"] is False and config["buildAvailable"] is False
    for path in ("lsp/status", "api/terminals"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            lab.request("GET", path)
        assert refused.value.code == 404, path


def test_browser_arrow_keys_move_within_a_radio_group_not_between_cells(lab: LearnerLab) -> None:
    """A screen-reader user moves through a question's options with the arrow keys, as in any
    radio group; JupyterLab's own arrow keys (move to the next cell) must not take them."""
    from playwright.sync_api import expect

    width, height = SIZES["desktop"]
    with chromium_page(width, height) as page:
        panel = open_notebook(page, lab, NOTEBOOK)
        run_command_from_menus(page, "runmenu:run-all")
        question = panel.locator(".bdhvs-question").filter(has_text="Câu 1: ").first
        options = question.get_by_role("radio")
        expect(options.first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        lab.wait_for_idle_kernel(page, NOTEBOOK.rsplit("/", 1)[1])
        options.first.click()
        expect(options.first).to_be_checked()
        active = panel.locator(".jp-Cell.jp-mod-active")
        cell_of_question = active.get_attribute("data-windowed-list-index")
        page.keyboard.press("ArrowDown")
        expect(options.nth(1)).to_be_checked()
        expect(options.nth(1)).to_be_focused()
        page.keyboard.press("ArrowUp")
        expect(options.first).to_be_checked()
        assert active.get_attribute("data-windowed-list-index") == cell_of_question
        expect(question.get_by_role("status")).to_contain_text("Đã lưu")
