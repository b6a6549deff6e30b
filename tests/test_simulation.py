"""Simulations: the view is redrawn from the controls' values whenever one of them changes."""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as widgets
import pytest

from curriculum.toolkit.i18n import set_language
from curriculum.toolkit.simulation import Simulation


@pytest.fixture(autouse=True)
def vietnamese_interface() -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")


def shown(simulation: Simulation) -> widgets.Widget:
    """The widget in the result area."""
    (result,) = simulation.widget.children[1].children
    return result


def combinations(length: int, kinds: int) -> str:
    return f"<p>{kinds**length} khả năng</p>"


def sliders() -> dict[str, widgets.IntSlider]:
    return {
        "length": widgets.IntSlider(value=4, min=1, max=20, description="Độ dài:"),
        "kinds": widgets.IntSlider(value=10, min=2, max=95, description="Số loại ký tự:"),
    }


def test_view_is_drawn_from_the_starting_values():
    simulation = Simulation(sliders(), combinations)
    assert simulation.values == {"length": 4, "kinds": 10}
    assert "10000 khả năng" in shown(simulation).value


def test_changing_any_control_redraws_the_view():
    controls = sliders()
    simulation = Simulation(controls, combinations)
    controls["length"].value = 6
    assert "1000000 khả năng" in shown(simulation).value
    controls["kinds"].value = 2
    assert "64 khả năng" in shown(simulation).value


def test_view_may_be_a_widget():
    chart = widgets.FloatProgress(description="Độ mạnh:")

    def bar(length: int) -> widgets.Widget:
        chart.value = length * 5
        return chart

    controls = {"length": widgets.IntSlider(value=4, description="Độ dài:")}
    simulation = Simulation(controls, bar)
    controls["length"].value = 10
    assert shown(simulation) is chart
    assert chart.value == 50


def test_simulation_displays_as_its_widget():
    simulation = Simulation(sliders(), combinations)
    bundle = simulation._repr_mimebundle_()
    assert (
        bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == simulation.widget.model_id
    )


def test_error_while_building_propagates_so_the_author_sees_it():
    def broken(length: int, kinds: int) -> str:
        raise ZeroDivisionError("division by zero")

    with pytest.raises(ZeroDivisionError):
        Simulation(sliders(), broken)


def test_error_after_a_control_change_is_shown_to_the_learner_not_raised():
    def ratio(length: int, kinds: int) -> str:
        return f"<p>{kinds / (length - 5):.2f}</p>"

    controls = sliders()
    simulation = Simulation(controls, ratio)
    controls["length"].value = 5
    assert (
        "Không tính được kết quả với các giá trị này: ZeroDivisionError" in shown(simulation).value
    )
    controls["length"].value = 6
    assert shown(simulation).value.endswith("<p>10.00</p></div>")


@pytest.mark.parametrize(
    "controls",
    [
        {"not valid": widgets.IntSlider()},
        {"button": widgets.Button(description="Bấm")},
        {"number": 3},
    ],
)
def test_controls_must_be_widgets_with_a_value_and_a_parameter_name(controls):
    with pytest.raises(TypeError):
        Simulation(controls, lambda **values: "")


def test_view_must_be_html_or_a_widget():
    with pytest.raises(TypeError, match="chuỗi HTML hoặc một widget"):
        Simulation(sliders(), lambda length, kinds: length * kinds)


class PasswordLab(Simulation):
    """A simulated app as one subclass: its own controls and its own ``render``."""

    def __init__(self) -> None:
        super().__init__(sliders())

    def render(self, length: int, kinds: int) -> str:
        return combinations(length, kinds)


def test_a_simulated_app_is_one_subclass_overriding_render():
    lab = PasswordLab()
    assert "10000 khả năng" in shown(lab).value
    lab.controls["length"].value = 5
    assert "100000 khả năng" in shown(lab).value


def test_a_simulation_without_render_says_so():
    with pytest.raises(NotImplementedError, match="needs a render function or method"):
        Simulation(sliders())
