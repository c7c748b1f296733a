"""Reading typed answers, and the sheet's own exercises built with the engine's builders.

Expected values come from REFERENCE.md (the sheet recomputed in float64) and from hand
arithmetic written in the tests.
"""

from fractions import Fraction

import pytest

from visualizer.exercises import check, evaluate_call, parse_number, parse_shape, parse_vector
from visualizer.exercises.backprop import de_df2_exercise, de_dw2_exercise, shape_exercise
from visualizer.exercises.conv import (
    conv_cell_exercise,
    output_size_exercise,
    pool_cell_exercise,
    solve_exercise,
)
from visualizer.exercises.descent import descent_exercise
from visualizer.exercises.gates import output_exercise, truth_table_exercise, weights_exercise

F = [[3, 5, 2, 3], [9, 1, 8, 4], [6, 4, 3, 7], [7, 0, 2, 4]]
KERNEL = [[-1, 0.5, -2], [2, 0, 1], [0, 1, 1.5]]
F_PRIME = [[15.5, 21, 27, 8], [4.5, 30, 9.5, 22.5], [13.5, -6.5, 18, 4], [-5, 6, -12.5, 4.5]]


def right(exercise, *texts):
    for text in texts:
        verdict = check(exercise, text)
        assert verdict.correct, (text, verdict.message)


def wrong(exercise, *texts):
    for text in texts:
        verdict = check(exercise, text)
        assert not verdict.correct, (text, verdict.message)


# ----- parsing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-0.1376", -0.1376),
        ("\u22120.1376", -0.1376),
        ("-1.376e-1", -0.1376),
        ("-1.376E-1", -0.1376),
        ("  .5 ", 0.5),
        ("0,5", 0.5),
        ("+2", 2.0),
        ("4/3", 4 / 3),
        ("\u22121/2", -0.5),
        ("½", 0.5),
        ("x_1 = \u22120.05", -0.05),
        ("≈ 17.75", 17.75),
        ("１７", 17.0),
    ],
)
def test_parse_number_reads_every_spelling(text, value):
    assert parse_number(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    "text",
    ["", "  ", "nan", "inf", "-inf", "1e400", "--1", "1/0", "abc", "x" * 10000, "1_0", "0x1"],
)
def test_parse_number_refuses_with_a_sentence_that_shows_what_to_type(text):
    with pytest.raises(ValueError) as info:
        parse_number(text)
    message = str(info.value)
    assert "−0.137" in message and message.endswith(".") and len(message) < 120


@pytest.mark.parametrize(
    "text", ["1x3", "1×3", "1 X 3", "(1, 3)", "[1, 3]", "1*3", "1 3", "1,3", "1 by 3", "f1 = 1×3"]
)
def test_parse_shape_reads_every_spelling(text):
    assert parse_shape(text) == (1, 3)


@pytest.mark.parametrize("text", ["", "Bx3", "1x0", "1.5x3", "x", "-1x3", "1x2x3x4x5", "🙂"])
def test_parse_shape_refuses_what_is_not_a_shape(text):
    with pytest.raises(ValueError, match="like 1×3"):
        parse_shape(text)


def test_parse_vector():
    assert parse_vector("[0.2, \u22120.5, 0.3]") == [0.2, -0.5, 0.3]
    assert parse_vector("(1/4; 3/4)") == [0.25, 0.75]
    assert parse_vector("dE/df2 = 0.2 -0.5 0.3") == [0.2, -0.5, 0.3]
    assert parse_vector("0,2; \u22120,5; 0,3") == [0.2, -0.5, 0.3]
    with pytest.raises(ValueError):
        parse_vector("0.2, nan")


# ----- exercise 1: descent -----------------------------------------------------------------------
def test_sheet_1a_three_steps_of_gd_on_gelu():
    ex = descent_exercise("descent-0-0", "gelu", "gd", 0.1, 0.0, 3)
    assert ex.answer == pytest.approx(-0.13763771842581057, rel=1e-13)
    assert ex.tolerance == "3 significant digits"
    assert evaluate_call(ex) == pytest.approx(ex.answer, rel=1e-13)
    right(ex, "-0.1376", "\u22120.1376", "-1.376e-1", "-0.137", "-0.138", "x_3 = -0.13764")
    wrong(ex, "-0.139", "-0.136", "-0.14", "0.1376", "-0.09575", "", "nan")
    assert "sign" in check(ex, "0.1376").message
    assert "Close" in check(ex, "-0.14").message
    assert check(ex, "abc").message == "“abc” is not a number: type a number like −0.137."
    # the worked lines put the sheet's numbers in, in its style
    assert ex.solution[1] == "s = σ(1.702·x_0) = σ(1.702·0) = σ(0) = 0.5"
    assert ex.solution[3] == "x_1 = x_0 − η·GeLU'(x_0) = 0 − 0.1·0.5 = −0.05"
    assert ex.solution[-1] == "x_3 ≈ −0.138 (to 3 significant digits)"


def test_sheet_1c_with_momentum():
    ex = descent_exercise("descent-0-0", "gelu", "momentum", 1.0, -3.0, 3, beta=0.9)
    assert ex.answer == pytest.approx(-2.986191702877126, rel=1e-13)
    assert ex.data == {
        "objective": "gelu", "method": "momentum", "lr": 1.0, "x0": -3.0, "steps": 3, "beta": 0.9
    }  # fmt: skip
    right(ex, "-2.986", "-2.99", "-2.98")
    wrong(ex, "-2.97", "-3")


def test_descent_on_a_parabola_is_exact():
    # x_{t+1} = (1 - 2·0.1) x_t: 3 -> 2.4 -> 1.92 -> 1.536
    ex = descent_exercise("descent-0-0", "square", "gd", 0.1, 3.0, 3)
    assert ex.answer == 1.536 and ex.tolerance == "exact"
    assert ex.solution[1] == "f'(x_0) = 2·x_0 = 2·3 = 6"
    assert ex.solution[2] == "x_1 = x_0 − η·f'(x_0) = 3 − 0.1·6 = 2.4"
    right(ex, "1.536", "1.5360", "192/125", "1.536e0")
    wrong(ex, "1.54", "1.53", "1.5")
    assert "exact" in check(ex, "1.54").message
    # momentum: v1 = 0.1·6 = 0.6, x1 = 2.4; v2 = 0.54 + 0.1·4.8 = 1.02, x2 = 1.38
    ex = descent_exercise("descent-0-0", "square", "momentum", 1.0, 3.0, 2, beta=0.9)
    assert ex.answer == 1.38
    assert evaluate_call(ex) == pytest.approx(1.38, rel=1e-15)


# ----- exercise 2: gates -------------------------------------------------------------------------
SHEET_XOR = [[[[1, -1], [-1, 1]], [-0.5, -0.5]], [[[1], [1]], [-0.5]]]


def test_sheet_xor_network_output_and_truth_table():
    ex = output_exercise("gates-0-0", SHEET_XOR, 1, 0)
    assert ex.answer == 1 and evaluate_call(ex) == 1
    assert ex.solution[0] == (
        "C = step(1·A + (−1)·B − 0.5) = step(1·1 + (−1)·0 − 0.5) = step(0.5) = 1"
    )
    right(ex, "1", "1.0", "Out = 1")
    wrong(ex, "0", "0.5")
    assert "0 or 1" in check(ex, "2").message
    table = truth_table_exercise("gates-0-0", SHEET_XOR)
    assert table.answer == [0, 1, 1, 0]
    assert evaluate_call(table) == [0, 1, 1, 0]
    assert table.solution[-1].endswith("(these weights make XOR)")
    right(table, "0110", "0 1 1 0", "[0, 1, 1, 0]", "0,1,1,0")
    wrong(table, "1001", "011", "0 1 1 0 1", "0 1 1 2")
    assert "11" in check(table, "0111").message


def test_weights_for_a_gate_are_checked_by_the_truth_table():
    ex = weights_exercise("gates-0-0", "AND")
    assert ex.call is None
    right(ex, "1 1 -1.5", "w1=0.5, w2=0.5, b=-0.75", "w = (2, 2), b = \u22123", "b=-3 w2=2 w1=2")
    right(ex, "w₁ = 1, w₂ = 1, b = −1.5", "[1, 1, -1.5]", "wa: 1; wb: 1; bias: -1.5")
    # the sheet's AND works only because z = 0 counts as 1: right, with a note
    sheet_and = check(ex, "0.25 0.25 -0.5")
    assert sheet_and.correct and "zero margin" in sheet_and.message
    # exact arithmetic: 0.1 + 0.2 - 0.3 is 0, not 5.6e-17
    assert "zero margin" in check(ex, "0.1 0.2 -0.3").message
    wrong(ex, "1 1 -0.5", "impossible", "1 1", "w1=1, b=-1.5", "w1=1, w1=1, b=-1.5")
    # the sheet's "OR" has AND's weights: rows 01 and 10 are wrong
    sheet_or = check(weights_exercise("gates-0-0", "OR"), "0.25 0.25 -0.5")
    assert not sheet_or.correct and "01, 10" in sheet_or.message


@pytest.mark.parametrize("gate", ["XOR", "XNOR"])
def test_no_single_neuron_makes_xor_or_xnor(gate):
    ex = weights_exercise("gates-0-0", gate)
    assert ex.answer == "impossible"
    right(ex, "impossible", "Impossible.", "not possible", "no")
    wrong(ex, "1 1 -0.5", "1 -1 0.5", "possible")


# ----- exercise 3: backprop ----------------------------------------------------------------------
def test_shapes_of_the_sheets_chain():
    ex = shape_exercise("backprop-0-0", "dE/dx", 3, 5, 4, 1)
    assert ex.answer == (1, 3) and evaluate_call(ex) == (1, 3)
    right(ex, "1x3", "1×3", "(1, 3)", "1 3", "[1,3]", "1*3", "dE/dx = 1×3")
    wrong(ex, "3x1", "1", "1x3x1", "1x5", "impossible")
    assert "swapped" in check(ex, "3×1").message
    jac = shape_exercise("backprop-0-0", "df1/dx", 3, 5, 4, 1)
    assert jac.answer == (5, 3)
    batch = shape_exercise("backprop-0-0", "dE/dx", 3, 5, 4, 6)
    assert batch.answer == (6, 3) and batch.call is None
    weights = shape_exercise("backprop-0-0", "dE/dW1", 3, 5, 4, 6)
    assert weights.answer == (3, 5) and evaluate_call(weights) == (3, 5)


def test_de_df2_is_o_minus_y():
    ex = de_df2_exercise("backprop-0-0", [0.2, 0.5, 0.3], 1)
    assert ex.answer == [0.2, -0.5, 0.3]
    assert evaluate_call(ex) == pytest.approx([0.2, -0.5, 0.3], abs=1e-15)
    right(
        ex, "0.2 -0.5 0.3", "[0.2, \u22120.5, 0.3]", "(1/5; -1/2; 3/10)", "dE/df2 = 0.2, -0.5, 0.3"
    )
    wrong(ex, "0.2 0.5 0.3", "-0.2 0.5 -0.3", "0.2 -0.5", "0.2 -0.5 0.3 0")
    assert "3 numbers" in check(ex, "0.2 -0.5").message
    w2 = de_dw2_exercise("backprop-0-0", [0.5, 0.8], [0.2, 0.5, 0.3], 1, 1, 1)
    assert w2.answer == -0.4  # a_2 (o_2 - y_2) = 0.8 · (0.5 - 1)
    assert evaluate_call(w2) == pytest.approx(-0.4, abs=1e-15)


# ----- exercise 4: convolution -------------------------------------------------------------------
def test_sheet_4a_cells_padding_and_size():
    cell = conv_cell_exercise("conv-0-0", F, KERNEL, 1, 1, 0, 0)
    assert cell.answer == 15.5 and evaluate_call(cell) == 15.5
    right(cell, "15.5", "31/2", "15,5")
    wrong(cell, "15", "16", "-15.5")
    # the sheet's table says -2.5 at row 4, column 3; -12.5 is right
    cell = conv_cell_exercise("conv-0-0", F, KERNEL, 1, 1, 3, 2)
    assert cell.answer == -12.5
    wrong(cell, "-2.5")
    assert cell.solution[-1].startswith("F'[4,3] = 4·(−1) + 3·0.5 + 7·(−2) + 0·2")
    padding = solve_exercise("conv-0-0", "padding", 4, 3, 4, stride=1)
    assert padding.answer == 1 and evaluate_call(padding) == 1
    right(padding, "1", "p = 1", "1.0")
    wrong(padding, "impossible", "0", "2", "0.5")
    size = output_size_exercise("conv-0-0", 4, 3, 1, 1)
    assert size.answer == 4
    right(size, "4", "4x4", "4 × 4")
    wrong(size, "3", "4x3", "4.5")


def test_sheet_4b_stride_four_thirds_is_impossible():
    ex = solve_exercise("conv-0-0", "stride", 4, 2, 4, padding=1)
    assert ex.answer == Fraction(4, 3) and evaluate_call(ex) == Fraction(4, 3)
    right(ex, "impossible", "Impossible!", "4/3", "8/6", "1.333", "1.33", "1.3333", "s = 4/3")
    right(ex, "no stride", "impossible: 4/3 is not whole", "“impossible”")
    wrong(ex, "1.3", "1.34", "1", "2", "-4/3", "", "impossible 8", "possible")
    assert ex.solution[-1] == "(The nearest whole strides: stride 1 gives 5, stride 2 gives 3.)"
    assert "impossible" in check(ex, "4/3").message


def test_a_stride_the_floor_also_accepts_is_right():
    # (20 - 0)/s + 1 = 3: s = 10 exactly, but ⌊20/7⌋ + 1 = 3 as well
    ex = solve_exercise("conv-0-0", "stride", 22, 2, 3, padding=0)
    assert ex.answer == 10
    right(ex, "10", "7", "8", "9")
    wrong(ex, "6", "11", "impossible")
    assert "rounds down" in check(ex, "7").message


def test_sheet_4c_pooled_cell():
    ex = pool_cell_exercise("conv-0-0", F_PRIME, 2, "avg", 0, 0)
    assert ex.answer == 17.75 and evaluate_call(ex) == 17.75
    assert ex.solution[-1] == "(15.5 + 21 + 4.5 + 30)/4 = 71/4 = 17.75"
    right(ex, "17.75", "71/4")
    wrong(ex, "11.75", "17.8", "17.7")  # 11.75 is the sheet's slip
    ninths = pool_cell_exercise("conv-0-0", [[1, 2, 3], [4, 5, 6], [7, 8, 1]], 3, "avg", 0, 0)
    assert ninths.answer == Fraction(37, 9)
    right(ninths, "37/9", "4.11", "4.111", "4.1111")
    wrong(ninths, "4.1", "4.12", "4.112")
    biggest = pool_cell_exercise("conv-0-0", F_PRIME, 2, "max", 1, 1)
    assert biggest.answer == 18


def test_unreadable_answers_are_not_graded_and_wrong_ones_are():
    # Practice keeps the score for text that is not an answer of the right form.
    from visualizer.exercises import generate

    for topic in ("descent", "gates", "backprop", "conv"):
        for exercise in generate(topic, 7, count=6):
            for text in ("", "   ", "hello", "nan", "inf", "1e400", "x" * 5000):
                verdict = check(exercise, text)
                assert not verdict.correct and not verdict.graded, (exercise.code, text)
            assert check(exercise, exercise.answer_text).graded
    sheet_4c = pool_cell_exercise("conv-0-0", F_PRIME, 2, "avg", 0, 0)
    slip = check(sheet_4c, "11.75")  # the sheet's own slip
    assert not slip.correct and slip.graded
