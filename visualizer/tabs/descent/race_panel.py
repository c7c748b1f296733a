"""The race panel: tick the methods that race from the same start, each with its own lr and β,
and pick the one whose worked steps show.

One row per runner, in its place and colour (ticked), then one row for each method not
racing (unticked, with numbers worth starting from; what is typed there is kept). Ticking a
row adds that runner, unticking removes it; the round button selects it. Bound to the model
both ways like the settings panel: the rows are rebuilt from the model after every change.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QWidget,
)

from visualizer.compute.descent import METHOD_SHORT_LABELS, METHODS, MOMENTUM_METHODS
from visualizer.tabs.descent.items import RUNNER_COLORS
from visualizer.tabs.descent.model import FIELD_RANGES, MAX_RACERS, DescentModel, RacerSettings
from visualizer.tabs.descent.race import default_racer
from visualizer.widgets.number_field import NumberField


class RaceRow:
    """One method's row: tick, colour, select, lr and β."""

    def __init__(self, grid: QGridLayout, row: int, group: QButtonGroup) -> None:
        self.tick = QCheckBox()
        self.swatch = QLabel("■")
        self.select = QRadioButton()
        self.select.setToolTip("Show this runner's worked steps, table and practice")
        group.addButton(self.select, row)
        lo, hi = FIELD_RANGES["lr"]
        self.lr_field = NumberField(0.1, minimum=lo, maximum=hi)
        self.lr_field.setToolTip("This runner's learning rate")
        lo, hi = FIELD_RANGES["beta"]
        self.beta_field = NumberField(0.9, minimum=lo, maximum=hi)
        self.beta_field.setToolTip("This runner's β (momentum methods and Adam)")
        for field in (self.lr_field, self.beta_field):
            field.edit.setMinimumWidth(48)
        for column, widget in enumerate(
            (self.select, self.swatch, self.tick, self.lr_field, self.beta_field)
        ):
            grid.addWidget(widget, row, column)
        #: The runner's place in the race, or None for a method not racing.
        self.index: int | None = None
        self.racer = RacerSettings()

    def show(self, racer: RacerSettings, index: int | None, selected: bool) -> None:
        self.racer, self.index = racer, index
        racing = index is not None
        with QSignalBlocker(self.tick), QSignalBlocker(self.select):
            self.tick.setChecked(racing)
            self.tick.setText(METHOD_SHORT_LABELS.get(racer.method, racer.method))
            self.select.setChecked(selected)
        self.select.setEnabled(racing)
        color = RUNNER_COLORS[index % len(RUNNER_COLORS)] if racing else "#BBBBBB"
        palette = self.swatch.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
        self.swatch.setPalette(palette)
        self.lr_field.setValue(racer.lr)
        self.beta_field.setValue(racer.beta)
        self.beta_field.setEnabled(racer.method in MOMENTUM_METHODS)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.select, self.swatch, self.tick, self.lr_field, self.beta_field)


class RacePanel(QGroupBox):
    """The runners of a race on a surface (hidden on a 1-D curve)."""

    #: A refused change (e.g. a seventh runner), for the window's status bar.
    statusMessage = Signal(str)

    def __init__(self, model: DescentModel) -> None:
        super().__init__("Race from the same start")
        self.setToolTip(
            "Tick the methods that race, each with its own lr and β; ◉ picks the one whose "
            "worked steps, table and practice show (or click its legend entry)"
        )
        self.model = model
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(6, 4, 6, 4)
        self.grid.setHorizontalSpacing(4)
        self.grid.setVerticalSpacing(1)
        for column, text in enumerate(("", "", "method", "lr", "β")):
            self.grid.addWidget(QLabel(text), 0, column)
        self.grid.setColumnStretch(3, 1)
        self.grid.setColumnStretch(4, 1)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.rows: list[RaceRow] = []
        #: What was typed for methods not racing, kept until they race.
        self._waiting: dict[str, RacerSettings] = {}
        model.subscribe(self._on_model_changed)
        self.show_race()

    def _row(self, k: int) -> RaceRow:
        while len(self.rows) <= k:
            row = RaceRow(self.grid, len(self.rows) + 1, self.group)
            n = len(self.rows)
            row.tick.toggled.connect(lambda on, n=n: self._on_tick_toggled(n, on))
            row.select.toggled.connect(lambda on, n=n: self._on_select_toggled(n, on))
            row.lr_field.valueChanged.connect(lambda v, n=n: self._on_number_changed(n, lr=v))
            row.beta_field.valueChanged.connect(lambda v, n=n: self._on_number_changed(n, beta=v))
            self.rows.append(row)
        return self.rows[k]

    def _on_model_changed(self, what: str) -> None:
        if what == "settings":
            self.show_race()

    def show_race(self) -> None:
        """One ticked row per runner, in its place, then the methods not racing."""
        model = self.model
        self.setVisible(model.on_surface and not self.property("lockedHidden"))
        if not model.on_surface:
            return
        runners = [racer for racer, _traj in model.runners()]
        entries: list[tuple[RacerSettings, int | None]] = [(r, k) for k, r in enumerate(runners)]
        racing = {r.method for r in runners}
        for method in METHODS:
            if method not in racing:
                waiting = self._waiting.get(method) or default_racer(model.settings, method)
                entries.append((waiting, None))
        for k, (racer, index) in enumerate(entries):
            row = self._row(k)
            for widget in row.widgets():
                widget.setVisible(True)
            row.show(racer, index, index == model.selected_index)
        for row in self.rows[len(entries) :]:
            for widget in row.widgets():
                widget.setVisible(False)
            row.index = None

    # ----- edits ---------------------------------------------------------------------------
    def _act(self, change, *args) -> None:
        try:
            change(*args)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            self.show_race()

    def _on_tick_toggled(self, n: int, on: bool) -> None:
        row = self.rows[n]
        if on and row.index is None:
            if len(self.model.runners()) >= MAX_RACERS:
                self.statusMessage.emit(f"A race has at most {MAX_RACERS} runners.")
                self.show_race()
                return
            self._waiting.pop(row.racer.method, None)
            self._act(self.model.add_runner, row.racer)
        elif not on and row.index is not None:
            self._waiting[row.racer.method] = row.racer
            self._act(self.model.remove_runner, row.index)

    def _on_select_toggled(self, n: int, on: bool) -> None:
        row = self.rows[n]
        if on and row.index is not None:
            self._act(self.model.select_runner, row.index)

    def _on_number_changed(self, n: int, **change: float) -> None:
        row = self.rows[n]
        racer = replace(row.racer, **{k: float(v) for k, v in change.items()})
        if row.index is None:
            self._waiting[racer.method] = racer
            row.racer = racer
            return
        try:
            racer = RacerSettings.from_state(racer.to_state())
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            self.show_race()
            return
        self._act(self.model.set_runner, row.index, racer)

    # ----- reading what is shown -----------------------------------------------------------
    def row_texts(self) -> list[tuple[bool, str, bool]]:
        """(ticked, method, selected) of every row shown."""
        return [
            (r.tick.isChecked(), r.tick.text(), r.select.isChecked())
            for r in self.rows
            if r.tick.isVisibleTo(self)
        ]

    def row_of(self, method: str, *, racing: bool | None = None) -> RaceRow:
        """The first row shown for ``method`` (racing or not, if given)."""
        for r in self.rows:
            if not r.tick.isVisibleTo(self) or r.racer.method != method:
                continue
            if racing is None or (r.index is not None) == racing:
                return r
        raise KeyError(method)
