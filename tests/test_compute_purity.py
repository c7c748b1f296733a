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
