"""The classification playground of the Logic gates tab (issue 17): model, views, lessons.

Expected numbers come from this file's own gradient-descent loop, from the compute API called
directly (``train_mlp`` in one call, ``evaluate_grid``), or from hand-picked points; never
from the tab's own drawing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from visualizer.compute import (
    evaluate_grid,
    feature_transform,
    init_layers,
    make_dataset,
    predict,
    split_dataset,
    train_mlp,
)
from visualizer.lesson import lesson_from_text, lesson_to_text
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.playground_settings import (
    EPOCHS_PER_FRAME,
    MAX_POINTS,
    PLAYGROUND_PRESETS,
    PlaygroundSettings,
)

SMALL = PlaygroundSettings(dataset="xor", n=40, hidden=(3,), lr=0.5, epochs=60, test_ratio=0.25)


@pytest.fixture
def model():
    m = GatesModel()
    m.load_preset("Playground: XOR cloud")
    m.set_playground(SMALL)
    return m


def own_training(X, y, layers, epochs, lr):
    """Full-batch gradient descent on mean binary cross-entropy, tanh hidden layer, by hand."""
    (W1, b1), (W2, b2) = [(W.copy(), b.copy()) for W, b in layers]
    for _ in range(epochs):
        h = np.tanh(X @ W1 + b1)
        p = 1 / (1 + np.exp(-(h @ W2 + b2)))
        d2 = (p - y[:, None]) / len(y)  # dJ/dz of the output, for the mean
        gW2, gb2 = h.T @ d2, d2.sum(0)
        d1 = (d2 @ W2.T) * (1 - h**2)
        gW1, gb1 = X.T @ d1, d1.sum(0)
        W1, b1, W2, b2 = W1 - lr * gW1, b1 - lr * gb1, W2 - lr * gW2, b2 - lr * gb2
    return [(W1, b1), (W2, b2)]


# ----- the model (no Qt) ------------------------------------------------------------------------
def test_frames_are_the_network_after_ten_epochs_each(model):
    X, y = make_dataset("xor", 40, 0.0, 0)
    split = split_dataset(X, y, 0.25, seed=0)
    start = init_layers((2, 3, 1), 0)
    for frame in (0, 1, 3):
        model.set_frame(frame)
        want = own_training(split.X_train, split.y_train.astype(float), start,
                            frame * EPOCHS_PER_FRAME, 0.5)  # fmt: skip
        for (W, b), (W0, b0) in zip(model.play_layers(), want, strict=True):
            np.testing.assert_allclose(W, W0, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(b, b0, rtol=1e-10, atol=1e-12)


def test_lazy_frames_equal_one_long_run_and_reset_replays(model):
    model.set_frame(6)
    seen = [(W.copy(), b.copy()) for W, b in model.play_layers()]
    split = model.play.split
    one = train_mlp(split.X_train, split.y_train, init_layers((2, 3, 1), 0), "tanh",
                    lr=0.5, epochs=60)  # fmt: skip
    for (W, b), (W0, b0) in zip(seen, one.layers_at(60), strict=True):
        np.testing.assert_allclose(W, W0, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b, b0, rtol=1e-12, atol=1e-14)
    model.reset()
    assert model.frame == 0
    for _ in range(6):
        model.advance()
    for (W, b), (W0, b0) in zip(model.play_layers(), seen, strict=True):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    fresh = GatesModel()
    fresh.restore_state(model.state())
    np.testing.assert_array_equal(fresh.play_grid().output, model.play_grid().output)


def test_a_blowing_up_learning_rate_stops_with_diverged_at_epoch(model):
    messages = []
    model.subscribe(lambda what: what == "message" and messages.append(model.message))
    model.update_playground(activation="relu", lr=200.0, hidden=(8,))
    assert model.frame_count() == SMALL.epochs // EPOCHS_PER_FRAME + 1
    for _ in range(6):
        model.advance()
    t = model.play.diverged_at
    assert t is not None and 1 <= t <= 60
    assert f"diverged at epoch {t}" in messages[-1]
    assert model.frame_count() == (t - 1) // EPOCHS_PER_FRAME + 1
    model.set_frame(1000)  # nothing beyond the last good frame
    assert model.frame == model.frame_count() - 1
    assert all(np.isfinite(W).all() for W, _ in model.play_layers())


@pytest.mark.parametrize(
    "change",
    [
        {"hidden": (9,)}, {"hidden": (2, 2, 2)}, {"features": ()}, {"features": ("x", "x")},
        {"n": 3}, {"noise": float("nan")}, {"lr": 0.0}, {"lr": float("inf")}, {"l2": -1.0},
        {"dataset": "gates_xor", "n": 10}, {"points": ((0.0, 0.0, 2),)},
        {"points": ((0.0, 0.0, 1), (1e9, 0.0, 0))}, {"epochs": 5}, {"batch_size": -1},
    ],
)  # fmt: skip
def test_bad_playground_settings_are_refused_and_nothing_changes(model, change):
    before = model.state()
    with pytest.raises(ValueError):
        model.set_playground(replace(model.playground, **change))
    assert model.state() == before


def test_points_by_hand_add_move_delete_and_are_capped(model):
    n = len(model.play_points())
    assert model.add_point(1.5, -2.0, 1)
    assert model.play_points()[-1] == (1.5, -2.0, 1)
    assert model.add_point(-3.0, 0.25, 0)
    model.move_point(n, 4.0, 4.5)
    assert model.play_points()[n] == (4.0, 4.5, 1)
    assert model.delete_point(0)
    assert len(model.play_points()) == n + 1
    assert model.frame == 0 and model.settings.edited
    # 10,000 pasted points: the first ones up to the cap, the rest left out with a message.
    text = "\n".join(f"{k % 7 - 3}, {k % 5 - 2}, {k % 2}" for k in range(10_000))
    added = model.paste_points(text)
    assert len(model.play_points()) == MAX_POINTS
    assert added == MAX_POINTS - (n + 1)
    assert "at most 500 points" in model.message
    assert not model.add_point(0.0, 0.0, 1)
    assert "At most 500 points" in model.message
    model.set_points([(0.0, 0.0, 0), (1.0, 1.0, 1)])
    assert not model.delete_point(0)
    assert "at least two points" in model.message


def test_pasted_text_that_is_not_points_is_skipped(model):
    n = len(model.play_points())
    assert model.paste_points("x,y,class\n1, 2, 1\nnan, 1, 0\n3; 4; 0\n1, 2, 5\n\n") == 2
    assert model.play_points()[-2:] == [(1.0, 2.0, 1), (3.0, 4.0, 0)]
    assert len(model.play_points()) == n + 2
    assert "3 line(s) were not x, y, class" in model.message


def test_lesson_keys_only_grow_and_custom_points_round_trip(model):
    sheet = GatesModel()
    sheet.load_preset("Sheet 2c: XOR")
    assert "playground" not in sheet.state() and "shown_map" not in sheet.state()
    model.set_points([(0.5, 0.5, 1), (-1.0, 2.0, 0), (3.0, -1.0, 1), (-2.0, -2.0, 0)])
    model.show_map((0, 2))
    model.set_frame(4)
    state = json.loads(json.dumps(model.state()))
    assert state["playground"]["points"][0] == [0.5, 0.5, 1]
    again = GatesModel()
    again.restore_state(state)
    assert again.state() == state
    assert again.play_points() == model.play_points()
    np.testing.assert_array_equal(again.big_map(), model.big_map())
    bad = {**state, "shown_map": [0, 7]}
    with pytest.raises(ValueError):
        again.restore_state(bad)
    assert again.state() == state


def test_a_playground_lesson_restores_in_a_fresh_process(model):
    # The model imports the playground's modules only when a playground is restored or
    # chosen: in a fresh process a playground lesson still round-trips, and a bad one is
    # refused with one sentence and changes nothing.
    model.show_map((0, 1))
    model.set_frame(2)
    state = json.loads(json.dumps(model.state()))
    bad = {**state, "playground": {**state["playground"], "hidden": [9]}}
    code = """
import json, sys
from visualizer.tabs.gates.model import GatesModel
state, bad = json.loads(sys.stdin.read())
model = GatesModel()
before = model.state()
assert "visualizer.tabs.gates.playground_settings" not in sys.modules
try:
    model.restore_state(bad)
except ValueError as exc:
    print(exc)
assert model.state() == before and not model.is_playground()
model.restore_state(state)
print(json.dumps(model.state()))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps([state, bad]),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    message, restored = result.stdout.strip().split("\n")
    assert "'hidden'" in message and message.count(". ") == 0 and message.endswith(".")
    assert json.loads(restored) == state


def test_gate_presets_leave_the_playground_and_keep_the_sheet(model):
    model.load_preset("Sheet 2b: “OR”")
    assert not model.is_playground() and model.frame_count() == 1
    assert model.evaluation().bits.tolist() == [0, 0, 0, 1]  # the sheet's "OR" makes AND


def test_every_playground_preset_learns_its_data():
    for name in PLAYGROUND_PRESETS:
        m = GatesModel()
        m.load_preset(name)
        m.set_frame(m.frame_count() - 1)
        assert m.play.accuracy(m.frame, train=True) >= 0.9, name


def test_practice_asks_nothing_in_the_playground(model):
    model.practice.set_on(True)
    assert model.practice_questions() == []
    assert model.current_question() is None


# ----- the tab ----------------------------------------------------------------------------------
@pytest.fixture
def tab(qtbot):
    from visualizer.tabs.gates.tab import GatesTab

    widget = GatesTab()
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.load_preset("Playground: XOR cloud")
    widget.model.set_playground(SMALL)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.play_controls.pause()


def click(qtbot, view, x, y, button=None, modifier=None):
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    point = view.mapFromScene(view.view_box.mapViewToScene(QPointF(x, y)))
    QTest.mouseClick(
        view.viewport(), button or Qt.MouseButton.LeftButton,
        modifier or Qt.KeyboardModifier.NoModifier, point,
    )  # fmt: skip


def test_clicking_the_map_adds_the_right_point(tab, qtbot):
    from PySide6.QtCore import Qt

    view = tab.play_map
    n = len(tab.model.play_points())
    click(qtbot, view, 2.0, -3.0)
    x, y, c = tab.model.play_points()[-1]
    assert c == 1 and abs(x - 2.0) < 0.1 and abs(y + 3.0) < 0.1
    click(qtbot, view, -4.0, 1.0, modifier=Qt.KeyboardModifier.ShiftModifier)
    x, y, c = tab.model.play_points()[-1]
    assert c == 0 and abs(x + 4.0) < 0.1 and abs(y - 1.0) < 0.1
    assert len(tab.model.play_points()) == n + 2
    # The new point is drawn (train or test, as the split puts it).
    drawn = np.vstack([view.shown_points("train"), view.shown_points("test")])
    assert np.min(np.hypot(drawn[:, 0] + 4.0, drawn[:, 1] - 1.0)) < 0.1
    click(qtbot, view, x, y, button=Qt.MouseButton.RightButton)
    assert len(tab.model.play_points()) == n + 1
    assert tab.model.play_points()[-1][2] == 1


def test_dragging_moves_a_point(tab):
    view = tab.play_map
    x0, y0, c0 = tab.model.play_points()[3]
    view.drag_start(x0, y0)
    view.drag_move(1.0, 1.0)
    view.drag_finish(1.25, -0.5)
    assert tab.model.play_points()[3] == (1.25, -0.5, c0)


def test_training_changes_the_heat_map_to_what_train_mlp_predicts(tab):
    before = tab.play_map.image().copy()
    for _ in range(4):
        tab.step_forward()
    assert tab.model.frame == 4
    split = tab.model.play.split
    run = train_mlp(split.X_train, split.y_train, init_layers((2, 3, 1), 0), "tanh",
                    lr=0.5, epochs=40)  # fmt: skip
    extent = tab.model.play.extent
    want = evaluate_grid(run.layers_at(40), extent, 100, "tanh")
    np.testing.assert_allclose(tab.play_map.image(), want.output, rtol=1e-9, atol=1e-12)
    assert not np.allclose(before, want.output)
    # The network's small maps are the same network on a 40 x 40 grid.
    small = evaluate_grid(run.layers_at(40), extent, 40, "tanh")
    view = tab.network_view
    for j in range(3):
        np.testing.assert_allclose(view.map_image(2 + j), small.hidden[0][j], rtol=1e-9)
    np.testing.assert_allclose(view.map_image(5), small.output, rtol=1e-9)
    # A neuron clicked in the network shows large.
    view.click_node(3)  # hidden neuron 2
    assert tab.model.shown_map == (0, 1)
    np.testing.assert_allclose(tab.play_map.image(), want.hidden[0][1], rtol=1e-9)
    assert "H1.2" in tab.play_map.title()
    view.click_node(5)
    assert tab.model.shown_map is None
    # The status line and the loss curves follow.
    assert tab.worked_label.text().startswith("Epoch 40 of 60")
    epochs, losses = tab.playground_page.loss_points("train")
    assert epochs.tolist() == [0, 10, 20, 30, 40]
    assert losses[-1] < losses[0]


def test_the_heat_map_fills_the_view_whatever_its_shape(tab, qtbot):
    from PySide6.QtWidgets import QApplication

    lo, hi = tab.model.play.extent
    shapes = []
    for size in ((1280, 760), (1100, 700), (760, 980)):
        tab.resize(*size)
        QApplication.processEvents()
        tab.step_forward()
        x0, x1, y0, y1 = tab.play_map.shown_window()
        left, right, bottom, top = tab.play_map.image_rect()
        assert left <= x0 and right >= x1 and bottom <= y0 and top >= y1
        step = (hi - lo) / 99
        assert max(x0 - left, right - x1, y0 - bottom, top - y1) <= step  # not much more
        grid, xs, ys = tab.play_map.full_image()
        shapes.append(grid.shape)
        # The same spacing as the data square's samples, which keep their places.
        np.testing.assert_allclose(np.diff(xs), step, rtol=1e-9)
        np.testing.assert_allclose(np.diff(ys), step, rtol=1e-9)
        assert np.isin(np.linspace(lo, hi, 100), xs).all()
        # Beyond the square too, each value is the network's p at that point.
        gx, gy = np.meshgrid(xs, ys)
        points = np.column_stack([gx.ravel(), gy.ravel()])
        want = predict(tab.model.play_layers(), feature_transform(points), "tanh")
        np.testing.assert_allclose(grid, want.reshape(gx.shape), rtol=1e-9, atol=1e-12)
    assert max(max(shape) for shape in shapes) > 100  # beyond the square somewhere


def test_reset_replays_exactly(tab):
    for _ in range(3):
        tab.step_forward()
    image = tab.play_map.image().copy()
    tab.rewind()
    assert tab.model.frame == 0
    for _ in range(3):
        tab.step_forward()
    np.testing.assert_array_equal(tab.play_map.image(), image)


def test_network_shows_inputs_neurons_and_output_as_maps(tab):
    view = tab.network_view
    assert len(view.map_nodes) == 2 + 3 + 1
    assert [view.node_text(k) for k in (0, 1)] == ["x", "y"]
    tip = view.node_tooltip(2)
    assert tip.startswith("H1.1 = tanh(") and "·x" in tip and "·y" in tip
    tab.model.update_playground(features=("x", "y", "x_sq", "sin_y"), hidden=(8, 8))
    assert len(view.map_nodes) == 4 + 16 + 1
    assert len(view.edge_texts) == 0  # 4*8 + 64 + 8 edges: weights by width and colour only


def test_bar_and_side_page_bind_both_ways_and_refuse_bad_numbers(tab):
    bar, page = tab.bar, tab.playground_page
    assert bar.lr_control.isVisibleTo(tab) and not bar.target_control.isVisibleTo(tab)
    assert not bar.convention_label.isVisibleTo(tab)
    assert bar.lr_field.submit("0.05")
    assert tab.model.playground.lr == 0.05 and page.lr_field.value() == 0.05
    for text in ("abc", "nan", "-1", "1e9"):
        assert not page.lr_field.submit(text)
        assert tab.model.playground.lr == 0.05
    assert not page.n_field.submit("3")
    assert not page.n_field.submit("10000")
    assert page.n_field.submit("60")
    assert len(tab.model.play_points()) == 60
    page.layers_box.setValue(2)
    assert tab.model.playground.hidden == (3, 4)
    page.feature_checks["x_times_y"].setChecked(True)
    assert tab.model.playground.features == ("x", "y", "x_times_y")
    box = bar.play_activation_box
    box.setCurrentIndex(box.findData("relu"))
    assert tab.model.playground.activation == "relu"
    assert page.activation_box.currentData() == "relu"
    tab.load_preset("XOR")
    assert bar.target_control.isVisibleTo(tab) and not bar.lr_control.isVisibleTo(tab)
    assert tab.truth_table.column("Out") == ["0", "1", "1", "0"]


@pytest.mark.parametrize("scale", [0.0, -0.5, float("nan"), float("inf"), 1e9, "1"])
def test_an_initial_weight_scale_that_is_not_finite_and_positive_is_refused(model, scale):
    before = model.state()
    with pytest.raises(ValueError, match="init_scale"):
        model.update_playground(init_scale=scale)
    assert model.state() == before


def test_initial_weight_scale_control_refuses_bad_numbers_in_place(tab):
    page = tab.playground_page
    field, glorot = page.init_scale_field, page.glorot_check
    assert glorot.isChecked() and not field.isEnabled()
    assert tab.model.playground.init_scale is None
    glorot.setChecked(False)  # one σ for every layer, the field's value (1)
    assert field.isEnabled() and tab.model.playground.init_scale == 1.0
    assert field.submit("0.25")
    assert tab.model.playground.init_scale == 0.25
    tab.step_forward()
    want = init_layers((2, 3, 1), 0, scale=0.25)  # the compute API, called directly

    def start() -> list:
        return tab.model.play.layers_at(0)

    for (W, b), (W0, b0) in zip(start(), want, strict=True):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    frame = tab.model.frame
    for text in ("abc", "nan", "inf", "0", "-0.5", "1e9", ""):
        assert not field.submit(text)
        assert field.error()  # the reason is shown beside the field
        assert tab.model.playground.init_scale == 0.25  # the last valid state is kept
        assert tab.model.frame == frame  # and the run was not restarted
    assert field.value() == 0.25
    state = tab.model.state()
    assert state["playground"]["init_scale"] == 0.25
    again = GatesModel()
    again.restore_state(json.loads(json.dumps(state)))
    assert again.playground.init_scale == 0.25
    glorot.setChecked(True)  # back to Glorot's σ per layer
    assert tab.model.playground.init_scale is None and not field.isEnabled()
    for (W, _b), (W0, _b0) in zip(start(), init_layers((2, 3, 1), 0), strict=True):
        np.testing.assert_array_equal(W, W0)


def test_exports_csv_markdown_and_pictures(tab, tmp_path, qtbot):
    from visualizer.app import create_window

    tab.step_forward()
    lines = tab.table_csv().strip().split("\n")
    assert lines[0] == "x,y,class,set,p(class 1)"
    points = tab.model.play_points()
    assert len(lines) == len(points) + 1
    p = predict(tab.model.play_layers(), feature_transform(np.array([q[:2] for q in points])),
                "tanh")  # fmt: skip
    for line, point, want in zip(lines[1:], points, p, strict=True):
        x, y, c, part, prob = line.split(",")
        assert (float(x), float(y), int(c)) == point
        assert part in ("train", "test") and float(prob) == pytest.approx(want, rel=1e-12)
    md = tab.worked_solution_markdown()
    assert "2-3-1 network, tanh" in md and "| 10 |" in md and "H1.1 = tanh(" in md
    window = create_window(initial_tab="gates")
    qtbot.addWidget(window)
    window.models["gates"].restore_state(tab.model.state())
    for kind in ("png", "svg", "csv", "md"):
        path = tmp_path / f"play.{kind}"
        window.export_current(kind, path)
        assert path.stat().st_size > 100
    assert "<svg" in (tmp_path / "play.svg").read_text(encoding="utf-8")


def test_lesson_round_trip_with_custom_points_through_the_window(qtbot):
    from visualizer.app import create_window

    window = create_window(initial_tab="gates")
    qtbot.addWidget(window)
    tab = window.tab("gates")
    tab.load_preset("Playground: circle")
    model = window.models["gates"]
    model.set_points([(0.0, 0.0, 0), (4.0, 0.0, 1), (0.0, -4.0, 1), (0.5, 0.5, 0)])
    model.set_frame(7)
    text = lesson_to_text(window.lesson("own points"))
    other = create_window(initial_tab="descent")
    qtbot.addWidget(other)
    other.apply_lesson(lesson_from_text(text))
    again = other.models["gates"]
    assert again.play_points() == model.play_points()
    assert again.frame == 7
    other.show_tab("gates")
    np.testing.assert_array_equal(other.tab("gates").play_map.image(), tab.play_map.image())
