"""VNeID, the national identification app, simulated on a phone for tasks done by tapping.

The learner holds a phone with two things on it, as in real life: the text messages and the
VNeID app. Three everyday tasks can be set with the same app, by what the constructor is given:

- **activating a level-2 account** (``activated=False``): a citizen who registered at the police
  when her chip-based identity card was made receives a message that the account was approved;
  she activates it in the app with the code sent by SMS and sets a passcode. On the way, a
  lookalike message offers a link and a stranger calls to ask for the code;
- **everyday use and account safety**: show a document from the "Ví giấy tờ" (document wallet),
  log out a phone no longer in use, change the passcode;
- **residence notification** (thông báo lưu trú): tell the police that guests are staying at
  home, in the app's administrative procedures.

Every person, number, address and message is invented. Identity numbers follow a placeholder
pattern ("MẪU-0417") that cannot be mistaken for a real 12-digit number. The real app's screens
and menus change from version to version; the simulation keeps only what every version asks of
the user, and the lesson tells learners to follow what their own app shows.

**Secrets are never saved.** A learner may type a passcode they really use, so the app never
puts a typed passcode, password or code for a fake page into the answer sheet: the form turns
what was typed into a verdict on the phone ("too easy to guess", "does not match", "wrong
passcode") and only the verdict becomes the recorded action, e.g. ``{"action": "set_passcode",
"de_doan": False}``. The same action from code (a solution or a test) gives the verdict
directly. Activation codes and identity numbers are the app's own invented data and are
recorded as typed, which lets a grader see what the learner copied; a number that matches no
one in the task is refused, so nothing else a learner types is kept.

Actions (``{"action": name, ...details}``): on the phone ``home``, ``open_messages``,
``open_message`` (``id``), ``follow_link``, ``enter_on_fake_page`` (``da_nhap``: which boxes
were filled), and for a call ``answer_call``, ``decline_call``, ``share_code``, ``hang_up``; in
VNeID ``open_vneid``, ``open_activation``, ``open_register``, ``register`` and
``request_activation`` (``so_dinh_danh``, ``so_dien_thoai``), ``log_in``, ``enter_code``
(``ma``), ``set_passcode`` (``de_doan``), ``open_wallet``, ``unlock_wallet``,
``open_document`` (``id``), ``open_procedures``, ``open_procedure`` and ``start_procedure``
(``id``), ``choose`` (``field``, ``value``), ``add_guest`` (``so_dinh_danh``, ``ho_ten``),
``remove_guest`` (``id``), ``review_stay``, ``edit_stay``, ``send_stay``, ``open_personal``,
``open_devices``, ``logout_device`` (``id``), ``open_change_passcode``, ``change_passcode``
(``de_doan``). A form whose check failed sends ``loi`` (the reason) instead, which is
refused: nothing is recorded and the reason is shown under the screen.

What hidden tests read in ``task.state``:

================  ========================================================================
``level``         2 once the account is activated (or from the start), else None
``call``          None, "ringing", "answered" or "ended"
``sent``          residence notifications sent: ``noi_o``, ``tu_ngay``, ``den_ngay``,
                  ``ly_do``, ``khach`` (guests' id numbers), ``ma`` (the file code)
``devices``       ids of the devices still logged in
``passcode_set``, ``passcode_changed``, ``wallet_open``, ``inbox``, ``unread``
================  ========================================================================
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused

__all__ = [
    "ACTIVATION_CODE",
    "ANH_KHOA",
    "BA_TU",
    "CHI_NHUNG",
    "Citizen",
    "DOCUMENTS",
    "Device",
    "Document",
    "Message",
    "ONG_TAM",
    "PROCEDURES",
    "STAY_DATES",
    "STAY_REASONS",
    "VNeID",
    "easy_passcode",
    "filled_boxes",
    "folded",
    "id_key",
]


def folded(typed: str) -> str:
    """``typed`` without diacritics, case or extra spaces.

    People type Vietnamese on keyboards that give different Unicode forms, or on phones with
    no Vietnamese input at all ("Le Thi Hong Nhung"); a name or an id read off a card is the
    same name whichever way it arrives.
    """
    plain = typed.replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFD", plain) if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def filled_boxes(typed: Mapping[str, str]) -> dict[str, Any]:
    """What a lookalike page's form records: which boxes were filled (``da_nhap``), never what.

    Whatever a learner types on a fake page may be a real password or code.
    """
    return {"da_nhap": [key for key, value in typed.items() if value.strip()]}


def id_key(typed: str) -> str:
    """An identity number or file code as letters and digits only: "mau 0417" is "MẪU-0417"."""
    return re.sub(r"[^0-9a-z]", "", folded(typed))


def _digits(typed: str) -> str:
    return re.sub(r"\D", "", typed)


def easy_passcode(code: str, *, birth: str = "", phone: str = "") -> bool:
    """Whether a 6-digit passcode is among the first a stranger would try.

    Easy: one or two digits only (111111, 121212), a run up or down (123456, 987654, also
    around 0), a half repeated (123123), the birth date as day-month-year, year-month-day or
    month-day-year with two-digit years, a code holding the birth year, and the last six digits
    of the phone number. ``birth`` is "dd/mm/yyyy"; a code that is not 6 digits is easy too.
    """
    if not re.fullmatch(r"\d{6}", code):
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in zip(code, code[1:], strict=False)}
    if len(set(code)) <= 2 or steps in ({1}, {9}) or code[:3] == code[3:]:
        return True
    parts = re.findall(r"\d+", birth)
    if len(parts) == 3:
        day, month, year = (p.zfill(2) for p in parts)
        short = year[-2:]
        if code in {day + month + short, short + month + day, month + day + short}:
            return True
        if len(year) == 4 and year in code:
            return True
    return bool(phone) and code == _digits(phone)[-6:]


@dataclass(frozen=True)
class Citizen:
    """An invented person: what the app knows of its owner, or of a guest it can look up."""

    name: str
    id_number: str
    phone: str = ""
    birth: str = ""
    """Date of birth, "dd/mm/yyyy"."""
    address: str = ""


@dataclass(frozen=True)
class Message:
    """A text message on the phone; ``link`` is the address it asks the reader to open."""

    id: str
    sender: str
    text: str
    link: str = ""


@dataclass(frozen=True)
class Document:
    """A document integrated in the "Ví giấy tờ", shown as (label, value) lines."""

    id: str
    name: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Device:
    """A phone the account is logged in on; ``current`` is the one in the learner's hand."""

    id: str
    name: str
    detail: str
    current: bool = False


@dataclass(frozen=True)
class _Procedure:
    id: str
    name: str
    about: str


BA_TU = Citizen(
    name="Trần Thị Tư",
    id_number="MẪU-0101",
    phone="0912 000 101",
    birth="15/05/1960",
    address="Số 8, thôn Đông Hòa, xã Mẫu Sơn",
)
"""The owner in the activation task (invented)."""

ONG_TAM = Citizen(
    name="Nguyễn Văn Tám",
    id_number="MẪU-0308",
    phone="0912 000 308",
    birth="02/09/1958",
    address="Số 12, thôn Đông Hòa, xã Mẫu Sơn",
)
"""The owner in the everyday and residence tasks (invented)."""

CHI_NHUNG = Citizen(name="Lê Thị Hồng Nhung", id_number="MẪU-0417", birth="20/11/1994")
ANH_KHOA = Citizen(name="Phạm Văn Khoa", id_number="MẪU-0418", birth="03/04/1992")

ACTIVATION_CODE = "418627"
"""The code of the activation SMS (invented)."""

CALLER = "0912 000 555"

DOCUMENTS = (
    Document(
        "can_cuoc",
        "Căn cước điện tử",
        (("Họ và tên", "{name}"), ("Số định danh cá nhân", "{id}"), ("Ngày sinh", "{birth}")),
    ),
    Document(
        "gplx",
        "Giấy phép lái xe",
        (("Hạng", "A1"), ("Số", "MẪU-GPLX-0308"), ("Có giá trị đến", "Không thời hạn")),
    ),
    Document(
        "bhyt",
        "Thẻ bảo hiểm y tế",
        (
            ("Mã thẻ", "MẪU-BHYT-0308"),
            ("Nơi đăng ký khám chữa bệnh ban đầu", "Trạm Y tế xã Mẫu Sơn"),
            ("Giá trị sử dụng", "đến 31/12/2026"),
        ),
    ),
    Document(
        "dang_ky_xe",
        "Chứng nhận đăng ký xe",
        (("Loại xe", "Xe máy"), ("Biển số", "99-MẪU 003.08")),
    ),
)
"""The documents of the wallet (invented data; the real list depends on each person)."""

PROCEDURES = (
    _Procedure(
        "thuong_tru",
        "Đăng ký thường trú",
        "Đăng ký nơi sinh sống ổn định, lâu dài của mình.",
    ),
    _Procedure(
        "tam_tru",
        "Đăng ký tạm trú",
        "Khi chính mình đến sinh sống ở một chỗ ở khác, ngoài xã, phường nơi thường trú, để "
        "làm việc, học tập... từ 30 ngày trở lên.",
    ),
    _Procedure(
        "luu_tru",
        "Thông báo lưu trú",
        "Khi có người đến ở lại nhà mình trong thời gian ngắn (dưới 30 ngày) mà nơi này "
        "không phải nơi thường trú, tạm trú của họ: thành viên hộ gia đình thông báo với "
        "công an.",
    ),
    _Procedure(
        "tam_vang",
        "Khai báo tạm vắng",
        "Khi chính mình đi khỏi nơi cư trú trong những trường hợp luật quy định phải khai báo.",
    ),
)
"""The residence procedures offered in the app (a shortened list; the real app has more)."""

STAY_DATES = (
    "19/10/2026",
    "20/10/2026",
    "21/10/2026",
    "22/10/2026",
    "23/10/2026",
    "24/10/2026",
)
STAY_REASONS = ("Thăm người thân", "Du lịch", "Làm việc", "Học tập")
PLACES = {
    "nha": "Nơi thường trú: {address}",
    "nha_tro": "Nhà cho thuê: số 5, ngõ Chợ, phường Mẫu Lâm",
}

_FIRST_CODE = 31
_HOME = "dien_thoai"
_CALL_ACTIONS = {"answer_call", "decline_call", "share_code", "hang_up"}
# The screens on which each action has a button; "home" is on every screen but the home one.
_WHERE = {
    "open_vneid": {
        "dien_thoai",
        "tin_nhan",
        "tin_nhan_mo",
        "dang_ky",
        "kich_hoat",
        "vi_khoa",
        "vi",
        "giay_to",
        "thu_tuc",
        "luu_tru_xong",
        "ca_nhan",
    },
    "open_messages": {"dien_thoai", "tin_nhan_mo", "nhap_ma"},
    "open_message": {"tin_nhan", "nhap_ma"},
    "follow_link": {"tin_nhan_mo"},
    "enter_on_fake_page": {"trang_la"},
    "open_activation": {"vneid_chao"},
    "open_register": {"vneid_chao"},
    "log_in": {"vneid_chao"},
    "register": {"dang_ky"},
    "request_activation": {"kich_hoat"},
    "enter_code": {"nhap_ma"},
    "set_passcode": {"dat_passcode"},
    "open_wallet": {"vneid_home", "giay_to"},
    "unlock_wallet": {"vi_khoa"},
    "open_document": {"vi"},
    "open_procedures": {"vneid_home", "thu_tuc_mo", "thu_tuc_khac", "luu_tru"},
    "open_procedure": {"thu_tuc"},
    "start_procedure": {"thu_tuc_mo"},
    "choose": {"luu_tru"},
    "add_guest": {"luu_tru"},
    "remove_guest": {"luu_tru"},
    "review_stay": {"luu_tru"},
    "edit_stay": {"luu_tru_xem_lai"},
    "send_stay": {"luu_tru_xem_lai"},
    "open_personal": {"vneid_home", "thiet_bi", "doi_passcode"},
    "open_devices": {"ca_nhan"},
    "logout_device": {"thiet_bi"},
    "open_change_passcode": {"ca_nhan"},
    "change_passcode": {"doi_passcode"},
}
_PASSCODE_PROBLEMS = {
    "khong_du_6_so": "Passcode phải gồm đúng 6 chữ số.",
    "khong_khop": "Hai lần nhập passcode mới chưa giống nhau.",
    "sai_passcode": "Passcode chưa đúng. Hãy nhập lại.",
    "giong_cu": "Passcode mới phải khác passcode cũ.",
}


class VNeID(AppTask):
    """The phone of an invented citizen: text messages, calls and the VNeID app.

    ``activated=False`` sets the activation task: the account waits for activation, the
    approval message and ``messages`` are in the inbox, and a stranger calls once the code
    is sent (``scam_call``). Otherwise the account is a level-2 account in use: ``passcode``
    is its current passcode (invented, given in the task), ``devices`` the phones it is
    logged in on, ``people`` who can be declared as guests.
    """

    title = "Điện thoại (mô phỏng): Tin nhắn và ứng dụng VNeID"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        sheet: AnswerSheet,
        owner: Citizen = ONG_TAM,
        activated: bool = True,
        passcode: str = "",
        messages: Sequence[Message] = (),
        devices: Sequence[Device] = (),
        people: Sequence[Citizen] = (CHI_NHUNG, ANH_KHOA),
        scam_call: bool = True,
    ) -> None:
        self.owner = owner
        self.activated = activated
        self.passcode = passcode
        self.devices = tuple(devices)
        self.people = tuple(people)
        self.scam_call = scam_call and not activated
        approval = Message(
            "duyet",
            "BoCongAn (tin nhắn mẫu)",
            f"Hồ sơ đăng ký tài khoản định danh điện tử của công dân {owner.name} đã được "
            "phê duyệt. Đề nghị mở ứng dụng VNeID để kích hoạt tài khoản.",
        )
        self.messages = {m.id: m for m in ((approval,) if not activated else ()) + tuple(messages)}
        self.messages["otp"] = Message(
            "otp",
            "VNeID (tin nhắn mẫu)",
            f"Mã kích hoạt tài khoản định danh điện tử của bạn là {ACTIVATION_CODE}. "
            "Tuyệt đối không cung cấp mã này cho bất kỳ ai.",
        )
        super().__init__(qid, prompt, sheet=sheet)

    # The state.

    def start(self) -> dict[str, Any]:
        inbox = [m for m in self.messages if m != "otp"]
        return {
            "screen": _HOME,
            "inbox": inbox,
            "unread": list(inbox),
            "message": None,
            "link": None,
            "level": 2 if self.activated else None,
            "activation": None,
            "call": None,
            "passcode_set": False,
            "wallet_open": False,
            "document": None,
            "procedure": None,
            "stay": _empty_stay(),
            "sent": [],
            "devices": [d.id for d in self.devices],
            "passcode_changed": False,
        }

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        name = action["action"]
        if state["call"] in ("ringing", "answered"):
            if name not in _CALL_ACTIONS:
                raise Refused("Đang có cuộc gọi đến: hãy nghe hoặc từ chối cuộc gọi trước.")
            self._call(state, name)
            return
        if name == "home":
            if state["screen"] == _HOME:
                raise Refused("Điện thoại đang ở màn hình chính.")
            state["screen"] = _HOME
        elif name in _CALL_ACTIONS:
            raise Refused("Không có cuộc gọi nào.")
        elif state["screen"] not in _WHERE.get(name, ()):
            raise Refused("Màn hình đang mở không có nút này.")
        else:
            getattr(self, f"_do_{name}")(state, action)

    # What each action does (the screen was checked before).

    def _call(self, state: dict[str, Any], name: str) -> None:
        moves = {
            ("answer_call", "ringing"): "answered",
            ("decline_call", "ringing"): "ended",
            ("share_code", "answered"): "ended",
            ("hang_up", "answered"): "ended",
        }
        if (name, state["call"]) not in moves:
            raise Refused("Nút này không có trên màn hình cuộc gọi.")
        state["call"] = moves[name, state["call"]]

    def _do_open_vneid(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = self._vneid_screen(state)

    def _do_open_messages(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "tin_nhan"

    def _do_open_message(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        message_id = action.get("id")
        if message_id not in state["inbox"]:
            raise Refused("Không có tin nhắn này.")
        if state["screen"] == "nhap_ma" and not (message_id == "otp" and "otp" in state["unread"]):
            raise Refused("Màn hình đang mở không có nút này.")
        state["message"] = message_id
        if message_id in state["unread"]:
            state["unread"].remove(message_id)
        state["screen"] = "tin_nhan_mo"

    def _do_follow_link(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        message = self.messages[state["message"]]
        if not message.link:
            raise Refused("Tin nhắn này không có đường link.")
        state["link"] = message.link
        state["screen"] = "trang_la"

    def _do_enter_on_fake_page(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        filled = action.get("da_nhap")
        if not isinstance(filled, list) or not filled:
            raise Refused("Trang này báo: hãy nhập đủ thông tin.")
        state["screen"] = "trang_la_xong"

    def _do_open_activation(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "kich_hoat"

    def _do_open_register(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "dang_ky"

    def _do_log_in(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        raise Refused(
            "Tài khoản chưa được kích hoạt. Tài khoản đã được cơ quan công an phê duyệt thì "
            "chọn «Kích hoạt tài khoản định danh điện tử»."
        )

    def _do_register(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._check_owner(action)
        raise Refused(
            "Số định danh này đã có tài khoản định danh điện tử mức độ 2 được phê duyệt, đang "
            "chờ kích hoạt. Không cần đăng ký mới: quay lại và chọn «Kích hoạt tài khoản "
            "định danh điện tử»."
        )

    def _do_request_activation(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._check_owner(action)
        state["activation"] = "code_sent"
        if "otp" not in state["inbox"]:
            state["inbox"].append("otp")
            state["unread"].append("otp")
        state["screen"] = "nhap_ma"
        if self.scam_call and state["call"] is None:
            state["call"] = "ringing"

    def _do_enter_code(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if _digits(str(action.get("ma", ""))) != ACTIVATION_CODE:
            raise Refused("Mã kích hoạt chưa đúng. Mở tin nhắn SMS vừa nhận để xem mã.")
        state["activation"] = "code_ok"
        state["screen"] = "dat_passcode"

    def _do_set_passcode(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _refuse_problem(action)
        if not isinstance(action.get("de_doan"), bool):
            raise Refused("Hãy đặt passcode gồm 6 chữ số.")
        state["passcode_set"] = True
        state["activation"] = "done"
        state["level"] = 2
        state["screen"] = "vneid_home"

    def _do_open_wallet(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "vi" if state["wallet_open"] else "vi_khoa"

    def _do_unlock_wallet(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _refuse_problem(action)
        state["wallet_open"] = True
        state["screen"] = "vi"

    def _do_open_document(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if action.get("id") not in {d.id for d in DOCUMENTS}:
            raise Refused("Không có giấy tờ này trong ví.")
        state["document"] = action["id"]
        state["screen"] = "giay_to"

    def _do_open_procedures(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "thu_tuc"

    def _do_open_procedure(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if action.get("id") not in {p.id for p in PROCEDURES}:
            raise Refused("Không có thủ tục này.")
        state["procedure"] = action["id"]
        state["screen"] = "thu_tuc_mo"

    def _do_start_procedure(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if action.get("id") != state["procedure"]:
            raise Refused("Hãy mở thủ tục trước khi bấm thực hiện.")
        if state["procedure"] == "luu_tru":
            state["stay"] = _empty_stay()
            state["screen"] = "luu_tru"
        else:
            state["screen"] = "thu_tuc_khac"

    def _do_choose(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        field, value = action.get("field"), action.get("value")
        allowed = {
            "noi_o": set(PLACES),
            "tu_ngay": set(STAY_DATES),
            "den_ngay": set(STAY_DATES),
            "ly_do": set(STAY_REASONS),
        }
        if field not in allowed or value not in allowed[field]:
            raise Refused("Không có lựa chọn này.")
        state["stay"][field] = value

    def _do_add_guest(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        typed_id = str(action.get("so_dinh_danh", ""))
        typed_name = str(action.get("ho_ten", ""))
        if not typed_id.strip() or not typed_name.strip():
            raise Refused("Hãy nhập số định danh cá nhân và họ tên của người lưu trú.")
        person = next((p for p in self.people if id_key(p.id_number) == id_key(typed_id)), None)
        if person is None:
            raise Refused(
                "Không tìm thấy công dân có số định danh này. Hãy đối chiếu lại với giấy tờ "
                "của khách."
            )
        if folded(person.name) != folded(typed_name):
            raise Refused("Họ tên chưa khớp với số định danh. Hãy đối chiếu lại với giấy tờ.")
        if person.id_number in state["stay"]["khach"]:
            raise Refused("Người này đã có trong danh sách.")
        state["stay"]["khach"].append(person.id_number)

    def _do_remove_guest(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if action.get("id") not in state["stay"]["khach"]:
            raise Refused("Người này không có trong danh sách.")
        state["stay"]["khach"].remove(action["id"])

    def _do_review_stay(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        stay = state["stay"]
        missing = [
            label
            for key, label in (
                ("noi_o", "nơi lưu trú"),
                ("tu_ngay", "ngày đến"),
                ("den_ngay", "ngày đi"),
                ("ly_do", "lý do"),
            )
            if not stay[key]
        ]
        if missing:
            raise Refused("Còn thiếu: " + ", ".join(missing) + ".")
        if not stay["khach"]:
            raise Refused("Hãy thêm ít nhất một người lưu trú.")
        if STAY_DATES.index(stay["den_ngay"]) < STAY_DATES.index(stay["tu_ngay"]):
            raise Refused("Ngày đi không được trước ngày đến.")
        state["screen"] = "luu_tru_xem_lai"

    def _do_edit_stay(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "luu_tru"

    def _do_send_stay(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        code = f"LT-MẪU-{_FIRST_CODE + len(state['sent']):04d}"
        state["sent"].append({**state["stay"], "khach": list(state["stay"]["khach"]), "ma": code})
        state["stay"] = _empty_stay()
        state["screen"] = "luu_tru_xong"

    def _do_open_personal(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "ca_nhan"

    def _do_open_devices(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "thiet_bi"

    def _do_logout_device(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        device = next((d for d in self.devices if d.id == action.get("id")), None)
        if device is None or device.id not in state["devices"]:
            raise Refused("Tài khoản không còn đăng nhập trên thiết bị này.")
        if device.current:
            raise Refused("Đây là điện thoại bạn đang dùng; muốn đăng xuất thì dùng mục Đăng xuất.")
        state["devices"].remove(device.id)

    def _do_open_change_passcode(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "doi_passcode"

    def _do_change_passcode(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _refuse_problem(action)
        if not isinstance(action.get("de_doan"), bool):
            raise Refused("Hãy nhập passcode cũ và passcode mới.")
        state["passcode_changed"] = True
        state["screen"] = "ca_nhan"

    def _check_owner(self, action: Mapping[str, Any]) -> None:
        same_id = id_key(str(action.get("so_dinh_danh", ""))) == id_key(self.owner.id_number)
        same_phone = _digits(str(action.get("so_dien_thoai", ""))) == _digits(self.owner.phone)
        if not (same_id and same_phone):
            raise Refused(
                "Thông tin chưa khớp với hồ sơ đã đăng ký. Hãy xem lại số định danh trên thẻ "
                "căn cước và số điện thoại đã khai với công an."
            )

    def _vneid_screen(self, state: dict[str, Any]) -> str:
        if state["level"] == 2:
            return "vneid_home"
        if state["activation"] == "code_sent":
            return "nhap_ma"
        if state["activation"] == "code_ok":
            return "dat_passcode"
        return "vneid_chao"

    # What the learner sees.

    def screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        if state["call"] in ("ringing", "answered"):
            return self._call_screen(state)
        parts = self.screen_named(state)
        if state["screen"] != _HOME:
            parts.append(self.button("⌂ Màn hình chính của điện thoại", "home"))
        return parts

    def _call_screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        if state["call"] == "ringing":
            return [
                self.note(f"📞 Cuộc gọi đến: {CALLER} (số lạ)"),
                self.button("Nghe máy", "answer_call"),
                self.button("Từ chối cuộc gọi", "decline_call"),
            ]
        return [
            self.note(f"📞 Đang nghe máy: {CALLER}"),
            self.note(
                "«Chào bà, tôi là cán bộ công an phường. Hệ thống báo bà đang kích hoạt tài "
                "khoản định danh. Bà đọc giúp tôi mã 6 số vừa gửi về máy, tôi kích hoạt nhanh "
                "cho bà, không thì tài khoản bị khóa.»"
            ),
            self.button("Đọc mã cho người gọi", "share_code"),
            self.button("Không đọc mã, tắt máy", "hang_up"),
        ]

    def _screen_dien_thoai(self, state: dict[str, Any]) -> list[widgets.Widget]:
        unread = len(state["unread"])
        badge = f" ({unread} chưa đọc)" if unread else ""
        return [
            self.note("Màn hình chính của điện thoại."),
            self.button(f"💬 Tin nhắn{badge}", "open_messages"),
            self.button("🪪 Mở ứng dụng VNeID", "open_vneid"),
        ]

    def _screen_tin_nhan(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [self.note("Tin nhắn")]
        for message_id in reversed(state["inbox"]):
            message = self.messages[message_id]
            new = "● " if message_id in state["unread"] else ""
            parts.append(
                self.button(
                    f"{new}{message.sender}: {message.text[:40]}…", "open_message", id=message_id
                )
            )
        parts.append(self.button("🪪 Mở ứng dụng VNeID", "open_vneid"))
        return parts

    def _screen_tin_nhan_mo(self, state: dict[str, Any]) -> list[widgets.Widget]:
        message = self.messages[state["message"]]
        parts = [self.note(f"Từ: {message.sender}"), self.note(message.text)]
        if message.link:
            parts.append(self.button(f"🔗 {message.link}", "follow_link"))
        parts.append(self.button("← Danh sách tin nhắn", "open_messages"))
        parts.append(self.button("🪪 Mở ứng dụng VNeID", "open_vneid"))
        return parts

    def _screen_trang_la(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note(f"Trình duyệt: {state['link']}"),
            self.note("KÍCH HOẠT / BẢO VỆ TÀI KHOẢN ĐỊNH DANH. Nhập thông tin để tiếp tục:"),
            self.form(
                {
                    "so_dinh_danh": "Số định danh cá nhân",
                    "mat_khau": "Mật khẩu VNeID",
                    "ma": "Passcode hoặc mã OTP",
                },
                "Xác nhận",
                "enter_on_fake_page",
                secret=filled_boxes,
            ),
        ]

    def _screen_trang_la_xong(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [self.note(f"Trình duyệt: {state['link']}"), self.note("Đang xử lý, vui lòng chờ…")]

    def _screen_vneid_chao(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note("VNeID – Ứng dụng định danh quốc gia"),
            self.button("Kích hoạt tài khoản định danh điện tử", "open_activation"),
            self.button("Đăng ký tài khoản", "open_register"),
            self.button("Đăng nhập", "log_in"),
        ]

    def _owner_form(self, submit: str, action: str) -> widgets.VBox:
        return self.form(
            {"so_dinh_danh": "Số định danh cá nhân", "so_dien_thoai": "Số điện thoại"},
            submit,
            action,
        )

    def _screen_dang_ky(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note("Đăng ký tài khoản định danh điện tử"),
            self._owner_form("Tiếp tục", "register"),
            self.button("← Quay lại", "open_vneid"),
        ]

    def _screen_kich_hoat(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note("Kích hoạt tài khoản định danh điện tử"),
            self._owner_form("Gửi yêu cầu", "request_activation"),
            self.button("← Quay lại", "open_vneid"),
        ]

    def _screen_nhap_ma(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = []
        if "otp" in state["unread"]:
            parts.append(
                self.button("🔔 Tin nhắn mới: VNeID (bấm để xem)", "open_message", id="otp")
            )
        parts += [
            self.note("Nhập mã kích hoạt đã được gửi đến số điện thoại của bạn."),
            self.form({"ma": "Mã kích hoạt"}, "Xác nhận", "enter_code"),
            self.button("💬 Xem tin nhắn", "open_messages"),
        ]
        return parts

    def _screen_dat_passcode(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note(
                "Thiết lập passcode: 6 chữ số, dùng khi mở các tiện ích của ứng dụng. "
                "Đây là bài tập: đừng nhập passcode thật của bạn."
            ),
            self.form(
                {"moi": "Passcode (6 chữ số)", "nhap_lai": "Nhập lại passcode"},
                "Xác nhận",
                "set_passcode",
                secret=self._new_passcode_verdict,
            ),
        ]

    def _screen_vneid_home(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note(
                f"Xin chào {self.owner.name}. Tài khoản định danh điện tử mức độ {state['level']}."
            ),
            self.button("📂 Ví giấy tờ", "open_wallet"),
            self.button("📝 Thủ tục hành chính", "open_procedures"),
            self.button("👤 Cá nhân", "open_personal"),
        ]

    def _screen_vi_khoa(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note("Nhập passcode để mở Ví giấy tờ."),
            self.form(
                {"passcode": "Passcode"}, "Mở ví", "unlock_wallet", secret=self._unlock_verdict
            ),
            self.button("← Trang chủ VNeID", "open_vneid"),
        ]

    def _screen_vi(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [self.note("Ví giấy tờ")]
        parts += [self.button(d.name, "open_document", id=d.id) for d in DOCUMENTS]
        parts.append(self.button("← Trang chủ VNeID", "open_vneid"))
        return parts

    def _screen_giay_to(self, state: dict[str, Any]) -> list[widgets.Widget]:
        document = next(d for d in DOCUMENTS if d.id == state["document"])
        fill = {"name": self.owner.name, "id": self.owner.id_number, "birth": self.owner.birth}
        rows = "".join(
            f"<div><b>{_esc(label)}:</b> {_esc(value.format(**fill))}</div>"
            for label, value in document.lines
        )
        return [
            self.note(document.name),
            self.note(rows, escape=False),
            self.button("← Ví giấy tờ", "open_wallet"),
            self.button("← Trang chủ VNeID", "open_vneid"),
        ]

    def _screen_thu_tuc(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [self.note("Thủ tục hành chính: cư trú")]
        parts += [self.button(p.name, "open_procedure", id=p.id) for p in PROCEDURES]
        parts.append(self.button("← Trang chủ VNeID", "open_vneid"))
        return parts

    def _screen_thu_tuc_mo(self, state: dict[str, Any]) -> list[widgets.Widget]:
        procedure = next(p for p in PROCEDURES if p.id == state["procedure"])
        return [
            self.note(procedure.name),
            self.note(procedure.about),
            self.button("Thực hiện thủ tục này", "start_procedure", id=procedure.id),
            self.button("← Danh sách thủ tục", "open_procedures"),
        ]

    def _screen_thu_tuc_khac(self, state: dict[str, Any]) -> list[widgets.Widget]:
        procedure = next(p for p in PROCEDURES if p.id == state["procedure"])
        return [
            self.note(
                f"{procedure.name}: thủ tục này cần khai thêm nhiều thông tin và giấy tờ; "
                "bài tập mô phỏng đến đây."
            ),
            self.button("← Danh sách thủ tục", "open_procedures"),
        ]

    def _screen_luu_tru(self, state: dict[str, Any]) -> list[widgets.Widget]:
        stay = state["stay"]
        places = {key: label.format(address=self.owner.address) for key, label in PLACES.items()}
        parts = [
            self.note("Thông báo lưu trú"),
            self._choices("Nơi lưu trú", "noi_o", places, stay["noi_o"]),
            self._choices(
                "Từ ngày", "tu_ngay", {d: f"từ {d}" for d in STAY_DATES}, stay["tu_ngay"]
            ),
            self._choices(
                "Đến ngày", "den_ngay", {d: f"đến {d}" for d in STAY_DATES}, stay["den_ngay"]
            ),
            self._choices("Lý do lưu trú", "ly_do", {r: r for r in STAY_REASONS}, stay["ly_do"]),
            self.note("Người lưu trú:"),
        ]
        for guest_id in stay["khach"]:
            guest = next(p for p in self.people if p.id_number == guest_id)
            parts.append(self.note(f"• {guest.name} ({guest.id_number})"))
            parts.append(self.button(f"Xóa {guest.name}", "remove_guest", id=guest_id))
        parts.append(
            self.form(
                {"so_dinh_danh": "Số định danh cá nhân", "ho_ten": "Họ và tên"},
                "+ Thêm người lưu trú",
                "add_guest",
            )
        )
        parts.append(self.button("Tiếp tục", "review_stay"))
        parts.append(self.button("← Danh sách thủ tục", "open_procedures"))
        return parts

    def _screen_luu_tru_xem_lai(self, state: dict[str, Any]) -> list[widgets.Widget]:
        stay = state["stay"]
        guests = ", ".join(p.name for p in self.people if p.id_number in stay["khach"])
        place = PLACES[stay["noi_o"]].format(address=self.owner.address)
        return [
            self.note("Kiểm tra lại trước khi gửi"),
            self.note(f"Nơi lưu trú: {place}"),
            self.note(f"Thời gian: từ {stay['tu_ngay']} đến {stay['den_ngay']}"),
            self.note(f"Lý do: {stay['ly_do']}"),
            self.note(f"Người lưu trú: {guests}"),
            self.button("Gửi thông báo", "send_stay"),
            self.button("← Sửa", "edit_stay"),
        ]

    def _screen_luu_tru_xong(self, state: dict[str, Any]) -> list[widgets.Widget]:
        code = state["sent"][-1]["ma"]
        return [
            self.note(f"Đã gửi thông báo lưu trú. Mã hồ sơ: {code}."),
            self.button("← Trang chủ VNeID", "open_vneid"),
        ]

    def _screen_ca_nhan(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [self.note(f"Cá nhân: {self.owner.name}")]
        if state["passcode_changed"]:
            parts.append(self.note("Đã đổi passcode."))
        parts += [
            self.button("📱 Thiết bị đăng nhập", "open_devices"),
            self.button("🔑 Đổi passcode", "open_change_passcode"),
            self.button("← Trang chủ VNeID", "open_vneid"),
        ]
        return parts

    def _screen_thiet_bi(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [self.note("Thiết bị đang đăng nhập tài khoản của bạn")]
        for device in self.devices:
            if device.id not in state["devices"]:
                continue
            parts.append(self.note(f"• {device.name}: {device.detail}"))
            if device.current:
                parts.append(self.note("(thiết bị bạn đang dùng)"))
            else:
                parts.append(
                    self.button(f"Đăng xuất khỏi {device.name}", "logout_device", id=device.id)
                )
        parts.append(self.button("← Cá nhân", "open_personal"))
        return parts

    def _screen_doi_passcode(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note("Đổi passcode. Đây là bài tập: đừng nhập passcode thật của bạn."),
            self.form(
                {
                    "cu": "Passcode hiện tại",
                    "moi": "Passcode mới",
                    "nhap_lai": "Nhập lại passcode mới",
                },
                "Xác nhận",
                "change_passcode",
                secret=self._change_verdict,
            ),
            self.button("← Cá nhân", "open_personal"),
        ]

    # Verdicts on typed secrets: only these are recorded (see the module docstring).

    def _new_passcode_verdict(self, typed: Mapping[str, str]) -> dict[str, Any]:
        code, again = typed.get("moi", "").strip(), typed.get("nhap_lai", "").strip()
        if not re.fullmatch(r"\d{6}", code):
            return {"loi": "khong_du_6_so"}
        if code != again:
            return {"loi": "khong_khop"}
        return {"de_doan": easy_passcode(code, birth=self.owner.birth, phone=self.owner.phone)}

    def _unlock_verdict(self, typed: Mapping[str, str]) -> dict[str, Any]:
        return {} if typed.get("passcode", "").strip() == self.passcode else {"loi": "sai_passcode"}

    def _change_verdict(self, typed: Mapping[str, str]) -> dict[str, Any]:
        if typed.get("cu", "").strip() != self.passcode:
            return {"loi": "sai_passcode"}
        verdict = self._new_passcode_verdict(typed)
        if "loi" not in verdict and typed.get("moi", "").strip() == self.passcode:
            return {"loi": "giong_cu"}
        return verdict

    def _choices(
        self, title: str, field: str, options: Mapping[str, str], chosen: str | None
    ) -> widgets.VBox:
        """A field chosen by tapping one of its options; the chosen one is ticked."""
        buttons = [
            self.button(
                ("✓ " if value == chosen else "") + label, "choose", field=field, value=value
            )
            for value, label in options.items()
        ]
        return widgets.VBox(
            [self.note(title + ":"), self.row(*buttons)], layout=widgets.Layout(width="auto")
        )


def _empty_stay() -> dict[str, Any]:
    return {"noi_o": None, "tu_ngay": None, "den_ngay": None, "ly_do": None, "khach": []}


def _refuse_problem(action: Mapping[str, Any]) -> None:
    problem = action.get("loi")
    if problem is not None:
        raise Refused(_PASSCODE_PROBLEMS.get(problem, "Chưa thực hiện được. Hãy thử lại."))


def _esc(text: str) -> str:
    return html.escape(text)
