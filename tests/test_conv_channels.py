"""Channels in the convolution model, without Qt: every number against brute-force loops.

An input of C_in channels, C_out kernels of one slice per input channel and a bias: each
output cell is computed here directly (bias + the sum over channels and taps), and the model's
grids, hover sums, shape line, parameter count, lessons, practice and exports are checked
against it. A channel count that does not match the kernels keeps the last valid output.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from visualizer.tabs.conv import explain, export
from visualizer.tabs.conv.model import (
    PRESET_4A,
    PRESET_CHANNELS,
    PRESET_RGB,
    ConvModel,
)

CHANNEL_KEYS = {
    "in_channels", "kernel_channels", "out_channels", "more_inputs", "more_kernels", "bias",
    "focus_channel",
}  # fmt: skip


def brute_conv2d(x, w, b, stride, padding, dilation, flip=False):
    """y[o, i, j] = b[o] + sum over c, u, v of x_p[c, i s + u d, j s + v d] w[o, c, u, v]."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    if flip:
        w = w[..., ::-1, ::-1]
    c_in, rows, cols = x.shape
    c_out, _, kh, kw = w.shape
    xp = np.zeros((c_in, rows + 2 * padding, cols + 2 * padding))
    xp[:, padding : padding + rows, padding : padding + cols] = x
    out_r = (rows + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    out_c = (cols + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    y = np.zeros((c_out, out_r, out_c))
    for o in range(c_out):
        for i in range(out_r):
            for j in range(out_c):
                total = b[o]
                for c in range(c_in):
                    for u in range(kh):
                        for v in range(kw):
                            total += (
                                xp[c, i * stride + u * dilation, j * stride + v * dilation]
                                * (w[o, c, u, v])
                            )
                y[o, i, j] = total
    return y


def set_channels(model, x, w, b, **settings):
    """Put input x (C_in, H, W), weights w (C_out, C_in, k, k) and bias b into the model."""
    c_out, depth = w.shape[:2]
    slices = w.reshape(-1, *w.shape[2:])
    model.change(
        input=x[0], more_inputs=x[1:], kernel=slices[0], more_kernels=slices[1:], bias=b,
        in_channels=x.shape[0], kernel_channels=depth, out_channels=c_out, **settings,
    )  # fmt: skip


@pytest.fixture
def model():
    return ConvModel(picture_loader=lambda path: np.add.outer(np.arange(6.0), np.arange(7.0)))


CASES = [
    # (seed, C_in, C_out, H, W, k, stride, padding, dilation, mode)
    (0, 3, 2, 5, 5, 3, 1, 0, 1, "correlation"),
    (1, 2, 3, 6, 5, 3, 2, 1, 1, "correlation"),
    (2, 4, 1, 7, 7, 2, 1, 2, 2, "convolution"),
    (3, 1, 4, 5, 6, 3, 3, 1, 1, "correlation"),
    (4, 3, 3, 8, 8, 3, 2, 2, 3, "convolution"),
]


@pytest.mark.parametrize(("seed", "c_in", "c_out", "h", "w", "k", "s", "p", "d", "mode"), CASES)
def test_the_output_and_each_hovered_sum_match_brute_force(
    model, seed, c_in, c_out, h, w, k, s, p, d, mode
):
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=(c_in, h, w)).astype(float)
    weights = rng.integers(-2, 3, size=(c_out, c_in, k, k)).astype(float)
    bias = rng.integers(-3, 4, size=c_out).astype(float)
    set_channels(model, x, weights, bias, stride=s, padding=p, dilation=d, mode=mode)
    expected = brute_conv2d(x, weights, bias, s, p, d, flip=mode == "convolution")
    found = model.channels
    assert found is not None and not found.error
    np.testing.assert_allclose(found.output, expected, atol=1e-12)
    # the shape line and the parameter count, with the numbers
    out_shape = "×".join(map(str, expected.shape))
    assert found.shape_text == f"{c_in}×{h}×{w} ⋆ {c_out}×{c_in}×{k}×{k} → {out_shape}"
    assert found.parameters == c_out * c_in * k * k + c_out
    assert found.parameters_text.endswith(f"= {c_out * c_in * k * k + c_out}")
    # hovering an output cell writes the bias plus one sum per input channel
    o, r, c = c_out - 1, expected.shape[1] - 1, expected.shape[2] // 2
    model.hover("conv", r, c, channel=o)
    focus = explain.cell_focus(model)
    assert focus.channel == o
    assert focus.heading == f"Output channel {o + 1}, row {r + 1}, column {c + 1}"
    assert float(focus.formula.rsplit(" = ", 1)[1]) == pytest.approx(expected[o, r, c])
    assert len(focus.notes) == c_in
    slid = weights[..., ::-1, ::-1] if mode == "convolution" else weights
    xp = np.pad(x, ((0, 0), (p, p), (p, p)))
    for ch, note in enumerate(focus.notes):
        window = xp[ch, r * s : r * s + d * (k - 1) + 1 : d, c * s : c * s + d * (k - 1) + 1 : d]
        assert float(note.rsplit(" = ", 1)[1]) == pytest.approx((window * slid[o, ch]).sum())
    # the window is outlined at the same place on every input channel
    assert focus.input_window == (r * s, r * s + d * (k - 1) + 1, c * s, c * s + d * (k - 1) + 1)


def test_a_slice_count_that_does_not_match_keeps_the_last_valid_output(model):
    model.load_preset(PRESET_CHANNELS)
    before = model.channels.output.copy()
    model.change(kernel_channels=2)  # kernels of 2 slices on a 3-channel input
    found = model.channels
    assert found.stale and "must match" in found.error and "slices to 3" in found.error
    np.testing.assert_array_equal(found.output, before)
    formula = explain.size_formula(model)
    assert "The last valid output is shown" in formula.channel_error
    assert found.shape_text.endswith("→ ?")
    # hovering the stale grid explains nothing, and nothing crashes on the way
    model.hover("conv", 0, 0, channel=0)
    assert explain.cell_focus(model).heading == ""
    assert export.table_csv(model) == ""
    model.change(in_channels=2)  # the counts match again: a fresh result
    x = model.settings.input_stack()
    expected = brute_conv2d(x, model.settings.weight_stack(), model.settings.bias_vector(), 1, 0, 1)
    assert not model.channels.stale
    np.testing.assert_allclose(model.channels.output, expected)


def test_no_window_with_channels_says_why_and_keeps_the_last_output(model):
    model.load_preset(PRESET_CHANNELS)
    before = model.channels.output.copy()
    model.change(dilation=3)  # a 3x3 kernel spans 7x7 cells of a 4x4 input
    assert model.channels.stale and "no window fits" in model.channels.error
    np.testing.assert_array_equal(model.channels.output, before)
    model.change(mode="transposed")
    assert "sliding convolutions" in model.channels.error


def test_a_preset_with_mismatched_counts_has_no_last_output(model):
    model.load_preset(PRESET_4A)
    model.change(in_channels=2)  # from one channel: nothing valid with channels yet
    assert model.channels.output is None and model.channels.error
    model.load_preset(PRESET_CHANNELS)
    state = model.state()
    state["kernel_channels"] = 2
    state["more_kernels"] = state["more_kernels"][:3]
    model.restore_state(state)  # a lesson opens on its own: no output from before it
    assert model.channels.output is None and not model.channels.stale


def test_new_counts_keep_the_slices_that_still_exist(model):
    model.load_preset(PRESET_CHANNELS)
    weights = model.settings.weight_stack()
    inputs = model.settings.input_stack()
    model.change(out_channels=3)
    grown = model.settings.weight_stack()
    assert grown.shape == (3, 3, 3, 3)
    np.testing.assert_array_equal(grown[:2], weights)
    assert model.settings.bias == (0.5, -1.0, 0.0)
    model.change(in_channels=4, kernel_channels=4)
    wide = model.settings.weight_stack()
    np.testing.assert_array_equal(wide[:2, :3], weights)
    np.testing.assert_array_equal(model.settings.input_stack()[:3], inputs)
    model.resize_input(5, 3)  # every channel follows the first one's size
    assert model.settings.input_stack().shape == (4, 5, 3)
    np.testing.assert_array_equal(model.settings.input_stack()[1, :4, :3], inputs[1, :, :3])
    model.resize_kernel(2, 2)
    assert model.settings.weight_stack().shape == (3, 4, 2, 2)
    model.change(in_channels=1, kernel_channels=1, out_channels=1)  # back to one channel
    s = model.settings
    assert (s.more_inputs, s.more_kernels, s.bias) == ((), (), ())
    assert model.channels is None


def test_editing_cells_slices_and_biases(model):
    model.load_preset(PRESET_CHANNELS)
    model.set_channel_cell(2, 1, 3, 7.0)
    model.set_weight_cell(1, 2, 0, 0, -3.0)
    model.set_bias(1, 2.5)
    s = model.settings
    assert s.input_stack()[2, 1, 3] == 7.0
    assert s.weight_stack()[1, 2, 0, 0] == -3.0 and s.bias == (0.5, 2.5)
    expected = brute_conv2d(s.input_stack(), s.weight_stack(), s.bias_vector(), 1, 0, 1)
    np.testing.assert_allclose(model.channels.output, expected)
    for bad in (lambda: model.set_channel_cell(3, 0, 0, 1.0),
                lambda: model.set_weight_cell(2, 0, 0, 0, 1.0),
                lambda: model.set_bias(2, 1.0),
                lambda: model.set_channel_cell(1, 9, 0, 1.0)):  # fmt: skip
        with pytest.raises(ValueError):
            bad()
    assert model.settings == s  # a refused edit changes nothing
    model.randomize_kernels(np.random.default_rng(0))
    w = model.settings.weight_stack()
    assert w.shape == (2, 3, 3, 3) and set(np.unique(w)) <= {-1.0, 0.0, 1.0}
    model.randomize_input(np.random.default_rng(1))
    assert model.settings.input_stack().shape == (3, 4, 4)
    model.clear_input()
    assert not model.settings.input_stack().any()


def test_lessons_gain_keys_only_with_channels(model, tmp_path):
    model.load_preset(PRESET_4A)
    assert not CHANNEL_KEYS & set(model.state())  # the sheet's lessons keep their keys
    model.load_preset(PRESET_CHANNELS)
    model.pin("conv", 1, 0, channel=1)
    state = json.loads(json.dumps(model.state()))
    assert CHANNEL_KEYS <= set(state) and state["focus_channel"] == 1
    other = ConvModel()
    other.restore_state(state)
    assert other.state() == state
    np.testing.assert_array_equal(other.channels.output, model.channels.output)
    assert explain.cell_focus(other).heading == "Output channel 2, row 2, column 1"
    model.change(in_channels=1, kernel_channels=1, out_channels=1)
    assert not CHANNEL_KEYS & set(model.state())


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"more_inputs": []}, "needs 2 more grid"),
        ({"bias": [1.0]}, "the bias needs 2"),
        ({"more_kernels": [[[1.0]]] * 5}, "first slice's size"),
        ({"focus_channel": 9}, "focused channel"),
    ],
)
def test_bad_channel_lessons_are_refused_in_one_sentence(model, change, words):
    model.load_preset(PRESET_CHANNELS)
    state = {**model.state(), **change}
    before = model.state()
    with pytest.raises(ValueError, match=words):
        model.restore_state(state)
    assert model.state() == before


def test_image_mode_in_colour_filters_the_red_green_and_blue(model):
    rng = np.random.default_rng(5)
    colour = rng.integers(0, 256, size=(6, 7, 3)).astype(float)
    gray = colour.mean(axis=2)
    rgb = ConvModel(picture_loader=lambda path: gray, colour_loader=lambda path: colour)
    rgb.load_preset(PRESET_RGB)
    image = rgb.image
    assert image.channels is not None and image.filtered is None
    s = rgb.settings
    x = np.moveaxis(colour, -1, 0)
    np.testing.assert_array_equal(image.channels.inputs, x)
    expected = brute_conv2d(x, s.weight_stack(), s.bias_vector(), s.stride, s.padding, 1)
    np.testing.assert_allclose(image.channels.output, expected, atol=1e-9)
    pixel = rgb.hover_pixel(2, 3, 1)
    assert pixel.channel == 1 and len(pixel.notes) == 3
    assert pixel.notes[0].startswith("Σ red")
    assert float(pixel.text.rsplit(" = ", 1)[1]) == pytest.approx(expected[1, 2, 3])
    assert pixel.window == (3 - s.padding, 2 - s.padding, 3, 3)
    # a picture has 1 or 3 channels: 2 keeps the last valid filtered pictures and says why
    rgb.change(in_channels=2)
    assert rgb.image.channels.stale and "1 or 3" in rgb.image.channels.error
    assert rgb.hover_pixel(0, 0, 0) is None
    rgb.change(in_channels=1, kernel_channels=1)  # the gray levels, one slice per kernel
    found = rgb.image.channels
    w = rgb.settings.weight_stack()
    np.testing.assert_allclose(found.output, brute_conv2d(gray[None], w, s.bias_vector(), 1, 1, 1))


def test_practice_asks_the_shape_the_parameters_then_the_cells(model):
    model.load_preset(PRESET_CHANNELS)
    model.pin("conv", 1, 1, channel=1)
    model.practice.set_on(True)
    questions = model.practice_questions()
    keys = [q.key for q in questions]
    assert keys[:3] == ["shape", "params", "ch2:1,1"]
    assert len(keys) == 2 + 8
    shape = questions[0].exercise
    assert tuple(shape.answer) == (2, 2, 2)
    assert questions[1].exercise.answer == 56
    out = model.channels.output
    by_key = {q.key: q.exercise.answer for q in questions}
    for o in range(2):
        for r in range(2):
            for c in range(2):
                assert by_key[f"ch{o + 1}:{r},{c}"] == out[o, r, c]
    assert model.is_hidden("ch2:1,1") and model.is_hidden("shape")
    assert explain.cell_focus(model).formula.endswith("= ?")
    assert explain.size_formula(model).shape.startswith("?")


def test_exports_with_channels(model):
    model.load_preset(PRESET_CHANNELS)
    csv = export.table_csv(model).splitlines()
    out = model.channels.output
    assert csv[0] == "channel,row,col 1,col 2"
    assert csv[3] == f"2,1,{out[1, 0, 0]:g},{out[1, 0, 1]:g}"
    md = export.worked_solution_markdown(model)
    assert "## Kernel 2 (bias b2 = -1)" in md and "Slice 3 (for channel 3):" in md
    assert "- shape: 3×4×4 ⋆ 2×3×3×3 → 2×2×2" in md
    assert "- parameters: 2×3×3×3 weights + 2 biases = 56" in md
    assert "- channel 2, (1, 2): b2 + Σ channel 1 + Σ channel 2 + Σ channel 3 = " in md
    assert md.count("  - Σ channel 1 = ") == 8


def test_a_generated_exercise_opens_with_one_channel(model):
    model.load_preset(PRESET_CHANNELS)
    model.practice.set_on(True)
    model.new_exercise(0)
    s = model.settings
    assert (s.in_channels, s.kernel_channels, s.out_channels) == (1, 1, 1)
    assert model.channels is None and not s.more_inputs and not s.bias
