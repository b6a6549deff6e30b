"""The messages-and-calls app: tapped through its real buttons, scored by the real hidden tests.

Each task of the ``an_toan_so`` assignment is done twice, carefully and carelessly, by clicking
the app's buttons and typing into its boxes as a learner would. The score comes from the hidden
test cell of the assignment itself, run against the task, so these tests check the app and the
grading together: a careful learner meets every checkpoint, a careless one loses exactly the
checkpoints of what they did wrong.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from curriculum.modules.an_toan_so.scenarios import (
    BAO_MAT_TAI_KHOAN,
    CUOC_GOI_LUYEN_TAP,
    CUOC_GOI_VIDEO,
    HOP_THU,
    HOP_THU_LUYEN_TAP,
    LO_BAM_LINK,
    NHAN_NHANH_DU_LIEU,
    TAI_KHOAN_LUYEN_TAP,
)
from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.messages import MessagesApp, link_host

from appkit import (
    button_labels,
    missed,
    note,
    run_hidden_test,
    scoring_names,
    screen_html,
    tap,
    type_into,
    widgets_in,
)

ASSIGNMENT = "an_toan_so"
# What the hidden tests run among (not the setup cell, which would make an answer sheet here).
SCORING = scoring_names()


def phone(tmp_path: Path, qid: str, content: dict[str, Any]) -> MessagesApp:
    return MessagesApp(qid, f"Thử {qid}", sheet=AnswerSheet("thu", tmp_path), **content)


# The graded tasks, carefully and carelessly.


def test_inbox_done_carefully_by_tapping_meets_every_checkpoint(tmp_path):
    cau_7 = phone(tmp_path, "cau_7", HOP_THU)
    tap(cau_7, "💬 Tin nhắn")
    for scam in ("NGAN HANG", "0912 000 777", "0912 000 888"):
        tap(cau_7, scam)
        tap(cau_7, "ℹ️ Xem thông tin người gửi")
        if scam != "0912 000 888":
            tap(cau_7, "🔍 Nhấn giữ link")
            tap(cau_7, "⬅ Quay lại")
        tap(cau_7, "⚠️ Báo cáo lừa đảo")
        assert "kênh tiếp nhận" in cau_7.state["notice"]
        tap(cau_7, "🗑 Xóa tin nhắn")
    tap(cau_7, "Chị Lan")
    tap(cau_7, "⬅ Quay lại")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_7_kiem_tra", SCORING, cau_7=cau_7)
    assert credit == 2 and not missed(checks)
    assert len(checks) == 9


def test_inbox_done_carelessly_loses_the_checkpoints_of_each_mistake(tmp_path):
    cau_7 = phone(tmp_path, "cau_7", HOP_THU)
    tap(cau_7, "💬 Tin nhắn")
    tap(cau_7, "NGAN HANG")
    tap(cau_7, "🔗 Bấm vào link")
    tap(cau_7, "✍️ Điền thông tin")
    tap(cau_7, "✖ Đóng trang")
    tap(cau_7, "⬅ Quay lại")
    tap(cau_7, "Anh Tuấn")
    tap(cau_7, "🚫 Chặn người gửi")  # a real message from a colleague
    tap(cau_7, "⬅ Quay lại")
    tap(cau_7, "0912 000 888")
    type_into(cau_7, "Trả lời:", "Tôi muốn nhận thưởng", then="↩️ Gửi tin trả lời")
    tap(cau_7, "⚠️ Báo cáo lừa đảo")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_7_kiem_tra", SCORING, cau_7=cau_7)
    assert missed(checks) == {
        "xem địa chỉ thật của link ngân hàng",
        "xem địa chỉ thật của link VNeID",
        "không mở link lừa đảo",
        "không trả lời, không gọi số của kẻ gian",
        "báo cáo tin ngân hàng giả",
        "báo cáo tin VNeID giả",
        "xóa cả ba tin lừa đảo",
        "giữ nguyên hai tin thật",
    }
    assert credit == pytest.approx(2 / 9, abs=0.01)


def test_after_a_bad_link_the_careful_steps_score_full_and_the_careless_ones_nothing(tmp_path):
    cau_8 = phone(tmp_path, "cau_8", LO_BAM_LINK)
    assert cau_8.state["screen"] == "web"
    tap(cau_8, "✖ Đóng trang")
    tap(cau_8, "⚠️ Báo cáo lừa đảo")
    tap(cau_8, "🏠 Màn hình chính")
    tap(cau_8, "⚙️ Cài đặt")
    tap(cau_8, "Tắt Wi-Fi")
    tap(cau_8, "Tắt dữ liệu di động")
    tap(cau_8, "🗑 Gỡ cài đặt GiaoHang")
    tap(cau_8, "🏠 Màn hình chính")
    tap(cau_8, "📒 Danh bạ")
    tap(cau_8, "📞 Gọi Tổng đài ngân hàng")  # calls need no data connection
    assert "tạm khóa" in cau_8.state["on_line"]["answer"]
    tap(cau_8, "🔴 Kết thúc cuộc gọi")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_8_kiem_tra", SCORING, cau_8=cau_8)
    assert credit == 2 and len(checks) == 6 and not missed(checks)

    careless = phone(tmp_path, "cau_8b", LO_BAM_LINK)
    tap(careless, "✍️ Điền thông tin")
    tap(careless, "✖ Đóng trang")
    tap(careless, "📞 Gọi số ghi trong tin")
    assert "OTP" in careless.state["on_line"]["answer"]
    tap(careless, "🔴 Kết thúc cuộc gọi")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_8_kiem_tra", SCORING, cau_8=careless)
    assert credit == 0 and missed(checks) == set(checks)


def test_a_deepfake_video_call_is_checked_by_calling_the_saved_number(tmp_path):
    cau_10 = phone(tmp_path, "cau_10", CUOC_GOI_VIDEO)
    tap(cau_10, "✅ Nghe máy")
    assert any("20 triệu" in line for line in cau_10.state["heard"])
    tap(cau_10, "💬 Nói: “Mẹ sẽ gọi lại")
    tap(cau_10, "🔴 Cúp máy")
    tap(cau_10, "🏠 Màn hình chính")
    tap(cau_10, "📒 Danh bạ")
    tap(cau_10, "📞 Gọi Minh")
    assert "không hề gọi video" in cau_10.state["on_line"]["answer"]
    tap(cau_10, "🔴 Kết thúc cuộc gọi")
    tap(cau_10, "🏠 Màn hình chính")
    tap(cau_10, "📞 Cuộc gọi gần đây")
    tap(cau_10, "⚠️ Báo cáo lừa đảo")
    tap(cau_10, "🚫 Chặn")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_10_kiem_tra", SCORING, cau_10=cau_10)
    assert credit == 2 and len(checks) == 6 and not missed(checks)

    careless = phone(tmp_path, "cau_10b", CUOC_GOI_VIDEO)
    tap(careless, "✅ Nghe máy")
    tap(careless, "💬 Nói: “Được, mẹ chuyển")
    tap(careless, "🔴 Cúp máy")
    tap(careless, "📞 Gọi lại")  # back to the same account: the same voice answers
    assert "lại là người vừa gọi" in careless.state["heard"][0]
    tap(careless, "🔴 Cúp máy")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_10_kiem_tra", SCORING, cau_10=careless)
    assert missed(checks) == set(checks) - {"kết thúc cuộc gọi"}
    assert credit == pytest.approx(2 / 6, abs=0.01)


def test_requests_for_data_are_verified_and_only_the_summary_is_sent(tmp_path):
    cau_12 = phone(tmp_path, "cau_12", NHAN_NHANH_DU_LIEU)
    tap(cau_12, "🟦 Nhắn Nhanh")
    tap(cau_12, "Hùng Văn phòng")
    tap(cau_12, "👤 Xem trang cá nhân")
    assert "không gắn với số điện thoại nào" in screen_html(cau_12)
    tap(cau_12, "🏠 Màn hình chính")
    tap(cau_12, "📒 Danh bạ")
    tap(cau_12, "📞 Gọi Anh Hùng")
    tap(cau_12, "🔴 Kết thúc cuộc gọi")
    tap(cau_12, "🏠 Màn hình chính")
    tap(cau_12, "🟦 Nhắn Nhanh")
    tap(cau_12, "Hùng Văn phòng")
    tap(cau_12, "⚠️ Báo cáo tài khoản")
    tap(cau_12, "🚫 Chặn tài khoản")
    tap(cau_12, "⬅ Quay lại")
    tap(cau_12, "Hoa Phó Chủ tịch")
    tap(cau_12, "📎 Gửi tệp")
    tap(cau_12, "📄 Tong_hop_ho_ngheo_theo_thon.xlsx")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_12_kiem_tra", SCORING, cau_12=cau_12)
    assert credit == 2 and len(checks) == 6 and not missed(checks)

    careless = phone(tmp_path, "cau_12b", NHAN_NHANH_DU_LIEU)
    tap(careless, "🟦 Nhắn Nhanh")
    tap(careless, "Hùng Văn phòng")
    type_into(careless, "Nhắn:", "Anh Hùng đúng không ạ?", then="➤ Gửi tin nhắn")
    tap(careless, "📎 Gửi tệp")
    tap(careless, "📄 Anh_CCCD_cac_ho.zip")
    tap(careless, "⬅ Quay lại")
    tap(careless, "Hoa Phó Chủ tịch")
    tap(careless, "📎 Gửi tệp")
    tap(careless, "📄 Tong_hop_ho_ngheo_theo_thon.xlsx")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_12_kiem_tra", SCORING, cau_12=careless)
    assert missed(checks) == set(checks) - {"gửi bảng tổng hợp cho chị Hoa"}


def test_two_step_verification_accepts_the_code_as_people_type_it(tmp_path):
    cau_5 = phone(tmp_path, "cau_5", BAO_MAT_TAI_KHOAN)
    tap(cau_5, "🟦 Nhắn Nhanh")
    tap(cau_5, "⚙️ Cài đặt tài khoản")
    tap(cau_5, "🔐 Bật xác minh hai bước")
    type_into(cau_5, "Mã xác nhận (6 số):", "４８２ ９１３", then="✔ Xác nhận")  # full-width digits
    assert cau_5.state["twofa"] and cau_5.value[-1]["code"] == "４８２ ９１３"
    tap(cau_5, "💻 Thiết bị đang đăng nhập")
    tap(cau_5, "Đăng xuất iPhone 13")
    tap(cau_5, "⬅ Quay lại")
    tap(cau_5, "🛟 Khôi phục tài khoản")
    tap(cau_5, "Đổi số khôi phục")
    tap(cau_5, "📝 Chép mã ra giấy")
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_5_kiem_tra", SCORING, cau_5=cau_5)
    assert credit == 2 and len(checks) == 4 and not missed(checks)

    careless = phone(tmp_path, "cau_5b", BAO_MAT_TAI_KHOAN)
    tap(careless, "🟦 Nhắn Nhanh")
    tap(careless, "⚙️ Cài đặt tài khoản")
    tap(careless, "💻 Thiết bị đang đăng nhập")
    tap(careless, "Đăng xuất Máy tính ở cơ quan")
    tap(careless, "⬅ Quay lại")
    tap(careless, "🛟 Khôi phục tài khoản")
    assert not [label for label in button_labels(careless) if label.startswith("📝")]
    credit, checks = run_hidden_test(ASSIGNMENT, "cau_5_kiem_tra", SCORING, cau_5=careless)
    assert credit == 0 and missed(checks) == set(checks)


# How the app behaves.


def test_a_refused_tap_records_nothing_and_says_why(tmp_path):
    task = phone(tmp_path, "thu", BAO_MAT_TAI_KHOAN)
    tap(task, "🟦 Nhắn Nhanh")
    tap(task, "⚙️ Cài đặt tài khoản")
    tap(task, "🔐 Bật xác minh hai bước")
    before = task.value
    type_into(task, "Mã xác nhận (6 số):", "482 914", then="✔ Xác nhận")
    assert task.value == before and not task.state["twofa"]
    assert "Mã chưa đúng" in note(task)
    type_into(task, "Mã xác nhận (6 số):", "48291３a", then="✔ Xác nhận")
    assert task.value == before
    with pytest.raises(Refused):
        task.act("open_message", id="ngan_hang")
    with pytest.raises(Refused):
        task.act("fly_away")
    assert task.value == before
    assert AnswerSheet("thu", tmp_path).get("thu").value == before


def test_a_page_cannot_open_once_the_phone_is_offline(tmp_path):
    task = phone(tmp_path, "thu", HOP_THU_LUYEN_TAP)
    tap(task, "⚙️ Cài đặt")
    tap(task, "Tắt Wi-Fi")
    tap(task, "Tắt dữ liệu di động")
    tap(task, "🏠 Màn hình chính")
    assert "Wi-Fi tắt" in screen_html(task)
    tap(task, "💬 Tin nhắn")
    tap(task, "0912 000 666")
    count = len(task.value)
    tap(task, "🔗 Bấm vào link")
    assert len(task.value) == count and task.state["screen"] == "sms"
    assert "tắt Wi-Fi và dữ liệu di động" in note(task)


def test_a_task_rebuilt_from_the_saved_sheet_replays_to_the_same_state(tmp_path):
    first = phone(tmp_path, "cau_7", HOP_THU)
    tap(first, "💬 Tin nhắn")
    tap(first, "NGAN HANG")
    tap(first, "🔍 Nhấn giữ link")
    tap(first, "⬅ Quay lại")
    tap(first, "⚠️ Báo cáo lừa đảo")
    tap(first, "🗑 Xóa tin nhắn")
    again = MessagesApp("cau_7", "Thử lại", sheet=AnswerSheet("thu", tmp_path), **HOP_THU)
    assert again.value == first.value and len(again.value) == 6
    assert again.state == first.state
    assert again.state["deleted"] == ["ngan_hang"] and again.state["screen"] == "sms_list"


def test_restarting_clears_the_actions_and_the_sheet(tmp_path):
    task = phone(tmp_path, "thu", CUOC_GOI_LUYEN_TAP)
    tap(task, "❌ Từ chối")
    assert task.state["screen"] == "calls" and task.value
    tap(task, "↺")
    assert task.value is None and task.state["screen"] == "incoming"
    assert AnswerSheet("thu", tmp_path).get("thu").value is None


def test_the_long_press_shows_the_host_a_browser_would_really_reach(tmp_path):
    assert link_host("https://dichvucong.gov.vn@vneid-capnhat.example/vneid.apk") == (
        "vneid-capnhat.example"
    )
    assert link_host("dichvucong.gov.vn") == "dichvucong.gov.vn"
    assert link_host("HTTPS://DichVuCong.GOV.VN/") == "dichvucong.gov.vn"
    task = phone(tmp_path, "thu", HOP_THU)
    tap(task, "💬 Tin nhắn")
    tap(task, "0912 000 777")
    tap(task, "🔍 Nhấn giữ link")
    shown = screen_html(task)
    assert "<b>vneid-capnhat.example</b>" in shown
    tap(task, "⬅ Quay lại")
    tap(task, "⬅ Quay lại")
    tap(task, "Anh Tuấn")
    tap(task, "🔍 Nhấn giữ link")
    shown = screen_html(task)
    assert shown.count("<b>dichvucong.gov.vn</b>") == 2  # the host, and the name it belongs to


def test_typed_replies_are_kept_as_typed_and_escaped_on_screen(tmp_path):
    task = phone(tmp_path, "thu", NHAN_NHANH_DU_LIEU)
    tap(task, "🟦 Nhắn Nhanh")
    tap(task, "Hoa Phó Chủ tịch")
    decomposed = unicodedata.normalize("NFD", "Dạ, <em> gửi chị ngay ạ")
    type_into(task, "Nhắn:", decomposed, then="➤ Gửi tin nhắn")
    assert task.state["chat_replies"] == [{"id": "chi_hoa", "text": decomposed}]
    shown = screen_html(task)
    assert "&lt;em&gt;" in shown and "<em>" not in shown
    with pytest.raises(Refused):
        task.act("chat_reply", id="chi_hoa", text="   ")


def test_switches_and_devices_refuse_what_a_phone_would_not_allow(tmp_path):
    task = phone(tmp_path, "thu", BAO_MAT_TAI_KHOAN)
    task.act("open_app", app="settings")
    with pytest.raises(Refused):
        task.act("set_wifi", on="tắt")
    task.act("home")
    task.act("open_app", app="chat")
    task.act("open_settings")
    task.act("view_devices")
    with pytest.raises(Refused):
        task.act("log_out_device", id="may_nay")
    task.act("back")
    task.act("view_recovery")
    with pytest.raises(Refused):
        task.act("keep_codes", how="paper")  # recovery codes come with two-step verification
    assert task.state["codes_kept"] is None


def test_every_lesson_phone_starts_on_a_screen_with_buttons(tmp_path):
    lesson = {"a": HOP_THU_LUYEN_TAP, "b": TAI_KHOAN_LUYEN_TAP, "c": CUOC_GOI_LUYEN_TAP}
    for qid, content in lesson.items():
        task = phone(tmp_path, qid, content)
        assert widgets_in(task, widgets.Button)
