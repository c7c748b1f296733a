"""The (lr, β) map of the ravine (issue 14): heavy ball's rate per step, clicks, the optimum."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.helpers import shown_tab
from visualizer.app import create_window
from visualizer.compute import descend
from visualizer.compute.momentum_map import heavy_ball_rate
from visualizer.tabs.descent.map_view import shade
from visualizer.tabs.descent.model import DescentModel
from visualizer.tabs.descent.rate_map import rate_map
from visualizer.tabs.descent.tab import DescentTab


def companion_rate(kappa: float, lr: float, beta: float) -> float:
    """Heavy ball's rate the textbook way: the largest |eigenvalue| of the 2x2 companion
    matrix [[1 + β − lr·λ, −β], [1, 0]], the worst over the ravine's λ = 1 and κ."""
    worst = 0.0
    for lam in (1.0, kappa):
        m = np.array([[1.0 + beta - lr * lam, -beta], [1.0, 0.0]])
        worst = max(worst, float(np.max(np.abs(np.linalg.eigvals(m)))))
    return worst


def ravine_model(**changes) -> DescentModel:
    model = DescentModel()
    model.load_preset("ravine")
    if changes:
        model.update(**changes)
    return model


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, DescentTab())
    widget.load_preset("ravine")
    widget.model.set_map_form("heavy_ball")
    QApplication.processEvents()
    return widget


# ----- the map without Qt -----------------------------------------------------------------
@pytest.mark.parametrize("form", ["heavy_ball", "ema"])
@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_map_cells_are_the_companion_matrix_rate(form, kappa):
    m = rate_map(kappa, form)
    # the axes are round numbers a person would type
    assert m.betas[0] == 0.0 and m.betas[1] == 0.005 and m.betas[-1] == 0.99
    step = m.lr_step
    np.testing.assert_array_equal(m.lrs, np.round(step * np.arange(1, len(m.lrs) + 1), 12))
    rng = np.random.default_rng(0)
    for i, j in zip(rng.integers(0, len(m.betas), 25), rng.integers(0, len(m.lrs), 25),
                    strict=True):  # fmt: skip
        lr, beta = float(m.lrs[j]), float(m.betas[i])
        hb_lr = lr * (1 - beta) if form == "ema" else lr
        assert m.rates[i, j] == pytest.approx(companion_rate(kappa, hb_lr, beta), abs=1e-6)
    # the map reaches where heavy ball stops converging: lr = 2(1 + β)/L at β = 0 is 2/κ
    assert m.rates[0, -1] >= 1.0 and m.rates[0, 0] < 1.0


def test_diverging_cells_are_left_open():
    rates = np.array([0.0, 0.5, 0.9, 0.99, 1.0, 3.0])
    shown = shade(rates)
    assert np.all(np.isnan(shown[4:]))
    np.testing.assert_allclose(shown[:4], [0.0, math.log10(2), 1.0, 2.0])


def test_a_click_in_the_ema_form_is_the_sheets_momentum():
    model = ravine_model()
    model.set_map_form("ema")
    model.set_from_map(0.5, 0.6)
    s = model.settings
    assert (s.method, s.lr, s.beta) == ("momentum", 0.5, 0.6)
    # ... the same iterates as heavy ball with lr = lr_ema·(1 − β)
    hb = descend(model.surface.grad, (s.x0, s.y0), 0.5 * 0.4, s.steps, "heavy_ball", 0.6)
    np.testing.assert_allclose(model.trajectory.x, hb.x, rtol=1e-10, atol=1e-12)
    assert model.map_point() == (0.5, 0.6)
    model.set_map_form("heavy_ball")
    assert model.map_point() == pytest.approx((0.2, 0.6))
    model.set_from_map(0.1, 0.0)
    assert model.settings.method == "gd"


@pytest.mark.parametrize("form", ["heavy_ball", "ema"])
@pytest.mark.parametrize("kappa", [10.0, 50.0])
def test_optimal_snap(form, kappa):
    model = ravine_model(kappa=kappa)
    model.set_map_form(form)
    text = model.snap_to_optimal()
    root = math.sqrt(kappa)
    lr_star = (2 / (root + 1)) ** 2
    beta_star = ((root - 1) / (root + 1)) ** 2
    s = model.settings
    assert s.beta == pytest.approx(beta_star, rel=1e-12)
    expected_lr = lr_star / (1 - beta_star) if form == "ema" else lr_star
    assert s.lr == pytest.approx(expected_lr, rel=1e-12)
    assert s.method == ("momentum" if form == "ema" else "heavy_ball")
    hb_rate, gd_rate = (root - 1) / (root + 1), (kappa - 1) / (kappa + 1)
    assert f"(√κ−1)/(√κ+1) = {hb_rate:.4g}" in text
    assert f"(κ−1)/(κ+1) = {gd_rate:.4g}" in text
    # the run really shrinks by about that rate per step (a double root: t·ρ^t)
    assert companion_rate(kappa, lr_star, beta_star) == pytest.approx(hb_rate, abs=1e-6)


def test_the_map_saves_only_while_shown_on_the_ravine():
    model = ravine_model()
    assert "map" not in model.state()
    model.set_map_form("ema")
    state = model.state()
    assert state["map"] == "ema"
    other = DescentModel()
    other.restore_state(state)
    assert other.map_form == "ema" and other.map_shown
    other.load_preset("1a")
    assert "map" not in other.state()  # the sheet's lessons keep exactly their keys
    with pytest.raises(ValueError):
        other.restore_state({**state, "map": "adam"})


# ----- the map in the tab -----------------------------------------------------------------
@pytest.mark.parametrize(("lr", "beta"), [(0.12, 0.4), (0.3, 0.8), (0.35, 0.1)])
def test_the_map_value_under_a_click_is_the_rate_there(tab, qtbot, lr, beta):
    view = tab.map_view
    assert tab.lower.currentWidget() is view and view.isVisible()
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=view.widget_pos(lr, beta))
    s = tab.model.settings
    assert s.method == "heavy_ball"
    m = tab.model.rate_map()
    # the click set the grid node under the mouse (within a cell of the aim)
    assert abs(s.lr - lr) <= m.lr_step and abs(s.beta - beta) <= 0.005 + 1e-12
    shown = view.value_at(s.lr, s.beta)
    assert shown == pytest.approx(float(heavy_ball_rate((1.0, 10.0), s.lr, s.beta)), abs=1e-12)
    assert shown == pytest.approx(companion_rate(10.0, s.lr, s.beta), abs=1e-6)
    assert view.current_position() == pytest.approx((s.lr, s.beta))
    assert f"rate {shown:.3g}" in view.readout_text()
    if shown >= 1:
        assert "diverges" in view.readout_text()


def test_the_optimal_button_writes_both_rates(tab):
    tab.map_view.optimal_button.click()
    text = tab.map_view.readout_text()
    assert "(√κ−1)/(√κ+1) = 0.5195" in text and "(κ−1)/(κ+1) = 0.8182" in text
    assert tab.model.settings.lr == pytest.approx((2 / (math.sqrt(10) + 1)) ** 2)


def test_the_map_button_shows_the_map_in_place_of_f_of_t(tab):
    tab.toolbar.map_button.setChecked(False)
    assert not tab.model.map_shown and tab.lower.currentWidget() is tab.steps_plot
    assert tab.worked.isVisible()
    tab.toolbar.map_button.setChecked(True)
    assert tab.lower.currentWidget() is tab.map_view and not tab.worked.isVisible()
    tab.load_preset("rosenbrock race")  # the map is the ravine's only
    assert not tab.toolbar.map_button.isVisible()
    assert tab.lower.currentWidget() is tab.steps_plot


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1920, 1080)])
def test_the_map_and_the_surface_share_the_picture(qapp, size):
    window = create_window(initial_tab="descent")
    try:
        window.show()
        tab = window.tab("descent")
        tab.load_preset("ravine")
        tab.model.set_map_form("heavy_ball")
        for presentation in (False, True):
            window.set_presentation(presentation, full_screen=False)
            window.resize(*size)
            for _ in range(4):
                QApplication.processEvents()
            area = window.width() * window.height()
            picture = tab.main_view()
            share = picture.width() * picture.height() / area
            assert share >= (0.60 if presentation else 0.45), share
            for widget in (tab.surface, tab.map_view.plot):
                assert widget.width() * widget.height() >= 0.12 * area, (widget, presentation)
    finally:
        window.set_presentation(False, full_screen=False)
        window.close()
        window.deleteLater()
        qapp.processEvents()
