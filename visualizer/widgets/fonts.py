"""The one font helper: sizes relative to a widget's font, safe when Qt reports no point size."""

from __future__ import annotations

from PySide6.QtGui import QFont

#: What a font without a point size (pixel-sized, or not yet resolved) is taken to be.
FALLBACK_POINTS = 11.0


def point_size(font: QFont) -> float:
    """The font's point size, or :data:`FALLBACK_POINTS` when Qt reports none (-1)."""
    size = font.pointSizeF()
    return size if size > 0 else FALLBACK_POINTS


def scaled_font(
    font: QFont, scale: float = 1.0, *, bold: bool | None = None, minimum: float = 7.0
) -> QFont:
    """A copy of ``font`` at ``scale`` times its size (never below ``minimum`` points)."""
    result = QFont(font)
    result.setPointSizeF(max(minimum, point_size(font) * scale))
    if bold is not None:
        result.setBold(bold)
    return result
