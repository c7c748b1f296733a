"""The controls of the backprop topic, bound to the model both ways without echo.

:class:`ControlsBar`: preset, N, M, K, the true class, the seed, "New values" and the letters
switch, on one row when it fits and on two otherwise. :class:`InspectorRow`: the sentence
about the cell under the mouse, and the field that types a value into the selected cell.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.backprop import MAX_SIZE
from visualizer.tabs.backprop.model import MAX_SEED, VALUE_LIMIT, BackpropModel
from visualizer.tabs.backprop.options import NetworkOptions
from visualizer.widgets.number_field import NumberField

VALUE_PLACEHOLDER = "double-click a cell of x, a W or a b"


def _labelled(*parts: str | QWidget | None) -> QWidget:
    """Labels and controls in one row, as one widget (a label is a str, None a gap)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if part is None:
            row.addSpacing(4)
        elif isinstance(part, str):
            row.addWidget(QLabel(part))
        else:
            row.addWidget(part, 1 if isinstance(part, QComboBox | NumberField) else 0)
    return box


class ControlsBar(QWidget):
    """Preset, sizes (N, M, K, B), class; the network's options, seed and the letters switch.

    Signals
    -------
    statusMessage(str)
        A short sentence about what a control just changed.
    """

    statusMessage = Signal(str)

    def __init__(self, model: BackpropModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.preset_combo = QComboBox()
        self.preset_combo.addItems(model.presets())
        self.preset_combo.setToolTip("Exercise presets from the sheet, and a few experiments")
        self.preset_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preset_combo.setMinimumContentsLength(14)
        self.n_spin, self.m_spin, self.k_spin, self.b_spin = (self._size_spin(t) for t in "NMKB")
        self.n_spin.setToolTip("N: size of the input x")
        self.m_spin.setToolTip("M: number of hidden units (size of f1 and a)")
        self.k_spin.setToolTip("K: number of classes (size of f2, o and y)")
        self.b_spin.setToolTip("B: samples in the batch, the rows of x (1 is the sheet's case)")
        self.options = NetworkOptions(model)
        self.class_spin = QSpinBox()
        self.class_spin.setRange(1, 2)
        self.class_spin.setToolTip("The true class: where the one-hot y has its 1")
        self.seed_field = NumberField(0, minimum=0, maximum=MAX_SEED, integer=True)
        self.seed_field.setToolTip("Seed of the random values: the same seed gives the same values")
        self.seed_field.setMaximumWidth(self.fontMetrics().horizontalAdvance("2147483647") + 24)
        self.new_values_button = QPushButton("New values")
        self.new_values_button.setToolTip("Draw new random values (next seed); typed values go")
        self.letters_check = QCheckBox("N, M, K as letters")
        self.letters_check.setToolTip("Write every shape with the letters N, M, K and numbers")

        # Each label travels with its control, so a locked lesson hides both at once.
        self.preset_box = _labelled("Preset", self.preset_combo)
        self.sizes_box = _labelled(
            "N", self.n_spin, "M", self.m_spin, "K", self.k_spin, "B", self.b_spin
        )
        self.class_box = _labelled("class", self.class_spin)
        self.seed_box = _labelled("seed", self.seed_field, None, self.new_values_button)
        # The controls flow onto up to three rows: one when the width allows, more on a small
        # screen or with presentation's bigger font (see arrange()).
        self._items: list[QWidget] = [
            self.preset_box, self.sizes_box, self.class_box, self.options, self.seed_box,
            self.letters_check,
        ]  # fmt: skip
        #: Collapsed in presentation: seed, "new values" and the letters switch.
        self._second_row: list[QWidget] = [self.seed_box, self.letters_check]
        self._rows = [QHBoxLayout() for _ in range(3)]
        self._assignment: list[int] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for row in self._rows:
            layout.addLayout(row)
        self._place([0] * len(self._items))

        self.preset_combo.activated.connect(self._on_preset_activated)
        self.n_spin.valueChanged.connect(self._on_size_changed)
        self.m_spin.valueChanged.connect(self._on_size_changed)
        self.k_spin.valueChanged.connect(self._on_size_changed)
        self.b_spin.valueChanged.connect(self._on_size_changed)
        self.options.statusMessage.connect(self.statusMessage)
        self.class_spin.valueChanged.connect(self._on_class_changed)
        self.seed_field.valueChanged.connect(self._on_seed_changed)
        self.new_values_button.clicked.connect(self._on_new_values_clicked)
        self.letters_check.toggled.connect(self._on_letters_toggled)
        unsubscribe = model.subscribe(self._on_model_changed)
        self.destroyed.connect(lambda *_: unsubscribe())
        self._on_model_changed("settings")

    def _size_spin(self, letter: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, MAX_SIZE)
        spin.setAccessibleName(letter)
        spin.setKeyboardTracking(False)  # typing "32" must not build a 3-wide network first
        return spin

    def is_two_rows(self) -> bool:
        """Whether the controls take more than one row."""
        return self.row_count() > 1

    def row_count(self) -> int:
        return len(set(self._assignment))

    def set_presentation(self, on: bool) -> None:
        """Presentation keeps the preset, the sizes and the network's options; seed, "New
        values" and the letters switch collapse (they come back when presentation ends)."""
        for widget in self._second_row:
            # What a locked lesson hid stays hidden when presentation ends.
            widget.setVisible(not on and not widget.property("lockedHidden"))
        self.arrange()

    # ----- layout ----------------------------------------------------------------------------
    def _widths(self) -> list[int]:
        spacing = max(self._rows[0].spacing(), 4)
        return [0 if w.isHidden() else w.minimumSizeHint().width() + spacing for w in self._items]

    def _flow(self, width: int) -> list[int]:
        """Row of each control: as many on a row as fit ``width``, at most three rows."""
        rows, used, row = [], 0, 0
        for w in self._widths():
            if used and used + w > width and row < len(self._rows) - 1:
                row, used = row + 1, 0
            rows.append(row)
            used += w
        return rows

    def _place(self, assignment: list[int]) -> None:
        for widget in self._items:
            for row in self._rows:
                row.removeWidget(widget)
        for row in self._rows:
            while row.count():  # the stretches
                row.takeAt(0)
        for widget, row in zip(self._items, assignment, strict=True):
            self._rows[row].addWidget(widget, 2 if widget is self.preset_box else 0)
        for row in self._rows:
            row.addStretch(1)
        self._assignment = assignment

    def arrange(self) -> None:
        """Flow the controls onto as few rows as the width allows."""
        assignment = self._flow(self.width())
        if assignment != self._assignment:
            self._place(assignment)

    def minimumSizeHint(self) -> QSize:
        # As narrow as the widest single control, so one long row never forces the window
        # wider than the screen (presentation mode's bigger font at 1024 px); arrange() wraps.
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), max(self._widths())))
        return hint

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.arrange()

    # ----- model -> view ---------------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if what not in ("settings", "letters"):
            return
        s = self._model.settings
        widgets = (self.preset_combo, self.n_spin, self.m_spin, self.k_spin, self.b_spin,
                   self.class_spin, self.seed_field, self.letters_check)  # fmt: skip
        blockers = [QSignalBlocker(w) for w in widgets]
        self.preset_combo.setCurrentIndex(self._model.presets().index(self._model.preset))
        self.n_spin.setValue(s.N)
        self.m_spin.setValue(s.M)
        self.k_spin.setValue(s.K)
        self.b_spin.setValue(s.batch)
        self.class_spin.setRange(1, s.K)
        self.class_spin.setValue(s.true_class + 1)
        self.seed_field.setValue(s.seed)
        self.letters_check.setChecked(s.letters)
        del blockers

    # ----- view -> model ---------------------------------------------------------------------
    def _on_preset_activated(self, index: int) -> None:
        name = self.preset_combo.itemText(index)
        self._model.load_preset(name)
        self.statusMessage.emit(f"Preset: {name}")

    def _on_size_changed(self, _value: int) -> None:
        N, M, K, B = (spin.value() for spin in (self.n_spin, self.m_spin, self.k_spin, self.b_spin))
        dropped = self._model.set_sizes(N, M, K, B)
        gone = f"; {dropped} typed value(s) no longer fit" if dropped else ""
        self.statusMessage.emit(f"N = {N}, M = {M}, K = {K}, B = {B}{gone}")

    def _on_class_changed(self, value: int) -> None:
        self._model.set_true_class(int(value) - 1)

    def _on_seed_changed(self, value: float) -> None:
        self._model.set_seed(int(value))
        self.statusMessage.emit(f"Values drawn with seed {int(value)}.")

    def _on_new_values_clicked(self) -> None:
        seed = self._model.new_values()
        self.statusMessage.emit(f"New values drawn with seed {seed}.")

    def _on_letters_toggled(self, on: bool) -> None:
        self._model.set_letters(on)


class InspectorRow(QWidget):
    """What the cell under the mouse is and how it was computed; typing into the selection.

    Signals
    -------
    statusMessage(str)
    """

    statusMessage = Signal(str)

    def __init__(self, model: BackpropModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.inspector_label = QLabel("Hover a cell to see its value and how it was computed.")
        self.inspector_label.setWordWrap(True)
        self.inspector_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A palette and frame rather than a style sheet: style sheets stop the app font
        # (bigger in presentation mode) from reaching the label.
        self.inspector_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.inspector_label.setAutoFillBackground(True)
        self.inspector_label.setBackgroundRole(QPalette.ColorRole.Base)
        self.inspector_label.setMargin(3)
        self.fit_font()
        self.value_label = QLabel("Value:")
        self.value_field = NumberField(0.0, minimum=-VALUE_LIMIT, maximum=VALUE_LIMIT)
        self.value_field.setEnabled(False)
        self.value_field.edit.setPlaceholderText(VALUE_PLACEHOLDER)
        self.value_field.setToolTip(f"A number between {-VALUE_LIMIT:g} and {VALUE_LIMIT:g}")
        self.value_field.setMaximumWidth(self.fontMetrics().horizontalAdvance("0" * 32))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.inspector_label, 3)
        self.value_box = QWidget()  # the label travels with the field when a lesson hides it
        value_row = QHBoxLayout(self.value_box)
        value_row.setContentsMargins(0, 0, 0, 0)
        value_row.addWidget(self.value_label)
        value_row.addWidget(self.value_field, 1)
        layout.addWidget(self.value_box, 1)

        self.value_field.valueChanged.connect(self._on_value_typed)
        unsubscribe = model.subscribe(self._on_model_changed)
        self.destroyed.connect(lambda *_: unsubscribe())

    def fit_font(self) -> None:
        """Room for two lines of the current font (bigger in presentation mode)."""
        self.inspector_label.setMinimumHeight(self.fontMetrics().height() * 2 + 6)

    def show_text(self, text: str) -> None:
        self.inspector_label.setText(text)

    def text(self) -> str:
        return self.inspector_label.text()

    def focus_value(self) -> None:
        """Put the cursor in the value field with its text selected, ready to type over."""
        self.value_field.edit.setFocus()
        self.value_field.edit.selectAll()

    # ----- model -> view ---------------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if what not in ("settings", "selection"):
            return
        cell = self._model.selected
        if cell is None:
            self.value_label.setText("Value:")
            self.value_field.setEnabled(False)
        elif self._model.selection_is_editable():
            name, i, j = cell
            self.value_label.setText(f"{name}[{i + 1},{j + 1}] =")
            self.value_field.setEnabled(True)
            self.value_field.setValue(self._model.value(*cell))
        else:
            self.value_label.setText(
                f"{cell[0]} is computed, not typed: double-click a cell of x, a W or a b."
            )
            self.value_field.setEnabled(False)

    # ----- view -> model ---------------------------------------------------------------------
    def _on_value_typed(self, value: float) -> None:
        try:
            name, i, j = self._model.type_value(value)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            return
        self.statusMessage.emit(f"{name}[{i + 1},{j + 1}] set to {value:g}.")
