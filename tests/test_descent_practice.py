"""Practice mode on the descent tab (issue 12): the next iterate is asked before it is shown."""

from __future__ import annotations

import pytest

from tests.helpers import shown_tab
from visualizer.app import create_window
from visualizer.compute import gelu_grad
from visualizer.exercises import from_code
from visualizer.tabs.descent.model import DescentModel
from visualizer.tabs.descent.tab import DescentTab

# REFERENCE.md, exercise 1a: x_1 = -0.05, x_2 = -0.0957501...
X1_1A = -0.05
# exercise 1c with momentum: v_1 = 0.1·GeLU'(-3), x_1 = -3 - v_1
G0_1C = float(gelu_grad(-3.0))


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, DescentTab())
    widget.load_preset("1a")
    widget.set_frame(0)
    widget.set_practice(True)
    return widget


def test_practice_hides_exactly_the_next_iterate(tab):
    assert tab.answer_box.isVisible()
    assert tab.answer_box.question() == "x₁ ="
    assert tab.cell(0, 1) == "0.000000"
    assert tab.cell(1, 0) == "1" and tab.cell(1, 1) == "?"
    assert tab.cell(1, 2) == "" and tab.cell(2, 1) is None
    t, _f = tab.steps_plot.run_points()
    assert list(t) == [0.0]  # the f(x_t) plot stops at the step shown
    assert "-0.05" not in tab.worked.shown_text()
    tab.set_practice(False)
    assert not tab.answer_box.isVisible()
    assert float(tab.cell(1, 1)) == pytest.approx(X1_1A)
    assert len(tab.steps_plot.run_points()[0]) == 4


def test_a_right_answer_plays_the_step(tab):
    tab.answer_box.type_answer("−0.05")
    assert tab.frame() == 1
    assert tab.practice_score() == "1 of 1 right"
    assert float(tab.cell(1, 1)) == pytest.approx(X1_1A)
    assert tab.cell(2, 1) == "?"
    assert tab.answer_box.question() == "x₂ ="
    assert tab.current_point()[0] == pytest.approx(X1_1A)


def test_a_wrong_answer_shows_the_worked_step_beside_it(tab):
    tab.answer_box.type_answer("-0.06")
    assert tab.frame() == 0  # the step is not played
    assert tab.practice_score() == "0 of 1 right"
    shown = tab.worked.text()
    assert shown.startswith("Step 1, worked out:")
    assert "x1 = x0 - lr*f'(x0)" in shown and "= -0.050000   ← you wrote -0.06" in shown
    assert float(tab.cell(1, 1)) == pytest.approx(X1_1A)  # the right value is shown now
    verdict = tab.answer_box.verdict()
    assert "-0.06" in verdict and "−0.05" in verdict
    # stepping on asks the next one
    tab.step_forward()
    assert tab.answer_box.question() == "x₂ ="


def test_unreadable_answers_keep_the_score(tab):
    for text in ("", "banana", "nan", "1e999"):
        tab.answer_box.type_answer(text)
        assert tab.practice_score() == "no answers yet"
        assert tab.frame() == 0
        assert tab.cell(1, 1) == "?"


def test_reveal(tab):
    tab.answer_box.reveal_button.click()
    assert tab.practice_score() == "0 of 1 right"
    assert float(tab.cell(1, 1)) == pytest.approx(X1_1A)
    assert tab.worked.text().startswith("Step 1, worked out:")
    assert "you wrote" not in tab.worked.text()


def test_momentum_asks_the_velocity_first(tab):
    tab.load_preset("1c momentum")
    tab.set_frame(0)
    assert tab.answer_box.question() == "v₁ ="
    headers = tab.iterates.table_model.headers()
    v_col, x_col = headers.index("v_t"), headers.index("x_t")
    assert tab.cell(1, v_col) == "?" and tab.cell(1, x_col) == "?"
    tab.answer_box.type_answer(f"{0.1 * G0_1C:.6g}")
    assert tab.frame() == 0 and tab.answer_box.question() == "x₁ ="
    assert float(tab.cell(1, v_col)) == pytest.approx(0.1 * G0_1C, rel=1e-6)
    assert tab.cell(1, x_col) == "?"
    tab.answer_box.type_answer(f"{-3.0 - 1.0 * 0.1 * G0_1C:.6g}")
    assert tab.frame() == 1
    assert tab.practice_score() == "2 of 2 right"


def test_nothing_is_asked_at_the_last_step(tab):
    tab.set_frame(3)
    assert tab.model.current_question() is None
    assert not tab.answer_box.field.isEnabled()


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 7])
def test_new_exercise_is_loaded_and_worked_step_by_step(tab, seed):
    code = tab.new_exercise(seed)
    exercise = from_code(code)
    assert tab.answer_box.code() == f"Exercise {code}"
    data = exercise.data
    s = tab.model.settings
    assert (s.objective, s.method, s.lr, s.x0, s.steps) == (
        data["objective"], data["method"], data["lr"], data["x0"], data["steps"],
    )  # fmt: skip
    assert tab.frame() == 0
    # work it by hand, as a student would, and type every value in
    grad = (lambda x: 2.0 * x) if data["objective"] == "square" else gelu_grad
    x, v = data["x0"], 0.0
    answers = data["steps"] * (2 if data["method"] == "momentum" else 1)
    for _ in range(data["steps"]):
        g = float(grad(x))
        if data["method"] == "momentum":
            v = data["beta"] * v + (1 - data["beta"]) * g
            tab.answer_box.type_answer(repr(v))
            x = x - data["lr"] * v
        else:
            x = x - data["lr"] * g
        tab.answer_box.type_answer(repr(x))
    assert tab.frame() == data["steps"]
    assert x == pytest.approx(float(exercise.answer), rel=1e-3)
    assert tab.practice_score() == f"{answers} of {answers} right"


def test_load_exercise_refuses_other_topics():
    model = DescentModel()
    with pytest.raises(ValueError):
        model.load_exercise(from_code(_a_conv_code()))


def _a_conv_code():
    from visualizer.exercises import generate

    return generate("conv", 1, count=1)[0].code


def test_lesson_round_trip_in_practice_mode(qtbot):
    window = create_window(initial_tab="descent")
    qtbot.addWidget(window)
    window.set_practice(True)
    tab = window.tab("descent")
    code = tab.new_exercise(5)
    tab.answer_box.type_answer("12345")  # wrong: the score is 0 of 1
    lesson = window.lesson("practice")
    state = lesson.tabs["descent"]
    window.set_practice(False)
    tab.load_preset("1b")
    window.apply_lesson(lesson)
    assert window.is_practice()
    assert tab.model.practice.code == code
    assert tab.practice_score() == "0 of 1 right"
    assert tab.model.state() == state
    assert not tab.answer_box.isHidden()
    assert tab.answer_box.question().startswith(("x₁", "v₁"))
