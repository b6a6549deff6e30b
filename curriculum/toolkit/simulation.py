"""A small building block for simulations: controls, and a view redrawn when they change.

::

    import ipywidgets as widgets
    from curriculum.toolkit.simulation import Simulation

    def view(length: int, kinds: int) -> str:
        return f"<p>{kinds ** length:,} mật khẩu có thể có</p>"

    Simulation(
        {
            "length": widgets.IntSlider(value=8, min=4, max=20, description="Độ dài:"),
            "kinds": widgets.IntSlider(value=26, min=10, max=95, description="Số loại ký tự:"),
        },
        view,
    )

``render`` is called with one keyword argument per control, named by its key and holding the
control's current value. It returns either HTML (a str, shown as is, so escape any text that
comes from the learner) or any widget, for example a plot in an ``Output``.

A simulated app with more to it than one function (its own state, helpers, several views) is
one subclass in one file: it passes its controls to ``super().__init__`` and overrides
:meth:`Simulation.render`::

    class PasswordLab(Simulation):
        def __init__(self) -> None:
            length = widgets.IntSlider(value=8, min=4, max=20, description="Độ dài:")
            super().__init__({"length": length})

        def render(self, length: int) -> str:
            return f"<p>{26 ** length:,} mật khẩu có thể có</p>"

A simulation is for exploring and saves nothing: to grade what a learner concluded from one,
follow it with a question from :mod:`curriculum.toolkit.questions`. Give every control a
``description``: it is the control's visible label and what a screen reader announces.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from curriculum.toolkit.i18n import text

__all__ = ["Simulation"]


class Simulation:
    """Controls plus a result area that ``render`` redraws whenever a control changes.

    An error raised by ``render`` while the simulation is built propagates, so a mistake in
    the notebook shows as a traceback at once. Later, when the learner moves a control to a
    setting that ``render`` cannot handle, the error is shown in the result area instead,
    because no traceback would be visible there.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        render: Callable[..., str | widgets.Widget] | None = None,
    ) -> None:
        for name, control in controls.items():
            if not (
                isinstance(name, str)
                and name.isidentifier()
                and isinstance(control, widgets.ValueWidget)
                and isinstance(control, widgets.DOMWidget)
            ):
                raise TypeError(text("simulation.bad_control", name=name))
        self.controls = dict(controls)
        if render is not None:
            self.render = render  # type: ignore[method-assign]
        self._html = widgets.HTML(layout=widgets.Layout(width="auto"))
        self._result = widgets.Box(layout=widgets.Layout(width="auto"))
        panel = widgets.VBox(list(self.controls.values()), layout=widgets.Layout(width="auto"))
        self.widget = widgets.VBox([panel, self._result], layout=widgets.Layout(width="auto"))
        """The top-level ipywidgets container, to place the simulation inside other boxes."""
        self._draw()
        for control in self.controls.values():
            control.observe(self.refresh, names="value")

    def render(self, **values: Any) -> str | widgets.Widget:
        """The result for the controls' ``values``: the ``render`` given, or a subclass's own."""
        raise NotImplementedError(f"{type(self).__name__} needs a render function or method")

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by key: the arguments ``render`` receives."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, *_change: object) -> None:
        """Redraw the result; controls call this on every change of their value."""
        try:
            self._draw()
        except Exception as error:  # shown to the learner: see the class docstring
            message = text("simulation.error", error=f"{type(error).__name__}: {error}")
            self._show_html(html.escape(message))

    def _draw(self) -> None:
        result = self.render(**self.values)
        if isinstance(result, str):
            self._show_html(result)
        elif isinstance(result, widgets.Widget):
            self._result.children = (result,)
        else:
            raise TypeError(text("simulation.bad_result", found=type(result).__name__))

    def _show_html(self, content: str) -> None:
        self._html.value = f'<div role="status" aria-live="polite">{content}</div>'
        self._result.children = (self._html,)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return self.widget._repr_mimebundle_(**kwargs)
