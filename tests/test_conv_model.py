"""The convolution model without Qt: every setting, frame, message, preset and lesson.

No QApplication here: the model, its words (explain) and its exports are plain Python.
Expected numbers are the exercise sheet's (REFERENCE.md section 4) or brute-force loops.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.reference import brute_correlate
from visualizer.compute import conv
from visualizer.tabs.conv import explain, export
from visualizer.tabs.conv.model import (
    CUSTOM_KERNEL,
    MAX_INPUT_SIDE,
    MODES,
    POOL_MODES,
    PRESET_4A,
    PRESET_4A_TRUE,
    PRESET_4B,
    PRESET_4C,
    PRESET_4D,
    PRESET_FLOOR,
    PRESET_IMAGE,
    PRESET_MAX,
    SHEET_KERNEL,
    ConvModel,
    ConvSettings,
)

LESSONS = Path(__file__).resolve().parents[1] / "resources" / "lessons"
# The keys the convolution tab saved before it had a model: the lesson format is unchanged.
OLD_STATE_KEYS = [
    "input", "kernel", "kernel_preset", "padding", "stride", "mode", "pool_mode", "pool_size",
    "pool_stride", "pool_source", "pool_as_conv", "view", "solve_for", "solver",
    "picture_path", "focus", "frame", "preset",
]  # fmt: skip

F = [[3, 5, 2, 3], [9, 1, 8, 4], [6, 4, 3, 7], [7, 0, 2, 4]]
F_PRIME = [[15.5, 21, 27, 8], [4.5, 30, 9.5, 22.5], [13.5, -6.5, 18, 4], [-5, 6, -12.5, 4.5]]
F_TRUE_CONV = [[13.5, -18.5, 9, -12], [4, 21.5, 5, 11.5], [20.5, 10.5, 24.5, 17], [6, 24, 17, 13.5]]
POOLED = [[17.75, 16.75], [2, 3.5]]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]


brute = brute_correlate


def brute_pool(x, k, s, mode):
    x = np.asarray(x, float)
    rows = range(0, x.shape[0] - k + 1, s)
    cols = range(0, x.shape[1] - k + 1, s)
    reduce = np.max if mode == "max" else np.mean
    return np.array([[reduce(x[i : i + k, j : j + k]) for j in cols] for i in rows])


class Listener:
    def __init__(self, model):
        self.words: list[str] = []
        self.unsubscribe = model.subscribe(self.words.append)


def fake_pictures(calls):
    """A picture loader without Qt: a 20x30 ramp for the sample, a 12x12 ramp for 'small'."""

    def load(path):
        calls.append(path)
        if path is None:
            return np.add.outer(np.arange(20.0), np.arange(30.0))
        if path.endswith("small.png"):
            return np.add.outer(np.arange(12.0), 2 * np.arange(12.0))
        raise ValueError(f"“{Path(path).name}” could not be opened as a picture.")

    return load


@pytest.fixture
def model():
    return ConvModel(picture_loader=fake_pictures([]))


# ----- the exercise ------------------------------------------------------------------------------
def test_starts_on_exercise_4a_with_the_whole_output(model):
    assert model.preset == PRESET_4A
    assert model.settings == ConvSettings()
    assert model.result.output.tolist() == F_PRIME
    assert model.result.pooled.tolist() == POOLED
    assert model.result.padded[1:5, 1:5].tolist() == F
    assert model.result.padding_mask.sum() == 36 - 16
    assert model.frame == model.frame_count() - 1 == 16
    assert model.animation_complete()
    assert model.focus == ("conv", 0, 0)
    focus = explain.cell_focus(model)
    assert focus.text == (
        "Output row 1, column 1 = "
        "0*(-1) + 0*0.5 + 0*(-2) + 0*2 + 3*0 + 5*1 + 0*0 + 9*1 + 1*1.5 = 15.5"
    )
    assert focus.input_window == (0, 3, 0, 3)
    assert focus.output_window == (0, 1, 0, 1)
    formula = explain.size_formula(model)
    assert formula.same and "floor((4 + 2*1 - 3)/1) + 1 = 3 + 1 = 4" in formula.rows
    assert formula.notes == ()


def test_every_preset(model):
    assert model.presets()[:8] == [
        PRESET_4A, PRESET_4A_TRUE, PRESET_4B, PRESET_4C, PRESET_4D, PRESET_FLOOR, PRESET_MAX,
        PRESET_IMAGE,
    ]  # fmt: skip
    model.load_preset(PRESET_4A_TRUE)
    assert model.result.output.tolist() == F_TRUE_CONV
    model.load_preset(PRESET_4B)
    assert model.settings.kernel == ((1, 0), (0, 1)) and model.settings.stride == 2
    assert model.settings.solver == (4, 2, 1, 4) and model.settings.solve_for == "stride"
    assert "4/3" in explain.size_formula(model).exercise_answer
    works, text = explain.solver_answer(model.settings)
    assert not works and "4/3" in text
    model.load_preset(PRESET_4C)
    assert model.focus == ("pool", 0, 0)
    assert explain.cell_focus(model).text == (
        "Pooled row 1, column 1 (average) = (15.5 + 21 + 4.5 + 30)/4 = 17.75"
    )
    assert "11.75" in explain.cell_focus(model).warnings[0]  # the sheet's slip is named
    model.load_preset(PRESET_4D)
    assert model.result.as_conv.tolist() == POOLED and model.result.as_conv_matches
    assert model.result.as_conv_kernel.tolist() == [[0.25, 0.25], [0.25, 0.25]]
    model.load_preset(PRESET_FLOOR)
    assert (
        model.result.output.tolist()
        == brute(np.arange(1, 26).reshape(5, 5), np.eye(2), 0, 2).tolist()
    )
    assert explain.unreached(model.result) == ([4], [4])
    assert "floors" in explain.size_formula(model).notes[0]
    model.load_preset(PRESET_MAX)
    assert model.result.pooled.tolist() == [[30, 27], [13.5, 18]]
    # hand-found positions of 30, 27, 13.5, 18 in F'
    assert sorted(explain.argmax_marks(model.settings, model.result)[1]) == [
        (0, 2), (1, 1), (2, 0), (2, 2),
    ]  # fmt: skip
    focus = explain.cell_focus(model)
    assert focus.text == "Pooled row 1, column 1 (max) = max(15.5, 21, 4.5, 30) = 30"
    assert focus.strong_mark == (1, 1) and "row 2, column 2" in focus.notes[0]
    model.load_preset(PRESET_IMAGE)
    assert model.settings.view == "image" and model.settings.kernel == as_tuples(SOBEL_X)
    assert model.image is not None and model.image.filtered is not None
    with pytest.raises(KeyError):
        model.load_preset("Exercise 9")


def as_tuples(grid):
    return tuple(tuple(float(v) for v in row) for row in grid)


def test_presets_notify_lesson_and_open_on_the_whole_output(model):
    listener = Listener(model)
    model.set_frame(3)
    model.load_preset(PRESET_4C)
    assert listener.words == ["frame", "lesson"]
    assert model.animation_complete()


# ----- every setting ------------------------------------------------------------------------------
@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("mode", [m for m in MODES if m != "transposed"])  # sliding ones
def test_padding_stride_and_mode(model, padding, stride, mode):
    model.change(padding=padding, stride=stride, mode=mode)
    k = np.array(conv.EXERCISE4_KERNEL)
    if mode == "convolution":
        k = k[::-1, ::-1]
    np.testing.assert_allclose(model.result.output, brute(F, k, padding, stride), atol=1e-12)
    assert model.result.padded.shape == (4 + 2 * padding,) * 2


@pytest.mark.parametrize(
    ("n", "f", "p", "s"),
    [(4, 3, 1, 1), (5, 2, 0, 2), (4, 3, 0, 2), (6, 3, 1, 2), (7, 3, 0, 3), (5, 3, 1, 2)],
)
def test_unreached_rows_appear_exactly_when_the_formula_floors(model, n, f, p, s):
    model.resize_input(n, n)
    model.resize_kernel(f, f)
    model.change(padding=p, stride=s)
    remainder = (n + 2 * p - f) % s
    trailing = [n + 2 * p - 1 - i for i in range(remainder)][::-1]
    assert explain.unreached(model.result) == (trailing, trailing)
    notes = explain.size_formula(model).notes
    assert any("floors" in note for note in notes) == (remainder != 0)


def test_stride_larger_than_the_kernel_is_named(model):
    model.change(stride=4, padding=0)
    model.resize_kernel(2, 2)
    model.resize_input(8, 8)
    assert any("larger than the kernel" in note for note in explain.size_formula(model).notes)


def test_cells_resize_random_clear_and_paste(model):
    listener = Listener(model)
    model.set_input_cell(0, 0, 10)
    model.set_kernel_cell(2, 2, -3)
    x = np.array(F, float)
    x[0, 0] = 10
    k = np.array(conv.EXERCISE4_KERNEL)
    k[2, 2] = -3
    np.testing.assert_allclose(model.result.output, brute(x, k, 1, 1), atol=1e-12)
    assert model.settings.kernel_preset == CUSTOM_KERNEL
    assert listener.words == ["settings", "settings"]
    model.resize_input(6, 5)
    assert model.result.input.shape == (6, 5)
    assert model.result.input[:4, :4].tolist() == x.tolist()  # kept
    assert not model.result.input[4:, :].any() and not model.result.input[:, 4:].any()
    model.randomize_input(np.random.default_rng(3))
    x = model.result.input
    assert x.shape == (6, 5) and ((x >= 0) & (x <= 9)).all() and (x == np.round(x)).all()
    np.testing.assert_allclose(model.result.output, brute(x, k, 1, 1))
    model.clear_input()
    assert not model.result.input.any()
    model.paste_input("1\t2\t3\n4, 5, 6\n7 8 9\n")
    assert model.result.input.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    model.paste_kernel("1 0\n0 -1")
    assert model.result.kernel.tolist() == [[1, 0], [0, -1]]
    model.resize_kernel(3, 2)
    assert model.result.kernel.tolist() == [[1, 0], [0, -1], [0, 0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2\n3 x\n", "not a number"),
        ("1 2\n3\n", "different lengths"),
        ("", "no numbers"),
        ("\n".join(" ".join(["1"] * 65) for _ in range(2)), "at most 64x64"),
    ],
)
def test_bad_paste_changes_nothing(model, text, message):
    before = model.state()
    with pytest.raises(ValueError, match=message):
        model.paste_input(text)
    assert model.state() == before


def test_bad_kernel_paste_and_cells(model):
    before = model.state()
    with pytest.raises(ValueError, match="at most 7x7"):
        model.paste_kernel("\n".join(" ".join(["1"] * 8) for _ in range(8)))
    with pytest.raises(ValueError, match="outside the 4x4 input"):
        model.set_input_cell(4, 0, 1.0)
    with pytest.raises(ValueError, match="outside the 3x3 kernel"):
        model.set_kernel_cell(0, -1, 1.0)
    for bad in (float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="finite number"):
            model.set_input_cell(0, 0, bad)
    assert model.state() == before


def test_kernel_presets_and_the_custom_entry(model):
    for name, kernel in conv.KERNEL_PRESETS.items():
        model.choose_kernel(name)
        assert model.settings.kernel_preset == name
        np.testing.assert_allclose(model.result.output, brute(F, kernel, 1, 1), atol=1e-12)
    before = model.state()
    model.choose_kernel(CUSTOM_KERNEL)  # loads nothing
    assert model.state() == before
    with pytest.raises(KeyError):
        model.choose_kernel("Emboss")


@pytest.mark.parametrize("pool_mode", POOL_MODES)
@pytest.mark.parametrize(("size", "stride"), [(2, 2), (2, 1), (3, 1), (1, 1)])
@pytest.mark.parametrize("source", ["output", "input"])
def test_pooling(model, pool_mode, size, stride, source):
    model.change(pool_mode=pool_mode, pool_size=size, pool_stride=stride, pool_source=source)
    pooled_grid = F_PRIME if source == "output" else F
    np.testing.assert_allclose(
        model.result.pooled, brute_pool(pooled_grid, size, stride, pool_mode)
    )
    marks_input, marks_output = explain.argmax_marks(model.settings, model.result)
    if pool_mode == "max":
        grid = np.array(pooled_grid, float)
        cells = marks_output if source == "output" else [(r - 1, c - 1) for r, c in marks_input]
        assert [grid[r, c] for r, c in cells] == model.result.pooled.ravel().tolist()
    else:
        assert marks_input == marks_output == []


def test_pooling_as_a_convolution(model):
    model.change(pool_as_conv=True)
    assert model.result.as_conv.tolist() == POOLED
    model.change(pool_mode="max")  # a max is not a weighted sum: nothing to show
    assert model.result.as_conv is None


def test_no_window_fits_gives_reasons_not_grids(model):
    model.resize_input(2, 2)
    model.change(padding=0)
    assert model.result.output is None
    assert "does not fit" in model.result.error
    assert "does not fit" in explain.size_formula(model).error
    assert model.result.pooled is None and "no output to pool" in model.result.pool_error
    assert model.frame_count() == 1
    assert explain.cell_focus(model).text == ""
    assert export.table_csv(model) == ""
    assert "No window fits" in export.worked_solution_markdown(model)
    model.change(padding=1)  # and it recovers
    assert model.result.output.shape == (2, 2)


def test_overflow_is_a_reason_not_inf(model):
    model.set_input_cell(0, 0, 1e300)
    model.set_kernel_cell(1, 1, 1e300)
    assert model.result.output is None and "too large" in model.result.error


def test_solver(model):
    model.set_solver(solve_for="stride", other=0, n=6, f=2, out=3)
    assert model.settings.solver == (6, 2, 0, 3)
    works, text = explain.solver_answer(model.settings)
    assert works and "stride 2 works" in text
    model.set_solver(solve_for="padding")  # a given stride is at least 1
    assert model.settings.solver == (6, 2, 1, 3)
    assert "padding" in explain.solver_answer(model.settings)[1]
    model.load_preset(PRESET_FLOOR)
    model.set_solver(n=9, f=9, other=9, out=9)
    model.solver_from_grids()
    assert model.settings.solver == (5, 2, 0, 2)


# ----- validation messages -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"padding": -1}, "'padding' must be at least 0"),
        ({"padding": 17}, "'padding' must be at most 16"),
        ({"stride": 0}, "'stride' must be at least 1"),
        ({"stride": 1.5}, "'stride' must be a whole number"),
        ({"mode": "fft"}, "'mode' must be one of"),
        ({"pool_mode": "median"}, "'pool mode' must be one of"),
        ({"pool_size": 9}, "'pool size' must be at most 8"),
        ({"pool_stride": 0}, "'pool stride' must be at least 1"),
        ({"pool_source": "kernel"}, "'pool source' must be one of"),
        ({"pool_as_conv": 1}, "'pool as conv' must be true or false"),
        ({"view": "3d"}, "'view' must be one of"),
        ({"solve_for": "kernel"}, "'solve for' must be one of"),
        ({"solver": [4, 2, 1]}, "'solver' must hold 4 values"),
        ({"solver": [4, 2, 1, 1000]}, "'solver' must be at most 999"),
        ({"solver": [0, 2, 1, 4]}, "n, f and output size must be at least 1"),
        ({"solver": [4, 2, 0, 4]}, "given stride must be at least 1"),
        ({"input": "abc"}, "'input' must be a list of rows"),
        ({"input": [[1, 2], [3]]}, "do not all have the same length"),
        ({"input": [[1, "x"]]}, "'input' must be a number"),
        ({"input": [[1.0] * 65]}, "'input' must have 1 to 64 columns"),
        ({"kernel": [[1.0] * 8] * 8}, "'kernel' must have 1 to 7 rows"),
        ({"kernel_preset": 3}, "'kernel preset' must be one of"),
        ({"picture_path": 3}, "'picture path' must be text"),
        ({"colour": "red"}, "Unknown convolution setting 'colour'"),
    ],
)
def test_every_bad_setting_is_refused_with_a_sentence(model, changes, message):
    before = model.state()
    listener = Listener(model)
    with pytest.raises(ValueError, match=message):
        model.change(**changes)
    assert model.state() == before and listener.words == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"input": "abc"}, "'input' must be a list of rows"),
        ({"padding": -1}, "'padding' must be at least 0"),
        ({"solver": [4, 2, 1]}, "'solver' must hold 4 values"),
        ({"focus": ["conv", -1, 0]}, "focused cell"),
        ({"focus": ["kernel", 0, 0]}, "focused cell"),
        ({"focus": "conv"}, "focused cell"),
        ({"frame": -2}, "animation step"),
        ({"frame": 1.5}, "animation step"),
        ({"frame": True}, "animation step"),
        ({"nor": "this"}, "Unknown convolution setting"),
    ],
)
def test_bad_state_is_refused_and_nothing_changes(model, change, message):
    before = model.state()
    with pytest.raises(ValueError, match=message):
        model.restore_state({**before, **change})
    assert model.state() == before
    with pytest.raises(ValueError, match="mapping"):
        model.restore_state("not a dict")


def test_lenient_parts_of_a_saved_state(model):
    state = model.state()
    state["kernel_preset"] = "Emboss"  # a kernel name this version does not have
    state["preset"] = "Exercise 9"  # an unknown preset name keeps the current one
    for key in ("focus", "frame"):
        del state[key]  # missing: the first cell, the whole output
    model.restore_state(state)
    assert model.settings.kernel_preset == CUSTOM_KERNEL
    assert model.preset == PRESET_4A
    assert model.focus == ("conv", 0, 0) and model.animation_complete()


# ----- frames, hover and pins -------------------------------------------------------------------
def test_frames_fill_the_output_in_reading_order(model):
    listener = Listener(model)
    model.reset()
    assert model.frame == 0 and model.output_hidden().all() and model.pool_hidden()
    assert model.current_focus() is None
    model.advance()
    model.advance()
    hidden = model.output_hidden()
    assert hidden.sum() == 14 and not hidden[0, 0] and not hidden[0, 1] and hidden[0, 2]
    assert model.current_focus() == ("conv", 0, 1)
    assert explain.cell_focus(model).input_window == (0, 3, 1, 4)
    model.set_frame(7)  # row 2, column 3
    assert model.current_focus() == ("conv", 1, 2)
    model.set_frame(99)  # clamped to the whole output
    assert model.frame == 16 and model.animation_complete() and not model.output_hidden().any()
    model.advance()  # stays on the last frame
    assert listener.words == ["frame"] * 5
    assert model.state()["frame"] == -1


def test_settings_keep_the_frame_or_the_end(model):
    model.change(padding=0)  # from the whole output: stays on the whole (now 2x2) output
    assert model.frame == 4 and model.animation_complete()
    model.set_frame(2)
    model.change(padding=1)  # mid-animation: stays on step 2
    assert model.frame == 2
    model.set_frame(12)
    model.change(padding=0)  # clamped into the smaller output
    assert model.frame == 4


def test_hover_and_pin(model):
    listener = Listener(model)
    out = model.result.output
    for r in range(4):
        for c in range(4):
            model.hover("conv", r, c)
            text = explain.cell_focus(model).text
            assert text.startswith(f"Output row {r + 1}, column {c + 1} = ")
            assert float(text.rsplit("= ", 1)[1]) == out[r, c]
    model.hover("conv", -1, -1)  # leaving returns to the pinned cell
    assert explain.cell_focus(model).text.endswith("= 15.5")
    assert set(listener.words) == {"hover"}
    model.hover("pool", 1, 1)
    assert explain.cell_focus(model).text.endswith("(18 + 4 + (-12.5) + 4.5)/4 = 3.5")
    assert explain.cell_focus(model).output_window == (2, 4, 2, 4)
    model.pin("conv", 3, 2)
    assert model.focus == ("conv", 3, 2) and model.hovered is None
    assert "-2.5 here" in explain.cell_focus(model).warnings[0]
    assert listener.words[-1] == "focus"
    model.pin("conv", 9, 9)  # outside: ignored
    assert model.focus == ("conv", 3, 2)
    model.change(pool_source="input")  # the pinned cell still exists
    assert model.focus == ("conv", 3, 2)
    model.hover("pool", 0, 1)
    focus = explain.cell_focus(model)
    assert focus.input_window == (1, 3, 3, 5) and focus.output_window is None


def test_cells_the_animation_hides_explain_nothing(model):
    model.set_frame(3)
    model.hover("conv", 3, 3)
    assert model.hovered is None
    model.hover("conv", 0, 2)  # already shown
    assert model.hovered == ("conv", 0, 2)
    model.hover("pool", 0, 0)  # the pool of the output waits for the whole output
    assert model.hovered is None
    model.hover("conv", 0, 1)
    model.set_frame(5)  # moving the animation drops the hovered cell
    assert model.hovered is None


def test_a_pinned_cell_the_new_grid_lacks_falls_back_to_the_first(model):
    model.pin("conv", 3, 3)
    model.change(padding=0)
    assert model.focus == ("conv", 0, 0)
    model.load_preset(PRESET_4C)
    model.change(pool_size=4, pool_stride=4)  # one pooled cell left: (0, 0) still exists
    assert model.focus == ("pool", 0, 0)


# ----- image mode ---------------------------------------------------------------------------------
def test_the_picture_loads_only_when_image_mode_needs_it():
    calls: list = []
    model = ConvModel(picture_loader=fake_pictures(calls))
    model.change(padding=0)
    assert calls == [] and model.image is None
    model.change(view="image")
    assert calls == [None]
    picture, filtered, pooled = model.image.picture, model.image.filtered, model.image.pooled
    np.testing.assert_allclose(filtered, brute(picture, conv.EXERCISE4_KERNEL, 0, 1), atol=1e-9)
    np.testing.assert_allclose(pooled, brute_pool(filtered, 2, 2, "avg"))
    model.set_kernel_cell(1, 1, 1.0)  # the picture is loaded once, not per change
    assert calls == [None]
    assert explain.image_titles(model.settings, model.image) == [
        "Picture (30x20)", "Filtered by the kernel (28x18)", "2x2 average pool, stride 2 (14x9)",
    ]  # fmt: skip


def test_a_lesson_in_image_mode_loads_the_picture():
    calls: list = []
    model = ConvModel(picture_loader=fake_pictures(calls))
    state = model.state()
    model.restore_state({**state, "view": "image"})
    assert calls == [None] and model.image.filtered is not None


def test_open_picture_and_the_sample(model):
    model.open_picture("/pictures/small.png")
    assert model.settings.view == "image" and model.settings.picture_path == "/pictures/small.png"
    assert model.image.picture.shape == (12, 12) and model.image.note == ""
    before = model.state()
    with pytest.raises(ValueError, match="could not be opened"):
        model.open_picture("/pictures/notes.txt")
    assert model.state() == before and model.image.picture.shape == (12, 12)
    model.use_sample_picture()
    assert model.settings.picture_path is None and model.image.picture.shape == (20, 30)


def test_a_missing_picture_in_a_lesson_falls_back_to_the_sample(model):
    model.restore_state({**model.state(), "view": "image", "picture_path": "/gone.png"})
    assert model.image.picture.shape == (20, 30)
    assert model.image.filtered is not None
    assert "Showing the sample picture instead" in model.image.note
    assert model.state()["picture_path"] == "/gone.png"  # the lesson keeps its own picture


def test_image_errors_are_notes(model):
    model.open_picture("/pictures/small.png")
    model.resize_kernel(7, 7)
    model.change(padding=0, pool_size=8, pool_stride=8)
    assert model.image.filtered.shape == (6, 6) and model.image.pooled is None
    assert "does not fit" in model.image.note
    model.change(pool_size=2, pool_stride=2)
    assert model.image.note == ""
    model.set_kernel_cell(6, 6, 1e307)  # times a gray level of 33: beyond the largest float
    assert model.image.filtered is None and "too large" in model.image.note


def test_hovering_a_pixel_explains_it(model):
    assert model.hover_pixel(0, 0) is None  # not in image mode
    model.load_preset(PRESET_IMAGE)
    listener = Listener(model)
    picture, filtered = model.image.picture, model.image.filtered
    pixel = model.hover_pixel(10, 6)
    assert pixel.text.startswith("Filtered pixel row 11, column 7 = ")
    assert float(pixel.text.rsplit("= ", 1)[1]) == filtered[10, 6]
    # the window on the picture: rows 9..11, columns 5..7 (padding 1, 3x3 kernel)
    assert pixel.window == (5, 9, 3, 3)
    assert (picture[9:12, 5:8] * np.array(SOBEL_X)).sum() == pytest.approx(filtered[10, 6])
    assert model.hovered_pixel == pixel and listener.words == ["hover"]
    assert model.hover_pixel(10, 6) is pixel and listener.words == ["hover"]
    assert model.hover_pixel(999, 0) is None
    model.change(padding=0)  # a settings change forgets the pixel
    assert model.hovered_pixel is None


def test_gray_levels_are_safe_for_tiny_and_huge_ranges():
    np.testing.assert_array_equal(explain.gray_levels(np.array([[0.0, 1.0]])), [[0, 255]])
    assert explain.gray_levels(np.full((2, 2), 3.0)).tolist() == [[128, 128], [128, 128]]
    assert explain.gray_levels(np.array([[0.0, 1e-320]])).tolist() == [[0, 255]]
    assert explain.gray_levels(np.array([[-1.7e308, 1.7e308]])).tolist() == [[0, 255]]


# ----- lessons, state and exports ----------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(LESSONS.glob("*.json")), ids=lambda p: p.stem)
def test_every_shipped_lesson_opens_and_saves_unchanged(path):
    saved = json.loads(path.read_text(encoding="utf-8"))["tabs"]["conv"]
    assert list(saved) == OLD_STATE_KEYS
    model = ConvModel(picture_loader=fake_pictures([]))
    model.restore_state(saved)
    assert model.state() == saved
    assert list(model.state()) == OLD_STATE_KEYS
    assert json.dumps(model.state()) == json.dumps(saved)  # same types too (4, not 4.0)


@pytest.mark.parametrize("name", [p for p in ConvModel().presets() if p != PRESET_IMAGE])
def test_state_round_trip(model, name):
    model.load_preset(name)
    model.set_input_cell(0, 0, 2.5)
    model.change(pool_mode="max")
    model.set_frame(1)
    state = json.loads(json.dumps(model.state()))
    # the sheet's presets keep exactly the old keys; newer settings add theirs when used
    extension = {*ConvSettings.EXTENSION_DEFAULTS, "focus_channel"}
    assert [k for k in state if k not in extension] == OLD_STATE_KEYS
    other = ConvModel(picture_loader=fake_pictures([]))
    listener = Listener(other)
    other.restore_state(state)
    assert other.state() == state and listener.words == ["lesson"]
    assert other.preset == name and other.frame == 1
    np.testing.assert_array_equal(other.result.output, model.result.output)
    np.testing.assert_array_equal(other.output_hidden(), model.output_hidden())
    assert explain.cell_focus(other) == explain.cell_focus(model)


def test_settings_round_trip_through_the_settings_pattern():
    settings = replace(ConvSettings(), padding=3, solver=(9, 3, 2, 5), picture_path="x.png")
    state = settings.to_state()
    assert state["solver"] == [9, 3, 2, 5] and state["input"][0] == [3.0, 5.0, 2.0, 3.0]
    assert ConvSettings.from_state(state) == settings
    assert ConvSettings().kernel_preset == SHEET_KERNEL in conv.KERNEL_PRESETS


def test_exports(model):
    # the window and worksheets ask the model (the tab's exports are the model's)
    assert model.table_csv() == export.table_csv(model)
    assert model.worked_solution_markdown() == export.worked_solution_markdown(model)
    csv = export.table_csv(model).splitlines()
    assert csv[0] == "row,col 1,col 2,col 3,col 4"
    assert csv[4] == "4,-5,6,-12.5,4.5"
    md = export.worked_solution_markdown(model)
    assert md.startswith(f"# Convolution: {PRESET_4A}")
    assert "0*(-1) + 0*0.5 + 0*(-2) + 0*2 + 3*0 + 5*1 + 0*0 + 9*1 + 1*1.5 = 15.5" in md
    assert "(15.5 + 21 + 4.5 + 30)/4 = 17.75" in md
    assert "11.75" in md and "-12.5" in md  # the sheet's slips are named
    assert "p = ((out - 1)*s - n + f)/2" in md or "padding 1 works" in md
    model.load_preset(PRESET_4D)
    assert "kernel of 0.25 at stride 2" in export.worked_solution_markdown(model)
    model.load_preset(PRESET_4A_TRUE)
    md = export.worked_solution_markdown(model)
    assert "true convolution (kernel flipped)" in md and "Flipped kernel" in md
    model.resize_input(MAX_INPUT_SIDE, 10)
    assert "more cells" in export.worked_solution_markdown(model)


def test_unsubscribe(model):
    listener = Listener(model)
    listener.unsubscribe()
    model.change(padding=0)
    assert listener.words == []


def test_the_model_and_its_words_import_no_qt():
    # The model side of the package (settings, presets, result, editing, words, exports)
    # works without a window: importing all of it loads neither Qt nor pyqtgraph.
    modules = [
        "model", "settings", "presets", "result", "editing", "pictures", "explain", "export",
        "code_export", "backward", "transposed", "practice_questions", "channels", "image_mode",
    ]  # fmt: skip
    code = (
        "import sys\n"
        + "".join(f"import visualizer.tabs.conv.{name}\n" for name in modules)
        + "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# What only the backward view, channels, the transposed convolution, image mode and practice
# need: a lesson on the sheet's plain grids loads none of it (start-up, issue 10).
FEATURE_MODULES = [
    "visualizer.tabs.conv.backward",
    "visualizer.tabs.conv.channels",
    "visualizer.tabs.conv.transposed",
    "visualizer.tabs.conv.image_mode",
    "visualizer.tabs.conv.practice_questions",
    "visualizer.compute.conv_channels",
    "visualizer.compute.conv_transpose",
    "visualizer.compute.pool_backward",
]


def test_a_plain_grid_lesson_loads_no_feature_it_does_not_show():
    # Every shipped lesson's conv state is on the plain grids; restoring each one into a new
    # model (in a fresh interpreter, so nothing is imported yet) loads none of those modules,
    # then a backward-view state loads the backward pass: the check itself can see imports.
    code = f"""
import json, sys
from pathlib import Path
from visualizer.tabs.conv.model import ConvModel
for path in sorted(Path({str(LESSONS)!r}).glob("*.json")):
    state = json.loads(path.read_text(encoding="utf-8"))["tabs"]["conv"]
    assert state["view"] == "grids" and state["mode"] != "transposed", path
    ConvModel().restore_state(state)
print(sorted(m for m in {FEATURE_MODULES!r} if m in sys.modules))
model = ConvModel()
model.restore_state({{**model.state(), "view": "backward"}})
print("visualizer.tabs.conv.backward" in sys.modules, model.backward is not None)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "True True"]


def test_a_new_model_computes_its_preset_only_when_read(monkeypatch):
    from visualizer.tabs.conv import model as model_module

    computed = []
    real = model_module.compute_result

    def counting(settings):
        computed.append(settings.padding)
        return real(settings)

    monkeypatch.setattr(model_module, "compute_result", counting)
    lesson = json.loads((LESSONS / "exercise-4c.json").read_text(encoding="utf-8"))
    restored = ConvModel()
    assert computed == []  # preset 4a is not computed for a lesson about to replace it
    restored.restore_state(lesson["tabs"]["conv"])
    assert computed == [1]  # the lesson's grids, once
    assert restored.state() == lesson["tabs"]["conv"]
    assert restored.result.pooled.tolist() == POOLED and computed == [1]
    # Read, a new model shows preset 4a's whole output: 4x4 with padding 1 and a 3x3 kernel
    # at stride 1 is 4x4, so 16 cells after the empty first step.
    fresh = ConvModel()
    assert fresh.frame == 16 and fresh.frame_count() == 17 and fresh.animation_complete()
    assert computed == [1, 1] and fresh.result.output.tolist() == F_PRIME and computed == [1, 1]
    assert fresh.state()["frame"] == -1 and fresh.current_focus() == ("conv", 0, 0)
    fresh.set_frame(3)
    assert fresh.frame == 3 and fresh.state()["frame"] == 3


def test_a_new_models_first_change_keeps_the_whole_output_shown():
    model = ConvModel()
    model.change(padding=0)  # 2x2 output: still on the last frame, not frame 16 clamped
    assert model.frame == 4 and model.animation_complete()
    model = ConvModel()
    model.set_frame(0)
    model.change(padding=0)
    assert model.frame == 0 and model.output_hidden().all()
