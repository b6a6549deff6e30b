"""Read every learner's item scores from nbgrader's gradebook in a few set-based queries.

nbgrader's ``Gradebook`` objects load one learner, submission and notebook at a time, which takes
minutes for a national cohort. Here the gradebook is read with SQLAlchemy core over nbgrader's
own tables: one query for the learners, one for the cells, and one streamed query for the grades,
which fills a compact table of one float per learner and graded item. The same statements run
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from nbgrader.api import (
    Assignment,
    BaseCell,
    Grade,
    Notebook,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)
from sqlalchemy import Float, and_, case, create_engine, func, literal, select
from tqdm import tqdm

from graders.errors import BdhvsError
from graders.sources import GradedItem

#: No grade row: the learner has not submitted the notebook (or it was never graded).
ABSENT = -2.0e300
#: A grade row nobody has scored yet (a written answer awaiting an instructor).
PENDING = -1.0e300
FETCH_ROWS = 50_000
SHOWN_UNKNOWN = 20


@dataclass
class ScoreTable:
    """``scores[row * len(items) + column]``: the score of learner ``row`` on item ``column``,
    or :data:`PENDING` or :data:`ABSENT`."""

    learners: list[str]
    items: list[GradedItem]
    scores: array

    def row(self, learner: int) -> array:
        width = len(self.items)
        return self.scores[learner * width : (learner + 1) * width]


def read_scores(
    db_url: str, items: Sequence[GradedItem], *, progress: bool | None = False
) -> ScoreTable:
    """Every gradebook learner's score on every item; learners come sorted by id.

    A grade for a cell the sources no longer have is an error naming the cells, never skipped:
    skipping would silently lower the learners' records. ``progress=None`` shows a progress bar
    on a terminal only.
    """
    items = list(items)
    column = {(i.assignment, i.notebook, i.cell): n for n, i in enumerate(items)}
    names = sorted({i.assignment for i in items})
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            learners = list(connection.execute(select(Student.id).order_by(Student.id)).scalars())
            cells = _cell_columns(connection, names, column)
            table = ScoreTable(learners, items, array("d", [ABSENT]) * (len(learners) * len(items)))
            _fill(connection, names, cells, table, progress)
    finally:
        engine.dispose()
    return table


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


def _fill(connection, assignments: list[str], cells: dict, table: ScoreTable, progress) -> None:
    grades = Grade.__table__
    auto, manual, extra = grades.c.auto_score, grades.c.manual_score, grades.c.extra_credit
    # nbgrader's own rule (Grade.score), except that an answer nobody scored yet is PENDING
    # rather than 0: a record must tell "not graded yet" from "earned nothing".
    value = case(
        (and_(manual.is_(None), auto.is_(None)), literal(PENDING, Float)),
        else_=func.coalesce(manual, auto) + func.coalesce(extra, literal(0.0, Float)),
    )
    query = (
        select(SubmittedAssignment.student_id, grades.c.cell_id, value)
        .select_from(grades)
        .join(SubmittedNotebook, grades.c.notebook_id == SubmittedNotebook.id)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        .where(Assignment.name.in_(assignments))
    )
    width = len(table.items)
    offset = {learner: n * width for n, learner in enumerate(table.learners)}
    scores = table.scores
    unknown: Counter[str] = Counter()
    negative: list[str] = []
    result = connection.execution_options(stream_results=True, yield_per=FETCH_ROWS).execute(query)
    bar = tqdm(desc="reading grades", unit=" grades", unit_scale=True, disable=_hidden(progress))
    with bar:
        for chunk in result.partitions():
            for learner, cell_id, score in chunk:
                place = cells.get(cell_id)
                if place.__class__ is not int:
                    unknown[place or f"cell id {cell_id}"] += 1
                    continue
                if score < 0.0 and score != PENDING:
                    negative.append(f"{learner}: {table.items[place].cell} = {score:g}")
                scores[offset[learner] + place] = score
            bar.update(len(chunk))
    if unknown:
        raise BdhvsError(_unknown_message(unknown))
    if negative:
        raise BdhvsError(
            "the gradebook holds negative scores, which no record can show: "
            + "; ".join(negative[:SHOWN_UNKNOWN])
            + "; correct them in formgrader"
        )


def _unknown_message(unknown: Counter[str]) -> str:
    shown = [f"{cell} ({count} grades)" for cell, count in sorted(unknown.items())]
    more = len(shown) - SHOWN_UNKNOWN
    listed = "\n  ".join(shown[:SHOWN_UNKNOWN]) + (f"\n  ... and {more} more" if more > 0 else "")
    return (
        f"the gradebook has grades for {len(unknown)} cell(s) not in the current sources:\n  "
        f"{listed}\nrebuild and regrade the assignment, or restore its source; "
        "no record was written"
    )


def _hidden(progress: bool | None) -> bool | None:
    """tqdm's ``disable``: None hides the bar when stderr is not a terminal."""
    return None if progress is None else not progress
