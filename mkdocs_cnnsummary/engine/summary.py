"""What the engine computes: one record per layer and the totals (the public result)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Shape = tuple[int | None, ...]


@dataclass(frozen=True)
class Step:
    """One line of a worked calculation.

    ``substituted`` evaluates exactly to ``result``; both are None when a size
    is unknown, and ``note`` then says why.
    """

    quantity: str
    formula: str
    substituted: str | None
    result: int | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "quantity": self.quantity,
            "formula": self.formula,
            "substituted": self.substituted,
            "result": self.result,
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Weight:
    """One weight tensor of a layer (``kernel`` of shape (3, 3, 1, 32))."""

    name: str
    shape: tuple[int, ...]
    trainable: bool = True
    buffer: bool = False  # a PyTorch buffer (running_mean ...), not a parameter
    #: how the model's totals count it, when that differs from the row: Keras counts the weights of the
    #: layers a layer holds by their own trainable flag, which trainable=False given to the holder's
    #: constructor does not change (the row says non-trainable, the totals trainable)
    total_trainable: bool | None = None
    #: PyTorch: the tensor is counted in another row (a further call of a shared module, a tied weight):
    #: that row's name (with the tensor's name for a tied one), and this row does not count it
    counted_in: str | None = None

    @property
    def counted(self) -> bool:
        """Whether this row counts the tensor (it is not counted in another row)."""
        return self.counted_in is None

    @property
    def counts_trainable(self) -> bool:
        return self.trainable if self.total_trainable is None else self.total_trainable

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@dataclass(frozen=True)
class Notice:
    """Something worth knowing about a network that is not an error: an old spelling read with its
    modern meaning, a statement skipped, a design that is probably a mistake.

    ``kind`` names the family (so a block can silence it), ``layer`` the layer it concerns.
    """

    message: str
    line: int | None = None
    hint: str | None = None
    layer: str | None = None
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "message": self.message, "hint": self.hint}
        if self.layer is not None:
            out["layer"] = self.layer
        if self.kind is not None:
            out["kind"] = self.kind
        return out


@dataclass
class BlockInstance:
    """One use of a block of a compact spec (``blocks:``): which block, where, with which arguments.

    ``parent`` is the instance it is nested in; ``run`` numbers the copies made by one ``repeat:``
    item (``copy`` of ``copies``), so that a table can fold them into one ``× N`` row; ``output``
    is the layer whose output the instance gives.
    """

    name: str
    block: str
    parent: str | None = None
    line: int | None = None
    run: int | None = None
    copy: int = 1
    copies: int = 1
    trainable: bool | None = None
    args: dict[str, Any] = field(default_factory=dict)
    output: str | None = None
    output_ref: Any = field(default=None, repr=False, compare=False)

    def describe(self) -> str:
        """``block 'bottleneck', instance 'conv2_block1' (line 40)``."""
        where = f" (line {self.line})" if self.line is not None else ""
        return f"block {self.block!r}, instance {self.name!r}{where}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "block": self.block, "parent": self.parent,
                               "args": _plain(self.args), "output": self.output}
        if self.run is not None:
            out["run"] = self.run
            out["copy"] = self.copy
            out["copies"] = self.copies
        return out


def _plain(value: Any) -> Any:
    """Arguments as JSON values (tuples as lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass
class LayerRecord:
    """Everything known about one layer after computation."""

    name: str
    type: str
    inputs: list[str]
    output_shape: Shape | list[Shape]
    weights: list[Weight] = field(default_factory=list)
    calculation: list[Step] = field(default_factory=list)
    line: int | None = None
    depth: int = 0  # nesting depth (wrapped layers of Bidirectional / TimeDistributed ...)
    parent: str | None = None  # the row this one is nested under (a model used as a layer ...)
    block: str | None = None  # the innermost block instance it belongs to (compact specs)
    extra: dict[str, Any] = field(default_factory=dict)  # further columns (framework specific)

    @property
    def multi_output(self) -> bool:
        return isinstance(self.output_shape, list)

    @property
    def params(self) -> int:
        return sum(w.size for w in self.weights if not w.buffer and w.counted)

    @property
    def trainable_params(self) -> int:
        return sum(w.size for w in self.weights if w.trainable and not w.buffer and w.counted)

    @property
    def total_trainable_params(self) -> int:
        """Its trainable parameters as the model's totals count them (see :attr:`Weight.total_trainable`)."""
        return sum(w.size for w in self.weights if w.counts_trainable and not w.buffer and w.counted)

    @property
    def non_trainable_params(self) -> int:
        return self.params - self.trainable_params

    @property
    def buffers(self) -> int:
        return sum(w.size for w in self.weights if w.buffer and w.counted)

    @property
    def called(self) -> bool:
        """False for a row of a module that is not called itself (a ModuleList, an unused branch): no output."""
        return not (isinstance(self.output_shape, list) and not self.output_shape)

    def to_dict(self, *, with_buffers: bool = False) -> dict[str, Any]:
        shape: Any = (
            [list(s) for s in self.output_shape] if self.multi_output else list(self.output_shape)
        )
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "inputs": list(self.inputs),
            "output_shape": shape,
            "params": self.params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
        }
        if with_buffers:
            out["buffers"] = self.buffers
        out["calculation"] = [s.to_dict() for s in self.calculation]
        if self.parent is not None:
            out["parent"] = self.parent
            out["depth"] = self.depth
        if self.block is not None:
            out["block"] = self.block
        out.update(self.extra)
        return out


class LayerSums:
    """Counts summed over ``self.layers`` (a block instance's, a group of rows' ...); the rows nested under a
    model's row are counted in that row, not again."""

    layers: list[LayerRecord]

    @property
    def top_layers(self) -> list[LayerRecord]:
        """The rows that count in the sums: all but the layers nested under a model's row."""
        return [layer for layer in self.layers if layer.parent is None]

    @property
    def params(self) -> int:
        return sum(layer.params for layer in self.top_layers)

    @property
    def trainable_params(self) -> int:
        return sum(layer.trainable_params for layer in self.top_layers)

    @property
    def non_trainable_params(self) -> int:
        return self.params - self.trainable_params

    @property
    def buffers(self) -> int:
        return sum(layer.buffers for layer in self.top_layers)


@dataclass(frozen=True)
class InputRecord:
    """A network input."""

    name: str
    shape: Shape
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "shape": list(self.shape)}


@dataclass
class Summary(LayerSums):
    """The computed network: inputs, layers in order, outputs and totals."""

    name: str | None
    inputs: list[InputRecord]
    layers: list[LayerRecord]
    outputs: list[str]
    framework: str = "keras"
    warnings: list[Notice] = field(default_factory=list)
    blocks: list[BlockInstance] = field(default_factory=list)

    @property
    def total_params(self) -> int:
        return self.params

    @property
    def trainable_params(self) -> int:
        """As Keras' totals count them (see :attr:`Weight.total_trainable`); rows nested under a model's
        row are in the model's own."""
        return sum(layer.total_trainable_params for layer in self.top_layers)

    @property
    def total_buffers(self) -> int:
        return self.buffers

    @property
    def is_graph(self) -> bool:
        """True when some layer is not simply fed by the one listed before it."""
        previous = self.inputs[0].name if len(self.inputs) == 1 else None
        for layer in self.top_layers:
            if layer.inputs != [previous]:
                return True
            previous = layer.name
        top = self.top_layers
        return len(self.outputs) != 1 or bool(top and self.outputs[0] != top[-1].name)

    def layer(self, name: str) -> LayerRecord:
        """The layer called ``name`` (``lstm[1]``, one output of it, gives the layer ``lstm``)."""
        base = name[:name.rindex("[")] if name.endswith("]") and "[" in name else name
        for rec in sorted(self.layers, key=lambda r: r.parent is not None):  # a top-level row first
            if rec.name == base and "call" not in rec.extra:
                return rec
        module, _, k = base.rpartition("@")  # PyTorch: name@k is the row of the module's call k + 1
        if module and k.isdigit() and k.isascii():
            for rec in self.layers:
                if rec.name == module and rec.extra.get("call") == int(k) + 1:
                    return rec
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form documented in README.md."""
        with_buffers = self.framework == "pytorch"
        out: dict[str, Any] = {
            "name": self.name,
            "framework": self.framework,
            "inputs": [i.to_dict() for i in self.inputs],
            "layers": [layer.to_dict(with_buffers=with_buffers) for layer in self.layers],
            "outputs": list(self.outputs),
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
        }
        if with_buffers:
            out["total_buffers"] = self.total_buffers
        out["warnings"] = [w.to_dict() for w in self.warnings]
        if self.blocks:
            out["blocks"] = [b.to_dict() for b in self.blocks]
        return out

    def block_layers(self, name: str) -> list[LayerRecord]:
        """The layers of a block instance, those of the instances nested in it included."""
        inside = {name}
        for b in self.blocks:
            if b.parent in inside:
                inside.add(b.name)
        return [layer for layer in self.layers if layer.block in inside]
