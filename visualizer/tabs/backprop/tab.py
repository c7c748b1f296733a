"""The backprop tab: builds the views of exercise 3 and wires them to the model.

Controls -> :class:`BackpropModel` (settings -> ``visualizer.compute.backprop``) -> views.
The tab keeps no state and no maths: it lays the views out, routes hovers and clicks on
cells to the inspector and the selection, and forwards status messages to the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from visualizer.tabs.backprop.blocks import BlockStrip
from visualizer.tabs.backprop.chain import ChainView
from visualizer.tabs.backprop.model import EDITABLE, BackpropModel
from visualizer.tabs.backprop.pages import BackpropPages
from visualizer.tabs.backprop.panel import ControlsBar, InspectorRow
from visualizer.tabs.backprop.strips import ForwardView
from visualizer.tabs.base import TopicTab


class BackpropTab(TopicTab):
    """Exercise 3: forward chain, backward chain of Jacobians, shortcut, checks, worked sum.

    Attributes
    ----------
    controls : ControlsBar
    inspector : InspectorRow
    forward : ForwardView
    chain : ChainView
    pages : BackpropPages
    """

    key = "backprop"
    title = "Backprop shapes"
    model: BackpropModel

    def __init__(self, model: BackpropModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(model if model is not None else BackpropModel(), parent)
        self.controls = ControlsBar(self.model)
        self.inspector = InspectorRow(self.model)
        self.forward = ForwardView(self.model)
        self.chain = ChainView(self.model)
        self.pages = BackpropPages(self.model)
        self.bind_play_controls(self.chain.play_controls)

        # The forward chain needs the full width (eleven blocks); the backward chain is
        # limited by its height, so it shares the lower half with the pages.
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.chain)
        lower.addWidget(self.pages)
        lower.setChildrenCollapsible(False)
        lower.setSizes([720, 540])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.forward)
        self.splitter.addWidget(lower)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([250, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.controls)
        layout.addWidget(self.inspector)
        layout.addWidget(self.splitter, 1)

        for strip in self.strips():
            strip.cellHovered.connect(self._on_strip_cell_hovered)
            if strip is not self.forward.strip:
                # A click also explains a cell: hovering is awkward on a touch screen.
                strip.cellClicked.connect(self._on_strip_cell_hovered)
        self.forward.strip.cellClicked.connect(self.select_cell)
        self.forward.strip.cellDoubleClicked.connect(self._on_forward_cell_double_clicked)
        self.chain.variant_combo.currentIndexChanged.connect(self._on_variant_combo_changed)
        self.controls.statusMessage.connect(self.statusMessage)
        self.inspector.statusMessage.connect(self.statusMessage)
        unsubscribe = self.model.subscribe(lambda _what: self.stateChanged.emit())
        self.destroyed.connect(lambda *_: unsubscribe())
        self.finish_build()

    # ----- read methods ----------------------------------------------------------------------
    def strips(self) -> list[BlockStrip]:
        """Every strip of matrices: forward, backward, parameter gradients, shortcut."""
        return [self.forward.strip, self.chain.strip, self.pages.params_strip,
                self.pages.shortcut_strip]  # fmt: skip

    def inspector_text(self) -> str:
        return self.inspector.text()

    # ----- wiring ----------------------------------------------------------------------------
    def _on_strip_cell_hovered(self, key: str, i: int, j: int) -> None:
        strip = self.sender()
        if isinstance(strip, BlockStrip):
            self.inspector.show_text(strip.explain(key, i, j))

    def select_cell(self, key: str, i: int, j: int) -> None:
        """Select a forward-chain cell; x, W1, b1, W2 and b2 cells can then be typed into."""
        self.model.select_cell(key, i, j)
        self.inspector.show_text(self.model.explain_forward(key, i, j))

    def _on_forward_cell_double_clicked(self, key: str, i: int, j: int) -> None:
        if key in EDITABLE:
            self.select_cell(key, i, j)
            self.inspector.focus_value()

    def _on_variant_combo_changed(self, _index: int) -> None:
        # After the chain view told the model: say what this chain comes to.
        self.inspector.show_text(self.model.result.chain.note)

    # ----- TopicTab contract -----------------------------------------------------------------
    def load_preset(self, name: str) -> None:
        super().load_preset(name)
        self.statusMessage.emit(f"Preset: {name}")

    def apply_styles(self) -> None:
        # The strips follow the app font on their own; the inspector's height follows it
        # here, and the controls are measured again once every child has the new font.
        self.inspector.fit_font()
        QTimer.singleShot(0, self.controls.arrange)
        for strip in self.strips():
            strip.refresh()

    def main_view(self) -> QWidget:
        return self.splitter

    def table_csv(self) -> str:
        return self.model.table_csv()

    def worked_solution_markdown(self) -> str:
        return self.model.worked_solution_markdown()
