"""The VNeID app: careful runs meet every checkpoint, careless ones lose the right ones.

Runs go through the app's own widgets (buttons clicked, text typed into its boxes) as a learner
would; a fresh kernel is simulated by building the task again on a new sheet that reads the
answer file. Scores come from the assignment's own hidden tests, run on the task, so what is
tested here is what the learner gets.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.vneid import (
    ACTIVATION_CODE,
    BA_TU,
    ONG_TAM,
    Device,
    Message,
    VNeID,
    easy_passcode,
    folded,
    id_key,
)

from appkit import (
    button_labels,
    cell_points,
    fill_in,
    item_points,
    note,
    scoring_names,
    screen_html,
    tap,
)

SHEET = "bai_vneid"
ASSIGNMENT = "cong_dan_so"
# What the hidden tests run among (the setup cell is not run).
SCORING = scoring_names()

FAKE_ACTIVATION = Message(
    "la", "VNeID-CSKH", "Tài khoản sẽ bị KHÓA. Kích hoạt mức 2 tại:", "vneid-kichhoat.example"
)
EVERYDAY_MESSAGES = [
    Message("con", "Con gái", "Bố nhớ mai mang thẻ bảo hiểm y tế đi khám nhé."),
    Message("la", "0909 000 444", "Đăng nhập lạ. Khóa tài khoản tại:", "vneid-baomat.example"),
]
DEVICES = [
    Device("may_moi", "Điện thoại mới", "đăng nhập hôm nay", current=True),
    Device("may_cu", "Điện thoại cũ (Android)", "đăng nhập lần cuối ngày 02/10/2026"),
]


def activation_task(sheet: AnswerSheet, qid: str = "cau_2") -> VNeID:
    return VNeID(
        qid,
        "Kích hoạt tài khoản của bà Tư",
        owner=BA_TU,
        activated=False,
        messages=[FAKE_ACTIVATION],
        sheet=sheet,
    )


def everyday_task(sheet: AnswerSheet) -> VNeID:
    return VNeID(
        "cau_3",
        "Thẻ BHYT, máy cũ, passcode",
        owner=ONG_TAM,
        passcode="739146",
        messages=EVERYDAY_MESSAGES,
        devices=DEVICES,
        sheet=sheet,
    )


def stay_task(sheet: AnswerSheet) -> VNeID:
    return VNeID("cau_4", "Khách ở lại nhà", owner=ONG_TAM, passcode="739146", sheet=sheet)


# Scoring, exactly as the assignment's hidden tests do.


def hidden_score(task: VNeID) -> float:
    """The points the assignment's hidden tests give ``task`` (its item ``task.qid``)."""
    return item_points(ASSIGNMENT, task, SCORING)


def points(task: VNeID) -> float:
    """The most the assignment's item ``task.qid`` is worth."""
    return cell_points(ASSIGNMENT, f"{task.qid}_kiem_tra")


def activate_carefully(task: VNeID, *, ident: str = "MẪU-0101", passcode: str = "739146") -> None:
    tap(task, "Tin nhắn")
    tap(task, "BoCongAn")
    assert "đã được phê duyệt" in screen_html(task)
    tap(task, "Màn hình chính")
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Kích hoạt tài khoản")
    fill_in(task, **{"Số định danh": ident, "Số điện thoại": "0912 000 101"})
    tap(task, "Gửi yêu cầu")
    assert "Cuộc gọi đến" in screen_html(task)
    tap(task, "Từ chối cuộc gọi")
    tap(task, "Tin nhắn mới")
    assert ACTIVATION_CODE in screen_html(task)
    tap(task, "Mở ứng dụng VNeID")
    fill_in(task, **{"Mã kích hoạt": "418 627"})
    tap(task, "Xác nhận")
    fill_in(task, **{"Passcode": passcode, "Nhập lại": passcode})
    tap(task, "Xác nhận")


# Activating a level-2 account.


def test_a_careful_activation_meets_every_checkpoint(sheet: AnswerSheet):
    task = activation_task(sheet)
    activate_carefully(task)
    assert task.state["level"] == 2
    assert "mức độ 2" in screen_html(task)
    assert hidden_score(task) == points(task)


def test_a_careless_activation_loses_the_link_the_code_and_the_passcode(sheet: AnswerSheet):
    task = activation_task(sheet)
    tap(task, "Tin nhắn")
    tap(task, "VNeID-CSKH")
    tap(task, "vneid-kichhoat.example")
    fill_in(task, **{"Số định danh": "MẪU-0101", "Mật khẩu": "Abc@12345", "Passcode hoặc": "1"})
    tap(task, "Xác nhận")
    tap(task, "Màn hình chính")
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Kích hoạt tài khoản")
    fill_in(task, **{"Số định danh": "MẪU-0101", "Số điện thoại": "0912000101"})
    tap(task, "Gửi yêu cầu")
    tap(task, "Nghe máy")
    tap(task, "Đọc mã cho người gọi")
    fill_in(task, **{"Mã kích hoạt": ACTIVATION_CODE})
    tap(task, "Xác nhận")
    fill_in(task, **{"Passcode": "150560", "Nhập lại": "150560"})  # her birth date
    tap(task, "Xác nhận")
    assert task.state["level"] == 2
    assert hidden_score(task) == pytest.approx(points(task) / 4)
    assert {"action": "share_code"} in task.value
    assert {"action": "set_passcode", "de_doan": True} in task.value


def test_typed_secrets_never_reach_the_answer_file(sheet: AnswerSheet):
    task = activation_task(sheet)
    tap(task, "Tin nhắn")
    tap(task, "VNeID-CSKH")
    tap(task, "vneid-kichhoat.example")
    fill_in(task, **{"Mật khẩu": "Bi-mat-9x7q"})
    tap(task, "Xác nhận")
    activate_carefully(activation_task(sheet, "cau_2_lan_hai"), passcode="864209")
    saved = Path(f"{SHEET}.answers.json").read_text(encoding="utf-8")
    assert "Bi-mat-9x7q" not in saved and "864209" not in saved
    assert {"action": "enter_on_fake_page", "da_nhap": ["mat_khau"]} in task.value


def test_refused_steps_record_nothing_and_say_why(sheet: AnswerSheet):
    task = activation_task(sheet)
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Đăng nhập")
    assert "chưa được kích hoạt" in note(task)
    tap(task, "Đăng ký tài khoản")
    fill_in(task, **{"Số định danh": "MẪU-0101", "Số điện thoại": "0912 000 101"})
    tap(task, "Tiếp tục")
    assert "chờ kích hoạt" in note(task)
    before = task.value
    tap(task, "Quay lại")
    tap(task, "Kích hoạt tài khoản")
    recorded = list(task.value or [])
    fill_in(task, **{"Số định danh": "0123456789012", "Số điện thoại": "0912 000 101"})
    tap(task, "Gửi yêu cầu")
    assert "chưa khớp" in note(task)
    assert task.value == recorded and before == recorded[:-2]
    fill_in(task, **{"Số định danh": "MẪU-0101", "Số điện thoại": "0912 000 101"})
    tap(task, "Gửi yêu cầu")
    with pytest.raises(Refused):
        task.act("home")  # a call is ringing: it must be answered or declined first
    tap(task, "Từ chối cuộc gọi")
    recorded = list(task.value)
    fill_in(task, **{"Mã kích hoạt": "000000"})
    tap(task, "Xác nhận")
    assert "Mã kích hoạt chưa đúng" in note(task)
    fill_in(task, **{"Mã kích hoạt": ACTIVATION_CODE})
    tap(task, "Xác nhận")
    recorded = list(task.value)
    fill_in(task, **{"Passcode": "1234", "Nhập lại": "1234"})
    tap(task, "Xác nhận")
    assert "đúng 6 chữ số" in note(task)
    fill_in(task, **{"Passcode": "739146", "Nhập lại": "739147"})
    tap(task, "Xác nhận")
    assert "chưa giống nhau" in note(task)
    assert task.value == recorded
    with pytest.raises(Refused):
        task.act("open_document", id="bhyt")


def test_a_fresh_kernel_replays_the_saved_actions_to_the_same_state(sheet: AnswerSheet):
    task = activation_task(sheet)
    activate_carefully(task)
    again = activation_task(AnswerSheet(SHEET))
    assert again.value == task.value
    assert again.state == task.state
    assert "mức độ 2" in screen_html(again)


def test_numbers_are_accepted_however_they_are_typed(sheet: AnswerSheet):
    task = activation_task(sheet)
    nfd = unicodedata.normalize("NFD", "mẫu 0101")
    activate_carefully(task, ident=nfd)
    assert task.state["level"] == 2
    assert (
        id_key("MAU-0101") == id_key("mẫu.0101") == id_key(unicodedata.normalize("NFD", "MẪU 0101"))
    )


def test_easy_passcodes_are_the_ones_a_stranger_tries_first():
    for code in ("111111", "121212", "123456", "654321", "890123", "123123", "15a560"):
        assert easy_passcode(code), code
    assert easy_passcode("150560", birth="15/05/1960")
    assert easy_passcode("600515", birth="15/05/1960")
    assert easy_passcode("196007", birth="15/05/1960")
    assert easy_passcode("000101", phone="0912 000 101")
    assert not easy_passcode("739146", birth="15/05/1960", phone="0912 000 101")


# Everyday use: the document wallet and the account's safety.


def test_careful_everyday_use_meets_every_checkpoint(sheet: AnswerSheet):
    task = everyday_task(sheet)
    tap(task, "Tin nhắn")
    tap(task, "Con gái")
    tap(task, "Màn hình chính")
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Ví giấy tờ")
    fill_in(task, Passcode="739146")
    tap(task, "Mở ví")
    tap(task, "Thẻ bảo hiểm y tế")
    assert "Trạm Y tế xã Mẫu Sơn" in screen_html(task)
    tap(task, "Trang chủ VNeID")
    tap(task, "Cá nhân")
    tap(task, "Thiết bị đăng nhập")
    assert len([label for label in button_labels(task) if "Đăng xuất" in label]) == 1
    tap(task, "Đăng xuất khỏi Điện thoại cũ")
    tap(task, "← Cá nhân")
    tap(task, "Đổi passcode")
    fill_in(
        task,
        **{"Passcode hiện tại": "739146", "Passcode mới": "582036", "Nhập lại": "582036"},
    )
    tap(task, "Xác nhận")
    assert "Đã đổi passcode" in screen_html(task)
    assert task.state["devices"] == ["may_moi"]
    assert hidden_score(task) == points(task)


def test_careless_everyday_use_loses_the_device_the_passcode_and_the_link(sheet: AnswerSheet):
    task = everyday_task(sheet)
    tap(task, "Tin nhắn")
    tap(task, "0909 000 444")
    tap(task, "vneid-baomat.example")
    fill_in(task, **{"Mật khẩu": "x", "Passcode hoặc": "739146"})
    tap(task, "Xác nhận")
    tap(task, "Màn hình chính")
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Ví giấy tờ")
    fill_in(task, Passcode="739146")
    tap(task, "Mở ví")
    tap(task, "Thẻ bảo hiểm y tế")
    tap(task, "Trang chủ VNeID")
    tap(task, "Cá nhân")
    tap(task, "Đổi passcode")
    fill_in(
        task,
        **{"Passcode hiện tại": "739146", "Passcode mới": "020958", "Nhập lại": "020958"},
    )
    tap(task, "Xác nhận")
    assert task.state["passcode_changed"]
    assert hidden_score(task) == pytest.approx(points(task) / 4)


def test_the_wallet_and_passcode_refuse_wrong_passcodes_without_recording(sheet: AnswerSheet):
    task = everyday_task(sheet)
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Ví giấy tờ")
    recorded = list(task.value)
    fill_in(task, Passcode="111111")
    tap(task, "Mở ví")
    assert "Passcode chưa đúng" in note(task)
    assert task.value == recorded
    tap(task, "Trang chủ VNeID")
    tap(task, "Cá nhân")
    tap(task, "Đổi passcode")
    recorded = list(task.value)
    fill_in(
        task,
        **{"Passcode hiện tại": "739146", "Passcode mới": "739146", "Nhập lại": "739146"},
    )
    tap(task, "Xác nhận")
    assert "phải khác passcode cũ" in note(task)
    assert task.value == recorded
    with pytest.raises(Refused):
        task.act("logout_device", id="may_moi")


# The residence notification.


def _open_stay_form(task: VNeID) -> None:
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Thủ tục hành chính")
    tap(task, "Thông báo lưu trú")
    assert "dưới 30 ngày" in screen_html(task)
    tap(task, "Thực hiện thủ tục này")


def _fill_stay(task: VNeID, guests: list[tuple[str, str]], last_day: str) -> None:
    tap(task, "Nơi thường trú")
    tap(task, "từ 20/10/2026")
    tap(task, f"đến {last_day}")
    tap(task, "Thăm người thân")
    for ident, name in guests:
        fill_in(task, **{"Số định danh": ident, "Họ và tên": name})
        tap(task, "Thêm người lưu trú")


def test_a_careful_residence_notification_meets_every_checkpoint(sheet: AnswerSheet):
    task = stay_task(sheet)
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Thủ tục hành chính")
    tap(task, "Đăng ký tạm trú")  # reading another procedure's page costs nothing
    tap(task, "Danh sách thủ tục")
    tap(task, "Thông báo lưu trú")
    tap(task, "Thực hiện thủ tục này")
    nfd = unicodedata.normalize("NFD", "LÊ THỊ HỒNG NHUNG")
    _fill_stay(task, [("mẫu 0417", nfd), ("MAU-0418", "Pham Van Khoa")], "23/10/2026")
    tap(task, "Tiếp tục")
    assert "từ 20/10/2026 đến 23/10/2026" in screen_html(task)
    tap(task, "Gửi thông báo")
    assert "Mã hồ sơ" in screen_html(task)
    (sent,) = task.state["sent"]
    assert sent["khach"] == ["MẪU-0417", "MẪU-0418"]
    assert hidden_score(task) == points(task)


def test_a_careless_residence_notification_loses_the_right_checkpoints(sheet: AnswerSheet):
    task = stay_task(sheet)
    tap(task, "Mở ứng dụng VNeID")
    tap(task, "Thủ tục hành chính")
    tap(task, "Đăng ký tạm trú")
    tap(task, "Thực hiện thủ tục này")  # the wrong procedure, begun
    tap(task, "Danh sách thủ tục")
    tap(task, "Thông báo lưu trú")
    tap(task, "Thực hiện thủ tục này")
    _fill_stay(task, [("MẪU-0417", "Lê Thị Hồng Nhung")], "24/10/2026")
    tap(task, "Tiếp tục")
    tap(task, "Gửi thông báo")
    assert hidden_score(task) == pytest.approx(points(task) / 4)  # only the place is right


def test_guests_are_checked_against_their_papers(sheet: AnswerSheet):
    task = stay_task(sheet)
    _open_stay_form(task)
    recorded = list(task.value)
    fill_in(task, **{"Số định danh": "MẪU-0999", "Họ và tên": "Lê Thị Hồng Nhung"})
    tap(task, "Thêm người lưu trú")
    assert "Không tìm thấy" in note(task)
    fill_in(task, **{"Số định danh": "MẪU-0417", "Họ và tên": "Lê Thị Hồng"})
    tap(task, "Thêm người lưu trú")
    assert "chưa khớp" in note(task)
    tap(task, "Tiếp tục")
    assert "Còn thiếu" in note(task)
    assert task.value == recorded
    assert folded("Lê Thị Hồng Nhung") == folded("LE THI  HONG NHUNG")


def test_the_answer_sheet_holds_plain_data_only(sheet: AnswerSheet):
    task = stay_task(sheet)
    _open_stay_form(task)
    saved = json.loads(Path(f"{SHEET}.answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["cau_4"]["value"] == task.value
    assert all(isinstance(a, dict) and isinstance(a["action"], str) for a in task.value)
