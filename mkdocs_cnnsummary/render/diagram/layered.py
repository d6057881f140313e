"""Layer-by-layer layout of any network (Sugiyama's method, bounded).

1. Ranks: the longest path from the inputs (an input used late is placed just before its first user).
2. An edge that spans several ranks gets a waypoint in each rank it crosses, so it is routed beside
   the boxes instead of through them; shortcuts start on the side of the main column.
3. Order within ranks: barycentre sweeps, keeping the order with the fewest crossings.
4. Positions across ranks: each rank is placed as close as possible to the mean of its neighbours
   (weighted so that long edges run straight and boxes stay in line), as a weighted isotonic
   regression with minimum gaps, solved exactly by pooling adjacent violators.

Everything is computed in (rank, order) coordinates; the direction only decides which is x.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .geometry import MARGIN, Box, Layout, Route, make_box
from .graph import Graph

ORDER_SWEEPS = 8
POSITION_SWEEPS = 10
#: waypoints beyond this are not created (long edges of huge graphs are then drawn directly)
MAX_WAYPOINTS = 6000
#: above this many nodes and waypoints, fewer sweeps (the drawing stays correct, a little less tidy)
BIG = 3000
GAP_NODES = {"vertical": 24.0, "horizontal": 16.0}
GAP_RANKS = {"vertical": 30.0, "horizontal": 44.0}
GAP_WAYPOINT = 14.0  # between a box and a passing edge
GAP_LANES = 10.0  # between two passing edges
PORT_SPACING = 14.0


class _Layered:
    """The layered graph: real nodes 0 ... n-1, waypoints n ... ."""

    def __init__(self, graph: Graph, boxes: list[Box], direction: str) -> None:
        self.graph, self.boxes, self.direction = graph, boxes, direction
        self.n = len(boxes)
        index = {b.node.key: i for i, b in enumerate(boxes)}
        self.index = index
        vertical = direction == "vertical"
        self.across = [b.w if vertical else b.h for b in boxes]  # size along the order axis
        self.along = [b.h if vertical else b.w for b in boxes]  # size along the rank axis
        self.rank = self._ranks()
        self.chains: list[list[int]] = []  # per edge: source, waypoints ..., target
        self.node_rank: list[int] = list(self.rank)
        budget = MAX_WAYPOINTS
        for e in graph.edges:
            a, b = index[e.src], index[e.dst]
            chain = [a]
            span = self.rank[b] - self.rank[a]
            if 1 < span <= budget + 1:
                for r in range(self.rank[a] + 1, self.rank[b]):
                    chain.append(len(self.node_rank))
                    self.node_rank.append(r)
                    self.across.append(0.0)
                    self.along.append(0.0)
                budget -= span - 1
            chain.append(b)
            self.chains.append(chain)
        total = len(self.node_rank)
        self.up: list[list[int]] = [[] for _ in range(total)]
        self.down: list[list[int]] = [[] for _ in range(total)]
        for chain in self.chains:
            for u, v in itertools.pairwise(chain):
                if self.node_rank[v] == self.node_rank[u] + 1:
                    self.down[u].append(v)
                    self.up[v].append(u)
        ranks = max(self.node_rank, default=0) + 1
        self.layers: list[list[int]] = [[] for _ in range(ranks)]
        for v in range(total):  # real nodes in topological order first, then waypoints as created
            self.layers[self.node_rank[v]].append(v)

    def _ranks(self) -> list[int]:
        rank = [0] * self.n
        preds = self.graph.preds
        for i, box in enumerate(self.boxes):
            ps = preds[box.node.key]
            rank[i] = max((rank[self.index[p]] + 1 for p in ps), default=0)
        succs = self.graph.succs
        for i in range(1, self.n):  # an input used only late sits just before its first user
            key = self.boxes[i].node.key
            if not preds[key] and succs[key]:
                rank[i] = max(0, min(rank[self.index[s]] for s in succs[key]) - 1)
        return rank

    def is_real(self, v: int) -> bool:
        return v < self.n

    # ordering ----------------------------------------------------------------------------
    def order(self) -> None:
        best = [list(layer) for layer in self.layers]
        best_crossings = self.crossings()
        for _ in range(ORDER_SWEEPS if len(self.node_rank) <= BIG else 3):
            for r in range(1, len(self.layers)):
                self._sort_by(r, self.up, r - 1)
            for r in range(len(self.layers) - 2, -1, -1):
                self._sort_by(r, self.down, r + 1)
            c = self.crossings()
            if c < best_crossings:
                best, best_crossings = [list(layer) for layer in self.layers], c
            if c == 0:
                break
        self.layers = best

    def _sort_by(self, r: int, neighbours: list[list[int]], other: int) -> None:
        pos = {v: i for i, v in enumerate(self.layers[other])}
        here = {v: i for i, v in enumerate(self.layers[r])}

        def key(v: int) -> tuple[float, int]:
            ns = [pos[u] for u in neighbours[v] if u in pos]
            return (sum(ns) / len(ns) if ns else here[v], here[v])

        self.layers[r].sort(key=key)

    def crossings(self) -> int:
        total = 0
        for r in range(len(self.layers) - 1):
            pos_b = {v: i for i, v in enumerate(self.layers[r + 1])}
            pairs = sorted((i, pos_b[w]) for i, v in enumerate(self.layers[r]) for w in self.down[v] if w in pos_b)
            total += _inversions([b for _, b in pairs], len(self.layers[r + 1]))
        return total

    # positions ---------------------------------------------------------------------------
    def positions(self) -> list[float]:
        gap = GAP_NODES[self.direction]
        pos = [0.0] * len(self.node_rank)
        for layer in self.layers:
            x = 0.0
            for i, v in enumerate(layer):
                if i:
                    x += self._separation(layer[i - 1], v, gap)
                pos[v] = x
        sweeps = POSITION_SWEEPS if len(self.node_rank) <= BIG else 4
        for sweep in range(sweeps):
            last = sweep == sweeps - 1
            for r in range(1, len(self.layers)):
                self._place(r, pos, gap, (self.up,) if not last else (self.up, self.down))
            for r in range(len(self.layers) - 2, -1, -1):
                self._place(r, pos, gap, (self.down,) if not last else (self.up, self.down))
        return pos

    def _separation(self, u: int, v: int, gap: float) -> float:
        half = (self.across[u] + self.across[v]) / 2
        real = self.is_real(u) + self.is_real(v)
        return half + (gap if real == 2 else GAP_WAYPOINT if real == 1 else GAP_LANES)

    def straighten(self, pos: list[float]) -> None:
        """Put the longest path on one line, then the longest path of what is left, and so on, where
        the ranks allow; the edges passing beside them make room."""
        gap = GAP_NODES[self.direction]
        fixed: dict[int, float] = {}
        for path in self._paths():
            if len(path) > 1:
                xs = sorted(pos[v] for v in path)
                for v in path:
                    fixed[v] = xs[len(xs) // 2]
        for layer in self.layers:
            desired = [fixed.get(v, pos[v]) for v in layer]
            mass = [1e4 if v in fixed else 10.0 if self.is_real(v) else 1.0 for v in layer]
            seps = [self._separation(layer[i], layer[i + 1], gap) for i in range(len(layer) - 1)]
            for v, x in zip(layer, _isotonic_with_gaps(desired, mass, seps), strict=True):
                pos[v] = x
        for _ in range(2):  # passing edges follow
            for r in range(1, len(self.layers)):
                self._place(r, pos, gap, (self.up, self.down), real_mass=None)
        self._straight_lanes(pos, gap)

    def _paths(self) -> list[list[int]]:
        """The boxes split into paths, longest first: the longest path of the graph (the main column),
        then the longest among the boxes left, ... (ties: the path written first)."""
        preds = self.graph.preds
        left = set(range(self.n))
        paths = []
        while left:
            best: dict[int, tuple[int, int | None]] = {}
            for v in sorted(left):  # boxes are in topological order
                ps = [self.index[p] for p in preds[self.boxes[v].node.key] if self.index[p] in left]
                length, via = max(((best[p][0] + 1, p) for p in ps), key=lambda t: (t[0], -t[1]), default=(1, None))
                best[v] = (length, via)
            end = max(sorted(left), key=lambda v: (best[v][0], -v))
            path = [end]
            while best[path[-1]][1] is not None:
                path.append(best[path[-1]][1])  # type: ignore[arg-type]
            path.reverse()
            paths.append(path)
            left -= set(path)
        return paths

    def _straight_lanes(self, pos: list[float], gap: float) -> None:
        """Each edge passing beside boxes runs on one straight line where it can: at the median of
        its waypoints, moved as far as the widest box it passes needs."""
        where = {v: (r, i) for r, layer in enumerate(self.layers) for i, v in enumerate(layer)}
        for chain in sorted(self.chains, key=lambda c: (-len(c), c[0])):
            waypoints = chain[1:-1]
            if len(waypoints) < 2:
                continue
            xs = sorted(pos[v] for v in waypoints)
            target = xs[len(xs) // 2]
            for _ in range(2):
                placed = {v: self._fit(*where[v], target, pos, gap) for v in waypoints}
                moved = [x - target for x in placed.values()]
                target += max(moved) if max(moved) > 0 and min(moved) >= 0 else min(moved) if max(moved) <= 0 else 0
            for v, x in placed.items():
                pos[v] = x

    def _fit(self, r: int, i: int, target: float, pos: list[float], gap: float) -> float:
        """Where the waypoint at index ``i`` of rank ``r`` lands when asked to be at ``target`` while
        its neighbours stay: as close as the gaps to them allow (where it is, if there is no room)."""
        layer = self.layers[r]
        v = layer[i]
        low = pos[layer[i - 1]] + self._separation(layer[i - 1], v, gap) if i else float("-inf")
        high = pos[layer[i + 1]] - self._separation(v, layer[i + 1], gap) if i + 1 < len(layer) else float("inf")
        if low > high:
            return pos[v]
        return min(max(target, low), high)

    def _place(self, r: int, pos: list[float], gap: float, sides: Sequence[list[list[int]]],
               real_mass: float | None = 100.0) -> None:
        """Move the nodes of rank ``r`` towards their neighbours on ``sides`` (``real_mass=None``:
        boxes stay where they are and only passing edges move)."""
        layer = self.layers[r]
        desired, mass = [], []
        for v in layer:
            if real_mass is None and self.is_real(v):
                desired.append(pos[v])
                mass.append(1e6)
                continue
            total = weight = 0.0
            for side in sides:
                for u in side[v]:
                    w = _weight(self.is_real(u), self.is_real(v))
                    total += w * pos[u]
                    weight += w
            desired.append(total / weight if weight else pos[v])
            mass.append(real_mass if real_mass is not None and self.is_real(v) else 1.0)
        seps = [self._separation(layer[i], layer[i + 1], gap) for i in range(len(layer) - 1)]
        for v, x in zip(layer, _isotonic_with_gaps(desired, mass, seps), strict=True):
            pos[v] = x


def _weight(real_u: bool, real_v: bool) -> float:
    """How strongly v is pulled towards a neighbour u: boxes line up with boxes, passing edges run
    straight, and a box is hardly pulled by an edge passing beside it."""
    if real_v:
        return 1.0 if real_u else 0.05
    return 2.0 if real_u else 8.0


def _inversions(values: list[int], size: int) -> int:
    """Pairs i < j with values[i] > values[j] (a Fenwick tree)."""
    tree = [0] * (size + 1)
    count = 0
    for seen, v in enumerate(values):
        i, smaller_or_equal = v + 1, 0
        while i > 0:
            smaller_or_equal += tree[i]
            i -= i & -i
        count += seen - smaller_or_equal
        i = v + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return count


def _isotonic_with_gaps(desired: list[float], mass: list[float], gaps: list[float]) -> list[float]:
    """Positions x_0 <= ... in order with x_{i+1} - x_i >= gaps[i], minimising sum mass_i (x_i - desired_i)^2."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    blocks: list[list[float]] = []  # [weight, weighted sum, count]
    for d, m, o in zip(desired, mass, offsets, strict=True):
        blocks.append([m, m * (d - o), 1])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][0] > blocks[-1][1] / blocks[-1][0]:
            w, s, c = blocks.pop()
            blocks[-1][0] += w
            blocks[-1][1] += s
            blocks[-1][2] += c
    out: list[float] = []
    for w, s, c in blocks:
        out.extend([s / w] * int(c))
    return [y + o for y, o in zip(out, offsets, strict=True)]


def layered_layout(graph: Graph, direction: str = "vertical", *, compact: bool = False) -> Layout:
    """Boxes placed rank by rank along ``direction``, edges routed through their waypoints
    (``compact``: each piece of a label on a line of its own, for narrow pages)."""
    vertical = direction == "vertical"
    boxes = [make_box(node, stacked=compact or not vertical) for node in graph.nodes]
    lg = _Layered(graph, boxes, direction)
    lg.order()
    pos = lg.positions()
    lg.straighten(pos)
    low = min((pos[v] - lg.across[v] / 2 for v in range(len(pos))), default=0.0)
    pos = [p - low + MARGIN for p in pos]
    thickness = [max((lg.along[v] for v in layer), default=0.0) for layer in lg.layers]
    start, at = [], MARGIN
    for t in thickness:
        start.append(at)
        at += t + GAP_RANKS[direction]
    extent = at - GAP_RANKS[direction] + MARGIN
    for i, box in enumerate(boxes):
        r = lg.rank[i]
        a = start[r] + (thickness[r] - lg.along[i]) / 2
        o = pos[i] - lg.across[i] / 2
        box.x, box.y = (o, a) if vertical else (a, o)
    routes = _routes(lg, pos, start, thickness, vertical)
    width = max((b.x + b.w for b in boxes), default=0.0) + MARGIN
    height = max((b.y + b.h for b in boxes), default=0.0) + MARGIN
    width, height = (width, max(height, extent)) if vertical else (max(width, extent), height)
    for route in routes:
        for x, y in route.points:
            width, height = max(width, x + MARGIN), max(height, y + MARGIN)
    return Layout("layered", direction, width, height, boxes, routes)


def _routes(lg: _Layered, pos: list[float], start: list[float], thickness: list[float],
            vertical: bool) -> list[Route]:
    """Each edge from a port on its source's far side, through its waypoints, to a port on its
    target's near side; ports are spread in the order of where the edges go."""
    boxes = lg.boxes
    outgoing: dict[int, list[int]] = {}
    incoming: dict[int, list[int]] = {}
    for k, chain in enumerate(lg.chains):
        outgoing.setdefault(chain[0], []).append(k)
        incoming.setdefault(chain[-1], []).append(k)
    port: dict[tuple[int, str], float] = {}
    for ends, side, neighbour in ((outgoing, "out", 1), (incoming, "in", -2)):
        for v, ks in ends.items():
            ks.sort(key=lambda k: (pos[lg.chains[k][neighbour]], k))
            spacing = min(PORT_SPACING, max(lg.across[v] - 16, 0) / max(len(ks), 1))
            # the edge that goes most straight keeps the middle; the others move to their side
            straight = min(range(len(ks)), key=lambda i: (abs(pos[lg.chains[ks[i]][neighbour]] - pos[v]), i))
            for i, k in enumerate(ks):
                port[(k, side)] = (i - straight) * spacing
    routes = []
    for k, (chain, edge) in enumerate(zip(lg.chains, lg.graph.edges, strict=True)):
        a, b = chain[0], chain[-1]
        pts = [(pos[a] + port[(k, "out")], _far(boxes[a], vertical))]
        for v in chain[1:-1]:
            r = lg.node_rank[v]
            pts += [(pos[v], start[r]), (pos[v], start[r] + thickness[r])]
        pts.append((pos[b] + port[(k, "in")], _near(boxes[b], vertical)))
        if not vertical:
            pts = [(y, x) for x, y in pts]
        kind = "skip" if len(chain) > 2 or lg.rank[b] - lg.rank[a] > 1 else "flow"
        routes.append(Route(edge, pts, kind, curved=True, axis="y" if vertical else "x"))
    return routes


def _far(box: Box, vertical: bool) -> float:
    return box.y + box.h if vertical else box.x + box.w


def _near(box: Box, vertical: bool) -> float:
    return box.y if vertical else box.x
