"""What the convolution topic computes for some settings, without Qt.

Settings -> ``visualizer.compute`` -> :class:`ConvResult` (the number grids). Computed once
per settings change by the model; the views only read it. Image mode's picture, filtered and
pooled, is ``image_mode.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.compute import conv
from visualizer.tabs.conv.settings import OPERATIONS, ConvSettings

if TYPE_CHECKING:
    from visualizer.compute.conv_transpose import TransposedEquivalent

# The transposed convolution is imported where it is computed: the sheet's sliding
# convolutions (most lessons) never load its maths.


@dataclass(frozen=True, eq=False)
class ConvResult:
    """What compute returned for some settings (``None`` plus the reason where nothing fits)."""

    input: np.ndarray
    kernel: np.ndarray
    padded: np.ndarray
    padding_mask: np.ndarray  # True on the zero ring
    output: np.ndarray | None = None
    error: str = ""
    rows_reached: np.ndarray | None = None  # per padded row: does some window reach it?
    cols_reached: np.ndarray | None = None
    trailing_rows: int = 0  # padded rows at the end no window reaches (the formula floors)
    trailing_cols: int = 0
    formula_rows: str = ""  # the size formula with the numbers put in
    formula_cols: str = ""
    pool_source: np.ndarray | None = None  # the grid that is pooled (input or output)
    pooled: np.ndarray | None = None
    pool_error: str = ""
    argmax: np.ndarray | None = None  # max pooling: (rows, cols, 2) positions on pool_source
    as_conv: np.ndarray | None = None  # average pooling computed as a convolution
    as_conv_kernel: np.ndarray | None = None
    as_conv_matches: bool = False  # the convolution gives the pooled grid (up to rounding)
    equivalent: TransposedEquivalent | None = None  # transposed, equivalent view


def compute_result(settings: ConvSettings) -> ConvResult:
    """Every grid and sentence the number-grid view shows, for ``settings``."""
    s = settings
    x = np.array(s.input, dtype=float)
    kernel = np.array(s.kernel, dtype=float)
    padded = conv.pad2d(x, s.padding)
    mask = np.ones(padded.shape, bool)
    n_r, n_c = x.shape
    mask[s.padding : s.padding + n_r, s.padding : s.padding + n_c] = False
    values: dict[str, Any] = {}
    f_r, f_c = kernel.shape
    p, st, d = s.padding, s.stride, s.dilation
    try:
        if s.mode == "transposed":
            from visualizer.tabs.conv.transposed import transposed_values

            found = transposed_values(s, x, kernel)
            padded, mask = found.pop("padded"), found.pop("padding_mask")
            values.update(found)
        else:
            values["output"] = OPERATIONS[s.mode](x, kernel, p, st, d)
            values["rows_reached"] = conv.coverage(n_r, f_r, p, st, d)
            values["cols_reached"] = conv.coverage(n_c, f_c, p, st, d)
            values["trailing_rows"] = conv.unreached_trailing(n_r, f_r, p, st, d)
            values["trailing_cols"] = conv.unreached_trailing(n_c, f_c, p, st, d)
            values["formula_rows"] = conv.output_size_steps(n_r, f_r, p, st, d)
            values["formula_cols"] = conv.output_size_steps(n_c, f_c, p, st, d)
    except ValueError as exc:
        values = {"error": str(exc)}
    source = x if s.pool_source == "input" else values.get("output")
    values["pool_source"] = source
    if source is None:
        values["pool_error"] = "There is no output to pool: " + values["error"]
    else:
        try:
            values["pooled"] = conv.pool2d(source, s.pool_size, s.pool_stride, s.pool_mode)
            if s.pool_mode == "max":
                values["argmax"] = conv.pool_argmax(source, s.pool_size, s.pool_stride)
            if s.pool_as_conv and s.pool_mode == "avg":
                weights = conv.avg_pool_kernel(s.pool_size)
                values["as_conv_kernel"] = weights
                values["as_conv"] = conv.correlate2d(source, weights, 0, s.pool_stride)
                values["as_conv_matches"] = bool(np.allclose(values["as_conv"], values["pooled"]))
        except ValueError as exc:
            values["pool_error"] = str(exc)
    return ConvResult(input=x, kernel=kernel, padded=padded, padding_mask=mask, **values)
