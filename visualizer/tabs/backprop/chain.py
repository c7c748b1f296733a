"""The backward chain: dE/dx as a product of factors, step by step, with the "what if" switch.

Renders the model's chain (factors, running product, one line per multiplication, the
verdict) and binds the "what if" combo to the model's variant without echo. The play
controls here are bound to the model's frame by the tab (``TopicTab.bind_play_controls``).
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.backprop import CHAIN_VARIANTS
from visualizer.compute.mlp_chain import chain_variant_labels
from visualizer.tabs.backprop.blocks import BlockStrip
from visualizer.tabs.backprop.model import BackpropModel
from visualizer.tabs.backprop.strips import chain_items
from visualizer.widgets.play_controls import PlayControls
from visualizer.widgets.plot_style import ERROR_COLOR, OK_COLOR

#: How a step line looks for each of its states.
_STEP_HTML = {"current": "<b>{}</b>", "done": "{}", "later": "<span style='color:#888'>{}</span>"}


class ChainView(QGroupBox):
    """ "What if" switch, transport bar, the strip of factors, the steps and the verdict."""

    def __init__(self, model: BackpropModel, parent: QWidget | None = None) -> None:
        super().__init__("Backward: dE/dx as a product of factors", parent)
        self._model = model
        self._drawn_in_practice = False
        self.strip = BlockStrip()
        self.strip.set_explainer(model.explain_backward)
        self.variant_combo = QComboBox()
        for key, text in CHAIN_VARIANTS.items():
            self.variant_combo.addItem(text, key)
        self.sample_spin = QSpinBox()
        self.sample_spin.setToolTip("Whose chain: the sample (row of x) shown, 1 to B")
        self.sample_spin.setKeyboardTracking(False)
        self.sample_box = QWidget()  # shown only for a batch (B > 1)
        sample_row = QHBoxLayout(self.sample_box)
        sample_row.setContentsMargins(0, 0, 0, 0)
        sample_row.addWidget(QLabel("sample"))
        sample_row.addWidget(self.sample_spin)
        self.variant_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.variant_combo.setMinimumContentsLength(16)
        self.variant_combo.setToolTip("What if a factor were wrong? The shapes tell (mostly).")
        self.steps_label = QLabel()
        self.steps_label.setWordWrap(True)
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        bold = QFont()  # only "bold" is set, so the size still follows the app font
        bold.setBold(True)
        self.verdict_label.setFont(bold)
        self.play_controls = PlayControls(5, fps=1.0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        # One row for the switch and the transport bar when it fits (the strip gets the
        # height), two rows otherwise (see resizeEvent).
        self.what_if_box = QWidget()
        what_if = QHBoxLayout(self.what_if_box)
        what_if.setContentsMargins(0, 0, 0, 0)
        what_if.addWidget(QLabel("What if"))
        what_if.addWidget(self.variant_combo, 1)
        self._top = QHBoxLayout()
        self._top.addWidget(self.sample_box)
        self._top.addWidget(self.what_if_box, 1)
        self._top.addWidget(self.play_controls, 2)
        self._second = QHBoxLayout()
        self._two_rows = False
        self._presentation = False
        layout.addLayout(self._top)
        layout.addLayout(self._second)
        layout.addWidget(self.strip, 1)
        layout.addWidget(self.steps_label)
        layout.addWidget(self.verdict_label)

        self.variant_combo.currentIndexChanged.connect(self._on_variant_combo_changed)
        self.sample_spin.valueChanged.connect(self._on_sample_spin_changed)
        unsubscribe = model.subscribe(self._on_model_changed)
        unsubscribe_practice = model.practice.subscribe(self._on_practice_changed)
        self.destroyed.connect(lambda *_: (unsubscribe(), unsubscribe_practice()))
        self._on_model_changed("settings")

    # ----- layout ----------------------------------------------------------------------------
    def _one_row_width(self) -> int:
        combo = self.variant_combo.minimumSizeHint().width()
        return combo + self.play_controls.minimumSizeHint().width() + 120

    def minimumSizeHint(self) -> QSize:
        # As narrow as the two-row arrangement: one long row never forces the picture wider.
        hint = super().minimumSizeHint()
        if not self._two_rows:
            narrow = (
                max(
                    self.play_controls.minimumSizeHint().width(),
                    self.variant_combo.minimumSizeHint().width() + 80,
                )
                + 12
            )
            hint.setWidth(min(hint.width(), narrow))
        return hint  # fmt: skip

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        two_rows = self.width() < self._one_row_width()
        if two_rows != self._two_rows:
            self._two_rows = two_rows
            source, target = (self._top, self._second) if two_rows else (self._second, self._top)
            source.removeWidget(self.play_controls)
            target.addWidget(self.play_controls, 2)

    def is_two_rows(self) -> bool:
        return self._two_rows

    def set_presentation(self, on: bool) -> None:
        """Presentation shows only the current step's line (the picture gets the height)."""
        self._presentation = bool(on)
        self._on_model_changed("frame")

    # ----- read methods (for tests and the tab) ----------------------------------------------
    def steps_text(self) -> str:
        return self.steps_label.text()

    def verdict_text(self) -> str:
        return self.verdict_label.text()

    def verdict_color(self) -> str:
        return self.verdict_label.palette().color(QPalette.ColorRole.WindowText).name()

    # ----- model -> view ---------------------------------------------------------------------
    def _on_practice_changed(self, _what: str) -> None:
        # Practice hides shapes and values until they are answered (nothing to redraw while
        # it is off and was off).
        if self._model.practice.on or self._drawn_in_practice:
            self._drawn_in_practice = self._model.practice.on
            self._on_model_changed("frame")

    def _on_model_changed(self, what: str) -> None:
        if what not in ("settings", "frame", "letters"):
            return
        if what == "settings":
            s = self._model.settings
            labels = chain_variant_labels(s.depth, s.activation, s.loss)
            with QSignalBlocker(self.variant_combo), QSignalBlocker(self.sample_spin):
                for index in range(self.variant_combo.count()):
                    key = self.variant_combo.itemData(index)
                    self.variant_combo.setItemText(index, labels[key])
                self.variant_combo.setCurrentIndex(self.variant_combo.findData(s.variant))
                self.sample_spin.setRange(1, s.batch)
                self.sample_spin.setValue(s.sample + 1)
            # Shown for a batch only, and never against a locked lesson that hid it.
            self.sample_box.setVisible(s.batch > 1 and not self.sample_box.property("lockedHidden"))
            whose = f" (sample {s.sample + 1} of {s.batch})" if s.batch > 1 else ""
            self.setTitle(f"Backward: dE/dx as a product of factors{whose}")
        items, group = chain_items(self._model)
        self.strip.set_items(items, group=group)
        lines = self._model.chain_step_lines()
        if self._presentation:
            # Presentation: the one line that explains the current step, written large.
            lines = [line for line in lines if line[1] == "current"] or lines[-1:]
        self.steps_label.setText(
            "<br>".join(_STEP_HTML[state].format(text) for text, state in lines)
        )
        right, sentence = self._model.chain_verdict()
        palette = self.verdict_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(OK_COLOR if right else ERROR_COLOR))
        self.verdict_label.setPalette(palette)
        self.verdict_label.setText(sentence)

    # ----- view -> model ---------------------------------------------------------------------
    def _on_variant_combo_changed(self, index: int) -> None:
        self._model.set_variant(self.variant_combo.itemData(index))

    def _on_sample_spin_changed(self, value: int) -> None:
        self._model.set_sample(int(value) - 1)
