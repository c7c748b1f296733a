"""The window's topic models, each made the first time something asks for it.

Start-up then imports and builds only the model of the tab on screen; opening a lesson makes
the models the lesson names. ``made()`` lists the models that exist, for work that concerns
only those (a model made later starts from the window's current practice state through the
``on_create`` hook).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from visualizer.tabs.topic_model import TopicModel
from visualizer.topics import TOPIC_KEYS, topic


class TopicModels(Mapping[str, TopicModel]):
    """``models[key]`` makes the model of topic ``key`` on first use."""

    def __init__(self, on_create: Callable[[str, TopicModel], None]) -> None:
        self._made: dict[str, TopicModel] = {}
        self._on_create = on_create

    def __getitem__(self, key: str) -> TopicModel:
        model = self._made.get(key)
        if model is None:
            model_class = topic(key).model_class()  # KeyError for an unknown topic
            if model_class is None:
                raise KeyError(key)
            model = self._made[key] = model_class()
            self._on_create(key, model)
        return model

    def __iter__(self) -> Iterator[str]:
        return iter(TOPIC_KEYS)

    def __len__(self) -> int:
        return len(TOPIC_KEYS)

    def made(self) -> dict[str, TopicModel]:
        """The models that exist so far (nothing is made by asking this)."""
        return dict(self._made)
