"""A QTabWidget whose pages are built the first time they are needed.

Start-up only pays for the tab on screen; the others are built when shown, when asked for
through ``widget(i)``, or in idle time after the window appears. Callers never see the
difference: ``widget(i)`` and ``currentWidget()`` always return the real page.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


class LazyTabWidget(QTabWidget):
    """Tabs made by factories; each page is created once, on first use.

    Signals
    -------
    tabBuilt(int, QWidget)
        A page was just created (its index and the page).
    """

    tabBuilt = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factories: list[Callable[[], QWidget]] = []
        self._holders: list[QWidget] = []
        self._pages: dict[int, QWidget] = {}
        self._deferred = True
        self.currentChanged.connect(self._on_current_changed)

    def add_lazy_tab(self, factory: Callable[[], QWidget], label: str) -> int:
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        self._factories.append(factory)
        self._holders.append(holder)
        return self.addTab(holder, label)

    def start_building(self) -> None:
        """Stop deferring: from now on the current tab is built as soon as it is shown."""
        self._deferred = False
        if self.currentIndex() >= 0:
            self.page(self.currentIndex())

    def is_built(self, index: int) -> bool:
        return index in self._pages

    def built_pages(self) -> list[QWidget]:
        return [self._pages[i] for i in sorted(self._pages)]

    def page(self, index: int) -> QWidget | None:
        """The real page at ``index``, built now if needed."""
        if not 0 <= index < len(self._factories):
            return None
        if index not in self._pages:
            page = self._factories[index]()
            self._holders[index].layout().addWidget(page)
            self._pages[index] = page
            self.tabBuilt.emit(index, page)
        return self._pages[index]

    def build_next(self) -> bool:
        """Build one not-yet-built page; False when all are built (for idle-time warm-up)."""
        for index in range(len(self._factories)):
            if index not in self._pages:
                self.page(index)
                return True
        return False

    # QTabWidget API, answered with the real pages -----------------------------------------
    def widget(self, index: int) -> QWidget | None:
        return self.page(index)

    def currentWidget(self) -> QWidget | None:
        return self.page(self.currentIndex())

    def indexOf(self, widget: QWidget) -> int:
        for index, page in self._pages.items():
            if page is widget:
                return index
        return super().indexOf(widget)

    def _on_current_changed(self, index: int) -> None:
        if not self._deferred:
            self.page(index)
