"""The roll-up rules: from item scores to steps, and from steps to completed paths."""

import pytest

from curriculum.framework import LearningPath, Requirement
from graders.records.rollup import (
    CompetenceResult,
    Evidence,
    RollupPolicy,
    attained_step,
    competence_result,
)

from resultkit import path_progress

POLICY = RollupPolicy()


def item(step: int, score: float | None, max_score: float = 1.0, cell: str = "c") -> Evidence:
    return {
        "assignment": "a",
        "notebook": "nb",
        "cell": cell,
        "target_step": step,
        "score": score,
        "max_score": max_score,
    }


def test_no_evidence_means_step_zero():
    assert attained_step([], POLICY) == 0
    assert competence_result("4.2", [], POLICY).score == 0.0


def test_full_marks_reach_the_highest_target_step():
    assert attained_step([item(1, 1), item(2, 2, 2)], POLICY) == 2


def test_mastery_threshold_is_inclusive_and_configurable():
    evidence = [item(1, 4, 5)]  # exactly 80 %
    assert attained_step(evidence, POLICY) == 1
    assert attained_step(evidence, RollupPolicy(mastery=0.9)) == 0


def test_higher_step_needs_the_cumulative_points_up_to_it():
    # step 1 mastered (2/2), step 2 items all wrong: 2/6 overall is below 80 %
    evidence = [item(1, 2, 2), item(2, 0, 4)]
    assert attained_step(evidence, POLICY) == 1


def test_no_step_is_held_without_the_ones_below():
    # the step-1 item is failed; step-2 item success must not lift the learner to step 2
    evidence = [item(1, 0, 1), item(2, 9, 9)]
    assert attained_step(evidence, POLICY) == 0


def test_pending_manual_grades_count_neither_earned_nor_available():
    evidence = [item(1, 1, 1), item(2, None, 4, cell="written")]
    result = competence_result("2.6", evidence, POLICY)
    assert result.step == 1
    assert result.available == 1
    assert [e["cell"] for e in result.pending] == ["written"]


def test_score_is_the_fraction_of_available_points():
    result = competence_result("4.1", [item(1, 1, 2), item(1, 2, 2)], POLICY)
    assert result.score == 0.75


def test_policy_rejects_thresholds_outside_zero_to_one():
    with pytest.raises(ValueError):
        RollupPolicy(mastery=0)
    with pytest.raises(ValueError):
        RollupPolicy(mastery=1.5)


def test_path_is_completed_only_when_every_requirement_is_met():
    path = LearningPath("p", "vi", "en", (Requirement("4.1", 2), Requirement("4.2", 1)), ())
    results = {
        "4.1": CompetenceResult("4.1", 2, 1.0, 1, 1),
        "4.2": CompetenceResult("4.2", 0, 0.0, 0, 1),
    }
    progress = path_progress(path, results)
    assert not progress.completed and progress.missing == ("4.2",) and progress.met == 1
    results["4.2"].step = 1
    assert path_progress(path, results).completed


def test_requirement_on_an_unassessed_competence_is_not_met():
    path = LearningPath("p", "vi", "en", (Requirement("6.1", 1),), ())
    assert path_progress(path, {}).missing == ("6.1",)
