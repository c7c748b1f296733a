"""The projector measure: the visible part of a widget, clipped by every ancestor."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from visualizer.layout_share import visible_rect


def test_visible_rect_is_clipped_by_a_scroll_area(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 300)
    scroll = QScrollArea(window)
    scroll.setGeometry(0, 0, 200, 100)
    big = QLabel("big")
    big.setFixedSize(1000, 1000)
    scroll.setWidget(big)
    other = QLabel("beside", window)
    other.setGeometry(250, 50, 100, 100)
    window.show()
    clipped = visible_rect(big, window)
    assert clipped.width() <= 200 and clipped.height() <= 100 and clipped.width() > 150
    assert visible_rect(other, window) == QRect(250, 50, 100, 100)
    other.hide()
    assert visible_rect(other, window).isEmpty()


def test_nested_layouts_map_to_window_coordinates(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.setContentsMargins(10, 20, 10, 10)
    inner = QLabel("x")
    layout.addWidget(inner)
    window.resize(300, 200)
    window.show()
    rect = visible_rect(inner, window)
    assert rect.left() == 10 and rect.top() == 20
    assert rect.right() == 289 and rect.bottom() == 189
