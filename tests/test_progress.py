"""Self-learner progress: self-checks roll up by competence, exported as not verified."""

import json
import shutil

import pytest

from curriculum.toolkit.answers import FORMAT
from curriculum.toolkit.progress import competence_progress, progress_widget, self_assessed_record
from curriculum.toolkit.selfcheck import run_visible_checks

from conftest import notebooks_of, run_bdhvs

ASSIGNMENT = "an_toan_so"


@pytest.fixture
def learner_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("BDHVS_HOME", str(home))
    return home


def copy_release(course, tmp_path, name="work"):
    folder = tmp_path / name
    shutil.copytree(course.release_dir / ASSIGNMENT, folder)
    return notebooks_of(folder)[0]


def write_answers(folder, answers):
    entries = {qid: {"value": value, "changes": 1, "at": None} for qid, value in answers.items()}
    payload = {"format": FORMAT, "sheet": ASSIGNMENT, "answers": entries}
    (folder / f"{ASSIGNMENT}.answers.json").write_text(json.dumps(payload), encoding="utf-8")


def test_every_option_of_a_widget_question_gets_the_same_self_check_verdicts(
    built_course, tmp_path
):
    """The checker is no oracle: trying each option reveals nothing about the hidden answer."""
    notebook = copy_release(built_course, tmp_path)
    verdicts = set()
    for option in "ABCD":
        write_answers(notebook.parent, {"cau_1": option, "cau_9": option})
        check = run_visible_checks(notebook)
        verdicts.add(tuple((r.cell, r.passed, r.message) for r in check.results))
    assert len(verdicts) == 1
    (verdict,) = verdicts
    assert dict((cell, passed) for cell, passed, _ in verdict)["cau_1_kiem_tra"] is True


def test_self_checks_roll_up_by_competence_and_export_as_not_verified(
    built_course, tmp_path, learner_home
):
    blank = copy_release(built_course, tmp_path, "blank")
    env = {"BDHVS_HOME": str(learner_home)}
    assert run_bdhvs("check", str(blank), env=env).returncode == 0
    progress = competence_progress()
    assert progress and all(entry["passed"] == 0 for entry in progress.values())

    write_answers(blank.parent, {"cau_1": "A", "cau_3": ["a"], "cau_9": "A"})
    assert run_bdhvs("check", str(blank), env=env).returncode == 0
    progress = competence_progress()
    assert progress["2.6"]["passed"] >= 1  # question 1 now answered: its visible check passes
    assert all(entry["items"] >= entry["passed"] for entry in progress.values())

    record = self_assessed_record("hv001")
    assert record["verified"] is False and "giảng viên" in record["note"]
    assert record["competences"] == json.loads(json.dumps(progress))
    assert record["notebooks"] == [blank.name]


def test_a_damaged_progress_store_counts_as_empty(learner_home):
    learner_home.mkdir()
    (learner_home / "self-checks.json").write_text("not json", encoding="utf-8")
    assert competence_progress() == {}
    assert "Chưa có lần tự kiểm tra" in progress_widget().children[1].value


def test_check_command_keeps_progress_only_for_the_latest_check(built_course, tmp_path):
    home = tmp_path / "h"
    notebook = copy_release(built_course, tmp_path)
    for _ in range(2):
        result = run_bdhvs("check", str(notebook), env={"BDHVS_HOME": str(home)})
        assert result.returncode == 0, result.stderr
    stored = json.loads((home / "self-checks.json").read_text(encoding="utf-8"))
    assert list(stored["checks"]) == [str(notebook.resolve())]
