"""Thirty learners at once on a real JupyterHub on loopback (tests/hubload.py does the work).

They start their servers, fetch the released assignment, open it, save an answer and submit, all
at the same moment. The test prints time to first notebook and the hub's response times, and
checks that nobody met an error and that every submission arrived in the exchange exactly once.
`bench/hub_load.py --learners N` runs the same with more learners.
"""

from __future__ import annotations

import os

import pytest

from hubkit import hub_session
from hubload import run_load

pytestmark = pytest.mark.hub

LEARNERS = int(os.environ.get("BDHVS_LOAD_LEARNERS", "30"))
# The hub gives up a server, and the test a learner, after this long.
TIMEOUT_SECONDS = 150


def test_thirty_learners_at_once_get_their_notebook_and_each_submission_arrives_once():
    with hub_session(START_TIMEOUT=str(TIMEOUT_SECONDS)) as hub:
        report = run_load(hub, LEARNERS, timeout=TIMEOUT_SECONDS)
    print(report.summary())
    assert report.errors == []
    assert len(report.first_notebook) == LEARNERS
    assert report.submissions == {name: 1 for name in report.submissions}
    assert len(report.submissions) == LEARNERS
    assert max(report.first_notebook.values()) < TIMEOUT_SECONDS
