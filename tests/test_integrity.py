"""Integrity findings on a real nbgrader course: copied work, fast completions, manual grades.

The cohort answers an assignment with code, widget and written items (the digital safety
assignment as it was before its items became code-free, kept in tests/fixtures/integrity: code
is now asked for only in the elective programming module, where copying matters just as much)
and is graded by ``bdhvs grade``:
``hv_a`` writes wrong code and a long message of their own, ``hv_b`` copies them with renamed
variables, other line breaks and spacing (the message typed into the box under its question,
which keeps it in the answer file); four honest learners give the model answers, the
same short correct answers in a form of their own, and two of them messages of their own;
``hv_nhanh`` submits two minutes after the first answer. Manual grades go through a real formgrader.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

import nbformat
import pytest
from nbgrader.api import Gradebook

from curriculum.toolkit.answers import AnswerSheet
from graders.course.directory import Course
from graders.demo.synthetic import solution_text
from graders.gradebook.database import normalise
from graders.grading.grade import grade
from graders.integrity.audit import manual_changes
from graders.integrity.findings import check_integrity, model_choices
from graders.integrity.similarity import Item, near_identical
from graders.privacy.forget import forget_learner
from graders.report.page import write_report

from conftest import run_bdhvs, submit
from gradekit import TINY, built_copy, submit_tiny, tiny_course

REAL = "an_toan_so"
FIXTURE = Path(__file__).parent / "fixtures" / "integrity"
NOTEBOOK = f"{REAL}.ipynb"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

OWN_CODE = {
    "cau_2_dap_an": "so_to_hop = 7776 * 4",
    "cau_4_dap_an": "tin_lua_dao = {1, 3, 4, 5, 6}",
    "cau_7_dap_an": (
        "import re\n\n\ndef che_so_dien_thoai(van_ban):\n"
        "    ket_qua = van_ban\n"
        "    for so in re.findall(r'0\\d{9}', van_ban):\n"
        "        ket_qua = ket_qua.replace(so, '#' * 10)\n"
        "    return ket_qua\n"
    ),
    "cau_8_dap_an": (
        "def kiem_tra_mat_khau(mat_khau):\n"
        "    dem_chu = 0\n"
        "    for ky_tu in mat_khau:\n"
        "        if ky_tu.isalpha():\n"
        "            dem_chu = dem_chu + 1\n"
        "    if dem_chu < 4 or len(mat_khau) < 10:\n"
        "        return False\n"
        "    return 'matkhau' not in mat_khau\n"
    ),
    "cau_10_bai_viet": (
        "Bác ơi, cháu nghĩ bác nên hỏi lại người gọi xem họ ở đồn công an nào, rồi bác "
        "gọi số tổng đài của ngân hàng để hỏi xem tài khoản tạm giữ có thật không. Nếu "
        "ngân hàng bảo có thì bác chuyển một ít trước để thử, còn lại để cháu về rồi tính."
    ),
}
# The same work, copied: other names, other spacing and line breaks, the same mistakes.
COPIED_CODE = {
    "cau_2_dap_an": "so_to_hop=7776*4",
    "cau_4_dap_an": "tin_lua_dao = {1,3,4,5,6}",
    "cau_7_dap_an": (
        "import re\n\ndef che_so_dien_thoai(van_ban):\n"
        "    kq = van_ban\n"
        "    for s in re.findall(r'0\\d{9}',  van_ban):\n"
        "        kq = kq.replace(s, '#'*10)\n"
        "    return kq"
    ),
    "cau_8_dap_an": (
        "def kiem_tra_mat_khau(mat_khau):\n"
        "    n = 0\n"
        "    for c in mat_khau:\n"
        "        if c.isalpha():\n"
        "            n = n + 1  # đếm chữ cái\n"
        "    if n < 4 or len(mat_khau) < 10:\n"
        "        return False\n"
        "    return 'matkhau' not in mat_khau"
    ),
    "cau_10_bai_viet": (
        "Bác ơi,  cháu nghĩ bác nên hỏi lại người gọi xem họ ở đồn công an nào,\n"
        "rồi bác gọi số tổng đài của ngân hàng để hỏi xem tài khoản tạm giữ có thật "
        "không.\n\nNếu ngân hàng bảo có thì bác chuyển một ít trước để thử, còn lại để "
        "cháu về rồi tính."
    ),
}
# Short correct answers honest learners converge on, not written as the model writes them.
CONVENTIONAL = {
    "cau_2_dap_an": "so_to_hop = 7776 * 7776 * 7776 * 7776",
    "cau_4_dap_an": "tin_lua_dao = {6, 5, 3, 1}",
    "cau_5_dap_an": "du_lieu_nhay_cam = [3, 4, 6, 7]",
}
HONEST_MESSAGES = {
    "hv_c": "Bác Tư đừng chuyển tiền. Công an không bao giờ bắt dân chuyển tiền qua điện thoại.",
    "hv_d": "Bác ơi đây là lừa đảo, bác tắt máy đi, chiều cháu sang đưa bác ra công an xã.",
    "hv_e": None,  # hv_e and hv_f leave the model message: their only own work is the
    "hv_f": None,  # conventional short answers, which they share
}
WRONG_CHOICES = {"cau_1": "C", "cau_3": ["b", "c", "d"], "cau_9": "D"}
MINUTES = {"hv_a": 48, "hv_b": 55, "hv_c": 41, "hv_d": 62, "hv_e": 37, "hv_f": 50}
FAST_SECONDS = 95


def source_notebook(course: Course) -> nbformat.NotebookNode:
    return nbformat.read(course.source_dir / REAL / NOTEBOOK, as_version=4)


def model_widget_answers(course: Course) -> dict:
    answers = {}
    for cell in source_notebook(course).cells:
        if cell.cell_type == "code":
            answers.update(model_choices(solution_text(cell.source)))
    return answers


def submission(course: Course, answers: dict[str, str]) -> str:
    """The release, with the model answer in every solution cell that sets no widget answer,
    except the cells given in ``answers``; widget answers go into the answer file."""
    model = {
        c.metadata["nbgrader"]["grade_id"]: solution_text(c.source)
        for c in source_notebook(course).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = nbformat.read(course.release_dir / REAL / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        if grade_id in answers:
            cell.source = answers[grade_id]
        elif "set_answer" not in model[grade_id]:
            cell.source = model[grade_id]
    return nbformat.writes(nb)


def hand_in(course, learner, answers, choices, started, seconds):
    """Submit as nbgrader's exchange would: notebook, answer file and timestamp.txt."""
    folder = submit(course, learner, REAL, {NOTEBOOK: submission(course, answers)})
    sheet = AnswerSheet(REAL, folder)
    for qid, value in choices.items():
        sheet.record(qid, value)
    document = json.loads(sheet.path.read_text(encoding="utf-8"))
    document["started"] = started.isoformat()
    sheet.path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    stamp = (started + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Course:
    base = tmp_path_factory.mktemp("integrity")
    shutil.copytree(FIXTURE / REAL, base / "sources" / REAL)
    course = built_copy(base / "course", [REAL], base / "sources")
    right = model_widget_answers(course)
    hand_in(course, "hv_a", OWN_CODE, WRONG_CHOICES, START, 60 * MINUTES["hv_a"])
    # hv_b types the copied message into the box under the question, as on a phone
    copied = {cell: code for cell, code in COPIED_CODE.items() if cell != "cau_10_bai_viet"}
    typed = {**WRONG_CHOICES, "cau_10_bai_viet": COPIED_CODE["cau_10_bai_viet"]}
    hand_in(course, "hv_b", copied, typed, START, 60 * MINUTES["hv_b"])
    for learner, message in HONEST_MESSAGES.items():
        answers = {**CONVENTIONAL, **({"cau_10_bai_viet": message} if message else {})}
        hand_in(course, learner, answers, right, START, 60 * MINUTES[learner])
    hand_in(course, "hv_nhanh", {}, right, START, FAST_SECONDS)
    grade(course, REAL, progress=False)
    return course


def test_copied_code_and_message_are_one_group_and_honest_learners_are_not_flagged(cohort):
    (result,) = check_integrity(cohort).assignments
    assert result.learners == 7
    assert [group.learners for group in result.groups] == [("hv_a", "hv_b")]
    (pair,) = result.groups[0].pairs
    assert pair.score >= 0.8
    for item in ("cau_7_dap_an", "cau_8_dap_an", "cau_10_bai_viet"):
        assert pair.items.get(f"{REAL}/{item}", 0) >= 1, item


def test_shared_short_answers_count_only_when_they_lost_points():
    tokens = "so_to_hop = 7776 * 4"
    answers = {name: [Item("nb/cau_2", "code", tokens)] for name in ("x", "y")}
    answers["x"].append(Item("nb/cau_4", "code", "tin = {1, 3, 4, 5, 6}"))
    answers["y"].append(Item("nb/cau_4", "code", "tin={1,3,4,5,6}"))
    answers["x"].append(Item("q.answers/cau_1", "choice", ("cau_1", "C")))
    answers["y"].append(Item("q.answers/cau_1", "choice", ("cau_1", "C")))
    assert near_identical(answers) == []  # correct or ungraded: short answers are no evidence
    wrong = {(learner, key) for learner in answers for key in ("nb/cau_2", "q.answers/cau_1")}
    assert near_identical(answers, lost_points=wrong) == []  # too little evidence yet
    wrong |= {(learner, "nb/cau_4") for learner in answers}
    for n in range(3):
        key = f"nb/extra_{n}"
        for learner in answers:
            answers[learner].append(Item(key, "code", f"v = {n} + 1"))
            wrong.add((learner, key))
    (group,) = near_identical(answers, lost_points=wrong)
    assert group.learners == ("x", "y")


def test_a_fingerprint_most_of_a_large_cohort_shares_is_no_evidence():
    text = " ".join(f"từ{n}" for n in range(40))
    answers = {f"hv{n:03d}": [Item("nb/bai_viet", "text", text)] for n in range(200)}
    assert near_identical(answers) == []
    answers["hv000"] = answers["hv001"] = [Item("nb/bai_viet", "text", text + " riêng")]
    assert near_identical(answers) == []  # what two share beyond the crowd is too little


def test_fast_completion_is_flagged_and_normal_ones_are_not(cohort):
    (result,) = check_integrity(cohort, [REAL]).assignments
    assert result.timed == 7
    assert [fast.learner for fast in result.fast] == ["hv_nhanh"]
    (fast,) = result.fast
    assert fast.seconds == FAST_SECONDS and fast.source == "answers"
    assert fast.seconds < fast.floor
    assert fast.median == median([FAST_SECONDS] + [60 * m for m in MINUTES.values()])


def test_answer_file_keeps_the_time_of_its_first_answer(tmp_path):
    sheet = AnswerSheet("bai", tmp_path)
    sheet.record("cau_1", "A")
    first = json.loads(sheet.path.read_text(encoding="utf-8"))
    assert first["started"] == first["answers"]["cau_1"]["at"]
    document = {**first, "started": "2026-01-01T08:00:00+07:00"}
    sheet.path.write_text(json.dumps(document), encoding="utf-8")
    sheet.record("cau_2", "B")
    later = json.loads(sheet.path.read_text(encoding="utf-8"))
    assert later["started"] == "2026-01-01T08:00:00+07:00"
    assert sheet.get("cau_1").value == "A" and sheet.get("cau_2").value == "B"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url: str, token: str, method: str = "GET", body: dict | None = None) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


@pytest.fixture
def formgrader(cohort, tmp_path):
    """A real Jupyter server with nbgrader's formgrader, serving the course as an instructor's
    JupyterHub server would (``JUPYTERHUB_USER`` names the instructor)."""
    port, token = _free_port(), "integrity-test-token"
    env = {
        **os.environ,
        "JUPYTERHUB_USER": "gv_kiem_tra",
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    command = [
        str(Path(sys.executable).parent / "jupyter-server"),
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={cohort.root}",
    ]
    with open(tmp_path / "server.log", "wb") as log:
        server = subprocess.Popen(command, cwd=cohort.root, env=env, stdout=log, stderr=log)
        try:
            yield _wait_until_up(f"http://127.0.0.1:{port}", token, server, tmp_path), token
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_up(base: str, token: str, server: subprocess.Popen, logs: Path) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            _request(f"{base}/formgrader/api/status", token)
            return base
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail((logs / "server.log").read_text(errors="replace")[-3000:])
            time.sleep(0.2)


def _grade_id(course: Course, learner: str, cell: str) -> str:
    with Gradebook(course.db_url) as gradebook:
        return gradebook.find_grade(cell, REAL, REAL, learner).id


def test_formgrader_manual_grade_is_recorded_with_who_when_and_from_what(cohort, formgrader):
    base, token = formgrader
    grade_id = _grade_id(cohort, "hv_c", "cau_10_bai_viet")
    before = datetime.now(UTC)
    answer = _request(
        f"{base}/formgrader/api/grade/{grade_id}",
        token,
        "PUT",
        {"manual_score": 2.5, "extra_credit": 0.5},
    )
    assert json.loads(answer)["manual_score"] == 2.5
    (change,) = [c for c in manual_changes(cohort.db_url) if c.learner == "hv_c"]
    assert (change.assignment, change.notebook, change.cell) == (REAL, REAL, "cau_10_bai_viet")
    assert (change.old_manual_score, change.new_manual_score) == (None, 2.5)
    assert (change.old_extra_credit, change.new_extra_credit) == (None, 0.5)
    assert change.actor == "gv_kiem_tra" and change.program == "jupyter-server"
    changed_at = datetime.fromisoformat(change.changed_at.replace("Z", "+00:00"))
    assert before - timedelta(seconds=2) <= changed_at <= datetime.now(UTC)


def test_a_change_made_straight_in_the_database_is_still_recorded(cohort):
    grade_id = _grade_id(cohort, "hv_d", "cau_10_bai_viet")
    with sqlite3.connect(cohort.root / "gradebook.db") as db:
        db.execute("UPDATE grade SET manual_score = 3 WHERE id = ?", (grade_id,))
    (change,) = [c for c in manual_changes(cohort.db_url) if c.learner == "hv_d"]
    assert (change.cell, change.old_manual_score, change.new_manual_score) == (
        "cau_10_bai_viet",
        None,
        3.0,
    )
    assert change.actor is None
    assert "unknown" in change.describe()


def test_grade_changes_through_nbgrader_api_are_signed_on_postgresql(tmp_path, postgres):
    url = normalise(postgres.new_database(), tmp_path)
    course = tiny_course(
        tmp_path / "course", tmp_path / "sources", f"\nc.CourseDirectory.db_url = {url!r}\n"
    )
    submit_tiny(course, "hv1", {})
    grade(course, TINY, progress=False)
    with Gradebook(course.db_url) as gradebook:
        row = gradebook.find_grade("cau_2_kiem_tra", TINY, TINY, "hv1")
        row.manual_score = 1.0
        gradebook.db.commit()
        row.manual_score = 2.0
        gradebook.db.commit()
    changes = manual_changes(course.db_url)
    assert [(c.old_manual_score, c.new_manual_score) for c in changes] == [(None, 1.0), (1.0, 2.0)]
    assert all(c.learner == "hv1" and c.cell == "cau_2_kiem_tra" for c in changes)
    assert all(c.actor and c.db_user for c in changes)


def test_integrity_command_prints_json_and_text(cohort):
    done = run_bdhvs("integrity", "--course", str(cohort.root), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    payload = json.loads(done.stdout)
    (result,) = payload["assignments"]
    assert [g["learners"] for g in result["near_identical"]] == [["hv_a", "hv_b"]]
    assert [f["learner"] for f in result["fast_completions"]] == ["hv_nhanh"]
    text = run_bdhvs("integrity", REAL, "--course", str(cohort.root))
    assert text.returncode == 0, text.stderr[-2000:]
    assert "hv_a, hv_b" in text.stdout and "hv_nhanh" in text.stdout


def test_integrity_command_rejects_an_unknown_assignment(cohort):
    done = run_bdhvs("integrity", "khong_co", "--course", str(cohort.root))
    assert done.returncode == 2
    assert "unknown assignment 'khong_co'" in done.stderr and "Traceback" not in done.stderr


def test_report_has_an_integrity_section_in_both_languages(cohort, tmp_path):
    with Gradebook(cohort.db_url) as gradebook:
        # hv_f's written answer scored once, as grading does; hv_e's scored, then changed (no
        # other test of the cohort scores either by hand)
        gradebook.find_grade("cau_10_bai_viet", REAL, REAL, "hv_f").manual_score = 2.0
        row = gradebook.find_grade("cau_10_bai_viet", REAL, REAL, "hv_e")
        row.manual_score = 1.0
        gradebook.db.commit()
        row.manual_score = 3.0
        gradebook.db.commit()
    html = write_report(cohort, tmp_path / "vi.html").read_text(encoding="utf-8")
    section = html[html.index('id="integrity"') : html.index('id="learner-data"')]
    near = section[: section.index("Hoàn thành nhanh bất thường")]
    (row,) = [line for line in near.splitlines() if "hv_a, hv_b" in line]
    assert all(f"Câu {n}:" in row for n in (7, 8, 10)) and "cau_" not in row
    assert "hv_c" not in near and "built-in method" not in near
    assert "hv_nhanh" in section[section.index("Hoàn thành nhanh bất thường") :]
    changes = section[section.index("Điểm bị sửa sau khi chấm") :]
    assert "hv_e" in changes and "điểm chấm tay 1 → 3" in changes
    assert "hv_f" not in changes and "– → 1" not in changes
    english = write_report(cohort, tmp_path / "en.html", lang="en").read_text(encoding="utf-8")
    assert "Integrity" in english and "Near-identical submissions" in english


@pytest.mark.grading
def test_forgetting_a_learner_erases_their_rows_of_the_audit_trail(tmp_path):
    course = tiny_course(tmp_path / "course", tmp_path / "sources")
    for learner in ("hv1", "hv2"):
        submit_tiny(course, learner, {})
    grade(course, TINY, progress=False)
    with Gradebook(course.db_url) as gradebook:
        for learner in ("hv1", "hv2"):
            gradebook.find_grade("cau_1_kiem_tra", TINY, TINY, learner).manual_score = 1.0
        gradebook.db.commit()
    assert sorted(c.learner for c in manual_changes(course.db_url)) == ["hv1", "hv2"]
    forget_learner(course, "hv1", [])
    assert [c.learner for c in manual_changes(course.db_url)] == ["hv2"]
    with sqlite3.connect(course.root / "gradebook.db") as db:
        rows = db.execute("SELECT count(*) FROM bdhvs_grade_audit WHERE student = 'hv1'")
        assert rows.fetchone() == (0,)
