"""What practice mode asks of the convolution model, without Qt: the questions, which values
they hide, judging an answer (a wrong cell pins that cell) and showing a generated exercise.

Mixed into :class:`~visualizer.tabs.conv.model.ConvModel`. What is asked, in which order, lives
in ``practice_questions.py``, imported inside the methods: a lesson on the sheet's plain grids
with practice off never loads it (tests/test_conv_model.py). This module itself imports only
what the model loads anyway.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from visualizer.tabs.conv.settings import CUSTOM_KERNEL, read_changes

if TYPE_CHECKING:
    from visualizer.exercises import Exercise
    from visualizer.practice import Practice, Question
    from visualizer.tabs.conv.settings import ConvSettings, Focus


class PracticeMixin:
    """Practice mode's questions and answers; mixed into ``ConvModel`` (which provides
    ``_settings``, ``_focus``, ``_focus_channel``, ``_preset``, ``_apply`` and ``pin``, and,
    through ``TopicModel``, ``practice``, ``current_question`` and ``answer``)."""

    # (pinned cell and exercise they were built for, the questions, their keys); None
    # until first asked and again after every new result.
    _questions: tuple[Any, list[Question], frozenset[str]] | None

    if TYPE_CHECKING:
        practice: Practice
        _settings: ConvSettings
        _focus: Focus
        _focus_channel: int
        _preset: str

        def _apply(
            self, settings: ConvSettings, focus: Focus, frame: int, name: str, channel: int = 0
        ) -> None: ...

        def pin(self, kind: str, row: int, col: int, channel: int = 0) -> None: ...

        def current_question(self) -> Question | None: ...

    def practice_questions(self) -> list[Question]:
        """The output size, then the clicked output cell and the others, then pooled cells."""
        from visualizer.tabs.conv import practice_questions

        # Built once per result, pinned cell and exercise: views ask for every cell.
        # (Reset to None whenever the result changes.)
        stamp = (self._focus, self._focus_channel, self.practice.code)
        if self._questions is None or self._questions[0] != stamp:
            questions = practice_questions.practice_questions(self)
            self._questions = (stamp, questions, frozenset(q.key for q in questions))
        return self._questions[1]

    def answer(self, text: str) -> None:
        """Judge ``text``; a wrong answer about a cell pins that cell, so the line under the
        grids writes out its window and its sum (the verdict has room for one line only)."""
        asked = self.current_question()
        super().answer(text)  # TopicModel's: it comes after this mixin in ConvModel's bases
        last = self.practice.last
        if asked is not None and last is not None and last.key == asked.key:
            if last.verdict.graded and not last.verdict.correct:
                from visualizer.tabs.conv.practice_questions import cell_of_key

                cell = cell_of_key(asked.key)
                if cell is not None:
                    self.pin(cell[0], cell[1], cell[2], channel=cell[3])

    def is_hidden(self, key: str) -> bool:
        """Practice hides this value (``"size"``, ``"out:r,c"``, ``"pool:r,c"``, ``"solve"``):
        it is asked and not answered or revealed yet."""
        if not self.practice.on or not self.practice.is_hidden(key):
            return False
        self.practice_questions()
        assert self._questions is not None
        return key in self._questions[2]

    def load_exercise(self, exercise: Exercise) -> None:
        """Show a generated conv exercise: its grids (or solver question) and its cell pinned."""
        from visualizer.tabs.conv import practice_questions

        changes, focus = practice_questions.exercise_settings(exercise)
        read = read_changes(changes)
        if "kernel" in read:
            read["kernel_preset"] = CUSTOM_KERNEL
        settings = replace(self._settings, **read)
        self._apply(settings, focus, -1, self._preset)
