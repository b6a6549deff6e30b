"""Tools for the module "Thiết bị số và chuyển đổi số" (``thiet_bi_so``).

- :data:`SU_CO`: four common technical problems at the office, each with ordered steps to try.
- :class:`TroLySuCo` and :func:`troubleshooter`: a step-by-step helper. The learner picks a
  problem, tries one step at a time, says whether it worked, and at the end gets the list of
  what to tell the IT staff.
- :func:`bo_nho_html` and :func:`storage_explorer`: how photos, videos and apps fill a device.
- :func:`thu_tu_ten_tep` and :func:`file_name_sorter`: why file names start with the date written
  year-month-day: the learner types a name and sees where a computer files it.
- :data:`CONG_CU`, :func:`cong_cu_html` and :func:`tool_chooser`: needs first, tools second; the
  learner ticks the needs and sees which (invented) tools meet them all.

Everything is offline; menu names on real devices differ between models and versions. What the
tools say to the learner is in :mod:`.texts`, in Vietnamese and English; the problems, their
steps and :data:`BAO_CNTT` are lesson content and stay Vietnamese in both languages.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from curriculum.modules.thiet_bi_so.texts import text
from curriculum.toolkit.i18n import get_language
from curriculum.toolkit.simulation import Simulation

__all__ = [
    "BAO_CNTT",
    "CONG_CU",
    "NHU_CAU",
    "SU_CO",
    "TEN_TEP",
    "SuCo",
    "TroLySuCo",
    "bo_nho_html",
    "cong_cu_html",
    "file_name_sorter",
    "storage_explorer",
    "thu_tu_ten_tep",
    "tool_chooser",
    "troubleshooter",
]


@dataclass(frozen=True)
class SuCo:
    """A technical problem and the steps to try, simplest first."""

    ten: str
    cac_buoc: tuple[str, ...]


SU_CO: dict[str, SuCo] = {
    "khong_vao_mang": SuCo(
        "Máy tính không vào được mạng",
        (
            "Xem biểu tượng mạng ở góc màn hình: Wi-Fi có đang bật không, chế độ máy bay có "
            "đang bật không, máy đã nối đúng mạng của cơ quan chưa. Nếu dùng cáp mạng: cáp có "
            "cắm chắc ở cả hai đầu không.",
            "Khoanh vùng: thử mở vài trang khác nhau, hỏi đồng nghiệp bên cạnh có vào được "
            "không. Nếu cả phòng cùng mất mạng, lỗi thường ở đường truyền hoặc thiết bị mạng "
            "chung: báo ngay bộ phận công nghệ thông tin, đừng tự cắm rút thiết bị chung.",
            "Tắt Wi-Fi rồi bật lại (hoặc rút cáp mạng, chờ vài giây, cắm lại). Nếu vẫn không "
            "được: lưu công việc rồi khởi động lại máy tính.",
            "Nếu máy hiện thông báo lỗi (ví dụ đã kết nối nhưng không có Internet), chụp lại "
            "màn hình hoặc chép đúng từng chữ của thông báo.",
        ),
    ),
    "may_in": SuCo(
        "Máy in không tìm thấy hoặc không in được",
        (
            "Máy in đã bật chưa? Màn hình nhỏ hoặc đèn trên máy in có báo lỗi không (hết giấy, "
            "kẹt giấy, hết mực)?",
            "Máy in nối với máy tính bằng cáp hay qua mạng? Kiểm tra cáp cắm chắc, hoặc máy in "
            "và máy tính cùng nối vào mạng của cơ quan.",
            "Trong hộp thoại In, chọn đúng tên máy in (cơ quan có thể có nhiều máy in). Mở "
            "hàng đợi in: nếu có lệnh in bị kẹt, hủy lệnh đó rồi in lại.",
            "Tắt máy in, chờ khoảng nửa phút rồi bật lại; lưu công việc và khởi động lại máy "
            "tính. Không tự tải trình điều khiển máy in từ trang web lạ.",
        ),
    ),
    "bo_nho_day": SuCo(
        "Bộ nhớ điện thoại đầy",
        (
            "Mở Cài đặt, tìm mục Bộ nhớ (tên mục khác nhau giữa các máy) để xem loại dữ liệu "
            "nào chiếm nhiều chỗ nhất.",
            "Video thường chiếm nhiều chỗ nhất. Sao lưu ảnh, video cần giữ sang máy tính hoặc "
            "nơi lưu trữ được phép, rồi xóa chúng và các ảnh trùng, ảnh mờ trên điện thoại.",
            "Xóa tệp không còn cần trong thư mục Tải về; trong Zalo và các ứng dụng nhắn tin, "
            "xóa các tệp, video đã nhận không cần giữ.",
            "Gỡ các ứng dụng không dùng đến. Không cài ứng dụng 'dọn rác', 'tăng tốc' quảng "
            "cáo trên mạng.",
        ),
    ),
    "treo_ung_dung": SuCo(
        "Ứng dụng không phản hồi (bị treo)",
        (
            "Chờ khoảng nửa phút đến một phút: ứng dụng có thể đang xử lý việc nặng hoặc đang "
            "chờ mạng. Đừng bấm liên tục.",
            "Đóng hẳn ứng dụng. Trên Windows: nhấn Ctrl + Shift + Esc để mở Trình quản lý tác "
            "vụ (Task Manager), chọn ứng dụng, bấm Kết thúc tác vụ (End task). Trên điện thoại: "
            "mở danh sách ứng dụng gần đây và vuốt ứng dụng đi. Phần chưa lưu có thể bị mất.",
            "Mở lại ứng dụng. Nếu vẫn bị treo, lưu các việc khác rồi khởi động lại máy.",
            "Kiểm tra bản cập nhật cho ứng dụng và hệ điều hành từ nguồn chính thức (kho ứng "
            "dụng, mục cập nhật trong Cài đặt) hoặc theo hướng dẫn của cơ quan.",
        ),
    ),
}

BAO_CNTT: tuple[str, ...] = (
    "Hiện tượng: việc gì không làm được, trên máy nào, ở phòng nào",
    "Thời điểm bắt đầu, và lỗi xảy ra liên tục hay lúc có lúc không",
    "Thông báo lỗi: chụp màn hình hoặc chép đúng từng chữ",
    "Những bước đã thử và kết quả của từng bước",
    "Mức ảnh hưởng: một người hay cả phòng, có việc gấp nào đang bị chậm",
    "Cách liên lạc lại với bạn. Không bao giờ gửi mật khẩu của bạn",
)


class TroLySuCo:
    """The state of the step-by-step helper, separate from its widgets so it can be tested."""

    def __init__(self, su_co: str = "khong_vao_mang") -> None:
        self.chon(su_co)

    def chon(self, su_co: str) -> None:
        """Start over with another problem."""
        if su_co not in SU_CO:
            raise ValueError(text("helper.unknown", problem=su_co, choices=sorted(SU_CO)))
        self.su_co = su_co
        self.buoc = 0
        self.xong: bool | None = None  # None: still trying; True: solved; False: ask IT

    def da_het_loi(self) -> None:
        """The current step solved the problem."""
        if self.xong is None:
            self.xong = True

    def chua_het_loi(self) -> None:
        """The current step did not help: go on to the next one, or to asking for help."""
        if self.xong is not None:
            return
        if self.buoc + 1 < len(SU_CO[self.su_co].cac_buoc):
            self.buoc += 1
        else:
            self.xong = False

    @property
    def html(self) -> str:
        """What the helper shows now."""
        su_co = SU_CO[self.su_co]
        tong = len(su_co.cac_buoc)
        da_lam = "".join(
            f"<li>{html.escape(b)}</li>"
            for b in su_co.cac_buoc[: self.buoc + (self.xong is not None)]
        )
        if self.xong is True:
            ket_qua = text("helper.solved", problem=su_co.ten, step=self.buoc + 1)
            return f"<p><b>{html.escape(ket_qua)}</b> {html.escape(text('helper.solved_note'))}</p>"
        if self.xong is False:
            can_bao = "".join(f"<li>{html.escape(y)}</li>" for y in BAO_CNTT)
            ket_qua = text("helper.gave_up", problem=su_co.ten, steps=tong)
            return (
                f"<p><b>{html.escape(ket_qua)}</b> {html.escape(text('helper.ask_it'))}</p>"
                f"<ol>{da_lam}</ol><p>{html.escape(text('helper.tell'))}</p><ul>{can_bao}</ul>"
            )
        buoc = su_co.cac_buoc[self.buoc]
        dang_lam = text("helper.step", problem=su_co.ten, step=self.buoc + 1, steps=tong)
        return (
            f"<p><b>{html.escape(dang_lam)}</b></p>"
            f"<p>{html.escape(buoc)}</p><p>{html.escape(text('helper.question'))}</p>"
        )


def troubleshooter(su_co: str = "khong_vao_mang") -> widgets.VBox:
    """The step-by-step helper as a widget: a menu of problems and two buttons."""
    tro_ly = TroLySuCo(su_co)
    menu = widgets.Dropdown(
        options=[(s.ten, ma) for ma, s in SU_CO.items()],
        value=su_co,
        description=text("helper.menu"),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="auto"),
    )
    nut_het = widgets.Button(description=text("helper.solved_button"), button_style="success")
    nut_chua = widgets.Button(description=text("helper.next_button"), button_style="warning")
    nut_lai = widgets.Button(description=text("helper.restart_button"))
    for nut in (nut_het, nut_chua, nut_lai):
        nut.layout = widgets.Layout(width="auto")
    man_hinh = widgets.HTML(layout=widgets.Layout(width="auto"))

    def ve() -> None:
        man_hinh.value = f'<div role="status" aria-live="polite">{tro_ly.html}</div>'
        nut_het.disabled = nut_chua.disabled = tro_ly.xong is not None

    def doi_su_co(_thay_doi: object = None) -> None:
        tro_ly.chon(menu.value)
        ve()

    def het(_nut: object = None) -> None:
        tro_ly.da_het_loi()
        ve()

    def chua(_nut: object = None) -> None:
        tro_ly.chua_het_loi()
        ve()

    menu.observe(doi_su_co, names="value")
    nut_het.on_click(het)
    nut_chua.on_click(chua)
    nut_lai.on_click(doi_su_co)
    ve()
    hop = widgets.VBox(
        [menu, man_hinh, widgets.HBox([nut_het, nut_chua, nut_lai])],
        layout=widgets.Layout(width="auto"),
    )
    hop.tro_ly = tro_ly  # for tests and curious learners
    return hop


def _so(x: float) -> str:
    """A number with one decimal as the interface language writes it: 3,5 or 3.5."""
    so = f"{x:.1f}"
    return so.replace(".", ",") if get_language() == "vi" else so


def bo_nho_html(
    tong_gb: float,
    ung_dung_gb: float,
    so_anh: int,
    mb_moi_anh: float,
    phut_video: int,
    mb_moi_phut: float,
) -> str:
    """How full a device is. Sizes are the learner's estimates; 1 GB is counted as 1000 MB."""
    anh_gb = so_anh * mb_moi_anh / 1000
    video_gb = phut_video * mb_moi_phut / 1000
    dung = ung_dung_gb + anh_gb + video_gb
    phan_tram = 100 * dung / tong_gb if tong_gb else 100.0
    con = tong_gb - dung

    def thanh(gb: float, mau: str, nhan: str) -> str:
        rong = max(0.0, min(100.0, 100 * gb / tong_gb)) if tong_gb else 0
        return (
            f'<div title="{html.escape(nhan, quote=True)}" style="display:inline-block;'
            f'height:1.2em;width:{rong:.1f}%;background:{mau}"></div>'
        )

    ung_dung, anh, video = text("storage.apps"), text("storage.photos"), text("storage.videos")
    thanh_ngang = (
        '<div style="width:100%;border:1px solid #999;white-space:nowrap;overflow:hidden">'
        + thanh(ung_dung_gb, "#607d8b", ung_dung)
        + thanh(anh_gb, "#43a047", anh)
        + thanh(video_gb, "#e53935", video)
        + "</div>"
    )
    dong = " · ".join(
        f"{html.escape(nhan)}: <b>{_so(gb)} GB</b> ({html.escape(text(mau))})"
        for nhan, gb, mau in (
            (ung_dung, ung_dung_gb, "storage.grey"),
            (anh, anh_gb, "storage.green"),
            (video, video_gb, "storage.red"),
        )
    )
    if con < 0:
        ket_luan = text("storage.over", gb=_so(-con))
    elif phan_tram >= 90:
        ket_luan = text("storage.nearly_full", percent=f"{phan_tram:.0f}", gb=_so(con))
    else:
        ket_luan = text("storage.ok", percent=f"{phan_tram:.0f}", gb=_so(con))
    return thanh_ngang + f"<p>{dong}</p><p>{html.escape(ket_luan)}</p>"


def storage_explorer() -> Simulation:
    """Sliders for capacity, apps, photos and videos; the bar shows how full the device is."""

    def truot(gia_tri, nho, lon, buoc, nhan):
        kieu = widgets.IntSlider if isinstance(buoc, int) else widgets.FloatSlider
        return kieu(
            value=gia_tri,
            min=nho,
            max=lon,
            step=buoc,
            description=nhan,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="95%"),
        )

    return Simulation(
        {
            "tong_gb": truot(64, 16, 256, 16, text("slider.capacity")),
            "ung_dung_gb": truot(20.0, 5.0, 100.0, 1.0, text("slider.apps")),
            "so_anh": truot(3000, 0, 20000, 500, text("slider.photos")),
            "mb_moi_anh": truot(3.0, 0.5, 10.0, 0.5, text("slider.photo_size")),
            "phut_video": truot(120, 0, 1000, 10, text("slider.video_minutes")),
            "mb_moi_phut": truot(100.0, 20.0, 500.0, 10.0, text("slider.minute_size")),
        },
        bo_nho_html,
    )


TEN_TEP: dict[str, tuple[str, ...]] = {
    "ngay_thang_nam": (
        "05-01-2026_BaoCao.docx",
        "20-11-2025_BaoCao.docx",
        "12-03-2026_BaoCao.docx",
    ),
    "nam_thang_ngay": (
        "2026-01-05_BaoCao.docx",
        "2025-11-20_BaoCao.docx",
        "2026-03-12_BaoCao.docx",
    ),
}
"""The same three reports named two ways: day-month-year and year-month-day."""


def thu_tu_ten_tep(ten_moi: str = "") -> str:
    """Both lists of :data:`TEN_TEP` as a computer sorts names, with ``ten_moi`` added.

    A computer compares names character by character, so only names that start with the year,
    then a two-digit month and day, come out in the order of time.
    """
    moi = ten_moi.strip()
    phan = []
    for kieu, ten in TEN_TEP.items():
        danh_sach = sorted({*ten, moi} if moi else set(ten))
        dong = "".join(
            f"<li>{'<b>' if t == moi else ''}{html.escape(t)}{'</b>' if t == moi else ''}</li>"
            for t in danh_sach
        )
        phan.append(f"<p>{html.escape(text(f'names.{kieu}'))}</p><ol>{dong}</ol>")
    return "".join(phan)


def file_name_sorter() -> Simulation:
    """A box to type a file name; both lists are shown sorted with it, the new name in bold."""
    return Simulation(
        {
            "ten_moi": widgets.Text(
                value="",
                placeholder="2026-1-9_BaoCao.docx",
                description=text("names.box"),
                continuous_update=False,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="auto"),
            )
        },
        thu_tu_ten_tep,
    )


NHU_CAU: dict[str, str] = {
    "hop": "họp trực tuyến",
    "ghi_hinh": "ghi hình cuộc họp",
    "dien_thoai": "dùng được trên điện thoại",
    "duoc_phep": "được cơ quan cho phép dùng",
}
"""Needs a commune office may have for a meeting tool, id -> what the learner reads."""

CONG_CU: dict[str, frozenset[str]] = {
    "Phần mềm họp A": frozenset({"hop", "ghi_hinh", "dien_thoai", "duoc_phep"}),
    "Phần mềm họp B": frozenset({"hop", "dien_thoai", "duoc_phep"}),
    "Phần mềm họp C": frozenset({"hop", "ghi_hinh", "duoc_phep"}),
    "Ứng dụng nhắn tin D": frozenset({"dien_thoai", "duoc_phep"}),
    "Ứng dụng lạ E (tải từ đường link)": frozenset({"hop", "ghi_hinh", "dien_thoai"}),
}
"""Invented tools and the needs of :data:`NHU_CAU` each one meets."""


def cong_cu_html(**chon: bool) -> str:
    """A table of :data:`CONG_CU`: which needs each tool meets, and whether it meets all chosen.

    ``chon`` maps each need of :data:`NHU_CAU` to whether the learner needs it; a tool fits when
    it meets every chosen need, however many other features it has.
    """
    can = [ma for ma in NHU_CAU if chon.get(ma)]
    dau = "".join(f"<th>{html.escape(NHU_CAU[ma])}</th>" for ma in NHU_CAU)
    hang = []
    for ten, co in CONG_CU.items():
        o = "".join(f"<td>{'✅' if ma in co else '—'}</td>" for ma in NHU_CAU)
        hop = all(ma in co for ma in can)
        ket_luan = text("tools.fits") if hop else text("tools.misses")
        hang.append(f"<tr><td>{html.escape(ten)}</td>{o}<td>{html.escape(ket_luan)}</td></tr>")
    if can:
        tom_tat = text("tools.needs", needs=", ".join(NHU_CAU[ma] for ma in can))
    else:
        tom_tat = text("tools.none")
    return (
        f"<p>{html.escape(tom_tat)}</p>"
        f"<table><tr><th>{html.escape(text('tools.tool'))}</th>{dau}"
        f"<th>{html.escape(text('tools.verdict'))}</th></tr>{''.join(hang)}</table>"
    )


def tool_chooser() -> Simulation:
    """One tick box per need; the table shows which tools meet every ticked need."""
    return Simulation(
        {
            ma: widgets.Checkbox(
                value=ma in ("hop",),
                description=nhan,
                indent=False,
                layout=widgets.Layout(width="auto"),
            )
            for ma, nhan in NHU_CAU.items()
        },
        cong_cu_html,
    )
