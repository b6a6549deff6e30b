"""The simulated phone: tasks done by tapping its real buttons, scored from what was done."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import Refused
from curriculum.toolkit.apps.phone import DEFAULT_APPS, Phone, free_gb
from curriculum.toolkit.scoring import checkpoint_credit, happened, happened_before

from appkit import button_labels, note, screen_text, tap, type_into

SHEET = "bai_dien_thoai"

# The storage task of the thiet_bi_so assignment: 1.2 GB free, 4 GB needed, one video not
# backed up, an advertisement for a "cleaner" app.
STORAGE_TASK = {
    "device": "Điện thoại của anh Nam",
    "extra_apps": [
        {"id": "ban_ca", "name": "Game Bắn Cá", "size_gb": 1.1, "cache_gb": 0.2, "days_unused": 200}
    ],
    "files": [
        {"id": "video_hop", "name": "Video họp.mp4", "size_gb": 2.1, "backed_up": True},
        {"id": "video_tap_huan", "name": "Video tập huấn.mp4", "size_gb": 1.6, "backed_up": True},
        {"id": "video_cuoi", "name": "Video đám cưới.mp4", "size_gb": 2.4, "backed_up": False},
        {"id": "anh_hoi_nghi", "name": "Ảnh hội nghị", "size_gb": 0.9, "backed_up": True},
    ],
    "other_gb": 52.2,
    "ads": [
        {
            "id": "don_rac",
            "text": "Bộ nhớ sắp đầy! Cài «Dọn Rác Siêu Tốc».",
            "button": "Cài ngay Dọn Rác Siêu Tốc",
            "app": {"id": "don_rac", "name": "Dọn Rác Siêu Tốc", "size_gb": 0.3},
        }
    ],
}


def storage_score(phone: Phone) -> tuple[dict[str, bool], float]:
    """The hidden test of the storage task, as the assignment writes it."""
    state = phone.state
    enough = state["free_gb"] >= 4
    checks = {
        "enough": enough,
        "nothing_lost": enough and not state["lost"],
        "apps_kept": enough and not {"zalo", "vneid"} & set(state["uninstalled"]),
        "no_ad_app": enough and not state["ads_tapped"],
    }
    return checks, checkpoint_credit(checks, points=3)


def test_a_careful_learner_frees_space_by_tapping_and_meets_every_checkpoint(sheet):
    phone = Phone("cau_4", "Giải phóng bộ nhớ", sheet=sheet, **STORAGE_TASK)
    assert phone.state["free_gb"] == pytest.approx(1.2)
    tap(phone, "Bỏ qua thông báo này")
    tap(phone, "⚙️ Cài đặt")
    tap(phone, "💾 Bộ nhớ")
    assert "còn trống <b>1,2 GB</b>" in screen_text(phone)
    assert "⚠️ CHƯA sao lưu" in screen_text(phone)
    tap(phone, "🧹 Xóa bộ nhớ đệm")
    tap(phone, "🗑 Xóa Video họp.mp4")
    assert "Tệp đã có bản sao lưu." in screen_text(phone)
    tap(phone, "Xóa")
    tap(phone, "🗑 Xóa Video tập huấn.mp4")
    tap(phone, "Xóa")
    checks, points = storage_score(phone)
    assert all(checks.values()) and points == 3
    assert phone.state["free_gb"] == pytest.approx(5.6)
    assert happened_before(phone.value, ("open", {"screen": "storage"}), "confirm_delete")
    saved = json.loads(Path("bai_dien_thoai.answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["cau_4"]["value"] == phone.value


def test_a_careless_learner_loses_the_checkpoints_of_what_went_wrong(sheet):
    phone = Phone("cau_4", "Giải phóng bộ nhớ", sheet=sheet, **STORAGE_TASK)
    tap(phone, "Cài ngay Dọn Rác Siêu Tốc")
    tap(phone, "⚙️ Cài đặt")
    tap(phone, "💾 Bộ nhớ")
    tap(phone, "🗑 Xóa Video đám cưới.mp4")
    assert "CHƯA được sao lưu: xóa là mất hẳn" in screen_text(phone)
    tap(phone, "Xóa")
    tap(phone, "🗑 Xóa Ảnh hội nghị")
    tap(phone, "Xóa")
    checks, points = storage_score(phone)
    assert checks == {"enough": True, "nothing_lost": False, "apps_kept": True, "no_ad_app": False}
    assert points == 1.5
    assert phone.state["lost"] == ["video_cuoi"] and "don_rac" in phone.state["apps"]


def test_doing_nothing_useful_earns_nothing_even_on_the_checkpoints_about_care(sheet):
    phone = Phone("cau_4", "Giải phóng bộ nhớ", sheet=sheet, **STORAGE_TASK)
    tap(phone, "⚙️ Cài đặt")
    assert storage_score(phone)[1] == 0


def test_backing_up_first_makes_deleting_that_file_safe(sheet):
    phone = Phone("cau_4", "Giải phóng bộ nhớ", sheet=sheet, **STORAGE_TASK)
    for action, details in [
        ("open", {"screen": "settings"}),
        ("open", {"screen": "backup"}),
        ("back_up_now", {}),
        ("back", {}),
        ("open", {"screen": "storage"}),
        ("ask_delete", {"file": "video_cuoi"}),
        ("confirm_delete", {"file": "video_cuoi"}),
        ("clear_cache", {}),
    ]:
        phone.act(action, **details)
    assert phone.state["deleted"] == ["video_cuoi"] and phone.state["backed_up_now"]
    checks, points = storage_score(phone)
    assert all(checks.values()) and points == 3


def test_refused_taps_record_nothing_and_say_why(sheet):
    phone = Phone(
        "cap_nhat",
        "Cài bản cập nhật",
        sheet=sheet,
        settings={"wifi": False, "battery": 20},
        other_gb=57.7,
        update={"name": "Bản cập nhật hệ thống", "size_gb": 1.5, "needs_gb": 3.0},
    )
    tap(phone, "⚙️ Cài đặt")
    tap(phone, "⬇️ Cập nhật phần mềm")
    tap(phone, "Kiểm tra bản cập nhật")
    before = phone.value
    tap(phone, "Tải về và cài đặt")
    assert phone.value == before
    assert "máy chỉ tải khi có Wi-Fi" in note(phone)
    with pytest.raises(Refused):
        phone.act("set_text_size", size="lon")  # not on the display screen
    with pytest.raises(Refused):
        phone.act("fly")
    with pytest.raises(Refused):
        phone.act("open", screen="storage")  # not reachable from the update screen
    assert phone.value == before


def test_the_update_installs_once_wifi_space_and_charge_are_there(sheet):
    phone = Phone(
        "cap_nhat",
        "Cài bản cập nhật",
        sheet=sheet,
        settings={"wifi": False, "battery": 20},
        other_gb=57.7,
        update={"name": "Bản cập nhật hệ thống", "size_gb": 1.5, "needs_gb": 3.0},
    )
    phone.act("open", screen="settings")
    phone.act("open", screen="network")
    phone.act("open", screen="wifi")
    tap(phone, "Wi-Fi: Đang tắt")  # a saved network in range is joined by itself
    assert phone.state["connected"] == "nha_minh"
    assert "WiFi_Mien_Phi (mạng mở" in " ".join(button_labels(phone))
    phone.act("home")
    phone.act("open", screen="settings")
    phone.act("open", screen="update")
    phone.act("check_update")
    with pytest.raises(Refused, match="Không đủ bộ nhớ: cần trống ít nhất 3,0 GB, máy còn 2,0 GB"):
        phone.act("install_update")
    phone.act("back")
    phone.act("open", screen="storage")
    phone.act("clear_cache")
    phone.act("ask_delete", file="video_hop")
    phone.act("confirm_delete", file="video_hop")
    phone.act("back")
    phone.act("open", screen="update")
    with pytest.raises(Refused, match="Pin dưới 30%"):
        phone.act("install_update")
    phone.act("back")
    phone.act("open", screen="battery")
    tap(phone, "🔌 Cắm sạc")
    phone.act("back")
    phone.act("open", screen="update")
    tap(phone, "Tải về và cài đặt")
    assert phone.state["update"]["installed"] and phone.state["update"]["via"] == "nha_minh"
    assert "Máy đã mới nhất" in screen_text(phone)
    assert phone.state["joined"] == ["nha_minh"]


def test_joining_an_open_network_is_recorded_and_a_new_network_needs_its_exact_password(sheet):
    phone = Phone(
        "wifi",
        "Kết nối Wi-Fi nhà con gái",
        sheet=sheet,
        networks=[
            {
                "id": "nha_mai",
                "name": "Nha_Mai",
                "secured": True,
                "saved": False,
                "password": "Mai@2026",
            },
            {"id": "quan_ca_phe", "name": "CaPhe_Free", "secured": False, "saved": False},
        ],
        settings={"connected": None},
    )
    phone.act("open", screen="settings")
    phone.act("open", screen="network")
    phone.act("open", screen="wifi")
    tap(phone, "🔒 Nha_Mai (cần mật khẩu)")
    type_into(phone, None, "mai@2026", then="Kết nối")  # a password keeps its case
    assert "Sai mật khẩu" in note(phone) and phone.state["connected"] is None
    type_into(phone, None, " Mai@2026 ", then="Kết nối")
    assert phone.state["connected"] == "nha_mai" and phone.state["networks"]["nha_mai"]["saved"]
    assert not happened(phone.value, "connect_wifi", network="quan_ca_phe")
    tap(phone, "🔓 CaPhe_Free")
    assert phone.state["joined"] == ["nha_mai", "quan_ca_phe"]
    assert happened(phone.value, "connect_wifi", network="quan_ca_phe")


def test_the_settings_search_accepts_any_unicode_form_case_and_no_marks(sheet):
    phone = Phone("tim", "Tìm mục cỡ chữ", sheet=sheet)
    tap(phone, "⚙️ Cài đặt")
    for typed in (unicodedata.normalize("NFD", "CỠ CHỮ"), "co chu", "  Cỡ   chữ  "):
        type_into(phone, None, typed, then="🔍 Tìm")
        assert phone.state["screen"] == "search"
        assert list(button_labels(phone))[1].startswith("🔆 Màn hình")
    type_into(phone, None, "xyz", then="🔍 Tìm")
    assert "Không tìm thấy mục nào" in screen_text(phone)
    before = phone.value
    type_into(phone, None, "   ", then="🔍 Tìm")
    assert phone.value == before and "Hãy gõ điều cần tìm" in note(phone)
    type_into(phone, None, "dung luong", then="🔍 Tìm")
    tap(phone, "💾 Bộ nhớ")
    assert phone.state["screen"] == "storage"


def test_larger_text_shows_larger_on_the_phone_and_is_the_grandmother_task(sheet):
    phone = Phone(
        "cau_8",
        "Chỉnh máy cho bà",
        sheet=sheet,
        device="Điện thoại của bà Năm",
        settings={"mobile_data": False},
        extra_apps=[
            {"id": "mua_sam", "name": "Mua Sắm Giá Sốc", "source": "link", "days_unused": None}
        ],
    )
    assert "font-size:16px" in screen_text(phone)
    tap(phone, "⚙️ Cài đặt")
    tap(phone, "🔆 Màn hình")
    tap(phone, "Rất lớn")
    assert "font-size:22px" in screen_text(phone) and "✓ Rất lớn" in button_labels(phone)
    tap(phone, "◀ Quay lại")
    tap(phone, "📶 Kết nối mạng")
    tap(phone, "📱 Dữ liệu di động: Đang tắt")
    tap(phone, "◀ Quay lại")
    tap(phone, "📱 Ứng dụng")
    tap(phone, "Mua Sắm Giá Sốc")
    assert "không rõ nguồn" in screen_text(phone) and "chưa dùng lần nào" in screen_text(phone)
    tap(phone, "🗑 Gỡ cài đặt")
    tap(phone, "Gỡ cài đặt")
    state = phone.state
    assert state["text_size"] == "rat_lon" and state["mobile_data"] and not state["airplane"]
    assert state["uninstalled"] == ["mua_sam"] and "mua_sam" not in state["apps"]
    tap(phone, "Điện thoại (0,1 GB)")
    assert "🗑 Gỡ cài đặt" not in button_labels(phone)  # apps of the phone itself stay
    with pytest.raises(Refused, match="không gỡ được"):
        phone.act("ask_uninstall", app="dien_thoai")


def test_an_app_that_asks_for_more_than_it_needs_can_be_refused_and_fixed_later(sheet):
    phone = Phone(
        "den_pin",
        "Đèn pin xin danh bạ và vị trí",
        sheet=sheet,
        extra_apps=[
            {
                "id": "den_pin",
                "name": "Đèn Pin Sáng",
                "permissions": {"camera": True, "contacts": True},
                "asks": ["location"],
            }
        ],
    )
    tap(phone, "▢ Đèn Pin Sáng")
    assert "truy cập vị trí" in screen_text(phone)
    assert set(button_labels(phone)) == {"Cho phép", "Không cho phép", "↺ Làm lại từ đầu"}
    with pytest.raises(Refused, match="xin quyền"):
        phone.act("home")
    tap(phone, "Không cho phép")
    assert phone.state["apps"]["den_pin"]["permissions"]["location"] is False
    phone.act("home")
    phone.act("open", screen="settings")
    phone.act("open", screen="privacy")
    tap(phone, "Danh bạ: 4 ứng dụng được phép")
    tap(phone, "Đèn Pin Sáng: được phép, bấm để tắt")
    permissions = phone.state["apps"]["den_pin"]["permissions"]
    assert permissions == {"camera": True, "contacts": False, "location": False}
    assert happened(
        phone.value, "set_permission", app="den_pin", permission="contacts", allow=False
    )


def test_screen_time_limits_and_bedtime_for_a_child(sheet):
    phone = Phone(
        "cau_5",
        "Máy tính bảng của Bin",
        sheet=sheet,
        apps=[
            {"id": "video_vui", "name": "Video Vui", "minutes": 190},
            {"id": "hoc_toan", "name": "Học Toán Lớp 4", "minutes": 40},
        ],
    )
    tap(phone, "⚙️ Cài đặt")
    tap(phone, "⏳ Thời gian sử dụng")
    assert "3 giờ 50 phút" in screen_text(phone)
    tap(phone, "Video Vui: 3 giờ 10 phút (chưa giới hạn)")
    tap(phone, "1 giờ mỗi ngày")
    tap(phone, "🌙 Chế độ giờ ngủ: tắt")
    tap(phone, "21:00")
    tap(phone, "Chế độ giờ ngủ: Đang tắt")
    assert phone.state["limits"] == {"video_vui": 60}
    assert phone.state["bedtime"] == {"on": True, "start": "21:00", "end": "06:30"}
    tap(phone, "⌂ Màn hình chính")
    assert "▢ Video Vui ⏳ hết giờ hôm nay" in button_labels(phone)
    with pytest.raises(Refused, match="hết thời gian"):
        phone.act("open_app", app="video_vui")
    phone.act("open", screen="settings")
    phone.act("open", screen="wellbeing")
    phone.act("open_limit", app="video_vui")
    tap(phone, "Không giới hạn")
    assert phone.state["limits"] == {}


def test_battery_and_display_settings_that_save_energy(sheet):
    phone = Phone(
        "cau_10",
        "Pin bền, tốn ít điện",
        sheet=sheet,
        settings={
            "brightness": 100,
            "auto_brightness": False,
            "timeout": 600,
            "battery_health": 76,
        },
    )
    tap(phone, "⚙️ Cài đặt")
    tap(phone, "🔋 Pin và sạc")
    tap(phone, "Sạc tối ưu (bảo vệ pin): Đang tắt")
    tap(phone, "Tình trạng pin")
    assert "<b>76%</b>" in screen_text(phone) and "thay pin" in screen_text(phone)
    tap(phone, "◀ Quay lại")
    tap(phone, "◀ Quay lại")
    tap(phone, "🔆 Màn hình")
    assert "🔆 Tăng độ sáng" not in button_labels(phone)
    for _ in range(5):
        tap(phone, "🔅 Giảm độ sáng")
    tap(phone, "30 giây")
    state = phone.state
    assert state["optimised_charging"] and state["brightness"] == 50 and state["timeout"] == 30
    assert not state["battery_saver"]


def test_a_fresh_object_rebuilt_from_the_sheet_replays_to_the_same_state(sheet):
    phone = Phone("cau_4", "Giải phóng bộ nhớ", sheet=sheet, **STORAGE_TASK)
    tap(phone, "Cài ngay Dọn Rác Siêu Tốc")
    tap(phone, "⚙️ Cài đặt")
    tap(phone, "💾 Bộ nhớ")
    tap(phone, "🗑 Xóa Video đám cưới.mp4")
    again = Phone("cau_4", "Giải phóng bộ nhớ", sheet=AnswerSheet("bai_dien_thoai"), **STORAGE_TASK)
    assert again.value == phone.value and again.state == phone.state
    assert again.state["screen"] == "confirm_delete"
    assert set(button_labels(again)) == set(button_labels(phone))
    assert storage_score(again) == storage_score(phone)


def test_restart_puts_the_phone_back_as_the_task_set_it(sheet):
    phone = Phone("cau_4", "Giải phóng bộ nhớ", sheet=sheet, **STORAGE_TASK)
    start = phone.state
    phone.act("open", screen="settings")
    phone.act("open", screen="storage")
    phone.act("clear_cache")
    tap(phone, "↺ Làm lại từ đầu")
    assert phone.value is None and phone.state == start
    with pytest.raises(Refused, match="màn hình chính"):
        phone.act("back")


def test_free_space_adds_up_and_the_defaults_make_an_ordinary_phone(sheet):
    phone = Phone("mac_dinh", "Điện thoại bình thường", sheet=sheet)
    state = phone.state
    assert len(state["apps"]) == len(DEFAULT_APPS)
    assert free_gb(state) == state["free_gb"] == pytest.approx(64 - 30 - 2.3 - 2.0)
    assert state["joined"] == ["nha_minh"] and state["update"] is None
    offline = Phone("may_bay", "Chế độ máy bay", sheet=sheet, settings={"airplane": True})
    assert offline.state["connected"] is None and offline.state["joined"] == []
    assert "⚠️ Không có Internet" in screen_text(offline)
    phone.act("open", screen="settings")
    phone.act("open", screen="update")
    phone.act("check_update")
    assert "đã là bản mới nhất" in screen_text(phone)


def test_task_parameters_are_checked_for_the_author(sheet):
    with pytest.raises(ValueError, match="unknown settings"):
        Phone("x", "x", sheet=sheet, settings={"volume": 3})
    with pytest.raises(ValueError, match="id of its own"):
        Phone("x", "x", sheet=sheet, extra_apps=[{"id": "zalo", "name": "Zalo 2"}])
    with pytest.raises(ValueError, match="permissions"):
        Phone("x", "x", sheet=sheet, extra_apps=[{"id": "a", "name": "A", "asks": ["blood"]}])
    with pytest.raises(ValueError, match="unknown network"):
        Phone("x", "x", sheet=sheet, settings={"connected": "nowhere"})


def test_apps_are_updated_from_the_official_store_only_when_online(sheet):
    phone = Phone(
        "kho",
        "Cập nhật ứng dụng",
        sheet=sheet,
        apps=[
            *DEFAULT_APPS[:4],
            {"id": "zalo", "name": "Zalo", "update": True},
            {"id": "vneid", "name": "VNeID", "update": True},
        ],
        settings={"airplane": True},
    )
    tap(phone, "▢ Kho ứng dụng")
    assert "Có 2 ứng dụng có bản cập nhật." in screen_text(phone)
    with pytest.raises(Refused, match="Không có kết nối Internet"):
        phone.act("update_app", app="zalo")
    phone.act("home")
    phone.act("open", screen="settings")
    phone.act("open", screen="network")
    tap(phone, "✈️ Chế độ máy bay: Đang bật")
    assert phone.state["mobile_data"] and not phone.state["airplane"]
    phone.act("home")
    phone.act("open_app", app="kho_ung_dung")
    tap(phone, "Cập nhật Zalo")
    assert not phone.state["apps"]["zalo"]["update"] and phone.state["apps"]["vneid"]["update"]
    assert "Cập nhật tất cả" not in button_labels(phone)
    tap(phone, "Cập nhật VNeID")
    assert "Mọi ứng dụng đều đã được cập nhật." in screen_text(phone)
    with pytest.raises(Refused):
        phone.act("update_all")
