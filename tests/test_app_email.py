"""The official mailbox: careful work meets every checkpoint, hasty work loses the right ones.

Runs go through the app's own widgets (buttons clicked, text typed into its boxes), as a learner
taps, and are scored by the hidden tests of the giao_tiep assignment themselves, so what these
tests prove is what the grader gives. A fresh kernel is simulated by building the task again on
a new sheet that reads the answer file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.email import EmailApp, greets, mentions

from appkit import assert_refused, hidden_checkpoints, missed, screen_text, tap, text_box, type_into

INTERACT = ("gia_mao_luong", "moi_hop", "ban_tin")
SHARE = ("xin_ke_hoach", "ban_tin")
NETIQUETTE = ("lich_truc",)
SHEET = "hop_thu"
ASSIGNMENT = "giao_tiep"


def mailbox(sheet: AnswerSheet, messages: tuple[str, ...]) -> EmailApp:
    return EmailApp("hop_thu", "Xử lý hộp thư", messages=messages, sheet=sheet)


# Runs.


def careful_morning(task: EmailApp) -> None:
    """Check the fake pay message and report it, confirm the meeting, file the newsletter."""
    tap(task, "THÔNG BÁO KHẨN")
    tap(task, "chạm vào tên")
    assert "cap-nhat-luong.example" in screen_text(task)
    tap(task, "Giữ lâu")
    assert "dichvucong-gov-vn.cap-nhat-luong.example" in screen_text(task)
    tap(task, "Báo cáo lừa đảo")
    tap(task, "Giấy mời họp")
    tap(task, "Mở xem")
    assert "GIẤY MỜI" in screen_text(task)
    tap(task, "Quay lại thư")
    tap(task, "↩ Trả lời")
    type_into(task, "Nội dung thư", "Kính gửi Văn phòng, tôi xin xác nhận dự họp.")
    tap(task, "Gửi")
    tap(task, "Bản tin văn hóa")
    tap(task, "Chuyển vào thư mục")
    tap(task, "Tham khảo")


def test_a_careful_morning_meets_every_checkpoint(sheet: AnswerSheet):
    task = mailbox(sheet, INTERACT)
    careful_morning(task)
    checks = hidden_checkpoints(ASSIGNMENT, "cau_2_kiem_tra", cau_2=task)
    assert len(checks) == 6
    assert not missed(checks)
    assert task.state["reported"] == ["gia_mao_luong"]
    assert task.state["folder_of"] == {
        "gia_mao_luong": "spam",
        "moi_hop": "inbox",
        "ban_tin": "tham_khao",
    }


def test_a_hasty_morning_opens_the_program_and_loses_the_checks(sheet: AnswerSheet):
    task = mailbox(sheet, INTERACT)
    tap(task, "THÔNG BÁO KHẨN")
    tap(task, "Mở xem")  # the .pdf.exe: a program runs, nothing is shown
    assert task.state["screen"] == "message"
    assert "Không thấy tài liệu nào" in screen_text(task)
    tap(task, "Mở liên kết")
    assert "CẬP NHẬT LƯƠNG" in screen_text(task)
    tap(task, "Quay lại thư")
    tap(task, "Danh sách thư")
    tap(task, "Giấy mời họp")
    tap(task, "Trả lời tất cả")
    type_into(task, "Nội dung thư", "ok")
    tap(task, "Gửi")
    assert missed(hidden_checkpoints(ASSIGNMENT, "cau_2_kiem_tra", cau_2=task)) == {
        "mở xem giấy mời đính kèm",
        "xếp bản tin vào thư mục Tham khảo",
        "xem địa chỉ thật của người gửi hoặc của liên kết trong thư giả",
        "không mở, không tải tệp, không bấm liên kết của thư giả",
        "báo cáo lừa đảo đúng thư giả, không báo nhầm thư thật",
    }


def test_reporting_the_real_invitation_too_is_not_a_correct_report(sheet: AnswerSheet):
    task = mailbox(sheet, INTERACT)
    careful_morning(task)
    tap(task, "Hộp thư đến")
    tap(task, "Giấy mời họp")
    tap(task, "Báo cáo lừa đảo")
    assert "báo cáo lừa đảo đúng thư giả, không báo nhầm thư thật" in missed(
        hidden_checkpoints(ASSIGNMENT, "cau_2_kiem_tra", cau_2=task)
    )


def send_the_signed_plan(task: EmailApp, file_label: str, cc: bool = True) -> None:
    tap(task, "Xin bản kế hoạch")
    tap(task, "↩ Trả lời")
    if cc:
        tap(task, "Thêm vào ô Cc")
        tap(task, "Trần Văn Bình")
    tap(task, "Đính kèm tệp")
    tap(task, file_label)
    type_into(task, "Nội dung thư", "Kính gửi chị Thu, em gửi chị bản kế hoạch đã ký.")
    tap(task, "Gửi")


def test_sending_the_signed_plan_to_the_right_people_meets_every_checkpoint(sheet: AnswerSheet):
    task = mailbox(sheet, SHARE)
    send_the_signed_plan(task, "da_ky.pdf")
    (sent,) = task.sent()
    assert sent["to"] == [EmailApp.address("thu")]
    assert sent["cc"] == [EmailApp.address("binh")]
    assert sent["attachments"] == ["ke_hoach_da_ky"]
    assert not missed(hidden_checkpoints(ASSIGNMENT, "cau_4_kiem_tra", cau_4=task))


def test_the_draft_without_cc_loses_the_file_and_cc_checkpoints(sheet: AnswerSheet):
    task = mailbox(sheet, SHARE)
    send_the_signed_plan(task, "du_thao_v3.docx", cc=False)
    assert missed(hidden_checkpoints(ASSIGNMENT, "cau_4_kiem_tra", cau_4=task)) == {
        "để anh Bình ở ô Cc như chị Thu đề nghị",
        "đính kèm đúng bản kế hoạch đã ký (PDF)",
        "không gửi nhầm bản dự thảo hay danh sách có dữ liệu cá nhân",
    }


def test_forwarding_to_the_whole_staff_is_sending_to_people_who_did_not_ask(sheet: AnswerSheet):
    task = mailbox(sheet, SHARE)
    tap(task, "Xin bản kế hoạch")
    tap(task, "Chuyển tiếp")
    tap(task, "Thêm vào ô Đến")
    tap(task, "Toàn thể công chức")
    tap(task, "Thêm vào ô Đến")
    tap(task, "Nguyễn Thị Thu")
    tap(task, "Đính kèm tệp")
    tap(task, "da_ky.pdf")
    tap(task, "Gửi")
    assert "không gửi cho ai ngoài chị Thu và anh Bình" in missed(
        hidden_checkpoints(ASSIGNMENT, "cau_4_kiem_tra", cau_4=task)
    )


def notice_to_citizens(task: EmailApp, field: str, subject: str, body: str) -> None:
    tap(task, "Soạn thư mới")
    tap(task, "Thêm vào ô Đến")
    tap(task, "Bộ phận Một cửa")
    tap(task, f"Thêm vào ô {field}")
    tap(task, "Người dân đăng ký nhận tin")
    type_into(task, "Tiêu đề", subject)
    type_into(task, "Nội dung thư", body)
    tap(task, "Đính kèm tệp")
    tap(task, "Lich_tiep_cong_dan")
    tap(task, "Gửi")


def test_replying_to_the_sender_and_bcc_for_citizens_meets_every_checkpoint(sheet: AnswerSheet):
    task = mailbox(sheet, NETIQUETTE)
    tap(task, "Lịch trực Tết")
    tap(task, "↩ Trả lời")
    type_into(task, "Nội dung thư", "Kính gửi Văn phòng, tôi đã nhận lịch trực.")
    tap(task, "Gửi")
    notice_to_citizens(
        task,
        "Bcc",
        "[UBND xã An Bình] Lịch tiếp công dân tháng 12/2026",
        "Kính gửi ông/bà, xin gửi lịch tiếp công dân tháng 12 đính kèm.",
    )
    notice = task.sent(kind="new")[0]
    assert set(notice["bcc"]) == set(EmailApp.members("nguoi_dan"))
    assert notice["to"] == [EmailApp.address("mot_cua")]
    assert not missed(hidden_checkpoints(ASSIGNMENT, "cau_10_kiem_tra", cau_10=task))


def test_reply_all_and_citizens_in_to_lose_the_netiquette_checkpoints(sheet: AnswerSheet):
    task = mailbox(sheet, NETIQUETTE)
    tap(task, "Lịch trực Tết")
    tap(task, "Trả lời tất cả")
    type_into(task, "Nội dung thư", "Đã nhận")
    tap(task, "Gửi")
    notice_to_citizens(task, "Cc", "thông báo", "mọi người xem lịch nhé")
    assert missed(hidden_checkpoints(ASSIGNMENT, "cau_10_kiem_tra", cau_10=task)) == {
        "xác nhận lịch trực chỉ với Văn phòng",
        "không gửi câu xác nhận cho cả 32 người",
        "để địa chỉ của 6 người dân ở ô Bcc",
        "không để lộ địa chỉ người dân ở ô Đến hay Cc",
        "tiêu đề nói rõ đó là lịch tiếp công dân",
        "thư mở đầu bằng lời chào",
    }


def test_subject_and_greeting_typed_in_other_unicode_forms_and_case_count(sheet: AnswerSheet):
    task = mailbox(sheet, NETIQUETTE)
    notice_to_citizens(
        task,
        "Bcc",
        unicodedata.normalize("NFD", "LỊCH TIẾP CÔNG DÂN THÁNG 12"),
        unicodedata.normalize("NFD", "  KÍNH GỬI ông/bà, xin gửi lịch."),
    )
    checks = hidden_checkpoints(ASSIGNMENT, "cau_10_kiem_tra", cau_10=task)
    assert checks["tiêu đề nói rõ đó là lịch tiếp công dân"]
    assert checks["thư mở đầu bằng lời chào"]
    assert mentions("Lich tiep dan thang 12", "tiếp dân", "tiep dan")
    assert greets("Thưa bác,") and greets("Xin chào anh") and greets("kinh gui ong ba")
    assert not greets("Lịch tháng 12") and not greets("Gửi mọi người lịch tháng 12")


def test_a_typed_address_is_folded_and_a_malformed_one_refused(sheet: AnswerSheet):
    task = mailbox(sheet, NETIQUETTE)
    tap(task, "Soạn thư mới")
    tap(task, "Thêm vào ô Đến")
    box = text_box(task, "Hoặc gõ")
    box.value = "khong-phai-dia-chi"
    before = task.value
    tap(task, "Thêm địa chỉ")
    assert task.value == before
    assert "chưa đúng dạng" in screen_text(task)
    box.value = unicodedata.normalize("NFD", " Ông.Ba@Mail.Example ")
    tap(task, "Thêm địa chỉ")
    assert task.state["draft"]["to"] == [unicodedata.normalize("NFC", "ông.ba@mail.example")]


# What the app refuses, and what it keeps.


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([], {"action": "open_message", "id": "ban_tin"}),  # not in this task's inbox
        ([], {"action": "back"}),
        ([], {"action": "view_sender", "id": "moi_hop"}),  # the message is not open
        (
            [("open_message", {"id": "moi_hop"})],
            {"action": "report_phishing", "id": "xin_ke_hoach"},
        ),
        (
            [("open_message", {"id": "moi_hop"})],
            {"action": "inspect_link", "id": "moi_hop", "link": 0},
        ),
        ([("compose", {})], {"action": "send"}),  # no recipient
        ([("compose", {})], {"action": "open_message", "id": "moi_hop"}),
        ([("compose", {})], {"action": "type_body", "text": "x" * 1501}),
        ([("compose", {})], {"action": "fly"}),
    ],
)
def test_an_impossible_action_is_refused_and_records_nothing(sheet, steps, refused):
    assert_refused(mailbox(sheet, ("moi_hop",)), steps, refused)


def test_a_refused_tap_shows_the_reason_and_keeps_the_screen(sheet: AnswerSheet):
    task = mailbox(sheet, ("moi_hop",))
    tap(task, "Soạn thư mới")
    tap(task, "Gửi")
    assert task.value == [{"action": "compose"}]
    assert "chưa có người nhận" in screen_text(task)
    assert task.state["screen"] == "compose"


def test_a_fresh_kernel_replays_the_saved_taps_to_the_same_state(sheet: AnswerSheet):
    task = mailbox(sheet, INTERACT)
    careful_morning(task)
    again = EmailApp("hop_thu", "Xử lý hộp thư", messages=INTERACT, sheet=AnswerSheet("hop_thu"))
    assert again.value == task.value
    assert again.state == task.state
    assert hidden_checkpoints(ASSIGNMENT, "cau_2_kiem_tra", cau_2=again) == hidden_checkpoints(
        ASSIGNMENT, "cau_2_kiem_tra", cau_2=task
    )


def test_the_restart_button_clears_the_task(sheet: AnswerSheet):
    task = mailbox(sheet, INTERACT)
    careful_morning(task)
    tap(task, "Làm lại từ đầu")
    assert task.value is None
    assert task.state == task.start()


@pytest.mark.parametrize(
    "run",
    [careful_morning, lambda task: tap(task, "THÔNG BÁO KHẨN")],
    ids=["careful", "one_tap"],
)
def test_the_solution_style_of_acting_equals_tapping(sheet: AnswerSheet, run: Callable):
    tapped = mailbox(sheet, INTERACT)
    run(tapped)
    acted = EmailApp("bang_ma", "Cùng việc, bằng mã", messages=INTERACT, sheet=sheet)
    for step in tapped.value:
        details = dict(step)
        acted.act(details.pop("action"), **details)
    assert acted.state == tapped.state


def test_the_app_needs_known_messages(sheet: AnswerSheet):
    with pytest.raises(ValueError):
        EmailApp("x", "x", messages=("khong_co",), sheet=sheet)
    with pytest.raises(ValueError):
        EmailApp("x", "x", messages=(), sheet=sheet)
