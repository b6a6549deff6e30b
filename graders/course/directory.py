"""A cohort's course directory: an ordinary nbgrader course root plus a learner roster.

Layout (nbgrader's own names)::

    DIR/nbgrader_config.py   written by ``bdhvs course init``
    DIR/source/              link to this repository's ``assignments/``
    DIR/release/             what learners receive (``bdhvs build``)
    DIR/submitted/<learner>/<assignment>/
    DIR/autograded/...       nbgrader's graded copies
    DIR/feedback/...         what learners get back (``nbgrader generate_feedback``, through
                             graders/course/feedback.py: no hidden test, no answer key)
    DIR/gradebook.db         nbgrader's gradebook (unless it is elsewhere, e.g. on PostgreSQL)
    DIR/exchange/            nbgrader's exchange for this cohort
    DIR/learners.csv         optional roster: learner id, organisational unit
    DIR/reports/             one grading report per assignment (``bdhvs grade``)
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config, PyFileConfigLoader

from graders.common.errors import BdhvsError
from graders.gradebook.database import check_reachable, masked, normalise

CONFIG_NAME = "nbgrader_config.py"
REPOSITORY_ASSIGNMENTS = Path(__file__).resolve().parents[2] / "assignments"

CONFIG_TEMPLATE = """\
# nbgrader configuration for one cohort, written by `bdhvs course init`.
# This is an ordinary nbgrader course: nbgrader's own commands work here as they are.
import os

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = {course_id!r}

# Release and submission exchange of this cohort, inside the course folder so that one machine
# can hold several cohorts. A JupyterHub deployment points this at its shared exchange instead.
c.Exchange.root = os.path.join(os.path.dirname(__file__), "exchange")

# A learner who deletes a test cell is still tested: nbgrader puts the cell back before grading.
c.OverwriteCells.add_missing_cells = True

# What learners see in place of a solution. A comment, not nbgrader's `raise NotImplementedError()`,
# so "Run All" never stops on an untouched answer and a question answered through a widget still
# shows its widget. An untouched answer still earns nothing: the tests find no answer.
c.ClearSolutions.code_stub = {{"python": "# Trả lời tại đây"}}
c.ClearSolutions.text_stub = "Viết vào ô bên dưới."

# A written answer is typed into the box under its question (the only way on a phone) and kept
# in the answer file: this first step adds it to the answer cell nbgrader grades by hand, so
# formgrader, feedback and exports see it (graders/course/written_answers.py). nbgrader's own
# steps follow. Named, not imported, so that without bdhvs installed autograde fails instead of
# scoring those answers 0.
c.Autograde.sanitize_preprocessors = [
    "graders.course.written_answers.WrittenAnswers",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback learners receive (`nbgrader generate_feedback`) shows no hidden test, no mark scheme
# and no output that quotes them: a test cell shows its visible checks and its verdict
# (graders/course/feedback.py). Named, not imported, so that without bdhvs installed
# generate_feedback fails instead of handing out the hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "graders.course.feedback.LearnerFeedback",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Every change of a grade by hand (formgrader, nbgrader's API) is kept, with who changed it,
# in the gradebook's table bdhvs_grade_audit (docs/integrity.md).
# The feedback page itself is in Vietnamese, fits a phone, fetches nothing from the internet and
# leaves out the code a learner never saw (graders/course/feedback_templates).
try:
    from graders.course.feedback import FEEDBACK_TEMPLATE, feedback_template_dirs
    from graders.integrity.audit import install_audit
except ImportError:
    import sys

    print("bdhvs not installed: grade changes are kept without author", file=sys.stderr)
else:
    c.HTMLExporter.template_name = FEEDBACK_TEMPLATE
    c.HTMLExporter.extra_template_basedirs = feedback_template_dirs()
    install_audit()
"""

DATABASE_TEMPLATE = """
# The gradebook. nbgrader's commands, formgrader and bdhvs all use this database
# (without this line: gradebook.db in this folder). See docs/postgresql.md.
c.CourseDirectory.db_url = {url!r}
"""


@dataclass(frozen=True)
class Course:
    root: Path
    database: str | None = None  # a gradebook URL that overrides the configuration's

    @classmethod
    def open(cls, root: str | Path, database: str | None = None) -> Course:
        """Open an existing course directory, or explain how to make one. ``database``
        (``--db``) puts the gradebook in that database instead of the configured one."""
        path = Path(root).resolve()
        if not (path / CONFIG_NAME).is_file():
            raise BdhvsError(
                f"{path} is not a course directory (no {CONFIG_NAME}). "
                f"Create one with: bdhvs course init {root}"
            )
        return cls(path, normalise(database, Path.cwd()) if database else None)

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def release_dir(self) -> Path:
        return self.root / "release"

    @property
    def submitted_dir(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded_dir(self) -> Path:
        return self.root / "autograded"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def roster_path(self) -> Path:
        return self.root / "learners.csv"

    def config(self) -> Config:
        loader = PyFileConfigLoader(CONFIG_NAME, path=str(self.root))
        config = loader.load_config()
        if self.database:
            config.CourseDirectory.db_url = self.database
        return config

    @property
    def db_url(self) -> str:
        configured = self.config().CourseDirectory.get("db_url")
        return configured or f"sqlite:///{self.root / 'gradebook.db'}"

    def check_gradebook(self) -> None:
        """Fail with a clear message (password hidden) when the gradebook cannot be used."""
        check_reachable(self.db_url)

    @property
    def db_label(self) -> str:
        """The gradebook's URL fit to print."""
        return masked(self.db_url)

    def assignments(self) -> list[str]:
        """Assignment ids: the folders of the course's sources."""
        if not self.source_dir.is_dir():
            raise BdhvsError(f"{self.source_dir} does not exist: the course has no sources")
        return sorted(
            p.name for p in self.source_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
        )

    def require_assignment(self, assignment: str) -> None:
        known = self.assignments()
        if assignment not in known:
            raise BdhvsError(
                f"unknown assignment {assignment!r}; the course has: {', '.join(known) or 'none'}"
            )

    def api(self) -> NbGraderAPI:
        """nbgrader's own API, configured exactly as nbgrader's commands would be in this course."""
        _put_own_scripts_on_path()
        config = self.config()
        coursedir = CourseDirectory(config=config)
        coursedir.root = str(self.root)
        api = NbGraderAPI(coursedir=coursedir, config=config)
        api.log.setLevel(logging.ERROR)
        return api


def _put_own_scripts_on_path() -> None:
    """nbgrader runs helper programs (``alembic``) by name: find them beside this interpreter."""
    scripts = str(Path(sys.executable).parent)
    paths = os.environ.get("PATH", "").split(os.pathsep)
    if scripts not in paths:
        os.environ["PATH"] = os.pathsep.join([scripts, *paths])


def init_course(
    directory: str | Path, source: str | Path | None = None, database: str | None = None
) -> Course:
    """Create a course directory whose sources are ``source`` (default: the repository's) and
    whose gradebook is the database at URL ``database`` (default: ``gradebook.db`` in it)."""
    root = Path(directory).resolve()
    sources = Path(source).resolve() if source else REPOSITORY_ASSIGNMENTS
    if not sources.is_dir():
        raise BdhvsError(f"assignment sources not found at {sources}; pass --source DIR")
    if database:
        database = normalise(database, Path.cwd())
        check_reachable(database)
    if (root / CONFIG_NAME).exists():
        raise BdhvsError(f"{root} is already a course directory")
    if root.exists() and any(root.iterdir()):
        raise BdhvsError(f"{root} exists and is not empty; choose a new directory")
    root.mkdir(parents=True, exist_ok=True)
    course_id = root.name.replace(" ", "_")
    config = CONFIG_TEMPLATE.format(course_id=course_id)
    if database:
        config += DATABASE_TEMPLATE.format(url=database)
    (root / CONFIG_NAME).write_text(config, encoding="utf-8")
    os.symlink(sources, root / "source", target_is_directory=True)
    for folder in ("release", "submitted", "exchange"):
        (root / folder).mkdir()
    return Course(root)
