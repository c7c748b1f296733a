"""Gradient descent tab: GD and momentum animated on the GeLU curve, with every step worked out.

Controls -> :class:`DescentParams` -> :func:`run_descent` (the whole run, computed once) ->
``_render_run`` (items that depend on the run) and ``_render_frame`` (items that depend on the
current step). The play timer only moves the frame index. No maths lives here: values, the
status words and the worked arithmetic all come from ``visualizer.compute``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QKeySequence,
    QPainterPath,
    QPalette,
    QPolygonF,
    QShortcut,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsSimpleTextItem,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute import (
    DESCENT_PRESETS,
    METHOD_LABELS,
    METHOD_RULES,
    METHODS,
    MOMENTUM_METHODS,
    OBJECTIVES,
    DescentParams,
    Trajectory,
    classify_run,
    run_descent,
    worked_solution,
    worked_step,
)
from visualizer.tabs.base import TopicTab
from visualizer.widgets.descent_parts import IterateTableModel, PinnedRunRow
from visualizer.widgets.number_field import NumberField
from visualizer.widgets.play_controls import PlayControls
from visualizer.widgets.plot_style import (
    ERROR_COLOR,
    HIGHLIGHT_COLOR,
    OK_COLOR,
    RUN_COLORS,
    line_width,
    marker_size,
)

CURRENT_COLOR = RUN_COLORS[0]
GRADIENT_COLOR = "#D55E00"
VELOCITY_COLOR = "#009E73"
CURVE_COLOR = "#333333"
DERIVATIVE_COLOR = "#7F7F7F"
#: Iterates numbered on the curve (more would only pile up into an unreadable blob).
MAX_NUMBERED = 25
#: Points the trail line is drawn with at most (longer runs are decimated evenly).
MAX_TRAIL_POINTS = 2000
#: Runs up to this many steps mark every iterate with a dot.
MAX_TRAIL_DOTS = 200
#: Above this many steps, dragging x0 recomputes only when the drag ends.
LIVE_DRAG_STEPS = 2000
CURVE_SAMPLES = 800
FIRST_PRESET = "1a"
CUSTOM_LABEL = "Custom settings"
STATUS_COLORS = {
    "start": "#333333",
    "converging": OK_COLOR,
    "converged": OK_COLOR,
    "oscillating": "#B35900",
    "diverged": ERROR_COLOR,
}


@dataclass
class PinnedRun:
    """A run kept on screen for comparison."""

    params: DescentParams
    trajectory: Trajectory
    color: str
    curve_item: pg.PlotDataItem
    ft_item: pg.PlotDataItem
    row: PinnedRunRow


def run_label(p: DescentParams) -> str:
    """A run described in a few words, for legends and the pinned list."""
    names = {
        "gd": "GD",
        "momentum": "momentum",
        "heavy_ball": "heavy ball",
        "nesterov": "Nesterov",
        "adam": "Adam",
    }
    text = f"{names[p.method]}, lr {p.lr:g}, x0 {p.x0:g}"
    if p.method in MOMENTUM_METHODS:
        text += f", β {p.beta:g}"
    if p.method == "adam":
        text += f", β2 {p.beta2:g}"
    return text


class _PixelText(QGraphicsSimpleTextItem):
    """Text of fixed pixel size at a data position, anchored like pg.TextItem, but painted
    by Qt itself (no Python per paint): the iterate numbers."""

    def __init__(self, color: str) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setBrush(pg.mkBrush(color))
        self._anchor = (0.5, 1.2)

    def set_anchor(self, ax: float, ay: float) -> None:
        self._anchor = (ax, ay)
        self._apply_anchor()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._apply_anchor()

    def setFont(self, font: QFont) -> None:
        super().setFont(font)
        self._apply_anchor()

    def toPlainText(self) -> str:
        return self.text()

    def anchor(self) -> tuple[float, float]:
        return self._anchor

    def _apply_anchor(self) -> None:
        rect = self.boundingRect()
        ax, ay = self._anchor
        self.setTransform(QTransform.fromTranslate(-ax * rect.width(), -ay * rect.height()))


class _ArrowHead(QGraphicsPolygonItem):
    """A filled triangle of fixed pixel size whose tip sits at its position."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self._right = True

    def set_style(self, length: float, color: str) -> None:
        half = 0.45 * length
        self.setPolygon(QPolygonF([QPointF(0, 0), QPointF(-length, -half), QPointF(-length, half)]))
        self.setPen(pg.mkPen(color))
        self.setBrush(pg.mkBrush(color))

    def point(self, *, right: bool) -> None:
        if right != self._right:
            self._right = right
            self.setRotation(0.0 if right else 180.0)


class _TrailPath(QGraphicsPathItem):
    """The trail's line: a path painted by Qt itself, with PlotDataItem's setData/getData."""

    def __init__(self) -> None:
        super().__init__()
        self._xy = (np.zeros(0), np.zeros(0))

    def setData(self, x: np.ndarray, y: np.ndarray) -> None:
        self._xy = (np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        if len(x) >= 2:
            self.setPath(pg.arrayToQPath(self._xy[0], self._xy[1], connect="all"))
        else:
            self.setPath(QPainterPath())

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self._xy


class _Dot(QGraphicsEllipseItem):
    """A marker of fixed pixel size placed with ``setPos``, painted by Qt itself (no Python
    per paint, unlike a one-point ScatterPlotItem): the point that moves every frame."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)

    def set_style(self, size: float, pen, brush) -> None:
        self.setRect(-size / 2, -size / 2, size, size)
        self.setPen(pen)
        self.setBrush(brush)


class _LabelHost(QWidget):
    """Holds a label without a layout, so text changes never re-run the parent's layout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def resizeEvent(self, event) -> None:
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)


def _set_text_color(label: QLabel, color: str) -> None:
    # A palette, not a style sheet: a style sheet would freeze the label's font size when the
    # window zooms or enters presentation mode.
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    label.setPalette(palette)


#: Points further out than this are not drawn (Qt's raster paths misbehave with coordinates
#: near 1e300); the table and the status line still report them.
DRAW_LIMIT = 1e12


def _drawable(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mask of points that are finite and within DRAW_LIMIT in both coordinates."""
    with np.errstate(invalid="ignore"):
        return (np.abs(x) <= DRAW_LIMIT) & (np.abs(y) <= DRAW_LIMIT)


def _decimated(n: int) -> np.ndarray | slice:
    """Indices 0..n-1 thinned evenly to at most MAX_TRAIL_POINTS, always keeping the last."""
    if n <= MAX_TRAIL_POINTS:
        return slice(0, n)
    stride = math.ceil(n / MAX_TRAIL_POINTS)
    idx = np.arange(0, n, stride)
    if idx[-1] != n - 1:
        idx = np.append(idx, n - 1)
    return idx


class DescentTab(TopicTab):
    """Animated 1-D gradient descent (five methods) on four curves, with exercise 1 as presets."""

    key = "descent"
    title = "Gradient descent"

    #: The run's settings changed (the new :class:`DescentParams`).
    paramsChanged = Signal(object)
    #: The shown step changed.
    frameChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._params = DESCENT_PRESETS[FIRST_PRESET].params
        self._traj: Trajectory = run_descent(self._params)
        self._frame = 0
        self._presentation = False
        self._pins: list[PinnedRun] = []
        self._show_derivative = False
        self._dragging = False
        self._drawn_objective = ""
        self._labels_shown = -1
        self._dot_style = (8.0, pg.mkPen("w"), pg.mkBrush(CURRENT_COLOR))
        self._status_kind = ""
        self._status_message = ""
        self._t_axis = np.arange(1, dtype=float)
        self._draw_x = np.zeros(1)
        self._draw_f = np.zeros(1)
        self._label_allowed = [False] * MAX_NUMBERED
        self._built = False
        self._build_ui()
        self.load_preset(FIRST_PRESET)

    # =========================================================================================
    # building
    # =========================================================================================
    def _build_ui(self) -> None:
        self._build_plots()
        self._build_controls()
        self._build_table()

        self.play = PlayControls(self._traj.steps + 1, fps=2.0)
        # TopicTab's toggle_play / step_forward / step_back / rewind drive this bar.
        self.play_controls = self.play
        self.play.frameChanged.connect(self._on_play_frame_changed)

        # Both texts change every frame. Neither may ask the layout to re-run each time:
        # the status label lives in a host without a layout, the worked step in a plain-text
        # view whose size never depends on its text.
        self.status_host = _LabelHost()
        self.status_label = self.status_host.label
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.worked_label = QPlainTextEdit()
        self.worked_label.setReadOnly(True)
        self.worked_label.setFrameShape(QFrame.Shape.NoFrame)
        self.worked_label.viewport().setAutoFillBackground(False)
        self.worked_label.setFont(self._mono_font())
        # Long lines (Adam, big fonts) wrap at spaces instead of hiding behind a scroll bar.
        self.worked_label.setToolTip("The update that produced the current x, numbers put in")
        worked_box = self.worked_box = QGroupBox("This step, worked out")
        worked_layout = QVBoxLayout(worked_box)
        worked_layout.setContentsMargins(6, 2, 6, 4)
        worked_layout.addWidget(self.worked_label)

        self.zoom_run_button = QPushButton("Zoom to run")
        self.zoom_run_button.setToolTip("Fit the view to the iterates (useful when steps are tiny)")
        self.zoom_run_button.clicked.connect(self.zoom_to_run)
        self.whole_curve_button = QPushButton("Whole curve")
        self.whole_curve_button.setToolTip("Back to the curve's usual range")
        self.whole_curve_button.clicked.connect(self.show_whole_curve)
        view_row = QHBoxLayout()
        view_row.setContentsMargins(0, 0, 0, 0)
        view_row.addWidget(self.zoom_run_button)
        view_row.addWidget(self.whole_curve_button)
        view_row.addSpacing(12)
        # What the two arrows at the current point mean (colours as drawn).
        self.arrow_key = QLabel()
        self.arrow_key.setTextFormat(Qt.TextFormat.RichText)
        self.arrow_key.setToolTip(
            "Arrows at the current point: where a plain gradient step would go (−lr·f'), "
            "and the push of the carried velocity (−lr·v) for momentum methods"
        )
        view_row.addWidget(self.arrow_key)
        view_row.addStretch(1)
        view_row.addWidget(self.derivative_check)
        curve_panel = QWidget()
        curve_layout = QVBoxLayout(curve_panel)
        curve_layout.setContentsMargins(0, 0, 0, 0)
        curve_layout.setSpacing(2)
        curve_layout.addLayout(view_row)
        curve_layout.addWidget(self.curve_plot, 1)

        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(curve_panel)
        plots.addWidget(self.ft_plot)
        plots.setStretchFactor(0, 5)
        plots.setStretchFactor(1, 2)
        self.ft_plot.setMinimumHeight(140)
        plots.setChildrenCollapsible(False)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(plots, 1)
        left_layout.addWidget(self.play)
        left_layout.addWidget(self.status_host)
        left_layout.addWidget(worked_box)
        worked_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.settings_box)
        right_layout.addWidget(self.pins_box)
        right_layout.addWidget(self.table_box, 1)
        right.setMinimumWidth(460)
        right.setMaximumWidth(720)
        self._right_panel = right

        splitter = self._splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self._built = True
        self._apply_styles()

    def _build_plots(self) -> None:
        self.curve_plot = pg.PlotWidget()
        plot = self.curve_plot.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.setLabel("bottom", "x")
        plot.setLabel("left", "f(x)")
        plot.setMenuEnabled(False)
        plot.getAxis("left").enableAutoSIPrefix(False)
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.legend = plot.addLegend(
            offset=(10, 10), brush=pg.mkBrush(255, 255, 255, 215), pen=pg.mkPen("#999999")
        )
        self.curve_item = pg.PlotDataItem(name="f(x)")
        self.derivative_item = pg.PlotDataItem(name="f'(x)")
        self.derivative_item.setVisible(False)
        self.min_item = pg.ScatterPlotItem(symbol="star", brush=pg.mkBrush(HIGHLIGHT_COLOR))
        self.min_item.setZValue(5)
        # The trail is a line plus one Qt-painted dot per iterate (for runs of up to
        # MAX_TRAIL_DOTS steps): a frame then shows one more dot instead of re-plotting every
        # symbol. The legend gets a sample item that is never drawn in the plot.
        self.trail_item = _TrailPath()
        self.trail_sample = pg.PlotDataItem()
        self.trail_dots: list[_Dot] = []
        self._dots_ok = np.zeros(0, dtype=bool)
        self._dots_shown = 0
        # The current point is one spot at (0, 0) moved with setPos: far cheaper per frame
        # than regenerating a scatter's data. Lines are plain QGraphicsLineItems for the same
        # reason.
        self.current_item = _Dot()
        self.gradient_line = QGraphicsLineItem()
        self.gradient_head = _ArrowHead()
        self.velocity_line = QGraphicsLineItem()
        self.velocity_head = _ArrowHead()
        self.tangent_item = QGraphicsLineItem()
        self.x0_handle = pg.TargetItem(
            size=16, symbol="o", movable=True, pen=pg.mkPen(CURRENT_COLOR, width=2)
        )
        self.x0_handle.setToolTip("Drag along the curve to choose x0 (or click the curve)")
        self.x0_handle.setZValue(20)
        self.number_items: list[_PixelText] = []
        plot.addItem(self.curve_item)
        plot.addItem(self.derivative_item)
        plot.addItem(self.tangent_item, ignoreBounds=True)
        plot.addItem(self.min_item)
        plot.addItem(self.trail_item, ignoreBounds=True)
        for item in (self.gradient_line, self.velocity_line):
            plot.addItem(item, ignoreBounds=True)
        plot.addItem(self.gradient_head, ignoreBounds=True)
        plot.addItem(self.velocity_head, ignoreBounds=True)
        plot.addItem(self.current_item, ignoreBounds=True)
        plot.addItem(self.x0_handle)
        self.current_item.setZValue(10)
        for _ in range(MAX_NUMBERED):
            text = _PixelText(CURRENT_COLOR)
            text.setZValue(15)
            plot.addItem(text, ignoreBounds=True)
            self.number_items.append(text)
        # The legend lists the curve, f' and the runs; helper items stay out of it.
        for item in (self.derivative_item,):
            self.legend.removeItem(item)
        self.x0_handle.sigPositionChanged.connect(self._on_x0_handle_moved)
        self.x0_handle.sigPositionChangeFinished.connect(self._on_x0_handle_released)
        self.curve_plot.scene().sigMouseClicked.connect(self._on_curve_plot_clicked)
        plot.getViewBox().sigRangeChanged.connect(self._on_curve_x_range_changed)

        self.ft_plot = pg.PlotWidget()
        ft = self.ft_plot.getPlotItem()
        # (no grid here: this small plot is repainted every frame, and the big curve plot
        # above carries the grid)
        ft.setLabel("bottom", "step t")
        ft.setLabel("left", "f(x_t)")
        ft.setMenuEnabled(False)
        ft.getAxis("left").enableAutoSIPrefix(False)
        ft.getAxis("bottom").enableAutoSIPrefix(False)
        # The whole run is drawn once per run; a frame only moves the marker.
        self.ft_item = pg.PlotDataItem()
        self.ft_current = _Dot()
        for item in (self.ft_item,):
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        ft.addItem(self.ft_item)
        ft.addItem(self.ft_current, ignoreBounds=True)
        self.ft_current.setZValue(10)
        # Curves that do not change from frame to frame are repainted from a cached pixmap.
        for item in (self.curve_item, self.derivative_item, self.ft_item):
            item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.ft_item.scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.min_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.x0_handle.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # Axes are re-rendered only when their range changes; a frame that merely moves the
        # point then repaints them from a cached pixmap instead of redrawing every label.
        for plot_item in (plot, ft):
            for name in ("left", "bottom"):
                plot_item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def _build_controls(self) -> None:
        self.preset_box = QComboBox()
        for name, preset in DESCENT_PRESETS.items():
            self.preset_box.addItem(preset.label, name)
            self.preset_box.setItemData(
                self.preset_box.count() - 1, preset.description, Qt.ItemDataRole.ToolTipRole
            )
        self.preset_box.addItem(CUSTOM_LABEL, "")
        self.preset_box.setToolTip("The sheet's exercises and a few demonstrations")
        self.preset_box.activated.connect(self._on_preset_box_activated)

        self.objective_box = QComboBox()
        for key, obj in OBJECTIVES.items():
            self.objective_box.addItem(obj.label, key)
            self.objective_box.setItemData(
                self.objective_box.count() - 1, obj.formula, Qt.ItemDataRole.ToolTipRole
            )
        self.objective_box.currentIndexChanged.connect(self._on_objective_changed)
        self.derivative_check = QCheckBox("Show f'(x)")
        self.derivative_check.setToolTip("Draw the derivative f'(x) as a dashed grey curve")
        self.derivative_check.toggled.connect(self._on_derivative_toggled)

        self.method_box = QComboBox()
        for method in METHODS:
            self.method_box.addItem(METHOD_LABELS[method], method)
            self.method_box.setItemData(
                self.method_box.count() - 1, METHOD_RULES[method], Qt.ItemDataRole.ToolTipRole
            )
        self.method_box.currentIndexChanged.connect(self._on_method_changed)

        self.lr_field = NumberField(0.1, minimum=0.0)
        self.lr_field.setToolTip("Learning rate lr (step size)")
        self.beta_field = NumberField(0.9, minimum=0.0, maximum=0.9999)
        self.beta_field.setToolTip("β: how much of the previous velocity is kept (0 ≤ β < 1)")
        self.beta2_field = NumberField(0.999, minimum=0.0, maximum=0.999999)
        self.beta2_field.setToolTip("β₂: Adam's decay for the squared-gradient average")
        self.x0_field = NumberField(0.0, minimum=-1e300, maximum=1e300)
        self.x0_field.setToolTip("Starting point x0 (or click / drag on the curve)")
        self.steps_field = NumberField(3, minimum=0, maximum=10_000, integer=True)
        self.steps_field.setToolTip("Number of updates (0 to 10,000)")
        for fld in (self.lr_field, self.beta_field, self.beta2_field, self.x0_field):
            fld.valueChanged.connect(self._on_number_changed)
        self.steps_field.valueChanged.connect(self._on_number_changed)

        self.settings_box = QGroupBox("Settings")
        form = QFormLayout(self.settings_box)
        form.setContentsMargins(6, 4, 6, 4)
        form.setVerticalSpacing(3)
        form.addRow("Preset", self.preset_box)
        form.addRow("Curve", self.objective_box)
        form.addRow("Method", self.method_box)
        form.addRow("lr", self.lr_field)
        self.beta_label = QLabel("β")
        self.beta2_label = QLabel("β₂")
        form.addRow(self.beta_label, self.beta_field)
        form.addRow(self.beta2_label, self.beta2_field)
        form.addRow("x0", self.x0_field)
        form.addRow("Steps", self.steps_field)

        self.pin_button = QPushButton("Pin run")
        self.pin_button.setToolTip("Keep this run on screen in its own colour, to compare")
        self.pin_button.clicked.connect(self.pin_run)
        self.clear_pins_button = QPushButton("Remove all")
        self.clear_pins_button.setToolTip("Remove every pinned run")
        self.clear_pins_button.clicked.connect(self.clear_pins)
        self.pins_list = QWidget()
        self.pins_layout = QVBoxLayout(self.pins_list)
        self.pins_layout.setContentsMargins(0, 0, 0, 0)
        self.pins_layout.setSpacing(1)
        self.pins_layout.addStretch(1)
        self.pins_hint = QLabel("No pinned runs: press “Pin run” to keep this one for comparison.")
        self.pins_hint.setWordWrap(True)
        _set_text_color(self.pins_hint, "#555555")
        pins_scroll = QScrollArea()
        pins_scroll.setWidget(self.pins_list)
        pins_scroll.setWidgetResizable(True)
        pins_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        pins_scroll.setMaximumHeight(84)
        self.pins_box = QGroupBox("Compare runs")
        pins_layout = QVBoxLayout(self.pins_box)
        pins_layout.setContentsMargins(6, 4, 6, 4)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pin_button)
        buttons.addWidget(self.clear_pins_button)
        buttons.addStretch(1)
        pins_layout.addLayout(buttons)
        pins_layout.addWidget(self.pins_hint)
        pins_layout.addWidget(pins_scroll)
        self._pins_scroll = pins_scroll
        pins_scroll.hide()

    def _build_table(self) -> None:
        self.table_model = IterateTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(30)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setWordWrap(False)  # numbers never wrap, and unwrapped cells paint faster
        self.table.setToolTip("Click a row to show that step; Ctrl+C copies the selected rows")
        self.table.clicked.connect(self._on_table_clicked)
        copy_shortcut = QShortcut(QKeySequence.StandardKey.Copy, self.table)
        copy_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy_shortcut.activated.connect(self.copy_table)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the table (or the selected rows) for a spreadsheet")
        self.copy_button.clicked.connect(self.copy_table)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save the table as a CSV file")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.table_box = QGroupBox("Iterates")
        layout = QVBoxLayout(self.table_box)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    # =========================================================================================
    # public surface
    # =========================================================================================
    def params(self) -> DescentParams:
        return self._params

    def trajectory(self) -> Trajectory:
        return self._traj

    def frame(self) -> int:
        return self._frame

    def pinned_runs(self) -> list[PinnedRun]:
        return list(self._pins)

    def set_params(self, params: DescentParams, *, frame: int | None = None) -> None:
        """Set every parameter at once, recompute the run and redraw.

        ``frame`` picks the step to show; by default the current step is kept (clamped).
        Raises ``ValueError`` (and changes nothing) if the parameters are unusable.
        """
        params.validate()
        traj = run_descent(params)
        objective_changed = params.objective != self._params.objective
        self._params = params
        self._traj = traj
        self._sync_controls()
        if frame is None:
            frame = self._frame
        self._frame = max(0, min(int(frame), traj.steps))
        with QSignalBlocker(self.play):
            self.play.set_n_frames(traj.steps + 1)
            self.play.set_frame(self._frame)
        self._render_run(reset_view=objective_changed or not self._drawn_objective)
        self._render_frame()
        self.paramsChanged.emit(params)
        self.stateChanged.emit()

    def advance(self) -> None:
        """One step forward."""
        self.play.step_forward()

    def reset(self) -> None:
        """Back to step 0 of the current settings (stops playback)."""
        self.play.rewind()

    def set_frame(self, frame: int) -> None:
        self.play.set_frame(frame)

    def zoom_to_run(self) -> None:
        """Fit the curve view to the iterates up to the current step."""
        traj = self._traj
        n = min(self._frame, traj.last_valid) + 1
        xs = traj.x[:n]
        fx = traj.fx[:n] if traj.fx is not None else np.zeros(n)
        ok = np.isfinite(xs) & np.isfinite(fx)
        if not np.any(ok):
            return
        x_lo, x_hi = float(xs[ok].min()), float(xs[ok].max())
        y_lo, y_hi = float(fx[ok].min()), float(fx[ok].max())
        # Never zoom to nothing: a run that has not moved still gets a readable window.
        span_x = max(x_hi - x_lo, 1e-6 * max(1.0, abs(x_lo)))
        span_y = max(y_hi - y_lo, 1e-9 * max(1.0, abs(y_lo)))
        vb = self.curve_plot.getPlotItem().getViewBox()
        vb.setRange(
            xRange=(x_lo - 0.15 * span_x, x_hi + 0.15 * span_x),
            yRange=(y_lo - 0.25 * span_y, y_hi + 0.25 * span_y),
            padding=0,
        )
        self._render_frame()

    def show_whole_curve(self) -> None:
        """Back to the objective's usual range (widened to include the run if it strays)."""
        obj = OBJECTIVES[self._params.objective]
        self._update_view(obj, self._traj, reset=True)
        self._render_curve()
        self._render_frame()

    def set_show_derivative(self, on: bool) -> None:
        self.derivative_check.setChecked(on)

    def pin_run(self) -> PinnedRun:
        """Keep the current run drawn in its own colour, with a legend entry."""
        used = {p.color for p in self._pins}
        palette = RUN_COLORS[1:]
        color = next((c for c in palette if c not in used), palette[len(self._pins) % len(palette)])
        label = run_label(self._params)
        pen = pg.mkPen(color, width=line_width(self._presentation))
        brush = pg.mkBrush(color)
        curve_item = pg.PlotDataItem(
            pen=pen, symbol="s", symbolBrush=brush, symbolPen=None, name=label
        )
        ft_item = pg.PlotDataItem(pen=pen, symbol="s", symbolBrush=brush, symbolPen=None)
        ft_item.setDownsampling(auto=True, method="peak")
        ft_item.setClipToView(True)
        for item in (curve_item, ft_item):
            item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            item.scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # pinned runs sit under the current run, so the run being explored stays on top
        curve_item.setZValue(-1)
        ft_item.setZValue(-1)
        self.curve_plot.addItem(curve_item)
        self.ft_plot.addItem(ft_item)
        row = PinnedRunRow(
            color, f"{OBJECTIVES[self._params.objective].label.split(':')[0]}: {label}"
        )
        pin = PinnedRun(self._params, self._traj, color, curve_item, ft_item, row)
        row.removeRequested.connect(lambda p=pin: self.remove_pin(p))
        self.pins_layout.insertWidget(self.pins_layout.count() - 1, row)
        self._pins.append(pin)
        self._style_pin(pin)
        self._render_pin(pin)
        self._update_ft_range()
        self._sync_pins_visibility()
        self.statusMessage.emit(f"Pinned run: {label}")
        self.stateChanged.emit()
        return pin

    def remove_pin(self, pin: PinnedRun | int) -> None:
        """Remove one pinned run (the object or its index)."""
        if isinstance(pin, int):
            pin = self._pins[pin]
        if pin not in self._pins:
            return
        self._pins.remove(pin)
        self.curve_plot.removeItem(pin.curve_item)
        self.ft_plot.removeItem(pin.ft_item)
        self.legend.removeItem(pin.curve_item)
        pin.row.setParent(None)
        pin.row.deleteLater()
        self._update_ft_range()
        self._sync_pins_visibility()
        self.stateChanged.emit()

    def clear_pins(self) -> None:
        for pin in list(self._pins):
            self.remove_pin(pin)

    def copy_table(self) -> None:
        """Copy the selected rows (or the whole table) as tab-separated text."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        text = self.table_model.rows_as_text(rows or None, sep="\t")
        QApplication.clipboard().setText(text)
        self.statusMessage.emit("Table copied to the clipboard")

    def export_csv(self, path: str) -> None:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(self.table_csv())
        self.statusMessage.emit(f"Saved the iterates to {path}")

    def worked_text(self) -> str:
        return self.worked_label.toPlainText()

    def status_text(self) -> str:
        return self.status_label.text()

    # ----- TopicTab contract -------------------------------------------------------------------
    def presets(self) -> list[str]:
        return list(DESCENT_PRESETS)

    def load_preset(self, name: str) -> None:
        preset = DESCENT_PRESETS[name]  # KeyError for an unknown name, as the contract says
        self.play.pause()
        self.set_params(preset.params, frame=preset.params.steps)
        # A preset always opens on the same view, whatever was shown before: its own
        # (e.g. exercise 1a: close enough to read the iterate numbers) or the curve's usual one.
        obj = OBJECTIVES[preset.params.objective]
        self._set_view(obj, *(preset.x_view or obj.x_range))
        self._render_curve()
        self._place_number_labels()
        self._render_frame()
        self.statusMessage.emit(preset.description)

    def state(self) -> dict[str, Any]:
        return {
            "params": self._params.to_dict(),
            "frame": self._frame,
            "show_derivative": self._show_derivative,
            "pins": [p.params.to_dict() for p in self._pins],
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict):
            raise ValueError("The gradient-descent state must be a mapping.")
        unknown = set(state) - {"params", "frame", "show_derivative", "pins"}
        if unknown:
            raise ValueError(f"Unknown gradient-descent setting(s): {', '.join(sorted(unknown))}.")
        params = DescentParams.from_dict(state.get("params", {}))
        frame = state.get("frame", params.steps)
        if isinstance(frame, bool) or not isinstance(frame, int) or not 0 <= frame <= params.steps:
            raise ValueError(f"The shown step must be a whole number from 0 to {params.steps}.")
        show = state.get("show_derivative", False)
        if not isinstance(show, bool):
            raise ValueError("show_derivative must be true or false.")
        pins_data = state.get("pins", [])
        if not isinstance(pins_data, list):
            raise ValueError("The pinned runs must be a list.")
        pins = [DescentParams.from_dict(p) for p in pins_data]
        # Everything is valid: apply.
        self.play.pause()
        self.clear_pins()
        for pin_params in pins:
            self.set_params(pin_params)
            self.pin_run()
        self.derivative_check.setChecked(show)
        self.set_params(params, frame=frame)

    def set_presentation(self, on: bool) -> None:
        self._presentation = on
        self._apply_styles()
        for pin in self._pins:
            self._style_pin(pin)
        self._render_run(reset_view=False)
        self._render_frame()

    def export_plot_items(self) -> list[Any]:
        return [self.curve_plot.getPlotItem(), self.ft_plot.getPlotItem()]

    def table_csv(self) -> str:
        return self.table_model.rows_as_text()

    def worked_solution_markdown(self) -> str:
        p = self._params
        obj = OBJECTIVES[p.objective]
        name = next((n for n, pr in DESCENT_PRESETS.items() if pr.params == p), None)
        title = DESCENT_PRESETS[name].label if name else "Gradient descent"
        lines = [f"# {title}", "", f"Curve: {obj.formula}", ""]
        lines.append(f"Method: {METHOD_LABELS[p.method]}")
        lines.append("")
        lines.append("```")
        lines.append(METHOD_RULES[p.method])
        lines.append("```")
        lines.append("")
        lines.append(f"lr = {p.lr:g}, x0 = {p.x0:g}, steps = {p.steps}")
        if p.method in MOMENTUM_METHODS:
            lines[-1] += f", β = {p.beta:g}"
        if p.method == "adam":
            lines[-1] += f", β2 = {p.beta2:g}, ε = {p.eps:g}"
        lines.append("")
        block: list[str] = []
        for text in worked_solution(self._traj, obj.short):
            if text == "":
                if block:
                    lines.extend(["```", *block, "```", ""])
                block = []
            else:
                block.append(text)
        if block:
            lines.extend(["```", *block, "```", ""])
        status = classify_run(self._traj, x_range=obj.x_range)
        lines.append(f"**Status:** {status.message}")
        return "\n".join(lines) + "\n"

    # =========================================================================================
    # event handlers
    # =========================================================================================
    def _on_preset_box_activated(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        if name:
            self.load_preset(name)
        else:
            self._sync_controls()  # "Custom" is only a label, not something to load

    def _on_objective_changed(self, _index: int) -> None:
        key = self.objective_box.currentData()
        if key and key != self._params.objective:
            self._try_params(replace(self._params, objective=key))

    def _on_method_changed(self, _index: int) -> None:
        method = self.method_box.currentData()
        if method and method != self._params.method:
            self._try_params(replace(self._params, method=method))

    def _on_number_changed(self, _value: float) -> None:
        self._try_params(
            replace(
                self._params,
                lr=self.lr_field.value(),
                beta=self.beta_field.value(),
                beta2=self.beta2_field.value(),
                x0=self.x0_field.value(),
                steps=int(self.steps_field.value()),
            )
        )

    def _on_derivative_toggled(self, on: bool) -> None:
        self._show_derivative = on
        self.derivative_item.setVisible(on)
        if on:
            self.legend.addItem(self.derivative_item, "f'(x)")
        else:
            self.legend.removeItem(self.derivative_item)
        self._render_curve()
        self.stateChanged.emit()

    def _on_play_frame_changed(self, frame: int) -> None:
        self._frame = frame
        self._render_frame()
        self.frameChanged.emit(frame)

    def _on_table_clicked(self, index) -> None:
        self.play.set_frame(index.row())

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export iterates", "iterates.csv", "CSV files (*.csv)"
        )
        if path:
            try:
                self.export_csv(path)
            except OSError as exc:
                self.statusMessage.emit(f"Could not save {path}: {exc.strerror}")

    def _on_curve_plot_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        if event.isAccepted() and event.acceptedItem() is self.x0_handle:
            return
        vb = self.curve_plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        x = vb.mapSceneToView(event.scenePos()).x()
        self.set_x0_from_plot(x)

    def set_x0_from_plot(self, x: float, *, final: bool = True) -> None:
        """Set x0 from a position on the curve (rounded to what the view can resolve)."""
        (lo, hi), _ = self.curve_plot.getPlotItem().getViewBox().viewRange()
        width = max(hi - lo, 1e-12)
        decimals = max(0, 3 - math.floor(math.log10(width)))
        x0 = round(float(x), decimals)
        if not math.isfinite(x0) or x0 == self._params.x0:
            return
        if not final and self._params.steps > LIVE_DRAG_STEPS:
            self.x0_field.setValue(x0)
            return
        self._try_params(replace(self._params, x0=x0), frame=self._params.steps)

    def _on_x0_handle_moved(self) -> None:
        if self._dragging:
            return
        self._dragging = True
        try:
            x = self.x0_handle.pos().x()
            self.set_x0_from_plot(x, final=False)
            self._place_x0_handle()
        finally:
            self._dragging = False

    def _on_x0_handle_released(self) -> None:
        self.set_x0_from_plot(self.x0_handle.pos().x(), final=True)
        self._place_x0_handle()

    def _on_curve_x_range_changed(self, *_args) -> None:
        self._render_curve()
        self._place_number_labels()

    def _place_number_labels(self) -> None:
        """Choose which iterate numbers to show: none closer than a label's size on screen.

        Close iterates (a slow run, a run settling in a minimum) would otherwise print their
        numbers on top of each other into an unreadable blob.
        """
        vb = self.curve_plot.getPlotItem().getViewBox()
        (x_lo, x_hi), (y_lo, y_hi) = vb.viewRange()
        # pixels per data unit (a plausible size before the view is first laid out)
        sx = max(vb.width(), 400.0) / max(x_hi - x_lo, 1e-300)
        sy = max(vb.height(), 250.0) / max(y_hi - y_lo, 1e-300)
        allowed: list[bool] = []
        kept: list[QRectF] = []
        n = min(len(self.number_items), len(self._draw_x))
        for k, text in enumerate(self.number_items):
            ok = False
            if k < n and math.isfinite(self._draw_x[k]):
                # the label's rectangle on screen (y down), as its anchor places it
                rect = text.boundingRect()
                w, h = rect.width() + 4, rect.height()
                ax, ay = text.anchor()
                px = float(self._draw_x[k]) * sx
                py = -float(self._draw_f[k]) * sy
                box = QRectF(px - ax * w, py - ay * h, w, h)
                ok = not any(box.intersects(other) for other in kept)
                if ok:
                    kept.append(box)
            allowed.append(ok)
        self._label_allowed = allowed
        self._labels_shown = -1

    def _try_params(self, params: DescentParams, frame: int | None = None) -> None:
        try:
            self.set_params(params, frame=frame)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            self._sync_controls()

    def changeEvent(self, event: QEvent) -> None:
        # The window changes the application font for zoom / presentation: follow it.
        if self._built and event.type() in (
            QEvent.Type.FontChange,
            QEvent.Type.ApplicationFontChange,
        ):
            self._apply_styles()
            self._render_frame()
        super().changeEvent(event)

    # =========================================================================================
    # rendering
    # =========================================================================================
    def _sync_controls(self) -> None:
        p = self._params
        for widget in (self.objective_box, self.method_box, self.preset_box):
            widget.blockSignals(True)
        try:
            self.objective_box.setCurrentIndex(self.objective_box.findData(p.objective))
            self.method_box.setCurrentIndex(self.method_box.findData(p.method))
            name = next((n for n, pr in DESCENT_PRESETS.items() if pr.params == p), "")
            self.preset_box.setCurrentIndex(self.preset_box.findData(name))
        finally:
            for widget in (self.objective_box, self.method_box, self.preset_box):
                widget.blockSignals(False)
        self.lr_field.setValue(p.lr)
        self.beta_field.setValue(p.beta)
        self.beta2_field.setValue(p.beta2)
        self.x0_field.setValue(p.x0)
        self.steps_field.setValue(p.steps)
        uses_beta = p.method in MOMENTUM_METHODS
        key = f'<span style="color:{GRADIENT_COLOR}">━▶</span> −lr·f\'(x)'
        if uses_beta:
            name = "m" if p.method == "adam" else "v"
            key += f'&nbsp;&nbsp;<span style="color:{VELOCITY_COLOR}">━▶</span> −lr·{name}'
        self.arrow_key.setText(key)
        for w in (self.beta_field, self.beta_label):
            w.setEnabled(uses_beta)
        for w in (self.beta2_field, self.beta2_label):
            w.setEnabled(p.method == "adam")
        self.method_box.setToolTip(f"Update rule:\n{METHOD_RULES[p.method]}")
        self.objective_box.setToolTip(OBJECTIVES[p.objective].formula)

    def _apply_styles(self) -> None:
        lw = line_width(self._presentation)
        ms = marker_size(self._presentation)
        self.curve_item.setPen(pg.mkPen(CURVE_COLOR, width=lw))
        self.derivative_item.setPen(
            pg.mkPen(DERIVATIVE_COLOR, width=max(1.5, lw * 0.75), style=Qt.PenStyle.DashLine)
        )
        self.trail_item.setPen(pg.mkPen(CURRENT_COLOR, width=lw * 0.75))
        self.trail_sample.setPen(pg.mkPen(CURRENT_COLOR, width=lw * 0.75))
        self.trail_sample.setSymbol("o")
        self.trail_sample.setSymbolSize(ms * 0.8)
        self.trail_sample.setSymbolBrush(pg.mkBrush(CURRENT_COLOR))
        self.trail_sample.setSymbolPen(pg.mkPen("w", width=1))
        self._dot_style = (ms * 0.8, pg.mkPen("w", width=1), pg.mkBrush(CURRENT_COLOR))
        for dot in self.trail_dots:
            dot.set_style(*self._dot_style)
        self.current_item.set_style(ms * 1.8, pg.mkPen("k", width=2), pg.mkBrush(CURRENT_COLOR))
        self.min_item.setSize(ms * 2.0)
        self.min_item.setPen(pg.mkPen("#7A4F00", width=1))
        self.tangent_item.setPen(
            pg.mkPen(GRADIENT_COLOR, width=max(1.0, lw * 0.6), style=Qt.PenStyle.DashLine)
        )
        for line, head, color in (
            (self.gradient_line, self.gradient_head, GRADIENT_COLOR),
            (self.velocity_line, self.velocity_head, VELOCITY_COLOR),
        ):
            line.setPen(pg.mkPen(color, width=lw * 1.25))
            head.set_style(ms * 1.6, color)
        self.ft_item.setPen(pg.mkPen(CURRENT_COLOR, width=lw))
        self.ft_item.setSymbol("o")
        self.ft_item.setSymbolSize(ms * 0.7)
        self.ft_item.setSymbolBrush(pg.mkBrush(CURRENT_COLOR))
        self.ft_item.setSymbolPen(None)
        self.ft_current.set_style(ms * 1.5, pg.mkPen("k", width=2), pg.mkBrush(CURRENT_COLOR))
        font = self._plot_font()
        small = QFont(font)
        small.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
        for text in self.number_items:
            text.setFont(small)
        legend_size = f"{small.pointSizeF():.1f}pt"
        self.legend.setLabelTextSize(legend_size)
        for _sample, label in self.legend.items:
            label.setText(label.text, size=legend_size)  # setAttr alone does not re-render
        self.worked_label.setFont(self._mono_font())
        # Fixed heights that follow the font: a status or worked step that changes length
        # must not re-layout the plots during playback. Only the weight is set on the status
        # font, so its size keeps following the application font (zoom, presentation).
        bold = QFont()
        bold.setBold(True)
        self.status_label.setFont(bold)
        status_font = QFont(font)
        status_font.setBold(True)
        self.status_host.setFixedHeight(2 * QFontMetrics(status_font).lineSpacing() + 4)
        mono_lines = QFontMetrics(self._mono_font()).lineSpacing()
        title = QFontMetrics(font).lineSpacing()
        self.worked_box.setFixedHeight(int(4.6 * mono_lines + title + 18))
        self._fit_table_columns()
        self.x0_handle.setPen(pg.mkPen(CURRENT_COLOR, width=2))

    def _plot_font(self) -> QFont:
        font = QFont(self.font())
        if font.pointSizeF() <= 0:
            font = QFont(QApplication.font())
        return font

    def _mono_font(self) -> QFont:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        base = self._plot_font().pointSizeF()
        if base > 0:
            mono.setPointSizeF(base)
        return mono

    def _style_pin(self, pin: PinnedRun) -> None:
        pen = pg.mkPen(pin.color, width=line_width(self._presentation))
        for item in (pin.curve_item, pin.ft_item):
            item.setPen(pen)
            item.setSymbolSize(marker_size(self._presentation) * 0.55)

    def _render_curve(self) -> None:
        """Sample f (and f') over the visible x-range so the curve always fills the view."""
        obj = OBJECTIVES[self._params.objective]
        (lo, hi), _ = self.curve_plot.getPlotItem().getViewBox().viewRange()
        width = hi - lo
        xs = np.linspace(lo - 0.25 * width, hi + 0.25 * width, CURVE_SAMPLES)
        with np.errstate(all="ignore"):
            ys = np.asarray(obj.f(xs), dtype=float)
        ok = np.isfinite(ys)
        self.curve_item.setData(xs[ok], ys[ok])
        if self._show_derivative:
            with np.errstate(all="ignore"):
                ds = np.asarray(obj.df(xs), dtype=float)
            ok = np.isfinite(ds)
            self.derivative_item.setData(xs[ok], ds[ok])

    def _render_run(self, *, reset_view: bool) -> None:
        """Everything that depends on the run but not on the current step."""
        p = self._params
        obj = OBJECTIVES[p.objective]
        traj = self._traj
        self._update_view(obj, traj, reset=reset_view)
        self._drawn_objective = p.objective
        self._render_curve()
        minima = obj.minima()
        if minima:
            self.min_item.setData([m[0] for m in minima], [m[1] for m in minima])
            x_star, f_star = min(minima, key=lambda m: m[1])
            text = f"minimum x* = {x_star:.6f}, f = {f_star:.6f}"
            if len(minima) > 1:
                others = ", ".join(f"{m[0]:.4f}" for m in minima if m[0] != x_star)
                text = f"global {text} (local minimum at x = {others})"
            # The minimum is named in the legend: a label next to the star would collide
            # with the curve or the axis on a small plot.
            self.legend.removeItem(self.min_item)
            self.legend.addItem(self.min_item, text)
            self.min_item.setVisible(True)
        else:
            self.legend.removeItem(self.min_item)
            self.min_item.setVisible(False)
        self.table_model.set_run(traj, obj.short)
        self._fit_table_columns()
        n = traj.last_valid + 1
        self._t_axis = np.arange(traj.steps + 1, dtype=float)
        fx = traj.fx[:n] if traj.fx is not None else np.zeros(n)
        ok = _drawable(self._t_axis[:n], fx)
        self.ft_item.setData(self._t_axis[:n][ok], fx[ok])
        # Drawable copies: overflowed or astronomically far values become nan and are left out.
        all_fx = traj.fx if traj.fx is not None else np.zeros(traj.steps + 1)
        drawable = _drawable(traj.x, all_fx)
        self._draw_x = np.where(drawable, traj.x, np.nan)
        self._draw_f = np.where(drawable, all_fx, np.nan)
        for k, text in enumerate(self.number_items):
            if k < n and drawable[k]:
                text.setText(str(k))
                text.setPos(float(traj.x[k]), float(all_fx[k]))
                # Alternate above / below so close iterates do not print on top of each other.
                text.set_anchor(0.5, 1.2 if k % 2 == 0 else -0.2)
        self._place_number_labels()
        self._update_ft_range()
        self.ft_item.setSymbol("o" if n <= 200 else None)
        self._place_trail_dots(n)
        self.legend.removeItem(self.trail_sample)
        self.legend.addItem(self.trail_sample, f"now: {run_label(p)}")
        # (a short label: the f(x_t) plot is low, and GeLU is named on the curve plot)
        self.ft_plot.getPlotItem().setLabel("left", "f(x_t)")
        self.curve_plot.getPlotItem().setLabel("left", f"{obj.short}(x)")
        for pin in self._pins:
            self._render_pin(pin)
        self._place_x0_handle()

    def _fit_table_columns(self) -> None:
        """Columns as wide as their widest number (sampled), so digits are never elided."""
        fm = self.table.fontMetrics()
        model = self.table_model
        rows = model.rowCount()
        sample = list(range(min(rows, 300))) + list(range(max(300, rows - 50), rows))
        for col in range(model.columnCount()):
            texts = [model.headers()[col]]
            texts += [model.data(model.index(r, col)) or "" for r in sample]
            widest = max(fm.horizontalAdvance(t) for t in texts)
            self.table.setColumnWidth(col, widest + 12)
        # Widen the right panel (up to 45% of the tab) rather than hide digits behind a
        # horizontal scroll bar, e.g. in presentation mode with its larger font.
        needed = sum(self.table.columnWidth(c) for c in range(model.columnCount()))
        needed += self.table.verticalScrollBar().sizeHint().width() + 4 * self.table.frameWidth()
        needed += self.table_box.width() - self.table.width()
        right = self._right_panel.width()
        total = sum(self._splitter.sizes())
        if needed > right and total > 0:
            want = min(needed, int(0.45 * total), self._right_panel.maximumWidth())
            if want > right:
                self._splitter.setSizes([total - want, want])

    def _update_ft_range(self) -> None:
        """Fix the f(x_t) plot to all shown runs once per run, so frames never re-range it."""
        runs = [self._traj] + [
            p.trajectory for p in self._pins if p.params.objective == self._params.objective
        ]
        t_max = max(r.steps for r in runs)
        values = [r.fx[: r.last_valid + 1] for r in runs if r.fx is not None]
        fx = np.concatenate(values) if values else np.zeros(1)
        fx = fx[_drawable(fx, fx)]
        lo, hi = (float(fx.min()), float(fx.max())) if fx.size else (-1.0, 1.0)
        if not hi > lo:
            lo, hi = lo - 0.5 * max(abs(lo), 1e-3), hi + 0.5 * max(abs(hi), 1e-3)
        vb = self.ft_plot.getPlotItem().getViewBox()
        vb.setXRange(0, max(t_max, 1), padding=0.03)
        vb.setYRange(lo, hi, padding=0.2)

    def _update_view(self, obj, traj: Trajectory, *, reset: bool) -> None:
        vb = self.curve_plot.getPlotItem().getViewBox()
        lo, hi = obj.x_range
        width = hi - lo
        xs = traj.x[: traj.last_valid + 1]
        near = xs[(xs > lo - 3 * width) & (xs < hi + 3 * width)]
        if reset:
            x_lo, x_hi = lo, hi
        else:
            (x_lo, x_hi), _ = vb.viewRange()
        if near.size:
            x_lo = min(x_lo, float(near.min()))
            x_hi = max(x_hi, float(near.max()))
        (cur_lo, cur_hi), _ = vb.viewRange()
        if not reset and x_lo >= cur_lo and x_hi <= cur_hi:
            return  # everything already visible: never yank the user's view around
        self._set_view(obj, x_lo, x_hi)

    def _set_view(self, obj, x_lo: float, x_hi: float) -> None:
        """Show ``[x_lo, x_hi]`` with the y-range fitted to the curve there."""
        vb = self.curve_plot.getPlotItem().getViewBox()
        sample = np.linspace(x_lo, x_hi, 400)
        with np.errstate(all="ignore"):
            ys = np.asarray(obj.f(sample), dtype=float)
        ys = ys[np.isfinite(ys)]
        y_lo, y_hi = (float(ys.min()), float(ys.max())) if ys.size else (-1.0, 1.0)
        span = max(y_hi - y_lo, 1e-9)
        # (no signal blocker: the axes follow the view through its range signals)
        # a little more room below than above: the current point sits low on the curve
        vb.setRange(
            xRange=(x_lo, x_hi),
            yRange=(y_lo - 0.08 * span, y_hi + 0.05 * span),
            padding=0.02,
        )

    def _render_pin(self, pin: PinnedRun) -> None:
        traj = pin.trajectory
        n = traj.last_valid + 1
        fx = traj.fx[:n] if traj.fx is not None else np.zeros(n)
        same_curve = pin.params.objective == self._params.objective
        idx = _decimated(n)
        xs, fs = traj.x[:n][idx], fx[idx]
        keep = _drawable(xs, fs)
        pin.curve_item.setData(xs[keep], fs[keep])
        t_axis = np.arange(n, dtype=float)
        keep = _drawable(t_axis, fx)
        pin.ft_item.setData(t_axis[keep], fx[keep])
        symbol = "s" if n <= 200 else None
        pin.curve_item.setSymbol(symbol)
        pin.ft_item.setSymbol(symbol)
        pin.curve_item.setVisible(same_curve)
        pin.ft_item.setVisible(same_curve)
        pin.row.setEnabled(same_curve)
        pin.row.setToolTip("" if same_curve else "Pinned on another curve: hidden here")
        self.legend.removeItem(pin.curve_item)
        if same_curve:
            self.legend.addItem(pin.curve_item, run_label(pin.params))

    def _sync_pins_visibility(self) -> None:
        has = bool(self._pins)
        self.pins_hint.setVisible(not has)
        self._pins_scroll.setVisible(has)
        self.clear_pins_button.setEnabled(has)

    def _place_x0_handle(self) -> None:
        x0 = float(self._traj.x[0])
        obj = OBJECTIVES[self._params.objective]
        y0 = float(obj.f(x0))
        visible = bool(_drawable(np.array([x0]), np.array([y0]))[0])
        self.x0_handle.setVisible(visible)
        if visible:
            with QSignalBlocker(self.x0_handle):
                self.x0_handle.setPos(QPointF(x0, y0))

    def _place_trail_dots(self, n: int) -> None:
        """Put one dot on each drawable iterate (runs of up to MAX_TRAIL_DOTS steps), hidden."""
        count = n if n <= MAX_TRAIL_DOTS + 1 else 0
        plot = self.curve_plot.getPlotItem()
        while len(self.trail_dots) < count:
            dot = _Dot()
            dot.set_style(*self._dot_style)
            dot.setZValue(5)
            dot.setVisible(False)
            plot.addItem(dot, ignoreBounds=True)
            self.trail_dots.append(dot)
        ok = ~np.isnan(self._draw_x[:count])
        for k, dot in enumerate(self.trail_dots):
            dot.setVisible(False)
            if k < count and ok[k]:
                dot.setPos(float(self._draw_x[k]), float(self._draw_f[k]))
        self._dots_ok = ok
        self._dots_shown = 0

    def trail_dot_positions(self) -> list[tuple[float, float]]:
        """Where the visible trail dots are (the iterates up to the current step)."""
        return [(d.pos().x(), d.pos().y()) for d in self.trail_dots if d.isVisible()]

    def _render_frame(self) -> None:
        """Everything that depends on the current step: cheap, runs every animation frame."""
        traj = self._traj
        obj = OBJECTIVES[self._params.objective]
        t = self._frame
        shown = min(t, traj.last_valid)
        n = shown + 1
        fx = traj.fx if traj.fx is not None else np.zeros(traj.steps + 1)
        idx = _decimated(n)
        xs, fs = self._draw_x[:n][idx], self._draw_f[:n][idx]
        keep = ~np.isnan(xs)
        if not keep.all():  # never hand pyqtgraph nan: an all-nan item breaks its bounds
            xs, fs = xs[keep], fs[keep]
        self.trail_item.setData(xs, fs)
        xt, ft = float(traj.x[shown]), float(fx[shown])
        drawable = not math.isnan(self._draw_x[shown])
        self.current_item.setVisible(drawable)
        self.ft_current.setVisible(drawable)
        if drawable:
            self.current_item.setPos(xt, ft)
            self.ft_current.setPos(float(shown), ft)

        # Dots and labels were placed once per run; a frame only shows or hides a few.
        dots = min(n, len(self._dots_ok))
        if dots != self._dots_shown:
            lo, hi = sorted((dots, self._dots_shown))
            for k in range(lo, hi):
                self.trail_dots[k].setVisible(k < dots and bool(self._dots_ok[k]))
            self._dots_shown = dots
        labelled = min(n, len(self.number_items))
        if labelled != self._labels_shown:
            for k, text in enumerate(self.number_items):
                text.setVisible(k < labelled and self._label_allowed[k])
            self._labels_shown = labelled

        if drawable:
            self._render_arrows(traj, shown, xt, ft, obj)
        else:
            for item in (self.gradient_line, self.gradient_head, self.velocity_line):
                item.setVisible(False)
            self.velocity_head.setVisible(False)
            self.tangent_item.setVisible(False)
        self.table_model.set_current_row(t)
        self._scroll_table_to(t)

        status = classify_run(traj, upto=t, x_range=obj.x_range)
        self.status_label.setText(f"Step {t} of {traj.steps}.  {status.message}")
        if status.kind != self._status_kind:
            # Style sheets are costly to re-apply: only when the colour really changes.
            self._status_kind = status.kind
            _set_text_color(self.status_label, STATUS_COLORS.get(status.kind, "#333333"))
        self.worked_label.setPlainText("\n".join(worked_step(traj, t, obj.short)))
        if status.message != self._status_message:
            self._status_message = status.message
            self.statusMessage.emit(status.message)

    def _scroll_table_to(self, row: int) -> None:
        # Scrolling repaints the whole table: only scroll when the row has left the view, and
        # then put it in the middle, so playback scrolls once per half page, not every step.
        index = self.table_model.index(min(row, self.table_model.rowCount() - 1), 0)
        rect = self.table.visualRect(index)
        viewport = self.table.viewport().rect()
        if rect.isValid() and viewport.contains(rect):
            return
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _render_arrows(self, traj: Trajectory, t: int, xt: float, ft: float, obj) -> None:
        vb = self.curve_plot.getPlotItem().getViewBox()
        (x_lo, x_hi), (y_lo, y_hi) = vb.viewRange()
        height = y_hi - y_lo
        width = x_hi - x_lo
        # Tangent: a short segment with the slope f'(x_t), 10% of the view wide.
        (x1, y1), (x2, y2) = traj.tangent(t, 0.05 * width)
        self.tangent_item.setLine(x1, y1, x2, y2)
        self.tangent_item.setVisible(True)
        grad_dx = traj.gradient_step(t)
        self._set_arrow(self.gradient_line, self.gradient_head, xt, ft, grad_dx, width)
        vel_dx = traj.velocity_step(t)
        if vel_dx is None:
            self.velocity_line.setVisible(False)
            self.velocity_head.setVisible(False)
        else:
            y = ft - 0.06 * height
            self._set_arrow(self.velocity_line, self.velocity_head, xt, y, vel_dx, width)

    def _set_arrow(self, line, head, x: float, y: float, dx: float, width: float) -> None:
        # Clip to a few view widths: a diverging run would make a line the view cannot draw.
        dx = max(-3 * width, min(3 * width, dx))
        visible = dx != 0.0
        line.setVisible(visible)
        head.setVisible(visible)
        if not visible:
            return
        line.setLine(x, y, x + dx, y)
        head.setPos(x + dx, y)
        head.point(right=dx > 0)

    def current_point(self) -> tuple[float, float]:
        """Where the current-point marker is drawn on the curve."""
        pos = self.current_item.pos()
        return pos.x(), pos.y()

    def arrow_lengths(self) -> tuple[float | None, float | None]:
        """Horizontal lengths of the gradient and velocity arrows (None when hidden)."""
        out: list[float | None] = []
        for line in (self.gradient_line, self.velocity_line):
            out.append(line.line().dx() if line.isVisible() else None)
        return out[0], out[1]
