"""Records at scale: the benchmark's own agreement check with nbgrader's Gradebook API, the same
records from SQLite and PostgreSQL, and bad input that must never give a silently wrong record."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders.common.errors import BdhvsError
from graders.course.directory import Course
from graders.course.sources import graded_items
from graders.credentials.issuer import PLACEHOLDER_HOME_PAGE
from graders.grading.grade import report_path
from graders.records.folder import COMPLETE, CSV_COLUMNS, StoredRecords, competence_columns
from graders.records.maker import RecordMaker
from graders.records.rollup import RollupPolicy

from conftest import REPO, run_bdhvs
from resultkit import assert_results_are_the_records, statements

pytestmark = pytest.mark.grading

LEARNERS = 300
AGREE = "records agree with nbgrader's API"


def run_bench(base: Path, db: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "bench" / "records.py"), "--learners", str(LEARNERS)]
    command += ["--api-learners", "60", "--keep", str(base)]
    if db:
        command += ["--db", db]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def sqlite_bench(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench") / "sqlite"
    return base, run_bench(base)


@pytest.fixture(scope="module")
def postgres_bench(tmp_path_factory, postgres):
    base = tmp_path_factory.mktemp("bench") / "postgres"
    return base, run_bench(base, postgres.new_database())


def record_texts(out: Path) -> dict[str, dict]:
    """learner -> record, without the time it was made."""
    found = {}
    for path in sorted((out / "learners").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        record.pop("generated_at")
        found[path.stem] = record
    return found


def records_written(course: Course, out: Path) -> dict[str, dict]:
    """Run ``bdhvs records`` into ``out``; the records written, as :func:`record_texts`."""
    first = run_bdhvs("records", "--course", str(course.root), "--out", str(out))
    assert first.returncode == 0, first.stderr
    return record_texts(out)


@pytest.fixture
def course_copy(sqlite_bench, tmp_path) -> Course:
    """A copy of the benchmark's SQLite course that a test may damage."""
    base, result = sqlite_bench
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    root = tmp_path / "course"
    shutil.copytree(base / "course", root, symlinks=True)
    return Course.open(root)


def test_bench_records_agree_with_nbgrader_api_on_sqlite(sqlite_bench):
    base, result = sqlite_bench
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert AGREE in result.stdout
    for line in ("(a) nbgrader Gradebook API", "(b) bdhvs records", "(c) bdhvs report"):
        assert line in result.stdout
    assert len(list((base / "records" / "learners").glob("*.json"))) == LEARNERS


def test_bench_records_agree_with_nbgrader_api_on_postgresql(postgres_bench):
    base, result = postgres_bench
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "postgresql gradebook" in result.stdout
    assert AGREE in result.stdout


def test_sqlite_and_postgresql_give_identical_records(sqlite_bench, postgres_bench):
    sqlite_records = record_texts(sqlite_bench[0] / "records")
    postgres_records = record_texts(postgres_bench[0] / "records")
    assert len(sqlite_records) == LEARNERS
    assert sqlite_records == postgres_records
    csv_a = (sqlite_bench[0] / "records" / "records.csv").read_bytes()
    assert csv_a == (postgres_bench[0] / "records" / "records.csv").read_bytes()


def test_records_and_tables_made_on_several_cores_are_those_one_process_makes(
    sqlite_bench, tmp_path
):
    base, _ = sqlite_bench
    course = Course.open(base / "course")
    out = tmp_path / "out"
    result = run_bdhvs("records", "--course", str(course.root), "--out", str(out), "--jobs", "3")
    assert result.returncode == 0, result.stderr
    maker = RecordMaker(course)
    one_process = list(maker.records(0, len(maker)))
    generated = one_process[0]["generated_at"]
    written = []
    for path in sorted((out / "learners").glob("*.json")):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1, f"{path.name} is not one line of JSON"
        written.append({**json.loads(lines[0]), "generated_at": generated})
    assert written == one_process
    with open(out / "records.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    expected = [
        [str(v) for v in (record["learner"], record["unit"] or "", *competence_columns(c, e))]
        for record in one_process
        for c, e in record["competences"].items()
    ]
    assert rows[0] == list(CSV_COLUMNS) and rows[1:] == expected
    lines = (out / "xapi.jsonl").read_text(encoding="utf-8").splitlines()
    # without --home-page, bdhvs records puts the actors' accounts on the placeholder page
    assert [json.loads(line) for line in lines] == statements(one_process, PLACEHOLDER_HOME_PAGE)


def test_a_grade_for_a_cell_gone_from_the_sources_is_named_and_nothing_is_written(
    course_copy, tmp_path
):
    item = graded_items(course_copy.source_dir, course_copy.assignments())[0]
    with Gradebook(course_copy.db_url) as gradebook:
        cell = gradebook.find_grade_cell(item.cell, item.notebook, item.assignment)
        cell.name = "cau_da_xoa"
        gradebook.db.commit()
    out = tmp_path / "out"
    result = run_bdhvs("records", "--course", str(course_copy.root), "--out", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{item.assignment}/{item.notebook}/cau_da_xoa" in result.stderr
    assert "not in the current sources" in result.stderr
    assert not (out / "learners").exists() and not (out / COMPLETE).exists()


def test_a_negative_score_is_named_with_its_learner_and_nothing_is_written(course_copy, tmp_path):
    item = graded_items(course_copy.source_dir, course_copy.assignments())[0]
    with Gradebook(course_copy.db_url) as gradebook:
        learner = sorted(s.id for s in gradebook.students)[7]
        grade = gradebook.find_grade(item.cell, item.notebook, item.assignment, learner)
        grade.manual_score = -2
        gradebook.db.commit()
    out = tmp_path / "out"
    result = run_bdhvs(
        "records", "--course", str(course_copy.root), "--out", str(out), "--jobs", "2"
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "negative scores" in result.stderr and f"{learner}: {item.cell} = -2" in result.stderr
    assert not (out / "learners").exists()


@pytest.mark.parametrize("damage", ["cut short", "unknown status"])
def test_a_damaged_grading_report_is_named_and_nothing_is_written(course_copy, tmp_path, damage):
    assignment = course_copy.assignments()[0]
    path = report_path(course_copy, assignment)
    if damage == "cut short":
        path.write_bytes(path.read_bytes()[:-40])
    else:
        report = json.loads(path.read_text(encoding="utf-8"))
        report["outcomes"][3]["status"] = "lost"
        path.write_text(json.dumps(report), encoding="utf-8")
    out = tmp_path / "out"
    args = ["records", "--course", str(course_copy.root), "--out", str(out), "--jobs", "2"]
    result = run_bdhvs(*args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert path.name in result.stderr or f"grading report of {assignment}" in result.stderr
    assert f"bdhvs grade {assignment}" in result.stderr
    assert not (out / "learners").exists()


def test_a_competence_unknown_to_the_framework_is_a_clear_error(course_copy, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    assignments = course_copy.assignments()
    for name in assignments[1:]:
        (sources / name).symlink_to((course_copy.source_dir / name).resolve())
    changed = assignments[0]
    shutil.copytree(course_copy.source_dir / changed, sources / changed)
    path = sorted((sources / changed).glob("*.ipynb"))[0]
    notebook = nbformat.read(path, as_version=4)
    tagged = next(c for c in notebook.cells if "bdhvs" in c.metadata)
    tagged.metadata["bdhvs"]["competences"] = ["9.9"]
    nbformat.write(notebook, path)
    (course_copy.root / "source").unlink()
    (course_copy.root / "source").symlink_to(sources)
    result = run_bdhvs("records", "--course", str(course_copy.root), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "competences not in the framework: 9.9" in result.stderr
    assert tagged.metadata["nbgrader"]["grade_id"] in result.stderr


KILLED_MID_WRITE = """
import os, sys
from pathlib import Path
from graders.course.directory import Course
from graders.credentials.issuer import PLACEHOLDER_HOME_PAGE
from graders.exports.write import write_outputs
from graders.records.maker import RecordMaker

made = RecordMaker.records

def dying(self, start, stop, **options):
    for number, record in enumerate(made(self, start, stop, **options), start):
        if number == 25:
            os._exit(9)  # as if the machine lost power: no clean-up runs
        yield record

RecordMaker.records = dying
write_outputs(Course.open(sys.argv[1]), Path(sys.argv[2]), home=PLACEHOLDER_HOME_PAGE)
"""


def test_a_run_killed_mid_write_leaves_the_previous_records_whole_and_is_reported(
    course_copy, tmp_path
):
    out = tmp_path / "out"
    before = records_written(course_copy, out)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, str(course_copy.root), str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert killed.returncode == 9
    assert list(out.glob(".records-*")), "the killed run's unfinished folder is left behind"
    assert len(StoredRecords(out)) == LEARNERS
    assert record_texts(out) == before

    again = run_bdhvs("records", "--course", str(course_copy.root), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "interrupted run" in again.stdout
    assert not list(out.glob(".records-*"))
    assert len(StoredRecords(out)) == LEARNERS


WORKER_DIES = """
import os, sys
from graders import cli
from graders.records.maker import RecordMaker

made = RecordMaker.records
parent = os.getpid()

def dying(self, start, stop):
    if start <= 150 < stop and os.getpid() != parent:
        os._exit(9)  # as the kernel's out-of-memory killer would end it
    return made(self, start, stop)

RecordMaker.records = dying
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_worker_that_dies_is_reported_and_the_previous_records_stay_whole(course_copy, tmp_path):
    out = tmp_path / "out"
    before = records_written(course_copy, out)
    args = ["records", "--course", str(course_copy.root), "--out", str(out), "--jobs", "2"]
    died = subprocess.run(
        [sys.executable, "-c", WORKER_DIES, *args], capture_output=True, text=True, cwd=REPO
    )
    assert died.returncode == 2, died.stderr
    assert "died" in died.stderr and "Traceback" not in died.stderr
    assert record_texts(out) == before and len(StoredRecords(out)) == LEARNERS
    assert not list(out.glob(".records-*"))


def test_a_folder_without_its_completion_file_is_never_read_as_complete(course_copy, tmp_path):
    out = tmp_path / "out"
    first = run_bdhvs("records", "--course", str(course_copy.root), "--out", str(out))
    assert first.returncode == 0, first.stderr
    (out / COMPLETE).unlink()  # as if killed between swapping the folders and finishing
    with pytest.raises(BdhvsError, match="no complete set of records"):
        StoredRecords(out)
    again = run_bdhvs("records", "--course", str(course_copy.root), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "incomplete" in again.stdout
    assert json.loads((out / COMPLETE).read_text())["learners"] == LEARNERS


def test_report_carries_every_learner_as_data_and_lays_out_none_of_them(sqlite_bench, tmp_path):
    """The learner table of a national cohort is JSON the page shows 50 rows at a time, not
    one HTML row per learner; the summaries cover everyone."""
    from graders.report.page import write_report

    base, result = sqlite_bench
    assert result.returncode == 0, result.stderr[-2000:]
    path = write_report(Course.open(base / "course"), tmp_path / "r.html", lang="en")
    html = path.read_text(encoding="utf-8")
    assert f"<strong>{LEARNERS}</strong>Learners" in html
    data = html.split('id="learner-data">', 1)[1].split("</script>", 1)[0]
    assert len(json.loads(data)["rows"]) == LEARNERS
    assert html.count("<tr><td>hv") == 0


def test_a_learner_id_that_is_not_a_pseudonymous_id_is_refused_by_name(course_copy, tmp_path):
    with open(course_copy.roster_path, "a", encoding="utf-8") as roster:
        roster.write("Nguyễn Văn A,Xã An Bình\n")
    result = run_bdhvs("records", "--course", str(course_copy.root), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'Nguyễn Văn A'" in result.stderr and "not pseudonymous ids" in result.stderr


def test_report_results_equal_the_records_of_a_cohort_read_by_several_processes(course_copy):
    assert_results_are_the_records(course_copy, RollupPolicy(), jobs=3)
