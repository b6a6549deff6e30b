"""Many learners at once on a real hub (tests/hubkit.py): the load test's and the bench's code.

Every learner is a thread that does what a person's browser does, at the same moment as all the
others: asks the hub for a server with the learner's own token, waits for it by asking the hub
(as the spawn page does), lists the course's assignments, fetches one, opens the notebook,
saves an answer and submits. All requests go through the proxy. Nothing is sent anywhere but
the hub on 127.0.0.1, and every wait is bounded.

``run_load`` returns a :class:`LoadReport`: time to first notebook per learner, the hub's and
the servers' response times per kind of request, every error, each learner's submissions as
found in the exchange, and what the hub and the servers cost in CPU and memory.
"""

from __future__ import annotations

import pwd
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

from graders.hub.training import course_dir, exchange_dir

from hubkit import Hub, UserServer

ASSIGNMENT = "an_toan_so"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
POLL_SECONDS = 0.5
ANSWER = "# Bài làm của học viên"
USAGE_KINDS = ("rss", "pss", "uss", "cpu")


@dataclass
class LoadReport:
    learners: int
    wall_seconds: float = 0.0
    first_notebook: dict[str, float] = field(default_factory=dict)
    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    submissions: dict[str, int] = field(default_factory=dict)
    hub_cpu_seconds: float = 0.0
    prepare_seconds: float = 0.0
    stop_seconds: float = 0.0
    server_rss_mib: list[float] = field(default_factory=list)
    server_pss_mib: list[float] = field(default_factory=list)
    server_uss_mib: list[float] = field(default_factory=list)
    server_cpu_seconds: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, kind: str, seconds: float) -> None:
        with self._lock:
            self.timings.setdefault(kind, []).append(seconds)

    def error(self, learner: str, step: str, message: str) -> None:
        with self._lock:
            self.errors.append(f"{learner}: {step}: {message[:300]}")

    def summary(self) -> str:
        """The numbers, as lines of text for people."""
        lines = [
            f"learners: {self.learners}, wall time: {self.wall_seconds:.1f} s, "
            f"errors: {len(self.errors)}",
            f"cohort and release before: {self.prepare_seconds:.1f} s; "
            f"stopping every server after: {self.stop_seconds:.1f} s",
            "time to first notebook (s): " + _spread(list(self.first_notebook.values())),
        ]
        for kind in sorted(self.timings):
            lines.append(f"{kind} (s): " + _spread(self.timings[kind]))
        arrived = sum(1 for n in self.submissions.values() if n == 1)
        lines.append(f"submissions arrived exactly once: {arrived}/{self.learners}")
        lines.append(
            f"hub CPU: {self.hub_cpu_seconds:.1f} s "
            f"({self.hub_cpu_seconds / max(self.learners, 1):.2f} s per learner)"
        )
        if self.server_rss_mib:
            lines.append("memory of one learner's server (MiB):")
            lines.append("  RSS (counts shared pages in full): " + _spread(self.server_rss_mib))
            lines.append("  PSS (shared pages split): " + _spread(self.server_pss_mib))
            lines.append("  USS (pages of its own only): " + _spread(self.server_uss_mib))
            lines.append(
                "CPU of one learner's server, start to submit (s): "
                + _spread(self.server_cpu_seconds)
            )
        lines.extend(f"error: {e}" for e in self.errors[:20])
        return "\n".join(lines)


def _spread(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"n={len(ordered)} p50={statistics.median(ordered):.2f} p95={p95:.2f} max={ordered[-1]:.2f}"
    )


def prepare_cohort(hub: Hub, learners: int) -> tuple[str, list[str]]:
    """A cohort of ``learners`` with one instructor, who builds and releases the assignment
    (as that account, with bdhvs and nbgrader's own commands)."""
    people = hub.add_cohort(instructors=1, learners=learners, prefix="l")
    course = course_dir(hub.root, people.cohort)
    bin_dir = Path(sys.executable).parent
    instructor = people.instructors[0]
    # nbgrader finds the course's configuration in its working folder, which must be entered
    # inside the hub's mount namespace (hub.run_as enters it after the working folder is set).
    for argv in (
        [str(bin_dir / "bdhvs"), "build", "--course", str(course), ASSIGNMENT],
        [
            "sh",
            "-c",
            f"cd '{course}' && exec '{bin_dir / 'nbgrader'}' release_assignment {ASSIGNMENT}",
        ],
    ):
        done = hub.run_as(instructor, argv)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return people.cohort, people.learners


class Learner:
    """One simulated learner: a browser's requests, timed."""

    def __init__(self, hub: Hub, name: str, cohort: str, report: LoadReport) -> None:
        self.hub, self.name, self.cohort, self.report = hub, name, cohort, report
        self.token = hub.token(name)
        self.headers = {"Authorization": f"token {self.token}"}

    def _hub(self, method: str, path: str, kind: str) -> requests.Response:
        started = time.monotonic()
        response = requests.request(
            method, f"{self.hub.url}/hub/api/{path}", headers=self.headers, timeout=60
        )
        self.report.record(kind, time.monotonic() - started)
        return response

    def _server(self, server: UserServer, method: str, path: str, kind: str, **kwargs):
        started = time.monotonic()
        response = server.request(method, path, **kwargs)
        self.report.record(kind, time.monotonic() - started)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json() if response.content else None

    def stop(self, timeout: float = 120) -> None:
        """Stop the server, as the hub's "Stop My Server" button does, and wait until it is."""
        deadline = time.monotonic() + timeout
        try:
            self._hub("DELETE", f"users/{self.name}/server", "hub: stop request")
            while self._hub("GET", f"users/{self.name}", "hub: status while stopping").json()[
                "servers"
            ]:
                if time.monotonic() > deadline:
                    raise TimeoutError("the server did not stop in time")
                time.sleep(POLL_SECONDS)
        except Exception as problem:
            self.report.error(self.name, "stop", f"{type(problem).__name__}: {problem}")

    def run(self, start: threading.Event, deadline: float) -> None:
        start.wait()
        began = time.monotonic()
        step = "spawn"
        try:
            response = self._hub("POST", f"users/{self.name}/server", "hub: spawn request")
            if response.status_code not in (201, 202):
                raise RuntimeError(f"{response.status_code}: {response.text}")
            step = "wait for server"
            while True:
                model = self._hub("GET", f"users/{self.name}", "hub: server status").json()
                server = model.get("servers", {}).get("")
                if server and server.get("ready"):
                    break
                if not server and not model.get("pending"):
                    raise RuntimeError("the server stopped before it was ready")
                if time.monotonic() > deadline:
                    raise TimeoutError("the server was not ready in time")
                time.sleep(POLL_SECONDS)
            user = UserServer(self.hub, self.name, self.token)
            params = {"course_id": self.cohort, "assignment_id": ASSIGNMENT}
            step = "list"
            self._server(user, "GET", "assignments", "server: list assignments", params=params)
            step = "fetch"
            self._server(user, "POST", "assignments/fetch", "server: fetch", params=params)
            step = "open"
            model = self._server(
                user, "GET", f"api/contents/{NOTEBOOK}?content=1", "server: open notebook"
            )
            with self.report._lock:
                self.report.first_notebook[self.name] = time.monotonic() - began
            step = "save"
            notebook = model["content"]
            notebook["cells"].append(
                {
                    "cell_type": "code",
                    "metadata": {},
                    "source": ANSWER,
                    "outputs": [],
                    "execution_count": None,
                }
            )
            body = {"type": "notebook", "content": notebook}
            self._server(user, "PUT", f"api/contents/{NOTEBOOK}", "server: save", json=body)
            step = "submit"
            self._server(user, "POST", "assignments/submit", "server: submit", params=params)
        except Exception as problem:  # every failure is counted, none stops the others
            self.report.error(self.name, step, f"{type(problem).__name__}: {problem}")


def count_submissions(hub: Hub, cohort: str, learners: list[str]) -> dict[str, int]:
    """How many submissions of the assignment each learner has in the exchange's inbound."""
    inbound = exchange_dir(hub.root) / cohort / "inbound"
    names = [p.name for p in inbound.iterdir()] if inbound.is_dir() else []
    return {
        learner: sum(1 for n in names if n.startswith(f"{learner}+{ASSIGNMENT}+"))
        for learner in learners
    }


def _server_usage(learners: list[str]) -> dict[str, list[float]]:
    """Memory (MiB: RSS, PSS, USS) and CPU time so far (s) of each learner's processes: the
    server and whatever it started. PSS and USS show what forks of one warm process share."""
    uids = {}
    for name in learners:
        try:
            uids[pwd.getpwnam(name).pw_uid] = name
        except KeyError:
            continue
    usage: dict[str, dict[str, float]] = {}
    for process in psutil.process_iter(["uids", "cpu_times"]):
        info = process.info
        if not info["uids"] or info["uids"].real not in uids:
            continue
        try:
            memory = process.memory_full_info()
        except psutil.Error:  # ended meanwhile
            continue
        totals = usage.setdefault(uids[info["uids"].real], dict.fromkeys(USAGE_KINDS, 0.0))
        totals["rss"] += memory.rss / 2**20
        totals["pss"] += memory.pss / 2**20
        totals["uss"] += memory.uss / 2**20
        totals["cpu"] += sum(info["cpu_times"][:2])
    return {kind: [totals[kind] for totals in usage.values()] for kind in USAGE_KINDS}


def run_load(hub: Hub, learners: int, timeout: float) -> LoadReport:
    """``learners`` learners start at the same moment; every one is given up after
    ``timeout`` seconds. The cohort is made and the assignment released first, and every
    server is stopped at the end (both timed apart)."""
    began = time.monotonic()
    cohort, names = prepare_cohort(hub, learners)
    report = LoadReport(learners, prepare_seconds=time.monotonic() - began)
    people = [Learner(hub, name, cohort, report) for name in names]
    hub_process = psutil.Process(hub.process.pid)
    cpu_before = sum(hub_process.cpu_times()[:2])
    start = threading.Event()
    with ThreadPoolExecutor(max_workers=learners) as pool:
        began = time.monotonic()
        deadline = began + timeout
        futures = [pool.submit(person.run, start, deadline) for person in people]
        start.set()
        for future in futures:
            future.result()
        report.wall_seconds = time.monotonic() - began
        report.hub_cpu_seconds = sum(hub_process.cpu_times()[:2]) - cpu_before
        usage = _server_usage(names)
        report.server_rss_mib, report.server_pss_mib = usage["rss"], usage["pss"]
        report.server_uss_mib, report.server_cpu_seconds = usage["uss"], usage["cpu"]
        report.submissions = count_submissions(hub, cohort, names)
        stopping = time.monotonic()
        for future in [pool.submit(person.stop) for person in people]:
            future.result()
        report.stop_seconds = time.monotonic() - stopping
    return report
