"""The (lr, β) map of the ravine: heavy ball's rate per step as a heat map, the run on it.

Each cell is the rate at its grid node (round numbers of lr and β); where the rate reaches 1
the run diverges, and those cells are left open over a red hatch, edged by the rate = 1 line.
A click sets the selected run's lr and β to the node under the mouse; "Optimal" snaps to lr*
and β* and writes both best rates. The map is redrawn only when κ or the form changes; the
marker of the current (lr, β) moves when the settings do, never on a frame.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.momentum_map import best_rates, optimal_gd_lr, optimal_heavy_ball
from visualizer.tabs.descent import rate_map as maps
from visualizer.tabs.descent.items import RUNNER_COLORS, Dot
from visualizer.tabs.descent.model import DescentModel
from visualizer.widgets.plot_style import ERROR_COLOR, HIGHLIGHT_COLOR

#: Rates shown on the colour bar; the colour follows −log10(1 − rate), so 0.9, 0.99 and 0.999
#: (10, 100 and 1000 steps per tenfold) are as far apart as they are different to a run.
RATE_TICKS = (0.0, 0.5, 0.9, 0.99)
SHADE_TOP = 3.0
_MAP_COLORS = pg.ColorMap(
    pos=np.array([0.0, 0.15, 0.35, 0.6, 1.0]),
    color=np.array(
        [
            [8, 29, 88, 255],
            [34, 94, 168, 255],
            [65, 182, 196, 255],
            [199, 233, 180, 255],
            [255, 255, 240, 255],
        ]
    ),
)
_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


def shade(rates: np.ndarray) -> np.ndarray:
    """The colour value of each rate: −log10(1 − rate) up to SHADE_TOP, NaN (left open, over
    the hatch) where the run diverges."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -np.log10(1.0 - np.minimum(rates, 1.0))
    out = np.minimum(out, SHADE_TOP)
    out[rates >= 1.0] = np.nan
    return out


class BoxedText(QGraphicsRectItem):
    """Text of fixed pixel size on a white box, its bottom-right corner at its position."""

    def __init__(self, color: str) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setBrush(QBrush(QColor(255, 255, 255, 230)))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.text = QGraphicsSimpleTextItem(self)
        self.text.setBrush(QBrush(QColor(color)))

    def setText(self, text: str) -> None:
        self.text.setText(text)
        self._fit()

    def setFont(self, font: QFont) -> None:
        self.text.setFont(font)
        self._fit()

    def _fit(self) -> None:
        r = self.text.boundingRect()
        self.text.setPos(-r.width() - 4, -r.height() - 2)
        self.setRect(-r.width() - 8, -r.height() - 4, r.width() + 8, r.height() + 4)


class RateMapView(QWidget):
    """The map with its form, the "Optimal" button and the rates in words."""

    #: The rates after "Optimal", or a refused click, for the window's status bar.
    statusMessage = Signal(str)

    def __init__(self, model: DescentModel) -> None:
        super().__init__()
        self.model = model
        self._drawn: tuple[float, str] | None = None
        self._shown_rates = np.zeros((1, 1))
        self._explained = False
        self.form_box = QComboBox()
        for form, label in maps.MAP_FORMS.items():
            self.form_box.addItem(label, form)
            self.form_box.setItemData(
                self.form_box.count() - 1, maps.FORM_RULES[form], Qt.ItemDataRole.ToolTipRole
            )
        self.form_box.setToolTip(
            "Heavy ball's own lr, or the sheet's EMA momentum, whose lr is heavy ball's "
            "lr / (1 − β): the same runs, the map stretched along lr"
        )
        self.form_box.currentIndexChanged.connect(self._on_form_box_changed)
        self.optimal_button = QPushButton("Optimal")
        self.optimal_button.setToolTip(
            "Heavy ball's fastest settings: lr* = (2/(√L+√μ))², β* = ((√κ−1)/(√κ+1))²"
        )
        self.optimal_button.clicked.connect(self.snap_to_optimal)
        self.plot = pg.PlotWidget(enableMenu=False)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plot.setMinimumHeight(120)
        self.readout = QLabel()
        self.readout.setWordWrap(True)
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self._readout_lines: list[str] = []
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Rate per step over")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header.addWidget(self.title, 1)
        header.addWidget(self.form_box)
        header.addWidget(self.optimal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self._build_plot()
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        model.subscribe(self._on_model_changed)
        self.render()

    def _build_plot(self) -> None:
        plot = self.plot.getPlotItem()
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setLabel("left", "β")
        for name in ("left", "bottom"):
            plot.getAxis(name).enableAutoSIPrefix(False)
        # the diverging cells are left open: this hatch shows through them
        self.hatch = QGraphicsRectItem()
        hatch = QBrush(QColor(ERROR_COLOR), Qt.BrushStyle.BDiagPattern)
        self.hatch.setBrush(hatch)
        self.hatch.setPen(QPen(Qt.PenStyle.NoPen))
        self.hatch.setZValue(-20)
        plot.addItem(self.hatch)
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.boundary = pg.IsocurveItem(level=1.0, pen=pg.mkPen(ERROR_COLOR, width=2))
        self.boundary.setParentItem(self.image)
        self.bar = pg.ColorBarItem(
            values=(0.0, SHADE_TOP),
            colorMap=_MAP_COLORS,
            interactive=False,
            colorMapMenu=False,
            width=16,
        )
        self.bar.setImageItem(self.image, insert_in=plot)
        self.bar.axis.setTicks([[(self._shade_of(r), f"{r:g}") for r in RATE_TICKS]])
        self.diverges_text = BoxedText(ERROR_COLOR)
        self.diverges_text.setText("diverges: rate ≥ 1")
        self.diverges_text.setZValue(5)
        plot.addItem(self.diverges_text, ignoreBounds=True)
        self.best_item = pg.ScatterPlotItem(symbol="star", brush=pg.mkBrush(HIGHLIGHT_COLOR))
        self.best_item.setZValue(8)
        self.gd_item = pg.ScatterPlotItem(symbol="d", brush=pg.mkBrush("w"))
        self.gd_item.setZValue(8)
        plot.addItem(self.best_item, ignoreBounds=True)
        plot.addItem(self.gd_item, ignoreBounds=True)
        # the other runners of a race in their colours, the selected run on top, larger
        self.others = pg.ScatterPlotItem()
        self.others.setZValue(9)
        plot.addItem(self.others, ignoreBounds=True)
        self.current = Dot()
        self.current.setZValue(10)
        self.current.setToolTip("The selected run's (lr, β)")
        plot.addItem(self.current, ignoreBounds=True)
        for item in (self.image, self.boundary, self.hatch):
            item.setCacheMode(_CACHED)

    @staticmethod
    def _shade_of(rate: float) -> float:
        return float(shade(np.array([rate]))[0])

    # ----- the model -----------------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "map", "restored"):
            self.render()

    def render(self) -> None:
        """The map (when κ or the form changed), the current point and the rates in words."""
        model = self.model
        if not model.map_shown:
            return
        form = model.map_form or "heavy_ball"
        with QSignalBlocker(self.form_box):
            self.form_box.setCurrentIndex(self.form_box.findData(form))
        key = (model.settings.kappa, form)
        if key != self._drawn:
            self._drawn = key
            self._explained = False
            self._draw_map(model.rate_map())
        self._show_current()

    def _draw_map(self, m: maps.RateMap) -> None:
        dl, db = m.lr_step, maps.BETA_STEP
        rect = QRectF(float(m.lrs[0]) - dl / 2, -db / 2, len(m.lrs) * dl, len(m.betas) * db)
        self._shown_rates = m.rates
        self.image.setImage(shade(m.rates), levels=(0.0, SHADE_TOP))
        self.image.setRect(rect)
        self.hatch.setRect(rect)
        self.boundary.setData(m.rates)
        plot = self.plot.getPlotItem()
        plot.setLabel("bottom", maps.LR_NAMES[m.form])
        # (a little room around the grid: markers at β = 0 show whole)
        plot.getViewBox().setRange(rect=rect, padding=0.03)
        self.diverges_text.setPos(float(m.lrs[-1]), 0.03)
        mu, big_l = m.eigenvalues
        lr_star, beta_star = optimal_heavy_ball(mu, big_l)
        if m.form == "ema":
            lr_star /= 1.0 - beta_star
        gd_lr = optimal_gd_lr(mu, big_l)
        self.best_item.setData([lr_star], [beta_star])
        self.gd_item.setData([gd_lr], [0.0])

    def _show_current(self) -> None:
        s = self.model.settings
        form = self.model.map_form or "heavy_ball"
        m = self.model.rate_map()
        selected = self.model.selected_index
        xs, ys, brushes = [], [], []
        for k, (racer, _traj) in enumerate(self.model.runners()):
            point = maps.map_point(racer.method, racer.lr, racer.beta, form)
            if point is None or m.node(*point) is None:
                if k == selected:
                    self.current.setVisible(False)
                continue
            color = RUNNER_COLORS[k % len(RUNNER_COLORS)]
            if k == selected:
                self.current.setVisible(True)
                self.current.setPos(*point)
                self.current.setBrush(pg.mkBrush(color))
            else:
                xs.append(point[0])
                ys.append(point[1])
                brushes.append(pg.mkBrush(color))
        self.others.setData(xs, ys, brush=brushes)
        # the selected run's rate first, then each other runner the map describes, each
        # after a dot in its colour
        rows: list[tuple[str, str]] = []
        for k, (racer, _traj) in enumerate(self.model.runners()):
            if k != selected and maps.run_rate(racer.method, racer.lr, racer.beta, s.kappa) is None:
                continue
            text = maps.rate_text(
                racer.method, racer.lr, racer.beta, s.kappa, form, steps=k == selected
            )
            row = (RUNNER_COLORS[k % len(RUNNER_COLORS)], text)
            if k == selected:
                rows.insert(0, row)
            else:
                rows.append(row)
        if self._explained:
            last = maps.optimal_text(s.kappa, form)
        else:
            gd_rate, hb_rate = best_rates(s.kappa)
            last = f"★ optimal: rate {hb_rate:.3g}    ◆ GD's best: {gd_rate:.3g}"
        self._readout_lines = [text for _color, text in rows] + [last]
        html = [f'<span style="color:{c}">●</span> {escape(t)}' for c, t in rows]
        self.readout.setText("<br>".join([*html, escape(last)]))

    # ----- the mouse and the button --------------------------------------------------------
    def _on_form_box_changed(self, _index: int) -> None:
        form = self.form_box.currentData()
        if form:
            self.model.set_map_form(form)

    def set_from_plot(self, lr: float, beta: float) -> None:
        """Set the run's (lr, β) to the map's node nearest (lr, β); outside the map, nothing."""
        node = self.model.rate_map().snap(lr, beta)
        if node is None:
            return
        try:
            self.model.set_from_map(*node)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))

    def _on_scene_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        self.set_from_plot(p.x(), p.y())

    def snap_to_optimal(self) -> None:
        """The run takes lr* and β*; both best rates are written under the map."""
        text = self.model.snap_to_optimal()
        self._explained = True
        self._show_current()
        self.statusMessage.emit(text)

    # ----- looks ---------------------------------------------------------------------------
    def apply_styles(self, width: float, size: float, font: QFont) -> None:
        self.boundary.setPen(pg.mkPen(ERROR_COLOR, width=width))
        self.current.set_style(size * 1.6, pg.mkPen("w", width=3), pg.mkBrush("k"))
        self.others.setSize(size * 1.1)
        self.others.setPen(pg.mkPen("w", width=2))
        self.bar.axis.setWidth(QFontMetrics(font).horizontalAdvance("0.999") + 14)
        self.bar.axis.setTickFont(font)
        self._show_current()
        self.best_item.setSize(size * 2.2)
        self.best_item.setPen(pg.mkPen("#7A4F00", width=1))
        self.gd_item.setSize(size * 1.4)
        self.gd_item.setPen(pg.mkPen("k", width=2))
        self.diverges_text.setFont(font)

    # ----- reading what is shown -----------------------------------------------------------
    def value_at(self, lr: float, beta: float) -> float:
        """The rate the map shows at the data point (lr, β): the cell drawn there."""
        pixel = self.image.mapFromView(QPointF(lr, beta))
        row, col = math.floor(pixel.y()), math.floor(pixel.x())
        return float(self._shown_rates[row, col])

    def current_position(self) -> tuple[float, float] | None:
        if not self.current.isVisible():
            return None
        return self.current.pos().x(), self.current.pos().y()

    def readout_text(self) -> str:
        """The rates under the map, as plain text (one line per runner, then the best)."""
        return "\n".join(self._readout_lines)

    def widget_pos(self, lr: float, beta: float):
        """Where (lr, β) is in the plot's viewport pixels (to click on it)."""
        vb = self.plot.getPlotItem().getViewBox()
        return self.plot.mapFromScene(vb.mapViewToScene(QPointF(lr, beta)))
