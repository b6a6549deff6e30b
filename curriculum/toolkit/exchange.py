"""nbgrader's exchange, as a learner's server on the training hub reaches it.

The hub's spawner (``graders.hub.training``) names the learner's cohort and the exchange in the
server's environment; the learner's ``nbgrader_config.py`` reads the same variables, so the
fetch and the submission here are nbgrader's own, as its assignment list would make them.
Elsewhere (Binder, ``make lab``, Voilà) there is no exchange and :func:`exchange_course` says so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

COHORT, EXCHANGE = "BDHVS_COHORT", "BDHVS_EXCHANGE"

__all__ = [
    "COHORT",
    "EXCHANGE",
    "exchange_course",
    "fetch_feedback_from_exchange",
    "fetch_from_exchange",
    "submit_to_exchange",
]


def exchange_course() -> str | None:
    """The nbgrader course this server works with through the exchange, or None when alone."""
    course = os.environ.get(COHORT)
    exchange = os.environ.get(EXCHANGE)
    return course if course and exchange and Path(exchange).is_dir() else None


def _exchange_step(step: str, course: str, assignment: str, assignment_dir: Path) -> Any:
    from nbgrader.apps import NbGrader
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory

    app = NbGrader()
    app.load_config_file()
    config = app.config
    config.Exchange.assignment_dir = str(assignment_dir)
    coursedir = CourseDirectory(config=config)
    coursedir.course_id = course
    coursedir.assignment_id = assignment
    authenticator = Authenticator(config=config)
    factory = ExchangeFactory(config=config)
    return getattr(factory, step)(coursedir=coursedir, authenticator=authenticator, config=config)


def submit_to_exchange(folder: Path, course: str) -> None:
    """nbgrader's own submission of ``folder`` (an assignment fetched into the home folder)."""
    _exchange_step("Submit", course, folder.name, folder.parent).start()


def fetch_from_exchange(assignment: str, course: str, home: Path) -> Path | None:
    """Fetch ``assignment`` into ``home`` as nbgrader does; None when it is not released yet."""
    course_outbound = Path(os.environ[EXCHANGE]) / course / "outbound" / assignment
    if not course_outbound.is_dir():
        return None
    _exchange_step("FetchAssignment", course, assignment, home).start()
    return home / assignment


def fetch_feedback_from_exchange(assignment: str, course: str, home: Path) -> None:
    """Fetch the feedback released for the learner's submissions of ``assignment`` into
    ``home/<assignment>/feedback/<time>/``, as nbgrader's assignment list does."""
    _exchange_step("FetchFeedback", course, assignment, home).start()
