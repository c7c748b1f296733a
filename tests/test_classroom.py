"""Classroom features of the window: presentation mode, zoom, keys, lessons, export, settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.helpers import image_is_not_blank
from visualizer.app import BASE_FONT_POINTS, create_window
from visualizer.lesson import LESSON_FORMAT, LESSON_VERSION, LessonError
from visualizer.resources_path import resource_path

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _normalised(state) -> object:
    """A state as it reads back from JSON (tuples become lists, and so on)."""
    return json.loads(json.dumps(state))


@pytest.fixture
def window(qtbot):
    app = QApplication.instance()
    font = app.font()
    w = create_window()
    qtbot.addWidget(w)
    yield w
    app.setFont(font)  # zoom and presentation mode change the application font


def _states(window) -> dict:
    return {tab.key: _normalised(tab.state()) for tab in window.all_tabs()}


# ----- presentation, zoom, keys ---------------------------------------------------------------
def test_presentation_mode_enlarges_fonts_and_returns(window):
    base = window.font_points()
    window.presentation_action.trigger()
    assert window.is_presentation()
    assert window.font_points() > 1.3 * base
    assert QApplication.instance().font().pointSizeF() == pytest.approx(window.font_points())
    assert window.presentation_action.shortcut().toString() == "F11"
    window.escape_shortcut.activated.emit()
    assert not window.is_presentation()
    assert window.font_points() == pytest.approx(base)


def test_zoom_in_out_reset(window):
    window.zoom_in_action.trigger()
    assert QApplication.instance().font().pointSizeF() > BASE_FONT_POINTS
    window.zoom_reset_action.trigger()
    assert QApplication.instance().font().pointSizeF() == pytest.approx(BASE_FONT_POINTS)
    window.zoom_out_action.trigger()
    assert QApplication.instance().font().pointSizeF() < BASE_FONT_POINTS
    keys = {s.toString() for s in window.zoom_in_action.shortcuts()}
    assert "Ctrl+=" in keys
    assert window.zoom_out_action.shortcut().toString() == "Ctrl+-"
    assert window.zoom_reset_action.shortcut().toString() == "Ctrl+0"
    for _ in range(40):  # zoom is bounded, never unreadably small or absurdly large
        window.zoom_out_action.trigger()
    assert QApplication.instance().font().pointSizeF() >= 0.5 * BASE_FONT_POINTS


def test_tab_shortcuts_are_ctrl_1_to_4(window):
    assert [a.shortcut().toString() for a in window.tab_actions] == [
        "Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4",
    ]  # fmt: skip


def test_space_and_arrows_step_the_current_tab(window):
    window.show_tab("descent")
    tab = window.current_tab()
    tab.rewind()
    before = _normalised(tab.state())
    right = next(s for s in window.animation_shortcuts if s.key().toString() == "Right")
    left = next(s for s in window.animation_shortcuts if s.key().toString() == "Left")
    right.activated.emit()
    after_right = _normalised(tab.state())
    assert after_right != before
    left.activated.emit()
    assert _normalised(tab.state()) == before


def test_themes_switch_the_palette(window):
    window.set_theme("dark")
    dark_window = QApplication.instance().palette().window().color().lightness()
    window.set_theme("light")
    light_window = QApplication.instance().palette().window().color().lightness()
    assert dark_window < 100 < light_window
    window.set_theme("system")
    with pytest.raises(ValueError):
        window.set_theme("purple")


@pytest.mark.parametrize("key", ["descent", "gates", "backprop", "conv"])
def test_help_page_per_topic(window, key):
    dialog = window.show_help(key)
    text = dialog.browser.toPlainText()
    assert len(text) > 300
    assert "Controls" in text
    dialog.close()


# ----- lessons ----------------------------------------------------------------------------
def test_lesson_round_trip_for_every_preset(qtbot, tmp_path):
    source = create_window()
    qtbot.addWidget(source)
    target = create_window()
    qtbot.addWidget(target)
    count = 0
    for tab in source.all_tabs():
        for preset in tab.presets():
            tab.load_preset(preset)
            source.show_tab(tab.key)
            tab.step_forward()  # the current step is part of the lesson too
            path = tmp_path / f"{tab.key}-{count}.json"
            source.save_lesson(path)
            target.open_lesson(path)
            assert _states(target) == _states(source), f"{tab.key} preset {preset!r}"
            assert target.current_key() == tab.key
            count += 1
    assert count >= 4


def test_lesson_file_is_versioned_json(window, tmp_path):
    path = tmp_path / "lesson.json"
    window.save_lesson(path)
    data = json.loads(path.read_text())
    assert data["format"] == LESSON_FORMAT
    assert data["version"] == LESSON_VERSION
    assert set(data["tabs"]) == {"descent", "gates", "backprop", "conv"}


BAD_FILES = {
    "empty.json": "",
    "truncated.json": None,  # filled from a real lesson, cut in half
    "wrong-version.json": json.dumps(
        {"format": LESSON_FORMAT, "version": 99, "current_tab": "descent", "tabs": {}}
    ),
    "not-a-lesson.json": json.dumps({"some": "thing"}),
    "binary.json": b"\x89PNG\r\n\x1a\n\x00\x00",
    "bad-tab-state.json": json.dumps(
        {
            "format": LESSON_FORMAT,
            "version": 1,
            "current_tab": "descent",
            "tabs": {"descent": {"this": "is not a descent state"}, "conv": {"nor": "this"}},
        }
    ),
}


def _write_bad(tmp_path: Path, name: str, good_text: str) -> Path:
    path = tmp_path / name
    content = BAD_FILES[name]
    if content is None:
        content = good_text[: len(good_text) // 2]
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_lesson_is_refused_and_state_kept(window, tmp_path, name, monkeypatch):
    good = tmp_path / "good.json"
    window.save_lesson(good)
    window.tab("descent").step_forward()
    before = _states(window)
    path = _write_bad(tmp_path, name, good.read_text())
    with pytest.raises(LessonError) as info:
        window.open_lesson(path)
    assert "\n" not in str(info.value)
    assert _states(window) == before
    # Through the menu: one dialog with one sentence, nothing changed.
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: shown.append(a[2])))
    window._open_lesson_reporting(path)
    assert len(shown) == 1
    assert _states(window) == before


def test_missing_lesson_file_is_refused(window, tmp_path):
    with pytest.raises(LessonError, match="no file"):
        window.open_lesson(tmp_path / "nope.json")


def test_failed_save_keeps_the_previous_file(window, tmp_path, monkeypatch):
    path = tmp_path / "lesson.json"
    window.save_lesson(path)
    original = path.read_bytes()
    holder = window.models.get("descent") or window.tab("descent")  # where lessons are read
    monkeypatch.setattr(holder, "state", lambda: {"lr": float("nan")})
    with pytest.raises(LessonError):
        window.save_lesson(path)
    assert path.read_bytes() == original


@pytest.mark.parametrize("name", ["truncated.json", "wrong-version.json", "binary.json"])
def test_command_line_refuses_bad_lesson_in_one_line(tmp_path, name):
    good_text = json.dumps({"format": LESSON_FORMAT, "version": 1, "tabs": {}}, indent=2)
    path = _write_bad(tmp_path, name, good_text)
    shot = tmp_path / "x.png"
    result = subprocess.run(
        [sys.executable, "-m", "visualizer", "--lesson", str(path), "--screenshot", str(shot)],
        capture_output=True, text=True, env=_env(), timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not shot.exists()


def test_command_line_renders_a_lesson(tmp_path):
    lesson = resource_path("lessons", "exercise-4.json")
    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "visualizer", "--lesson", str(lesson), "--screenshot", str(out)],
        capture_output=True, text=True, env=_env(), timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert image_is_not_blank(QImage(str(out)))


def test_exercise_lessons_ship_and_open(window):
    lessons = sorted(resource_path("lessons").glob("*.json"))
    names = {p.stem for p in lessons}
    assert {"exercise-1a", "exercise-1b", "exercise-1c", "exercise-1c-momentum"} <= names
    assert {"exercise-2a-and", "exercise-2b-or", "exercise-2c-xor", "exercise-2d-xnor"} <= names
    assert {"exercise-3", "exercise-4", "exercise-4b", "exercise-4c", "exercise-4d"} <= names
    for path in lessons:
        window.open_lesson(path)
    assert window.examples_menu.actions()


def test_recent_lessons_and_settings_are_restored(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = create_window(settings)
    qtbot.addWidget(first)
    first.tab("gates").load_preset(first.tab("gates").presets()[0])
    path = tmp_path / "mine.json"
    first.save_lesson(path)
    first.show_tab("backprop")
    first.resize(1000, 700)
    first.save_settings()
    assert first.recent_lessons()[0] == str(path)
    assert any(a.text() == "mine.json" for a in first.recent_menu.actions())

    second = create_window(settings)
    qtbot.addWidget(second)
    assert second.lesson_path() == str(path)
    assert second.current_key() == "backprop"
    assert second.recent_lessons()[0] == str(path)
    assert _states(second)["gates"] == _states(first)["gates"]


# ----- export -----------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["descent", "gates", "backprop", "conv"])
def test_export_view_table_and_worked_solution(window, tmp_path, key):
    window.resize(1280, 800)
    window.show()
    window.show_tab(key)
    png = tmp_path / "view.png"
    window.export_current("png", png)
    assert image_is_not_blank(QImage(str(png)))
    svg = tmp_path / "view.svg"
    window.export_current("svg", svg)
    assert "<svg" in svg.read_text()
    md = tmp_path / "solution.md"
    window.export_current("md", md)
    assert any(ch.isdigit() for ch in md.read_text())
    csv = tmp_path / "table.csv"
    window.export_current("csv", csv)
    lines = csv.read_text().splitlines()
    assert len(lines) >= 2
    assert lines[0].count(",") == lines[1].count(",")


def test_descent_worked_solution_has_the_sheet_numbers(window, tmp_path):
    window.show_tab("descent")
    window.current_tab().load_preset(window.current_tab().presets()[0])
    md = tmp_path / "1a.md"
    window.export_current("md", md)
    text = md.read_text()
    assert "-0.05" in text
    assert "-0.09575" in text
    assert "-0.13763" in text
