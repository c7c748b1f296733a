"""The Convolution tab's code export and lockable controls.

Every shipped conv lesson and every preset: the exported numpy script runs in a subprocess
and the JSON on its last line equals the grids the tab shows (1e-9). The PyTorch script is
only compiled (torch is not installed here).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from visualizer.app import create_window
from visualizer.lesson_io import read_lesson
from visualizer.lesson_lock import LessonLock
from visualizer.resources_path import resource_path
from visualizer.tabs.conv.model import PRESETS, ConvModel

CONV_LESSONS = ["exercise-4.json", "exercise-4b.json", "exercise-4c.json", "exercise-4d.json"]


def run_script(source: str, tmp_path) -> dict:
    path = tmp_path / "conv.py"
    path.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    assert "visualizer" not in source.split('"""', 2)[2]  # no import of this app
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_same(shown: np.ndarray | None, exported) -> None:
    if shown is None:
        assert exported is None
        return
    np.testing.assert_allclose(np.asarray(exported, float), shown, rtol=0, atol=1e-9)


def model_for(state: dict) -> ConvModel:
    model = ConvModel(picture_loader=lambda _path: np.zeros((8, 8)))
    model.restore_state(state)
    return model


@pytest.mark.parametrize("name", CONV_LESSONS)
def test_numpy_code_of_every_shipped_lesson_gives_the_grids_shown(name, tmp_path):
    lesson = read_lesson(resource_path("lessons", name))
    model = model_for(lesson.tabs["conv"])
    result = run_script(model.python_code(), tmp_path)
    assert set(result) == {"output", "pooled"}
    assert_same(model.result.output, result["output"])
    assert_same(model.result.pooled, result["pooled"])


@pytest.mark.parametrize("preset", PRESETS)
def test_numpy_code_of_every_preset_gives_the_grids_shown(preset, tmp_path):
    model = ConvModel(picture_loader=lambda _path: np.zeros((8, 8)))
    model.load_preset(preset)
    result = run_script(model.python_code(), tmp_path)
    assert_same(model.result.output, result["output"])
    assert_same(model.result.pooled, result["pooled"])


def test_numpy_code_of_odd_settings(tmp_path):
    model = ConvModel()
    # max pooling of the input, a kernel larger than the input (no output), stride 2
    model.change(
        input=[[1, -2, 3], [4, 5, -6], [7, 8, 9.5]], kernel=np.ones((5, 5)), padding=0,
        stride=2, pool_mode="max", pool_source="input",
    )  # fmt: skip
    assert model.result.output is None
    result = run_script(model.python_code(), tmp_path)
    assert result["output"] is None
    assert result["pooled"] == [[5.0]]  # max(1, -2, 4, 5), by hand


@pytest.mark.parametrize("preset", [PRESETS[0], PRESETS[1], PRESETS[3]])
def test_torch_code_compiles_and_uses_conv2d(preset):
    model = ConvModel()
    model.load_preset(preset)
    source = model.torch_code()
    compile(source, "conv_torch.py", "exec")
    assert "F.conv2d(" in source and "torch.flip" in source
    assert "avg_pool2d" in source


def test_lockable_controls_hide_and_disable_and_unlock(qtbot, tmp_path):
    window = create_window(initial_tab="conv")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    tab = window.current_tab()
    controls = tab.lockable_controls()
    assert set(controls) == {
        "preset", "view", "mode", "padding", "stride", "dilation", "input", "kernel", "pooling",
        "solver", "backward", "transposed", "channels",
        "play",
    }  # fmt: skip
    lock = LessonLock(hide={"conv": ("solver", "play")}, disable={"conv": ("padding", "mode")})
    path = tmp_path / "locked.json"
    window.save_lesson(path, lock=lock)
    window.open_lesson(path)
    assert controls["solver"].isHidden() and controls["play"].isHidden()
    assert not controls["padding"].isEnabled() and not controls["mode"].isEnabled()
    tab.model.change(stride=2)  # redrawing the tab keeps what the lock hid hidden
    assert controls["play"].isHidden()
    window.unlock_action.trigger()
    assert not controls["solver"].isHidden() and not controls["play"].isHidden()
    assert controls["padding"].isEnabled() and controls["mode"].isEnabled()
