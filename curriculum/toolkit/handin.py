"""Handing an assignment in with one tap, in Vietnamese, wherever the learner works.

On the training hub the learner's server is configured for nbgrader's exchange (its
``nbgrader_config.py`` names the cohort as the course): the button submits the assignment's
folder through nbgrader's own exchange, as nbgrader's assignment list would, and says when.

Working alone (Binder, ``make lab``, a phone in Voilà) there is no exchange: the learner types
the learner code their instructor gave them, and the button makes one file to download and send
to the instructor (``<assignment>-<learner>.zip``), which ``bdhvs collect`` brings into the
course for grading. The file holds the assignment's notebooks and answer files, and the
learner's self-check progress marked as self-assessed (``tu_danh_gia.json``); it carries no time
an instructor could trust, so no late penalty applies to it.

Answers given by tapping, and written answers typed into the box under their question, are in
the answer files as soon as they are given (the last words typed are saved when the button is
pressed), so they are handed in even when the notebook was not saved. Only text typed into the
notebook's cells themselves (in JupyterLab) needs the notebook saved first.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import ipywidgets as widgets

from curriculum.toolkit.exchange import exchange_course, submit_to_exchange
from curriculum.toolkit.i18n import catalogue
from curriculum.toolkit.links import link_button
from curriculum.toolkit.progress import record_handin, self_assessed_record
from curriculum.toolkit.written import save_typing

MANIFEST = "handin.json"
SELF_ASSESSED = "tu_danh_gia.json"
LEARNER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
FILE_LIMIT = 16 << 20  # a notebook over this is not handed in (grading refuses it anyway)
HANDED_IN = ("*.ipynb", "*.answers.json")

_text = catalogue(
    "handin",
    {
        "button": {"vi": "Nộp bài", "en": "Hand in"},
        "code_label": {"vi": "Mã học viên", "en": "Learner code"},
        "code_hint": {
            "vi": "mã giảng viên cấp cho bạn",
            "en": "the code your instructor gave you",
        },
        "bad_code": {
            "vi": "Hãy nhập mã học viên giảng viên cấp cho bạn (chữ và số, không dấu cách).",
            "en": "Type the learner code your instructor gave you (letters and digits, no spaces).",
        },
        "submitted": {
            "vi": "Đã nộp bài lúc {time}. Bạn có thể nộp lại; bài nộp sau cùng được chấm.",
            "en": "Handed in at {time}. You may hand in again; the last one is graded.",
        },
        "when": {"vi": "%H:%M ngày %d/%m/%Y", "en": "%H:%M on %d/%m/%Y"},
        "failed": {
            "vi": "Chưa nộp được: {reason}. Hãy thử lại hoặc báo giảng viên.",
            "en": "Could not hand in: {reason}. Try again or tell your instructor.",
        },
        "download": {"vi": "Tải tệp bài nộp ({name})", "en": "Download your hand-in ({name})"},
        "send": {
            "vi": "Gửi tệp này cho giảng viên (qua Zalo hoặc thư điện tử).",
            "en": "Send this file to your instructor (by Zalo or e-mail).",
        },
    },
)


def handin_archive(folder: Path, learner: str) -> bytes:
    """The hand-in file of ``folder`` for ``learner``: notebooks, answer files, manifest."""
    if not LEARNER_CODE.match(learner):
        raise ValueError(_text("bad_code"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pattern in HANDED_IN:
            for path in sorted(folder.glob(pattern)):
                if path.is_file() and not path.is_symlink() and path.stat().st_size <= FILE_LIMIT:
                    archive.write(path, f"{folder.name}/{path.name}")
        manifest = {
            "learner": learner,
            "assignment": folder.name,
            "made_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        record = self_assessed_record(learner)
        archive.writestr(SELF_ASSESSED, json.dumps(record, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def archive_name(assignment: str, learner: str) -> str:
    return f"{assignment}-{learner}.zip"


def download_link(data: bytes, name: str) -> str:
    """An HTML link that saves ``data`` as ``name``, with no server involved (works offline)."""
    encoded = base64.b64encode(data).decode("ascii")
    link = link_button(
        f"data:application/zip;base64,{encoded}", _text("download", name=name), download=name
    )
    return f'<p>{link}</p><p style="font-size:16px">{html.escape(_text("send"))}</p>'


def handin_button(folder: str | Path | None = None) -> widgets.VBox:
    """The "Nộp bài" button for the assignment in ``folder`` (default: the kernel's folder)."""
    folder = Path(folder or Path.cwd()).resolve()
    course = exchange_course()
    big = widgets.Layout(min_height="44px", width="auto")
    button = widgets.Button(
        description=_text("button"),
        icon="paper-plane",
        layout=big,
        # A dark green that white text reads on (the "success" style's green is too light).
        style={"button_color": "#1b5e20", "text_color": "white", "font_size": "18px"},
    )
    code = widgets.Text(
        description=_text("code_label"),
        placeholder=_text("code_hint"),
        layout=widgets.Layout(min_height="44px", width="100%", max_width="420px"),
        style={"description_width": "initial"},
    )
    result = widgets.HTML()

    def on_click(_button: widgets.Button) -> None:
        save_typing()
        try:
            if course is not None:
                submit_to_exchange(folder, course)
                record_handin(folder.name)
                when = datetime.now().strftime(_text("when"))
                result.value = f'<p role="status">{html.escape(_text("submitted", time=when))}</p>'
                return
            learner = code.value.strip()
            data = handin_archive(folder, learner)
            result.value = download_link(data, archive_name(folder.name, learner))
            record_handin(folder.name)
        except ValueError as error:
            result.value = f'<p role="alert">{html.escape(str(error))}</p>'
        except Exception as error:  # the exchange's errors are many; the learner needs one line
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            result.value = f'<p role="alert">{html.escape(_text("failed", reason=reason))}</p>'

    button.on_click(on_click)
    parts = [button, result] if course is not None else [code, button, result]
    return widgets.VBox(parts)
