"""The backward pass on the Convolution tab, checked against finite differences of a forward
pass written here (L = sum(dL/dY * Y) is linear, so differences are exact up to rounding)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.helpers import shown_tab
from visualizer.tabs.conv.model import ConvModel
from visualizer.tabs.conv.tab import ConvTab


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, ConvTab(), 1280, 800)
    widget.model.change(view="backward")
    yield widget
    widget.play_controls.pause()


def forward(x, k, p, s, d, flip=False):
    k = np.asarray(k, float)[::-1, ::-1] if flip else np.asarray(k, float)
    xp = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p))
    xp[p : p + x.shape[0], p : p + x.shape[1]] = x
    rows = (xp.shape[0] - d * (k.shape[0] - 1) - 1) // s + 1
    cols = (xp.shape[1] - d * (k.shape[1] - 1) - 1) // s + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    out[i, j] += xp[i * s + u * d, j * s + v * d] * k[u, v]
    return out


def finite_differences(f, a, h=1.0):
    grad = np.zeros_like(a)
    for index in np.ndindex(*a.shape):
        plus, minus = a.copy(), a.copy()
        plus[index] += h
        minus[index] -= h
        grad[index] = (f(plus) - f(minus)) / (2 * h)
    return grad


@pytest.mark.parametrize(
    ("p", "s", "d", "mode"),
    [(1, 1, 1, "correlation"), (0, 2, 1, "correlation"), (2, 1, 2, "correlation"),
     (1, 2, 2, "convolution"), (3, 3, 1, "convolution")],
)  # fmt: skip
def test_gradients_equal_finite_differences(tab, p, s, d, mode):
    rng = np.random.default_rng(p + 7 * s + 31 * d)
    x = rng.integers(-4, 9, size=(7, 6)).astype(float)
    model = tab.model
    model.change(input=x, padding=p, stride=s, dilation=d, mode=mode)
    model.randomize_upstream(rng)
    back = model.backward
    g = back.grad_output
    k = model.result.kernel
    flip = mode == "convolution"

    def loss_x(values):
        return float((g * forward(values, k, p, s, d, flip)).sum())

    def loss_k(values):
        return float((g * forward(x, values, p, s, d, flip)).sum())

    np.testing.assert_allclose(back.grad_input, finite_differences(loss_x, x), atol=1e-9)
    np.testing.assert_allclose(back.grad_kernel, finite_differences(loss_k, k), atol=1e-9)
    np.testing.assert_allclose(tab.grids.dx_grid.values(), back.grad_input)
    np.testing.assert_allclose(tab.grids.dw_grid.values(), back.grad_kernel)


def test_typed_upstream_gradient_and_the_sheet_numbers(tab):
    grids = tab.grids
    assert grids.dy_grid.values().tolist() == np.ones((4, 4)).tolist()  # all ones by default
    # all ones: dL/dW[0, 0] is the sum of the padded input's top-left 4x4 block
    assert (
        grids.dw_grid.values()[0, 0]
        == 0 + 0 + 0 + 0 + 0 + 3 + 5 + 2 + 0 + 9 + 1 + 8 + 0 + 6 + 4 + 3
    )
    # and dL/dX of an inner cell is the sum of all the kernel's weights
    assert grids.dx_grid.values()[1, 1] == pytest.approx(-1 + 0.5 - 2 + 2 + 0 + 1 + 0 + 1 + 1.5)
    assert grids.dy_grid.set_cell_text(0, 0, "2")  # typed as the user does
    assert tab.model.settings.upstream[0][0] == 2
    # g(1,1) = 2 meets k(2,2) = 0: dL/dX(1,1) = 2*0 + 1*2 + 1*0.5 + 1*(-1)
    assert grids.dx_grid.values()[0, 0] == pytest.approx(2 * 0 + 1 * 2 + 1 * 0.5 + 1 * (-1))
    assert not grids.dy_grid.set_cell_text(0, 1, "abc")
    assert "not a number" in grids.dy_grid.error()
    tab.panel.upstream_ones_button.click()
    assert tab.model.settings.upstream is None


def test_hovering_dx_lists_the_output_cells_and_weights(tab):
    tab.hover_cell("dx", 0, 0)
    text = tab.focus_text()
    # input cell (1, 1) sits at padded (2, 2): output cells (1,1), (1,2), (2,1), (2,2) read it
    # through weights k(2,2) = 0, k(2,1) = 2, k(1,2) = 0.5, k(1,1) = -1 (1-based)
    assert text.startswith("dL/dX row 1, column 1 = ")
    assert text.endswith("= 1.5")  # 1*0 + 1*2 + 1*0.5 + 1*(-1)
    assert sorted(tab.grids.dy_grid.marks()) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert sorted(tab.grids.kernel_grid.marks()) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_hovering_dw_lists_every_output_gradient(tab):
    tab.hover_cell("dw", 2, 2)
    assert tab.focus_text().startswith("dL/dW row 3, column 3 = 1*")
    assert len(tab.grids.dy_grid.marks()) == 16
    assert len(tab.grids.input_grid.marks()) == 16


@pytest.mark.parametrize("pool_mode", ["max", "avg"])
def test_pooling_backward_routes_the_gradient(tab, pool_mode):
    model = tab.model
    # an output with ties: the first maximum (row-major) wins, as PyTorch
    model.change(
        input=np.ones((5, 5)), kernel=[[1.0]], padding=0, pool_mode=pool_mode,
        pool_size=2, pool_stride=2, upstream_at="pooled",
    )  # fmt: skip
    model.change(upstream=[[1, 2], [3, 4]])
    back = model.backward
    assert tab.grids.dp_grid.isVisible() and tab.grids.pool_grid.isVisible()
    expected = np.zeros((5, 5))
    for i in range(2):
        for j in range(2):
            g = [[1, 2], [3, 4]][i][j]
            if pool_mode == "max":
                expected[2 * i, 2 * j] += g  # all four are 1: the first one wins
            else:
                expected[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] += g / 4
    np.testing.assert_allclose(back.grad_output, expected)
    assert not tab.grids.dy_grid.is_editable(0, 0) and tab.grids.dp_grid.is_editable(0, 0)
    tab.hover_cell("dy", 0, 0)
    text = tab.focus_text()
    assert text.endswith("= 1" if pool_mode == "max" else "1/4 = 0.25")
    assert tab.grids.dp_grid.marks() == [(0, 0)]
    tab.hover_cell("dy", 0, 1)
    if pool_mode == "max":
        assert "0 (no max-pool window's maximum is here)" in tab.focus_text()


def test_upstream_of_the_wrong_shape_falls_back_to_ones_and_says_so(tab):
    model = tab.model
    model.change(upstream=[[1, 2], [3, 4]])  # the output is 4x4
    assert "all ones are used instead" in model.backward.note
    assert tab.grids.dy_grid.caption() == model.backward.note
    assert model.backward.grad_output.tolist() == np.ones((4, 4)).tolist()


def test_no_window_fits_says_why_in_the_gradient_grids(tab):
    tab.model.change(dilation=4)
    assert "fit" in tab.grids.dx_grid.message()
    tab.model.change(dilation=1)
    assert tab.grids.dx_grid.message() == ""


def test_backward_lesson_round_trip():
    model = ConvModel()
    model.change(view="backward", upstream_at="pooled", upstream=[[1, -2], [0.5, 3]])
    state = json.loads(json.dumps(model.state()))
    assert state["view"] == "backward" and state["upstream"] == [[1, -2], [0.5, 3]]
    other = ConvModel()
    other.restore_state(state)
    assert other.state() == state
    np.testing.assert_array_equal(other.backward.grad_input, model.backward.grad_input)
