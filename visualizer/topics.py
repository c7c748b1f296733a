"""The four topics: key, title, help page, and where each topic's model and tab live.

Plain data (no Qt), so the lesson format, the exercise engine and the help window name the
topics the same way without importing any view.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Topic:
    """One topic of the app.

    Attributes
    ----------
    key
        The name used on the command line, in lesson files and exercise codes.
    title
        The tab's label.
    model, tab
        ``"module:ClassName"`` of the Qt-free model and of the tab that shows it; the tab is
        built with the model (``TabClass(model)``) the first time it is shown. A topic
        without a model ("") keeps its state in the tab (only while a topic is moved).
    """

    key: str
    title: str
    model: str
    tab: str

    @property
    def help_page(self) -> str:
        """File name of the topic's help page in ``resources/help``."""
        return f"{self.key}.md"

    def model_class(self) -> type[Any] | None:
        return _load(self.model) if self.model else None

    def tab_class(self) -> type[Any]:
        return _load(self.tab)


def _load(target: str) -> type[Any]:
    module_name, class_name = target.split(":")
    return getattr(importlib.import_module(module_name), class_name)


TOPICS: tuple[Topic, ...] = (
    Topic(
        "descent",
        "Gradient descent",
        "visualizer.tabs.descent.model:DescentModel",
        "visualizer.tabs.descent.tab:DescentTab",
    ),
    Topic(
        "gates",
        "Logic gates",
        "visualizer.tabs.gates.model:GatesModel",
        "visualizer.tabs.gates.tab:GatesTab",
    ),
    Topic(
        "backprop",
        "Backprop shapes",
        "visualizer.tabs.backprop.model:BackpropModel",
        "visualizer.tabs.backprop.tab:BackpropTab",
    ),
    Topic(
        "conv",
        "Convolution",
        "visualizer.tabs.conv.model:ConvModel",
        "visualizer.tabs.conv.tab:ConvTab",
    ),
)

TOPIC_KEYS: tuple[str, ...] = tuple(topic.key for topic in TOPICS)


def topic(key: str) -> Topic:
    """The topic with this key; ``KeyError`` for an unknown one."""
    for candidate in TOPICS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)
