"""The convolution tab: builds the views of a :class:`ConvModel` and wires them together.

Controls -> model -> ``visualizer.compute.conv`` -> views. The tab holds no state and no
maths: it lays the views out, redraws them when the model says what changed, and answers
the window (presets, lessons, exports, the transport bar).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from visualizer.tabs.base import TopicTab
from visualizer.tabs.conv import explain
from visualizer.tabs.conv.captions import Captions
from visualizer.tabs.conv.grids import GridsView, input_offset
from visualizer.tabs.conv.model import ConvModel
from visualizer.tabs.conv.panel import SidePanel
from visualizer.tabs.conv.practice_bar import CompactPracticeBar
from visualizer.tabs.conv.topbar import TopBar
from visualizer.tabs.lazy_view import BuiltOnFirstUse, made
from visualizer.widgets.picture_layout import PictureLayout
from visualizer.widgets.play_controls import PlayControls

if TYPE_CHECKING:
    from visualizer.tabs.conv.image_view import ImageView


def _build_image_view(tab: ConvTab) -> ImageView:
    # Image mode's pictures (nine plots with channels): built the first time image mode shows.
    from visualizer.tabs.conv.image_view import ImageView

    view = ImageView(tab.model)
    tab.stack.addWidget(view)
    view.message.connect(tab.statusMessage)
    view.openRequested.connect(tab.open_picture)
    return view


class ConvTab(TopicTab):
    """Exercise 4: convolution, padding, stride, the size formula, pooling, and images."""

    key = "conv"
    title = "Convolution"
    model: ConvModel
    image_view = BuiltOnFirstUse(_build_image_view)

    def __init__(self, model: ConvModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(model if model is not None else ConvModel(), parent)
        model = self.model
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        self.top_bar = TopBar(model)
        self.panel = SidePanel(model)
        column = QWidget()
        centre = QVBoxLayout(column)
        centre.setContentsMargins(0, 0, 0, 0)
        centre.setSpacing(3)
        centre.addWidget(self.top_bar)
        self.stack = QStackedWidget()
        self.grids = GridsView(model)
        self.stack.addWidget(self.grids)
        centre.addWidget(self.stack, 1)
        # Practice asks under the grids, next to what it asks about, in two fixed rows.
        self.practice_bar = self.build_practice_bar()
        self.compact_practice = CompactPracticeBar(self.practice_bar)
        self.compact_practice.sync()
        centre.addWidget(self.practice_bar)
        self.captions = Captions(model)
        centre.addWidget(self.captions.formula_label)
        centre.addWidget(self.captions.explain_area)
        controls = PlayControls(1, fps=2.0)
        controls.setToolTip("Slide the window over the output, one cell per step")
        centre.addWidget(controls)
        self.bind_play_controls(controls)
        # The grids are the picture; the settings and the size solver sit beside them in a
        # panel that collapses (Ctrl+B, presentation) while the top bar stays.
        self.picture_layout = PictureLayout(
            column,
            self.panel,
            side_title="input, kernel, pooling and the size solver",
            side_size=320,
        )
        outer.addWidget(self.picture_layout)

        self.top_bar.presetChosen.connect(self.load_preset)
        self.panel.pasteRequested.connect(self.grids.paste_input)
        self.grids.message.connect(self.statusMessage)
        unsubscribe = model.subscribe(self._on_model_changed)
        unsubscribe_practice = model.practice.subscribe(self._on_practice_changed)
        # The model outlives a tab the window rebuilds: stop listening when the tab goes.
        self.destroyed.connect(lambda _obj=None: (unsubscribe(), unsubscribe_practice()))
        self._show_everything()
        self.finish_build()

    # ----- model -> views ------------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if what == "lesson" and self.play_controls is not None:
            self.play_controls.pause()  # a preset or lesson opens still, on its own step
        if what in ("settings", "lesson"):
            self._show_everything()
            self.stateChanged.emit()
        elif what == "frame":
            if self.model.settings.view != "image":
                self.grids.show_grids()
            self._show_focus()
        elif what in ("focus", "hover"):
            self._show_focus()
            if what == "focus":
                if self.model.practice.on:
                    # A clicked cell is asked next: the grids and the box follow.
                    self._show_everything()
                    self._show_practice()
                self.stateChanged.emit()

    def _on_practice_changed(self, _what: str) -> None:
        self._show_everything()  # values practice hid or showed

    def _show_everything(self) -> None:
        image_mode = self.model.settings.view == "image"
        self.top_bar.show_settings()
        self.panel.show_settings()
        self.stack.setCurrentWidget(self.image_view if image_mode else self.grids)
        assert self.play_controls is not None
        # A control a locked lesson hid stays hidden whatever the mode; practice hides the
        # values the animation would reveal, so its room goes to the practice bar.
        self.play_controls.setVisible(
            not image_mode
            and not self.model.practice.on
            and not self.play_controls.property("lockedHidden")
        )
        if image_mode:
            self.image_view.show_image()
        else:
            self.grids.show_grids()
        self.captions.show_formula()
        self._show_focus()

    def _show_focus(self) -> None:
        if self.model.settings.view == "image":
            self.image_view.show_pixel()
            self.captions.show_pixel()
            return
        focus = explain.cell_focus(self.model)
        self.grids.show_focus(focus)
        self.captions.show_focus(focus)

    def _show_practice(self) -> None:
        super()._show_practice()
        compact = getattr(self, "compact_practice", None)
        if compact is not None:  # (the base shows practice once while the bar is built)
            compact.sync()

    def apply_styles(self) -> None:
        font = self.font()
        self.captions.apply_styles(font, self.is_presentation())
        self.panel.apply_styles(font)
        image_view = made(self, "image_view")
        if image_view is not None:
            image_view.apply_styles(font, self.is_presentation())

    # ----- the window's and the tests' entry points ----------------------------------------
    def load_preset(self, name: str) -> None:
        self.model.load_preset(name)
        self.statusMessage.emit(f"Loaded: {name}")

    def step_forward(self) -> None:
        controls = self.play_controls
        assert controls is not None
        if self.model.animation_complete() and not controls.is_playing():
            controls.set_frame(0)  # stepping from the full view starts the slide
        controls.step_forward()

    def open_picture(self, path: str) -> bool:
        """Show a picture in image mode; on failure keep the current one and say why."""
        try:
            self.model.open_picture(path)
        except ValueError as exc:
            self.statusMessage.emit(str(exc))
            self.captions.show_error(str(exc))
            return False
        return True

    def set_input_cell(self, row: int, col: int, text: str) -> bool:
        """Type ``text`` into input cell (row, col) (0-based, unpadded), as a user would."""
        p = input_offset(self.model)
        return self.grids.input_grid.set_cell_text(row + p, col + p, text)

    def set_kernel_cell(self, row: int, col: int, text: str) -> bool:
        """Type ``text`` into kernel cell (row, col)."""
        return self.grids.kernel_grid.set_cell_text(row, col, text)

    def hover_cell(self, kind: str, row: int, col: int) -> None:
        """Act as if the mouse were over an output (``"conv"``) or pooled (``"pool"``) cell."""
        self.model.hover(kind, row, col)

    def hover_image_pixel(self, row: int, col: int) -> str:
        """Explain filtered pixel (row, col), as hovering it does; returns the sentence."""
        pixel = self.model.hover_pixel(row, col)
        return "" if pixel is None else pixel.text

    def focus_text(self) -> str:
        """The plain-text explanation of the explained cell (what the label shows)."""
        return explain.cell_focus(self.model).text

    def image_arrays(self) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
        """The picture, the filtered picture and the pooled one, as shown in image mode."""
        image = self.model.image
        if image is None:
            return None, None, None
        return image.picture, image.filtered, image.pooled

    def main_view(self) -> QWidget:
        """The widget holding all the grids (or, in image mode, the pictures)."""
        return self.stack

    def lockable_controls(self) -> dict[str, QWidget]:
        """What a locked lesson may hide or disable, by stable name."""
        bar, panel = self.top_bar, self.panel
        return {
            "preset": bar.preset_box,
            "view": bar.view_box,
            "mode": bar.mode_box,
            "padding": bar.padding_box,
            "stride": bar.stride_box,
            "dilation": bar.dilation_box,
            "input": panel.input_group,
            "kernel": panel.kernel_group,
            "pooling": panel.pool_group,
            "solver": panel.solver_group,
            "backward": panel.backward_group,
            "transposed": panel.transposed_group,
            "channels": panel.channels_group,
            "play": self.play_controls,
        }
