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


@pytest.mark.parametrize(
    "typed",
    ["9.500.000 đồng", "9,5 triệu", "9,5 triệu đồng", "9500000", "9 500 000 Đồng", "9500 nghìn"],
)
def test_amounts_are_read_as_people_write_them(typed: str):
    from curriculum.toolkit.numerals import parse_amount

    assert parse_amount(typed, unit="đồng", whole=True) == 9_500_000


def test_a_whole_amount_with_one_group_of_three_is_thousands_not_ambiguous():
    from curriculum.toolkit.numerals import parse_amount

    assert parse_amount("500.000 đồng", unit="đồng", whole=True) == 500_000
    assert parse_amount("1,000", whole=True) == 1000
    with pytest.raises(ValueError):
        parse_amount("1.000")  # a fraction is possible: still refused


@pytest.mark.parametrize("typed", ["9,5 USD", "abc đồng", "đồng", "9,5 triệu đô"])
def test_an_amount_with_another_unit_or_no_number_is_refused_in_the_learners_words(typed: str):
    from curriculum.toolkit.numerals import parse_amount

    with pytest.raises(ValueError, match=typed.split()[0]):
        parse_amount(typed, unit="đồng", whole=True)
