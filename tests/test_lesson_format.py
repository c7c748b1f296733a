"""Lesson files without Qt: the format, versions, and every kind of bad file."""

from __future__ import annotations

import json

import pytest

from visualizer.lesson import (
    LESSON_FORMAT,
    LESSON_VERSION,
    Lesson,
    LessonError,
    lesson_from_text,
    lesson_to_text,
)


def _document(**overrides):
    document = {
        "format": LESSON_FORMAT,
        "version": LESSON_VERSION,
        "title": "t",
        "current_tab": "gates",
        "tabs": {"descent": {"lr": 0.1, "runs": [1, 2]}, "gates": {}},
    }
    document.update(overrides)
    return json.dumps(document)


def test_round_trip_keeps_everything():
    lesson = Lesson(tabs={"conv": {"grid": [[1.5, -2.0]], "mode": "corr"}}, current_tab="conv")
    back = lesson_from_text(lesson_to_text(lesson))
    assert back == lesson


def test_written_text_is_versioned_json():
    data = json.loads(lesson_to_text(Lesson()))
    assert data["format"] == LESSON_FORMAT
    assert data["version"] == LESSON_VERSION


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        (_document()[:40], "not valid JSON"),
        ("{'single': 'quotes'}", "not valid JSON"),
        ("[1, 2, 3]", "not a Deep Learning Visualizer lesson"),
        (json.dumps({"hello": 1}), "not a Deep Learning Visualizer lesson"),
        (_document(version=LESSON_VERSION + 1), "newer version"),
        (_document(version="1"), "no valid version"),
        (_document(version=True), "no valid version"),
        (_document(version=0), "does not exist"),
        (_document(tabs=[1]), "no tab settings"),
        (_document(tabs={"physics": {}}), "unknown tab"),
        (_document(tabs={"descent": 3}), "not an object"),
        (_document(current_tab="nope"), "current tab"),
        (_document(title=5), "title"),
        (_document().replace('"lr": 0.1', '"lr": NaN'), "not a number"),
        (_document().replace('"lr": 0.1', '"lr": 1e999'), "not finite"),
        ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ],
)
def test_bad_files_are_refused_with_one_sentence(text, words):
    with pytest.raises(LessonError) as info:
        lesson_from_text(text)
    message = str(info.value)
    assert words in message
    assert "\n" not in message
    assert "Traceback" not in message


def test_writing_non_finite_numbers_is_refused():
    with pytest.raises(LessonError):
        lesson_to_text(Lesson(tabs={"descent": {"lr": float("nan")}}))
