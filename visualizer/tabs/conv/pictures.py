"""Image mode's pictures for the convolution model, without Qt at import time.

:class:`PictureStore` turns a picture path (``None``: the shipped sample) into gray levels
(and, for channels, red, green and blue) through loaders, keeps the sample and the last
picture opened, and falls back to the sample (saying so) when a saved picture is missing. The
default loaders decode files with Qt, which is imported only the first time image mode needs
a picture.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PictureLoader = Callable[[str | None], np.ndarray]


def load_picture(path: str | None) -> np.ndarray:
    """Gray levels (0..255) of the picture at ``path`` (``None``: the shipped sample).

    Qt decodes picture files, so its image readers are imported here, the first time image
    mode needs a picture, and never when this module is imported.
    """
    from visualizer.tabs.conv import picture

    return picture.load_picture(path if path is not None else picture.sample_picture_path())


def load_picture_rgb(path: str | None) -> np.ndarray:
    """Red, green and blue levels (height, width, 3) of the picture at ``path`` (``None``: the
    sample in colour)."""
    from visualizer.tabs.conv import picture

    if path is None:
        return picture.load_picture_rgb(picture.sample_picture_path(colour=True))
    return picture.load_picture_rgb(path)


class PictureStore:
    """Pictures by path (``None``: the sample), each with the note shown beside it."""

    def __init__(
        self, loader: PictureLoader | None = None, colour_loader: PictureLoader | None = None
    ) -> None:
        self._load = loader or load_picture
        # An injected gray loader without a colour one: its gray levels in all three colours.
        self._load_colour = colour_loader or (load_picture_rgb if loader is None else None)
        self._pictures: dict[str | None, tuple[np.ndarray | None, str]] = {}
        self._colours: dict[str | None, tuple[np.ndarray | None, str]] = {}

    def open(self, path: str) -> np.ndarray:
        """Load ``path`` now (``ValueError`` when it is not a picture) and keep it."""
        picture = self._load(path)
        self._keep(path, (picture, ""))
        self._colours.pop(path, None)
        return picture

    def get(self, path: str | None) -> tuple[np.ndarray | None, str]:
        """The picture at ``path`` and its note; the sample (and why) when it cannot be read."""
        if path in self._pictures:
            return self._pictures[path]
        try:
            entry: tuple[np.ndarray | None, str] = (self._load(path), "")
        except (ValueError, FileNotFoundError) as exc:
            entry = (None, str(exc))
            if path is not None:  # fall back to the sample so the mode still works, and say so
                sample, _ = self.get(None)
                if sample is not None:
                    entry = (sample, f"{exc} Showing the sample picture instead.")
        self._keep(path, entry)
        return entry

    def colour(self, path: str | None) -> tuple[np.ndarray | None, str]:
        """The red, green and blue levels (height, width, 3) at ``path`` and the note; the
        sample in colour (and why) when it cannot be read."""
        if path in self._colours:
            return self._colours[path]
        if self._load_colour is None:  # gray levels only: the same levels in every colour
            gray, note = self.get(path)
            entry = (None if gray is None else np.repeat(gray[:, :, None], 3, axis=2), note)
        else:
            try:
                entry = (self._load_colour(path), "")
            except (ValueError, FileNotFoundError) as exc:
                entry = (None, str(exc))
                if path is not None:
                    sample, _ = self.colour(None)
                    if sample is not None:
                        entry = (sample, f"{exc} Showing the sample picture instead.")
        self._colours = {k: v for k, v in self._colours.items() if k is None}
        self._colours[path] = entry
        return entry

    def _keep(self, path: str | None, entry: tuple[np.ndarray | None, str]) -> None:
        # Keep the sample and this picture only: a 512x512 picture is 2 MB of floats.
        self._pictures = {k: v for k, v in self._pictures.items() if k is None}
        self._pictures[path] = entry
