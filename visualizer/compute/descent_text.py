"""A descent run in words: its status in plain language and the worked arithmetic of each step.

Both read a :class:`~visualizer.compute.descent.Trajectory` and work for a run on a 1-D curve
(numbers as the sheet writes them) and for a run on a surface, where every vector is written
as a pair, ``∇f(x1) = ∇f(-0.05, 0.3) = (0.457501, -0.6)``, and squares and roots of vectors are
taken element-wise. No text ever shows "nan" or "inf": non-finite numbers come out as words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from visualizer.compute.descent import MOMENTUM_METHODS, SECOND_MOMENT_METHODS, Trajectory

__all__ = ["DescentStatus", "classify_run", "worked_solution", "worked_step"]


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
    y_range: tuple[float, float] | None = None,
) -> DescentStatus:
    """Say in plain words what the run is doing up to step ``upto`` (default: the end).

    - diverged: an iterate is no longer a finite number, or lies more than 100 widths of
      ``x_range`` outside it (on a surface: of ``x_range`` in x or ``y_range`` in y);
    - oscillating: the sign of the step flipped at every one of the last (up to 5) steps
      (on a surface: the sign of one coordinate of the step, a zig-zag across a valley);
    - converged: ``|f'(x_t)|`` (on a surface ``‖∇f(x_t)‖``) below 1e-6;
    - converging: otherwise (worded "overshooting" when f went up on the last step).
    """
    t = traj.steps if upto is None else max(0, min(int(upto), traj.steps))
    if traj.x.ndim > 1:
        return _classify_surface_run(traj, t, x_range, y_range)
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


def _classify_surface_run(
    traj: Trajectory,
    t: int,
    x_range: tuple[float, float] | None,
    y_range: tuple[float, float] | None,
) -> DescentStatus:
    if traj.diverged_at is not None and t >= traj.diverged_at:
        return DescentStatus(
            "diverged",
            f"Diverged: x{traj.diverged_at} is too large to represent (overflow). "
            "The learning rate is too large, or the surface has no bottom that way.",
        )
    xs = traj.x[: t + 1]
    far = np.zeros(len(xs), dtype=bool)
    for axis, view in enumerate((x_range, y_range)):
        if view is not None and axis < xs.shape[1]:
            lo, hi = view
            width = hi - lo
            far |= (xs[:, axis] < lo - 100 * width) | (xs[:, axis] > hi + 100 * width)
    if np.any(far):
        k = int(np.flatnonzero(far)[0])
        return DescentStatus(
            "diverged",
            f"Diverging: x{k} = {_fl(xs[k])} is far outside the view. The learning rate is "
            "too large, or the surface has no bottom that way.",
        )
    if t == 0:
        return DescentStatus("start", f"Start: x0 = {_fl(xs[0])}. Press Play or →.")
    g = traj.grad[t]
    with np.errstate(invalid="ignore", over="ignore"):
        dx = np.diff(xs, axis=0)
        recent = dx[-5:]
        signs = np.sign(recent)
        flips = np.all(signs[1:] * signs[:-1] < 0, axis=0)  # per coordinate
        sizes = np.sqrt(np.sum(recent * recent, axis=1))
        g_size = float(np.sqrt(np.sum(g * g)))
    if len(recent) >= 3 and bool(np.any(flips)):
        if sizes[-1] > sizes[0]:
            return DescentStatus(
                "oscillating",
                "Oscillating and growing: every step jumps across the valley and lands further "
                "away. Lower the learning rate.",
            )
        return DescentStatus(
            "oscillating",
            "Zig-zagging: every step jumps across the valley (one coordinate of the step keeps "
            "flipping its sign), but the jumps shrink.",
        )
    if math.isfinite(g_size) and g_size < 1e-6:
        return DescentStatus(
            "converged", f"Converged: ∇f(x{t}) ≈ (0, 0), so x stays at {_fl(xs[-1])}."
        )
    numbers = f"last step {_fl(dx[-1])}, ∇f(x{t}) = {_fl(g)}."
    if traj.fx is not None and traj.fx[t] > traj.fx[t - 1]:
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


def _pair(value: Any, one: Any) -> str:
    """A vector written as ``(a, b)``, each coordinate written by ``one``."""
    return "(" + ", ".join(one(float(v)) for v in np.ravel(value)) + ")"


def _fl(value: Any) -> str:
    """A number, or a vector as ``(a, b)``, with 6 significant digits."""
    return format_number(float(value)) if np.ndim(value) == 0 else _pair(value, format_number)


def _result(value: Any) -> str:
    """The right-hand side of a worked step: 6 decimals, as in ``= -0.095750``."""
    if np.ndim(value) > 0:
        return _pair(value, _result)
    if not math.isfinite(value):
        return format_number(value)
    if value == 0 or 0.01 <= abs(value) < 1e6:
        return f"{value:.6f}"
    return format_number(value)


def _x_value(value: Any) -> str:
    """An iterate inside an expression, exactly as the previous step's result showed it
    (6 decimals, trailing zeros dropped: -0.05, -0.09575, -2.997545), so a student can
    check each line with the numbers on the line before."""
    if np.ndim(value) > 0:
        return _pair(value, _x_value)
    text = _result(value)
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _term(value: Any) -> str:
    """A number inside an expression: negative values get brackets after an operator
    (a vector is already in brackets)."""
    if np.ndim(value) > 0:
        return _fl(value)
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
    Momentum methods write the v update first, then x; adam, adagrad and rmsprop write their
    ``s`` update before x. On a surface every vector is a pair and the gradient is written
    ``∇f``: ``"x2 = x1 - lr*∇f(x1) = (1, 2) - 0.1 × (0.5, -2) = (0.950000, 2.200000)"``.
    ``t = 0`` describes the start.
    """
    name = objective_short
    vector = traj.x.ndim > 1
    if t <= 0:
        lines = [f"x0 = {_fl(traj.x[0])}  (starting point)"]
        if traj.method == "adam":
            lines.append("m0 = 0,  s0 = 0")
        elif traj.method in MOMENTUM_METHODS:
            lines.append("v0 = 0")
        elif traj.method in SECOND_MOMENT_METHODS:
            lines.append("s0 = 0")
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

    def at(values: Any, i: int) -> Any:
        return values[i] if vector else float(values[i])

    xp, g, xt = at(traj.x, p), at(traj.grad, p), at(traj.x, t)
    lr, b, b2 = traj.lr, traj.beta, traj.beta2
    fl = _fl
    # "f'(x1) = f'(-0.05)" on a curve, "∇f(x1) = ∇f(-0.05, 0.3)" on a surface
    d = "∇f" if vector else "f'"
    at_xp = _x_value(xp) if vector else f"({_x_value(xp)})"
    lines = [f"{d}(x{p}) = {d}{at_xp} = {fl(g)}"]
    if traj.method == "gd":
        lines.append(
            f"x{t} = x{p} - lr*{d}(x{p}) = {_x_value(xp)} - {fl(lr)} × {_term(g)} = {_result(xt)}"
        )
    elif traj.method in ("momentum", "heavy_ball", "nesterov"):
        vp, vt = at(traj.velocity, p), at(traj.velocity, t)
        if traj.method == "momentum":
            lines.append(
                f"v{t} = β*v{p} + (1-β)*{d}(x{p}) = {fl(b)} × {_term(vp)} + {fl(1 - b)} × "
                f"{_term(g)} = {fl(vt)}"
            )
        else:
            lines.append(
                f"v{t} = β*v{p} + {d}(x{p}) = {fl(b)} × {_term(vp)} + {_term(g)} = {fl(vt)}"
            )
        if traj.method == "nesterov":
            lines.append(
                f"x{t} = x{p} - lr*({d}(x{p}) + β*v{t}) = {_x_value(xp)} - {fl(lr)} × ({fl(g)} + "
                f"{fl(b)} × {_term(vt)}) = {_result(xt)}"
            )
        else:
            lines.append(
                f"x{t} = x{p} - lr*v{t} = {_x_value(xp)} - {fl(lr)} × {_term(vt)} = {_result(xt)}"
            )
    elif traj.method == "adam":
        mp, mt = at(traj.velocity, p), at(traj.velocity, t)
        sp, st = at(traj.second_moment, p), at(traj.second_moment, t)
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
    else:  # adagrad, rmsprop
        sp, st = at(traj.second_moment, p), at(traj.second_moment, t)
        if traj.method == "adagrad":
            lines.append(f"s{t} = s{p} + g² = {fl(sp)} + {_term(g)}² = {fl(st)}")
        else:
            lines.append(
                f"s{t} = β2*s{p} + (1-β2)*g² = {fl(b2)} × {_term(sp)} + {fl(1 - b2)} × "
                f"{_term(g)}² = {fl(st)}"
            )
        lines.append(
            f"x{t} = x{p} - lr*g/(√s{t} + ε) = {_x_value(xp)} - {fl(lr)} × {_term(g)} / "
            f"(√{fl(st)} + {fl(traj.eps)}) = {_result(xt)}"
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
