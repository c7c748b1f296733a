"""The (lr, β) map of the ravine without Qt: heavy ball's rate per step over a grid of lr and β.

On the ravine f = ½(x'² + κ·y'²) the Hessian's eigenvalues are μ = 1 and L = κ, and heavy-ball
momentum (β = 0: plain GD) shrinks the error by ``heavy_ball_rate`` each step. The map's grid
nodes are round numbers (lr in steps like 0.002, β in steps of 0.005): a click on a cell sets
exactly that cell's (lr, β), so the run shown has the rate the cell shows. The map comes in
two forms: heavy ball's own lr, and the sheet's EMA momentum, whose lr_ema is heavy ball's
lr = lr_ema·(1 − β).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from visualizer.compute.descent import METHOD_SHORT_LABELS
from visualizer.compute.momentum_map import (
    best_rates,
    ema_to_heavy_ball,
    heavy_ball_map,
    heavy_ball_rate,
    optimal_gd_lr,
    optimal_heavy_ball,
)

#: The map's forms: which momentum its lr axis belongs to, and the method a click sets.
MAP_FORMS: dict[str, str] = {
    "heavy_ball": "heavy ball's lr",
    "ema": "the sheet's EMA lr",
}
FORM_RULES = {
    "heavy_ball": "heavy ball: v = β·v + g, x = x − lr·v",
    "ema": "the sheet's EMA momentum: v = β·v + (1−β)·g, x = x − lr·v (heavy ball's lr·(1−β))",
}
FORM_METHODS = {"heavy_ball": "heavy_ball", "ema": "momentum"}
#: The lr axis's name in each form.
LR_NAMES = {"heavy_ball": "lr", "ema": "lr (EMA)"}
#: The β axis: 0 to BETA_MAX in steps of BETA_STEP.
BETA_STEP = 0.005
BETA_MAX = 0.99
#: About this many lr columns (the step is the round number nearest lr_max / LR_COLUMNS).
LR_COLUMNS = 200
_NICE = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
_NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def _nice_ceil(x: float, choices: tuple[float, ...] = _NICE) -> float:
    """The smallest of ``choices``·10^k that is at least ``x``."""
    power = 10.0 ** math.floor(math.log10(x))
    for c in choices:
        if c * power >= x * (1 - 1e-12):
            return float(f"{c * power:.12g}")
    return float(f"{10.0 * power:.12g}")


def _decimals(step: float) -> int:
    """Digits after the point that write every multiple of ``step`` exactly."""
    for d in range(0, 16):
        if abs(round(step, d) - step) <= 1e-12 * step:
            return d
    return 15


def ravine_curvatures(kappa: float) -> tuple[float, float]:
    """(μ, L) of the ravine: its Hessian's eigenvalues 1 and κ."""
    return 1.0, float(kappa)


def lr_axis_max(kappa: float, form: str) -> float:
    """How far the lr axis goes: heavy ball converges only below lr = 2(1 + β)/L <= 4/L; the
    EMA form also reaches 2.5 times its optimal lr_ema (its region grows as β nears 1)."""
    mu, big_l = ravine_curvatures(kappa)
    top = 4.0 / big_l
    if form == "ema":
        lr_star, beta_star = optimal_heavy_ball(mu, big_l)
        top = max(top, 2.5 * lr_star / (1.0 - beta_star))
    return _nice_ceil(top)


@dataclass(frozen=True, eq=False)
class RateMap:
    """The rate per step at every grid node: ``rates[i, j]`` at ``(lrs[j], betas[i])``."""

    form: str
    kappa: float
    #: The lr axis (lr, or lr_ema in the EMA form): one step, two steps, ... up to the top.
    lrs: np.ndarray
    #: The β axis: 0, 0.005, ... 0.99.
    betas: np.ndarray
    rates: np.ndarray

    @property
    def eigenvalues(self) -> tuple[float, float]:
        return ravine_curvatures(self.kappa)

    @property
    def lr_step(self) -> float:
        return float(self.lrs[0])

    def node(self, lr: float, beta: float) -> tuple[int, int] | None:
        """(row, column) of the grid node nearest (lr, β), or None off the map."""
        j = round(lr / self.lr_step) - 1
        i = round(beta / BETA_STEP)
        if 0 <= i < len(self.betas) and 0 <= j < len(self.lrs):
            return i, j
        return None

    def snap(self, lr: float, beta: float) -> tuple[float, float] | None:
        """The grid node nearest (lr, β): the values a click there sets."""
        ij = self.node(lr, beta)
        if ij is None:
            return None
        i, j = ij
        return float(self.lrs[j]), float(self.betas[i])


def _axis(step: float, first: int, count: int) -> np.ndarray:
    # round numbers, written exactly as a person would type them (0.002·3 is 0.006, not
    # 0.0060000000000000001)
    return np.round(np.arange(first, first + count) * step, _decimals(step))


@lru_cache(maxsize=16)
def rate_map(kappa: float, form: str) -> RateMap:
    """The map of the ravine of condition number ``kappa`` in ``form`` (cached)."""
    if form not in MAP_FORMS:
        raise ValueError(f"Unknown map form {form!r}; choose 'heavy_ball' or 'ema'.")
    top = lr_axis_max(kappa, form)
    lr_step = _nice_ceil(top / LR_COLUMNS, _NICE_STEPS)
    # (lr = 0 is left out: no step at all, rate 1 everywhere)
    lrs = _axis(lr_step, 1, round(top / lr_step))
    betas = _axis(BETA_STEP, 0, round(BETA_MAX / BETA_STEP) + 1)
    rates = heavy_ball_map(ravine_curvatures(kappa), lrs, betas, form=form)
    for array in (lrs, betas, rates):
        array.setflags(write=False)
    return RateMap(form, float(kappa), lrs, betas, rates)


def map_point(method: str, lr: float, beta: float, form: str) -> tuple[float, float] | None:
    """Where a run sits on the map of ``form`` (lr axis value, β), or None for a method the
    map does not describe (only GD, heavy ball and the sheet's momentum are on it)."""
    if method == "gd":
        return lr, 0.0
    if method == "heavy_ball":
        return (lr, beta) if form == "heavy_ball" else (lr / (1.0 - beta), beta)
    if method == "momentum":
        return (lr, beta) if form == "ema" else (float(ema_to_heavy_ball(lr, beta)), beta)
    return None


def run_rate(method: str, lr: float, beta: float, kappa: float) -> float | None:
    """The run's rate per step on the ravine (None for methods the map does not describe)."""
    point = map_point(method, lr, beta, "heavy_ball")
    if point is None:
        return None
    with np.errstate(over="ignore"):
        return float(heavy_ball_rate(ravine_curvatures(kappa), point[0], point[1]))


def settings_from_map(form: str, lr: float, beta: float) -> dict[str, Any]:
    """The changes a click on the map at (lr, β) makes: β = 0 is plain GD, any other β the
    form's momentum."""
    method = "gd" if beta == 0.0 else FORM_METHODS[form]
    return {"method": method, "lr": float(lr), "beta": float(beta)}


def optimal_settings(kappa: float, form: str) -> dict[str, Any]:
    """The changes the "Optimal" button makes: lr* and β* (lr_ema* = lr*/(1 − β*) in the EMA
    form)."""
    lr_star, beta_star = optimal_heavy_ball(*ravine_curvatures(kappa))
    lr = lr_star if form == "heavy_ball" else lr_star / (1.0 - beta_star)
    method = FORM_METHODS[form] if beta_star > 0 else "gd"
    return {"method": method, "lr": lr, "beta": beta_star}


def decade_steps(rate: float) -> str:
    """How many steps shrink the error ten times, in words."""
    if rate >= 1.0:
        return "the error grows: diverges"
    if rate <= 0.0:
        return "reaches the minimum at once"
    steps = math.log(0.1) / math.log(rate)
    return f"×0.1 every {steps:.2g} steps"


def rate_text(
    method: str, lr: float, beta: float, kappa: float, form: str, *, steps: bool = True
) -> str:
    """One line about a run on the map (with how many steps shrink its error ten times)."""
    name = METHOD_SHORT_LABELS.get(method, method)
    rate = run_rate(method, lr, beta, kappa)
    if rate is None:
        return (
            f"The map is heavy ball's (β = 0: GD); {name} converges differently. "
            "Click the map to run heavy ball."
        )
    point = map_point(method, lr, beta, form)
    where = f"lr {lr:.4g}" if method == "gd" else f"lr {lr:.4g} β {beta:.4g}"
    if method == "momentum":
        where += f" (heavy ball's lr = lr·(1−β) = {float(ema_to_heavy_ball(lr, beta)):.4g})"
    m = rate_map(kappa, form)
    off = "" if point is not None and m.node(*point) is not None else " (off the map)"
    verdict = "≥ 1: diverges" if rate >= 1.0 else f"({decade_steps(rate)})" if steps else ""
    return f"{name} {where}{off}: rate {rate:.3g} {verdict}".rstrip()


def optimal_text(kappa: float, form: str) -> str:
    """The optimum and both best rates, with their formulas."""
    mu, big_l = ravine_curvatures(kappa)
    lr_star, beta_star = optimal_heavy_ball(mu, big_l)
    gd_rate, hb_rate = best_rates(kappa)
    lr_text = f"lr* = (2/(√L+√μ))² = {lr_star:.4g}"
    if form == "ema":
        lr_text += f", lr_ema* = lr*/(1−β*) = {lr_star / (1.0 - beta_star):.4g}"
    return (
        f"Optimal: {lr_text}, β* = ((√κ−1)/(√κ+1))² = {beta_star:.4g}. "
        f"Rate (√κ−1)/(√κ+1) = {hb_rate:.4g} ({decade_steps(hb_rate)}) against GD's best "
        f"(κ−1)/(κ+1) = {gd_rate:.4g} at lr = 2/(μ+L) = {optimal_gd_lr(mu, big_l):.4g} "
        f"({decade_steps(gd_rate)})."
    )
