"""Gates lesson lock names and the code export (issue 13): the script recomputes the table."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from visualizer.app import create_window
from visualizer.compute import feature_transform, predict
from visualizer.lesson_io import read_lesson
from visualizer.lesson_lock import LessonLock
from visualizer.tabs.gates.model import PRESETS, GatesModel
from visualizer.tabs.gates.tab import GatesTab

LESSONS = sorted(Path(__file__).resolve().parents[1].glob("resources/lessons/*.json"))
GATES_LESSONS = [p for p in LESSONS if read_lesson(p).current_tab == "gates"]
ROWS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def run_script(source: str, tmp_path: Path) -> dict:
    script = tmp_path / "gates_table.py"
    script.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "visualizer" not in source.split('"""', 2)[2]  # no import of this app
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_same_table(result: dict, model: GatesModel) -> None:
    outputs = model.evaluation().outputs[-1][:, 0]
    table = result["truth_table"]
    assert [row[:2] for row in table] == [list(r) for r in ROWS]
    for row, want in zip(table, outputs, strict=True):
        assert row[2] == pytest.approx(float(want), abs=1e-9, rel=1e-9)


def test_every_shipped_gates_lesson_is_recomputed_by_its_script(tmp_path):
    assert len(GATES_LESSONS) >= 4
    for path in GATES_LESSONS:
        model = GatesModel()
        model.restore_state(read_lesson(path).tabs["gates"])
        source = model.python_code()
        assert_same_table(run_script(source, tmp_path), model)
        assert model.torch_code() == ""


@pytest.mark.parametrize("preset", [p for p in PRESETS if not p.startswith("Playground")])
def test_every_preset_script(tmp_path, preset):
    model = GatesModel()
    model.load_preset(preset)
    assert_same_table(run_script(model.python_code(), tmp_path), model)


@pytest.mark.parametrize("activation", ["step", "step_strict", "sigmoid"])
def test_conventions_decide_the_fragile_rows_as_the_tab_does(tmp_path, activation):
    # The sheet's XNOR: D's sum is exactly 0 on rows 01 and 10, so the convention decides.
    model = GatesModel()
    model.load_preset("Sheet 2d: XNOR")
    model.set_activation(activation)
    result = run_script(model.python_code(), tmp_path)
    assert_same_table(result, model)
    if activation == "step":  # by hand: D = step(0) = 1 there, and Out misses XNOR
        assert [row[2] for row in result["truth_table"]] == [1, 1, 1, 1]
    if activation == "step_strict":
        assert [row[2] for row in result["truth_table"]] == [1, 0, 0, 1]
    if activation == "sigmoid":
        assert all(0 < row[2] < 1 for row in result["truth_table"])


def test_a_trained_frame_and_a_wide_hand_net(tmp_path):
    model = GatesModel()
    model.train()
    model.set_frame(model.frame_count() // 2)
    assert_same_table(run_script(model.python_code(), tmp_path), model)
    state = model.state()
    state["run"] = None
    state["layers"] = [
        [[[1.5, -1.0, 0.25], [-1.0, 1.0, 0.75]], [-0.5, -0.5, 0.0]],
        [[[1.0], [1.0], [-2.0]], [-0.5]],
    ]
    state["selected_param"], state["selected_node"] = ["b", 1, 0], [1, 0]
    model.restore_state(state)
    result = run_script(model.python_code(), tmp_path)
    # By hand, row 11: C = σ(1.5 - 1 - 0.5) = σ(0) = 0.5, D = σ(-1 + 1 - 0.5) = σ(-0.5),
    # E = σ(0.25 + 0.75) = σ(1), Out = σ(C + D - 2E - 0.5).
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    want = sig(0.5 + sig(-0.5) - 2 * sig(1.0) - 0.5)
    assert result["truth_table"][3][2] == pytest.approx(want, abs=1e-12)


def test_the_window_writes_the_code(qtbot, tmp_path):
    window = create_window(initial_tab="gates")
    qtbot.addWidget(window)
    window.tab("gates").load_preset("Sheet 2b: “OR”")
    path = tmp_path / "table.py"
    window.export_current("code", path)
    result = run_script(path.read_text(encoding="utf-8"), tmp_path)
    # The sheet's "OR" makes AND: 0, 0, 0, 1.
    assert [row[2] for row in result["truth_table"]] == [0, 0, 0, 1]


# ----- the playground's script trains the network --------------------------------------------
def assert_same_run(result: dict, model: GatesModel) -> None:
    _epochs, train, test = model.play.losses(model.frame)
    assert result["train_loss"] == pytest.approx(train.tolist(), rel=1e-9, abs=1e-12)
    if len(model.play.split.y_test):
        assert result["test_loss"] == pytest.approx(test.tolist(), rel=1e-9, abs=1e-12)
    points = np.array([p[:2] for p in model.play_points()])
    s = model.playground
    p = predict(model.play_layers(), feature_transform(points, s.features), s.activation)
    assert result["p"] == pytest.approx(p.tolist(), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("preset", "changes"),
    [
        ("Playground: XOR cloud", {}),
        ("Playground: circle", {"batch_size": 16, "l2": 0.01, "activation": "relu"}),
        ("Playground: two Gaussians", {"activation": "sigmoid", "hidden": (3,)}),
        ("Playground: spiral", {"features": ("x", "y", "x_sq", "y_sq", "x_times_y")}),
    ],
)
def test_playground_scripts_train_the_same_network(tmp_path, preset, changes):
    model = GatesModel()
    model.load_preset(preset)
    if changes:
        model.update_playground(**changes)
    model.set_frame(12)
    source = model.python_code()
    assert "POINTS = np.array([" in source and "def step(" in source
    assert_same_run(run_script(source, tmp_path), model)


def test_playground_script_on_own_points(tmp_path):
    model = GatesModel()
    model.load_preset("Playground: XOR cloud")
    model.set_points([(1.0, 1.0, 0), (-1.0, 1.0, 1), (1.0, -1.0, 1), (-1.0, -1.0, 0), (2, 2, 0)])
    model.set_frame(5)
    result = run_script(model.python_code(), tmp_path)
    assert_same_run(result, model)
    assert len(result["p"]) == 5


# ----- lesson lock ----------------------------------------------------------------------------
def test_lockable_controls_are_named_and_stable(qtbot):
    tab = GatesTab()
    qtbot.addWidget(tab)
    controls = tab.lockable_controls()
    assert {
        "preset", "activation", "target", "convention", "truth_table", "verdict",
        "worked_line", "weights", "train", "side_pages", "transport",
    } <= set(controls)  # fmt: skip
    assert controls["truth_table"] is tab.truth_table
    assert controls["preset"].isAncestorOf(tab.bar.preset_box)
    assert controls["weights"].isAncestorOf(tab.edit_page.weights_table)
    assert controls["train"].isAncestorOf(tab.train_page.train_button)
    assert len({id(w) for w in controls.values()}) == len(controls)
    assert all(tab.isAncestorOf(w) for w in controls.values())
    assert {"hidden_activation", "lr", "data", "network", "training", "loss_curves"} <= set(
        controls
    )
    assert controls["lr"].isAncestorOf(tab.bar.lr_field)
    assert controls["training"].isAncestorOf(tab.playground_page.lr_field)


def test_a_locked_playground_keeps_its_locked_controls_through_mode_changes(qtbot):
    window = create_window(initial_tab="gates")
    qtbot.addWidget(window)
    window.show()
    tab = window.tab("gates")
    window.set_lock(LessonLock(hide={"gates": ("lr", "data")}, disable={"gates": ("network",)}))
    tab.load_preset("Playground: circle")  # the bar shows its playground controls...
    assert tab.bar.lr_control.isHidden()  # ...but not the one the lesson hides
    assert tab.bar.play_activation_control.isVisible()
    assert tab.playground_page.data_box.isHidden()
    assert not tab.playground_page.layers_box.isEnabled()
    tab.load_preset("XOR")
    window.unlock()  # unlocking shows what the lock hid, but the bar keeps to its mode
    qtbot.wait(10)
    assert tab.bar.lr_control.isHidden() and tab.bar.target_control.isVisible()
    assert tab.playground_page.layers_box.isEnabled()
    tab.load_preset("Playground: circle")
    assert tab.bar.lr_control.isVisible()


def test_a_locked_lesson_hides_and_disables_and_unlock_lifts_it(qtbot):
    window = create_window(initial_tab="gates")
    qtbot.addWidget(window)
    window.show()
    tab = window.tab("gates")
    lock = LessonLock(
        hide={"gates": ("truth_table", "train", "transport")},
        disable={"gates": ("preset", "weights")},
    )
    window.set_lock(lock)
    assert tab.truth_table.isHidden() and tab.train_page.train_controls.isHidden()
    assert not tab.bar.preset_box.isEnabled()
    assert not tab.edit_page.param_field.isEnabled()
    tab.model.train()  # a run does not bring the locked transport back
    assert tab.train_page.play_controls.isHidden()
    lesson = window.lesson("locked")
    window.unlock()
    assert not tab.truth_table.isHidden() and tab.bar.preset_box.isEnabled()
    assert not tab.train_page.play_controls.isHidden()  # the run has frames
    window.apply_lesson(lesson)
    assert tab.truth_table.isHidden() and not tab.bar.preset_box.isEnabled()
