"""The simulated AI assistant: careful work earns every checkpoint, careless work loses some.

The checkpoints are those of the assignment's own hidden tests, run here on tasks done through
the app's real buttons and text boxes, so a change to the app or to a hidden test that breaks
the scoring fails here.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.assistant import (
    CASES,
    AssistantApp,
    find_personal_data,
    mentions,
    mentions_date,
    redact,
    states_length,
)

from appkit import note, run_hidden_test, tap, text_box, type_into

SHEET = "tri_tue"
ASSIGNMENT = "tri_tue_nhan_tao"
VNEID, DRAIN, DATA = "thong_bao_vneid", "phan_anh_muong", "bao_ve_du_lieu"


def hidden_score(grade_id: str, **tasks: AssistantApp) -> float:
    """The score the assignment's test cell ``grade_id`` gives ``tasks``, hidden part included."""
    return run_hidden_test(ASSIGNMENT, grade_id, whole_cell=True, **tasks).points


# The prompt task (câu 4): context in the prompt, no personal data.


def test_a_careful_prompt_built_by_tapping_and_typing_meets_every_checkpoint(sheet):
    task = AssistantApp("cau_4", "Câu 4", case=VNEID, sheet=sheet)
    tap(task, "+ Bạn là chuyên viên")
    tap(task, "+ Hãy soạn dự thảo thông báo")
    tap(task, "+ Buổi hướng dẫn cài đặt")
    tap(task, "+ Người dân mang theo")
    tap(task, "+ Phần liên hệ")
    type_into(task, "Người đọc", "Bà con trong xã, nhiều người cao tuổi.")
    tap(task, "+ Không quá 150 chữ")
    tap(task, "Gửi câu lệnh")
    assert task.state["screen"] == "answer"
    assert task.state["sent"][-1]["personal"] == []
    assert hidden_score("cau_4_kiem_tra", cau_4=task) == 4
    answer = " ".join(s["text"] for s in task.state["answer"])
    assert "6/12/2026" in answer and "thôn Đông" in answer and "[người phụ trách]" in answer


def test_a_careless_prompt_leaks_the_contact_and_gets_invented_details(sheet):
    task = AssistantApp("cau_4", "Câu 4", case=VNEID, sheet=sheet)
    type_into(task, "Câu lệnh (gõ tự do)", "Viết thông báo về buổi hướng dẫn VNeID.")
    tap(task, "+ Người phụ trách: anh Nguyễn Văn Tâm")
    tap(task, "Gửi câu lệnh")
    assert task.state["sent"][-1]["personal"] == ["phone", "name"]
    answer = " ".join(s["text"] for s in task.state["answer"])
    assert "anh Nguyễn Văn Tâm" in answer and "0912 000 111" in answer
    assert "5/12/2026" in answer and "hội trường UBND xã" in answer  # made up: no context given
    assert "88/2026/QĐ-UBND" in answer  # a legal basis nobody asked for
    # Sending a better prompt afterwards does not undo the leak.
    tap(task, "✎ Sửa câu lệnh")
    tap(task, "Xóa ô Bối cảnh")
    tap(task, "Gửi câu lệnh")
    assert hidden_score("cau_4_kiem_tra", cau_4=task) == 1.0  # "thông báo" and "VNeID" only


def test_text_typed_but_not_yet_saved_is_kept_when_a_button_is_tapped(sheet):
    task = AssistantApp("cau_4", "Câu 4", case=VNEID, sheet=sheet)
    free = text_box(task, "Câu lệnh (gõ tự do)")
    free.unobserve_all("value")  # as in a browser where the box has not yet lost focus
    free.value = "Soạn thông báo về VNeID."
    tap(task, "Gửi câu lệnh")
    assert task.value == [
        {"action": "type_part", "part": "tu_do", "text": "Soạn thông báo về VNeID."},
        {"action": "send_prompt"},
    ]


def test_prompts_typed_in_other_unicode_forms_case_or_without_accents_are_read_alike(sheet):
    typed = (
        "BẠN LÀ cán bộ xã. Soạn THÔNG BÁO về vneid, mùng 6 tháng 12 năm 2026, "
        "tại Thon Dong. Nguoi doc: ba con cao tuoi. Duoi 120 chu, khong qua mot trang."
    )
    task = AssistantApp("cau_4", "Câu 4", case=VNEID, sheet=sheet)
    type_into(task, "Câu lệnh (gõ tự do)", unicodedata.normalize("NFD", typed))
    tap(task, "Gửi câu lệnh")
    assert hidden_score("cau_4_kiem_tra", cau_4=task) == 4
    leaked = AssistantApp("cau_4b", "Câu 4", case=VNEID, sheet=sheet)
    name = unicodedata.normalize("NFD", "liên hệ NGUYỄN VĂN TÂM")
    type_into(leaked, "Câu lệnh (gõ tự do)", f"Soạn thông báo; {name}; hoặc nguyen van tam")
    tap(leaked, "Gửi câu lệnh")
    assert leaked.state["sent"][0]["personal"] == ["name"]


# The personal data task (câu 5).


def test_removing_every_piece_of_personal_data_before_sending_meets_every_checkpoint(sheet):
    task = AssistantApp("cau_5", "Câu 5", case=DRAIN, sheet=sheet)
    tap(task, "Xóa thông tin cá nhân")
    text = task.state["draft"]["tu_do"]
    assert "[SỐ ĐIỆN THOẠI]" in text and "[SỐ ĐỊNH DANH]" in text
    assert "Hoàng Văn Sáu" in text  # the tool finds numbers, not names: the learner must read
    assert "họ tên, địa chỉ" in task.state["message"]
    typed = text.replace("Ông Hoàng Văn Sáu", "Người dân")
    typed = typed.replace("nhà số 15 xóm 4 thôn Đoài", "ở [ĐỊA CHỈ]")
    type_into(task, "Câu lệnh (gõ tự do)", typed)
    tap(task, "Gửi câu lệnh")
    assert task.state["sent"][-1]["personal"] == []
    assert hidden_score("cau_5_kiem_tra", cau_5=task) == 2


def test_a_prompt_rebuilt_from_the_ready_made_parts_needs_no_typing(sheet):
    task = AssistantApp("cau_5", "Câu 5", case=DRAIN, sheet=sheet)
    tap(task, "Xóa ô Câu lệnh")
    tap(task, "+ Bạn là chuyên viên")
    tap(task, "+ Người dân [HỌ TÊN]")
    tap(task, "+ Không quá 150 chữ")
    tap(task, "Gửi câu lệnh")
    assert hidden_score("cau_5_kiem_tra", cau_5=task) == 2
    answer = " ".join(s["text"] for s in task.state["answer"])
    assert "[HỌ TÊN]" in answer and "Thời gian xử lý: [cần bổ sung]" in answer


def test_sending_after_the_tool_alone_leaks_the_name_and_the_address(sheet):
    task = AssistantApp("cau_5", "Câu 5", case=DRAIN, sheet=sheet)
    tap(task, "Xóa thông tin cá nhân")
    tap(task, "Gửi câu lệnh")
    assert task.state["sent"][0]["personal"] == ["name", "address"]
    assert hidden_score("cau_5_kiem_tra", cau_5=task) == pytest.approx(1.2)
    careless = AssistantApp("cau_5b", "Câu 5", case=DRAIN, sheet=sheet)
    tap(careless, "Gửi câu lệnh")
    assert careless.state["sent"][0]["personal"] == ["id", "phone", "name", "address"]
    assert hidden_score("cau_5_kiem_tra", cau_5=careless) == pytest.approx(0.4)
    answer = " ".join(s["text"] for s in careless.state["answer"])
    assert "0912 000 222" in answer and "ông Hoàng Văn Sáu" in answer


# The checking task (câu 7).


def test_checking_every_citation_on_the_official_source_before_copying_earns_full_marks(sheet):
    task = AssistantApp("cau_7", "Câu 7", case=DATA, sheet=sheet)
    assert task.state["screen"] == "answer" and task.state["sent"][0]["preset"]
    tap(task, "⚑ Đánh dấu câu 3")
    with pytest.raises(Refused):
        task.act("edit_answer", sentence=3, fix="source")  # no source opened yet
    tap(task, "Kiểm tra trên nguồn")
    type_into(task, "Số hiệu hoặc tên văn bản", "147/2026")
    tap(task, "Tìm")
    assert task.state["search"]["found"] == []
    tap(task, "13/2023/NĐ-CP")
    assert task.state["screen"] == "doc"
    tap(task, "← Quay lại câu trả lời")
    tap(task, "Sửa câu 3 theo nguồn")
    tap(task, "⚑ Đánh dấu câu 4")
    tap(task, "Xóa câu 4")
    tap(task, "Chép câu trả lời")
    assert task.state["screen"] == "document"
    assert hidden_score("cau_7_kiem_tra", cau_7=task) == 3
    (copied,) = task.state["copies"]
    assert any("356/2025/NĐ-CP" in line for line in copied)
    assert not any("147/2026" in line or "13/2023" in line for line in copied)


def test_a_correction_typed_by_hand_counts_like_one_from_the_source(sheet):
    task = AssistantApp("cau_7", "Câu 7", case=DATA, sheet=sheet)
    task.act("check_source")
    task.act("view_document", doc="356/2025/NĐ-CP")
    task.act("back")
    task.act("flag_error", sentence=3)
    fixed = "Nghị định 356/2025/NĐ-CP của Chính phủ quy định chi tiết Luật này."
    type_into(task, "Tự gõ lại câu 3", unicodedata.normalize("NFD", fixed))
    tap(task, "Lưu câu 3 đã sửa")
    task.act("flag_error", sentence=4)
    task.act("edit_answer", sentence=4, fix="delete")
    task.act("copy_to_document")
    assert hidden_score("cau_7_kiem_tra", cau_7=task) == 3


def test_copying_straight_away_or_trusting_the_assistant_loses_the_checking_checkpoints(sheet):
    task = AssistantApp("cau_7", "Câu 7", case=DATA, sheet=sheet)
    tap(task, "Hỏi lại trợ lý")
    assert "chắc chắn" in task.state["followups"][0]["reply"]
    tap(task, "Chép câu trả lời")
    assert hidden_score("cau_7_kiem_tra", cau_7=task) == 0.5  # only: kept the right sentences
    # Fixing it afterwards is better, but the first copy already held the errors.
    task.act("back")
    task.act("check_source")
    task.act("view_document", doc="13/2023/NĐ-CP")
    task.act("back")
    for number in (3, 4):
        task.act("flag_error", sentence=number)
    task.act("edit_answer", sentence=3, fix="source")
    task.act("edit_answer", sentence=4, fix="delete")
    task.act("copy_to_document")
    assert hidden_score("cau_7_kiem_tra", cau_7=task) == 2.0  # not before copying, not clean


def test_deleting_a_wrong_citation_instead_of_correcting_it_loses_one_step(sheet):
    task = AssistantApp("cau_7", "Câu 7", case=DATA, sheet=sheet)
    task.act("check_source")
    task.act("view_document", doc="13/2023/NĐ-CP")
    task.act("back")
    for number in (3, 4):
        task.act("flag_error", sentence=number)
        task.act("edit_answer", sentence=number, fix="delete")
    task.act("copy_to_document")
    assert hidden_score("cau_7_kiem_tra", cau_7=task) == 2.5


# What every task shares: refusals, replay, the answer file.


def test_refused_actions_record_nothing_and_say_why(sheet):
    task = AssistantApp("cau_7", "Câu 7", case=DATA, sheet=sheet)
    refused = [
        ("send_prompt", {}),  # not on the answer screen
        ("edit_answer", {"sentence": 2, "fix": "delete"}),  # not flagged
        ("flag_error", {"sentence": 9}),
        ("view_document", {"doc": "91/2025/QH15"}),  # the source page is not open
        ("back", {}),
        ("fly", {}),
    ]
    for action, details in refused:
        with pytest.raises(Refused):
            task.act(action, **details)
    assert task.value is None
    task.act("check_source")
    for action, details in [
        ("view_document", {"doc": "147/2026/NĐ-TTg"}),
        ("view_document", {"doc": {"so": 1}}),
        ("search_source", {"query": "  "}),
        ("copy_to_document", {}),
    ]:
        with pytest.raises(Refused):
            task.act(action, **details)
    assert task.value == [{"action": "check_source"}]
    builder = AssistantApp("cau_4", "Câu 4", case=VNEID, sheet=sheet)
    tap(builder, "Gửi câu lệnh")  # nothing written yet
    assert builder.value is None
    assert "Câu lệnh đang trống" in note(builder)
    for action, details in [
        ("pick_part", {"part": "vai_tro", "choice": 5}),
        ("pick_part", {"part": "vai_tro", "choice": True}),
        ("type_part", {"part": "mat_khau", "text": "x"}),
        ("type_part", {"part": "tu_do", "text": "x" * 1500}),
        ("clear_part", {"part": "tu_do"}),
        ("clear_part", {"part": ["tu_do"]}),
    ]:
        with pytest.raises(Refused):
            builder.act(action, **details)
    assert builder.value is None
    builder.act("pick_part", part="vai_tro", choice=0)
    with pytest.raises(Refused):
        builder.act("pick_part", part="vai_tro", choice=0)  # already there
    assert len(builder.value) == 1


def test_a_task_rebuilt_from_the_answer_file_replays_to_the_same_state(sheet):
    task = AssistantApp("cau_7", "Câu 7", case=DATA, sheet=sheet)
    task.act("check_source")
    task.act("view_document", doc="13/2023/NĐ-CP")
    task.act("back")
    task.act("flag_error", sentence=3)
    task.act("edit_answer", sentence=3, fix="source")
    task.act("open_builder")
    task.act("type_part", part="do_dai", text="Không quá 100 chữ.")
    saved = json.loads(Path("tri_tue.answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["cau_7"]["value"] == task.value
    again = AssistantApp("cau_7", "Câu 7", case=DATA, sheet=AnswerSheet("tri_tue"))
    assert again.value == task.value
    assert again.state == task.state
    assert text_box(again, "Độ dài, ràng buộc").value == "Không quá 100 chữ."


def test_a_saved_answer_that_cannot_be_replayed_is_reported_not_raised(sheet):
    sheet.record("cau_4", [{"action": "pick_part", "part": ["vai_tro"], "choice": 0}])
    task = AssistantApp("cau_4", "Câu 4", case=VNEID, sheet=AnswerSheet("tri_tue"))
    assert task.value is None and task.problem
    assert task.state["sent"] == []


def test_every_case_answers_and_is_reachable_by_tapping(sheet):
    for number, (name, case) in enumerate(CASES.items()):
        task = AssistantApp(f"q{number}", name, case=name, sheet=sheet)
        if task.state["screen"] == "builder":
            if not any(case.draft.values()):
                parts = [part for part, chips in case.chips.items() if chips]
                for part in parts:
                    task.act("pick_part", part=part, choice=0)
            tap(task, "Gửi câu lệnh")
        assert task.state["answer"], name
        tap(task, "Chép câu trả lời")
        assert task.state["copies"], name


def test_an_unknown_case_is_refused_when_the_task_is_built(sheet):
    with pytest.raises(ValueError):
        AssistantApp("q", "?", case="khong_co", sheet=sheet)


# The reading helpers.


@pytest.mark.parametrize(
    "written",
    ["6/12", "06/12", "6-12", "6.12.2026", "ngày 6 tháng 12", "mùng 6 tháng 12 năm 2026",
     "Chủ nhật 06/12/26", "6 tháng mười hai"],
)  # fmt: skip
def test_a_date_is_recognised_however_it_is_written(written):
    assert mentions_date(written, 6, 12, 2026)


@pytest.mark.parametrize("written", ["16/12", "6/1", "6/12/2025", "26 tháng 12", "1 tháng 6"])
def test_other_dates_are_not_taken_for_it(written):
    assert not mentions_date(written, 6, 12, 2026)


def test_length_limits_need_a_number_and_dates_are_not_lengths():
    assert states_length("Không quá 150 chữ")
    assert states_length("dưới một trang")
    assert not states_length("Ngày 6/12/2026 từ 8 giờ")
    assert not states_length("Viết ngắn gọn")


def test_personal_data_is_found_by_pattern_or_from_the_case_file():
    text = "Ông Hoàng Văn Sáu, CCCD 034 090 000 456, ĐT +84 912 000 222, thư a.b@thu.example"
    assert find_personal_data(text) == ["id", "phone", "email"]
    assert find_personal_data(text, names=("Hoàng Văn Sáu",)) == ["id", "phone", "email", "name"]
    cleaned, kinds = redact(text)
    assert kinds == ["id", "phone", "email"]
    assert "034" not in cleaned and "912" not in cleaned and "@" not in cleaned
    assert find_personal_data("Họp ngày 6/12/2026, 150 chữ, năm 2026") == []
    assert mentions("Nhà văn hóa THON DONG", "thôn Đông")
    assert not mentions("thôn Đông Hòa", "Đông Hòa Bắc")
