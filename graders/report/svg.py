"""The report's charts, drawn as inline SVG.

A chart has no width or height of its own, only a ``viewBox``: it takes the width of the page's
column and scales with it, so one file serves a desktop and a phone. The view box is
:data:`WIDTH` units wide and text is at least :data:`SMALL` units high; on a 390 px phone a
chart inside a fold is about 330 px wide, which keeps every label at 12 CSS px or more. Bars
are horizontal with their label on a line of its own above them, so a long competence or unit
name wraps instead of shrinking. Every chart carries a title and a one-sentence description for
screen readers (``role="img"``), and the page shows its figures as a table in a fold beside it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from markupsafe import Markup

WIDTH = 400
FONT = 16  # labels
SMALL = 15  # values, ticks and legends
LINE = 20  # height of a line of text
BAR = 18  # thickness of a bar
WRAP = 41  # characters of a label line at FONT
INK = "#1c2833"
CALM = "#2471a3"
ACCENT = "#b03a2e"
MUTED = "#717d7e"
GRID = "#d5d8dc"


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: ``value`` in ``[0, scale]``; ``mark`` draws a target line."""

    label: str
    value: float
    text: str  # the value as the reader sees it, beside the bar
    accent: bool = False
    mark: float | None = None


@dataclass
class Chart:
    """A chart and the data it shows, so the page can give both."""

    title: str
    description: str
    svg: Markup
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _text(x: float, y: float, text: str, size: int = FONT, **attributes: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{escape(text)}</text>'


def _open(height: float, title: str, description: str, key: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{key}-t {key}-d" '
        f'font-family="inherit" fill="{INK}"><title id="{key}-t">{escape(title)}</title>'
        f'<desc id="{key}-d">{escape(description)}</desc>'
    )


def bars(
    key: str,
    title: str,
    description: str,
    rows: Sequence[Bar],
    scale: float = 100.0,
    legend: Sequence[tuple[str, str]] = (),
) -> Markup:
    """Horizontal bars, each under its wrapped label; ``legend`` is (colour or "mark", text)."""
    parts: list[str] = []
    y = 4.0
    for colour, words in legend:
        if colour == "mark":
            parts.append(f'<rect x="4" y="{y + 2:.1f}" width="3" height="{SMALL}" fill="{INK}"/>')
        else:
            parts.append(f'<rect x="0" y="{y + 3:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(18, y + SMALL, words, SMALL))
        y += LINE
    if legend:
        y += 6
    room = WIDTH - 70  # the value is written after the bar
    for row in rows:
        for line in textwrap.wrap(row.label, WRAP) or [""]:
            parts.append(_text(0, y + FONT, line))
            y += LINE
        length = room * max(0.0, min(row.value, scale)) / scale if scale else 0.0
        colour = ACCENT if row.accent else CALM
        parts.append(f'<rect x="0" y="{y + 2:.1f}" width="{room}" height="{BAR}" fill="#eef1f3"/>')
        parts.append(
            f'<rect x="0" y="{y + 2:.1f}" width="{length:.1f}" height="{BAR}" fill="{colour}"/>'
        )
        if row.mark is not None:
            at = room * min(row.mark, scale) / scale
            parts.append(
                f'<rect x="{max(0.0, at - 1.5):.1f}" y="{y - 2:.1f}" width="3" '
                f'height="{BAR + 8}" fill="{INK}"/>'
            )
        parts.append(_text(room + 6, y + 2 + BAR - 4, row.text, SMALL))
        y += BAR + 14
    return Markup(_open(y, title, description, key) + "".join(parts) + "</svg>")


def timeline(
    key: str,
    title: str,
    description: str,
    actual: Sequence[tuple[date, float]],
    targets: Sequence[tuple[date, float]],
    today: date,
    legend: dict[str, str],
) -> Markup:
    """The share who completed by each day (a step line from 0) up to ``today``, the dated
    targets as diamonds labelled with their share, and today as a dashed line; shares in 0..1."""
    days = [d for d, _ in actual] + [d for d, _ in targets] + [today]
    first, last = min(days), max(days)
    span = max(1, (last - first).days)
    left, right, top, bottom = 48.0, WIDTH - 16.0, 2 * LINE + 14.0, 230.0

    def x(day: date) -> float:
        return left + (right - left) * (day - first).days / span

    def y(share: float) -> float:
        return bottom - (bottom - top) * min(max(share, 0.0), 1.0)

    parts = [
        f'<rect x="0" y="4" width="14" height="4" fill="{CALM}"/>',
        _text(20, 4 + SMALL - 4, legend["actual"], SMALL),
        f'<path d="M7 {LINE + 4} l6 6 -6 6 -6 -6z" fill="{ACCENT}"/>',
        _text(20, LINE + 4 + SMALL - 2, legend["targets"], SMALL),
    ]
    for share in (0.0, 0.5, 1.0):
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y(share):.1f}" y2="{y(share):.1f}" '
            f'stroke="{GRID}"/>'
        )
        parts.append(_text(left - 6, y(share) + 5, f"{100 * share:.0f}%", SMALL, text_anchor="end"))
    points = [(first, 0.0)] + [(d, s) for d, s in actual if d <= today]
    path = f"M{x(points[0][0]):.1f} {y(points[0][1]):.1f}"
    for (_, before), (day, share) in zip(points, points[1:], strict=False):
        path += f" H{x(day):.1f} V{y(share):.1f}" if share != before else f" H{x(day):.1f}"
    path += f" H{x(today):.1f}"
    parts.append(f'<path d="{path}" fill="none" stroke="{CALM}" stroke-width="4"/>')
    parts.append(
        f'<line x1="{x(today):.1f}" x2="{x(today):.1f}" y1="{top - 6}" y2="{bottom}" '
        f'stroke="{MUTED}" stroke-dasharray="5 4" stroke-width="2"/>'
    )
    for day, share in targets:
        cx, cy = x(day), y(share)
        parts.append(f'<path d="M{cx:.1f} {cy - 8:.1f} l8 8 -8 8 -8 -8z" fill="{ACCENT}"/>')
        anchor = "end" if cx > right - 30 else "middle"
        parts.append(_text(cx, cy + 24, f"{100 * share:.0f}%", SMALL, text_anchor=anchor))
    ticks = {first: "start", today: "middle", last: "end"}
    if x(today) - x(first) < 90:
        ticks.pop(first)
    if x(last) - x(today) < 90:
        ticks.pop(last, None)
        ticks[today] = "end"
    for day, anchor in ticks.items():
        parts.append(
            _text(x(day), bottom + LINE, day.strftime(legend["date"]), SMALL, text_anchor=anchor)
        )
    anchor = ticks.get(today, "middle")
    parts.append(_text(x(today), bottom + 2 * LINE, legend["today"], SMALL, text_anchor=anchor))
    height = bottom + 2 * LINE + 6
    return Markup(_open(height, title, description, key) + "".join(parts) + "</svg>")
