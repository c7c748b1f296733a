"""Widgets that more than one tab uses."""

from visualizer.widgets.number_field import NumberField, parse_number
from visualizer.widgets.play_controls import PlayControls

__all__ = ["NumberField", "PlayControls", "parse_number"]
