"""Self-check for self-study: run a notebook's visible tests and say honestly what they mean.

A learner's copy of an assignment holds only the visible tests; the hidden ones are added back
by nbgrader when an instructor grades. The check runs the saved notebook in a fresh kernel in
its own folder (so widget answers are read from their answer file, as in grading), and reports
for each graded test cell whether its visible checks passed, and for each written answer (graded
by the instructor) whether there is one: text in the answer sheet, where the box under the
question saves it, or text typed into the saved answer cell. It never shows a cell's code, and
it cuts out every hidden-test region before running, by nbgrader's own rule (its ClearHiddenTests,
in any cell), so that even a notebook that still holds hidden tests reveals nothing through the
checker; a notebook whose hidden regions that rule cannot read is not run at all.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import ipywidgets as widgets
import nbformat
from nbclient import NotebookClient

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.checks import GRADING
from curriculum.toolkit.handin import handin_button
from curriculum.toolkit.i18n import text
from curriculum.toolkit.progress import CheckResult, SelfCheck, record_check
from curriculum.toolkit.written import save_typing

__all__ = ["CheckResult", "SelfCheck", "check_button", "format_report", "run_visible_checks"]

CELL_TIMEOUT = 60


def _text(key: str, **fields: object) -> str:
    return text(f"check.{key}", **fields)


def _is_visible_test(cell: nbformat.NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _is_written(cell: nbformat.NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "markdown" and bool(meta.get("grade")) and bool(meta.get("solution"))


def _typed_in_cell(cell: nbformat.NotebookNode) -> bool:
    """Whether the learner changed a written answer cell, by nbgrader's rule: its checksum
    differs from the one the release gave it (a cell without one counts as changed)."""
    from nbgrader.utils import compute_checksum

    checksum = cell.metadata["nbgrader"].get("checksum")
    try:
        return checksum is None or compute_checksum(cell) != checksum
    except (KeyError, TypeError, ValueError):  # metadata changed by hand
        return True


def _in_sheet(path: Path, grade_id: str) -> bool:
    """Whether the notebook's answer sheet holds text for the written answer ``grade_id``."""
    try:
        stored = AnswerSheet(path.stem, path.parent).get(grade_id)
    except ValueError:  # a notebook name no sheet can have
        return False
    return isinstance(stored.value, str) and bool(stored.value.strip())


def _failure_message(cell: nbformat.NotebookNode) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            message = str(output.get("evalue", "")).strip()
            return message.splitlines()[0] if message else output.get("ename", "")
    return ""


def _cut_hidden_tests(nb: nbformat.NotebookNode) -> None:
    """Cut every hidden-test region out of ``nb`` as nbgrader does when it releases an assignment;
    RuntimeError when a region is never closed or regions are nested.

    nbgrader is loaded here rather than with this module: every assignment's first cell imports
    this module, in grading too, and only a check needs nbgrader.
    """
    from nbgrader.preprocessors import ClearHiddenTests

    cutter = ClearHiddenTests(enforce_metadata=False)
    for index, cell in enumerate(nb.cells):
        cutter.preprocess_cell(cell, {}, index)


def run_visible_checks(path: str | Path, timeout: int = CELL_TIMEOUT) -> SelfCheck:
    """Run the notebook at ``path`` in a fresh kernel and judge each visible test cell."""
    path = Path(path).resolve()
    try:
        nb = nbformat.read(path, as_version=4)
        _cut_hidden_tests(nb)
    except (OSError, ValueError, json.JSONDecodeError, RuntimeError) as error:
        return SelfCheck(path.name, (), _text("unreadable", name=path.name, error=error))
    client = NotebookClient(
        nb,
        timeout=timeout,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # As nbgrader's own validation does, so that a check of an unanswered question fails.
    client.execute(env={**os.environ, GRADING: "validate"})
    results = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if _is_visible_test(cell):
            message = _failure_message(cell)
            passed = not any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            message = message or ("" if passed else _text("no_message"))
        elif _is_written(cell):
            passed = _typed_in_cell(cell) or _in_sheet(path, str(meta.get("grade_id")))
            message = "" if passed else _text("not_written")
        else:
            continue
        tags = cell.metadata.get("bdhvs", {})
        results.append(
            CheckResult(
                cell=meta.get("grade_id", "?"),
                points=float(meta.get("points", 0)),
                competences=tuple(tags.get("competences", ())),
                step=tags.get("step"),
                passed=passed,
                message=message,
            )
        )
    return SelfCheck(path.name, tuple(results))


def format_report(check: SelfCheck) -> str:
    """The learner-facing report, in the interface language: no test code, no answers."""
    lines = [_text("title", name=check.notebook)]
    if check.error:
        return "\n".join([*lines, check.error])
    if not check.results:
        return "\n".join([*lines, _text("no_tests")])
    for result in check.results:
        item = _text(
            "item",
            cell=result.cell,
            points=result.points,
            competences=", ".join(result.competences) or "–",
        )
        verdict = _text("passed") if result.passed else _text("failed", message=result.message)
        lines.append(f"{'✔' if result.passed else '✘'} {item}: {verdict}")
    lines.append(_text("summary", passed=check.passed, total=len(check.results)))
    lines.append(_text("hidden"))
    return "\n".join(lines)


def _current_notebook() -> str | None:
    """The path of the notebook this kernel serves, as Jupyter Server tells the kernel."""
    return os.environ.get("JPY_SESSION_NAME")


class CheckPanel(widgets.VBox):
    """The check button with its report, then the hand-in button.

    Where widgets cannot be drawn (a saved notebook, a feedback page), its text is the check
    button's label: ipywidgets' own text would walk every widget inside, and be cut to 110
    characters.
    """

    def __init__(self, label: str, children: list[widgets.Widget]) -> None:
        super().__init__(children)
        self.label = label

    def __repr__(self) -> str:
        return self.label


def check_button(notebook: str | None = None) -> widgets.VBox:
    """A button that self-checks the saved notebook and shows the report under it, followed by
    the button that hands the assignment in (:mod:`curriculum.toolkit.handin`)."""
    button = widgets.Button(
        description=_text("button"),
        tooltip=_text("button_help"),
        icon="check",
        button_style="primary",
        layout=widgets.Layout(width="auto", min_height="44px", flex="0 0 auto"),
        style={"font_size": "18px"},
    )
    help_line = widgets.HTML(f'<p style="font-size:16px"><em>{_text("button_help")}</em></p>')
    report = widgets.Output(layout=widgets.Layout(width="100%"))

    def on_click(_button: widgets.Button) -> None:
        save_typing()  # what the learner typed last is in the sheet before the check reads it
        report.clear_output()
        target = notebook or _current_notebook()
        with report:
            if not target:
                print(_text("no_path"))
                return
            print(_text("running", name=Path(target).name))
        check = run_visible_checks(target)
        record_check(check, target)
        report.clear_output()
        with report:
            print(format_report(check))

    button.on_click(on_click)
    # Checking comes first, then the one way to hand the work in.
    row = widgets.HBox([button, help_line], layout=widgets.Layout(flex_flow="row wrap"))
    return CheckPanel(button.description, [row, report, handin_button()])
