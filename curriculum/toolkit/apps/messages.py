"""Tin nhắn và cuộc gọi: a phone's SMS inbox, a chat app and an incoming (video) call.

Scams reach people through their phone: a text with a link, a chat message from a "colleague"
on a new account, a video call in which a "son" asks for money. Knowing the warning signs is not
enough; what protects people is what they *do*: look at who really sent a message, see where a
link really goes before opening it, report and block, call back on a number they saved
themselves. This app lets a learner do those things on a simulated phone, so each step is
recorded and can be scored (see :mod:`curriculum.toolkit.apps.app`).

A task gives the phone its content: saved contacts, text messages, chat conversations and files
that could be sent, one incoming call, the chat app's account (for turning on two-step
verification) and apps installed from a link. All of it is fictional, chosen by the task, so
one app serves many tasks::

    hop_thu = MessagesApp(
        "cau_7", "Xử lý các tin nhắn mới.", sheet=phieu,
        contacts=[Contact("lan", "Chị Lan (đồng nghiệp)", "0912 000 101")],
        sms=[Sms("ngan_hang", "NGAN HANG", "... tại https://x.example/a",
                 link=Link("https://x.example/a"))],
    )

Actions and their details, by screen (a hidden test reads them in ``task.value`` and the
outcome in ``task.state``):

=================  ============================================================================
home               ``open_app`` (``app``: "sms", "chat", "contacts", "calls", "settings")
any screen         ``back``, ``home`` (not during a call)
sms_list           ``open_message`` (``id``)
sms                ``view_sender``, ``reveal_link`` (long press: shows the real address),
                   ``follow_link`` (opens the page: the careless path), ``call_number`` (the
                   number written in the text), ``reply`` (``text``), ``block_sender``,
                   ``report_message``, ``delete_message``; each with the message's ``id``
link               ``follow_link`` (``id``)
web                ``submit_page`` (fills in the page's form), ``install_app``, ``close_page``
chat_list          ``open_chat`` (``id``), ``open_settings``
chat               ``view_profile``, ``attach``, ``chat_reply`` (``text``), ``block_account``,
                   ``report_account``; each with the chat's ``id``
profile            ``block_account``, ``report_account`` (``id``)
attach             ``send_file`` (``chat``, ``file``)
contacts           ``call_contact`` (``id``)
calling            ``hang_up``
incoming           ``answer_call``, ``decline_call``
in_call            ``say`` (``reply``), ``hang_up``
calls              ``call_back``, ``block_caller``, ``report_caller``
settings           ``set_wifi`` (``on``), ``set_mobile_data`` (``on``), ``uninstall_app``
                   (``name``)
security           ``start_2fa``, ``view_devices``, ``view_recovery``
twofa              ``confirm_2fa`` (``code``, as typed)
devices            ``log_out_device`` (``id``)
recovery           ``update_recovery_phone``, ``keep_codes`` (``how``: "paper",
                   "family_chat", "photo")
=================  ============================================================================

The state keeps what scoring needs: ``deleted``, ``reported``, ``blocked`` (senders),
``revealed``, ``followed``, ``submitted``, ``called_numbers`` (message ids); ``installed``
(app names); ``wifi`` and ``data`` (bools); ``call`` (None, "ringing", "active", "ended"),
``said``, ``caller_blocked``, ``caller_reported``, ``called`` (contact ids);
``profiles_seen``, ``accounts_blocked``, ``accounts_reported`` (chat ids), ``sent`` (``{"chat",
"file"}``); ``twofa``, ``recovery_phone``, ``codes_kept`` and ``logged_out`` (device ids).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused, shorten

__all__ = [
    "CHAT_APP",
    "KEEP_WAYS",
    "Account",
    "Call",
    "Chat",
    "ChatFile",
    "Contact",
    "Device",
    "Link",
    "MessagesApp",
    "Sms",
    "link_host",
]

CHAT_APP = "Nhắn Nhanh"
"""The simulated chat app's name: invented, like the chat apps people use every day."""

#: Ways to keep recovery codes offered by the app, with what each button says.
KEEP_WAYS: dict[str, str] = {
    "paper": "📝 Chép mã ra giấy, cất ở nơi an toàn trong nhà",
    "family_chat": "📤 Gửi mã vào nhóm trò chuyện của gia đình cho khỏi quên",
    "photo": "📷 Chụp màn hình, để trong thư viện ảnh của máy",
}

_APPS = {
    "sms": "💬 Tin nhắn",
    "chat": f"🟦 {CHAT_APP}",
    "contacts": "📒 Danh bạ",
    "calls": "📞 Cuộc gọi gần đây",
    "settings": "⚙️ Cài đặt (Wi-Fi, dữ liệu di động, ứng dụng)",
}
# Where "back" leads from each screen that is not part of a call.
_PARENT = {
    "sms_list": "home",
    "sms": "sms_list",
    "link": "sms",
    "web": "sms",
    "chat_list": "home",
    "chat": "chat_list",
    "profile": "chat",
    "attach": "chat",
    "contacts": "home",
    "calls": "home",
    "settings": "home",
    "security": "chat_list",
    "twofa": "security",
    "devices": "security",
    "recovery": "security",
}
_CALL_SCREENS = frozenset({"incoming", "in_call", "calling"})
_REPORT_NOTE = (
    "Trên điện thoại thật, nút báo cáo nằm trong tin nhắn hoặc trong menu ⋮, tùy máy. Bạn cũng "
    "có thể phản ánh tới kênh tiếp nhận tin nhắn rác, cuộc gọi lừa đảo của cơ quan nhà nước: "
    "xem số và địa chỉ hiện hành trên trang .gov.vn của cơ quan quản lý hoặc hỏi nhà mạng, "
    "đừng dùng số ghi trong tin nhắn đáng ngờ."
)


@dataclass(frozen=True)
class Contact:
    """A number saved in the phone's contacts: the trusted way to call someone back.

    ``answer`` is what the person says when the learner calls them, which is how a task lets
    a learner check a story ("your son is in hospital") with the real person.
    """

    id: str
    name: str
    number: str
    answer: str = "Alô, tôi nghe đây."


@dataclass(frozen=True)
class Link:
    """A link in a message: the real ``address`` it opens, and what opens there.

    ``shown`` is the text the message shows for it when that is not the address itself (a
    chat preview title, for instance). ``page`` is what opens: "login" (a form asking for
    account numbers, passwords, codes), "install" (a page offering an app file) or "info" (a
    page to read, which asks for nothing).
    """

    address: str
    shown: str = ""
    page: str = "login"


@dataclass(frozen=True)
class Sms:
    """A text message: who sent it (a number or a brand name), its text, an optional link.

    ``phone`` is a number written in the text that the phone lets one call with a tap, and
    ``phone_answer`` what is heard when one does.
    """

    id: str
    sender: str
    text: str
    time: str = ""
    link: Link | None = None
    phone: str = ""
    phone_answer: str = ""


@dataclass(frozen=True)
class ChatFile:
    """A file on the phone that could be sent in a chat, and what is in it."""

    id: str
    name: str
    about: str


@dataclass(frozen=True)
class Chat:
    """A conversation in the chat app: the account's name, what it wrote, its profile page.

    ``contact`` is the id of the saved contact whose phone number the account is tied to, or
    "" when the account belongs to no saved contact (a name and a photo are easy to copy).
    """

    id: str
    name: str
    messages: tuple[str, ...]
    profile: str
    contact: str = ""
    time: str = ""


@dataclass(frozen=True)
class Call:
    """An incoming call or video call, and what the caller says once it is answered.

    ``seen`` is what a watchful person can notice (a blurred face, lips out of step with the
    voice). ``replies`` are what the learner may say, as (id, words, the caller's answer).
    ``call_back`` is what is heard when one calls that same number or account back.
    """

    caller: str
    account: str
    lines: tuple[str, ...]
    video: bool = False
    seen: str = ""
    replies: tuple[tuple[str, str, str], ...] = ()
    call_back: str = ""


@dataclass(frozen=True)
class Device:
    """A device signed in to the chat account; the one in the learner's hand is ``current``."""

    id: str
    name: str
    detail: str
    current: bool = False


@dataclass(frozen=True)
class Account:
    """The chat account's security settings.

    ``code`` is the confirmation code the service sends by text when two-step verification is
    turned on; ``own_phone`` the number of the phone in hand; ``recovery_phone`` the number
    recorded for recovering the account, which may be an old one.
    """

    name: str
    code: str
    own_phone: str
    recovery_phone: str
    devices: tuple[Device, ...]
    recovery_codes: tuple[str, ...]


def link_host(address: str) -> str:
    """The host a browser would connect to for ``address`` ("" if it has none).

    Whatever comes before an ``@`` is not the host, and an address typed without ``https://``
    is read as if it had it, as a browser does.
    """
    text = address.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        return (urlsplit(text).hostname or "").rstrip(".")
    except ValueError:
        return ""


# Second-level names under .vn that are shared by many owners (gov.vn, com.vn...): a name
# under them belongs to whoever holds the label before them.
_VN_SECOND = frozenset({"gov", "com", "edu", "org", "net", "int", "ac", "health", "info"})


def _owner(host: str) -> str:
    """The name a host belongs to, read from the right: ``a.b.example`` -> ``b.example``."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-1] == "vn" and labels[-2] in _VN_SECOND else 2
    return ".".join(labels[-keep:])


def _digits(typed: object) -> str:
    """The digits of a typed code, in any Unicode form, or "" if it has other characters."""
    if not isinstance(typed, str):
        return ""
    folded = unicodedata.normalize("NFKC", typed)
    kept = "".join(c for c in folded if c not in " .-\u00a0")
    return kept if kept.isdigit() and kept.isascii() else ""


def _esc(text: str) -> str:
    return html.escape(text)


class MessagesApp(AppTask):
    """A phone with text messages, a chat app, contacts, one incoming call and settings.

    Everything the phone holds is given by the task (see the module docstring); an empty part
    simply has no icon on the home screen.
    """

    title: ClassVar[str] = "📱 Điện thoại (mô phỏng)"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        sheet: AnswerSheet,
        contacts: Sequence[Contact] = (),
        sms: Sequence[Sms] = (),
        chats: Sequence[Chat] = (),
        files: Sequence[ChatFile] = (),
        call: Call | None = None,
        account: Account | None = None,
        installed: Sequence[str] = (),
        opened_link: str = "",
    ) -> None:
        self.contacts = {c.id: c for c in contacts}
        self.sms = {m.id: m for m in sms}
        self.chats = {c.id: c for c in chats}
        self.files = {f.id: f for f in files}
        self.call = call
        self.account = account
        self.installed = tuple(installed)
        self.opened_link = opened_link
        if opened_link and (opened_link not in self.sms or self.sms[opened_link].link is None):
            raise ValueError(f"opened_link {opened_link!r} is not a message with a link")
        super().__init__(qid, prompt, sheet=sheet)

    # The app's state and its changes.

    def start(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "screen": "home",
            "sms": None,
            "chat": None,
            "notice": "",
            "deleted": [],
            "reported": [],
            "blocked": [],
            "revealed": [],
            "senders_seen": [],
            "followed": [],
            "submitted": [],
            "installed": list(self.installed),
            "replies": [],
            "called_numbers": [],
            "wifi": True,
            "data": True,
            "call": None,
            "heard": [],
            "said": [],
            "caller_blocked": False,
            "caller_reported": False,
            "called": [],
            "on_line": None,
            "return_to": "home",
            "profiles_seen": [],
            "accounts_blocked": [],
            "accounts_reported": [],
            "sent": [],
            "chat_replies": [],
            "twofa": False,
            "recovery_phone": self.account.recovery_phone if self.account else "",
            "codes_kept": None,
            "logged_out": [],
        }
        if self.call is not None:
            state["screen"], state["call"] = "incoming", "ringing"
        elif self.opened_link:
            state["screen"], state["sms"] = "web", self.opened_link
        return state

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        name = action.get("action", "")
        handler = getattr(self, f"_do_{name}", None)
        if handler is None:
            raise Refused("Ứng dụng không có thao tác này.")
        state["notice"] = ""
        handler(state, action)

    # Moving around.

    def _need(self, state: dict[str, Any], *screens: str) -> None:
        if state["screen"] not in screens:
            raise Refused("Nút này không có trên màn hình đang mở.")

    def _apps(self) -> list[str]:
        present = {
            "sms": bool(self.sms),
            "chat": bool(self.chats) or self.account is not None,
            "contacts": bool(self.contacts),
            "calls": self.call is not None,
            "settings": True,
        }
        return [app for app in _APPS if present[app]]

    def _do_open_app(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "home")
        app = action.get("app")
        if app not in self._apps():
            raise Refused("Điện thoại không có ứng dụng này.")
        state["screen"] = {"sms": "sms_list", "chat": "chat_list"}.get(app, app)

    def _do_back(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] in _CALL_SCREENS:
            raise Refused("Đang trong cuộc gọi: hãy nghe, từ chối hoặc cúp máy trước.")
        if state["screen"] == "home":
            raise Refused("Đây đã là màn hình chính.")
        state["screen"] = _PARENT[state["screen"]]

    def _do_home(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] in _CALL_SCREENS:
            raise Refused("Đang trong cuộc gọi: hãy nghe, từ chối hoặc cúp máy trước.")
        state["screen"] = "home"

    # Text messages.

    def _message(self, state: dict[str, Any], action: dict[str, Any]) -> Sms:
        """The message the action names, which must be the one open on screen."""
        wanted = action.get("id")
        if wanted not in self.sms or wanted in state["deleted"]:
            raise Refused("Không có tin nhắn này.")
        if state["sms"] != wanted:
            raise Refused("Hãy mở tin nhắn này trước.")
        return self.sms[wanted]

    def _do_open_message(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms_list")
        wanted = action.get("id")
        if wanted not in self.sms or wanted in state["deleted"]:
            raise Refused("Không có tin nhắn này.")
        state["screen"], state["sms"] = "sms", wanted

    def _do_view_sender(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms")
        message = self._message(state, action)
        _add(state["senders_seen"], message.id)

    def _do_reveal_link(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms")
        message = self._message(state, action)
        if message.link is None:
            raise Refused("Tin nhắn này không có link.")
        _add(state["revealed"], message.id)
        state["screen"] = "link"

    def _do_follow_link(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms", "link")
        message = self._message(state, action)
        if message.link is None:
            raise Refused("Tin nhắn này không có link.")
        if not (state["wifi"] or state["data"]):
            raise Refused("Không tải được trang: điện thoại đang tắt Wi-Fi và dữ liệu di động.")
        _add(state["followed"], message.id)
        state["screen"] = "web"

    def _do_submit_page(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "web")
        link = self.sms[state["sms"]].link
        if link is None or link.page != "login":
            raise Refused("Trang này không có ô nào để điền.")
        if not (state["wifi"] or state["data"]):
            raise Refused("Không gửi được: điện thoại đang tắt Wi-Fi và dữ liệu di động.")
        _add(state["submitted"], state["sms"])
        state["notice"] = "Trang báo: “Đã nhận thông tin. Vui lòng chờ trong giây lát...”"

    def _do_install_app(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "web")
        link = self.sms[state["sms"]].link
        if link is None or link.page != "install":
            raise Refused("Trang này không có tệp cài đặt.")
        name = _file_name(link.address)
        _add(state["installed"], name)
        state["notice"] = f"Đã cài {name}. Ứng dụng xin quyền đọc tin nhắn và điều khiển màn hình."

    def _do_close_page(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "web")
        state["screen"] = "sms"

    def _do_call_number(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms")
        message = self._message(state, action)
        if not message.phone:
            raise Refused("Tin nhắn này không có số điện thoại nào.")
        _add(state["called_numbers"], message.id)
        state["on_line"] = {
            "name": message.phone,
            "number": message.phone,
            "answer": message.phone_answer or "Alô, tôi nghe đây.",
        }
        state["screen"], state["return_to"] = "calling", "sms"

    def _do_reply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms")
        message = self._message(state, action)
        typed = action.get("text")
        if not isinstance(typed, str) or not typed.strip():
            raise Refused("Bạn chưa gõ nội dung tin nhắn.")
        state["replies"].append({"id": message.id, "text": typed.strip()})
        state["notice"] = "Đã gửi tin trả lời."

    def _do_block_sender(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms")
        message = self._message(state, action)
        _add(state["blocked"], message.sender)
        state["notice"] = f"Đã chặn {message.sender}: số này không nhắn tin, gọi cho bạn được nữa."

    def _do_report_message(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms")
        message = self._message(state, action)
        _add(state["reported"], message.id)
        state["notice"] = f"Đã báo cáo tin nhắn này là lừa đảo. {_REPORT_NOTE}"

    def _do_delete_message(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "sms")
        message = self._message(state, action)
        _add(state["deleted"], message.id)
        state["screen"], state["sms"] = "sms_list", None
        state["notice"] = "Đã xóa tin nhắn."

    # Contacts and outgoing calls.

    def _do_call_contact(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "contacts")
        contact = self.contacts.get(action.get("id"))  # type: ignore[arg-type]
        if contact is None:
            raise Refused("Không có người này trong danh bạ.")
        state["called"].append(contact.id)
        state["on_line"] = {
            "name": contact.name,
            "number": contact.number,
            "answer": contact.answer,
        }
        state["screen"], state["return_to"] = "calling", "contacts"

    def _do_hang_up(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "calling", "in_call")
        if state["screen"] == "calling":
            state["screen"], state["on_line"] = state["return_to"], None
        else:
            state["screen"], state["call"] = "calls", "ended"
        state["notice"] = "Đã kết thúc cuộc gọi."

    # The incoming call.

    def _do_answer_call(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "incoming")
        assert self.call is not None
        state["screen"], state["call"] = "in_call", "active"
        state["heard"] = list(self.call.lines)

    def _do_decline_call(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "incoming")
        state["screen"], state["call"] = "calls", "ended"
        state["notice"] = "Đã từ chối cuộc gọi."

    def _do_say(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "in_call")
        assert self.call is not None
        replies = {reply_id: (words, answer) for reply_id, words, answer in self.call.replies}
        wanted = action.get("reply")
        if wanted not in replies:
            raise Refused("Không có câu trả lời này.")
        words, answer = replies[wanted]  # type: ignore[index]
        state["said"].append(wanted)
        state["heard"] = [*state["heard"], f"Bạn: {words}", answer]

    def _do_call_back(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "calls")
        assert self.call is not None
        if state["caller_blocked"]:
            raise Refused("Bạn đã chặn số này, không gọi được.")
        state["screen"], state["call"] = "in_call", "active"
        state["heard"] = [self.call.call_back or self.call.lines[0]]

    def _do_block_caller(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "calls")
        assert self.call is not None
        state["caller_blocked"] = True
        state["notice"] = f"Đã chặn {self.call.account}."

    def _do_report_caller(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "calls")
        assert self.call is not None
        state["caller_reported"] = True
        state["notice"] = f"Đã báo cáo {self.call.account} là lừa đảo. {_REPORT_NOTE}"

    # The chat app.

    def _chat(self, state: dict[str, Any], action: dict[str, Any], key: str = "id") -> Chat:
        wanted = action.get(key)
        if wanted not in self.chats:
            raise Refused("Không có cuộc trò chuyện này.")
        if state["chat"] != wanted:
            raise Refused("Hãy mở cuộc trò chuyện này trước.")
        return self.chats[wanted]

    def _do_open_chat(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "chat_list")
        wanted = action.get("id")
        if wanted not in self.chats:
            raise Refused("Không có cuộc trò chuyện này.")
        state["screen"], state["chat"] = "chat", wanted

    def _do_view_profile(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "chat")
        chat = self._chat(state, action)
        _add(state["profiles_seen"], chat.id)
        state["screen"] = "profile"

    def _do_attach(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "chat")
        self._chat(state, action)
        if not self.files:
            raise Refused("Không có tệp nào trên máy để gửi.")
        if state["chat"] in state["accounts_blocked"]:
            raise Refused("Bạn đã chặn tài khoản này, không gửi được.")
        state["screen"] = "attach"

    def _do_send_file(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "attach")
        chat = self._chat(state, action, key="chat")
        file_id = action.get("file")
        if file_id not in self.files:
            raise Refused("Không có tệp này.")
        state["sent"].append({"chat": chat.id, "file": file_id})
        state["screen"] = "chat"
        state["notice"] = f"Đã gửi tệp {self.files[file_id].name}."  # type: ignore[index]

    def _do_chat_reply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "chat")
        chat = self._chat(state, action)
        typed = action.get("text")
        if not isinstance(typed, str) or not typed.strip():
            raise Refused("Bạn chưa gõ nội dung tin nhắn.")
        if chat.id in state["accounts_blocked"]:
            raise Refused("Bạn đã chặn tài khoản này, không nhắn được.")
        state["chat_replies"].append({"id": chat.id, "text": typed.strip()})

    def _do_block_account(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "chat", "profile")
        chat = self._chat(state, action)
        _add(state["accounts_blocked"], chat.id)
        state["notice"] = f"Đã chặn tài khoản “{chat.name}”."

    def _do_report_account(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "chat", "profile")
        chat = self._chat(state, action)
        _add(state["accounts_reported"], chat.id)
        state["notice"] = (
            f"Đã báo cáo tài khoản “{chat.name}” với {CHAT_APP} (lý do: giả mạo, lừa đảo)."
        )

    # The chat account's security.

    def _account(self) -> Account:
        if self.account is None:
            raise Refused("Ứng dụng này không có phần cài đặt tài khoản.")
        return self.account

    def _do_open_settings(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "chat_list")
        self._account()
        state["screen"] = "security"

    def _do_start_2fa(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "security")
        self._account()
        if state["twofa"]:
            raise Refused("Xác minh hai bước đã được bật.")
        state["screen"] = "twofa"

    def _do_confirm_2fa(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "twofa")
        account = self._account()
        if _digits(action.get("code")) != account.code:
            raise Refused("Mã chưa đúng. Hãy xem lại tin nhắn chứa mã rồi gõ đủ 6 chữ số.")
        state["twofa"], state["screen"] = True, "security"
        state["notice"] = (
            "Đã bật xác minh hai bước: từ nay đăng nhập trên máy mới cần thêm mã gửi tới "
            "điện thoại của bạn. Hãy mở mục Khôi phục tài khoản để cất mã khôi phục."
        )

    def _do_view_devices(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "security")
        self._account()
        state["screen"] = "devices"

    def _do_log_out_device(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "devices")
        devices = {d.id: d for d in self._account().devices}
        device = devices.get(action.get("id"))  # type: ignore[arg-type]
        if device is None or device.id in state["logged_out"]:
            raise Refused("Không có thiết bị này trong danh sách.")
        if device.current:
            raise Refused("Đây là máy bạn đang cầm: không đăng xuất nó từ đây.")
        state["logged_out"].append(device.id)
        state["notice"] = (
            f"Đã đăng xuất {device.name}. Nếu đó không phải máy của bạn, hãy đổi mật khẩu "
            "tài khoản và bật xác minh hai bước."
        )

    def _do_view_recovery(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "security")
        self._account()
        state["screen"] = "recovery"

    def _do_update_recovery_phone(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "recovery")
        account = self._account()
        if state["recovery_phone"] == account.own_phone:
            raise Refused("Số khôi phục đã là số bạn đang dùng.")
        state["recovery_phone"] = account.own_phone
        state["notice"] = f"Đã đổi số điện thoại khôi phục thành {account.own_phone}."

    def _do_keep_codes(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "recovery")
        self._account()
        if not state["twofa"]:
            raise Refused("Mã khôi phục chỉ có sau khi bật xác minh hai bước.")
        how = action.get("how")
        if how not in KEEP_WAYS:
            raise Refused("Không có cách lưu này.")
        state["codes_kept"] = how
        state["notice"] = "Đã ghi nhận cách bạn cất mã khôi phục."

    # The phone's settings.

    def _do_set_wifi(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "settings")
        state["wifi"] = _switch(action)
        state["notice"] = "Đã bật Wi-Fi." if state["wifi"] else "Đã tắt Wi-Fi."

    def _do_set_mobile_data(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "settings")
        state["data"] = _switch(action)
        state["notice"] = "Đã bật dữ liệu di động." if state["data"] else "Đã tắt dữ liệu di động."

    def _do_uninstall_app(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._need(state, "settings")
        name = action.get("name")
        if name not in state["installed"]:
            raise Refused("Không có ứng dụng này trong danh sách.")
        state["installed"].remove(name)
        state["notice"] = f"Đã gỡ {name}."

    # Screens.

    def screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = []
        if state["notice"]:
            parts.append(
                self.note(
                    f"<div role='status'><b>✔</b> {_esc(state['notice'])}</div>", escape=False
                )
            )
        parts.extend(self.screen_named(state))
        if state["screen"] not in _CALL_SCREENS and state["screen"] != "home":
            parts.append(self.button("⬅ Quay lại", "back"))
            parts.append(self.button("🏠 Màn hình chính", "home"))
        return parts

    def _heading(self, text: str) -> widgets.HTML:
        return self.note(f"<b>{_esc(text)}</b>", escape=False)

    def _screen_home(self, state: dict[str, Any]) -> list[widgets.Widget]:
        network = []
        if not state["wifi"]:
            network.append("Wi-Fi tắt")
        if not state["data"]:
            network.append("dữ liệu di động tắt")
        status = "Mạng: " + (", ".join(network) if network else "đang có kết nối")
        parts = [self._heading("Màn hình chính"), self.note(status)]
        parts += [self.button(_APPS[app], "open_app", app=app) for app in self._apps()]
        return parts

    def _sender_name(self, sender: str) -> str:
        for contact in self.contacts.values():
            if contact.number == sender:
                return f"{contact.name} ({sender})"
        return sender

    def _screen_sms_list(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self._heading("Tin nhắn")]
        shown = [m for m in self.sms.values() if m.id not in state["deleted"]]
        if not shown:
            parts.append(self.note("(Không còn tin nhắn nào.)"))
        for message in shown:
            preview = shorten(message.text, 60)
            marks = " ⚠️ đã báo cáo" if message.id in state["reported"] else ""
            label = f"{self._sender_name(message.sender)} · {message.time}{marks} — {preview}"
            parts.append(self.button(label, "open_message", id=message.id))
        return parts

    def _screen_sms(self, state: dict[str, Any]) -> list[widgets.Widget]:
        message = self.sms[state["sms"]]
        ident = {"id": message.id}
        parts: list[widgets.Widget] = [
            self._heading(f"Từ: {self._sender_name(message.sender)}"),
            self.note(
                "<div style='background:#e9eef6;border-radius:12px;padding:8px 10px'>"
                f"{_esc(message.text)}<br><small>{_esc(message.time)}</small></div>",
                escape=False,
            ),
        ]
        if message.id in state["senders_seen"]:
            parts.append(self.note(self._sender_info(message), escape=False))
        if message.link is not None:
            shown = message.link.shown or message.link.address
            parts.append(self.button(f"🔗 Bấm vào link: {shown}", "follow_link", **ident))
            parts.append(
                self.button("🔍 Nhấn giữ link để xem địa chỉ thật", "reveal_link", **ident)
            )
        if message.phone:
            parts.append(
                self.button(f"📞 Gọi số ghi trong tin: {message.phone}", "call_number", **ident)
            )
        parts += [
            self.button("ℹ️ Xem thông tin người gửi", "view_sender", **ident),
            self.form({"text": "Trả lời:"}, "↩️ Gửi tin trả lời", "reply", **ident),
            self.button("🚫 Chặn người gửi", "block_sender", **ident),
            self.button("⚠️ Báo cáo lừa đảo", "report_message", **ident),
            self.button("🗑 Xóa tin nhắn", "delete_message", **ident),
        ]
        return parts

    def _sender_info(self, message: Sms) -> str:
        known = [c for c in self.contacts.values() if c.number == message.sender]
        if known:
            where = f"Có trong danh bạ của bạn: {_esc(known[0].name)}."
        elif message.sender.replace(" ", "").isdigit():
            where = "Số này không có trong danh bạ của bạn."
        else:
            where = (
                "Tên hiển thị thay cho số điện thoại. Tên người gửi có thể bị giả mạo, kể cả "
                "khi tin nằm chung với tin thật của ngân hàng."
            )
        return (
            "<div style='border:1px solid #999;border-radius:8px;padding:6px 8px'>"
            f"<b>Người gửi:</b> {_esc(message.sender)}<br>{where}</div>"
        )

    def _screen_link(self, state: dict[str, Any]) -> list[widgets.Widget]:
        message = self.sms[state["sms"]]
        assert message.link is not None
        host = link_host(message.link.address)
        return [
            self._heading("Địa chỉ thật của link"),
            self.note(
                f"<div style='word-break:break-all'><code>{_esc(message.link.address)}</code></div>"
                f"<div>Máy chủ (nơi điện thoại sẽ kết nối tới): <b>{_esc(host or '?')}</b></div>"
                f"<div>Đọc từ phải sang trái, tên này thuộc về: <b>{_esc(_owner(host))}</b></div>",
                escape=False,
            ),
            self.button("🔗 Mở link", "follow_link", id=message.id),
        ]

    def _screen_web(self, state: dict[str, Any]) -> list[widgets.Widget]:
        message = self.sms[state["sms"]]
        assert message.link is not None
        link = message.link
        parts: list[widgets.Widget] = [
            self.note(f"🌐 <code>{_esc(link_host(link.address))}</code>", escape=False),
        ]
        if link.page == "info":
            parts += [
                self._heading("Trang thông tin"),
                self.note("Trang chỉ để đọc, không đòi bạn nhập hay cài gì."),
            ]
        elif link.page == "install":
            parts += [
                self._heading("Tải ứng dụng để tiếp tục"),
                self.note(f"Tệp cài đặt: {_file_name(link.address)}"),
                self.button("⬇️ Tải về và cài đặt", "install_app"),
            ]
        else:
            parts += [
                self._heading("Xác thực thông tin"),
                self.note(
                    "Trang yêu cầu: số tài khoản, mật khẩu đăng nhập và mã OTP vừa gửi tới "
                    "điện thoại của bạn."
                ),
                self.button("✍️ Điền thông tin và bấm Xác nhận", "submit_page"),
            ]
        parts.append(self.button("✖ Đóng trang", "close_page"))
        return parts

    def _screen_contacts(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self._heading("Danh bạ (số bạn đã tự lưu)")]
        parts += [
            self.button(f"📞 Gọi {c.name} · {c.number}", "call_contact", id=c.id)
            for c in self.contacts.values()
        ]
        return parts

    def _screen_calling(self, state: dict[str, Any]) -> list[widgets.Widget]:
        line = state["on_line"]
        return [
            self._heading(f"Đang gọi {line['name']} · {line['number']}"),
            self.note(f"🗣 {line['answer']}"),
            self.button("🔴 Kết thúc cuộc gọi", "hang_up"),
        ]

    def _screen_incoming(self, state: dict[str, Any]) -> list[widgets.Widget]:
        assert self.call is not None
        kind = "📹 Cuộc gọi video đến" if self.call.video else "📞 Cuộc gọi đến"
        return [
            self._heading(kind),
            self.note(
                f"<b>{_esc(self.call.caller)}</b><br>{_esc(self.call.account)}", escape=False
            ),
            self.button("✅ Nghe máy", "answer_call"),
            self.button("❌ Từ chối", "decline_call"),
        ]

    def _screen_in_call(self, state: dict[str, Any]) -> list[widgets.Widget]:
        assert self.call is not None
        heard = "".join(f"<p>🗣 {_esc(line)}</p>" for line in state["heard"])
        parts: list[widgets.Widget] = [
            self._heading(f"Đang nói chuyện với {self.call.caller}"),
            self.note(heard, escape=False),
        ]
        if self.call.seen:
            parts.append(self.note(f"<i>Bạn để ý thấy: {_esc(self.call.seen)}</i>", escape=False))
        parts += [
            self.button(f"💬 {words}", "say", reply=rid) for rid, words, _ in self.call.replies
        ]
        parts.append(self.button("🔴 Cúp máy", "hang_up"))
        return parts

    def _screen_calls(self, state: dict[str, Any]) -> list[widgets.Widget]:
        assert self.call is not None
        kind = "Cuộc gọi video" if self.call.video else "Cuộc gọi"
        answered = "đã nghe" if state["heard"] else "đã từ chối"
        flags = []
        if state["caller_blocked"]:
            flags.append("đã chặn")
        if state["caller_reported"]:
            flags.append("đã báo cáo")
        extra = f" ({', '.join(flags)})" if flags else ""
        return [
            self._heading("Cuộc gọi gần đây"),
            self.note(f"{kind} {answered} từ {self.call.caller} · {self.call.account}{extra}"),
            self.button("📞 Gọi lại số/tài khoản này", "call_back"),
            self.button("🚫 Chặn số/tài khoản này", "block_caller"),
            self.button("⚠️ Báo cáo lừa đảo", "report_caller"),
        ]

    def _screen_chat_list(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self._heading(CHAT_APP)]
        for chat in self.chats.values():
            preview = shorten(chat.messages[-1] if chat.messages else "", 50)
            parts.append(
                self.button(f"{chat.name} · {chat.time} — {preview}", "open_chat", id=chat.id)
            )
        if self.account is not None:
            parts.append(self.button("⚙️ Cài đặt tài khoản và bảo mật", "open_settings"))
        return parts

    def _screen_chat(self, state: dict[str, Any]) -> list[widgets.Widget]:
        chat = self.chats[state["chat"]]
        ident = {"id": chat.id}
        bubbles = "".join(
            "<div style='background:#e9eef6;border-radius:12px;padding:6px 10px;margin:4px 0'>"
            f"{_esc(text)}</div>"
            for text in chat.messages
        )
        mine = [self.files[s["file"]].name for s in state["sent"] if s["chat"] == chat.id]
        mine += [r["text"] for r in state["chat_replies"] if r["id"] == chat.id]
        bubbles += "".join(
            "<div style='background:#d7f0d2;border-radius:12px;padding:6px 10px;margin:4px 0;"
            f"text-align:right'>{_esc(text)}</div>"
            for text in mine
        )
        parts: list[widgets.Widget] = [
            self._heading(chat.name),
            self.note(bubbles, escape=False),
            self.button("👤 Xem trang cá nhân", "view_profile", **ident),
            self.button("📎 Gửi tệp", "attach", **ident),
            self.form({"text": "Nhắn:"}, "➤ Gửi tin nhắn", "chat_reply", **ident),
            self.button("🚫 Chặn tài khoản", "block_account", **ident),
            self.button("⚠️ Báo cáo tài khoản", "report_account", **ident),
        ]
        return parts

    def _screen_profile(self, state: dict[str, Any]) -> list[widgets.Widget]:
        chat = self.chats[state["chat"]]
        contact = self.contacts.get(chat.contact)
        if contact is not None:
            tie = (
                f"Số điện thoại của tài khoản trùng với số bạn đã lưu: {contact.name} "
                f"({contact.number})."
            )
        else:
            tie = "Tài khoản này không gắn với số điện thoại nào trong danh bạ của bạn."
        return [
            self._heading(f"Trang cá nhân: {chat.name}"),
            self.note(chat.profile),
            self.note(tie),
            self.button("🚫 Chặn tài khoản", "block_account", id=chat.id),
            self.button("⚠️ Báo cáo tài khoản", "report_account", id=chat.id),
        ]

    def _screen_attach(self, state: dict[str, Any]) -> list[widgets.Widget]:
        chat = self.chats[state["chat"]]
        parts: list[widgets.Widget] = [self._heading(f"Chọn tệp gửi cho {chat.name}")]
        parts += [
            self.button(f"📄 {f.name} — {f.about}", "send_file", chat=chat.id, file=f.id)
            for f in self.files.values()
        ]
        return parts

    def _screen_security(self, state: dict[str, Any]) -> list[widgets.Widget]:
        account = self._account()
        status = "Đang bật ✅" if state["twofa"] else "Đang tắt"
        parts: list[widgets.Widget] = [
            self._heading(f"Tài khoản {CHAT_APP}: {account.name}"),
            self.note(f"Xác minh hai bước: {status}"),
        ]
        if not state["twofa"]:
            parts.append(self.button("🔐 Bật xác minh hai bước", "start_2fa"))
        parts += [
            self.button("💻 Thiết bị đang đăng nhập", "view_devices"),
            self.button("🛟 Khôi phục tài khoản (số điện thoại, mã khôi phục)", "view_recovery"),
        ]
        return parts

    def _screen_twofa(self, state: dict[str, Any]) -> list[widgets.Widget]:
        account = self._account()
        return [
            self._heading("Bật xác minh hai bước"),
            self.note(
                f"{CHAT_APP} vừa gửi mã xác nhận tới số {account.own_phone}. Gõ mã vào ô dưới đây."
            ),
            self.note(
                "<div style='background:#fff3c4;border-radius:8px;padding:6px 8px'>🔔 Tin nhắn "
                f"mới từ {CHAT_APP}: Mã xác nhận của bạn là <b>{_esc(account.code)}</b>. Không "
                "đưa mã này cho bất kỳ ai.</div>",
                escape=False,
            ),
            self.form({"code": "Mã xác nhận (6 số):"}, "✔ Xác nhận", "confirm_2fa"),
        ]

    def _screen_devices(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self._heading("Thiết bị đang đăng nhập")]
        for device in self._account().devices:
            if device.id in state["logged_out"]:
                continue
            if device.current:
                parts.append(self.note(f"📱 {device.name} · {device.detail} (máy này)"))
            else:
                parts.append(self.note(f"💻 {device.name} · {device.detail}"))
                parts.append(
                    self.button(f"Đăng xuất {device.name}", "log_out_device", id=device.id)
                )
        return parts

    def _screen_recovery(self, state: dict[str, Any]) -> list[widgets.Widget]:
        account = self._account()
        phone = state["recovery_phone"]
        mine = "số của máy này" if phone == account.own_phone else "không phải số của máy này"
        parts: list[widgets.Widget] = [
            self._heading("Khôi phục tài khoản"),
            self.note(
                "Khi mất điện thoại hay quên mật khẩu, bạn lấy lại tài khoản bằng số điện thoại "
                "khôi phục hoặc bằng mã khôi phục."
            ),
            self.note(f"Số điện thoại khôi phục: {phone} ({mine})"),
        ]
        if phone != account.own_phone:
            parts.append(
                self.button(
                    f"Đổi số khôi phục thành số đang dùng: {account.own_phone}",
                    "update_recovery_phone",
                )
            )
        if not state["twofa"]:
            parts.append(self.note("Mã khôi phục được tạo khi bạn bật xác minh hai bước."))
            return parts
        codes = " · ".join(account.recovery_codes)
        parts.append(self.note(f"Mã khôi phục (mỗi mã dùng một lần): {codes}"))
        if state["codes_kept"]:
            parts.append(self.note(f"Cách bạn đã chọn: {KEEP_WAYS[state['codes_kept']]}"))
        parts.append(self.note("Bạn cất các mã này thế nào?"))
        parts += [self.button(label, "keep_codes", how=how) for how, label in KEEP_WAYS.items()]
        return parts

    def _screen_settings(self, state: dict[str, Any]) -> list[widgets.Widget]:
        wifi, data = state["wifi"], state["data"]
        parts: list[widgets.Widget] = [
            self._heading("Cài đặt"),
            self.note(f"📶 Wi-Fi: {'đang bật' if wifi else 'đã tắt'}"),
            self.button("Tắt Wi-Fi" if wifi else "Bật Wi-Fi", "set_wifi", on=not wifi),
            self.note(f"📡 Dữ liệu di động: {'đang bật' if data else 'đã tắt'}"),
            self.button(
                "Tắt dữ liệu di động" if data else "Bật dữ liệu di động",
                "set_mobile_data",
                on=not data,
            ),
        ]
        if state["installed"]:
            parts.append(self.note("Ứng dụng cài gần đây:"))
            parts += [
                self.button(f"🗑 Gỡ cài đặt {name}", "uninstall_app", name=name)
                for name in state["installed"]
            ]
        return parts


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _switch(action: dict[str, Any]) -> bool:
    on = action.get("on")
    if not isinstance(on, bool):
        raise Refused("Công tắc chỉ có hai vị trí: bật hoặc tắt.")
    return on


def _file_name(address: str) -> str:
    """The last part of an address's path: the name of the file it offers."""
    path = address.split("?")[0].rstrip("/")
    return path.rsplit("/", 1)[-1] if "/" in path else path
