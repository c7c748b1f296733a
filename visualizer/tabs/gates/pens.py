"""Brushes and pens reused across the gates tab's drawings, one per colour (and width).

pyqtgraph's symbol cache keys on the brush and pen objects, so a fresh one every animation
frame would grow that cache without end: the network, the regions plot and the playground's
map all take theirs from here.
"""

from __future__ import annotations

from functools import lru_cache

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QPen


@lru_cache(maxsize=512)
def cached_brush(*color) -> QBrush:
    """One QBrush per colour, reused: pyqtgraph's symbol cache keys on the brush object, so
    a fresh brush every animation frame would grow that cache without end."""
    return pg.mkBrush(*color)


@lru_cache(maxsize=512)
def cached_pen(color, width: float = 1.0) -> QPen:
    """One QPen per (colour, width), reused for the same reason as ``cached_brush``."""
    return pg.mkPen(color, width=width)
