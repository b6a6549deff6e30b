"""Only plain data crosses from the learner's process to the judge, and it comes out built-in."""

from __future__ import annotations

import datetime
import decimal
import fractions
import json

import pytest

from graders.grading.sandbox import plain


def through_the_wire(value):
    return plain.decode(json.loads(json.dumps(plain.encode(value))))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        -(10**40),
        1.5,
        float("inf"),
        "Xin chào",
        b"\x00\xff",
        2 - 3j,
        [1, [2, [3]]],
        (1, "a"),
        {1, 2},
        frozenset({"x"}),
        {"$": "tuple", "v": []},  # a learner's dict shaped like a tag stays a dict
        {(1, 2): {"k": [None]}},
        datetime.date(2026, 11, 20),
        datetime.datetime(2026, 11, 20, 8, 30),
        datetime.time(8, 30),
        datetime.timedelta(days=3, seconds=7),
        decimal.Decimal("1.10"),
        fractions.Fraction(-3, 4),
    ],
)
def test_plain_values_arrive_equal_and_of_the_same_built_in_type(value):
    found = through_the_wire(value)
    assert found == value
    assert type(found) is type(value)


class Same(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [Same(1), [1, Same(2)], {"a": Text("x")}, object(), print, lambda: 1, {1: type}],
)
def test_subclasses_objects_and_functions_are_not_plain_data(value):
    with pytest.raises(plain.NotPlainData):
        plain.encode(value)


def test_data_nested_too_deep_is_refused_both_ways():
    deep = []
    for _ in range(plain.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(plain.NotPlainData):
        plain.encode(deep)
    wire_form = []
    for _ in range(plain.MAX_DEPTH + 5):
        wire_form = [wire_form]
    with pytest.raises(ValueError):
        plain.decode(wire_form)


def test_a_list_that_holds_itself_is_refused():
    loop: list = []
    loop.append(loop)
    with pytest.raises(plain.NotPlainData):
        plain.encode(loop)


@pytest.mark.parametrize(
    "data",
    [
        {"$": "object", "v": []},
        {"$": "tuple"},
        {"$": "dict", "v": [[1]]},
        {"$": "set", "v": [[1]]},  # an unhashable member
        {"$": "dict", "v": [[[1], 2]]},  # an unhashable key
        {"$": "bytes", "v": "***"},
        {"$": "fraction", "v": "1e99999999"},  # would ask for a huge integer
        {"$": "date", "v": "not a date"},
        {"$": "timedelta", "v": [10**12, 0, 0]},
        {"a": 1},
    ],
)
def test_malformed_data_from_a_learner_is_a_value_error(data):
    with pytest.raises(ValueError):
        plain.decode(data)
