"""Cohort plots as PNG data URIs, so a report is one file that opens offline."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.figure import Figure  # noqa: E402

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
    axes.hist(values, bins=bins, range=(0, 100), color=CALM, edgecolor="white")
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
