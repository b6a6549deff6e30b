"""Costs of nbgrader's own steps that a long grading run pays once instead of every time.

None changes what nbgrader computes or writes:

- nbgrader's CheckCellMetadata step validates every cell's nbgrader metadata with
  ``jsonschema``, which first checks nbgrader's own schema against JSON Schema's meta-schema.
  Cells restored from the release carry the same metadata in every submission, so
  :func:`remember_valid_metadata` remembers which metadata (compared as canonical JSON) passed,
  and validates only what it has not seen pass.
- Each of nbgrader's steps opens its own ``Gradebook``, which creates a new SQLAlchemy engine,
  about nine per submission, so SQLAlchemy compiles nbgrader's queries again each time, and
  opens a new connection (on PostgreSQL, a login). :func:`shared_engines` lets those
  gradebooks share one engine and its connections per database while it is active, which keeps
  SQLAlchemy's cache of compiled queries. Each ``Gradebook`` also lists the database's tables,
  creates the missing ones and checks that the course has its row; once a step that did so has
  been committed, they exist for the rest of the run, and later gradebooks skip those checks.
- nbgrader looks up the assignment's cells (a query joining three tables), and each grade and
  comment it saves (a query joining six), once for every cell of every submission. While
  :func:`shared_engines` is active, a gradebook reads all the rows of one kind for a notebook
  (or a learner's notebook), with the columns of their own tables, in one query the first time
  it needs one of them, and answers later
  look-ups from what it read; a row it has not read is looked up as nbgrader does. The rows are
  the session's own objects, so what nbgrader changes in them is saved as before.
- nbgrader adds a submission (:func:`_add_submission`) as one ORM object for the submission,
  each of its notebooks and each empty grade and comment, which the session then flushes one at
  a time with its bookkeeping, about thirty objects for each learner. While :func:`shared_engines`
  is active, the same rows are inserted as rows, a table at a time, with no object to track.
- nbgrader's SaveAutoGrades step commits after every grade and comment it saves, which writes
  each one out and makes the session read it again for the next; while :func:`shared_engines`
  is active, it commits them all once, when it is done (:class:`_CommitOnExit`).
- Each commit of nbgrader's waits for the disk. Inside
  :meth:`SharedGradebooks.one_transaction`, every gradebook of the step works in one database
  transaction, committed once when the step ends: each of nbgrader's sessions runs in a
  savepoint of it, so nbgrader's commits and rollbacks keep their meaning within the step.
  A step that fails, or a run killed mid-step, leaves nothing of that step in the gradebook.
"""

from __future__ import annotations

import contextlib
import json
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import nbgrader.api
import nbgrader.preprocessors.saveautogrades
import nbgrader.utils
import sqlalchemy
import sqlalchemy.orm
import sqlalchemy.orm.attributes
from nbgrader.api import (
    Comment,
    Grade,
    Gradebook,
    InvalidEntry,
    MissingEntry,
    SubmittedAssignment,
    SubmittedNotebook,
    new_uuid,
)
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from sqlalchemy import Connection, Engine, Transaction
from sqlalchemy.exc import IntegrityError, SQLAlchemyError, StatementError

VALID_METADATA_REMEMBERED = 10_000  # distinct metadata; a course has a few hundred cells
_valid_metadata: set[tuple[type, str]] = set()


def remember_valid_metadata() -> None:
    """Validate each distinct nbgrader cell metadata once per process, not once per cell."""
    validate = BaseMetadataValidator.validate_cell
    if getattr(validate, "remembers", False):
        return

    def validate_cell(self: BaseMetadataValidator, cell: Any) -> None:
        if "nbgrader" not in cell.metadata:
            return
        key = (type(self), json.dumps(cell.metadata["nbgrader"], sort_keys=True))
        if key in _valid_metadata:
            return
        validate(self, cell)  # raises for invalid metadata, which is never remembered
        if len(_valid_metadata) < VALID_METADATA_REMEMBERED:
            _valid_metadata.add(key)

    validate_cell.remembers = True  # type: ignore[attr-defined]
    BaseMetadataValidator.validate_cell = validate_cell


_EngineKey = tuple[str, tuple[tuple[str, Any], ...]]


class SharedGradebooks:
    """What nbgrader's ``Gradebook`` connects through while :func:`shared_engines` is active."""

    def __init__(self, create: Callable[..., Engine]) -> None:
        self._create = create
        self._engines: dict[_EngineKey, Engine] = {}
        self._steps: dict[_EngineKey, tuple[Connection, Transaction]] | None = None
        self._keys: weakref.WeakKeyDictionary[Engine | Connection, _EngineKey] = (
            weakref.WeakKeyDictionary()
        )
        # What is committed to a database (its tables, a course's row) stays true for the rest
        # of the run; what a step made becomes true when the step commits.
        self._known: set[tuple[Any, ...]] = set()
        self._known_in_step: set[tuple[Any, ...]] = set()

    def create_engine(self, url: str, **options: Any) -> Engine | Connection:
        """A gradebook's engine: the shared engine, or within a step, the step's connection."""
        key = (str(url), tuple(sorted(options.items())))
        if key not in self._engines:
            engine = self._create(url, **options)
            # A gradebook disposes of its engine when it closes; the shared one keeps its pool
            # until the run ends, as a new connection to a server costs a login each time.
            engine.dispose = lambda close=True: None
            self._engines[key] = engine
            self._keys[engine] = key
        if self._steps is None:
            return self._engines[key]
        if key not in self._steps:
            connection = self._engines[key].connect()
            connection.dispose = lambda close=True: None  # as the gradebook sees an engine
            transaction = connection.begin()
            # Within a savepoint, a session bound to the connection runs in a savepoint of its
            # own (SQLAlchemy's "conservative_savepoint"), so its commit does not end the step.
            connection.begin_nested()
            self._steps[key] = (connection, transaction)
            self._keys[connection] = key
        return self._steps[key][0]

    def _learn(self, bind: Engine | Connection, *fact: Any) -> None:
        key = self._keys.get(bind)
        if key is not None:
            (self._known if self._steps is None else self._known_in_step).add((key, *fact))

    def _knows(self, bind: Engine | Connection, *fact: Any) -> bool:
        return (self._keys.get(bind), *fact) in self._known

    def inspect(self, bind: Engine | Connection) -> Any:
        """What a gradebook asks before creating its tables: which tables there are."""
        return _TablesExist() if self._knows(bind, "tables") else sqlalchemy.inspect(bind)

    def create_all(self, bind: Engine | Connection, **options: Any) -> None:
        """nbgrader's tables, created where missing, unless they are known to exist."""
        if not self._knows(bind, "tables"):
            type(nbgrader.api.Base.metadata).create_all(nbgrader.api.Base.metadata, bind, **options)
            self._learn(bind, "tables")

    def check_course(self, check: Callable[..., Any]) -> Callable[..., nbgrader.api.Course | None]:
        """nbgrader's check that the course has its row (which it adds if missing), which each
        new gradebook makes, and only that; once the row is known to exist it is not checked."""

        def check_course(gradebook: Gradebook, course_id: str = "default_course", **kw: Any):
            if not kw and self._knows(gradebook.engine, "course", course_id):
                return None  # the gradebook does not use the row it asked for
            course = check(gradebook, course_id=course_id, **kw)
            self._learn(gradebook.engine, "course", course_id)
            return course

        return check_course

    @contextlib.contextmanager
    def one_transaction(self) -> Iterator[None]:
        """Commit every gradebook write of the block once at its end, or none if it raises."""
        if self._steps is not None:
            raise RuntimeError("gradebook steps do not nest")
        self._steps = steps = {}
        try:
            yield
            for _connection, transaction in steps.values():
                transaction.commit()
            self._known |= self._known_in_step
        finally:
            self._steps = None
            self._known_in_step = set()
            for connection, transaction in steps.values():
                # A lost connection fails here too; the error that ended the step is the one
                # to report.
                with contextlib.suppress(SQLAlchemyError):
                    if transaction.is_active:
                        transaction.rollback()
                    connection.close()

    def close(self) -> None:
        for engine in self._engines.values():
            type(engine).dispose(engine)


class _TablesExist:
    """The answer ``sqlalchemy.inspect`` gives a gradebook whose tables are known to exist."""

    def get_table_names(self) -> list[str]:
        return sorted(nbgrader.api.Base.metadata.tables)


_ReadAll = Callable[..., dict[str, Any]]


def _read_once(find: Callable[..., Any], read_all: _ReadAll) -> Callable[..., Any]:
    """nbgrader's look-up of one row by name, answered from all the rows of its kind that
    ``read_all`` reads at once, once per gradebook; a name not among them is looked up as
    nbgrader does (which raises nbgrader's own error)."""

    def find_one(gradebook: Gradebook, name: str, *scope: str) -> Any:
        read = gradebook.__dict__.setdefault("_read_once", {})
        key = (find.__name__, *scope)
        if key not in read:
            try:
                read[key] = read_all(gradebook, *scope)
            except MissingEntry:
                return find(gradebook, name, *scope)
        found = read[key].get(name)
        return found if found is not None else find(gradebook, name, *scope)

    return find_one


def _source_cells(gradebook: Gradebook, notebook: str, assignment: str) -> dict[str, Any]:
    return {cell.name: cell for cell in gradebook.find_notebook(notebook, assignment).source_cells}


def _graded_cells(gradebook: Gradebook, notebook: str, assignment: str) -> dict[str, Any]:
    """The notebook's grade cells, then its task cells (nbgrader's order), by name.

    Every cell of the notebook is read in one query with the columns of its own table, and that
    becomes the notebook's list of cells when it has not been read yet: read through that list,
    as nbgrader's steps do, each cell would fetch its score and type in a query of its own.
    """
    source = gradebook.find_notebook(notebook, assignment)
    every_kind = sqlalchemy.orm.with_polymorphic(nbgrader.api.BaseCell, "*")
    cells = gradebook.db.query(every_kind).filter(every_kind.notebook_id == source.id).all()
    if "_base_cells" in sqlalchemy.inspect(source).unloaded:
        sqlalchemy.orm.attributes.set_committed_value(source, "_base_cells", cells)
        for cell in cells:  # which keeps the notebook, held weakly by the session, in memory
            if "notebook" in sqlalchemy.inspect(cell).unloaded:
                sqlalchemy.orm.attributes.set_committed_value(cell, "notebook", source)
    graded: dict[str, Any] = {}
    for kind in (nbgrader.api.GradeCell, nbgrader.api.TaskCell):
        for cell in cells:
            if isinstance(cell, kind):
                graded.setdefault(cell.name, cell)
    return graded


def _submitted_notebook(gradebook: Gradebook, notebook: str, assignment: str, student: str):
    """nbgrader's look-up of a learner's notebook, made once per gradebook for its grades and
    its comments alike."""
    found = gradebook.__dict__.setdefault("_submitted_notebooks", {})
    key = (notebook, assignment, student)
    if key not in found:
        found[key] = gradebook.find_submission_notebook(notebook, assignment, student)
    return found[key]


def _per_cell(kind: type) -> _ReadAll:
    """A submitted notebook's rows of ``kind`` (grades, comments), with their cells, by name."""

    def read_all(gradebook: Gradebook, notebook: str, assignment: str, student: str):
        submitted = _submitted_notebook(gradebook, notebook, assignment, student)
        rows = (
            gradebook.db.query(kind)
            .options(sqlalchemy.orm.joinedload(kind.cell))
            .filter(kind.notebook_id == submitted.id)
        )
        return {row.cell.name: row for row in rows}

    return read_all


def _add_submission(gradebook: Gradebook, assignment: str, student: str, **columns: Any):
    """nbgrader's ``add_submission``: the learner's submission of ``assignment``, with each of
    its notebooks and an empty grade and comment for each cell nbgrader gives one (a grade cell
    a grade, a solution cell a comment, a task cell both), as the same rows in the same order,
    inserted a table at a time and committed as nbgrader commits it."""
    if "timestamp" in columns:
        columns["timestamp"] = nbgrader.utils.parse_utc(columns["timestamp"])
    found = gradebook.find_assignment(assignment)
    learner = gradebook.find_student(student)
    submission = {"id": new_uuid(), "assignment_id": found.id, "student_id": learner.id}
    notebooks: list[dict[str, Any]] = []
    grades: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    for notebook in found.notebooks:
        row = {"id": new_uuid(), "assignment_id": submission["id"], "notebook_id": notebook.id}
        notebooks.append(row)
        grades += [{"cell_id": cell.id, "notebook_id": row["id"]} for cell in notebook.grade_cells]
        comments += [
            {"cell_id": cell.id, "notebook_id": row["id"]} for cell in notebook.solution_cells
        ]
        for cell in notebook.task_cells:
            comments.append({"cell_id": cell.id, "notebook_id": row["id"]})
            grades.append({"cell_id": cell.id, "notebook_id": row["id"]})
    try:
        for model, rows in (
            (SubmittedAssignment, [{**submission, **columns}]),
            (SubmittedNotebook, notebooks),
            (Grade, grades),
            (Comment, comments),
        ):
            if rows:
                gradebook.db.execute(model.__table__.insert(), rows)
        gradebook.db.commit()
    except (IntegrityError, StatementError) as error:  # as nbgrader answers a failed write
        gradebook.db.rollback()
        raise InvalidEntry(*error.args) from error
    return gradebook.find_submission(assignment, student)


class _CommitOnExit(Gradebook):
    """The gradebook nbgrader's SaveAutoGrades step opens, which commits after every grade and
    comment it saves: here its changes are committed once, when the step closes it without an
    error, and none of them if it raises, as a failed step is rolled back anyway."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._commit = self.db.commit
        self.db.commit = lambda: None  # type: ignore[method-assign]

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        if exc_type is None:
            self._commit()
        super().__exit__(exc_type, *rest)


@contextlib.contextmanager
def shared_engines() -> Iterator[SharedGradebooks]:
    """While active, nbgrader's gradebooks on one database share one SQLAlchemy engine."""
    shared = SharedGradebooks(nbgrader.api.create_engine)
    metadata = nbgrader.api.Base.metadata
    replaced = {
        (nbgrader.api, "create_engine"): shared.create_engine,
        (nbgrader.api, "inspect"): shared.inspect,
        (metadata, "create_all"): shared.create_all,
        (Gradebook, "check_course"): shared.check_course(Gradebook.check_course),
        (Gradebook, "add_submission"): _add_submission,
        (Gradebook, "find_source_cell"): _read_once(Gradebook.find_source_cell, _source_cells),
        (Gradebook, "find_graded_cell"): _read_once(Gradebook.find_graded_cell, _graded_cells),
        (Gradebook, "find_grade"): _read_once(Gradebook.find_grade, _per_cell(nbgrader.api.Grade)),
        (Gradebook, "find_comment"): _read_once(
            Gradebook.find_comment, _per_cell(nbgrader.api.Comment)
        ),
        (nbgrader.preprocessors.saveautogrades, "Gradebook"): _CommitOnExit,
    }
    originals = {place: place[0].__dict__.get(place[1]) for place in replaced}
    for (owner, name), value in replaced.items():
        setattr(owner, name, value)
    try:
        yield shared
    finally:
        for (owner, name), value in originals.items():
            if value is None:
                delattr(owner, name)
            else:
                setattr(owner, name, value)
        shared.close()
