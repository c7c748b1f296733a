"""The network drawing: clickable inputs, neurons and weighted edges, drawn from the model.

The view works in pixels: its view box maps one data unit to one pixel (y down), so the
layout (``layout.layout_network``) places nodes, info labels and weight labels in the space
the widget really has, with minimum gaps and no overlaps, and recomputes it on every
resize. A ``pg.GraphItem`` draws the nodes and edges (its scatter's ``sigClicked`` tells
which node was clicked); a second, invisible scatter sits under each weight label so an edge
can be clicked too. The words on and beside the drawing are a
:class:`~visualizer.tabs.gates.network_labels.NetworkLabels`. The view draws the numbers
``texts.network_picture`` makes: it does no maths. A click on A or B toggles it, a click on
a neuron or weight selects it in the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from visualizer.tabs.gates import playground_texts
from visualizer.tabs.gates.edges import EdgesItem
from visualizer.tabs.gates.layout import NetworkLayout, Rect, layout_network
from visualizer.tabs.gates.map_nodes import MapNodesItem
from visualizer.tabs.gates.maps import colour_words, input_maps, neuron_maps
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.network_labels import ZERO_WEIGHT_COLOR, NetworkLabels
from visualizer.tabs.gates.pens import cached_brush, cached_pen
from visualizer.tabs.gates.texts import EdgeView, NodeView, network_picture
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR

#: Node fill for activation 0 and 1 (activations in between are mixed linearly).
_FILL_OFF = np.array([255, 255, 255], dtype=float)
_FILL_ON = np.array([11, 61, 145], dtype=float)
_POSITIVE_RGB = QColor(POSITIVE_COLOR).getRgb()[:3]
_NEGATIVE_RGB = QColor(NEGATIVE_COLOR).getRgb()[:3]
#: Node diameters in pixels: the largest (normal, presentation) and the smallest allowed.
NODE_MAX = (66.0, 84.0)
NODE_MIN = 34.0
#: Maps stay readable smaller than a node with two lines of text in it.
NODE_MIN_MAP = 14.0
#: The size laid out for before the view is first shown (it relayouts when it is).
UNSHOWN_SIZE = (560.0, 380.0)
HINT = "Click A or B to toggle it.\nClick a neuron or a weight to edit it."
PLAYGROUND_HINT = "Click a neuron to see its map large.\nHover it for its formula."


def edge_looks(weights: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Each edge's RGB colour (by its weight's sign) and pen width in pixels, as wide as its
    share of the largest |weight| (so 1e300 draws as thick as 20 would), times ``scale``."""
    finite = np.isfinite(weights)
    max_w = float(np.abs(weights[finite]).max()) if finite.any() else 0.0
    colours = np.where(
        (weights > 0)[:, None], _POSITIVE_RGB,
        np.where((weights < 0)[:, None], _NEGATIVE_RGB, ZERO_WEIGHT_COLOR),
    )  # fmt: skip
    with np.errstate(invalid="ignore"):
        share = np.where(finite, np.abs(weights) / max_w, 0.0) if max_w > 0 else 0 * weights
    return colours, np.maximum((1.5 + 7.0 * share) * scale, 1.0)


class GateNetworkView(pg.PlotWidget):
    """Draws the model's network: inputs on the left, the output on the right.

    Signals
    -------
    editRequested
        A neuron or weight was clicked (and selected in the model): its value may be typed.
    """

    editRequested = Signal()

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent, enableMenu=False)
        self._model = model
        self._presentation = False
        self.setMouseEnabled(False, False)
        self.hideButtons()
        for side in ("left", "bottom"):
            self.hideAxis(side)
        item = self.getPlotItem()
        item.layout.setContentsMargins(0, 0, 0, 0)
        self.view_box = item.getViewBox()
        self.view_box.invertY(True)  # pixels: y grows downwards, as the layout counts
        self.view_box.disableAutoRange()
        self.edges_item = EdgesItem()
        self.edges_item.setZValue(0.5)
        self.addItem(self.edges_item)
        self.graph = pg.GraphItem()  # the nodes (its scatter tells which one is clicked)
        self.addItem(self.graph)
        self.edge_handles = pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(0, 0, 0, 0))
        self.edge_handles.setZValue(5)
        self.addItem(self.edge_handles)
        self.graph.setZValue(1)
        self.graph.scatter.sigClicked.connect(self._on_node_clicked)
        self.edge_handles.sigClicked.connect(self._on_edge_clicked)
        self.labels = NetworkLabels(self)
        self.nodes: list[NodeView] = []
        self.edges: list[EdgeView] = []
        self.layer_sizes: list[int] = []
        self.selected: tuple | None = None
        self.positions = np.zeros((0, 2))
        self.layout: NetworkLayout | None = None
        self._layout_key: tuple | None = None
        self._node_look: tuple | None = None
        self._edge_widths = np.zeros(0)
        self._weights = np.zeros(0)
        self._segments_for: NetworkLayout | None = None
        self._frame_only = False
        self._size = (0.0, 0.0)
        # The playground draws its nodes as maps: one item holds every map and its frame.
        self.map_nodes: list[int] = []
        self._maps: list[tuple[np.ndarray, tuple[float, float]]] = []
        self.maps_item = MapNodesItem(tip=self._map_tip)
        self.maps_item.setZValue(3)
        self.addItem(self.maps_item)
        self.maps_item.sigClicked.connect(self._on_node_index_clicked)
        self.view_box.sigResized.connect(self._on_view_resized)
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if what == "frame" and self._frame_only:
            self._redraw_frame()
        elif what in ("settings", "frame", "inputs", "selection", "practice", "map"):
            self.redraw()

    def _on_view_resized(self, _view_box: object = None) -> None:
        size = (float(self.view_box.width()), float(self.view_box.height()))
        if size != self._size:
            self._size = size
            self._place()

    def redraw(self) -> None:
        """Draw the model's network as it is now (in the playground, with its maps)."""
        model = self._model
        picture = network_picture(model)
        play = model.is_playground()
        self._maps = input_maps(model) + neuron_maps(model) if play else []
        self.set_network(picture.layer_sizes, picture.nodes, picture.edges, picture.selected)
        # A playground frame changes only the weights and the neurons' maps (not the nodes,
        # labels or layout): the next frames redraw just those.
        self._frame_only = play and self.layout is not None

    def _redraw_frame(self) -> None:
        """A training frame: the edges' colours and widths and the neurons' maps, nothing else."""
        layers = self._model.play_layers()
        weights = np.concatenate([W.ravel() for W, _ in layers])
        if weights.size != len(self.edges) or self.layout is None:
            self.redraw()
            return
        self._weights = weights
        self._draw_edges(moved=False)
        inputs = sum(1 for node in self.nodes if node.shape == "input")
        self.set_maps(self._maps[:inputs] + neuron_maps(self._model), start=inputs)

    # ----- drawing ---------------------------------------------------------------------------
    def set_network(
        self,
        layer_sizes: Sequence[int],
        nodes: Sequence[NodeView],
        edges: Sequence[EdgeView],
        selected: tuple | None = None,
    ) -> None:
        """Redraw: ``nodes`` in order inputs, hidden..., output; ``edges`` between them."""
        self.layer_sizes = [int(n) for n in layer_sizes]
        self.nodes = list(nodes)
        self.edges = list(edges)
        self._weights = np.array([e.weight for e in edges], dtype=float)
        self.selected = selected
        self.labels.show(
            nodes,
            edges,
            selected,
            big=self._presentation,
            hint=PLAYGROUND_HINT if self._model.is_playground() else HINT,
        )
        self._place()

    def _place(self) -> None:
        """Lay the drawing out in the pixels the view has and draw nodes, edges and labels."""
        width, height = self._size
        if width < 2 or height < 2:
            width, height = UNSHOWN_SIZE  # not on screen yet: a size to lay out for
        if not self.layer_sizes:
            return
        big = self._presentation
        nodes, edges = self.nodes, self.edges
        info_sizes, label_sizes, caption_size = self.labels.sizes(nodes, len(edges), big)
        links = [(e.source, e.target) for e in edges]
        playground = self._model.is_playground()
        # A training frame changes weights, not the layout: lay out only when it can change.
        key = (tuple(self.layer_sizes), width, height, big, playground, tuple(info_sizes),
               tuple(label_sizes), caption_size, tuple(links))  # fmt: skip
        moved = key != self._layout_key
        if moved:
            self._layout_key = key
            self.layout = self._lay_out(width, height, info_sizes, links, label_sizes,
                                        caption_size)  # fmt: skip
        self._draw(moved)

    def _lay_out(self, width, height, info_sizes, links, label_sizes, caption_size):
        big = self._presentation
        return layout_network(
            self.layer_sizes,
            width,
            height,
            node_max=NODE_MAX[big],
            node_min=NODE_MIN_MAP if self._model.is_playground() else NODE_MIN,
            info_sizes=info_sizes,
            edges=links,
            edge_label_sizes=label_sizes,
            caption_size=caption_size,
        )

    def _draw(self, moved: bool) -> None:
        """Nodes, edges and maps from the current layout (labels move only when ``moved``)."""
        layout = self.layout
        assert layout is not None
        width, height = self._size if min(self._size) >= 2 else UNSHOWN_SIZE
        nodes = self.nodes
        self.positions = layout.centres
        node_px = layout.node_px
        if moved:
            self.view_box.setRange(xRange=(0, width), yRange=(0, height), padding=0)
        self._draw_edges(moved)
        brushes, node_pens, symbols = [], [], []
        for node in nodes:
            chosen = self.selected is not None and node.key == self.selected
            if node.shape != "circle":  # a map: its image and frame are drawn on top
                brushes.append(cached_brush(255, 255, 255))
                node_pens.append(cached_pen("k", 1))
                symbols.append("s")
                continue
            level = float(np.clip(node.fill, 0.0, 1.0)) if np.isfinite(node.fill) else 0.0
            # 41 shades: pyqtgraph caches one picture per brush, so a continuous fill would
            # grow that cache every animation frame.
            level = round(level * 40) / 40
            rgb = (1.0 - level) * _FILL_OFF + level * _FILL_ON
            brushes.append(cached_brush(*(int(v) for v in rgb)))
            node_pens.append(cached_pen(HIGHLIGHT_COLOR, 5) if chosen else cached_pen("k", 2))
            symbols.append("o")
        # The playground's nodes are all maps, drawn (and clicked) by their own items.
        self.graph.setVisible(not self._model.is_playground())
        look = (moved, symbols, [id(b) for b in brushes], [id(p) for p in node_pens], node_px)
        if moved or look != self._node_look:  # a training frame leaves the nodes as they are
            self._node_look = look
            self.graph.setData(
                pos=layout.centres, adj=None, size=node_px, symbol=symbols,
                symbolBrush=brushes, symbolPen=node_pens, pxMode=True,
            )  # fmt: skip
        self._place_maps(layout, moved)
        if not moved:
            return

        self.labels.place(layout)
        handle_pos = [box.centre for box in layout.edge_labels if box is not None]
        self.edge_handles.setData(
            pos=np.array(handle_pos, dtype=float).reshape(-1, 2),
            size=max(24.0, min(46.0, node_px * 0.6)), symbol="s", pen=None,
            brush=cached_brush(0, 0, 0, 0),
        )  # fmt: skip
        self.edge_handles.setVisible(bool(handle_pos))

    def _draw_edges(self, moved: bool) -> None:
        """Every edge coloured by its weight's sign, as wide as its share of the largest."""
        layout = self.layout
        assert layout is not None
        if moved or self._segments_for is not layout:  # the segments move with the layout only
            self._segments_for = layout
            ends = np.array([[e.source, e.target] for e in self.edges], dtype=int).reshape(-1, 2)
            self.edges_item.set_segments(layout.centres[ends])
        scale = (1.5 if self._presentation else 1.0) * min(1.0, layout.node_px / 50)
        colours, widths = edge_looks(self._weights, scale)
        self._edge_widths = widths
        self.edges_item.set_looks(colours, widths)

    def _place_maps(self, layout: NetworkLayout, moved: bool = True) -> None:
        """The playground's maps: one image per map node, in its square, with a frame."""
        indices = [k for k, node in enumerate(self.nodes) if node.shape != "circle"]
        node_px = layout.node_px
        if moved or indices != self.map_nodes:
            self.map_nodes = indices
            self.maps_item.set_places(
                [QRectF(float(layout.centres[k][0]) - node_px / 2,
                        float(layout.centres[k][1]) - node_px / 2, node_px, node_px)
                 for k in indices],
                indices,
            )  # fmt: skip
        self.maps_item.set_frames([
            cached_pen(HIGHLIGHT_COLOR, 4) if self.nodes[k].key == self.selected
            else cached_pen("k", 1.5)
            for k in indices
        ])  # fmt: skip
        self.set_maps(self._maps)

    def _map_tip(self, node: int) -> str:
        if not self._model.is_playground() or not 0 <= node < len(self.nodes):
            return ""
        return self.node_tooltip(node)

    def node_tooltip(self, index: int) -> str:
        """The tooltip of node ``index``: its formula with the numbers (playground only)."""
        return playground_texts.node_tooltip(self._model, self.nodes[index].key)

    def set_maps(self, maps: list[tuple[np.ndarray, tuple[float, float]]], start: int = 0) -> None:
        """The image of every map node (inputs first), each with its colour levels; only the
        maps from ``start`` on are set again (a training frame leaves the inputs' alone).

        Rows of each grid run upwards in y; the view counts y downwards, so they are flipped.
        """
        self._maps = maps
        if not maps:
            return
        shown = maps[start:]
        # The colours of every map at once (they share a size), as the words Qt draws.
        words = colour_words(np.stack([grid[::-1] for grid, _ in shown]), [lv for _, lv in shown])
        self.maps_item.set_images(words, [grid for grid, _ in shown], start)

    def set_presentation(self, on: bool) -> None:
        """Bigger nodes and labels for a lecture hall (redraws)."""
        self._presentation = bool(on)
        self.redraw()

    # ----- clicks ----------------------------------------------------------------------------
    def _on_node_clicked(self, _scatter, points, _ev=None) -> None:
        if len(points) == 0:
            return
        self._on_node_index_clicked(int(points[0].index()))

    def _on_node_index_clicked(self, index: int) -> None:
        if not 0 <= index < len(self.nodes):
            return
        key = self.nodes[index].key
        if self._model.is_playground():  # a neuron's map large; the output's for Out / inputs
            hidden = key[0] == "n" and key[1] < len(self.layer_sizes) - 2
            self._model.show_map((int(key[1]), int(key[2])) if hidden else None)
        elif key[0] == "in":
            self._model.toggle_input(int(key[1]))
        else:
            self._select(("b", int(key[1]), int(key[2])))

    def _on_edge_clicked(self, _scatter, points, _ev=None) -> None:
        if len(points) == 0:
            return
        index = int(points[0].index())
        if not 0 <= index < len(self.edges):
            return
        _w, layer, i, j = self.edges[index].key
        self._select(("w", int(layer), int(i), int(j)))

    def _select(self, key: tuple) -> None:
        self._model.select_param(key)
        self._model.set_page(0)  # the Edit page shows the selected value
        self.editRequested.emit()

    # ----- what is shown (for tests) -----------------------------------------------------------
    def node_text(self, index: int) -> str:
        """The name and value written on node ``index`` (inputs first), e.g. ``"C\\n1"``."""
        return self.labels.node_texts[index].textItem.toPlainText()

    def info_text(self, index: int) -> str:
        """The bias and z lines beside node ``index`` ("" for an input)."""
        return self.labels.info_texts[index].textItem.toPlainText()

    def edge_text(self, index: int) -> str:
        """The weight label of edge ``index``."""
        return self.labels.edge_texts[index].textItem.toPlainText()

    @property
    def edge_texts(self) -> list[pg.TextItem]:
        """The weight labels drawn (none when the network has too many edges to label)."""
        return self.labels.edge_texts

    def edge_keys(self) -> list[tuple]:
        """``("w", layer, i, j)`` of every edge, in drawing order."""
        return [e.key for e in self.edges]

    def edge_widths(self) -> np.ndarray:
        """The pen width of every edge, in pixels."""
        return self._edge_widths.copy()

    def node_size(self) -> float:
        """The diameter of a node, in pixels."""
        return float(self.layout.node_px) if self.layout is not None else NODE_MAX[0]

    def edge_handle_position(self, index: int) -> tuple[float, float]:
        """Where edge ``index`` can be clicked (its label), in plot coordinates."""
        x, y = self.edge_handles.getData()
        return float(x[index]), float(y[index])

    def node_rects(self) -> list[Rect]:
        """Every node's square box in view pixels (x right, y down)."""
        if self.layout is None:
            return []
        return self.layout.node_rects()

    def label_rects(self) -> list[Rect]:
        """The boxes of every label drawn outside the nodes (info, weights, hint), as drawn."""
        return self.labels.rects(self.view_box)

    def view_size(self) -> tuple[float, float]:
        """The drawing's size in pixels."""
        return self._size

    # ----- test helpers (drive the same handlers a mouse click reaches) ------------------------
    def click_node(self, index: int) -> None:
        """Emit the node scatter's ``sigClicked`` for node ``index``, as a mouse click does."""
        scatter = self.graph.scatter
        scatter.sigClicked.emit(scatter, [scatter.points()[index]], None)

    def map_image(self, index: int) -> np.ndarray:
        """The grid the map of node ``index`` shows (rows running upwards in y)."""
        return np.array(self.maps_item.grids[self.map_nodes.index(index)])

    def click_edge(self, index: int) -> None:
        """Emit the edge handles' ``sigClicked`` for edge ``index``, as a mouse click does."""
        self.edge_handles.sigClicked.emit(
            self.edge_handles, [self.edge_handles.points()[index]], None
        )
