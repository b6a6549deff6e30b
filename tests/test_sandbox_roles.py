"""A notebook gets a separate judge exactly when the learner wrote code, and never runs without one
when it needs one: the grading process asks for the processes, the supervisor checks the job."""

from __future__ import annotations

import socket

import pytest

from graders.grading.sandbox import roles
from graders.grading.sandbox.supervisor import Child, Supervisor

RELEASED = {"index": 1, "kind": "answer", "code": "cau_1 = Cau()", "release": "cau_1 = Cau()"}
LOCKED = {"index": 0, "kind": "locked", "code": "from bai import Cau"}
TEST = {"index": 2, "kind": "test", "code": "assert cau_1.dung"}
CHANGED = {**RELEASED, "code": "cau_1 = Cau()\ncau_1.dung = True"}
ADDED = {"index": 3, "kind": "answer", "code": "print(1)", "release": None}


@pytest.mark.parametrize(
    ("cells", "judge"),
    [
        ([LOCKED, RELEASED, TEST], False),
        ([LOCKED, CHANGED, TEST], True),
        ([LOCKED, RELEASED, ADDED, TEST], True),
    ],
)
def test_a_separate_judge_is_asked_for_exactly_when_the_learner_wrote_code(cells, judge):
    request = roles.spawn_request(cells)
    assert roles.needs_separate_judge(request) is judge
    assert roles.has_learner_code(cells) is judge


@pytest.mark.parametrize("request_bytes", [b"spawn", b"", b"\x00" * 64, roles.WITH_JUDGE])
def test_any_request_but_the_one_for_a_single_process_gets_a_judge(request_bytes):
    assert roles.needs_separate_judge(request_bytes)


def test_a_job_with_learner_code_that_came_without_its_judge_is_refused_before_anything_runs():
    ours, learners_end = socket.socketpair()
    supervisor = Supervisor(socket.socket(), {"isolate": False})
    supervisor.learner = Child(0, ours, 1 << 20, "the notebook's process")
    job = {"files": "/nonexistent", "cells": [LOCKED, CHANGED, TEST]}
    with pytest.raises(RuntimeError, match="without its judge"):
        supervisor.prepare(job)
    learners_end.setblocking(False)
    with pytest.raises(BlockingIOError):  # the learner's process was sent nothing
        learners_end.recv(1)
