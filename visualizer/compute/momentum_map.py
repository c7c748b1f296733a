"""How fast heavy-ball momentum converges on a quadratic: the (lr, β) map, in closed form.

On ``f(x) = ½ xᵀ H x`` the heavy-ball iteration
``x_{t+1} = x_t − lr·∇f(x_t) + β·(x_t − x_{t−1})`` (PyTorch's SGD momentum, our
``heavy_ball``; β = 0 is plain gradient descent) acts on each eigen-direction of ``H``, with
eigenvalue λ, as the linear map

    (x_{t+1}, x_t) = [[1 + β − lr·λ, −β], [1, 0]] · (x_t, x_{t−1})

whose eigenvalues are the roots of ``r² − (1 + β − lr·λ)·r + β = 0``. The error shrinks each
step by the larger root modulus (the spectral radius); the worst eigen-direction sets the
rate, and a rate of 1 or more means the run does not converge. The sheet's EMA momentum
(``v = β·v + (1 − β)·g; x = x − lr_ema·v``) is heavy ball with ``lr = lr_ema·(1 − β)``.

Reference: G. Goh, "Why Momentum Really Works", Distill 2017.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "best_rates",
    "ema_to_heavy_ball",
    "heavy_ball_map",
    "heavy_ball_rate",
    "heavy_ball_to_ema",
    "optimal_gd_lr",
    "optimal_heavy_ball",
]


def heavy_ball_rate(eigenvalues: ArrayLike, lr: ArrayLike, beta: ArrayLike) -> NDArray[np.float64]:
    r"""Per-step convergence rate of heavy ball on a quadratic with these Hessian eigenvalues.

    For each eigenvalue λ, with :math:`b = 1 + \beta - \mathrm{lr}\,\lambda`, the roots of
    :math:`r^2 - b\,r + \beta = 0` have largest modulus

    .. math::
        \rho_\lambda = \begin{cases}
            \tfrac12\left(|b| + \sqrt{(|b| - 2\sqrt\beta)(|b| + 2\sqrt\beta)}\right)
                & |b| \ge 2\sqrt\beta \text{ (real roots)} \\
            \sqrt\beta & \text{otherwise (a complex pair: the spiral)}
        \end{cases}

    and the rate is :math:`\max_\lambda \rho_\lambda`. The factored discriminant cannot
    overflow and loses no precision when ``b²`` and ``4β`` nearly cancel. With β = 0 the rate
    is GD's :math:`\max_\lambda |1 - \mathrm{lr}\,\lambda|`.

    Parameters
    ----------
    eigenvalues : array_like, shape (k,)
        The Hessian's eigenvalues (finite; for the ravine ``(μ, L) = (1, κ)``).
    lr, beta : array_like
        Learning rates (>= 0) and momentum coefficients (>= 0), broadcast against each other:
        a grid comes from ``lr[None, :]`` and ``beta[:, None]``.

    Returns
    -------
    ndarray
        The rates, of the broadcast shape of ``lr`` and ``beta``; below 1 converges, 1 or
        more does not (inf where ``lr·λ`` overflows). Never warns.
    """
    lam = np.asarray(eigenvalues, dtype=float).ravel()
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        raise ValueError("heavy_ball_rate needs at least one finite eigenvalue.")
    lr_a = np.asarray(lr, dtype=float)
    beta_a = np.asarray(beta, dtype=float)
    if not (np.all(np.isfinite(lr_a)) and np.all(lr_a >= 0)):
        raise ValueError("Every learning rate must be a finite number of at least 0.")
    if not (np.all(np.isfinite(beta_a)) and np.all(beta_a >= 0)):
        raise ValueError("Every β must be a finite number of at least 0.")
    rate = np.zeros(np.broadcast_shapes(lr_a.shape, beta_a.shape))
    with np.errstate(over="ignore", invalid="ignore"):
        two_sqrt_beta = 2.0 * np.sqrt(beta_a)
        onep_beta = 1.0 + beta_a
        # one pass per eigenvalue (k is 2 for a surface), each vectorised over the whole grid
        for lam_k in lam:
            b = np.abs(onep_beta - lr_a * lam_k)
            gap = b - two_sqrt_beta
            real = 0.5 * (b + np.sqrt(np.maximum(gap, 0.0) * (b + two_sqrt_beta)))
            rho = np.where(gap >= 0, real, 0.5 * two_sqrt_beta)
            np.maximum(rate, rho, out=rate)
    return rate


def _check_mu_l(mu: float, L: float) -> tuple[float, float]:
    mu, L = float(mu), float(L)
    if not (math.isfinite(mu) and math.isfinite(L) and 0 < mu <= L):
        raise ValueError("The curvatures must be finite with 0 < μ <= L.")
    return mu, L


def optimal_heavy_ball(mu: float, L: float) -> tuple[float, float]:
    r"""The (lr, β) at which heavy ball converges fastest on a quadratic with curvatures in [μ, L].

    .. math::
        \mathrm{lr}^* = \left(\frac{2}{\sqrt L + \sqrt\mu}\right)^2, \qquad
        \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \quad \kappa = L/\mu,

    where the rate is :math:`\sqrt{\beta^*} = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)`.

    Raises
    ------
    ValueError
        Unless ``0 < mu <= L`` are finite.
    """
    mu, L = _check_mu_l(mu, L)
    sl, sm = math.sqrt(L), math.sqrt(mu)
    # (√κ − 1)/(√κ + 1) written as (√L − √μ)/(√L + √μ): no division by μ to round
    return (2.0 / (sl + sm)) ** 2, ((sl - sm) / (sl + sm)) ** 2


def optimal_gd_lr(mu: float, L: float) -> float:
    r"""Plain gradient descent's best learning rate, :math:`2/(\mu + L)` (rate (κ−1)/(κ+1))."""
    mu, L = _check_mu_l(mu, L)
    return 2.0 / (mu + L)


def best_rates(kappa: float) -> tuple[float, float]:
    r"""The best per-step rates on a quadratic of condition number κ: (GD, heavy ball).

    .. math:: \rho_{GD} = \frac{\kappa - 1}{\kappa + 1}, \qquad
              \rho_{HB} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}

    E.g. κ = 100: 0.980 against 0.818, so GD needs about 115 steps per factor 10 of error
    where momentum needs about 12.
    """
    kappa = float(kappa)
    if not (math.isfinite(kappa) and kappa >= 1):
        raise ValueError("The condition number κ must be a finite number of at least 1.")
    root = math.sqrt(kappa)
    return (kappa - 1.0) / (kappa + 1.0), (root - 1.0) / (root + 1.0)


def ema_to_heavy_ball(lr_ema: ArrayLike, beta: ArrayLike) -> NDArray[np.float64] | float:
    r"""The heavy-ball learning rate of the sheet's EMA momentum: :math:`lr = lr_{ema}(1 - β)`.

    ``v = β·v + (1 − β)·g; x = x − lr_ema·v`` is ``u = β·u + g; x = x − lr·u`` with
    ``v = (1 − β)·u``: the same iterates (``descend(..., "momentum")`` and
    ``descend(..., "heavy_ball")`` agree). Broadcasts; a float for scalars.
    """
    out = np.asarray(lr_ema, dtype=float) * (1.0 - np.asarray(beta, dtype=float))
    return float(out) if out.ndim == 0 else out


def heavy_ball_to_ema(lr: ArrayLike, beta: ArrayLike) -> NDArray[np.float64] | float:
    r"""The inverse of :func:`ema_to_heavy_ball`: :math:`lr_{ema} = lr / (1 - β)`, β < 1."""
    beta_a = np.asarray(beta, dtype=float)
    if not np.all(beta_a < 1):
        raise ValueError("The EMA form needs β below 1.")
    out = np.asarray(lr, dtype=float) / (1.0 - beta_a)
    return float(out) if out.ndim == 0 else out


def heavy_ball_map(
    eigenvalues: ArrayLike,
    lrs: ArrayLike,
    betas: ArrayLike,
    form: str = "heavy_ball",
) -> NDArray[np.float64]:
    """The (lr, β) convergence-rate image: ``image[i, j]`` is the rate at ``(lrs[j], betas[i])``.

    Parameters
    ----------
    eigenvalues : array_like
        The Hessian's eigenvalues, e.g. ``surface.hessian_eigenvalues``.
    lrs, betas : array_like, 1-D
        The lr axis (columns) and β axis (rows, row 0 the smallest β when ``betas`` ascends).
    form : {"heavy_ball", "ema"}
        ``"ema"`` reads ``lrs`` as the sheet's ``lr_ema`` and converts each cell with
        :func:`ema_to_heavy_ball` (β must then stay below 1).

    Returns
    -------
    ndarray, shape (len(betas), len(lrs))
        Row-major, ready for an image item; values >= 1 do not converge.
    """
    lr_axis = np.asarray(lrs, dtype=float).ravel()
    beta_axis = np.asarray(betas, dtype=float).ravel()
    if form == "heavy_ball":
        lr_grid: NDArray[np.float64] = lr_axis[None, :]
    elif form == "ema":
        if not np.all(beta_axis < 1):
            raise ValueError("The EMA form needs β below 1.")
        lr_grid = lr_axis[None, :] * (1.0 - beta_axis[:, None])
    else:
        raise ValueError(f"Unknown form {form!r}; choose 'heavy_ball' or 'ema'.")
    return heavy_ball_rate(eigenvalues, lr_grid, beta_axis[:, None])
