"""PyTorch's module tree in a summary: a row per call, tensors counted once, rows that hold rows.

A PyTorch model is a tree of modules; ``torchinfo`` and ``named_modules()`` show it, and
``sum(p.numel() for p in model.parameters())`` counts every tensor once however often it is used.
A network description says it with a few item keys (all optional):

- a module whose ``forward()`` calls other modules is an item whose value is a whole network (its
  ``inputs``, ``layers`` and ``outputs``); its row counts what it holds, and the rows of its network
  hang under it (``parent``, ``depth``), as for a model used as a layer;
- ``call: 2`` (3 ...): a further call of the module ``name``: a row of its own whose tensors are counted
  in the first call's row; later items take its output as ``name@1`` (``name@2`` ...);
- ``module: ModuleList`` (with a ``name``): the row of a module that is not called itself, which holds
  the rows that say ``parent:`` with its name and counts their tensors; it has no output;
- ``called: false``: a module that is never called (an auxiliary head used only in training): its
  tensors count, from its arguments, and it has no output;
- ``tied: {weight: encoder.weight}``: a tensor of the module that is another module's (tied weights),
  counted in that module's row;
- a tensor the module owns (an ``nn.Parameter``, a buffer: layer types whose class says
  ``owned_tensor``) is a row of its own only at the top of the model; inside a module's network or under
  a ``module:`` row it is counted in that module's row;
- ``hidden: true``: computed for the shapes after it, but no row and nothing counted: what PyTorch does
  not count as the model's (a module kept in a plain list, a tensor made outside the model).

The functions here arrange the computed rows; :mod:`.network` calls them.
"""

from __future__ import annotations

from ..i18n import S_, _
from .errors import SpecError
from .records import replace
from .summary import LayerRecord, Step, Weight

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .spec import LayerSpec

#: the output shape of a row that has none (a module that is not called)
NO_OUTPUT: list = []


def owned_tensor(type_name: str, framework: str) -> bool:
    """Whether rows of this type are tensors a module owns (an ``nn.Parameter``): rows only at the top."""
    from .layer import _CATALOGS

    cls = _CATALOGS.get(framework, {}).get(type_name)
    return bool(getattr(cls, "owned_tensor", False))


def call_name(spec: LayerSpec) -> str:
    """How later items refer to the output of an item with ``call: k``: ``name@(k - 1)``."""
    return f"{spec.name}@{spec.call - 1}"  # type: ignore[operator]


def counted_elsewhere(record: LayerRecord, owner: str, call: int | None = None) -> None:
    """A further call (``call``) of ``owner``: the row counts none of its tensors, and its steps say where they are."""
    record.weights = [w if not w.counted else replace(w, counted_in=owner) for w in record.weights]
    steps = [s for s in record.calculation if "params" not in s.quantity and "buffers" not in s.quantity]
    if any(not w.counted for w in record.weights):
        steps.append(Step("params", "0", "0", 0, note=_("the parameters and buffers of {owner}, counted in the row of "
                                                       "its first call", owner=owner)))
    record.calculation = steps
    if call is not None:
        record.extra["call"] = call


def tie(record: LayerRecord, tied: dict[str, str], line: int | None) -> None:
    """Mark the tensors ``tied`` names as another row's (tied weights): this row does not count them."""
    from .expr import var

    names = {w.name for w in record.weights}
    for own in tied:
        if own not in names:
            raise SpecError(_("tied: {name!r} has no tensor {own!r}", name=record.name, own=own), line=line,
                            layer=record.name,
                            layer_type=record.type,
                            hint=_("its tensors are {sorted}",
                                   sorted=", ".join(sorted(names))) if names else _("it has no tensors"))
    before = record.params
    record.weights = [replace(w, counted_in=tied[w.name]) if w.name in tied else w for w in record.weights]
    shared = sum(w.size for w in record.weights if w.name in tied and not w.buffer)
    expr = var("params", before) - var("tied", shared)
    others = ", ".join(f"{own} is {other}" for own, other in tied.items())
    record.calculation = [*record.calculation, Step(S_("params counted here"), expr.sym(), expr.num(), expr.int_value,
                                                     note=_("{others}, counted in its own row", others=others))]


def hide(record: LayerRecord) -> None:
    """A row that is computed but not shown, whose tensors are not the model's."""
    record.weights = [replace(w, counted_in="") for w in record.weights]


def no_output(record: LayerRecord) -> None:
    """A module that is not called: no output shape, and only the steps that count its tensors."""
    record.output_shape = list(NO_OUTPUT)
    record.calculation = [s for s in record.calculation if "params" in s.quantity or "buffers" in s.quantity]


def arrange(items: list[tuple[LayerSpec, LayerRecord, list[LayerRecord]]], owned: set[str]) -> list[LayerRecord]:
    """The rows in order: each item's row followed by the rows under it, with ``parent:`` and ``module:`` applied.

    ``items`` are (spec, row, rows of its network) in the network's order; ``owned`` the names of the rows
    that are tensors a module owns (``owned_tensor`` types), counted in their holder's row when they have one.
    A holder (``module:``) counts the tensors of the rows under it, including those of holders under it.
    """
    by_name: dict[str, LayerRecord] = {}
    for spec, record, _kids in items:
        if spec.call is None and spec.reuse is None:
            by_name.setdefault(record.name, record)
    held: dict[str, list[LayerRecord]] = {}
    for spec, record, children in items:
        if spec.parent is None:
            continue
        holder = by_name.get(spec.parent)
        if holder is None or holder is record:
            raise SpecError(_("parent: {parent!r} names no earlier row", parent=spec.parent), line=spec.line,
                            layer=record.name,
                            layer_type=record.type, hint=_("parent: names a row written before it (module: ...)"))
        record.parent = holder.name
        shift = holder.depth + 1 - record.depth
        record.depth += shift
        for child in children:
            child.depth += shift
        held.setdefault(holder.name, []).append(record)
    for spec, record, _kids in reversed(items):  # holders after the holders they hold
        if spec.holder:
            record.weights = [Weight(f"{child.name}/{w.name}", w.shape, w.trainable, w.buffer, w.total_trainable,
                                     w.counted_in) for child in held.get(record.name, []) for w in child.weights]
            counted = [child for child in held.get(record.name, []) if child.params or child.buffers]
            record.calculation = _sum_steps(counted)
            from .nested import ModelSums

            record.lazy, record.lazy_key = ModelSums(held.get(record.name, []), output=False), None
    rows: list[LayerRecord] = []
    for spec, record, children in items:
        if spec.hidden:
            continue
        if record.name in owned and record.parent is not None and not spec.holder:
            continue  # a tensor of the module above: counted in its row
        rows.append(record)
        rows.extend(children)
    return rows


def _sum_steps(children: list[LayerRecord]) -> list[Step]:
    from .expr import total, var

    steps = []
    for what, attr in (("params", "params"), ("buffers", "buffers")):
        parts = [child for child in children if getattr(child, attr)]
        if parts:
            expr = total([var(f"{what}({child.name})", getattr(child, attr)) for child in parts])
            formula = S_("sum of the {what} of the rows under it", what=what) if len(parts) > 1 else expr.sym()
            steps.append(Step(what, formula, expr.num(), expr.int_value))
    return steps
