"""Load on a real JupyterHub on loopback: N learners start servers, fetch and submit at once.

    sudo .venv/bin/python bench/hub_load.py --learners 60
    sudo .venv/bin/python bench/hub_load.py --learners 60 --plain   # no warm process

Prints time to first notebook, the hub's and the servers' response times (p50, p95, max), the
errors, whether every submission arrived exactly once, and what the hub and each learner's server
cost (CPU, and memory as RSS, PSS and USS). Then where one server's start spends its time: one
learner's server started alone, fresh (as a start without the warm process pays), under
``python -X importtime``, and the first kernel's start, each with wall and CPU time and the
packages that took longest to import. Needs what the hub tests need (root,
configurable-http-proxy: see tests/hubkit.py); the load's code is tests/hubload.py's, which
tests/test_hub_load.py runs with 30 learners.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hubkit import REPO, Hub, free_port, hub_session  # noqa: E402
from hubload import run_load  # noqa: E402

AS_LEARNER = "--start-profile-as-learner"  # the part that runs as the learner's account
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*([\w.]+)")
TOP_PACKAGES = 10
LISTEN_TIMEOUT = 120
KERNEL_IMPORTS = "import ipykernel.kernelapp, ipywidgets, curriculum.toolkit"


def imports_by_package(stderr: str) -> list[tuple[str, float]]:
    """``-X importtime`` lines summed by top-level package (own time, seconds), longest first."""
    own: Counter[str] = Counter()
    for match in IMPORT_LINE.finditer(stderr):
        own[match[2].split(".")[0]] += int(match[1]) / 1e6
    return own.most_common(TOP_PACKAGES)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_start(argv: list[str], env: dict[str, str], port: int) -> dict:
    """Start ``argv`` under ``-X importtime``, wait until something listens on ``port``, stop
    it: wall and CPU seconds to listening, and the imports."""
    with tempfile.TemporaryFile("w+") as errors:
        began = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-X", "importtime", *argv],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            while time.monotonic() - began < LISTEN_TIMEOUT and process.poll() is None:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
            if process.poll() is not None:
                errors.seek(0)
                log = [line for line in errors if not line.startswith("import time:")]
                raise RuntimeError(f"the server exited before listening:\n{''.join(log[-15:])}")
            wall, cpu = time.monotonic() - began, cpu_seconds(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        errors.seek(0)
        return {"wall": wall, "cpu": cpu, "imports": imports_by_package(errors.read())}


def profile_as_learner(setting: dict) -> dict:
    """Run as the learner: one server start, fresh, with the learner's configuration; then the
    imports of a kernel with what the lessons use."""
    port = setting["port"]
    env = {**setting["env"], "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    server = [
        str(Path(sys.executable).parent / "jupyterhub-singleuser"),
        "--ip=127.0.0.1",
        f"--port={port}",
    ]
    with tempfile.TemporaryDirectory() as folder:
        began = time.monotonic()
        kernel = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", KERNEL_IMPORTS],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
        )
        kernel_imports = {
            "wall": time.monotonic() - began,
            "cpu": sum(os.times()[2:4]),
            "imports": imports_by_package(kernel.stderr),
        }
    return {"server": timed_start(server, env, port), "kernel imports": kernel_imports}


def start_profile(hub: Hub) -> str:
    """Where one learner's server start spends its time, as lines of text."""
    people = hub.add_cohort(instructors=0, learners=1, prefix="p")
    name = people.learners[0]
    env = {
        "HOME": f"/home/{name}",
        "USER": name,
        "JUPYTERHUB_API_URL": f"{hub.url}/hub/api",
        "JUPYTERHUB_API_TOKEN": hub.token(name),
        "JUPYTERHUB_CLIENT_ID": f"jupyterhub-user-{name}",
        "JUPYTERHUB_USER": name,
        "JUPYTERHUB_SERVICE_PREFIX": f"/user/{name}/",
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": f"/user/{name}/oauth_callback",
        "JUPYTER_CONFIG_PATH": str(REPO / "deploy" / "jupyter" / "learner"),
        "BDHVS_COHORT": people.cohort,
        "BDHVS_ROLE": "learner",
        "BDHVS_EXCHANGE": str(hub.root / "exchange"),
    }
    port = free_port()
    env["JUPYTERHUB_SERVICE_URL"] = f"http://127.0.0.1:{port}/user/{name}/"
    setting = json.dumps({"port": port, "env": env})
    done = hub.run_as(name, [sys.executable, __file__, AS_LEARNER, setting])
    if done.returncode != 0:
        return f"start profile failed:\n{done.stderr[-2000:]}"
    lines = []
    for part, found in json.loads(done.stdout).items():
        lines.append(f"{part}: wall {found['wall']:.2f} s, CPU {found['cpu']:.2f} s; imports:")
        lines.extend(f"  {seconds:6.2f} s  {package}" for package, seconds in found["imports"])
    return "\n".join(lines)


def main() -> int:
    if sys.argv[1:2] == [AS_LEARNER]:
        print(json.dumps(profile_as_learner(json.loads(sys.argv[2]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30, help="learners at once (30)")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds before a learner is given up (600)"
    )
    parser.add_argument(
        "--plain", action="store_true", help="start each server fresh, without the warm process"
    )
    args = parser.parse_args()
    if args.learners < 1:
        parser.error("--learners must be at least 1")
    settings = {"START_TIMEOUT": str(int(args.timeout)), "WARM_START": "0" if args.plain else "1"}
    with hub_session(**settings) as hub:
        report = run_load(hub, args.learners, timeout=args.timeout)
        print(report.summary())
        print("where a fresh start of one learner's server spends its time (the hub idle):")
        print(start_profile(hub))
    complete = all(n == 1 for n in report.submissions.values())
    return 0 if not report.errors and complete else 1


if __name__ == "__main__":
    sys.exit(main())
