"""Numbers inside worked arithmetic, with every sign written once.

A sum written with numbers must never read ``+ -0.3``, ``− -0.3`` or ``e^(−-0.4)``: a term's
sign is folded into the operator before it, and a negated number is written as its value.
Products keep each factor in parentheses, ``(−0.2)(0.5)``, which is unambiguous.
"""

from __future__ import annotations

import numpy as np

__all__ = ["negated_text", "number_text", "products_text", "signed_term"]


def number_text(v: float, digits: int = 4) -> str:
    """``v`` to ``digits`` significant digits, or ``"not finite"``."""
    if not np.isfinite(v):
        return "not finite"
    return f"{v:.{digits}g}"


def signed_term(v: float, digits: int = 4) -> str:
    """``"+ 0.3"`` or ``"− 0.3"``: a term added to a sum with its sign folded into the operator
    (never ``+ -0.3`` or ``− -0.3``; −0.0 is written ``− 0``)."""
    if not np.isfinite(v):
        return f"+ {number_text(v)}"
    return f"− {number_text(abs(v), digits)}" if np.signbit(v) else f"+ {number_text(v, digits)}"


def negated_text(v: float, digits: int = 4) -> str:
    """−v written once: ``"−0.4177"`` for 0.4177, ``"0.4177"`` for −0.4177 (no ``−-``)."""
    if not np.isfinite(v):
        return number_text(v)
    return number_text(abs(v), digits) if np.signbit(v) else f"−{number_text(v, digits)}"


def products_text(pairs: list[tuple[float, float]], max_terms: int = 6) -> str:
    """``(p1)(q1) + (p2)(q2) + …``, the tail shortened to ``… n more``."""
    parts = [f"({number_text(p)})({number_text(q)})" for p, q in pairs]
    if len(parts) > max_terms:
        parts = [*parts[: max_terms - 1], f"… {len(parts) - max_terms + 1} more"]
    return " + ".join(parts)
