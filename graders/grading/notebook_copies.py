"""Deep copies of notebooks, made the way nbformat makes them, with less of ``copy``'s machinery.

Each of nbgrader's passes copies the whole notebook several times: nbconvert's exporter before
and again while it runs the steps, nbformat to validate it and again to write it. nbformat's
``NotebookNode.__deepcopy__`` hands every nested node back to ``copy.deepcopy``, which looks
the node up in its memo, finds its copier and records it again, for each of the thousand or so
nodes of an executed assignment. :func:`direct_copies` makes the same copy by recursing over
the nodes itself: the same types at every place (a plain ``dict`` held by a node becomes a
``NotebookNode``, one in a list stays a ``dict``), the same sharing (a node held twice is copied
once), and anything that is not a node, a list or an atomic value is copied by ``copy`` as
before.

A notebook can also be handed over (:func:`handed_over`): while it is, a deep copy of it is the
notebook itself. nbconvert's exporter copies the notebook it is given before its steps run, and
again as it starts them; nbformat copies it once more to normalize it and again to write it,
each time so that the caller's notebook stays as it was. A caller that never uses the notebook
again loses nothing if none of those copies is made.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import Any

from nbformat import NotebookNode

_ATOMIC = frozenset({str, int, float, bool, type(None), bytes, complex})


_HANDED_OVER: set[int] = set()  # the notebooks being handed over, by id


def copy_node(node: NotebookNode, memo: dict[int, Any]) -> NotebookNode:
    """A deep copy of ``node``, as nbformat's ``NotebookNode.__deepcopy__`` makes it."""
    if id(node) in _HANDED_OVER:
        memo[id(node)] = node
        return node
    new = node.__class__()
    memo[id(node)] = new
    for key, value in node.items():
        kind = type(value)
        if kind in _ATOMIC:
            dict.__setitem__(new, key, value)
        elif kind is list:
            dict.__setitem__(new, key, [_copy_item(item, memo) for item in value])
        elif kind is NotebookNode:
            found = memo.get(id(value))
            dict.__setitem__(new, key, found if found is not None else copy_node(value, memo))
        else:  # through the node's own assignment, which turns a mapping into a node
            new[key] = copy.deepcopy(value, memo)
    state = node.__dict__
    if state:  # Struct's ``_allownew``, restored last: when False, new keys are refused
        plain = all(type(value) in _ATOMIC for value in state.values())
        new.__dict__.update(state if plain else copy.deepcopy(state, memo))
    return new


def _copy_item(value: Any, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _ATOMIC:
        return value
    if kind is NotebookNode:
        found = memo.get(id(value))
        return found if found is not None else copy_node(value, memo)
    return copy.deepcopy(value, memo)


@contextlib.contextmanager
def direct_copies() -> Iterator[None]:
    """While active, ``copy.deepcopy`` of a notebook node uses :func:`copy_node`."""
    original = NotebookNode.__dict__.get("__deepcopy__")
    NotebookNode.__deepcopy__ = copy_node  # type: ignore[method-assign]
    try:
        yield
    finally:
        if original is None:
            del NotebookNode.__deepcopy__
        else:
            NotebookNode.__deepcopy__ = original  # type: ignore[method-assign]


@contextlib.contextmanager
def handed_over(nb: NotebookNode) -> Iterator[NotebookNode]:
    """While active, ``copy.deepcopy(nb)`` is ``nb``: its owner gives it away for good.

    Only ``nb`` itself is affected: its cells, and every other notebook, are copied as before.
    """
    already = id(nb) in _HANDED_OVER
    _HANDED_OVER.add(id(nb))
    try:
        with direct_copies():
            yield nb
    finally:
        if not already:
            _HANDED_OVER.discard(id(nb))
