"""How much of the window a tab's main picture takes (issue 11's projector measure)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QMainWindow, QWidget


def visible_rect(widget: QWidget, window: QWidget) -> QRect:
    """The part of ``widget`` that shows inside ``window``, in window coordinates.

    Each ancestor clips it, so a picture inside a scroll area counts only its viewport's part.
    """
    if not widget.isVisible():
        return QRect()
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        rect = rect.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    return rect.intersected(window.rect())


def picture_share(window: QMainWindow) -> float:
    """Area of the current tab's ``main_view()`` as it shows, over the window's area."""
    rect = visible_rect(window.current_tab().main_view(), window)
    total = window.width() * window.height()
    return rect.width() * rect.height() / total if total and not rect.isEmpty() else 0.0
