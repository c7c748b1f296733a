"""Dilation on the Convolution tab: spread taps, the formula with d, hover sums, lessons."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.helpers import shown_tab
from tests.reference import brute_correlate
from visualizer.lesson_io import read_lesson
from visualizer.resources_path import resource_path
from visualizer.tabs.conv.model import PRESET_DILATION, PRESETS, ConvModel
from visualizer.tabs.conv.tab import ConvTab


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, ConvTab())
    yield widget
    widget.play_controls.pause()


brute = brute_correlate


@pytest.mark.parametrize(("p", "s", "d"), [(0, 1, 2), (1, 2, 2), (2, 1, 3), (3, 3, 4)])
def test_dilated_output_equals_the_direct_sum(tab, p, s, d):
    rng = np.random.default_rng(p + 10 * s + 100 * d)
    x = rng.integers(-5, 10, size=(9, 8)).astype(float)
    tab.model.change(input=x, padding=p, stride=s)
    tab.top_bar.dilation_box.setValue(d)  # as the user does
    assert tab.model.settings.dilation == d
    np.testing.assert_allclose(
        tab.grids.output_grid.values(), brute(x, tab.model.result.kernel, p, s, d)
    )


def test_dilation_preset_formula_taps_and_hover_sum(tab):
    tab.load_preset(PRESET_DILATION)
    x = tab.model.result.input
    formula = tab.captions.formula_label.text()
    # floor((7 + 2*0 - 2*(3 - 1) - 1)/1) + 1 = 3, with the numbers put in
    assert "floor((7 + 2*0 - 2*(3 - 1) - 1)/1) + 1 = 2 + 1 = 3" in formula
    assert "spans 5x5 cells" in formula
    tab.hover_cell("conv", 1, 2)
    assert tab.grids.input_grid.highlight() == (1, 6, 2, 7)
    taps = tab.grids.input_grid.taps()
    assert taps == [(r, c) for r in (1, 3, 5) for c in (2, 4, 6)]
    k = tab.model.result.kernel
    products = [f"{x[r, c]:g}" for r, c in taps]
    text = tab.focus_text()
    total = sum(x[r, c] * k[i // 3, i % 3] for i, (r, c) in enumerate(taps))
    assert text.endswith(f"= {total:g}")
    assert text.split(" = ", 1)[1].startswith(f"{products[0]}*(-1) + {products[1]}*0.5")


def test_a_dilated_kernel_wider_than_the_input_says_why_and_keeps_working(tab):
    tab.model.change(dilation=4)  # 3x3 at dilation 4 spans 9 cells: the padded input has 6
    assert tab.model.result.output is None
    assert "fit" in tab.grids.output_grid.message()
    tab.model.change(dilation=2)
    assert tab.grids.output_grid.values().shape == (2, 2)


def test_solver_uses_the_dilation(tab):
    tab.model.change(dilation=2)
    tab.model.set_solver(solve_for="padding", n=7, f=3, other=1, out=7)
    assert "d(f - 1)" in tab.panel.solver_label.text()
    assert "padding 2 works" in tab.panel.solver_label.text()


def test_lessons_gain_dilation_only_when_used():
    model = ConvModel()
    for name in PRESETS:
        if name == PRESET_DILATION:
            continue
        model.load_preset(name)
        assert "dilation" not in model.state()
    for lesson in ("exercise-4.json", "exercise-4b.json", "exercise-4c.json", "exercise-4d.json"):
        path = resource_path("lessons", lesson)
        saved = json.loads(path.read_text(encoding="utf-8"))["tabs"]["conv"]
        model.restore_state(read_lesson(path).tabs["conv"])
        assert set(model.state()) == set(saved)  # keeps exactly its keys
    model.load_preset(PRESET_DILATION)
    state = model.state()
    assert state["dilation"] == 2
    other = ConvModel()
    other.restore_state(json.loads(json.dumps(state)))
    assert other.settings.dilation == 2 and other.state() == state
    with pytest.raises(ValueError):
        other.restore_state({**state, "dilation": 5})
