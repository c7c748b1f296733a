"""Practice mode without Qt: what a topic asks, what the student answered, and the score.

Every topic model owns one :class:`Practice`. The model says what it would ask for its
current state (``TopicModel.practice_questions()``: an ordered list of :class:`Question`);
practice keeps which of them were answered right, wrong or revealed, the score and the code
of the generated exercise on screen. Answers are judged by the exercise engine's ``check``,
so a tab's answer box accepts exactly what a worksheet's key accepts (``−0.1376``,
``-1.376e-1``, ``1×3``, ``4/3``...). Views hide a value while ``is_hidden(key)`` says so.

Listeners (the same plain callables as a topic model's) hear ``"practice"`` after every
change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from visualizer.observable import Observable

if TYPE_CHECKING:
    from visualizer.exercises import Exercise, Verdict

# The exercise engine loads when practice is first used, not at start-up.
EXACT = "exact"
THREE_DIGITS = "3 significant digits"

RIGHT = "right"
WRONG = "wrong"
REVEALED = "revealed"
OUTCOMES = (RIGHT, WRONG, REVEALED)


@dataclass(frozen=True)
class Question:
    """One value the student works out before the app shows it.

    Attributes
    ----------
    key
        What is asked, stable while the state does not change (``"x3"``, ``"shape:W1"``,
        ``"out:1,2"``); views ask ``Practice.is_hidden(key)``.
    label
        The words in front of the answer box (``"x₃ ="``).
    exercise
        Kind, answer, tolerance and worked solution, judged by the engine's ``check``.
    """

    key: str
    label: str
    exercise: Exercise

    @property
    def tolerance(self) -> str:
        """How close an answer must be, in the words the box shows."""
        return _TOLERANCE_WORDS.get(self.exercise.tolerance, self.exercise.tolerance)

    @property
    def answer_text(self) -> str:
        return self.exercise.answer_text


_TOLERANCE_WORDS = {
    EXACT: "exact answer",
    THREE_DIGITS: "to 3 significant digits",
}


def question(
    key: str,
    label: str,
    *,
    topic: str,
    kind: str,
    answer: Any,
    solution: list[str] | tuple[str, ...] = (),
    exact: bool = False,
    prompt: str = "",
) -> Question:
    """A question about a value on screen, checked like a generated exercise of ``kind``.

    ``kind`` says how an answer is read: ``"number"``, ``"vector"`` (several numbers),
    ``"shape"`` (``1×3``), ``"size"`` (a whole output size), ``"bit"`` (0 or 1), or any
    kind of the exercise engine; ``exact`` picks the tolerance.
    """
    from visualizer.exercises import Exercise

    exercise = Exercise(
        code="",
        topic=topic,
        kind=kind,
        prompt=prompt or label,
        data={},
        answer=answer,
        tolerance=EXACT if exact else THREE_DIGITS,
        solution=list(solution),
        call=None,
    )
    return Question(key, label, exercise)


@dataclass(frozen=True)
class Attempt:
    """The last answer typed: to which question, what, and the verdict."""

    key: str
    text: str
    verdict: Verdict


class Practice(Observable):
    """Practice mode of one topic: on or off, outcomes per question, score, exercise code."""

    #: Keys of the saved state (inside a lesson's ``"practice"`` object).
    STATE_KEYS: ClassVar[tuple[str, ...]] = ("right", "asked", "code")

    def __init__(self) -> None:
        super().__init__()
        self.on = False
        self.right = 0
        self.asked = 0
        self.code = ""
        self._outcomes: dict[str, str] = {}
        self.last: Attempt | None = None

    # ----- switching ------------------------------------------------------------------------
    def set_on(self, on: bool) -> None:
        on = bool(on)
        if on != self.on:
            self.on = on
            self.last = None
            self.notify("practice")

    def set_code(self, code: str) -> None:
        """The generated exercise now on screen ("" for the tab's own settings)."""
        self.code = code
        self.clear_answers()

    def clear_answers(self) -> None:
        """Forget which questions were answered (the state changed); the score stays."""
        self._outcomes.clear()
        self.last = None
        self.notify("practice")

    # ----- asking ---------------------------------------------------------------------------
    def outcome(self, key: str) -> str | None:
        """``"right"``, ``"wrong"``, ``"revealed"`` or None (not answered yet)."""
        return self._outcomes.get(key)

    def is_hidden(self, key: str) -> bool:
        """True while practice is on and the value ``key`` has not been answered or revealed."""
        return self.on and key not in self._outcomes

    def pending(self, questions: list[Question]) -> Question | None:
        """The first of ``questions`` not answered yet (what the box asks now)."""
        if not self.on:
            return None
        for candidate in questions:
            if candidate.key not in self._outcomes:
                return candidate
        return None

    def submit(self, asked: Question, text: str) -> Verdict:
        """Judge ``text`` as the answer to ``asked``; never raises.

        A graded answer counts in the score and shows the value (right: the student's
        number was right; wrong: the worked step is shown beside it). Text that cannot be
        read leaves everything as it was except the message.
        """
        from visualizer.exercises import check

        verdict = check(asked.exercise, text if isinstance(text, str) else "")
        if verdict.graded:
            self.asked += 1
            self.right += int(verdict.correct)
            self._outcomes[asked.key] = RIGHT if verdict.correct else WRONG
        self.last = Attempt(asked.key, text if isinstance(text, str) else "", verdict)
        self.notify("practice")
        return verdict

    def reveal(self, asked: Question) -> None:
        """Show the answer of ``asked`` without a try (counts as asked, not right)."""
        if asked.key in self._outcomes:
            return
        self.asked += 1
        self._outcomes[asked.key] = REVEALED
        self.last = None
        self.notify("practice")

    def score_text(self) -> str:
        """``"7 of 9 right"`` (``"no answers yet"`` before the first)."""
        if self.asked == 0:
            return "no answers yet"
        return f"{self.right} of {self.asked} right"

    def reset_score(self) -> None:
        self.right = self.asked = 0
        self.notify("practice")

    # ----- lessons --------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {"right": self.right, "asked": self.asked, "code": self.code}

    def restore_state(self, state: Any) -> None:
        """Restore ``state()``; ``ValueError`` with one sentence (nothing changed) on bad data."""
        if not isinstance(state, dict) or set(state) - set(self.STATE_KEYS):
            raise ValueError("The practice score must hold only right, asked and code.")
        right, asked = state.get("right", 0), state.get("asked", 0)
        code = state.get("code", "")
        for value in (right, asked):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("A practice score counts answers with whole numbers from 0.")
        if right > asked:
            raise ValueError("A practice score cannot have more right answers than answers.")
        if not isinstance(code, str) or len(code) > 60:
            raise ValueError("The practice exercise code must be short text.")
        if code:
            from visualizer.exercises import from_code

            from_code(code)  # refuses a malformed or unknown code with one sentence
        self.right, self.asked, self.code = right, asked, code
        self._outcomes.clear()
        self.last = None
        self.notify("practice")
