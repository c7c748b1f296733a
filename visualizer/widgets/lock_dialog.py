"""File > Save lesson as locked...: tick the controls to hide or lock in each tab."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from visualizer.lesson_lock import LessonLock


class LockDialog(QDialog):
    """One page per tab: each lockable control with a Hide and a Lock box.

    ``controls`` maps each tab key to (tab title, the tab's control names in order).
    """

    def __init__(
        self,
        controls: dict[str, tuple[str, list[str]]],
        current: LessonLock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save lesson as locked")
        current = current or LessonLock()
        self._boxes: dict[tuple[str, str, str], QCheckBox] = {}
        pages = QTabWidget()
        for key, (title, names) in controls.items():
            page = QWidget()
            grid = QGridLayout(page)
            grid.addWidget(QLabel("<b>Control</b>"), 0, 0)
            grid.addWidget(QLabel("<b>Hide</b>"), 0, 1)
            grid.addWidget(QLabel("<b>Lock</b>"), 0, 2)
            for row, name in enumerate(names, start=1):
                grid.addWidget(QLabel(name.replace("_", " ")), row, 0)
                for column, what, chosen in (
                    (1, "hide", current.hidden(key)),
                    (2, "disable", current.disabled(key)),
                ):
                    box = QCheckBox()
                    box.setChecked(name in chosen)
                    box.setToolTip(
                        f"{'Hide' if what == 'hide' else 'Lock'} {name.replace('_', ' ')}"
                    )
                    grid.addWidget(box, row, column, Qt.AlignmentFlag.AlignCenter)
                    self._boxes[(key, name, what)] = box
            grid.setRowStretch(len(names) + 1, 1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            pages.addTab(scroll, title)
        self.practice_box = QCheckBox("Start in practice mode")
        self.practice_box.setChecked(current.practice)
        note = QLabel(
            "Hidden controls disappear and locked ones cannot be changed until View > Unlock "
            "(Ctrl+Shift+U). This keeps a projected screen simple; it is not a password."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(pages, 1)
        layout.addWidget(self.practice_box)
        layout.addWidget(buttons)
        self.resize(520, 560)

    def set_choice(self, key: str, name: str, what: str, on: bool) -> None:
        """Tick or clear one box (``what``: "hide" or "disable"); for tests and scripts."""
        self._boxes[(key, name, what)].setChecked(on)

    def lock(self) -> LessonLock:
        """The lock the boxes describe."""
        hide: dict[str, list[str]] = {}
        disable: dict[str, list[str]] = {}
        for (key, name, what), box in self._boxes.items():
            if box.isChecked():
                (hide if what == "hide" else disable).setdefault(key, []).append(name)
        return LessonLock(
            hide={k: tuple(v) for k, v in hide.items()},
            disable={k: tuple(v) for k, v in disable.items()},
            practice=self.practice_box.isChecked(),
        )


def lock_pixmap(size: int = 16, color: str = "#333333") -> QPixmap:
    """A small padlock drawn with QPainter (no icon font or emoji needed)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(color))
    pen.setWidthF(size / 8)
    painter.setPen(pen)
    shackle = QRectF(size * 0.28, size * 0.08, size * 0.44, size * 0.5)
    painter.drawArc(shackle, 0, 180 * 16)
    painter.drawLine(QPointF(shackle.left(), size * 0.33), QPointF(shackle.left(), size * 0.45))
    painter.drawLine(QPointF(shackle.right(), size * 0.33), QPointF(shackle.right(), size * 0.45))
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(QRectF(size * 0.15, size * 0.45, size * 0.7, size * 0.5), 2, 2)
    painter.end()
    return pixmap
