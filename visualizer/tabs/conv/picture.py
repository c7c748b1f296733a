"""Pictures for the convolution tab's image mode: load through Qt, gray or colour, downscale.

Qt decodes the file (PNG, JPEG and whatever image plugins are installed), so no imaging
library is needed. The result is a float array in 0..255 (gray levels, or red, green and blue
along the last axis), at most ``MAX_SIDE`` pixels on its longer side; the filtering itself is
done by ``visualizer.compute``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from visualizer.resources_path import resource_path

#: Pictures are shrunk so the longer side is at most this many pixels (keeps filtering live).
MAX_SIDE = 512
SAMPLE_NAME = "sample_picture.png"
#: The sample in colour (shapes on black, each in its own channels) for channels.
COLOUR_SAMPLE_NAME = "sample_picture_colour.png"


def sample_picture_path(colour: bool = False) -> Path:
    """Where the shipped sample picture (gray, or in colour) is, from a wheel or the source."""
    name = COLOUR_SAMPLE_NAME if colour else SAMPLE_NAME
    path = resource_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"The sample picture {name} is missing from the installation.")
    return path


def _shrunk(image: QImage, max_side: int) -> QImage:
    if image.isNull():
        raise ValueError("The picture is empty or could not be decoded.")
    if image.width() > max_side or image.height() > max_side:
        image = image.scaled(
            max_side,
            max_side,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return image


def qimage_to_rgb(image: QImage, max_side: int = MAX_SIDE) -> np.ndarray:
    """A QImage as a (height, width, 3) float array of red, green, blue levels 0..255."""
    rgb = _shrunk(image, max_side).convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    buffer = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=stride * height)
    # Rows are padded to 4-byte boundaries: keep only the picture's own 3 * width bytes.
    return buffer.reshape(height, stride)[:, : 3 * width].reshape(height, width, 3).astype(float)


def qimage_to_gray(image: QImage, max_side: int = MAX_SIDE) -> np.ndarray:
    """A QImage as a 2-D float array of gray levels 0..255, shrunk to fit ``max_side``."""
    gray = _shrunk(image, max_side).convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    buffer = np.frombuffer(gray.constBits(), dtype=np.uint8, count=stride * height)
    # Rows are padded to 4-byte boundaries: keep only the picture's own columns.
    return buffer.reshape(height, stride)[:, :width].astype(float)


def _read(path: str | Path) -> QImage:
    image = QImage(str(path))
    if image.isNull():
        raise ValueError(
            f"“{Path(path).name}” could not be opened as a picture (PNG or JPEG expected)."
        )
    return image


def load_picture(path: str | Path, max_side: int = MAX_SIDE) -> np.ndarray:
    """Load a picture file as gray levels (0..255), at most ``max_side`` on its longer side.

    Raises ``ValueError`` with a sentence when the file cannot be read as a picture.
    """
    return qimage_to_gray(_read(path), max_side)


def load_picture_rgb(path: str | Path, max_side: int = MAX_SIDE) -> np.ndarray:
    """Load a picture file as (height, width, 3) red, green and blue levels (0..255)."""
    return qimage_to_rgb(_read(path), max_side)
