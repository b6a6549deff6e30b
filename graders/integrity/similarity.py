"""Near-identical answers within a cohort: normalised token k-grams, winnowing, rarity.

The method (docs/integrity.md):

1. every answer (an item: one solution cell, or one widget answer) is normalised into tokens.
   Code: Python tokens, comments and layout dropped, names a learner chose replaced by ``V``
   (keywords, built-ins and attribute names kept), so renamed variables and changed
   whitespace change nothing. Text: words, case and Vietnamese diacritics folded. A widget
   answer: one token, its value;
2. consecutive runs of ``K`` tokens are hashed and winnowed (Schleimer, Wilkerson and Aiken,
   2003): of every ``W`` consecutive hashes the smallest is kept, so any passage of
   ``K + W - 1`` tokens two answers share yields at least one shared fingerprint, and the
   fingerprints do not depend on where the passage sits;
3. fingerprints that carry no evidence are dropped: those of what the release gave (the
   question's own code and text), those of the model answer (a correct answer is expected to
   be shared), and those held by more than ``min(COMMON_CAP, max(COMMON_FLOOR,
   COMMON_SHARE x cohort))`` learners (what many learners write is convention, not copying
   between two of them; the cap also bounds the pairs one fingerprint can make). A short
   answer (fewer than ``SHORT`` fingerprints left) counts only when it is known to have lost
   points: honest learners converge on short correct answers, not on the same wrong one;
4. an inverted index from fingerprint to learners gives the candidate pairs, so the work
   grows with the shared rare fingerprints, not with the square of the cohort. A pair is
   near-identical when its shared evidence is at least ``MIN_SHARED`` and covers at least
   ``THRESHOLD`` of the smaller of the two learners' evidence.
"""

from __future__ import annotations

import builtins
import io
import json
import keyword
import re
import tokenize
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

K = 5  # tokens per k-gram
W = 4  # winnowing window
COMMON_SHARE = 0.1  # a fingerprint held by more than this share of the cohort is convention
COMMON_FLOOR = 8  # ... but in a small cohort only when more than this many learners hold it
COMMON_CAP = 25  # ... and in any cohort when more than this many do
MIN_SHARED = 4.0  # evidence a pair must share
THRESHOLD = 0.5  # share of the smaller evidence that must be shared
CHOICE_WEIGHT = 0.5  # a widget answer is one of few options: weaker evidence than a k-gram
SHORT = 8  # fewer fingerprints than this (about 20 tokens: a line or two) is a short answer

KINDS = ("code", "text", "choice")
_BUILTINS = frozenset(dir(builtins))
_WORD = re.compile(r"\w+")
_CODE_FALLBACK = re.compile(r"\w+|\"[^\"]*\"|'[^']*'|\S")


@dataclass(frozen=True)
class Item:
    """One learner's answer to one question: ``key`` names the question within an assignment."""

    key: str
    kind: str
    content: Any


def _fold(text: str) -> str:
    """Case and diacritics folded: ``Mật khẩu`` and ``mat khau`` read the same."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def code_tokens(source: str) -> list[str]:
    """Python tokens with layout, comments and chosen names normalised away."""
    tokens: list[str] = []
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            kind, text = token.type, token.string
            if kind in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT):
                continue
            if kind in (tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            if kind == tokenize.NAME:
                kept = keyword.iskeyword(text) or text in _BUILTINS or previous == "."
                tokens.append(text if kept else "V")
            elif kind == tokenize.STRING:
                tokens.append(" ".join(_fold(text).split()))
            else:
                tokens.append(text)
            previous = text
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # Unfinished code still says something: fall back to a plain split of its text.
        return [t if not t[0].isalpha() else "V" for t in _CODE_FALLBACK.findall(source)]
    return tokens


def text_tokens(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def choice_token(qid: str, value: Any) -> str:
    """A widget answer as one token; the order of ticked options does not matter."""
    if isinstance(value, list):
        value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    return f"{qid}={json.dumps(value, sort_keys=True, ensure_ascii=False)}"


def tokens_of(kind: str, content: Any) -> list[str]:
    if kind == "code":
        return code_tokens(content)
    if kind == "text":
        return text_tokens(content)
    qid, value = content
    return [] if value is None else [choice_token(qid, value)]


def _hash(tokens: Iterable[str]) -> int:
    """Python's tuple hash: fast, and stable within the one process that compares."""
    return hash(tuple(tokens))


def fingerprints(tokens: list[str], k: int = K, w: int = W) -> set[int]:
    """Winnowed hashes of the token k-grams; a text shorter than ``k`` is one fingerprint."""
    if not tokens:
        return set()
    if len(tokens) < k:
        return {_hash(tokens)}
    hashes = [_hash(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]
    if len(hashes) <= w:
        return {min(hashes)}
    chosen = set()
    for start in range(len(hashes) - w + 1):
        window = hashes[start : start + w]
        chosen.add(min(window))
    return chosen


def item_fingerprints(item: Item) -> set[int]:
    return fingerprints(tokens_of(item.kind, item.content))


@dataclass
class Pair:
    """Two learners' shared evidence, and on which items it lies."""

    a: str
    b: str
    shared: float = 0.0
    items: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


@dataclass(frozen=True)
class Group:
    """Learners linked by near-identical pairs."""

    learners: tuple[str, ...]
    score: float
    pairs: tuple[Pair, ...]


def _weight(kind: str) -> float:
    return CHOICE_WEIGHT if kind == "choice" else 1.0


def common_limit(cohort: int) -> float:
    return min(COMMON_CAP, max(COMMON_FLOOR, COMMON_SHARE * cohort))


def near_identical(
    answers: dict[str, list[Item]],
    given: dict[str, set[int]] | None = None,
    lost_points: set[tuple[str, str]] | None = None,
) -> list[Group]:
    """Groups of learners with near-identical answers.

    ``answers`` maps each learner to their items; ``given`` maps an item key to the
    fingerprints that are no evidence (release and model answer); ``lost_points`` holds the
    (learner, item key) answers known to have scored below full marks, the only short
    answers that count.
    """
    given = given or {}
    lost_points = lost_points or set()
    holders: dict[tuple[str, int], list[str]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for learner, items in answers.items():
        for item in items:
            kinds[item.key] = item.kind
            own = item_fingerprints(item) - given.get(item.key, set())
            if len(own) < SHORT and (learner, item.key) not in lost_points:
                continue
            for fp in own:
                holders[(item.key, fp)].append(learner)
    limit = common_limit(len(answers))
    evidence: dict[str, float] = defaultdict(float)
    pairs: dict[tuple[str, str], Pair] = {}
    for (key, _fp), learners in holders.items():
        if len(learners) > limit:
            continue
        weight = _weight(kinds[key])
        for learner in learners:
            evidence[learner] += weight
        for a, b in combinations(sorted(set(learners)), 2):
            pair = pairs.get((a, b))
            if pair is None:
                pair = pairs[(a, b)] = Pair(a, b)
            pair.shared += weight
            pair.items[key] = pair.items.get(key, 0.0) + weight
    flagged = []
    for pair in pairs.values():
        pair.score = pair.shared / min(evidence[pair.a], evidence[pair.b])
        if pair.shared >= MIN_SHARED and pair.score >= THRESHOLD:
            flagged.append(pair)
    return _groups(flagged)


def _groups(pairs: list[Pair]) -> list[Group]:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        parent[root(pair.a)] = root(pair.b)
    members: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        members[root(pair.a)].append(pair)
    groups = []
    for linked in members.values():
        learners = tuple(sorted({p.a for p in linked} | {p.b for p in linked}))
        ordered = tuple(sorted(linked, key=lambda p: (-p.score, p.a, p.b)))
        groups.append(Group(learners, max(p.score for p in linked), ordered))
    return sorted(groups, key=lambda g: (-g.score, g.learners))
