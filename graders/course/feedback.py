"""The feedback learners receive: nbgrader's, less anything that gives an answer away.

``nbgrader generate_feedback`` turns the autograded notebooks into the HTML learners get. Those
notebooks hold each test cell whole (nbgrader's OverwriteCells puts the hidden tests back before
grading), the outputs of its run (a failed assert's traceback quotes the hidden lines around it,
a hidden assert's message may state the expected answer) and each task cell's mark scheme. As
they are, every learner would receive the hidden tests, and where several attempts count
(``--attempts best``) the answers for the next one. The course's ``nbgrader_config.py``
(``bdhvs course init``) runs :class:`LearnerFeedback` after nbgrader's GetGrades:

- every cell loses its hidden-test and mark-scheme regions by nbgrader's own rules and settings
  (ClearHiddenTests, ClearMarkScheme); a cell whose regions those rules cannot read (a region
  never closed, regions nested) is withheld whole;
- a test cell's outputs become its verdict with its points, and, when it failed, the message of
  the check that failed if the learner can read that message in the cell's visible code. Of
  what the cell printed, only lines the visible code holds are kept: nothing a hidden test
  computed, printed or quoted gets through;
- each graded cell is named by its question's heading (``Câu 3: …``), which the learner's page
  (``feedback_templates/``, in Vietnamese) shows instead of nbgrader's grade ids;
- any other output that quotes a line of a hidden test (an answer cell that printed the shell's
  input history) is withheld. Only a verbatim quote can be recognised here: keeping hidden tests
  out of reach of learner code that would encode them is grading's part (docs/grading.md).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, NbGraderPreprocessor
from traitlets import List
from traitlets.config import Config

from graders.course.questions import cell_labels

# The name nbgrader gives its own feedback page, which formgrader's "generate feedback" asks for
# whatever is configured: the course's folder of templates, searched first, holds ours by it.
FEEDBACK_TEMPLATE = "feedback"
WITHHELD_CELL = "# (Nội dung ô này được ẩn: ô có vùng kiểm tra ẩn hoặc đáp án không đọc được.)"
WITHHELD_OUTPUT = "(Kết quả này được ẩn vì có chép nội dung của bài kiểm tra ẩn.)"
# A hidden line shorter than this (a closing bracket, ``else:``) is common in any output and
# says nothing about a test.
MIN_QUOTED = 12
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def feedback_template_dirs() -> list[str]:
    """Where nbconvert finds the learner's feedback page (:data:`FEEDBACK_TEMPLATE`): ours,
    in Vietnamese, in place of nbgrader's English one."""
    return [str(Path(__file__).resolve().parent / "feedback_templates")]


class LearnerFeedback(NbGraderPreprocessor):
    """nbgrader preprocessor for ``GenerateFeedback``: see the module's description."""

    # nbconvert's HTML exporter sets every converter part's display_data_priority, which
    # nbgrader's base class does not take from configuration (nbgrader's GetGrades does the same).
    display_data_priority = List(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        cutters = (
            ClearHiddenTests(config=_own(self.config, "ClearHiddenTests"), enforce_metadata=False),
            ClearMarkScheme(config=_own(self.config, "ClearMarkScheme"), enforce_metadata=False),
        )
        hidden: set[str] = set()
        for index, cell in enumerate(nb.cells):
            hidden |= _cut(cell, cutters, resources, index)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if utils.is_grade(cell) and not utils.is_solution(cell):
                cell.outputs = _verdict(cell)
            else:
                cell.outputs = [_unless_quoting(output, hidden) for output in cell.outputs]
        labels = cell_labels(nb.cells)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in labels:
                cell.metadata.setdefault("bdhvs", {})["question"] = labels[grade_id]
        return nb, resources


def _own(config: Config, name: str) -> Config:
    """The course's settings of nbgrader's preprocessor ``name`` (its delimiters), alone."""
    return Config({name: config[name]}) if name in config else Config()


def _cut(
    cell: NotebookNode,
    cutters: tuple[ClearHiddenTests, ClearMarkScheme],
    resources: ResourcesDict,
    index: int,
) -> set[str]:
    """Cut ``cell``'s hidden regions out; return the lines cut that no visible line repeats."""
    before = cell.source
    try:
        for cutter in cutters:
            cutter.preprocess_cell(cell, resources, index)
    except RuntimeError:
        cell.source = WITHHELD_CELL
    return _lines(before) - _lines(cell.source)


def _lines(text: str) -> set[str]:
    return {stripped for line in text.splitlines() if len(stripped := line.strip()) >= MIN_QUOTED}


def _verdict(cell: NotebookNode) -> list[NotebookNode]:
    """A test cell's outputs as the learner may see them (the cell's hidden regions are cut)."""
    visible = cell.source
    printed = [
        line
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stdout"
        for line in output.text.splitlines()
        if line.strip() and line.strip() in visible
    ]
    messages = [
        message
        for output in cell.outputs
        if output.output_type == "error"
        and (message := str(output.get("evalue", "")).strip())
        and message in visible
    ]
    meta = cell.metadata.nbgrader
    score, points = meta.get("score"), float(meta.get("points") or 0)
    passed = score is not None and score >= points
    outputs = (
        [new_output("stream", name="stdout", text="\n".join(printed) + "\n")] if printed else []
    )
    line = _verdict_line(score, points, messages)
    return [*outputs, new_output("stream", name="stdout" if passed else "stderr", text=line + "\n")]


def _verdict_line(score: float | None, points: float, messages: list[str]) -> str:
    if score is None:
        return "Chưa có điểm."
    if score >= points:
        return f"Đạt: {_number(score)}/{_number(points)} điểm."
    if score > 0:
        verdict = f"Đạt một phần: {_number(score)}/{_number(points)} điểm."
    else:
        verdict = f"Chưa đạt: 0/{_number(points)} điểm."
    return " ".join([verdict, *messages])


def _number(value: float) -> str:
    """Points written the Vietnamese way: 0,5."""
    return f"{round(float(value), 2):g}".replace(".", ",")


def _unless_quoting(output: NotebookNode, hidden: set[str]) -> NotebookNode:
    text = _text_of(output)
    if any(line in text for line in hidden):
        return new_output("stream", name="stderr", text=WITHHELD_OUTPUT + "\n")
    return output


def _text_of(output: NotebookNode) -> str:
    """Everything an output would show, as plain text (colours and HTML escapes undone)."""
    if output.output_type == "stream":
        parts = [output.get("text", "")]
    elif output.output_type == "error":
        parts = [output.get("ename", ""), output.get("evalue", ""), *output.get("traceback", [])]
    else:
        parts = [
            "".join(value) if isinstance(value, list) else str(value)
            for value in output.get("data", {}).values()
        ]
    return html.unescape(ANSI.sub("", "\n".join(map(str, parts))))


def configured(config: Config) -> bool:
    """Whether a course's configuration runs :class:`LearnerFeedback` in generate_feedback
    (courses made before it existed do not: their feedback shows the hidden tests)."""
    steps = config.GenerateFeedback.get("preprocessors", []) if "GenerateFeedback" in config else []
    return any(
        step is LearnerFeedback or step == f"{__name__}.{LearnerFeedback.__name__}"
        for step in steps
    )
