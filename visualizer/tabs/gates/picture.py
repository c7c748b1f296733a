"""The tab's picture: the network drawing beside (or above) the decision regions.

Side by side when the space is wide, one above the other when it is tall, so both get a
useful share of whatever the window leaves for the picture (a projector's 1024x768, a side
panel open or collapsed). :meth:`GatesTab.main_view` returns this widget.
"""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QWidget

#: Wider than this (width / height): side by side; otherwise one above the other.
SIDE_BY_SIDE_RATIO = 1.25


class GatesPicture(QWidget):
    """Holds the network drawing and the regions plot and lays them out by its shape."""

    def __init__(self, network: QWidget, regions: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network = network
        self.regions = regions
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addWidget(network, 3)
        self._layout.addWidget(regions, 2)
        # Below this the network's labels could not keep apart (tests/test_gates_layout.py).
        network.setMinimumSize(440, 260)
        regions.setMinimumSize(220, 220)

    def is_side_by_side(self) -> bool:
        return self._layout.direction() == QBoxLayout.Direction.LeftToRight

    def resizeEvent(self, event) -> None:
        size = event.size()
        wide = size.width() >= SIDE_BY_SIDE_RATIO * max(size.height(), 1)
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if direction != self._layout.direction():
            self._layout.setDirection(direction)
            # Side by side the network takes more width; stacked they share the height.
            self._layout.setStretch(0, 3 if wide else 1)
            self._layout.setStretch(1, 2 if wide else 1)
        super().resizeEvent(event)
