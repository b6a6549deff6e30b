"""A training session on a real JupyterHub (deploy/jupyterhub_config.py), on loopback.

One instructor and two learners of a cohort, plus a learner of another cohort, all system
accounts. Everything goes through the proxy to the hub and to each user's own server: the
instructor builds and releases an assignment, both learners fetch it, answer in their kernels
(one by clicking widgets over the kernel's websocket, as JupyterLab does), validate and submit;
the instructor collects, grades with ``bdhvs grade``, generates and releases feedback; the
learners fetch their feedback; ``bdhvs records`` lists both. Then what each account may read is
tried as that account.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders.demo.synthetic import solution_text
from graders.hub.training import course_dir, exchange_dir

from browser import PHONE_AGENT
from hubkit import Hub, Kernel, UserServer, hub_session

pytestmark = pytest.mark.hub

ASSIGNMENT = "an_toan_so"
DESKTOP_BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
PATH = f"{ASSIGNMENT}/{NOTEBOOK}"
ANSWER_FILE = f"{ASSIGNMENT}.answers.json"
WIDGET_TESTS = ("cau_1_kiem_tra", "cau_3_kiem_tra", "cau_9_kiem_tra")


@dataclass
class Session:
    hub: Hub
    cohort: str
    instructor: str
    clicker: str  # answers every question, widgets included
    typist: str  # writes the written answer, never touches a widget
    outsider: str  # a learner of another cohort
    servers: dict[str, UserServer]
    steps: dict[str, dict]  # what each instructor step answered
    records_csv: str
    feedback: dict[str, list[str]]

    @property
    def course(self) -> Path:
        return course_dir(self.hub.root, self.cohort)

    @property
    def exchange(self) -> Path:
        return exchange_dir(self.hub.root) / self.cohort


def written_answers(source: Path) -> dict[str, str]:
    """The model answers of the written items, as a learner would type them."""
    answers = {}
    for cell in nbformat.read(source, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade") and cell.cell_type == "markdown":
            answers[meta["grade_id"]] = solution_text(cell.source)
    return answers


def shell(kernel: Kernel, *argv: str) -> dict:
    """Run a command from the instructor's kernel, as a ``!`` line in a notebook would."""
    code = (
        "import json, subprocess\n"
        f"_r = subprocess.run({list(argv)!r}, capture_output=True, text=True)\n"
        "print(json.dumps({'code': _r.returncode, 'out': _r.stdout, 'err': _r.stderr}))\n"
    )
    result = kernel.run(code, timeout=300)
    assert result.error is None, result.error
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["code"] == 0, f"{argv}: {outcome['err'][-3000:]}"
    return outcome


def widget(kernel: Kernel, model: str, label_start: str) -> tuple[str, int | None]:
    """The comm id of the widget showing ``label_start`` (and the option's index for radios)."""
    for comm_id, state in kernel.models.items():
        if state.get("_model_name") != model:
            continue
        if model == "CheckboxModel" and state.get("description", "").startswith(label_start):
            return comm_id, None
        for index, label in enumerate(state.get("_options_labels", [])):
            if label.startswith(label_start):
                return comm_id, index
    raise LookupError(f"no {model} labelled {label_start!r}")


def click_answers(kernel: Kernel) -> None:
    comm_id, index = widget(kernel, "RadioButtonsModel", "B. Dùng một cụm")  # question 1
    kernel.send_comm_update(comm_id, {"index": index})
    for letter in "bdf":  # question 3
        comm_id, _ = widget(kernel, "CheckboxModel", f"{letter})")
        kernel.send_comm_update(comm_id, {"value": True})
    comm_id, index = widget(kernel, "RadioButtonsModel", "C. Cúp máy")  # question 9
    kernel.send_comm_update(comm_id, {"index": index})
    kernel.run("pass")  # the kernel has handled every click once this returns


def work(server: UserServer, answers: dict[str, str], click: bool) -> None:
    """Type the answers into the fetched notebook, run it in a kernel, click, save."""
    notebook = server.read_notebook(PATH)
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    kernel = server.kernel(PATH)
    try:
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                kernel.run(cell["source"])
        if click:
            click_answers(kernel)
    finally:
        kernel.close()
    server.save_notebook(PATH, notebook)


def wait_for_file(server: UserServer, path: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = server.get(f"api/contents/{path}?content=1&type=file&format=text")
        if response.status_code == 200:
            return response.json()
        time.sleep(0.2)
    raise AssertionError(f"{server.name}: {path} never appeared")


@pytest.fixture(scope="module")
def session():
    with hub_session() as hub:
        people = hub.add_cohort(instructors=1, learners=2)
        other = hub.add_cohort(instructors=0, learners=1)
        instructor, (clicker, typist) = people.instructors[0], people.learners
        servers = hub.start_servers([instructor, clicker, typist])
        course = course_dir(hub.root, people.cohort)
        gv = servers[instructor]
        steps: dict[str, dict] = {}

        desk = gv.kernel("bang_diem.ipynb")  # a notebook in the course folder
        try:
            shell(desk, "bdhvs", "build", "--course", str(course), ASSIGNMENT)
            steps["release"] = gv.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release")

            answers = written_answers(course / "source" / ASSIGNMENT / NOTEBOOK)
            for learner, click in ((clicker, True), (typist, False)):
                server = servers[learner]
                server.nbgrader("fetch", course_id=people.cohort, assignment_id=ASSIGNMENT)
                work(server, answers, click)
            steps["answers"] = wait_for_file(servers[clicker], f"{ASSIGNMENT}/{ANSWER_FILE}")
            steps["validate"] = servers[typist].ok(
                "POST", "assignments/validate", params={"path": PATH}
            )
            for learner in (clicker, typist):
                servers[learner].nbgrader(
                    "submit", course_id=people.cohort, assignment_id=ASSIGNMENT
                )

            steps["collect"] = gv.ok("POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")
            steps["grade"] = shell(
                desk, "bdhvs", "grade", "--course", str(course), ASSIGNMENT, "--quiet"
            )
            steps["generate_feedback"] = gv.ok(
                "POST", f"formgrader/api/assignment/{ASSIGNMENT}/generate_feedback"
            )
            steps["release_feedback"] = gv.ok(
                "POST", f"formgrader/api/assignment/{ASSIGNMENT}/release_feedback"
            )
            feedback = {}
            for learner in (clicker, typist):
                servers[learner].nbgrader(
                    "fetch_feedback", course_id=people.cohort, assignment_id=ASSIGNMENT
                )
                listing = servers[learner].ok("GET", f"api/contents/{ASSIGNMENT}/feedback")
                feedback[learner] = [
                    f"{stamp['path']}/{NOTEBOOK.replace('.ipynb', '.html')}"
                    for stamp in listing["content"]
                ]
            results = course / "ket_qua"
            shell(desk, "bdhvs", "records", "--course", str(course), "--out", str(results))
            records_csv = gv.ok("GET", "api/contents/ket_qua/records.csv?type=file&format=text")
        finally:
            desk.close()
        yield Session(
            hub,
            people.cohort,
            instructor,
            clicker,
            typist,
            other.learners[0],
            servers,
            steps,
            records_csv["content"],
            feedback,
        )


def scores(session: Session, learner: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{session.course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, learner)
        return {g.name: g.score for nb in submission.notebooks for g in nb.grades}


def test_hub_servers_get_the_extensions_of_their_role(session):
    gv = session.servers[session.instructor]
    hv = session.servers[session.clicker]
    assert gv.get("formgrader/api/assignments").status_code == 200
    assert gv.get(f"assignments?course_id={session.cohort}").status_code == 404
    assert hv.get("formgrader/api/assignments").status_code == 404
    assert hv.get(f"assignments?course_id={session.cohort}").status_code == 200
    assert {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
    } <= disabled_plugins(hv)
    assert "@jupyter/nbgrader:assignment-list" in disabled_plugins(gv)
    assert not {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
    } & disabled_plugins(gv)


def test_hub_learners_land_on_their_start_page_and_instructors_on_lab(session):
    hv = session.servers[session.clicker]
    gv = session.servers[session.instructor]
    landing = hv.get("", allow_redirects=False)
    assert landing.status_code == 302
    assert urlsplit(landing.headers["Location"]).path.endswith("/bat-dau")
    for agent, front in ((DESKTOP_BROWSER, "lab/tree"), (PHONE_AGENT, "voila/render")):
        start = hv.get("bat-dau", allow_redirects=False, headers={"User-Agent": agent})
        assert start.status_code == 302
        path = urlsplit(start.headers["Location"]).path
        assert path == f"/user/{session.clicker}/{front}/curriculum/bat_dau.ipynb", path
    assert hv.get("voila/render/curriculum/bat_dau.ipynb").status_code == 200
    instructor_landing = gv.get("", allow_redirects=False).headers["Location"]
    assert urlsplit(instructor_landing).path.endswith("/lab")
    # The learner's own copy of the lessons, made at their first start.
    lessons = hv.ok("GET", "api/contents/curriculum/modules")
    assert {entry["name"] for entry in lessons["content"]} >= {ASSIGNMENT}
    start = hv.kernel("curriculum/bat_dau.ipynb")
    try:
        found = start.run(
            "from pathlib import Path\n"
            "from curriculum.toolkit.journey import find_assignment\n"
            f"print(find_assignment({ASSIGNMENT!r}, Path.cwd()))"
        )
    finally:
        start.close()
    assert found.error is None, found.error
    assert found.stdout.strip().endswith(f"/{PATH}"), found.stdout  # the fetched copy
    lesson = hv.kernel(f"curriculum/modules/{ASSIGNMENT}/{NOTEBOOK}")
    try:
        shown = lesson.run(
            "from curriculum.toolkit.start_page import lesson_next_step\n"
            f"lesson_next_step({ASSIGNMENT!r})"
        )
    finally:
        lesson.close()
    markup = json.dumps(shown.data)
    assert f'href=\\"../../../{PATH}\\"' in markup, markup
    assert 'href=\\"../../bat_dau.ipynb\\"' in markup, markup


def disabled_plugins(server: UserServer) -> set[str]:
    """The JupyterLab plugins the server tells the browser to leave out."""
    page = server.get("lab").text
    start = page.index('<script id="jupyter-config-data" type="application/json">')
    data = page[page.index(">", start) + 1 : page.index("</script>", start)]
    return set(json.loads(data)["disabledExtensions"])


def test_hub_release_collect_and_feedback_succeed_through_formgrader(session):
    for step in ("release", "collect", "generate_feedback", "release_feedback"):
        assert session.steps[step]["success"], session.steps[step]
    collected = session.course / "submitted"
    assert sorted(p.name for p in collected.iterdir()) == sorted([session.clicker, session.typist])


def test_hub_learner_can_validate_a_fetched_notebook(session):
    assert session.steps["validate"]["success"], session.steps["validate"]


def test_hub_widget_clicks_earn_their_points_and_nothing_is_given_without_them(session):
    answers = json.loads(session.steps["answers"]["content"])["answers"]
    assert answers["cau_1"]["value"] == "B"
    assert sorted(answers["cau_3"]["value"]) == ["b", "d", "f"]
    clicked, typed = scores(session, session.clicker), scores(session, session.typist)
    for test_cell in WIDGET_TESTS:
        assert clicked[test_cell] > 0, test_cell
        assert typed[test_cell] == 0, test_cell
    assert all(score == 0 for name, score in typed.items() if name.endswith("_kiem_tra"))


def test_hub_learners_fetch_their_own_feedback(session):
    for learner in (session.clicker, session.typist):
        assert len(session.feedback[learner]) == 1, session.feedback
        page = session.servers[learner].ok(
            "GET", f"api/contents/{session.feedback[learner][0]}?type=file&format=text"
        )["content"]
        assert ASSIGNMENT in page


def test_hub_records_list_both_learners(session):
    rows = list(csv.DictReader(io.StringIO(session.records_csv)))
    learners = {row.get("learner") for row in rows}
    assert {session.clicker, session.typist} <= learners, rows[:2]


def _submission_of(session: Session, learner: str) -> Path:
    inbound = session.exchange / "inbound"
    (folder,) = [p for p in inbound.iterdir() if p.name.startswith(f"{learner}+")]
    return folder


def test_hub_a_learner_cannot_read_or_alter_another_learners_submission(session):
    hub, spy = session.hub, session.typist
    victim = _submission_of(session, session.clicker)
    for folder in ("inbound", "feedback"):  # nobody else's names to be found
        listing = hub.run_as(spy, ["ls", str(session.exchange / folder)])
        assert listing.returncode != 0 and "Permission denied" in listing.stderr
    # even knowing the folder's secret name
    read = hub.run_as(spy, ["cat", str(victim / NOTEBOOK)])
    assert read.returncode != 0 and "Permission denied" in read.stderr
    replace = hub.run_as(spy, ["cp", "/etc/hostname", str(victim / "evil.txt")])
    assert replace.returncode != 0
    remove = hub.run_as(spy, ["rm", "-rf", str(victim)])
    assert remove.returncode != 0 and victim.exists()
    # while the cohort's instructor reads it through the group, as collecting did
    own = hub.run_as(session.instructor, ["cat", str(victim / NOTEBOOK)])
    assert own.returncode == 0 and own.stdout


def test_hub_a_learner_cannot_read_the_course_its_sources_or_another_home(session):
    hub, spy = session.hub, session.typist
    source = session.course / "source" / ASSIGNMENT / NOTEBOOK
    assert source.exists()
    for argv in (
        ["cat", str(source)],
        ["ls", str(session.course)],
        ["cat", str(session.course / "gradebook.db")],
        ["ls", f"/home/{session.clicker}"],
    ):
        attempt = hub.run_as(spy, argv)
        assert attempt.returncode != 0 and "Permission denied" in attempt.stderr, argv
    allowed = hub.run_as(session.instructor, ["cat", str(source)])
    assert allowed.returncode == 0 and "BEGIN SOLUTION" in allowed.stdout


def test_hub_another_cohort_sees_nothing_of_this_cohorts_exchange(session):
    attempt = session.hub.run_as(session.outsider, ["ls", str(session.exchange / "outbound")])
    assert attempt.returncode != 0 and "Permission denied" in attempt.stderr
    member = session.hub.run_as(session.typist, ["ls", str(session.exchange / "outbound")])
    assert member.returncode == 0 and ASSIGNMENT in member.stdout


def test_hub_learner_servers_run_under_the_configured_limits(session):
    kernel = session.servers[session.typist].kernel("gioi_han.ipynb")
    try:
        probe = kernel.run(
            "import resource\n"
            "print(resource.getrlimit(resource.RLIMIT_AS)[1], "
            "resource.getrlimit(resource.RLIMIT_NPROC)[1])"
        )
        assert probe.stdout.split() == [str(2 << 30), "256"]
        hog = kernel.run("block = bytearray(3 << 30)")
        assert hog.error is not None and hog.error[0] == "MemoryError"
    finally:
        kernel.close()


def test_hub_idle_culler_stops_a_server_nobody_uses():
    with hub_session(CULL_TIMEOUT="10", CULL_EVERY="5") as hub:
        learner = hub.add_cohort(instructors=0, learners=1).learners[0]
        server = hub.start_server(learner)
        server.ok(
            "PUT",
            "api/contents/ghi_chu.txt",
            json={"type": "file", "format": "text", "content": "còn đây"},
        )
        deadline = time.monotonic() + 120
        while hub.server_running(learner) and time.monotonic() < deadline:
            time.sleep(1)
        assert not hub.server_running(learner)
        assert f"Culling server {learner}" in hub.log_path.read_text(encoding="utf-8")
        kept = hub.run_as(learner, ["cat", f"/home/{learner}/ghi_chu.txt"])
        assert kept.stdout == "còn đây"
