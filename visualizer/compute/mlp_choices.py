"""The choices an MLP of the backprop topic offers: sizes, activations, reductions, chains.

Plain tuples and numbers, without numpy: a topic model checks a lesson's settings against
them without loading the maths. :mod:`~visualizer.compute.backprop`,
:mod:`~visualizer.compute.mlp` and :mod:`~visualizer.compute.mlp_chain` export them (this
module lists no names of its own, so the package re-exports each once, through those).
"""

from __future__ import annotations

#: Largest N, M, K (and batch B) the tab offers.
MAX_SIZE = 64
#: Hidden-layer activations, in the order the app offers them.
HIDDEN_ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "gelu")
#: How the per-sample losses become E.
REDUCTIONS: tuple[str, ...] = ("mean", "sum")
#: The "what if" chains, by the keys lessons save (the sheet's four wrong factors).
MLP_CHAIN_VARIANTS: tuple[str, ...] = ("correct", "W2", "W1", "slope_row", "no_diag")
