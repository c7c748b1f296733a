"""The contract every topic tab fulfils, so the main window can treat them alike.

A tab is the Qt half of a topic: it is built from the topic's :class:`TopicModel`, builds
the views, wires them to the model and re-renders when the model says something changed.
The window (menus, keyboard shortcuts, lesson files, export, presentation mode) only ever
talks to a tab through the methods below; lesson state and presets go straight to the model,
so a tab that was never shown still saves and restores its lesson.
"""

from __future__ import annotations

import random
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSignalBlocker, Signal
from PySide6.QtWidgets import QWidget

from visualizer.tabs.topic_model import TopicModel
from visualizer.widgets.answer_box import AnswerBox
from visualizer.widgets.picture_layout import PictureLayout
from visualizer.widgets.play_controls import PlayControls

#: New exercises come from seeds below this, so their codes stay short (conv-42-3).
EXERCISE_SEEDS = 1000


class TopicTab(QWidget):
    """Base class of the four topic tabs.

    Subclasses set ``key`` and ``title``, call ``super().__init__(model)``, build their views,
    then call :meth:`finish_build`. Fonts, pens and marker sizes are set in one place,
    :meth:`apply_styles`, which runs after the build, when the font or palette changes (the
    window zooms by changing the application font) and when presentation mode toggles.
    """

    key: str = ""
    title: str = ""

    #: A short plain-words message for the main window's status bar.
    statusMessage = Signal(str)
    #: Emitted whenever the tab's saveable state changes (for "unsaved changes" tracking).
    stateChanged = Signal()

    def __init__(self, model: TopicModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model if model is not None else TopicModel()
        self._presentation = False
        self._built = False
        #: A tab with an animation sets this (through bind_play_controls) to its transport bar.
        self.play_controls: PlayControls | None = None
        #: The practice bar, once the tab placed it (``build_practice_bar``).
        self.answer_box: AnswerBox | None = None
        self._asked_key: str | None = None

    def finish_build(self) -> None:
        """Call at the end of the subclass's ``__init__``: styles apply from now on."""
        self._built = True
        self.apply_styles()

    def is_built(self) -> bool:
        return self._built

    # ----- styles and presentation ---------------------------------------------------------
    def apply_styles(self) -> None:
        """Set fonts, pens and marker sizes from ``self.font()`` and ``is_presentation()``."""

    def is_presentation(self) -> bool:
        return self._presentation

    def set_presentation(self, on: bool) -> None:
        """Presentation is a layout: side panels collapse, the picture and its sentence grow.

        Thicker lines, bigger markers and fonts come from ``apply_styles``; leaving
        presentation puts the panels back as the teacher had them.
        """
        self._presentation = bool(on)
        for layout in self.picture_layouts():
            layout.set_presentation(self._presentation)
        if self._built:
            self.apply_styles()

    # ----- layout ----------------------------------------------------------------------------
    def picture_layouts(self) -> list[PictureLayout]:
        """The tab's picture-and-side-panel splitters (usually one)."""
        return self.findChildren(PictureLayout)

    def toggle_side_panel(self) -> None:
        """Collapse the side panel, or bring it back (View > Side panel, Ctrl+B)."""
        layouts = self.picture_layouts()
        collapse = not all(layout.is_side_collapsed() for layout in layouts)
        for layout in layouts:
            layout.set_side_collapsed(collapse)

    def layout_state(self) -> list[bytes]:
        """Splitter sizes to remember between runs."""
        return [bytes(layout.layout_state().data()) for layout in self.picture_layouts()]

    def restore_layout_state(self, states: list[bytes]) -> None:
        for layout, state in zip(self.picture_layouts(), states, strict=False):
            layout.restore_layout_state(QByteArray(state))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._built and event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.apply_styles()

    # ----- presets and lesson files (the model's) ------------------------------------------
    def presets(self) -> list[str]:
        """Names of the presets this tab offers (exercise presets first)."""
        return self.model.presets()

    def load_preset(self, name: str) -> None:
        """Switch to a preset by name; raise ``KeyError`` for an unknown one."""
        self.model.load_preset(name)

    def state(self) -> dict[str, Any]:
        """The complete user-visible state as JSON-serialisable data."""
        return self.model.state()

    def restore_state(self, state: dict[str, Any]) -> None:
        """Restore what ``state()`` returned, or raise ``ValueError`` and change nothing."""
        self.model.restore_state(state)

    # ----- animation (Space / Left / Right / Home from the window) -------------------------
    def bind_play_controls(self, controls: PlayControls) -> None:
        """Make ``controls`` this tab's transport bar, bound both ways to the model's frame."""
        self.play_controls = controls
        controls.frameChanged.connect(self.model.set_frame)

        def show(_what: str) -> None:
            with QSignalBlocker(controls):
                controls.set_n_frames(self.model.frame_count())
                controls.set_frame(self.model.frame)

        self.model.subscribe(show)
        show("settings")

    def has_animation(self) -> bool:
        return self.play_controls is not None

    def toggle_play(self) -> None:
        """Start or pause this tab's animation."""
        if self.play_controls is not None:
            self.play_controls.toggle_play()

    def step_forward(self) -> None:
        """Advance the animation by one frame."""
        if self.play_controls is not None:
            self.play_controls.step_forward()

    def step_back(self) -> None:
        """Go back one frame."""
        if self.play_controls is not None:
            self.play_controls.step_back()

    def rewind(self) -> None:
        """Go to the first frame (and stop playing)."""
        if self.play_controls is not None:
            self.play_controls.rewind()

    def advance(self) -> None:
        """One frame forward, as the play timer does."""
        self.model.advance()

    def reset(self) -> None:
        """Back to the first frame."""
        self.model.reset()

    def set_frame(self, frame: int) -> None:
        self.model.set_frame(frame)

    # ----- practice mode -------------------------------------------------------------------
    def build_practice_bar(self) -> AnswerBox:
        """The tab's practice bar, wired to the model; the tab puts it next to what is asked.

        Hidden while practice is off. It asks the model's current question, hands typed
        answers and Reveal to the model and shows the verdict and the score.
        """
        box = AnswerBox()
        box.submitted.connect(self.model.answer)
        box.revealRequested.connect(self.model.reveal_answer)
        box.newExerciseRequested.connect(self.new_exercise)
        self.answer_box = box
        self.model.practice.subscribe(self._on_model_practice_changed)
        self.model.subscribe(self._on_model_practice_changed)
        self._show_practice()
        return box

    def set_practice(self, on: bool) -> None:
        """Practice mode on or off for this topic."""
        self.model.practice.set_on(on)

    def new_exercise(self, seed: int | None = None) -> str:
        """Load a freshly generated exercise (a random seed unless given); returns its code."""
        if seed is None:
            seed = random.randrange(EXERCISE_SEEDS)
        try:
            exercise = self.model.new_exercise(seed)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            return ""
        self.statusMessage.emit(f"Exercise {exercise.code}")
        return exercise.code

    def _on_model_practice_changed(self, what: str) -> None:
        if what == "practice" or what in self.model.practice_words:
            self._show_practice()

    def _show_practice(self) -> None:
        box = self.answer_box
        if box is None:
            return
        practice = self.model.practice
        box.setVisible(practice.on)
        if not practice.on:
            self._asked_key = None
            return
        box.set_score(practice.score_text())
        box.set_code(practice.code)
        asked = self.model.current_question()
        if asked is None:
            self._asked_key = None
            box.finish("Nothing left to work out here: step on, or press New exercise.")
        elif asked.key != self._asked_key:
            self._asked_key = asked.key
            box.ask(asked.label, asked.tolerance)
        last = practice.last
        if last is not None:
            box.show_verdict(
                last.verdict.correct if last.verdict.graded else None,
                self._verdict_text(last.key, last.text, last.verdict.correct, last.verdict),
            )

    def _verdict_text(self, key: str, text: str, correct: bool, verdict: Any) -> str:
        if correct or not verdict.graded:
            return verdict.message
        answered = next((q for q in self._answered_questions() if q.key == key), None)
        if answered is None:
            return verdict.message
        working = " ".join(answered.exercise.solution[-2:])
        return f"{verdict.message} You wrote {text.strip()}; it is {answered.answer_text}." + (
            f" {working}" if working else ""
        )

    def _answered_questions(self) -> list[Any]:
        return self.model.practice_questions()

    def practice_score(self) -> str:
        """The score line as the practice bar shows it (read method for tests)."""
        return self.model.practice.score_text()

    # ----- views ---------------------------------------------------------------------------
    def main_view(self) -> QWidget:
        """The widget that shows the picture this tab exists for (for tests and measuring)."""
        return self

    def lockable_controls(self) -> dict[str, QWidget]:
        """Controls a locked lesson may hide or disable: stable name -> widget."""
        return {}

    def export_widget(self) -> QWidget:
        """The widget that "Export view" renders (defaults to the whole tab)."""
        return self

    def table_csv(self) -> str:
        """The tab's main table as CSV text (header row first); empty if it has none."""
        return self.model.table_csv()

    def worked_solution_markdown(self) -> str:
        """The worked solution of the current preset or settings as Markdown."""
        return self.model.worked_solution_markdown()
