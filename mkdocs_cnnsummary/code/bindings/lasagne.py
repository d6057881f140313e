"""The Lasagne and nolearn binding: layer chains and ``NeuralNet(layers=[...], ...)``.

Lasagne layers take the layer before them as their first argument (``incoming``, or ``incomings``
for ConcatLayer and ElemwiseSumLayer); the network is the graph behind the output layer, ordered as
``lasagne.layers.get_all_layers`` orders it.  nolearn's ``NeuralNet`` takes its layers as
``(name, LayerClass)`` pairs with the arguments given as ``{name}_{argument}=...`` (seed 001's
style), or as ``(LayerClass, {arguments})`` pairs named ``conv2d1``, ``maxpool2d2`` ... as nolearn
names them; each layer's ``incoming`` is the one before it.  Shapes are computed by the engine's
Lasagne catalog when the network is summarised, so an input shape taken from data
(``X.shape[1]``) can be given as ``inputs``.
"""

from __future__ import annotations

import ast
from collections import deque
from typing import TYPE_CHECKING, Any

from ...engine.errors import SpecError, did_you_mean
from ...engine.framework import get_framework
from ...engine.layer import Layer, catalog
from ...engine.network import build_summary, free_name
from ...engine.spec import LayerSpec, NetworkSpec
from ...i18n import _
from ..runtime import Builtin, Module, NetworkValue, Opaque, RuntimeObject, short_source
from . import Binding

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from ..runtime import Class

#: layer classes of Lasagne's optional back ends, with the same shapes and counts as the plain ones
BACKEND_ALIASES = {"Conv2DDNNLayer": "Conv2DLayer", "Conv3DDNNLayer": "Conv3DLayer", "Conv2DCCLayer": "Conv2DLayer",
                   "Conv2DMMLayer": "Conv2DLayer", "MaxPool2DDNNLayer": "MaxPool2DLayer",
                   "Pool2DDNNLayer": "Pool2DLayer", "MaxPool2DCCLayer": "MaxPool2DLayer"}
#: layers that take several incoming layers
MERGE_LAYERS = frozenset({"ConcatLayer", "ElemwiseSumLayer"})
NONLINEARITIES = frozenset({"rectify", "softmax", "sigmoid", "tanh", "linear", "identity", "elu", "selu",
                            "softplus", "leaky_rectify", "very_leaky_rectify", "ScaledTanH", "LeakyRectify",
                            "SELU", "ScaledTanh", "scaled_tanh", "hard_sigmoid"})


class LasagneBinding(Binding):
    """Lasagne (``lasagne.layers``) and nolearn (``nolearn.lasagne.NeuralNet``)."""

    name = "lasagne"
    framework = "lasagne"
    roots = ("lasagne", "nolearn", "theano")
    model_makers = ("NeuralNet", "InputLayer")

    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self._modules: dict[str, Any] = {}
        self.missing: dict[str, tuple[str, int | None, str | None]] = {}

    # modules ----------------------------------------------------------------------------------------
    def module(self, dotted: str, interp: Interpreter, node: ast.AST) -> Module | None:
        parts = dotted.split(".")
        if parts[0] not in self.roots:
            return None
        if parts[0] == "theano":
            return Opaque(dotted, getattr(node, "lineno", None), interp.file,  # type: ignore[return-value]
                          _("is Theano (symbolic variables and compilation), which the reader does not run"),
                          config=True)
        if parts[0] == "nolearn":
            return self._nolearn()
        if len(parts) == 1:
            return self._lasagne()
        if parts[1] == "layers":
            return self._layers()
        if parts[1] == "nonlinearities":
            return self._nonlinearities()
        return Opaque(dotted, getattr(node, "lineno", None), interp.file,  # type: ignore[return-value]
                      _("configures training (updates, objectives, initializers), which the reader does not run"),
                      config=True)

    def _cached(self, key: str, make: Any) -> Any:
        if key not in self._modules:
            self._modules[key] = make()
        return self._modules[key]

    def _lasagne(self) -> Module:
        def getter(name: str) -> Any:
            return Opaque(f"lasagne.{name}", None, None, _("configures training, which the reader does not run"),
                          config=True)

        return self._cached("lasagne", lambda: Module("lasagne", {
            "layers": self._layers(), "nonlinearities": self._nonlinearities()}, getter))

    def _layers(self) -> Module:
        def make() -> Module:
            members: dict[str, Any] = {}
            for name, cls in catalog("lasagne").items():
                members[name] = LLayerClass(self, name, cls)
            for alias, name in BACKEND_ALIASES.items():
                members[alias] = LLayerClass(self, alias, catalog("lasagne")[name])
            members["batch_norm"] = Builtin("batch_norm", self.batch_norm)
            members["get_output_shape"] = Builtin("get_output_shape", self.get_output_shape)
            members["count_params"] = Builtin("count_params", self.count_params)
            members["get_all_layers"] = Builtin("get_all_layers", lambda i, n, a, k: all_layers(_outputs(i, n, a)))
            members["Layer"] = LBase()

            def getter(name: str) -> Any:
                if name in ("dnn", "cuda_convnet", "corrmm", "conv", "pool", "dense", "noise", "normalization",
                            "merge", "shape", "input", "special", "helper"):
                    return self._layers()
                if name.startswith("get_") or name in ("set_all_param_values",):
                    return Opaque(f"lasagne.layers.{name}", None, None, _(
                            "reads parameters or outputs, which the reader does not compute"), config=True)
                return None

            return Module("lasagne.layers", members, getter)

        return self._cached("layers", make)

    def _nonlinearities(self) -> Module:
        def getter(name: str) -> Any:
            return LSymbol(name) if name in NONLINEARITIES else None

        return self._cached("nonlinearities", lambda: Module("lasagne.nonlinearities", {}, getter))

    def _nolearn(self) -> Module:
        def getter(name: str) -> Any:
            if name in ("lasagne",):
                return self._nolearn()
            if name == "NeuralNet":
                return NeuralNetClass(self)
            return Opaque(f"nolearn.lasagne.{name}", None, None,
                          _("configures training, which the reader does not run"), config=True)

        return self._cached("nolearn", lambda: Module("nolearn.lasagne", {}, getter))

    # the interpreter's questions ---------------------------------------------------------------------
    def missing_name(self, name: str, interp: Interpreter, node: ast.AST) -> Any:
        layers = self._layers()
        value: Any = None
        if name == "NeuralNet":
            value, statement = NeuralNetClass(self), "from nolearn.lasagne import NeuralNet"
        elif name == "lasagne":
            value, statement = self._lasagne(), "import lasagne"
        elif name == "layers":
            value, statement = layers, "from lasagne import layers"
        elif name in layers.members:
            value, statement = layers.members[name], f"from lasagne.layers import {name}"
        elif name in NONLINEARITIES:
            value, statement = LSymbol(name), f"from lasagne.nonlinearities import {name}"
        elif name in ("momentum", "nesterov_momentum", "adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax"):
            value = Opaque(f"lasagne.updates.{name}", None, None,
                           _("configures training, which the reader does not run"), config=True)
            statement = f"from lasagne.updates import {name}"
        if value is not None:
            self.missing.setdefault(name, (statement, getattr(node, "lineno", None), interp.file))
        return value

    def finish(self, interp: Interpreter) -> None:
        if not self.missing:
            return
        first = min(self.missing.values(), key=lambda m: m[1] or 0)
        statements = list(dict.fromkeys(s for s, _, _ in self.missing.values()))
        self.session.notice(_("used without an import: {missing}; read as Lasagne's and nolearn's",
                              missing=', '.join(self.missing)),
                            first[1], first[2], hint=_("add {value}",
                                                       value=_(" and ").join(f"`{s}`" for s in statements)),
                            kind="missing-import")

    def is_model(self, value: Any) -> bool:
        return isinstance(value, LLayer | NeuralNetValue)

    def network(self, value: Any, inputs: list[Any] | None, interp: Interpreter) -> NetworkSpec:
        if isinstance(value, NeuralNetValue):
            return value.network(interp, inputs)
        return layer_network([value], interp, inputs, None)

    # helpers of lasagne.layers -------------------------------------------------------------------------
    def batch_norm(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """``lasagne.layers.batch_norm(layer)``: the layer loses its bias and nonlinearity, which come after a
        BatchNormLayer (and a NonlinearityLayer), as Lasagne does."""
        if len(args) != 1 or not isinstance(args[0], LLayer):
            raise interp.error(node, _("batch_norm() takes one Lasagne layer"))
        layer = args[0]
        kwargs = dict(kwargs)
        nonlinearity = layer.kwargs.get("nonlinearity", _default(layer.cls, "nonlinearity"))
        if "nonlinearity" in {a.name for a in layer.cls.arguments}:
            layer.kwargs["nonlinearity"] = "identity"
        if "b" in {a.name for a in layer.cls.arguments}:
            layer.kwargs["b"] = None
        bn_name = kwargs.pop("name", None) or (layer.name + "_bn" if layer.name else None)
        out = self.make_layer(interp, node, "BatchNormLayer", catalog("lasagne")["BatchNormLayer"], [layer],
                              {**kwargs, **({"name": bn_name} if bn_name else {})})
        if nonlinearity not in (None, "identity", "linear"):
            out = self.make_layer(interp, node, "NonlinearityLayer", catalog("lasagne")["NonlinearityLayer"],
                                  [out, nonlinearity], {"name": bn_name + "_nonlin"} if bn_name else {})
        return out

    def get_output_shape(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        outputs = _outputs(interp, node, args)
        shapes = [layer.output_shape(interp, node) for layer in outputs]
        return shapes[0] if len(shapes) == 1 and not isinstance(args[0], list | tuple) else shapes

    def count_params(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> int:
        summary = _build(layer_network(_outputs(interp, node, args), interp, None, node), interp, node)
        return summary.trainable_params if kwargs.get("trainable") else summary.total_params

    def make_layer(self, interp: Interpreter, node: ast.AST, type_name: str, cls: type[Layer], args: list[Any],
                   kwargs: dict[str, Any]) -> LLayer:
        """A Lasagne layer: its incoming layer(s) first, then the arguments the engine's class declares."""
        args, kwargs = list(args), dict(kwargs)
        incoming_key = "incomings" if cls.type_name in MERGE_LAYERS else "incoming"
        if cls.is_input:
            incoming: list[Any] = []
        elif incoming_key in kwargs:
            incoming = kwargs.pop(incoming_key)
        elif args:
            incoming = args.pop(0)
        else:
            raise interp.error(node, _("{type_name} needs the layer before it as its first argument ({incoming_key})",
                                       type_name=type_name, incoming_key=incoming_key))
        if cls.type_name in MERGE_LAYERS:
            if not isinstance(incoming, list | tuple):
                raise interp.error(node, _("{type_name} takes a list of layers (incomings)", type_name=type_name))
            incoming = list(incoming)
        elif not cls.is_input:
            incoming = [incoming]
        for item in incoming:
            if not isinstance(item, LLayer):
                what = item.describe() if isinstance(item, RuntimeObject) else short_source(node, 40)
                raise interp.error(node, _("{type_name} is given {what} as its incoming layer", type_name=type_name,
                                           what=what),
                                   hint=_("give the layer before it, e.g. Conv2DLayer(l_in, num_filters=32, ...)"))
        name = kwargs.pop("name", None)
        if name is not None and not isinstance(name, str):
            raise interp.error(node, _("name= must be a string, got {name!r}", name=name))
        values = {k: _engine_value(interp, node, type_name, k, v) for k, v in kwargs.items()}
        positional = [_engine_value(interp, node, type_name, i, v) for i, v in enumerate(args)]
        if cls.is_input and "shape" not in values and positional:
            values["shape"] = positional.pop(0)
        if not _has_opaque(values.get("shape")):
            try:
                cls.bind(positional, values)
            except SpecError as exc:
                exc.located(line=getattr(node, "lineno", None), layer=name, layer_type=cls.type_name)
                exc.file = interp.file
                raise exc from None
        layer = LLayer(cls, type_name, positional, values, incoming, name, getattr(node, "lineno", None), interp.file)
        self.record_built(layer, interp, node)
        return layer


def _default(cls: type[Layer], name: str) -> Any:
    for arg in cls.arguments:
        if arg.name == name:
            return arg.default
    return None


def _has_opaque(value: Any) -> bool:
    if isinstance(value, Opaque):
        return True
    return isinstance(value, list | tuple) and any(_has_opaque(v) for v in value)


def _engine_value(interp: Interpreter, node: ast.AST, type_name: str, key: Any, value: Any) -> Any:
    """An argument as the engine reads it (nonlinearities by name; initializers as their text)."""
    if isinstance(value, LSymbol):
        return value.name
    if isinstance(value, Opaque):
        if value.config or key == "shape":
            return value if key == "shape" else value.origin
        raise interp.error(node, _("{type_name}: the argument {key!r} is not known: {explain}", type_name=type_name,
                                   key=key, explain=value.explain()),
                           hint=_("write the value as a number in the code"))
    if isinstance(value, list | tuple):
        return [_engine_value(interp, node, type_name, key, v) for v in value]
    if isinstance(value, NetworkValue):
        raise interp.error(node, _("{type_name} is given {describe} as its argument {key!r}", type_name=type_name,
                                   describe=value.describe(), key=key))
    if isinstance(value, RuntimeObject):
        return value.describe()
    return value


def _outputs(interp: Interpreter, node: ast.AST, args: list[Any]) -> list[LLayer]:
    if not args:
        raise interp.error(node, _("give the output layer"))
    layers = args[0] if isinstance(args[0], list | tuple) else [args[0]]
    for layer in layers:
        if not isinstance(layer, LLayer):
            raise interp.error(node, _("expected a Lasagne layer"))
    return list(layers)


class LSymbol(RuntimeObject):
    """A Lasagne nonlinearity (``lasagne.nonlinearities.rectify``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def describe(self) -> str:
        return f"lasagne.nonlinearities.{self.name}"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return LSymbol(self.name)  # LeakyRectify(0.1) and the like: still that nonlinearity


class LBase(RuntimeObject):
    def describe(self) -> str:
        return "lasagne.layers.Layer"

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        raise interp.error(node, _("the class {name} derives from lasagne.layers.Layer; the reader reads Lasagne's "
                                   "own layers, not custom layer classes", name=cls.name),
                           hint=_("describe the custom layer's effect with Lasagne layers, or use a spec"))


class LLayerClass(RuntimeObject):
    """``lasagne.layers.Conv2DLayer`` (any type of the engine's Lasagne catalog)."""

    def __init__(self, binding: LasagneBinding, name: str, cls: type[Layer]) -> None:
        self.binding = binding
        self.name = name
        self.cls = cls

    def describe(self) -> str:
        return f"lasagne.layers.{self.name}"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self.binding.make_layer(interp, node, self.name, self.cls, args, kwargs)

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        LBase().rt_subclass(interp, cls, node)

    def rt_instancecheck(self, interp: Interpreter, value: Any) -> bool:
        return isinstance(value, LLayer) and value.cls is self.cls


class LLayer(NetworkValue):
    """A Lasagne layer made by the code; its shape is computed when asked (and when summarised)."""

    def __init__(self, cls: type[Layer], written: str, args: list[Any], kwargs: dict[str, Any],
                 incoming: list[LLayer], name: str | None, line: int | None, file: str | None) -> None:
        self.cls = cls
        self.written = written
        self.args = args
        self.kwargs = kwargs
        self.incoming = incoming
        self.name = name
        self.line = line
        self.file = file

    def describe(self) -> str:
        return _("the layer {name!r} ({type_name})", name=self.name,
                 type_name=self.cls.type_name) if self.name else f"a {self.cls.type_name}"

    def output_shape(self, interp: Interpreter, node: ast.AST) -> tuple[Any, ...]:
        net = layer_network([self], interp, None, node)
        summary = _build(net, interp, node)
        if self.cls.is_input:
            return tuple(summary.inputs[0].shape)
        return tuple(summary.layers[-1].output_shape)  # type: ignore[arg-type]

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "output_shape":
            return self.output_shape(interp, node)
        if name == "name":
            return self.name
        if name == "input_layer":
            return self.incoming[0] if self.incoming else None
        if name == "input_layers":
            return list(self.incoming)
        if name == "input_shape":
            return self.incoming[0].output_shape(interp, node) if self.incoming else None
        if name in self.kwargs:
            value = self.kwargs[name]
            return LSymbol(value) if name == "nonlinearity" and isinstance(value, str) else value
        if name in ("get_params", "get_output_for", "W", "b", "params"):
            return interp.opaque(node, _("are parameter values, which the reader does not compute"), config=True)
        for arg in self.cls.arguments:
            if arg.name == name:
                return arg.default
        raise interp.error(node, _("{describe} has no attribute {name!r} that the reader knows",
                                   describe=self.describe(), name=name))

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        if name == "name":
            self.name = value
            return
        if name in {a.name for a in self.cls.arguments}:
            self.kwargs[name] = _engine_value(interp, node, self.cls.type_name, name, value)
            return
        interp.skipped(node, f"setting {name} of a layer")


class NeuralNetClass(RuntimeObject):
    """nolearn's ``NeuralNet``."""

    def __init__(self, binding: LasagneBinding) -> None:
        self.binding = binding

    def describe(self) -> str:
        return "nolearn.lasagne.NeuralNet"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if args:
            kwargs = {"layers": args[0], **kwargs}
        if "layers" not in kwargs:
            raise interp.error(node, _("NeuralNet() needs layers=[...]"))
        net = NeuralNetValue(self.binding, kwargs["layers"], {k: v for k, v in kwargs.items() if k != "layers"},
                             getattr(node, "lineno", None), interp.file, node)
        self.binding.record_built(net, interp, node)
        return net


class NeuralNetValue(NetworkValue):
    """A nolearn ``NeuralNet``: its layers are made when it is summarised (nolearn makes them in ``initialize``)."""

    def __init__(self, binding: LasagneBinding, layers: Any, kwargs: dict[str, Any], line: int | None,
                 file: str | None, node: ast.AST) -> None:
        self.binding = binding
        self.layers = layers
        self.kwargs = kwargs
        self.line = line
        self.file = file
        self.node = node

    def describe(self) -> str:
        return "a nolearn NeuralNet"

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name in ("fit", "initialize", "predict", "predict_proba", "score", "load_params_from", "save_params_to",
                    "train_loop", "get_all_params", "get_all_layers", "layers_", "train_history_"):
            return Builtin(name, lambda i, n, a, k: i.skipped(n, f"{short_source(getattr(n, 'func', n), 30)}(...)")
                           or i.opaque(n, _("is training, which the reader does not run"), config=True))
        if name in self.kwargs:
            return self.kwargs[name]
        raise interp.error(node, _("{describe} has no attribute {name!r} that the reader knows",
                                   describe=self.describe(), name=name))

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        self.kwargs[name] = value

    def network(self, interp: Interpreter, inputs: list[Any] | None) -> NetworkSpec:
        node = self.node
        with_file = self.file
        saved = interp.file
        interp.file = with_file
        try:
            layers = self._layers(interp, node)
        finally:
            interp.file = saved
        net = layer_network([layers[-1]], interp, inputs, node, named=True)
        return net

    def _layers(self, interp: Interpreter, node: ast.AST) -> list[LLayer]:
        """Make the layers as nolearn's ``initialize_layers`` does."""
        spec = self.layers
        if isinstance(spec, LLayer):
            return [spec]
        if not isinstance(spec, list | tuple) or not spec:
            raise interp.error(node, _("NeuralNet(layers=...) takes a list of layers"))
        made: list[LLayer] = []
        by_name: dict[str, LLayer] = {}
        used_kwargs: set[str] = set()
        for index, item in enumerate(spec):
            if not isinstance(item, list | tuple) or len(item) != 2:
                raise interp.error(node, _("layer {index} of NeuralNet(layers=...) must be a pair: (name, LayerClass) "
                                           "or (LayerClass, {{arguments}})", index=index))
            first, second = item
            if isinstance(first, str):
                name, factory = first, second
                params = {}
                prefix = name + "_"
                for key, value in self.kwargs.items():
                    if key.startswith(prefix):
                        params[key[len(prefix):]] = value
                        used_kwargs.add(key)
            else:
                factory, params = first, dict(second) if isinstance(second, dict) else None
                if params is None:
                    raise interp.error(node, _("layer {index} of NeuralNet(layers=...): the second item must be a "
                                               "dict of arguments", index=index))
                name = params.pop("name", None) or _nolearn_name(factory, index)
            if not isinstance(factory, LLayerClass):
                what = factory.describe() if isinstance(factory, RuntimeObject) else repr(factory)
                raise interp.error(node, _("layer {name!r} of NeuralNet(layers=...) is {what}, not a Lasagne layer "
                                           "class the reader knows", name=name, what=what))
            params = dict(params)
            for key in ("incoming", "incomings"):
                if key in params:
                    ref = params[key]
                    refs = ref if isinstance(ref, list | tuple) else [ref]
                    resolved = [by_name[r] if isinstance(r, str) and r in by_name else r for r in refs]
                    params[key] = resolved if isinstance(ref, list | tuple) else resolved[0]
            if not factory.cls.is_input and "incoming" not in params and "incomings" not in params:
                if not made:
                    raise interp.error(node, _("the first layer of NeuralNet(layers=...) must be an InputLayer, got "
                                               "{describe}", describe=factory.describe()))
                params["incomings" if factory.cls.type_name in MERGE_LAYERS else "incoming"] = (
                    [made[-1]] if factory.cls.type_name in MERGE_LAYERS else made[-1])
            if name in by_name:
                raise interp.error(node, _("two layers of NeuralNet(layers=...) are named {name!r}", name=name))
            layer = self.binding.make_layer(interp, node, factory.name, factory.cls, [], {**params, "name": name})
            made.append(layer)
            by_name[name] = layer
        names = set(by_name)
        for key in self.kwargs:
            head = key.split("_")[0]
            if key not in used_kwargs and head not in _NEURALNET_ARGS and any(key.startswith(n) for n in names):
                raise interp.error(node, _("NeuralNet({key}=...) names no layer argument", key=key),
                                   hint=(did_you_mean(key, [f"{n}_..." for n in names]) or _(
                                           "write {layer name}_{argument}")))
        return made


#: NeuralNet's own arguments (by their first word), not meant for a layer
_NEURALNET_ARGS = frozenset({"update", "objective", "max", "verbose", "regression", "train", "batch", "on", "y",
                             "custom", "use", "more", "eval", "scores", "check", "loss", "output"})


def _nolearn_name(factory: Any, index: int) -> str:
    """nolearn's automatic name: the class name in lower case without ``layer``, and the index (``conv2d1``)."""
    name = factory.name if isinstance(factory, LLayerClass) else "layer"
    return f"{name.lower().replace('layer', '')}{index}"


def all_layers(outputs: list[LLayer]) -> list[LLayer]:
    """The layers behind ``outputs``, inputs first, in ``lasagne.layers.get_all_layers``' order."""
    queue: deque[LLayer] = deque(outputs)
    seen: set[int] = set()
    done: set[int] = set()
    result: list[LLayer] = []
    while queue:
        layer = queue[0]
        if id(layer) not in seen:
            seen.add(id(layer))
            queue.extendleft(reversed(layer.incoming))
        else:
            queue.popleft()
            if id(layer) not in done:
                result.append(layer)
                done.add(id(layer))
    return result


def layer_network(outputs: list[LLayer], interp: Interpreter, inputs: list[Any] | None, node: ast.AST | None,
                  named: bool = False) -> NetworkSpec:
    """The NetworkSpec of the graph behind ``outputs`` (names as Lasagne gives them, else the engine's)."""
    layers = all_layers(outputs)
    names = _names(layers)
    specs: list[LayerSpec] = []
    input_index = 0
    for layer in layers:
        kwargs = dict(layer.kwargs)
        if layer.cls.is_input:
            shape = kwargs.get("shape")
            if _has_opaque(shape):
                if not inputs or input_index >= len(inputs):
                    unknown = next(v for v in (shape if isinstance(shape, list | tuple) else [shape])
                                   if isinstance(v, Opaque))
                    raise SpecError(_("the input shape is not known: {explain}", explain=unknown.explain()),
                                    line=layer.line,
                                    file=layer.file, layer=names[id(layer)], layer_type="InputLayer",
                                    hint=_("write the shape as numbers, or give it (--input '[1, 28, 28]', "
                                           "inputs=[[1, 28, 28]]): the shape without the batch axis"))
                kwargs["shape"] = [None, *inputs[input_index]]
            input_index += 1
        spec = LayerSpec(type=layer.cls.type_name, args=list(layer.args), kwargs=kwargs, name=names[id(layer)],
                         inputs=[names[id(i)] for i in layer.incoming] or None, line=layer.line)
        specs.append(spec)
    return NetworkSpec(layers=specs, framework="lasagne", outputs=[names[id(o)] for o in outputs])


def _names(layers: list[LLayer]) -> dict[int, str]:
    """Given names, and the engine's automatic names (``conv2d``, ``conv2d_1`` ...) for the others."""
    fw = get_framework("lasagne")
    used = {layer.name for layer in layers if layer.name}
    counters: dict[str, int] = {}
    out: dict[int, str] = {}
    for layer in layers:
        if layer.name:
            out[id(layer)] = layer.name
            continue
        base = "input" if layer.cls.is_input else fw.auto_name(layer.cls.type_name)
        out[id(layer)] = free_name(base, counters, used)
    return out


def _build(net: NetworkSpec, interp: Interpreter, node: ast.AST | None) -> Any:
    try:
        return build_summary(net, "lasagne")
    except SpecError as exc:
        if exc.file is None:
            exc.file = interp.file
        raise
