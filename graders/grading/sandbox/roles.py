"""Which processes a notebook job needs, decided alike by the grading process and the supervisor.

A job whose answer cells are all as released has no learner code: the notebook runs in one
process, the judge in the learner's full sandbox. A job with learner code needs a judge of its
own beside the learner's process. The supervisor forks its processes before it receives the job,
so that none holds a cell it has not been sent; the grading process therefore says in its request
for a supervisor whether a separate judge is needed (one bit, nothing of the job itself), and the
supervisor checks the job against it when the job arrives.
"""

from __future__ import annotations

from typing import Any

WITH_JUDGE = b"spawn learner and judge"
ALONE = b"spawn one process"


def has_learner_code(cells: list[dict[str, Any]]) -> bool:
    """Whether any code cell to run is not as the assignment released it."""
    return any(cell["kind"] == "answer" and cell.get("release") != cell["code"] for cell in cells)


def spawn_request(cells: list[dict[str, Any]]) -> bytes:
    """The grading process's request for a supervisor for a job of these cells."""
    return WITH_JUDGE if has_learner_code(cells) else ALONE


def needs_separate_judge(request: bytes) -> bool:
    """What a request asks for; anything but a request for one process gets a judge."""
    return request != ALONE
