"""The network's weighted edges as one graphics item: lines grouped by colour and width.

A ``pg.GraphItem`` draws each edge with its own pen in Python and replays a picture; a
2-8-8-1 playground with extra features has over a hundred edges, redrawn every training
frame. Here the edges sharing a colour and a (half-pixel) width are drawn with one
``drawLines`` call, so a frame costs a few painter calls whatever the network's size. The
segments are set when the layout changes (``set_segments``); a training frame only regroups
them by their new colours and widths (``set_looks``), in one numpy pass.

Antialiased wide lines are the costliest thing the network draws, and a training frame
changes the look of one or two edges at most (the maps on the nodes change every frame). So
the item keeps its picture in a pixmap (``DeviceCoordinateCache``) and asks to repaint only
the boxes of the edges whose colour or width changed: the maps repainting over it blit the
pixmap, and only the changed edges are drawn again.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

#: Room around the segments for the widest pen (the bounds never change with the weights,
#: so a training frame never moves the item's geometry).
MAX_PEN = 16.0


class EdgesItem(pg.GraphicsObject):
    """Straight segments, each with an RGB colour and a pen width in pixels."""

    def __init__(self) -> None:
        super().__init__()
        self._lines: list[QLineF] = []
        self._groups: list[tuple[QPen, list[QLineF]]] = []
        self._pens: dict[tuple[int, int], QPen] = {}
        self._bounds = QRectF()
        self._boxes: list[QRectF] = []
        self._keys: np.ndarray | None = None  # each edge's colour and width, as last drawn
        self._repainted = 0
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_segments(self, segments: np.ndarray) -> None:
        """``segments`` (n, 2, 2): start and end (x, y) of every edge, in pixels."""
        pts = np.asarray(segments, dtype=float).reshape(-1, 2, 2)
        self.prepareGeometryChange()
        self._lines = [QLineF(QPointF(*p), QPointF(*q)) for p, q in pts]
        pad = MAX_PEN / 2 + 2
        self._boxes = [
            QRectF(QPointF(*np.minimum(p, q) - pad), QPointF(*np.maximum(p, q) + pad))
            for p, q in pts
        ]
        self._groups = []
        self._keys = None
        if len(pts):
            flat = pts.reshape(-1, 2)
            lo, hi = flat.min(axis=0) - MAX_PEN, flat.max(axis=0) + MAX_PEN
            self._bounds = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        else:
            self._bounds = QRectF()
        self.update()

    def set_looks(self, colours: np.ndarray, widths: np.ndarray) -> None:
        """Each segment's RGB colour (n, 3) and pen width (n,), widths rounded to half pixels."""
        rgb = np.asarray(colours, dtype=np.int64).reshape(-1, 3)
        halves = np.rint(np.minimum(np.asarray(widths, dtype=float), MAX_PEN) * 2).astype(np.int64)
        if len(rgb) != len(self._lines) or len(halves) != len(self._lines):
            raise ValueError("Give one colour and one width per segment.")
        colour_key = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        looks = colour_key * 64 + halves
        previous, self._keys = self._keys, looks
        if previous is not None and np.array_equal(previous, looks):
            return  # nothing to draw again
        keys, inverse = np.unique(looks, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(keys) + 1))
        lines = self._lines
        self._groups = []
        for g, key in enumerate(keys.tolist()):
            members = order[bounds[g] : bounds[g + 1]].tolist()
            self._groups.append((self._pen(key // 64, key % 64), [lines[k] for k in members]))
        if previous is None:
            self._repainted = len(looks)
            self.update()
            return
        changed = np.flatnonzero(previous != looks).tolist()
        self._repainted = len(changed)
        for k in changed:  # the old and the new stroke both lie in the edge's padded box
            self.update(self._boxes[k])

    def set_edges(self, segments: np.ndarray, colours: np.ndarray, widths: np.ndarray) -> None:
        """``set_segments`` and ``set_looks`` in one call."""
        self.set_segments(segments)
        self.set_looks(colours, widths)

    def _pen(self, colour_key: int, halves: int) -> QPen:
        pen = self._pens.get((colour_key, halves))
        if pen is None:
            colour = QColor((colour_key >> 16) & 255, (colour_key >> 8) & 255, colour_key & 255)
            pen = QPen(colour, halves / 2)
            pen.setCosmetic(True)  # widths in screen pixels, as the layout counts them
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)  # round caps cost 5x when antialiased
            self._pens[(colour_key, halves)] = pen
        return pen

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, *_args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for pen, lines in self._groups:
            painter.setPen(pen)
            painter.drawLines(lines)

    def group_count(self) -> int:
        """How many pens the edges are drawn with (for tests)."""
        return len(self._groups)

    def repainted_count(self) -> int:
        """How many edges the last ``set_looks`` asked to draw again (for tests)."""
        return self._repainted
