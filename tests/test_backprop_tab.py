"""The backprop tab driven through its controls; assertions on the data it shows.

Values shown are checked against hand loops written here (the forward pass) and against
``mlp_gradients`` (itself checked against finite differences in test_compute_backprop.py).
What is shown is read through the strips' and views' read methods, never pyqtgraph or
painter internals.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.helpers import shown_tab
from visualizer.compute import mlp_gradients, random_problem
from visualizer.tabs.backprop.model import PRESETS, BackpropModel
from visualizer.tabs.backprop.tab import BackpropTab


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, BackpropTab(), 1280, 730)
    yield widget
    widget.play_controls.pause()


def set_sizes(tab, N, M, K):
    tab.controls.n_spin.setValue(N)
    tab.controls.m_spin.setValue(M)
    tab.controls.k_spin.setValue(K)


def hand_forward(x, W1, b1):
    N, M = W1.shape
    return np.array([[sum(x[0, n] * W1[n, m] for n in range(N)) + b1[0, m] for m in range(M)]])


def column(table, col):
    return [table.item(r, col).text() for r in range(table.rowCount())]


def all_label_text(tab) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in tab.findChildren(QLabel))


# ----- first view and shapes -------------------------------------------------------------------
def test_first_view_is_the_exercise_3_shapes(tab):
    assert tab.controls.preset_combo.currentText().startswith("Exercise 3")
    assert tab.pages.currentIndex() == 0
    shapes = tab.pages.shapes_table
    rows = {
        r: (shapes.item(r, 1).text(), shapes.item(r, 2).text()) for r in range(shapes.rowCount())
    }
    names = column(shapes, 0)
    assert rows[names.index("x")] == ("1×N", "1×4")
    assert rows[names.index("W1")] == ("N×M", "4×3")
    assert rows[names.index("do/df2")] == ("K×K", "2×2")
    assert rows[names.index("da/df1")] == ("M×M", "3×3")
    # Block labels carry the letters and the numbers.
    w1 = tab.forward.strip.block("W1")
    assert "N×M" in w1.shape_label and "4×3" in w1.shape_label
    assert tab.controls.letters_check.isChecked()


def test_changing_N_M_K_updates_every_shape_label(tab):
    set_sizes(tab, 5, 6, 7)
    N, M, K = 5, 6, 7
    expected_forward = {
        "x": (1, N), "W1": (N, M), "b1": (1, M), "f1": (1, M), "a": (1, M), "W2": (M, K),
        "b2": (1, K), "f2": (1, K), "o": (1, K), "y": (1, K), "E": (1, 1),
    }  # fmt: skip
    for key, shape in expected_forward.items():
        block = tab.forward.strip.block(key)
        assert block.values.shape == shape, key
        assert f"{shape[0]}×{shape[1]}" in block.shape_label, key
    factors = [b for b in tab.chain.strip.blocks() if b.key.startswith("F")]
    assert [b.values.shape for b in factors] == [(1, K), (K, K), (K, M), (M, M), (M, N)]
    for block in factors:
        assert f"{block.values.shape[0]}×{block.values.shape[1]}" in block.shape_label
    assert tab.chain.strip.block("P").values.shape == (1, N)
    params = {b.key: b for b in tab.pages.params_strip.blocks()}
    assert params["dE_dW1"].values.shape == (N, M) and "5×6" in params["dE_dW1"].shape_label
    assert params["dE_db1"].values.shape == (1, M)
    assert params["dE_dW2"].values.shape == (M, K) and "6×7" in params["dE_dW2"].shape_label
    assert params["dE_db2"].values.shape == (1, K)
    table = tab.pages.shapes_table
    shapes = dict(zip(column(table, 0), column(table, 2), strict=True))
    assert shapes["W1"] == "5×6" and shapes["W2"] == "6×7" and shapes["dE/dx"] == "1×5"
    table = tab.pages.check_table
    checks = dict(zip(column(table, 0), column(table, 1), strict=True))
    assert checks["dE/dW1"] == "5×6" and checks["dE/dx"] == "1×5"
    assert tab.controls.class_spin.maximum() == K and tab.pages.element_spin.maximum() == N
    # Without letters only numbers remain.
    tab.controls.letters_check.setChecked(False)
    assert tab.forward.strip.block("W1").shape_label == "5×6"
    assert tab.chain.strip.block("F2").shape_label == "7×6"
    assert tab.model.settings.letters is False


# ----- values ----------------------------------------------------------------------------------
def test_values_shown_equal_the_forward_pass_and_mlp_gradients(tab):
    set_sizes(tab, 6, 4, 3)
    tab.controls.class_spin.setValue(2)
    tab.controls.seed_field.submit("7")
    p = random_problem(6, 4, 3, true_class=1, seed=7)
    strip = tab.forward.strip
    np.testing.assert_array_equal(strip.block("x").values, p.x)
    np.testing.assert_array_equal(strip.block("W2").values, p.W2)
    np.testing.assert_array_equal(strip.block("y").values, [[0, 1, 0]])
    np.testing.assert_allclose(strip.block("f1").values, hand_forward(p.x, p.W1, p.b1), atol=1e-14)
    g = mlp_gradients(*p.args())
    for key in ("a", "f2", "o", "E"):
        np.testing.assert_allclose(strip.block(key).values, g[key], rtol=1e-15)
    factors = [b.values for b in tab.chain.strip.blocks() if b.key.startswith("F")]
    for shown, key in zip(factors, ("dE_do", "J_o_f2", "J_f2_a", "J_a_f1", "J_f1_x"), strict=True):
        np.testing.assert_allclose(shown, g[key], rtol=1e-15)
    np.testing.assert_allclose(tab.chain.strip.block("P").values, g["dE_dx"], atol=1e-15)
    for key in ("dE_dW1", "dE_db1", "dE_dW2", "dE_db2"):
        np.testing.assert_allclose(tab.pages.params_strip.block(key).values, g[key], rtol=1e-15)
    # The shortcut table: o - y in the third column, equal digits in the second.
    table = tab.pages.shortcut_table
    np.testing.assert_allclose([float(t) for t in column(table, 2)], (g["o"] - p.y)[0], rtol=1e-9)
    assert column(table, 1) == column(table, 2)
    assert all(t.startswith("✓") for t in column(table, 3))


def test_gradient_check_reports_small_errors_for_random_sizes(tab):
    rng = np.random.default_rng(3)
    for _ in range(3):
        N, M, K = (int(v) for v in rng.integers(1, 30, size=3))
        set_sizes(tab, N, M, K)
        tab.controls.new_values_button.click()
        errors = [float(t) for t in column(tab.pages.check_table, 2)]
        assert len(errors) == 8
        assert all(e < 1e-6 for e in errors)
        assert all(t.startswith("✓") for t in column(tab.pages.check_table, 4))


def test_worked_element_is_the_sum_with_numbers(tab):
    tab.pages.setCurrentIndex(4)
    assert tab.model.settings.page == 4
    tab.pages.element_spin.setValue(3)
    assert tab.model.settings.element == 2
    p = random_problem(4, 3, 2, 0, seed=0)
    g = mlp_gradients(*p.args())
    by_hand = sum(g["dE_df1"][0, m] * p.W1[2, m] for m in range(3))
    text = tab.pages.worked_text()
    assert text.startswith("dE/dx_3 = Σ_m dE/df1_m · W1[3,m] = ")
    assert f"({p.W1[2, 0]:.4g})" in text and f"({g['dE_df1'][0, 0]:.4g})" in text
    assert text.split("\n")[0].endswith(f"= {by_hand:.4g}")


# ----- the chain: animation and what-if ---------------------------------------------------------
def test_chain_steps_forward_and_back_with_partial_shapes(tab):
    set_sizes(tab, 5, 4, 3)
    tab.rewind()
    assert tab.play_controls.frame() == 0 == tab.model.frame
    partial = tab.chain.strip.block("P")
    assert partial.title == "dE/do" and partial.values.shape == (1, 3)
    assert tab.chain.steps_text().startswith("<b>Start: dE/do [1×3]</b>")
    expected = [("dE/df2", (1, 3)), ("dE/da", (1, 4)), ("dE/df1", (1, 4)), ("dE/dx", (1, 5))]
    for name, shape in expected:
        tab.step_forward()
        partial = tab.chain.strip.block("P")
        assert (partial.title, partial.values.shape) == (name, shape)
        assert "<b>" in tab.chain.steps_text()
    tab.step_back()
    assert tab.chain.strip.block("P").title == "dE/df1"
    assert tab.model.frame == 3
    # Each adjacent pair's inner dimensions share a colour: A's columns bar = B's rows bar.
    factors = [b for b in tab.chain.strip.blocks() if b.key.startswith("F")]
    for left, right in itertools.pairwise(factors):
        assert left.col_bar is not None and left.col_bar == right.row_bar
        assert left.values.shape[1] == right.values.shape[0]
    # The factors not yet multiplied are faded, the newest one emphasized.
    assert [b.faded for b in factors] == [False, False, False, False, True]
    assert [b.emphasized for b in factors] == [False, False, False, True, False]


def test_the_timer_plays_the_chain(tab, qtbot):
    tab.rewind()
    tab.play_controls.set_fps(30.0)
    tab.toggle_play()
    qtbot.waitUntil(lambda: tab.model.frame == 4, timeout=3000)
    assert tab.chain.strip.block("P").title == "dE/dx"


def test_wrong_factor_switch_reports_the_mismatch_in_words(tab):
    combo = tab.chain.variant_combo
    combo.setCurrentIndex(combo.findData("W2"))
    verdict = tab.chain.verdict_text()
    assert "Cannot multiply dE/df2 [1×K = 1×2]" in verdict
    assert "[M×K = 3×2]" in verdict and "inner dimensions do not match" in verdict
    assert tab.inspector_text() == verdict[2:]
    assert tab.chain.verdict_color() == "#c62828"
    assert "≠" in tab.chain.strip.operators()
    assert "= ✗" in tab.chain.strip.operators()
    assert tab.play_controls.frame() == tab.play_controls.n_frames() - 1 == 2
    combo.setCurrentIndex(combo.findData("slope_row"))
    assert "1×M = 1×3" in tab.chain.verdict_text()
    combo.setCurrentIndex(combo.findData("no_diag"))
    assert "values are wrong" in tab.chain.verdict_text()
    combo.setCurrentIndex(combo.findData("correct"))
    assert tab.chain.verdict_text().startswith("✓")
    assert tab.chain.verdict_color() == "#2e7d32"
    assert tab.model.settings.variant == "correct"


# ----- hover, typing -----------------------------------------------------------------------------
def test_hovering_a_cell_shows_its_value_and_how_it_was_computed(tab, qtbot):
    strip = tab.forward.strip
    # Away first: a move to where the cursor already is sends no event.
    qtbot.mouseMove(strip, strip.rect().topLeft() + type(strip.rect().topLeft())(2, 2))
    with qtbot.waitSignal(strip.cellHovered, timeout=2000):
        qtbot.mouseMove(strip, strip.cell_center("f1", 0, 1))
    text = tab.inspector_text()
    assert text.startswith("f1[1,2] = ") and "Σ_n x[1,n] W1[n,2] + b1[2]" in text
    assert strip.explain("W1", 1, 2).startswith("W1[2,3] = ")
    assert "o[1,1] − y[1,1]" in tab.pages.params_strip.explain("dE_df2", 0, 0)
    assert tab.pages.params_strip.explain("T_x", 2, 0).startswith("xᵀ[3,1] = x[1,3] = ")
    assert "Σ_t" in tab.chain.strip.explain("P", 0, 0)
    assert "diag" in tab.chain.strip.explain("F1", 0, 0)
    assert tab.pages.shortcut_strip.explain("short", 0, 0).startswith("dE/df2[1,1] = ")
    # Clicking explains too (no hover on a touch screen).
    back = tab.chain.strip
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton, pos=back.cell_center("F3", 1, 1))
    assert tab.inspector_text().startswith("da/df1[2,2] = ")
    assert "a_2(1 − a_2)" in tab.inspector_text()


def test_numbers_in_cells_only_when_big_enough_and_hover_always(tab, qtbot):
    strip = tab.forward.strip
    assert strip.numbers_shown()
    tab.load_preset("Large: N = M = K = 32")
    qtbot.wait(10)
    assert not strip.numbers_shown()
    assert strip.cell_at(strip.cell_rect("W1", 31, 31).center()) == ("W1", 31, 31)
    assert strip.explain("W1", 31, 31).startswith("W1[32,32] = ")


def test_typing_a_value_refuses_bad_text_and_keeps_the_last_value(tab, qtbot):
    strip = tab.forward.strip
    field = tab.inspector.value_field
    qtbot.mouseDClick(strip, Qt.MouseButton.LeftButton, pos=strip.cell_center("x", 0, 2))
    assert field.isEnabled() and field.edit.hasFocus()
    assert tab.model.selected == ("x", 0, 2) == strip.selected()
    assert tab.inspector.value_label.text() == "x[1,3] ="
    before = strip.block("x").values.copy()
    assert not field.submit("abc")
    assert "not a number" in field.error()
    assert not field.submit("1e9")  # beyond the allowed size
    np.testing.assert_array_equal(strip.block("x").values, before)
    with qtbot.waitSignal(tab.statusMessage) as status:
        assert field.submit("0.5")
    assert status.args == ["x[1,3] set to 0.5."]
    x = strip.block("x").values
    assert x[0, 2] == 0.5 and x[0, 0] == before[0, 0]
    p = random_problem(4, 3, 2, 0, seed=0)
    np.testing.assert_allclose(strip.block("f1").values, hand_forward(x, p.W1, p.b1), atol=1e-14)
    assert "typed in" in strip.explain("x", 0, 2)
    # A computed tensor cannot be typed into.
    tab.select_cell("f1", 0, 0)
    assert not field.isEnabled()
    assert tab.inspector.value_label.text().startswith("f1 is computed, not typed")
    assert tab.inspector_text().startswith("f1[1,1] = ")
    # Typed values survive a size change when they still fit.
    tab.controls.k_spin.setValue(3)
    assert tab.forward.strip.block("x").values[0, 2] == 0.5


def test_seed_field_and_new_values(tab):
    w1 = tab.forward.strip.block("W1").values.copy()
    tab.controls.new_values_button.click()
    assert tab.controls.seed_field.value() == 1
    np.testing.assert_array_equal(
        tab.forward.strip.block("W1").values, random_problem(4, 3, 2, 0, 1).W1
    )
    assert not np.array_equal(tab.forward.strip.block("W1").values, w1)
    assert not tab.controls.seed_field.submit("-3")
    assert tab.controls.seed_field.value() == 1


def test_the_value_field_follows_the_selected_cell(tab):
    tab.select_cell("W2", 2, 1)
    assert tab.inspector.value_field.value() == random_problem(4, 3, 2, 0, seed=0).W2[2, 1]
    tab.controls.new_values_button.click()
    assert tab.inspector.value_field.value() == random_problem(4, 3, 2, 0, seed=1).W2[2, 1]
    tab.load_preset(tab.presets()[1])
    assert not tab.inspector.value_field.isEnabled()
    assert tab.forward.strip.selected() is None


# ----- presets, large logits, state ------------------------------------------------------------
def test_every_preset_loads_and_never_shows_nan_or_inf(tab):
    for name in tab.presets():
        tab.load_preset(name)
        assert tab.controls.preset_combo.currentText() == name
        text = all_label_text(tab) + "\n".join(
            tab.pages.check_table.item(r, c).text()
            for r in range(tab.pages.check_table.rowCount())
            for c in range(5)
        )
        words = set(text.lower().replace("(", " ").replace(")", " ").split())
        assert not words & {"nan", "inf", "-inf", "+inf"}, name
    with pytest.raises(KeyError):
        tab.load_preset("no such preset")


def test_choosing_a_preset_in_the_combo_loads_it(tab, qtbot):
    combo = tab.controls.preset_combo
    index = combo.findText("Exercise 3a: dE/df2 = o − y")
    with qtbot.waitSignal(tab.statusMessage):
        combo.activated.emit(index)
    assert tab.model.preset == "Exercise 3a: dE/df2 = o − y"
    assert tab.pages.currentIndex() == 1 and tab.play_controls.frame() == 1


def test_large_logits_stay_finite_and_explain_the_shortcut(tab):
    tab.load_preset("Large logits: |f2| ≈ 1000")
    f2 = tab.forward.strip.block("f2").values
    assert np.max(np.abs(f2)) > 900
    E = float(tab.forward.strip.block("E").values[0, 0])
    assert math.isfinite(E) and E == pytest.approx(f2[0, 0] - f2[0, 1], rel=1e-9)
    assert "underflowed" in tab.pages.shortcut_label.text()
    assert all(math.isfinite(float(t)) for t in column(tab.pages.shortcut_table, 2))


def test_state_round_trip(tab, qtbot):
    set_sizes(tab, 5, 3, 4)
    tab.controls.class_spin.setValue(3)
    tab.controls.seed_field.submit("12")
    tab.select_cell("W1", 1, 2)
    tab.inspector.value_field.submit("-0.75")
    tab.chain.variant_combo.setCurrentIndex(tab.chain.variant_combo.findData("no_diag"))
    tab.rewind()
    tab.step_forward()
    tab.pages.setCurrentIndex(3)
    tab.pages.element_spin.setValue(2)
    state = json.loads(json.dumps(tab.state()))
    other = BackpropTab()
    qtbot.addWidget(other)
    other.restore_state(state)
    assert other.state() == state
    for key in ("x", "W1", "f1", "o", "E"):
        np.testing.assert_array_equal(
            other.forward.strip.block(key).values, tab.forward.strip.block(key).values
        )
    assert other.forward.strip.block("W1").values[1, 2] == -0.75
    assert other.play_controls.frame() == 1
    assert other.chain.verdict_text() == tab.chain.verdict_text()
    assert other.pages.worked_text() == tab.pages.worked_text()
    assert other.pages.currentIndex() == 3
    assert other.controls.n_spin.value() == 5 and other.controls.class_spin.value() == 3


@pytest.mark.parametrize(
    "change",
    [
        {"N": 0},
        {"K": 65},
        {"true_class": 9},
        {"variant": "W3"},
        {"typed": [["W1", 9, 0, 1.0]]},
        {"typed": [["f1", 0, 0, 1.0]]},
        {"typed": [["x", 0, 0, 1e300]]},
        {"letters": "yes"},
        {"seed": -1},
    ],
)
def test_bad_state_is_refused_and_nothing_changes(tab, change):
    good = tab.state()
    with pytest.raises(ValueError):
        tab.restore_state({**good, **change})
    assert tab.state() == good
    with pytest.raises(ValueError):
        tab.restore_state(["not", "a", "dict"])  # type: ignore[arg-type]


def test_exports(tab):
    csv = tab.table_csv()
    assert csv.splitlines()[0].startswith("tensor,")
    assert "W1,N×M,4×3" in csv
    md = tab.worked_solution_markdown()
    assert "dE/df2" in md and "o − y" in md and "| W1 | first-layer weights | N×M | 4×3 |" in md


def test_presets_list():
    assert next(iter(PRESETS)).startswith("Exercise 3")


def test_a_tab_built_on_a_changed_model_shows_the_model(qtbot):
    model = BackpropModel()
    model.load_preset("Exercise 3b: dE/dx as a chain of factors")
    model.set_sizes(5, 3, 2)
    model.set_variant("no_diag")
    tab = BackpropTab(model)
    qtbot.addWidget(tab)
    assert tab.controls.n_spin.value() == 5
    assert tab.controls.preset_combo.currentText() == "Exercise 3b: dE/dx as a chain of factors"
    assert tab.chain.variant_combo.currentData() == "no_diag"
    assert tab.pages.currentIndex() == 4
    assert tab.play_controls.frame() == model.frame == model.frame_count() - 1
    assert tab.forward.strip.block("x").values.shape == (1, 5)
    # And a built tab follows the model.
    model.set_sizes(2, 3, 2)
    assert tab.controls.n_spin.value() == 2
    assert tab.forward.strip.block("x").values.shape == (1, 2)


def test_tab_in_the_window(qtbot):
    from visualizer.app import create_window

    window = create_window()
    qtbot.addWidget(window)
    tab = window.tab("backprop")
    assert isinstance(tab, BackpropTab) and tab.key == "backprop"
    assert tab.model is window.models["backprop"]
    tab.controls.n_spin.setValue(6)
    assert tab.forward.strip.block("x").values.shape == (1, 6)
    assert tab.main_view() is tab.picture


def test_lesson_applied_to_an_unbuilt_tab_shows_when_first_shown(qtbot):
    from visualizer.app import create_window
    from visualizer.lesson import Lesson
    from visualizer.topics import TOPIC_KEYS

    window = create_window(initial_tab="descent")
    qtbot.addWidget(window)
    index = TOPIC_KEYS.index("backprop")
    saved = {
        **window.models["backprop"].state(), "N": 6, "K": 3, "true_class": 2, "seed": 9,
        "typed": [["W2", 1, 2, 0.25]], "variant": "slope_row", "frame": 1, "page": 3,
        "element": 5, "letters": False, "preset": "Exercise 3a: dE/df2 = o − y",
    }  # fmt: skip
    window.apply_lesson(Lesson(tabs={"backprop": saved}, current_tab="descent"))
    assert not window.tabs.is_built(index)
    assert window.lesson().tabs["backprop"] == saved
    window.show_tab("backprop")
    assert window.tabs.is_built(index)
    tab = window.tab("backprop")
    assert tab.state() == saved
    assert tab.controls.n_spin.value() == 6 and tab.controls.k_spin.value() == 3
    assert tab.controls.class_spin.value() == 3
    assert tab.controls.seed_field.value() == 9
    assert not tab.controls.letters_check.isChecked()
    assert tab.controls.preset_combo.currentText() == "Exercise 3a: dE/df2 = o − y"
    assert tab.chain.variant_combo.currentData() == "slope_row"
    assert tab.play_controls.frame() == 1
    assert tab.pages.currentIndex() == 3 and tab.pages.element_spin.value() == 6
    assert tab.forward.strip.block("W2").values[1, 2] == 0.25
    assert tab.forward.strip.block("W1").shape_label == "6×3"


def test_a_failing_gradient_is_marked_clearly(tab):
    checks = tab.model.result.checks
    tab.pages.show_checks([replace(checks[0], max_rel_error=3e-4, passed=False), *checks[1:]])
    table = tab.pages.check_table
    assert table.item(0, 2).text() == "3.0e-04"
    assert table.item(0, 4).text().startswith("✗ ABOVE 1e-06")
    assert table.item(0, 4).background().color().name() == "#c62828"
    assert table.item(1, 4).text().startswith("✓")


def test_heatmap_colours_are_signed_and_grey_when_not_finite():
    from visualizer.tabs.backprop.blocks import cell_text, heatmap_rgb

    rgb = heatmap_rgb(np.array([[2.0, -2.0, 0.0, np.inf]]))
    blue, vermilion, white, grey = (tuple(int(v) for v in rgb[0, c]) for c in range(4))
    assert white == (255, 255, 255)
    assert blue[2] > blue[0] and vermilion[0] > vermilion[2]
    assert grey[0] == grey[1] == grey[2] < 200
    assert [cell_text(v) for v in (0.0, 0.126, -3.4, 12.34, 0.006, -1000.0, np.nan)] == [
        "0", "0.13", "-3.40", "12.3", "6e-3", "-1e3", "n/a",
    ]  # fmt: skip


def test_thin_vectors_can_still_be_hovered(tab, qtbot):
    tab.load_preset("Large: N = M = K = 32")
    strip = tab.forward.strip
    rect = strip.cell_rect("x", 0, 5)
    assert rect.height() < 8
    near = rect.center() + type(rect.center())(0, 4)  # a few pixels below the thin row
    assert strip.cell_at(near) == ("x", 0, 5)


def test_presentation_mode_refreshes_the_strips(tab, qtbot):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    font = app.font()
    bigger = app.font()
    bigger.setPointSizeF(font.pointSizeF() * 1.5)
    try:
        app.setFont(bigger)
        tab.set_presentation(True)
        qtbot.wait(20)
        strip = tab.forward.strip
        assert strip.font().pointSizeF() == pytest.approx(bigger.pointSizeF())
        assert strip.cell_at(strip.cell_rect("W1", 0, 0).center()) == ("W1", 0, 0)
        height = tab.inspector.inspector_label.minimumHeight()
        assert height == tab.inspector.fontMetrics().height() * 2 + 6
    finally:
        app.setFont(font)
        tab.set_presentation(False)


def test_controls_flow_onto_more_rows_when_one_does_not_fit(tab, qtbot):
    tab.resize(2400, 730)
    qtbot.waitUntil(lambda: tab.controls.row_count() == 1, timeout=2000)
    tab.resize(700, 730)
    qtbot.waitUntil(lambda: tab.controls.row_count() == 3, timeout=2000)
    assert tab.controls.minimumSizeHint().width() <= 700
    tab.resize(1280, 730)
    qtbot.waitUntil(lambda: tab.controls.row_count() == 2, timeout=2000)
