"""The convolution tab as code a student can run: numpy alone, or PyTorch.

Plain Python (no Qt). :func:`python_code` writes a standalone script (no import of this app)
that recomputes the number grids the tab shows with the same arithmetic as the worked steps:
pad with zeros, lay the kernel on each window, add the products, then pool. It prints the
grids as tables and, on its last line, one JSON object ``{"output": [[...]], "pooled":
[[...]]}`` (``null`` where the tab shows no grid).

- With the backward view on, the script also sends the upstream gradient back (through the
  pool first when it is typed there) and the JSON gains ``"grad_input"`` (dL/dX) and
  ``"grad_weight"`` (dL/dW).
- With channels, the input is a list of channels, each kernel a list of slices with a bias;
  ``"output"`` is one grid per output channel and ``"pooled"`` is null (the tab pools one
  channel only). With the backward view on, the gradient of the sum of all outputs goes back
  (``"grad_input"`` per input channel, ``"grad_weight"`` per kernel and slice, and
  ``"grad_bias"``); the tab draws that pass for one channel only.

:func:`torch_code` does the same with ``torch.nn.functional`` and autograd.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from visualizer.tabs.conv.model import ConvModel


def _literal(grid: np.ndarray, indent: str = "") -> str:
    """A grid as a Python list literal, one row per line, exact (repr of each float)."""
    rows = [
        f"{indent}    [" + ", ".join(_number(v) for v in row) + "],"
        for row in np.asarray(grid, float).tolist()
    ]
    return "[\n" + "\n".join(rows) + f"\n{indent}]"


def _number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") and "e" not in text else text


def _stack(grids: np.ndarray, indent: str = "") -> str:
    """A list of grids (channels, or a kernel's slices) as a literal."""
    inner = indent + "    "
    return "[\n" + "".join(f"{inner}{_literal(g, inner)},\n" for g in grids) + f"{indent}]"


def _kernels(weights: np.ndarray) -> str:
    """Every kernel's slices as a literal, a comment naming each kernel."""
    parts = [
        f"    # kernel {o + 1}: one slice per input channel\n    {_stack(k, '    ')},\n"
        for o, k in enumerate(weights)
    ]
    return "[\n" + "".join(parts) + "]"


def _backward_on(model: ConvModel) -> bool:
    return model.settings.view == "backward"


def _settings_block(model: ConvModel) -> str:
    s, res = model.settings, model.result
    if s.channels_used:
        data = (
            f"INPUTS = {_stack(s.input_stack())}  # channels, each rows x columns\n"
            f"KERNELS = {_kernels(s.weight_stack())}\n"
            f"BIAS = [{', '.join(_number(b) for b in s.bias_vector())}]  # one per kernel\n"
        )
    else:
        data = f"INPUT = {_literal(res.input)}\nKERNEL = {_literal(res.kernel)}\n"
    block = f"""# ----- settings (as the Convolution tab shows them) -----
{data}PADDING = {s.padding}  # rings of zeros around the input
STRIDE = {s.stride}  # how far the window moves per step
DILATION = {s.dilation}  # the kernel's taps are this many cells apart
MODE = {s.mode!r}  # "correlation" (CNN layers), "convolution" (flipped) or "transposed"
"""
    if not s.channels_used:
        block += f"""OUTPUT_PADDING = {s.output_padding}  # transposed: extra rows and columns
POOL_MODE = {s.pool_mode!r}  # "avg" or "max"
POOL_SIZE = {s.pool_size}
POOL_STRIDE = {s.pool_stride}
POOL_SOURCE = {s.pool_source!r}  # pool the "output" or the "input"
"""
    if _backward_on(model) and not s.channels_used:
        upstream = "None" if s.upstream is None else _literal(np.array(s.upstream))
        block += f"""# The backward pass: the upstream gradient (None: all ones, the gradient of the
# sum), typed on the "output" (dL/dY) or the "pooled" grid (dL/dP, sent back through the pool).
UPSTREAM = {upstream}
UPSTREAM_AT = {s.upstream_at!r}
"""
    return block


COMMON = '''

def output_size(n, f, p, s, d):
    """floor((n + 2p - d(f - 1) - 1)/s) + 1 windows fit along one axis."""
    return (n + 2 * p - d * (f - 1) - 1) // s + 1


def show(name, grid):
    print(name)
    if grid is None:
        print("  (none: no window fits)")
        return
    for row in grid:
        print("  " + "  ".join(f"{value:8.4g}" for value in row))


def as_list(grid):
    return None if grid is None else grid.tolist()
'''

SINGLE_FORWARD = '''

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
    if rows < 1 or cols < 1 or output_padding >= max(s, d):
        return None  # the padding crops the whole output away, or output padding too large
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
'''

SINGLE_MAIN = """

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
result = {"output": as_list(output), "pooled": as_list(pooled)}
"""

SINGLE_BACKWARD = '''

def pool_backward(y, grad_pooled, size, stride, mode):
    """Max pooling sends each gradient to its window's largest value (the first one in
    reading order on ties, as PyTorch); average pooling spreads it as 1/size**2."""
    grad = np.zeros(y.shape)
    for i in range(grad_pooled.shape[0]):
        for j in range(grad_pooled.shape[1]):
            r0, c0 = i * stride, j * stride
            window = y[r0 : r0 + size, c0 : c0 + size]
            if mode == "max":
                r, c = divmod(int(window.argmax()), size)  # argmax: the first maximum
                grad[r0 + r, c0 + c] += grad_pooled[i, j]
            else:
                grad[r0 : r0 + size, c0 : c0 + size] += grad_pooled[i, j] / size**2
    return grad


def correlate_backward(x, k, grad_y, p, s, d):
    """Each output cell sends grad * weight back onto the cell that weight read (dL/dX), and
    grad * input onto the weight (dL/dW)."""
    padded = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p))
    padded[p : p + x.shape[0], p : p + x.shape[1]] = x
    grad_padded = np.zeros(padded.shape)
    grad_k = np.zeros(k.shape)
    for i in range(grad_y.shape[0]):
        for j in range(grad_y.shape[1]):
            for u in range(k.shape[0]):
                for v in range(k.shape[1]):
                    r, c = i * s + u * d, j * s + v * d
                    grad_padded[r, c] += grad_y[i, j] * k[u, v]
                    grad_k[u, v] += grad_y[i, j] * padded[r, c]
    return grad_padded[p : p + x.shape[0], p : p + x.shape[1]], grad_k


grad_input = grad_weight = None
if MODE != "transposed" and output is not None:  # a transposed one is itself a backward pass
    at_pool = UPSTREAM_AT == "pooled" and POOL_SOURCE == "output" and pooled is not None
    shape = pooled.shape if at_pool else output.shape
    upstream = np.ones(shape)
    if UPSTREAM is not None and np.shape(UPSTREAM) == shape:
        upstream = np.array(UPSTREAM, dtype=float)  # (a gradient of another shape: ones)
    grad_y = upstream
    if at_pool:
        grad_y = pool_backward(output, upstream, POOL_SIZE, POOL_STRIDE, POOL_MODE)
    grad_input, grad_weight = correlate_backward(x, k, grad_y, PADDING, STRIDE, DILATION)
    if MODE == "convolution":
        grad_weight = grad_weight[::-1, ::-1]  # back onto the kernel as typed (not flipped)
    show("dL/dY", grad_y)
    show("dL/dX", grad_input)
    show("dL/dW", grad_weight)
result["grad_input"] = as_list(grad_input)
result["grad_weight"] = as_list(grad_weight)
'''

CHANNELS = '''

def conv2d(x, w, b, p, s, d):
    """Output channel o = b[o] + the sum over input channels c of (slice c of kernel o) laid on
    each window of channel c: one sum of products per channel, then added up."""
    channels, rows_in, cols_in = x.shape
    padded = np.zeros((channels, rows_in + 2 * p, cols_in + 2 * p))
    padded[:, p : p + rows_in, p : p + cols_in] = x
    if w.shape[1] != channels:
        return None, f"each kernel has {w.shape[1]} slice(s) but the input {channels} channel(s)"
    if MODE == "transposed":
        return None, "channels are computed for the sliding convolutions"
    rows = output_size(rows_in, w.shape[2], p, s, d)
    cols = output_size(cols_in, w.shape[3], p, s, d)
    if rows < 1 or cols < 1:
        return None, "the (dilated) kernel is larger than the padded input"
    out = np.zeros((w.shape[0], rows, cols))
    for o in range(w.shape[0]):
        for i in range(rows):
            for j in range(cols):
                total = b[o]
                for c in range(channels):
                    for u in range(w.shape[2]):
                        for v in range(w.shape[3]):
                            total += padded[c, i * s + u * d, j * s + v * d] * w[o, c, u, v]
                out[o, i, j] = total
    return out, ""


x = np.array(INPUTS, dtype=float)
w = np.array(KERNELS, dtype=float)
b = np.array(BIAS, dtype=float)
if MODE == "convolution":
    w = w[:, :, ::-1, ::-1]  # true convolution flips every slice in both axes first
output, why = conv2d(x, w, b, PADDING, STRIDE, DILATION)
if output is None:
    print("No output:", why)
else:
    for o, grid in enumerate(output):
        show(f"Output channel {o + 1}", grid)
result = {"output": as_list(output), "pooled": None}
'''

CHANNELS_BACKWARD = '''

def conv2d_backward(x, w, grad_y, p, s, d):
    """Each output cell sends grad * weight back onto the cell that weight read, in its
    channel (dL/dX), grad * input onto the weight (dL/dW), and grad onto its bias (dL/db)."""
    channels, rows_in, cols_in = x.shape
    padded = np.zeros((channels, rows_in + 2 * p, cols_in + 2 * p))
    padded[:, p : p + rows_in, p : p + cols_in] = x
    grad_padded = np.zeros(padded.shape)
    grad_w = np.zeros(w.shape)
    grad_b = grad_y.sum(axis=(1, 2))
    for o in range(w.shape[0]):
        for i in range(grad_y.shape[1]):
            for j in range(grad_y.shape[2]):
                for c in range(channels):
                    for u in range(w.shape[2]):
                        for v in range(w.shape[3]):
                            r, q = i * s + u * d, j * s + v * d
                            grad_padded[c, r, q] += grad_y[o, i, j] * w[o, c, u, v]
                            grad_w[o, c, u, v] += grad_y[o, i, j] * padded[c, r, q]
    return grad_padded[:, p : p + rows_in, p : p + cols_in], grad_w, grad_b


grad_input = grad_weight = grad_bias = None
if output is not None:
    # The upstream gradient is all ones: the gradient of the sum of every output cell.
    grad_input, grad_weight, grad_bias = conv2d_backward(
        x, w, np.ones(output.shape), PADDING, STRIDE, DILATION
    )
    if MODE == "convolution":
        grad_weight = grad_weight[:, :, ::-1, ::-1]  # back onto the slices as typed
    for c, grid in enumerate(grad_input):
        show(f"dL/dX channel {c + 1}", grid)
result["grad_input"] = as_list(grad_input)
result["grad_weight"] = as_list(grad_weight)
result["grad_bias"] = as_list(grad_bias)
'''

PRINT_JSON = """
print(json.dumps(result))
"""


def python_code(model: ConvModel) -> str:
    """A standalone numpy script that recomputes the tab's output and pooled grids (and the
    backward pass when the backward view is on)."""
    s = model.settings
    header = (
        '"""Convolution and pooling as the Deep Learning Visualizer shows them, with numpy.\n\n'
        f"Preset: {model.preset}\n"
        'Run it: python conv.py  (the last line printed is the result as JSON)\n"""\n\n'
        "import json\n\nimport numpy as np\n\n"
    )
    if s.channels_used:
        body = COMMON + CHANNELS + (CHANNELS_BACKWARD if _backward_on(model) else "")
    else:
        body = COMMON + SINGLE_FORWARD + SINGLE_MAIN
        body += SINGLE_BACKWARD if _backward_on(model) else ""
    return header + _settings_block(model) + body + PRINT_JSON


TORCH_SINGLE = """

x = torch.tensor(INPUT, dtype=torch.float64)[None, None]  # (batch, channels, H, W)
kernel = torch.tensor(KERNEL, dtype=torch.float64)[None, None]  # (out ch., in ch., kh, kw)
x.requires_grad_(BACKWARD)
kernel.requires_grad_(BACKWARD)
k = torch.flip(kernel, dims=(2, 3)) if MODE == "convolution" else kernel  # conv2d correlates
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
    print("  (none)" if grid is None else grid[0, 0].detach())
result = {
    "output": None if output is None else output[0, 0].tolist(),
    "pooled": None if pooled is None else pooled[0, 0].tolist(),
}
if BACKWARD:
    grad_input = grad_weight = None
    if output is not None and MODE != "transposed":
        at_pool = UPSTREAM_AT == "pooled" and POOL_SOURCE == "output" and pooled is not None
        target = pooled if at_pool else output
        upstream = torch.ones_like(target)
        if UPSTREAM is not None and tuple(target.shape[2:]) == (len(UPSTREAM), len(UPSTREAM[0])):
            upstream = torch.tensor(UPSTREAM, dtype=torch.float64)[None, None]
        (target * upstream).sum().backward()  # dL/dtarget = upstream
        grad_input, grad_weight = x.grad[0, 0].tolist(), kernel.grad[0, 0].tolist()
    result["grad_input"], result["grad_weight"] = grad_input, grad_weight
print(json.dumps(result))
"""

TORCH_CHANNELS = """

x = torch.tensor(INPUTS, dtype=torch.float64)[None]  # (batch, channels, H, W)
weight = torch.tensor(KERNELS, dtype=torch.float64)  # (out ch., in ch., kh, kw)
bias = torch.tensor(BIAS, dtype=torch.float64)
for t in (x, weight, bias):
    t.requires_grad_(BACKWARD)
w = torch.flip(weight, dims=(2, 3)) if MODE == "convolution" else weight  # conv2d correlates
try:
    if MODE == "transposed":
        raise RuntimeError("channels are computed for the sliding convolutions")
    output = F.conv2d(x, w, bias, padding=PADDING, stride=STRIDE, dilation=DILATION)
except RuntimeError as exc:
    output = None  # slices that do not match the channels, or no window fits
    print("No output:", exc)
if output is not None:
    print(output[0].detach())
result = {"output": None if output is None else output[0].tolist(), "pooled": None}
if BACKWARD:
    grads = [None, None, None]
    if output is not None:
        output.sum().backward()  # the gradient of the sum of every output cell
        grads = [x.grad[0].tolist(), weight.grad.tolist(), bias.grad.tolist()]
    result["grad_input"], result["grad_weight"], result["grad_bias"] = grads
print(json.dumps(result))
"""


def torch_code(model: ConvModel) -> str:
    """The same computation with ``torch.nn.functional`` (conv2d, the pooling) and autograd."""
    header = (
        '"""Convolution and pooling as the Deep Learning Visualizer shows them, with PyTorch.\n\n'
        f"Preset: {model.preset}\n"
        '"""\n\n'
        "import json\n\nimport torch\nimport torch.nn.functional as F\n\n"
    )
    backward = f"BACKWARD = {_backward_on(model)}  # also send the gradient back (autograd)\n"
    s = model.settings
    settings = _settings_block(model)
    if not s.channels_used and not _backward_on(model):
        settings += "UPSTREAM = None\nUPSTREAM_AT = 'output'\n"
    body = TORCH_CHANNELS if s.channels_used else TORCH_SINGLE
    return header + settings + backward + body
