"""Cohort plots as PNG data URIs, so a report is one file that opens offline."""

from __future__ import annotations

import base64
import io
from datetime import date

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

ACCENT = "#c0392b"
CALM = "#2e86c1"
MUTED = "#95a5a6"


def to_data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def attainment_bars(labels: list[str], shares_by_step: dict[str, list[float]], title: str) -> str:
    """Horizontal bars: for each label, the share of learners at each named threshold."""
    height = max(2.5, 0.45 * len(labels) * len(shares_by_step) + 1)
    figure, axes = plt.subplots(figsize=(8, height))
    colours = [CALM, ACCENT, MUTED]
    bar = 0.8 / max(1, len(shares_by_step))
    for offset, (name, shares) in enumerate(shares_by_step.items()):
        positions = [i + offset * bar for i in range(len(labels))]
        axes.barh(
            positions,
            [100 * s for s in shares],
            height=bar,
            label=name,
            color=colours[offset % len(colours)],
        )
    axes.set_yticks([i + bar * (len(shares_by_step) - 1) / 2 for i in range(len(labels))])
    axes.set_yticklabels(labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.set_title(title)
    axes.legend(loc="lower right", fontsize="small")
    axes.grid(axis="x", alpha=0.3)
    return to_data_uri(figure)


def histogram(values: list[float], bins: int, title: str, xlabel: str, ylabel: str) -> str:
    figure, axes = plt.subplots(figsize=(8, 3.2))
    # an array: matplotlib walks a list of a national cohort's scores one by one
    axes.hist(
        np.asarray(values, dtype=float), bins=bins, range=(0, 100), color=CALM, edgecolor="white"
    )
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(axis="y", alpha=0.3)
    return to_data_uri(figure)


def step_distribution(steps: list[int], counts: list[int], title: str, xlabel: str) -> str:
    figure, axes = plt.subplots(figsize=(8, 3.2))
    axes.bar([str(s) for s in steps], counts, color=[MUTED] + [CALM] * (len(steps) - 1))
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.grid(axis="y", alpha=0.3)
    return to_data_uri(figure)


def target_progress(
    labels: list[str],
    shares: list[float],
    below: list[bool],
    due: list[float | None],
    upcoming: list[float | None],
    notes: list[str],
    legend: dict[str, str],
    title: str,
) -> str:
    """One bar per row (unit and group): the share completed, with the target due (solid mark)
    and the next target (dashed mark); rows below their due target are drawn in the accent."""
    figure, axes = plt.subplots(figsize=(8, max(2.2, 0.32 * len(labels) + 1.3)))
    rows = range(len(labels))
    colours = [ACCENT if b else CALM for b in below]
    axes.barh(rows, [100 * s for s in shares], height=0.6, color=colours)
    for marks, style, name in ((due, "-", "due"), (upcoming, "--", "next")):
        points = [(r, 100 * m) for r, m in zip(rows, marks, strict=True) if m is not None]
        if points:
            axes.vlines(
                [x for _, x in points],
                [r - 0.42 for r, _ in points],
                [r + 0.42 for r, _ in points],
                colors="#1c2833",
                linestyles=style,
                linewidth=1.6,
                label=legend[name],
            )
    for row, share, note in zip(rows, shares, notes, strict=True):
        axes.text(min(100 * share, 100) + 1, row, note, va="center", fontsize="x-small")
    axes.set_yticks(list(rows))
    axes.set_yticklabels(labels, fontsize="small")
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xlabel("%")
    axes.set_title(title, pad=26)
    handles, _ = axes.get_legend_handles_labels()
    handles += [Patch(color=ACCENT, label=legend["below"]), Patch(color=CALM, label=legend["ok"])]
    axes.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize="small"
    )
    axes.grid(axis="x", alpha=0.3)
    return to_data_uri(figure)


def completion_over_time(
    series: dict[str, list[tuple[date, float]]],
    targets: dict[str, list[tuple[date, float]]],
    today: date,
    legend: dict[str, str],
    title: str,
) -> str:
    """Per group, the cumulative share that completed its path against its dated targets."""
    figure, axes = plt.subplots(figsize=(8, 3.6))
    palette = [CALM, "#27ae60", "#8e44ad", "#d68910"]
    for index, (group, points) in enumerate(series.items()):
        colour = palette[index % len(palette)]
        if points:
            days = [d for d, _ in points] + [today]
            values = [100 * v for _, v in points] + [100 * points[-1][1]]
            axes.step(days, values, where="post", color=colour, label=group)
        else:
            axes.plot([today], [0], marker="o", color=colour, label=group)
        dated = targets.get(group, [])
        axes.plot(
            [d for d, _ in dated],
            [100 * s for _, s in dated],
            linestyle=":",
            marker="D",
            color=colour,
        )
    axes.axvline(today, color=MUTED, linewidth=1, label=legend["today"])
    axes.plot([], [], linestyle=":", marker="D", color="#1c2833", label=legend["targets"])
    axes.set_ylim(0, 105)
    axes.set_ylabel("%")
    axes.set_title(title)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    figure.autofmt_xdate()
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    axes.grid(alpha=0.3)
    return to_data_uri(figure)
