"""Gradient descent tab: GD, momentum and friends animated on a curve, every step worked out.

The tab only builds the views and wires them to the :class:`DescentModel`: the curve plot,
the f(x_t) plot, the step in words, the settings and pins panels and the iterate table each
render the model and bind their controls to it. No maths and no checks live here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.descent import DescentParams, Trajectory
from visualizer.tabs.base import TopicTab
from visualizer.tabs.descent.model import DescentModel, DescentSettings, PinnedRun
from visualizer.tabs.descent.panel import CompactBar, CurveToolbar, PinsPanel, SettingsPanel
from visualizer.tabs.descent.plot import CurvePlot
from visualizer.tabs.descent.race_panel import RacePanel
from visualizer.tabs.descent.step_text import StepStatus, WorkedStep
from visualizer.tabs.descent.steps_plot import StepPlot
from visualizer.tabs.descent.table import IterateTable
from visualizer.tabs.lazy_view import BuiltOnFirstUse, made
from visualizer.widgets.fonts import point_size, scaled_font
from visualizer.widgets.picture_layout import PictureLayout
from visualizer.widgets.play_controls import PlayControls
from visualizer.widgets.plot_style import line_width, marker_size

if TYPE_CHECKING:  # imported when first shown (see BuiltOnFirstUse below)
    from visualizer.tabs.descent.map_view import RateMapView
    from visualizer.tabs.descent.surface_plot import SurfacePlot


class LockMirror(QObject):
    """A lesson lock hides or disables a panel control: its compact-bar twin does the same."""

    def __init__(self, parent: QObject, twins: dict[QWidget, QWidget]) -> None:
        super().__init__(parent)
        self._twins = twins
        for widget in twins:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        twin = self._twins.get(watched)  # type: ignore[call-overload]
        if twin is not None and event.type() in _LOCK_EVENTS:
            for name in ("lockedHidden", "lockedDisabled"):
                twin.setProperty(name, watched.property(name))
            twin.setEnabled(not watched.property("lockedDisabled"))
            if watched.property("lockedHidden"):
                twin.hide()
            elif event.type() == QEvent.Type.ShowToParent and not twin.isVisible():
                twin.setVisible(self._twin_wanted(twin))
        return False

    @staticmethod
    def _twin_wanted(twin: QWidget) -> bool:
        bar = twin.parentWidget()
        return bool(bar is None or getattr(bar, "wants_visible", lambda _w: True)(twin))


_LOCK_EVENTS = (
    QEvent.Type.EnabledChange,
    QEvent.Type.HideToParent,
    QEvent.Type.ShowToParent,
)

#: Width of the side panel when first shown, and the least it can be dragged to.
SIDE_WIDTH = 330
SIDE_MIN_WIDTH = 260


def _build_surface(tab: DescentTab) -> SurfacePlot:
    from visualizer.tabs.descent.surface_plot import SurfacePlot

    view = SurfacePlot(tab.model)
    tab.plots.addWidget(view)
    return view


def _build_map_view(tab: DescentTab) -> RateMapView:
    from visualizer.tabs.descent.map_view import RateMapView

    view = RateMapView(tab.model)
    view.statusMessage.connect(tab.statusMessage)
    tab.lower.addWidget(view)
    return view


class DescentTab(TopicTab):
    """Animated 1-D gradient descent on four curves, with exercise 1 as presets."""

    key = "descent"
    title = "Gradient descent"
    model: DescentModel
    # Built the first time they are shown: a lesson on the GeLU curve never pays for them.
    surface = BuiltOnFirstUse(_build_surface)  # the 2-D surface plot
    map_view = BuiltOnFirstUse(_build_map_view)  # the (lr, β) map

    def __init__(self, model: DescentModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(model if model is not None else DescentModel(), parent)
        model = self.model
        self.curve = CurvePlot(model)
        self.plots = QStackedWidget()
        self.plots.addWidget(self.curve)
        self.toolbar = CurveToolbar(model)
        self.steps_plot = StepPlot(model)
        # the f(x_t) plot, or the (lr, β) map in its place on the ravine
        self.lower = QStackedWidget()
        self.lower.addWidget(self.steps_plot)
        self.play = PlayControls(model.frame_count(), fps=2.0)
        self.step_status = StepStatus(model)
        self.worked = WorkedStep(model)
        self.settings_panel = SettingsPanel(model)
        self.pins_panel = PinsPanel(model)
        self.race_panel = RacePanel(model)
        self.iterates = IterateTable(model)
        self.compact = CompactBar(model)
        self.practice_bar = self.build_practice_bar()
        self._fitted_shape = ""
        self._lay_out()
        self.toolbar.zoom_run_button.clicked.connect(self.zoom_to_run)
        self.toolbar.whole_curve_button.clicked.connect(self.show_whole_curve)
        self.curve.x0Previewed.connect(self.settings_panel.preview_x0)
        for view in (
            self.step_status,
            self.settings_panel,
            self.pins_panel,
            self.race_panel,
            self.iterates,
            self.compact,
        ):
            view.statusMessage.connect(self.statusMessage)
        model.subscribe(self._on_model_changed)
        self.bind_play_controls(self.play)
        # The play bar's slider and "step t / n" change every frame: opaque, they repaint
        # alone instead of every widget behind them.
        for widget in (self.play, self.play.slider, self.play.frame_label):
            widget.setAutoFillBackground(True)
        self._lock_mirror = LockMirror(
            self,
            {
                self.settings_panel.preset_box: self.compact.preset_box,
                self.settings_panel.lr_field: self.compact.lr_field,
                self.settings_panel.beta_field: self.compact.beta_field,
            },
        )
        self._show_plot()
        self.finish_build()

    def _lay_out(self) -> None:
        # The picture: the curve over a row of the f(x_t) plot and the step worked out. It is
        # what the tab exists for, so it takes the space; the settings, pins and the table sit
        # in the side panel, which collapses (Ctrl+B, presentation) into the compact bar.
        bottom = self._bottom_row = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.lower)
        bottom.addWidget(self.worked)
        bottom.setStretchFactor(0, 2)
        bottom.setStretchFactor(1, 3)
        bottom.setChildrenCollapsible(False)
        bottom.setSizes([2000, 3000])  # (proportions, kept as the window resizes)
        picture = self.picture = QSplitter(Qt.Orientation.Vertical)
        picture.addWidget(self.plots)
        picture.addWidget(bottom)
        picture.setStretchFactor(0, 3)
        picture.setStretchFactor(1, 2)
        picture.setChildrenCollapsible(False)
        picture.setSizes([3000, 2000])
        self.steps_plot.setMinimumHeight(110)
        self.plots.setMinimumHeight(200)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(6)
        top.addWidget(self.compact)
        top.addWidget(self.toolbar, 1)
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(3)
        column_layout.addLayout(top)
        column_layout.addWidget(picture, 1)
        column_layout.addWidget(self.play)
        column_layout.addWidget(self.step_status)
        column_layout.addWidget(self.practice_bar)

        content = self._side_panel = QWidget()
        side_layout = QVBoxLayout(content)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.settings_panel)
        side_layout.addWidget(self.race_panel)
        side_layout.addWidget(self.pins_panel)
        side_layout.addWidget(self.iterates, 1)
        self.iterates.setMinimumHeight(150)
        # (a race adds a row per method: the panel scrolls rather than make the window taller)
        side = QScrollArea()
        side.setWidget(content)
        side.setWidgetResizable(True)
        side.setFrameShape(QFrame.Shape.NoFrame)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setMinimumWidth(SIDE_MIN_WIDTH)

        self.picture_layout = PictureLayout(
            column, side, side_title="settings, pinned runs and iterate table",
            side_size=SIDE_WIDTH,
        )  # fmt: skip
        self.picture_layout.splitter.setSizes([1280 - SIDE_WIDTH, SIDE_WIDTH])
        self.picture_layout.sideToggled.connect(self._on_side_toggled)
        self._on_side_toggled(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.picture_layout)

    def _show_plot(self) -> None:
        """The curve plot for a 1-D run, the surface plot for a 2-D one.

        A curve is wide: it lies over the f(x_t) plot and the worked step. A surface is
        drawn to scale: it stands beside them at the full height, as wide as its shape asks.
        """
        model = self.model
        surface = model.on_surface
        self.plots.setCurrentWidget(self.surface if surface else self.curve)
        self.lower.setCurrentWidget(self.map_view if model.map_shown else self.steps_plot)
        # the map needs the column's height; its readout says what the worked step would
        self.worked.setVisible(not model.map_shown and not self.worked.property("lockedHidden"))
        orientation = Qt.Orientation.Horizontal if surface else Qt.Orientation.Vertical
        shape = f"{model.settings.objective} {model.map_shown}" if surface else ""
        if self.picture.orientation() != orientation:
            self.picture.setOrientation(orientation)
            self._bottom_row.setOrientation(
                Qt.Orientation.Vertical if surface else Qt.Orientation.Horizontal
            )
            if not surface:
                self.picture.setSizes([3000, 2000])
                self._bottom_row.setSizes([2000, 3000])
        if surface and shape != self._fitted_shape:
            self._fit_surface_width()
        self._fitted_shape = shape

    def _fit_surface_width(self) -> None:
        """Give the surface the width its aspect asks at the picture's height (at most 62%
        of the width, 52% beside the map, at least 45%); the map or f(x_t) plot takes 55% of
        the column beside."""
        (x_lo, x_hi), y_range = self.model.view_ranges()
        y_lo, y_hi = y_range or (0.0, 1.0)
        aspect = (x_hi - x_lo) / max(y_hi - y_lo, 1e-9)
        total = max(self.picture.width(), 600)
        height = max(self.picture.height(), 300)
        wanted = aspect * (height - 45) + 60
        # (beside the map, the surface leaves the map half the picture)
        most = 0.52 if self.model.map_shown else 0.62
        width = int(min(max(wanted, 0.45 * total), most * total))
        self.picture.setSizes([width, total - width])
        column = max(self._bottom_row.height(), 300)
        self._bottom_row.setSizes([int(0.55 * column), column - int(0.55 * column)])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.model.on_surface:
            self._fit_surface_width()

    def _on_side_toggled(self, shown: bool) -> None:
        # The preset and the parameters a lesson is about stay at hand while the panel is away.
        self.compact.setVisible(not shown)

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "map", "restored"):
            self._show_plot()
        if what in ("preset", "restored"):
            self.play.pause()
        if what != "frame":
            self.stateChanged.emit()

    def _plot_styles(self) -> tuple[float, float, QFont]:
        presentation = self.is_presentation()
        font = QFont(self.font())
        font.setPointSizeF(point_size(font))  # (a pixel-sized font gets its points too)
        return (
            line_width(presentation),
            marker_size(presentation),
            scaled_font(font, 0.9, minimum=8.0),
        )

    def apply_styles(self) -> None:
        presentation = self.is_presentation()
        width, size, plot_font = self._plot_styles()
        font = QFont(self.font())
        font.setPointSizeF(point_size(font))
        self.curve.apply_styles(width, size, plot_font)
        for view in (made(self, "surface"), made(self, "map_view")):
            if view is not None:
                view.apply_styles(width, size, plot_font)
        self.steps_plot.apply_styles(width, size)
        self.step_status.apply_styles(font)
        # The worked lines are long: in presentation they grow less than the rest (never
        # below the normal size) so a whole step still fits beside the f(x_t) plot.
        self.worked.apply_styles(scaled_font(font, 0.85) if presentation else font)
        self.compact.apply_styles(font)
        self.iterates.fit_columns()

    # ----- the run (the window, tests and benchmarks use these) -----------------------------
    def params(self) -> DescentParams:
        return self.model.params()

    def set_params(self, params: DescentParams, *, frame: int | None = None) -> None:
        """Set every parameter at once; ``ValueError`` (nothing changed) if unusable."""
        self.model.set_settings(DescentSettings.from_params(params), frame=frame)

    def trajectory(self) -> Trajectory:
        return self.model.trajectory

    def frame(self) -> int:
        return self.model.frame

    def reset(self) -> None:
        """Back to step 0 of the current settings (stops playback)."""
        self.play.rewind()

    def load_preset(self, name: str) -> None:
        self.model.load_preset(name)

    def restore_state(self, state: dict[str, Any]) -> None:
        self.model.restore_state(state)

    def zoom_to_run(self) -> None:
        if self.model.on_surface:
            self.surface.zoom_to_run()
        else:
            self.curve.zoom_to_run()

    def show_whole_curve(self) -> None:
        if self.model.on_surface:
            self.surface.show_whole_surface()
        else:
            self.curve.show_whole_curve()

    def set_show_derivative(self, on: bool) -> None:
        self.model.set_show_derivative(on)

    # ----- pinned runs ---------------------------------------------------------------------
    def pinned_runs(self) -> list[PinnedRun]:
        return list(self.model.pins)

    def pin_run(self) -> PinnedRun:
        """Keep the current run drawn in its own colour, with a legend entry."""
        return self.pins_panel.pin()

    def remove_pin(self, pin: PinnedRun | int) -> None:
        self.model.remove_pin(pin)

    def clear_pins(self) -> None:
        self.model.clear_pins()

    # ----- lesson lock ---------------------------------------------------------------------
    def lockable_controls(self) -> dict[str, QWidget]:
        """Controls a locked lesson may hide or disable (the compact bar's twins follow)."""
        panel = self.settings_panel
        return {
            "preset": panel.preset_box,
            "curve": panel.objective_box,
            "method": panel.method_box,
            "lr": panel.lr_field,
            "beta": panel.beta_field,
            "beta2": panel.beta2_field,
            "x0": panel.x0_field,
            "steps": panel.steps_field,
            "pins": self.pins_panel,
            "table": self.iterates,
            "worked_steps": self.worked,
            "f_of_t": self.steps_plot,
            "derivative": self.toolbar.derivative_check,
            "map": self.toolbar.map_button,
            "race": self.race_panel,
        }

    # ----- the window's exports ------------------------------------------------------------
    def main_view(self) -> QWidget:
        """The picture: the curve (or surface), the f(x_t) plot and the step worked out."""
        return self.picture

    def copy_table(self) -> None:
        self.iterates.copy_table()

    def export_csv(self, path: str) -> None:
        self.iterates.export_csv(path)

    # ----- reading what is shown -----------------------------------------------------------
    def worked_text(self) -> str:
        return self.worked.text()

    def status_text(self) -> str:
        return self.step_status.text()

    def current_point(self) -> tuple[float, float] | None:
        """Where the current-point marker is drawn (on the curve, or on the surface)."""
        if self.model.on_surface:
            return self.surface.current_point()
        return self.curve.current_point()

    def arrow_lengths(self) -> tuple[float | None, float | None]:
        """Horizontal lengths of the gradient and velocity arrows (None when hidden)."""
        return self.curve.arrow_lengths()

    def trail_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The points the current run's trail line goes through."""
        return self.curve.trail.points()

    def trail_dot_positions(self) -> list[tuple[float, float]]:
        """Where the visible trail dots are (the iterates up to the current step)."""
        return self.curve.trail.dot_positions()

    def legend_names(self) -> list[str]:
        return self.curve.legend_names()

    def curve_pen_width(self) -> float:
        return self.curve.curve_pen_width()

    def cell(self, row: int, column: int) -> str | None:
        """A cell of the iterate table as shown."""
        return self.iterates.cell(row, column)
