"""The convolution topic without Qt: settings, the computed grids, the frame, the pinned cell.

Settings (``settings.py``) -> ``visualizer.compute`` -> :class:`ConvResult` (``result.py``),
computed once per settings change. The frame is the sliding-window animation: frame ``k``
shows the first ``k`` output cells, the last frame the whole output (saved as ``-1``). The
model also holds the cell the user pinned (saved), the cell under the mouse (not saved) and,
in image mode, the picture and its filtered and pooled versions (:class:`ImageResult`).
Typed cells and the solver are :class:`~.editing.GridEditing`; what practice mode asks and
how it judges an answer is :class:`~.practice.PracticeMixin`.

Listener words (besides ``"settings"`` and ``"frame"`` of :class:`TopicModel`):

``"lesson"``
    a preset or a saved state replaced everything (views redraw as for ``"settings"``; the
    tab also stops a running animation).
``"focus"``
    the pinned cell changed (it is saved in the lesson).
``"hover"``
    the cell or pixel under the mouse changed (not saved).

The names of ``settings``, ``presets`` and ``result`` are re-exported here, where views and
tests have always imported them; image mode's classes live in ``image_mode``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from visualizer.tabs.conv.editing import GridEditing
from visualizer.tabs.conv.pictures import PictureLoader, PictureStore, load_picture
from visualizer.tabs.conv.practice import PracticeMixin
from visualizer.tabs.conv.presets import (
    PRESET_4A,
    PRESET_4A_TRUE,
    PRESET_4B,
    PRESET_4C,
    PRESET_4D,
    PRESET_BACKWARD,
    PRESET_CHANNELS,
    PRESET_DILATION,
    PRESET_FLOOR,
    PRESET_IMAGE,
    PRESET_MAX,
    PRESET_RGB,
    PRESET_TRANSPOSED,
    PRESETS,
    preset_settings,
)
from visualizer.tabs.conv.result import ConvResult, compute_result
from visualizer.tabs.conv.settings import (
    BACKWARD_KINDS,
    CUSTOM_KERNEL,
    KERNEL_CHOICES,
    MAX_BIAS,
    MAX_CHANNELS,
    MAX_DILATION,
    MAX_INPUT_SIDE,
    MAX_KERNEL_SIDE,
    MAX_OUTPUT_PADDING,
    MAX_PADDING,
    MAX_POOL,
    MAX_SOLVER,
    MAX_STRIDE,
    MODES,
    OPERATIONS,
    POOL_MODES,
    POOL_SOURCES,
    SHEET_INPUT,
    SHEET_KERNEL,
    SHEET_KERNEL_GRID,
    SOLVE_FOR,
    UPSTREAM_PLACES,
    VIEWS,
    ConvSettings,
    Focus,
    Grid,
    as_grid,
    fit_channels,
    read_changes,
    read_focus,
    with_channel_counts,
)
from visualizer.tabs.topic_model import TopicModel

if TYPE_CHECKING:
    from visualizer.tabs.conv.backward import BackwardResult
    from visualizer.tabs.conv.channels import ChannelResult
    from visualizer.tabs.conv.image_mode import ImageResult, PixelFocus

# The backward pass, channels, image mode and practice are imported by the methods that use
# them: a lesson on the sheet's plain grids never loads them (tests/test_conv_model.py).

__all__ = [
    "CUSTOM_KERNEL",
    "KERNEL_CHOICES",
    "MAX_BIAS",
    "MAX_CHANNELS",
    "MAX_DILATION",
    "MAX_INPUT_SIDE",
    "MAX_KERNEL_SIDE",
    "MAX_OUTPUT_PADDING",
    "MAX_PADDING",
    "MAX_POOL",
    "MAX_SOLVER",
    "MAX_STRIDE",
    "MODES",
    "OPERATIONS",
    "POOL_MODES",
    "POOL_SOURCES",
    "PRESETS",
    "PRESET_4A",
    "PRESET_4A_TRUE",
    "PRESET_4B",
    "PRESET_4C",
    "PRESET_4D",
    "PRESET_BACKWARD",
    "PRESET_CHANNELS",
    "PRESET_DILATION",
    "PRESET_FLOOR",
    "PRESET_IMAGE",
    "PRESET_MAX",
    "PRESET_RGB",
    "PRESET_TRANSPOSED",
    "SHEET_INPUT",
    "SHEET_KERNEL",
    "SHEET_KERNEL_GRID",
    "SOLVE_FOR",
    "UPSTREAM_PLACES",
    "VIEWS",
    "ConvModel",
    "ConvResult",
    "ConvSettings",
    "Focus",
    "Grid",
    "PictureLoader",
    "as_grid",
    "compute_result",
    "load_picture",
    "preset_settings",
]


class ConvModel(GridEditing, PracticeMixin, TopicModel):
    """Settings -> grids (computed once) -> the frame shown; the pinned and hovered cells.

    With channels, output cells are ``("conv", row, col)`` of an output channel: the pinned
    and hovered cells each carry their channel (``focus_channel``, ``current_channel()``).

    Parameters
    ----------
    picture_loader
        Turns a picture path (``None``: the sample picture) into gray levels, raising
        ``ValueError`` (or ``FileNotFoundError``) when it cannot. Called only when image
        mode needs a picture; the default decodes files with Qt (:func:`load_picture`).
    colour_loader
        The same for red, green and blue levels (height, width, 3), used with 3 input
        channels; without one an injected ``picture_loader``'s gray shows in every colour.
    """

    key: ClassVar[str] = "conv"

    def __init__(
        self,
        picture_loader: PictureLoader | None = None,
        colour_loader: PictureLoader | None = None,
    ) -> None:
        super().__init__()
        self._pictures = PictureStore(picture_loader, colour_loader)
        self._settings, self._focus = preset_settings(PRESET_4A)
        self._preset = PRESET_4A
        # A new model shows preset 4a, but a lesson restored at start-up replaces it at once:
        # 4a's grids are computed the first time something reads them (see ``_result``).
        self._computed: ConvResult | None = None
        self._backward: BackwardResult | None = None
        self._channels: ChannelResult | None = None
        self._image: ImageResult | None = None
        self._hover: Focus | None = None
        self._hover_channel = self._focus_channel = 0
        self._pixel: PixelFocus | None = None
        self._frame_at: int | None = None  # the whole output, not the empty first step
        self._questions = None  # practice's questions, built when first asked (PracticeMixin)

    @property
    def _result(self) -> ConvResult:
        if self._computed is None:  # only a new model's preset 4a is computed when read
            self._computed = compute_result(self._settings)
        return self._computed

    @property
    def _frame(self) -> int:
        # None (a new model, until its first settings or lesson) is the last frame, however
        # many the result has: asking for it computes the result, never at construction.
        return self.frame_count() - 1 if self._frame_at is None else self._frame_at

    @_frame.setter
    def _frame(self, frame: int) -> None:
        self._frame_at = frame

    # ----- what the views read -------------------------------------------------------------
    @property
    def settings(self) -> ConvSettings:
        return self._settings

    @property
    def result(self) -> ConvResult:
        return self._result

    @property
    def backward(self) -> BackwardResult | None:
        """The backward view's gradients (``None`` outside the backward view)."""
        return self._backward

    @staticmethod
    def _backward_result(settings: ConvSettings, result: ConvResult) -> BackwardResult | None:
        if settings.view != "backward":
            return None
        from visualizer.tabs.conv.backward import compute_backward

        return compute_backward(settings, result)

    def backward_grid(self, kind: str) -> np.ndarray | None:
        """The gradient grid of a backward hover kind ("dx", "dw", "dy", "dp")."""
        return None if self._backward is None else self._backward.grid(kind)

    @property
    def channels(self) -> ChannelResult | None:
        """The channel grids' result (``None`` without channels or in image mode)."""
        return self._channels

    def channel_result(self) -> ChannelResult | None:
        """With channels: the result shown, of the grids or (image mode) of the picture."""
        if self._image is not None:
            return self._image.channels
        return self._channels

    @property
    def image(self) -> ImageResult | None:
        """Image mode's pictures (``None`` while the view shows number grids)."""
        return self._image

    @property
    def preset(self) -> str:
        """The name of the preset last loaded (shown in the exercise box and exports)."""
        return self._preset

    @property
    def focus(self) -> Focus:
        """The pinned cell: ``("conv" | "pool", row, col)`` of the output or pooled grid."""
        return self._focus

    @property
    def focus_channel(self) -> int:
        """The output channel of the pinned cell (0 without channels)."""
        return self._focus_channel

    @property
    def hovered(self) -> Focus | None:
        return self._hover

    def current_channel(self) -> int:
        """The output channel of ``current_focus()`` (the animation explains channel 1)."""
        if self._hover is not None:
            return self._hover_channel
        return self._focus_channel if self.animation_complete() else 0

    @property
    def hovered_pixel(self) -> PixelFocus | None:
        """The filtered picture's pixel under the mouse in image mode, explained."""
        return self._pixel

    def frame_count(self) -> int:
        out = self._result.output
        return 1 if out is None else out.size + 1

    def animation_complete(self) -> bool:
        return self._frame >= self.frame_count() - 1

    def output_hidden(self) -> np.ndarray:
        """Which output cells the animation has not reached yet."""
        out = self._result.output
        if out is None:
            return np.zeros((0, 0), bool)
        hidden = np.zeros(out.shape, bool)
        if not self.animation_complete():
            hidden.ravel()[self._frame :] = True
        return hidden

    def pool_hidden(self) -> bool:
        """The pool of the output waits until the animation has filled the whole output."""
        return self._settings.pool_source == "output" and not self.animation_complete()

    def current_focus(self) -> Focus | None:
        """The cell explained now: the hovered one, else the animation's, else the pinned one."""
        if self._hover is not None:
            return self._hover
        if not self.animation_complete():
            out = self._result.output
            if self._frame == 0 or out is None:
                return None
            index = self._frame - 1
            return ("conv", index // out.shape[1], index % out.shape[1])
        return self._focus

    # ----- settings ------------------------------------------------------------------------
    def set_settings(self, settings: ConvSettings) -> None:
        """Compute ``settings`` (raising ``ValueError`` before anything changes), then show them.

        A settings change keeps the animation where it was (on the whole output if it was
        there) and drops a pinned cell the new grids no longer have.
        """
        at_end = self.animation_complete()
        self._compute(settings, keep_last=True)
        last = self.frame_count() - 1
        self._frame = last if at_end else min(self._frame, last)
        self._drop_missing_focus()
        self._hover = self._pixel = None
        self.notify("settings")

    def _compute(self, settings: ConvSettings, keep_last: bool) -> None:
        """Compute everything for ``settings`` (``ValueError`` before anything changes);
        ``keep_last``: a channel setting that does not fit keeps the last valid output."""
        settings = fit_channels(settings)
        settings.validate()
        result = compute_result(settings)
        channels = None
        if settings.channels_used and settings.view != "image":
            from visualizer.tabs.conv.channels import compute_channels

            previous = self._channels if keep_last else None
            channels = compute_channels(settings, settings.input_stack(), previous)
        image = None
        if settings.view == "image":
            picture, note = self._pictures.get(settings.picture_path)
            colour = None
            if settings.channels_used and settings.in_channels == 3:
                colour, note = self._pictures.colour(settings.picture_path)
            last = self._image.channels if keep_last and self._image is not None else None
            from visualizer.tabs.conv.image_mode import image_result

            image = image_result(settings, result.kernel, picture, note, colour, last)
        self._settings, self._computed, self._image = settings, result, image
        self._channels = channels
        self._backward = self._backward_result(settings, result)
        self._questions = None

    def change(self, **changes: Any) -> None:
        """Change some settings by name; each value is read (and checked) as a lesson's is.

        New channel counts keep every channel and kernel slice that still exists.
        """
        read = read_changes(changes)
        counts = {
            k: read.pop(k) for k in ("in_channels", "kernel_channels", "out_channels") if k in read
        }
        # New counts re-lay the grids held now; grids given with them are in the new layout.
        settings = with_channel_counts(self._settings, **counts) if counts else self._settings
        self.set_settings(replace(settings, **read))

    # ----- image mode ----------------------------------------------------------------------
    def open_picture(self, path: str) -> None:
        """Show the picture at ``path`` in image mode; ``ValueError`` (nothing changes) when it
        cannot be read as a picture."""
        self._pictures.open(str(path))
        self.change(picture_path=str(path), view="image")

    def use_sample_picture(self) -> None:
        self.change(picture_path=None, view="image")

    def hover_pixel(self, row: int, col: int, channel: int = 0) -> PixelFocus | None:
        """The mouse is over pixel (row, col) of the filtered picture (of output ``channel``):
        its sum of products and its window on the picture (``None`` outside it)."""
        image = self._image
        if image is None:
            return None
        from visualizer.tabs.conv.image_mode import explain_pixel, filtered_at

        if filtered_at(image, row, col, channel) is None:
            return None
        pixel = self._pixel
        if pixel is None or (pixel.row, pixel.col, pixel.channel) != (row, col, channel):
            kernel = self._result.kernel
            self._pixel = explain_pixel(self._settings, image, kernel, row, col, channel)
            self.notify("hover")
        return self._pixel

    # ----- the explained cell --------------------------------------------------------------
    def hover(self, kind: str, row: int, col: int, channel: int = 0) -> None:
        """The mouse is over output (``"conv"``, of output ``channel``) or pooled (``"pool"``)
        cell (row, col); a negative row means it left the grid. Cells the animation hides
        explain nothing."""
        res = self._result
        if kind == "pool" and res.pooled is None:
            return
        cell: Focus | None = (kind, row, col) if row >= 0 else None
        if cell is not None and kind in BACKWARD_KINDS:
            grid = self.backward_grid(kind)
            if grid is None or not self._inside(grid, row, col):
                cell = None
        elif cell is not None and kind == "conv":
            out = self._focus_grid(kind, channel)
            hidden = self.output_hidden()
            if (
                out is None
                or not self._inside(out, row, col)
                or (hidden.shape == out.shape and hidden[row, col])
            ):
                cell = None
        elif cell is not None:
            assert res.pooled is not None
            if not self._inside(res.pooled, row, col) or self.pool_hidden():
                cell = None
        channel = channel if cell is not None and kind == "conv" else 0
        if (cell, channel) != (self._hover, self._hover_channel):
            self._hover, self._hover_channel = cell, channel
            self.notify("hover")

    def pin(self, kind: str, row: int, col: int, channel: int = 0) -> None:
        """Pin output (``"conv"``, of output ``channel``) or pooled (``"pool"``) cell (row,
        col): it is explained whenever nothing is hovered, and saved in the lesson."""
        channel = channel if kind == "conv" else 0
        grid = self._focus_grid(kind, channel)
        if grid is None or not self._inside(grid, row, col):
            return
        self._focus, self._focus_channel = (kind, row, col), channel
        self._hover = None
        self.notify("focus")

    @staticmethod
    def _inside(grid: np.ndarray, row: int, col: int) -> bool:
        return 0 <= row < grid.shape[0] and 0 <= col < grid.shape[1]

    def _drop_missing_focus(self) -> None:
        # A pinned cell that the new settings no longer have falls back to the first cell.
        kind, r, c = self._focus
        grid = self._focus_grid(kind, self._focus_channel)
        if grid is None or not self._inside(grid, r, c):
            self._focus, self._focus_channel = ("conv", 0, 0), 0

    def _focus_grid(self, kind: str, channel: int = 0) -> np.ndarray | None:
        found = self.channel_result()
        if kind == "conv" and found is not None:
            out = found.output
            return out[channel] if out is not None and 0 <= channel < len(out) else None
        if kind == "conv":
            return self._result.output
        if kind == "pool":
            return self._result.pooled
        return self.backward_grid(kind)

    # ----- exports (plain text: worksheets and scripts use them without a window) ----------
    def table_csv(self) -> str:
        """The output grid (every output channel's, with channels) as CSV."""
        from visualizer.tabs.conv import export

        return export.table_csv(self)

    def worked_solution_markdown(self) -> str:
        """Every step of the current settings as Markdown."""
        from visualizer.tabs.conv import export

        return export.worked_solution_markdown(self)

    def python_code(self) -> str:
        """A standalone numpy script recomputing the output and pooled grids shown."""
        from visualizer.tabs.conv import code_export

        return code_export.python_code(self)

    def torch_code(self) -> str:
        """The same with ``torch.nn.functional.conv2d`` and the pooling functions."""
        from visualizer.tabs.conv import code_export

        return code_export.torch_code(self)

    # ----- frames --------------------------------------------------------------------------
    def set_frame(self, frame: int) -> None:
        frame = min(max(int(frame), 0), self.frame_count() - 1)
        if frame != self._frame:
            self._frame = frame
            self._hover = None
            self.notify("frame")

    # ----- presets and lessons -------------------------------------------------------------
    def presets(self) -> list[str]:
        return list(PRESETS)

    def load_preset(self, name: str) -> None:
        settings, focus = preset_settings(name)  # KeyError before anything changes
        self._apply(settings, focus, -1, name)

    def state(self) -> dict[str, Any]:
        state = self._settings.to_state()
        state["focus"] = list(self._focus)
        state["frame"] = -1 if self.animation_complete() else self._frame
        state["preset"] = self._preset
        if self._settings.channels_used:  # a key only lessons with channels have
            state["focus_channel"] = self._focus_channel
        return state

    def restore_state(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict):
            raise ValueError("The saved convolution settings must be a mapping of names to values.")
        values = dict(state)
        focus, channel = read_focus(
            values.pop("focus", ["conv", 0, 0]), values.pop("focus_channel", 0)
        )
        frame = values.pop("frame", -1)
        name = values.pop("preset", None)
        if "kernel_preset" in values and values["kernel_preset"] not in KERNEL_CHOICES:
            values["kernel_preset"] = CUSTOM_KERNEL  # a kernel name this version does not have
        settings = ConvSettings.from_state(values)
        if isinstance(frame, bool) or not isinstance(frame, int) or frame < -1:
            raise ValueError("The saved animation step must be a whole number (-1 for the end).")
        name = name if isinstance(name, str) and name in PRESETS else self._preset
        self._apply(settings, focus, frame, name, channel)

    def _apply(
        self, settings: ConvSettings, focus: Focus, frame: int, name: str, channel: int = 0
    ) -> None:
        self._compute(settings, keep_last=False)
        last = self.frame_count() - 1
        self._frame = last if frame < 0 else min(frame, last)
        self._focus, self._focus_channel = focus, channel
        self._drop_missing_focus()
        self._preset = name
        self._hover = self._pixel = None
        self.notify("lesson")
