"""The network as a graph to draw: one node per input and top-level layer, one edge per connection,
and runs of repeated blocks folded into one ``× N`` node.

Runs of copies that a compact spec makes with ``repeat:`` fold as the table folds them: each layer
record names its innermost block instance (``LayerRecord.block``) and the summary lists the instances
(``Summary.blocks``: name, block, parent, run, copy, copies); the outermost run of two or more copies a
layer belongs to becomes one box.  Networks written out layer by layer fold by structure instead:

on the *cut nodes* of the graph, the layers every path from the inputs to the outputs
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
    block: str | None = None  # a folded run of a compact spec's block copies: the block's name
    instances: tuple[str, ...] = ()  # ... and its first and last instances
    is_output: bool = False
    merges: bool = False  # takes several inputs (Add, Concatenate ...)
    batched: bool = True  # the shape starts with the batch; False for a layer without inputs (a PyTorch Parameter)


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


def _key(layer: LayerRecord) -> str:
    """A row's own key: its name, and ``name@1``, ``name@2`` ... for further calls of a PyTorch module (the rows
    after it take that output by this name)."""
    call = layer.extra.get("call")
    return f"{layer.name}@{call - 1}" if isinstance(call, int) and call > 1 else layer.name


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
    for layer in top:  # a box is its row, which counts the rows nested under it (a model used as a layer, a module)
        key = _key(layer)
        nodes.append(Node(key, "layer", (key,), layer.type, layer.output_shape, layer.params,
                          is_output=key in outputs, batched=bool(layer.inputs)))
    by_key = {n.key: n for n in nodes}
    edges: dict[tuple[str, str], Edge] = {}
    for layer in top:
        key, sources = _key(layer), []
        for ref in layer.inputs:
            src = owner.get(_base(ref), _base(ref))
            if src in by_key and src != key and src not in sources:
                sources.append(src)
        for src in sources:
            edges.setdefault((src, key), Edge(src, key, src, key))
        if len(sources) > 1:
            by_key[key].merges = True
    graph = Graph(_topological(nodes, list(edges.values()))[0], list(edges.values()), summary.framework)
    if not fold:
        return graph
    return fold_runs(fold_block_runs(graph, summary))


def _topological(nodes: list[Node], edges: list[Edge]) -> tuple[list[Node], bool]:
    """Kahn's algorithm; among the nodes that are ready, the one written first comes first.  The
    flag says whether the edges have no cycle (the order then holds every node)."""
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
    complete = len(out) == len(nodes)
    if not complete:  # keep every node anyway
        placed = {n.key for n in out}
        out += [n for n in nodes if n.key not in placed]
    return out, complete


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
    pieces = [(a, b) for a, b in pieces if all(n.kind == "layer" for n in graph.nodes[a:b])]
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
    folds = []
    for j, p, k in runs:
        members = graph.nodes[pieces[j][0]:pieces[j + p * k - 1][1]]
        unit = len(members) // k
        folds.append(Fold(members, k, tuple(m.type for m in members[:unit])))
    return _fold(graph, folds) or graph


@dataclass
class Fold:
    """Nodes to draw as one box: ``repeat`` copies of a unit whose layer types are ``unit_types``."""

    members: list[Node]  # in topological order
    repeat: int
    unit_types: tuple[str, ...]
    block: str | None = None
    instances: tuple[str, ...] = ()


def fold_block_runs(graph: Graph, summary: Summary) -> Graph:
    """Each run of block copies made by ``repeat:`` in a compact spec as one box (the outermost run
    a layer belongs to).  Nothing changes for a spec without blocks."""
    instances = {b.name: b for b in getattr(summary, "blocks", None) or []}
    if not instances:
        return graph
    runs: dict[tuple, list[str]] = {}  # run -> instance names in order
    member_of: dict[str, tuple] = {}
    for layer in summary.layers:
        name, outer, hops = getattr(layer, "block", None), None, 0
        while name in instances and hops <= len(instances):  # bounded walk up the nesting
            inst = instances[name]
            if inst.run is not None and inst.copies > 1:
                outer = inst
            name, hops = inst.parent, hops + 1
        if outer is not None:
            key = (outer.parent, outer.block, outer.run)
            member_of[layer.name] = key
            if outer.name not in runs.setdefault(key, []):
                runs[key].append(outer.name)
    if not member_of:
        return graph
    folds = []
    for key, names in runs.items():
        members = [n for n in graph.nodes if member_of.get(n.key) == key]
        first_copy = [n for n in members if _copy_of(instances, n.key, names[0], summary)]
        folds.append(Fold(members, len(names), tuple(n.type for n in first_copy) or (members[0].type,),
                          block=key[1], instances=(names[0], names[-1])))
    return _fold(graph, folds) or graph


def _copy_of(instances: dict, layer: str, instance: str, summary: Summary) -> bool:
    """Whether ``layer`` lies in ``instance`` (directly or in an instance nested in it)."""
    name, hops = getattr(summary.layer(layer), "block", None), 0
    while name is not None and hops <= len(instances):
        if name == instance:
            return True
        name, hops = instances[name].parent if name in instances else None, hops + 1
    return False


def _contiguous(pieces: list[tuple[int, int]]) -> bool:
    return all(a[1] == b[0] for a, b in itertools.pairwise(pieces))


def _fold(graph: Graph, folds: Iterable[Fold]) -> Graph | None:
    """Each fold's members replaced by one node; None when that would make a cycle (a member feeding
    a layer outside that feeds another member), so the caller keeps the graph as it was."""
    owner = {n.key: n.key for n in graph.nodes}
    replacement: dict[str, Node] = {}
    folded: set[str] = set()
    for fold in folds:
        members = fold.members
        if not members:
            continue
        unit = max(len(members) // fold.repeat, 1)
        node = Node(members[0].key, "fold", tuple(name for m in members for name in m.names),
                    ", ".join(fold.unit_types), members[-1].shape, sum(m.params for m in members),
                    repeat=fold.repeat, unit=unit if fold.block is None else len(fold.unit_types),
                    unit_types=fold.unit_types, block=fold.block, instances=fold.instances,
                    is_output=any(m.is_output for m in members))
        for m in members:
            owner[m.key] = node.key
            folded.add(m.key)
        replacement[node.key] = node
    nodes = [replacement.get(n.key, n) for n in graph.nodes if n.key not in folded or n.key in replacement]
    edges: dict[tuple[str, str], Edge] = {}
    for e in graph.edges:
        a, b = owner[e.src], owner[e.dst]
        if a != b:
            edges.setdefault((a, b), Edge(a, b, e.src_layer, e.dst_layer))
    ordered, acyclic = _topological(nodes, list(edges.values()))
    if not acyclic:
        return None
    return Graph(ordered, list(edges.values()), graph.framework)
