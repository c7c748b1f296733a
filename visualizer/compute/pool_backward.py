"""The backward pass of pooling: where each pooled cell's gradient goes.

Max pooling passes a window's gradient to the one cell that won it, its arg-max (ties go to
the first maximum in row-major order, as PyTorch does); average pooling spreads it evenly,
1/k^2 to each cell of the k x k window. Overlapping windows (stride < size) add their shares.

.. math::
    \\partial L/\\partial x[r, c] = \\sum_{(i, j):\\ (r, c) = argmax(window_{ij})} g[i, j]
    \\quad\\text{(max)}, \\qquad
    \\partial L/\\partial x[r, c] = \\sum_{(i, j):\\ (r, c) \\in window_{ij}} g[i, j] / k^2
    \\quad\\text{(avg)}

Pure numpy; no Qt.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from visualizer.compute._conv_checks import as_grid, as_int, check_finite_result
from visualizer.compute.conv import POOL_MODES, pool_argmax

__all__ = ["PoolGradientTerm", "pool2d_backward", "pool_gradient_terms"]


def _setup(
    x: object, grad_out: object, size: object, stride: object, mode: str
) -> tuple[np.ndarray, np.ndarray, int, int]:
    grid = as_grid(x, "input")
    g = as_grid(grad_out, "upstream gradient")
    k = as_int(size, "pool size", 1)
    s = k if stride is None else as_int(stride, "pool stride", 1)
    if mode not in POOL_MODES:
        raise ValueError(f"The pooling mode must be 'avg' or 'max', not {mode!r}.")
    if k > grid.shape[0] or k > grid.shape[1]:
        raise ValueError(
            f"A {k}x{k} pooling window does not fit in the {grid.shape[0]}x{grid.shape[1]} "
            "grid it pools, so no window fits: use a smaller pool size."
        )
    expected = ((grid.shape[0] - k) // s + 1, (grid.shape[1] - k) // s + 1)
    if g.shape != expected:
        raise ValueError(
            f"The upstream gradient must have the pooled grid's shape {expected[0]}x"
            f"{expected[1]}, not {g.shape[0]}x{g.shape[1]}."
        )
    return grid, g, k, s


def pool2d_backward(
    x: object,
    grad_out: object,
    size: int,
    stride: int | None = None,
    mode: Literal["avg", "max"] = "max",
) -> np.ndarray:
    """Gradient of ``pool2d(x, size, stride, mode)`` with respect to x, given ``grad_out``.

    ``"max"``: each ``grad_out[i, j]`` goes whole to its window's arg-max (first maximum in
    row-major order on ties, as PyTorch); ``"avg"``: each is spread as ``grad_out[i, j]/k^2``
    over its window. Cells that no window reaches, or that win no window, get 0.

    Raises
    ------
    ValueError
        Bad grids, a pool size that does not fit, an unknown mode, or a ``grad_out`` whose
        shape is not the pooled grid's.
    """
    grid, g, k, s = _setup(x, grad_out, size, stride, mode)
    grad_x = np.zeros_like(grid)
    with np.errstate(over="ignore", invalid="ignore"):
        if mode == "max":
            winners = pool_argmax(grid, k, s)
            # add.at, not fancy +=: with overlapping windows one cell can win several.
            np.add.at(grad_x, (winners[..., 0], winners[..., 1]), g)
        else:
            share = g / (k * k)
            row_end = s * (g.shape[0] - 1) + 1
            col_end = s * (g.shape[1] - 1) + 1
            for u in range(k):
                for v in range(k):
                    grad_x[u : u + row_end : s, v : v + col_end : s] += share
    check_finite_result(grad_x)
    return grad_x


class PoolGradientTerm(NamedTuple):
    """One share of an input cell's gradient: ``grad * fraction = share``."""

    output_cell: tuple[int, int]  # the pooled cell whose gradient it is
    share: float
    grad: float
    fraction: float  # 1 for the max's winner, 1/k^2 for average pooling


def pool_gradient_terms(
    x: object,
    grad_out: object,
    row: int,
    col: int,
    size: int,
    stride: int | None = None,
    mode: Literal["avg", "max"] = "max",
) -> list[PoolGradientTerm]:
    """Which pooled cells send input cell ``(row, col)`` gradient, and how much of each.

    Max pooling: the windows whose arg-max is this cell, each passing its whole gradient;
    average pooling: every window containing the cell, each passing 1/k^2 of it. Listed in
    row-major order of the pooled cells; an empty list means the cell's gradient is 0.
    """
    grid, g, k, s = _setup(x, grad_out, size, stride, mode)
    r = as_int(row, "input row", 0)
    c = as_int(col, "input column", 0)
    if r >= grid.shape[0] or c >= grid.shape[1]:
        raise ValueError(
            f"Input cell ({r}, {c}) is outside the {grid.shape[0]}x{grid.shape[1]} input."
        )
    winners = pool_argmax(grid, k, s) if mode == "max" else None
    terms = []
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            if winners is not None:
                if (int(winners[i, j, 0]), int(winners[i, j, 1])) != (r, c):
                    continue
                fraction = 1.0
            else:
                if not (i * s <= r < i * s + k and j * s <= c < j * s + k):
                    continue
                fraction = 1.0 / (k * k)
            grad = float(g[i, j])
            share = grad if winners is not None else grad / (k * k)
            terms.append(PoolGradientTerm((i, j), share, grad, fraction))
    return terms
