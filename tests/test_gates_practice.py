"""Practice mode in the Logic gates tab: hidden values, answers, Reveal, score, exercises.

The expected values are worked by hand from the XOR preset's weights
(C = step(20A + 20B − 10), D = step(−20A − 20B + 30), Out = step(20C + 20D − 30)),
or by this file's own forward pass for generated nets, never read back from the tab.
"""

from __future__ import annotations

import math

import pytest

from visualizer.exercises import from_code, generate
from visualizer.lesson import lesson_from_text, lesson_to_text
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.tab import GatesTab

# XOR preset, by hand, rows AB = 00, 01, 10, 11: (zC, C, zD, D, zOut, Out).
XOR_ROWS = {
    "00": ("-10", "0", "30", "1", "-10", "0"),
    "01": ("10", "1", "10", "1", "10", "1"),
    "10": ("10", "1", "10", "1", "10", "1"),
    "11": ("30", "1", "-10", "0", "-10", "0"),
}
COLUMNS = ["z(C)", "C", "z(D)", "D", "z(Out)", "Out"]


@pytest.fixture
def tab(qtbot):
    widget = GatesTab()
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.load_preset("XOR")
    widget.set_practice(True)
    yield widget
    widget.set_practice(False)


def table(tab) -> dict[str, list[str]]:
    return {name: tab.truth_table.column(name) for name in tab.truth_table.headers()}


def hidden_cells(tab) -> set[tuple[str, str]]:
    """(row, column) of every truth-table cell showing "?"."""
    cells = table(tab)
    return {
        (f"{cells['A'][r]}{cells['B'][r]}", name)
        for name, column in cells.items()
        for r, text in enumerate(column)
        if text == "?"
    }


def forward(layers, a, b):
    """The step network by hand: z ≥ 0 counts as 1."""
    values = [a, b]
    for W, bias in layers:
        values = [
            1 if sum(W[i][j] * values[i] for i in range(len(values))) + bias[j] >= 0 else 0
            for j in range(len(bias))
        ]
    return values[0]


def test_practice_hides_exactly_the_asked_values(tab):
    assert tab.answer_box.isVisibleTo(tab)
    assert tab.answer_box.question() == "C for A = 1, B = 0:"
    # The network: inputs and weights stay, the neurons' outputs and z are asked.
    assert tab.network_view.node_text(0) == "A\n1"
    assert tab.network_view.node_text(1) == "B\n0"
    for k, name in ((2, "C"), (3, "D"), (4, "Out")):
        assert tab.network_view.node_text(k) == f"{name}\n?"
        assert tab.network_view.info_text(k).endswith("z = ?")
        assert tab.network_view.info_text(k).startswith("b = ")
    edges = [tab.network_view.edge_text(k) for k in range(6)]
    assert edges == ["20", "-20", "20", "-20", "20", "20"]  # A→C, A→D, B→C, B→D, C→Out, D→Out
    # The table: the current row's neurons, the other rows' output, and every verdict.
    expected = {("10", name) for name in COLUMNS}
    expected |= {(row, name) for row in ("00", "01", "11") for name in ("z(Out)", "Out")}
    expected |= {(row, "verdict") for row in XOR_ROWS}
    assert hidden_cells(tab) == expected
    cells = table(tab)
    for r, row in enumerate(XOR_ROWS):
        if row != "10":  # what is not asked stays: the hidden neurons of the other rows
            assert [cells[name][r] for name in COLUMNS[:4]] == list(XOR_ROWS[row][:4])
    assert cells["XOR needs"] == ["0", "1", "1", "0"]
    # What would give the outputs away: shading, corner labels, verdict sentences.
    assert tab.regions.image().max() == 0
    assert tab.regions.corner_labels() == ["00 → ?", "01 → ?", "10 → ?", "11 → ?"]
    assert tab.regions.corners("missed") == []
    assert "Work out the outputs first" in tab.diagnosis_text.toPlainText()
    assert "XOR on all four rows" not in tab.diagnosis_text.toPlainText()
    assert tab.worked_label.text() == "Out = step(20*C + 20*D - 30) = ?"
    # Practice off: every value is back.
    tab.set_practice(False)
    assert hidden_cells(tab) == set()
    assert tab.network_view.node_text(4) == "Out\n1"
    assert tab.regions.image().max() == 1


def test_right_answer_shows_the_value_and_asks_the_next(tab):
    tab.answer_box.type_answer("1")  # C = step(20·1 + 20·0 − 10) = step(10) = 1
    assert tab.practice_score() == "1 of 1 right"
    assert tab.network_view.node_text(2) == "C\n1"
    assert table(tab)["C"][2] == "1" and table(tab)["z(C)"][2] == "10"
    assert tab.worked_label.text().startswith("C = step(20*A + 20*B - 10) = step(20*1 + 20*0 - 10)")
    assert tab.answer_box.question() == "D for A = 1, B = 0:"
    assert tab.network_view.node_text(3) == "D\n?"


def test_wrong_answer_shows_the_worked_step_beside_the_typed_number(tab):
    tab.answer_box.type_answer("1")
    tab.answer_box.type_answer("0")  # D = step(−20 + 30) = step(10) = 1, not 0
    assert tab.practice_score() == "1 of 2 right"
    verdict = tab.answer_box.verdict()
    assert "You wrote 0; it is 1." in verdict
    assert "D = step(-20*A + (-20)*B + 30) = step(-20*1 + (-20)*0 + 30) = step(10) = 1" in verdict
    assert tab.network_view.node_text(3) == "D\n1"  # shown now, with its working below
    assert tab.worked_label.text().startswith("D = step(")
    assert tab.answer_box.question() == "Out for A = 1, B = 0:"


def test_unreadable_answers_keep_the_score(tab):
    for text in ("", "one", "nan", "0.5", "1e400"):
        tab.answer_box.type_answer(text)
        assert tab.practice_score() == "no answers yet"
        assert tab.network_view.node_text(2) == "C\n?"
    assert tab.answer_box.question() == "C for A = 1, B = 0:"


def test_reveal_then_the_truth_table_column_then_the_verdict(tab):
    tab.answer_box.reveal_button.click()  # C
    assert tab.network_view.node_text(2) == "C\n1"
    assert tab.practice_score() == "0 of 1 right"
    for text in ("1", "1"):  # D, Out on row 10
        tab.answer_box.type_answer(text)
    assert tab.regions.corner_labels()[2] == "10 → 1"
    assert tab.regions.image().max() == 0  # three rows still to go
    for row, text in (("00", "0"), ("01", "1"), ("11", "0")):
        assert tab.answer_box.question() == f"Out for A = {row[0]}, B = {row[1]}:"
        tab.answer_box.type_answer(text)
    assert tab.practice_score() == "5 of 6 right"
    assert hidden_cells(tab) == set()
    assert table(tab)["Out"] == ["0", "1", "1", "0"]
    assert tab.regions.image().max() == 1
    assert "XOR on all four rows" in tab.diagnosis_text.toPlainText()
    assert "Nothing left" in tab.answer_box.verdict() or tab.model.current_question() is None


def test_new_inputs_ask_that_row_and_a_new_network_asks_afresh(tab):
    tab.network_view.click_node(0)  # A: 1 -> 0, inputs 00
    assert tab.answer_box.question() == "C for A = 0, B = 0:"
    tab.answer_box.type_answer("0")  # C = step(−10) = 0
    assert tab.practice_score() == "1 of 1 right"
    tab.load_preset("AND")
    assert tab.answer_box.question() == "Out for A = 0, B = 0:"
    assert tab.network_view.node_text(2) == "Out\n?"
    assert tab.practice_score() == "1 of 1 right"  # the score stays


def test_sigmoid_neurons_ask_for_a_value_to_three_digits(tab):
    tab.load_preset("Sheet 2c: XOR")
    box = tab.bar.activation_box
    box.setCurrentIndex(box.findData("sigmoid"))
    # C = σ(1·1 − 1·0 − 0.5) = σ(0.5) = 1 / (1 + e^−0.5)
    c = 1 / (1 + math.exp(-0.5))
    assert "3 significant digits" in tab.answer_box.tolerance()
    tab.answer_box.type_answer(f"{c:.3f}")
    assert tab.practice_score() == "1 of 1 right"
    tab.answer_box.type_answer("0.5")  # D = σ(−1 + 0 − 0.5) = σ(−1.5) ≈ 0.182
    assert tab.practice_score() == "1 of 2 right"
    assert f"{1 / (1 + math.exp(1.5)):.3f}"[:4] in tab.answer_box.verdict()


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 5, 8])
def test_new_exercise_loads_the_generated_net(tab, seed):
    code = tab.new_exercise(seed)
    exercise = from_code(code)
    assert tab.answer_box.code() == f"Exercise {code}"
    assert exercise.kind in ("output", "truth_table")
    layers = exercise.data["layers"]
    assert [[W.tolist(), b.tolist()] for W, b in tab.current_layers()] == layers
    if exercise.kind == "output":
        assert list(tab.inputs()) == exercise.data["inputs"]
        a, b = exercise.data["inputs"]
        assert forward(layers, a, b) == exercise.answer
    else:
        rows = [(0, 0), (0, 1), (1, 0), (1, 1)]
        assert [forward(layers, a, b) for a, b in rows] == exercise.answer
    # Answer everything from this file's own forward pass: all right.
    while (asked := tab.model.current_question()) is not None:
        tab.answer_box.type_answer(str(asked.exercise.answer))
    column = [int(v) for v in table(tab)["Out"]]
    assert column == [forward(layers, a, b) for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]]
    right, asked = tab.model.practice.right, tab.model.practice.asked
    assert right == asked > 0


def test_exercises_the_tab_cannot_show_are_refused():
    model = GatesModel()
    weights = next(e for e in generate("gates", 4, count=12) if e.kind == "weights")
    before = model.state()
    with pytest.raises(ValueError, match="cannot show weights exercises"):
        model.load_exercise(weights)
    assert model.state() == before


def test_practice_works_in_presentation(tab):
    tab.set_presentation(True)
    assert tab.picture_layout.is_side_collapsed()
    assert tab.answer_box.isVisibleTo(tab)
    tab.answer_box.type_answer("1")
    assert tab.network_view.node_text(2) == "C\n1"
    tab.set_presentation(False)


def test_lesson_round_trip_in_practice_mode(qtbot):
    from visualizer.app import create_window

    window = create_window(initial_tab="gates")
    qtbot.addWidget(window)
    window.set_practice(True)
    code = window.new_exercise(7)
    tab = window.tab("gates")
    tab.answer_box.type_answer("2")  # not a bit: not graded
    tab.answer_box.reveal_button.click()
    text = lesson_to_text(window.lesson())
    layers = tab.current_layers()
    inputs = tab.inputs()

    other = create_window(initial_tab="descent")
    qtbot.addWidget(other)
    other.apply_lesson(lesson_from_text(text))
    assert other.is_practice()
    model = other.models["gates"]
    assert model.practice.code == code
    assert model.practice.score_text() == "0 of 1 right"
    assert model.focus.inputs == inputs
    assert all((W == W2).all() and (b == b2).all() for (W, b), (W2, b2) in zip(
        model.layers(), layers, strict=True))  # fmt: skip
    other.show_tab("gates")
    again = other.tab("gates")
    assert again.answer_box.code() == f"Exercise {code}"
    assert again.network_view.node_text(len(again.network_view.nodes) - 1).endswith("?")
