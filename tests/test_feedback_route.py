"""The learner's server shows their newest feedback page, and never waits on what stands there.

The page is whatever nbgrader's fetch left in ``<assignment>/feedback/<time>/``, in a folder the
learner can write to: a named pipe there would hold the server's only thread for ever, a file of
gigabytes would be read whole, a link could show a file from elsewhere. Each is a short page in
Vietnamese instead, and the server goes on answering.
"""

from __future__ import annotations

import os
import tracemalloc
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from curriculum import regular_files
from curriculum.landing import CANNOT_SHOW, FEEDBACK_LIMIT, NO_FEEDBACK, newest_feedback
from curriculum.regular_files import Changed, NotRegularFile, OverLimit, read_regular

from browser import LearnerLab, learner_lab
from conftest import REPO

ASSIGNMENT = "an_toan_so"
PAGE = b'<html lang="vi"><body>Nh\xe1\xba\xadn x\xc3\xa9t</body></html>'


def feedback_folder(root: Path, time: str = "2026-11-20 08:00:00") -> Path:
    folder = root / ASSIGNMENT / "feedback" / time
    folder.mkdir(parents=True)
    return folder


def test_the_newest_page_is_shown_and_none_yet_is_not_a_problem(tmp_path: Path):
    assert newest_feedback(tmp_path, ASSIGNMENT) is None
    (feedback_folder(tmp_path, "2026-11-01 08:00:00") / "an_toan_so.html").write_bytes(b"old")
    (feedback_folder(tmp_path) / "an_toan_so.html").write_bytes(PAGE)
    assert newest_feedback(tmp_path, ASSIGNMENT) == PAGE


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path):
    os.mkfifo(feedback_folder(tmp_path) / "an_toan_so.html")
    with pytest.raises(NotRegularFile):
        newest_feedback(tmp_path, ASSIGNMENT)


def test_a_link_out_of_the_learners_folder_is_refused(tmp_path: Path):
    secret = tmp_path / "elsewhere.html"
    secret.write_bytes(b"not the learner's")
    root = tmp_path / "learner"
    (feedback_folder(root) / "an_toan_so.html").symlink_to(secret)
    with pytest.raises(ValueError, match="outside"):
        newest_feedback(root, ASSIGNMENT)


def test_a_page_over_the_limit_is_refused_unread(tmp_path: Path):
    with open(feedback_folder(tmp_path) / "an_toan_so.html", "wb") as handle:
        handle.truncate(FEEDBACK_LIMIT + 1)  # sparse: takes no room
    with pytest.raises(OverLimit):
        newest_feedback(tmp_path, ASSIGNMENT)


def test_reading_a_small_file_under_a_large_limit_takes_memory_for_the_file_only(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    tracemalloc.start()
    try:
        assert read_regular(page, 1 << 30) == PAGE
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20  # a piece of the file at a time, not the gigabyte allowed


def test_a_file_swapped_after_it_was_looked_at_is_refused(tmp_path: Path, monkeypatch):
    page, other = tmp_path / "page.html", tmp_path / "other.html"
    page.write_bytes(PAGE)
    other.write_bytes(b"swapped in")
    opening = os.open

    def swap_then_open(path, *args, **kwargs):
        os.replace(other, page)
        return opening(path, *args, **kwargs)

    monkeypatch.setattr(regular_files.os, "open", swap_then_open)
    with pytest.raises(Changed):
        read_regular(page, 1 << 20)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LearnerLab]:
    """A learner's server whose feedback folders hold a page, a pipe and nothing."""
    root = tmp_path_factory.mktemp("feedback-route")
    (feedback_folder(root) / "an_toan_so.html").write_bytes(PAGE)
    pipe = root / "thanh_toan" / "feedback" / "2026-11-20 08:00:00"
    pipe.mkdir(parents=True)
    os.mkfifo(pipe / "thanh_toan.html")
    log = REPO / "test-artifacts" / "feedback-route-server.log"
    with learner_lab(root, log, env={"BDHVS_HOME": str(root / ".state")}) as lab:
        yield lab


def fetch(lab: LearnerLab, assignment: str) -> tuple[int, str]:
    try:
        return 200, lab.request("GET", f"bat-dau/nhan-xet/{assignment}").decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.slow
def test_the_server_says_in_vietnamese_what_it_cannot_show_and_goes_on_answering(server):
    assert fetch(server, ASSIGNMENT) == (200, PAGE.decode())
    status, page = fetch(server, "thanh_toan")  # the pipe: never opened
    assert status == 403 and CANNOT_SHOW in page and 'lang="vi"' in page
    status, page = fetch(server, "du_lieu")
    assert status == 404 and NO_FEEDBACK in page
    assert "Traceback" not in page and "404" not in page
    assert server.is_answering()
