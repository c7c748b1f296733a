"""The output-size rule of a convolution along one axis, and solving it for stride or padding.

.. math:: out = \\lfloor (n + 2p - d (f - 1) - 1) / s \\rfloor + 1

(PyTorch's ``Conv2d`` and ``MaxPool2d``; with dilation d = 1 it is the familiar
``floor((n + 2p - f)/s) + 1``). Solving it for the stride or the padding has two answers, and
the size solver gives both:

- the *exact* one, where ``(n + 2p - d(f - 1) - 1)/s`` is a whole number so every row of the
  padded input is reached (the sheet's 4b asks for stride 4/3: impossible);
- the whole strides or paddings that give the wanted size *under the floor*, each with the
  trailing rows it leaves unreached.

These names are re-exported by :mod:`visualizer.compute.conv`. Pure numpy; no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from visualizer.compute._conv_checks import as_int, dilated_extent

__all__ = [
    "SizeAnswers",
    "coverage",
    "dilated_kernel_size",
    "explain_solve_padding",
    "explain_solve_stride",
    "output_size",
    "output_size_steps",
    "padding_answers",
    "solve_padding",
    "solve_stride",
    "stride_answers",
    "unreached_trailing",
]

#: Floor answers are listed one by one up to this many; longer runs are written as a range.
_LISTED = 4


def dilated_kernel_size(f: int, dilation: int = 1) -> int:
    """How many input cells a kernel of size ``f`` spans at dilation ``d``: ``d (f - 1) + 1``."""
    f = as_int(f, "kernel size", 1)
    d = as_int(dilation, "dilation", 1)
    return dilated_extent(f, d)


def _spans_text(f: int, d: int) -> str:
    return (
        f"A kernel of size {f}"
        if d == 1
        else (f"A kernel of size {f} at dilation {d} (spanning {dilated_extent(f, d)} cells)")
    )


def output_size(n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    """Number of window positions along one axis.

    .. math:: out = \\lfloor (n + 2p - d (f - 1) - 1) / s \\rfloor + 1

    as PyTorch's ``Conv2d``/``MaxPool2d``. Raises ``ValueError`` when the (dilated) kernel is
    larger than the padded input or the arguments are not sensible.
    """
    n = as_int(n, "input size", 1)
    f = as_int(f, "kernel size", 1)
    p = as_int(padding, "padding", 0)
    s = as_int(stride, "stride", 1)
    d = as_int(dilation, "dilation", 1)
    extent = dilated_extent(f, d)
    if extent > n + 2 * p:
        raise ValueError(
            f"{_spans_text(f, d)} does not fit in an input of size {n} padded by {p} "
            f"({n + 2 * p} cells), so no window fits."
        )
    return (n + 2 * p - extent) // s + 1


def output_size_steps(n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> str:
    """The output-size formula with the numbers put in, e.g. ``floor((4 + 2*1 - 3)/1) + 1 = 4``.

    When the division is not exact it is shown as a fraction so the floor is visible:
    ``floor((5 + 2*0 - 2)/2) + 1 = floor(3/2) + 1 = 1 + 1 = 2``. With dilation the kernel term
    is written out: ``floor((7 + 2*0 - 2*(3 - 1) - 1)/1) + 1 = 2 + 1 = 3``.
    """
    out = output_size(n, f, padding, stride, dilation)
    span = n + 2 * padding - dilated_extent(f, dilation)
    kernel_term = f"{f}" if dilation == 1 else f"{dilation}*({f} - 1) - 1"
    head = f"floor(({n} + 2*{padding} - {kernel_term})/{stride}) + 1"
    if span % stride == 0:
        return f"{head} = {span // stride} + 1 = {out}"
    return f"{head} = floor({span}/{stride}) + 1 = {span // stride} + 1 = {out}"


def coverage(n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> np.ndarray:
    """Which of the ``n + 2p`` padded positions along one axis some window's taps land on.

    Window ``i`` touches positions ``i s + u d`` for ``u < f``. Unreached positions come from
    the floor in the size formula (at the end), from a stride larger than the window (gaps
    between windows) and from dilation (gaps inside a window).
    """
    out = output_size(n, f, padding, stride, dilation)
    reached = np.zeros(n + 2 * padding, dtype=bool)
    taps = np.arange(f) * dilation
    for i in range(out):
        reached[i * stride + taps] = True
    return reached


def unreached_trailing(n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    """How many padded positions at the end no window reaches: ``(n + 2p - d(f - 1) - 1) mod s``.

    Non-zero exactly when the size formula floors.
    """
    output_size(n, f, padding, stride, dilation)  # validates
    return (n + 2 * padding - dilated_extent(f, dilation)) % stride


# ----- solving the size formula -----------------------------------------------------------------
def solve_padding(n: int, f: int, stride: int, out: int, dilation: int = 1) -> Fraction:
    """The padding that makes ``(n + 2p - d(f - 1) - 1)/s + 1 = out`` hold exactly.

    .. math:: p = ((out - 1) s - n + d (f - 1) + 1) / 2

    Returned as an exact ``Fraction``: a whole, non-negative value is a usable padding;
    anything else means no padding gives exactly ``out`` (see :func:`padding_answers`).
    """
    n = as_int(n, "input size", 1)
    f = as_int(f, "kernel size", 1)
    s = as_int(stride, "stride", 1)
    o = as_int(out, "wanted output size", 1)
    d = as_int(dilation, "dilation", 1)
    return Fraction((o - 1) * s - n + dilated_extent(f, d), 2)


def solve_stride(n: int, f: int, padding: int, out: int, dilation: int = 1) -> Fraction:
    """The stride that makes ``(n + 2p - d(f - 1) - 1)/s + 1 = out`` hold exactly.

    .. math:: s = (n + 2p - d (f - 1) - 1) / (out - 1)

    Returned as an exact ``Fraction`` (exercise 4b: n=4, f=2, p=1, out=4 gives 4/3, which is
    not a whole number; 0 when the kernel fills the padded input, since then only one window
    fits). Raises ``ValueError`` when ``out`` is 1 (the equation has no stride in it then) or
    the kernel does not fit.
    """
    n = as_int(n, "input size", 1)
    f = as_int(f, "kernel size", 1)
    p = as_int(padding, "padding", 0)
    o = as_int(out, "wanted output size", 1)
    d = as_int(dilation, "dilation", 1)
    extent = dilated_extent(f, d)
    if extent > n + 2 * p:
        raise ValueError(
            f"{_spans_text(f, d)} does not fit in an input of size {n} padded by {p}, "
            "so no stride gives any output."
        )
    if o == 1:
        raise ValueError(
            "An output of size 1 is a single window, so the stride does not appear in the "
            "formula and it cannot be solved for it."
        )
    return Fraction(n + 2 * p - extent, o - 1)


@dataclass(frozen=True)
class SizeAnswers:
    """Both answers of the size solver, for one unknown (``"stride"`` or ``"padding"``).

    ``exact`` solves the equation without the floor (None when it has no solution or any
    value works); ``exact_works`` says it is a usable whole value, so every row is reached.
    ``floor_values`` are the whole values that give the wanted size under the floor
    (ascending; the exact one included), ``dropped[i]`` the trailing padded rows that
    ``floor_values[i]`` leaves unreached. ``open_ended`` means every value above the last
    listed one works too (a stride larger than the input gives one window). ``text`` says
    all of it in words.
    """

    unknown: str
    exact: Fraction | None
    exact_works: bool
    floor_values: tuple[int, ...]
    dropped: tuple[int, ...]
    open_ended: bool
    text: str


def _fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def _rows(count: int, padded: bool) -> str:
    where = " of the padded input" if padded else ""
    return f"the last row{where}" if count == 1 else f"the last {count} rows{where}"


def _floor_sentence(
    unknown: str, values: list[int], dropped: list[int], out: int, padded: bool, lead: str
) -> str:
    """``Under the floor, stride 2 gives 3 anyway (the last row is never reached).``"""
    if not values:
        return ""
    verb = "gives" if len(values) == 1 else "give"
    if len(values) <= _LISTED:
        items = [
            f"{unknown} {v} ({_rows(k, padded)} never reached)"
            if k
            else f"{unknown} {v} (every row reached)"
            for v, k in zip(values, dropped, strict=True)
        ]
        listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
        return f" Under the floor, {listed} {verb} {out} {lead}."
    return (
        f" Under the floor, every {unknown} from {values[0]} to {values[-1]} gives {out} "
        f"{lead} (leaving from {max(dropped)} down to {min(dropped)} trailing rows unreached)."
    )


def stride_answers(n: int, f: int, padding: int, out: int, dilation: int = 1) -> SizeAnswers:
    """Which strides give ``out`` windows: exactly (every row reached) and under the floor.

    With ``span = n + 2p - d(f - 1) - 1`` and ``m = out - 1``, the exact stride is
    ``span / m``; under the floor, ``floor(span / s) = m`` holds for the whole strides

    .. math:: \\lfloor span / (m + 1) \\rfloor + 1 \\le s \\le \\lfloor span / m \\rfloor

    (for ``out = 1``: every stride above ``span``), each leaving ``span - m s`` rows unreached.
    """
    n = as_int(n, "input size", 1)
    f = as_int(f, "kernel size", 1)
    p = as_int(padding, "padding", 0)
    o = as_int(out, "wanted output size", 1)
    d = as_int(dilation, "dilation", 1)
    span = n + 2 * p - dilated_extent(f, d)
    padded = p > 0
    if span < 0:
        text = (
            f"{_spans_text(f, d)} does not fit in an input of size {n} padded by {p}, "
            "so no stride gives any output."
        )
        return SizeAnswers("stride", None, False, (), (), False, text)
    m = o - 1
    if m == 0:
        if span == 0:
            text = (
                "The kernel fills the padded input exactly, so there is one window whatever "
                "the stride: every stride gives 1."
            )
            return SizeAnswers("stride", None, True, (1,), (0,), True, text)
        text = (
            f"An output of size 1 is a single window, and every stride of {span + 1} or more "
            f"gives it, but none reaches every row ({_rows(span, padded)} never reached)."
        )
        return SizeAnswers("stride", None, False, (span + 1,), (span,), True, text)
    kernel_term = "f" if d == 1 else "d(f - 1) - 1"
    kernel_numbers = f"{f}" if d == 1 else f"{d}*({f} - 1) - 1"
    exact = Fraction(span, m)
    head = (
        f"s = (n + 2p - {kernel_term})/(out - 1) = ({n} + 2*{p} - {kernel_numbers})/({o} - 1) "
        f"= {_fraction_text(exact)}"
    )
    values = list(range(span // o + 1, span // m + 1))
    dropped = [span - m * v for v in values]
    if span == 0:
        text = (
            f"{head}: the kernel fills the padded input, so only 1 output fits "
            f"and no stride gives {o}."
        )
        return SizeAnswers("stride", exact, False, (), (), False, text)
    if exact.denominator == 1:
        text = f"{head}: stride {exact} works." + _floor_sentence(
            "stride", values[:-1], dropped[:-1], o, padded, "as well"
        )
        return SizeAnswers("stride", exact, True, tuple(values), tuple(dropped), False, text)
    if not values:
        nearest = [
            f"stride {t} gives {span // t + 1}"
            for t in (math.floor(exact), math.ceil(exact))
            if t >= 1
        ]
        text = (
            f"{head}: stride {_fraction_text(exact)} is not a whole number, so no stride works, "
            f"not even under the floor ({', '.join(nearest)})."
        )
        return SizeAnswers("stride", exact, False, (), (), False, text)
    text = (
        f"{head}: stride {_fraction_text(exact)} is not a whole number, so no stride reaches "
        f"every row exactly."
    ) + _floor_sentence("stride", values, dropped, o, padded, "anyway")
    return SizeAnswers("stride", exact, False, tuple(values), tuple(dropped), False, text)


def padding_answers(n: int, f: int, stride: int, out: int, dilation: int = 1) -> SizeAnswers:
    """Which paddings give ``out`` windows: exactly (every row reached) and under the floor.

    With ``e = d(f - 1) + 1`` and ``m = out - 1`` the exact padding is ``(m s - n + e)/2``;
    under the floor, ``m s <= n + 2p - e <= m s + s - 1`` holds for the whole ``p >= 0``

    .. math:: \\lceil (m s - n + e)/2 \\rceil \\le p \\le \\lfloor (m s + s - 1 - n + e)/2 \\rfloor

    each leaving ``n + 2p - e - m s`` padded rows unreached.
    """
    n = as_int(n, "input size", 1)
    f = as_int(f, "kernel size", 1)
    s = as_int(stride, "stride", 1)
    o = as_int(out, "wanted output size", 1)
    d = as_int(dilation, "dilation", 1)
    extent = dilated_extent(f, d)
    m = o - 1
    need = m * s - n + extent  # 2p when the division is exact
    exact = Fraction(need, 2)
    if d == 1:
        head = f"p = ((out - 1)*s - n + f)/2 = (({o} - 1)*{s} - {n} + {f})/2"
    else:
        head = (
            f"p = ((out - 1)*s - n + d(f - 1) + 1)/2 = (({o} - 1)*{s} - {n} + {d}*({f} - 1) + 1)/2"
        )
    head += f" = {_fraction_text(exact)}"
    low = max(0, -(-need // 2))
    values = list(range(low, (need + s - 1) // 2 + 1))
    dropped = [n + 2 * v - extent - m * s for v in values]
    padded = True  # the unreached rows are counted on the padded input
    works = exact.denominator == 1 and exact >= 0
    if works:
        text = f"{head}: padding {exact} works." + _floor_sentence(
            "padding", values[1:], dropped[1:], o, padded, "as well"
        )
    else:
        if exact >= 0:
            reason = (
                f"padding {_fraction_text(exact)} is not a whole number, so no padding reaches "
                "every row exactly"
            )
        else:
            reason = (
                f"padding cannot be negative, so no padding gives {o} with every row reached "
                f"(padding 0 already gives {(n - extent) // s + 1})"
            )
        if values:
            text = f"{head}: {reason}." + _floor_sentence(
                "padding", values, dropped, o, padded, "anyway"
            )
        else:
            text = f"{head}: {reason}, and none gives {o} under the floor either."
    return SizeAnswers("padding", exact, works, tuple(values), tuple(dropped), False, text)


def explain_solve_padding(
    n: int, f: int, stride: int, out: int, dilation: int = 1
) -> tuple[Fraction, bool, str]:
    """Solve for the padding and say in words whether it works, exactly and under the floor.

    Returns ``(p, works, text)``: ``p`` the exact solution, ``works`` whether it is a usable
    whole padding, and ``text`` both answers (see :func:`padding_answers`), e.g. for exercise
    4a ``p = ((out - 1)*s - n + f)/2 = ((4 - 1)*1 - 4 + 3)/2 = 1: padding 1 works.``
    """
    answers = padding_answers(n, f, stride, out, dilation)
    assert answers.exact is not None  # the padding equation always has a solution
    return answers.exact, answers.exact_works, answers.text


def explain_solve_stride(
    n: int, f: int, padding: int, out: int, dilation: int = 1
) -> tuple[Fraction | None, bool, str]:
    """Solve for the stride and say in words whether it works, exactly and under the floor.

    Returns ``(s, works, text)``: ``s`` the exact solution (None when ``out`` is 1 or the
    kernel does not fit), ``works`` whether a whole stride reaches every row, and ``text``
    both answers (see :func:`stride_answers`). Exercise 4b gives 4/3: no stride works, not
    even under the floor; n = 7, f = 2, p = 0, out = 3 gives 5/2, and stride 2 gives 3
    under the floor with the last row never reached.
    """
    answers = stride_answers(n, f, padding, out, dilation)
    return answers.exact, answers.exact_works, answers.text
