"""``bdhvs grade --scheduler ADDRESS`` grades on a Dask cluster as the fork engine grades here.

The cluster is a real ``distributed.LocalCluster`` of two worker processes (one thread each),
started by the test; the real command line is pointed at its scheduler. The workers get each
notebook's cells and files through Dask, never the course folder. The same cohort graded by the
fork engine in a copy of the course must give the same score for every grade cell, the same
flags and the same failures (``test_grade_equivalence`` shows the fork engine's scores are
stock ``nbgrader autograde``'s for these same submissions).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import nbformat
import pytest
from distributed import Client, LocalCluster

from graders.common.errors import BdhvsError
from graders.grading.grade import grade
from graders.grading.score_table import score_table

from conftest import BDHVS, run_bdhvs, submit
from gradekit import (
    TINY,
    TINY_VARIANTS,
    copy_course,
    probe_answer,
    probe_result,
    report_outcomes,
    submit_tiny,
    tiny_course,
)

pytestmark = pytest.mark.grading

ENDS_ITS_PROCESS = {"cau_2_dap_an": "import os\nos._exit(0)"}
SLOW_ANSWER = {"cau_1_dap_an": "import time\ntime.sleep(1)\ntong = 2 + 3"}
SLOW_LEARNERS = 4


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield local


def grade_on(cluster, course, *extra: str) -> subprocess.CompletedProcess[str]:
    address = cluster.scheduler_address
    done = run_bdhvs("grade", TINY, "--course", str(course.root), "--scheduler", address, *extra)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def cohort(cluster, tmp_path_factory):
    """The tiny cohort, a prober, a cheat and a corrupt notebook, graded on the cluster and by
    the fork engine in a copy of the course."""
    base = tmp_path_factory.mktemp("dask")
    course = tiny_course(base / "course", base / "sources", "\nc.Execute.timeout = 2\n")
    for learner, answers in TINY_VARIANTS.items():
        submit_tiny(course, learner, answers)
    source = course.source_dir / TINY / f"{TINY}.ipynb"
    secrets = [str(source.resolve()), str(course.root / "gradebook.db")]
    secrets.append(str(course.submitted_dir / "perfect" / TINY / f"{TINY}.ipynb"))
    submit_tiny(course, "prober", probe_answer(secrets))
    submit_tiny(course, "calls_os_exit", ENDS_ITS_PROCESS)
    submit(course, "corrupt", TINY, {f"{TINY}.ipynb": '{"cells": [ not json'})
    fork = copy_course(course, base / "fork")
    done = grade_on(cluster, course)
    grade(fork, TINY, progress=False)
    return course, fork, done, secrets


def test_every_grade_cell_scores_as_with_the_fork_engine(cohort):
    course, fork, _, _ = cohort
    found = score_table(course, TINY)
    assert found == score_table(fork, TINY)
    assert len({row["score"] for row in found.values()}) >= 4, found
    assert found["loops_forever"][f"{TINY}/cau_3_kiem_tra"] == 0.0  # the timeout, on a worker
    assert found["calls_os_exit"][f"{TINY}/cau_4_kiem_tra"] == 0.0  # not reached: no points


def test_flags_and_statuses_are_the_fork_engines(cohort):
    course, fork, _, _ = cohort
    assert report_outcomes(course, TINY) == report_outcomes(fork, TINY)
    outcomes = report_outcomes(course, TINY)
    assert any("ended the grading process" in f for f in outcomes["calls_os_exit"]["flags"])


def test_a_corrupt_submission_is_reported_while_the_rest_are_graded(cohort):
    course, _, done, _ = cohort
    outcomes = report_outcomes(course, TINY)
    assert outcomes["corrupt"]["status"] == "failed"
    assert "not valid JSON" in outcomes["corrupt"]["message"]
    assert "FAILED  corrupt:" in done.stdout
    graded = [name for name, o in outcomes.items() if o["status"] == "graded"]
    assert sorted(graded) == sorted(set(outcomes) - {"corrupt"})
    assert "with the dask engine" in done.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="isolation needs root")
def test_code_on_a_worker_cannot_read_the_gradebook_sources_or_other_submissions(cohort):
    course, _, _, secrets = cohort
    found = probe_result(course)
    assert {found[path] for path in secrets} <= {"FileNotFoundError", "PermissionError"}, found
    assert score_table(course, TINY)["prober"]["score"] == 7.0


def notebook_running(client: Client) -> str | None:
    """A worker that is running one of bdhvs's notebooks now, if any."""
    for worker, keys in client.processing().items():
        if any(str(key).startswith("bdhvs-notebook-") for key in keys):
            return worker
    return None


def test_a_worker_killed_mid_notebook_still_leaves_every_learner_graded_once(cluster, tmp_path):
    course = tiny_course(tmp_path / "course", tmp_path / "sources", "\nc.Execute.timeout = 20\n")
    for number in range(SLOW_LEARNERS):
        submit_tiny(course, f"hv{number}", SLOW_ANSWER)
    command = [str(BDHVS), "grade", TINY, "--course", str(course.root), "--quiet"]
    command += ["--scheduler", cluster.scheduler_address]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        deadline = time.monotonic() + 60
        victim = None
        while victim is None and time.monotonic() < deadline and process.poll() is None:
            victim = notebook_running(client)
            time.sleep(0.05)
        assert victim is not None, "no notebook ever ran on the cluster"
        os.kill(client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=180)
        client.wait_for_workers(2, timeout=60)  # the nanny brings the worker back
    assert process.returncode == 0, stderr[-3000:]
    assert f"{SLOW_LEARNERS} submissions processed" in stdout
    outcomes = report_outcomes(course, TINY)
    assert {o["status"] for o in outcomes.values()} == {"graded"}, outcomes
    rows = score_table(course, TINY)
    assert sorted(rows) == [f"hv{n}" for n in range(SLOW_LEARNERS)]
    assert {row["score"] for row in rows.values()} == {7.0}
    for learner in rows:  # each autograded notebook holds one whole run, not parts of two
        path = course.autograded_dir / learner / TINY / f"{TINY}.ipynb"
        cells = nbformat.read(path, as_version=4).cells
        counts = [c.execution_count for c in cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), (learner, counts)
    again = grade_on(cluster, course, "--quiet")
    assert f"{SLOW_LEARNERS} unchanged since their last grading were kept" in again.stdout


def test_an_unreachable_scheduler_is_a_clear_error(cohort):
    course = cohort[0]
    done = run_bdhvs(
        *("grade", TINY, "--course", str(course.root), "--force"),
        *("--scheduler", "tcp://127.0.0.1:9"),
        env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
    )
    assert done.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_scheduler_option_runs_the_fork_engine_only(cohort):
    course = cohort[0]
    with pytest.raises(BdhvsError, match="leave out --engine and --workers"):
        grade(course, TINY, progress=False, engine="nbgrader", scheduler="tcp://127.0.0.1:9")
