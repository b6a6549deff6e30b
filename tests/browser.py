"""Helpers for the browser tests: a real JupyterLab server and a headless Chromium.

Not tests themselves. :func:`jupyter_lab` runs ``jupyter lab`` on the loopback interface with
a random token and everything that would reach the internet or interrupt a learner switched
off (news, update checks, extension manager, saved workspaces); :func:`chromium_page` drives
the system's Chromium through Playwright; the remaining functions act on a notebook the way
a learner does, through menus, clicks and keys, and wait on what the page shows rather than
for fixed times.

Playwright's own browser download is not used: the browser is the distribution's Chromium
(``apt-get install chromium``), or the one named by the BDHVS_CHROMIUM environment variable.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

CHROMIUM = Path(os.environ.get("BDHVS_CHROMIUM", "/usr/bin/chromium"))
# Headless, with a fresh profile, and without the background services (sync, component
# updates, other background fetches) that try to reach the internet at start-up.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

SERVER_START_SECONDS = 90
SERVER_STOP_SECONDS = 20
UI_TIMEOUT_MS = 30_000
"""How long a click or a wait for an element may take."""
KERNEL_TIMEOUT_MS = 120_000
"""How long a kernel may take to start, or a notebook to run, on a slow CI machine."""

# JupyterLab settings a learner would otherwise be asked about, or that fetch from the web.
_LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


def missing_browser_support() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is not installed (pip install -e '.[test]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set BDHVS_CHROMIUM "
            "to a Chromium executable)"
        )
    return None


def require_browser_support() -> None:
    """Fail when the browser tests cannot run under CI; elsewhere, skip them."""
    problem = missing_browser_support()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {problem}", pytrace=False)
    pytest.skip(f"browser tests need Chromium and Playwright: {problem}")


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server."""

    url: str
    """Base URL, ending with a slash, e.g. ``http://127.0.0.1:8899/``."""
    token: str
    root: Path
    """The server's root folder: notebooks placed here can be opened."""
    log: Path
    """The server's output (server and kernel messages)."""

    def notebook_url(self, name: str) -> str:
        """The address that opens notebook ``name`` (relative to root) in a fresh layout."""
        # ``reset`` drops the saved layout, so no notebook from an earlier test reopens.
        return f"{self.url}lab/tree/{quote(name)}?token={self.token}&reset"

    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API; returns the decoded JSON answer, or None."""
        request = urllib.request.Request(
            self.url + path.lstrip("/"),
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with _direct.open(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every notebook session and its kernel, as closing the notebooks would."""
        for session in self.api("GET", "api/sessions"):
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"api/sessions/{session['id']}")

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return "(no server log)"


# Loopback only: never send requests to the server through a proxy from the environment.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _is_answering(lab: Lab) -> bool:
    try:
        status = lab.api("GET", "api/status")
    except (OSError, ValueError):
        return False
    return isinstance(status, dict)


@contextlib.contextmanager
def jupyter_lab(root: Path, log: Path) -> Iterator[Lab]:
    """Run JupyterLab serving ``root``, writing its output to ``log``; stop it on exit.

    Configuration, settings, workspaces and runtime files go to a temporary folder, so the
    user's own Jupyter set-up plays no part and nothing is left behind.
    """
    state = Path(tempfile.mkdtemp(prefix="bdhvs-lab-"))
    for name, settings in _LAB_SETTINGS.items():
        path = state / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    port = _free_port()
    lab = Lab(url=f"http://127.0.0.1:{port}/", token=secrets.token_hex(24), root=root, log=log)
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        # CI machines often run everything as root, which the server refuses by default.
        "--ServerApp.allow_root=True",
        f"--IdentityProvider.token={lab.token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={state / 'user-settings'}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}",
    ]
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "PYTHONUNBUFFERED": "1",
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as output:
        # A session of its own, so that kernels left by a server that had to be killed can
        # be ended with it.
        server = subprocess.Popen(
            command,
            cwd=root,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _is_answering(lab):
            if server.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with code {server.returncode} before answering:\n"
                    + lab.log_tail()
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"JupyterLab did not answer at {lab.url} within {SERVER_START_SECONDS} s:\n"
                    + lab.log_tail()
                )
            time.sleep(0.25)
        yield lab
    finally:
        _stop(server)
        shutil.rmtree(state, ignore_errors=True)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server: SIGTERM (it then shuts its kernels down), SIGKILL if it hangs."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=SERVER_STOP_SECONDS)
            return
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=SERVER_STOP_SECONDS)
    # Killed, or died on its own: its kernels may still run in its process group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def chromium_page(width: int = 1280, height: int = 960) -> Iterator[Page]:
    """A page in a headless Chromium with a fresh profile, closed with its profile on exit."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="bdhvs-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport={"width": width, "height": height},
            locale="vi-VN",
        )
        try:
            context.set_default_timeout(UI_TIMEOUT_MS)
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def open_notebook(page: Page, lab: Lab, path: str) -> Locator:
    """Open the notebook at ``path`` (relative to the server root) and wait for its kernel.

    Returns the notebook's panel, the only one in the freshly reset layout.
    """
    page.goto(lab.notebook_url(path))
    panel = page.locator(".jp-NotebookPanel")
    panel.wait_for(state="visible", timeout=KERNEL_TIMEOUT_MS)
    wait_for_idle_kernel(page, PurePosixPath(path).name)
    return panel


def wait_for_idle_kernel(page: Page, name: str) -> None:
    """Wait until the status bar shows notebook ``name``'s kernel connected and idle.

    The status bar, unlike the toolbar's execution indicator, says "Idle" only once the
    kernel has started and the page is connected to it.
    """
    from playwright.sync_api import expect

    status = page.locator(f'#jp-main-statusbar [title="Change kernel for {name}"]')
    expect(status).to_have_text(_IDLE_KERNEL, timeout=KERNEL_TIMEOUT_MS)


_IDLE_KERNEL = re.compile(r"^(?!No Kernel).+\|\s*Idle\s*$")
# True once the first code cell shows a new execution count and no cell shows [*]. JupyterLab
# marks every cell [*] as soon as Run All is chosen, before the first one has finished; after
# an error, the cells the kernel skipped go back to [ ].
_RUN_FINISHED = """([panel, before]) => {
    const prompts = Array.from(
        panel.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt"), (p) => p.textContent
    );
    return prompts.length > 0 && prompts[0] !== before && /\\[\\d+\\]/.test(prompts[0])
        && !prompts.some((p) => p.includes("*"));
}"""


def code_cells(panel: Locator) -> Locator:
    return panel.locator(".jp-Notebook .jp-CodeCell")


def error_outputs(panel: Locator) -> list[str]:
    """The text of every error (traceback) or stderr output in the notebook."""
    return panel.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()


def choose_menu_item(page: Page, menu: str, command: str) -> None:
    """Open menu ``menu`` of the menu bar and choose the item running JupyterLab ``command``."""
    page.locator(".lm-MenuBar-item").filter(has_text=re.compile(rf"^\s*{menu}\s*$")).click()
    page.locator(f".lm-Menu-item[data-command='{command}']").click()


def run_all_cells(page: Page, panel: Locator, *, allow_errors: bool = False) -> None:
    """Choose Run > Run All Cells, then wait until every cell has run or been skipped.

    JupyterLab stops at the first cell that raises. Unless ``allow_errors``, an error or
    stderr output then fails the test with the output's text.
    """
    before = code_cells(panel).first.locator(".jp-InputArea-prompt").text_content()
    choose_menu_item(page, "Run", "runmenu:run-all")
    page.wait_for_function(
        _RUN_FINISHED, arg=[panel.element_handle(), before], timeout=KERNEL_TIMEOUT_MS
    )
    errors = error_outputs(panel)
    assert allow_errors or not errors, "a cell failed in the browser:\n" + "\n---\n".join(errors)


def save_notebook(page: Page, panel: Locator) -> None:
    """Press Ctrl+S in the notebook, then wait until its tab no longer shows unsaved changes."""
    panel.locator(".jp-Notebook").focus()
    page.keyboard.press("Control+s")
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)").wait_for()
