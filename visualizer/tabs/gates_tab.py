"""Logic gates tab (exercise 2): a clickable network of neurons, its truth table and regions.

Controls -> compute (``visualizer.compute.gates`` / ``gate_training``) -> ``_render()``.
The tab keeps the user's network (weights, biases), the convention, the target gate, the
toggled inputs and, in Train mode, a whole precomputed training run whose frames the
``PlayControls`` step through.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.gate_training import (
    GATE_ARCHITECTURES,
    NOT_LINEARLY_SEPARABLE,
    GateTrainingRun,
    train_gate,
)
from visualizer.compute.gates import (
    ACTIVATIONS,
    GATE_PRESETS,
    GATE_TARGETS,
    SHEET_NETWORKS,
    TRUTH_INPUTS,
    decision_grid,
    diagnose_gate,
    evaluate_gate,
    format_activation,
    format_number,
    gate_node_names,
    hidden_gates,
    line_in_box,
    node_arithmetic,
    worked_line,
)
from visualizer.tabs.base import TopicTab
from visualizer.widgets.gates_network import (
    EdgeView,
    GateNetworkView,
    NodeView,
    cached_brush,
    cached_pen,
)
from visualizer.widgets.number_field import NumberField, parse_number
from visualizer.widgets.play_controls import PlayControls
from visualizer.widgets.plot_style import (
    ERROR_COLOR,
    HIGHLIGHT_COLOR,
    OK_COLOR,
    RUN_COLORS,
    line_width,
    marker_size,
)

#: Largest weight or bias a user may type: sums of three such terms stay finite.
WEIGHT_LIMIT = 1e300
#: Most epochs a run may have: about a second of computing, so Train never freezes the app.
MAX_EPOCHS = 20000
#: The square of (A, B) the decision-region plot shows.
REGION_LO, REGION_HI = -0.25, 1.25
#: Activation keys with the short words the selector shows.
ACTIVATION_CHOICES: tuple[tuple[str, str], ...] = (
    ("step", "step, z ≥ 0 → 1"),
    ("step_strict", "step, z > 0 → 1"),
    ("sigmoid", "sigmoid, ≥ 0.5 → 1"),
)
ARCHITECTURE_CHOICES: tuple[tuple[str, str], ...] = (
    ("2-2-1", "2-2-1 (two hidden neurons)"),
    ("single", "single neuron"),
)
# Output colours: below 0.5 white to light grey, from 0.5 light to strong blue, so the
# region read as 1 stands out and a sigmoid output still shades continuously.
_REGION_LUT = np.vstack(
    [
        np.linspace([255, 255, 255], [222, 222, 222], 128),
        np.linspace([166, 206, 240], [40, 110, 190], 128),
    ]
).astype(np.ubyte)
_MISS_BG = QColor("#ffd4d4")
_FRAGILE_BG = QColor("#ffe3a3")
_OK_BG = QColor("#ffffff")


def _short(value: float, digits: int) -> str:
    """An activation in few characters (0.96, 0.0003), never rounded onto a clean 0 or 1."""
    text = format_number(value, digits if abs(value) >= 0.01 else 1)
    if text in ("0", "1") and value not in (0.0, 1.0):
        text = format_activation(value)
    return text


def _copy_layers(layers) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in layers]


def _scaled_font(widget_font: QFont, scale: float, bold: bool = False) -> QFont:
    font = QFont(widget_font)
    size = font.pointSizeF() if font.pointSizeF() > 0 else 11.0
    font.setPointSizeF(size * scale)
    font.setBold(bold)
    return font


class GatesTab(TopicTab):
    """Neurons as logic gates: edit weights, toggle inputs, read every z, train the weights."""

    key = "gates"
    title = "Logic gates"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._presentation = False
        self._layers = _copy_layers(GATE_PRESETS["XOR"])
        self._preset = "XOR"
        self._edited = False
        self._activation = "step"
        self._target = "XOR"
        self._inputs = [1, 0]
        self._selected_node: tuple[int, int] = (1, 0)
        self._selected_param: tuple = ("b", 1, 0)
        self._run: GateTrainingRun | None = None
        self._run_settings: dict[str, Any] | None = None
        self._frame = 0
        self._building = True
        self._build()
        self._building = False
        self.load_preset("XOR")

    # ===== building the view =====
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)

        # --- top bar: preset, convention, target
        bar = QHBoxLayout()
        self.preset_box = QComboBox()
        for name in self.presets():
            self.preset_box.addItem(name)
        self.preset_box.setToolTip("The sheet's four networks as written, then textbook gates")
        self.activation_box = QComboBox()
        for key, label in ACTIVATION_CHOICES:
            self.activation_box.addItem(label, key)
        self.activation_box.setToolTip("How a neuron turns its sum z into its output")
        self.target_box = QComboBox()
        for name in GATE_TARGETS:
            self.target_box.addItem(name)
        self.target_box.setToolTip("The gate the truth table is checked against")
        bar.addWidget(QLabel("Preset:"))
        bar.addWidget(self.preset_box)
        self.edited_label = QLabel("")
        self.edited_label.setToolTip("The weights shown are no longer the preset's")
        bar.addWidget(self.edited_label)
        bar.addSpacing(10)
        bar.addWidget(QLabel("Activation:"))
        bar.addWidget(self.activation_box)
        bar.addSpacing(10)
        bar.addWidget(QLabel("Target:"))
        bar.addWidget(self.target_box)
        bar.addSpacing(10)
        self.convention_label = QLabel()
        self.convention_label.setStyleSheet(
            "QLabel { background: #fff3cd; color: #222; border: 2px solid #E69F00;"
            " border-radius: 4px; padding: 2px 8px; }"
        )
        self.convention_label.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )
        bar.addWidget(self.convention_label, 1)
        root.addLayout(bar)

        body = QHBoxLayout()
        root.addLayout(body, 1)

        # --- left: network, worked line, truth table, diagnosis
        left = QVBoxLayout()
        body.addLayout(left, 11)
        self.network_view = GateNetworkView()
        self.network_view.setMinimumHeight(260)
        left.addWidget(self.network_view, 5)
        self.worked_label = QLabel()
        self.worked_label.setWordWrap(True)
        self.worked_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.worked_label.setStyleSheet(
            "QLabel { background: #eef4fb; color: #111; border: 1px solid #9bb8d8;"
            " padding: 3px 6px; }"
        )
        left.addWidget(self.worked_label)
        self.truth_table = QTableWidget()
        self.truth_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.truth_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.truth_table.verticalHeader().setVisible(False)
        self.truth_table.setToolTip("Click a row to set A and B to it")
        self.truth_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        left.addWidget(self.truth_table)
        self.diagnosis_text = QTextEdit()
        self.diagnosis_text.setReadOnly(True)
        left.addWidget(self.diagnosis_text, 2)

        # --- right: decision regions, then Edit / Train pages
        right = QVBoxLayout()
        body.addLayout(right, 9)
        self.regions_plot = pg.PlotWidget()
        self.regions_plot.setMenuEnabled(False)
        self.regions_plot.setMouseEnabled(False, False)
        self.regions_plot.hideButtons()
        self.regions_plot.setAspectLocked(True)
        self.regions_plot.setLabel("bottom", "A")
        self.regions_plot.setLabel("left", "B")
        self.regions_plot.setMinimumHeight(240)
        self.region_image = pg.ImageItem()
        self.regions_plot.addItem(self.region_image)
        self.region_legend = self.regions_plot.addLegend(offset=(-4, 4))
        self.region_lines: list[pg.PlotDataItem] = []
        self.corner_one = pg.ScatterPlotItem(name="target 1")
        self.corner_zero = pg.ScatterPlotItem(name="target 0")
        self.corner_missed = pg.ScatterPlotItem(name="missed")
        self.current_corner = pg.ScatterPlotItem()
        for item in (self.corner_one, self.corner_zero, self.corner_missed, self.current_corner):
            item.setZValue(20)
            self.regions_plot.addItem(item)
        self.corner_texts = []
        for a, b in TRUTH_INPUTS:
            text = pg.TextItem("", color=(20, 20, 20), anchor=(0.5, 1.0 if b > 0.5 else 0.0))
            text.setZValue(21)
            self.regions_plot.addItem(text)
            self.corner_texts.append((a, b, text))
        self.regions_plot.setRange(
            xRange=(REGION_LO, REGION_HI), yRange=(REGION_LO, REGION_HI), padding=0
        )
        right.addWidget(self.regions_plot, 6)

        self.side_tabs = QTabWidget()
        right.addWidget(self.side_tabs, 5)
        self.side_tabs.addTab(self._build_edit_page(), "Edit weights")
        self.side_tabs.addTab(self._build_train_page(), "Train")

        # --- signals
        self.preset_box.activated.connect(self._on_preset_activated)
        self.activation_box.currentIndexChanged.connect(self._on_activation_changed)
        self.target_box.currentIndexChanged.connect(self._on_target_changed)
        self.network_view.inputClicked.connect(self._on_input_clicked)
        self.network_view.neuronClicked.connect(self._on_neuron_clicked)
        self.network_view.weightClicked.connect(self._on_weight_clicked)
        self.truth_table.cellClicked.connect(self._on_truth_row_clicked)
        self.side_tabs.currentChanged.connect(lambda _i: self.stateChanged.emit())

    def _build_edit_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        self.param_label = QLabel()
        self.param_label.setMinimumWidth(150)
        self.param_field = NumberField(0.0, minimum=-WEIGHT_LIMIT, maximum=WEIGHT_LIMIT)
        self.param_field.setToolTip("Type a number and press Enter")
        row.addWidget(self.param_label)
        row.addWidget(self.param_field, 1)
        layout.addLayout(row)
        self.weights_table = QTableWidget(0, 2)
        self.weights_table.setHorizontalHeaderLabels(["parameter", "value"])
        self.weights_table.verticalHeader().setVisible(False)
        self.weights_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.weights_table.horizontalHeader().setStretchLastSection(True)
        self.weights_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.weights_table, 1)
        self.table_error = QLabel("")
        self.table_error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.table_error.setWordWrap(True)
        self.table_error.hide()
        layout.addWidget(self.table_error)
        self.param_field.valueChanged.connect(self._on_param_field_changed)
        self.weights_table.itemChanged.connect(self._on_weight_item_changed)
        self.weights_table.currentCellChanged.connect(self._on_weight_row_selected)
        return page

    def _build_train_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        grid = QGridLayout()
        self.architecture_box = QComboBox()
        for key, label in ARCHITECTURE_CHOICES:
            self.architecture_box.addItem(label, key)
        self.lr_field = NumberField(2.0, minimum=1e-6, maximum=1e6)
        self.lr_field.setToolTip("Learning rate of gradient descent")
        self.seed_field = NumberField(0, minimum=0, maximum=2**31 - 1, integer=True)
        self.seed_field.setToolTip("Seed of the random start: the same seed gives the same run")
        self.epochs_field = NumberField(2000, minimum=1, maximum=MAX_EPOCHS, integer=True)
        self.epochs_field.setToolTip("Number of gradient-descent steps on the four rows")
        form_left = QFormLayout()
        form_left.addRow("Network:", self.architecture_box)
        form_left.addRow("Learning rate:", self.lr_field)
        form_right = QFormLayout()
        form_right.addRow("Seed:", self.seed_field)
        form_right.addRow("Epochs:", self.epochs_field)
        grid.addLayout(form_left, 0, 0)
        grid.addLayout(form_right, 0, 1)
        layout.addLayout(grid)
        row = QHBoxLayout()
        self.train_button = QPushButton("Train from random start")
        self.train_button.setToolTip(
            "Gradient descent on a sigmoid network with cross-entropy, for the target gate"
        )
        row.addWidget(self.train_button)
        self.train_status = QLabel("")
        self.train_status.setWordWrap(True)
        row.addWidget(self.train_status, 1)
        layout.addLayout(row)
        self.play_controls = PlayControls(1, fps=15.0)
        layout.addWidget(self.play_controls)
        self.loss_plot = pg.PlotWidget()
        self.loss_plot.setMenuEnabled(False)
        self.loss_plot.setLabel("bottom", "epoch")
        self.loss_plot.setLabel("left", "cross-entropy")
        self.loss_plot.setMinimumHeight(100)
        self.loss_plot.getAxis("left").enableAutoSIPrefix(False)
        self.loss_full = self.loss_plot.plot([], [], pen=pg.mkPen((170, 170, 170), width=1.5))
        self.loss_curve = self.loss_plot.plot([], [], pen=pg.mkPen(RUN_COLORS[0], width=2.5))
        self.loss_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(HIGHLIGHT_COLOR, width=2))
        self.loss_marker.hide()
        self.loss_plot.addItem(self.loss_marker)
        layout.addWidget(self.loss_plot, 1)
        self.train_button.clicked.connect(self._on_train_clicked)
        self.play_controls.frameChanged.connect(self._on_frame_changed)
        for field in (self.lr_field, self.seed_field, self.epochs_field):
            field.valueChanged.connect(self._on_train_setting_changed)
        self.architecture_box.currentIndexChanged.connect(self._on_train_setting_changed)
        return page

    # ===== presets =====
    def presets(self) -> list[str]:
        return [*SHEET_NETWORKS, *GATE_PRESETS]

    def load_preset(self, name: str) -> None:
        if name in SHEET_NETWORKS:
            sheet = SHEET_NETWORKS[name]
            layers, target = sheet.layers, sheet.target
        elif name in GATE_PRESETS:
            layers, target = GATE_PRESETS[name], name
        else:
            raise KeyError(name)
        self._clear_run()
        self._layers = _copy_layers(layers)
        self._preset = name
        self._edited = False
        self._target = target
        self._selected_node = (len(self._layers) - 1, 0)
        self._selected_param = ("b", len(self._layers) - 1, 0)
        self._sync_controls()
        self._render()
        if name in SHEET_NETWORKS:
            self.statusMessage.emit(SHEET_NETWORKS[name].note)
        else:
            self.statusMessage.emit(f"Preset {name}: weights with margin (every |z| ≥ 10).")
        self.stateChanged.emit()

    # ===== event handlers =====
    def _on_preset_activated(self, index: int) -> None:
        self.load_preset(self.preset_box.itemText(index))

    def _on_activation_changed(self, _index: int) -> None:
        self._activation = self.activation_box.currentData()
        self._render()
        self.stateChanged.emit()

    def _on_target_changed(self, _index: int) -> None:
        self._target = self.target_box.currentText()
        self._render()
        self.stateChanged.emit()

    def _on_input_clicked(self, index: int) -> None:
        self._inputs[index] = 1 - self._inputs[index]
        self._render()
        name = "AB"[index]
        self.statusMessage.emit(f"{name} is now {self._inputs[index]}.")
        self.stateChanged.emit()

    def _on_truth_row_clicked(self, row: int, _column: int) -> None:
        a, b = (int(v) for v in TRUTH_INPUTS[row])
        self._inputs = [a, b]
        self._render()
        self.stateChanged.emit()

    def _on_neuron_clicked(self, layer: int, node: int) -> None:
        self._selected_node = (layer, node)
        self._selected_param = ("b", layer, node)
        self.side_tabs.setCurrentIndex(0)
        self._render()
        self.param_field.edit.setFocus()
        self.param_field.edit.selectAll()
        self.stateChanged.emit()

    def _on_weight_clicked(self, layer: int, i: int, j: int) -> None:
        self._selected_node = (layer, j)
        self._selected_param = ("w", layer, i, j)
        self.side_tabs.setCurrentIndex(0)
        self._render()
        self.param_field.edit.setFocus()
        self.param_field.edit.selectAll()
        self.stateChanged.emit()

    def _on_param_field_changed(self, value: float) -> None:
        self._set_param(self._selected_param, value)

    def _on_weight_row_selected(self, row: int, _col: int, _prev_row: int, _prev_col: int) -> None:
        if self._building or row < 0:
            return
        params = self._param_keys()
        if row >= len(params) or params[row] == self._selected_param:
            return
        key = params[row]
        self._selected_param = key
        self._selected_node = (key[1], key[-1])
        self._render()

    def _on_weight_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 1:
            return
        params = self._param_keys()
        if item.row() >= len(params):
            return
        key = params[item.row()]
        old = self._param_value(key)
        try:
            value = parse_number(item.text(), minimum=-WEIGHT_LIMIT, maximum=WEIGHT_LIMIT)
        except ValueError as exc:
            self.table_error.setText(
                f"{self._param_name(key)}: {exc} Still using {format_number(old, 10)}."
            )
            self.table_error.show()
            with QSignalBlocker(self.weights_table):
                item.setText(format_number(old, 10))
            return
        self.table_error.hide()
        self._selected_param = key
        self._selected_node = (key[1], key[-1])
        self._set_param(key, value)

    def _set_param(self, key: tuple, value: float) -> None:
        if self._param_value(key) == value:
            self._render()
            return
        if self._run is not None:
            self._clear_run()
            self.statusMessage.emit("Edited by hand: the training run was put aside.")
        if key[0] == "w":
            _w, layer, i, j = key
            self._layers[layer][0][i, j] = value
        else:
            _b, layer, j = key
            self._layers[layer][1][j] = value
        self._edited = True
        self._render()
        self.stateChanged.emit()

    def _on_train_setting_changed(self, _value: object = None) -> None:
        self._render_training()
        self.stateChanged.emit()

    def _on_train_clicked(self) -> None:
        settings = {
            "target": self._target,
            "architecture": self.architecture_box.currentData(),
            "lr": self.lr_field.value(),
            "seed": int(self.seed_field.value()),
            "epochs": int(self.epochs_field.value()),
        }
        self._start_run(settings, frame=0)
        if self._activation != "sigmoid":
            with QSignalBlocker(self.activation_box):
                self.activation_box.setCurrentIndex(2)
            self._activation = "sigmoid"
            self._render()
            self.statusMessage.emit(
                "Training uses sigmoid neurons, so the activation is now sigmoid."
            )
        self.play_controls.play()
        self.stateChanged.emit()

    def _start_run(self, settings: dict[str, Any], frame: int) -> None:
        run = train_gate(
            settings["target"],
            settings["architecture"],
            lr=settings["lr"],
            seed=settings["seed"],
            epochs=settings["epochs"],
        )
        self._run = run
        self._run_settings = dict(settings)
        self._target = settings["target"]
        self._frame = int(np.clip(frame, 0, run.n_frames - 1))
        self._layers = run.layers_at(self._frame)
        self._edited = False
        self._selected_node = (len(self._layers) - 1, 0)
        self._selected_param = ("b", len(self._layers) - 1, 0)
        self.play_controls.pause()
        with QSignalBlocker(self.play_controls):
            self.play_controls.set_n_frames(run.n_frames, keep_frame=False)
            self.play_controls.set_frame(self._frame)
        self.loss_full.setData(run.epochs.astype(float), run.loss)
        # From 0, so a loss stuck at ln 2 looks flat instead of zoomed into noise.
        top = float(run.loss.max()) if np.isfinite(run.loss).all() else 1.0
        self.loss_plot.setYRange(0.0, max(top, 1e-6) * 1.05, padding=0)
        self.loss_plot.setXRange(0.0, float(run.epochs[-1]), padding=0.02)
        self.loss_marker.show()
        self._sync_controls()
        self._render()

    def _on_frame_changed(self, frame: int) -> None:
        if self._run is None:
            return
        self._frame = int(frame)
        self._layers = self._run.layers_at(self._frame)
        self._render()
        self.stateChanged.emit()

    def _clear_run(self) -> None:
        self._run = None
        self._run_settings = None
        self._frame = 0
        self.play_controls.pause()
        with QSignalBlocker(self.play_controls):
            self.play_controls.set_n_frames(1, keep_frame=False)
        self.loss_full.setData([], [])
        self.loss_curve.setData([], [])
        self.loss_marker.hide()
        self.train_status.setText("")

    # ===== parameters =====
    def _param_keys(self) -> list[tuple]:
        keys: list[tuple] = []
        for li, (W, _b) in enumerate(self._layers):
            for j in range(W.shape[1]):
                keys.extend(("w", li, i, j) for i in range(W.shape[0]))
                keys.append(("b", li, j))
        return keys

    def _param_value(self, key: tuple) -> float:
        if key[0] == "w":
            return float(self._layers[key[1]][0][key[2], key[3]])
        return float(self._layers[key[1]][1][key[2]])

    def _names(self) -> list[list[str]]:
        return gate_node_names(self._layers)

    def _param_name(self, key: tuple) -> str:
        names = self._names()
        if key[0] == "w":
            _w, layer, i, j = key
            source = "AB"[i] if layer == 0 else names[layer - 1][i]
            return f"weight {source} → {names[layer][j]}"
        return f"bias of {names[key[1]][key[2]]}"

    # ===== rendering =====
    def _sync_controls(self) -> None:
        with QSignalBlocker(self.preset_box):
            self.preset_box.setCurrentText(self._preset)
        with QSignalBlocker(self.activation_box):
            self.activation_box.setCurrentIndex(
                [k for k, _ in ACTIVATION_CHOICES].index(self._activation)
            )
        with QSignalBlocker(self.target_box):
            self.target_box.setCurrentText(self._target)

    def changeEvent(self, event) -> None:
        # The window zooms by changing the application font: redraw the plot texts with it.
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and not getattr(self, "_building", True):
            self._render()

    def _render(self) -> None:
        if self._run is not None:
            self.edited_label.setText("(trained)")
        else:
            self.edited_label.setText("(edited)" if self._edited else "")
        size = _scaled_font(self.font(), 0.9).pointSizeF()
        self.region_legend.setLabelTextSize(f"{size:.1f}pt")
        ev = evaluate_gate(self._layers, self._activation)
        diagnosis = diagnose_gate(self._layers, self._target, self._activation)
        row = 2 * self._inputs[0] + self._inputs[1]
        self.convention_label.setText(f"Convention: {ACTIVATIONS[self._activation]}")
        self._render_network(ev, row)
        self._render_worked_line()
        self._render_truth_table(ev, diagnosis, row)
        self._render_diagnosis(diagnosis)
        self._render_regions(ev, diagnosis)
        self._render_weights_table()
        self._render_training()

    def _render_network(self, ev, row: int) -> None:
        names = ev.names
        sizes = [2, *[W.shape[1] for W, _ in self._layers]]
        nodes = [
            NodeView(("in", i), "AB"[i], str(self._inputs[i]), float(self._inputs[i]), "")
            for i in range(2)
        ]
        for li, (_W, b) in enumerate(self._layers):
            for j, name in enumerate(names[li]):
                z = float(ev.sums[li][row, j])
                a = float(ev.outputs[li][row, j])
                value = _short(a, 2)
                zero = " (0 margin!)" if ev.zero_margin[li][row, j] else ""
                info = f"b = {format_number(b[j], 4)}\nz = {format_number(z, 4)}{zero}"
                nodes.append(NodeView(("n", li, j), name, value, a, info))
        offsets = np.cumsum([0, *sizes])
        edges = []
        for li, (W, _b) in enumerate(self._layers):
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    w = float(W[i, j])
                    edges.append(
                        EdgeView(
                            ("w", li, i, j), offsets[li] + i, offsets[li + 1] + j, w,
                            format_number(w, 4),
                        )
                    )  # fmt: skip
        selected: tuple
        if self._selected_param[0] == "w":
            selected = self._selected_param
        else:
            selected = ("n", self._selected_param[1], self._selected_param[2])
        self.network_view.set_network(sizes, nodes, edges, selected)

    def _render_worked_line(self) -> None:
        layer, node = self._selected_node
        arith = node_arithmetic(self._layers, layer, node, self._inputs, self._activation)
        self.worked_label.setText(worked_line(arith))

    def _truth_headers(self, ev) -> list[str]:
        headers = ["A", "B"]
        for li, layer_names in enumerate(ev.names):
            for name in layer_names:
                headers.append(f"z({name})" if len(self._layers) > 1 or li > 0 else "z")
                headers.append(name)
        return [*headers, f"{self._target} needs", "verdict"]

    def _truth_rows(self, ev, diagnosis) -> list[list[str]]:
        rows = []
        for r in range(4):
            cells = [str(int(TRUTH_INPUTS[r, 0])), str(int(TRUTH_INPUTS[r, 1]))]
            for li in range(len(self._layers)):
                for j in range(self._layers[li][0].shape[1]):
                    cells.append(format_number(ev.sums[li][r, j], 3))
                    a = float(ev.outputs[li][r, j])
                    if self._activation == "sigmoid":
                        text = _short(a, 3)
                        if li == len(self._layers) - 1:
                            text += f" → {int(ev.bits[r])}"
                        cells.append(text)
                    else:
                        cells.append(format_number(a))
            d = diagnosis.rows[r]
            cells.append(str(d.expected))
            if not d.ok:
                verdict = "✗ miss"
            elif d.fragile:
                verdict = "✓ fragile"
            else:
                verdict = "✓"
            if not d.ok and d.fragile:
                verdict += ", fragile"
            cells.append(verdict)
            rows.append(cells)
        return rows

    def _render_truth_table(self, ev, diagnosis, current_row: int) -> None:
        headers = self._truth_headers(ev)
        rows = self._truth_rows(ev, diagnosis)
        table = self.truth_table
        table.setColumnCount(len(headers))
        table.setRowCount(4)
        table.setHorizontalHeaderLabels(headers)
        bold = QFont(self.font())
        bold.setBold(True)
        plain = self.font()
        for r, cells in enumerate(rows):
            d = diagnosis.rows[r]
            bg = _MISS_BG if not d.ok else _FRAGILE_BG if d.fragile else _OK_BG
            font = bold if r == current_row else plain
            for c, text in enumerate(cells):
                item = table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    item.setForeground(QBrush(QColor("#111111")))
                    table.setItem(r, c, item)
                # Every setter repaints the view, so only touch what changed (animation).
                if item.text() != text:
                    item.setText(text)
                if item.background().color() != bg:
                    item.setBackground(QBrush(bg))
                if item.font() != font:
                    item.setFont(font)
                if item.toolTip() != d.reason:
                    item.setToolTip(d.reason)
        header = table.horizontalHeader()
        # Columns as wide as their numbers, the spare width shared out at the end.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(44)
        header.setStretchLastSection(True)
        table.resizeRowsToContents()
        height = header.height() + sum(table.rowHeight(r) for r in range(4)) + 4
        table.setFixedHeight(height)

    def _render_diagnosis(self, diagnosis) -> None:
        lines = [r.reason for r in diagnosis.rows if not r.ok or r.fragile]
        # Darker shades on a light background, lighter ones on the dark theme's.
        dark = self.diagnosis_text.palette().base().color().lightness() < 128
        ok_c, bad_c, warn_c = (
            ("#81c784", "#ff8a80", "#ffcc80") if dark else (OK_COLOR, ERROR_COLOR, "#8a5a00")
        )
        colour = ok_c if diagnosis.ok and not diagnosis.fragile_rows else bad_c
        if diagnosis.ok and diagnosis.fragile_rows:
            colour = warn_c
        esc = html.escape
        parts = [f"<p style='color:{colour}; font-weight:bold'>{esc(diagnosis.summary)}</p>"]
        for line in lines:
            parts.append(f"<p style='margin:2px 0'>{esc(line)}</p>")
        roles = hidden_gates(self._layers, self._activation)
        if roles:
            acts = ", ".join(f"{name} acts as {gate}" for name, gate in roles.items())
            parts.append(
                f"<p style='margin:6px 0 0 0'>Hidden neurons on their own: {esc(acts)}; "
                f"Out combines them.</p>"
            )
        if self._preset in SHEET_NETWORKS and not self._edited and self._run is None:
            note = esc(SHEET_NETWORKS[self._preset].note)
            parts.append(f"<p style='margin:6px 0 0 0'><i>About this preset: {note}</i></p>")
        self.diagnosis_text.setHtml("".join(parts))

    def _render_regions(self, ev, diagnosis) -> None:
        coords, grid = decision_grid(
            self._layers, self._activation, REGION_LO, REGION_HI, resolution=121
        )
        step = coords[1] - coords[0]
        self.region_image.setImage(grid, levels=(0.0, 1.0), lut=_REGION_LUT, autoLevels=False)
        if self._activation == "sigmoid":
            self.regions_plot.setTitle("Decision regions: blue = output ≥ 0.5 (shade = σ)")
        else:
            self.regions_plot.setTitle("Decision regions: blue = output 1")
        self.region_image.setRect(
            QRectF(REGION_LO - step / 2, REGION_LO - step / 2, step * 121, step * 121)
        )
        # Each first-layer neuron's line w.x + b = 0 (items reused, so animation stays cheap).
        W, b = self._layers[0]
        names = ev.names[0]
        single = len(self._layers) == 1
        if [item.name() for item in self.region_lines] != [f"{n}: z = 0" for n in names]:
            for item in self.region_lines:
                self.regions_plot.removeItem(item)
                self.region_legend.removeItem(item)
            self.region_lines = []
            for name in names:
                item = pg.PlotDataItem([], [], name=f"{name}: z = 0")
                item.setZValue(10)
                self.regions_plot.addItem(item)
                self.region_lines.append(item)
        width = line_width(self._presentation)
        style = Qt.PenStyle.SolidLine if single else Qt.PenStyle.DashLine
        for j, item in enumerate(self.region_lines):
            seg = line_in_box(W[:, j], b[j], REGION_LO, REGION_HI)
            colour = RUN_COLORS[(j + 1) % len(RUN_COLORS)]
            item.setPen(pg.mkPen(colour, width=width + 1, style=style))
            if seg is None:
                item.setData([], [])
            else:
                item.setData(seg[0], seg[1])
        target = np.array(GATE_TARGETS[self._target])
        size = marker_size(self._presentation) * 1.8
        ones = TRUTH_INPUTS[target == 1]
        zeros = TRUTH_INPUTS[target == 0]
        self.corner_one.setData(
            pos=ones, size=size, symbol="o", brush=cached_brush("k"), pen=cached_pen("k", 2)
        )
        self.corner_zero.setData(
            pos=zeros, size=size, symbol="o", brush=cached_brush("w"), pen=cached_pen("k", 2.5)
        )
        missed = TRUTH_INPUTS[[not r.ok for r in diagnosis.rows]]
        self.corner_missed.setData(
            pos=missed.reshape(-1, 2), size=size * 1.6, symbol="x",
            brush=cached_brush(ERROR_COLOR), pen=cached_pen(ERROR_COLOR, 1),
        )  # fmt: skip
        self.current_corner.setData(
            pos=np.array([self._inputs], dtype=float), size=size * 1.9, symbol="o",
            brush=cached_brush(0, 0, 0, 0), pen=cached_pen(HIGHLIGHT_COLOR, 3),
        )  # fmt: skip
        font = _scaled_font(self.font(), 1.0 if self._presentation else 0.9, bold=True)
        for k, (a, bb, text) in enumerate(self.corner_texts):
            text.setFont(font)
            text.setText(f"{int(a)}{int(bb)} → {int(ev.bits[k])}")
            text.setPos(a, bb + (0.08 if bb > 0.5 else -0.08))
            text.setColor(ERROR_COLOR if not diagnosis.rows[k].ok else (20, 20, 20))

    def _render_weights_table(self) -> None:
        keys = self._param_keys()
        table = self.weights_table
        self._building = True
        with QSignalBlocker(table):
            table.setRowCount(len(keys))
            for r, key in enumerate(keys):
                if table.item(r, 0) is None:
                    table.setItem(r, 0, QTableWidgetItem())
                    table.setItem(r, 1, QTableWidgetItem())
                name_item = table.item(r, 0)
                if name_item.text() != (name := self._param_name(key)):
                    name_item.setText(name)
                    name_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                value_text = format_number(self._param_value(key), 10)
                if table.item(r, 1).text() != value_text:
                    table.item(r, 1).setText(value_text)
            if self._selected_param in keys:
                table.setCurrentCell(keys.index(self._selected_param), 1)
        table.resizeRowsToContents()
        self._building = False
        self.param_label.setText(f"{self._param_name(self._selected_param)}:")
        self.param_field.setValue(self._param_value(self._selected_param))

    def _render_training(self) -> None:
        run = self._run
        if run is None:
            self.train_status.setText(
                "Pick a network and press Train: the loss curve, network and regions update."
            )
            return
        f = self._frame
        epochs = run.epochs[: f + 1].astype(float)
        self.loss_curve.setData(epochs, run.loss[: f + 1])
        self.loss_marker.setValue(float(run.epochs[f]))
        outs = " ".join(format_number(v, 2) for v in run.outputs[f])
        bits = run.bits_at(f)
        ok = np.array_equal(bits, GATE_TARGETS[run.target])
        verdict = f"= {run.target} ✓" if ok else f"≠ {run.target}"
        text = (
            f"Epoch {int(run.epochs[f])} of {int(run.epochs[-1])}: loss "
            f"{format_number(run.loss[f], 4)}; outputs {outs} → {''.join(map(str, bits))} "
            f"{verdict}"
        )
        current = {
            "target": self._target,
            "architecture": self.architecture_box.currentData(),
            "lr": self.lr_field.value(),
            "seed": int(self.seed_field.value()),
            "epochs": int(self.epochs_field.value()),
        }
        if self._run_settings is not None and current != self._run_settings:
            text = "Settings changed: press Train for a new run. Shown: " + text
        if run.architecture == "single" and run.target in NOT_LINEARLY_SEPARABLE:
            text += (
                f". One neuron draws one line, and no line splits {run.target}'s corners: "
                "its best is 0.5 everywhere, loss ln 2 ≈ 0.693. Try 2-2-1."
            )
        self.train_status.setText(text)

    # ===== the TopicTab contract =====
    def current_layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """A copy of the network shown (for tests and scripts)."""
        return _copy_layers(self._layers)

    def inputs(self) -> tuple[int, int]:
        return int(self._inputs[0]), int(self._inputs[1])

    def activation(self) -> str:
        return self._activation

    def target(self) -> str:
        return self._target

    def training_run(self) -> GateTrainingRun | None:
        return self._run

    def toggle_play(self) -> None:
        if self._run is None:
            self.statusMessage.emit("Press Train (Train page) first: there is nothing to play.")
            return
        self.play_controls.toggle_play()

    def set_presentation(self, on: bool) -> None:
        self._presentation = bool(on)
        self.network_view.set_presentation(on)
        width = line_width(on)
        self.loss_curve.setPen(pg.mkPen(RUN_COLORS[0], width=width + 0.5))
        self._render()

    def table_csv(self) -> str:
        ev = evaluate_gate(self._layers, self._activation)
        diagnosis = diagnose_gate(self._layers, self._target, self._activation)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self._truth_headers(ev))
        for cells in self._truth_rows(ev, diagnosis):
            writer.writerow(cells)
        return out.getvalue()

    def worked_solution_markdown(self) -> str:
        ev = evaluate_gate(self._layers, self._activation)
        diagnosis = diagnose_gate(self._layers, self._target, self._activation)
        title = self._preset + (" (edited)" if self._edited else "")
        if self._run is not None:
            run = self._run
            title = (
                f"trained {run.architecture} network for {run.target}, epoch "
                f"{int(run.epochs[self._frame])}"
            )
        lines = [
            f"# Logic gates: {title}",
            "",
            f"Convention: {ACTIVATIONS[self._activation]}. Target gate: {self._target}.",
            "",
            "## Weights",
            "",
        ]
        for key in self._param_keys():
            lines.append(f"- {self._param_name(key)} = {format_number(self._param_value(key), 10)}")
        lines += ["", "## Every row, every neuron", ""]
        for r in range(4):
            a, b = (int(v) for v in TRUTH_INPUTS[r])
            lines.append(f"### A = {a}, B = {b}")
            lines.append("")
            for li in range(len(self._layers)):
                for j in range(self._layers[li][0].shape[1]):
                    arith = node_arithmetic(self._layers, li, j, (a, b), self._activation)
                    lines.append(f"- `{worked_line(arith)}`")
            d = diagnosis.rows[r]
            mark = "right" if d.ok else "WRONG"
            lines.append(f"- {self._target} needs {d.expected}: {mark}.")
            lines.append("")
        lines += ["## Verdict", "", diagnosis.summary, ""]
        for r in diagnosis.rows:
            if not r.ok or r.fragile:
                lines.append(f"- {r.reason}")
        roles = hidden_gates(self._layers, self._activation)
        if roles:
            acts = ", ".join(f"{name} acts as {gate}" for name, gate in roles.items())
            lines += ["", f"Hidden neurons on their own: {acts}; Out combines them."]
        lines.append("")
        lines.append(f"Truth table outputs (00, 01, 10, 11): {' '.join(map(str, ev.bits))}.")
        if self._preset in SHEET_NETWORKS and not self._edited and self._run is None:
            lines += ["", f"Note: {SHEET_NETWORKS[self._preset].note}"]
        return "\n".join(lines) + "\n"

    # ----- lesson files -----------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {
            "preset": self._preset,
            "edited": self._edited,
            "layers": [[W.tolist(), b.tolist()] for W, b in self._layers],
            "activation": self._activation,
            "target": self._target,
            "inputs": list(self._inputs),
            "selected_node": list(self._selected_node),
            "selected_param": list(self._selected_param),
            "train": {
                "architecture": self.architecture_box.currentData(),
                "lr": self.lr_field.value(),
                "seed": int(self.seed_field.value()),
                "epochs": int(self.epochs_field.value()),
            },
            "run": dict(self._run_settings) if self._run_settings is not None else None,
            "frame": self._frame,
            "page": self.side_tabs.currentIndex(),
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        checked = self._validate_state(state)
        self._clear_run()
        self._preset = checked["preset"]
        self._edited = checked["edited"]
        self._layers = checked["layers"]
        self._activation = checked["activation"]
        self._target = checked["target"]
        self._inputs = checked["inputs"]
        self._selected_node = checked["selected_node"]
        self._selected_param = checked["selected_param"]
        train = checked["train"]
        with QSignalBlocker(self.architecture_box):
            self.architecture_box.setCurrentIndex(
                [k for k, _ in ARCHITECTURE_CHOICES].index(train["architecture"])
            )
        self.lr_field.setValue(train["lr"])
        self.seed_field.setValue(train["seed"])
        self.epochs_field.setValue(train["epochs"])
        self.side_tabs.setCurrentIndex(checked["page"])
        if checked["run"] is not None:
            self._start_run(checked["run"], checked["frame"])
            # The run decides the network shown; restore the user's selection on top.
            self._activation = checked["activation"]
            self._target = checked["target"]
            self._inputs = checked["inputs"]
            if self._valid_selection(checked["selected_node"], checked["selected_param"]):
                self._selected_node = checked["selected_node"]
                self._selected_param = checked["selected_param"]
        self._sync_controls()
        self._render()
        self.stateChanged.emit()

    def _valid_selection(self, node: tuple, param: tuple) -> bool:
        try:
            evaluate_gate(self._layers, self._activation)
            layer, j = node
            if not (0 <= layer < len(self._layers) and 0 <= j < self._layers[layer][0].shape[1]):
                return False
            return param in self._param_keys()
        except (TypeError, ValueError):
            return False

    def _validate_state(self, state: Any) -> dict[str, Any]:
        def fail(reason: str) -> None:
            raise ValueError(f"This Logic gates state cannot be restored: {reason}")

        if not isinstance(state, dict):
            fail("it is not a dictionary of settings.")
        required = ("preset", "layers", "activation", "target", "inputs")
        missing = [k for k in required if k not in state]
        if missing:
            fail(f"it lacks {', '.join(missing)}.")
        preset = state["preset"]
        if preset not in self.presets():
            fail(f"the preset {preset!r} is unknown.")
        if state["activation"] not in ACTIVATIONS:
            fail(f"the activation {state['activation']!r} is unknown.")
        if state["target"] not in GATE_TARGETS:
            fail(f"the target gate {state['target']!r} is unknown.")
        inputs = state["inputs"]
        if not (isinstance(inputs, list) and len(inputs) == 2 and all(v in (0, 1) for v in inputs)):
            fail("the inputs must be two values, each 0 or 1.")
        layers = []
        raw = state["layers"]
        if not isinstance(raw, list) or len(raw) not in (1, 2):
            fail("the network must have one or two layers.")
        n_in = 2
        for pair in raw:
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                fail("each layer must be a pair [W, b].")
            try:
                W = np.array(pair[0], dtype=float)
                b = np.array(pair[1], dtype=float)
            except (TypeError, ValueError):
                fail("a weight is not a number.")
            if W.ndim != 2 or W.shape[0] != n_in or b.shape != (W.shape[1],):
                fail("the weight shapes do not chain from 2 inputs to 1 output.")
            if not (np.isfinite(W).all() and np.isfinite(b).all()):
                fail("a weight is not a finite number.")
            if np.abs(W).max() > WEIGHT_LIMIT or np.abs(b).max() > WEIGHT_LIMIT:
                fail("a weight is larger than 1e300.")
            layers.append((W, b))
            n_in = W.shape[1]
        if n_in != 1 or (len(layers) == 2 and not 1 <= layers[0][0].shape[1] <= 4):
            fail("the network must end in one output neuron with at most 4 hidden ones.")
        train = state.get("train", {})
        defaults = {"architecture": "2-2-1", "lr": 2.0, "seed": 0, "epochs": 2000}
        if not isinstance(train, dict):
            fail("the training settings are not a dictionary.")
        train = {**defaults, **train}
        if train["architecture"] not in GATE_ARCHITECTURES:
            fail(f"the network {train['architecture']!r} is unknown.")
        try:
            lr = parse_number(str(train["lr"]), minimum=1e-6, maximum=1e6)
            seed = int(parse_number(str(train["seed"]), minimum=0, maximum=2**31 - 1, integer=True))
            epochs = int(
                parse_number(str(train["epochs"]), minimum=1, maximum=MAX_EPOCHS, integer=True)
            )
        except ValueError as exc:
            fail(f"a training setting is invalid ({exc})")
        run = state.get("run")
        if run is not None:
            if not isinstance(run, dict):
                fail("the training run is not a dictionary.")
            try:
                run = {
                    "target": str(run["target"]),
                    "architecture": str(run["architecture"]),
                    "lr": parse_number(str(run["lr"]), minimum=1e-6, maximum=1e6),
                    "seed": int(parse_number(str(run["seed"]), minimum=0, integer=True)),
                    "epochs": int(parse_number(str(run["epochs"]), minimum=1, maximum=MAX_EPOCHS,
                                               integer=True)),
                }  # fmt: skip
            except (KeyError, ValueError) as exc:
                fail(f"the training run is incomplete or invalid ({exc}).")
            if run["target"] not in GATE_TARGETS or run["architecture"] not in GATE_ARCHITECTURES:
                fail("the training run names an unknown gate or network.")
        frame = state.get("frame", 0)
        if not isinstance(frame, int) or frame < 0:
            fail("the frame must be a whole number ≥ 0.")
        page = state.get("page", 0)
        if page not in (0, 1):
            fail("the side page must be 0 (Edit) or 1 (Train).")
        node = tuple(state.get("selected_node", (len(layers) - 1, 0)))
        param = state.get("selected_param", ("b", len(layers) - 1, 0))
        param = tuple(param) if isinstance(param, list | tuple) else ()
        keys = []
        for li, (W, _b) in enumerate(layers):
            for j in range(W.shape[1]):
                keys.extend(("w", li, i, j) for i in range(W.shape[0]))
                keys.append(("b", li, j))
        if param not in keys:
            fail("the selected weight does not exist in this network.")
        if not (
            len(node) == 2
            and all(isinstance(v, int) for v in node)
            and 0 <= node[0] < len(layers)
            and 0 <= node[1] < layers[node[0]][0].shape[1]
        ):
            fail("the selected neuron does not exist in this network.")
        return {
            "preset": preset,
            "edited": bool(state.get("edited", False)),
            "layers": layers,
            "activation": state["activation"],
            "target": state["target"],
            "inputs": [int(v) for v in inputs],
            "selected_node": node,
            "selected_param": param,
            "train": {"architecture": train["architecture"], "lr": lr, "seed": seed,
                      "epochs": epochs},
            "run": run,
            "frame": frame,
            "page": page,
        }  # fmt: skip
