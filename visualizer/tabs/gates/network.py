"""The network drawing: clickable inputs, neurons and weighted edges, drawn from the model.

A ``pg.GraphItem`` draws the nodes and edges (its scatter's ``sigClicked`` tells which node
was clicked); a second, invisible scatter sits under each weight label so an edge can be
clicked too. The view draws the numbers ``texts.network_picture`` makes: it does no maths.
A click on A or B toggles it, a click on a neuron or weight selects it in the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPen, QTextOption
from PySide6.QtWidgets import QApplication, QWidget

from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.texts import EdgeView, NodeView, network_picture
from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR

#: Node fill for activation 0 and 1 (activations in between are mixed linearly).
_FILL_OFF = np.array([255, 255, 255], dtype=float)
_FILL_ON = np.array([11, 61, 145], dtype=float)
_ZERO_WEIGHT_COLOR = (150, 150, 150)


@lru_cache(maxsize=512)
def cached_brush(*color) -> QBrush:
    """One QBrush per colour, reused: pyqtgraph's symbol cache keys on the brush object, so
    a fresh brush every animation frame would grow that cache without end."""
    return pg.mkBrush(*color)


@lru_cache(maxsize=512)
def cached_pen(color, width: float = 1.0) -> QPen:
    """One QPen per (colour, width), reused for the same reason as ``cached_brush``."""
    return pg.mkPen(color, width=width)


def _centre_lines(item: pg.TextItem) -> None:
    # A TextItem left-aligns its lines; centre them so "C" sits above "0.057".
    text = item.textItem
    text.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
    text.setTextWidth(-1)
    text.setTextWidth(text.document().idealWidth())
    item.updateTextPos()


def _app_font(scale: float = 1.0, bold: bool | None = None) -> QFont:
    # The window zooms by changing the application font: the labels follow it.
    return scaled_font(QApplication.font(), scale, bold=bold, minimum=1.0)


class GateNetworkView(pg.PlotWidget):
    """Draws the model's network: inputs on the left, the output on the right.

    Signals
    -------
    editRequested
        A neuron or weight was clicked (and selected in the model): its value may be typed.
    """

    editRequested = Signal()

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._presentation = False
        self.setMouseEnabled(False, False)
        self.setMenuEnabled(False)
        self.hideButtons()
        for side in ("left", "bottom"):
            self.hideAxis(side)
        self.graph = pg.GraphItem()
        self.addItem(self.graph)
        self.edge_handles = pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(0, 0, 0, 0))
        self.edge_handles.setZValue(5)
        self.addItem(self.edge_handles)
        self.graph.setZValue(1)
        self.graph.scatter.sigClicked.connect(self._on_node_clicked)
        self.edge_handles.sigClicked.connect(self._on_edge_clicked)
        self.node_texts: list[pg.TextItem] = []
        self.info_texts: list[pg.TextItem] = []
        self.edge_texts: list[pg.TextItem] = []
        self.caption = pg.TextItem("", color=(90, 90, 90), anchor=(0, 1))
        self.addItem(self.caption)
        self.nodes: list[NodeView] = []
        self.edges: list[EdgeView] = []
        self.positions = np.zeros((0, 2))
        self._node_px = 66.0
        self._handles: tuple[np.ndarray, float] | None = None
        self._info_px = 40.0
        self._edge_widths = np.zeros(0)
        model.subscribe(self._on_model_changed)
        self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "frame", "inputs", "selection"):
            self.redraw()

    def redraw(self) -> None:
        """Draw the model's network as it is now."""
        picture = network_picture(self._model)
        self.set_network(picture.layer_sizes, picture.nodes, picture.edges, picture.selected)

    # ----- drawing ---------------------------------------------------------------------------
    @staticmethod
    def layout_positions(layer_sizes: Sequence[int]) -> np.ndarray:
        """Node positions: column per layer, nodes spread vertically, centred on y = 0."""
        columns = len(layer_sizes)
        xs = np.linspace(0.0, 4.0 if columns > 2 else 3.0, columns)
        pos = []
        for x, n in zip(xs, layer_sizes, strict=True):
            ys = np.array([0.0]) if n == 1 else np.linspace(1.1, -1.1, n)
            pos.extend((x, y) for y in ys)
        return np.array(pos, dtype=float)

    def set_network(
        self,
        layer_sizes: Sequence[int],
        nodes: Sequence[NodeView],
        edges: Sequence[EdgeView],
        selected: tuple | None = None,
    ) -> None:
        """Redraw: ``nodes`` in order inputs, hidden..., output; ``edges`` between them."""
        self.nodes = list(nodes)
        self.edges = list(edges)
        pos = self.layout_positions(layer_sizes)
        self.positions = pos
        big = self._presentation
        node_px = 84 if big else 66

        max_w = max((abs(e.weight) for e in edges if np.isfinite(e.weight)), default=0.0)
        pens = np.empty(
            len(edges),
            dtype=[("red", np.ubyte), ("green", np.ubyte), ("blue", np.ubyte),
                   ("alpha", np.ubyte), ("width", float)],
        )  # fmt: skip
        for k, e in enumerate(edges):
            if e.weight > 0:
                rgb = QColor(POSITIVE_COLOR).getRgb()[:3]
            elif e.weight < 0:
                rgb = QColor(NEGATIVE_COLOR).getRgb()[:3]
            else:
                rgb = _ZERO_WEIGHT_COLOR
            # Width relative to the largest weight, so 1e300 draws as thick as 20 would.
            share = abs(e.weight) / max_w if max_w > 0 else 0.0
            width = (1.5 + 7.0 * share) * (1.5 if big else 1.0)
            pens[k] = (*rgb, 255, width)
        self._edge_widths = pens["width"].copy()
        adj = np.array([[e.source, e.target] for e in edges], dtype=int).reshape(-1, 2)

        brushes = []
        pens_nodes = []
        for node in nodes:
            level = float(np.clip(node.fill, 0.0, 1.0)) if np.isfinite(node.fill) else 0.0
            # 41 shades: pyqtgraph caches one picture per brush, so a continuous fill would
            # grow that cache every animation frame.
            level = round(level * 40) / 40
            rgb = (1.0 - level) * _FILL_OFF + level * _FILL_ON
            brushes.append(cached_brush(*(int(v) for v in rgb)))
            is_selected = selected is not None and node.key == selected
            pens_nodes.append(cached_pen(HIGHLIGHT_COLOR, 5) if is_selected else cached_pen("k", 2))
        self.graph.setData(
            pos=pos,
            adj=adj,
            pen=pens,
            size=node_px,
            symbol="o",
            symbolBrush=brushes,
            symbolPen=pens_nodes,
            pxMode=True,
        )

        self._sync_text_items(self.node_texts, len(nodes))
        self._sync_text_items(self.info_texts, len(nodes))
        self._sync_text_items(self.edge_texts, len(edges))
        font = _app_font(1.25 if big else 1.1, bold=True)
        info_font = _app_font(1.1 if big else 0.95)
        for k, node in enumerate(nodes):
            dark = np.isfinite(node.fill) and node.fill >= 0.5
            item = self.node_texts[k]
            item.setColor("w" if dark else "k")
            item.setFont(font)
            item.setText(f"{node.name}\n{node.value_text}")
            _centre_lines(item)
            item.setAnchor((0.5, 0.5))
            item.setPos(*pos[k])
            info = self.info_texts[k]
            info.setFont(info_font)
            info.setColor((20, 20, 20))
            info.setText(node.info)
            info.setAnchor((0.5, 0.0) if pos[k][1] < 0 else (0.5, 1.0))
        self._node_px = node_px
        self._info_px = QFontMetricsF(info_font).lineSpacing() * 2 + 4

        edge_font = _app_font(1.05 if big else 0.95, bold=True)
        handle_pos = []
        for k, e in enumerate(edges):
            p, q = pos[e.source], pos[e.target]
            # Labels near the source end, so edges meeting at one neuron keep apart.
            t = 0.3 if np.isclose(p[0], 0.0) else 0.45
            mid = p + t * (q - p)
            handle_pos.append(mid)
            item = self.edge_texts[k]
            item.setFont(edge_font)
            colour = (
                POSITIVE_COLOR if e.weight > 0 else NEGATIVE_COLOR if e.weight < 0 else "#555555"
            )
            item.setColor(colour)
            is_selected = selected is not None and e.key == selected
            item.fill = pg.mkBrush(HIGHLIGHT_COLOR if is_selected else (255, 255, 255, 235))
            item.border = pg.mkPen(colour, width=2 if is_selected else 1)
            item.setText(e.text)
            item.setAnchor((0.5, 0.5))
            item.setPos(*mid)
        handles = (np.array(handle_pos).reshape(-1, 2), 46 if big else 38)
        if self._handles is None or not (
            np.array_equal(self._handles[0], handles[0]) and self._handles[1] == handles[1]
        ):  # the handles only move when the architecture or presentation mode changes
            self._handles = handles
            self.edge_handles.setData(
                pos=handles[0],
                size=handles[1],
                symbol="s",
                pen=None,
                brush=cached_brush(0, 0, 0, 0),
            )
        caption_font = _app_font(0.95 if big else 0.85)
        self.caption.setFont(caption_font)
        self.caption.setText("Click A or B to toggle it.\nClick a neuron or a weight to edit it.")
        self.caption.setVisible(not big)  # the lecture hall needs the room more than the hint
        self._fit_view()

    def _fit_view(self) -> None:
        """Choose the y range so each neuron's info text fits above or below it.

        Nodes are drawn in pixels but placed in data units, so the margin m (in units)
        above the top node solves m * ppu = P with ppu = H / (2 (y_top + m)): the pixels
        P a node's radius and its two info lines need, on a view H pixels high.
        """
        pos = self.__dict__.get("positions")  # resizeEvent fires inside PlotWidget.__init__
        if pos is None or len(pos) == 0:
            return
        y_top = float(np.abs(pos[:, 1]).max())
        height = max(float(self.viewport().height()), 120.0)
        need = self._node_px / 2 + self._info_px + 6
        need = min(need, 0.45 * height)  # a tiny view: keep the nodes on screen
        margin = 2 * y_top * need / (height - 2 * need) if y_top > 0 else 1.0
        margin = max(margin, 0.6)
        half = y_top + margin
        ppu = height / (2 * half)
        offset = (self._node_px / 2 + 3) / ppu
        for k, info in enumerate(self.info_texts[: len(self.nodes)]):
            x, y = pos[k]
            info.setPos(x, y - offset if y < 0 else y + offset)
        self.caption.setPos(-0.7, -half)
        x_max = float(pos[:, 0].max())
        self.setRange(xRange=(-0.75, x_max + 0.75), yRange=(-half, half), padding=0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_view()

    def _sync_text_items(self, items: list[pg.TextItem], n: int) -> None:
        while len(items) < n:
            item = pg.TextItem("", anchor=(0.5, 0.5))
            item.setZValue(10)
            self.addItem(item)
            items.append(item)
        while len(items) > n:
            self.removeItem(items.pop())

    def set_presentation(self, on: bool) -> None:
        """Bigger nodes and labels for a lecture hall (redraws)."""
        self._presentation = bool(on)
        self.redraw()

    # ----- clicks ----------------------------------------------------------------------------
    def _on_node_clicked(self, _scatter, points, _ev=None) -> None:
        if len(points) == 0:
            return
        index = int(points[0].index())
        if not 0 <= index < len(self.nodes):
            return
        key = self.nodes[index].key
        if key[0] == "in":
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
        return self.node_texts[index].textItem.toPlainText()

    def info_text(self, index: int) -> str:
        """The bias and z lines beside node ``index`` ("" for an input)."""
        return self.info_texts[index].textItem.toPlainText()

    def edge_text(self, index: int) -> str:
        """The weight label of edge ``index``."""
        return self.edge_texts[index].textItem.toPlainText()

    def edge_keys(self) -> list[tuple]:
        """``("w", layer, i, j)`` of every edge, in drawing order."""
        return [e.key for e in self.edges]

    def edge_widths(self) -> np.ndarray:
        """The pen width of every edge, in pixels."""
        return self._edge_widths.copy()

    def node_size(self) -> float:
        """The diameter of a node, in pixels."""
        return float(self._node_px)

    def edge_handle_position(self, index: int) -> tuple[float, float]:
        """Where edge ``index`` can be clicked (its label), in plot coordinates."""
        x, y = self.edge_handles.getData()
        return float(x[index]), float(y[index])

    # ----- test helpers (drive the same handlers a mouse click reaches) ------------------------
    def click_node(self, index: int) -> None:
        """Emit the node scatter's ``sigClicked`` for node ``index``, as a mouse click does."""
        scatter = self.graph.scatter
        scatter.sigClicked.emit(scatter, [scatter.points()[index]], None)

    def click_edge(self, index: int) -> None:
        """Emit the edge handles' ``sigClicked`` for edge ``index``, as a mouse click does."""
        self.edge_handles.sigClicked.emit(
            self.edge_handles, [self.edge_handles.points()[index]], None
        )
