"""The Logic gates model without Qt: settings, frames, messages, lessons and presets.

No QApplication here: everything a lesson, a worksheet or a script needs works without a
window. Expected numbers come from hand-written truth tables and plain-Python forward passes.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from visualizer.compute.gates import GATE_PRESETS, SHEET_NETWORKS
from visualizer.tabs.gates import texts
from visualizer.tabs.gates.model import (
    ARCHITECTURES,
    PLAYGROUND_NAMES,
    GatesFocus,
    GatesModel,
    GatesSettings,
    RunSettings,
    TrainSettings,
)

LESSONS = sorted((Path(__file__).parents[1] / "resources" / "lessons").glob("*.json"))
#: The keys the old GatesTab.state() wrote, in its order: the lesson format.
STATE_KEYS = [
    "preset", "edited", "layers", "activation", "target", "inputs", "selected_node",
    "selected_param", "train", "run", "frame", "page",
]  # fmt: skip
TRAIN_KEYS = ["architecture", "lr", "seed", "epochs"]
RUN_KEYS = ["target", "architecture", "lr", "seed", "epochs"]
HAND = {
    "AND": [0, 0, 0, 1],
    "OR": [0, 1, 1, 1],
    "NAND": [1, 1, 1, 0],
    "NOR": [1, 0, 0, 0],
    "XOR": [0, 1, 1, 0],
    "XNOR": [1, 0, 0, 1],
}
ROWS = [(0, 0), (0, 1), (1, 0), (1, 1)]
SHEET_OR = "Sheet 2b: “OR”"
SHEET_XOR = "Sheet 2c: XOR"
SHEET_XNOR = "Sheet 2d: XNOR"


def forward(layers, a, b, activation):
    """Plain-Python forward pass: z = sum_i w_ij x_i + b_j, then the activation."""

    def act(z):
        if activation == "step":
            return 1.0 if z >= 0 else 0.0
        if activation == "step_strict":
            return 1.0 if z > 0 else 0.0
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    x = [float(a), float(b)]
    for W, bias in layers:
        W = np.asarray(W).tolist()
        x = [act(sum(x[i] * W[i][j] for i in range(len(x))) + bias[j]) for j in range(len(bias))]
    return x[0]


def out_bits(model):
    """The 0/1 read off the truth table's Out column (sigmoid cells end in '→ bit')."""
    c = texts.truth_headers(model).index("Out")
    return [int(row[c].split("→")[-1].strip()) for row in texts.truth_rows(model)]


@pytest.fixture
def model():
    return GatesModel()


@pytest.fixture
def heard(model):
    words: list[str] = []
    model.subscribe(words.append)
    return words


# ----- lessons ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_every_shipped_lesson_opens_and_saves_unchanged(path):
    saved = json.loads(path.read_text(encoding="utf-8"))["tabs"]["gates"]
    model = GatesModel()
    model.restore_state(saved)
    assert model.state() == saved
    # Same keys in the same order, so a saved file is byte-for-byte the same JSON.
    assert json.dumps(model.state()) == json.dumps(saved)
    assert list(model.state()) == STATE_KEYS


def test_state_keeps_the_old_tabs_keys(model):
    state = model.state()
    assert list(state) == STATE_KEYS
    assert list(state["train"]) == TRAIN_KEYS
    model.train()
    assert list(model.state()["run"]) == RUN_KEYS
    json.dumps(model.state())


def test_fresh_model_is_the_xor_preset_as_lessons_save_it(model):
    other_topic_lesson = next(p for p in LESSONS if "exercise-1a" in p.name)
    saved = json.loads(other_topic_lesson.read_text(encoding="utf-8"))["tabs"]["gates"]
    assert model.state() == saved
    assert model.frame_count() == 1 and model.run is None


# ----- presets ------------------------------------------------------------------------------
def test_presets_sheet_first_then_textbook_gates(model):
    assert model.presets() == [
        *SHEET_NETWORKS, *GATE_PRESETS, "Playground: XOR cloud", "Playground: circle",
        "Playground: two Gaussians", "Playground: spiral",
    ]  # fmt: skip
    assert model.presets()[:4] == ["Sheet 2a: AND", SHEET_OR, SHEET_XOR, SHEET_XNOR]
    with pytest.raises(KeyError):
        model.load_preset("NOT A GATE")


@pytest.mark.parametrize("name", [*SHEET_NETWORKS, *GATE_PRESETS])
def test_loading_a_preset_sets_its_network_and_target(model, heard, name):
    model.set_page(1)
    model.set_inputs(0, 1)
    model.set_train_settings(TrainSettings(epochs=40))
    model.train()
    model.set_frame(5)
    heard.clear()
    model.load_preset(name)
    sheet = SHEET_NETWORKS.get(name)
    layers = sheet.layers if sheet else GATE_PRESETS[name]
    for (W, b), (W0, b0) in zip(model.layers(), layers, strict=True):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    assert model.target == (sheet.target if sheet else name)
    assert model.settings.preset == name and not model.settings.edited
    assert model.run is None and model.frame == 0 and model.frame_count() == 1
    out = len(layers) - 1
    assert model.focus == GatesFocus((0, 1), (out, 0), ("b", out, 0), 1)  # inputs, page kept
    assert heard == ["settings", "message"]
    assert model.message == (
        sheet.note if sheet else f"Preset {name}: weights with margin (every |z| ≥ 10)."
    )


@pytest.mark.parametrize("gate", list(HAND))
@pytest.mark.parametrize("activation", ["step", "step_strict", "sigmoid"])
def test_every_textbook_preset_makes_its_gate(model, gate, activation):
    model.load_preset(gate)
    model.set_activation(activation)
    assert out_bits(model) == HAND[gate]
    # The plain-Python forward pass agrees, row by row.
    for (a, b), bit in zip(ROWS, HAND[gate], strict=True):
        assert int(forward(model.layers(), a, b, activation) >= 0.5) == bit
    assert [row[-1] for row in texts.truth_rows(model)] == ["✓"] * 4


# ----- the sheet's networks -----------------------------------------------------------------
def test_sheet_or_is_an_and_with_two_missed_rows(model):
    model.load_preset(SHEET_OR)
    assert texts.truth_headers(model) == ["A", "B", "z", "Out", "OR needs", "verdict"]
    rows = texts.truth_rows(model)
    # By hand: z = 0.25 A + 0.25 B - 0.5 on rows 00, 01, 10, 11.
    assert [row[2] for row in rows] == ["-0.5", "-0.25", "-0.25", "0"]
    assert [row[-1] for row in rows] == ["✓", "✗ miss", "✗ miss", "✓ fragile"]
    assert model.diagnosis().summary == "These weights make AND."
    assert texts.verdict_tone(model) == "bad"
    assert texts.problem_lines(model)[1] == (
        "A=1, B=0: z = 0.25*1 + 0.25*0 - 0.5 = -0.25 < 0, output 0; OR needs 1."
    )
    assert texts.preset_note(model) == SHEET_NETWORKS[SHEET_OR].note
    lines = texts.table_csv(model).strip().split("\n")
    assert lines[0] == "A,B,z,Out,OR needs,verdict"
    assert lines[3].startswith("1,0,-0.25,0,1,")
    md = texts.worked_solution_markdown(model)
    assert "Out = step(0.25*A + 0.25*B - 0.5) = step(0.25*1 + 0.25*0 - 0.5) = step(-0.25) = 0" in md
    assert "These weights make AND." in md and "Note: The sheet's OR" in md


def test_sheet_xnor_depends_on_the_convention(model):
    model.load_preset(SHEET_XNOR)
    assert out_bits(model) == [1, 1, 1, 1]  # z(D) = 0 at 01 and 10 counts as 1
    assert texts.verdict_tone(model) == "bad"
    model.set_activation("step_strict")
    assert out_bits(model) == HAND["XNOR"]
    assert texts.verdict_tone(model) == "warn"  # right, but z(D) = 0 still decides 01 and 10
    model.load_preset("XNOR")
    assert texts.verdict_tone(model) == "ok"
    assert texts.convention_text(model) == "Convention: step: z > 0 counts as 1 (z = 0 gives 0)"


def test_sheet_xor_hidden_roles_and_regions(model):
    model.load_preset(SHEET_XOR)
    # C = step(A - B - 0.5) is "A AND NOT B", D = step(-A + B - 0.5) is "B AND NOT A".
    assert texts.roles_sentence(model) == (
        "Hidden neurons on their own: C acts as A AND NOT B, D acts as B AND NOT A; "
        "Out combines them."
    )
    coords, grid = model.region_grid()
    zero, one = int(np.argmin(abs(coords))), int(np.argmin(abs(coords - 1)))
    assert (grid[zero, zero], grid[zero, one], grid[one, zero], grid[one, one]) == (0, 1, 1, 0)
    line_c, line_d = model.region_lines()
    np.testing.assert_allclose(line_c[0] - line_c[1], 0.5)  # A - B - 0.5 = 0
    np.testing.assert_allclose(line_d[1] - line_d[0], 0.5)


# ----- settings -----------------------------------------------------------------------------
def test_activation_and_target_are_checked(model, heard):
    before = model.state()
    with pytest.raises(ValueError, match="'activation' must be one of step, step_strict, sigmoid"):
        model.set_activation("relu")
    with pytest.raises(ValueError, match="'target' must be one of AND"):
        model.set_target("MAYBE")
    assert model.state() == before and heard == []
    model.set_target("XNOR")
    assert heard == ["settings"] and model.target == "XNOR"
    assert [row[-1] for row in texts.truth_rows(model)] == ["✗ miss"] * 4
    model.set_target("XNOR")  # no change, no word
    assert heard == ["settings"]


def test_editing_a_weight_recomputes_every_row(model, heard):
    model.load_preset(SHEET_OR)
    heard.clear()
    for i in (0, 1):
        model.set_param(("w", 0, i, 0), 0.5)
    assert heard == ["settings", "settings"]
    assert model.settings.edited and texts.edited_text(model) == "(edited)"
    # By hand: z = 0.5 A + 0.5 B - 0.5 -> -0.5, 0, 0, 0.5: an OR under "z ≥ 0".
    assert [row[2] for row in texts.truth_rows(model)] == ["-0.5", "0", "0", "0.5"]
    assert out_bits(model) == HAND["OR"]
    assert texts.preset_note(model) == ""  # no longer the sheet's network
    model.set_param(("b", 0, 0), -0.5)  # the same value: nothing changes
    assert heard == ["settings", "settings"]


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        (("w", 0, 0, 0), float("nan"), "finite number"),
        (("w", 0, 0, 0), float("inf"), "finite number"),
        (("w", 0, 0, 0), 2e300, "at most 1e+300"),
        (("w", 5, 0, 0), 1.0, "does not exist"),
        (("b", 0, 3), 1.0, "does not exist"),
    ],
)
def test_bad_weights_are_refused(model, key, value, words):
    model.load_preset(SHEET_OR)
    before = model.state()
    with pytest.raises(ValueError, match=re.escape(words)):
        model.set_param(key, value)
    assert model.state() == before


def test_typed_weights_are_parsed_with_a_message_naming_them(model):
    model.load_preset(SHEET_OR)
    assert model.parse_param_text(("w", 0, 1, 0), " -0,1 ") == -0.1
    with pytest.raises(ValueError) as info:
        model.parse_param_text(("w", 0, 1, 0), "abc")
    assert str(info.value) == "weight B → Out: “abc” is not a number. Still using 0.25."
    with pytest.raises(ValueError, match=r"bias of Out: .*finite"):
        model.parse_param_text(("b", 0, 0), "1e309")
    assert model.param_keys() == [("w", 0, 0, 0), ("w", 0, 1, 0), ("b", 0, 0)]
    assert [model.param_name(k) for k in model.param_keys()] == [
        "weight A → Out", "weight B → Out", "bias of Out",
    ]  # fmt: skip


def test_settings_built_in_code_get_the_lessons_checks(model):
    before = model.state()
    bad = replace(model.settings, layers=((((1.0, 2.0),), (0.0, 0.0)),))
    with pytest.raises(ValueError, match="do not chain from 2 inputs"):
        model.set_settings(bad)
    with pytest.raises(ValueError, match="'lr' must be at least 1e-06"):
        model.set_train_settings(TrainSettings(lr=0.0))
    assert model.state() == before
    model.set_settings(replace(model.settings, activation="sigmoid"))
    assert model.activation == "sigmoid"


# ----- inputs, selection, page ---------------------------------------------------------------
def test_inputs_toggle_and_every_node_follows(model, heard):
    model.load_preset("XOR")
    heard.clear()
    model.toggle_input(0)  # A: 1 -> 0
    assert model.focus.inputs == (0, 0) and model.message == "A is now 0."
    assert heard == ["inputs", "message"]
    model.toggle_input(1)
    picture = texts.network_picture(model)
    assert [n.value_text for n in picture.nodes] == ["0", "1", "1", "1", "1"]  # by hand
    assert model.current_row == 1
    with pytest.raises(ValueError, match="each 0 or 1"):
        model.set_inputs(0, 2)
    assert model.focus.inputs == (0, 1)


def test_selection_and_worked_line(model, heard):
    model.load_preset(SHEET_XOR)
    heard.clear()
    model.select_param(("w", 0, 0, 0))
    assert heard == ["selection"]
    assert model.focus.selected_node == (0, 0)
    assert texts.selected_worked_line(model) == (
        "C = step(1*A + (-1)*B - 0.5) = step(1*1 + (-1)*0 - 0.5) = step(0.5) = 1"
    )
    model.select_node(0, 1)
    assert model.focus.selected_param == ("b", 0, 1)
    assert texts.selected_worked_line(model).startswith("D = step(-1*A + 1*B - 0.5)")
    assert texts.network_picture(model).selected == ("n", 0, 1)
    with pytest.raises(ValueError, match="does not exist"):
        model.select_param(("w", 3, 0, 0))
    assert model.focus.selected_param == ("b", 0, 1)


def test_page(model, heard):
    model.set_page(1)
    assert model.focus.page == 1 and heard == ["page"]
    model.set_page(1)
    assert heard == ["page"]
    with pytest.raises(ValueError, match="no side page 2"):
        model.set_page(2)


# ----- training and frames ------------------------------------------------------------------
def test_training_learns_xor_and_frames_move_the_network(model, heard):
    model.load_preset("XOR")
    heard.clear()
    model.train()
    assert heard == ["settings", "message"]
    assert model.activation == "sigmoid" and "activation is now sigmoid" in model.message
    run = model.run
    assert run is not None and model.frame == 0 and model.frame_count() == run.n_frames
    assert texts.edited_text(model) == "(trained)"
    first = [W.copy() for W, _b in model.layers()]
    heard.clear()
    model.advance()
    assert heard == ["frame"] and model.frame == 1
    assert not np.array_equal(first[0], model.layers()[0][0])
    model.set_frame(10_000)  # clamped to the last frame
    assert model.frame == run.n_frames - 1
    # The last network computes XOR (plain-Python forward pass with sigmoid neurons).
    assert [int(forward(model.layers(), a, b, "sigmoid") >= 0.5) for a, b in ROWS] == HAND["XOR"]
    assert out_bits(model) == HAND["XOR"]
    assert "= XOR ✓" in texts.train_status(model)
    assert texts.worked_solution_markdown(model).startswith(
        "# Logic gates: trained 2-2-1 network for XOR, epoch 2000"
    )
    model.reset()
    assert model.frame == 0


def test_single_neuron_cannot_learn_xor(model):
    model.set_train_settings(TrainSettings(architecture="single"))
    model.train()
    model.set_frame(model.frame_count() - 1)
    status = texts.train_status(model)
    assert "≠ XOR" in status and "ln 2" in status
    assert len(texts.network_picture(model).nodes) == 3
    assert model.focus.selected_param == ("b", 0, 0)


def test_changed_training_settings_ask_for_a_new_run(model, heard):
    assert texts.train_status(model).startswith("Pick a network and press Train")
    model.train()
    assert model.run_is_current()
    heard.clear()
    model.set_train_settings(replace(model.settings.train, seed=5))
    assert heard == ["train"]
    assert texts.train_status(model).startswith("Settings changed: press Train")
    model.set_target("XNOR")  # judged against another gate: not the run's target either
    model.set_train_settings(replace(model.settings.train, seed=0))
    assert not model.run_is_current()
    model.train()
    assert model.run.seed == 0 and model.run.target == "XNOR" and model.run_is_current()


def test_editing_during_training_puts_the_run_aside(model):
    model.train()
    model.set_frame(50)
    shown = model.param_value(("w", 0, 0, 0))
    model.set_param(("w", 0, 1, 0), 3.0)
    assert model.run is None and model.frame_count() == 1 and model.frame == 0
    assert model.message == "Edited by hand: the training run was put aside."
    # The edit starts from the network that was shown.
    assert model.param_value(("w", 0, 0, 0)) == shown
    assert model.settings.edited and model.state()["run"] is None


def test_state_round_trip_with_a_training_frame(model):
    model.set_train_settings(TrainSettings(seed=3))
    model.train()
    model.set_frame(37)
    model.set_target("XNOR")
    model.set_inputs(0, 1)
    model.select_param(("w", 1, 1, 0))
    model.set_page(1)
    state = model.state()
    json.dumps(state)
    other = GatesModel()
    other.restore_state(state)
    assert other.state() == state
    assert other.frame == 37
    for (W, b), (W0, b0) in zip(other.layers(), model.layers(), strict=True):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    assert texts.train_status(other) == texts.train_status(model)
    assert texts.truth_rows(other) == texts.truth_rows(model)


def test_state_round_trip_of_an_edited_network(model):
    model.load_preset(SHEET_XNOR)
    model.set_activation("step_strict")
    model.set_target("XOR")
    model.toggle_input(1)
    model.set_param(("w", 0, 1, 0), -2.5)
    state = model.state()
    other = GatesModel()
    other.restore_state(state)
    assert other.state() == state
    assert texts.truth_rows(other) == texts.truth_rows(model)
    assert texts.worked_solution_markdown(other) == texts.worked_solution_markdown(model)


def test_restored_network_with_three_hidden_neurons(model):
    state = model.state()
    state["layers"] = [
        [[[1.0, -1.0, 0.5], [-1.0, 1.0, 0.5]], [-0.5, -0.5, 0.0]],
        [[[1.0], [1.0], [-2.0]], [-0.5]],
    ]
    state["selected_param"] = ["w", 1, 2, 0]
    state["selected_node"] = [1, 0]
    model.restore_state(state)
    assert texts.truth_headers(model)[:8] == ["A", "B", "z(C)", "C", "z(D)", "D", "z(E)", "E"]
    assert model.param_name(model.focus.selected_param) == "weight E → Out"
    # By hand, row 11: C = step(-0.5) = 0, D = 0, E = step(1) = 1, Out = step(-2 - 0.5) = 0.
    assert out_bits(model)[3] == 0 == forward(model.layers(), 1, 1, "step")
    assert len(model.region_lines()) == 3


def test_a_run_lesson_with_a_selection_the_run_lacks_opens_on_the_output(model):
    state = model.state()  # the XOR preset: two layers, Out's bias selected
    state["selected_param"] = ["w", 1, 1, 0]
    state["run"] = {"target": "AND", "architecture": "single", "lr": 2.0, "seed": 0, "epochs": 20}
    state["edited"] = True
    model.restore_state(state)
    assert model.focus.selected_param == ("b", 0, 0)
    assert model.focus.selected_node == (0, 0)
    assert not model.settings.edited  # a run's network is never a hand edit


# ----- bad lessons ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("patch", "words"),
    [
        ({"activation": "relu"}, "'activation' must be one of"),
        ({"target": "MAYBE"}, "'target' must be one of"),
        ({"inputs": [0, 2]}, "'inputs' must be two values, each 0 or 1"),
        ({"inputs": [0]}, "'inputs' must be two values"),
        ({"layers": [[[[1.0], [1.0]], [float("nan")]]]}, "'layers' must be a finite number"),
        ({"layers": [[[[1.0, 2.0]], [0.0]]]}, "do not chain from 2 inputs to 1 output"),
        ({"layers": [[[[1.0, 1.0], [1.0, 1.0]], [0.0, 0.0]]]}, "must end in one output neuron"),
        ({"layers": [[[[2e300], [1.0]], [0.0]]]}, "larger than 1e+300"),
        ({"layers": []}, "one or two layers"),
        ({"layers": [[[[1.0], [1.0]]]]}, "must be a pair"),
        (
            {"layers": [[[[1.0] * 5, [1.0] * 5], [0.0] * 5], [[[1.0]] * 5, [0.0]]]},
            "at most 4 hidden neurons",
        ),
        ({"preset": "nope"}, "'preset' must be one of"),
        ({"edited": "yes"}, "'edited' must be true or false"),
        ({"frame": -1}, "'frame' must be at least 0"),
        ({"frame": 1.5}, "'frame' must be a whole number"),
        ({"page": 2}, "'page' must be at most 1"),
        ({"selected_param": ["w", 5, 0, 0]}, "selected weight does not exist"),
        ({"selected_param": ["x", 0, 0]}, "'selected_param' must be"),
        ({"selected_node": [0, 3]}, "selected neuron does not exist"),
        ({"selected_node": "C"}, "'selected_node' must be a neuron"),
        ({"train": {"architecture": "3-3-1"}}, "'architecture' must be one of"),
        ({"train": {"epochs": 20001}}, "'epochs' must be at most 20000"),
        ({"train": {"lr": "fast"}}, "'lr' must be a number"),
        ({"train": []}, "training settings must be a mapping"),
        ({"run": {"target": "XOR"}}, "'run' lacks architecture, lr, seed, epochs"),
        ({"run": {**dict.fromkeys(RUN_KEYS, 1), "target": "XOR", "architecture": "single",
                  "seed": -1}}, "'seed' must be at least 0"),
        ({"run": 5}, "training run settings must be a mapping"),
        ({"colour": "red"}, "Unknown Logic gates setting(s): colour"),
    ],
)  # fmt: skip
def test_bad_lessons_are_refused_and_the_model_kept(model, heard, patch, words):
    model.load_preset(SHEET_OR)
    model.set_train_settings(TrainSettings(epochs=40))  # a short run keeps the test fast
    model.train()
    model.set_frame(3)
    good = model.state()
    heard.clear()
    with pytest.raises(ValueError, match=re.escape(words)):
        model.restore_state({**good, **patch})
    assert model.state() == good and heard == []


def test_lessons_must_name_the_network_and_be_a_mapping(model):
    state = model.state()
    del state["layers"], state["inputs"]
    with pytest.raises(ValueError, match="lack layers, inputs"):
        model.restore_state(state)
    with pytest.raises(ValueError, match="mapping"):
        model.restore_state("not a dict")  # type: ignore[arg-type]


def test_optional_keys_take_their_defaults(model):
    model.restore_state(
        {
            "preset": "AND",
            "layers": [[[[20.0], [20.0]], [-30.0]]],
            "activation": "step",
            "target": "AND",
            "inputs": [1, 1],
        }
    )
    state = model.state()
    assert state["selected_param"] == ["b", 0, 0] and state["selected_node"] == [0, 0]
    assert state["train"] == TrainSettings().to_state() and state["run"] is None
    assert (state["frame"], state["page"], state["edited"]) == (0, 0, False)


def test_settings_classes_round_trip():
    assert GatesSettings.from_state(GatesSettings().to_state()) == GatesSettings()
    run = RunSettings(target="AND", architecture="single", lr=0.5, seed=7, epochs=10)
    assert RunSettings.from_state(run.to_state()) == run
    assert list(run.to_state()) == RUN_KEYS


def test_texts_load_no_gui_module():
    # The words of the views are made without Qt too (worksheets and exports use them).
    code = (
        "import sys\nimport visualizer.tabs.gates.texts\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


#: What only Train, the playground or a code export needs (the classifier and MLP maths come
#: with the first two): making the model and restoring a lesson on the four gates loads none.
DEFERRED_MODULES = (
    "visualizer.compute.gate_training",
    "visualizer.compute.classifier",
    "visualizer.compute.mlp",
    "visualizer.compute.backprop",
    "visualizer.compute.datasets",
    "visualizer.tabs.gates.playground",
    "visualizer.tabs.gates.playground_settings",
    "visualizer.tabs.gates.code_export",
)


def test_a_gates_lesson_loads_no_training_playground_or_export_module():
    # Issue 10: every topic model is made and restored before the first paint. In a fresh
    # process, restoring each shipped lesson's gates state (and reading what the four-gate
    # views show) loads none of DEFERRED_MODULES; Train, a playground and the code export
    # then load theirs and work.
    code = f"""
import json, sys
from visualizer.tabs.gates.model import GatesModel
deferred = {DEFERRED_MODULES!r}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as file:
        state = json.load(file)["tabs"]["gates"]
    model = GatesModel()
    model.restore_state(state)
    assert model.state() == state, path
    model.evaluation(), model.diagnosis(), model.region_grid()
    model.arithmetic(*model.focus.selected_node), model.hidden_roles()
print(sorted(m for m in deferred if m in sys.modules))
model.train()
assert model.run is not None and model.frame_count() > 1
model.load_preset("Playground: XOR cloud")
assert model.is_playground() and model.play_grid().output.shape == (100, 100)
model.load_preset("XOR")
assert "import numpy" in model.python_code()
print(sorted(m for m in deferred if m not in sys.modules))
"""
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, LESSONS)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "[]"]


def test_names_the_model_offers_are_the_ones_the_modules_loaded_later_use():
    # The model reads a lesson with these names without importing the modules that use them.
    from visualizer.compute.gate_training import GATE_ARCHITECTURES
    from visualizer.tabs.gates.playground_settings import PLAYGROUND_PRESETS

    assert ARCHITECTURES == tuple(GATE_ARCHITECTURES) == ("single", "2-2-1")
    assert tuple(PLAYGROUND_PRESETS) == PLAYGROUND_NAMES
    assert PLAYGROUND_PRESETS["Playground: spiral"].dataset == "spiral"
    assert PLAYGROUND_PRESETS["Playground: circle"].dataset == "circle"
