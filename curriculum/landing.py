"""A learner's first page: the start page, in JupyterLab on a computer and in Voilà on a phone.

JupyterLab leaves a notebook a few words wide on a phone, and asks for every cell to be run;
Voilà shows the same start page, lessons and assignments full width and runs them by itself.
The learner's server sends ``/bat-dau`` to the one that suits the device asking, so the link a
learner is given, and the hub's landing after login, work on both. It is a Jupyter server
extension (enabled in ``deploy/jupyter/learner`` and ``deploy/jupyter/self-study``) that imports
only the curriculum's addresses and its reader of learners' files, because every learner's
server loads it when it starts.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from curriculum.addresses import FEEDBACK_ROUTE, LANDING, START_PAGE_PATH
from curriculum.regular_files import read_regular

ASSIGNMENT_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
FEEDBACK_LIMIT = 16 << 20  # a feedback page is tens of kilobytes
# The page's own styles and images only: no script runs, nothing is fetched.
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# Browsers on phones and tablets say so: in the client hint, or in the user agent.
PHONE = re.compile(r"Mobi|Android|iPhone|iPad|iPod", re.IGNORECASE)
NO_FEEDBACK = "Chưa có nhận xét cho bài tập này: giảng viên gửi nhận xét sau khi chấm bài."
CANNOT_SHOW = "Không mở được trang nhận xét của bài tập này. Hãy báo giảng viên để được gửi lại."
MESSAGE_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Nhận xét bài tập</title></head>"
    '<body style="font-family:sans-serif;font-size:18px;line-height:1.5;margin:16px;'
    'max-width:640px"><h1 style="font-size:22px">Nhận xét bài tập</h1><p>{text}</p></body></html>'
)


def is_phone(headers: Any) -> bool:
    """Whether a request comes from a phone or a tablet, by its headers."""
    if headers.get("Sec-CH-UA-Mobile") == "?1":
        return True
    return bool(PHONE.search(headers.get("User-Agent", "")))


def landing_path(phone: bool) -> str:
    """Where the start page opens, relative to the server's base URL."""
    return f"voila/render/{START_PAGE_PATH}" if phone else f"lab/tree/{START_PAGE_PATH}"


class LandingHandler(JupyterHandler):
    """Redirects the learner to the start page in the front end that suits their device."""

    @web.authenticated
    def get(self) -> None:
        self.redirect(url_path_join(self.base_url, landing_path(is_phone(self.request.headers))))


def newest_feedback(root: Path, assignment: str) -> bytes | None:
    """The newest feedback page of ``assignment``, where nbgrader's fetch puts it
    (``<assignment>/feedback/<time>/*.html`` under ``root``), or None when there is none yet.

    The page is read by :func:`curriculum.regular_files.read_regular`: a named pipe or a file of
    gigabytes there must not stop the learner's whole server. Raises ``ValueError`` for a page
    that is not a regular file within :data:`FEEDBACK_LIMIT` in ``root`` (a link out of it, a
    pipe), ``OSError`` or ``RuntimeError`` (a loop of links) when it cannot be read.
    """
    pages = sorted((root / assignment / "feedback").glob("*/*.html"))
    if not pages:
        return None
    page = pages[-1].resolve()
    if root not in page.parents:
        raise ValueError(f"{pages[-1]} is outside {root}")
    return read_regular(page, FEEDBACK_LIMIT)


class FeedbackHandler(JupyterHandler):
    """The newest feedback page of one of the learner's assignments, shown in a sandbox: it
    holds the learner's own outputs, which run nothing here. When there is none, or it cannot
    be shown, a short page says so in Vietnamese."""

    @web.authenticated
    def get(self, assignment: str) -> None:
        root = Path(self.settings["server_root_dir"]).expanduser().resolve()
        try:
            page = newest_feedback(root, assignment)
        except (OSError, RuntimeError, ValueError) as problem:
            self.log.warning("feedback of %s not shown: %s", assignment, problem)
            self._send(403, MESSAGE_PAGE.format(text=html.escape(CANNOT_SHOW)).encode())
            return
        if page is None:
            self._send(404, MESSAGE_PAGE.format(text=html.escape(NO_FEEDBACK)).encode())
            return
        self._send(200, page)

    def _send(self, status: int, page: bytes) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", SANDBOX)
        self.finish(page)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "curriculum.landing"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    route = url_path_join(serverapp.base_url, LANDING)
    feedback = url_path_join(serverapp.base_url, FEEDBACK_ROUTE, f"({ASSIGNMENT_ID})")
    serverapp.web_app.add_handlers(".*$", [(route, LandingHandler), (feedback, FeedbackHandler)])
