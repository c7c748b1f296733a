"""Convolution and pooling on 2-D grids, written so every number can be explained.

CNN libraries call cross-correlation "convolution": the kernel slides over the zero-padded
input without being flipped. ``correlate2d`` is that operation; ``convolve2d`` is the
textbook convolution with the kernel flipped. Both share the output-size rule

    out = floor((n + 2p - f) / s) + 1

(as PyTorch), which ``output_size`` computes and ``solve_padding`` / ``solve_stride`` invert
exactly with fractions, so the exercise sheet's stride 4/3 can be reported as impossible
rather than rounded.

Besides the operations, this module returns what a teaching view needs to explain them: the
window (receptive field) of an output cell, the products that make its value, which input
rows/columns no window reaches, the arg-max of a max-pool window, kernel presets and the
exercise-4 data. Pure numpy; no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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
    "avg_pool_kernel",
    "conv_terms",
    "convolve2d",
    "correlate2d",
    "coverage",
    "explain_solve_padding",
    "explain_solve_stride",
    "format_number",
    "format_sum_of_products",
    "output_size",
    "output_size_steps",
    "pad2d",
    "pool2d",
    "pool_argmax",
    "pool_terms",
    "receptive_field",
    "solve_padding",
    "solve_stride",
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
def _as_grid(values: object, what: str) -> np.ndarray:
    try:
        grid = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"The {what} must be a grid of numbers.") from None
    if grid.ndim != 2:
        raise ValueError(
            f"The {what} must be a 2-D grid (rows and columns); it has {grid.ndim} dimension(s)."
        )
    if grid.size == 0:
        raise ValueError(f"The {what} is empty; it needs at least one row and one column.")
    if not np.all(np.isfinite(grid)):
        raise ValueError(f"The {what} contains a value that is not a finite number (nan or inf).")
    return grid


def _as_int(value: object, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ValueError(f"The {what} must be a whole number.")
    if not math.isfinite(float(value)) or float(value) != int(value):
        raise ValueError(f"The {what} must be a whole number, not {value}.")
    number = int(value)
    if number < minimum:
        if minimum == 0:
            raise ValueError(f"The {what} cannot be negative (got {number}).")
        raise ValueError(f"The {what} must be at least {minimum} (got {number}).")
    return number


def _check_fits(n_rows: int, n_cols: int, f_rows: int, f_cols: int, padding: int) -> None:
    if f_rows > n_rows + 2 * padding or f_cols > n_cols + 2 * padding:
        raise ValueError(
            f"The {f_rows}x{f_cols} kernel does not fit in the padded input "
            f"({n_rows + 2 * padding}x{n_cols + 2 * padding} with padding {padding}), "
            "so no window fits: use a smaller kernel or more padding."
        )


# ----- the operations ---------------------------------------------------------------------------
def output_size(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    """Number of window positions along one axis.

    .. math:: out = \\lfloor (n + 2p - f) / s \\rfloor + 1

    as PyTorch's ``Conv2d``/``MaxPool2d`` (without dilation). Raises ``ValueError`` when the
    kernel is larger than the padded input or the arguments are not sensible.
    """
    n = _as_int(n, "input size", 1)
    f = _as_int(f, "kernel size", 1)
    p = _as_int(padding, "padding", 0)
    s = _as_int(stride, "stride", 1)
    if f > n + 2 * p:
        raise ValueError(
            f"A kernel of size {f} does not fit in an input of size {n} padded by {p} "
            f"({n + 2 * p} cells), so no window fits."
        )
    return (n + 2 * p - f) // s + 1


def output_size_steps(n: int, f: int, padding: int = 0, stride: int = 1) -> str:
    """The output-size formula with the numbers put in, e.g. ``floor((4 + 2*1 - 3)/1) + 1 = 4``.

    When ``(n + 2p - f)`` is not a multiple of ``s`` the division is shown as a fraction so
    the floor is visible: ``floor((5 + 2*0 - 2)/2) + 1 = floor(3/2) + 1 = 1 + 1 = 2``.
    """
    out = output_size(n, f, padding, stride)
    span = n + 2 * padding - f
    head = f"floor(({n} + 2*{padding} - {f})/{stride}) + 1"
    if span % stride == 0:
        return f"{head} = {span // stride} + 1 = {out}"
    return f"{head} = floor({span}/{stride}) + 1 = {span // stride} + 1 = {out}"


def pad2d(image: object, padding: int) -> np.ndarray:
    """The input surrounded by ``padding`` rows and columns of zeros on every side."""
    grid = _as_grid(image, "input")
    p = _as_int(padding, "padding", 0)
    return np.pad(grid, p) if p else grid.copy()


def correlate2d(image: object, kernel: object, padding: int = 0, stride: int = 1) -> np.ndarray:
    """Cross-correlation, what CNN layers call "convolution" (the kernel is not flipped).

    .. math:: out[i, j] = \\sum_{u, v} x_p[i s + u, j s + v] \\, k[u, v]

    where :math:`x_p` is the input zero-padded by ``padding`` on every side. The output has
    ``output_size(n, f, padding, stride)`` rows and columns.

    Parameters
    ----------
    image, kernel : array_like, 2-D, finite
    padding : int >= 0
    stride : int >= 1

    Raises
    ------
    ValueError
        Not 2-D, non-finite values, negative padding, stride < 1, or a kernel larger than the
        padded input.
    """
    x = _as_grid(image, "input")
    k = _as_grid(kernel, "kernel")
    p = _as_int(padding, "padding", 0)
    s = _as_int(stride, "stride", 1)
    _check_fits(x.shape[0], x.shape[1], k.shape[0], k.shape[1], p)
    xp = np.pad(x, p) if p else x
    out_rows = (xp.shape[0] - k.shape[0]) // s + 1
    out_cols = (xp.shape[1] - k.shape[1]) // s + 1
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
                first_row = b0 * s + u
                for v in range(k.shape[1]):
                    window_slice = xp[first_row : first_row + row_end : s, v : v + col_end : s]
                    np.multiply(window_slice, k[u, v], out=product_band)
                    out_band += product_band
    _check_finite_result(out)
    return out


def _check_finite_result(out: np.ndarray) -> None:
    # Huge typed values can overflow float64; say so instead of showing inf as a result.
    if not np.all(np.isfinite(out)):
        raise ValueError(
            "The values are too large: a result overflowed beyond 1.8e308. Use smaller numbers."
        )


def convolve2d(image: object, kernel: object, padding: int = 0, stride: int = 1) -> np.ndarray:
    """True (textbook) convolution: cross-correlation with the kernel flipped in both axes.

    .. math:: out[i, j] = \\sum_{u, v} x_p[i s + u, j s + v] \\, k[f_r - 1 - u, f_c - 1 - v]

    Same arguments, output size and errors as :func:`correlate2d`.
    """
    k = _as_grid(kernel, "kernel")
    return correlate2d(image, k[::-1, ::-1], padding, stride)


def pool2d(
    x: object, size: int, stride: int | None = None, mode: Literal["avg", "max"] = "avg"
) -> np.ndarray:
    """Average or max pooling over ``size`` x ``size`` windows, no padding.

    .. math:: out[i, j] = \\operatorname{mean\\ or\\ max}_{u, v < size} x[i s + u, j s + v]

    ``stride`` defaults to ``size`` (non-overlapping windows, as ``nn.MaxPool2d``). The output
    size is ``output_size(n, size, 0, stride)``; rows/columns past the last window are dropped.
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
        if mode == "avg":
            out /= k * k
    _check_finite_result(out)
    return out


def avg_pool_kernel(size: int) -> np.ndarray:
    """The ``size`` x ``size`` kernel of 1/size^2 that turns a convolution into average pooling.

    Correlating with it at stride ``size`` and no padding equals ``pool2d(x, size, mode="avg")``
    (exercise 4d: a 2x2 kernel of 0.25s at stride 2).
    """
    k = _as_int(size, "pool size", 1)
    return np.full((k, k), 1.0 / (k * k))


# ----- solving the size formula -----------------------------------------------------------------
def solve_padding(n: int, f: int, stride: int, out: int) -> Fraction:
    """The padding that makes ``(n + 2p - f)/s + 1 = out`` hold exactly.

    .. math:: p = ((out - 1) s - n + f) / 2

    Returned as an exact ``Fraction``: a whole, non-negative value is a usable padding;
    anything else means no padding gives exactly ``out`` (the caller says so).
    """
    n = _as_int(n, "input size", 1)
    f = _as_int(f, "kernel size", 1)
    s = _as_int(stride, "stride", 1)
    o = _as_int(out, "wanted output size", 1)
    return Fraction((o - 1) * s - n + f, 2)


def solve_stride(n: int, f: int, padding: int, out: int) -> Fraction:
    """The stride that makes ``(n + 2p - f)/s + 1 = out`` hold exactly.

    .. math:: s = (n + 2p - f) / (out - 1)

    Returned as an exact ``Fraction`` (exercise 4b: n=4, f=2, p=1, out=4 gives 4/3, which is
    not a whole number, so no stride works; 0 when ``n + 2p = f``, since then only one window
    fits). Raises ``ValueError`` when ``out`` is 1 (a single
    window: every stride gives it) or the kernel does not fit.
    """
    n = _as_int(n, "input size", 1)
    f = _as_int(f, "kernel size", 1)
    p = _as_int(padding, "padding", 0)
    o = _as_int(out, "wanted output size", 1)
    if f > n + 2 * p:
        raise ValueError(
            f"A kernel of size {f} does not fit in an input of size {n} padded by {p}, "
            "so no stride gives any output."
        )
    if o == 1:
        raise ValueError(
            "An output of size 1 is a single window, so the stride does not matter: "
            "the formula cannot be solved for it."
        )
    return Fraction(n + 2 * p - f, o - 1)


def _fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def explain_solve_padding(n: int, f: int, stride: int, out: int) -> tuple[Fraction, bool, str]:
    """Solve for the padding and say in words whether it works.

    Returns ``(p, works, text)``, e.g. for exercise 4a
    ``p = ((out - 1)*s - n + f)/2 = ((4 - 1)*1 - 4 + 3)/2 = 1: padding 1 works.``
    """
    p = solve_padding(n, f, stride, out)
    head = (
        f"p = ((out - 1)*s - n + f)/2 = (({out} - 1)*{stride} - {n} + {f})/2 = {_fraction_text(p)}"
    )
    if p.denominator != 1:
        return (
            p,
            False,
            f"{head}: padding {_fraction_text(p)} is not a whole number, "
            f"so no padding gives exactly {out}.",
        )
    if p < 0:
        return (
            p,
            False,
            f"{head}: padding cannot be negative, so no padding gives {out} "
            "(the output is already smaller).",
        )
    return p, True, f"{head}: padding {p} works."


def explain_solve_stride(
    n: int, f: int, padding: int, out: int
) -> tuple[Fraction | None, bool, str]:
    """Solve for the stride and say in words whether it works (exercise 4b gives 4/3: no).

    Returns ``(s, works, text)``; ``s`` is None when ``out`` is 1 (every stride works) or
    the kernel does not fit. When the exact stride is not whole, the text names what the
    nearest whole strides give instead.
    """
    try:
        s = solve_stride(n, f, padding, out)
    except ValueError as exc:
        return None, out == 1 and f <= n + 2 * padding, str(exc)
    head = (
        f"s = (n + 2p - f)/(out - 1) = ({n} + 2*{padding} - {f})/({out} - 1) = {_fraction_text(s)}"
    )
    if s == 0:
        return (
            s,
            False,
            f"{head}: the kernel fills the padded input, so only 1 output fits "
            f"and no stride gives {out}.",
        )
    if s.denominator != 1:
        below, above = math.floor(s), math.ceil(s)
        nearest = [
            f"stride {t} gives {output_size(n, f, padding, t)}" for t in (below, above) if t >= 1
        ]
        return (
            s,
            False,
            (
                f"{head}: stride {_fraction_text(s)} is not a whole number, so no stride works "
                f"({', '.join(nearest)})."
            ),
        )
    return s, True, f"{head}: stride {s} works."


# ----- explaining single cells ------------------------------------------------------------------
def receptive_field(
    row: int, col: int, kernel_shape: tuple[int, int], stride: int = 1
) -> tuple[int, int, int, int]:
    """The window of output cell ``(row, col)`` on the *padded* input.

    Returns ``(row_start, row_stop, col_start, col_stop)`` (stop exclusive):
    rows ``row*s .. row*s + f_r - 1`` and columns ``col*s .. col*s + f_c - 1``.
    """
    s = _as_int(stride, "stride", 1)
    r0 = _as_int(row, "output row", 0) * s
    c0 = _as_int(col, "output column", 0) * s
    return r0, r0 + int(kernel_shape[0]), c0, c0 + int(kernel_shape[1])


@dataclass(frozen=True)
class ConvTerms:
    """The products that make one output cell: ``sum(inputs * weights) = total``."""

    row: int
    col: int
    window: tuple[int, int, int, int]  # on the padded input, stop exclusive
    inputs: np.ndarray  # the window of the padded input, f_r x f_c
    weights: np.ndarray  # the kernel as laid on the window (flipped for true convolution)
    total: float


def conv_terms(
    image: object,
    kernel: object,
    row: int,
    col: int,
    padding: int = 0,
    stride: int = 1,
    flip: bool = False,
) -> ConvTerms:
    """The sum of products behind output cell ``(row, col)``.

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
    _check_fits(x.shape[0], x.shape[1], k.shape[0], k.shape[1], p)
    out_rows = (x.shape[0] + 2 * p - k.shape[0]) // s + 1
    out_cols = (x.shape[1] + 2 * p - k.shape[1]) // s + 1
    if not (0 <= row < out_rows and 0 <= col < out_cols):
        raise ValueError(f"Output cell ({row}, {col}) is outside the {out_rows}x{out_cols} output.")
    window = receptive_field(row, col, k.shape, s)
    r0, r1, c0, c1 = window
    inputs = pad2d(x, p)[r0:r1, c0:c1].copy()
    total = 0.0
    for a, b in zip(inputs.ravel().tolist(), k.ravel().tolist(), strict=True):
        total += a * b
    return ConvTerms(int(row), int(col), window, inputs, np.array(k, copy=True), total)


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


# ----- which cells the windows reach ------------------------------------------------------------
def coverage(n: int, f: int, padding: int = 0, stride: int = 1) -> np.ndarray:
    """Which of the ``n + 2p`` padded positions along one axis some window covers.

    A position is reached when it lies in ``[i s, i s + f)`` for some output index ``i``.
    Unreached positions come from the floor in the size formula (at the end) and from a
    stride larger than the kernel (gaps between windows).
    """
    out = output_size(n, f, padding, stride)
    reached = np.zeros(n + 2 * padding, dtype=bool)
    for i in range(out):
        reached[i * stride : i * stride + f] = True
    return reached


def unreached_trailing(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    """How many padded positions at the end no window reaches: ``(n + 2p - f) mod s``.

    Non-zero exactly when the size formula floors.
    """
    output_size(n, f, padding, stride)  # validates
    return (n + 2 * padding - f) % stride
