"""The backprop tab's code export and lockable controls (issue 13).

Every shipped backprop lesson and every preset: the exported numpy script runs in a
subprocess and the JSON on its last line equals what the tab shows (inputs, E and dE/dx, to
1e-9). The PyTorch script is only compiled (torch is not installed here).
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
from visualizer.tabs.backprop.model import PRESETS, BackpropModel

LESSONS = ["exercise-3.json", "exercise-3a.json", "exercise-3b.json"]


def run_script(source: str, tmp_path) -> tuple[dict, str]:
    path = tmp_path / "backprop.py"
    path.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-W", "error", str(path)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "visualizer" not in source.split('"""', 2)[2]  # no import of this app
    assert done.stderr == ""
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stdout


def assert_shows(model: BackpropModel, result: dict) -> None:
    """The script's JSON equals the tab's inputs, E and dE/dx (1e-9)."""
    net = model.export_network()
    inputs = result["inputs"]
    shown = {"x": net["x"], "y": net["y"]}
    if len(net["weights"]) == 2:
        assert set(inputs) == {"x", "y", "W1", "b1", "W2", "b2"}
        shown |= {"W1": net["weights"][0], "b1": net["biases"][0],
                  "W2": net["weights"][1], "b2": net["biases"][1]}  # fmt: skip
    else:
        assert set(inputs) == {"x", "y", "weights", "biases"}
        for exported, array in zip(inputs["weights"], net["weights"], strict=True):
            np.testing.assert_allclose(exported, array, rtol=0, atol=1e-9)
        for exported, array in zip(inputs["biases"], net["biases"], strict=True):
            np.testing.assert_allclose(exported, array, rtol=0, atol=1e-9)
    for name, array in shown.items():
        np.testing.assert_allclose(inputs[name], array, rtol=0, atol=1e-9)
    assert abs(result["E"] - model.result.tensors["E"][0, 0]) <= 1e-9
    np.testing.assert_allclose(result["dE_dx"], model.result.tensors["dE/dx"], rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", LESSONS)
def test_numpy_code_of_every_shipped_lesson_gives_what_the_tab_shows(name, tmp_path):
    lesson = read_lesson(resource_path("lessons", name))
    model = BackpropModel()
    model.restore_state(lesson.tabs["backprop"])
    result, printed = run_script(model.python_code(), tmp_path)
    assert_shows(model, result)
    assert "chain of Jacobians:" in printed and "equals dE_dx: True" in printed


@pytest.mark.parametrize("preset", list(PRESETS))
def test_numpy_code_of_every_preset_gives_what_the_tab_shows(preset, tmp_path):
    model = BackpropModel()
    model.load_preset(preset)
    result, _ = run_script(model.python_code(), tmp_path)
    assert_shows(model, result)


def test_numpy_code_of_typed_values(tmp_path):
    model = BackpropModel()
    model.set_sizes(2, 1, 3)
    model.set_true_class(2)
    model.select_cell("W1", 1, 0)
    model.type_value(-123.456)
    result, _ = run_script(model.python_code(), tmp_path)
    assert result["inputs"]["W1"][1][0] == -123.456
    assert result["inputs"]["y"] == [[0, 0, 1]]
    assert_shows(model, result)


def test_the_script_is_written_for_a_student():
    source = BackpropModel().python_code()
    top = source.index("# ----- settings")
    assert top < source.index("# ----- forward") < source.index("# ----- backward")
    assert "f1 = x @ W1 + b1  # [1×4]·[4×3] + [1×3] = 1×3" in source
    assert "dE_dx = dE_df1 @ W1.T" in source and "import json" in source
    compile(source, "backprop.py", "exec")


@pytest.mark.parametrize("preset", list(PRESETS)[:3])
def test_torch_code_compiles_and_uses_autograd(preset):
    model = BackpropModel()
    model.load_preset(preset)
    source = model.torch_code()
    compile(source, "backprop_torch.py", "exec")
    assert "requires_grad=True" in source and "E.backward()" in source
    assert "F.log_softmax(h, dim=1)" in source and "x.grad" in source


def test_code_export_through_the_window(qtbot, tmp_path):
    window = create_window(initial_tab="backprop")
    qtbot.addWidget(window)
    path = tmp_path / "backprop.py"
    window.export_current("code", path)
    assert path.read_text(encoding="utf-8") == window.models["backprop"].python_code()


def test_lockable_controls_hide_and_disable_and_unlock(qtbot, tmp_path):
    window = create_window(initial_tab="backprop")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    tab = window.current_tab()
    controls = tab.lockable_controls()
    assert set(controls) == {
        "preset", "sizes", "class", "seed", "letters", "options", "inspector", "value",
        "what_if", "sample", "play", "steps",
    }  # fmt: skip
    # The sample picker shows for a batch only.
    assert all(w.isVisible() for name, w in controls.items() if name != "sample")
    tab.model.set_batch(4)
    assert controls["sample"].isVisible()
    lock = LessonLock(
        hide={"backprop": ("seed", "what_if", "steps", "sample")},
        disable={"backprop": ("sizes", "options")},
    )
    path = tmp_path / "locked.json"
    window.save_lesson(path, lock=lock)
    window.open_lesson(path)
    assert controls["seed"].isHidden() and controls["what_if"].isHidden()
    assert controls["steps"].isHidden() and not controls["sizes"].isEnabled()
    assert not tab.controls.n_spin.isEnabled() and not tab.controls.options.loss_combo.isEnabled()
    assert controls["sample"].isHidden()
    # Redrawing, presentation and its end keep what the lock hid hidden.
    tab.model.set_true_class(1)
    tab.model.set_batch(6)  # the chain would show the sample picker again: the lock wins
    assert controls["sample"].isHidden()
    window.set_presentation(True, full_screen=False)
    window.set_presentation(False, full_screen=False)
    assert controls["seed"].isHidden() and controls["steps"].isHidden()
    assert not controls["letters"].isHidden()
    window.unlock_action.trigger()
    assert not controls["seed"].isHidden() and not controls["what_if"].isHidden()
    assert controls["sizes"].isEnabled() and tab.controls.n_spin.isEnabled()
    assert not controls["sample"].isHidden() and controls["options"].isEnabled()
