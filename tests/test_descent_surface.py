"""The descent tab on 2-D surfaces (issue 14): runs, the race, the start, presets, lessons."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.helpers import shown_tab
from visualizer.app import create_window
from visualizer.compute import descend
from visualizer.compute.surfaces import SURFACES
from visualizer.tabs.descent.model import (
    PRESETS,
    DescentModel,
    DescentSettings,
    RacerSettings,
)
from visualizer.tabs.descent.tab import DescentTab

SURFACE_PRESETS = [name for name, p in PRESETS.items() if p.settings.on_surface]


def rosenbrock_grad(x, y):
    # written out here from f = (1 - x)^2 + 100 (y - x^2)^2
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, DescentTab())
    return widget


def test_a_surface_run_is_gradient_descent_by_hand():
    model = DescentModel()
    model.update(objective="rosenbrock", method="gd", lr=0.001, x0=-1.2, y0=1.0, steps=5)
    p = np.array([-1.2, 1.0])
    for t in range(1, 6):
        p = p - 0.001 * rosenbrock_grad(*p)
        np.testing.assert_allclose(model.trajectory.x[t], p, rtol=1e-12)
    assert model.trajectory.x.shape == (6, 2)


def test_worked_step_in_vector_form(tab):
    tab.model.update(objective="rosenbrock", method="momentum", lr=0.001, beta=0.9,
                     x0=-1.2, y0=1.0, steps=5, frame=1)  # fmt: skip
    g = rosenbrock_grad(-1.2, 1.0)
    v = 0.1 * g
    text = tab.worked_text()
    assert "∇f(x0) = ∇f(-1.2, 1) = (" in text
    assert f"({g[0]:.6g}, {g[1]:.6g})" in text
    assert "v1 = β*v0 + (1-β)*∇f(x0)" in text and f"({v[0]:.6g}, {v[1]:.6g})" in text
    x1 = np.array([-1.2, 1.0]) - 0.001 * v
    assert f"= ({x1[0]:.6f}, {x1[1]:.6f})" in text
    headers = tab.iterates.table_model.headers()
    assert headers[:6] == ["t", "x_t", "y_t", "f(x_t)", "∂f/∂x", "∂f/∂y"]
    assert float(tab.cell(1, 1)) == pytest.approx(x1[0], rel=1e-6)
    assert float(tab.cell(1, 2)) == pytest.approx(x1[1], rel=1e-6)


@pytest.mark.parametrize("name", SURFACE_PRESETS)
def test_surface_presets(tab, name):
    tab.load_preset(name)
    preset = PRESETS[name]
    assert tab.plots.currentWidget() is tab.surface
    assert tab.model.preset() is preset
    runners = tab.model.runners()
    assert len(runners) == 1 + len(preset.settings.racers)
    surface = tab.model.surface
    # the race items equal descend for each racer
    for k, (racer, traj) in enumerate(runners):
        start = (preset.settings.x0, preset.settings.y0)
        steps = preset.settings.steps
        expected = descend(
            surface.grad, start, racer.lr, steps, racer.method, racer.beta, racer.beta2
        )
        np.testing.assert_array_equal(traj.x, expected.x)
        xs, ys = tab.surface.runner_points(k)
        n = expected.last_valid + 1
        np.testing.assert_array_equal(xs, expected.x[:n, 0])
        np.testing.assert_array_equal(ys, expected.x[:n, 1])
    assert tab.surface.contour_count() > 5
    assert np.all(np.isfinite(tab.surface.image_values()))
    if len(runners) > 1:
        texts = tab.surface.legend_texts()
        assert len(texts) == len(runners) and all(": f " in t or "diverged" in t for t in texts)


def test_ravine_gd_zig_zags_and_momentum_glides(tab):
    tab.load_preset("ravine")
    tab.set_frame(10)
    assert "Zig-zag" in tab.status_text()
    (_, gd), (_, hb) = tab.model.runners()
    assert hb.fx[20] < gd.fx[20]


def test_the_race_goes_on_after_a_racer_diverges(tab):
    tab.load_preset("ravine")
    tab.model.set_racers([RacerSettings("gd", 0.5), RacerSettings("heavy_ball", 0.1, 0.5)])
    tab.set_frame(30)
    texts = tab.surface.legend_texts()
    assert "diverged at step" in texts[1]
    assert ": f " in texts[0] and ": f " in texts[2]
    xs, ys = tab.surface.runner_points(1)
    assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
    assert len(tab.surface.runner_points(2)[0]) == 31


def test_select_a_runner(tab):
    tab.load_preset("ravine")
    tab.set_frame(5)
    tab.model.select_runner(1)
    assert tab.model.settings.method == "heavy_ball"
    assert [r.method for r in tab.model.settings.racers] == ["gd"]
    assert tab.frame() == 5
    assert "v5 = β*v4 + ∇f(x4)" in tab.worked_text()


def test_saddle_runs_leave_the_view_and_are_said_to_diverge(tab):
    tab.model.update(objective="saddle", method="gd", lr=0.2, x0=-1.0, y0=0.5, steps=4000)
    tab.set_frame(4000)
    assert "iverg" in tab.status_text()
    xs, ys = tab.surface.runner_points(0)
    assert np.all(np.isfinite(xs)) and np.all(np.abs(ys) <= 1e12)
    point = tab.current_point()
    assert point is None or all(math.isfinite(v) for v in point)


def test_click_and_drag_set_the_start(tab, qtbot):
    tab.load_preset("himmelblau")
    surface = tab.surface
    qtbot.mouseClick(surface.viewport(), Qt.MouseButton.LeftButton, pos=surface.widget_pos(-3, 3))
    s = tab.model.settings
    assert s.x0 == pytest.approx(-3, abs=0.05) and s.y0 == pytest.approx(3, abs=0.05)
    # from (-3, 3) gradient descent reaches the minimum near (-2.81, 3.13)
    k, dist = SURFACES["himmelblau"].nearest_minimum(tab.trajectory().x[-1])
    assert k == 1 and dist < 0.05
    surface.start_handle.setPos(QPointF(3.5, -2.0))
    surface.start_handle.sigPositionChangeFinished.emit(surface.start_handle)
    assert (tab.model.settings.x0, tab.model.settings.y0) == (3.5, -2.0)
    assert surface.start_handle_position() == (3.5, -2.0)


def test_out_of_range_is_refused_at_the_control(tab):
    tab.load_preset("ravine")
    before = tab.model.settings
    with pytest.raises(ValueError):
        tab.model.update(kappa=0.5)
    field = tab.settings_panel.kappa_field
    assert not field.submit("5000")
    assert "1000" in field.error()  # the reason, at the control
    assert tab.model.settings == before
    assert tab.settings_panel.kappa_field.submit("100") and tab.model.settings.kappa == 100
    with pytest.raises(ValueError):
        DescentSettings.from_state({"objective": "gelu", "racers": [{"method": "gd"}]})


def test_switching_to_a_surface_and_back(tab):
    tab.settings_panel.objective_box.setCurrentIndex(
        tab.settings_panel.objective_box.findData("himmelblau")
    )
    assert tab.model.on_surface and tab.plots.currentWidget() is tab.surface
    assert (tab.model.settings.x0, tab.model.settings.y0) == SURFACES["himmelblau"].start
    tab.settings_panel.objective_box.setCurrentIndex(
        tab.settings_panel.objective_box.findData("gelu")
    )
    assert not tab.model.on_surface and tab.plots.currentWidget() is tab.curve
    assert tab.curve.curve_points() is not None


def test_practice_on_a_surface_asks_a_pair(tab):
    tab.load_preset("ravine")
    tab.set_frame(0)
    tab.set_practice(True)
    x1 = tab.model.trajectory.x[1]
    assert tab.answer_box.question() == "x₁ ="
    assert tab.cell(1, 1) == "?" and tab.cell(1, 2) == "?"
    tab.answer_box.type_answer(f"({x1[0]:.5g}, {x1[1]:.5g})")
    assert tab.frame() == 1 and tab.practice_score() == "1 of 1 right"


def test_lesson_round_trip_of_a_race(qtbot):
    window = create_window(initial_tab="descent")
    qtbot.addWidget(window)
    tab = window.tab("descent")
    tab.load_preset("rosenbrock race")
    tab.set_frame(123)
    lesson = window.lesson("race")
    state = lesson.tabs["descent"]
    assert len(state["params"]["racers"]) == 4 and state["params"]["y0"] == 1.0
    tab.load_preset("1a")
    assert set(tab.state()["params"]) == {
        "objective", "method", "lr", "x0", "steps", "beta", "beta2", "eps",
    }  # fmt: skip
    window.apply_lesson(lesson)
    assert tab.state() == state
    assert tab.frame() == 123 and len(tab.surface.legend_texts()) == 5


def test_contour_lines_lie_on_their_level():
    from visualizer.tabs.descent.surface_plot import contour_path

    n = 101
    ys, xs = np.mgrid[0:n, 0:n].astype(float)
    values = (xs - 50.0) ** 2 + (ys - 50.0) ** 2  # circles about pixel (50, 50)
    path = contour_path(values, np.array([20.0**2, 35.0**2]))
    radii = []
    for k in range(path.elementCount()):
        e = path.elementAt(k)
        # (the path is in pixel coordinates: sample (i, j) sits at the centre of pixel j, i)
        radii.append(math.hypot(e.x - 50.5, e.y - 50.5))
    radii = np.array(radii)
    near_20, near_35 = np.abs(radii - 20) < 0.2, np.abs(radii - 35) < 0.2
    assert np.all(near_20 | near_35) and near_20.sum() > 50 and near_35.sum() > 50


def test_a_runner_that_leaves_the_view_says_where(tab):
    tab.model.update(objective="saddle", method="gd", lr=0.2, x0=-1.0, y0=0.5, steps=300)
    tab.model.set_racers([RacerSettings("gd", 0.01)])
    tab.set_frame(300)
    # by hand: y grows by (1 + 2·lr) each step; lost once |y| > 2 + 100·4 (the view's edge
    # plus 100 widths)
    y, lost = 0.5, None
    for t in range(1, 301):
        y *= 1 + 2 * 0.2
        if abs(y) > 2 + 100 * 4 and lost is None:
            lost = t
    assert tab.surface.legend_texts()[0].endswith(f"diverged at step {lost}")
    assert ": f " in tab.surface.legend_texts()[1]


def test_a_run_pinned_on_a_surface_does_not_break_the_curve(qtbot):
    # Found by the monkey test: pin on a surface, then switch back to a curve.
    from visualizer.tabs.descent.model import DescentModel
    from visualizer.tabs.descent.tab import DescentTab

    tab = DescentTab(DescentModel())
    qtbot.addWidget(tab)
    tab.show()
    tab.model.update(objective="rosenbrock")
    tab.model.pin_run()
    tab.model.update(objective="gelu")
    tab.model.advance()
    assert tab.model.on_surface is False
    assert len(tab.model.pins) == 1
