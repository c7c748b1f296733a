"""The Train page: training settings, the Train button, the loss curve (and the transport bar).

Train asks the model for a whole run (computed once); the transport bar then only moves the
model's frame, and the loss curve grows up to the frame's epoch.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.gate_training import GATE_ARCHITECTURES, GateTrainingRun
from visualizer.tabs.gates.model import MAX_EPOCHS, MAX_SEED, GatesModel, TrainSettings
from visualizer.tabs.gates.texts import ARCHITECTURE_WORDS, choices, train_status
from visualizer.widgets.number_field import NumberField
from visualizer.widgets.play_controls import PlayControls
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR, RUN_COLORS, line_width


class TrainPage(QWidget):
    """Training settings bound to the model, a Train button, and the run's loss curve."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._shown_run: GateTrainingRun | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.architecture_box = QComboBox()
        self.architecture_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.architecture_box.setMinimumContentsLength(10)
        for key, label in choices(ARCHITECTURE_WORDS, GATE_ARCHITECTURES):
            self.architecture_box.addItem(label, key)
        self.lr_field = NumberField(2.0, minimum=1e-6, maximum=1e6)
        self.lr_field.setToolTip("Learning rate of gradient descent")
        self.seed_field = NumberField(0, minimum=0, maximum=MAX_SEED, integer=True)
        self.seed_field.setToolTip("Seed of the random start: the same seed gives the same run")
        self.epochs_field = NumberField(2000, minimum=1, maximum=MAX_EPOCHS, integer=True)
        self.epochs_field.setToolTip("Number of gradient-descent steps on the four rows")
        # The settings and the Train button in one widget, so a locked lesson can hide them.
        self.train_controls = QWidget()
        controls = QVBoxLayout(self.train_controls)
        controls.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Network:", self.architecture_box)
        form.addRow("Learning rate:", self.lr_field)
        form.addRow("Seed:", self.seed_field)
        form.addRow("Epochs:", self.epochs_field)
        controls.addLayout(form)
        row = QHBoxLayout()
        self.train_button = QPushButton("Train from random start")
        self.train_button.setToolTip(
            "Gradient descent on a sigmoid network with cross-entropy, for the target gate"
        )
        row.addWidget(self.train_button)
        row.addStretch(1)
        controls.addLayout(row)
        layout.addWidget(self.train_controls)
        self.train_status = QLabel("")
        self.train_status.setWordWrap(True)
        layout.addWidget(self.train_status)
        # The tab puts the transport bar under the picture, where presentation keeps it.
        self.play_controls = PlayControls(1, fps=15.0)
        self.loss_plot = pg.PlotWidget(enableMenu=False)
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
        for field in (self.lr_field, self.seed_field, self.epochs_field):
            field.valueChanged.connect(self._on_setting_changed)
        self.architecture_box.currentIndexChanged.connect(self._on_setting_changed)
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_practice_changed)
        self._show_settings()
        self._show_run()

    # ----- controls -> model ---------------------------------------------------------------
    def _on_setting_changed(self, _value: object = None) -> None:
        self._model.set_train_settings(
            TrainSettings(
                architecture=self.architecture_box.currentData(),
                lr=self.lr_field.value(),
                seed=int(self.seed_field.value()),
                epochs=int(self.epochs_field.value()),
            )
        )

    def _on_train_clicked(self) -> None:
        self._model.train()
        self.play_controls.play()

    # ----- model -> controls ---------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if what == "settings":
            self._show_settings()
            self._show_run()
        elif what == "frame":
            self._show_frame()
        elif what == "train":
            self._show_settings()
            self.train_status.setText(train_status(self._model))

    def _on_practice_changed(self, _what: str) -> None:
        self.train_status.setText(train_status(self._model))

    def _show_settings(self) -> None:
        train = self._model.settings.train
        with QSignalBlocker(self.architecture_box):
            self.architecture_box.setCurrentIndex(
                self.architecture_box.findData(train.architecture)
            )
        self.lr_field.setValue(train.lr)
        self.seed_field.setValue(train.seed)
        self.epochs_field.setValue(train.epochs)

    def _show_run(self) -> None:
        run = self._model.run
        if run is not self._shown_run:  # a new run (or none): new curve, new ranges, stop
            self._shown_run = run
            self.play_controls.pause()
            if run is None:
                self.loss_full.setData([], [])
                self.loss_curve.setData([], [])
                self.loss_marker.hide()
            else:
                self.loss_full.setData(run.epochs.astype(float), run.loss)
                # From 0, so a loss stuck at ln 2 looks flat instead of zoomed into noise.
                top = float(run.loss.max()) if np.isfinite(run.loss).all() else 1.0
                self.loss_plot.setYRange(0.0, max(top, 1e-6) * 1.05, padding=0)
                self.loss_plot.setXRange(0.0, float(run.epochs[-1]), padding=0.02)
                self.loss_marker.show()
        self._show_frame()

    def _show_frame(self) -> None:
        if self._model.is_playground():  # this page is hidden; the playground has its own
            return
        run = self._model.run
        if run is not None:
            f = self._model.frame
            self.loss_curve.setData(run.epochs[: f + 1].astype(float), run.loss[: f + 1])
            self.loss_marker.setValue(float(run.epochs[f]))
        self.train_status.setText(train_status(self._model))

    def set_presentation(self, on: bool) -> None:
        self.loss_curve.setPen(pg.mkPen(RUN_COLORS[0], width=line_width(on) + 0.5))

    # ----- what is shown (for tests) -----------------------------------------------------------
    def loss_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The (epoch, loss) points of the curve drawn so far (up to the frame)."""
        x, y = self.loss_curve.getData()
        return np.asarray(x if x is not None else []), np.asarray(y if y is not None else [])

    def marker_epoch(self) -> float | None:
        """The epoch the marker stands on, or None when no run is shown."""
        return float(self.loss_marker.value()) if self.loss_marker.isVisible() else None

    def status_text(self) -> str:
        return self.train_status.text()
