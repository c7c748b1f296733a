"""The Convolution tab on a projector: the grids get the screen, nothing overlaps, numbers show.

Measured on the whole window (``create_window()``) at the sizes lecture halls have, in normal
and presentation mode, through ``main_view()`` and the grids' read methods.
"""

from __future__ import annotations

import numpy as np
import pytest

from visualizer.app import create_window
from visualizer.layout_share import picture_share, visible_rect
from visualizer.tabs.conv.grid_layout import GridBox, Metrics, arrange

SIZES = [(1024, 768), (1280, 720), (1920, 1080)]


@pytest.fixture
def window(qtbot):
    win = create_window(initial_tab="conv")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.set_presentation(False, full_screen=False)


def settle(qtbot, window, size, presentation=False):
    window.set_presentation(presentation, full_screen=False)
    window.resize(*size)
    for _ in range(4):
        qtbot.wait(10)
    assert (window.width(), window.height()) == size


# ----- the layout engine alone (no Qt) ----------------------------------------------------------
def _overlap(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


@pytest.mark.parametrize(("width", "height"), [(300, 200), (640, 480), (1200, 500), (500, 1200)])
def test_arrange_fits_without_overlaps_and_uses_one_cell_size(width, height):
    metrics = Metrics(line=18, title=45)
    blocks = [
        (GridBox(6, 6),),
        (GridBox(3, 3), GridBox(3, 3)),
        (GridBox(4, 4, caption_lines=1),),
        (GridBox(2, 2, caption_lines=1),),
    ]
    result = arrange(blocks, width, height, metrics, max_cell=80, min_cell=20)
    rects = [r for block in result.rects for r in block]
    assert len(rects) == 5
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not _overlap(a, b)
    for x, y, w, h in rects:
        assert x >= 0 and y >= 0
        assert x + w <= result.width + 1 and y + h <= result.height + 1
    assert 20 <= result.cell <= 80
    if result.cell > 20:  # it fits: nothing scrolls
        assert (result.width, result.height) == (width, height)
    # the largest cell: one pixel more no longer fits
    if 20 < result.cell < 80:
        bigger = arrange(blocks, width, height, metrics, max_cell=80, min_cell=result.cell + 1)
        assert bigger.width > width or bigger.height > height


def test_arrange_breaks_start_a_new_row():
    metrics = Metrics(line=18, title=45)
    blocks = [(GridBox(3, 3),), (GridBox(3, 3),), (GridBox(3, 3),)]
    result = arrange(blocks, 2000, 2000, metrics, max_cell=40, min_cell=10, breaks=frozenset({2}))
    assert result.rows_of_blocks == ((0, 1), (2,))


def test_too_small_a_space_scrolls_rather_than_shrinking_below_readable():
    metrics = Metrics(line=18, title=45)
    result = arrange([(GridBox(10, 10),)], 200, 150, metrics, max_cell=80, min_cell=30)
    assert result.cell == 30
    assert result.width >= 10 * 30 and result.height > 150


# ----- the whole window -------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_grids_take_the_window(qtbot, window, size):
    settle(qtbot, window, size)
    normal = picture_share(window)
    tab = window.current_tab()
    normal_cell = tab.grids.cell_size()
    settle(qtbot, window, size, presentation=True)
    shown = picture_share(window)
    assert normal >= 0.45, f"normal {normal:.1%} at {size}"
    assert shown >= 0.60, f"presentation {shown:.1%} at {size}"
    # nothing is smaller in presentation than in normal mode
    assert tab.grids.cell_size() >= normal_cell
    assert tab.panel.isHidden()  # the side panel collapsed


@pytest.mark.parametrize("presentation", [False, True])
@pytest.mark.parametrize("size", SIZES)
def test_grids_and_their_texts_never_overlap(qtbot, window, size, presentation):
    settle(qtbot, window, size, presentation)
    tab = window.current_tab()
    for preset in ("Exercise 4a: cross-correlation, padding 1", tab.presets()[3]):
        tab.load_preset(preset)
        qtbot.wait(10)
        rects = list(tab.grids.grid_rects().values())
        assert len(rects) >= 4
        for i, a in enumerate(rects):
            for b in rects[i + 1 :]:
                assert not a.intersects(b)
        for grid in tab.grids.all_grids():
            if grid.isHidden():
                continue
            parts = grid.part_rects()
            assert not parts["title"].intersects(parts["cells"])
            if "caption" in parts:  # a caption never covers the cells
                assert parts["caption"].top() >= parts["cells"].bottom()


@pytest.mark.parametrize("presentation", [False, True])
def test_an_8x8_grid_shows_its_numbers_at_1024x768(qtbot, window, presentation):
    settle(qtbot, window, (1024, 768), presentation)
    tab = window.current_tab()
    model = tab.model
    values = np.arange(64, dtype=float).reshape(8, 8) - 12.5
    model.change(input=values)
    qtbot.wait(20)
    for grid in (tab.grids.input_grid, tab.grids.output_grid, tab.grids.kernel_grid):
        font = grid.number_font()
        assert font is not None, grid.title()
        assert font.pointSizeF() >= 7
    # the grids scroll or fit: every cell of the input can be brought into view
    view = tab.main_view()
    assert not visible_rect(view, window).isEmpty()
    canvas = tab.grids.canvas
    assert canvas.width() >= tab.grids.input_grid.geometry().right()
    bar = tab.grids.verticalScrollBar()
    assert bar.maximum() >= canvas.height() - tab.grids.viewport().height() - 1


@pytest.mark.parametrize("presentation", [False, True])
def test_the_window_can_shrink_to_1024x768(qtbot, window, presentation):
    settle(qtbot, window, (1024, 768), presentation)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1000 and hint.height() <= 768
    assert window.current_tab().minimumSizeHint().width() <= 1000
