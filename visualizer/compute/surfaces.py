"""Two-dimensional loss surfaces to descend on: value, gradient, minima and a view worth showing.

Every :class:`Surface` evaluates ``value(p)`` and ``grad(p)`` for points ``p`` of shape
``(..., 2)`` (the last axis is ``(x, y)``), vectorised, and never warns: a diverging run
evaluates them at huge points, where they quietly return inf or nan. ``descend(surface.grad,
start, ..., f=surface.value)`` runs any method on a surface; ``surface_grid`` samples the
value image for a heat map.

The surfaces (``SURFACES``)::

    quadratic   ½(x'² + κ·y'²), (x', y') the point in axes turned by ``angle`` (a ravine)
    rosenbrock  (1 − x)² + 100·(y − x²)²           minimum (1, 1) in a curved valley
    saddle      x² − y²                             no minimum: unbounded along y
    himmelblau  (x² + y − 11)² + (x + y² − 7)²     four minima, f = 0 at each
    gelu_sum    GeLU(x) + GeLU(y), the sheet's GeLU  minimum (x*, x*), x* = −0.751154...
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.activations import gelu, gelu_grad
from visualizer.compute.objectives import gelu_minimum

__all__ = ["SURFACES", "Surface", "quadratic_surface", "surface_grid"]

Values = float | NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Surface:
    """A function of two variables to descend on.

    Attributes
    ----------
    name : str
        The key in ``SURFACES`` (``"quadratic"`` for every :func:`quadratic_surface`).
    label : str
        A few words for a menu, e.g. "Rosenbrock: a curved valley".
    formula : str
        ``f`` and ``∇f`` as a student writes them.
    value : callable
        ``f(p)`` for ``p`` of shape ``(..., 2)``: an array of shape ``(...)`` (a float for
        one point).
    grad : callable
        ``∇f(p) = (∂f/∂x, ∂f/∂y)`` for ``p`` of shape ``(..., 2)``: shape ``(..., 2)``.
    minima : ndarray, shape (k, 2)
        Every local minimum (to full float64 precision; ``k = 0`` for the saddle).
    x_range, y_range : (float, float)
        The view worth showing first.
    description : str
        One or two sentences on what the surface teaches.
    start : (float, float)
        A starting point worth showing first.
    hessian_eigenvalues : (float, float) or None
        The Hessian's eigenvalues ``(μ, L)`` where they are constant (the quadratic): what
        the (lr, β) convergence map needs.
    """

    name: str
    label: str
    formula: str
    value: Callable[[ArrayLike], Values]
    grad: Callable[[ArrayLike], NDArray[np.float64]]
    minima: NDArray[np.float64]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    description: str
    start: tuple[float, float]
    hessian_eigenvalues: tuple[float, float] | None = None

    def nearest_minimum(self, point: ArrayLike) -> tuple[int | None, float]:
        """``(index into minima, Euclidean distance)`` of the minimum closest to ``point``.

        ``(None, inf)`` when the surface has no minimum or the point is not finite.
        """
        p = _points(point)
        if p.shape != (2,):
            raise ValueError("nearest_minimum takes one point (x, y).")
        if len(self.minima) == 0 or not np.all(np.isfinite(p)):
            return None, math.inf
        d = self.minima - p
        with np.errstate(over="ignore"):
            dist = np.sqrt(np.sum(d * d, axis=1))
        k = int(np.argmin(dist))
        return k, float(dist[k])


def _points(p: ArrayLike) -> NDArray[np.float64]:
    a = np.asarray(p, dtype=float)
    if a.ndim == 0 or a.shape[-1] != 2:
        raise ValueError("A point on a surface has two coordinates: the last axis must be (x, y).")
    return a


def _out(values: NDArray[np.float64]) -> Values:
    """A float for one point, the array otherwise."""
    return float(values) if np.ndim(values) == 0 else values


# Huge iterates of a diverging run overflow to inf and inf - inf gives nan: both are the
# honest answer there, so these evaluations never warn.
def _quiet() -> np.errstate:
    return np.errstate(over="ignore", invalid="ignore", under="ignore")


# ----- the quadratic ravine -----------------------------------------------------------------
def quadratic_surface(kappa: float, angle: float = 0.0) -> Surface:
    r"""An ill-conditioned quadratic bowl (a ravine) with condition number ``kappa``.

    .. math:: f(x, y) = \tfrac12\,(x'^2 + \kappa\,y'^2),\quad
              x' = x\cos a + y\sin a,\quad y' = -x\sin a + y\cos a

    so the shallow axis points along ``(cos a, sin a)`` and the steep one along
    ``(-sin a, cos a)``; ``∇f(p) = Rᵀ diag(1, κ) R p`` and the Hessian's eigenvalues are
    ``(1, κ)``. The minimum is the origin.

    Parameters
    ----------
    kappa : float
        Condition number, ``kappa >= 1`` (1 is a round bowl).
    angle : float
        Rotation ``a`` of the ravine's axes, in radians.

    Raises
    ------
    ValueError
        If ``kappa`` is below 1 or either argument is not a finite number.
    """
    if isinstance(kappa, bool) or not isinstance(kappa, numbers.Real):
        raise ValueError("The condition number κ must be a number.")
    if isinstance(angle, bool) or not isinstance(angle, numbers.Real):
        raise ValueError("The angle must be a number of radians.")
    kappa, angle = float(kappa), float(angle)
    if not (math.isfinite(kappa) and kappa >= 1):
        raise ValueError("The condition number κ must be a finite number of at least 1.")
    if not math.isfinite(angle):
        raise ValueError("The angle must be a finite number of radians.")
    c, s = math.cos(angle), math.sin(angle)

    def value(p: ArrayLike) -> Values:
        a = _points(p)
        x, y = a[..., 0], a[..., 1]
        with _quiet():
            xr = c * x + s * y
            yr = -s * x + c * y
            return _out(0.5 * (xr * xr + kappa * (yr * yr)))

    def grad(p: ArrayLike) -> NDArray[np.float64]:
        a = _points(p)
        x, y = a[..., 0], a[..., 1]
        with _quiet():
            xr = c * x + s * y
            ky = kappa * (-s * x + c * y)
            return np.stack([c * xr - s * ky, s * xr + c * ky], axis=-1)

    # start far along the shallow axis and a little up the steep wall: GD zig-zags from there
    start = (round(-2.5 * c - 0.4 * s, 2), round(-2.5 * s + 0.4 * c, 2))
    return Surface(
        name="quadratic",
        label=f"Ravine: ½(x'² + κ·y'²), κ = {kappa:g}",
        formula=(
            f"f = ½(x'² + κ·y'²),  x' = x·cos a + y·sin a,  y' = −x·sin a + y·cos a,  "
            f"κ = {kappa:g}, a = {angle:g} rad;  ∇f = Rᵀ·diag(1, κ)·R·(x, y)"
        ),
        value=value,
        grad=grad,
        minima=_frozen([[0.0, 0.0]]),
        x_range=(-3.0, 3.0),
        y_range=(-2.0, 2.0),
        description=(
            f"A bowl {kappa:g} times steeper across than along: plain gradient descent zig-zags "
            "across the ravine, momentum glides along it."
        ),
        start=start,
        hessian_eigenvalues=(1.0, kappa),
    )


def _frozen(values: Any) -> NDArray[np.float64]:
    a = np.array(values, dtype=float).reshape(-1, 2)
    a.setflags(write=False)
    return a


# ----- Rosenbrock, saddle, Himmelblau, GeLU sum ---------------------------------------------
def _rosenbrock(p: ArrayLike) -> Values:
    a = _points(p)
    x, y = a[..., 0], a[..., 1]
    with _quiet():
        return _out((1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2)


def _rosenbrock_grad(p: ArrayLike) -> NDArray[np.float64]:
    a = _points(p)
    x, y = a[..., 0], a[..., 1]
    with _quiet():
        r = y - x * x
        return np.stack([-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r], axis=-1)


def _saddle(p: ArrayLike) -> Values:
    a = _points(p)
    x, y = a[..., 0], a[..., 1]
    with _quiet():
        return _out(x * x - y * y)


def _saddle_grad(p: ArrayLike) -> NDArray[np.float64]:
    a = _points(p)
    with _quiet():
        return np.stack([2.0 * a[..., 0], -2.0 * a[..., 1]], axis=-1)


def _himmelblau(p: ArrayLike) -> Values:
    a = _points(p)
    x, y = a[..., 0], a[..., 1]
    with _quiet():
        return _out((x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2)


def _himmelblau_grad(p: ArrayLike) -> NDArray[np.float64]:
    a = _points(p)
    x, y = a[..., 0], a[..., 1]
    with _quiet():
        u = x * x + y - 11.0
        w = x + y * y - 7.0
        return np.stack([4.0 * x * u + 2.0 * w, 2.0 * u + 4.0 * y * w], axis=-1)


def _himmelblau_minima() -> NDArray[np.float64]:
    """Himmelblau's four minima, by Newton's method from their textbook approximations."""
    found = []
    for x, y in ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)):
        for _ in range(20):
            gx, gy = _himmelblau_grad((x, y))
            hxx = 12.0 * x * x + 4.0 * y - 42.0
            hxy = 4.0 * (x + y)
            hyy = 12.0 * y * y + 4.0 * x - 26.0
            det = hxx * hyy - hxy * hxy
            dx = (hyy * gx - hxy * gy) / det
            dy = (hxx * gy - hxy * gx) / det
            x, y = x - dx, y - dy
            if abs(dx) + abs(dy) < 1e-15:
                break
        found.append((x, y))
    return _frozen(found)


def _gelu_sum(p: ArrayLike) -> Values:
    a = _points(p)
    return _out(np.asarray(gelu(a[..., 0])) + np.asarray(gelu(a[..., 1])))


def _gelu_sum_grad(p: ArrayLike) -> NDArray[np.float64]:
    a = _points(p)
    return np.stack(
        [
            np.asarray(gelu_grad(a[..., 0]), dtype=float),
            np.asarray(gelu_grad(a[..., 1]), dtype=float),
        ],
        axis=-1,
    )


def _surfaces() -> dict[str, Surface]:
    x_star = gelu_minimum()[0]
    return {
        "quadratic": quadratic_surface(10.0, 0.5),
        "rosenbrock": Surface(
            name="rosenbrock",
            label="Rosenbrock: a curved valley",
            formula=("f = (1 − x)² + 100·(y − x²)²;  ∇f = (−2(1 − x) − 400x(y − x²), 200(y − x²))"),
            value=_rosenbrock,
            grad=_rosenbrock_grad,
            minima=_frozen([[1.0, 1.0]]),
            x_range=(-2.0, 2.0),
            y_range=(-1.0, 3.0),
            description=(
                "Finding the valley is easy, following its curved floor to (1, 1) is slow: "
                "the floor is almost flat and the walls are steep."
            ),
            start=(-1.2, 1.0),
        ),
        "saddle": Surface(
            name="saddle",
            label="Saddle: x² − y²",
            formula="f = x² − y²;  ∇f = (2x, −2y)",
            value=_saddle,
            grad=_saddle_grad,
            minima=_frozen([]),
            x_range=(-2.0, 2.0),
            y_range=(-2.0, 2.0),
            description=(
                "A saddle point at the origin and no minimum: a run slides towards the saddle, "
                "escapes slowly along y and leaves the view (the surface has no bottom)."
            ),
            start=(-1.5, 0.05),
        ),
        "himmelblau": Surface(
            name="himmelblau",
            label="Himmelblau: four minima",
            formula=(
                "f = (x² + y − 11)² + (x + y² − 7)²;  "
                "∇f = (4x(x² + y − 11) + 2(x + y² − 7), 2(x² + y − 11) + 4y(x + y² − 7))"
            ),
            value=_himmelblau,
            grad=_himmelblau_grad,
            minima=_himmelblau_minima(),
            x_range=(-5.0, 5.0),
            y_range=(-5.0, 5.0),
            description=(
                "Four minima, all with f = 0: which one a run reaches depends on where it starts."
            ),
            start=(0.0, 0.0),
        ),
        "gelu_sum": Surface(
            name="gelu_sum",
            label="GeLU(x) + GeLU(y): a flat plateau",
            formula="f = GeLU(x) + GeLU(y),  GeLU(x) = x·σ(1.702x);  ∇f = (GeLU'(x), GeLU'(y))",
            value=_gelu_sum,
            grad=_gelu_sum_grad,
            minima=_frozen([[x_star, x_star]]),
            x_range=(-4.0, 1.5),
            y_range=(-4.0, 1.5),
            description=(
                "The sheet's GeLU in each coordinate: on the flat left plateau the gradient "
                "almost vanishes and gradient descent crawls; momentum builds up speed."
            ),
            start=(-3.0, 1.0),
        ),
    }


#: The surfaces the descent tab offers, by name.
SURFACES: dict[str, Surface] = _surfaces()


def surface_grid(
    surface: Surface,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    n: int | tuple[int, int] = 200,
) -> NDArray[np.float64]:
    """Sample ``surface.value`` on a regular grid: the image behind a heat map.

    Parameters
    ----------
    surface : Surface
    x_range, y_range : (float, float)
        The corners; both ends are sampled (``np.linspace``).
    n : int or (int, int)
        Samples per axis, or ``(nx, ny)``; at least 2 each.

    Returns
    -------
    ndarray, shape (ny, nx)
        Row-major: ``image[i, j] = f(xs[j], ys[i])`` with ``xs = linspace(*x_range, nx)``,
        ``ys = linspace(*y_range, ny)`` (row 0 is the bottom edge ``y_range[0]``). Points where
        f overflows hold inf, never a warning.
    """
    nx, ny = (n, n) if np.ndim(n) == 0 else n
    for count in (nx, ny):
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 2:
            raise ValueError("The grid needs a whole number of at least 2 samples per axis.")
    for lo, hi in (x_range, y_range):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError("Each range of the grid must be two finite numbers, low < high.")
    xs = np.linspace(x_range[0], x_range[1], int(nx))
    ys = np.linspace(y_range[0], y_range[1], int(ny))
    points = np.empty((int(ny), int(nx), 2))
    points[..., 0] = xs[None, :]
    points[..., 1] = ys[:, None]
    return np.asarray(surface.value(points), dtype=float)
