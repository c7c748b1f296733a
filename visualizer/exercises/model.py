"""The data the exercise engine hands out: ``Exercise``, ``Verdict``, ``Call`` and exercise codes.

An exercise is a pure function of its code ``topic-seed-index`` (``conv-42-3``): the code
seeds a :class:`Dice` whose draws are the same on every Python and numpy version, so a code
printed on a worksheet today restores the same exercise next year.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from visualizer.exercises.formatting import num, shape_text, vector_text

TOPICS: tuple[str, ...] = ("descent", "gates", "backprop", "conv")
#: The tolerances an exercise can have, as the answer box shows them.
EXACT = "exact"
THREE_DIGITS = "3 significant digits"
TOLERANCES: tuple[str, ...] = (EXACT, THREE_DIGITS)
#: Seeds are whole numbers from 0 to MAX_SEED (a 64-bit hash of a name fits).
MAX_SEED = 2**64 - 1
#: At most this many exercises per ``generate`` call; an index is below it.
MAX_COUNT = 10_000

_CODE = re.compile(r"([a-z]+)-([0-9]{1,25})-([0-9]{1,6})")
_T = TypeVar("_T")


class Call(NamedTuple):
    """The ``visualizer.compute`` call that recomputes an exercise's answer.

    ``function(**kwargs)``, then each key of ``pick`` in turn (an index, a dict key, or an
    attribute name such as ``"x"`` of a trajectory or ``"shape"`` of an array); None: the
    whole result.
    """

    function: str
    kwargs: dict[str, Any]
    pick: tuple[int | str, ...] | None


@dataclass(frozen=True)
class Exercise:
    """One generated exercise.

    Attributes
    ----------
    code
        ``topic-seed-index``, e.g. ``conv-42-3``; ``from_code(code)`` rebuilds this exercise.
    topic, kind
        E.g. ``"conv"``, ``"stride"`` (see ``KINDS``).
    prompt
        The question as a worksheet prints it (plain text with light Markdown: grids are
        tables).
    data
        The inputs as JSON-friendly values (numbers, nested lists for grids, nets as
        ``[[W, b], ...]`` with W of shape (n_in, n_out)); key names follow the compute
        functions (descent data is a ``DescentParams`` dict). Indices (cells, classes)
        count from 0 here and from 1 in the prompt, as a student counts.
    answer
        A number (int, float or an exact ``Fraction`` such as 4/3), a shape tuple, a list of
        numbers, or the word ``"impossible"``.
    tolerance
        ``"exact"`` or ``"3 significant digits"``.
    solution
        Worked lines in the sheet's hand style, numbers put in.
    call
        The compute call that gives the answer, or None where none does (e.g. "find weights
        for NAND": any weights that pass the truth table are right).
    """

    code: str
    topic: str
    kind: str
    prompt: str
    data: dict[str, Any]
    answer: Any
    tolerance: str
    solution: list[str]
    call: Call | None

    def __hash__(self) -> int:
        # data and solution are lists, so the generated hash would fail; the code is unique.
        return hash(self.code)

    @property
    def answer_text(self) -> str:
        """The answer as a key prints it: ``−0.0957501``, ``4/3``, ``3×4``, ``w1 = 1, ...``."""
        answer = self.answer
        if isinstance(answer, str):
            return answer
        if isinstance(answer, tuple):
            return shape_text(answer)
        if self.kind == "weights":
            w1, w2, b = answer
            return f"w1 = {num(w1)}, w2 = {num(w2)}, b = {num(b)}"
        if isinstance(answer, list):
            return vector_text(answer)
        return num(answer)


@dataclass(frozen=True)
class Verdict:
    """What ``check`` says about one typed answer.

    ``graded`` is False when the text could not be read as an answer of the right form
    (empty, words, nan, a shape where a number belongs): practice then leaves the score as
    it was and the message says what to type.
    """

    correct: bool
    message: str
    graded: bool = True


# ----- codes ----------------------------------------------------------------------------------
def make_code(topic: str, seed: int, index: int) -> str:
    """``conv-42-3``."""
    return f"{topic}-{seed}-{index}"


def parse_code(code: object) -> tuple[str, int, int]:
    """``"conv-42-3"`` -> ``("conv", 42, 3)``; ``ValueError`` with one sentence otherwise.

    Case, surrounding spaces and leading zeros are forgiven (``Conv-042-3`` is the same
    exercise); anything else is refused.
    """
    if not isinstance(code, str):
        raise ValueError("An exercise code is text like conv-42-3.")
    text = code.strip().lower()
    match = _CODE.fullmatch(text)
    if match is None:
        shown = code.strip()[:40]
        raise ValueError(
            f"“{shown}” is not an exercise code: a code is a topic, a seed and a number, "
            "like conv-42-3."
        )
    topic, seed_text, index_text = match.groups()
    if topic not in TOPICS:
        raise ValueError(
            f"“{topic}” in the code is not a topic: it must be one of {', '.join(TOPICS)}."
        )
    seed, index = int(seed_text), int(index_text)
    check_seed(seed)
    if index >= MAX_COUNT:
        raise ValueError(f"The number at the end of a code must be below {MAX_COUNT}.")
    return topic, seed, index


def check_seed(seed: object) -> int:
    """The seed as an int, or ``ValueError`` if it is not a whole number in [0, MAX_SEED]."""
    if isinstance(seed, bool) or not hasattr(seed, "__index__"):
        raise ValueError("The seed must be a whole number.")
    value = int(seed.__index__())  # type: ignore[attr-defined]
    if not 0 <= value <= MAX_SEED:
        raise ValueError("The seed must be a whole number from 0 to 2^64 − 1.")
    return value


# ----- deterministic draws ---------------------------------------------------------------------
class Dice:
    """Deterministic draws from a few labels (topic, seed, index).

    The labels are hashed with SHA-256 into the seed of a ``random.Random``, and only its
    ``random()`` is used: Python guarantees that method's sequence for an int seed across
    versions, which ``randrange``, ``choice`` and numpy's distributions do not.
    """

    def __init__(self, *labels: object) -> None:
        digest = hashlib.sha256("/".join(str(label) for label in labels).encode()).digest()
        self._random = random.Random(int.from_bytes(digest[:16], "big"))

    def choice(self, options: Sequence[_T]) -> _T:
        """One of ``options``, each equally likely."""
        return options[int(self._random.random() * len(options))]

    def integer(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, both included."""
        return low + int(self._random.random() * (high - low + 1))

    def sample(self, options: Sequence[_T], k: int) -> list[_T]:
        """``k`` different entries of ``options``, in the order drawn."""
        pool = list(options)
        return [pool.pop(int(self._random.random() * len(pool))) for _ in range(k)]
