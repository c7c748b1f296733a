"""Views a tab builds the first time they are needed, not when the tab is built.

Start-up builds the tab on screen; a view that only some settings show (the descent surface
and (lr, β) map, the convolution image mode) waits until those settings are first shown, so
a lesson that never uses it never pays for it. Every topic uses this one descriptor::

    class ConvTab(TopicTab):
        image_view = BuiltOnFirstUse(_build_image_view)   # build(tab) -> the view, placed

``tab.image_view`` builds and places the view on first read; ``made(tab, "image_view")`` is
the view if it exists, else None (for work such as restyling that concerns only built views).
Any widget can hold such views (the convolution grids make their channel grids this way).
A view built after the tab finished building gets the tab's styles at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

V = TypeVar("V")


class BuiltOnFirstUse(Generic[V]):
    """A descriptor: ``build(tab)`` runs on the first read, its result is kept on the tab."""

    def __init__(self, build: Callable[[Any], V]) -> None:
        self._build = build
        self._slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_built_{name}"

    @overload
    def __get__(self, tab: None, owner: type | None = None) -> BuiltOnFirstUse[V]: ...
    @overload
    def __get__(self, tab: object, owner: type | None = None) -> V: ...
    def __get__(self, tab: object | None, owner: type | None = None) -> Any:
        if tab is None:
            return self
        view = tab.__dict__.get(self._slot)
        if view is None:
            view = tab.__dict__[self._slot] = self._build(tab)
            # (is_built is False while the tab's own __init__ still runs: finish_build styles it)
            if getattr(tab, "is_built", lambda: False)():
                tab.apply_styles()
        return view

    def made(self, tab: object) -> V | None:
        """The view if it was built, else None (building nothing)."""
        return tab.__dict__.get(self._slot)


def made(owner: object, name: str) -> Any:
    """``owner``'s view ``name`` (a :class:`BuiltOnFirstUse` attribute) if it was built, else
    None (building nothing)."""
    lazy = getattr(type(owner), name)
    if not isinstance(lazy, BuiltOnFirstUse):
        raise TypeError(f"{type(owner).__name__}.{name} is not built on first use.")
    return lazy.made(owner)
