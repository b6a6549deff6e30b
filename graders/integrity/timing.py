"""Implausibly fast completions: time from the start of the work to its submission.

The evidence (docs/integrity.md):

- the end: nbgrader's ``timestamp.txt`` in the submission folder, written by the exchange
  when the learner submits (UTC);
- the start: the ``started`` time of the learner's answer files (``curriculum/toolkit/answers.py``):
  the moment of the first answer given through a widget. Where no answer file has it, the time
  the release was built, a start nobody can precede, so the span is never underestimated.

A completion is implausibly fast when its span is below a floor of ``FLOOR_PER_ITEM`` seconds
per graded item of the assignment and, in a cohort of at least ``MIN_COHORT`` spans, also
below ``COHORT_SHARE`` of the cohort's median. A start after the submission is reported too:
the clocks or the files do not agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

from nbgrader.utils import parse_utc

from curriculum.toolkit.answers import ANSWERS_LIMIT, SUFFIX
from graders.common.learner_files import TIMESTAMP, TIMESTAMP_LIMIT, load_json, read_capped

FLOOR_PER_ITEM = 30.0  # seconds: reading a question and answering it takes longer
COHORT_SHARE = 1 / 3
MIN_COHORT = 5


@dataclass(frozen=True)
class Span:
    """One submission's working time; ``source`` says where its start came from."""

    learner: str
    started: datetime
    submitted: datetime
    source: str  # "answers" or "release"

    @property
    def seconds(self) -> float:
        return (self.submitted - self.started).total_seconds()


@dataclass(frozen=True)
class Fast:
    """A completion flagged as implausibly fast, with the figures the rule used."""

    learner: str
    seconds: float
    floor: float
    median: float | None
    source: str


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def submitted_at(folder: Path) -> datetime | None:
    """The submission time nbgrader's exchange wrote, or None."""
    try:
        text = read_capped(folder / TIMESTAMP, TIMESTAMP_LIMIT).decode("utf-8")
        return _aware(parse_utc(text.strip()))
    except (OSError, ValueError, TypeError, OverflowError):
        return None


def answers_started(folder: Path) -> datetime | None:
    """The earliest ``started`` time of the answer files in ``folder``, or None."""
    found = []
    for path in folder.glob(f"*{SUFFIX}"):
        try:
            document = load_json(read_capped(path, ANSWERS_LIMIT), path.name)
            found.append(_aware(datetime.fromisoformat(document["started"])))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            continue
    return min(found) if found else None


def release_built(release: Path) -> datetime | None:
    """When the release's notebooks were last written: no learner can start before."""
    times = [p.stat().st_mtime for p in release.glob("*.ipynb")]
    return datetime.fromtimestamp(max(times), UTC) if times else None


def span_of(learner: str, folder: Path, release_time: datetime | None) -> Span | None:
    end = submitted_at(folder)
    if end is None:
        return None
    start = answers_started(folder)
    if start is not None:
        return Span(learner, start, end, "answers")
    if release_time is not None:
        return Span(learner, release_time, end, "release")
    return None


def fast_completions(spans: list[Span], items: int) -> list[Fast]:
    """The spans the rule flags, fastest first (a negative span means inconsistent times)."""
    floor = FLOOR_PER_ITEM * max(items, 1)
    cohort = [s.seconds for s in spans if s.seconds >= 0]
    middle = median(cohort) if len(cohort) >= MIN_COHORT else None
    flagged = []
    for span in spans:
        seconds = span.seconds
        below = seconds < floor and (middle is None or seconds < COHORT_SHARE * middle)
        if seconds < 0 or below:
            flagged.append(Fast(span.learner, seconds, floor, middle, span.source))
    return sorted(flagged, key=lambda f: (f.seconds, f.learner))


def duration_text(seconds: float) -> str:
    """``1 h 02 min``, ``4 min 05 s`` or ``35 s``."""
    whole = int(round(abs(seconds)))
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours} h {minutes:02d} min"
    if minutes:
        return f"{sign}{minutes} min {secs:02d} s"
    return f"{sign}{secs} s"
