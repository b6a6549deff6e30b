"""Who needs help, and every learner's row of the report's learner table.

The table of a national cohort would be 100,000 rows of HTML: a browser takes seconds to lay
them out. The report embeds the rows as compact JSON instead, and a small script in the page
shows them 50 at a time with a search, so the page opens as fast for 100,000 learners as for 50.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from markupsafe import Markup

from curriculum.modules import load_modules
from graders.report.data import STATUSES, CohortResults

#: Why a learner needs help, most urgent first; a learner is listed under the first that holds.
REASONS = ("failed", "missing", "weak")


def help_reasons(results: CohortResults) -> np.ndarray:
    """Per learner, the index in :data:`REASONS` of why they need help, or -1.

    - ``failed``: a submission could not be graded;
    - ``missing``: an assignment most of the cohort submitted, this learner did not;
    - ``weak``: graded, but no step attained in more than half of the assessed competences.
    """
    status = results.status
    failed = (status == STATUSES.index("failed")).any(axis=1)
    submitted = status != STATUSES.index("not_submitted")
    usual = submitted.mean(axis=0) >= 0.5 if len(status) else np.zeros(status.shape[1], bool)
    missing = (~submitted[:, usual]).any(axis=1)
    graded = (status == STATUSES.index("graded")).any(axis=1)
    total = len(results.competences)
    weak = graded & ((results.steps == 0).sum(axis=1) > total / 2) if total else graded & False
    reasons = np.full(len(results.learners), -1, dtype=np.int8)
    for index in reversed(range(len(REASONS))):
        reasons[(failed, missing, weak)[index]] = index
    return reasons


def teaching(competences: list[str]) -> np.ndarray:
    """competence x module: whether the module teaches the competence."""
    modules = load_modules()
    return np.array([[c in m.competences for m in modules] for c in competences], dtype=bool)


def modules_for(gaps: set[str], lang: str) -> str:
    """The modules that teach these not yet attained competences, in module order."""
    competences = sorted(gaps)
    needed = teaching(competences).any(axis=0) if competences else []
    return "; ".join(m.title(lang) for m, n in zip(load_modules(), needed, strict=False) if n)


def learner_table(results: CohortResults, reasons: np.ndarray, lang: str) -> Markup:
    """Every learner as JSON for the page's script: ``rows`` of [id, unit index, competences
    attained, awaiting an instructor (0/1), reason index or -1, the modules to take next as a
    bit mask over ``modules``], with the lists the indices point into."""
    units = sorted({u or "" for u in results.units})
    unit_index = {u: n for n, u in enumerate(units)}
    gaps = results.steps == 0
    needed = (gaps.astype(np.int32) @ teaching(results.competences).astype(np.int32)) > 0
    masks = (needed.astype(np.int64) << np.arange(needed.shape[1], dtype=np.int64)).sum(axis=1)
    attained = (~gaps).sum(axis=1).tolist()
    waiting = (results.pending.sum(axis=1) > 0).astype(int).tolist()
    rows = [
        [learner, unit_index[unit or ""], count, wait, reason, mask]
        for learner, unit, count, wait, reason, mask in zip(
            results.learners,
            results.units,
            attained,
            waiting,
            reasons.tolist(),
            masks.tolist(),
            strict=True,
        )
    ]
    data: dict[str, Any] = {
        "units": units,
        "competences": len(results.competences),
        "modules": [m.title(lang) for m in load_modules()],
        "rows": rows,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("</", "<\\/"))
