"""Three costs of nbgrader's own steps that a long grading run pays once instead of every time.

None changes what nbgrader computes or writes:

- nbgrader's CheckCellMetadata step calls ``jsonschema.validate`` for every cell, which first
  checks nbgrader's own, constant metadata schema against JSON Schema's meta-schema: a third of
  nbgrader's work per submission. :func:`trust_nbgrader_schema` checks it once and lets
  ``jsonschema`` skip that schema afterwards. Every cell is still validated against it, and
  every other schema is still checked.
- Each of nbgrader's steps opens its own ``Gradebook``, which creates a new SQLAlchemy engine,
  about nine per submission, so SQLAlchemy compiles nbgrader's queries again each time, and
  opens a new connection (on PostgreSQL, a login). :func:`shared_engines` lets those
  gradebooks share one engine and its connections per database while it is active, which keeps
  SQLAlchemy's cache of compiled queries.
- nbgrader commits after every grade and comment it saves, and each commit waits for the disk.
  Inside :meth:`SharedGradebooks.one_transaction`, every gradebook of the step works in one
  database transaction, committed once when the step ends: each of nbgrader's sessions runs in
  a savepoint of it, so nbgrader's commits and rollbacks keep their meaning within the step.
  A step that fails, or a run killed mid-step, leaves nothing of that step in the gradebook.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import nbgrader.api
from jsonschema.validators import validator_for
from nbgrader.nbgraderformat import MetadataValidator
from sqlalchemy import Connection, Engine, Transaction
from sqlalchemy.exc import SQLAlchemyError

_TRUSTED_SCHEMAS: list[dict[str, Any]] = []


def trust_nbgrader_schema() -> None:
    """Check nbgrader's cell metadata schema once, instead of once per cell."""
    schema = MetadataValidator().schema
    if schema in _TRUSTED_SCHEMAS:
        return
    validator = validator_for(schema)
    validator.check_schema(schema)
    if not _TRUSTED_SCHEMAS:
        check = validator.check_schema

        def check_schema(candidate: Any, *args: Any, **kwargs: Any) -> None:
            if candidate not in _TRUSTED_SCHEMAS:
                check(candidate, *args, **kwargs)

        validator.check_schema = staticmethod(check_schema)
    _TRUSTED_SCHEMAS.append(schema)


_EngineKey = tuple[str, tuple[tuple[str, Any], ...]]


class SharedGradebooks:
    """What nbgrader's ``Gradebook`` connects through while :func:`shared_engines` is active."""

    def __init__(self, create: Callable[..., Engine]) -> None:
        self._create = create
        self._engines: dict[_EngineKey, Engine] = {}
        self._steps: dict[_EngineKey, tuple[Connection, Transaction]] | None = None

    def create_engine(self, url: str, **options: Any) -> Engine | Connection:
        """A gradebook's engine: the shared engine, or within a step, the step's connection."""
        key = (str(url), tuple(sorted(options.items())))
        if key not in self._engines:
            engine = self._create(url, **options)
            # A gradebook disposes of its engine when it closes; the shared one keeps its pool
            # until the run ends, as a new connection to a server costs a login each time.
            engine.dispose = lambda close=True: None
            self._engines[key] = engine
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
        return self._steps[key][0]

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
        finally:
            self._steps = None
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


@contextlib.contextmanager
def shared_engines() -> Iterator[SharedGradebooks]:
    """While active, nbgrader's gradebooks on one database share one SQLAlchemy engine."""
    create = nbgrader.api.create_engine
    shared = SharedGradebooks(create)
    nbgrader.api.create_engine = shared.create_engine
    try:
        yield shared
    finally:
        nbgrader.api.create_engine = create
        shared.close()
