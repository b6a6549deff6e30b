"""What the judge makes of a learner's name: never code it runs on the learner's say-so."""

from __future__ import annotations

import json
import socket
import sys

from graders.grading.sandbox.learner_names import LearnerLink, LearnerNames, LearnerObject


def names() -> LearnerNames:
    return LearnerNames(shell=None, link=LearnerLink(socket.socket(), 1 << 20))


def test_a_module_the_judge_has_loaded_is_that_module():
    assert names()._value("m", {"module": "json"}) is json


def test_a_module_the_judge_has_not_loaded_is_not_imported_for_the_learner():
    assert "antigravity" not in sys.modules  # importing it would open a web browser
    found = names()._value("m", {"module": "antigravity"})
    assert isinstance(found, LearnerObject)
    assert "antigravity" not in sys.modules


def test_a_value_that_is_not_plain_data_is_an_object_equal_to_nothing_and_flagged():
    learner = names()
    found = learner._value("ket_qua", {"opaque": "LuonBang"})
    assert found != found.type_name and found != 0
    flag = "gave a test an object that is not plain data (ket_qua: LuonBang)"
    assert learner.link.flags == [flag]
