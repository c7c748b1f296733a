"""The convolution tab's side panel: input and kernel sizes, pooling, and the size solver.

Every control is bound both ways to the :class:`ConvModel` (changes go to the model; the
panel shows the model inside signal blockers). The solver's answer is the model's words
(``explain.solver_answer``), coloured here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from visualizer.tabs.conv import explain
from visualizer.tabs.conv.model import (
    CUSTOM_KERNEL,
    KERNEL_CHOICES,
    MAX_BIAS,
    MAX_CHANNELS,
    MAX_INPUT_SIDE,
    MAX_KERNEL_SIDE,
    MAX_OUTPUT_PADDING,
    MAX_POOL,
    MAX_SOLVER,
    POOL_MODES,
    ConvModel,
)
from visualizer.tabs.conv.topbar import compact, select_data, show_value, spin_box
from visualizer.widgets.plot_style import ERROR_COLOR, OK_COLOR

POOL_MODE_LABELS = {"avg": "Average", "max": "Max"}


class SidePanel(QScrollArea):
    """The settings beside the grids, in a scroll area that grows with the font.

    Signals
    -------
    pasteRequested(str)
        The Paste button was pressed (the clipboard's text; the grids view pastes it and
        shows any refusal on the input grid).
    """

    pasteRequested = Signal(str)

    def __init__(self, model: ConvModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 4, 0)
        self.input_group = self._build_input_group()
        self.kernel_group = self._build_kernel_group()
        self.pool_group = self._build_pool_group()
        self.solver_group = self._build_solver_group()
        self.backward_group = self._build_backward_group()
        self.transposed_group = self._build_transposed_group()
        self.channels_group = self._build_channels_group()
        for group in (
            self.input_group,
            self.kernel_group,
            self.transposed_group,
            self.pool_group,
            self.channels_group,
            self.backward_group,
            self.solver_group,
        ):
            column.addWidget(group)
        column.addStretch(1)
        for box in side.findChildren(QComboBox):
            compact(box, 6)
        self.setWidget(side)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self._connect()

    # ----- building ------------------------------------------------------------------------
    def _build_input_group(self) -> QGroupBox:
        group = QGroupBox("Input")
        grid = QGridLayout(group)
        self.rows_box = spin_box(1, MAX_INPUT_SIDE, 4, "Input rows (1 to 64)")
        self.cols_box = spin_box(1, MAX_INPUT_SIDE, 4, "Input columns (1 to 64)")
        grid.addWidget(QLabel("Rows"), 0, 0)
        grid.addWidget(self.rows_box, 0, 1)
        grid.addWidget(QLabel("Cols"), 0, 2)
        grid.addWidget(self.cols_box, 0, 3)
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
        grid.addLayout(buttons, 1, 0, 1, 4)
        return group

    def _build_kernel_group(self) -> QGroupBox:
        group = QGroupBox("Kernel")
        grid = QGridLayout(group)
        self.kernel_preset_box = QComboBox()
        self.kernel_preset_box.addItems(list(KERNEL_CHOICES))
        self.kernel_preset_box.setToolTip("Classic kernels; typing into the kernel makes it Custom")
        grid.addWidget(self.kernel_preset_box, 0, 0, 1, 4)
        self.krows_box = spin_box(1, MAX_KERNEL_SIDE, 3, "Kernel rows (1 to 7)")
        self.kcols_box = spin_box(1, MAX_KERNEL_SIDE, 3, "Kernel columns (1 to 7)")
        grid.addWidget(QLabel("Rows"), 1, 0)
        grid.addWidget(self.krows_box, 1, 1)
        grid.addWidget(QLabel("Cols"), 1, 2)
        grid.addWidget(self.kcols_box, 1, 3)
        return group

    def _build_pool_group(self) -> QGroupBox:
        group = QGroupBox("Pooling")
        form = QFormLayout(group)
        self.pool_mode_box = QComboBox()
        for mode in POOL_MODES:
            self.pool_mode_box.addItem(POOL_MODE_LABELS.get(mode, mode), mode)
        sizes = QHBoxLayout()
        self.pool_size_box = spin_box(1, MAX_POOL, 2, "Pooling window size k (k x k)")
        self.pool_stride_box = spin_box(
            1, MAX_POOL, 2, "Pooling stride (usually equal to the size)"
        )
        sizes.addWidget(self.pool_mode_box)
        sizes.addWidget(QLabel("k"))
        sizes.addWidget(self.pool_size_box)
        sizes.addWidget(QLabel("s"))
        sizes.addWidget(self.pool_stride_box)
        form.addRow(sizes)
        self.pool_source_box = QComboBox()
        self.pool_source_box.addItem("the output", "output")
        self.pool_source_box.addItem("the input", "input")
        form.addRow("Pool", self.pool_source_box)
        self.pool_as_conv_box = QCheckBox("Show as a convolution (4d)")
        self.pool_as_conv_box.setToolTip(
            "Average pooling = correlation with a k x k kernel of 1/k² at stride k"
        )
        form.addRow(self.pool_as_conv_box)
        return group

    def _build_channels_group(self) -> QGroupBox:
        group = QGroupBox("Channels")
        grid = QGridLayout(group)
        self.in_channels_box = spin_box(
            1, MAX_CHANNELS, 1, "Input channels (image mode: 1 = gray, 3 = red, green, blue)"
        )
        self.kernel_channels_box = spin_box(
            1, MAX_CHANNELS, 1, "Slices per kernel: one per input channel"
        )
        self.out_channels_box = spin_box(
            1, MAX_CHANNELS, 1, "Kernels: each makes one output channel"
        )
        grid.addWidget(QLabel("Input"), 0, 0)
        grid.addWidget(self.in_channels_box, 0, 1)
        grid.addWidget(QLabel("Slices"), 0, 2)
        grid.addWidget(self.kernel_channels_box, 0, 3)
        grid.addWidget(QLabel("Kernels"), 1, 0)
        grid.addWidget(self.out_channels_box, 1, 1)
        self.random_kernels_button = QPushButton("Random")
        self.random_kernels_button.setToolTip("Random weights -1 to 1 and biases -2 to 2")
        grid.addWidget(self.random_kernels_button, 1, 2, 1, 2)
        self.bias_boxes: list[QDoubleSpinBox] = []
        for o in range(MAX_CHANNELS):
            box = QDoubleSpinBox()
            box.setRange(-MAX_BIAS, MAX_BIAS)
            box.setDecimals(2)
            box.setKeyboardTracking(False)
            box.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
            box.setToolTip(f"Bias b{o + 1}: added to every cell of output channel {o + 1}")
            self.bias_boxes.append(box)
            row, col = divmod(o, 2)
            grid.addWidget(QLabel(f"b{o + 1}"), 2 + row, 2 * col)
            grid.addWidget(box, 2 + row, 2 * col + 1)
        return group

    def _build_transposed_group(self) -> QGroupBox:
        group = QGroupBox("Transposed convolution")
        grid = QGridLayout(group)
        self.transposed_view_box = QComboBox()
        self.transposed_view_box.addItem("Scatter: cells stamp the kernel", "scatter")
        self.transposed_view_box.addItem("Equivalent: zeros inserted", "equivalent")
        self.transposed_view_box.setToolTip(
            "Two views of the same result: each input cell stamps the kernel onto the output, "
            "or zeros between the input cells and an ordinary convolution with the flipped kernel"
        )
        grid.addWidget(QLabel("View"), 0, 0)
        grid.addWidget(self.transposed_view_box, 0, 1, 1, 3)
        self.output_padding_box = spin_box(
            0, MAX_OUTPUT_PADDING, 0,
            "Extra rows and columns at the end of the output (smaller than the stride or the "
            "dilation)",
        )  # fmt: skip
        grid.addWidget(QLabel("Output padding"), 1, 0, 1, 2)
        grid.addWidget(self.output_padding_box, 1, 2)
        return group

    def _build_backward_group(self) -> QGroupBox:
        group = QGroupBox("Backward pass")
        grid = QGridLayout(group)
        self.upstream_at_box = QComboBox()
        self.upstream_at_box.addItem("dL/dY (the output)", "output")
        self.upstream_at_box.addItem("dL/dP (the pooled grid)", "pooled")
        self.upstream_at_box.setToolTip(
            "Where the upstream gradient is typed; at the pool it is routed back through the "
            "pooling first"
        )
        grid.addWidget(QLabel("Upstream"), 0, 0)
        grid.addWidget(self.upstream_at_box, 0, 1, 1, 2)
        self.upstream_ones_button = QPushButton("All ones")
        self.upstream_ones_button.setToolTip("dL/dY = 1 everywhere: the gradient of their sum")
        self.upstream_random_button = QPushButton("Random")
        self.upstream_random_button.setToolTip("Random whole numbers -3 to 3")
        grid.addWidget(self.upstream_ones_button, 1, 0, 1, 2)
        grid.addWidget(self.upstream_random_button, 1, 2)
        return group

    def _build_solver_group(self) -> QGroupBox:
        group = QGroupBox("Solve the size formula")
        column = QVBoxLayout(group)
        grid = QGridLayout()
        column.addLayout(grid)
        self.solve_for_box = QComboBox()
        self.solve_for_box.addItem("padding p", "padding")
        self.solve_for_box.addItem("stride s", "stride")
        self.solve_for_box.setToolTip(
            "Solve (n + 2p - f)/s + 1 = out for p (given s) or s (given p)"
        )
        grid.addWidget(QLabel("Find"), 0, 0)
        grid.addWidget(self.solve_for_box, 0, 1, 1, 3)
        self.solver_n_box = spin_box(1, MAX_SOLVER, 4, "Input size n")
        self.solver_f_box = spin_box(1, MAX_SOLVER, 2, "Kernel size f")
        self.solver_other_label = QLabel("p")
        self.solver_other_box = spin_box(0, MAX_SOLVER, 1, "The other setting")
        self.solver_out_box = spin_box(1, MAX_SOLVER, 4, "Wanted output size")
        grid.addWidget(QLabel("n"), 1, 0)
        grid.addWidget(self.solver_n_box, 1, 1)
        grid.addWidget(QLabel("f"), 1, 2)
        grid.addWidget(self.solver_f_box, 1, 3)
        grid.addWidget(self.solver_other_label, 2, 0)
        grid.addWidget(self.solver_other_box, 2, 1)
        grid.addWidget(QLabel("out"), 2, 2)
        grid.addWidget(self.solver_out_box, 2, 3)
        self.solver_use_button = QPushButton("Use the grids")
        self.solver_use_button.setToolTip("Copy n, f, p or s and the output size from the grids")
        grid.addWidget(self.solver_use_button, 3, 0, 1, 4)
        self.solver_label = QLabel()
        self.solver_label.setWordWrap(True)
        self.solver_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Word-wrapped labels get too little height from nested layouts: see apply_styles.
        self.solver_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.solver_label)
        return group

    def _connect(self) -> None:
        model = self._model
        for box in (self.rows_box, self.cols_box):
            box.valueChanged.connect(
                lambda _v: model.resize_input(self.rows_box.value(), self.cols_box.value())
            )
        self.random_button.clicked.connect(lambda: model.randomize_input())
        self.clear_button.clicked.connect(model.clear_input)
        self.paste_button.clicked.connect(
            lambda: self.pasteRequested.emit(QGuiApplication.clipboard().text())
        )
        self.kernel_preset_box.activated.connect(
            lambda index: model.choose_kernel(self.kernel_preset_box.itemText(index))
        )
        for box in (self.krows_box, self.kcols_box):
            box.valueChanged.connect(
                lambda _v: model.resize_kernel(self.krows_box.value(), self.kcols_box.value())
            )
        self.pool_mode_box.currentIndexChanged.connect(
            lambda _i: model.change(pool_mode=self.pool_mode_box.currentData())
        )
        self.pool_size_box.valueChanged.connect(lambda value: model.change(pool_size=value))
        self.pool_stride_box.valueChanged.connect(lambda value: model.change(pool_stride=value))
        self.pool_source_box.currentIndexChanged.connect(
            lambda _i: model.change(pool_source=self.pool_source_box.currentData())
        )
        self.pool_as_conv_box.toggled.connect(lambda on: model.change(pool_as_conv=on))
        self.solve_for_box.currentIndexChanged.connect(
            lambda _i: model.set_solver(solve_for=self.solve_for_box.currentData())
        )
        self.solver_n_box.valueChanged.connect(lambda value: model.set_solver(n=value))
        self.solver_f_box.valueChanged.connect(lambda value: model.set_solver(f=value))
        self.solver_other_box.valueChanged.connect(lambda value: model.set_solver(other=value))
        self.solver_out_box.valueChanged.connect(lambda value: model.set_solver(out=value))
        self.solver_use_button.clicked.connect(model.solver_from_grids)
        self.upstream_at_box.currentIndexChanged.connect(
            lambda _i: model.change(upstream_at=self.upstream_at_box.currentData(), upstream=None)
        )
        self.upstream_ones_button.clicked.connect(model.upstream_ones)
        self.transposed_view_box.currentIndexChanged.connect(
            lambda _i: model.change(transposed_view=self.transposed_view_box.currentData())
        )
        self.output_padding_box.valueChanged.connect(
            lambda value: model.change(output_padding=value)
        )
        self.upstream_random_button.clicked.connect(lambda: model.randomize_upstream())
        self.in_channels_box.valueChanged.connect(lambda value: model.change(in_channels=value))
        self.kernel_channels_box.valueChanged.connect(
            lambda value: model.change(kernel_channels=value)
        )
        self.out_channels_box.valueChanged.connect(lambda value: model.change(out_channels=value))
        self.random_kernels_button.clicked.connect(lambda: model.randomize_kernels())
        for o, box in enumerate(self.bias_boxes):
            box.valueChanged.connect(lambda value, o=o: model.set_bias(o, value))

    # ----- showing the model ---------------------------------------------------------------
    def show_settings(self) -> None:
        """Show the model's settings (without emitting changes) and the solver's answer."""
        s = self._model.settings
        rows, cols = len(s.input), len(s.input[0])
        n, f, other, out = s.solver
        minimum = 1 if s.solve_for == "padding" else 0  # a stride is at least 1, a padding 0
        if self.solver_other_box.minimum() != minimum:  # (setting it relays the panel out)
            with QSignalBlocker(self.solver_other_box):
                self.solver_other_box.setMinimum(minimum)
        for box, value in (
            (self.rows_box, rows),
            (self.cols_box, cols),
            (self.krows_box, len(s.kernel)),
            (self.kcols_box, len(s.kernel[0])),
            (self.pool_size_box, s.pool_size),
            (self.pool_stride_box, s.pool_stride),
            (self.solver_n_box, n),
            (self.solver_f_box, f),
            (self.solver_other_box, other),
            (self.solver_out_box, out),
        ):
            show_value(box, value)
        with QSignalBlocker(self.pool_as_conv_box):
            self.pool_as_conv_box.setChecked(s.pool_as_conv)
        select_data(self.pool_mode_box, s.pool_mode)
        select_data(self.pool_source_box, s.pool_source)
        select_data(self.solve_for_box, s.solve_for)
        select_data(self.upstream_at_box, s.upstream_at)
        select_data(self.transposed_view_box, s.transposed_view)
        show_value(self.output_padding_box, s.output_padding)
        self._show_channels()
        transposed = s.mode == "transposed"
        self.transposed_view_box.setEnabled(transposed)
        self.output_padding_box.setEnabled(transposed)
        backward = s.view == "backward"
        for widget in (
            self.upstream_at_box,
            self.upstream_ones_button,
            self.upstream_random_button,
        ):
            widget.setEnabled(backward)
        with QSignalBlocker(self.kernel_preset_box):
            self.kernel_preset_box.setCurrentText(
                s.kernel_preset if s.kernel_preset in KERNEL_CHOICES else CUSTOM_KERNEL
            )
        self.solver_other_label.setText("s" if s.solve_for == "padding" else "p")
        if self._model.is_hidden("solve"):
            self.solver_label.setText("? (practice: type your answer in the box under the grids)")
            return
        works, text = explain.solver_answer(s)
        color = OK_COLOR if works else ERROR_COLOR
        self.solver_label.setText(f"<span style='color:{color}'>{html.escape(text)}</span>")

    def _show_channels(self) -> None:
        s = self._model.settings
        show_value(self.in_channels_box, s.in_channels)
        show_value(self.kernel_channels_box, s.kernel_channels)
        show_value(self.out_channels_box, s.out_channels)
        bias = s.bias_vector()
        for o, box in enumerate(self.bias_boxes):
            used = s.channels_used and o < s.out_channels
            box.setEnabled(used)
            value = float(bias[o]) if used else 0.0
            if box.value() != value:
                with QSignalBlocker(box):
                    box.setValue(value)
        # Pooling is drawn for one channel: with channels its settings wait.
        locked = bool(self.pool_group.property("lockedDisabled"))  # a locked lesson's
        self.pool_group.setEnabled(not s.channels_used and not locked)
        self.pool_group.setToolTip(
            "Pooling is drawn for one channel: set the channel counts to 1"
            if s.channels_used
            else ""
        )

    def apply_styles(self, font: QFont) -> None:
        """The panel grows with the font, so nothing in it is cut off; its number boxes stay
        compact so the panel does not need to be wide."""
        metrics = QFontMetrics(font)
        self.solver_label.setMinimumHeight(metrics.lineSpacing() * 5)
        side = self.widget()
        for box in side.findChildren(QSpinBox):
            box.setMaximumWidth(metrics.averageCharWidth() * 5 + 44)
        for box in self.bias_boxes:
            box.setMaximumWidth(metrics.averageCharWidth() * 7 + 16)
        side.layout().activate()
        scrollbar = self.verticalScrollBar().sizeHint().width()
        # The splitter may widen the panel; it never gets narrower than its contents.
        self.setMinimumWidth(
            max(metrics.averageCharWidth() * 24, side.minimumSizeHint().width()) + scrollbar + 4
        )
