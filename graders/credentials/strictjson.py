"""Strict JSON for signed documents: what is checked must be what every other reader sees.

Duplicate member names are read differently by different parsers (first or last one wins), and
NaN or Infinity are not JSON at all: a signed document holding either could show a verifier one
thing and someone else another, so both are refused.
"""

from __future__ import annotations

import json
from typing import Any


def parse_strict(text: str) -> Any:
    """Parse JSON, refusing duplicate member names and the non-standard NaN and Infinity."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [name for name, _ in pairs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate member name {duplicates[0]!r}")
        return dict(pairs)

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, object_pairs_hook=unique, parse_constant=no_constant)
