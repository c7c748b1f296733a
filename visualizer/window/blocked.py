"""``with blocked(obj):``: a signal blocker that also works on QAction."""

from __future__ import annotations


class blocked:
    """``with blocked(obj):`` - a signal blocker that also works on QAction."""

    def __init__(self, obj) -> None:
        self._obj = obj

    def __enter__(self) -> None:
        self._was = self._obj.blockSignals(True)

    def __exit__(self, *exc) -> None:
        self._obj.blockSignals(self._was)
