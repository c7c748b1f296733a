"""The words of the network drawing: each node's name and value, the bias and z lines beside
it, each weight's label and the hint, as ``pg.TextItem`` s kept in step with the network.

:class:`NetworkLabels` belongs to a :class:`~visualizer.tabs.gates.network.GateNetworkView`:
the view tells it what to write (``show``), asks how much room the words need
(``sizes``, which the layout keeps free) and where the layout put them (``place``). The
texts follow the application font, so the window's zoom reaches them, and a label is
touched only when its words or look changed (every setter lays its text out again, and a
training frame redraws the network ten times a second).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QTextOption
from PySide6.QtWidgets import QApplication

from visualizer.tabs.gates.layout import NetworkLayout, Rect
from visualizer.tabs.gates.pens import cached_brush, cached_pen
from visualizer.tabs.gates.playground_texts import MAX_LABELLED_EDGES
from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR

if TYPE_CHECKING:
    from visualizer.tabs.gates.texts import EdgeView, NodeView

#: The colour of a zero weight, for its edge and its label.
ZERO_WEIGHT_COLOR = (150, 150, 150)
#: A label's size in pixels (width, height); None where there is no label.
Size = tuple[float, float]


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


def _show_text(
    item: pg.TextItem,
    text: str,
    font: QFont,
    colour,
    fill: QBrush,
    *,
    centred: bool = True,
    anchor: tuple[float, float] = (0.5, 0.5),
) -> None:
    """Set a label's text and look, touching it only when something changed (every setter
    re-lays its text out, and a training frame redraws the network ten times a second).
    ``centred`` centres its lines; ``anchor`` is the point of the label its position names."""
    shown = (text, font.key(), str(colour), fill.color().rgba(), centred, anchor)
    if getattr(item, "_shown", None) == shown:
        return
    item._shown = shown
    item.setFont(font)
    item.setColor(colour)
    item.fill = fill
    item.setText(text)
    if centred:
        _centre_lines(item)
    item.setAnchor(anchor)


def _text_size(item: pg.TextItem) -> Size:
    rect = item.textItem.boundingRect()
    return float(rect.width()), float(rect.height())


def _edge_colour(weight: float) -> str | tuple[int, int, int]:
    if weight > 0:
        return POSITIVE_COLOR
    if weight < 0:
        return NEGATIVE_COLOR
    return ZERO_WEIGHT_COLOR


class NetworkLabels:
    """Every text of one network drawing, added to (and removed from) its plot.

    Attributes
    ----------
    node_texts : list of pg.TextItem
        Each node's name and value (inputs first); a map node's is its small name tag.
    info_texts : list of pg.TextItem
        Each node's bias and z lines ("" for an input).
    edge_texts : list of pg.TextItem
        Each weight's label; none when the network has more than ``MAX_LABELLED_EDGES``
        edges (they are told apart by width and colour).
    caption : pg.TextItem
        The hint for the mouse (hidden in presentation mode).
    """

    def __init__(self, plot: pg.PlotWidget) -> None:
        self._plot = plot
        self.node_texts: list[pg.TextItem] = []
        self.info_texts: list[pg.TextItem] = []
        self.edge_texts: list[pg.TextItem] = []
        self.caption = pg.TextItem("", color=(90, 90, 90), anchor=(0, 0))
        plot.addItem(self.caption)

    def show(
        self,
        nodes: Sequence[NodeView],
        edges: Sequence[EdgeView],
        selected: tuple | None,
        *,
        big: bool,
        hint: str,
    ) -> None:
        """Write every label: ``big`` in presentation mode; the selected weight's highlighted."""
        self._sync(self.node_texts, len(nodes))
        self._sync(self.info_texts, len(nodes))
        self._sync(self.edge_texts, len(edges) if len(edges) <= MAX_LABELLED_EDGES else 0)

        font = _app_font(1.25 if big else 1.1, bold=True)
        info_font = _app_font(1.1 if big else 0.95)
        small_font = _app_font(0.8 if big else 0.7, bold=True)
        clear, tag_fill, info_fill = (
            cached_brush(0, 0, 0, 0), cached_brush(255, 255, 255, 200),
            cached_brush(255, 255, 255, 210),  # readable where an edge passes
        )  # fmt: skip
        for k, node in enumerate(nodes):
            dark = np.isfinite(node.fill) and node.fill >= 0.5
            if node.shape == "circle":
                text, item_font, fill = f"{node.name}\n{node.value_text}", font, clear
            else:  # a map: only a small name tag (an input's feature) on it
                text = node.name if node.shape == "input" else ""
                item_font, fill = small_font, tag_fill if text else clear
            _show_text(self.node_texts[k], text, item_font, "w" if dark else "k", fill)
            self.node_texts[k].setVisible(bool(text))  # an empty label still costs a paint
            _show_text(
                self.info_texts[k], node.info, info_font, (20, 20, 20), info_fill, anchor=(0, 0)
            )
            self.info_texts[k].setVisible(bool(node.info))

        edge_font = _app_font(1.05 if big else 0.95, bold=True)
        for k, e in enumerate(edges[: len(self.edge_texts)]):
            item = self.edge_texts[k]
            colour = _edge_colour(e.weight) if e.weight != 0 else "#555555"
            is_selected = selected is not None and e.key == selected
            fill = cached_brush(HIGHLIGHT_COLOR if is_selected else (255, 255, 255, 235))
            item.border = cached_pen(colour, 2 if is_selected else 1)
            _show_text(item, e.text, edge_font, colour, fill, centred=False, anchor=(0, 0))
        caption_font = _app_font(0.95 if big else 0.85)
        _show_text(
            self.caption, hint, caption_font, (90, 90, 90), clear, centred=False, anchor=(0, 0)
        )

    def sizes(
        self, nodes: Sequence[NodeView], n_edges: int, big: bool
    ) -> tuple[list[Size | None], list[Size | None], Size | None]:
        """The room the layout keeps free: each node's info label, each weight's label and
        the hint (None where there is none; no hint in presentation mode)."""
        labelled = len(self.edge_texts) == n_edges
        info_sizes = [
            _text_size(self.info_texts[k]) if node.info else None for k, node in enumerate(nodes)
        ]
        label_sizes = [_text_size(self.edge_texts[k]) if labelled else None for k in range(n_edges)]
        return info_sizes, label_sizes, None if big else _text_size(self.caption)

    def place(self, layout: NetworkLayout) -> None:
        """Move every label where ``layout`` put it (only when the layout changed)."""
        for k, (x, y) in enumerate(layout.centres):
            self.node_texts[k].setPos(float(x), float(y))
            box = layout.info[k]
            if box is not None:
                self.info_texts[k].setPos(box.x, box.y)
        for k, box in enumerate(layout.edge_labels):
            if box is not None:
                self.edge_texts[k].setPos(box.x, box.y)
        if layout.caption is not None:
            self.caption.setPos(layout.caption.x, layout.caption.y)
        self.caption.setVisible(layout.caption is not None)

    def rects(self, view_box: pg.ViewBox) -> list[Rect]:
        """The boxes of every label drawn outside the nodes (info, weights, hint), as drawn,
        in view pixels."""
        items = [t for t in self.info_texts if t.isVisible()] + list(self.edge_texts)
        if self.caption.isVisible():
            items.append(self.caption)
        return [self._shown_rect(view_box, item) for item in items]

    @staticmethod
    def _shown_rect(view_box: pg.ViewBox, item: pg.GraphicsObject) -> Rect:
        # What is really drawn: the item's box in the scene, back in view (pixel) units.
        rect: QRectF = view_box.mapSceneToView(item.sceneBoundingRect()).boundingRect()
        return Rect(rect.x(), rect.y(), rect.width(), rect.height())

    def _sync(self, items: list[pg.TextItem], n: int) -> None:
        """Add or remove text items until there are ``n`` (each new one above the drawing)."""
        while len(items) < n:
            item = pg.TextItem("", anchor=(0.5, 0.5))
            item.setZValue(10)
            self._plot.addItem(item)
            items.append(item)
        while len(items) > n:
            self._plot.removeItem(items.pop())
