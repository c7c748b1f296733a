"""Reading and atomically writing lesson files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QIODevice, QSaveFile

from visualizer.lesson import Lesson, LessonError, lesson_from_text, lesson_to_text

#: Lesson files are small; anything far larger is not one of ours.
MAX_LESSON_BYTES = 20_000_000


def read_lesson(path: str | Path) -> Lesson:
    """Read and check a lesson file; raise :class:`LessonError` with one sentence on failure."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_LESSON_BYTES:
            raise LessonError(f"{file.name} is {size / 1e6:.0f} MB, far too large for a lesson.")
        data = file.read_bytes()
    except FileNotFoundError:
        raise LessonError(f"There is no file {file}.") from None
    except IsADirectoryError:
        raise LessonError(f"{file} is a folder, not a lesson file.") from None
    except OSError as exc:
        raise LessonError(f"{file} cannot be read: {exc.strerror or exc}.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LessonError(f"{file.name} is not a text file, so it is not a lesson.") from None
    return lesson_from_text(text)


def write_lesson(path: str | Path, lesson: Lesson) -> None:
    """Write a lesson atomically: the old file stays intact until the new one is complete.

    QSaveFile writes to a temporary file and renames it over the target only on ``commit()``,
    so a crash or a full disk mid-save never destroys the previous lesson.
    """
    payload = lesson_to_text(lesson).encode("utf-8")
    save_file = QSaveFile(str(path))
    if not save_file.open(QIODevice.OpenModeFlag.WriteOnly):
        raise LessonError(f"{path} cannot be written: {save_file.errorString()}.")
    if save_file.write(payload) != len(payload):
        message = save_file.errorString()
        save_file.cancelWriting()
        save_file.commit()
        raise LessonError(f"Writing {path} failed: {message}.")
    if not save_file.commit():
        raise LessonError(f"Saving {path} failed: {save_file.errorString()}.")
