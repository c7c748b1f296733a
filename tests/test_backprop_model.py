"""The backprop model without Qt: every setting, frame move, message, preset and lesson state.

No QApplication here. Values are checked against loops and finite differences written in the
tests (the forward pass by hand, the loss by hand), never against the model's own numbers.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from visualizer.compute import CHAIN_VARIANTS, random_problem
from visualizer.tabs.backprop import names
from visualizer.tabs.backprop.model import (
    LAST_FRAME,
    MAX_FRAME,
    PAGES,
    PRESETS,
    BackpropModel,
    BackpropSettings,
)

LESSONS = Path(__file__).resolve().parents[1] / "resources" / "lessons"
#: The keys the tab saved before the topic became a package: the lesson format.
STATE_KEYS = [
    "N", "M", "K", "true_class", "seed", "typed", "variant", "frame", "element", "page",
    "letters", "preset",
]  # fmt: skip


@pytest.fixture
def model():
    return BackpropModel()


@pytest.fixture
def heard(model):
    words: list[str] = []
    model.subscribe(words.append)
    return words


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def hand_forward(x, W1, b1, W2, b2, true_class):
    """f1, a, f2, o and E with plain loops."""
    N, M = W1.shape
    K = W2.shape[1]
    f1 = [sum(x[0, n] * W1[n, m] for n in range(N)) + b1[0, m] for m in range(M)]
    a = [sigmoid(v) for v in f1]
    f2 = [sum(a[m] * W2[m, k] for m in range(M)) + b2[0, k] for k in range(K)]
    top = max(f2)
    exps = [math.exp(v - top) for v in f2]
    o = [e / sum(exps) for e in exps]
    E = -(f2[true_class] - top - math.log(sum(exps)))
    return f1, a, f2, o, E


def hand_dE_dx(p, h=1e-6):
    """dE/dx by central differences of the hand-written loss."""
    grad = []
    for n in range(p.x.shape[1]):
        plus, minus = p.x.copy(), p.x.copy()
        plus[0, n] += h
        minus[0, n] -= h
        e_plus = hand_forward(plus, p.W1, p.b1, p.W2, p.b2, p.true_class)[4]
        e_minus = hand_forward(minus, p.W1, p.b1, p.W2, p.b2, p.true_class)[4]
        grad.append((e_plus - e_minus) / (2 * h))
    return np.array(grad)


# ----- start, lessons ---------------------------------------------------------------------------
def test_starts_on_the_first_preset_with_the_sheet_sizes(model):
    assert model.preset == next(iter(PRESETS)) and model.preset.startswith("Exercise 3")
    s = model.settings
    assert (s.N, s.M, s.K, s.true_class, s.seed, s.typed) == (4, 3, 2, 0, 0, ())
    assert model.frame == MAX_FRAME == model.frame_count() - 1
    assert model.selected is None
    assert list(model.state()) == STATE_KEYS


@pytest.mark.parametrize("path", sorted(LESSONS.glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_lesson_opens_and_saves_unchanged(path):
    saved = json.loads(path.read_text(encoding="utf-8"))["tabs"]["backprop"]
    model = BackpropModel()
    model.load_preset("Large: N = M = K = 32")  # start elsewhere: everything must come back
    model.restore_state(saved)
    assert model.state() == saved
    assert list(model.state()) == list(saved) == STATE_KEYS


def test_state_round_trips_through_json(model):
    model.set_sizes(5, 3, 4)
    model.set_true_class(2)
    model.set_seed(12)
    model.select_cell("W1", 1, 2)
    model.type_value(-0.75)
    model.set_variant("no_diag")
    model.set_frame(1)
    model.set_page(3)
    model.set_element(1)
    model.set_letters(False)
    state = json.loads(json.dumps(model.state()))
    assert state["typed"] == [["W1", 1, 2, -0.75]]
    other = BackpropModel()
    other.restore_state(state)
    assert other.state() == state
    assert other.value("W1", 1, 2) == -0.75
    np.testing.assert_array_equal(other.result.tensors["dE/dx"], model.result.tensors["dE/dx"])
    assert other.selected is None


def test_an_unknown_preset_name_in_a_lesson_leaves_the_name_as_it_was(model):
    state = {**model.state(), "preset": "A preset of another version", "N": 5}
    model.restore_state(state)
    assert model.settings.N == 5 and model.preset == next(iter(PRESETS))


def test_missing_keys_take_their_defaults(model):
    model.load_preset("Large: N = M = K = 32")
    model.restore_state({"N": 6})
    state = model.state()
    assert state["N"] == 6 and state["M"] == 3 and state["frame"] == MAX_FRAME


# ----- validation -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"N": 0}, "'N' must be at least 1"),
        ({"K": 65}, "'K' must be at most 64"),
        ({"M": 2.5}, "'M' must be a whole number"),
        ({"true_class": 9}, "'true_class' must be below K = 2"),
        ({"element": 4}, "'element' must be below N = 4"),
        ({"seed": -1}, "'seed' must be at least 0"),
        ({"variant": "W3"}, "'variant' must be one of correct, W2"),
        ({"page": 7}, "'page' must be at most 6"),
        ({"frame": 65}, "'frame' must be at most 64"),
        ({"batch": 0}, "'batch' must be at least 1"),
        ({"batch": 65}, "'batch' must be at most 64"),
        ({"more_hidden": [3, 3, 3, 3]}, "'more_hidden'"),
        ({"more_hidden": [0]}, "'more_hidden' must be at least 1"),
        ({"activation": "swish"}, "'activation' must be one of sigmoid, tanh, relu, gelu"),
        ({"loss": "hinge"}, "'loss' must be one of cross_entropy, mse"),
        ({"reduction": "max"}, "'reduction' must be one of mean, sum"),
        ({"sample": 1}, "'sample' must be below B = 1"),
        ({"typed": [["W3", 0, 0, 1.0]]}, "does not fit the network"),
        ({"frame": "last"}, "'frame' must be a number"),
        ({"letters": "yes"}, "'letters' must be true or false"),
        ({"typed": "none"}, "must be a list of [tensor, row, column, value]"),
        ({"typed": [["W1", 9, 0, 1.0]]}, "['W1', 9, 0, 1.0] does not fit the network"),
        ({"typed": [["f1", 0, 0, 1.0]]}, "does not fit the network"),
        ({"typed": [["x", 0, -1, 1.0]]}, "does not fit the network"),
        ({"typed": [["x", 0, 0, True]]}, "does not fit the network"),
        ({"typed": [["x", 0, 0, 1e300]]}, "must be a finite number within ±1e+06"),
        ({"typed": [["x", 0]]}, "does not fit the network"),
        ({"bogus": 1}, "Unknown backprop setting(s): bogus"),
    ],
)
def test_bad_state_is_refused_in_one_sentence_and_nothing_changes(model, heard, change, words):
    good = model.state()
    with pytest.raises(ValueError) as info:
        model.restore_state({**good, **change})
    message = str(info.value)
    assert words in message, message
    assert "\n" not in message and message.endswith(".")
    assert model.state() == good
    assert heard == []


def test_a_state_that_is_not_a_mapping_is_refused(model):
    with pytest.raises(ValueError, match="must be a mapping"):
        model.restore_state(["not", "a", "dict"])  # type: ignore[arg-type]


def test_settings_from_controls_are_checked_before_anything_changes(model, heard):
    from dataclasses import replace

    good = model.state()
    for bad in (
        replace(model.settings, N=0),
        replace(model.settings, true_class=2),
        replace(model.settings, typed=(("W2", 3, 0, 1.0),)),
        replace(model.settings, variant="nope"),
    ):
        with pytest.raises(ValueError):
            model.set_settings(bad)
    with pytest.raises(ValueError, match="'element' must be below N = 4"):
        model.set_element(4)
    with pytest.raises(ValueError, match="page must be from 0 to 6"):
        model.set_page(len(PAGES))
    assert model.state() == good and heard == []


# ----- settings ---------------------------------------------------------------------------------
def test_the_computed_network_is_the_forward_pass_by_hand(model):
    model.set_sizes(6, 4, 3)
    model.set_true_class(1)
    model.set_seed(7)
    p = random_problem(6, 4, 3, true_class=1, seed=7)
    t = model.result.tensors
    for name in ("x", "W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(t[name], getattr(p, name))
    np.testing.assert_array_equal(t["y"], [[0, 1, 0]])
    f1, a, f2, o, E = hand_forward(p.x, p.W1, p.b1, p.W2, p.b2, 1)
    np.testing.assert_allclose(t["f1"][0], f1, atol=1e-14)
    np.testing.assert_allclose(t["a"][0], a, rtol=1e-14)
    np.testing.assert_allclose(t["f2"][0], f2, atol=1e-14)
    np.testing.assert_allclose(t["o"][0], o, rtol=1e-13)
    assert t["E"][0, 0] == pytest.approx(E, rel=1e-13)
    np.testing.assert_allclose(t["dE/df2"][0], np.array(o) - [0, 1, 0], atol=1e-15)
    np.testing.assert_allclose(t["dE/dx"][0], hand_dE_dx(p), atol=1e-8)
    # The chain's product is dE/dx, and its five factors have the sheet's shapes.
    chain = model.result.chain
    assert [f.matrix.shape for f in chain.factors] == [(1, 3), (3, 3), (3, 4), (4, 4), (4, 6)]
    np.testing.assert_allclose(chain.result[0], hand_dE_dx(p), atol=1e-8)
    assert all(check.passed for check in model.result.checks)


def test_sizes_clamp_class_and_element_and_drop_typed_values_that_no_longer_fit(model, heard):
    model.set_sizes(5, 4, 3)
    model.set_true_class(2)
    model.set_element(4)
    model.select_cell("W2", 3, 2)
    model.type_value(0.5)
    model.select_cell("x", 0, 1)
    model.type_value(-0.25)
    heard.clear()
    dropped = model.set_sizes(5, 3, 2)
    assert dropped == 1
    assert model.settings.typed == (("x", 0, 1, -0.25),)
    assert model.settings.true_class == 1 and model.settings.element == 4
    assert model.selected == ("x", 0, 1)  # still fits
    assert heard == ["settings"]
    assert model.set_sizes(2, 3, 2) == 0
    assert model.settings.element == 1
    assert model.result.tensors["dE/dx"].shape == (1, 2)
    model.select_cell("x", 0, 1)
    model.set_sizes(1, 3, 2)
    assert model.selected is None and model.settings.typed == ()


def test_seed_and_new_values_draw_again_and_drop_typed_values(model):
    model.select_cell("b1", 0, 0)
    model.type_value(2.0)
    assert model.new_values() == 1
    assert model.settings.typed == ()
    np.testing.assert_array_equal(model.result.tensors["W1"], random_problem(4, 3, 2, 0, 1).W1)
    model.set_seed(2**31 - 1)
    assert model.new_values() == 0


def test_typing_a_value_recomputes_the_forward_pass(model, heard):
    model.select_cell("x", 0, 2)
    assert heard == ["selection"] and model.selection_is_editable()
    model.type_value(0.5)
    t = model.result.tensors
    assert t["x"][0, 2] == 0.5 and ("x", 0, 2) in model.result.typed
    f1 = hand_forward(t["x"], t["W1"], t["b1"], t["W2"], t["b2"], 0)[0]
    np.testing.assert_allclose(t["f1"][0], f1, atol=1e-14)
    assert "typed in" in model.explain_forward("x", 0, 2)
    with pytest.raises(ValueError, match="within ±1e\\+06"):
        model.type_value(1e9)
    model.select_cell("f1", 0, 0)
    assert not model.selection_is_editable()
    with pytest.raises(ValueError, match="Select a cell of x, a W or a b"):
        model.type_value(1.0)
    with pytest.raises(ValueError, match="no cell W1\\[5,1\\]"):
        model.select_cell("W1", 4, 0)
    with pytest.raises(ValueError, match="no cell dE_dx"):
        model.select_cell("dE_dx", 0, 0)
    model.clear_selection()
    assert model.selected is None


@pytest.mark.parametrize("variant", list(CHAIN_VARIANTS))
def test_every_what_if_chain_shows_its_last_step(model, variant):
    model.set_frame(0)
    model.set_variant(variant)
    assert model.frame == model.frame_count() - 1 == len(model.result.chain.steps)
    right, sentence = model.chain_verdict()
    assert right == (variant == "correct")
    assert sentence.startswith("✓ " if right else "✗ ")


def test_a_mismatch_stops_the_chain_and_says_why(model):
    model.set_variant("W2")
    assert model.frame_count() == 3
    _, sentence = model.chain_verdict()
    assert "Cannot multiply dE/df2 [1×K = 1×2]" in sentence and "[M×K = 3×2]" in sentence
    lines = model.chain_step_lines()
    assert lines[-1] == ("2. dE/df2 [1×2] · W2 (not W2ᵀ) [3×2]: inner dimensions differ", "current")
    assert model.explain_backward("F2", 0, 1).startswith("W2 (not W2ᵀ)[1,2] = ")
    assert "the wrong factor W2" in model.explain_backward("F2", 0, 1)
    model.set_variant("no_diag")
    assert "values are wrong" in model.chain_verdict()[1]


def test_frames_move_through_the_chain(model, heard):
    model.set_sizes(5, 4, 3)
    heard.clear()
    model.reset()
    assert model.frame == 0 and heard == ["frame"]
    assert model.chain_step_lines()[0] == ("Start: dE/do [1×3]", "current")
    assert model.explain_backward("P", 0, 0).startswith("dE/do[1,1] = ")
    model.advance()
    model.advance()
    assert model.frame == 2
    states = [state for _, state in model.chain_step_lines()]
    assert states == ["done", "current", "later", "later"]
    # dE/da[1,j] = Σ_t dE/df2[1,t] · df2/da[t,j]
    assert model.explain_backward("P", 0, 3).startswith("dE/da[1,4] = Σ_t dE/df2[1,t]")
    model.set_frame(99)
    assert model.frame == 4
    model.advance()
    assert model.frame == 4
    model.set_frame(-3)
    assert model.frame == 0
    assert heard.count("frame") == 5


def test_element_letters_and_page_are_their_own_changes(model, heard):
    model.set_element(2)
    t = model.result.tensors
    by_hand = sum(t["dE/df1"][0, m] * t["W1"][2, m] for m in range(3))
    assert model.result.worked.total == pytest.approx(by_hand, rel=1e-14)
    assert model.result.worked.j == 2
    model.set_letters(False)
    model.set_page(4)
    assert heard == ["element", "letters", "page"]
    assert (model.settings.element, model.settings.letters, model.settings.page) == (2, False, 4)
    # The worked element's text and the markdown follow.
    assert "Worked element: dE/dx_3 = " in model.worked_solution_markdown()


def test_listeners_can_unsubscribe(model):
    words: list[str] = []
    unsubscribe = model.subscribe(words.append)
    model.set_page(1)
    unsubscribe()
    model.set_page(2)
    assert words == ["page"]


# ----- presets ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_loads_with_its_frame_and_finite_words(model, heard, name):
    model.select_cell("x", 0, 0)
    heard.clear()
    model.load_preset(name)
    settings, frame = PRESETS[name]
    assert model.preset == name and model.selected is None
    assert model.settings == BackpropSettings.from_state(settings.to_state())
    assert model.frame == min(frame, model.frame_count() - 1)
    assert heard == ["settings"]
    words = " ".join(
        [model.chain_verdict()[1], model.table_csv(), model.worked_solution_markdown()]
    )
    tokens = set(words.lower().replace("(", " ").replace(")", " ").replace(",", " ").split())
    assert not tokens & {"nan", "inf", "-inf", "+inf"}


def test_an_unknown_preset_is_a_key_error(model):
    with pytest.raises(KeyError):
        model.load_preset("no such preset")


def test_large_logits_stay_finite(model):
    model.load_preset("Large logits: |f2| ≈ 1000")
    t = model.result.tensors
    assert np.max(np.abs(t["f2"])) > 900
    E = float(t["E"][0, 0])
    assert math.isfinite(E) and E == pytest.approx(t["f2"][0, 0] - t["f2"][0, 1], rel=1e-9)
    _full, short, diff = model.result.shortcut
    assert not math.isfinite(diff) and np.all(np.isfinite(short))


# ----- words and exports ------------------------------------------------------------------------
def test_hover_texts(model):
    assert model.explain_forward("f1", 0, 1).startswith("f1[1,2] = ")
    assert "Σ_n x[1,n] W1[n,2] + b1[2]" in model.explain_forward("f1", 0, 1)
    assert "o[1,1] − y[1,1]" in model.explain_forward("dE_df2", 0, 0)
    assert model.explain_forward("dE_db2", 0, 0).startswith("dE/db2[1,1] = ")
    assert "Σ_t" in model.explain_backward("P", 0, 0)
    assert "diag" in model.explain_backward("F1", 0, 0)
    assert "a_2(1 − a_2)" in model.explain_backward("F3", 1, 1)
    assert model.explain_shortcut("full", 0, 1).startswith("dE/df2[1,2] = Σ_t dE/do[1,t]")
    assert model.explain_shortcut("short", 0, 0).startswith("dE/df2[1,1] = ")


def test_exports(model):
    csv = model.table_csv()
    assert csv.splitlines()[0].startswith("tensor,")
    assert "W1,N×M,4×3" in csv
    md = model.worked_solution_markdown()
    assert "dE/df2" in md and "o − y" in md and "| W1 | first-layer weights | N×M | 4×3 |" in md


def test_value_reads_every_forward_tensor(model):
    p = random_problem(4, 3, 2, 0, 0)
    assert model.value("W2", 2, 1) == p.W2[2, 1]
    assert model.value("y", 0, 0) == 1.0
    f1 = hand_forward(p.x, p.W1, p.b1, p.W2, p.b2, 0)[0]
    assert model.value("f1", 0, 2) == pytest.approx(f1[2], abs=1e-14)


# ----- start-up: nothing is computed until it is read (issue 10) --------------------------------
#: What making the model and restoring a lesson must not load: the maths, the seeded random
#: network (numpy.random), the words and the exported code.
LAZY_MODULES = (
    "numpy.random",
    "visualizer.compute.backprop",
    "visualizer.compute.mlp",
    "visualizer.compute.mlp_chain",
    "visualizer.compute.mlp_check",
    "visualizer.tabs.backprop.network",
    "visualizer.tabs.backprop.texts",
    "visualizer.tabs.backprop.practice",
    "visualizer.tabs.backprop.code_export",
)


def test_making_the_model_and_restoring_every_lesson_loads_no_maths():
    """A lesson opening on another tab pays nothing for this one: the window keeps the
    model's state (to undo a refused lesson), restores every shipped lesson's backprop state
    (a bad one is still refused at once) and the frame is read, all before the maths loads."""
    script = textwrap.dedent(
        """
        import json, sys
        from pathlib import Path
        import numpy
        from visualizer.tabs.backprop.model import BackpropModel
        lazy, lessons = json.loads(sys.argv[1]), Path(sys.argv[2])
        loaded = lambda: [name for name in lazy if name in sys.modules]
        model = BackpropModel()
        before = model.state()
        for path in sorted(lessons.glob("*.json")):
            model.restore_state(json.loads(path.read_text(encoding="utf-8"))["tabs"]["backprop"])
        try:
            model.restore_state({**before, "true_class": 2})
            refused = ""
        except ValueError as exc:
            refused = str(exc)
        seen = (model.state(), model.frame, model.frame_count())
        print(json.dumps([loaded(), refused, model.result.chain.steps is not None, loaded()]))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script, json.dumps(LAZY_MODULES), str(LESSONS)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    before_read, refused, computed, after_read = json.loads(run.stdout.splitlines()[-1])
    assert before_read == []
    assert refused == "The backprop setting 'true_class' must be below K = 2 (it counts from 0)."
    # Reading the result loads them: the check above is not vacuous.
    assert computed and {"numpy.random", "visualizer.tabs.backprop.network"} <= set(after_read)


def test_the_choices_checked_without_the_maths_are_the_maths_own():
    # one list, not copies: the model reads the very objects the maths uses
    from visualizer.compute.backprop import MAX_SIZE
    from visualizer.compute.mlp import HIDDEN_ACTIVATIONS, REDUCTIONS
    from visualizer.compute.mlp_chain import MLP_CHAIN_VARIANTS

    assert names.MAX_SIZE == MAX_SIZE == 64
    assert names.HIDDEN_ACTIVATIONS is HIDDEN_ACTIVATIONS
    assert names.REDUCTIONS is REDUCTIONS
    assert names.MLP_CHAIN_VARIANTS is MLP_CHAIN_VARIANTS


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("more_hidden", [[], [3], [4, 2, 3]])
def test_the_correct_chain_is_clamped_before_anything_is_computed(loss, more_hidden):
    # One frame per factor: dE/do and do/dfL (or dE/dfL for mse), Wᵀ and diag per hidden
    # layer, W1ᵀ. The sheet (L = 2, cross-entropy): 5 frames, the last MAX_FRAME = 4.
    depth = len(more_hidden) + 2
    frames = 2 + 2 * (depth - 1) + 1 - (loss == "mse")
    model = BackpropModel()
    model.restore_state({"more_hidden": more_hidden, "loss": loss, "frame": LAST_FRAME})
    assert model.frame_count() == frames
    assert model.state()["frame"] == frames - 1
    assert len(model.result.chain.steps) == frames - 1 == model.frame
    if (loss, depth) == ("cross_entropy", 2):
        assert model.frame == MAX_FRAME


#: Each step changes the model; after it, a model that read everything and one that read
#: nothing since it was made must agree (frames clamped to the chain shown before a change,
#: a worked element asked for before the result, a result reused for the same network).
STEPS = [
    lambda m: m.restore_state({"variant": "W2", "frame": LAST_FRAME, "N": 3, "M": 5}),
    lambda m: m.set_sizes(5, 5, 5),
    lambda m: m.set_element(3),
    lambda m: m.set_variant("slope_row"),
    lambda m: m.set_sample(0),
    lambda m: m.set_frame(1),
    lambda m: m.restore_state({"variant": "no_diag", "frame": 3, "more_hidden": [4, 2]}),
    lambda m: m.set_options(loss="mse"),
    lambda m: m.set_batch(3),
    lambda m: m.set_frame(LAST_FRAME),
    lambda m: m.load_preset("Per sample: B = 4, sample 3's chain"),
    lambda m: m.set_element(2),
]


@pytest.mark.parametrize("count", range(1, len(STEPS) + 1))
def test_reading_late_gives_what_reading_at_once_gives(count):
    eager, lazy = BackpropModel(), BackpropModel()
    eager_words: list[str] = []
    lazy_words: list[str] = []
    eager.subscribe(eager_words.append)
    lazy.subscribe(lazy_words.append)
    for step in STEPS[:count]:
        step(eager)
        _ = (eager.result, eager.frame)
        step(lazy)
    assert lazy.state() == eager.state()
    assert lazy.frame == eager.frame and lazy.frame_count() == eager.frame_count()
    assert lazy_words == eager_words
    for name in ("dE/dx", "dE/dW1", "E"):
        np.testing.assert_array_equal(lazy.result.tensors[name], eager.result.tensors[name])
    assert lazy.result.worked.total == eager.result.worked.total
    assert lazy.chain_step_lines() == eager.chain_step_lines()
