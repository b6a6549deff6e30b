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
  step or above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curriculum.framework import LearningPath

DEFAULT_MASTERY = 0.8


@dataclass(frozen=True)
class RollupPolicy:
    mastery: float = DEFAULT_MASTERY

    def __post_init__(self) -> None:
        if not 0 < self.mastery <= 1:
            raise ValueError(f"mastery threshold must be in (0, 1], not {self.mastery}")


@dataclass(frozen=True)
class Evidence:
    """One graded item's result for one learner; ``score`` is None while a grade is pending."""

    assignment: str
    notebook: str
    cell: str
    step: int
    score: float | None
    max_score: float

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
    return PathProgress(
        path=path.id,
        required=len(path.requirements),
        met=len(path.requirements) - len(missing),
        missing=missing,
    )
