"""``bdhvs integrity``: what an auditor would want to see in a cohort's work.

Near-identical submissions (:mod:`graders.integrity.similarity`), implausibly fast completions
(:mod:`graders.integrity.timing`) and grades changed by hand (:mod:`graders.integrity.audit`),
per assignment.
The methods and thresholds are in docs/integrity.md.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from sqlalchemy import create_engine, inspect, make_url, text
from tqdm import tqdm

from curriculum.toolkit.answers import ANSWERS_LIMIT, SUFFIX
from graders.common.learner_files import load_json, read_capped, read_notebook, survey
from graders.course.directory import Course
from graders.integrity.audit import ManualChange, manual_changes
from graders.integrity.similarity import (
    Group,
    Item,
    choice_token,
    fingerprints,
    near_identical,
    tokens_of,
)
from graders.integrity.timing import (
    Fast,
    duration_text,
    fast_completions,
    release_built,
    span_of,
)

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass
class AssignmentIntegrity:
    """Findings for one assignment."""

    assignment: str
    learners: int = 0
    groups: list[Group] = field(default_factory=list)
    timed: int = 0  # submissions with a start and an end time
    fast: list[Fast] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class IntegrityReport:
    assignments: list[AssignmentIntegrity]
    changes: list[ManualChange]

    def as_dict(self) -> dict[str, Any]:
        return {
            "assignments": [
                {
                    "assignment": a.assignment,
                    "learners": a.learners,
                    "near_identical": [
                        {
                            "learners": list(g.learners),
                            "score": round(g.score, 3),
                            "pairs": [
                                {
                                    "learners": [p.a, p.b],
                                    "score": round(p.score, 3),
                                    "shared": p.shared,
                                    "items": dict(sorted(p.items.items())),
                                }
                                for p in g.pairs
                            ],
                        }
                        for g in a.groups
                    ],
                    "timed_submissions": a.timed,
                    "fast_completions": [
                        {
                            "learner": f.learner,
                            "seconds": round(f.seconds),
                            "floor_seconds": f.floor,
                            "cohort_median_seconds": f.median,
                            "start_from": f.source,
                        }
                        for f in a.fast
                    ],
                    "problems": a.problems,
                }
                for a in self.assignments
            ],
            "manual_changes": [c.as_dict() for c in self.changes],
        }

    def lines(self) -> list[str]:
        """The findings as text for the terminal."""
        out = []
        for a in self.assignments:
            out.append(f"{a.assignment}: {a.learners} submissions")
            out.append(f"  near-identical groups: {len(a.groups)}")
            for group in a.groups:
                out.append(f"    {', '.join(group.learners)} (similarity {group.score:.2f})")
                for pair in group.pairs:
                    items = ", ".join(f"{k} ({v:g})" for k, v in sorted(pair.items.items()))
                    out.append(f"      {pair.a} ~ {pair.b} {pair.score:.2f}: {items}")
            out.append(f"  fast completions: {len(a.fast)} of {a.timed} timed submissions")
            out.extend(f"    {fast_text(f)}" for f in a.fast)
            out.extend(f"  problem: {p}" for p in a.problems)
        out.append(f"grades changed by hand: {len(self.changes)}")
        out.extend(f"  {c.describe()}" for c in self.changes)
        return out


def fast_text(fast: Fast) -> str:
    start = "first answer" if fast.source == "answers" else "release"
    if fast.seconds < 0:
        return f"{fast.learner}: started {duration_text(-fast.seconds)} after submitting"
    middle = f", cohort median {duration_text(fast.median)}" if fast.median is not None else ""
    return (
        f"{fast.learner}: {duration_text(fast.seconds)} from {start} to submission "
        f"(floor {duration_text(fast.floor)}{middle})"
    )


def _without_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def _solution_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(grade_id, str) and meta.get("solution"):
            cells[grade_id] = cell
    return cells


def _kind(cell: nbformat.NotebookNode) -> str:
    return "code" if cell.cell_type == "code" else "text"


def model_choices(source: str) -> dict[str, Any]:
    """qid -> value of the widget questions a model answer sets (``q = X("qid", ...)``
    then ``q.set_answer(value)``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    qids: dict[str, str] = {}
    values: dict[str, Any] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
            and isinstance(node.value.args[0].value, str)
        ):
            qids[node.targets[0].id] = node.value.args[0].value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "set_answer"
            and isinstance(node.func.value, ast.Name)
            and len(node.args) == 1
        ):
            try:
                value = ast.literal_eval(node.args[0])
            except (ValueError, TypeError, SyntaxError, RecursionError):
                continue
            if isinstance(value, set | frozenset | tuple):
                value = list(value)
            values[node.func.value.id] = value
    return {qids[name]: value for name, value in values.items() if name in qids}


@dataclass
class _Questions:
    """What the course gave for one assignment: per item key, fingerprints that are no
    evidence; the grade cell that scores each item; the graded item count; the notebooks."""

    given: dict[str, set[int]]
    choice_given: set[int]
    scored_by: dict[str, tuple[str, str]]  # item key or widget qid -> (notebook, grade cell)
    items: int
    notebooks: list[str]


def _scoring_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Answer cell -> the grade cell that scores it: itself if graded, else the next one."""
    scoring: dict[str, str] = {}
    waiting: list[str] = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id"):
            waiting.append(meta["grade_id"])
        if meta.get("grade") and meta.get("grade_id"):
            scoring.update({answer: meta["grade_id"] for answer in waiting})
            waiting = []
    return scoring


def _questions(course: Course, assignment: str) -> _Questions:
    given: dict[str, set[int]] = {}
    choice_given: set[int] = set()
    scored_by: dict[str, tuple[str, str]] = {}
    items = 0
    notebooks = sorted(p.name for p in (course.source_dir / assignment).glob("*.ipynb"))
    for name in notebooks:
        stem = Path(name).stem
        source = nbformat.read(course.source_dir / assignment / name, as_version=4)
        items += sum(bool(c.metadata.get("nbgrader", {}).get("grade")) for c in source.cells)
        release_path = course.release_dir / assignment / name
        release = nbformat.read(release_path, as_version=4) if release_path.is_file() else None
        released = _solution_cells(release) if release else {}
        scoring = _scoring_cells(source)
        for grade_id, cell in _solution_cells(source).items():
            kind = _kind(cell)
            known = fingerprints(tokens_of(kind, _without_markers(cell.source)))
            if grade_id in released:
                known |= fingerprints(tokens_of(kind, released[grade_id].source))
            given[f"{stem}/{grade_id}"] = known
            if grade_id in scoring:
                scored_by[f"{stem}/{grade_id}"] = (stem, scoring[grade_id])
            if kind == "code":
                for qid, value in model_choices(_without_markers(cell.source)).items():
                    choice_given |= fingerprints([choice_token(qid, value)])
                    if grade_id in scoring:
                        scored_by[qid] = (stem, scoring[grade_id])
    return _Questions(given, choice_given, scored_by, items, notebooks)


_SCORES = text(
    """
    SELECT sa.student_id, n.name, c.name, g.auto_score, g.manual_score, gc.max_score
    FROM grade g
    JOIN base_cell c ON c.id = g.cell_id
    JOIN grade_cells gc ON gc.id = g.cell_id
    JOIN submitted_notebook sn ON sn.id = g.notebook_id
    JOIN notebook n ON n.id = sn.notebook_id
    JOIN submitted_assignment sa ON sa.id = sn.assignment_id
    JOIN assignment a ON a.id = sa.assignment_id
    WHERE a.name = :assignment
    """
)


def below_full_marks(db_url: str, assignment: str) -> set[tuple[str, str, str]]:
    """(learner, notebook, grade cell) of every scored grade below full marks, in one query."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return set()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("grade"):
                return set()
            rows = connection.execute(_SCORES, {"assignment": assignment}).all()
    finally:
        engine.dispose()
    below = set()
    for learner, notebook, cell, auto, manual, maximum in rows:
        score = manual if manual is not None else auto
        if maximum and score is not None and score < maximum:  # not yet scored: unknown
            below.add((learner, notebook, cell))
    return below


def _lost_points(
    answers: dict[str, list[Item]], questions: _Questions, below: set[tuple[str, str, str]]
) -> set[tuple[str, str]]:
    lost = set()
    for learner, items in answers.items():
        for item in items:
            by = item.content[0] if item.kind == "choice" else item.key
            cell = questions.scored_by.get(by)
            if cell and (learner, *cell) in below:
                lost.add((learner, item.key))
    return lost


def _widget_items(folder: Path) -> list[Item]:
    items = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            document = load_json(read_capped(path, ANSWERS_LIMIT), path.name)
            answers = document["answers"]
            sheet = str(document.get("sheet", path.name[: -len(SUFFIX)]))
        except (OSError, ValueError, TypeError, KeyError):
            continue
        if not isinstance(answers, dict):
            continue
        for qid, entry in sorted(answers.items()):
            if isinstance(entry, dict) and entry.get("value") is not None:
                items.append(Item(f"{sheet}.answers/{qid}", "choice", (qid, entry["value"])))
    return items


def learner_items(
    folder: Path, questions: _Questions, problems: list[str], learner: str
) -> list[Item]:
    """One learner's answers: solution cells the release has, and widget answers; a written
    answer saved in the answer file is text of its cell."""
    items = []
    for name in questions.notebooks:
        path = folder / name
        if not path.is_file() or path.is_symlink():
            continue
        nb, error = read_notebook(path)
        if nb is None:  # a damaged notebook is reported, the rest still checked
            problems.append(f"{learner}: {error}")
            continue
        stem = Path(name).stem
        for grade_id, cell in _solution_cells(nb).items():
            key = f"{stem}/{grade_id}"
            if key in questions.given:
                items.append(Item(key, _kind(cell), cell.source))
    texts = {item.key: index for index, item in enumerate(items) if item.kind == "text"}
    for item in _widget_items(folder):
        qid, value = item.content
        cell = f"{item.key.split('.answers/', 1)[0]}/{qid}"
        if cell in texts and isinstance(value, str):
            # a written answer typed into the box under its question: text, as in its cell
            index = texts[cell]
            items[index] = Item(cell, "text", f"{items[index].content}\n\n{value}")
        else:
            items.append(item)
    return items


def check_assignment(
    course: Course, assignment: str, progress: bool = False
) -> AssignmentIntegrity:
    questions = _questions(course, assignment)
    result = AssignmentIntegrity(assignment)
    folders = sorted(
        p / assignment
        for p in course.submitted_dir.glob("*")
        if (p / assignment).is_dir() and not p.name.startswith(".")
    )
    result.learners = len(folders)
    release_time = release_built(course.release_dir / assignment)
    answers: dict[str, list[Item]] = {}
    spans = []
    for folder in tqdm(folders, desc=assignment, unit="learner", disable=not progress):
        learner = folder.parent.name
        refusal = survey(folder)
        if refusal:
            result.problems.append(f"{learner}: {refusal} (not checked)")
            continue
        answers[learner] = learner_items(folder, questions, result.problems, learner)
        span = span_of(learner, folder, release_time)
        if span is not None:
            spans.append(span)
    given = dict(questions.given)
    for items in answers.values():
        for item in items:
            if item.kind == "choice":
                given[item.key] = questions.choice_given
    below = below_full_marks(course.db_url, assignment)
    result.groups = near_identical(answers, given, _lost_points(answers, questions, below))
    result.timed = len(spans)
    result.fast = fast_completions(spans, questions.items)
    return result


def check_integrity(
    course: Course, assignments: list[str] | None = None, progress: bool = False
) -> IntegrityReport:
    """Findings for ``assignments`` (default: every assignment with submissions)."""
    if assignments:
        for assignment in assignments:
            course.require_assignment(assignment)
        chosen = list(assignments)
    else:
        submitted = course.submitted_dir
        chosen = [a for a in course.assignments() if any(submitted.glob(f"*/{a}"))]
    results = [check_assignment(course, a, progress) for a in chosen]
    return IntegrityReport(results, manual_changes(course.db_url, assignments or None))
