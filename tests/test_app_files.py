"""The file manager app (Quản lý tệp) as the du_lieu assignment uses it, tapped through its widgets.

The tasks' data and their checkpoints are read from the assignment itself (its data cell and
the hidden tests of câu 3 and câu 4), so these tests prove that what a learner does by tapping
is scored as the assignment says.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.files import FileManager

from appkit import button_labels, hidden_checkpoints, note, setup_names, tap, type_into

ASSIGNMENT = "du_lieu"


@pytest.fixture
def assignment(workdir: Path) -> dict[str, Any]:
    """The names the assignment's setup and data cells define, run in a fresh folder."""
    return setup_names(ASSIGNMENT, "du_lieu_bai")


def cau_3(names: dict[str, Any], sheet: AnswerSheet) -> FileManager:
    return FileManager(
        "cau_3", "Câu 3", places=names["NOI_LUU"], files=names["TEP_CAU_3"], sheet=sheet
    )


def cau_4(names: dict[str, Any], sheet: AnswerSheet) -> FileManager:
    return FileManager(
        "cau_4",
        "Câu 4",
        places=names["NOI_LUU"],
        files=names["TEP_CAU_4"],
        trash=names["THUNG_RAC_CAU_4"],
        sheet=sheet,
    )


def rename_and_move_by_tapping(task: FileManager, new_name: str) -> None:
    tap(task, "💻 Máy tính này")
    tap(task, "📁 TaiVe")
    tap(task, "📄 Bao cao ho so thang 10 (1).xlsx")
    tap(task, "✏ Đổi tên")
    type_into(task, None, new_name, then="Đổi tên")
    tap(task, "➡ Di chuyển đến thư mục khác")
    tap(task, "📁 Máy tính này › BaoCao › 2026")


def test_a_careful_rename_and_move_meets_every_checkpoint(assignment: dict[str, Any]):
    task = cau_3(assignment, assignment["phieu"])
    rename_and_move_by_tapping(task, "2026-11-05_baocao-hoso-thang10_v02.xlsx")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_3_kiem_tra", assignment, cau_3=task).values())
    # The folder view lists the renamed report after version 1, as names sort by character.
    tap(task, "← Quay lại thư mục")
    listed = [label for label in button_labels(task) if label.startswith("📄")]
    assert listed == [
        "📄 2026-10-06_baocao-hoso-thang9_v02.xlsx",
        "📄 2026-11-03_baocao-hoso-thang10_v01.xlsx",
        "📄 2026-11-05_baocao-hoso-thang10_v02.xlsx",
    ]


def test_a_name_typed_in_another_unicode_form_and_case_is_kept_composed_and_accepted(
    assignment: dict[str, Any],
):
    task = cau_3(assignment, assignment["phieu"])
    typed = unicodedata.normalize("NFD", "  2026-11-05_BÁO-CÁO-HỒ-SƠ-THÁNG10_V02.XLSX ")
    rename_and_move_by_tapping(task, typed)
    name = task.state["files"]["bc10"]["name"]
    assert name == unicodedata.normalize("NFC", typed).strip()
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_3_kiem_tra", assignment, cau_3=task).values())


def test_a_careless_name_loses_the_checkpoints_it_breaks(assignment: dict[str, Any]):
    task = cau_3(assignment, assignment["phieu"])
    tap(task, "💻 Máy tính này")
    tap(task, "📁 TaiVe")
    tap(task, "📄 Bao cao ho so thang 10 (1).xlsx")
    tap(task, "✏ Đổi tên")
    type_into(task, None, "05-11-2026 bao cao thang 10 final", then="Đổi tên")
    assert hidden_checkpoints(ASSIGNMENT, "cau_3_kiem_tra", assignment, cau_3=task) == {
        "ngay_o_dau_ten": False,
        "noi_dung_ro": True,
        "phien_ban_2_o_cuoi": False,
        "khong_dau_cach_giu_duoi": False,
        "dung_thu_muc": False,
    }


def test_a_name_with_a_forbidden_character_is_refused_and_records_nothing(
    assignment: dict[str, Any],
):
    task = cau_3(assignment, assignment["phieu"])
    tap(task, "💻 Máy tính này")
    tap(task, "📁 TaiVe")
    tap(task, "📄 Bao cao ho so thang 10 (1).xlsx")
    tap(task, "✏ Đổi tên")
    before = task.value
    type_into(task, None, "bao cao 05/11/2026.xlsx", then="Đổi tên")
    assert task.value == before
    assert "không được có các ký tự" in note(task)
    assert task.state["files"]["bc10"]["name"] == "Bao cao ho so thang 10 (1).xlsx"
    # Nor can code do what no button allows: a name taken in the folder, a file elsewhere.
    with pytest.raises(Refused):
        task.act("rename", file="bc10", name="img_20261103_0912.JPG")
    with pytest.raises(Refused):
        task.act("open_file", file="bc9")
    assert task.value == before


def clean_up_by_tapping(task: FileManager) -> None:
    tap(task, "💻 Máy tính này")
    tap(task, "📁 BaoCao")
    tap(task, "📁 2026")
    tap(task, "📄 2026-10-06_baocao-hoso-thang9_v02.xlsx")
    tap(task, "← Quay lại thư mục")
    tap(task, "📄 2026-10-06_baocao-hoso-thang9_v02 - Copy.xlsx")
    tap(task, "🗑 Xóa")
    tap(task, "🗑 Xóa")  # the confirmation
    tap(task, "📄 2026-11-05_baocao-hoso-thang10_v02.xlsx")
    tap(task, "⧉ Sao chép đến...")
    tap(task, "🗄 Ổ lưu trữ của cơ quan › SaoLuu › 2026")
    tap(task, "← Quay lại thư mục")
    for _ in range(3):
        tap(task, "⬆ Lên một cấp")
    tap(task, "🗑 Thùng rác")
    tap(task, "↩ Khôi phục «2026-11-02_danhsach-ho-nhan-hotro_v01.xlsx»")


def test_a_careful_clean_up_meets_every_checkpoint(assignment: dict[str, Any]):
    task = cau_4(assignment, assignment["phieu"])
    clean_up_by_tapping(task)
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_4_kiem_tra", assignment, cau_4=task).values())
    assert task.state["files"]["ds_ho"]["folder"] == "HoSo_MotCua/2026"
    assert set(task.state["trash"]) == {"t9_v2_copy", "book1"}


def test_a_careless_clean_up_loses_the_right_checkpoints(assignment: dict[str, Any]):
    task = cau_4(assignment, assignment["phieu"])
    # Deletes the older version without looking, and backs up to a personal cloud.
    tap(task, "💻 Máy tính này")
    tap(task, "📁 BaoCao")
    tap(task, "📁 2026")
    tap(task, "📄 2026-10-05_baocao-hoso-thang9_v01.xlsx")
    tap(task, "🗑 Xóa")
    tap(task, "🗑 Xóa")
    tap(task, "📄 2026-11-05_baocao-hoso-thang10_v02.xlsx")
    tap(task, "⧉ Sao chép đến...")
    tap(task, "☁ Đám mây cá nhân › TaiLieu")
    assert hidden_checkpoints(ASSIGNMENT, "cau_4_kiem_tra", assignment, cau_4=task) == {
        "so_sanh_truoc_khi_xoa": False,
        "xoa_dung_ban_thua": False,
        "khoi_phuc_tep_lo_xoa": False,
        "sao_luu_dung_noi": False,
        "khong_chep_len_noi_ca_nhan": False,
    }
    # Deleting the duplicate from the list unseen, then backing up to both places, loses two.
    hasty = cau_4(assignment, AnswerSheet("hasty"))
    for action, details in [
        ("open_place", {"place": "may"}),
        ("open_folder", {"folder": "BaoCao"}),
        ("open_folder", {"folder": "BaoCao/2026"}),
        ("ask_delete", {"file": "t9_v2_copy"}),
        ("delete", {"file": "t9_v2_copy"}),
        ("open_file", {"file": "t10"}),
        ("start_copy", {"file": "t10"}),
        ("copy", {"file": "t10", "place": "dam_may", "folder": "TaiLieu"}),
        ("start_copy", {"file": "t10"}),
        ("copy", {"file": "t10", "place": "o_co_quan", "folder": "SaoLuu/2026"}),
        ("back", {}),
    ]:
        hasty.act(action, **details)
    met = hidden_checkpoints(ASSIGNMENT, "cau_4_kiem_tra", assignment, cau_4=hasty)
    assert met == {
        "so_sanh_truoc_khi_xoa": False,
        "xoa_dung_ban_thua": True,
        "khoi_phuc_tep_lo_xoa": False,
        "sao_luu_dung_noi": True,
        "khong_chep_len_noi_ca_nhan": False,
    }


def test_a_task_rebuilt_from_the_saved_answers_replays_to_the_same_state(
    assignment: dict[str, Any],
):
    task = cau_4(assignment, assignment["phieu"])
    clean_up_by_tapping(task)
    again = cau_4(assignment, AnswerSheet("du_lieu"))
    assert again.value == task.value
    assert again.state == task.state
    assert again.state["screen"] == "trash"


def test_restoring_refuses_a_name_already_taken_and_records_nothing(assignment: dict[str, Any]):
    task = FileManager(
        "tep",
        "Khôi phục",
        places=[{"id": "may", "label": "Máy", "folders": ["A"]}],
        files=[{"id": "moi", "name": "x.xlsx", "place": "may", "folder": "A"}],
        trash=[{"id": "cu", "name": "X.xlsx", "place": "may", "folder": "A"}],
        sheet=assignment["phieu"],
    )
    tap(task, "🗑 Thùng rác")
    tap(task, "↩ Khôi phục «X.xlsx»")
    assert task.value == [{"action": "open_trash"}]
    assert "đã có một tệp tên «x.xlsx»" in note(task)
