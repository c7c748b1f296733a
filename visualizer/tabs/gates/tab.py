"""The Logic gates tab (exercise 2 and the playground): builds the views around a model.

Top: preset, convention and target (``bar``). The picture: the clickable network
(``network``) beside the decision regions (``regions``; in the playground the heat map with
the points, ``playground_map``), the worked line under them (``notes``) and the transport.
The side panel: the truth table (``table``), the verdict and the Edit weights / Train pages
(``edit_page``, ``train_page``); in the playground its data, network and training controls
with the loss curves (``playground_page``). Every view renders from the model and listens to
it, so a tab built after a lesson was applied shows the lesson.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QApplication,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.gate_training import GateTrainingRun
from visualizer.tabs.base import TopicTab
from visualizer.tabs.gates.bar import GatesBar
from visualizer.tabs.gates.edit_page import EditPage
from visualizer.tabs.gates.model import PAGES, GatesModel
from visualizer.tabs.gates.network import GateNetworkView
from visualizer.tabs.gates.notes import DiagnosisView, WorkedLine
from visualizer.tabs.gates.picture import GatesPicture
from visualizer.tabs.gates.playground_map import PlaygroundMap
from visualizer.tabs.gates.playground_page import PlaygroundPage
from visualizer.tabs.gates.regions import RegionsView
from visualizer.tabs.gates.table import TruthTableView
from visualizer.tabs.gates.train_page import TrainPage
from visualizer.widgets.picture_layout import PictureLayout

#: Width of the side panel (truth table, weights, training) when it is open.
SIDE_WIDTH = 350


class GatesTab(TopicTab):
    """Neurons as logic gates: edit weights, toggle inputs, read every z, train the weights."""

    key = "gates"
    title = "Logic gates"

    def __init__(self, model: GatesModel | None = None, parent: QWidget | None = None) -> None:
        model = model if model is not None else GatesModel()
        super().__init__(model, parent)
        self.model: GatesModel = model
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)
        self.bar = GatesBar(model)
        root.addWidget(self.bar)

        # The picture first: the network and its regions, the worked line, the transport.
        self.network_view = GateNetworkView(model)
        self.regions = RegionsView(model)
        self.play_map = PlaygroundMap(model)
        self.map_stack = QStackedWidget()
        self.map_stack.addWidget(self.regions)
        self.map_stack.addWidget(self.play_map)
        self.picture = GatesPicture(self.network_view, self.map_stack)
        self.worked_label = WorkedLine(model)
        self.picture_column = QWidget()
        column = QVBoxLayout(self.picture_column)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.picture, 1)
        # Practice asks right under the picture, next to the neuron it asks about.
        self.practice_bar = self.build_practice_bar()
        column.addWidget(self.practice_bar)
        column.addWidget(self.worked_label)

        # The side panel: truth table and verdict, then the Edit weights / Train pages.
        self.truth_table = TruthTableView(model)
        self.diagnosis_text = DiagnosisView(model)
        self.side_tabs = QTabWidget()
        self.edit_page = EditPage(model)
        self.train_page = TrainPage(model)
        for page, label in zip((self.edit_page, self.train_page), PAGES, strict=True):
            self.side_tabs.addTab(page, label)
        self.gates_side = QWidget()
        side = QVBoxLayout(self.gates_side)
        side.setContentsMargins(4, 0, 0, 0)
        side.addWidget(self.truth_table)
        side.addWidget(self.diagnosis_text, 2)
        side.addWidget(self.side_tabs, 5)
        self.playground_page = PlaygroundPage(model)
        self.side_panel = QStackedWidget()
        self.side_panel.addWidget(self.gates_side)
        self.side_panel.addWidget(self.playground_page)
        self.picture_layout = PictureLayout(
            self.picture_column,
            self.side_panel,
            side_title="truth table, weights and training",
            side_size=SIDE_WIDTH,
        )
        self.picture_layout.splitter.setSizes([3 * SIDE_WIDTH, SIDE_WIDTH])
        # The side panel's width follows the window until the teacher drags the splitter.
        self._side_chosen = False
        self.picture_layout.splitter.splitterMoved.connect(self._on_splitter_moved)
        root.addWidget(self.picture_layout, 1)
        # The transport bar belongs under the picture (it stays in presentation mode).
        column.addWidget(self.train_page.play_controls)

        self.network_view.editRequested.connect(self.edit_page.focus_value)
        self.side_tabs.currentChanged.connect(model.set_page)
        model.subscribe(self._on_model_changed)
        self._show_page()
        self._show_mode()
        self.bind_play_controls(self.train_page.play_controls)
        self._styled_for = self._style_inputs()  # the views drew themselves with these
        self.finish_build()

    # ----- model -> tab --------------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if what == "message":
            self.statusMessage.emit(self.model.message)
            return
        if what in ("settings", "page"):
            self._show_page()
        if what == "settings":
            self._show_mode()
        self.stateChanged.emit()

    def _show_page(self) -> None:
        with QSignalBlocker(self.side_tabs):
            self.side_tabs.setCurrentIndex(self.model.focus.page)

    def _show_mode(self) -> None:
        """The four gate points or the playground: which map, side page and transport show."""
        play = self.model.is_playground()
        self.map_stack.setCurrentIndex(1 if play else 0)
        self.side_panel.setCurrentIndex(1 if play else 0)
        # Only a run has frames to play (and a locked lesson may hide them anyway).
        controls = self.train_page.play_controls
        runs = play or self.model.run is not None
        controls.setVisible(runs and not controls.property("lockedHidden"))

    def _style_inputs(self) -> tuple:
        """What the views' sizes, fonts and colours depend on."""
        app_font = QApplication.font().key()
        return self.is_presentation(), self.font().key(), app_font, self.palette().cacheKey()

    def apply_styles(self) -> None:
        # Sizes follow presentation mode, fonts the window's zoom (the app font), the verdict's
        # colours the palette; redraw only when one of them changed since the last drawing.
        inputs = self._style_inputs()
        if inputs == self._styled_for:
            return
        self._styled_for = inputs
        on = self.is_presentation()
        self.network_view.set_presentation(on)
        self.regions.set_presentation(on)
        self.play_map.set_presentation(on)
        self.playground_page.set_presentation(on)
        self.worked_label.set_presentation(on)
        # A label with a style sheet does not follow its parent's font: give the bar's note
        # the bar's (larger in presentation mode).
        self.bar.convention_label.setFont(self.bar.font())
        self.train_page.set_presentation(on)
        self.truth_table.redraw()  # bold row and row heights follow the font
        self.edit_page.redraw()
        # Palette changes reach the tab before its children: judge the background here.
        self.diagnosis_text.set_dark(self.palette().base().color().lightness() < 128)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        if not self._side_chosen and width > 0 and not self.picture_layout.is_side_collapsed():
            # A wide window gives the table room for every column; a projector's 1024
            # pixels keep the picture first.
            side = int(min(max(SIDE_WIDTH, 0.3 * width), 1.25 * SIDE_WIDTH))
            total = sum(self.picture_layout.splitter.sizes()) or width
            self.picture_layout.splitter.setSizes([max(total - side, 1), side])

    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self._side_chosen = True

    def restore_layout_state(self, states: list[bytes]) -> None:
        super().restore_layout_state(states)
        self._side_chosen = True  # the teacher's own widths win

    # ----- the TopicTab contract -----------------------------------------------------------
    def main_view(self) -> QWidget:
        return self.picture

    def lockable_controls(self) -> dict[str, QWidget]:
        """What a locked lesson may hide or disable, by stable name."""
        return {
            "preset": self.bar.preset_control,
            "activation": self.bar.activation_control,
            "target": self.bar.target_control,
            "convention": self.bar.convention_label,
            "truth_table": self.truth_table,
            "verdict": self.diagnosis_text,
            "worked_line": self.worked_label,
            "regions": self.regions,
            "weights": self.edit_page.editor,
            "train": self.train_page.train_controls,
            "loss_curve": self.train_page.loss_plot,
            "side_pages": self.side_tabs,
            "transport": self.train_page.play_controls,
            # The playground's (the compact bar's two, then the side page's groups).
            "hidden_activation": self.bar.play_activation_control,
            "lr": self.bar.lr_control,
            "data": self.playground_page.data_box,
            "network": self.playground_page.network_box,
            "training": self.playground_page.training_box,
            "loss_curves": self.playground_page.loss_plot,
        }

    def toggle_play(self) -> None:
        if self.model.run is None and not self.model.is_playground():
            self.statusMessage.emit("Press Train (Train page) first: there is nothing to play.")
            return
        super().toggle_play()

    # ----- read by tests and scripts -------------------------------------------------------
    def current_layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """A copy of the network shown."""
        return [(W.copy(), b.copy()) for W, b in self.model.layers()]

    def inputs(self) -> tuple[int, int]:
        return self.model.focus.inputs

    def activation(self) -> str:
        return self.model.activation

    def target(self) -> str:
        return self.model.target

    def training_run(self) -> GateTrainingRun | None:
        return self.model.run
