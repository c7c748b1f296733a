"""Finding files in ``resources/`` both from a source checkout and from an installed wheel.

The wheel ships the top-level ``resources/`` folder as ``visualizer/resources`` (see the
package-dir mapping in ``pyproject.toml``); a source checkout run with ``python -m visualizer``
finds the folder next to the package instead. Plain paths are used rather than
``importlib.resources``: the folder has no ``__init__.py``, and for such namespace packages
``files()`` returns a multiplexed path that is not a real folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: Candidate folders, most specific first: installed wheel, then source checkout.
_CANDIDATES = (_PACKAGE / "resources", _PACKAGE.parent / "resources")


def resources_dir() -> Path:
    """The folder holding the app's resources (help pages, lessons, the sample picture)."""
    for folder in _CANDIDATES:
        if (folder / "help").is_dir():
            return folder
    return _CANDIDATES[-1]


def resource_path(*parts: str) -> Path:
    """The path of one resource file, e.g. ``resource_path("help", "descent.md")``."""
    return resources_dir().joinpath(*parts)
