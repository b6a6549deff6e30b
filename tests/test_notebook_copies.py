"""Notebooks copied while grading are the copies nbformat makes: same values, types and sharing."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat import NotebookNode

from graders.grading.notebook_copies import direct_copies, handed_over

from conftest import ASSIGNMENTS, notebooks_of

REPOSITORY = Path(__file__).resolve().parents[1]


def shape(value: Any, seen: dict[int, int]) -> Any:
    """Values, the exact type of every container, and which containers are one object."""
    if isinstance(value, (dict, list, tuple)):
        if id(value) in seen:
            return ("same as", seen[id(value)])
        seen[id(value)] = len(seen)
        items = value.items() if isinstance(value, dict) else enumerate(value)
        state = getattr(value, "__dict__", {})
        return (type(value), state, [(key, shape(item, seen)) for key, item in items])
    return (type(value), value)


def both_copies(original: Any) -> tuple[Any, Any]:
    nbformats = copy.deepcopy(original)
    with direct_copies():
        ours = copy.deepcopy(original)
    return nbformats, ours


def tricky_notebook() -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    shared = NotebookNode({"data": {"text/plain": "x"}, "metadata": {}})
    cell = nbformat.v4.new_code_cell("1")
    cell.outputs = [shared, shared]
    dict.__setitem__(cell, "plain", {"inner": {"deeper": [1, {"k": "v"}]}})  # not yet a node
    cell["listed"] = [{"a": 1}, [{"b": 2}], ("t", {"c": 3})]
    cell["other"] = {"when": datetime.date(2026, 12, 7), "bytes": b"\x00", "number": 1.5}
    locked = NotebookNode({"fixed": 1})
    object.__setattr__(locked, "_allownew", False)
    cell["locked"] = locked
    nb.cells = [cell, cell]  # one cell held twice
    nb.metadata["same"] = shared
    nb.metadata["also"] = shared
    return nb


def test_a_notebook_with_every_kind_of_value_is_copied_exactly_as_nbformat_copies_it():
    original = tricky_notebook()
    nbformats, ours = both_copies(original)
    assert shape(ours, {}) == shape(nbformats, {})
    assert ours == original and ours is not original
    assert ours.cells[0] is ours.cells[1] and ours.cells[0] is not original.cells[0]
    assert ours.cells[0].outputs[0] is ours.metadata.same is ours.metadata.also
    assert type(ours.cells[0].plain) is NotebookNode  # as nbformat's own copy makes it
    with pytest.raises(KeyError):  # a node that refuses new keys still does
        ours.cells[0].locked["new"] = 2


def test_a_copy_shares_nothing_that_can_change_with_the_original():
    original = tricky_notebook()
    with direct_copies():
        ours = copy.deepcopy(original)
    ours.cells[0].outputs[0].data["text/plain"] = "changed"
    ours.cells[0].listed[0]["a"] = 2
    ours.cells[0].plain.inner.deeper.append(3)
    assert original.cells[0].outputs[0].data["text/plain"] == "x"
    assert original.cells[0].listed[0]["a"] == 1
    assert original.cells[0].plain["inner"]["deeper"] == [1, {"k": "v"}]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_is_copied_exactly_as_nbformat_copies_it(assignment):
    for path in notebooks_of(REPOSITORY / "assignments" / assignment):
        original = nbformat.read(path, as_version=4)
        nbformats, ours = both_copies(original)
        assert shape(ours, {}) == shape(nbformats, {})


def test_nbformats_own_copy_is_back_once_the_grading_step_ends():
    own = NotebookNode.__dict__.get("__deepcopy__")
    with pytest.raises(RuntimeError), direct_copies():
        assert NotebookNode.__dict__.get("__deepcopy__") is not own
        raise RuntimeError("a step failed")
    assert NotebookNode.__dict__.get("__deepcopy__") is own


def test_a_handed_over_notebook_is_not_copied_but_its_cells_and_other_notebooks_are():
    given, other = tricky_notebook(), tricky_notebook()
    own = NotebookNode.__dict__.get("__deepcopy__")
    with handed_over(given):
        assert copy.deepcopy(given) is given
        assert copy.deepcopy(copy.deepcopy(given)) is given  # as nbconvert copies it twice
        cell = copy.deepcopy(given.cells[0])
        assert cell == given.cells[0] and cell is not given.cells[0]
        nbformats_copy = copy.deepcopy(other)
        assert nbformats_copy == other and nbformats_copy is not other
        with direct_copies():  # as in a grading step
            assert copy.deepcopy(given) is given
            assert copy.deepcopy(other) is not other
    assert NotebookNode.__dict__.get("__deepcopy__") is own
    assert copy.deepcopy(given) is not given


def test_the_exporter_changes_the_notebook_it_takes_and_gives_the_text_nbconvert_gives():
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import ClearOutputPreprocessor

    from graders.grading.staged import NotebookOut, notebook_text

    path = notebooks_of(REPOSITORY / "assignments" / "an_toan_so")[0]
    theirs, ours = NotebookExporter(), NotebookOut()
    for exporter in (theirs, ours):
        exporter.register_preprocessor(ClearOutputPreprocessor, enabled=True)
    given = nbformat.read(path, as_version=4)
    code = next(cell for cell in given.cells if cell.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="x")]
    expected, _ = theirs.from_notebook_node(copy.deepcopy(given))
    converted, _ = ours.from_notebook_node(given)
    assert converted is given  # taken, not copied
    assert code.outputs == []
    assert notebook_text(converted) == expected
