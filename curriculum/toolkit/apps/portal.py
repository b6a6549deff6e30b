"""The National Public Service Portal (dichvucong.gov.vn), simulated on a phone's browser.

A learner does a whole online procedure as on the real portal: type the portal's address (a
message in the phone offers a lookalike link instead), search the procedure, read what papers it
needs and what it costs, log in with VNeID, fill the form, attach the photo of the right paper
among the files on the phone, submit, pay the fee through the portal's payment step, and look
the file up by its code (mã hồ sơ).

**When the fee is paid depends on the procedure**, as on the real portal: each
:class:`Procedure` says it in ``pay_when``: ``"khi_nop"`` (paid online as part of submitting,
before the file is sent), ``"sau_tiep_nhan"`` (paid after the agency has accepted the file and
asked for it on the portal) or ``""`` (no fee). The app enforces the procedure's order and
nothing else, so a task never teaches one order as the only one.

The procedures, fees, people, files and codes are invented practice data ("số liệu luyện tập"):
real procedures, their papers and fees are read on the portal itself. The app records what
is typed in the portal's own boxes (an address, a search, a name on the form, a file code); the
lookalike page's boxes record only which ones were filled, never what, so no real password can
reach an answer file.

Actions (``{"action": name, ...details}``): ``open_address`` (``dia_chi``), ``follow_link``,
``enter_on_fake_page`` (``da_nhap``), ``open_browser``, ``go_home``, ``search``
(``tu_khoa``), ``open_procedure`` (``id``), ``back_to_results``, ``view_requirements`` and
``view_fee`` (``id`` of the procedure read), ``start_submission``, ``open_login``,
``login_vneid``, ``confirm_login``, ``choose`` (``field``, ``value``), ``type_text``
(``gia_tri``), ``open_files`` (``slot``), ``attach`` (``file``), ``back_to_form``,
``review``, ``open_payment``, ``pay`` (``kenh``), ``submit``, ``screenshot``, ``track``
(``ma``), ``open_my_files``, ``open_file`` (``ma``).

What hidden tests read in ``task.state``: ``submitted``, the files sent, each with ``ma``
(its code), ``procedure``, ``fields`` (choices), ``text`` (the typed field), ``files``
(slot -> file id), ``amount``, ``paid`` and ``status`` ("cho_tiep_nhan", "cho_nop_phi",
"dang_xu_ly"); ``logged_in``; ``seen`` (procedures whose papers and fee were read).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused
from curriculum.toolkit.apps.vneid import filled_boxes, folded, id_key

__all__ = [
    "ANH_HUNG",
    "Applicant",
    "CATALOGUE",
    "FAKE_SITE",
    "OFFICIAL_SITE",
    "PHONE_FILES",
    "PhoneFile",
    "Portal",
    "Procedure",
    "Requirement",
    "SCAM_SMS",
    "official_address",
    "same_code",
]

OFFICIAL_SITE = "dichvucong.gov.vn"
FAKE_SITE = "dichvucong-hotro.example"
PAYMENT_CHANNELS = ("Ngân hàng Mẫu A", "Ngân hàng Mẫu B", "Ví điện tử Mẫu C")
"""Payment channels offered by the portal's payment step (invented names)."""


def _address(typed: str) -> str:
    """A typed web address without scheme, "www.", path or case: what the browser opens."""
    bare = typed.strip().casefold()
    bare = re.sub(r"^[a-z]+://", "", bare)
    bare = bare.removeprefix("www.")
    return bare.split("/")[0]


def official_address(typed: str) -> bool:
    """Whether ``typed`` opens the real portal (https://, www. and a final / set aside)."""
    return _address(typed) == OFFICIAL_SITE


def same_code(typed: object, code: str) -> bool:
    """Whether ``typed`` is the file code ``code``, spaces, dots, dashes and case set aside."""
    return isinstance(typed, str) and id_key(typed) == id_key(code) and bool(id_key(code))


@dataclass(frozen=True)
class Applicant:
    """The logged-in citizen, as the portal fills the form from the VNeID account (invented)."""

    name: str
    id_number: str
    address: str


@dataclass(frozen=True)
class Requirement:
    """A paper to attach: its slot id and label as the procedure lists it."""

    id: str
    label: str


@dataclass(frozen=True)
class Procedure:
    """A procedure of the catalogue; ``fee`` in đồng (per copy when ``per_copy``)."""

    id: str
    name: str
    agency: str
    about: str
    requirements: tuple[Requirement, ...]
    fee: int
    fee_text: str
    pay_when: str
    """"khi_nop", "sau_tiep_nhan", or "" when there is no fee."""
    choices: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    """The form's fields chosen by tapping: (key, label, options)."""
    text_field: tuple[str, str] | None = None
    """The form's one typed field: (key, label), or None."""
    per_copy: bool = False
    keywords: tuple[str, ...] = field(default=())

    def amount(self, fields: Mapping[str, str]) -> int:
        """The fee for the form as filled: per copy asked, or the flat fee."""
        if not self.per_copy:
            return self.fee
        copies = fields.get("so_ban_sao", "0")
        return self.fee * int(copies) if copies.isdigit() else 0


@dataclass(frozen=True)
class PhoneFile:
    """A file on the phone that can be attached; ``about`` is what its thumbnail shows."""

    id: str
    name: str
    about: str


_AGENCIES = ("UBND xã Mẫu Sơn", "UBND phường Mẫu Lâm")
_COPIES = ("0", "1", "2", "3")
_DELIVERY = ("Bản điện tử", "Nhận tại Bộ phận một cửa", "Qua bưu chính")

CATALOGUE = (
    Procedure(
        id="khai_sinh",
        name="Đăng ký khai sinh",
        agency="Ủy ban nhân dân cấp xã",
        about="Đăng ký khai sinh cho trẻ mới sinh.",
        requirements=(Requirement("giay_chung_sinh", "Bản chụp Giấy chứng sinh"),),
        fee=8_000,
        fee_text=(
            "Đăng ký khai sinh đúng hạn: miễn lệ phí. Bản sao trích lục khai sinh: 8.000 "
            "đồng/bản. Nộp phí trên cổng SAU KHI cơ quan tiếp nhận hồ sơ và thông báo; xem "
            "trạng thái hồ sơ để biết khi nào nộp."
        ),
        pay_when="sau_tiep_nhan",
        choices=(
            ("co_quan", "Cơ quan thực hiện", _AGENCIES),
            ("so_ban_sao", "Số bản sao trích lục khai sinh", _COPIES),
            ("nhan_ket_qua", "Cách nhận kết quả", _DELIVERY),
        ),
        text_field=("ho_ten", "Họ, chữ đệm và tên của trẻ"),
        per_copy=True,
    ),
    Procedure(
        id="khai_sinh_lai",
        name="Đăng ký lại khai sinh",
        agency="Ủy ban nhân dân cấp xã",
        about=(
            "Cho người đã đăng ký khai sinh trước đây nhưng sổ hộ tịch và bản chính giấy khai "
            "sinh đều bị mất."
        ),
        requirements=(
            Requirement("giay_to_cu", "Bản chụp giấy tờ chứng minh nội dung khai sinh trước đây"),
        ),
        fee=5_000,
        fee_text="Lệ phí: 5.000 đồng. Nộp trực tuyến KHI NỘP hồ sơ, trước khi gửi.",
        pay_when="khi_nop",
        choices=(("co_quan", "Cơ quan thực hiện", _AGENCIES),),
        text_field=("ho_ten", "Họ, chữ đệm và tên người được đăng ký lại khai sinh"),
    ),
    Procedure(
        id="trich_luc",
        name="Cấp bản sao trích lục hộ tịch",
        agency="Ủy ban nhân dân cấp xã",
        about="Cấp thêm bản sao trích lục khai sinh, kết hôn... đã đăng ký trước đây.",
        requirements=(),
        fee=8_000,
        fee_text="Phí: 8.000 đồng/bản sao. Nộp trực tuyến KHI NỘP hồ sơ, trước khi gửi.",
        pay_when="khi_nop",
        choices=(
            ("co_quan", "Cơ quan thực hiện", _AGENCIES),
            ("so_ban_sao", "Số bản sao", _COPIES[1:]),
            ("nhan_ket_qua", "Cách nhận kết quả", _DELIVERY),
        ),
        text_field=("ho_ten", "Họ và tên người được cấp trích lục"),
        per_copy=True,
        keywords=("khai sinh", "ket hon"),
    ),
    Procedure(
        id="ly_lich",
        name="Cấp Phiếu lý lịch tư pháp",
        agency="Sở Tư pháp",
        about="Cấp phiếu cho biết một người có hay không có án tích.",
        requirements=(Requirement("can_cuoc", "Ảnh chụp thẻ căn cước"),),
        fee=200_000,
        fee_text="Phí: 200.000 đồng/phiếu. Nộp trực tuyến KHI NỘP hồ sơ, trước khi gửi.",
        pay_when="khi_nop",
        choices=(("nhan_ket_qua", "Cách nhận kết quả", _DELIVERY),),
    ),
)
"""The procedures of the simulated portal (names as on real portals; papers, fees and when
they are paid are practice data)."""

ANH_HUNG = Applicant(
    name="Trần Văn Hùng", id_number="MẪU-0207", address="Thôn Đông Hòa, xã Mẫu Sơn"
)
"""The applicant of the assignment's task (invented)."""

PHONE_FILES = (
    PhoneFile("chung_sinh_ro", "giay_chung_sinh_be_An.jpg", "Giấy chứng sinh: rõ nét, đủ 4 góc"),
    PhoneFile("chung_sinh_mo", "IMG_0231.jpg", "Giấy chứng sinh: bị lóa, mất một góc, mờ chữ"),
    PhoneFile("can_cuoc", "can_cuoc_mat_truoc.jpg", "Mặt trước thẻ căn cước của anh Hùng"),
    PhoneFile("hoa_don", "hoa_don_tien_dien_thang_9.pdf", "Hóa đơn tiền điện tháng 9"),
)
"""The files on the applicant's phone (invented)."""

SCAM_SMS = (
    "0987 000 321",
    "Hỗ trợ nộp hồ sơ khai sinh online nhanh, không cần chờ. Đăng nhập tại: " + FAKE_SITE,
)
"""A lookalike message, (sender, text), whose link leads to a page that is not the portal."""

_FIRST_CODE = 7
_ANY = "*"
# The screens on which each action has a button or a box.
_WHERE = {
    "open_address": {"trinh_duyet"},
    "follow_link": {"trinh_duyet"},
    "enter_on_fake_page": {"trang_la"},
    "open_browser": {_ANY},
    "go_home": {"ket_qua", "bien_nhan", "ho_so_cua_toi", "trang_thai"},
    "search": {"trang_chu", "ket_qua"},
    "open_procedure": {"ket_qua"},
    "back_to_results": {"thu_tuc"},
    "view_requirements": {"thu_tuc"},
    "view_fee": {"thu_tuc"},
    "start_submission": {"thu_tuc"},
    "open_login": {"trang_chu"},
    "login_vneid": {"dang_nhap"},
    "confirm_login": {"xac_nhan"},
    "choose": {"to_khai"},
    "type_text": {"to_khai"},
    "open_files": {"to_khai"},
    "attach": {"chon_tep"},
    "back_to_form": {"chon_tep", "xem_lai"},
    "review": {"to_khai"},
    "open_payment": {"xem_lai", "trang_thai"},
    "pay": {"thanh_toan"},
    "submit": {"xem_lai"},
    "screenshot": {"bien_nhan"},
    "track": {"trang_chu"},
    "open_my_files": {"trang_chu", "bien_nhan", "trang_thai"},
    "open_file": {"ho_so_cua_toi"},
}


class Portal(AppTask):
    """A phone's browser with one message in view and the National Public Service Portal.

    ``catalogue`` holds the procedures that can be found; ``files`` what can be attached;
    ``sms`` a (sender, text) message whose link leads to a lookalike page, or None.
    """

    title = "Điện thoại (mô phỏng): Trình duyệt và Cổng Dịch vụ công quốc gia"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        sheet: AnswerSheet,
        applicant: Applicant = ANH_HUNG,
        catalogue: Sequence[Procedure] = CATALOGUE,
        files: Sequence[PhoneFile] = PHONE_FILES,
        sms: tuple[str, str] | None = SCAM_SMS,
        date: str = "261020",
    ) -> None:
        self.applicant = applicant
        self.catalogue = {p.id: p for p in catalogue}
        self.files = {f.id: f for f in files}
        self.sms = sms
        self.date = date
        super().__init__(qid, prompt, sheet=sheet)

    def start(self) -> dict[str, Any]:
        return {
            "screen": "trinh_duyet",
            "site": None,
            "logged_in": False,
            "query": "",
            "results": [],
            "procedure": None,
            "seen": {"requirements": [], "fee": []},
            "after_login": None,
            "draft": None,
            "slot": None,
            "paying": None,
            "submitted": [],
            "viewing": None,
        }

    def file_code(self, number: int) -> str:
        """The code the portal gives the ``number``-th file submitted in this task (invented)."""
        return f"H99.00-{self.date}-{_FIRST_CODE + number:04d}"

    # The state.

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        name = action["action"]
        where = _WHERE.get(name)
        if where is None or (_ANY not in where and state["screen"] not in where):
            raise Refused("Màn hình đang mở không có nút này.")
        getattr(self, f"_do_{name}")(state, action)

    def _do_open_browser(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] == "trinh_duyet":
            raise Refused("Trình duyệt đang mở.")
        state["screen"] = "trinh_duyet"
        state["site"] = None

    def _do_open_address(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        typed = str(action.get("dia_chi", ""))
        if official_address(typed):
            state["site"] = OFFICIAL_SITE
            state["screen"] = "trang_chu"
        elif _address(typed) == FAKE_SITE:
            state["site"] = FAKE_SITE
            state["screen"] = "trang_la"
        elif not typed.strip():
            raise Refused("Hãy gõ địa chỉ trang web.")
        else:
            raise Refused("Không mở được trang này. Hãy kiểm tra lại địa chỉ vừa gõ.")

    def _do_follow_link(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if self.sms is None:
            raise Refused("Không có tin nhắn nào.")
        state["site"] = FAKE_SITE
        state["screen"] = "trang_la"

    def _do_enter_on_fake_page(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if not action.get("da_nhap"):
            raise Refused("Trang này báo: hãy nhập đủ thông tin.")
        state["screen"] = "trang_la_xong"

    def _do_go_home(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["site"] != OFFICIAL_SITE:
            raise Refused("Hãy mở trang Cổng Dịch vụ công trước.")
        state["screen"] = "trang_chu"

    def _do_search(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        query = str(action.get("tu_khoa", ""))
        words = folded(query).split()
        if not words:
            raise Refused("Hãy gõ tên thủ tục cần tìm, ví dụ «khai sinh».")
        state["query"] = query
        state["results"] = [
            p.id
            for p in self.catalogue.values()
            if all(w in folded(" ".join((p.name, *p.keywords))) for w in words)
        ]
        state["screen"] = "ket_qua"

    def _do_open_procedure(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if action.get("id") not in state["results"]:
            raise Refused("Không có thủ tục này trong kết quả tìm kiếm.")
        state["procedure"] = action["id"]
        state["screen"] = "thu_tuc"

    def _do_back_to_results(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "ket_qua"

    def _do_view_requirements(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._seen(state, "requirements", action)

    def _do_view_fee(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._seen(state, "fee", action)

    def _seen(self, state: dict[str, Any], part: str, action: Mapping[str, Any]) -> None:
        """Record that a part of the open procedure's page was read (its ``id`` says which)."""
        if action.get("id") != state["procedure"]:
            raise Refused("Hãy mở trang của thủ tục trước.")
        if state["procedure"] not in state["seen"][part]:
            state["seen"][part].append(state["procedure"])

    def _do_start_submission(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if not state["logged_in"]:
            state["after_login"] = state["procedure"]
            state["screen"] = "dang_nhap"
            return
        self._open_form(state, state["procedure"])

    def _do_open_login(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["logged_in"]:
            raise Refused("Bạn đã đăng nhập.")
        state["after_login"] = None
        state["screen"] = "dang_nhap"

    def _do_login_vneid(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "xac_nhan"

    def _do_confirm_login(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["logged_in"] = True
        if state["after_login"]:
            self._open_form(state, state["after_login"])
        else:
            state["screen"] = "trang_chu"

    def _open_form(self, state: dict[str, Any], procedure_id: str) -> None:
        draft = state["draft"]
        if draft is None or draft["procedure"] != procedure_id:
            state["draft"] = {
                "procedure": procedure_id,
                "fields": {},
                "text": "",
                "files": {},
                "paid": False,
            }
        state["screen"] = "to_khai"

    def _do_choose(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        procedure = self.catalogue[state["draft"]["procedure"]]
        options = {key: values for key, _, values in procedure.choices}
        key, value = action.get("field"), action.get("value")
        if key not in options or value not in options[key]:
            raise Refused("Không có lựa chọn này.")
        before = procedure.amount(state["draft"]["fields"])
        state["draft"]["fields"][key] = value
        if procedure.amount(state["draft"]["fields"]) != before:
            state["draft"]["paid"] = False  # the fee changed: the payment no longer covers it

    def _do_type_text(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        typed = str(action.get("gia_tri", "")).strip()
        if not typed:
            raise Refused("Ô này chưa có chữ nào.")
        state["draft"]["text"] = typed

    def _do_open_files(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        procedure = self.catalogue[state["draft"]["procedure"]]
        if action.get("slot") not in {r.id for r in procedure.requirements}:
            raise Refused("Thủ tục này không có mục đính kèm đó.")
        state["slot"] = action["slot"]
        state["screen"] = "chon_tep"

    def _do_attach(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if action.get("file") not in self.files:
            raise Refused("Không có tệp này trong điện thoại.")
        state["draft"]["files"][state["slot"]] = action["file"]
        state["screen"] = "to_khai"

    def _do_back_to_form(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        state["screen"] = "to_khai"

    def _do_review(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        draft = state["draft"]
        procedure = self.catalogue[draft["procedure"]]
        missing = [label for key, label, _ in procedure.choices if key not in draft["fields"]]
        if procedure.text_field and not draft["text"]:
            missing.append(procedure.text_field[1])
        missing += [r.label for r in procedure.requirements if r.id not in draft["files"]]
        if missing:
            raise Refused("Còn thiếu: " + "; ".join(missing) + ".")
        state["screen"] = "xem_lai"

    def _do_open_payment(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] == "xem_lai":
            draft = state["draft"]
            procedure = self.catalogue[draft["procedure"]]
            if procedure.pay_when != "khi_nop" or procedure.amount(draft["fields"]) == 0:
                raise Refused("Thủ tục này không thu phí khi nộp hồ sơ.")
            if draft["paid"]:
                raise Refused("Bạn đã thanh toán.")
            state["paying"] = None
        else:
            file = self._file(state, state["viewing"])
            if file["status"] != "cho_nop_phi":
                raise Refused("Hồ sơ này không có khoản phí nào đang chờ nộp.")
            state["paying"] = file["ma"]
        state["screen"] = "thanh_toan"

    def _do_pay(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if action.get("kenh") not in PAYMENT_CHANNELS:
            raise Refused("Hãy chọn ngân hàng hoặc ví để thanh toán.")
        if state["paying"] is None:
            state["draft"]["paid"] = True
            state["screen"] = "xem_lai"
        else:
            file = self._file(state, state["paying"])
            file["paid"] = True
            file["status"] = "dang_xu_ly"
            state["screen"] = "trang_thai"

    def _do_submit(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        draft = state["draft"]
        procedure = self.catalogue[draft["procedure"]]
        amount = procedure.amount(draft["fields"])
        if procedure.pay_when == "khi_nop" and amount and not draft["paid"]:
            raise Refused(
                "Thủ tục này yêu cầu nộp phí, lệ phí trực tuyến trước khi gửi hồ sơ: bấm "
                "«Thanh toán phí, lệ phí»."
            )
        later = procedure.pay_when == "sau_tiep_nhan" and amount > 0
        code = self.file_code(len(state["submitted"]))
        state["submitted"].append(
            {
                "ma": code,
                "procedure": procedure.id,
                "fields": dict(draft["fields"]),
                "text": draft["text"],
                "files": dict(draft["files"]),
                "amount": amount,
                "paid": draft["paid"],
                "status": "cho_nop_phi" if later else "cho_tiep_nhan",
            }
        )
        state["draft"] = None
        state["viewing"] = code
        state["screen"] = "bien_nhan"

    def _do_screenshot(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        """Saving the receipt is a recorded action: it keeps the code, as the lesson advises."""

    def _do_track(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        typed = action.get("ma", "")
        file = next((f for f in state["submitted"] if same_code(typed, f["ma"])), None)
        if file is None:
            raise Refused("Không tìm thấy hồ sơ có mã này. Hãy kiểm tra lại mã trên biên nhận.")
        state["viewing"] = file["ma"]
        state["screen"] = "trang_thai"

    def _do_open_my_files(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if not state["logged_in"]:
            raise Refused("Hãy đăng nhập để xem hồ sơ của bạn.")
        state["screen"] = "ho_so_cua_toi"

    def _do_open_file(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._file(state, action.get("ma"))
        state["viewing"] = action["ma"]
        state["screen"] = "trang_thai"

    def _file(self, state: Mapping[str, Any], code: object) -> dict[str, Any]:
        for file in state["submitted"]:
            if file["ma"] == code:
                return file
        raise Refused("Không có hồ sơ này.")

    # What the learner sees.

    def screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = self.screen_named(state)
        if state["site"]:
            parts.insert(0, self.note(f"🔒 {state['site']}"))
        if state["screen"] != "trinh_duyet":
            parts.append(self.button("⌂ Về trình duyệt, gõ địa chỉ khác", "open_browser"))
        return parts

    def _screen_trinh_duyet(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [
            self.note("Trình duyệt web"),
            self.form({"dia_chi": "Địa chỉ trang web"}, "Mở trang", "open_address"),
        ]
        if self.sms is not None:
            sender, text = self.sms
            parts += [
                self.note(f"💬 Tin nhắn mới từ {sender}: {text}"),
                self.button(f"🔗 Bấm vào {FAKE_SITE}", "follow_link"),
            ]
        return parts

    def _screen_trang_la(self, state: dict[str, Any]) -> list[widgets.Widget]:
        boxes = {
            "so_dinh_danh": "Số định danh cá nhân",
            "mat_khau": "Mật khẩu VNeID",
            "otp": "Mã OTP vừa nhận",
        }
        return [
            self.note("CỔNG HỖ TRỢ DỊCH VỤ CÔNG – nộp nhanh, không cần chờ. Đăng nhập:"),
            self.form(boxes, "Đăng nhập", "enter_on_fake_page", secret=filled_boxes),
        ]

    def _screen_trang_la_xong(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [self.note("Đang xử lý, vui lòng chờ…")]

    def _screen_trang_chu(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [
            self.note("CỔNG DỊCH VỤ CÔNG QUỐC GIA"),
            self.form({"tu_khoa": "Tìm thủ tục, dịch vụ công"}, "🔍 Tìm kiếm", "search"),
            self.form({"ma": "Mã hồ sơ"}, "Tra cứu hồ sơ", "track"),
        ]
        if state["logged_in"]:
            parts.insert(1, self.note(f"Đã đăng nhập: {self.applicant.name}"))
            parts.append(self.button("📁 Hồ sơ của tôi", "open_my_files"))
        else:
            parts.append(self.button("Đăng nhập", "open_login"))
        return parts

    def _screen_ket_qua(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [self.note(f"Kết quả tìm kiếm «{state['query']}»:")]
        if not state["results"]:
            parts.append(self.note("Không tìm thấy thủ tục phù hợp. Thử gõ ngắn hơn."))
        for procedure_id in state["results"]:
            procedure = self.catalogue[procedure_id]
            label = f"{procedure.name} ({procedure.agency})"
            parts.append(self.button(label, "open_procedure", id=procedure_id))
        parts.append(self.form({"tu_khoa": "Tìm thủ tục, dịch vụ công"}, "🔍 Tìm lại", "search"))
        parts.append(self.button("← Trang chủ", "go_home"))
        return parts

    def _screen_thu_tuc(self, state: dict[str, Any]) -> list[widgets.Widget]:
        procedure = self.catalogue[state["procedure"]]
        parts = [
            self.note(f"{procedure.name}. Cơ quan thực hiện: {procedure.agency}."),
            self.note(procedure.about),
            self.button("📄 Thành phần hồ sơ", "view_requirements", id=procedure.id),
        ]
        if procedure.id in state["seen"]["requirements"]:
            papers = [r.label for r in procedure.requirements] or ["Không phải đính kèm giấy tờ."]
            parts.append(self.note("Tờ khai điền trực tuyến; " + "; ".join(papers)))
        parts.append(self.button("💰 Phí, lệ phí", "view_fee", id=procedure.id))
        if procedure.id in state["seen"]["fee"]:
            parts.append(self.note(procedure.fee_text + " (số liệu luyện tập)"))
        parts += [
            self.button("Nộp trực tuyến", "start_submission"),
            self.button("← Kết quả tìm kiếm", "back_to_results"),
        ]
        return parts

    def _screen_dang_nhap(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note("Đăng nhập"),
            self.button("Đăng nhập bằng tài khoản định danh điện tử (VNeID)", "login_vneid"),
        ]

    def _screen_xac_nhan(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note(
                "Mở ứng dụng VNeID trên điện thoại của bạn: ứng dụng hỏi bạn có đang đăng nhập "
                "Cổng Dịch vụ công quốc gia không. Đúng là bạn vừa bấm đăng nhập thì xác nhận."
            ),
            self.button("Xác nhận đăng nhập trên VNeID", "confirm_login"),
        ]

    def _screen_to_khai(self, state: dict[str, Any]) -> list[widgets.Widget]:
        draft = state["draft"]
        procedure = self.catalogue[draft["procedure"]]
        parts = [
            self.note(f"Tờ khai: {procedure.name}"),
            self.note(
                f"Người nộp (lấy từ tài khoản định danh): {self.applicant.name}, "
                f"{self.applicant.id_number}, {self.applicant.address}"
            ),
        ]
        for key, label, options in procedure.choices:
            chosen = draft["fields"].get(key)
            buttons = [
                self.button(("✓ " if v == chosen else "") + v, "choose", field=key, value=v)
                for v in options
            ]
            parts.append(self.note(label + ":"))
            parts.append(self.row(*buttons))
        if procedure.text_field:
            key, label = procedure.text_field
            if draft["text"]:
                parts.append(self.note(f"{label}: {draft['text']}"))
            parts.append(self.form({"gia_tri": label}, "Lưu", "type_text"))
        for requirement in procedure.requirements:
            attached = draft["files"].get(requirement.id)
            shown = self.files[attached].name if attached else "chưa có tệp"
            parts.append(self.note(f"📎 {requirement.label}: {shown}"))
            parts.append(self.button("Chọn tệp", "open_files", slot=requirement.id))
        parts.append(self.button("Tiếp tục", "review"))
        return parts

    def _screen_chon_tep(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [self.note("Chọn tệp trong điện thoại:")]
        for file in self.files.values():
            parts.append(self.button(f"{file.name} — {file.about}", "attach", file=file.id))
        parts.append(self.button("← Quay lại tờ khai", "back_to_form"))
        return parts

    def _screen_xem_lai(self, state: dict[str, Any]) -> list[widgets.Widget]:
        draft = state["draft"]
        procedure = self.catalogue[draft["procedure"]]
        lines = [f"{label}: {draft['fields'][key]}" for key, label, _ in procedure.choices]
        if procedure.text_field:
            lines.append(f"{procedure.text_field[1]}: {draft['text']}")
        lines += [
            f"{r.label}: {self.files[draft['files'][r.id]].name}" for r in procedure.requirements
        ]
        amount = procedure.amount(draft["fields"])
        parts = [self.note("Kiểm tra lại hồ sơ trước khi nộp"), *[self.note(x) for x in lines]]
        if procedure.pay_when == "khi_nop" and amount:
            paid = "đã thanh toán" if draft["paid"] else "chưa thanh toán"
            parts.append(self.note(f"Phí, lệ phí: {_money(amount)} ({paid})"))
            if not draft["paid"]:
                parts.append(self.button("💳 Thanh toán phí, lệ phí", "open_payment"))
        elif procedure.pay_when == "sau_tiep_nhan" and amount:
            parts.append(
                self.note(f"Phí, lệ phí: {_money(amount)}, nộp sau khi cơ quan tiếp nhận hồ sơ.")
            )
        parts += [
            self.button("Nộp hồ sơ", "submit"),
            self.button("← Sửa tờ khai", "back_to_form"),
        ]
        return parts

    def _screen_thanh_toan(self, state: dict[str, Any]) -> list[widgets.Widget]:
        if state["paying"] is None:
            draft = state["draft"]
            amount = self.catalogue[draft["procedure"]].amount(draft["fields"])
        else:
            amount = self._file(state, state["paying"])["amount"]
        parts = [
            self.note("Thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia"),
            self.note(f"Số tiền: {_money(amount)}. Chọn ngân hàng hoặc ví để thanh toán:"),
        ]
        parts += [self.button(channel, "pay", kenh=channel) for channel in PAYMENT_CHANNELS]
        return parts

    def _screen_bien_nhan(self, state: dict[str, Any]) -> list[widgets.Widget]:
        file = self._file(state, state["viewing"])
        return [
            self.note(
                f"Nộp hồ sơ thành công. Mã hồ sơ: {file['ma']}. Hãy lưu lại mã này để tra cứu."
            ),
            self.button("📷 Chụp màn hình biên nhận", "screenshot"),
            self.button("📁 Hồ sơ của tôi", "open_my_files"),
            self.button("← Trang chủ", "go_home"),
        ]

    def _screen_ho_so_cua_toi(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts = [self.note("Hồ sơ của tôi")]
        if not state["submitted"]:
            parts.append(self.note("Chưa có hồ sơ nào."))
        for file in state["submitted"]:
            name = self.catalogue[file["procedure"]].name
            parts.append(self.button(f"{file['ma']}: {name}", "open_file", ma=file["ma"]))
        parts.append(self.button("← Trang chủ", "go_home"))
        return parts

    def _screen_trang_thai(self, state: dict[str, Any]) -> list[widgets.Widget]:
        file = self._file(state, state["viewing"])
        procedure = self.catalogue[file["procedure"]]
        parts = [
            self.note(f"Hồ sơ {file['ma']}: {procedure.name}"),
            self.note("Trạng thái: " + _STATUS[file["status"]]),
        ]
        if file["status"] == "cho_nop_phi":
            parts.append(self.button(f"💳 Thanh toán {_money(file['amount'])}", "open_payment"))
        parts += [
            self.button("📁 Hồ sơ của tôi", "open_my_files"),
            self.button("← Trang chủ", "go_home"),
        ]
        return parts


_STATUS = {
    "cho_tiep_nhan": "Đã nộp, chờ tiếp nhận.",
    "cho_nop_phi": (
        "Đã tiếp nhận, chờ nộp phí, lệ phí. (Trong bài tập, cơ quan tiếp nhận ngay; thực tế "
        "có thể mất một thời gian.)"
    ),
    "dang_xu_ly": "Đã tiếp nhận, đang xử lý.",
}


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"
