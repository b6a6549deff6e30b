"""The start page's list of the learner's modules, and the lesson's link to its assignment.

Links are relative to the notebook in use, so the same link opens the file in JupyterLab (a new
tab), in Notebook 7 and in Voilà (the page at the same place under ``/voila/render/``). They are
shown as HTML output, not as widget text, because JupyterLab opens a relative link of an output
as a document and would load a new page for one inside a widget.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML

from curriculum.addresses import FEEDBACK_ROUTE
from curriculum.framework import load_framework
from curriculum.modules import load_modules
from curriculum.toolkit.i18n import catalogue, get_language
from curriculum.toolkit.journey import (
    CHECKED,
    HANDED_IN,
    NOT_STARTED,
    STARTED,
    ModuleStep,
    choose_path,
    chosen_path,
    find_assignment,
    find_start_page,
    journey,
    next_step,
)
from curriculum.toolkit.links import link_button

__all__ = ["lesson_next_step", "start_page"]

_text = catalogue(
    "start",
    {
        "path_label": {"vi": "Bạn là", "en": "You are"},
        "lesson": {"vi": "Học bài", "en": "Lesson"},
        "assignment": {"vi": "Làm bài tập", "en": "Assignment"},
        "not_released": {
            "vi": "Bài tập chưa được phát: giảng viên sẽ phát khi đến buổi học.",
            "en": "The assignment is not released yet: your instructor releases it in class.",
        },
        "state_" + HANDED_IN: {"vi": "✓ Đã nộp bài", "en": "✓ Handed in"},
        "state_" + CHECKED: {"vi": "Đã tự kiểm tra, chưa nộp", "en": "Checked, not handed in"},
        "state_" + STARTED: {"vi": "Đang làm", "en": "In progress"},
        "state_" + NOT_STARTED: {"vi": "Chưa bắt đầu", "en": "Not started"},
        "next": {"vi": "Tiếp theo", "en": "Next"},
        "all_done": {
            "vi": "Bạn đã nộp bài tập của mọi học phần trong lộ trình. Chúc mừng bạn!",
            "en": "You have handed in every module of your path. Well done!",
        },
        "progress": {
            "vi": "Đã nộp {done}/{total} học phần.",
            "en": "{done} of {total} modules handed in.",
        },
        "minutes": {"vi": "{minutes} phút", "en": "{minutes} minutes"},
        "next_heading": {"vi": "Bước tiếp theo", "en": "Next step"},
        "open_assignment": {
            "vi": "Làm bài tập: {title}",
            "en": "Do the assignment: {title}",
        },
        "back_to_start": {"vi": "Về trang bắt đầu", "en": "Back to the start page"},
        "feedback": {"vi": "Xem nhận xét", "en": "Read the feedback"},
    },
)

CHOOSER_CLASS = "bdhvs-path-chooser"
# The start page says, in an element of this class (bat_dau.ipynb), how to make the list show in
# JupyterLab: with a toolbar button that runs every cell. The style shown with the list hides it,
# since it no longer applies; on a phone, Voilà (which has no toolbar) shows the list with the
# page, so the learner never reads of a button that is not there.
RUN_ALL_HINT_CLASS = "bdhvs-run-all-hint"
# Widget labels are 13 px by default: too small to read on a phone.
_PAGE_STYLE = (
    f"<style>.{CHOOSER_CLASS} label, .{CHOOSER_CLASS} select "
    "{font-size:18px !important; height:auto !important; min-height:44px} "
    f".{RUN_ALL_HINT_CLASS} {{display:none}}</style>"
)


def feedback_address(assignment: str) -> str:
    """The learner's newest feedback on ``assignment``, served by their own server
    (:mod:`curriculum.landing`): an address from the server's root, which JupyterLab opens in a
    browser tab of its own and Voilà like any link."""
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    return f"{prefix.rstrip('/')}/{FEEDBACK_ROUTE}/{assignment}"


def _href(target: Path, here: Path) -> str:
    return Path(os.path.relpath(target, here)).as_posix()


def _card(step: ModuleStep, here: Path, is_next: bool) -> str:
    lang = get_language()
    title = html.escape(step.module.title(lang))
    state = html.escape(_text(f"state_{step.state}"))
    links = []
    if step.lesson is not None:
        links.append(link_button(_href(step.lesson, here), _text("lesson"), primary=is_next))
    if step.assignment is not None:
        links.append(link_button(_href(step.assignment, here), _text("assignment")))
    if step.feedback is not None:
        links.append(link_button(feedback_address(step.module.assignment), _text("feedback")))
    else:
        links.append(f'<p style="font-size:16px">{html.escape(_text("not_released"))}</p>')
    marker = ""
    border = "1px solid #c4c4c4"
    current = ""
    if is_next:
        marker = f'<strong style="color:#0b4fb3">➜ {html.escape(_text("next"))}: </strong>'
        border = "3px solid #0b4fb3"
        current = ' aria-current="step"'
    minutes = html.escape(_text("minutes", minutes=step.module.minutes))
    return (
        f'<li{current} style="list-style:none;border:{border};border-radius:8px;'
        'padding:8px 12px;margin:10px 0;max-width:640px">'
        f'<h3 style="font-size:20px;margin:4px 0">{marker}{step.number}. {title}</h3>'
        f'<p style="font-size:16px;margin:4px 0">{state} · {minutes}</p>'
        f"<div>{''.join(links)}</div></li>"
    )


def _journey_html(steps: list[ModuleStep], here: Path) -> str:
    upcoming = next_step(steps)
    done = sum(step.done for step in steps)
    summary = (
        _text("all_done") if upcoming is None else _text("progress", done=done, total=len(steps))
    )
    cards = "".join(_card(step, here, step is upcoming) for step in steps)
    return (
        f'<p role="status" style="font-size:18px">{html.escape(summary)}</p>'
        f'<ol style="padding:0;margin:0">{cards}</ol>'
    )


def start_page(here: str | Path | None = None) -> widgets.VBox:
    """The learner's path: a choice of target group, then its modules in order with their state.

    ``here`` is the folder of the notebook in use (default: the kernel's folder).
    """
    folder = Path(here or Path.cwd()).resolve()
    framework = load_framework()
    lang = get_language()
    chooser = widgets.Dropdown(
        options=[(path.target_group(lang), path.id) for path in framework.paths],
        value=chosen_path().id,
        description=_text("path_label"),
        style={"description_width": "initial"},
        layout=widgets.Layout(min_height="44px", width="auto", max_width="100%"),
    )
    chooser.add_class(CHOOSER_CLASS)
    listing = widgets.Output()

    def show(path_id: str) -> None:
        steps = journey(folder, framework.path(path_id))
        listing.outputs = ()
        listing.append_display_data(HTML(_PAGE_STYLE + _journey_html(steps, folder)))

    def on_change(change: dict) -> None:
        choose_path(change["new"])
        show(change["new"])

    chooser.observe(on_change, names="value")
    show(chooser.value)
    return widgets.VBox([chooser, listing])


def lesson_next_step(assignment: str, here: str | Path | None = None) -> HTML:
    """The end of a lesson: one tap to its assignment, and the way back to the start page."""
    folder = Path(here or Path.cwd()).resolve()
    lang = get_language()
    module = next(m for m in load_modules() if m.assignment == assignment)
    notebook = find_assignment(assignment, folder)
    parts = [f'<h2 style="font-size:22px">{html.escape(_text("next_heading"))}</h2>']
    if notebook is not None:
        label = _text("open_assignment", title=module.title(lang))
        parts.append(link_button(_href(notebook, folder), label, primary=True))
    else:
        parts.append(f'<p style="font-size:16px">{html.escape(_text("not_released"))}</p>')
    start = find_start_page(folder)
    if start is not None:
        parts.append(link_button(_href(start, folder), _text("back_to_start")))
    return HTML(f"<div>{''.join(parts)}</div>")
