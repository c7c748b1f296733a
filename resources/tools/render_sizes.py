"""Render every tab at every projector size, in normal and presentation mode, and measure it.

    python resources/tools/render_sizes.py [--out /tmp/sizes] [--tabs descent,conv]

Writes ``<tab>-<W>x<H>[-presentation].png`` for 1024x768, 1280x720, 1366x768 and 1920x1080
and prints, for each, the share of the window's area that the tab's main picture takes
(``TopicTab.main_view()``; targets: 45% normal, 60% presentation). Look at every picture
before calling a layout done.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SIZES = ((1024, 768), (1280, 720), (1366, 768), (1920, 1080))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/sizes")
    parser.add_argument("--tabs", default="descent,gates,backprop,conv")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from PySide6.QtWidgets import QApplication

    from visualizer.app import create_window
    from visualizer.cli import _create_application
    from visualizer.layout_share import picture_share

    app = _create_application()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for key in args.tabs.split(","):
        for presentation in (False, True):
            for width, height in SIZES:
                window = create_window(initial_tab=key)
                window.set_presentation(presentation, full_screen=False)
                window.resize(width, height)
                window.show()
                for _ in range(5):
                    app.processEvents()
                share = picture_share(window)
                mode = "-presentation" if presentation else ""
                path = out / f"{key}-{width}x{height}{mode}.png"
                window.grab().save(str(path), "PNG")
                wide = window.width() > width
                print(
                    f"{path.name:40s} picture {share:5.1%}"
                    + (f"  WINDOW WIDER THAN ASKED: {window.width()}" if wide else "")
                )
                window.close()
                window.deleteLater()
                app.processEvents()
    QApplication.processEvents()


if __name__ == "__main__":
    main()
