"""A race without Qt: several optimizers from the same start, each keeping its place.

The runners stand in a fixed order (their colours follow it); the selected one, whose worked
steps, table and practice show, is the settings' own run and stands at ``settings.selected``,
the others are ``settings.racers``. Every change here returns new settings (checked by the
model when it switches to them).
"""

from __future__ import annotations

import math
from dataclasses import replace

from visualizer.compute.descent import METHOD_SHORT_LABELS, MOMENTUM_METHODS, Trajectory
from visualizer.tabs.descent.runs import (
    MAX_RACERS,
    DescentSettings,
    RacerSettings,
    as_racer,
    surface_of,
)

RACER_LABEL = "{name} lr {lr:g}"
RACER_BETA_LABEL = "{name} lr {lr:g} β {beta:g}"
#: GD's learning rate worth racing with on each surface (the ravine's is 1.8/κ).
GD_LEARNING_RATES = {"rosenbrock": 0.001, "saddle": 0.05, "himmelblau": 0.01, "gelu_sum": 0.5}
#: Adaptive methods' lr as a fraction of the surface's usual width (their steps are about lr).
ADAPTIVE_SHARE = {"adam": 0.0125, "rmsprop": 0.0025, "adagrad": 0.05}


def runner_order(settings: DescentSettings) -> list[RacerSettings]:
    """Every runner in its place, the selected one at ``settings.selected``."""
    order = list(settings.racers)
    order.insert(settings.selected, as_racer(settings))
    return order


def _from_order(
    settings: DescentSettings, order: list[RacerSettings], selected: int
) -> DescentSettings:
    chosen = order[selected]
    return replace(
        settings,
        method=chosen.method,
        lr=chosen.lr,
        beta=chosen.beta,
        beta2=chosen.beta2,
        racers=tuple(order[:selected] + order[selected + 1 :]),
        selected=selected,
    )


def _check_index(order: list[RacerSettings], index: int) -> None:
    if not 0 <= index < len(order):
        raise ValueError(f"There is no runner {index + 1}: the race has {len(order)}.")


def with_selected(settings: DescentSettings, index: int) -> DescentSettings:
    """Runner ``index`` selected; every runner keeps its place."""
    order = runner_order(settings)
    _check_index(order, index)
    return _from_order(settings, order, index)


def with_runner(settings: DescentSettings, index: int, racer: RacerSettings) -> DescentSettings:
    """Runner ``index`` racing with ``racer``'s method and numbers."""
    order = runner_order(settings)
    _check_index(order, index)
    order[index] = racer
    return _from_order(settings, order, settings.selected)


def with_runner_added(settings: DescentSettings, racer: RacerSettings) -> DescentSettings:
    """``racer`` joins the race, last."""
    order = runner_order(settings)
    if len(order) >= MAX_RACERS:
        raise ValueError(f"A race has at most {MAX_RACERS} runners.")
    return _from_order(settings, [*order, racer], settings.selected)


def with_runner_removed(settings: DescentSettings, index: int) -> DescentSettings:
    """Runner ``index`` leaves the race (the next one is selected if it was)."""
    order = runner_order(settings)
    _check_index(order, index)
    if len(order) == 1:
        raise ValueError("A race needs at least one runner.")
    order.pop(index)
    selected = settings.selected
    if index < selected or selected >= len(order):
        selected -= 1
    return _from_order(settings, order, selected)


def default_racer(settings: DescentSettings, method: str) -> RacerSettings:
    """Settings worth racing ``method`` with on this surface: GD's lr for the GD family (the
    sheet's EMA momentum the same steps: lr/(1 − β)), a share of the view for adaptive ones."""
    if settings.objective == "quadratic":
        gd_lr = float(f"{1.8 / settings.kappa:.3g}")
    else:
        gd_lr = GD_LEARNING_RATES.get(settings.objective, 0.1)
    x_lo, x_hi = surface_of(settings).x_range
    if method in ADAPTIVE_SHARE:
        lr = float(f"{ADAPTIVE_SHARE[method] * (x_hi - x_lo):.2g}")
        return RacerSettings(method, lr, 0.9, 0.999 if method == "adam" else 0.9)
    if method == "momentum":
        return RacerSettings(method, float(f"{gd_lr / (1 - 0.5):.3g}"), 0.5)
    return RacerSettings(method, gd_lr, 0.5 if method == "heavy_ball" else 0.9)


def runner_name(racer: RacerSettings) -> str:
    """A runner in a few words: its method, lr and β (for methods that have one)."""
    name = METHOD_SHORT_LABELS.get(racer.method, racer.method)
    if racer.method in MOMENTUM_METHODS:
        return RACER_BETA_LABEL.format(name=name, lr=racer.lr, beta=racer.beta)
    return RACER_LABEL.format(name=name, lr=racer.lr)


def race_csv(runners: list[tuple[RacerSettings, Trajectory]]) -> str:
    """Every runner's x_t, y_t and f(x_t) per step, full precision (empty past divergence)."""
    headers = ["t"]
    for k, (racer, _traj) in enumerate(runners):
        name = f"{k + 1}:{racer.method}(lr={racer.lr:g})"
        headers += [f"{name} x_t", f"{name} y_t", f"{name} f(x_t)"]
    lines = [",".join(headers)]
    steps = max(traj.steps for _r, traj in runners)
    for t in range(steps + 1):
        cells = [str(t)]
        for _racer, traj in runners:
            ok = t <= traj.last_valid
            fx = float(traj.fx[t]) if ok and traj.fx is not None else math.nan
            for value in (*map(float, traj.x[t]), fx) if ok else (math.nan,) * 3:
                cells.append(repr(value) if math.isfinite(value) else "")
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"
