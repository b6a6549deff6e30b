"""Quản lý tệp: a file manager with folders, several storage places and a recycle bin.

The tasks it serves belong to competence 1.3 (managing data, information and digital
content): give a downloaded report a name that follows the office's convention (date first
as year-month-day, what it is about, a version number), put it in the right folder, delete an
exact duplicate while keeping the older version, bring back a file deleted by mistake, and
copy a report to the backup place the office allows rather than to a personal cloud.

A file can be deleted straight from the folder list, as in any file manager, or from its
detail screen; only the detail screen (``open_file``) shows its size, date and a preview. So
"compared the two copies before deleting one" is a real choice the log records::

    happened_before(log, ("open_file", {"file": "f2"}), ("delete", {"file": "f2"}))

Files keep their id whatever they are renamed to, so a hidden test finds them by the id the
task gave them. ``task.state`` holds:

==============  ==========================================================================
``files``       id -> ``{"id", "name", "place", "folder", "size", "modified", "preview"}``
                for every file not in the recycle bin; a copy also has ``copy_of`` (the
                id it was copied from) and an id of the form ``"<id>~<n>"``
``trash``       id -> the same, for files in the recycle bin (with where they came from)
``screen``      home, folder, file, rename, move, copy, confirm_delete or trash;
                ``place``, ``folder`` and ``file`` say what is open
==============  ==========================================================================

Actions (``{"action": name, ...details}``): ``home``, ``open_place`` (``place``),
``open_folder`` (``folder``, a path such as ``"BaoCao/2026"``), ``up``, ``open_file``,
``start_rename``, ``rename`` (``name``, as typed), ``start_move``, ``move`` (``folder``),
``start_copy``, ``copy`` (``place``, ``folder``), ``ask_delete``, ``delete``, each with
``file``; ``open_trash``, ``restore`` (``file``), ``back``, ``cancel``::

    tep = FileManager("cau_3", "...", places=NOI_LUU, files=TEP, sheet=phieu)
    tep.act("open_place", place="may")
    tep.act("open_folder", folder="TaiVe")
    tep.act("open_file", file="bc10")
    ...

File names are listed sorted character by character, as many programs, mail boxes and web
portals list them, which is why the naming convention puts the date first as year-month-day.
Like Windows, the app refuses a name with one of the characters ``/ \\ : * ? " < > |``;
spaces and a missing extension it accepts, since the point is that the learner avoids them.
Names are kept in one Unicode form (NFC), whatever keyboard typed them. Everything shown is
invented by the task that builds the app.
"""

from __future__ import annotations

import copy
import html
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused

__all__ = ["FORBIDDEN_CHARACTERS", "FileManager"]

FORBIDDEN_CHARACTERS = '/\\:*?"<>|'
"""Characters Windows refuses in a file name; the app refuses them too."""

_ICONS = {"may": "💻", "o_co_quan": "🗄", "dam_may": "☁", "usb": "💾"}


def _clean(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


def _key(name: str) -> str:
    """How file names are listed: character by character, ignoring case."""
    return unicodedata.normalize("NFC", name).casefold()


class FileManager(AppTask):
    """A file manager: storage places, their folders, files and a recycle bin.

    ``places`` lists each place as ``{"id", "label", "folders"}`` where ``folders`` are
    paths such as ``"BaoCao/2026"`` (their parents exist implicitly). ``files`` lists each file
    as ``{"id", "name", "place", "folder", "size", "modified", "preview"}``; ``trash`` lists
    files already in the recycle bin, with the place and folder they were deleted from.
    """

    title: ClassVar[str] = "Quản lý tệp"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        places: Sequence[Mapping[str, Any]],
        files: Sequence[Mapping[str, Any]],
        trash: Sequence[Mapping[str, Any]] = (),
        sheet: AnswerSheet,
    ) -> None:
        self.places = {
            place["id"]: {"label": place["label"], "folders": _with_parents(place["folders"])}
            for place in places
        }
        self._files = [dict(f) for f in files]
        self._trash = [dict(f) for f in trash]
        ids = [f["id"] for f in [*self._files, *self._trash]]
        if len(ids) != len(set(ids)):
            raise ValueError("file ids must be unique")
        for entry in [*self._files, *self._trash]:
            if entry["folder"] not in self.places[entry["place"]]["folders"]:
                raise ValueError(f"unknown folder {entry['folder']!r} for {entry['id']!r}")
        super().__init__(qid, prompt, sheet=sheet)

    # The state machine.

    def start(self) -> dict[str, Any]:
        return {
            "screen": "home",
            "place": None,
            "folder": "",
            "file": None,
            "files": {f["id"]: copy.deepcopy(f) for f in self._files},
            "trash": {f["id"]: copy.deepcopy(f) for f in self._trash},
            "copies": 0,
            "asked_from": None,
        }

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        name = action["action"]
        handler = getattr(self, f"_do_{name}", None)
        if handler is None:
            raise Refused("Ứng dụng không có nút này.")
        handler(state, action)

    def _do_home(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        state.update(screen="home", place=None, folder="", file=None)

    def _do_open_place(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] != "home":
            raise Refused("Hãy về trang đầu để chọn nơi lưu.")
        place = action.get("place")
        if place not in self.places:
            raise Refused("Không có nơi lưu này.")
        state.update(screen="folder", place=place, folder="", file=None)

    def _do_open_folder(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        folder = action.get("folder")
        if state["screen"] != "folder" or folder not in self._subfolders(state):
            raise Refused("Thư mục này không có ở đây.")
        state["folder"] = folder

    def _do_up(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        if state["screen"] != "folder":
            raise Refused("Hãy quay lại danh sách thư mục trước.")
        if state["folder"]:
            state["folder"] = state["folder"].rpartition("/")[0]
        else:
            state.update(screen="home", place=None)

    def _do_open_file(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        file = action.get("file")
        if state["screen"] != "folder" or file not in self._files_here(state):
            raise Refused("Tệp này không có trong thư mục đang mở.")
        state.update(screen="file", file=file)

    def _do_back(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        screen = state["screen"]
        from_list = screen == "confirm_delete" and state.get("asked_from") == "folder"
        if screen == "file" or from_list:
            state.update(screen="folder", file=None)
        elif screen in ("rename", "move", "copy", "confirm_delete"):
            state["screen"] = "file"
        elif screen == "trash":
            state.update(screen="home", place=None, folder="")
        else:
            raise Refused("Không có gì để quay lại.")

    _do_cancel = _do_back

    def _open(self, state: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
        """The file the action names, which must be the one shown on the detail screen."""
        file = action.get("file")
        if state["screen"] != "file" or file != state["file"] or file not in state["files"]:
            raise Refused("Hãy mở tệp trước (bấm vào tên tệp).")
        return state["files"][file]

    def _do_start_rename(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._open(state, action)
        state["screen"] = "rename"

    def _do_rename(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] != "rename" or action.get("file") != state["file"]:
            raise Refused("Hãy bấm «Đổi tên» ở tệp cần đổi trước.")
        typed = action.get("name")
        if not isinstance(typed, str) or not _clean(typed).strip("."):
            raise Refused("Hãy gõ tên mới cho tệp.")
        new_name = _clean(typed)
        if any(c in FORBIDDEN_CHARACTERS for c in new_name):
            raise Refused("Tên tệp không được có các ký tự " + " ".join(FORBIDDEN_CHARACTERS) + ".")
        entry = state["files"][state["file"]]
        self._check_free(state, entry["place"], entry["folder"], new_name, but=state["file"])
        entry["name"] = new_name
        state["screen"] = "file"

    def _do_start_move(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._open(state, action)
        state["screen"] = "move"

    def _do_move(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] != "move" or action.get("file") != state["file"]:
            raise Refused("Hãy bấm «Di chuyển» ở tệp cần chuyển trước.")
        entry = state["files"][state["file"]]
        folder = action.get("folder")
        if folder not in self.places[entry["place"]]["folders"] or folder == entry["folder"]:
            raise Refused("Hãy chọn một thư mục khác thư mục tệp đang nằm.")
        self._check_free(state, entry["place"], folder, entry["name"], but=state["file"])
        entry["folder"] = folder
        state.update(screen="file", folder=folder)

    def _do_start_copy(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._open(state, action)
        state["screen"] = "copy"

    def _do_copy(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] != "copy" or action.get("file") != state["file"]:
            raise Refused("Hãy bấm «Sao chép đến...» ở tệp cần chép trước.")
        entry = state["files"][state["file"]]
        place, folder = action.get("place"), action.get("folder")
        if place not in self.places or folder not in self.places[place]["folders"]:
            raise Refused("Không có thư mục này.")
        if (place, folder) == (entry["place"], entry["folder"]):
            raise Refused("Tệp đã nằm trong thư mục này; hãy chọn nơi khác.")
        self._check_free(state, place, folder, entry["name"])
        state["copies"] += 1
        duplicate = {**copy.deepcopy(entry), "place": place, "folder": folder}
        duplicate.update(id=f"{entry['id']}~{state['copies']}", copy_of=entry["id"])
        state["files"][duplicate["id"]] = duplicate
        state["screen"] = "file"

    def _do_ask_delete(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        """Delete from the folder list (without opening the file) or from its detail screen."""
        file = action.get("file")
        if state["screen"] == "folder" and file in self._files_here(state):
            state.update(screen="confirm_delete", file=file, asked_from="folder")
        else:
            self._open(state, action)
            state.update(screen="confirm_delete", asked_from="file")

    def _do_delete(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        if state["screen"] != "confirm_delete" or action.get("file") != state["file"]:
            raise Refused("Hãy bấm «Xóa» ở tệp cần xóa trước.")
        state["trash"][state["file"]] = state["files"].pop(state["file"])
        state.update(screen="folder", file=None)

    def _do_open_trash(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        if state["screen"] != "home":
            raise Refused("Thùng rác mở từ trang đầu.")
        state["screen"] = "trash"

    def _do_restore(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        file = action.get("file")
        if state["screen"] != "trash" or file not in state["trash"]:
            raise Refused("Tệp này không có trong Thùng rác.")
        entry = state["trash"][file]
        self._check_free(state, entry["place"], entry["folder"], entry["name"])
        state["files"][file] = state["trash"].pop(file)

    # Helpers of the state machine.

    def _subfolders(self, state: Mapping[str, Any]) -> list[str]:
        here = state["folder"]
        folders = self.places[state["place"]]["folders"]
        return [f for f in folders if f and f.rpartition("/")[0] == here]

    def _files_here(self, state: Mapping[str, Any]) -> list[str]:
        found = [
            (entry["name"], file)
            for file, entry in state["files"].items()
            if entry["place"] == state["place"] and entry["folder"] == state["folder"]
        ]
        return [file for _, file in sorted(found, key=lambda pair: _key(pair[0]))]

    def _check_free(
        self, state: Mapping[str, Any], place: str, folder: str, name: str, but: str = ""
    ) -> None:
        for file, entry in state["files"].items():
            same_place = entry["place"] == place and entry["folder"] == folder
            if file != but and same_place and _key(entry["name"]) == _key(name):
                raise Refused(f"Ở đó đã có một tệp tên «{entry['name']}».")

    def _where(self, place: str, folder: str) -> str:
        return " › ".join([self.places[place]["label"], *[p for p in folder.split("/") if p]])

    # The screens.

    def _screen_home(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self.note("Chọn nơi lưu:")]
        for place, info in self.places.items():
            icon = _ICONS.get(place, "📂")
            parts.append(self.button(f"{icon} {info['label']}", "open_place", place=place))
        parts.append(self.button(f"🗑 Thùng rác ({len(state['trash'])} tệp)", "open_trash"))
        return parts

    def _screen_folder(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self.note(
                f"<b>Đang mở:</b> {html.escape(self._where(state['place'], state['folder']))}",
                escape=False,
            )
        ]
        for folder in sorted(self._subfolders(state), key=_key):
            label = folder.rpartition("/")[2]
            parts.append(self.button(f"📁 {label}", "open_folder", folder=folder))
        files = self._files_here(state)
        for file in files:
            name = state["files"][file]["name"]
            parts.append(self.button(f"📄 {name}", "open_file", file=file))
            parts.append(self.button(f"🗑 Xóa «{name}»", "ask_delete", file=file))
        if not files and not self._subfolders(state):
            parts.append(self.note("(Thư mục trống)"))
        parts.append(self.button("⬆ Lên một cấp", "up"))
        parts.append(self.button("⌂ Trang đầu", "home"))
        return parts

    def _details(self, entry: Mapping[str, Any]) -> widgets.HTML:
        rows = [
            ("Tên", entry["name"]),
            ("Nơi lưu", self._where(entry["place"], entry["folder"])),
            ("Kích thước", entry.get("size", "")),
            ("Ngày sửa", entry.get("modified", "")),
            ("Xem trước", entry.get("preview", "")),
        ]
        table = "".join(
            f"<tr><th style='text-align:left;padding-right:8px;vertical-align:top'>"
            f"{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>"
            for label, value in rows
        )
        return self.note(f"<table>{table}</table>", escape=False)

    def _screen_file(self, state: dict[str, Any]) -> list[widgets.Widget]:
        file = state["file"]
        return [
            self._details(state["files"][file]),
            self.button("✏ Đổi tên", "start_rename", file=file),
            self.button("➡ Di chuyển đến thư mục khác", "start_move", file=file),
            self.button("⧉ Sao chép đến...", "start_copy", file=file),
            self.button("🗑 Xóa", "ask_delete", file=file),
            self.button("← Quay lại thư mục", "back"),
        ]

    def _screen_rename(self, state: dict[str, Any]) -> list[widgets.Widget]:
        file = state["file"]
        current = state["files"][file]["name"]
        return [
            self.note(f"Tên hiện tại: {current}"),
            self.form({"name": "Tên mới"}, "Đổi tên", "rename", file=file),
            self.button("Hủy", "cancel"),
        ]

    def _screen_move(self, state: dict[str, Any]) -> list[widgets.Widget]:
        file = state["file"]
        entry = state["files"][file]
        parts: list[widgets.Widget] = [self.note(f"Chuyển «{entry['name']}» vào thư mục:")]
        for folder in sorted(self.places[entry["place"]]["folders"], key=_key):
            if folder != entry["folder"]:
                label = self._where(entry["place"], folder)
                parts.append(self.button(f"📁 {label}", "move", file=file, folder=folder))
        parts.append(self.button("Hủy", "cancel"))
        return parts

    def _screen_copy(self, state: dict[str, Any]) -> list[widgets.Widget]:
        file = state["file"]
        entry = state["files"][file]
        parts: list[widgets.Widget] = [self.note(f"Sao chép «{entry['name']}» vào:")]
        for place, info in self.places.items():
            for folder in sorted(info["folders"], key=_key):
                if (place, folder) != (entry["place"], entry["folder"]):
                    icon = _ICONS.get(place, "📂")
                    parts.append(
                        self.button(
                            f"{icon} {self._where(place, folder)}",
                            "copy",
                            file=file,
                            place=place,
                            folder=folder,
                        )
                    )
        parts.append(self.button("Hủy", "cancel"))
        return parts

    def _screen_confirm_delete(self, state: dict[str, Any]) -> list[widgets.Widget]:
        file = state["file"]
        name = state["files"][file]["name"]
        return [
            self.note(f"Chuyển tệp «{name}» vào Thùng rác?"),
            self.button("🗑 Xóa", "delete", file=file),
            self.button("Hủy", "cancel"),
        ]

    def _screen_trash(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self.note("<b>Thùng rác</b>", escape=False)]
        if not state["trash"]:
            parts.append(self.note("(Thùng rác trống)"))
        for file, entry in state["trash"].items():
            where = self._where(entry["place"], entry["folder"])
            parts.append(
                self.note(
                    f"📄 {entry['name']}: xóa từ {where}; "
                    f"kích thước {entry.get('size', '')}, sửa ngày {entry.get('modified', '')}"
                )
            )
            parts.append(self.button(f"↩ Khôi phục «{entry['name']}»", "restore", file=file))
        parts.append(self.button("⌂ Trang đầu", "back"))
        return parts


def _with_parents(folders: Sequence[str]) -> list[str]:
    """The folders with every parent folder and the place's top level ("")."""
    found = {""}
    for folder in folders:
        parts = [p for p in folder.split("/") if p]
        for depth in range(1, len(parts) + 1):
            found.add("/".join(parts[:depth]))
    return sorted(found, key=_key)
