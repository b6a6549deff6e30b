"""The start page and the lessons' way to their assignments, in each place a learner works.

Binder and ``make lab`` keep the lessons in ``curriculum/`` and the released assignments in
``bai_tap/`` (``bdhvs build --learner-copy``); the hub copies the lessons into the learner's
home and fetches assignments from nbgrader's exchange. Each test lays out a real copy of one.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from IPython.display import HTML

from curriculum.framework import load_framework
from curriculum.learner_copy import START_PAGE, give_lessons
from curriculum.modules import load_modules
from curriculum.toolkit import start_page as page
from curriculum.toolkit.handin import download_link
from curriculum.toolkit.journey import (
    CHECKED,
    HANDED_IN,
    NOT_STARTED,
    choose_path,
    chosen_path,
    find_assignment,
    journey,
    next_step,
)
from curriculum.toolkit.links import link_button
from curriculum.toolkit.progress import record_handin

from conftest import run_bdhvs
from gradekit import hub_exchange

ASSIGNMENT = "an_toan_so"
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')
STYLE = re.compile(r'<a [^>]*style="([^"]+)"')


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``bdhvs build --learner-copy``, as Binder's postBuild and ``make lab`` run it."""
    folder = tmp_path_factory.mktemp("released") / "bai_tap"
    done = run_bdhvs("build", "--learner-copy", str(folder), ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def learner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A learner with no progress yet, working alone (no exchange), in their home folder."""
    monkeypatch.setenv("BDHVS_HOME", str(tmp_path / "state"))
    for name in ("BDHVS_COHORT", "BDHVS_EXCHANGE", "BDHVS_PATH"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    return home


@pytest.fixture
def binder(learner: Path, released: Path) -> Path:
    """Binder's layout: the lessons in curriculum/, the released assignments in bai_tap/."""
    give_lessons(learner)
    shutil.copytree(released, learner / "bai_tap")
    return learner


def links(markup: str) -> dict[str, str]:
    return {html.unescape(label): html.unescape(href) for href, label in LINK.findall(markup)}


def test_bdhvs_build_learner_copy_releases_assignments_without_answers(released: Path):
    notebook = released / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    text = notebook.read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert not list(released.parent.glob("**/gradebook.db"))  # no course left behind


def test_the_learner_gets_every_lesson_once_and_keeps_their_own_copy(learner: Path):
    copy = give_lessons(learner)
    assert (copy / START_PAGE).is_file()
    for module in load_modules():
        assert (learner / module.lesson).is_file(), module.lesson
    assert not list(copy.rglob("*.py")), "the code runs from the installed package"
    mine = learner / load_modules()[0].lesson
    mine.write_text("my own work", encoding="utf-8")
    give_lessons(learner)
    assert mine.read_text(encoding="utf-8") == "my own work"


def test_a_copy_stopped_half_way_is_made_again_whole(learner: Path):
    partial = learner / ".curriculum.partial"
    (partial / "modules").mkdir(parents=True)
    give_lessons(learner)
    assert not partial.exists()
    assert (learner / "curriculum" / START_PAGE).is_file()


def test_the_lesson_of_the_same_name_is_never_taken_for_the_assignment(learner: Path):
    give_lessons(learner)
    lesson_folder = learner / "curriculum" / "modules" / ASSIGNMENT
    assert find_assignment(ASSIGNMENT, lesson_folder) is None


def test_on_binder_the_start_page_lists_the_path_in_order_with_links_that_resolve(binder: Path):
    start = binder / "curriculum"
    steps = journey(start)
    path = chosen_path()
    assert path.id == "officials"
    assert [step.module.id for step in steps] == list(path.modules)
    assert {step.state for step in steps} == {NOT_STARTED}
    assert next_step(steps) is steps[0]
    markup = page._journey_html(steps, start)
    card = next(step for step in steps if step.module.id == ASSIGNMENT)
    assert card.assignment == binder / "bai_tap" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    hrefs = LINK.findall(markup)
    targets = {(start / html.unescape(href)).resolve() for href, _ in hrefs}
    assert card.assignment in targets
    for step in steps:
        assert step.lesson is not None and step.lesson.resolve() in targets
    for target in targets:
        assert target.is_file(), target
    assert markup.count('aria-current="step"') == 1


def test_handing_in_marks_the_module_done_and_moves_next_on(binder: Path):
    start = binder / "curriculum"
    first, second = journey(start)[:2]
    record_handin(first.module.assignment)
    steps = journey(start)
    assert steps[0].state == HANDED_IN and steps[0].done
    assert next_step(steps).module == second.module
    markup = page._journey_html(steps, start)
    assert "✓ Đã nộp bài" in markup
    assert "Đã nộp 1/" in markup


def test_a_self_check_without_a_hand_in_is_checked_not_done(binder: Path):
    from curriculum.toolkit.progress import CheckResult, SelfCheck, record_check

    notebook = binder / "bai_tap" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    result = CheckResult("cau_1", 1.0, ("4.1",), 1, True, "")
    record_check(SelfCheck(notebook.name, (result,)), notebook)
    (step,) = [s for s in journey(binder / "curriculum") if s.module.id == ASSIGNMENT]
    assert step.state == CHECKED and not step.done


def test_every_module_handed_in_says_the_path_is_complete(binder: Path):
    choose_path("citizens")
    for module_id in chosen_path().modules:
        record_handin(next(m.assignment for m in load_modules() if m.id == module_id))
    steps = journey(binder / "curriculum")
    assert next_step(steps) is None
    markup = page._journey_html(steps, binder / "curriculum")
    assert "Chúc mừng" in markup and 'aria-current="step"' not in markup


def test_the_chosen_path_is_remembered_and_a_deployment_may_set_the_default(
    learner: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("BDHVS_PATH", "workers")
    assert chosen_path().id == "workers"
    choose_path("citizens")
    assert chosen_path().id == "citizens"
    with pytest.raises(KeyError):
        choose_path("not-a-path")
    store = Path(os.environ["BDHVS_HOME"]) / "path.json"
    store.write_text("{not json", encoding="utf-8")
    assert chosen_path().id == "workers"


def test_the_start_page_widget_shows_the_chosen_path_and_follows_a_new_choice(binder: Path):
    widget = page.start_page(binder / "curriculum")
    chooser, listing = widget.children
    groups = [path.target_group("vi") for path in load_framework().paths]
    assert [label for label, _ in chooser.options] == groups
    assert chooser.value == "officials"
    chooser.value = "citizens"
    assert chosen_path().id == "citizens"
    (output,) = listing.outputs
    markup = output["data"]["text/html"]
    # The start page's line on how to make this list show goes once it shows.
    assert f".{page.RUN_ALL_HINT_CLASS} {{display:none}}" in markup
    start = nbformat.read(binder / "curriculum" / START_PAGE, as_version=4).cells[0].source
    assert re.search(f'<p class="{page.RUN_ALL_HINT_CLASS}">[^\n]*thanh công cụ', start)
    citizens = load_framework().path("citizens")
    titles = re.findall(r"<h3[^>]*>(?:<strong[^>]*>[^<]*</strong>)?\d+\. ([^<]+)</h3>", markup)
    modules = {m.id: m for m in load_modules()}
    assert titles == [html.escape(modules[m].title_vi) for m in citizens.modules]


def test_a_lesson_ends_with_one_tap_to_its_assignment_and_one_back_to_the_start(binder: Path):
    lesson_folder = binder / "curriculum" / "modules" / ASSIGNMENT
    shown = page.lesson_next_step(ASSIGNMENT, lesson_folder)
    assert isinstance(shown, HTML)
    found = links(shown.data)
    title = next(m.title_vi for m in load_modules() if m.id == ASSIGNMENT)
    to_assignment = found[f"Làm bài tập: {title}"]
    assert (lesson_folder / to_assignment).resolve() == (
        binder / "bai_tap" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    )
    assert (lesson_folder / found["Về trang bắt đầu"]).resolve() == (
        binder / "curriculum" / START_PAGE
    )


def test_a_lesson_whose_assignment_is_not_there_says_so_in_vietnamese(learner: Path):
    give_lessons(learner)
    shown = page.lesson_next_step(ASSIGNMENT, learner / "curriculum" / "modules" / ASSIGNMENT)
    assert "Bài tập chưa được phát" in shown.data
    assert "Làm bài tập:" not in shown.data


def test_on_the_hub_the_assignment_is_fetched_from_the_exchange_when_asked_for(
    learner: Path, released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    hub_exchange(tmp_path, released / ASSIGNMENT, monkeypatch)
    monkeypatch.setenv("HOME", str(learner))
    give_lessons(learner)
    lesson_folder = learner / "curriculum" / "modules" / ASSIGNMENT
    fetched = learner / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert find_assignment(ASSIGNMENT, lesson_folder, fetch=False) is None
    assert find_assignment(ASSIGNMENT, lesson_folder) == fetched
    assert fetched.read_bytes() == (released / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()
    # Not released yet: no fetch, no error, and the learner is told.
    shown = page.lesson_next_step("du_lieu", learner / "curriculum" / "modules" / "du_lieu")
    assert "Bài tập chưa được phát" in shown.data


def test_feedback_received_shows_as_one_link_to_the_newest_page(
    binder: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/hv1/")
    folder = binder / "bai_tap" / ASSIGNMENT
    for stamp in ("2026-11-01 08:00:00.000000 UTC", "2026-11-02 08:00:00.000000 UTC"):
        received = folder / "feedback" / stamp / f"{ASSIGNMENT}.html"
        received.parent.mkdir(parents=True)
        received.write_text(f"<p>{stamp}</p>", encoding="utf-8")
    start = binder / "curriculum"
    (step,) = [s for s in journey(start) if s.module.id == ASSIGNMENT]
    assert step.feedback is None  # not handed in from here: nothing to read yet
    record_handin(ASSIGNMENT)
    (step,) = [s for s in journey(start) if s.module.id == ASSIGNMENT]
    assert step.feedback is not None and "2026-11-02" in step.feedback.parent.name
    found = links(page._journey_html(journey(start), start))
    assert found["Xem nhận xét"] == f"/user/hv1/bat-dau/nhan-xet/{ASSIGNMENT}"


def test_the_hand_in_download_is_a_link_as_big_as_every_other_a_learner_taps():
    shown = download_link(b"PK", "an_toan_so-hv001.zip")
    (style,) = STYLE.findall(shown)
    (start_page_style,) = STYLE.findall(link_button("bai_hoc.ipynb", "Học bài"))
    assert style == start_page_style and "min-height:44px" in style
    assert 'download="an_toan_so-hv001.zip"' in shown
    (saves,) = links(shown).values()
    assert saves == "data:application/zip;base64,UEs="
