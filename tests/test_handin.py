"""Handing in with one tap: a file for learners working alone, nbgrader's exchange on the hub.

A learner working alone presses "Nộp bài" and gets one file; the instructor runs
``bdhvs collect`` on it and ``bdhvs grade`` grades it exactly as the same work submitted
through the exchange. Hand-in files are learners' files: every hostile one is refused with its
reason while the good ones beside it are collected. On the hub, the same button submits through
nbgrader's own exchange.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from curriculum.toolkit.handin import (
    MANIFEST,
    SELF_ASSESSED,
    archive_name,
    exchange_course,
    handin_archive,
    handin_button,
    submit_to_exchange,
)
from graders.course.build import build
from graders.course.directory import Course, init_course
from graders.demo.synthetic import Learner, demo_answers, make_submission, taps_of
from graders.grading.grade import grade

from conftest import BDHVS, run_bdhvs
from gradekit import hub_exchange

pytestmark = pytest.mark.grading

ASSIGNMENT = "an_toan_so"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    course = init_course(tmp_path_factory.mktemp("handin") / "course")
    build(course, [ASSIGNMENT])
    return course


def learner_folder(course: Course, base: Path, profile: str) -> Path:
    """An assignment folder as a learner working alone leaves it: release, taps, answers."""
    answers = demo_answers(ASSIGNMENT)
    name = answers["notebook"]
    source = nbformat.read(course.source_dir / ASSIGNMENT / name, as_version=4)
    release = nbformat.read(course.release_dir / ASSIGNMENT / name, as_version=4)
    folder = base / ASSIGNMENT
    learner = Learner(id="x", unit="", profile=profile)
    taps = taps_of(source, release, answers)
    make_submission(learner, source, release, answers, random.Random(1), taps).write(folder)
    return folder


def test_a_handin_file_collected_and_graded_scores_as_the_same_work_submitted(course, tmp_path):
    folder = learner_folder(course, tmp_path / "alone", "complete")
    data = handin_archive(folder, "hv_tu_hoc")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read(MANIFEST))
        record = json.loads(archive.read(SELF_ASSESSED))
    assert f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb" in names
    assert any(name.endswith(".answers.json") for name in names)
    assert manifest["learner"] == "hv_tu_hoc" and manifest["assignment"] == ASSIGNMENT
    assert record["verified"] is False  # the self-check progress, marked as self-assessed
    handin = tmp_path / archive_name(ASSIGNMENT, "hv_tu_hoc")
    handin.write_bytes(data)

    direct = "hv_truc_tiep"
    shutil.copytree(folder, course.submitted_dir / direct / ASSIGNMENT)
    result = run_bdhvs("collect", "--course", str(course.root), str(handin))
    assert result.returncode == 0, result.stderr
    assert "collected hv_tu_hoc an_toan_so" in result.stdout
    grade(course, ASSIGNMENT, progress=False)
    with Gradebook(course.db_url) as gradebook:
        collected = gradebook.find_submission(ASSIGNMENT, "hv_tu_hoc")
        submitted = gradebook.find_submission(ASSIGNMENT, direct)
        assert collected.score == submitted.score > 0  # the written answer awaits a person
        assert [(g.name, g.score) for n in collected.notebooks for g in n.grades] == [
            (g.name, g.score) for n in submitted.notebooks for g in n.grades
        ]


def hostile(path: Path, members: dict[str, bytes], *, link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def manifest(learner: str = "hv_ok", assignment: str = ASSIGNMENT) -> bytes:
    return json.dumps({"learner": learner, "assignment": assignment}).encode()


NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
HOSTILE = {
    "climbs_out": ({MANIFEST: manifest(), "../../evil.ipynb": b"{}"}, None, "not part of"),
    "absolute": ({MANIFEST: manifest(), "/tmp/evil.ipynb": b"{}"}, None, "not part of"),
    "a_link": ({MANIFEST: manifest(), NOTEBOOK: b"{}"}, f"{ASSIGNMENT}/x.ipynb", "a link"),
    "no_manifest": ({NOTEBOOK: b"{}"}, None, f"no {MANIFEST}"),
    "bad_learner": ({MANIFEST: manifest("../root"), NOTEBOOK: b"{}"}, None, "learner code"),
    "other_course": ({MANIFEST: manifest(assignment="bai_la"), NOTEBOOK: b"{}"}, None, "no "),
    "a_script": ({MANIFEST: manifest(), f"{ASSIGNMENT}/run.py": b"x"}, None, "not part of"),
    "too_big": ({MANIFEST: manifest(), NOTEBOOK: b" " * (17 << 20)}, None, "over its cap"),
    "no_notebook": ({MANIFEST: manifest()}, None, "no notebook"),
    "line_break": ({MANIFEST: manifest(), f"{ASSIGNMENT}/a\nb.ipynb": b"{}"}, None, "not part of"),
    "many": (
        {MANIFEST: manifest(), **{f"{ASSIGNMENT}/{i}.ipynb": b"{}" for i in range(120)}},
        None,
        "entries",
    ),
}


def test_hostile_handin_files_are_refused_with_a_reason_and_the_good_one_is_collected(
    course, tmp_path
):
    files = []
    for name, (members, link, _) in HOSTILE.items():
        files.append(hostile(tmp_path / f"{name}.zip", members, link=link))
    encrypted = hostile(tmp_path / "encrypted.zip", {MANIFEST: manifest(), NOTEBOOK: b"{}"})
    data = bytearray(encrypted.read_bytes())
    for offset in range(len(data) - 4):  # mark every member encrypted, as a password tool would
        if data[offset : offset + 4] in (b"PK\x03\x04", b"PK\x01\x02"):
            flags = offset + (6 if data[offset + 2] == 3 else 8)
            data[flags] |= 1
    encrypted.write_bytes(bytes(data))
    files.append(encrypted)
    (tmp_path / "not_a_zip.zip").write_bytes(b"hello")
    files.append(tmp_path / "not_a_zip.zip")
    good = learner_folder(course, tmp_path / "good", "partial")
    (tmp_path / "good.zip").write_bytes(handin_archive(good, "hv_tot"))
    files.append(tmp_path / "good.zip")

    result = run_bdhvs("collect", "--course", str(course.root), *map(str, files))
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    for name, (_, _, reason) in HOSTILE.items():
        line = next(line for line in lines if f"{name}.zip" in line)
        assert line.startswith("refused") and reason in line, line
    assert any(line.startswith("refused") and "not_a_zip" in line for line in lines)
    assert any(line.startswith("refused") and "encrypted.zip" in line for line in lines)
    assert any(line.startswith("collected hv_tot") for line in lines)
    assert sorted(p.name for p in (course.submitted_dir / "hv_tot" / ASSIGNMENT).iterdir()) == [
        f"{ASSIGNMENT}.answers.json",
        f"{ASSIGNMENT}.ipynb",
        SELF_ASSESSED,
    ]
    assert not (course.submitted_dir / "hv_ok").exists()
    assert not (tmp_path / "evil.ipynb").exists() and not Path("/tmp/evil.ipynb").exists()


def test_collecting_again_replaces_the_earlier_handin_whole(course, tmp_path):
    folder = learner_folder(course, tmp_path / "again", "partial")
    first = tmp_path / "first.zip"
    first.write_bytes(handin_archive(folder, "hv_lai"))
    assert run_bdhvs("collect", "--course", str(course.root), str(first)).returncode == 0
    (course.submitted_dir / "hv_lai" / ASSIGNMENT / "left_over.txt").write_text("x")
    assert run_bdhvs("collect", "--course", str(course.root), str(first)).returncode == 0
    assert not (course.submitted_dir / "hv_lai" / ASSIGNMENT / "left_over.txt").exists()


def test_a_learner_code_with_spaces_or_slashes_makes_no_file(tmp_path):
    for code in ("", "a b", "../x", "x/y"):
        with pytest.raises(ValueError, match="mã học viên"):
            handin_archive(tmp_path, code)


def test_on_the_hub_the_button_submits_through_nbgraders_exchange(course, tmp_path, monkeypatch):
    exchange = hub_exchange(tmp_path, course.release_dir / ASSIGNMENT, monkeypatch)
    inbound = exchange / "lop_1" / "inbound"
    home = tmp_path / "home"
    folder = learner_folder(course, home, "complete")
    monkeypatch.chdir(folder)
    assert exchange_course() == "lop_1"
    widget = handin_button()
    assert [type(child).__name__ for child in widget.children] == ["Button", "HTML"]
    submit_to_exchange(folder, "lop_1")
    (submission,) = inbound.iterdir()
    assert f"+{ASSIGNMENT}+" in submission.name  # nbgrader's own naming: user+assignment+time
    assert (submission / f"{ASSIGNMENT}.ipynb").is_file()
    assert (submission / f"{ASSIGNMENT}.answers.json").is_file()


def test_working_alone_the_button_asks_for_the_learner_code(monkeypatch, tmp_path):
    monkeypatch.delenv("BDHVS_COHORT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert exchange_course() is None
    widget = handin_button()
    assert [type(child).__name__ for child in widget.children] == ["Text", "Button", "HTML"]


def test_a_pipe_or_a_zip_declaring_too_many_entries_is_refused_before_it_is_parsed(
    course, tmp_path
):
    """A named pipe would block whoever opens it; an end record listing 60,000 entries would
    cost memory before the member count is checked. Neither is read as a hand-in."""
    pipe = tmp_path / "pipe.zip"
    os.mkfifo(pipe)
    crowded = tmp_path / "crowded.zip"
    data = bytearray(hostile(tmp_path / "one.zip", {MANIFEST: manifest()}).read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (60_000).to_bytes(2, "little") * 2  # this disk's and all
    crowded.write_bytes(bytes(data))
    done = subprocess.run(
        [str(BDHVS), "collect", "--course", str(course.root), str(pipe), str(crowded)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stdout.splitlines()
    assert any("pipe.zip" in line and "not a regular file" in line for line in lines), lines
    assert any("crowded.zip" in line and "60000 entries" in line for line in lines), lines
