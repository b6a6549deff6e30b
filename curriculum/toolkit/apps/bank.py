"""A banking app on a phone, with made-up banks and accounts: transfers, QR payments, notices.

The learner does what a bank customer does on a phone, and every step that matters is a tap
the hidden tests can see:

- transfer money: choose the bank, type the account number, read the name the bank has on
  record for it (it may not be the person meant), type the amount as people write it
  ("500.000", "500 nghìn", "1,5 triệu"), confirm, do face authentication when the amount is
  large, type the OTP from the text message;
- pay a shop by scanning one of the QR codes in front of the learner: the app shows whose
  account the code pays, and a pasted-over code pays a stranger;
- read the phone's notifications, where a fake "balance change" text message or a buyer's
  screenshot sits beside the app's own notices, and check the transaction history before
  handing over goods; refuse a request for the OTP; see a phishing link for what it is;
- hide the balance; cancel at any step.

Large transfers ask for face authentication, as the State Bank of Vietnam requires
(Decision 2345/QĐ-NHNN of 18/12/2023, from 1/7/2024: online transfers over 10 million đồng at
once, or taking the day's total over 20 million). The app applies that simplified rule and
tells the learner to check the current rule with their own bank, because thresholds and the
way banks apply them change.

Everything is invented: the four banks, the people, the account numbers (all begin with
0000), the OTP codes and the web address (``.example``). The phishing page asks for a login
but has no box to type one into: tapping its button records *that* the learner would have
given it, never what, so no real password can reach an answer file.

A task gives the app its data: the balance and whether it starts shown, the day's earlier
transfers, the notifications, the QR codes, extra accounts. Hidden tests score from the
actions (:mod:`curriculum.toolkit.scoring`) and from ``task.state``:

===============  =========================================================================
``transfers``    completed payments, oldest first: ``via`` ("transfer" or "qr"), ``bank``,
                 ``account``, ``name``, ``amount``, ``message``, ``face`` (bool)
``confirmed``    what the confirm screen showed at each tap on "Xác nhận" (same fields),
                 including payments abandoned later
``decisions``    notification id -> "accept" (goods handed over) or "reject"
``opened``       notification ids opened; ``reported``, ``followed`` (link opened),
                 ``sent_otp``, ``logins`` (login given on the phishing page) likewise
``scanned``      ids of the QR codes scanned
``balance_shown``, ``balance``, ``spent_today``, ``cancelled`` (transactions cancelled)
===============  =========================================================================

Actions (``{"action": name, ...details}``): ``open`` (``screen``: home, transfer, qr,
notifications, history), ``show_balance``, ``hide_balance``, ``choose_bank`` (``bank``),
``type_account`` (``account``), ``scan_qr`` (``qr``), ``enter_details`` (``amount``,
``message``), ``back``, ``cancel``, ``confirm``, ``face_scan``, ``enter_otp`` (``otp``),
``open_notification``, ``follow_link``, ``send_otp``, ``report``, ``accept_claim``,
``reject_claim`` (each with ``id``), ``give_login``, ``close_page``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused, shorten
from curriculum.toolkit.numerals import parse_amount

__all__ = ["ACCOUNTS", "BANKS", "FACE_DAILY", "FACE_SINGLE", "BankApp", "money"]

BANKS: dict[str, str] = {
    "senvang": "Ngân hàng Sen Vàng",
    "trucxanh": "Ngân hàng Trúc Xanh",
    "maido": "Ngân hàng Mai Đỏ",
    "cuctrang": "Ngân hàng Cúc Trắng",
}
"""The banks the app can send to (all invented); the learner's own bank is Sen Vàng."""

HOME_BANK = "senvang"
OWN_ACCOUNT = "000011112222"

ACCOUNTS: dict[tuple[str, str], str] = {
    ("trucxanh", "000024681357"): "TRAN VAN DUC",
    # The same number at another bank is someone else: a wrong bank shows a near-miss name.
    ("maido", "000024681357"): "TRAN VAN DUNG",
    ("senvang", "000011223344"): "LE THI LAN",
    ("cuctrang", "000099887766"): "LE VAN KHOA",
    ("maido", "000013579000"): "NGO VAN TAI",
    ("senvang", "000055667788"): "NGUYEN MINH KHANG",
    ("trucxanh", "000033445566"): "PHAM THI HUE",
}
"""Registered names of the invented accounts, as banks show them: capitals, no accents."""

FACE_SINGLE = 10_000_000
"""A transfer above this many đồng needs face authentication (Decision 2345/QĐ-NHNN)."""
FACE_DAILY = 20_000_000
"""A transfer taking the day's total above this many đồng needs it too."""

_OTPS = ("482915", "731640", "259083", "604172", "918356")
_MENU = ("home", "transfer", "qr", "notifications", "history")
_PAYING = ("bank", "account", "details", "confirm", "face", "otp", "qr")
_CHANNELS = {
    "app": "Thông báo của ứng dụng Sen Vàng",
    "sms": "Tin nhắn SMS",
    "zalo": "Tin nhắn Zalo",
}
_UNITS = ("đồng", "đ", "vnđ", "vnd")
_ACCOUNT_SEPARATORS = re.compile(r"[\s.\-]+")
_NOT_HERE = "Nút này không có trên màn hình đang mở."

_DEFAULT_HISTORY: tuple[dict[str, Any], ...] = (
    {
        "direction": "out",
        "amount": 450_000,
        "name": "CONG TY DIEN NUOC BINH AN",
        "message": "TIEN DIEN THANG 9",
        "when": "Hôm qua 19:05",
    },
    {
        "direction": "in",
        "amount": 5_200_000,
        "name": "CONG TY MAY AN PHU",
        "message": "LUONG THANG 9",
        "when": "05/10 08:30",
    },
)


def money(amount: int) -> str:
    """``amount`` đồng written as Vietnamese apps do: 12.500.000 đ."""
    return f"{amount:,}".replace(",", ".") + " đ"


class BankApp(AppTask):
    """The Sen Vàng banking app (invented) on the learner's phone; see the module docstring.

    ``notifications`` are dicts with ``id`` (int), ``channel`` ("app", "sms" or "zalo"),
    ``sender`` and ``text``, and optionally ``link`` (an invented address the message asks
    to open), ``asks_otp`` (the sender asks for the OTP) and ``claim`` (someone says they
    have paid: the learner hands the goods over or not). ``qr_codes`` are dicts with ``id``,
    ``where`` (where the code is), ``bank``, ``account``, ``name`` and optionally ``amount``
    and ``message`` carried by the code. ``accounts`` adds registered names to
    :data:`ACCOUNTS`; ``history`` replaces the earlier transactions shown.
    """

    title = "Ngân hàng Sen Vàng (ứng dụng giả định)"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        sheet: AnswerSheet,
        balance: int = 30_000_000,
        balance_shown: bool = False,
        spent_today: int = 0,
        notifications: Iterable[Mapping[str, Any]] = (),
        qr_codes: Iterable[Mapping[str, Any]] = (),
        accounts: Mapping[tuple[str, str], str] | None = None,
        history: Iterable[Mapping[str, Any]] | None = None,
    ) -> None:
        self.balance = int(balance)
        self.balance_shown = bool(balance_shown)
        self.spent_today = int(spent_today)
        self.notifications = {int(n["id"]): _notification(n) for n in notifications}
        self.qr_codes = {str(q["id"]): _qr_code(q) for q in qr_codes}
        self.accounts = {**ACCOUNTS, **(accounts or {})}
        past = _DEFAULT_HISTORY if history is None else history
        self.history = [dict(entry) for entry in past]
        super().__init__(qid, prompt, sheet=sheet)

    # The state machine.

    def start(self) -> dict[str, Any]:
        return {
            "screen": "home",
            "balance": self.balance,
            "balance_shown": self.balance_shown,
            "spent_today": self.spent_today,
            "draft": None,
            "last": None,
            "current": None,
            "transfers": [],
            "confirmed": [],
            "history": copy.deepcopy(self.history),
            "opened": [],
            "reported": [],
            "followed": [],
            "sent_otp": [],
            "logins": [],
            "decisions": {},
            "scanned": [],
            "cancelled": 0,
        }

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        handler = self._handlers().get(action["action"])
        if handler is None:
            raise Refused("Ứng dụng không có thao tác này.")
        handler(state, action)

    def _handlers(self) -> dict[str, Any]:
        return {
            "open": self._open,
            "show_balance": self._show_balance,
            "hide_balance": self._hide_balance,
            "choose_bank": self._choose_bank,
            "type_account": self._type_account,
            "scan_qr": self._scan_qr,
            "enter_details": self._enter_details,
            "back": self._back,
            "cancel": self._cancel,
            "confirm": self._confirm,
            "face_scan": self._face_scan,
            "enter_otp": self._enter_otp,
            "open_notification": self._open_notification,
            "follow_link": self._follow_link,
            "give_login": self._give_login,
            "close_page": self._close_page,
            "send_otp": self._send_otp,
            "report": self._report,
            "accept_claim": self._accept_claim,
            "reject_claim": self._reject_claim,
        }

    def _open(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        target = action.get("screen")
        if target not in _MENU:
            raise Refused("Ứng dụng không có màn hình này.")
        if state["screen"] in _PAYING:
            raise Refused("Bạn đang làm dở một giao dịch: hãy làm tiếp hoặc bấm «Hủy giao dịch».")
        if state["screen"] == "page":
            raise Refused("Hãy đóng trang web này trước.")
        if target == "transfer":
            state["draft"] = {"via": "transfer"}
            state["screen"] = "bank"
        elif target == "qr":
            state["draft"] = {"via": "qr"}
            state["screen"] = "qr"
        else:
            state["screen"] = target
        state["current"] = None

    def _show_balance(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "home")
        if state["balance_shown"]:
            raise Refused("Số dư đang hiện.")
        state["balance_shown"] = True

    def _hide_balance(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "home")
        if not state["balance_shown"]:
            raise Refused("Số dư đang được ẩn.")
        state["balance_shown"] = False

    def _choose_bank(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "bank")
        bank = action.get("bank")
        if not isinstance(bank, str) or bank not in BANKS:
            raise Refused("Hãy chọn một ngân hàng trong danh sách.")
        state["draft"]["bank"] = bank
        state["screen"] = "account"

    def _type_account(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "account")
        typed = action.get("account")
        if not isinstance(typed, str) or not typed.strip():
            raise Refused("Hãy nhập số tài khoản người nhận.")
        number = _ACCOUNT_SEPARATORS.sub("", typed)
        if not (number.isascii() and number.isdigit()):
            raise Refused("Số tài khoản chỉ gồm các chữ số, ví dụ 0000 2468 1357.")
        bank = state["draft"]["bank"]
        if (bank, number) == (HOME_BANK, OWN_ACCOUNT):
            raise Refused("Đây là tài khoản của chính bạn.")
        name = self.accounts.get((bank, number))
        if name is None:
            raise Refused(
                f"{BANKS[bank]} không có số tài khoản {typed.strip()}. "
                "Hãy xem lại ngân hàng và số tài khoản."
            )
        state["draft"].update(account=number, name=name)
        state["screen"] = "details"

    def _scan_qr(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "qr")
        wanted = action.get("qr")
        code = self.qr_codes.get(wanted) if isinstance(wanted, str) else None
        if code is None:
            raise Refused("Không có mã QR này trước mặt bạn.")
        state["scanned"].append(code["id"])
        state["draft"] = {
            "via": "qr",
            "qr": code["id"],
            "bank": code["bank"],
            "account": code["account"],
            "name": code["name"],
        }
        if code.get("amount"):
            state["draft"].update(amount=code["amount"], message=code.get("message", ""))
            state["screen"] = "confirm"
        else:
            state["screen"] = "details"

    def _enter_details(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "details")
        amount = _amount(action.get("amount"))
        if amount > state["balance"]:
            raise Refused("Số dư không đủ để chuyển số tiền này.")
        message = action.get("message")
        if message is not None and not isinstance(message, str):
            raise Refused("Nội dung chuyển khoản phải là chữ.")
        state["draft"].update(amount=amount, message=(message or "").strip() or "Chuyen tien")
        state["screen"] = "confirm"

    def _back(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        draft = state["draft"]
        screen = state["screen"]
        if screen == "account":
            state["screen"] = "bank"
        elif screen == "details":
            state["screen"] = "qr" if draft["via"] == "qr" else "account"
        elif screen == "confirm":
            preset = draft["via"] == "qr" and self.qr_codes[draft["qr"]].get("amount")
            state["screen"] = "qr" if preset else "details"
        else:
            raise Refused(_NOT_HERE)

    def _cancel(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] not in _PAYING:
            raise Refused("Không có giao dịch nào đang làm dở.")
        state["draft"] = None
        state["cancelled"] += 1
        state["screen"] = "home"

    def _confirm(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "confirm")
        draft = state["draft"]
        state["confirmed"].append(_payment(draft))
        state["screen"] = "face" if self._needs_face(state, draft["amount"]) else "otp"

    def _face_scan(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "face")
        state["draft"]["face"] = True
        state["screen"] = "otp"

    def _enter_otp(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "otp")
        typed = action.get("otp")
        if not isinstance(typed, str) or not typed.strip():
            raise Refused("Hãy nhập mã OTP trong tin nhắn vừa đến.")
        if re.sub(r"\s+", "", typed) != _otp(state):
            raise Refused("Mã OTP chưa đúng. Xem lại tin nhắn SMS vừa đến rồi nhập lại.")
        draft = state["draft"]
        done = _payment(draft)
        state["transfers"].append(done)
        state["balance"] -= done["amount"]
        state["spent_today"] += done["amount"]
        state["history"].insert(
            0,
            {
                "direction": "out",
                "amount": done["amount"],
                "name": done["name"],
                "message": done["message"],
                "when": "Vừa xong",
            },
        )
        state["last"] = done
        state["draft"] = None
        state["screen"] = "done"

    def _open_notification(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "notifications", "notification")
        number = action.get("id")
        if type(number) is not int or number not in self.notifications:
            raise Refused("Không có thông báo này.")
        if number not in state["opened"]:
            state["opened"].append(number)
        state["current"] = number
        state["screen"] = "notification"

    def _shown(self, state: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
        """The notification open on the screen, which must be the one the action names."""
        _on(state, "notification")
        number = action.get("id")
        if type(number) is not int or number != state["current"]:
            raise Refused(_NOT_HERE)
        return self.notifications[state["current"]]

    def _follow_link(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if not self._shown(state, action).get("link"):
            raise Refused("Tin này không có đường link.")
        if state["current"] not in state["followed"]:
            state["followed"].append(state["current"])
        state["screen"] = "page"

    def _give_login(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "page")
        if state["current"] not in state["logins"]:
            state["logins"].append(state["current"])

    def _close_page(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        _on(state, "page")
        state["screen"] = "notification"

    def _send_otp(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if not self._shown(state, action).get("asks_otp"):
            raise Refused(_NOT_HERE)
        if state["current"] not in state["sent_otp"]:
            state["sent_otp"].append(state["current"])

    def _report(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if self._shown(state, action)["channel"] == "app":
            raise Refused("Thông báo của chính ứng dụng không báo cáo được.")
        if state["current"] in state["reported"]:
            raise Refused("Bạn đã báo cáo và chặn người gửi tin này.")
        state["reported"].append(state["current"])

    def _accept_claim(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._decide(state, action, "accept")

    def _reject_claim(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._decide(state, action, "reject")

    def _decide(self, state: dict[str, Any], action: dict[str, Any], decision: str) -> None:
        if not self._shown(state, action).get("claim"):
            raise Refused(_NOT_HERE)
        if state["current"] in state["decisions"]:
            raise Refused("Bạn đã trả lời khách này rồi: hàng giao đi thì không lấy lại được.")
        state["decisions"][state["current"]] = decision

    @staticmethod
    def _needs_face(state: dict[str, Any], amount: int) -> bool:
        return amount > FACE_SINGLE or state["spent_today"] + amount > FACE_DAILY

    # The screens.

    def _screen_home(self, state: dict[str, Any]) -> list[widgets.Widget]:
        if state["balance_shown"]:
            balance = [
                self.note(f"Số dư khả dụng: {money(state['balance'])}"),
                self.button("🙈 Ẩn số dư", "hide_balance"),
            ]
        else:
            balance = [
                self.note("Số dư khả dụng: ••••••••"),
                self.button("👁 Hiện số dư", "show_balance"),
            ]
        unread = len([n for n in self.notifications if n not in state["opened"]])
        news = f" ({unread} chưa đọc)" if unread else ""
        return [
            self.note(f"Tài khoản thanh toán {_spaced(OWN_ACCOUNT)}"),
            *balance,
            self.button("💸 Chuyển tiền", "open", screen="transfer"),
            self.button("▦ Quét mã QR", "open", screen="qr"),
            self.button(f"🔔 Thông báo và tin nhắn{news}", "open", screen="notifications"),
            self.button("📜 Lịch sử giao dịch", "open", screen="history"),
        ]

    def _screen_bank(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note("Chuyển tiền · Bước 1: chọn ngân hàng của người nhận"),
            *(self.button(name, "choose_bank", bank=bank) for bank, name in BANKS.items()),
            self._cancel_button(),
        ]

    def _screen_account(self, state: dict[str, Any]) -> list[widgets.Widget]:
        bank = BANKS[state["draft"]["bank"]]
        return [
            self.note(f"Chuyển tiền · Bước 2: số tài khoản người nhận tại {bank}"),
            self.form({"account": "Số tài khoản"}, "Tiếp tục", "type_account"),
            self.button("← Quay lại", "back"),
            self._cancel_button(),
        ]

    def _screen_details(self, state: dict[str, Any]) -> list[widgets.Widget]:
        draft = state["draft"]
        origin = (
            f"Mã QR: {self.qr_codes[draft['qr']]['where']}"
            if draft["via"] == "qr"
            else "Chuyển tiền · Bước 3: số tiền và nội dung"
        )
        return [
            self.note(origin),
            self._recipient(draft),
            self.form(
                {
                    "amount": "Số tiền (ví dụ 500.000 hoặc 500 nghìn)",
                    "message": "Nội dung chuyển khoản",
                },
                "Tiếp tục",
                "enter_details",
            ),
            self.button("← Quay lại", "back"),
            self._cancel_button(),
        ]

    def _screen_confirm(self, state: dict[str, Any]) -> list[widgets.Widget]:
        draft = state["draft"]
        return [
            self.note("Xác nhận giao dịch: đọc kỹ trước khi bấm «Xác nhận»."),
            self._recipient(draft),
            self.note(f"Số tiền: {money(draft['amount'])}"),
            self.note(f"Nội dung: {draft['message']}"),
            self.button("✔ Xác nhận", "confirm"),
            self.button("← Quay lại sửa", "back"),
            self._cancel_button(),
        ]

    def _screen_face(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note(
                "Xác thực khuôn mặt. Theo Quyết định 2345/QĐ-NHNN của Ngân hàng Nhà nước, "
                "chuyển tiền trực tuyến trên 10 triệu đồng một lần, hoặc khi tổng tiền "
                "chuyển trong ngày vượt 20 triệu đồng, phải xác thực bằng sinh trắc học "
                "(khuôn mặt, đối chiếu với căn cước gắn chip). Quy định và cách làm có thể "
                "thay đổi, mỗi ngân hàng áp dụng một khác: hỏi ngân hàng của bạn hoặc xem "
                "hướng dẫn trong ứng dụng chính thức."
            ),
            self.note(
                "Chỉ quét khuôn mặt của chính bạn, cho giao dịch chính bạn đang làm. Không "
                "quét mặt theo yêu cầu của người gọi điện, nhắn tin."
            ),
            self.button("🙂 Quét khuôn mặt của tôi", "face_scan"),
            self._cancel_button(),
        ]

    def _screen_otp(self, state: dict[str, Any]) -> list[widgets.Widget]:
        draft = state["draft"]
        sms = (
            f"SENVANG: Ma OTP {_otp(state)} de chuyen {money(draft['amount'])[:-2]} VND toi "
            f"{draft['name']}. Tuyet doi KHONG cung cap ma nay cho bat ky ai."
        )
        return [
            self.note(f"📩 Tin nhắn SMS vừa đến: «{sms}»"),
            self.form({"otp": "Mã OTP"}, "Xác nhận mã OTP", "enter_otp"),
            self._cancel_button(),
        ]

    def _screen_done(self, state: dict[str, Any]) -> list[widgets.Widget]:
        last = state["last"]
        return [
            self.note("✅ Giao dịch thành công."),
            self._recipient(last),
            self.note(f"Số tiền: {money(last['amount'])} · Nội dung: {last['message']}"),
            self.note(f"Mã giao dịch: FT0000{len(state['transfers']):04d}"),
            self.button("Về trang chủ", "open", screen="home"),
        ]

    def _screen_qr(self, state: dict[str, Any]) -> list[widgets.Widget]:
        if not self.qr_codes:
            found: list[widgets.Widget] = [self.note("Không có mã QR nào trước mặt bạn.")]
        else:
            found = [
                self.button(f"▦ Quét: {code['where']}", "scan_qr", qr=code["id"])
                for code in self.qr_codes.values()
            ]
        return [
            self.note("Quét mã QR: chọn mã bạn hướng camera vào."),
            *found,
            self._cancel_button(),
        ]

    def _screen_notifications(self, state: dict[str, Any]) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = [self.note("Thông báo và tin nhắn trên điện thoại:")]
        for number, item in self.notifications.items():
            mark = "" if number in state["opened"] else "● "
            preview = shorten(item["text"], 70)
            rows.append(
                self.button(
                    f"{mark}{_CHANNELS[item['channel']]} · {item['sender']}: {preview}",
                    "open_notification",
                    id=number,
                )
            )
        if not self.notifications:
            rows.append(self.note("Không có thông báo nào."))
        rows.append(self.button("Về trang chủ", "open", screen="home"))
        return rows

    def _screen_notification(self, state: dict[str, Any]) -> list[widgets.Widget]:
        number = state["current"]
        item = self.notifications[number]
        rows: list[widgets.Widget] = [
            self.note(f"{_CHANNELS[item['channel']]} · {item['sender']}"),
            self.note(item["text"]),
        ]
        if item.get("claim"):
            decision = state["decisions"].get(number)
            if decision is None:
                rows += [
                    self.button("📦 Tiền đã vào: giao hàng cho khách", "accept_claim", id=number),
                    self.button("✋ Chưa thấy tiền vào: chưa giao hàng", "reject_claim", id=number),
                ]
            else:
                said = "Đã giao hàng." if decision == "accept" else "Đã báo khách: chưa giao."
                rows.append(self.note(said))
        if item.get("link"):
            rows.append(self.button(f"🔗 Mở đường link {item['link']}", "follow_link", id=number))
        if item.get("asks_otp"):
            if number in state["sent_otp"]:
                rows.append(self.note("Bạn đã gửi mã OTP cho người này."))
            else:
                rows.append(self.button("Gửi mã OTP cho người này", "send_otp", id=number))
        if item["channel"] != "app":
            if number in state["reported"]:
                rows.append(self.note("Đã báo cáo lừa đảo và chặn người gửi."))
            else:
                rows.append(
                    self.button("🚫 Báo cáo lừa đảo và chặn người gửi", "report", id=number)
                )
        rows += [
            self.button("📜 Xem lịch sử giao dịch", "open", screen="history"),
            self.button("← Danh sách thông báo", "open", screen="notifications"),
        ]
        return rows

    def _screen_page(self, state: dict[str, Any]) -> list[widgets.Widget]:
        item = self.notifications[state["current"]]
        rows: list[widgets.Widget] = [
            self.note(f"🌐 Trình duyệt · {item['link']}"),
            self.note(
                "NGÂN HÀNG SEN VÀNG · Xác minh tài khoản. Nhập tên đăng nhập và mật khẩu ứng "
                "dụng ngân hàng để mở khóa tài khoản."
            ),
        ]
        if state["current"] in state["logins"]:
            rows.append(self.note("Trang báo: «Đã nhận thông tin. Vui lòng chờ xử lý.»"))
        else:
            rows.append(
                self.button("Điền tên đăng nhập, mật khẩu và bấm «Đăng nhập»", "give_login")
            )
        rows.append(self.button("✖ Đóng trang", "close_page"))
        return rows

    def _screen_history(self, state: dict[str, Any]) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = [
            self.note(f"Lịch sử giao dịch · tài khoản {_spaced(OWN_ACCOUNT)}")
        ]
        for entry in state["history"]:
            sign, side = ("+", "từ") if entry["direction"] == "in" else ("−", "tới")
            rows.append(
                self.note(
                    f"{entry['when']} · {sign}{money(entry['amount'])} · {side} "
                    f"{entry['name']} · ND: {entry['message']}"
                )
            )
        rows += [
            self.button("🔔 Thông báo và tin nhắn", "open", screen="notifications"),
            self.button("Về trang chủ", "open", screen="home"),
        ]
        return rows

    def _recipient(self, payment: Mapping[str, Any]) -> widgets.HTML:
        return self.note(
            f"Người nhận (tên ngân hàng báo): {payment['name']} · {BANKS[payment['bank']]} · "
            f"số tài khoản {_spaced(payment['account'])}"
        )

    def _cancel_button(self) -> widgets.Button:
        return self.button("✖ Hủy giao dịch", "cancel")


def _on(state: Mapping[str, Any], *screens: str) -> None:
    """Refuse an action whose button is not on the screen the learner sees."""
    if state["screen"] not in screens:
        raise Refused(_NOT_HERE)


def _amount(typed: object) -> int:
    """The amount typed, in đồng, as people write it; refused with an example otherwise."""
    if not isinstance(typed, str) or not typed.strip():
        raise Refused("Hãy nhập số tiền.")
    for unit in _UNITS:
        try:
            value = parse_amount(typed, unit=unit, whole=True)
        except ValueError:
            continue
        if value is not None and value > 0 and float(value).is_integer():
            return int(value)
        break
    raise Refused(
        f"«{typed.strip()}» chưa phải là một số tiền. Hãy viết, ví dụ: 500.000 hoặc "
        "500 nghìn hoặc 1,5 triệu."
    )


def _otp(state: Mapping[str, Any]) -> str:
    """The OTP the bank texts for the next payment (fixed, so a replay gives the same one)."""
    return _OTPS[len(state["transfers"]) % len(_OTPS)]


def _payment(draft: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "via": draft["via"],
        "bank": draft["bank"],
        "account": draft["account"],
        "name": draft["name"],
        "amount": draft["amount"],
        "message": draft["message"],
        "face": bool(draft.get("face")),
    }


def _spaced(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def _notification(given: Mapping[str, Any]) -> dict[str, Any]:
    item = dict(given)
    item["id"] = int(item["id"])
    if item.get("channel") not in _CHANNELS:
        raise ValueError(f"channel must be one of {sorted(_CHANNELS)}: {item!r}")
    if not (isinstance(item.get("sender"), str) and isinstance(item.get("text"), str)):
        raise ValueError(f"a notification needs a sender and a text: {item!r}")
    return item


def _qr_code(given: Mapping[str, Any]) -> dict[str, Any]:
    code = dict(given)
    code["id"] = str(code["id"])
    if code.get("bank") not in BANKS:
        raise ValueError(f"unknown bank in QR code {code!r}")
    if not all(isinstance(code.get(key), str) for key in ("where", "account", "name")):
        raise ValueError(f"a QR code needs where, account and name: {code!r}")
    return code
