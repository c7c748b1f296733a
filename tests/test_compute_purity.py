"""The compute core is pure numpy: importing it must not load any Qt or pyqtgraph module."""

import subprocess
import sys

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")


def test_importing_compute_loads_no_gui_module():
    code = (
        "import sys, visualizer.compute as c\n"
        "assert c.__all__\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"GUI modules loaded: {result.stdout.strip()}"


def test_public_api_names_are_importable():
    import visualizer.compute as compute

    required = [
        "sigmoid", "gelu", "gelu_grad", "descend",
        "gate_forward", "gate_truth_table", "GATE_PRESETS",
        "mlp_gradients",
        "correlate2d", "convolve2d", "pool2d", "output_size", "solve_padding", "solve_stride",
    ]  # fmt: skip
    missing = [name for name in required if not hasattr(compute, name)]
    assert not missing, f"missing from visualizer.compute: {missing}"
    for name in compute.__all__:
        assert hasattr(compute, name), name
