"""The backprop tab on a projector: the picture's share of the window, numbers, no overlaps.

Measured as the user sees it: the whole window (``create_window()``) at 1024x768, 1280x720
and 1920x1080, in normal and presentation mode, through ``main_view()`` and the strips' read
methods (``label_rects``, ``block_rects``, ``numbers_shown``, ``unit``).
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from visualizer.app import create_window
from visualizer.layout_share import picture_share

SIZES = [(1024, 768), (1280, 720), (1920, 1080)]
LESSONS = sorted(
    path
    for path in (Path(__file__).resolve().parents[1] / "resources" / "lessons").glob("*.json")
    if json.loads(path.read_text(encoding="utf-8"))["current_tab"] == "backprop"
)


@pytest.fixture(scope="module")
def window(qapp):
    # One window for the module: building one per test would double the time.
    win = create_window(initial_tab="backprop")
    win.show_tab("backprop")
    win.show()
    qapp.processEvents()
    yield win
    win.set_presentation(False, full_screen=False)
    win.close()
    win.deleteLater()
    qapp.processEvents()


def settle(window, size, presentation):
    window.set_presentation(presentation, full_screen=False)
    window.resize(*size)
    app = QApplication.instance()
    for _ in range(6):
        app.processEvents()
    return window.tab("backprop")


def share(window, tab) -> float:
    assert window.current_tab() is tab
    return picture_share(window)


def overlapping(rects):
    """Pairs of texts whose rectangles overlap (touching edges do not count)."""
    shrunk = [(text, rect.adjusted(0.5, 0.5, -0.5, -0.5)) for text, rect in rects]
    return [(a, b) for (a, ra), (b, rb) in combinations(shrunk, 2) if ra.intersects(rb)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_picture_gets_the_window_and_more_in_presentation(window, size):
    tab = settle(window, size, False)
    tab.load_preset("Exercise 3: the MLP's shapes")
    tab = settle(window, size, False)
    normal_share = share(window, tab)
    strips = (tab.forward.strip, tab.chain.strip)
    normal_units = [strip.unit() for strip in strips]
    normal_points = [strip.cell_points() for strip in strips]
    normal_area = tab.main_view().width() * tab.main_view().height()
    assert normal_share >= 0.45, normal_share
    tab = settle(window, size, True)
    assert share(window, tab) >= 0.60, share(window, tab)
    # Nothing smaller in presentation: the picture, its cells (to 2 %: at 1920x1080 the
    # chain's cells already have their largest size in normal mode) and the numbers in them.
    assert tab.main_view().width() * tab.main_view().height() >= normal_area
    for strip, unit, points in zip(strips, normal_units, normal_points, strict=True):
        assert strip.unit() >= 0.98 * unit
        assert strip.numbers_shown() and strip.cell_points() > points
    assert tab.picture_layout.is_side_collapsed()
    settle(window, size, False)
    assert not tab.picture_layout.is_side_collapsed()


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_label_overlaps_another_or_a_block(window, size, presentation):
    tab = settle(window, size, presentation)
    for preset in ("Exercise 3: the MLP's shapes", "Large: N = M = K = 32"):
        tab.load_preset(preset)
        tab = settle(window, size, presentation)
        for strip in (tab.forward.strip, tab.chain.strip):
            labels = strip.label_rects()
            assert labels and not overlapping(labels), (preset, overlapping(labels))
            blocks = list(strip.block_rects().items())
            assert not overlapping(blocks)
            hits = [
                (text, key)
                for text, rect in labels
                for key, grid in blocks
                if rect.adjusted(0.5, 0.5, -0.5, -0.5).intersects(grid)
            ]
            assert not hits, (preset, hits)
            # Everything lies inside the strip (nothing cut off at an edge).
            inside = strip.rect().toRectF().adjusted(-0.5, -0.5, 0.5, 0.5)
            assert all(inside.contains(rect) for _, rect in labels + blocks)


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_numbers_of_the_shipped_exercises_are_written_at_1024x768(window, path, presentation):
    lesson_tabs = json.loads(path.read_text(encoding="utf-8"))["tabs"]
    window.models["backprop"].restore_state(lesson_tabs["backprop"])
    tab = settle(window, (1024, 768), presentation)
    for strip in (tab.forward.strip, tab.chain.strip, tab.pages.params_strip):
        assert strip.numbers_required()
        assert strip.numbers_shown(), (strip, strip.unit())
        assert strip.unit() >= strip.legible_unit() - 0.01


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
def test_an_8x8_network_keeps_its_numbers_and_scrolls(window, presentation):
    tab = settle(window, (1024, 768), presentation)
    tab.model.set_sizes(8, 8, 8)
    tab = settle(window, (1024, 768), presentation)
    for strip in (tab.forward.strip, tab.chain.strip):
        assert strip.numbers_shown() and strip.unit() >= strip.legible_unit() - 0.01
    # The strips are taller than the picture: it scrolls rather than dropping numbers.
    scroll = tab.picture.verticalScrollBar()
    assert scroll.maximum() > 0
    # Stepping the chain brings it into view.
    tab.model.set_frame(0)
    tab.model.set_frame(2)
    for _ in range(3):
        QApplication.instance().processEvents()
    top = tab.chain.strip.mapTo(tab.picture.widget(), tab.chain.strip.rect().topLeft()).y()
    assert scroll.value() <= top <= scroll.value() + tab.picture.viewport().height()
    tab.load_preset("Exercise 3: the MLP's shapes")


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
def test_the_window_fits_1024x768(window, presentation):
    tab = settle(window, (1024, 768), presentation)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768, hint
    assert tab.minimumSizeHint().width() <= 1000
    # Presentation keeps the preset and the sizes; seed and letters collapse.
    assert tab.controls.preset_combo.isVisible() and tab.controls.n_spin.isVisible()
    assert tab.controls.seed_field.isVisible() is not presentation
    assert tab.chain.play_controls.isVisible()
