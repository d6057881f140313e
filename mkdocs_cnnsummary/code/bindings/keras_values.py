"""Keras values as the reader models them: layers, symbolic tensors, Sequential and functional models.

They follow Keras 3: a layer is named when it is made (``conv2d``, ``conv2d_1`` ... counted over the
whole file, as ``keras.src.utils.naming.uniquify`` does); calling it on tensors records a node and
computes the output shape with the engine's layer class; a functional model orders its layers as
``keras.src.ops.function.map_graph`` does; a Sequential builds (and names an ``InputLayer`` and a
``functional``) when Keras would.  A model becomes the engine's NetworkSpec in :func:`model_network`.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...engine.errors import SpecError
from ...engine.layer import Layer
from ...engine.nested import output_shape_of
from ...engine.network import Computed, build_summary, nested_factory
from ...engine.spec import InputSpec, LayerSpec, NetworkSpec
from ...engine.summary import Shape
from ...i18n import _
from ..runtime import Builtin, Function, NetworkValue, Opaque, RuntimeObject, short_source

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .keras import KerasBinding

#: model methods that build nothing (skipped, with a note)
SKIPPED_METHODS = frozenset({
    "compile", "fit", "fit_generator", "evaluate", "evaluate_generator", "predict", "predict_generator",
    "predict_on_batch", "train_on_batch", "test_on_batch", "save", "save_weights", "load_weights", "summary",
    "to_json", "to_yaml", "get_config", "get_weights", "set_weights", "export", "reset_states", "reset_metrics",
    "plot_model", "make_train_function", "make_predict_function", "stop_training", "optimizer", "history",
    "compute_loss", "compiled_loss", "loss", "metrics", "metrics_names", "add_loss", "add_metric",
})


@dataclass(eq=False)
class KNode:
    """One call of a layer (or model) on tensors; an ``Input`` is a node without inputs."""

    op: Any  # KLayer | KModel | KInputLayer
    inputs: list[KTensor]
    outputs: list[KTensor] = field(default_factory=list)
    line: int | None = None
    file: str | None = None

    @property
    def is_input(self) -> bool:
        return isinstance(self.op, KInputLayer)


class KTensor(NetworkValue):
    """A symbolic tensor: the output ``index`` of a node, with its shape (batch first)."""

    def __init__(self, node: KNode, index: int, shape: Shape) -> None:
        self.node = node
        self.index = index
        self.shape = shape

    def describe(self) -> str:
        return _("the tensor {ref} of shape {fmt}", ref=self.ref(), fmt=_fmt(self.shape))

    def ref(self) -> str:
        op = self.node.op
        return f"{op.name}[{self.index}]" if len(self.node.outputs) > 1 else op.name

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "shape":
            return tuple(self.shape)
        if name in ("get_shape",):
            return Builtin(name, lambda i, n, a, k: tuple(self.shape))
        if name == "ndim":
            return len(self.shape)
        if name == "dtype":
            return "float32"
        if name == "name":
            return self.ref()
        if name == "_keras_history":
            raise interp.error(node, _("_keras_history is Keras' internal bookkeeping; the reader does not model it"))
        raise interp.error(node, _("{describe} has no attribute {name!r} that the reader knows",
                                   describe=self.describe(), name=name),
                           hint=_("tensors have .shape; use layers to compute with them"))

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        raise interp.error(node, _("arithmetic on Keras tensors ({node}) makes a Keras operation that the reader does "
                                   "not compute", node=short_source(node, 40)),
                           hint=_("write it with layers: layers.Add()([a, b]), layers.Multiply()([a, b]), "
                                  "layers.Rescaling(...) ..."))

    def rt_unary(self, interp: Interpreter, op: ast.unaryop, node: ast.AST) -> Any:
        return self.rt_binop(interp, ast.Sub(), self, False, node)

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        raise interp.error(node, _("slicing a Keras tensor ({node}) makes a Keras operation that the reader does not "
                                   "compute", node=short_source(node, 40)),
                           hint=_("use a layer such as Cropping2D or Reshape"))

    def rt_iter(self, interp: Interpreter, node: ast.AST) -> Any:
        raise interp.error(node, _("cannot loop over a Keras tensor"), hint=_("loop over a list of layers instead"))

    def rt_bool(self, interp: Interpreter, node: ast.AST) -> bool:
        raise interp.error(node, _("a Keras tensor has no truth value (its values are computed later)"))


class KLayer(NetworkValue):
    """A Keras layer made by the code: engine class, arguments, automatic or given name, calls."""

    def __init__(self, cls: type[Layer], args: list[Any], kwargs: dict[str, Any], name: str, *,
                 trainable: bool, input_shape: tuple[Any, ...] | None, line: int | None, file: str | None,
                 config: dict[str, Any], binding: KerasBinding) -> None:
        self.cls = cls
        self.args = args
        self.kwargs = kwargs
        self.name = name
        self.trainable = trainable
        self.input_shape = input_shape
        self.line = line
        self.file = file
        self.config = config
        self.nodes: list[KNode] = []
        self.binding = binding
        self.unknown_input: Opaque | None = None  # an input_shape= the reader cannot know (from data)
        self.built = False
        self.computed: Computed | None = None
        self.shape_function: Any = None  # Lambda(..., output_shape=f): f is called with the input shape(s)

    @property
    def type_name(self) -> str:
        return self.cls.type_name

    def describe(self) -> str:
        return _("the layer {name!r} ({type_name})", name=self.name, type_name=self.type_name)

    def spec(self, inputs: list[str] | None = None) -> LayerSpec:
        """The engine's LayerSpec (nested layers of wrappers included)."""
        return LayerSpec(type=self.type_name, args=[_spec_value(a) for a in self.args],
                         kwargs={k: _spec_value(v) for k, v in self.kwargs.items()}, name=self.name,
                         inputs=inputs, trainable=self.trainable, line=self.line)

    def engine_layer(self) -> Layer:
        """The engine's layer object, made once (from the arguments already checked when the layer was made)."""
        if self.computed is None:
            layer = self.cls(self.name, self.config, trainable=self.trainable, line=self.line)
            self.computed = Computed(layer)
        self.computed.layer.trainable = self.trainable
        return self.computed.layer

    def compute(self, shapes: list[Shape]) -> Any:
        """Output shape(s) for input shapes (remembered, so summarising the model reuses them)."""
        self.engine_layer()
        out, _ignored = self.computed.compute(shapes, nested_factory("keras"))  # type: ignore[union-attr]
        return out

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        tensors = call_or_run(interp, self, node, args, kwargs)
        if tensors is None:
            return interp.opaque(node, _("runs the layer on data, which the reader does not do"))
        shapes = [t.shape for t in tensors]
        if self.shape_function is not None:
            self.apply_shape_function(interp, node, shapes)
        try:
            out = self.compute(shapes)
        except SpecError as exc:
            raise relocate(exc, interp, node, self) from None
        self.mark_built()
        return new_node(self, tensors, out, interp, node)

    def apply_shape_function(self, interp: Interpreter, node: ast.AST, shapes: list[Shape]) -> None:
        """``Lambda(f, output_shape=g)``: call g on the input shape(s), as Keras does, for the output shape."""
        arg = tuple(shapes[0]) if len(shapes) == 1 else [tuple(s) for s in shapes]
        result = interp.call(self.shape_function, [arg], {}, node)
        if not isinstance(result, tuple | list) or not result or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in result):
            raise interp.error(node, _("the output_shape function of {describe} gave {result!r}, not a shape",
                                       describe=self.describe(), result=result),
                               hint=_("it must return the output shape, batch axis first"))
        self.kwargs["output_shape"] = tuple(result[1:])
        self.config = self.cls.bind([_spec_value(a) for a in self.args],
                                    {k: _spec_value(v) for k, v in self.kwargs.items()})
        self.computed = None
        self.shape_function = None
        interp.note(node, _("the output shape of {name!r} comes from calling its output_shape function: {tuple}",
                            name=self.name, tuple=tuple(result)), kind=
                "computed")

    def mark_built(self) -> None:
        """Keras builds a layer at its first call; some make unnamed layers then (numbers of their counters)."""
        if not self.built:
            self.built = True
            from .keras import SUBLAYERS_BUILT

            for base in SUBLAYERS_BUILT.get(self.type_name, ()):
                self.binding.uniquify(base)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "name":
            return self.name
        if name == "trainable":
            return self.trainable
        if name in ("output", "input"):
            return single_node_tensor(self, name, interp, node)
        if name == "output_shape":
            return single_node_tensor(self, "output", interp, node).shape
        if name in self.config:
            value = self.config[name]
            return list(value) if isinstance(value, list) else value
        if name in ("count_params",):
            return Builtin(name, lambda i, n, a, k: self.count_params(i, n))
        if name in ("get_config", "get_weights", "set_weights", "build", "add_weight"):
            return Builtin(name, lambda i, n, a, k: i.skipped(n) or i.opaque(n))
        if name in ("weights", "trainable_weights", "non_trainable_weights", "kernel", "bias"):
            return interp.opaque(node, _("are weight values, which the reader does not compute"))
        raise interp.error(node, _("{describe} has no attribute {name!r} that the reader knows",
                                   describe=self.describe(), name=name))

    def set_trainable(self, flag: bool) -> None:
        """As Keras' setter: the layers this one holds (a wrapper's layer) follow."""
        self.trainable = flag
        held = [value for value in [*self.args, *self.kwargs.values()] if isinstance(value, KLayer)]
        for value in held:
            value.set_trainable(flag)
        if held:  # the arguments hold the layers' specs: read them again
            self.config = self.cls.bind([_spec_value(a) for a in self.args],
                                        {k: _spec_value(v) for k, v in self.kwargs.items()})
            self.computed = None

    def count_params(self, interp: Interpreter, node: ast.AST) -> int:
        if not self.nodes:
            raise interp.error(node, _("{describe} is not built yet (it has not been called on a tensor)",
                                       describe=self.describe()))
        shapes = [t.shape for t in self.nodes[0].inputs]
        self.engine_layer()
        _ignored, calc = self.computed.compute(shapes, nested_factory("keras"))  # type: ignore[union-attr]
        return sum(w.size for w in calc.weights if not w.buffer)

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        if name == "trainable":
            self.set_trainable(bool(interp.truth(value, node)))
            return
        if name in ("name",):
            raise interp.error(node, _("renaming a layer after it is made is not supported by the reader"),
                               hint=_("give the name when the layer is made: {type_name}(..., name=...)",
                                      type_name=self.type_name))
        interp.skipped(node, f"setting {name} of a layer")


class KInputLayer(NetworkValue):
    """An ``InputLayer`` (``Input(...)`` returns its tensor); shape includes the batch axis."""

    def __init__(self, name: str, shape: Shape, line: int | None, file: str | None) -> None:
        self.name = name
        self.shape = shape
        self.line = line
        self.file = file
        self.node = KNode(self, [], [], line, file)
        self.node.outputs.append(KTensor(self.node, 0, shape))
        self.trainable = True

    @property
    def output(self) -> KTensor:
        return self.node.outputs[0]

    def describe(self) -> str:
        return _("the input {name!r}", name=self.name)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "name":
            return self.name
        if name in ("output", "input"):
            return self.output
        if name in ("batch_shape", "output_shape"):
            return tuple(self.shape)
        raise interp.error(node, _("{describe} has no attribute {name!r} that the reader knows",
                                   describe=self.describe(), name=name))


class KModel(NetworkValue):
    """A Sequential or functional model made by the code."""

    def __init__(self, kind: str, name: str, binding: KerasBinding, line: int | None, file: str | None,
                 trainable: bool = True) -> None:
        self.kind = kind  # "sequential" | "functional"
        self.name = name
        self.binding = binding
        self.line = line
        self.file = file
        self.trainable = trainable
        self.nodes: list[KNode] = []
        # functional
        self.inputs: list[KTensor] = []
        self.outputs: list[KTensor] = []
        self.output_structure: Any = None
        self.operations: list[Any] = []
        self.graph: tuple[list[Any], dict[int, list[KNode]]] | None = None  # graph_operations' result
        # sequential
        self.stack: list[Any] = []  # KInputLayer first when given, then layers and models
        self.chain: list[Shape] = []  # output shape after each item of the stack, when built
        self.built = False
        self.graph_size = 0  # how many items of the stack the tensors in inputs/outputs cover

    @property
    def type_name(self) -> str:
        return "Sequential" if self.kind == "sequential" else "Functional"

    def describe(self) -> str:
        return _("the model {name!r} ({type_name})", name=self.name, type_name=self.type_name)

    # Sequential ------------------------------------------------------------------------------------
    def add(self, interp: Interpreter, node: ast.AST, item: Any, rebuild: bool = True) -> None:
        if not self.stack and isinstance(item, KLayer) and item.input_shape is not None:
            self.add(interp, node, self.binding.input_layer(interp, node, item.input_shape, None), True)
        if isinstance(item, KTensor) and isinstance(item.node.op, KInputLayer):
            item = item.node.op
        if isinstance(item, KTensor):
            raise interp.error(node, _("only layers can be added to a Sequential model, not {describe}",
                                       describe=item.describe()),
                               hint=_("add the layer itself; tensors belong to the functional API"))
        if isinstance(item, Opaque):
            raise interp.error(node, _("only Keras layers can be added to a Sequential model; {describe} is not "
                                       "known: {explain}", describe=item.describe(), explain=item.explain()),
                               hint=_paste_hint(item))
        if not isinstance(item, KLayer | KModel | KInputLayer):
            what = item.describe() if isinstance(item, RuntimeObject) else repr(item)
            raise interp.error(node, _("only Keras layers can be added to a Sequential model, not {what}", what=what),
                               hint=_("add a layer such as Dense(10)"))
        if any(other.name == item.name for other in self.stack):
            raise interp.error(node, _("the name {name!r} is already the name of a layer in {name2!r}", name=item.name,
                                       name2=self.name),
                               hint=_("give each layer of the model its own name="))
        if isinstance(item, KInputLayer) and self.stack and isinstance(self.stack[0], KInputLayer):
            raise interp.error(node, _("{name!r} already has an input of shape {fmt}", name=self.name,
                                       fmt=_fmt(self.stack[0].shape)),
                               hint=_("a Sequential model takes one Input, first"))
        self.stack.append(item)
        if rebuild:
            self.maybe_rebuild(interp, node)
        else:
            self.built = False

    def maybe_rebuild(self, interp: Interpreter, node: ast.AST) -> None:
        self.built = False
        first = self.stack[0] if self.stack else None
        if len(self.stack) > 1 and isinstance(first, KInputLayer):
            self.build(interp, node, first.shape, rebuild=True)
        elif len(self.stack) > 1 and isinstance(first, KModel) and first.input_shape() is not None:
            self.build(interp, node, first.input_shape(), rebuild=True)

    def build(self, interp: Interpreter, node: ast.AST, batch_shape: Shape, rebuild: bool = False) -> None:
        """``Sequential.build``: an InputLayer (named now) if there is none, then every layer's shape."""
        if not self.stack:
            raise interp.error(node, _("the Sequential model {name!r} has no layers to build", name=self.name),
                               hint=_("add layers with model.add(...) first"))
        first = self.stack[0]
        if isinstance(first, KInputLayer):
            if tuple(first.shape) != tuple(batch_shape):
                raise interp.error(node, _("{name!r} was made for input shape {fmt}, not {fmt2}", name=self.name,
                                           fmt=_fmt(first.shape), fmt2=_fmt(batch_shape)))
        else:
            self.stack.insert(0, self.binding.input_layer(interp, node, tuple(batch_shape)[1:], None,
                                                          batch=batch_shape[0]))
        self.binding.uniquify("functional")
        self.extend_chain(interp, node)
        self.built = True

    def extend_chain(self, interp: Interpreter, node: ast.AST) -> None:
        """Shapes through the stack (only the items not computed yet: adding a layer costs one layer)."""
        first = self.stack[0]
        if not self.chain:
            self.chain = [tuple(first.shape)]
        for item in self.stack[len(self.chain):]:
            shape = self.chain[-1]
            try:
                if isinstance(item, KLayer):
                    out = item.compute([shape])
                    item.mark_built()
                elif isinstance(item, KModel):
                    out = item.output_shapes(interp, node, [shape])
                    out = out[0] if len(out) == 1 else out
                else:
                    raise interp.error(node, _("{describe} cannot follow other layers in a Sequential model",
                                               describe=item.describe()))
            except SpecError as exc:
                raise relocate(exc, interp, node, item) from None
            if isinstance(out, list):
                raise interp.error(node, _("{describe} has several outputs, which a Sequential model cannot pass on",
                                           describe=item.describe()), hint=_(
                        "use the functional API"))
            self.chain.append(out)

    def layers(self) -> list[Any]:
        if self.kind == "sequential":
            return [item for item in self.stack if not isinstance(item, KInputLayer)]
        return list(self.operations)

    def input_shape(self) -> Shape | None:
        if self.kind == "sequential":
            return tuple(self.stack[0].shape) if self.stack and isinstance(self.stack[0], KInputLayer) else None
        return tuple(self.inputs[0].shape) if len(self.inputs) == 1 else None

    # as a layer -----------------------------------------------------------------------------------------
    def output_shapes(self, interp: Interpreter, node: ast.AST, shapes: list[Shape]) -> list[Shape]:
        """The output shapes of the model called on inputs of ``shapes`` (built first, if needed)."""
        if self.kind == "sequential" and not self.built:
            if len(shapes) != 1:
                raise interp.error(node, _("the Sequential model {name!r} takes one input, got {shapes}",
                                           name=self.name, shapes=len(shapes)))
            self.build(interp, node, shapes[0])
        declared = [t.shape for t in self.inputs] if self.kind == "functional" else [self.stack[0].shape]
        if len(declared) != len(shapes):
            raise interp.error(node, _("{describe} takes {declared} input(s), got {shapes}", describe=self.describe(),
                                       declared=len(declared), shapes=len(shapes)))
        for want, got in zip(declared, shapes, strict=True):
            if not _compatible(want, got):
                raise interp.error(node, _("{describe} expects inputs of shape {fmt}, got {fmt2}",
                                           describe=self.describe(), fmt=_fmt(want), fmt2=_fmt(got)), hint=_(
                        "check the tensor the model is called on"))
        net = model_network(self, interp, node)
        for spec, shape in zip(net.inputs, shapes, strict=True):
            spec.shape = list(shape[1:])
        summary = build_summary(net, "keras")
        return [output_shape_of(summary, name) for name in summary.outputs]

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        tensors = call_or_run(interp, self, node, args, kwargs)
        if tensors is None:
            return interp.opaque(node, _("runs the model on data, which the reader does not do"))
        out = self.output_shapes(interp, node, [t.shape for t in tensors])
        return new_node(self, tensors, out if len(out) > 1 else out[0], interp, node)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name in SKIPPED_METHODS:
            return Builtin(name, lambda i, n, a, k: i.skipped(n, f"{self.name_in(n)}.{name}(...)") or
                           i.opaque(n, _("is training or saving, which the reader does not run"), config=True))
        if name == "name":
            return self.name
        if name == "trainable":
            return self.trainable
        if name == "layers":
            return self.layers()
        if name == "add" and self.kind == "sequential":
            def add(i: Interpreter, n: ast.AST, a: list[Any], k: dict[str, Any]) -> None:
                if len(a) != 1 or set(k) - {"rebuild"}:
                    raise i.error(n, _("model.add() takes one layer"))
                self.add(i, n, a[0], bool(k.get("rebuild", True)))

            return Builtin("add", add)
        if name == "pop" and self.kind == "sequential":
            def pop(i: Interpreter, n: ast.AST, a: list[Any], k: dict[str, Any]) -> Any:
                if not self.layers():
                    raise i.error(n, _("{name!r} has no layers to pop", name=self.name))
                item = self.stack.pop()
                self.chain = self.chain[:len(self.stack)] if self.chain else []
                self.maybe_rebuild(i, n)
                return item

            return Builtin("pop", pop)
        if name == "build":
            def build(i: Interpreter, n: ast.AST, a: list[Any], k: dict[str, Any]) -> None:
                shape = a[0] if a else k.get("input_shape")
                if self.kind == "functional":
                    return None
                batch_shape = self.binding.batch_shape(i, n, shape)
                if not self.built:
                    self.build(i, n, batch_shape)

            return Builtin("build", build)
        if name == "get_layer":
            return Builtin("get_layer", self.get_layer)
        if name in ("input", "inputs", "output", "outputs", "input_shape", "output_shape"):
            return self.io(interp, name, node)
        if name == "count_params":
            return Builtin(name, lambda i, n, a, k: self.count_params(i, n))
        raise interp.error(node, _("{describe} has no attribute {name!r} that the reader knows",
                                   describe=self.describe(), name=name))

    def name_in(self, node: ast.AST) -> str:
        call = getattr(node, "func", None)
        if isinstance(call, ast.Attribute):
            return short_source(call.value, 30)
        return self.name

    def get_layer(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        name = args[0] if args else kwargs.get("name")
        index = args[1] if len(args) > 1 else kwargs.get("index")
        layers = self.layers() if self.kind == "sequential" else [*self.input_layers(), *self.operations]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            from ...engine.errors import did_you_mean

            raise interp.error(node, _("{describe} has no layer named {name!r}", describe=self.describe(), name=name),
                               hint=did_you_mean(str(name), [layer.name for layer in layers]))
        if isinstance(index, int) and -len(layers) <= index < len(layers):
            return layers[index]
        raise interp.error(node, _("get_layer() needs a name or an index of the model's layers"))

    def input_layers(self) -> list[KInputLayer]:
        return [t.node.op for t in self.inputs if isinstance(t.node.op, KInputLayer)]

    def io(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if self.kind == "sequential":
            if not self.built:
                raise interp.error(node, _("the Sequential model {name!r} has no {name2} yet: it is not built",
                                           name=self.name, name2=name),
                                   hint=_("give the first layer input_shape=... or start with keras.Input(...)"))
            if name in ("input_shape", "output_shape"):
                return tuple(self.chain[0] if name == "input_shape" else self.chain[-1])
            ensure_sequential_graph(self, interp, node)
        if name in ("input", "inputs"):
            tensors = self.inputs
            return tensors if name == "inputs" or len(tensors) > 1 else tensors[0]
        if name in ("output", "outputs"):
            tensors = self.outputs
            return tensors if name == "outputs" or len(tensors) > 1 else tensors[0]
        tensors = self.inputs if name == "input_shape" else self.outputs
        shapes = [tuple(t.shape) for t in tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    def count_params(self, interp: Interpreter, node: ast.AST) -> int:
        net = model_network(self, interp, node)
        try:
            return build_summary(net, "keras").total_params
        except SpecError as exc:
            raise relocate(exc, interp, node, self) from None

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        if name == "trainable":
            flag = bool(interp.truth(value, node))
            self.set_trainable(flag)
            return
        interp.skipped(node, f"setting {name} of a model")

    def set_trainable(self, flag: bool) -> None:
        """As Keras: setting a model's ``trainable`` sets every layer's."""
        self.trainable = flag
        for layer in self.layers():
            if isinstance(layer, KModel | KLayer):
                layer.set_trainable(flag)


# calls and nodes ---------------------------------------------------------------------------------------


def call_inputs(interp: Interpreter, op: Any, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> list[KTensor]:
    """The tensors a layer is called on: ``layer(x)``, ``layer([a, b])``, ``layer(q, v)`` ..."""
    kwargs = {k: v for k, v in kwargs.items() if k not in ("training", "mask")}
    values: list[Any] = []
    for a in args:
        values.extend(a if isinstance(a, list | tuple) else [a])
    if "initial_state" in kwargs:  # recurrent layers: the states follow the sequence as further inputs
        states = kwargs.pop("initial_state")
        if states is not None:
            values.extend(states if isinstance(states, list | tuple) else [states])
    for key in ("inputs", "query", "value", "key"):
        if key in kwargs:
            v = kwargs.pop(key)
            values.extend(v if isinstance(v, list | tuple) else [v])
    if kwargs:
        raise interp.error(node, _("calling {describe} with {sorted}= is not supported by the reader",
                                   describe=op.describe(), sorted=
                ', '.join(sorted(kwargs))), hint=_("call the layer on its input tensors only"))
    if not values:
        raise interp.error(node, _("{describe} is called without an input", describe=op.describe()))
    tensors = []
    for v in values:
        if isinstance(v, KTensor):
            tensors.append(v)
        elif isinstance(v, KLayer | KModel | KInputLayer):
            raise interp.error(node, _("{describe} is called on {describe2}, not on a tensor", describe=op.describe(),
                                       describe2=v.describe()),
                               hint=_("call a layer on the output of another: y = layer(x), with x = keras.Input(...) "
                                      "or an earlier layer's output"))
        elif isinstance(v, Opaque) or not isinstance(v, RuntimeObject):
            raise RunsOnData(v)
        else:
            raise interp.error(node, _("{describe} is called on {node}, not on a Keras tensor", describe=op.describe(),
                                       node=short_source(node, 40)), hint=_(
                    "calling a layer on data runs it; the reader follows layers called on keras.Input(...) tensors"))
    return tensors


class RunsOnData(Exception):
    """A layer or model called on data rather than on symbolic tensors: it runs (prediction)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def call_or_run(interp: Interpreter, op: Any, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """The tensors of a symbolic call, or None when the call runs the layer on data (skipped)."""
    try:
        return call_inputs(interp, op, node, args, kwargs)
    except RunsOnData:
        interp.skipped(node, _("{getattr}(...) on data", getattr=short_source(getattr(node, 'func', node), 30)))
        return None


def new_node(op: Any, inputs: list[KTensor], out: Shape | list[Shape], interp: Interpreter, node: ast.AST) -> Any:
    """Record a call and return its output tensor (or the list of them)."""
    record = KNode(op, inputs, [], getattr(node, "lineno", None), interp.file)
    shapes = out if isinstance(out, list) else [out]
    record.outputs = [KTensor(record, i, tuple(s)) for i, s in enumerate(shapes)]
    op.nodes.append(record)
    return record.outputs if isinstance(out, list) else record.outputs[0]


def single_node_tensor(layer: KLayer, name: str, interp: Interpreter, node: ast.AST) -> Any:
    if not layer.nodes:
        raise interp.error(node, _("{describe} has no {name} yet: it has not been called on a tensor",
                                   describe=layer.describe(), name=name))
    call = layer.nodes[0]  # Keras 3: the first call's
    tensors = call.outputs if name == "output" else call.inputs
    return tensors[0] if len(tensors) == 1 else list(tensors)


def relocate(exc: SpecError, interp: Interpreter, node: ast.AST, op: Any) -> SpecError:
    """A shape error found while calling a layer: at the line of the call, in the current file."""
    exc.line = getattr(node, "lineno", exc.line)
    exc.file = interp.file
    if exc.layer is None and hasattr(op, "name"):
        exc.layer = op.name
        exc.layer_type = getattr(op, "type_name", None)
    exc.args = (exc.describe(),)
    return exc


def ensure_sequential_graph(model: KModel, interp: Interpreter, node: ast.AST) -> None:
    """A built Sequential as a graph of nodes (for ``model.output``, ``model.layers[i].output``)."""
    if model.inputs and model.graph_size == len(model.stack):
        return
    model.graph_size = len(model.stack)
    first = model.stack[0]
    tensor = first.output
    model.inputs = [tensor]
    for item in model.stack[1:]:
        tensor = item.rt_call(interp, node, [tensor], {})
    model.outputs = [tensor]


# the graph of a functional model ------------------------------------------------------------------------


def graph_operations(inputs: list[KTensor], outputs: list[KTensor], interp: Interpreter,
                     node: ast.AST) -> tuple[list[Any], dict[int, list[KNode]]]:
    """The operations between ``inputs`` and ``outputs`` in Keras' order (``map_graph``), and each
    operation's nodes in the graph (by ``id`` of the operation)."""
    input_ids = {id(t) for t in inputs}
    finished: set[int] = set()
    in_progress: set[int] = set()
    ordered: list[KNode] = []
    op_index: dict[int, int] = {}
    for output in outputs:
        stack: list[tuple[KTensor, int]] = [(output, 0)]
        while stack:
            tensor, state = stack.pop()
            current = tensor.node
            if state == 0:
                if id(current) in finished:
                    continue
                if not current.is_input and id(tensor) in input_ids:
                    finished.add(id(current))
                    continue
                if id(current) in in_progress:
                    raise interp.error(node, _("the layer {name!r} is part of a cycle", name=current.op.name))
                op_index.setdefault(id(current.op), len(op_index))
                in_progress.add(id(current))
                stack.append((tensor, 1))
                if not current.is_input:
                    for parent in reversed(current.inputs):
                        stack.append((parent, 0))
            else:
                if id(current) in finished:
                    continue
                finished.add(id(current))
                in_progress.discard(id(current))
                ordered.append(current)
    in_graph = {id(n) for n in ordered}
    node_depth: dict[int, int] = {}
    op_depth: dict[int, int] = {}
    ops: dict[int, Any] = {}
    for current in reversed(ordered):
        depth = node_depth.setdefault(id(current), 0)
        depth = max(depth, op_depth.get(id(current.op), 0))
        op_depth[id(current.op)] = depth
        ops[id(current.op)] = current.op
        node_depth[id(current)] = depth
        for parent in current.inputs:
            if id(parent.node) in in_graph:
                node_depth[id(parent.node)] = max(depth + 1, node_depth.get(id(parent.node), 0))
    for tensor in inputs:
        op = tensor.node.op
        if id(op) not in op_depth and tensor.node.is_input:
            op_depth[id(op)] = 0
            op_index[id(op)] = -1
            ops[id(op)] = op
    # every tensor a node needs must come from the inputs
    available = set(input_ids)
    for current in sorted(ordered, key=lambda n: -node_depth[id(n)]):
        for tensor in current.inputs:
            if id(tensor) not in available:
                raise interp.error(node, _("the model's outputs depend on {describe}, which does not come from the "
                                           "model's inputs (Keras: graph disconnected)", describe=tensor.describe()),
                                   hint=_("list every Input the outputs depend on in the model's inputs"))
        if current.is_input and id(current.outputs[0]) not in input_ids:
            raise interp.error(node, _("the model's outputs depend on {describe}, which is not one of its inputs "
                                       "(Keras: graph disconnected)", describe=current.op.describe()),
                               hint=_("add {name!r} to the model's inputs", name=current.op.name))
        available.update(id(t) for t in current.outputs)
    by_depth: dict[int, list[Any]] = {}
    for key, depth in op_depth.items():
        by_depth.setdefault(depth, []).append(ops[key])
    order: list[Any] = []
    for depth in sorted(by_depth, reverse=True):
        order.extend(sorted(by_depth[depth], key=lambda op: op_index[id(op)]))
    nodes_of: dict[int, list[KNode]] = {}
    for current in ordered:
        nodes_of.setdefault(id(current.op), []).append(current)
    counts = Counter(op.name for op in order)
    for name, count in counts.items():
        if count > 1:
            raise interp.error(node, _("the name {name!r} is used {count} times in the model", name=name, count=count),
                               hint=_("give each layer its own name="))
    return order, nodes_of


# to the engine's description -------------------------------------------------------------------------------


def model_network(model: KModel, interp: Interpreter, node: ast.AST | None,
                  inputs: list[Any] | None = None) -> NetworkSpec:
    """The NetworkSpec of a model (nested models become nested NetworkSpecs)."""
    if model.kind == "sequential":
        return _sequential_network(model, interp, node, inputs)
    return _functional_network(model, interp, node)


def _sequential_network(model: KModel, interp: Interpreter, node: ast.AST | None,
                        inputs: list[Any] | None) -> NetworkSpec:
    items = model.layers()
    first = model.stack[0] if model.stack else None
    specs = []
    if isinstance(first, KInputLayer):
        specs.append(InputSpec(first.name, list(first.shape[1:]), first.line))
    elif inputs:
        if len(inputs) != 1:
            raise interp.error(node, _("the Sequential model {name!r} takes one input, got {inputs} shapes",
                                       name=model.name, inputs=len(inputs)))
        model.build(interp, node, (None, *inputs[0]))
        first = model.stack[0]
        specs.append(InputSpec(first.name, list(first.shape[1:]), first.line))
    if not items:
        raise interp.error(node, _("the Sequential model {name!r} has no layers", name=model.name))
    layers = [_op_spec(item, None, interp, node) for item in items]
    net = NetworkSpec(layers=layers, inputs=specs, name=model.name, framework="keras")
    net.computed = _computed(items)
    return net


def _functional_network(model: KModel, interp: Interpreter, node: ast.AST | None) -> NetworkSpec:
    order, nodes_of = model.graph if model.graph is not None else graph_operations(model.inputs, model.outputs,
                                                                                    interp, node)
    refs: dict[int, str] = {}  # tensor -> how the spec refers to it
    for op in order:
        calls = sorted(nodes_of.get(id(op), []), key=lambda n: _call_index(op, n))
        for k, call in enumerate(calls):
            label = op.name if k == 0 else f"{op.name}@{k}"
            for t in call.outputs:
                refs[id(t)] = f"{label}[{t.index}]" if len(call.outputs) > 1 else label
    specs: list[LayerSpec] = []
    again: list[LayerSpec] = []  # further calls of shared layers (no rows of their own)
    for op in order:
        if isinstance(op, KInputLayer):
            continue
        calls = sorted(nodes_of.get(id(op), []), key=lambda n: _call_index(op, n))
        for k, call in enumerate(calls):
            inputs = [refs.get(id(t)) or _tensor_ref(t) for t in call.inputs]
            if k == 0:
                specs.append(_op_spec(op, inputs, interp, node))
            else:
                again.append(LayerSpec(type="", name=f"{op.name}@{k}", inputs=inputs, line=call.line, reuse=op.name))
    specs.extend(again)
    input_specs = []
    for tensor in model.inputs:
        op = tensor.node.op
        if not isinstance(op, KInputLayer):
            raise interp.error(node, _("the model's input {describe} is not made by keras.Input(...)",
                                       describe=tensor.describe()),
                               hint=_("start the model from Input tensors"))
        input_specs.append(InputSpec(op.name, list(op.shape[1:]), op.line))
    outputs = [refs.get(id(t)) or _tensor_ref(t) for t in model.outputs]
    net = NetworkSpec(layers=specs, inputs=input_specs, name=model.name, framework="keras", outputs=outputs)
    net.computed = _computed(order)
    return net


def _computed(ops: list[Any]) -> dict[str, Computed]:
    """The layers already computed while the code ran, for build_summary to reuse."""
    return {op.name: op.computed for op in ops if isinstance(op, KLayer) and op.computed is not None}


def _op_spec(op: Any, inputs: list[str] | None, interp: Interpreter, node: ast.AST | None) -> LayerSpec:
    if isinstance(op, KLayer):
        return op.spec(inputs)
    if isinstance(op, KModel):
        inner = model_network(op, interp, node)
        spec = LayerSpec(type=op.type_name, name=op.name, inputs=inputs, trainable=op.trainable, line=op.line)
        spec.network = inner  # type: ignore[attr-defined]
        return spec
    raise interp.error(node, _("{describe} cannot be part of a model", describe=op.describe()))


def _call_index(op: Any, call: KNode) -> int:
    return next((i for i, n in enumerate(getattr(op, "nodes", [])) if n is call), 0)


def _tensor_ref(tensor: KTensor) -> str:
    return tensor.ref()


def _spec_value(value: Any) -> Any:
    """An argument as the engine reads it (nested layers as LayerSpecs, functions by name)."""
    if isinstance(value, KLayer):
        return value.spec()
    if isinstance(value, list | tuple):
        return [_spec_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _spec_value(v) for k, v in value.items()}
    if isinstance(value, Symbol):
        return value.name
    if isinstance(value, Opaque):
        return value.origin
    if isinstance(value, Function):
        return value.name
    return value


class Symbol(RuntimeObject):
    """A function of the framework used by name (``keras.activations.relu``, ``tf.nn.relu``)."""

    def __init__(self, name: str, qualified: str) -> None:
        self.name = name
        self.qualified = qualified

    def describe(self) -> str:
        return self.qualified

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if any(isinstance(a, NetworkValue) for a in [*args, *kwargs.values()]):
            raise interp.error(node, _("{qualified}(...) on a Keras tensor makes an operation the reader does not "
                                       "compute", qualified=self.qualified), hint=_(
                                               "use the layer: layers.Activation({name!r})", name=self.name))
        return interp.opaque(node, _("is a computation on data, which the reader does not run"))


def _paste_hint(value: Opaque) -> str:
    name = value.origin.split("(")[0]
    return _("paste the definition of {name} into the code, or check its spelling", name=name)


def _fmt(shape: Any) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _compatible(want: Shape, got: Shape) -> bool:
    return len(want) == len(got) and all(w is None or g is None or w == g for w, g in zip(want, got, strict=True))
