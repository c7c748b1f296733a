"""The exercise engine over many seeds: answers derived again here, checks, codes, calls.

Every answer is recomputed in this file from the exercise's data by an independent route
(plain loops, exact fractions, a batched numpy forward pass, brute force over whole values),
never by asking the engine.
"""

import math
import re
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from visualizer.exercises import (
    KINDS,
    TOPICS,
    Exercise,
    Verdict,
    check,
    evaluate_call,
    from_code,
    generate,
)

SEEDS = range(200)
FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")


@pytest.fixture(scope="module")
def exercises() -> dict[str, list[Exercise]]:
    return {topic: [generate(topic, seed)[0] for seed in SEEDS] for topic in TOPICS}


def _all(exercises):
    return [ex for topic in TOPICS for ex in exercises[topic]]


def exact(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | np.integer):
        return Fraction(int(value))
    return Fraction(repr(float(value)))


# ----- independent derivations ----------------------------------------------------------------
def _gelu_grad(x: float) -> float:
    s = 1.0 / (1.0 + math.exp(-1.702 * x))
    return s * (1.0 + 1.702 * x * (1.0 - s))


def derive_descent(data):
    exact_run = data["objective"] == "square"
    x = exact(data["x0"]) if exact_run else data["x0"]
    lr = exact(data["lr"]) if exact_run else data["lr"]
    beta = exact(data.get("beta", 0.9)) if exact_run else data.get("beta", 0.9)
    v = 0
    for _ in range(data["steps"]):
        g = 2 * x if exact_run else _gelu_grad(x)
        if data["method"] == "gd":
            x = x - lr * g
        else:
            v = beta * v + (1 - beta) * g
            x = x - lr * v
    return x


def _step_net(layers, a, b):
    values = [a, b]
    for weights, biases in layers:
        values = [
            int(sum(weights[i][j] * values[i] for i in range(len(values))) + biases[j] >= 0)
            for j in range(len(biases))
        ]
    return values[0]


def _batched_shapes(n, m, k, batch):
    """Shapes from a real batched forward and backward pass in numpy."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, n))
    W1, b1 = rng.normal(size=(n, m)), rng.normal(size=(1, m))
    W2, b2 = rng.normal(size=(m, k)), rng.normal(size=(1, k))
    y = np.eye(k)[rng.integers(0, k, size=batch)]
    f1 = x @ W1 + b1
    a = 1 / (1 + np.exp(-f1))
    f2 = a @ W2 + b2
    o = np.exp(f2) / np.exp(f2).sum(axis=1, keepdims=True)
    dE_df2 = o - y
    dE_da = dE_df2 @ W2.T
    dE_df1 = dE_da * a * (1 - a)
    o0 = o[:1]
    return {
        "f1": f1.shape,
        "a": a.shape,
        "f2": f2.shape,
        "o": o.shape,
        "dE/do": (-y / o).shape,
        "dE/df2": dE_df2.shape,
        "dE/da": dE_da.shape,
        "dE/df1": dE_df1.shape,
        "dE/dx": (dE_df1 @ W1.T).shape,
        "dE/dW1": (x.T @ dE_df1).shape,
        "dE/db1": dE_df1.sum(axis=0, keepdims=True).shape,
        "dE/dW2": (a.T @ dE_df2).shape,
        "dE/db2": dE_df2.sum(axis=0, keepdims=True).shape,
        "do/df2": (np.diag(o0[0]) - o0.T @ o0).shape,
        "df2/da": W2.T.shape,
        "da/df1": np.diag(a[0] * (1 - a[0])).shape,
        "df1/dx": W1.T.shape,
    }


def _windows(n, f, p, s):
    """How many windows fit, counted one by one."""
    return len(range(0, n + 2 * p - f + 1, s)) if f <= n + 2 * p else 0


def derive(ex: Exercise):
    d = ex.data
    if ex.topic == "descent":
        return derive_descent(d)
    if ex.kind == "output":
        return _step_net(d["layers"], *d["inputs"])
    if ex.kind == "truth_table":
        return [_step_net(d["layers"], a, b) for a, b in ((0, 0), (0, 1), (1, 0), (1, 1))]
    if ex.kind == "shape":
        return _batched_shapes(d["N"], d["M"], d["K"], d["B"])[d["tensor"]]
    if ex.kind == "dE_df2":
        return [exact(o) - y for o, y in zip(d["o"], d["y"], strict=True)]
    if ex.kind == "dE_dW2":
        return exact(d["a"][d["row"]]) * (exact(d["o"][d["column"]]) - d["y"][d["column"]])
    if ex.kind == "output_size":
        return _windows(d["n"], d["f"], d["padding"], d["stride"])
    if ex.kind == "conv_cell":
        padded = np.pad(np.array(d["image"], dtype=object), d["padding"], constant_values=0)
        r0, c0 = d["row"] * d["stride"], d["column"] * d["stride"]
        f = len(d["kernel"])
        return sum(
            exact(padded[r0 + u, c0 + v]) * exact(d["kernel"][u][v])
            for u in range(f)
            for v in range(f)
        )
    if ex.kind == "pool_cell":
        size, r0, c0 = d["size"], d["row"] * d["size"], d["column"] * d["size"]
        cells = [exact(d["grid"][r0 + u][c0 + v]) for u in range(size) for v in range(size)]
        return max(cells) if d["mode"] == "max" else sum(cells) / len(cells)
    raise AssertionError(ex.kind)


def _solve_works(d):
    if d["solve_for"] == "padding":
        return [p for p in range(0, 60) if _windows(d["n"], d["f"], p, d["stride"]) == d["out"]]
    return [s for s in range(1, 60) if _windows(d["n"], d["f"], d["padding"], s) == d["out"]]


# ----- answers are right --------------------------------------------------------------------------
def test_every_kind_appears_and_answers_match_independent_derivations(exercises):
    for topic in TOPICS:
        assert {ex.kind for ex in exercises[topic]} == set(KINDS[topic]), topic
    for ex in _all(exercises):
        if ex.kind in ("weights", "padding", "stride"):
            continue  # checked by the tests below
        want = derive(ex)
        if ex.tolerance == "3 significant digits":
            assert math.isclose(ex.answer, want, rel_tol=1e-12), ex.code
        elif ex.kind == "shape":
            assert ex.answer == want, ex.code
        elif isinstance(want, list):
            assert [exact(v) for v in ex.answer] == want, ex.code
        else:
            assert exact(ex.answer) == want, ex.code


def test_solved_padding_and_stride_are_the_formula_or_provably_impossible(exercises):
    kinds = {"padding": 0, "stride": 0}
    impossible = 0
    for ex in exercises["conv"]:
        if ex.kind not in kinds:
            continue
        kinds[ex.kind] += 1
        d = ex.data
        if ex.kind == "padding":
            formula = Fraction((d["out"] - 1) * d["stride"] - d["n"] + d["f"], 2)
        else:
            formula = Fraction(d["n"] + 2 * d["padding"] - d["f"], d["out"] - 1)
        assert exact(ex.answer) == formula, ex.code
        works = _solve_works(d)
        if works:
            assert formula.denominator == 1 and int(formula) in works, ex.code
        else:
            impossible += 1
            assert formula.denominator != 1, ex.code
            assert check(ex, "impossible").correct, ex.code
    assert all(kinds.values()) and impossible > 0


def test_weights_answers_pass_their_truth_table_and_impossible_ones_have_no_weights(exercises):
    grid = np.arange(-3, 3.5, 0.5)
    for ex in exercises["gates"]:
        if ex.kind != "weights":
            continue
        targets = ex.data["targets"]
        if ex.answer == "impossible":
            assert ex.data["gate"] in ("XOR", "XNOR")
            w1, w2, b = np.meshgrid(grid, grid, grid, indexing="ij")
            found = np.ones(w1.shape, dtype=bool)
            for (a, c), t in zip(((0, 0), (0, 1), (1, 0), (1, 1)), targets, strict=True):
                found &= ((w1 * a + w2 * c + b) >= 0) == bool(t)
            assert not found.any()
        else:
            w1, w2, b = ex.answer
            outs = [int(w1 * a + w2 * c + b >= 0) for a, c in ((0, 0), (0, 1), (1, 0), (1, 1))]
            assert outs == targets, ex.code


def test_the_compute_call_recomputes_the_answer(exercises):
    calls = 0
    for ex in _all(exercises):
        if ex.call is None:
            assert ex.kind in ("weights", "shape"), ex.code
            with pytest.raises(ValueError):
                evaluate_call(ex)
            continue
        calls += 1
        got = evaluate_call(ex)
        if isinstance(ex.answer, tuple):
            assert got == ex.answer, ex.code
        elif isinstance(ex.answer, list):
            assert np.allclose(got, ex.answer, rtol=1e-12, atol=1e-12), ex.code
        else:
            assert math.isclose(float(got), float(ex.answer), rel_tol=1e-12, abs_tol=1e-12)
    assert calls > 700


# ----- codes -----------------------------------------------------------------------------------
def test_codes_are_unique_and_restore_the_same_exercise(exercises):
    codes = [ex.code for ex in _all(exercises)]
    assert len(set(codes)) == len(codes)
    for ex in _all(exercises):
        assert ex.code == f"{ex.topic}-{ex.code.split('-')[1]}-0"
        again = from_code(ex.code)
        assert again == ex
        assert hash(again) == hash(ex)


def test_several_per_seed_cycle_through_the_kinds_and_keep_the_first():
    for topic in TOPICS:
        for seed in range(20):
            batch = generate(topic, seed, 6)
            assert [ex.code for ex in batch] == [f"{topic}-{seed}-{i}" for i in range(6)]
            assert batch[0] == generate(topic, seed)[0]
            assert all(from_code(ex.code) == ex for ex in batch)
            n_kinds = min(len(KINDS[topic]), 6)
            assert len({ex.kind for ex in batch}) >= n_kinds - (topic == "descent")


def test_the_same_arguments_give_the_same_exercises_in_a_fresh_process_without_qt():
    code = (
        "import sys, hashlib\n"
        "from visualizer.exercises import generate, TOPICS\n"
        "h = hashlib.sha256()\n"
        "for t in TOPICS:\n"
        "    for ex in generate(t, 12345, 7):\n"
        "        h.update(repr((ex.prompt, ex.answer, ex.solution, ex.data)).encode())\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(h.hexdigest(), ','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    digest, _, bad = result.stdout.strip().partition(" ")
    assert bad == "", f"GUI modules loaded: {bad}"
    import hashlib

    h = hashlib.sha256()
    for t in TOPICS:
        for ex in generate(t, 12345, 7):
            h.update(repr((ex.prompt, ex.answer, ex.solution, ex.data)).encode())
    assert digest == h.hexdigest()


@pytest.mark.parametrize(
    "code",
    [
        "",
        "   ",
        "conv",
        "conv-1",
        "conv-1-2-3",
        "foo-1-2",
        "conv--1-2",
        "conv-1.5-2",
        "conv-a-b",
        "conv_1_2",
        "conv-1-10000",
        "conv-18446744073709551616-0",
        "conv-\u0967-\u0968",
        "x" * 10000,
        None,
        42,
    ],
)
def test_bad_codes_are_refused_with_one_sentence(code):
    with pytest.raises(ValueError) as info:
        from_code(code)
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message and len(message) < 200


def test_codes_forgive_case_spaces_and_leading_zeros():
    assert from_code("  Conv-042-3 ") == from_code("conv-42-3")
    assert from_code("conv-18446744073709551615-0").code == "conv-18446744073709551615-0"


@pytest.mark.parametrize(
    ("topic", "seed", "count"),
    [("x", 1, 1), ("conv", -1, 1), ("conv", 1.5, 1), ("conv", True, 1), ("conv", 2**64, 1),
     ("conv", 1, 0), ("conv", 1, 10_001), ("conv", 1, 2.0)],
)  # fmt: skip
def test_bad_generate_arguments_are_refused(topic, seed, count):
    with pytest.raises(ValueError):
        generate(topic, seed, count)


# ----- hand-computable ---------------------------------------------------------------------------
def _numbers(value):
    if isinstance(value, bool) or isinstance(value, str):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _numbers(v)


def test_numbers_stay_small_enough_to_work_by_hand(exercises):
    for ex in _all(exercises):
        for v in _numbers(ex.data):
            assert abs(v) <= 60, ex.code
            assert round(v, 2) == v, ex.code  # at most two decimals
        answer = ex.answer
        if ex.tolerance == "exact" and not isinstance(answer, str | tuple):
            for v in answer if isinstance(answer, list) else [answer]:
                value = exact(v)
                assert abs(value) <= 100, ex.code
                # a decimal of at most 6 places, or a fraction with a small denominator
                assert (value * 10**6).denominator == 1 or value.denominator <= 9, ex.code
        elif ex.tolerance == "3 significant digits":
            assert abs(answer) <= 10 and ex.data["steps"] <= 2, ex.code
        assert ex.prompt and ex.solution and all(isinstance(line, str) for line in ex.solution)


# ----- check: right answers written many ways, wrong ones refused --------------------------------
def _number_forms(value) -> list[str]:
    forms = [str(value)]
    if isinstance(value, Fraction) and value.denominator != 1:
        forms += [f"{float(value):.6g}", f"{2 * value.numerator}/{2 * value.denominator}"]
        truncated = math.trunc(value * 1000) / Fraction(1000)
        forms.append(f"{float(truncated):.3f}")
        return forms
    decimal = Decimal(repr(float(value)))
    forms += [str(value).replace("-", "\u2212"), f"{decimal:e}", f"  {value}  "]
    return forms


def _right_forms(ex: Exercise) -> list[str]:
    answer = ex.answer
    forms = [str(answer), ex.answer_text]
    if ex.kind == "shape":
        r, c = answer
        forms += [f"{r}x{c}", f"{r}×{c}", f"({r}, {c})", f"{r} {c}", f"[{r},{c}]", f" {r} X {c} "]
    elif ex.kind == "truth_table":
        forms += ["".join(map(str, answer)), " ".join(map(str, answer))]
    elif ex.kind == "dE_df2":
        forms += [" ".join(str(v) for v in answer).replace("-", "\u2212")]
    elif ex.kind == "weights":
        if answer == "impossible":
            forms += ["Impossible.", "IMPOSSIBLE", "not possible"]
        else:
            w1, w2, b = answer
            forms += [
                f"w1={w1}, w2={w2}, b={b}",
                f"{w1} {w2} {b}",
                f"b = {b}, w2 = {w2}, w1 = {w1}",
                f"w = ({w1}, {w2}), b = {b}".replace("-", "\u2212"),
                f"{2 * w1}, {2 * w2}, {2 * b}",  # any weights that pass the table
            ]
    elif ex.kind == "output_size":
        forms += [f"{answer}x{answer}", f"{answer}×{answer}"]
    elif ex.kind in ("padding", "stride"):
        forms += _number_forms(answer)
        if exact(answer).denominator != 1:
            forms.append("impossible")
    else:
        forms += _number_forms(answer)
    if ex.tolerance == "3 significant digits":
        digits = math.floor(math.log10(abs(answer))) - 2
        cut = math.trunc(Decimal(repr(answer)).scaleb(-digits)) * Decimal(10) ** digits
        unit = 10.0 ** (math.floor(math.log10(abs(answer))) - 2)
        forms += [f"{answer:.3g}", f"{answer:.5g}", str(cut)]
        forms += [repr(answer + 0.99 * unit), repr(answer - 0.99 * unit)]
    return forms


def _wrong_forms(ex: Exercise) -> list[str]:
    answer = ex.answer
    if ex.kind == "shape":
        r, c = answer
        wrong = [f"{r + 1}x{c}", f"{r}x{c + 1}", f"{r}", f"{r}x{c}x1", "impossible"]
        return wrong + ([f"{c}x{r}"] if r != c else [])
    if ex.kind == "truth_table":
        return [
            "".join(str(1 - v if i == j else v) for j, v in enumerate(answer)) for i in range(4)
        ]
    if ex.kind == "output":
        return [str(1 - answer), "2", "0.5"]
    if ex.kind == "dE_df2":
        return [
            " ".join(str(v + (0.01 if i == 0 else 0)) for i, v in enumerate(answer)),
            " ".join(str(v) for v in answer[:-1]),
            " ".join(str(-v) for v in answer),
        ]
    if ex.kind == "weights":
        if answer == "impossible":
            return ["1 1 -0.5", "w1=1, w2=-1, b=0.5", "0 0 0"]
        w1, w2, b = answer
        return [f"{-w1} {-w2} {-b}", "impossible", f"{w1} {w2}", "0 0 0"]
    if ex.kind in ("padding", "stride"):
        works = _solve_works(ex.data)
        if works:
            return ["impossible", str(max(works) + 1), str(exact(answer) + Fraction(1, 2))]
        return ["1", "2", "0", str(exact(answer) * Fraction(101, 100) + Fraction(1, 100))]
    value = exact(answer)
    away = Fraction(1, 100) if value >= 0 else Fraction(-1, 100)  # 1% + 0.01 away from 0
    wrong = [value * Fraction(101, 100) + away, value - Fraction(1, 100)]
    if ex.tolerance == "3 significant digits":
        unit = Fraction(10) ** (math.floor(math.log10(abs(answer))) - 2)
        wrong += [value + unit * Fraction(101, 100), value - unit * Fraction(101, 100)]
    if value != 0:
        wrong.append(-value)
    if ex.kind == "output_size":
        wrong.append(value + 1)
    forms = [repr(float(v)) for v in wrong]
    if ex.topic == "descent" and ex.tolerance != "exact":
        forms.append(repr(ex.data["x0"]))  # never moving is wrong
    return forms


def test_right_answers_in_every_form_are_accepted_and_wrong_ones_refused(exercises):
    for ex in _all(exercises):
        for text in _right_forms(ex):
            verdict = check(ex, text)
            assert verdict.correct, (ex.code, text, verdict.message)
            assert verdict.message
        for text in _wrong_forms(ex):
            verdict = check(ex, text)
            assert not verdict.correct, (ex.code, text, verdict.message)
            assert verdict.message
            # a wrong answer gets a hint, never the answer itself (format examples aside)
            hint = re.sub(r"like [^.]*\.", "", verdict.message)
            assert ex.answer_text not in hint or len(ex.answer_text) < 2, (ex.code, text)


GARBAGE = [
    "", "   ", "\n\t", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "∞", "1e400", "-1e400",
    "1e-400", "1e99999999999999", "--1", "+-1", "1/0", "0/0", "1/3/4", "x" * 10000,
    "9" * 5000, "abc", "1..2", "1.2.3", "()", "[]", "(1,", "×", "1x", "x1", "-", "+", ".",
    "e5", "1e", "🙂", "\x00", "w1=, w2=, b=", "w1=1 w1=2 b=3", "w = (1, ), b = ", "nothing",
    "0x10", "1_000", "½½", "١٢", "=", "==", "≈", "1,2,3,4,5,6,7", "[" * 500, "1e+",
]  # fmt: skip


def test_check_never_raises_and_refuses_garbage(exercises):
    sample = [ex for topic in TOPICS for ex in exercises[topic][:40]]
    for ex in sample:
        for text in GARBAGE:
            verdict = check(ex, text)
            assert isinstance(verdict, Verdict)
            assert isinstance(verdict.correct, bool) and verdict.message, (ex.code, text)
            assert not verdict.correct, (ex.code, text[:30], verdict.message)
        for text in (None, 3, b"1", ["1"]):
            verdict = check(ex, text)  # type: ignore[arg-type]
            assert not verdict.correct and verdict.message
