"""Practice mode on the Convolution tab: the output size first, then clicked cells, then pooling.

The answers are the sheet's numbers (REFERENCE.md section 4) or worked out here by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import shown_tab
from visualizer.app import create_window
from visualizer.exercises import from_code, generate
from visualizer.lesson import lesson_from_text, lesson_to_text
from visualizer.tabs.conv.model import PRESET_4B, ConvModel
from visualizer.tabs.conv.tab import ConvTab

F_PRIME = [[15.5, 21, 27, 8], [4.5, 30, 9.5, 22.5], [13.5, -6.5, 18, 4], [-5, 6, -12.5, 4.5]]


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, ConvTab())
    widget.set_practice(True)
    yield widget
    widget.play_controls.pause()


def seed_of(kind: str) -> int:
    """The first seed whose first exercise the tab shows is of ``kind``."""
    model = ConvModel()
    for seed in range(200):
        if model.new_exercise(seed).kind == kind:
            return seed
    raise AssertionError(kind)


def test_practice_hides_exactly_the_asked_values(tab):
    grids = tab.grids
    assert grids.output_grid.hidden().all()
    assert grids.pool_grid.hidden().all()
    assert not grids.input_grid.hidden().any() and not grids.kernel_grid.hidden().any()
    assert grids.output_grid.shown_text(0, 0) == ""
    assert "?x?" in grids.output_grid.title()
    formula = tab.captions.formula_label.text()
    assert "?" in formula and "= 4" not in formula
    # the products of the pinned cell stay (they are the working), its total does not
    assert tab.focus_text().endswith("1*1.5 = ?")
    assert tab.answer_box.question() == "Output size (rows = columns) ="
    assert tab.answer_box.tolerance() == "exact answer"
    # off again: everything shows
    tab.set_practice(False)
    assert not grids.output_grid.hidden().any()
    assert tab.focus_text().endswith("= 15.5")
    assert not tab.answer_box.isVisible()


def test_a_right_answer_shows_the_value_and_asks_the_next(tab):
    tab.answer_box.type_answer("4")
    assert "= 4" in tab.captions.formula_label.text()
    assert tab.grids.output_grid.title().startswith("Output 4x4")
    assert tab.answer_box.question() == "Output row 1, column 1 ="
    tab.answer_box.type_answer("15.5")
    hidden = tab.grids.output_grid.hidden()
    assert not hidden[0, 0] and hidden.sum() == 15
    assert tab.grids.output_grid.shown_text(0, 0) == "15.5"
    assert tab.practice_score() == "2 of 2 right"
    assert tab.answer_box.question() == "Output row 1, column 2 ="


def test_a_clicked_cell_is_asked_next_and_a_wrong_answer_shows_the_working(tab):
    tab.answer_box.type_answer("4")
    tab.grids.output_grid.cellClicked.emit(3, 2)  # the sheet's -2.5 slip
    assert tab.answer_box.question() == "Output row 4, column 3 ="
    assert tab.focus_text().endswith("= ?")
    tab.answer_box.type_answer("-2.5")
    verdict = tab.answer_box.verdict()
    assert "You wrote -2.5; it is −12.5" in verdict
    # the worked step: the window and the sum of products with the right total
    assert "covers rows 4 to 6 and columns 3 to 5" in verdict
    assert "= -12.5" in verdict
    assert tab.grids.output_grid.shown_text(3, 2) == "-12.5"
    assert tab.practice_score() == "1 of 2 right"


def test_reveal_and_unreadable_answers(tab):
    tab.answer_box.type_answer("four")
    assert tab.practice_score() == "no answers yet"  # not graded: the score stays
    assert tab.grids.output_grid.hidden().all()
    tab.model.reveal_answer()
    assert "= 4" in tab.captions.formula_label.text()
    assert tab.practice_score() == "0 of 1 right"


def test_pooled_cells_come_after_the_output_cells(tab):
    model = tab.model
    tab.answer_box.type_answer("4")
    for r in range(4):
        for c in range(4):
            assert tab.answer_box.question() == f"Output row {r + 1}, column {c + 1} ="
            # the first pooled cell's sum would show output values not worked out yet
            model.hover("pool", 0, 0)
            if r < 1 or (r == 1 and c < 2):
                assert "15.5 +" not in tab.focus_text()
            assert tab.focus_text().endswith("?") or "?" in tab.focus_text()
            model.hover("pool", -1, -1)
            tab.answer_box.type_answer(str(F_PRIME[r][c]))
    assert tab.answer_box.question() == "Pooled row 1, column 1 ="
    assert tab.grids.pool_grid.hidden().all()
    tab.answer_box.type_answer("17.75")  # (15.5 + 21 + 4.5 + 30)/4, not the sheet's 11.75
    assert tab.grids.pool_grid.shown_text(0, 0) == "17.75"
    assert tab.practice_score() == "18 of 18 right"


def test_new_exercise_loads_a_cell_exercise_with_its_cell_pinned(tab):
    seed = seed_of("conv_cell")
    code = tab.new_exercise(seed)
    exercise = from_code(code)
    assert exercise.kind == "conv_cell" and tab.answer_box.code() == f"Exercise {code}"
    data = exercise.data
    n = len(data["image"])
    assert tab.model.result.input.tolist() == np.asarray(data["image"], float).tolist()
    assert tab.model.focus == ("conv", data["row"], data["column"])
    size = (n + 2 * data["padding"] - len(data["kernel"])) // data["stride"] + 1
    tab.answer_box.type_answer(str(size))
    assert (
        tab.answer_box.question() == f"Output row {data['row'] + 1}, column {data['column'] + 1} ="
    )
    tab.answer_box.type_answer(str(exercise.answer))
    assert tab.practice_score() == "2 of 2 right"


def test_new_exercise_of_a_stride_hides_the_solver(tab):
    seed = seed_of("stride")
    exercise = from_code(tab.new_exercise(seed))
    assert tab.answer_box.question() == "The stride s ="
    assert tab.panel.solver_label.text().startswith("?")
    tab.answer_box.type_answer(str(exercise.answer) if exercise.answer != "impossible" else "x")
    tab.model.reveal_answer()
    assert "s = (n + 2p - f)" in tab.panel.solver_label.text()


def test_new_exercise_of_a_pooled_cell_asks_pooled_cells_only(tab):
    seed = seed_of("pool_cell")
    exercise = from_code(tab.new_exercise(seed))
    data = exercise.data
    assert (
        tab.answer_box.question() == f"Pooled row {data['row'] + 1}, column {data['column'] + 1} ="
    )
    assert not tab.grids.output_grid.hidden().any()
    tab.answer_box.type_answer(str(exercise.answer))
    assert tab.practice_score() == "1 of 1 right"


def test_every_generated_kind_loads(tab):
    kinds = set()
    for seed in range(40):
        for exercise in generate("conv", seed, count=5):
            tab.model.load_exercise(exercise)
            kinds.add(exercise.kind)
            assert tab.model.current_question() is not None
    assert kinds == {"output_size", "padding", "stride", "conv_cell", "pool_cell"}


def test_the_4b_preset_hides_the_large_solver_answer_in_practice(tab):
    tab.set_practice(False)
    tab.load_preset(PRESET_4B)
    assert "4/3" in tab.captions.formula_label.text()
    tab.set_practice(True)
    assert "4/3" not in tab.captions.formula_label.text()


def test_lesson_round_trip_in_practice_mode(qtbot):
    window = create_window(initial_tab="conv")
    qtbot.addWidget(window)
    window.set_practice(True)
    tab = window.current_tab()
    code = tab.new_exercise(seed_of("conv_cell"))
    tab.answer_box.type_answer("1")
    text = lesson_to_text(window.lesson())
    state = window.lesson().tabs["conv"]
    other = create_window(initial_tab="descent")
    qtbot.addWidget(other)
    other.apply_lesson(lesson_from_text(text))
    again = other.tab("conv")
    assert other.is_practice() and other.current_key() == "conv"
    assert other.models["conv"].practice.code == code
    assert again.practice_score() == tab.practice_score()
    assert other.lesson().tabs["conv"] == state
    assert again.model.current_question().key == "size"  # answers start afresh
    assert again.grids.output_grid.hidden().all()


def test_a_wrong_answer_pins_its_cell_so_the_line_below_writes_the_sum(tab):
    tab.answer_box.type_answer("4")
    tab.answer_box.type_answer("15.5")
    tab.answer_box.type_answer("20")  # row 1, column 2 is 21
    assert tab.model.focus == ("conv", 0, 1)
    assert tab.focus_text().startswith("Output row 1, column 2 = ")
    assert tab.focus_text().endswith("= 21")
    assert tab.grids.input_grid.highlight() == (0, 3, 1, 4)  # its window on the padded input
    assert tab.answer_box.question() == "Output row 1, column 3 ="


@pytest.mark.parametrize("preset", [0, 1, 3, 4])
def test_the_practice_bar_keeps_the_grids_large_at_1024x768(qtbot, preset):
    window = create_window(initial_tab="conv")
    qtbot.addWidget(window)
    window.show()
    window.set_presentation(True, full_screen=False)
    window.resize(1024, 768)
    tab = window.current_tab()
    tab.load_preset(tab.presets()[preset])
    qtbot.wait(10)
    off = tab.grids.cell_size()
    tab.set_practice(True)
    qtbot.wait(10)
    asked = tab.grids.cell_size()
    height = tab.answer_box.height()
    tab.answer_box.type_answer("1")  # wrong: the verdict and its working are long
    qtbot.wait(10)
    verdict = tab.compact_practice.verdict
    assert verdict.isVisible() and verdict.toolTip() == tab.answer_box.verdict()
    assert verdict.text().endswith("…") and "You wrote 1" in verdict.text()
    assert tab.answer_box.height() == height  # one line, whatever the verdict says
    # (the line under the grids may now write the answered cell's sum: a few pixels less)
    for cells in (asked, tab.grids.cell_size()):
        assert cells >= 0.8 * off and cells >= 36, (off, cells)
    assert (window.width(), window.height()) == (1024, 768)
    window.set_presentation(False, full_screen=False)
