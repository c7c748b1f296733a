"""A loss curve that grows by a point a frame without redrawing its whole length.

``PlotDataItem.setData`` rebuilds and strokes the whole path: after 2,000 frames every new
frame would redraw 2,000 points. :class:`GrowingCurve` keeps the points in chunks of
:data:`CHUNK`: a full chunk becomes a frozen ``PlotCurveItem`` (drawn from a pixmap cache,
never set again) and a frame sets only the last, short chunk. Scrubbing back or a new run
lays the chunks out again.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem

#: Points per frozen chunk (neighbouring chunks share their end point, so the line is whole).
CHUNK = 64


class GrowingCurve:
    """One curve on ``plot`` drawn as frozen chunks plus a live tail.

    ``legend_item`` is an empty ``PlotDataItem`` with the curve's pen: the legend's sample.
    """

    def __init__(self, plot: pg.PlotItem, pen: QPen, name: str) -> None:
        self._plot = plot
        self._pen = pen
        self._frozen: list[pg.PlotCurveItem] = []
        self._live = pg.PlotCurveItem(pen=pen)
        plot.addItem(self._live)
        self.legend_item = plot.plot([], [], name=name, pen=pen)
        self._x = np.zeros(0)
        self._y = np.zeros(0)

    def set_data(self, x: np.ndarray, y: np.ndarray) -> None:
        """Show these points; when they extend the ones shown, only the tail is set again."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        n_old = self._x.size
        grows = (
            x.size >= n_old
            and np.array_equal(x[:n_old], self._x)
            and np.array_equal(y[:n_old], self._y, equal_nan=True)
        )
        if grows and x.size == n_old:
            return  # the same points: nothing to draw
        if not grows:
            for item in self._frozen:
                self._plot.removeItem(item)
            self._frozen = []
        self._x, self._y = x.copy(), y.copy()
        while x.size - 1 >= (len(self._frozen) + 1) * CHUNK:
            k = len(self._frozen)
            part = slice(k * CHUNK, (k + 1) * CHUNK + 1)
            item = pg.PlotCurveItem(x[part], y[part], pen=self._pen)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self._plot.addItem(item)
            self._frozen.append(item)
        tail = slice(len(self._frozen) * CHUNK, None)
        self._live.setData(x[tail], y[tail])

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point shown, in order."""
        return self._x.copy(), self._y.copy()

    def set_pen(self, pen: QPen) -> None:
        self._pen = pen
        for item in (*self._frozen, self._live, self.legend_item):
            item.setPen(pen)

    def chunk_count(self) -> int:
        """How many frozen chunks the curve has (for tests)."""
        return len(self._frozen)
