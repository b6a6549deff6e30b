"""Doing a simulated app's task as a learner does, and scoring it as an assignment does.

The first half drives a task (:class:`~curriculum.toolkit.apps.app.AppTask`) through its
current screen: it finds buttons and text boxes by their labels, clicks and types into them
and reads what the screen shows. The second half runs the test cells of the repository's
assignments on such tasks, recording the named checkpoints that each ``checkpoint_credit`` call
of a hidden test is given, so a test can say which checkpoints a run meets and which it misses.

Labels are matched the same way everywhere: a label the screen shows exactly, or failing that
the only one that starts with the text asked for, or failing that the only one that contains
it. Any other outcome (nothing, or several) fails the test with the labels the screen has.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import ipywidgets as widgets
import nbformat
import pytest

from curriculum.toolkit import scoring
from curriculum.toolkit.apps.app import AppTask, Refused

from conftest import REPO

W = TypeVar("W", bound=widgets.Widget)
TextBox = widgets.Text | widgets.Textarea
SETUP_CELL = "chuan_bi"
HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


# The screen of a task.


def _tree(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _tree(child)


def widgets_in(screen: AppTask | widgets.Widget, kind: type[W]) -> list[W]:
    """The widgets of ``kind`` shown by a task (or inside a widget), in the order shown."""
    root = screen.widget if isinstance(screen, AppTask) else screen
    return [widget for widget in _tree(root) if isinstance(widget, kind)]


def button_labels(task: AppTask) -> list[str]:
    """The labels of the buttons on the task's screen, in the order shown."""
    return [button.description for button in widgets_in(task, widgets.Button)]


def text_boxes(task: AppTask) -> list[TextBox]:
    """The boxes a learner can type into on the task's screen (one line, masked or several)."""
    return [box for box in widgets_in(task, widgets.Widget) if isinstance(box, TextBox)]


def _box_labels(box: TextBox) -> tuple[str, str]:
    return box.description, box.tooltip or ""


def _the_one(found: Sequence[W], label: str, labels: Callable[[W], Sequence[str]]) -> W:
    """The one widget of ``found`` labelled ``label`` (exactly, else by start, else in part)."""
    matches: list[W] = []
    for fits in (str.__eq__, str.startswith, str.__contains__):
        matches = [w for w in found if any(fits(shown, label) for shown in labels(w))]
        if matches:
            break
    if len(matches) != 1:
        shown = [", ".join(filter(None, labels(w))) for w in found]
        raise AssertionError(f"{len(matches)} widgets labelled {label!r} among {shown}")
    return matches[0]


def screen_html(task: AppTask) -> str:
    """The HTML of the screen's title, paragraphs and note, in the order shown, one a line
    (not the buttons' labels: see :func:`screen_text`)."""
    return "\n".join(html.value for html in widgets_in(task, widgets.HTML))


def screen_text(task: AppTask) -> str:
    """What the learner reads on the screen, in the order shown, one widget a line: the HTML
    of its paragraphs and the labels of its buttons."""
    lines = []
    for widget in widgets_in(task, widgets.Widget):
        if isinstance(widget, widgets.HTML):
            lines.append(widget.value)
        elif isinstance(widget, widgets.Button):
            lines.append(widget.description)
    return "\n".join(lines)


def note(task: AppTask) -> str:
    """What the app says under the screen (why the last tap was refused, if it was)."""
    return task._note.value


# Doing the task.


def tap(task: AppTask, label: str) -> None:
    """Click the one button labelled ``label`` (matched as the module says), as a learner taps."""
    _the_one(widgets_in(task, widgets.Button), label, lambda b: (b.description,)).click()


def text_box(task: AppTask, label: str | None = None) -> TextBox:
    """The one text box labelled ``label`` (its description or tooltip, matched as the module
    says), or with no label the only text box on the screen."""
    boxes = text_boxes(task)
    if label is None:
        if len(boxes) != 1:
            raise AssertionError(f"{len(boxes)} text boxes on the screen, not one")
        return boxes[0]
    return _the_one(boxes, label, _box_labels)


def type_into(task: AppTask, label: str | None, text: str, *, then: str | None = None) -> None:
    """Type ``text`` into the text box ``label`` (see :func:`text_box`), then, if ``then`` is
    given, tap the button of that label (the form's button that sends what was typed)."""
    text_box(task, label).value = text
    if then is not None:
        tap(task, then)


def fill_in(task: AppTask, **typed: str) -> None:
    """Type into several boxes of one screen: each value into the box its keyword labels."""
    boxes = text_boxes(task)
    for label, text in typed.items():
        _the_one(boxes, label, _box_labels).value = text


def assert_refused(
    task: AppTask, steps: Iterable[tuple[str, Mapping[str, Any]]], refused: Mapping[str, Any]
) -> None:
    """Do ``steps`` (each an action's name and details) on ``task``, then check that the action
    ``refused`` (its name under ``"action"``, then its details) is refused and records nothing."""
    for name, details in steps:
        task.act(name, **details)
    before = task.value
    details = dict(refused)
    name = details.pop("action")
    with pytest.raises(Refused):
        task.act(name, **details)
    assert task.value == before


# The assignments' own test cells.


class HiddenResult(NamedTuple):
    """What a test cell gives a task: its points, and each named checkpoint, met or not."""

    points: float
    checks: dict[str, bool]


def assignment_notebook(assignment: str) -> Path:
    """The source notebook of ``assignment`` (a folder of ``assignments/``)."""
    return REPO / "assignments" / assignment / f"{assignment}.ipynb"


def _graded_cells(assignment: str) -> dict[str, nbformat.NotebookNode]:
    cells = nbformat.read(assignment_notebook(assignment), as_version=4).cells
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in cells
        if "grade_id" in cell.metadata.get("nbgrader", {})
    }


def assignment_cells(assignment: str) -> dict[str, str]:
    """The sources of the nbgrader cells of ``assignment``, by their ``grade_id``."""
    return {grade_id: cell.source for grade_id, cell in _graded_cells(assignment).items()}


def cell_points(assignment: str, grade_id: str) -> float:
    """The points nbgrader gives the test cell ``grade_id`` of ``assignment`` at most."""
    return _graded_cells(assignment)[grade_id].metadata["nbgrader"]["points"]


def setup_names(assignment: str, *cells: str) -> dict[str, Any]:
    """The names that the setup cell of ``assignment``, then its ``cells``, define.

    They run in the current folder, where the setup cell makes its answer sheet (``phieu``).
    """
    sources = assignment_cells(assignment)
    names: dict[str, Any] = {}
    for cell in (SETUP_CELL, *cells):
        exec(sources[cell], names)
    return names


def scoring_names(**extra: Any) -> dict[str, Any]:
    """The public functions of :mod:`curriculum.toolkit.scoring`, and ``extra`` names: what a
    hidden test may call, for a test that does not run the assignment's setup cell."""
    return {name: getattr(scoring, name) for name in scoring.__all__} | extra


def run_hidden_test(
    assignment: str,
    test_id: str,
    names: Mapping[str, Any] | None = None,
    /,
    *,
    whole_cell: bool = False,
    **tasks: Any,
) -> HiddenResult:
    """Run the hidden tests of the test cell ``test_id`` of ``assignment`` on ``tasks`` (each
    under its variable name, e.g. ``cau_4=task``); their points and named checkpoints.

    They run among ``names`` (by default those of :func:`setup_names`, run in the current
    folder), with ``checkpoint_credit`` recording the checks it is given. With
    ``whole_cell=True`` the cell's visible checks run first, as the grader runs them.
    """
    source = assignment_cells(assignment)[test_id]
    code = source if whole_cell else "".join(HIDDEN_TESTS.findall(source))
    checks: dict[str, bool] = {}

    def recording(found: Mapping[str, object], *, points: float) -> float:
        checks.update((name, bool(met)) for name, met in found.items())
        return scoring.checkpoint_credit(found, points=points)

    namespace = dict(setup_names(assignment) if names is None else names)
    namespace.update(tasks, checkpoint_credit=recording)
    tree = ast.parse(code)
    last = tree.body.pop()
    assert isinstance(last, ast.Expr), f"{test_id} ends with the expression giving its points"
    exec(compile(tree, test_id, "exec"), namespace)
    points = eval(compile(ast.Expression(last.value), test_id, "eval"), namespace)
    return HiddenResult(points, checks)


def hidden_checkpoints(
    assignment: str, test_id: str, names: Mapping[str, Any] | None = None, /, **tasks: Any
) -> dict[str, bool]:
    """The named checkpoints the hidden tests of ``test_id`` give ``tasks``, each met or not
    (see :func:`run_hidden_test`)."""
    return run_hidden_test(assignment, test_id, names, **tasks).checks


def item_points(assignment: str, task: AppTask, names: Mapping[str, Any] | None = None) -> float:
    """The points the hidden tests of ``task``'s own item give it: those of the test cell
    ``<qid>_kiem_tra``, with the task as the variable named by its ``qid``."""
    return run_hidden_test(assignment, f"{task.qid}_kiem_tra", names, **{task.qid: task}).points


def missed(checks: Mapping[str, bool]) -> set[str]:
    """The names of the checkpoints not met."""
    return {name for name, met in checks.items() if not met}
