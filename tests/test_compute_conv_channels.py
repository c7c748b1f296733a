"""conv2d with channels and its backward pass, against loops and finite differences."""

import numpy as np
import pytest

from visualizer.compute import (
    conv2d,
    conv2d_backward,
    conv2d_parameter_count,
    conv2d_shape_text,
    conv2d_terms,
    input_gradient_terms,
)


# ----- brute force, written independently of the module -----------------------------------------
def brute_conv2d(x, w, b, s, p, d):
    """y[o, i, j] = b[o] + sum_{c,u,v} x_p[c, i s + u d, j s + v d] w[o, c, u, v], cell by cell."""
    c_in, h, wd = x.shape
    c_out, _, kh, kw = w.shape
    xp = np.zeros((c_in, h + 2 * p, wd + 2 * p))
    xp[:, p : p + h, p : p + wd] = x
    rows = (h + 2 * p - d * (kh - 1) - 1) // s + 1
    cols = (wd + 2 * p - d * (kw - 1) - 1) // s + 1
    out = np.zeros((c_out, rows, cols))
    for o in range(c_out):
        for i in range(rows):
            for j in range(cols):
                total = 0.0 if b is None else b[o]
                for c in range(c_in):
                    for u in range(kh):
                        for v in range(kw):
                            total += xp[c, i * s + u * d, j * s + v * d] * w[o, c, u, v]
                out[o, i, j] = total
    return out


def random_case(rng):
    c_in, c_out = (int(v) for v in rng.integers(1, 4, size=2))
    h, wd = (int(v) for v in rng.integers(2, 8, size=2))
    s, d = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    p = int(rng.integers(0, 2))
    kh = int(rng.integers(1, min(3, (h + 2 * p - 1) // d + 1) + 1))
    kw = int(rng.integers(1, min(3, (wd + 2 * p - 1) // d + 1) + 1))
    x = rng.normal(size=(c_in, h, wd))
    w = rng.normal(size=(c_out, c_in, kh, kw))
    b = rng.normal(size=c_out)
    return x, w, b, s, p, d


def loss(x, w, b, g, s, p, d):
    """L = sum(g * y): its gradient with respect to y is g."""
    return float(np.sum(brute_conv2d(x, w, b, s, p, d) * g))


def finite_difference(f, array, h=1e-3):
    """Central differences, one entry at a time (exact up to rounding: L is linear in each)."""
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
def test_conv2d_matches_the_loop(seed):
    rng = np.random.default_rng(5000 + seed)
    x, w, b, s, p, d = random_case(rng)
    np.testing.assert_allclose(conv2d(x, w, b, s, p, d), brute_conv2d(x, w, b, s, p, d), atol=1e-12)
    np.testing.assert_allclose(
        conv2d(x, w, None, s, p, d), brute_conv2d(x, w, None, s, p, d), atol=1e-12
    )
    out = conv2d(x, w, b, s, p, d)
    o = int(rng.integers(0, w.shape[0]))
    i, j = int(rng.integers(0, out.shape[1])), int(rng.integers(0, out.shape[2]))
    terms = conv2d_terms(x, w, o, i, j, b, s, p, d)
    assert len(terms.per_channel) == x.shape[0] and terms.bias == b[o]
    assert terms.total == pytest.approx(out[o, i, j], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_backward_matches_finite_differences(seed):
    rng = np.random.default_rng(6000 + seed)
    x, w, b, s, p, d = random_case(rng)
    g = rng.normal(size=brute_conv2d(x, w, b, s, p, d).shape)
    grad_x, grad_w, grad_b = conv2d_backward(x, w, g, s, p, d)
    assert grad_x.shape == x.shape and grad_w.shape == w.shape and grad_b.shape == b.shape
    f = lambda: loss(x, w, b, g, s, p, d)  # noqa: E731
    np.testing.assert_allclose(grad_x, finite_difference(f, x), atol=1e-7)
    np.testing.assert_allclose(grad_w, finite_difference(f, w), atol=1e-7)
    np.testing.assert_allclose(grad_b, finite_difference(f, b), atol=1e-7)
    # hover: the listed shares of each input cell's gradient, found here by brute search
    c_out, _, kh, kw = w.shape
    for c in range(x.shape[0]):
        for r in range(x.shape[1]):
            for q in range(x.shape[2]):
                terms = input_gradient_terms(w, g, c, r, q, x.shape[1:], s, p, d)
                expected = [
                    ((o, i, j), (o, c, u, v))
                    for o in range(c_out)
                    for u in range(kh)
                    for v in range(kw)
                    for i in range(g.shape[1])
                    for j in range(g.shape[2])
                    if (i * s + u * d - p, j * s + v * d - p) == (r, q)
                ]
                assert [(t.output_cell, t.kernel_cell) for t in terms] == expected
                assert all(t.product == g[t.output_cell] * w[t.kernel_cell] for t in terms)
                total = sum(t.product for t in terms)
                assert total == pytest.approx(grad_x[c, r, q], rel=1e-12, abs=1e-12)


def test_backward_in_many_bands(monkeypatch):
    # Tiny bands force the gather and the scatter through many band boundaries.
    from visualizer.compute import conv_channels

    monkeypatch.setattr(conv_channels, "_BAND_ELEMENTS", 1)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 9, 7))
    w = rng.normal(size=(3, 2, 3, 2))
    b = rng.normal(size=3)
    y = conv2d(x, w, b, 2, 1, 2)
    np.testing.assert_allclose(y, brute_conv2d(x, w, b, 2, 1, 2), atol=1e-12)
    g = rng.normal(size=y.shape)
    grad_x, grad_w, _ = conv2d_backward(x, w, g, 2, 1, 2)
    f = lambda: loss(x, w, b, g, 2, 1, 2)  # noqa: E731
    np.testing.assert_allclose(grad_x, finite_difference(f, x), atol=1e-7)
    np.testing.assert_allclose(grad_w, finite_difference(f, w), atol=1e-7)


def test_one_channel_is_the_sheets_correlation():
    x = np.array([[3, 5, 2, 3], [9, 1, 8, 4], [6, 4, 3, 7], [7, 0, 2, 4]], float)
    k = np.array([[-1, 0.5, -2], [2, 0, 1], [0, 1, 1.5]])
    out = conv2d(x[None], k[None, None], padding=1)
    assert out[0].tolist() == [
        [15.5, 21, 27, 8],
        [4.5, 30, 9.5, 22.5],
        [13.5, -6.5, 18, 4],
        [-5, 6, -12.5, 4.5],
    ]


def test_shape_line_and_parameter_count():
    assert conv2d_shape_text((3, 256, 256), (8, 3, 3, 3)) == "3×256×256 ⋆ 8×3×3×3 → 8×254×254"
    assert conv2d_shape_text((1, 4, 4), (2, 1, 3, 3), padding=1) == "1×4×4 ⋆ 2×1×3×3 → 2×4×4"
    assert conv2d_parameter_count((8, 3, 3, 3)) == 8 * 27 + 8
    assert conv2d_parameter_count((8, 3, 3, 3), bias=False) == 216


def test_against_torch_when_available():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    for _ in range(5):
        x, w, b, s, p, d = random_case(rng)
        xt = torch.tensor(x[None], requires_grad=True)
        wt = torch.tensor(w, requires_grad=True)
        bt = torch.tensor(b, requires_grad=True)
        y = torch.nn.functional.conv2d(xt, wt, bt, stride=s, padding=p, dilation=d)
        g = rng.normal(size=tuple(y.shape[1:]))
        (y * torch.tensor(g[None])).sum().backward()
        np.testing.assert_allclose(conv2d(x, w, b, s, p, d), y[0].detach().numpy(), atol=1e-12)
        grads = conv2d_backward(x, w, g, s, p, d)
        for ours, theirs in zip(grads, (xt.grad[0], wt.grad, bt.grad), strict=True):
            np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-12)


X = np.ones((3, 5, 5))
W = np.ones((2, 3, 3, 3))


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: conv2d(X, np.ones((2, 2, 3, 3))), "2 input-channel slice"),
        (lambda: conv2d(X[0], W), "3 dimensions"),
        (lambda: conv2d(X, W[0]), "4 dimensions"),
        (lambda: conv2d(X, W, bias=np.ones(3)), "one per output channel"),
        (lambda: conv2d(X, W, dilation=3), "dilation 3 spans 7x7"),
        (lambda: conv2d(X, np.ones((2, 3, 6, 1))), "does not fit"),
        (lambda: conv2d(X, W, stride=0), "at least 1"),
        (lambda: conv2d(np.full((3, 5, 5), np.inf), W), "finite"),
        (lambda: conv2d(np.full((3, 5, 5), 1e300), np.full((2, 3, 3, 3), 1e300)), "too large"),
        (lambda: conv2d_backward(X, W, np.ones((2, 4, 4))), "output's shape 2x3x3"),
        (lambda: input_gradient_terms(W, np.ones((2, 3, 3)), 3, 0, 0, (5, 5)), "outside"),
        (lambda: input_gradient_terms(W, np.ones((2, 3, 3)), 0, 0, 0, (6, 6)), "shape 2x4x4"),
        (lambda: input_gradient_terms(W, np.ones((2, 3, 3)), 0, 0, 0, (5,)), "2 whole numbers"),
        (lambda: conv2d_terms(X, W, 2, 0, 0), "does not exist"),
        (lambda: conv2d_shape_text((3, 5, 5), (2, 4, 3, 3)), "must match"),
    ],
)
def test_bad_shapes_raise_one_sentence(call, words):
    with pytest.raises(ValueError, match=words):
        call()
