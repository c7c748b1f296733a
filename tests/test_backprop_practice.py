"""Practice mode in the backprop topic (issue 12): shapes of every tensor and Jacobian of the
chain, then dE/df2's values; what is hidden, right and wrong answers, Reveal, the score, new
exercises and the lesson round trip.

Expected answers are derived here: shapes from N, M, K by the sheet's rules, dE/df2 from a
softmax written out in the test.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from tests.helpers import shown_tab
from visualizer.app import create_window
from visualizer.exercises import generate
from visualizer.lesson import lesson_from_text, lesson_to_text
from visualizer.tabs.backprop.blocks import HIDDEN_TEXT
from visualizer.tabs.backprop.model import BackpropModel
from visualizer.tabs.backprop.tab import BackpropTab

FORWARD = ["x", "W1", "b1", "f1", "a", "W2", "b2", "f2", "o", "y", "E"]
CHAIN = ["dE/do", "do/df2", "df2/da", "da/df1", "df1/dx", "dE/dx"]


def sheet_shapes(N, M, K):
    """Every asked shape by the sheet's rules (one example: rows of 1)."""
    return {
        "x": (1, N), "W1": (N, M), "b1": (1, M), "f1": (1, M), "a": (1, M), "W2": (M, K),
        "b2": (1, K), "f2": (1, K), "o": (1, K), "y": (1, K), "E": (1, 1),
        "dE/do": (1, K), "do/df2": (K, K), "df2/da": (K, M), "da/df1": (M, M),
        "df1/dx": (M, N), "dE/dx": (1, N),
    }  # fmt: skip


def softmax_minus_y(model):
    p = SimpleNamespace(**{k: model.result.tensors[k] for k in ("x", "W1", "b1", "W2", "b2")})
    p.W1, p.true_class = p.W1, int(np.argmax(model.result.tensors["y"][0]))
    f2 = [
        sum(
            (1 / (1 + math.exp(-(sum(p.x[0, n] * p.W1[n, m] for n in range(p.W1.shape[0]))
                                 + p.b1[0, m])))) * p.W2[m, k]
            for m in range(p.W1.shape[1])
        ) + p.b2[0, k]
        for k in range(p.W2.shape[1])
    ]  # fmt: skip
    e = [math.exp(v - max(f2)) for v in f2]
    return [v / sum(e) - (1.0 if k == p.true_class else 0.0) for k, v in enumerate(e)]


@pytest.fixture
def model():
    m = BackpropModel()
    m.practice.set_on(True)
    return m


# ----- the model -------------------------------------------------------------------------------
def test_questions_are_every_shape_then_dE_df2(model):
    model.set_sizes(5, 3, 4)
    asked = model.practice_questions()
    names = [q.key.split(":", 1)[1] for q in asked]
    assert names == [*FORWARD, *CHAIN, "dE/df2"]
    assert [q.key.split(":")[0] for q in asked] == ["shape"] * 17 + ["values"]
    expected = sheet_shapes(5, 3, 4)
    for q in asked[:-1]:
        assert q.exercise.answer == expected[q.key[6:]], q.key
        assert q.tolerance == "exact answer" and q.label.startswith("shape of ")
    values = asked[-1]
    np.testing.assert_allclose(values.exercise.answer, softmax_minus_y(model), atol=1e-12)
    assert values.tolerance == "to 3 significant digits"


def test_everything_asked_is_hidden_until_answered(model):
    assert all(model.shape_hidden(name) for name in FORWARD + CHAIN)
    assert model.values_hidden("dE/df2")
    # A gradient is shaped like its tensor: it stays hidden while that shape is asked.
    assert model.shape_hidden("dE/dW1") and model.shape_hidden("dE/df2")
    assert not model.shape_hidden("P7")
    model.practice.set_on(False)
    assert not any(model.shape_hidden(name) for name in FORWARD + CHAIN)
    assert not model.values_hidden("dE/df2")


@pytest.mark.parametrize("typed", ["1x4", "1×4", "(1, 4)", "1 4", " 1 X 4 "])
def test_a_shape_in_any_of_the_forms_counts(model, typed):
    model.answer(typed)
    assert model.practice.outcome("shape:x") == "right"
    assert not model.shape_hidden("x") and model.shape_hidden("W1")
    assert model.practice.score_text() == "1 of 1 right"


def test_a_wrong_shape_shows_the_value_and_counts(model):
    model.answer("1x4")
    model.answer("3x4")  # W1 is 4×3: swapped
    assert model.practice.outcome("shape:W1") == "wrong"
    assert "swapped" in model.practice.last.verdict.message
    assert not model.shape_hidden("W1") and not model.shape_hidden("dE/dW1")
    assert model.practice.score_text() == "1 of 2 right"
    model.answer("banana")  # not graded: score unchanged, still asking b1
    assert model.practice.score_text() == "1 of 2 right"
    assert model.current_question().key == "shape:b1"


def test_reveal_and_then_dE_df2(model):
    for _ in range(17):
        model.reveal_answer()
    assert model.practice.score_text() == "0 of 17 right"
    assert not any(model.shape_hidden(name) for name in FORWARD + CHAIN)
    assert model.current_question().key == "values:dE/df2" and model.values_hidden("dE/df2")
    model.answer("0.3, 0.3")
    assert model.practice.outcome("values:dE/df2") == "wrong"
    assert not model.values_hidden("dE/df2")
    model.practice.clear_answers()
    for _ in range(17):
        model.reveal_answer()
    expected = softmax_minus_y(model)
    model.answer("; ".join(f"{v:.3g}".replace(".", ",") for v in expected))
    assert model.practice.outcome("values:dE/df2") == "right"
    assert model.current_question() is None


def test_new_settings_ask_afresh_and_a_what_if_chain_asks_its_own_factors(model):
    model.answer("1x4")
    model.set_variant("W2")
    keys = [q.key for q in model.practice_questions()]
    assert "shape:W2 (not W2ᵀ)" in keys and "shape:dE/dx" not in keys
    assert model.practice.outcome("shape:x") is None and model.shape_hidden("x")


# ----- exercises -------------------------------------------------------------------------------
def first_of_kind(kind, batch=None):
    for seed in range(400):
        for exercise in generate("backprop", seed, count=4):
            if exercise.kind == kind and (batch is None or exercise.data.get("B") == batch):
                return exercise
    raise AssertionError(kind)


def test_a_shape_exercise_loads_its_sizes_and_asks_its_tensor_first(model):
    exercise = first_of_kind("shape", batch=1)
    model.load_exercise(exercise)
    d = exercise.data
    s = model.settings
    assert (s.N, s.M, s.K) == (d["N"], d["M"], d["K"])
    first = model.current_question()
    assert first.key == f"shape:{d['tensor']}" and first.exercise.answer == exercise.answer
    assert model.shape_hidden(d["tensor"])


def test_a_dE_df2_exercise_shows_its_softmax_output(model):
    exercise = first_of_kind("dE_df2")
    model.load_exercise(exercise)
    np.testing.assert_allclose(model.result.tensors["o"][0], exercise.data["o"], atol=1e-12)
    first = model.current_question()
    assert first.key == "values:dE/df2"
    np.testing.assert_allclose(first.exercise.answer, [float(v) for v in exercise.answer])
    model.answer(" ".join(str(float(v)) for v in exercise.answer))
    assert model.practice.outcome("values:dE/df2") == "right"


def test_a_dE_dW2_exercise_asks_its_entry(model):
    exercise = first_of_kind("dE_dW2")
    model.load_exercise(exercise)
    d = exercise.data
    np.testing.assert_allclose(model.result.tensors["a"][0], d["a"], atol=1e-12)
    first = model.current_question()
    assert first.label == f"dE/dW2[{d['row'] + 1},{d['column'] + 1}] ="
    assert first.exercise.answer == pytest.approx(float(exercise.answer))
    assert model.values_hidden("dE/dW2")
    assert model.explain_forward("dE_dW2", 0, 0) == HIDDEN_TEXT


def test_a_batch_shape_exercise_loads_its_batch():
    exercise = first_of_kind("shape", batch=3)
    model = BackpropModel()
    model.practice.set_on(True)
    model.load_exercise(exercise)
    assert model.settings.batch == 3 and model.result.tensors["x"].shape == (3, exercise.data["N"])
    assert model.current_question().exercise.answer == exercise.answer
    with pytest.raises(ValueError, match="cannot show"):
        model.load_exercise(generate("conv", 0)[0])


# ----- the tab -----------------------------------------------------------------------------------
@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, BackpropTab())
    widget.set_practice(True)
    return widget


def test_practice_hides_exactly_the_asked_values_in_the_tab(tab):
    box, strip = tab.answer_box, tab.forward.strip
    assert box.isVisible() and box.question() == "shape of x (rows × columns) ="
    assert box.tolerance() == "exact answer"
    assert all(strip.block(name).placeholder for name in FORWARD)
    assert strip.block("x").shape_label == "?×?"
    assert (
        strip.explain("x", 0, 0) == HIDDEN_TEXT
        and strip.cell_at(strip.block_rects()["x"].center()) is None
    )
    assert all(b.placeholder for b in tab.chain.strip.blocks())
    assert "[?]" in tab.chain.steps_text() and "1×" not in tab.chain.steps_text()
    assert "[?]" in tab.chain.verdict_text()
    shapes = tab.pages.shapes_table
    assert set(tab.pages.column(shapes, 2)) == {"?"} and set(tab.pages.column(shapes, 1)) == {"?"}
    assert set(tab.pages.column(tab.pages.shortcut_table, 2)) == {"?"}
    assert all(b.placeholder for b in tab.pages.params_strip.blocks())
    # A right answer shows the value; nothing else appears.
    box.type_answer("1x4")
    block = strip.block("x")
    assert not block.placeholder and block.values.shape == (1, 4) and "1×4" in block.shape_label
    assert strip.explain("x", 0, 1).startswith("x[1,2] = ")
    assert strip.block("W1").placeholder
    assert box.score() == "Score: 1 of 1 right" and "Right" in box.verdict()
    assert box.question() == "shape of W1 (rows × columns) ="


def test_a_wrong_answer_shows_the_right_one_beside_it(tab):
    box = tab.answer_box
    box.type_answer("1x4")
    box.type_answer("3x4")
    assert "You wrote 3x4; it is 4×3" in box.verdict() and "N×M = 4×3" in box.verdict()
    assert not tab.forward.strip.block("W1").placeholder
    assert not tab.pages.params_strip.block("dE_dW1").placeholder
    assert box.score() == "Score: 1 of 2 right"
    box.reveal_button.click()
    assert not tab.forward.strip.block("b1").placeholder
    assert box.score() == "Score: 1 of 3 right"
    assert tab.practice_score() == "1 of 3 right"


def test_dE_df2_values_stay_hidden_until_asked_and_answered(tab):
    for _ in range(17):
        tab.answer_box.reveal_button.click()
    assert tab.answer_box.question().startswith("dE/df2")
    assert tab.pages.shortcut_strip.block("short").values_hidden
    assert tab.pages.params_strip.block("dE_db2").values_hidden
    assert tab.model.explain_forward("dE_da", 0, 0) == HIDDEN_TEXT
    tab.model.set_frame(1)
    assert tab.chain.strip.block("P").values_hidden
    assert set(tab.pages.column(tab.pages.shortcut_table, 1)) == {"?"}
    tab.answer_box.type_answer(" ".join(f"{v:.4g}" for v in softmax_minus_y(tab.model)))
    assert "Right" in tab.answer_box.verdict()
    assert not tab.pages.shortcut_strip.block("short").values_hidden
    assert tab.chain.strip.explain("P", 0, 0).startswith("dE/df2[1,1] = ")
    assert tab.model.current_question() is None  # everything answered
    assert not tab.answer_box.field.isEnabled() and tab.answer_box.question() == ""


def test_new_exercise_loads_a_generated_exercise(tab):
    code = tab.new_exercise(7)
    assert code.startswith("backprop-7-")
    assert tab.answer_box.code() == f"Exercise {code}"
    assert tab.model.practice.code == code
    question = tab.model.current_question()
    assert question is not None and tab.answer_box.question() == question.label


def test_lesson_round_trip_in_practice_mode(qtbot):
    window = create_window(initial_tab="backprop")
    qtbot.addWidget(window)
    window.set_practice(True)
    code = window.new_exercise(11)
    model = window.models["backprop"]
    first = model.current_question().key
    window.tab("backprop").answer_box.reveal_button.click()
    text = lesson_to_text(window.lesson())
    other = create_window(initial_tab="descent")
    qtbot.addWidget(other)
    other.apply_lesson(lesson_from_text(text))
    restored = other.models["backprop"]
    assert other.is_practice() and other.current_key() == "backprop"
    assert restored.practice.code == code and restored.practice.score_text() == "0 of 1 right"
    assert restored.state() == model.state()
    # The exercise's own question is asked first again (then the others, from the start).
    assert restored.practice_questions()[0].key == first
    assert other.tab("backprop").answer_box.code() == f"Exercise {code}"


def test_a_deeper_batch_asks_its_own_shapes_then_its_samples_dE_dfL(model):
    from visualizer.tabs.backprop.model import BackpropSettings

    model.set_settings(BackpropSettings(N=3, M=2, more_hidden=(4,), K=3, batch=5, sample=3))
    asked = model.practice_questions()
    names = [q.key.split(":", 1)[1] for q in asked]
    assert names[:16] == ["x", "W1", "b1", "f1", "a1", "W2", "b2", "f2", "a2", "W3", "b3",
                          "f3", "o", "y", "E", "dE/do"]  # fmt: skip
    shapes = {q.key[6:]: q.exercise.answer for q in asked if q.key.startswith("shape:")}
    assert shapes["x"] == (5, 3) and shapes["f2"] == (5, 4) and shapes["W2"] == (2, 4)
    assert shapes["da2/df2"] == (4, 4) and shapes["df3/da2"] == (3, 4) and shapes["dE/dx"] == (1, 3)
    last = asked[-1]
    assert last.key == "values:dE/df3" and last.label.startswith("dE/df3 of sample 4 = (o − y) / 5")
    t = model.result.tensors
    o = np.exp(t["f3"][3]) / np.exp(t["f3"][3]).sum()
    np.testing.assert_allclose(last.exercise.answer, (o - t["y"][3]) / 5, atol=1e-15)
    assert model.values_hidden("dE/df3") and not model.values_hidden("dE/df2")
    assert model.shape_hidden("dE/dW3")  # shaped like W3, whose shape is asked
