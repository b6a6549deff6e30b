"""Read every learner's item scores from nbgrader's gradebook in a few set-based queries.

nbgrader's ``Gradebook`` objects load one learner, submission and notebook at a time, which takes
minutes for a national cohort. Here the gradebook is read with SQLAlchemy core over nbgrader's
own tables: one query for the learners, one for the cells, one for the submitted notebooks, and
queries for the grades read as columns (:mod:`graders.gradebook.arrow_reads`), which fill a compact
table of one float per learner and graded item. The same statements run on SQLite and PostgreSQL.

The grade table is read in slices by physical position (SQLite's ``rowid``, PostgreSQL's
``ctid``): each slice is one sequential range scan, so the slices can be read by several
processes at once (:mod:`graders.common.forked`) into one table in shared memory.
"""

from __future__ import annotations

import mmap
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from nbgrader.api import (
    Assignment,
    BaseCell,
    Notebook,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)
from sqlalchemy import Select, create_engine, select, text
from sqlalchemy.engine import Connection, Engine

from graders.common.errors import BdhvsError
from graders.common.forked import Started
from graders.gradebook.arrow_reads import read_table

#: No grade row: the learner has not submitted the notebook (or it was never graded).
ABSENT = -2.0e300
#: A grade row nobody has scored yet (a written answer awaiting an instructor).
PENDING = -1.0e300
FETCH_ROWS = 50_000
SHOWN_UNKNOWN = 20
SLICES_PER_JOB = 4  # more slices than processes, so the progress bar moves


class GradedCell(Protocol):
    """A graded cell as the gradebook knows it (the sources' graded items are such cells)."""

    assignment: str
    notebook: str
    cell: str


@dataclass
class ScoreTable:
    """``scores[row, column]``: the score of learner ``row`` on item ``column``, or
    :data:`PENDING` or :data:`ABSENT`."""

    learners: list[str]
    items: list[GradedCell]
    scores: np.ndarray

    def row(self, learner: int) -> list[float]:
        return self.scores[learner].tolist()


class ScoresBeingRead:
    """Every gradebook learner's score on every item, being read by ``jobs`` processes (slices
    of the grade table at once) while this one may do other work; :meth:`table` waits.

    Learners come sorted by id. A grade for a cell the sources no longer have is an error naming
    the cells, never skipped: skipping would silently lower the learners' records.
    """

    def __init__(self, db_url: str, items: Sequence[GradedCell], jobs: int) -> None:
        items = list(items)
        column = {(i.assignment, i.notebook, i.cell): n for n, i in enumerate(items)}
        names = sorted({i.assignment for i in items})
        engine = create_engine(db_url)
        try:
            with engine.connect() as connection:
                learners = list(
                    connection.execute(select(Student.id).order_by(Student.id)).scalars()
                )
                cells = _cell_columns(connection, names, column)
                slices = _slices(connection, jobs * SLICES_PER_JOB if jobs > 1 else 1)
                submitted = _submitted_query(names, engine)
        finally:
            engine.dispose()
        notebooks = _submitted_rows(db_url, submitted, learners)
        self._table = ScoreTable(learners, items, _shared_table(len(learners), len(items)))

        def read_slice(where: str | None) -> tuple[Counter[str], list[str], int]:
            return _fill(db_url, cells, notebooks, self._table, where)

        self._started = Started(read_slice, slices, jobs)

    def table(self, progress: bool | None = False) -> ScoreTable:
        """The table, once every slice is read, or the errors found in any slice.
        ``progress=None`` shows a progress bar on a terminal only."""
        unknown: Counter[str] = Counter()
        negative: list[str] = []
        for found_unknown, found_negative, _ in self._started.results(
            desc="reading grades", unit=" slices", progress=progress
        ):
            unknown.update(found_unknown)
            negative.extend(found_negative)
        if unknown:
            raise BdhvsError(_unknown_message(unknown))
        if negative:
            raise BdhvsError(
                "the gradebook holds negative scores, which no record can show: "
                + "; ".join(negative[:SHOWN_UNKNOWN])
                + "; correct them in formgrader"
            )
        return self._table


def _shared_table(learners: int, items: int) -> np.ndarray:
    """A learners x items table of :data:`ABSENT`, in memory that forked processes share."""
    size = max(1, learners * items) * 8
    table = np.frombuffer(mmap.mmap(-1, size), dtype=np.float64)[: learners * items]
    table[:] = ABSENT
    return table.reshape(learners, items)


def _slices(connection: Connection, count: int) -> list[str | None]:
    """SQL conditions cutting the grade table into ``count`` ranges of its physical order."""
    if count <= 1:
        return [None]
    dialect = connection.dialect.name
    if dialect == "sqlite":
        # two statements: SQLite finds a lone min() or max() of the rowid at once, but scans
        # the whole table for both in one
        low = connection.execute(text("SELECT min(rowid) FROM grade")).scalar_one()
        high = connection.execute(text("SELECT max(rowid) FROM grade")).scalar_one()
        if low is None:
            return [None]
        bounds = _bounds(low, high + 1, count)
        return [f"grade.rowid >= {a} AND grade.rowid < {b}" for a, b in bounds]
    if dialect == "postgresql":
        pages = connection.execute(
            text("SELECT pg_relation_size('grade') / current_setting('block_size')::int")
        ).scalar_one()
        bounds = _bounds(0, pages + 1, count)
        bounds[-1] = (bounds[-1][0], None)  # pages added since the count belong to the last
        return [
            f"grade.ctid >= '({a},0)'::tid" + (f" AND grade.ctid < '({b},0)'::tid" if b else "")
            for a, b in bounds
        ]
    return [None]


def _bounds(low: int, high: int, count: int) -> list[tuple[int, int]]:
    step = max(1, -(-(high - low) // count))
    return [(a, min(a + step, high)) for a in range(low, high, step)]


def _cell_columns(connection, assignments: list[str], column: dict) -> dict[str, int | str]:
    """gradebook cell id -> item column, or the cell's name when the sources lack it."""
    query = (
        select(BaseCell.id, Assignment.name, Notebook.name, BaseCell.name)
        .join(Notebook, BaseCell.notebook_id == Notebook.id)
        .join(Assignment, Notebook.assignment_id == Assignment.id)
        .where(Assignment.name.in_(assignments))
    )
    cells: dict[str, int | str] = {}
    for cell_id, assignment, notebook, name in connection.execute(query):
        key = (assignment, notebook, name)
        cells[cell_id] = column.get(key, "/".join(key))
    return cells


#: One slice of nbgrader's grade table, without joins: a grade's submission comes from
#: :func:`_submitted_rows`. nbgrader's rule for a score (Grade.score), except that an answer nobody
#: scored yet is :data:`PENDING` rather than 0: a record must tell "not graded yet" from "earned
#: nothing". (A number rather than NULL, so that the column is all numbers of one type.)
GRADES_SQL = (
    "SELECT notebook_id, cell_id, CAST(CASE WHEN manual_score IS NULL AND auto_score IS NULL "
    f"THEN {PENDING!r} ELSE COALESCE(manual_score, auto_score) + COALESCE(extra_credit, 0) END "
    "AS DOUBLE PRECISION) FROM grade"
)


def _submitted_query(assignments: list[str], engine: Engine) -> str:
    """Every submitted notebook of ``assignments`` with its learner, as SQL text."""
    query = (
        select(SubmittedNotebook.id, SubmittedAssignment.student_id)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        .where(Assignment.name.in_(assignments))
    )
    return str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


@dataclass
class SubmittedRows:
    """Submitted notebook ids and, for each, the learner's row in the table."""

    ids: pa.Array
    rows: np.ndarray


def _submitted_rows(db_url: str, sql: str, learners: list[str]) -> SubmittedRows:
    submitted = read_table(db_url, sql)
    ids = submitted.column(0).combine_chunks()
    found = pc.index_in(submitted.column(1), value_set=pa.array(learners, pa.string()))
    return SubmittedRows(ids.cast(pa.string()), found.fill_null(-1).to_numpy().astype(np.int64))


def driver_rows(engine: Engine, query: Select | str) -> Iterator[list[tuple]]:
    """The rows of ``query`` in chunks, from the database driver's own cursor: SQLAlchemy's row
    objects would double the time of a national cohort's millions of rows. Values come as the
    driver gives them (a SQLite timestamp is text, a PostgreSQL one a datetime)."""
    sql = (
        query
        if isinstance(query, str)
        else str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    )
    connection = engine.raw_connection()
    try:
        server_side = engine.dialect.name == "postgresql"  # stream rather than load them all
        cursor = connection.cursor("bdhvs_rows") if server_side else connection.cursor()
        cursor.execute(sql)
        while chunk := cursor.fetchmany(FETCH_ROWS):
            yield chunk
        cursor.close()
    finally:
        connection.close()


def _fill(
    db_url: str,
    cells: dict,
    notebooks: SubmittedRows,
    table: ScoreTable,
    where: str | None,
) -> tuple[Counter[str], list[str], int]:
    """Read one slice of the grades into ``table``: (unknown cells, negative scores, grades).

    The slice comes as columns (:mod:`graders.gradebook.arrow_reads`); each distinct notebook and
    cell id is looked up once, and numpy places and checks the scores.
    """
    grades = read_table(db_url, GRADES_SQL + (f" WHERE {where}" if where else ""))
    if grades.num_rows == 0:
        return Counter(), [], 0
    notebook = pc.dictionary_encode(grades.column(0).cast(pa.string())).combine_chunks()
    # the slice's distinct notebooks -> learner's row; -1: an assignment not in the sources
    learner_of = np.full(len(notebook.dictionary), -1, dtype=np.int64)
    at = pc.index_in(notebooks.ids, value_set=notebook.dictionary).fill_null(-1).to_numpy()
    learner_of[at[at >= 0]] = notebooks.rows[at >= 0]
    rows = learner_of[notebook.indices.to_numpy()]
    cell = pc.dictionary_encode(grades.column(1).cast(pa.string())).combine_chunks()
    cell_ids = cell.dictionary.to_pylist()
    # the slice's distinct cells -> item column; -1: a cell the sources lack
    column_of = np.array(
        [place if place.__class__ is int else -1 for place in map(cells.get, cell_ids)],
        dtype=np.int64,
    )
    place = column_of[cell.indices.to_numpy()]
    found = grades.column(2).to_numpy()
    mine = rows >= 0
    unknown: Counter[str] = Counter()
    for n in np.flatnonzero(mine & (place < 0)).tolist():
        cell_id = cell_ids[cell.indices[n].as_py()]
        unknown[cells.get(cell_id) or f"cell id {cell_id}"] += 1
    known = mine & (place >= 0)
    negative = [
        f"{table.learners[rows[n]]}: {table.items[place[n]].cell} = {found[n]:g}"
        for n in np.flatnonzero(known & (found < 0.0) & (found != PENDING)).tolist()
    ]
    table.scores.reshape(-1)[rows[known] * len(table.items) + place[known]] = found[known]
    return unknown, negative, grades.num_rows


def _unknown_message(unknown: Counter[str]) -> str:
    shown = [f"{cell} ({count} grades)" for cell, count in sorted(unknown.items())]
    more = len(shown) - SHOWN_UNKNOWN
    listed = "\n  ".join(shown[:SHOWN_UNKNOWN]) + (f"\n  ... and {more} more" if more > 0 else "")
    return (
        f"the gradebook has grades for {len(unknown)} cell(s) not in the current sources:\n  "
        f"{listed}\nrebuild and regrade the assignment, or restore its source; "
        "no record was written"
    )
