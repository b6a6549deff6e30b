"""Warm starts (graders/hub/zygote.py): each server forked from root's warm process is the
user's, alone, and works as a freshly started one does.

The forked server must run with the user's ids, groups and limits, hold no descriptor of the
warm process or the hub beyond the log it writes to, and find the warm process's socket out of
reach; learners must still be closed to each other. A learner logs in, lands on the start page,
runs a kernel, fetches and submits, in both ways of starting (warm and plain); stopping leaves
no process and no zombie.
"""

from __future__ import annotations

import os
import pwd
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from hubkit import Hub, hub_session
from hubload import ASSIGNMENT, count_submissions, prepare_cohort

pytestmark = pytest.mark.hub

START_PAGE = "/lab/tree/curriculum/bat_dau.ipynb"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
ZYGOTE_MODULE = "graders.hub.zygote"


def processes_of(uid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except FileNotFoundError:
                continue
    return found


def status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def descriptors(pid: int) -> dict[int, str]:
    """What each open descriptor of ``pid`` points to."""
    targets = {}
    for entry in os.scandir(f"/proc/{pid}/fd"):
        try:
            targets[int(entry.name)] = os.readlink(entry.path)
        except OSError:
            continue
    return targets


def warm_process(hub: Hub) -> tuple[int, str]:
    """The warm process's id and its socket's path."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if ZYGOTE_MODULE.encode() in argv:
            return int(entry.name), argv[argv.index(ZYGOTE_MODULE.encode()) + 1].decode()
    raise LookupError("no warm process")


def server_pid(name: str) -> int:
    """The user's server: the process of the account whose parent is not the account's."""
    uid = pwd.getpwnam(name).pw_uid
    (pid,) = [p for p in processes_of(uid) if int(status(p)["PPid"]) not in processes_of(uid)]
    return pid


@pytest.fixture(scope="module")
def warm():
    with hub_session(WARM_START="1") as hub:
        cohort, learners = prepare_cohort(hub, 2)
        servers = hub.start_servers(learners)
        yield hub, cohort, learners, servers


def test_a_warm_server_is_the_users_with_the_limits_and_nothing_of_root(warm):
    hub, _, learners, _ = warm
    name = learners[0]
    account = pwd.getpwnam(name)
    pid = server_pid(name)
    seen = status(pid)
    assert seen["Uid"].split() == [str(account.pw_uid)] * 4
    assert seen["Gid"].split() == [str(account.pw_gid)] * 4
    assert sorted(int(g) for g in seen["Groups"].split()) == sorted(
        set(os.getgrouplist(name, account.pw_gid))
    )
    assert seen["Umask"] == "0077"
    assert seen["CapEff"] == "0000000000000000"
    assert int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16]) == 5  # nice
    limits = Path(f"/proc/{pid}/limits").read_text()
    assert f"Max processes             {256:<21}{256:<21}" in limits
    assert f"Max address space         {2 << 30:<21}{2 << 30:<21}" in limits
    assert os.readlink(f"/proc/{pid}/cwd") == account.pw_dir
    # The initial environment block a fork keeps is the warm process's: nothing of the hub's.
    initial = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert {entry.split(b"=")[0] for entry in initial if entry} <= {b"PATH", b"LANG"}


def test_a_warm_server_holds_no_descriptor_of_the_warm_process_or_the_hub(warm):
    hub, _, learners, _ = warm
    pid = server_pid(learners[0])
    own = descriptors(pid)
    assert own[0] == "/dev/null"
    zygote, _ = warm_process(hub)
    others = {*descriptors(zygote).values(), *descriptors(hub.process.pid).values()}
    shared = {
        fd: target
        for fd, target in own.items()
        if fd > 2 and target in others and not target.startswith("anon_inode:")
    }
    assert shared == {}


def test_a_learner_cannot_reach_the_warm_process(warm):
    hub, _, learners, servers = warm
    _, path = warm_process(hub)
    listing = hub.run_as(learners[0], ["ls", str(Path(path).parent)])
    assert listing.returncode != 0 and "Permission denied" in listing.stderr
    kernel = servers[learners[0]].kernel("thu.ipynb")
    try:
        attempt = kernel.run(
            "import socket\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            f"try:\n    s.connect({path!r})\nexcept OSError as e:\n    print(type(e).__name__)"
        )
    finally:
        kernel.close()
    assert attempt.stdout.strip() == "PermissionError"


def test_warm_learners_cannot_read_each_others_files(warm):
    hub, _, (owner, spy), servers = warm
    servers[owner].ok(
        "PUT",
        "api/contents/rieng.txt",
        json={"type": "file", "format": "text", "content": "của riêng tôi"},
    )
    attempt = hub.run_as(spy, ["cat", f"/home/{owner}/rieng.txt"])
    assert attempt.returncode != 0 and "Permission denied" in attempt.stderr


@pytest.mark.parametrize("warm_start", ["1", "0"], ids=["warm", "plain"])
def test_a_learner_lands_runs_a_kernel_fetches_submits_and_stops(warm_start):
    with hub_session(WARM_START=warm_start) as hub:
        cohort, (learner,) = prepare_cohort(hub, 1)
        server = hub.start_server(learner)
        landing = server.get("", allow_redirects=False)
        assert urlsplit(landing.headers["Location"]).path.endswith("/bat-dau")
        start = server.get("bat-dau", allow_redirects=False, headers={"User-Agent": DESKTOP})
        assert urlsplit(start.headers["Location"]).path.endswith(START_PAGE)
        assert server.get("voila/render/curriculum/bat_dau.ipynb").status_code == 200  # phones
        kernel = server.kernel("curriculum/bat_dau.ipynb")
        try:
            assert kernel.run("print(6 * 7)").stdout == "42\n"
        finally:
            kernel.close()
        server.nbgrader("fetch", course_id=cohort, assignment_id=ASSIGNMENT)
        server.nbgrader("submit", course_id=cohort, assignment_id=ASSIGNMENT)
        assert count_submissions(hub, cohort, [learner]) == {learner: 1}

        pid = server_pid(learner)
        hub.stop_server(learner)
        assert not hub.server_running(learner)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)  # gone, and reaped: not even a zombie is left
        assert not Path(f"/proc/{pid}").exists()
        again = hub.start_server(learner)  # a learner starts again after a stop
        assert again.get("api/status").status_code == 200
