"""The gradient-descent topic: a Qt-free model (``model.py``), its views and ``tab.py``.

Importing this package loads no Qt: ``visualizer.tabs.descent.model`` works without a window
(practice mode, worksheets, scripts and tests). The views (``plot.py``, ``steps_plot.py``,
``panel.py``, ``table.py``, ``step_text.py``) and the tab that wires them are imported by name.
"""
