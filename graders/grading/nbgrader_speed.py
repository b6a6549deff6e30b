"""Two costs of nbgrader's own steps that a long grading run pays once instead of every time.

Neither changes what nbgrader computes or writes:

- nbgrader's CheckCellMetadata step calls ``jsonschema.validate`` for every cell, which first
  checks nbgrader's own, constant metadata schema against JSON Schema's meta-schema: a third of
  nbgrader's work per submission. :func:`trust_nbgrader_schema` checks it once and lets
  ``jsonschema`` skip that schema afterwards. Every cell is still validated against it, and
  every other schema is still checked.
- Each of nbgrader's steps opens its own ``Gradebook``, which creates a new SQLAlchemy engine,
  about nine per submission, so SQLAlchemy compiles nbgrader's queries again each time, and
  opens a new connection (on PostgreSQL, a login). :func:`shared_engines` lets those
  gradebooks share one engine and its connections per database while it is active, which keeps
  SQLAlchemy's cache of compiled queries. Sessions, transactions and commits stay nbgrader's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import nbgrader.api
from jsonschema.validators import validator_for
from nbgrader.nbgraderformat import MetadataValidator

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


@contextlib.contextmanager
def shared_engines() -> Iterator[None]:
    """While active, nbgrader's gradebooks on one database share one SQLAlchemy engine."""
    create = nbgrader.api.create_engine
    engines: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}

    def create_engine(url: str, **options: Any) -> Any:
        key = (str(url), tuple(sorted(options.items())))
        if key not in engines:
            engine = create(url, **options)
            # A gradebook disposes of its engine when it closes; the shared one keeps its pool
            # until the run ends, as a new connection to a server costs a login each time.
            engine.dispose = lambda close=True: None
            engines[key] = engine
        return engines[key]

    nbgrader.api.create_engine = create_engine
    try:
        yield
    finally:
        nbgrader.api.create_engine = create
        for engine in engines.values():
            type(engine).dispose(engine)
