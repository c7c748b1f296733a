"""The Logic gates tab on a projector: the picture gets the screen, nothing overlaps, all fits.

Measured on the whole window (``create_window()``) at the sizes lecture halls have, in normal
and presentation mode, through ``main_view()`` and the views' read methods.
"""

from __future__ import annotations

import pytest

from visualizer.app import create_window
from visualizer.layout_share import picture_share
from visualizer.lesson_io import read_lesson
from visualizer.tabs.gates.layout import Rect, layout_network, overlaps
from visualizer.tabs.gates.model import PRESETS, GatesModel
from visualizer.tabs.gates.texts import network_picture, truth_rows

SIZES = [(1024, 768), (1280, 720), (1920, 1080)]
SHEET_LESSONS = [
    "exercise-2a-and.json",
    "exercise-2b-or.json",
    "exercise-2c-xor.json",
    "exercise-2d-xnor.json",
]


@pytest.fixture
def window(qtbot):
    win = create_window(initial_tab="gates")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.set_presentation(False, full_screen=False)


def settle(qtbot, window, size, presentation=False):
    window.set_presentation(presentation, full_screen=False)
    window.resize(*size)
    qtbot.wait(30)
    for _ in range(3):
        qtbot.wait(10)
    assert (window.width(), window.height()) == size


def share(window) -> float:
    return picture_share(window)


def network_boxes(tab) -> list[Rect]:
    return tab.network_view.node_rects() + tab.network_view.label_rects()


# ----- the layout engine alone (no Qt) ----------------------------------------------------------
def _gate_net_boxes(hidden: int, width: float, height: float, node_max: float = 66.0):
    sizes = [2, hidden, 1] if hidden else [2, 1]
    n = sum(sizes)
    info = [None, None] + [(92.0, 36.0)] * (n - 2)
    starts = [0, 2, 2 + hidden] if hidden else [0, 2]
    edges = []
    for c in range(len(sizes) - 1):
        for i in range(sizes[c]):
            for j in range(sizes[c + 1]):
                edges.append((starts[c] + i, starts[c + 1] + j))
    layout = layout_network(
        sizes, width, height, node_max=node_max, node_min=34.0, info_sizes=info,
        edges=edges, edge_label_sizes=[(34.0, 22.0)] * len(edges), caption_size=(230.0, 36.0),
    )  # fmt: skip
    return layout


@pytest.mark.parametrize(
    ("hidden", "width", "height"),
    [
        *((h, w, ht) for h in (0, 1, 2) for w, ht in ((440, 260), (600, 300), (1130, 560))),
        *((h, w, ht) for h in (3, 4) for w, ht in ((600, 300), (900, 900), (1130, 560))),
    ],
)
def test_layout_engine_places_gate_nets_without_overlaps(hidden, width, height):
    layout = _gate_net_boxes(hidden, width, height)
    boxes = layout.node_rects() + layout.label_rects()
    assert overlaps(boxes) == []
    for box in boxes:
        assert box.inside(width, height), box
    assert layout.node_px >= 34.0


def test_layout_engine_uses_the_space_it_gets():
    small = _gate_net_boxes(2, 420, 260)
    large = _gate_net_boxes(2, 1130, 560, node_max=84.0)
    assert large.node_px >= small.node_px
    xs = large.centres[:, 0]
    assert xs.max() - xs.min() > 0.8 * 1130  # columns spread over the width


def test_overlaps_finds_pairs():
    boxes = [Rect(0, 0, 10, 10), Rect(5, 5, 10, 10), Rect(20, 20, 5, 5), Rect(10, 0, 5, 5)]
    assert overlaps(boxes) == [(0, 1)]  # touching edges (box 3) do not overlap


# ----- the whole window -------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_picture_share_and_no_overlap_in_both_modes(qtbot, window, size):
    tab = window.tab("gates")
    settle(qtbot, window, size)
    normal = share(window)
    normal_node = tab.network_view.node_size()
    normal_font = tab.worked_label.font().pointSizeF()
    assert normal >= 0.45, normal
    assert overlaps(network_boxes(tab)) == []
    settle(qtbot, window, size, presentation=True)
    assert tab.picture_layout.is_side_collapsed()
    presented = share(window)
    assert presented >= 0.60, presented
    # Nothing smaller in presentation than in normal mode.
    assert presented >= normal
    assert tab.network_view.node_size() >= normal_node
    assert tab.worked_label.font().pointSizeF() >= normal_font
    assert overlaps(network_boxes(tab)) == []
    width, height = tab.network_view.view_size()
    for box in network_boxes(tab):
        assert box.inside(width + 0.5, height + 0.5), box


@pytest.mark.parametrize("presentation", [False, True])
def test_window_fits_a_1024_by_768_projector(qtbot, window, presentation):
    settle(qtbot, window, (1024, 768), presentation)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1000 and hint.height() <= 768, hint
    tab_hint = window.tab("gates").minimumSizeHint()
    assert tab_hint.width() <= 1000, tab_hint


@pytest.mark.parametrize("lesson", SHEET_LESSONS)
@pytest.mark.parametrize("presentation", [False, True])
def test_shipped_exercises_show_every_number_at_1024(qtbot, window, lesson, presentation):
    window.apply_lesson(read_lesson(f"resources/lessons/{lesson}"))
    tab = window.tab("gates")
    settle(qtbot, window, (1024, 768), presentation)
    assert overlaps(network_boxes(tab)) == []
    view = tab.network_view
    width, height = view.view_size()
    # Every weight label and neuron info label is drawn, inside the drawing.
    for k, edge in enumerate(view.edges):
        assert view.edge_text(k) == edge.text
    for box in view.label_rects():
        assert box.inside(width + 0.5, height + 0.5), box
    picture = network_picture(tab.model)
    for k, node in enumerate(picture.nodes):
        assert view.node_text(k) == f"{node.name}\n{node.value_text}"
        assert view.info_text(k) == node.info
    # The truth table shows all four rows (no row scrolled away or cut).
    table = tab.truth_table
    if not presentation:
        rows = truth_rows(tab.model)
        for r in range(4):
            assert table.visualRect(table.model().index(r, 0)).bottom() < table.viewport().height()
            assert [table.item(r, c).text() for c in range(len(rows[r]))] == rows[r]
    # The regions' corner labels are all on screen and apart.
    assert tab.regions.corner_labels_apart()


@pytest.mark.parametrize("size", SIZES)
def test_legend_never_covers_the_regions(qtbot, window, size):
    tab = window.tab("gates")
    for presentation in (False, True):
        settle(qtbot, window, size, presentation)
        plot_area, legend = tab.regions.plot_and_legend_rects()
        # Side by side they may share a boundary pixel, never more.
        assert not plot_area.adjusted(0, 0, -1, -1).intersects(legend), (plot_area, legend)


def test_network_of_four_hidden_neurons_fits_at_1024(qtbot, window):
    model = window.models["gates"]
    state = model.state()
    state["layers"] = [
        [[[1.0, -1.0, 0.5, 2.0], [-1.0, 1.0, 0.5, -2.0]], [-0.5, -0.5, 0.0, 1.5]],
        [[[1.0], [1.0], [-2.0], [0.5]], [-0.5]],
    ]
    state["selected_param"] = ["b", 1, 0]
    state["selected_node"] = [1, 0]
    model.restore_state(state)
    tab = window.tab("gates")
    for presentation in (False, True):
        settle(qtbot, window, (1024, 768), presentation)
        assert overlaps(network_boxes(tab)) == []
        assert len(tab.network_view.label_rects()) >= 12 + 5  # every weight and neuron


def test_every_preset_draws_without_overlap(qtbot, window):
    tab = window.tab("gates")
    settle(qtbot, window, (1024, 768))
    for name in PRESETS:
        tab.load_preset(name)
        assert overlaps(network_boxes(tab)) == [], name


def test_side_panel_collapses_and_comes_back(qtbot, window):
    tab = window.tab("gates")
    settle(qtbot, window, (1280, 720))
    before = share(window)
    tab.toggle_side_panel()
    qtbot.wait(20)
    assert tab.picture_layout.is_side_collapsed()
    assert share(window) > before
    tab.toggle_side_panel()
    qtbot.wait(20)
    assert not tab.picture_layout.is_side_collapsed()
    assert tab.truth_table.isVisible()


def test_model_layout_needs_no_qt():
    # The picture's words come from the model; the layout engine is plain Python too.
    model = GatesModel()
    assert len(network_picture(model).nodes) == 5


@pytest.mark.parametrize("size", SIZES)
def test_playground_picture_share_and_no_overlap(qtbot, window, size):
    tab = window.tab("gates")
    for name in ("Playground: spiral", "Playground: XOR cloud"):
        tab.load_preset(name)
        tab.set_frame(3)
        for presentation in (False, True):
            settle(qtbot, window, size, presentation)
            assert share(window) >= (0.60 if presentation else 0.45), (name, presentation)
            assert overlaps(network_boxes(tab)) == [], (name, presentation)
            width, height = tab.network_view.view_size()
            for box in network_boxes(tab):
                assert box.inside(width + 0.5, height + 0.5), box
            # The loss curves and the status stay in view beside the picture.
            if not presentation:
                assert tab.playground_page.loss_plot.isVisible()
                assert tab.playground_page.loss_plot.height() >= 100
    settle(qtbot, window, size, False)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1000 and hint.height() <= 768
