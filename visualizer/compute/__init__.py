"""The pure-numpy compute core: the maths behind every tab, and a scripting API for notebooks.

Nothing here imports Qt or pyqtgraph (``tests/test_model_purity.py`` proves it), so a teacher
can ``from visualizer.compute import descend, gelu_grad`` in a notebook, and the tabs only
render what these functions return.

Each topic lives in its own small module and lists its public names in ``__all__``; this
package re-exports all of them. It does so lazily (PEP 562): importing one topic's module
(``visualizer.compute.descent``) does not load the others, which keeps the app's
start-up to what the tab on screen needs. The first package-level name asked for loads every
module, so notebooks see the whole API at once; the app itself imports from the modules.
"""

from __future__ import annotations

import importlib
from typing import Any

#: The topic modules whose ``__all__`` this package re-exports. Where two export the same
#: name, the later one wins (as the star imports this replaces did).
MODULES = (
    "activations",
    "backprop",
    "classifier",
    "conv",
    "conv_channels",
    "conv_transpose",
    "datasets",
    "descent",
    "descent_text",
    "gate_training",
    "gates",
    "mlp",
    "mlp_chain",
    "mlp_check",
    "mlp_text",
    "momentum_map",
    "pool_backward",
    "surfaces",
)

_exports: dict[str, Any] | None = None


def _load_exports() -> dict[str, Any]:
    global _exports
    if _exports is None:
        exports: dict[str, Any] = {}
        for name in MODULES:
            module = importlib.import_module(f"{__name__}.{name}")
            exports.update((public, getattr(module, public)) for public in module.__all__)
        _exports = exports
    return _exports


def __getattr__(name: str) -> Any:
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name.startswith("__"):
        if name == "__all__":
            return list(_load_exports())
        raise AttributeError(name)
    try:
        return _load_exports()[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted({*globals(), *MODULES, *_load_exports()})
