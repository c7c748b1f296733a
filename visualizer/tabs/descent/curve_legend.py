"""The curve plot's legend: what it lists and the corner where it sits.

It names the curve, f' (while shown), the minimum (with its numbers: a label beside the star
would collide with the curve or the axis on a small plot), the current run and the pins made
on this curve, and sits in the corner of the view where it hides the fewest curve samples and
iterates. Mixed into :class:`~visualizer.tabs.descent.plot.CurvePlot`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from visualizer.tabs.descent.model import run_label

if TYPE_CHECKING:
    from visualizer.tabs.descent.items import PinCurves
    from visualizer.tabs.descent.model import DescentModel
    from visualizer.tabs.descent.trail import Trail

#: Pixels between the legend and the edge of the plot.
LEGEND_MARGIN = 8


class CurveLegendMixin:
    """The legend of the curve plot; mixed into ``CurvePlot`` (which provides ``model``,
    ``view_box``, ``curve_item``, ``derivative_item``, ``min_item``, ``trail`` and ``pins``)."""

    legend: pg.LegendItem

    if TYPE_CHECKING:
        model: DescentModel
        curve_item: pg.PlotDataItem
        derivative_item: pg.PlotDataItem
        min_item: pg.ScatterPlotItem
        trail: Trail
        pins: PinCurves

        @property
        def view_box(self) -> pg.ViewBox: ...

    def _build_legend(self, plot: pg.PlotItem) -> None:
        self.legend = plot.addLegend(
            offset=(10, 10), brush=pg.mkBrush(255, 255, 255, 215), pen=pg.mkPen("#999999")
        )

    def _fill_legend(self) -> None:
        """The curve, f', the minimum, the current run and the pins shown, in that order."""
        self.legend.clear()
        self.legend.addItem(self.curve_item, "f(x)")
        if self.model.show_derivative:
            self.legend.addItem(self.derivative_item, "f'(x)")
        minima = self.model.objective.minima()
        if minima:
            # The minimum is named in the legend: a label next to the star would collide
            # with the curve or the axis on a small plot.
            x_star, f_star = min(minima, key=lambda m: m[1])
            text = f"minimum x* = {x_star:.6f}, f = {f_star:.6f}"
            if len(minima) > 1:
                others = ", ".join(f"{m[0]:.4f}" for m in minima if m[0] != x_star)
                text = f"global {text} (local minimum at x = {others})"
            self.legend.addItem(self.min_item, text)
        self.legend.addItem(self.trail.sample, f"now: {self.model.run_label()}")
        objective = self.model.settings.objective
        for pin, item in self.pins.items.items():
            if pin.settings.objective == objective:
                self.legend.addItem(item, run_label(pin.settings))

    def place_legend(self) -> None:
        """Put the legend in the corner of the view where it hides the fewest curve samples
        and iterates (a legend never covers the data if a free corner exists)."""
        vb = self.view_box
        size = self.legend.boundingRect()
        w, h = size.width(), size.height()
        box = vb.boundingRect()
        if w <= 0 or h <= 0 or box.width() <= 0:
            return
        xs, ys = self.curve_item.getData()
        points = []
        if xs is not None and len(xs):
            points.append(np.column_stack([xs, ys]))
        tx, ty = self.trail.points()
        if len(tx):
            points.append(np.column_stack([tx, ty]))
        data = np.concatenate(points) if points else np.zeros((0, 2))
        (x_lo, x_hi), (y_lo, y_hi) = vb.viewRange()
        # data -> pixels of the view box (y down)
        px = (data[:, 0] - x_lo) / max(x_hi - x_lo, 1e-300) * box.width()
        py = (y_hi - data[:, 1]) / max(y_hi - y_lo, 1e-300) * box.height()
        margin = LEGEND_MARGIN
        best = None
        for ax, ay in ((0, 0), (1, 0), (0, 1), (1, 1)):
            left = margin if ax == 0 else box.width() - margin - w
            top = margin if ay == 0 else box.height() - margin - h
            inside = (px >= left) & (px <= left + w) & (py >= top) & (py <= top + h)
            hidden = int(np.count_nonzero(inside))
            if best is None or hidden < best[0]:
                best = (hidden, ax, ay)
        _, ax, ay = best
        offset = (margin if ax == 0 else -margin, margin if ay == 0 else -margin)
        self.legend.anchor(itemPos=(ax, ay), parentPos=(ax, ay), offset=offset)

    def _style_legend(self, font: QFont) -> None:
        """The legend's texts in ``font``'s size."""
        legend_size = f"{font.pointSizeF():.1f}pt"
        self.legend.setLabelTextSize(legend_size)
        for _sample, label in self.legend.items:
            label.setText(label.text, size=legend_size)  # setAttr alone does not re-render

    # ----- reading what is shown -----------------------------------------------------------
    def legend_rect(self) -> QRectF:
        """The legend's rectangle in the view box's pixels (y down)."""
        vb = self.view_box
        return vb.mapFromScene(self.legend.sceneBoundingRect()).boundingRect()

    def legend_names(self) -> list[str]:
        return [label.text for _sample, label in self.legend.items]
