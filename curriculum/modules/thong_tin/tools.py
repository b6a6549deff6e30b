"""Tools for the module "Tìm kiếm và đánh giá thông tin" (``thong_tin``).

Everything runs offline. A small, synthetic collection of pages (:data:`KHO_MO_PHONG`) stands
in for the web, and :func:`tim_kiem` searches it with the operators that real search engines
understand: plain keywords (all must appear), "exact phrases" in double quotes, ``-word`` to
leave a word out, and ``site:gov.vn`` to keep only pages of state bodies. The pages, the commune
"An Bình" and every name in them are invented; they carry no web address, so that no invented
address can be mistaken for a real one.

Matching ignores upper/lower case but not Vietnamese diacritics, and works on whole words.

Widgets: :func:`search_explorer` (type a query, see the results and how it was read) and
:func:`source_checklist` (tick what you know about a piece of news, see how far to trust it).
What they say to the learner is in :mod:`.texts`, in Vietnamese and English; the pages and
:data:`LOAI_NGUON` are lesson content and stay Vietnamese in both languages.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import ipywidgets as widgets

from curriculum.modules.thong_tin.texts import text
from curriculum.toolkit.simulation import Simulation

__all__ = [
    "KHO_MO_PHONG",
    "LOAI_NGUON",
    "CAU_HOI_NGUON",
    "Trang",
    "TruyVan",
    "danh_gia_nguon",
    "doc_ngay",
    "ket_qua_html",
    "phan_tich_truy_van",
    "search_explorer",
    "source_checklist",
    "tim_kiem",
]

# Kinds of source, as lesson content: notebooks print them next to the Vietnamese pages in
# either language. The result cards show them through ``text("kind.<code>")``.
LOAI_NGUON = {
    "co_quan": "Trang của cơ quan nhà nước",
    "bao_chi": "Báo điện tử",
    "mang_xa_hoi": "Bài đăng, tin chuyển tiếp trên mạng xã hội",
    "quang_cao": "Trang quảng cáo, không rõ chủ",
}


@dataclass(frozen=True)
class Trang:
    """One page of the simulated web."""

    ma: str
    tieu_de: str
    noi_dang: str
    loai: str
    ngay: str
    noi_dung: str

    @property
    def chinh_thuc(self) -> bool:
        """True for pages of state bodies (those a ``site:gov.vn`` filter keeps)."""
        return self.loai == "co_quan"


KHO_MO_PHONG: tuple[Trang, ...] = (
    Trang(
        "T01",
        "Thông báo lịch tiếp công dân tháng 12 năm 2026",
        "Trang thông tin điện tử UBND xã An Bình",
        "co_quan",
        "20/11/2026",
        "Chủ tịch UBND xã An Bình tiếp công dân định kỳ vào sáng thứ Năm hằng tuần "
        "tại trụ sở UBND xã. Người dân mang theo giấy tờ liên quan đến nội dung cần trình bày.",
    ),
    Trang(
        "T02",
        "Lịch tiếp dân xã An Bình, ai cần thì lưu lại",
        "Nhóm mạng xã hội Hội người An Bình",
        "mang_xa_hoi",
        "18/11/2024",
        "Chia sẻ lại lịch tiếp công dân của xã: chiều thứ Hai hằng tuần. "
        "Mọi người lưu lại để dùng dần.",
    ),
    Trang(
        "T03",
        "Thông báo tuyển dụng công chức cấp xã năm 2026",
        "Trang thông tin điện tử UBND tỉnh Hòa Sơn",
        "co_quan",
        "05/10/2026",
        "UBND tỉnh thông báo chỉ tiêu, điều kiện, hồ sơ và thời hạn nhận hồ sơ tuyển dụng "
        "công chức cấp xã năm 2026. Mọi thông tin chính thức chỉ đăng trên trang này.",
    ),
    Trang(
        "T04",
        "Tuyển dụng công chức 2026: cam kết đỗ, chỉ cần đóng phí giữ chỗ",
        "Trang quảng cáo không rõ chủ",
        "quang_cao",
        "01/11/2026",
        "Nhận hồ sơ tuyển dụng công chức, bảo đảm đỗ 100%. Chuyển khoản phí giữ chỗ "
        "trong hôm nay, số lượng có hạn.",
    ),
    Trang(
        "T05",
        "NÓNG: Từ 1/12 ra đường không mang căn cước bị phạt nặng, chia sẻ gấp",
        "Tin chuyển tiếp trên mạng xã hội, không rõ tác giả",
        "mang_xa_hoi",
        "14/11/2026",
        "Quy định mới: từ ngày 1/12 ai ra đường không mang căn cước sẽ bị phạt hàng triệu đồng. "
        "Hãy chia sẻ ngay cho người thân trước khi bị xóa!",
    ),
    Trang(
        "T06",
        "Cảnh báo thông tin sai sự thật về việc xử phạt người không mang căn cước",
        "Trang thông tin điện tử UBND xã An Bình",
        "co_quan",
        "15/11/2026",
        "Trên mạng xã hội đang lan truyền tin từ 1/12 sẽ phạt người không mang căn cước. "
        "Đây là thông tin sai sự thật. Người dân chỉ tin các văn bản đăng trên trang chính thức.",
    ),
    Trang(
        "T07",
        "Công an xã bác bỏ tin đồn phạt người không mang căn cước",
        "Báo điện tử Tin Hòa Sơn",
        "bao_chi",
        "16/11/2026",
        "Công an xã An Bình cho biết thông tin về việc phạt người không mang căn cước từ 1/12 "
        "đang lan truyền là không đúng, đề nghị người dân không chia sẻ.",
    ),
    Trang(
        "T08",
        "Lá cây quý chữa khỏi hẳn tiểu đường, không cần uống thuốc",
        "Bài đăng trên mạng xã hội của một trang bán hàng",
        "mang_xa_hoi",
        "02/09/2026",
        "Chỉ cần uống nước lá này mỗi ngày là khỏi hẳn tiểu đường, bỏ được thuốc. "
        "Đặt mua ngay, số lượng có hạn.",
    ),
    Trang(
        "T09",
        "Khuyến cáo: người bệnh tiểu đường không tự ý bỏ thuốc",
        "Trang thông tin điện tử Sở Y tế tỉnh Hòa Sơn",
        "co_quan",
        "20/09/2026",
        "Sở Y tế khuyến cáo người bệnh tiểu đường dùng thuốc theo chỉ định của bác sĩ, "
        "không tự ý bỏ thuốc theo lời quảng cáo trên mạng; có thắc mắc hãy hỏi cơ sở y tế.",
    ),
    Trang(
        "T10",
        "Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia",
        "Trang thông tin điện tử UBND xã An Bình",
        "co_quan",
        "10/06/2025",
        "Các bước nộp hồ sơ trực tuyến: tự gõ địa chỉ của Cổng Dịch vụ công quốc gia, "
        "đăng nhập bằng tài khoản định danh điện tử, chọn thủ tục, điền tờ khai, đính kèm giấy tờ.",
    ),
    Trang(
        "T11",
        "Nộp hồ sơ trực tuyến hộ, nhanh trong ngày, chỉ cần gửi ảnh căn cước",
        "Trang quảng cáo không rõ chủ",
        "quang_cao",
        "03/11/2026",
        "Nhận làm hộ hồ sơ trực tuyến mọi thủ tục. Gửi ảnh hai mặt căn cước và mã OTP "
        "để chúng tôi đăng nhập giúp.",
    ),
    Trang(
        "T12",
        "Nhiều người dân An Bình đã quen nộp hồ sơ trực tuyến",
        "Báo điện tử Tin Hòa Sơn",
        "bao_chi",
        "12/11/2026",
        "Phóng viên ghi nhận tại bộ phận một cửa xã An Bình: nhiều người dân đã tự nộp hồ sơ "
        "trực tuyến, cán bộ hướng dẫn tận tình những người còn lúng túng.",
    ),
    Trang(
        "T13",
        "Phiên giao dịch việc làm tháng 12 năm 2026",
        "Trang thông tin điện tử Trung tâm Dịch vụ việc làm tỉnh Hòa Sơn",
        "co_quan",
        "18/11/2026",
        "Trung tâm tổ chức phiên giao dịch việc làm ngày 10/12/2026 tại trụ sở Trung tâm. "
        "Người lao động được tư vấn, giới thiệu việc làm và gặp trực tiếp doanh nghiệp. "
        "Không doanh nghiệp nào được đòi người lao động đặt cọc tiền.",
    ),
    Trang(
        "T14",
        "Việc làm tại nhà lương 15 triệu, nhận việc ngay hôm nay",
        "Trang quảng cáo không rõ chủ",
        "quang_cao",
        "17/11/2026",
        "Tuyển gấp 50 người đóng gói hàng, việc nhẹ lương cao, không cần kinh nghiệm. "
        "Nhắn Zalo để nhận việc, chuyển khoản 500.000 đồng đặt cọc giữ chỗ và mua đồng phục.",
    ),
)


@dataclass(frozen=True)
class TruyVan:
    """How :func:`tim_kiem` reads a query."""

    tu_khoa: tuple[str, ...] = ()
    cum_tu: tuple[str, ...] = ()
    loai_tru: tuple[str, ...] = ()
    site: str | None = None
    bo_qua: tuple[str, ...] = field(default=())


_SITES = {"gov.vn"}
_WORD = re.compile(r"\w+")


def _chuan_hoa(van_ban: str) -> str:
    return unicodedata.normalize("NFC", van_ban).casefold()


def _cac_tu(van_ban: str) -> list[str]:
    return _WORD.findall(_chuan_hoa(van_ban))


def phan_tich_truy_van(truy_van: str) -> TruyVan:
    """Read a query into keywords, exact phrases, excluded words and a site filter.

    Words are lower-cased; a phrase in double quotes (straight or curly) stays together; a word
    starting with ``-`` is left out; ``site:...`` sets the site filter. Anything else that is not
    a word (a lone ``-``, empty quotes) is listed in ``bo_qua``.
    """
    if not isinstance(truy_van, str):
        raise TypeError(text("query.not_text"))
    van_ban = unicodedata.normalize("NFC", truy_van).replace("“", '"').replace("”", '"')
    cum_tu: list[str] = []
    bo_qua: list[str] = []
    for khop in re.finditer(r'"([^"]*)"', van_ban):
        tu = _cac_tu(khop.group(1))
        if tu:
            cum_tu.append(" ".join(tu))
        else:
            bo_qua.append(khop.group(0))
    con_lai = re.sub(r'"[^"]*"', " ", van_ban).replace('"', " ")
    tu_khoa: list[str] = []
    loai_tru: list[str] = []
    site = None
    for manh in con_lai.split():
        thap = _chuan_hoa(manh)
        if thap.startswith("site:"):
            site = thap[5:].strip(".") or None
            if site is None:
                bo_qua.append(manh)
        elif thap.startswith("-"):
            tu = _cac_tu(thap[1:])
            if tu:
                loai_tru.extend(tu)
            else:
                bo_qua.append(manh)
        else:
            tu = _cac_tu(thap)
            if tu:
                tu_khoa.extend(tu)
            else:
                bo_qua.append(manh)
    return TruyVan(tuple(tu_khoa), tuple(cum_tu), tuple(loai_tru), site, tuple(bo_qua))


def tim_kiem(truy_van: str, kho: tuple[Trang, ...] = KHO_MO_PHONG) -> list[Trang]:
    """The pages of ``kho`` that match ``truy_van``, newest first.

    A page matches when its title and content hold every keyword and every phrase (as whole
    words), none of the excluded words, and, with ``site:gov.vn``, when it is a page of a state
    body. An empty query finds nothing. Only ``site:gov.vn`` is known to the simulation.
    """
    tv = phan_tich_truy_van(truy_van)
    if tv.site is not None and tv.site not in _SITES:
        raise ValueError(text("query.unknown_site", site=tv.site))
    if not (tv.tu_khoa or tv.cum_tu):
        return []
    ket_qua = []
    for trang in kho:
        tu = _cac_tu(f"{trang.tieu_de} {trang.noi_dung}")
        tap_tu = set(tu)
        chuoi = f" {' '.join(tu)} "
        if not all(t in tap_tu for t in tv.tu_khoa):
            continue
        if not all(f" {c} " in chuoi for c in tv.cum_tu):
            continue
        if any(t in tap_tu for t in tv.loai_tru):
            continue
        if tv.site == "gov.vn" and not trang.chinh_thuc:
            continue
        ket_qua.append(trang)
    return sorted(ket_qua, key=lambda t: doc_ngay(t.ngay), reverse=True)


def doc_ngay(ngay: str) -> date:
    """Read a date written ``dd/mm/yyyy``."""
    ngay_s, thang_s, nam_s = ngay.strip().split("/")
    return date(int(nam_s), int(thang_s), int(ngay_s))


def _the_trang(trang: Trang) -> str:
    mau = "#1b5e20" if trang.chinh_thuc else "#555"
    tieu_de = html.escape(trang.tieu_de)
    noi_dang = html.escape(trang.noi_dang)
    loai = html.escape(text(f"kind.{trang.loai}"))
    ngay = html.escape(text("card.posted", date=trang.ngay))
    noi_dung = html.escape(trang.noi_dung)
    return (
        f'<div style="border-left:4px solid {mau};padding:.3em .6em;margin:.4em 0">'
        f"<b>{tieu_de}</b><br><small>{trang.ma} · {noi_dang} · <i>{loai}</i> · "
        f"{ngay}</small><div>{noi_dung}</div></div>"
    )


def _mo_ta_truy_van(tv: TruyVan) -> str:
    phan = []
    if tv.tu_khoa:
        phan.append(text("read.keywords", words=", ".join(tv.tu_khoa)))
    if tv.cum_tu:
        phan.append(text("read.phrases", phrases=", ".join(f"«{c}»" for c in tv.cum_tu)))
    if tv.loai_tru:
        phan.append(text("read.excluded", words=", ".join(tv.loai_tru)))
    if tv.site:
        phan.append(text("read.site", site=tv.site))
    if tv.bo_qua:
        phan.append(text("read.ignored", parts=" ".join(tv.bo_qua)))
    return html.escape("; ".join(phan) if phan else text("read.nothing"))


def ket_qua_html(truy_van: str) -> str:
    """The results of ``truy_van`` as HTML, with how the query was read."""
    try:
        tv = phan_tich_truy_van(truy_van)
        trang = tim_kiem(truy_van)
    except ValueError as loi:
        return f"<p>⚠️ {html.escape(str(loi))}</p>"
    so_ket_qua = text("results.count", found=len(trang), total=len(KHO_MO_PHONG))
    dau = f"<p><b>{text('results.read_as')}</b> {_mo_ta_truy_van(tv)}<br>"
    dau += f"<b>{text('results.count_label')}</b> {html.escape(so_ket_qua)}</p>"
    if not trang:
        return dau + f"<p>{html.escape(text('results.none'))}</p>"
    return dau + "".join(_the_trang(t) for t in trang)


def search_explorer(truy_van: str = "căn cước phạt") -> Simulation:
    """A search box over :data:`KHO_MO_PHONG`: results update when the learner presses Enter."""
    o_nhap = widgets.Text(
        value=truy_van,
        description=text("explorer.box"),
        placeholder=text("explorer.placeholder"),
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="95%"),
    )
    return Simulation({"truy_van": o_nhap}, ket_qua_html)


# The checks of the source checklist and their points (10 in all), in the order shown. Each is
# worded in the learner's language by ``text("check.<code>")``, so the weights stay in one place.
CAU_HOI_NGUON: tuple[tuple[str, int], ...] = (
    ("ai", 2),
    ("ngay", 1),
    ("can_cu", 2),
    ("goc", 3),
    ("doc_lap", 1),
    ("binh_tinh", 1),
)


def danh_gia_nguon(da_kiem_tra: set[str] | frozenset[str]) -> tuple[int, str]:
    """Score (0 to 10) and advice for the checks in :data:`CAU_HOI_NGUON` that were passed.

    Without the original (``goc``) the score stays below 8, so nothing else can make a piece of
    news trustworthy. The advice is in the interface language.
    """
    diem = sum(so for ma, so in CAU_HOI_NGUON if ma in da_kiem_tra)
    if "goc" in da_kiem_tra and diem >= 8:
        return diem, text("advice.trusted")
    if diem >= 5:
        return diem, text("advice.unsure")
    return diem, text("advice.untrusted")


def source_checklist() -> Simulation:
    """Tick what is known about a piece of news; see a score and what to do next."""
    o_chon = {
        ma: widgets.Checkbox(
            value=False,
            description=text(f"check.{ma}"),
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        for ma, _ in CAU_HOI_NGUON
    }

    def ve(**da_chon: bool) -> str:
        diem, loi_khuyen = danh_gia_nguon({ma for ma, co in da_chon.items() if co})
        mau = "#1b5e20" if diem >= 8 else "#e65100" if diem >= 5 else "#b71c1c"
        muc = html.escape(text("checklist.score", score=diem))
        return f'<p style="color:{mau}"><b>{muc}</b> {html.escape(loi_khuyen)}</p>'

    return Simulation(o_chon, ve)
