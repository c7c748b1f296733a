"""The convolution tab's top bar: the exercise, the view, the operation, padding and stride.

Each control is bound both ways to the :class:`ConvModel`: a change goes to the model, and
the bar shows the model's settings inside signal blockers, so nothing bounces back.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from visualizer.tabs.conv import explain
from visualizer.tabs.conv.model import (
    MAX_DILATION,
    MAX_PADDING,
    MAX_STRIDE,
    MODES,
    VIEWS,
    ConvModel,
)

VIEW_LABELS = {"grids": "Number grids", "backward": "Backward pass", "image": "Image mode"}
MODE_LABELS = {
    "correlation": "Cross-correlation (CNNs)",
    "convolution": "True convolution (flipped)",
    "transposed": "Transposed convolution",
}


def spin_box(minimum: int, maximum: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # typing "12" must not recompute for "1" first
    return box


def show_value(box: QSpinBox, value: int) -> None:
    """Show ``value`` without emitting a change; an unchanged box is left alone (setting the
    same value still repaints it, and every settings change shows every box)."""
    if box.value() != value:
        with QSignalBlocker(box):
            box.setValue(value)


def select_data(box: QComboBox, data: object) -> None:
    """Show the entry holding ``data`` without emitting a change."""
    with QSignalBlocker(box):
        box.setCurrentIndex(box.findData(data))


def compact(box: QComboBox, length: int = 6) -> None:
    # Shrink (eliding the text) rather than push the window wider with big fonts.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(length)


class TopBar(QWidget):
    """Exercise presets, grids or image, correlation or convolution, padding p and stride s.

    Signals
    -------
    presetChosen(str)
        The user picked a preset (the tab loads it and says so in the status bar).
    """

    presetChosen = Signal(str)

    def __init__(self, model: ConvModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.preset_box = QComboBox()
        self.preset_box.addItems(model.presets())
        self.preset_box.setToolTip("Load an exercise of the sheet or a demonstration")
        layout.addWidget(self.preset_box, 3)
        layout.addSpacing(6)
        self.view_box = QComboBox()
        for view in VIEWS:
            self.view_box.addItem(VIEW_LABELS.get(view, view), view)
        self.view_box.setToolTip("Grids of numbers, or a picture filtered by the kernel")
        layout.addWidget(self.view_box, 1)
        self.mode_box = QComboBox()
        for mode in MODES:
            self.mode_box.addItem(MODE_LABELS.get(mode, explain.mode_words(mode)), mode)
        self.mode_box.setToolTip(
            "CNN layers slide the kernel as it is (cross-correlation); textbook convolution "
            "flips it first"
        )
        layout.addWidget(self.mode_box, 2)
        compact(self.preset_box, 6)
        compact(self.view_box, 4)
        compact(self.mode_box, 5)
        layout.addSpacing(6)
        layout.addWidget(QLabel("Padding"))
        self.padding_box = spin_box(0, MAX_PADDING, 1, "Rings of zeros around the input")
        layout.addWidget(self.padding_box)
        layout.addWidget(QLabel("Stride"))
        self.stride_box = spin_box(1, MAX_STRIDE, 1, "How many cells the window moves per step")
        layout.addWidget(self.stride_box)
        layout.addWidget(QLabel("Dilation"))
        self.dilation_box = spin_box(
            1, MAX_DILATION, 1, "How many cells apart the kernel's taps sit (1: side by side)"
        )
        layout.addWidget(self.dilation_box)

        self.preset_box.activated.connect(self._on_preset_box_activated)
        self.view_box.currentIndexChanged.connect(
            lambda _i: model.change(view=self.view_box.currentData())
        )
        self.mode_box.currentIndexChanged.connect(
            lambda _i: model.change(mode=self.mode_box.currentData())
        )
        self.padding_box.valueChanged.connect(lambda value: model.change(padding=value))
        self.stride_box.valueChanged.connect(lambda value: model.change(stride=value))
        self.dilation_box.valueChanged.connect(lambda value: model.change(dilation=value))

    def _on_preset_box_activated(self, index: int) -> None:
        self.presetChosen.emit(self.preset_box.itemText(index))

    def show_settings(self) -> None:
        """Show the model's settings (without emitting changes)."""
        s = self._model.settings
        with QSignalBlocker(self.preset_box):
            self.preset_box.setCurrentText(self._model.preset)
        select_data(self.view_box, s.view)
        select_data(self.mode_box, s.mode)
        show_value(self.padding_box, s.padding)
        show_value(self.stride_box, s.stride)
        show_value(self.dilation_box, s.dilation)
