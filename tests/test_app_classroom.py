"""The class progress book: a trainer who reads the results picks the module and focus that fit.

Runs go through the app's own widgets and are scored by the hidden test of the tap_huan_vien
assignment itself (câu 6), so what these tests prove is what the grader gives.
"""

from __future__ import annotations

import pytest

from curriculum.modules import load_modules
from curriculum.modules.tap_huan_vien.classroom import LEARNERS, TARGETS, ClassroomApp
from curriculum.toolkit.answers import AnswerSheet

from appkit import assert_refused, hidden_checkpoints, screen_text, tap

SHEET = "so_theo_doi"


def book(sheet: AnswerSheet) -> ClassroomApp:
    return ClassroomApp("so_theo_doi", "Sổ theo dõi lớp", sheet=sheet)


def hidden_checks(task: ClassroomApp) -> dict[str, bool]:
    """The checkpoints the hidden test of tap_huan_vien câu 6 gives, by name."""
    return hidden_checkpoints("tap_huan_vien", "cau_6_kiem_tra", cau_6=task)


def plan(task: ClassroomApp, module_title: str, focus: str) -> None:
    """Read hv05's page, give a module, go back and choose the next session's focus."""
    tap(task, "Xem từng học viên")
    tap(task, "hv05")
    assert "Chưa đạt" in screen_text(task)
    tap(task, "Giao học phần tiếp theo")
    tap(task, module_title)
    tap(task, "Danh sách học viên")
    tap(task, "Tổng quan")
    tap(task, "Chọn trọng tâm")
    tap(task, focus)


def test_the_data_has_one_competence_most_learners_lack():
    counts = {c: ClassroomApp.below_target(c) for c in TARGETS}
    assert counts == {"1.1": 1, "2.1": 1, "2.3": 4, "2.6": 3, "4.2": 6}
    assert ClassroomApp.gaps("hv05") == {"2.6", "4.2"}
    assert ClassroomApp.gaps("hv04") == set()
    assert all(set(steps) == set(TARGETS) for steps in LEARNERS.values())


def test_the_overview_shows_how_many_lack_each_competence(sheet: AnswerSheet):
    task = book(sheet)
    assert "■■■■■■ 6" in screen_text(task)
    assert "Bảo vệ dữ liệu cá nhân và quyền riêng tư" in screen_text(task)


def test_a_trainer_who_reads_the_results_meets_every_checkpoint(sheet: AnswerSheet):
    task = book(sheet)
    plan(task, "An toàn số", "4.2")
    assert task.state["assigned"] == {"hv05": {"module": "an_toan_so", "covers": ["2.6", "4.2"]}}
    assert task.state["focus"] == "4.2"
    checks = hidden_checks(task)
    assert len(checks) == 3
    assert all(checks.values())


def test_a_module_that_covers_part_of_the_gaps_earns_part(sheet: AnswerSheet):
    task = book(sheet)
    plan(task, "Công dân số", "2.3")
    checks = hidden_checks(task)
    assert [name for name, met in checks.items() if met] == [
        "học phần giao cho hv05 bù được ít nhất một chỗ thiếu"
    ]


def test_a_module_for_skills_already_reached_covers_nothing(sheet: AnswerSheet):
    task = book(sheet)
    plan(task, "Tìm kiếm và đánh giá thông tin", "1.1")
    assert task.state["assigned"]["hv05"]["covers"] == []
    assert not any(hidden_checks(task).values())


def test_the_module_list_is_the_curriculum(sheet: AnswerSheet):
    task = book(sheet)
    tap(task, "Xem từng học viên")
    tap(task, "hv01")
    tap(task, "Giao học phần tiếp theo")
    text = screen_text(task)
    for module in load_modules():
        assert module.title_vi in text


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([], {"action": "back"}),
        ([], {"action": "set_focus", "competence": "4.2"}),  # the focus screen is not open
        ([], {"action": "open_learner", "learner": "hv05"}),  # the list is not open
        ([("open_learners", {})], {"action": "open_learner", "learner": "hv99"}),
        (
            [("open_learners", {}), ("open_learner", {"learner": "hv05"})],
            {"action": "choose_module", "learner": "hv01"},
        ),
        (
            [
                ("open_learners", {}),
                ("open_learner", {"learner": "hv05"}),
                ("choose_module", {"learner": "hv05"}),
            ],
            {"action": "assign_module", "learner": "hv05", "module": "khong_co"},
        ),
        ([("open_focus", {})], {"action": "set_focus", "competence": "3.4"}),
        ([], {"action": "xoa_lop"}),
    ],
)
def test_an_impossible_action_is_refused_and_records_nothing(sheet, steps, refused):
    assert_refused(book(sheet), steps, refused)


def test_a_fresh_kernel_replays_the_saved_taps_to_the_same_state(sheet: AnswerSheet):
    task = book(sheet)
    plan(task, "An toàn số", "4.2")
    again = ClassroomApp("so_theo_doi", "Sổ theo dõi lớp", sheet=AnswerSheet("so_theo_doi"))
    assert again.value == task.value
    assert again.state == task.state
    assert hidden_checks(again) == hidden_checks(task)
