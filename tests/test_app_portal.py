"""The National Public Service Portal app: careful and careless runs, and the fee's two orders.

Runs go through the app's own widgets (buttons clicked, text typed into its boxes) as a learner
would; a fresh kernel is simulated by building the task again on a new sheet that reads the
answer file. The assignment's own hidden test scores the task, so what is tested here is what
the learner gets.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

import curriculum.toolkit.scoring as scoring
from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps import portal as portal_module
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.portal import CATALOGUE, Portal, official_address, same_code

from appkit import (
    button_labels,
    fill_in,
    item_points,
    note,
    scoring_names,
    screen_html,
    tap,
)

SHEET = "bai_cong_dvc"
ASSIGNMENT = "cong_dan_so"
# What the hidden tests run among (the setup cell is not run).
SCORING = scoring_names(official_address=official_address, same_code=same_code)
CODE = "H99.00-261020-0007"


def birth_task(sheet: AnswerSheet, qid: str = "cau_5") -> Portal:
    return Portal(qid, "Đăng ký khai sinh cho bé Trần Minh An", sheet=sheet)


# Driving the phone as a learner does.


def fill_birth_form(task: Portal, *, name: str = "Trần Minh An", photo: str = "rõ nét") -> None:
    tap(task, "UBND xã Mẫu Sơn")
    tap(task, "2")
    tap(task, "Bản điện tử")
    fill_in(task, **{"Họ, chữ đệm": name})
    tap(task, "Lưu")
    tap(task, "Chọn tệp")
    tap(task, photo)


def submit_birth_carefully(task: Portal, *, address: str = "https://dichvucong.gov.vn/") -> None:
    fill_in(task, **{"Địa chỉ": address})
    tap(task, "Mở trang")
    fill_in(task, **{"Tìm thủ tục": "khai sinh"})
    tap(task, "Tìm kiếm")
    assert "Đăng ký lại khai sinh" in " ".join(button_labels(task))
    tap(task, "Đăng ký khai sinh (")
    tap(task, "Thành phần hồ sơ")
    tap(task, "Phí, lệ phí")
    assert "SAU KHI cơ quan tiếp nhận" in screen_html(task)
    tap(task, "Nộp trực tuyến")
    tap(task, "tài khoản định danh điện tử (VNeID)")
    tap(task, "Xác nhận đăng nhập trên VNeID")
    fill_birth_form(task)
    tap(task, "Tiếp tục")
    assert "nộp sau khi cơ quan tiếp nhận" in screen_html(task)
    assert not [label for label in button_labels(task) if "Thanh toán" in label]
    tap(task, "Nộp hồ sơ")
    assert CODE in screen_html(task)
    tap(task, "Chụp màn hình")


# The assignment's task: a birth registration whose fee is paid after the file is accepted.


def test_a_careful_submission_meets_every_checkpoint(sheet: AnswerSheet):
    task = birth_task(sheet)
    submit_birth_carefully(task)
    tap(task, "Trang chủ")
    fill_in(task, **{"Mã hồ sơ": "h99.00 261020 0007"})
    tap(task, "Tra cứu hồ sơ")
    assert "chờ nộp phí" in screen_html(task)
    tap(task, "Thanh toán 16.000 đồng")
    tap(task, "Ngân hàng Mẫu A")
    assert "đang xử lý" in screen_html(task)
    (file,) = task.state["submitted"]
    assert file["paid"] and file["amount"] == 16_000 and file["status"] == "dang_xu_ly"
    assert item_points(ASSIGNMENT, task, SCORING) == 3


def test_a_careless_submission_loses_the_right_checkpoints(sheet: AnswerSheet):
    task = birth_task(sheet)
    tap(task, "dichvucong-hotro.example")
    fill_in(task, **{"Số định danh": "MẪU-0207", "Mật khẩu": "Abc@123", "Mã OTP": "1"})
    tap(task, "Đăng nhập")
    tap(task, "Về trình duyệt")
    fill_in(task, **{"Địa chỉ": "dichvucong.gov.vn"})
    tap(task, "Mở trang")
    fill_in(task, **{"Tìm thủ tục": "khai sinh"})
    tap(task, "Tìm kiếm")
    tap(task, "Đăng ký khai sinh (")
    tap(task, "Nộp trực tuyến")  # without reading the papers or the fee
    tap(task, "tài khoản định danh điện tử (VNeID)")
    tap(task, "Xác nhận đăng nhập trên VNeID")
    fill_birth_form(task, name="Tran Minh An", photo="bị lóa")
    tap(task, "Tiếp tục")
    tap(task, "Nộp hồ sơ")
    # the right procedure is the only checkpoint met: no fee paid, no lookup by code
    assert item_points(ASSIGNMENT, task, SCORING) == pytest.approx(3 / 7, abs=0.01)
    assert task.state["submitted"][0]["status"] == "cho_nop_phi"


def test_the_lookalike_page_records_which_boxes_were_filled_never_what(sheet: AnswerSheet):
    task = birth_task(sheet)
    tap(task, "dichvucong-hotro.example")
    fill_in(task, **{"Mật khẩu": "Bi-mat-9x7q"})
    tap(task, "Đăng nhập")
    assert task.value[-1] == {"action": "enter_on_fake_page", "da_nhap": ["mat_khau"]}
    saved = Path(f"{SHEET}.answers.json").read_text(encoding="utf-8")
    assert "Bi-mat-9x7q" not in saved


def test_refused_steps_record_nothing(sheet: AnswerSheet):
    task = birth_task(sheet)
    fill_in(task, **{"Địa chỉ": "dichvucong.gov.vn.example.com"})
    tap(task, "Mở trang")
    assert "Không mở được" in note(task)
    assert task.value is None
    submit_birth_carefully(task)
    recorded = list(task.value)
    tap(task, "Trang chủ")
    recorded.append({"action": "go_home"})
    fill_in(task, **{"Mã hồ sơ": "H99.00-261020-0008"})
    tap(task, "Tra cứu hồ sơ")
    assert "Không tìm thấy" in note(task)
    assert task.value == recorded
    with pytest.raises(Refused):
        task.act("pay", kenh="Ngân hàng Mẫu A")  # not on the payment screen
    with pytest.raises(Refused):
        task.act("attach", file="chung_sinh_ro")
    assert task.value == recorded


def test_the_form_says_what_is_missing_before_it_can_be_sent(sheet: AnswerSheet):
    task = birth_task(sheet)
    task.act("open_address", dia_chi="dichvucong.gov.vn")
    task.act("search", tu_khoa="khai sinh")
    task.act("open_procedure", id="khai_sinh")
    task.act("start_submission")
    task.act("login_vneid")
    task.act("confirm_login")
    recorded = list(task.value)
    tap(task, "Tiếp tục")
    assert "Còn thiếu" in note(task) and "Giấy chứng sinh" in note(task)
    assert task.value == recorded


def test_a_fresh_kernel_replays_the_saved_actions_to_the_same_state(sheet: AnswerSheet):
    task = birth_task(sheet)
    submit_birth_carefully(task)
    again = birth_task(AnswerSheet(SHEET))
    assert again.value == task.value
    assert again.state == task.state
    assert CODE in screen_html(again)


def test_typed_text_is_accepted_in_any_unicode_form_or_case(sheet: AnswerSheet):
    task = birth_task(sheet)
    submit_birth_carefully(task, address="WWW.DichVuCong.gov.vn")
    tap(task, "Trang chủ")
    nfd = unicodedata.normalize("NFD", "ĐĂNG KÝ KHAI SINH")
    fill_in(task, **{"Tìm thủ tục": nfd})
    tap(task, "Tìm kiếm")
    assert task.state["results"][:2] == ["khai_sinh", "khai_sinh_lai"]
    fill_in(task, **{"Tìm thủ tục": "dang ky khai sinh"})
    tap(task, "Tìm lại")
    assert "khai_sinh" in task.state["results"]
    assert scoring.same_text(unicodedata.normalize("NFD", "TRẦN MINH AN"), "Trần Minh An")
    assert same_code("h99 00 261020 0007", CODE) and not same_code("0007", CODE)


# The other order: a procedure whose fee is paid while submitting.


def test_a_fee_paid_while_submitting_must_be_paid_before_the_file_is_sent(sheet: AnswerSheet):
    task = Portal("trich_luc", "Xin 1 bản sao trích lục", sheet=sheet, sms=None)
    fill_in(task, **{"Địa chỉ": "dichvucong.gov.vn"})
    tap(task, "Mở trang")
    tap(task, "Đăng nhập")
    tap(task, "tài khoản định danh điện tử (VNeID)")
    tap(task, "Xác nhận đăng nhập trên VNeID")
    fill_in(task, **{"Tìm thủ tục": "trích lục"})
    tap(task, "Tìm kiếm")
    tap(task, "Cấp bản sao trích lục hộ tịch")
    tap(task, "Phí, lệ phí")
    assert "KHI NỘP hồ sơ" in screen_html(task)
    tap(task, "Nộp trực tuyến")
    tap(task, "UBND phường Mẫu Lâm")
    tap(task, "1")
    tap(task, "Nhận tại Bộ phận một cửa")
    fill_in(task, **{"Họ và tên": "Nguyễn Thị Mai"})
    tap(task, "Lưu")
    tap(task, "Tiếp tục")
    recorded = list(task.value)
    tap(task, "Nộp hồ sơ")
    assert "trước khi gửi hồ sơ" in note(task)
    assert task.value == recorded
    tap(task, "Thanh toán phí, lệ phí")
    assert "8.000 đồng" in screen_html(task)
    tap(task, "Ví điện tử Mẫu C")
    assert "đã thanh toán" in screen_html(task)
    tap(task, "Nộp hồ sơ")
    (file,) = task.state["submitted"]
    assert file["paid"] and file["status"] == "cho_tiep_nhan"
    tap(task, "Hồ sơ của tôi")
    tap(task, CODE)
    assert not [label for label in button_labels(task) if "Thanh toán" in label]


def test_each_procedure_says_when_its_fee_is_paid():
    orders = {p.id: p.pay_when for p in CATALOGUE}
    assert set(orders.values()) <= {"khi_nop", "sau_tiep_nhan", ""}
    assert {"khi_nop", "sau_tiep_nhan"} <= set(orders.values())
    assert all(("SAU KHI" in p.fee_text) == (p.pay_when == "sau_tiep_nhan") for p in CATALOGUE)
    assert portal_module.OFFICIAL_SITE == "dichvucong.gov.vn"
    assert official_address("https://www.dichvucong.gov.vn/p/home/dvc-trang-chu.html")
    assert not official_address("dichvucong.gov.vn.example")
