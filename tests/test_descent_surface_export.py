"""A run on a surface exported (issue 14): pinned runs drawn, PNG and SVG through the window, the
Markdown of the worked steps in vector form checked against a hand loop."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from tests.helpers import image_is_not_blank
from visualizer.app import create_window
from visualizer.tabs.descent.model import RacerSettings

KAPPA, ANGLE = 10.0, 0.5


def ravine_f(p: np.ndarray) -> float:
    """f = ½(x'² + κ·y'²) with x' = x·cos a + y·sin a, y' = −x·sin a + y·cos a."""
    c, s = math.cos(ANGLE), math.sin(ANGLE)
    xr = c * p[0] + s * p[1]
    yr = -s * p[0] + c * p[1]
    return 0.5 * (xr * xr + KAPPA * yr * yr)


def ravine_grad(p: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """The gradient by central differences (f is quadratic: exact up to rounding)."""
    out = np.zeros(2)
    for k in range(2):
        e = np.zeros(2)
        e[k] = h
        out[k] = (ravine_f(p + e) - ravine_f(p - e)) / (2 * h)
    return out


@pytest.fixture
def window(qtbot):
    w = create_window(initial_tab="descent")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def pairs(text: str, name: str) -> dict[int, tuple[float, float]]:
    """``name{t} = ... = (a, b)`` lines of the Markdown: t -> the last pair on the line."""
    found = {}
    for line in text.splitlines():
        m = re.match(rf"{name}(\d+) = .*\(([-\d.e]+), ([-\d.e]+)\)$", line)
        if m:
            found[int(m.group(1))] = (float(m.group(2)), float(m.group(3)))
    return found


# ----- pinned runs on the surface ---------------------------------------------------------
def test_pinned_runs_are_drawn_on_their_surface(window):
    tab = window.tab("descent")
    tab.load_preset("ravine")
    pin = tab.pin_run()
    tab.model.update(lr=0.05)  # a new run: the pin stays drawn, dashed, as it was
    xs, ys = tab.surface.pin_points(pin)
    np.testing.assert_array_equal(xs, pin.trajectory.x[:, 0])
    np.testing.assert_array_equal(ys, pin.trajectory.x[:, 1])
    tab.model.update(kappa=20.0)  # another ravine: not this pin's surface
    assert tab.surface.pin_points(pin) is None
    tab.model.update(kappa=KAPPA)
    assert tab.surface.pin_points(pin) is not None
    tab.load_preset("himmelblau")
    assert tab.surface.pin_points(pin) is None
    # lessons keep it
    tab.load_preset("ravine")
    state = tab.state()
    tab.clear_pins()
    tab.restore_state(state)
    restored = tab.pinned_runs()[0]
    assert tab.surface.pin_points(restored) is not None


# ----- PNG and SVG through the window -----------------------------------------------------
def test_png_and_svg_of_a_race(window, tmp_path):
    tab = window.tab("descent")
    tab.model.update(objective="himmelblau", method="gd", lr=0.002, x0=0.0, y0=0.0, steps=40)
    tab.model.set_racers([RacerSettings("adam", 0.3, 0.9, 0.999)])
    tab.set_frame(8)
    QApplication.processEvents()
    (_, gd), (_, adam) = tab.model.runners()
    assert np.hypot(*(gd.x[8] - adam.x[8])) > 1.0  # far apart: each dot shows alone
    png = tmp_path / "race.png"
    window.export_current("png", png)
    image = QImage(str(png))
    assert image_is_not_blank(image)
    export = tab.export_widget()
    assert (image.width(), image.height()) == (export.width(), export.height())
    # Adam's current point, in its colour, where the surface draws it
    surface = tab.surface
    at = surface.viewport().mapTo(export, surface.widget_pos(*adam.x[8]))
    pixel = QColor(image.pixel(QPoint(at.x(), at.y())))
    want = QColor(surface.runners[1].color)
    assert max(abs(pixel.red() - want.red()), abs(pixel.green() - want.green()),
               abs(pixel.blue() - want.blue())) < 40, (pixel.name(), want.name())  # fmt: skip
    svg = tmp_path / "race.svg"
    window.export_current("svg", svg)
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert text.count("<path") > 20  # paths, contours, axes: vector shapes
    assert "<image" in text  # the heat map
    for legend in tab.surface.legend_texts():
        # the legend as text, not pixels (a run of text ends where the font changes, at β)
        assert legend.split(":")[0].split(" β")[0] in text


# ----- the Markdown of a 2-D run ----------------------------------------------------------
def test_markdown_of_a_ravine_run_matches_a_hand_loop(window, tmp_path):
    tab = window.tab("descent")
    tab.model.update(objective="quadratic", kappa=KAPPA, angle=ANGLE, method="heavy_ball",
                     lr=0.1, beta=0.6, x0=-2.39, y0=-0.85, steps=6)  # fmt: skip
    path = tmp_path / "ravine.md"
    window.export_current("md", path)
    text = path.read_text(encoding="utf-8")
    assert "Surface: f = ½(x'² + κ·y'²)" in text
    assert "v ← β·v + ∇f(x)" in text and "f'(x)" not in text
    # the hand loop: PyTorch's heavy ball, v = β·v + g, x = x − lr·v
    x, v = np.array([-2.39, -0.85]), np.zeros(2)
    xs, vs, gs = [x.copy()], [v.copy()], []
    for _ in range(6):
        g = ravine_grad(x)
        v = 0.6 * v + g
        x = x - 0.1 * v
        gs.append(g)
        vs.append(v.copy())
        xs.append(x.copy())
    shown_x, shown_v = pairs(text, "x"), pairs(text, "v")
    assert sorted(shown_x) == sorted(shown_v) == list(range(1, 7))
    assert "x0 = (-2.39, -0.85)  (starting point)" in text
    for t in range(1, 7):
        np.testing.assert_allclose(shown_x[t], xs[t], atol=2e-6)  # written with 6 decimals
        np.testing.assert_allclose(shown_v[t], vs[t], rtol=1e-5, atol=1e-6)
        grad_line = f"∇f(x{t - 1}) = ∇f("
        line = next(line for line in text.splitlines() if line.startswith(grad_line))
        g_shown = [float(a) for a in re.findall(r"\(([-\d.e]+), ([-\d.e]+)\)$", line)[0]]
        np.testing.assert_allclose(g_shown, gs[t - 1], rtol=1e-5, atol=1e-6)
        f_line = next(line for line in text.splitlines() if line.startswith(f"f(x{t}) = "))
        assert float(f_line.split("= ")[1]) == pytest.approx(ravine_f(xs[t]), rel=1e-5)


def test_pins_of_a_curve_and_of_a_surface_live_side_by_side(window):
    tab = window.tab("descent")
    tab.load_preset("1a")
    curve_pin = tab.pin_run()  # a 1-D pin: nothing to draw on a surface
    tab.load_preset("saddle")
    surface_pin = tab.pin_run()
    tab.model.update(lr=0.3)
    assert tab.surface.pin_points(curve_pin) is None
    assert tab.surface.pin_points(surface_pin) is not None
    # a diverging run's arrows: huge gradients, no overflow warning (warnings are errors)
    tab.model.update(objective="saddle", lr=5.0, x0=-1.0, y0=0.5, steps=400)
    for t in (0, 50, 200, 400):
        tab.set_frame(t)
        QApplication.processEvents()
