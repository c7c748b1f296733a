"""The gradient-descent model without Qt: settings, frames, pins, presets and the lesson format.

No QApplication here: everything a lesson, a worksheet or a script needs works without a window.
Numbers are checked against the sheet's reference values (typed in) and loops written here.
"""

import json
import math
from pathlib import Path

import pytest

from tests.reference import DESCENT_REFERENCE
from visualizer.compute import METHODS, gelu
from visualizer.compute.descent import MAX_STEPS
from visualizer.tabs.descent.iterates import format_cell, iterate_columns
from visualizer.tabs.descent.model import (
    FIELD_RANGES,
    PRESET_SETTINGS,
    DescentModel,
    DescentSettings,
    run_label,
)

LESSONS = sorted((Path(__file__).resolve().parents[1] / "resources" / "lessons").glob("*.json"))
STATE_KEYS = {"params", "frame", "show_derivative", "pins"}
PARAM_KEYS = ["objective", "method", "lr", "x0", "steps", "beta", "beta2", "eps"]

REFERENCE = DESCENT_REFERENCE


@pytest.fixture
def model():
    return DescentModel()


@pytest.fixture
def heard(model):
    words: list[str] = []
    model.subscribe(words.append)
    return words


def _square_gd(lr, x0, steps):
    """Plain GD on x², written out: x <- x - lr * 2x."""
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - lr * 2 * xs[-1])
    return xs


# ----- settings ----------------------------------------------------------------------------
def test_defaults_and_round_trip():
    settings = DescentSettings()
    assert settings.to_state() == {
        "objective": "gelu", "method": "gd", "lr": 0.1, "x0": 0.0, "steps": 3,
        "beta": 0.9, "beta2": 0.999, "eps": 1e-8,
    }  # fmt: skip
    assert list(settings.to_state()) == PARAM_KEYS
    state = {
        "objective": "square", "method": "adam", "lr": 2, "x0": -1, "steps": 7.0,
        "beta": 0.5, "beta2": 0.9, "eps": 1e-6,
    }  # fmt: skip
    read = DescentSettings.from_state(state)
    assert isinstance(read.lr, float) and isinstance(read.steps, int)
    assert read.to_state() == {**state, "lr": 2.0, "x0": -1.0, "steps": 7}
    assert DescentSettings.from_state({}) == DescentSettings()
    assert DescentSettings.from_params(read.to_params()) == read


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ({"objective": "cosine"}, "'objective' must be one of gelu"),
        ({"method": "sgd"}, "'method' must be one of gd, momentum"),
        ({"method": 3}, "'method' must be one of"),
        ({"lr": -1}, "'lr' must be at least 0"),
        ({"lr": "fast"}, "'lr' must be a number"),
        ({"lr": True}, "'lr' must be a number"),
        ({"x0": float("nan")}, "'x0' must be a finite number"),
        ({"x0": float("inf")}, "'x0' must be a finite number"),
        ({"steps": 2.5}, "'steps' must be a whole number"),
        ({"steps": -1}, "'steps' must be at least 0"),
        ({"steps": MAX_STEPS + 1}, f"'steps' must be at most {MAX_STEPS}"),
        ({"beta": 1}, "'beta' must be below 1"),
        ({"beta": 2}, "'beta' must be below 1"),
        ({"beta": -0.1}, "'beta' must be at least 0"),
        ({"beta2": 1.0}, "'beta2' must be below 1"),
        ({"eps": 0}, "'eps' must be greater than 0"),
        ({"colour": "red"}, "Unknown descent setting(s): colour"),
        ([1, 2], "must be a mapping"),
    ],
)
def test_bad_settings_are_refused_in_one_sentence(state, words):
    with pytest.raises(ValueError) as info:
        DescentSettings.from_state(state)
    message = str(info.value)
    assert words in message
    assert "\n" not in message and message.endswith(".")


def test_field_ranges_are_accepted_by_the_readers():
    for name, (lo, hi) in FIELD_RANGES.items():
        for value in (lo, hi):
            if value is not None:
                DescentSettings.from_state({name: value})


# ----- the run and the frame ----------------------------------------------------------------
def test_starts_on_exercise_1a_at_its_last_step(model):
    assert model.settings == PRESET_SETTINGS["1a"]
    assert model.frame == 3 and model.frame_count() == 4
    xs, fs = REFERENCE["1a"]
    assert list(model.trajectory.x[1:]) == pytest.approx(xs, rel=1e-12)
    assert list(model.trajectory.fx[1:]) == pytest.approx(fs, rel=1e-12)


def test_every_setting_changes_the_run(model, heard):
    model.update(objective="square", x0=1.0, lr=0.25, steps=5)
    assert model.trajectory.x == pytest.approx(_square_gd(0.25, 1.0, 5))
    assert model.frame == 3  # kept (it is still inside the run)
    model.update(steps=2)
    assert model.frame == 2  # clamped into the shorter run
    model.update(method="momentum", beta=0.5, steps=4, frame=1)
    assert model.frame == 1
    # momentum (the sheet's form) written out
    x, v, xs = 1.0, 0.0, [1.0]
    for _ in range(4):
        v = 0.5 * v + 0.5 * (2 * x)
        x = x - 0.25 * v
        xs.append(x)
    assert model.trajectory.x == pytest.approx(xs)
    model.update(method="adam", beta2=0.9, eps=1e-3)
    assert (model.trajectory.beta2, model.trajectory.eps) == (0.9, 1e-3)
    assert heard == ["settings"] * 4
    assert model.params().to_dict() == model.settings.to_state()


@pytest.mark.parametrize("method", METHODS)
def test_every_method_of_compute_runs_and_is_described(model, method):
    model.update(method=method, steps=5)
    assert model.trajectory.method == method
    assert model.run_label()  # no method is missing a name
    columns = model.iterates()
    assert columns.headers[:4] == ["t", "x_t", "GeLU(x_t)", "GeLU'(x_t)"]
    assert len(columns.values) == len(columns.headers)
    assert model.worked_step()
    assert model.status().message
    assert "# Gradient descent" in model.worked_solution_markdown()


def test_set_settings_refuses_before_changing_anything(model, heard):
    before = model.state()
    for changes in ({"lr": -1.0}, {"beta": 1.0}, {"steps": 2.5}, {"x0": math.nan}, {"lr": "x"}):
        with pytest.raises(ValueError):
            model.update(**changes)
    with pytest.raises(ValueError, match="'method' must be one of"):
        model.set_settings(DescentSettings(method="sgd"))
    assert model.state() == before
    assert heard == []


def test_same_settings_only_move_the_frame(model, heard):
    model.set_settings(model.settings, frame=1)
    assert heard == ["frame"] and model.frame == 1
    model.set_settings(model.settings)
    assert heard == ["frame"]


def test_frame_moves(model, heard):
    model.reset()
    assert model.frame == 0
    model.advance()
    model.advance()
    assert model.frame == 2
    model.set_frame(99)
    assert model.frame == 3
    model.advance()  # stays on the last step
    model.set_frame(-5)
    assert model.frame == 0
    assert heard == ["frame"] * 5


def test_status_and_worked_step_follow_the_frame(model):
    model.set_frame(0)
    assert model.status().kind == "start"
    assert model.worked_step()[0].startswith("x0 = 0")
    model.set_frame(2)
    assert "x2 = x1 - lr*f'(x1) = -0.05 - 0.1 × 0.457501 = -0.095750" in model.worked_step()
    model.update(objective="square", x0=1.0, lr=0.9, steps=10, frame=10)
    assert model.status().kind == "oscillating"  # x <- -0.8 x: every step flips the sign


def test_a_diverging_run_is_reported_not_drawn(model):
    model.update(objective="square", x0=1.0, lr=1e300, steps=5)
    traj = model.trajectory
    assert traj.diverged_at is not None
    assert model.shown_step() == traj.diverged_at - 1
    columns = model.iterates()
    assert columns.rows == traj.diverged_at + 1
    assert columns.text(traj.diverged_at, 1) == "diverged"
    model.set_frame(5)
    assert model.status().kind == "diverged"


# ----- the iterate table --------------------------------------------------------------------
def test_iterate_table_and_csv(model):
    model.load_preset("1c momentum")
    columns = model.iterates()
    assert columns.headers == ["t", "x_t", "GeLU(x_t)", "GeLU'(x_t)", "v_t"]
    xs, fs = REFERENCE["1c momentum"]
    for t in range(1, 4):
        assert float(columns.text(t, 1)) == pytest.approx(xs[t - 1], rel=1e-6)
        assert float(columns.text(t, 2)) == pytest.approx(fs[t - 1], rel=1e-6)
    rows = [line.split(",") for line in model.table_csv().splitlines()]
    assert rows[0] == columns.headers
    assert [float(r[1]) for r in rows[2:]] == pytest.approx(xs, rel=1e-15)
    assert len(rows) == 5
    # v_t of the sheet's momentum: v1 = 0.1 * GeLU'(-3), x1 = -3 - v1
    assert float(rows[2][4]) == pytest.approx(-3.0 - xs[0], rel=1e-12)


def test_iterate_columns_follow_compute_method_sets(model):
    headers = {}
    for method in METHODS:
        model.update(method=method)
        headers[method] = model.iterates().headers[4:]
    assert headers["gd"] == []
    assert headers["momentum"] == headers["nesterov"] == ["v_t"]
    assert headers["adam"] == ["m_t", "s_t"]
    if "adagrad" in headers:
        assert headers["adagrad"] == ["s_t"]


def test_format_cell():
    assert format_cell(-0.16014) == "-0.1601400"
    assert format_cell(-0.0) == "0.000000"
    assert format_cell(math.nan) == "—"
    assert format_cell(math.inf) == "overflow"


# ----- pins and the overlay -----------------------------------------------------------------
def test_pins_take_the_lowest_free_colour_slot(model, heard):
    first = model.pin_run()
    model.update(lr=1.0)
    second = model.pin_run()
    third = model.pin_run()  # the same run twice is two pins
    assert [p.slot for p in model.pins] == [0, 1, 2]
    assert second.settings == third.settings and second is not third
    model.remove_pin(second)
    assert model.pins == (first, third)
    assert model.pin_run().slot == 1
    model.remove_pin(0)
    assert [p.slot for p in model.pins] == [2, 1]
    model.clear_pins()
    assert model.pins == ()
    model.clear_pins()  # nothing to clear: nothing heard
    assert heard == ["pins", "settings", "pins", "pins", "pins", "pins", "pins", "pins"]
    assert first.label() == "GeLU (sheet): GD, lr 0.1, x0 0"


def test_run_labels():
    assert run_label(DescentSettings()) == "GD, lr 0.1, x0 0"
    momentum = DescentSettings(method="momentum", x0=-3.0)
    assert run_label(momentum) == "momentum, lr 0.1, x0 -3, β 0.9"
    adam = DescentSettings(method="adam", beta2=0.99)
    assert run_label(adam) == "Adam, lr 0.1, x0 0, β 0.9, β2 0.99"


def test_derivative_overlay(model, heard):
    model.set_show_derivative(True)
    model.set_show_derivative(True)
    assert model.show_derivative
    model.set_show_derivative(False)
    assert heard == ["derivative", "derivative"]


# ----- presets ------------------------------------------------------------------------------
def test_presets(model, heard):
    assert model.presets()[:4] == ["1a", "1b", "1c", "1c momentum"]
    for name, (xs, fs) in REFERENCE.items():
        model.load_preset(name)
        assert model.preset().name == name
        assert model.frame == model.settings.steps
        assert list(model.trajectory.x[1:4]) == pytest.approx(xs, rel=1e-12)
        assert list(model.trajectory.fx[1:4]) == pytest.approx(fs, rel=1e-12)
        assert list(gelu(model.trajectory.x[1:4])) == pytest.approx(fs, rel=1e-12)
    assert heard == ["settings", "preset"] * 4
    model.load_preset("local minimum: GD")
    gd_end = model.trajectory.x[-1]
    model.load_preset("local minimum: momentum")
    assert gd_end > 1 and model.trajectory.x[-1] < -1
    model.update(lr=0.123)
    assert model.preset() is None
    with pytest.raises(KeyError):
        model.load_preset("9z")


def test_worked_solution_markdown(model):
    text = model.worked_solution_markdown()
    assert text.startswith("# Exercise 1a")
    assert "x2 = x1 - lr*f'(x1) = -0.05 - 0.1 × 0.457501 = -0.095750" in text
    assert "x3 = x2 - lr*f'(x2)" in text
    model.update(method="adam")
    assert "lr = 0.1, x0 = 0, steps = 3, β = 0.9, β2 = 0.999, ε = 1e-08" in (
        model.worked_solution_markdown()
    )


# ----- the lesson format --------------------------------------------------------------------
def test_state_round_trip(model, heard):
    model.load_preset("1c")
    model.pin_run()
    model.load_preset("1c momentum")
    model.pin_run()
    model.update(method="adam", beta2=0.99, steps=20, frame=7)
    model.set_show_derivative(True)
    state = json.loads(json.dumps(model.state()))
    assert set(state) == STATE_KEYS
    assert list(state["params"]) == PARAM_KEYS
    other = DescentModel()
    other_heard: list[str] = []
    other.subscribe(other_heard.append)
    other.restore_state(state)
    assert other_heard == ["settings", "restored"]
    assert other.state() == state
    assert other.settings == model.settings and other.frame == 7
    assert [p.settings for p in other.pins] == [p.settings for p in model.pins]
    assert other.table_csv() == model.table_csv()
    assert other.worked_step() == model.worked_step()


def test_restore_fills_in_missing_keys(model):
    model.restore_state({"params": {"lr": 1.0}})
    assert model.settings == PRESET_SETTINGS["1b"]
    assert model.frame == 3 and model.pins == () and not model.show_derivative


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({"params": {"lr": -1}}, "'lr' must be at least 0"),
        ({"params": {"method": "sgd"}}, "'method' must be one of"),
        ({"params": {"steps": 3}, "frame": 9}, "whole number from 0 to 3"),
        ({"frame": 1.5}, "whole number from 0 to 3"),
        ({"frame": True}, "whole number from 0 to 3"),
        ({"pins": [{"beta": 2}]}, "'beta' must be below 1"),
        ({"pins": {"lr": 1}}, "must be a list"),
        ({"pins": [3]}, "must be a mapping"),
        ({"show_derivative": "yes"}, "true or false"),
        ({"colour": "red"}, "Unknown gradient-descent setting(s): colour"),
        ([1, 2], "must be a mapping"),
    ],
)
def test_bad_state_is_refused_and_nothing_changes(model, bad, words):
    model.pin_run()
    before = model.state()
    heard: list[str] = []
    model.subscribe(heard.append)
    with pytest.raises(ValueError) as info:
        model.restore_state(bad)
    assert words in str(info.value)
    assert model.state() == before
    assert heard == []


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_every_shipped_lesson_opens_and_saves_unchanged(path):
    saved = json.loads(path.read_text(encoding="utf-8"))["tabs"]["descent"]
    assert set(saved) == STATE_KEYS  # the old tab's keys, all of them
    assert list(saved["params"]) == PARAM_KEYS
    model = DescentModel()
    model.restore_state(saved)
    assert model.state() == saved
    assert json.dumps(model.state()) == json.dumps(saved)  # same keys, order and values


def test_shipped_exercise_lessons_show_the_sheet(model):
    for name, file in (("1a", "exercise-1a"), ("1c momentum", "exercise-1c-momentum")):
        path = next(p for p in LESSONS if p.stem == file)
        model.restore_state(json.loads(path.read_text(encoding="utf-8"))["tabs"]["descent"])
        assert model.preset().name == name
        assert list(model.trajectory.x[1:4]) == pytest.approx(REFERENCE[name][0], rel=1e-12)


def test_iterate_columns_without_values():
    model = DescentModel()
    columns = iterate_columns(model.trajectory)
    assert columns.headers[2] == "f(x_t)"
