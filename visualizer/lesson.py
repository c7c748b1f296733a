"""Lesson files: the complete state of all four tabs as versioned JSON.

This module is plain Python (no Qt), so a lesson can be written or checked by a script.
``visualizer.lesson_io`` writes the file atomically with Qt's QSaveFile.

Format (version 1)::

    {
      "format": "dl-visualizer-lesson",
      "version": 1,
      "title": "Exercise 1a",
      "current_tab": "descent",
      "tabs": {"descent": {...}, "gates": {...}, "backprop": {...}, "conv": {...}},
      "practice": {"on": true, "tabs": {"conv": {"right": 7, "asked": 9, "code": "conv-42-3"}}},
      "lock": {"hide": {"descent": ["table"]}, "disable": {}, "practice": true}
    }

Each tab's object is what that topic model's ``state()`` returned; the model validates it
again when it is restored. ``"practice"`` is written only when practice mode was used, so
lessons without it (every older lesson) read and write exactly as before; ``"lock"``
(:mod:`visualizer.lesson_lock`) is written only by File > Save lesson as locked.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from visualizer.lesson_lock import LessonLock
from visualizer.topics import TOPIC_KEYS

LESSON_FORMAT = "dl-visualizer-lesson"
LESSON_VERSION = 1
LESSON_SUFFIX = ".dlv.json"


class LessonError(ValueError):
    """A lesson file that cannot be used; the message is one sentence for the user."""


@dataclass
class Lesson:
    """Everything a lesson file holds."""

    tabs: dict[str, dict[str, Any]] = field(default_factory=dict)
    current_tab: str = "descent"
    title: str = ""
    #: ``{"on": bool, "tabs": {key: Practice.state()}}``, or None when practice was not used.
    practice: dict[str, Any] | None = None
    #: Controls hidden or locked per tab (None: an ordinary, unlocked lesson).
    lock: LessonLock | None = None


def lesson_to_text(lesson: Lesson) -> str:
    """Serialise a lesson to JSON text (strict JSON: no NaN or Infinity)."""
    document = {
        "format": LESSON_FORMAT,
        "version": LESSON_VERSION,
        "title": lesson.title,
        "current_tab": lesson.current_tab,
        "tabs": lesson.tabs,
    }
    if lesson.practice is not None:
        document["practice"] = lesson.practice
    if lesson.lock is not None:
        document["lock"] = lesson.lock.to_state()
    try:
        return json.dumps(document, indent=2, allow_nan=False) + "\n"
    except (TypeError, ValueError) as exc:  # a tab produced something JSON cannot hold
        raise LessonError(f"The lesson could not be written as JSON: {exc}.") from None


def _reject_constant(name: str) -> float:
    raise LessonError(f"The file contains {name}, which is not a number a lesson can hold.")


def lesson_from_text(text: str) -> Lesson:
    """Parse and check lesson JSON; raise :class:`LessonError` with one clear sentence."""
    if not text.strip():
        raise LessonError("The file is empty.")
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise LessonError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}): "
            "it may be truncated or not a lesson file."
        ) from None
    except RecursionError:
        raise LessonError("The file is nested too deeply to be a lesson file.") from None
    if not isinstance(document, dict) or document.get("format") != LESSON_FORMAT:
        raise LessonError("This JSON file is not a Deep Learning Visualizer lesson.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise LessonError("The lesson file has no valid version number.")
    if version > LESSON_VERSION:
        raise LessonError(
            f"The lesson was saved by a newer version of the app (format {version}); "
            f"this one reads format {LESSON_VERSION}."
        )
    if version < 1:
        raise LessonError(f"Lesson format {version} does not exist.")
    tabs = document.get("tabs")
    if not isinstance(tabs, dict):
        raise LessonError("The lesson file has no tab settings.")
    unknown = sorted(set(tabs) - set(TOPIC_KEYS))
    if unknown:
        raise LessonError(f"The lesson file names an unknown tab: {unknown[0]!r}.")
    for key, state in tabs.items():
        if not isinstance(state, dict):
            raise LessonError(f"The settings of the {key!r} tab are not an object.")
        _check_finite(state, key)
    current_tab = document.get("current_tab", "descent")
    if current_tab not in TOPIC_KEYS:
        raise LessonError(f"The lesson's current tab {current_tab!r} does not exist.")
    title = document.get("title", "")
    if not isinstance(title, str):
        raise LessonError("The lesson's title is not text.")
    practice = document.get("practice")
    if practice is not None:
        _check_practice(practice)
    lock = None
    if "lock" in document:
        try:
            lock = LessonLock.from_state(document["lock"])
        except ValueError as exc:
            raise LessonError(str(exc)) from None
    return Lesson(tabs=tabs, current_tab=current_tab, title=title, practice=practice, lock=lock)


def _check_practice(practice: Any) -> None:
    """The shape of the practice object (each topic's scores are checked by the model)."""
    if (
        not isinstance(practice, dict)
        or set(practice) - {"on", "tabs"}
        or not isinstance(practice.get("on", False), bool)
        or not isinstance(practice.get("tabs", {}), dict)
    ):
        raise LessonError("The lesson's practice settings are not valid.")
    unknown = sorted(set(practice.get("tabs", {})) - set(TOPIC_KEYS))
    if unknown:
        raise LessonError(f"The lesson's practice names an unknown tab: {unknown[0]!r}.")


def _check_finite(value: Any, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise LessonError(f"The {where!r} tab's settings hold a number that is not finite.")
    if isinstance(value, dict):
        for item in value.values():
            _check_finite(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_finite(item, where)
