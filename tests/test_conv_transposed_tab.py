"""Transposed convolution on the Convolution tab: the scatter and the equivalent views."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import shown_tab
from visualizer.tabs.conv.model import PRESET_TRANSPOSED, ConvModel
from visualizer.tabs.conv.tab import ConvTab


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, ConvTab(), 1280, 800)
    widget.load_preset(PRESET_TRANSPOSED)
    yield widget
    widget.play_controls.pause()


def stamps(x, k, s, p, op, d):
    """Every input cell stamps the kernel onto a large canvas; then crop (written here)."""
    x, k = np.asarray(x, float), np.asarray(k, float)
    rows = (x.shape[0] - 1) * s - 2 * p + d * (k.shape[0] - 1) + op + 1
    cols = (x.shape[1] - 1) * s - 2 * p + d * (k.shape[1] - 1) + op + 1
    canvas = np.zeros((rows + 2 * p + 10, cols + 2 * p + 10))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    canvas[i * s + u * d, j * s + v * d] += x[i, j] * k[u, v]
    return canvas[p : p + rows, p : p + cols]


def test_the_preset_stamps_the_kernel(tab):
    res = tab.model.result
    k = res.kernel
    expected = stamps([[1, 2], [3, 4]], k, 2, 0, 0, 1)
    np.testing.assert_allclose(tab.grids.output_grid.values(), expected)
    assert tab.grids.output_grid.values().shape == (5, 5)
    formula = tab.captions.formula_label.text()
    assert "(2 - 1)*2 - 2*0 + 1*(3 - 1) + 0 + 1 = 5" in formula
    assert "Transposed convolution (scatter view" in formula
    assert tab.grids.input_grid.values().tolist() == [[1, 2], [3, 4]]  # no padding shown
    assert "stamps the kernel" in tab.grids.input_grid.title()


def test_hovering_an_output_cell_lists_its_contributions(tab):
    # output (3, 3) (1-based) gets x(1,1)*k(3,3) + x(1,2)*k(3,1) + x(2,1)*k(1,3) + x(2,2)*k(1,1)
    tab.hover_cell("conv", 2, 2)
    k = tab.model.result.kernel
    total = 1 * k[2, 2] + 2 * k[2, 0] + 3 * k[0, 2] + 4 * k[0, 0]
    text = tab.focus_text()
    assert text.endswith(f"= {total:g}")
    assert sorted(tab.grids.input_grid.marks()) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert sorted(tab.grids.kernel_grid.marks()) == [(0, 0), (0, 2), (2, 0), (2, 2)]
    tab.hover_cell("conv", 4, 4)  # only x(2,2) reaches it, through k(3,3)
    assert tab.focus_text().endswith(f"4*{k[2, 2]:g} = {4 * k[2, 2]:g}")


@pytest.mark.parametrize(
    ("s", "p", "op", "d"), [(2, 0, 1, 1), (3, 1, 0, 1), (1, 1, 1, 2), (2, 2, 1, 2)]
)
def test_both_views_give_the_stamped_output(tab, s, p, op, d):
    rng = np.random.default_rng(s + 5 * p + 11 * op + 17 * d)
    x = rng.integers(-3, 6, size=(3, 4)).astype(float)
    model = tab.model
    model.change(input=x, stride=s, padding=p, output_padding=op, dilation=d)
    expected = stamps(x, model.result.kernel, s, p, op, d)
    np.testing.assert_allclose(tab.grids.output_grid.values(), expected, atol=1e-12)
    tab.panel.transposed_view_box.setCurrentIndex(1)  # the equivalent view, as the user does
    assert model.settings.transposed_view == "equivalent"
    np.testing.assert_allclose(tab.grids.output_grid.values(), expected, atol=1e-12)
    # the input with s - 1 zeros between cells, padded by d(f - 1) - p: its own cells show
    grid = tab.grids.input_grid
    padded, fixed = grid.values(), grid.fixed()
    np.testing.assert_array_equal(padded[~fixed].reshape(x.shape), x)
    assert (padded[fixed] == 0).all()
    assert tab.grids.flipped_grid.isVisible()
    # an output cell is an ordinary window sum on that grid with the flipped kernel
    tab.hover_cell("conv", 0, 0)
    assert tab.grids.input_grid.highlight() is not None
    assert tab.focus_text().endswith(f"= {expected[0, 0]:g}") or expected[0, 0] == 0


def test_an_output_padding_too_large_says_why(tab):
    tab.model.change(stride=2, output_padding=2)  # must be smaller than the stride or dilation
    assert "output padding" in tab.grids.output_grid.message().lower()
    tab.model.change(output_padding=1)
    assert tab.grids.output_grid.values().shape == (6, 6)


def test_transposed_lessons_and_code_round_trip(tmp_path):
    model = ConvModel()
    model.load_preset(PRESET_TRANSPOSED)
    model.change(output_padding=1, transposed_view="equivalent")
    state = json.loads(json.dumps(model.state()))
    assert state["mode"] == "transposed" and state["output_padding"] == 1
    other = ConvModel()
    other.restore_state(state)
    assert other.state() == state
    path = tmp_path / "conv.py"
    path.write_text(model.python_code(), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    np.testing.assert_allclose(result["output"], model.result.output, atol=1e-9)
    np.testing.assert_allclose(result["pooled"], model.result.pooled, atol=1e-9)
    compile(model.torch_code(), "t.py", "exec")
    assert "F.conv_transpose2d(" in model.torch_code()


def test_markdown_writes_each_scattered_sum(tab):
    md = tab.worked_solution_markdown()
    assert "transposed convolution (scatter view)" in md
    assert "- (5, 5): 4*" in md


def test_backward_view_of_a_transposed_convolution_says_why(tab):
    tab.model.change(view="backward")
    assert "transposed convolution is itself the backward pass" in tab.grids.dx_grid.message()
