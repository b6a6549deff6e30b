"""A task done in a simulated app: the learner taps through screens, each tap is recorded.

A simulated app is a :class:`~curriculum.toolkit.questions.Question` whose answer is the list
of what the learner did, in order: plain data such as ``{"action": "open", "screen":
"transfer"}``, saved to the answer sheet after every tap like any other answer. The app's
screens are drawn from a *state* (a dict), and the state is never saved: it is rebuilt by
replaying the actions from the start, so the saved list is the whole truth and a hidden test,
or a grader that runs no learner code, can score it step by step with
:mod:`curriculum.toolkit.scoring`.

An app is one subclass in one file of :mod:`curriculum.toolkit.apps`. It names itself
(``title``) and gives three things::

    class Torch(AppTask):
        title = "Đèn pin"

        def start(self) -> dict:
            return {"on": False}

        def apply(self, state: dict, action: dict) -> None:
            if action["action"] != "switch":
                raise Refused("Không có nút này.")
            state["on"] = not state["on"]

        def screen(self, state: dict) -> list[widgets.Widget]:
            label = "Tắt đèn" if state["on"] else "Bật đèn"
            return [self.button(label, "switch")]

``apply`` changes the state for one action, or raises :class:`Refused` with a message for the
learner when the action is not possible on the current screen (nothing is recorded then).
``screen`` builds the widgets of the current state; an app of several screens can instead keep
the screen's name in ``state["screen"]`` and give one ``_screen_<name>`` method for each, and
a ``state["notice"]`` line is then shown under the screen; :meth:`AppTask.button`,
:meth:`AppTask.form` and :meth:`AppTask.note` make them the same size and style everywhere
(text 16 px, touch targets 44 px high). A form can also hold multi-line boxes (``lines``) and
masked ones whose typed text is turned into a verdict before anything is recorded
(``secret``), so that no passcode reaches the answer sheet; :meth:`AppTask.box` is a text box
saved as soon as the learner leaves it (a draft's subject or body), and :meth:`AppTask.row`
puts buttons side by side. In a screen's own HTML, :func:`html_lines` shows a message's text
with its line breaks, and :func:`shorten` cuts it for a list of messages.

The answer cell of an assignment builds the task; its solution region (nbgrader's solution
markers) first clears any saved actions, then does the task through :meth:`AppTask.act`,
exactly as the buttons do; the cell ends by showing it::

    chuyen_tien = BankApp("cau_4", "Chuyển 500.000 đồng cho ...", sheet=phieu)
    chuyen_tien.set_answer(None)  # inside the solution region
    chuyen_tien.act("open", screen="transfer")  # inside the solution region
    chuyen_tien

Clearing first lets the source notebook run again in a folder where its answers are saved.
"""

from __future__ import annotations

import copy
import html
import json
from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.i18n import text
from curriculum.toolkit.questions import Question, fill_layout

__all__ = ["MAX_ACTIONS", "AppTask", "Refused", "html_lines", "shorten"]

MAX_ACTIONS = 300
"""Actions kept per task: enough for any task done many times over, and a bounded file."""
_MAX_ACTION_BYTES = 2_000

_CSS_CLASS = "bdhvs-app"
# A phone-sized frame whose text and buttons are large enough to read and tap on a phone.
_STYLE = (
    "<style>"
    f".{_CSS_CLASS}{{max-width:420px;border:2px solid #555;border-radius:18px;"
    "padding:10px;background:#fafafa;box-sizing:border-box;font-size:16px}"
    f".{_CSS_CLASS} .bdhvs-app-title{{font-weight:bold;font-size:17px;padding:4px 0 8px;"
    "border-bottom:1px solid #ccc;margin-bottom:6px}"
    f".{_CSS_CLASS} .widget-html-content,.{_CSS_CLASS} .widget-label"
    "{font-size:16px;line-height:1.45;white-space:normal;height:auto}"
    # Three classes: ipywidgets' own rules (two classes) may load after this style sheet.
    f".{_CSS_CLASS} .jupyter-widgets.jupyter-button{{min-height:44px;height:auto;"
    "font-size:16px;white-space:normal;text-align:left;padding:6px 12px}"
    f".{_CSS_CLASS} .jupyter-widgets input[type=text],"
    f".{_CSS_CLASS} .jupyter-widgets input[type=password],"
    f".{_CSS_CLASS} .jupyter-widgets textarea{{min-height:44px;font-size:16px}}"
    f".{_CSS_CLASS} .bdhvs-app-note{{color:#8a1f11}}"
    ".jupyter-widgets.jupyter-button.bdhvs-app-restart{font-size:16px}"
    "</style>"
)


def html_lines(content: str) -> str:
    """``content`` escaped for HTML, its line breaks kept: a letter or a post as it was written."""
    return html.escape(content).replace("\n", "<br>")


def shorten(content: str, width: int) -> str:
    """``content`` as a list of messages shows it: at most ``width`` characters, "..." at a cut."""
    return content if len(content) <= width else content[: width - 3] + "..."


class Refused(ValueError):
    """An action the app does not allow on its current screen; the message is for the learner."""


class AppTask(Question[list[dict[str, Any]]]):
    """A task in a simulated app; ``value`` is the list of the learner's actions, or None.

    A subclass sets :attr:`title` and implements :meth:`start`, :meth:`apply` and
    :meth:`screen`; anything its ``start`` needs (the task's data) it sets before calling
    ``super().__init__``.
    """

    title: ClassVar[str] = ""
    kind = "app"

    def __init__(self, qid: str, prompt: str, *, sheet: AnswerSheet) -> None:
        super().__init__(qid, prompt, sheet=sheet)
        self._log: list[dict[str, Any]] = []
        self.state: dict[str, Any] = self.start()
        """The app's state after the learner's actions (rebuilt from them, never saved)."""
        self._screen = widgets.VBox(layout=fill_layout())
        self._note = widgets.HTML(layout=fill_layout())
        self._note.add_class("bdhvs-app-note")
        heading = widgets.HTML(
            f'{_STYLE}<div class="bdhvs-app-title" role="heading" aria-level="3">'
            f"{html.escape(self.title)}</div>"
        )
        frame = widgets.VBox([heading, self._screen, self._note], layout=fill_layout())
        frame.add_class(_CSS_CLASS)
        restart = widgets.Button(
            description=text("app.restart"),
            tooltip=text("app.restart_tip"),
            layout=widgets.Layout(width="auto", min_height="44px", align_self="flex-start"),
        )
        restart.add_class("bdhvs-app-restart")
        restart.on_click(self._restart)
        self._start(frame, restart)

    # What a subclass gives.

    @abstractmethod
    def start(self) -> dict[str, Any]:
        """A fresh state: the app as the learner first sees it."""

    @abstractmethod
    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        """Change ``state`` for ``action``; raise :class:`Refused` when it is not possible."""

    def screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        """The widgets of the screen ``state`` is on. By default: what the method named after
        ``state["screen"]`` draws (:meth:`screen_named`), then the state's ``notice``, if any."""
        drawn = self.screen_named(state)
        if state.get("notice"):
            drawn.append(self.note(f"ℹ {state['notice']}"))
        return drawn

    def screen_named(self, state: dict[str, Any]) -> list[widgets.Widget]:
        """What ``_screen_<name>`` draws for ``state``, ``name`` being ``state["screen"]``."""
        return list(getattr(self, f"_screen_{state['screen']}")(state))

    # What the learner (and a solution) does.

    def act(self, action: str, **details: Any) -> None:
        """Do ``action`` as a tap would: apply it, record it, save the list, redraw.

        A refused action records nothing and shows its reason under the screen; from code
        it raises :class:`Refused`, so a solution that does something impossible fails at once.
        """
        entry = {"action": action, **details}
        _check_action(entry)
        if len(self._log) >= MAX_ACTIONS:
            raise Refused(text("app.too_many", limit=MAX_ACTIONS))
        trial = copy.deepcopy(self.state)
        self.apply(trial, copy.deepcopy(entry))
        self._save([*self._log, entry], None)
        self._log.append(entry)
        self.state = trial
        self._note.value = ""
        self._draw()

    # Building blocks for screens.

    def button(self, label: str, action: str, **details: Any) -> widgets.Button:
        """A full-width button that does ``action`` with ``details`` when tapped."""
        button = widgets.Button(description=label, tooltip=label, layout=fill_layout())
        button.on_click(partial(self.tap, action, details))
        return button

    def form(
        self,
        fields: Mapping[str, str],
        submit: str,
        action: str,
        *,
        lines: int = 1,
        values: Mapping[str, str] | None = None,
        secret: Callable[[dict[str, str]], dict[str, Any]] | None = None,
        **details: Any,
    ) -> widgets.VBox:
        """Text boxes (key -> label) and a button that does ``action`` with what was typed.

        ``lines`` above 1 makes the boxes multi-line; ``values`` fills them in (a text being
        edited). With ``secret`` the boxes are masked and emptied once the button is tapped,
        and the action gets ``secret(typed)`` instead of the typed text: a learner may type a
        password they really use, and only a verdict on it ("too easy", "does not match") may
        reach the answer sheet.
        """
        initial = values or {}

        def make_box(label: str, value: str) -> widgets.Text | widgets.Textarea:
            common: dict[str, Any] = {
                "description": label,
                "placeholder": label,
                "style": {"description_width": "initial"},
            }
            if secret is not None:
                # The frame's style gives text boxes their 44 px; a masked box is sized here.
                layout = widgets.Layout(width="auto", min_height="44px")
                return widgets.Password(**common, layout=layout)
            if lines > 1:
                return widgets.Textarea(value=value, rows=lines, **common, layout=fill_layout())
            return widgets.Text(value=value, **common, layout=fill_layout())

        boxes = {key: make_box(label, initial.get(key, "")) for key, label in fields.items()}

        def send(_button: object) -> None:
            typed = {key: box.value for key, box in boxes.items()}
            if secret is not None:
                for box in boxes.values():
                    box.value = ""
                typed = secret(typed)
            self.tap(action, {**details, **typed})

        button = widgets.Button(description=submit, tooltip=submit, layout=fill_layout())
        button.on_click(send)
        return widgets.VBox([*boxes.values(), button], layout=fill_layout())

    def box(
        self,
        label: str,
        action: str,
        *,
        value: str = "",
        lines: int = 1,
        placeholder: str | None = None,
        **details: Any,
    ) -> widgets.Text | widgets.Textarea:
        """A text box that does ``action`` with ``details`` and ``text`` (what was typed) as soon
        as the learner leaves it: for text that stays on the screen as part of what is being
        written (a subject, a post), which no button sends. ``lines`` above 1 makes it
        multi-line."""
        common: dict[str, Any] = {
            "value": value,
            "description": label,
            "placeholder": label if placeholder is None else placeholder,
            "continuous_update": False,
            "style": {"description_width": "initial"},
            "layout": fill_layout(),
        }
        box = widgets.Textarea(rows=lines, **common) if lines > 1 else widgets.Text(**common)
        box.observe(lambda change: self.tap(action, {**details, "text": change["new"]}), "value")
        return box

    def row(self, *items: widgets.Widget) -> widgets.HBox:
        """Buttons side by side, wrapping onto the next line on a narrow phone."""
        return widgets.HBox(list(items), layout=widgets.Layout(width="auto", flex_flow="row wrap"))

    def note(self, content: str, *, escape: bool = True) -> widgets.HTML:
        """A paragraph of the screen (escaped unless ``escape=False`` for the app's own HTML)."""
        shown = html.escape(content) if escape else content
        return widgets.HTML(f"<div>{shown}</div>", layout=fill_layout())

    def replay(self, actions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The state after ``actions`` from a fresh start; raises :class:`Refused` if one fails."""
        state = self.start()
        for action in actions:
            self.apply(state, copy.deepcopy(dict(action)))
        return state

    # The question's side: reading, checking and showing the list of actions.

    def tap(self, action: str, details: Mapping[str, Any], _button: object = None) -> None:
        """Do ``action`` for the learner's widget: a refused action is shown under the screen
        instead of raised, since no traceback would be seen there. For widgets a screen builds
        itself; buttons, forms and boxes call it already."""
        try:
            self.act(action, **details)
        except Refused as refused:
            self._note.value = f'<div role="alert">{html.escape(str(refused))}</div>'
        except OSError:
            pass  # the status line already says the sheet could not be written

    def _restart(self, _button: object = None) -> None:
        self._log = []
        self.state = self.start()
        self._note.value = ""
        self._changed()
        self._draw()

    def _read(self) -> object:
        return list(self._log)

    def _coerce(self, value: object) -> list[dict[str, Any]] | None:
        if not isinstance(value, list) or len(value) > MAX_ACTIONS:
            raise ValueError(text("app.bad_actions", limit=MAX_ACTIONS))
        try:
            for entry in value:
                _check_action(entry)
            self.replay(value)
        except Refused as refused:
            raise ValueError(text("app.replay_failed", reason=refused)) from None
        except Exception:  # a saved file is the learner's: any fault in it is theirs, reported
            raise ValueError(text("app.bad_actions", limit=MAX_ACTIONS)) from None
        return [dict(entry) for entry in value] or None

    def _show(self, answer: list[dict[str, Any]] | None) -> None:
        self._log = list(answer or [])
        self.state = self.replay(self._log)
        self._draw()

    def _draw(self) -> None:
        self._screen.children = tuple(self.screen(self.state))


def _check_action(entry: object) -> None:
    """Refuse anything but a small JSON object naming its action."""
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("action"), str)
        and entry["action"]
        and all(isinstance(key, str) for key in entry)
    ):
        raise Refused(text("app.bad_action"))
    try:
        size = len(json.dumps(entry, ensure_ascii=False))
    except (TypeError, ValueError):
        raise Refused(text("app.bad_action")) from None
    if size > _MAX_ACTION_BYTES:
        raise Refused(text("app.bad_action"))
