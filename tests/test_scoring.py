"""Fair scores for hidden tests: partial credit, every right order, text as people type it."""

from __future__ import annotations

import unicodedata

import pytest

from curriculum.toolkit.scoring import (
    checkpoint_credit,
    happened,
    happened_before,
    matching_credit,
    normal_text,
    option_credit,
    order_credit,
    position,
    same_text,
    text_in,
)


def test_each_right_tick_earns_its_share_and_each_wrong_tick_takes_as_much_back():
    right = {"b", "d", "f"}
    assert option_credit({"b", "d", "f"}, correct=right, points=3) == 3
    assert option_credit({"b", "d"}, correct=right, points=3) == 2
    assert option_credit({"b", "d", "c"}, correct=right, points=3) == 1


def test_ticking_every_box_or_none_earns_nothing():
    right = {"b", "d", "f"}
    assert option_credit({"a", "b", "c", "d", "e", "f"}, correct=right, points=3) == 0
    assert option_credit(frozenset(), correct=right, points=3) == 0
    assert option_credit(None, correct=right, points=3) == 0


def test_every_order_that_keeps_the_rules_earns_full_marks():
    # Paying the fee may come before or after submitting; both come after filling the form.
    rules = [("fill", "submit"), ("fill", "pay"), ("submit", "track")]
    assert order_credit(["fill", "submit", "pay", "track"], rules=rules, points=2) == 2
    assert order_credit(["fill", "pay", "submit", "track"], rules=rules, points=2) == 2
    assert order_credit(["submit", "fill", "pay", "track"], rules=rules, points=3) == 2
    assert order_credit(None, rules=rules, points=2) == 0


def test_matching_earns_the_share_of_items_matched_right():
    right = {"sms": "scam", "notice": "normal", "call": "scam", "mail": "normal"}
    assert matching_credit(right, correct=right, points=2) == 2
    assert matching_credit({"sms": "scam", "notice": "scam"}, correct=right, points=2) == 0.5
    assert matching_credit(None, correct=right, points=2) == 0


def test_checkpoints_earn_their_share_and_an_item_needs_at_least_one():
    assert checkpoint_credit({"a": True, "b": False, "c": True, "d": True}, points=4) == 3
    assert checkpoint_credit({"a": True, "b": True, "c": False}, points=2) == 1.33
    with pytest.raises(ValueError):
        checkpoint_credit({}, points=1)


def test_text_typed_in_another_unicode_form_case_or_spacing_is_the_same_text():
    decomposed = unicodedata.normalize("NFD", "Cổng Dịch vụ công quốc gia")
    assert decomposed != "Cổng Dịch vụ công quốc gia"
    assert same_text(f"  {decomposed.upper()}.  ", "cổng dịch   vụ công quốc gia")
    assert normal_text("«Nguyễn  Văn A»") == "nguyễn văn a"
    assert not same_text("Cong Dich vu cong", "Cổng Dịch vụ công")  # tones change meaning
    assert not same_text(None, "x")
    assert text_in("06/12", ["6/12", "06/12", "ngày 6 tháng 12"])
    assert not text_in("7/12", ["6/12", "06/12"])


LOG = [
    {"action": "open", "screen": "transfer"},
    {"action": "type_account", "account": "0123 456 789"},
    {"action": "view_name", "name": "NGUYỄN VĂN AN"},
    {"action": "confirm", "amount": 500000},
]


def test_actions_are_found_by_name_and_fields_with_text_compared_fairly():
    assert position(LOG, "view_name") == 2
    assert happened(LOG, "view_name", name="Nguyễn Văn An")
    assert happened(LOG, "confirm", amount=500000)
    assert happened(LOG, "confirm", amount=lambda amount: amount >= 100000)
    assert not happened(LOG, "confirm", amount=5000000)
    assert not happened(LOG, "follow_link")
    assert not happened(None, "open")


def test_an_action_before_another_needs_both_in_that_order():
    assert happened_before(LOG, "view_name", "confirm")
    assert not happened_before(LOG, "confirm", "view_name")
    assert not happened_before(LOG, "view_name", "follow_link")
    assert happened_before(LOG, ("open", {"screen": "transfer"}), "confirm")
    assert not happened_before(LOG, ("open", {"screen": "qr"}), "confirm")
