"""Locked lessons: hide or lock controls per tab, start in practice, unlock for the session."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit

from visualizer.app import create_window
from visualizer.lesson import LessonError, lesson_from_text, lesson_to_text
from visualizer.lesson_io import read_lesson
from visualizer.lesson_lock import LessonLock
from visualizer.resources_path import resource_path
from visualizer.widgets.lock_dialog import LockDialog


def test_lock_state_round_trip_and_refusals():
    lock = LessonLock(hide={"descent": ("table",)}, disable={"conv": ("padding",)}, practice=True)
    assert LessonLock.from_state(lock.to_state()) == lock
    assert LessonLock().is_empty() and not lock.is_empty()
    for bad, words in [
        ({"hide": {"maths": ["x"]}}, "unknown tab"),
        ({"hide": {"descent": "table"}}, "not valid"),
        ({"hide": {"descent": [""]}}, "not valid"),
        ({"disable": []}, "must map tabs"),
        ({"practice": "yes"}, "true or false"),
        ({"secret": 1}, "only hide, disable and practice"),
    ]:
        with pytest.raises(ValueError, match=words):
            LessonLock.from_state(bad)


def test_shipped_lessons_have_no_lock_and_a_damaged_lock_is_refused():
    path = resource_path("lessons", "exercise-1a.json")
    lesson = read_lesson(path)
    assert lesson.lock is None
    assert "lock" not in lesson_to_text(lesson)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["lock"] = {"hide": {"descent": [3]}}
    with pytest.raises(LessonError, match="not valid"):
        lesson_from_text(json.dumps(document))


@pytest.fixture
def window(qtbot, monkeypatch):
    # Give two tabs lockable controls of their own, whatever the tabs list themselves.
    w = create_window(initial_tab="descent")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    for key in ("descent", "conv"):
        tab = w.tab(key)
        field, label = QLineEdit(tab), QLabel("table", tab)
        controls = {"lr": field, "table": label}
        monkeypatch.setattr(tab, "lockable_controls", lambda c=controls: c)
    return w


def test_lock_hides_disables_unlocks_and_round_trips(window, tmp_path):
    descent = window.tab("descent").lockable_controls()
    lock = LessonLock(hide={"descent": ("table",)}, disable={"descent": ("lr",)}, practice=True)
    path = tmp_path / "locked.json"
    window.save_lesson(path, lock=lock)
    assert window.lock() is None  # saving as locked does not lock the screen
    window.open_lesson(path)
    assert window.is_locked() and window.lock_label.isVisibleTo(window)
    assert descent["table"].isHidden() and not descent["lr"].isEnabled()
    assert window.is_practice()  # the lock starts practice mode
    window.unlock_action.trigger()  # View > Unlock
    assert not window.is_locked() and not window.lock_label.isVisibleTo(window)
    assert not descent["table"].isHidden() and descent["lr"].isEnabled()
    assert window.lesson().lock == lock  # unlocked for the session only: saving keeps it
    saved = json.loads(lesson_to_text(window.lesson()))["lock"]
    assert saved == {
        "hide": {"descent": ["table"]},
        "disable": {"descent": ["lr"]},
        "practice": True,
    }


def test_a_tab_built_after_the_lesson_is_locked_too(qtbot, monkeypatch, tmp_path):
    from visualizer.tabs.base import TopicTab

    controls: dict[str, QLabel] = {}

    def lockable(self):
        if self.key not in controls:
            controls[self.key] = QLabel("x", self)
        return {"table": controls[self.key]}

    monkeypatch.setattr(TopicTab, "lockable_controls", lockable)
    from visualizer.tabs.conv.tab import ConvTab  # (a tab with controls of its own)

    monkeypatch.setattr(ConvTab, "lockable_controls", lockable)
    window = create_window(initial_tab="descent")
    qtbot.addWidget(window)
    path = tmp_path / "locked.json"
    window.save_lesson(path, lock=LessonLock(hide={"conv": ("table",)}))
    second = create_window(initial_tab="descent")
    qtbot.addWidget(second)
    second.open_lesson(path)
    assert not second.tabs.is_built(3)
    second.show_tab("conv")
    assert controls["conv"].isHidden()


def test_lock_dialog_builds_the_lock(qtbot, window):
    dialog = LockDialog(window.lockable_controls(), None, window)
    qtbot.addWidget(dialog)
    dialog.set_choice("conv", "table", "hide", True)
    dialog.set_choice("descent", "lr", "disable", True)
    dialog.practice_box.setChecked(True)
    assert dialog.lock() == LessonLock(
        hide={"conv": ("table",)}, disable={"descent": ("lr",)}, practice=True
    )
