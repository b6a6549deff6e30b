"""The roll-up rules, from item scores to steps per competence and to completed paths.

This module is the only place these rules live, but for the paths': a learning path's
completion is worked out for whole spans of learners at once, as arrays, by
:meth:`graders.records.maker.RecordMaker.path_tables` alone (records and report alike).
``docs/rollup.md`` explains the rules for people.

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
  (``graders.gradebook.attempts`` keeps and picks them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graders.gradebook.policies import ATTEMPT_POLICIES

DEFAULT_MASTERY = 0.8


@dataclass(frozen=True)
class RollupPolicy:
    mastery: float = DEFAULT_MASTERY
    attempts: str = "latest"

    def __post_init__(self) -> None:
        if not 0 < self.mastery <= 1:
            raise ValueError(f"mastery threshold must be in (0, 1], not {self.mastery}")
        if self.attempts not in ATTEMPT_POLICIES:
            raise ValueError(f"attempts policy must be one of {ATTEMPT_POLICIES}")


#: One graded item's result for one learner, as the record's ``evidence`` lists it: keys
#: ``assignment``, ``notebook``, ``cell``, ``target_step``, ``score`` (None while a grade is
#: pending) and ``max_score``.
Evidence = dict[str, Any]


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
        return [e for e in self.evidence if e["score"] is None]

    @cached_property
    def assignments(self) -> frozenset[str]:
        """The assignments giving evidence; kept, as a result serves many learners."""
        return frozenset(e["assignment"] for e in self.evidence)


def attained_step(evidence: list[Evidence], policy: RollupPolicy) -> int:
    """The highest step reached without a gap, by the mastery rule above."""
    return _step_and_totals(evidence, policy.mastery)[0]


def competence_result(
    competence: str, evidence: list[Evidence], policy: RollupPolicy
) -> CompetenceResult:
    step, earned, available = _step_and_totals(evidence, policy.mastery)
    return CompetenceResult(
        competence=competence,
        step=step,
        score=round(earned / available, 4) if available else 0.0,
        earned=earned,
        available=available,
        evidence=evidence,
    )


def _step_and_totals(evidence: list[Evidence], mastery: float) -> tuple[int, float, float]:
    """(step attained, points earned, points available), in one pass over the evidence: this
    runs for every learner and competence of a national cohort."""
    by_step: dict[int, list[float]] = {}
    for e in evidence:
        score = e["score"]
        if score is None:
            continue
        totals = by_step.get(e["target_step"])
        if totals is None:
            by_step[e["target_step"]] = [score, e["max_score"]]
        else:
            totals[0] += score
            totals[1] += e["max_score"]
    attained = 0
    earned = available = 0.0
    climbing = True
    for target in sorted(by_step):
        earned += by_step[target][0]
        available += by_step[target][1]
        if climbing and available > 0 and earned >= mastery * available:
            attained = target
        else:
            climbing = False
    return attained, earned, available
