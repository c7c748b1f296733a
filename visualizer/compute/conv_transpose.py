"""Transposed convolution of one channel, and the two ways a teaching view can show it.

The *scatter* view: each input cell stamps the kernel, times its value, onto the output at
stride s (taps d cells apart, the first ``padding`` rows and columns cropped away); where
stamps overlap, the products add up:

.. math:: y[i s + u d - p, j s + v d - p] \\mathrel{+}= x[i, j] \\, k[u, v]

The *equivalent* view: insert s - 1 zeros between input cells, pad by d(f - 1) - p, and
correlate (stride 1, dilation d) with the kernel flipped in both axes. Both give PyTorch's
``torch.nn.functional.conv_transpose2d`` for one channel, which is the adjoint of
:func:`~visualizer.compute.conv.correlate2d` at the same stride, padding and dilation: that is
why the gradient of a convolution with respect to its input is a transposed convolution.

Output size: ``(n - 1) s - 2p + d(f - 1) + output_padding + 1``. Pure numpy; no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from visualizer.compute._conv_checks import (
    as_grid,
    as_int,
    check_finite_result,
    dilated_extent,
)
from visualizer.compute.conv import format_number

__all__ = [
    "ScatterTerm",
    "TransposedEquivalent",
    "conv_transpose2d",
    "format_scatter_sum",
    "transposed_equivalent",
    "transposed_output_size",
    "transposed_output_size_steps",
    "transposed_scatter_terms",
]


def _settings(
    stride: object, padding: object, output_padding: object, dilation: object
) -> tuple[int, int, int, int]:
    s = as_int(stride, "stride", 1)
    p = as_int(padding, "padding", 0)
    op = as_int(output_padding, "output padding", 0)
    d = as_int(dilation, "dilation", 1)
    if op >= s and op >= d:
        # PyTorch's rule: the extra rows must come from a stride or dilation gap.
        raise ValueError(
            f"The output padding ({op}) must be smaller than the stride ({s}) or the "
            f"dilation ({d})."
        )
    return s, p, op, d


def _size(n: int, f: int, s: int, p: int, op: int, d: int) -> int:
    size = (n - 1) * s - 2 * p + dilated_extent(f, d) + op
    if size < 1:
        raise ValueError(
            f"The padding {p} crops away the whole output ({size + 2 * p} cells before "
            f"cropping {p} from each side), so nothing is left: use less padding."
        )
    return size


def transposed_output_size(
    n: int,
    f: int,
    padding: int = 0,
    stride: int = 1,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Output size of a transposed convolution along one axis.

    .. math:: out = (n - 1) s - 2p + d (f - 1) + output\\_padding + 1

    as PyTorch's ``ConvTranspose2d``. It inverts :func:`~visualizer.compute.output_size`:
    a convolution with the same settings maps ``out`` cells back to ``n`` (``output_padding``
    picks among the input sizes that the floor maps to the same ``n``). Raises ``ValueError``
    when ``output_padding`` is not smaller than the stride or the dilation, or the padding
    crops away everything.
    """
    n = as_int(n, "input size", 1)
    f = as_int(f, "kernel size", 1)
    s, p, op, d = _settings(stride, padding, output_padding, dilation)
    return _size(n, f, s, p, op, d)


def transposed_output_size_steps(
    n: int,
    f: int,
    padding: int = 0,
    stride: int = 1,
    output_padding: int = 0,
    dilation: int = 1,
) -> str:
    """The size formula with the numbers put in: ``(4 - 1)*2 - 2*1 + 1*(3 - 1) + 1 + 1 = 8``."""
    out = transposed_output_size(n, f, padding, stride, output_padding, dilation)
    return f"({n} - 1)*{stride} - 2*{padding} + {dilation}*({f} - 1) + {output_padding} + 1 = {out}"


def conv_transpose2d(
    x: object,
    kernel: object,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> np.ndarray:
    """Transposed convolution of one channel (``torch.nn.functional.conv_transpose2d``).

    .. math:: y[o_r, o_c] = \\sum_{i s + u d - p = o_r,\\ j s + v d - p = o_c} x[i, j] \\, k[u, v]

    Every input cell stamps ``x[i, j] * kernel`` onto the output with its top-left tap at
    ``(i s - p, j s - p)``; overlapping stamps add. The output is
    ``transposed_output_size(n, f, padding, stride, output_padding, dilation)`` per axis; the
    ``output_padding`` extra rows and columns (bottom, right) receive what stamps reach there,
    else 0. It is the adjoint of ``correlate2d(., kernel, padding, stride, dilation)``.

    Raises
    ------
    ValueError
        Not 2-D or not finite, padding or output_padding negative, stride or dilation < 1,
        output_padding not smaller than the stride or the dilation, or a padding that crops
        away the whole output.
    """
    grid = as_grid(x, "input")
    k = as_grid(kernel, "kernel")
    s, p, op, d = _settings(stride, padding, output_padding, dilation)
    rows = _size(grid.shape[0], k.shape[0], s, p, op, d)
    cols = _size(grid.shape[1], k.shape[1], s, p, op, d)
    # Stamp onto the uncropped canvas, one kernel tap at a time (f*f vectorised passes, in
    # row-major tap order: the order transposed_scatter_terms lists them, so a hover sum
    # equals the grid to the last bit), then crop the padding off each side.
    canvas = np.zeros((rows + 2 * p, cols + 2 * p))
    row_end = s * (grid.shape[0] - 1) + 1
    col_end = s * (grid.shape[1] - 1) + 1
    with np.errstate(over="ignore", invalid="ignore"):
        for u in range(k.shape[0]):
            for v in range(k.shape[1]):
                target = canvas[u * d : u * d + row_end : s, v * d : v * d + col_end : s]
                target += grid * k[u, v]
    out = canvas[p : p + rows, p : p + cols].copy()
    check_finite_result(out)
    return out


class ScatterTerm(NamedTuple):
    """One contribution to an output cell: ``input_value * weight = product``."""

    input_cell: tuple[int, int]
    kernel_cell: tuple[int, int]
    product: float
    input_value: float
    weight: float


def transposed_scatter_terms(
    x: object,
    kernel: object,
    row: int,
    col: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> list[ScatterTerm]:
    """Which input cells stamp onto output cell ``(row, col)``, through which kernel taps.

    The pairs ``(i, j), (u, v)`` with ``i s + u d - p = row`` and ``j s + v d - p = col``,
    listed in row-major kernel order. Summing their products from 0 in that order gives
    ``conv_transpose2d(...)[row, col]`` exactly; an empty list means no stamp reaches the
    cell (its value is 0).
    """
    grid = as_grid(x, "input")
    k = as_grid(kernel, "kernel")
    s, p, op, d = _settings(stride, padding, output_padding, dilation)
    rows = _size(grid.shape[0], k.shape[0], s, p, op, d)
    cols = _size(grid.shape[1], k.shape[1], s, p, op, d)
    r = as_int(row, "output row", 0)
    c = as_int(col, "output column", 0)
    if r >= rows or c >= cols:
        raise ValueError(f"Output cell ({r}, {c}) is outside the {rows}x{cols} output.")
    terms = []
    for u in range(k.shape[0]):
        i, rest_r = divmod(r + p - u * d, s)
        if rest_r or not 0 <= i < grid.shape[0]:
            continue
        for v in range(k.shape[1]):
            j, rest_c = divmod(c + p - v * d, s)
            if rest_c or not 0 <= j < grid.shape[1]:
                continue
            value, weight = float(grid[i, j]), float(k[u, v])
            terms.append(ScatterTerm((i, j), (u, v), value * weight, value, weight))
    return terms


def format_scatter_sum(terms: list[ScatterTerm]) -> str:
    """``3*(-1) + 5*0.5 = -0.5``; ``0 (no input cell reaches this output cell)`` when empty."""
    if not terms:
        return "0 (no input cell reaches this output cell)"

    def factor(value: float) -> str:
        text = format_number(value)
        return f"({text})" if text.startswith("-") else text

    total = 0.0
    for term in terms:
        total += term.product
    products = " + ".join(f"{factor(t.input_value)}*{factor(t.weight)}" for t in terms)
    return f"{products} = {format_number(total)}"


@dataclass(frozen=True)
class TransposedEquivalent:
    """The equivalent view of a transposed convolution as an ordinary correlation.

    ``correlate2d(padded_input, flipped_kernel, padding=0, stride=1, dilation=dilation)``
    equals ``conv_transpose2d`` with the same settings. ``padded_input`` is the input with
    ``stride - 1`` zeros inserted between cells, padded by ``padding`` = d(f - 1) - p on each
    side (a negative value crops instead) plus ``output_padding`` extra rows and columns at the
    bottom and right. ``input_cells[i, j]`` is the ``(row, col)`` of input cell ``(i, j)`` in
    ``padded_input``, or -1 where the crop removed it.
    """

    padded_input: np.ndarray
    flipped_kernel: np.ndarray
    padding: tuple[int, int]  # (rows, columns): d(f - 1) - p per axis
    dilation: int
    input_cells: np.ndarray  # shape (n_r, n_c, 2)


def transposed_equivalent(
    x: object,
    kernel: object,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> TransposedEquivalent:
    """Zero-inserted, padded input and flipped kernel whose correlation is the transposed one.

    .. math:: conv\\_transpose2d(x, k) = correlate2d(pad_{d(f-1)-p}(zeros_s(x)), flip(k), d)

    where :math:`zeros_s` puts ``s - 1`` zeros between neighbouring input cells. Same errors
    as :func:`conv_transpose2d`.
    """
    grid = as_grid(x, "input")
    k = as_grid(kernel, "kernel")
    s, p, op, d = _settings(stride, padding, output_padding, dilation)
    _size(grid.shape[0], k.shape[0], s, p, op, d)
    _size(grid.shape[1], k.shape[1], s, p, op, d)
    n_r, n_c = grid.shape
    up_r, up_c = (n_r - 1) * s + 1, (n_c - 1) * s + 1
    q_r, q_c = d * (k.shape[0] - 1) - p, d * (k.shape[1] - 1) - p
    # Build on a canvas large enough for any sign of q, then cut the wanted range: a negative
    # padding crops cells of the zero-inserted input, which the correlation would never use.
    m_r, m_c = max(q_r, 0), max(q_c, 0)
    canvas = np.zeros((up_r + 2 * m_r + op, up_c + 2 * m_c + op))
    canvas[m_r : m_r + up_r : s, m_c : m_c + up_c : s] = grid
    r0, c0 = m_r - q_r, m_c - q_c
    padded = canvas[r0 : r0 + up_r + 2 * q_r + op, c0 : c0 + up_c + 2 * q_c + op].copy()
    rows = np.arange(n_r)[:, None] * s + q_r
    cols = np.arange(n_c)[None, :] * s + q_c
    inside = (rows >= 0) & (rows < padded.shape[0]) & (cols >= 0) & (cols < padded.shape[1])
    cells = np.stack(np.broadcast_arrays(rows, cols), axis=2).copy()
    cells[~inside] = -1
    return TransposedEquivalent(padded, k[::-1, ::-1].copy(), (q_r, q_c), d, cells)
