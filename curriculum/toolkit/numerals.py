"""Reading a number typed by a learner, and writing one back, in Vietnamese or English style.

Vietnamese writes 3,5 for three and a half and 1.000 for a thousand; English the other way
round. A learner may use either, so :func:`parse_number` accepts both and refuses only what
is truly ambiguous: a single separator followed by exactly three digits, as in "1.000" or
"2,500", which could mean a thousand or one. Refusing (with a message that shows how to
write it) is safer than guessing, because a wrong guess would be graded as the learner's
answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from curriculum.toolkit.i18n import get_language, text

__all__ = ["format_number", "parse_amount", "parse_number"]

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_BODY = re.compile(r"\d+(?:[.,]\d+)*")
_GROUPED = re.compile(r"\d{1,3}(?:X\d{3})+")


def parse_number(typed: str, *, whole: bool = False) -> float | None:
    """The number written in ``typed``, or None when it is blank.

    Accepts an optional sign, digits, and "," or "." as the decimal separator or the
    thousands separator ("1.234,5" and "1,234.5" both mean 1234.5). Spaces are ignored.
    Raises ValueError with a message for the learner when the text is not a number or is
    ambiguous. With ``whole=True`` (the answer is a count or an amount of đồng, never a
    fraction) "1.000" and "1,000" can only mean a thousand, so they are read as such.
    """
    compact = _SPACES.sub("", typed).replace("\u2212", "-")
    if not compact:
        return None
    sign = "-" if compact.startswith("-") else ""
    body = compact[1:] if compact[:1] in ("+", "-") else compact
    if not _BODY.fullmatch(body):
        raise ValueError(text("number.not_a_number", text=typed.strip()))
    separators = [c for c in body if c in ".,"]
    if not separators:
        return float(sign + body)
    decimal = separators[-1]
    if separators.count(decimal) > 1:
        # Only one kind of separator, used more than once: it groups thousands (1.000.000).
        return float(sign + _ungrouped(body, decimal, typed))
    integral, _, fraction = body.rpartition(decimal)
    if len(separators) == 1 and len(fraction) == 3 and integral != "0":
        if whole:
            return float(sign + integral + fraction)
        raise ValueError(text("number.ambiguous", text=typed.strip()))
    grouping = "," if decimal == "." else "."
    integral = _ungrouped(integral, grouping, typed) if grouping in integral else integral
    return float(f"{sign}{integral}.{fraction}")


# Words Vietnamese speakers put after a number to scale it: "9,5 triệu", "500 nghìn".
_SCALES = {
    "nghìn": 1e3,
    "ngàn": 1e3,
    "k": 1e3,
    "triệu": 1e6,
    "tr": 1e6,
    "tỷ": 1e9,
    "tỉ": 1e9,
}
_WORDS = re.compile(r"[^\W\d_]+\.?$")


def parse_amount(typed: str, *, unit: str | None = None, whole: bool = False) -> float | None:
    """A number as people write it, with an optional scale word and unit after it.

    "9.500.000 đồng", "9,5 triệu", "9,5 triệu đồng" and "9500000" are all 9,500,000 when
    ``unit`` is "đồng". Only the given unit (any case, any Unicode form) and the scale words
    nghìn/ngàn/k, triệu/tr, tỷ/tỉ are accepted after the number; any other word is refused,
    since it may change the meaning ("9,5 USD" is not 9,5 triệu đồng). See
    :func:`parse_number` for ``whole``.
    """
    rest = unicodedata.normalize("NFC", typed).strip().casefold()
    if unit:
        folded_unit = unicodedata.normalize("NFC", unit).strip().casefold()
        if folded_unit and rest.endswith(folded_unit):
            rest = rest[: -len(folded_unit)].rstrip()
    scale = 1.0
    word = _WORDS.search(rest)
    if word and word.group().rstrip(".") in _SCALES:
        scale = _SCALES[word.group().rstrip(".")]
        rest = rest[: word.start()].rstrip()
    try:
        number = parse_number(rest, whole=whole and scale == 1.0)
    except ValueError as error:  # say it with the learner's own text, not the folded one
        raise ValueError(str(error).replace(f"«{rest}»", f"«{typed.strip()}»")) from None
    if number is None:
        if rest != typed.strip().casefold():
            raise ValueError(text("number.not_a_number", text=typed.strip()))
        return None
    return round(number * scale, 6) if scale != 1.0 else number


def _ungrouped(digits: str, separator: str, typed: str) -> str:
    """``digits`` without its thousands ``separator``, checking the groups are of three."""
    if not _GROUPED.fullmatch(digits.replace(separator, "X")):
        raise ValueError(text("number.not_a_number", text=typed.strip()))
    return digits.replace(separator, "")


def format_number(value: float) -> str:
    """``value`` written for the current language, without exponent: 3.5 -> "3,5" in Vietnamese.

    No thousands separator is written, and a fraction of exactly three digits gets a fourth
    (1.234 -> "1,2340"), so the result always reads back through :func:`parse_number` as the
    same number instead of looking like a thousands group.
    """
    if not math.isfinite(value):
        raise ValueError(text("answer.expect_number", found=value))
    if value.is_integer():
        written = str(int(value))
    else:
        written = format(Decimal(repr(value)), "f")
        whole, _, fraction = written.partition(".")
        if len(fraction) == 3 and whole.lstrip("-") != "0":
            written += "0"
    return written.replace(".", ",") if get_language() == "vi" else written
