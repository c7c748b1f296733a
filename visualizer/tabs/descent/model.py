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
    DescentPreset,
    DescentStatus,
    Objective,
    Trajectory,
    classify_run,
    run_descent,
    worked_solution,
    worked_step,
)
from visualizer.compute.descent import MAX_STEPS
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
#: Methods whose practice asks for the velocity before the iterate (the sheet's momentum and
#: PyTorch's); Adam's moments are left to the worked step.
ASKED_VELOCITY = frozenset({"momentum", "heavy_ball", "nesterov"})
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _subscript(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)


#: What the number fields accept as typed, (minimum, maximum); the readers below accept at
#: least this. x0 stays far from the float limit so f(x0) can still be evaluated.
FIELD_RANGES: dict[str, tuple[float | None, float | None]] = {
    "lr": (0.0, None),
    "beta": (0.0, 0.9999),
    "beta2": (0.0, 0.999999),
    "x0": (-1e300, 1e300),
    "steps": (0, MAX_STEPS),
}


@dataclass(frozen=True)
class DescentSettings(Settings):
    """Everything that defines one run, as a lesson saves it (its ``"params"`` object)."""

    topic_name: ClassVar[str] = "descent"

    objective: str = setting("gelu", read_choice(tuple(OBJECTIVES)))
    method: str = setting("gd", read_choice(METHODS))
    lr: float = setting(0.1, read_float(0.0))
    x0: float = setting(0.0, read_float())
    steps: int = setting(3, read_int(0, MAX_STEPS))
    beta: float = setting(0.9, read_float(0.0, below=1.0))
    beta2: float = setting(0.999, read_float(0.0, below=1.0))
    eps: float = setting(1e-8, read_float(above=0.0))

    def to_params(self) -> DescentParams:
        """Compute's input for this run."""
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


PRESET_SETTINGS: dict[str, DescentSettings] = {
    name: DescentSettings.from_params(preset.params) for name, preset in DESCENT_PRESETS.items()
}


def run_label(settings: DescentSettings) -> str:
    """A run described in a few words, for legends and the pinned list."""
    name = METHOD_SHORT_LABELS.get(settings.method, settings.method)
    text = f"{name}, lr {settings.lr:g}, x0 {settings.x0:g}"
    if settings.method in MOMENTUM_METHODS:
        text += f", β {settings.beta:g}"
    if settings.method in BETA2_METHODS:
        text += f", β2 {settings.beta2:g}"
    return text


@dataclass(eq=False)
class PinnedRun:
    """A run kept on screen for comparison (compared by identity: two pins may be equal)."""

    settings: DescentSettings
    trajectory: Trajectory
    #: Which pin colour it gets: the lowest slot no other pin uses.
    slot: int

    def label(self) -> str:
        """The curve's name and the run in words, for the list of pinned runs."""
        curve = OBJECTIVES[self.settings.objective].label.split(":")[0]
        return f"{curve}: {run_label(self.settings)}"


class DescentModel(TopicModel):
    """Settings -> run (computed once) -> the step shown; pinned runs; the f'(x) overlay."""

    key: ClassVar[str] = "descent"

    def __init__(self) -> None:
        super().__init__()
        self._settings = PRESET_SETTINGS[FIRST_PRESET]
        self._trajectory = run_descent(self._settings.to_params())
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

    def preset(self) -> DescentPreset | None:
        """The preset these settings are exactly, if any."""
        for name, settings in PRESET_SETTINGS.items():
            if settings == self._settings:
                return DESCENT_PRESETS[name]
        return None

    def status(self) -> DescentStatus:
        """What the run is doing up to the current step, in plain words."""
        return classify_run(self._trajectory, upto=self._frame, x_range=self.objective.x_range)

    def worked_step(self) -> list[str]:
        """The update that produced the current iterate, with the numbers put in."""
        return worked_step(self._trajectory, self._frame, self.objective.short)

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
        lines = worked_step(self._trajectory, self._frame + 1, self.objective.short)
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
        solution = worked_step(traj, nxt, self.objective.short)
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
        return iterate_columns(self._trajectory, self.objective.short)

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
        trajectory = run_descent(settings.to_params())
        self._settings, self._trajectory = settings, trajectory
        if frame is not None:
            self._frame = int(frame)
        self._clamp_frame()
        self.notify("settings")

    def update(self, frame: int | None = None, **changes: Any) -> None:
        """Change some settings by name (``model.update(lr=0.5)``); see :meth:`set_settings`."""
        self.set_settings(replace(self._settings, **changes), frame=frame)

    def set_show_derivative(self, on: bool) -> None:
        on = bool(on)
        if on != self._show_derivative:
            self._show_derivative = on
            self.notify("derivative")

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
        return list(DESCENT_PRESETS)

    def load_preset(self, name: str) -> None:
        """Switch to a preset, showing its last step; ``KeyError`` for an unknown name."""
        settings = PRESET_SETTINGS[name]
        self._settings = settings
        self._trajectory = run_descent(settings.to_params())
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
        trajectory = run_descent(settings.to_params())
        pins = [PinnedRun(s, run_descent(s.to_params()), k) for k, s in enumerate(pin_settings)]
        self._settings, self._trajectory, self._frame = settings, trajectory, frame
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
        return self.iterates().csv()

    def worked_solution_markdown(self) -> str:
        """Every step of the current run worked out, with the rule and the settings."""
        s = self._settings
        obj = self.objective
        preset = self.preset()
        title = preset.label if preset is not None else "Gradient descent"
        lines = [f"# {title}", "", f"Curve: {obj.formula}", ""]
        lines.append(f"Method: {METHOD_LABELS.get(s.method, s.method)}")
        lines.extend(["", "```", METHOD_RULES.get(s.method, ""), "```", ""])
        numbers = f"lr = {s.lr:g}, x0 = {s.x0:g}, steps = {s.steps}"
        if s.method in MOMENTUM_METHODS:
            numbers += f", β = {s.beta:g}"
        if s.method in BETA2_METHODS:
            numbers += f", β2 = {s.beta2:g}"
        if s.method in SECOND_MOMENT_METHODS:
            numbers += f", ε = {s.eps:g}"
        lines.extend([numbers, ""])
        block: list[str] = []
        for text in worked_solution(self._trajectory, obj.short):
            if text == "":
                if block:
                    lines.extend(["```", *block, "```", ""])
                block = []
            else:
                block.append(text)
        if block:
            lines.extend(["```", *block, "```", ""])
        status = classify_run(self._trajectory, x_range=obj.x_range)
        lines.append(f"**Status:** {status.message}")
        return "\n".join(lines) + "\n"
