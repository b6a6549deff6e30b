"""An official mailbox (Hộp thư công vụ) in which the learner reads, checks, answers and sends mail.

Everything an official does with mail and that a task may score is one recorded action:
opening a message, tapping the sender's name to see the real address, holding a link to see
where it really leads, opening or downloading an attachment, replying to the sender or to
everyone, forwarding, adding people to To, Cc or Bcc, typing the subject and the body, attaching
a file from the device, sending, reporting phishing and moving a message to a folder. So a
hidden test can say "tapped the sender's name before reporting" or "put the citizens in Bcc",
and a careless run loses exactly those checkpoints.

The messages of a task are chosen from :data:`MESSAGES` by key, so one app serves several
tasks::

    hop_thu = EmailApp("cau_2", "Xử lý ba thư mới ...", messages=("moi_hop", "gia_mao_luong"),
                       sheet=phieu)

Every name, address and message is invented; every domain ends in ``.example``, which cannot
belong to anyone, and the one real domain shown (``dichvucong.gov.vn``) only appears as the
text a fake link pretends to be.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused, html_lines
from curriculum.toolkit.scoring import normal_text

__all__ = [
    "CONTACTS",
    "FILES",
    "FOLDERS",
    "MESSAGES",
    "OWNER",
    "Attachment",
    "Contact",
    "EmailApp",
    "FileItem",
    "Link",
    "Message",
    "greets",
    "mentions",
]

MAX_TEXT = 1500
"""Characters a subject or body may hold: a short official letter, and an action file that stays
small."""

_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_GREETINGS = ("kính gửi", "kính thưa", "thưa", "kính chào", "xin chào", "chào")
_GREETINGS_PLAIN = ("kinh gui", "kinh thua", "thua", "kinh chao", "xin chao", "chao")


@dataclass(frozen=True)
class Contact:
    """Someone in the address book; a group has ``members`` (addresses) instead of one address."""

    key: str
    name: str
    address: str = ""
    role: str = ""
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A link in a message: the text shown, and the address it really opens."""

    text: str
    url: str
    page: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message. ``program`` marks a file that runs instead of opening."""

    key: str
    name: str
    size: str
    preview: str = ""
    program: bool = False


@dataclass(frozen=True)
class FileItem:
    """A file on the official's device, offered when attaching."""

    key: str
    name: str
    size: str


@dataclass(frozen=True)
class Message:
    """A message in the mailbox. ``to`` and ``cc`` are addresses."""

    key: str
    sender_name: str
    sender_address: str
    to: tuple[str, ...]
    subject: str
    body: str
    date: str
    cc: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


_DOMAIN = "ubnd-xa-an-binh.example"

OWNER = Contact("toi", "Nguyễn Thị Hà", f"ha.nt@{_DOMAIN}", "Công chức Văn hóa – Xã hội")
"""Whose mailbox it is: an invented commune official of the invented commune of An Bình."""

CITIZENS = (
    Contact("dan_nam", "Hoàng Văn Nam", "hoangvannam@mail.example"),
    Contact("dan_mai", "Đỗ Thị Mai", "dothimai@mail.example"),
    Contact("dan_hung", "Vũ Văn Hùng", "vuvanhung@mail.example"),
    Contact("dan_hoa", "Bùi Thị Hoa", "buithihoa@mail.example"),
    Contact("dan_son", "Ngô Văn Sơn", "ngovanson@mail.example"),
    Contact("dan_yen", "Đặng Thị Yến", "dangthiyen@mail.example"),
)

CONTACTS: tuple[Contact, ...] = (
    Contact("thu", "Nguyễn Thị Thu", f"thu.nt@{_DOMAIN}", "Trưởng phòng Văn hóa – Xã hội"),
    Contact("binh", "Trần Văn Bình", f"binh.tv@{_DOMAIN}", "Phó Chủ tịch UBND xã"),
    Contact("lan", "Phạm Thị Lan", f"lan.pt@{_DOMAIN}", "Chuyên viên Văn hóa – Xã hội"),
    Contact("minh", "Lê Văn Minh", f"minh.lv@{_DOMAIN}", "Chuyên viên Văn hóa – Xã hội"),
    Contact("van_phong", "Văn phòng HĐND và UBND xã", f"vanphong@{_DOMAIN}"),
    Contact("mot_cua", "Bộ phận Một cửa xã An Bình", f"motcua@{_DOMAIN}"),
    Contact("toan_the", "Toàn thể công chức xã (32 người)", f"toanthe@{_DOMAIN}"),
    Contact(
        "nguoi_dan",
        "Nhóm: Người dân đăng ký nhận tin (6 người)",
        members=tuple(c.address for c in CITIZENS),
    ),
    *CITIZENS,
)
"""The address book; ``toan_the`` is a mailing list, ``nguoi_dan`` a group of six citizens."""

FILES: tuple[FileItem, ...] = (
    FileItem("ke_hoach_du_thao", "Ke_hoach_lop_BDHVS_2026_du_thao_v3.docx", "48 KB"),
    FileItem("ke_hoach_da_ky", "Ke_hoach_lop_BDHVS_2026_da_ky.pdf", "312 KB"),
    FileItem("danh_sach_hoc_vien", "Danh_sach_hoc_vien_ho_ten_so_dien_thoai.xlsx", "36 KB"),
    FileItem("lich_tiep_dan", "Lich_tiep_cong_dan_thang_12-2026.pdf", "120 KB"),
    FileItem("anh_man_hinh", "Anh_chup_man_hinh_2026-11-14.png", "1,2 MB"),
    FileItem("mau_bao_cao", "Mau_bao_cao_so_ket_6_thang.docx", "40 KB"),
)
"""Files on the device, offered when attaching."""

FOLDERS = {
    "inbox": "Hộp thư đến",
    "tham_khao": "Tham khảo",
    "spam": "Thư rác",
    "sent": "Đã gửi",
}
"""Folder keys and names; messages can be moved to any but ``sent``."""

_FAKE_PORTAL = (
    "CỔNG DỊCH VỤ CÔNG – CẬP NHẬT LƯƠNG\n\nĐăng nhập bằng số căn cước và mật khẩu để xác nhận "
    "tài khoản nhận lương.\n[Ô số căn cước]  [Ô mật khẩu]  [Nút Đăng nhập]"
)

MESSAGES: dict[str, Message] = {
    m.key: m
    for m in (
        Message(
            key="moi_hop",
            sender_name="Văn phòng HĐND và UBND xã",
            sender_address=f"vanphong@{_DOMAIN}",
            to=(f"toanthe@{_DOMAIN}",),
            subject="[UBND xã An Bình] Giấy mời họp giao ban tháng 11, 14 giờ ngày 20/11/2026",
            body=(
                "Kính gửi các đồng chí công chức xã,\n\n"
                "Văn phòng HĐND và UBND xã trân trọng kính mời các đồng chí dự họp giao ban "
                "tháng 11 lúc 14 giờ ngày 20/11/2026 tại phòng họp tầng 2. Giấy mời và chương "
                "trình họp đính kèm thư này.\n\n"
                "Đề nghị các đồng chí xác nhận tham dự bằng cách trả lời thư này trước 17 giờ "
                "ngày 18/11/2026.\n\nTrân trọng,\nVăn phòng HĐND và UBND xã An Bình"
            ),
            date="14/11/2026 08:05",
            attachments=(
                Attachment(
                    "giay_moi",
                    "Giay_moi_hop_giao_ban_20-11-2026.pdf",
                    "210 KB",
                    preview=(
                        "GIẤY MỜI\nHọp giao ban tháng 11/2026\nThời gian: 14 giờ, ngày "
                        "20/11/2026\nĐịa điểm: phòng họp tầng 2, trụ sở UBND xã An Bình\n"
                        "Thành phần: toàn thể công chức xã\nNội dung: đánh giá công việc tháng "
                        "11, triển khai nhiệm vụ tháng 12."
                    ),
                ),
            ),
        ),
        Message(
            key="gia_mao_luong",
            sender_name="Phòng Nội vụ",
            sender_address="phongnoivu.gov.vn@cap-nhat-luong.example",
            to=(OWNER.address,),
            subject="THÔNG BÁO KHẨN: cập nhật bảng lương mới trong 24 giờ",
            body=(
                "Kính gửi cán bộ, công chức,\n\n"
                "Theo quy định mới, mọi cán bộ phải cập nhật thông tin tài khoản nhận lương "
                "TRONG 24 GIỜ, nếu không sẽ bị tạm dừng chi lương tháng 12. Vui lòng mở tệp "
                "bảng lương đính kèm, hoặc đăng nhập tại liên kết dưới đây để xác nhận.\n\n"
                "Phòng Nội vụ"
            ),
            date="14/11/2026 09:12",
            links=(
                Link(
                    "dichvucong.gov.vn/cap-nhat-luong",
                    "http://dichvucong-gov-vn.cap-nhat-luong.example/dang-nhap",
                    _FAKE_PORTAL,
                ),
            ),
            attachments=(
                Attachment("bang_luong", "Bang_luong_moi_2026.pdf.exe", "2,4 MB", program=True),
            ),
        ),
        Message(
            key="ban_tin",
            sender_name="Bản tin Văn hóa xã An Bình",
            sender_address=f"bantin@{_DOMAIN}",
            to=(f"toanthe@{_DOMAIN}",),
            subject="Bản tin văn hóa tháng 11/2026: lịch chiếu phim lưu động",
            body=(
                "Kính gửi các đồng chí,\n\nBản tin tháng này giới thiệu lịch chiếu phim lưu "
                "động ở các thôn và kết quả hội thi văn nghệ. Mời các đồng chí xem để tham khảo."
                "\n\nBan biên tập"
            ),
            date="13/11/2026 16:40",
            links=(
                Link(
                    "Xem lịch chiếu phim lưu động tháng 11",
                    f"https://{_DOMAIN}/ban-tin/thang-11",
                    "LỊCH CHIẾU PHIM LƯU ĐỘNG THÁNG 11\nThôn 1: 19 giờ ngày 21/11\n"
                    "Thôn 2: 19 giờ ngày 22/11\nThôn 3: 19 giờ ngày 28/11",
                ),
            ),
        ),
        Message(
            key="xin_ke_hoach",
            sender_name="Nguyễn Thị Thu",
            sender_address=f"thu.nt@{_DOMAIN}",
            to=(OWNER.address,),
            subject="Xin bản kế hoạch lớp Bình dân học vụ số đã ký",
            body=(
                "Em Hà ơi,\n\n"
                "Em gửi giúp chị bản Kế hoạch tổ chức lớp Bình dân học vụ số năm 2026 đã ký "
                "(bản PDF) để chị gửi kèm báo cáo nhé. Em CC cho anh Bình (Phó Chủ tịch) để "
                "anh nắm.\n\nChị cảm ơn em.\nThu"
            ),
            date="16/11/2026 10:20",
        ),
        Message(
            key="lich_truc",
            sender_name="Văn phòng HĐND và UBND xã",
            sender_address=f"vanphong@{_DOMAIN}",
            to=(f"toanthe@{_DOMAIN}",),
            subject="[UBND xã An Bình] Lịch trực Tết Nguyên đán 2027",
            body=(
                "Kính gửi các đồng chí,\n\n"
                "Văn phòng gửi lịch trực Tết Nguyên đán 2027 (đính kèm). Đề nghị mỗi đồng chí "
                "trả lời thư này để xác nhận đã nhận lịch trước ngày 25/01/2027.\n\n"
                "Trân trọng,\nVăn phòng HĐND và UBND xã An Bình"
            ),
            date="15/01/2027 07:45",
            attachments=(
                Attachment(
                    "lich_truc_tet",
                    "Lich_truc_Tet_Nguyen_dan_2027.pdf",
                    "95 KB",
                    preview="LỊCH TRỰC TẾT NGUYÊN ĐÁN 2027\n(mỗi ngày hai công chức trực "
                    "tại trụ sở; danh sách theo phòng)",
                ),
            ),
        ),
        Message(
            key="hoi_mau_bao_cao",
            sender_name="Phạm Thị Lan",
            sender_address=f"lan.pt@{_DOMAIN}",
            to=(f"toanthe@{_DOMAIN}",),
            subject="Xin mẫu báo cáo sơ kết 6 tháng mới",
            body=(
                "Kính gửi các anh chị,\n\nAnh chị nào đã có mẫu báo cáo sơ kết 6 tháng theo "
                "hướng dẫn mới, cho em xin với ạ.\n\nEm cảm ơn.\nLan"
            ),
            date="10/06/2026 14:02",
        ),
        Message(
            key="gia_mao_vneid",
            sender_name="VNeID – Thông báo",
            sender_address="thongbao.vneid@xac-thuc-ngay.example",
            to=(OWNER.address,),
            subject="Tài khoản định danh điện tử của bạn sẽ bị khóa sau 12 giờ",
            body=(
                "Hệ thống phát hiện tài khoản định danh điện tử của bạn chưa được xác thực lại. "
                "Cài bản cập nhật đính kèm hoặc bấm vào liên kết để xác thực ngay, nếu không tài "
                "khoản sẽ bị khóa."
            ),
            date="10/06/2026 21:47",
            links=(
                Link(
                    "Xác thực tài khoản tại đây",
                    "http://vneid-xac-thuc.xac-thuc-ngay.example/login",
                    "XÁC THỰC TÀI KHOẢN ĐỊNH DANH\n\nNhập số căn cước, mật khẩu và mã OTP "
                    "vừa nhận qua tin nhắn.\n[Ô số căn cước]  [Ô mật khẩu]  [Ô mã OTP]",
                ),
            ),
            attachments=(Attachment("vneid_apk", "VNeID_cap_nhat.apk", "8,1 MB", program=True),),
        ),
    )
}
"""Every message a task can put in the inbox, by key."""

_SCREENS_BACK = {
    "message": "inbox",
    "attachment": "message",
    "web": "message",
    "move": "message",
    "contacts": "compose",
    "files": "compose",
}
_FIELDS = {"to": "Đến", "cc": "Cc", "bcc": "Bcc"}
_KINDS = {
    "new": "Thư mới",
    "reply": "Trả lời",
    "reply_all": "Trả lời tất cả",
    "forward": "Chuyển tiếp",
}


def mentions(typed: str | None, *phrases: str) -> bool:
    """Whether ``typed`` contains any of ``phrases``, whatever its Unicode form, case and spacing.

    A hidden test lists every reasonable spelling (with and without diacritics) itself, so the
    rule stays visible where the points are given.
    """
    if not typed:
        return False
    folded = normal_text(typed)
    return any(normal_text(phrase) in folded for phrase in phrases)


def greets(body: str | None) -> bool:
    """Whether a letter opens with a greeting ("Kính gửi", "Thưa", "Xin chào", ...).

    A bare "Gửi ..." is not counted: it reads as much as "sending ..." as a greeting, and an
    official letter opens with "Kính gửi".
    """
    if not body:
        return False
    start = normal_text(body)
    return start.startswith(_GREETINGS) or start.startswith(_GREETINGS_PLAIN)


class EmailApp(AppTask):
    """An official mailbox holding the messages ``messages`` (keys of :data:`MESSAGES`).

    ``state["sent"]`` lists what was sent, each a dict with ``kind`` ("new", "reply",
    "reply_all", "forward"), ``in_reply_to`` (the message key or None), ``to``, ``cc``,
    ``bcc`` (lists of addresses), ``subject``, ``body`` and ``attachments`` (file keys).
    ``state["folder_of"]`` says where each message now is; ``state["reported"]`` lists the
    messages reported as phishing.
    """

    title: ClassVar[str] = "✉ Hộp thư công vụ – xã An Bình (ứng dụng luyện tập)"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        messages: Sequence[str],
        files: Sequence[str] | None = None,
        sheet: AnswerSheet,
    ) -> None:
        unknown = [key for key in messages if key not in MESSAGES]
        if unknown or not messages:
            raise ValueError(f"unknown or no messages: {unknown}")
        self.messages = tuple(MESSAGES[key] for key in messages)
        """The messages of this task, newest first as the inbox shows them."""
        every_file = {f.key: f for f in FILES}
        self.files = tuple(every_file[key] for key in (files or every_file))
        """The files on the device that may be attached."""
        self._by_key = {m.key: m for m in self.messages}
        self._attachments = {a.key: a for m in self.messages for a in m.attachments}
        super().__init__(qid, prompt, sheet=sheet)

    # Reading the task's data, for screens and hidden tests.

    @staticmethod
    def address(key: str) -> str:
        """The address of the contact ``key`` (the owner's for "toi")."""
        if key == OWNER.key:
            return OWNER.address
        for contact in CONTACTS:
            if contact.key == key and contact.address:
                return contact.address
        raise KeyError(key)

    @staticmethod
    def members(key: str) -> tuple[str, ...]:
        """The addresses of the group ``key``."""
        for contact in CONTACTS:
            if contact.key == key and contact.members:
                return contact.members
        raise KeyError(key)

    def sent(self, *, reply_to: str | None = None, kind: str | None = None) -> list[dict]:
        """The messages sent so far, only replies to ``reply_to`` or of ``kind`` if given."""
        return [
            dict(m)
            for m in self.state["sent"]
            if (reply_to is None or m["in_reply_to"] == reply_to)
            and (kind is None or m["kind"] == kind)
        ]

    @staticmethod
    def everyone(sent: dict) -> set[str]:
        """Every address a sent message went to (To, Cc and Bcc)."""
        return {*sent["to"], *sent["cc"], *sent["bcc"]}

    def _name_of(self, address: str) -> str:
        if address == OWNER.address:
            return "tôi"
        for contact in CONTACTS:
            if contact.address == address:
                return contact.name
        for message in self.messages:
            if message.sender_address == address:
                return message.sender_name
        return address

    # The state machine.

    def start(self) -> dict[str, Any]:
        return {
            "screen": "inbox",
            "folder": "inbox",
            "open": None,
            "folder_of": {m.key: "inbox" for m in self.messages},
            "read": [],
            "sender_shown": [],
            "links_shown": [],
            "viewing": None,
            "opened": [],
            "downloaded": [],
            "followed": [],
            "reported": [],
            "draft": None,
            "field": None,
            "sent": [],
            "notice": "",
        }

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        name = action["action"]
        handler = getattr(self, f"_do_{name}", None)
        if handler is None:
            raise Refused("Ứng dụng không có nút này.")
        state["notice"] = ""
        handler(state, action)

    # Moving around the mailbox.

    def _do_open_folder(self, state: dict, action: dict) -> None:
        self._on(state, "inbox")
        folder = action.get("folder")
        if folder not in FOLDERS:
            raise Refused("Không có thư mục này.")
        state["folder"] = folder

    def _do_open_message(self, state: dict, action: dict) -> None:
        self._on(state, "inbox")
        key = action.get("id")
        if key not in self._by_key or state["folder_of"][key] != state["folder"]:
            raise Refused("Thư này không có trong thư mục đang xem.")
        state["open"] = key
        state["screen"] = "message"
        if key not in state["read"]:
            state["read"].append(key)

    def _do_back(self, state: dict, action: dict) -> None:
        target = _SCREENS_BACK.get(state["screen"])
        if target is None:
            raise Refused(
                "Đang soạn thư: bấm «Gửi» hoặc «Hủy thư»."
                if state["screen"] == "compose"
                else "Bạn đang ở danh sách thư."
            )
        if target == "inbox":
            state["open"] = None
        state["screen"] = target
        state["viewing"] = None
        state["field"] = None

    # Checking a message.

    def _message(self, state: dict, action: dict) -> Message:
        """The open message, which ``action`` must name: actions act on what is on screen."""
        self._on(state, "message")
        if action.get("id") != state["open"]:
            raise Refused("Hãy mở thư này trước.")
        return self._by_key[state["open"]]

    def _do_view_sender(self, state: dict, action: dict) -> None:
        message = self._message(state, action)
        if message.key not in state["sender_shown"]:
            state["sender_shown"].append(message.key)

    def _link(self, state: dict, action: dict) -> tuple[Message, int]:
        message = self._message(state, action)
        index = action.get("link")
        if not isinstance(index, int) or not 0 <= index < len(message.links):
            raise Refused("Thư không có liên kết này.")
        return message, index

    def _do_inspect_link(self, state: dict, action: dict) -> None:
        message, index = self._link(state, action)
        shown = [message.key, index]
        if shown not in state["links_shown"]:
            state["links_shown"].append(shown)

    def _do_follow_link(self, state: dict, action: dict) -> None:
        message, index = self._link(state, action)
        state["followed"].append([message.key, index])
        state["viewing"] = index
        state["screen"] = "web"

    def _attachment(self, state: dict, action: dict) -> Attachment:
        message = self._message(state, action)
        wanted = action.get("file")
        for attachment in message.attachments:
            if attachment.key == wanted:
                return attachment
        raise Refused("Thư không có tệp đính kèm này.")

    def _do_open_attachment(self, state: dict, action: dict) -> None:
        attachment = self._attachment(state, action)
        state["opened"].append(attachment.key)
        if attachment.program:
            # A program runs rather than shows anything: nothing visible happens, as in life.
            state["notice"] = "Không thấy tài liệu nào hiện ra."
            return
        state["viewing"] = attachment.key
        state["screen"] = "attachment"

    def _do_download_attachment(self, state: dict, action: dict) -> None:
        attachment = self._attachment(state, action)
        state["downloaded"].append(attachment.key)
        state["notice"] = f"Đã tải về máy: {attachment.name}"

    def _do_report_phishing(self, state: dict, action: dict) -> None:
        message = self._message(state, action)
        if state["folder_of"][message.key] == "spam" and message.key in state["reported"]:
            raise Refused("Thư này đã được báo cáo.")
        state["reported"].append(message.key)
        state["folder_of"][message.key] = "spam"
        state["screen"], state["open"] = "inbox", None
        state["notice"] = "Đã báo cáo thư lừa đảo và chuyển thư vào «Thư rác»."

    def _do_open_move(self, state: dict, action: dict) -> None:
        self._message(state, action)
        state["screen"] = "move"

    def _do_move(self, state: dict, action: dict) -> None:
        self._on(state, "move")
        folder = action.get("folder")
        key = state["open"]
        if action.get("id") != key:
            raise Refused("Hãy mở thư này trước.")
        if folder not in FOLDERS or folder == "sent":
            raise Refused("Không chuyển được thư vào thư mục này.")
        if state["folder_of"][key] == folder:
            raise Refused("Thư đã ở thư mục này.")
        state["folder_of"][key] = folder
        state["screen"], state["open"] = "inbox", None
        state["notice"] = f"Đã chuyển thư vào «{FOLDERS[folder]}»."

    # Writing.

    def _do_compose(self, state: dict, action: dict) -> None:
        self._on(state, "inbox")
        state["draft"] = self._draft("new", None, [], [], "", [])
        state["screen"] = "compose"

    def _do_reply(self, state: dict, action: dict) -> None:
        message = self._message(state, action)
        subject = f"Re: {message.subject}"
        state["draft"] = self._draft(
            "reply", message.key, [message.sender_address], [], subject, []
        )
        state["screen"] = "compose"

    def _do_reply_all(self, state: dict, action: dict) -> None:
        message = self._message(state, action)
        to = [message.sender_address, *(a for a in message.to if a != OWNER.address)]
        cc = [a for a in message.cc if a != OWNER.address and a not in to]
        subject = f"Re: {message.subject}"
        state["draft"] = self._draft("reply_all", message.key, to, cc, subject, [])
        state["screen"] = "compose"

    def _do_forward(self, state: dict, action: dict) -> None:
        message = self._message(state, action)
        files = [a.key for a in message.attachments]
        subject = f"Fwd: {message.subject}"
        state["draft"] = self._draft("forward", message.key, [], [], subject, files)
        state["screen"] = "compose"

    @staticmethod
    def _draft(
        kind: str, reply_to: str | None, to: list, cc: list, subject: str, files: list
    ) -> dict[str, Any]:
        return {
            "kind": kind,
            "in_reply_to": reply_to,
            "to": list(to),
            "cc": list(cc),
            "bcc": [],
            "subject": subject,
            "body": "",
            "attachments": list(files),
        }

    def _field(self, state: dict, action: dict) -> str:
        name = action.get("field")
        if name not in _FIELDS:
            raise Refused("Không có ô người nhận này.")
        return name

    def _do_choose_recipient(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        state["field"] = self._field(state, action)
        state["screen"] = "contacts"

    def _add(self, state: dict, name: str, addresses: Iterable[str]) -> None:
        draft = state["draft"]
        present = {*draft["to"], *draft["cc"], *draft["bcc"]}
        new = [a for a in addresses if a not in present]
        if not new:
            raise Refused("Địa chỉ này đã có trong thư.")
        draft[name].extend(new)
        state["screen"], state["field"] = "compose", None

    def _chosen_field(self, state: dict, action: dict) -> str:
        """The recipient field the contacts screen was opened for, which ``action`` must name."""
        self._on(state, "contacts")
        name = self._field(state, action)
        if name != state["field"]:
            raise Refused("Hãy chọn lại ô người nhận.")
        return name

    def _do_add_recipient(self, state: dict, action: dict) -> None:
        name = self._chosen_field(state, action)
        for contact in CONTACTS:
            if contact.key == action.get("contact"):
                self._add(state, name, contact.members or (contact.address,))
                return
        raise Refused("Không có người này trong danh bạ.")

    def _do_type_address(self, state: dict, action: dict) -> None:
        name = self._chosen_field(state, action)
        typed = action.get("address")
        address = normal_text(typed) if isinstance(typed, str) else ""
        if not _ADDRESS.fullmatch(address):
            raise Refused("Địa chỉ thư chưa đúng dạng, ví dụ: ten@co-quan.example")
        self._add(state, name, [address])

    def _do_remove_recipient(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        name = self._field(state, action)
        address = action.get("address")
        if address not in state["draft"][name]:
            raise Refused("Không có địa chỉ này trong ô.")
        state["draft"][name].remove(address)

    def _typed(self, action: dict) -> str:
        typed = action.get("text")
        if not isinstance(typed, str):
            raise Refused("Chưa đọc được chữ vừa gõ.")
        if len(typed) > MAX_TEXT:
            raise Refused(f"Dài quá {MAX_TEXT} ký tự: hãy viết ngắn gọn hơn.")
        return typed

    def _do_type_subject(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        state["draft"]["subject"] = self._typed(action)

    def _do_type_body(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        state["draft"]["body"] = self._typed(action)

    def _do_choose_file(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        state["screen"] = "files"

    def _do_attach(self, state: dict, action: dict) -> None:
        self._on(state, "files")
        key = action.get("file")
        if key not in {f.key for f in self.files}:
            raise Refused("Không có tệp này trên máy.")
        if key in state["draft"]["attachments"]:
            raise Refused("Tệp này đã được đính kèm.")
        state["draft"]["attachments"].append(key)
        state["screen"] = "compose"

    def _do_remove_attachment(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        key = action.get("file")
        if key not in state["draft"]["attachments"]:
            raise Refused("Thư không có tệp đính kèm này.")
        state["draft"]["attachments"].remove(key)

    def _do_send(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        draft = state["draft"]
        if not (draft["to"] or draft["cc"] or draft["bcc"]):
            raise Refused("Thư chưa có người nhận: hãy thêm ít nhất một địa chỉ.")
        state["sent"].append(draft)
        state["draft"], state["open"] = None, None
        state["screen"] = "inbox"
        state["notice"] = "Đã gửi thư."

    def _do_discard(self, state: dict, action: dict) -> None:
        if state["screen"] not in ("compose", "contacts", "files"):
            raise Refused("Không có thư nào đang soạn.")
        state["draft"], state["field"] = None, None
        state["screen"] = "message" if state["open"] else "inbox"

    @staticmethod
    def _on(state: dict, screen: str) -> None:
        if state["screen"] != screen:
            raise Refused("Nút này không có trên màn hình đang mở.")

    # Screens.

    def _screen_inbox(self, state: dict) -> list[widgets.Widget]:
        folder = state["folder"]
        parts: list[widgets.Widget] = [
            self.note(f"<b>{html.escape(FOLDERS[folder])}</b> · {OWNER.address}", escape=False),
            self.row(
                *(
                    self.button(
                        f"{FOLDERS[key]}{' ✓' if key == folder else ''}", "open_folder", folder=key
                    )
                    for key in FOLDERS
                )
            ),
            self.button("✏ Soạn thư mới", "compose"),
        ]
        if folder == "sent":
            sent = state["sent"]
            parts.extend(
                self.note(
                    f"Đến: {', '.join(self._name_of(a) for a in m['to'] + m['cc']) or '(chỉ Bcc)'}"
                    f" · {m['subject'] or '(không có tiêu đề)'}"
                )
                for m in reversed(sent)
            )
            if not sent:
                parts.append(self.note("Chưa có thư nào đã gửi."))
            return parts
        shown = [m for m in self.messages if state["folder_of"][m.key] == folder]
        for message in shown:
            mark = "" if message.key in state["read"] else "● "
            label = f"{mark}{message.sender_name} — {message.subject} ({message.date})"
            parts.append(self.button(label, "open_message", id=message.key))
        if not shown:
            parts.append(self.note("Thư mục trống."))
        return parts

    def _recipients_line(self, label: str, addresses: Sequence[str]) -> str:
        names = ", ".join(self._name_of(a) for a in addresses)
        return f"{label}: {names}"

    def _screen_message(self, state: dict) -> list[widgets.Widget]:
        message = self._by_key[state["open"]]
        key = message.key
        sender = (
            f"Từ: {message.sender_name} <{message.sender_address}>"
            if key in state["sender_shown"]
            else f"Từ: {message.sender_name} ▸ (chạm vào tên để xem địa chỉ)"
        )
        parts: list[widgets.Widget] = [
            self.button("← Danh sách thư", "back"),
            self.note(f"<b>{html.escape(message.subject)}</b>", escape=False),
            self.button(sender, "view_sender", id=key),
            self.note(self._recipients_line("Đến", message.to)),
        ]
        if message.cc:
            parts.append(self.note(self._recipients_line("Cc", message.cc)))
        parts.append(self.note(message.date))
        parts.append(
            self.note(
                f'<div style="border-top:1px solid #ccc;padding-top:6px">'
                f"{html_lines(message.body)}</div>",
                escape=False,
            )
        )
        for index, link in enumerate(message.links):
            parts.append(
                self.note(
                    f'🔗 <span style="color:#1a4fa0;text-decoration:underline">'
                    f"{html.escape(link.text)}</span>",
                    escape=False,
                )
            )
            if [key, index] in state["links_shown"]:
                parts.append(self.note(f"Liên kết thật dẫn tới: {link.url}"))
            parts.append(
                self.row(
                    self.button("Mở liên kết", "follow_link", id=key, link=index),
                    self.button("Giữ lâu: xem địa chỉ thật", "inspect_link", id=key, link=index),
                )
            )
        for attachment in message.attachments:
            parts.append(self.note(f"📎 {attachment.name} ({attachment.size})"))
            parts.append(
                self.row(
                    self.button("Mở xem", "open_attachment", id=key, file=attachment.key),
                    self.button("Tải về", "download_attachment", id=key, file=attachment.key),
                )
            )
        parts.extend(
            [
                self.button("↩ Trả lời", "reply", id=key),
                self.button("👥 Trả lời tất cả", "reply_all", id=key),
                self.button("➜ Chuyển tiếp", "forward", id=key),
                self.button("📁 Chuyển vào thư mục…", "open_move", id=key),
                self.button("⚠ Báo cáo lừa đảo", "report_phishing", id=key),
            ]
        )
        return parts

    def _screen_attachment(self, state: dict) -> list[widgets.Widget]:
        attachment = self._attachments[state["viewing"]]
        return [
            self.button("← Quay lại thư", "back"),
            self.note(f"<b>{html.escape(attachment.name)}</b>", escape=False),
            self.note(
                f'<div style="border:1px solid #bbb;padding:8px;background:#fff">'
                f"{html_lines(attachment.preview)}</div>",
                escape=False,
            ),
        ]

    def _screen_web(self, state: dict) -> list[widgets.Widget]:
        link = self._by_key[state["open"]].links[state["viewing"]]
        return [
            self.button("← Quay lại thư", "back"),
            self.note(f"🌐 {link.url}"),
            self.note(
                f'<div style="border:1px solid #bbb;padding:8px;background:#fff">'
                f"{html_lines(link.page)}</div>",
                escape=False,
            ),
        ]

    def _screen_move(self, state: dict) -> list[widgets.Widget]:
        here = state["folder_of"][state["open"]]
        return [
            self.button("← Quay lại thư", "back"),
            self.note("Chuyển thư vào thư mục:"),
            *(
                self.button(f"📁 {name}", "move", id=state["open"], folder=key)
                for key, name in FOLDERS.items()
                if key not in ("sent", here)
            ),
        ]

    def _screen_compose(self, state: dict) -> list[widgets.Widget]:
        draft = state["draft"]
        parts: list[widgets.Widget] = [
            self.note(f"<b>{_KINDS[draft['kind']]}</b> · Từ: {OWNER.address}", escape=False)
        ]
        for name, label in _FIELDS.items():
            chips = [
                self.button(
                    f"✕ {self._name_of(a)} <{a}>", "remove_recipient", field=name, address=a
                )
                for a in draft[name]
            ]
            parts.append(self.note(f"<b>{label}:</b>", escape=False))
            parts.extend(chips)
            parts.append(self.button(f"+ Thêm vào ô {label}", "choose_recipient", field=name))
        parts.append(self.box("Tiêu đề", "type_subject", value=draft["subject"]))
        parts.append(self.box("Nội dung thư", "type_body", value=draft["body"], lines=6))
        names = {f.key: f.name for f in self.files} | {
            key: a.name for key, a in self._attachments.items()
        }
        for key in draft["attachments"]:
            parts.append(self.button(f"✕ 📎 {names[key]}", "remove_attachment", file=key))
        parts.append(self.button("📎 Đính kèm tệp", "choose_file"))
        if draft["in_reply_to"]:
            original = self._by_key[draft["in_reply_to"]]
            parts.append(
                self.note(
                    f'<div style="color:#555;border-left:3px solid #ccc;padding-left:6px">'
                    f"Thư gốc của {html.escape(original.sender_name)}: "
                    f"{html.escape(original.subject)}</div>",
                    escape=False,
                )
            )
        parts.append(self.row(self.button("➤ Gửi", "send"), self.button("🗑 Hủy thư", "discard")))
        return parts

    def _screen_contacts(self, state: dict) -> list[widgets.Widget]:
        name = state["field"]
        label = _FIELDS[name]
        parts: list[widgets.Widget] = [
            self.button("← Quay lại thư đang soạn", "back"),
            self.note(f"Thêm vào ô <b>{label}</b>:", escape=False),
        ]
        for contact in CONTACTS:
            shown = contact.name if contact.members else f"{contact.name} <{contact.address}>"
            if contact.role:
                shown += f" · {contact.role}"
            parts.append(self.button(shown, "add_recipient", field=name, contact=contact.key))
        parts.append(
            self.form(
                {"address": "Hoặc gõ địa chỉ thư:"}, "Thêm địa chỉ", "type_address", field=name
            )
        )
        return parts

    def _screen_files(self, state: dict) -> list[widgets.Widget]:
        return [
            self.button("← Quay lại thư đang soạn", "back"),
            self.note("Chọn tệp trên máy để đính kèm:"),
            *(self.button(f"📄 {f.name} ({f.size})", "attach", file=f.key) for f in self.files),
        ]
