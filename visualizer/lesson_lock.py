"""A locked lesson: controls a teacher hides or locks per tab, and whether it starts in practice.

Plain Python (no Qt). Not security: a way to keep a projected screen simple. The lesson file
holds it as::

    "lock": {
      "hide": {"descent": ["table", "worked_steps"]},
      "disable": {"descent": ["lr"]},
      "practice": true
    }

Names are those a tab lists in ``lockable_controls()``; a name the tab no longer has is
ignored when the lesson opens (a lesson stays usable when a later version renames a control).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from visualizer.topics import TOPIC_KEYS

MAX_NAMES = 100


@dataclass(frozen=True)
class LessonLock:
    """What a locked lesson hides and disables per tab, and whether practice starts on."""

    hide: dict[str, tuple[str, ...]] = field(default_factory=dict)
    disable: dict[str, tuple[str, ...]] = field(default_factory=dict)
    practice: bool = False

    def is_empty(self) -> bool:
        return not any(self.hide.values()) and not any(self.disable.values()) and not self.practice

    def hidden(self, key: str) -> tuple[str, ...]:
        return self.hide.get(key, ())

    def disabled(self, key: str) -> tuple[str, ...]:
        return self.disable.get(key, ())

    def to_state(self) -> dict[str, Any]:
        return {
            "hide": {key: list(names) for key, names in self.hide.items() if names},
            "disable": {key: list(names) for key, names in self.disable.items() if names},
            "practice": self.practice,
        }

    @classmethod
    def from_state(cls, state: Any) -> LessonLock:
        """Read a lesson's ``"lock"`` object; ``ValueError`` with one sentence on bad data."""
        if not isinstance(state, dict) or set(state) - {"hide", "disable", "practice"}:
            raise ValueError("The lesson's lock must name only hide, disable and practice.")
        practice = state.get("practice", False)
        if not isinstance(practice, bool):
            raise ValueError("The lesson lock's practice must be true or false.")
        return cls(
            hide=_read_names(state.get("hide", {}), "hide"),
            disable=_read_names(state.get("disable", {}), "disable"),
            practice=practice,
        )


def _read_names(value: Any, what: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError(f"The lesson lock's {what} must map tabs to lists of controls.")
    names: dict[str, tuple[str, ...]] = {}
    for key, controls in value.items():
        if key not in TOPIC_KEYS:
            raise ValueError(f"The lesson lock names an unknown tab: {key!r}.")
        if (
            not isinstance(controls, list)
            or len(controls) > MAX_NAMES
            or not all(isinstance(name, str) and 0 < len(name) <= 60 for name in controls)
        ):
            raise ValueError(f"The lesson lock's {what} list of the {key} tab is not valid.")
        names[key] = tuple(dict.fromkeys(controls))
    return names
