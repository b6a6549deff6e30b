"""The report's charts of competences and scores, with the data each shows."""

from __future__ import annotations

import numpy as np

from graders.report import svg
from graders.report.data import CohortResults


def competence_shares(results: CohortResults) -> np.ndarray:
    """Per competence, the share of learners who attained step 1 or above."""
    if not len(results.learners):
        return np.zeros(len(results.competences))
    return (results.steps >= 1).mean(axis=0)


def attainment_chart(
    key: str, labels: list[str], shares: list[float], t: dict[str, str], title: str
) -> svg.Chart:
    """Competences as bars of the share who attained them."""
    bars = [
        svg.Bar(label, 100 * s, f"{100 * s:.0f}%") for label, s in zip(labels, shares, strict=True)
    ]
    text = t["attainment_text"]
    return svg.Chart(
        title,
        text,
        svg.bars(key, title, text, bars),
        [t["competence"], t["share"]],
        [[b.label, b.text] for b in bars],
    )


def step_chart(results: CohortResults, t: dict[str, str]) -> svg.Chart:
    """How many learner x competence pairs reached each step."""
    counts = np.bincount(results.steps.ravel().astype(int), minlength=1)
    total = max(1, int(counts.sum()))
    bars = [
        svg.Bar(t["step_n"].format(step=s), 100 * int(c) / total, f"{int(c)}")
        for s, c in enumerate(counts.tolist())
    ]
    return svg.Chart(
        t["steps"],
        t["steps_text"],
        svg.bars("steps", t["steps"], t["steps_text"], bars),
        [t["step"], t["count"]],
        [[b.label, b.text] for b in bars],
    )


def score_chart(scores: list[float], t: dict[str, str]) -> svg.Chart:
    """Submissions per tenth of the points."""
    counts, _ = np.histogram(np.asarray(scores, dtype=float), bins=10, range=(0, 100))
    top = max(1, int(counts.max()))
    bars = [
        svg.Bar(f"{10 * n}–{10 * n + 10}%", 100 * int(c) / top, f"{int(c)}")
        for n, c in enumerate(counts.tolist())
    ]
    return svg.Chart(
        t["scores"],
        t["scores_text"],
        svg.bars("scores", t["scores"], t["scores_text"], bars),
        [t["score_pct"], t["count"]],
        [[b.label, b.text] for b in bars],
    )
