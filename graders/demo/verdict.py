"""What the demo planted, against what grading and the integrity check reported.

The demo plants faults (:data:`graders.demo.synthetic.FAULTS`) so that a newcomer sees them
caught. Its closing summary says which were caught, which were missed (the demo then fails: a
grader that misses a planted fault would miss a real one) and what was reported that the demo
did not plant. Two findings of the integrity check follow from how the synthetic cohort is made
and are expected, not faults: near-identical answers (every synthetic answer is the model, the
demo's one wrong answer or one of its few written texts, so learners who lost points on the same
question look alike) and grades changed by hand (the synthetic instructor's scores).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graders.demo.synthetic import FAILED, FLAGGED, Fault
from graders.grading.grade import Outcome
from graders.integrity.findings import IntegrityReport, fast_text

LABELS = {FAILED: "could not grade", FLAGGED: "flagged"}
MARK = "(planted by the demo)"


def reports(outcome: Outcome) -> list[tuple[str, str]]:
    """What grading reported on one submission, as (kind, text): why it could not be graded,
    and each flag."""
    failed = [(FAILED, outcome.message)] if outcome.status == FAILED else []
    return failed + [(FLAGGED, flag) for flag in outcome.flags]


def report_line(learner: str, kind: str, text: str, fault: Fault | None) -> str:
    """One report of grading as the demo prints it, marked when it is the learner's planted
    fault, so that a newcomer does not take it for a failure of the demo."""
    mark = f" {MARK}" if fault is not None and fault.explains(kind, text) else ""
    return f"{LABELS[kind]} {learner}{mark}: {text}"


@dataclass
class Observed:
    """What the demo planted and did, and what grading reported, assignment by assignment."""

    planted: dict[str, Fault]  # learner -> the fault planted in their submissions
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)  # assignment -> grading's
    scored: int = 0  # written answers the synthetic instructor scored


@dataclass
class Verdict:
    """The closing summary: planted faults caught and missed, expected and unexpected findings."""

    caught: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as the demo prints it last, so that its verdict is what a newcomer reads."""
        lines = ["Faults the demo planted, to show that grading catches them:"]
        lines += [f"  caught: {line}" for line in self.caught]
        lines += [f"  NOT CAUGHT: {line}" for line in self.missed]
        if self.expected:
            lines.append("Expected from `bdhvs integrity`, from how the demo is made:")
            lines += [f"  {line}" for line in self.expected]
        if self.unexpected:
            lines.append("UNEXPECTED: problems the demo did not plant:")
            lines += [f"  {line}" for line in self.unexpected]
        else:
            lines.append("Nothing else was reported: no problem the demo did not plant.")
        return lines


def compare(observed: Observed, integrity: IntegrityReport) -> Verdict:
    """Match every report of grading and of the integrity check with what the demo planted."""
    verdict = Verdict()
    caught: dict[str, set[str]] = {learner: set() for learner in observed.planted}
    for assignment, outcomes in observed.outcomes.items():
        for outcome in outcomes:
            fault = observed.planted.get(outcome.learner)
            for kind, text in reports(outcome):
                if fault is not None and fault.explains(kind, text):
                    caught[outcome.learner].add(assignment)
                else:
                    verdict.unexpected.append(
                        f"{assignment}: {LABELS[kind]} {outcome.learner}: {text}"
                    )
    total = len(observed.outcomes)
    for learner, fault in sorted(observed.planted.items()):
        missing = [a for a in observed.outcomes if a not in caught[learner]]
        if missing:
            verdict.missed.append(
                f"{learner} {fault.planted}; grading did not report it as "
                f'"{LABELS[fault.kind]}" in {len(missing)} of {total} assignments: '
                f"{', '.join(missing)}"
            )
        else:
            verdict.caught.append(
                f'{learner} {fault.planted}: "{LABELS[fault.kind]}" in all {total} assignments'
            )
    _compare_integrity(observed, integrity, verdict)
    return verdict


def _compare_integrity(observed: Observed, integrity: IntegrityReport, verdict: Verdict) -> None:
    groups = sum(len(found.groups) for found in integrity.assignments)
    for found in integrity.assignments:
        for problem in found.problems:  # "<learner>: <what could not be read>"
            fault = observed.planted.get(problem.split(":", 1)[0])
            if fault is None or not fault.explains(FAILED, problem):
                verdict.unexpected.append(f"{found.assignment}: integrity check: {problem}")
        verdict.unexpected += [
            f"{found.assignment}: implausibly fast: {fast_text(fast)}" for fast in found.fast
        ]
    if groups:
        verdict.expected.append(
            f"{groups} groups of near-identical answers: synthetic learners pick from the same "
            "few stock answers, so their wrong ones match"
        )
    changes = len(integrity.changes)
    if changes != observed.scored:
        verdict.unexpected.append(
            f"{changes} grades changed by hand, but the demo's instructor scored {observed.scored}"
        )
    elif changes:
        verdict.expected.append(
            f"{changes} grades changed by hand: the written answers the demo's instructor scored "
            "(normal grading, which the report does not list as findings)"
        )
