"""Helpers for the browser tests: real Jupyter servers and a headless Chromium.

Not tests themselves. :func:`jupyter_lab` and :func:`jupyter_notebook` run JupyterLab and
Notebook 7, and :func:`voila` runs Voilà on one notebook, each on the loopback interface with
a random token and everything that would reach the internet or interrupt a learner switched
off (news, update checks, extension manager, saved workspaces); :func:`chromium_page` drives
the system's Chromium through Playwright, which can reach nothing but the loopback interface;
the remaining functions act on a notebook the way a learner does, through menus, clicks and
keys, and wait on what the page shows rather than for fixed times.

Playwright's own browser download is not used: the browser is the distribution's Chromium
(``apt-get install chromium``), or the one named by the BDHVS_CHROMIUM environment variable.
"""

from __future__ import annotations

import abc
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
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar
from urllib.parse import quote, urlsplit

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
    # Host names resolve to nothing, so a page cannot load what it links from the web (Voilà's
    # page links a web font from a CDN), and no proxy from the environment is used.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-proxy-server",
)

PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
SERVER_START_SECONDS = 90
# The learner's self-study configuration, as `make lab` and Binder use it.
SELF_STUDY = Path(__file__).resolve().parents[1] / "deploy" / "jupyter" / "self-study"
# axe-core from npm (`make test` installs it), for the accessibility checks.
AXE = (
    Path(__file__).resolve().parents[1]
    / ".venv"
    / "node"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
SERVER_STOP_SECONDS = 20
UI_TIMEOUT_MS = 30_000
"""How long a click or a wait for an element may take."""
KERNEL_TIMEOUT_MS = 120_000
"""How long a kernel may take to start, or a notebook to run, on a slow CI machine."""

# JupyterLab and Notebook 7 settings a learner would otherwise be asked about, or that fetch
# from the web.
_LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


# A question the browser tests answer by clicking; the sheet is named after the notebook, so the
# answers file is <sheet>.answers.json beside it.
OTP_PROMPT_PART = "xin mã OTP"
OTP_OPTIONS = (
    ("Đọc mã OTP cho họ", "doc_ma"),
    ("Từ chối, rồi tự gọi số tổng đài in trên thẻ ngân hàng", "goi_tong_dai"),
    ("Gửi mã OTP qua Zalo cho họ", "gui_zalo"),
)


def otp_question_cell(sheet: str) -> str:
    """Source of a cell that shows the OTP question, answered into the sheet ``sheet``."""
    return f"""\
from curriculum.toolkit.answers import answer_sheet
from curriculum.toolkit.questions import SingleChoice, TrueFalse

sheet = answer_sheet({sheet!r})
otp = SingleChoice(
    "otp",
    "Có người gọi điện xưng là nhân viên ngân hàng và {OTP_PROMPT_PART}. Bạn làm gì?",
    {list(OTP_OPTIONS)!r},
    sheet=sheet,
)
otp
"""


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


def axe_violations(page: Page, context: str = "document") -> list[str]:
    """Critical and serious accessibility violations axe-core finds in ``context`` (every
    element a CSS selector matches, or the whole document), one line each: rule, impact, where."""
    if not AXE.is_file():
        problem = f"axe-core is not installed ({AXE}; make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (context) => {
            const where = context === "document" ? document : {include: [[context]]};
            const result = await axe.run(where, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
            }));
        }""",
        context,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}"
        for v in found
        if v["impact"] in ("critical", "serious")
    ]


@dataclass(frozen=True)
class Server(abc.ABC):
    """A running server: JupyterLab, Notebook 7 or Voilà."""

    url: str
    """Base URL, ending with a slash, e.g. ``http://127.0.0.1:8899/``."""
    token: str
    root: Path
    """The server's root folder: notebooks placed here can be opened."""
    log: Path
    """The server's output (server and kernel messages)."""

    title: ClassVar[str]
    """What the server is called in error messages."""

    @classmethod
    def on_free_port(cls, root: Path, log: Path) -> Self:
        """The server's address and token, before it starts: a free port, a new token."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return cls(url=f"http://127.0.0.1:{port}/", token=secrets.token_hex(24), root=root, log=log)

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 80

    def request(self, method: str, path: str) -> bytes:
        """Send a request, with the token, to ``path`` (relative to url); returns the body."""
        request = urllib.request.Request(
            self.url + path.lstrip("/"),
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with _direct.open(request, timeout=10) as response:
            return response.read()

    @abc.abstractmethod
    def is_answering(self) -> bool:
        """Whether the server has started and answers HTTP requests."""

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return "(no server log)"


@dataclass(frozen=True)
class Lab(Server):
    """A running Jupyter server showing JupyterLab."""

    title: ClassVar[str] = "JupyterLab"
    command: ClassVar[str] = "lab"
    """The ``jupyter`` subcommand that starts this interface."""
    settings_apps: ClassVar[tuple[str, ...]] = ("LabApp",)
    """The applications whose settings and workspace folders are moved to a temporary folder."""

    def notebook_url(self, name: str) -> str:
        """The address that opens notebook ``name`` (relative to root) in a fresh layout."""
        # ``reset`` drops the saved layout, so no notebook from an earlier test reopens.
        return f"{self.url}lab/tree/{quote(name)}?token={self.token}&reset"

    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API; returns the decoded JSON answer, or None."""
        body = self.request(method, path)
        return json.loads(body) if body else None

    def is_answering(self) -> bool:
        try:
            status = self.api("GET", "api/status")
        except (OSError, ValueError):
            return False
        return isinstance(status, dict)

    def shut_down_kernels(self) -> None:
        """End every notebook session and its kernel, as closing the notebooks would."""
        for session in self.api("GET", "api/sessions"):
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"api/sessions/{session['id']}")

    def wait_for_idle_kernel(self, page: Page, name: str) -> None:
        """Wait until the page shows notebook ``name``'s kernel connected and idle.

        The status bar, unlike the toolbar's execution indicator, says "Idle" only once the
        kernel has started and the page is connected to it.
        """
        from playwright.sync_api import expect

        status = page.locator(f'#jp-main-statusbar [title="Change kernel for {name}"]')
        expect(status).to_have_text(_IDLE_KERNEL, timeout=KERNEL_TIMEOUT_MS)


@dataclass(frozen=True)
class Notebook7(Lab):
    """A running Jupyter server showing Notebook 7, one document per browser tab."""

    title: ClassVar[str] = "Jupyter Notebook"
    command: ClassVar[str] = "notebook"
    # Notebook 7 reads its settings through the JupyterLab server extension it runs with, so
    # both applications get the same folders.
    settings_apps: ClassVar[tuple[str, ...]] = ("LabApp", "JupyterNotebookApp")

    def notebook_url(self, name: str) -> str:
        return f"{self.url}notebooks/{quote(name)}?token={self.token}"

    def wait_for_idle_kernel(self, page: Page, name: str) -> None:
        # No status bar here. The toolbar's execution indicator says "idle" while the page
        # still has "No Kernel", then goes through "initializing" and "connecting": once the
        # kernel is named, "idle" means started and connected.
        from playwright.sync_api import expect

        toolbar = page.locator(".jp-NotebookPanel-toolbar")
        kernel = toolbar.locator(".jp-Toolbar-kernelName")
        expect(kernel).not_to_have_text(
            re.compile(r"^\s*(No Kernel)?\s*$"), timeout=KERNEL_TIMEOUT_MS
        )
        indicator = toolbar.locator(".jp-Notebook-ExecutionIndicator")
        expect(indicator).to_have_attribute("data-status", "idle", timeout=KERNEL_TIMEOUT_MS)


@dataclass(frozen=True)
class LearnerLab(Lab):
    """JupyterLab as a learner sees it: in Vietnamese, so nothing here reads English labels."""

    def wait_for_idle_kernel(self, page: Page, name: str) -> None:
        """Wait until the server says notebook ``name``'s kernel is idle; at phone size the
        toolbar hides its status, so the page is not asked."""
        deadline = time.monotonic() + KERNEL_TIMEOUT_MS / 1000
        while not any(
            session.get("path", "").endswith(name)
            and session.get("kernel", {}).get("execution_state") == "idle"
            for session in self.api("GET", "api/sessions")
        ):
            assert time.monotonic() < deadline, f"no idle kernel for {name}"
            time.sleep(0.25)


@dataclass(frozen=True)
class Voila(Server):
    """A running Voilà, serving one notebook as an application at its base URL."""

    title: ClassVar[str] = "Voilà"

    def page_url(self) -> str:
        """The address that runs the notebook in a new kernel and shows its outputs."""
        return f"{self.url}?token={self.token}"

    def is_answering(self) -> bool:
        # Ask for one of Voilà's own scripts: any address outside /voila/ runs the notebook.
        try:
            self.request("HEAD", "voila/static/voila.js")
        except OSError:
            return False
        return True


# Loopback only: never send requests to the server through a proxy from the environment.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def jupyter_lab(root: Path, log: Path) -> contextlib.AbstractContextManager[Lab]:
    """Run JupyterLab serving ``root``, writing its output to ``log``; stop it on exit.

    Configuration, settings, workspaces and runtime files go to a temporary folder, so the
    user's own Jupyter set-up plays no part and nothing is left behind.
    """
    return _jupyter_server(Lab, root, log)


def jupyter_notebook(root: Path, log: Path) -> contextlib.AbstractContextManager[Notebook7]:
    """Run Notebook 7 serving ``root``, like :func:`jupyter_lab`."""
    return _jupyter_server(Notebook7, root, log)


_LabT = TypeVar("_LabT", bound=Lab)


def learner_lab(
    root: Path, log: Path, env: dict[str, str] | None = None
) -> contextlib.AbstractContextManager[LearnerLab]:
    """Run JupyterLab with the learner's self-study configuration, as ``make lab`` does;
    ``env`` adds variables to its environment (e.g. ``BDHVS_HOME``, the learner's progress)."""
    return _jupyter_server(LearnerLab, root, log, config_path=SELF_STUDY, env=env)


@contextlib.contextmanager
def _jupyter_server(
    kind: type[_LabT],
    root: Path,
    log: Path,
    config_path: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[_LabT]:
    with _state_folder() as state:
        if config_path is None:  # a configuration brings its own settings
            _write_lab_settings(state / "user-settings")
        server = kind.on_free_port(root, log)
        command = [
            *(sys.executable, "-m", "jupyter", kind.command, "--no-browser"),
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={server.port}",
            "--ServerApp.port_retries=0",
            # CI machines often run everything as root, which the server refuses by default.
            "--ServerApp.allow_root=True",
            f"--IdentityProvider.token={server.token}",
            f"--ServerApp.root_dir={root}",
            # The JupyterLab server extension answers the news and update checks of both
            # interfaces; Notebook 7 has no switches of its own for them.
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
        for app in kind.settings_apps:
            command.append(f"--{app}.user_settings_dir={state / 'user-settings'}")
            command.append(f"--{app}.workspaces_dir={state / 'workspaces'}")
        extra = {"JUPYTER_CONFIG_PATH": str(config_path)} if config_path else {}
        extra.update(env or {})
        with _running(server, command, state, extra):
            yield server


def _write_lab_settings(folder: Path) -> None:
    for name, settings in _LAB_SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")


@contextlib.contextmanager
def voila(notebook: Path, log: Path) -> Iterator[Voila]:
    """Run Voilà serving ``notebook``, writing its output to ``log``; stop it on exit.

    Voilà runs the notebook in a new kernel, started in the notebook's folder, for every page
    load. Its page links a web font from a CDN (and MathJax, for formulas): the browser from
    :func:`chromium_page` cannot resolve those names, so nothing reaches the internet.
    """
    with _state_folder() as state:
        server = Voila.on_free_port(notebook.parent, log)
        (state / "connections").mkdir()
        command = [
            *(sys.executable, "-m", "voila", notebook.name, "--no-browser"),
            "--Voila.ip=127.0.0.1",
            f"--Voila.port={server.port}",
            "--Voila.port_retries=0",
            f"--Voila.token={server.token}",
            f"--Voila.connection_dir_root={state / 'connections'}",
            # An error in the notebook shows its traceback on the page, for the screenshot.
            "--VoilaConfiguration.show_tracebacks=True",
        ]
        with _running(server, command, state):
            yield server


@contextlib.contextmanager
def _state_folder() -> Iterator[Path]:
    """A temporary folder for a server's configuration, settings and runtime files."""
    state = Path(tempfile.mkdtemp(prefix="bdhvs-server-"))
    try:
        yield state
    finally:
        shutil.rmtree(state, ignore_errors=True)


@contextlib.contextmanager
def _running(
    server: Server, command: list[str], state: Path, extra: dict[str, str] | None = None
) -> Iterator[None]:
    """Run ``command`` in ``server.root``, wait until ``server`` answers, stop it on exit.

    Jupyter configuration and runtime files go to ``state``, so the user's own Jupyter
    set-up plays no part.
    """
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "PYTHONUNBUFFERED": "1",
        **(extra or {}),
    }
    server.log.parent.mkdir(parents=True, exist_ok=True)
    with open(server.log, "wb") as output:
        # A session of its own, so that kernels left by a server that had to be killed can
        # be ended with it.
        process = subprocess.Popen(
            command,
            cwd=server.root,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_answering(server, process)
        yield
    finally:
        _stop(process)


def _wait_until_answering(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.is_answering():
        if process.poll() is not None:
            raise RuntimeError(
                f"{server.title} exited with code {process.returncode} before answering:\n"
                + server.log_tail()
            )
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{server.title} did not answer at {server.url} within {SERVER_START_SECONDS} s:\n"
                + server.log_tail()
            )
        time.sleep(0.25)


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
def chromium_page(width: int = 1280, height: int = 960, phone: bool = False) -> Iterator[Page]:
    """A page in a headless Chromium with a fresh profile, closed with its profile on exit;
    ``phone`` makes it a phone's browser (its user agent, touch), as servers see one."""
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
            **({"user_agent": PHONE_AGENT, "is_mobile": True, "has_touch": True} if phone else {}),
        )
        try:
            context.set_default_timeout(UI_TIMEOUT_MS)
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def open_notebook(page: Page, server: Lab, path: str) -> Locator:
    """Open the notebook at ``path`` (relative to the server root) and wait for its kernel.

    Returns the notebook's panel, the only one on the page.
    """
    page.goto(server.notebook_url(path))
    panel = page.locator(".jp-NotebookPanel")
    panel.wait_for(state="visible", timeout=KERNEL_TIMEOUT_MS)
    server.wait_for_idle_kernel(page, PurePosixPath(path).name)
    return panel


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


def run_command_from_menus(page: Page, command: str) -> None:
    """Choose the menu item running JupyterLab ``command``, whatever the interface's language."""
    for index in range(page.locator(".lm-MenuBar-item").count()):
        page.locator(".lm-MenuBar-item").nth(index).click()
        item = page.locator(f".lm-Menu-item[data-command='{command}']")
        if item.count():
            item.first.click()
            return
        page.keyboard.press("Escape")
    raise AssertionError(f"no menu runs {command}")


def run_all_cells(page: Page, panel: Locator, *, allow_errors: bool = False) -> None:
    """Choose Run All Cells from the menus, then wait until every cell has run or been skipped.

    JupyterLab stops at the first cell that raises. Unless ``allow_errors``, an error or
    stderr output then fails the test with the output's text.
    """
    before = code_cells(panel).first.locator(".jp-InputArea-prompt").text_content()
    run_command_from_menus(page, "runmenu:run-all")
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
