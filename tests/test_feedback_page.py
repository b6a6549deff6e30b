"""The feedback page a learner reads: Vietnamese, no code they never saw, offline, on a phone.

nbgrader's own ``generate_feedback`` runs in a course made by ``bdhvs course init``, whose
configuration names the project's feedback page (graders/course/feedback_templates). What it
may not show (hidden tests, solutions, mark schemes) is tests/test_feedback_reveals_nothing.py's.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from browser import axe_violations, chromium_page, require_browser_support
from conftest import REPO
from gradekit import copy_course

ASSIGNMENT = "an_toan_so"
ENGLISH_LABELS = ("Score:", "Student's answer", "Grade cell", "Test cell", "Comments:", "(Top)")
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def pages(graded_course, tmp_path_factory) -> dict[str, Path]:
    """The feedback page of the perfect and of the blank learner."""
    course = copy_course(graded_course, tmp_path_factory.mktemp("feedback-page") / "cohort")
    result = course.api().generate_feedback(ASSIGNMENT, force=True)
    assert result["success"], result.get("log") or result.get("error")
    found = {}
    for learner in ("perfect", "blank"):
        (page,) = (course.root / "feedback" / learner / ASSIGNMENT).glob("*.html")
        found[learner] = page
    found["source"] = course.source_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    return found


def collapsed_code(source: Path) -> list[str]:
    """Lines of the cells a release collapses, long enough to say something."""
    lines = []
    for cell in nbformat.read(source, as_version=4).cells:
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("solution"):
            lines += [line.strip() for line in cell.source.splitlines() if len(line.strip()) > 24]
    return lines


@pytest.mark.slow
def test_the_feedback_page_speaks_vietnamese_with_the_score_and_each_item(pages):
    text = pages["perfect"].read_text(encoding="utf-8")
    assert '<html lang="vi">' in text
    heading = re.search(r'<h1 class="bdhvs-total">([^<]+)</h1>', text)
    assert heading and re.search(r": [\d,]+ / [\d,]+ điểm$", heading.group(1)), heading
    items = re.findall(r'<li><a href="#[^"]+">([^<]+)</a>: [\d,]+ / [\d,]+ điểm</li>', text)
    assert items and all(item.startswith("Câu ") for item in items), items  # by question
    blank = pages["blank"].read_text(encoding="utf-8")
    assert "Bạn chưa trả lời câu này." in blank
    for label in (*ENGLISH_LABELS, "No response."):
        assert label not in text and label not in blank, label


@pytest.mark.slow
def test_the_feedback_page_shows_no_code_the_learner_never_saw_and_loads_nothing(pages):
    for learner in ("perfect", "blank"):
        text = pages[learner].read_text(encoding="utf-8")
        shown = [line for line in collapsed_code(pages["source"]) if line in text]
        # A line the learner's own visible checks hold may be quoted by a verdict; the code
        # that builds questions never is.
        assert not [line for line in shown if "=" in line and "(" in line], shown[:3]
        assert not re.search(r"<script[^>]+src=", text)
        assert "mathjax" not in text.lower()


@pytest.mark.slow
@pytest.mark.browser
def test_the_feedback_page_fits_a_phone_and_is_accessible(pages):
    require_browser_support()
    width, height = 390, 844
    with chromium_page(width, height, phone=True) as page:
        page.goto(pages["blank"].as_uri())
        page.get_by_text("điểm").first.wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "feedback-phone.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        smallest = page.evaluate(
            "Math.min(...Array.from(document.querySelectorAll('p, li, h1'))"
            ".map((e) => parseFloat(getComputedStyle(e).fontSize)))"
        )
        assert smallest >= 16, smallest
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)
