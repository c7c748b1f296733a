"""Gradient descent with and without momentum, as on exercise 1 of the sheet, in 1-D and 2-D.

``descend`` runs one of seven update rules from a starting point and returns the whole
:class:`Trajectory` at once (the tab only animates an index into it). A float start runs on a
1-D curve exactly as the sheet does; an array start (shape (2,) for a surface) runs the same
rules component-wise. The module also holds the settings of a run and the exercise presets as
data. The 1-D curves live in :mod:`visualizer.compute.objectives`, the 2-D surfaces in
:mod:`visualizer.compute.surfaces`, and a run's status in words and its worked arithmetic in
:mod:`visualizer.compute.descent_text`.

Update rules (``v_0 = s_0 = 0``; ``g_t = f'(x_t)``; squares and roots element-wise)::

    gd          x_{t+1} = x_t - lr * g_t
    momentum    v_{t+1} = beta * v_t + (1 - beta) * g_t;  x_{t+1} = x_t - lr * v_{t+1}
    heavy_ball  v_{t+1} = beta * v_t + g_t;  x_{t+1} = x_t - lr * v_{t+1}
    nesterov    v_{t+1} = beta * v_t + g_t;  x_{t+1} = x_t - lr * (g_t + beta * v_{t+1})
    adam        m_{t+1} = beta * m_t + (1 - beta) * g_t
                s_{t+1} = beta2 * s_t + (1 - beta2) * g_t^2
                x_{t+1} = x_t - lr * m_hat / (sqrt(s_hat) + eps),
                m_hat = m_{t+1} / (1 - beta^{t+1}),  s_hat = s_{t+1} / (1 - beta2^{t+1})
    adagrad     s_{t+1} = s_t + g_t^2;  x_{t+1} = x_t - lr * g_t / (sqrt(s_{t+1}) + eps)
    rmsprop     s_{t+1} = beta2 * s_t + (1 - beta2) * g_t^2
                x_{t+1} = x_t - lr * g_t / (sqrt(s_{t+1}) + eps)

"momentum" is the exponential-moving-average form the sheet uses; "heavy_ball" is what
PyTorch's ``SGD(momentum=beta)`` does, "nesterov" is ``SGD(momentum=beta, nesterov=True)``,
"adam" is ``torch.optim.Adam``, "adagrad" is ``torch.optim.Adagrad`` (no lr decay, initial
accumulator 0) and "rmsprop" is ``torch.optim.RMSprop`` (its ``alpha`` is our ``beta2``; no
momentum, not centered).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.objectives import (
    OBJECTIVES,
    Objective,
    double_well,
    double_well_grad,
    find_minima,
    gelu_minimum,
    square,
    square_grad,
)

__all__ = [
    "BETA2_METHODS",
    "DESCENT_PRESETS",
    "METHODS",
    "METHOD_LABELS",
    "METHOD_RULES",
    "METHOD_SHORT_LABELS",
    "MOMENTUM_METHODS",
    "OBJECTIVES",
    "SECOND_MOMENT_METHODS",
    "DescentParams",
    "DescentPreset",
    "Objective",
    "Trajectory",
    "descend",
    "double_well",
    "double_well_grad",
    "find_minima",
    "gelu_minimum",
    "run_descent",
    "square",
    "square_grad",
    "whole_steps",
]

METHODS: tuple[str, ...] = (
    "gd",
    "momentum",
    "heavy_ball",
    "nesterov",
    "adam",
    "adagrad",
    "rmsprop",
)
#: Methods that carry a velocity (Adam's first moment counts as one); they use ``beta``.
MOMENTUM_METHODS: frozenset[str] = frozenset({"momentum", "heavy_ball", "nesterov", "adam"})
#: Methods that keep a running sum or average of g² (``Trajectory.second_moment``).
SECOND_MOMENT_METHODS: frozenset[str] = frozenset({"adam", "adagrad", "rmsprop"})
#: Methods whose rule uses ``beta2`` (AdaGrad's sum has no decay).
BETA2_METHODS: frozenset[str] = frozenset({"adam", "rmsprop"})

METHOD_LABELS: dict[str, str] = {
    "gd": "Gradient descent",
    "momentum": "Momentum (sheet, EMA form)",
    "heavy_ball": "Heavy ball (PyTorch SGD momentum)",
    "nesterov": "Nesterov (PyTorch nesterov=True)",
    "adam": "Adam",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
}

#: A few words for legends and lists ("GD, lr 0.1, ...").
METHOD_SHORT_LABELS: dict[str, str] = {
    "gd": "GD",
    "momentum": "momentum",
    "heavy_ball": "heavy ball",
    "nesterov": "Nesterov",
    "adam": "Adam",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
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
    "adagrad": "s ← s + g²\nx ← x − lr·g / (√s + ε)\n(PyTorch Adagrad; s₀ = 0, no lr decay)",
    "rmsprop": (
        "s ← β₂·s + (1 − β₂)·g²\nx ← x − lr·g / (√s + ε)\n"
        "(PyTorch RMSprop, α = β₂; s₀ = 0, no momentum)"
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
    method: str,
    lr: float,
    x0: float | NDArray[np.float64],
    steps: object,
    beta: float,
    beta2: float,
    eps: float,
) -> int:
    """Raise ``ValueError`` on an unusable setting; return ``steps`` as an int."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    for name, value in (("learning rate", lr), ("beta", beta), ("beta2", beta2)):
        if not math.isfinite(value):
            raise ValueError(f"The {name} must be a finite number.")
    if not np.all(np.isfinite(x0)):
        if np.ndim(x0) == 0:
            raise ValueError("The starting point x0 must be a finite number.")
        raise ValueError("Every coordinate of the starting point must be a finite number.")
    if lr < 0:
        raise ValueError("The learning rate must not be negative.")
    if not 0 <= beta < 1:
        raise ValueError("beta must be at least 0 and below 1.")
    if not 0 <= beta2 < 1:
        raise ValueError("beta2 must be at least 0 and below 1.")
    if not (math.isfinite(eps) and eps > 0):
        raise ValueError("eps must be a small positive number.")
    return whole_steps(steps)


def whole_steps(steps: object) -> int:
    """``steps`` as an int, refusing anything that is not a whole number in [0, MAX_STEPS].

    2.7 is refused rather than truncated (a run of "2.7 steps" is a typo, not a request for 2),
    and so are True/False, nan and negative counts; 3.0 is accepted as 3.
    """
    if isinstance(steps, bool | np.bool_) or not isinstance(steps, numbers.Real):
        raise ValueError("The number of steps must be a whole number.")
    value = float(steps)
    if not (math.isfinite(value) and value == math.floor(value)):
        raise ValueError("The number of steps must be a whole number.")
    if not 0 <= value <= MAX_STEPS:
        raise ValueError(f"The number of steps must be between 0 and {MAX_STEPS}.")
    return int(value)


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

    Shapes are given for a 1-D run; a run from a start of shape (2,) (a surface) has one more
    axis of length 2 on ``x``, ``grad``, ``velocity`` and ``second_moment`` (``fx`` keeps its
    shape).

    Attributes
    ----------
    x : ndarray, shape (steps + 1,) or (steps + 1, 2)
        The iterates ``x_0 .. x_steps``; nan from ``diverged_at`` on.
    grad : ndarray, shape (steps + 1,) or (steps + 1, 2)
        ``f'(x_t)`` (the gradient) at each iterate (nan where ``x_t`` is not finite).
    velocity : ndarray, shape (steps + 1,) or (steps + 1, 2)
        ``v_t`` after step ``t`` (``v_0 = 0``); Adam's first moment ``m_t``; zeros for gd,
        adagrad and rmsprop.
    second_moment : ndarray, shape (steps + 1,) or (steps + 1, 2)
        ``s_t`` of adam, adagrad and rmsprop; zeros for the other methods.
    diverged_at : int or None
        The first ``t`` whose ``x_t`` is not a finite number (any coordinate), or None.
    fx : ndarray, shape (steps + 1,), or None
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
    def point_shape(self) -> tuple[int, ...]:
        """``()`` for a run on a 1-D curve, ``(2,)`` for a run on a surface."""
        return tuple(self.x.shape[1:])

    @property
    def last_valid(self) -> int:
        """Index of the last finite iterate."""
        return self.steps if self.diverged_at is None else self.diverged_at - 1

    def gradient_step(self, t: int) -> Any:
        """``-lr * f'(x_t)``: where a plain gradient step from ``x_t`` would go (0 if unknown).

        A float for a 1-D run; an array of shape (2,) on a surface (non-finite entries 0).
        """
        if self.x.ndim > 1:
            return _scaled_or_zero(-self.lr, self.grad[t])
        g = self.grad[t]
        with np.errstate(over="ignore", invalid="ignore"):
            step = -self.lr * float(g)
        return step if math.isfinite(step) else 0.0

    def tangent(self, t: int, half_width: float) -> tuple[tuple[float, float], ...]:
        """End points of the tangent at ``(x_t, f(x_t))``, ``half_width`` either side in x.

        ``y = f(x_t) + f'(x_t) (x - x_t)``; a flat segment when the slope is not finite.
        Only for a 1-D run.
        """
        if self.x.ndim > 1:
            raise ValueError("A tangent line exists only for a run on a 1-D curve.")
        x = float(self.x[t])
        y = float(self.fx[t]) if self.fx is not None else 0.0
        g = float(self.grad[t])
        with np.errstate(over="ignore", invalid="ignore"):
            dy = g * half_width
        if not (math.isfinite(dy) and math.isfinite(x) and math.isfinite(y)):
            dy = 0.0
        return (x - half_width, y - dy), (x + half_width, y + dy)

    def velocity_step(self, t: int) -> Any:
        """``-lr * v_t``: the push the carried velocity gives (None without a velocity).

        A float for a 1-D run; an array of shape (2,) on a surface (non-finite entries 0).
        """
        if self.method not in MOMENTUM_METHODS:
            return None
        if self.x.ndim > 1:
            return _scaled_or_zero(-self.lr, self.velocity[t])
        with np.errstate(over="ignore", invalid="ignore"):
            step = -self.lr * float(self.velocity[t])
        return step if math.isfinite(step) else 0.0


def _finite_or_zero(values: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.isfinite(values), values, 0.0)


def _scaled_or_zero(scale: float, values: NDArray[np.float64]) -> NDArray[np.float64]:
    """``scale * values`` with non-finite entries 0 (a huge gradient overflows: no warning)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_or_zero(scale * values)


def descend(
    grad: Callable[[Any], Any],
    x0: ArrayLike,
    lr: float,
    steps: int,
    method: str = "gd",
    beta: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    *,
    f: Callable[[Any], Any] | None = None,
) -> Trajectory:
    """Run ``steps`` updates of ``method`` from ``x0``, on a 1-D curve or on a surface.

    Parameters
    ----------
    grad : callable
        ``f'(x)``: for a float start, a function of one float; for an array start of shape
        ``(d,)`` (``d = 2`` on a surface), a function of a ``(d,)`` point returning ``(d,)``.
    x0 : float or array_like
        Starting point. A float (or 0-d array) runs on Python floats and gives exactly the
        sheet's numbers; an array runs the same rules component-wise.
    lr : float
        Learning rate (lr >= 0).
    steps : int
        Number of updates, a whole number in [0, 10000] (2.7 is refused, not truncated); the
        trajectory holds ``steps + 1`` iterates.
    method : {"gd", "momentum", "heavy_ball", "nesterov", "adam", "adagrad", "rmsprop"}
        The update rule (see the module docstring): ``momentum`` is the sheet's
        ``v = beta v + (1 - beta) g; x = x - lr v``; ``adagrad``:
        ``s = s + g^2; x = x - lr g / (sqrt(s) + eps)``; ``rmsprop``:
        ``s = beta2 s + (1 - beta2) g^2; x = x - lr g / (sqrt(s) + eps)``.
    beta, beta2, eps : float
        Momentum / Adam / RMSProp coefficients, ``0 <= beta, beta2 < 1``, ``eps > 0``.
    f : callable, optional
        The function itself, vectorised over iterates (for a surface: points of shape
        ``(..., 2)``); when given, ``Trajectory.fx`` holds ``f(x_t)``.

    Returns
    -------
    Trajectory
        Arrays of shape ``(steps + 1,)`` for a float start, ``(steps + 1, *x0.shape)`` else.

    Notes
    -----
    Overflow never raises or warns: as soon as an iterate (any coordinate of it) is not
    finite the run stops, ``diverged_at`` records the step and the remaining iterates are nan.

    Raises
    ------
    ValueError
        For an unknown method or unusable settings (negative lr, beta outside [0, 1),
        steps not a whole number, a start that is not finite, ...).
    """
    scalar = np.ndim(x0) == 0
    if scalar:
        start: Any = float(x0)
    else:
        try:
            start = np.array(x0, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(
                "The starting point must be a number or an array of numbers."
            ) from None
        if start.size == 0:
            raise ValueError("The starting point must hold at least one coordinate.")
    steps = _check_common(method, float(lr), start, steps, float(beta), float(beta2), float(eps))
    lr, beta, beta2, eps = float(lr), float(beta), float(beta2), float(eps)
    shape = () if scalar else start.shape
    xs = np.full((steps + 1, *shape), np.nan)
    gs = np.full((steps + 1, *shape), np.nan)
    vs = np.zeros((steps + 1, *shape))
    ss = np.zeros((steps + 1, *shape))
    x = start
    xs[0] = x
    # The same update expressions serve both: Python floats (math.sqrt) keep the sheet's
    # numbers bit for bit; arrays use np.sqrt under the errstate below.
    v: Any = 0.0 if scalar else np.zeros(shape)
    s: Any = 0.0 if scalar else np.zeros(shape)
    sqrt: Callable[[Any], Any] = math.sqrt if scalar else np.sqrt
    diverged_at: int | None = None
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = _safe_grad(grad, x) if scalar else _safe_grad_array(grad, x)
            gs[t] = g
            x_new, v, s = _update(method, x, g, v, s, t, lr, beta, beta2, eps, sqrt)
            vs[t + 1] = v
            ss[t + 1] = s
            if not (math.isfinite(x_new) if scalar else bool(np.isfinite(x_new).all())):
                diverged_at = t + 1
                vs[t + 1 :] = np.nan
                ss[t + 1 :] = np.nan
                break
            x = x_new
            xs[t + 1] = x
        if diverged_at is None:
            gs[steps] = _safe_grad(grad, x) if scalar else _safe_grad_array(grad, x)
        fx = None
        if f is not None:
            fx = np.full(steps + 1, np.nan)
            n = steps + 1 if diverged_at is None else diverged_at
            fx[:n] = np.asarray(f(xs[:n]), dtype=float)
    return Trajectory(xs, gs, vs, ss, diverged_at, method, lr, beta, beta2, eps, fx)


def _update(
    method: str,
    x: Any,
    g: Any,
    v: Any,
    s: Any,
    t: int,
    lr: float,
    beta: float,
    beta2: float,
    eps: float,
    sqrt: Callable[[Any], Any],
) -> tuple[Any, Any, Any]:
    """One update from step ``t``: ``(x_{t+1}, v_{t+1}, s_{t+1})`` for floats or arrays.

    Python float arithmetic overflows to inf silently (only ``**`` and ``math.*`` raise, and
    ``beta ** k`` with ``beta < 1`` cannot overflow); no divisor here can be 0.
    """
    if method == "gd":
        return x - lr * g, v, s
    if method == "momentum":
        v = beta * v + (1.0 - beta) * g
        return x - lr * v, v, s
    if method == "heavy_ball":
        v = beta * v + g
        return x - lr * v, v, s
    if method == "nesterov":
        v = beta * v + g
        return x - lr * (g + beta * v), v, s
    if method == "adagrad":
        s = s + g * g
        return x - lr * g / (sqrt(s) + eps), v, s
    if method == "rmsprop":
        s = beta2 * s + (1.0 - beta2) * (g * g)
        return x - lr * g / (sqrt(s) + eps), v, s
    # adam: s >= 0 or nan, so math.sqrt never raises
    v = beta * v + (1.0 - beta) * g
    s = beta2 * s + (1.0 - beta2) * (g * g)
    m_hat = v / (1.0 - beta ** (t + 1))
    s_hat = s / (1.0 - beta2 ** (t + 1))
    return x - lr * m_hat / (sqrt(s_hat) + eps), v, s


def _safe_grad(grad: Callable[[float], float], x: float) -> float:
    try:
        return float(grad(x))
    except (OverflowError, ZeroDivisionError):
        return math.nan


def _safe_grad_array(grad: Callable[[Any], Any], x: NDArray[np.float64]) -> NDArray[np.float64]:
    try:
        g = np.asarray(grad(x), dtype=float)
    except (OverflowError, ZeroDivisionError):
        return np.full(x.shape, np.nan)
    if g.shape != x.shape:
        raise ValueError(
            f"The gradient must have the shape of the point, {x.shape}, not {g.shape}."
        )
    return g


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
