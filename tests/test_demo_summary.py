"""The demo's closing summary: planted faults caught or missed, unexpected findings named."""

import random

from graders.demo.synthetic import FAILED, FAULTS, FLAGGED, cohort, planted
from graders.demo.verdict import MARK, Observed, compare, report_line
from graders.grading.grade import Outcome
from graders.integrity.audit import ManualChange
from graders.integrity.findings import AssignmentIntegrity, IntegrityReport
from graders.integrity.similarity import Group, Pair

ASSIGNMENTS = ("an_toan_so", "du_lieu")


def members_and_faults():
    members = cohort(6, random.Random(1))
    faults = planted(members)
    by_profile = {fault.profile: learner for learner, fault in faults.items()}
    return members, faults, by_profile


def outcomes_catching(faults: dict, learners: list[str], skip: set[str] = frozenset()):
    """What grading reports when it catches every planted fault but those of ``skip``."""
    outcomes = []
    for learner in learners:
        fault = faults.get(learner)
        if fault is None or learner in skip:
            outcomes.append(Outcome(learner, "graded", 5, 10))
        elif fault.kind == FAILED:
            outcomes.append(
                Outcome(learner, "failed", message="x.ipynb is not valid JSON (line 3)")
            )
        else:
            flag = "x.ipynb: deleted graded cells restored for grading: cau_1_kiem_tra"
            outcomes.append(Outcome(learner, "graded", 9, 10, flags=[flag]))
    return outcomes


def scored_by_hand(learner: str) -> ManualChange:
    """The audit trail's row for a written answer the instructor scored."""
    unchanged = {"old_extra_credit": None, "new_extra_credit": None, "db_user": None}
    return ManualChange(
        changed_at="2025-01-01T00:00:00Z",
        learner=learner,
        assignment="an_toan_so",
        notebook="an_toan_so",
        cell="cau_13_bai_viet",
        old_manual_score=None,
        new_manual_score=1.0,
        actor="instructor",
        program="bdhvs demo",
        **unchanged,
    )


def observed(skip: set[str] = frozenset()) -> Observed:
    members, faults, _ = members_and_faults()
    learners = [m.id for m in members]
    outcomes = {a: outcomes_catching(faults, learners, skip) for a in ASSIGNMENTS}
    return Observed(faults, outcomes, scored=2)


def integrity(groups=(), problems=(), changes=2) -> IntegrityReport:
    found = AssignmentIntegrity("an_toan_so", 6, list(groups), 0, [], list(problems))
    return IntegrityReport([found], [scored_by_hand("hv001") for _ in range(changes)])


def test_the_cohort_plants_every_fault_in_one_learner():
    _, faults, by_profile = members_and_faults()
    assert sorted(by_profile) == sorted(fault.profile for fault in FAULTS)
    assert len(faults) == len(FAULTS)


def test_every_planted_fault_caught_and_the_cohorts_own_findings_expected():
    _, _, by_profile = members_and_faults()
    corrupt = by_profile["corrupt"]
    same_text = Pair("hv003", "hv005", 5.0, {"an_toan_so/cau_13_bai_viet": 5.0}, 1.0)
    problem = f"{corrupt}: an_toan_so.ipynb is not valid JSON (line 3)"
    verdict = compare(
        observed(), integrity([Group(("hv003", "hv005"), 1.0, (same_text,))], [problem])
    )
    assert verdict.missed == [] and verdict.unexpected == []
    assert len(verdict.caught) == len(FAULTS)
    for fault in FAULTS:
        learner = by_profile[fault.profile]
        assert any(line.startswith(f"{learner} {fault.planted}") for line in verdict.caught)
    assert verdict.caught[0].endswith(f"in all {len(ASSIGNMENTS)} assignments")
    assert any("1 groups of near-identical answers" in line for line in verdict.expected)
    assert any("2 grades changed by hand" in line for line in verdict.expected)
    assert "Nothing else was reported" in "\n".join(verdict.lines())


def test_a_planted_fault_grading_did_not_catch_is_reported_as_missed():
    _, _, by_profile = members_and_faults()
    tampered = by_profile["deleted_test"]
    verdict = compare(observed(skip={tampered}), integrity())
    assert len(verdict.missed) == 1 and verdict.missed[0].startswith(tampered)
    assert f"2 of 2 assignments: {', '.join(ASSIGNMENTS)}" in verdict.missed[0]
    assert f"  NOT CAUGHT: {verdict.missed[0]}" in verdict.lines()
    assert len(verdict.caught) == len(FAULTS) - 1


def test_a_fault_caught_in_only_some_assignments_is_missed():
    demo = observed()
    _, _, by_profile = members_and_faults()
    corrupt = by_profile["corrupt"]
    demo.outcomes["du_lieu"] = [
        Outcome(o.learner, "graded", 5, 10) if o.learner == corrupt else o
        for o in demo.outcomes["du_lieu"]
    ]
    verdict = compare(demo, integrity())
    assert [line.split(" ", 1)[0] for line in verdict.missed] == [corrupt]
    assert "1 of 2 assignments: du_lieu" in verdict.missed[0]


def test_problems_the_demo_did_not_plant_are_unexpected():
    demo = observed()
    members, faults, by_profile = members_and_faults()
    honest = next(m.id for m in members if m.id not in faults)
    demo.outcomes["an_toan_so"].append(Outcome(honest, "graded", 5, 10, flags=["left 1 processes"]))
    tampered = by_profile["deleted_test"]
    problems = [f"{tampered}: an_toan_so.ipynb is not valid JSON"]
    verdict = compare(demo, integrity([], problems, changes=3))
    assert verdict.missed == []
    assert verdict.unexpected == [
        f"an_toan_so: flagged {honest}: left 1 processes",
        f"an_toan_so: integrity check: {tampered}: an_toan_so.ipynb is not valid JSON",
        "3 grades changed by hand, but the demo's instructor scored 2",
    ]
    assert "UNEXPECTED: problems the demo did not plant:" in verdict.lines()


def test_only_the_planted_fault_is_marked_as_planted():
    fault = next(f for f in FAULTS if f.kind == FLAGGED)
    flag = "x.ipynb: deleted graded cells restored for grading: cau_1_kiem_tra"
    assert report_line("hv002", FLAGGED, flag, fault) == f"flagged hv002 {MARK}: {flag}"
    assert report_line("hv002", FLAGGED, "left 1 process", fault) == "flagged hv002: left 1 process"
    assert MARK not in report_line("hv002", FAILED, flag, fault)
    assert MARK not in report_line("hv003", FLAGGED, flag, None)
