"""One-dimensional gradient descent with and without momentum, as on exercise 1 of the sheet.

``descend`` runs one of five update rules from a starting point and returns the whole
:class:`Trajectory` at once (the tab only animates an index into it). The module also holds the
objective functions the tab offers, the exercise presets as data, a plain-words classification
of a run (converging / oscillating / diverged) and the worked arithmetic of each step.

Update rules (``v_0 = 0``; ``g_t = f'(x_t)``)::

    gd          x_{t+1} = x_t - lr * g_t
    momentum    v_{t+1} = beta * v_t + (1 - beta) * g_t;  x_{t+1} = x_t - lr * v_{t+1}
    heavy_ball  v_{t+1} = beta * v_t + g_t;  x_{t+1} = x_t - lr * v_{t+1}
    nesterov    v_{t+1} = beta * v_t + g_t;  x_{t+1} = x_t - lr * (g_t + beta * v_{t+1})
    adam        m_{t+1} = beta * m_t + (1 - beta) * g_t
                s_{t+1} = beta2 * s_t + (1 - beta2) * g_t^2
                x_{t+1} = x_t - lr * m_hat / (sqrt(s_hat) + eps),
                m_hat = m_{t+1} / (1 - beta^{t+1}),  s_hat = s_{t+1} / (1 - beta2^{t+1})

"momentum" is the exponential-moving-average form the sheet uses; "heavy_ball" is what
PyTorch's ``SGD(momentum=beta)`` does, "nesterov" is ``SGD(momentum=beta, nesterov=True)`` and
"adam" is ``torch.optim.Adam`` for one parameter.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.activations import gelu, gelu_exact, gelu_exact_grad, gelu_grad

__all__ = [
    "DESCENT_PRESETS",
    "METHODS",
    "METHOD_LABELS",
    "METHOD_RULES",
    "MOMENTUM_METHODS",
    "OBJECTIVES",
    "DescentParams",
    "DescentPreset",
    "DescentStatus",
    "Objective",
    "Trajectory",
    "classify_run",
    "descend",
    "double_well",
    "double_well_grad",
    "find_minima",
    "gelu_minimum",
    "run_descent",
    "square",
    "square_grad",
    "worked_solution",
    "worked_step",
]

METHODS: tuple[str, ...] = ("gd", "momentum", "heavy_ball", "nesterov", "adam")
#: Methods that carry a velocity (Adam's first moment counts as one).
MOMENTUM_METHODS: frozenset[str] = frozenset({"momentum", "heavy_ball", "nesterov", "adam"})

METHOD_LABELS: dict[str, str] = {
    "gd": "Gradient descent",
    "momentum": "Momentum (sheet, EMA form)",
    "heavy_ball": "Heavy ball (PyTorch SGD momentum)",
    "nesterov": "Nesterov (PyTorch nesterov=True)",
    "adam": "Adam",
}

METHOD_RULES: dict[str, str] = {
    "gd": "x ← x − lr·f'(x)",
    "momentum": "v ← β·v + (1 − β)·f'(x)\nx ← x − lr·v\n(the sheet's form; v₀ = 0)",
    "heavy_ball": "v ← β·v + f'(x)\nx ← x − lr·v\n(PyTorch SGD with momentum; v₀ = 0)",
    "nesterov": "v ← β·v + f'(x)\nx ← x − lr·(f'(x) + β·v)\n(PyTorch SGD, nesterov=True; v₀ = 0)",
    "adam": (
        "m ← β·m + (1 − β)·g,   s ← β₂·s + (1 − β₂)·g²\n"
        "m̂ = m / (1 − βᵗ),   ŝ = s / (1 − β₂ᵗ)\n"
        "x ← x − lr·m̂ / (√ŝ + ε)\n(PyTorch Adam; m₀ = s₀ = 0)"
    ),
}


# ----- objective functions ------------------------------------------------------------------
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


# ----- parameters and presets ---------------------------------------------------------------
MAX_STEPS = 10_000


@dataclass(frozen=True)
class DescentParams:
    """Everything that defines one run: the curve, the method and its hyper-parameters."""

    objective: str = "gelu"
    method: str = "gd"
    lr: float = 0.1
    x0: float = 0.0
    steps: int = 3
    beta: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def validate(self) -> None:
        """Raise ``ValueError`` with one plain sentence if a setting is unusable."""
        if self.objective not in OBJECTIVES:
            raise ValueError(f"Unknown curve {self.objective!r}; choose one of {list(OBJECTIVES)}.")
        _check_common(self.method, self.lr, self.x0, self.steps, self.beta, self.beta2, self.eps)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DescentParams:
        """Build and validate params from a dict (missing keys take their defaults)."""
        if not isinstance(data, dict):
            raise ValueError("The descent settings must be a mapping of names to values.")
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"Unknown descent setting(s): {', '.join(sorted(unknown))}.")
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name in ("objective", "method"):
                if not isinstance(value, str):
                    raise ValueError(f"The setting {f.name!r} must be text.")
            elif f.name == "steps":
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError("The number of steps must be a whole number.")
                if value != int(value):
                    raise ValueError("The number of steps must be a whole number.")
                value = int(value)
            else:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"The setting {f.name!r} must be a number.")
                value = float(value)
            kwargs[f.name] = value
        params = cls(**kwargs)
        params.validate()
        return params


def _check_common(
    method: str, lr: float, x0: float, steps: int, beta: float, beta2: float, eps: float
) -> None:
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    for name, value in (("learning rate", lr), ("x0", x0), ("beta", beta), ("beta2", beta2)):
        if not math.isfinite(value):
            raise ValueError(f"The {name} must be a finite number.")
    if lr < 0:
        raise ValueError("The learning rate must not be negative.")
    if not 0 <= beta < 1:
        raise ValueError("beta must be at least 0 and below 1.")
    if not 0 <= beta2 < 1:
        raise ValueError("beta2 must be at least 0 and below 1.")
    if not (math.isfinite(eps) and eps > 0):
        raise ValueError("eps must be a small positive number.")
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"The number of steps must be between 0 and {MAX_STEPS}.")


@dataclass(frozen=True)
class DescentPreset:
    """A named set of parameters, e.g. one exercise of the sheet."""

    name: str
    label: str
    description: str
    params: DescentParams
    #: The x-range worth showing first (None: the curve's usual range).
    x_view: tuple[float, float] | None = None


DESCENT_PRESETS: dict[str, DescentPreset] = {
    p.name: p
    for p in (
        DescentPreset(
            "1a",
            "Exercise 1a: GD, lr 0.1, x0 = 0",
            "Three steps of gradient descent on GeLU from x0 = 0 with learning rate 0.1.",
            DescentParams("gelu", "gd", 0.1, 0.0, 3),
            (-1.3, 0.45),
        ),
        DescentPreset(
            "1b",
            "Exercise 1b: GD, lr 1, x0 = 0",
            "The same with learning rate 1: bigger steps, GeLU(x3) much lower.",
            DescentParams("gelu", "gd", 1.0, 0.0, 3),
            (-1.3, 0.45),
        ),
        DescentPreset(
            "1c",
            "Exercise 1c: GD, lr 0.1, x0 = -3",
            "Starting on the flat left tail: the gradient is tiny, so GD barely moves.",
            DescentParams("gelu", "gd", 0.1, -3.0, 3),
        ),
        DescentPreset(
            "1c momentum",
            "Exercise 1c with momentum: lr 1, β 0.9, x0 = -3",
            "The sheet's momentum (v = 0.9 v + 0.1 g; x = x - 1 v) from x0 = -3: "
            "it builds up speed.",
            DescentParams("gelu", "momentum", 1.0, -3.0, 3, beta=0.9),
        ),
        DescentPreset(
            "local minimum: GD",
            "Two valleys: GD stops in the shallow one",
            "Plain gradient descent from x0 = 2 settles in the shallow local minimum near 1.27.",
            DescentParams("double_well", "gd", 0.05, 2.0, 60),
        ),
        DescentPreset(
            "local minimum: momentum",
            "Two valleys: momentum rolls through",
            "Momentum (EMA form, lr 0.5, β 0.9) from x0 = 2 keeps its speed over the hump "
            "and reaches the deeper minimum near -1.53.",
            DescentParams("double_well", "momentum", 0.5, 2.0, 80, beta=0.9),
        ),
        DescentPreset(
            "lr too large",
            "x²: learning rate too large",
            "On x² every step multiplies x by (1 - 2 lr); with lr 1.05 that is -1.1: "
            "x flips sign and grows.",
            DescentParams("square", "gd", 1.05, 1.0, 40),
        ),
    )
}


# ----- the descent itself -------------------------------------------------------------------
@dataclass(frozen=True)
class Trajectory:
    """The result of :func:`descend`.

    Attributes
    ----------
    x : ndarray, shape (steps + 1,)
        The iterates ``x_0 .. x_steps``; nan from ``diverged_at`` on.
    grad : ndarray, shape (steps + 1,)
        ``f'(x_t)`` at each iterate (nan where ``x_t`` is not finite).
    velocity : ndarray, shape (steps + 1,)
        ``v_t`` after step ``t`` (``v_0 = 0``); Adam's first moment ``m_t``; zeros for gd.
    second_moment : ndarray, shape (steps + 1,)
        Adam's ``s_t``; zeros for the other methods.
    diverged_at : int or None
        The first ``t`` whose ``x_t`` is not a finite number, or None.
    fx : ndarray or None
        ``f(x_t)`` when ``descend`` was given ``f``.
    """

    x: NDArray[np.float64]
    grad: NDArray[np.float64]
    velocity: NDArray[np.float64]
    second_moment: NDArray[np.float64]
    diverged_at: int | None
    method: str
    lr: float
    beta: float
    beta2: float
    eps: float
    fx: NDArray[np.float64] | None = None

    @property
    def steps(self) -> int:
        return len(self.x) - 1

    @property
    def last_valid(self) -> int:
        """Index of the last finite iterate."""
        return self.steps if self.diverged_at is None else self.diverged_at - 1

    def gradient_step(self, t: int) -> float:
        """``-lr * f'(x_t)``: where a plain gradient step from ``x_t`` would go (0 if unknown)."""
        g = self.grad[t]
        with np.errstate(over="ignore", invalid="ignore"):
            step = -self.lr * float(g)
        return step if math.isfinite(step) else 0.0

    def tangent(self, t: int, half_width: float) -> tuple[tuple[float, float], ...]:
        """End points of the tangent at ``(x_t, f(x_t))``, ``half_width`` either side in x.

        ``y = f(x_t) + f'(x_t) (x - x_t)``; a flat segment when the slope is not finite.
        """
        x = float(self.x[t])
        y = float(self.fx[t]) if self.fx is not None else 0.0
        g = float(self.grad[t])
        with np.errstate(over="ignore", invalid="ignore"):
            dy = g * half_width
        if not (math.isfinite(dy) and math.isfinite(x) and math.isfinite(y)):
            dy = 0.0
        return (x - half_width, y - dy), (x + half_width, y + dy)

    def velocity_step(self, t: int) -> float | None:
        """``-lr * v_t``: the push the carried velocity gives (None for plain gd)."""
        if self.method not in MOMENTUM_METHODS:
            return None
        with np.errstate(over="ignore", invalid="ignore"):
            step = -self.lr * float(self.velocity[t])
        return step if math.isfinite(step) else 0.0


def descend(
    grad: Callable[[float], float],
    x0: float,
    lr: float,
    steps: int,
    method: str = "gd",
    beta: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    *,
    f: Callable[[Any], Any] | None = None,
) -> Trajectory:
    """Run ``steps`` updates of ``method`` on a 1-D function from ``x0``.

    Parameters
    ----------
    grad : callable
        ``f'(x)`` for one float.
    x0, lr : float
        Starting point and learning rate (lr >= 0).
    steps : int
        Number of updates; the trajectory holds ``steps + 1`` iterates.
    method : {"gd", "momentum", "heavy_ball", "nesterov", "adam"}
        The update rule (see the module docstring): ``momentum`` is the sheet's
        ``v = beta v + (1 - beta) g; x = x - lr v``.
    beta, beta2, eps : float
        Momentum / Adam coefficients, ``0 <= beta, beta2 < 1``.
    f : callable, optional
        The function itself; when given, ``Trajectory.fx`` holds ``f(x_t)``.

    Returns
    -------
    Trajectory

    Notes
    -----
    Overflow never raises or warns: as soon as an iterate is not finite the run stops,
    ``diverged_at`` records the step and the remaining iterates are nan.

    Raises
    ------
    ValueError
        For an unknown method or unusable settings (negative lr, beta outside [0, 1), ...).
    """
    steps = int(steps)
    _check_common(method, float(lr), float(x0), steps, float(beta), float(beta2), float(eps))
    lr, beta, beta2, eps = float(lr), float(beta), float(beta2), float(eps)
    xs = np.full(steps + 1, np.nan)
    gs = np.full(steps + 1, np.nan)
    vs = np.zeros(steps + 1)
    ss = np.zeros(steps + 1)
    x = float(x0)
    xs[0] = x
    v = 0.0
    s = 0.0
    diverged_at: int | None = None
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = _safe_grad(grad, x)
            gs[t] = g
            # Python float arithmetic overflows to inf silently (only ** and math.* raise).
            if method == "gd":
                x_new = x - lr * g
            elif method == "momentum":
                v = beta * v + (1.0 - beta) * g
                x_new = x - lr * v
            elif method == "heavy_ball":
                v = beta * v + g
                x_new = x - lr * v
            elif method == "nesterov":
                v = beta * v + g
                x_new = x - lr * (g + beta * v)
            else:  # adam
                v = beta * v + (1.0 - beta) * g
                s = beta2 * s + (1.0 - beta2) * (g * g)
                m_hat = v / (1.0 - beta ** (t + 1))
                s_hat = s / (1.0 - beta2 ** (t + 1))
                x_new = x - lr * m_hat / (math.sqrt(s_hat) + eps) if s_hat >= 0 else math.nan
            vs[t + 1] = v
            ss[t + 1] = s
            if not math.isfinite(x_new):
                diverged_at = t + 1
                vs[t + 1 :] = np.nan
                ss[t + 1 :] = np.nan
                break
            x = x_new
            xs[t + 1] = x
        if diverged_at is None:
            gs[steps] = _safe_grad(grad, x)
        fx = None
        if f is not None:
            fx = np.full(steps + 1, np.nan)
            n = steps + 1 if diverged_at is None else diverged_at
            fx[:n] = np.asarray(f(xs[:n]), dtype=float)
    return Trajectory(xs, gs, vs, ss, diverged_at, method, lr, beta, beta2, eps, fx)


def _safe_grad(grad: Callable[[float], float], x: float) -> float:
    try:
        return float(grad(x))
    except (OverflowError, ZeroDivisionError):
        return math.nan


def run_descent(params: DescentParams) -> Trajectory:
    """:func:`descend` on ``OBJECTIVES[params.objective]`` with ``fx`` filled in."""
    params.validate()
    obj = OBJECTIVES[params.objective]
    return descend(
        obj.df,
        params.x0,
        params.lr,
        params.steps,
        params.method,
        params.beta,
        params.beta2,
        params.eps,
        f=obj.f,
    )


# ----- status in plain words ----------------------------------------------------------------
@dataclass(frozen=True)
class DescentStatus:
    """``kind`` is one of "start", "converging", "converged", "oscillating", "diverged"."""

    kind: str
    message: str


def classify_run(
    traj: Trajectory,
    upto: int | None = None,
    x_range: tuple[float, float] | None = None,
) -> DescentStatus:
    """Say in plain words what the run is doing up to step ``upto`` (default: the end).

    - diverged: an iterate is no longer a finite number, or lies more than 100 widths of
      ``x_range`` outside it;
    - oscillating: the sign of the step flipped at every one of the last (up to 5) steps;
    - converged: ``|f'(x_t)|`` below 1e-6;
    - converging: otherwise (worded "overshooting" when f went up on the last step).
    """
    t = traj.steps if upto is None else max(0, min(int(upto), traj.steps))
    if traj.diverged_at is not None and t >= traj.diverged_at:
        return DescentStatus(
            "diverged",
            f"Diverged: x{traj.diverged_at} is too large to represent (overflow). "
            "The learning rate is far too large for this curve.",
        )
    xs = traj.x[: t + 1]
    if x_range is not None:
        lo, hi = x_range
        width = hi - lo
        far = (xs < lo - 100 * width) | (xs > hi + 100 * width)
        if np.any(far):
            k = int(np.flatnonzero(far)[0])
            return DescentStatus(
                "diverged",
                f"Diverging: x{k} = {format_number(float(xs[k]))} is far outside the plotted "
                "range. The learning rate is too large for this curve.",
            )
    if t == 0:
        return DescentStatus(
            "start", f"Start: x0 = {format_number(float(xs[0]))}. Press Play or →."
        )
    g = float(traj.grad[t])
    with np.errstate(invalid="ignore", over="ignore"):
        dx = np.diff(xs)
    recent = dx[-5:]
    signs = np.sign(recent)
    flips = signs[1:] * signs[:-1] < 0
    if len(recent) >= 3 and bool(np.all(flips)):
        growing = abs(float(recent[-1])) > abs(float(recent[0]))
        if growing:
            return DescentStatus(
                "oscillating",
                "Oscillating and growing: every step jumps across the minimum and lands further "
                "away. Lower the learning rate.",
            )
        return DescentStatus(
            "oscillating",
            "Oscillating: every step jumps across the minimum (the sign of the step keeps "
            "flipping), but the jumps shrink.",
        )
    if math.isfinite(g) and abs(g) < 1e-6:
        return DescentStatus(
            "converged",
            f"Converged: f'(x{t}) ≈ 0, so x stays at {format_number(float(xs[-1]))}.",
        )
    last = float(dx[-1])
    numbers = f"last step {format_number(last)}, f'(x{t}) = {format_number(g)}."
    if traj.fx is not None and t >= 1 and traj.fx[t] > traj.fx[t - 1]:
        return DescentStatus(
            "converging",
            f"Overshooting: f went up on the last step, x ran past the bottom of the valley; "
            f"{numbers}",
        )
    return DescentStatus("converging", f"Converging: x moves downhill; {numbers}")


# ----- worked arithmetic --------------------------------------------------------------------
def format_number(value: float, digits: int = 6) -> str:
    """A number as a student writes it: ``digits`` significant digits, no trailing zeros.

    Non-finite values come out as words, never as "nan" or "inf".
    """
    if math.isnan(value):
        return "(not a number)"
    if math.isinf(value):
        return "(overflow)"
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def _result(value: float) -> str:
    """The right-hand side of a worked step: 6 decimals, as in ``= -0.095750``."""
    if not math.isfinite(value):
        return format_number(value)
    if value == 0 or 0.01 <= abs(value) < 1e6:
        return f"{value:.6f}"
    return format_number(value)


def _x_value(value: float) -> str:
    """An iterate inside an expression, exactly as the previous step's result showed it
    (6 decimals, trailing zeros dropped: -0.05, -0.09575, -2.997545), so a student can
    check each line with the numbers on the line before."""
    text = _result(value)
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _term(value: float) -> str:
    """A number inside an expression: negative values get brackets after an operator."""
    text = format_number(value)
    return f"({text})" if value < 0 else text


def worked_step(
    traj: Trajectory,
    t: int,
    objective_short: str = "f",
) -> list[str]:
    """The update that produced ``x_t``, written out with the numbers put in.

    For gd: ``["f'(x1) = f'(-0.05) = 0.457501",
    "x2 = x1 - lr*f'(x1) = -0.05 - 0.1 × 0.457501 = -0.095750", "GeLU(x2) = ..."]``.
    Momentum methods write the v update first, then x. ``t = 0`` describes the start.
    """
    name = objective_short
    if t <= 0:
        lines = [f"x0 = {format_number(float(traj.x[0]))}  (starting point)"]
        if traj.method in MOMENTUM_METHODS:
            lines.append("v0 = 0" if traj.method != "adam" else "m0 = 0,  s0 = 0")
        if traj.fx is not None:
            lines.append(f"{name}(x0) = {format_number(float(traj.fx[0]))}")
        return lines
    t = min(t, traj.steps)
    if traj.diverged_at is not None and t >= traj.diverged_at:
        return [
            f"x{traj.diverged_at} is too large to represent: the run diverged at step "
            f"{traj.diverged_at}; there is no arithmetic to show past that point."
        ]
    p = t - 1
    xp = float(traj.x[p])
    g = float(traj.grad[p])
    xt = float(traj.x[t])
    lr, b, b2 = traj.lr, traj.beta, traj.beta2
    fl = format_number
    lines = [f"f'(x{p}) = f'({_x_value(xp)}) = {fl(g)}"]
    if traj.method == "gd":
        lines.append(
            f"x{t} = x{p} - lr*f'(x{p}) = {_x_value(xp)} - {fl(lr)} × {_term(g)} = {_result(xt)}"
        )
    elif traj.method in ("momentum", "heavy_ball", "nesterov"):
        vp = float(traj.velocity[p])
        vt = float(traj.velocity[t])
        if traj.method == "momentum":
            lines.append(
                f"v{t} = β*v{p} + (1-β)*f'(x{p}) = {fl(b)} × {_term(vp)} + {fl(1 - b)} × "
                f"{_term(g)} = {fl(vt)}"
            )
        else:
            lines.append(
                f"v{t} = β*v{p} + f'(x{p}) = {fl(b)} × {_term(vp)} + {_term(g)} = {fl(vt)}"
            )
        if traj.method == "nesterov":
            lines.append(
                f"x{t} = x{p} - lr*(f'(x{p}) + β*v{t}) = {_x_value(xp)} - {fl(lr)} × ({fl(g)} + "
                f"{fl(b)} × {_term(vt)}) = {_result(xt)}"
            )
        else:
            lines.append(
                f"x{t} = x{p} - lr*v{t} = {_x_value(xp)} - {fl(lr)} × {_term(vt)} = {_result(xt)}"
            )
    else:  # adam
        mp, mt = float(traj.velocity[p]), float(traj.velocity[t])
        sp, st = float(traj.second_moment[p]), float(traj.second_moment[t])
        with np.errstate(all="ignore"):
            m_hat = mt / (1.0 - b**t)
            s_hat = st / (1.0 - b2**t)
        lines.append(
            f"m{t} = β*m{p} + (1-β)*g = {fl(b)} × {_term(mp)} + {fl(1 - b)} × {_term(g)} = {fl(mt)}"
        )
        lines.append(
            f"s{t} = β2*s{p} + (1-β2)*g² = {fl(b2)} × {_term(sp)} + {fl(1 - b2)} × "
            f"{_term(g)}² = {fl(st)}"
        )
        lines.append(f"m̂ = m{t}/(1-β^{t}) = {fl(m_hat)},   ŝ = s{t}/(1-β2^{t}) = {fl(s_hat)}")
        lines.append(
            f"x{t} = x{p} - lr*m̂/(√ŝ + ε) = {_x_value(xp)} - {fl(lr)} × {_term(m_hat)} / "
            f"(√{fl(s_hat)} + {fl(traj.eps)}) = {_result(xt)}"
        )
    if traj.fx is not None:
        lines.append(f"{name}(x{t}) = {fl(float(traj.fx[t]))}")
    return lines


def worked_solution(traj: Trajectory, objective_short: str = "f", max_steps: int = 20) -> list[str]:
    """Every step's worked arithmetic (the first ``max_steps``), one list of lines per step."""
    lines = list(worked_step(traj, 0, objective_short))
    last = min(traj.steps, max_steps)
    for t in range(1, last + 1):
        lines.append("")
        lines.extend(worked_step(traj, t, objective_short))
        if traj.diverged_at is not None and t >= traj.diverged_at:
            break
    if traj.steps > last:
        lines.append("")
        lines.append(f"... {traj.steps - last} more steps (see the table).")
    return lines
