"""The convolution tab as code a student can run: numpy alone, or PyTorch.

Plain Python (no Qt). :func:`python_code` writes a standalone script (no import of this app)
that recomputes the number grids the tab shows with the same arithmetic as the worked steps:
pad with zeros, lay the kernel on each window, add the products, then pool. It prints the
grids as tables and, on its last line, one JSON object ``{"output": [[...]], "pooled":
[[...]]}`` (``null`` where the tab shows no grid). :func:`torch_code` does the same with
``torch.nn.functional.conv2d`` and the pooling functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from visualizer.tabs.conv.model import ConvModel


def _literal(grid: np.ndarray) -> str:
    """A grid as a Python list literal, one row per line, exact (repr of each float)."""
    rows = [
        "    [" + ", ".join(_number(v) for v in row) + "],"
        for row in np.asarray(grid, float).tolist()
    ]
    return "[\n" + "\n".join(rows) + "\n]"


def _number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") and "e" not in text else text


def _settings_block(model: ConvModel) -> str:
    s, res = model.settings, model.result
    return f"""# ----- settings (as the Convolution tab shows them) -----
INPUT = {_literal(res.input)}
KERNEL = {_literal(res.kernel)}
PADDING = {s.padding}  # rings of zeros around the input
STRIDE = {s.stride}  # how far the window moves per step
DILATION = {getattr(s, "dilation", 1)}  # the kernel's taps are this many cells apart
MODE = {s.mode!r}  # "correlation" (CNN layers), "convolution" (flipped) or "transposed"
OUTPUT_PADDING = {s.output_padding}  # transposed only: extra rows and columns at the end
POOL_MODE = {s.pool_mode!r}  # "avg" or "max"
POOL_SIZE = {s.pool_size}
POOL_STRIDE = {s.pool_stride}
POOL_SOURCE = {s.pool_source!r}  # pool the "output" or the "input"
"""


NUMPY_BODY = '''

def output_size(n, f, p, s, d):
    """floor((n + 2p - d(f - 1) - 1)/s) + 1 windows fit along one axis."""
    return (n + 2 * p - d * (f - 1) - 1) // s + 1


def correlate(x, k, p, s, d):
    """Lay the kernel on each window of the zero-padded input and add the products."""
    padded = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p))
    padded[p : p + x.shape[0], p : p + x.shape[1]] = x
    rows = output_size(x.shape[0], k.shape[0], p, s, d)
    cols = output_size(x.shape[1], k.shape[1], p, s, d)
    if rows < 1 or cols < 1:
        return None  # the (dilated) kernel is larger than the padded input
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            total = 0.0
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    total += padded[i * s + u * d, j * s + v * d] * k[u, v]
            out[i, j] = total
    return out


def conv_transpose(x, k, s, p, output_padding, d):
    """Each input cell stamps the kernel, times its value, onto the output at stride s."""
    rows = (x.shape[0] - 1) * s - 2 * p + d * (k.shape[0] - 1) + output_padding + 1
    cols = (x.shape[1] - 1) * s - 2 * p + d * (k.shape[1] - 1) + output_padding + 1
    if rows < 1 or cols < 1:
        return None  # the padding crops the whole output away
    out = np.zeros((rows, cols))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    r, c = i * s + u * d - p, j * s + v * d - p  # where this tap lands
                    if 0 <= r < rows and 0 <= c < cols:
                        out[r, c] += x[i, j] * k[u, v]
    return out


def pool(x, size, stride, mode):
    """Average or max of each size x size window, moving by stride (no padding)."""
    rows = (x.shape[0] - size) // stride + 1
    cols = (x.shape[1] - size) // stride + 1
    if rows < 1 or cols < 1:
        return None  # the pooling window does not fit
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            window = x[i * stride : i * stride + size, j * stride : j * stride + size]
            out[i, j] = window.max() if mode == "max" else window.mean()
    return out


def show(name, grid):
    print(name)
    if grid is None:
        print("  (none: no window fits)")
        return
    for row in grid:
        print("  " + "  ".join(f"{value:8.4g}" for value in row))


x = np.array(INPUT, dtype=float)
k = np.array(KERNEL, dtype=float)
if MODE == "convolution":
    k = k[::-1, ::-1]  # true convolution flips the kernel in both axes first
if MODE == "transposed":
    output = conv_transpose(x, k, STRIDE, PADDING, OUTPUT_PADDING, DILATION)
else:
    output = correlate(x, k, PADDING, STRIDE, DILATION)
source = x if POOL_SOURCE == "input" else output
pooled = None if source is None else pool(source, POOL_SIZE, POOL_STRIDE, POOL_MODE)

show("Output", output)
show(f"{POOL_SIZE}x{POOL_SIZE} {POOL_MODE} pooling of the {POOL_SOURCE}", pooled)
print(json.dumps({
    "output": None if output is None else output.tolist(),
    "pooled": None if pooled is None else pooled.tolist(),
}))
'''


def python_code(model: ConvModel) -> str:
    """A standalone numpy script that recomputes the tab's output and pooled grids."""
    header = (
        '"""Convolution and pooling as the Deep Learning Visualizer shows them, with numpy.\n\n'
        f"Preset: {model.preset}\n"
        'Run it: python conv.py  (the last line printed is the result as JSON)\n"""\n\n'
        "import json\n\nimport numpy as np\n\n"
    )
    return header + _settings_block(model) + NUMPY_BODY


TORCH_BODY = """

x = torch.tensor(INPUT, dtype=torch.float64)[None, None]  # (batch, channels, H, W)
k = torch.tensor(KERNEL, dtype=torch.float64)[None, None]  # (out ch., in ch., kh, kw)
if MODE == "convolution":
    k = torch.flip(k, dims=(2, 3))  # conv2d is a cross-correlation: flip for a true one
try:
    if MODE == "transposed":
        output = F.conv_transpose2d(
            x, k, stride=STRIDE, padding=PADDING, output_padding=OUTPUT_PADDING,
            dilation=DILATION,
        )
    else:
        output = F.conv2d(x, k, padding=PADDING, stride=STRIDE, dilation=DILATION)
except RuntimeError:
    output = None  # the (dilated) kernel is larger than the padded input
source = x if POOL_SOURCE == "input" else output
pooled = None
if source is not None:
    pool = F.max_pool2d if POOL_MODE == "max" else F.avg_pool2d
    try:
        pooled = pool(source, POOL_SIZE, stride=POOL_STRIDE)
    except RuntimeError:
        pooled = None  # the pooling window does not fit

for name, grid in (("Output", output), ("Pooled", pooled)):
    print(name)
    print("  (none)" if grid is None else grid[0, 0])
print(json.dumps({
    "output": None if output is None else output[0, 0].tolist(),
    "pooled": None if pooled is None else pooled[0, 0].tolist(),
}))
"""


def torch_code(model: ConvModel) -> str:
    """The same computation with ``torch.nn.functional`` (conv2d and the pooling)."""
    header = (
        '"""Convolution and pooling as the Deep Learning Visualizer shows them, with PyTorch.\n\n'
        f"Preset: {model.preset}\n"
        '"""\n\n'
        "import json\n\nimport torch\nimport torch.nn.functional as F\n\n"
    )
    return header + _settings_block(model) + TORCH_BODY
