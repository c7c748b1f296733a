"""Write the exercise presets as lesson files into resources/lessons/.

Each file is a complete lesson (all four tabs) with one exercise preset loaded in its tab and
that tab in front. Run again whenever a tab's state format changes:

    QT_QPA_PLATFORM=offscreen python resources/tools/make_lessons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent.parent  # resources/
sys.path.insert(0, str(HERE.parent))

from visualizer.app import create_window  # noqa: E402

#: file stem -> (title, tab key, preset name)
LESSONS: dict[str, tuple[str, str, str]] = {
    "exercise-1a": ("Exercise 1a: GD on GeLU, lr 0.1, x0 = 0", "descent", "1a"),
    "exercise-1b": ("Exercise 1b: GD on GeLU, lr 1, x0 = 0", "descent", "1b"),
    "exercise-1c": ("Exercise 1c: GD on GeLU, lr 0.1, x0 = -3", "descent", "1c"),
    "exercise-1c-momentum": ("Exercise 1c with momentum", "descent", "1c momentum"),
    "exercise-2a-and": ("Exercise 2a: the sheet's AND", "gates", "Sheet 2a: AND"),
    "exercise-2b-or": ("Exercise 2b: the sheet's OR (really an AND)", "gates", "Sheet 2b: “OR”"),
    "exercise-2c-xor": ("Exercise 2c: the sheet's XOR", "gates", "Sheet 2c: XOR"),
    "exercise-2d-xnor": ("Exercise 2d: the sheet's XNOR", "gates", "Sheet 2d: XNOR"),
    "exercise-3": ("Exercise 3: the MLP's shapes", "backprop", "Exercise 3: the MLP's shapes"),
    "exercise-3a": ("Exercise 3a: dE/df2 = o - y", "backprop", "Exercise 3a: dE/df2 = o − y"),
    "exercise-3b": (
        "Exercise 3b: dE/dx as a chain of factors",
        "backprop",
        "Exercise 3b: dE/dx as a chain of factors",
    ),
    "exercise-4": (
        "Exercise 4a: cross-correlation, padding 1",
        "conv",
        "Exercise 4a: cross-correlation, padding 1",
    ),
    "exercise-4b": (
        "Exercise 4b: a stride for a 2x2 filter?",
        "conv",
        "Exercise 4b: a stride for a 2x2 filter? (4/3: none)",
    ),
    "exercise-4c": (
        "Exercise 4c: 2x2 average pooling",
        "conv",
        "Exercise 4c: 2x2 average pooling of F'",
    ),
    "exercise-4d": (
        "Exercise 4d: average pooling as a convolution",
        "conv",
        "Exercise 4d: average pooling as a convolution",
    ),
}


def main() -> None:
    app = QApplication.instance() or QApplication([])
    out_dir = HERE / "lessons"
    out_dir.mkdir(exist_ok=True)
    for old in out_dir.glob("*.json"):
        old.unlink()
    for stem, (title, key, preset) in LESSONS.items():
        window = create_window()
        window.tab(key).load_preset(preset)
        window.show_tab(key)
        path = out_dir / f"{stem}.json"
        window.save_lesson(path, title=title)
        window.close()
        window.deleteLater()
        print(f"wrote {path.relative_to(HERE.parent)}")
    app.processEvents()


if __name__ == "__main__":
    main()
