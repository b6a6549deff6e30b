"""The spreadsheet app (Bảng tính) as the du_lieu assignment uses it, tapped through its widgets.

The tables and the checkpoints come from the assignment itself (its data cell and the hidden
tests of câu 5, 7 and 9), so these tests prove that what a learner does by tapping is scored
as the assignment says.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.sheet import Spreadsheet, chart_data, visible_rows

from appkit import (
    button_labels,
    hidden_checkpoints,
    note,
    screen_html,
    setup_names,
    tap,
    type_into,
    widgets_in,
)

ASSIGNMENT = "du_lieu"


@pytest.fixture
def assignment(workdir: Path) -> dict[str, Any]:
    """The names the assignment's setup and data cells define, run in a fresh folder."""
    return setup_names(ASSIGNMENT, "du_lieu_bai")


def household_sheet(names: dict[str, Any], qid: str, sheet: AnswerSheet) -> Spreadsheet:
    return Spreadsheet(
        qid,
        "Danh sách hộ",
        file_name=names["TEP_HO"],
        columns=names["COT_HO"],
        rows=names["DONG_HO"],
        sheet=sheet,
    )


def filter_sort_and_sum_by_tapping(task: Spreadsheet) -> None:
    tap(task, "▾ Cột «Thôn»")
    tap(task, "🔎 Lọc theo giá trị...")
    tap(task, "Thôn Trung")
    tap(task, "▾ Cột «Số tiền (đồng)»")
    tap(task, "⬇ Sắp xếp giảm dần")
    tap(task, "▾ Cột «Số tiền (đồng)»")
    tap(task, "∑ Tính tổng")


def test_filtering_sorting_and_summing_meets_every_checkpoint(assignment: dict[str, Any]):
    task = household_sheet(assignment, "cau_5", assignment["phieu"])
    filter_sort_and_sum_by_tapping(task)
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_5_kiem_tra", assignment, cau_5=task).values())
    shown = visible_rows(task.rows, task.state)
    assert [row["ma_ho"] for row in shown] == ["H10", "H06", "H02", "H04", "H08"]
    assert task.state["results"][-1]["value"] == 9_000_000
    status = widgets_in(task, widgets.HTML)
    assert any("9.000.000" in box.value and "5 dòng" in box.value for box in status)


def test_summing_the_whole_column_loses_the_filter_checkpoints(assignment: dict[str, Any]):
    task = household_sheet(assignment, "cau_5", assignment["phieu"])
    tap(task, "▾ Cột «Số tiền (đồng)»")
    tap(task, "⬆ Sắp xếp tăng dần")
    tap(task, "▾ Cột «Số tiền (đồng)»")
    tap(task, "∑ Tính tổng")
    assert task.state["results"][-1]["value"] == 24_100_000
    assert hidden_checkpoints(ASSIGNMENT, "cau_5_kiem_tra", assignment, cau_5=task) == {
        "loc_thon_trung": False,
        "xep_so_tien_giam_dan": False,
        "tinh_tong_so_tien": True,
        "tong_khi_dang_loc_thon_trung": False,
    }


def test_a_filter_value_in_another_unicode_form_and_case_is_accepted(
    assignment: dict[str, Any],
):
    task = household_sheet(assignment, "cau_5", assignment["phieu"])
    task.act("open_column", column="thon")
    task.act("open_filter", column="thon")
    task.act("filter", column="thon", value=unicodedata.normalize("NFD", "THÔN TRUNG"))
    assert task.state["filter"] == {"column": "thon", "value": "Thôn Trung"}
    task.act("open_column", column="so_tien")
    task.act("sort", column="so_tien", descending=True)
    task.act("open_column", column="so_tien")
    task.act("sum", column="so_tien")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_5_kiem_tra", assignment, cau_5=task).values())


def test_impossible_actions_are_refused_and_record_nothing(assignment: dict[str, Any]):
    task = household_sheet(assignment, "cau_5", assignment["phieu"])
    tap(task, "▾ Cột «Chủ hộ»")
    assert "∑ Tính tổng" not in button_labels(task)
    before = task.value
    for action, details in [
        ("sum", {"column": "chu_ho"}),  # not a column of numbers
        ("delete_column", {"column": "so_tien"}),  # not the column whose menu is open
        ("filter", {"column": "chu_ho", "value": "Nguyễn Văn An"}),  # the filter list is shut
        ("send", {}),
    ]:
        with pytest.raises(Refused):
            task.act(action, **details)
    assert task.value == before
    tap(task, "← Quay lại bảng")
    tap(task, "💾 Lưu thành tệp mới...")
    type_into(task, None, assignment["TEP_HO"].upper(), then="💾 Lưu")
    assert "Đã có tệp tên này" in note(task)
    assert task.value == [*before, {"action": "back"}, {"action": "open_save_as"}]


def share_without_personal_data_by_tapping(task: Spreadsheet) -> None:
    tap(task, "💾 Lưu thành tệp mới...")
    type_into(task, None, "2026-11-20_hotro-theo-thon_chiase_v01.xlsx", then="💾 Lưu")
    for label in ("Chủ hộ", "Số định danh", "Điện thoại"):
        tap(task, f"▾ Cột «{label}»")
        tap(task, "🗑 Xóa cột khỏi tệp")
    tap(task, "📤 Gửi tệp đang mở...")
    tap(task, "📤 Gửi tệp này")


def test_sharing_a_copy_without_personal_columns_meets_every_checkpoint(
    assignment: dict[str, Any],
):
    task = household_sheet(assignment, "cau_7", assignment["phieu"])
    share_without_personal_data_by_tapping(task)
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", assignment, cau_7=task).values())
    assert task.state["sent"] == [
        {
            "file": "2026-11-20_hotro-theo-thon_chiase_v01.xlsx",
            "columns": ["ma_ho", "thon", "nhan_khau", "dien", "so_tien"],
            "hidden": [],
        }
    ]


def test_hiding_columns_or_sending_the_original_loses_the_right_checkpoints(
    assignment: dict[str, Any],
):
    careless = household_sheet(assignment, "cau_7", assignment["phieu"])
    for label in ("Chủ hộ", "Số định danh", "Điện thoại"):
        tap(careless, f"▾ Cột «{label}»")
        tap(careless, "🙈 Ẩn cột")
    tap(careless, "📤 Gửi tệp đang mở...")
    screen = screen_html(careless)
    assert "Cột đang ẩn, vẫn nằm trong tệp" in screen
    tap(careless, "📤 Gửi tệp này")
    assert hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", assignment, cau_7=careless) == {
        "tao_tep_rieng_giu_so_goc": False,
        "gui_tep_khac_so_goc": False,
        "khong_gui_cot_ca_nhan": False,
        "du_cot_can_thiet": True,
    }
    # A copy made first, but its personal columns only hidden: the data still leaves.
    half = household_sheet(assignment, "cau_7b", assignment["phieu"])
    half.act("open_save_as")
    half.act("save_as", name="ban-chia-se.xlsx")
    for column in ("chu_ho", "so_dinh_danh", "dien_thoai"):
        half.act("open_column", column=column)
        half.act("hide_column", column=column)
    half.act("open_share")
    half.act("send")
    assert hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", assignment, cau_7=half) == {
        "tao_tep_rieng_giu_so_goc": True,
        "gui_tep_khac_so_goc": True,
        "khong_gui_cot_ca_nhan": False,
        "du_cot_can_thiet": True,
    }
    # Deleting in the original damages it, whatever is sent afterwards.
    damaged = household_sheet(assignment, "cau_7c", assignment["phieu"])
    damaged.act("open_column", column="chu_ho")
    damaged.act("delete_column", column="chu_ho")
    damaged.act("open_save_as")
    damaged.act("save_as", name="ban-chia-se.xlsx")
    checks = hidden_checkpoints(ASSIGNMENT, "cau_7_kiem_tra", assignment, cau_7=damaged)
    assert not checks["tao_tep_rieng_giu_so_goc"]


def chart_sheet(names: dict[str, Any], sheet: AnswerSheet) -> Spreadsheet:
    return Spreadsheet(
        "cau_9",
        "Biểu đồ",
        file_name="2026-11-05_hoso-thang10-theo-linhvuc_v01.xlsx",
        columns=names["COT_HO_SO"],
        rows=names["DONG_HO_SO"],
        sheet=sheet,
    )


def test_a_sorted_bar_chart_with_a_title_meets_every_checkpoint(assignment: dict[str, Any]):
    task = chart_sheet(assignment, assignment["phieu"])
    tap(task, "📊 Chèn biểu đồ")
    tap(task, "Biểu đồ cột ngang")
    tap(task, "Nhãn: Lĩnh vực")
    tap(task, "Số: Tổng")
    tap(task, "Thứ tự: từ lớn đến nhỏ")
    title = unicodedata.normalize("NFD", "Hồ sơ tháng 10/2026 theo lĩnh vực, xã Hòa Phong")
    type_into(task, None, title, then="Đặt tiêu đề")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_9_kiem_tra", assignment, cau_9=task).values())
    assert task.state["chart"]["title"] == unicodedata.normalize("NFC", title)
    pairs = chart_data(task.rows, "linh_vuc", "tong", "giam")
    assert [label for label, _ in pairs] == [
        "Hộ tịch",
        "Chứng thực",
        "Đất đai",
        "Bảo trợ xã hội",
        "Xây dựng",
    ]
    words = screen_html(task)
    assert "Hộ tịch: 120; Chứng thực: 84; Đất đai: 44; Bảo trợ xã hội: 22; Xây dựng: 16" in words
    assert "✓ Biểu đồ cột ngang" in button_labels(task)


def test_a_pie_of_the_wrong_column_without_a_title_loses_the_right_checkpoints(
    assignment: dict[str, Any],
):
    task = chart_sheet(assignment, assignment["phieu"])
    tap(task, "📊 Chèn biểu đồ")
    tap(task, "Biểu đồ tròn")
    tap(task, "Nhãn: Lĩnh vực")
    tap(task, "Số: Nộp trực tiếp")
    assert hidden_checkpoints(ASSIGNMENT, "cau_9_kiem_tra", assignment, cau_9=task) == {
        "loai_so_sanh_nhom": False,
        "nhan_la_linh_vuc": True,
        "so_la_tong": False,
        "xep_lon_den_nho": False,
        "tieu_de_ro": False,
    }
    with pytest.raises(Refused):  # a chart is drawn from numbers only
        task.act("chart_values", column="linh_vuc")


def test_a_task_rebuilt_from_the_saved_answers_replays_to_the_same_state(
    assignment: dict[str, Any],
):
    task = household_sheet(assignment, "cau_7", assignment["phieu"])
    share_without_personal_data_by_tapping(task)
    again = household_sheet(assignment, "cau_7", AnswerSheet("du_lieu"))
    assert again.value == task.value
    assert again.state == task.state
    assert again.state["file"] == "2026-11-20_hotro-theo-thon_chiase_v01.xlsx"
