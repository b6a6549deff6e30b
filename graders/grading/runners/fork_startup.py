"""What the fork engine's zygote starts with, known before the grading process loads nbgrader.

The zygote's warm-up (IPython, the curriculum, the sandbox's list of writable folders) takes
about as long as the grading process's own start (nbgrader, SQLAlchemy, nbconvert). ``bdhvs
grade`` therefore starts the zygote first (:func:`start_early`), from this module, which loads
neither; the engine's runner (:mod:`graders.grading.runners.forks`) builds the same environment
and start-up settings here and takes that zygote over, or starts its own if they differ.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from graders.grading.runners import state_dir
from graders.grading.sandbox import isolation
from graders.grading.sandbox.pool import Zygote, start_zygote

# Imported once in the zygote instead of once per notebook: the curriculum's answer widgets and
# its self-check, which every graded notebook imports, need them. Nothing else: every job's
# processes are forked from the zygote and end, and forking and ending cost in proportion to
# the memory it holds (no notebook of the course plots, so matplotlib is not among them; a
# submission that imports it pays for its own import).
PRELOAD = [
    "nbformat",
    "ipywidgets",
]
# The library the course's notebooks are built from: questions, simulated apps, lesson helpers.
PRELOAD_PACKAGES = ["curriculum"]
PASSED_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "PYTHONPATH")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_ASSIGNMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def job_env() -> dict[str, str]:
    """The environment notebooks run with."""
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    env.update(MPLBACKEND=INLINE_BACKEND, NBGRADER_EXECUTION="autograde")
    return env


def zygote_env(state: Path) -> dict[str, str]:
    """The zygote's environment: the notebooks', its own IPython folder, and the home where
    the preloaded libraries keep their caches."""
    env = dict(job_env(), IPYTHONDIR=str(state / "ipython"))
    if "HOME" in os.environ:
        env["HOME"] = os.environ["HOME"]
    return env


def startup() -> dict[str, Any]:
    """What the zygote's warm-up needs: whether it isolates, as whom, and what it imports."""
    isolate = os.geteuid() == 0
    user = isolation.sandbox_user() if isolate else None
    return {
        "isolate": isolate,
        "user": asdict(user) if user else None,
        "preload": PRELOAD,
        "preload_packages": PRELOAD_PACKAGES,
    }


def start_early(course_root: Path, assignment: str) -> Zygote | None:
    """A zygote for grading ``assignment`` of the course at ``course_root``, started now, or
    None when the assignment has no release there (the run will say what is wrong)."""
    if not _ASSIGNMENT_NAME.fullmatch(assignment):
        return None
    root = course_root.resolve()
    if not (root / "release" / assignment).is_dir():
        return None
    state = state_dir(root, assignment)
    return start_zygote(zygote_env(state), startup(), state / "engine.log")
