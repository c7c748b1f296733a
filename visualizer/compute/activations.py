"""Activation functions and their derivatives, safe for every finite float.

The sheet's GeLU is the sigmoid approximation ``GeLU(x) = x * sigmoid(1.702 x)``; the exact
GeLU is ``x * Phi(x)`` with ``Phi`` the standard normal CDF (written with ``erfc``).

Every function accepts a Python/numpy scalar (returns a ``float``) or an array (returns an
array of the same shape). None of them emits a numpy warning for any finite input, including
``|x|`` near 1.8e308: ``1.702 * x`` would overflow there, and ``inf * 0`` would give nan, so the
argument of the sigmoid is clipped where the sigmoid is already exactly 0 or 1 in float64.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "GELU_K",
    "gelu",
    "gelu_exact",
    "gelu_exact_grad",
    "gelu_grad",
    "normal_cdf",
    "normal_pdf",
    "sigmoid",
    "sigmoid_grad",
]

#: The sheet's constant: GeLU(x) ~ x * sigmoid(1.702 x).
GELU_K = 1.702

# exp(-800) is 0 in float64 (the smallest subnormal is exp(-744.4)), so a sigmoid argument
# clipped to [-800, 800] gives bit-for-bit the same result as the unclipped one, and products
# like z * s * (1 - s) can no longer meet inf * 0.
_Z_CLIP = 800.0
# exp(-x^2 / 2) is 0 in float64 for |x| > 38.6; clipping x at 40 keeps x^2 finite.
_PDF_CLIP = 40.0
_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

Number = float | NDArray[np.float64]

# Underflow to a subnormal or to 0 is the right answer in the tails, not an error; this keeps
# the functions quiet even when a caller runs them under np.errstate(all="raise").
_quiet_underflow = np.errstate(under="ignore")


def _is_scalar(x: ArrayLike) -> bool:
    return np.ndim(x) == 0


def _sigmoid_parts_scalar(z: float) -> tuple[float, float]:
    """(sigmoid(z), sigmoid(z) * (1 - sigmoid(z))) for one float, without overflow."""
    z = min(max(z, -_Z_CLIP), _Z_CLIP)
    e = math.exp(-abs(z))  # in (0, 1]: never overflows
    s = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
    return s, e / (1.0 + e) ** 2


def _sigmoid_parts(z: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Array version of ``_sigmoid_parts_scalar``."""
    z = np.clip(z, -_Z_CLIP, _Z_CLIP)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s, e / (1.0 + e) ** 2


@_quiet_underflow
def sigmoid(x: ArrayLike) -> Number:
    r"""Logistic sigmoid.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}

    Evaluated as ``1 / (1 + e^{-|x|})`` or ``e^{-|x|} / (1 + e^{-|x|})`` so ``exp`` never
    overflows.

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    float or ndarray
        Values in [0, 1].
    """
    if _is_scalar(x):
        return _sigmoid_parts_scalar(float(x))[0]
    return _sigmoid_parts(np.asarray(x, dtype=float))[0]


@_quiet_underflow
def sigmoid_grad(x: ArrayLike) -> Number:
    r"""Derivative of the sigmoid, :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`.

    Computed as ``e^{-|x|} / (1 + e^{-|x|})^2``, which keeps full relative precision in the
    tails where ``1 - sigma(x)`` would cancel.
    """
    if _is_scalar(x):
        return _sigmoid_parts_scalar(float(x))[1]
    return _sigmoid_parts(np.asarray(x, dtype=float))[1]


@_quiet_underflow
def gelu(x: ArrayLike) -> Number:
    r"""The sheet's GeLU, the sigmoid approximation.

    .. math:: \mathrm{GeLU}(x) = x\,\sigma(1.702\,x)

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    float or ndarray
        Finite for every finite ``x``.
    """
    if _is_scalar(x):
        xf = float(x)
        return xf * _sigmoid_parts_scalar(_clip_scalar(GELU_K, xf))[0]
    xa = np.asarray(x, dtype=float)
    s, _ = _sigmoid_parts(_scaled(GELU_K, xa))
    return xa * s


@_quiet_underflow
def gelu_grad(x: ArrayLike) -> Number:
    r"""Derivative of the sheet's GeLU.

    .. math::
        \mathrm{GeLU}'(x) = s\,\bigl(1 + 1.702\,x\,(1 - s)\bigr), \qquad s = \sigma(1.702\,x)

    evaluated as ``s + z * s * (1 - s)`` with ``z = 1.702 x`` (the same number, with the tails
    kept precise and no ``inf * 0``).

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    float or ndarray
        Finite for every finite ``x``; tends to 1 for large ``x`` and to 0 for very negative ``x``.
    """
    if _is_scalar(x):
        z = _clip_scalar(GELU_K, float(x))
        s, ds = _sigmoid_parts_scalar(z)
        return s + z * ds
    z = _scaled(GELU_K, np.asarray(x, dtype=float))
    s, ds = _sigmoid_parts(z)
    return s + z * ds


def _clip_scalar(k: float, x: float) -> float:
    # Clip before multiplying: k * 1e308 would overflow to inf.
    return k * min(max(x, -_Z_CLIP), _Z_CLIP)


def _scaled(k: float, x: NDArray[np.float64]) -> NDArray[np.float64]:
    return k * np.clip(x, -_Z_CLIP, _Z_CLIP)


_erfc = np.frompyfunc(math.erfc, 1, 1)


@_quiet_underflow
def normal_cdf(x: ArrayLike) -> Number:
    r"""Standard normal CDF, :math:`\Phi(x) = \tfrac12\,\mathrm{erfc}(-x/\sqrt2)`.

    ``erfc`` rather than ``1 + erf`` keeps relative precision for very negative ``x``.
    numpy has no erf, so this vectorises :func:`math.erfc`.
    """
    if _is_scalar(x):
        return 0.5 * math.erfc(-float(x) / _SQRT2)
    xa = np.asarray(x, dtype=float)
    return (0.5 * _erfc(-xa / _SQRT2)).astype(float)


@_quiet_underflow
def normal_pdf(x: ArrayLike) -> Number:
    r"""Standard normal density, :math:`\varphi(x) = e^{-x^2/2} / \sqrt{2\pi}`."""
    if _is_scalar(x):
        xc = min(max(float(x), -_PDF_CLIP), _PDF_CLIP)
        return _INV_SQRT_2PI * math.exp(-0.5 * xc * xc)
    xc = np.clip(np.asarray(x, dtype=float), -_PDF_CLIP, _PDF_CLIP)
    with np.errstate(under="ignore"):
        return _INV_SQRT_2PI * np.exp(-0.5 * xc * xc)


@_quiet_underflow
def gelu_exact(x: ArrayLike) -> Number:
    r"""The exact GeLU.

    .. math:: \mathrm{GeLU}(x) = x\,\Phi(x) = \tfrac{x}{2}\,\mathrm{erfc}\!\left(-x/\sqrt2\right)
    """
    if _is_scalar(x):
        return float(x) * normal_cdf(float(x))
    xa = np.asarray(x, dtype=float)
    return xa * normal_cdf(xa)


@_quiet_underflow
def gelu_exact_grad(x: ArrayLike) -> Number:
    r"""Derivative of the exact GeLU.

    .. math:: \mathrm{GeLU}'(x) = \Phi(x) + x\,\varphi(x)

    ``x * phi(x)`` uses ``x`` clipped at +-40, where ``phi`` is already exactly 0, so the
    product never meets ``inf * 0``.
    """
    if _is_scalar(x):
        xf = float(x)
        xc = min(max(xf, -_PDF_CLIP), _PDF_CLIP)
        return normal_cdf(xf) + xc * normal_pdf(xc)
    xa = np.asarray(x, dtype=float)
    xc = np.clip(xa, -_PDF_CLIP, _PDF_CLIP)
    return normal_cdf(xa) + xc * normal_pdf(xc)
