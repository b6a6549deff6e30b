"""The Kết Nối app: careful sharing meets every checkpoint, careless sharing loses the right ones.

Runs go through the app's own widgets, as a learner taps, and are scored by the hidden tests of
the assignments that use the app (giao_tiep câu 7 and 11, tap_huan_vien câu 9), so what these
tests prove is what the grader gives. A fresh kernel is simulated by building the task again on
a new sheet that reads the answer file.
"""

from __future__ import annotations

import unicodedata

import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.social import DOCUMENTS, SocialApp

from appkit import assert_refused, hidden_checkpoints, missed, screen_text, tap, type_into

SHEET = "ket_noi"


def app(sheet: AnswerSheet, document: str | None = None) -> SocialApp:
    return SocialApp("ket_noi", "Kết Nối", document=document, sheet=sheet)


# Driving the app as a learner does.


def share(task: SocialApp, person: str, role: str) -> None:
    """On the share screen: add ``person`` (a label) with ``role`` (a label)."""
    tap(task, "Thêm người")
    tap(task, person)
    tap(task, role)


# The profile: privacy settings and a post.


def set_privacy(task: SocialApp) -> None:
    tap(task, "Quyền riêng tư")
    tap(task, "Ai xem được bài đăng mới")
    tap(task, "Bạn bè")
    tap(task, "Tự động gắn vị trí")
    tap(task, "Tắt")
    tap(task, "Trang cá nhân")


def test_a_careful_post_meets_every_checkpoint(sheet: AnswerSheet):
    task = app(sheet)
    set_privacy(task)
    tap(task, "Viết bài mới")
    assert "📍" not in screen_text(task)  # no location once the setting is off
    type_into(task, "Nội dung", "Buổi học Bình dân học vụ số tối nay rất vui.")
    tap(task, "Thêm ảnh")
    tap(task, "màn hình chiếu")
    assert "Ai xem được: Bạn bè" in screen_text(task)
    tap(task, "Đăng")
    (post,) = task.state["posts"]
    assert post == {
        "text": "Buổi học Bình dân học vụ số tối nay rất vui.",
        "photos": ["man_hinh_chieu"],
        "tags": [],
        "location": None,
        "audience": "friends",
    }
    checks = hidden_checkpoints("giao_tiep", "cau_11_kiem_tra", cau_11=task)
    assert len(checks) == 6
    assert not missed(checks)


def test_a_careless_post_shows_faces_tags_and_place_to_everyone(sheet: AnswerSheet):
    task = app(sheet)
    tap(task, "Viết bài mới")
    assert "Nhà văn hóa thôn 3" in screen_text(task)  # the location is added by default
    type_into(task, "Nội dung", "Lớp học hôm nay!")
    tap(task, "Thêm ảnh")
    tap(task, "thấy rõ mặt")
    tap(task, "Gắn thẻ bạn bè")
    tap(task, "Bác Tư")
    tap(task, "Đăng")
    assert task.state["posts"][0]["audience"] == "public"
    assert missed(hidden_checkpoints("giao_tiep", "cau_11_kiem_tra", cau_11=task)) == {
        "bài mới mặc định chỉ bạn bè xem",
        "đăng bài kèm ảnh không thấy mặt ai",
        "không đăng ảnh mặt người học hay danh sách có số điện thoại",
        "bài đã đăng chỉ bạn bè xem",
        "tắt tự gắn vị trí, bài không lộ vị trí",
        "không gắn thẻ ai khi chưa hỏi",
    }


def test_fixing_only_the_post_leaves_the_default_open(sheet: AnswerSheet):
    task = app(sheet)
    tap(task, "Viết bài mới")
    tap(task, "Nhà văn hóa thôn 3")  # remove the location from this post
    tap(task, "Thêm ảnh")
    tap(task, "màn hình chiếu")
    tap(task, "Ai xem được")
    tap(task, "Bạn bè")
    tap(task, "Đăng")
    assert missed(hidden_checkpoints("giao_tiep", "cau_11_kiem_tra", cau_11=task)) == {
        "bài mới mặc định chỉ bạn bè xem",
        "tắt tự gắn vị trí, bài không lộ vị trí",
    }


# The team document: sharing and working in each other's sections.


def test_careful_sharing_of_the_report_meets_every_checkpoint(sheet: AnswerSheet):
    task = app(sheet, "bao_cao_tong_ket")
    tap(task, "Tài liệu nhóm")
    tap(task, "Chia sẻ")
    share(task, "Phạm Thị Lan", "Người chỉnh sửa")
    share(task, "Lê Văn Minh", "Người chỉnh sửa")
    share(task, "Trần Văn Bình", "Người nhận xét")
    tap(task, "Quyền truy cập chung")
    tap(task, "Hạn chế")
    assert "Trần Văn Bình — Người nhận xét" in screen_text(task)
    tap(task, "Xong")
    tap(task, "Bình luận: Phần 2")
    comment = unicodedata.normalize("NFD", "Anh Minh ơi, số hộ tham gia là 210 ạ.")
    type_into(task, "Bình luận", comment)
    tap(task, "Gửi bình luận")
    tap(task, "Sửa: Phần 3")
    type_into(task, "Nội dung", "Đề nghị mở thêm lớp ở thôn 4.")
    tap(task, "Lưu")
    assert task.state["comments"] == [{"section": "so_lieu", "text": comment.strip()}]
    checks = hidden_checkpoints("giao_tiep", "cau_7_kiem_tra", cau_7=task)
    assert len(checks) == 6
    assert not missed(checks)


def test_careless_sharing_opens_the_report_and_overwrites_a_colleague(sheet: AnswerSheet):
    task = app(sheet, "bao_cao_tong_ket")
    tap(task, "Tài liệu nhóm")
    tap(task, "Chia sẻ")
    share(task, "Công chức xã An Bình", "Người chỉnh sửa")
    tap(task, "Xong")
    tap(task, "Sửa: Phần 2")
    type_into(task, "Nội dung", "Số lớp đã mở: 9. Số hộ tham gia: 210. Số người hoàn thành: 305.")
    tap(task, "Lưu")
    assert task.state["link"] == "anyone_edit"
    assert missed(hidden_checkpoints("giao_tiep", "cau_7_kiem_tra", cau_7=task)) == {
        "chị Lan và anh Minh có quyền chỉnh sửa",
        "anh Bình có quyền nhận xét, không sửa được",
        "không chia sẻ cho ai ngoài ba người này",
        "quyền truy cập chung: hạn chế",
        "góp ý số liệu 210 bằng bình luận ở phần 2, không tự sửa phần của anh Minh",
        "viết phần 3 của mình",
    }


def test_saving_a_colleague_section_unchanged_is_not_an_edit(sheet: AnswerSheet):
    task = app(sheet, "bao_cao_tong_ket")
    tap(task, "Tài liệu nhóm")
    tap(task, "Sửa: Phần 2")
    tap(task, "Lưu")
    assert task.state["edited"] == []
    tap(task, "Sửa: Phần 2")
    type_into(task, "Nội dung", "Số hộ tham gia: 210.")
    tap(task, "Lưu")
    assert task.state["edited"] == ["so_lieu"]


def test_the_volunteer_team_sheet_scores_with_the_trainers_hidden_test(sheet: AnswerSheet):
    task = SocialApp(
        "ket_noi", "Bảng phân công", document="bang_phan_cong", owner="Bạn", sheet=sheet
    )
    tap(task, "Tài liệu nhóm")
    tap(task, "Chia sẻ")
    share(task, "Trần Minh Tú", "Người chỉnh sửa")
    share(task, "Lê Thảo Chi", "Người chỉnh sửa")
    share(task, "Nguyễn Thu Hoa", "Người xem")
    tap(task, "Quyền truy cập chung")
    tap(task, "Hạn chế")
    tap(task, "Xong")
    tap(task, "Bình luận: Buổi 2")
    type_into(task, "Bình luận", "Chi ơi, buổi 2 có 15 người đăng ký rồi nhé.")
    tap(task, "Gửi bình luận")
    tap(task, "Sửa: Buổi 3")
    type_into(task, "Nội dung", "Hướng dẫn chính: Bạn. Hỗ trợ: Chi. Việc học: gọi video.")
    tap(task, "Lưu")
    assert not missed(hidden_checkpoints("tap_huan_vien", "cau_9_kiem_tra", cau_9=task))
    tap(task, "Chia sẻ")
    tap(task, "Nguyễn Thu Hoa")
    tap(task, "Người chỉnh sửa")  # the secretary gets more than she needs
    assert missed(hidden_checkpoints("tap_huan_vien", "cau_9_kiem_tra", cau_9=task)) == {
        "chị Hoa chỉ có quyền xem"
    }


def test_removing_access_takes_the_person_off_the_list(sheet: AnswerSheet):
    task = app(sheet, "lich_truc_le")
    tap(task, "Tài liệu nhóm")
    tap(task, "Chia sẻ")
    share(task, "Nguyễn Thị Thu", "Người xem")
    tap(task, "Nguyễn Thị Thu — Người xem")
    tap(task, "Xóa quyền truy cập")
    assert task.state["access"] == {}


# What the app refuses, and what it keeps.


@pytest.mark.parametrize(
    ("document", "steps", "refused"),
    [
        (None, [], {"action": "back"}),
        (None, [], {"action": "open_document"}),  # this task has no document
        (None, [("new_post", {})], {"action": "publish"}),  # nothing to post
        (None, [("new_post", {})], {"action": "type_post", "text": "x" * 1201}),
        (None, [("open_privacy", {})], {"action": "open_setting", "setting": "mat_khau"}),
        (
            None,
            [("open_privacy", {}), ("open_setting", {"setting": "audience"})],
            {"action": "set_setting", "setting": "audience", "value": "the_gioi"},
        ),
        ("bao_cao_tong_ket", [], {"action": "open_share"}),  # the document is not open
        (
            "bao_cao_tong_ket",
            [("open_document", {}), ("open_share", {}), ("add_people", {})],
            {"action": "open_person", "person": "nguoi_la"},
        ),
        (
            "bao_cao_tong_ket",
            [("open_document", {}), ("open_comment", {"section": "so_lieu"})],
            {"action": "comment", "section": "so_lieu", "text": "   "},
        ),
        (None, [], {"action": "bay"}),
    ],
)
def test_an_impossible_action_is_refused_and_records_nothing(sheet, document, steps, refused):
    assert_refused(app(sheet, document), steps, refused)


def test_a_refused_tap_shows_the_reason(sheet: AnswerSheet):
    task = app(sheet)
    tap(task, "Viết bài mới")
    tap(task, "Đăng")
    assert task.value == [{"action": "new_post"}]
    assert "chưa có chữ hay ảnh" in screen_text(task)


def test_a_fresh_kernel_replays_the_saved_taps_to_the_same_state(sheet: AnswerSheet):
    task = app(sheet, "bao_cao_tong_ket")
    set_privacy(task)
    tap(task, "Tài liệu nhóm")
    tap(task, "Chia sẻ")
    share(task, "Phạm Thị Lan", "Người chỉnh sửa")
    again = SocialApp(
        "ket_noi", "Kết Nối", document="bao_cao_tong_ket", sheet=AnswerSheet("ket_noi")
    )
    assert again.value == task.value
    assert again.state == task.state


def test_every_document_names_its_owners_section_and_unknown_ones_are_refused(sheet):
    for document in DOCUMENTS.values():
        assert document.own_section in {s.key for s in document.sections}
    with pytest.raises(ValueError):
        app(sheet, "khong_co")
