"""Dilated correlation/convolution and the size helpers, against loops written here."""

import numpy as np
import pytest

from visualizer.compute import (
    conv_terms,
    convolve2d,
    correlate2d,
    coverage,
    dilated_kernel_size,
    output_size,
    output_size_steps,
    receptive_field,
    unreached_trailing,
)


# ----- brute force, written independently of the module -----------------------------------------
def brute_correlate(x, k, p, s, d):
    """Every output cell summed directly: sum_{u,v} x_p[i s + u d, j s + v d] k[u, v]."""
    x = np.asarray(x, float)
    k = np.asarray(k, float)
    xp = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p))
    xp[p : p + x.shape[0], p : p + x.shape[1]] = x
    span_r = d * (k.shape[0] - 1)
    span_c = d * (k.shape[1] - 1)
    rows = []
    i = 0
    while i + span_r < xp.shape[0]:
        row = []
        j = 0
        while j + span_c < xp.shape[1]:
            total = 0.0
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    total += xp[i + u * d, j + v * d] * k[u, v]
            row.append(total)
            j += s
        rows.append(row)
        i += s
    return np.array(rows)


def window_count(n, f, p, s, d):
    count, start = 0, 0
    while start + d * (f - 1) <= n + 2 * p - 1:
        count += 1
        start += s
    return count


def random_case(rng):
    n_r, n_c = (int(v) for v in rng.integers(1, 10, size=2))
    p = int(rng.integers(0, 3))
    d = int(rng.integers(1, 4))
    s = int(rng.integers(1, 4))
    # kernel sizes whose dilated span still fits the padded input
    f_r = int(rng.integers(1, (n_r + 2 * p - 1) // d + 2))
    f_c = int(rng.integers(1, (n_c + 2 * p - 1) // d + 2))
    x = rng.normal(size=(n_r, n_c))
    k = rng.normal(size=(min(f_r, 4), min(f_c, 4)))
    return x, k, p, s, d


@pytest.mark.parametrize("seed", range(40))
def test_dilated_correlate_and_convolve_match_brute_force(seed):
    rng = np.random.default_rng(1000 + seed)
    x, k, p, s, d = random_case(rng)
    out = correlate2d(x, k, p, s, d)
    np.testing.assert_allclose(out, brute_correlate(x, k, p, s, d), atol=1e-12)
    np.testing.assert_allclose(
        convolve2d(x, k, p, s, d), brute_correlate(x, k[::-1, ::-1], p, s, d), atol=1e-12
    )
    assert out.shape == (
        output_size(x.shape[0], k.shape[0], p, s, d),
        output_size(x.shape[1], k.shape[1], p, s, d),
    )
    # each cell's written-out sum is the grid value to the last bit, over the dilated taps
    xp = np.pad(x, p)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            terms = conv_terms(x, k, i, j, p, s, dilation=d)
            assert terms.total == out[i, j]
            assert terms.cells() == [
                (i * s + u * d, j * s + v * d) for u in range(k.shape[0]) for v in range(k.shape[1])
            ]
            assert [xp[r, c] for r, c in terms.cells()] == terms.inputs.ravel().tolist()


def test_dilation_on_a_hand_example():
    # 5x5 input 0..24, 2x2 kernel of ones at dilation 2: each output adds the corners of a
    # 3x3 block, e.g. out[0, 0] = 0 + 2 + 10 + 12 = 24.
    x = np.arange(25.0).reshape(5, 5)
    out = correlate2d(x, np.ones((2, 2)), dilation=2)
    assert out.tolist() == [[24, 28, 32], [44, 48, 52], [64, 68, 72]]
    assert receptive_field(1, 2, (2, 2), stride=1, dilation=2) == (1, 4, 2, 5)
    assert dilated_kernel_size(3, 2) == 5


def test_dilation_one_keeps_the_old_results():
    x = np.arange(30.0).reshape(5, 6)
    k = np.array([[1.0, -2, 0.5], [0, 3, 1]])
    assert correlate2d(x, k, 1, 2, 1).tolist() == correlate2d(x, k, 1, 2).tolist()
    assert output_size_steps(4, 3, 1, 1, 1) == "floor((4 + 2*1 - 3)/1) + 1 = 3 + 1 = 4"
    assert receptive_field(1, 2, (3, 3), 2, 1) == (2, 5, 4, 7)


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("p", [0, 1, 2])
def test_sizes_coverage_and_trailing_rows_against_loops(p, s, d):
    for n in range(1, 9):
        for f in range(1, 5):
            if d * (f - 1) + 1 > n + 2 * p:
                with pytest.raises(ValueError, match="does not fit"):
                    output_size(n, f, p, s, d)
                continue
            count = window_count(n, f, p, s, d)
            assert output_size(n, f, p, s, d) == count
            expected = np.zeros(n + 2 * p, bool)
            for i in range(count):
                for u in range(f):
                    expected[i * s + u * d] = True
            np.testing.assert_array_equal(coverage(n, f, p, s, d), expected)
            last_tap = (count - 1) * s + d * (f - 1)
            assert unreached_trailing(n, f, p, s, d) == n + 2 * p - 1 - last_tap


def test_output_size_steps_writes_the_dilation_term():
    assert output_size_steps(7, 3, 0, 1, 2) == (
        "floor((7 + 2*0 - 2*(3 - 1) - 1)/1) + 1 = 2 + 1 = 3"
    )
    assert output_size_steps(8, 3, 1, 2, 2) == (
        "floor((8 + 2*1 - 2*(3 - 1) - 1)/2) + 1 = floor(5/2) + 1 = 2 + 1 = 3"
    )


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), dilation=2), "dilation 2 spans 5x5"),
        (lambda: correlate2d(np.ones((4, 4)), np.ones((2, 2)), dilation=0), "at least 1"),
        (lambda: convolve2d(np.ones((4, 4)), np.ones((2, 2)), dilation=1.5), "whole number"),
        (lambda: output_size(4, 3, 0, 1, 2), "spanning 5 cells"),
        (lambda: conv_terms(np.ones((4, 4)), np.ones((2, 2)), 3, 0, dilation=2), "outside"),
    ],
)
def test_bad_dilated_settings_raise_one_sentence(call, words):
    with pytest.raises(ValueError, match=words):
        call()
