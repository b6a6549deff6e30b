"""The document editor (Soạn thảo văn bản) as the noi_dung_so assignment uses it, by its widgets.

The parts of the notice, the pieces of the message, the image library and the checkpoints come
from the assignment itself (its data cell and the hidden tests of câu 3, 6 and 10), so these
tests prove that what a learner does by tapping is scored as the assignment says.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.document import DocumentEditor, same_address

from appkit import hidden_checkpoints, note, screen_html, setup_names, tap, widgets_in

ASSIGNMENT = "noi_dung_so"
LAYOUT = [
    ("ỦY BAN NHÂN DÂN", "Phía trên, bên trái"),
    ("Số: 15/TB-UBND", "Phía trên, bên trái"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Phía trên, bên phải"),
    ("Hòa Phong, ngày 07 tháng 12 năm 2026", "Phía trên, bên phải"),
    ("THÔNG BÁO", "Giữa trang, dưới phần đầu"),
    ("Để đường làng, ngõ xóm sạch sẽ", "Thân văn bản"),
    ("Nơi nhận:", "Cuối văn bản, bên trái"),
    ("TM. ỦY BAN NHÂN DÂN", "Cuối văn bản, bên phải"),
]


@pytest.fixture
def assignment(workdir: Path) -> dict[str, Any]:
    """The names the assignment's setup and data cells define, run in a fresh folder."""
    return setup_names(ASSIGNMENT, "du_lieu_bai")


def notice(names: dict[str, Any], qid: str, sheet: AnswerSheet) -> DocumentEditor:
    return DocumentEditor(qid, "Thông báo", parts=names["PHAN_THONG_BAO"], sheet=sheet)


def lay_out(task: DocumentEditor, layout: list[tuple[str, str]]) -> None:
    for first_line, slot in layout:
        tap(task, f"➕ {first_line}")
        tap(task, slot)


def test_placing_and_formatting_by_decree_30_meets_every_checkpoint(assignment: dict[str, Any]):
    task = notice(assignment, "cau_3", assignment["phieu"])
    lay_out(task, LAYOUT)
    tap(task, "🅰 Định dạng chữ")
    tap(task, "Times New Roman")
    tap(task, "13")
    tap(task, "Căn đều hai bên")
    tap(task, "← Quay lại văn bản")
    tap(task, "👁 Xem trước bản in")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_3_kiem_tra", assignment, cau_3=task).values())
    page = screen_html(task)
    assert "font-family:'Times New Roman'" in page and "text-align:justify" in page
    assert page.index("ỦY BAN NHÂN DÂN") < page.index("Số: 15/TB-UBND") < page.index("THÔNG BÁO")


def test_the_issuing_body_and_date_put_last_lose_the_layout_checkpoints(
    assignment: dict[str, Any],
):
    task = notice(assignment, "cau_3", assignment["phieu"])
    lay_out(
        task,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Phía trên, bên trái"),
            ("THÔNG BÁO", "Giữa trang, dưới phần đầu"),
            ("Để đường làng, ngõ xóm sạch sẽ", "Thân văn bản"),
            ("Nơi nhận:", "Cuối văn bản, bên trái"),
            ("TM. ỦY BAN NHÂN DÂN", "Cuối văn bản, bên phải"),
            ("ỦY BAN NHÂN DÂN", "Cuối văn bản, bên phải"),
            ("Số: 15/TB-UBND", "Cuối văn bản, bên trái"),
            ("Hòa Phong, ngày 07 tháng 12 năm 2026", "Cuối văn bản, bên phải"),
        ],
    )
    assert hidden_checkpoints(ASSIGNMENT, "cau_3_kiem_tra", assignment, cau_3=task) == {
        "dau_trang_ben_trai": False,
        "dau_trang_ben_phai": False,
        "ten_loai_va_noi_dung": True,
        "cuoi_trang": False,
        "phong_chu": False,
        "co_chu_va_can_le": False,
    }


def test_a_part_taken_back_can_be_placed_again_and_slots_keep_the_order_of_placing(
    assignment: dict[str, Any],
):
    task = notice(assignment, "cau_3", assignment["phieu"])
    tap(task, "➕ Số: 15/TB-UBND")
    tap(task, "Phía trên, bên trái")
    tap(task, "➕ ỦY BAN NHÂN DÂN")
    tap(task, "Phía trên, bên trái")
    assert task.state["slots"]["tren_trai"] == ["so_ky_hieu", "co_quan"]
    tap(task, "↩ Gỡ: Số: 15/TB-UBND")
    tap(task, "➕ Số: 15/TB-UBND")
    tap(task, "Phía trên, bên trái")
    assert task.state["slots"]["tren_trai"] == ["co_quan", "so_ky_hieu"]
    with pytest.raises(Refused):  # a part already on the page cannot be picked again
        task.act("pick", block="co_quan")
    with pytest.raises(Refused):
        task.act("set_font", font="Times New Roman")  # the format screen is not open
    assert len(task.value or []) == 7


def message(names: dict[str, Any], qid: str, sheet: AnswerSheet) -> DocumentEditor:
    return DocumentEditor(qid, "Tin nhắn", pieces=names["THONG_TIN_TIN_NHAN"], sheet=sheet)


def test_a_message_with_what_people_need_meets_every_checkpoint(assignment: dict[str, Any]):
    task = message(assignment, "cau_6", assignment["phieu"])
    tap(task, "✉ Tạo tin nhắn ngắn từ thông báo")
    with pytest.raises(Refused):  # an empty message is not sent
        task.act("send_short")
    for first_line in (
        "UBND xã Hòa Phong thông báo:",
        "Tổng vệ sinh đường làng, ngõ xóm; mỗi hộ cử một người.",
        "Thời gian: 7 giờ đến 9 giờ sáng Chủ nhật 13/12/2026.",
        "Tập trung tại nhà văn hóa thôn mình.",
        "Mang theo chổi, cuốc hoặc xẻng, bao tải.",
        "Cần hỏi thêm: liên hệ trưởng thôn.",
    ):
        tap(task, f"☐ {first_line}")
    assert "Tập trung tại nhà văn hóa thôn mình." in screen_html(task)
    tap(task, "📨 Gửi tin nhắn")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_6_kiem_tra", assignment, cau_6=task).values())


def test_the_first_message_sent_is_scored_even_if_a_better_one_follows(
    assignment: dict[str, Any],
):
    task = message(assignment, "cau_6", assignment["phieu"])
    task.act("open_short")
    for piece, _ in assignment["THONG_TIN_TIN_NHAN"]:
        task.act("toggle_piece", piece=piece)
    task.act("send_short")
    assert hidden_checkpoints(ASSIGNMENT, "cau_6_kiem_tra", assignment, cau_6=task) == {
        "co_viec_thoi_gian_dia_diem": True,
        "co_mang_theo_hoi_them_noi_gui": True,
        "bo_quoc_hieu_so_ky_hieu": False,
        "bo_can_cu_noi_nhan": False,
    }
    task.act("open_short")
    for piece in ("quoc_hieu", "so_ky_hieu", "can_cu", "noi_nhan"):
        task.act("toggle_piece", piece=piece)
    task.act("send_short")
    checks = hidden_checkpoints(ASSIGNMENT, "cau_6_kiem_tra", assignment, cau_6=task)
    assert not checks["bo_can_cu_noi_nhan"]


def library(names: dict[str, Any], qid: str, sheet: AnswerSheet) -> DocumentEditor:
    return DocumentEditor(
        qid, "Kho ảnh", images=names["KHO_ANH"], overlay="Chủ nhật xanh", sheet=sheet
    )


def insert_and_credit_by_tapping(task: DocumentEditor, author: str, source: str) -> None:
    tap(task, "🖼 Chèn ảnh từ kho ảnh")
    tap(task, "ℹ Xem thông tin: Đội tình nguyện dọn rác ven sông")
    assert "Bảo lưu mọi quyền" in screen_html(task)
    tap(task, "← Kho ảnh")
    tap(task, "ℹ Xem thông tin: Đường làng sạch đẹp")
    tap(task, "➕ Chèn ảnh này")
    tap(task, "✍ Thêm dòng chữ «Chủ nhật xanh» lên ảnh")
    author_box, source_box = widgets_in(task, widgets.Text)
    author_box.value, source_box.value = author, source
    tap(task, "Lưu tác giả và nguồn")
    tap(task, "Giấy phép ảnh: CC BY-SA 4.0")
    tap(task, "☐ Ghi rõ: ảnh đã được sửa đổi (thêm chữ, cắt khung...)")
    tap(task, "Bản đã sửa: CC BY-SA 4.0")
    tap(task, "← Quay lại văn bản")


def test_a_licensed_image_credited_in_full_meets_every_checkpoint(assignment: dict[str, Any]):
    task = library(assignment, "cau_10", assignment["phieu"])
    insert_and_credit_by_tapping(task, "Phạm Văn Lực", "anhlang.example/duong-lang")
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_10_kiem_tra", assignment, cau_10=task).values())
    assert (
        "Ảnh «Đường làng sạch đẹp» của Phạm Văn Lực, nguồn: anhlang.example/duong-lang, "
        "giấy phép CC BY-SA 4.0; đã sửa đổi, bản đã sửa chia sẻ theo giấy phép CC BY-SA 4.0."
    ) in screen_html(task)


def test_a_credit_typed_in_another_form_case_or_address_style_is_accepted(
    assignment: dict[str, Any],
):
    task = library(assignment, "cau_10", assignment["phieu"])
    author = unicodedata.normalize("NFD", "  PHẠM VĂN LỰC ")
    insert_and_credit_by_tapping(task, author, "https://www.AnhLang.example/duong-lang/")
    assert task.state["images"][0]["author"] == unicodedata.normalize("NFC", author).strip()
    assert all(hidden_checkpoints(ASSIGNMENT, "cau_10_kiem_tra", assignment, cau_10=task).values())
    assert same_address("http://anhlang.example/duong-lang", "anhlang.example/duong-lang")
    assert not same_address("anhlang.example/duong", "anhlang.example/duong-lang")


def test_an_all_rights_reserved_image_inserted_unread_loses_the_right_checkpoints(
    assignment: dict[str, Any],
):
    task = library(assignment, "cau_10", assignment["phieu"])
    tap(task, "🖼 Chèn ảnh từ kho ảnh")
    tap(task, "➕ Chèn: Đội tình nguyện dọn rác ven sông")
    tap(task, "✍ Thêm dòng chữ «Chủ nhật xanh» lên ảnh")
    checks = hidden_checkpoints(ASSIGNMENT, "cau_10_kiem_tra", assignment, cau_10=task)
    assert checks == dict.fromkeys(
        [
            "xem_giay_phep_truoc_khi_chen",
            "chi_co_anh_duoc_phep",
            "them_chu_va_ghi_da_sua",
            "dung_tac_gia_va_nguon",
            "dung_giay_phep_anh",
            "ban_sua_cung_giay_phep",
        ],
        False,
    )
    # Inserting the right image too does not make up for keeping the wrong one.
    task.act("back")
    task.act("open_images")
    task.act("view_image", image="duong_lang")
    task.act("insert_image", image="duong_lang")
    met = hidden_checkpoints(ASSIGNMENT, "cau_10_kiem_tra", assignment, cau_10=task)
    assert met["xem_giay_phep_truoc_khi_chen"] and not met["chi_co_anh_duoc_phep"]


def test_impossible_image_actions_are_refused_and_record_nothing(assignment: dict[str, Any]):
    task = library(assignment, "cau_10", assignment["phieu"])
    task.act("open_images")
    task.act("insert_image", image="duong_lang")
    before = task.value
    tap(task, "Lưu tác giả và nguồn")  # nothing typed
    assert "Hãy gõ tác giả và nguồn" in note(task)
    for action, details in [
        ("set_licence", {"image": "duong_lang", "licence": "CC BY-ZZ"}),
        ("credit", {"image": "don_rac", "author": "A", "source": "B"}),  # not inserted
        ("insert_image", {"image": "duong_lang"}),  # not on the library screen
        ("open_short", {}),
    ]:
        with pytest.raises(Refused):
            task.act(action, **details)
    assert task.value == before
    plain = DocumentEditor("anh", "Ảnh", images=assignment["KHO_ANH"], sheet=assignment["phieu"])
    plain.act("open_images")
    plain.act("insert_image", image="duong_lang")
    with pytest.raises(Refused):  # this task has no text to add on an image
        plain.act("edit_image", image="duong_lang")


def test_a_task_rebuilt_from_the_saved_answers_replays_to_the_same_state(
    assignment: dict[str, Any],
):
    task = library(assignment, "cau_10", assignment["phieu"])
    insert_and_credit_by_tapping(task, "Phạm Văn Lực", "anhlang.example/duong-lang")
    again = library(assignment, "cau_10", AnswerSheet("noi_dung_so"))
    assert again.value == task.value
    assert again.state == task.state
    layout = notice(assignment, "cau_3", assignment["phieu"])
    lay_out(layout, LAYOUT[:3])
    assert notice(assignment, "cau_3", AnswerSheet("noi_dung_so")).state == layout.state
