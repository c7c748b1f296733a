"""One settings pattern for every topic: a frozen dataclass read from and written to a lesson.

Plain Python (no Qt). A topic declares its settings as a frozen dataclass that inherits
:class:`Settings`; each field says how a saved value is read with ``reader=...`` in its
metadata (see :func:`setting`). ``from_state`` refuses unknown keys, reads every known key
with its reader (missing keys keep their defaults), builds the object and calls
``validate()``; every problem is a ``ValueError`` with one sentence naming the setting.
``to_state`` writes the same keys back, so a lesson round-trips unchanged.

Example::

    @dataclass(frozen=True)
    class ConvSettings(Settings):
        topic_name: ClassVar[str] = "convolution"
        padding: int = setting(1, read_int(0, 8))
        mode: str = setting("correlation", read_choice(("correlation", "convolution")))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, field, fields
from typing import Any, ClassVar, Self

from visualizer.numbers import format_limit

Reader = Callable[[Any, str], Any]
"""Turns a saved value into a setting's value, or raises ValueError; gets (value, label)."""


def setting(default: Any, reader: Reader, *, label: str = "", factory: bool = False) -> Any:
    """A dataclass field with its reader (and the words a message uses for it).

    ``factory=True`` treats ``default`` as a zero-argument factory (for list defaults).
    """
    metadata = {"reader": reader, "label": label}
    if factory:
        return field(default_factory=default, metadata=metadata)
    return field(default=default, metadata=metadata)


class Settings:
    """Mixin for a topic's frozen settings dataclass: ``from_state``, ``to_state``, ``validate``."""

    #: How messages name the topic ("The descent setting 'lr' must be a number.").
    topic_name: ClassVar[str] = "topic"

    def validate(self) -> None:
        """Checks across fields; raise ``ValueError`` with one sentence. Per-field checks
        already happened in the readers."""

    @classmethod
    def from_state(cls, state: Any) -> Self:
        """Read and validate saved settings; ``ValueError`` with one sentence on bad data."""
        if not isinstance(state, dict):
            raise ValueError(f"The {cls.topic_name} settings must be a mapping of names to values.")
        known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(state) - set(known))
        if unknown:
            raise ValueError(f"Unknown {cls.topic_name} setting(s): {', '.join(unknown)}.")
        values: dict[str, Any] = {}
        for name, value in state.items():
            f = known[name]
            reader = f.metadata.get("reader")
            label = f.metadata.get("label") or name
            values[name] = reader(value, label) if reader is not None else value
        settings = cls(**values)
        settings.validate()
        return settings

    def to_state(self) -> dict[str, Any]:
        """The settings as JSON-ready data (tuples become lists)."""
        return _jsonable(asdict(self))  # type: ignore[call-overload]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# ----- readers ---------------------------------------------------------------------------------
def read_float(
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    above: float | None = None,
    below: float | None = None,
) -> Reader:
    """A finite number in [minimum, maximum] (``above`` / ``below``: strictly beyond them)."""

    def read(value: Any, label: str) -> float:
        number = _number(value, label)
        _check_range(number, label, minimum, maximum, above)
        if below is not None and number >= below:
            raise ValueError(f"The setting {label!r} must be below {format_limit(below)}.")
        return number

    return read


def read_int(minimum: int | None = None, maximum: int | None = None) -> Reader:
    """A whole number in [minimum, maximum] (``2.0`` is accepted, ``2.5`` is not)."""

    def read(value: Any, label: str) -> int:
        number = _number(value, label)
        if number != int(number):
            raise ValueError(f"The setting {label!r} must be a whole number.")
        _check_range(number, label, minimum, maximum, None)
        return int(number)

    return read


def read_bool() -> Reader:
    def read(value: Any, label: str) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"The setting {label!r} must be true or false.")
        return value

    return read


def read_text(max_length: int = 200) -> Reader:
    def read(value: Any, label: str) -> str:
        if not isinstance(value, str):
            raise ValueError(f"The setting {label!r} must be text.")
        if len(value) > max_length:
            raise ValueError(f"The setting {label!r} is longer than {max_length} characters.")
        return value

    return read


def read_choice(choices: Sequence[str]) -> Reader:
    """One of ``choices`` (text)."""

    def read(value: Any, label: str) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"The setting {label!r} must be one of {', '.join(choices)}.")
        return value

    return read


def read_vector(length: int | None = None, max_length: int = 10_000) -> Reader:
    """A list of finite numbers (of exactly ``length`` entries when given), as a tuple."""

    def read(value: Any, label: str) -> tuple[float, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError(f"The setting {label!r} must be a list of numbers.")
        if length is not None and len(value) != length:
            raise ValueError(f"The setting {label!r} must hold {length} numbers.")
        if len(value) > max_length:
            raise ValueError(f"The setting {label!r} holds more than {max_length} numbers.")
        return tuple(_number(v, label) for v in value)

    return read


def read_grid(min_size: int = 1, max_size: int = 512) -> Reader:
    """A rectangular list of rows of finite numbers, as a tuple of tuples."""

    def read(value: Any, label: str) -> tuple[tuple[float, ...], ...]:
        if not isinstance(value, list | tuple) or not value:
            raise ValueError(f"The setting {label!r} must be a list of rows of numbers.")
        rows = []
        for row in value:
            if not isinstance(row, list | tuple):
                raise ValueError(f"The setting {label!r} must be a list of rows of numbers.")
            rows.append(tuple(_number(v, label) for v in row))
        widths = {len(row) for row in rows}
        if len(widths) != 1:
            raise ValueError(f"The rows of {label!r} do not all have the same length.")
        (width,) = widths
        for size, what in ((len(rows), "rows"), (width, "columns")):
            if not min_size <= size <= max_size:
                raise ValueError(
                    f"The setting {label!r} must have {min_size} to {max_size} {what}."
                )
        return tuple(rows)

    return read


def read_optional(reader: Reader) -> Reader:
    """``None`` or what ``reader`` accepts."""

    def read(value: Any, label: str) -> Any:
        return None if value is None else reader(value, label)

    return read


def read_list(item: Reader, length: int | None = None, max_length: int = 10_000) -> Reader:
    """A list whose every entry ``item`` accepts (exactly ``length`` entries when given), as a
    tuple; e.g. ``read_list(read_int(0, 999), length=4)`` for four whole numbers."""

    def read(value: Any, label: str) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError(f"The setting {label!r} must be a list.")
        if length is not None and len(value) != length:
            raise ValueError(f"The setting {label!r} must hold {length} values.")
        if len(value) > max_length:
            raise ValueError(f"The setting {label!r} holds more than {max_length} values.")
        return tuple(item(v, label) for v in value)

    return read


def _number(value: Any, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"The setting {label!r} must be a number.")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"The setting {label!r} must be a finite number.")
    return number


def _check_range(
    number: float,
    label: str,
    minimum: float | None,
    maximum: float | None,
    above: float | None,
) -> None:
    if above is not None and number <= above:
        raise ValueError(f"The setting {label!r} must be greater than {format_limit(above)}.")
    if minimum is not None and number < minimum:
        raise ValueError(f"The setting {label!r} must be at least {format_limit(minimum)}.")
    if maximum is not None and number > maximum:
        raise ValueError(f"The setting {label!r} must be at most {format_limit(maximum)}.")
