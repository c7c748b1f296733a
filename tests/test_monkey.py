"""Robustness: thousands of seeded random actions over every control of every tab.

Fails on any uncaught exception in a Qt slot (pytest-qt captures them) or any Qt critical
message (``qt_log_level_fail = CRITICAL`` in pyproject.toml). Dialogs are stubbed so nothing
blocks. A failure prints the seed and the last actions, so it can be replayed.
"""

from __future__ import annotations

import os
import random
from collections import deque

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QWidget,
)

from visualizer.app import create_window
from visualizer.topics import TOPIC_KEYS as TAB_KEYS

GARBAGE = [
    "abc", "nan", "1e309", "", "-", "inf", "-1e300", "1e300", "0", "-1", "65",
    "3.5", "1,5", " 2 ", "1e-320", "∞", "0x10",
]  # fmt: skip
ACTIONS_PER_TAB = 1500
#: Set MONKEY_TRACE=1 to print every action as it happens (to find a hard crash).
TRACE = bool(os.environ.get("MONKEY_TRACE"))


class _ActionLog(deque):
    def append(self, item: str) -> None:
        if TRACE:
            print(item, flush=True)
        super().append(item)


SEED = 20261127


@pytest.fixture
def stub_dialogs(monkeypatch):
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(
            QMessageBox, name, staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok)
        )
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *a, **k: None))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    for name in ("getText", "getDouble", "getInt", "getItem"):
        monkeypatch.setattr(QInputDialog, name, staticmethod(lambda *a, **k: ("", False)))
    monkeypatch.setattr(QDialog, "exec", lambda self: 0)
    monkeypatch.setattr(QMenu, "exec", lambda self, *a, **k: None)


def _controls(tab: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QAbstractSlider)
    found = [w for w in tab.findChildren(QWidget) if isinstance(w, kinds)]
    # Line edits inside spin boxes and combo boxes are driven through their owner.
    found = [
        w
        for w in found
        if not (isinstance(w, QLineEdit) and isinstance(w.parent(), (QAbstractSpinBox, QComboBox)))
    ]
    views = [w for w in tab.findChildren(QAbstractItemView) if w.model() is not None]
    from pyqtgraph import GraphicsView

    plots = tab.findChildren(GraphicsView)
    return found + views + plots


def _act(rng: random.Random, widget: QWidget, log: deque) -> None:
    if not shiboken6.isValid(widget):  # the tab rebuilt this control since we listed it
        return
    name = f"{type(widget).__name__}({widget.objectName() or widget.toolTip()[:30]!r})"
    if not widget.isVisible() or not widget.isEnabled():
        return
    if isinstance(widget, QAbstractButton):
        log.append(f"click {name}")
        widget.click()
    elif isinstance(widget, QLineEdit):
        text = rng.choice(GARBAGE)
        log.append(f"type {text!r} into {name}")
        widget.setText(text)
        QTest.keyClick(widget, Qt.Key.Key_Return)
        widget.editingFinished.emit()
    elif isinstance(widget, QAbstractSpinBox):
        editor = widget.findChild(QLineEdit)
        text = rng.choice([*GARBAGE, "1", "2", "7", "64", "999999"])
        log.append(f"type {text!r} into spin box {name}")
        if editor is not None:
            editor.setText(text)
        QTest.keyClick(widget, Qt.Key.Key_Return)
        widget.editingFinished.emit()
        if hasattr(widget, "maximum") and rng.random() < 0.5:
            value = rng.choice([widget.minimum(), widget.maximum()])
            log.append(f"set {name} to {value}")
            widget.setValue(value)
    elif isinstance(widget, QComboBox):
        if widget.count():
            index = rng.randrange(widget.count())
            log.append(f"choose item {index} of {name}")
            widget.setCurrentIndex(index)
        if widget.isEditable():
            widget.setEditText(rng.choice(GARBAGE))
            QTest.keyClick(widget, Qt.Key.Key_Return)
    elif isinstance(widget, QAbstractSlider):
        value = rng.randint(widget.minimum(), widget.maximum())
        log.append(f"slide {name} to {value}")
        widget.setValue(value)
    elif isinstance(widget, QAbstractItemView):
        model = widget.model()
        rows, cols = model.rowCount(), model.columnCount()
        if rows and cols:
            index = model.index(rng.randrange(rows), rng.randrange(cols))
            text = rng.choice(GARBAGE)
            log.append(f"edit cell ({index.row()},{index.column()}) of {name} to {text!r}")
            widget.setCurrentIndex(index)
            model.setData(index, text, Qt.ItemDataRole.EditRole)
    else:  # a pyqtgraph view: click and hover somewhere
        viewport = widget.viewport()
        point = QPoint(
            rng.randrange(max(1, viewport.width())), rng.randrange(max(1, viewport.height()))
        )
        log.append(f"click {name} at {point.x()},{point.y()}")
        QTest.mouseMove(viewport, point)
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        if rng.random() < 0.5:  # grid editors and graphs take typed values after a click
            # QTest can only synthesise ASCII key presses.
            text = rng.choice([t for t in GARBAGE if t.isascii()])
            log.append(f"type {text!r} into {name}")
            QTest.keyClicks(viewport, text)
            QTest.keyClick(
                viewport, rng.choice([Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab])
            )


@pytest.mark.parametrize("key", TAB_KEYS)
def test_random_actions_never_crash(qtbot, stub_dialogs, key):
    rng = random.Random(f"{SEED}-{key}")
    window = create_window(initial_tab=key)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    tab = window.tab(key)
    log: deque[str] = _ActionLog(maxlen=25)
    controls = _controls(tab)
    assert controls, f"tab {tab.title} has no controls"
    try:
        for step in range(ACTIONS_PER_TAB):
            if step % 60 == 0:
                controls = _controls(tab)  # tabs may rebuild controls (e.g. new sizes)
            if rng.random() < 0.05:
                shortcut = rng.choice(window.animation_shortcuts)
                log.append(f"key {shortcut.key().toString()}")
                shortcut.activated.emit()
            else:
                _act(rng, rng.choice(controls), log)
            if step % 10 == 0:
                qtbot.wait(1)
        tab.rewind()  # also stops a running animation
        qtbot.wait(20)
    except Exception:
        print(f"seed {SEED}-{key}; last actions:\n  " + "\n  ".join(log))
        raise
    # The app still works after the storm: the tab renders and saves its state.
    assert isinstance(tab.state(), dict)
    assert not tab.grab().isNull()
