"""Descent lesson lock names and the code export (issue 13): the script recomputes the run."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from visualizer.app import create_window
from visualizer.compute import METHODS
from visualizer.lesson_io import read_lesson
from visualizer.lesson_lock import LessonLock
from visualizer.tabs.descent.model import PRESETS, DescentModel
from visualizer.tabs.descent.tab import DescentTab

LESSONS = sorted(Path(__file__).resolve().parents[1].glob("resources/lessons/*.json"))
DESCENT_LESSONS = [p for p in LESSONS if read_lesson(p).current_tab == "descent"]


def run_script(source: str, tmp_path: Path) -> dict:
    script = tmp_path / "descent_run.py"
    script.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "visualizer" not in source.split('"""', 2)[2]  # no import of this app
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_same_run(result: dict, model: DescentModel) -> None:
    traj = model.trajectory
    shown = traj.x[: traj.last_valid + 1].tolist()
    assert len(result["x"]) == len(shown)
    for got, want in zip(result["x"], shown, strict=True):
        assert got == pytest.approx(want, abs=1e-9, rel=1e-9)


def test_every_shipped_descent_lesson_is_recomputed_by_its_script(tmp_path):
    assert len(DESCENT_LESSONS) >= 4
    for path in DESCENT_LESSONS:
        model = DescentModel()
        model.restore_state(read_lesson(path).tabs["descent"])
        assert_same_run(run_script(model.python_code(), tmp_path), model)


@pytest.mark.parametrize("preset", ["local minimum: momentum", "lr too large"])
def test_preset_scripts(tmp_path, preset):
    model = DescentModel()
    model.load_preset(preset)
    assert_same_run(run_script(model.python_code(), tmp_path), model)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("objective", ["gelu", "gelu_exact", "double_well"])
def test_every_method_and_curve(tmp_path, method, objective):
    model = DescentModel()
    model.update(objective=objective, method=method, lr=0.3, x0=1.2, steps=12, beta=0.8)
    assert_same_run(run_script(model.python_code(), tmp_path), model)
    compile(model.torch_code(), "descent_torch.py", "exec")
    torch_source = model.torch_code()
    assert "import torch" in torch_source and "backward()" in torch_source
    if method != "momentum":
        assert "torch.optim." in torch_source


def test_a_diverging_run_stops_where_the_tab_stops(tmp_path):
    model = DescentModel()
    model.update(objective="square", method="gd", lr=1e10, x0=1.0, steps=40)
    assert model.trajectory.diverged_at is not None
    result = run_script(model.python_code(), tmp_path)
    assert all(math.isfinite(v) for v in result["x"])
    assert_same_run(result, model)


def test_the_window_writes_the_code(qtbot, tmp_path):
    window = create_window(initial_tab="descent")
    qtbot.addWidget(window)
    window.tab("descent").load_preset("1b")
    path = tmp_path / "run.py"
    window.export_current("code", path)
    result = run_script(path.read_text(encoding="utf-8"), tmp_path)
    assert_same_run(result, window.tab("descent").model)


# ----- lesson lock ----------------------------------------------------------------------------
def test_lockable_controls_are_named_and_stable(qtbot):
    tab = DescentTab()
    qtbot.addWidget(tab)
    controls = tab.lockable_controls()
    assert {"preset", "method", "lr", "beta", "x0", "steps", "table", "worked_steps"} <= set(
        controls
    )
    assert controls["lr"] is tab.settings_panel.lr_field
    assert controls["table"] is tab.iterates and controls["worked_steps"] is tab.worked
    assert len({id(w) for w in controls.values()}) == len(controls)


def test_a_locked_lesson_hides_and_disables_and_the_compact_bar_follows(qtbot):
    window = create_window(initial_tab="descent")
    qtbot.addWidget(window)
    window.show()
    tab = window.tab("descent")
    lock = LessonLock(hide={"descent": ("table", "worked_steps")}, disable={"descent": ("lr",)})
    window.set_lock(lock)
    assert tab.iterates.isHidden() and tab.worked.isHidden()
    assert not tab.settings_panel.lr_field.isEnabled()
    assert not tab.compact.lr_field.isEnabled()
    tab.load_preset("1c momentum")  # a new run does not enable a locked control again
    assert not tab.settings_panel.lr_field.isEnabled()
    # round trip through a lesson
    lesson = window.lesson("locked")
    window.unlock()
    assert not tab.iterates.isHidden() and tab.settings_panel.lr_field.isEnabled()
    assert tab.compact.lr_field.isEnabled()
    window.apply_lesson(lesson)
    assert tab.iterates.isHidden() and not tab.compact.lr_field.isEnabled()


# ----- surfaces and races ---------------------------------------------------------------------
SURFACE_PRESETS = [name for name, p in PRESETS.items() if p.settings.on_surface]


@pytest.mark.parametrize("preset", SURFACE_PRESETS)
def test_surface_scripts_give_pairs(tmp_path, preset):
    model = DescentModel()
    model.load_preset(preset)
    result = run_script(model.python_code(), tmp_path)
    traj = model.trajectory
    shown = traj.x[: traj.last_valid + 1]
    assert len(result["x"]) == len(shown)
    for got, want in zip(result["x"], shown, strict=True):
        assert got == pytest.approx(list(want), abs=1e-9, rel=1e-9)
    compile(model.torch_code(), "surface_torch.py", "exec")


@pytest.mark.parametrize("objective", ["gelu_sum", "quadratic"])
@pytest.mark.parametrize("method", ["momentum", "adam", "adagrad", "nesterov"])
def test_surface_scripts_every_method(tmp_path, objective, method):
    model = DescentModel()
    model.set_objective(objective)
    model.update(method=method, lr=0.2, steps=15, beta=0.7, kappa=5.0, angle=-0.3)
    result = run_script(model.python_code(), tmp_path)
    np.testing.assert_allclose(result["x"], model.trajectory.x, rtol=1e-9, atol=1e-9)


def test_race_csv_holds_every_runner(tmp_path):
    model = DescentModel()
    model.load_preset("rosenbrock race")
    rows = model.table_csv().strip().splitlines()
    header = rows[0].split(",")
    assert header[0] == "t" and len(header) == 1 + 3 * 5
    assert len(rows) == 1 + 501
    cells = rows[200].split(",")
    for k, (_racer, traj) in enumerate(model.runners()):
        assert float(cells[1 + 3 * k]) == traj.x[199, 0]
        assert float(cells[2 + 3 * k]) == traj.x[199, 1]
        assert float(cells[3 + 3 * k]) == traj.fx[199]
