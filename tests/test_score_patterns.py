"""Learners with equal scores on a competence's items are found as one pattern, however many
items the competence has."""

from __future__ import annotations

import numpy as np
import pytest

from graders.gradebook.scores import ABSENT, PENDING
from graders.records.score_patterns import pattern_codes


@pytest.mark.parametrize("items", [1, 5, 70])  # 70 two-valued items overflow one integer key
def test_each_row_gets_the_code_of_its_distinct_row_and_distinct_rows_differ(items):
    rng = np.random.default_rng(items)
    choices = np.array([ABSENT, PENDING, 0.0, 0.5, 1.0]) if items < 70 else np.array([0.0, 1.0])
    block = rng.choice(choices, size=(400, items))
    block[200:] = block[:200]  # every row appears at least twice
    distinct, codes = pattern_codes(block)
    assert np.array_equal(distinct[codes], block)
    assert len({row.tobytes() for row in distinct}) == len(distinct)
    assert len(distinct) <= 200


def test_an_empty_block_has_no_codes():
    distinct, codes = pattern_codes(np.zeros((0, 3)))
    assert codes.shape == (0,) and distinct.shape[1] == 3
