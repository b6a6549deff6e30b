"""The JSON Schemas in ``graders/schemas/``, loaded and compiled once each."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.protocols import Validator


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema in ``graders/schemas/<name>``, e.g. ``xapi_statement.schema.json``."""
    text = resources.files("graders").joinpath(f"schemas/{name}").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def validator(name: str) -> Validator:
    schema = load_schema(name)
    return jsonschema.validators.validator_for(schema)(schema)


# Documents made by the same code differ only in their data: the first ones are all checked
# against their schema, then one in FULL_CHECK_EVERY, so that a national cohort is not held up
# (a learner record takes tens of milliseconds to check).
FULL_CHECKS_FIRST = 20
FULL_CHECK_EVERY = 10_000


def full_check_due(number: int) -> bool:
    """Whether the ``number``-th document (from 0) of a run gets a full schema check."""
    return number < FULL_CHECKS_FIRST or number % FULL_CHECK_EVERY == 0


def validate(instance: Any, name: str) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``instance`` is valid against schema ``name``."""
    error = jsonschema.exceptions.best_match(validator(name).iter_errors(instance))
    if error is not None:
        raise error
