"""The playground's maps as one graphics item: an image per node, a frame round it.

Every training frame changes every neuron's map. As separate ``ImageItem``s (each with its
own levels, QImage conversion and paint call) plus a scatter for their frames, the maps
were most of the network's redraw. Here one item holds them all: a frame's colours are set
as 32-bit RGB words (``Format_RGB32``, which Qt draws without converting), only the maps'
squares are marked for repainting, and one ``paint`` draws the images and the frames. The
item also answers clicks (which node) and hovers (that node's tooltip). The big heat map is
the same item with one image and no frame, taking no mouse events (the points' view box does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPen

#: Room around a map for its frame (the selected one is drawn 4 px wide).
FRAME_PAD = 4.0


class MapNodesItem(pg.GraphicsObject):
    """Square images at given places (view pixels), each with a frame pen.

    Signals
    -------
    sigClicked(int)
        The node whose map was clicked (its index in the network's node list).
    """

    sigClicked = Signal(int)

    def __init__(self, tip: Callable[[int], str] | None = None, *, pad: float = FRAME_PAD) -> None:
        """``tip(node)`` is a node's tooltip; without it the item takes no mouse events (they
        go to what lies under it). ``pad``: room for the frames, in item units."""
        super().__init__()
        self._tip = tip
        self._pad = float(pad)
        self._rects: list[QRectF] = []
        self._nodes: list[int] = []
        self._pens: list[QPen] = []
        self._images: list[QImage | None] = []
        self._buffers: list[np.ndarray | None] = []  # the pixels each QImage points into
        self.grids: list[np.ndarray | None] = []  # what each map shows, for read methods
        self._bounds = QRectF()
        self.setAcceptHoverEvents(tip is not None)
        if tip is None:
            self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    # ----- places, pictures, frames ------------------------------------------------------
    def set_places(self, rects: Sequence[QRectF], nodes: Sequence[int]) -> None:
        """Where each map goes (in view pixels) and which network node it is."""
        self.prepareGeometryChange()
        self._rects = [QRectF(r) for r in rects]
        self._nodes = [int(k) for k in nodes]
        n = len(self._rects)
        self._images, self._buffers, self.grids = [None] * n, [None] * n, [None] * n
        self._pens = self._pens[:n] + [QPen(Qt.PenStyle.NoPen)] * (n - len(self._pens))
        bounds = QRectF()
        for rect in self._rects:
            bounds = bounds.united(rect)
        pad = self._pad
        self._bounds = bounds.adjusted(-pad, -pad, pad, pad) if n else QRectF()
        self.update()

    def set_images(self, argb: np.ndarray, grids: Sequence[np.ndarray], start: int = 0) -> None:
        """Maps ``start``, ``start + 1``, … show ``argb[k]``: (h, w) uint32 words 0xffRRGGBB.

        Only their squares are repainted.
        """
        words = np.ascontiguousarray(argb, dtype=np.uint32)
        for k, (pixels, grid) in enumerate(zip(words, grids, strict=True), start=start):
            if k >= len(self._rects):
                break
            h, w = pixels.shape
            image = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_RGB32)
            self._images[k], self._buffers[k], self.grids[k] = image, pixels, grid
            self.update(self._padded(k))

    def set_frames(self, pens: Sequence[QPen]) -> None:
        """Each map's frame pen (the selected map's is wider and coloured)."""
        for k, pen in enumerate(pens[: len(self._rects)]):
            if k >= len(self._pens) or pen is not self._pens[k]:
                self._pens[k] = pen
                self.update(self._padded(k))

    def _padded(self, k: int) -> QRectF:
        pad = self._pad
        return self._rects[k].adjusted(-pad, -pad, pad, pad)

    # ----- drawing -----------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, *_args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        for rect, image in zip(self._rects, self._images, strict=True):
            if image is not None:
                painter.drawImage(rect, image)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect, pen in zip(self._rects, self._pens, strict=True):
            painter.setPen(pen)
            painter.drawRect(rect.adjusted(-1, -1, 1, 1))

    # ----- the mouse ---------------------------------------------------------------------
    def node_at(self, pos: QPointF) -> int | None:
        """The network node whose map (with its frame) holds ``pos``, if any."""
        for k in range(len(self._rects)):
            if self._padded(k).contains(pos):
                return self._nodes[k]
        return None

    def mouseClickEvent(self, ev) -> None:
        node = self.node_at(ev.pos()) if self._tip is not None else None
        if node is None or ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self.sigClicked.emit(node)

    def hoverEvent(self, ev) -> None:
        # Hovering a map tells its neuron's formula with the numbers (TF Playground #126).
        if self._tip is None:
            return
        node = None if ev.isExit() else self.node_at(ev.pos())
        self.setToolTip(self._tip(node) if node is not None else "")

    def frame_pens(self) -> list[QPen]:
        """Each map's frame pen (for tests)."""
        return list(self._pens)
