"""Render the Convolution tab's extension screenshots (dilation, transposed, channels, backward,
practice) at 1280x720 in presentation mode, each with a cell explained.

    python resources/tools/make_conv_screenshots.py [--out resources/screenshots]

Writes conv-dilation.png, conv-transposed-scatter.png, conv-transposed-equivalent.png,
conv-rgb.png, conv-backward.png and conv-practice.png.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: file name -> (preset, what to do once it is loaded; gets the tab)
SHOTS = {
    "conv-dilation.png": ("Dilation 2", lambda tab: tab.model.hover("conv", 1, 1)),
    "conv-transposed-scatter.png": (
        "Transposed convolution",
        lambda tab: tab.model.hover("conv", 2, 2),
    ),
    "conv-transposed-equivalent.png": (
        "Transposed convolution",
        lambda tab: (
            tab.model.change(transposed_view="equivalent"),
            tab.model.hover("conv", 2, 2),
        ),
    ),
    "conv-rgb.png": ("Image mode in colour", lambda tab: tab.model.hover_pixel(130, 144, 0)),
    "conv-backward.png": ("Backward pass", lambda tab: tab.model.hover("dx", 1, 1)),
    "conv-practice.png": (
        "Exercise 4a: cross-correlation",
        lambda tab: (
            tab.set_practice(True),
            tab.answer_box.type_answer("4"),  # the output size: right
            tab.answer_box.type_answer("20"),  # output row 1, column 1 is 15.5: wrong
        ),
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSize

    from visualizer.app import create_window
    from visualizer.cli import _create_application, render_screenshot

    app = _create_application()
    size = QSize(1280, 720)
    for name, (preset, act) in SHOTS.items():
        window = create_window(initial_tab="conv")
        tab = window.current_tab()
        tab.load_preset(next(p for p in tab.presets() if p.startswith(preset)))
        window.set_presentation(True, full_screen=False)
        window.resize(size)
        window.show()
        app.processEvents()
        act(tab)
        for _ in range(5):
            app.processEvents()
        path = Path(args.out) / name
        print(("wrote " if render_screenshot(window, path, size) else "FAILED ") + str(path))
        window.set_presentation(False, full_screen=False)
        window.close()
        window.deleteLater()
        app.processEvents()


if __name__ == "__main__":
    main()
