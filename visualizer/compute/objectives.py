"""The one-dimensional curves the descent tab offers, with their derivatives and minima.

Each :class:`Objective` holds ``f``, ``f'`` and the range worth plotting; ``find_minima``
locates local minima by bisection on ``f'`` to full float64 precision. Every function accepts
a float or an array and never warns, even for iterates near the float64 limit (a diverging run
evaluates them there).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.activations import gelu, gelu_exact, gelu_exact_grad, gelu_grad

__all__ = [
    "OBJECTIVES",
    "Objective",
    "double_well",
    "double_well_grad",
    "find_minima",
    "gelu_minimum",
    "square",
    "square_grad",
]


def square(x: ArrayLike) -> float | NDArray[np.float64]:
    r""":math:`f(x) = x^2` (overflows to inf beyond ``|x| ~ 1.3e154``, without a warning)."""
    with np.errstate(over="ignore"):
        if np.ndim(x) == 0:
            xf = float(x)
            return xf * xf
        xa = np.asarray(x, dtype=float)
        return xa * xa


def square_grad(x: ArrayLike) -> float | NDArray[np.float64]:
    r""":math:`f'(x) = 2x`."""
    with np.errstate(over="ignore"):
        if np.ndim(x) == 0:
            return 2.0 * float(x)
        return 2.0 * np.asarray(x, dtype=float)


def double_well(x: ArrayLike) -> float | NDArray[np.float64]:
    r"""A tilted double well with a shallow local minimum.

    .. math:: f(x) = \tfrac14 x^4 - x^2 + \tfrac12 x

    Local minimum near x = 1.267 (f = -0.328), global minimum near x = -1.526 (f = -1.736),
    separated by a low hump at x = 0.259. From x0 = 2, plain gradient descent stops in the
    shallow well; momentum keeps enough speed to roll over the hump.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.ndim(x) == 0:
            xf = float(x)
            if abs(xf) > 1e75:  # x**4 would overflow (Python raises on float ** overflow)
                return math.inf
            return 0.25 * xf**4 - xf * xf + 0.5 * xf
        xa = np.asarray(x, dtype=float)
        out = 0.25 * xa**4 - xa * xa + 0.5 * xa
        return np.where(np.abs(xa) > 1e75, np.inf, out)


def double_well_grad(x: ArrayLike) -> float | NDArray[np.float64]:
    r""":math:`f'(x) = x^3 - 2x + \tfrac12`."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.ndim(x) == 0:
            xf = float(x)
            if abs(xf) > 1e100:
                return math.copysign(math.inf, xf)
            return xf**3 - 2.0 * xf + 0.5
        xa = np.asarray(x, dtype=float)
        out = xa**3 - 2.0 * xa + 0.5
        return np.where(np.abs(xa) > 1e100, np.copysign(np.inf, xa), out)


def find_minima(
    df: Callable[[Any], Any],
    f: Callable[[Any], Any],
    lo: float,
    hi: float,
    samples: int = 4001,
) -> list[tuple[float, float]]:
    """Local minima of a smooth 1-D function on ``[lo, hi]``.

    Scans ``df`` on a grid for a sign change from negative to positive, then bisects each such
    bracket until it cannot shrink (full float64 precision).

    Returns
    -------
    list of (x, f(x)), sorted by x.
    """
    grid = np.linspace(lo, hi, samples)
    d = np.asarray(df(grid), dtype=float)
    minima: list[tuple[float, float]] = []
    for i in np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0)):
        a, b = float(grid[i]), float(grid[i + 1])
        x = b if d[i + 1] == 0 else 0.5 * (a + b)
        while d[i + 1] != 0:
            x = 0.5 * (a + b)
            if x in (a, b):
                break
            slope = float(df(x))
            if slope == 0:
                break
            if slope < 0:
                a = x
            else:
                b = x
        minima.append((x, float(f(x))))
    return minima


def gelu_minimum() -> tuple[float, float]:
    """The minimum of the sheet's GeLU: ``(x*, GeLU(x*))`` = (-0.751154..., -0.163610...)."""
    return find_minima(gelu_grad, gelu, -3.0, 0.0)[0]


@dataclass(frozen=True)
class Objective:
    """A 1-D function to descend, with its derivative and the range worth plotting."""

    key: str
    label: str
    formula: str
    f: Callable[[Any], Any]
    df: Callable[[Any], Any]
    x_range: tuple[float, float]
    #: Short name used in the worked arithmetic, e.g. "GeLU" in "GeLU(x1) = ...".
    short: str = "f"
    _minima: list[tuple[float, float]] = field(default_factory=list, compare=False, repr=False)

    def minima(self) -> list[tuple[float, float]]:
        """Local minima inside ``x_range`` (computed once, by bisection on ``df``)."""
        if not self._minima:
            lo, hi = self.x_range
            self._minima.extend(find_minima(self.df, self.f, lo, hi))
        return list(self._minima)


OBJECTIVES: dict[str, Objective] = {
    "gelu": Objective(
        "gelu",
        "GeLU (sheet): x·σ(1.702x)",
        "GeLU(x) = x·σ(1.702x),  GeLU'(x) = s·(1 + 1.702x(1 − s)),  s = σ(1.702x)",
        gelu,
        gelu_grad,
        (-4.0, 1.5),
        "GeLU",
    ),
    "gelu_exact": Objective(
        "gelu_exact",
        "Exact GeLU: x·Φ(x)",
        "GeLU(x) = x·Φ(x) = x/2·erfc(−x/√2),  GeLU'(x) = Φ(x) + x·φ(x)",
        gelu_exact,
        gelu_exact_grad,
        (-4.0, 1.5),
        "GeLU",
    ),
    "square": Objective(
        "square",
        "Parabola: x²",
        "f(x) = x²,  f'(x) = 2x",
        square,
        square_grad,
        (-3.0, 3.0),
    ),
    "double_well": Objective(
        "double_well",
        "Two valleys: x⁴/4 − x² + x/2",
        "f(x) = x⁴/4 − x² + x/2,  f'(x) = x³ − 2x + 1/2",
        double_well,
        double_well_grad,
        (-2.5, 2.5),
    ),
}
