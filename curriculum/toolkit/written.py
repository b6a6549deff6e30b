"""A written answer typed into a large box, kept in the answer sheet like every other answer.

An assignment's written answer is an nbgrader markdown cell that the instructor grades by hand.
In JupyterLab a learner can type into that cell, but Voilà (where a phone is sent) cannot edit
a markdown cell, so the box built here is the way to write it everywhere::

    from curriculum.toolkit.written import WrittenAnswer

    cau_13_viet = WrittenAnswer("cau_13_bai_viet", "Câu 13: viết vào ô dưới đây", sheet=phieu)
    cau_13_viet

The answer is saved under the markdown cell's grade id, as the learner types (at most once a
second, so a phone that types fast does not write the file at every key) and at once when a
check or a hand-in needs it (:func:`save_typing`). Grading adds the text to that cell
(:mod:`graders.course.written_answers`), so formgrader, feedback and exports show it; the
self-check counts it as answered. The sheet of a notebook is ``<notebook name>.answers.json``,
which is where grading and the self-check look for it.
"""

from __future__ import annotations

import asyncio
import weakref

import ipywidgets as widgets

from curriculum.toolkit.answers import WRITTEN_LIMIT, AnswerSheet
from curriculum.toolkit.i18n import catalogue
from curriculum.toolkit.questions import Question

__all__ = ["SAVE_EVERY", "WrittenAnswer", "save_typing"]

SAVE_EVERY = 1.0  # seconds between two saves while the learner types

_text = catalogue(
    "written",
    {
        "label": {"vi": "Bài viết của bạn:", "en": "Your answer:"},
        "placeholder": {
            "vi": "Chạm vào đây rồi viết. Bài viết được lưu ngay khi bạn viết.",
            "en": "Tap here and write. Your answer is saved as you write.",
        },
        "saving": {"vi": "… Đang lưu…", "en": "… Saving…"},
        "too_long": {
            "vi": "Bài viết dài hơn {limit} ký tự nên chưa được lưu; hãy viết ngắn lại.",
            "en": "The answer is longer than {limit} characters, so it is not saved; shorten it.",
        },
        "not_text": {
            "vi": "Bài viết đã lưu không phải là văn bản; hãy viết lại.",
            "en": "The saved answer is not text; write it again.",
        },
    },
)

# A box as wide as the question, with 16 px text in the page's font (not the widgets' fixed-width
# one), that grows with the text where the browser can (elsewhere it scrolls inside, by touch
# too) and can be made taller by hand.
_BOX_STYLE = (
    "<style>.bdhvs-written textarea{font-size:16px;line-height:1.5;min-height:12em;"
    "font-family:var(--jp-content-font-family,system-ui,sans-serif);"
    "field-sizing:content;resize:vertical;width:100%;box-sizing:border-box;padding:8px}"
    ".bdhvs-written .widget-textarea{width:100%;flex-wrap:wrap;height:auto}</style>"
)
_typing: weakref.WeakSet[WrittenAnswer] = weakref.WeakSet()


def _event_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's event loop when a front end's message is being handled, else None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class WrittenAnswer(Question[str]):
    """A large box for a written answer; ``value`` is the text (str), without surrounding
    blanks. ``qid`` is the grade id of the markdown cell that holds the answer for nbgrader."""

    kind = "written"

    def __init__(self, qid: str, prompt: str, *, sheet: AnswerSheet) -> None:
        super().__init__(qid, prompt, sheet=sheet)
        self._box = widgets.Textarea(
            value="",
            placeholder=_text("placeholder"),
            description=_text("label"),
            tooltip=prompt,
            rows=8,
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self._box.observe(self._typed, names="value")
        self._waiting: asyncio.TimerHandle | None = None
        self.widget.add_class("bdhvs-written")
        self._start(widgets.HTML(_BOX_STYLE), self._box)

    @property
    def status(self) -> str:
        if self._waiting is not None and self._problem is None:
            return _text("saving")
        return super().status

    def save(self) -> None:
        """Save what the box shows now, if a save is waiting."""
        if self._waiting is None:
            return
        self._waiting.cancel()
        self._waiting = None
        _typing.discard(self)
        self._changed()

    def _typed(self, _event: object) -> None:
        if self._quiet:
            return
        loop = _event_loop()
        if loop is None:  # no front end: an answer set from code is saved at once
            self._changed()
            return
        if self._waiting is None:
            self._waiting = loop.call_later(SAVE_EVERY, self.save)
            _typing.add(self)
            self._refresh_status()

    def _read(self) -> object:
        return self._box.value

    def _coerce(self, value: object) -> str | None:
        if not isinstance(value, str):
            raise ValueError(_text("not_text"))
        if len(value) > WRITTEN_LIMIT:
            raise ValueError(_text("too_long", limit=WRITTEN_LIMIT))
        return value.strip() or None

    def _show(self, answer: str | None) -> None:
        self._box.value = answer or ""


def save_typing() -> None:
    """Save every written answer whose save is waiting: a check or a hand-in reads the sheet
    right after the learner's last key."""
    for answer in list(_typing):
        answer.save()
