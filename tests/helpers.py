"""Small test utilities shared by the window-level tests."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def image_is_not_blank(image: QImage, *, min_colors: int = 8) -> bool:
    """True when the image has real content: several distinct colours, not one flat fill."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return False
    colors = set()
    step_x = max(1, image.width() // 64)
    step_y = max(1, image.height() // 64)
    for y in range(0, image.height(), step_y):
        for x in range(0, image.width(), step_x):
            colors.add(image.pixel(x, y))
            if len(colors) >= min_colors:
                return True
    return False


def shown_tab(qtbot, widget: W, width: int = 1280, height: int = 760) -> W:
    """``widget`` (a topic tab) owned by ``qtbot``, at ``width`` x ``height``, shown and exposed."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
