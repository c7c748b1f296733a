"""The backprop tab: builds the views of exercise 3 and wires them to the model.

Controls -> :class:`BackpropModel` (settings -> ``visualizer.compute.backprop``) -> views.
The tab keeps no state and no maths: it lays the views out, routes hovers and clicks on
cells to the inspector and the selection, and forwards status messages to the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from visualizer.tabs.backprop.blocks import BlockStrip
from visualizer.tabs.backprop.chain import ChainView
from visualizer.tabs.backprop.model import EDITABLE, BackpropModel
from visualizer.tabs.backprop.pages import BackpropPages
from visualizer.tabs.backprop.panel import ControlsBar, InspectorRow
from visualizer.tabs.backprop.strips import ForwardView
from visualizer.tabs.base import TopicTab
from visualizer.widgets.picture_layout import PictureLayout

#: Width of the side panel (the pages) when it is first shown.
SIDE_WIDTH = 330


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

        # The picture is the forward chain over the backward chain, in one scroll area: the
        # strips wrap and grow so that the numbers of an up-to-8×8 matrix stay readable,
        # and the area scrolls rather than dropping them. The pages sit in the side panel.
        self.picture_body = QWidget()
        body = QVBoxLayout(self.picture_body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(4)
        body.addWidget(self.forward, 1)
        body.addWidget(self.chain, 1)
        self.picture = QScrollArea()
        self.picture.setWidgetResizable(True)
        self.picture.setFrameShape(QFrame.Shape.NoFrame)
        self.picture.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.picture.setWidget(self.picture_body)
        self.picture_layout = PictureLayout(
            self.picture, self.pages, side_title="pages (shapes, o − y, checks…)",
            side_size=SIDE_WIDTH,
        )  # fmt: skip
        self.picture_layout.splitter.setSizes([1280 - SIDE_WIDTH, SIDE_WIDTH])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.controls)
        layout.addWidget(self.inspector)
        # The practice bar sits right above the picture whose shapes and values it asks for.
        self.practice_bar = self.build_practice_bar()
        layout.addWidget(self.practice_bar)
        layout.addWidget(self.picture_layout, 1)

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
        self._shown_preset = self.model.preset
        self._shown_once = False
        self._focus_pending = False
        scroll = self.picture.verticalScrollBar()
        scroll.rangeChanged.connect(self._on_scroll_range_changed)
        scroll.actionTriggered.connect(lambda _action: self._end_focus())
        unsubscribe = self.model.subscribe(self._on_model_changed)
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
    def _on_model_changed(self, what: str) -> None:
        self.stateChanged.emit()
        if what in ("settings", "page"):
            QTimer.singleShot(0, self._fit_side_to_page)
        if what == "settings" and self.model.preset != self._shown_preset:
            # Another preset or lesson: show the chain it is about first.
            self._shown_preset = self.model.preset
            self._show_focus_soon()
        if what == "frame":
            # Stepping the chain (Right arrow, Play) brings the backward chain into view when
            # the picture is scrolled to the forward chain (a small screen, presentation).
            QTimer.singleShot(0, self._show_chain_strip)

    def _fit_side_to_page(self) -> None:
        """Widen the side panel (up to half the tab) so a table page shows all its columns:
        the summary, the per-sample gradients and the gradient check are read across."""
        table = self.pages.wide_table()
        layout = self.picture_layout
        if table is None or layout.is_side_collapsed():
            return
        table.resizeColumnsToContents()
        needed = table.horizontalHeader().length() + table.verticalScrollBar().sizeHint().width()
        needed += 2 * table.frameWidth() + 24  # the page's margins
        sizes = layout.splitter.sizes()
        total = sum(sizes)
        side = min(needed, total // 2)
        if len(sizes) == 2 and sizes[1] < side:
            layout.splitter.setSizes([total - side, side])

    def _show_focus_soon(self) -> None:
        # Now, and again whenever the scroll range changes while the layout settles (until
        # the user scrolls, or for half a second).
        self._focus_pending = True
        QTimer.singleShot(0, self._show_focus)
        QTimer.singleShot(500, self._end_focus)

    def _end_focus(self) -> None:
        self._focus_pending = False

    def _on_scroll_range_changed(self, _low: int, _high: int) -> None:
        if self._focus_pending:
            self._show_focus()

    def _show_focus(self) -> None:
        if self.model.focus() == "backward":
            self._show_chain_strip()
        else:
            self.picture.verticalScrollBar().setValue(0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self._show_focus_soon()

    def _show_chain_strip(self) -> None:
        """Scroll so that the backward chain (all of it when it fits) is in view."""
        scroll, seen = self.picture.verticalScrollBar(), self.picture.viewport().height()
        view = self.chain if self.chain.height() <= seen else self.chain.strip
        top = view.mapTo(self.picture_body, view.rect().topLeft()).y()
        lowest = top + min(view.height(), seen) - seen  # the view's bottom at the bottom
        if not lowest <= scroll.value() <= top:
            scroll.setValue(min(max(scroll.value(), lowest), top, scroll.maximum()))

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

    def set_presentation(self, on: bool) -> None:
        self.controls.set_presentation(on)
        self.chain.set_presentation(on)
        super().set_presentation(on)

    def apply_styles(self) -> None:
        # The strips follow the app font on their own; the inspector's height follows it
        # here, and the controls are measured again once every child has the new font.
        self.inspector.fit_font()
        QTimer.singleShot(0, self.controls.arrange)
        for strip in self.strips():
            strip.refresh()

    def lockable_controls(self) -> dict[str, QWidget]:
        """What a locked lesson may hide or disable, by stable name."""
        c = self.controls
        return {
            "preset": c.preset_box,
            "sizes": c.sizes_box,
            "class": c.class_box,
            "seed": c.seed_box,
            "letters": c.letters_check,
            "options": c.options,
            "inspector": self.inspector.inspector_label,
            "value": self.inspector.value_box,
            "what_if": self.chain.what_if_box,
            "sample": self.chain.sample_box,
            "play": self.chain.play_controls,
            "steps": self.chain.steps_label,
        }

    def main_view(self) -> QWidget:
        """The forward and backward chains (the scroll area that holds both strips)."""
        return self.picture
