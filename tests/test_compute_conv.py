"""Convolution and pooling against REFERENCE.md section 4 and against brute-force loops."""

from fractions import Fraction

import numpy as np
import pytest

from visualizer.compute import (
    EXERCISE4_INPUT,
    EXERCISE4_KERNEL,
    KERNEL_PRESETS,
    avg_pool_kernel,
    conv_terms,
    convolve2d,
    correlate2d,
    coverage,
    explain_solve_padding,
    explain_solve_stride,
    format_sum_of_products,
    output_size,
    output_size_steps,
    pad2d,
    pool2d,
    pool_argmax,
    pool_terms,
    receptive_field,
    solve_padding,
    solve_stride,
    unreached_trailing,
)

F = [[3, 5, 2, 3], [9, 1, 8, 4], [6, 4, 3, 7], [7, 0, 2, 4]]
K = [[-1, 0.5, -2], [2, 0, 1], [0, 1, 1.5]]
# REFERENCE.md section 4, typed in.
F_PRIME = [[15.5, 21, 27, 8], [4.5, 30, 9.5, 22.5], [13.5, -6.5, 18, 4], [-5, 6, -12.5, 4.5]]
F_TRUE_CONV = [[13.5, -18.5, 9, -12], [4, 21.5, 5, 11.5], [20.5, 10.5, 24.5, 17], [6, 24, 17, 13.5]]


# ----- brute force, written independently of the module ------------------------------------------
def brute_correlate(x, k, p, s):
    x = np.asarray(x, float)
    k = np.asarray(k, float)
    n_r, n_c = x.shape
    xp = np.zeros((n_r + 2 * p, n_c + 2 * p))
    xp[p : p + n_r, p : p + n_c] = x
    rows = []
    i = 0
    while i + k.shape[0] <= xp.shape[0]:
        row = []
        j = 0
        while j + k.shape[1] <= xp.shape[1]:
            total = 0.0
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    total += xp[i + u, j + v] * k[u, v]
            row.append(total)
            j += s
        rows.append(row)
        i += s
    return np.array(rows)


def brute_convolve(x, k, p, s):
    k = np.asarray(k, float)
    flipped = np.array([[k[k.shape[0] - 1 - u, k.shape[1] - 1 - v] for v in range(k.shape[1])]
                        for u in range(k.shape[0])])  # fmt: skip
    return brute_correlate(x, flipped, p, s)


def brute_pool(x, size, stride, mode):
    x = np.asarray(x, float)
    out = []
    i = 0
    while i + size <= x.shape[0]:
        row = []
        j = 0
        while j + size <= x.shape[1]:
            vals = [x[i + u, j + v] for u in range(size) for v in range(size)]
            row.append(max(vals) if mode == "max" else sum(vals) / len(vals))
            j += stride
        out.append(row)
        i += stride
    return np.array(out)


def loop_count(n, f, p, s):
    count = 0
    start = 0
    while start + f <= n + 2 * p:
        count += 1
        start += s
    return count


# ----- exercise 4 ----------------------------------------------------------------------------
def test_exercise_4a_cross_correlation_with_padding_1():
    out = correlate2d(F, K, padding=1, stride=1)
    assert out.tolist() == F_PRIME
    assert out[3, 2] == -12.5  # row 4, column 3 (the sheet's table wrote -2.5)


def test_exercise_4a_true_convolution_flips_the_kernel():
    assert convolve2d(F, K, padding=1).tolist() == F_TRUE_CONV


def test_exercise_4a_padding_solved_exactly():
    assert solve_padding(4, 3, 1, 4) == Fraction(1)
    assert output_size(4, 3, 1, 1) == 4


def test_exercise_4b_stride_is_four_thirds():
    s = solve_stride(4, 2, 1, 4)
    assert s == Fraction(4, 3)
    assert s.denominator != 1
    # and indeed no whole stride gives 4 outputs under the floored formula
    assert all(output_size(4, 2, 1, stride) != 4 for stride in range(1, 10))


def test_exercise_4c_average_pool_of_f_prime():
    pooled = pool2d(correlate2d(F, K, padding=1), 2, mode="avg")
    assert pooled.tolist() == [[17.75, 16.75], [2, 3.5]]


def test_exercise_4d_average_pool_is_a_convolution_with_quarter_kernel():
    f_prime = np.array(F_PRIME)
    quarter = avg_pool_kernel(2)
    assert quarter.tolist() == [[0.25, 0.25], [0.25, 0.25]]
    assert correlate2d(f_prime, quarter, padding=0, stride=2).tolist() == [[17.75, 16.75], [2, 3.5]]
    np.testing.assert_allclose(
        correlate2d(f_prime, quarter, 0, 2), pool2d(f_prime, 2, 2, "avg"), rtol=0, atol=1e-12
    )


def test_exercise_data_and_sheet_kernel_preset():
    assert EXERCISE4_INPUT.tolist() == F
    assert EXERCISE4_KERNEL.tolist() == K
    assert KERNEL_PRESETS["Sheet's kernel (exercise 4)"].tolist() == K


def test_first_cell_sum_of_products_text():
    terms = conv_terms(F, K, 0, 0, padding=1)
    assert format_sum_of_products(terms) == (
        "0*(-1) + 0*0.5 + 0*(-2) + 0*2 + 3*0 + 5*1 + 0*0 + 9*1 + 1*1.5 = 15.5"
    )
    assert terms.window == (0, 3, 0, 3)


# ----- against brute force --------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(40))
def test_correlate_and_convolve_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_r, n_c = rng.integers(1, 9, size=2)
    p = int(rng.integers(0, 3))
    f_r = int(rng.integers(1, min(n_r + 2 * p, 5) + 1))
    f_c = int(rng.integers(1, min(n_c + 2 * p, 5) + 1))
    s = int(rng.integers(1, 4))
    x = rng.normal(size=(n_r, n_c))
    k = rng.normal(size=(f_r, f_c))
    np.testing.assert_allclose(correlate2d(x, k, p, s), brute_correlate(x, k, p, s), atol=1e-12)
    np.testing.assert_allclose(convolve2d(x, k, p, s), brute_convolve(x, k, p, s), atol=1e-12)
    out = correlate2d(x, k, p, s)
    assert out.shape == (output_size(n_r, f_r, p, s), output_size(n_c, f_c, p, s))
    # every cell's written-out sum equals the grid value exactly
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            assert conv_terms(x, k, i, j, p, s).total == out[i, j]
            assert conv_terms(x, k, i, j, p, s, flip=True).total == convolve2d(x, k, p, s)[i, j]


@pytest.mark.parametrize("seed", range(30))
def test_pool_matches_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    n_r, n_c = rng.integers(1, 10, size=2)
    size = int(rng.integers(1, min(n_r, n_c) + 1))
    stride = int(rng.integers(1, 4))
    x = rng.normal(size=(n_r, n_c))
    for mode in ("avg", "max"):
        np.testing.assert_allclose(
            pool2d(x, size, stride, mode), brute_pool(x, size, stride, mode), atol=1e-12
        )
    np.testing.assert_allclose(pool2d(x, size), brute_pool(x, size, size, "avg"), atol=1e-12)
    # arg-max cells hold the max value of their window and lie inside it
    am = pool_argmax(x, size, stride)
    mx = pool2d(x, size, stride, "max")
    avg = pool2d(x, size, stride, "avg")
    for i in range(mx.shape[0]):
        for j in range(mx.shape[1]):
            r, c = am[i, j]
            assert i * stride <= r < i * stride + size and j * stride <= c < j * stride + size
            assert x[r, c] == mx[i, j]
            terms = pool_terms(x, i, j, size, stride, "max")
            assert terms.argmax == (r, c) and terms.total == mx[i, j]
            # the written-out mean equals the grid's value to the last bit
            assert pool_terms(x, i, j, size, stride, "avg").total == avg[i, j]


def test_pool_terms_text_for_exercise_4c():
    terms = pool_terms(np.array(F_PRIME), 0, 0, 2, 2, "avg")
    assert terms.text() == "(15.5 + 21 + 4.5 + 30)/4 = 17.75"
    terms = pool_terms(np.array(F_PRIME), 1, 1, 2, 2, "avg")
    assert terms.text() == "(18 + 4 + (-12.5) + 4.5)/4 = 3.5"
    terms = pool_terms(np.array(F_PRIME), 0, 0, 2, 2, "max")
    assert terms.text() == "max(15.5, 21, 4.5, 30) = 30"
    assert terms.argmax == (1, 1)


@pytest.mark.parametrize("n", range(1, 9))
@pytest.mark.parametrize("f", range(1, 5))
@pytest.mark.parametrize("p", range(3))
@pytest.mark.parametrize("s", range(1, 5))
def test_output_size_matches_loop_count_and_coverage(n, f, p, s):
    if f > n + 2 * p:
        with pytest.raises(ValueError):
            output_size(n, f, p, s)
        return
    assert output_size(n, f, p, s) == loop_count(n, f, p, s)
    reached = coverage(n, f, p, s)
    # brute-force coverage
    expected = np.zeros(n + 2 * p, bool)
    start = 0
    while start + f <= n + 2 * p:
        expected[start : start + f] = True
        start += s
    np.testing.assert_array_equal(reached, expected)
    trailing = unreached_trailing(n, f, p, s)
    assert trailing == (n + 2 * p - f) % s
    assert (trailing > 0) == ((n + 2 * p - f) % s != 0)
    if trailing:
        assert not reached[-trailing:].any()


def test_output_size_steps_shows_floor():
    assert output_size_steps(4, 3, 1, 1) == "floor((4 + 2*1 - 3)/1) + 1 = 3 + 1 = 4"
    assert output_size_steps(5, 2, 0, 2) == (
        "floor((5 + 2*0 - 2)/2) + 1 = floor(3/2) + 1 = 1 + 1 = 2"
    )


def test_solvers_against_the_formula():
    for n in range(1, 9):
        for f in range(1, n + 1):
            for out in range(1, n + 4):
                for s in range(1, 4):
                    pad = solve_padding(n, f, s, out)
                    assert (n + 2 * pad - f) / s + 1 == out
                for p in range(3):
                    if out == 1:
                        continue
                    st = solve_stride(n, f, p, out)
                    if st == 0:  # n + 2p == f: only one window, so out > 1 is impossible
                        assert n + 2 * p == f
                        continue
                    assert (n + 2 * p - f) / st + 1 == out


def test_receptive_field_and_padding():
    assert receptive_field(1, 2, (3, 3), 2) == (2, 5, 4, 7)
    assert pad2d([[1, 2]], 1).tolist() == [[0, 0, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]]


# ----- bad arguments --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: correlate2d(np.ones((2, 2)), np.ones((3, 3))), "does not fit"),
        (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride=0), "at least 1"),
        (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), padding=-1), "negative"),
        (lambda: correlate2d(np.ones(4), np.ones((3, 3))), "2-D"),
        (lambda: correlate2d(np.ones((4, 4)), np.ones((1, 1, 1))), "2-D"),
        (lambda: correlate2d([[1.0, np.nan]], [[1.0]]), "finite"),
        (lambda: convolve2d([[1.0, np.inf]], [[1.0]]), "finite"),
        (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride=1.5), "whole number"),
        (lambda: pool2d(np.ones((2, 2)), 3), "does not fit"),
        (lambda: pool2d(np.ones((4, 4)), 2, mode="median"), "avg"),
        (lambda: pool2d(np.ones((4, 4)), 2, stride=0), "at least 1"),
        (lambda: output_size(2, 5, 1, 1), "does not fit"),
        (lambda: output_size(4, 2, -1, 1), "negative"),
        (lambda: solve_stride(4, 2, 1, 1), "single window"),
        (lambda: correlate2d(np.ones((0, 3)), np.ones((1, 1))), "empty"),
    ],
)
def test_bad_arguments_raise_value_error_with_a_sentence(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_overflow_is_refused_without_a_numpy_warning():
    x = np.full((6, 6), 1e200)
    with pytest.raises(ValueError, match="too large"):
        correlate2d(x, np.full((3, 3), 1e200))
    # averaging never overflows: the mean of finite values is finite (issue 15)
    assert np.all(np.isfinite(pool2d(np.full((4, 4), 1.5e308), 2)))
    assert correlate2d(np.full((64, 80), 1e100), np.ones((5, 5))).shape == (60, 76)


def test_solver_sentences():
    p, works, text = explain_solve_padding(4, 3, 1, 4)
    assert (p, works) == (1, True)
    assert text == "p = ((out - 1)*s - n + f)/2 = ((4 - 1)*1 - 4 + 3)/2 = 1: padding 1 works."
    s, works, text = explain_solve_stride(4, 2, 1, 4)
    assert (s, works) == (Fraction(4, 3), False)
    assert "stride 4/3 is not a whole number, so no stride works" in text
    assert "stride 1 gives 5, stride 2 gives 3" in text
    assert explain_solve_padding(4, 2, 1, 4)[1] is False  # p = 1/2
    assert explain_solve_padding(6, 1, 1, 2)[1] is False  # negative
    assert explain_solve_stride(6, 2, 0, 3)[:2] == (2, True)
    assert explain_solve_stride(4, 2, 1, 1)[0] is None


@pytest.mark.parametrize("seed", range(6))
def test_correlate_in_several_cache_bands_matches_brute_force(seed, monkeypatch):
    # Small bands force the banded loop through many band boundaries, with strides.
    from visualizer.compute import conv as conv_module

    monkeypatch.setattr(conv_module, "_BAND_ELEMENTS", 1)
    rng = np.random.default_rng(200 + seed)
    x = rng.normal(size=(int(rng.integers(20, 45)), int(rng.integers(5, 30))))
    k = rng.normal(size=(int(rng.integers(1, 6)), int(rng.integers(1, 6))))
    p, s = int(rng.integers(0, 3)), int(rng.integers(1, 4))
    np.testing.assert_allclose(correlate2d(x, k, p, s), brute_correlate(x, k, p, s), atol=1e-12)


def test_large_image_matches_an_independent_numpy_reference():
    from numpy.lib.stride_tricks import sliding_window_view

    rng = np.random.default_rng(7)
    x = rng.random((300, 520))
    k = rng.random((5, 5))
    reference = np.einsum("ijkl,kl->ij", sliding_window_view(x, (5, 5)), k)
    np.testing.assert_allclose(correlate2d(x, k), reference, atol=1e-11)
