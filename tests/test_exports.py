"""Exports for other systems: paths.csv for HR systems and xAPI 1.0.3 statements."""

import copy
import csv
import json
import shutil
import uuid

import jsonschema
import pytest

from curriculum.framework import load_framework
from graders.common import iris
from graders.common.errors import BdhvsError
from graders.course.directory import Course
from graders.credentials.issuer import PLACEHOLDER_HOME_PAGE, check_home_page, home_page
from graders.exports.formats.paths_csv import PATH_COLUMNS
from graders.exports.write import write_outputs
from graders.exports.xapi import StatementLines, validate_statement
from graders.privacy.forget import forget_learner

from conftest import run_bdhvs
from in_process import run_in_process
from resultkit import records_of, statements

HOME = "https://xa-thu-nghiem.example.vn"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture(scope="module")
def exported(graded_course, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    result = run_bdhvs(
        "records", "--course", str(graded_course.root), "--out", str(out), "--home-page", HOME
    )
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.fixture(scope="module")
def records(graded_course):
    return records_of(graded_course)


def competence_statement(record, competence, home):
    """The statement a record gives of one competence, None if it gives none."""
    framework = load_framework().id
    return _about(record, home, iris.competence_iri(home, framework, competence))


def path_statement(record, path_id, home):
    """The statement a record gives of one learning path, None if it gives none."""
    return _about(record, home, iris.path_iri(home, path_id))


def _about(record, home, object_id):
    found = [s for s in statements([record], home) if s["object"]["id"] == object_id]
    assert len(found) <= 1
    return found[0] if found else None


def read_statements(out):
    lines = (out / "xapi.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def record_of(out, learner):
    return json.loads((out / "learners" / f"{learner}.json").read_text(encoding="utf-8"))


def with_completed_path(record, path_id):
    changed = copy.deepcopy(record)
    required = len(load_framework().path(path_id).requirements)
    changed["paths"][path_id] = {
        "completed": True,
        "met": required,
        "required": required,
        "missing": [],
    }
    return changed


def test_paths_csv_has_one_row_per_learner_and_path_matching_the_records(exported):
    out, _ = exported
    with open(out / "paths.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == PATH_COLUMNS
    paths = [p.id for p in load_framework().paths]
    assert sorted((r["learner"], r["path"]) for r in rows) == sorted(
        (learner, path) for learner in ("blank", "perfect") for path in paths
    )
    for row in rows:
        progress = record_of(out, row["learner"])["paths"][row["path"]]
        assert row["completed"] == ("true" if progress["completed"] else "false")
        assert (int(row["met"]), int(row["required"])) == (progress["met"], progress["required"])
        assert row["missing"].split() == progress["missing"]


def test_records_csv_is_still_written_beside_the_new_exports(exported):
    out, result = exported
    assert (out / "records.csv").is_file()
    assert "records.csv" in result.stdout and "xapi.jsonl" in result.stdout


def test_every_statement_is_valid_xapi_with_a_pseudonymous_account_actor(exported):
    out, _ = exported
    found = read_statements(out)
    assert found
    for statement in found:
        validate_statement(statement)
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": HOME, "name": statement["actor"]["account"]["name"]},
        }
        assert statement["actor"]["account"]["name"] in ("perfect", "blank")
        assert uuid.UUID(statement["id"]).version == 5


def test_statements_say_passed_or_failed_with_the_score_of_the_record(exported):
    out, _ = exported
    for statement in read_statements(out):
        learner = statement["actor"]["account"]["name"]
        kind, key = statement["object"]["id"].rsplit("/", 2)[1:]
        if kind == "paths":
            assert statement["verb"]["id"] == COMPLETED
            assert record_of(out, learner)["paths"][key]["completed"]
            continue
        competence = key
        entry = record_of(out, learner)["competences"][competence]
        verb = PASSED if entry["step"] >= 1 else FAILED
        assert statement["verb"]["id"] == verb
        result = statement["result"]
        assert result["success"] is (entry["step"] >= 1)
        assert result["score"] == {
            "scaled": entry["score"],
            "raw": entry["earned"],
            "min": 0,
            "max": entry["available"],
        }
        assert 0 <= result["score"]["scaled"] <= 1
        assert result["completion"] is (not entry["pending"])
        assert statement["object"]["definition"]["name"]["vi-VN"].startswith(competence)
        assert statement["object"]["definition"]["name"]["en-US"].startswith(competence)
    verbs = {(s["actor"]["account"]["name"], s["verb"]["id"]) for s in read_statements(out)}
    assert ("perfect", PASSED) in verbs and ("blank", FAILED) in verbs


def test_schema_rejects_a_statement_without_each_required_field(exported):
    out, _ = exported
    statement = read_statements(out)[0]
    for name in ("id", "actor", "verb", "object", "result", "timestamp"):
        incomplete = {k: v for k, v in statement.items() if k != name}
        with pytest.raises(jsonschema.ValidationError):
            validate_statement(incomplete)
    for name in ("scaled", "raw", "min", "max"):
        broken = copy.deepcopy(statement)
        del broken["result"]["score"][name]
        with pytest.raises(jsonschema.ValidationError):
            validate_statement(broken)


def test_schema_rejects_an_actor_named_by_email_or_real_name(exported):
    out, _ = exported
    statement = read_statements(out)[0]
    for extra in ({"mbox": "mailto:a@example.vn"}, {"name": "Nguyễn Văn A"}):
        leaky = copy.deepcopy(statement)
        leaky["actor"].update(extra)
        with pytest.raises(jsonschema.ValidationError):
            validate_statement(leaky)


def test_score_outside_min_and_max_is_rejected(exported):
    out, _ = exported
    statement = copy.deepcopy(read_statements(out)[0])
    statement["result"]["score"]["raw"] = statement["result"]["score"]["max"] + 1
    with pytest.raises(ValueError, match="out of order"):
        validate_statement(statement)


def test_scaled_score_outside_0_to_1_is_rejected(exported):
    out, _ = exported
    for scaled in (-0.5, 1.5):
        statement = copy.deepcopy(read_statements(out)[0])
        statement["result"]["score"]["scaled"] = scaled
        with pytest.raises(jsonschema.ValidationError):
            validate_statement(statement)


def test_exporting_twice_gives_identical_statements(graded_course, tmp_path):
    written = write_outputs(graded_course, tmp_path, home=HOME)
    first = (tmp_path / "xapi.jsonl").read_bytes()
    later = [{**r, "generated_at": "2030-01-01T00:00:00+00:00"} for r in written.records]
    lines = StatementLines(HOME)
    assert b"".join(line for r in later for line in lines(r, schema=True)) == first


def test_statement_id_depends_on_learner_object_and_result(records):
    perfect = next(r for r in records if r["learner"] == "perfect")
    competence = next(c for c, e in perfect["competences"].items() if e["step"] >= 1)
    original = competence_statement(perfect, competence, HOME)
    assert competence_statement(perfect, competence, HOME)["id"] == original["id"]
    renamed = {**perfect, "learner": "someone-else"}
    assert competence_statement(renamed, competence, HOME)["id"] != original["id"]
    lower = copy.deepcopy(perfect)
    lower["competences"][competence]["step"] = 0
    assert competence_statement(lower, competence, HOME)["id"] != original["id"]
    other = next(c for c in perfect["competences"] if c != competence)
    assert competence_statement(perfect, other, HOME)["id"] != original["id"]


def test_completed_path_gives_a_completed_statement(records):
    perfect = next(r for r in records if r["learner"] == "perfect")
    done = with_completed_path(perfect, "citizens")
    statement = path_statement(done, "citizens", HOME)
    validate_statement(statement)
    assert statement["verb"]["id"] == COMPLETED
    assert statement["object"]["id"] == f"{HOME}/paths/citizens"
    assert statement["result"]["completion"] is True and statement["result"]["success"] is True
    assert statement["result"]["score"]["scaled"] == 1
    assert statement in statements([done], HOME)


def test_path_not_completed_gives_no_statement(records):
    perfect = copy.deepcopy(next(r for r in records if r["learner"] == "perfect"))
    perfect["paths"]["officials"].update(completed=False, met=0)
    assert path_statement(perfect, "officials", HOME) is None


def test_competence_with_nothing_graded_gives_no_statement(records):
    perfect = copy.deepcopy(next(r for r in records if r["learner"] == "perfect"))
    competence = next(iter(perfect["competences"]))
    perfect["competences"][competence].update(
        step=0, score=0.0, earned=0.0, available=0.0, evidence=[]
    )
    assert competence_statement(perfect, competence, HOME) is None


def test_home_page_is_configurable_and_a_placeholder_is_under_the_invalid_domain():
    assert PLACEHOLDER_HOME_PAGE.endswith(".invalid")
    assert home_page(None, None) == PLACEHOLDER_HOME_PAGE
    assert home_page(HOME + "/", None) == HOME
    with pytest.raises(BdhvsError):
        check_home_page("ftp://example.vn")
    with pytest.raises(BdhvsError):
        check_home_page("xa-thu-nghiem.example.vn")


def test_records_without_a_home_page_say_the_placeholder_is_used(graded_course, tmp_path, capsys):
    result = run_in_process(
        capsys, "records", "--course", str(graded_course.root), "--out", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert PLACEHOLDER_HOME_PAGE in result.stdout and "placeholder" in result.stdout
    assert "no --key" in result.stdout
    assert not (tmp_path / "credentials").exists()
    homes = {s["actor"]["account"]["homePage"] for s in read_statements(tmp_path)}
    assert homes == {PLACEHOLDER_HOME_PAGE}


DROPPED_FORMAT = """
from graders.records.tables import Record


class Learners:
    file = "learners.txt"
    header = b"learner\\n"

    def span_writer(self, home):
        def span_rows(records: list[Record], first: int):
            return [b"".join(f"{r['learner']}\\n".encode() for r in records)], len(records)

        return span_rows

    def summary(self, path, count):
        return f"{count} learners listed -> {path}"

    def forget(self, path, learner):
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("".join(f"{line}\\n" for line in lines if line != learner))
        return f"{path}: {learner}"


EXPORT = Learners()
"""


def test_a_format_file_dropped_into_the_formats_folder_is_written_summed_up_and_forgotten(
    graded_course, tmp_path, monkeypatch
):
    import sys

    import graders.exports.formats as formats

    folder = tmp_path / "more-formats"
    folder.mkdir()
    (folder / "learners_txt.py").write_text(DROPPED_FORMAT, encoding="utf-8")
    monkeypatch.setattr(formats, "__path__", [*formats.__path__, str(folder)])
    monkeypatch.delitem(sys.modules, "graders.exports.formats.learners_txt", raising=False)
    files = [export.file for export in formats.table_exports()]
    assert files == ["learners.txt", "paths.csv", "xapi.jsonl"]
    out = tmp_path / "out"
    written = write_outputs(graded_course, out, home=HOME, jobs=2)
    learners = [r["learner"] for r in written.records]
    assert (out / "learners.txt").read_text(encoding="utf-8").split() == ["learner", *learners]
    assert f"{len(learners)} learners listed -> {out / 'learners.txt'}" in written.lines()
    assert (out / "paths.csv").is_file() and (out / "xapi.jsonl").is_file()
    course_copy = tmp_path / "course"
    shutil.copytree(graded_course.root, course_copy, symlinks=True)
    report = forget_learner(Course.open(course_copy), learners[0], [out])
    assert f"{out / 'learners.txt'}: {learners[0]}" in report.removed
    listed = (out / "learners.txt").read_text(encoding="utf-8").split()
    assert listed == ["learner", *learners[1:]]
    sys.modules.pop("graders.exports.formats.learners_txt", None)
