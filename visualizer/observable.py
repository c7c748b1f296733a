"""Plain listeners without Qt: the one change-notification mechanism of models and practice."""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str], None]


class Observable:
    """Something views listen to: ``subscribe(listener)``, and ``notify(what)`` on a change.

    Listeners get one word saying what changed; they are plain callables, so a model works
    (and is tested) without a QApplication.
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(what)`` after every change; returns a function that unsubscribes."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def notify(self, what: str) -> None:
        """Tell every listener that ``what`` changed."""
        for listener in list(self._listeners):
            listener(what)
