"""The controls of the descent tab, each bound to the model both ways.

A control changes the model; the model's listeners put every control back to what the model
holds, inside a signal blocker, so nothing echoes. A refused value (``ValueError`` from the
model) is reported in one sentence and the control shows the model's value again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.descent import (
    BETA2_METHODS,
    METHOD_LABELS,
    METHOD_RULES,
    METHODS,
    MOMENTUM_METHODS,
    OBJECTIVES,
)
from visualizer.compute.surfaces import SURFACES
from visualizer.tabs.descent.items import (
    GRADIENT_COLOR,
    PIN_COLORS,
    VELOCITY_COLOR,
    set_text_color,
)
from visualizer.tabs.descent.iterates import velocity_name
from visualizer.tabs.descent.model import (
    FIELD_RANGES,
    PRESETS,
    DescentModel,
    PinnedRun,
    run_label,
)
from visualizer.widgets.number_field import NumberField

CUSTOM_LABEL = "Custom settings"


class SettingsPanel(QGroupBox):
    """Preset, curve, method and the numbers of the run."""

    #: A refused value or a preset's description, for the window's status bar.
    statusMessage = Signal(str)

    def __init__(self, model: DescentModel) -> None:
        super().__init__("Settings")
        self.model = model
        self.preset_box = QComboBox()
        for name, preset in PRESETS.items():
            self.preset_box.addItem(preset.label, name)
            self.preset_box.setItemData(
                self.preset_box.count() - 1, preset.description, Qt.ItemDataRole.ToolTipRole
            )
        self.preset_box.addItem(CUSTOM_LABEL, "")
        self.preset_box.setToolTip("The sheet's exercises and a few demonstrations")
        self.preset_box.activated.connect(self._on_preset_box_activated)
        self.objective_box = QComboBox()
        for key, obj in OBJECTIVES.items():
            self.objective_box.addItem(obj.label, key)
            self.objective_box.setItemData(
                self.objective_box.count() - 1, obj.formula, Qt.ItemDataRole.ToolTipRole
            )
        self.objective_box.insertSeparator(self.objective_box.count())
        for key, surface in SURFACES.items():
            label = "Ravine: ½(x'² + κ·y'²)" if key == "quadratic" else surface.label
            self.objective_box.addItem(f"2-D  {label}", key)
            self.objective_box.setItemData(
                self.objective_box.count() - 1, surface.description, Qt.ItemDataRole.ToolTipRole
            )
        self.objective_box.currentIndexChanged.connect(self._on_objective_box_changed)
        self.method_box = QComboBox()
        for method in METHODS:
            self.method_box.addItem(METHOD_LABELS.get(method, method), method)
            self.method_box.setItemData(
                self.method_box.count() - 1,
                METHOD_RULES.get(method, ""),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.method_box.currentIndexChanged.connect(self._on_method_box_changed)
        self.lr_field = self._field("lr", "Learning rate lr (step size)")
        self.beta_field = self._field(
            "beta", "β: how much of the previous velocity is kept (0 ≤ β < 1)"
        )
        self.beta2_field = self._field(
            "beta2", "β₂: decay of the squared-gradient average (Adam, RMSProp)"
        )
        self.x0_field = self._field("x0", "Starting point x0 (or click / drag on the curve)")
        self.y0_field = self._field("y0", "The start's y (click or drag the start on the surface)")
        self.kappa_field = self._field(
            "kappa", "Condition number κ of the ravine: how much steeper across than along (1–1000)"
        )
        self.angle_field = self._field("angle", "Angle of the ravine's long axis, in radians")
        self.steps_field = self._field("steps", "Number of updates (0 to 10,000)", integer=True)
        for box in (self.preset_box, self.objective_box, self.method_box):
            # as wide as the panel is, not as the longest entry (the panel may scroll, but
            # never sideways)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(12)
        form = QFormLayout(self)
        form.setContentsMargins(6, 4, 6, 4)
        form.setVerticalSpacing(3)
        form.addRow("Preset", self.preset_box)
        form.addRow("Curve", self.objective_box)
        form.addRow("Method", self.method_box)
        form.addRow("lr", self.lr_field)
        self.beta_label = QLabel("β")
        self.beta2_label = QLabel("β₂")
        form.addRow(self.beta_label, self.beta_field)
        form.addRow(self.beta2_label, self.beta2_field)
        form.addRow("x0", self.x0_field)
        form.addRow("y0", self.y0_field)
        form.addRow("κ", self.kappa_field)
        form.addRow("angle", self.angle_field)
        form.addRow("Steps", self.steps_field)
        self.form = form
        model.subscribe(self._on_model_changed)
        self.show_settings()

    def _field(self, name: str, tip: str, *, integer: bool = False) -> NumberField:
        lo, hi = FIELD_RANGES[name]
        value = getattr(self.model.settings, name)
        field = NumberField(value, minimum=lo, maximum=hi, integer=integer)
        field.setToolTip(tip)
        convert: Callable[[float], float | int] = int if integer else float
        field.valueChanged.connect(lambda value: self._change(**{name: convert(value)}))
        return field

    def _change(self, **changes: object) -> None:
        try:
            self.model.update(**changes)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            self.show_settings()

    def _on_model_changed(self, what: str) -> None:
        if what == "settings":
            self.show_settings()
        elif what == "preset":
            preset = self.model.preset()
            if preset is not None:
                self.statusMessage.emit(preset.description)

    def show_settings(self) -> None:
        """Every control shows the model's settings (without telling the model back)."""
        s = self.model.settings
        preset = self.model.preset()
        for box, data in (
            (self.objective_box, s.objective),
            (self.method_box, s.method),
            (self.preset_box, preset.name if preset is not None else ""),
        ):
            with QSignalBlocker(box):
                box.setCurrentIndex(box.findData(data))
        for field, value in (
            (self.lr_field, s.lr),
            (self.beta_field, s.beta),
            (self.beta2_field, s.beta2),
            (self.x0_field, s.x0),
            (self.y0_field, s.y0),
            (self.kappa_field, s.kappa),
            (self.angle_field, s.angle),
            (self.steps_field, s.steps),
        ):
            field.setValue(value)  # (a NumberField only signals what a person typed)
        for widget in (self.beta_field, self.beta_label):
            widget.setEnabled(s.method in MOMENTUM_METHODS and not _locked(widget))
        for widget in (self.beta2_field, self.beta2_label):
            widget.setEnabled(s.method in BETA2_METHODS and not _locked(widget))
        self.method_box.setToolTip(f"Update rule:\n{METHOD_RULES.get(s.method, '')}")
        self.form.setRowVisible(self.y0_field, s.on_surface)
        for field in (self.kappa_field, self.angle_field):
            self.form.setRowVisible(field, s.objective == "quadratic")
        formula = self.model.surface.formula if s.on_surface else OBJECTIVES[s.objective].formula
        self.objective_box.setToolTip(formula)

    def preview_x0(self, x0: float) -> None:
        """Show x0 while a long run's handle is dragged (the run follows on release)."""
        self.x0_field.setValue(x0)

    def _on_preset_box_activated(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        if name:
            self.model.load_preset(name)
        else:
            self.show_settings()  # "Custom" is only a label, not something to load

    def _on_objective_box_changed(self, _index: int) -> None:
        key = self.objective_box.currentData()
        if key and key != self.model.settings.objective:
            try:
                self.model.set_objective(key)
            except ValueError as exc:
                self.statusMessage.emit(str(exc))
                self.show_settings()

    def _on_method_box_changed(self, _index: int) -> None:
        method = self.method_box.currentData()
        if method and method != self.model.settings.method:
            self._change(method=method)


def _locked(widget: QWidget) -> bool:
    """True while a lesson lock disables ``widget`` (the panel must not enable it again)."""
    return bool(widget.property("lockedDisabled"))


class CompactBar(QWidget):
    """The preset and the one or two numbers a lesson is about, for when the side panel is
    collapsed (presentation mode, Ctrl+B): one row, bound to the model like the panel."""

    #: A refused value, for the window's status bar.
    statusMessage = Signal(str)

    def __init__(self, model: DescentModel) -> None:
        super().__init__()
        self.model = model
        self.preset_box = QComboBox()
        for name, preset in PRESETS.items():
            self.preset_box.addItem(preset.label, name)
        self.preset_box.addItem(CUSTOM_LABEL, "")
        self.preset_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preset_box.setMinimumContentsLength(14)
        self.preset_box.setToolTip("The sheet's exercises and a few demonstrations")
        self.preset_box.activated.connect(self._on_preset_box_activated)
        self.lr_field = self._field("lr", "Learning rate lr")
        self.beta_field = self._field("beta", "β: how much of the previous velocity is kept")
        self.beta_label = QLabel("β")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.preset_box, 1)
        row.addWidget(QLabel("lr"))
        row.addWidget(self.lr_field)
        row.addWidget(self.beta_label)
        row.addWidget(self.beta_field)
        model.subscribe(self._on_model_changed)
        self.show_settings()

    def _field(self, name: str, tip: str) -> NumberField:
        lo, hi = FIELD_RANGES[name]
        field = NumberField(getattr(self.model.settings, name), minimum=lo, maximum=hi)
        field.setToolTip(tip)
        field.setMaximumWidth(110)
        field.valueChanged.connect(lambda value: self._change(**{name: float(value)}))
        return field

    def _change(self, **changes: object) -> None:
        try:
            self.model.update(**changes)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            self.show_settings()

    def _on_model_changed(self, what: str) -> None:
        if what == "settings":
            self.show_settings()

    def show_settings(self) -> None:
        s = self.model.settings
        preset = self.model.preset()
        with QSignalBlocker(self.preset_box):
            self.preset_box.setCurrentIndex(
                self.preset_box.findData(preset.name if preset is not None else "")
            )
        self.lr_field.setValue(s.lr)
        self.beta_field.setValue(s.beta)
        for widget in (self.beta_field, self.beta_label):
            widget.setVisible(self.wants_visible(widget))

    def wants_visible(self, widget: QWidget) -> bool:
        """Whether the bar shows ``widget`` now (β only for methods with a velocity)."""
        if widget.property("lockedHidden"):
            return False
        if widget in (self.beta_field, self.beta_label):
            return self.model.settings.method in MOMENTUM_METHODS
        return True

    def _on_preset_box_activated(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        if name:
            self.model.load_preset(name)
        else:
            self.show_settings()

    def apply_styles(self, font) -> None:
        """Fields as wide as a number at the current font."""
        width = QFontMetrics(font).horizontalAdvance("−0.00000") + 16
        for field in (self.lr_field, self.beta_field):
            field.setMaximumWidth(width)


class CurveToolbar(QWidget):
    """Above the curve: zoom buttons, what the arrows mean, and the f'(x) switch."""

    def __init__(self, model: DescentModel) -> None:
        super().__init__()
        self.model = model
        self.zoom_run_button = QPushButton("Zoom to run")
        self.zoom_run_button.setToolTip("Fit the view to the iterates (useful when steps are tiny)")
        self.whole_curve_button = QPushButton("Whole curve")
        self.whole_curve_button.setToolTip("Back to the curve's usual range")
        self.arrow_key = QLabel()
        self.arrow_key.setTextFormat(Qt.TextFormat.RichText)
        self.arrow_key.setToolTip(
            "Arrows at the current point: where a plain gradient step would go (−lr·f'), "
            "and the push of the carried velocity (−lr·v) for momentum methods"
        )
        self.derivative_check = QCheckBox("Show f'(x)")
        self.derivative_check.setToolTip("Draw the derivative f'(x) as a dashed grey curve")
        self.derivative_check.toggled.connect(model.set_show_derivative)
        self.map_button = QPushButton("(lr, β) map")
        self.map_button.setCheckable(True)
        self.map_button.setToolTip(
            "Heavy ball's convergence rate over lr and β on this ravine, in place of the "
            "f(x_t) plot: click it to set lr and β"
        )
        self.map_button.toggled.connect(self._on_map_button_toggled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)  # as tight as the plot below it
        row.addWidget(self.zoom_run_button)
        row.addWidget(self.whole_curve_button)
        row.addSpacing(12)
        row.addWidget(self.arrow_key)
        row.addStretch(1)
        row.addWidget(self.map_button)
        row.addWidget(self.derivative_check)
        model.subscribe(self._on_model_changed)
        self._on_model_changed("settings")

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "derivative"):
            with QSignalBlocker(self.derivative_check):
                self.derivative_check.setChecked(self.model.show_derivative)
        if what in ("settings", "map", "restored"):
            with QSignalBlocker(self.map_button):
                self.map_button.setChecked(self.model.map_shown)
            self.map_button.setVisible(
                self.model.settings.objective == "quadratic" and not _hidden(self.map_button)
            )
        if what == "settings":
            surface = self.model.on_surface
            self.derivative_check.setVisible(not surface and not _hidden(self.derivative_check))
            self.whole_curve_button.setText("Whole surface" if surface else "Whole curve")
            slope = "∇f" if surface else "f'(x)"
            key = f'<span style="color:{GRADIENT_COLOR}">━▶</span> −lr·{slope}'
            name = velocity_name(self.model.settings.method)
            if name is not None:
                key += f'&nbsp;&nbsp;<span style="color:{VELOCITY_COLOR}">━▶</span> −lr·{name}'
            self.arrow_key.setText(key)

    def _on_map_button_toggled(self, on: bool) -> None:
        form = "ema" if self.model.settings.method == "momentum" else "heavy_ball"
        self.model.set_map_form(form if on else None)


def _hidden(widget: QWidget) -> bool:
    """True while a lesson lock hides ``widget`` (the view must not show it again)."""
    return bool(widget.property("lockedHidden"))


class PinnedRunRow(QWidget):
    """One pinned run in the list: its colour, its settings in words, and a remove button."""

    def __init__(self, color: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.swatch = QLabel("■")
        palette = self.swatch.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
        self.swatch.setPalette(palette)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setToolTip("Remove this pinned run")
        self.remove_button.setAccessibleName(f"Remove pinned run {text}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.swatch)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.remove_button)


class PinsPanel(QGroupBox):
    """Pin the current run to compare it with later ones; each pin can be removed."""

    #: "Pinned run: ..." for the window's status bar.
    statusMessage = Signal(str)

    def __init__(self, model: DescentModel) -> None:
        super().__init__("Compare runs")
        self.model = model
        self._rows: dict[PinnedRun, PinnedRunRow] = {}
        self.pin_button = QPushButton("Pin run")
        self.pin_button.setToolTip("Keep this run on screen in its own colour, to compare")
        self.pin_button.clicked.connect(self.pin)
        self.clear_button = QPushButton("Remove all")
        self.clear_button.setToolTip("Remove every pinned run")
        self.clear_button.clicked.connect(model.clear_pins)
        self.rows_widget = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_widget)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(1)
        self.rows_layout.addStretch(1)
        self.hint = QLabel("No pinned runs: press “Pin run” to keep this one for comparison.")
        self.hint.setWordWrap(True)
        set_text_color(self.hint, "#555555")
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.rows_widget)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setMaximumHeight(84)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pin_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.scroll)
        model.subscribe(self._on_model_changed)
        self.show_pins()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "pins"):
            self.show_pins()

    def show_pins(self) -> None:
        """One row per pinned run; pins made on another curve are greyed out."""
        pins = self.model.pins
        for pin in [p for p in self._rows if p not in pins]:
            row = self._rows.pop(pin)
            row.setParent(None)
            row.deleteLater()
        objective = self.model.settings.objective
        for pin in pins:
            row = self._rows.get(pin)
            if row is None:
                row = PinnedRunRow(PIN_COLORS[pin.slot % len(PIN_COLORS)], pin.label())
                row.remove_button.clicked.connect(lambda _=False, p=pin: self.model.remove_pin(p))
                self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
                self._rows[pin] = row
            same_curve = pin.settings.objective == objective
            row.setEnabled(same_curve)
            row.setToolTip("" if same_curve else "Pinned on another curve: hidden here")
        self.hint.setVisible(not pins)
        self.scroll.setVisible(bool(pins))
        self.clear_button.setEnabled(bool(pins))

    def pin(self) -> PinnedRun:
        """Pin the current run (and say so in the status bar)."""
        pin = self.model.pin_run()
        self.statusMessage.emit(f"Pinned run: {run_label(pin.settings)}")
        return pin

    # ----- reading what is shown -----------------------------------------------------------
    def row(self, index: int) -> PinnedRunRow:
        return self._rows[self.model.pins[index]]

    def row_texts(self) -> list[str]:
        return [self._rows[pin].label.text() for pin in self.model.pins]
