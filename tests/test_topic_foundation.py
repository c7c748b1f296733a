"""The shared topic pattern without Qt: Settings readers and messages, TopicModel listeners."""

from dataclasses import FrozenInstanceError, dataclass
from typing import ClassVar

import pytest

from visualizer.numbers import parse_number
from visualizer.tabs.settings import (
    Settings,
    read_bool,
    read_choice,
    read_float,
    read_grid,
    read_int,
    read_optional,
    read_text,
    read_vector,
    setting,
)
from visualizer.tabs.topic_model import TopicModel


@dataclass(frozen=True)
class Demo(Settings):
    topic_name: ClassVar[str] = "demo"
    lr: float = setting(0.1, read_float(above=0.0, maximum=10.0), label="learning rate")
    steps: int = setting(3, read_int(1, 100))
    method: str = setting("gd", read_choice(("gd", "adam")))
    show: bool = setting(False, read_bool())
    note: str = setting("", read_text(10))
    start: tuple = setting((0.0, 1.0), read_vector(2))
    grid: tuple = setting(((1.0,),), read_grid(1, 3))
    limit: float | None = setting(None, read_optional(read_float(0.0)))

    def validate(self) -> None:
        if self.method == "adam" and self.steps > 50:
            raise ValueError("Adam runs at most 50 steps here.")


def test_round_trip_keeps_keys_and_values():
    state = {
        "lr": 0.5, "steps": 7, "method": "adam", "show": True, "note": "hi",
        "start": [2.0, -1.0], "grid": [[1.0, 2.0], [3.0, 4.0]], "limit": 2.5,
    }  # fmt: skip
    settings = Demo.from_state(state)
    assert settings.steps == 7 and isinstance(settings.steps, int)
    assert settings.grid == ((1.0, 2.0), (3.0, 4.0))
    assert settings.to_state() == state
    with pytest.raises(FrozenInstanceError):
        settings.lr = 1.0  # type: ignore[misc]


def test_missing_keys_take_defaults():
    assert Demo.from_state({}) == Demo()
    assert Demo.from_state({"steps": 4.0}).steps == 4


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ({"lr": 0}, "'learning rate' must be greater than 0"),
        ({"lr": 11}, "'learning rate' must be at most 10"),
        ({"lr": "x"}, "'learning rate' must be a number"),
        ({"lr": True}, "'learning rate' must be a number"),
        ({"lr": float("nan")}, "must be a finite number"),
        ({"steps": 2.5}, "'steps' must be a whole number"),
        ({"steps": 0}, "'steps' must be at least 1"),
        ({"method": "sgd"}, "'method' must be one of gd, adam"),
        ({"show": 1}, "'show' must be true or false"),
        ({"note": "x" * 11}, "longer than 10 characters"),
        ({"start": [1.0]}, "must hold 2 numbers"),
        ({"grid": [[1.0], [1.0, 2.0]]}, "do not all have the same length"),
        ({"grid": [[1.0]] * 4}, "1 to 3 rows"),
        ({"grid": []}, "list of rows"),
        ({"limit": -1}, "'limit' must be at least 0"),
        ({"method": "adam", "steps": 60}, "Adam runs at most 50 steps"),
        ({"bogus": 1}, "Unknown demo setting(s): bogus"),
        ([], "must be a mapping"),
    ],
)
def test_bad_values_are_refused_with_one_sentence(state, words):
    with pytest.raises(ValueError) as info:
        Demo.from_state(state)
    message = str(info.value)
    assert words in message
    assert message.count(". ") == 0 and message.endswith(".")


def test_parse_number_spellings():
    assert parse_number("−0.5") == -0.5
    assert parse_number(" 0,25 ") == 0.25
    assert parse_number("-1.376e-1") == pytest.approx(-0.1376)
    for bad in ("", "  ", "nan", "inf", "1e400", "abc", "1,2,3"):
        with pytest.raises(ValueError):
            parse_number(bad)
    with pytest.raises(ValueError, match="whole number"):
        parse_number("2.5", integer=True)


class Counter(TopicModel):
    key = "counter"

    def frame_count(self) -> int:
        return 4


def test_topic_model_listeners_and_frames():
    model = Counter()
    heard: list[str] = []
    unsubscribe = model.subscribe(heard.append)
    model.advance()
    model.advance()
    assert model.frame == 2 and heard == ["frame", "frame"]
    model.set_frame(99)
    assert model.frame == 3
    model.set_frame(3)  # no change, no notification
    assert heard == ["frame"] * 3
    model.reset()
    assert model.frame == 0
    unsubscribe()
    model.advance()
    assert heard == ["frame"] * 4
    with pytest.raises(ValueError):
        model.restore_state([])  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        model.load_preset("nope")
