"""The simulated phone browser: tapped through its own buttons, scored step by step, replayed."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.browser import (
    MESSAGES,
    PAGES,
    RESULTS,
    BrowserTask,
    folded,
    host_of,
    short_address,
)
from curriculum.toolkit.scoring import checkpoint_credit, happened

from appkit import note, screen_text, tap, type_into

SHEET = "trinh_duyet"


def browser(sheet: AnswerSheet, **task: Any) -> BrowserTask:
    return BrowserTask("cau", "Bài thử trên trình duyệt", sheet=sheet, **task)


# The checkpoints of the assignment's three tasks (the same as its hidden tests).


def portal_checks(task: BrowserTask) -> dict[str, bool]:
    s = task.state
    reached = any(v["page"] == "dvc_khai_sinh" for v in s["visits"])
    saved = [b for b in s["bookmarks"] if b["page"] == "dvc_khai_sinh"]
    return {
        "reached": reached,
        "no_ad": reached and not any(v["via"] == "ad" for v in s["visits"]),
        "no_fake": reached and not any(v["kind"] == "fake" for v in s["visits"]),
        "checked_then_saved": any(b["checked"] for b in saved),
        "only_real_saved": bool(saved) and all(b["kind"] == "official" for b in s["bookmarks"]),
    }


def real_site_checks(task: BrowserTask) -> dict[str, bool]:
    s = task.state
    saved = [b for b in s["bookmarks"] if b["page"] == "vneid_home"]
    sent = s["reported"]
    return {
        "saved": bool(saved),
        "checked_then_saved": any(b["checked"] for b in saved),
        "no_fake_saved": bool(saved) and all(b["kind"] == "official" for b in s["bookmarks"]),
        "reported_fake_checked": any(r["kind"] == "fake" and r["checked"] for r in sent),
        "no_real_reported": bool(sent) and all(r["kind"] != "official" for r in sent),
        "no_trap": bool(saved or sent) and not any(v["trap"] for v in s["visits"]),
    }


def typed_address_checks(task: BrowserTask) -> dict[str, bool]:
    s, log = task.state, task.value
    typed = happened(log, "type_address", text=lambda t: host_of(t) == "dichvucong.gov.vn")
    lookup = any(v["page"] == "dvc_tra_cuu" for v in s["visits"])
    return {
        "typed": typed,
        "no_message_link": (typed or lookup) and not happened(log, "follow_message_link"),
        "lookup": lookup,
        "no_fake": lookup and not any(v["kind"] == "fake" for v in s["visits"]),
    }


# Careful runs, through the buttons, meet every checkpoint.


def test_a_careful_search_for_the_procedure_meets_every_checkpoint(sheet):
    task = browser(sheet)
    type_into(task, "Từ khóa", "đăng ký khai sinh", then="🔍 Tìm")
    text = screen_text(task)
    assert "Được tài trợ" in text and "Quảng cáo" in text
    assert text.index("Được tài trợ") < text.index("dichvucong.gov.vn</small>")
    tap(task, "Đăng ký khai sinh: Cổng Dịch vụ công quốc gia")
    assert "60 ngày" in screen_text(task)
    tap(task, "🔒 dichvucong.gov.vn ")
    assert "https://dichvucong.gov.vn" in screen_text(task)
    tap(task, "⋮ Menu")
    tap(task, "☆ Lưu dấu trang")
    assert all(portal_checks(task).values())
    assert checkpoint_credit(portal_checks(task), points=2) == 2
    assert [entry["action"] for entry in task.value] == [
        "search",
        "open_result",
        "view_address",
        "open_menu",
        "bookmark",
    ]


def test_typing_the_portal_address_is_as_good_as_searching(sheet):
    task = browser(sheet)
    type_into(task, "Địa chỉ hoặc từ khóa", "DICHVUCONG.GOV.VN", then="Đi")
    tap(task, "Thủ tục: Đăng ký khai sinh")
    tap(task, "🔒")
    tap(task, "⋮ Menu")
    tap(task, "☆ Lưu dấu trang")
    assert all(portal_checks(task).values())
    assert task.state["typed"] == [{"text": "DICHVUCONG.GOV.VN", "host": "dichvucong.gov.vn"}]


def test_a_careful_check_of_the_vneid_results_meets_every_checkpoint(sheet):
    task = browser(sheet)
    type_into(task, "Địa chỉ hoặc từ khóa", "VNeID", then="Đi")  # words there: a search
    tap(task, "VNeID: hỗ trợ mở khóa")
    tap(task, "🔒 vneid.gov.vn.hotro-taik…")
    assert "vneid.gov.vn.hotro-taikhoan.example/mo-khoa" in screen_text(task)
    tap(task, "⋮ Menu")
    tap(task, "⚠ Báo cáo trang lừa đảo")
    tap(task, "← Quay lại")
    tap(task, "VNeID: ứng dụng định danh")
    tap(task, "🔒 vneid.gov.vn ")
    tap(task, "⋮ Menu")
    tap(task, "☆ Lưu dấu trang")
    assert all(real_site_checks(task).values())


def test_typing_the_address_instead_of_following_the_link_meets_every_checkpoint(sheet):
    task = browser(sheet, message="ho_so_bi_tra")
    assert "dichvucong.gov.vn.hoso-online.example/bo-sung" in screen_text(task)
    tap(task, "🌐 Mở trình duyệt")
    type_into(task, "Địa chỉ hoặc từ khóa", "https://dichvucong.gov.vn/", then="Đi")
    tap(task, "Tra cứu hồ sơ")
    assert all(typed_address_checks(task).values())
    assert checkpoint_credit(typed_address_checks(task), points=2) == 2


# Careless runs lose the checkpoints of what they skipped, and only those.


def test_following_the_ad_and_saving_the_lookalike_earns_nothing(sheet):
    task = browser(sheet)
    task.act("search", query="khai sinh")
    task.act("open_result", id="qc_khai_sinh")
    task.act("follow_link", to="qc_khai_sinh_form")
    task.act("back")
    task.act("back")
    task.act("open_result", id="gia_khai_sinh")
    task.act("open_menu")
    task.act("bookmark")
    assert not any(portal_checks(task).values())
    assert task.state["visits"][0]["via"] == "ad"
    assert task.state["bookmarks"][0]["kind"] == "fake"


def test_an_ad_opened_on_the_way_and_no_look_at_the_address_lose_their_checkpoints(sheet):
    task = browser(sheet)
    task.act("search", query="khai sinh")
    task.act("open_result", id="qc_giay_to")
    task.act("back")
    task.act("open_result", id="dvc_khai_sinh")
    task.act("open_menu")
    task.act("bookmark")
    checks = portal_checks(task)
    assert {name for name, met in checks.items() if not met} == {"no_ad", "checked_then_saved"}
    assert checkpoint_credit(checks, points=2) == 1.2


def test_doing_nothing_useful_earns_no_free_checkpoint(sheet):
    task = browser(sheet)
    task.act("search", query="khai sinh")
    assert not any(portal_checks(task).values())
    other = browser(AnswerSheet("khac", sheet.path.parent))
    other.act("search", query="vneid")
    assert not any(real_site_checks(other).values())


def test_the_scam_path_in_the_vneid_task_earns_nothing(sheet):
    task = browser(sheet)
    task.act("search", query="vneid")
    task.act("open_result", id="qc_vneid")
    task.act("follow_link", to="qc_vneid_tai")
    task.act("back")
    task.act("back")
    task.act("open_result", id="gia_vneid")
    task.act("open_menu")
    task.act("bookmark")
    task.act("back")
    task.act("open_result", id="vneid_home")
    task.act("open_menu")
    task.act("report_site")
    assert not any(real_site_checks(task).values())


def test_reporting_a_fake_without_reading_its_address_loses_that_checkpoint(sheet):
    task = browser(sheet)
    task.act("search", query="vneid")
    task.act("open_result", id="gia_ho_tro")
    task.act("open_menu")
    task.act("report_site")
    task.act("back")
    task.act("open_result", id="vneid_home")
    task.act("view_address")
    task.act("open_menu")
    task.act("bookmark")
    checks = real_site_checks(task)
    assert [name for name, met in checks.items() if not met] == ["reported_fake_checked"]


def test_tapping_the_message_link_loses_the_safe_route_checkpoints(sheet):
    task = browser(sheet, message="ho_so_bi_tra")
    task.act("follow_message_link")
    task.act("follow_link", to="gia_ho_so_dang_nhap")
    assert not any(typed_address_checks(task).values())
    assert task.state["visits"][0] == {
        "page": "gia_ho_so",
        "host": "dichvucong.gov.vn.hoso-online.example",
        "kind": "fake",
        "trap": False,
        "via": "message",
    }
    # Going to the real portal afterwards still counts, but not the link that was tapped.
    task.act("type_address", text="dichvucong.gov.vn")
    task.act("follow_link", to="dvc_tra_cuu")
    checks = typed_address_checks(task)
    assert {name for name, met in checks.items() if not met} == {"no_message_link", "no_fake"}


def test_typing_the_lookalike_address_is_recorded_with_the_host_it_opened(sheet):
    task = browser(sheet)
    task.act("type_address", text="dichvucong.gov.vn.hoso-online.example/bo-sung")
    assert task.state["at"] == {"kind": "page", "page": "gia_ho_so"}
    assert task.state["typed"][-1]["host"] == "dichvucong.gov.vn.hoso-online.example"
    assert not typed_address_checks(task)["typed"]
    task.act("type_address", text="dichvucong-gov.vn")
    assert task.state["at"] == {"kind": "missing", "host": "dichvucong-gov.vn"}
    assert "Không mở được trang dichvucong-gov.vn" in screen_text(task)


# Refused taps record nothing.


def test_refused_taps_record_nothing_and_say_why(sheet):
    task = browser(sheet)
    tap(task, "← Quay lại")
    assert "Không có trang trước" in note(task)
    assert task.value is None and sheet.get("cau").value is None
    type_into(task, "Địa chỉ hoặc từ khóa", "   ", then="Đi")
    assert "Hãy gõ địa chỉ" in note(task)
    tap(task, "🔒")  # allowed: the engine's own address
    tap(task, "Đóng")
    before = (task.value, json.dumps(task.state, sort_keys=True))
    for action, details in [
        ("bookmark", {}),
        ("report_site", {}),
        ("open_result", {"id": "dvc_khai_sinh"}),
        ("follow_link", {"to": "dvc_tra_cuu"}),
        ("close_panel", {}),
        ("open_browser", {}),
        ("follow_message_link", {}),
        ("open_messages", {}),
        ("open_bookmark", {"page": "dvc_home"}),
        ("fly", {}),
    ]:
        with pytest.raises(Refused):
            task.act(action, **details)
    assert (task.value, json.dumps(task.state, sort_keys=True)) == before
    assert len(sheet.get("cau").value) == 2


def test_a_tampered_action_is_refused_not_crashed_on(sheet):
    task = browser(sheet)
    task.act("type_address", text="dichvucong.gov.vn")
    for action, details in [
        ("follow_link", {"to": ["dvc_tra_cuu"]}),
        ("open_result", {"id": {"x": 1}}),
        ("type_address", {"text": 5}),
        ("search", {"query": None}),
    ]:
        with pytest.raises(Refused):
            task.act(action, **details)
    sheet.record("khac", [{"action": "follow_link", "to": ["dvc_tra_cuu"]}])
    assert BrowserTask("khac", "...", sheet=sheet).value is None


def test_only_what_is_on_the_screen_can_be_tapped(sheet):
    task = browser(sheet)
    task.act("search", query="khai sinh")
    with pytest.raises(Refused, match="không có trên trang"):
        task.act("open_result", id="vneid_home")  # a result of another search
    task.act("open_result", id="dien_dan_khai_sinh")
    with pytest.raises(Refused, match="không có đường link"):
        task.act("follow_link", to="dvc_dang_nhap")
    with pytest.raises(Refused, match="mở menu"):
        task.act("bookmark")
    with pytest.raises(Refused, match="Ô tìm kiếm chỉ có"):
        task.act("search", query="vneid")
    task.act("open_menu")
    task.act("bookmark")
    task.act("open_menu")
    with pytest.raises(Refused, match="đã có trong dấu trang"):
        task.act("bookmark")
    task.act("report_site")
    task.act("open_menu")
    with pytest.raises(Refused, match="đã báo cáo"):
        task.act("report_site")


def test_the_message_screen_comes_first_when_the_task_has_a_message(sheet):
    task = browser(sheet, message=MESSAGES["ho_so_bi_tra"])
    with pytest.raises(Refused, match="mở trình duyệt trước"):
        task.act("type_address", text="dichvucong.gov.vn")
    assert task.value is None
    tap(task, "🌐 Mở trình duyệt")
    tap(task, "✉ Tin nhắn")
    assert task.state["screen"] == "message"
    with pytest.raises(Refused):
        browser(AnswerSheet("khac", sheet.path.parent)).act("open_messages")


def test_bookmarks_open_again_from_the_menu(sheet):
    task = browser(sheet)
    task.act("type_address", text="binhdanhocvuso.gov.vn")
    task.act("open_menu")
    task.act("bookmark")
    task.act("open_menu")
    task.act("home")
    task.act("open_menu")
    task.act("open_bookmarks")
    with pytest.raises(Refused, match="không phải một trang web"):
        task.act("view_address")
    tap(task, "☆ Nền tảng Bình dân học vụ số")
    assert task.state["visits"][-1]["via"] == "bookmark"
    assert task.state["at"] == {"kind": "page", "page": "bdhvs_home"}


# The saved list of actions is the whole truth.


def test_a_fresh_task_rebuilt_from_the_saved_sheet_replays_to_the_same_state(sheet, tmp_path):
    task = browser(sheet, message="ho_so_bi_tra")
    tap(task, "🔗 dichvucong.gov.vn.hoso-online.example")
    tap(task, "🔒")
    tap(task, "⋮ Menu")
    tap(task, "⚠ Báo cáo")
    type_into(task, "Địa chỉ hoặc từ khóa", "dichvucong.gov.vn", then="Đi")
    tap(task, "Tra cứu hồ sơ")
    fresh = BrowserTask(
        "cau",
        "Bài thử trên trình duyệt",
        sheet=AnswerSheet(SHEET, tmp_path),
        message="ho_so_bi_tra",
    )
    assert fresh.value == task.value
    assert fresh.state == task.state
    assert typed_address_checks(fresh) == typed_address_checks(task)
    assert screen_text(fresh) == screen_text(task)


def test_restarting_clears_the_actions(sheet):
    task = browser(sheet)
    task.act("search", query="khai sinh")
    tap(task, "↺ Làm lại từ đầu")
    assert task.value is None and task.state == task.start()
    assert sheet.get("cau").value is None


def test_a_saved_list_that_cannot_be_replayed_is_not_an_answer(sheet):
    sheet.record("cau", [{"action": "open_result", "id": "dvc_khai_sinh"}])
    task = browser(sheet)
    assert task.value is None and task.problem


# Text as people type it.


def test_typed_text_in_other_unicode_forms_and_cases_is_accepted(sheet):
    decomposed = unicodedata.normalize("NFD", "ĐĂNG KÝ KHAI SINH")
    task = browser(sheet)
    task.act("search", query=decomposed)
    assert "Đăng ký khai sinh: Cổng Dịch vụ công quốc gia" in screen_text(task)
    task.act("open_result", id="dvc_khai_sinh")
    task.act("back")
    task.act("search", query="dang ky khai sinh")  # without marks, as on many phones
    task.act("open_result", id="dvc_khai_sinh")
    for typed in (
        "dichvucong.gov.vn",
        "DichVuCong.Gov.Vn",
        " https://dichvucong.gov.vn/ ",
        "http://www.dichvucong.gov.vn",
    ):
        assert host_of(typed) == "dichvucong.gov.vn", typed
        assert happened(
            [{"action": "type_address", "text": typed}],
            "type_address",
            text=lambda t: host_of(t) == "dichvucong.gov.vn",
        )
    task.act("type_address", text="DichVuCong.Gov.Vn")
    assert task.state["at"] == {"kind": "page", "page": "dvc_home"}
    assert folded("Định danh") == folded("dinh danh") == "dinh danh"


def test_words_are_searches_and_lookalikes_are_other_hosts():
    assert host_of("dich vu cong") is None
    assert host_of("VNeID") is None
    assert host_of("") is None and host_of(None) is None
    assert host_of("dichvucong.gov.vn.thu-tuc.example/khai-sinh") == (
        "dichvucong.gov.vn.thu-tuc.example"
    )
    assert host_of("gov-vn.example") == "gov-vn.example"


# The simulated web itself.


def test_every_invented_site_ends_in_example_and_only_real_state_sites_are_official():
    real = {"dichvucong.gov.vn", "vneid.gov.vn", "chinhphu.vn", "binhdanhocvuso.gov.vn"}
    for page in PAGES.values():
        assert page.kind in {"official", "fake", "other"}, page.id
        if page.kind == "official":
            assert page.host in real and not page.trap, page.id
        else:
            assert page.host.endswith(".example"), page.id
        for link in page.links:
            assert link.to in PAGES, (page.id, link.to)
    for result in RESULTS.values():
        assert result.page in PAGES
        assert result.ad == result.id.startswith("qc_")
        assert result.label in {"", "Được tài trợ", "Quảng cáo"}


def test_long_addresses_are_cut_off_in_the_address_bar():
    assert short_address("dichvucong.gov.vn") == "dichvucong.gov.vn"
    assert short_address("dichvucong.gov.vn.thu-tuc.example") == "dichvucong.gov.vn.thu-t…"
    assert len(short_address("vneid.gov.vn.hotro-taikhoan.example")) == 24


def test_a_message_must_link_to_a_page_of_the_simulated_web(sheet):
    from curriculum.toolkit.apps.browser import Message

    with pytest.raises(ValueError):
        browser(sheet, message=Message("X", "09:00", "...", link="khong_co"))
