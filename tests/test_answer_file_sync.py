"""The judge gets the answer files the learner wrote, and nothing a hostile folder holds."""

from __future__ import annotations

import os
import socket

from curriculum.toolkit.answers import ANSWERS_LIMIT
from graders.grading.sandbox.supervisor import ANSWER_FILES, Supervisor


def supervisor_of(folder) -> Supervisor:
    supervisor = Supervisor(socket.socket(), {"isolate": False})
    supervisor.sheet_dir = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    return supervisor


def test_only_regular_answer_files_within_the_cap_are_passed_on_and_each_once(tmp_path):
    (tmp_path / "bai.answers.json").write_text('{"answers": {}}', encoding="utf-8")
    os.mkfifo(tmp_path / "ong.answers.json")  # opening it to read would wait for ever
    os.symlink("/etc/passwd", tmp_path / "lien_ket.answers.json")
    with open(tmp_path / "lon.answers.json", "wb") as handle:
        handle.truncate(ANSWERS_LIMIT + 1)
    (tmp_path / ".an.answers.json").write_text("{}", encoding="utf-8")
    (tmp_path / "ghi_chu.txt").write_text("không phải tệp trả lời", encoding="utf-8")
    supervisor = supervisor_of(tmp_path)
    assert supervisor.changed_sheets() == {"bai.answers.json": '{"answers": {}}'}
    assert supervisor.changed_sheets() == {}  # unchanged: not sent again
    os.replace(tmp_path / "ghi_chu.txt", tmp_path / "bai.answers.json")
    assert supervisor.changed_sheets() == {"bai.answers.json": "không phải tệp trả lời"}


def test_a_folder_of_many_answer_files_passes_on_only_a_few(tmp_path):
    for number in range(ANSWER_FILES * 4):
        (tmp_path / f"t{number}.answers.json").write_text("{}", encoding="utf-8")
    supervisor = supervisor_of(tmp_path)
    assert len(supervisor.changed_sheets()) == ANSWER_FILES
    for number in range(ANSWER_FILES * 4):  # every one rewritten: still the same few
        (tmp_path / f"t{number}.answers.json").write_text("[]", encoding="utf-8")
    assert len(supervisor.changed_sheets()) == ANSWER_FILES
