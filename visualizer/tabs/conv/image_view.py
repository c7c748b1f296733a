"""Image mode: the kernel slid over a picture, shown as the picture, filtered, and pooled.

Renders the model's :class:`ImageResult` in three pyqtgraph image boxes (the filtered
picture, which the lesson is about, gets the big one). Hovering the filtered picture asks
the model to explain that pixel and outlines its window on the picture: the same arithmetic
as the grids, now on a feature map.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPen
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsRectItem,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from visualizer.tabs.conv import explain
from visualizer.tabs.conv.channel_image import ChannelPictures
from visualizer.tabs.conv.grid_widget import GridWidget
from visualizer.tabs.conv.grids import KernelEditing, kernel_title
from visualizer.tabs.conv.model import ConvModel
from visualizer.widgets.fonts import point_size
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR

PICTURE_FILTER = "Pictures (*.png *.jpg *.jpeg *.bmp *.gif);;All files (*)"


class ImageView(QWidget):
    """The picture, the filtered picture and the pooled picture, with the kernel beside them.

    Signals
    -------
    openRequested(str)
        A picture file was chosen (the tab opens it and reports a refusal).
    message(str)
        A short sentence for the status bar.
    """

    openRequested = Signal(str)
    message = Signal(str)

    def __init__(self, model: ConvModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._title_points = 11.0
        self._shown: dict[int, np.ndarray | None] = {}  # the array each image item shows
        self._levels: dict[int, np.ndarray | None] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        side = QVBoxLayout()
        buttons = self._picture_buttons()
        self.open_picture_button, self.sample_picture_button = buttons.findChildren(QPushButton)
        side.addWidget(buttons)
        self.kernel_grid = GridWidget("Kernel", editable=True)
        side.addWidget(self.kernel_grid, 1)
        self.side_widget = QWidget()
        self.side_widget.setLayout(side)
        self.side_widget.setMaximumWidth(230)
        layout.addWidget(self.side_widget)
        self.plots = pg.GraphicsLayoutWidget()
        self._boxes: list[pg.ViewBox] = []
        self._items: list[pg.ImageItem] = []
        self._titles: list[pg.LabelItem] = []
        # The filtered picture is what the lesson is about: it gets the big column.
        places = [(0, 0, 1), (0, 1, 3), (2, 0, 1)]  # (label row, column, box row span)
        for label_row, column, span in places:
            label = self.plots.addLabel("", row=label_row, col=column)
            box = self.plots.addViewBox(
                row=label_row + 1, col=column, rowspan=span, lockAspect=True, invertY=True
            )
            box.setMouseEnabled(False, False)
            item = pg.ImageItem(axisOrder="row-major")
            box.addItem(item)
            self._titles.append(label)
            self._boxes.append(box)
            self._items.append(item)
        grid_layout = self.plots.ci.layout
        grid_layout.setColumnStretchFactor(0, 2)
        grid_layout.setColumnStretchFactor(1, 3)
        for row, stretch in enumerate((0, 1, 0, 1)):
            grid_layout.setRowStretchFactor(row, stretch)
        for label in self._titles:
            label.setMaximumHeight(QFontMetrics(self.font()).height() * 3)
        layout.addWidget(self.plots, 4)
        # With channels: a table of the channels, the kernels' slices and the outputs.
        self.channel_pictures = ChannelPictures(model, self._picture_buttons())
        self.channel_pictures.hide()
        layout.addWidget(self.channel_pictures, 4)
        self._window = QGraphicsRectItem()
        window_pen = QPen(QColor(HIGHLIGHT_COLOR), 2)
        window_pen.setCosmetic(True)
        self._window.setPen(window_pen)
        self._window.setZValue(10)
        self._window.hide()
        self._boxes[0].addItem(self._window)

        self.kernel_editing = KernelEditing(self.kernel_grid, model, self.message)
        self.channel_pictures.message.connect(self.message)
        self.plots.scene().sigMouseMoved.connect(self._on_plots_mouse_moved)

    def _picture_buttons(self) -> QWidget:
        """Open picture... and Sample picture, one above the other."""
        buttons = QWidget()
        column = QVBoxLayout(buttons)
        column.setContentsMargins(0, 0, 0, 0)
        open_button = QPushButton("Open picture...")
        open_button.setToolTip("A PNG or JPEG, at most 512x512 (gray, or its colours)")
        sample_button = QPushButton("Sample picture")
        sample_button.setToolTip("The picture that ships with the app")
        column.addWidget(open_button)
        column.addWidget(sample_button)
        open_button.clicked.connect(self._on_open_picture_button_clicked)
        sample_button.clicked.connect(self._model.use_sample_picture)
        return buttons

    # ----- controls -> model ---------------------------------------------------------------
    def _on_open_picture_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open picture", "", PICTURE_FILTER)
        if path:
            self.openRequested.emit(path)

    def _on_plots_mouse_moved(self, scene_pos: QPointF) -> None:
        box = self._boxes[1]
        if not box.sceneBoundingRect().contains(scene_pos):
            return
        point = box.mapSceneToView(scene_pos)
        self._model.hover_pixel(int(np.floor(point.y())), int(np.floor(point.x())))

    # ----- model -> view -------------------------------------------------------------------
    def show_image(self) -> None:
        """The three pictures, their titles and the kernel; the pixel window is cleared."""
        model = self._model
        image = model.image
        channels = image is not None and image.channels is not None
        self.side_widget.setVisible(not channels)
        self.plots.setVisible(not channels)
        self.channel_pictures.setVisible(channels)
        self.kernel_grid.set_grid(model.result.kernel)
        self.kernel_grid.set_title(kernel_title(model))
        if image is None:
            return
        if image.channels is not None:
            self.channel_pictures.show_pictures()
            return
        arrays = (image.picture, image.filtered, image.pooled)
        for index, (array, item) in enumerate(zip(arrays, self._items, strict=True)):
            if array is None:
                item.clear()
                self._shown[index] = self._levels[index] = None
            elif self._shown.get(index) is not array:  # the picture itself rarely changes
                levels = explain.gray_levels(array)
                item.setImage(levels, levels=(0, 255), autoLevels=False)
                self._shown[index], self._levels[index] = array, levels
        self._show_titles()
        for box in self._boxes:
            box.autoRange(padding=0.02)
        self._window.hide()

    def _show_titles(self) -> None:
        image = self._model.image
        if image is None:
            return
        titles = explain.image_titles(self._model.settings, image)
        for label, title in zip(self._titles, titles, strict=True):
            # The size on its own line: a long title would widen its column of the layout
            # and push the filtered picture off the right edge.
            head, _, size = title.rpartition(" (")
            text = f"{html.escape(head)}<br>({html.escape(size)}" if head else html.escape(title)
            label.setText(text, size=f"{self._title_points:.0f}pt")

    def show_pixel(self) -> None:
        """Outline the hovered pixel's window on the picture (hidden when none)."""
        image = self._model.image
        if image is not None and image.channels is not None:
            self.channel_pictures.show_pixel()
            return
        pixel = self._model.hovered_pixel
        if pixel is None:
            self._window.hide()
            return
        self._window.setRect(QRectF(*pixel.window))
        self._window.show()

    def apply_styles(self, font: QFont, presentation: bool) -> None:
        self._title_points = point_size(font) * (1.05 if presentation else 1.0)
        self._show_titles()
        self.channel_pictures.set_title_points(self._title_points)

    # ----- read back (tests) ---------------------------------------------------------------
    def title_points(self) -> float:
        """The point size of the pictures' titles (grows in presentation)."""
        return self._title_points

    def shown_levels(self, index: int) -> np.ndarray | None:
        """The gray levels (0..255) image ``index`` shows: 0 picture, 1 filtered, 2 pooled."""
        return self._levels.get(index)

    def window_rect(self) -> tuple[float, float, float, float] | None:
        """The outlined pixel window on the picture as (x, y, width, height), if shown."""
        if not self._window.isVisible():
            return None
        rect = self._window.rect()
        return rect.x(), rect.y(), rect.width(), rect.height()

    def titles(self) -> list[str]:
        return [label.text for label in self._titles]
