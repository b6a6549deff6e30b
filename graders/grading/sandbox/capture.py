"""Turn what a cell prints, displays, returns and raises into nbformat outputs, as a kernel would.

An IPython kernel sends these as messages and the notebook client writes them into the cell;
here an IPython shell runs in the same process as the grader, so the shell's display hook,
display publisher, traceback display and ``sys.stdout``/``sys.stderr`` write them straight into
an :class:`OutputCollector`. The outputs are the ones nbgrader scores: stream (``stderr`` fails a
test), ``execute_result`` (a number gives partial credit), ``display_data`` and ``error``.

The collector holds a byte budget for the whole notebook. Past it, text is cut with a note, but
a cut never hides that a cell wrote to ``stderr``, returned a value or raised.
"""

from __future__ import annotations

import base64
import builtins
import getpass
import io
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.error import StdinNotImplementedError
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config

CUT_NOTE = "\n[... output cut by the grader: over the output limit ...]\n"
MAX_RESULT_TEXT = 10_000
MAX_TRACEBACK_CHARS = 256 * 1024
NO_STDIN = "raw_input was called, but this frontend does not support input requests."


def jsonable(value: Any) -> Any:
    """Display data as JSON can carry it: bytes as base64 text, as the kernel sends them."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _size(output: dict[str, Any]) -> int:
    data = output.get("data") or {}
    return sum(len(str(v)) for v in data.values()) + len(output.get("text", ""))


class OutputCollector:
    """The outputs of the cell that is running, within a byte budget for the notebook.

    Stream text is buffered per stream and written out, stdout first, whenever another kind of
    output comes and when the cell ends, which is when a kernel flushes its streams too.
    """

    def __init__(self, budget: int) -> None:
        self.remaining = budget
        self.start_cell()

    def start_cell(self) -> None:
        self.outputs: list[dict[str, Any]] = []
        self.cut = False
        self._pending: dict[str, list[str]] = {"stdout": [], "stderr": []}
        self._cut_streams: set[str] = set()
        self._clear_on_next = False
        self._displays: dict[str, list[dict[str, Any]]] = {}

    def take(self) -> list[dict[str, Any]]:
        self._flush()
        outputs, self.outputs = self.outputs, []
        return outputs

    def _before_output(self) -> None:
        if self._clear_on_next:
            self._clear_on_next = False
            self.outputs.clear()
            self._displays = {}

    def _flush(self) -> None:
        for name, parts in self._pending.items():
            if not parts:
                continue
            text = "".join(parts)
            parts.clear()
            self._before_output()
            last = self.outputs[-1] if self.outputs else None
            if last is not None and last["output_type"] == "stream" and last["name"] == name:
                last["text"] += text
            else:
                self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        if len(text) > self.remaining:
            text = text[: max(self.remaining, 0)]
            if name not in self._cut_streams:  # one note per stream and cell, so that a cut
                self._cut_streams.add(name)  # never hides that the cell wrote to stderr
                text += CUT_NOTE
            self.cut = True
            if not text:
                return
        self.remaining -= len(text)
        self._pending[name].append(text)

    def display(self, data: dict[str, Any], metadata: dict[str, Any], display_id: str | None):
        self._flush()
        self._before_output()
        output = {"output_type": "display_data", "data": data, "metadata": metadata}
        if _size(output) > self.remaining:
            self.cut = True
            return
        self.remaining -= _size(output)
        self.outputs.append(output)
        if display_id:
            self._displays.setdefault(display_id, []).append(output)

    def update_display(self, data: dict[str, Any], metadata: dict[str, Any], display_id: str):
        for output in self._displays.get(display_id, []):
            output["data"], output["metadata"] = data, metadata

    def result(self, count: int, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        """An ``execute_result``: always kept, since a number in it is partial credit."""
        self._flush()
        self._before_output()
        output = {"output_type": "execute_result", "execution_count": count}
        output.update(data=data, metadata=metadata)
        if _size(output) > self.remaining:
            text = str(data.get("text/plain", ""))[:MAX_RESULT_TEXT]
            output["data"], output["metadata"] = {"text/plain": text}, {}
            self.cut = True
        self.remaining -= _size(output)
        self.outputs.append(output)

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        """An ``error`` output: always kept, long tracebacks shortened in the middle."""
        self._flush()
        self._before_output()
        if sum(len(line) for line in traceback) > MAX_TRACEBACK_CHARS:
            traceback = traceback[:20] + ["[... traceback cut by the grader ...]"] + traceback[-20:]
            traceback = [line[: MAX_TRACEBACK_CHARS // 64] for line in traceback]
            self.cut = True
        output = {"output_type": "error", "ename": ename, "evalue": evalue}
        output["traceback"] = traceback
        self.outputs.append(output)

    def clear(self, wait: bool) -> None:
        self._flush()
        if wait:
            self._clear_on_next = True
        else:
            self.outputs.clear()
            self._displays = {}


COLLECTOR = OutputCollector(budget=0)


class OutputStream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` of a cell: writes become stream outputs."""

    def __init__(self, name: str, fileno: int) -> None:
        super().__init__()
        self.name = name
        self._fileno = fileno

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        COLLECTOR.stream(self.name, text)
        return len(text)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fileno

    @property
    def encoding(self) -> str:
        return "UTF-8"


class CapturingDisplayHook(DisplayHook):
    """The shell's display hook: a cell's last expression becomes an ``execute_result``."""

    def start_displayhook(self) -> None:
        self._format: tuple[dict[str, Any], dict[str, Any]] | None = None

    def write_output_prompt(self) -> None:
        """No ``Out[n]:`` prompt: the count goes into the output instead."""

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self._format = (jsonable(format_dict), jsonable(md_dict or {}))

    def finish_displayhook(self) -> None:
        if self._format is not None:
            data, metadata = self._format
            COLLECTOR.result(self.prompt_count, data, metadata)
        self._format = None


class CapturingDisplayPublisher(DisplayPublisher):
    """The shell's display publisher: ``display(...)`` becomes ``display_data``."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        display_id = (transient or {}).get("display_id")
        data, metadata = jsonable(data), jsonable(metadata or {})
        if update and display_id:
            COLLECTOR.update_display(data, metadata, display_id)
        else:
            COLLECTOR.display(data, metadata, display_id)

    def clear_output(self, wait=False) -> None:
        COLLECTOR.clear(wait)


class GradingShell(InteractiveShell):
    """An IPython shell whose outputs go to :data:`COLLECTOR`, as a kernel's go to the client."""

    displayhook_class = Type(CapturingDisplayHook)
    display_pub_class = Type(CapturingDisplayPublisher)

    def _showtraceback(self, etype, evalue, stb) -> None:
        try:
            text = str(evalue)
        except Exception:  # a learner's exception whose __str__ fails
            text = "<exception that cannot be printed>"
        COLLECTOR.error(str(etype.__name__), text, list(stb))


def _no_stdin(*args: Any, **kwargs: Any) -> str:
    raise StdinNotImplementedError(NO_STDIN)


def make_shell() -> GradingShell:
    """A pristine shell configured as nbgrader's kernels are (history kept in memory only).

    ``input()`` and ``getpass()`` fail as in a kernel whose client allows no input.
    Tracebacks are Python's plain ones (each frame's file, line and source line), without the
    kernel's ANSI colours and surrounding context lines: finding each frame's module for the
    context lines searches every loaded module, and a wrong answer fails several hidden tests,
    each with its traceback. Nothing is scored from a traceback's text.
    """
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "Plain"
    shell = GradingShell.instance(config=config)
    builtins.input = _no_stdin
    getpass.getpass = _no_stdin
    return shell
