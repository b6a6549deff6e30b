"""A synthetic cohort: pseudonymous learners from several units, their submissions and an
instructor who scores part of the written answers.

Answers are drawn from realistic profiles (complete, partial, wrong, blank) with the demo answers
of each assignment (``graders/demo/answers/``); the faults in :data:`FAULTS` are planted in one
learner each, so that the demo shows grading catch them and can check that it did. The demo, the
benchmarks and the tests make their cohorts here.

Learners answer as real ones do: a question asked through a widget or a simulated app is
answered by tapping, which leaves the notebook's code as released and saves the answer in the
answer file beside it; only a question that asks for code (the programming module) is answered
by writing code in its cell. The taps are what the widgets save when the model or the wrong
answer of each question is given (:func:`taps_of`). A written answer is typed into the box under
its question, which saves it in the answer file, by the learners who work on a phone
(:func:`on_phone`); the others type it into the answer cell itself, as JupyterLab allows.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook

from curriculum.toolkit.answers import SUFFIX
from curriculum.toolkit.written import WrittenAnswer
from graders.common.errors import BdhvsError
from graders.course.directory import Course
from graders.grading.grade import read_report

MARKER = ".bdhvs-demo"
DEMO_KEY_DIR = "demo-key"
DEMO_ISSUER = "Đơn vị đào tạo minh họa (khóa thử, không có giá trị)"
UNITS = (
    "Văn phòng HĐND và UBND",
    "Phòng Tư pháp - Hộ tịch",
    "Bộ phận Một cửa",
    "Phòng Văn hóa - Xã hội",
    "Phòng Kinh tế",
)
# Profile weights for the cohort, after the learners with a planted fault (FAULTS).
PROFILES = (("complete", 0.3), ("partial", 0.4), ("wrong", 0.15), ("blank", 0.15))
PARTIAL_CORRECT = 0.6
INSTRUCTOR_GRADES_SHARE = 0.7
WRITTEN_CREDIT = (1.0, 0.25, 0.5)  # share of points for the good, weak and middling answers
SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
TYPED = "…"  # what taps_of types into each written answer's box, to see how the box saves it


FAILED = "failed"  # grading could not grade the submission; its message says why
FLAGGED = "flagged"  # grading graded the submission and flagged what the learner changed


@dataclass(frozen=True)
class Fault:
    """A fault planted in every submission of one learner, so that a newcomer sees grading
    catch it and the demo can check that it did: grading reports it as ``kind`` (FAILED or
    FLAGGED) in words that contain ``says``."""

    profile: str  # the learner profile that carries it (make_submission plants it)
    planted: str  # what the learner did, in plain words
    kind: str
    says: str

    def explains(self, kind: str, text: str) -> bool:
        """Whether ``text``, reported as ``kind`` on this fault's learner, is this fault."""
        return kind == self.kind and self.says in text


FAULTS = (
    Fault("corrupt", "handed in notebooks cut off halfway", FAILED, "not valid JSON"),
    Fault(
        "deleted_test", "deleted a test cell from every notebook", FLAGGED, "deleted graded cells"
    ),
)


@dataclass
class Learner:
    id: str
    unit: str
    profile: str
    phone: bool = False  # writes in the box under a written question, never in its cell
    written: dict[str, int] = field(default_factory=dict)  # manual cell -> answer variant


def on_phone(number: int) -> bool:
    """Whether the ``number``-th learner of a cohort works on a phone: every other one does."""
    return number % 2 == 1


def demo_answers(assignment: str) -> dict[str, Any]:
    path = resources.files("graders").joinpath(f"demo/answers/{assignment}.json")
    if not path.is_file():
        raise BdhvsError(
            f"no demo answers for {assignment} (graders/demo/answers/{assignment}.json)"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def solution_text(source: str) -> str:
    """A source cell's model answer: its text without nbgrader's solution markers."""
    lines = source.splitlines()
    return "\n".join(line for line in lines if line.strip() not in (SOLUTION_BEGIN, SOLUTION_END))


def cohort(size: int, rng: random.Random) -> list[Learner]:
    names, weights = zip(*PROFILES, strict=True)
    profiles = [fault.profile for fault in FAULTS][:size]
    profiles += rng.choices(names, weights=weights, k=size - len(profiles))
    rng.shuffle(profiles)
    width = max(3, len(str(size)))
    return [
        Learner(
            id=f"hv{i + 1:0{width}d}",
            unit=UNITS[i % len(UNITS)],
            profile=profile,
            phone=on_phone(i),
        )
        for i, profile in enumerate(profiles)
    ]


def planted(learners: list[Learner]) -> dict[str, Fault]:
    """Learner id -> the fault planted in their submissions, for the learners who have one."""
    faults = {fault.profile: fault for fault in FAULTS}
    return {
        learner.id: faults[learner.profile] for learner in learners if learner.profile in faults
    }


def answer_variant(profile: str, rng: random.Random) -> str:
    """'correct', 'wrong' or 'blank' for one answer cell of a learner with ``profile``: a
    learner with a planted fault answers correctly, so that only the fault shows."""
    if profile == "complete" or any(profile == fault.profile for fault in FAULTS):
        return "correct"
    if profile == "partial":
        return "correct" if rng.random() < PARTIAL_CORRECT else rng.choice(("wrong", "blank"))
    return profile


@dataclass(frozen=True)
class Taps:
    """What an assignment's widgets save in its answer file, for each answer cell, when each
    question is answered the model way (``right``) or the demo's wrong way (``wrong``), and
    what the box of each written answer saves, by the written cell's grade id (``typed``, whose
    value is to be replaced by the text)."""

    file: str = ""
    document: dict[str, Any] = field(default_factory=dict)
    right: dict[str, dict[str, Any]] = field(default_factory=dict)
    wrong: dict[str, dict[str, Any]] = field(default_factory=dict)
    typed: dict[str, dict[str, Any]] = field(default_factory=dict)


def taps_of(
    source: nbformat.NotebookNode, release: nbformat.NotebookNode, answers: dict[str, Any]
) -> Taps:
    """Run the released notebook's cells once with the model answers and once with the wrong
    ones, in a scratch folder, and note which answers each answer cell saved; the first time,
    type into every written answer's box too."""
    model = _model_answers(source)
    saved: dict[str, dict[str, dict[str, Any]]] = {}
    file, document, typed = "", {}, {}
    for variant, code_of in (("right", model), ("wrong", answers["wrong"])):
        found, file, document, boxes = _run_answers(release, code_of, file, document, not typed)
        saved[variant] = found
        typed = typed or boxes
    return Taps(file, document, saved["right"], saved["wrong"], typed)


def _model_answers(source: nbformat.NotebookNode) -> dict[str, str]:
    return {
        cell.metadata["nbgrader"]["grade_id"]: solution_text(cell.source)
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code"
    }


def _run_answers(
    release: nbformat.NotebookNode,
    code_of: dict[str, str],
    file: str,
    document: dict[str, Any],
    type_in_boxes: bool,
) -> tuple[dict[str, dict[str, Any]], str, dict[str, Any], dict[str, dict[str, Any]]]:
    found: dict[str, dict[str, Any]] = {}
    typed: dict[str, dict[str, Any]] = {}
    namespace: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory(prefix="bdhvs-taps-") as folder,
        contextlib.chdir(folder),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        before: dict[str, Any] = {}
        for cell in release.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or (meta.get("grade") and not meta.get("solution")):
                continue
            code = (
                code_of.get(meta.get("grade_id"), cell.source)
                if meta.get("solution")
                else cell.source
            )
            with contextlib.suppress(Exception):
                exec(compile(code, "<cell>", "exec"), namespace)
            sheets = sorted(Path(folder).glob(f"*{SUFFIX}"))
            if not sheets:
                continue
            file = sheets[0].name
            document = json.loads(sheets[0].read_text(encoding="utf-8"))
            now = document.get("answers", {})
            changed = {qid: entry for qid, entry in now.items() if before.get(qid) != entry}
            if changed and meta.get("solution"):
                found[meta["grade_id"]] = changed
            before = dict(now)
        boxes = [box for box in namespace.values() if isinstance(box, WrittenAnswer)]
        for box in boxes if type_in_boxes else ():
            box.set_answer(TYPED)
            saved = json.loads(box.sheet.path.read_text(encoding="utf-8"))
            typed[box.qid] = saved["answers"][box.qid]
            file, document = box.sheet.path.name, document or saved
    return found, file, document, typed


@dataclass
class Submission:
    """A learner's submitted files: the notebook, and the answer file when they tapped."""

    files: dict[str, str]

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self.files.items():
            (folder / name).write_text(text, encoding="utf-8")


def make_submission(
    learner: Learner,
    source: nbformat.NotebookNode,
    release: nbformat.NotebookNode,
    answers: dict[str, Any],
    rng: random.Random,
    taps: Taps | None = None,
) -> Submission:
    """What ``learner`` submits for the notebook of ``answers``: a question answered by tapping
    (one in ``taps``), or a written answer of a learner on a phone, leaves its cell as released
    and its answer in the answer file."""
    taps = taps or Taps()
    model = _model_answers(source)
    nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
    tapped: dict[str, Any] = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        cell_id = meta["grade_id"]
        variant = answer_variant(learner.profile, rng)
        if cell_id in answers["written"]:
            if variant == "blank":
                continue
            texts = answers["written"][cell_id]
            index = 0 if variant == "correct" else rng.randrange(len(texts))
            learner.written[cell_id] = index
            if learner.phone and cell_id in taps.typed:
                tapped[cell_id] = {**taps.typed[cell_id], "value": texts[index]}
            else:
                cell.source = texts[index]
        elif cell_id in taps.right:
            if variant != "blank":
                tapped.update((taps.right if variant == "correct" else taps.wrong).get(cell_id, {}))
        elif variant == "correct":
            cell.source = model[cell_id]
        elif variant == "wrong":
            cell.source = answers["wrong"][cell_id]
    if learner.profile == "deleted_test":
        tests = [
            c
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")
        ]
        nb.cells.remove(tests[0])
    text = nbformat.writes(nb)
    if learner.profile == "corrupt":
        text = text[: len(text) // 2]
    files = {answers["notebook"]: text}
    if tapped:
        sheet = {**taps.document, "answers": tapped}
        files[taps.file] = json.dumps(sheet, ensure_ascii=False, indent=2) + "\n"
    return Submission(files)


def grade_written_answers(
    course: Course, assignment: str, learners: list[Learner], rng: random.Random
) -> int:
    """A synthetic instructor scores part of the graded written answers, as formgrader would."""
    given = 0
    graded = {o.learner for o in read_report(course, assignment) if o.status == "graded"}
    with Gradebook(course.db_url) as gradebook:
        for learner in learners:
            if learner.id not in graded or not learner.written:
                continue
            if rng.random() >= INSTRUCTOR_GRADES_SHARE:
                continue
            submission = gradebook.find_submission(assignment, learner.id)
            for notebook in submission.notebooks:
                for grade_row in notebook.grades:
                    # formgrader lists the answers there are: none is scored unless grading
                    # found it, in the cell or in the answer file
                    if grade_row.name in learner.written and grade_row.needs_manual_grade:
                        credit = WRITTEN_CREDIT[learner.written[grade_row.name] % 3]
                        grade_row.manual_score = credit * grade_row.max_score
                        given += 1
        gradebook.db.commit()
    return given
