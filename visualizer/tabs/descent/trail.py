"""The current run's trail on the curve: a line, a dot per iterate and the iterate numbers.

Everything that depends only on the run is placed once (:meth:`Trail.set_run`); a frame then
shows one more dot, label and line segment (:meth:`Trail.show_upto`) instead of re-plotting.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from visualizer.tabs.descent.items import (
    CURRENT_COLOR,
    MAX_TRAIL_DOTS,
    Dot,
    PixelText,
    TrailPath,
    decimated,
)

#: Iterates numbered on the curve (more would only pile up into an unreadable blob).
MAX_NUMBERED = 25


class Trail:
    """The iterates of the current run, up to the current step, on ``plot``."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self._plot = plot
        # The legend gets a sample item that is never drawn in the plot.
        self.line = TrailPath()
        self.sample = pg.PlotDataItem()
        self.dots: list[Dot] = []
        self.numbers: list[PixelText] = []
        self._dot_style = (8.0, pg.mkPen("w"), pg.mkBrush(CURRENT_COLOR))
        self._dots_ok = np.zeros(0, dtype=bool)
        self._dots_shown = 0
        self._labels_shown = -1
        self._label_allowed = [False] * MAX_NUMBERED
        # Drawable copies of the run: points too far out to draw are nan.
        self._x = np.zeros(1)
        self._f = np.zeros(1)
        plot.addItem(self.line, ignoreBounds=True)
        for _ in range(MAX_NUMBERED):
            text = PixelText(CURRENT_COLOR)
            text.setZValue(15)
            plot.addItem(text, ignoreBounds=True)
            self.numbers.append(text)

    # ----- per run -------------------------------------------------------------------------
    def set_run(self, x: np.ndarray, f: np.ndarray, n: int) -> None:
        """Place the dots and numbers of a run: ``x``, ``f`` with nan where not drawable, ``n``
        finite iterates."""
        self._x, self._f = x, f
        for k, text in enumerate(self.numbers):
            if k < n and not math.isnan(x[k]):
                text.setText(str(k))
                text.setPos(float(x[k]), float(f[k]))
                # Alternate above / below so close iterates do not print on top of each other.
                text.set_anchor(0.5, 1.2 if k % 2 == 0 else -0.2)
        self._place_dots(n)

    def _place_dots(self, n: int) -> None:
        """One hidden dot on each drawable iterate (runs of up to MAX_TRAIL_DOTS steps)."""
        count = n if n <= MAX_TRAIL_DOTS + 1 else 0
        while len(self.dots) < count:
            dot = Dot()
            dot.set_style(*self._dot_style)
            dot.setZValue(5)
            dot.setVisible(False)
            self._plot.addItem(dot, ignoreBounds=True)
            self.dots.append(dot)
        ok = ~np.isnan(self._x[:count])
        for k, dot in enumerate(self.dots):
            dot.setVisible(False)
            if k < count and ok[k]:
                dot.setPos(float(self._x[k]), float(self._f[k]))
        self._dots_ok = ok
        self._dots_shown = 0

    def place_labels(self, vb: pg.ViewBox) -> None:
        """Choose which iterate numbers to show: none closer than a label's size on screen.

        Close iterates (a slow run, a run settling in a minimum) would otherwise print their
        numbers on top of each other into an unreadable blob.
        """
        (x_lo, x_hi), (y_lo, y_hi) = vb.viewRange()
        # pixels per data unit (a plausible size before the view is first laid out)
        sx = max(vb.width(), 400.0) / max(x_hi - x_lo, 1e-300)
        sy = max(vb.height(), 250.0) / max(y_hi - y_lo, 1e-300)
        allowed: list[bool] = []
        kept: list[QRectF] = []
        n = min(len(self.numbers), len(self._x))
        for k, text in enumerate(self.numbers):
            ok = False
            if k < n and math.isfinite(self._x[k]):
                # the label's rectangle on screen (y down), as its anchor places it
                rect = text.boundingRect()
                w, h = rect.width() + 4, rect.height()
                ax, ay = text.anchor()
                px = float(self._x[k]) * sx
                py = -float(self._f[k]) * sy
                box = QRectF(px - ax * w, py - ay * h, w, h)
                ok = not any(box.intersects(other) for other in kept)
                if ok:
                    kept.append(box)
            allowed.append(ok)
        self._label_allowed = allowed
        self._labels_shown = -1

    # ----- per frame -----------------------------------------------------------------------
    def show_upto(self, shown: int) -> None:
        """Show the iterates 0..shown: the line, their dots and their numbers."""
        n = shown + 1
        idx = decimated(n)
        xs, fs = self._x[:n][idx], self._f[:n][idx]
        keep = ~np.isnan(xs)
        if not keep.all():  # never hand pyqtgraph nan: an all-nan item breaks its bounds
            xs, fs = xs[keep], fs[keep]
        self.line.setData(xs, fs)
        # Dots and labels were placed once per run; a frame only shows or hides a few.
        dots = min(n, len(self._dots_ok))
        if dots != self._dots_shown:
            lo, hi = sorted((dots, self._dots_shown))
            for k in range(lo, hi):
                self.dots[k].setVisible(k < dots and bool(self._dots_ok[k]))
            self._dots_shown = dots
        labelled = min(n, len(self.numbers))
        if labelled != self._labels_shown:
            for k, text in enumerate(self.numbers):
                text.setVisible(k < labelled and self._label_allowed[k])
            self._labels_shown = labelled

    # ----- looks ---------------------------------------------------------------------------
    def apply_style(self, width: float, size: float, font: QFont) -> None:
        self.line.setPen(pg.mkPen(CURRENT_COLOR, width=width * 0.75))
        self.sample.setPen(pg.mkPen(CURRENT_COLOR, width=width * 0.75))
        self.sample.setSymbol("o")
        self.sample.setSymbolSize(size * 0.8)
        self.sample.setSymbolBrush(pg.mkBrush(CURRENT_COLOR))
        self.sample.setSymbolPen(pg.mkPen("w", width=1))
        self._dot_style = (size * 0.8, pg.mkPen("w", width=1), pg.mkBrush(CURRENT_COLOR))
        for dot in self.dots:
            dot.set_style(*self._dot_style)
        for text in self.numbers:
            text.setFont(font)

    def point(self, k: int) -> tuple[float, float]:
        """Where iterate ``k`` is drawn (nan when it is too far out to draw)."""
        return float(self._x[k]), float(self._f[k])

    # ----- reading what is shown -----------------------------------------------------------
    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """The points the trail line is drawn through."""
        return self.line.getData()

    def dot_positions(self) -> list[tuple[float, float]]:
        return [(d.pos().x(), d.pos().y()) for d in self.dots if d.isVisible()]

    def visible_numbers(self) -> list[tuple[str, QRectF]]:
        """The iterate numbers shown, each with its rectangle in scene (pixel) coordinates."""
        out = []
        for text in self.numbers:
            if text.isVisible():
                # (scenePos and sceneBoundingRect are no help for an item that ignores
                # transformations: map its anchor point through its parent instead)
                at = text.parentItem().mapToScene(text.pos())
                rect = text.boundingRect()
                ax, ay = text.anchor()
                w, h = rect.width(), rect.height()
                out.append((text.text(), QRectF(at.x() - ax * w, at.y() - ay * h, w, h)))
        return out
