"""The playground's side page: data, network and training controls, status and loss curves.

Every control is bound to the model both ways (a change retrains from frame 0; the model's
settings redraw the controls inside signal blockers, so nothing echoes back). Numbers are
typed in ``NumberField``s, which refuse text, nan and out-of-range values in place.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGraphicsItem,
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

from visualizer.compute.datasets import DATASETS, FEATURES
from visualizer.tabs.gates import playground_texts
from visualizer.tabs.gates.live_text import LiveText
from visualizer.tabs.gates.loss_curves import GrowingCurve
from visualizer.tabs.gates.maps import CLASS_COLORS
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.playground_settings import (
    MAX_HIDDEN_LAYERS,
    MAX_INIT_SCALE,
    MAX_PLAY_EPOCHS,
    MAX_POINTS,
    MAX_WIDTH,
    MIN_INIT_SCALE,
    PLAY_ACTIVATIONS,
    PLAY_DATASETS,
)
from visualizer.widgets.number_field import NumberField
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR, line_width

MAX_SEED = 2**31 - 1


class PlaygroundPage(QWidget):
    """Data, network and training settings, the run's status and its train/test loss."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._shown_run: object = None
        self._loss_top = 0.0
        page = QVBoxLayout(self)
        page.setContentsMargins(4, 4, 4, 4)
        # The settings scroll as a whole in a short window; the status and the loss curves
        # under them stay in view while the run plays.
        self.controls = QWidget()
        layout = QVBoxLayout(self.controls)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.controls)
        page.addWidget(self.scroll, 3)

        # ----- data -----
        self.data_box = QGroupBox("Data")
        form = QFormLayout(self.data_box)
        self.dataset_box = QComboBox()
        for key in PLAY_DATASETS:
            self.dataset_box.addItem(DATASETS[key], key)
        self.n_field = NumberField(200, minimum=4, maximum=MAX_POINTS, integer=True)
        self.n_field.setToolTip("How many points (gate data sets: a multiple of 4)")
        self.noise_field = NumberField(0.0, minimum=0.0, maximum=0.5)
        self.noise_field.setToolTip("Noise: 0 to 0.5 of the data set's size")
        self.data_seed_field = NumberField(0, minimum=0, maximum=MAX_SEED, integer=True)
        self.test_field = NumberField(50, minimum=0, maximum=90)
        self.test_field.setToolTip("Share of the points held out for testing, in %")
        form.addRow("Data set:", self.dataset_box)
        form.addRow("Points:", self.n_field)
        form.addRow("Noise:", self.noise_field)
        form.addRow("Data seed:", self.data_seed_field)
        form.addRow("Test %:", self.test_field)
        buttons = QHBoxLayout()
        self.paste_button = QPushButton("Paste points")
        self.paste_button.setToolTip("Add points from the clipboard: one x, y, class per line")
        self.regenerate_button = QPushButton("Data set again")
        self.regenerate_button.setToolTip("Forget the points added by hand")
        buttons.addWidget(self.paste_button)
        buttons.addWidget(self.regenerate_button)
        form.addRow(buttons)
        self.points_hint = QLabel(
            "On the map: click adds class 1, Shift-click class 0, drag moves, right-click deletes."
        )
        self.points_hint.setWordWrap(True)
        form.addRow(self.points_hint)
        layout.addWidget(self.data_box)

        # ----- network -----
        self.network_box = QGroupBox("Network")
        net = QFormLayout(self.network_box)
        self.layers_box = QSpinBox()
        self.layers_box.setRange(0, MAX_HIDDEN_LAYERS)
        self.layers_box.setToolTip("Hidden layers: 0 is a single neuron (one straight line)")
        self.width_boxes = [QSpinBox() for _ in range(MAX_HIDDEN_LAYERS)]
        widths = QHBoxLayout()
        for box in self.width_boxes:
            box.setRange(1, MAX_WIDTH)
            box.setToolTip(f"Neurons in this hidden layer (1 to {MAX_WIDTH})")
            widths.addWidget(box)
        self.activation_box = QComboBox()
        for key in PLAY_ACTIVATIONS:
            self.activation_box.addItem(key, key)
        self.feature_checks: dict[str, QCheckBox] = {}
        features = QGridLayout()
        for k, (key, text) in enumerate(FEATURES.items()):
            check = QCheckBox(text)
            self.feature_checks[key] = check
            features.addWidget(check, k // 3, k % 3)
        net.addRow("Hidden layers:", self.layers_box)
        net.addRow("Neurons:", widths)
        net.addRow("Activation:", self.activation_box)
        net.addRow("Inputs:", features)
        layout.addWidget(self.network_box)

        # ----- training -----
        self.training_box = QGroupBox("Training")
        train = QFormLayout(self.training_box)
        self.lr_field = NumberField(0.1, minimum=1e-6, maximum=1e6)
        self.lr_field.setToolTip("Learning rate of gradient descent")
        self.l2_field = NumberField(0.0, minimum=0.0, maximum=10.0)
        self.l2_field.setToolTip("L2 strength λ: the loss adds λ/2 · Σ w² (weights only)")
        self.batch_field = NumberField(0, minimum=0, maximum=MAX_POINTS, integer=True)
        self.batch_field.setToolTip("Points per step; 0 = all of them (full batch)")
        self.seed_field = NumberField(0, minimum=0, maximum=MAX_SEED, integer=True)
        self.seed_field.setToolTip("Seed of the initial weights: Reset replays the same run")
        # The initial weights' spread: Glorot's by default, or one σ for every layer.
        self.glorot_check = QCheckBox("Glorot")
        self.glorot_check.setToolTip(
            "Initial weights drawn with σ = √(2 / (n_in + n_out)) per layer; untick to choose σ"
        )
        self.init_scale_field = NumberField(1.0, minimum=MIN_INIT_SCALE, maximum=MAX_INIT_SCALE)
        self.init_scale_field.setToolTip(
            f"σ of every initial weight: a finite number from {MIN_INIT_SCALE:g} to "
            f"{MAX_INIT_SCALE:g}"
        )
        init_row = QHBoxLayout()
        init_row.addWidget(self.glorot_check)
        init_row.addWidget(self.init_scale_field, 1)
        self.epochs_field = NumberField(1000, minimum=10, maximum=MAX_PLAY_EPOCHS, integer=True)
        train.addRow("Learning rate:", self.lr_field)
        train.addRow("L2:", self.l2_field)
        train.addRow("Batch size:", self.batch_field)
        train.addRow("Weight seed:", self.seed_field)
        train.addRow("Initial σ:", init_row)
        train.addRow("Epochs:", self.epochs_field)
        layout.addWidget(self.training_box)

        # Two lines, always, repainted without a layout pass: a frame's new numbers never
        # move the plot under it nor re-lay the window out.
        self.status_label = LiveText(2, wrap=True)
        page.addWidget(self.status_label)
        self.loss_plot = pg.PlotWidget(enableMenu=False)
        self.loss_plot.setMouseEnabled(False, False)
        self.loss_plot.disableAutoRange()
        self.loss_plot.setLabel("bottom", "epoch")
        self.loss_plot.setLabel("left", "cross-entropy")
        self.loss_plot.setMinimumHeight(140)
        self.loss_plot.getAxis("left").enableAutoSIPrefix(False)
        for side in ("bottom", "left"):  # a frame repaints their edge from a pixmap
            self.loss_plot.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.loss_plot.addLegend(offset=(-4, 4))
        train_pen = pg.mkPen(CLASS_COLORS[1], width=2.5)
        test_pen = pg.mkPen(CLASS_COLORS[0], width=2.5, style=Qt.PenStyle.DashLine)
        # A frame adds a point to each curve and redraws only their short tails.
        plot = self.loss_plot.getPlotItem()
        self.train_curve = GrowingCurve(plot, train_pen, "train")
        self.test_curve = GrowingCurve(plot, test_pen, "test")
        self.loss_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(HIGHLIGHT_COLOR, width=2))
        self.loss_plot.addItem(self.loss_marker)
        page.addWidget(self.loss_plot, 2)

        self.dataset_box.currentIndexChanged.connect(self._on_dataset_changed)
        for field, name in (
            (self.n_field, "n"), (self.noise_field, "noise"), (self.data_seed_field, "data_seed"),
            (self.lr_field, "lr"), (self.l2_field, "l2"), (self.batch_field, "batch_size"),
            (self.seed_field, "seed"), (self.epochs_field, "epochs"),
        ):  # fmt: skip
            field.valueChanged.connect(partial(self._on_number_changed, name))
        self.test_field.valueChanged.connect(self._on_test_changed)
        self.init_scale_field.valueChanged.connect(self._on_init_scale_changed)
        self.glorot_check.toggled.connect(self._on_init_scale_changed)
        self.layers_box.valueChanged.connect(self._on_network_changed)
        for box in self.width_boxes:
            box.valueChanged.connect(self._on_network_changed)
        self.activation_box.currentIndexChanged.connect(self._on_network_changed)
        for check in self.feature_checks.values():
            check.toggled.connect(self._on_network_changed)
        self.paste_button.clicked.connect(self._on_paste_clicked)
        self.regenerate_button.clicked.connect(self._on_regenerate_clicked)
        model.subscribe(self._on_model_changed)
        self.redraw()

    # ----- controls -> model ---------------------------------------------------------------
    def _change(self, **changes: object) -> None:
        try:
            self._model.update_playground(**changes)
        except ValueError as exc:
            self._model.say(str(exc))
            self._show_settings()  # the controls go back to what the model kept

    def _on_dataset_changed(self, _index: int) -> None:
        key = self.dataset_box.currentData()
        n = self._model.playground.n
        if key.startswith("gates_"):  # a gate data set takes a multiple of 4 points
            n = max(4, n - n % 4)
        self._change(dataset=key, n=n)

    def _on_number_changed(self, name: str, value: float) -> None:
        number = int(value) if name in ("n", "data_seed", "batch_size", "seed", "epochs") else value
        self._change(**{name: number})

    def _on_test_changed(self, value: float) -> None:
        self._change(test_ratio=value / 100.0)

    def _on_init_scale_changed(self, *_args: object) -> None:
        glorot = self.glorot_check.isChecked()
        self._change(init_scale=None if glorot else self.init_scale_field.value())

    def _on_network_changed(self, *_args: object) -> None:
        count = self.layers_box.value()
        hidden = tuple(box.value() for box in self.width_boxes[:count])
        features = tuple(key for key, check in self.feature_checks.items() if check.isChecked())
        if not features:
            self._model.say("Keep at least one input feature.")
            self._show_settings()
            return
        self._change(hidden=hidden, activation=self.activation_box.currentData(), features=features)

    def _on_paste_clicked(self) -> None:
        self._model.paste_points(QApplication.clipboard().text())

    def _on_regenerate_clicked(self) -> None:
        self._model.set_playground(replace(self._model.playground, points=None))

    # ----- model -> controls ---------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if not self._model.is_playground():
            return
        if what == "settings":
            self.redraw()
        elif what in ("frame", "message"):
            self._show_frame()

    def redraw(self) -> None:
        if not self._model.is_playground():
            return
        self._show_settings()
        self._show_frame()

    def _show_settings(self) -> None:
        s = self._model.playground
        with QSignalBlocker(self.dataset_box):
            self.dataset_box.setCurrentIndex(self.dataset_box.findData(s.dataset))
        own = s.points is not None
        self.n_field.setValue(s.n)
        self.noise_field.setValue(s.noise)
        self.data_seed_field.setValue(s.data_seed)
        for field in (self.n_field, self.noise_field):
            field.setEnabled(not own)
        self.regenerate_button.setEnabled(own)
        self.test_field.setValue(round(100 * s.test_ratio, 6))
        for box in (self.layers_box, *self.width_boxes, self.activation_box):
            box.blockSignals(True)
        self.layers_box.setValue(len(s.hidden))
        for k, box in enumerate(self.width_boxes):
            box.setValue(s.hidden[k] if k < len(s.hidden) else 4)
            box.setEnabled(k < len(s.hidden))
        self.activation_box.setCurrentIndex(self.activation_box.findData(s.activation))
        for box in (self.layers_box, *self.width_boxes, self.activation_box):
            box.blockSignals(False)
        for key, check in self.feature_checks.items():
            with QSignalBlocker(check):
                check.setChecked(key in s.features)
        self.lr_field.setValue(s.lr)
        self.l2_field.setValue(s.l2)
        self.batch_field.setValue(s.batch_size)
        self.seed_field.setValue(s.seed)
        with QSignalBlocker(self.glorot_check):
            self.glorot_check.setChecked(s.init_scale is None)
        if s.init_scale is not None:
            self.init_scale_field.setValue(s.init_scale)
        self.init_scale_field.setEnabled(s.init_scale is not None)
        self.epochs_field.setValue(s.epochs)
        run = self._model.play
        if run is not self._shown_run:
            self._shown_run = run
            self._loss_top = 0.0
            self.loss_plot.setXRange(0.0, float(s.epochs), padding=0.02)

    def _show_frame(self) -> None:
        run = self._model.play
        if run is None:
            return
        epochs, train, test = run.losses(self._model.frame)
        self.train_curve.set_data(epochs, train)
        finite = np.isfinite(test)
        self.test_curve.set_data(epochs[finite], test[finite])
        # From 0 to the highest loss so far: the axes change only when a loss rises above it
        # (redrawing the axes every frame costs more than the curves).
        top = max(np.max(train, initial=0.0), np.max(test[finite], initial=0.0))
        if top > self._loss_top or self._loss_top > 4 * max(top, 1e-9):
            self._loss_top = 1.1 * max(top, 1e-6)
            self.loss_plot.setYRange(0.0, self._loss_top, padding=0)
        self.loss_marker.setValue(float(epochs[-1]))
        self.status_label.setText(playground_texts.status(self._model))

    def set_presentation(self, on: bool) -> None:
        width = line_width(on) + 0.5
        self.train_curve.set_pen(pg.mkPen(CLASS_COLORS[1], width=width))
        self.test_curve.set_pen(pg.mkPen(CLASS_COLORS[0], width=width, style=Qt.PenStyle.DashLine))

    # ----- what is shown (for tests) -----------------------------------------------------------
    def loss_points(self, which: str = "train") -> tuple[np.ndarray, np.ndarray]:
        curve = self.train_curve if which == "train" else self.test_curve
        return curve.data()

    def status_text(self) -> str:
        return self.status_label.text()
