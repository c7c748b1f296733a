"""Gradient descent without Qt: the settings a lesson saves, the run, the step shown, the pins.

:class:`DescentSettings` (read from and written to a lesson, every check in its readers) ->
:class:`~visualizer.compute.DescentParams` (compute's input) -> :func:`run_descent` (the whole
run, computed once per settings change) -> the frame the views show. Views subscribe and
redraw; the play timer only calls ``set_frame``.

Listener words, besides TopicModel's ``"settings"`` and ``"frame"``:

``"pins"``
    a run was pinned or unpinned.
``"derivative"``
    the f'(x) overlay was switched on or off.
``"preset"``
    a preset was just loaded (after ``"settings"``): views open the preset's own view.
``"restored"``
    a saved state was just restored (after ``"settings"``): pins and overlay may differ too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from visualizer.compute import (
    BETA2_METHODS,
    DESCENT_PRESETS,
    METHOD_LABELS,
    METHOD_RULES,
    METHOD_SHORT_LABELS,
    METHODS,
    MOMENTUM_METHODS,
    OBJECTIVES,
    SECOND_MOMENT_METHODS,
    DescentParams,
    DescentStatus,
    Objective,
    Trajectory,
    classify_run,
    run_descent,
    worked_solution,
    worked_step,
)
from visualizer.compute.descent import MAX_STEPS, descend
from visualizer.compute.surfaces import SURFACES, Surface, quadratic_surface
from visualizer.practice import REVEALED, RIGHT, WRONG, Question, question
from visualizer.tabs.descent.iterates import IterateColumns, iterate_columns
from visualizer.tabs.settings import (
    Settings,
    read_choice,
    read_float,
    read_int,
    setting,
)
from visualizer.tabs.topic_model import TopicModel

if TYPE_CHECKING:
    from visualizer.exercises import Exercise

FIRST_PRESET = "1a"
#: The ravine's condition number and angle, as the fields accept them.
KAPPA_RANGE = (1.0, 1000.0)
ANGLE_RANGE = (-3.15, 3.15)
#: Settings that only a run on a surface has (left out of a 1-D lesson).
SURFACE_KEYS = ("y0", "kappa", "angle")
#: Runners in a race, the current run included.
MAX_RACERS = 6
RACER_LABEL = "{name} (lr {lr:g})"
#: Methods whose practice asks for the velocity before the iterate (the sheet's momentum and
#: PyTorch's); Adam's moments are left to the worked step.
ASKED_VELOCITY = frozenset({"momentum", "heavy_ball", "nesterov"})
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


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


def _far_step(traj: Trajectory, t: int) -> int:
    """The first step at which a run is no longer finite, or the step shown."""
    return traj.diverged_at if traj.diverged_at is not None else t


def _subscript(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)


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

    def validate(self) -> None:
        if self.racers and not self.on_surface:
            raise ValueError("A race runs on a 2-D surface: choose a surface first.")

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
    )


def as_racer(settings: DescentSettings) -> RacerSettings:
    return RacerSettings(settings.method, settings.lr, settings.beta, settings.beta2)


def run_race(settings: DescentSettings) -> list[Trajectory]:
    """Every other runner's whole run (the current run's is :func:`run`)."""
    return [run(racer_settings(settings, r)) for r in settings.racers]


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


@dataclass(eq=False)
class PinnedRun:
    """A run kept on screen for comparison (compared by identity: two pins may be equal)."""

    settings: DescentSettings
    trajectory: Trajectory
    #: Which pin colour it gets: the lowest slot no other pin uses.
    slot: int

    def label(self) -> str:
        """The curve's name and the run in words, for the list of pinned runs."""
        curve = curve_label(self.settings).split(":")[0]
        return f"{curve}: {run_label(self.settings)}"


class DescentModel(TopicModel):
    """Settings -> run (computed once) -> the step shown; pinned runs; the f'(x) overlay."""

    key: ClassVar[str] = "descent"

    def __init__(self) -> None:
        super().__init__()
        self._settings = PRESET_SETTINGS[FIRST_PRESET]
        self._trajectory = run(self._settings)
        self._race: list[Trajectory] = []
        self._frame = self._trajectory.steps
        self._show_derivative = False
        self._pins: list[PinnedRun] = []
        #: What the student typed for values answered wrong (shown beside the right ones).
        self._typed: dict[str, str] = {}

    # ----- what the views read -------------------------------------------------------------
    @property
    def settings(self) -> DescentSettings:
        return self._settings

    @property
    def trajectory(self) -> Trajectory:
        return self._trajectory

    @property
    def on_surface(self) -> bool:
        """True while the run is on a 2-D surface."""
        return self._settings.on_surface

    @property
    def surface(self) -> Surface:
        """The surface being descended (only while ``on_surface``)."""
        return surface_of(self._settings)

    @property
    def f_name(self) -> str:
        """How the worked steps and the table name the function ("GeLU", "f")."""
        return "f" if self.on_surface else self.objective.short

    def view_ranges(self) -> tuple[tuple[float, float], tuple[float, float] | None]:
        """The x range (and y range on a surface) worth showing first."""
        if self.on_surface:
            surface = self.surface
            return surface.x_range, surface.y_range
        return self.objective.x_range, None

    @property
    def objective(self) -> Objective:
        """The curve being descended."""
        return OBJECTIVES[self._settings.objective]

    @property
    def show_derivative(self) -> bool:
        return self._show_derivative

    @property
    def pins(self) -> tuple[PinnedRun, ...]:
        return tuple(self._pins)

    def params(self) -> DescentParams:
        return self._settings.to_params()

    def frame_count(self) -> int:
        return self._trajectory.steps + 1

    def shown_step(self) -> int:
        """The step whose iterate is drawn: the frame, or the last finite iterate before it."""
        return min(self._frame, self._trajectory.last_valid)

    def preset(self) -> Preset | None:
        """The preset these settings are exactly, if any."""
        for preset in PRESETS.values():
            if preset.settings == self._settings:
                return preset
        return None

    def status(self) -> DescentStatus:
        """What the run is doing up to the current step, in plain words."""
        x_range, y_range = self.view_ranges()
        return classify_run(self._trajectory, upto=self._frame, x_range=x_range, y_range=y_range)

    def worked_step(self) -> list[str]:
        """The update that produced the current iterate, with the numbers put in."""
        return worked_step(self._trajectory, self._frame, self.f_name)

    def shown_worked_step(self) -> list[str]:
        """What the worked-step view shows now.

        Usually the step that produced the current iterate. In practice mode, once the next
        step's value was answered wrong or revealed, that next step worked out, with the
        student's number beside the right one.
        """
        questions = self.practice_questions()
        opened = [q for q in questions if self.practice.outcome(q.key) in (WRONG, REVEALED)]
        if not opened:
            return self.worked_step()
        lines = worked_step(self._trajectory, self._frame + 1, self.f_name)
        for q in opened:
            typed = self._typed.get(q.key)
            if typed is None:
                continue
            for k, line in enumerate(lines):
                if line.startswith(f"{q.key} ="):
                    lines[k] = f"{line}   ← you wrote {typed}"
        return [f"Step {self._frame + 1}, worked out:", *lines]

    def notify(self, what: str) -> None:
        if what == "settings":
            self._typed.clear()
        super().notify(what)

    def practice_horizon(self) -> int | None:
        """The last step whose values are on screen in practice mode (None: all shown)."""
        return self._frame if self.practice.on else None

    # ----- practice ------------------------------------------------------------------------
    def practice_questions(self) -> list[Question]:
        """Before each step: v_{t+1} (momentum methods), then x_{t+1}."""
        traj = self._trajectory
        t = self._frame
        if t >= traj.steps or (traj.diverged_at is not None and t + 1 >= traj.diverged_at):
            return []
        nxt = t + 1
        vector = traj.x.ndim > 1
        kind = "dE_df2" if vector else "conv_cell"
        solution = worked_step(traj, nxt, self.f_name)
        asked: list[tuple[str, Any]] = []
        if traj.method in ASKED_VELOCITY:
            asked.append(("v", traj.velocity[nxt]))
        asked.append(("x", traj.x[nxt]))
        out = []
        for name, value in asked:
            answer = [float(v) for v in value] if vector else float(value)
            label = f"{name}{_subscript(nxt)} ="
            out.append(
                question(
                    f"{name}{nxt}",
                    label,
                    topic="descent",
                    kind=kind,
                    answer=answer,
                    solution=solution,
                )
            )
        return out

    def answer(self, text: str) -> None:
        """Judge the answer; a right x_{t+1} plays the step, a wrong one opens the worked
        step with the typed number beside the right one (the frame stays)."""
        asked = self.current_question()
        super().answer(text)
        if asked is None:
            return
        outcome = self.practice.outcome(asked.key)
        if outcome == WRONG:
            self._typed[asked.key] = text.strip()
            self.notify("practice")
        elif outcome == RIGHT and asked.key.startswith("x"):
            self.set_frame(self._frame + 1)

    def load_exercise(self, exercise: Exercise) -> None:
        """Show a generated descent exercise from its start (practice asks each step)."""
        if exercise.topic != "descent" or exercise.kind not in ("gd", "momentum"):
            raise ValueError(f"The descent tab cannot show {exercise.kind} exercises.")
        data = exercise.data
        changes: dict[str, Any] = {
            "objective": data["objective"],
            "method": data["method"],
            "lr": float(data["lr"]),
            "x0": float(data["x0"]),
            "steps": int(data["steps"]),
        }
        if "beta" in data:
            changes["beta"] = float(data["beta"])
        base = PRESET_SETTINGS[FIRST_PRESET].to_state()
        settings = DescentSettings.from_state({**base, **changes})
        self.set_settings(settings, frame=0)
        self.set_frame(0)

    def iterates(self) -> IterateColumns:
        """The iterate table of the current run."""
        return iterate_columns(self._trajectory, self.f_name)

    def run_label(self) -> str:
        return run_label(self._settings)

    # ----- changing the run ----------------------------------------------------------------
    def set_settings(self, settings: DescentSettings, *, frame: int | None = None) -> None:
        """Switch to ``settings`` and show step ``frame`` (default: the current one, clamped).

        Checks and computes first: ``ValueError`` with one sentence, and nothing changed, for
        unusable settings.
        """
        settings = settings.checked()
        if settings == self._settings:
            if frame is not None:
                self.set_frame(frame)
            return
        trajectory = run(settings)
        race = run_race(settings)
        self._settings, self._trajectory, self._race = settings, trajectory, race
        if frame is not None:
            self._frame = int(frame)
        self._clamp_frame()
        self.notify("settings")

    def update(self, frame: int | None = None, **changes: Any) -> None:
        """Change some settings by name (``model.update(lr=0.5)``); see :meth:`set_settings`."""
        self.set_settings(replace(self._settings, **changes), frame=frame)

    def set_objective(self, key: str) -> None:
        """Switch curve or surface: a surface starts at its own starting point, and a race
        ends on a 1-D curve."""
        if key == self._settings.objective:
            return
        if key in SURFACES:
            x0, y0 = (SURFACES[key].start if key != "quadratic" else
                      surface_of(replace(self._settings, objective=key)).start)  # fmt: skip
            self.update(objective=key, x0=float(x0), y0=float(y0))
        else:
            self.update(objective=key, racers=())

    def set_show_derivative(self, on: bool) -> None:
        on = bool(on)
        if on != self._show_derivative:
            self._show_derivative = on
            self.notify("derivative")

    # ----- the race ------------------------------------------------------------------------
    def runners(self) -> list[tuple[RacerSettings, Trajectory]]:
        """Every runner of the race, the current (selected) run first: (settings, run)."""
        first = (as_racer(self._settings), self._trajectory)
        return [first, *zip(self._settings.racers, self._race, strict=True)]

    def set_racers(self, racers: list[RacerSettings] | tuple[RacerSettings, ...]) -> None:
        """The other runners (the current run stays the selected one)."""
        self.update(racers=tuple(racers))

    def select_runner(self, index: int) -> None:
        """Make runner ``index`` the selected run (its arithmetic, table and practice show);
        the one selected before joins the others. The frame stays."""
        if index <= 0:
            return
        runners = [as_racer(self._settings), *self._settings.racers]
        chosen = runners.pop(index)
        self.update(
            frame=self._frame,
            method=chosen.method,
            lr=chosen.lr,
            beta=chosen.beta,
            beta2=chosen.beta2,
            racers=tuple(runners),
        )

    def runner_status(self, index: int) -> str:
        """One runner's legend text: its f and distance to the nearest minimum now, or the
        step it diverged at."""
        racer, traj = self.runners()[index]
        label = RACER_LABEL.format(
            name=METHOD_SHORT_LABELS.get(racer.method, racer.method), lr=racer.lr
        )
        t = min(self._frame, traj.steps)
        x_range, y_range = self.view_ranges()
        status = classify_run(traj, upto=t, x_range=x_range, y_range=y_range)
        if status.kind == "diverged":
            when = traj.diverged_at if traj.diverged_at is not None else _far_step(traj, t)
            return f"{label}: diverged at step {when}"
        f = float(traj.fx[t]) if traj.fx is not None else math.nan
        _, dist = self.surface.nearest_minimum(traj.x[t]) if self.on_surface else (None, math.nan)
        where = f", {dist:.3g} from a minimum" if math.isfinite(dist) else ""
        return f"{label}: f = {f:.4g}{where}"

    # ----- pinned runs ---------------------------------------------------------------------
    def pin_run(self) -> PinnedRun:
        """Keep the current run for comparison."""
        used = {pin.slot for pin in self._pins}
        slot = next(k for k in range(len(used) + 1) if k not in used)
        pin = PinnedRun(self._settings, self._trajectory, slot)
        self._pins.append(pin)
        self.notify("pins")
        return pin

    def remove_pin(self, pin: PinnedRun | int) -> None:
        """Remove one pinned run (the object or its index); unknown pins are ignored."""
        if isinstance(pin, int):
            pin = self._pins[pin]
        if pin in self._pins:
            self._pins.remove(pin)
            self.notify("pins")

    def clear_pins(self) -> None:
        if self._pins:
            self._pins.clear()
            self.notify("pins")

    # ----- presets and lessons -------------------------------------------------------------
    def presets(self) -> list[str]:
        return list(PRESETS)

    def load_preset(self, name: str) -> None:
        """Switch to a preset, showing its last step; ``KeyError`` for an unknown name."""
        settings = PRESET_SETTINGS[name]
        self._settings = settings
        self._trajectory = run(settings)
        self._race = run_race(settings)
        self._frame = settings.steps
        self.notify("settings")
        self.notify("preset")

    def state(self) -> dict[str, Any]:
        return {
            "params": self._settings.to_state(),
            "frame": self._frame,
            "show_derivative": self._show_derivative,
            "pins": [pin.settings.to_state() for pin in self._pins],
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state` returned, or raise ``ValueError`` and change nothing."""
        if not isinstance(state, dict):
            raise ValueError("The gradient-descent state must be a mapping.")
        unknown = set(state) - {"params", "frame", "show_derivative", "pins"}
        if unknown:
            raise ValueError(f"Unknown gradient-descent setting(s): {', '.join(sorted(unknown))}.")
        settings = DescentSettings.from_state(state.get("params", {}))
        frame = state.get("frame", settings.steps)
        whole = isinstance(frame, int) and not isinstance(frame, bool)
        if not (whole and 0 <= frame <= settings.steps):
            raise ValueError(f"The shown step must be a whole number from 0 to {settings.steps}.")
        show = state.get("show_derivative", False)
        if not isinstance(show, bool):
            raise ValueError("show_derivative must be true or false.")
        pins_state = state.get("pins", [])
        if not isinstance(pins_state, list):
            raise ValueError("The pinned runs must be a list.")
        pin_settings = [DescentSettings.from_state(p) for p in pins_state]
        # Everything is valid: compute, then apply.
        trajectory = run(settings)
        race = run_race(settings)
        pins = [PinnedRun(s, run(s), k) for k, s in enumerate(pin_settings)]
        self._settings, self._trajectory, self._frame = settings, trajectory, frame
        self._race = race
        self._show_derivative = show
        self._pins = pins
        self.notify("settings")
        self.notify("restored")

    # ----- text for the window -------------------------------------------------------------
    def python_code(self) -> str:
        """A numpy-only script that recomputes this run (File > Export > Python code)."""
        from visualizer.tabs.descent.code_export import python_code

        return python_code(self)

    def torch_code(self) -> str:
        """The same run with torch.optim and autograd."""
        from visualizer.tabs.descent.code_export import torch_code

        return torch_code(self)

    def table_csv(self) -> str:
        """The iterate table as CSV; in a race, every runner's iterates side by side."""
        if not self._settings.racers:
            return self.iterates().csv()
        return race_csv(self.runners())

    def worked_solution_markdown(self) -> str:
        """Every step of the current run worked out, with the rule and the settings."""
        s = self._settings
        preset = self.preset()
        title = preset.label if preset is not None else "Gradient descent"
        if self.on_surface:
            formula = f"Surface: {self.surface.formula}"
        else:
            formula = f"Curve: {self.objective.formula}"
        lines = [f"# {title}", "", formula, ""]
        lines.append(f"Method: {METHOD_LABELS.get(s.method, s.method)}")
        lines.extend(["", "```", METHOD_RULES.get(s.method, ""), "```", ""])
        start = f"({s.x0:g}, {s.y0:g})" if s.on_surface else f"{s.x0:g}"
        numbers = f"lr = {s.lr:g}, x0 = {start}, steps = {s.steps}"
        if s.method in MOMENTUM_METHODS:
            numbers += f", β = {s.beta:g}"
        if s.method in BETA2_METHODS:
            numbers += f", β2 = {s.beta2:g}"
        if s.method in SECOND_MOMENT_METHODS:
            numbers += f", ε = {s.eps:g}"
        lines.extend([numbers, ""])
        block: list[str] = []
        for text in worked_solution(self._trajectory, self.f_name):
            if text == "":
                if block:
                    lines.extend(["```", *block, "```", ""])
                block = []
            else:
                block.append(text)
        if block:
            lines.extend(["```", *block, "```", ""])
        x_range, y_range = self.view_ranges()
        status = classify_run(self._trajectory, x_range=x_range, y_range=y_range)
        lines.append(f"**Status:** {status.message}")
        return "\n".join(lines) + "\n"
