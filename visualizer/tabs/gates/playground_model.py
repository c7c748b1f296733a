"""The playground half of :class:`~visualizer.tabs.gates.model.GatesModel` (no Qt).

While ``settings.playground`` is set the tab is a 2-D classification playground: the model
holds a :class:`~visualizer.tabs.gates.playground.PlaygroundRun`, its frames are training
frames, and the student's points, the neuron shown large and the training settings live
here. The four-point gate network (``layers()``, the truth table) stays as it was and comes
back when a gate preset is chosen. The playground's modules (its settings with the data sets,
its run with the classifier and MLP maths) are imported inside the methods, which only run
in a playground: a lesson on the four gates never loads them.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from visualizer.compute.classifier import GridEvaluation
    from visualizer.tabs.gates.model import GatesSettings
    from visualizer.tabs.gates.playground import PlaygroundRun
    from visualizer.tabs.gates.playground_settings import PlaygroundSettings, Point, Window

Network = list[tuple[np.ndarray, np.ndarray]]


class PlaygroundMixin:
    """Playground state and actions; mixed into ``GatesModel`` (which provides ``_apply``,
    ``_cached``, ``_say``, ``settings``, ``frame`` and ``notify``)."""

    play: PlaygroundRun | None
    #: The hidden neuron (layer, index) the big map shows; None: the output.
    shown_map: tuple[int, int] | None
    #: The rectangle (x0, x1, y0, y1) the big map's view shows; the heat map fills it. A view
    #: setting (never saved): None, the data square alone.
    map_window: Window | None = None
    settings: GatesSettings

    # ----- what is shown ------------------------------------------------------------------
    def is_playground(self) -> bool:
        return self.play is not None

    @property
    def playground(self) -> PlaygroundSettings:
        """The playground settings (``ValueError`` outside the playground)."""
        if self.settings.playground is None:
            raise ValueError("This is not the playground: choose a Playground preset first.")
        return self.settings.playground

    def play_layers(self) -> Network:
        """The playground's network at the current frame (trained on demand)."""
        assert self.play is not None
        return self._cached("play_layers", lambda: self.play.layers_at(self.frame))

    def play_grids(self) -> tuple[GridEvaluation, GridEvaluation]:
        """The big map's grid and the small maps', evaluated together once per frame."""
        assert self.play is not None
        return self._cached("play_grids", lambda: self.play.grids(self.frame, self.map_window))

    def set_map_window(self, window: Window | None) -> bool:
        """The rectangle the big map's view shows, so its heat map fills it (not saved).
        True when the map's samples changed (the map is then drawn again)."""
        if window is not None:
            window = tuple(float(v) for v in window)  # type: ignore[assignment]
            x0, x1, y0, y1 = window  # type: ignore[misc]
            if not (all(math.isfinite(v) for v in window) and x0 < x1 and y0 < y1):
                raise ValueError("A map window must be finite, from smaller to larger x and y.")
        if self.play is None:
            self.map_window = window
            return False
        before = [a.size for a in self.play.map_axes(self.map_window)]
        before += [float(a[0]) for a in self.play.map_axes(self.map_window)]
        self.map_window = window
        after = [a.size for a in self.play.map_axes(window)]
        after += [float(a[0]) for a in self.play.map_axes(window)]
        if after == before:
            return False
        self._cache.pop("play_grids", None)
        return True

    def play_grid(self) -> GridEvaluation:
        """The output and every hidden neuron over the plot's square (100 x 100)."""
        return self.play_grids()[0]

    def play_neuron_maps(self) -> GridEvaluation:
        """The small maps drawn in the network (40 x 40 per hidden neuron)."""
        return self.play_grids()[1]

    def big_map(self) -> np.ndarray:
        """What the big map shows: the output probability or the chosen neuron's activation."""
        grid = self.play_grid()
        if self.shown_map is None:
            return grid.output
        layer, j = self.shown_map
        return grid.hidden[layer][j]

    def play_points(self) -> list[Point]:
        assert self.play is not None
        # Loaded already: ``self.play`` is one of its runs.
        from visualizer.tabs.gates.playground import current_points

        return current_points(self.playground, self.play)

    # ----- changing the playground --------------------------------------------------------
    def set_playground(self, playground: PlaygroundSettings) -> None:
        """New data, network or training: the run starts again at frame 0 (``ValueError``
        changes nothing)."""
        from visualizer.tabs.gates.playground_settings import (
            PLAYGROUND_PRESETS,
            PlaygroundSettings,
        )

        playground = PlaygroundSettings.from_state(playground.to_state())
        if playground == self.settings.playground:
            return
        edited = self.settings.edited or self.settings.preset not in PLAYGROUND_PRESETS or (
            playground != PLAYGROUND_PRESETS[self.settings.preset]
        )  # fmt: skip
        self.shown_map = self._fitting_map(playground)
        self._apply(replace(self.settings, playground=playground, edited=edited), frame=0)

    def update_playground(self, **changes: Any) -> None:
        """``set_playground`` with some fields changed (new data drops hand-made points)."""
        playground = self.playground
        if {"dataset", "n", "noise", "data_seed"} & set(changes):
            changes.setdefault("points", None)
        self.set_playground(replace(playground, **changes))

    def _fitting_map(self, playground: PlaygroundSettings) -> tuple[int, int] | None:
        shown = self.shown_map
        if shown is None or shown[0] >= len(playground.hidden):
            return None
        return shown if shown[1] < playground.hidden[shown[0]] else None

    def show_map(self, neuron: tuple[int, int] | None) -> None:
        """Show a hidden neuron's map large (None: the output's)."""
        if neuron is not None:
            layer, j = (int(v) for v in neuron)
            hidden = self.playground.hidden
            if not (0 <= layer < len(hidden) and 0 <= j < hidden[layer]):
                raise ValueError("There is no such hidden neuron in this network.")
            neuron = (layer, j)
        if neuron != self.shown_map:
            self.shown_map = neuron
            self.notify("map")

    # ----- the student's points -------------------------------------------------------------
    def set_points(self, points: list[Point]) -> None:
        """Use these points (at most MAX_POINTS; ``ValueError`` for bad ones)."""
        self.set_playground(replace(self.playground, points=tuple(points)))

    def add_point(self, x: float, y: float, label: int) -> bool:
        """Add a point of class ``label``; False (and a message) when the data set is full."""
        from visualizer.tabs.gates.playground_settings import MAX_POINTS

        points = self.play_points()
        if len(points) >= MAX_POINTS:
            self._say(f"At most {MAX_POINTS} points: delete some before adding more.")
            return False
        self.set_points([*points, _point(x, y, label)])
        return True

    def move_point(self, index: int, x: float, y: float) -> None:
        points = self.play_points()
        if not 0 <= index < len(points):
            raise ValueError("There is no such point.")
        points[index] = _point(x, y, points[index][2])
        self.set_points(points)

    def delete_point(self, index: int) -> bool:
        """Delete a point; False (and a message) when only two are left."""
        points = self.play_points()
        if not 0 <= index < len(points):
            raise ValueError("There is no such point.")
        if len(points) <= 2:
            self._say("Keep at least two points to train on.")
            return False
        del points[index]
        self.set_points(points)
        return True

    def paste_points(self, text: str) -> int:
        """Add points from text, one ``x, y, class`` per line; returns how many were added.

        Lines that are not three numbers (class 0 or 1) are skipped; beyond MAX_POINTS the
        rest is dropped with a message, never a freeze.
        """
        from visualizer.tabs.gates.playground_settings import MAX_POINTS

        points = self.play_points()
        room = MAX_POINTS - len(points)
        added: list[Point] = []
        skipped = dropped = 0
        for line in text.splitlines()[: 10 * MAX_POINTS]:
            parts = [p for p in line.replace(";", ",").replace("\t", ",").split(",") if p.strip()]
            try:
                x, y, c = (float(p) for p in parts)
                point = _point(x, y, int(c)) if c in (0.0, 1.0) else None
            except ValueError:
                point = None
            if point is None:
                skipped += bool(line.strip())
            elif len(added) < room:
                added.append(point)
            else:
                dropped += 1
        if added:
            self.set_points([*points, *added])
        words = [f"Added {len(added)} point{'s' if len(added) != 1 else ''}."]
        if dropped:
            words.append(f"{dropped} more were left out: at most {MAX_POINTS} points.")
        if skipped:
            words.append(f"{skipped} line(s) were not x, y, class.")
        self._say(" ".join(words))
        return len(added)


def _point(x: float, y: float, label: int) -> Point:
    from visualizer.tabs.gates.playground_settings import POINT_LIMIT

    x, y = float(x), float(y)
    if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > POINT_LIMIT:
        raise ValueError(f"A point must lie within ±{POINT_LIMIT:g} in both coordinates.")
    if label not in (0, 1):
        raise ValueError("A point's class is 0 or 1.")
    return x, y, int(label)
