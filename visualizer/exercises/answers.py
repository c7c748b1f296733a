"""Reading what a student typed and judging it: ``check(exercise, response) -> Verdict``.

A right answer is accepted however it is written (``-0.1376``, ``−0.1376``, ``-1.376e-1``,
``4/3`` or ``1.333``; shapes ``1x3``, ``1×3``, ``(1, 3)``, ``1 3``; "impossible"), and a wrong
one never is. Numbers are read exactly (as fractions), so "exact" means exact: ``17.8`` is
not ``17.75``. Wrong answers get a hint but never the answer itself, so a student can try
again before Reveal.

Tolerances:

- ``exact``: equal to the answer (up to float rounding, 1e-9 relative). An answer with no
  finite decimal (4/3, 37/9) may also be written as a decimal cut off or correctly rounded
  after at least 3 significant digits (1.33, 1.333, 0.667 for 2/3; not 1.334).
- ``3 significant digits``: within one unit of the third significant digit, so both
  −0.137 (cut off) and −0.138 (rounded) are right for −0.137637.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from visualizer.exercises.conv import whole_solutions
from visualizer.exercises.formatting import as_fraction, is_terminating, num, shape_text
from visualizer.exercises.model import THREE_DIGITS, Exercise, Verdict

#: The example every "not a number" message gives.
NUMBER_HINT = "type a number like −0.137"
#: Longer responses are refused before any parsing.
MAX_RESPONSE = 1000
#: Numbers beyond this size are refused: no exercise has an answer anywhere near it.
MAX_MAGNITUDE = 10**9

_MINUS_SIGNS = "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"
_DECIMAL = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
# "impossible", alone or followed by a remark after punctuation ("impossible: s = 4/3").
_IMPOSSIBLE = re.compile(
    r"(impossible|not possible|none|no|cannot|can't|cant"
    r"|no (?:whole |such |single )?(?:stride|padding|solution|weights|neuron)s?)"
    r"[\s.!]*([,:;(\-].*)?",
    re.DOTALL,
)
_NON_FINITE = frozenset({"nan", "inf", "infinity", "∞"})
_ROW_NAMES = ("00", "01", "10", "11")


@dataclass(frozen=True)
class _Number:
    """A typed number, exactly, with how it was written (for the rounding rule)."""

    value: Fraction
    decimals: int | None  # decimal places as typed; None for a fraction like 4/3
    significant: int  # significant digits as typed (0 for a fraction)


# ----- reading ---------------------------------------------------------------------------------
def _normalise(text: str) -> str:
    # NFKC turns full-width digits and subscripts into plain ones and ½ into 1⁄2.
    text = unicodedata.normalize("NFKC", text)
    for sign in _MINUS_SIGNS:
        text = text.replace(sign, "-")
    for slash in ("\u2044", "\u2215", "÷"):
        text = text.replace(slash, "/")
    return text.strip()


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 24 else text[:21] + "…"


_NAME_PREFIX = re.compile(r"[A-Za-z][\w/'\[\],]{0,11}\s*[=≈]\s*(.*)", re.DOTALL)


def _after_equals(text: str) -> str:
    # "x_2 = −0.1376", "s = 2", "dE/df2 = [...]": a name and "=" before the answer are fine.
    match = _NAME_PREFIX.fullmatch(text.strip())
    text = match.group(1) if match else text
    return text.strip().lstrip("≈~").strip()


def _read_decimal(token: str, original: str) -> _Number:
    token = re.sub(r"^([+-])\s+", r"\1", token.strip())
    match = _DECIMAL.fullmatch(token)
    if match is None:
        if token.lower().lstrip("+-") in _NON_FINITE:
            raise ValueError(f"That is not a finite number: {NUMBER_HINT}.")
        raise ValueError(f"“{_snippet(original)}” is not a number: {NUMBER_HINT}.")
    sign, mantissa, exponent_text = match.groups()
    exponent = int(exponent_text) if exponent_text else 0
    if abs(exponent) > 30:
        raise ValueError(f"That number is out of range: {NUMBER_HINT}.")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    value = Fraction(int(whole + fraction or "0"), 10 ** len(fraction)) * Fraction(10) ** exponent
    return _Number(-value if sign == "-" else value, len(fraction) - exponent, len(digits))


def _read_number(text: str, decimal_comma: bool = True) -> _Number:
    """One number: decimal, exponent or fraction form; ValueError with one sentence."""
    if len(text) > MAX_RESPONSE:
        raise ValueError(f"That answer is too long: {NUMBER_HINT}.")
    cleaned = _after_equals(_normalise(text))
    if not cleaned:
        raise ValueError(f"Type an answer first: {NUMBER_HINT}.")
    if decimal_comma and cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # 0,5 is how half the world writes 0.5
    if "/" in cleaned:
        top, _, bottom = cleaned.partition("/")
        numerator = _read_decimal(top, text).value
        denominator = _read_decimal(bottom, text).value
        if denominator == 0:
            raise ValueError(f"Cannot divide by zero: {NUMBER_HINT}.")
        number = _Number(numerator / denominator, None, 0)
    else:
        number = _read_decimal(cleaned, text)
    if abs(number.value) > MAX_MAGNITUDE:
        raise ValueError(f"That number is too large for this exercise: {NUMBER_HINT}.")
    return number


def parse_number(text: str) -> float:
    """The number a student typed, or ``ValueError`` with one sentence saying what to type.

    Accepts ``-0.1376``, ``−0.1376`` (Unicode minus), ``-1.376e-1``, ``.5``, ``0,5``,
    fractions ``4/3`` and ``−1/2``, ``½``, and a worked line's result (``x_1 = −0.05``).
    Refuses empty text, words, ``nan``, ``inf``, ``1/0`` and numbers beyond 1e9.
    """
    return float(_read_number(text).value)


def parse_shape(text: str) -> tuple[int, ...]:
    """A shape typed as ``1x3``, ``1×3``, ``1 X 3``, ``(1, 3)``, ``[1, 3]``, ``1*3`` or ``1 3``.

    Returns the sizes as a tuple of positive ints; ``ValueError`` with one sentence otherwise.
    """
    hint = "Type a shape as rows × columns, like 1×3."
    if len(text) > MAX_RESPONSE:
        raise ValueError(hint)
    cleaned = _after_equals(_normalise(text)).lower()
    cleaned = re.sub(r"[\[\]()×x*,;]|\bby\b", " ", cleaned)
    parts = cleaned.split()
    if not parts:
        raise ValueError(hint)
    if not all(re.fullmatch(r"[0-9]{1,6}", part) for part in parts) or len(parts) > 4:
        raise ValueError(f"“{_snippet(text)}” is not a shape. {hint}")
    sizes = tuple(int(part) for part in parts)
    if 0 in sizes:
        raise ValueError(f"A size cannot be 0. {hint}")
    return sizes


def _read_vector(text: str) -> list[_Number]:
    hint = "type the numbers separated by spaces or commas, like 0.2, −0.5, 0.3"
    if len(text) > MAX_RESPONSE:
        raise ValueError(f"That answer is too long: {hint}.")
    cleaned = re.sub(r"[\[\](){}]", " ", _after_equals(_normalise(text)))
    # Semicolons separate numbers written with decimal commas: "0,2; −0,5; 0,3".
    semicolons = ";" in cleaned
    parts = cleaned.split(";") if semicolons else cleaned.replace(",", " ").split()
    parts = [part for part in parts if part.strip()]
    if not parts:
        raise ValueError(f"Type an answer first: {hint}.")
    if len(parts) > 100:
        raise ValueError(f"That is too many numbers: {hint}.")
    try:
        return [_read_number(part, decimal_comma=semicolons) for part in parts]
    except ValueError:
        raise ValueError(f"“{_snippet(text)}” is not a list of numbers: {hint}.") from None


def parse_vector(text: str) -> list[float]:
    """Numbers typed as ``0.2, −0.5, 0.3``, ``[0.2 -0.5 0.3]``, ``(1/4; 3/4)`` or, with
    decimal commas, ``0,2; −0,5; 0,3``; ``ValueError`` with one sentence otherwise."""
    return [float(number.value) for number in _read_vector(text)]


def _is_impossible(text: str) -> bool:
    cleaned = " ".join(_normalise(text).lower().strip("“”\"' ").split())
    return _IMPOSSIBLE.fullmatch(cleaned) is not None


_WEIGHT_NAMES = {"w1": 0, "wa": 0, "w2": 1, "wb": 1, "b": 2, "bias": 2, "w0": 2}
_NAMED = re.compile(r"\b(w_?1|w_?a|w_?2|w_?b|w_?0|bias|b)\s*[=:]\s*([^,;\s]+)")
_W_PAIR = re.compile(r"\bw\s*[=:]\s*[(\[]\s*([^,;\s)]+)\s*[,;\s]\s*([^,;\s)]+)\s*[)\]]")


def _read_weights(text: str) -> tuple[Fraction, Fraction, Fraction]:
    """w1, w2 and b from ``w1=0.5, w2=0.5, b=-0.5``, ``w = (0.5, 0.5), b = -0.5`` or
    ``0.5 0.5 -0.5`` (in that order)."""
    hint = "type w1, w2 and b, like w1=0.5, w2=0.5, b=−0.5 (or “impossible”)"
    if len(text) > MAX_RESPONSE:
        raise ValueError(f"That answer is too long: {hint}.")
    cleaned = _normalise(text).lower()
    values: dict[int, Fraction] = {}
    pair = _W_PAIR.search(cleaned)
    try:
        if pair:
            values[0] = _read_number(pair.group(1), decimal_comma=False).value
            values[1] = _read_number(pair.group(2), decimal_comma=False).value
            cleaned = cleaned[: pair.start()] + cleaned[pair.end() :]
        named = _NAMED.findall(cleaned)
        if named:
            for name, value in named:
                slot = _WEIGHT_NAMES[name.replace("_", "")]
                if slot in values:
                    raise ValueError(f"{name} is given twice: {hint}.")
                values[slot] = _read_number(value, decimal_comma=False).value
        elif not pair:
            numbers = _read_vector(cleaned)
            if len(numbers) != 3:
                raise ValueError(f"That is {len(numbers)} number(s), not 3: {hint}.")
            values = {i: number.value for i, number in enumerate(numbers)}
    except ValueError as error:
        message = str(error)
        raise ValueError(message if hint in message else f"{message[:-1]}; {hint}.") from None
    if sorted(values) != [0, 1, 2]:
        raise ValueError(f"Give all three of w1, w2 and b: {hint}.")
    return values[0], values[1], values[2]


# ----- judging ---------------------------------------------------------------------------------
def _third_digit_unit(answer: Fraction) -> Fraction:
    if answer == 0:
        return Fraction(1, 1000)
    exponent = math.floor(math.log10(abs(float(answer))))
    return Fraction(10) ** (exponent - 2)


def number_matches(number: _Number, answer: Any, tolerance: str) -> bool:
    """True when ``number`` is ``answer`` within ``tolerance`` (see the module docstring)."""
    target = as_fraction(answer)
    value = number.value
    if tolerance == THREE_DIGITS:
        return abs(value - target) < _third_digit_unit(target)
    if value == target or abs(value - target) <= Fraction(1, 10**9) * max(1, abs(target)):
        return True
    if is_terminating(target) or number.decimals is None or number.significant < 3:
        return False
    if number.decimals < 0:
        return False
    # 4/3 as 1.333 (cut off) or 2/3 as 0.667 (rounded), but not 4/3 as 1.334.
    scaled = abs(target) * 10**number.decimals
    cut_off, rounded = math.floor(scaled), math.floor(scaled + Fraction(1, 2))
    typed = abs(value) * 10**number.decimals
    return (value < 0) == (target < 0) and typed in (cut_off, rounded)


def _wrong_number(number: _Number, answer: Any, tolerance: str) -> Verdict:
    target = as_fraction(answer)
    value = number.value
    if target != 0 and number_matches(_Number(-value, number.decimals, 3), answer, tolerance):
        return Verdict(False, "Not right: check the sign.")
    if target != 0 and abs(value - target) <= abs(target) / 50:
        if tolerance == THREE_DIGITS:
            return Verdict(False, "Close, but not right to 3 significant digits.")
        return Verdict(False, "Close, but this answer is exact: keep every decimal.")
    return Verdict(False, "Not right.")


def _unread(message: str) -> Verdict:
    """Not an answer that can be graded (empty, words, the wrong form): the score stays."""
    return Verdict(False, message, graded=False)


def _check_number(exercise: Exercise, text: str) -> Verdict:
    if _is_impossible(text):
        return _unread(f"This one has an answer: {NUMBER_HINT}.")
    number = _read_number(text)
    if number_matches(number, exercise.answer, exercise.tolerance):
        if exercise.tolerance == THREE_DIGITS:
            return Verdict(True, f"Right to 3 significant digits: it is {exercise.answer_text}.")
        return Verdict(True, f"Right: {exercise.answer_text}.")
    return _wrong_number(number, exercise.answer, exercise.tolerance)


def _check_bit(exercise: Exercise, text: str) -> Verdict:
    number = _read_number(text)
    if number.value not in (0, 1):
        return _unread("A step neuron outputs 0 or 1: type 0 or 1.")
    if number.value == exercise.answer:
        return Verdict(True, f"Right: Out = {exercise.answer}.")
    return Verdict(False, "Not right: work out each neuron's z in turn.")


def _check_bits(exercise: Exercise, text: str) -> Verdict:
    compact = re.sub(r"[\s,;\[\](){}]", "", _normalise(text))
    if re.fullmatch(r"[01]{4}", compact):
        bits = [int(c) for c in compact]
    else:
        try:
            numbers = [n.value for n in _read_vector(text)]
        except ValueError:
            numbers = []
        if len(numbers) != 4 or any(v not in (0, 1) for v in numbers):
            return _unread("Type the four outputs for AB = 00, 01, 10, 11, like 0 1 1 0.")
        bits = [int(v) for v in numbers]
    wrong = [
        name
        for name, bit, want in zip(_ROW_NAMES, bits, exercise.answer, strict=True)
        if bit != want
    ]
    if not wrong:
        return Verdict(True, f"Right: Out = {' '.join(map(str, exercise.answer))}.")
    rows = ", ".join(wrong)
    return Verdict(False, f"Not right: look again at row{'s' if len(wrong) > 1 else ''} {rows}.")


def _check_shape(exercise: Exercise, text: str) -> Verdict:
    if _is_impossible(text):
        return _unread("Every tensor here has a shape: type it like 1×3.")
    shape = parse_shape(text)
    answer = tuple(exercise.answer)
    if shape == answer:
        return Verdict(True, f"Right: {shape_text(answer)}.")
    if len(shape) != len(answer):
        return Verdict(False, "Not right: a shape here has two sizes, rows × columns, like 1×3.")
    if shape == answer[::-1]:
        return Verdict(False, "Not right: rows and columns are swapped.")
    return Verdict(False, "Not right.")


def _check_size(exercise: Exercise, text: str) -> Verdict:
    if _is_impossible(text):
        return _unread("This output has a size: type it, like 4.")
    # A square output's size may be given as the size or as the shape (4 or 4×4).
    try:
        shape = parse_shape(text)
    except ValueError:
        shape = ()
    if len(shape) == 2 and shape[0] == shape[1]:
        number = _Number(Fraction(shape[0]), 0, len(str(shape[0])))
    else:
        number = _read_number(text)
    if number.value == exercise.answer:
        return Verdict(True, f"Right: the output is {exercise.answer}×{exercise.answer}.")
    if number.value.denominator != 1:
        return Verdict(False, "Not right: a size is a whole number (the formula rounds down).")
    return Verdict(False, "Not right.")


def _check_vector(exercise: Exercise, text: str) -> Verdict:
    numbers = _read_vector(text)
    answer = list(exercise.answer)
    if len(numbers) != len(answer):
        per = ", one per class" if exercise.kind == "dE_df2" else ", separated by commas"
        return _unread(f"Type {len(answer)} numbers{per}.")
    wrong = [
        i + 1
        for i, (number, want) in enumerate(zip(numbers, answer, strict=True))
        if not number_matches(number, want, exercise.tolerance)
    ]
    if not wrong:
        return Verdict(True, f"Right: {exercise.answer_text}.")
    entries = ", ".join(map(str, wrong))
    return Verdict(False, f"Not right: entr{'ies' if len(wrong) > 1 else 'y'} {entries} differ.")


def _check_solve(exercise: Exercise, text: str) -> Verdict:
    what = exercise.data["solve_for"]
    out = exercise.data["out"]
    works = whole_solutions(exercise.data)
    exact = as_fraction(exercise.answer)
    if _is_impossible(text):
        if works:
            return Verdict(False, f"Not right: a whole {what} does give that output size.")
        return Verdict(
            True,
            f"Right: the formula gives {num(exact)}, not a usable {what}, so no {what} works.",
        )
    number = _read_number(text)
    if number_matches(number, exact, "exact"):
        if works:
            return Verdict(True, f"Right: {what} {num(exact)}.")
        return Verdict(
            True,
            f"Right: the formula gives {num(exact)}; that is not a usable {what}, "
            f"so no {what} gives that output size (impossible).",
        )
    if number.value.denominator == 1 and int(number.value) in works:
        return Verdict(
            True,
            f"Right: {what} {int(number.value)} also gives {out}×{out}, because the size "
            "formula rounds down.",
        )
    return Verdict(False, "Not right.")


def _check_weights(exercise: Exercise, text: str) -> Verdict:
    gate = exercise.data["gate"]
    targets = tuple(exercise.data["targets"])
    if _is_impossible(text):
        if exercise.answer == "impossible":
            return Verdict(
                True, f"Right: no single neuron computes {gate}; it needs a hidden layer."
            )
        return Verdict(False, f"Not right: one neuron can compute {gate}.")
    w1, w2, b = _read_weights(text)
    # Exact sums, so a z of exactly 0 (the sheet's AND) is seen as 0, not as 1e-17.
    sums = [w1 * a + w2 * c + b for a, c in ((0, 0), (0, 1), (1, 0), (1, 1))]
    outputs = tuple(1 if z >= 0 else 0 for z in sums)
    if outputs != targets:
        wrong = ", ".join(r for r, o, t in zip(_ROW_NAMES, outputs, targets, strict=True) if o != t)
        if exercise.answer == "impossible":
            return Verdict(
                False, f"Not right: these weights miss row(s) {wrong}; can any line split {gate}?"
            )
        return Verdict(False, f"Not right: these weights give the wrong output for AB = {wrong}.")
    zero = [r for r, z in zip(_ROW_NAMES, sums, strict=True) if z == 0]
    if zero:
        return Verdict(
            True,
            f"Right, but with zero margin: z = 0 exactly for AB = {', '.join(zero)}, which "
            "counts as 1 only under the z ≥ 0 convention.",
        )
    return Verdict(True, f"Right: these weights compute {gate} on all four rows.")


_CHECKERS = {
    "gd": _check_number,
    "momentum": _check_number,
    "output": _check_bit,
    "truth_table": _check_bits,
    "weights": _check_weights,
    "shape": _check_shape,
    "dE_df2": _check_vector,
    "dE_dW2": _check_number,
    "output_size": _check_size,
    "padding": _check_solve,
    "stride": _check_solve,
    "conv_cell": _check_number,
    "pool_cell": _check_number,
    # Generic kinds for questions about a value on screen (practice mode in the tabs).
    "number": _check_number,
    "vector": _check_vector,
    "size": _check_size,
    "bit": _check_bit,
}


def check(exercise: Exercise, response: str) -> Verdict:
    """Judge a typed answer: never raises, whatever the text.

    Returns ``Verdict(correct, message)``; a response that cannot be read (empty, words,
    nan, inf, huge) is not correct and its message says what to type.
    """
    if not isinstance(response, str) or not response.strip():
        return _unread(f"Type an answer first: {NUMBER_HINT}.")
    if len(response) > MAX_RESPONSE:
        return _unread(f"That answer is too long: {NUMBER_HINT}.")
    checker = _CHECKERS.get(getattr(exercise, "kind", None))  # type: ignore[arg-type]
    if checker is None:
        return _unread("This is not an exercise this engine knows how to check.")
    try:
        return checker(exercise, response)
    except ValueError as error:
        return _unread(str(error))
    except Exception:
        # An answer box must never crash the app, whatever reaches it.
        return _unread(f"That answer could not be read: {NUMBER_HINT}.")
