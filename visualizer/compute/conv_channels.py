"""Convolution with channels, and its backward pass (PyTorch's ``conv2d`` without the batch axis).

Each output channel o has a kernel with one slice per input channel and a bias:

.. math:: y[o, i, j] = b[o] + \\sum_{c, u, v} x_p[c, i s + u d, j s + v d] \\, w[o, c, u, v]

Given the upstream gradient :math:`g = \\partial L / \\partial y`, the backward pass is

.. math::
    \\partial L / \\partial b[o] = \\sum_{i, j} g[o, i, j] \\qquad
    \\partial L / \\partial w[o, c, u, v] = \\sum_{i, j} g[o, i, j] \\, x_p[c, i s + u d, j s + v d]

and :math:`\\partial L / \\partial x[c]` = the transposed convolution of g with the kernels
(each g[o, i, j] sends ``g * w[o, c]`` back onto the window it came from): the same as a
full correlation with the flipped kernel, which is where "why is the kernel flipped?" comes from.

Both passes gather the windows into one matrix per band of output rows ("im2col") so the sums
over channels and taps become one matrix product (BLAS), in bands small enough that memory
stays bounded for large images. Pure numpy; no Qt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from visualizer.compute._conv_checks import (
    as_array,
    as_int,
    check_finite_result,
    dilated_extent,
)
from visualizer.compute.conv import ConvTerms, conv_terms

__all__ = [
    "ChannelTerms",
    "GradientTerm",
    "conv2d",
    "conv2d_backward",
    "conv2d_parameter_count",
    "conv2d_shape_text",
    "conv2d_terms",
    "input_gradient_terms",
]

#: Elements of the gathered-window matrix per band (2 MiB of float64: cache-friendly).
_BAND_ELEMENTS = 1 << 18

_X_AXES = "channels, rows, columns"
_W_AXES = "output channels, input channels, rows, columns"


@dataclass(frozen=True)
class _Setup:
    x: np.ndarray  # (C_in, H, W)
    w: np.ndarray  # (C_out, C_in, kh, kw)
    s: int
    p: int
    d: int
    out_rows: int
    out_cols: int


def _geometry(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: object,
    padding: object,
    dilation: object,
) -> tuple[int, int, int, int, int]:
    """Checked ``(s, p, d, out_rows, out_cols)`` for an input and weights of these shapes."""
    s = as_int(stride, "stride", 1)
    p = as_int(padding, "padding", 0)
    d = as_int(dilation, "dilation", 1)
    if w_shape[1] != x_shape[0]:
        raise ValueError(
            f"Each kernel has {w_shape[1]} input-channel slice(s) but the input has "
            f"{x_shape[0]} channel(s); the two counts must match."
        )
    kh, kw = w_shape[2:]
    e_r, e_c = dilated_extent(kh, d), dilated_extent(kw, d)
    rows, cols = x_shape[1] + 2 * p, x_shape[2] + 2 * p
    if e_r > rows or e_c > cols:
        spans = f"{kh}x{kw} kernel"
        if d > 1:
            spans += f" at dilation {d} spans {e_r}x{e_c} cells and"
        raise ValueError(
            f"The {spans} does not fit in the padded input ({rows}x{cols} with padding {p}), "
            "so no window fits."
        )
    return s, p, d, (rows - e_r) // s + 1, (cols - e_c) // s + 1


def _setup(x: object, weight: object, stride: object, padding: object, dilation: object) -> _Setup:
    xs = as_array(x, "input", 3, _X_AXES)
    w = as_array(weight, "weights", 4, _W_AXES)
    return _Setup(xs, w, *_geometry(xs.shape, w.shape, stride, padding, dilation))


def _sizes(values: object, what: str, count: int) -> tuple[int, ...]:
    try:
        sizes = tuple(values)  # type: ignore[call-overload]
    except TypeError:
        raise ValueError(f"The {what} must be {count} whole numbers.") from None
    if len(sizes) != count:
        raise ValueError(f"The {what} must be {count} whole numbers, not {len(sizes)}.")
    return tuple(as_int(n, what, 1) for n in sizes)


def _bands(setup: _Setup) -> Iterator[tuple[int, int]]:
    """Bands of output rows whose gathered windows fit in about _BAND_ELEMENTS numbers."""
    _, c_in, kh, kw = setup.w.shape
    per_row = c_in * kh * kw * setup.out_cols
    band = max(1, _BAND_ELEMENTS // per_row)
    for b0 in range(0, setup.out_rows, band):
        yield b0, min(setup.out_rows, b0 + band)


def _tap_slices(setup: _Setup, b0: int, b1: int) -> Iterator[tuple[int, int, int, tuple]]:
    """For each tap (c, u, v): the padded-input slice it reads for output rows b0..b1-1."""
    _, c_in, kh, kw = setup.w.shape
    s, d = setup.s, setup.d
    row_end = s * (b1 - b0 - 1) + 1
    col_end = s * (setup.out_cols - 1) + 1
    for c in range(c_in):
        for u in range(kh):
            r0 = b0 * s + u * d
            for v in range(kw):
                c0 = v * d
                yield c, u, v, (c, slice(r0, r0 + row_end, s), slice(c0, c0 + col_end, s))


def _gather(setup: _Setup, xp: np.ndarray, b0: int, b1: int, buffer: np.ndarray) -> np.ndarray:
    """The windows of output rows b0..b1-1 as a (C_in*kh*kw, rows*cols) matrix ("im2col")."""
    _, c_in, kh, kw = setup.w.shape
    cols = buffer[:, : (b1 - b0) * setup.out_cols]
    shaped = cols.reshape(c_in, kh, kw, b1 - b0, setup.out_cols)
    for c, u, v, where in _tap_slices(setup, b0, b1):
        shaped[c, u, v] = xp[where]
    return cols


def _pad(x: np.ndarray, p: int) -> np.ndarray:
    return np.pad(x, ((0, 0), (p, p), (p, p))) if p else x


def _buffer(setup: _Setup) -> np.ndarray:
    _, c_in, kh, kw = setup.w.shape
    band_rows = next(iter(_bands(setup)))[1]
    return np.empty((c_in * kh * kw, band_rows * setup.out_cols))


def conv2d(
    x: object,
    weight: object,
    bias: object = None,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
) -> np.ndarray:
    """Convolution layer forward pass (``torch.nn.functional.conv2d`` without the batch axis).

    .. math:: y[o, i, j] = b[o] + \\sum_{c, u, v} x_p[c, i s + u d, j s + v d] \\, w[o, c, u, v]

    Parameters
    ----------
    x : array_like, shape (C_in, H, W)
    weight : array_like, shape (C_out, C_in, kh, kw)
    bias : array_like, shape (C_out,), optional
    stride, dilation : int >= 1
    padding : int >= 0

    Returns
    -------
    ndarray, shape (C_out, H', W') with ``H' = output_size(H, kh, padding, stride, dilation)``.

    Raises
    ------
    ValueError
        Wrong number of dimensions, channel counts that do not match, a bias of the wrong
        length, non-finite values, or a dilated kernel wider than the padded input.
    """
    setup = _setup(x, weight, stride, padding, dilation)
    c_out = setup.w.shape[0]
    b = None
    if bias is not None:
        b = as_array(bias, "bias", 1, "one value per output channel")
        if b.shape[0] != c_out:
            raise ValueError(
                f"The bias has {b.shape[0]} value(s) but there are {c_out} output channel(s); "
                "it needs one per output channel."
            )
    xp = _pad(setup.x, setup.p)
    matrix = setup.w.reshape(c_out, -1)
    out = np.empty((c_out, setup.out_rows, setup.out_cols))
    buffer = _buffer(setup)
    with np.errstate(over="ignore", invalid="ignore"):
        for b0, b1 in _bands(setup):
            cols = _gather(setup, xp, b0, b1, buffer)
            np.matmul(matrix, cols, out=out[:, b0:b1].reshape(c_out, -1))
        if b is not None:
            out += b[:, None, None]
    check_finite_result(out)
    return out


def conv2d_backward(
    x: object,
    weight: object,
    grad_out: object,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`conv2d`: the gradients of x, the weights and the bias.

    .. math::
        \\partial L/\\partial x_p[c, i s + u d, j s + v d]
            \\mathrel{+}= g[o, i, j] \\, w[o, c, u, v] \\qquad
        \\partial L/\\partial w[o, c, u, v]
            = \\sum_{i, j} g[o, i, j] \\, x_p[c, i s + u d, j s + v d] \\qquad
        \\partial L/\\partial b[o] = \\sum_{i, j} g[o, i, j]

    with ``g = grad_out`` of shape (C_out, H', W'). The gradient of x is the transposed
    convolution of g (the padding's share is dropped); input rows no window reaches get 0.

    Returns
    -------
    (grad_x, grad_weight, grad_bias) with the shapes of x, weight and (C_out,).
    """
    setup = _setup(x, weight, stride, padding, dilation)
    c_out = setup.w.shape[0]
    g = as_array(grad_out, "upstream gradient", 3, _X_AXES)
    expected = (c_out, setup.out_rows, setup.out_cols)
    if g.shape != expected:
        raise ValueError(
            "The upstream gradient must have the output's shape "
            f"{'x'.join(map(str, expected))}, not {'x'.join(map(str, g.shape))}."
        )
    p = setup.p
    xp = _pad(setup.x, p)
    matrix = setup.w.reshape(c_out, -1)
    grad_matrix = np.zeros_like(matrix)
    grad_xp = np.zeros_like(xp)
    buffer = _buffer(setup)
    with np.errstate(over="ignore", invalid="ignore"):
        for b0, b1 in _bands(setup):
            cols = _gather(setup, xp, b0, b1, buffer)
            g_band = g[:, b0:b1].reshape(c_out, -1)
            grad_matrix += g_band @ cols.T
            # Each window's share of the gradient, scattered back onto the cells it read.
            grad_cols = (matrix.T @ g_band).reshape(*setup.w.shape[1:], b1 - b0, -1)
            for c, u, v, where in _tap_slices(setup, b0, b1):
                grad_xp[where] += grad_cols[c, u, v]
        grad_bias = g.sum(axis=(1, 2))
    grad_x = grad_xp[:, p : p + setup.x.shape[1], p : p + setup.x.shape[2]].copy()
    grad_weight = grad_matrix.reshape(setup.w.shape)
    for result in (grad_x, grad_weight, grad_bias):
        check_finite_result(result)
    return grad_x, grad_weight, grad_bias


class GradientTerm(NamedTuple):
    """One share of an input cell's gradient: ``grad * weight = product``."""

    output_cell: tuple[int, int, int]  # (output channel, row, column) of the upstream gradient
    kernel_cell: tuple[int, int, int, int]  # (output channel, input channel, row, column)
    product: float
    grad: float
    weight: float


def input_gradient_terms(
    weight: object,
    grad_out: object,
    channel: int,
    row: int,
    col: int,
    input_size: tuple[int, int],
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
) -> list[GradientTerm]:
    """Which output cells sent input cell ``(channel, row, col)`` gradient, through which weights.

    The cells ``g[o, i, j]`` and taps ``w[o, channel, u, v]`` with ``i s + u d = row + p`` and
    ``j s + v d = col + p``, listed by output channel, then tap in row-major order. Their
    products sum to ``conv2d_backward(...)[0][channel, row, col]`` (up to rounding: the
    backward pass adds them in matrix-product order); an empty list means no window reads the
    cell, so its gradient is 0.
    """
    w = as_array(weight, "weights", 4, _W_AXES)
    g = as_array(grad_out, "upstream gradient", 3, _X_AXES)
    rows, cols = _sizes(input_size, "input size", 2)
    s, p, d, out_rows, out_cols = _geometry(
        (w.shape[1], rows, cols), w.shape, stride, padding, dilation
    )
    expected = (w.shape[0], out_rows, out_cols)
    if g.shape != expected:
        raise ValueError(
            "The upstream gradient must have the output's shape "
            f"{'x'.join(map(str, expected))}, not {'x'.join(map(str, g.shape))}."
        )
    c = as_int(channel, "input channel", 0)
    r = as_int(row, "input row", 0)
    q = as_int(col, "input column", 0)
    if c >= w.shape[1] or r >= rows or q >= cols:
        raise ValueError(
            f"Input cell ({c}, {r}, {q}) is outside the {w.shape[1]}x{rows}x{cols} input."
        )
    terms = []
    for o in range(w.shape[0]):
        for u in range(w.shape[2]):
            i, rest_r = divmod(r + p - u * d, s)
            if rest_r or not 0 <= i < out_rows:
                continue
            for v in range(w.shape[3]):
                j, rest_c = divmod(q + p - v * d, s)
                if rest_c or not 0 <= j < out_cols:
                    continue
                grad, tap = float(g[o, i, j]), float(w[o, c, u, v])
                terms.append(GradientTerm((o, i, j), (o, c, u, v), grad * tap, grad, tap))
    return terms


@dataclass(frozen=True)
class ChannelTerms:
    """One output cell of :func:`conv2d`: a sum of products per input channel, plus the bias."""

    channel: int
    row: int
    col: int
    per_channel: tuple[ConvTerms, ...]  # one per input channel
    bias: float
    total: float  # bias + the channels' sums, added in that order


def conv2d_terms(
    x: object,
    weight: object,
    channel: int,
    row: int,
    col: int,
    bias: object = None,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
) -> ChannelTerms:
    """The sums behind output cell ``(channel, row, col)`` of :func:`conv2d`, one per slice.

    .. math:: y[o, i, j] = b[o] + \\sum_c \\left( \\sum_{u, v} x_p[c, \\ldots] \\, w[o, c, u, v]
        \\right)

    ``total`` equals the grid's value up to rounding (conv2d adds in matrix-product order).
    """
    setup = _setup(x, weight, stride, padding, dilation)
    o = as_int(channel, "output channel", 0)
    if o >= setup.w.shape[0]:
        raise ValueError(f"Output channel {o} does not exist; there are {setup.w.shape[0]}.")
    b = 0.0
    if bias is not None:
        biases = as_array(bias, "bias", 1, "one value per output channel")
        if biases.shape[0] != setup.w.shape[0]:
            raise ValueError(
                f"The bias has {biases.shape[0]} value(s) but there are {setup.w.shape[0]} "
                "output channel(s); it needs one per output channel."
            )
        b = float(biases[o])
    per_channel = tuple(
        conv_terms(setup.x[c], setup.w[o, c], row, col, setup.p, setup.s, dilation=setup.d)
        for c in range(setup.x.shape[0])
    )
    total = b
    for terms in per_channel:
        total += terms.total
    return ChannelTerms(o, int(row), int(col), per_channel, b, total)


def conv2d_parameter_count(weight_shape: tuple[int, int, int, int], bias: bool = True) -> int:
    """Learnable numbers of a convolution layer: ``C_out * C_in * kh * kw (+ C_out biases)``."""
    c_out, c_in, kh, kw = _sizes(weight_shape, "weight shape", 4)
    return c_out * c_in * kh * kw + (c_out if bias else 0)


def conv2d_shape_text(
    input_shape: tuple[int, int, int],
    weight_shape: tuple[int, int, int, int],
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
) -> str:
    """``3×256×256 ⋆ 8×3×3×3 → 8×254×254``: input, kernels and output shapes of conv2d."""
    x_shape = _sizes(input_shape, "input shape", 3)
    w_shape = _sizes(weight_shape, "weight shape", 4)
    *_, out_rows, out_cols = _geometry(x_shape, w_shape, stride, padding, dilation)

    def dims(shape: tuple[int, ...]) -> str:
        return "×".join(str(n) for n in shape)

    return f"{dims(x_shape)} ⋆ {dims(w_shape)} → {dims((w_shape[0], out_rows, out_cols))}"
