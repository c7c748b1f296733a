"""Transposed convolution against a scatter loop, the adjoint identity and its two views."""

import numpy as np
import pytest

from visualizer.compute import (
    conv_transpose2d,
    correlate2d,
    format_scatter_sum,
    output_size,
    transposed_equivalent,
    transposed_output_size,
    transposed_output_size_steps,
    transposed_scatter_terms,
)


# ----- brute force, written independently of the module -----------------------------------------
def brute_transpose(x, k, s, p, op, d):
    """Stamp x[i, j] * k onto the output at (i s + u d - p, j s + v d - p), cell by cell."""
    x = np.asarray(x, float)
    k = np.asarray(k, float)
    rows = (x.shape[0] - 1) * s - 2 * p + d * (k.shape[0] - 1) + op + 1
    cols = (x.shape[1] - 1) * s - 2 * p + d * (k.shape[1] - 1) + op + 1
    out = np.zeros((rows, cols))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    r, c = i * s + u * d - p, j * s + v * d - p
                    if 0 <= r < rows and 0 <= c < cols:
                        out[r, c] += x[i, j] * k[u, v]
    return out


def random_case(rng):
    s = int(rng.integers(1, 4))
    d = int(rng.integers(1, 4))
    op = int(rng.integers(0, max(s, d)))  # PyTorch: smaller than stride or dilation
    x = rng.normal(size=tuple(int(v) for v in rng.integers(1, 6, size=2)))
    k = rng.normal(size=tuple(int(v) for v in rng.integers(1, 4, size=2)))
    smallest = min(
        (n - 1) * s + d * (f - 1) + op + 1 for n, f in zip(x.shape, k.shape, strict=True)
    )
    p = int(rng.integers(0, (smallest - 1) // 2 + 1))  # keep at least one output cell
    return x, k, s, p, op, d


@pytest.mark.parametrize("seed", range(40))
def test_conv_transpose_matches_the_scatter_loop(seed):
    rng = np.random.default_rng(2000 + seed)
    x, k, s, p, op, d = random_case(rng)
    out = conv_transpose2d(x, k, s, p, op, d)
    np.testing.assert_allclose(out, brute_transpose(x, k, s, p, op, d), atol=1e-12)
    assert out.shape == tuple(
        transposed_output_size(n, f, p, s, op, d) for n, f in zip(x.shape, k.shape, strict=True)
    )
    # hover: each output cell's listed contributions, found here by brute search
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            terms = transposed_scatter_terms(x, k, r, c, s, p, op, d)
            expected = [
                ((i, j), (u, v))
                for u in range(k.shape[0])
                for v in range(k.shape[1])
                for i in range(x.shape[0])
                for j in range(x.shape[1])
                if (i * s + u * d - p, j * s + v * d - p) == (r, c)
            ]
            assert [(t.input_cell, t.kernel_cell) for t in terms] == expected
            total = 0.0
            for t in terms:
                assert t.product == x[t.input_cell] * k[t.kernel_cell]
                total += t.product
            assert total == out[r, c]  # summed in the grid's order: equal to the last bit


@pytest.mark.parametrize("seed", range(40))
def test_equivalent_view_is_a_correlation_with_the_flipped_kernel(seed):
    rng = np.random.default_rng(3000 + seed)
    x, k, s, p, op, d = random_case(rng)
    eq = transposed_equivalent(x, k, s, p, op, d)
    assert eq.flipped_kernel.tolist() == k[::-1, ::-1].tolist()
    assert eq.padding == (d * (k.shape[0] - 1) - p, d * (k.shape[1] - 1) - p)
    np.testing.assert_allclose(
        correlate2d(eq.padded_input, eq.flipped_kernel, 0, 1, d),
        brute_transpose(x, k, s, p, op, d),
        atol=1e-12,
    )
    # the zero-inserted, padded grid built here: zeros between cells, q each side, op extra
    q_r, q_c = eq.padding
    up = np.zeros(((x.shape[0] - 1) * s + 1, (x.shape[1] - 1) * s + 1))
    up[::s, ::s] = x
    big = np.zeros((up.shape[0] + 2 * abs(q_r) + op, up.shape[1] + 2 * abs(q_c) + op))
    big[abs(q_r) : abs(q_r) + up.shape[0], abs(q_c) : abs(q_c) + up.shape[1]] = up
    r0, c0 = abs(q_r) - q_r, abs(q_c) - q_c
    wanted = big[r0 : r0 + up.shape[0] + 2 * q_r + op, c0 : c0 + up.shape[1] + 2 * q_c + op]
    assert eq.padded_input.tolist() == wanted.tolist()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            r, c = eq.input_cells[i, j]
            if r >= 0:
                assert eq.padded_input[r, c] == x[i, j]
                assert (r, c) == (i * s + q_r, j * s + q_c)


@pytest.mark.parametrize("seed", range(30))
def test_transpose_is_the_adjoint_of_correlation(seed):
    # <correlate(x), y> = <x, conv_T(y)>: conv_T with the output_padding that restores x's size
    rng = np.random.default_rng(4000 + seed)
    n = int(rng.integers(3, 10))
    f = int(rng.integers(1, 4))
    d = int(rng.integers(1, 3))
    p = int(rng.integers(0, 3))
    s = int(rng.integers(1, 4))
    if d * (f - 1) + 1 > n + 2 * p:
        d = 1
    x = rng.normal(size=(n, n))
    k = rng.normal(size=(f, f))
    y_shape = output_size(n, f, p, s, d)
    y = rng.normal(size=(y_shape, y_shape))
    # input rows past the last window (the floor) are what output_padding gives back: < s
    op = n - transposed_output_size(y_shape, f, p, s, 0, d)
    assert 0 <= op < s
    back = conv_transpose2d(y, k, s, p, op, d)
    assert back.shape == x.shape
    lhs = float(np.sum(correlate2d(x, k, p, s, d) * y))
    rhs = float(np.sum(x * back))
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


def test_sizes_and_steps():
    assert transposed_output_size(4, 3) == 6
    assert transposed_output_size(4, 3, padding=1, stride=2, output_padding=1) == 8
    assert transposed_output_size(3, 3, 0, 1, 0, dilation=2) == 7
    assert transposed_output_size_steps(4, 3, 1, 2, 1, 1) == (
        "(4 - 1)*2 - 2*1 + 1*(3 - 1) + 1 + 1 = 8"
    )
    # a stride-2 convolution maps 7 and 8 to 4; output_padding picks which comes back
    assert output_size(7, 3, 1, 2) == output_size(8, 3, 1, 2) == 4
    assert transposed_output_size(4, 3, 1, 2, 0) == 7
    assert transposed_output_size(4, 3, 1, 2, 1) == 8


def test_hand_example_stride_2():
    # two input cells 1 and 10, kernel [1, 2, 3], stride 2: stamps overlap in the middle
    out = conv_transpose2d([[1.0, 10.0]], [[1.0, 2.0, 3.0]], stride=2)
    assert out.tolist() == [[1, 2, 13, 20, 30]]
    terms = transposed_scatter_terms([[1.0, 10.0]], [[1.0, 2.0, 3.0]], 0, 2, stride=2)
    assert [(t.input_cell, t.kernel_cell, t.product) for t in terms] == [
        ((0, 1), (0, 0), 10.0),
        ((0, 0), (0, 2), 3.0),
    ]
    assert format_scatter_sum(terms) == "10*1 + 1*3 = 13"
    gap = transposed_scatter_terms([[1.0, 10.0]], [[1.0]], 0, 1, stride=2)
    assert gap == [] and format_scatter_sum(gap).startswith("0 (no input cell")


def test_against_torch_when_available():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    for _ in range(10):
        x, k, s, p, op, d = random_case(rng)
        expected = torch.nn.functional.conv_transpose2d(
            torch.tensor(x)[None, None],
            torch.tensor(k)[None, None],
            stride=s,
            padding=p,
            output_padding=op,
            dilation=d,
        )[0, 0].numpy()
        np.testing.assert_allclose(conv_transpose2d(x, k, s, p, op, d), expected, atol=1e-12)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: conv_transpose2d(np.ones((3, 3)), np.ones((2, 2)), 2, 0, 2), "smaller than"),
        (lambda: transposed_output_size(3, 3, 0, 1, 1, 1), "smaller than the stride"),
        (lambda: conv_transpose2d(np.ones((2, 2)), np.ones((1, 1)), 1, 1), "crops away"),
        (lambda: conv_transpose2d(np.ones((2, 2)), np.ones((1, 1)), 0), "at least 1"),
        (lambda: conv_transpose2d(np.ones((2, 2)), np.ones((1, 1)), 1, -1), "negative"),
        (lambda: conv_transpose2d(np.ones(3), np.ones((1, 1))), "2-D"),
        (lambda: conv_transpose2d([[np.nan]], np.ones((1, 1))), "finite"),
        (lambda: transposed_scatter_terms(np.ones((2, 2)), np.ones((2, 2)), 3, 0), "outside"),
        (lambda: transposed_equivalent(np.ones((2, 2)), np.ones((2, 2)), 1, 0, 1), "smaller"),
        (lambda: conv_transpose2d(np.full((2, 2), 1e300), np.full((2, 2), 1e300)), "too large"),
    ],
)
def test_bad_settings_raise_one_sentence(call, words):
    with pytest.raises(ValueError, match=words):
        call()
