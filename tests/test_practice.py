"""Practice mode without Qt: questions, outcomes, score, reveal, lesson state."""

from __future__ import annotations

import pytest

from visualizer.practice import Practice, question
from visualizer.tabs.topic_model import TopicModel


class Steps(TopicModel):
    """A toy topic: x_t = 2·t; practice asks x_{t+1} and a right answer plays the step."""

    key = "descent"

    def frame_count(self) -> int:
        return 4

    def practice_questions(self):
        t = self.frame
        if t + 1 >= self.frame_count():
            return []
        return [
            question(
                f"x{t + 1}", f"x{t + 1} =", topic="descent", kind="conv_cell",
                answer=2.0 * (t + 1), exact=True, solution=[f"x{t + 1} = 2·{t + 1}"],
            )
        ]  # fmt: skip

    def answer(self, text: str) -> None:
        super().answer(text)
        last = self.practice.last
        if last is not None and last.verdict.correct:
            self.advance()


def test_off_by_default_hides_nothing():
    model = Steps()
    assert not model.practice.on
    assert model.current_question() is None
    assert not model.practice.is_hidden("x1")


def test_right_wrong_unreadable_and_reveal():
    model = Steps()
    heard: list[str] = []
    model.practice.subscribe(heard.append)
    model.practice.set_on(True)
    assert model.practice.is_hidden("x1")
    assert model.current_question().label == "x1 ="
    model.answer("2")  # right: plays the step
    assert model.frame == 1 and model.practice.outcome("x1") == "right"
    assert not model.practice.is_hidden("x1") and model.practice.is_hidden("x2")
    model.answer("five")  # unreadable: score unchanged, still asked
    assert model.practice.score_text() == "1 of 1 right"
    assert model.current_question().key == "x2"
    assert not model.practice.last.verdict.graded
    model.answer("−3.9")  # wrong (unicode minus read as a minus): shown, not played
    assert model.frame == 1 and model.practice.outcome("x2") == "wrong"
    assert model.practice.score_text() == "1 of 2 right"
    assert model.current_question() is None  # x2 is answered; the student steps on
    model.advance()
    model.reveal_answer()
    assert model.practice.outcome("x3") == "revealed"
    assert model.practice.score_text() == "1 of 3 right"
    assert "practice" in heard


def test_new_settings_ask_again_and_score_stays():
    model = Steps()
    model.practice.set_on(True)
    model.answer("2")
    model.notify("settings")
    assert model.practice.outcome("x1") is None
    assert model.practice.score_text() == "1 of 1 right"


@pytest.mark.parametrize("text", ["", "   ", "nan", "inf", "1e999", "x" * 100_000, "--1", "1/0"])
def test_garbage_never_raises_and_never_counts(text):
    model = Steps()
    model.practice.set_on(True)
    model.answer(text)
    assert model.practice.asked == 0
    assert model.practice.last.verdict.message


def test_state_round_trip_and_refusals():
    practice = Practice()
    practice.restore_state({"right": 7, "asked": 9, "code": "conv-42-3"})
    assert practice.state() == {"right": 7, "asked": 9, "code": "conv-42-3"}
    assert practice.score_text() == "7 of 9 right"
    for bad, words in [
        ({"right": 3, "asked": 2}, "more right answers"),
        ({"right": -1, "asked": 2}, "whole numbers"),
        ({"right": 1.5, "asked": 2}, "whole numbers"),
        ({"code": "conv-x"}, "not an exercise code"),
        ({"code": "maths-1-1"}, "not a topic"),
        ({"bogus": 1}, "only right, asked and code"),
        ([], "only right, asked and code"),
    ]:
        with pytest.raises(ValueError, match=words):
            practice.restore_state(bad)
        assert practice.state() == {"right": 7, "asked": 9, "code": "conv-42-3"}


def test_new_exercise_without_support_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="No exercise of seed 3 fits the descent tab"):
        Steps().new_exercise(3)


@pytest.mark.parametrize(
    ("kind", "answer", "right", "wrong", "exact"),
    [
        ("number", -0.13764, "−0.1376", "-0.15", False),
        ("vector", [0.95, 2.2], "(0.95, 2.2)", "0.95 2.3", False),
        ("shape", (1, 3), "1×3", "3x1", True),
        ("size", 4, "4", "5", True),
        ("bit", 1, "1", "0", True),
    ],
)
def test_generic_question_kinds(kind, answer, right, wrong, exact):
    asked = question("k", "k =", topic="descent", kind=kind, answer=answer, exact=exact)
    practice = Practice()
    practice.set_on(True)
    assert practice.submit(asked, right).correct
    verdict = practice.submit(asked, wrong)
    assert not verdict.correct and verdict.graded
    assert not practice.submit(asked, "words").graded


def test_practice_tolerances_are_the_engines():
    from visualizer.exercises.model import EXACT, THREE_DIGITS, TOLERANCES
    from visualizer.practice import EXACT as PRACTICE_EXACT
    from visualizer.practice import THREE_DIGITS as PRACTICE_THREE

    assert (PRACTICE_EXACT, PRACTICE_THREE) == (EXACT, THREE_DIGITS)
    assert set(TOLERANCES) == {EXACT, THREE_DIGITS}
