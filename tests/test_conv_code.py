"""The Convolution tab's code export and lockable controls.

Every shipped conv lesson and every preset: the exported numpy script runs in a subprocess
and the JSON on its last line equals the grids the tab shows (1e-9), the backward pass's
gradients too when the backward view is on. With channels the gradients are checked against
finite differences of a brute-force forward pass written here. The PyTorch script is only
compiled (torch is not installed here).
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
from visualizer.tabs.conv.model import PRESET_CHANNELS, PRESETS, ConvModel

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


def shown(model: ConvModel) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The output and pooled grids the number grids show (image mode: its number grids)."""
    if model.settings.channels_used:
        grids = ConvModel()
        grids.restore_state({**model.state(), "view": "grids"})
        found = grids.channels
        return (None if found.stale else found.output), None
    return model.result.output, model.result.pooled


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
    output, pooled = shown(model)
    assert_same(output, result["output"])
    assert_same(pooled, result["pooled"])
    backward = model.backward
    if backward is not None:  # the backward preset: dL/dX and dL/dW as the tab shows them
        assert_same(backward.grad_input, result["grad_input"])
        assert_same(backward.grad_kernel, result["grad_weight"])
    else:
        assert "grad_input" not in result


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


BACKWARD_CASES = [
    {},
    {"mode": "convolution", "stride": 2},
    {"dilation": 2, "padding": 2, "upstream": [[1, -2], [3, 0.5]]},
    {"upstream_at": "pooled", "pool_mode": "max", "upstream": [[1, 2], [-1, 3]]},
    {"upstream_at": "pooled", "pool_mode": "avg", "mode": "convolution"},
    {"upstream": [[1.0]]},  # a typed gradient of another shape: all ones are used
    {"mode": "transposed"},  # no backward pass drawn: null gradients
    {"kernel": np.ones((7, 7)), "padding": 0},  # no window: null everything
]


@pytest.mark.parametrize("changes", BACKWARD_CASES)
def test_numpy_code_with_the_backward_view_gives_the_gradients_shown(changes, tmp_path):
    model = ConvModel()
    model.change(view="backward", **changes)
    result = run_script(model.python_code(), tmp_path)
    assert {"grad_input", "grad_weight"} <= set(result)
    back = model.backward
    assert_same(model.result.output, result["output"])
    assert_same(model.result.pooled, result["pooled"])
    assert_same(back.grad_input, result["grad_input"])
    assert_same(back.grad_kernel, result["grad_weight"])
    if back.grad_input is not None:
        assert back.grad_input.any()  # not a trivial comparison of zeros
    source = model.torch_code()
    compile(source, "conv_torch.py", "exec")
    assert "BACKWARD = True" in source and ".backward()" in source


def brute_sum_of_outputs(x, w, b, stride, padding, dilation, flip):
    """The sum of every conv2d output cell, by loops (the loss the exported backward uses)."""
    if flip:
        w = w[..., ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    rows = (xp.shape[1] - dilation * (kh - 1) - 1) // stride + 1
    cols = (xp.shape[2] - dilation * (kw - 1) - 1) // stride + 1
    total = 0.0
    for o in range(w.shape[0]):
        for i in range(rows):
            for j in range(cols):
                total += b[o]
                for c in range(x.shape[0]):
                    for u in range(kh):
                        for v in range(kw):
                            r, q = i * stride + u * dilation, j * stride + v * dilation
                            total += xp[c, r, q] * w[o, c, u, v]
    return total


def finite_difference(f, values, h=1e-3):
    grad = np.zeros(values.shape)
    for index in np.ndindex(*values.shape):
        up, down = values.copy(), values.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.mark.parametrize(
    "changes",
    [{}, {"mode": "convolution", "stride": 2, "padding": 1}, {"dilation": 2, "padding": 2}],
)
def test_numpy_code_with_channels_and_the_backward_pass(changes, tmp_path):
    model = ConvModel()
    model.load_preset(PRESET_CHANNELS)
    model.change(**changes)
    result = run_script(model.python_code(), tmp_path)
    assert set(result) == {"output", "pooled"} and result["pooled"] is None
    assert_same(model.channels.output, result["output"])
    model.change(view="backward")
    result = run_script(model.python_code(), tmp_path)
    assert_same(model.channels.output, result["output"])
    s = model.settings
    x, w, b = s.input_stack(), s.weight_stack(), s.bias_vector()
    args = (s.stride, s.padding, s.dilation, s.mode == "convolution")
    grad_x = finite_difference(lambda v: brute_sum_of_outputs(v, w, b, *args), x)
    grad_w = finite_difference(lambda v: brute_sum_of_outputs(x, v, b, *args), w)
    grad_b = finite_difference(lambda v: brute_sum_of_outputs(x, w, v, *args), b)
    np.testing.assert_allclose(result["grad_input"], grad_x, atol=1e-6)
    np.testing.assert_allclose(result["grad_weight"], grad_w, atol=1e-6)
    np.testing.assert_allclose(result["grad_bias"], grad_b, atol=1e-6)
    source = model.torch_code()
    compile(source, "conv_torch.py", "exec")
    assert "F.conv2d(x, w, bias" in source and "KERNELS = [" in source


def test_numpy_code_with_channels_that_do_not_fit_gives_no_output(tmp_path):
    model = ConvModel()
    model.load_preset(PRESET_CHANNELS)
    model.change(kernel_channels=2)
    assert model.channels.stale  # the tab keeps the last valid output and says why
    result = run_script(model.python_code(), tmp_path)
    assert result["output"] is None
