"""``bdhvs grade``: autograde every submission of one assignment into nbgrader's gradebook.

Before anything runs, each submission folder is surveyed without opening a file
(:func:`graders.common.learner_files.survey`: special files, hard links, files over the caps),
then checked (:mod:`graders.grading.submission`) for what would otherwise end in a traceback
(unreadable notebooks, an empty folder) and for what the learner changed that they should not
have; problems are reported for that learner and the rest of the cohort is graded. A course
whose configuration does not add the written answers typed on a phone to their cells
(:mod:`graders.course.written_answers`) is refused, with the lines to copy.
An engine (:mod:`graders.grading.engines`, chosen by name) then grades:

- ``fork`` (the default): nbgrader's own Autograde pipeline in this process, with only the
  execution of the notebooks replaced by sandboxed forks of a warm interpreter, several at once
  (:mod:`graders.grading.engines.fork`). The gradebook and the autograded notebooks are nbgrader's.
  With a Dask scheduler's address, its notebooks run on that cluster instead of this machine
  (:mod:`graders.grading.runners.dask_cluster`).
- ``nbgrader``: nbgrader's API, one learner after the other, each notebook in a new kernel
  (:mod:`graders.grading.engines.nbgrader_api`).

A run can be killed at any moment and started again (:mod:`graders.grading.resume`): learners whose
grades were committed, and whose submission has not changed since, are not graded again
(``force`` grades them anyway); grading a learner again replaces the earlier result.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
from nbformat.warnings import MissingIDFieldWarning
from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from graders.common.digests import fingerprint
from graders.common.errors import BdhvsError
from graders.common.learner_files import survey
from graders.course import feedback, written_answers
from graders.course.directory import CONFIG_NAME, Course
from graders.gradebook.attempts import record_attempts
from graders.gradebook.database import identity
from graders.grading.engines import DEFAULT, Options, Task, engine_named
from graders.grading.resume import Ledger, grading_context
from graders.grading.runners import Finished, Pending, state_dir
from graders.grading.sandbox.pool import Zygote
from graders.grading.submission import Release, inspect_submission, load_release, written_ids

FEEDBACK_UNSAFE = (
    "warning: {config} does not cut hidden tests out of nbgrader's feedback; "
    "copy the GenerateFeedback lines of a new `bdhvs course init` into it (docs/grading.md)"
)


@dataclass
class Outcome:
    learner: str
    status: str  # "graded" or "failed"
    score: float | None = None
    max_score: float | None = None
    flags: list[str] = field(default_factory=list)
    message: str = ""


def submitted_learners(course: Course, assignment: str) -> list[str]:
    """Learners with a folder ``submitted/<learner>/<assignment>``."""
    if not course.submitted_dir.is_dir():
        return []
    return sorted(
        learner.name
        for learner in course.submitted_dir.iterdir()
        if not learner.name.startswith(".") and (learner / assignment).is_dir()
    )


def _graded_in_gradebook(course: Course, assignment: str) -> set[str]:
    with Gradebook(course.db_url) as gradebook:
        try:
            return {s.student.id for s in gradebook.assignment_submissions(assignment)}
        except MissingEntry:
            return set()


def grade(
    course: Course,
    assignment: str,
    *,
    progress: bool = True,
    engine: str = DEFAULT,
    workers: int | None = None,
    force: bool = False,
    say: Callable[[str], None] | None = None,
    scheduler: str | None = None,
    early: Zygote | None = None,
) -> list[Outcome]:
    """Grade every submission of ``assignment`` and write ``reports/grade-<assignment>.json``.

    ``say`` receives the few lines meant for the instructor (isolation, summary). With a
    Dask ``scheduler`` address, the fork engine runs the notebooks on that cluster. ``early``
    is a zygote started for this run (:func:`graders.grading.runners.fork_startup.start_early`),
    which the fork engine takes over; the caller closes it if no engine did.
    """
    course.require_assignment(assignment)
    if not (course.release_dir / assignment).is_dir():
        raise BdhvsError(f"{assignment} has not been built yet: run bdhvs build {assignment}")
    chosen = engine_named(engine)
    options = Options(workers=workers, scheduler=scheduler)
    chosen.check(options)
    say = say or (lambda line: None)
    config = course.config()
    if not feedback.configured(config):
        say(FEEDBACK_UNSAFE.format(config=course.root / CONFIG_NAME))
    release = load_release(course.release_dir / assignment)
    if has_written_answers(release) and not written_answers.configured(config):
        raise BdhvsError(written_answers.NOT_CONFIGURED.format(config=course.root / CONFIG_NAME))
    learners = submitted_learners(course, assignment)
    # nbgrader's own session handling warns on every new learner; the warning is not about them.
    warnings.filterwarnings("ignore", message=".*not in session, add operation along")
    # Notebooks whose cells have no ids are common and nothing an instructor can act on.
    warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
    # A record made for another gradebook (--db) does not say the grades are in this one.
    context = grading_context(course, assignment) + identity(course.db_url)
    ledger = Ledger(state_dir(course.root, assignment) / "done")
    in_gradebook = _graded_in_gradebook(course, assignment)
    outcomes: dict[str, Outcome] = {}
    refused: dict[str, str] = {}  # learner -> why their submission is not read at all
    candidates: dict[str, str] = {}  # learner -> fingerprint of their submission, to grade
    fingerprints: dict[str, str] = {}  # the same, for every learner read
    for learner in learners:
        folder = course.submitted_dir / learner / assignment
        problem = survey(folder)
        if problem:
            refused[learner] = problem
            continue
        digest = fingerprint(folder, context)
        fingerprints[learner] = digest
        record = ledger.get(learner)
        kept = not force and record is not None and record.get("fingerprint") == digest
        autograded = (course.autograded_dir / learner / assignment).is_dir()
        if kept and autograded and learner in in_gradebook:
            outcomes[learner] = Outcome(**record["outcome"])
        else:
            candidates[learner] = digest
    skipped = len(outcomes)
    bar = tqdm(
        total=len(learners),
        initial=skipped,
        desc=f"grading {assignment}",
        unit="learner",
        disable=not progress,
    )

    def done(finished: Finished) -> None:
        status = "graded" if finished.graded else "failed"
        outcome = Outcome(finished.learner, status, flags=finished.flags, message=finished.message)
        if finished.graded:
            ledger.record(finished.learner, candidates[finished.learner], asdict(outcome))
        outcomes[finished.learner] = outcome
        bar.update(1)

    def work() -> Iterator[Pending]:
        """Each learner to grade, their submission read when the runner is ready for them."""
        for learner, digest in candidates.items():
            folder = course.submitted_dir / learner / assignment
            inspection = inspect_submission(folder, release)
            if inspection.error:
                done(Finished(learner, False, inspection.flags, inspection.error))
                continue
            yield Pending(learner, digest, inspection.flags, inspection.forged)

    started = time.monotonic()
    try:
        for learner, problem in refused.items():
            done(Finished(learner, False, [], problem))
        for learner in candidates:  # before any is graded: a run cut short grades them again
            ledger.forget(learner)
        task = Task(course, assignment, release, say, early)
        idle = contextlib.nullcontext()  # nobody to grade: nothing to start
        with chosen.open(task, options) if candidates else idle as runner:
            if candidates:
                runner.run(work(), done)
    finally:
        bar.close()
    elapsed = time.monotonic() - started
    ordered = [outcomes[learner] for learner in learners]
    _fill_scores(course, assignment, ordered)
    graded = {o.learner: fingerprints[o.learner] for o in ordered if o.status == "graded"}
    record_attempts(course.db_url, assignment, graded, set(candidates), course.submitted_dir)
    write_report(course, assignment, ordered)
    say(summary(len(candidates) + len(refused), skipped, elapsed, chosen.label(options)))
    return ordered


def has_written_answers(release: Release) -> bool:
    """Whether an assignment has an answer cell written in Markdown, graded by hand."""
    return any(written_ids(cells) for cells in release.values())


def summary(processed: int, skipped: int, seconds: float, engine: str) -> str:
    noun = "submission" if processed == 1 else "submissions"
    rate = f", {60 * processed / seconds:.0f} per minute" if processed and seconds else ""
    line = f"{processed} {noun} processed in {seconds:.1f} s with the {engine} engine{rate}"
    if skipped:
        line += f"; {skipped} unchanged since their last grading were kept (--force: grade again)"
    return line


def _fill_scores(course: Course, assignment: str, outcomes: list[Outcome]) -> None:
    """Each graded learner's score, from nbgrader's one query for a whole assignment (a learner
    it leaves out, one with no grade rows, is looked up alone)."""
    with Gradebook(course.db_url) as gradebook:
        scores = {row["student"]: row for row in gradebook.submission_dicts(assignment)}
        for outcome in outcomes:
            if outcome.status != "graded":
                continue
            row = scores.get(outcome.learner)
            if row is None:
                try:
                    submission = gradebook.find_submission(assignment, outcome.learner)
                except MissingEntry:
                    outcome.status = "failed"
                    outcome.message = "nbgrader recorded no submission"
                    continue
                row = {"score": submission.score, "max_score": submission.max_score}
            outcome.score = row["score"]
            outcome.max_score = row["max_score"]


def report_path(course: Course, assignment: str) -> Path:
    return course.reports_dir / f"grade-{assignment}.json"


def write_report(course: Course, assignment: str, outcomes: list[Outcome]) -> Path:
    """Write the grading report atomically, so an interrupted write never leaves half a file."""
    path = report_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    payload = {"assignment": assignment, "outcomes": [asdict(o) for o in outcomes]}
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_report(course: Course, assignment: str) -> list[Outcome]:
    """The outcomes of the last ``bdhvs grade`` of ``assignment`` (empty if never graded)."""
    path = report_path(course, assignment)
    try:
        return [Outcome(**o) for o in read_outcomes(course, assignment)]
    except TypeError as exc:
        raise BdhvsError(f"{path} is damaged ({exc}); run bdhvs grade {assignment} again") from exc


def read_outcomes(course: Course, assignment: str) -> list[dict[str, Any]]:
    """The grading report's outcomes as plain dicts, parsed fast enough for a national cohort."""
    path = report_path(course, assignment)
    if not path.exists():
        return []
    try:
        outcomes = orjson.loads(path.read_bytes())["outcomes"]
        if not isinstance(outcomes, list) or not all(isinstance(o, dict) for o in outcomes):
            raise TypeError("outcomes is not a list of objects")
        return outcomes
    except (ValueError, KeyError, TypeError) as exc:
        raise BdhvsError(f"{path} is damaged ({exc}); run bdhvs grade {assignment} again") from exc
