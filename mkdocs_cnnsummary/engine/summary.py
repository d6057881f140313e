"""What the engine computes: one record per layer and the totals (the public result)."""

from __future__ import annotations

import re
from math import prod

from .records import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fractions import Fraction
    from typing import Any

    #: an exact result: an integer, or a fraction (a receptive field's jump after up-sampling)
    Value = int | Fraction

Shape = tuple[int | None, ...]


_INDEXED = r"(.+)\[(-?\d+)\]"  # compiled on first use (re keeps it)


def source(src: str) -> tuple[str, int | None]:
    """``lstm[1]`` -> (``lstm``, 1): a layer's input reference, split into the name and the output index."""
    if "]" not in src:  # the usual name: no pattern to run (nor a method call)
        return src, None
    m = re.fullmatch(_INDEXED, src)
    return (m.group(1), int(m.group(2))) if m else (src, None)


def json_number(value: Value | None) -> int | str | None:
    """An int as itself, a fraction that is not whole as ``"1/2"`` (JSON has no exact fractions), a size
    written with names as its expression (``"⌈H/2⌉ − 1"``)."""
    if not isinstance(value, int) and hasattr(value, "denominator"):  # a Fraction
        return int(value) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if value is not None and not isinstance(value, int):
        return str(value)
    return value


def json_shape(shape: Any) -> list[Any]:
    """A shape in JSON: sizes as numbers, null, or expressions in the names of the input sizes."""
    return [d if d is None or isinstance(d, int) else str(d) for d in shape]


@record(frozen=True)
class Step:
    """One line of a worked calculation.

    ``substituted`` evaluates exactly to ``result``; both are None when a size
    is unknown, and ``note`` then says why.  ``kind`` groups the steps of the
    analyses (``macs``, ``flops``, ``other_ops``, ``activations``,
    ``receptive_field``); it is None for the shape and parameter steps.
    """

    quantity: str
    formula: str
    substituted: str | None
    result: Value | None
    note: str | None = None
    kind: str | None = None

    @classmethod
    def worked(cls, quantity: str, expr: Any, result: Value, note: str | None = None,
               kind: str | None = None) -> Step:
        """The step of ``expr`` (an :class:`~.expr.Expr` whose value is ``result``), its formula and substituted
        numbers written from ``expr`` when first read: a table that shows no worked steps never writes them."""
        step = cls.__new__(cls)
        step.quantity, step.result, step.note, step.kind = quantity, result, note, kind
        step._expr = expr
        return step

    def __getattr__(self, name: str) -> Any:
        """``formula`` and ``substituted`` of a :meth:`worked` step, written on first read."""
        values = self.__dict__
        if name in ("formula", "substituted"):
            expr = values.get("_expr")
            if expr is not None:
                values["formula"], values["substituted"] = expr.texts()
                values.pop("_expr", None)
            if name in values:  # (also when another thread wrote them meanwhile)
                return values[name]
        raise AttributeError(name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "quantity": self.quantity,
            "formula": self.formula,
            "substituted": self.substituted,
            "result": json_number(self.result),
        }
        if self.note:
            out["note"] = self.note
        if self.kind:
            out["kind"] = self.kind
        return out


@record(frozen=True)
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

    def __init__(self, name: str, shape: tuple[int, ...], trainable: bool = True, buffer: bool = False,
                 total_trainable: bool | None = None, counted_in: str | None = None) -> None:
        # the fields above, and the number of values worked out once: the rows' and the blocks' sums read it
        # again and again (written out rather than in a __post_init__: every layer makes one or more)
        self.name = name
        self.shape = shape
        self.trainable = trainable
        self.buffer = buffer
        self.total_trainable = total_trainable
        self.counted_in = counted_in
        self.size: int = prod(shape)

    @property
    def counts_trainable(self) -> bool:
        return self.trainable if self.total_trainable is None else self.total_trainable


@record(frozen=True)
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


@record(frozen=True)
class ReceptiveField:
    """Which pixels of the network input one output position of a layer sees, per spatial axis.

    Axes are in the layer's order (depth, height, width).  ``size_min``/``size_max``: the extent of the
    input pixels that influence one output (the same for every output unless an up-sampling or a
    transposed convolution makes it vary with the position; then the pattern repeats every ``period``
    outputs); ``jump``: the input distance between neighbouring outputs (a fraction after up-sampling);
    ``start``: the input coordinate of the first pixel seen by output 0 (negative where padding reaches
    outside; None when it depends on an unknown input size).
    """

    size_min: tuple[int, ...]
    size_max: tuple[int, ...]
    jump: tuple[Value, ...]
    start: tuple[int | None, ...]
    period: tuple[int, ...]
    #: per axis, the first and the last input pixel seen by outputs 0 … period − 1 (None: sees nothing)
    first: tuple[tuple[int | None, ...], ...] = ()
    last: tuple[tuple[int | None, ...], ...] = ()

    @property
    def varies(self) -> bool:
        return self.size_min != self.size_max

    def span(self, axis: int, o: int) -> tuple[int | None, int | None]:
        """The first and the last input pixel seen by output ``o`` along ``axis`` (None: it sees nothing),
        relative to ``start`` when the start is unknown."""
        q, r = divmod(o, self.period[axis])
        step = int(self.jump[axis] * self.period[axis]) * q
        a, b = self.first[axis][r], self.last[axis][r]
        return (None if a is None else a + step, None if b is None else b + step)

    def to_dict(self) -> dict[str, Any]:
        size: Any = list(self.size_min)
        if self.varies:
            size = {"min": list(self.size_min), "max": list(self.size_max)}
        return {"size": size, "jump": [json_number(j) for j in self.jump], "start": list(self.start)}


@record
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


@record
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
    #: the engine's analyses of the network, computed on first use (see the properties below)
    lazy: Any = field(default=None, repr=False, compare=False)
    #: the name ``lazy`` knows the row by (a PyTorch row is renamed to its qualified name later)
    lazy_key: str | None = field(default=None, repr=False, compare=False)
    #: a function of PyTorch code's forward() (``F.relu``, ``+``), not a module: its name is torch.fx's (``relu_1``)
    operation: bool = False

    def _analysed(self, key: str, default: Any = None) -> Any:
        return default if self.lazy is None else self.lazy.of(self.lazy_key or self.name).get(key, default)

    @property
    def macs(self) -> int | None:
        """Multiply-accumulates of the layer's weights and matrix products (None: unknown, a step says why)."""
        return self._analysed("macs")

    @property
    def other_ops(self) -> int | None:
        """Bias adds, normalisation, activations, pooling ... counted by the rules in the steps."""
        return self._analysed("other_ops")

    @property
    def activations(self) -> int | None:
        """Output elements per sample (all outputs of a multi-output layer); None when a size is unknown."""
        return self._analysed("activations")

    @property
    def receptive_field(self) -> ReceptiveField | None:
        return self._analysed("receptive_field")

    @property
    def analysis(self) -> list[Step]:
        """Worked steps of the operations, activations and receptive field (``Step.kind`` says which)."""
        return self._analysed("analysis", [])

    @property
    def multi_output(self) -> bool:
        return isinstance(self.output_shape, list)

    @property
    def params(self) -> int:
        return sum([w.size for w in self.weights if not w.buffer and w.counted_in is None])

    @property
    def trainable_params(self) -> int:
        return sum([w.size for w in self.weights if w.trainable and not w.buffer and w.counted_in is None])

    @property
    def total_trainable_params(self) -> int:
        """Its trainable parameters as the model's totals count them (see :attr:`Weight.total_trainable`)."""
        return sum([w.size for w in self.weights if w.counts_trainable and not w.buffer and w.counted_in is None])

    @property
    def non_trainable_params(self) -> int:
        return self.params - self.trainable_params

    @property
    def buffers(self) -> int:
        return sum([w.size for w in self.weights if w.buffer and w.counted_in is None])

    @property
    def called(self) -> bool:
        """False for a row of a module that is not called itself (a ModuleList, an unused branch): no output."""
        return not (isinstance(self.output_shape, list) and not self.output_shape)

    @property
    def flops(self) -> int | None:
        """Floating-point operations of the multiply-accumulates: 2 × MACs."""
        return None if self.macs is None else 2 * self.macs

    def steps_of(self, kind: str) -> list[Step]:
        """The analysis steps of one kind (``macs``, ``receptive_field`` ...)."""
        return [s for s in self.analysis if s.kind == kind]

    def to_dict(self, *, with_buffers: bool = False) -> dict[str, Any]:
        shape: Any = (
            [json_shape(s) for s in self.output_shape] if self.multi_output else json_shape(self.output_shape)
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
        out["macs"] = self.macs
        out["flops"] = self.flops
        out["other_ops"] = self.other_ops
        out["activations"] = self.activations
        out["receptive_field"] = None if self.receptive_field is None else self.receptive_field.to_dict()
        out["analysis"] = [s.to_dict() for s in self.analysis]
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

    @property
    def macs(self) -> int | None:
        """Sum of the layers' MACs (a model's row holds those of the rows under it); None when one is unknown."""
        return _sum_known(layer.macs for layer in self.top_layers)

    @property
    def flops(self) -> int | None:
        macs = self.macs
        return None if macs is None else 2 * macs

    @property
    def other_ops(self) -> int | None:
        return _sum_known(layer.other_ops for layer in self.top_layers)

    @property
    def activations(self) -> int | None:
        """Output elements per sample of the output layer (the last one)."""
        return self.layers[-1].activations if self.layers else None


@record(frozen=True)
class InputRecord:
    """A network input."""

    name: str
    shape: Shape
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "shape": json_shape(self.shape)}


@record(frozen=True)
class Node:
    """One step of a network's computation, in the order it runs: the name later steps read its output by,
    the names it reads (in its own network: a model used as a layer has its own names), its row (None for a
    further call of a shared Keras layer, shown in the layer's row) and its output shape; ``network`` is the
    network of a model used as a layer, as it was called (its steps run in its place)."""

    name: str
    inputs: tuple[str, ...]
    record: LayerRecord | None
    output_shape: Shape | list[Shape]
    network: Summary | None = None


@record
class Summary(LayerSums):
    """The computed network: inputs, layers in order, outputs and totals."""

    name: str | None
    inputs: list[InputRecord]
    layers: list[LayerRecord]
    outputs: list[str]
    framework: str = "keras"
    warnings: list[Notice] = field(default_factory=list)
    #: samples per batch that the operation counts are for
    batch: int = 1
    blocks: list[BlockInstance] = field(default_factory=list)
    #: the steps of the computation in the order they run (the rows of a model used as a layer are in its
    #: step's network); empty for a summary put together from rows, whose top-level rows are its steps
    flow: list[Node] = field(default_factory=list, repr=False, compare=False)

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
    def total_macs(self) -> int | None:
        """Sum of the layers' MACs; None when one of them is unknown."""
        return self.macs

    @property
    def total_flops(self) -> int | None:
        """2 × the total MACs."""
        return self.flops

    @property
    def total_other_ops(self) -> int | None:
        return self.other_ops

    @property
    def unknown_ops(self) -> list[str]:
        """Layers whose operations are unknown (their steps say why)."""
        return [layer.name for layer in self.top_layers if layer.macs is None or layer.other_ops is None]

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
        for nested in (False, True):  # a top-level row first
            for rec in self.layers:
                if rec.name == base and (rec.parent is not None) is nested and "call" not in rec.extra:
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
        out["batch"] = self.batch
        out["total_macs"] = self.total_macs
        out["total_flops"] = self.total_flops
        out["total_other_ops"] = self.total_other_ops
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

def _sum_known(values: Any) -> int | None:
    total = 0
    for v in values:
        if v is None:
            return None
        total += v
    return total
