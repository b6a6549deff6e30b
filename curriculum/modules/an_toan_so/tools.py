"""Interactive elements (ipywidgets 8) for the "An toàn số" lesson.

* :func:`passphrase_explorer` lets a learner type a trial password and see, live, a rough
  strength estimate, a bar and tips. The typed text is never printed, logged or kept by this
  module: only the estimate is shown.
* :func:`message_inspector` shows a message with its scam warning signs highlighted, from a
  few Vietnamese sample messages or from text the learner types or pastes.

Both functions return their top-level widget, so calling one as the last line of a cell
displays it. They build the widgets and compute the first view at once, so they also run
without a browser (for example under papermill), where the widgets are simply not shown.
The HTML helpers are plain functions of their inputs, with every piece of user text escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from curriculum.modules.an_toan_so.safety import (
    SAMPLE_MESSAGES,
    VERDICT_MEDIUM,
    VERDICT_STRONG,
    VERDICT_WEAK,
    PasswordEstimate,
    ScamSignal,
    passphrase_strength,
    scam_signals,
)

__all__ = [
    "estimate_html",
    "highlight_signals_html",
    "message_inspector",
    "passphrase_explorer",
    "signals_summary",
]

_BAR_STYLES = {VERDICT_WEAK: "danger", VERDICT_MEDIUM: "warning", VERDICT_STRONG: "success"}
_LABEL_STYLE = {"description_width": "7em"}
# Codes that ask the reader to do something harmful; with any other sign they mean "stop".
_DANGEROUS_CODES = frozenset(
    {"HOI_MA_BAO_MAT", "CHUYEN_TIEN", "CAI_UNG_DUNG", "LIEN_KET_LA", "HOI_DU_LIEU"}
)
_MARK_STYLE = "background:#ffe08a;color:#000;padding:0 .1em;border-bottom:2px solid #b35c00"
_CUSTOM_MESSAGE = -1


def _wide_layout() -> widgets.Layout:
    return widgets.Layout(width="100%", max_width="48em")


def _vi_number(value: float) -> str:
    """Format a number with one decimal and a Vietnamese decimal comma: 51.7 -> "51,7"."""
    return f"{value:.1f}".replace(".", ",")


# ---------------------------------------------------------------------------
# Passphrase explorer
# ---------------------------------------------------------------------------


def estimate_html(estimate: PasswordEstimate) -> str:
    """HTML describing ``estimate``: verdict, bits, length, character classes and tips.

    The estimate holds no trace of the password itself, so neither does this HTML.
    """
    if estimate.length == 0:
        head = "<p><strong>Chưa có gì để đánh giá.</strong></p>"
        facts = ""
    else:
        classes = ", ".join(estimate.classes) or "không rõ"
        head = (
            f"<p><strong>Đánh giá: {html.escape(estimate.verdict)}</strong> "
            f"(khoảng {_vi_number(estimate.entropy_bits)} bit, ước lượng thô)</p>"
        )
        facts = (
            f"<p>Độ dài: {estimate.length} ký tự. Loại ký tự đã dùng: {html.escape(classes)}.</p>"
        )
    tips = "".join(f"<li>{html.escape(tip)}</li>" for tip in estimate.tips)
    return f'<div role="status" aria-live="polite">{head}{facts}<p>Gợi ý:</p><ul>{tips}</ul></div>'


def passphrase_explorer() -> widgets.VBox:
    """A password box with a live strength estimate, a bar and tips, in Vietnamese.

    Typing updates the estimate at every keystroke. Nothing the learner types is printed,
    logged or stored by this function; the box itself is a password field that hides the
    characters. The learner is still told not to type a real password.
    """
    intro = widgets.HTML(
        "<p><strong>Thử độ mạnh của một mật khẩu.</strong> Hãy gõ một mật khẩu "
        "<em>tự nghĩ ra để thử</em>, đừng gõ mật khẩu thật của bạn vào bất kỳ công cụ "
        "thử nghiệm nào. Công cụ này không in ra và không lưu những gì bạn gõ; nó chỉ hiện "
        "kết quả ước lượng bên dưới.</p>"
    )
    box = widgets.Password(
        value="",
        placeholder="Ví dụ: một cụm 4–5 từ không liên quan đến nhau",
        description="Mật khẩu thử:",
        tooltip="Gõ một mật khẩu tự nghĩ ra để thử, không dùng mật khẩu thật",
        continuous_update=True,
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    bar = widgets.FloatProgress(
        value=0.0,
        min=0.0,
        max=100.0,
        description="Độ mạnh:",
        tooltip="Thanh đầy khi ước lượng đạt khoảng 80 bit",
        bar_style=_BAR_STYLES[VERDICT_WEAK],
        orientation="horizontal",
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    result = widgets.HTML(layout=_wide_layout())

    def refresh(change: object = None) -> None:
        estimate = passphrase_strength(box.value)
        bar.value = estimate.percent
        bar.bar_style = _BAR_STYLES[estimate.verdict]
        result.value = estimate_html(estimate)

    box.observe(refresh, names="value")
    refresh()
    return widgets.VBox([intro, box, bar, result], layout=_wide_layout())


# ---------------------------------------------------------------------------
# Message inspector
# ---------------------------------------------------------------------------


def signals_summary(signals: Sequence[ScamSignal]) -> str:
    """One Vietnamese sentence or two judging a list of signals, with due caution."""
    codes = {s.code for s in signals}
    if not codes:
        return (
            "Không thấy dấu hiệu nào trong danh sách kiểm tra. Điều đó không bảo đảm tin "
            "nhắn an toàn: nếu thấy điều gì lạ, vẫn hãy kiểm tra qua kênh chính thức."
        )
    if len(codes) >= 2 and codes & _DANGEROUS_CODES:
        return (
            "Nhiều dấu hiệu, trong đó có yêu cầu nguy hiểm (đưa mã, chuyển tiền, bấm link, cài "
            "ứng dụng hoặc gửi dữ liệu): rất có thể là lừa đảo. Đừng làm theo; hãy tự kiểm "
            "tra qua kênh chính thức."
        )
    if len(codes) >= 3:
        return "Nhiều dấu hiệu cùng lúc: hãy hết sức cảnh giác và kiểm tra trước khi làm gì."
    return (
        "Có ít dấu hiệu. Một dấu hiệu riêng lẻ chưa chắc là lừa đảo (tin thật của ngân hàng "
        "cũng nhắc tên ngân hàng); hãy đọc kỹ xem tin có đòi bạn làm gì không."
    )


def _merged_spans(signals: Sequence[ScamSignal]) -> list[tuple[int, int, list[int]]]:
    """Merge overlapping signal spans; each item is (start, end, 1-based signal numbers)."""
    merged: list[tuple[int, int, list[int]]] = []
    ordered = sorted(enumerate(signals, start=1), key=lambda item: (item[1].start, item[1].end))
    for number, signal in ordered:
        if merged and signal.start < merged[-1][1]:
            start, end, numbers = merged[-1]
            merged[-1] = (start, max(end, signal.end), [*numbers, number])
        else:
            merged.append((signal.start, signal.end, [number]))
    return merged


def highlight_signals_html(message: str, signals: Sequence[ScamSignal]) -> str:
    """HTML of ``message`` with the spans of ``signals`` marked and numbered, then the list.

    Every piece of the message is escaped, so text such as ``<script>`` shows as text. Marks
    carry a number as well as a colour, so the result does not rely on colour alone.
    """
    pieces: list[str] = []
    cursor = 0
    for start, end, numbers in _merged_spans(signals):
        pieces.append(html.escape(message[cursor:start]))
        labels = "; ".join(dict.fromkeys(signals[n - 1].label for n in numbers))
        tags = ",".join(str(n) for n in numbers)
        pieces.append(
            f'<mark style="{_MARK_STYLE}" title="{html.escape(labels, quote=True)}">'
            f"{html.escape(message[start:end])}</mark><sup>[{tags}]</sup>"
        )
        cursor = end
    pieces.append(html.escape(message[cursor:]))
    body = "".join(pieces) if message.strip() else "<em>(chưa có tin nhắn)</em>"

    items = "".join(
        f"<li><strong>{html.escape(s.label)}</strong>: «{html.escape(s.text)}». "
        f"{html.escape(s.explanation)}</li>"
        for s in signals
    )
    listing = f"<ol>{items}</ol>" if items else ""
    kinds = len({s.code for s in signals})
    count = (
        f"Tìm thấy {len(signals)} dấu hiệu ({kinds} loại)." if signals else "Chưa thấy dấu hiệu."
    )
    return (
        '<div role="region" aria-label="Kết quả kiểm tra tin nhắn">'
        f"<p><strong>{count}</strong> "
        f"{html.escape(signals_summary(signals))}</p>"
        '<div style="white-space:pre-wrap;border:1px solid #888;border-radius:4px;'
        f'padding:.5em .75em;line-height:1.7">{body}</div>'
        f"{listing}"
        "<p><em>Đây là công cụ dò từ khóa để tập nhận diện, không phải máy phán quyết. "
        "Người đọc vẫn là người quyết định cuối cùng.</em></p></div>"
    )


def message_inspector() -> widgets.VBox:
    """Pick or type a message and see its scam warning signs highlighted and explained."""
    options = [(title, index) for index, (title, _) in enumerate(SAMPLE_MESSAGES)]
    options.append(("(Tự gõ hoặc dán tin nhắn khác)", _CUSTOM_MESSAGE))
    picker = widgets.Dropdown(
        options=options,
        value=0,
        description="Tin mẫu:",
        tooltip="Chọn một tin nhắn mẫu để xem các dấu hiệu",
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    area = widgets.Textarea(
        value=SAMPLE_MESSAGES[0][1],
        placeholder="Dán hoặc gõ nội dung tin nhắn vào đây",
        description="Tin nhắn:",
        tooltip="Nội dung tin nhắn cần kiểm tra; bạn có thể sửa tùy ý",
        rows=6,
        continuous_update=True,
        style=_LABEL_STYLE,
        layout=_wide_layout(),
    )
    result = widgets.HTML(layout=_wide_layout())

    def refresh(change: object = None) -> None:
        result.value = highlight_signals_html(area.value, scam_signals(area.value))

    def pick(change: dict) -> None:
        index = change["new"]
        area.value = "" if index == _CUSTOM_MESSAGE else SAMPLE_MESSAGES[index][1]

    picker.observe(pick, names="value")
    area.observe(refresh, names="value")
    refresh()
    intro = widgets.HTML(
        "<p><strong>Soi tin nhắn.</strong> Chọn một tin mẫu hoặc dán một tin nhắn bạn nhận "
        "được (nhớ xóa số điện thoại, số tài khoản, tên thật trước khi dán). Các dấu hiệu "
        "đáng ngờ được tô màu và đánh số, giải thích ở bên dưới.</p>"
    )
    return widgets.VBox([intro, picker, area, result], layout=_wide_layout())
