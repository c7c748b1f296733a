"""The descent run as a standalone script a student can read and run (File > Export > code).

:func:`python_code` writes numpy-only Python: the settings at the top, the curve (or surface)
and its derivative, then the update rule of the chosen method written out as the worked steps
do it, a printed table and, on the last line, one JSON object ``{"x": [...]}`` (a list of
pairs on a surface) holding every finite iterate. :func:`torch_code` does the same run with
``torch.optim`` and autograd, for those who have PyTorch. No Qt and no import of this app in
either script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.compute.descent import METHOD_LABELS

if TYPE_CHECKING:
    from visualizer.tabs.descent.model import DescentModel, DescentSettings

# ----- the functions, numpy and torch --------------------------------------------------------
_NUMPY_SIGMOID = '''def sigmoid(z):
    """1 / (1 + e^-z), written so that exp never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
'''

_NUMPY_CURVES: dict[str, str] = {
    "gelu": _NUMPY_SIGMOID
    + '''

def f(x):
    """The sheet's GeLU: x * sigmoid(1.702 x)."""
    return x * sigmoid(1.702 * x)


def df(x):
    """GeLU'(x) = s * (1 + 1.702 x (1 - s)) with s = sigmoid(1.702 x)."""
    s = sigmoid(1.702 * x)
    return s * (1.0 + 1.702 * x * (1.0 - s))
''',
    "gelu_exact": '''erfc = np.vectorize(math.erfc)


def f(x):
    """The exact GeLU: x * Phi(x), Phi(x) = erfc(-x / sqrt 2) / 2."""
    return x * 0.5 * erfc(-x / math.sqrt(2.0))


def df(x):
    """GeLU'(x) = Phi(x) + x * phi(x), phi the standard normal density."""
    phi = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return 0.5 * erfc(-x / math.sqrt(2.0)) + x * phi
''',
    "square": '''def f(x):
    """f(x) = x^2."""
    return x * x


def df(x):
    """f'(x) = 2x."""
    return 2.0 * x
''',
    "double_well": '''def f(x):
    """A tilted double well: x^4/4 - x^2 + x/2."""
    return 0.25 * x**4 - x * x + 0.5 * x


def df(x):
    """f'(x) = x^3 - 2x + 1/2."""
    return x**3 - 2.0 * x + 0.5
''',
}

_NUMPY_SURFACES: dict[str, str] = {
    "quadratic": '''c, s_ = math.cos(angle), math.sin(angle)


def f(p):
    """The ravine: (x'^2 + kappa y'^2) / 2 in axes turned by angle."""
    xr = c * p[..., 0] + s_ * p[..., 1]
    yr = -s_ * p[..., 0] + c * p[..., 1]
    return 0.5 * (xr * xr + kappa * yr * yr)


def grad(p):
    """(df/dx, df/dy): R^T diag(1, kappa) R p."""
    xr = c * p[0] + s_ * p[1]
    ky = kappa * (-s_ * p[0] + c * p[1])
    return np.array([c * xr - s_ * ky, s_ * xr + c * ky])
''',
    "rosenbrock": '''def f(p):
    """Rosenbrock: (1 - x)^2 + 100 (y - x^2)^2."""
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def grad(p):
    """(-2 (1 - x) - 400 x (y - x^2), 200 (y - x^2))."""
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
''',
    "saddle": '''def f(p):
    """A saddle: x^2 - y^2."""
    return p[..., 0] ** 2 - p[..., 1] ** 2


def grad(p):
    """(2x, -2y)."""
    return np.array([2 * p[0], -2 * p[1]])
''',
    "himmelblau": '''def f(p):
    """Himmelblau: (x^2 + y - 11)^2 + (x + y^2 - 7)^2."""
    x, y = p[..., 0], p[..., 1]
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def grad(p):
    """(4x (x^2 + y - 11) + 2 (x + y^2 - 7), 2 (x^2 + y - 11) + 4y (x + y^2 - 7))."""
    x, y = p
    u, w = x * x + y - 11, x + y * y - 7
    return np.array([4 * x * u + 2 * w, 2 * u + 4 * y * w])
''',
    "gelu_sum": _NUMPY_SIGMOID
    + '''

def gelu(x):
    return x * sigmoid(1.702 * x)


def gelu_grad(x):
    s = sigmoid(1.702 * x)
    return s * (1.0 + 1.702 * x * (1.0 - s))


def f(p):
    """GeLU(x) + GeLU(y), the sheet's GeLU in each coordinate."""
    return gelu(p[..., 0]) + gelu(p[..., 1])


def grad(p):
    """(GeLU'(x), GeLU'(y))."""
    return np.array([gelu_grad(p[0]), gelu_grad(p[1])])
''',
}

_TORCH_SURFACES: dict[str, str] = {
    "quadratic": '''def f(p):
    """The ravine: (x'^2 + kappa y'^2) / 2 in axes turned by angle."""
    c, s_ = math.cos(angle), math.sin(angle)
    xr = c * p[0] + s_ * p[1]
    yr = -s_ * p[0] + c * p[1]
    return 0.5 * (xr * xr + kappa * yr * yr)
''',
    "rosenbrock": '''def f(p):
    """Rosenbrock: (1 - x)^2 + 100 (y - x^2)^2."""
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
''',
    "saddle": '''def f(p):
    """A saddle: x^2 - y^2."""
    return p[0] ** 2 - p[1] ** 2
''',
    "himmelblau": '''def f(p):
    """Himmelblau: (x^2 + y - 11)^2 + (x + y^2 - 7)^2."""
    return (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2
''',
    "gelu_sum": '''def f(p):
    """GeLU(x) + GeLU(y), the sheet's GeLU x * sigmoid(1.702 x) in each coordinate."""
    return (p * torch.sigmoid(1.702 * p)).sum()
''',
}

_TORCH_CURVES: dict[str, str] = {
    "gelu": '''def f(x):
    """The sheet's GeLU: x * sigmoid(1.702 x)."""
    return x * torch.sigmoid(1.702 * x)
''',
    "gelu_exact": '''def f(x):
    """The exact GeLU: x * Phi(x)."""
    return x * 0.5 * torch.erfc(-x / math.sqrt(2.0))
''',
    "square": '''def f(x):
    """f(x) = x^2."""
    return x * x
''',
    "double_well": '''def f(x):
    """A tilted double well: x^4/4 - x^2 + x/2."""
    return 0.25 * x**4 - x * x + 0.5 * x
''',
}

# ----- the update rules, as the worked steps write them ------------------------------------
_NUMPY_UPDATES: dict[str, str] = {
    "gd": "        x = x - lr * g",
    "momentum": "        v = beta * v + (1 - beta) * g\n        x = x - lr * v",
    "heavy_ball": "        v = beta * v + g\n        x = x - lr * v",
    "nesterov": "        v = beta * v + g\n        x = x - lr * (g + beta * v)",
    "adam": (
        "        v = beta * v + (1 - beta) * g  # m, the first moment\n"
        "        s = beta2 * s + (1 - beta2) * g * g\n"
        "        m_hat = v / (1 - beta ** (t + 1))\n"
        "        s_hat = s / (1 - beta2 ** (t + 1))\n"
        "        x = x - lr * m_hat / (np.sqrt(s_hat) + eps)"
    ),
    "adagrad": "        s = s + g * g\n        x = x - lr * g / (np.sqrt(s) + eps)",
    "rmsprop": (
        "        s = beta2 * s + (1 - beta2) * g * g\n        x = x - lr * g / (np.sqrt(s) + eps)"
    ),
}

_TORCH_OPTIMIZERS: dict[str, str] = {
    "gd": "torch.optim.SGD([x], lr=lr)",
    "heavy_ball": "torch.optim.SGD([x], lr=lr, momentum=beta)",
    "nesterov": "torch.optim.SGD([x], lr=lr, momentum=beta, nesterov=True)",
    "adam": "torch.optim.Adam([x], lr=lr, betas=(beta, beta2), eps=eps)",
    "adagrad": "torch.optim.Adagrad([x], lr=lr, eps=eps)",
    "rmsprop": "torch.optim.RMSprop([x], lr=lr, alpha=beta2, eps=eps)",
}


def _header(settings: DescentSettings, what: str, needs: str) -> str:
    rule = METHOD_LABELS.get(settings.method, settings.method)
    return (
        f'"""Gradient descent as the Deep Learning Visualizer shows it, {what}.\n\n'
        f"Method: {rule}. Run it with `python this_file.py` ({needs}).\n"
        'It prints the iterates as a table; its last line is one JSON object {"x": [...]}.\n'
        '"""\n'
    )


def _settings_block(settings: DescentSettings) -> str:
    lines = [
        "# ----- settings " + "-" * 60,
        f'method = "{settings.method}"',
        f"lr = {settings.lr!r}",
        f"beta = {settings.beta!r}",
        f"beta2 = {settings.beta2!r}",
        f"eps = {settings.eps!r}",
        f"x0 = {settings.x0!r}",
        f"steps = {settings.steps}",
    ]
    if settings.on_surface:
        lines[-2] = f"start = ({settings.x0!r}, {settings.y0!r})"
        if settings.objective == "quadratic":
            lines += [f"kappa = {settings.kappa!r}", f"angle = {settings.angle!r}"]
    return "\n".join(lines) + "\n"


def python_code(model: DescentModel) -> str:
    """A numpy-only script recomputing the run the tab shows (see the module docstring)."""
    settings = model.settings
    if settings.on_surface:
        return _surface_python_code(model)
    curve = _NUMPY_CURVES[settings.objective]
    update = _NUMPY_UPDATES[settings.method]
    return (
        _header(settings, f"on {model.objective.label}", "needs numpy only")
        + "\nimport json\nimport math\n\nimport numpy as np\n\n"
        + _settings_block(settings)
        + "\n# ----- the curve "
        + "-" * 59
        + "\n"
        + curve
        + """

# ----- the descent: the same arithmetic as the worked steps -----------------------------
x = np.float64(x0)
v = np.float64(0.0)  # the velocity (Adam's m); stays 0 for methods without one
s = np.float64(0.0)  # the running sum or average of g^2; stays 0 where unused
xs = [x]
with np.errstate(all="ignore"):  # a diverging run overflows quietly; we stop below
    for t in range(steps):
        g = df(x)
"""
        + update
        + """
        if not np.isfinite(x):
            print(f"diverged at step {t + 1}: x is too large to represent")
            break
        xs.append(x)

print(f"{'t':>5}  {'x_t':>22}  {'f(x_t)':>22}")
for t, x_t in enumerate(xs):
    print(f"{t:>5}  {float(x_t):>22.15g}  {float(f(x_t)):>22.15g}")
print(json.dumps({"x": [float(x_t) for x_t in xs]}))
"""
    )


def _surface_python_code(model: DescentModel) -> str:
    settings = model.settings
    update = _NUMPY_UPDATES[settings.method]
    return (
        _header(settings, f"on the surface {model.surface.label}", "needs numpy only")
        + "\nimport json\nimport math\n\nimport numpy as np\n\n"
        + _settings_block(settings)
        + "\n# ----- the surface "
        + "-" * 57
        + "\n"
        + _NUMPY_SURFACES[settings.objective]
        + """

# ----- the descent: the same arithmetic as the worked steps, on (x, y) pairs ------------
x = np.array(start, dtype=float)
v = np.zeros(2)  # the velocity (Adam's m); stays 0 for methods without one
s = np.zeros(2)  # the running sum or average of g^2, element by element
xs = [x]
with np.errstate(all="ignore"):  # a diverging run overflows quietly; we stop below
    for t in range(steps):
        g = grad(x)
"""
        + update
        + """
        if not np.all(np.isfinite(x)):
            print(f"diverged at step {t + 1}: x is too large to represent")
            break
        xs.append(x)

print(f"{'t':>5}  {'x_t':>22}  {'y_t':>22}  {'f(x_t)':>22}")
for t, p in enumerate(xs):
    print(f"{t:>5}  {p[0]:>22.15g}  {p[1]:>22.15g}  {float(f(p)):>22.15g}")
print(json.dumps({"x": [[float(p[0]), float(p[1])] for p in xs]}))
"""
    )


def torch_code(model: DescentModel) -> str:
    """The same run with torch.optim and autograd (compiled in tests: torch is optional)."""
    settings = model.settings
    if settings.on_surface:
        curve = _TORCH_SURFACES[settings.objective]
        start, what = "start", f"on the surface {model.surface.label}, with PyTorch"
        record = "x.tolist()"
    else:
        curve = _TORCH_CURVES[settings.objective]
        start, what = "x0", f"on {model.objective.label}, with PyTorch"
        record = "x.item()"
    if settings.method == "momentum":
        # The sheet's EMA momentum is not a torch optimizer (SGD's dampening skips it on the
        # first step): autograd gives g, the update is written out.
        make = "None  # the sheet's momentum is written out below"
        step = (
            "    with torch.no_grad():\n"
            "        v = beta * v + (1 - beta) * x.grad\n"
            "        x -= lr * v\n"
            "    x.grad = None\n"
        )
    else:
        make = _TORCH_OPTIMIZERS[settings.method]
        step = "    optimizer.step()\n    optimizer.zero_grad()\n"
    return (
        _header(settings, what, "needs torch")
        + "\nimport json\nimport math\n\nimport torch\n\n"
        + _settings_block(settings)
        + "\n# ----- the curve (autograd finds its derivative) "
        + "-" * 28
        + "\n"
        + curve
        + f"""

x = torch.tensor({start}, dtype=torch.float64, requires_grad=True)
v = torch.zeros_like(x)
optimizer = {make}
xs = [{record}]
for t in range(steps):
    f(x).backward()
{step}    if not torch.isfinite(x).all():
        print(f"diverged at step {{t + 1}}")
        break
    xs.append({record})

for t, x_t in enumerate(xs):
    print(t, x_t)
print(json.dumps({{"x": xs}}))
"""
    )
