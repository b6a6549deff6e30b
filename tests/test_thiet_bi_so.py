"""The troubleshooting helper and storage simulation of the thiet_bi_so module."""

import html

import pytest

from curriculum.modules.thiet_bi_so.tools import (
    BAO_CNTT,
    SU_CO,
    TroLySuCo,
    bo_nho_html,
    storage_explorer,
    troubleshooter,
)
from curriculum.toolkit.i18n import set_language


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("vi")


def test_every_problem_has_steps():
    assert set(SU_CO) == {"khong_vao_mang", "may_in", "bo_nho_day", "treo_ung_dung"}
    for su_co in SU_CO.values():
        assert len(su_co.cac_buoc) >= 3
    assert any("mật khẩu" in dong for dong in BAO_CNTT)


def test_solved_at_a_step():
    tro_ly = TroLySuCo("may_in")
    assert "bước 1/4" in tro_ly.html
    tro_ly.chua_het_loi()
    assert "bước 2/4" in tro_ly.html
    tro_ly.da_het_loi()
    assert tro_ly.xong is True
    assert "đã khắc phục ở bước 2" in tro_ly.html
    tro_ly.chua_het_loi()  # no effect once finished
    assert tro_ly.xong is True


def test_all_steps_fail_then_ask_it_staff():
    tro_ly = TroLySuCo("treo_ung_dung")
    for _ in range(len(SU_CO["treo_ung_dung"].cac_buoc)):
        tro_ly.chua_het_loi()
    assert tro_ly.xong is False
    out = tro_ly.html
    assert "đã thử hết 4 bước" in out
    assert out.count("<li>") == 4 + len(BAO_CNTT)
    tro_ly.da_het_loi()
    assert tro_ly.xong is False


def test_choose_resets_and_rejects_unknown():
    tro_ly = TroLySuCo()
    tro_ly.chua_het_loi()
    tro_ly.chon("bo_nho_day")
    assert tro_ly.buoc == 0 and tro_ly.xong is None
    with pytest.raises(ValueError):
        tro_ly.chon("khong_co")


def test_widget_buttons_drive_the_helper():
    hop = troubleshooter("khong_vao_mang")
    menu, man_hinh, nut = hop.children
    nut_het, nut_chua, nut_lai = nut.children
    nut_chua.click()
    assert "bước 2/4" in man_hinh.value
    nut_het.click()
    assert nut_het.disabled and nut_chua.disabled
    nut_lai.click()
    assert "bước 1/4" in man_hinh.value and not nut_het.disabled
    menu.value = "may_in"
    assert "Máy in" in man_hinh.value


def test_storage_figures():
    out = bo_nho_html(64, 20, 1000, 3, 100, 100)
    assert "Ảnh: <b>3,0 GB</b>" in out and "Video: <b>10,0 GB</b>" in out
    assert "còn trống 31,0 GB" in out
    assert "Vượt quá" in bo_nho_html(16, 10, 1000, 5, 100, 100)
    assert "Đã dùng 90%, chỉ còn 1,0 GB" in bo_nho_html(10, 9, 0, 3, 0, 100)
    assert "Vượt quá" in bo_nho_html(0, 1, 0, 1, 0, 1)


def test_storage_simulation_updates():
    sim = storage_explorer()
    sim.controls["phut_video"].value = 0
    sim.controls["so_anh"].value = 0
    assert "Video: <b>0,0 GB</b>" in sim._html.value


def test_what_to_tell_it_staff_is_listed_in_full_when_asking_for_help():
    assert len(BAO_CNTT) == 6 and len(set(BAO_CNTT)) == 6
    assert all(dong.strip() == dong and dong for dong in BAO_CNTT)
    tro_ly = TroLySuCo("may_in")
    assert "Khi báo" not in tro_ly.html
    for _ in SU_CO["may_in"].cac_buoc:
        tro_ly.chua_het_loi()
    out = tro_ly.html
    assert "Đến lúc nhờ bộ phận công nghệ thông tin" in out and "Khi báo, hãy nêu:" in out
    for dong in BAO_CNTT:
        assert f"<li>{dong}</li>" in out


def test_only_the_current_step_is_shown_escaped():
    cac_buoc = SU_CO["bo_nho_day"].cac_buoc
    tro_ly = TroLySuCo("bo_nho_day")
    for _ in range(3):
        tro_ly.chua_het_loi()
    out = tro_ly.html
    assert "bước 4/4" in out and "<p>Làm xong bước này, lỗi đã hết chưa?</p>" in out
    assert html.escape(cac_buoc[3]) in out and "&#x27;dọn rác&#x27;" in out
    assert html.escape(cac_buoc[2]) not in out


def test_restart_after_giving_up_shows_the_first_step_again():
    hop = troubleshooter("treo_ung_dung")
    _menu, man_hinh, nut = hop.children
    nut_het, nut_chua, nut_lai = nut.children
    for _ in SU_CO["treo_ung_dung"].cac_buoc:
        nut_chua.click()
    assert "đã thử hết 4 bước" in man_hinh.value and nut_chua.disabled
    nut_lai.click()
    fresh = TroLySuCo("treo_ung_dung").html
    assert man_hinh.value == f'<div role="status" aria-live="polite">{fresh}</div>'
    assert "<ol>" not in man_hinh.value and "Khi báo" not in man_hinh.value
    assert not nut_het.disabled and not nut_chua.disabled
    assert hop.tro_ly.buoc == 0 and hop.tro_ly.xong is None


def test_widget_labels_in_vietnamese():
    hop = troubleshooter()
    menu, _man_hinh, nut = hop.children
    assert menu.description == "Sự cố:"
    assert [b.description for b in nut.children] == [
        "Đã hết lỗi",
        "Vẫn còn lỗi: bước tiếp",
        "Làm lại từ đầu",
    ]
    assert menu.options[0] == ("Máy tính không vào được mạng", "khong_vao_mang")
    sim = storage_explorer()
    assert sim.controls["tong_gb"].description == "Dung lượng máy (GB):"


def test_english_interface_keeps_the_vietnamese_content(english):
    tro_ly = TroLySuCo("may_in")
    assert "Máy in không tìm thấy hoặc không in được: step 1/4" in tro_ly.html
    assert "Once this step is done, is the problem gone?" in tro_ly.html
    tro_ly.chua_het_loi()
    tro_ly.da_het_loi()
    assert "solved at step 2." in tro_ly.html and "Write down what you did" in tro_ly.html
    tro_ly.chon("may_in")
    for _ in SU_CO["may_in"].cac_buoc:
        tro_ly.chua_het_loi()
    assert "all 4 steps tried" in tro_ly.html and "When you report it, say:" in tro_ly.html
    assert f"<li>{BAO_CNTT[0]}</li>" in tro_ly.html
    with pytest.raises(ValueError, match="There is no problem"):
        TroLySuCo("khong_co")
    hop = troubleshooter()
    menu, _man_hinh, nut = hop.children
    assert menu.description == "Problem:"
    assert [b.description for b in nut.children] == [
        "Problem gone",
        "Still there: next step",
        "Start over",
    ]
    out = bo_nho_html(64, 20, 1000, 3, 100, 100)
    assert "Photos: <b>3.0 GB</b> (green)" in out and "Videos: <b>10.0 GB</b> (red)" in out
    assert "31.0 GB free" in out
    assert "over capacity" in bo_nho_html(16, 10, 1000, 5, 100, 100)
    assert "90% used, only 1.0 GB left" in bo_nho_html(10, 9, 0, 3, 0, 100)
    sim = storage_explorer()
    assert sim.controls["so_anh"].description == "Number of photos:"
