"""The Qt-free half of every topic: state, frame, presets and lesson format, with listeners.

A topic's model (``visualizer/tabs/<topic>/model.py``) inherits :class:`TopicModel`. It holds
everything a lesson saves and everything the views show, computes the whole result once per
settings change (through ``visualizer.compute``) and tells its listeners what changed. The
views subscribe and redraw; the play timer only calls ``set_frame``. Nothing here imports Qt,
so practice mode, worksheets, scripts and tests use a topic without a window.

Listeners get one word saying what changed:

``"settings"``
    the settings (and so the computed result) changed; views redraw everything.
``"frame"``
    only the current frame moved; views redraw what depends on it.
Topics may add their own words (``"pins"``, ``"hover"``...) and document them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from visualizer.observable import Listener, Observable
from visualizer.practice import Practice

if TYPE_CHECKING:
    from visualizer.exercises import Exercise
    from visualizer.practice import Question

__all__ = ["Listener", "TopicModel"]


class TopicModel(Observable):
    """Base of the four topic models: listeners, the current frame and the lesson contract.

    Subclasses set ``key`` and implement ``frame_count``, ``presets``, ``load_preset``,
    ``state`` and ``restore_state``. ``restore_state`` validates everything first and raises
    ``ValueError`` with one sentence, leaving the model untouched, on bad data.
    """

    key: ClassVar[str] = ""
    #: Listener words after which practice asks again (the questions depend on them).
    practice_words: ClassVar[frozenset[str]] = frozenset({"settings", "frame"})

    def __init__(self) -> None:
        super().__init__()
        self._frame = 0
        #: Practice mode of this topic (on/off, answers, score, the generated exercise shown).
        self.practice = Practice()

    def notify(self, what: str) -> None:
        """Tell every listener that ``what`` changed; new settings ask practice afresh."""
        if what == "settings":
            self.practice.clear_answers()
        super().notify(what)

    # ----- frames --------------------------------------------------------------------------
    def frame_count(self) -> int:
        """How many frames the current result has (at least 1)."""
        return 1

    @property
    def frame(self) -> int:
        return self._frame

    def set_frame(self, frame: int) -> None:
        """Show frame ``frame`` (clamped to the result); listeners hear ``"frame"``."""
        frame = min(max(int(frame), 0), self.frame_count() - 1)
        if frame != self._frame:
            self._frame = frame
            self.notify("frame")

    def advance(self) -> None:
        """One frame forward (stays on the last frame)."""
        self.set_frame(self._frame + 1)

    def reset(self) -> None:
        """Back to the first frame."""
        self.set_frame(0)

    def _clamp_frame(self) -> None:
        """Keep the frame inside a new result (call after the result changed)."""
        self._frame = min(max(self._frame, 0), self.frame_count() - 1)

    # ----- presets and lessons -------------------------------------------------------------
    def presets(self) -> list[str]:
        """Names of the presets this topic offers (exercise presets first)."""
        return []

    def load_preset(self, name: str) -> None:
        """Switch to a preset by name; ``KeyError`` for an unknown one."""
        raise KeyError(name)

    def state(self) -> dict[str, Any]:
        """The complete saveable state as JSON-ready data (the lesson format's tab object)."""
        return {}

    def restore_state(self, state: dict[str, Any]) -> None:
        """Restore what ``state()`` returned, or raise ``ValueError`` and change nothing."""
        if not isinstance(state, dict):
            raise ValueError("The saved settings must be a mapping of names to values.")

    # ----- exports (plain text, so scripts and worksheets use them without a window) ---------
    def table_csv(self) -> str:
        """The topic's main table as CSV text (header row first); "" if it has none."""
        return ""

    def worked_solution_markdown(self) -> str:
        """The worked solution of the current settings as Markdown; "" if it has none."""
        return ""

    def python_code(self) -> str:
        """A standalone numpy script that recomputes what the tab shows; "" if none."""
        return ""

    def torch_code(self) -> str:
        """The same with PyTorch; "" where the topic offers none."""
        return ""

    # ----- practice mode -------------------------------------------------------------------
    def practice_questions(self) -> list[Question]:
        """What practice asks about the current state and frame, in the order it asks.

        The first question without an answer is the one on screen; views hide the value of
        every question that ``practice.is_hidden(key)``.
        """
        return []

    def current_question(self) -> Question | None:
        """The question the answer box asks now (None when practice is off or all are done)."""
        return self.practice.pending(self.practice_questions())

    def answer(self, text: str) -> None:
        """Judge ``text`` as the answer to the current question (never raises).

        Subclasses that act on an answer (descent plays the step after a right one) extend
        this and call ``super().answer(text)`` first.
        """
        asked = self.current_question()
        if asked is not None:
            self.practice.submit(asked, text)

    def reveal_answer(self) -> None:
        """Show the current question's answer and its working."""
        asked = self.current_question()
        if asked is not None:
            self.practice.reveal(asked)

    def load_exercise(self, exercise: Exercise) -> None:
        """Show a generated exercise of this topic; ``ValueError`` if this tab cannot show it."""
        raise ValueError(f"The {self.key} tab cannot show {exercise.kind} exercises.")

    def new_exercise(self, seed: int) -> Exercise:
        """Load the first exercise generated from ``seed`` that this tab can show."""
        from visualizer.exercises import generate

        for exercise in generate(self.key, seed, count=12):
            try:
                self.load_exercise(exercise)
            except ValueError:
                continue
            self.practice.set_code(exercise.code)
            return exercise
        raise ValueError(f"No exercise of seed {seed} fits the {self.key} tab.")
