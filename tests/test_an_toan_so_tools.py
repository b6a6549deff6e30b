"""The digital-safety tools of the an_toan_so module: password estimates, official addresses,
scam signals, and the widgets that show them (passwords, Diceware, links, messages)."""

from __future__ import annotations

import math

import ipywidgets as widgets
import pytest

from curriculum.modules.an_toan_so.safety import (
    COMMON_PASSWORDS,
    FULL_BAR_BITS,
    SAMPLE_MESSAGES,
    SIGNAL_LABELS,
    VERDICT_MEDIUM,
    VERDICT_STRONG,
    VERDICT_WEAK,
    diceware_combinations,
    diceware_entropy_bits,
    fold_vietnamese,
    is_official_gov_domain,
    passphrase_strength,
    real_host,
    scam_signals,
)
from curriculum.modules.an_toan_so.tools import (
    diceware_explorer,
    diceware_html,
    estimate_html,
    grouped,
    highlight_signals_html,
    link_html,
    link_reader,
    message_inspector,
    passphrase_explorer,
    signals_summary,
)
from curriculum.toolkit.i18n import set_language


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("vi")


def codes(message: str) -> set[str]:
    return {signal.code for signal in scam_signals(message)}


def test_folding_drops_case_and_vietnamese_diacritics():
    assert fold_vietnamese("Khẩn Cấp ĐỒNG") == "khan cap dong"


def test_common_passwords_are_weak_and_capped_at_a_guess_from_the_list():
    estimate = passphrase_strength("matkhau")
    assert "matkhau" in COMMON_PASSWORDS
    assert estimate.verdict == VERDICT_WEAK
    assert estimate.entropy_bits <= round(math.log2(len(COMMON_PASSWORDS)), 1)
    assert any("rất hay gặp" in tip for tip in estimate.tips)


def test_a_date_of_birth_and_a_phone_number_are_weak_whatever_their_length():
    assert passphrase_strength("12051985").verdict == VERDICT_WEAK
    phone = passphrase_strength("0912345678")
    assert phone.verdict == VERDICT_WEAK
    assert any("số điện thoại" in tip for tip in phone.tips)


def test_a_common_word_with_a_year_added_is_not_strong():
    estimate = passphrase_strength("Hanoi@2024")
    assert estimate.verdict in (VERDICT_WEAK, VERDICT_MEDIUM)
    assert any("năm sinh" in tip for tip in estimate.tips)


def test_a_long_passphrase_of_unrelated_words_is_strong_with_its_classes_named():
    estimate = passphrase_strength("ngựa sắc pin kẹp giấy")
    assert estimate.verdict == VERDICT_STRONG
    assert estimate.classes == ("chữ thường", "ký hiệu hoặc dấu cách", "chữ có dấu hoặc ký tự khác")
    assert estimate.pool_size == 26 + 33 + 134
    assert estimate.percent == 100.0


def test_runs_are_not_counted_and_are_pointed_out():
    estimate = passphrase_strength("abcdefgh")
    assert estimate.effective_length == 2
    assert any("liên tiếp" in tip for tip in estimate.tips)


def test_an_empty_text_gets_an_invitation_and_no_figures():
    estimate = passphrase_strength("")
    assert (estimate.length, estimate.entropy_bits, estimate.percent) == (0, 0.0, 0.0)
    assert estimate.tips[0].startswith("Hãy gõ thử")


def test_estimates_speak_english_when_the_interface_does(english):
    estimate = passphrase_strength("matkhau")
    assert estimate.classes == ("lower-case letters",)
    assert "very common password" in estimate.tips[0]


def test_diceware_bits_and_combinations_grow_with_each_word():
    assert diceware_entropy_bits(4) == pytest.approx(4 * math.log2(7776))
    assert diceware_combinations(2, 10) == 100
    assert 2 ** diceware_entropy_bits(3, 6) == pytest.approx(diceware_combinations(3, 6))
    with pytest.raises(ValueError):
        diceware_entropy_bits(-1)
    with pytest.raises(ValueError):
        diceware_entropy_bits(3, 1)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("dichvucong.gov.vn", "dichvucong.gov.vn"),
        ("https://DichVuCong.gov.vn./thu-tuc", "dichvucong.gov.vn"),
        ("https://dichvucong.gov.vn@evil.example/", "evil.example"),
        ("http:\\\\evil.example\\x", "evil.example"),
        ("javascript:alert(1)", None),
        ("https://có dấu cách.vn", None),
    ],
)
def test_real_host_is_where_a_browser_would_go(url, host):
    assert real_host(url) == host


@pytest.mark.parametrize(
    ("url", "official"),
    [
        ("https://dichvucong.gov.vn/", True),
        ("gov.vn", True),
        ("https://dichvucong-gov.vn", False),
        ("https://dichvucong.gov.vn.abc.example", False),
        ("https://dichvucong.gov.vn@evil.example", False),
    ],
)
def test_only_hosts_in_the_gov_vn_zone_are_official(url, official):
    assert is_official_gov_domain(url) is official


def test_a_fake_bank_message_shows_urgency_a_strange_link_and_an_otp_request():
    found = codes(SAMPLE_MESSAGES[0][1])
    assert {"KHAN_CAP", "LIEN_KET_LA", "HOI_MA_BAO_MAT", "DOA_DAM"} <= found


def test_signals_point_to_the_text_as_written_and_come_in_reading_order():
    message = "KHẨN CẤP: gửi mã OTP ngay lập tức"
    signals = scam_signals(message)
    assert [s.text for s in signals] == ["KHẨN CẤP", "OTP", "ngay lập tức"]
    assert all(message[s.start : s.end] == s.text for s in signals)
    assert signals[1].label == SIGNAL_LABELS["HOI_MA_BAO_MAT"]


def test_keywords_are_found_without_accents_but_gap_needs_its_accent():
    assert "KHAN_CAP" in codes("khan cap, chuyen tien ngay")
    assert "KHAN_CAP" in codes("Việc gấp lắm")
    assert "KHAN_CAP" not in codes("Hẹn gặp lại")


def test_official_links_and_ordinary_messages_raise_no_signal():
    assert codes(SAMPLE_MESSAGES[5][1]) == set()
    assert "LIEN_KET_LA" not in codes("Vào https://dichvucong.gov.vn để nộp hồ sơ")


def test_summary_weighs_dangerous_requests_above_a_lone_mention():
    assert signals_summary([]).startswith("Không thấy dấu hiệu")
    assert signals_summary(scam_signals(SAMPLE_MESSAGES[0][1])).startswith("Nhiều dấu hiệu")
    assert signals_summary(scam_signals("Ngân hàng thông báo lịch nghỉ")).startswith("Có ít")


def test_estimate_html_shows_verdict_bits_with_a_decimal_comma_and_escapes_tips():
    page = estimate_html(passphrase_strength("ngựa sắc pin kẹp giấy"))
    assert "Đánh giá: mạnh" in page
    assert "," in page.split("khoảng ")[1].split(" bit")[0]
    assert "<strong>Chưa có gì để đánh giá.</strong>" in estimate_html(passphrase_strength(""))


def test_estimate_html_in_english_uses_a_decimal_point(english):
    page = estimate_html(passphrase_strength("ngựa sắc pin kẹp giấy"))
    assert "Assessment: strong" in page
    assert "." in page.split("about ")[1].split(" bits")[0]


def test_highlighted_message_is_escaped_and_every_signal_numbered():
    message = "<script>Gửi mã OTP</script>"
    page = highlight_signals_html(message, scam_signals(message))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<sup>[1]</sup>" in page
    assert "Tìm thấy 1 dấu hiệu (1 loại)." in page
    assert "(chưa có tin nhắn)" in highlight_signals_html("  ", [])


def test_the_explorer_updates_bar_and_verdict_as_the_learner_types():
    explorer = passphrase_explorer()
    _, box, bar, result = explorer.children
    assert isinstance(box, widgets.Password) and box.description == "Mật khẩu thử:"
    assert bar.value == 0.0
    box.value = "123456"
    assert bar.bar_style == "danger"
    assert "Đánh giá: yếu" in result.value
    box.value = "ngựa sắc pin kẹp giấy"
    assert bar.bar_style == "success"
    assert bar.value == min(
        100.0, round(100 * passphrase_strength(box.value).entropy_bits / FULL_BAR_BITS, 1)
    )
    assert "ngựa" not in result.value  # the typed text is never shown


def test_the_inspector_follows_the_picked_sample_and_the_typed_text():
    inspector = message_inspector()
    _, picker, area, result = inspector.children
    assert area.value == SAMPLE_MESSAGES[0][1]
    assert "<mark" in result.value
    picker.value = 5
    assert area.value == SAMPLE_MESSAGES[5][1]
    assert "Chưa thấy dấu hiệu." in result.value
    picker.value = picker.options[-1][1]
    assert area.value == ""
    area.value = "Chuyển tiền vào số tài khoản này"
    assert "Đòi chuyển tiền" in result.value


def test_the_inspector_is_labelled_in_english_when_asked(english):
    _, picker, area, _ = message_inspector().children
    assert (picker.description, area.description) == ("Sample:", "Message:")
    assert picker.options[-1][0] == "(Type or paste another message)"


def test_diceware_counts_are_grouped_and_compared_with_eight_random_characters():
    assert grouped(7776**2) == "60.466.176"
    five = diceware_html(5)
    assert f"<strong>{grouped(7776**5)}</strong>" in five and "64,6 bit" in five
    assert "52,6 bit" in five and "khó đoán hơn" in five
    assert "dễ đoán hơn" in diceware_html(3)


def test_diceware_explorer_redraws_when_the_slider_moves():
    explorer = diceware_explorer()
    slider = next(w for w in _walk(explorer) if isinstance(w, widgets.IntSlider))
    assert slider.description == "Số từ:" and slider.value == 3
    slider.value = 6
    shown = "".join(w.value for w in _walk(explorer) if isinstance(w, widgets.HTML))
    assert grouped(7776**6) in shown and "77,5 bit" in shown


def test_diceware_numbers_are_written_the_english_way_in_english(english):
    assert grouped(7776**2) == "60,466,176"
    assert "64.6 bits" in diceware_html(5)


def test_link_reader_names_the_real_host_and_its_zone_as_the_learner_types():
    reader = link_reader()
    _, box, result = reader.children
    assert "Chưa có đường link nào." in result.value
    box.value = "https://dichvucong.gov.vn@vneid-capnhat.example/vneid.apk"
    assert "<strong>vneid-capnhat.example</strong>" in result.value
    assert "<strong>Không</strong> thuộc" in result.value
    box.value = "HTTPS://DichVuCong.GOV.VN/"
    assert "<strong>dichvucong.gov.vn</strong>" in result.value and "Thuộc" in result.value
    box.value = "javascript:alert(1)"
    assert "Không đọc được tên máy chủ" in result.value


def test_link_html_escapes_whatever_the_host_reads_as():
    page = link_html("https://<b>.example")
    assert "<b>" not in page


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
