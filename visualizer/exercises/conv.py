"""Convolution exercises: output size, the padding or stride for a size, one output cell, one
pooled cell.

Sizes follow ``out = ⌊(n + 2p − f)/s⌋ + 1`` (as PyTorch and ``compute.output_size``). A
padding or stride question is only asked when its answer is clear-cut: either the exact
solution of the formula is a usable whole number, or no whole value gives the size even with
the floor (like the sheet's stride 4/3), so "impossible" is right and nothing else is.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from visualizer.exercises.formatting import (
    approx,
    as_fraction,
    grid_table,
    is_terminating,
    num,
    plain,
    term,
)
from visualizer.exercises.model import EXACT, Call, Dice, Exercise

KINDS: tuple[str, ...] = ("output_size", "padding", "stride", "conv_cell", "pool_cell")
VARIANTS: tuple[str, ...] = ("output_size", "conv_cell", "stride", "pool_cell", "padding")

_KERNEL_VALUES = (-2, -1, -0.5, 0, 0.5, 1, 1.5, 2)
_CORRELATION = (
    "Convolve the input F with the kernel K as CNN layers (and the sheet) do: lay the kernel "
    "on each window without flipping it (cross-correlation) and add the products."
)


def make(code: str, dice: Dice, kind: str) -> Exercise:
    """Draw the numbers of one conv exercise of the given kind."""
    if kind == "output_size":
        f = dice.choice((2, 3, 3, 5))
        n = dice.integer(max(4, f), 12)
        return output_size_exercise(
            code, n, f, dice.choice((0, 0, 1, 2)), dice.choice((1, 1, 2, 3))
        )
    if kind in ("padding", "stride"):
        return _solve_exercise(code, dice, kind)
    if kind == "conv_cell":
        n, f = dice.choice((4, 5)), dice.choice((2, 3, 3))
        padding, stride = dice.choice((0, 1)), dice.choice((1, 1, 2))
        image = [[dice.integer(0, 9) for _ in range(n)] for _ in range(n)]
        kernel = [[dice.choice(_KERNEL_VALUES) for _ in range(f)] for _ in range(f)]
        out = output_size(n, f, padding, stride)
        row, col = dice.integer(0, out - 1), dice.integer(0, out - 1)
        return conv_cell_exercise(code, image, kernel, padding, stride, row, col)
    size = dice.choice((2, 2, 3))
    mode = dice.choice(("avg", "max"))
    n = 6 if size == 3 else dice.choice((4, 6))
    if size == 3 and mode == "avg":  # ninths: keep the sum of whole numbers
        grid: list[list[Any]] = [[dice.integer(-9, 9) for _ in range(n)] for _ in range(n)]
    else:
        grid = [[_half(dice.integer(-20, 60)) for _ in range(n)] for _ in range(n)]
    out = n // size
    return pool_cell_exercise(
        code, grid, size, mode, dice.integer(0, out - 1), dice.integer(0, out - 1)
    )


def _an(size: int) -> str:
    """The article before a size read aloud: "an 8×8", "an 11×11", "a 4×4"."""
    return "an" if str(size).startswith("8") or size in (11, 18) else "a"


def _fraction(value: Fraction) -> str:
    """A solved padding or stride as the sheet writes it: 4/3, not 1.3333."""
    return (
        num(value)
        if value.denominator == 1
        else num(value.numerator) + "/" + str(value.denominator)
    )


def _half(twice: int) -> int | float:
    return twice // 2 if twice % 2 == 0 else twice / 2


# ----- sizes ------------------------------------------------------------------------------------
def output_size(n: int, f: int, padding: int, stride: int) -> int:
    """⌊(n + 2p − f)/s⌋ + 1."""
    return (n + 2 * padding - f) // stride + 1


def _size_line(n: int, f: int, p: int, s: int) -> str:
    span = n + 2 * p - f
    head = f"out = ⌊(n + 2p − f)/s⌋ + 1 = ⌊({n} + 2·{p} − {f})/{s}⌋ + 1"
    if span % s == 0:
        return f"{head} = {span // s} + 1 = {span // s + 1}"
    return f"{head} = ⌊{span}/{s}⌋ + 1 = {span // s} + 1 = {span // s + 1}"


def output_size_exercise(code: str, n: int, f: int, padding: int, stride: int) -> Exercise:
    """The output size of an n×n input under an f×f filter."""
    answer = output_size(n, f, padding, stride)
    prompt = (
        f"{_an(n).capitalize()} {n}×{n} input is convolved with {_an(f)} {f}×{f} filter at "
        f"padding p = {padding} and stride s = {stride}. The output is square: how many rows "
        "does it have?"
    )
    solution = [_size_line(n, f, padding, stride)]
    left_over = (n + 2 * padding - f) % stride
    if left_over:
        solution.append(
            f"The floor drops the last {left_over} padded row(s): no window reaches them."
        )
    return Exercise(
        code=code,
        topic="conv",
        kind="output_size",
        prompt=prompt,
        data={"n": n, "f": f, "padding": padding, "stride": stride},
        answer=answer,
        tolerance=EXACT,
        solution=solution,
        call=Call("output_size", {"n": n, "f": f, "padding": padding, "stride": stride}, None),
    )


def whole_solutions(data: dict[str, Any]) -> list[int]:
    """Every usable whole padding (≥ 0) or stride (≥ 1) that gives the asked output size."""
    n, f, out = data["n"], data["f"], data["out"]
    if data["solve_for"] == "padding":
        stride = data["stride"]
        return [
            p
            for p in range(0, n + f + out * stride + 1)
            if f <= n + 2 * p and output_size(n, f, p, stride) == out
        ]
    padding = data["padding"]
    if f > n + 2 * padding:
        return []
    return [s for s in range(1, n + 2 * padding + 2) if output_size(n, f, padding, s) == out]


def _exact_solution(data: dict[str, Any]) -> Fraction:
    n, f, out = data["n"], data["f"], data["out"]
    if data["solve_for"] == "padding":
        return Fraction((out - 1) * data["stride"] - n + f, 2)
    return Fraction(n + 2 * data["padding"] - f, out - 1)


def _solve_exercise(code: str, dice: Dice, what: str) -> Exercise:
    want_possible = dice.choice((True, True, False))
    for _ in range(256):
        f = dice.choice((2, 3, 3, 4, 5))
        n = dice.integer(max(3, f), 10)
        if what == "padding":
            fixed = dice.choice((1, 1, 2))
            same = dice.choice((True, False)) and fixed == 1
            out = n if same else dice.integer(2, n + 2)
            data = {"solve_for": what, "n": n, "f": f, "stride": fixed, "out": out}
        else:
            fixed = dice.choice((0, 1, 1, 2))
            if f >= n + 2 * fixed:
                continue
            out = dice.integer(2, n + 2 * fixed - f + 1)
            data = {"solve_for": what, "n": n, "f": f, "padding": fixed, "out": out}
        exact = _exact_solution(data)
        works = whole_solutions(data)
        sensible = what == "stride" or exact < f  # a padding as wide as the filter is odd
        if want_possible and exact.denominator == 1 and int(exact) in works and sensible:
            return solve_exercise(code, **data)
        if not want_possible and not works and exact.denominator != 1:
            return solve_exercise(code, **data)
    # Never reached for the seeds tested: the sheet's 4b.
    return solve_exercise(code, "stride", 4, 2, 4, padding=1)


def solve_exercise(
    code: str,
    solve_for: str,
    n: int,
    f: int,
    out: int,
    *,
    padding: int | None = None,
    stride: int | None = None,
) -> Exercise:
    """The padding (given the stride) or the stride (given the padding) that gives ``out``."""
    data: dict[str, Any] = {"solve_for": solve_for, "n": n, "f": f, "out": out}
    if solve_for == "padding":
        data["stride"] = stride
        given = f"stride s = {stride}"
    else:
        data["padding"] = padding
        given = f"padding p = {padding}"
    exact = _exact_solution(data)
    works = whole_solutions(data)
    answer: Any = int(exact) if exact.denominator == 1 else exact
    letter = "p" if solve_for == "padding" else "s"
    prompt = (
        f"{_an(n).capitalize()} {n}×{n} input and {_an(f)} {f}×{f} filter at {given}: what "
        f"{solve_for} {letter} gives {_an(out)} {out}×{out} output? Write the value the size "
        f"formula gives, or “impossible” if no {solve_for} does."
    )
    if solve_for == "padding":
        solution = [
            f"(n + 2p − f)/s + 1 = out, so p = ((out − 1)·s − n + f)/2 = "
            f"(({out} − 1)·{stride} − {n} + {f})/2 = {_fraction(exact)}"
        ]
    else:
        solution = [
            f"(n + 2p − f)/s + 1 = out, so s = (n + 2p − f)/(out − 1) = "
            f"({n} + 2·{padding} − {f})/({out} − 1) = {_fraction(exact)}"
        ]
    if works:
        value = int(exact)
        p, s = (value, stride) if solve_for == "padding" else (padding, value)
        solution.append(f"Check: {_size_line(n, f, p, s)} ✓")  # type: ignore[arg-type]
    else:
        why = (
            "not a whole number"
            if exact.denominator != 1
            else ("negative" if solve_for == "padding" else "below 1")
        )
        solution.append(
            f"{letter} = {_fraction(exact)} is {why}, so no {solve_for} gives "
            f"{_an(out)} {out}×{out} output: impossible."
        )
        if solve_for == "stride":
            below = [t for t in (int(exact), int(exact) + 1) if t >= 1]
            nearest = ", ".join(
                f"stride {t} gives {output_size(n, f, padding, t)}"  # type: ignore[arg-type]
                for t in below
            )
            solution.append(f"(The nearest whole strides: {nearest}.)")
    kwargs = {k: v for k, v in data.items() if k != "solve_for"}
    return Exercise(
        code=code,
        topic="conv",
        kind=solve_for,
        prompt=prompt,
        data=data,
        answer=answer,
        tolerance=EXACT,
        solution=solution,
        call=Call(f"solve_{solve_for}", kwargs, None),
    )


# ----- cells ------------------------------------------------------------------------------------
def conv_cell_exercise(
    code: str,
    image: list[list[Any]],
    kernel: list[list[Any]],
    padding: int,
    stride: int,
    row: int,
    col: int,
) -> Exercise:
    """Output cell (row, col) of the cross-correlation of image with kernel (0-based)."""
    n, f = len(image), len(kernel)
    padded = [[0] * (n + 2 * padding) for _ in range(n + 2 * padding)]
    for i, values in enumerate(image):
        padded[i + padding][padding : padding + n] = values
    r0, c0 = row * stride, col * stride
    window = [padded[r0 + u][c0 : c0 + f] for u in range(f)]
    products = [(window[u][v], kernel[u][v]) for u in range(f) for v in range(f)]
    answer = plain(sum((as_fraction(x) * as_fraction(k) for x, k in products), Fraction(0)))
    out = output_size(n, f, padding, stride)
    prompt = (
        f"{_CORRELATION} Padding p = {padding} (zeros), stride s = {stride}.\n\n"
        f"F ({n}×{n}):\n\n{grid_table(image)}\n\nK ({f}×{f}):\n\n{grid_table(kernel)}\n\n"
        f"The output is {out}×{out}. What is its value in row {row + 1}, column {col + 1} "
        "(counting from 1)?"
    )
    solution = []
    if padding:
        size = n + 2 * padding
        solution.append(f"Pad F with {padding} ring of zeros: it becomes {size}×{size}.")
    where = "padded input" if padding else "input"
    solution.append(
        f"Output cell ({row + 1}, {col + 1}) covers rows {r0 + 1}–{r0 + f} and columns "
        f"{c0 + 1}–{c0 + f} of the {where}."
    )
    terms_text = " + ".join(f"{term(x)}·{term(k)}" for x, k in products)
    solution.append(f"F'[{row + 1},{col + 1}] = {terms_text} = {num(answer)}")
    return Exercise(
        code=code,
        topic="conv",
        kind="conv_cell",
        prompt=prompt,
        data={
            "image": image,
            "kernel": kernel,
            "padding": padding,
            "stride": stride,
            "row": row,
            "column": col,
        },
        answer=answer,
        tolerance=EXACT,
        solution=solution,
        call=Call(
            "correlate2d",
            {"image": image, "kernel": kernel, "padding": padding, "stride": stride},
            (row, col),
        ),
    )


def pool_cell_exercise(
    code: str, grid: list[list[Any]], size: int, mode: str, row: int, col: int
) -> Exercise:
    """Pooled cell (row, col) of size×size average or max pooling at stride ``size``."""
    n = len(grid)
    r0, c0 = row * size, col * size
    values = [grid[r0 + u][c0 + v] for u in range(size) for v in range(size)]
    if mode == "max":
        answer = plain(max(as_fraction(v) for v in values))
        working = f"max({', '.join(num(v) for v in values)}) = {num(answer)}"
    else:
        mean = sum((as_fraction(v) for v in values), Fraction(0)) / len(values)
        answer = plain(mean)
        body = " + ".join(term(v) for v in values)
        total = sum((as_fraction(v) for v in values), Fraction(0))
        working = f"({body})/{len(values)} = {num(total)}/{len(values)}"
        if num(answer) != f"{num(total)}/{len(values)}":
            working += f" = {num(answer)}"
        if not is_terminating(mean):
            working += f" ≈ {approx(mean, 4)}"
    name = "average" if mode == "avg" else "max"
    out = n // size
    prompt = (
        f"{size}×{size} {name} pooling with stride {size} (no padding) turns this {n}×{n} "
        f"grid into a {out}×{out} one:\n\n{grid_table(grid)}\n\n"
        f"What is the pooled value in row {row + 1}, column {col + 1} (counting from 1)?"
    )
    solution = [
        f"Pooled cell ({row + 1}, {col + 1}) covers rows {r0 + 1}–{r0 + size} and columns "
        f"{c0 + 1}–{c0 + size} of the grid.",
        working,
    ]
    return Exercise(
        code=code,
        topic="conv",
        kind="pool_cell",
        prompt=prompt,
        data={"grid": grid, "size": size, "stride": size, "mode": mode, "row": row, "column": col},
        answer=answer,
        tolerance=EXACT,
        solution=solution,
        call=Call("pool2d", {"x": grid, "size": size, "stride": size, "mode": mode}, (row, col)),
    )
