"""Learners who scored the same on a competence's items share one roll-up result.

A national cohort's learners fall into a few thousand distinct score patterns per competence.
Finding the patterns with array operations lets :mod:`graders.records.rollup` run once per pattern
instead of once per learner, so every record and every report figure is still made by those
rules and no second form of them exists.
"""

from __future__ import annotations

import numpy as np

#: Above this many combinations of column values the rows are compared whole, not as one key.
_KEY_LIMIT = 2**62


def pattern_codes(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct rows of the 2-D ``block``; for each of its rows, the index of its distinct
    row). Each column's values are numbered first and the numbers combined into one integer
    key per row, which sorts far faster than whole rows."""
    rows, width = block.shape
    key = np.zeros(rows, dtype=np.int64)
    combinations = 1
    for column in block.T:
        values, numbers = np.unique(column, return_inverse=True)
        if combinations * len(values) >= _KEY_LIMIT:
            _, first, inverse = np.unique(block, axis=0, return_index=True, return_inverse=True)
            return block[first], inverse.reshape(-1)
        key += numbers.reshape(-1).astype(np.int64) * combinations
        combinations *= len(values)
    if rows == 0 or width == 0:
        return block[:1], np.zeros(rows, dtype=np.int64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return block[first], inverse.reshape(-1)
