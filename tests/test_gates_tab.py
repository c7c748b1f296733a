"""The Logic gates tab, driven through its controls; asserts on what its views show."""

import json
from pathlib import Path

import numpy as np
import pytest

from visualizer.compute import GATE_PRESETS, decision_grid, gate_forward
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.tab import GatesTab
from visualizer.topics import TOPIC_KEYS

# Hand-written truth tables, rows AB = 00, 01, 10, 11.
HAND = {
    "AND": ["0", "0", "0", "1"],
    "OR": ["0", "1", "1", "1"],
    "NAND": ["1", "1", "1", "0"],
    "NOR": ["1", "0", "0", "0"],
    "XOR": ["0", "1", "1", "0"],
    "XNOR": ["1", "0", "0", "1"],
}
SHEET_OR = "Sheet 2b: “OR”"
SHEET_XNOR = "Sheet 2d: XNOR"
SHEET_XOR = "Sheet 2c: XOR"
LESSONS = Path(__file__).parents[1] / "resources" / "lessons"


@pytest.fixture
def tab(qtbot):
    widget = GatesTab()
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    yield widget
    widget.play_controls.pause()


def headers(tab):
    return tab.truth_table.headers()


def column(tab, name):
    return tab.truth_table.column(name)


def node_text(tab, index):
    return tab.network_view.node_text(index)


def set_activation(tab, key):
    box = tab.bar.activation_box
    box.setCurrentIndex(box.findData(key))


def test_first_view_is_xor_with_its_truth_table(tab):
    assert tab.bar.preset_box.currentText() == "XOR"
    assert column(tab, "Out") == HAND["XOR"]
    assert column(tab, "verdict") == ["✓"] * 4
    assert "XOR on all four rows" in tab.diagnosis_text.toPlainText()
    assert "z ≥ 0 counts as 1" in tab.bar.convention_label.text()


def test_tab_is_second_in_window(qtbot):
    from visualizer.app import create_window

    window = create_window(initial_tab="backprop")
    qtbot.addWidget(window)
    assert isinstance(window.tabs.widget(1), GatesTab)
    assert window.tab("gates").model is window.models["gates"]


def test_lesson_goes_to_the_model_and_the_tab_builds_from_it(qtbot):
    from visualizer.app import create_window
    from visualizer.lesson_io import read_lesson

    window = create_window(initial_tab="backprop")
    qtbot.addWidget(window)
    index = TOPIC_KEYS.index("gates")
    lesson = read_lesson(LESSONS / "exercise-2b-or.json")
    lesson.current_tab = "backprop"  # another tab stays on screen
    window.apply_lesson(lesson)
    assert not window.tabs.is_built(index)
    assert window.models["gates"].state() == lesson.tabs["gates"]
    window.show_tab("gates")
    assert window.tabs.is_built(index)
    tab = window.tab("gates")
    assert tab.bar.preset_box.currentText() == SHEET_OR
    assert column(tab, "Out") == ["0", "0", "0", "1"]
    assert column(tab, "verdict")[1:3] == ["✗ miss", "✗ miss"]
    assert "These weights make AND." in tab.diagnosis_text.toPlainText()
    assert tab.edit_page.param_label.text() == "bias of Out:"
    assert tab.regions.corners("missed") == [(0.0, 1.0), (1.0, 0.0)]
    # A tab already built redraws when the next lesson reaches its model.
    window.apply_lesson(read_lesson(LESSONS / "exercise-2c-xor.json"))
    assert tab.bar.preset_box.currentText() == SHEET_XOR
    assert node_text(tab, 4) == "Out\n1"
    assert tab.state() == read_lesson(LESSONS / "exercise-2c-xor.json").tabs["gates"]


def test_tab_built_on_a_model_shows_its_training_frame(qtbot):
    model = GatesModel()
    model.train()
    model.set_frame(40)
    model.set_page(1)
    tab = GatesTab(model)
    qtbot.addWidget(tab)
    assert tab.side_tabs.currentIndex() == 1
    assert tab.train_page.play_controls.frame() == 40
    assert tab.train_page.play_controls.n_frames() == model.frame_count()
    assert tab.train_page.marker_epoch() == float(model.run.epochs[40])
    assert tab.bar.edited_label.text() == "(trained)"
    tab.side_tabs.setCurrentIndex(0)
    assert model.focus.page == 0


def test_clicking_inputs_toggles_and_every_node_updates(tab):
    tab.load_preset("XOR")
    assert tab.inputs() == (1, 0)
    tab.network_view.click_node(0)  # A: 1 -> 0
    assert tab.inputs() == (0, 0)
    assert node_text(tab, 0) == "A\n0"
    tab.network_view.click_node(1)  # B: 0 -> 1
    assert tab.inputs() == (0, 1)
    tab.network_view.click_node(0)  # A: 0 -> 1
    assert tab.inputs() == (1, 1)
    for a, b in [(1, 1), (0, 1)]:
        if tab.inputs() != (a, b):
            tab.network_view.click_node(0)
        hidden, out = gate_forward(GATE_PRESETS["XOR"], np.array([a, b], float), "step")
        assert node_text(tab, 2) == f"C\n{int(hidden[0])}"
        assert node_text(tab, 3) == f"D\n{int(hidden[1])}"
        assert node_text(tab, 4) == f"Out\n{int(out[0])}"
    # By hand: C = OR(0, 1) = 1, D = NAND(0, 1) = 1, Out = AND(1, 1) = 1.
    assert [node_text(tab, k).split("\n")[1] for k in (2, 3, 4)] == ["1", "1", "1"]


def test_sigmoid_activations_shown_equal_gate_forward(tab):
    tab.load_preset(SHEET_XOR)
    set_activation(tab, "sigmoid")
    layers = tab.current_layers()
    hidden, out = gate_forward(layers, np.array(tab.inputs(), float), "sigmoid")
    shown = [float(node_text(tab, k).split("\n")[1]) for k in (2, 3, 4)]
    # The nodes show two significant digits.
    assert shown == [float(f"{v:.2g}") for v in (*hidden, out[0])]
    assert "σ(z), read as 1 when σ(z) ≥ 0.5" in tab.bar.convention_label.text()


@pytest.mark.parametrize("gate", list(HAND))
def test_every_preset_truth_table_matches_its_gate(tab, gate):
    for key in ("step", "step_strict", "sigmoid"):
        tab.load_preset(gate)
        set_activation(tab, key)
        out = column(tab, "Out")
        bits = [text.split("→")[-1].strip() for text in out]
        assert bits == HAND[gate], (gate, key)
        assert tab.bar.target_box.currentText() == gate
        assert column(tab, "verdict") == ["✓"] * 4


def test_sheet_or_is_reported_as_and(tab):
    tab.bar.preset_box.setCurrentIndex(tab.bar.preset_box.findText(SHEET_OR))
    tab.bar.preset_box.activated.emit(tab.bar.preset_box.currentIndex())
    set_activation(tab, "step")
    assert tab.target() == "OR"
    assert column(tab, "Out") == ["0", "0", "0", "1"]
    verdicts = column(tab, "verdict")
    assert verdicts[1].startswith("✗") and verdicts[2].startswith("✗")
    assert verdicts[3] == "✓ fragile"  # z = 0 exactly at A = B = 1
    text = tab.diagnosis_text.toPlainText()
    assert "These weights make AND." in text
    assert "A=1, B=0: z = 0.25*1 + 0.25*0 - 0.5 = -0.25 < 0, output 0; OR needs 1." in text
    # Missed rows are highlighted, right rows are not.
    c = headers(tab).index("verdict")
    miss_bg = tab.truth_table.item(2, c).background().color().name()
    ok_bg = tab.truth_table.item(0, c).background().color().name()
    assert miss_bg != ok_bg
    # The corners plot marks the two missed corners.
    assert tab.regions.corners("missed") == [(0.0, 1.0), (1.0, 0.0)]
    assert tab.regions.corner_labels() == ["00 → 0", "01 → 0", "10 → 0", "11 → 1"]


def test_sheet_xnor_depends_on_convention(tab):
    tab.load_preset(SHEET_XNOR)
    set_activation(tab, "step")
    verdicts = column(tab, "verdict")
    assert verdicts[1].startswith("✗") and verdicts[2].startswith("✗")
    assert not verdicts[0].startswith("✗") and not verdicts[3].startswith("✗")
    assert "fragile" in verdicts[1]
    assert column(tab, "z(D)")[1] == "0"
    set_activation(tab, "step_strict")
    assert "z > 0 counts as 1" in tab.bar.convention_label.text()
    assert column(tab, "Out") == HAND["XNOR"]
    assert all(v.startswith("✓") for v in column(tab, "verdict"))
    assert "XNOR on all four rows" in tab.diagnosis_text.toPlainText()


def test_sheet_and_only_with_geq(tab):
    tab.load_preset("Sheet 2a: AND")
    assert column(tab, "Out") == HAND["AND"]
    set_activation(tab, "step_strict")
    assert column(tab, "Out") == ["0", "0", "0", "0"]
    assert column(tab, "verdict")[3].startswith("✗")


def test_clicking_edge_selects_weight_and_worked_line(tab):
    tab.load_preset(SHEET_XOR)
    assert tab.inputs() == (1, 0)
    edges = tab.network_view.edge_keys()
    tab.network_view.click_edge(edges.index(("w", 0, 0, 0)))  # A -> C
    assert tab.edit_page.param_label.text() == "weight A → C:"
    assert tab.edit_page.param_field.value() == 1.0
    assert tab.worked_label.text() == (
        "C = step(1*A + (-1)*B - 0.5) = step(1*1 + (-1)*0 - 0.5) = step(0.5) = 1"
    )
    # Clicking a neuron selects its bias.
    tab.network_view.click_node(3)  # D
    assert tab.edit_page.param_label.text() == "bias of D:"
    assert tab.edit_page.param_field.value() == -0.5
    assert tab.worked_label.text().startswith("D = step(-1*A + 1*B - 0.5)")


def test_editing_weights_fixes_the_sheet_or(tab):
    tab.load_preset(SHEET_OR)
    edges = tab.network_view.edge_keys()
    for i in (0, 1):
        tab.network_view.click_edge(edges.index(("w", 0, i, 0)))
        assert tab.edit_page.param_field.submit("0.5")
    assert column(tab, "Out") == HAND["OR"]
    assert "These weights make OR on all four rows." in tab.diagnosis_text.toPlainText()
    assert tab.bar.edited_label.text() == "(edited)"
    assert tab.network_view.edge_text(0) == "0.5"


def test_bad_weight_text_refused_and_last_value_kept(tab):
    tab.load_preset(SHEET_OR)
    tab.network_view.click_edge(0)
    before = column(tab, "z")
    assert not tab.edit_page.param_field.submit("zero point five")
    assert "not a number" in tab.edit_page.param_field.error_label.text()
    assert tab.edit_page.param_field.value() == 0.25
    assert tab.current_layers()[0][0][0, 0] == 0.25
    assert column(tab, "z") == before
    assert not tab.edit_page.param_field.submit("nan")
    assert not tab.edit_page.param_field.submit("1e309")
    assert tab.current_layers()[0][0][0, 0] == 0.25
    # The side table refuses the same way.
    page = tab.edit_page
    page.type_in_table(1, "abc")  # weight B -> Out
    assert "not a number" in page.table_error_text()
    assert page.table_error_text().startswith("weight B → Out:")
    assert page.table_value(1) == "0.25"
    assert tab.current_layers()[0][0][1, 0] == 0.25
    # A good value in the table is taken.
    page.type_in_table(2, "-0.1")
    assert tab.current_layers()[0][1][0] == -0.1
    assert page.table_error_text() == ""


def test_huge_values_do_not_break_the_drawing(tab, qtbot):
    tab.load_preset("XOR")
    tab.show()
    qtbot.waitExposed(tab)
    edges = tab.network_view.edge_keys()
    tab.network_view.click_edge(edges.index(("w", 0, 0, 0)))
    assert tab.edit_page.param_field.submit("1e300")
    tab.network_view.click_node(4)
    assert tab.edit_page.param_field.submit("-1e300")
    tab.grab()  # draws without warnings (pytest turns warnings into errors)
    assert len(tab.network_view.edge_keys()) == 6
    widths = tab.network_view.edge_widths()
    assert widths.shape == (6,)
    assert np.all(np.isfinite(widths)) and widths.max() < 20
    for text in column(tab, "z(C)") + column(tab, "Out"):
        assert "nan" not in text and "inf" not in text
    set_activation(tab, "sigmoid")
    tab.grab()
    assert np.all(np.isfinite(tab.regions.image()))


def test_decision_regions_show_the_network(tab):
    tab.load_preset(SHEET_XOR)
    _coords, grid = decision_grid(tab.current_layers(), "step", -0.25, 1.25, 121)
    np.testing.assert_array_equal(tab.regions.image(), grid)
    assert tab.regions.line_count() == 2  # one line per hidden neuron
    assert tab.regions.legend_names()[-2:] == ["C: z = 0", "D: z = 0"]
    x, y = tab.regions.line_points(0)
    np.testing.assert_allclose(x - y, 0.5)  # C: A - B - 0.5 = 0
    assert tab.regions.corners("one") == [(0.0, 1.0), (1.0, 0.0)]
    assert tab.regions.corners("current") == [(1.0, 0.0)]
    set_activation(tab, "sigmoid")
    image = tab.regions.image()
    assert 0 < image.min() < image.max() < 1  # continuous shading for sigmoid


def test_training_from_fixed_seed_learns_xor_with_two_two_one(tab):
    tab.load_preset("XOR")
    tab.side_tabs.setCurrentIndex(1)
    tab.train_page.architecture_box.setCurrentIndex(
        tab.train_page.architecture_box.findData("2-2-1")
    )
    tab.train_page.seed_field.submit("0")
    tab.train_page.lr_field.submit("2")
    tab.train_page.train_button.click()
    tab.train_page.play_controls.pause()
    run = tab.training_run()
    assert run is not None and tab.activation() == "sigmoid"
    tab.rewind()
    first = tab.current_layers()
    tab.step_forward()
    assert not np.array_equal(first[0][0], tab.current_layers()[0][0])
    tab.train_page.play_controls.set_frame(run.n_frames - 1)
    bits = [t.split("→")[-1].strip() for t in column(tab, "Out")]
    assert bits == HAND["XOR"]
    assert "= XOR ✓" in tab.train_page.status_text()
    x, y = tab.train_page.loss_points()
    assert len(x) == run.n_frames and y[-1] < 0.05 < y[0]
    assert tab.train_page.marker_epoch() == x[-1]


def test_single_neuron_visibly_fails_on_xor(tab):
    tab.load_preset("XOR")
    tab.train_page.architecture_box.setCurrentIndex(
        tab.train_page.architecture_box.findData("single")
    )
    tab.train_page.train_button.click()
    tab.train_page.play_controls.pause()
    tab.train_page.play_controls.set_frame(tab.training_run().n_frames - 1)
    assert "≠ XOR" in tab.train_page.status_text()
    assert "ln 2" in tab.train_page.status_text()
    assert any(v.startswith("✗") for v in column(tab, "verdict"))
    assert len(tab.network_view.nodes) == 3


def test_editing_during_training_puts_run_aside(tab):
    tab.train_page.train_button.click()
    tab.train_page.play_controls.pause()
    assert tab.training_run() is not None
    tab.network_view.click_edge(0)
    assert tab.edit_page.param_field.submit("3")
    assert tab.training_run() is None
    assert tab.train_page.play_controls.n_frames() == 1


def test_state_round_trip(tab, qtbot):
    tab.load_preset(SHEET_XNOR)
    set_activation(tab, "step_strict")
    tab.bar.target_box.setCurrentText("XOR")
    tab.network_view.click_node(1)  # B -> 1
    tab.network_view.click_edge(2)
    assert tab.edit_page.param_field.submit("-2.5")
    state = tab.state()
    json.dumps(state)
    other = GatesTab()
    qtbot.addWidget(other)
    other.restore_state(state)
    assert other.state() == state
    for name in headers(tab):
        assert column(other, name) == column(tab, name)
    assert other.worked_label.text() == tab.worked_label.text()
    assert other.diagnosis_text.toPlainText() == tab.diagnosis_text.toPlainText()
    assert other.bar.convention_label.text() == tab.bar.convention_label.text()


def test_state_round_trip_with_training_frame(tab, qtbot):
    tab.train_page.seed_field.submit("3")
    tab.train_page.train_button.click()
    tab.train_page.play_controls.pause()
    tab.train_page.play_controls.set_frame(37)
    tab.bar.target_box.setCurrentText("XNOR")  # judged against another gate after training
    state = tab.state()
    json.dumps(state)
    other = GatesTab()
    qtbot.addWidget(other)
    other.restore_state(state)
    other.train_page.play_controls.pause()
    assert other.train_page.play_controls.frame() == 37
    assert other.state() == state
    assert column(other, "Out") == column(tab, "Out")
    assert other.train_page.status_text() == tab.train_page.status_text()


@pytest.mark.parametrize(
    "patch",
    [
        {"activation": "relu"},
        {"target": "MAYBE"},
        {"inputs": [0, 2]},
        {"layers": [[[[1.0], [1.0]], [float("nan")]]]},
        {"layers": [[[[1.0, 2.0]], [0.0]]]},
        {"preset": "nope"},
        {"frame": -1},
        {"selected_param": ["w", 5, 0, 0]},
    ],
)
def test_bad_state_refused_and_current_state_kept(tab, patch):
    tab.load_preset(SHEET_OR)
    good = tab.state()
    bad = {**good, **patch}
    with pytest.raises(ValueError):
        tab.restore_state(bad)
    assert tab.state() == good
    with pytest.raises(ValueError):
        tab.restore_state("not a dict")


def test_exports(tab):
    tab.load_preset(SHEET_OR)
    csv_text = tab.table_csv()
    lines = csv_text.strip().split("\n")
    assert lines[0] == "A,B,z,Out,OR needs,verdict"
    assert lines[3].startswith("1,0,-0.25,0,1,")
    md = tab.worked_solution_markdown()
    assert "Out = step(0.25*A + 0.25*B - 0.5) = step(0.25*1 + 0.25*0 - 0.5) = step(-0.25) = 0" in md
    assert "These weights make AND." in md


def test_presets_listed_and_unknown_refused(tab):
    names = tab.presets()
    assert names[:4] == ["Sheet 2a: AND", SHEET_OR, SHEET_XOR, SHEET_XNOR]
    assert set(HAND) <= set(names)
    assert [tab.bar.preset_box.itemText(i) for i in range(tab.bar.preset_box.count())] == names
    with pytest.raises(KeyError):
        tab.load_preset("NOT A GATE")


def test_presentation_mode(tab):
    tab.set_presentation(True)
    assert tab.network_view.node_size() > 70
    tab.set_presentation(False)
    assert tab.network_view.node_size() < 70


def test_keyboard_animation_without_run_is_harmless(tab):
    tab.toggle_play()
    tab.step_forward()
    tab.step_back()
    tab.rewind()
    assert not tab.train_page.play_controls.is_playing()


def test_restored_network_with_three_hidden_neurons_draws(tab):
    state = tab.state()
    state["layers"] = [
        [[[1.0, -1.0, 0.5], [-1.0, 1.0, 0.5]], [-0.5, -0.5, 0.0]],
        [[[1.0], [1.0], [-2.0]], [-0.5]],
    ]
    state["selected_param"] = ["w", 1, 2, 0]
    state["selected_node"] = [1, 0]
    tab.restore_state(state)
    assert len(tab.network_view.nodes) == 6
    assert headers(tab)[:8] == ["A", "B", "z(C)", "C", "z(D)", "D", "z(E)", "E"]
    assert tab.edit_page.param_label.text() == "weight E → Out:"
    # By hand: row 11: C = step(-0.5) = 0, D = 0, E = step(1) = 1, Out = step(-2 - 0.5) = 0.
    assert column(tab, "Out")[3] == "0"
    assert tab.regions.line_count() == 3


def _click_at(qtbot, view, x, y):
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    scene_point = view.getPlotItem().vb.mapViewToScene(QPointF(x, y))
    point = view.mapFromScene(scene_point)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_real_mouse_clicks_reach_nodes_and_edges(tab, qtbot):
    tab.load_preset(SHEET_XOR)
    tab.show()
    qtbot.waitExposed(tab)
    view = tab.network_view
    ax, ay = view.positions[0]
    _click_at(qtbot, view, ax, ay)  # input A: 1 -> 0
    assert tab.inputs() == (0, 0)
    edge = view.edge_keys().index(("w", 0, 1, 1))  # B -> D
    hx, hy = view.edge_handle_position(edge)
    _click_at(qtbot, view, hx, hy)
    assert tab.edit_page.param_label.text() == "weight B → D:"
    cx, cy = view.positions[2]
    _click_at(qtbot, view, cx, cy)
    assert tab.edit_page.param_label.text() == "bias of C:"


def test_changed_training_settings_ask_for_a_new_run(tab):
    tab.train_page.train_button.click()
    tab.train_page.play_controls.pause()
    assert not tab.train_page.status_text().startswith("Settings changed")
    tab.train_page.seed_field.submit("5")
    assert tab.train_page.status_text().startswith("Settings changed: press Train")
    tab.train_page.train_button.click()
    tab.train_page.play_controls.pause()
    assert tab.training_run().seed == 5
    assert not tab.train_page.status_text().startswith("Settings changed")
