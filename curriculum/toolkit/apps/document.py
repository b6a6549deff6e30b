"""Soạn thảo văn bản: an editor for an administrative document, its images and a short message.

The tasks it serves belong to competences 3.1, 3.2 and 3.3:

- 3.1 (developing content): put the parts of an administrative document where Decree
  30/2020/NĐ-CP on clerical work puts them (issuing body with the number and symbol under it
  at the top left; national title and motto with the place and date under them at the top
  right; the document type and summary in the middle; the content; the recipients "Nơi nhận"
  at the bottom left and the signature at the bottom right) and format it (Times New Roman,
  size 13 or 14 for the content, content justified);
- 3.2 (re-elaborating content): turn the notice into a short text message for the village
  group, keeping what people need and dropping the parts that only serve the paper form;
- 3.3 (copyright and licences): choose an image whose licence allows the use, after reading
  its licence, refuse one marked "all rights reserved", and credit the one used (author,
  source, licence, "modified"), sharing a changed CC BY-SA image under the same licence.

A task enables the features it needs by what it passes: ``parts`` (the blocks of the
document), ``images`` (the image library, with ``overlay``, a text the task may add on an
image) and ``pieces`` (the pieces of information a short message can keep). The editor
starts as a careless draft would: font Arial, size 12, content aligned left, an empty
message. An image can be inserted straight from the library list, so reading its licence
first (``view_image``) is a choice the log records. ``task.state`` holds:

==========  ===============================================================================
``slots``   position (a key of SLOTS) -> block ids, top first; ``tray``: blocks not placed
``font``    a name of FONTS; ``size``: a size of SIZES; ``align``: a key of ALIGNS
``images``  inserted images, in order: ``{"id", "edited" (text added), "author", "source"
            (as typed), "licence", "modified" (marked as changed), "share_licence"}``
``short``   the pieces in the message being written; ``sent``: every message sent,
            oldest first, as lists of piece ids (a message sent cannot be taken back)
==========  ===============================================================================

Actions: ``pick`` and ``place`` (``block``, ``slot``), ``unplace`` (``block``);
``open_format``, ``set_font`` (``font``), ``set_size`` (``size``), ``set_align``
(``align``); ``preview``; ``open_images``, ``view_image``, ``insert_image``,
``open_credit``, ``edit_image``, ``credit`` (``author``, ``source``), ``set_licence``,
``mark_modified`` (``modified``), ``set_share_licence`` (``licence``), ``remove_image``
(each with ``image``); ``open_short``, ``toggle_piece`` (``piece``), ``send_short``;
``back``, ``cancel``. :func:`same_address` compares a typed web address with the expected
one. Everything shown is invented by the task that builds the app.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused, html_lines

__all__ = [
    "ALIGNS",
    "FONTS",
    "LICENCES",
    "SIZES",
    "SLOTS",
    "DocumentEditor",
    "same_address",
]

SLOTS = {
    "tren_trai": "Phía trên, bên trái",
    "tren_phai": "Phía trên, bên phải",
    "giua": "Giữa trang, dưới phần đầu",
    "than": "Thân văn bản",
    "duoi_trai": "Cuối văn bản, bên trái",
    "duoi_phai": "Cuối văn bản, bên phải",
}
"""The positions of a page a block can be put in, top to bottom."""

FONTS = ("Arial", "Times New Roman", "VNI-Times", "Calibri")
"""Fonts offered; VNI-Times is an old font that is not Unicode, still found on office computers."""

SIZES = (11, 12, 13, 14, 16)
"""Font sizes offered for the content, in points."""

ALIGNS = {"trai": "Căn trái", "giua": "Căn giữa", "phai": "Căn phải", "deu": "Căn đều hai bên"}
"""Alignments offered for the content."""

LICENCES = (
    "CC BY 4.0",
    "CC BY-SA 4.0",
    "CC BY-NC 4.0",
    "CC BY-ND 4.0",
    "CC0 1.0",
    "Bảo lưu mọi quyền",
    "Không rõ",
)
"""Licences the credit form offers (with any other licence an image of the task carries)."""

_CSS_ALIGN = {"trai": "left", "giua": "center", "phai": "right", "deu": "justify"}
_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?")


def _nfc(typed: object) -> str:
    return unicodedata.normalize("NFC", typed).strip() if isinstance(typed, str) else ""


def same_address(typed: str | None, expected: str) -> bool:
    """Whether ``typed`` names the web page ``expected``, with or without http(s)://, www., "/".

    Case is set aside too, as people type addresses in any case.
    """

    def bare(address: str) -> str:
        return _SCHEME.sub("", _nfc(address).casefold()).rstrip("/")

    return typed is not None and bare(typed) == bare(expected)


def _first_line(text: str, limit: int = 48) -> str:
    """The first line of ``text``, cut at a word near ``limit`` characters to fit a button."""
    line = text.split("\n", 1)[0]
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


class DocumentEditor(AppTask):
    """An editor for one administrative document, its images and a short message made from it.

    ``parts`` are (id, text) blocks to place, in the order the tray shows them (give them
    shuffled); ``images`` are the library's images as ``{"id", "title", "author", "source",
    "licence", "note"}``; ``pieces`` are (id, text) pieces of information of the notice, in
    the order a message lists them; ``overlay`` is the text the task may add on an image.
    """

    title: ClassVar[str] = "Soạn thảo văn bản"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        parts: Sequence[tuple[str, str]] = (),
        images: Sequence[Mapping[str, str]] = (),
        pieces: Sequence[tuple[str, str]] = (),
        overlay: str | None = None,
        sheet: AnswerSheet,
    ) -> None:
        self.parts = dict(parts)
        self.images = {image["id"]: dict(image) for image in images}
        self.pieces = dict(pieces)
        self.overlay = overlay
        if len(self.parts) != len(parts) or len(self.pieces) != len(pieces):
            raise ValueError("part and piece ids must be unique")
        extra = [i["licence"] for i in self.images.values() if i["licence"] not in LICENCES]
        self.licences = tuple(dict.fromkeys([*LICENCES, *extra]))
        super().__init__(qid, prompt, sheet=sheet)

    # The state machine.

    def start(self) -> dict[str, Any]:
        return {
            "screen": "page",
            "tray": list(self.parts),
            "slots": {slot: [] for slot in SLOTS},
            "picked": None,
            "font": "Arial",
            "size": 12,
            "align": "trai",
            "viewing": None,
            "editing": None,
            "images": [],
            "short": [],
            "sent": [],
        }

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        handler = getattr(self, f"_do_{action['action']}", None)
        if handler is None:
            raise Refused("Trình soạn thảo không có nút này.")
        handler(state, action)

    def _on(self, state: Mapping[str, Any], *screens: str) -> None:
        if state["screen"] not in screens:
            raise Refused("Nút này không có trên màn hình đang mở.")

    def _do_back(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        if state["screen"] == "page":
            raise Refused("Bạn đang ở trang văn bản rồi.")
        state.update(screen="page", picked=None, viewing=None, editing=None)

    _do_cancel = _do_back

    # Placing the parts.

    def _do_pick(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "page")
        if action.get("block") not in state["tray"]:
            raise Refused("Phần này đã được đặt, hoặc không có.")
        state.update(screen="place", picked=action["block"])

    def _do_place(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "place")
        if action.get("block") != state["picked"]:
            raise Refused("Hãy chọn phần cần đặt trước.")
        if action.get("slot") not in SLOTS:
            raise Refused("Không có vị trí này trên trang.")
        state["tray"].remove(state["picked"])
        state["slots"][action["slot"]].append(state["picked"])
        state.update(screen="page", picked=None)

    def _do_unplace(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "page")
        block = action.get("block")
        for blocks in state["slots"].values():
            if block in blocks:
                blocks.remove(block)
                state["tray"].append(block)
                return
        raise Refused("Phần này chưa được đặt lên trang.")

    # Formatting.

    def _do_open_format(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "page")
        if not self.parts:
            raise Refused("Văn bản này không có phần cần định dạng.")
        state["screen"] = "format"

    def _do_set_font(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "format")
        if action.get("font") not in FONTS:
            raise Refused("Không có phông chữ này.")
        state["font"] = action["font"]

    def _do_set_size(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "format")
        if action.get("size") not in SIZES:
            raise Refused("Không có cỡ chữ này.")
        state["size"] = action["size"]

    def _do_set_align(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "format")
        if action.get("align") not in ALIGNS:
            raise Refused("Không có cách căn lề này.")
        state["align"] = action["align"]

    def _do_preview(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "page")
        state["screen"] = "preview"

    # Images.

    def _do_open_images(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "page", "image")
        if not self.images:
            raise Refused("Văn bản này không dùng kho ảnh.")
        state.update(screen="images", viewing=None)

    def _do_view_image(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "images")
        if action.get("image") not in self.images:
            raise Refused("Không có ảnh này trong kho.")
        state.update(screen="image", viewing=action["image"])

    def _inserted(self, state: Mapping[str, Any], image: object) -> dict[str, Any]:
        for entry in state["images"]:
            if entry["id"] == image:
                return entry
        raise Refused("Ảnh này chưa được chèn vào văn bản.")

    def _do_insert_image(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "images", "image")
        image = action.get("image")
        if image not in self.images or (state["screen"] == "image" and image != state["viewing"]):
            raise Refused("Không có ảnh này trong kho.")
        if any(entry["id"] == image for entry in state["images"]):
            raise Refused("Ảnh này đã có trong văn bản.")
        state["images"].append(
            {
                "id": image,
                "edited": False,
                "author": "",
                "source": "",
                "licence": None,
                "modified": False,
                "share_licence": None,
            }
        )
        state.update(screen="credit", viewing=None, editing=image)

    def _do_open_credit(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "page")
        self._inserted(state, action.get("image"))
        state.update(screen="credit", editing=action["image"])

    def _editing(self, state: dict[str, Any], action: Mapping[str, Any]) -> dict[str, Any]:
        self._on(state, "credit")
        if action.get("image") != state["editing"]:
            raise Refused("Hãy mở thông tin nguồn của ảnh này trước.")
        return self._inserted(state, state["editing"])

    def _do_edit_image(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        entry = self._editing(state, action)
        if not self.overlay:
            raise Refused("Văn bản này không cần thêm chữ lên ảnh.")
        entry["edited"] = True

    def _do_credit(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        entry = self._editing(state, action)
        author, source = _nfc(action.get("author")), _nfc(action.get("source"))
        if not author and not source:
            raise Refused("Hãy gõ tác giả và nguồn của ảnh.")
        entry.update(author=author, source=source)

    def _do_set_licence(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        entry = self._editing(state, action)
        if action.get("licence") not in self.licences:
            raise Refused("Không có giấy phép này trong danh sách.")
        entry["licence"] = action["licence"]

    def _do_mark_modified(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        entry = self._editing(state, action)
        if not isinstance(action.get("modified"), bool):
            raise Refused("Hãy chọn có hoặc không.")
        entry["modified"] = action["modified"]

    def _do_set_share_licence(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        entry = self._editing(state, action)
        if action.get("licence") not in self.licences:
            raise Refused("Không có giấy phép này trong danh sách.")
        entry["share_licence"] = action["licence"]

    def _do_remove_image(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        entry = self._editing(state, action)
        state["images"].remove(entry)
        state.update(screen="page", editing=None)

    # The short message.

    def _do_open_short(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "page")
        if not self.pieces:
            raise Refused("Văn bản này không có chức năng tạo tin nhắn.")
        state["screen"] = "short"

    def _do_toggle_piece(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "short")
        piece = action.get("piece")
        if piece not in self.pieces:
            raise Refused("Không có thông tin này trong thông báo.")
        chosen = set(state["short"]) ^ {piece}
        state["short"] = [p for p in self.pieces if p in chosen]

    def _do_send_short(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "short")
        if not state["short"]:
            raise Refused("Tin nhắn đang trống.")
        state["sent"].append(list(state["short"]))
        state["screen"] = "page"

    def message(self, pieces: Sequence[str]) -> str:
        """The text of a message keeping ``pieces``, in the notice's order."""
        return "\n".join(self.pieces[p] for p in self.pieces if p in pieces)

    # The screens.

    def _blocks_html(self, blocks: Sequence[str]) -> str:
        return "<br>".join(html_lines(self.parts[b]) for b in blocks)

    def _screen_page(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = []
        if self.parts:
            rows = "".join(
                f"<div style='border:1px dashed #999;padding:4px;margin:3px 0'>"
                f"<b>{html.escape(label)}:</b><br>"
                f"{self._blocks_html(state['slots'][slot]) or '<i>(trống)</i>'}</div>"
                for slot, label in SLOTS.items()
            )
            parts.append(self.note(rows, escape=False))
            placed = [b for blocks in state["slots"].values() for b in blocks]
            if state["tray"]:
                parts.append(
                    self.note("<b>Các phần chưa đặt</b> (bấm để chọn vị trí):", escape=False)
                )
                for block in state["tray"]:
                    label = _first_line(self.parts[block])
                    parts.append(self.button(f"➕ {label}", "pick", block=block))
            if placed:
                parts.append(self.note("Gỡ một phần đã đặt để đặt lại:"))
                for block in placed:
                    label = _first_line(self.parts[block])
                    parts.append(self.button(f"↩ Gỡ: {label}", "unplace", block=block))
            parts.append(
                self.note(
                    f"Phông chữ: {state['font']}; cỡ chữ phần nội dung: {state['size']}; "
                    f"căn lề phần nội dung: {ALIGNS[state['align']].lower()}."
                )
            )
            parts.append(self.button("🅰 Định dạng chữ", "open_format"))
        for entry in state["images"]:
            title = self.images[entry["id"]]["title"]
            parts.append(self.note(f"🖼 Ảnh trong văn bản: «{title}». {self._credit_line(entry)}"))
            parts.append(
                self.button(f"✎ Thông tin nguồn ảnh «{title}»", "open_credit", image=entry["id"])
            )
        if self.images:
            parts.append(self.button("🖼 Chèn ảnh từ kho ảnh", "open_images"))
        if self.pieces:
            for number, sent in enumerate(state["sent"], start=1):
                words = html_lines(self.message(sent))
                parts.append(
                    self.note(f"<b>Tin nhắn đã gửi ({number}):</b><br>{words}", escape=False)
                )
            parts.append(self.button("✉ Tạo tin nhắn ngắn từ thông báo", "open_short"))
        if self.parts or self.images:
            parts.append(self.button("👁 Xem trước bản in", "preview"))
        return parts

    def _screen_place(self, state: dict[str, Any]) -> list[widgets.Widget]:
        block = state["picked"]
        parts: list[widgets.Widget] = [
            self.note(
                f"Đặt phần «{html.escape(self.parts[block]).replace(chr(10), ' / ')}» vào:",
                escape=False,
            )
        ]
        for slot, label in SLOTS.items():
            parts.append(self.button(label, "place", block=block, slot=slot))
        parts.append(self.button("Hủy", "cancel"))
        return parts

    def _screen_format(self, state: dict[str, Any]) -> list[widgets.Widget]:
        def mark(chosen: bool) -> str:
            return "✓ " if chosen else ""

        parts: list[widgets.Widget] = [self.note("<b>Phông chữ (cả văn bản)</b>", escape=False)]
        for font in FONTS:
            parts.append(self.button(f"{mark(state['font'] == font)}{font}", "set_font", font=font))
        parts.append(self.note("<b>Cỡ chữ phần nội dung</b>", escape=False))
        for size in SIZES:
            parts.append(self.button(f"{mark(state['size'] == size)}{size}", "set_size", size=size))
        parts.append(self.note("<b>Căn lề phần nội dung</b>", escape=False))
        for align, label in ALIGNS.items():
            chosen = state["align"] == align
            parts.append(self.button(f"{mark(chosen)}{label}", "set_align", align=align))
        parts.append(self.button("← Quay lại văn bản", "back"))
        return parts

    def _screen_preview(self, state: dict[str, Any]) -> list[widgets.Widget]:
        blocks = {slot: self._blocks_html(state["slots"][slot]) for slot in SLOTS}
        font = html.escape(state["font"])
        body_size = round(state["size"] * 1.15)
        images = ""
        for entry in state["images"]:
            shown = html.escape(self.images[entry["id"]]["title"])
            if entry["edited"]:
                shown += f" + chữ «{html.escape(self.overlay or '')}»"
            images += (
                "<div style='text-align:center;margin:6px 0;font-size:12px'>"
                f"[Ảnh: {shown}]<br><i>{html.escape(self._credit_line(entry))}</i></div>"
            )
        two = "<div style='display:flex;justify-content:space-between;gap:8px'>"
        page = (
            f"<div style=\"font-family:'{font}',serif;background:white;border:1px solid #999;"
            'padding:12px;font-size:13px;line-height:1.35">'
            f"{two}<div style='width:42%;text-align:center'>{blocks['tren_trai']}</div>"
            f"<div style='width:58%;text-align:center'>{blocks['tren_phai']}</div></div>"
            "<div style='text-align:center;font-weight:bold;margin:10px 0'>"
            f"{blocks['giua']}</div>"
            f"<div style='text-align:{_CSS_ALIGN[state['align']]};font-size:{body_size}px'>"
            f"{blocks['than']}</div>{images}"
            f"{two}<div style='width:50%;font-size:11px'>{blocks['duoi_trai']}</div>"
            f"<div style='width:50%;text-align:center'>{blocks['duoi_phai']}</div></div></div>"
        )
        return [self.note(page, escape=False), self.button("← Quay lại văn bản", "back")]

    def _screen_images(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self.note("<b>Kho ảnh</b>", escape=False)]
        for image, info in self.images.items():
            parts.append(
                self.button(f"ℹ Xem thông tin: {info['title']}", "view_image", image=image)
            )
            parts.append(self.button(f"➕ Chèn: {info['title']}", "insert_image", image=image))
        parts.append(self.button("← Quay lại văn bản", "back"))
        return parts

    def _screen_image(self, state: dict[str, Any]) -> list[widgets.Widget]:
        image = state["viewing"]
        info = self.images[image]
        rows = [
            ("Tên ảnh", info["title"]),
            ("Tác giả", info.get("author") or "(không ghi)"),
            ("Nguồn", info.get("source") or "(không ghi)"),
            ("Giấy phép", info["licence"]),
            ("Ghi chú", info.get("note", "")),
        ]
        table = "".join(
            f"<tr><th style='text-align:left;padding-right:8px;vertical-align:top'>"
            f"{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
            for label, value in rows
            if value
        )
        return [
            self.note(f"<table>{table}</table>", escape=False),
            self.button("➕ Chèn ảnh này", "insert_image", image=image),
            self.button("← Kho ảnh", "open_images"),
        ]

    def _credit_line(self, entry: Mapping[str, Any]) -> str:
        if not (entry["author"] or entry["source"] or entry["licence"]):
            return "Chưa ghi nguồn."
        title = self.images[entry["id"]]["title"]
        line = (
            f"Ảnh «{title}» của {entry['author'] or '?'}, nguồn: {entry['source'] or '?'}, "
            f"giấy phép {entry['licence'] or '?'}"
        )
        if entry["modified"]:
            line += "; đã sửa đổi"
            if entry["share_licence"]:
                line += f", bản đã sửa chia sẻ theo giấy phép {entry['share_licence']}"
        return line + "."

    def _screen_credit(self, state: dict[str, Any]) -> list[widgets.Widget]:
        image = state["editing"]
        entry = self._inserted(state, image)
        info = self.images[image]

        def mark(chosen: bool) -> str:
            return "✓ " if chosen else ""

        parts: list[widgets.Widget] = [
            self.note(f"<b>Ảnh «{html.escape(info['title'])}» trong văn bản</b>", escape=False),
            self.note(f"Dòng ghi nguồn hiện tại: {self._credit_line(entry)}"),
        ]
        if self.overlay:
            if entry["edited"]:
                parts.append(self.note(f"Đã thêm dòng chữ «{self.overlay}» lên ảnh."))
            else:
                label = f"✍ Thêm dòng chữ «{self.overlay}» lên ảnh"
                parts.append(self.button(label, "edit_image", image=image))
        parts.append(
            self.form(
                {"author": "Tác giả", "source": "Nguồn (địa chỉ trang)"},
                "Lưu tác giả và nguồn",
                "credit",
                image=image,
            )
        )
        parts.append(self.note("<b>Giấy phép của ảnh</b>", escape=False))
        for licence in self.licences:
            chosen = entry["licence"] == licence
            parts.append(
                self.button(
                    f"{mark(chosen)}Giấy phép ảnh: {licence}",
                    "set_licence",
                    image=image,
                    licence=licence,
                )
            )
        modified = entry["modified"]
        parts.append(
            self.button(
                f"{'☑' if modified else '☐'} Ghi rõ: ảnh đã được sửa đổi (thêm chữ, cắt khung...)",
                "mark_modified",
                image=image,
                modified=not modified,
            )
        )
        parts.append(self.note("<b>Giấy phép cho bản ảnh đã sửa (nếu có sửa)</b>", escape=False))
        for licence in self.licences:
            if licence == "Không rõ":
                continue  # whoever shares the changed image knows the licence they give it
            chosen = entry["share_licence"] == licence
            parts.append(
                self.button(
                    f"{mark(chosen)}Bản đã sửa: {licence}",
                    "set_share_licence",
                    image=image,
                    licence=licence,
                )
            )
        parts.append(self.button("🗑 Gỡ ảnh khỏi văn bản", "remove_image", image=image))
        parts.append(self.button("← Quay lại văn bản", "back"))
        return parts

    def _screen_short(self, state: dict[str, Any]) -> list[widgets.Widget]:
        text = self.message(state["short"])
        parts: list[widgets.Widget] = [
            self.note(
                "<b>Tin nhắn sẽ gửi vào nhóm của thôn</b> "
                f"({len(text)} ký tự):<br><div style='white-space:pre-wrap;border:1px solid #bbb;"
                f"padding:6px;background:white'>{html.escape(text) or '<i>(trống)</i>'}</div>",
                escape=False,
            ),
            self.note("Bấm để giữ (☑) hoặc bỏ (☐) từng thông tin:"),
        ]
        for piece, words in self.pieces.items():
            box = "☑" if piece in state["short"] else "☐"
            parts.append(self.button(f"{box} {words}", "toggle_piece", piece=piece))
        parts.append(self.button("📨 Gửi tin nhắn", "send_short"))
        parts.append(self.button("← Quay lại văn bản", "back"))
        return parts
