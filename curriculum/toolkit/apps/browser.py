"""A web browser on a phone: an address bar, a search engine with ads, real and lookalike sites.

The learner judges a page the way a careful person does on a phone: by its address, not by its
looks. So every page of this small simulated web shows a short address in the address bar, cut
off like a phone cuts a long one ("dichvucong.gov.vn.thu-t…"), and tapping the padlock shows
the full address (``view_address``). Official sites use their real names (dichvucong.gov.vn,
vneid.gov.vn, chinhphu.vn, binhdanhocvuso.gov.vn) with short, simulated content written for the
lessons; every other site is invented and its name ends in ``.example``, so that no address here
can lead to a real page. Lookalike names copy the start of a real one
(``dichvucong.gov.vn.thu-tuc.example``) or swap its dots for hyphens
(``dichvucong-gov-vn.example``).

What the learner does is recorded as actions (see :mod:`curriculum.toolkit.apps.app`):

========================  ==========================================================
``open_browser``          leave the message screen for a new browser tab
``open_messages``         go back to the message (tasks that start with one)
``follow_message_link``   tap the link inside the message
``type_address``          type into the address bar: ``text`` (an address or words)
``search``                type into the search engine's own box: ``query``
``open_result``           tap a search result or an ad: ``id``
``follow_link``           tap a link or button on a page: ``to`` (the page it opens)
``back`` / ``home``       the previous screen / the search engine's start page
``view_address``          tap the padlock to see the page's full address
``close_panel``           close the full address or the menu
``open_menu``             open the ⋮ menu (bookmark, report, bookmarks, home)
``bookmark``              save the current page in the bookmarks
``report_site``           report the current page as a scam
``open_bookmarks``        show the bookmarks; ``open_bookmark`` opens one: ``page``
========================  ==========================================================

The state keeps what hidden tests score, in plain data: ``visits`` (every page opened, with its
``host``, ``kind`` and how it was reached, ``via``: "typed", "result", "ad", "link", "message"
or "bookmark"), ``viewed`` (pages whose full address was shown), ``bookmarks`` and ``reported``
(each with ``checked``: whether the learner had looked at that host's full address first),
``typed`` (address bar entries and the host each one opened) and ``searches``. A page's
``kind`` is "official" (a real state site), "fake" (a site that pretends to be one, or a scam)
or "other" (news, forums, shops); a ``trap`` page is where a scam asks for something (a
password and OTP, a payment, an app to install).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused

__all__ = [
    "ENGINE_HOST",
    "MESSAGES",
    "PAGES",
    "RESULTS",
    "BrowserTask",
    "Link",
    "Message",
    "Page",
    "Result",
    "folded",
    "host_of",
    "short_address",
]

ENGINE_HOST = "timkiem.example"
"""The simulated search engine's address (invented, like every site that is not official)."""

_SHORT = 24  # characters of an address a phone's address bar shows before cutting it off
_MAX_TYPED = 200
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


@dataclass(frozen=True)
class Link:
    """A link or button on a page: its label and the id of the page it opens."""

    label: str
    to: str


@dataclass(frozen=True)
class Page:
    """One page of the simulated web; ``body`` is its paragraphs, as plain text."""

    id: str
    host: str
    title: str
    body: tuple[str, ...]
    path: str = ""
    links: tuple[Link, ...] = ()
    kind: str = "other"
    trap: bool = False

    @property
    def address(self) -> str:
        """The full address, as the padlock shows it."""
        return f"https://{self.host}{self.path}"


@dataclass(frozen=True)
class Result:
    """One entry of a results page; ``label`` marks an ad ("Được tài trợ", "Quảng cáo")."""

    id: str
    page: str
    title: str
    snippet: str
    label: str = ""

    @property
    def ad(self) -> bool:
        """Whether someone paid to show this entry."""
        return bool(self.label)


@dataclass(frozen=True)
class Message:
    """A text message that carries a link, for tasks that start in the message app."""

    sender: str
    time: str
    text: str
    link: str  # the id of the page the link opens


_SIMULATED = "Bản mô phỏng để luyện tập: nội dung do bài học soạn, không phải của trang thật."

PAGES: dict[str, Page] = {
    page.id: page
    for page in (
        # The official sites: real names, short simulated content.
        Page(
            "dvc_home",
            "dichvucong.gov.vn",
            "Cổng Dịch vụ công quốc gia",
            (
                "Tra cứu thủ tục hành chính, nộp hồ sơ trực tuyến, theo dõi hồ sơ và thanh "
                "toán phí, lệ phí.",
                "Người dân đăng nhập bằng tài khoản định danh điện tử (VNeID).",
            ),
            links=(
                Link("Thủ tục: Đăng ký khai sinh", "dvc_khai_sinh"),
                Link("Tra cứu hồ sơ", "dvc_tra_cuu"),
                Link("Đăng nhập", "dvc_dang_nhap"),
            ),
            kind="official",
        ),
        Page(
            "dvc_khai_sinh",
            "dichvucong.gov.vn",
            "Thủ tục: Đăng ký khai sinh",
            (
                "Cơ quan thực hiện: Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ.",
                "Thời hạn đi đăng ký: trong 60 ngày kể từ ngày sinh, cha hoặc mẹ có trách "
                "nhiệm đăng ký khai sinh cho con (Luật Hộ tịch năm 2014, Điều 15).",
                "Lệ phí: đăng ký khai sinh đúng hạn được miễn lệ phí (Luật Hộ tịch năm 2014, "
                "Điều 11).",
                "Cách nộp: trực tuyến trên Cổng này (đăng nhập bằng tài khoản định danh điện "
                "tử), hoặc trực tiếp tại bộ phận một cửa của xã, phường.",
            ),
            links=(Link("Nộp hồ sơ trực tuyến", "dvc_dang_nhap"),),
            kind="official",
        ),
        Page(
            "dvc_tra_cuu",
            "dichvucong.gov.vn",
            "Tra cứu hồ sơ",
            (
                "Nhập mã hồ sơ ghi trên giấy tiếp nhận để xem hồ sơ đang ở bước nào.",
                "Khi hồ sơ cần bổ sung, thông báo hiện trong mục quản lý hồ sơ của tài khoản "
                "bạn trên Cổng. (Bản mô phỏng dừng ở đây.)",
            ),
            kind="official",
        ),
        Page(
            "dvc_dang_nhap",
            "dichvucong.gov.vn",
            "Đăng nhập",
            (
                "Đăng nhập bằng tài khoản định danh điện tử (VNeID). (Bản mô phỏng dừng ở "
                "đây: không có ô nào để nhập.)",
            ),
            kind="official",
        ),
        Page(
            "vneid_home",
            "vneid.gov.vn",
            "VNeID: ứng dụng định danh điện tử quốc gia",
            (
                "VNeID do Bộ Công an phát triển, dùng để xem căn cước điện tử, giấy tờ đã tích "
                "hợp và đăng nhập dịch vụ công trực tuyến.",
                "Chỉ cài ứng dụng từ kho ứng dụng chính thức của điện thoại (App Store, Google "
                "Play). Không cài ứng dụng từ đường link trong tin nhắn hay cuộc gọi.",
            ),
            kind="official",
        ),
        Page(
            "chinhphu_home",
            "chinhphu.vn",
            "Cổng Thông tin điện tử Chính phủ",
            (
                "Thông tin về hoạt động của Chính phủ, văn bản chỉ đạo, điều hành.",
                "Đây là một trang chính thức có tên miền không kết thúc bằng .gov.vn: hãy lấy "
                "địa chỉ trang chính thức từ nguồn tin cậy, đừng đoán.",
            ),
            kind="official",
        ),
        Page(
            "bdhvs_home",
            "binhdanhocvuso.gov.vn",
            "Nền tảng Bình dân học vụ số",
            (
                "Nền tảng học kỹ năng số cho mọi người dân của phong trào Bình dân học vụ số.",
                "Người học đăng nhập bằng tài khoản định danh điện tử VNeID và học các bài theo "
                "thứ tự.",
            ),
            kind="official",
        ),
        # The search engine's own pages are not pages of this table (see BrowserTask).
        # Birth registration: two ads, a lookalike, a forum.
        Page(
            "qc_khai_sinh",
            "dichvucong-gov-vn.example",
            "DỊCH VỤ CÔNG TRỰC TUYẾN: KHAI SINH LẤY NGAY",
            (
                "Làm giấy khai sinh online, không cần đến xã, có kết quả trong 2 giờ.",
                "Lưu ý: quá 30 ngày kể từ ngày sinh mà chưa đăng ký sẽ bị phạt nặng. Hãy làm "
                "ngay hôm nay!",
                "Phí dịch vụ trọn gói: 500.000 đồng, chuyển khoản trước.",
            ),
            path="/khai-sinh",
            links=(Link("Đăng ký ngay", "qc_khai_sinh_form"),),
            kind="fake",
        ),
        Page(
            "qc_khai_sinh_form",
            "dichvucong-gov-vn.example",
            "Đăng ký làm khai sinh",
            (
                "Nhập số căn cước, mật khẩu VNeID và mã OTP gửi về điện thoại để chúng tôi nộp "
                "hồ sơ giúp bạn.",
                "Chuyển 500.000 đồng vào tài khoản cá nhân 0000 0000 0000 (số bịa ra để luyện "
                "tập). (Bản mô phỏng: không có ô nào để nhập.)",
            ),
            path="/khai-sinh/dang-ky",
            kind="fake",
            trap=True,
        ),
        Page(
            "qc_giay_to",
            "giaytonhanh.example",
            "Dịch vụ giấy tờ Nhanh Gọn",
            (
                "Làm hộ khai sinh, giấy tờ hộ tịch, nhận kết quả tại nhà.",
                "Gửi ảnh hai mặt căn cước của bố mẹ qua Zalo 0912 000 468 (số bịa ra để luyện "
                "tập).",
            ),
            links=(Link("Nhắn Zalo ngay", "qc_giay_to_zalo"),),
        ),
        Page(
            "qc_giay_to_zalo",
            "giaytonhanh.example",
            "Mở Zalo",
            ("Đang mở cuộc trò chuyện Zalo để gửi ảnh căn cước. (Bản mô phỏng dừng ở đây.)",),
            path="/zalo",
            trap=True,
        ),
        Page(
            "gia_khai_sinh",
            "dichvucong.gov.vn.thu-tuc.example",
            "Cổng Dịch vụ công quốc gia: Đăng ký khai sinh",
            (
                "Thủ tục đăng ký khai sinh trực tuyến.",
                "Hệ thống đang nâng cấp: để tiếp tục, vui lòng đăng nhập lại bằng số căn cước, "
                "mật khẩu và mã OTP.",
            ),
            path="/khai-sinh",
            links=(Link("Đăng nhập", "gia_dang_nhap"),),
            kind="fake",
        ),
        Page(
            "gia_dang_nhap",
            "dichvucong.gov.vn.thu-tuc.example",
            "Đăng nhập",
            ("Số căn cước, mật khẩu, mã OTP. (Bản mô phỏng: không có ô nào để nhập.)",),
            path="/dang-nhap",
            kind="fake",
            trap=True,
        ),
        Page(
            "dien_dan_khai_sinh",
            "diendan-me-va-be.example",
            "Hỏi: làm khai sinh cho con hạn mấy ngày hả các mẹ?",
            (
                "Mẹ Bống: Mình nghe nói 30 ngày thôi, quá là bị phạt đấy.",
                "Mẹ Sóc: Hình như 2 tuần, nhà mình làm sớm nên không nhớ.",
                "Mẹ Na: Các mẹ xem trên Cổng Dịch vụ công hoặc hỏi cán bộ tư pháp xã cho chắc.",
            ),
            path="/hoi-dap/khai-sinh",
        ),
        # VNeID: an ad, a lookalike, a fake help centre, a newspaper.
        Page(
            "qc_vneid",
            "vneid-gov-vn.example",
            "TẢI VNeID BẢN MỚI NHẤT: BẢN CŨ SẼ BỊ KHÓA TỪ NGÀY MAI",
            ("Tải tệp cài đặt vneid_moi.apk rồi cài, cho phép mọi quyền để đồng bộ dữ liệu.",),
            path="/tai-ve",
            links=(Link("Tải về ngay", "qc_vneid_tai"),),
            kind="fake",
        ),
        Page(
            "qc_vneid_tai",
            "vneid-gov-vn.example",
            "Đang tải vneid_moi.apk",
            ("Bản mô phỏng: không có tệp nào được tải thật.",),
            path="/tai-ve/vneid_moi.apk",
            kind="fake",
            trap=True,
        ),
        Page(
            "gia_vneid",
            "vneid.gov.vn.hotro-taikhoan.example",
            "VNeID: hỗ trợ tài khoản định danh",
            (
                "Tài khoản của bạn bị tạm khóa do chưa đồng bộ dữ liệu.",
                "Đăng nhập bằng số định danh, mật khẩu và mã OTP để mở khóa trong 24 giờ.",
            ),
            path="/mo-khoa",
            links=(Link("Đăng nhập để mở khóa", "gia_vneid_dang_nhap"),),
            kind="fake",
        ),
        Page(
            "gia_vneid_dang_nhap",
            "vneid.gov.vn.hotro-taikhoan.example",
            "Đăng nhập",
            ("Số định danh, mật khẩu, mã OTP. (Bản mô phỏng: không có ô nào để nhập.)",),
            path="/dang-nhap",
            kind="fake",
            trap=True,
        ),
        Page(
            "gia_ho_tro",
            "gov-vn.example",
            "Trung tâm hỗ trợ định danh điện tử",
            (
                "Gọi ngay 0912 000 579 (số bịa ra để luyện tập) để cán bộ hướng dẫn đồng bộ tài "
                "khoản từ xa. Bạn cần cài ứng dụng hỗ trợ theo đường link chúng tôi gửi.",
            ),
            path="/dinh-danh",
            links=(Link("Gọi ngay", "gia_ho_tro_goi"),),
            kind="fake",
        ),
        Page(
            "gia_ho_tro_goi",
            "gov-vn.example",
            "Đang gọi 0912 000 579",
            ("Bản mô phỏng: không có cuộc gọi nào thật.",),
            path="/goi",
            kind="fake",
            trap=True,
        ),
        Page(
            "bao_vneid",
            "tinhoason.example",
            "Cảnh báo trang web giả mạo VNeID",
            (
                "Báo điện tử Tin Hòa Sơn (tờ báo bịa ra để luyện tập), ngày 18/11/2026.",
                "Công an tỉnh khuyến cáo: trang chính thức của VNeID có địa chỉ vneid.gov.vn; "
                "ứng dụng chỉ tải từ kho ứng dụng chính thức của điện thoại. Các trang có tên "
                "gần giống, đòi đăng nhập bằng mật khẩu và mã OTP hoặc bảo cài tệp .apk đều là "
                "giả mạo.",
            ),
            path="/canh-bao-vneid",
        ),
        # The portal's name in searches, and the lookalike a text message links to.
        Page(
            "qc_nop_ho",
            "nophoso-ho.example",
            "Nộp hồ sơ dịch vụ công hộ, xong trong ngày",
            ("Gửi ảnh căn cước và mã OTP, chúng tôi đăng nhập và nộp hồ sơ giúp bạn.",),
            links=(Link("Gửi ảnh căn cước", "qc_nop_ho_gui"),),
        ),
        Page(
            "qc_nop_ho_gui",
            "nophoso-ho.example",
            "Gửi ảnh căn cước",
            ("Bản mô phỏng: không có tệp nào được gửi.",),
            path="/gui-anh",
            trap=True,
        ),
        Page(
            "gia_ho_so",
            "dichvucong.gov.vn.hoso-online.example",
            "Cổng Dịch vụ công quốc gia: bổ sung hồ sơ",
            (
                "Hồ sơ của bạn bị trả lại do thiếu giấy tờ.",
                "Đăng nhập và nộp phí bổ sung 150.000 đồng trước 17 giờ hôm nay để hồ sơ không "
                "bị hủy.",
            ),
            path="/bo-sung",
            links=(Link("Đăng nhập để bổ sung", "gia_ho_so_dang_nhap"),),
            kind="fake",
        ),
        Page(
            "gia_ho_so_dang_nhap",
            "dichvucong.gov.vn.hoso-online.example",
            "Đăng nhập",
            ("Số căn cước, mật khẩu, mã OTP. (Bản mô phỏng: không có ô nào để nhập.)",),
            path="/dang-nhap",
            kind="fake",
            trap=True,
        ),
        # Learning digital skills, and looking for a job.
        Page(
            "qc_chung_chi",
            "chungchi-captoc.example",
            "Chứng chỉ kỹ năng số cấp tốc: không cần học, nhận trong 24 giờ",
            ("Phí 2.000.000 đồng, bảo đảm đạt. Gửi ảnh căn cước qua Zalo để làm hồ sơ.",),
            kind="fake",
        ),
        Page(
            "bao_lop_hoc",
            "tinhoason.example",
            "Xã An Bình mở lớp kỹ năng số cho người cao tuổi",
            (
                "Báo điện tử Tin Hòa Sơn (tờ báo bịa ra để luyện tập), ngày 10/11/2026.",
                "Đoàn thanh niên xã hướng dẫn người cao tuổi học trên nền tảng Bình dân học vụ "
                "số, mỗi tối thứ Ba tại nhà văn hóa thôn.",
            ),
            path="/lop-ky-nang-so",
        ),
        Page(
            "qc_viec_lam",
            "vieclam-luongcao.example",
            "Việc nhẹ lương cao 15 triệu/tháng, nhận việc ngay",
            (
                "Tuyển 50 người đóng gói hàng tại nhà, không cần kinh nghiệm.",
                "Đặt cọc 500.000 đồng để giữ chỗ và mua đồng phục. Chỉ liên hệ qua Zalo.",
            ),
            links=(Link("Đặt cọc giữ chỗ", "qc_viec_lam_coc"),),
            kind="fake",
        ),
        Page(
            "qc_viec_lam_coc",
            "vieclam-luongcao.example",
            "Chuyển tiền đặt cọc",
            ("Bản mô phỏng: không có khoản tiền nào được chuyển.",),
            path="/dat-coc",
            kind="fake",
            trap=True,
        ),
        Page(
            "bao_viec_lam",
            "tinhoason.example",
            "Phiên giao dịch việc làm tháng 12 tại Trung tâm Dịch vụ việc làm tỉnh",
            (
                "Báo điện tử Tin Hòa Sơn (tờ báo bịa ra để luyện tập), ngày 15/11/2026.",
                "Người lao động đến phiên giao dịch được tư vấn, giới thiệu việc làm và gặp "
                "trực tiếp doanh nghiệp. Trung tâm nhắc: không doanh nghiệp nào được đòi người "
                "lao động đặt cọc tiền hay giữ bản chính giấy tờ tùy thân.",
            ),
            path="/phien-giao-dich-viec-lam",
        ),
    )
}
"""The simulated web, by page id."""

RESULTS: dict[str, Result] = {
    result.id: result
    for result in (
        Result(
            "qc_khai_sinh",
            "qc_khai_sinh",
            "Làm giấy khai sinh online lấy ngay trong ngày",
            "Dịch vụ công trực tuyến trọn gói, không cần đến xã. Quá hạn bị phạt nặng!",
            label="Được tài trợ",
        ),
        Result(
            "qc_giay_to",
            "qc_giay_to",
            "Khai sinh cho con nhanh, không cần đi lại",
            "Làm hộ mọi giấy tờ hộ tịch, nhận tại nhà.",
            label="Quảng cáo",
        ),
        Result(
            "dvc_khai_sinh",
            "dvc_khai_sinh",
            "Đăng ký khai sinh: Cổng Dịch vụ công quốc gia",
            "Thủ tục đăng ký khai sinh: cơ quan thực hiện, thời hạn, lệ phí, cách nộp.",
        ),
        Result(
            "gia_khai_sinh",
            "gia_khai_sinh",
            "Cổng Dịch vụ công quốc gia: Đăng ký khai sinh trực tuyến",
            "Hướng dẫn nộp hồ sơ khai sinh trực tuyến, đăng nhập để tiếp tục.",
        ),
        Result(
            "dien_dan_khai_sinh",
            "dien_dan_khai_sinh",
            "Làm khai sinh cho con hạn mấy ngày?",
            "Diễn đàn mẹ và bé: các mẹ hỏi đáp kinh nghiệm làm giấy tờ cho con.",
        ),
        Result(
            "qc_vneid",
            "qc_vneid",
            "Tải VNeID bản mới nhất: cập nhật ngay kẻo bị khóa",
            "Bản cũ sắp ngừng hoạt động. Tải tệp cài đặt tại đây.",
            label="Được tài trợ",
        ),
        Result(
            "gia_vneid",
            "gia_vneid",
            "VNeID: hỗ trợ mở khóa tài khoản định danh",
            "Tài khoản bị khóa? Đăng nhập để mở khóa nhanh.",
        ),
        Result(
            "vneid_home",
            "vneid_home",
            "VNeID: ứng dụng định danh điện tử quốc gia",
            "Căn cước điện tử, giấy tờ tích hợp, đăng nhập dịch vụ công.",
        ),
        Result(
            "gia_ho_tro",
            "gia_ho_tro",
            "Trung tâm hỗ trợ định danh điện tử",
            "Cán bộ hướng dẫn đồng bộ tài khoản định danh từ xa.",
        ),
        Result(
            "bao_vneid",
            "bao_vneid",
            "Cảnh báo trang web giả mạo VNeID",
            "Tin Hòa Sơn: công an tỉnh chỉ cách nhận ra trang giả.",
        ),
        Result(
            "qc_nop_ho",
            "qc_nop_ho",
            "Nộp hồ sơ dịch vụ công hộ, xong trong ngày",
            "Không cần tự làm: gửi ảnh căn cước, chúng tôi lo hết.",
            label="Quảng cáo",
        ),
        Result(
            "gia_ho_so",
            "gia_ho_so",
            "Cổng Dịch vụ công quốc gia: bổ sung hồ sơ trực tuyến",
            "Hồ sơ bị trả lại? Bổ sung ngay để không bị hủy.",
        ),
        Result(
            "dvc_home",
            "dvc_home",
            "Cổng Dịch vụ công quốc gia",
            "Tra cứu thủ tục, nộp hồ sơ trực tuyến, theo dõi hồ sơ.",
        ),
        Result(
            "qc_chung_chi",
            "qc_chung_chi",
            "Chứng chỉ kỹ năng số cấp tốc, không cần học",
            "Nhận chứng chỉ trong 24 giờ, bảo đảm đạt.",
            label="Được tài trợ",
        ),
        Result(
            "bdhvs_home",
            "bdhvs_home",
            "Nền tảng Bình dân học vụ số",
            "Học kỹ năng số cơ bản, đăng nhập bằng VNeID.",
        ),
        Result(
            "bao_lop_hoc",
            "bao_lop_hoc",
            "Xã An Bình mở lớp kỹ năng số cho người cao tuổi",
            "Tin Hòa Sơn: đoàn thanh niên hướng dẫn học trên nền tảng Bình dân học vụ số.",
        ),
        Result(
            "qc_viec_lam",
            "qc_viec_lam",
            "Việc nhẹ lương cao 15 triệu, nhận việc ngay",
            "Đóng gói hàng tại nhà, không cần kinh nghiệm. Số lượng có hạn!",
            label="Quảng cáo",
        ),
        Result(
            "bao_viec_lam",
            "bao_viec_lam",
            "Phiên giao dịch việc làm tháng 12",
            "Tin Hòa Sơn: Trung tâm Dịch vụ việc làm tỉnh tư vấn, giới thiệu việc làm.",
        ),
        Result(
            "chinhphu_home",
            "chinhphu_home",
            "Cổng Thông tin điện tử Chính phủ",
            "Hoạt động của Chính phủ, văn bản chỉ đạo, điều hành.",
        ),
    )
}
"""Every search result the engine can show, by id (the id of an ad starts with ``qc_``)."""

# What the engine shows for a query: the results of every topic with a key in the query (whole
# folded words, see `folded`, or the key typed as one word: "khaisinh"), ads first.
_TOPICS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("khai sinh",),
        ("qc_khai_sinh", "qc_giay_to", "gia_khai_sinh", "dvc_khai_sinh", "dien_dan_khai_sinh"),
    ),
    (
        ("vneid", "dinh danh"),
        ("qc_vneid", "gia_vneid", "vneid_home", "gia_ho_tro", "bao_vneid"),
    ),
    (
        ("hoc vu so", "ky nang so", "hoc truc tuyen"),
        ("qc_chung_chi", "bdhvs_home", "bao_lop_hoc"),
    ),
    (
        ("viec lam", "tuyen dung", "tim viec"),
        ("qc_viec_lam", "bao_viec_lam"),
    ),
    (
        ("dich vu cong", "dichvucong", "ho so", "thu tuc"),
        ("qc_nop_ho", "gia_ho_so", "dvc_home"),
    ),
    (
        ("chinh phu", "chinhphu"),
        ("chinhphu_home",),
    ),
)

# The page an address opens: the host's home page, or a page at that exact path.
_HOMES = {
    "dichvucong.gov.vn": "dvc_home",
    "vneid.gov.vn": "vneid_home",
    "chinhphu.vn": "chinhphu_home",
    "binhdanhocvuso.gov.vn": "bdhvs_home",
}
_ADDRESSES = {f"{page.host}{page.path}": page.id for page in PAGES.values() if page.path}
for _page in PAGES.values():
    _HOMES.setdefault(_page.host, _page.id)

MESSAGES: dict[str, Message] = {
    "ho_so_bi_tra": Message(
        sender="DichVuCong",
        time="08:15",
        text=(
            "[Cong DVC] Ho so cua ban bi tra lai do thieu giay to. Bo sung truoc 17h hom nay "
            "tai dichvucong.gov.vn.hoso-online.example/bo-sung de tranh bi huy ho so."
        ),
        link="gia_ho_so",
    ),
}
"""Messages a task can start with, by name (invented for practice)."""


def folded(typed: str) -> str:
    """``typed`` lower-cased without Vietnamese marks: "Đăng Ký" and "dang ky" fold the same.

    Search engines find pages whether or not the words were typed with their marks, and many
    people type without them on a phone; the engine does the same.
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", typed).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(bare.split())


def _split_address(typed: str) -> tuple[str, str]:
    """(host part, path) of typed text, lower-cased, without scheme, query or fragment."""
    text = _SCHEME.sub("", unicodedata.normalize("NFC", typed).strip().casefold())
    found = re.match(r"([^/?#]*)([^?#]*)", text)
    assert found is not None  # the pattern matches any text
    return found.group(1).rstrip("."), found.group(2).rstrip("/")


def host_of(typed: str | None) -> str | None:
    """The host an address typed in the address bar opens, or None when it is words to search.

    "https://DichVuCong.gov.vn/", "dichvucong.gov.vn" and "www.dichvucong.gov.vn" all open
    dichvucong.gov.vn; "dich vu cong" is a search.
    """
    if not isinstance(typed, str):
        return None
    host, _ = _split_address(typed)
    if not _HOST.fullmatch(host):
        return None
    if host.startswith("www.") and host[4:] in _HOMES:
        host = host[4:]
    return host


def short_address(host: str) -> str:
    """The address as a phone's address bar shows it: the host, cut off when it is long."""
    return host if len(host) <= _SHORT else host[: _SHORT - 1] + "…"


def _results_for(query: str) -> list[str]:
    """The results shown for ``query``: ads first, then the others, as a real engine does."""
    words = re.findall(r"[a-z0-9]+", folded(query))
    padded, typed = f" {' '.join(words)} ", set(words)
    found: list[str] = []
    for keys, results in _TOPICS:
        if any(f" {key} " in padded or key.replace(" ", "") in typed for key in keys):
            found.extend(r for r in results if r not in found)
    ads = [r for r in found if RESULTS[r].ad]
    return ads + [r for r in found if not RESULTS[r].ad]


def _about(page: Page) -> dict[str, Any]:
    """How the state records a page the learner opened, looked at, bookmarked or reported."""
    return {"page": page.id, "host": page.host, "kind": page.kind}


def _page_for(typed: str) -> tuple[str | None, str]:
    """(page id or None, host) that a typed address opens."""
    host = host_of(typed) or ""
    _, path = _split_address(typed)
    return _ADDRESSES.get(f"{host}{path}", _HOMES.get(host)), host


class BrowserTask(AppTask):
    """A task in the phone's web browser; ``message`` starts it in the message app.

    ``message`` is a :class:`Message` or the name of one in :data:`MESSAGES`; without it the
    task starts on the search engine's page.
    """

    title: ClassVar[str] = "🌐 Trình duyệt (mô phỏng)"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        sheet: AnswerSheet,
        message: Message | str | None = None,
    ) -> None:
        if isinstance(message, str):
            message = MESSAGES[message]
        if message is not None and message.link not in PAGES:
            raise ValueError(f"the message links to an unknown page: {message.link}")
        self.message: Message | None = message
        super().__init__(qid, prompt, sheet=sheet)

    # The state machine.

    def start(self) -> dict[str, Any]:
        return {
            "screen": "message" if self.message else "browser",
            "at": {"kind": "start"},
            "history": [],
            "panel": None,
            "visits": [],
            "viewed": [],
            "bookmarks": [],
            "reported": [],
            "typed": [],
            "searches": [],
        }

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        name = action["action"]
        if name in ("open_browser", "follow_message_link"):
            if state["screen"] != "message":
                raise Refused("Tin nhắn đang không mở.")
            state["screen"] = "browser"
            if name == "follow_message_link":
                link = self.message.link if self.message else ""
                self._go(state, {"kind": "page", "page": link}, via="message")
            return
        if name == "open_messages":
            if self.message is None:
                raise Refused("Bài này không có tin nhắn nào.")
            if state["screen"] == "message":
                raise Refused("Tin nhắn đang mở rồi.")
            state["screen"] = "message"
            return
        if state["screen"] != "browser":
            raise Refused("Hãy mở trình duyệt trước (nút «Mở trình duyệt»).")
        handler = self._HANDLERS.get(name)
        if handler is None:
            raise Refused("Trình duyệt không có nút này.")
        handler(self, state, action)

    def _type_address(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        typed = action.get("text")
        if not isinstance(typed, str) or not typed.strip():
            raise Refused("Hãy gõ địa chỉ trang web hoặc từ khóa vào thanh địa chỉ.")
        if len(typed) > _MAX_TYPED:
            raise Refused("Địa chỉ quá dài.")
        host = host_of(typed)
        if host is None:
            state["typed"].append({"text": typed, "host": ENGINE_HOST})
            self._search(state, typed)
            return
        page, host = _page_for(typed)
        state["typed"].append({"text": typed, "host": host})
        if page is None:
            self._go(state, {"kind": "missing", "host": host}, via="typed")
        else:
            self._go(state, {"kind": "page", "page": page}, via="typed")

    def _search_box(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        if state["at"]["kind"] not in ("start", "results"):
            raise Refused(
                "Ô tìm kiếm chỉ có trên trang của máy tìm kiếm. Hãy gõ vào thanh địa chỉ."
            )
        query = action.get("query")
        if not isinstance(query, str) or not query.strip():
            raise Refused("Hãy gõ từ khóa cần tìm.")
        if len(query) > _MAX_TYPED:
            raise Refused("Từ khóa quá dài.")
        self._search(state, query)

    def _search(self, state: dict[str, Any], query: str) -> None:
        state["searches"].append(query)
        self._go(state, {"kind": "results", "query": query})

    def _open_result(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        at = state["at"]
        if at["kind"] != "results":
            raise Refused("Không có kết quả tìm kiếm nào trên màn hình.")
        result = action.get("id")
        if not isinstance(result, str) or result not in _results_for(at["query"]):
            raise Refused("Kết quả này không có trên trang.")
        via = "ad" if RESULTS[result].ad else "result"
        self._go(state, {"kind": "page", "page": RESULTS[result].page}, via=via)

    def _follow_link(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        at = state["at"]
        target = action.get("to")
        if (
            at["kind"] != "page"
            or not isinstance(target, str)
            or target not in {link.to for link in PAGES[at["page"]].links}
        ):
            raise Refused("Trang này không có đường link đó.")
        self._go(state, {"kind": "page", "page": target}, via="link")

    def _back(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        if not state["history"]:
            raise Refused("Không có trang trước.")
        state["at"] = state["history"].pop()
        state["panel"] = None

    def _view_address(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        at = state["at"]
        if at["kind"] == "bookmarks":
            raise Refused("Đây là danh sách dấu trang của trình duyệt, không phải một trang web.")
        if at["kind"] == "page":
            state["viewed"].append(_about(PAGES[at["page"]]))
        else:
            host = at.get("host", ENGINE_HOST)
            state["viewed"].append({"page": None, "host": host, "kind": "other"})
        state["panel"] = "address"

    def _close_panel(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        if state["panel"] is None:
            raise Refused("Không có gì để đóng.")
        state["panel"] = None

    def _open_menu(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        if state["panel"] == "menu":
            raise Refused("Menu đang mở rồi.")
        state["panel"] = "menu"

    @staticmethod
    def _need_menu(state: Mapping[str, Any]) -> None:
        if state["panel"] != "menu":
            raise Refused("Hãy mở menu ⋮ trước.")

    def _current_page(self, state: dict[str, Any], doing: str) -> Page:
        self._need_menu(state)
        if state["at"]["kind"] != "page":
            raise Refused(f"Chỉ {doing} được khi đang mở một trang web.")
        return PAGES[state["at"]["page"]]

    @staticmethod
    def _mark(state: dict[str, Any], into: str, page: Page) -> None:
        """Add ``page`` to ``state[into]`` (bookmarks or reports) and close the menu; ``checked``
        says whether the learner had looked at that host's full address first."""
        checked = any(seen["host"] == page.host for seen in state["viewed"])
        state[into].append({**_about(page), "checked": checked})
        state["panel"] = None

    def _bookmark(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        page = self._current_page(state, "lưu dấu trang")
        if any(saved["page"] == page.id for saved in state["bookmarks"]):
            raise Refused("Trang này đã có trong dấu trang.")
        self._mark(state, "bookmarks", page)

    def _report(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        page = self._current_page(state, "báo cáo trang")
        if any(sent["host"] == page.host for sent in state["reported"]):
            raise Refused("Bạn đã báo cáo trang này rồi.")
        self._mark(state, "reported", page)

    def _open_bookmarks(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        self._need_menu(state)
        if state["at"]["kind"] == "bookmarks":
            raise Refused("Danh sách dấu trang đang mở rồi.")
        self._go(state, {"kind": "bookmarks"})

    def _open_bookmark(self, state: dict[str, Any], action: Mapping[str, Any]) -> None:
        page = action.get("page")
        if (
            state["at"]["kind"] != "bookmarks"
            or not isinstance(page, str)
            or page not in {saved["page"] for saved in state["bookmarks"]}
        ):
            raise Refused("Dấu trang này không có trong danh sách.")
        self._go(state, {"kind": "page", "page": page}, via="bookmark")

    def _home(self, state: dict[str, Any], _action: Mapping[str, Any]) -> None:
        self._need_menu(state)
        self._go(state, {"kind": "start"})

    def _go(self, state: dict[str, Any], where: dict[str, Any], via: str = "") -> None:
        state["history"].append(state["at"])
        state["at"] = where
        state["panel"] = None
        if where["kind"] == "page":
            page = PAGES[where["page"]]
            state["visits"].append({**_about(page), "trap": page.trap, "via": via})

    _HANDLERS: ClassVar[
        dict[str, Callable[[BrowserTask, dict[str, Any], Mapping[str, Any]], None]]
    ] = {
        "type_address": _type_address,
        "search": _search_box,
        "open_result": _open_result,
        "follow_link": _follow_link,
        "back": _back,
        "view_address": _view_address,
        "close_panel": _close_panel,
        "open_menu": _open_menu,
        "bookmark": _bookmark,
        "report_site": _report,
        "open_bookmarks": _open_bookmarks,
        "open_bookmark": _open_bookmark,
        "home": _home,
    }

    # The screens.

    def screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        if state["screen"] == "message":
            return self._message_screen()
        at = state["at"]
        host = self._host(at)
        shown = "📑 Dấu trang" if host is None else f"🔒 {short_address(host)}"
        parts: list[widgets.Widget] = [
            self.button(f"{shown}   (chạm để xem địa chỉ đầy đủ)", "view_address"),
            self.form({"text": "Địa chỉ hoặc từ khóa:"}, "Đi", "type_address"),
        ]
        tools = [self.button("← Quay lại", "back"), self.button("⋮ Menu", "open_menu")]
        if self.message is not None:
            tools.append(self.button("✉ Tin nhắn", "open_messages"))
        parts.append(self.row(*tools))
        if state["panel"] == "address":
            parts.extend(self._address_panel(at))
        elif state["panel"] == "menu":
            parts.extend(self._menu())
        parts.extend(self._content(state))
        return parts

    def _host(self, at: Mapping[str, Any]) -> str | None:
        if at["kind"] == "page":
            return PAGES[at["page"]].host
        if at["kind"] == "missing":
            return at["host"]
        if at["kind"] == "bookmarks":
            return None
        return ENGINE_HOST

    def _message_screen(self) -> list[widgets.Widget]:
        assert self.message is not None
        message = self.message
        link = PAGES[message.link]
        return [
            self.note(
                f"<b>✉ Tin nhắn</b><br><b>{html.escape(message.sender)}</b> · "
                f"{html.escape(message.time)}<br>{html.escape(message.text)}",
                escape=False,
            ),
            self.button(f"🔗 {link.host}{link.path}", "follow_message_link"),
            self.button("🌐 Mở trình duyệt (tab mới)", "open_browser"),
        ]

    def _address_panel(self, at: Mapping[str, Any]) -> list[widgets.Widget]:
        page = PAGES[at["page"]] if at["kind"] == "page" else None
        address = page.address if page else f"https://{self._host(at)}"
        return [
            self.note(
                f"<b>Địa chỉ đầy đủ:</b> <code>{html.escape(address)}</code><br>"
                "<small>🔒 Ổ khóa chỉ cho biết kết nối được mã hóa, không cho biết trang thật "
                "hay giả.</small>",
                escape=False,
            ),
            self.button("Đóng", "close_panel"),
        ]

    def _menu(self) -> list[widgets.Widget]:
        return [
            self.button("☆ Lưu dấu trang", "bookmark"),
            self.button("⚠ Báo cáo trang lừa đảo", "report_site"),
            self.button("📑 Xem dấu trang", "open_bookmarks"),
            self.button("⌂ Trang chủ (máy tìm kiếm)", "home"),
            self.button("Đóng menu", "close_panel"),
        ]

    def _content(self, state: dict[str, Any]) -> list[widgets.Widget]:
        at = state["at"]
        if at["kind"] == "start":
            return [self.note("<b>Máy tìm kiếm</b> (mô phỏng)", escape=False), self._search_form()]
        if at["kind"] == "results":
            return self._results(at["query"])
        if at["kind"] == "missing":
            return [
                self.note(
                    f"Không mở được trang {at['host']}. Kiểm tra lại địa chỉ đã gõ. (Trong bản "
                    "mô phỏng chỉ mở được một số trang.)"
                )
            ]
        if at["kind"] == "bookmarks":
            if not state["bookmarks"]:
                return [self.note("Chưa có dấu trang nào.")]
            return [
                self.button(
                    f"☆ {PAGES[saved['page']].title} · {short_address(saved['host'])}",
                    "open_bookmark",
                    page=saved["page"],
                )
                for saved in state["bookmarks"]
            ]
        return self._page(PAGES[at["page"]])

    def _search_form(self) -> widgets.VBox:
        """The search engine's own box, on its start page and above its results."""
        return self.form({"query": "Từ khóa"}, "🔍 Tìm", "search")

    def _results(self, query: str) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self._search_form(),
            self.note(f"Kết quả cho «{query}»:"),
        ]
        found = _results_for(query)
        if not found:
            parts.append(
                self.note(
                    "Không có kết quả phù hợp trong bản mô phỏng. Thử từ khóa khác, ngắn hơn."
                )
            )
        for result_id in found:
            result = RESULTS[result_id]
            page = PAGES[result.page]
            label = f"<b>{html.escape(result.label)}</b> · " if result.ad else ""
            parts.append(
                self.note(
                    f"<hr style='margin:4px 0'>{label}"
                    f"<small>{html.escape(short_address(page.host))}</small>",
                    escape=False,
                )
            )
            parts.append(self.button(result.title, "open_result", id=result.id))
            parts.append(self.note(result.snippet))
        return parts

    def _page(self, page: Page) -> list[widgets.Widget]:
        body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in page.body)
        parts: list[widgets.Widget] = [
            self.note(
                f"<h4 style='margin:6px 0'>{html.escape(page.title)}</h4>{body}", escape=False
            )
        ]
        parts.extend(self.button(link.label, "follow_link", to=link.to) for link in page.links)
        parts.append(self.note(f"<small>{_SIMULATED}</small>", escape=False))
        return parts
