"""The backprop tab as code a student can run: numpy alone, or PyTorch's autograd.

Plain Python (no Qt). :func:`python_code` writes a standalone script (no import of this app)
that recomputes what the tab shows with the same arithmetic as its worked steps: the forward
pass layer by layer, the loss, then the backward pass one Jacobian at a time (dE/df of the
output, times Wᵀ, times the activation's diagonal, …, down to dE/dx), and the parameter
gradients where the batch sum happens. It prints the tensors as a table and, on its last
line, one JSON object::

    {"inputs": {"x": [[...]], "y": [[...]], "W1": [[...]], "b1": [[...]], "W2": ..., "b2": ...},
     "E": 0.33, "dE_dx": [[...]]}

(for deeper nets ``"weights"`` and ``"biases"`` lists replace W1 … b2). :func:`torch_code`
builds the same network from tensors with ``requires_grad=True`` and lets ``backward()``
compute the gradients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from visualizer.tabs.backprop.model import BackpropModel


def _number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") and "e" not in text else text


def _literal(array: np.ndarray, indent: str = "    ") -> str:
    """A matrix as ``np.array([...])`` with one row per line, exact (repr of each float)."""
    rows = np.atleast_2d(np.asarray(array, float)).tolist()
    if len(rows) == 1:
        return "np.array([[" + ", ".join(_number(v) for v in rows[0]) + "]])"
    body = "\n".join(f"{indent}[" + ", ".join(_number(v) for v in row) + "]," for row in rows)
    return "np.array([\n" + body + "\n])"


def _shape(array: np.ndarray) -> str:
    return "×".join(str(n) for n in np.atleast_2d(array).shape)


def _names(depth: int) -> tuple[list[str], list[str]]:
    """(pre-activation names, activation names) of the layers: the sheet's f1, a, f2 for one
    hidden layer; f1, a1, f2, a2, f3 … for deeper nets."""
    pre = [f"f{layer}" for layer in range(1, depth + 1)]
    post = ["a"] if depth == 2 else [f"a{layer}" for layer in range(1, depth)]
    return pre, post


ACTIVATION_CODE = {
    "sigmoid": (
        "def activation(z):\n"
        '    """sigmoid(z) = 1 / (1 + e^(-z)), written with e^(-|z|) so it never overflows."""\n'
        "    e = np.exp(-np.abs(z))\n"
        "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n\n\n"
        "def activation_slope(z, a):\n"
        '    """sigmoid\'(z) = a(1 - a): the diagonal of the Jacobian da/df."""\n'
        "    return a * (1 - a)\n"
    ),
    "tanh": (
        "def activation(z):\n"
        "    return np.tanh(z)\n\n\n"
        "def activation_slope(z, a):\n"
        '    """tanh\'(z) = 1 - a²: the diagonal of the Jacobian da/df."""\n'
        "    return 1 - a * a\n"
    ),
    "relu": (
        "def activation(z):\n"
        "    return np.maximum(z, 0.0)\n\n\n"
        "def activation_slope(z, a):\n"
        '    """ReLU\'(z) = 1 where z > 0, else 0 (0 at z = 0, as in PyTorch)."""\n'
        "    return (z > 0).astype(float)\n"
    ),
    "gelu": (
        "def sigmoid(z):\n"
        "    e = np.exp(-np.abs(z))\n"
        "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n\n\n"
        "def activation(z):\n"
        '    """The sheet\'s GeLU: z · sigmoid(1.702 z)."""\n'
        "    return z * sigmoid(1.702 * z)\n\n\n"
        "def activation_slope(z, a):\n"
        '    """GeLU\'(z) = s (1 + 1.702 z (1 - s)) with s = sigmoid(1.702 z)."""\n'
        "    s = sigmoid(1.702 * z)\n"
        "    return s * (1 + 1.702 * z * (1 - s))\n"
    ),
}

ACTIVATION_WORDS = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "gelu": "GeLU"}


def _settings_block(net: dict[str, Any]) -> str:
    lines = [
        "# ----- settings (as the Backprop shapes tab shows them) -----",
        f"x = {_literal(net['x'])}  # input, one sample per row: B×N = {_shape(net['x'])}",
        f"y = {_literal(net['y'])}  # target rows: B×K = {_shape(net['y'])}",
    ]
    for layer, (W, b) in enumerate(zip(net["weights"], net["biases"], strict=True), start=1):
        lines.append(f"W{layer} = {_literal(W)}  # {_shape(W)}")
        lines.append(f"b{layer} = {_literal(b)}  # {_shape(b)}, added to every row")
    lines += [
        f'ACTIVATION = "{net["activation"]}"  # of the hidden layers; the output layer is linear',
        f'LOSS = "{net["loss"]}"',
        f'REDUCTION = "{net["reduction"]}"  # E is the mean or the sum over the B samples',
        f"B = x.shape[0]  # {net['x'].shape[0]}",
        'scale = 1 / B if REDUCTION == "mean" else 1.0',
    ]
    return "\n".join(lines) + "\n"


def _forward_lines(net: dict[str, Any]) -> list[str]:
    depth = len(net["weights"])
    pre, post = _names(depth)
    inputs = ["x", *post]
    word = ACTIVATION_WORDS[net["activation"]]
    B = net["x"].shape[0]
    lines = ["# ----- forward: one layer at a time (shapes in brackets) -----"]
    for layer in range(1, depth + 1):
        f, a_in = pre[layer - 1], inputs[layer - 1]
        n_in, n_out = net["weights"][layer - 1].shape
        shapes = f"[{B}×{n_in}]·[{n_in}×{n_out}] + [1×{n_out}] = {B}×{n_out}"
        lines.append(f"{f} = {a_in} @ W{layer} + b{layer}  # {shapes}")
        if layer < depth:
            lines.append(f"{post[layer - 1]} = activation({f})  # {word}, entry by entry")
    return lines


def _loss_lines(depth: int, loss: str) -> list[str]:
    out = f"f{depth}"
    if loss == "mse":
        return [
            "# ----- loss: mean squared error on the raw output -----",
            f"per_sample = 0.5 * np.sum(({out} - y) ** 2, axis=1)  # ½‖out − y‖² per row",
            "E = scale * np.sum(per_sample)",
        ]
    return [
        "# ----- loss: softmax + cross-entropy, per sample -----",
        f"shifted = {out} - {out}.max(axis=1, keepdims=True)  # the stable softmax",
        "log_o = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
        "o = np.exp(log_o)",
        "per_sample = -np.sum(np.where(y != 0, y * log_o, 0.0), axis=1)  # −Σ_k y_k ln o_k",
        "E = scale * np.sum(per_sample)",
    ]


def _backward_lines(depth: int, loss: str) -> list[str]:
    pre, post = _names(depth)
    inputs = ["x", *post]
    out = f"f{depth}"
    first = (
        f"dE_d{out} = scale * ({out} - y)  # dE/dout = out − y (÷B for the mean)"
        if loss == "mse"
        else f"dE_d{out} = scale * (o - y)  # dE/do · do/d{out} = o − y (÷B for the mean)"
    )
    lines = ["# ----- backward: one Jacobian at a time -----", first]
    for layer in range(depth, 0, -1):
        f = pre[layer - 1]
        a_in = inputs[layer - 1]
        lines.append(f"dE_dW{layer} = {a_in}.T @ dE_d{f}  # the sum over the batch happens here")
        lines.append(f"dE_db{layer} = dE_d{f}.sum(axis=0, keepdims=True)  # column sums")
        if layer == 1:
            lines.append("dE_dx = dE_df1 @ W1.T  # times df1/dx = W1ᵀ")
        else:
            a = post[layer - 2]
            lines.append(f"dE_d{a} = dE_d{f} @ W{layer}.T  # times d{f}/d{a} = W{layer}ᵀ")
            lines.append(
                f"dE_d{pre[layer - 2]} = dE_d{a} * activation_slope({pre[layer - 2]}, {a})"
                "  # times the diagonal Jacobian"
            )
    return lines


def _chain_lines(net: dict[str, Any]) -> list[str]:
    """For one sample: dE/dx again, as the tab's product of Jacobians (row vector times
    matrices, left to right)."""
    depth = len(net["weights"])
    pre, post = _names(depth)
    out = f"f{depth}"
    lines = ["# ----- the same dE/dx as the tab's chain of Jacobians (one sample) -----"]
    if net["loss"] == "mse":
        lines.append(f"chain = scale * ({out} - y)  # dE/d{out} [1×K]")
    else:
        lines += [
            'with np.errstate(divide="ignore", invalid="ignore"):  # o may underflow to 0',
            "    dE_do = scale * np.where(y != 0, -y / o, 0.0)  # dE/do = −y/o [1×K]",
            f"J_o_{out} = np.diag(o[0]) - o.T @ o  # do/d{out} = diag(o) − oᵀo [K×K]",
            'with np.errstate(invalid="ignore", over="ignore"):',
            f"    chain = dE_do @ J_o_{out}",
        ]
    indent = "    " if net["loss"] != "mse" else ""
    for layer in range(depth, 1, -1):
        f_prev, a_prev = pre[layer - 2], post[layer - 2]
        lines.append(
            f"{indent}chain = chain @ W{layer}.T  # d{pre[layer - 1]}/d{a_prev} = W{layer}ᵀ"
        )
        lines.append(
            f"{indent}chain = chain @ np.diag(activation_slope({f_prev}, {a_prev})[0])"
            f"  # d{a_prev}/d{f_prev}, diagonal"
        )
    lines.append(f"{indent}chain = chain @ W1.T  # df1/dx = W1ᵀ")
    lines.append('print("chain of Jacobians:", chain, "equals dE_dx:", np.allclose(chain, dE_dx))')
    return lines


def _report_lines(depth: int, sheet_inputs: bool) -> list[str]:
    pre, post = _names(depth)
    tensors = ["x", *[n for pair in zip(pre, [*post, None], strict=True) for n in pair if n]]
    grads = ["dE_dx", *[g for layer in range(1, depth + 1) for g in (f"dE_dW{layer}",
                                                                     f"dE_db{layer}")]]  # fmt: skip
    shown = "".join(f'\n    ("{t}", {t}),' for t in [*tensors, "y", *grads])
    if sheet_inputs:
        inputs = '{"x": x, "y": y, "W1": W1, "b1": b1, "W2": W2, "b2": b2}'
    else:
        weights = ", ".join(f"W{layer}" for layer in range(1, depth + 1))
        biases = ", ".join(f"b{layer}" for layer in range(1, depth + 1))
        inputs = f'{{"x": x, "y": y, "weights": [{weights}], "biases": [{biases}]}}'
    return [
        "# ----- the table, then one JSON line with the inputs, E and dE/dx -----",
        f"for name, value in [{shown}\n]:",
        '    shape = "×".join(str(n) for n in value.shape)',
        "    text = np.array2string(value, precision=4, suppress_small=True)",
        '    print(f"{name:>8} [{shape:>5}]  " + text.replace(chr(10), " "))',
        'print(f"       E = {E:.10g}")',
        "",
        "",
        "def plain(value):",
        "    if isinstance(value, list):",
        "        return [plain(v) for v in value]",
        "    return value.tolist()",
        "",
        "",
        f"inputs = {inputs}",
        'print(json.dumps({"inputs": {k: plain(v) for k, v in inputs.items()}, "E": float(E),',
        '                  "dE_dx": dE_dx.tolist()}))',
    ]


def python_code(model: BackpropModel) -> str:
    """A standalone numpy script recomputing the tab's network, loss and gradients."""
    net = model.export_network()
    depth = len(net["weights"])
    sizes = " → ".join(str(n) for n in [net["x"].shape[1], *(W.shape[1] for W in net["weights"])])
    head = (
        '"""Backprop of the Backprop shapes tab, written out with numpy alone.\n\n'
        f"Network {sizes} (N → hidden … → K), batch B = {net['x'].shape[0]}, "
        f"{net['activation']} hidden layers, {net['loss']} loss ({net['reduction']} over the "
        "batch).\nRun: python backprop.py  (prints a table; the last line is JSON)\n"
        '"""\n\nimport json\n\nimport numpy as np\n\n'
    )
    body = [
        _settings_block(net),
        "",
        ACTIVATION_CODE[net["activation"]],
        "",
        *_forward_lines(net),
        "",
        *_loss_lines(depth, net["loss"]),
        "",
        *_backward_lines(depth, net["loss"]),
        "",
        *([*_chain_lines(net), ""] if net["x"].shape[0] == 1 else []),
        *_report_lines(depth, depth == 2),
    ]
    return head + "\n".join(body) + "\n"


TORCH_ACTIVATION = {
    "sigmoid": "torch.sigmoid",
    "tanh": "torch.tanh",
    "relu": "torch.relu",
    "gelu": "lambda z: z * torch.sigmoid(1.702 * z)",
}


def torch_code(model: BackpropModel) -> str:
    """The same network in PyTorch: autograd computes every gradient."""
    net = model.export_network()
    depth = len(net["weights"])

    def tensor(array: np.ndarray, grad: bool) -> str:
        literal = _literal(array).replace("np.array(", "torch.tensor(", 1)
        options = ", dtype=torch.float64" + (", requires_grad=True" if grad else "")
        return literal[:-1] + options + ")"

    lines = [
        '"""Backprop of the Backprop shapes tab with PyTorch: autograd does the backward pass.\n'
        '\nRun: python backprop_torch.py  (needs torch)\n"""',
        "",
        "import torch",
        "import torch.nn.functional as F",
        "",
        f"x = {tensor(net['x'], True)}",
        f"y = {tensor(net['y'], False)}",
    ]
    for layer, (W, b) in enumerate(zip(net["weights"], net["biases"], strict=True), start=1):
        lines.append(f"W{layer} = {tensor(W, True)}")
        lines.append(f"b{layer} = {tensor(b, True)}")
    lines += [
        f"activation = {TORCH_ACTIVATION[net['activation']]}",
        "",
        "h = x",
    ]
    for layer in range(1, depth + 1):
        lines.append(f"h = h @ W{layer} + b{layer}")
        if layer < depth:
            lines.append("h = activation(h)")
    reduction = net["reduction"]
    if net["loss"] == "mse":
        per_sample = "0.5 * ((h - y) ** 2).sum(dim=1)"
    else:
        per_sample = "-(y * F.log_softmax(h, dim=1)).sum(dim=1)"
    lines += [
        f"per_sample = {per_sample}",
        f"E = per_sample.{reduction}()",
        "E.backward()  # autograd: every .grad below",
        "",
        'print("E =", E.item())',
        'print("dE/dx =", x.grad)',
    ]
    for layer in range(1, depth + 1):
        lines.append(f'print("dE/dW{layer} =", W{layer}.grad)')
        lines.append(f'print("dE/db{layer} =", b{layer}.grad)')
    return "\n".join(lines) + "\n"
