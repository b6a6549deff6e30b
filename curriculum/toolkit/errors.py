"""Errors a learner meets while writing Python, explained in Vietnamese above a short traceback.

Only the programming module (``lap_trinh``) has learners write code, and its learners meet
Python's errors in English, under tracebacks full of lines they did not write. Its lesson and
assignment call :func:`explain_errors` in their set-up cell: from then on, a cell that fails
shows first what the error means and what to do ("Tên «x» chưa được tạo: hãy chạy các ô phía
trên trước …"), then the traceback in IPython's Plain form (each line that led to the error,
without the lines around it).

The error itself is shown as before, by the kernel's own means, so the cell still fails as it
did: an ``error`` output and an error reply, which nbclient, papermill, nbgrader and the
self-check read. Nothing is installed where no learner reads it: outside an IPython kernel
(the grading sandbox runs cells in a shell of its own, plain Python imports this module too) and
in a kernel run to grade or check the notebook (:func:`curriculum.toolkit.checks.is_checked_run`),
so graded notebooks are what they always were.
"""

from __future__ import annotations

import contextlib
import html
import sys
from typing import Any

from IPython.core.getipython import get_ipython
from IPython.display import HTML, display

from curriculum.toolkit.checks import NOTICE, is_checked_run
from curriculum.toolkit.i18n import catalogue

__all__ = ["explain_errors", "explanation"]

_text = catalogue(
    "errors",
    {
        "unbound": {
            "vi": (
                "Tên «{name}» được dùng trong hàm trước khi được gán giá trị: hãy gán giá trị "
                "cho nó trước dòng dùng đến nó."
            ),
            "en": (
                "The name «{name}» is used in the function before it is given a value: give it "
                "one before the line that uses it."
            ),
        },
        "name": {
            "vi": (
                "Tên «{name}» chưa được tạo: hãy chạy các ô phía trên trước, theo thứ tự từ trên "
                "xuống; nếu đã chạy rồi, xem lại tên đã gõ đúng chưa."
            ),
            "en": (
                "The name «{name}» does not exist yet: run the cells above first, from the top "
                "down; if you did, check how the name is spelt."
            ),
        },
        "indentation": {
            "vi": (
                "Thụt lề chưa đúng: các dòng bên trong for, if, def phải thụt vào đều nhau "
                "(thường 4 dấu cách), các dòng khác thì không. Dòng có lỗi được chỉ ra bên dưới."
            ),
            "en": (
                "Wrong indentation: the lines inside for, if and def must be indented alike "
                "(usually 4 spaces), the others not. The line is shown below."
            ),
        },
        "syntax": {
            "vi": (
                "Câu lệnh viết sai cú pháp, máy không hiểu: xem lại dấu hai chấm (:) cuối dòng "
                "for, if, def, và các dấu nháy, dấu ngoặc đã đóng đủ chưa. Dòng có lỗi được chỉ "
                "ra bên dưới."
            ),
            "en": (
                "The code is not valid Python: check the colon (:) at the end of for, if and def "
                "lines, and that every quote and bracket is closed. The line is shown below."
            ),
        },
        "zero_division": {
            "vi": "Phép chia cho 0: hãy kiểm tra số chia khác 0 trước khi chia.",
            "en": "Division by zero: check that the divisor is not 0 before dividing.",
        },
        "type": {
            "vi": (
                "Phép tính hoặc lời gọi hàm dùng sai kiểu dữ liệu, ví dụ cộng chuỗi với số: đổi "
                "số thành chuỗi bằng str(...), hoặc xem lại hàm đã được gọi với đủ và đúng đầu "
                "vào chưa."
            ),
            "en": (
                "An operation or a call got the wrong kind of value, e.g. text plus a number: "
                "turn the number into text with str(...), or check the call's inputs."
            ),
        },
        "key": {
            "vi": (
                "Từ điển không có khóa {missing}: xem lại tên khóa đã gõ đúng chưa, hoặc dùng "
                ".get(...) cho dòng có thể thiếu thông tin."
            ),
            "en": (
                "The dictionary has no key {missing}: check how the key is spelt, or use .get(...) "
                "for rows that may lack it."
            ),
        },
        "index": {
            "vi": (
                "Vị trí vượt quá danh sách: vị trí đếm từ 0, nên danh sách có n phần tử thì vị "
                "trí cuối cùng là n - 1."
            ),
            "en": (
                "The position is past the end of the list: positions count from 0, so the last "
                "of n items is at n - 1."
            ),
        },
        "attribute": {
            "vi": (
                "Giá trị này không có thuộc tính hay phương thức được gọi: xem lại tên đã gõ "
                "đúng chưa, và biến có đúng kiểu bạn nghĩ không."
            ),
            "en": (
                "This value has no such attribute or method: check the spelling, and that the "
                "variable holds the kind of value you think."
            ),
        },
        "value": {
            "vi": (
                'Giá trị không dùng được cho phép này, ví dụ int("mười"): xem lại dữ liệu đưa vào.'
            ),
            "en": 'The value does not suit this operation, e.g. int("ten"): check the input.',
        },
        "assertion": {
            "vi": (
                "Ô kiểm tra chưa qua: dòng cuối cùng bên dưới nói điều chưa đúng. Sửa ô trả lời "
                "phía trên, chạy lại ô đó, rồi chạy lại ô này."
            ),
            "en": (
                "The check did not pass: the last line below says why. Fix the answer cell "
                "above, run it again, then run this cell again."
            ),
        },
        "other": {
            "vi": (
                "Ô này gặp lỗi {ename}: đọc dòng cuối cùng của thông báo bên dưới, sửa ô rồi "
                "chạy lại."
            ),
            "en": "This cell raised {ename}: read the last line below, fix the cell, run it again.",
        },
    },
)

# Most specific first: each is a subclass of one further down.
_KINDS: tuple[tuple[type[Exception], str], ...] = (
    (UnboundLocalError, "unbound"),
    (NameError, "name"),
    (IndentationError, "indentation"),
    (SyntaxError, "syntax"),
    (ZeroDivisionError, "zero_division"),
    (TypeError, "type"),
    (KeyError, "key"),
    (IndexError, "index"),
    (AttributeError, "attribute"),
    (ValueError, "value"),
    (AssertionError, "assertion"),
)


def explanation(error: BaseException) -> str | None:
    """What ``error`` means and what to do, in the interface language; None for what is not a
    learner's error (an interrupt, an exit)."""
    if not isinstance(error, Exception):
        return None
    kind = next((key for cls, key in _KINDS if isinstance(error, cls)), "other")
    name = getattr(error, "name", None) or "?"
    missing = repr(error.args[0]) if isinstance(error, KeyError) and error.args else "?"
    return _text(kind, name=name, missing=missing, ename=type(error).__name__)


class _Explained:
    """The shell's ``_showtraceback``, which every error display goes through (a runtime
    error, a syntax error), with the explanation shown just before it.

    The error is shown whatever happens to its explanation: the exception is the learner's
    own object (its ``args`` or ``name`` may be anything), and an error that shows nothing
    would look like a cell that worked.
    """

    def __init__(self, shown: Any) -> None:
        self.shown = shown

    def __call__(self, etype: type[BaseException], evalue: BaseException, stb: list[str]) -> None:
        with contextlib.suppress(Exception):
            said = explanation(evalue)
            if said is not None:
                box = NOTICE.format(colour="#b00020", background="#fdecea", text=html.escape(said))
                display(HTML(box))
        self.shown(etype, evalue, stb)


def explain_errors() -> None:
    """In a learner's IPython kernel, explain every error a cell raises from now on, above a
    short traceback; elsewhere, and when called again, do nothing."""
    zmqshell = sys.modules.get("ipykernel.zmqshell")
    shell = get_ipython()
    if zmqshell is None or not isinstance(shell, zmqshell.ZMQInteractiveShell):
        return
    if is_checked_run() or isinstance(shell.__dict__.get("_showtraceback"), _Explained):
        return
    shell.InteractiveTB.set_mode(mode="Plain")
    shell._showtraceback = _Explained(shell._showtraceback)
