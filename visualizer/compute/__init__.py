"""The pure-numpy compute core: the maths behind every tab, and a scripting API for notebooks.

Nothing here imports Qt or pyqtgraph (``tests/test_compute_purity.py`` proves it), so a teacher
can ``from visualizer.compute import descend, gelu_grad`` in a notebook, and the tabs only
render what these functions return.

Each topic lives in its own small module and lists its public names in ``__all__``; this
package re-exports all of them.
"""

from visualizer.compute import (
    activations,
    backprop,
    classifier,
    conv,
    conv_channels,
    conv_transpose,
    datasets,
    descent,
    descent_text,
    gate_training,
    gates,
    mlp,
    mlp_check,
    mlp_text,
    momentum_map,
    pool_backward,
    surfaces,
)
from visualizer.compute.activations import *  # noqa: F403 - re-export of the module's __all__
from visualizer.compute.backprop import *  # noqa: F403
from visualizer.compute.classifier import *  # noqa: F403
from visualizer.compute.conv import *  # noqa: F403
from visualizer.compute.conv_channels import *  # noqa: F403
from visualizer.compute.conv_transpose import *  # noqa: F403
from visualizer.compute.datasets import *  # noqa: F403
from visualizer.compute.descent import *  # noqa: F403
from visualizer.compute.descent_text import *  # noqa: F403
from visualizer.compute.gate_training import *  # noqa: F403
from visualizer.compute.gates import *  # noqa: F403
from visualizer.compute.mlp import *  # noqa: F403
from visualizer.compute.mlp_check import *  # noqa: F403
from visualizer.compute.mlp_text import *  # noqa: F403
from visualizer.compute.momentum_map import *  # noqa: F403
from visualizer.compute.pool_backward import *  # noqa: F403
from visualizer.compute.surfaces import *  # noqa: F403

__all__ = [
    *activations.__all__,
    *descent.__all__,
    *descent_text.__all__,
    *surfaces.__all__,
    *momentum_map.__all__,
    *gates.__all__,
    *gate_training.__all__,
    *backprop.__all__,
    *conv.__all__,
    *conv_transpose.__all__,
    *conv_channels.__all__,
    *pool_backward.__all__,
    *mlp.__all__,
    *mlp_check.__all__,
    *mlp_text.__all__,
    *datasets.__all__,
    *classifier.__all__,
]
