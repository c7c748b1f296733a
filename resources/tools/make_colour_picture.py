"""Draw resources/sample_picture_colour.png, the picture image mode opens with in colour.

Run from anywhere: ``python resources/tools/make_colour_picture.py``. Made by the project itself
(QPainter shapes, no third-party licence), on black so that each shape lives in the channels of
its colour: the red square only in the red channel, the green disc only in the green one, the
blue triangle only in the blue one, yellow stripes in red and green, white letters in all three.
Convolution with channels then shows what one slice per input channel does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPen,
    QPolygonF,
)

SIZE = 384


def draw(size: int = SIZE) -> QImage:
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("black"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    s = size / 384.0
    # A rainbow along the top: every channel rises and falls somewhere along it.
    ramp = QLinearGradient(QPointF(0, 0), QPointF(size, 0))
    for at, colour in ((0.0, "#ff0000"), (0.33, "#00ff00"), (0.66, "#0000ff"), (1.0, "#ff0000")):
        ramp.setColorAt(at, QColor(colour))
    p.fillRect(QRectF(0, 0, size, 48 * s), QBrush(ramp))
    p.fillRect(QRectF(24 * s, 72 * s, 120 * s, 120 * s), QColor("#ff0000"))  # red only
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#00ff00"))  # green only
    p.drawEllipse(QPointF(256 * s, 132 * s), 64 * s, 64 * s)
    p.setBrush(QColor("#0000ff"))  # blue only
    p.drawPolygon(
        QPolygonF([QPointF(40 * s, 360 * s), QPointF(150 * s, 360 * s), QPointF(95 * s, 230 * s)])
    )
    p.setPen(QPen(QColor("#ffff00"), 3 * s))  # red and green
    for i in range(8):
        x = 184 * s + i * 8 * s
        p.drawLine(QPointF(x, 224 * s), QPointF(x, 290 * s))
    font = QFont("DejaVu Sans")
    font.setPixelSize(int(64 * s))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("white"))  # all three
    p.drawText(QRectF(170 * s, 292 * s, 210 * s, 84 * s), Qt.AlignmentFlag.AlignCenter, "CNN")
    p.end()
    return image.convertToFormat(QImage.Format.Format_RGB888)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    target = Path(__file__).resolve().parent.parent / "sample_picture_colour.png"
    ok = draw().save(str(target), "PNG")
    print(f"wrote {target}" if ok else f"could not write {target}")
    del app
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
