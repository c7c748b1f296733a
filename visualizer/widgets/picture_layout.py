"""The picture first: a tab's main picture with its side panel in a splitter that collapses.

Every tab lays itself out the same way: the picture the tab exists for takes the space, and
the settings / tables / help text sit in one side panel beside it (or below it). The panel
collapses with one click on the thin bar at its edge or with the window's key (View > Side
panel, Ctrl+B), and its width is remembered while the window lives (and across runs when
the window saves its settings: ``layout_state`` / ``restore_layout_state``).

Presentation mode collapses the panel (the picture and its one-line explanation get the
screen); leaving presentation puts back what the teacher had.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

#: Width (or height) of the bar that collapses and brings back the side panel.
TOGGLE_THICKNESS = 18


class PictureLayout(QWidget):
    """``[picture | toggle | side panel]`` (or picture above the panel for ``vertical``).

    Signals
    -------
    sideToggled(bool)
        The side panel was shown (True) or collapsed (False).
    """

    sideToggled = Signal(bool)

    def __init__(
        self,
        picture: QWidget,
        side: QWidget,
        *,
        side_title: str = "settings",
        vertical: bool = False,
        side_size: int = 380,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.picture = picture
        self.side = side
        self._side_title = side_title
        self._vertical = vertical
        self._side_size = side_size
        self._collapsed = False
        self._before_presentation: bool | None = None

        self.toggle = QToolButton()
        self.toggle.setAutoRaise(True)
        self.toggle.clicked.connect(self.toggle_side)
        if vertical:
            self.toggle.setFixedHeight(TOGGLE_THICKNESS)
            self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        else:
            self.toggle.setFixedWidth(TOGGLE_THICKNESS)
            self.toggle.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

        orientation = Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal
        self.splitter = QSplitter(orientation)
        self.splitter.addWidget(picture)
        self.splitter.addWidget(side)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, True)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

        layout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.toggle)
        self._show_toggle()

    # ----- public --------------------------------------------------------------------------
    def is_side_collapsed(self) -> bool:
        return self._collapsed

    def set_side_collapsed(self, collapsed: bool) -> None:
        """Collapse the side panel (the picture takes all the space) or bring it back."""
        collapsed = bool(collapsed)
        if collapsed == self._collapsed:
            return
        total = sum(self.splitter.sizes()) or self._side_size * 3
        if collapsed:
            sizes = self.splitter.sizes()
            if len(sizes) == 2 and sizes[1] > 0:
                self._side_size = sizes[1]
            self.splitter.setSizes([total, 0])
            self.side.hide()
        else:
            self.side.show()
            side = min(self._side_size, max(total // 2, 1))
            self.splitter.setSizes([max(total - side, 1), side])
        self._collapsed = collapsed
        self._show_toggle()
        self.sideToggled.emit(not collapsed)

    def toggle_side(self) -> None:
        self.set_side_collapsed(not self._collapsed)

    def set_presentation(self, on: bool) -> None:
        """Presentation collapses the panel; leaving it restores what was there before."""
        if on:
            if self._before_presentation is None:
                self._before_presentation = self._collapsed
            self.set_side_collapsed(True)
        elif self._before_presentation is not None:
            self.set_side_collapsed(self._before_presentation)
            self._before_presentation = None

    def layout_state(self) -> QByteArray:
        """The splitter sizes and whether the panel is collapsed, to save between runs."""
        return self.splitter.saveState()

    def restore_layout_state(self, state: QByteArray) -> None:
        self.side.show()  # a hidden panel would restore as width 0
        if not self.splitter.restoreState(state):
            self.side.setVisible(not self._collapsed)
        else:
            sizes = self.splitter.sizes()
            self._collapsed = len(sizes) == 2 and sizes[1] == 0
            self.side.setVisible(not self._collapsed)
            if not self._collapsed:
                self._side_size = sizes[1]
            self._show_toggle()

    # ----- internals -----------------------------------------------------------------------
    def _show_toggle(self) -> None:
        if self._vertical:
            arrow = "▲" if self._collapsed else "▼"
        else:
            arrow = "◀" if self._collapsed else "▶"
        verb = "Show" if self._collapsed else "Hide"
        self.toggle.setText(arrow)
        self.toggle.setToolTip(f"{verb} the {self._side_title} (Ctrl+B)")

    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        sizes = self.splitter.sizes()
        collapsed = len(sizes) == 2 and sizes[1] == 0
        if collapsed != self._collapsed:
            self._collapsed = collapsed
            self.side.setVisible(not collapsed)
            self._show_toggle()
            self.sideToggled.emit(not collapsed)
        elif not collapsed:
            self._side_size = sizes[1]
