"""Encoder-decoder networks drawn as a U: the encoder goes down, the decoder comes back up, and the
skip connections cross at the level of the spatial size they carry.

A network is a U when its longest path (the spine) holds every box, the spatial size along it
shrinks to a bottleneck and grows again, and at least one edge joins the two sides (a skip).  The
*level* of a box is how many halvings its spatial size is below the largest one:
``round(log2(largest / size))``; sizes are read from the output shapes (channels last for Keras,
channels first for PyTorch and Lasagne).

Vertical: the encoder runs down the left column and the decoder up the right one, one band per
level, each band labelled with its size; a skip joins the two columns across its band, straight
where the rows allow.  Horizontal: the staircase of the U-Net paper, one row per level, the flow
from left to right, the skips as arches above their row.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ...engine.summary import Shape
from .geometry import MARGIN, Band, Box, Layout, Point, Route, make_box
from .graph import Graph
from .text import text_width

ROW_GAP = 16.0  # between two rows of boxes in a column
BAND_GAP = 22.0  # between two bands (room for the band's label)
COLUMN_GAP = 56.0  # between the encoder and decoder columns
LANE = 9.0  # between two edges running side by side
STEP_GAP = 24.0  # horizontal: between two boxes along the flow
ARCH = 22.0  # horizontal: room above a row for the skip arches


@dataclass
class UPlan:
    """A network recognised as a U."""

    spine: list[str]  # every box, in flow order
    levels: list[int]
    bottom: tuple[int, int]  # first and last spine index at the deepest level
    labels: dict[int, str]  # level -> spatial size (``128×128``)


def spatial(shape: Shape | list[Shape], framework: str) -> tuple[int, ...] | None:
    """The spatial sizes of an output shape (batch and channels left out), or None if unknown."""
    if isinstance(shape, list) or len(shape) < 3:
        return None
    sizes = shape[1:-1] if framework == "keras" else shape[2:]
    if not sizes or any(not isinstance(d, int) or d <= 0 for d in sizes):
        return None
    return tuple(sizes)


def find_u(graph: Graph) -> UPlan | None:
    """The U of an encoder-decoder network, or None when the network is not one."""
    nodes = graph.nodes
    if len(nodes) < 5:
        return None
    spine = _longest_path(graph)
    if len(spine) != len(nodes):
        return None
    sizes = [spatial(graph.by_key[k].shape, graph.framework) for k in spine]
    if any(s is None or len(s) != len(sizes[0]) for s in sizes):
        return None
    mean = [math.prod(s) ** (1 / len(s)) for s in sizes]  # type: ignore[arg-type]
    top = max(mean)
    levels = [max(0, round(math.log2(top / m))) for m in mean]
    deepest = max(levels)
    first, last = levels.index(deepest), len(levels) - 1 - levels[::-1].index(deepest)
    down, up = levels[:first + 1], levels[last:]
    if (deepest < 1 or last == len(levels) - 1 or levels[-1] >= deepest
            or any(a > b for a, b in itertools.pairwise(down))
            or any(a < b for a, b in itertools.pairwise(up))
            or any(lv != deepest for lv in levels[first:last + 1])):
        return None
    index = {k: i for i, k in enumerate(spine)}
    if not any(index[e.src] < first and index[e.dst] > last for e in graph.edges):
        return None
    labels: dict[int, str] = {}
    for k, lv in zip(spine, levels, strict=True):
        labels.setdefault(lv, "×".join(map(str, spatial(graph.by_key[k].shape, graph.framework) or ())))
    return UPlan(spine, levels, (first, last), labels)


def _longest_path(graph: Graph) -> list[str]:
    """The longest path through the graph (in boxes), ties going to the path written first."""
    best: dict[str, tuple[int, str | None]] = {}
    for node in graph.nodes:  # topological order
        preds = graph.preds[node.key]
        length, via = max(((best[p][0] + 1, p) for p in preds), key=lambda t: (t[0], -graph.by_key[t[1]].order),
                          default=(1, None))
        best[node.key] = (length, via)
    end = max(graph.nodes, key=lambda n: (best[n.key][0], -n.order)).key
    path = [end]
    while best[path[-1]][1] is not None:
        path.append(best[path[-1]][1])  # type: ignore[arg-type]
    return path[::-1]


def u_layout(graph: Graph, plan: UPlan, direction: str = "vertical", *, compact: bool = False) -> Layout:
    """The U of ``plan``, down and up (vertical) or as a staircase (horizontal); ``compact`` puts each
    piece of a label on a line of its own (narrow columns, for phones)."""
    if direction == "horizontal":
        return _staircase(graph, plan)
    return _columns(graph, plan, compact)


# vertical: two columns -------------------------------------------------------------------------
def _columns(graph: Graph, plan: UPlan, compact: bool = False) -> Layout:
    first, last = plan.bottom
    middle = plan.spine[first:last + 1]
    cut = first + (len(middle) + 1) // 2
    left_keys, right_keys = plan.spine[:cut], plan.spine[cut:]
    level = dict(zip(plan.spine, plan.levels, strict=True))
    boxes = {k: make_box(graph.by_key[k], stacked=compact) for k in plan.spine}
    left_w = max(boxes[k].w for k in left_keys)
    right_w = max(boxes[k].w for k in right_keys)
    for k in left_keys:
        boxes[k].w = left_w
    for k in right_keys:
        boxes[k].w = right_w
    tallest = max(b.h for b in boxes.values())
    for b in boxes.values():  # one height for all, so that a skip runs straight across its row
        b.h = tallest
    pitch = tallest + ROW_GAP
    side = {k: "left" for k in left_keys} | {k: "right" for k in right_keys}
    spine_pos = {k: i for i, k in enumerate(plan.spine)}
    skips = [e for e in graph.edges if spine_pos[e.dst] - spine_pos[e.src] != 1]

    # rows of each band, counted from the band's bottom
    height: dict[str, int] = {}
    bands_rows: list[int] = []
    deepest = max(plan.levels)
    for lv in range(deepest + 1):
        lk = [k for k in left_keys if level[k] == lv]
        rk = [k for k in right_keys if level[k] == lv]
        crossing = [e for e in skips if e.src in lk and e.dst in rk]
        if lv == deepest:
            for i, k in enumerate(lk):
                height[k] = len(lk) - 1 - i
            for j, k in enumerate(rk):
                height[k] = j
        elif crossing:
            e = min(crossing, key=lambda e: (rk.index(e.dst), lk.index(e.src)))
            i0, j0 = lk.index(e.src), rk.index(e.dst)
            lift = max(0, len(lk) - 1 - (i0 + j0))
            for i, k in enumerate(lk):
                height[k] = j0 + i0 - i + lift
            for j, k in enumerate(rk):
                height[k] = j + lift
        else:
            rows = max(len(lk), len(rk))
            for i, k in enumerate(lk):
                height[k] = rows - 1 - i
            for j, k in enumerate(rk):
                height[k] = j
        bands_rows.append(max((height[k] for k in lk + rk), default=-1) + 1)

    lanes_mid = _lanes([e for e in skips if side[e.src] != side[e.dst]], height, level, bands_rows)
    lanes_left = _lanes([e for e in skips if side[e.src] == side[e.dst] == "left"], height, level, bands_rows)
    lanes_right = _lanes([e for e in skips if side[e.src] == side[e.dst] == "right"], height, level, bands_rows)
    outer_left = (max(lanes_left.values()) + 1) * LANE + 6 if lanes_left else 0.0
    outer_right = (max(lanes_right.values()) + 1) * LANE + 6 if lanes_right else 0.0
    gap = max(COLUMN_GAP, (max(lanes_mid.values(), default=-1) + 2) * LANE + 24)
    left_x = MARGIN + outer_left
    right_x = left_x + left_w + gap
    width = right_x + right_w + outer_right + MARGIN

    band_top: list[float] = []
    y = MARGIN
    for rows in bands_rows:
        band_top.append(y)
        y += BAND_GAP + rows * pitch
    total_h = y - ROW_GAP + MARGIN
    for k in plan.spine:
        lv = level[k]
        b = boxes[k]
        b.x = left_x if side[k] == "left" else right_x
        b.y = band_top[lv] + BAND_GAP + (bands_rows[lv] - 1 - height[k]) * pitch
    bands = [Band(0.0, band_top[lv], width, BAND_GAP + bands_rows[lv] * pitch - ROW_GAP / 2,
                  plan.labels.get(lv, ""), lv, (left_x, band_top[lv] + BAND_GAP - 7)) for lv in range(deepest + 1)]

    routes: list[Route] = []
    for e in graph.edges:
        a, b = boxes[e.src], boxes[e.dst]
        if spine_pos[e.dst] - spine_pos[e.src] == 1 and side[e.src] == side[e.dst]:
            if side[e.src] == "left":
                pts = [(a.cx, a.y + a.h), (b.cx, b.y)]
            else:
                pts = [(a.cx, a.y), (b.cx, b.y + b.h)]
            routes.append(Route(e, pts, "flow", curved=False))
        elif spine_pos[e.dst] - spine_pos[e.src] == 1:  # the bottom of the U
            if abs(a.cy - b.cy) < 0.5:
                pts = [(a.x + a.w, a.cy), (b.x, b.cy)]
            else:
                pts = [(a.x + a.w, a.cy), (b.cx, a.cy), (b.cx, b.y + b.h)]
            routes.append(Route(e, pts, "flow", curved=False))
        elif side[e.src] != side[e.dst]:
            lane_x = left_x + left_w + gap / 2 + (lanes_mid[e] - (max(lanes_mid.values()) / 2)) * LANE
            routes.append(Route(e, _across(a, b, lane_x), "skip", curved=False))
        elif side[e.src] == "left":
            lane_x = left_x - 6 - lanes_left[e] * LANE
            routes.append(Route(e, [(a.x, a.cy), (lane_x, a.cy), (lane_x, b.cy), (b.x, b.cy)], "skip", curved=False))
        else:
            lane_x = right_x + right_w + 6 + lanes_right[e] * LANE
            routes.append(Route(e, [(a.x + a.w, a.cy), (lane_x, a.cy), (lane_x, b.cy), (b.x + b.w, b.cy)],
                                "skip", curved=False))
    _spread_ports(routes, boxes)
    return Layout("u", "vertical", width, total_h, [boxes[k] for k in plan.spine], routes, bands)


def _across(a: Box, b: Box, lane_x: float) -> list[Point]:
    """From the right side of ``a`` (left column) to the left side of ``b`` (right column)."""
    if abs(a.cy - b.cy) < 0.5:
        return [(a.x + a.w, a.cy), (b.x, b.cy)]
    return [(a.x + a.w, a.cy), (lane_x, a.cy), (lane_x, b.cy), (b.x, b.cy)]


def _lanes(edges: list, height: dict[str, int], level: dict[str, int], bands_rows: list[int]) -> dict:
    """A lane per edge so that edges whose vertical stretches overlap do not share one (greedy)."""
    def row(k: str) -> int:  # global row from the top
        return sum(bands_rows[:level[k]]) + bands_rows[level[k]] - 1 - height[k]

    spans = sorted(((min(row(e.src), row(e.dst)), max(row(e.src), row(e.dst)), i) for i, e in enumerate(edges)))
    busy: list[int] = []  # per lane: the last row it is used to
    out = {}
    for lo, hi, i in spans:
        lane = next((n for n, end in enumerate(busy) if end < lo), None)
        if lane is None:
            lane = len(busy)
            busy.append(hi)
        else:
            busy[lane] = hi
        out[edges[i]] = lane
    return out


def _spread_ports(routes: list[Route], boxes: dict[str, Box]) -> None:
    """Edges that meet the same side of a box are spread along that side instead of sharing a point."""
    groups: dict[tuple[str, str], list[tuple[Route, int]]] = {}
    for route in routes:
        for end, key in ((0, route.edge.src), (-1, route.edge.dst)):
            groups.setdefault((key, _side(boxes[key], route.points[end])), []).append((route, end))
    for (key, where), members in groups.items():
        if len(members) < 2:
            continue
        box = boxes[key]
        horizontal_side = where in ("top", "bottom")
        members.sort(key=lambda m: (m[0].points[1 if m[1] == 0 else -2][0 if horizontal_side else 1],
                                    m[0].edge.src, m[0].edge.dst))
        room = (box.w if horizontal_side else box.h) - 12
        step = min(12.0, room / len(members))
        for i, (route, end) in enumerate(members):
            shift = (i - (len(members) - 1) / 2) * step
            _shift_end(route, end, shift, horizontal_side)


def _side(box: Box, p: Point) -> str:
    x, y = p
    if abs(y - box.y) < 0.5:
        return "top"
    if abs(y - (box.y + box.h)) < 0.5:
        return "bottom"
    return "left" if abs(x - box.x) < 0.5 else "right"


def _shift_end(route: Route, end: int, shift: float, along_x: bool) -> None:
    """Move one end of an orthogonal route along its box's side, keeping the first segment straight."""
    pts = route.points
    i, j = (0, 1) if end == 0 else (-1, -2)
    if along_x:
        if len(pts) == 2 and abs(pts[i][0] - pts[j][0]) < 0.5:  # a straight vertical edge: make room for a dogleg
            mid = (pts[0][1] + pts[1][1]) / 2
            pts[1:1] = [(pts[0][0], mid), (pts[1][0], mid)]
            i, j = (0, 1) if end == 0 else (-1, -2)
        pts[i] = (pts[i][0] + shift, pts[i][1])
        pts[j] = (pts[j][0] + shift, pts[j][1])
    else:
        if len(pts) == 2 and abs(pts[i][1] - pts[j][1]) < 0.5:
            mid = (pts[0][0] + pts[1][0]) / 2
            pts[1:1] = [(mid, pts[0][1]), (mid, pts[1][1])]
            i, j = (0, 1) if end == 0 else (-1, -2)
        pts[i] = (pts[i][0], pts[i][1] + shift)
        pts[j] = (pts[j][0], pts[j][1] + shift)


# horizontal: the staircase ---------------------------------------------------------------------
def _staircase(graph: Graph, plan: UPlan) -> Layout:
    boxes = {k: make_box(graph.by_key[k], stacked=True) for k in plan.spine}
    level = dict(zip(plan.spine, plan.levels, strict=True))
    spine_pos = {k: i for i, k in enumerate(plan.spine)}
    skips = [e for e in graph.edges if spine_pos[e.dst] - spine_pos[e.src] != 1]
    deepest = max(plan.levels)
    # arches of one row nest: an arch spanning another goes above it
    arch_lane: dict = {}
    for lv in range(deepest + 1):
        row_skips = sorted((e for e in skips if min(level[e.src], level[e.dst]) == lv),
                           key=lambda e: spine_pos[e.dst] - spine_pos[e.src])
        for e in row_skips:
            inside = [arch_lane[f] for f in row_skips if f in arch_lane
                      and spine_pos[e.src] <= spine_pos[f.src] and spine_pos[f.dst] <= spine_pos[e.dst]]
            arch_lane[e] = max(inside, default=-1) + 1
    lanes_per_row = [max((arch_lane[e] + 1 for e in skips if min(level[e.src], level[e.dst]) == lv), default=0)
                     for lv in range(deepest + 1)]
    row_h = max(b.h for b in boxes.values())
    label_w = max((text_width(t, size=11) for t in plan.labels.values()), default=0.0) + 12
    row_top, y = [], MARGIN
    for lv in range(deepest + 1):
        y += (ARCH + LANE * max(lanes_per_row[lv] - 1, 0)) if lanes_per_row[lv] else 10.0
        row_top.append(y)
        y += row_h + 12
    x = MARGIN + label_w
    for k in plan.spine:
        b = boxes[k]
        b.x, b.y = x, row_top[level[k]] + (row_h - b.h) / 2
        x += b.w + STEP_GAP
    width = x - STEP_GAP + MARGIN
    height = y - 12 + MARGIN
    routes = []
    for e in graph.edges:
        a, b = boxes[e.src], boxes[e.dst]
        if e not in arch_lane:
            if abs(a.cy - b.cy) < 0.5:
                pts = [(a.x + a.w, a.cy), (b.x, b.cy)]
            else:
                mid = (a.x + a.w + b.x) / 2
                pts = [(a.x + a.w, a.cy), (mid, a.cy), (mid, b.cy), (b.x, b.cy)]
            routes.append(Route(e, pts, "flow", curved=False))
        else:
            top = row_top[min(level[e.src], level[e.dst])] - 10 - arch_lane[e] * LANE
            pts = [(a.x + a.w * 0.75, a.y), (a.x + a.w * 0.75, top), (b.x + b.w * 0.25, top), (b.x + b.w * 0.25, b.y)]
            routes.append(Route(e, pts, "skip", curved=False))
    _spread_ports(routes, boxes)
    bands = [Band(0.0, row_top[lv] - 6, width, row_h + 12, plan.labels.get(lv, ""), lv,
                  (MARGIN, row_top[lv] + row_h / 2 + 4)) for lv in range(deepest + 1)]
    return Layout("u", "horizontal", width, height, [boxes[k] for k in plan.spine], routes, bands)
