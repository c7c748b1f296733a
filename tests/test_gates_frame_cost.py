"""What a training frame of the Logic gates playground redraws (issue 17's frame budget).

A frame must change pictures, not the window's layout: no widget may ask for a layout pass,
the network redraws only the edges whose look changed, and the maps are coloured with the
one colour scale. Expected colours come from the scale's end points written here.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject

from visualizer.tabs.gates.edges import EdgesItem
from visualizer.tabs.gates.maps import colour_indices, colour_rgba
from visualizer.tabs.gates.playground_settings import PlaygroundSettings

SPIRAL = PlaygroundSettings(dataset="spiral", n=120, test_ratio=0.25, hidden=(8, 8), lr=0.1,
                            epochs=400, features=("x", "y", "sin_x", "sin_y"))  # fmt: skip


class LayoutRequests(QObject):
    """Counts the layout passes widgets ask for while installed on the application."""

    def __init__(self) -> None:
        super().__init__()
        self.widgets: list[str] = []

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.widgets.append(type(obj).__name__)
        return False


@pytest.fixture
def window(qtbot):
    from visualizer.app import create_window

    win = create_window(initial_tab="gates")
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    tab = win.tab("gates")
    tab.load_preset("Playground: spiral")
    tab.model.set_playground(SPIRAL)
    return win


def test_a_training_frame_never_lays_the_window_out(window, qtbot):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    tab = window.tab("gates")
    for _ in range(4):  # the first frames after a new run still settle sizes
        tab.step_forward()
        app.processEvents()
    status, line = tab.playground_page.status_text(), tab.worked_label.text()
    watcher = LayoutRequests()
    app.installEventFilter(watcher)
    try:
        for _ in range(4):
            tab.step_forward()
            app.processEvents()
    finally:
        app.removeEventFilter(watcher)
    assert watcher.widgets == []
    # ... while the numbers under the picture and beside the curves did change.
    assert tab.playground_page.status_text() != status
    assert tab.worked_label.text() != line
    assert tab.worked_label.text().startswith("Epoch 80 of 400")


def test_a_frame_redraws_only_the_edges_whose_look_changed(window):
    tab = window.tab("gates")
    view = tab.network_view

    def looks() -> tuple[np.ndarray, np.ndarray]:
        weights = np.concatenate([W.ravel() for W, _ in tab.model.play_layers()])
        return np.sign(weights), np.rint(2 * view.edge_widths())  # colour, half pixels

    tab.step_forward()
    sign0, half0 = looks()
    tab.step_forward()
    sign1, half1 = looks()
    changed = int(np.sum((sign0 != sign1) | (half0 != half1)))
    assert view.edges_item.repainted_count() == changed
    assert changed < len(view.edge_keys()) // 4


def test_edges_item_regroups_by_look_and_repaints_only_changed_edges(qtbot):
    item = EdgesItem()
    segments = np.array([[[0, 0], [10, 0]], [[0, 5], [10, 5]], [[0, 9], [10, 9]]], dtype=float)
    item.set_segments(segments)
    blue, orange = (25, 103, 210), (232, 113, 10)
    item.set_looks(np.array([blue, blue, orange]), np.array([2.0, 2.2, 2.0]))
    assert item.group_count() == 2  # 2.0 and 2.2 round to the same half pixel
    assert item.repainted_count() == 3
    item.set_looks(np.array([blue, blue, orange]), np.array([2.0, 2.1, 2.0]))
    assert item.repainted_count() == 3  # the same look: nothing asked again since
    item.set_looks(np.array([blue, orange, orange]), np.array([2.0, 2.0, 2.0]))
    assert item.repainted_count() == 1 and item.group_count() == 2
    with pytest.raises(ValueError, match="one colour and one width"):
        item.set_looks(np.array([blue]), np.array([1.0]))


def test_map_colours_run_from_orange_through_white_to_blue():
    grid = np.array([[-3.0, -1.0, 0.0, 1.0, 7.0, np.nan]])
    rgba = colour_rgba(grid, (-1.0, 1.0))
    assert rgba.shape == (1, 6, 4) and rgba.dtype == np.uint8
    orange, white, blue = (232, 113, 10, 255), (255, 255, 255, 255), (25, 103, 210, 255)
    assert [tuple(c) for c in rgba[0]] == [orange, orange, white, blue, blue, white]
    # A stack takes one pair of levels per grid: index = 255 (v - lo) / (hi - lo), floored.
    stack = np.array([[[0.5]], [[0.5]]])
    assert colour_indices(stack, [(0.0, 1.0), (0.0, 2.0)]).ravel().tolist() == [127, 63]


def test_loss_curve_grows_by_chunks_and_lays_out_again_when_scrubbed_back(qtbot):
    import pyqtgraph as pg

    from visualizer.tabs.gates.loss_curves import CHUNK, GrowingCurve

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    curve = GrowingCurve(widget.getPlotItem(), pg.mkPen("b"), "train")
    x = np.arange(3 * CHUNK + 5, dtype=float)
    y = 1.0 / (1.0 + x)
    for n in range(1, x.size + 1):  # one point a frame
        curve.set_data(x[:n], y[:n])
    assert curve.chunk_count() == 3
    shown_x, shown_y = curve.data()
    np.testing.assert_array_equal(shown_x, x)
    np.testing.assert_array_equal(shown_y, y)
    curve.set_data(x[:10], y[:10] + 1.0)  # scrubbed back on another run: laid out afresh
    assert curve.chunk_count() == 0
    np.testing.assert_array_equal(curve.data()[1], y[:10] + 1.0)


def test_clicking_a_small_map_shows_that_neuron_large(window):
    from PySide6.QtCore import QPointF

    tab = window.tab("gates")
    view = tab.network_view
    node = view.map_nodes[5]  # a hidden neuron of the first layer (4 inputs come first)
    centre = QPointF(*view.positions[node])
    assert view.maps_item.node_at(centre) == node
    view.maps_item.sigClicked.emit(view.maps_item.node_at(centre))
    assert tab.model.shown_map == (0, 1)
    assert "H1.2" in tab.play_map.title()
