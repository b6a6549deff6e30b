"""A real JupyterHub on loopback, started with deploy/jupyterhub_config.py, for tests.

Everything is real: JupyterHub from PyPI, configurable-http-proxy from npm, system accounts and
groups made by deploy/cohort.py's code, single-user servers spawned as those accounts, and every
request going through the proxy. Needs root (accounts, setuid); without root or the proxy the
tests skip, and under CI (``CI`` set) they fail.

Typical use::

    with hub_session() as hub:                       # hub, proxy, culler; all on free ports
        names = hub.add_cohort("k01", instructors=1, learners=2)
        gv = hub.start_server(names.instructors[0])  # UserServer, through the proxy
        gv.post("formgrader/api/assignment/an_toan_so/release")
        hv = hub.start_server(names.learners[0])
        hv.nbgrader("fetch", course_id="k01", assignment_id="an_toan_so")
        kernel = hv.kernel("an_toan_so/an_toan_so.ipynb")   # websocket, like a browser tab
        kernel.run("print(1)").stdout                 # '1\\n'
        hub.run_as(names.learners[1], ["cat", "/some/file"])  # try something as that account

On leaving the block: servers stopped, hub and proxy stopped, every process of the test
accounts ended, accounts, groups and the hub folder deleted.

``hub_session(**settings)`` passes ``BDHVS_HUB_<NAME>`` settings to the deploy config
(e.g. ``CULL_TIMEOUT="20"``, ``MEM_LIMIT="1G"``).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import websocket

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS = 0x00020000
REPO = Path(__file__).resolve().parents[1]
DEPLOY_CONFIG = REPO / "deploy" / "jupyterhub_config.py"
LAUNCHER = Path(__file__).with_name("hub_launch.py")
PROXY = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
HUB_START_TIMEOUT = 60
SERVER_START_TIMEOUT = 180  # generous: a loaded 2-core machine starts 30 servers slowly

WRAPPER_CONFIG = """\
c = get_config()  # noqa: F821
load_subconfig({deploy!r})  # noqa: F821
c.JupyterHub.services.append({{"name": "hubkit", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "admin", "services": ["hubkit"]}})
"""


def require_hub() -> None:
    """Skip (fail under CI) unless a hub can really run here: root, the proxy, useradd."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (system accounts are created)")
    if not proxy_command():
        missing.append(f"configurable-http-proxy (make installs it at {PROXY})")
    if not shutil.which("useradd"):
        missing.append("useradd")
    if missing:
        message = "JupyterHub tests need " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def proxy_command() -> str | None:
    if PROXY.exists():
        return str(PROXY)
    return shutil.which("configurable-http-proxy")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class CohortNames:
    cohort: str
    instructors: list[str]
    learners: list[str]


@dataclass
class Result:
    """What a cell did in a kernel: its stdout, rich results, and error (ename, evalue)."""

    stdout: str = ""
    stderr: str = ""
    data: list[dict] = field(default_factory=list)
    error: tuple[str, str] | None = None


class Kernel:
    """A kernel of a user's server, driven over the server's websocket as JupyterLab does.

    ``models`` maps each widget's comm id to the state it was opened with, so a test can find
    a widget and "click" it with ``send_comm_update``.
    """

    def __init__(self, server: UserServer, kernel_id: str) -> None:
        self.server, self.id = server, kernel_id
        url = server.base_url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"
        self.ws = websocket.create_connection(
            url, header=[f"Authorization: token {server.token}"], timeout=120
        )
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict] = {}

    def _send(self, channel: str, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        message = {
            "header": {
                "msg_id": msg_id,
                "msg_type": msg_type,
                "username": self.server.name,
                "session": self.session,
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
        self.ws.send(json.dumps(message))
        return msg_id

    def run(self, code: str, timeout: float = 120) -> Result:
        """Execute ``code`` and wait until the kernel is idle again."""
        msg_id = self._send(
            "shell", "execute_request", {"code": code, "silent": False, "store_history": True}
        )
        result = Result()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self.ws.recv()
            if isinstance(frame, bytes):
                continue  # binary frames carry widget buffers, which no test reads
            msg = json.loads(frame)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "comm_open":
                self.models[content["comm_id"]] = content.get("data", {}).get("state", {})
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "stream":
                if content["name"] == "stdout":
                    result.stdout += content["text"]
                else:
                    result.stderr += content["text"]
            elif kind in ("execute_result", "display_data"):
                result.data.append(content["data"])
            elif kind == "error":
                result.error = (content["ename"], content["evalue"])
            elif kind == "status" and content["execution_state"] == "idle":
                return result
        raise TimeoutError(f"kernel {self.id} did not finish within {timeout} s: {code[:80]!r}")

    def send_comm_update(self, comm_id: str, state: dict) -> None:
        """What the browser sends when a widget is clicked; handled before the next ``run``."""
        self._send(
            "shell",
            "comm_msg",
            {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}},
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        self.server.delete(f"api/kernels/{self.id}")


class UserServer:
    """A user's single-user server, reached through the proxy with the user's own token."""

    def __init__(self, hub: Hub, name: str, token: str, server_name: str = "") -> None:
        self.hub, self.name, self.token = hub, name, token
        suffix = f"{server_name}/" if server_name else ""
        self.base_url = f"{hub.url}/user/{name}/{suffix}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """``path`` is relative to the server (e.g. ``api/contents``); nothing is checked."""
        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        return requests.request(
            method,
            self.base_url + path,
            headers=headers,
            timeout=kwargs.pop("timeout", 120),
            **kwargs,
        )

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, **kwargs):
        """Request and return the decoded JSON body, failing with the server's answer."""
        response = self.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(
                f"{self.name}: {method} {path} -> {response.status_code}: {response.text[:800]}"
            )
        return response.json() if response.content else None

    def read_notebook(self, path: str) -> dict:
        return self.ok("GET", f"api/contents/{path}?content=1")["content"]

    def save_notebook(self, path: str, notebook: dict) -> None:
        self.ok("PUT", f"api/contents/{path}", json={"type": "notebook", "content": notebook})

    def nbgrader(self, action: str, **params: str):
        """The learner's assignment list: ``list`` (GET assignments) or fetch, submit,
        fetch_feedback (POST assignments/<action>)."""
        if action == "list":
            return self.ok("GET", "assignments", params=params)
        return self.ok("POST", f"assignments/{action}", params=params)

    def kernel(self, notebook_path: str, kernel_name: str = "python3") -> Kernel:
        """A kernel in the notebook's folder, as opening the notebook in JupyterLab starts."""
        session = self.ok(
            "POST",
            "api/sessions",
            json={
                "path": notebook_path,
                "type": "notebook",
                "name": Path(notebook_path).name,
                "kernel": {"name": kernel_name},
            },
        )
        return Kernel(self, session["kernel"]["id"])


class Hub:
    """A running hub: its REST API as an admin service, and its users' servers."""

    def __init__(self, root: Path, settings: dict[str, str]) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(32)
        self.users: list[str] = []
        self.cohorts: dict[str, list[str]] = {}
        self._tokens: dict[str, str] = {}
        self.log_path = root / "hub.log"
        config = root / "hubkit_config.py"
        config.write_text(
            WRAPPER_CONFIG.format(deploy=str(DEPLOY_CONFIG), token=self.admin_token),
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "BDHVS_HUB_ROOT": str(root),
            "BDHVS_HUB_BIND_URL": f"http://127.0.0.1:{self.port}",
            "BDHVS_HUB_INTERNAL_PORT": str(free_port()),
            "BDHVS_HUB_PROXY_API_PORT": str(free_port()),
            "BDHVS_HUB_PROXY": proxy_command() or "configurable-http-proxy",
            **{f"BDHVS_HUB_{key}": value for key, value in settings.items()},
        }
        env.pop("JUPYTERHUB_API_TOKEN", None)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(LAUNCHER), str(root), "--", "-f", str(config)],
            cwd=root,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_up()

    # -- the hub ------------------------------------------------------------------------------
    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + HUB_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        late = f"the hub did not answer within {HUB_START_TIMEOUT} s"
        raise TimeoutError(f"{late}:\n{self.log_tail()}")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """The hub's REST API (``path`` after /hub/api/) as the admin service."""
        headers = {"Authorization": f"token {self.admin_token}"}
        return requests.request(
            method, f"{self.url}/hub/api/{path}", headers=headers, timeout=60, **kwargs
        )

    def api_ok(self, method: str, path: str, **kwargs):
        response = self.api(method, path, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"hub {method} {path} -> {response.status_code}: {response.text}")
        return response.json() if response.content else None

    # -- people -------------------------------------------------------------------------------
    def add_cohort(
        self, cohort: str | None = None, instructors: int = 1, learners: int = 2, prefix: str = "t"
    ) -> CohortNames:
        """A new cohort (deploy/cohort.py's code) with fresh system accounts, known to the hub."""
        from graders.hub.setup import add_cohort

        tag = secrets.token_hex(3)
        cohort = cohort or f"c{tag}"
        names = CohortNames(
            cohort,
            [f"{prefix}gv{tag}{i}" for i in range(instructors)],
            [f"{prefix}hv{tag}{i}" for i in range(learners)],
        )
        self.cohorts[cohort] = names.instructors + names.learners
        self.users.extend(self.cohorts[cohort])
        add_cohort(self.root, cohort, names.instructors, names.learners)
        for name in names.instructors + names.learners:
            self.api_ok("POST", f"users/{name}")
        return names

    def token(self, name: str) -> str:
        """An API token of ``name`` with the user's own permissions."""
        if name not in self._tokens:
            body = self.api_ok("POST", f"users/{name}/tokens", json={"note": "hubkit"})
            self._tokens[name] = body["token"]
        return self._tokens[name]

    def start_server(self, name: str, server_name: str = "") -> UserServer:
        """Spawn the user's server through the hub API and wait until it is ready."""
        return self.start_servers([name], server_name)[name]

    def start_servers(self, names: Sequence[str], server_name: str = "") -> dict[str, UserServer]:
        """Spawn several servers at once (the hub starts them concurrently), wait for all."""
        for name in names:
            path = f"users/{name}/servers/{server_name}" if server_name else f"users/{name}/server"
            response = self.api("POST", path)
            if response.status_code not in (201, 202, 400):  # 400: already running
                raise AssertionError(f"spawn {name}: {response.status_code} {response.text}")
        servers: dict[str, UserServer] = {}
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            for name in names:
                if name in servers:
                    continue
                model = self.api_ok("GET", f"users/{name}")
                server = model.get("servers", {}).get(server_name)
                if server and server.get("ready"):
                    servers[name] = UserServer(self, name, self.token(name), server_name)
                elif not server and not model.get("pending"):
                    raise RuntimeError(f"the server of {name} failed to start:\n{self.log_tail()}")
            if len(servers) == len(names):
                return servers
            time.sleep(0.3)
        late = sorted(set(names) - set(servers))
        raise TimeoutError(f"servers of {', '.join(late)} did not start:\n{self.log_tail()}")

    def server_running(self, name: str, server_name: str = "") -> bool:
        model = self.api_ok("GET", f"users/{name}")
        return bool(model.get("servers", {}).get(server_name, {}).get("ready"))

    def stop_server(self, name: str, server_name: str = "") -> None:
        path = f"users/{name}/servers/{server_name}" if server_name else f"users/{name}/server"
        self.api("DELETE", path)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.server_running(name, server_name):
            time.sleep(0.3)

    def run_as(
        self, name: str, argv: Sequence[str], cwd: str | Path = "/"
    ) -> subprocess.CompletedProcess[str]:
        """Run a command as the user's system account (uid, gid and groups), seeing the files
        as the user's server does (in the hub's mount namespace)."""
        account = pwd.getpwnam(name)
        groups = os.getgrouplist(name, account.pw_gid)
        namespace = f"/proc/{self.process.pid}/ns/mnt"

        def become() -> None:
            enter_mount_namespace(namespace)
            os.setgid(account.pw_gid)
            os.setgroups(groups)
            os.setuid(account.pw_uid)
            os.chdir(cwd)  # as the user, and inside the namespace

        env = {"HOME": account.pw_dir, "USER": name, "PATH": os.environ.get("PATH", "/usr/bin")}
        return subprocess.run(
            list(argv), env=env, preexec_fn=become, capture_output=True, text=True
        )

    # -- the end ------------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop everything and delete the test accounts. The accounts' processes (servers,
        kernels) are ended first, so the hub finds them gone instead of waiting on each."""
        uids = set()
        for name in self.users:
            with contextlib.suppress(KeyError):
                uids.add(pwd.getpwnam(name).pw_uid)
        _kill_processes_of(uids)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        _kill_proxy(self.root / "hub" / "proxy.pid")
        self._log.close()
        from graders.hub.setup import remove_cohort

        _kill_processes_of(uids)
        for cohort, members in self.cohorts.items():
            remove_cohort(self.root, cohort, members)


def enter_mount_namespace(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


def _kill_proxy(pid_file: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


def _kill_processes_of(uids: set[int]) -> None:
    """End every process owned by the test accounts (servers, kernels), by process id."""
    if not uids:
        return
    for _ in range(2):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid in uids:
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                continue
        time.sleep(0.2)


@contextlib.contextmanager
def hub_session(**settings: str) -> Iterator[Hub]:
    """A running hub in a fresh folder (readable by the test accounts), cleaned up afterwards."""
    require_hub()
    root = Path(tempfile.mkdtemp(prefix="bdhvs-hub-", dir="/tmp"))
    root.chmod(0o755)
    hub = None
    try:
        hub = Hub(root, settings)
        yield hub
    finally:
        if hub is not None:
            hub.stop()
        shutil.rmtree(root, ignore_errors=True)
