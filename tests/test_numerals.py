"""Numbers typed by learners: both Vietnamese and English styles, never a silent guess."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from curriculum.toolkit.i18n import set_language
from curriculum.toolkit.numerals import format_number, parse_number


@pytest.fixture(autouse=True)
def vietnamese_interface() -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", 12.0),
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("0,125", 0.125),
        ("-0,500", -0.5),
        ("+4", 4.0),
        ("\u22122", -2.0),  # the minus sign of word processors
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.000.000", 1_000_000.0),
        ("12 345", 12345.0),
        ("1\u00a0000,5", 1000.5),
        ("1.0000", 1.0),
    ],
)
def test_numbers_in_either_style_are_read(typed, number):
    assert parse_number(typed) == number


@pytest.mark.parametrize("typed", ["", "   ", "\u00a0"])
def test_blank_text_is_no_number(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize("typed", ["1.000", "2,500", "-12.345"])
def test_a_lone_separator_before_three_digits_is_refused_as_ambiguous(typed):
    with pytest.raises(ValueError, match="hai cách"):
        parse_number(typed)


@pytest.mark.parametrize("typed", ["abc", ".5", "5.", "1e5", "1,2.5", "1.5.3", "12,34,5", "--3"])
def test_text_that_is_not_a_number_is_refused_with_a_message(typed):
    with pytest.raises(ValueError, match="không phải là một số"):
        parse_number(typed)


@pytest.mark.parametrize(
    ("number", "vietnamese", "english"),
    [
        (3.5, "3,5", "3.5"),
        (12.0, "12", "12"),
        (-0.25, "-0,25", "-0.25"),
        (1.234, "1,2340", "1.2340"),
        (1e-05, "0,00001", "0.00001"),
        (1e20, "100000000000000000000", "100000000000000000000"),
    ],
)
def test_numbers_are_written_in_the_interface_language_and_read_back(number, vietnamese, english):
    assert format_number(number) == vietnamese
    assert parse_number(vietnamese) == number
    set_language("en")
    assert format_number(number) == english
    assert parse_number(english) == number


def test_english_messages_follow_the_language_switch():
    set_language("en")
    with pytest.raises(ValueError, match="can be read two ways"):
        parse_number("1.000")
