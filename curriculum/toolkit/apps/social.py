"""A social network with team documents (Kết Nối), for sharing with the right people and rights.

Two parts of one invented app, as in the chat apps officials use every day:

- **the profile**: privacy settings (who sees new posts, who sees the friends list, whether
  strangers find you by phone number, whether your location is added to posts, whether posts
  that tag you wait for your approval) and a post composer (text, photos, tagged people,
  location, audience);
- **team documents**: a document written by several people, section by section, with comments
  and a share dialog (people with view, comment or edit rights; general access restricted or
  open to anyone with the link).

Every change that a task may score is one recorded action ("set_setting", "add_photo",
"set_audience", "publish", "set_role", "set_link", "comment", "edit_section"), so a hidden test
can check the rights given and the way the learner worked with others' sections. Which document
the task uses is a constructor parameter (a key of :data:`DOCUMENTS`). All people, places and
numbers are invented.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused, html_lines

__all__ = [
    "DOCUMENTS",
    "FRIENDS",
    "LINK_OPTIONS",
    "PHOTOS",
    "ROLES",
    "SETTINGS",
    "Document",
    "Person",
    "Section",
    "SocialApp",
]

MAX_TEXT = 1200
"""Characters a post, a comment or a section may hold in this exercise."""

SETTINGS: dict[str, tuple[str, dict[str, str]]] = {
    "audience": (
        "Ai xem được bài đăng mới của tôi",
        {
            "public": "Công khai (mọi người, cả người lạ)",
            "friends": "Bạn bè",
            "only_me": "Chỉ mình tôi",
        },
    ),
    "friends_list": (
        "Ai xem được danh sách bạn bè của tôi",
        {"public": "Công khai", "friends": "Bạn bè", "only_me": "Chỉ mình tôi"},
    ),
    "phone_search": (
        "Người lạ tìm thấy tôi bằng số điện thoại",
        {"on": "Bật", "off": "Tắt"},
    ),
    "auto_location": (
        "Tự động gắn vị trí hiện tại vào bài đăng mới",
        {"on": "Bật", "off": "Tắt"},
    ),
    "tag_review": (
        "Duyệt bài có gắn thẻ tôi trước khi hiện trên trang của tôi",
        {"on": "Bật", "off": "Tắt"},
    ),
}
"""Privacy settings: key -> (label, {value: label}). A new account starts at the first or the
most open value, as many apps do."""

_START_SETTINGS = {
    "audience": "public",
    "friends_list": "public",
    "phone_search": "on",
    "auto_location": "on",
    "tag_review": "off",
}
_AUDIENCES = SETTINGS["audience"][1]
_PLACE = "Nhà văn hóa thôn 3, xã An Bình"

PHOTOS: dict[str, str] = {
    "mat_hoc_vien": "Ảnh chụp gần, thấy rõ mặt sáu bác học viên (chưa hỏi các bác có đồng ý "
    "đăng không)",
    "man_hinh_chieu": "Ảnh màn hình chiếu bài học và bàn tay một người đang bấm điện thoại, "
    "không thấy mặt ai",
    "danh_sach": "Ảnh tờ danh sách học viên, đọc được họ tên và số điện thoại",
}
"""Photos on the phone that a post may carry, by key."""

FRIENDS: dict[str, str] = {
    "bac_tu": "Bác Tư (học viên lớp)",
    "bac_nam": "Bác Năm (học viên lớp)",
    "chi_lan": "Chị Lan (đồng nghiệp)",
}
"""Friends who can be tagged in a post."""

ROLES = {"view": "Người xem", "comment": "Người nhận xét", "edit": "Người chỉnh sửa"}
"""Rights a person can have on a document."""

LINK_OPTIONS = {
    "restricted": "Hạn chế: chỉ những người được thêm mới mở được",
    "anyone_view": "Bất kỳ ai có đường liên kết: xem",
    "anyone_edit": "Bất kỳ ai có đường liên kết: chỉnh sửa",
}
"""General access of a document."""


@dataclass(frozen=True)
class Person:
    """Someone a document can be shared with (a group is one entry, as in the app)."""

    key: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A part of a shared document, written by ``author``."""

    key: str
    title: str
    author: str
    text: str


@dataclass(frozen=True)
class Document:
    """A team document: its sections, whose is the learner's, and who could get access."""

    key: str
    title: str
    sections: tuple[Section, ...]
    own_section: str
    people: tuple[Person, ...]
    link: str = "anyone_edit"


DOCUMENTS: dict[str, Document] = {
    d.key: d
    for d in (
        Document(
            key="bao_cao_tong_ket",
            title="Báo cáo tổng kết năm 2026 – Phòng Văn hóa – Xã hội (dự thảo)",
            sections=(
                Section(
                    "tuyen_truyen",
                    "Phần 1. Kết quả tuyên truyền",
                    "Phạm Thị Lan",
                    "Năm 2026, phòng phối hợp với các thôn tổ chức 24 buổi tuyên truyền về "
                    "chuyển đổi số, thu hút khoảng 1.100 lượt người tham dự.",
                ),
                Section(
                    "so_lieu",
                    "Phần 2. Số liệu lớp Bình dân học vụ số",
                    "Lê Văn Minh",
                    "Số lớp đã mở: 9. Số hộ tham gia: 120. Số người hoàn thành: 305.",
                ),
                Section(
                    "kien_nghi",
                    "Phần 3. Kiến nghị",
                    "Nguyễn Thị Hà (bạn)",
                    "",
                ),
            ),
            own_section="kien_nghi",
            people=(
                Person("lan", "Phạm Thị Lan", "chuyên viên, viết phần 1"),
                Person("minh", "Lê Văn Minh", "chuyên viên, viết phần 2"),
                Person("binh", "Trần Văn Bình", "Phó Chủ tịch UBND xã"),
                Person("nhom_cong_chuc", "Nhóm «Công chức xã An Bình» (32 người)"),
                Person("ban_hoc", "Đỗ Văn Tùng", "bạn học cũ, không làm ở xã"),
            ),
        ),
        Document(
            key="bang_phan_cong",
            title="Bảng phân công đội tình nguyện số – tháng 12/2026",
            sections=(
                Section(
                    "buoi_1",
                    "Buổi 1 – tối thứ Bảy 5/12, nhà văn hóa thôn 2",
                    "Trần Minh Tú",
                    "Hướng dẫn chính: Tú. Hỗ trợ: Chi. Việc học: gọi video cho con cháu. "
                    "Số người đã đăng ký: 8.",
                ),
                Section(
                    "buoi_2",
                    "Buổi 2 – tối thứ Bảy 12/12, nhà văn hóa thôn 3",
                    "Lê Thảo Chi",
                    "Hướng dẫn chính: Chi. Hỗ trợ: Tú. Việc học: nhận biết tin nhắn lừa đảo. "
                    "Số người đã đăng ký: 12.",
                ),
                Section(
                    "buoi_3",
                    "Buổi 3 – tối thứ Bảy 19/12, nhà văn hóa thôn 4",
                    "Bạn (đội trưởng)",
                    "",
                ),
            ),
            own_section="buoi_3",
            people=(
                Person("tu", "Trần Minh Tú", "đội viên"),
                Person("chi", "Lê Thảo Chi", "đội viên"),
                Person("hoa", "Nguyễn Thu Hoa", "Bí thư chi đoàn"),
                Person("nhom_thon", "Nhóm «Người dân thôn 3» (85 người)"),
            ),
        ),
        Document(
            key="lich_truc_le",
            title="Lịch trực lễ 2/9/2026 của phòng",
            sections=(
                Section(
                    "ngay_1",
                    "Ngày 1/9",
                    "Phạm Thị Lan",
                    "Sáng: Lan. Chiều: Minh.",
                ),
                Section(
                    "ngay_2",
                    "Ngày 2/9",
                    "Lê Văn Minh",
                    "Sáng: Minh. Chiều: (chưa có người).",
                ),
                Section("ghi_chu", "Ghi chú chung", "Nguyễn Thị Hà (bạn)", ""),
            ),
            own_section="ghi_chu",
            people=(
                Person("lan", "Phạm Thị Lan", "chuyên viên"),
                Person("minh", "Lê Văn Minh", "chuyên viên"),
                Person("thu", "Nguyễn Thị Thu", "trưởng phòng"),
                Person("nhom_cong_chuc", "Nhóm «Công chức xã An Bình» (32 người)"),
            ),
        ),
    )
}
"""Every team document a task can open, by key."""


class SocialApp(AppTask):
    """The Kết Nối app: a profile with privacy settings and posts, and one team document.

    ``state["settings"]`` holds the privacy settings, ``state["posts"]`` the published posts
    (dicts with ``text``, ``photos``, ``tags``, ``location`` and ``audience``),
    ``state["access"]`` maps a person's key to their right on the document, ``state["link"]``
    is its general access, ``state["sections"]`` its text by section, ``state["edited"]`` the
    sections whose text the learner changed, and ``state["comments"]`` the comments (dicts with
    ``section`` and ``text``).
    """

    title: ClassVar[str] = "💬 Kết Nối – mạng xã hội và tài liệu nhóm (ứng dụng luyện tập)"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        document: str | None = None,
        owner: str = "Nguyễn Thị Hà",
        sheet: AnswerSheet,
    ) -> None:
        if document is not None and document not in DOCUMENTS:
            raise ValueError(f"unknown document: {document}")
        self.document = DOCUMENTS[document] if document else None
        """The team document of this task, or None for a task on the profile only."""
        self.owner = owner
        """The name on the profile."""
        super().__init__(qid, prompt, sheet=sheet)

    def start(self) -> dict[str, Any]:
        document = self.document
        return {
            "screen": "home",
            "settings": dict(_START_SETTINGS),
            "setting": None,
            "draft": None,
            "posts": [],
            "sections": {s.key: s.text for s in document.sections} if document else {},
            "comments": [],
            "edited": [],
            "access": {},
            "link": document.link if document else "restricted",
            "person": None,
            "section": None,
            "notice": "",
        }

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        handler = getattr(self, f"_do_{action['action']}", None)
        if handler is None:
            raise Refused("Ứng dụng không có nút này.")
        state["notice"] = ""
        handler(state, action)

    @staticmethod
    def _on(state: dict, *screens: str) -> None:
        if state["screen"] not in screens:
            raise Refused("Nút này không có trên màn hình đang mở.")

    @staticmethod
    def _typed(action: dict) -> str:
        typed = action.get("text")
        if not isinstance(typed, str):
            raise Refused("Chưa đọc được chữ vừa gõ.")
        if len(typed) > MAX_TEXT:
            raise Refused(f"Dài quá {MAX_TEXT} ký tự: hãy viết ngắn gọn hơn.")
        return typed

    # Moving around.

    _BACK: ClassVar[dict[str, str]] = {
        "privacy": "home",
        "setting": "privacy",
        "photos": "compose",
        "tags": "compose",
        "audience": "compose",
        "document": "home",
        "share": "document",
        "person": "share",
        "people": "share",
        "link": "share",
        "comment": "document",
        "edit": "document",
    }

    def _do_back(self, state: dict, action: dict) -> None:
        target = self._BACK.get(state["screen"])
        if target is None:
            raise Refused(
                "Đang viết bài: bấm «Đăng» hoặc «Hủy bài»."
                if state["screen"] == "compose"
                else "Bạn đang ở trang chính."
            )
        state["screen"] = target

    def _do_open_privacy(self, state: dict, action: dict) -> None:
        self._on(state, "home")
        state["screen"] = "privacy"

    def _do_open_setting(self, state: dict, action: dict) -> None:
        self._on(state, "privacy")
        if action.get("setting") not in SETTINGS:
            raise Refused("Không có mục cài đặt này.")
        state["setting"] = action["setting"]
        state["screen"] = "setting"

    def _do_set_setting(self, state: dict, action: dict) -> None:
        self._on(state, "setting")
        key, value = action.get("setting"), action.get("value")
        if key != state["setting"] or value not in SETTINGS[key][1]:
            raise Refused("Không có lựa chọn này.")
        state["settings"][key] = value
        state["screen"] = "privacy"

    # Posting.

    def _do_new_post(self, state: dict, action: dict) -> None:
        self._on(state, "home")
        settings = state["settings"]
        state["draft"] = {
            "text": "",
            "photos": [],
            "tags": [],
            "location": _PLACE if settings["auto_location"] == "on" else None,
            "audience": settings["audience"],
        }
        state["screen"] = "compose"

    def _do_type_post(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        state["draft"]["text"] = self._typed(action)

    def _do_choose_photo(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        state["screen"] = "photos"

    def _do_add_photo(self, state: dict, action: dict) -> None:
        self._on(state, "photos")
        photo = action.get("photo")
        if photo not in PHOTOS:
            raise Refused("Không có ảnh này trong máy.")
        if photo in state["draft"]["photos"]:
            raise Refused("Ảnh này đã được chọn.")
        state["draft"]["photos"].append(photo)
        state["screen"] = "compose"

    def _do_remove_photo(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        if action.get("photo") not in state["draft"]["photos"]:
            raise Refused("Bài không có ảnh này.")
        state["draft"]["photos"].remove(action["photo"])

    def _do_choose_tags(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        state["screen"] = "tags"

    def _do_tag(self, state: dict, action: dict) -> None:
        self._on(state, "tags")
        friend = action.get("friend")
        if friend not in FRIENDS:
            raise Refused("Không có người này trong danh sách bạn bè.")
        if friend in state["draft"]["tags"]:
            raise Refused("Người này đã được gắn thẻ.")
        state["draft"]["tags"].append(friend)
        state["screen"] = "compose"

    def _do_untag(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        if action.get("friend") not in state["draft"]["tags"]:
            raise Refused("Người này chưa được gắn thẻ.")
        state["draft"]["tags"].remove(action["friend"])

    def _do_remove_location(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        if state["draft"]["location"] is None:
            raise Refused("Bài chưa gắn vị trí.")
        state["draft"]["location"] = None

    def _do_choose_audience(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        state["screen"] = "audience"

    def _do_set_audience(self, state: dict, action: dict) -> None:
        self._on(state, "audience")
        if action.get("audience") not in _AUDIENCES:
            raise Refused("Không có lựa chọn này.")
        state["draft"]["audience"] = action["audience"]
        state["screen"] = "compose"

    def _do_publish(self, state: dict, action: dict) -> None:
        self._on(state, "compose")
        draft = state["draft"]
        if not (draft["text"].strip() or draft["photos"]):
            raise Refused("Bài đăng chưa có chữ hay ảnh nào.")
        state["posts"].append(draft)
        state["draft"] = None
        state["screen"] = "home"
        state["notice"] = f"Đã đăng bài ({_AUDIENCES[draft['audience']]})."

    def _do_discard_post(self, state: dict, action: dict) -> None:
        self._on(state, "compose", "photos", "tags", "audience")
        state["draft"] = None
        state["screen"] = "home"

    # The team document.

    def _do_open_document(self, state: dict, action: dict) -> None:
        self._on(state, "home")
        if self.document is None:
            raise Refused("Chưa có tài liệu nhóm nào.")
        state["screen"] = "document"

    def _section(self, action: dict) -> str:
        key = action.get("section")
        if self.document is None or key not in {s.key for s in self.document.sections}:
            raise Refused("Tài liệu không có phần này.")
        return key

    def _do_open_comment(self, state: dict, action: dict) -> None:
        self._on(state, "document")
        state["section"] = self._section(action)
        state["screen"] = "comment"

    def _do_comment(self, state: dict, action: dict) -> None:
        self._on(state, "comment")
        key = self._section(action)
        text = self._typed(action).strip()
        if key != state["section"] or not text:
            raise Refused("Hãy viết nội dung bình luận trước khi gửi.")
        state["comments"].append({"section": key, "text": text})
        state["screen"] = "document"
        state["notice"] = "Đã gửi bình luận; người viết phần này sẽ nhận được thông báo."

    def _do_open_edit(self, state: dict, action: dict) -> None:
        self._on(state, "document")
        state["section"] = self._section(action)
        state["screen"] = "edit"

    def _do_edit_section(self, state: dict, action: dict) -> None:
        self._on(state, "edit")
        key = self._section(action)
        if key != state["section"]:
            raise Refused("Hãy mở lại phần cần sửa.")
        text = self._typed(action)
        if text != state["sections"][key] and key not in state["edited"]:
            state["edited"].append(key)
        state["sections"][key] = text
        state["screen"] = "document"
        state["notice"] = "Đã lưu."

    def _do_open_share(self, state: dict, action: dict) -> None:
        self._on(state, "document")
        state["screen"] = "share"

    def _person(self, action: dict) -> str:
        key = action.get("person")
        if self.document is None or key not in {p.key for p in self.document.people}:
            raise Refused("Không có người này trong danh bạ.")
        return key

    def _do_add_people(self, state: dict, action: dict) -> None:
        self._on(state, "share")
        state["screen"] = "people"

    def _do_open_person(self, state: dict, action: dict) -> None:
        self._on(state, "share", "people")
        state["person"] = self._person(action)
        state["screen"] = "person"

    def _do_set_role(self, state: dict, action: dict) -> None:
        self._on(state, "person")
        key = self._person(action)
        role = action.get("role")
        if key != state["person"] or role not in (*ROLES, "none"):
            raise Refused("Không có lựa chọn này.")
        if role == "none":
            if key not in state["access"]:
                raise Refused("Người này chưa có quyền truy cập.")
            del state["access"][key]
        else:
            state["access"][key] = role
        state["screen"] = "share"

    def _do_open_link(self, state: dict, action: dict) -> None:
        self._on(state, "share")
        state["screen"] = "link"

    def _do_set_link(self, state: dict, action: dict) -> None:
        self._on(state, "link")
        if action.get("value") not in LINK_OPTIONS:
            raise Refused("Không có lựa chọn này.")
        state["link"] = action["value"]
        state["screen"] = "share"

    # Screens.

    def _screen_home(self, state: dict) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self.note(f"<b>👤 {html.escape(self.owner)}</b> · Trang cá nhân", escape=False),
            self.button("✏ Viết bài mới", "new_post"),
            self.button("🔒 Quyền riêng tư", "open_privacy"),
        ]
        if self.document is not None:
            parts.append(self.button(f"📄 Tài liệu nhóm: {self.document.title}", "open_document"))
        for post in reversed(state["posts"]):
            parts.append(self.note(self._post_html(post), escape=False))
        if not state["posts"]:
            parts.append(self.note("Bạn chưa đăng bài nào."))
        return parts

    @staticmethod
    def _post_html(post: dict) -> str:
        lines = [f"<b>{html.escape(_AUDIENCES[post['audience']])}</b>"]
        if post["location"]:
            lines.append(f"📍 {html.escape(post['location'])}")
        if post["text"]:
            lines.append(html_lines(post["text"]))
        lines.extend(f"🖼 {html.escape(PHOTOS[p])}" for p in post["photos"])
        if post["tags"]:
            lines.append("👥 cùng với " + html.escape(", ".join(FRIENDS[f] for f in post["tags"])))
        return '<div style="border:1px solid #ccc;padding:6px">' + "<br>".join(lines) + "</div>"

    def _screen_privacy(self, state: dict) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self.button("← Trang cá nhân", "back"),
            self.note("<b>Quyền riêng tư</b>", escape=False),
        ]
        for key, (label, options) in SETTINGS.items():
            current = options[state["settings"][key]]
            parts.append(self.button(f"{label}: {current} ▸", "open_setting", setting=key))
        return parts

    def _screen_setting(self, state: dict) -> list[widgets.Widget]:
        key = state["setting"]
        label, options = SETTINGS[key]
        current = state["settings"][key]
        return [
            self.button("← Quyền riêng tư", "back"),
            self.note(f"<b>{html.escape(label)}</b>", escape=False),
            *(
                self.button(
                    f"{'◉' if value == current else '○'} {shown}",
                    "set_setting",
                    setting=key,
                    value=value,
                )
                for value, shown in options.items()
            ),
        ]

    def _screen_compose(self, state: dict) -> list[widgets.Widget]:
        draft = state["draft"]
        box = self.box(
            "Nội dung:", "type_post", value=draft["text"], lines=4, placeholder="Bạn đang nghĩ gì?"
        )
        parts: list[widgets.Widget] = [self.note("<b>Bài viết mới</b>", escape=False), box]
        parts.extend(
            self.button(f"✕ 🖼 {PHOTOS[p]}", "remove_photo", photo=p) for p in draft["photos"]
        )
        parts.append(self.button("🖼 Thêm ảnh", "choose_photo"))
        parts.extend(self.button(f"✕ 👥 {FRIENDS[f]}", "untag", friend=f) for f in draft["tags"])
        parts.append(self.button("👥 Gắn thẻ bạn bè", "choose_tags"))
        if draft["location"]:
            parts.append(self.button(f"✕ 📍 {draft['location']}", "remove_location"))
        parts.append(
            self.button(f"Ai xem được: {_AUDIENCES[draft['audience']]} ▸", "choose_audience")
        )
        parts.append(
            self.row(self.button("Đăng", "publish"), self.button("Hủy bài", "discard_post"))
        )
        return parts

    def _screen_photos(self, state: dict) -> list[widgets.Widget]:
        return [
            self.button("← Quay lại bài viết", "back"),
            self.note("Chọn ảnh trong máy:"),
            *(self.button(f"🖼 {shown}", "add_photo", photo=key) for key, shown in PHOTOS.items()),
        ]

    def _screen_tags(self, state: dict) -> list[widgets.Widget]:
        return [
            self.button("← Quay lại bài viết", "back"),
            self.note("Gắn thẻ ai trong bài?"),
            *(self.button(f"👤 {shown}", "tag", friend=key) for key, shown in FRIENDS.items()),
        ]

    def _screen_audience(self, state: dict) -> list[widgets.Widget]:
        current = state["draft"]["audience"]
        return [
            self.button("← Quay lại bài viết", "back"),
            self.note("Ai xem được bài này?"),
            *(
                self.button(
                    f"{'◉' if key == current else '○'} {shown}", "set_audience", audience=key
                )
                for key, shown in _AUDIENCES.items()
            ),
        ]

    def _screen_document(self, state: dict) -> list[widgets.Widget]:
        document = self.document
        parts: list[widgets.Widget] = [
            self.button("← Trang chính", "back"),
            self.note(f"<b>📄 {html.escape(document.title)}</b>", escape=False),
            self.button("👤+ Chia sẻ", "open_share"),
        ]
        for section in document.sections:
            text = state["sections"][section.key] or "(chưa viết)"
            parts.append(
                self.note(
                    f'<div style="border-top:1px solid #ccc;padding-top:4px">'
                    f"<b>{html.escape(section.title)}</b> · người viết: "
                    f"{html.escape(section.author)}<br>{html_lines(text)}</div>",
                    escape=False,
                )
            )
            for comment in state["comments"]:
                if comment["section"] == section.key:
                    parts.append(self.note(f"💬 {self.owner}: {comment['text']}"))
            parts.append(
                self.row(
                    self.button(
                        f"💬 Bình luận: {section.title}", "open_comment", section=section.key
                    ),
                    self.button(f"✏ Sửa: {section.title}", "open_edit", section=section.key),
                )
            )
        return parts

    def _section_title(self, key: str) -> str:
        return next(s.title for s in self.document.sections if s.key == key)

    def _screen_comment(self, state: dict) -> list[widgets.Widget]:
        key = state["section"]
        return [
            self.button("← Quay lại tài liệu", "back"),
            self.note(f"Bình luận về: {self._section_title(key)}"),
            self.form({"text": "Bình luận:"}, "Gửi bình luận", "comment", lines=5, section=key),
        ]

    def _screen_edit(self, state: dict) -> list[widgets.Widget]:
        key = state["section"]
        return [
            self.button("← Quay lại tài liệu", "back"),
            self.note(f"Sửa: {self._section_title(key)}"),
            self.form(
                {"text": "Nội dung:"},
                "Lưu",
                "edit_section",
                lines=5,
                values={"text": state["sections"][key]},
                section=key,
            ),
        ]

    def _name(self, key: str) -> str:
        return next(p.name for p in self.document.people if p.key == key)

    def _screen_share(self, state: dict) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self.button("← Xong", "back"),
            self.note(f"<b>Chia sẻ «{html.escape(self.document.title)}»</b>", escape=False),
            self.note(f"Chủ sở hữu: {self.owner}"),
        ]
        for key, role in state["access"].items():
            parts.append(
                self.button(f"👤 {self._name(key)} — {ROLES[role]} ▸", "open_person", person=key)
            )
        parts.append(self.button("+ Thêm người", "add_people"))
        parts.append(
            self.button(f"🔗 Quyền truy cập chung: {LINK_OPTIONS[state['link']]} ▸", "open_link")
        )
        return parts

    def _screen_people(self, state: dict) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self.button("← Quay lại", "back"),
            self.note("Thêm người:"),
        ]
        for person in self.document.people:
            if person.key not in state["access"]:
                shown = f"{person.name} · {person.note}" if person.note else person.name
                parts.append(self.button(f"👤 {shown}", "open_person", person=person.key))
        return parts

    def _screen_person(self, state: dict) -> list[widgets.Widget]:
        key = state["person"]
        current = state["access"].get(key)
        parts: list[widgets.Widget] = [
            self.button("← Quay lại", "back"),
            self.note(f"Quyền của <b>{html.escape(self._name(key))}</b>:", escape=False),
        ]
        for role, shown in ROLES.items():
            mark = "◉" if role == current else "○"
            parts.append(self.button(f"{mark} {shown}", "set_role", person=key, role=role))
        if current is not None:
            parts.append(self.button("✕ Xóa quyền truy cập", "set_role", person=key, role="none"))
        return parts

    def _screen_link(self, state: dict) -> list[widgets.Widget]:
        return [
            self.button("← Quay lại", "back"),
            self.note("Quyền truy cập chung:"),
            *(
                self.button(
                    f"{'◉' if key == state['link'] else '○'} {shown}", "set_link", value=key
                )
                for key, shown in LINK_OPTIONS.items()
            ),
        ]

    @staticmethod
    def photos_posted(posts: Sequence[dict]) -> set[str]:
        """Every photo in ``posts``, for a hidden test."""
        return {photo for post in posts for photo in post["photos"]}
