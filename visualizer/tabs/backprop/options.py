"""The network's options beside the sizes: hidden layers, activation, loss and reduction.

Bound to the model both ways without echo: a change of a control asks the model (which
checks it), and a change of the model sets the controls inside signal blockers.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from visualizer.compute.backprop import MAX_SIZE
from visualizer.compute.mlp import HIDDEN_ACTIVATIONS, REDUCTIONS
from visualizer.tabs.backprop.model import LOSSES, BackpropModel

ACTIVATION_TEXTS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "gelu": "GeLU"}
LOSS_TEXTS = {"cross_entropy": "cross-entropy", "mse": "squared error"}
REDUCTION_TEXTS = {"mean": "mean over B", "sum": "sum over B"}


def parse_widths(text: str) -> tuple[int, ...]:
    """``"3, 4"`` -> (3, 4): 1 to 4 hidden widths from 1 to 64; ValueError in one sentence."""
    parts = [p for p in re.split(r"[\s,;×x]+", text.strip()) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError("Type the hidden layers' widths as whole numbers, like 3, 4.")
    widths = tuple(int(p) for p in parts)
    if not 1 <= len(widths) <= 4:
        raise ValueError("A network has 1 to 4 hidden layers.")
    if not all(1 <= w <= MAX_SIZE for w in widths):
        raise ValueError(f"Every hidden width must be from 1 to {MAX_SIZE}.")
    return widths


def widths_text(widths: tuple[int, ...]) -> str:
    return ", ".join(str(w) for w in widths)


def _combo(texts: dict[str, str], keys: tuple[str, ...], tip: str) -> QComboBox:
    combo = QComboBox()
    for key in keys:
        combo.addItem(texts[key], key)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class NetworkOptions(QWidget):
    """Hidden widths, activation, loss, reduction.

    Signals
    -------
    statusMessage(str)
    """

    statusMessage = Signal(str)

    def __init__(self, model: BackpropModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.hidden_field = QLineEdit()
        self.hidden_field.setToolTip(
            "The hidden layers' widths, 1 to 4 of them (the first is M): e.g. 3 or 3, 4"
        )
        self.hidden_field.setMaximumWidth(
            self.fontMetrics().horizontalAdvance("64, 64, 64, 6") + 16
        )
        self.activation_combo = _combo(
            ACTIVATION_TEXTS, HIDDEN_ACTIVATIONS,
            "The hidden layers' activation φ: sigmoid (the sheet), tanh, ReLU or the sheet's "
            "GeLU x·σ(1.702x)",
        )  # fmt: skip
        self.loss_combo = _combo(
            LOSS_TEXTS, LOSSES,
            "The loss on the output layer f_L: softmax + cross-entropy (the sheet) or mean "
            "squared error ½‖f_L − y‖²",
        )  # fmt: skip
        self.reduction_combo = _combo(
            REDUCTION_TEXTS, REDUCTIONS, "E is the mean or the sum of the samples' losses"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        labelled = (
            ("hidden", self.hidden_field),
            ("φ", self.activation_combo),
            ("loss", self.loss_combo),
            ("E =", self.reduction_combo),
        )
        for label, widget in labelled:
            row.addWidget(QLabel(label))
            row.addWidget(widget)

        self.hidden_field.editingFinished.connect(self._on_hidden_edited)
        self.activation_combo.currentIndexChanged.connect(self._on_combo_changed)
        self.loss_combo.currentIndexChanged.connect(self._on_combo_changed)
        self.reduction_combo.currentIndexChanged.connect(self._on_combo_changed)
        unsubscribe = model.subscribe(self._on_model_changed)
        self.destroyed.connect(lambda *_: unsubscribe())
        self._on_model_changed("settings")

    # ----- model -> view ---------------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if what != "settings":
            return
        s = self._model.settings
        widgets = (self.hidden_field, self.activation_combo, self.loss_combo, self.reduction_combo)
        blockers = [QSignalBlocker(w) for w in widgets]
        self.hidden_field.setText(widths_text((s.M, *s.more_hidden)))
        for combo, value in ((self.activation_combo, s.activation), (self.loss_combo, s.loss),
                             (self.reduction_combo, s.reduction)):  # fmt: skip
            combo.setCurrentIndex(combo.findData(value))
        del blockers

    # ----- view -> model ---------------------------------------------------------------------
    def _on_hidden_edited(self) -> None:
        s = self._model.settings
        try:
            widths = parse_widths(self.hidden_field.text())
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            self.hidden_field.setText(widths_text((s.M, *s.more_hidden)))
            return
        if widths == (s.M, *s.more_hidden):
            return
        dropped = self._model.set_hidden(widths)
        gone = f"; {dropped} typed value(s) no longer fit" if dropped else ""
        self.statusMessage.emit(f"Hidden layers {widths_text(widths)}{gone}")

    def _on_combo_changed(self, _index: int) -> None:
        self._model.set_options(
            activation=self.activation_combo.currentData(),
            loss=self.loss_combo.currentData(),
            reduction=self.reduction_combo.currentData(),
        )
