"""What the credential tests share: an organisation, its learners' records, the verdict text."""

from __future__ import annotations

from typing import Any

HOME = "https://xa-thu-nghiem.example.vn"
ISSUER_NAME = "UBND xã Thử Nghiệm"
NOT_ON_LIST = "chữ ký hợp lệ nhưng đơn vị cấp không nằm trong danh sách tin cậy"


def record(learner: str, steps: dict[str, int]) -> dict[str, Any]:
    """A learner's record as ``bdhvs records`` writes it, reduced to what credentials use."""
    return {
        "learner": learner,
        "competences": {competence: {"step": step} for competence, step in steps.items()},
        "paths": {},
        "policy": {"mastery": 0.8},
    }


RECORDS = [record("hv001", {"1.1": 2, "1.2": 1}), record("hv002", {"2.1": 3})]
