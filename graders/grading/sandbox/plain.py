"""Plain data between the learner's process and the trusted one that judges it.

Only values that carry no code cross: None, booleans, integers, floats, strings, bytes, complex
numbers, dates, times, durations, decimals and fractions, and lists, tuples, sets, frozensets
and dicts of them. Decoding builds new objects of
exactly those built-in types, so nothing a learner defines (a subclass whose ``__eq__`` always
answers True, a list that lies about its length) reaches a test, however it was sent.

JSON carries the data. Strings, whole numbers, finite floats, booleans, None and lists are
themselves; everything else is an object with a tag: ``{"$": "tuple", "v": [...]}``. A dict is
always tagged (its items as pairs), so a learner's dict can never pass for a tag.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import fractions
import math
from typing import Any

# Value types written as text and read back by their own constructor from that text.
TEXT_TYPES: dict[str, Any] = {
    "date": datetime.date.fromisoformat,
    "datetime": datetime.datetime.fromisoformat,
    "time": datetime.time.fromisoformat,
    "decimal": decimal.Decimal,
    "fraction": lambda text: fractions.Fraction(_fraction_text(text)),
}
TYPE_TAGS = {
    datetime.date: "date",
    datetime.datetime: "datetime",
    datetime.time: "time",
    decimal.Decimal: "decimal",
    fractions.Fraction: "fraction",
}

MAX_DEPTH = 64
MAX_ITEMS = 1_000_000


class NotPlainData(TypeError):
    """The value holds something other than plain data (an object, a function, a cycle)."""


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data; raises :class:`NotPlainData` for anything else."""
    budget = [MAX_ITEMS]
    return _encode(value, 0, budget)


def _encode(value: Any, depth: int, budget: list[int]) -> Any:
    if depth > MAX_DEPTH:
        raise NotPlainData(f"nested more than {MAX_DEPTH} levels deep")
    budget[0] -= 1
    if budget[0] < 0:
        raise NotPlainData(f"more than {MAX_ITEMS} items")
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if kind is bytes:
        return {"$": "bytes", "v": base64.b64encode(value).decode("ascii")}
    if kind in TYPE_TAGS:
        if kind in (datetime.datetime, datetime.time) and value.tzinfo not in (None, datetime.UTC):
            raise NotPlainData("a time with a time zone other than UTC is not plain data")
        text = (
            value.isoformat()
            if kind in (datetime.date, datetime.datetime, datetime.time)
            else str(value)
        )
        return {"$": TYPE_TAGS[kind], "v": text}
    if kind is datetime.timedelta:
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if kind is complex:
        return {
            "$": "complex",
            "v": [_encode(value.real, depth, budget), _encode(value.imag, depth, budget)],
        }
    if kind is list:
        return [_encode(item, depth + 1, budget) for item in value]
    if kind in (tuple, set, frozenset):
        items = [_encode(item, depth + 1, budget) for item in value]
        return {"$": kind.__name__, "v": items}
    if kind is dict:
        pairs = [
            [_encode(k, depth + 1, budget), _encode(v, depth + 1, budget)] for k, v in value.items()
        ]
        return {"$": "dict", "v": pairs}
    raise NotPlainData(f"a value of type {kind.__name__} is not plain data")


def _fraction_text(text: str) -> str:
    """A fraction as ``str(Fraction)`` writes it; no exponent, which could ask for a huge int."""
    numerator, _, denominator = text.partition("/")
    if not numerator.lstrip("-").isdigit() or (denominator and not denominator.isdigit()):
        raise ValueError("not a fraction")
    return text


def decode(data: Any) -> Any:
    """The value that :func:`encode` made ``data`` from; raises ValueError for anything else."""
    return _decode(data, 0)


def _decode(data: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    kind = type(data)
    if data is None or kind in (bool, int, str):
        return data
    if kind is float:
        return float(data)
    if kind is list:
        return [_decode(item, depth + 1) for item in data]
    if kind is not dict or set(data) != {"$", "v"}:
        raise ValueError("not plain data")
    tag, body = data["$"], data["v"]
    if tag == "float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "bytes" and type(body) is str:
        return base64.b64decode(body, validate=True)
    if tag in TEXT_TYPES and type(body) is str and len(body) <= 100:
        try:
            return TEXT_TYPES[tag](body)
        except (ValueError, ArithmeticError) as exc:
            raise ValueError(f"not plain data ({tag})") from exc
    if tag == "timedelta" and type(body) is list and [type(x) for x in body] == [int] * 3:
        try:
            return datetime.timedelta(days=body[0], seconds=body[1], microseconds=body[2])
        except OverflowError as exc:
            raise ValueError("not plain data (timedelta)") from exc
    if tag == "complex" and type(body) is list and len(body) == 2:
        real, imag = (_decode(part, depth + 1) for part in body)
        if type(real) in (int, float) and type(imag) in (int, float):
            return complex(real, imag)
    if type(body) is not list:
        raise ValueError("not plain data")
    if tag in ("tuple", "set", "frozenset"):
        items = [_decode(item, depth + 1) for item in body]
        try:
            return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
        except TypeError as exc:  # an unhashable member of a set
            raise ValueError(str(exc)) from exc
    if tag == "dict":
        result = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise ValueError("not plain data")
            key = _decode(pair[0], depth + 1)
            try:
                result[key] = _decode(pair[1], depth + 1)
            except TypeError as exc:  # an unhashable key
                raise ValueError(str(exc)) from exc
        return result
    raise ValueError(f"not plain data (tag {tag!r})")
