"""The way through, as a learner takes it: start page, lesson, assignment, one tap each.

The learner's server runs with the self-study configuration (``make lab``, Binder) over
Binder's layout: the lessons in ``curriculum/``, the released assignments in ``bai_tap/``.
On a phone the learner uses Voilà through that same server (``/voila/render/...``), where
every page runs by itself; on a desktop, JupyterLab. The taps are counted, and the tests fail
if they grow. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from curriculum.framework import load_framework
from curriculum.learner_copy import give_lessons
from curriculum.modules import load_modules

from browser import (
    KERNEL_TIMEOUT_MS,
    LearnerLab,
    axe_violations,
    chromium_page,
    error_outputs,
    learner_lab,
    open_notebook,
    require_browser_support,
    run_command_from_menus,
)
from conftest import REPO, run_bdhvs

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
START = "curriculum/bat_dau.ipynb"
PHONE = (390, 844)
DESKTOP = (1280, 960)
# Taps from the start page to the next module's assignment: "Học bài", then "Làm bài tập".
WAY_STEPS = 2
# The start page's line on the toolbar button that shows the list, which only JupyterLab has.
TOOLBAR_HINT = re.compile("trên thanh công cụ")
FIRST = load_framework().path("officials").modules[0]
MODULE = next(module for module in load_modules() if module.id == FIRST)


# The smallest text and the lowest touch target of the questions' controls, in CSS pixels.
QUESTION_SIZES = """() => {
    const inside = (selector) => Array.from(document.querySelectorAll(
        selector.split(",").map((s) => ".bdhvs-question " + s.trim()).join(",")
    )).filter((e) => e.getClientRects().length > 0);
    const text = inside(".widget-label, .widget-radio-box label, select, input[type=text], button");
    const targets = inside(".widget-radio-box label, select, input[type=text], button");
    return {
        smallest_text: Math.min(...text.map((e) => parseFloat(getComputedStyle(e).fontSize))),
        lowest_target: Math.min(...targets.map((e) => e.getBoundingClientRect().height)),
        controls: targets.length,
    };
}"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LearnerLab]:
    """A learner's server over Binder's layout, with no progress yet."""
    require_browser_support()
    root = tmp_path_factory.mktemp("way-through")
    give_lessons(root)
    done = run_bdhvs("build", "--learner-copy", str(root / "bai_tap"), MODULE.assignment)
    assert done.returncode == 0, done.stderr
    state = tmp_path_factory.mktemp("learner-state")
    with learner_lab(
        root, ARTIFACTS / "way-through-server.log", env={"BDHVS_HOME": str(state)}
    ) as server:
        yield server


def voila_url(lab: LearnerLab, path: str) -> str:
    return f"{lab.url}voila/render/{quote(path)}?token={lab.token}"


def assert_fits(page, width: int) -> None:
    body_width = page.evaluate("document.documentElement.scrollWidth")
    assert body_width <= width, f"the page is {body_width}px wide on a {width}px screen"


def test_browser_on_a_phone_the_start_page_leads_to_the_assignment_in_two_taps(lab: LearnerLab):
    from playwright.sync_api import expect

    width, height = PHONE
    taps = 0
    with chromium_page(width, height) as page:
        page.goto(voila_url(lab, START))
        upcoming = page.locator('li[aria-current="step"]')
        expect(upcoming).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        expect(upcoming).to_contain_text(MODULE.title_vi)
        expect(upcoming).to_contain_text("Tiếp theo")
        # The list is there, and a phone has no toolbar: no word of its buttons.
        expect(page.get_by_text(TOOLBAR_HINT)).to_be_hidden()
        assert page.get_by_text(re.compile("Traceback|Error")).count() == 0
        assert page.get_by_text(re.compile(r"start_page\(|import ")).count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "way-through-phone-start.png"))
        assert_fits(page, width)
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)
        lesson_link = upcoming.get_by_role("link", name="Học bài")
        box = lesson_link.bounding_box()
        assert box is not None and box["height"] >= 44, box

        # Voilà opens an output's links in a new tab: each step is a tab of its own, and the
        # start page stays open behind it.
        with page.context.expect_page() as opened:
            lesson_link.click()
            taps += 1
        lesson = opened.value
        expect(lesson).to_have_url(re.compile(rf"voila/render/curriculum/modules/{FIRST}/"))
        to_assignment = lesson.get_by_role("link", name=re.compile("Làm bài tập:"))
        expect(to_assignment).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        assert lesson.get_by_text(re.compile("Traceback")).count() == 0
        to_assignment.scroll_into_view_if_needed()
        lesson.screenshot(path=str(ARTIFACTS / "way-through-phone-lesson-end.png"))
        assert_fits(lesson, width)
        box = to_assignment.bounding_box()
        assert box is not None and box["height"] >= 44, box

        with page.context.expect_page() as opened:
            to_assignment.click()
            taps += 1
        assignment = opened.value
        expect(assignment).to_have_url(re.compile(rf"voila/render/bai_tap/{FIRST}/{FIRST}\.ipynb"))
        handin = assignment.get_by_role("button", name=re.compile("Nộp bài"))
        expect(handin).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        assignment.screenshot(path=str(ARTIFACTS / "way-through-phone-assignment.png"))
        assert_fits(assignment, width)
        sizes = assignment.evaluate(QUESTION_SIZES)
        assert sizes["smallest_text"] >= 16, sizes
        assert sizes["lowest_target"] >= 44, sizes
    assert taps <= WAY_STEPS, f"start page to assignment took {taps} taps, more than {WAY_STEPS}"


def test_browser_in_jupyterlab_the_start_page_opens_the_lesson_and_the_lesson_its_assignment(
    lab: LearnerLab,
):
    from playwright.sync_api import expect

    width, height = DESKTOP
    with chromium_page(width, height) as page:
        panel = open_notebook(page, lab, START)
        hint = panel.locator(".jp-MarkdownOutput").get_by_text(TOOLBAR_HINT)
        expect(hint).to_be_visible()  # how to make the list show
        run_command_from_menus(page, "runmenu:run-all")
        upcoming = panel.locator('li[aria-current="step"]')
        expect(upcoming).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        expect(hint).to_be_hidden()  # the list shows: the line goes
        assert error_outputs(panel) == []
        page.screenshot(path=str(ARTIFACTS / "way-through-desktop-start.png"))
        # What the project writes: the text and the outputs (JupyterLab's own button that folds
        # a heading has no name, and is not ours to mend).
        violations = axe_violations(page, ".jp-Notebook .jp-MarkdownOutput, .jp-OutputArea")
        assert violations == [], "\n".join(violations)

        upcoming.get_by_role("link", name="Học bài").click()
        lesson_path = f"curriculum/modules/{FIRST}/{FIRST}.ipynb"
        lesson = page.locator(".jp-NotebookPanel:visible")
        expect(
            page.locator(f'.lm-TabBar-tab.jp-mod-current[title*="{lesson_path}"]')
        ).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        lab.wait_for_idle_kernel(page, f"{FIRST}.ipynb")
        run_command_from_menus(page, "runmenu:run-all")
        to_assignment = lesson.get_by_role("link", name=re.compile("Làm bài tập:"))
        expect(to_assignment).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        assert error_outputs(lesson) == []
        to_assignment.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "way-through-desktop-lesson-end.png"))

        to_assignment.click()
        assignment_path = f"bai_tap/{FIRST}/{FIRST}.ipynb"
        expect(
            page.locator(f'.lm-TabBar-tab.jp-mod-current[title*="{assignment_path}"]')
        ).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        page.screenshot(path=str(ARTIFACTS / "way-through-desktop-assignment.png"))


def test_the_learners_landing_opens_voila_on_a_phone_and_jupyterlab_on_a_computer(
    lab: LearnerLab,
):
    import requests

    agents = {
        "lab/tree": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0",
        "voila/render": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148",
    }
    for front, agent in agents.items():
        landing = requests.get(
            f"{lab.url}bat-dau",
            headers={"User-Agent": agent, "Authorization": f"token {lab.token}"},
            allow_redirects=False,
            timeout=10,
        )
        assert landing.status_code == 302, landing.status_code
        assert landing.headers["Location"] == f"/{front}/{START}"
    hinted = requests.get(
        f"{lab.url}bat-dau",
        headers={"Sec-CH-UA-Mobile": "?1", "Authorization": f"token {lab.token}"},
        allow_redirects=False,
        timeout=10,
    )
    assert hinted.headers["Location"] == f"/voila/render/{START}"
    root = requests.get(
        f"{lab.url}", headers={"Authorization": f"token {lab.token}"}, allow_redirects=False
    )
    assert root.headers["Location"].split("?")[0] == "/bat-dau"
