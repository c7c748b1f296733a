"""The (lr, β) convergence map of heavy-ball momentum, against a per-cell eigenvalue loop.

The descent tab draws, for the ravine f = ½(x'² + κ·y'²), the per-step convergence rate of
heavy ball over a 256x256 grid of (lr, β). ``heavy_ball_rate`` computes it in closed form,
vectorised over the grid; the baseline is the textbook way: for every cell and every Hessian
eigenvalue λ, ``np.linalg.eigvals`` of the 2x2 companion matrix [[1 + β − lr·λ, −β], [1, 0]],
the largest modulus, the worst over λ. Target: ours <= 1/50 of the loop.

The whole loop (65,536 cells x 2 eigenvalues) takes about 2 s here, so it is timed in full
(median of 3 rounds, no subset and no scaling); its first round's map is also checked against
ours cell by cell.

Run: ``python benchmarks/bench_momentum_map.py``
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from benchmarks._common import median_time, report
from visualizer.compute import SURFACES, heavy_ball_map

N = 256
LOOP_ROUNDS = 3


def eigvals_map(eigenvalues, lrs, betas) -> np.ndarray:
    """The map the slow way: one ``np.linalg.eigvals`` per cell and eigenvalue."""
    out = np.empty((len(betas), len(lrs)))
    for (i, j), _ in np.ndenumerate(out):
        lr, beta = lrs[j], betas[i]
        worst = 0.0
        for lam in eigenvalues:
            m = np.array([[1.0 + beta - lr * lam, -beta], [1.0, 0.0]])
            worst = max(worst, float(np.max(np.abs(np.linalg.eigvals(m)))))
        out[i, j] = worst
    return out


def main() -> None:
    eigenvalues = SURFACES["quadratic"].hessian_eigenvalues
    _mu, big_l = eigenvalues
    lrs = np.linspace(0.0, 4.0 / big_l, N)  # beyond 2/L plain GD diverges; heavy ball can go to 4/L
    betas = np.linspace(0.0, 0.99, N)

    ours = median_time(lambda: heavy_ball_map(eigenvalues, lrs, betas), repeat=15, number=5)
    rounds = []
    for k in range(LOOP_ROUNDS):
        start = time.perf_counter()
        loop_map = eigvals_map(eigenvalues, lrs, betas)
        rounds.append(time.perf_counter() - start)
        if k == 0:
            worst_diff = float(np.max(np.abs(heavy_ball_map(eigenvalues, lrs, betas) - loop_map)))
            # at double roots (the map's ridge) eigvals itself carries ~sqrt(eps) of error
            assert worst_diff < 1e-6, worst_diff
    baseline = statistics.median(rounds)

    print(f"(lr, beta) map {N}x{N} on the ravine (eigenvalues {eigenvalues}):")
    print(
        f"  baseline: the eigvals loop over all {N * N} cells, median of {LOOP_ROUNDS} full "
        f"rounds (no subset); largest difference from ours {worst_diff:.1e}"
    )
    ratio = report("heavy_ball_map vs per-cell np.linalg.eigvals", ours, baseline, "<= 0.02")
    print(f"  = 1/{1 / ratio:.0f} of the loop")


if __name__ == "__main__":
    main()
