"""Image mode with channels: a table of the picture's channels, the kernels and their outputs.

::

    [Open / Sample]  [red]    [green]  [blue]   [picture]
    Kernel 1, b1     [slice]  [slice]  [slice]  [filtered 1]
    Kernel 2, b2     [slice]  [slice]  [slice]  [filtered 2]

Slice c of each kernel sits under input channel c (each channel in its own colour), and each
kernel's row ends with its filtered picture: its bias plus one sum of products per channel.
Hovering a filtered picture asks the model to explain that pixel and outlines its window on
the picture and on every channel.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGridLayout, QLabel, QVBoxLayout, QWidget

from visualizer.compute import conv
from visualizer.tabs.conv import explain
from visualizer.tabs.conv.channels import ChannelResult, channel_names
from visualizer.tabs.conv.grid_widget import GridWidget
from visualizer.tabs.conv.model import ConvModel
from visualizer.tabs.conv.settings import MAX_CHANNELS
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR


def tinted(levels: np.ndarray, channel: int) -> np.ndarray:
    """One colour channel (0..255) shown in its own colour: (H, W, 3) bytes."""
    image = np.zeros((*levels.shape, 3), np.uint8)
    image[:, :, channel] = np.clip(levels, 0, 255).astype(np.uint8)
    return image


class PictureBox(pg.GraphicsLayoutWidget):
    """One picture with its title and an outline for a window; reports the pixel hovered.

    Signals
    -------
    pixelHovered(int, int)
        The mouse is over pixel (row, col) of the picture.
    """

    pixelHovered = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.label = self.addLabel("", row=0, col=0)
        self.box = self.addViewBox(row=1, col=0, lockAspect=True, invertY=True)
        self.box.setMouseEnabled(False, False)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.item)
        self.window = QGraphicsRectItem()
        pen = QPen(QColor(HIGHLIGHT_COLOR), 2)
        pen.setCosmetic(True)
        self.window.setPen(pen)
        self.window.setZValue(10)
        self.window.hide()
        self.box.addItem(self.window)
        # A window of a few pixels is a dot on a shrunk picture: a ring of fixed screen size
        # around it shows where it is from the back of the room.
        self.marker = pg.ScatterPlotItem(
            size=22, symbol="o", pen=pg.mkPen(HIGHLIGHT_COLOR, width=3), brush=None, pxMode=True
        )
        self.marker.setZValue(11)
        self.box.addItem(self.marker)
        self.shown: np.ndarray | None = None
        self.title = ""
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def set_picture(self, levels: np.ndarray | None) -> None:
        """Show 0..255 bytes (gray, or (H, W, 3) colour); None clears."""
        if levels is None:
            self.item.clear()
        elif self.shown is None or not np.array_equal(self.shown, levels):
            self.item.setImage(levels, levels=(0, 255), autoLevels=False)
            self.box.autoRange(padding=0.02)
        self.shown = levels

    def set_title(self, text: str, points: float) -> None:
        self.title = text
        self.label.setText(html.escape(text), size=f"{points:.0f}pt")

    def set_window(self, window: tuple[int, int, int, int] | None) -> None:
        """Outline ``(x, y, width, height)`` on the picture, ringed; None hides both."""
        if window is None:
            self.window.hide()
            self.marker.setData([], [])
        else:
            self.window.setRect(QRectF(*window))
            self.window.show()
            x, y, w, h = window
            self.marker.setData([x + w / 2], [y + h / 2])

    def set_pixel(self, pixel: tuple[int, int] | None) -> None:
        """Ring pixel (row, col) (the one explained); None hides the ring."""
        if pixel is None:
            self.marker.setData([], [])
        else:
            self.marker.setData([pixel[1] + 0.5], [pixel[0] + 0.5])

    def ring(self) -> tuple[float, float] | None:
        """Where the ring is drawn (x, y in picture pixels), if it is (tests)."""
        xs, ys = self.marker.getData()
        return None if len(xs) == 0 else (float(xs[0]), float(ys[0]))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self.box.sceneBoundingRect().contains(scene_pos):
            point = self.box.mapSceneToView(scene_pos)
            self.pixelHovered.emit(int(np.floor(point.y())), int(np.floor(point.x())))


class ChannelPictures(QWidget):
    """The table: channels on top, one row of slices per kernel; the outputs on the right.

    Signals
    -------
    message(str)
        A short sentence for the status bar (a typed weight).
    """

    message = Signal(str)

    def __init__(self, model: ConvModel, buttons: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._title_points = 11.0
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        #: The picture in colour, under the picture buttons (top left).
        self.picture_box = PictureBox()
        corner = QWidget()
        column = QVBoxLayout(corner)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(buttons)
        column.addWidget(self.picture_box, 1)
        layout.addWidget(corner, 0, 0)
        self.channel_boxes = [PictureBox() for _ in range(MAX_CHANNELS)]
        self.output_boxes = [PictureBox() for _ in range(MAX_CHANNELS)]
        self.slices = [
            [GridWidget("", editable=True) for _ in range(MAX_CHANNELS)]
            for _ in range(MAX_CHANNELS)
        ]
        for row in self.slices:
            for grid in row:
                grid.set_plain(True)  # its row names the kernel, its column the channel
        self.kernel_labels = [QLabel() for _ in range(MAX_CHANNELS)]
        for c, box in enumerate(self.channel_boxes):
            layout.addWidget(box, 0, 1 + c)
        for o in range(MAX_CHANNELS):
            self.kernel_labels[o].setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(self.kernel_labels[o], 1 + o, 0)
            for c, grid in enumerate(self.slices[o]):
                grid.setMinimumSize(60, 60)
                grid.setToolTip("Click a weight and type a number")
                layout.addWidget(grid, 1 + o, 1 + c)
                grid.cellEdited.connect(
                    lambda row, col, value, o=o, c=c: self._on_weight_edited(o, c, row, col, value)
                )
                grid.editRefused.connect(self.message)
            self.output_boxes[o].pixelHovered.connect(
                lambda row, col, o=o: model.hover_pixel(row, col, o)
            )
            self.output_boxes[o].setToolTip(
                "Hover a pixel: its kernel's bias plus one sum of products per channel"
            )
        # The filtered pictures, the result, get the right-hand side whole (two a row).
        outputs = QWidget()
        self._outputs_layout = QGridLayout(outputs)
        self._outputs_layout.setContentsMargins(0, 0, 0, 0)
        for o, box in enumerate(self.output_boxes):
            self._outputs_layout.addWidget(box, o // 2, o % 2)
        layout.addWidget(outputs, 0, 1 + MAX_CHANNELS, 1 + MAX_CHANNELS, 1)
        self._layout = layout

    def _on_weight_edited(self, kernel: int, piece: int, row: int, col: int, value: float) -> None:
        self._model.set_weight_cell(kernel, piece, row, col, value)
        self.message.emit(f"Kernel {kernel + 1}, slice {piece + 1} = {value:g}")

    # ----- model -> view -------------------------------------------------------------------
    def show_pictures(self) -> None:
        """The channels, the kernels' slices and biases, and the filtered pictures."""
        image = self._model.image
        assert image is not None and image.channels is not None
        found = image.channels
        inputs = found.inputs.shape[0]
        c_out, depth = found.weights.shape[:2]
        outputs = c_out if found.output is None else found.output.shape[0]
        colour = image.colour
        coloured = inputs == 3 and colour is not None
        for c, box in enumerate(self.channel_boxes):
            box.setVisible(c < inputs)
            if c < inputs:
                levels = found.inputs[c]
                box.set_picture(
                    tinted(levels, c) if coloured else np.clip(levels, 0, 255).astype(np.uint8)
                )
        self.picture_box.setVisible(coloured)
        if coloured:
            assert colour is not None
            self.picture_box.set_picture(np.clip(colour, 0, 255).astype(np.uint8))
        self._show_kernels(found, max(inputs, depth))
        for o, box in enumerate(self.output_boxes):
            box.setVisible(o < max(outputs, c_out))
            if o < outputs and found.output is not None:
                box.set_picture(explain.gray_levels(found.output[o]))
            else:
                box.set_picture(None)
        self._show_titles()
        self.show_pixel()

    def _show_kernels(self, found: ChannelResult, columns: int) -> None:
        c_out, depth = found.weights.shape[:2]
        for o, row in enumerate(self.slices):
            self.kernel_labels[o].setVisible(o < c_out)
            if o < c_out:
                bias = conv.format_number(float(found.bias[o]))
                self.kernel_labels[o].setText(f"<b>Kernel {o + 1}</b><br>bias b{o + 1} = {bias}")
            for c, grid in enumerate(row):
                grid.setVisible(o < c_out and c < depth)
                if o < c_out and c < depth:
                    grid.set_grid(found.weights[o, c])
        # Unused columns and rows take no room; the outputs get about half the width.
        self._layout.setColumnStretch(0, 2)
        for c in range(MAX_CHANNELS):
            self._layout.setColumnStretch(1 + c, 2 if c < columns else 0)
        self._layout.setColumnStretch(1 + MAX_CHANNELS, 3 * min(c_out, 2))
        self._layout.setRowStretch(0, 3)
        for o in range(MAX_CHANNELS):
            self._layout.setRowStretch(1 + o, 2 if o < c_out else 0)

    def titles(self) -> list[str]:
        """The titles shown: each input channel, the picture, the slices, then each output."""
        model = self._model
        image = model.image
        if image is None or image.channels is None:
            return []
        found = image.channels
        names = channel_names(model.settings, found.inputs.shape[0])
        words = [name.capitalize() for name in names]
        if found.inputs.shape[0] == 3 and image.colour is not None:
            words.append("Picture")
        return words + [box.title for box in self.output_boxes[: found.weights.shape[0]]]

    def _show_titles(self) -> None:
        model = self._model
        image = model.image
        assert image is not None and image.channels is not None
        found = image.channels
        points = self._title_points
        names = channel_names(model.settings, found.inputs.shape[0])
        for c, box in enumerate(self.channel_boxes):
            if c < len(names):
                box.set_title(names[c].capitalize(), points)
        self.picture_box.set_title("Picture", points)
        for o, box in enumerate(self.output_boxes):
            # The sizes are in the shape line under the pictures.
            stale = ", last valid" if found.stale else ""
            box.set_title(f"Output {o + 1} (kernel {o + 1}{stale})", points)

    def set_title_points(self, points: float) -> None:
        self._title_points = points
        image = self._model.image
        if image is not None and image.channels is not None:
            self._show_titles()

    def show_pixel(self) -> None:
        """Outline the hovered pixel's window on the picture and on every channel."""
        pixel = self._model.hovered_pixel
        window = None if pixel is None else pixel.window
        for box in (*self.channel_boxes, self.picture_box):
            box.set_window(window)
        for o, box in enumerate(self.output_boxes):
            hovered = pixel is not None and pixel.channel == o
            box.set_pixel((pixel.row, pixel.col) if pixel is not None and hovered else None)
        for o, row in enumerate(self.slices):
            for grid in row:
                rows, cols = grid.values().shape
                hovered = pixel is not None and pixel.channel == o
                grid.set_highlight((0, rows, 0, cols) if hovered else None)

    # ----- read back (tests) ---------------------------------------------------------------
    def shown_levels(self, index: int) -> np.ndarray | None:
        """What picture ``index`` shows: the input channels, the picture, then the outputs."""
        boxes = [*self.channel_boxes, self.picture_box, *self.output_boxes]
        return boxes[index].shown if index < len(boxes) else None

    def window_rects(self) -> list[tuple[float, float, float, float]]:
        """The outlined windows (x, y, width, height) on the picture and channels shown."""
        return [
            (b.window.rect().x(), b.window.rect().y(), b.window.rect().width(),
             b.window.rect().height())
            for b in (*self.channel_boxes, self.picture_box)
            if b.isVisible() and b.window.isVisible()
        ]  # fmt: skip
