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


def validate(instance: Any, name: str) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``instance`` is valid against schema ``name``."""
    error = jsonschema.exceptions.best_match(validator(name).iter_errors(instance))
    if error is not None:
        raise error
