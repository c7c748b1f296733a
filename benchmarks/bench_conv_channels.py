"""Convolution with channels, forward and backward, as ratios against scipy in the same run.

1. ``conv2d`` with 3 -> 8 channels on a 256x256 input, 3x3 kernels, plus bias, vs the same
   work done with ``scipy.signal.correlate2d(..., mode="valid")`` per (output, input) channel
   pair, summed over input channels. Target: ours <= 0.5x scipy.
2. ``conv2d_backward`` on the same shapes (gradients of the input, the weights and the bias)
   vs scipy per channel pair: grad_x[c] += ``convolve2d(g[o], w[o, c], mode="full")`` and
   grad_w[o, c] = ``correlate2d(x[c], g[o], mode="valid")``. Target: ours <= 0.5x scipy.

Both sides are checked to agree before timing. Run: ``python benchmarks/bench_conv_channels.py``
(needs the ``bench`` extra: scipy).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

C_IN, C_OUT, SIZE, K = 3, 8, 256, 3


def compare(
    ours: Callable[[], object], theirs: Callable[[], object], repeats: int = 21
) -> tuple[float, float]:
    """Median times (seconds) of ``ours`` and ``theirs``, called alternately.

    Alternating the two makes a busy machine slow both sides alike, so the ratio stays
    meaningful even when the absolute times are not.
    """
    ours()
    theirs()
    ours_times, their_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        ours()
        ours_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs()
        their_times.append(time.perf_counter() - start)
    return statistics.median(ours_times), statistics.median(their_times)


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.random((C_IN, SIZE, SIZE))
    w = rng.normal(size=(C_OUT, C_IN, K, K))
    b = rng.normal(size=C_OUT)
    g = rng.normal(size=(C_OUT, SIZE - K + 1, SIZE - K + 1))
    return x, w, b, g


def bench_forward() -> float:
    from scipy.signal import correlate2d

    from visualizer.compute import conv2d

    x, w, b, _ = _data()

    def scipy_forward() -> np.ndarray:
        out = np.empty((C_OUT, SIZE - K + 1, SIZE - K + 1))
        for o in range(C_OUT):
            total = correlate2d(x[0], w[o, 0], mode="valid")
            for c in range(1, C_IN):
                total += correlate2d(x[c], w[o, c], mode="valid")
            out[o] = total + b[o]
        return out

    np.testing.assert_allclose(conv2d(x, w, b), scipy_forward(), atol=1e-10)
    ours, theirs = compare(lambda: conv2d(x, w, b), scipy_forward)
    ratio = ours / theirs
    print(
        f"1. conv2d {C_IN}->{C_OUT} channels, {SIZE}x{SIZE}, {K}x{K}: ours {ours * 1e3:.2f} ms, "
        f"scipy per channel pair {theirs * 1e3:.2f} ms -> ratio {ratio:.3f} (target <= 0.5)"
    )
    return ratio


def bench_backward() -> float:
    from scipy.signal import convolve2d, correlate2d

    from visualizer.compute import conv2d_backward

    x, w, _, g = _data()

    def scipy_backward() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        grad_x = np.zeros_like(x)
        grad_w = np.empty_like(w)
        for o in range(C_OUT):
            for c in range(C_IN):
                grad_x[c] += convolve2d(g[o], w[o, c], mode="full")
                grad_w[o, c] = correlate2d(x[c], g[o], mode="valid")
        return grad_x, grad_w, g.sum(axis=(1, 2))

    for mine, theirs in zip(conv2d_backward(x, w, g), scipy_backward(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-8)
    ours, theirs = compare(lambda: conv2d_backward(x, w, g), scipy_backward, repeats=11)
    ratio = ours / theirs
    print(
        f"2. conv2d_backward, same shapes: ours {ours * 1e3:.2f} ms, "
        f"scipy per channel pair {theirs * 1e3:.2f} ms -> ratio {ratio:.3f} (target <= 0.5)"
    )
    return ratio


def main() -> int:
    r1 = bench_forward()
    r2 = bench_backward()
    print("all targets met" if r1 <= 0.5 and r2 <= 0.5 else "some target missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
