"""The race's legend on the surface plot: each runner's colour and status, and the corner of
the view where it sits.

A frame only rewrites its texts (:meth:`RaceLegend.set_texts`); the corner is chosen again only
for a new race or a new view (:meth:`RaceLegend.choose_corner`), so the legend does not jump
from corner to corner while the runners move.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

#: The corners the legend may sit in, the preferred one first (top right, bottom right, ...).
CORNERS = ("tr", "br", "tl", "bl")


class RaceLegend(QGraphicsRectItem):
    """Each runner's colour and its status (f now, distance to a minimum, or where it
    diverged), painted by Qt in the plot's corner: a frame only changes its texts."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setBrush(QBrush(QColor(255, 255, 255, 225)))
        self.setPen(QPen(QColor("#999999")))
        self.setZValue(30)
        self._rows: list[tuple[QGraphicsLineItem, QGraphicsSimpleTextItem]] = []
        self._font = QFont()
        #: The corner for this race and view (None: choose at the next frame).
        self.corner: str | None = None

    def set_runners(self, colors: list[str], selected: int) -> None:
        while len(self._rows) < len(colors):
            line = QGraphicsLineItem(self)
            text = QGraphicsSimpleTextItem(self)
            text.setFont(self._font)
            self._rows.append((line, text))
        for k, (line, text) in enumerate(self._rows):
            shown = k < len(colors)
            line.setVisible(shown)
            text.setVisible(shown)
            if shown:
                line.setPen(pg.mkPen(colors[k], width=5 if k == selected else 3))

    def set_texts(self, texts: list[str]) -> None:
        height = self._font_height()
        width = 0.0
        for k, text in enumerate(texts):
            line, item = self._rows[k]
            item.setText(text)
            y = 4 + k * height
            line.setLine(6, y + height / 2, 26, y + height / 2)
            item.setPos(32, y)
            width = max(width, item.boundingRect().width())
        self.setRect(0, 0, width + 40, 8 + len(texts) * height)

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        for _line, text in self._rows:
            text.setFont(self._font)

    def _font_height(self) -> float:
        return QFontMetricsF(self._font).height() + 1

    # ----- where it sits -------------------------------------------------------------------
    def spot(self, view_box: pg.ViewBox, corner: str) -> QPointF:
        """Where the legend's top-left goes in the scene for ``corner`` ("tr", "br", ...)."""
        rect = view_box.sceneBoundingRect()
        box = self.rect()
        left = rect.left() + 4
        x = max(left, rect.right() - box.width() - 8) if corner[1] == "r" else left + 4
        y = rect.top() + 8 if corner[0] == "t" else rect.bottom() - box.height() - 8
        return QPointF(x, max(rect.top(), y))

    def choose_corner(self, view_box: pg.ViewBox, points: list[np.ndarray]) -> None:
        """Sit in the corner where the legend hides the fewest of ``points`` (each an (n, 2)
        array of x, y; nan rows are ignored), the top right when several are empty: given
        every runner's iterates and the minima, a legend never covers the race."""
        xy = np.concatenate([p for p in points if len(p)])
        xy = xy[~np.isnan(xy[:, 0])]
        best, fewest = CORNERS[0], None
        for corner in CORNERS:
            box = QRectF(self.spot(view_box, corner), self.rect().size())
            area = view_box.mapSceneToView(box).boundingRect()
            inside = int(np.count_nonzero(
                (xy[:, 0] >= area.left()) & (xy[:, 0] <= area.right())
                & (xy[:, 1] >= area.top()) & (xy[:, 1] <= area.bottom())
            ))  # fmt: skip
            if fewest is None or inside < fewest:
                best, fewest = corner, inside
        self.corner = best

    def place(self, view_box: pg.ViewBox) -> None:
        """Move to the chosen corner of ``view_box`` (the top right until one is chosen)."""
        self.setPos(self.spot(view_box, self.corner or CORNERS[0]))

    # ----- reading what is shown -----------------------------------------------------------
    def texts(self) -> list[str]:
        return [text.text() for _line, text in self._rows if text.isVisible()]

    def row_at(self, scene_pos: QPointF) -> int | None:
        """The runner whose legend row is under ``scene_pos``, or None."""
        if not self.isVisible() or not self.sceneBoundingRect().contains(scene_pos):
            return None
        y = self.mapFromScene(scene_pos).y()
        for k, (_line, text) in enumerate(self._rows):
            if text.isVisible() and text.y() <= y < text.y() + self._font_height():
                return k
        return None

    def row_center(self, index: int) -> QPointF:
        """The scene position of runner ``index``'s row (to click on it)."""
        _line, text = self._rows[index]
        return self.mapToScene(text.pos() + QPointF(10, self._font_height() / 2))
