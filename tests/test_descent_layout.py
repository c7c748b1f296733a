"""The descent tab laid out for a projector (issue 11), measured in the whole window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from visualizer.app import create_window
from visualizer.layout_share import visible_rect

SIZES = [(1024, 768), (1280, 720), (1920, 1080)]


@pytest.fixture(scope="module")
def window(qapp):
    app = qapp
    w = create_window(initial_tab="descent")
    w.show()
    yield w
    w.set_presentation(False, full_screen=False)
    w.close()
    w.deleteLater()
    app.processEvents()


def lay_out(window, size, presentation):
    window.set_presentation(presentation, full_screen=False)
    window.resize(*size)
    for _ in range(4):
        QApplication.processEvents()
    return window.tab("descent")


def share(window, widget):
    shown = visible_rect(widget, window)
    return shown.width() * shown.height() / (window.width() * window.height())


@pytest.mark.parametrize("size", SIZES)
def test_the_picture_takes_the_window(window, size):
    tab = lay_out(window, size, False)
    tab.load_preset("1a")
    normal = share(window, tab.main_view())
    normal_font = tab.step_status.label.font().pointSizeF()
    normal_curve = tab.curve.width() * tab.curve.height()
    assert normal >= 0.45, normal
    tab = lay_out(window, size, True)
    shown = share(window, tab.main_view())
    assert shown >= 0.60, shown
    # nothing smaller in presentation than in normal mode
    assert shown >= normal
    assert tab.curve.width() * tab.curve.height() >= normal_curve
    assert tab.step_status.label.font().pointSizeF() >= normal_font
    # the compact bar keeps the preset and lr at hand while the panel is away
    assert tab.compact.isVisible() and tab.compact.lr_field.isVisible()
    assert not tab.settings_panel.isVisible()
    lay_out(window, size, False)
    assert not tab.compact.isVisible() and tab.settings_panel.isVisible()


@pytest.mark.parametrize("presentation", [False, True])
def test_minimum_size_fits_a_small_projector(window, presentation):
    tab = lay_out(window, (1024, 768), presentation)
    hint = tab.minimumSizeHint()
    assert hint.width() <= 1000 and hint.height() <= 680, hint
    assert window.minimumSizeHint().width() <= 1024


@pytest.mark.parametrize("preset", ["1a", "1b", "1c", "1c momentum", "lr too large"])
@pytest.mark.parametrize("presentation", [False, True])
def test_numbers_visible_and_nothing_overlaps(window, preset, presentation):
    tab = lay_out(window, (1024, 768), presentation)
    tab.load_preset(preset)
    tab.set_frame(min(3, tab.trajectory().steps))
    QApplication.processEvents()
    labels = tab.curve.trail.visible_numbers()
    assert labels, "no iterate numbers shown"
    rects = [rect for _, rect in labels]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.intersects(b), (labels, preset)
    # the legend never covers the curve or the run
    legend = tab.curve.legend_rect()
    vb = tab.curve.view_box
    for x, y in zip(*tab.curve.trail.points(), strict=True):
        at = vb.mapFromView(vb.mapViewToScene(vb.mapSceneToView(vb.mapViewToScene(
            QRectF(x, y, 0, 0).topLeft()))))  # fmt: skip
        assert not legend.contains(at), (preset, x, y)
    # the worked step is on screen, unclipped by a scroll bar
    worked = tab.worked.shown_text()
    assert "x" in worked
    assert not tab.worked.text_view.verticalScrollBar().isVisible()


def test_side_panel_collapses_and_comes_back(window):
    tab = lay_out(window, (1280, 720), False)
    before = share(window, tab.main_view())
    tab.toggle_side_panel()
    QApplication.processEvents()
    assert not tab.settings_panel.isVisible() and tab.compact.isVisible()
    assert share(window, tab.main_view()) > before
    tab.toggle_side_panel()
    QApplication.processEvents()
    assert tab.settings_panel.isVisible()
