"""The framework data is complete, valid against its schemas and true to the circular."""

import csv
import json

import jsonschema
import pytest

from curriculum.framework import load_framework, read_json, validate_data

from conftest import REPO

REFERENCE = REPO.parent / "shared" / "reference"


def test_framework_has_all_domains_competences_and_steps():
    framework = load_framework()
    assert [d.id for d in framework.domains] == ["1", "2", "3", "4", "5", "6"]
    assert len(framework.competences) == 24
    assert [s.step for s in framework.steps] == list(range(1, 9))
    assert [s.code for s in framework.steps] == [
        "CB1",
        "CB2",
        "TC1",
        "TC2",
        "NC1",
        "NC2",
        "CS1",
        "CS2",
    ]
    for step in framework.steps:
        assert step.descriptor_vi and step.descriptor_en


def test_every_competence_is_named_in_both_languages_and_mapped_to_digcomp():
    framework = load_framework()
    for competence in framework.competences.values():
        assert competence.name_vi and competence.name_en
        if competence.domain_id == "6":
            assert competence.digcomp22 is None  # AI has no DigComp 2.2 counterpart
        else:
            assert competence.digcomp22 == competence.id


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="shared/reference is not beside the checkout")
def test_competence_names_match_the_reference_table():
    with open(REFERENCE / "tt02_2025_competences.csv", encoding="utf-8") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle) if "." in r["id"]}
    framework = load_framework()
    assert set(rows) == set(framework.competences)
    for competence_id, row in rows.items():
        assert framework.competence(competence_id).name_vi == row["name_vi"]


def test_four_target_group_paths_require_only_known_competences_at_basic_steps():
    framework = load_framework()
    assert {p.id for p in framework.paths} == {"officials", "students", "citizens", "workers"}
    for path in framework.paths:
        competences = [r.competence for r in path.requirements]
        assert len(competences) == len(set(competences)), path.id
        assert all(c in framework.competences for c in competences)
        assert all(r.step in (1, 2) for r in path.requirements)
    assert len(framework.path("officials").requirements) == 24


@pytest.mark.parametrize("name", ["framework.json", "paths.json"])
def test_schema_rejects_broken_data(name):
    validate_data(name)
    broken = json.loads(json.dumps(read_json(name)))
    if name == "framework.json":
        broken["domains"][0]["competences"][0]["id"] = "9.9"
    else:
        broken["paths"][0]["requirements"][0]["step"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, read_json(name.replace(".json", ".schema.json")))
