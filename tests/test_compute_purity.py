"""The compute core's public names (that it loads no Qt is in test_model_purity.py)."""


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


def _modules_loaded_by(code: str) -> set[str]:
    import subprocess
    import sys

    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return {name for name in result.stdout.split() if name.startswith("visualizer.compute.")}


def test_package_loads_its_modules_only_when_a_name_is_asked_for():
    # The app imports one topic's modules at a time; start-up must not pay for all of them.
    assert _modules_loaded_by("import visualizer.compute") == set()
    descent_only = _modules_loaded_by("import visualizer.compute.descent")
    assert "visualizer.compute.descent" in descent_only
    assert not {"visualizer.compute.conv", "visualizer.compute.backprop"} & descent_only
    everything = _modules_loaded_by("from visualizer.compute import gelu")
    assert {"visualizer.compute.conv", "visualizer.compute.backprop"} <= everything


def test_package_reexports_every_public_name_of_every_module():
    # Walk the module files themselves, so a module missing from the lazy list is caught.
    import importlib
    from pathlib import Path

    import visualizer.compute as compute

    folder = Path(compute.__file__).parent
    exported = set(compute.__all__)
    # number_text holds the text helpers the other modules share (its function of the same
    # name would clash with the module's name at package level).
    for path in sorted(folder.glob("*.py")):
        if path.stem.startswith("_") or path.stem == "number_text":
            continue
        module = importlib.import_module(f"visualizer.compute.{path.stem}")
        for name in getattr(module, "__all__", ()):
            assert name in exported, f"{path.stem}.{name} is not re-exported"
            assert hasattr(compute, name)
    assert "gelu" in dir(compute)
    star: dict[str, object] = {}
    exec("from visualizer.compute import *", star)
    assert exported <= set(star)
