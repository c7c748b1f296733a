"""The curve plot's grid: lines at round tick values across the view, faded like pyqtgraph's."""

import numpy as np
import pytest

from tests.helpers import shown_tab
from visualizer.tabs.descent.grid import level_alpha
from visualizer.tabs.descent.tab import DescentTab


def test_level_alpha_is_pyqtgraphs_fading():
    # 255 / (level + 1) * strength * min(1, 0.05 * length / (count + 1)), worked by hand:
    assert level_alpha(0, 10, 860.0, 0.2) == 51  # 0.05*860/11 > 1: full strength
    assert level_alpha(1, 10, 860.0, 0.2) == 25  # 127.5 * 0.2 = 25.5
    assert level_alpha(1, 99, 400.0, 0.2) == 5  # 127.5 * 0.2 * 0.2 = 5.1
    assert level_alpha(0, 5, 0.0, 0.2) == 0  # no room: nothing drawn


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, DescentTab())
    return widget


def _is_round(values, step):
    values = np.asarray(values)
    return np.allclose(values / step, np.round(values / step), atol=1e-6)


def test_grid_lines_sit_at_round_values_across_the_whole_view(tab):
    (x_lo, x_hi), (y_lo, y_hi) = tab.curve.view_range()
    xs = tab.curve.grid.lines("bottom")
    ys = tab.curve.grid.lines("left")
    assert all(x_lo <= x <= x_hi for x in xs) and all(y_lo <= y <= y_hi for y in ys)
    # every multiple of a round step inside the view has a line (the major ones at least)
    step = 0.2 if x_hi - x_lo > 1 else 0.1
    majors = np.arange(np.ceil(x_lo / step), np.floor(x_hi / step) + 1) * step
    assert all(np.isclose(xs, m).any() for m in majors)
    assert _is_round(xs, step / 10) and len(xs) > len(majors)  # minor lines in between
    alphas = tab.curve.grid.alphas("bottom")
    assert alphas[0] == 51 and 0 < alphas[1] < alphas[0]  # faint major lines, fainter minor


def test_grid_follows_the_view(tab):
    tab.curve.view_box.setRange(xRange=(10.0, 20.0), yRange=(-3.0, 3.0), padding=0)
    xs = tab.curve.grid.lines("bottom")
    assert min(xs) >= 10.0 - 1e-9 and max(xs) <= 20.0 + 1e-9
    assert all(np.isclose(xs, m).any() for m in (10.0, 12.0, 14.0, 16.0, 18.0, 20.0))
    ys = tab.curve.grid.lines("left")
    assert all(np.isclose(ys, m).any() for m in (-2.0, -1.0, 0.0, 1.0, 2.0))
