"""The contract every topic tab fulfils, so the main window can treat them alike.

The window (menus, keyboard shortcuts, lesson files, export, presentation mode) only ever
talks to a tab through the methods below. A tab overrides what it supports; the defaults say
"not supported here" honestly instead of pretending.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from visualizer.widgets.play_controls import PlayControls


class TopicTab(QWidget):
    """Base class of the four topic tabs.

    Subclasses set ``key`` (the CLI name: descent, gates, backprop, conv) and ``title``
    (the tab's label), build their view in ``__init__`` and keep their maths in
    ``visualizer.compute``.
    """

    key: str = ""
    title: str = ""

    #: A short plain-words message for the main window's status bar.
    statusMessage = Signal(str)
    #: Emitted whenever the tab's saveable state changes (for "unsaved changes" tracking).
    stateChanged = Signal()

    # ----- presets -------------------------------------------------------------------------
    def presets(self) -> list[str]:
        """Names of the presets this tab offers (exercise presets first)."""
        return []

    def load_preset(self, name: str) -> None:
        """Switch to a preset by name; raise ``KeyError`` for an unknown one."""
        raise KeyError(name)

    # ----- lesson files --------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The complete user-visible state as JSON-serialisable data."""
        return {}

    def restore_state(self, state: dict[str, Any]) -> None:
        """Restore what ``state()`` returned.

        Must validate everything first and raise ``ValueError`` with one clear sentence on
        bad data, leaving the current state untouched.
        """

    # ----- animation (Space / Left / Right / Home from the window) -------------------------
    #: A tab with an animation sets this to its transport bar; the methods below drive it.
    play_controls: PlayControls | None = None

    def has_animation(self) -> bool:
        return self.play_controls is not None

    def toggle_play(self) -> None:
        """Start or pause this tab's animation."""
        if self.play_controls is not None:
            self.play_controls.toggle_play()

    def step_forward(self) -> None:
        """Advance the animation by one frame."""
        if self.play_controls is not None:
            self.play_controls.step_forward()

    def step_back(self) -> None:
        """Go back one frame."""
        if self.play_controls is not None:
            self.play_controls.step_back()

    def rewind(self) -> None:
        """Go to the first frame (and stop playing)."""
        if self.play_controls is not None:
            self.play_controls.rewind()

    # ----- presentation --------------------------------------------------------------------
    def set_presentation(self, on: bool) -> None:
        """Thicker lines, bigger markers and fonts for a lecture hall when ``on``."""

    # ----- export --------------------------------------------------------------------------
    def export_widget(self) -> QWidget:
        """The widget that "Export view" renders (defaults to the whole tab)."""
        return self

    def export_plot_items(self) -> list[Any]:
        """pyqtgraph scenes/items for SVG export (e.g. ``plot_widget.plotItem``)."""
        return []

    def table_csv(self) -> str:
        """The tab's main table as CSV text (header row first); empty if it has none."""
        return ""

    def worked_solution_markdown(self) -> str:
        """The worked solution of the current preset or settings as Markdown."""
        return ""
