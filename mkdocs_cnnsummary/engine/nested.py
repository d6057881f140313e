"""A model used as a layer: one row with the model's totals, and its own layers as rows under it.

As Keras' ``summary(expand_nested=True)`` shows it: the model's row has the output shape of the call
and the sum of its layers' parameters; each layer of the model follows with ``parent`` set to the
model's name and ``depth`` one more.  The totals of the outer network count the model's row only.

In a spec, the item's type is ``Sequential`` or ``Functional`` and its value a whole spec (``input``
or ``inputs``, ``layers``, ``outputs``).  A model without an input takes the shape it is called on,
as an unbuilt Keras Sequential does; a model with inputs checks that the call fits them.
"""

from __future__ import annotations

from ..i18n import S_, _
from .errors import SpecError
from .expr import total, var
from .modules import owned_tensor
from .summary import LayerRecord, Shape, Step, Summary, Weight

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .spec import LayerSpec, NetworkSpec

#: the item types that hold a whole network
MODEL_TYPES = ("Sequential", "Functional", "Model")


def is_model_item(spec: LayerSpec) -> bool:
    return getattr(spec, "network", None) is not None


def nested_type(type_name: str) -> str:
    """The type a row holding a network shows: ``Sequential``, ``Functional`` for a Keras model, or the class of a
    PyTorch module (``BasicBlock``)."""
    return "Functional" if type_name in ("Functional", "Model") else type_name


def run_nested(spec: LayerSpec, name: str, in_shapes: list[Shape], framework: str, batch: int = 1
               ) -> tuple[Shape | list[Shape], LayerRecord, list[LayerRecord]]:
    """Compute a model item called on ``in_shapes``: its output, its row and its layers' rows."""
    import copy

    from .network import build_summary

    inner: NetworkSpec = spec.network  # type: ignore[assignment]
    type_name = nested_type(spec.type)
    where = {"line": spec.line, "layer": name, "layer_type": type_name}
    if inner.inputs and any(i.shape is None for i in inner.inputs):  # a module: its inputs are what it is called on
        if len(inner.inputs) != len(in_shapes):
            raise SpecError(_("the module takes {len} input(s), got {len2}", len=len(inner.inputs),
                              len2=len(in_shapes)), **where)
        net = copy.copy(inner)
        net.inputs = [copy.copy(i) for i in inner.inputs]
        for ispec, got in zip(net.inputs, in_shapes, strict=True):
            ispec.shape, ispec.full = list(got), True
        own = called = _summary(build_summary, net, framework, where, batch)
    elif inner.inputs:
        if len(inner.inputs) != len(in_shapes):
            raise SpecError(_("the model takes {inputs} input(s), got {in_shapes}", inputs=len(inner.inputs),
                              in_shapes=len(in_shapes)), **where)
        own = _summary(build_summary, inner, framework, where, batch)
        for rec, got in zip(own.inputs, in_shapes, strict=True):
            want = rec.shape
            if len(want) != len(got) or any(w is not None and g is not None and w != g
                                             for w, g in zip(want, got, strict=True)):
                raise SpecError(_("the model expects inputs of shape {fmt}, got {fmt2}", fmt=_fmt(want),
                                  fmt2=_fmt(got)), **where,
                                hint=_("check the tensor the model is called on"))
        called = own
        if any(tuple(rec.shape) != tuple(got) for rec, got in zip(own.inputs, in_shapes, strict=True)):
            net = copy.copy(inner)
            net.inputs = [copy.copy(i) for i in inner.inputs]
            for ispec, got in zip(net.inputs, in_shapes, strict=True):
                ispec.shape, ispec.full = list(got), True
            called = _summary(build_summary, net, framework, where, batch)
    else:
        if len(in_shapes) != 1:
            raise SpecError(_("a Sequential model takes one input, got {in_shapes}", in_shapes=len(in_shapes)), **where)
        from .spec import InputSpec

        net = copy.copy(inner)
        net.inputs = [InputSpec(None, list(in_shapes[0]), spec.line, full=True)]
        own = called = _summary(build_summary, net, framework, where, batch)
    outputs = [output_shape_of(called, out) for out in called.outputs]
    trainable = spec.trainable is not False
    top = [rec for rec in own.layers if rec.parent is None]
    weights = [Weight(f"{rec.name}/{w.name}", w.shape, w.trainable and trainable, w.buffer)
               for rec in top for w in rec.weights]
    steps: list[Step] = []
    counted = [rec for rec in top if rec.params]
    if counted:
        expr = total([var(f"params({rec.name})", rec.params) for rec in counted])
        steps.append(Step(S_("params"), S_("sum of its layers' params") if len(counted) > 1 else expr.sym(),
                          expr.num(), expr.int_value))
    children = []
    for rec in own.layers:
        if rec.parent is None and owned_tensor(rec.type, framework):
            continue  # a tensor the module owns (an nn.Parameter): counted in the module's row, not a row
        child = copy.copy(rec)
        child.parent = rec.parent or name
        child.depth = rec.depth + 1
        if not trainable:
            child.weights = [Weight(w.name, w.shape, False, w.buffer) for w in rec.weights]
        children.append(child)
    out: Shape | list[Shape] = outputs[0] if len(outputs) == 1 else outputs
    record = LayerRecord(name=name, type=type_name, inputs=[], output_shape=out if isinstance(out, list)
                         else tuple(out), weights=weights, calculation=steps, line=spec.line,
                         lazy=ModelSums(top, network=called))
    return out, record, children


class ModelSums:
    """The analyses of a model's row: the sums of its layers' operations (read when first needed); a model
    used as a layer has no receptive field of its own.  ``output=False``: a row with no output of its own (a
    PyTorch ``ModuleList`` holding the modules it lists), whose activations are none.  ``network``: the
    model's network as it was called, whose steps the memory estimate runs in the row's place."""

    def __init__(self, layers: list[LayerRecord], *, output: bool = True, network: Summary | None = None) -> None:
        self.layers = layers
        self.output = output
        self.network = network
        self.done: dict[str, object] | None = None

    def jumps(self, name: str) -> None:
        """No receptive field, so no jumps (for the design checks, without summing the operations)."""
        return None

    def of(self, name: str) -> dict[str, object]:
        if self.done is None:
            steps: list[Step] = []
            self.done = {"analysis": steps, "receptive_field": None, "activations": self._activations()}
            for key, quantity in (("macs", S_("MACs")), ("other_ops", S_("other ops"))):
                values = [(rec.name, getattr(rec, key)) for rec in self.layers]
                expr = total([var(f"{key}({n})", v) for n, v in values if v != 0])
                value = None if any(v is None for _, v in values) else sum(v for _, v in values)
                steps.append(Step(quantity, S_("sum of its layers' {quantity}", quantity=quantity),
                                  None if value is None else expr.num(),
                                  value, None if value is not None else _("unknown for one of its layers"), key))
                self.done[key] = value
        return self.done

    def _activations(self) -> int | None:
        """The elements of the model's outputs (those of its network; a holder has none)."""
        if not self.output:
            return None
        if self.network is None:
            return self.layers[-1].activations if self.layers else None
        from .memory import tensors

        made = tensors(self.network)
        sizes = [made.sizes[key] for key in made.outputs]
        return None if None in sizes else sum(sizes)  # type: ignore[arg-type]


class InParent:
    """The analyses of a submodule row a layer shows (a TransformerEncoderLayer's ``self_attn``): its operations
    are counted in the row of the layer that computes them."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def of(self, name: str) -> dict[str, object]:
        why = _("counted in the row of {owner}", owner=self.owner)
        return {"macs": None, "other_ops": None, "activations": None, "receptive_field": None,
                "analysis": [Step(S_("MACs"), "", None, None, why, "macs")]}


class NotCalled:
    """The analyses of a module that is never called: it computes nothing."""

    def of(self, name: str) -> dict[str, object]:
        return {"macs": 0, "other_ops": 0, "activations": None, "receptive_field": None,
                "analysis": [Step(S_("MACs"), "0", "0", 0, _("not called: it computes nothing"), "macs")]}


def _summary(build, net, framework, where, batch=1):
    try:
        return build(net, framework, batch)
    except SpecError as exc:
        if exc.line is None:
            exc.located(line=where["line"])
        raise


def output_shape_of(summary, name: str) -> Shape:
    """The shape of an output of a computed summary: a layer (``lstm[1]`` picks one output) or an input."""
    rec = summary.layer(name) if name not in {i.name for i in summary.inputs} else None
    if rec is None:
        return next(i.shape for i in summary.inputs if i.name == name)
    shape = rec.output_shape
    if isinstance(shape, list):
        index = int(name[name.rindex("[") + 1:-1]) if name.endswith("]") else 0
        return shape[index]
    return shape


def _fmt(shape: Shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"
