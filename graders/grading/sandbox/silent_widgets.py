"""Widgets in the grading sandbox, where no front end will ever draw them.

In a kernel, every widget sends its whole state to the front end when it is built, and each
change of a trait afterwards: ipywidgets serializes every trait, and builds the widget's
``Layout`` and ``Style`` widgets to serialize theirs. A course notebook builds hundreds of
widgets for its questions and simulated apps, and in the sandbox all that state goes nowhere:
it was most of the time the notebook's own cells took to run.

:func:`install` gives every widget a comm that carries nothing (the ``comm`` package's
replaceable ``create_comm``, and ipywidgets' ``Widget.open``, which serializes the state before
it asks for the comm). A widget's traits, values, callbacks and model id are what they are in a
kernel, so the notebook's cells compute what they compute there, and a displayed widget is
still an ``application/vnd.jupyter.widget-view+json`` output.
"""

from __future__ import annotations

from typing import Any

import comm
from comm.base_comm import BaseComm
from ipywidgets import Widget


class SilentComm(BaseComm):
    """A comm with no front end: ipywidgets sends no state through a comm without a kernel."""

    kernel = None

    def publish_msg(self, msg_type: str, *args: Any, **kwargs: Any) -> None:
        """Nothing listens."""


def _open(widget: Widget) -> None:
    if widget.comm is None:
        widget.comm = SilentComm(target_name="jupyter.widget", comm_id=widget._model_id)


def install() -> None:
    """Make every comm and widget of this process silent; its children inherit it."""
    comm.create_comm = SilentComm
    Widget.open = _open
