"""Backprop shapes (exercise 3): every tensor and Jacobian of a small MLP, drawn to scale.

``model.py`` holds the topic without Qt (settings, the computed result, the chain's frame,
the selected cell, presets and the lesson format); ``names.py`` names and shapes its tensors
without numpy, ``network.py`` computes the result; ``texts.py`` writes what the views and
exports say (``words.py`` is the model's side of it); ``blocks.py`` paints matrices to
scale; ``panel.py``, ``chain.py`` and ``pages.py`` are the views, and ``tab.py`` wires them
to the model. Importing this package loads no Qt.
"""
