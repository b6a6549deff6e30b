"""The troubleshooting helper and storage simulation of the thiet_bi_so module."""

import pytest

from curriculum.modules.thiet_bi_so.tools import (
    BAO_CNTT,
    SU_CO,
    TroLySuCo,
    bo_nho_html,
    storage_explorer,
    troubleshooter,
)


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
