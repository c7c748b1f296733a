"""What one run is, without Qt: the settings a lesson saves, the run they give, and their names.

:class:`DescentSettings` (read from and written to a lesson, every check in its readers) ->
:func:`run` (the whole run on its curve or surface, computed once per settings change). A race
is the selected run plus :class:`RacerSettings` for the others, all from the same start.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from visualizer.compute.descent import (
    BETA2_METHODS,
    MAX_STEPS,
    METHOD_SHORT_LABELS,
    METHODS,
    MOMENTUM_METHODS,
    OBJECTIVES,
    DescentParams,
    Trajectory,
    descend,
    run_descent,
)
from visualizer.compute.surfaces import SURFACES, Surface, quadratic_surface
from visualizer.tabs.settings import (
    Settings,
    read_choice,
    read_float,
    read_int,
    setting,
)

#: The ravine's condition number and angle, as the fields accept them.
KAPPA_RANGE = (1.0, 1000.0)
ANGLE_RANGE = (-3.15, 3.15)
#: Settings that only a run on a surface has (left out of a 1-D lesson).
SURFACE_KEYS = ("y0", "kappa", "angle")
#: Runners in a race, the current run included.
MAX_RACERS = 6


#: What the number fields accept as typed, (minimum, maximum); the readers below accept at
#: least this. x0 stays far from the float limit so f(x0) can still be evaluated.
FIELD_RANGES: dict[str, tuple[float | None, float | None]] = {
    "lr": (0.0, None),
    "beta": (0.0, 0.9999),
    "beta2": (0.0, 0.999999),
    "x0": (-1e300, 1e300),
    "y0": (-1e300, 1e300),
    "kappa": KAPPA_RANGE,
    "angle": ANGLE_RANGE,
    "steps": (0, MAX_STEPS),
}


@dataclass(frozen=True)
class RacerSettings(Settings):
    """Another optimizer racing the current run from the same start (its own settings)."""

    topic_name: ClassVar[str] = "racer"

    method: str = setting("momentum", read_choice(METHODS))
    lr: float = setting(0.1, read_float(0.0))
    beta: float = setting(0.9, read_float(0.0, below=1.0))
    beta2: float = setting(0.999, read_float(0.0, below=1.0))


def _read_racers(value: Any, label: str) -> tuple[RacerSettings, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"The setting {label!r} must be a list of racers.")
    if len(value) > MAX_RACERS - 1:
        raise ValueError(f"A race has at most {MAX_RACERS} runners.")
    return tuple(r if isinstance(r, RacerSettings) else RacerSettings.from_state(r) for r in value)


@dataclass(frozen=True)
class DescentSettings(Settings):
    """Everything that defines one run, as a lesson saves it (its ``"params"`` object)."""

    topic_name: ClassVar[str] = "descent"

    objective: str = setting("gelu", read_choice((*OBJECTIVES, *SURFACES)))
    method: str = setting("gd", read_choice(METHODS))
    lr: float = setting(0.1, read_float(0.0))
    x0: float = setting(0.0, read_float())
    steps: int = setting(3, read_int(0, MAX_STEPS))
    beta: float = setting(0.9, read_float(0.0, below=1.0))
    beta2: float = setting(0.999, read_float(0.0, below=1.0))
    eps: float = setting(1e-8, read_float(above=0.0))
    #: The start's second coordinate on a surface (x0 is the first).
    y0: float = setting(0.0, read_float(-1e300, 1e300))
    #: The ravine's condition number and the angle of its axes (radians).
    kappa: float = setting(10.0, read_float(*KAPPA_RANGE), label="κ")
    angle: float = setting(0.5, read_float(*ANGLE_RANGE), label="angle")
    #: The other runners of a race on a surface (the current run is the selected one).
    racers: tuple[RacerSettings, ...] = setting((), _read_racers)
    #: Where the current (selected) run stands among the runners: each runner keeps its
    #: place, and so its colour, whichever is selected.
    selected: int = setting(0, read_int(0, MAX_RACERS - 1), label="selected runner")

    def validate(self) -> None:
        if self.racers and not self.on_surface:
            raise ValueError("A race runs on a 2-D surface: choose a surface first.")
        if self.selected > len(self.racers):
            raise ValueError(f"The selected runner must be one of the {len(self.racers) + 1}.")

    @property
    def on_surface(self) -> bool:
        """True for a run on a 2-D surface, False on a 1-D curve."""
        return self.objective in SURFACES

    def start(self) -> tuple[float, float] | float:
        """The starting point: ``x0`` on a curve, ``(x0, y0)`` on a surface."""
        return (self.x0, self.y0) if self.on_surface else self.x0

    def to_state(self) -> dict[str, Any]:
        """A lesson's ``"params"``: the 2-D keys only for a surface, so the sheet's lessons
        keep exactly the keys they always had."""
        state = super().to_state()
        state["racers"] = [r.to_state() for r in self.racers]
        if not self.racers:
            state.pop("racers")
        if not self.selected:
            state.pop("selected")
        if not self.on_surface:
            for key in SURFACE_KEYS:
                state.pop(key)
        elif self.objective != "quadratic":
            state.pop("kappa")
            state.pop("angle")
        return state

    def to_params(self) -> DescentParams:
        """Compute's input for this run (a run on a 1-D curve)."""
        if self.on_surface:
            raise ValueError("A run on a surface has no 1-D DescentParams.")
        return DescentParams(
            self.objective,
            self.method,
            self.lr,
            self.x0,
            self.steps,
            self.beta,
            self.beta2,
            self.eps,
        )

    @classmethod
    def from_params(cls, params: DescentParams) -> DescentSettings:
        """Read compute's parameters with the same checks as a lesson."""
        return cls.from_state(params.to_dict())

    def checked(self) -> DescentSettings:
        """These settings read again with every reader (settings built in code, e.g. with
        ``dataclasses.replace``, get a lesson's checks and types), or ``ValueError``."""
        return type(self).from_state(self.to_state())


def surface_of(settings: DescentSettings) -> Surface:
    """The surface a run descends (the ravine is built from its κ and angle)."""
    if settings.objective == "quadratic":
        return _ravine(settings.kappa, settings.angle)
    return SURFACES[settings.objective]


_RAVINES: dict[tuple[float, float], Surface] = {}


def _ravine(kappa: float, angle: float) -> Surface:
    key = (kappa, angle)
    if key not in _RAVINES:
        if len(_RAVINES) > 32:
            _RAVINES.clear()
        _RAVINES[key] = quadratic_surface(kappa, angle)
    return _RAVINES[key]


def run(settings: DescentSettings) -> Trajectory:
    """The whole run of ``settings`` (on its curve or its surface), with f(x_t)."""
    if not settings.on_surface:
        return run_descent(settings.to_params())
    surface = surface_of(settings)
    return descend(
        surface.grad,
        (settings.x0, settings.y0),
        settings.lr,
        settings.steps,
        settings.method,
        settings.beta,
        settings.beta2,
        settings.eps,
        f=surface.value,
    )


def racer_settings(settings: DescentSettings, racer: RacerSettings) -> DescentSettings:
    """The run of one racer: the race's surface, start and steps with the racer's method."""
    return replace(
        settings,
        method=racer.method,
        lr=racer.lr,
        beta=racer.beta,
        beta2=racer.beta2,
        racers=(),
        selected=0,
    )


def as_racer(settings: DescentSettings) -> RacerSettings:
    return RacerSettings(settings.method, settings.lr, settings.beta, settings.beta2)


def run_race(settings: DescentSettings) -> list[Trajectory]:
    """Every other runner's whole run (the current run's is :func:`run`)."""
    return [run(racer_settings(settings, r)) for r in settings.racers]


def run_label(settings: DescentSettings) -> str:
    """A run described in a few words, for legends and the pinned list."""
    name = METHOD_SHORT_LABELS.get(settings.method, settings.method)
    start = f"({settings.x0:g}, {settings.y0:g})" if settings.on_surface else f"{settings.x0:g}"
    text = f"{name}, lr {settings.lr:g}, x0 {start}"
    if settings.method in MOMENTUM_METHODS:
        text += f", β {settings.beta:g}"
    if settings.method in BETA2_METHODS:
        text += f", β2 {settings.beta2:g}"
    return text


def curve_label(settings: DescentSettings) -> str:
    """The curve's or surface's name for menus and legends."""
    if settings.on_surface:
        return surface_of(settings).label
    return OBJECTIVES[settings.objective].label
