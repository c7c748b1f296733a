"""The gradient-descent tab, driven through its controls; assertions on the data it shows."""

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from visualizer.compute import DescentParams, descend, gelu, gelu_grad
from visualizer.tabs.descent_tab import MAX_TRAIL_POINTS, DescentTab

# REFERENCE.md section 1, typed in: x_1..x_3 and GeLU(x_1..x_3).
REFERENCE = {
    "1a": (
        [-0.05, -0.09575013021851926, -0.13763771842581057],
        [-0.02393689150943369, -0.04398265469655064, -0.06079478852684933],
    ),
    "1b": (
        [-0.5, -0.6207780880345858, -0.676497308917168],
        [-0.1496115633936199, -0.1601399925974373, -0.16251748448720163],
    ),
    "1c": (
        [-2.997545167609435, -2.995082708753491, -2.9926125791343785],
        [-0.01813166529499688, -0.018192396733478253, -0.018253507384506158],
    ),
    "1c momentum": (
        [-2.997545167609435, -2.9928733596019823, -2.986191702877126],
        [-0.01813166529499688, -0.01824704671202677, -0.01841325299731993],
    ),
}


@pytest.fixture
def tab(qtbot):
    widget = DescentTab()
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.play.pause()


def cell(tab, row, col):
    model = tab.table_model
    return model.data(model.index(row, col))


def assert_six_digits(text, expected):
    assert text is not None
    value = float(text)
    assert value == pytest.approx(expected, rel=1e-6), (text, expected)


def test_first_view_is_exercise_1a(tab):
    assert tab.preset_box.currentData() == "1a"
    assert tab.table_model.rowCount() == 4
    xs, fs = REFERENCE["1a"]
    for t in range(1, 4):
        assert_six_digits(cell(tab, t, 1), xs[t - 1])
        assert_six_digits(cell(tab, t, 2), fs[t - 1])
    assert tab.frame() == 3


@pytest.mark.parametrize("name", list(REFERENCE))
def test_presets_from_the_combo_show_reference_numbers(tab, name):
    combo = tab.preset_box
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    xs, fs = REFERENCE[name]
    assert cell(tab, 0, 1) == ("0.000000" if name in ("1a", "1b") else "-3.000000")
    for t in range(1, 4):
        assert_six_digits(cell(tab, t, 1), xs[t - 1])
        assert_six_digits(cell(tab, t, 2), fs[t - 1])
    # the trail on the curve is the same iterates
    tx, ty = tab.trail_item.getData()
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
    tab.method_box.setCurrentIndex(tab.method_box.findData("nesterov"))
    assert tab.lr_field.submit("0.3")
    assert tab.beta_field.submit("0.8")
    assert tab.x0_field.submit("1.5")
    assert tab.steps_field.submit("12")
    p = tab.params()
    assert (p.method, p.lr, p.beta, p.x0, p.steps) == ("nesterov", 0.3, 0.8, 1.5, 12)
    expected = descend(gelu_grad, 1.5, 0.3, 12, "nesterov", beta=0.8)
    assert tab.play.n_frames() == 13
    tab.reset()
    assert tab.frame() == 0
    for t in range(1, 6):
        tab.advance()
        assert tab.frame() == t
        tx, ty = tab.trail_item.getData()
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
    model = tab.table_model
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
    tab.method_box.setCurrentIndex(tab.method_box.findData("gd"))
    assert tab.arrow_lengths()[1] is None
    assert not tab.beta_field.isEnabled()


def test_method_tooltips_state_update_rules(tab):
    rules = {
        "gd": "x ← x − lr·f'(x)",
        "momentum": "v ← β·v + (1 − β)·f'(x)",
        "heavy_ball": "v ← β·v + f'(x)",
        "nesterov": "x ← x − lr·(f'(x) + β·v)",
        "adam": "√ŝ",
    }
    for method, rule in rules.items():
        index = tab.method_box.findData(method)
        assert rule in tab.method_box.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_f_of_t_plot(tab):
    tab.load_preset("1b")
    t, fx = tab.ft_item.getData()
    np.testing.assert_array_equal(t, [0, 1, 2, 3])
    np.testing.assert_allclose(fx[1:], REFERENCE["1b"][1], rtol=1e-12)
    tab.set_frame(1)
    marker = tab.ft_current.pos()
    assert (marker.x(), marker.y()) == (1.0, pytest.approx(REFERENCE["1b"][1][0], rel=1e-12))


def test_pin_runs_and_remove_one_by_one(tab, qtbot):
    plot = tab.curve_plot.getPlotItem()
    before = len(plot.listDataItems())
    tab.pin_button.click()  # lr 0.1 run
    assert tab.lr_field.submit("1")
    tab.pin_button.click()  # lr 1 run
    assert len(tab.pinned_runs()) == 2
    assert len(plot.listDataItems()) == before + 2
    labels = [label.text for _sample, label in tab.legend.items]
    assert any("lr 0.1" in text for text in labels)
    assert any("lr 1," in text for text in labels)
    first, second = tab.pinned_runs()
    assert first.color != second.color
    x, _ = first.curve_item.getData()
    np.testing.assert_allclose(x[1:], REFERENCE["1a"][0], rtol=1e-12)
    _, fx = first.ft_item.getData()
    np.testing.assert_allclose(fx[1:], REFERENCE["1a"][1], rtol=1e-12)
    qtbot.mouseClick(first.row.remove_button, Qt.MouseButton.LeftButton)
    assert tab.pinned_runs() == [second]
    assert len(plot.listDataItems()) == before + 1
    labels = [label.text for _sample, label in tab.legend.items]
    assert not any("lr 0.1" in text for text in labels)
    tab.clear_pins()
    assert tab.pinned_runs() == []


def test_huge_learning_rate_is_shown_in_words(tab):
    tab.objective_box.setCurrentIndex(tab.objective_box.findData("square"))
    assert tab.x0_field.submit("1")
    for lr in ("1e10", "1e300", "1.7e308"):
        assert tab.lr_field.submit(lr)
        tab.set_frame(tab.params().steps)
        assert "iverg" in tab.status_text()
        model = tab.table_model
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
    assert not tab.lr_field.submit("fast")
    assert tab.lr_field.error()
    assert not tab.beta_field.submit("1.5")
    assert not tab.steps_field.submit("2.5")
    assert not tab.x0_field.submit("nan")
    assert tab.params() == before
    assert tab.table_model.rowCount() == 4


def test_click_on_curve_sets_x0(tab, qtbot):
    view = tab.curve_plot
    vb = view.getPlotItem().getViewBox()
    scene_pos = vb.mapViewToScene(QPointF(-1.0, 0.2))
    widget_pos = view.mapFromScene(scene_pos)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=widget_pos)
    assert tab.params().x0 == pytest.approx(-1.0, abs=0.01)
    assert tab.trajectory().x[0] == tab.params().x0
    assert float(tab.x0_field.edit.text()) == tab.params().x0


def test_dragging_the_handle_moves_x0_along_the_curve(tab):
    tab.x0_handle.setPos(QPointF(-1.234, 5.0))  # what a drag does, step by step
    assert tab.params().x0 == pytest.approx(-1.234)
    hx, hy = tab.x0_handle.pos().x(), tab.x0_handle.pos().y()
    assert hy == pytest.approx(gelu(hx), rel=1e-12)  # snapped onto the curve
    tab.x0_handle.sigPositionChangeFinished.emit(tab.x0_handle)
    assert tab.params().x0 == pytest.approx(-1.234)


def test_derivative_overlay(tab):
    assert not tab.derivative_item.isVisible()
    tab.derivative_check.setChecked(True)
    assert tab.derivative_item.isVisible()
    x, y = tab.derivative_item.getData()
    assert len(x) > 100
    np.testing.assert_allclose(y, [gelu_grad(v) for v in x], rtol=1e-12, atol=1e-15)


def test_minimum_marked(tab):
    x, y = tab.min_item.getData()
    assert round(float(x[0]), 6) == -0.751154
    assert round(float(y[0]), 6) == -0.163610
    labels = [label.text for _sample, label in tab.legend.items]
    assert any("x* = -0.751154, f = -0.163610" in text for text in labels)
    tab.objective_box.setCurrentIndex(tab.objective_box.findData("double_well"))
    x, _ = tab.min_item.getData()
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
    tab.method_box.setCurrentIndex(tab.method_box.findData("adam"))
    assert tab.beta2_field.submit("0.99")
    assert tab.steps_field.submit("20")
    tab.derivative_check.setChecked(True)
    tab.set_frame(7)
    state = tab.state()
    import json

    state = json.loads(json.dumps(state))
    other = DescentTab()
    qtbot.addWidget(other)
    other.restore_state(state)
    assert other.params() == tab.params()
    assert other.frame() == 7
    assert other.derivative_check.isChecked()
    assert [p.params for p in other.pinned_runs()] == [p.params for p in tab.pinned_runs()]
    assert other.table_csv() == tab.table_csv()
    np.testing.assert_array_equal(other.trail_item.getData()[0], tab.trail_item.getData()[0])
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
    assert tab.steps_field.submit("10000")
    assert tab.table_model.rowCount() == 10001
    tab.set_frame(10000)
    x, _ = tab.trail_item.getData()
    assert len(x) <= MAX_TRAIL_POINTS + 1
    assert x[-1] == tab.trajectory().x[-1]
    assert x[0] == tab.trajectory().x[0]
    t, _ = tab.ft_item.getData()
    assert len(t) == 10001
    # labels: only some of the first iterates are numbered, never piled on each other
    shown = [item for item in tab.number_items if item.isVisible()]
    assert 1 <= len(shown) <= len(tab.number_items)
    assert shown[0].toPlainText() == "0"
    vb = tab.curve_plot.getPlotItem().getViewBox()
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            if a.anchor() != b.anchor():
                continue  # one above its point, one below
            pa, pb = vb.mapViewToScene(a.pos()), vb.mapViewToScene(b.pos())
            width = min(a.boundingRect().width(), b.boundingRect().width())
            height = min(a.boundingRect().height(), b.boundingRect().height())
            assert abs(pa.x() - pb.x()) >= width or abs(pa.y() - pb.y()) >= height


def test_play_pause_and_presentation(tab, qtbot):
    tab.reset()
    tab.toggle_play()
    assert tab.play.is_playing()
    tab.toggle_play()
    assert not tab.play.is_playing()
    width = tab.curve_item.opts["pen"].widthF()
    tab.set_presentation(True)
    assert tab.curve_item.opts["pen"].widthF() > width
    tab.set_presentation(False)
    assert tab.curve_item.opts["pen"].widthF() == width
    assert tab.has_animation()
    assert tab.presets()[:4] == ["1a", "1b", "1c", "1c momentum"]
    with pytest.raises(KeyError):
        tab.load_preset("9z")


def test_export_items_and_keys(tab):
    items = tab.export_plot_items()
    assert len(items) == 2
    assert tab.key == "descent" and tab.title == "Gradient descent"


def test_status_oscillating(tab):
    tab.set_params(DescentParams("square", "gd", 0.9, 1.0, 10))
    assert "Oscillating" in tab.status_text()
    assert not math.isnan(tab.trajectory().x[-1])


@pytest.mark.parametrize("objective", ["gelu", "gelu_exact", "square", "double_well"])
@pytest.mark.parametrize("x0", ["1e300", "-1e300", "1e15"])
def test_far_away_starts_draw_nothing_absurd(tab, qtbot, objective, x0):
    # an x0 (or f) far beyond any view is reported in the table, not drawn at 1e300
    tab.objective_box.setCurrentIndex(tab.objective_box.findData(objective))
    assert tab.x0_field.submit(x0)
    for method in ("gd", "adam"):
        tab.method_box.setCurrentIndex(tab.method_box.findData(method))
        tab.set_frame(0)
        tab.set_frame(tab.params().steps)
        qtbot.wait(1)
        assert not tab.grab().isNull()
        x, _ = tab.trail_item.getData()
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
    view = other.curve_plot.getPlotItem().getViewBox().viewRange()
    expected = fresh.curve_plot.getPlotItem().getViewBox().viewRange()
    np.testing.assert_allclose(view, expected)
    assert view[0][0] < -3 < view[0][1]
    # the axes show that range too (they follow the view through its signals)
    plot = other.curve_plot.getPlotItem()
    np.testing.assert_allclose(plot.getAxis("bottom").range, view[0])
    np.testing.assert_allclose(plot.getAxis("left").range, view[1])
