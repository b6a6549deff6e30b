"""The automation screen of a mailbox (Quy tắc tự động) as tu_dong_hoa uses it, tapped through.

The tasks are built by the assignment's own answer cells (the part before the solution) and
scored by the assignment's own hidden tests (câu 6 and câu 7), so these tests prove that what a
learner does by tapping is scored as the assignment says.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import nbformat
import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.automation import MAILS, AutomationApp, describe_rule, rule_catches

from appkit import (
    assignment_cells,
    hidden_checkpoints,
    note,
    screen_html,
    setup_names,
    tap,
    type_into,
)
from conftest import REPO

ASSIGNMENT = "tu_dong_hoa"


@pytest.fixture
def names(workdir: Path) -> dict[str, Any]:
    """The names the assignment's setup cell defines, run in a fresh folder."""
    return setup_names(ASSIGNMENT)


def build(question: str, names: dict[str, Any], sheet: AnswerSheet | None = None) -> AutomationApp:
    """The task as the answer cell of ``question`` builds it, before any solution step."""
    source = assignment_cells(ASSIGNMENT)[f"{question}_dap_an"].split("### BEGIN SOLUTION")[0]
    scope = {**names, "phieu": sheet or names["phieu"]}
    exec(source, scope)
    return scope[question]


def invitation_rule_by_tapping(task: AutomationApp, subject: str = "Giấy mời") -> None:
    tap(task, "⚙ Quy tắc tự động")
    tap(task, "➕ Tạo quy tắc mới")
    tap(task, "➕ Thêm điều kiện")
    tap(task, "👤 vanphong@ubnd-xa.example")
    tap(task, "➕ Thêm điều kiện")
    type_into(task, "Tiêu đề có chứa", subject, then="Thêm điều kiện về tiêu đề")
    tap(task, "➕ Thêm việc cần làm")
    tap(task, "📁 Chuyển vào thư mục «Lịch họp»")
    tap(task, "➕ Thêm việc cần làm")
    tap(task, "🔔 Báo cho tôi trên điện thoại")


def test_a_careful_invitation_rule_meets_every_checkpoint(names: dict[str, Any]):
    task = build("cau_6", names)
    invitation_rule_by_tapping(task)
    tap(task, "🔍 Thử trên các thư trong hộp thư")
    shown = screen_html(task)
    assert "Quy tắc bắt <b>2</b> trong 6 thư" in shown
    tap(task, "← Quay lại sửa quy tắc")
    tap(task, "💾 Lưu và bật quy tắc")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_6_kiem_tra", names, cau_6=task).values())
    assert task.state["effects"]["ubnd_moi_hop"] == ["move:hop", "notify"]
    assert task.state["screen"] == "rules"


def test_a_hasty_invitation_rule_loses_the_checkpoints_it_breaks(names: dict[str, Any]):
    task = build("cau_6", names)
    # A sender condition that "contains" part of the address, no notice, no test before saving.
    tap(task, "⚙ Quy tắc tự động")
    tap(task, "➕ Tạo quy tắc mới")
    tap(task, "➕ Thêm điều kiện")
    type_into(task, "Địa chỉ người gửi có chứa", "ubnd-xa", then="Thêm điều kiện về người gửi")
    tap(task, "➕ Thêm điều kiện")
    type_into(task, "Tiêu đề có chứa", "giấy mời", then="Thêm điều kiện về tiêu đề")
    tap(task, "➕ Thêm việc cần làm")
    tap(task, "📁 Chuyển vào thư mục «Lịch họp»")
    tap(task, "💾 Lưu và bật quy tắc")
    assert hidden_checkpoints(ASSIGNMENT, "cau_6_kiem_tra", names, cau_6=task) == {
        "hai giấy mời của Văn phòng UBND xã vào «Lịch họp»": True,
        "báo cho anh Dũng khi giấy mời đến": False,
        "thư thông báo của Văn phòng UBND xã để yên": True,
        "giấy mời của Hội Nông dân và thư riêng để yên": False,
        "thư giả danh Văn phòng UBND xã không vào «Lịch họp»": False,
        "không tự xóa thư thật, không tự chuyển tiếp thư": True,
        "thử quy tắc trên các thư trước khi bật": False,
    }


def test_doing_nothing_that_matters_earns_no_checkpoint(names: dict[str, Any]):
    task = build("cau_6", names)
    invitation_rule_by_tapping(task)
    tap(task, "🔍 Thử trên các thư trong hộp thư")
    tap(task, "← Quay lại sửa quy tắc")
    tap(task, "💾 Lưu, chưa bật")
    # Saved but never turned on: the rule does nothing, so "left alone" counts for nothing.
    assert not any(hidden_checkpoints(ASSIGNMENT, "cau_6_kiem_tra", names, cau_6=task).values())
    tap(task, "⏻ Bật quy tắc 1")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_6_kiem_tra", names, cau_6=task).values())


def test_a_rule_changed_after_its_test_is_not_tested(names: dict[str, Any]):
    task = build("cau_6", names)
    invitation_rule_by_tapping(task)
    tap(task, "🔍 Thử trên các thư trong hộp thư")
    tap(task, "← Quay lại sửa quy tắc")
    tap(task, "✖ Bỏ việc 2")  # no longer the rule that was tried
    tap(task, "💾 Lưu và bật quy tắc")
    assert task.state["rules"][0]["tested"] is False
    # Trying the saved rule from the list, then turning it off and on, counts as tested.
    tap(task, "🔍 Thử quy tắc 1 trên các thư")
    tap(task, "← Các quy tắc")
    tap(task, "⏻ Tắt quy tắc 1")
    tap(task, "⏻ Bật quy tắc 1")
    assert task.state["rules"][0]["tested"] is True


def test_words_typed_in_another_unicode_form_and_case_are_the_same_words(
    names: dict[str, Any],
):
    task = build("cau_6", names)
    invitation_rule_by_tapping(task, subject=unicodedata.normalize("NFD", "  GIẤY   MỜI "))
    tap(task, "🔍 Thử trên các thư trong hộp thư")
    tap(task, "← Quay lại sửa quy tắc")
    tap(task, "💾 Lưu và bật quy tắc")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_6_kiem_tra", names, cau_6=task).values())
    # Diacritics still count: "Giay moi" is other words, and catches no invitation.
    plain = build("cau_6", names, AnswerSheet("khong_dau"))
    invitation_rule_by_tapping(plain, subject="Giay moi")
    tap(plain, "💾 Lưu và bật quy tắc")
    assert plain.state["effects"]["ubnd_moi_hop"] == []


def fix_tax_rule_by_tapping(task: AutomationApp) -> None:
    tap(task, "⚙ Quy tắc tự động")
    tap(task, "🔍 Thử quy tắc 1 trên các thư")
    tap(task, "← Các quy tắc")
    tap(task, "✏ Sửa quy tắc 1")
    tap(task, "✖ Bỏ điều kiện 1")
    tap(task, "✖ Bỏ việc 2")
    tap(task, "➕ Thêm điều kiện")
    tap(task, "👤 thongbao@thue-coso.example")
    tap(task, "🔍 Thử trên các thư trong hộp thư")
    tap(task, "← Quay lại sửa quy tắc")
    tap(task, "💾 Lưu và bật quy tắc")
    tap(task, "← Các thư mục")
    tap(task, "📁 Thuế")
    for mail in ("bhxh_thong_bao", "htx_chot_so", "thue_gia"):
        tap(task, f"📂 Chuyển thư «{MAILS[mail].subject}»")
        tap(task, "📁 Hộp thư đến")


def test_a_careful_fix_of_the_tax_rule_meets_every_checkpoint(names: dict[str, Any]):
    task = build("cau_7", names)
    assert task.state["effects"]["bhxh_thong_bao"] == ["move:thue", "mark_read"]
    fix_tax_rule_by_tapping(task)
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", names, cau_7=task).values())
    assert task.state["mailbox"]["thue_thong_bao"] == "thue"
    assert task.state["mailbox"]["bhxh_thong_bao"] == "inbox"


def test_a_hasty_fix_of_the_tax_rule_loses_the_right_checkpoints(names: dict[str, Any]):
    task = build("cau_7", names)
    # Adds a loose sender condition to the old rule, keeps "mark as read", tries nothing and
    # leaves the wrongly filed mail where it is.
    tap(task, "⚙ Quy tắc tự động")
    tap(task, "✏ Sửa quy tắc 1")
    tap(task, "➕ Thêm điều kiện")
    type_into(task, "Địa chỉ người gửi có chứa", "thue-coso", then="Thêm điều kiện về người gửi")
    tap(task, "💾 Lưu và bật quy tắc")
    assert hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", names, cau_7=task) == {
        "ba thư của cơ quan thuế vào «Thuế»": False,
        "thư của nơi khác để yên": True,
        "thư giả danh cơ quan thuế không vào «Thuế»": False,
        "thư thuế chỉ được xếp, không bị tự đánh dấu đã đọc, chuyển tiếp hay xóa": False,
        "thử quy tắc đã sửa trên các thư trước khi bật": False,
        "thư bị xếp nhầm đã ra khỏi «Thuế»": False,
    }
    # Turning the rule off stops the harm but earns nothing: no rule files the tax mail now.
    off = build("cau_7", names, AnswerSheet("tat_quy_tac"))
    tap(off, "⚙ Quy tắc tự động")
    tap(off, "⏻ Tắt quy tắc 1")
    assert not any(hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", names, cau_7=off).values())


def test_forwarding_or_deleting_mail_is_caught(names: dict[str, Any]):
    task = build("cau_7", names)
    fix_tax_rule_by_tapping(task)
    tap(task, "⚙ Quy tắc tự động")
    tap(task, "✏ Sửa quy tắc 1")
    tap(task, "➕ Thêm việc cần làm")
    tap(task, "↪ Tự chuyển tiếp tới hộp thư riêng")
    tap(task, "🔍 Thử trên các thư trong hộp thư")
    tap(task, "← Quay lại sửa quy tắc")
    tap(task, "💾 Lưu và bật quy tắc")
    met = hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", names, cau_7=task)
    assert [name for name, ok in met.items() if not ok] == [
        "thư thuế chỉ được xếp, không bị tự đánh dấu đã đọc, chuyển tiếp hay xóa"
    ]


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([("open_rules", {}), ("new_rule", {}), ("save_rule", {"on": True})], "chưa có điều kiện"),
        ([("open_rules", {}), ("new_rule", {}), ("preview", {})], "chưa có điều kiện"),
        (
            [
                ("open_rules", {}),
                ("new_rule", {}),
                ("start_condition", {}),
                ("add_condition", {"field": "subject", "op": "contains", "value": "họp"}),
                ("save_rule", {"on": True}),
            ],
            "chưa có việc",
        ),
        (
            [("open_rules", {}), ("new_rule", {}), ("start_condition", {})]
            + [("add_condition", {"field": "subject", "op": "contains", "value": "   "})],
            "không để trống",
        ),
        (
            [
                ("open_rules", {}),
                ("new_rule", {}),
                ("start_action", {}),
                ("add_action", {"do": "move", "folder": "hop"}),
                ("start_action", {}),
                ("add_action", {"do": "move", "folder": "thue"}),
            ],
            "một thư mục",
        ),
        ([("open_folder", {"folder": "inbox"}), ("pick_move", {"mail": "thue_gia"})], "không có"),
        ([("open_rules", {}), ("edit_rule", {"rule": 0})], "Không có quy tắc"),
        ([("save_rule", {"on": True})], "không có trên màn hình"),
        ([("launch_rocket", {})], "không có nút"),
    ],
)
def test_an_impossible_action_is_refused_and_records_nothing(
    names: dict[str, Any], steps: list[tuple[str, dict[str, Any]]], refused: str
):
    task = build("cau_6", names)
    *before, (action, details) = steps
    for done, done_details in before:
        task.act(done, **done_details)
    recorded, state = task.value, task.state
    with pytest.raises(Refused, match=refused):
        task.act(action, **details)
    assert task.value == recorded
    assert task.state == state


def test_a_refused_tap_shows_the_reason_and_keeps_the_screen(names: dict[str, Any]):
    task = build("cau_6", names)
    tap(task, "⚙ Quy tắc tự động")
    tap(task, "➕ Tạo quy tắc mới")
    recorded = task.value
    tap(task, "💾 Lưu và bật quy tắc")
    assert task.value == recorded
    assert task.state["screen"] == "edit"
    assert "chưa có điều kiện nào" in note(task)
    tap(task, "➕ Thêm điều kiện")
    assert note(task) == ""


def test_a_fresh_kernel_replays_the_saved_taps_to_the_same_state(names: dict[str, Any]):
    task = build("cau_7", names)
    fix_tax_rule_by_tapping(task)
    again = build("cau_7", names, AnswerSheet("tu_dong_hoa"))
    assert again is not task
    assert again.value == task.value
    assert again.state == task.state
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", names, cau_7=again).values())


def test_the_restart_button_clears_the_task(names: dict[str, Any]):
    task = build("cau_7", names)
    fix_tax_rule_by_tapping(task)
    tap(task, "↺ Làm lại từ đầu")
    assert task.value is None
    assert task.state == task.start()
    assert not any(hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", names, cau_7=task).values())


def test_the_solution_acts_exactly_as_the_taps(names: dict[str, Any]):
    tapped = build("cau_7", names)
    fix_tax_rule_by_tapping(tapped)
    solved = build("cau_7", names, AnswerSheet("loi_giai"))
    solution = assignment_cells(ASSIGNMENT)["cau_7_dap_an"]
    steps = solution.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    exec(steps, {"cau_7": solved})
    assert solved.state == tapped.state


def test_rules_and_their_words():
    rule = {
        "conditions": [
            {"field": "from", "op": "is", "value": "vanphong@ubnd-xa.example"},
            {"field": "subject", "op": "contains", "value": "giấy mời"},
        ],
        "actions": [{"do": "move", "folder": "hop"}, {"do": "notify"}],
    }
    assert describe_rule(rule) == (
        "KHI có thư mới, NẾU địa chỉ người gửi là «vanphong@ubnd-xa.example» VÀ tiêu đề có "
        "chứa «giấy mời» THÌ chuyển vào thư mục «Lịch họp»; báo cho tôi trên điện thoại"
    )
    caught = {key for key, mail in MAILS.items() if rule_catches(rule, mail)}
    assert caught == {"ubnd_moi_hop", "ubnd_moi_tap_huan"}
    loose = {"conditions": [{"field": "from", "op": "contains", "value": "@ubnd-xa.example"}]}
    assert rule_catches(loose, MAILS["moi_gia"]) and rule_catches(loose, MAILS["hoi_nd_moi"])
    assert not rule_catches({"conditions": []}, MAILS["ubnd_moi_hop"])


def test_the_app_needs_known_mails_and_rules(names: dict[str, Any]):
    sheet = names["phieu"]
    with pytest.raises(ValueError):
        AutomationApp("x", "x", mails=("khong_co",), sheet=sheet)
    with pytest.raises(ValueError):
        AutomationApp("x", "x", mails=("nguoi_than",), filed={"nguoi_than": "rac"}, sheet=sheet)
    with pytest.raises(ValueError):
        AutomationApp(
            "x",
            "x",
            mails=("nguoi_than",),
            rules=[{"conditions": [], "actions": [{"do": "move", "folder": "rac"}]}],
            sheet=sheet,
        )


def test_the_lesson_practice_does_what_its_hints_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    lesson = nbformat.read(REPO / "curriculum/modules/tu_dong_hoa/tu_dong_hoa.ipynb", as_version=4)
    scope: dict[str, Any] = {}
    for cell in lesson.cells:
        if cell.cell_type == "code":
            exec(cell.source, scope)
    make = scope["thu_tao_quy_tac"]
    tap(make, "⚙ Quy tắc tự động")
    tap(make, "➕ Tạo quy tắc mới")
    tap(make, "➕ Thêm điều kiện")
    tap(make, "👤 ketoan@htx-binhminh.example")
    tap(make, "➕ Thêm điều kiện")
    type_into(make, "Tiêu đề có chứa", "Hóa đơn", then="Thêm điều kiện về tiêu đề")
    tap(make, "➕ Thêm việc cần làm")
    tap(make, "📁 Chuyển vào thư mục «Kế toán»")
    tap(make, "🔍 Thử trên các thư trong hộp thư")
    shown = screen_html(make)
    assert "Quy tắc bắt <b>1</b> trong 5 thư" in shown
    fix = scope["thu_sua_quy_tac"]
    tap(fix, "⚙ Quy tắc tự động")
    tap(fix, "🔍 Thử quy tắc 1 trên các thư")
    shown = screen_html(fix)
    assert "Quy tắc bắt <b>2</b> trong 4 thư" in shown
    tap(fix, "← Các quy tắc")
    tap(fix, "✏ Sửa quy tắc 1")
    tap(fix, "✖ Bỏ điều kiện 1")
    tap(fix, "➕ Thêm điều kiện")
    tap(fix, "👤 ketoan@htx-binhminh.example")
    tap(fix, "🔍 Thử trên các thư trong hộp thư")
    tap(fix, "← Quay lại sửa quy tắc")
    tap(fix, "💾 Lưu và bật quy tắc")
    tap(fix, "← Các thư mục")
    tap(fix, "📁 Kế toán")
    tap(fix, f"📂 Chuyển thư «{MAILS['htx_chot_so'].subject}»")
    tap(fix, "📁 Hộp thư đến")
    assert fix.state["effects"]["htx_chot_so"] == []
    assert fix.state["effects"]["htx_hoa_don"] == ["move:ke_toan"]
    assert fix.state["rules"][0]["tested"]
    assert fix.state["mailbox"]["htx_chot_so"] == "inbox"
