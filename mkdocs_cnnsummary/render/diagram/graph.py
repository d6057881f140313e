"""The network as a graph to draw: one node per input and top-level layer, one edge per connection,
and runs of identical blocks folded into one ``× N`` node.

Folding works on the *cut nodes* of the graph: the layers every path from the inputs to the outputs
goes through (in a topological order, no edge jumps over them).  The pieces between two cut nodes
are the network's blocks as a reader sees them: one layer of a plain stack, a whole residual block
with its shortcut.  Consecutive pieces that are identical (same layer types, output shapes,
parameter counts and wiring) fold into one node.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...engine.summary import LayerRecord, Shape, Summary

#: a folded unit has at most this many pieces (a pattern such as Dense, Dropout has two)
MAX_PERIOD = 6


@dataclass
class Node:
    """One box of the drawing: an input, a layer, or a folded run of identical blocks."""

    key: str  # unique: the input's or layer's name; for a folded run, its first layer's name
    kind: str  # "input", "layer" or "fold"
    names: tuple[str, ...]  # the layers the box stands for (one, or all layers of a folded run)
    type: str  # the layer type; for a folded run, the types of one block in order, joined by ", "
    shape: Shape | list[Shape]  # output shape (of the last layer of a folded run)
    params: int  # all parameters the box stands for
    order: int = 0  # position in the topological order
    repeat: int = 1  # a folded run: how many identical blocks
    unit: int = 1  # a folded run: layers per block
    unit_types: tuple[str, ...] = ()
    is_output: bool = False
    merges: bool = False  # takes several inputs (Add, Concatenate ...)


@dataclass(frozen=True)
class Edge:
    """A connection between two boxes; ``src_layer``/``dst_layer`` name the real layers at its ends."""

    src: str
    dst: str
    src_layer: str
    dst_layer: str


@dataclass
class Graph:
    """Nodes in topological order and the edges between them."""

    nodes: list[Node]
    edges: list[Edge]
    framework: str = "keras"
    preds: dict[str, list[str]] = field(default_factory=dict)
    succs: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.preds = {n.key: [] for n in self.nodes}
        self.succs = {n.key: [] for n in self.nodes}
        for e in self.edges:
            self.succs[e.src].append(e.dst)
            self.preds[e.dst].append(e.src)
        self.by_key = {n.key: n for n in self.nodes}

    @property
    def layer_count(self) -> int:
        return sum(len(n.names) for n in self.nodes if n.kind != "input")


def _base(name: str) -> str:
    """``lstm[1]`` -> ``lstm`` (one output of a multi-output layer)."""
    return name[:name.rindex("[")] if name.endswith("]") and "[" in name else name


def _top_level(summary: Summary) -> tuple[list[LayerRecord], dict[str, str]]:
    """The layers drawn as boxes (rows nested under another row are part of it) and, for every
    layer name, the name of the box it belongs to."""
    owner: dict[str, str] = {}
    parent = {layer.name: layer.parent for layer in summary.layers}
    top = []
    for layer in summary.layers:
        name, hops = layer.name, 0
        while parent.get(name) is not None and hops < len(parent):  # bounded: nesting has no cycles
            name, hops = parent[name], hops + 1
        owner[layer.name] = name
        if name == layer.name:
            top.append(layer)
    return top, owner


def build_graph(summary: Summary, *, fold: bool = True, input_type: str = "InputLayer") -> Graph:
    """The graph of a computed network, folded unless ``fold`` is false; inputs have type ``input_type``."""
    top, owner = _top_level(summary)
    outputs = {_base(o) for o in summary.outputs}
    nodes: list[Node] = [Node(i.name, "input", (i.name,), input_type, i.shape, 0) for i in summary.inputs]
    params: dict[str, int] = {}
    for record in summary.layers:  # a box counts the rows nested under it
        params[owner[record.name]] = params.get(owner[record.name], 0) + record.params
    for layer in top:
        nodes.append(Node(layer.name, "layer", (layer.name,), layer.type, layer.output_shape, params[layer.name],
                          is_output=layer.name in outputs))
    by_key = {n.key: n for n in nodes}
    edges: dict[tuple[str, str], Edge] = {}
    for layer in top:
        sources = []
        for ref in layer.inputs:
            src = owner.get(_base(ref), _base(ref))
            if src in by_key and src != layer.name and src not in sources:
                sources.append(src)
        for src in sources:
            edges.setdefault((src, layer.name), Edge(src, layer.name, src, layer.name))
        if len(sources) > 1:
            by_key[layer.name].merges = True
    graph = Graph(_topological(nodes, list(edges.values())), list(edges.values()), summary.framework)
    return fold_runs(graph) if fold else graph


def _topological(nodes: list[Node], edges: list[Edge]) -> list[Node]:
    """Kahn's algorithm; among the nodes that are ready, the one written first comes first."""
    index = {n.key: i for i, n in enumerate(nodes)}
    indegree = {n.key: 0 for n in nodes}
    succs: dict[str, list[str]] = {n.key: [] for n in nodes}
    for e in edges:
        indegree[e.dst] += 1
        succs[e.src].append(e.dst)
    ready = [index[k] for k, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    out: list[Node] = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        node.order = len(out)
        out.append(node)
        for s in succs[node.key]:
            indegree[s] -= 1
            if indegree[s] == 0:
                heapq.heappush(ready, index[s])
    if len(out) != len(nodes):  # the engine rejects cycles; keep every node anyway
        out += [n for n in nodes if n not in out]
    return out


def cut_positions(graph: Graph) -> list[int]:
    """Positions (in the topological order) of the nodes every input-to-output path goes through."""
    n = len(graph.nodes)
    pos = {node.key: i for i, node in enumerate(graph.nodes)}
    cover = [0] * (n + 1)

    def span(a: int, b: int) -> None:  # an edge from position a to b covers a+1 ... b-1
        if b - a >= 2:
            cover[a + 1] += 1
            cover[b] -= 1

    for e in graph.edges:
        span(pos[e.src], pos[e.dst])
    for node in graph.nodes:
        if not graph.preds[node.key]:
            span(-1, pos[node.key])  # from the virtual source before everything
        if not graph.succs[node.key]:
            span(pos[node.key], n)  # to the virtual sink after everything
    out, running = [], 0
    for i in range(n):
        running += cover[i]
        if running == 0:
            out.append(i)
    return out


def _signature(graph: Graph, start: int, stop: int) -> tuple:
    """What makes two pieces (positions start ... stop-1) identical to a reader."""
    pos = {node.key: i for i, node in enumerate(graph.nodes)}
    items = []
    for node in graph.nodes[start:stop]:
        wiring = tuple(sorted(pos[p] - start if pos[p] >= start else -1 for p in graph.preds[node.key]))
        items.append((node.kind, node.type, repr(node.shape), node.params, wiring))
    return tuple(items)


def fold_runs(graph: Graph) -> Graph:
    """The graph with runs of identical consecutive pieces folded into ``× N`` nodes.

    A run folds when it saves boxes: three or more single layers, or two or more blocks of
    several layers.
    """
    cuts = cut_positions(graph)
    pieces = [(cuts[i - 1] + 1 if i else 0, c + 1) for i, c in enumerate(cuts)]
    pieces = [(a, b) for a, b in pieces if all(n.kind != "input" for n in graph.nodes[a:b])]
    sigs = [_signature(graph, a, b) for a, b in pieces]
    runs: list[tuple[int, int, int]] = []  # (first piece, period, repeats)
    j = 0
    while j < len(pieces):
        best = None
        for period in range(1, MAX_PERIOD + 1):
            if j + 2 * period > len(pieces) or not _contiguous(pieces[j:j + period]):
                break
            unit = sigs[j:j + period]
            k = 1
            while sigs[j + k * period:j + (k + 1) * period] == unit and _contiguous(pieces[j:j + (k + 1) * period]):
                k += 1
            size = pieces[j + period - 1][1] - pieces[j][0]
            if k >= (3 if size == 1 else 2) and (best is None or k * size > best[1] * best[2]):
                best = (period, k, size)
        if best is None:
            j += 1
            continue
        runs.append((j, best[0], best[1]))
        j += best[0] * best[1]
    if not runs:
        return graph
    return _fold(graph, [(pieces[j][0], pieces[j + p * k - 1][1], k) for j, p, k in runs])


def _contiguous(pieces: list[tuple[int, int]]) -> bool:
    return all(a[1] == b[0] for a, b in itertools.pairwise(pieces))


def _fold(graph: Graph, spans: Iterable[tuple[int, int, int]]) -> Graph:
    """Replace the nodes at positions [start, stop) of each span by one node repeated ``k`` times."""
    owner = {n.key: n.key for n in graph.nodes}
    replacement: dict[int, Node] = {}
    skip: set[int] = set()
    for start, stop, k in spans:
        members = graph.nodes[start:stop]
        unit = (stop - start) // k
        names = tuple(name for m in members for name in m.names)
        first = members[0]
        fold = Node(first.key, "fold", names, ", ".join(m.type for m in members[:unit]), members[-1].shape,
                    sum(m.params for m in members), repeat=k, unit=unit,
                    unit_types=tuple(m.type for m in members[:unit]),
                    is_output=any(m.is_output for m in members))
        for m in members:
            owner[m.key] = fold.key
        replacement[start] = fold
        skip.update(range(start + 1, stop))
    nodes = []
    for i, node in enumerate(graph.nodes):
        if i in skip:
            continue
        new = replacement.get(i, node)
        new.order = len(nodes)
        nodes.append(new)
    edges: dict[tuple[str, str], Edge] = {}
    for e in graph.edges:
        a, b = owner[e.src], owner[e.dst]
        if a != b:
            edges.setdefault((a, b), Edge(a, b, e.src_layer, e.dst_layer))
    return Graph(nodes, list(edges.values()), graph.framework)
