"""Practice mode in the window: the toggle, the score in the status bar, codes, lessons."""

from __future__ import annotations

import json

import pytest

from visualizer.app import create_window
from visualizer.lesson import lesson_from_text, lesson_to_text
from visualizer.resources_path import resource_path


@pytest.fixture
def window(qtbot):
    w = create_window(initial_tab="conv")
    qtbot.addWidget(w)
    return w


def test_toggle_turns_practice_on_in_every_topic(window):
    assert not window.is_practice()
    assert not window.new_exercise_action.isEnabled()
    window.practice_action.trigger()  # View > Practice mode (F9)
    assert window.is_practice() and window.practice_button.isChecked()
    assert all(model.practice.on for model in window.models.values())
    assert window.new_exercise_action.isEnabled()
    assert window.practice_score_label.text() == "Practice: no answers yet"
    window.practice_button.click()  # the corner toggle turns it off again
    assert not window.is_practice() and not window.practice_action.isChecked()
    assert not any(model.practice.on for model in window.models.values())
    assert window.practice_score_label.text() == ""


def test_status_bar_follows_the_current_tab_score(window):
    window.set_practice(True)
    window.models["conv"].practice.restore_state({"right": 2, "asked": 3, "code": ""})
    assert window.practice_score_label.text() == "Practice: 2 of 3 right"
    window.show_tab("descent")
    assert window.practice_score_label.text() == "Practice: no answers yet"


@pytest.mark.parametrize(
    ("code", "words"),
    [("", "not an exercise code"), ("conv", "not an exercise code"),
     ("maths-1-2", "not a topic"), ("conv-1-99999999", "not an exercise code")],
)  # fmt: skip
def test_bad_exercise_codes_are_refused_with_one_sentence(window, code, words):
    before = window.lesson().tabs
    with pytest.raises(ValueError, match=words):
        window.open_exercise_code(code)
    assert window.lesson().tabs == before
    assert not window.is_practice()


def test_lessons_keep_practice_and_old_lessons_stay_as_they_were(window):
    path = resource_path("lessons", "exercise-4c.json")
    window.open_lesson(path)
    assert window.lesson().practice is None  # practice never used: no key written
    assert "practice" not in lesson_to_text(window.lesson())
    window.set_practice(True)
    window.models["conv"].practice.restore_state({"right": 7, "asked": 9, "code": "conv-42-3"})
    text = lesson_to_text(window.lesson())
    saved = json.loads(text)["practice"]
    assert saved == {"on": True, "tabs": {"conv": {"right": 7, "asked": 9, "code": "conv-42-3"}}}
    window.set_practice(False)
    window.models["conv"].practice.reset_score()
    window.apply_lesson(lesson_from_text(text))
    assert window.is_practice()
    assert window.models["conv"].practice.score_text() == "7 of 9 right"
    assert window.models["conv"].practice.code == "conv-42-3"


def test_a_damaged_practice_object_is_refused_and_nothing_changes(window):
    good = lesson_to_text(window.lesson())
    document = json.loads(good)
    document["practice"] = {"on": True, "tabs": {"conv": {"right": 5, "asked": 2}}}
    before = window.lesson().tabs
    with pytest.raises(ValueError, match="practice scores are not valid"):
        window.apply_lesson(lesson_from_text(json.dumps(document)))
    assert window.lesson().tabs == before and not window.is_practice()
    document["practice"] = {"on": "yes"}
    with pytest.raises(ValueError, match="practice settings are not valid"):
        lesson_from_text(json.dumps(document))


@pytest.mark.parametrize("topic", ["descent", "gates", "backprop", "conv"])
def test_open_exercise_code_restores_that_exercise_in_its_tab(window, topic):
    from visualizer.exercises import generate

    # The first of a seed's exercises that this topic's tab can show (gates refuses
    # "find weights" questions: their check is the truth table, not a value on screen).
    for exercise in generate(topic, 42, count=8):
        try:
            window.open_exercise_code(exercise.code.upper())  # codes forgive case
        except ValueError:
            continue
        break
    else:
        pytest.fail(f"no exercise of seed 42 opens in the {topic} tab")
    model = window.models[topic]
    assert window.current_key() == topic and window.is_practice()
    assert model.practice.code == exercise.code
    assert window.tab(topic).answer_box.code() == f"Exercise {exercise.code}"
    asked = model.current_question()
    assert asked is not None
    # Saved and reopened, the lesson brings back the same exercise code and state.
    text = lesson_to_text(window.lesson())
    state = window.lesson().tabs[topic]
    window.set_practice(False)
    window.apply_lesson(lesson_from_text(text))
    assert model.practice.code == exercise.code and window.is_practice()
    assert window.lesson().tabs[topic] == state


def test_status_bar_says_practice_only_when_it_changes(window):
    window.practice_action.trigger()
    assert window.statusBar().currentMessage() == "Practice mode on"
    window.statusBar().showMessage("something else")
    window.set_practice(True)
    assert window.statusBar().currentMessage() == "something else"
    window.open_lesson(resource_path("lessons", "exercise-1a.json"))
    assert window.statusBar().currentMessage() == "Opened lesson exercise-1a.json"
