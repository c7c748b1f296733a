"""Independent references the tests compare against (no Qt, no app code).

Numbers typed in from REFERENCE.md, and brute-force loops written here rather than taken
from ``visualizer.compute``.
"""

from __future__ import annotations

import numpy as np

#: REFERENCE.md section 1, typed in: preset -> (x_1..x_3, GeLU(x_1..x_3)).
DESCENT_REFERENCE = {
    "1a": (
        [-0.05, -0.09575013021851926, -0.13763771842581057],
        [-0.02393689150943369, -0.04398265469655064, -0.06079478852684933],
    ),
    "1b": (
        [-0.5, -0.6207780880345858, -0.676497308917168],
        [-0.1496115633936199, -0.1601399925974373, -0.16251748448720163],
    ),
    "1c": (
        [-2.997545167609435, -2.995082708753491, -2.9926125791343785],
        [-0.01813166529499688, -0.018192396733478253, -0.018253507384506158],
    ),
    "1c momentum": (
        [-2.997545167609435, -2.9928733596019823, -2.986191702877126],
        [-0.01813166529499688, -0.01824704671202677, -0.01841325299731993],
    ),
}


def brute_correlate(x, k, p: int, s: int, d: int = 1) -> np.ndarray:
    """Cross-correlation with zero padding ``p``, stride ``s`` and dilation ``d``: every
    output cell summed directly over the kernel's taps."""
    x = np.asarray(x, float)
    k = np.asarray(k, float)
    xp = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p))
    xp[p : p + x.shape[0], p : p + x.shape[1]] = x
    span_r, span_c = d * (k.shape[0] - 1) + 1, d * (k.shape[1] - 1) + 1
    rows = (xp.shape[0] - span_r) // s + 1
    cols = (xp.shape[1] - span_c) // s + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    out[i, j] += xp[i * s + u * d, j * s + v * d] * k[u, v]
    return out
