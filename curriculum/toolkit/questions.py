"""Question widgets whose answers count exactly as if they had been typed into a cell.

Every question saves each change to an :class:`~curriculum.toolkit.answers.AnswerSheet` (a JSON file
beside the notebook) and, when built, shows the answer saved there. So "Restart & Run All",
papermill and ``nbgrader autograde`` (a fresh kernel that never sees the browser) all find
the learner's answer in ``question.value``, where the notebook's tests can check it::

    from curriculum.toolkit.answers import answer_sheet
    from curriculum.toolkit.questions import SingleChoice

    sheet = answer_sheet("an_toan_so")
    q1 = SingleChoice("q1", "Mã OTP có nên đọc cho người khác?", ["Có", "Không"], sheet=sheet)
    q1  # last line of the cell: shows the question

    # in a hidden test cell
    assert q1.value == "Không"

``value`` has one plain Python type per kind of question, and is None when the question is
unanswered or when the saved answer cannot be used (then ``problem`` says why):

================  ======================================================================
SingleChoice      ``str``: the value of the chosen option
MultipleChoice    ``frozenset[str]``: the values of the ticked options; ``frozenset()``
                  is an answer (the learner ticked boxes, then unticked them all)
TrueFalse         ``bool``
Ordering          ``list[str]``: the item values, first to last
Matching          ``dict[str, str]``: item value -> chosen choice value, for the items
                  matched so far (a choice may serve several items)
NumberAnswer      ``float``; the learner may write 3,5 or 3.5 (see
:mod:`curriculum.toolkit.numerals`)
TextAnswer        ``str``, without surrounding spaces; blank text counts as no answer
================  ======================================================================

Options are strings, or ``(label, value)`` pairs when the value checked by the tests should
differ from the label shown (for example a short code). Question ids must be unique within a
sheet. Call :func:`curriculum.toolkit.i18n.set_language` before building questions to change the
interface language.

The widgets are plain ipywidgets controls (radio buttons, check boxes, drop-downs, text
boxes, buttons), usable by keyboard and by screen readers, with no custom JavaScript; a small
style sheet scoped to the questions lets long labels wrap at large font sizes. Without a
front end (papermill, nbgrader) they are built all the same, simply not shown.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import html
import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any, ClassVar, Generic, TypeVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.i18n import text
from curriculum.toolkit.numerals import format_number, parse_amount

__all__ = [
    "MultipleChoice",
    "Matching",
    "NumberAnswer",
    "Option",
    "Ordering",
    "Question",
    "SingleChoice",
    "TextAnswer",
    "TrueFalse",
]

Option = str | tuple[str, str]
T = TypeVar("T")

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # how a notebook output names a widget
_CSS_CLASS = "bdhvs-question"
# ipywidgets keeps labels, radio items, drop-downs and buttons on one line of fixed height,
# which cuts long Vietnamese labels and overlaps them at large font sizes. This style sheet,
# scoped to the questions, lets them wrap and grow instead.
_STYLE = (
    "<style>"
    # Text of 16 px and touch targets of 44 px, for a phone in an older learner's hand; the
    # widgets' own sizes (13 px text, 28 px rows) come from these variables.
    f".{_CSS_CLASS}{{--jp-widgets-font-size:16px;--jp-widgets-inline-height:44px;"
    "--jp-widgets-radio-item-height:44px}"
    f".{_CSS_CLASS} .widget-radio-box label{{min-height:44px;align-items:center}}"
    f".{_CSS_CLASS} .widget-label,.{_CSS_CLASS} .widget-label-basic,"
    f".{_CSS_CLASS} .widget-radio-box label"
    "{white-space:normal;overflow:visible;height:auto;line-height:1.4;text-align:left;"
    "max-width:100%}"
    f".{_CSS_CLASS} .widget-inline-hbox{{flex-wrap:wrap;height:auto}}"
    # A radio item is <label>text<input></label> with the input floated left, which puts the
    # button on the last line of a wrapped label; a reversed flex row keeps it first.
    f".{_CSS_CLASS} .widget-radio-box label{{display:flex;flex-direction:row-reverse;"
    "justify-content:flex-end;margin-bottom:.3em}"
    f".{_CSS_CLASS} .widget-radio-box input{{flex:none}}"
    f".{_CSS_CLASS} select,.{_CSS_CLASS} input[type=text],.{_CSS_CLASS} .jupyter-button"
    "{height:auto;min-height:var(--jp-widgets-inline-height);white-space:normal}"
    "</style>"
)
_LABEL_STYLE = {"description_width": "initial"}


@functools.cache
def fill_layout() -> widgets.Layout:
    """The layout of a widget that fills the width of its box.

    "auto", not "100%": boxes stretch their children, and 100% plus the widgets' margins would
    overflow the box and add a horizontal scroll bar. One layout serves every such widget (no
    widget's layout is changed once it is made): a notebook builds hundreds of widgets, and each
    layout of its own is one more widget to build and for the browser to receive.
    """
    return widgets.Layout(width="auto")


def _wrapping_row() -> widgets.Layout:
    return widgets.Layout(width="auto", flex_flow="row wrap", align_items="center")


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _options(options: Sequence[Option], minimum: int) -> tuple[tuple[str, str], ...]:
    """``options`` as (label, value) pairs of non-empty strings, no label or value twice."""
    pairs: list[tuple[str, str]] = []
    for option in () if isinstance(options, str) else options:
        pair = (option, option) if isinstance(option, str) else option
        if not (
            isinstance(pair, tuple)
            and len(pair) == 2
            and all(isinstance(part, str) and part.strip() for part in pair)
        ):
            pairs.clear()
            break
        pairs.append(pair)
    labels = {label for label, _ in pairs}
    values = {value for _, value in pairs}
    if len(pairs) < minimum or len(labels) < len(pairs) or len(values) < len(pairs):
        raise ValueError(text("question.bad_options", minimum=minimum))
    return tuple(pairs)


class Question(ABC, Generic[T]):
    """What every question shares: saving, restoring, the status line and display.

    A subclass builds its input widgets, then calls :meth:`_start`; it says how to read an
    answer from its widgets (:meth:`_read`), how to check one (:meth:`_coerce`) and how to
    show one (:meth:`_show`), and, when its answers are not JSON data as they are, how to save
    one (:meth:`_to_json`). Its widgets call :meth:`_changed` when the learner acts. A new
    kind of question is one such subclass, in any file: nothing else lists the kinds (see
    docs/authoring.md, "Adding a question type").
    """

    kind: ClassVar[str] = "choice"
    """How the learner answers: "choice" (pick, tick, order, match), "typed" (a word, a
    number, a short text) or "app" (a task in a simulated app). ``bdhvs coverage`` counts the
    items of each kind per competence and step."""

    def __init__(self, qid: str, prompt: str, *, sheet: AnswerSheet) -> None:
        if not isinstance(qid, str) or not qid.strip():
            raise ValueError(text("sheet.bad_qid", qid=qid))
        self.qid = qid
        self.prompt = prompt
        self.sheet = sheet
        self._value: T | None = None
        self._problem: str | None = None
        self._quiet = False
        self._status = widgets.HTML(layout=fill_layout())
        self.widget = widgets.VBox(layout=fill_layout())
        """The top-level ipywidgets container, to place the question inside other boxes."""
        self.widget.add_class(_CSS_CLASS)

    @property
    def value(self) -> T | None:
        """The answer (a copy: changing it changes nothing), or None; see the module's table."""
        return copy.copy(self._value)

    @property
    def problem(self) -> str | None:
        """Why the answer is missing or was not saved, for the learner; None when all is well."""
        return self._problem

    @property
    def status(self) -> str:
        """The status line shown under the question, as plain text."""
        if self._problem is not None:
            return text("status.problem", problem=self._problem)
        if self._value is None:
            return text("status.unanswered")
        return text("status.saved")

    def set_answer(self, value: object) -> None:
        """Answer from code as a learner would: check, save to the sheet and show ``value``.

        None clears the answer. Raises ValueError, saving nothing, when the widget could not
        produce ``value``; raises OSError when the sheet cannot be written.
        """
        answer = None if value is None else self._coerce(value)
        self._save(answer, None)
        with self._quietly():
            self._show(answer)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        # ipywidgets' own bundle would hold the widget's repr, which walks every widget inside
        # the question (building a Layout for each) only to be cut to 110 characters. The text
        # is shown where widgets cannot be (saved outputs, logs, some feedback pages).
        return {
            "text/plain": f"{self.prompt}\n{self.status}",
            # version 2.0 of the widget-view format, which ipywidgets 8 writes
            WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id},
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.qid!r}, value={self._value!r})"

    def _start(self, *inputs: widgets.Widget) -> None:
        """Assemble the widget, then show the answer saved in the sheet, if it can be used."""
        prompt = html.escape(self.prompt)
        heading = widgets.HTML(
            f'{_STYLE}<div style="white-space:pre-line"><strong>{prompt}</strong></div>',
            layout=fill_layout(),
        )
        self.widget.children = (heading, *inputs, self._status)
        stored = self.sheet.get(self.qid)
        if stored.problem is not None:
            self._problem = stored.problem
        elif stored.value is not None:
            try:
                self._value = self._coerce(stored.value)
            except ValueError as error:
                self._problem = text("answer.stored_invalid", reason=error)
        with self._quietly():
            self._show(self._value)
        self._refresh_status()

    def _radio_buttons(
        self, options: Sequence[tuple[str, Any]], description: str, prompt: str
    ) -> widgets.RadioButtons:
        """One-of-several buttons with nothing chosen yet, wired to save the learner's choice."""
        buttons = widgets.RadioButtons(
            options=options,
            value=None,
            description=description,
            tooltip=prompt,
            style=_LABEL_STYLE,
            layout=fill_layout(),
        )
        buttons.observe(self._changed, names="value")
        return buttons

    def _changed(self, *_event: object) -> None:
        """The learner acted on a widget: check what it now shows and save it."""
        if self._quiet:
            return
        shown = self._read()
        try:
            answer, problem = (None if shown is None else self._coerce(shown)), None
        except ValueError as error:
            # Save "no answer", so the file never keeps an answer the screen no longer shows.
            answer, problem = None, str(error)
        with contextlib.suppress(OSError):  # _save has put the problem in the status line
            self._save(answer, problem)

    def _save(self, answer: T | None, problem: str | None) -> None:
        stored = None if answer is None else self._to_json(answer)
        try:
            self.sheet.record(self.qid, stored)
        except OSError as error:
            self._problem = text(
                "sheet.write_failed", file=self.sheet.path.name, error=error.strerror or error
            )
            self._refresh_status()
            raise
        self._value = answer
        self._problem = problem
        self._refresh_status()

    def _refresh_status(self) -> None:
        self._status.value = (
            f'<div role="status" aria-live="polite">{html.escape(self.status)}</div>'
        )

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Change the widgets from code without their observers saving anything."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _to_json(self, answer: T) -> Any:
        """The JSON form of a checked answer, as saved in the sheet."""
        return answer

    @abstractmethod
    def _read(self) -> object:
        """The answer the widgets show now, in any form :meth:`_coerce` accepts."""

    @abstractmethod
    def _coerce(self, value: object) -> T | None:
        """``value`` (from code, the widgets or the file) as this question's answer type.

        Raises ValueError with a message for the learner when the widgets could not produce
        it. Returns None for a blank answer (empty text, no item matched).
        """

    @abstractmethod
    def _show(self, answer: T | None) -> None:
        """Make the widgets show ``answer`` (None: nothing chosen)."""


class _ChoiceQuestion(Question[T]):
    """A question answered by picking among fixed options."""

    def __init__(
        self, qid: str, prompt: str, options: Sequence[Option], *, sheet: AnswerSheet
    ) -> None:
        super().__init__(qid, prompt, sheet=sheet)
        self.options = _options(options, minimum=2)
        """The options as (label, value) pairs."""
        self._values = [value for _, value in self.options]

    def _not_an_option(self, key: str, found: object) -> ValueError:
        return ValueError(text(key, options=_short(self._values), found=_short(found)))


class SingleChoice(_ChoiceQuestion[str]):
    """Choose one option with radio buttons; ``value`` is the chosen option's value (str)."""

    def __init__(
        self, qid: str, prompt: str, options: Sequence[Option], *, sheet: AnswerSheet
    ) -> None:
        super().__init__(qid, prompt, options, sheet=sheet)
        self._buttons = self._radio_buttons(self.options, text("ui.choose_one"), prompt)
        self._start(self._buttons)

    def _read(self) -> object:
        return self._buttons.value

    def _coerce(self, value: object) -> str | None:
        if isinstance(value, str) and value in self._values:
            return value
        raise self._not_an_option("answer.expect_option", value)

    def _show(self, answer: str | None) -> None:
        self._buttons.value = answer


class MultipleChoice(_ChoiceQuestion[frozenset[str]]):
    """Tick any number of options; ``value`` is the frozenset of ticked option values.

    ``set_answer`` takes any set, list or tuple of option values. The sheet keeps them as a
    list in the order of the options.
    """

    def __init__(
        self, qid: str, prompt: str, options: Sequence[Option], *, sheet: AnswerSheet
    ) -> None:
        super().__init__(qid, prompt, options, sheet=sheet)
        self._boxes = [
            widgets.Checkbox(
                value=False,
                description=label,
                tooltip=label,
                indent=False,
                layout=fill_layout(),
            )
            for label, _ in self.options
        ]
        for box in self._boxes:
            box.observe(self._changed, names="value")
        hint = widgets.HTML(html.escape(text("ui.choose_many")), layout=fill_layout())
        self._start(hint, widgets.VBox(self._boxes, layout=fill_layout()))

    def _read(self) -> object:
        return [value for value, box in zip(self._values, self._boxes, strict=True) if box.value]

    def _coerce(self, value: object) -> frozenset[str] | None:
        if isinstance(value, set | frozenset | list | tuple) and all(
            isinstance(item, str) and item in self._values for item in value
        ):
            return frozenset(value)
        raise self._not_an_option("answer.expect_options", value)

    def _to_json(self, answer: frozenset[str]) -> Any:
        return [value for value in self._values if value in answer]

    def _show(self, answer: frozenset[str] | None) -> None:
        for value, box in zip(self._values, self._boxes, strict=True):
            box.value = answer is not None and value in answer


class TrueFalse(Question[bool]):
    """Say whether a statement is true; ``value`` is a bool."""

    def __init__(self, qid: str, prompt: str, *, sheet: AnswerSheet) -> None:
        super().__init__(qid, prompt, sheet=sheet)
        options = [(text("ui.true"), True), (text("ui.false"), False)]
        self._buttons = self._radio_buttons(options, text("ui.true_false"), prompt)
        self._start(self._buttons)

    def _read(self) -> object:
        return self._buttons.value

    def _coerce(self, value: object) -> bool | None:
        if isinstance(value, bool):
            return value
        raise ValueError(text("answer.expect_bool", found=_short(value)))

    def _show(self, answer: bool | None) -> None:
        self._buttons.value = answer


class Ordering(Question[list[str]]):
    """Put items in order with "up" and "down" buttons; ``value`` is the list of item values.

    The items start in the order given, so give them shuffled. Until the learner moves an
    item or presses "Save this order", the question is unanswered.
    """

    def __init__(
        self, qid: str, prompt: str, items: Sequence[Option], *, sheet: AnswerSheet
    ) -> None:
        super().__init__(qid, prompt, sheet=sheet)
        self.items = _options(items, minimum=2)
        """The items as (label, value) pairs, in their starting order."""
        self._labels = {value: label for label, value in self.items}
        self._order = [value for _, value in self.items]
        self._texts = [widgets.HTML(layout=widgets.Layout(flex="1 1 12em")) for _ in self.items]
        positions = range(len(self.items))
        self._ups = [self._button("ui.move_up", position, -1) for position in positions]
        self._downs = [self._button("ui.move_down", position, 1) for position in positions]
        self._ups[0].disabled = True
        self._downs[-1].disabled = True
        rows = [
            widgets.HBox(list(parts), layout=_wrapping_row())
            for parts in zip(self._ups, self._downs, self._texts, strict=True)
        ]
        keep = widgets.Button(
            description=text("ui.keep_order"),
            tooltip=text("ui.keep_order_tip"),
            layout=widgets.Layout(width="auto", align_self="flex-start"),
        )
        keep.on_click(self._changed)
        hint = widgets.HTML(html.escape(text("ui.order_hint")), layout=fill_layout())
        self._start(hint, *rows, keep)

    def _button(self, key: str, position: int, step: int) -> widgets.Button:
        button = widgets.Button(description=text(key), layout=fill_layout())
        button.on_click(partial(self._move, position, step))
        return button

    def _move(self, position: int, step: int, _button: object = None) -> None:
        target = position + step
        self._order[position], self._order[target] = self._order[target], self._order[position]
        self._redraw()
        self._changed()

    def _redraw(self) -> None:
        for position, value in enumerate(self._order):
            label = self._labels[value]
            self._texts[position].value = f"{position + 1}. {html.escape(label)}"
            self._ups[position].tooltip = text("ui.move_up_tip", item=label, position=position)
            self._downs[position].tooltip = text(
                "ui.move_down_tip", item=label, position=position + 2
            )

    def _read(self) -> object:
        return list(self._order)

    def _coerce(self, value: object) -> list[str] | None:
        if (
            isinstance(value, list | tuple)
            and all(isinstance(item, str) for item in value)
            and sorted(value) == sorted(self._labels)
        ):
            return list(value)
        raise ValueError(text("answer.expect_order", items=_short(list(self._labels))))

    def _show(self, answer: list[str] | None) -> None:
        self._order = list(answer) if answer is not None else [value for _, value in self.items]
        self._redraw()


class Matching(Question[dict[str, str]]):
    """Match each item with a choice from a drop-down; ``value`` maps item to choice values.

    Only the items matched so far are in the dict; with none matched the question is
    unanswered. Several items may take the same choice, so choices can be categories.
    """

    def __init__(
        self,
        qid: str,
        prompt: str,
        items: Sequence[Option],
        choices: Sequence[Option],
        *,
        sheet: AnswerSheet,
    ) -> None:
        super().__init__(qid, prompt, sheet=sheet)
        self.items = _options(items, minimum=1)
        """The items to match, as (label, value) pairs."""
        self.choices = _options(choices, minimum=2)
        """The choices offered for each item, as (label, value) pairs."""
        self._choice_values = [value for _, value in self.choices]
        # "" stands for "nothing chosen yet": option values are never empty.
        menu_options = [(text("ui.match_placeholder"), ""), *self.choices]
        self._menus = {
            value: widgets.Dropdown(
                options=menu_options,
                value="",
                description=label,
                tooltip=text("ui.match_tip", item=label),
                style=_LABEL_STYLE,
                layout=fill_layout(),
            )
            for label, value in self.items
        }
        for menu in self._menus.values():
            menu.observe(self._changed, names="value")
        hint = widgets.HTML(html.escape(text("ui.match_hint")), layout=fill_layout())
        self._start(hint, *self._menus.values())

    def _read(self) -> object:
        return {item: menu.value for item, menu in self._menus.items() if menu.value}

    def _coerce(self, value: object) -> dict[str, str] | None:
        if isinstance(value, Mapping) and all(
            item in self._menus and choice in self._choice_values for item, choice in value.items()
        ):
            return {item: value[item] for item in self._menus if item in value} or None
        raise ValueError(
            text(
                "answer.expect_matching",
                items=_short(list(self._menus)),
                choices=_short(self._choice_values),
                found=_short(value),
            )
        )

    def _show(self, answer: dict[str, str] | None) -> None:
        for item, menu in self._menus.items():
            menu.value = (answer or {}).get(item, "")


class NumberAnswer(Question[float]):
    """Type a number, optionally followed by a scale word and the unit; ``value`` is a float.

    The learner may write 3,5 or 3.5, group thousands (1.234,5), add the question's ``unit``
    and a scale word ("9,5 triệu đồng"); see :func:`~curriculum.toolkit.numerals.parse_amount`.
    With ``whole=True`` (counts, amounts of đồng) "500.000" is five hundred thousand;
    otherwise such text is ambiguous and refused with a message. Text that is not a number
    counts as no answer. ``set_answer`` takes a real number or such text.
    """

    kind = "typed"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        unit: str | None = None,
        whole: bool = False,
        sheet: AnswerSheet,
    ) -> None:
        super().__init__(qid, prompt, sheet=sheet)
        self.unit = unit
        self.whole = whole
        self._box = widgets.Text(
            value="",
            placeholder=text("ui.number_placeholder"),
            description=text("ui.answer"),
            tooltip=prompt,
            continuous_update=False,
            style=_LABEL_STYLE,
            layout=widgets.Layout(flex="1 1 20em", width="auto"),
        )
        self._box.observe(self._changed, names="value")
        parts: list[widgets.Widget] = [self._box]
        if unit:
            parts.append(widgets.HTML(html.escape(unit), tooltip=text("ui.unit_tip", unit=unit)))
        self._start(widgets.HBox(parts, layout=_wrapping_row()))

    def _read(self) -> object:
        return self._box.value

    def _coerce(self, value: object) -> float | None:
        if isinstance(value, str):
            return parse_amount(value, unit=self.unit, whole=self.whole)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            number = float(value)
            if math.isfinite(number):
                return number
        raise ValueError(text("answer.expect_number", found=_short(value)))

    def _show(self, answer: float | None) -> None:
        self._box.value = "" if answer is None else format_number(answer)


class TextAnswer(Question[str]):
    """Type a short answer, or a longer one with ``multiline=True``; ``value`` is a str.

    The answer is saved when the learner presses Enter (one line) or leaves the box.
    """

    kind = "typed"

    def __init__(
        self, qid: str, prompt: str, *, multiline: bool = False, sheet: AnswerSheet
    ) -> None:
        super().__init__(qid, prompt, sheet=sheet)
        box_type = widgets.Textarea if multiline else widgets.Text
        self._box = box_type(
            value="",
            placeholder=text("ui.textarea_placeholder" if multiline else "ui.text_placeholder"),
            description=text("ui.answer"),
            tooltip=prompt,
            continuous_update=False,
            style=_LABEL_STYLE,
            layout=fill_layout(),
        )
        if multiline:
            self._box.rows = 5
        self._box.observe(self._changed, names="value")
        self._start(self._box)

    def _read(self) -> object:
        return self._box.value

    def _coerce(self, value: object) -> str | None:
        if isinstance(value, str):
            return value.strip() or None
        raise ValueError(text("answer.expect_text", found=_short(value)))

    def _show(self, answer: str | None) -> None:
        self._box.value = answer or ""
