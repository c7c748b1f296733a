"""The topic tabs: one package per topic (``model.py`` without Qt, views, ``tab.py``).

Importing this package loads no Qt: ``visualizer.tabs.<topic>.model`` is usable without a
window. The list of topics lives in :mod:`visualizer.topics`.
"""
