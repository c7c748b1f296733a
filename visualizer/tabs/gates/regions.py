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
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from visualizer.compute.gates import GATE_TARGETS, TRUTH_INPUTS
from visualizer.tabs.gates import asking
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.pens import cached_brush, cached_pen
from visualizer.tabs.gates.shown_network import REGION_HI, REGION_LO
from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import (
    ERROR_COLOR,
    HIGHLIGHT_COLOR,
    RUN_COLORS,
    line_width,
    marker_size,
)

#: Most data units shown beyond the square on each side (room for the corner labels).
MAX_MARGIN = 0.6

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
        super().__init__(parent, enableMenu=False)
        self._model = model
        self._presentation = False
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setAspectLocked(True)
        self.setLabel("bottom", "A")
        self.setLabel("left", "B")
        self.image_item = pg.ImageItem()
        self.addItem(self.image_item)
        # The key sits in its own row under the plot, never over the corners it explains.
        self.legend = pg.LegendItem(colCount=3)
        self._legend_right: bool | None = None
        self._place_legend(right=False)
        self.line_items: list[pg.PlotDataItem] = []
        self.corner_one = pg.ScatterPlotItem(name="target 1")
        self.corner_zero = pg.ScatterPlotItem(name="target 0")
        self.corner_missed = pg.ScatterPlotItem(name="missed")
        self.current_corner = pg.ScatterPlotItem()
        for item in (self.corner_one, self.corner_zero, self.corner_missed, self.current_corner):
            item.setZValue(20)
            self.addItem(item)
        # The shading's key: a swatch of the "output 1" blue (an item with no points).
        self.region_key = pg.ScatterPlotItem(
            symbol="s", size=14, pen=pg.mkPen(40, 110, 190), brush=pg.mkBrush(40, 110, 190)
        )
        self.legend.addItem(self.region_key, "output 1")
        for item in (self.corner_one, self.corner_zero, self.corner_missed):
            self.legend.addItem(item, item.name())
        self.corner_texts: list[tuple[float, float, pg.TextItem]] = []
        for a, b in TRUTH_INPUTS:
            text = pg.TextItem("", color=(20, 20, 20), anchor=(0.5, 1.0 if b > 0.5 else 0.0))
            text.setZValue(21)
            self.addItem(text)
            self.corner_texts.append((a, b, text))
        self._fit_range()
        # An aspect-locked view keeps its old range on resize; show the whole square again.
        self.getViewBox().sigResized.connect(self._fit_range)
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if self._model.is_playground():  # hidden in the playground: nothing to redraw
            return
        if what in ("settings", "frame", "practice"):
            self.redraw()
        elif what == "inputs":
            self._draw_current_corner()

    def _place_legend(self, right: bool) -> None:
        """The key in a column right of a wide plot, or in rows under a tall one."""
        if right != self._legend_right:
            layout = self.getPlotItem().layout
            if self._legend_right is not None:
                layout.removeItem(self.legend)
            self._legend_right = right
            layout.addItem(self.legend, 2, 3) if right else layout.addItem(self.legend, 4, 1)
        # Its own size, not the plot's height: the entries stay together.
        policy = QSizePolicy.Policy.Fixed
        self.legend.setSizePolicy(policy, policy)
        self._legend_columns()

    def _legend_columns(self) -> None:
        """As many columns under the plot as its width holds (one column beside it)."""
        if self._legend_right or not self.legend.items:
            columns = 1
        else:
            entry = max(
                sample.boundingRect().width() + label.boundingRect().width() + 12
                for sample, label in self.legend.items
            )
            columns = int(max(1, min(3, (self.width() - 40) // max(entry, 1))))
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)

    def resizeEvent(self, event) -> None:
        # PlotWidget.__init__ calls this with None before this class has set itself up.
        if event is not None and getattr(self, "legend", None) is not None:
            size = event.size()
            self._place_legend(right=size.width() > 1.6 * size.height())
        super().resizeEvent(event)

    def _corner_font(self, scale: float = 1.0):
        size = (1.0 if self._presentation else 0.9) * scale
        return scaled_font(QApplication.font(), size, bold=True)

    @staticmethod
    def _margin(side: float, room: float) -> float:
        """Data units to add beyond the square so a corner has ``room`` pixels outwards.

        The view shows 1.5 + 2 m units on ``side`` pixels and a corner sits 0.25 units in
        from the square's edge, so m solves (0.25 + m) · side / (1.5 + 2 m) = room.
        """
        span = REGION_HI - REGION_LO
        inner = -REGION_LO
        return max(0.0, (span * room - inner * side) / max(side - 2 * room, 1.0))

    def _fit_range(self, *_args: object) -> None:
        """Show the square and room for the corner labels, which never overlap.

        Labels sit above the top corners and below the bottom ones when two of them fit
        between neighbouring corners; in a small plot they move beside the corners,
        outwards, so they cannot meet.
        """
        view = self.getViewBox()
        side = max(float(min(view.height(), view.width())), 60.0)
        ring = self._marker() * 1.9 / 2 + 2
        # A small plot writes the labels smaller rather than shrinking the square away.
        for scale in (1.0, 0.85, 0.7):
            font = self._corner_font(scale)
            for _a, _b, text in self.corner_texts:
                text.setFont(font)
            sizes = [t.boundingRect() for _a, _b, t in self.corner_texts]
            width = max((r.width() for r in sizes), default=0.0)
            height = max((r.height() for r in sizes), default=0.0)
            margin = self._margin(side, ring + height)
            ppu = side / (REGION_HI - REGION_LO + 2 * margin)
            self._labels_beside = width + 4 > ppu
            if self._labels_beside:
                margin = self._margin(side, ring + width)
            if margin <= MAX_MARGIN:
                break
        margin = min(margin, MAX_MARGIN)
        ppu = side / (REGION_HI - REGION_LO + 2 * margin)
        lo, hi = REGION_LO - margin, REGION_HI + margin
        self.setRange(xRange=(lo, hi), yRange=(lo, hi), padding=0)
        offset = ring / ppu
        for a, b, text in self.corner_texts:
            if self._labels_beside:
                text.setAnchor((1.0 if a < 0.5 else 0.0, 0.5))
                text.setPos(a - offset if a < 0.5 else a + offset, b)
            else:
                text.setAnchor((0.5, 1.0 if b > 0.5 else 0.0))
                text.setPos(a, b + offset if b > 0.5 else b - offset)

    def set_presentation(self, on: bool) -> None:
        """Thicker lines, bigger markers and labels (redraws)."""
        self._presentation = bool(on)
        self.redraw()

    def redraw(self) -> None:
        """Draw the model's regions, lines and corners as they are now."""
        model = self._model
        font = scaled_font(QApplication.font(), 0.95 if self._presentation else 0.85)
        self._legend_size = f"{font.pointSizeF():.1f}pt"
        self.legend.setLabelTextSize(self._legend_size)
        coords, grid = model.region_grid()
        step = coords[1] - coords[0]
        if asking.any_output_hidden(model):  # practice: the shading would tell the outputs
            grid = np.zeros_like(grid)
        self.image_item.setImage(grid, levels=(0.0, 1.0), lut=_REGION_LUT, autoLevels=False)
        sigmoid = model.activation == "sigmoid"
        self.setTitle("Decision regions", size=f"{font.pointSizeF():.1f}pt")
        self.legend.getLabel(self.region_key).setText(
            "output ≥ 0.5 (shade: σ)" if sigmoid else "output 1"
        )
        for _sample, label in self.legend.items:  # setLabelTextSize only stores the size
            label.setText(label.text, size=self._legend_size)
        size = coords.size
        self.image_item.setRect(
            QRectF(REGION_LO - step / 2, REGION_LO - step / 2, step * size, step * size)
        )
        self._draw_lines()
        self._draw_corners()
        self._draw_current_corner()
        self._legend_columns()
        self._fit_range()

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
                self.legend.addItem(item, name)
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
        hidden = [asking.is_row_hidden(self._model, r) for r in range(4)]
        missed = TRUTH_INPUTS[
            [not r.ok and not h for r, h in zip(diagnosis.rows, hidden, strict=True)]
        ]
        self.corner_missed.setData(
            pos=missed.reshape(-1, 2), size=size * 1.6, symbol="x",
            brush=cached_brush(ERROR_COLOR), pen=cached_pen(ERROR_COLOR, 1),
        )  # fmt: skip
        for k, (a, b, text) in enumerate(self.corner_texts):
            out = asking.HIDDEN if hidden[k] else str(int(bits[k]))
            text.setText(f"{int(a)}{int(b)} → {out}")
            wrong = not diagnosis.rows[k].ok and not hidden[k]
            text.setColor(ERROR_COLOR if wrong else (20, 20, 20))

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

    def plot_and_legend_rects(self) -> tuple[QRectF, QRectF]:
        """The data area and the legend, in scene pixels (the legend must never cover data)."""
        view = self.getViewBox()
        return view.sceneBoundingRect(), self.legend.sceneBoundingRect()

    def corner_labels_apart(self) -> bool:
        """True when the four corner labels are inside the data area and do not overlap."""
        area = self.getViewBox().sceneBoundingRect().adjusted(-0.5, -0.5, 0.5, 0.5)
        boxes = [text.sceneBoundingRect() for _a, _b, text in self.corner_texts]
        inside = all(area.contains(box) for box in boxes)
        apart = all(
            not boxes[i].intersects(boxes[j])
            for i in range(len(boxes))
            for j in range(i + 1, len(boxes))
        )
        return inside and apart
