"""The decision regions: the network's output over the square of (A, B), its lines, the corners.

Shading from the model's ``region_grid``, each first-layer neuron's line z = 0 from
``region_lines``, the four corners marked by what the target needs and whether the network
missed them, and the current input ringed. Items are made once and reused, so animating a
training run only calls ``setData`` / ``setImage``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QWidget

from visualizer.compute.gates import GATE_TARGETS, TRUTH_INPUTS
from visualizer.tabs.gates.model import REGION_HI, REGION_LO, GatesModel
from visualizer.tabs.gates.network import cached_brush, cached_pen
from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import (
    ERROR_COLOR,
    HIGHLIGHT_COLOR,
    RUN_COLORS,
    line_width,
    marker_size,
)

# Output colours: below 0.5 white to light grey, from 0.5 light to strong blue, so the
# region read as 1 stands out and a sigmoid output still shades continuously.
_REGION_LUT = np.vstack(
    [
        np.linspace([255, 255, 255], [222, 222, 222], 128),
        np.linspace([166, 206, 240], [40, 110, 190], 128),
    ]
).astype(np.ubyte)


class RegionsView(pg.PlotWidget):
    """Where the network answers 1, in the (A, B) plane, with the four corners judged."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._presentation = False
        self.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setAspectLocked(True)
        self.setLabel("bottom", "A")
        self.setLabel("left", "B")
        self.image_item = pg.ImageItem()
        self.addItem(self.image_item)
        self.legend = self.addLegend(offset=(-4, 4))
        self.line_items: list[pg.PlotDataItem] = []
        self.corner_one = pg.ScatterPlotItem(name="target 1")
        self.corner_zero = pg.ScatterPlotItem(name="target 0")
        self.corner_missed = pg.ScatterPlotItem(name="missed")
        self.current_corner = pg.ScatterPlotItem()
        for item in (self.corner_one, self.corner_zero, self.corner_missed, self.current_corner):
            item.setZValue(20)
            self.addItem(item)
        self.corner_texts: list[tuple[float, float, pg.TextItem]] = []
        for a, b in TRUTH_INPUTS:
            text = pg.TextItem("", color=(20, 20, 20), anchor=(0.5, 1.0 if b > 0.5 else 0.0))
            text.setZValue(21)
            self.addItem(text)
            self.corner_texts.append((a, b, text))
        self.setRange(xRange=(REGION_LO, REGION_HI), yRange=(REGION_LO, REGION_HI), padding=0)
        model.subscribe(self._on_model_changed)
        self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "frame"):
            self.redraw()
        elif what == "inputs":
            self._draw_current_corner()

    def set_presentation(self, on: bool) -> None:
        """Thicker lines, bigger markers and labels (redraws)."""
        self._presentation = bool(on)
        self.redraw()

    def redraw(self) -> None:
        """Draw the model's regions, lines and corners as they are now."""
        model = self._model
        self.legend.setLabelTextSize(f"{scaled_font(self.font(), 0.9).pointSizeF():.1f}pt")
        coords, grid = model.region_grid()
        step = coords[1] - coords[0]
        self.image_item.setImage(grid, levels=(0.0, 1.0), lut=_REGION_LUT, autoLevels=False)
        if model.activation == "sigmoid":
            self.setTitle("Decision regions: blue = output ≥ 0.5 (shade = σ)")
        else:
            self.setTitle("Decision regions: blue = output 1")
        size = coords.size
        self.image_item.setRect(
            QRectF(REGION_LO - step / 2, REGION_LO - step / 2, step * size, step * size)
        )
        self._draw_lines()
        self._draw_corners()
        self._draw_current_corner()

    def _draw_lines(self) -> None:
        names = [f"{n}: z = 0" for n in self._model.evaluation().names[0]]
        if [item.name() for item in self.line_items] != names:
            for item in self.line_items:
                self.removeItem(item)
                self.legend.removeItem(item)
            self.line_items = []
            for name in names:
                item = pg.PlotDataItem([], [], name=name)
                item.setZValue(10)
                self.addItem(item)
                self.line_items.append(item)
        width = line_width(self._presentation)
        # A single neuron's line is the decision boundary itself; hidden ones only help.
        single = len(self._model.layers()) == 1
        style = Qt.PenStyle.SolidLine if single else Qt.PenStyle.DashLine
        segments = self._model.region_lines()
        for j, (item, seg) in enumerate(zip(self.line_items, segments, strict=True)):
            colour = RUN_COLORS[(j + 1) % len(RUN_COLORS)]
            item.setPen(pg.mkPen(colour, width=width + 1, style=style))
            if seg is None:
                item.setData([], [])
            else:
                item.setData(seg[0], seg[1])

    def _marker(self) -> float:
        return marker_size(self._presentation) * 1.8

    def _draw_corners(self) -> None:
        diagnosis = self._model.diagnosis()
        bits = self._model.evaluation().bits
        target = np.array(GATE_TARGETS[self._model.target])
        size = self._marker()
        self.corner_one.setData(
            pos=TRUTH_INPUTS[target == 1], size=size, symbol="o",
            brush=cached_brush("k"), pen=cached_pen("k", 2),
        )  # fmt: skip
        self.corner_zero.setData(
            pos=TRUTH_INPUTS[target == 0], size=size, symbol="o",
            brush=cached_brush("w"), pen=cached_pen("k", 2.5),
        )  # fmt: skip
        missed = TRUTH_INPUTS[[not r.ok for r in diagnosis.rows]]
        self.corner_missed.setData(
            pos=missed.reshape(-1, 2), size=size * 1.6, symbol="x",
            brush=cached_brush(ERROR_COLOR), pen=cached_pen(ERROR_COLOR, 1),
        )  # fmt: skip
        font = scaled_font(self.font(), 1.0 if self._presentation else 0.9, bold=True)
        for k, (a, b, text) in enumerate(self.corner_texts):
            text.setFont(font)
            text.setText(f"{int(a)}{int(b)} → {int(bits[k])}")
            text.setPos(a, b + (0.08 if b > 0.5 else -0.08))
            text.setColor(ERROR_COLOR if not diagnosis.rows[k].ok else (20, 20, 20))

    def _draw_current_corner(self) -> None:
        self.current_corner.setData(
            pos=np.array([self._model.focus.inputs], dtype=float), size=self._marker() * 1.9,
            symbol="o", brush=cached_brush(0, 0, 0, 0), pen=cached_pen(HIGHLIGHT_COLOR, 3),
        )  # fmt: skip

    # ----- what is shown (for tests) -----------------------------------------------------------
    def image(self) -> np.ndarray:
        """The output grid the shading shows (row = B, column = A)."""
        return np.array(self.image_item.image)

    def line_count(self) -> int:
        return len(self.line_items)

    def line_points(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """The (A, B) points of first-layer neuron ``index``'s line (empty if it misses)."""
        x, y = self.line_items[index].getData()
        return np.asarray(x if x is not None else []), np.asarray(y if y is not None else [])

    def corners(self, kind: str) -> list[tuple[float, float]]:
        """The corners marked ``"one"`` (target 1), ``"zero"``, ``"missed"`` or ``"current"``."""
        item = {
            "one": self.corner_one,
            "zero": self.corner_zero,
            "missed": self.corner_missed,
            "current": self.current_corner,
        }[kind]
        x, y = item.getData()
        return sorted(zip(map(float, x), map(float, y), strict=True))

    def corner_labels(self) -> list[str]:
        """The labels at the corners 00, 01, 10, 11, e.g. ``"10 → 0"``."""
        return [text.textItem.toPlainText() for _a, _b, text in self.corner_texts]

    def legend_names(self) -> list[str]:
        return [label.text for _sample, label in self.legend.items]
