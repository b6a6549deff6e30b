"""The fork engine's runner: nbgrader's pipeline here, the notebooks run in sandboxed forks.

For each learner, in this process: stage a clean copy of the submission
(:mod:`graders.grading.submission`), run nbgrader's set-up and sanitizing pass
(:mod:`graders.grading.staged`), send each notebook's code cells to the execution pool
(:mod:`graders.grading.sandbox.pool`), put the replies into the notebook
(:mod:`graders.grading.results`), and run nbgrader's grading pass, which writes the
gradebook and the autograded notebook. Several learners are in flight at once, so the workers
execute one learner's notebooks while this process does nbgrader's work for another.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.exchange import Exchange
from traitlets.config.loader import ConfigFileNotFound

from graders.common import answer_paths
from graders.common.errors import BdhvsError
from graders.course.directory import Course
from graders.gradebook.database import socket_dirs, sqlite_path
from graders.grading.nbgrader_speed import shared_engines
from graders.grading.results import ExecutionRules, apply_run, cells_to_run
from graders.grading.runners import Finished, Pending, fork_startup, state_dir
from graders.grading.sandbox import isolation
from graders.grading.sandbox.pool import ExecutionPool, Job, JobResult, Zygote
from graders.grading.staged import Prepared, StagedAutograde
from graders.grading.submission import Release, stage_submission

# Submissions prepared while the zygote starts up, so that its start-up costs no time.
PREPARED_AHEAD = 32
OUTPUT_LIMIT = 8 << 20
FILES_LIMIT = 64 << 20
TMP_SIZE_MB = 256
NOT_ROOT = (
    "note: not running as root, so submissions run with resource limits only "
    "(no separate user, network or filesystem isolation)"
)


@dataclass
class _Learner:
    pending: Pending
    prepared: list[Prepared]
    cells: list[list[dict[str, Any]]]
    results: dict[int, JobResult] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.results) == len(self.prepared)


def interpreter_paths() -> list[Path]:
    """Where the submissions' interpreter finds its standard library and packages."""
    paths = {Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    paths |= {Path(p) for p in sys.path if p and Path(p).exists()}
    paths |= set(answer_paths.code_folders())  # this project's packages
    return sorted(p.resolve() for p in paths)


def exchange_root(course: Course) -> list[Path]:
    """nbgrader's exchange root as the course's configuration sets it (none without one)."""
    try:
        config = course.config()
    except ConfigFileNotFound:
        return []
    return [Path(Exchange(config=config).root).resolve()]


def hidden_paths(course: Course, db_url: str) -> list[Path]:
    """What a submission must not see: the course, its sources, its nbgrader exchange (every
    learner's submissions and feedback, when kept outside the course), this project's
    answer-bearing paths (:mod:`graders.common.answer_paths`), and a gradebook kept elsewhere:
    an SQLite file's folder, or a PostgreSQL server's socket folder (the sandbox has no
    network, but Unix sockets are files)."""
    paths = [course.root, course.source_dir.resolve(), *exchange_root(course)]
    paths += answer_paths.hidden()
    sqlite_file = sqlite_path(db_url)
    if sqlite_file is not None:
        paths.append(sqlite_file.resolve().parent)
    paths += [folder.resolve() for folder in socket_dirs(db_url)]
    return paths


def released_code(release: Release) -> list[str]:
    """The code cells nbgrader tracks in an assignment's release, as every learner is given
    them (a notebook's other code cells, if any, are worked out as IPython always does)."""
    return [
        cell.source
        for cells in release.values()
        for cell in cells.values()
        if cell.cell_type == "code"
    ]


def pool_config(
    course: Course, rules: ExecutionRules, state: Path, db_url: str, release: Release
) -> dict[str, Any]:
    start = fork_startup.startup()
    user = start["user"]
    return {
        **start,
        "hide": [str(p) for p in hidden_paths(course, db_url)],
        "expose": [str(p) for p in interpreter_paths()],
        "limits": isolation.Limits().as_dict(),
        "processes_before": isolation.processes_of(user["uid"] if user else os.getuid()),
        "timeout": rules.timeout,
        "grace": rules.grace,
        "output_limit": OUTPUT_LIMIT,
        "reply_limit": OUTPUT_LIMIT + (4 << 20),
        "files_limit": FILES_LIMIT,
        "tmp_size_mb": TMP_SIZE_MB,
        "env": fork_startup.job_env(),
        "zygote_env": fork_startup.zygote_env(state),
        "released_code": released_code(release),
    }


def non_python_notebooks(folder: Path) -> list[str]:
    """Notebooks of a release whose kernel is not Python."""
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        kernel = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("kernelspec", {})
        language = kernel.get("language") or kernel.get("name", "python")
        if not language.lower().startswith("python"):
            found.append(f"{path.name} ({language})")
    return found


def restrict_course(course: Course, say: Callable[[str], None]) -> None:
    """Leave the course folder to its owner and group, whatever the sandbox can see."""
    mode = course.root.stat().st_mode
    if mode & 0o007:
        os.chmod(course.root, mode & ~0o007)
        say(f"note: {course.root} is now closed to other users (it holds hidden tests and grades)")


class ForkRunner:
    """The fork engine's runner: its execution pool starts on entering, stops on leaving."""

    def __init__(
        self,
        course: Course,
        assignment: str,
        release: Release,
        workers: int,
        say: Callable[[str], None],
        early: Zygote | None = None,
    ) -> None:
        self.course = course
        self.assignment = assignment
        self.release = release
        self.workers = workers
        self.say = say
        self.early = early
        self.state = state_dir(course.root, assignment)
        staging = self.state / "staging"
        config = course.config()
        coursedir = CourseDirectory(config=config)
        coursedir.root = str(course.root)
        coursedir.submitted_directory = str(staging.relative_to(course.root))
        self.staging = staging
        other = non_python_notebooks(course.release_dir / assignment)
        if other:
            raise BdhvsError(
                f"the fork engine runs Python notebooks only, not {', '.join(other)}; "
                "grade with --engine nbgrader"
            )
        self.converter = StagedAutograde(coursedir, config, assignment)
        self.rules = ExecutionRules.of(self.converter.execute)
        if self.converter.execute.timeout_func is not None:
            raise BdhvsError("Execute.timeout_func is not supported; grade with --engine nbgrader")

    def __enter__(self) -> ForkRunner:
        """Start the grading processes; they warm up while the caller inspects submissions."""
        config = pool_config(self.course, self.rules, self.state, self.course.db_url, self.release)
        if config["isolate"]:
            restrict_course(self.course, self.say)
        else:
            self.say(NOT_ROOT)
        self.pool = ExecutionPool(config, self.workers, self.state / "engine.log")
        self._open = contextlib.ExitStack()
        self._open.callback(self.pool.close)
        self.pool.start(self.early)
        self.gradebooks = self._open.enter_context(shared_engines())
        return self

    def __exit__(self, *exc: object) -> None:
        self._open.close()

    def run(self, work: Iterable[Pending], done: Callable[[Finished], None]) -> None:
        """Grade every pending learner, calling ``done`` as each one is finished.

        ``work`` is read as learners are needed, so the first notebooks run while the later
        submissions are still being read.
        """
        waiting = iter(work)
        upcoming = next(waiting, None)
        active: dict[str, _Learner] = {}
        while upcoming is not None or active:
            while upcoming is not None and (
                self.pool.busy <= self.workers
                or (self.pool.busy < PREPARED_AHEAD and not self.pool.started())
            ):
                learner = self._start(upcoming, done)
                upcoming = next(waiting, None)
                if learner is not None:
                    active[learner.pending.learner] = learner
            for result in self.pool.poll():
                name, index = result.key
                learner = active[name]
                learner.results[index] = result
                if learner.complete:
                    del active[name]
                    done(self._finish(learner))

    def _start(self, pending: Pending, done: Callable[[Finished], None]) -> _Learner | None:
        name = pending.learner
        try:
            release = self.release if pending.forged else None
            stage_submission(self._submitted(name), self._staged(name), release)
            with self.gradebooks.one_transaction():
                prepared = self.converter.prepare(name)
        except sqlalchemy.exc.OperationalError as exc:
            raise BdhvsError(f"cannot use the gradebook: {exc}") from exc
        except Exception as exc:  # nbgrader raises many types for one bad submission
            self.converter.abandon(name)
            self._unstage(name)
            done(Finished(name, False, pending.flags, f"nbgrader: {exc}"))
            return None
        cells = [
            cells_to_run(item.nb, self.rules, self.release.get(item.notebook, {}))
            for item in prepared
        ]
        learner = _Learner(pending, prepared, cells)
        files = self.converter.destination(name)
        for index, job_cells in enumerate(cells):
            if job_cells:
                self.pool.submit(Job((name, index), files, job_cells))
            else:
                learner.results[index] = JobResult((name, index), end={"reason": "complete"})
        if learner.complete:
            done(self._finish(learner))
            return None
        return learner

    def _finish(self, learner: _Learner) -> Finished:
        name = learner.pending.learner
        flags = list(learner.pending.flags)
        failure = ""
        for index, item in enumerate(learner.prepared):
            result = learner.results[index]
            found, error = apply_run(
                item.nb, item.notebook, learner.cells[index], result, self.rules
            )
            flags += found
            failure = failure or error
        self._unstage(name)
        if failure:
            self.converter.abandon(name)
            return Finished(name, False, flags, failure)
        try:
            with self.gradebooks.one_transaction():
                self.converter.finish(name, learner.prepared)
        except sqlalchemy.exc.OperationalError as exc:
            raise BdhvsError(f"cannot use the gradebook: {exc}") from exc
        except Exception as exc:  # nbgrader raises many types for one bad submission
            self.converter.abandon(name)
            return Finished(name, False, flags, f"nbgrader: {exc}")
        return Finished(name, True, flags)

    def _submitted(self, learner: str) -> Path:
        return self.course.submitted_dir / learner / self.assignment

    def _staged(self, learner: str) -> Path:
        return self.staging / learner / self.assignment

    def _unstage(self, learner: str) -> None:
        shutil.rmtree(self.staging / learner, ignore_errors=True)
