"""The bar above the picture: preset, activation convention, target gate, the convention note."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSignalBlocker, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.gates import ACTIVATIONS, GATE_TARGETS
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.playground_settings import PLAY_ACTIVATIONS
from visualizer.tabs.gates.texts import (
    ACTIVATION_WORDS,
    choices,
    convention_text,
    edited_text,
)
from visualizer.widgets.number_field import NumberField


def _labelled(text: str, *widgets: QWidget) -> QWidget:
    control = QWidget()
    row = QHBoxLayout(control)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(QLabel(text))
    for widget in widgets:
        row.addWidget(widget)
    return control


class GatesBar(QWidget):
    """Preset, activation and target selectors bound to the model both ways."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.preset_box = QComboBox()
        self.preset_box.addItems(model.presets())
        self.preset_box.setToolTip("The sheet's four networks as written, then textbook gates")
        self.activation_box = QComboBox()
        for key, label in choices(ACTIVATION_WORDS, ACTIVATIONS):
            self.activation_box.addItem(label, key)
        self.activation_box.setToolTip("How a neuron turns its sum z into its output")
        self.target_box = QComboBox()
        self.target_box.addItems(list(GATE_TARGETS))
        self.target_box.setToolTip("The gate the truth table is checked against")
        # The playground's two parameters a teacher changes while projecting.
        self.play_activation_box = QComboBox()
        for key in PLAY_ACTIVATIONS:
            self.play_activation_box.addItem(key, key)
        self.play_activation_box.setToolTip("The hidden neurons' activation (output: sigmoid)")
        self.lr_field = NumberField(0.1, minimum=1e-6, maximum=1e6)
        self.lr_field.setToolTip("Learning rate of gradient descent (retrains from epoch 0)")
        self.lr_field.edit.setMaximumWidth(90)
        self.edited_label = QLabel("")
        self.edited_label.setToolTip("The weights shown are no longer the preset's")
        self.convention_label = QLabel()
        self.convention_label.setStyleSheet(
            "QLabel { background: #fff3cd; color: #222; border: 2px solid #E69F00;"
            " border-radius: 4px; padding: 2px 8px; }"
        )
        # Never widens the window (the bar must fit a 1024-pixel projector): when the row is
        # too narrow for it, it moves to a line of its own under the selectors.
        self.convention_label.setMinimumWidth(60)
        self.convention_label.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        for box, letters in (
            (self.preset_box, 14),
            (self.activation_box, 15),
            (self.target_box, 4),
        ):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(letters)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self._row = layout = QHBoxLayout()
        outer.addLayout(layout)
        self._outer = outer
        self._own_line = False
        # Each selector with its label in one widget, so a locked lesson hides both.
        self.preset_control = _labelled("Preset:", self.preset_box, self.edited_label)
        self.activation_control = _labelled("Activation:", self.activation_box)
        self.target_control = _labelled("Target:", self.target_box)
        self.play_activation_control = _labelled("Hidden:", self.play_activation_box)
        self.lr_control = _labelled("Learning rate:", self.lr_field)
        for control in (
            self.preset_control, self.activation_control, self.target_control,
            self.play_activation_control, self.lr_control,
        ):  # fmt: skip
            layout.addWidget(control)
            layout.addSpacing(6)
        layout.addWidget(self.convention_label, 1)
        layout.addStretch(0)

        # activated, not currentIndexChanged: choosing the same preset again reloads it.
        self.preset_box.activated.connect(self._on_preset_activated)
        self.activation_box.currentIndexChanged.connect(self._on_activation_changed)
        self.target_box.currentIndexChanged.connect(self._on_target_changed)
        self.play_activation_box.currentIndexChanged.connect(self._on_play_activation_changed)
        self.lr_field.valueChanged.connect(self._on_lr_changed)
        model.subscribe(self._on_model_changed)
        for control in self._mode_controls():
            control.installEventFilter(self)
        self.redraw()

    def _mode_controls(self) -> dict[QWidget, bool]:
        """Each mode-bound control -> whether it belongs to the playground."""
        return {
            self.activation_control: False,
            self.target_control: False,
            self.convention_label: False,
            self.play_activation_control: True,
            self.lr_control: True,
        }

    def _show_mode_controls(self) -> None:
        """The gate conventions belong to the four points; the playground has its own two
        (and a control a locked lesson hides stays hidden)."""
        play = self._model.is_playground()
        for control, belongs in self._mode_controls().items():
            control.setVisible(belongs == play and not control.property("lockedHidden"))

    def eventFilter(self, watched, event) -> bool:
        # Unlocking a lesson shows what it hid, whatever the mode: put the mode back after.
        if event.type() == QEvent.Type.Show and watched in self._mode_controls():
            QTimer.singleShot(0, self._show_mode_controls)
        return super().eventFilter(watched, event)

    def convention_on_own_line(self) -> bool:
        return self._own_line

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        """The convention note beside the selectors when it fits on one line, else under them."""
        label = self.convention_label
        selectors = sum(
            self._row.itemAt(i).sizeHint().width()
            for i in range(self._row.count())
            if self._row.itemAt(i).widget() is not label
        )
        text = label.fontMetrics().horizontalAdvance(label.text()) + 24
        own_line = width < selectors + text + 6 * self._row.count()
        if own_line == self._own_line:
            return
        self._own_line = own_line
        if own_line:
            self._row.removeWidget(label)
            self._outer.addWidget(label)
        else:
            self._outer.removeWidget(label)
            self._row.insertWidget(self._row.count() - 1, label, 1)

    def _on_preset_activated(self, index: int) -> None:
        self._model.load_preset(self.preset_box.itemText(index))

    def _on_activation_changed(self, _index: int) -> None:
        self._model.set_activation(self.activation_box.currentData())

    def _on_target_changed(self, _index: int) -> None:
        self._model.set_target(self.target_box.currentText())

    def _on_play_activation_changed(self, _index: int) -> None:
        self._change_playground(activation=self.play_activation_box.currentData())

    def _on_lr_changed(self, value: float) -> None:
        self._change_playground(lr=value)

    def _change_playground(self, **changes: object) -> None:
        if not self._model.is_playground():
            return
        try:
            self._model.update_playground(**changes)
        except ValueError as exc:
            self._model.say(str(exc))
            self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if what == "settings":  # the bar shows settings only: a frame changes nothing here
            self.redraw()

    def redraw(self) -> None:
        model = self._model
        with QSignalBlocker(self.preset_box):
            self.preset_box.setCurrentText(model.settings.preset)
        with QSignalBlocker(self.activation_box):
            self.activation_box.setCurrentIndex(self.activation_box.findData(model.activation))
        with QSignalBlocker(self.target_box):
            self.target_box.setCurrentText(model.target)
        self.edited_label.setText(edited_text(model))
        play = model.is_playground()
        self._show_mode_controls()
        if play:
            with QSignalBlocker(self.play_activation_box):
                self.play_activation_box.setCurrentIndex(
                    self.play_activation_box.findData(model.playground.activation)
                )
            self.lr_field.setValue(model.playground.lr)
        self.convention_label.setText(convention_text(model))
        self._arrange(self.width())
