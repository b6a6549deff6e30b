"""The offline search simulation and source checklist of the thong_tin module."""

import ast
import json
import re
from datetime import date
from pathlib import Path

import pytest

from curriculum.modules.thong_tin.texts import MESSAGES
from curriculum.modules.thong_tin.tools import (
    CAU_HOI_NGUON,
    KHO_MO_PHONG,
    LOAI_NGUON,
    danh_gia_nguon,
    doc_ngay,
    ket_qua_html,
    phan_tich_truy_van,
    search_explorer,
    source_checklist,
    tim_kiem,
)
from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.i18n import set_language


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("vi")


def ma(truy_van):
    return [trang.ma for trang in tim_kiem(truy_van)]


def test_collection_is_well_formed():
    codes = [trang.ma for trang in KHO_MO_PHONG]
    assert len(codes) == len(set(codes))
    for trang in KHO_MO_PHONG:
        doc_ngay(trang.ngay)
        assert ".example" not in trang.noi_dung and "http" not in trang.noi_dung


def test_query_is_read_into_parts():
    tv = phan_tich_truy_van('Tiếp “công dân” -quảng site:GOV.VN "" -')
    assert tv.tu_khoa == ("tiếp",)
    assert tv.cum_tu == ("công dân",)
    assert tv.loai_tru == ("quảng",)
    assert tv.site == "gov.vn"
    assert tv.bo_qua == ('""', "-")


def test_keywords_must_all_appear_as_whole_words():
    assert ma("tuyển dụng công chức") == ["T04", "T03"]
    assert ma("căn cước phạt") == ["T07", "T06", "T05"]
    assert ma("cước") == ma("căn cước")
    assert ma("ăn") == []  # not a substring match inside "căn"


def test_site_filter_keeps_state_bodies_only():
    assert ma("tuyển dụng công chức site:gov.vn") == ["T03"]
    assert ma('"hồ sơ trực tuyến" site:gov.vn') == ["T10"]


def test_job_pages_tell_the_job_centre_from_the_deposit_advert():
    assert ma("việc làm") == ["T13", "T14"]
    assert ma("việc làm site:gov.vn") == ["T13"]
    assert ma("việc làm -zalo") == ["T13"]
    assert [t.loai for t in tim_kiem("việc làm")] == ["co_quan", "quang_cao"]


def test_phrase_and_exclusion():
    assert ma('"tiếp công dân"') == ["T01", "T02"]
    assert ma("tiểu đường -mua") == ["T09"]


def test_case_and_unicode_normalisation():
    decomposed = "TIE\u0302\u0301P CÔNG DÂN"
    assert ma(decomposed) == ma("tiếp công dân")


def test_empty_and_unknown_site():
    assert tim_kiem("") == []
    assert tim_kiem("-phạt") == []
    with pytest.raises(ValueError):
        tim_kiem("phạt site:abc.vn")
    assert "site:gov.vn" in ket_qua_html("phạt site:abc.vn")
    with pytest.raises(TypeError):
        phan_tich_truy_van(None)


def test_html_escapes_and_counts():
    out = ket_qua_html("<b>")
    assert "<b>" not in out.replace("<b>Máy", "").replace("<b>Số", "")
    assert "Số kết quả:</b> 0" in out


def test_doc_ngay():
    assert doc_ngay("05/10/2026") == date(2026, 10, 5)


def test_source_scores():
    assert danh_gia_nguon(set())[0] == 0
    assert danh_gia_nguon({ma for ma, _ in CAU_HOI_NGUON})[0] == 10
    assert danh_gia_nguon({"ai", "can_cu", "ngay"})[1].startswith("Chưa đủ chắc")
    assert danh_gia_nguon({"ai", "can_cu", "ngay", "doc_lap", "binh_tinh", "x"})[0] == 7
    assert danh_gia_nguon({"goc", "ai", "can_cu", "ngay"})[1].startswith("Đáng tin")


def test_widgets_build_and_react():
    sim = search_explorer("tiểu đường")
    sim.controls["truy_van"].value = "tiểu đường -mua"
    assert "T09" in sim._html.value and "T08" not in sim._html.value
    checklist = source_checklist()
    checklist.controls["goc"].value = True
    assert "3/10" in checklist._html.value


def test_every_page_has_a_known_kind_of_source_shown_on_its_card():
    assert set(LOAI_NGUON) == {"co_quan", "bao_chi", "mang_xa_hoi", "quang_cao"}
    assert {trang.loai for trang in KHO_MO_PHONG} == set(LOAI_NGUON)
    for loai, nhan in LOAI_NGUON.items():
        assert MESSAGES[f"kind.{loai}"]["vi"] == nhan
    out = ket_qua_html("căn cước phạt")
    assert "<i>Trang của cơ quan nhà nước</i>" in out and "<i>Báo điện tử</i>" in out
    assert "đăng ngày 14/11/2026" in out


def test_query_description_lists_every_part_and_says_when_there_is_none():
    out = ket_qua_html('lịch "tiếp công dân" -thứ site:gov.vn -')
    assert "Máy hiểu truy vấn là:</b> từ khóa (phải có đủ): lịch; " in out
    assert "cụm từ chính xác: «tiếp công dân»; loại trừ: thứ; " in out
    assert "chỉ trang thuộc gov.vn; bỏ qua: -" in out
    assert "(chưa có từ khóa nào)" in ket_qua_html("")
    assert "Không có trang nào khớp" in ket_qua_html("")


def test_every_check_has_points_and_a_label():
    assert sum(so for _, so in CAU_HOI_NGUON) == 10
    checklist = source_checklist()
    assert list(checklist.controls) == [ma for ma, _ in CAU_HOI_NGUON]
    for ma, _ in CAU_HOI_NGUON:
        assert checklist.controls[ma].description == MESSAGES[f"check.{ma}"]["vi"]
    assert "Mức tin cậy: 0/10." in checklist._html.value


def test_without_the_original_nothing_is_trustworthy():
    others = {ma for ma, _ in CAU_HOI_NGUON} - {"goc"}
    diem, loi_khuyen = danh_gia_nguon(others)
    assert diem == 7 and loi_khuyen.startswith("Chưa đủ chắc")
    assert danh_gia_nguon({"goc", "ai"})[1].startswith("Chưa đủ chắc")
    assert danh_gia_nguon({"ai", "ngay"})[1].startswith("Chưa đáng tin")


def test_english_interface_keeps_the_vietnamese_content(english):
    out = ket_qua_html("căn cước phạt site:gov.vn")
    assert "The query was read as:</b> keywords (all must appear): căn, cước, phạt; " in out
    assert "only pages of gov.vn" in out and "Results:</b> 1 / 14 pages in the collection" in out
    assert "<i>Page of a state body</i>" in out and "posted on 15/11/2026" in out
    assert "Cảnh báo thông tin sai sự thật" in out
    assert "No page matches" in ket_qua_html("zzz")
    assert "(no keywords yet)" in ket_qua_html("")
    assert "not site:abc.vn" in ket_qua_html("phạt site:abc.vn")
    with pytest.raises(TypeError, match="must be a string"):
        phan_tich_truy_van(None)
    assert ma("căn cước phạt") == ["T07", "T06", "T05"]
    assert LOAI_NGUON["bao_chi"] == "Báo điện tử"
    box = search_explorer().controls["truy_van"]
    assert box.description == "Search:" and box.placeholder.startswith("for example:")
    checklist = source_checklist()
    assert checklist.controls["goc"].description.startswith("You found the original")
    checklist.controls["goc"].value = True
    assert "Trust level: 3/10.</b> Not trustworthy yet" in checklist._html.value
    assert danh_gia_nguon({ma for ma, _ in CAU_HOI_NGUON})[1].startswith("Trustworthy")


# The assignment's items, scored by its own hidden tests outside nbgrader.

ASSIGNMENT = Path(__file__).resolve().parents[1] / "assignments" / "thong_tin" / "thong_tin.ipynb"
SOLUTION = re.compile(r"^### (BEGIN|END) SOLUTION\n", re.M)


def _cells() -> dict[str, str]:
    nb = json.loads(ASSIGNMENT.read_text(encoding="utf-8"))
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: "".join(cell["source"])
        for cell in nb["cells"]
        if "nbgrader" in cell["metadata"]
    }


def _points() -> dict[str, int]:
    nb = json.loads(ASSIGNMENT.read_text(encoding="utf-8"))
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: cell["metadata"]["nbgrader"].get("points", 0)
        for cell in nb["cells"]
        if "nbgrader" in cell["metadata"]
    }


def _score(namespace: dict, test_source: str) -> object:
    """Run a test cell with its hidden tests; its last expression's value, or True if none."""
    tree = ast.parse(test_source)
    last = tree.body[-1]
    if isinstance(last, ast.Expr):
        exec(compile(ast.Module(tree.body[:-1], []), "test", "exec"), namespace)
        return eval(compile(ast.Expression(last.value), "test", "eval"), namespace)
    exec(compile(tree, "test", "exec"), namespace)
    return True


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("item", [f"cau_{n}" for n in range(1, 13)])
def test_every_item_earns_full_marks_from_its_model_answer_and_less_from_the_demo_wrong(
    item, in_tmp
):
    cells = _cells()
    wrong = json.loads(
        (ASSIGNMENT.parents[2] / "graders" / "demo" / "answers" / "thong_tin.json").read_text(
            encoding="utf-8"
        )
    )["wrong"]
    test_source = cells[f"{item}_kiem_tra"]
    points = _points()[f"{item}_kiem_tra"]
    for answer, full in (
        (SOLUTION.sub("", cells[f"{item}_dap_an"]), True),
        (wrong[f"{item}_dap_an"], False),
    ):
        namespace: dict = {}
        exec(cells["chuan_bi"], namespace)
        namespace["phieu"] = AnswerSheet(f"thong_tin_{full}", in_tmp)
        exec(answer, namespace)
        try:
            result = _score(namespace, test_source)
        except AssertionError:
            result = 0
        earned = points if result is True else float(result)
        if full:
            assert earned == points, item
        else:
            assert earned < points, item


def test_no_visible_check_tells_right_from_wrong():
    for grade_id, source in _cells().items():
        if re.fullmatch(r"cau_\d+_kiem_tra", grade_id):
            visible = source.split("### BEGIN HIDDEN TESTS")[0]
            assert "HIDDEN" not in visible and "_credit" not in visible, grade_id
            assert visible.count("require_answer(") == 1, grade_id
            assert "assert " not in visible, grade_id
