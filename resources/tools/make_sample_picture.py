"""Draw resources/sample_picture.png, the picture the convolution tab's image mode opens with.

Run from anywhere: ``python resources/tools/make_sample_picture.py``. The picture is made by the
project itself (shapes, stripes, a gradient and text drawn with QPainter), so it carries no
third-party licence and shows what edge, blur and sharpen kernels do: straight edges in both
directions, a curve, fine stripes, a smooth ramp and letters.
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
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    s = size / 384.0
    # A smooth left-to-right ramp along the top: blur leaves it, edge kernels barely see it.
    ramp = QLinearGradient(QPointF(0, 0), QPointF(size, 0))
    ramp.setColorAt(0.0, QColor("black"))
    ramp.setColorAt(1.0, QColor("white"))
    p.fillRect(QRectF(0, 0, size, 48 * s), QBrush(ramp))
    # A dark square: vertical and horizontal edges for Sobel x / y.
    p.fillRect(QRectF(24 * s, 72 * s, 120 * s, 120 * s), QColor("#202020"))
    # A mid-grey disc: a curved edge.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#808080"))
    p.drawEllipse(QPointF(256 * s, 132 * s), 64 * s, 64 * s)
    # A triangle: diagonal edges.
    p.setBrush(QColor("#404040"))
    p.drawPolygon(
        QPolygonF([QPointF(40 * s, 360 * s), QPointF(150 * s, 360 * s), QPointF(95 * s, 230 * s)])
    )
    # Fine vertical stripes: a blur smears them, a sharpen kernel keeps them.
    p.setPen(QPen(QColor("black"), 3 * s))
    for i in range(8):
        x = 184 * s + i * 8 * s
        p.drawLine(QPointF(x, 224 * s), QPointF(x, 290 * s))
    # Text.
    font = QFont("DejaVu Sans")
    font.setPixelSize(int(64 * s))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("black"))
    p.drawText(QRectF(170 * s, 292 * s, 210 * s, 84 * s), Qt.AlignmentFlag.AlignCenter, "CNN")
    p.end()
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    target = Path(__file__).resolve().parent.parent / "sample_picture.png"
    ok = draw().save(str(target), "PNG")
    print(f"wrote {target}" if ok else f"could not write {target}")
    del app
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
