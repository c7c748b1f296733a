"""Text that changes every training frame without re-laying the window out.

``QLabel.setText`` always calls ``updateGeometry``: unless the label's size is fixed in both
directions, its layout is invalidated and the whole window lays itself out and repaints the
widgets around it, ten times a second while a run plays. :class:`LiveText` paints its text
itself: a new text only repaints the widget. Its height is a fixed number of lines (it
changes with the font, never with the text) and its width is whatever the layout gives it;
lines too long for it are cut with an ellipsis (or wrapped, with ``wrap=True``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


class LiveText(QWidget):
    """``lines`` lines of text, repainted (never re-laid out) when the text changes."""

    def __init__(
        self,
        lines: int = 2,
        *,
        wrap: bool = False,
        background: str | None = None,
        border: str | None = None,
        colour: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._text = ""
        self._lines = max(1, int(lines))
        self._wrap = wrap
        self._background = QColor(background) if background else None
        self._border = QColor(border) if border else None
        self._colour = QColor(colour) if colour else None
        # Padding inside the border, as the style sheet of the label it replaces had.
        self._pad = (6, 3) if background or border else (0, 0)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setSizePolicy(policy)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()  # a repaint only: the size does not depend on the text

    def set_lines(self, lines: int) -> None:
        """Make room for ``lines`` lines (a layout change, so not per frame)."""
        if max(1, int(lines)) != self._lines:
            self._lines = max(1, int(lines))
            self.updateGeometry()

    def line_count(self) -> int:
        return self._lines

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        pad_x, pad_y = self._pad
        frame = 2 if self._border is not None else 0
        height = self._lines * metrics.lineSpacing() + 2 * pad_y + frame + 2
        return QSize(metrics.horizontalAdvance("x" * 30) + 2 * pad_x, height)

    def minimumSizeHint(self) -> QSize:
        return QSize(10, self.sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()  # the height follows the font (a zoom, presentation mode)
        super().changeEvent(event)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        rect = self.rect()
        if self._background is not None:
            painter.fillRect(rect, self._background)
        if self._border is not None:
            painter.setPen(QPen(self._border, 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        colour = self._colour or self.palette().windowText().color()
        painter.setPen(colour)
        pad_x, pad_y = self._pad
        inner = rect.adjusted(pad_x + 1, pad_y + 1, -pad_x - 1, -pad_y - 1)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        if self._wrap:
            painter.drawText(inner, int(flags | Qt.TextFlag.TextWordWrap), self._text)
            return
        metrics = self.fontMetrics()
        step = metrics.lineSpacing()
        for k, line in enumerate(self._text.split("\n")[: self._lines]):
            shown = metrics.elidedText(line, Qt.TextElideMode.ElideRight, inner.width())
            row = QRect(inner.x(), inner.y() + k * step, inner.width(), step)
            painter.drawText(row, int(flags), shown)
