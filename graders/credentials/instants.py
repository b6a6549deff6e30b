"""Dates and times in credentials, status lists and trust lists (XML Schema ``dateTime``)."""

from __future__ import annotations

from datetime import datetime, timedelta

# The signer's clock and the verifier's may differ a little; a fresh document is not refused.
CLOCK_SKEW = timedelta(minutes=5)


def instant(value: str) -> datetime:
    """``value`` as an aware datetime; ``ValueError`` if it is not a date and time with a zone."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed


def not_yet_valid(valid_from: datetime, now: datetime) -> bool:
    """Whether something valid from ``valid_from`` is not valid yet at ``now``."""
    return valid_from > now + CLOCK_SKEW
