"""The presets the descent tab offers: the sheet's exercises (from compute) and the 2-D demos."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from visualizer.compute.descent import DESCENT_PRESETS
from visualizer.tabs.descent.runs import DescentSettings, RacerSettings

#: The preset a new tab opens with (exercise 1a).
FIRST_PRESET = "1a"


@dataclass(frozen=True)
class Preset:
    """A preset the tab offers: the sheet's exercises (from compute) and the 2-D demos."""

    name: str
    label: str
    description: str
    settings: DescentSettings
    #: The x-range worth showing first on a curve (None: the curve's usual range).
    x_view: tuple[float, float] | None = None


def _surface_preset(name: str, label: str, description: str, **values: Any) -> Preset:
    racers = tuple(RacerSettings(**r) for r in values.pop("racers", ()))
    return Preset(name, label, description, DescentSettings(racers=racers, **values).checked())


PRESETS: dict[str, Preset] = {
    name: Preset(name, p.label, p.description, DescentSettings.from_params(p.params), p.x_view)
    for name, p in DESCENT_PRESETS.items()
}
PRESETS.update(
    (p.name, p)
    for p in (
        _surface_preset(
            "ravine",
            "Ravine: GD zig-zags, momentum glides",
            "A bowl 10 times steeper across than along: gradient descent (lr 0.18) jumps from "
            "wall to wall; heavy-ball momentum (lr 0.18, β 0.5) glides along the floor.",
            objective="quadratic", method="gd", lr=0.18, x0=-2.39, y0=-0.85, steps=40,
            kappa=10.0, angle=0.5,
            racers=[{"method": "heavy_ball", "lr": 0.18, "beta": 0.5}],
        ),
        _surface_preset(
            "rosenbrock race",
            "Rosenbrock race",
            "Five optimizers from (-1.2, 1) down the curved valley to (1, 1): plain GD crawls "
            "along the flat floor while heavy ball and Nesterov get there first.",
            objective="rosenbrock", method="gd", lr=0.001, x0=-1.2, y0=1.0, steps=500,
            racers=[
                {"method": "heavy_ball", "lr": 0.001, "beta": 0.9},
                {"method": "nesterov", "lr": 0.001, "beta": 0.9},
                {"method": "adam", "lr": 0.05, "beta": 0.9, "beta2": 0.999},
                {"method": "rmsprop", "lr": 0.01, "beta2": 0.9},
            ],
        ),
        _surface_preset(
            "saddle",
            "Saddle: GD escapes slowly",
            "Started almost on the ridge line, gradient descent slides towards the saddle "
            "point, where the gradient nearly vanishes, and only slowly escapes along y.",
            objective="saddle", method="gd", lr=0.05, x0=-1.5, y0=0.01, steps=80,
        ),
        _surface_preset(
            "himmelblau",
            "Himmelblau: the start decides the minimum",
            "Four minima with f = 0: click the surface to start somewhere else and watch "
            "which minimum gradient descent reaches.",
            objective="himmelblau", method="gd", lr=0.01, x0=0.0, y0=0.0, steps=100,
        ),
        _surface_preset(
            "spiral",
            "Too much momentum: the spiral",
            "Heavy ball with β 0.95 on the ravine: the velocity carries the run past the "
            "minimum again and again, round and round in a slowly shrinking spiral.",
            objective="quadratic", method="heavy_ball", lr=0.1, x0=-2.39, y0=-0.85,
            steps=150, beta=0.95, kappa=10.0, angle=0.5,
        ),
    )
)  # fmt: skip
PRESET_SETTINGS: dict[str, DescentSettings] = {name: p.settings for name, p in PRESETS.items()}
