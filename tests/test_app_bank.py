"""The banking app: a careful learner meets every checkpoint, a hasty one loses the right ones.

Runs go through the app's own widgets (buttons clicked, text typed into its boxes) wherever a
learner would tap, so what is scored is what a learner can do; a fresh kernel is simulated by
building the task again on a new sheet that reads the answer file.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import ipywidgets as widgets
import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.bank import BANKS, BankApp, money
from curriculum.toolkit.scoring import checkpoint_credit, position

from appkit import button_labels, fill_in, note, screen_html, tap, widgets_in

SHEET = "bai_ngan_hang"

QR_CODES = [
    {
        "id": "quay",
        "where": "tấm mã QR dán ở quầy thu tiền",
        "bank": "cuctrang",
        "account": "000099887766",
        "name": "LE VAN KHOA",
    },
    {
        "id": "dien_thoai",
        "where": "mã QR cô Lan mở trên điện thoại của cô",
        "bank": "senvang",
        "account": "000011223344",
        "name": "LE THI LAN",
    },
]

SHOP_NOTICES = [
    {"id": 1, "channel": "app", "sender": "Sen Vàng", "text": "+350.000 đ từ PHAM THI HUE"},
    {"id": 2, "channel": "zalo", "sender": "Chị Huệ", "text": "Chị chuyển rồi.", "claim": True},
    {"id": 3, "channel": "zalo", "sender": "Hồng", "text": "[Ảnh chụp]", "claim": True},
    {
        "id": 4,
        "channel": "sms",
        "sender": "0912 000 789",
        "text": "+5.000.000 VND, chuyen nham, chuyen tra vao STK 0000 1357 9000 Mai Do",
    },
]
SHOP_HISTORY = [
    {
        "direction": "in",
        "amount": 350_000,
        "name": "PHAM THI HUE",
        "message": "Hue tra tien rau",
        "when": "Hôm nay 09:12",
    }
]

PRIVACY_NOTICES = [
    {
        "id": 1,
        "channel": "zalo",
        "sender": "0912 000 555",
        "text": "Chị gửi em mã OTP nhé.",
        "asks_otp": True,
    },
    {"id": 2, "channel": "sms", "sender": "SENVANG", "text": "Ma OTP 739201, KHONG cung cap."},
    {
        "id": 3,
        "channel": "sms",
        "sender": "0912 000 321",
        "text": "Xac minh tai sen-vang-xacminh.example",
        "link": "sen-vang-xacminh.example",
    },
    {"id": 4, "channel": "app", "sender": "Sen Vàng", "text": "Không bao giờ hỏi OTP."},
]


def transfer_task(sheet: AnswerSheet, **options: Any) -> BankApp:
    return BankApp("chuyen", "Chuyển tiền cho anh Đức", sheet=sheet, **options)


def qr_task(sheet: AnswerSheet) -> BankApp:
    return BankApp("qr", "Trả 85.000 đồng cho cô Lan", qr_codes=QR_CODES, sheet=sheet)


def shop_task(sheet: AnswerSheet) -> BankApp:
    return BankApp(
        "ban_hang",
        "Trả lời khách",
        notifications=SHOP_NOTICES,
        history=SHOP_HISTORY,
        sheet=sheet,
    )


def privacy_task(sheet: AnswerSheet) -> BankApp:
    return BankApp(
        "rieng_tu",
        "Giữ kín thông tin",
        balance_shown=True,
        notifications=PRIVACY_NOTICES,
        sheet=sheet,
    )


# Driving the app as a learner does.


def pay(task: BankApp, amount: str, message: str = "", otp: str = "482915") -> None:
    """From the screen showing the recipient: amount, confirm, face if asked, OTP."""
    fill_in(task, **{"Số tiền": amount, "Nội dung": message})
    tap(task, "Tiếp tục")
    tap(task, "Xác nhận")
    if task.state["screen"] == "face":
        tap(task, "Quét khuôn mặt")
    fill_in(task, **{"Mã OTP": otp})
    tap(task, "Xác nhận mã OTP")


# Scoring, as the assignment's hidden tests do.


def transfer_checks(task: BankApp) -> dict[str, bool]:
    done = task.state["transfers"]
    to_duc = [t for t in done if (t["bank"], t["account"]) == ("trucxanh", "000024681357")]
    return {
        "right account": bool(to_duc),
        "confirmed only the right name": bool(task.state["confirmed"])
        and all(c["name"] == "TRAN VAN DUC" for c in task.state["confirmed"]),
        "right amount": any(t["amount"] == 12_500_000 for t in done),
        "face authentication": any(t["face"] for t in to_duc),
        "paid once": len(done) == 1,
    }


def qr_checks(task: BankApp) -> dict[str, bool]:
    done = task.state["transfers"]
    return {
        "no stranger confirmed": bool(task.state["scanned"])
        and all(c["name"] == "LE THI LAN" for c in task.state["confirmed"]),
        "paid the shop": any(t["name"] == "LE THI LAN" for t in done),
        "right amount": any(t["amount"] == 85_000 for t in done),
    }


def shop_checks(task: BankApp) -> dict[str, bool]:
    log, state = task.value, task.state
    history = position(log, "open", screen="history")
    answers = [
        p for p in (position(log, "accept_claim"), position(log, "reject_claim")) if p is not None
    ]
    return {
        "history before answering": history is not None
        and bool(answers)
        and history < min(answers),
        "delivered the paid order": state["decisions"].get(2) == "accept",
        "held the screenshot order": state["decisions"].get(3) == "reject",
        "sent nothing back": 4 in state["opened"]
        and not any(c["account"] == "000013579000" for c in state["confirmed"]),
    }


def privacy_checks(task: BankApp) -> dict[str, bool]:
    state = task.state
    return {
        "balance hidden": not state["balance_shown"],
        "refused the OTP request": 1 in state["reported"] and not state["sent_otp"],
        "did not follow the link": 3 in state["opened"] and 3 not in state["followed"],
        "gave no login": 3 in state["opened"] and not state["logins"],
    }


# Careful runs meet every checkpoint.


def test_a_careful_transfer_reads_the_name_and_does_face_authentication(sheet: AnswerSheet):
    task = transfer_task(sheet)
    tap(task, "Chuyển tiền")
    tap(task, "Ngân hàng Mai Đỏ")  # a slip: the wrong bank
    fill_in(task, **{"Số tài khoản": "0000 2468 1357"})
    tap(task, "Tiếp tục")
    assert "TRAN VAN DUNG" in screen_html(task)
    tap(task, "Quay lại")  # the name is wrong: go back and fix the bank
    tap(task, "Quay lại")
    tap(task, "Ngân hàng Trúc Xanh")
    fill_in(task, **{"Số tài khoản": "000024681357"})
    tap(task, "Tiếp tục")
    assert "TRAN VAN DUC" in screen_html(task)
    fill_in(task, **{"Số tiền": "12,5 triệu", "Nội dung": "Ba Nam tra tien phan bon"})
    tap(task, "Tiếp tục")
    tap(task, "Xác nhận")
    assert task.state["screen"] == "face"
    assert "2345/QĐ-NHNN" in screen_html(task) and "hỏi ngân hàng của bạn" in screen_html(task)
    tap(task, "Quét khuôn mặt")
    assert "482915" in screen_html(task)
    fill_in(task, **{"Mã OTP": "482915"})
    tap(task, "Xác nhận mã OTP")
    assert all(transfer_checks(task).values())
    assert checkpoint_credit(transfer_checks(task), points=3) == 3
    assert task.state["balance"] == 30_000_000 - 12_500_000


def test_a_careful_qr_payment_cancels_the_pasted_over_code(sheet: AnswerSheet):
    task = qr_task(sheet)
    tap(task, "Quét mã QR")
    tap(task, "dán ở quầy")
    assert "LE VAN KHOA" in screen_html(task)
    tap(task, "Hủy giao dịch")
    assert task.state["screen"] == "home" and task.state["cancelled"] == 1
    tap(task, "Quét mã QR")
    tap(task, "điện thoại của cô")
    pay(task, "85.000", "Tien hang")
    assert all(qr_checks(task).values())
    assert task.state["transfers"][0]["via"] == "qr"


def test_a_careful_seller_checks_the_history_before_handing_over_goods(sheet: AnswerSheet):
    task = shop_task(sheet)
    tap(task, "Thông báo và tin nhắn")
    tap(task, "0912 000 789")
    tap(task, "Xem lịch sử giao dịch")
    history = screen_html(task)
    assert "PHAM THI HUE" in history and "5.000.000" not in history
    tap(task, "Thông báo và tin nhắn")
    tap(task, "0912 000 789")
    tap(task, "Báo cáo lừa đảo")
    tap(task, "Danh sách thông báo")
    tap(task, "Chị Huệ")
    tap(task, "giao hàng cho khách")
    tap(task, "Danh sách thông báo")
    tap(task, "Hồng")
    tap(task, "chưa giao hàng")
    assert all(shop_checks(task).values())


def test_a_careful_learner_hides_the_balance_and_refuses_the_requests(sheet: AnswerSheet):
    task = privacy_task(sheet)
    assert money(30_000_000) in screen_html(task)
    tap(task, "Ẩn số dư")
    assert money(30_000_000) not in screen_html(task)
    tap(task, "Thông báo và tin nhắn")
    tap(task, "0912 000 555")
    tap(task, "Báo cáo lừa đảo")
    tap(task, "Danh sách thông báo")
    tap(task, "0912 000 321")
    tap(task, "Báo cáo lừa đảo")
    assert all(privacy_checks(task).values())


# Careless runs lose the checkpoints they should, and only those.


def test_a_hasty_transfer_to_the_wrong_bank_loses_the_name_checks(sheet: AnswerSheet):
    task = transfer_task(sheet)
    task.act("open", screen="transfer")
    task.act("choose_bank", bank="maido")
    task.act("type_account", account="0000 2468 1357")
    pay(task, "12.500.000")
    checks = transfer_checks(task)
    assert checks == {
        "right account": False,
        "confirmed only the right name": False,
        "right amount": True,
        "face authentication": False,
        "paid once": True,
    }
    assert checkpoint_credit(checks, points=3) == 1.2


def test_a_dropped_zero_loses_the_amount_and_needs_no_face(sheet: AnswerSheet):
    task = transfer_task(sheet)
    task.act("open", screen="transfer")
    task.act("choose_bank", bank="trucxanh")
    task.act("type_account", account="000024681357")
    pay(task, "1.250.000")
    assert task.state["transfers"][0]["face"] is False
    checks = transfer_checks(task)
    assert not checks["right amount"] and not checks["face authentication"]
    assert checks["right account"] and checks["confirmed only the right name"]


def test_paying_the_pasted_over_qr_code_loses_the_payee_checks(sheet: AnswerSheet):
    task = qr_task(sheet)
    task.act("open", screen="qr")
    task.act("scan_qr", qr="quay")
    pay(task, "85 nghìn")
    assert qr_checks(task) == {
        "no stranger confirmed": False,
        "paid the shop": False,
        "right amount": True,
    }


def test_confirming_a_stranger_counts_even_if_abandoned_at_the_otp(sheet: AnswerSheet):
    task = qr_task(sheet)
    task.act("open", screen="qr")
    task.act("scan_qr", qr="quay")
    task.act("enter_details", amount="85.000", message="")
    task.act("confirm")
    task.act("cancel")
    assert task.state["transfers"] == []
    assert not qr_checks(task)["no stranger confirmed"]


def test_trusting_a_screenshot_and_the_fake_sms_loses_those_checks(sheet: AnswerSheet):
    task = shop_task(sheet)
    task.act("open", screen="notifications")
    task.act("open_notification", id=2)
    task.act("accept_claim", id=2)
    task.act("open_notification", id=3)
    task.act("accept_claim", id=3)
    task.act("open_notification", id=4)
    task.act("open", screen="home")
    task.act("open", screen="transfer")
    task.act("choose_bank", bank="maido")
    task.act("type_account", account="0000 1357 9000")
    pay(task, "5 triệu")
    assert shop_checks(task) == {
        "history before answering": False,
        "delivered the paid order": True,
        "held the screenshot order": False,
        "sent nothing back": False,
    }


def test_giving_the_otp_and_the_login_loses_every_privacy_check(sheet: AnswerSheet):
    task = privacy_task(sheet)
    tap(task, "Thông báo và tin nhắn")
    tap(task, "0912 000 555")
    tap(task, "Gửi mã OTP")
    tap(task, "Danh sách thông báo")
    tap(task, "0912 000 321")
    tap(task, "Mở đường link")
    assert not widgets_in(task, widgets.Text), "the phishing page has no box for a password"
    tap(task, "Điền tên đăng nhập")
    assert task.value[-1] == {"action": "give_login"}
    assert not any(privacy_checks(task).values())


def test_doing_nothing_wrong_is_not_enough_without_reading_the_messages(sheet: AnswerSheet):
    task = privacy_task(sheet)
    task.act("hide_balance")
    checks = privacy_checks(task)
    assert checks["balance hidden"] and sum(checks.values()) == 1


# Refused actions record nothing and say why.


@pytest.mark.parametrize(
    ("setup", "action", "details", "reason"),
    [
        ([], "confirm", {}, "không có trên màn hình"),
        ([], "open", {"screen": "settings"}, "không có màn hình"),
        ([("open", {"screen": "transfer"})], "open", {"screen": "history"}, "làm dở"),
        ([("open", {"screen": "transfer"})], "choose_bank", {"bank": "sao_khue"}, "danh sách"),
        ([("open", {"screen": "transfer"})], "choose_bank", {"bank": ["maido"]}, "danh sách"),
        (
            [("open", {"screen": "transfer"}), ("choose_bank", {"bank": "trucxanh"})],
            "type_account",
            {"account": "0000 9999 9999"},
            "không có số tài khoản",
        ),
        (
            [("open", {"screen": "transfer"}), ("choose_bank", {"bank": "senvang"})],
            "type_account",
            {"account": "0000 1111 2222"},
            "chính bạn",
        ),
        (
            [("open", {"screen": "transfer"}), ("choose_bank", {"bank": "trucxanh"})],
            "type_account",
            {"account": "abc"},
            "chữ số",
        ),
        (
            [
                ("open", {"screen": "transfer"}),
                ("choose_bank", {"bank": "trucxanh"}),
                ("type_account", {"account": "000024681357"}),
            ],
            "enter_details",
            {"amount": "năm trăm", "message": ""},
            "chưa phải là một số tiền",
        ),
        (
            [
                ("open", {"screen": "transfer"}),
                ("choose_bank", {"bank": "trucxanh"}),
                ("type_account", {"account": "000024681357"}),
            ],
            "enter_details",
            {"amount": "40 triệu", "message": ""},
            "Số dư không đủ",
        ),
        (
            [
                ("open", {"screen": "transfer"}),
                ("choose_bank", {"bank": "trucxanh"}),
                ("type_account", {"account": "000024681357"}),
                ("enter_details", {"amount": "500.000", "message": ""}),
                ("confirm", {}),
            ],
            "enter_otp",
            {"otp": "111111"},
            "OTP chưa đúng",
        ),
        ([("open", {"screen": "notifications"})], "open_notification", {"id": 9}, "Không có"),
        (
            [("open", {"screen": "notifications"}), ("open_notification", {"id": 4})],
            "report",
            {"id": 4},
            "không báo cáo được",
        ),
        (
            [("open", {"screen": "notifications"}), ("open_notification", {"id": 2})],
            "send_otp",
            {"id": 1},
            "không có trên màn hình",
        ),
        ([], "fly", {}, "không có thao tác"),
    ],
)
def test_a_refused_action_records_nothing_and_says_why(
    sheet: AnswerSheet,
    setup: list[tuple[str, dict[str, Any]]],
    action: str,
    details: dict[str, Any],
    reason: str,
):
    task = privacy_task(sheet)
    for name, fields in setup:
        task.act(name, **fields)
    before, state = task.value, task.state
    with pytest.raises(Refused, match=reason):
        task.act(action, **details)
    assert task.value == before and task.state == state
    assert AnswerSheet(SHEET).get("rieng_tu").value == before


def test_a_refused_tap_shows_its_reason_under_the_screen(sheet: AnswerSheet):
    task = transfer_task(sheet)
    tap(task, "Chuyển tiền")
    tap(task, "Ngân hàng Trúc Xanh")
    fill_in(task, **{"Số tài khoản": "0000 0000 0001"})
    tap(task, "Tiếp tục")
    assert "không có số tài khoản" in note(task)
    assert task.value == [
        {"action": "open", "screen": "transfer"},
        {"action": "choose_bank", "bank": "trucxanh"},
    ]


def test_a_decision_on_a_claim_cannot_be_taken_back(sheet: AnswerSheet):
    task = shop_task(sheet)
    task.act("open", screen="notifications")
    task.act("open_notification", id=3)
    task.act("accept_claim", id=3)
    with pytest.raises(Refused, match="không lấy lại được"):
        task.act("reject_claim", id=3)


def test_saved_actions_that_cannot_be_replayed_are_reported_not_raised(sheet: AnswerSheet):
    sheet.record("qr", [{"action": "open", "screen": "qr"}, {"action": "scan_qr", "qr": ["quay"]}])
    task = qr_task(AnswerSheet(SHEET))
    assert task.value is None and task.problem


# Cancel works at every step of a payment.


@pytest.mark.parametrize("steps", [1, 2, 3, 4, 5, 6])
def test_cancel_at_any_step_leaves_no_payment(sheet: AnswerSheet, steps: int):
    task = transfer_task(sheet)
    path = [
        ("open", {"screen": "transfer"}),
        ("choose_bank", {"bank": "trucxanh"}),
        ("type_account", {"account": "000024681357"}),
        ("enter_details", {"amount": "12.500.000", "message": ""}),
        ("confirm", {}),
        ("face_scan", {}),
    ]
    for name, fields in path[:steps]:
        task.act(name, **fields)
    tap(task, "Hủy giao dịch")
    assert task.state["screen"] == "home" and task.state["draft"] is None
    assert task.state["transfers"] == [] and task.state["balance"] == 30_000_000


# Face authentication follows the rule the app states.


@pytest.mark.parametrize(
    ("spent_today", "amount", "face"),
    [
        (0, "10.000.000", False),
        (0, "10.000.001", True),
        (12_000_000, "8.000.000", False),
        (12_000_000, "8.500.000", True),
    ],
)
def test_face_authentication_for_large_transfers_and_large_days(
    sheet: AnswerSheet, spent_today: int, amount: str, face: bool
):
    task = transfer_task(sheet, spent_today=spent_today)
    task.act("open", screen="transfer")
    task.act("choose_bank", bank="trucxanh")
    task.act("type_account", account="000024681357")
    task.act("enter_details", amount=amount, message="")
    task.act("confirm")
    assert (task.state["screen"] == "face") is face
    if not face:
        with pytest.raises(Refused):
            task.act("face_scan")


# A fresh kernel rebuilds the same state from the answer file.


def test_a_fresh_kernel_replays_the_saved_actions_to_the_same_state(sheet: AnswerSheet):
    task = shop_task(sheet)
    task.act("open", screen="notifications")
    task.act("open_notification", id=4)
    task.act("report", id=4)
    task.act("open", screen="history")
    task.act("open", screen="transfer")
    task.act("choose_bank", bank="trucxanh")
    task.act("type_account", account="000033445566")
    pay(task, "200.000", "Tra tien")
    again = shop_task(AnswerSheet(SHEET))
    assert again.value == task.value
    assert again.state == task.state
    assert shop_checks(again) == shop_checks(task)
    assert "Giao dịch thành công" in screen_html(again)


def test_an_answer_given_as_a_list_of_actions_counts_as_the_taps(sheet: AnswerSheet):
    tapped = qr_task(sheet)
    tap(tapped, "Quét mã QR")
    tap(tapped, "điện thoại của cô")
    pay(tapped, "85.000", "Tien hang")
    given = BankApp("qr2", "Trả tiền", qr_codes=QR_CODES, sheet=sheet)
    given.set_answer(tapped.value)
    assert given.state == tapped.state


# Text typed as people type it.


@pytest.mark.parametrize(
    "typed",
    [
        "12.500.000",
        "12500000",
        "12,5 triệu",
        unicodedata.normalize("NFD", "12,5 TRIỆU"),
        "12,5tr",
        "12500 nghìn",
        unicodedata.normalize("NFD", "12.500.000 Đồng"),
        "12.500.000đ",
        "12.500.000 VND",
        " 12 500 000 ",
    ],
)
def test_amounts_are_read_as_people_write_them(sheet: AnswerSheet, typed: str):
    task = transfer_task(sheet)
    task.act("open", screen="transfer")
    task.act("choose_bank", bank="trucxanh")
    task.act("type_account", account="000024681357")
    task.act("enter_details", amount=typed, message="")
    assert task.state["draft"]["amount"] == 12_500_000


@pytest.mark.parametrize("typed", ["0000 2468 1357", "0000.2468.1357", " 000024681357 "])
def test_account_numbers_may_be_grouped(sheet: AnswerSheet, typed: str):
    task = transfer_task(sheet)
    task.act("open", screen="transfer")
    task.act("choose_bank", bank="trucxanh")
    task.act("type_account", account=typed)
    assert task.state["draft"]["name"] == "TRAN VAN DUC"


def test_an_otp_typed_with_spaces_is_accepted(sheet: AnswerSheet):
    task = transfer_task(sheet)
    task.act("open", screen="transfer")
    task.act("choose_bank", bank="trucxanh")
    task.act("type_account", account="000024681357")
    pay(task, "500.000", otp=" 482 915 ")
    assert len(task.state["transfers"]) == 1


def test_every_bank_is_offered_and_every_screen_draws(sheet: AnswerSheet):
    task = privacy_task(sheet)
    tap(task, "Chuyển tiền")
    labels = button_labels(task)
    assert all(name in labels for name in BANKS.values())
    tap(task, "Hủy giao dịch")
    tap(task, "Lịch sử giao dịch")
    assert "LUONG THANG 9" in screen_html(task)


def test_a_qr_code_that_carries_the_amount_goes_straight_to_the_confirm_screen(
    sheet: AnswerSheet,
):
    code = {**QR_CODES[1], "id": "hoa_don", "amount": 85_000, "message": "HD 0042"}
    task = BankApp("qr_tien", "Trả hóa đơn", qr_codes=[code], sheet=sheet)
    tap(task, "Quét mã QR")
    tap(task, "điện thoại của cô")
    assert task.state["screen"] == "confirm"
    assert money(85_000) in screen_html(task) and "HD 0042" in screen_html(task)
    tap(task, "Quay lại sửa")
    assert task.state["screen"] == "qr"
    tap(task, "điện thoại của cô")
    tap(task, "Xác nhận")
    fill_in(task, **{"Mã OTP": "482915"})
    tap(task, "Xác nhận mã OTP")
    assert task.state["transfers"][0]["amount"] == 85_000
