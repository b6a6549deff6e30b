"""A learner's first page: the start page, in JupyterLab on a computer and in Voilà on a phone.

JupyterLab leaves a notebook a few words wide on a phone, and asks for every cell to be run;
Voilà shows the same start page, lessons and assignments full width and runs them by itself.
The learner's server sends ``/bat-dau`` to the one that suits the device asking, so the link a
learner is given, and the hub's landing after login, work on both. It is a Jupyter server
extension (enabled in ``deploy/jupyter/learner`` and ``deploy/jupyter/self-study``) that imports
only the curriculum's addresses, because every learner's server loads it when it starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from curriculum.addresses import FEEDBACK_ROUTE, LANDING, START_PAGE_PATH

ASSIGNMENT_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
FEEDBACK_LIMIT = 16 << 20  # a feedback page is tens of kilobytes
# The page's own styles and images only: no script runs, nothing is fetched.
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# Browsers on phones and tablets say so: in the client hint, or in the user agent.
PHONE = re.compile(r"Mobi|Android|iPhone|iPad|iPod", re.IGNORECASE)


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


class FeedbackHandler(JupyterHandler):
    """The newest feedback page of one of the learner's assignments, where nbgrader's fetch puts
    it (``<assignment>/feedback/<time>/*.html`` in the server's folder), shown in a sandbox: it
    holds the learner's own outputs, which run nothing here."""

    @web.authenticated
    def get(self, assignment: str) -> None:
        root = Path(self.settings["server_root_dir"]).expanduser().resolve()
        pages = sorted((root / assignment / "feedback").glob("*/*.html"))
        page = pages[-1].resolve() if pages else None
        if page is None or root not in page.parents or page.stat().st_size > FEEDBACK_LIMIT:
            raise web.HTTPError(404, "no feedback yet")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header(
            "Content-Security-Policy",
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        )
        self.finish(page.read_bytes())


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "curriculum.landing"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    route = url_path_join(serverapp.base_url, LANDING)
    feedback = url_path_join(serverapp.base_url, FEEDBACK_ROUTE, f"({ASSIGNMENT_ID})")
    serverapp.web_app.add_handlers(".*$", [(route, LandingHandler), (feedback, FeedbackHandler)])
