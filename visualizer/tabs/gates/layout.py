"""Where the network drawing puts its nodes and labels, in pixels, so nothing overlaps (no Qt).

The drawing is laid out in the pixels it gets (x to the right, y down): one column per layer,
nodes spread down each column, each neuron's info label (its b and z) above it, the weight
labels along their edges at the first spot that touches no node and no other label, and the
hint line in a free corner. When a column is too crowded for labels above its nodes, they go
beside them; when a weight label finds no free spot it still gets the least-crowded one, and
:func:`overlaps` reports it (the tests assert there are none at the sizes the app supports).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Room kept free around the drawing, and between a label and what it must not touch.
MARGIN = 8.0
GAP = 4.0
#: Where along an edge (0 = its source, 1 = its target) a weight label may sit, best first.
EDGE_SPOTS: tuple[float, ...] = (
    0.3, 0.42, 0.55, 0.22, 0.66, 0.76, 0.15, 0.85, 0.36, 0.48, 0.61, 0.26, 0.71, 0.18, 0.8, 0.12,
)  # fmt: skip


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box in pixels: top-left corner (x, y), width w, height h."""

    x: float
    y: float
    w: float
    h: float

    @classmethod
    def centred(cls, cx: float, cy: float, w: float, h: float) -> Rect:
        return cls(cx - w / 2, cy - h / 2, w, h)

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def inflated(self, d: float) -> Rect:
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def overlap_area(self, other: Rect) -> float:
        dx = min(self.right, other.right) - max(self.x, other.x)
        dy = min(self.bottom, other.bottom) - max(self.y, other.y)
        return dx * dy if dx > 0 and dy > 0 else 0.0

    def overlaps(self, other: Rect) -> bool:
        return self.overlap_area(other) > 0.0

    def inside(self, width: float, height: float) -> bool:
        return self.x >= 0 and self.y >= 0 and self.right <= width and self.bottom <= height


@dataclass(frozen=True)
class NetworkLayout:
    """Everything the drawing places: node centres and size, and the label boxes."""

    centres: np.ndarray  # (n_nodes, 2) pixels
    node_px: float
    info: tuple[Rect | None, ...]  # per node (None: no info label)
    edge_labels: tuple[Rect | None, ...]  # per edge (None: the edge has no label)
    caption: Rect | None  # None: no room for the hint, so it is not shown

    def node_rects(self) -> list[Rect]:
        return [Rect.centred(x, y, self.node_px, self.node_px) for x, y in self.centres]

    def label_rects(self) -> list[Rect]:
        """Every label box shown: info labels, weight labels, the hint."""
        boxes = [*self.info, *self.edge_labels, self.caption]
        return [box for box in boxes if box is not None]


Size = tuple[float, float]


def layout_network(
    layer_sizes: Sequence[int],
    width: float,
    height: float,
    *,
    node_max: float,
    node_min: float,
    info_sizes: Sequence[Size | None],
    edges: Sequence[tuple[int, int]],
    edge_label_sizes: Sequence[Size | None],
    caption_size: Size | None = None,
) -> NetworkLayout:
    """Place a layered network in a ``width`` x ``height`` pixel box.

    ``info_sizes`` has one entry per node (inputs first), ``edge_label_sizes`` one per edge
    (None: no label). Tries the largest nodes first (up to ``node_max``), info labels above
    the nodes and then beside them, smaller nodes after that (down to ``node_min``), and
    keeps the first layout in which nothing overlaps (or, in a box too small for that, the
    least crowded one).
    """
    sizes = [int(n) for n in layer_sizes]
    if len(info_sizes) != sum(sizes) or len(edge_label_sizes) != len(edges):
        raise ValueError("Give one info size per node and one label size per edge.")
    width, height = max(float(width), 1.0), max(float(height), 1.0)
    best: tuple[float, NetworkLayout] | None = None
    limits = np.linspace(float(node_max), float(node_min), 5) if node_max > node_min else [node_min]
    for limit in limits:
        for beside in (False, True):
            layout = _attempt(
                sizes, width, height, float(limit), float(node_min), beside,
                info_sizes, edges, edge_label_sizes, caption_size,
            )  # fmt: skip
            crowd = _crowding(layout, width, height)
            if crowd == 0.0:
                return layout
            if best is None or crowd < best[0]:
                best = (crowd, layout)
    assert best is not None
    return best[1]


def _crowding(layout: NetworkLayout, width: float, height: float) -> float:
    """Total overlapping area of the layout's boxes, plus the area of any box outside."""
    boxes = layout.node_rects() + layout.label_rects()
    crowd = sum(boxes[i].overlap_area(boxes[j]) for i, j in overlaps(boxes))
    return crowd + sum(b.w * b.h for b in boxes if not b.inside(width, height))


def _attempt(
    sizes: list[int],
    width: float,
    height: float,
    node_limit: float,
    node_min: float,
    beside: bool,
    info_sizes: Sequence[Size | None],
    edges: Sequence[tuple[int, int]],
    edge_label_sizes: Sequence[Size | None],
    caption_size: Size | None,
) -> NetworkLayout:
    starts = np.cumsum([0, *sizes])
    columns = [list(range(starts[c], starts[c + 1])) for c in range(len(sizes))]

    def info_h(column: list[int]) -> float:
        return max((info_sizes[k][1] for k in column if info_sizes[k] is not None), default=0.0)

    def info_w(column: list[int]) -> float:
        return max((info_sizes[k][0] for k in column if info_sizes[k] is not None), default=0.0)

    usable = height - 2 * MARGIN
    # Largest node that fits every column with its info labels stacked above the nodes.
    node = node_limit
    above = [not beside] * len(columns)
    for c, column in enumerate(columns):
        lift = info_h(column) + GAP if above[c] and info_h(column) else 0.0
        room = usable / len(column) - lift - GAP
        if room < node_min and above[c]:  # too crowded for labels above: beside the nodes
            above[c] = False
            room = usable / len(column) - GAP
        node = min(node, room)
    node = max(node, node_min)

    # Columns evenly across; the outer ones far enough in for their labels.
    left = MARGIN + max(node / 2, info_w(columns[0]) / 2 if above[0] else node / 2)
    last = columns[-1]
    side = max(node / 2, info_w(last) / 2) if above[-1] else info_w(last) + GAP + node / 2
    right = width - MARGIN - side
    xs = np.linspace(left, max(right, left), len(columns)) if len(columns) > 1 else [width / 2]

    centres = np.zeros((sum(sizes), 2))
    info: list[Rect | None] = [None] * sum(sizes)
    for c, column in enumerate(columns):
        lift = info_h(column) + GAP if above[c] and info_h(column) else 0.0
        slot = usable / len(column)
        for i, k in enumerate(column):
            top = MARGIN + i * slot
            cy = top + (slot - lift - node) / 2 + lift + node / 2
            centres[k] = (xs[c], cy)
            if info_sizes[k] is None:
                continue
            w, h = info_sizes[k]
            if above[c]:
                info[k] = Rect(xs[c] - w / 2, cy - node / 2 - GAP - h, w, h)
            else:
                info[k] = Rect(xs[c] + node / 2 + GAP, cy - h / 2, w, h)

    nodes = [Rect.centred(x, y, node, node).inflated(GAP / 2) for x, y in centres]
    taken: list[Rect] = [*nodes, *(box for box in info if box is not None)]
    caption = None
    if caption_size is not None:
        w, h = caption_size
        box = Rect(MARGIN, height - MARGIN - h, w, h)
        if box.inside(width, height) and not any(box.overlaps(t) for t in taken):
            caption = box
            taken.append(box)

    labels: list[Rect | None] = []
    for (source, target), size in zip(edges, edge_label_sizes, strict=True):
        if size is None:
            labels.append(None)
            continue
        p, q = centres[source], centres[target]
        best: tuple[float, Rect] | None = None
        for t in EDGE_SPOTS:
            cx, cy = p + t * (q - p)
            box = Rect.centred(float(cx), float(cy), *size)
            crowd = sum(box.inflated(GAP / 2).overlap_area(other) for other in taken)
            if not box.inside(width, height):
                crowd += size[0] * size[1]
            if best is None or crowd < best[0]:
                best = (crowd, box)
            if crowd == 0.0:
                break
        assert best is not None
        labels.append(best[1])
        taken.append(best[1])
    return NetworkLayout(centres, node, tuple(info), tuple(labels), caption)


def overlaps(boxes: Sequence[Rect]) -> list[tuple[int, int]]:
    """Every pair (i, j), i < j, of boxes that overlap."""
    return [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if boxes[i].overlaps(boxes[j])
    ]
