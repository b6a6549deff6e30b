"""Erasing a learner: nothing of them is left in the course or the output folders."""

import csv
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from nbgrader.api import Gradebook

from graders.course.roster import read_roster, write_roster
from graders.credentials.issuer import create_issuer, load_issuer
from graders.credentials.registry import read_index
from graders.exports.write import write_outputs
from graders.grading.grade import grade
from graders.privacy.forget import mentions
from graders.report.page import write_report

from conftest import ASSIGNMENTS, run_bdhvs, submit_copy
from gradekit import built_copy
from in_process import run_in_process

pytestmark = pytest.mark.grading

LEARNER = "hvxoa42"
OTHER = "hv002"
HOME = "https://xa-thu-nghiem.example.vn"


@pytest.fixture(scope="module")
def forgotten(tmp_path_factory):
    """A graded course with records, credentials and a report, after forgetting LEARNER."""
    root = tmp_path_factory.mktemp("forget")
    assignment = ASSIGNMENTS[0]
    course = built_copy(root / "course", [assignment])
    submit_copy(course, LEARNER, assignment, course.source_dir / assignment)
    submit_copy(course, OTHER, assignment, course.release_dir / assignment)
    grade(course, assignment, progress=False)
    write_roster(course.roster_path, {LEARNER: "Phòng Tư pháp", OTHER: "Bộ phận Một cửa"})
    feedback = course.root / "feedback" / LEARNER / assignment
    feedback.mkdir(parents=True)
    (feedback / "feedback.html").write_text(f"<p>{LEARNER}</p>", encoding="utf-8")
    inbound = course.root / "exchange" / course.root.name / "inbound"
    entry = inbound / f"{LEARNER}+{assignment}+2026-03-01 08:00:00.000000 UTC"
    entry.mkdir(parents=True)
    (entry / "bai.ipynb").write_text("{}", encoding="utf-8")
    key = create_issuer(root / "keys", "UBND xã Thử Nghiệm", HOME)
    out = root / "out"
    records = ("records", "--course", str(course.root), "--out", str(out), "--key", str(key))
    write_outputs(course, out, home=HOME, issuer=load_issuer(key))
    write_report(course, out / "report.html")
    credentials = sorted((out / "credentials" / LEARNER).glob("*.json"))
    assert credentials, "the learner earned credentials to revoke"
    issued = [e["id"] for e in read_index(out / "credentials") if e["learner"] == LEARNER]
    kept_copy = root / "kept-by-someone.json"
    kept_copy.write_bytes(credentials[0].read_bytes())
    (status_list,) = (out / "status-lists").glob("*.json")
    list_before = status_list.read_bytes()
    result = run_bdhvs(
        *("learners", "forget", LEARNER, "--course", str(course.root), "--out", str(out)),
        *("--key", str(key)),
    )
    return SimpleNamespace(
        course=course,
        out=out,
        result=result,
        issued=issued,
        copy=kept_copy,
        records=records,
        key=key,
        list_before=list_before,
    )


def files_naming(learner, *roots):
    """Every file or folder under ``roots`` whose name or bytes contain ``learner``."""
    found = []
    for root in roots:
        for directory, folders, files in os.walk(root):
            for name in [*folders, *files]:
                path = Path(directory) / name
                in_bytes = path.is_file() and learner.encode() in path.read_bytes()
                if learner in name or in_bytes:
                    found.append(path)
    return found


def gradebook_learners(course):
    with Gradebook(course.db_url) as gradebook:
        return {student.id for student in gradebook.students}


def test_forget_succeeds_and_says_what_it_removed(forgotten):
    assert forgotten.result.returncode == 0, forgotten.result.stderr
    stdout = forgotten.result.stdout
    assert "gradebook" in stdout and "submitted" in stdout and "revoked" in stdout
    assert "write it again with bdhvs report" in stdout


def test_nothing_in_the_course_or_the_outputs_names_the_learner_any_more(forgotten):
    assert files_naming(LEARNER, forgotten.course.root, forgotten.out) == []
    assert LEARNER not in gradebook_learners(forgotten.course)


def test_other_learners_keep_their_data(forgotten):
    course, out = forgotten.course, forgotten.out
    assert gradebook_learners(course) == {OTHER}
    assert (course.submitted_dir / OTHER).is_dir() and (course.autograded_dir / OTHER).is_dir()
    assert read_roster(course.roster_path) == {OTHER: "Bộ phận Một cửa"}
    report = json.loads((course.reports_dir / f"grade-{ASSIGNMENTS[0]}.json").read_text("utf-8"))
    assert [o["learner"] for o in report["outcomes"]] == [OTHER]
    assert (out / "learners" / f"{OTHER}.json").is_file()
    for table in ("records.csv", "paths.csv"):
        with open(out / table, encoding="utf-8", newline="") as handle:
            assert {row["learner"] for row in csv.DictReader(handle)} == {OTHER}
    lines = (out / "xapi.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines and all(json.loads(line)["actor"]["account"]["name"] == OTHER for line in lines)


def test_the_learners_credentials_are_listed_as_revoked(forgotten, capsys):
    revoked = json.loads((forgotten.out / "credentials" / "revoked.json").read_text("utf-8"))
    assert sorted(e["id"] for e in revoked["revoked"]) == sorted(forgotten.issued)
    assert read_index(forgotten.out / "credentials") == []
    (status_list,) = (forgotten.out / "status-lists").glob("*.json")
    verify = (
        *("credential", "verify", str(forgotten.copy), "--offline"),
        *("--issuer", str(forgotten.key.parent / "issuer.json")),
        *("--status-list", str(status_list)),
    )
    result = run_in_process(capsys, *verify)
    assert result.returncode == 2 and "revoked" in result.stderr, result.stderr
    # The verifier's copy of the list from before the learner was forgotten still accepts it:
    # revocation reaches verifiers through the list they fetch.
    before = status_list.with_name("before.json")
    before.write_bytes(forgotten.list_before)
    earlier = (*verify[:-1], str(before))
    assert run_in_process(capsys, *earlier).returncode == 0


def test_records_written_again_do_not_bring_the_learner_back(forgotten, capsys):
    assert run_in_process(capsys, *forgotten.records).returncode == 0
    out = forgotten.out
    assert not (out / "learners" / f"{LEARNER}.json").exists()
    assert not (out / "credentials" / LEARNER).exists()
    revoked = json.loads((out / "credentials" / "revoked.json").read_text("utf-8"))
    assert sorted(e["id"] for e in revoked["revoked"]) == sorted(forgotten.issued)
    assert files_naming(LEARNER, forgotten.course.root, out) == []


def test_forget_refuses_an_id_that_is_a_path(forgotten, capsys):
    result = run_in_process(
        capsys, "learners", "forget", "../course", "--course", str(forgotten.course.root)
    )
    assert result.returncode == 2 and "not a learner id" in result.stderr
    assert forgotten.course.root.is_dir()


def test_forget_lists_files_it_could_not_clean(forgotten, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("gọi lại cho hvghi99 sáng thứ hai\n", encoding="utf-8")
    course = str(forgotten.course.root)
    result = run_in_process(
        capsys, "learners", "forget", "hvghi99", "--course", course, "--out", str(tmp_path)
    )
    assert result.returncode == 2
    assert "still named" in result.stderr and "notes.txt" in result.stderr


def test_forgetting_an_unknown_learner_says_nothing_was_found(forgotten, capsys):
    result = run_in_process(
        capsys, "learners", "forget", "hv-khong-co", "--course", str(forgotten.course.root)
    )
    assert result.returncode == 2 and "nothing of learner" in result.stderr


def test_the_search_reads_huge_sparse_files_by_their_data_and_never_opens_a_pipe(tmp_path):
    folder = tmp_path / "submitted" / "hv007"
    folder.mkdir(parents=True)
    sparse = folder / "thu_muc.bin"
    with open(sparse, "wb") as handle:
        handle.seek(1 << 40)  # a terabyte of holes, then the id across a chunk boundary
        handle.write(b"x" * ((1 << 20) - 4) + b" hv001 ")
    os.mkfifo(folder / "ong_dan")  # opening it for reading would wait for a writer forever
    (folder / "khac.txt").write_text("hv0010 is someone else", encoding="utf-8")
    assert mentions("hv001", [tmp_path], set()) == [sparse]
