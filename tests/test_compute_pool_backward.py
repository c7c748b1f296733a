"""Pooling backward (max with ties, average) and averaging huge values, against loops."""

import numpy as np
import pytest

from visualizer.compute import pool2d, pool2d_backward, pool_gradient_terms, pool_terms


def brute_pool_backward(x, g, k, s, mode):
    """Window by window: max sends g to the first strict maximum scanned row by row."""
    grad = np.zeros_like(x)
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            if mode == "avg":
                for u in range(k):
                    for v in range(k):
                        grad[i * s + u, j * s + v] += g[i, j] / (k * k)
                continue
            best = (i * s, j * s)
            for u in range(k):
                for v in range(k):
                    if x[i * s + u, j * s + v] > x[best]:
                        best = (i * s + u, j * s + v)
            grad[best] += g[i, j]
    return grad


def finite_difference(f, array, h=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        array[index] = keep + h
        up = f()
        array[index] = keep - h
        down = f()
        array[index] = keep
        grad[index] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("seed", range(25))
def test_pool_backward_matches_the_loop_and_finite_differences(seed):
    rng = np.random.default_rng(7000 + seed)
    n_r, n_c = (int(v) for v in rng.integers(2, 9, size=2))
    k = int(rng.integers(1, min(n_r, n_c, 3) + 1))
    s = int(rng.integers(1, 4))
    # random integers in a small range: plenty of ties inside the windows
    x = rng.integers(0, 4, size=(n_r, n_c)).astype(float)
    g_shape = ((n_r - k) // s + 1, (n_c - k) // s + 1)
    g = rng.normal(size=g_shape)
    for mode in ("max", "avg"):
        grad = pool2d_backward(x, g, k, s, mode)
        np.testing.assert_allclose(grad, brute_pool_backward(x, g, k, s, mode), atol=1e-12)
        for r in range(n_r):
            for c in range(n_c):
                terms = pool_gradient_terms(x, g, r, c, k, s, mode)
                assert sum(t.share for t in terms) == pytest.approx(grad[r, c], abs=1e-12)
    # without ties the max is differentiable: finite differences agree
    smooth = rng.normal(size=(n_r, n_c))
    for mode in ("max", "avg"):
        f = lambda: float(np.sum(pool2d(smooth, k, s, mode) * g))  # noqa: B023, E731
        np.testing.assert_allclose(
            pool2d_backward(smooth, g, k, s, mode), finite_difference(f, smooth), atol=1e-6
        )


def test_max_ties_go_to_the_first_maximum_in_row_major_order():
    x = np.array([[1.0, 5, 5, 0], [5, 5, 2, 5], [0, 0, 0, 0], [0, 0, 0, 0]])
    g = np.array([[1.0, 2], [3, 4]])
    assert pool2d_backward(x, g, 2).tolist() == [
        [0, 1, 2, 0],
        [0, 0, 0, 0],
        [3, 0, 4, 0],  # an all-zero window: its first cell wins
        [0, 0, 0, 0],
    ]
    # overlapping windows (stride 1) that share a winner add their gradients there
    grad = pool2d_backward([[9.0, 1, 0], [1, 1, 0]], [[1.0, 10]], 2, 1, "max")
    assert grad.tolist() == [[1, 10, 0], [0, 0, 0]]
    assert [
        t.output_cell
        for t in pool_gradient_terms([[9.0, 1, 0], [1, 1, 0]], [[1.0, 10]], 0, 1, 2, 1)
    ] == [(0, 1)]


def test_average_spreads_a_quarter():
    grad = pool2d_backward(np.zeros((4, 4)), [[4.0, 8], [-4, 2]], 2, mode="avg")
    assert grad.tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [-1, -1, 0.5, 0.5], [-1, -1, 0.5, 0.5]]
    terms = pool_gradient_terms(np.zeros((4, 4)), [[4.0, 8], [-4, 2]], 1, 2, 2, mode="avg")
    assert [(t.output_cell, t.share, t.fraction) for t in terms] == [((0, 1), 2.0, 0.25)]


def test_average_of_huge_finite_values_stays_finite():
    x = np.full((4, 4), 1.5e308)
    pooled = pool2d(x, 2)
    assert pooled.tolist() == [[1.5e308, 1.5e308], [1.5e308, 1.5e308]]
    for size in (2, 3):
        y = np.full((6, 6), 1.7e308)
        y[0, 0] = -1.7e308
        out = pool2d(y, size, 1)
        assert np.all(np.isfinite(out))
        expected = np.array(
            [[np.mean(y[i : i + size, j : j + size] / 16) * 16 for j in range(7 - size)]
             for i in range(7 - size)]
        )  # fmt: skip
        np.testing.assert_allclose(out, expected, rtol=1e-14)
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                assert pool_terms(y, i, j, size, 1, "avg").total == out[i, j]
    # ordinary values keep their exact row-major mean
    assert pool2d([[0.1, 0.2], [0.3, 0.4]], 2).tolist() == [[(0.1 + 0.2 + 0.3 + 0.4) / 4]]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: pool2d_backward(np.ones((4, 4)), np.ones((3, 3)), 2), "shape 2x2"),
        (lambda: pool2d_backward(np.ones((4, 4)), np.ones((2, 2)), 2, mode="median"), "'avg'"),
        (lambda: pool2d_backward(np.ones((2, 2)), np.ones((1, 1)), 3), "does not fit"),
        (lambda: pool2d_backward(np.ones((4, 4)), np.ones((2, 2)), 2, 0), "at least 1"),
        (lambda: pool_gradient_terms(np.ones((4, 4)), np.ones((2, 2)), 4, 0, 2), "outside"),
    ],
)
def test_bad_arguments_raise_one_sentence(call, words):
    with pytest.raises(ValueError, match=words):
        call()
