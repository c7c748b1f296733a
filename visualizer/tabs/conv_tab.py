"""Convolution tab: type an input and a kernel, slide the window, see every sum of products.

Controls -> settings -> ``visualizer.compute.conv`` -> grids. The tab holds no maths: every
number shown (outputs, sums of products, the size formula with its numbers, the solver's
fractions, which rows no window reaches, pooled values and arg-max cells) comes from the
compute module; the tab only lays them out, colours them and reacts to the mouse.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSignalBlocker, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGraphicsRectItem,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute import conv
from visualizer.tabs.base import TopicTab
from visualizer.tabs.conv.grid_text import cell_text, parse_grid_text
from visualizer.tabs.conv.grid_widget import GridWidget
from visualizer.tabs.conv.picture import load_picture, sample_picture_path
from visualizer.widgets.play_controls import PlayControls
from visualizer.widgets.plot_style import ERROR_COLOR, HIGHLIGHT_COLOR, OK_COLOR

MAX_INPUT_SIDE = 64
MAX_KERNEL_SIDE = 7
MAX_PADDING = 16
MAX_STRIDE = 16
SHEET_KERNEL = "Sheet's kernel (exercise 4)"
CUSTOM_KERNEL = "Custom (typed)"

PRESET_4A = "Exercise 4a: cross-correlation, padding 1"
PRESET_4A_TRUE = "Exercise 4a: true convolution (flipped kernel)"
PRESET_4B = "Exercise 4b: a stride for a 2x2 filter? (4/3: none)"
PRESET_4C = "Exercise 4c: 2x2 average pooling of F'"
PRESET_4D = "Exercise 4d: average pooling as a convolution"
PRESET_FLOOR = "Floor in the size formula: 5x5 input, stride 2"
PRESET_MAX = "Max pooling of F' (arg-max marked)"
PRESET_IMAGE = "Image mode: Sobel x edges on the sample picture"


@dataclass
class ConvSettings:
    """Everything the user set; ``state()`` is this as JSON."""

    input: np.ndarray = field(default_factory=lambda: conv.EXERCISE4_INPUT.copy())
    kernel: np.ndarray = field(default_factory=lambda: conv.EXERCISE4_KERNEL.copy())
    kernel_preset: str = SHEET_KERNEL
    padding: int = 1
    stride: int = 1
    mode: str = "correlation"
    pool_mode: str = "avg"
    pool_size: int = 2
    pool_stride: int = 2
    pool_source: str = "output"
    pool_as_conv: bool = False
    view: str = "grids"
    solve_for: str = "stride"
    solver_n: int = 4
    solver_f: int = 2
    solver_other: int = (
        1  # the stride when solving for padding, the padding when solving for stride
    )
    solver_out: int = 4
    picture_path: str | None = None  # None: the shipped sample picture
    focus: tuple[str, int, int] = ("conv", 0, 0)
    frame: int = -1  # -1: the last frame (the whole output shown)

    def copy(self) -> ConvSettings:
        return ConvSettings(
            **{
                **self.__dict__,
                "input": self.input.copy(),
                "kernel": self.kernel.copy(),
            }
        )


@dataclass
class ConvResult:
    """What compute returned for the current settings (None + reason where nothing fits)."""

    padded: np.ndarray
    padding_mask: np.ndarray
    output: np.ndarray | None = None
    error: str = ""
    rows_reached: np.ndarray | None = None
    cols_reached: np.ndarray | None = None
    trailing_rows: int = 0
    trailing_cols: int = 0
    formula_rows: str = ""
    formula_cols: str = ""
    pool_source: np.ndarray | None = None
    pooled: np.ndarray | None = None
    pool_error: str = ""
    argmax: np.ndarray | None = None
    as_conv: np.ndarray | None = None
    as_conv_kernel: np.ndarray | None = None


def _spin(minimum: int, maximum: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # typing "12" must not recompute for "1" first
    return box


class ConvTab(TopicTab):
    """Exercise 4: convolution, padding, stride, the size formula, pooling, and images."""

    key = "conv"
    title = "Convolution"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = ConvSettings()
        self._result: ConvResult | None = None
        self._hover: tuple[str, int, int] | None = None
        self._picture: np.ndarray | None = None
        self._picture_error = ""
        self._image_filtered: np.ndarray | None = None
        self._image_pooled: np.ndarray | None = None
        self._image_error = ""
        self._focus_plain = ""
        self._shown_arrays: dict[Any, np.ndarray | None] = {}
        self._presentation = False
        self._build_ui()
        self.load_preset(PRESET_4A)

    # =========================================================================================
    # UI
    # =========================================================================================
    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)

        # ----- top bar: preset, view, the sliding settings -------------------------------------
        top = QHBoxLayout()
        top.addWidget(QLabel("Exercise:"))
        self.preset_box = QComboBox()
        self.preset_box.addItems(self.presets())
        self.preset_box.setToolTip("Load an exercise of the sheet or a demonstration")
        top.addWidget(self.preset_box, 3)
        top.addSpacing(12)
        self.view_box = QComboBox()
        self.view_box.addItem("Number grids", "grids")
        self.view_box.addItem("Image mode", "image")
        self.view_box.setToolTip("Grids of numbers, or a picture filtered by the kernel")
        top.addWidget(self.view_box, 1)
        top.addSpacing(12)
        self.mode_box = QComboBox()
        self.mode_box.addItem("Cross-correlation (CNNs)", "correlation")
        self.mode_box.addItem("True convolution (flipped)", "convolution")
        self.mode_box.setToolTip(
            "CNN layers slide the kernel as it is (cross-correlation); textbook convolution "
            "flips it first"
        )
        top.addWidget(self.mode_box, 2)
        for box in (self.preset_box, self.view_box, self.mode_box):
            # Shrink (eliding the text) rather than push the window wider with big fonts.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)
        top.addSpacing(12)
        top.addWidget(QLabel("Padding p:"))
        self.padding_box = _spin(0, MAX_PADDING, 1, "Rings of zeros around the input")
        top.addWidget(self.padding_box)
        top.addWidget(QLabel("Stride s:"))
        self.stride_box = _spin(1, MAX_STRIDE, 1, "How many cells the window moves per step")
        top.addWidget(self.stride_box)
        outer.addLayout(top)

        body = QHBoxLayout()
        outer.addLayout(body, 1)

        # ----- left: input, kernel, pooling, solver, picture ------------------------------------
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 4, 0)

        input_group = QGroupBox("Input")
        ig = QGridLayout(input_group)
        self.rows_box = _spin(1, MAX_INPUT_SIDE, 4, "Input rows (1 to 64)")
        self.cols_box = _spin(1, MAX_INPUT_SIDE, 4, "Input columns (1 to 64)")
        ig.addWidget(QLabel("Rows"), 0, 0)
        ig.addWidget(self.rows_box, 0, 1)
        ig.addWidget(QLabel("Cols"), 0, 2)
        ig.addWidget(self.cols_box, 0, 3)
        self.random_button = QPushButton("Random")
        self.random_button.setToolTip("Fill the input with random whole numbers 0 to 9")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Set every input cell to 0")
        self.paste_button = QPushButton("Paste")
        self.paste_button.setToolTip(
            "Paste rows of numbers separated by tabs, spaces or commas (e.g. from a spreadsheet)"
        )
        buttons = QHBoxLayout()
        for button in (self.random_button, self.clear_button, self.paste_button):
            buttons.addWidget(button)
        ig.addLayout(buttons, 1, 0, 1, 4)
        side_layout.addWidget(input_group)

        kernel_group = QGroupBox("Kernel")
        kg = QGridLayout(kernel_group)
        self.kernel_preset_box = QComboBox()
        self.kernel_preset_box.addItems([*conv.KERNEL_PRESETS, CUSTOM_KERNEL])
        self.kernel_preset_box.setToolTip("Classic kernels; typing into the kernel makes it Custom")
        kg.addWidget(self.kernel_preset_box, 0, 0, 1, 4)
        self.krows_box = _spin(1, MAX_KERNEL_SIDE, 3, "Kernel rows (1 to 7)")
        self.kcols_box = _spin(1, MAX_KERNEL_SIDE, 3, "Kernel columns (1 to 7)")
        kg.addWidget(QLabel("Rows"), 1, 0)
        kg.addWidget(self.krows_box, 1, 1)
        kg.addWidget(QLabel("Cols"), 1, 2)
        kg.addWidget(self.kcols_box, 1, 3)
        side_layout.addWidget(kernel_group)

        pool_group = QGroupBox("Pooling")
        pf = QFormLayout(pool_group)
        self.pool_mode_box = QComboBox()
        self.pool_mode_box.addItem("Average", "avg")
        self.pool_mode_box.addItem("Max", "max")
        sizes = QHBoxLayout()
        self.pool_size_box = _spin(1, 8, 2, "Pooling window size k (k x k)")
        self.pool_stride_box = _spin(1, 8, 2, "Pooling stride (usually equal to the size)")
        sizes.addWidget(self.pool_mode_box)
        sizes.addWidget(QLabel("k"))
        sizes.addWidget(self.pool_size_box)
        sizes.addWidget(QLabel("s"))
        sizes.addWidget(self.pool_stride_box)
        pf.addRow(sizes)
        self.pool_source_box = QComboBox()
        self.pool_source_box.addItem("the output", "output")
        self.pool_source_box.addItem("the input", "input")
        pf.addRow("Pool", self.pool_source_box)
        self.pool_as_conv_box = QCheckBox("Show as a convolution (4d)")
        self.pool_as_conv_box.setToolTip(
            "Average pooling = correlation with a k x k kernel of 1/k² at stride k"
        )
        pf.addRow(self.pool_as_conv_box)
        side_layout.addWidget(pool_group)

        solver_group = QGroupBox("Solve the size formula")
        solver_column = QVBoxLayout(solver_group)
        sf = QGridLayout()
        solver_column.addLayout(sf)
        self.solve_for_box = QComboBox()
        self.solve_for_box.addItem("padding p", "padding")
        self.solve_for_box.addItem("stride s", "stride")
        self.solve_for_box.setToolTip(
            "Solve (n + 2p - f)/s + 1 = out for p (given s) or s (given p)"
        )
        sf.addWidget(QLabel("Find"), 0, 0)
        sf.addWidget(self.solve_for_box, 0, 1, 1, 3)
        self.solver_n_box = _spin(1, 999, 4, "Input size n")
        self.solver_f_box = _spin(1, 999, 2, "Kernel size f")
        self.solver_other_label = QLabel("p")
        self.solver_other_box = _spin(0, 999, 1, "The other setting")
        self.solver_out_box = _spin(1, 999, 4, "Wanted output size")
        sf.addWidget(QLabel("n"), 1, 0)
        sf.addWidget(self.solver_n_box, 1, 1)
        sf.addWidget(QLabel("f"), 1, 2)
        sf.addWidget(self.solver_f_box, 1, 3)
        sf.addWidget(self.solver_other_label, 2, 0)
        sf.addWidget(self.solver_other_box, 2, 1)
        sf.addWidget(QLabel("out"), 2, 2)
        sf.addWidget(self.solver_out_box, 2, 3)
        self.solver_use_button = QPushButton("Use the grids")
        self.solver_use_button.setToolTip("Copy n, f, p or s and the output size from the grids")
        sf.addWidget(self.solver_use_button, 0, 4)
        self.solver_label = QLabel()
        self.solver_label.setWordWrap(True)
        self.solver_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Word-wrapped labels get too little height from nested layouts: reserve 5 lines.
        self.solver_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        solver_column.addWidget(self.solver_label)
        side_layout.addWidget(solver_group)

        side_layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._side_scroll = scroll
        body.addWidget(scroll)

        # ----- centre: grids page / image page ---------------------------------------------------
        centre = QVBoxLayout()
        body.addLayout(centre, 1)
        self.stack = QStackedWidget()
        centre.addWidget(self.stack, 1)

        grids_page = QWidget()
        grids = QHBoxLayout(grids_page)
        grids.setContentsMargins(0, 0, 0, 0)
        self.input_grid = GridWidget("Input", editable=True)
        self.input_grid.setToolTip("Click a cell and type a number; Ctrl+V pastes rows")
        self.kernel_grid = GridWidget("Kernel", editable=True)
        self.kernel_grid.setToolTip("Click a cell and type a weight")
        self.flipped_grid = GridWidget("Flipped kernel (what slides)")
        self.output_grid = GridWidget("Output")
        self.output_grid.setToolTip("Hover a cell to see its window and sum; click to pin it")
        self.pool_grid = GridWidget("Pooled")
        self.pool_grid.setToolTip("Hover a pooled cell to see its window")
        self.as_conv_grid = GridWidget("As a convolution")
        kernel_column = QVBoxLayout()
        kernel_column.addWidget(self.kernel_grid, 1)
        kernel_column.addWidget(self.flipped_grid, 1)
        pool_column = QVBoxLayout()
        pool_column.addWidget(self.pool_grid, 1)
        pool_column.addWidget(self.as_conv_grid, 1)
        grids.addWidget(self.input_grid, 5)
        grids.addLayout(kernel_column, 3)
        grids.addWidget(self.output_grid, 5)
        grids.addLayout(pool_column, 3)
        self.stack.addWidget(grids_page)

        image_page = QWidget()
        image_layout = QHBoxLayout(image_page)
        image_layout.setContentsMargins(0, 0, 0, 0)
        image_side = QVBoxLayout()
        self.open_picture_button = QPushButton("Open picture...")
        self.open_picture_button.setToolTip("A PNG or JPEG; shown in gray, at most 512x512")
        self.sample_picture_button = QPushButton("Sample picture")
        self.sample_picture_button.setToolTip("The picture that ships with the app")
        image_side.addWidget(self.open_picture_button)
        image_side.addWidget(self.sample_picture_button)
        self.image_kernel_grid = GridWidget("Kernel", editable=True)
        image_side.addWidget(self.image_kernel_grid, 1)
        image_side_widget = QWidget()
        image_side_widget.setLayout(image_side)
        image_side_widget.setMaximumWidth(230)
        image_layout.addWidget(image_side_widget)
        self.image_view = pg.GraphicsLayoutWidget()
        self._image_boxes: list[pg.ViewBox] = []
        self._image_items: list[pg.ImageItem] = []
        self._image_titles: list[pg.LabelItem] = []
        # The filtered picture is what the lesson is about: it gets the big column.
        places = [(0, 0, 1), (0, 1, 3), (2, 0, 1)]  # (label row, column, box row span)
        for label_row, column, span in places:
            label = self.image_view.addLabel("", row=label_row, col=column)
            box = self.image_view.addViewBox(
                row=label_row + 1, col=column, rowspan=span, lockAspect=True, invertY=True
            )
            box.setMouseEnabled(False, False)
            item = pg.ImageItem(axisOrder="row-major")
            box.addItem(item)
            self._image_titles.append(label)
            self._image_boxes.append(box)
            self._image_items.append(item)
        grid_layout = self.image_view.ci.layout
        grid_layout.setColumnStretchFactor(0, 2)
        grid_layout.setColumnStretchFactor(1, 3)
        for row, stretch in enumerate((0, 1, 0, 1)):
            grid_layout.setRowStretchFactor(row, stretch)
        for label in self._image_titles:
            label.setMaximumHeight(QFontMetrics(self.font()).height() * 2)
        image_layout.addWidget(self.image_view, 4)
        # Hovering the filtered picture writes out that pixel's sum of products and shows its
        # window on the picture: the same arithmetic as the grids, now on a feature map.
        self._image_window = QGraphicsRectItem()
        window_pen = QPen(QColor(HIGHLIGHT_COLOR), 2)
        window_pen.setCosmetic(True)
        self._image_window.setPen(window_pen)
        self._image_window.setZValue(10)
        self._image_window.hide()
        self._image_boxes[0].addItem(self._image_window)
        self.image_view.scene().sigMouseMoved.connect(self._on_image_mouse_moved)
        self.stack.addWidget(image_page)

        self.formula_label = QLabel()
        self.formula_label.setWordWrap(True)
        self.formula_label.setTextFormat(Qt.TextFormat.RichText)
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explain_label = QLabel()
        self.explain_label.setWordWrap(True)
        self.explain_label.setTextFormat(Qt.TextFormat.RichText)
        self.explain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explain_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        centre.addWidget(self.formula_label)
        centre.addWidget(self.explain_label)
        self.play_controls = PlayControls(1, fps=2.0)
        self.play_controls.setToolTip("Slide the window over the output, one cell per step")
        centre.addWidget(self.play_controls)

        # ----- signals ------------------------------------------------------------------------
        self.preset_box.activated.connect(self._on_preset_activated)
        self.view_box.currentIndexChanged.connect(self._on_view_changed)
        self.mode_box.currentIndexChanged.connect(self._on_mode_changed)
        self.padding_box.valueChanged.connect(self._on_padding_changed)
        self.stride_box.valueChanged.connect(self._on_stride_changed)
        self.rows_box.valueChanged.connect(self._on_input_size_changed)
        self.cols_box.valueChanged.connect(self._on_input_size_changed)
        self.random_button.clicked.connect(self._on_random_clicked)
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.paste_button.clicked.connect(self._on_paste_clicked)
        self.kernel_preset_box.activated.connect(self._on_kernel_preset_activated)
        self.krows_box.valueChanged.connect(self._on_kernel_size_changed)
        self.kcols_box.valueChanged.connect(self._on_kernel_size_changed)
        self.pool_mode_box.currentIndexChanged.connect(self._on_pool_changed)
        self.pool_size_box.valueChanged.connect(self._on_pool_changed)
        self.pool_stride_box.valueChanged.connect(self._on_pool_changed)
        self.pool_source_box.currentIndexChanged.connect(self._on_pool_changed)
        self.pool_as_conv_box.toggled.connect(self._on_pool_changed)
        self.solve_for_box.currentIndexChanged.connect(self._on_solver_changed)
        for box in (self.solver_n_box, self.solver_f_box, self.solver_other_box,
                    self.solver_out_box):  # fmt: skip
            box.valueChanged.connect(self._on_solver_changed)
        self.solver_use_button.clicked.connect(self._on_solver_use_clicked)
        self.open_picture_button.clicked.connect(self._on_open_picture_clicked)
        self.sample_picture_button.clicked.connect(self._on_sample_picture_clicked)
        self.input_grid.cellEdited.connect(self._on_input_cell_edited)
        self.input_grid.editRefused.connect(self.statusMessage)
        self.input_grid.pasteRequested.connect(self._paste_input_text)
        for grid in (self.kernel_grid, self.image_kernel_grid):
            grid.cellEdited.connect(self._on_kernel_cell_edited)
            grid.editRefused.connect(self.statusMessage)
            grid.pasteRequested.connect(self._paste_kernel_text)
        self.output_grid.cellHovered.connect(self._on_output_hovered)
        self.output_grid.cellClicked.connect(self._on_output_clicked)
        self.pool_grid.cellHovered.connect(self._on_pool_hovered)
        self.pool_grid.cellClicked.connect(self._on_pool_clicked)
        self.as_conv_grid.cellHovered.connect(self._on_pool_hovered)
        self.as_conv_grid.cellClicked.connect(self._on_pool_clicked)
        self.play_controls.frameChanged.connect(self._on_frame_changed)
        self._apply_fonts()

    # =========================================================================================
    # Settings -> compute
    # =========================================================================================
    def settings(self) -> ConvSettings:
        """A copy of the current settings."""
        return self._settings.copy()

    def result(self) -> ConvResult | None:
        return self._result

    def set_settings(self, settings: ConvSettings) -> None:
        """Show ``settings``: sync the controls, recompute and redraw."""
        self._settings = settings.copy()
        self._hover = None
        self._sync_controls()
        self._recompute()

    def _sync_controls(self) -> None:
        s = self._settings
        pairs = [
            (self.padding_box, lambda: self.padding_box.setValue(s.padding)),
            (self.stride_box, lambda: self.stride_box.setValue(s.stride)),
            (self.rows_box, lambda: self.rows_box.setValue(s.input.shape[0])),
            (self.cols_box, lambda: self.cols_box.setValue(s.input.shape[1])),
            (self.krows_box, lambda: self.krows_box.setValue(s.kernel.shape[0])),
            (self.kcols_box, lambda: self.kcols_box.setValue(s.kernel.shape[1])),
            (self.pool_size_box, lambda: self.pool_size_box.setValue(s.pool_size)),
            (self.pool_stride_box, lambda: self.pool_stride_box.setValue(s.pool_stride)),
            (self.pool_as_conv_box, lambda: self.pool_as_conv_box.setChecked(s.pool_as_conv)),
            (self.solver_n_box, lambda: self.solver_n_box.setValue(s.solver_n)),
            (self.solver_f_box, lambda: self.solver_f_box.setValue(s.solver_f)),
            (self.solver_other_box, lambda: self.solver_other_box.setValue(s.solver_other)),
            (self.solver_out_box, lambda: self.solver_out_box.setValue(s.solver_out)),
        ]
        for widget, apply in pairs:
            with QSignalBlocker(widget):
                apply()
        for box, data in (
            (self.mode_box, s.mode),
            (self.view_box, s.view),
            (self.pool_mode_box, s.pool_mode),
            (self.pool_source_box, s.pool_source),
            (self.solve_for_box, s.solve_for),
        ):
            with QSignalBlocker(box):
                box.setCurrentIndex(box.findData(data))
        with QSignalBlocker(self.kernel_preset_box):
            self.kernel_preset_box.setCurrentText(s.kernel_preset)
        self.solver_other_label.setText("s" if s.solve_for == "padding" else "p")
        with QSignalBlocker(self.solver_other_box):
            # a stride is at least 1, a padding at least 0
            self.solver_other_box.setMinimum(1 if s.solve_for == "padding" else 0)
            self.solver_other_box.setValue(s.solver_other)
        self.stack.setCurrentIndex(1 if s.view == "image" else 0)
        self.play_controls.setVisible(s.view != "image")

    def _compute(self) -> ConvResult:
        s = self._settings
        padded = conv.pad2d(s.input, s.padding)
        mask = np.ones(padded.shape, bool)
        n_r, n_c = s.input.shape
        mask[s.padding : s.padding + n_r, s.padding : s.padding + n_c] = False
        result = ConvResult(padded=padded, padding_mask=mask)
        operation = conv.correlate2d if s.mode == "correlation" else conv.convolve2d
        f_r, f_c = s.kernel.shape
        try:
            result.output = operation(s.input, s.kernel, s.padding, s.stride)
            result.rows_reached = conv.coverage(n_r, f_r, s.padding, s.stride)
            result.cols_reached = conv.coverage(n_c, f_c, s.padding, s.stride)
            result.trailing_rows = conv.unreached_trailing(n_r, f_r, s.padding, s.stride)
            result.trailing_cols = conv.unreached_trailing(n_c, f_c, s.padding, s.stride)
            result.formula_rows = conv.output_size_steps(n_r, f_r, s.padding, s.stride)
            result.formula_cols = conv.output_size_steps(n_c, f_c, s.padding, s.stride)
        except ValueError as exc:
            result.output = None
            result.error = str(exc)
        source = s.input if s.pool_source == "input" else result.output
        result.pool_source = source
        if source is None:
            result.pool_error = "There is no output to pool: " + result.error
        else:
            try:
                result.pooled = conv.pool2d(source, s.pool_size, s.pool_stride, s.pool_mode)
                if s.pool_mode == "max":
                    result.argmax = conv.pool_argmax(source, s.pool_size, s.pool_stride)
                if s.pool_as_conv and s.pool_mode == "avg":
                    result.as_conv_kernel = conv.avg_pool_kernel(s.pool_size)
                    result.as_conv = conv.correlate2d(
                        source, result.as_conv_kernel, 0, s.pool_stride
                    )
            except ValueError as exc:
                result.pool_error = str(exc)
        return result

    def _recompute(self) -> None:
        s = self._settings
        if s.view == "image":
            self._recompute_image()
        self._result = self._compute()
        out = self._result.output
        n_frames = 1 if out is None else out.size + 1
        playing = self.play_controls.is_playing()
        controls = self.play_controls
        with QSignalBlocker(controls):
            # Only touch the bar when something changed: it redraws its buttons each time.
            if controls.n_frames() != n_frames:
                controls.set_n_frames(n_frames)
            if not playing:
                frame = n_frames - 1 if s.frame < 0 else min(s.frame, n_frames - 1)
                if controls.frame() != frame:
                    controls.set_frame(frame)
        self._fix_focus()
        self._render()
        self.stateChanged.emit()

    def _fix_focus(self) -> None:
        # A pinned cell that the new settings no longer have falls back to the first cell.
        kind, r, c = self._settings.focus
        grid = self._result.output if kind == "conv" else self._result.pooled
        if grid is None or not (0 <= r < grid.shape[0] and 0 <= c < grid.shape[1]):
            self._settings.focus = ("conv", 0, 0)
        self._hover = None

    # =========================================================================================
    # Rendering
    # =========================================================================================
    def _frame(self) -> int:
        return self.play_controls.frame()

    def _animation_complete(self) -> bool:
        return self._frame() >= self.play_controls.n_frames() - 1

    def _render(self) -> None:
        s = self._settings
        res = self._result
        assert res is not None
        p = s.padding
        n_r, n_c = s.input.shape
        row_labels = [str(i - p + 1) if p <= i < p + n_r else "" for i in range(n_r + 2 * p)]
        col_labels = [str(j - p + 1) if p <= j < p + n_c else "" for j in range(n_c + 2 * p)]
        self.input_grid.set_grid(
            res.padded, fixed=res.padding_mask, row_labels=row_labels, col_labels=col_labels
        )
        self.input_grid.set_title(
            f"Input {n_r}x{n_c}" + (f", padded by {p} (grey zeros)" if p else "")
        )
        self.kernel_grid.set_grid(s.kernel)
        self.image_kernel_grid.set_grid(s.kernel)
        f_r, f_c = s.kernel.shape
        name = "" if s.kernel_preset == CUSTOM_KERNEL else f": {s.kernel_preset.split(' (')[0]}"
        self.kernel_grid.set_title(f"Kernel {f_r}x{f_c}{name}")
        self.image_kernel_grid.set_title(f"Kernel {f_r}x{f_c}{name}")
        flipped = s.mode == "convolution"
        self.flipped_grid.setVisible(flipped)
        if flipped:
            self.flipped_grid.set_grid(s.kernel[::-1, ::-1])
            self.flipped_grid.set_caption("rows and columns reversed")

        # Output and its unreached rows/columns.
        if res.output is None:
            self.output_grid.set_title("Output")
            self.output_grid.set_message("No window fits. " + res.error)
            self.input_grid.set_shaded([], [])
            self.input_grid.set_caption("")
        else:
            out = res.output
            hidden = np.zeros(out.shape, bool)
            if not self._animation_complete():
                hidden.ravel()[self._frame() :] = True
            self.output_grid.set_grid(out, hidden=hidden)
            kind = "cross-correlation" if s.mode == "correlation" else "true convolution"
            self.output_grid.set_title(f"Output {out.shape[0]}x{out.shape[1]} ({kind})")
            assert res.rows_reached is not None and res.cols_reached is not None
            rows = np.flatnonzero(~res.rows_reached).tolist()
            cols = np.flatnonzero(~res.cols_reached).tolist()
            self.input_grid.set_shaded(rows, cols)
            self.input_grid.set_caption("Hatched: never reached" if rows or cols else "")

        # Pooling.
        source_name = "input" if s.pool_source == "input" else "output"
        pool_name = "average" if s.pool_mode == "avg" else "max"
        k = s.pool_size
        if res.pooled is None:
            self.pool_grid.set_title("Pooled")
            self.pool_grid.set_message(res.pool_error)
        else:
            hidden = np.zeros(res.pooled.shape, bool)
            if s.pool_source == "output" and not self._animation_complete():
                hidden[:] = True  # the pool waits for the whole output
            self.pool_grid.set_grid(res.pooled, hidden=hidden)
            self.pool_grid.set_title(f"{k}x{k} {pool_name} pool, stride {s.pool_stride}")
            self.pool_grid.set_caption(f"of the {source_name}")
        self.as_conv_grid.setVisible(s.pool_as_conv)
        if s.pool_as_conv:
            if s.pool_mode != "avg":
                self.as_conv_grid.set_title("Pooling as a convolution")
                self.as_conv_grid.set_message(
                    "Only average pooling is a convolution: a max is not a weighted sum."
                )
            elif res.as_conv is None:
                self.as_conv_grid.set_title("Pooling as a convolution")
                self.as_conv_grid.set_message(res.pool_error)
            else:
                weight = cell_text(float(res.as_conv_kernel[0, 0]))
                self.as_conv_grid.set_grid(res.as_conv)
                self.as_conv_grid.set_title(
                    f"As a {k}x{k} conv of {weight}s, stride {s.pool_stride}"
                )
                same = res.pooled is not None and np.allclose(res.as_conv, res.pooled)
                self.as_conv_grid.set_caption(
                    "= the average pool" if same else "differs from the pool"
                )

        self._render_marks()
        self._render_formula()
        self._render_solver()
        self._render_focus()
        if s.view == "image":
            self._render_image()

    def _render_marks(self) -> None:
        s = self._settings
        res = self._result
        marks: list[tuple[int, int]] = []
        if res is not None and res.argmax is not None:
            marks = [tuple(cell) for cell in res.argmax.reshape(-1, 2).tolist()]
        if s.pool_source == "input":
            p = s.padding
            self.input_grid.set_marks([(r + p, c + p) for r, c in marks])
            self.output_grid.set_marks([])
        else:
            self.output_grid.set_marks(marks)
            self.input_grid.set_marks([])

    def _render_formula(self) -> None:
        s = self._settings
        res = self._result
        assert res is not None
        if res.output is None:
            self.formula_label.setText(
                f"<span style='color:{ERROR_COLOR}'><b>No window fits:</b> "
                f"{html.escape(res.error)}</span>"
            )
            return
        if res.formula_rows == res.formula_cols:
            parts = [f"<b>Output size</b> (rows and columns): {html.escape(res.formula_rows)}"]
        else:
            parts = [
                f"<b>Output rows:</b> {html.escape(res.formula_rows)}",
                f"<b>columns:</b> {html.escape(res.formula_cols)}",
            ]
        text = " &nbsp; ".join(parts)
        notes = []
        if res.trailing_rows or res.trailing_cols:
            pieces = []
            for count, word in ((res.trailing_rows, "row"), (res.trailing_cols, "column")):
                if count == 1:
                    pieces.append(f"the last {word}")
                elif count > 1:
                    pieces.append(f"the last {count} {word}s")
            notes.append(
                "The division is not exact, so the formula floors: "
                f"{' and '.join(pieces)} of the {'padded ' if s.padding else ''}input "
                "are never reached (hatched)."
            )
        f_r, f_c = s.kernel.shape
        if s.stride > min(f_r, f_c):
            notes.append(
                f"The stride {s.stride} is larger than the kernel, so the windows skip cells "
                "between them (hatched)."
            )
        if notes:
            text += f"<br><span style='color:{ERROR_COLOR}'>" + " ".join(notes) + "</span>"
        if self.preset_box.currentText() == PRESET_4B and s.solve_for == "stride":
            # Exercise 4b is about the solver: repeat its answer large, under the grids.
            answer = conv.explain_solve_stride(
                s.solver_n, s.solver_f, s.solver_other, s.solver_out
            )[2]
            text += f"<br><b>Exercise 4b:</b> {html.escape(answer)}"
        self.formula_label.setText(text)

    def _render_solver(self) -> None:
        s = self._settings
        explain = (
            conv.explain_solve_padding if s.solve_for == "padding" else conv.explain_solve_stride
        )
        try:
            _, works, text = explain(s.solver_n, s.solver_f, s.solver_other, s.solver_out)
        except ValueError as exc:  # e.g. a stride of 0 typed into the solver
            works, text = False, str(exc)
        color = OK_COLOR if works else ERROR_COLOR
        self.solver_label.setText(f"<span style='color:{color}'>{html.escape(text)}</span>")

    def _current_focus(self) -> tuple[str, int, int] | None:
        if self._hover is not None:
            return self._hover
        if not self._animation_complete():
            frame = self._frame()
            out = self._result.output if self._result else None
            if frame == 0 or out is None:
                return None
            return ("conv", (frame - 1) // out.shape[1], (frame - 1) % out.shape[1])
        return self._settings.focus

    def focus_text(self) -> str:
        """The plain-text explanation of the focused cell (what the label shows)."""
        return self._focus_plain

    def _render_focus(self) -> None:
        s = self._settings
        res = self._result
        assert res is not None
        focus = self._current_focus()
        self.input_grid.set_highlight(None)
        self.output_grid.set_highlight(None)
        self.pool_grid.set_highlight(None)
        self.as_conv_grid.set_highlight(None)
        self._focus_plain = ""
        lines: list[str] = []
        if focus is not None and focus[0] == "conv" and res.output is not None:
            _, r, c = focus
            terms = conv.conv_terms(
                s.input, s.kernel, r, c, s.padding, s.stride, flip=s.mode == "convolution"
            )
            self.input_grid.set_highlight(terms.window)
            self.output_grid.set_highlight((r, r + 1, c, c + 1))
            self._focus_plain = (
                f"Output row {r + 1}, column {c + 1} = {conv.format_sum_of_products(terms)}"
            )
            lines.append(
                f"<b>Output row {r + 1}, column {c + 1}</b> = "
                f"{html.escape(conv.format_sum_of_products(terms))}"
            )
            lines.append(self._sheet_note_conv(r, c))
        elif focus is not None and focus[0] == "pool" and res.pooled is not None:
            _, r, c = focus
            assert res.pool_source is not None
            terms = conv.pool_terms(res.pool_source, r, c, s.pool_size, s.pool_stride, s.pool_mode)
            self.pool_grid.set_highlight((r, r + 1, c, c + 1))
            self.as_conv_grid.set_highlight((r, r + 1, c, c + 1))
            r0, r1, c0, c1 = terms.window
            if s.pool_source == "input":
                p = s.padding
                self.input_grid.set_highlight((r0 + p, r1 + p, c0 + p, c1 + p))
            else:
                self.output_grid.set_highlight(terms.window)
            if s.pool_mode == "max":
                ar, ac = terms.argmax
                strong = (ar + s.padding, ac + s.padding) if s.pool_source == "input" else (ar, ac)
                grid = self.input_grid if s.pool_source == "input" else self.output_grid
                grid.set_marks(grid.marks(), strong)
            word = "average" if s.pool_mode == "avg" else "max"
            self._focus_plain = f"Pooled row {r + 1}, column {c + 1} ({word}) = {terms.text()}"
            lines.append(
                f"<b>Pooled row {r + 1}, column {c + 1}</b> ({word}) = {html.escape(terms.text())}"
            )
            if s.pool_mode == "max":
                lines.append(
                    f"The largest value sits at row {terms.argmax[0] + 1}, column "
                    f"{terms.argmax[1] + 1} of the {s.pool_source} (circled in bold)."
                )
            lines.append(self._sheet_note_pool(r, c))
        else:
            lines.append(
                "Hover or click an output cell to see its window and its sum of products."
                if res.output is not None
                else ""
            )
        self.explain_label.setText("<br>".join(line for line in lines if line))

    # Notes where the exercise sheet's hand-written numbers differ from the right ones.
    def _is_sheet_exercise(self) -> bool:
        s = self._settings
        return (
            s.input.shape == conv.EXERCISE4_INPUT.shape
            and np.array_equal(s.input, conv.EXERCISE4_INPUT)
            and s.kernel.shape == conv.EXERCISE4_KERNEL.shape
            and np.array_equal(s.kernel, conv.EXERCISE4_KERNEL)
            and s.padding == 1
            and s.stride == 1
            and s.mode == "correlation"
        )

    def _sheet_note_conv(self, r: int, c: int) -> str:
        if self._is_sheet_exercise() and (r, c) == (3, 2):
            return (
                f"<span style='color:{ERROR_COLOR}'>The sheet's table shows -2.5 here; "
                "-12.5 is right (its own pooling line uses -12.5).</span>"
            )
        return ""

    def _sheet_note_pool(self, r: int, c: int) -> str:
        s = self._settings
        if (
            self._is_sheet_exercise()
            and (r, c) == (0, 0)
            and s.pool_mode == "avg"
            and s.pool_size == 2
            and s.pool_stride == 2
            and s.pool_source == "output"
        ):
            return (
                f"<span style='color:{ERROR_COLOR}'>The sheet writes 11.75 for this cell; "
                "its own sum (15.5 + 21 + 4.5 + 30)/4 is 17.75.</span>"
            )
        return ""

    # ----- image mode ------------------------------------------------------------------------
    def _ensure_picture(self) -> None:
        if self._picture is not None:
            return
        path = self._settings.picture_path
        try:
            self._picture = load_picture(path if path else sample_picture_path())
            self._picture_error = ""
        except (ValueError, FileNotFoundError) as exc:
            self._picture_error = str(exc)
            if path:  # fall back to the sample so the mode still works, and say so
                self._settings.picture_path = None
                self._ensure_picture()
                if self._picture is not None:
                    self._picture_error = f"{exc} Showing the sample picture instead."

    def _recompute_image(self) -> None:
        s = self._settings
        self._ensure_picture()
        self._image_filtered = None
        self._image_pooled = None
        self._image_error = ""
        if self._picture is None:
            self._image_error = self._picture_error
            return
        operation = conv.correlate2d if s.mode == "correlation" else conv.convolve2d
        try:
            self._image_filtered = operation(self._picture, s.kernel, s.padding, s.stride)
            self._image_pooled = conv.pool2d(
                self._image_filtered, s.pool_size, s.pool_stride, s.pool_mode
            )
        except ValueError as exc:
            self._image_error = str(exc)

    def _on_image_mouse_moved(self, scene_pos) -> None:
        box = self._image_boxes[1]
        filtered = self._image_filtered
        if filtered is None or not box.sceneBoundingRect().contains(scene_pos):
            return
        point = box.mapSceneToView(scene_pos)
        row, col = int(np.floor(point.y())), int(np.floor(point.x()))
        if 0 <= row < filtered.shape[0] and 0 <= col < filtered.shape[1]:
            self.hover_image_pixel(row, col)

    def hover_image_pixel(self, row: int, col: int) -> str:
        """Explain filtered pixel (row, col): its sum of products and its window on the picture."""
        s = self._settings
        if self._picture is None or self._image_filtered is None:
            return ""
        terms = conv.conv_terms(
            self._picture, s.kernel, row, col, s.padding, s.stride, flip=s.mode == "convolution"
        )
        r0, r1, c0, c1 = terms.window
        p = s.padding
        # The window is on the padded picture; the picture item starts at (0, 0).
        self._image_window.setRect(QRectF(c0 - p, r0 - p, c1 - c0, r1 - r0))
        self._image_window.show()
        text = (
            f"Filtered pixel row {row + 1}, column {col + 1} = {conv.format_sum_of_products(terms)}"
        )
        self.explain_label.setText(html.escape(text))
        return text

    def image_arrays(self) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
        """The picture, the filtered picture and the pooled one, as shown in image mode."""
        return self._picture, self._image_filtered, self._image_pooled

    def _render_image(self) -> None:
        s = self._settings
        k = s.pool_size
        pool_name = "average" if s.pool_mode == "avg" else "max"
        arrays = self.image_arrays()
        titles = [
            "Picture",
            "Filtered by the kernel",
            f"{k}x{k} {pool_name} pool, stride {s.pool_stride}",
        ]
        for array, item, label, title in zip(
            arrays, self._image_items, self._image_titles, titles, strict=True
        ):
            if array is None:
                item.clear()
                self._shown_arrays[item] = None
            else:
                if self._shown_arrays.get(item) is not array:  # the picture rarely changes
                    item.setImage(_gray_levels(array), levels=(0, 255), autoLevels=False)
                    self._shown_arrays[item] = array
                title = f"{title} ({array.shape[1]}x{array.shape[0]})"
            label.setText(html.escape(title), size=f"{self._label_point_size():.0f}pt")
        for box in self._image_boxes:
            box.autoRange(padding=0.02)
        note = self._image_error or self._picture_error
        if note:
            self.formula_label.setText(
                f"<span style='color:{ERROR_COLOR}'>{html.escape(note)}</span>"
            )
        else:
            self.formula_label.setText(
                "Each pixel of the filtered picture is one sum of products of the kernel with "
                "the gray levels (0 to 255) under it; black = smallest, white = largest value."
            )
        self.explain_label.setText(
            "Hover the filtered picture to see one pixel's sum of products."
            if self._image_filtered is not None
            else ""
        )
        self._image_window.hide()

    # =========================================================================================
    # Event handlers: controls -> settings
    # =========================================================================================
    def _change(self, **changes: Any) -> None:
        settings = self._settings.copy()
        for name, value in changes.items():
            setattr(settings, name, value)
        self._settings = settings
        self._sync_controls()
        self._recompute()

    def _on_preset_activated(self, index: int) -> None:
        self.load_preset(self.preset_box.itemText(index))

    def _on_view_changed(self, _index: int) -> None:
        self._change(view=self.view_box.currentData())

    def _on_mode_changed(self, _index: int) -> None:
        self._change(mode=self.mode_box.currentData())

    def _on_padding_changed(self, value: int) -> None:
        self._change(padding=int(value))

    def _on_stride_changed(self, value: int) -> None:
        self._change(stride=int(value))

    def _on_input_size_changed(self, _value: int) -> None:
        rows, cols = self.rows_box.value(), self.cols_box.value()
        self._change(input=_resized(self._settings.input, rows, cols))

    def _on_random_clicked(self) -> None:
        rng = np.random.default_rng()
        shape = self._settings.input.shape
        self._change(input=rng.integers(0, 10, size=shape).astype(float))

    def _on_clear_clicked(self) -> None:
        self._change(input=np.zeros(self._settings.input.shape))

    def _on_paste_clicked(self) -> None:
        self._paste_input_text(QGuiApplication.clipboard().text())

    def _paste_input_text(self, text: str) -> bool:
        try:
            grid = parse_grid_text(text)
            if grid.shape[0] > MAX_INPUT_SIDE or grid.shape[1] > MAX_INPUT_SIDE:
                raise ValueError(
                    f"The pasted grid is {grid.shape[0]}x{grid.shape[1]}; the input holds at "
                    f"most {MAX_INPUT_SIDE}x{MAX_INPUT_SIDE}."
                )
        except ValueError as exc:
            message = f"Nothing pasted: {exc}"
            self.input_grid.set_error(message)
            self.statusMessage.emit(message)
            return False
        self.input_grid.set_error("")
        self._change(input=grid)
        return True

    def _paste_kernel_text(self, text: str) -> bool:
        try:
            grid = parse_grid_text(text)
            if grid.shape[0] > MAX_KERNEL_SIDE or grid.shape[1] > MAX_KERNEL_SIDE:
                raise ValueError(f"A kernel holds at most {MAX_KERNEL_SIDE}x{MAX_KERNEL_SIDE}.")
        except ValueError as exc:
            message = f"Nothing pasted: {exc}"
            self.kernel_grid.set_error(message)
            self.statusMessage.emit(message)
            return False
        self._change(kernel=grid, kernel_preset=CUSTOM_KERNEL)
        return True

    def _on_kernel_preset_activated(self, index: int) -> None:
        name = self.kernel_preset_box.itemText(index)
        if name in conv.KERNEL_PRESETS:
            self._change(kernel=conv.KERNEL_PRESETS[name].copy(), kernel_preset=name)

    def _on_kernel_size_changed(self, _value: int) -> None:
        rows, cols = self.krows_box.value(), self.kcols_box.value()
        self._change(
            kernel=_resized(self._settings.kernel, rows, cols), kernel_preset=CUSTOM_KERNEL
        )

    def _on_pool_changed(self, *_args: Any) -> None:
        self._change(
            pool_mode=self.pool_mode_box.currentData(),
            pool_size=self.pool_size_box.value(),
            pool_stride=self.pool_stride_box.value(),
            pool_source=self.pool_source_box.currentData(),
            pool_as_conv=self.pool_as_conv_box.isChecked(),
        )

    def _on_solver_changed(self, *_args: Any) -> None:
        solve_for = self.solve_for_box.currentData()
        other = self.solver_other_box.value()
        self._change(
            solve_for=solve_for,
            solver_n=self.solver_n_box.value(),
            solver_f=self.solver_f_box.value(),
            # the given stride (when solving for padding) is at least 1
            solver_other=max(other, 1) if solve_for == "padding" else other,
            solver_out=self.solver_out_box.value(),
        )

    def _on_solver_use_clicked(self) -> None:
        s = self._settings
        out = self._result.output if self._result else None
        self._change(
            solver_n=s.input.shape[0],
            solver_f=s.kernel.shape[0],
            solver_other=s.stride if s.solve_for == "padding" else s.padding,
            solver_out=s.input.shape[0] if out is None else out.shape[0],
        )

    def _on_open_picture_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open picture", "", "Pictures (*.png *.jpg *.jpeg *.bmp *.gif);;All files (*)"
        )
        if path:
            self.open_picture(path)

    def open_picture(self, path: str) -> bool:
        """Load a picture for image mode; on failure keep the current one and say why."""
        try:
            picture = load_picture(path)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            self.formula_label.setText(
                f"<span style='color:{ERROR_COLOR}'>{html.escape(str(exc))}</span>"
            )
            return False
        self._picture = picture
        self._picture_error = ""
        self._change(picture_path=str(path), view="image")
        return True

    def _on_sample_picture_clicked(self) -> None:
        self._picture = None
        self._picture_error = ""
        self._change(picture_path=None, view="image")

    def _on_input_cell_edited(self, row: int, col: int, value: float) -> None:
        p = self._settings.padding
        grid = self._settings.input.copy()
        grid[row - p, col - p] = value
        self._change(input=grid)
        self.statusMessage.emit(f"Input row {row - p + 1}, column {col - p + 1} = {value:g}")

    def _on_kernel_cell_edited(self, row: int, col: int, value: float) -> None:
        kernel = self._settings.kernel.copy()
        kernel[row, col] = value
        self._change(kernel=kernel, kernel_preset=CUSTOM_KERNEL)

    def set_input_cell(self, row: int, col: int, text: str) -> bool:
        """Type ``text`` into input cell (row, col) (0-based, unpadded), as a user would."""
        p = self._settings.padding
        return self.input_grid.set_cell_text(row + p, col + p, text)

    def set_kernel_cell(self, row: int, col: int, text: str) -> bool:
        """Type ``text`` into kernel cell (row, col)."""
        return self.kernel_grid.set_cell_text(row, col, text)

    # ----- hover / click ---------------------------------------------------------------------
    def _on_output_hovered(self, row: int, col: int) -> None:
        self._hover = ("conv", row, col) if row >= 0 else None
        if self._hover is not None and self._result and self._result.output is not None:
            if self.output_grid.hidden()[row, col]:
                self._hover = None
        self._render_marks()
        self._render_focus()

    def _on_output_clicked(self, row: int, col: int) -> None:
        if self._result is None or self._result.output is None:
            return
        self._settings.focus = ("conv", row, col)
        self._hover = None
        self._render_marks()
        self._render_focus()
        self.stateChanged.emit()

    def _on_pool_hovered(self, row: int, col: int) -> None:
        if self._result is None or self._result.pooled is None:
            return
        self._hover = ("pool", row, col) if row >= 0 else None
        if not self._animation_complete() and self._settings.pool_source == "output":
            self._hover = None
        self._render_marks()
        self._render_focus()

    def _on_pool_clicked(self, row: int, col: int) -> None:
        if self._result is None or self._result.pooled is None:
            return
        self._settings.focus = ("pool", row, col)
        self._hover = None
        self._render_marks()
        self._render_focus()
        self.stateChanged.emit()

    def hover_cell(self, kind: str, row: int, col: int) -> None:
        """Act as if the mouse were over an output (``"conv"``) or pooled (``"pool"``) cell."""
        if kind == "conv":
            self._on_output_hovered(row, col)
        else:
            self._on_pool_hovered(row, col)

    def _on_frame_changed(self, frame: int) -> None:
        self._settings.frame = -1 if frame >= self.play_controls.n_frames() - 1 else frame
        self._hover = None
        self._render()

    # =========================================================================================
    # TopicTab contract
    # =========================================================================================
    def presets(self) -> list[str]:
        return [
            PRESET_4A,
            PRESET_4A_TRUE,
            PRESET_4B,
            PRESET_4C,
            PRESET_4D,
            PRESET_FLOOR,
            PRESET_MAX,
            PRESET_IMAGE,
        ]

    def load_preset(self, name: str) -> None:
        if name not in self.presets():
            raise KeyError(name)
        s = ConvSettings()  # the exercise: F, the sheet's kernel, padding 1, 2x2 average pool
        s.solve_for, s.solver_n, s.solver_f, s.solver_other, s.solver_out = "padding", 4, 3, 1, 4
        if name == PRESET_4A_TRUE:
            s.mode = "convolution"
        elif name == PRESET_4B:
            s.kernel = np.array([[1.0, 0.0], [0.0, 1.0]])
            s.kernel_preset = CUSTOM_KERNEL
            s.stride = 2
            s.solve_for, s.solver_n, s.solver_f, s.solver_other, s.solver_out = (
                "stride", 4, 2, 1, 4,
            )  # fmt: skip
        elif name == PRESET_4C:
            s.focus = ("pool", 0, 0)
        elif name == PRESET_4D:
            s.pool_as_conv = True
            s.focus = ("pool", 0, 0)
        elif name == PRESET_FLOOR:
            s.input = np.arange(1.0, 26.0).reshape(5, 5)
            s.kernel = np.array([[1.0, 0.0], [0.0, 1.0]])
            s.kernel_preset = CUSTOM_KERNEL
            s.padding = 0
            s.stride = 2
            s.solve_for, s.solver_n, s.solver_f, s.solver_other, s.solver_out = (
                "stride", 5, 2, 0, 2,
            )  # fmt: skip
        elif name == PRESET_MAX:
            s.pool_mode = "max"
            s.focus = ("pool", 0, 0)
        elif name == PRESET_IMAGE:
            s.view = "image"
            s.kernel = conv.KERNEL_PRESETS["Sobel x (vertical edges)"].copy()
            s.kernel_preset = "Sobel x (vertical edges)"
        with QSignalBlocker(self.preset_box):
            self.preset_box.setCurrentText(name)
        self.play_controls.pause()
        self.set_settings(s)
        self.statusMessage.emit(f"Loaded: {name}")

    def state(self) -> dict[str, Any]:
        s = self._settings
        return {
            "input": s.input.tolist(),
            "kernel": s.kernel.tolist(),
            "kernel_preset": s.kernel_preset,
            "padding": s.padding,
            "stride": s.stride,
            "mode": s.mode,
            "pool_mode": s.pool_mode,
            "pool_size": s.pool_size,
            "pool_stride": s.pool_stride,
            "pool_source": s.pool_source,
            "pool_as_conv": s.pool_as_conv,
            "view": s.view,
            "solve_for": s.solve_for,
            "solver": [s.solver_n, s.solver_f, s.solver_other, s.solver_out],
            "picture_path": s.picture_path,
            "focus": list(s.focus),
            "frame": s.frame,
            "preset": self.preset_box.currentText(),
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        s = _settings_from_state(state)  # raises ValueError before anything changes
        preset = state.get("preset")
        if isinstance(preset, str) and preset in self.presets():
            with QSignalBlocker(self.preset_box):
                self.preset_box.setCurrentText(preset)
        self.play_controls.pause()
        if s.picture_path != self._settings.picture_path:
            self._picture = None
        self.set_settings(s)

    def step_forward(self) -> None:
        if self._animation_complete() and not self.play_controls.is_playing():
            self.play_controls.set_frame(0)  # stepping from the full view starts the slide
        self.play_controls.step_forward()

    def set_presentation(self, on: bool) -> None:
        self._presentation = on
        self._apply_fonts()
        self._render()

    def _label_point_size(self) -> float:
        point = self.font().pointSizeF()
        point = point if point > 0 else 11.0
        return point * (1.25 if self._presentation else 1.05)

    def _apply_fonts(self) -> None:
        point = self.font().pointSizeF()
        point = point if point > 0 else 11.0
        # The sum of products is what the room reads: it gets the biggest text.
        explain_font = QFont(self.font())
        explain_font.setPointSizeF(point * (1.45 if self._presentation else 1.3))
        self.explain_label.setFont(explain_font)
        formula_font = QFont(self.font())
        formula_font.setPointSizeF(point * (1.25 if self._presentation else 1.15))
        self.formula_label.setFont(formula_font)
        metrics = QFontMetrics(self.font())
        self.solver_label.setMinimumHeight(metrics.lineSpacing() * 5)
        # The side panel grows with the font, so nothing in it is cut off; its number boxes
        # stay compact so the panel does not need to be wide.
        side = self._side_scroll.widget()
        for box in side.findChildren(QSpinBox):
            box.setMaximumWidth(metrics.averageCharWidth() * 5 + 44)
        side.layout().activate()
        scrollbar = self._side_scroll.verticalScrollBar().sizeHint().width()
        self._side_scroll.setFixedWidth(
            max(metrics.averageCharWidth() * 36, side.minimumSizeHint().width()) + scrollbar + 4
        )

    def changeEvent(self, event) -> None:
        # The window changes the application font (Ctrl+= / presentation): follow it.
        if event.type() == event.Type.FontChange:
            self._apply_fonts()
        super().changeEvent(event)

    def table_csv(self) -> str:
        res = self._result
        if res is None or res.output is None:
            return ""
        out = res.output
        lines = ["row," + ",".join(f"col {j + 1}" for j in range(out.shape[1]))]
        for i, row in enumerate(out.tolist()):
            lines.append(f"{i + 1}," + ",".join(f"{v:.10g}" for v in row))
        return "\n".join(lines) + "\n"

    def worked_solution_markdown(self) -> str:
        s = self._settings
        res = self._result
        assert res is not None
        kind = "cross-correlation (no kernel flip)" if s.mode == "correlation" else (
            "true convolution (kernel flipped)"
        )  # fmt: skip
        md = [f"# Convolution: {self.preset_box.currentText()}", ""]
        md += ["## Input", "", *_markdown_grid(s.input), ""]
        md += ["## Kernel", "", *_markdown_grid(s.kernel), ""]
        if s.mode == "convolution":
            md += ["Flipped kernel (what slides over the input):", ""]
            md += [*_markdown_grid(s.kernel[::-1, ::-1]), ""]
        md += [f"Operation: {kind}, padding p = {s.padding}, stride s = {s.stride}.", ""]
        if res.output is None:
            md += [f"No window fits: {res.error}", ""]
            return "\n".join(md)
        md += ["## Output size", ""]
        md += [f"- rows: {res.formula_rows}", f"- columns: {res.formula_cols}", ""]
        if s.padding:
            md += ["## Zero-padded input", "", *_markdown_grid(res.padded), ""]
        md += ["## Each output cell (sum of products)", ""]
        out = res.output
        limit = 64
        for index in range(min(out.size, limit)):
            r, c = divmod(index, out.shape[1])
            terms = conv.conv_terms(
                s.input, s.kernel, r, c, s.padding, s.stride, flip=s.mode == "convolution"
            )
            md.append(f"- ({r + 1}, {c + 1}): {conv.format_sum_of_products(terms)}")
        if out.size > limit:
            md.append(f"- ... and {out.size - limit} more cells")
        md += ["", "## Output", "", *_markdown_grid(out), ""]
        if self._is_sheet_exercise():
            md += [
                "Note: the sheet's table shows -2.5 at row 4, column 3; -12.5 is right "
                "(its own pooling line uses -12.5).",
                "",
            ]
        if res.pooled is not None and res.pool_source is not None:
            word = "average" if s.pool_mode == "avg" else "max"
            md += [
                f"## {s.pool_size}x{s.pool_size} {word} pooling, stride {s.pool_stride}, "
                f"of the {s.pool_source}",
                "",
            ]
            for index in range(min(res.pooled.size, limit)):
                r, c = divmod(index, res.pooled.shape[1])
                terms = conv.pool_terms(
                    res.pool_source, r, c, s.pool_size, s.pool_stride, s.pool_mode
                )
                md.append(f"- ({r + 1}, {c + 1}): {terms.text()}")
            md += ["", *_markdown_grid(res.pooled), ""]
            if self._sheet_note_pool(0, 0):
                md += [
                    "Note: the sheet writes 11.75 for the first pooled cell; its own sum "
                    "(15.5 + 21 + 4.5 + 30)/4 is 17.75.",
                    "",
                ]
            if res.as_conv is not None and res.as_conv_kernel is not None:
                md += [
                    f"As a convolution: correlating with a {s.pool_size}x{s.pool_size} kernel of "
                    f"{cell_text(float(res.as_conv_kernel[0, 0]))} at stride {s.pool_stride} "
                    "gives the same grid:",
                    "",
                    *_markdown_grid(res.as_conv),
                    "",
                ]
        md += ["## Solving the size formula", ""]
        explain = (
            conv.explain_solve_padding if s.solve_for == "padding" else conv.explain_solve_stride
        )
        md += [explain(s.solver_n, s.solver_f, s.solver_other, s.solver_out)[2], ""]
        return "\n".join(md)


# =============================================================================================
# helpers
# =============================================================================================
def _resized(grid: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Grow or shrink a grid, keeping the overlapping top-left values; new cells are 0."""
    out = np.zeros((rows, cols))
    r = min(rows, grid.shape[0])
    c = min(cols, grid.shape[1])
    out[:r, :c] = grid[:r, :c]
    return out


def _gray_levels(array: np.ndarray) -> np.ndarray:
    """Display scaling: smallest value black, largest white, as 0..255 bytes.

    Done here rather than by pyqtgraph's level mapping, which divides by the value range and
    overflows (with a warning) for ranges near the smallest float, e.g. a 1e-320 kernel.
    """
    low, high = float(array.min()), float(array.max())
    with np.errstate(over="ignore"):
        span = high - low
    if span <= 0:
        return np.full(array.shape, 128, dtype=np.uint8)  # flat: mid-grey, not an error
    if not np.isfinite(span):  # values spread wider than the largest float: halve first
        array, low, span = array * 0.5, low * 0.5, high * 0.5 - low * 0.5
    # (x - low) <= span, so dividing first never overflows, even for a denormal span.
    scaled = np.subtract(array, low)
    np.divide(scaled, span, out=scaled)
    scaled *= 255.0
    np.clip(scaled, 0.0, 255.0, out=scaled)
    return scaled.astype(np.uint8)


def _markdown_grid(grid: np.ndarray) -> list[str]:
    cols = grid.shape[1]
    lines = ["| " + " | ".join(f"c{j + 1}" for j in range(cols)) + " |"]
    lines.append("|" + "---|" * cols)
    for row in grid.tolist():
        lines.append("| " + " | ".join(conv.format_number(v) for v in row) + " |")
    return lines


def _grid_from_state(value: Any, what: str, max_side: int) -> np.ndarray:
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        raise ValueError(f"The saved {what} is not a list of rows of numbers.")
    widths = {len(r) for r in value}
    if len(widths) != 1 or 0 in widths:
        raise ValueError(f"The saved {what} has rows of different lengths.")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for r in value for v in r):
        raise ValueError(f"The saved {what} contains something that is not a number.")
    grid = np.array(value, dtype=float)
    if not np.all(np.isfinite(grid)):
        raise ValueError(f"The saved {what} contains a value that is not finite.")
    if grid.shape[0] > max_side or grid.shape[1] > max_side:
        raise ValueError(f"The saved {what} is larger than {max_side}x{max_side}.")
    return grid


def _int_from_state(state: dict[str, Any], key: str, lo: int, hi: int) -> int:
    value = state.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"The saved {key.replace('_', ' ')} must be a whole number {lo} to {hi}.")
    return value


def _choice_from_state(state: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = state.get(key)
    if value not in choices:
        raise ValueError(f"The saved {key.replace('_', ' ')} must be one of {', '.join(choices)}.")
    return value


def _settings_from_state(state: Any) -> ConvSettings:
    """Validate a saved state completely, then build settings from it."""
    if not isinstance(state, dict):
        raise ValueError("The saved convolution state is not a dictionary of settings.")
    s = ConvSettings()
    s.input = _grid_from_state(state.get("input"), "input", MAX_INPUT_SIDE)
    s.kernel = _grid_from_state(state.get("kernel"), "kernel", MAX_KERNEL_SIDE)
    preset = state.get("kernel_preset", CUSTOM_KERNEL)
    s.kernel_preset = preset if preset in (*conv.KERNEL_PRESETS, CUSTOM_KERNEL) else CUSTOM_KERNEL
    s.padding = _int_from_state(state, "padding", 0, MAX_PADDING)
    s.stride = _int_from_state(state, "stride", 1, MAX_STRIDE)
    s.mode = _choice_from_state(state, "mode", conv.CONV_MODES)
    s.pool_mode = _choice_from_state(state, "pool_mode", conv.POOL_MODES)
    s.pool_size = _int_from_state(state, "pool_size", 1, 8)
    s.pool_stride = _int_from_state(state, "pool_stride", 1, 8)
    s.pool_source = _choice_from_state(state, "pool_source", ("output", "input"))
    s.pool_as_conv = bool(state.get("pool_as_conv", False))
    s.view = _choice_from_state(state, "view", ("grids", "image"))
    s.solve_for = _choice_from_state(state, "solve_for", ("padding", "stride"))
    solver = state.get("solver")
    if (
        not isinstance(solver, list)
        or len(solver) != 4
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in solver)
        or not (1 <= solver[0] <= 999 and 1 <= solver[1] <= 999)
        or not (0 <= solver[2] <= 999 and 1 <= solver[3] <= 999)
    ):
        raise ValueError("The saved solver settings must be four whole numbers n, f, p or s, out.")
    s.solver_n, s.solver_f, s.solver_other, s.solver_out = solver
    if s.solve_for == "padding" and s.solver_other < 1:
        raise ValueError("The saved solver stride must be at least 1.")
    path = state.get("picture_path")
    if path is not None and not isinstance(path, str):
        raise ValueError("The saved picture path must be text.")
    s.picture_path = path
    focus = state.get("focus", ["conv", 0, 0])
    if (
        not isinstance(focus, list)
        or len(focus) != 3
        or focus[0] not in ("conv", "pool")
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in focus[1:])
    ):
        raise ValueError("The saved focused cell must be ['conv' or 'pool', row, column].")
    s.focus = (focus[0], focus[1], focus[2])
    frame = state.get("frame", -1)
    if isinstance(frame, bool) or not isinstance(frame, int) or frame < -1:
        raise ValueError("The saved animation step must be a whole number (-1 for the end).")
    s.frame = frame
    return s
