"""Finding files in ``resources/`` both from a source checkout and from an installed wheel.

The wheel ships the top-level ``resources/`` folder as the package ``visualizer.resources``
(see ``pyproject.toml``); a source checkout run with ``python -m visualizer`` finds the folder
next to the package instead.
"""

from __future__ import annotations

from importlib import resources as importlib_resources
from pathlib import Path

_SOURCE_TREE_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resources_dir() -> Path:
    """The folder holding the app's resources."""
    try:
        installed = importlib_resources.files("visualizer.resources")
    except ModuleNotFoundError:
        return _SOURCE_TREE_RESOURCES
    path = Path(str(installed))
    return path if path.is_dir() else _SOURCE_TREE_RESOURCES


def resource_path(*parts: str) -> Path:
    """The path of one resource file, e.g. ``resource_path("help", "descent.md")``."""
    return resources_dir().joinpath(*parts)
