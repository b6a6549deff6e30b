"""``bdhvs grade``: autograde every submission of one assignment into nbgrader's gradebook.

Each learner is graded by nbgrader's own autograder, so the gradebook, the autograded notebooks,
formgrader and feedback stay nbgrader's. Before nbgrader runs, a submission is checked for what
would otherwise end in a traceback (unreadable notebooks, an empty folder) and for cells the
learner deleted; problems are reported for that learner and the rest of the cohort is graded.
A run can be interrupted and started again: grading a learner twice replaces the earlier result.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from graders.course import Course
from graders.errors import BdhvsError
from graders.sources import scan_assignment


@dataclass
class Outcome:
    learner: str
    status: str  # "graded" or "failed"
    score: float | None = None
    max_score: float | None = None
    flags: list[str] = field(default_factory=list)
    message: str = ""


def submitted_learners(course: Course, assignment: str) -> list[str]:
    """Learners with a folder ``submitted/<learner>/<assignment>``."""
    if not course.submitted_dir.is_dir():
        return []
    return sorted(
        learner.name
        for learner in course.submitted_dir.iterdir()
        if not learner.name.startswith(".") and (learner / assignment).is_dir()
    )


def inspect_submission(folder: Path, expected: dict[str, set[str]]) -> tuple[list[str], str]:
    """Flags for a submission, and an error message when it cannot be graded at all.

    ``expected`` maps each notebook name of the assignment to its graded cell ids.
    """
    flags: list[str] = []
    present_files = sorted(p.name for p in folder.iterdir())
    if not present_files:
        return flags, "the submission folder is empty"
    if not any((folder / f"{name}.ipynb").exists() for name in expected):
        wanted = ", ".join(f"{name}.ipynb" for name in expected)
        return flags, f"no notebook of the assignment ({wanted}); found: {', '.join(present_files)}"
    for name, cell_ids in expected.items():
        path = folder / f"{name}.ipynb"
        if not path.exists():
            flags.append(f"missing notebook {name}.ipynb (scored zero)")
            continue
        nb, error = read_submitted_notebook(path)
        if error:
            return flags, error
        present = {
            cell.metadata.get("nbgrader", {}).get("grade_id")
            for cell in nb.cells
            if "nbgrader" in cell.metadata
        }
        deleted = sorted(cell_ids - present)
        if deleted:
            flags.append(
                f"{name}.ipynb: deleted graded cells restored for grading: {', '.join(deleted)}"
            )
    return flags, ""


def read_submitted_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    """The notebook at ``path``, or a plain explanation of why it cannot be read."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None, f"{path.name} is not UTF-8 text"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno})"
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        found = data.get("nbformat") if isinstance(data, dict) else type(data).__name__
        return None, f"{path.name} is not a valid notebook: nbformat 4 expected, found {found}"
    try:
        nb = nbformat.from_dict(data)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat's validation errors have several types
        return None, f"{path.name} is not a valid notebook: {str(exc).splitlines()[0]}"
    return nb, ""


def _nbgrader_failure(result: dict) -> str:
    log = result.get("log") or ""
    errors = [line for line in log.splitlines() if line.startswith("[ERROR]")]
    if errors:
        return errors[0].removeprefix("[ERROR]").strip()
    error = (result.get("error") or "nbgrader failed").strip().splitlines()
    return error[-1] if error else "nbgrader failed"


def grade(course: Course, assignment: str, *, progress: bool = True) -> list[Outcome]:
    """Grade every submission of ``assignment`` and write ``reports/grade-<assignment>.json``."""
    course.require_assignment(assignment)
    if not (course.release_dir / assignment).is_dir():
        raise BdhvsError(f"{assignment} has not been built yet: run bdhvs build {assignment}")
    scan = scan_assignment(course.source_dir, assignment)
    expected: dict[str, set[str]] = {}
    for path in sorted((course.source_dir / assignment).glob("*.ipynb")):
        expected[path.stem] = set()
    for item in scan.items:
        expected[item.notebook].add(item.cell)
    learners = submitted_learners(course, assignment)
    # nbgrader's own session handling warns on every new learner; the warning is not about them.
    warnings.filterwarnings("ignore", message=".*not in session, add operation along")
    api = course.api()
    outcomes: list[Outcome] = []
    for learner in tqdm(
        learners, desc=f"grading {assignment}", unit="learner", disable=not progress
    ):
        folder = course.submitted_dir / learner / assignment
        flags, error = inspect_submission(folder, expected)
        if error:
            outcomes.append(Outcome(learner, "failed", flags=flags, message=error))
            continue
        result = api.autograde(assignment, learner, force=True, create=True)
        if not result["success"]:
            message = _nbgrader_failure(result)
            outcomes.append(Outcome(learner, "failed", flags=flags, message=message))
            continue
        outcomes.append(Outcome(learner, "graded", flags=flags))
    _fill_scores(course, assignment, outcomes)
    write_report(course, assignment, outcomes)
    return outcomes


def _fill_scores(course: Course, assignment: str, outcomes: list[Outcome]) -> None:
    with Gradebook(course.db_url) as gradebook:
        for outcome in outcomes:
            if outcome.status != "graded":
                continue
            try:
                submission = gradebook.find_submission(assignment, outcome.learner)
            except MissingEntry:
                outcome.status = "failed"
                outcome.message = "nbgrader recorded no submission"
                continue
            outcome.score = submission.score
            outcome.max_score = submission.max_score


def report_path(course: Course, assignment: str) -> Path:
    return course.reports_dir / f"grade-{assignment}.json"


def write_report(course: Course, assignment: str, outcomes: list[Outcome]) -> Path:
    """Write the grading report atomically, so an interrupted write never leaves half a file."""
    path = report_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    payload = {"assignment": assignment, "outcomes": [asdict(o) for o in outcomes]}
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_report(course: Course, assignment: str) -> list[Outcome]:
    """The outcomes of the last ``bdhvs grade`` of ``assignment`` (empty if never graded)."""
    path = report_path(course, assignment)
    if not path.exists():
        return []
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return [Outcome(**o) for o in payload["outcomes"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise BdhvsError(f"{path} is damaged ({exc}); run bdhvs grade {assignment} again") from exc
