"""Gradient descent without Qt: the run, the step shown, the race, the pins, the (lr, β) map.

:class:`DescentSettings` (read from and written to a lesson, every check in its readers, see
:mod:`.runs`) -> :func:`run` (the whole run and every racer's, computed once per settings
change) -> the frame the views show. Views subscribe and redraw; the play timer only calls
``set_frame``.

Listener words, besides TopicModel's ``"settings"`` and ``"frame"``:

``"pins"``
    a run was pinned or unpinned.
``"derivative"``
    the f'(x) overlay was switched on or off.
``"map"``
    the (lr, β) map was shown, hidden or switched to its other form.
``"preset"``
    a preset was just loaded (after ``"settings"``): views open the preset's own view.
``"restored"``
    a saved state was just restored (after ``"settings"``): pins and overlay may differ too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from visualizer.compute.descent import OBJECTIVES, DescentParams, Objective, Trajectory
from visualizer.compute.descent_text import DescentStatus, classify_run, worked_step
from visualizer.compute.surfaces import SURFACES, Surface
from visualizer.tabs.descent import race
from visualizer.tabs.descent import rate_map as maps
from visualizer.tabs.descent.iterates import IterateColumns, iterate_columns
from visualizer.tabs.descent.practice import PracticeMixin
from visualizer.tabs.descent.presets import FIRST_PRESET, PRESET_SETTINGS, PRESETS, Preset
from visualizer.tabs.descent.race import race_csv, runner_name
from visualizer.tabs.descent.runs import (
    ANGLE_RANGE,
    FIELD_RANGES,
    KAPPA_RANGE,
    MAX_RACERS,
    SURFACE_KEYS,
    DescentSettings,
    RacerSettings,
    as_racer,
    curve_label,
    racer_settings,
    run,
    run_label,
    run_race,
    surface_of,
)
from visualizer.tabs.topic_model import TopicModel

# (the settings, presets and labels live in their own modules; views and tests import them
# from here too)
__all__ = [
    "ANGLE_RANGE",
    "FIELD_RANGES",
    "FIRST_PRESET",
    "KAPPA_RANGE",
    "MAX_RACERS",
    "PRESETS",
    "PRESET_SETTINGS",
    "SURFACE_KEYS",
    "DescentModel",
    "DescentSettings",
    "PinnedRun",
    "Preset",
    "RacerSettings",
    "curve_label",
    "racer_settings",
    "run",
    "run_label",
    "surface_of",
]


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


class DescentModel(PracticeMixin, TopicModel):
    """Settings -> run (computed once) -> the step shown; pinned runs; the f'(x) overlay.

    What practice mode asks and how it answers is :class:`~.practice.PracticeMixin`.
    """

    key: ClassVar[str] = "descent"

    def __init__(self) -> None:
        super().__init__()
        self._settings = PRESET_SETTINGS[FIRST_PRESET]
        self._trajectory = run(self._settings)
        self._race: list[Trajectory] = []
        self._frame = self._trajectory.steps
        self._show_derivative = False
        self._map_form: str | None = None
        #: Each runner's step of divergence (None: never), worked out when first asked.
        self._lost_steps: dict[int, int | None] = {}
        self._pins: list[PinnedRun] = []

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

    def notify(self, what: str) -> None:
        if what == "settings":
            self._lost_steps.clear()
        super().notify(what)

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
    @property
    def selected_index(self) -> int:
        """Where the selected run (the settings' own) stands among the runners."""
        return self._settings.selected

    def runners(self) -> list[tuple[RacerSettings, Trajectory]]:
        """Every runner of the race in its place: (settings, run); one runner without a race."""
        out = list(zip(self._settings.racers, self._race, strict=True))
        out.insert(self._settings.selected, (as_racer(self._settings), self._trajectory))
        return out

    def set_racers(self, racers: list[RacerSettings] | tuple[RacerSettings, ...]) -> None:
        """The other runners, after the selected run (which becomes the first)."""
        self.update(racers=tuple(racers), selected=0)

    def select_runner(self, index: int) -> None:
        """Make runner ``index`` the selected run (its arithmetic, table and practice show);
        every runner keeps its place and colour, and the frame stays."""
        if index != self._settings.selected:
            self.set_settings(race.with_selected(self._settings, index), frame=self._frame)

    def set_runner(self, index: int, racer: RacerSettings) -> None:
        """Runner ``index`` races with ``racer``'s method and numbers (``ValueError`` if
        unusable, nothing changed)."""
        self.set_settings(race.with_runner(self._settings, index, racer), frame=self._frame)

    def add_runner(self, racer: RacerSettings) -> None:
        """``racer`` joins the race (at most MAX_RACERS runners) from the same start."""
        self.set_settings(race.with_runner_added(self._settings, racer), frame=self._frame)

    def remove_runner(self, index: int) -> None:
        """Runner ``index`` leaves the race (the next one is selected if it was)."""
        self.set_settings(race.with_runner_removed(self._settings, index), frame=self._frame)

    def runner_status(self, index: int, frame: int | None = None) -> str:
        """One runner's legend text: its f and distance to the nearest minimum at ``frame``
        (default: now), or the step it diverged at."""
        racer, traj = self.runners()[index]
        label = runner_name(racer)
        t = min(self._frame if frame is None else frame, traj.steps)
        lost = self._lost_steps.get(index, -1)
        if lost == -1:
            lost = self._lost_steps[index] = self._lost_step(traj)
        if lost is not None and t >= lost:
            return f"{label}: diverged at step {lost}"
        f = float(traj.fx[t]) if traj.fx is not None else math.nan
        _, dist = self.surface.nearest_minimum(traj.x[t]) if self.on_surface else (None, math.nan)
        where = f", {dist:.2g} from min" if math.isfinite(dist) else ""
        return f"{label}: f {f:.3g}{where}"

    def _lost_step(self, traj: Trajectory) -> int | None:
        """The step at which a runner is lost, as the status line judges it: no longer finite,
        or far outside the view (computed once per run: the legend asks every frame)."""
        x_range, y_range = self.view_ranges()
        status = classify_run(traj, x_range=x_range, y_range=y_range)
        if status.kind != "diverged":
            return None
        if traj.diverged_at is not None:
            return traj.diverged_at
        # once far, a run stays lost: the first such step by bisection
        lo, hi = 0, traj.steps
        while lo < hi:
            mid = (lo + hi) // 2
            if classify_run(traj, upto=mid, x_range=x_range, y_range=y_range).kind == "diverged":
                hi = mid
            else:
                lo = mid + 1
        return lo

    # ----- the (lr, β) map -----------------------------------------------------------------
    @property
    def map_form(self) -> str | None:
        """The (lr, β) map's form ("heavy_ball" or "ema"), or None while it is hidden."""
        return self._map_form

    @property
    def map_shown(self) -> bool:
        """True while the map is asked for and the run is on the ravine (its only surface)."""
        return self._map_form is not None and self._settings.objective == "quadratic"

    def set_map_form(self, form: str | None) -> None:
        """Show the map in ``form`` ("heavy_ball", "ema") or hide it (None)."""
        if form is not None and form not in maps.MAP_FORMS:
            raise ValueError(f"Unknown map form {form!r}; choose 'heavy_ball' or 'ema'.")
        if form != self._map_form:
            self._map_form = form
            self.notify("map")

    def rate_map(self) -> maps.RateMap:
        """The map of the current ravine in the current form."""
        return maps.rate_map(self._settings.kappa, self._map_form or "heavy_ball")

    def map_point(self) -> tuple[float, float] | None:
        """Where the selected run sits on the map (lr axis, β), None for other methods."""
        s = self._settings
        return maps.map_point(s.method, s.lr, s.beta, self._map_form or "heavy_ball")

    def set_from_map(self, lr: float, beta: float) -> None:
        """A click on the map: the selected run takes that (lr, β) with the form's method
        (β = 0: plain GD); the frame stays."""
        changes = maps.settings_from_map(self._map_form or "heavy_ball", lr, beta)
        self.update(frame=self._frame, **changes)

    def snap_to_optimal(self) -> str:
        """Heavy ball's optimal lr* and β* (in the map's form) for the selected run; returns
        both rates in words."""
        form = self._map_form or "heavy_ball"
        self.update(frame=self._frame, **maps.optimal_settings(self._settings.kappa, form))
        return maps.optimal_text(self._settings.kappa, form)

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
        state = {
            "params": self._settings.to_state(),
            "frame": self._frame,
            "show_derivative": self._show_derivative,
            "pins": [pin.settings.to_state() for pin in self._pins],
        }
        if self.map_shown:
            # (only while shown on the ravine: the sheet's lessons keep exactly their keys)
            state["map"] = self._map_form
        return state

    def restore_state(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state` returned, or raise ``ValueError`` and change nothing."""
        if not isinstance(state, dict):
            raise ValueError("The gradient-descent state must be a mapping.")
        unknown = set(state) - {"params", "frame", "show_derivative", "pins", "map"}
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
        map_form = state.get("map")
        if map_form is not None and map_form not in maps.MAP_FORMS:
            raise ValueError("The map's form must be 'heavy_ball' or 'ema'.")
        # Everything is valid: compute, then apply.
        trajectory = run(settings)
        others = run_race(settings)
        pins = [PinnedRun(s, run(s), k) for k, s in enumerate(pin_settings)]
        self._settings, self._trajectory, self._frame = settings, trajectory, frame
        self._race = others
        self._show_derivative = show
        self._map_form = map_form
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
        from visualizer.tabs.descent.report import worked_solution_markdown

        return worked_solution_markdown(self)
