"""The lesson tools of the thiet_bi_so module: troubleshooting helper, storage simulation,
file name sorter and tool chooser."""

import html

import pytest

from curriculum.modules.thiet_bi_so.tools import (
    BAO_CNTT,
    CONG_CU,
    NHU_CAU,
    SU_CO,
    TroLySuCo,
    bo_nho_html,
    cong_cu_html,
    file_name_sorter,
    storage_explorer,
    thu_tu_ten_tep,
    tool_chooser,
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


def test_file_names_sort_by_time_only_when_they_start_with_year_month_day():
    out = thu_tu_ten_tep()
    first, second = out.split("<ol>")[1], out.split("<ol>")[2]
    assert first.index("05-01-2026") < first.index("12-03-2026") < first.index("20-11-2025")
    assert second.index("2025-11-20") < second.index("2026-01-05") < second.index("2026-03-12")
    # A one-digit month sorts after 2026-03-12; two digits put it in its place.
    late = thu_tu_ten_tep("2026-1-9_BaoCao.docx").split("<ol>")[2]
    assert late.index("2026-03-12") < late.index("<b>2026-1-9_BaoCao.docx</b>")
    right = thu_tu_ten_tep(" 2026-01-09_BaoCao.docx ").split("<ol>")[2]
    assert right.index("2026-01-05") < right.index("<b>2026-01-09_BaoCao.docx</b>")
    assert right.index("<b>2026-01-09_BaoCao.docx</b>") < right.index("2026-03-12")
    assert "&lt;script&gt;" in thu_tu_ten_tep("<script>")


def test_the_file_name_box_redraws_the_lists():
    sim = file_name_sorter()
    assert sim.controls["ten_moi"].description == "Thêm một tên tệp:"
    sim.controls["ten_moi"].value = "2026-1-9_BaoCao.docx"
    assert "<b>2026-1-9_BaoCao.docx</b>" in sim._html.value


def test_a_tool_fits_when_it_meets_every_ticked_need_not_the_most_features():
    every = dict.fromkeys(NHU_CAU, True)
    fits = [row for row in cong_cu_html(**every).split("<tr>") if row.endswith("<td>Đủ</td></tr>")]
    assert len(fits) == 1 and "Phần mềm họp A" in fits[0]
    no_recording = {**every, "ghi_hinh": False}
    fitting = [t for t in CONG_CU if NHU_CAU.keys() - {"ghi_hinh"} <= CONG_CU[t]]
    assert fitting == ["Phần mềm họp A", "Phần mềm họp B"]
    out = cong_cu_html(**no_recording)
    assert out.count("<td>Đủ</td>") == 2 and "Cần: họp trực tuyến" in out
    assert "Chưa chọn nhu cầu nào" in cong_cu_html()
    assert (
        "Ứng dụng lạ E" in out and "duoc_phep" not in CONG_CU["Ứng dụng lạ E (tải từ đường link)"]
    )


def test_the_tool_chooser_starts_with_one_need_and_follows_the_ticks():
    sim = tool_chooser()
    assert [c.description for c in sim.controls.values()] == list(NHU_CAU.values())
    assert sim.controls["hop"].value and not sim.controls["ghi_hinh"].value
    for name in NHU_CAU:
        sim.controls[name].value = True
    assert sim._html.value.count("<td>Đủ</td>") == 1


def test_new_tools_speak_english_in_the_english_interface(english):
    assert "Names starting with year-month-day" in thu_tu_ten_tep()
    out = cong_cu_html(hop=True)
    assert "Needed: họp trực tuyến." in out and "<th>Meets every need?</th>" in out
    assert file_name_sorter().controls["ten_moi"].description == "Add a file name:"
