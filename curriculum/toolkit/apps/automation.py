"""Quy tắc tự động: the automation screen of a mailbox, where a rule says "when … if … then …".

The tasks it serves belong to competences 3.4 (programming, at the Basic level: giving a
computing system a short, exact sequence of instructions and checking what they do) and 5.3
(creatively using digital technologies: letting a tool do a routine step of one's work). The
learner builds a rule without code, as in the filter or rule screen of a real mailbox: *when a
new mail arrives, if the sender is … and the subject contains …, then move it to folder …,
notify me*; tests it on the mails already in the box before turning it on; and fixes a rule
that catches too much, then files back what it filed wrongly.

Every tap that matters for scoring is its own action: ``add_condition`` with the field, the
comparison and the text (a sender is picked from the senders of the box; words of a subject
are typed, as in a real rule screen), ``add_action``, ``preview`` (the test on the mails of
the box), ``save_rule`` with ``on`` true or false, ``set_rule`` (turn a rule on or off),
``preview_rule`` (test a saved rule) and ``move_mail``. Two things a hidden test needs are
kept in the state:

- ``state["effects"]``: for each mail of the task, what the rules that are on would do to it
  if it arrived now (``"move:hop"``, ``"notify"``, ``"mark_read"``, ``"forward"``,
  ``"delete"``), so a test scores what the rules do rather than how they are worded;
- ``rule["tested"]`` for each rule of ``state["rules"]``: whether the learner tested exactly
  this rule (same conditions, same actions) on the mails before it was last turned on.

Comparisons fold case and Unicode form, as a real mailbox does, but keep diacritics: "THÔNG
BÁO" is "Thông báo", "Thong bao" is not. "Contains" is a plain search for the text anywhere,
so a sender condition "contains @ubnd-xa.example" also catches
``vanphong@ubnd-xa.example.giaymoi-online.example``: that is why the app offers "the sender is"
with the exact address picked from a list. The mails are chosen from :data:`MAILS` by key, so
one app serves several tasks::

    quy_tac = AutomationApp("cau_6", "...", mails=("ubnd_moi_hop", "ubnd_lich"), sheet=phieu)
    quy_tac.act("open_rules")
    quy_tac.act("new_rule")
    ...

Every name, address and mail is invented; every domain ends in ``.example``, which belongs to
no one.
"""

from __future__ import annotations

import copy
import html
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused

__all__ = [
    "ACTIONS",
    "FIELDS",
    "FOLDERS",
    "FORWARD_TO",
    "MAILS",
    "AutomationApp",
    "Mail",
    "describe_rule",
    "rule_catches",
]

MAX_TEXT = 100
"""Characters a condition's text may hold: a few words of a subject or an address."""

FOLDERS: dict[str, str] = {
    "inbox": "Hộp thư đến",
    "hop": "Lịch họp",
    "thue": "Thuế",
    "ke_toan": "Kế toán",
    "bao_hiem": "Bảo hiểm",
    "ca_nhan": "Cá nhân",
}
"""The folders of the box: id -> name shown."""

FIELDS: dict[str, str] = {"from": "địa chỉ người gửi", "subject": "tiêu đề"}
"""What a condition looks at: id -> words shown."""

_OPS: dict[str, str] = {"is": "là", "contains": "có chứa"}

FORWARD_TO = "hop-thu-rieng@mail.example"
"""The private mailbox an unwise rule would forward work mail to."""

ACTIONS: dict[str, str] = {
    "move": "chuyển vào thư mục",
    "notify": "báo cho tôi trên điện thoại",
    "mark_read": "đánh dấu là đã đọc",
    "forward": f"tự chuyển tiếp tới hộp thư riêng {FORWARD_TO}",
    "delete": "xóa thư",
}
"""What a rule can do to a mail: id -> words shown (``move`` also names a folder)."""


@dataclass(frozen=True)
class Mail:
    """A mail of the box: who sent it (the name shown and the real address) and its subject."""

    name: str
    address: str
    subject: str
    time: str


MAILS: dict[str, Mail] = {
    # From the commune's office: two invitations and a notice that is not one.
    "ubnd_moi_hop": Mail(
        "Văn phòng UBND xã", "vanphong@ubnd-xa.example", "Giấy mời họp giao ban ngày 28/11", "07:45"
    ),
    "ubnd_moi_tap_huan": Mail(
        "Văn phòng UBND xã",
        "vanphong@ubnd-xa.example",
        "GIẤY MỜI dự tập huấn chuyển đổi số",
        "08:10",
    ),
    "ubnd_lich": Mail(
        "Văn phòng UBND xã",
        "vanphong@ubnd-xa.example",
        "Thông báo lịch tiếp công dân tháng 12",
        "08:30",
    ),
    "hoi_nd_moi": Mail(
        "Hội Nông dân xã",
        "hoinongdan@ubnd-xa.example",
        "Giấy mời họp chi hội Đông Hòa",
        "09:05",
    ),
    "moi_gia": Mail(
        "Văn phòng UBND xã",
        "vanphong@ubnd-xa.example.giaymoi-online.example",
        "Giấy mời hội nghị: bấm vào đường link để đăng ký và xác thực tài khoản",
        "09:20",
    ),
    "nguoi_than": Mail("Minh", "minh.nguyen@mail.example", "Ảnh cả nhà hôm Chủ nhật", "10:02"),
    # A cooperative's accountant: mail from the tax office and others that say "Thông báo".
    "thue_thong_bao": Mail(
        "Cơ quan thuế",
        "thongbao@thue-coso.example",
        "Thông báo hạn nộp tờ khai thuế quý IV",
        "07:30",
    ),
    "thue_cap_nhat": Mail(
        "Cơ quan thuế",
        "thongbao@thue-coso.example",
        "THÔNG BÁO về việc cập nhật thông tin người nộp thuế",
        "08:05",
    ),
    "thue_ban_tin": Mail(
        "Cơ quan thuế",
        "thongbao@thue-coso.example",
        "Bản tin hỗ trợ người nộp thuế tháng 11",
        "08:40",
    ),
    "thue_gia": Mail(
        "Cơ quan thuế",
        "thongbao@thue-coso.example.hoanthue.example",
        "Thông báo hoàn thuế: bấm vào đường link để nhận tiền trong ngày",
        "09:15",
    ),
    "bhxh_thong_bao": Mail(
        "Bảo hiểm xã hội cơ sở",
        "tin@bhxh-coso.example",
        "Thông báo kết quả đóng bảo hiểm xã hội tháng 10",
        "09:50",
    ),
    "htx_chot_so": Mail(
        "Chủ nhiệm hợp tác xã",
        "chunhiem@htx-binhminh.example",
        "Thông báo họp chốt sổ quỹ tháng 11",
        "10:20",
    ),
    # For the lesson: the cooperative's bills.
    "htx_hoa_don": Mail(
        "Kế toán hợp tác xã",
        "ketoan@htx-binhminh.example",
        "Hóa đơn mua phân bón tháng 11",
        "11:00",
    ),
    "dien_hoa_don": Mail(
        "Điện lực (thư mẫu)", "hoadon@dienluc.example", "Hóa đơn tiền điện tháng 11", "11:30"
    ),
}
"""Every mail a task can put in the box, by key."""

_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """``text`` as the rules compare it: one Unicode form, case folded, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def _condition_holds(condition: Mapping[str, str], mail: Mail) -> bool:
    seen = _fold(mail.address if condition["field"] == "from" else mail.subject)
    wanted = _fold(condition["value"])
    return seen == wanted if condition["op"] == "is" else wanted in seen


def rule_catches(rule: Mapping[str, Any], mail: Mail) -> bool:
    """Whether ``rule`` acts on ``mail``: every one of its conditions holds (none: no mail)."""
    conditions = rule.get("conditions") or []
    return bool(conditions) and all(_condition_holds(c, mail) for c in conditions)


def _effect(action: Mapping[str, str]) -> str:
    return f"move:{action['folder']}" if action["do"] == "move" else action["do"]


def _describe_condition(condition: Mapping[str, str]) -> str:
    return f"{FIELDS[condition['field']]} {_OPS[condition['op']]} «{condition['value']}»"


def _describe_action(action: Mapping[str, str]) -> str:
    if action["do"] == "move":
        return f"{ACTIONS['move']} «{FOLDERS[action['folder']]}»"
    return ACTIONS[action["do"]]


def describe_rule(rule: Mapping[str, Any]) -> str:
    """The rule in words, as the rules screen shows it."""
    conditions = " VÀ ".join(_describe_condition(c) for c in rule.get("conditions") or [])
    actions = "; ".join(_describe_action(a) for a in rule.get("actions") or [])
    return (
        f"KHI có thư mới, NẾU {conditions or '(chưa có điều kiện)'} "
        f"THÌ {actions or '(chưa có việc cần làm)'}"
    )


def _signature(rule: Mapping[str, Any]) -> str:
    """What a rule is, as plain text: two rules with the same signature do the same."""
    conditions = sorted(
        json.dumps([c["field"], c["op"], _fold(c["value"])], ensure_ascii=False)
        for c in rule.get("conditions") or []
    )
    actions = sorted(_effect(a) for a in rule.get("actions") or [])
    return json.dumps([conditions, actions], ensure_ascii=False)


def _check_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A rule given to the app (a task's starting rules), checked and copied."""
    conditions = [dict(c) for c in rule.get("conditions") or []]
    actions = [dict(a) for a in rule.get("actions") or []]
    for condition in conditions:
        if condition.get("field") not in FIELDS or condition.get("op") not in _OPS:
            raise ValueError(f"bad condition {condition!r}")
    for action in actions:
        if action.get("do") not in ACTIONS or (
            action["do"] == "move" and action.get("folder") not in FOLDERS
        ):
            raise ValueError(f"bad action {action!r}")
    return {
        "conditions": conditions,
        "actions": actions,
        "on": bool(rule.get("on")),
        "tested": False,
    }


class AutomationApp(AppTask):
    """A mailbox's folders and its automation screen, with the task's mails and rules.

    ``mails`` are keys of :data:`MAILS`, all in the inbox unless ``filed`` puts some in another
    folder (key -> folder id). ``rules`` are the rules already there, each as
    ``{"conditions": [{"field", "op", "value"}], "actions": [{"do", "folder"?}], "on": bool}``.
    """

    title: ClassVar[str] = "Hộp thư · Quy tắc tự động"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        mails: Sequence[str],
        filed: Mapping[str, str] | None = None,
        rules: Sequence[Mapping[str, Any]] = (),
        sheet: AnswerSheet,
    ) -> None:
        unknown = [key for key in mails if key not in MAILS]
        if unknown or len(set(mails)) != len(mails):
            raise ValueError(f"unknown or repeated mails: {unknown or list(mails)}")
        self.mails = {key: MAILS[key] for key in mails}
        self._filed = dict(filed or {})
        if not set(self._filed) <= set(mails) or not set(self._filed.values()) <= set(FOLDERS):
            raise ValueError("filed mails must be the task's, in known folders")
        self._rules = [_check_rule(rule) for rule in rules]
        super().__init__(qid, prompt, sheet=sheet)

    # The state machine.

    def start(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "screen": "folders",
            "folder": None,
            "mail": None,
            "mailbox": {key: self._filed.get(key, "inbox") for key in self.mails},
            "rules": copy.deepcopy(self._rules),
            "draft": None,
            "shown": None,
            "previewed": [],
            "effects": {},
        }
        self._refresh(state)
        return state

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        handler = getattr(self, f"_do_{action['action']}", None)
        if handler is None:
            raise Refused("Ứng dụng không có nút này.")
        handler(state, action)
        self._refresh(state)

    def _refresh(self, state: dict[str, Any]) -> None:
        """Work out again what the rules that are on would do to each mail."""
        effects: dict[str, list[str]] = {}
        for key, mail in self.mails.items():
            done: list[str] = []
            for rule in state["rules"]:
                if rule["on"] and rule_catches(rule, mail):
                    done.extend(e for e in map(_effect, rule["actions"]) if e not in done)
            effects[key] = done
        state["effects"] = effects

    def _on(self, state: Mapping[str, Any], *screens: str) -> None:
        if state["screen"] not in screens:
            raise Refused("Nút này không có trên màn hình đang mở.")

    # The mailbox.

    def _do_open_folder(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "folders")
        folder = action.get("folder")
        if folder not in FOLDERS:
            raise Refused("Không có thư mục này.")
        state.update(screen="folder", folder=folder)

    def _do_pick_move(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "folder")
        mail = action.get("mail")
        if state["mailbox"].get(mail) != state["folder"]:
            raise Refused("Thư này không có trong thư mục đang mở.")
        state.update(screen="move", mail=mail)

    def _do_move_mail(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "move")
        mail, folder = action.get("mail"), action.get("folder")
        if mail != state["mail"] or folder not in FOLDERS:
            raise Refused("Hãy chọn thư mục cho thư đang chuyển.")
        if state["mailbox"][mail] == folder:
            raise Refused("Thư đã ở trong thư mục này.")
        state["mailbox"][mail] = folder
        state.update(screen="folder", mail=None)

    # The rules screen.

    def _do_open_rules(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "folders", "folder")
        state.update(screen="rules", folder=None)

    def _rule(self, state: Mapping[str, Any], action: Mapping[str, Any]) -> dict[str, Any]:
        index = action.get("rule")
        if not isinstance(index, int) or isinstance(index, bool):
            raise Refused("Không có quy tắc này.")
        if not 0 <= index < len(state["rules"]):
            raise Refused("Không có quy tắc này.")
        return state["rules"][index]

    def _do_set_rule(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "rules")
        rule = self._rule(state, action)
        on = action.get("on")
        if not isinstance(on, bool) or rule["on"] == on:
            raise Refused("Quy tắc đã ở trạng thái này.")
        rule["on"] = on
        if on:
            rule["tested"] = _signature(rule) in state["previewed"]

    def _do_delete_rule(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "rules")
        self._rule(state, action)
        del state["rules"][action["rule"]]

    def _do_preview_rule(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "rules")
        rule = self._rule(state, action)
        state["previewed"].append(_signature(rule))
        state.update(screen="preview", shown=action["rule"])

    def _do_new_rule(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "rules")
        state.update(screen="edit", draft={"rule": None, "conditions": [], "actions": []})

    def _do_edit_rule(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "rules")
        rule = self._rule(state, action)
        state.update(
            screen="edit",
            draft={
                "rule": action["rule"],
                "conditions": copy.deepcopy(rule["conditions"]),
                "actions": copy.deepcopy(rule["actions"]),
            },
        )

    # The rule being written.

    def _do_start_condition(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "edit")
        state["screen"] = "add_condition"

    def _do_add_condition(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "add_condition")
        field, op, value = action.get("field"), action.get("op"), action.get("value")
        if field not in FIELDS or op not in _OPS:
            raise Refused("Không có loại điều kiện này.")
        if not isinstance(value, str) or not _fold(value):
            raise Refused("Hãy gõ chữ cần tìm (không để trống).")
        if len(value) > MAX_TEXT:
            raise Refused(f"Chữ cần tìm dài quá: tối đa {MAX_TEXT} ký tự.")
        condition = {"field": field, "op": op, "value": unicodedata.normalize("NFC", value).strip()}
        if any(
            (c["field"], c["op"], _fold(c["value"])) == (field, op, _fold(value))
            for c in state["draft"]["conditions"]
        ):
            raise Refused("Điều kiện này đã có trong quy tắc.")
        state["draft"]["conditions"].append(condition)
        state["screen"] = "edit"

    def _do_remove_condition(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "edit")
        self._remove(state["draft"]["conditions"], action.get("index"))

    def _do_start_action(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "edit")
        state["screen"] = "add_action"

    def _do_add_action(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "add_action")
        do = action.get("do")
        if do not in ACTIONS:
            raise Refused("Không có việc này.")
        chosen: dict[str, str] = {"do": do}
        if do == "move":
            folder = action.get("folder")
            if folder not in FOLDERS or folder == "inbox":
                raise Refused("Hãy chọn một thư mục để chuyển thư vào.")
            chosen["folder"] = folder
        actions = state["draft"]["actions"]
        if any(a["do"] == do for a in actions):
            raise Refused(
                "Một thư chỉ chuyển được vào một thư mục: hãy xóa việc chuyển thư đang có trước."
                if do == "move"
                else "Việc này đã có trong quy tắc."
            )
        actions.append(chosen)
        state["screen"] = "edit"

    def _do_remove_action(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "edit")
        self._remove(state["draft"]["actions"], action.get("index"))

    @staticmethod
    def _remove(entries: list[dict[str, str]], index: object) -> None:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(entries):
            raise Refused("Không có dòng này.")
        del entries[index]

    def _do_preview(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "edit")
        draft = state["draft"]
        if not draft["conditions"]:
            raise Refused("Quy tắc chưa có điều kiện nào để thử. Hãy thêm ít nhất một điều kiện.")
        state["previewed"].append(_signature(draft))
        state.update(screen="preview", shown="draft")

    def _do_save_rule(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "edit")
        on = action.get("on")
        if not isinstance(on, bool):
            raise Refused("Hãy chọn lưu và bật, hoặc lưu mà chưa bật.")
        draft = state["draft"]
        if not draft["conditions"]:
            raise Refused(
                "Chưa lưu được: quy tắc chưa có điều kiện nào, nên sẽ làm với mọi thư. "
                "Hãy thêm ít nhất một điều kiện."
            )
        if not draft["actions"]:
            raise Refused("Chưa lưu được: quy tắc chưa có việc nào cần làm. Hãy thêm một việc.")
        rule = {
            "conditions": draft["conditions"],
            "actions": draft["actions"],
            "on": on,
            "tested": on and _signature(draft) in state["previewed"],
        }
        if draft["rule"] is None:
            state["rules"].append(rule)
        else:
            state["rules"][draft["rule"]] = rule
        state.update(screen="rules", draft=None, shown=None)

    def _do_cancel(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        """Leave a screen without changing anything (a rule being written is dropped)."""
        screen = state["screen"]
        if screen in ("add_condition", "add_action"):
            state["screen"] = "edit"
        elif screen == "edit":
            state.update(screen="rules", draft=None)
        elif screen == "preview":
            state.update(screen="edit" if state["shown"] == "draft" else "rules", shown=None)
        elif screen == "move":
            state.update(screen="folder", mail=None)
        elif screen in ("folder", "rules"):
            state.update(screen="folders", folder=None)
        else:
            raise Refused("Không có gì để quay lại.")

    # The screens.

    def _mail_line(self, key: str) -> str:
        mail = self.mails[key]
        return (
            f"<b>{html.escape(mail.name)}</b> &lt;{html.escape(mail.address)}&gt;<br>"
            f"{html.escape(mail.subject)} <small>({html.escape(mail.time)})</small>"
        )

    def _screen_folders(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self.note("<b>Các thư mục</b>", escape=False)]
        for folder, name in FOLDERS.items():
            count = sum(1 for f in state["mailbox"].values() if f == folder)
            parts.append(self.button(f"📁 {name} ({count} thư)", "open_folder", folder=folder))
        on = sum(1 for rule in state["rules"] if rule["on"])
        parts.append(
            self.button(
                f"⚙ Quy tắc tự động ({len(state['rules'])} quy tắc, {on} đang bật)", "open_rules"
            )
        )
        return parts

    def _screen_folder(self, state: dict[str, Any]) -> list[widgets.Widget]:
        folder = state["folder"]
        parts: list[widgets.Widget] = [
            self.note(f"<b>📁 {html.escape(FOLDERS[folder])}</b>", escape=False)
        ]
        here = [key for key, f in state["mailbox"].items() if f == folder]
        if not here:
            parts.append(self.note("(Thư mục trống)"))
        for key in here:
            parts.append(self.note(self._mail_line(key), escape=False))
            parts.append(
                self.button(f"📂 Chuyển thư «{self.mails[key].subject}»…", "pick_move", mail=key)
            )
        parts.append(self.button("⚙ Quy tắc tự động", "open_rules"))
        parts.append(self.button("← Các thư mục", "cancel"))
        return parts

    def _screen_move(self, state: dict[str, Any]) -> list[widgets.Widget]:
        key = state["mail"]
        parts: list[widgets.Widget] = [
            self.note(f"Chuyển thư này vào thư mục nào?<br>{self._mail_line(key)}", escape=False)
        ]
        for folder, name in FOLDERS.items():
            if folder != state["mailbox"][key]:
                parts.append(self.button(f"📁 {name}", "move_mail", mail=key, folder=folder))
        parts.append(self.button("Hủy", "cancel"))
        return parts

    def _screen_rules(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self.note(
                "<b>Quy tắc tự động</b><br>Mỗi thư mới đến được so với từng quy tắc đang bật; "
                "thư thỏa mọi điều kiện của quy tắc thì ứng dụng tự làm các việc của quy tắc đó.",
                escape=False,
            )
        ]
        if not state["rules"]:
            parts.append(self.note("(Chưa có quy tắc nào)"))
        for index, rule in enumerate(state["rules"]):
            status = "🟢 Đang bật" if rule["on"] else "⚪ Đang tắt"
            number = index + 1
            parts.append(
                self.note(
                    f"<b>Quy tắc {number}</b> · {status}<br>{html.escape(describe_rule(rule))}",
                    escape=False,
                )
            )
            parts.append(
                self.button(f"🔍 Thử quy tắc {number} trên các thư", "preview_rule", rule=index)
            )
            parts.append(self.button(f"✏ Sửa quy tắc {number}", "edit_rule", rule=index))
            toggle = "Tắt" if rule["on"] else "Bật"
            parts.append(
                self.button(
                    f"⏻ {toggle} quy tắc {number}", "set_rule", rule=index, on=not rule["on"]
                )
            )
            parts.append(self.button(f"🗑 Xóa quy tắc {number}", "delete_rule", rule=index))
        parts.append(self.button("➕ Tạo quy tắc mới", "new_rule"))
        parts.append(self.button("← Các thư mục", "cancel"))
        return parts

    def _screen_edit(self, state: dict[str, Any]) -> list[widgets.Widget]:
        draft = state["draft"]
        heading = "Quy tắc mới" if draft["rule"] is None else f"Sửa quy tắc {draft['rule'] + 1}"
        parts: list[widgets.Widget] = [
            self.note(
                f"<b>{heading}</b><br>KHI có thư mới đến,<br>NẾU thư thỏa <b>tất cả</b> "
                "các điều kiện:",
                escape=False,
            )
        ]
        if not draft["conditions"]:
            parts.append(self.note("(chưa có điều kiện)"))
        for index, condition in enumerate(draft["conditions"]):
            parts.append(self.note(f"• {_describe_condition(condition)}"))
            parts.append(
                self.button(f"✖ Bỏ điều kiện {index + 1}", "remove_condition", index=index)
            )
        parts.append(self.button("➕ Thêm điều kiện", "start_condition"))
        parts.append(self.note("THÌ làm các việc:"))
        if not draft["actions"]:
            parts.append(self.note("(chưa có việc cần làm)"))
        for index, chosen in enumerate(draft["actions"]):
            parts.append(self.note(f"• {_describe_action(chosen)}"))
            parts.append(self.button(f"✖ Bỏ việc {index + 1}", "remove_action", index=index))
        parts.append(self.button("➕ Thêm việc cần làm", "start_action"))
        parts.append(self.button("🔍 Thử trên các thư trong hộp thư", "preview"))
        parts.append(self.button("💾 Lưu và bật quy tắc", "save_rule", on=True))
        parts.append(self.button("💾 Lưu, chưa bật", "save_rule", on=False))
        parts.append(self.button("Hủy, không lưu", "cancel"))
        return parts

    def _screen_add_condition(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self.note("<b>Thêm điều kiện</b><br>Địa chỉ người gửi <b>là</b>:", escape=False)
        ]
        for address in dict.fromkeys(mail.address for mail in self.mails.values()):
            parts.append(
                self.button(f"👤 {address}", "add_condition", field="from", op="is", value=address)
            )
        parts.append(self.note("Hoặc gõ chữ cần tìm:"))
        parts.append(
            self.form(
                {"value": "Địa chỉ người gửi có chứa"},
                "Thêm điều kiện về người gửi",
                "add_condition",
                field="from",
                op="contains",
            )
        )
        parts.append(
            self.form(
                {"value": "Tiêu đề có chứa"},
                "Thêm điều kiện về tiêu đề",
                "add_condition",
                field="subject",
                op="contains",
            )
        )
        parts.append(self.button("Hủy", "cancel"))
        return parts

    def _screen_add_action(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self.note("<b>Thêm việc cần làm</b>", escape=False)]
        for folder, name in FOLDERS.items():
            if folder != "inbox":
                parts.append(
                    self.button(
                        f"📁 Chuyển vào thư mục «{name}»", "add_action", do="move", folder=folder
                    )
                )
        parts.append(self.button("🔔 Báo cho tôi trên điện thoại", "add_action", do="notify"))
        parts.append(self.button("✔ Đánh dấu là đã đọc", "add_action", do="mark_read"))
        parts.append(
            self.button(
                f"↪ Tự chuyển tiếp tới hộp thư riêng {FORWARD_TO}", "add_action", do="forward"
            )
        )
        parts.append(self.button("🗑 Xóa thư", "add_action", do="delete"))
        parts.append(self.button("Hủy", "cancel"))
        return parts

    def _screen_preview(self, state: dict[str, Any]) -> list[widgets.Widget]:
        shown = state["shown"]
        rule = state["draft"] if shown == "draft" else state["rules"][shown]
        caught = [key for key, mail in self.mails.items() if rule_catches(rule, mail)]
        doing = "; ".join(_describe_action(a) for a in rule["actions"]) or "(chưa có việc)"
        parts: list[widgets.Widget] = [
            self.note(
                f"<b>Thử quy tắc</b><br>{html.escape(describe_rule(rule))}<br>"
                f"Quy tắc bắt <b>{len(caught)}</b> trong {len(self.mails)} thư đang có:",
                escape=False,
            )
        ]
        for key in self.mails:
            verdict = f"✅ Quy tắc sẽ: {html.escape(doing)}" if key in caught else "➖ Không làm gì"
            parts.append(self.note(f"{self._mail_line(key)}<br>{verdict}", escape=False))
        back = "← Quay lại sửa quy tắc" if shown == "draft" else "← Các quy tắc"
        parts.append(self.button(back, "cancel"))
        return parts
