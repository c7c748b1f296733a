"""Where the grids go: one common cell size for every grid, as large as the space allows.

Plain Python (no Qt). The grids view lists its grids as *blocks* (a block is a column of
grids stacked one above the other, e.g. the kernel over its flipped copy) in reading order,
and :func:`arrange` finds the largest cell size at which the blocks fit the given width and
height, wrapping onto a new row of blocks when a row is full. Every grid then shows the same
cell size, so a 3x3 kernel and a 10x10 input read at the same scale, and the picture grows
as a whole with the window. When even the smallest readable cell does not fit, the result is
laid out at that size and is larger than the space (the view scrolls it): numbers are never
dropped to make grids fit.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Pixels between blocks in a row and between rows of blocks.
GAP = 10
#: Grids up to this many rows and columns get row and column numbers (as grid_paint).
MAX_LABELLED = 16


@dataclass(frozen=True)
class GridBox:
    """What one grid needs besides its cells: its size and the lines of text around it."""

    rows: int
    cols: int
    caption_lines: int = 0  # lines under the grid (a caption, a refusal)
    min_width: float = 0.0  # room its title needs to fit on two lines
    title_lines: int = 2  # a short title takes one line

    @property
    def labels(self) -> bool:
        return max(self.rows, self.cols) <= MAX_LABELLED


@dataclass(frozen=True)
class Metrics:
    """Text sizes in pixels: the grid font's line height and the title's height."""

    line: float
    title: float  # room for the title (two lines of the bold font and a half-line gap)
    title_line: float = 0.0  # one line of the title font (0: half of ``title``)

    def box_size(self, box: GridBox, cell: float) -> tuple[float, float]:
        """Width and height of a grid widget showing ``box`` with cells of ``cell`` pixels.

        The same margins as ``grid_paint.grid_rect``: row labels on the left, column labels
        above, the caption lines below.
        """
        left = self.line * 1.6 if box.labels else 6.0
        head = self.line * 1.1 if box.labels else 0.0
        bottom = self.line * 1.4 * box.caption_lines + 6.0
        width = max(left + box.cols * cell + 6.0, box.min_width)
        title = self.title
        if box.title_lines == 1:
            title -= self.title_line or self.title / 2
        return width, title + head + box.rows * cell + bottom


Block = tuple[GridBox, ...]
Rect = tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True)
class Arrangement:
    """The result: the common cell size, each block's grids' rectangles and the total size."""

    cell: float
    rects: tuple[tuple[Rect, ...], ...]  # per block, per grid
    width: int
    height: int
    rows_of_blocks: tuple[tuple[int, ...], ...]  # which blocks share each row


def _block_size(block: Block, cell: float, metrics: Metrics) -> tuple[float, float]:
    sizes = [metrics.box_size(box, cell) for box in block]
    return max(w for w, _ in sizes), sum(h for _, h in sizes)


def _wrap(
    blocks: list[Block], cell: float, metrics: Metrics, width: float, breaks: frozenset[int]
) -> tuple[list[list[int]], float, float]:
    """Greedy rows of blocks at this cell size: (rows, widest row, total height)."""
    rows: list[list[int]] = []
    row_width = 0.0
    for index, block in enumerate(blocks):
        w, _ = _block_size(block, cell, metrics)
        if rows and index not in breaks and row_width + GAP + w <= width:
            rows[-1].append(index)
            row_width += GAP + w
        else:
            rows.append([index])
            row_width = w
    widest = 0.0
    height = 0.0
    for row in rows:
        sizes = [_block_size(blocks[i], cell, metrics) for i in row]
        widest = max(widest, sum(w for w, _ in sizes) + GAP * (len(row) - 1))
        height += max(h for _, h in sizes)
    height += GAP * (len(rows) - 1)
    return rows, widest, height


def arrange(
    blocks: list[Block],
    width: float,
    height: float,
    metrics: Metrics,
    *,
    max_cell: float,
    min_cell: float,
    breaks: frozenset[int] = frozenset(),
) -> Arrangement:
    """The largest common cell size (between ``min_cell`` and ``max_cell``) that fits.

    ``breaks`` are indices of blocks that always start a new row (e.g. the backward pass
    under the forward pass). Rows are centred; spare height is shared between the rows.
    """
    if not blocks:
        return Arrangement(0.0, (), int(width), int(height), ())
    min_cell = max(1.0, min(min_cell, max_cell))

    def fits(cell: float) -> bool:
        _, widest, tall = _wrap(blocks, cell, metrics, width, breaks)
        return widest <= width and tall <= height

    if fits(max_cell):
        cell = max_cell
    elif not fits(min_cell):
        cell = min_cell  # laid out larger than the space: the view scrolls
    else:
        low, high = min_cell, max_cell
        for _ in range(24):
            mid = (low + high) / 2
            low, high = (mid, high) if fits(mid) else (low, mid)
        cell = float(int(low))
        if not fits(cell):
            cell = low
    rows, widest, tall = _wrap(blocks, cell, metrics, width, breaks)
    total_w = max(width, widest)
    total_h = max(height, tall)
    spare = (total_h - tall) / (len(rows) + 1)
    rects: list[tuple[Rect, ...]] = [() for _ in blocks]
    y = spare
    for row in rows:
        sizes = [_block_size(blocks[i], cell, metrics) for i in row]
        row_w = sum(w for w, _ in sizes) + GAP * (len(row) - 1)
        x = (total_w - row_w) / 2
        for index, (block_w, _) in zip(row, sizes, strict=True):
            grid_y = y
            block_rects = []
            for box in blocks[index]:
                _, h = metrics.box_size(box, cell)
                left, top = round(x), round(grid_y)
                block_rects.append((left, top, round(x + block_w) - left, round(grid_y + h) - top))
                grid_y += h
            rects[index] = tuple(block_rects)
            x += block_w + GAP
        y += max(h for _, h in sizes) + GAP + spare
    return Arrangement(cell, tuple(rects), round(total_w), round(total_h), tuple(map(tuple, rows)))
