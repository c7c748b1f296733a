"""The convolution tab: driven through its controls, checked on the data it shows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from tests.helpers import shown_tab
from tests.reference import brute_correlate
from visualizer.compute import conv
from visualizer.tabs.conv.model import (
    PRESET_4A,
    PRESET_4A_TRUE,
    PRESET_4B,
    PRESET_4C,
    PRESET_4D,
    PRESET_FLOOR,
    PRESET_IMAGE,
    PRESET_MAX,
    ConvModel,
)
from visualizer.tabs.conv.picture import load_picture, sample_picture_path
from visualizer.tabs.conv.tab import ConvTab

# REFERENCE.md section 4, typed in.
F = [[3, 5, 2, 3], [9, 1, 8, 4], [6, 4, 3, 7], [7, 0, 2, 4]]
F_PRIME = [[15.5, 21, 27, 8], [4.5, 30, 9.5, 22.5], [13.5, -6.5, 18, 4], [-5, 6, -12.5, 4.5]]
F_TRUE_CONV = [[13.5, -18.5, 9, -12], [4, 21.5, 5, 11.5], [20.5, 10.5, 24.5, 17], [6, 24, 17, 13.5]]
POOLED = [[17.75, 16.75], [2, 3.5]]


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, ConvTab())
    yield widget
    widget.play_controls.pause()


brute = brute_correlate


def shown_output(tab):
    grid = tab.grids.output_grid
    assert grid.message() == ""
    return grid.values()


# ----- the exercise ----------------------------------------------------------------------------
def test_first_view_is_exercise_4(tab):
    assert tab.top_bar.preset_box.currentText() == PRESET_4A
    assert shown_output(tab).tolist() == F_PRIME
    assert tab.grids.output_grid.shown_text(3, 2) == "-12.5"
    assert tab.grids.pool_grid.values().tolist() == POOLED
    assert tab.grids.pool_grid.shown_text(0, 0) == "17.75"
    # the padded input: 6x6 with the zero ring marked as padding (not editable)
    padded = tab.grids.input_grid.values()
    assert padded.shape == (6, 6)
    assert padded[1:5, 1:5].tolist() == F
    assert not tab.grids.input_grid.is_editable(0, 0) and tab.grids.input_grid.is_editable(1, 1)
    assert "floor((4 + 2*1 - 3)/1) + 1 = 3 + 1 = 4" in tab.captions.formula_label.text()
    # the first cell's sum of products, as the issue writes it
    assert tab.focus_text() == (
        "Output row 1, column 1 = "
        "0*(-1) + 0*0.5 + 0*(-2) + 0*2 + 3*0 + 5*1 + 0*0 + 9*1 + 1*1.5 = 15.5"
    )
    assert tab.grids.input_grid.highlight() == (0, 3, 0, 3)


def test_true_convolution_preset_shows_flipped_kernel(tab):
    tab.load_preset(PRESET_4A_TRUE)
    assert shown_output(tab).tolist() == F_TRUE_CONV
    assert tab.grids.flipped_grid.isVisible()
    assert tab.grids.flipped_grid.values().tolist() == [[1.5, 1, 0], [1, 0, 2], [-2, 0.5, -1]]


def test_4b_solver_says_no_stride_works(tab):
    tab.load_preset(PRESET_4B)
    text = tab.panel.solver_label.text()
    assert "4/3" in text
    assert "stride 4/3 is not a whole number, so no stride works" in text
    assert (
        "stride 4/3 is not a whole number" in tab.captions.formula_label.text()
    )  # shown large too


def test_4c_pool_hover_text_and_sheet_note(tab):
    tab.load_preset(PRESET_4C)
    assert tab.focus_text() == "Pooled row 1, column 1 (average) = (15.5 + 21 + 4.5 + 30)/4 = 17.75"
    assert "11.75" in tab.captions.explain_label.text()  # the sheet's slip is named
    assert tab.grids.output_grid.highlight() == (0, 2, 0, 2)
    tab.hover_cell("pool", 1, 1)
    assert tab.focus_text().endswith("(18 + 4 + (-12.5) + 4.5)/4 = 3.5")
    assert tab.grids.output_grid.highlight() == (2, 4, 2, 4)


def test_4d_pooling_as_convolution_equals_the_pool(tab):
    tab.load_preset(PRESET_4D)
    assert tab.grids.as_conv_grid.isVisible()
    assert tab.grids.as_conv_grid.values().tolist() == POOLED
    assert "0.25" in tab.grids.as_conv_grid.title()
    assert tab.grids.as_conv_grid.caption() == "= the average pool"


def test_max_pool_marks_the_arg_max(tab):
    tab.load_preset(PRESET_MAX)
    assert tab.grids.pool_grid.values().tolist() == [[30, 27], [13.5, 18]]
    # hand-found positions of 30, 27, 13.5, 18 in F'
    assert sorted(tab.grids.output_grid.marks()) == [(0, 2), (1, 1), (2, 0), (2, 2)]
    assert tab.focus_text() == "Pooled row 1, column 1 (max) = max(15.5, 21, 4.5, 30) = 30"


# ----- typing and settings -----------------------------------------------------------------------
def test_typing_cells_updates_the_output(tab):
    assert tab.set_input_cell(0, 0, "10")
    assert tab.set_kernel_cell(2, 2, "-3")
    x = np.array(F, float)
    x[0, 0] = 10
    k = np.array(conv.EXERCISE4_KERNEL)
    k[2, 2] = -3
    np.testing.assert_allclose(shown_output(tab), brute(x, k, 1, 1), atol=1e-12)
    assert tab.panel.kernel_preset_box.currentText() == "Custom (typed)"


def test_typing_with_the_keyboard(tab, qtbot):
    grid = tab.grids.input_grid
    QTest.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(2, 2))  # input (1, 1)
    QTest.keyClicks(grid, "7")
    QTest.keyClick(grid.editor(), Qt.Key.Key_Return)
    assert tab.model.result.input[1, 1] == 7
    x = np.array(F, float)
    x[1, 1] = 7
    np.testing.assert_allclose(shown_output(tab), brute(x, conv.EXERCISE4_KERNEL, 1, 1))


def test_bad_cell_text_is_refused_in_place(tab):
    before = shown_output(tab).copy()
    assert not tab.set_input_cell(1, 2, "abc")
    assert "not a number" in tab.grids.input_grid.error()
    assert "keeps 8" in tab.grids.input_grid.error()
    assert tab.model.result.input[1, 2] == 8
    np.testing.assert_array_equal(shown_output(tab), before)
    for text in ("nan", "inf", "1e309", ""):
        assert not tab.set_kernel_cell(0, 0, text)
    assert tab.model.result.kernel[0, 0] == -1
    assert tab.set_input_cell(1, 2, "2")  # a good value clears the message
    assert tab.grids.input_grid.error() == ""


@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("mode", ["correlation", "convolution"])
def test_padding_stride_and_mode_controls(tab, padding, stride, mode):
    tab.top_bar.mode_box.setCurrentIndex(tab.top_bar.mode_box.findData(mode))
    tab.top_bar.padding_box.setValue(padding)
    tab.top_bar.stride_box.setValue(stride)
    k = np.array(conv.EXERCISE4_KERNEL)
    if mode == "convolution":
        k = k[::-1, ::-1]
    np.testing.assert_allclose(shown_output(tab), brute(F, k, padding, stride), atol=1e-12)


@pytest.mark.parametrize(
    ("n", "f", "p", "s"),
    [(4, 3, 1, 1), (5, 2, 0, 2), (4, 3, 0, 2), (6, 3, 1, 2), (7, 3, 0, 3), (5, 3, 1, 2)],
)
def test_shading_appears_exactly_when_the_formula_floors(tab, n, f, p, s):
    tab.panel.rows_box.setValue(n)
    tab.panel.cols_box.setValue(n)
    tab.panel.krows_box.setValue(f)
    tab.panel.kcols_box.setValue(f)
    tab.top_bar.padding_box.setValue(p)
    tab.top_bar.stride_box.setValue(s)
    rows, cols = tab.grids.input_grid.shaded()
    remainder = (n + 2 * p - f) % s  # worked out here, not asked of the tab
    trailing = [n + 2 * p - 1 - i for i in range(remainder)][::-1]
    assert rows == trailing and cols == trailing
    floors = "floors" in tab.captions.formula_label.text()
    assert floors == (remainder != 0)
    assert (tab.grids.input_grid.caption() != "") == (remainder != 0)


def test_kernel_larger_than_padded_input_shows_the_reason(tab):
    tab.panel.rows_box.setValue(2)
    tab.panel.cols_box.setValue(2)
    tab.top_bar.padding_box.setValue(0)
    assert "does not fit" in tab.grids.output_grid.message()
    assert "does not fit" in tab.captions.formula_label.text()
    assert tab.grids.pool_grid.message() != ""
    tab.top_bar.padding_box.setValue(1)  # and it recovers
    assert tab.grids.output_grid.message() == ""
    assert tab.grids.output_grid.values().shape == (2, 2)


def test_input_size_random_clear_and_paste(tab, monkeypatch):
    tab.panel.rows_box.setValue(6)
    tab.panel.cols_box.setValue(5)
    assert tab.model.result.input.shape == (6, 5)
    assert tab.model.result.input[:4, :4].tolist() == F  # kept
    tab.panel.random_button.click()
    x = tab.model.result.input
    assert x.shape == (6, 5) and ((x >= 0) & (x <= 9)).all()
    np.testing.assert_allclose(shown_output(tab), brute(x, conv.EXERCISE4_KERNEL, 1, 1))
    tab.panel.clear_button.click()
    assert not tab.model.result.input.any()
    QGuiApplication.clipboard().setText("1\t2\t3\n4, 5, 6\n7 8 9\n")
    tab.panel.paste_button.click()
    assert tab.model.result.input.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert tab.panel.rows_box.value() == 3
    QGuiApplication.clipboard().setText("1 2\n3 x\n")
    tab.panel.paste_button.click()
    assert "not a number" in tab.grids.input_grid.error()
    assert tab.model.result.input.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]


def test_kernel_presets(tab):
    index = tab.panel.kernel_preset_box.findText("Sobel x (vertical edges)")
    tab.panel.kernel_preset_box.setCurrentIndex(index)
    tab.panel.kernel_preset_box.activated.emit(index)
    assert tab.grids.kernel_grid.values().tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    np.testing.assert_allclose(
        shown_output(tab), brute(F, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], 1, 1)
    )


# ----- hover -------------------------------------------------------------------------------
def test_hover_text_matches_the_output_value(tab):
    out = shown_output(tab)
    for r in range(4):
        for c in range(4):
            tab.hover_cell("conv", r, c)
            text = tab.focus_text()
            assert text.startswith(f"Output row {r + 1}, column {c + 1} = ")
            assert float(text.rsplit("= ", 1)[1]) == out[r, c]
            assert tab.grids.input_grid.highlight() == (r, r + 3, c, c + 3)
    tab.hover_cell("conv", -1, -1)  # leaving returns to the pinned cell
    assert tab.focus_text().endswith("= 15.5")


def test_real_mouse_hover_and_click(tab, qtbot):
    grid = tab.grids.output_grid
    QTest.mouseMove(grid, grid.cell_center(3, 2))
    qtbot.waitUntil(lambda: "-12.5" in tab.focus_text())
    assert tab.focus_text().endswith("= -12.5")
    assert "-2.5 here" in tab.captions.explain_label.text()  # the sheet's slip is named
    QTest.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(1, 1))
    assert tab.model.focus == ("conv", 1, 1)


# ----- animation ---------------------------------------------------------------------------
def test_sliding_window_animation_fills_cells_in_order(tab):
    assert tab.has_animation()
    tab.rewind()
    assert tab.grids.output_grid.hidden().all()
    tab.step_forward()
    tab.step_forward()
    hidden = tab.grids.output_grid.hidden()
    assert not hidden[0, 0] and not hidden[0, 1] and hidden[0, 2] and hidden[3, 3]
    assert tab.focus_text().startswith("Output row 1, column 2 = ")
    assert tab.grids.input_grid.highlight() == (0, 3, 1, 4)
    tab.step_back()
    assert tab.grids.output_grid.hidden()[0, 1]
    tab.toggle_play()
    assert tab.play_controls.is_playing()
    tab.toggle_play()
    assert not tab.play_controls.is_playing()
    tab.play_controls.set_frame(tab.play_controls.n_frames() - 1)
    assert not tab.grids.output_grid.hidden().any()


# ----- image mode --------------------------------------------------------------------------
def test_image_mode_filters_the_sample_picture(tab):
    tab.load_preset(PRESET_IMAGE)
    assert tab.stack.currentIndex() == 1
    picture, filtered, pooled = tab.image_arrays()
    expected_picture = load_picture(sample_picture_path())
    np.testing.assert_array_equal(picture, expected_picture)
    sobel = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    # compare a patch against the brute-force loop (the whole picture would be slow)
    patch = brute(picture[:12, 100:112], sobel, 0, 1)
    np.testing.assert_allclose(filtered[1:11, 101:111], patch, atol=1e-9)
    assert pooled.shape == (filtered.shape[0] // 2, filtered.shape[1] // 2)
    np.testing.assert_allclose(pooled[0, 0], filtered[:2, :2].mean())
    shown = tab.image_view.shown_levels(1).astype(float)
    low, high = filtered.min(), filtered.max()
    np.testing.assert_allclose(shown, np.floor((filtered - low) / (high - low) * 255), atol=1)
    # editing the kernel updates the picture
    tab.image_view.kernel_grid.set_cell_text(1, 1, "1")
    _, filtered2, _ = tab.image_arrays()
    np.testing.assert_allclose(filtered2 - filtered, picture, atol=1e-9)
    assert max(picture.shape) <= 512


def test_open_picture_downscales_and_refuses_non_pictures(tab, tmp_path):
    from PySide6.QtGui import QColor, QImage

    big = QImage(1024, 600, QImage.Format.Format_RGB32)
    big.fill(QColor("gray"))
    path = tmp_path / "big.png"
    big.save(str(path))
    assert tab.open_picture(str(path))
    picture, _, _ = tab.image_arrays()
    assert picture.shape == (300, 512)
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    assert not tab.open_picture(str(bad))
    assert tab.image_arrays()[0].shape == (300, 512)  # the last picture is kept


# ----- state -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "preset",
    [PRESET_4A, PRESET_4A_TRUE, PRESET_4B, PRESET_4C, PRESET_4D, PRESET_FLOOR, PRESET_MAX],
)
def test_state_round_trip(tab, qtbot, preset):
    tab.load_preset(preset)
    tab.set_input_cell(0, 0, "2.5")
    tab.panel.pool_mode_box.setCurrentIndex(1)
    tab.step_forward()
    state = tab.state()
    json.dumps(state)  # JSON-serialisable
    other = ConvTab()
    qtbot.addWidget(other)
    other.restore_state(json.loads(json.dumps(state)))
    assert other.state() == state
    np.testing.assert_array_equal(other.grids.output_grid.values(), tab.grids.output_grid.values())
    np.testing.assert_array_equal(other.grids.output_grid.hidden(), tab.grids.output_grid.hidden())
    np.testing.assert_array_equal(other.grids.pool_grid.values(), tab.grids.pool_grid.values())
    assert other.focus_text() == tab.focus_text()


@pytest.mark.parametrize(
    "change",
    [
        {"input": "abc"},
        {"input": [[1, 2], [3]]},
        {"input": [[1, "x"]]},
        {"kernel": [[1.0] * 8] * 8},
        {"padding": -1},
        {"stride": 0},
        {"mode": "fft"},
        {"pool_mode": "median"},
        {"solver": [4, 2, 1]},
        {"focus": ["conv", -1, 0]},
        {"view": "3d"},
    ],
)
def test_bad_state_is_refused_and_nothing_changes(tab, change):
    before = tab.state()
    bad = {**before, **change}
    with pytest.raises(ValueError):
        tab.restore_state(bad)
    assert tab.state() == before
    with pytest.raises(ValueError):
        tab.restore_state("not a dict")


def test_exports(tab):
    csv = tab.table_csv().splitlines()
    assert csv[0] == "row,col 1,col 2,col 3,col 4"
    assert csv[4] == "4,-5,6,-12.5,4.5"
    md = tab.worked_solution_markdown()
    assert "0*(-1) + 0*0.5 + 0*(-2) + 0*2 + 3*0 + 5*1 + 0*0 + 9*1 + 1*1.5 = 15.5" in md
    assert "(15.5 + 21 + 4.5 + 30)/4 = 17.75" in md
    assert "11.75" in md  # the sheet's slip is named
    assert "-12.5" in md
    tab.set_presentation(True)
    tab.set_presentation(False)


def test_extreme_values_give_a_reason_not_inf(tab, qtbot):
    assert tab.set_input_cell(0, 0, "1e300")
    assert tab.set_kernel_cell(1, 1, "1e300")  # kernel centre lands on input (0, 0)
    assert "too large" in tab.grids.output_grid.message()
    assert "inf" not in tab.captions.explain_label.text()
    assert tab.set_kernel_cell(1, 1, "0")  # back to normal
    assert tab.grids.output_grid.message() == ""
    tab.load_preset(PRESET_IMAGE)
    tab.image_view.kernel_grid.set_cell_text(0, 0, "1e-320")  # a denormal weight
    for r in range(3):
        for c in range(3):
            tab.image_view.kernel_grid.set_cell_text(r, c, "1e-320")
    tab.image_view.plots.repaint()  # paints without a numpy warning (warnings are errors here)
    assert tab.image_arrays()[1] is not None


def test_solver_controls(tab):
    tab.panel.solve_for_box.setCurrentIndex(tab.panel.solve_for_box.findData("stride"))
    tab.panel.solver_other_box.setValue(0)
    tab.panel.solver_n_box.setValue(6)
    tab.panel.solver_f_box.setValue(2)
    tab.panel.solver_out_box.setValue(3)
    assert "stride 2 works" in tab.panel.solver_label.text()
    tab.panel.solve_for_box.setCurrentIndex(tab.panel.solve_for_box.findData("padding"))
    assert tab.model.settings.solver[2] == 1  # a given stride is at least 1
    assert "padding" in tab.panel.solver_label.text()
    tab.load_preset(PRESET_FLOOR)
    tab.panel.solver_use_button.click()
    assert tab.model.settings.solver == (5, 2, 0, 2)


def test_missing_picture_in_a_lesson_falls_back_to_the_sample(tab, tmp_path):
    state = tab.state()
    state["view"] = "image"
    state["picture_path"] = str(tmp_path / "gone.png")
    tab.restore_state(state)
    picture, filtered, _ = tab.image_arrays()
    np.testing.assert_array_equal(picture, load_picture(sample_picture_path()))
    assert filtered is not None
    assert "sample picture instead" in tab.captions.formula_label.text()


def test_picture_loading_keeps_gray_levels_and_row_padding(qtbot, tmp_path):
    from PySide6.QtGui import QColor, QImage

    from visualizer.tabs.conv import picture as conv_picture

    # 5 columns: Grayscale8 rows are padded to 8 bytes, which must not leak into the array
    image = QImage(5, 3, QImage.Format.Format_RGB32)
    levels = [[0, 40, 80, 120, 160], [200, 255, 10, 20, 30], [1, 2, 3, 4, 5]]
    for r, row in enumerate(levels):
        for c, v in enumerate(row):
            image.setPixelColor(c, r, QColor(v, v, v))
    path = tmp_path / "levels.png"
    image.save(str(path))
    assert conv_picture.load_picture(path).tolist() == levels
    assert conv_picture.load_picture(path, max_side=2).shape[1] == 2  # downscaled


def test_hovering_the_filtered_picture_explains_a_pixel(tab):
    tab.load_preset(PRESET_IMAGE)
    picture, filtered, _ = tab.image_arrays()
    text = tab.hover_image_pixel(100, 60)
    assert text.startswith("Filtered pixel row 101, column 61 = ")
    assert float(text.rsplit("= ", 1)[1]) == filtered[100, 60]
    # the window drawn on the picture: rows 99..101, columns 59..61 (padding 1, 3x3 kernel)
    assert tab.image_view.window_rect() == (59, 99, 3, 3)
    # the products use the picture's gray levels under that window
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert (picture[99:102, 59:62] * sobel).sum() == pytest.approx(filtered[100, 60])


# ----- the model and the views ------------------------------------------------------------------
def test_a_tab_built_on_a_model_shows_the_models_state(qtbot):
    model = ConvModel()
    model.load_preset(PRESET_MAX)
    model.set_frame(3)
    tab = ConvTab(model)
    qtbot.addWidget(tab)
    assert tab.top_bar.preset_box.currentText() == PRESET_MAX
    assert tab.panel.pool_mode_box.currentData() == "max"
    assert tab.play_controls.frame() == 3 and tab.play_controls.n_frames() == 17
    assert tab.grids.output_grid.hidden().sum() == 13
    assert tab.focus_text().startswith("Output row 1, column 3 = ")
    assert tab.grids.pool_grid.hidden().all()


def test_controls_and_model_bind_both_ways_without_echo(tab):
    words = []
    tab.model.subscribe(words.append)
    tab.top_bar.padding_box.setValue(2)
    assert words == ["settings"]  # one change, no echo back from the views
    assert tab.model.settings.padding == 2
    tab.model.change(stride=2, pool_source="input")
    assert tab.top_bar.stride_box.value() == 2
    assert tab.panel.pool_source_box.currentData() == "input"
    assert words == ["settings", "settings"]
    np.testing.assert_allclose(shown_output(tab), brute(F, conv.EXERCISE4_KERNEL, 2, 2))


def test_the_transport_bar_moves_the_models_frame(tab):
    tab.play_controls.set_frame(5)
    assert tab.model.frame == 5
    tab.model.set_frame(2)
    assert tab.play_controls.frame() == 2
    assert tab.state()["frame"] == 2


def test_a_lesson_pauses_the_animation(tab):
    tab.play_controls.set_frame(0)
    tab.toggle_play()
    assert tab.play_controls.is_playing()
    tab.model.load_preset(PRESET_4C)
    assert not tab.play_controls.is_playing()
    assert not tab.grids.pool_grid.hidden().any()


def test_presentation_makes_the_sum_larger(tab):
    normal = tab.captions.explain_label.font().pointSizeF()
    tab.set_presentation(True)
    assert tab.captions.explain_label.font().pointSizeF() > normal
    tab.set_presentation(False)
    assert tab.captions.explain_label.font().pointSizeF() == normal


# ----- in the window ---------------------------------------------------------------------------
def test_arrow_keys_move_the_cell_not_the_animation(qtbot):
    from visualizer.app import create_window

    window = create_window()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentIndex(3)
    tab = window.tabs.widget(3)
    assert isinstance(tab, ConvTab)
    grid = tab.grids.input_grid
    qtbot.waitUntil(grid.isVisible)
    QTest.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(1, 1))
    frame = tab.play_controls.frame()
    QTest.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected_cell() == (1, 2)
    assert tab.play_controls.frame() == frame
    QTest.keyClicks(grid, "4")
    QTest.keyClick(grid.editor(), Qt.Key.Key_Return)
    assert tab.model.result.input[0, 1] == 4
    # Escape while typing cancels the edit and keeps the value
    QTest.keyClicks(grid, "9")
    QTest.keyClick(grid.editor(), Qt.Key.Key_Escape)
    assert not grid.editor().isVisible()
    assert tab.model.result.input[0, 1] == 4


def test_lesson_applied_to_a_tab_not_yet_built(qtbot):
    from visualizer.app import create_window
    from visualizer.lesson_io import read_lesson
    from visualizer.resources_path import resource_path

    window = create_window(initial_tab="backprop")
    qtbot.addWidget(window)
    conv_index = 3
    assert not window.tabs.is_built(conv_index)
    lesson = read_lesson(resource_path("lessons") / "exercise-4c.json")
    lesson.current_tab = "backprop"  # another tab stays current
    window.apply_lesson(lesson)
    assert not window.tabs.is_built(conv_index)
    assert window.models["conv"].preset == PRESET_4C
    window.show_tab("conv")
    assert window.tabs.is_built(conv_index)
    tab = window.tabs.widget(conv_index)
    assert tab.model is window.models["conv"]
    assert tab.top_bar.preset_box.currentText() == PRESET_4C
    assert tab.focus_text() == "Pooled row 1, column 1 (average) = (15.5 + 21 + 4.5 + 30)/4 = 17.75"
    assert tab.grids.pool_grid.values().tolist() == POOLED
    assert tab.state() == lesson.tabs["conv"]


def test_image_view_is_built_the_first_time_image_mode_shows(qtbot):
    from visualizer.tabs.lazy_view import made

    # Start-up builds the grids only; image mode's nine plots wait until it is first shown.
    widget = ConvTab()
    qtbot.addWidget(widget)
    widget.set_presentation(True)
    assert made(widget, "image_view") is None
    widget.load_preset(PRESET_4C)
    assert made(widget, "image_view") is None
    widget.load_preset(PRESET_IMAGE)
    view = made(widget, "image_view")
    assert view is not None and widget.stack.currentWidget() is view
    # built late, it still gets the tab's styles (presentation titles are 5% larger)
    from visualizer.widgets.fonts import point_size

    assert view.title_points() == pytest.approx(point_size(widget.font()) * 1.05)
    widget.load_preset(PRESET_4C)
    assert widget.stack.currentWidget() is widget.grids
    assert widget.image_view is view  # built once


def _start_up_on_4c(tmp_path, then: str) -> list[str]:
    """Open exercise 4c as ``python -m visualizer --lesson`` does, paint the first window in
    a fresh process, run the code ``then`` (``window`` is the window); its printed words."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import sys
        from visualizer.cli import _create_application, create_window, render_screenshot
        from visualizer.lesson_io import read_lesson
        app = _create_application()
        window = create_window(None, initial_tab="conv")
        window.apply_lesson(read_lesson("resources/lessons/exercise-4c.json"))
        render_screenshot(window, {out!r})
        """
    ).format(out=str(tmp_path / "shot.png")) + textwrap.dedent(then)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        check=False, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def test_a_lesson_opened_at_start_up_shows_the_whole_explanation(tmp_path):
    # Exercise 4c opens on pooled cell (1, 1): its sum and, in red, the sheet's slip. Both
    # lines must be inside the explanation area of the first painted window.
    shown = _start_up_on_4c(
        tmp_path,
        """
        captions = window.tab("conv").captions
        print("sheet" in captions.explain_label.text(), captions.explain_area.whole_text_shown())
        """,
    )
    assert shown == ["True", "True"]


def test_a_plain_grids_lesson_builds_the_tab_without_the_other_features_code(tmp_path):
    # Start-up on exercise 4c: the grids tab is built and painted, yet nothing of the backward
    # pass, channels, transposed convolution or image mode is loaded (they load when shown).
    loaded = set(
        _start_up_on_4c(
            tmp_path,
            """
            window.tab("conv").focus_text()
            print(" ".join(sorted(sys.modules)))
            """,
        )
    )
    assert "visualizer.tabs.conv.tab" in loaded
    features = {
        f"visualizer.tabs.conv.{name}"
        for name in ("backward", "channels", "channel_grids", "transposed", "image_view",
                     "image_mode", "channel_image")
    } | {"visualizer.compute.conv_channels", "visualizer.compute.conv_transpose"}  # fmt: skip
    assert not features & loaded, sorted(features & loaded)
