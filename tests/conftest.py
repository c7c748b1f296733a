"""Test set-up: Qt runs headless, and pyqtgraph is configured as the app configures it."""

import os

# Must happen before anything imports Qt: there is no screen on CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True, scope="session")
def _pyqtgraph_config():
    # Imported lazily so pure compute tests never need Qt at collection time.
    try:
        from visualizer.widgets.plot_style import configure_pyqtgraph
    except ImportError:  # pragma: no cover - Qt missing: compute tests still run
        yield
        return
    configure_pyqtgraph()
    yield
