"""The size solver gives both answers (exact and under the floor) and agrees with output_size."""

from fractions import Fraction

import pytest

from visualizer.compute import (
    explain_solve_padding,
    explain_solve_stride,
    output_size,
    padding_answers,
    stride_answers,
)


def size_or_none(n, f, p, s, d):
    """The floored output size, computed here from the formula; None when no window fits."""
    span = n + 2 * p - d * (f - 1) - 1
    return None if span < 0 else span // s + 1


@pytest.mark.parametrize("d", [1, 2, 3])
def test_stride_solver_agrees_with_output_size_everywhere(d):
    for n in range(1, 9):
        for f in range(1, 5):
            for p in range(3):
                span = n + 2 * p - d * (f - 1) - 1
                strides = range(1, n + 2 * p + 3)  # beyond span + 1 nothing changes
                for out in range(1, n + 2 * p + 3):
                    answers = stride_answers(n, f, p, out, d)
                    giving = [s for s in strides if size_or_none(n, f, p, s, d) == out]
                    listed = list(answers.floor_values)
                    if answers.open_ended:  # every stride from the listed one upwards
                        listed = list(range(listed[0], strides[-1] + 1))
                    assert listed == giving, (n, f, p, out, d)
                    for s, dropped in zip(answers.floor_values, answers.dropped, strict=True):
                        assert output_size(n, f, p, s, d) == out
                        assert dropped == span - (out - 1) * s
                    exact_whole = [s for s in giving if span == (out - 1) * s]
                    assert answers.exact_works == bool(exact_whole), (n, f, p, out, d)
                    if out > 1 and span >= 0:
                        assert answers.exact == Fraction(span, out - 1)
                    assert explain_solve_stride(n, f, p, out, d) == (
                        answers.exact,
                        answers.exact_works,
                        answers.text,
                    )


@pytest.mark.parametrize("d", [1, 2, 3])
def test_padding_solver_agrees_with_output_size_everywhere(d):
    for n in range(1, 9):
        for f in range(1, 5):
            for s in range(1, 4):
                for out in range(1, n + 5):
                    answers = padding_answers(n, f, s, out, d)
                    extent = d * (f - 1) + 1
                    paddings = range(0, out * s + extent + 2)  # larger p only grows the output
                    giving = [p for p in paddings if size_or_none(n, f, p, s, d) == out]
                    assert list(answers.floor_values) == giving, (n, f, s, out, d)
                    assert not answers.open_ended
                    for p, dropped in zip(answers.floor_values, answers.dropped, strict=True):
                        assert dropped == (n + 2 * p - extent) % s
                    exact = Fraction((out - 1) * s - n + extent, 2)
                    assert answers.exact == exact
                    exact_whole = [p for p in giving if n + 2 * p - extent == (out - 1) * s]
                    assert answers.exact_works == bool(exact_whole)
                    assert answers.exact_works == (exact.denominator == 1 and exact >= 0)
                    assert explain_solve_padding(n, f, s, out, d) == (
                        exact,
                        answers.exact_works,
                        answers.text,
                    )


def test_n7_f2_p0_out3_no_longer_contradicts_itself():
    s, works, text = explain_solve_stride(7, 2, 0, 3)
    assert (s, works) == (Fraction(5, 2), False)
    assert "no stride works" not in text  # stride 2 does give 3, under the floor
    assert "stride 5/2 is not a whole number, so no stride reaches every row exactly" in text
    assert "Under the floor, stride 2 (the last row never reached) gives 3 anyway." in text
    answers = stride_answers(7, 2, 0, 3)
    assert (answers.floor_values, answers.dropped) == ((2,), (1,))


def test_exercise_4b_is_impossible_both_ways():
    s, works, text = explain_solve_stride(4, 2, 1, 4)
    assert (s, works) == (Fraction(4, 3), False)
    assert text == (
        "s = (n + 2p - f)/(out - 1) = (4 + 2*1 - 2)/(4 - 1) = 4/3: stride 4/3 is not a whole "
        "number, so no stride works, not even under the floor (stride 1 gives 5, stride 2 gives 3)."
    )
    assert stride_answers(4, 2, 1, 4).floor_values == ()


def test_exact_answer_and_the_floor_answers_together():
    # 14 - 2 = 12 = 2 * 6: stride 6 is exact; stride 5 also gives 3, missing 2 rows.
    s, works, text = explain_solve_stride(14, 2, 0, 3)
    assert (s, works) == (6, True)
    assert text.endswith(
        ": stride 6 works. Under the floor, stride 5 (the last 2 rows never reached) gives 3 "
        "as well."
    )
    p, works, text = explain_solve_padding(4, 3, 1, 4)  # exercise 4a, unchanged
    assert (p, works) == (1, True)
    assert text == "p = ((out - 1)*s - n + f)/2 = ((4 - 1)*1 - 4 + 3)/2 = 1: padding 1 works."
    p, works, text = explain_solve_padding(5, 2, 2, 3)  # p = 1/2; padding 1 floors to 3
    assert (p, works) == (Fraction(1, 2), False)
    assert "Under the floor, padding 1 (the last row of the padded input never reached)" in text
    p, works, text = explain_solve_padding(6, 1, 1, 2)  # would need p = -2
    assert (p, works) == (-2, False)
    assert "cannot be negative" in text and "padding 0 already gives 6" in text


def test_output_of_one_and_kernels_that_do_not_fit():
    s, works, text = explain_solve_stride(4, 2, 1, 1)
    assert (s, works) == (None, False)
    assert "every stride of 5 or more gives it" in text
    assert explain_solve_stride(2, 2, 0, 1)[:2] == (None, True)  # kernel fills the input
    s, works, text = explain_solve_stride(3, 5, 0, 2)
    assert (s, works) == (None, False) and "does not fit" in text
    many = stride_answers(30, 2, 0, 2)
    assert many.floor_values == tuple(range(15, 29))
    assert "every stride from 15 to 27 gives 2 as well" in many.text


def test_dilated_solver_text_writes_the_dilation_term():
    s, works, text = explain_solve_stride(7, 2, 0, 3, dilation=2)
    assert (s, works) == (2, True)
    assert text.startswith("s = (n + 2p - d(f - 1) - 1)/(out - 1) = (7 + 2*0 - 2*(2 - 1) - 1)/")
    p, works, text = explain_solve_padding(7, 3, 1, 3, dilation=2)
    assert (p, works) == (0, True)
    assert text.startswith(
        "p = ((out - 1)*s - n + d(f - 1) + 1)/2 = ((3 - 1)*1 - 7 + 2*(3 - 1) + 1)/2"
    )
