"""Tasks in simulated apps: every tap is recorded as plain data, saved, and replayed later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import nbformat
import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import MAX_ACTIONS, AppTask, Refused
from curriculum.toolkit.scoring import checkpoint_credit, happened, happened_before

from appkit import button_labels, note, tap, type_into

SHEET = "bai_1"


class Lamp(AppTask):
    """A lamp with a switch, and a form to name it: the smallest app with a screen and a form."""

    title = "Đèn"

    def start(self) -> dict[str, Any]:
        return {"on": False, "name": ""}

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if action["action"] == "switch":
            state["on"] = not state["on"]
        elif action["action"] == "rename":
            if not str(action.get("name", "")).strip():
                raise Refused("Hãy gõ tên đèn.")
            state["name"] = action["name"].strip()
        else:
            raise Refused("Không có nút này.")

    def screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        label = "Tắt đèn" if state["on"] else "Bật đèn"
        return [
            self.note(f"Đèn {state['name'] or 'chưa đặt tên'}"),
            self.button(label, "switch"),
            self.form({"name": "Tên đèn"}, "Lưu tên", "rename"),
        ]


def test_taps_are_recorded_in_order_and_saved_to_the_answer_file(sheet: AnswerSheet):
    lamp = Lamp("den", "Bật đèn rồi đặt tên", sheet=sheet)
    assert lamp.value is None
    tap(lamp, "Bật đèn")
    type_into(lamp, "Tên đèn", "Phòng khách")
    tap(lamp, "Lưu tên")
    assert lamp.value == [{"action": "switch"}, {"action": "rename", "name": "Phòng khách"}]
    assert lamp.state == {"on": True, "name": "Phòng khách"}
    saved = json.loads(Path("bai_1.answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["den"]["value"] == lamp.value


def test_a_fresh_kernel_replays_the_saved_actions_to_the_same_screen(sheet: AnswerSheet):
    lamp = Lamp("den", "Bật đèn", sheet=sheet)
    lamp.act("switch")
    lamp.act("rename", name="Bếp")
    again = Lamp("den", "Bật đèn", sheet=AnswerSheet("bai_1"))
    assert again.value == lamp.value
    assert again.state == {"on": True, "name": "Bếp"}
    assert "Tắt đèn" in button_labels(again)


def test_a_refused_tap_records_nothing_and_says_why_on_the_screen(sheet: AnswerSheet):
    lamp = Lamp("den", "Đặt tên", sheet=sheet)
    tap(lamp, "Lưu tên")  # nothing typed
    assert lamp.value is None
    assert "Hãy gõ tên đèn." in note(lamp)
    with pytest.raises(Refused):
        lamp.act("fly")


def test_starting_again_clears_the_actions_and_the_saved_answer(sheet: AnswerSheet):
    lamp = Lamp("den", "Bật đèn", sheet=sheet)
    lamp.act("switch")
    tap(lamp, "↺ Làm lại từ đầu")
    assert lamp.value is None and lamp.state == {"on": False, "name": ""}
    assert Lamp("den", "Bật đèn", sheet=AnswerSheet("bai_1")).value is None


def test_saved_actions_that_cannot_be_replayed_are_reported_not_raised(sheet: AnswerSheet):
    sheet.record("den", [{"action": "switch"}, {"action": "fly"}])
    lamp = Lamp("den", "Bật đèn", sheet=AnswerSheet("bai_1"))
    assert lamp.value is None
    assert lamp.problem and "Không có nút này." in lamp.problem
    sheet.record("den", "not a list")
    assert Lamp("den", "Bật đèn", sheet=AnswerSheet("bai_1")).problem


def test_a_hostile_saved_action_is_reported_for_that_item_and_never_raised(sheet: AnswerSheet):
    # A name that is no text makes the app's own code fail while replaying the saved taps.
    sheet.record("den", [{"action": "rename", "name": 7}])
    lamp = Lamp("den", "Bật đèn", sheet=AnswerSheet("bai_1"))
    assert lamp.value is None and lamp.problem
    # Nesting deeper than Python's recursion limit, written as a learner could write the file.
    deep = "[" * 5000 + "]" * 5000
    Path("bai_1.answers.json").write_text(
        '{"format": "bdhvs-answers/1", "sheet": "bai_1", "answers": {"den": {"value": '
        f'[{{"action": "switch", "deep": {deep}}}]}}}}}}',
        encoding="utf-8",
    )
    lamp = Lamp("den", "Bật đèn", sheet=AnswerSheet("bai_1"))
    assert lamp.value is None and lamp.problem


def test_actions_are_small_json_objects_and_their_number_is_bounded(sheet: AnswerSheet):
    lamp = Lamp("den", "Bật đèn", sheet=sheet)
    with pytest.raises(Refused):
        lamp.act("rename", name="x" * 5000)
    with pytest.raises(Refused):
        lamp.act("rename", name=object())
    for _ in range(MAX_ACTIONS):
        lamp.act("switch")
    with pytest.raises(Refused):
        lamp.act("switch")
    assert len(lamp.value or []) == MAX_ACTIONS


def test_a_hidden_test_scores_the_saved_actions_step_by_step(sheet: AnswerSheet):
    careful = Lamp("den", "Đặt tên rồi bật đèn", sheet=sheet)
    careful.act("rename", name="Bếp")
    careful.act("switch")
    checks = {
        "named": happened(careful.value, "rename", name="bếp"),
        "named first": happened_before(careful.value, "rename", "switch"),
        "left on": careful.state["on"],
    }
    assert checkpoint_credit(checks, points=3) == 3
    hasty = Lamp("den2", "Đặt tên rồi bật đèn", sheet=sheet)
    hasty.act("switch")
    hasty.act("rename", name="Bếp")
    checks = {
        "named": happened(hasty.value, "rename", name="bếp"),
        "named first": happened_before(hasty.value, "rename", "switch"),
        "left on": hasty.state["on"],
    }
    assert checkpoint_credit(checks, points=3) == 2


def test_coverage_counts_an_item_by_how_the_learner_answers_it():
    from graders.course.item_kinds import item_kinds

    def code(source: str, grade_id: str, **meta: object) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade_id": grade_id, **meta}
        return cell

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from curriculum.toolkit.questions import SingleChoice, NumberAnswer\n"
            "from curriculum.toolkit.apps.app import AppTask"
        ),
        code("q1 = SingleChoice('q1', 'Câu 1', ['a', 'b'], sheet=s)", "a1", solution=True),
        code("assert q1.value == 'a'", "t1", grade=True, solution=False),
        code("q2 = NumberAnswer('q2', 'Câu 2', sheet=s)", "a2", solution=True),
        code("assert q2.value == 2", "t2", grade=True, solution=False),
        code("def f():\n    return 1", "a3", solution=True),
        code("assert f() == 1", "t3", grade=True, solution=False),
        code("den = AppTask('den', 'Bật đèn', sheet=s)", "a4", solution=True),
        code("checkpoint_credit({'on': den.state['on']}, points=1)", "t4", grade=True),
    ]
    written = nbformat.v4.new_markdown_cell("Bài viết")
    written.metadata["nbgrader"] = {"grade_id": "w", "grade": True, "solution": True}
    nb.cells.append(written)
    kinds = item_kinds(nb)
    assert kinds == {"t1": "choice", "t2": "typed", "t3": "code", "t4": "app", "w": "written"}
