"""Every graded attempt of a learner at an assignment, kept in the gradebook's own database.

nbgrader keeps one submission per learner and assignment: grading a new one replaces the
grades of the last. ``bdhvs grade`` therefore copies the per-cell scores of every submission it
grades into two tables of the same database (so they live wherever the gradebook lives, SQLite
or PostgreSQL, and are backed up with it):

* ``bdhvs_attempt``: one row per learner, assignment and submission, with nbgrader's
  submission timestamp and when the attempt was first and last graded;
* ``bdhvs_attempt_score``: one row per graded cell of an attempt (``NULL`` while pending).

An attempt is identified by a digest of the submission folder's contents (nbgrader's
``timestamp.txt`` included), so grading the same submission again (``--force``, a resumed run,
changed sources) refreshes that attempt's scores and never adds an attempt.

The roll-up reads all attempts of a course in three queries (plus one for the scores, needed only
by the ``best`` policy) and :func:`choose` picks the attempt whose evidence counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from nbgrader.api import (
    Assignment,
    BaseCell,
    Grade,
    Notebook,
    SubmittedAssignment,
    SubmittedNotebook,
)
from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from graders.common.digests import fingerprint
from graders.gradebook.arrow_reads import read_table
from graders.gradebook.policies import ATTEMPT_POLICIES

METADATA = MetaData()

ATTEMPTS = Table(
    "bdhvs_attempt",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assignment", String(128), nullable=False),
    Column("learner", String(128), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # what the scores were graded with
    Column("submitted_at", DateTime(), nullable=True),
    Column("first_graded_at", DateTime(), nullable=False),
    Column("graded_at", DateTime(), nullable=False),
    UniqueConstraint("assignment", "learner", "digest", name="bdhvs_attempt_submission"),
)

SCORES = Table(
    "bdhvs_attempt_score",
    METADATA,
    Column(
        "attempt_id",
        Integer,
        ForeignKey("bdhvs_attempt.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("notebook", String(128), primary_key=True),
    Column("cell", String(128), primary_key=True),
    Column("score", Float(), nullable=True),
)

CHUNK = 500  # ids per IN (...) list, well under every database's limit on parameters

ItemKey = tuple[str, str]  # (notebook, cell)


def submission_digest(folder: Path) -> str:
    """What identifies one submission: a digest of its folder's names, contents and links."""
    return fingerprint(folder, "submission")


def _engine(db_url: str) -> Engine:
    engine = create_engine(db_url)
    METADATA.create_all(engine)
    return engine


def _now() -> datetime:
    """nbgrader stores naive UTC datetimes; attempts use the same convention."""
    return datetime.now(UTC).replace(tzinfo=None)


def _gradebook_scores(
    connection: Connection, assignment: str, learners: list[str]
) -> dict[str, tuple[datetime | None, dict[ItemKey, float | None]]]:
    """learner -> (nbgrader's submission timestamp, (notebook, cell) -> score or None)."""
    if not learners:
        return {}
    names = {
        cell_id: (notebook, cell)
        for cell_id, notebook, cell in connection.execute(
            select(BaseCell.id, Notebook.name, BaseCell.name)
            .join(Notebook, Notebook.id == BaseCell.notebook_id)
            .join(Assignment, Assignment.id == Notebook.assignment_id)
            .where(Assignment.name == assignment)
        )
    }
    grade = Grade.__table__.c
    query = (
        select(
            SubmittedAssignment.student_id,
            SubmittedAssignment.timestamp,
            grade.cell_id,
            grade.auto_score,
            grade.manual_score,
            grade.extra_credit,
        )
        .select_from(Grade.__table__)
        .join(SubmittedNotebook, SubmittedNotebook.id == grade.notebook_id)
        .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
        .where(Assignment.name == assignment)
    )
    if len(learners) <= CHUNK:  # else one pass over the assignment beats many lists of ids
        query = query.where(SubmittedAssignment.student_id.in_(learners))
    wanted = set(learners)
    found: dict[str, tuple[datetime | None, dict[ItemKey, float | None]]] = {}
    for learner, stamp, cell_id, auto, manual, extra in connection.execute(query):
        if learner in wanted:
            scores = found.setdefault(learner, (stamp, {}))[1]
            scores[names[cell_id]] = _score(auto, manual, extra)
    return found


def _score(auto: float | None, manual: float | None, extra: float | None) -> float | None:
    """nbgrader's rule for a grade's score; None while nobody (nor the autograder) scored it."""
    if manual is None and auto is None:
        return None
    return (manual if manual is not None else auto) + (extra or 0.0)


def record_attempts(
    db_url: str,
    assignment: str,
    graded: dict[str, str],
    regraded: set[str],
    submitted_dir: Path,
) -> int:
    """Keep the gradebook's current scores of ``assignment`` as attempts; return how many are new.

    ``graded`` maps every learner whose submission is graded to the fingerprint their grades
    were made with (:func:`graders.grading.resume.fingerprint`); ``regraded`` are those graded
    in this run. A submission not kept yet becomes a new attempt; a kept one has its scores
    refreshed.
    Learners graded in an earlier run whose fingerprint is already kept are not read again, so
    a run that grades nobody costs one query; a run killed before it kept its attempts has them
    kept by the next one.
    """
    if not graded:
        return 0
    engine = _engine(db_url)
    try:
        with engine.begin() as connection:
            known: dict[tuple[str, str], int] = {}
            kept: set[tuple[str, str]] = set()  # (learner, fingerprint)
            query = select(
                ATTEMPTS.c.learner, ATTEMPTS.c.digest, ATTEMPTS.c.id, ATTEMPTS.c.fingerprint
            ).where(ATTEMPTS.c.assignment == assignment)
            for learner, digest, attempt_id, used in connection.execute(query):
                known[(learner, digest)] = attempt_id
                kept.add((learner, used))
            digests = {
                learner: submission_digest(submitted_dir / learner / assignment)
                for learner, used in graded.items()
                if learner in regraded or (learner, used) not in kept
            }
            current = _gradebook_scores(connection, assignment, sorted(digests))
            now = _now()
            refresh = {
                known[(lr, d)]: (graded[lr], current[lr][1])
                for lr, d in digests.items()
                if (lr, d) in known and lr in current
            }
            _refresh(connection, refresh, now)
            rows = [
                {
                    "assignment": assignment,
                    "learner": learner,
                    "digest": digest,
                    "fingerprint": graded[learner],
                    "submitted_at": current[learner][0],
                    "first_graded_at": now,
                    "graded_at": now,
                }
                for learner, digest in digests.items()
                if (learner, digest) not in known and learner in current
            ]
            if rows:
                ids = connection.execute(
                    insert(ATTEMPTS).returning(ATTEMPTS.c.learner, ATTEMPTS.c.id), rows
                ).all()
                _insert_scores(connection, {i: current[lr][1] for lr, i in ids})
    finally:
        engine.dispose()
    return len(rows)


def _refresh(
    connection: Connection,
    attempts: dict[int, tuple[str, dict[ItemKey, float | None]]],
    now: datetime,
) -> None:
    """Replace the scores of attempts graded again, and note the fingerprint and time."""
    if not attempts:
        return
    connection.execute(
        delete(SCORES).where(SCORES.c.attempt_id == bindparam("attempt")),
        [{"attempt": i} for i in attempts],
    )
    connection.execute(
        update(ATTEMPTS)
        .where(ATTEMPTS.c.id == bindparam("attempt"))
        .values(graded_at=now, fingerprint=bindparam("used")),
        [{"attempt": i, "used": used} for i, (used, _) in attempts.items()],
    )
    _insert_scores(connection, {i: scores for i, (_, scores) in attempts.items()})


def _insert_scores(connection: Connection, scores: dict[int, dict[ItemKey, float | None]]) -> None:
    rows = [
        {"attempt_id": i, "notebook": nb, "cell": cell, "score": value}
        for i, items in scores.items()
        for (nb, cell), value in items.items()
    ]
    if rows:
        connection.execute(insert(SCORES), rows)


def forget_attempts(db_url: str, learner: str) -> int:
    """Erase every attempt of ``learner``; return how many there were."""
    engine = _engine(db_url)
    try:
        with engine.begin() as connection:
            ids = [
                i
                for (i,) in connection.execute(
                    select(ATTEMPTS.c.id).where(ATTEMPTS.c.learner == learner)
                )
            ]
            for chunk in range(0, len(ids), CHUNK):
                part = ids[chunk : chunk + CHUNK]
                connection.execute(delete(SCORES).where(SCORES.c.attempt_id.in_(part)))
                connection.execute(delete(ATTEMPTS).where(ATTEMPTS.c.id.in_(part)))
    finally:
        engine.dispose()
    return len(ids)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One graded submission. ``scores`` is None for the one nbgrader holds now (the live
    gradebook is used for it, manual grades included); empty when scores were not read."""

    number: int
    submitted_at: datetime | None  # nbgrader's timestamp, else when the attempt was first graded
    current: bool
    scores: dict[ItemKey, float | None] | None = None


@dataclass(frozen=True)
class History:
    """A learner's attempts at one assignment, in the order they were submitted."""

    attempts: tuple[Attempt, ...]

    @property
    def current(self) -> Attempt:
        return next(a for a in self.attempts if a.current)


@dataclass(frozen=True, slots=True)
class Choice:
    """The attempt whose evidence counts: its number, how many there were, when it was
    submitted, and its scores (None: the gradebook's scores are the ones that count)."""

    attempt: int
    attempts: int
    submitted_at: str | None
    scores: dict[ItemKey, float | None] | None


class Histories:
    """Every learner's attempts at every assignment, read in three queries.

    A History is made only when asked for (:meth:`get`): a national cohort has a million
    submissions, nearly all with a single attempt, and most are never looked at twice.
    """

    def __init__(
        self,
        stamps: SubmissionStamps,
        rows: dict[tuple[str, str], list],
        scores: dict[int, dict[ItemKey, float | None]],
    ) -> None:
        self._stamps = stamps
        # (learner, assignment) -> [(id, submitted, first graded, graded)], times as the
        # driver gives them, for the submissions with more than the attempt nbgrader holds
        self._rows = rows
        self._scores = scores

    def get(self, learner: str, assignment: str) -> History | None:
        """The learner's attempts at the assignment; None when nbgrader holds no submission."""
        stamp = self._stamps.get(learner, assignment)
        if stamp is _NONE:
            return None
        rows = self._rows.get((learner, assignment), [])
        return _history(_datetime(stamp), rows, self._scores)

    def choice(
        self, learner: str, assignment: str, live: dict[ItemKey, float | None], policy: str
    ) -> Choice | None:
        """:func:`choose` on the learner's history, quicker for the usual single attempt."""
        stamp = self._stamps.get(learner, assignment)
        if stamp is _NONE:
            return None
        when = _datetime(stamp)
        rows = self._rows.get((learner, assignment))
        if rows is None:
            return Choice(1, 1, _iso(when), None)
        if len(rows) == 1 and _datetime(rows[0][1]) == when:  # the one attempt nbgrader holds
            return Choice(1, 1, _iso(when or _datetime(rows[0][2])), None)
        return choose(self.get(learner, assignment), live, policy)

    def submitted_at(
        self, learners: list[str], assignments: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(whether nbgrader holds a submission, its timestamp: NaT where there is none) for
        these learners (rows) and assignments (columns); for learners not in
        :meth:`beyond_gradebook`, the attempt that counts was submitted then."""
        return self._stamps.tables_of(learners, assignments)

    def beyond_gradebook(self) -> set[str]:
        """The learners with kept attempts beyond the submission nbgrader holds, whose choice
        needs their history."""
        return {learner for learner, _ in self._rows}

    def several(self) -> Iterator[tuple[str, str]]:
        """The (learner, assignment) pairs with more than one attempt: the only ones where
        the ``best`` policy may count another attempt than nbgrader's."""
        for (learner, assignment), rows in self._rows.items():
            stamp = self._stamps.get(learner, assignment)
            if stamp is _NONE:
                continue
            if len(rows) > 1 or _datetime(rows[0][1]) != _datetime(stamp):
                yield learner, assignment

    def __len__(self) -> int:
        return len(self._stamps)


_NONE = object()  # no submission


class SubmissionStamps:
    """nbgrader's timestamp of every submission, in tables of learners x assignments: whether
    nbgrader holds a submission, and when it was made (NaT: no timestamp). A national cohort
    has a million submissions; tables read as columns are made in a fraction of the time a
    dictionary per learner takes, and a span's times are taken from them at once."""

    def __init__(
        self, learners: list[str], assignments: list[str], held: np.ndarray, times: np.ndarray
    ) -> None:
        self._row = {learner: n for n, learner in enumerate(learners)}
        self._column = {assignment: n for n, assignment in enumerate(assignments)}
        self._held = held
        self._times = times

    def get(self, learner: str, assignment: str) -> datetime | None | object:
        """The timestamp, None without one, or :data:`_NONE` when nothing was submitted."""
        row = self._row.get(learner)
        column = self._column.get(assignment)
        if row is None or column is None or not self._held[row, column]:
            return _NONE
        when = self._times[row, column]
        return None if np.isnat(when) else when.item()

    def tables_of(
        self, learners: list[str], assignments: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(whether nbgrader holds a submission, its timestamp in microseconds, NaT where there
        is none) for these learners (rows) and assignments (columns)."""
        held = np.zeros((len(learners), len(assignments)), dtype=bool)
        times = np.full(held.shape, np.datetime64("NaT", "us"))
        rows = np.array([self._row.get(learner, -1) for learner in learners], dtype=np.int64)
        known = rows >= 0
        for at, assignment in enumerate(assignments):
            column = self._column.get(assignment)
            if column is not None:
                held[known, at] = self._held[rows[known], column]
                times[known, at] = self._times[rows[known], column]
        return held, times

    def __len__(self) -> int:
        return int(self._held.sum())


def iso_seconds(times: np.ndarray) -> np.ndarray:
    """Timestamps as :class:`Choice` writes them (``2026-11-02T08:00:00+00:00``); None for NaT."""
    found = np.full(times.shape, None, dtype=object)
    written = ~np.isnat(times)
    if written.any():
        seconds = np.datetime_as_string(times[written].astype("datetime64[s]"), unit="s")
        found[written] = np.char.add(seconds, "+00:00").tolist()
    return found


def _read_stamps(db_url: str, engine: Engine, assignments: list[str]) -> SubmissionStamps:
    """Every submission's timestamp, read as columns (:mod:`graders.gradebook.arrow_reads`)."""
    query = (
        select(
            SubmittedAssignment.student_id,
            Assignment.name,
            _timestamp(SubmittedAssignment.timestamp, engine),
        )
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
        .where(Assignment.name.in_(assignments))
    )
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    found = read_table(db_url, sql)
    if found.num_rows == 0:
        return SubmissionStamps([], [], np.zeros((0, 0), bool), np.zeros((0, 0), "datetime64[us]"))
    learner_codes, learner_names = _codes(found.column(0))
    assignment_codes, assignment_names = _codes(found.column(1))
    at = (learner_codes, assignment_codes)
    held = np.zeros((len(learner_names), len(assignment_names)), dtype=bool)
    held[at] = True
    times = np.full(held.shape, np.datetime64("NaT", "us"))
    times[at] = _datetime64(found.column(2))
    return SubmissionStamps(learner_names, assignment_names, held, times)


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """A text column as (the number of each row's value, the distinct values in that order):
    a million learner ids compared as integers rather than strings."""
    encoded = pc.dictionary_encode(column.cast(pa.string())).combine_chunks()
    return encoded.indices.to_numpy(), encoded.dictionary.to_pylist()


def _timestamp(column: Any, engine: Engine) -> Any:
    """A nullable timestamp column for :func:`_datetime64`. SQLite keeps timestamps as text,
    and a text column that starts with NULLs would not tell the ADBC SQLite driver its type, so
    there NULL is read as ''."""
    return column if engine.dialect.name == "postgresql" else func.coalesce(column, "")


def _datetime64(column: pa.ChunkedArray) -> np.ndarray:
    """A column from :func:`_timestamp` as microseconds, NaT for none."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)
    return column.cast(pa.timestamp("us")).to_numpy().astype("datetime64[us]")


def read_attempts(db_url: str, assignments: list[str], with_scores: bool) -> Histories:
    """Every submission nbgrader holds of ``assignments``, with the attempts kept of it.

    The attempt nbgrader holds now is the last graded one submitted at the gradebook's
    timestamp; a gradebook submission no ``bdhvs grade`` recorded (``nbgrader autograde``)
    counts as one more attempt.
    """
    engine = _engine(db_url)
    try:
        with engine.connect() as connection:
            stamps = _read_stamps(db_url, engine, assignments)
            rows = _kept_beyond_gradebook(db_url, engine, assignments, stamps)
            scores = _attempt_scores(connection, assignments) if with_scores else {}
    finally:
        engine.dispose()
    return Histories(stamps, rows, scores)


def _kept_beyond_gradebook(
    db_url: str, engine: Engine, assignments: list[str], stamps: SubmissionStamps
) -> dict[tuple[str, str], list]:
    """(learner, assignment) -> [(id, submitted, first graded, graded)] of the submissions
    whose history is more than the one attempt nbgrader holds: several attempts, or one not
    submitted at nbgrader's timestamp (or without one).

    A single kept attempt submitted at nbgrader's timestamp is the submission the gradebook
    holds, which the timestamp alone describes; a national cohort has a million of them. The
    attempts are read as columns and compared with the timestamps there, and only the others
    become Python objects (times as the driver gives them, as :func:`_datetime` reads them).
    """
    query = select(
        ATTEMPTS.c.id,
        ATTEMPTS.c.learner,
        ATTEMPTS.c.assignment,
        _timestamp(ATTEMPTS.c.submitted_at, engine),
        ATTEMPTS.c.first_graded_at,
        ATTEMPTS.c.graded_at,
    ).where(ATTEMPTS.c.assignment.in_(assignments))
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    found = read_table(db_url, sql)
    if found.num_rows == 0:
        return {}
    learner_codes, learner_names = _codes(found.column(1))
    assignment_codes, assignment_names = _codes(found.column(2))
    pair = learner_codes.astype(np.int64) * len(assignment_names) + assignment_codes
    _, which, count = np.unique(pair, return_inverse=True, return_counts=True)
    submitted = _datetime64(found.column(3))
    held, times = stamps.tables_of(learner_names, assignment_names)
    stamp = times[learner_codes, assignment_codes]
    held_now = held[learner_codes, assignment_codes]
    beyond = (count[which] > 1) | ~held_now | np.isnat(submitted) | np.isnat(stamp)
    beyond |= submitted != stamp
    rows: dict[tuple[str, str], list] = defaultdict(list)
    kept = found.filter(pa.array(beyond))
    columns = [column.to_pylist() for column in kept.columns]
    for attempt_id, who, what, at, first, graded in zip(*columns, strict=True):
        rows[(who, what)].append((attempt_id, at or None, first, graded))
    return rows


def _datetime(value: Any) -> datetime | None:
    """A timestamp as SQLite (text) or PostgreSQL (datetime) gives it, as a naive datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _attempt_scores(
    connection: Connection, assignments: list[str]
) -> dict[int, dict[ItemKey, float | None]]:
    query = (
        select(SCORES.c.attempt_id, SCORES.c.notebook, SCORES.c.cell, SCORES.c.score)
        .join(ATTEMPTS, ATTEMPTS.c.id == SCORES.c.attempt_id)
        .where(ATTEMPTS.c.assignment.in_(assignments))
    )
    scores: dict[int, dict[ItemKey, float | None]] = defaultdict(dict)
    for attempt_id, notebook, cell, value in connection.execute(query):
        scores[attempt_id][(notebook, cell)] = value
    return scores


def _history(
    stamp: datetime | None, rows: list, scores: dict[int, dict[ItemKey, float | None]]
) -> History:
    """Order the recorded attempts and mark the one the gradebook holds."""
    rows = [(n, _datetime(a), _datetime(b), _datetime(c)) for n, a, b, c in rows]
    if not rows or (len(rows) == 1 and rows[0][1] == stamp):  # by far the most common case
        return History((Attempt(1, stamp if stamp or not rows else rows[0][2], True),))
    rows = sorted(rows, key=lambda r: (r[1] or r[2], r[2], r[0]))
    matching = [r for r in rows if r[1] == stamp]
    live = max(matching, key=lambda r: (r[3], r[0]))[0] if matching else None
    attempts = [
        Attempt(n, r[1] or r[2], r[0] == live, None if r[0] == live else scores.get(r[0], {}))
        for n, r in enumerate(rows, 1)
    ]
    if live is None:
        attempts.append(Attempt(len(rows) + 1, stamp, True))
    return History(tuple(attempts))


def choose(
    history: History | None, live: dict[ItemKey, float | None], policy: str
) -> Choice | None:
    """The attempt ``policy`` picks; None when nbgrader holds no submission.

    ``latest`` keeps the gradebook's scores (nbgrader's behaviour). ``best`` takes the attempt
    with the most points earned (the later one on a tie) among those graded on every item the
    gradebook's attempt was graded on; ``live`` is the gradebook's (notebook, cell) -> score.
    """
    if policy not in ATTEMPT_POLICIES:
        raise ValueError(f"unknown attempts policy {policy!r}")
    if history is None:
        return None
    attempt = history.current if policy == "latest" else _best(history, live)
    return Choice(attempt.number, len(history.attempts), _iso(attempt.submitted_at), attempt.scores)


def _best(history: History, live: dict[ItemKey, float | None]) -> Attempt:
    def earned(attempt: Attempt) -> float:
        scores = live if attempt.scores is None else attempt.scores
        return sum(scores[key] or 0.0 for key in live)

    comparable = [
        a for a in history.attempts if a.scores is None or all(k in a.scores for k in live)
    ]
    return max(comparable, key=lambda a: (earned(a), a.number))


def _iso(stamp: datetime | None) -> str | None:
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.isoformat(timespec="seconds")
