"""Bảng tính: a small spreadsheet to sort, filter, add up, clean and chart a table.

The tasks it serves belong to competences 1.3 (managing data: sort, filter, sum or count a
column, remove personal data from a table before it is shared) and 3.2 (re-elaborating
content: turn a table into a chart of the right kind for a report). The app computes, as a
spreadsheet does: the learner taps a column, then "Tính tổng", and reads the result in the
status line (an assignment may then ask for that number in a
:class:`~curriculum.toolkit.questions.NumberAnswer`). Each result is kept with the filter
that was on, so a hidden test can tell "added up the amounts of the filtered rows" from
"added up the whole column".

Like an online spreadsheet, every change is saved at once in the file that is open, so
deleting a column in the original file damages the original: the careful way to share is
"Lưu thành tệp mới" first, then delete the personal columns in the copy, then send the copy.
A hidden column is still in the file (the receiver can show it again), and the share screen
says so. ``task.state`` holds:

===========  ==============================================================================
``files``    file name -> ``{"columns": [keys], "hidden": [keys]}``, the original first;
             copies share the rows and keep their own columns
``file``     the name of the file open
``filter``   ``{"column", "value"}`` or None; ``sort``: ``{"column", "descending"}`` or None
``results``  every sum or count, oldest first: ``{"kind": "sum" | "count", "column",
             "value", "rows" (rows shown), "filter" (as it was), "file"}``
``chart``    ``{"kind" (a key of CHART_KINDS or None), "labels", "values" (column keys or
             None), "order" ("goc", "giam", "tang"), "title"}``
``sent``     every file sent, oldest first: ``{"file", "columns", "hidden"}``
===========  ==============================================================================

Actions: ``open_column``, then from its menu ``sort`` (``descending``), ``open_filter`` and
``filter`` (``value``), ``sum``, ``count``, ``hide_column``, ``delete_column`` (each with
``column``); ``clear_filter``, ``show_hidden``; ``open_save_as``, ``save_as`` (``name``, as
typed); ``open_files``, ``switch_file`` (``file``); ``open_share``, ``send``;
``open_chart``, ``chart_type`` (``kind``), ``chart_labels``, ``chart_values`` (``column``),
``chart_order`` (``order``), ``chart_title`` (``title``, as typed); ``back``::

    bang = Spreadsheet("cau_7", "...", file_name="DanhSach_HoNhanHoTro.xlsx",
                       columns=COT, rows=DONG, sheet=phieu)
    bang.act("open_save_as")
    bang.act("save_as", name="2026-11-20_hotro-thon_chiase_v01.xlsx")
    bang.act("open_column", column="ho_ten")
    bang.act("delete_column", column="ho_ten")
    ...

A filter value is matched whatever its Unicode form or case. Charts are drawn in plain HTML
and SVG (no plotting library, no network), with the numbers written beside the bars and
listed in words under the chart for screen readers. Everything shown is invented by the task
that builds the app.
"""

from __future__ import annotations

import html
import numbers
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused

__all__ = ["CHART_KINDS", "Spreadsheet", "chart_data", "visible_rows"]

CHART_KINDS = {
    "cot": "Biểu đồ cột",
    "thanh": "Biểu đồ cột ngang",
    "duong": "Biểu đồ đường",
    "tron": "Biểu đồ tròn",
}
"""The kinds of chart the app draws, by the value its ``chart_type`` action takes."""

_ORDERS = {"goc": "như trong bảng", "giam": "từ lớn đến nhỏ", "tang": "từ nhỏ đến lớn"}
_COLOURS = ("#2a6f97", "#c1121f", "#588157", "#e09f3e", "#6a4c93", "#3d405b")
_FORBIDDEN = '/\\:*?"<>|'
_CELL = "border:1px solid #ccc;padding:3px 6px;white-space:nowrap;"


def _fold(value: object) -> object:
    """A cell value as compared: text in one Unicode form and case, numbers as they are."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip().casefold()
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _number(value: float) -> str:
    """``value`` the Vietnamese way: 6.300.000 and 41,7."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, _, fraction = f"{value:,.2f}".rstrip("0").partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


def _cell(value: object) -> str:
    if value is None or value == "":
        return ""
    return _number(value) if _is_number(value) else str(value)


def visible_rows(
    rows: Sequence[Mapping[str, Any]], state: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """The rows the table shows in ``state``: filtered, then sorted."""
    shown = list(rows)
    chosen = state.get("filter")
    if chosen:
        wanted = _fold(chosen["value"])
        shown = [row for row in shown if _fold(row.get(chosen["column"])) == wanted]
    order = state.get("sort")
    if order:
        column = order["column"]

        def key(row: Mapping[str, Any]) -> tuple[int, Any]:
            value = row.get(column)
            if value is None or value == "":
                return (1, 0)
            return (0, value) if _is_number(value) else (0, _fold(str(value)))

        filled = [row for row in shown if key(row)[0] == 0]
        empty = [row for row in shown if key(row)[0] == 1]
        filled.sort(key=key, reverse=bool(order["descending"]))
        shown = filled + empty
    return shown


def chart_data(
    rows: Sequence[Mapping[str, Any]], labels: str, values: str, order: str = "goc"
) -> list[tuple[str, float]]:
    """(label, total) pairs: ``values`` added up for each label, in the chosen order."""
    totals: dict[str, float] = {}
    for row in rows:
        value = row.get(values)
        if _is_number(value):
            label = _cell(row.get(labels))
            totals[label] = totals.get(label, 0) + value
    pairs = list(totals.items())
    if order == "giam":
        pairs.sort(key=lambda pair: pair[1], reverse=True)
    elif order == "tang":
        pairs.sort(key=lambda pair: pair[1])
    return pairs


class Spreadsheet(AppTask):
    """A spreadsheet holding one table; copies of the file share its rows, not its columns.

    ``columns`` are (key, label) pairs; ``rows`` map keys to text or numbers. A column whose
    filled cells are all numbers can be added up and charted. ``file_name`` is the name of
    the file first open.
    """

    title: ClassVar[str] = "Bảng tính"

    def __init__(
        self,
        qid: str,
        prompt: str,
        *,
        file_name: str,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Mapping[str, Any]],
        sheet: AnswerSheet,
    ) -> None:
        self.file_name = file_name
        self.labels = dict(columns)
        if len(self.labels) != len(columns):
            raise ValueError("column keys must be unique")
        self.rows = [dict(row) for row in rows]
        self.numeric = {
            key
            for key in self.labels
            if any(_is_number(r.get(key)) for r in self.rows)
            and all(_is_number(r.get(key)) or r.get(key) in (None, "") for r in self.rows)
        }
        super().__init__(qid, prompt, sheet=sheet)

    # The state machine.

    def start(self) -> dict[str, Any]:
        return {
            "screen": "table",
            "file": self.file_name,
            "files": {self.file_name: {"columns": list(self.labels), "hidden": []}},
            "column": None,
            "sort": None,
            "filter": None,
            "results": [],
            "chart": {"kind": None, "labels": None, "values": None, "order": "goc", "title": ""},
            "sent": [],
        }

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        handler = getattr(self, f"_do_{action['action']}", None)
        if handler is None:
            raise Refused("Bảng tính không có nút này.")
        handler(state, action)

    def _open_file(self, state: Mapping[str, Any]) -> dict[str, Any]:
        return state["files"][state["file"]]

    def _shown_columns(self, state: Mapping[str, Any]) -> list[str]:
        current = self._open_file(state)
        return [c for c in current["columns"] if c not in current["hidden"]]

    def _on(self, state: dict[str, Any], screen: str) -> None:
        if state["screen"] != screen:
            raise Refused("Nút này không có trên màn hình đang mở.")

    def _chosen(self, state: dict[str, Any], action: Mapping[str, Any]) -> str:
        """The column the action names, which must be the one whose menu is open."""
        self._on(state, "column")
        if action.get("column") != state["column"]:
            raise Refused("Hãy bấm vào tên cột trước.")
        return state["column"]

    def _do_back(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        if state["screen"] == "table":
            raise Refused("Bạn đang ở bảng rồi.")
        state.update(screen="table", column=None)

    def _do_open_column(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "table")
        if action.get("column") not in self._shown_columns(state):
            raise Refused("Không có cột này trong bảng đang hiện.")
        state.update(screen="column", column=action["column"])

    def _do_sort(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        column = self._chosen(state, action)
        descending = action.get("descending")
        if not isinstance(descending, bool):
            raise Refused("Hãy chọn xếp tăng dần hay giảm dần.")
        state.update(screen="table", column=None, sort={"column": column, "descending": descending})

    def _do_open_filter(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._chosen(state, action)
        state["screen"] = "filter"

    def _do_filter(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "filter")
        column = state["column"]
        if action.get("column") != column:
            raise Refused("Hãy bấm vào tên cột trước.")
        wanted = _fold(action.get("value"))
        values = [row.get(column) for row in self.rows]
        match = next((v for v in values if _fold(v) == wanted), None)
        if match is None:
            raise Refused("Cột này không có giá trị đó.")
        state.update(screen="table", column=None, filter={"column": column, "value": match})

    def _do_clear_filter(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "table")
        if not state["filter"]:
            raise Refused("Bảng đang không lọc.")
        state["filter"] = None

    def _result(self, state: dict[str, Any], kind: str, column: str, value: float) -> None:
        state["results"].append(
            {
                "kind": kind,
                "column": column,
                "value": value,
                "rows": len(visible_rows(self.rows, state)),
                "filter": dict(state["filter"]) if state["filter"] else None,
                "file": state["file"],
            }
        )
        state.update(screen="table", column=None)

    def _do_sum(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        column = self._chosen(state, action)
        if column not in self.numeric:
            raise Refused("Cột này không phải cột số, không cộng được.")
        shown = visible_rows(self.rows, state)
        total = sum(row[column] for row in shown if _is_number(row.get(column)))
        self._result(state, "sum", column, total)

    def _do_count(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        column = self._chosen(state, action)
        shown = visible_rows(self.rows, state)
        filled = sum(1 for row in shown if row.get(column) not in (None, ""))
        self._result(state, "count", column, filled)

    def _do_hide_column(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        column = self._chosen(state, action)
        self._open_file(state)["hidden"].append(column)
        state.update(screen="table", column=None)

    def _do_show_hidden(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "table")
        if not self._open_file(state)["hidden"]:
            raise Refused("Không có cột nào đang ẩn.")
        self._open_file(state)["hidden"] = []

    def _do_delete_column(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        column = self._chosen(state, action)
        current = self._open_file(state)
        current["columns"].remove(column)
        if state["sort"] and state["sort"]["column"] == column:
            state["sort"] = None
        if state["filter"] and state["filter"]["column"] == column:
            state["filter"] = None
        chart = state["chart"]
        for part in ("labels", "values"):
            if chart[part] == column:
                chart[part] = None
        state.update(screen="table", column=None)

    def _do_open_save_as(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "table")
        state["screen"] = "save_as"

    def _do_save_as(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "save_as")
        typed = action.get("name")
        name = unicodedata.normalize("NFC", typed).strip() if isinstance(typed, str) else ""
        if not name.strip("."):
            raise Refused("Hãy gõ tên cho tệp mới.")
        if any(c in _FORBIDDEN for c in name):
            raise Refused("Tên tệp không được có các ký tự " + " ".join(_FORBIDDEN) + ".")
        if any(_fold(name) == _fold(existing) for existing in state["files"]):
            raise Refused("Đã có tệp tên này; hãy đặt tên khác.")
        current = self._open_file(state)
        state["files"][name] = {
            "columns": list(current["columns"]),
            "hidden": list(current["hidden"]),
        }
        state.update(screen="table", file=name)

    def _do_open_files(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "table")
        state["screen"] = "files"

    def _do_switch_file(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "files")
        if action.get("file") not in state["files"]:
            raise Refused("Không có tệp này.")
        state.update(screen="table", file=action["file"], sort=None, filter=None)

    def _do_open_share(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "table")
        state["screen"] = "share"

    def _do_send(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "share")
        current = self._open_file(state)
        state["sent"].append(
            {
                "file": state["file"],
                "columns": list(current["columns"]),
                "hidden": list(current["hidden"]),
            }
        )
        state["screen"] = "table"

    def _do_open_chart(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        self._on(state, "table")
        state["screen"] = "chart"

    def _do_chart_type(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "chart")
        if action.get("kind") not in CHART_KINDS:
            raise Refused("Không có loại biểu đồ này.")
        state["chart"]["kind"] = action["kind"]

    def _do_chart_labels(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "chart")
        if action.get("column") not in self._open_file(state)["columns"]:
            raise Refused("Không có cột này trong tệp.")
        state["chart"]["labels"] = action["column"]

    def _do_chart_values(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "chart")
        column = action.get("column")
        if column not in self._open_file(state)["columns"] or column not in self.numeric:
            raise Refused("Biểu đồ chỉ vẽ được từ một cột số.")
        state["chart"]["values"] = column

    def _do_chart_order(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "chart")
        if action.get("order") not in _ORDERS:
            raise Refused("Không có cách xếp này.")
        state["chart"]["order"] = action["order"]

    def _do_chart_title(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        self._on(state, "chart")
        typed = action.get("title")
        if not isinstance(typed, str) or not typed.strip():
            raise Refused("Hãy gõ tiêu đề cho biểu đồ.")
        state["chart"]["title"] = unicodedata.normalize("NFC", typed).strip()

    # The screens.

    def _table_html(self, state: Mapping[str, Any]) -> str:
        columns = self._shown_columns(state)
        head = "".join(
            f"<th style='{_CELL}border-color:#999;background:#e8eef3'>"
            f"{html.escape(self.labels[c])}</th>"
            for c in columns
        )
        body = ""
        for row in visible_rows(self.rows, state):
            cells = ""
            for c in columns:
                align = "right" if c in self.numeric else "left"
                cells += (
                    f"<td style='{_CELL}text-align:{align}'>{html.escape(_cell(row.get(c)))}</td>"
                )
            body += f"<tr>{cells}</tr>"
        return (
            "<div style='max-height:320px;overflow:auto'>"
            "<table style='border-collapse:collapse;font-size:14px'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        )

    def _status_html(self, state: Mapping[str, Any]) -> str:
        lines = [f"<b>Tệp đang mở:</b> {html.escape(state['file'])}"]
        shown = len(visible_rows(self.rows, state))
        if state["filter"]:
            chosen = state["filter"]
            lines.append(
                f"<b>Đang lọc:</b> {html.escape(self.labels[chosen['column']])} = "
                f"{html.escape(_cell(chosen['value']))} ({shown}/{len(self.rows)} dòng)"
            )
        if state["sort"]:
            order = "giảm dần" if state["sort"]["descending"] else "tăng dần"
            lines.append(
                f"<b>Xếp theo:</b> {html.escape(self.labels[state['sort']['column']])}, {order}"
            )
        hidden = self._open_file(state)["hidden"]
        if hidden:
            names = ", ".join(self.labels[c] for c in hidden)
            lines.append(f"<b>Cột đang ẩn (vẫn nằm trong tệp):</b> {html.escape(names)}")
        if state["results"]:
            last = state["results"][-1]
            what = "Tổng" if last["kind"] == "sum" else "Số ô có dữ liệu"
            lines.append(
                f"<b>Kết quả:</b> {what} cột «{html.escape(self.labels[last['column']])}» "
                f"của {last['rows']} dòng đang hiện = <b>{_number(last['value'])}</b>"
            )
        return "<br>".join(lines)

    def _screen_table(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            self.note(self._status_html(state), escape=False),
            self.note(self._table_html(state), escape=False),
            self.note("Bấm vào một cột để sắp xếp, lọc, tính tổng, ẩn hoặc xóa cột:"),
        ]
        for column in self._shown_columns(state):
            parts.append(
                self.button(f"▾ Cột «{self.labels[column]}»", "open_column", column=column)
            )
        if state["filter"]:
            parts.append(self.button("✖ Bỏ lọc (hiện mọi dòng)", "clear_filter"))
        if self._open_file(state)["hidden"]:
            parts.append(self.button("👁 Hiện lại các cột đang ẩn", "show_hidden"))
        parts.append(self.button("📊 Chèn biểu đồ", "open_chart"))
        parts.append(self.button("💾 Lưu thành tệp mới...", "open_save_as"))
        if len(state["files"]) > 1:
            parts.append(self.button("📂 Mở tệp khác", "open_files"))
        parts.append(self.button("📤 Gửi tệp đang mở...", "open_share"))
        parts.append(self.note("Mọi thay đổi được lưu ngay vào tệp đang mở."))
        return parts

    def _screen_column(self, state: dict[str, Any]) -> list[widgets.Widget]:
        column = state["column"]
        label = self.labels[column]
        parts: list[widgets.Widget] = [
            self.note(f"<b>Cột «{html.escape(label)}»</b>", escape=False),
            self.button("⬆ Sắp xếp tăng dần", "sort", column=column, descending=False),
            self.button("⬇ Sắp xếp giảm dần", "sort", column=column, descending=True),
            self.button("🔎 Lọc theo giá trị...", "open_filter", column=column),
        ]
        if column in self.numeric:
            parts.append(self.button("∑ Tính tổng", "sum", column=column))
        parts += [
            self.button("# Đếm số ô có dữ liệu", "count", column=column),
            self.button("🙈 Ẩn cột", "hide_column", column=column),
            self.button("🗑 Xóa cột khỏi tệp", "delete_column", column=column),
            self.button("← Quay lại bảng", "back"),
        ]
        return parts

    def _screen_filter(self, state: dict[str, Any]) -> list[widgets.Widget]:
        column = state["column"]
        parts: list[widgets.Widget] = [
            self.note(f"Chỉ hiện các dòng có «{self.labels[column]}» bằng:")
        ]
        seen: list[Any] = []
        for row in self.rows:
            value = row.get(column)
            if value not in (None, "") and all(_fold(value) != _fold(v) for v in seen):
                seen.append(value)
        for value in sorted(seen, key=lambda v: (0, v) if _is_number(v) else (1, _fold(v))):
            parts.append(self.button(_cell(value), "filter", column=column, value=value))
        parts.append(self.button("← Quay lại bảng", "back"))
        return parts

    def _screen_save_as(self, state: dict[str, Any]) -> list[widgets.Widget]:
        return [
            self.note(f"Lưu một bản sao của «{state['file']}» thành tệp mới, rồi mở tệp mới."),
            self.form({"name": "Tên tệp mới"}, "💾 Lưu", "save_as"),
            self.button("Hủy", "back"),
        ]

    def _screen_files(self, state: dict[str, Any]) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [self.note("Chọn tệp cần mở:")]
        for name in state["files"]:
            mark = "✓ " if name == state["file"] else ""
            parts.append(self.button(f"{mark}📄 {name}", "switch_file", file=name))
        parts.append(self.button("← Quay lại bảng", "back"))
        return parts

    def _screen_share(self, state: dict[str, Any]) -> list[widgets.Widget]:
        current = self._open_file(state)
        shown = [self.labels[c] for c in current["columns"] if c not in current["hidden"]]
        hidden = [self.labels[c] for c in current["hidden"]]
        lines = [
            f"<b>Tệp sẽ gửi:</b> {html.escape(state['file'])}",
            f"<b>Các cột trong tệp:</b> {html.escape(', '.join(shown))}",
        ]
        if hidden:
            lines.append(f"<b>Cột đang ẩn, vẫn nằm trong tệp:</b> {html.escape(', '.join(hidden))}")
        return [
            self.note("<br>".join(lines), escape=False),
            self.button("📤 Gửi tệp này", "send"),
            self.button("Hủy", "back"),
        ]

    def _screen_chart(self, state: dict[str, Any]) -> list[widgets.Widget]:
        chart = state["chart"]
        columns = self._open_file(state)["columns"]

        def mark(chosen: bool) -> str:
            return "✓ " if chosen else ""

        parts: list[widgets.Widget] = [
            self.note(self._chart_html(state), escape=False),
            self.note("<b>1. Loại biểu đồ</b>", escape=False),
        ]
        for kind, label in CHART_KINDS.items():
            chosen = chart["kind"] == kind
            parts.append(self.button(f"{mark(chosen)}{label}", "chart_type", kind=kind))
        parts.append(self.note("<b>2. Cột làm nhãn (tên các cột, các điểm)</b>", escape=False))
        for column in columns:
            chosen = chart["labels"] == column
            label = self.labels[column]
            parts.append(self.button(f"{mark(chosen)}Nhãn: {label}", "chart_labels", column=column))
        parts.append(self.note("<b>3. Cột số cần vẽ</b>", escape=False))
        for column in columns:
            if column in self.numeric:
                chosen = chart["values"] == column
                label = self.labels[column]
                parts.append(
                    self.button(f"{mark(chosen)}Số: {label}", "chart_values", column=column)
                )
        parts.append(self.note("<b>4. Thứ tự</b>", escape=False))
        for order, label in _ORDERS.items():
            chosen = chart["order"] == order
            parts.append(self.button(f"{mark(chosen)}Thứ tự: {label}", "chart_order", order=order))
        parts.append(self.note("<b>5. Tiêu đề</b>", escape=False))
        parts.append(self.form({"title": "Tiêu đề biểu đồ"}, "Đặt tiêu đề", "chart_title"))
        parts.append(self.button("← Quay lại bảng", "back"))
        return parts

    def _chart_html(self, state: Mapping[str, Any]) -> str:
        chart = state["chart"]
        if not (chart["kind"] and chart["labels"] and chart["values"]):
            return "<i>Chọn loại biểu đồ, cột nhãn và cột số để xem biểu đồ.</i>"
        pairs = chart_data(
            visible_rows(self.rows, state), chart["labels"], chart["values"], chart["order"]
        )
        if not pairs:
            return "<i>Không có số liệu để vẽ.</i>"
        title = html.escape(chart["title"]) if chart["title"] else "<i>(chưa có tiêu đề)</i>"
        drawing = {"cot": _columns, "thanh": _bars, "duong": _line, "tron": _pie}[chart["kind"]]
        words = "; ".join(f"{label}: {_number(value)}" for label, value in pairs)
        return (
            f"<div style='border:1px solid #bbb;padding:8px;background:white'>"
            f"<div style='font-weight:bold;margin-bottom:6px'>{title}</div>"
            f"{drawing(pairs)}"
            f"<div style='font-size:13px;color:#333;margin-top:6px'>"
            f"{html.escape(self.labels[chart['values']])} theo "
            f"{html.escape(self.labels[chart['labels']])}: {html.escape(words)}</div></div>"
        )


def _columns(pairs: Sequence[tuple[str, float]]) -> str:
    top = max(max(value for _, value in pairs), 1)
    bars = labels = ""
    for label, value in pairs:
        height = max(0, round(140 * value / top))
        bars += (
            "<div style='flex:1;text-align:center;font-size:12px'>"
            f"<div>{_number(value)}</div>"
            f"<div style='background:{_COLOURS[0]};height:{height}px;margin:0 3px'></div></div>"
        )
        labels += f"<div style='flex:1;text-align:center;font-size:12px'>{html.escape(label)}</div>"
    return (
        "<div style='display:flex;align-items:flex-end;height:170px;"
        f"border-bottom:1px solid #333'>{bars}</div>"
        f"<div style='display:flex'>{labels}</div>"
    )


def _bars(pairs: Sequence[tuple[str, float]]) -> str:
    top = max(max(value for _, value in pairs), 1)
    rows = ""
    for label, value in pairs:
        width = max(0, round(100 * value / top))
        rows += (
            "<div style='display:flex;align-items:center;margin:3px 0;font-size:13px'>"
            f"<div style='width:35%'>{html.escape(label)}</div>"
            "<div style='flex:1'>"
            f"<div style='background:{_COLOURS[0]};width:{width}%;height:16px'></div></div>"
            f"<div style='width:20%;padding-left:4px'>{_number(value)}</div></div>"
        )
    return rows


def _line(pairs: Sequence[tuple[str, float]]) -> str:
    top = max(max(value for _, value in pairs), 1)
    width, height, left, bottom = 320, 170, 10, 30
    step = (width - 2 * left) / max(len(pairs) - 1, 1)
    points = [
        (left + i * step, height - bottom - (height - bottom - 20) * value / top)
        for i, (_, value) in enumerate(pairs)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    marks = ""
    for (x, y), (label, value) in zip(points, pairs, strict=True):
        marks += (
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{_COLOURS[1]}'/>"
            f"<text x='{x:.1f}' y='{y - 6:.1f}' font-size='11' text-anchor='middle'>"
            f"{_number(value)}</text>"
            f"<text x='{x:.1f}' y='{height - 10}' font-size='11' text-anchor='middle'>"
            f"{html.escape(label)}</text>"
        )
    return (
        f"<svg width='100%' viewBox='0 0 {width} {height}' role='img'>"
        f"<line x1='0' y1='{height - bottom}' x2='{width}' y2='{height - bottom}' "
        "stroke='#333'/>"
        f"<polyline points='{line}' fill='none' stroke='{_COLOURS[1]}' stroke-width='2'/>"
        f"{marks}</svg>"
    )


def _pie(pairs: Sequence[tuple[str, float]]) -> str:
    total = sum(value for _, value in pairs)
    if total <= 0:
        return "<i>Không vẽ được biểu đồ tròn khi tổng bằng 0.</i>"
    stops, legend, start = [], "", 0.0
    for index, (label, value) in enumerate(pairs):
        colour = _COLOURS[index % len(_COLOURS)]
        share = 100 * value / total
        stops.append(f"{colour} {start:.2f}% {start + share:.2f}%")
        start += share
        legend += (
            f"<div style='font-size:13px'><span style='display:inline-block;width:12px;"
            f"height:12px;background:{colour};margin-right:4px'></span>"
            f"{html.escape(label)}: {_number(value)} ({_number(round(share, 1))}%)</div>"
        )
    return (
        "<div style='display:flex;gap:10px;align-items:center;flex-wrap:wrap'>"
        "<div style='width:130px;height:130px;border-radius:50%;"
        f"background:conic-gradient({', '.join(stops)})'></div><div>{legend}</div></div>"
    )
