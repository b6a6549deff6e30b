"""A learner on a real training hub, with a phone: from the login page to a submitted assignment.

The hub runs as deployed (``deploy/jupyterhub_config.py``, system accounts, nbgrader's exchange);
the instructor has built and released one assignment. The learner has a password and has never
logged in, so their server starts cold. Chromium at phone size, with a phone's user agent, logs
in, lands on the start page in Voilà, taps the released assignment, answers a question and taps
"Nộp bài"; the submission is then in nbgrader's exchange with the tapped answer. The taps are
counted and the test fails if they grow. Once the instructor has graded the cohort and released
the feedback, the start page links to it, and it reads on the phone in Vietnamese. Screenshots
go to test-artifacts/hub-*.png.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graders.hub.training import course_dir, exchange_dir

from browser import (
    KERNEL_TIMEOUT_MS,
    axe_violations,
    chromium_page,
    require_browser_support,
)
from conftest import REPO
from hubkit import Hub, UserServer, hub_session

pytestmark = [pytest.mark.hub, pytest.mark.browser]

ARTIFACTS = REPO / "test-artifacts"
ASSIGNMENT = "an_toan_so"
PHONE = (390, 844)
# Taps from the login page to a submitted assignment with one answer: the name box, the
# password box, "Đăng nhập", the assignment on the start page, the answer, "Nộp bài".
HUB_STEPS = 6
BDHVS = str(Path(sys.executable).parent / "bdhvs")


@dataclass
class Classroom:
    hub: Hub
    cohort: str
    instructor: str
    desk: UserServer
    learner: str
    password: str


@pytest.fixture(scope="module")
def classroom() -> Iterator[Classroom]:
    """A hub whose instructor released one assignment, and a learner who never logged in."""
    require_browser_support()
    with hub_session() as hub:
        people = hub.add_cohort(instructors=1, learners=1)
        instructor, learner = people.instructors[0], people.learners[0]
        course = course_dir(hub.root, people.cohort)
        built = hub.run_as(instructor, [BDHVS, "build", "--course", str(course), ASSIGNMENT])
        assert built.returncode == 0, built.stderr
        desk = hub.start_server(instructor)
        desk.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release")
        password = secrets.token_urlsafe(12)
        subprocess.run(["chpasswd"], input=f"{learner}:{password}\n", text=True, check=True)
        yield Classroom(hub, people.cohort, instructor, desk, learner, password)


def test_hub_a_learner_on_a_phone_submits_in_six_taps_and_later_reads_the_feedback(classroom):
    from playwright.sync_api import expect

    hub, learner = classroom.hub, classroom.learner
    width, height = PHONE
    taps = 0
    with chromium_page(width, height, phone=True) as page:
        page.goto(f"{hub.url}/hub/login")
        expect(page.get_by_role("heading", name="Đăng nhập để học")).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "vi"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hub-phone-login.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)

        page.get_by_label("Tên đăng nhập").tap()
        taps += 1
        page.get_by_label("Tên đăng nhập").fill(learner)
        page.get_by_label("Mật khẩu").tap()
        taps += 1
        page.get_by_label("Mật khẩu").fill(classroom.password)
        page.get_by_role("button", name="Đăng nhập").tap()
        taps += 1

        # The server starts cold, then the landing sends a phone to Voilà's start page.
        expect(page).to_have_url(
            re.compile(rf"/user/{learner}/voila/render/curriculum/bat_dau\.ipynb"),
            timeout=KERNEL_TIMEOUT_MS,
        )
        card = page.locator("li").filter(has_text=re.compile("An toàn số"))
        to_assignment = card.get_by_role("link", name="Làm bài tập")
        expect(to_assignment).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        page.screenshot(path=str(ARTIFACTS / "hub-phone-start.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        with page.context.expect_page() as opened:
            to_assignment.tap()
            taps += 1
        work = opened.value
        expect(work).to_have_url(re.compile(rf"voila/render/{ASSIGNMENT}/{ASSIGNMENT}\.ipynb"))
        question = work.locator(".bdhvs-question").filter(has_text="Câu 1: ")
        option = question.get_by_role("radio").nth(1)
        expect(option).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        option.tap()
        taps += 1
        expect(question.get_by_role("status")).to_contain_text("Đã lưu")
        handin = work.get_by_role("button", name=re.compile("Nộp bài"))
        handin.scroll_into_view_if_needed()
        handin.tap()
        taps += 1
        submitted = work.get_by_text(re.compile("Đã nộp bài lúc"))
        expect(submitted).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        submitted.scroll_into_view_if_needed()
        work.screenshot(path=str(ARTIFACTS / "hub-phone-submitted.png"))

        assert taps <= HUB_STEPS, f"login to submitted took {taps} taps, more than {HUB_STEPS}"
        inbound = exchange_dir(hub.root) / classroom.cohort / "inbound"
        (submission,) = [p for p in inbound.iterdir() if p.name.startswith(f"{learner}+")]
        answers = (submission / f"{ASSIGNMENT}.answers.json").read_text(encoding="utf-8")
        assert json.loads(answers)["answers"]["cau_1"]["value"] == "B"

        # The instructor grades the cohort and gives the feedback back, as in class.
        give_feedback(classroom)
        page.reload()
        card = page.locator("li").filter(has_text=re.compile("An toàn số"))
        to_feedback = card.get_by_role("link", name="Xem nhận xét")
        expect(to_feedback).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
        expect(card).to_contain_text("Đã nộp bài")
        with page.context.expect_page() as opened:
            to_feedback.tap()
        feedback = opened.value
        expect(feedback.locator("h1.bdhvs-total")).to_contain_text(
            re.compile(r"[\d,]+ / [\d,]+ điểm")
        )
        expect(feedback.get_by_text(re.compile("^Câu 1:")).first).to_be_visible()
        feedback.screenshot(path=str(ARTIFACTS / "hub-phone-feedback.png"))
        assert feedback.evaluate("document.documentElement.scrollWidth") <= width


def give_feedback(classroom: Classroom) -> None:
    """Collect, grade with bdhvs, generate and release the feedback: the instructor's steps."""
    desk, hub = classroom.desk, classroom.hub
    desk.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")
    course = course_dir(hub.root, classroom.cohort)
    graded = hub.run_as(
        classroom.instructor, [BDHVS, "grade", "--course", str(course), ASSIGNMENT, "--quiet"]
    )
    assert graded.returncode == 0, graded.stderr
    desk.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/generate_feedback")
    desk.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release_feedback")
