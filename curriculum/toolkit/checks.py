"""A check that an answer was given, said to the learner in Vietnamese and never as an error.

The visible check under each question tells a learner who has not answered yet what to do
("Bạn chưa chọn đáp án cho câu 1."). While they work, that is a notice under the question and
the notebook runs on to the end, so "Run All" never stops half-way. When the notebook is graded
or checked (nbgrader's autograde and validate, ``bdhvs grade``, the self-check button: all of
them set ``NBGRADER_EXECUTION`` for the kernel), the same check fails the test cell, so an
unanswered question still earns nothing.
"""

from __future__ import annotations

import html
import os

from IPython.display import display

GRADING = "NBGRADER_EXECUTION"
NOTICE = (
    '<div role="status" style="font-size:18px;line-height:1.5;padding:12px 16px;'
    'border-left:6px solid {colour};background:{background};color:#1a1a1a;margin:8px 0">'
    "{text}</div>"
)


def is_checked_run() -> bool:
    """Whether this kernel runs for grading or checking rather than for the learner."""
    return bool(os.environ.get(GRADING))


def _notice(text: str, colour: str, background: str) -> None:
    # The output as it is to be shown, without IPython's formatters searching an object for
    # every other representation: each check cell shows one, and a notebook runs dozens
    # whenever it is graded. Where HTML cannot be shown, the notice is its text.
    shown = NOTICE.format(colour=colour, background=background, text=html.escape(text))
    display({"text/plain": text, "text/html": shown}, raw=True)


def require_answer(condition: object, missing: str, answered: str = "") -> None:
    """When ``condition`` holds, show ``answered`` (if any); otherwise say ``missing``: to the
    learner as a notice, to a grading or checking run as the test's failure.

    It returns nothing, so that a check cell shows only its notice.
    """
    if condition:
        if answered:
            _notice("✓ " + answered, "#1b7f3b", "#eaf6ee")
        return
    if is_checked_run():
        raise AssertionError(missing)
    _notice(missing, "#b35c00", "#fff4e5")
