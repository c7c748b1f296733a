"""Transposed convolution for the convolution topic, without Qt: its grids and its sums.

Two views of the same result (``visualizer.compute.conv_transpose``):

- *scatter*: the input is the small grid; each input cell stamps the kernel, times its value,
  onto the output at stride s (taps d cells apart, ``padding`` rows cropped from each side);
  where stamps overlap they add. A hovered output cell lists its contributions.
- *equivalent*: the input with s - 1 zeros inserted between its cells and padded by
  d(f - 1) - p (grey), correlated at stride 1 with the flipped kernel: an ordinary
  convolution that gives the same output.

Output size: (n - 1) s - 2p + d(f - 1) + output_padding + 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.compute import conv
from visualizer.compute.conv_transpose import (
    conv_transpose2d,
    format_scatter_sum,
    transposed_equivalent,
    transposed_output_size_steps,
    transposed_scatter_terms,
)
from visualizer.tabs.conv.settings import ConvSettings

if TYPE_CHECKING:
    from visualizer.tabs.conv.result import ConvResult

__all__ = [
    "TRANSPOSED_VIEW_WORDS",
    "TransposedFocus",
    "scatter_stamp",
    "transposed_focus",
    "transposed_values",
]

TRANSPOSED_VIEW_WORDS = {
    "scatter": "each input cell stamps the kernel",
    "equivalent": "zeros inserted, then an ordinary convolution",
}


def transposed_values(settings: ConvSettings, x: np.ndarray, kernel: np.ndarray) -> dict[str, Any]:
    """The result fields of a transposed convolution (raises ValueError when it cannot be)."""
    s = settings
    p, st, d, op = s.padding, s.stride, s.dilation, s.output_padding
    output = conv_transpose2d(x, kernel, st, p, op, d)
    values: dict[str, Any] = {
        "output": output,
        "formula_rows": transposed_output_size_steps(x.shape[0], kernel.shape[0], p, st, op, d),
        "formula_cols": transposed_output_size_steps(x.shape[1], kernel.shape[1], p, st, op, d),
    }
    if s.transposed_view == "equivalent":
        equivalent = transposed_equivalent(x, kernel, st, p, op, d)
        mask = np.ones(equivalent.padded_input.shape, bool)
        cells = equivalent.input_cells.reshape(-1, 2)
        kept = cells[(cells >= 0).all(axis=1)]
        mask[kept[:, 0], kept[:, 1]] = False
        values.update(padded=equivalent.padded_input, padding_mask=mask, equivalent=equivalent)
    else:
        values.update(padded=x.copy(), padding_mask=np.zeros(x.shape, bool))
    return values


@dataclass(frozen=True)
class TransposedFocus:
    """An output cell of a transposed convolution explained."""

    formula: str
    input_cells: tuple[tuple[int, int], ...] = ()  # on the grid the input view shows
    kernel_cells: tuple[tuple[int, int], ...] = ()  # taps on the kernel grid shown
    input_window: tuple[int, int, int, int] | None = None  # equivalent view: the window
    taps: tuple[tuple[int, int], ...] = ()  # equivalent view with dilation: the taps


def transposed_focus(
    settings: ConvSettings, result: ConvResult, row: int, col: int
) -> TransposedFocus:
    """Output cell (row, col): its contributions (scatter) or its window (equivalent)."""
    s = settings
    if s.transposed_view == "equivalent" and result.equivalent is not None:
        eq = result.equivalent
        terms = conv.conv_terms(
            eq.padded_input, eq.flipped_kernel, row, col, 0, 1, dilation=eq.dilation
        )
        return TransposedFocus(
            formula=conv.format_sum_of_products(terms),
            input_window=terms.window,
            taps=tuple(terms.cells()) if eq.dilation > 1 else (),
        )
    terms = transposed_scatter_terms(
        result.input, result.kernel, row, col, s.stride, s.padding, s.output_padding, s.dilation
    )
    return TransposedFocus(
        formula=format_scatter_sum(terms),
        input_cells=tuple(t.input_cell for t in terms),
        kernel_cells=tuple(t.kernel_cell for t in terms),
    )


def scatter_stamp(
    settings: ConvSettings, result: ConvResult, row: int, col: int
) -> list[tuple[int, int]]:
    """The output cells input cell (row, col) stamps onto (scatter view)."""
    s = settings
    out = result.output
    if out is None:
        return []
    f_r, f_c = result.kernel.shape
    cells = []
    for u in range(f_r):
        for v in range(f_c):
            r = row * s.stride + u * s.dilation - s.padding
            c = col * s.stride + v * s.dilation - s.padding
            if 0 <= r < out.shape[0] and 0 <= c < out.shape[1]:
                cells.append((r, c))
    return cells
