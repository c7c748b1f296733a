"""The gradient-descent tab, driven through its controls; assertions on the data it shows."""

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from tests.helpers import shown_tab
from tests.reference import DESCENT_REFERENCE
from visualizer.app import create_window
from visualizer.compute import (
    BETA2_METHODS,
    METHODS,
    MOMENTUM_METHODS,
    DescentParams,
    descend,
    gelu,
    gelu_grad,
)
from visualizer.lesson_io import read_lesson
from visualizer.tabs.descent.items import MAX_TRAIL_POINTS
from visualizer.tabs.descent.model import DescentModel
from visualizer.tabs.descent.tab import DescentTab
from visualizer.tabs.descent.trail import MAX_NUMBERED
from visualizer.topics import TOPIC_KEYS

REFERENCE = DESCENT_REFERENCE


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, DescentTab())
    yield widget
    widget.play.pause()


def cell(tab, row, col):
    return tab.cell(row, col)


def assert_six_digits(text, expected):
    assert text is not None
    value = float(text)
    assert value == pytest.approx(expected, rel=1e-6), (text, expected)


def test_first_view_is_exercise_1a(tab):
    assert tab.settings_panel.preset_box.currentData() == "1a"
    assert tab.iterates.table_model.rowCount() == 4
    xs, fs = REFERENCE["1a"]
    for t in range(1, 4):
        assert_six_digits(cell(tab, t, 1), xs[t - 1])
        assert_six_digits(cell(tab, t, 2), fs[t - 1])
    assert tab.frame() == 3


@pytest.mark.parametrize("name", list(REFERENCE))
def test_presets_from_the_combo_show_reference_numbers(tab, name):
    combo = tab.settings_panel.preset_box
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    xs, fs = REFERENCE[name]
    assert cell(tab, 0, 1) == ("0.000000" if name in ("1a", "1b") else "-3.000000")
    for t in range(1, 4):
        assert_six_digits(cell(tab, t, 1), xs[t - 1])
        assert_six_digits(cell(tab, t, 2), fs[t - 1])
    # the trail on the curve is the same iterates
    tx, ty = tab.trail_points()
    np.testing.assert_allclose(tx[1:], xs, rtol=1e-12)
    np.testing.assert_allclose(ty[1:], fs, rtol=1e-12)


def test_worked_step_text(tab):
    tab.set_frame(2)
    assert "x2 = x1 - lr*f'(x1) = -0.05 - 0.1 × 0.457501 = -0.095750" in tab.worked_text()
    tab.load_preset("1c momentum")
    tab.set_frame(1)
    text = tab.worked_text()
    assert text.index("v1 = β*v0 + (1-β)*f'(x0)") < text.index("x1 = x0 - lr*v1")
    assert "= -2.997545" in text


def test_controls_drive_the_run(tab, qtbot):
    tab.settings_panel.method_box.setCurrentIndex(
        tab.settings_panel.method_box.findData("nesterov")
    )
    assert tab.settings_panel.lr_field.submit("0.3")
    assert tab.settings_panel.beta_field.submit("0.8")
    assert tab.settings_panel.x0_field.submit("1.5")
    assert tab.settings_panel.steps_field.submit("12")
    p = tab.params()
    assert (p.method, p.lr, p.beta, p.x0, p.steps) == ("nesterov", 0.3, 0.8, 1.5, 12)
    expected = descend(gelu_grad, 1.5, 0.3, 12, "nesterov", beta=0.8)
    assert tab.play.n_frames() == 13
    tab.reset()
    assert tab.frame() == 0
    for t in range(1, 6):
        tab.advance()
        assert tab.frame() == t
        tx, ty = tab.trail_points()
        np.testing.assert_allclose(tx, expected.x[: t + 1], rtol=1e-12)
        np.testing.assert_allclose(ty, gelu(expected.x[: t + 1]), rtol=1e-12)
        dots = np.array(tab.trail_dot_positions())
        np.testing.assert_allclose(dots[:, 0], expected.x[: t + 1], rtol=1e-12)
        cx, cy = tab.current_point()
        assert cx == pytest.approx(expected.x[t], rel=1e-12)
        assert cy == pytest.approx(gelu(expected.x[t]), rel=1e-12)
        # velocity column and the worked step follow the same numbers
        assert float(cell(tab, t, 4)) == pytest.approx(expected.velocity[t], rel=1e-6)
        assert f"x{t} = x{t - 1} - lr*(f'(x{t - 1}) + β*v{t})" in tab.worked_text()
    # current row is highlighted, the others are not
    model = tab.iterates.table_model
    assert model.data(model.index(5, 1), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(4, 1), Qt.ItemDataRole.BackgroundRole) is None
    tab.step_back()
    assert tab.frame() == 4
    tab.rewind()
    assert tab.frame() == 0
    # the velocity arrow exists for momentum methods (v0 = 0: none at step 0), not for GD
    assert tab.arrow_lengths()[1] is None
    tab.set_frame(3)
    grad_dx, vel_dx = tab.arrow_lengths()
    assert vel_dx == pytest.approx(-0.3 * expected.velocity[3], rel=1e-9)
    assert grad_dx == pytest.approx(-0.3 * expected.grad[3], rel=1e-9)
    tab.settings_panel.method_box.setCurrentIndex(tab.settings_panel.method_box.findData("gd"))
    assert tab.arrow_lengths()[1] is None
    assert not tab.settings_panel.beta_field.isEnabled()


def test_method_tooltips_state_update_rules(tab):
    rules = {
        "gd": "x ← x − lr·f'(x)",
        "momentum": "v ← β·v + (1 − β)·f'(x)",
        "heavy_ball": "v ← β·v + f'(x)",
        "nesterov": "x ← x − lr·(f'(x) + β·v)",
        "adam": "√ŝ",
    }
    for method, rule in rules.items():
        index = tab.settings_panel.method_box.findData(method)
        assert rule in tab.settings_panel.method_box.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_f_of_t_plot(tab):
    tab.load_preset("1b")
    t, fx = tab.steps_plot.run_points()
    np.testing.assert_array_equal(t, [0, 1, 2, 3])
    np.testing.assert_allclose(fx[1:], REFERENCE["1b"][1], rtol=1e-12)
    tab.set_frame(1)
    marker = tab.steps_plot.marker_position()
    assert marker == (1.0, pytest.approx(REFERENCE["1b"][1][0], rel=1e-12))


def test_pin_runs_and_remove_one_by_one(tab, qtbot):
    tab.pins_panel.pin_button.click()  # lr 0.1 run
    assert tab.settings_panel.lr_field.submit("1")
    tab.pins_panel.pin_button.click()  # lr 1 run
    assert len(tab.pinned_runs()) == 2
    assert tab.curve.drawn_pins() == 2
    labels = tab.legend_names()
    assert any("lr 0.1" in text for text in labels)
    assert any("lr 1," in text for text in labels)
    assert tab.pins_panel.row_texts() == [
        "GeLU (sheet): GD, lr 0.1, x0 0",
        "GeLU (sheet): GD, lr 1, x0 0",
    ]
    first, second = tab.pinned_runs()
    assert first.slot != second.slot  # each pin its own colour
    x, _ = tab.curve.pin_points(first)
    np.testing.assert_allclose(x[1:], REFERENCE["1a"][0], rtol=1e-12)
    _, fx = tab.steps_plot.pin_points(first)
    np.testing.assert_allclose(fx[1:], REFERENCE["1a"][1], rtol=1e-12)
    qtbot.mouseClick(tab.pins_panel.row(0).remove_button, Qt.MouseButton.LeftButton)
    assert tab.pinned_runs() == [second]
    assert tab.curve.drawn_pins() == 1
    assert not any("lr 0.1" in text for text in tab.legend_names())
    assert tab.pins_panel.row_texts() == ["GeLU (sheet): GD, lr 1, x0 0"]
    # a pin made on another curve stays listed, greyed out, and is not drawn
    tab.settings_panel.objective_box.setCurrentIndex(
        tab.settings_panel.objective_box.findData("square")
    )
    assert tab.curve.drawn_pins() == 0
    assert not tab.pins_panel.row(0).isEnabled()
    tab.clear_pins()
    assert tab.pinned_runs() == []
    assert tab.pins_panel.row_texts() == []


def test_huge_learning_rate_is_shown_in_words(tab):
    tab.settings_panel.objective_box.setCurrentIndex(
        tab.settings_panel.objective_box.findData("square")
    )
    assert tab.settings_panel.x0_field.submit("1")
    for lr in ("1e10", "1e300", "1.7e308"):
        assert tab.settings_panel.lr_field.submit(lr)
        tab.set_frame(tab.params().steps)
        assert "iverg" in tab.status_text()
        model = tab.iterates.table_model
        texts = [
            str(model.data(model.index(r, c)))
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        ]
        texts.append(tab.worked_text())
        texts.append(tab.status_text())
        for text in texts:
            assert "nan" not in text.lower() and "inf" not in text.lower(), text
    assert tab.trajectory().diverged_at is not None
    assert cell(tab, tab.trajectory().diverged_at, 1) == "diverged"


def test_bad_input_is_refused_and_the_run_kept(tab):
    before = tab.params()
    assert not tab.settings_panel.lr_field.submit("fast")
    assert tab.settings_panel.lr_field.error()
    assert not tab.settings_panel.beta_field.submit("1.5")
    assert not tab.settings_panel.steps_field.submit("2.5")
    assert not tab.settings_panel.x0_field.submit("nan")
    assert tab.params() == before
    assert tab.iterates.table_model.rowCount() == 4


def test_click_on_curve_sets_x0(tab, qtbot):
    view = tab.curve
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.widget_pos(-1.0, 0.2))
    assert tab.params().x0 == pytest.approx(-1.0, abs=0.01)
    assert tab.trajectory().x[0] == tab.params().x0
    assert float(tab.settings_panel.x0_field.edit.text()) == tab.params().x0


def test_dragging_the_handle_moves_x0_along_the_curve(tab):
    handle = tab.curve.x0_handle
    handle.setPos(QPointF(-1.234, 5.0))  # what a drag does, step by step
    assert tab.params().x0 == pytest.approx(-1.234)
    hx, hy = tab.curve.x0_handle_position()
    assert hy == pytest.approx(gelu(hx), rel=1e-12)  # snapped onto the curve
    handle.sigPositionChangeFinished.emit(handle)
    assert tab.params().x0 == pytest.approx(-1.234)
    assert tab.frame() == tab.params().steps  # a new x0 shows its whole run


def test_dragging_x0_of_a_long_run_recomputes_on_release(tab):
    assert tab.settings_panel.steps_field.submit("5000")
    before = tab.trajectory()
    handle = tab.curve.x0_handle
    handle.setPos(QPointF(-0.5, 0.0))
    assert tab.trajectory() is before  # only the field follows the drag
    assert float(tab.settings_panel.x0_field.edit.text()) == pytest.approx(-0.5)
    handle.setPos(QPointF(-0.5, 0.0))
    handle.sigPositionChangeFinished.emit(handle)
    assert tab.params().x0 == pytest.approx(-0.5)
    assert tab.trajectory().x[0] == pytest.approx(-0.5)


def test_derivative_overlay(tab):
    assert tab.curve.curve_points("df") is None
    tab.toolbar.derivative_check.setChecked(True)
    assert tab.model.show_derivative
    x, y = tab.curve.curve_points("df")
    assert len(x) > 100
    np.testing.assert_allclose(y, [gelu_grad(v) for v in x], rtol=1e-12, atol=1e-15)
    assert "f'(x)" in tab.legend_names()
    tab.set_show_derivative(False)  # the model drives the check box back
    assert not tab.toolbar.derivative_check.isChecked()
    assert tab.curve.curve_points("df") is None
    assert "f'(x)" not in tab.legend_names()


def test_minimum_marked(tab):
    x, y = tab.curve.minimum_points()
    assert round(float(x[0]), 6) == -0.751154
    assert round(float(y[0]), 6) == -0.163610
    assert any("x* = -0.751154, f = -0.163610" in text for text in tab.legend_names())
    tab.settings_panel.objective_box.setCurrentIndex(
        tab.settings_panel.objective_box.findData("double_well")
    )
    x, _ = tab.curve.minimum_points()
    assert len(x) == 2


def test_momentum_rolls_through_gd_gets_stuck(tab):
    tab.load_preset("local minimum: GD")
    gd_final = tab.trajectory().x[-1]
    tab.load_preset("local minimum: momentum")
    mom_final = tab.trajectory().x[-1]
    assert gd_final > 1 and mom_final < -1


def test_copy_and_csv(tab, tmp_path):
    tab.copy_table()
    text = QApplication.clipboard().text()
    assert text.splitlines()[0] == "t\tx_t\tGeLU(x_t)\tGeLU'(x_t)"  # GD: no velocity
    assert float(text.splitlines()[2].split("\t")[1]) == -0.05
    csv_text = tab.table_csv()
    rows = [line.split(",") for line in csv_text.splitlines()]
    assert rows[0] == ["t", "x_t", "GeLU(x_t)", "GeLU'(x_t)"]
    assert float(rows[3][1]) == pytest.approx(-0.09575013021851926, rel=1e-15)
    path = tmp_path / "iterates.csv"
    tab.export_csv(str(path))
    assert path.read_text(encoding="utf-8") == csv_text


def test_worked_solution_markdown(tab):
    text = tab.worked_solution_markdown()
    assert "Exercise 1a" in text
    assert "x2 = x1 - lr*f'(x1) = -0.05 - 0.1 × 0.457501 = -0.095750" in text
    assert "x3 = x2 - lr*f'(x2)" in text


def test_state_round_trip(tab, qtbot):
    tab.load_preset("1c")
    tab.pin_run()
    tab.load_preset("1c momentum")
    tab.pin_run()
    tab.settings_panel.method_box.setCurrentIndex(tab.settings_panel.method_box.findData("adam"))
    assert tab.settings_panel.beta2_field.submit("0.99")
    assert tab.settings_panel.steps_field.submit("20")
    tab.toolbar.derivative_check.setChecked(True)
    tab.set_frame(7)
    state = tab.state()
    import json

    state = json.loads(json.dumps(state))
    other = DescentTab()
    qtbot.addWidget(other)
    other.restore_state(state)
    assert other.params() == tab.params()
    assert other.frame() == 7
    assert other.toolbar.derivative_check.isChecked()
    assert [p.settings for p in other.pinned_runs()] == [p.settings for p in tab.pinned_runs()]
    assert other.pins_panel.row_texts() == tab.pins_panel.row_texts()
    assert other.table_csv() == tab.table_csv()
    np.testing.assert_array_equal(other.trail_points()[0], tab.trail_points()[0])
    assert other.worked_text() == tab.worked_text()


@pytest.mark.parametrize(
    "bad",
    [
        {"params": {"lr": -1}},
        {"params": {"method": "sgd"}},
        {"params": {"steps": 3}, "frame": 9},
        {"pins": [{"beta": 2}]},
        {"show_derivative": "yes"},
        {"colour": "red"},
        [1, 2],
    ],
)
def test_bad_state_is_refused_and_nothing_changes(tab, bad):
    tab.pin_run()
    before = tab.state()
    with pytest.raises(ValueError):
        tab.restore_state(bad)
    assert tab.state() == before


def test_ten_thousand_steps(tab):
    assert tab.settings_panel.steps_field.submit("10000")
    assert tab.iterates.table_model.rowCount() == 10001
    tab.set_frame(10000)
    x, _ = tab.trail_points()
    assert len(x) <= MAX_TRAIL_POINTS + 1
    assert x[-1] == tab.trajectory().x[-1]
    assert x[0] == tab.trajectory().x[0]
    t, _ = tab.steps_plot.run_points()
    assert len(t) == 10001
    # labels: only some of the first iterates are numbered, never piled on each other
    shown = tab.curve.trail.visible_numbers()
    assert 1 <= len(shown) <= MAX_NUMBERED
    assert shown[0][0] == "0"
    for i, (_, a) in enumerate(shown):
        for _, b in shown[i + 1 :]:
            assert not a.intersects(b)


def test_play_pause_and_presentation(tab, qtbot):
    tab.reset()
    tab.toggle_play()
    assert tab.play.is_playing()
    tab.toggle_play()
    assert not tab.play.is_playing()
    width = tab.curve_pen_width()
    tab.set_presentation(True)
    assert tab.curve_pen_width() > width
    tab.set_presentation(False)
    assert tab.curve_pen_width() == width
    assert tab.has_animation()
    assert tab.presets()[:4] == ["1a", "1b", "1c", "1c momentum"]
    with pytest.raises(KeyError):
        tab.load_preset("9z")


def test_keys_and_views(tab):
    assert tab.key == "descent" and tab.title == "Gradient descent"
    assert tab.main_view() is tab.picture
    assert tab.picture.isAncestorOf(tab.curve) and tab.picture.isAncestorOf(tab.steps_plot)


def test_status_oscillating(tab):
    tab.set_params(DescentParams("square", "gd", 0.9, 1.0, 10))
    assert "Oscillating" in tab.status_text()
    assert not math.isnan(tab.trajectory().x[-1])


@pytest.mark.parametrize("objective", ["gelu", "gelu_exact", "square", "double_well"])
@pytest.mark.parametrize("x0", ["1e300", "-1e300", "1e15"])
def test_far_away_starts_draw_nothing_absurd(tab, qtbot, objective, x0):
    # an x0 (or f) far beyond any view is reported in the table, not drawn at 1e300
    tab.settings_panel.objective_box.setCurrentIndex(
        tab.settings_panel.objective_box.findData(objective)
    )
    assert tab.settings_panel.x0_field.submit(x0)
    for method in ("gd", "adam"):
        tab.settings_panel.method_box.setCurrentIndex(
            tab.settings_panel.method_box.findData(method)
        )
        tab.set_frame(0)
        tab.set_frame(tab.params().steps)
        qtbot.wait(1)
        assert not tab.grab().isNull()
        x, _ = tab.trail_points()
        assert x is None or np.all(np.abs(x) <= 1e12)
    assert float(cell(tab, 0, 1)) == float(x0)


def test_a_preset_opens_on_the_same_view_whatever_came_before(qtbot):
    fresh = DescentTab()
    qtbot.addWidget(fresh)
    fresh.resize(1280, 760)
    fresh.load_preset("1c")
    other = DescentTab()
    qtbot.addWidget(other)
    other.resize(1280, 760)
    other.load_preset("1b")
    other.set_frame(1)
    other.load_preset("1c")
    view = other.curve.view_range()
    expected = fresh.curve.view_range()
    np.testing.assert_allclose(view, expected)
    assert view[0][0] < -3 < view[0][1]
    # the axes show that range too (they follow the view through its signals)
    bottom, left = other.curve.axis_ranges()
    np.testing.assert_allclose(bottom, view[0])
    np.testing.assert_allclose(left, view[1])


@pytest.mark.parametrize("method", METHODS)
def test_every_method_of_compute_is_offered_and_shown(tab, method):
    box = tab.settings_panel.method_box
    box.setCurrentIndex(box.findData(method))
    assert tab.params().method == method
    assert tab.settings_panel.steps_field.submit("6")
    tab.set_frame(4)
    headers = tab.iterates.table_model.headers()
    assert headers[:4] == ["t", "x_t", "GeLU(x_t)", "GeLU'(x_t)"]
    assert float(cell(tab, 4, 1)) == pytest.approx(tab.trajectory().x[4], rel=1e-6)
    assert tab.current_point()[0] == pytest.approx(tab.trajectory().x[4], rel=1e-12)
    assert any(text.startswith("now: ") for text in tab.legend_names())
    assert tab.worked_text() and "Step 4 of 6." in tab.status_text()
    assert tab.settings_panel.beta_field.isEnabled() == (method in MOMENTUM_METHODS)
    assert tab.settings_panel.beta2_field.isEnabled() == (method in BETA2_METHODS)
    tab.pin_run()
    assert tab.pins_panel.row_texts()


def test_model_changes_redraw_a_built_tab(tab):
    tab.model.update(objective="square", x0=1.0, lr=0.25, steps=4, frame=2)
    assert tab.settings_panel.objective_box.currentData() == "square"
    assert tab.settings_panel.lr_field.value() == 0.25
    assert tab.play.n_frames() == 5 and tab.play.frame() == 2
    assert tab.current_point() == (pytest.approx(0.25), pytest.approx(0.0625))
    assert tab.iterates.table_model.rowCount() == 5
    assert tab.iterates.is_highlighted(2) and not tab.iterates.is_highlighted(1)
    assert tab.settings_panel.preset_box.currentData() == ""  # custom settings


def test_a_tab_built_from_a_model_shows_its_state(qtbot):
    model = DescentModel()
    model.load_preset("1c momentum")
    model.set_frame(2)
    model.pin_run()
    model.set_show_derivative(True)
    tab = DescentTab(model)
    qtbot.addWidget(tab)
    assert tab.settings_panel.preset_box.currentData() == "1c momentum"
    assert tab.play.frame() == 2 and tab.frame() == 2
    xs, _ = REFERENCE["1c momentum"]
    assert tab.current_point()[0] == pytest.approx(xs[1], rel=1e-12)
    assert tab.toolbar.derivative_check.isChecked()
    assert tab.curve.drawn_pins() == 1
    assert "x2 = x1 - lr*v2" in tab.worked_text()


def _lesson_path(name):
    return Path(__file__).resolve().parents[1] / "resources" / "lessons" / name


def test_lesson_for_descent_is_applied_without_building_the_tab(qtbot):
    window = create_window(initial_tab="conv")
    qtbot.addWidget(window)
    index = TOPIC_KEYS.index("descent")
    assert not window.tabs.is_built(index)
    lesson = read_lesson(_lesson_path("exercise-1c-momentum.json"))
    lesson = replace(lesson, current_tab="conv")
    window.apply_lesson(lesson)
    assert not window.tabs.is_built(index)
    assert window.models["descent"].settings.method == "momentum"
    window.show_tab("descent")
    assert window.tabs.is_built(index)
    tab = window.tab("descent")
    assert tab.settings_panel.preset_box.currentData() == "1c momentum"
    assert tab.settings_panel.x0_field.value() == -3.0
    assert tab.frame() == 3
    xs, fs = REFERENCE["1c momentum"]
    for t in range(1, 4):
        assert_six_digits(cell(tab, t, 1), xs[t - 1])
        assert_six_digits(cell(tab, t, 2), fs[t - 1])
    assert tab.current_point() == (
        pytest.approx(xs[2], rel=1e-12),
        pytest.approx(fs[2], rel=1e-12),
    )
