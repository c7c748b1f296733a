"""The network's weighted edges as one graphics item: lines grouped by colour and width.

A ``pg.GraphItem`` draws each edge with its own pen in Python and replays a picture; a
2-8-8-1 playground with extra features has over a hundred edges, redrawn every training
frame. Here the edges sharing a colour and a (half-pixel) width are drawn with one
``drawLines`` call, so a frame costs a few painter calls whatever the network's size.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen


class EdgesItem(pg.GraphicsObject):
    """Straight segments, each with an RGB colour and a pen width in pixels."""

    def __init__(self) -> None:
        super().__init__()
        self._groups: list[tuple[QPen, list[QLineF]]] = []
        self._bounds = QRectF()

    def set_edges(self, segments: np.ndarray, colours: np.ndarray, widths: np.ndarray) -> None:
        """``segments`` (n, 2, 2): start and end (x, y); ``colours`` (n, 3); ``widths`` (n,)."""
        self.prepareGeometryChange()
        groups: dict[tuple[int, int, int, float], list[QLineF]] = {}
        for (p, q), rgb, width in zip(segments, colours, widths, strict=True):
            key = (int(rgb[0]), int(rgb[1]), int(rgb[2]), round(float(width) * 2) / 2)
            groups.setdefault(key, []).append(QLineF(QPointF(*p), QPointF(*q)))
        self._groups = []
        for (r, g, b, width), lines in groups.items():
            pen = QPen(QColor(r, g, b), width)
            pen.setCosmetic(True)  # widths in screen pixels, as the layout counts them
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)  # round caps cost 5x when antialiased
            self._groups.append((pen, lines))
        if len(segments):
            pts = np.asarray(segments, dtype=float).reshape(-1, 2)
            pad = float(np.max(widths)) if len(widths) else 0.0
            lo, hi = pts.min(axis=0) - pad, pts.max(axis=0) + pad
            self._bounds = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        else:
            self._bounds = QRectF()
        self.update()

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
