"""A grading engine is one module in ``graders/grading/engines/``: found by name, offered by
``bdhvs grade --engine``, used by :func:`graders.grading.grade.grade`, with nothing else edited."""

import subprocess
import sys

import pytest

import graders.grading.engines as engines_package
from graders.cli import parser
from graders.common.errors import BdhvsError
from graders.grading.engines import engine_named, engines
from graders.grading.grade import grade

from gradekit import TINY, submit_tiny, tiny_course

ECHO_ENGINE = """
import contextlib

from graders.grading.engines import GradingEngine
from graders.grading.runners import Finished


class Refuse:
    def run(self, work, done):
        for item in work:
            done(Finished(item.learner, False, item.flags, "refused by the echo engine"))


class Echo(GradingEngine):
    name = "echo"
    help = "marks every submission as failed"

    @contextlib.contextmanager
    def open(self, task, options):
        yield Refuse()


ENGINE = Echo()
"""


@pytest.fixture
def echo_engine(tmp_path, monkeypatch):
    """An engine module beside the package's own, as if its file had been added there."""
    folder = tmp_path / "more_engines"
    folder.mkdir()
    (folder / "echo.py").write_text(ECHO_ENGINE, encoding="utf-8")
    monkeypatch.setattr(engines_package, "__path__", [*engines_package.__path__, str(folder)])
    yield engine_named("echo")


def test_listing_the_engines_imports_none_of_their_runners():
    """Every bdhvs command lists the engines: the machinery behind them waits until one opens."""
    probe = (
        "import sys\n"
        "from graders.grading.engines import engines\n"
        "print(list(engines()))\n"
        "print(sorted(m for m in sys.modules if m.startswith('graders.grading.runners.')))\n"
        "print('nbgrader.apps' in sys.modules, 'distributed' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["['fork', 'nbgrader']", "[]", "False False"]


def test_a_new_engine_file_is_found_by_name(echo_engine):
    assert echo_engine.name == "echo"
    assert list(engines()) == ["fork", "nbgrader", "echo"]


def test_a_new_engine_file_is_a_choice_of_bdhvs_grade(echo_engine, capsys):
    args = parser().parse_args(["grade", TINY, "--engine", "echo"])
    assert args.engine == "echo"
    with pytest.raises(SystemExit):
        parser().parse_args(["grade", "--help"])
    assert "echo: marks every submission as failed" in " ".join(capsys.readouterr().out.split())


def test_a_new_engine_grades(echo_engine, tmp_path):
    course = tiny_course(tmp_path / "course", tmp_path / "sources")
    submit_tiny(course, "an", {})
    said = []
    (outcome,) = grade(course, TINY, progress=False, engine="echo", say=said.append)
    assert (outcome.status, outcome.message) == ("failed", "refused by the echo engine")
    assert "with the echo engine" in said[-1]


def test_an_unknown_engine_is_a_clear_error(tmp_path):
    course = tiny_course(tmp_path / "course", tmp_path / "sources")
    with pytest.raises(BdhvsError, match="unknown engine 'nope'; choose fork or nbgrader"):
        grade(course, TINY, progress=False, engine="nope")
    with pytest.raises(SystemExit):
        parser().parse_args(["grade", TINY, "--engine", "nope"])


def test_only_the_fork_engine_takes_a_scheduler():
    options = engines_package.Options(scheduler="tcp://127.0.0.1:9")
    engine_named("fork").check(options)
    assert engine_named("fork").label(options) == "dask"
    with pytest.raises(BdhvsError, match="leave out --engine and --workers"):
        engine_named("nbgrader").check(options)
    with pytest.raises(BdhvsError, match="leave out --engine and --workers"):
        engine_named("fork").check(engines_package.Options(workers=2, scheduler="tcp://x:1"))
