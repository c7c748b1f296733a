"""Generating exercises, restoring them from their codes and recomputing their answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from visualizer import compute
from visualizer.exercises import backprop, conv, descent, gates
from visualizer.exercises.model import (
    MAX_COUNT,
    TOPICS,
    Dice,
    Exercise,
    check_seed,
    make_code,
    parse_code,
)

_MODULES: dict[str, ModuleType] = {
    "descent": descent,
    "gates": gates,
    "backprop": backprop,
    "conv": conv,
}
#: The kinds of exercise each topic generates.
KINDS: dict[str, tuple[str, ...]] = {topic: module.KINDS for topic, module in _MODULES.items()}


def _build(topic: str, seed: int, index: int) -> Exercise:
    module = _MODULES[topic]
    variants = module.VARIANTS
    # A seed-dependent starting point, then one variant after the other: a worksheet of
    # count >= len(variants) questions has every kind, and each exercise depends only on
    # (topic, seed, index), which is what its code records.
    start = Dice(topic, seed, "order").integer(0, len(variants) - 1)
    variant = variants[(start + index) % len(variants)]
    make: Callable[..., Exercise] = module.make
    return make(make_code(topic, seed, index), Dice(topic, seed, index), variant)


def generate(topic: str, seed: int, count: int = 1) -> list[Exercise]:
    """``count`` exercises of ``topic``, the same ones for the same arguments.

    Parameters
    ----------
    topic : {"descent", "gates", "backprop", "conv"}
    seed : int
        0 to 2^64 − 1.
    count : int
        1 to 10 000; exercise ``i`` has the code ``f"{topic}-{seed}-{i}"``.

    Raises
    ------
    ValueError
        Unknown topic, seed out of range or count not in 1..10 000.
    """
    if topic not in TOPICS:
        raise ValueError(f"Unknown topic {topic!r}; choose one of {', '.join(TOPICS)}.")
    seed = check_seed(seed)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"The number of exercises must be a whole number from 1 to {MAX_COUNT}.")
    return [_build(topic, seed, index) for index in range(count)]


def from_code(code: str) -> Exercise:
    """The exercise with this code (``conv-42-3``); ``ValueError`` with one sentence for a
    malformed or unknown code."""
    return _build(*parse_code(code))


def evaluate_call(exercise: Exercise) -> Any:
    """Run ``exercise.call`` through ``visualizer.compute`` and return the picked value.

    Arrays come back squeezed as plain Python (a float for one value, a list for a row or a
    column), shapes as tuples, exact fractions as ``Fraction``.

    Raises
    ------
    ValueError
        When the exercise has no call (its answer is checked by ``check`` alone).
    """
    if exercise.call is None:
        raise ValueError("This exercise has no single compute call; check its answers with check.")
    function, kwargs, pick = exercise.call
    result = getattr(compute, function)(**kwargs)
    for key in pick or ():
        if isinstance(key, str) and not isinstance(result, Mapping):
            result = getattr(result, key)
        else:
            result = result[key]
    if isinstance(result, np.ndarray):
        squeezed = np.squeeze(result)
        return squeezed.item() if squeezed.ndim == 0 else squeezed.tolist()
    if isinstance(result, np.generic):
        return result.item()
    return result
