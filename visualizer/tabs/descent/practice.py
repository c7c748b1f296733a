"""What practice mode asks in the descent topic, without Qt: the next step's values, the
answer that plays the step, the worked step opened with the student's number beside the
right one, and a generated exercise shown from its start.

Mixed into :class:`~visualizer.tabs.descent.model.DescentModel`. It imports only what the model
loads anyway (the practice questions and the worked step's words), so a lesson that opens on
the descent tab loads nothing more for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.compute.descent_text import worked_step
from visualizer.practice import REVEALED, RIGHT, WRONG, Question, question
from visualizer.tabs.descent.presets import FIRST_PRESET, PRESET_SETTINGS
from visualizer.tabs.descent.runs import DescentSettings

if TYPE_CHECKING:
    from visualizer.compute.descent import Trajectory
    from visualizer.exercises import Exercise
    from visualizer.practice import Practice

#: Methods whose practice asks for the velocity before the iterate (the sheet's momentum and
#: PyTorch's); Adam's moments are left to the worked step.
ASKED_VELOCITY = frozenset({"momentum", "heavy_ball", "nesterov"})
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _subscript(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)


class PracticeMixin:
    """Practice mode's questions and answers; mixed into ``DescentModel`` (which provides
    ``practice``, ``_trajectory``, ``_frame``, ``f_name``, ``worked_step``, ``set_settings``
    and ``set_frame``, and, through ``TopicModel``, ``answer`` and ``notify``)."""

    if TYPE_CHECKING:
        practice: Practice
        _trajectory: Trajectory
        _frame: int

        @property
        def f_name(self) -> str: ...

        def worked_step(self) -> list[str]: ...

        def current_question(self) -> Question | None: ...

        def set_settings(self, settings: DescentSettings, *, frame: int | None = None) -> None: ...

        def set_frame(self, frame: int) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        #: What the student typed for values answered wrong (shown beside the right ones).
        self._typed: dict[str, str] = {}

    def notify(self, what: str) -> None:
        # new settings ask afresh: nothing typed before belongs to the new run
        if what == "settings":
            self._typed.clear()
        super().notify(what)  # (TopicModel's: it comes after the mixin)

    def shown_worked_step(self) -> list[str]:
        """What the worked-step view shows now.

        Usually the step that produced the current iterate. In practice mode, once the next
        step's value was answered wrong or revealed, that next step worked out, with the
        student's number beside the right one.
        """
        if not self.practice.on:
            return self.worked_step()  # (asking practice's questions costs a worked step)
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

    def practice_horizon(self) -> int | None:
        """The last step whose values are on screen in practice mode (None: all shown)."""
        return self._frame if self.practice.on else None

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
        super().answer(text)  # (TopicModel's: it comes after the mixin)
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
