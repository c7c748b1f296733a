"""Convolution and pooling on 2-D grids, written so every number can be explained.

CNN libraries call cross-correlation "convolution": the kernel slides over the zero-padded
input without being flipped. ``correlate2d`` is that operation; ``convolve2d`` is the
textbook convolution with the kernel flipped. Both take padding p, stride s and dilation d
(the kernel's taps spread d cells apart) and share the output-size rule

    out = floor((n + 2p - d(f - 1) - 1) / s) + 1

(as PyTorch; ``floor((n + 2p - f)/s) + 1`` at d = 1), which ``output_size`` computes and the
size solver inverts, both exactly (the sheet's stride 4/3 is impossible, not rounded) and
under the floor. The size arithmetic lives in :mod:`visualizer.compute.conv_size` and is
re-exported here.

Besides the operations, this module returns what a teaching view needs to explain them: the
window (receptive field) of an output cell, the products that make its value, which input
rows/columns no window reaches, the arg-max of a max-pool window, kernel presets and the
exercise-4 data. Pure numpy; no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from visualizer.compute._conv_checks import as_grid as _as_grid
from visualizer.compute._conv_checks import as_int as _as_int
from visualizer.compute._conv_checks import check_finite_result as _check_finite_result
from visualizer.compute._conv_checks import dilated_extent
from visualizer.compute.conv_size import (
    SizeAnswers,
    coverage,
    dilated_kernel_size,
    explain_solve_padding,
    explain_solve_stride,
    output_size,
    output_size_steps,
    padding_answers,
    solve_padding,
    solve_stride,
    stride_answers,
    unreached_trailing,
)

__all__ = [
    "CONV_MODES",
    "EXERCISE4B_FILTER_SIZE",
    "EXERCISE4_INPUT",
    "EXERCISE4_KERNEL",
    "EXERCISE4_PADDING",
    "EXERCISE4_POOL_SIZE",
    "KERNEL_PRESETS",
    "POOL_MODES",
    "ConvTerms",
    "PoolTerms",
    "SizeAnswers",
    "avg_pool_kernel",
    "conv_terms",
    "convolve2d",
    "correlate2d",
    "coverage",
    "dilated_kernel_size",
    "explain_solve_padding",
    "explain_solve_stride",
    "format_number",
    "format_sum_of_products",
    "output_size",
    "output_size_steps",
    "pad2d",
    "padding_answers",
    "pool2d",
    "pool_argmax",
    "pool_terms",
    "receptive_field",
    "solve_padding",
    "solve_stride",
    "stride_answers",
    "unreached_trailing",
]

CONV_MODES: tuple[str, ...] = ("correlation", "convolution")
#: Output cells per band in correlate2d (about 256 KiB of float64: fits a typical L2 cache).
_BAND_ELEMENTS = 32768
POOL_MODES: tuple[str, ...] = ("avg", "max")

# ----- exercise 4 of the sheet ------------------------------------------------------------------
#: The sheet's 4x4 input F.
EXERCISE4_INPUT = np.array([[3, 5, 2, 3], [9, 1, 8, 4], [6, 4, 3, 7], [7, 0, 2, 4]], dtype=float)
#: The sheet's 3x3 filter f1.
EXERCISE4_KERNEL = np.array([[-1, 0.5, -2], [2, 0, 1], [0, 1, 1.5]], dtype=float)
#: 4a: the padding that keeps a 4x4 input 4x4 under a 3x3 filter at stride 1.
EXERCISE4_PADDING = 1
#: 4b: the second filter's size (2x2), asked to keep the size at padding 1.
EXERCISE4B_FILTER_SIZE = 2
#: 4c/4d: 2x2 average pooling at stride 2.
EXERCISE4_POOL_SIZE = 2


def _gaussian_3x3() -> np.ndarray:
    # The binomial [1, 2, 1] outer product is the usual small integer Gaussian.
    row = np.array([1.0, 2.0, 1.0])
    return np.outer(row, row) / 16.0


#: Kernel presets by name (the sheet's kernel first).
KERNEL_PRESETS: dict[str, np.ndarray] = {
    "Sheet's kernel (exercise 4)": EXERCISE4_KERNEL.copy(),
    "Identity": np.array([[0.0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "Box blur": np.full((3, 3), 1.0 / 9.0),
    "Gaussian blur": _gaussian_3x3(),
    "Sharpen": np.array([[0.0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "Sobel x (vertical edges)": np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "Sobel y (horizontal edges)": np.array([[-1.0, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "Laplacian": np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]),
}


# ----- validation -------------------------------------------------------------------------------
def _check_fits(
    n_rows: int, n_cols: int, f_rows: int, f_cols: int, padding: int, dilation: int = 1
) -> None:
    e_rows, e_cols = dilated_extent(f_rows, dilation), dilated_extent(f_cols, dilation)
    if e_rows > n_rows + 2 * padding or e_cols > n_cols + 2 * padding:
        kernel = (
            f"The {f_rows}x{f_cols} kernel"
            if dilation == 1
            else f"The {f_rows}x{f_cols} kernel at dilation {dilation} spans {e_rows}x{e_cols} "
            "cells and"
        )
        raise ValueError(
            f"{kernel} does not fit in the padded input "
            f"({n_rows + 2 * padding}x{n_cols + 2 * padding} with padding {padding}), "
            "so no window fits: use a smaller kernel"
            + (" or dilation" if dilation > 1 else "")
            + " or more padding."
        )


# ----- the operations ---------------------------------------------------------------------------
def pad2d(image: object, padding: int) -> np.ndarray:
    """The input surrounded by ``padding`` rows and columns of zeros on every side."""
    grid = _as_grid(image, "input")
    p = _as_int(padding, "padding", 0)
    return np.pad(grid, p) if p else grid.copy()


def correlate2d(
    image: object, kernel: object, padding: int = 0, stride: int = 1, dilation: int = 1
) -> np.ndarray:
    """Cross-correlation, what CNN layers call "convolution" (the kernel is not flipped).

    .. math:: out[i, j] = \\sum_{u, v} x_p[i s + u d, j s + v d] \\, k[u, v]

    where :math:`x_p` is the input zero-padded by ``padding`` on every side, s the stride and
    d the dilation (PyTorch's ``conv2d`` for one channel). The output has
    ``output_size(n, f, padding, stride, dilation)`` rows and columns.

    Parameters
    ----------
    image, kernel : array_like, 2-D, finite
    padding : int >= 0
    stride, dilation : int >= 1

    Raises
    ------
    ValueError
        Not 2-D, non-finite values, negative padding, stride or dilation < 1, or a dilated
        kernel larger than the padded input.
    """
    x = _as_grid(image, "input")
    k = _as_grid(kernel, "kernel")
    p = _as_int(padding, "padding", 0)
    s = _as_int(stride, "stride", 1)
    d = _as_int(dilation, "dilation", 1)
    _check_fits(x.shape[0], x.shape[1], k.shape[0], k.shape[1], p, d)
    xp = np.pad(x, p) if p else x
    out_rows = (xp.shape[0] - dilated_extent(k.shape[0], d)) // s + 1
    out_cols = (xp.shape[1] - dilated_extent(k.shape[1], d)) // s + 1
    # One strided slice of the input per kernel offset, scaled and accumulated in place:
    # f*f vectorised passes instead of out*out Python steps, and the terms are added in
    # the same row-major order as conv_terms lists them, so hover text and grid agree exactly.
    # The passes run over bands of output rows small enough to stay in the CPU cache, which
    # makes the f*f passes over each band about twice as fast as passes over the whole image.
    out = np.zeros((out_rows, out_cols))
    band = max(8, _BAND_ELEMENTS // out_cols)
    product = np.empty((min(band, out_rows), out_cols))
    col_end = s * (out_cols - 1) + 1
    with np.errstate(over="ignore", invalid="ignore"):
        for b0 in range(0, out_rows, band):
            b1 = min(out_rows, b0 + band)
            out_band = out[b0:b1]
            product_band = product[: b1 - b0]
            row_end = s * (b1 - b0 - 1) + 1
            for u in range(k.shape[0]):
                first_row = b0 * s + u * d
                for v in range(k.shape[1]):
                    first_col = v * d
                    window_slice = xp[
                        first_row : first_row + row_end : s, first_col : first_col + col_end : s
                    ]
                    np.multiply(window_slice, k[u, v], out=product_band)
                    out_band += product_band
    _check_finite_result(out)
    return out


def convolve2d(
    image: object, kernel: object, padding: int = 0, stride: int = 1, dilation: int = 1
) -> np.ndarray:
    """True (textbook) convolution: cross-correlation with the kernel flipped in both axes.

    .. math:: out[i, j] = \\sum_{u, v} x_p[i s + u d, j s + v d] \\, k[f_r - 1 - u, f_c - 1 - v]

    Same arguments, output size and errors as :func:`correlate2d`.
    """
    k = _as_grid(kernel, "kernel")
    return correlate2d(image, k[::-1, ::-1], padding, stride, dilation)


def pool2d(
    x: object, size: int, stride: int | None = None, mode: Literal["avg", "max"] = "avg"
) -> np.ndarray:
    """Average or max pooling over ``size`` x ``size`` windows, no padding.

    .. math:: out[i, j] = \\operatorname{mean\\ or\\ max}_{u, v < size} x[i s + u, j s + v]

    ``stride`` defaults to ``size`` (non-overlapping windows, as ``nn.MaxPool2d``). The output
    size is ``output_size(n, size, 0, stride)``; rows/columns past the last window are dropped.
    The mean of finite values is always finite: a window whose plain sum overflows (values
    near 1.8e308) is averaged with its values scaled down by a power of two first.
    """
    grid = _as_grid(x, "input")
    k = _as_int(size, "pool size", 1)
    s = k if stride is None else _as_int(stride, "pool stride", 1)
    if mode not in POOL_MODES:
        raise ValueError(f"The pooling mode must be 'avg' or 'max', not {mode!r}.")
    if k > grid.shape[0] or k > grid.shape[1]:
        raise ValueError(
            f"A {k}x{k} pooling window does not fit in the {grid.shape[0]}x{grid.shape[1]} "
            "grid it pools, so no window fits: use a smaller pool size."
        )
    out = _pool_passes(grid, k, s, mode)
    if mode == "avg":
        with np.errstate(over="ignore", invalid="ignore"):
            out /= k * k
        overflowed = ~np.isfinite(out)
        if overflowed.any():
            # Same order of additions, on values scaled by an exact power of two so the sum of
            # k*k of them cannot pass 1.8e308; pool_terms does the same, so text and grid agree.
            scale = _avg_overflow_scale(k)
            with np.errstate(under="ignore"):
                rescued = _pool_passes(grid * scale, k, s, mode) / (k * k) / scale
            out[overflowed] = rescued[overflowed]
    _check_finite_result(out)
    return out


def _pool_passes(grid: np.ndarray, k: int, s: int, mode: str) -> np.ndarray:
    """Sum or max of each k x k window (stride s), combined in row-major window order."""
    out_rows = (grid.shape[0] - k) // s + 1
    out_cols = (grid.shape[1] - k) // s + 1
    row_end = s * (out_rows - 1) + 1
    col_end = s * (out_cols - 1) + 1
    # As in correlate2d: one strided slice per window offset, combined in place (k*k fast
    # passes), in row-major order so a mean equals the written-out (a + b + ...)/k^2.
    out = grid[0:row_end:s, 0:col_end:s].copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for u in range(k):
            for v in range(k):
                if u == 0 and v == 0:
                    continue
                window_slice = grid[u : u + row_end : s, v : v + col_end : s]
                if mode == "max":
                    np.maximum(out, window_slice, out=out)
                else:
                    out += window_slice
    return out


def _avg_overflow_scale(k: int) -> float:
    """2^-c with 2^c >= k*k: k*k values below 1.8e308, scaled by it, sum below 1.8e308."""
    return 2.0 ** -((k * k - 1).bit_length())


def avg_pool_kernel(size: int) -> np.ndarray:
    """The ``size`` x ``size`` kernel of 1/size^2 that turns a convolution into average pooling.

    Correlating with it at stride ``size`` and no padding equals ``pool2d(x, size, mode="avg")``
    (exercise 4d: a 2x2 kernel of 0.25s at stride 2).
    """
    k = _as_int(size, "pool size", 1)
    return np.full((k, k), 1.0 / (k * k))


# ----- explaining single cells ------------------------------------------------------------------
def receptive_field(
    row: int, col: int, kernel_shape: tuple[int, int], stride: int = 1, dilation: int = 1
) -> tuple[int, int, int, int]:
    """The window of output cell ``(row, col)`` on the *padded* input.

    Returns ``(row_start, row_stop, col_start, col_stop)`` (stop exclusive):
    rows ``row*s .. row*s + d(f_r - 1)`` and columns ``col*s .. col*s + d(f_c - 1)``. With
    dilation d > 1 the kernel's taps are every d-th cell of that span (``[start:stop:d]``).
    """
    s = _as_int(stride, "stride", 1)
    d = _as_int(dilation, "dilation", 1)
    r0 = _as_int(row, "output row", 0) * s
    c0 = _as_int(col, "output column", 0) * s
    f_r, f_c = int(kernel_shape[0]), int(kernel_shape[1])
    return r0, r0 + dilated_extent(f_r, d), c0, c0 + dilated_extent(f_c, d)


@dataclass(frozen=True)
class ConvTerms:
    """The products that make one output cell: ``sum(inputs * weights) = total``."""

    row: int
    col: int
    window: tuple[int, int, int, int]  # on the padded input, stop exclusive
    inputs: np.ndarray  # the padded input under the kernel's taps, f_r x f_c
    weights: np.ndarray  # the kernel as laid on the window (flipped for true convolution)
    total: float
    dilation: int = 1  # the taps are every dilation-th cell of the window

    def cells(self) -> list[tuple[int, int]]:
        """The padded-input cells under the kernel's taps, in row-major kernel order."""
        r0, r1, c0, c1 = self.window
        d = self.dilation
        return [(r, c) for r in range(r0, r1, d) for c in range(c0, c1, d)]


def conv_terms(
    image: object,
    kernel: object,
    row: int,
    col: int,
    padding: int = 0,
    stride: int = 1,
    flip: bool = False,
    dilation: int = 1,
) -> ConvTerms:
    """The sum of products behind output cell ``(row, col)``.

    .. math:: total = \\sum_{u, v} x_p[row\\, s + u d, col\\, s + v d] \\, k[u, v]

    ``total`` is accumulated in the same row-major order as :func:`correlate2d`, so it equals
    the output grid's value to the last bit. With ``flip=True`` the weights are the flipped
    kernel (true convolution).
    """
    x = _as_grid(image, "input")
    k = _as_grid(kernel, "kernel")
    if flip:
        k = k[::-1, ::-1]
    p = _as_int(padding, "padding", 0)
    s = _as_int(stride, "stride", 1)
    d = _as_int(dilation, "dilation", 1)
    _check_fits(x.shape[0], x.shape[1], k.shape[0], k.shape[1], p, d)
    out_rows = (x.shape[0] + 2 * p - dilated_extent(k.shape[0], d)) // s + 1
    out_cols = (x.shape[1] + 2 * p - dilated_extent(k.shape[1], d)) // s + 1
    if not (0 <= row < out_rows and 0 <= col < out_cols):
        raise ValueError(f"Output cell ({row}, {col}) is outside the {out_rows}x{out_cols} output.")
    window = receptive_field(row, col, k.shape, s, d)
    r0, r1, c0, c1 = window
    inputs = pad2d(x, p)[r0:r1:d, c0:c1:d].copy()
    total = 0.0
    for a, b in zip(inputs.ravel().tolist(), k.ravel().tolist(), strict=True):
        total += a * b
    return ConvTerms(int(row), int(col), window, inputs, np.array(k, copy=True), total, d)


def format_number(value: float) -> str:
    """A short, exact-looking spelling: ``3``, ``0.5``, ``-12.5``, ``0.1111111111``."""
    if value == 0:
        return "0"  # also turns -0.0 into "0"
    text = f"{value:.10g}"
    return text


def format_sum_of_products(terms: ConvTerms) -> str:
    """``0*(-1) + 0*0.5 + ... + 1*1.5 = 15.5``: each input times its weight, then the total.

    Negative factors are bracketed so the expression reads as it would be typed.
    """

    def factor(value: float) -> str:
        text = format_number(value)
        return f"({text})" if text.startswith("-") else text

    products = [
        f"{factor(a)}*{factor(b)}"
        for a, b in zip(terms.inputs.ravel().tolist(), terms.weights.ravel().tolist(), strict=True)
    ]
    return " + ".join(products) + f" = {format_number(terms.total)}"


@dataclass(frozen=True)
class PoolTerms:
    """The values pooled into one cell and the result (mean or max)."""

    row: int
    col: int
    window: tuple[int, int, int, int]  # on the pooled grid, stop exclusive
    values: np.ndarray
    mode: str
    total: float
    argmax: tuple[int, int]  # (row, col) on the pooled grid of the first largest value

    def text(self) -> str:
        """``(15.5 + 21 + 4.5 + 30)/4 = 17.75`` or ``max(15.5, 21, 4.5, 30) = 30``."""
        numbers = [format_number(v) for v in self.values.ravel().tolist()]
        if self.mode == "max":
            return f"max({', '.join(numbers)}) = {format_number(self.total)}"
        body = " + ".join(f"({n})" if n.startswith("-") else n for n in numbers)
        return f"({body})/{self.values.size} = {format_number(self.total)}"


def pool_terms(
    x: object, row: int, col: int, size: int, stride: int | None = None, mode: str = "avg"
) -> PoolTerms:
    """The window, values and result of pooled cell ``(row, col)``, with its arg-max cell."""
    grid = _as_grid(x, "input")
    k = _as_int(size, "pool size", 1)
    s = k if stride is None else _as_int(stride, "pool stride", 1)
    if mode not in POOL_MODES:
        raise ValueError(f"The pooling mode must be 'avg' or 'max', not {mode!r}.")
    out_rows = output_size(grid.shape[0], k, 0, s)
    out_cols = output_size(grid.shape[1], k, 0, s)
    if not (0 <= row < out_rows and 0 <= col < out_cols):
        raise ValueError(f"Pooled cell ({row}, {col}) is outside the {out_rows}x{out_cols} result.")
    r0, c0 = row * s, col * s
    values = grid[r0 : r0 + k, c0 : c0 + k].copy()
    flat = int(np.argmax(values))
    argmax = (r0 + flat // k, c0 + flat % k)
    if mode == "max":
        total = float(values.max())
    else:
        # Added in row-major order, as pool2d does, so the text equals the grid exactly.
        total = 0.0
        for value in values.ravel().tolist():
            total += value
        total /= k * k
        if not np.isfinite(total):  # the sum overflowed: scaled as pool2d does
            scale = _avg_overflow_scale(k)
            total = 0.0
            for value in values.ravel().tolist():
                total += value * scale
            total = total / (k * k) / scale
    return PoolTerms(int(row), int(col), (r0, r0 + k, c0, c0 + k), values, mode, total, argmax)


def pool_argmax(x: object, size: int, stride: int | None = None) -> np.ndarray:
    """For each max-pool window, the ``(row, col)`` of its largest value on ``x``.

    Returns an integer array of shape ``(out_rows, out_cols, 2)``; ties go to the first cell
    in row-major order (as ``np.argmax``).
    """
    grid = _as_grid(x, "input")
    k = _as_int(size, "pool size", 1)
    s = k if stride is None else _as_int(stride, "pool stride", 1)
    if k > grid.shape[0] or k > grid.shape[1]:
        raise ValueError(f"A {k}x{k} pooling window does not fit in the grid it pools.")
    windows = sliding_window_view(grid, (k, k))[::s, ::s]
    out_rows, out_cols = windows.shape[:2]
    flat = windows.reshape(out_rows, out_cols, k * k).argmax(axis=2)
    rows = np.arange(out_rows)[:, None] * s + flat // k
    cols = np.arange(out_cols)[None, :] * s + flat % k
    return np.stack([rows, cols], axis=2)
