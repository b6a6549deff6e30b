"""Interactive elements (ipywidgets 8) for the "An toàn số" lesson.

Their words come from :mod:`.texts`, in the interface language of :mod:`curriculum.toolkit.i18n`.

* :func:`passphrase_explorer` lets a learner type a trial password and see, live, a rough
  strength estimate, a bar and tips. The typed text is never printed, logged or kept by this
  module: only the estimate is shown.
* :func:`message_inspector` shows a message with its scam warning signs highlighted, from a
  few Vietnamese sample messages or from text the learner types or pastes.
* :func:`diceware_explorer` shows how the number of possible passphrases grows with each word,
  next to eight random characters, so that learners see it without computing powers.
* :func:`link_reader` reads the real host of a link the learner types, the way the lesson
  teaches it to be read by eye.

The functions return their top-level widget, so calling one as the last line of a cell
displays it. They build the widgets and compute the first view at once, so they also run
without a browser (for example under papermill), where the widgets are simply not shown.
The HTML helpers are plain functions of their inputs, with every piece of user text escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import ipywidgets as widgets

from curriculum.modules.an_toan_so.safety import (
    SAMPLE_MESSAGES,
    VERDICT_MEDIUM,
    VERDICT_STRONG,
    VERDICT_WEAK,
    PasswordEstimate,
    ScamSignal,
    diceware_combinations,
    diceware_entropy_bits,
    is_official_gov_domain,
    passphrase_strength,
    real_host,
    scam_signals,
)
from curriculum.modules.an_toan_so.texts import text
from curriculum.toolkit.i18n import get_language
from curriculum.toolkit.simulation import Simulation

__all__ = [
    "diceware_explorer",
    "diceware_html",
    "estimate_html",
    "grouped",
    "highlight_signals_html",
    "link_html",
    "link_reader",
    "message_inspector",
    "passphrase_explorer",
    "signals_summary",
]

_BAR_STYLES = {VERDICT_WEAK: "danger", VERDICT_MEDIUM: "warning", VERDICT_STRONG: "success"}
_VERDICT_KEYS = {
    VERDICT_WEAK: "verdict.weak",
    VERDICT_MEDIUM: "verdict.medium",
    VERDICT_STRONG: "verdict.strong",
}
_LABEL_STYLE = {"description_width": "7em"}
# Codes that ask the reader to do something harmful; with any other sign they mean "stop".
_DANGEROUS_CODES = frozenset(
    {"HOI_MA_BAO_MAT", "CHUYEN_TIEN", "CAI_UNG_DUNG", "LIEN_KET_LA", "HOI_DU_LIEU"}
)
#: Characters one can type on a keyboard: 26 + 26 letters, 10 digits, 33 symbols and space.
_KEYBOARD = 95
_MARK_STYLE = "background:#ffe08a;color:#000;padding:0 .1em;border-bottom:2px solid #b35c00"
_CUSTOM_MESSAGE = -1


def _wide_layout() -> widgets.Layout:
    return widgets.Layout(width="100%", max_width="48em")


def _one_decimal(value: float) -> str:
    """A number with one decimal as the interface language writes it: 51,7 or 51.7."""
    written = f"{value:.1f}"
    return written.replace(".", ",") if get_language() == "vi" else written


# ---------------------------------------------------------------------------
# Passphrase explorer
# ---------------------------------------------------------------------------


def estimate_html(estimate: PasswordEstimate) -> str:
    """HTML describing ``estimate``: verdict, bits, length, character classes and tips.

    The estimate holds no trace of the password itself, so neither does this HTML.
    """
    if estimate.length == 0:
        head = f"<p><strong>{text('estimate.nothing')}</strong></p>"
        facts = ""
    else:
        classes = ", ".join(estimate.classes) or text("estimate.unknown_classes")
        verdict = text("estimate.verdict", verdict=text(_VERDICT_KEYS[estimate.verdict]))
        bits = text("estimate.bits", bits=_one_decimal(estimate.entropy_bits))
        head = f"<p><strong>{html.escape(verdict)}</strong> {bits}</p>"
        facts = (
            f"<p>{html.escape(text('estimate.facts', length=estimate.length, classes=classes))}</p>"
        )
    tips = "".join(f"<li>{html.escape(tip)}</li>" for tip in estimate.tips)
    return (
        f'<div role="status" aria-live="polite">{head}{facts}'
        f"<p>{text('estimate.tips')}</p><ul>{tips}</ul></div>"
    )


def passphrase_explorer() -> widgets.VBox:
    """A password box with a live strength estimate, a bar and tips.

    Typing updates the estimate at every keystroke. Nothing the learner types is printed,
    logged or stored by this function; the box itself is a password field that hides the
    characters. The learner is still told not to type a real password.
    """
    intro = widgets.HTML(text("explorer.intro"))
    box = widgets.Password(
        value="",
        placeholder=text("explorer.placeholder"),
        description=text("explorer.box"),
        tooltip=text("explorer.box_tip"),
        continuous_update=True,
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    bar = widgets.FloatProgress(
        value=0.0,
        min=0.0,
        max=100.0,
        description=text("explorer.bar"),
        tooltip=text("explorer.bar_tip"),
        bar_style=_BAR_STYLES[VERDICT_WEAK],
        orientation="horizontal",
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    result = widgets.HTML(layout=_wide_layout())

    def refresh(change: object = None) -> None:
        estimate = passphrase_strength(box.value)
        bar.value = estimate.percent
        bar.bar_style = _BAR_STYLES[estimate.verdict]
        result.value = estimate_html(estimate)

    box.observe(refresh, names="value")
    refresh()
    return widgets.VBox([intro, box, bar, result], layout=_wide_layout())


# ---------------------------------------------------------------------------
# Message inspector
# ---------------------------------------------------------------------------


def signals_summary(signals: Sequence[ScamSignal]) -> str:
    """One sentence or two judging a list of signals, with due caution."""
    codes = {s.code for s in signals}
    if not codes:
        return text("summary.none")
    if len(codes) >= 2 and codes & _DANGEROUS_CODES:
        return text("summary.dangerous")
    if len(codes) >= 3:
        return text("summary.many")
    return text("summary.few")


def _merged_spans(signals: Sequence[ScamSignal]) -> list[tuple[int, int, list[int]]]:
    """Merge overlapping signal spans; each item is (start, end, 1-based signal numbers)."""
    merged: list[tuple[int, int, list[int]]] = []
    ordered = sorted(enumerate(signals, start=1), key=lambda item: (item[1].start, item[1].end))
    for number, signal in ordered:
        if merged and signal.start < merged[-1][1]:
            start, end, numbers = merged[-1]
            merged[-1] = (start, max(end, signal.end), [*numbers, number])
        else:
            merged.append((signal.start, signal.end, [number]))
    return merged


def highlight_signals_html(message: str, signals: Sequence[ScamSignal]) -> str:
    """HTML of ``message`` with the spans of ``signals`` marked and numbered, then the list.

    Every piece of the message is escaped, so text such as ``<script>`` shows as text. Marks
    carry a number as well as a colour, so the result does not rely on colour alone.
    """
    pieces: list[str] = []
    cursor = 0
    for start, end, numbers in _merged_spans(signals):
        pieces.append(html.escape(message[cursor:start]))
        labels = "; ".join(dict.fromkeys(signals[n - 1].label for n in numbers))
        tags = ",".join(str(n) for n in numbers)
        pieces.append(
            f'<mark style="{_MARK_STYLE}" title="{html.escape(labels, quote=True)}">'
            f"{html.escape(message[start:end])}</mark><sup>[{tags}]</sup>"
        )
        cursor = end
    pieces.append(html.escape(message[cursor:]))
    body = "".join(pieces) if message.strip() else f"<em>{text('inspector.no_message')}</em>"

    items = "".join(
        f"<li><strong>{html.escape(s.label)}</strong>: «{html.escape(s.text)}». "
        f"{html.escape(s.explanation)}</li>"
        for s in signals
    )
    listing = f"<ol>{items}</ol>" if items else ""
    kinds = len({s.code for s in signals})
    count = (
        text("inspector.found", signals=len(signals), kinds=kinds)
        if signals
        else text("inspector.none_found")
    )
    region = html.escape(text("inspector.region"), quote=True)
    return (
        f'<div role="region" aria-label="{region}">'
        f"<p><strong>{count}</strong> "
        f"{html.escape(signals_summary(signals))}</p>"
        '<div style="white-space:pre-wrap;border:1px solid #888;border-radius:4px;'
        f'padding:.5em .75em;line-height:1.7">{body}</div>'
        f"{listing}"
        f"<p><em>{html.escape(text('inspector.caveat'))}</em></p></div>"
    )


def message_inspector() -> widgets.VBox:
    """Pick or type a message and see its scam warning signs highlighted and explained."""
    options = [(title, index) for index, (title, _) in enumerate(SAMPLE_MESSAGES)]
    options.append((text("inspector.custom"), _CUSTOM_MESSAGE))
    picker = widgets.Dropdown(
        options=options,
        value=0,
        description=text("inspector.picker"),
        tooltip=text("inspector.picker_tip"),
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    area = widgets.Textarea(
        value=SAMPLE_MESSAGES[0][1],
        placeholder=text("inspector.placeholder"),
        description=text("inspector.area"),
        tooltip=text("inspector.area_tip"),
        rows=6,
        continuous_update=True,
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    result = widgets.HTML(layout=_wide_layout())

    def refresh(change: object = None) -> None:
        result.value = highlight_signals_html(area.value, scam_signals(area.value))

    def pick(change: dict) -> None:
        index = change["new"]
        area.value = "" if index == _CUSTOM_MESSAGE else SAMPLE_MESSAGES[index][1]

    picker.observe(pick, names="value")
    area.observe(refresh, names="value")
    refresh()
    intro = widgets.HTML(text("inspector.intro"))
    return widgets.VBox([intro, picker, area, result], layout=_wide_layout())


# ---------------------------------------------------------------------------
# Diceware explorer
# ---------------------------------------------------------------------------


def grouped(number: int) -> str:
    """``number`` with its thousands grouped as the interface language writes them."""
    written = f"{number:,}"
    return written.replace(",", ".") if get_language() == "vi" else written


def diceware_html(words: int) -> str:
    """How many passphrases of ``words`` Diceware words there are, compared with 8 characters."""
    bits = diceware_entropy_bits(words)
    random_bits = 8 * math.log2(_KEYBOARD)
    verdict = text("diceware.more") if bits > random_bits else text("diceware.less")
    return text(
        "diceware.result", count=grouped(diceware_combinations(words)), bits=_one_decimal(bits)
    ) + text("diceware.compare", bits=_one_decimal(random_bits), verdict=verdict)


def diceware_explorer() -> widgets.VBox:
    """A slider for the number of words and the number of passphrases it gives."""
    words = widgets.IntSlider(
        value=3,
        min=1,
        max=8,
        description=text("diceware.words"),
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    simulation = Simulation({"words": words}, diceware_html)
    return widgets.VBox(
        [widgets.HTML(text("diceware.intro")), simulation.widget], layout=_wide_layout()
    )


# ---------------------------------------------------------------------------
# Link reader
# ---------------------------------------------------------------------------


def link_html(link: str) -> str:
    """What :func:`real_host` finds in ``link``, and whether it is a ``.gov.vn`` host."""
    if not link.strip():
        return f"<p>{text('reader.empty')}</p>"
    host = real_host(link)
    if host is None:
        return f"<p>{text('reader.no_host')}</p>"
    zone = text("reader.gov") if is_official_gov_domain(link) else text("reader.not_gov")
    return (
        f'<div role="status" aria-live="polite"><p>{text("reader.host", host=html.escape(host))} '
        f"{zone}</p><p><em>{html.escape(text('reader.caveat'))}</em></p></div>"
    )


def link_reader() -> widgets.VBox:
    """A box for a link and, as the learner types, the host it really leads to."""
    box = widgets.Text(
        value="",
        placeholder=text("reader.placeholder"),
        description=text("reader.box"),
        continuous_update=True,
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    result = widgets.HTML(link_html(""), layout=_wide_layout())

    def refresh(change: object = None) -> None:
        result.value = link_html(box.value)

    box.observe(refresh, names="value")
    return widgets.VBox([widgets.HTML(text("reader.intro")), box, result], layout=_wide_layout())
