"""Channels on the Convolution tab: the grids of each channel and kernel, hovering, the panel,
the reason in place, image mode in colour, practice, and the projector rules.

Numbers are checked against brute-force loops written here (the bias plus the sum over the
input channels and the kernel's taps), never against the model's own output.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import shown_tab
from tests.test_conv_channels import brute_conv2d
from visualizer.app import create_window
from visualizer.layout_share import visible_rect
from visualizer.tabs.conv.channel_image import tinted
from visualizer.tabs.conv.model import PRESET_4A, PRESET_CHANNELS, PRESET_RGB, ConvModel
from visualizer.tabs.conv.tab import ConvTab


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, ConvTab(), 1280, 800)
    widget.load_preset(PRESET_CHANNELS)
    yield widget
    widget.play_controls.pause()


def expected_output(model):
    s = model.settings
    return brute_conv2d(
        s.input_stack(), s.weight_stack(), s.bias_vector(), s.stride, s.padding, s.dilation,
        flip=s.mode == "convolution",
    )  # fmt: skip


def test_the_grids_show_every_channel_kernel_slice_and_output(tab):
    grids = tab.grids
    shown = grids.grid_rects()
    assert {"channel_input_1", "channel_input_3", "kernel_2_slice_3", "channel_output_2"} <= set(
        shown
    )
    assert "input_grid" not in shown and "channel_input_4" not in shown
    assert "kernel_3_slice_1" not in shown
    channels = grids.channel_grids
    x = tab.model.settings.input_stack()
    for c in range(3):
        np.testing.assert_array_equal(channels.inputs[c].values(), x[c])  # padding 0
    w = tab.model.settings.weight_stack()
    np.testing.assert_array_equal(channels.kernels[1][2].values(), w[1, 2])
    assert channels.kernels[1][2].caption() == "bias b2 = -1"
    expected = expected_output(tab.model)
    for o in range(2):
        np.testing.assert_allclose(channels.outputs[o].values(), expected[o])
    formula = tab.captions.formula_label.text()
    assert "3×4×4 ⋆ 2×3×3×3 → 2×2×2" in formula and "= 56" in formula


def test_hovering_an_output_cell_writes_the_sum_over_the_channels(tab):
    channels = tab.grids.channel_grids
    channels.outputs[1].cellHovered.emit(0, 1)
    expected = expected_output(tab.model)
    text = tab.focus_text()
    assert text.startswith("Output channel 2, row 1, column 2 = b2 + Σ channel 1 + Σ channel 2")
    assert text.endswith(f"= {expected[1, 0, 1]:g}")
    label = tab.captions.explain_label.text()
    assert label.count("<small>Σ channel 3 =") == 1  # each channel's own sum on its own line
    for grid in channels.inputs[:3]:
        assert grid.highlight() == (0, 3, 1, 4)
    assert channels.kernels[1][0].highlight() == (0, 3, 0, 3)
    assert channels.kernels[0][0].highlight() is None
    assert channels.outputs[1].highlight() == (0, 1, 1, 2)
    channels.outputs[1].cellClicked.emit(1, 0)
    assert tab.model.focus == ("conv", 1, 0) and tab.model.focus_channel == 1


def test_typing_into_a_channel_and_a_slice_and_the_panel(tab):
    channels = tab.grids.channel_grids
    assert channels.inputs[2].set_cell_text(0, 0, "9")
    assert channels.kernels[0][1].set_cell_text(2, 2, "-2")
    panel = tab.panel
    panel.bias_boxes[0].setValue(3.0)
    s = tab.model.settings
    assert s.input_stack()[2, 0, 0] == 9 and s.weight_stack()[0, 1, 2, 2] == -2
    assert s.bias == (3.0, -1.0)
    np.testing.assert_allclose(channels.outputs[0].values(), expected_output(tab.model)[0])
    assert not panel.bias_boxes[2].isEnabled()
    assert not panel.pool_group.isEnabled()  # pooling is drawn for one channel
    panel.out_channels_box.setValue(3)
    assert tab.model.settings.out_channels == 3
    assert channels.outputs[2].isVisible() and panel.bias_boxes[2].isEnabled()
    panel.in_channels_box.setValue(1)
    panel.kernel_channels_box.setValue(1)
    panel.out_channels_box.setValue(1)
    assert tab.model.channels is None and tab.grids.input_grid.isVisible()
    assert panel.pool_group.isEnabled()


def test_a_count_that_does_not_fit_says_why_in_place_and_keeps_the_output(tab):
    channels = tab.grids.channel_grids
    before = channels.outputs[0].values()
    tab.panel.kernel_channels_box.setValue(2)
    formula = tab.captions.formula_label.text()
    assert "must match" in formula and "last valid output is shown" in formula
    assert channels.outputs[0].title().endswith("(last valid)")
    np.testing.assert_array_equal(channels.outputs[0].values(), before)
    tab.panel.in_channels_box.setValue(2)
    assert "must match" not in tab.captions.formula_label.text()
    np.testing.assert_allclose(channels.outputs[0].values(), expected_output(tab.model)[0])


def test_practice_hides_the_cells_and_checks_the_sum_over_channels(tab):
    tab.set_practice(True)
    channels = tab.grids.channel_grids
    assert channels.outputs[0].hidden().all() and channels.outputs[1].hidden().all()
    assert "?" in tab.captions.formula_label.text()
    assert tab.answer_box.question() == "Output shape (channels × rows × columns) ="
    tab.answer_box.type_answer("2×2×2")
    assert tab.answer_box.question().startswith("Learnable parameters")
    tab.answer_box.type_answer("55")  # forgot a bias
    assert tab.practice_score() == "1 of 2 right"
    expected = expected_output(tab.model)
    assert tab.answer_box.question() == "Output channel 1, row 1, column 1 ="
    tab.answer_box.type_answer(f"{expected[0, 0, 0]:g}")
    assert channels.outputs[0].shown_text(0, 0) == f"{expected[0, 0, 0]:g}"
    assert channels.outputs[0].hidden().sum() == 3
    tab.answer_box.type_answer("0")  # wrong: the working shows each channel's sum
    verdict = tab.answer_box.verdict()
    assert (
        f"it is {expected[0, 0, 1]:g}" in verdict
        and "Σ channel 2 = 1," in verdict
        and "0.5 + 9.5 + 1 + 0" in verdict
    )
    assert tab.practice_score() == "2 of 4 right"


@pytest.mark.parametrize("presentation", [False, True])
def test_four_channels_keep_their_numbers_at_1024x768(qtbot, presentation):
    window = create_window(initial_tab="conv")
    qtbot.addWidget(window)
    window.show()
    window.set_presentation(presentation, full_screen=False)
    window.resize(1024, 768)
    tab = window.current_tab()
    tab.load_preset(PRESET_CHANNELS)
    tab.model.change(in_channels=4, kernel_channels=4, out_channels=4, padding=1)
    qtbot.wait(20)
    grids = tab.grids
    rects = list(grids.grid_rects().values())
    assert len(rects) == 4 + 16 + 4
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.intersects(b)
    for grid in grids.channel_grids.all_grids():
        if grid.isVisible():
            assert grid.number_font() is not None, grid.title()  # numbers never dropped
    # what does not fit scrolls: every grid can be brought into view
    assert grids.canvas.width() >= max(r.right() for r in rects)
    assert grids.canvas.height() >= max(r.bottom() for r in rects)
    assert not visible_rect(tab.main_view(), window).isEmpty()
    window.set_presentation(False, full_screen=False)


def test_image_mode_in_colour_shows_each_channel_and_each_output(qtbot):
    rng = np.random.default_rng(3)
    colour = rng.integers(0, 256, size=(9, 11, 3)).astype(float)
    model = ConvModel(
        picture_loader=lambda path: colour.mean(axis=2), colour_loader=lambda path: colour
    )
    tab = ConvTab(model)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    tab.load_preset(PRESET_RGB)
    view = tab.image_view.channel_pictures
    assert view.isVisible() and not tab.image_view.plots.isVisible()
    for c in range(3):
        np.testing.assert_array_equal(view.shown_levels(c), tinted(colour[:, :, c], c))
    assert view.titles()[:4] == ["Red", "Green", "Blue", "Picture"]
    s = model.settings
    x = np.moveaxis(colour, -1, 0)
    expected = brute_conv2d(x, s.weight_stack(), s.bias_vector(), s.stride, s.padding, 1)
    assert model.image.channels.output.shape == expected.shape
    np.testing.assert_allclose(model.image.channels.output, expected, atol=1e-9)
    view.output_boxes[1].pixelHovered.emit(4, 5)
    label = tab.captions.explain_label.text()
    assert "Output channel 2, row 5, column 6" in label and "Σ blue" in label
    assert label.rstrip().endswith("") and f"= {expected[1, 4, 5]:g}" in label
    assert view.window_rects()[0] == (5 - s.padding, 4 - s.padding, 3, 3)
    assert view.output_boxes[1].ring() == (5.5, 4.5) and view.output_boxes[0].ring() is None
    assert view.channel_boxes[0].ring() == (5 - s.padding + 1.5, 4 - s.padding + 1.5)
    assert "3×9×11 ⋆ 2×3×3×3 → 2×9×11" in tab.captions.formula_label.text()
    assert view.slices[0][0].set_cell_text(1, 1, "5")  # the slices are typed into in place
    assert model.settings.weight_stack()[0, 0, 1, 1] == 5
    tab.panel.in_channels_box.setValue(2)
    assert "1 or 3" in tab.captions.formula_label.text()
    tab.load_preset(PRESET_4A)
    assert not view.isVisible()


def test_the_colour_sample_has_each_shape_in_its_own_channel(qtbot):
    from visualizer.tabs.conv.pictures import PictureStore

    store = PictureStore()
    colour, note = store.colour(None)
    assert note == "" and colour.shape == (384, 384, 3)
    np.testing.assert_array_equal(colour[130, 80], [255, 0, 0])  # the red square
    np.testing.assert_array_equal(colour[132, 256], [0, 255, 0])  # the green disc
    np.testing.assert_array_equal(colour[330, 95], [0, 0, 255])  # the blue triangle
    missing, note = store.colour("/no/such/picture.png")
    assert "Showing the sample picture instead" in note
    np.testing.assert_array_equal(missing, colour)


def test_a_lesson_with_channels_round_trips_through_the_window(qtbot):
    from visualizer.lesson import lesson_from_text, lesson_to_text

    window = create_window(initial_tab="conv")
    qtbot.addWidget(window)
    tab = window.current_tab()
    tab.load_preset(PRESET_CHANNELS)
    tab.grids.channel_grids.inputs[1].set_cell_text(0, 0, "7")
    tab.grids.channel_grids.outputs[1].cellClicked.emit(1, 1)
    text = lesson_to_text(window.lesson())
    other = create_window(initial_tab="descent")
    qtbot.addWidget(other)
    other.apply_lesson(lesson_from_text(text))
    again = other.tab("conv")
    assert other.lesson().tabs["conv"] == window.lesson().tabs["conv"]
    assert again.model.settings.input_stack()[1, 0, 0] == 7
    np.testing.assert_array_equal(
        again.grids.channel_grids.outputs[1].values(), expected_output(tab.model)[1]
    )
    assert again.focus_text().startswith("Output channel 2, row 2, column 2")


def test_channel_grids_are_made_the_first_time_channels_show(qtbot):
    # A one-channel lesson never pays for the 34 channel grids; they appear with channels.
    from visualizer.tabs.lazy_view import made

    widget = shown_tab(qtbot, ConvTab(), 1280, 800)
    widget.load_preset(PRESET_4A)
    assert made(widget.grids, "channel_grids") is None
    assert "input_grid" in widget.grids.grid_rects()
    widget.load_preset(PRESET_CHANNELS)
    channels = made(widget.grids, "channel_grids")
    assert channels is not None and "channel_input_1" in widget.grids.grid_rects()
    widget.load_preset(PRESET_4A)
    shown = widget.grids.grid_rects()
    assert "input_grid" in shown and "channel_input_1" not in shown
    assert all(grid.isHidden() for grid in channels.all_grids())
