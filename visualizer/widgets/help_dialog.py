"""Help > a short page per topic: the formulas the tab uses and what each control does."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from visualizer.resources_path import resource_path
from visualizer.topics import TOPICS

_TITLES = {topic.key: topic.title for topic in TOPICS}


def help_markdown(key: str) -> str:
    """The Markdown help page of a topic (from ``resources/help/<key>.md``)."""
    path = resource_path("help", f"{key}.md")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"# {_TITLES.get(key, key)}\n\nThe help page is missing from this installation."


class HelpDialog(QDialog):
    """A non-modal window showing one topic's help page; follows the current tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(720, 640)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self._key = ""

    def topic(self) -> str:
        return self._key

    def show_topic(self, key: str) -> None:
        self._key = key
        self.setWindowTitle(f"Help: {_TITLES.get(key, key)}")
        self.browser.setMarkdown(help_markdown(key))
