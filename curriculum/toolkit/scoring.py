"""Fair scores for hidden tests: partial credit, several right orders, text as people type it.

A hidden test cell that ends with one of the ``*_credit`` calls as its last line gives the
learner that many points: nbgrader reads a number shown as a test cell's result as partial
credit. Each function is pure and takes plain data (a question's ``value``, an app task's list
of actions), so the same call scores a submission wherever it runs. The last line of a hidden
test region might read::

    option_credit(cau_3.value, correct={"b", "d", "f"}, points=2)

Every rule here is stated to the learner in the item's text (see docs/authoring.md, "Fair
scoring"), so a partial score is never a surprise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "checkpoint_credit",
    "happened",
    "happened_before",
    "matching_credit",
    "normal_text",
    "option_credit",
    "order_credit",
    "position",
    "same_text",
    "text_in",
]

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = ".,;:!?\"'“”‘’«»()"

Action = Mapping[str, Any]
Expected = Any  # a value to compare with, or a predicate on the recorded value


def _points(points: float, earned: float, possible: float) -> float:
    if possible <= 0:
        raise ValueError("an item needs at least one part to score")
    return round(points * max(0.0, min(earned, possible)) / possible, 2)


def normal_text(typed: str) -> str:
    """``typed`` in one Unicode form (NFC), case folded, spaces collapsed, edge punctuation off.

    Vietnamese typed on different keyboards arrives in different Unicode forms (a precomposed
    "ệ" or "e" plus two combining marks); they look the same and must compare the same.
    """
    composed = unicodedata.normalize("NFC", typed).casefold()
    return _SPACES.sub(" ", composed).strip().strip(_EDGE_PUNCTUATION).strip()


def same_text(typed: str | None, expected: str) -> bool:
    """Whether ``typed`` says ``expected`` once form, case and spacing are set aside."""
    return typed is not None and normal_text(typed) == normal_text(expected)


def text_in(typed: str | None, accepted: Iterable[str]) -> bool:
    """Whether ``typed`` is one of the ``accepted`` spellings (compared as :func:`same_text`)."""
    return typed is not None and normal_text(typed) in {normal_text(a) for a in accepted}


def option_credit(
    chosen: Collection[str] | None, *, correct: Collection[str], points: float
) -> float:
    """Points for a multiple choice: each right tick earns, each wrong tick takes as much back.

    The score is (right ticks - wrong ticks) / number of right options, never below zero, so
    ticking every box earns nothing and missing one right option loses only its share.
    """
    if not chosen:
        return 0.0
    picked, right = set(chosen), set(correct)
    return _points(points, len(picked & right) - len(picked - right), len(right))


def order_credit(
    order: Sequence[str] | None, *, rules: Iterable[tuple[str, str]], points: float
) -> float:
    """Points for an ordering: the share of ``rules`` (earlier, later) that ``order`` keeps.

    Only the pairs whose order matters are rules, so every order that keeps them earns full
    marks: steps that may come in either order simply have no rule between them.
    """
    rules = list(rules)
    if not order:
        return 0.0
    place = {item: index for index, item in enumerate(order)}
    kept = sum(
        1
        for earlier, later in rules
        if earlier in place and later in place and place[earlier] < place[later]
    )
    return _points(points, kept, len(rules))


def matching_credit(
    matched: Mapping[str, str] | None, *, correct: Mapping[str, str], points: float
) -> float:
    """Points for a matching: the share of items matched with their right choice."""
    if not matched:
        return 0.0
    right = sum(1 for item, choice in correct.items() if matched.get(item) == choice)
    return _points(points, right, len(correct))


def checkpoint_credit(checks: Mapping[str, bool], *, points: float) -> float:
    """Points for a task: the share of its named checkpoints that were met."""
    return _points(points, sum(1 for met in checks.values() if met), len(checks))


def _matches(action: Action, name: str, expected: Mapping[str, Expected]) -> bool:
    # Fields are any keys but "action" (the name), so a field may be called "name".
    if action.get("action") != name:
        return False
    for key, wanted in expected.items():
        found = action.get(key)
        if callable(wanted):
            if not wanted(found):
                return False
        elif isinstance(wanted, str) and isinstance(found, str):
            if not same_text(found, wanted):
                return False
        elif found != wanted:
            return False
    return True


def position(log: Sequence[Action] | None, name: str, /, **expected: Expected) -> int | None:
    """Where in an app task's ``log`` the action ``name`` first happened, or None.

    Each keyword must match that field of the action: strings as :func:`same_text`, other
    values by equality, and a callable is a test applied to the field's value.
    """
    for index, action in enumerate(log or ()):
        if isinstance(action, Mapping) and _matches(action, name, expected):
            return index
    return None


def happened(log: Sequence[Action] | None, name: str, /, **expected: Expected) -> bool:
    """Whether the action ``name`` with the ``expected`` fields is in ``log``."""
    return position(log, name, **expected) is not None


def happened_before(
    log: Sequence[Action] | None,
    earlier: str | tuple[str, Mapping[str, Expected]],
    later: str | tuple[str, Mapping[str, Expected]],
) -> bool:
    """Whether both happened, the first ``earlier`` before the first ``later``.

    Each is an action name or a (name, fields) pair: "looked at the recipient's name before
    confirming" is ``happened_before(log, "view_name", "confirm")``.
    """
    first, then = _find(log, earlier), _find(log, later)
    return first is not None and then is not None and first < then


def _find(
    log: Sequence[Action] | None, wanted: str | tuple[str, Mapping[str, Expected]]
) -> int | None:
    name, expected = (wanted, {}) if isinstance(wanted, str) else wanted
    return position(log, name, **expected)
