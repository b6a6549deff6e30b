"""Sending the xAPI statements to a learning record store (``bdhvs records --lrs URL``), tested
against a real one: Ralph (``ralph-malph`` on PyPI), started on loopback by these tests.

Ralph lives in a virtual environment of its own, made on first use under the project's
(``.venv/ralph-<version>``) and kept: its ``lrs`` extra pins exact, older versions of packages
the project's environment holds newer (httpx for JupyterLab, click for Dask, importlib-metadata),
so installing it there would downgrade them. Its server is Ralph's own ASGI app under uvicorn,
with the file-system backend, which stores statements in a JSON-lines file. That backend writes
its file in ``create`` mode, which refuses every write after the first, so the tests start it in
``append`` mode; everything else (authentication, validation, ids already held, queries) is
Ralph's as released. A test that needs Ralph is slow: the first run installs it.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from curriculum.framework import load_framework
from graders.common.errors import BdhvsError
from graders.exports.lrs.client import PASSWORD_ENV, USER_ENV, Lrs
from graders.exports.lrs.ledger import ledger_path
from graders.exports.lrs.send import Sending, send_statements
from graders.exports.xapi import XAPI, StatementLines

from conftest import run_bdhvs
from in_process import run_in_process

RALPH_VERSION = "5.1.0"
# Ralph's authentication module imports requests, which none of its extras installs.
RALPH_PACKAGES = (f"ralph-malph[cli,lrs]=={RALPH_VERSION}", "requests>=2.31,<3")
RALPH_HOME = Path(sys.prefix) / f"ralph-{RALPH_VERSION}"
USER = "bdhvs-sender"
PASSWORD = "mat-khau-thu-nghiem"
CREDENTIALS = {USER_ENV: USER, PASSWORD_ENV: PASSWORD}
HOME_PAGE = "https://xa-thu-nghiem.example.vn"
STORED_AS_SENT = ("id", "actor", "verb", "object", "result", "context", "timestamp")
# Ralph's server, with its file-system backend appending to its file (see the module's text).
LAUNCH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def ralph_bin() -> Path:
    """The ``bin`` folder of Ralph's virtual environment, made the first time (one process at a
    time: several test runs may share the project's environment)."""
    stamp = RALPH_HOME / "installed.txt"
    with open(RALPH_HOME.parent / "ralph.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.is_file() or stamp.read_text() != "\n".join(RALPH_PACKAGES):
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(RALPH_HOME)], check=True)
            pip = [str(RALPH_HOME / "bin" / "python"), "-m", "pip", "install", "--quiet"]
            subprocess.run([*pip, *RALPH_PACKAGES], check=True)
            stamp.write_text("\n".join(RALPH_PACKAGES))
    return RALPH_HOME / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    """Ralph's LRS on a free port of 127.0.0.1, keeping its statements, settings and log in
    ``root``; :meth:`stop` kills it as a crash would, :meth:`start` brings it back on the same
    port with the same statements."""

    def __init__(self, bin_dir: Path, auth_file: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI"
        (root / "statements").mkdir(parents=True)
        self.env = ralph_environment(root, auth_file)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.root / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(self.bin_dir / "python"), "-c", LAUNCH, str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__"):
                    return
            except OSError:  # not listening yet, or not ready (an HTTP error)
                time.sleep(0.1)
        self.stop()
        pytest.fail("Ralph did not start:\n" + (self.root / "server.log").read_text()[-3000:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait()

    def statements(self) -> list[dict[str, Any]]:
        """Every statement the LRS holds, asked for as any xAPI client would, page by page."""
        found: list[dict[str, Any]] = []
        address = f"{self.url}/statements?limit=100"
        while address:
            request = urllib.request.Request(address, headers=_reading_headers())
            with urllib.request.urlopen(request) as response:
                page = json.load(response)
            found += page["statements"]
            more = page.get("more")
            address = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found


def ralph_environment(root: Path, auth_file: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(root),
        "RALPH_AUTH_FILE": str(auth_file),
        "RALPH_HISTORY_FILE": str(root / "history.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(root / "statements"),
    }


def _reading_headers() -> dict[str, str]:
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    return {"X-Experience-API-Version": "1.0.3", "Authorization": f"Basic {token}"}


@pytest.fixture(scope="module")
def ralph_setup(tmp_path_factory) -> tuple[Path, Path]:
    """Ralph's ``bin`` folder and an authentication file with one account, made with Ralph's
    own ``ralph auth``."""
    bin_dir = ralph_bin()
    root = tmp_path_factory.mktemp("ralph-auth")
    auth_file = root / "auth.json"
    made = subprocess.run(
        [str(bin_dir / "ralph"), "auth", "-u", USER, "-p", PASSWORD, "-w"]
        + ["-s", "statements/write", "-s", "statements/read", "-A", USER, HOME_PAGE],
        env=ralph_environment(root, auth_file),
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    return bin_dir, auth_file


@pytest.fixture
def ralph(ralph_setup, tmp_path):
    """A running Ralph holding no statement yet, stopped after the test."""
    server = Ralph(*ralph_setup, tmp_path / "ralph")
    server.start()
    yield server
    server.stop()


def cohort_lines(learners: int, first: int = 0) -> list[bytes]:
    """The statements of made-up learners as ``bdhvs records`` makes them (its own
    :class:`StatementLines`): six competences each at steps 0 to 8 (passed or failed) and, for
    every third learner, a completed learning path."""
    framework = load_framework()
    competences = list(framework.competences)
    path = framework.paths[0]
    make = StatementLines(HOME_PAGE)
    lines: list[bytes] = []
    for n in range(first, first + learners):
        assessed = {}
        for k in range(6):
            step = (n + k) % 9
            assessed[competences[(n + k) % len(competences)]] = {
                "step": step,
                "score": step / 8,
                "earned": step,
                "available": 8,
                "pending": [],
                "evidence": [{"assignment": f"bai_{k}"}],
            }
        record = {
            "learner": f"hv{n:05d}",
            "generated_at": "2026-11-20T08:00:00+00:00",
            "assignments": {
                f"bai_{k}": {"submitted_at": f"2026-11-{k + 1:02d}T09:30:00+07:00"}
                for k in range(6)
            },
            "competences": assessed,
            "paths": {
                path.id: {
                    "completed": n % 3 == 0,
                    "met": len(path.requirements) if n % 3 == 0 else 0,
                    "required": len(path.requirements),
                    "completed_at": "2026-11-10T10:00:00+07:00",
                }
            },
        }
        lines += make(record, schema=True)
    return lines


@pytest.fixture(scope="module")
def cohort() -> list[bytes]:
    """Forty learners' statements."""
    return cohort_lines(40)


def written(folder: Path, lines: list[bytes]) -> Path:
    """``folder/xapi.jsonl`` holding ``lines``, as ``bdhvs records --out folder`` leaves it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / XAPI).write_bytes(b"".join(lines))
    return folder


def ids_of(lines: list[bytes]) -> list[str]:
    return sorted(json.loads(line)["id"] for line in lines)


def send_only(out: Path, url: str, *more: str) -> subprocess.CompletedProcess[str]:
    """``bdhvs records --out OUT --lrs URL --send-only``, as an instructor would run it."""
    args = ("records", "--out", str(out), "--lrs", url, "--send-only", *more)
    return run_bdhvs(*args, env=CREDENTIALS)


@pytest.fixture
def send_in_process(monkeypatch, capsys):
    """:func:`send_only` run in the test's process (quicker to start), the credentials in its
    environment."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)

    def send(out: Path, url: str, *more: str) -> subprocess.CompletedProcess[str]:
        return run_in_process(
            capsys, "records", "--out", str(out), "--lrs", url, "--send-only", *more
        )

    return send


def assert_held_once(ralph: Ralph, lines: list[bytes]) -> list[dict[str, Any]]:
    """The LRS holds each of ``lines`` exactly once, as it was sent."""
    stored = ralph.statements()
    assert sorted(s["id"] for s in stored) == ids_of(lines)
    by_id = {s["id"]: s for s in stored}
    for line in lines:
        sent = json.loads(line)
        kept = by_id[sent["id"]]
        assert {k: kept[k] for k in STORED_AS_SENT} == {k: sent[k] for k in STORED_AS_SENT}
    return stored


@pytest.mark.slow
def test_every_statement_of_a_cohort_arrives_once_as_written(ralph, cohort, tmp_path):
    out = written(tmp_path / "out", cohort)
    done = send_only(out, ralph.url + "/", "--lrs-batch", "50")
    assert done.returncode == 0, done.stderr
    assert f"{len(cohort)} xAPI statements confirmed by the LRS at {ralph.url}" in done.stdout
    assert_held_once(ralph, cohort)
    ledger = json.loads(ledger_path(out / XAPI).read_text(encoding="utf-8"))
    assert ledger["statements"] == len(cohort) and ledger["bytes"] == len(b"".join(cohort))
    assert not any(s in json.dumps(ledger) for s in ("hv0", HOME_PAGE)), "no learner in it"


@pytest.mark.slow
def test_sending_again_leaves_the_lrs_unchanged(ralph, cohort, tmp_path, send_in_process):
    out = written(tmp_path / "out", cohort)
    assert send_in_process(out, ralph.url).returncode == 0
    stored = ralph.statements()
    again = send_in_process(out, ralph.url)  # the ledger says everything was sent: nothing is
    assert again.returncode == 0 and f"all {len(cohort)} were sent" in again.stdout
    ledger_path(out / XAPI).unlink()  # no ledger: every statement is sent again
    anew = send_in_process(out, ralph.url)
    assert anew.returncode == 0, anew.stderr
    assert f"{len(cohort)} xAPI statements confirmed" in anew.stdout
    assert ralph.statements() == stored  # same statements, same times of storing


@pytest.mark.slow
def test_a_statement_the_lrs_holds_in_another_form_is_kept_and_the_rest_stored(
    ralph, cohort, tmp_path, send_in_process
):
    """Made again, a result with no submission time carries the time of the new export: same
    id, other timestamp. Ralph answers such a batch 409 Conflict as a whole; its statements
    are then sent one by one, and the LRS keeps the statement it had."""
    earlier = cohort[:20]
    out = written(tmp_path / "out", earlier)
    assert send_in_process(out, ralph.url).returncode == 0
    first = json.loads(earlier[0])
    changed = json.dumps({**first, "timestamp": "2026-12-01T00:00:00+00:00"}).encode() + b"\n"
    newcomers = cohort[20:30]
    written(out, [changed, *earlier[1:], *newcomers])
    done = send_in_process(out, ralph.url)
    assert done.returncode == 0, done.stderr
    assert "changed since it was last sent" in done.stdout
    assert "30 xAPI statements confirmed" in done.stdout
    assert "it held 1 of them already (same id) and kept its own" in done.stdout
    assert_held_once(ralph, [*earlier, *newcomers])


@pytest.mark.slow
def test_the_lrs_going_down_midway_stops_clearly_and_a_rerun_sends_only_the_rest(
    ralph, cohort, tmp_path, monkeypatch, send_in_process
):
    out = written(tmp_path / "out", cohort)
    monkeypatch.setattr(Lrs, "retry_pauses", (0.1, 0.2))
    sending = Sending(out / XAPI, Lrs.from_environment(ralph.url), batch=20)
    with pytest.raises(BdhvsError) as stopped:
        for _ in sending:
            ralph.stop()  # the LRS dies once it has confirmed the first batch
    assert f"the LRS at {ralph.url} failed 3 tries" in str(stopped.value)
    assert "20 statements are confirmed sent" in str(stopped.value)

    down = send_in_process(out, ralph.url, "--lrs-batch", "20")
    assert down.returncode == 2 and "Traceback" not in down.stderr
    assert down.stderr.count("\n") == 1, down.stderr
    assert "20 statements are confirmed sent" in down.stderr
    assert "running the same command again sends the rest" in down.stderr

    ralph.start()
    back = send_in_process(out, ralph.url, "--lrs-batch", "20")
    assert back.returncode == 0, back.stderr
    rest = len(cohort) - 20
    assert f"{rest} xAPI statements confirmed by the LRS at {ralph.url} (20 more" in back.stdout
    assert_held_once(ralph, cohort)


@pytest.mark.slow
def test_wrong_credentials_are_a_clear_error_and_send_nothing(ralph, cohort, tmp_path):
    out = written(tmp_path / "out", cohort)
    refused = run_bdhvs(
        *("records", "--out", str(out), "--lrs", ralph.url, "--send-only"),
        env={USER_ENV: USER, PASSWORD_ENV: "sai-mat-khau"},
    )
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"the LRS at {ralph.url} refused the credentials (HTTP 401" in refused.stderr
    assert f"set {USER_ENV} and {PASSWORD_ENV}" in refused.stderr
    assert "sai-mat-khau" not in refused.stderr
    assert ralph.statements() == [] and not ledger_path(out / XAPI).exists()


def test_credentials_in_the_address_or_half_given_are_refused_before_any_work(
    tmp_path, monkeypatch, capsys
):
    out = written(tmp_path / "out", cohort_lines(1))
    base = ("records", "--out", str(out), "--send-only", "--lrs")
    in_address = run_in_process(capsys, *base, "https://ten:mat-khau@lrs.example.vn/xAPI")
    assert in_address.returncode == 2 and "put no credentials in the address" in in_address.stderr
    assert "mat-khau" not in in_address.stderr
    monkeypatch.setenv(USER_ENV, USER)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    half = run_in_process(capsys, *base, "https://lrs.example.vn/xAPI")
    assert half.returncode == 2 and f"set both {USER_ENV} and {PASSWORD_ENV}" in half.stderr
    assert not ledger_path(out / XAPI).exists()


def test_bdhvs_records_sends_the_statements_it_writes(graded_course, ralph, tmp_path):
    out = tmp_path / "out"
    done = run_bdhvs(
        *("records", "--course", str(graded_course.root), "--out", str(out)),
        *("--home-page", HOME_PAGE, "--lrs", ralph.url),
        env=CREDENTIALS,
    )
    assert done.returncode == 0, done.stderr
    lines = (out / XAPI).read_bytes().splitlines(keepends=True)
    assert lines and f"{len(lines)} xAPI statements confirmed by the LRS" in done.stdout
    assert_held_once(ralph, lines)


class _Sink(BaseHTTPRequestHandler):
    """Takes every batch and counts its statements: only the sender's memory is measured."""

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received += body.count(b'"actor":')
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args: object) -> None:
        pass


def peak_memory_sending(jsonl: Path, lines: int) -> int:
    """The most memory Python held at once while sending ``lines`` lines of ``jsonl``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    server.received = 0
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        tracemalloc.start()
        sent = send_statements(jsonl, Lrs(f"http://127.0.0.1:{server.server_port}/xAPI", None))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        server.shutdown()
        server.server_close()
    assert sent.statements == server.received == lines
    return peak


def test_memory_stays_the_same_for_ten_times_the_statements(tmp_path):
    template = cohort_lines(1)[0]
    original = json.loads(template)["id"].encode()

    def file_of(lines: int) -> Path:
        """``lines`` statements, each the template with an id of its own."""
        path = tmp_path / str(lines) / XAPI
        path.parent.mkdir()
        with open(path, "wb") as handle:
            for n in range(lines):
                handle.write(template.replace(original, str(uuid.UUID(int=n)).encode()))
        return path

    small = peak_memory_sending(file_of(10_000), 10_000)
    large_file = file_of(100_000)
    large = peak_memory_sending(large_file, 100_000)
    assert large < 2 * small, (small, large)  # ten times the statements, not twice the memory
    assert large < large_file.stat().st_size / 20, (large, large_file.stat().st_size)
