"""The roll-up rules, from item scores to steps per competence and to completed paths.

This module is the only place these rules live; ``docs/rollup.md`` explains them for people.

* Evidence for a competence is every graded item tagged with it. An item tagged with two
  competences counts in full for each.
* A manually graded item counts once an instructor has scored it; until then it is *pending*
  and counts neither in the points earned nor in the points available.
* ``score`` is the fraction of the available points earned (0 when nothing is available yet).
* A step *s* is attained when the learner earned at least ``mastery`` (default 80 %) of the
  available points of the items that target step *s* or below. Steps are tried from the lowest
  target step up and the climb stops at the first step not attained, so a learner never holds a
  step without the ones below it. The step attained is the highest one reached, 0 for none.
* A learning path is completed when every competence it requires is attained at the required
  step or above; it was completed when the last submission giving evidence for it was made.
* Of several graded attempts at an assignment, the ``latest`` policy (nbgrader's behaviour)
  counts the one the gradebook holds, ``best`` the one with the most points
  (``graders.attempts`` keeps and picks them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curriculum.framework import LearningPath

DEFAULT_MASTERY = 0.8
ATTEMPT_POLICIES = ("latest", "best")


@dataclass(frozen=True)
class RollupPolicy:
    mastery: float = DEFAULT_MASTERY
    attempts: str = "latest"

    def __post_init__(self) -> None:
        if not 0 < self.mastery <= 1:
            raise ValueError(f"mastery threshold must be in (0, 1], not {self.mastery}")
        if self.attempts not in ATTEMPT_POLICIES:
            raise ValueError(f"attempts policy must be one of {ATTEMPT_POLICIES}")


@dataclass(frozen=True)
class Evidence:
    """One graded item's result for one learner; ``score`` is None while a grade is pending."""

    assignment: str
    notebook: str
    cell: str
    step: int
    score: float | None
    max_score: float
    attempt: int | None = None  # which graded attempt of the assignment, 1 for the first
    attempts: int | None = None  # how many graded attempts there were
    submitted_at: str | None = None  # when that attempt was submitted (ISO 8601, UTC)

    @property
    def pending(self) -> bool:
        return self.score is None


@dataclass
class CompetenceResult:
    competence: str
    step: int
    score: float
    earned: float
    available: float
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def pending(self) -> list[Evidence]:
        return [e for e in self.evidence if e.pending]


@dataclass(frozen=True)
class PathProgress:
    path: str
    required: int
    met: int
    missing: tuple[str, ...]
    completed_at: str | None = None

    @property
    def completed(self) -> bool:
        return self.met == self.required


def attained_step(evidence: list[Evidence], policy: RollupPolicy) -> int:
    """The highest step reached without a gap, by the mastery rule above."""
    graded = [e for e in evidence if not e.pending]
    attained = 0
    for target in sorted({e.step for e in graded}):
        below = [e for e in graded if e.step <= target]
        available = sum(e.max_score for e in below)
        earned = sum(e.score or 0.0 for e in below)
        if available <= 0 or earned < policy.mastery * available:
            break
        attained = target
    return attained


def competence_result(
    competence: str, evidence: list[Evidence], policy: RollupPolicy
) -> CompetenceResult:
    graded = [e for e in evidence if not e.pending]
    available = sum(e.max_score for e in graded)
    earned = sum(e.score or 0.0 for e in graded)
    return CompetenceResult(
        competence=competence,
        step=attained_step(evidence, policy),
        score=round(earned / available, 4) if available else 0.0,
        earned=earned,
        available=available,
        evidence=list(evidence),
    )


def path_progress(path: LearningPath, results: dict[str, CompetenceResult]) -> PathProgress:
    missing = tuple(
        r.competence
        for r in path.requirements
        if r.competence not in results or results[r.competence].step < r.step
    )
    dates = [
        e.submitted_at
        for r in path.requirements
        if r.competence in results
        for e in results[r.competence].evidence
        if e.submitted_at
    ]
    return PathProgress(
        path=path.id,
        required=len(path.requirements),
        met=len(path.requirements) - len(missing),
        missing=missing,
        completed_at=max(dates) if dates and not missing else None,
    )
