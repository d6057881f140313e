"""Block instances of a compact spec as foldable groups of rows: one row per block, one ``× N`` row per run.

A *block* group holds the layers of one block instance (and the groups of the instances nested in
it); a *run* group holds the consecutive copies made by one ``repeat:`` item.  Renderers show a
group as one row with its own totals and, on demand, the rows inside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.errors import one_of
from ..engine.records import field, record
from ..engine.summary import BlockInstance, LayerRecord, LayerSums, Shape, Summary
from ..i18n import N_

#: ``blocks``: groups folded (one row each, opened on demand); ``open``: groups shown open;
#: ``none``: every layer, no group rows (the table of the expanded network)
FOLD_MODES = ("blocks", "open", "none")


def check_fold(value: str) -> str:
    """A known fold mode, or a SpecError with a did-you-mean."""
    return one_of(value, FOLD_MODES, N_("fold mode"))


@record
class Group(LayerSums):
    """The rows of one block instance, or of a run of identical instances."""

    kind: str  # "block" or "run"
    instances: list[BlockInstance]
    children: list[Group | LayerRecord] = field(default_factory=list)
    layers: list[LayerRecord] = field(default_factory=list)  # every layer inside, nested ones included

    @property
    def name(self) -> str:
        first, last = self.instances[0].name, self.instances[-1].name
        return first if first == last else f"{first} … {last}"

    @property
    def type_label(self) -> str:
        block = self.instances[0].block
        return f"{block} × {len(self.instances)}" if self.kind == "run" else block

    @property
    def output_shape(self) -> Shape | list[Shape]:
        out = self.instances[-1].output
        for layer in reversed(self.layers):
            if layer.name == out:
                return layer.output_shape
        return self.layers[-1].output_shape

    @property
    def inputs(self) -> list[str]:
        """What the group takes from outside it."""
        inside = {layer.name for layer in self.layers}
        out: list[str] = []
        for layer in self.layers:
            for src in layer.inputs:
                base = src[:src.rindex("[")] if src.endswith("]") and "[" in src else src
                if base not in inside and src not in out:
                    out.append(src)
        return out

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Group | LayerRecord]]:
        """Every row inside the group, depth first: nested groups and layers with their depth."""
        for child in self.children:
            yield depth, child
            if isinstance(child, Group):
                yield from child.walk(depth + 1)


def group_layers(summary: Summary) -> list[Group | LayerRecord]:
    """The summary's layers, those of block instances gathered into (nested) groups and runs."""
    if not summary.blocks:
        return list(summary.layers)
    by_name = {b.name: b for b in summary.blocks}

    def chain(name: str | None) -> list[str]:
        path: list[str] = []
        while name is not None and name in by_name and len(path) <= len(by_name):
            path.append(name)
            name = by_name[name].parent
        return path[::-1]

    root: list[Group | LayerRecord] = []
    stack: list[tuple[str, Group]] = []
    for layer in summary.layers:
        path = chain(layer.block)
        k = 0
        while k < len(stack) and k < len(path) and stack[k][0] == path[k]:
            k += 1
        del stack[k:]
        for name in path[k:]:
            group = Group("block", [by_name[name]])
            (stack[-1][1].children if stack else root).append(group)
            stack.append((name, group))
        (stack[-1][1].children if stack else root).append(layer)
        for _, group in stack:
            group.layers.append(layer)
    return _runs(root)


def _runs(entries: list[Group | LayerRecord]) -> list[Group | LayerRecord]:
    """Consecutive copies of one ``repeat:`` item become one run group (nested lists too)."""
    out: list[Group | LayerRecord] = []
    for entry in entries:
        if isinstance(entry, Group):
            entry.children = _runs(entry.children)
            run = entry.instances[0].run
            last = out[-1] if out else None
            if run is not None and isinstance(last, Group) and last.kind == "run" and last.instances[0].run == run:
                last.instances.append(entry.instances[0])
                last.children.append(entry)
                last.layers.extend(entry.layers)
                continue
            if run is not None and entry.instances[0].copies > 1:
                out.append(Group("run", [entry.instances[0]], [entry], list(entry.layers)))
                continue
        out.append(entry)
    return out


def visible_rows(summary: Summary, fold: str = "none") -> list[tuple[int, Group | LayerRecord]]:
    """The rows a text table shows, with their depth in the groups: every layer (``none``), one row per
    top-level block instance or run (``blocks``), or the group rows followed by what they hold (``open``)."""
    check_fold(fold)
    if fold == "none" or not summary.blocks:
        return [(0, layer) for layer in summary.layers]
    rows: list[tuple[int, Group | LayerRecord]] = []
    for entry in group_layers(summary):
        rows.append((0, entry))
        if fold == "open" and isinstance(entry, Group):
            rows.extend(entry.walk(1))
    return rows
