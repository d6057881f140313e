"""The Keras binding: ``keras``, ``tensorflow.keras`` and ``tf.keras`` as the reader sees them.

Every spelling of the imports leads to the same modules (``from keras import layers``,
``from keras.layers import *``, ``import tensorflow as tf`` then ``tf.keras.layers.Conv2D``,
``from tensorflow.keras.models import Model`` ...).  Layer classes are the engine's Keras catalog;
``Input``, ``Model``, ``Sequential`` and the merge functions (``concatenate``, ``add`` ...) build the
values of :mod:`.keras_values`.  Optimizers, losses, callbacks, datasets and the like are framework
objects that build nothing.  Old spellings whose meaning is plain (Keras 1 and 2 argument names,
``Model(input=..., output=...)``, ``Input(256, 256, 1)``, Keras 2 module paths) are read with their
modern meaning and a warning that shows the modern spelling.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ...engine.errors import SpecError, did_you_mean
from ...engine.framework import to_snake_case
from ...engine.keras import LAYER_MODULES
from ...engine.layer import Layer, lookup
from ...engine.spec import NetworkSpec
from ...i18n import _
from ..runtime import Builtin, Module, NetworkValue, Opaque, RuntimeObject, short_source
from . import Binding
from .keras_values import (
    KInputLayer,
    KLayer,
    KModel,
    KTensor,
    Symbol,
    call_inputs,
    graph_operations,
    model_network,
    new_node,
    relocate,
)

if TYPE_CHECKING:
    from ..interpreter import Interpreter, TreeFacts
    from ..runtime import Class

#: functions of keras.layers that make a merge layer and call it at once
MERGE_FUNCTIONS = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply", "average": "Average",
                   "maximum": "Maximum", "minimum": "Minimum", "concatenate": "Concatenate", "dot": "Dot"}

#: Keras 2 module paths under keras.layers (Keras 3 has one flat keras.layers)
OLD_LAYER_MODULES = frozenset({
    "core", "convolutional", "pooling", "merge", "merging", "normalization", "recurrent", "advanced_activations",
    "wrappers", "embeddings", "noise", "reshaping", "activation", "regularization", "convolutional_recurrent",
    "rnn", "attention", "preprocessing", "batch_normalization", "local", "activations", "dense_attention",
})

#: Keras 1 and 2 argument names with their Keras 3 name
OLD_ARGUMENTS = {
    "border_mode": "padding", "subsample": "strides", "nb_filter": "filters", "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint", "output_dim": "units", "bias": "use_bias", "filter_length": "kernel_size",
    "subsample_length": "strides", "pool_length": "pool_size", "atrous_rate": "dilation_rate",
    "dim_ordering": "data_format", "inner_init": "recurrent_initializer", "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout", "input_length": None, "mode": None,
}
DIM_ORDERING = {"th": "channels_first", "tf": "channels_last"}
#: keywords only Keras 1 had: a file that uses one is Keras 1 code
KERAS1_KEYWORDS = frozenset({"border_mode", "subsample", "nb_filter", "nb_row", "nb_col", "nb_epoch", "W_regularizer",
                             "b_regularizer", "dim_ordering", "subsample_length", "filter_length", "atrous_rate",
                             "init", "output_dim"})
KERAS1_CONVOLUTIONS = frozenset({"Convolution2D", "AtrousConvolution2D", "Deconvolution2D",
                                 "SeparableConvolution2D"})

#: framework modules whose members configure training or load data (they build nothing)
CONFIG_MODULES = frozenset({
    "activations", "regularizers", "initializers", "constraints", "optimizers", "losses", "metrics", "callbacks",
    "datasets", "utils", "preprocessing", "saving", "mixed_precision", "random", "config", "export",
    "wrappers", "visualization", "dtype_policies", "quantizers", "distribution", "tree", "legacy",
})

#: layers Keras makes inside a layer without a name, so they take a number of the same counter: when the layer is
#: made (the cell of a recurrent layer) or built by its first call (MultiHeadAttention's softmax and dropout)
SUBLAYERS_MADE = {"LSTM": ("lstm_cell",), "GRU": ("gru_cell",), "SimpleRNN": ("simple_rnn_cell",)}
SUBLAYERS_BUILT = {"MultiHeadAttention": ("softmax", "dropout")}

ACTIVATION_NAMES = frozenset({
    "relu", "relu6", "sigmoid", "softmax", "softplus", "softsign", "tanh", "elu", "selu", "exponential", "linear",
    "gelu", "silu", "swish", "hard_sigmoid", "hard_silu", "hard_swish", "leaky_relu", "log_softmax", "mish",
    "celu", "glu", "hard_tanh", "log_sigmoid", "sparse_plus", "squareplus", "tanh_shrink", "soft_shrink",
    "hard_shrink", "threshold", "sparsemax",
})


class KerasBinding(Binding):
    """Keras 3 (also reached as ``tensorflow.keras`` and ``tf.keras``)."""

    name = "keras"
    framework = "keras"
    roots = ("keras", "tensorflow", "tf_keras")

    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self.uids: defaultdict[str, int] = defaultdict(int)
        self._modules: dict[str, Any] = {}
        self._warned: set[str] = set()
        self.add_receivers: set[int] = set()
        self.keras1 = False  # the file uses Keras 1's spellings
        self.made: list[KLayer] = []  # every layer made, for locating errors in their files
        self.missing: dict[str, tuple[str, int | None, str | None]] = {}  # name -> (import, line, file)

    # naming ---------------------------------------------------------------------------------------
    def uniquify(self, base: str) -> str:
        """Keras' ``uniquify``: ``conv2d``, then ``conv2d_1`` ... (one counter per base, for the whole file)."""
        n = self.uids[base]
        self.uids[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    def auto_name(self, type_name: str) -> str:
        return self.uniquify(to_snake_case(type_name))

    def warn_once(self, key: str, interp: Interpreter, node: ast.AST, message: str, hint: str,
                  kind: str = "old-spelling") -> None:
        if key not in self._warned:
            self._warned.add(key)
            interp.warn(node, message, hint=hint, kind=kind)

    # modules ----------------------------------------------------------------------------------------
    def module(self, dotted: str, interp: Interpreter, node: ast.AST) -> Module | None:
        parts = dotted.split(".")
        if parts[0] not in self.roots:
            return None
        if parts[0] == "tensorflow":
            if len(parts) == 1:
                return self._tensorflow()
            if parts[1] == "python" and len(parts) > 2 and parts[2] == "keras":
                self.warn_once(dotted, interp, node, _("`{dotted}` is TensorFlow's private copy of Keras 2; read as "
                                                       "`{value}`", dotted=dotted, value='.'.join(['keras',
                                                           *parts[3:]])),
                                                               _("import from keras (Keras 3)"))
                parts = ["keras", *parts[3:]]
            elif parts[1] == "keras":
                parts = ["keras", *parts[2:]]
            else:
                return self._opaque_module(dotted, interp, node)
        elif parts[0] == "tf_keras":
            parts = ["keras", *parts[1:]]
        return self._keras_path(parts[1:], dotted, interp, node)

    def _keras_path(self, rest: list[str], dotted: str, interp: Interpreter, node: ast.AST) -> Any:
        if not rest:
            return self._keras()
        head = rest[0]
        if head == "src":
            return self._keras_path(rest[1:], dotted, interp, node) if len(rest) > 1 else self._keras()
        if head == "layers":
            if len(rest) > 1 and rest[1] in OLD_LAYER_MODULES:
                self.warn_once(dotted, interp, node, _("Keras 3 has no module `{dotted}`; read as `keras.layers`",
                                                       dotted=dotted),
                               _("import layers from keras.layers"))
            return self._layers()
        if head == "models":
            return self._models()
        if head == "engine":
            self.warn_once(dotted, interp, node, _("`{dotted}` is Keras 2's internal module; read as `keras.models` "
                                                   "(Input and Model)", dotted=dotted),
                                                           _("import Input and Model from keras"))
            return self._models()
        if head == "backend":
            return self._backend()
        if head == "activations":
            return self._activations("keras.activations")
        if head == "applications":
            return self._applications(dotted)
        return self._opaque_module(dotted, interp, node, config=head in CONFIG_MODULES)

    def _cached(self, key: str, make: Any) -> Any:
        if key not in self._modules:
            self._modules[key] = make()
        return self._modules[key]

    def _opaque_module(self, dotted: str, interp: Interpreter, node: ast.AST, config: bool = True) -> Opaque:
        return Opaque(dotted, getattr(node, "lineno", None), interp.file,
                      _("configures training or loads data, which the reader does not run"), config=config)

    def _keras(self) -> Module:
        def make() -> Module:
            members: dict[str, Any] = {
                "layers": self._layers(), "models": self._models(), "backend": self._backend(),
                "activations": self._activations("keras.activations"), "Input": self.input_function(),
                "Model": KModelClass(self, "Model"), "Sequential": KModelClass(self, "Sequential"),
                "Layer": KBaseClass("keras.layers.Layer"), "applications": self._applications("keras.applications"),
                "__version__": "3", "KerasTensor": KBaseClass("keras.KerasTensor"),
            }

            def getter(name: str) -> Any:
                if name in CONFIG_MODULES or name in ("ops", "saving"):
                    return Opaque(f"keras.{name}", None, None,
                                  _("configures training or loads data, which the reader does not run"), config=True)
                return None

            return Module("keras", members, getter)

        return self._cached("keras", make)

    def _tensorflow(self) -> Module:
        def make() -> Module:
            members: dict[str, Any] = {"keras": self._keras(), "nn": self._activations("tf.nn"),
                                       "__version__": "2"}

            def getter(name: str) -> Any:
                if name in ("concat", "add", "multiply", "reshape", "expand_dims", "squeeze", "transpose",
                            "reduce_mean", "reduce_sum", "matmul", "split", "stack", "pad", "image", "math",
                            "slice", "tile", "gather", "cast", "shape", "einsum"):
                    return TensorFunction(f"tf.{name}")
                return Opaque(f"tf.{name}", None, None, _("is TensorFlow outside Keras, which the reader does not run"),
                              config=True)

            return Module("tensorflow", members, getter)

        return self._cached("tensorflow", make)

    def _layers(self) -> Module:
        def make() -> Module:
            members: dict[str, Any] = {"Input": self.input_function(), "InputLayer": KInputLayerClass(self),
                                       "Layer": KBaseClass("keras.layers.Layer")}
            for fn, type_name in MERGE_FUNCTIONS.items():
                members[fn] = MergeFunction(self, fn, type_name)

            def getter(name: str) -> Any:
                if name in LAYER_MODULES and name[0].isupper():  # the layer's module is imported when used
                    return KLayerClass(self, name, lookup("keras", name))
                if name == "TFOpLambda":
                    return Unsupported(f"keras.layers.{name}", _("a TFOpLambda layer runs a TensorFlow function, "
                                                                 "which the reader does not run"), _(
                                                                         "write the computation with Keras layers"))
                if name in OLD_LAYER_MODULES:
                    return self._layers()
                if name in ("Merge", "merge"):
                    return Unsupported(f"keras.layers.{name}", _("Keras 1's Merge layer is gone from Keras 3"),
                                       _("use concatenate([...]), add([...]) ... from keras.layers"))
                return None

            names = [*members, *(n for n in LAYER_MODULES if n[0].isupper() and n not in members)]
            module = Module("keras.layers", members, getter, names=names)
            module.star = lambda: {name: module.get(name) for name in names}  # type: ignore[attr-defined]
            return module

        return self._cached("layers", make)

    def _models(self) -> Module:
        def make() -> Module:
            refused = _("reads a saved model from a file, which the reader never does")
            return Module("keras.models", {
                "Model": KModelClass(self, "Model"), "Sequential": KModelClass(self, "Sequential"),
                "Input": self.input_function(),
                "load_model": Unsupported("keras.models.load_model", refused, _("summarise the code that builds it")),
                "model_from_json": Unsupported("keras.models.model_from_json", refused,
                                               _("summarise the code that builds it")),
                "clone_model": Unsupported("keras.models.clone_model", _(
                        "copies a model the reader would have to copy layer by layer"),
                                           _("summarise the original model")),
            })

        return self._cached("models", make)

    def _backend(self) -> Module:
        def make() -> Module:
            def int_shape(interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
                if len(args) != 1 or not isinstance(args[0], KTensor):
                    raise interp.error(node, _("int_shape() takes one Keras tensor"))
                return tuple(args[0].shape)

            def clear_session(interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> None:
                self.uids.clear()  # as Keras: names start again at conv2d, dense ...

            def data_format(interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
                value = args[0] if args else kwargs.get("data_format")
                if value != "channels_last":
                    raise interp.error(node, _("set_image_data_format({value!r}) changes every layer's default "
                                               "layout; the reader keeps Keras' default channels_last", value=value),
                                       hint=_("write data_format='channels_first' on the layers instead"))

            members = {
                "int_shape": Builtin("int_shape", int_shape), "clear_session": Builtin("clear_session", clear_session),
                "image_data_format": Builtin("image_data_format", lambda i, n, a, k: "channels_last"),
                "image_dim_ordering": Builtin("image_dim_ordering", self.dim_ordering),
                "set_image_data_format": Builtin("set_image_data_format", data_format),
                "backend": Builtin("backend", lambda i, n, a, k: "tensorflow"),
            }

            def getter(name: str) -> Any:
                return TensorFunction(f"keras.backend.{name}")

            return Module("keras.backend", members, getter)

        return self._cached("backend", make)

    def dim_ordering(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> str:
        self.warn_once("image_dim_ordering", interp, node, _("K.image_dim_ordering() is Keras 1's; read as 'tf' "
                                                             "(channels last, Keras 3's default)"),
                                                                     _("write K.image_data_format() == "
                                                                       "'channels_last'"))
        return "tf"

    def _activations(self, prefix: str) -> Module:
        def make() -> Module:
            def getter(name: str) -> Any:
                if name in ACTIVATION_NAMES:
                    return Symbol(name, f"{prefix}.{name}")
                return TensorFunction(f"{prefix}.{name}")

            return Module(prefix, {}, getter)

        return self._cached(prefix, make)

    def _applications(self, dotted: str) -> Any:
        return Unsupported(dotted, _("keras.applications builds a large pretrained model from Keras' own code, which "
                                     "the reader does not read"), _("summarise the layers you add, or describe the "
                                                                    "base model with a spec"))

    # values --------------------------------------------------------------------------------------------
    def input_function(self) -> Builtin:
        return self._cached("Input", lambda: Builtin("Input", self.make_input))

    def make_input(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> KTensor:
        """``keras.Input(shape=..., batch_size=None, name=None, ...)`` and its old spellings."""
        kwargs = dict(kwargs)
        args = list(args)
        if len(args) > 1 and all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            shape = tuple(args)
            interp.warn(node, _("`{node}` passes the sizes one by one: Keras 3 reads them as shape={args}, "
                                "batch_size={args2}, ... and rejects it; read as the shape {shape}",
                                node=short_source(node, 50), args=args[0], args2=args[1], shape=shape),
                        hint=_("write `Input(shape={shape})`", shape=shape))
            args = []
            kwargs["shape"] = shape
        names = ("shape", "batch_size", "dtype", "sparse", "batch_shape", "name", "tensor", "optional")
        for i, value in enumerate(args):
            if i >= len(names):
                raise interp.error(node, _("Input() takes at most 8 positional arguments"))
            if names[i] in kwargs:
                raise interp.error(node, _("Input() got two values for {names!r}", names=names[i]))
            kwargs[names[i]] = value
        for key in kwargs:
            if key not in (*names, "ragged"):
                raise interp.error(node, _("Input() got an unexpected keyword argument {key!r}", key=key),
                                   hint=(did_you_mean(key, names) or _("Input(shape=(28, 28, 1))")))
        if kwargs.get("tensor") is not None:
            raise interp.error(node, _("Input(tensor=...) wraps an existing tensor; the reader needs Input(shape=...)"))
        shape = kwargs.get("shape")
        batch = kwargs.get("batch_shape")
        if shape is not None and batch is not None:
            raise interp.error(node, _("Input() got both shape and batch_shape"), hint=_("give one of them"))
        if isinstance(shape, int) and not isinstance(shape, bool):
            interp.warn(node, _("`shape={shape}` is a number; Keras 3 needs a tuple and rejects it; read as "
                                "`({shape},)`", shape=shape), hint=_("write `shape=({shape},)`", shape=shape))
            shape = (shape,)
        if batch is not None:
            batch_shape = self.batch_shape(interp, node, batch)
            sizes, batch_size = batch_shape[1:], batch_shape[0]
        elif shape is not None:
            sizes, batch_size = self.sizes(interp, node, shape), kwargs.get("batch_size")
        else:
            raise interp.error(node, _("Input() needs a shape"), hint=_("write Input(shape=(28, 28, 1))"))
        name = kwargs.get("name")
        if name is not None and not isinstance(name, str):
            raise interp.error(node, _("Input(name=...) must be a string, got {name!r}", name=name))
        return self.input_layer(interp, node, sizes, name, batch=batch_size).output

    def input_layer(self, interp: Interpreter, node: ast.AST, sizes: Any, name: str | None,
                    batch: Any = None) -> KInputLayer:
        """An InputLayer, named now as Keras names it (``input_layer``, ``input_layer_1`` ...)."""
        sizes = self.sizes(interp, node, sizes)
        if batch is not None:
            self.warn_once(f"batch:{getattr(node, 'lineno', 0)}", interp, node,
                           _("the batch size {batch} is shown as None (the tables give shapes for any batch)",
                             batch=batch),
                           _("remove batch_size= to match"), kind="batch-size")
        layer_name = name if name is not None else self.uniquify("input_layer")
        return KInputLayer(layer_name, (None, *sizes), getattr(node, "lineno", None), interp.file)

    def sizes(self, interp: Interpreter, node: ast.AST, shape: Any) -> tuple[int | None, ...]:
        """A shape written in the code: a tuple or list of sizes (None for unknown)."""
        if isinstance(shape, Opaque):
            raise interp.error(node, _("the input shape is not known: {explain}", explain=shape.explain()),
                               hint=_("write the input shape as numbers, e.g. shape=(28, 28, 1)"))
        if isinstance(shape, int) and not isinstance(shape, bool):
            return (shape,)
        if not isinstance(shape, list | tuple):
            raise interp.error(node, _("a shape must be a tuple of sizes, got {node}", node=short_source(node, 40)),
                               hint=_("write the input shape as numbers, e.g. shape=(28, 28, 1)"))
        out = []
        for size in shape:
            if isinstance(size, Opaque):
                raise interp.error(node, _("an input size is not known: {explain}", explain=size.explain()),
                                   hint=_("write the input shape as numbers, e.g. shape=(28, 28, 1)"))
            if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
                raise interp.error(node, _("an input size must be a whole number or None, got {size!r}", size=size))
            out.append(size)
        return tuple(out)

    def batch_shape(self, interp: Interpreter, node: ast.AST, shape: Any) -> tuple[int | None, ...]:
        sizes = self.sizes(interp, node, shape)
        if not sizes:
            raise interp.error(node, _("a batch shape needs the batch axis first, e.g. (None, 28, 28, 1)"))
        return (None, *sizes[1:]) if sizes[0] is None else sizes

    def make_layer(self, interp: Interpreter, node: ast.AST, type_name: str, cls: type[Layer], args: list[Any],
                   kwargs: dict[str, Any]) -> KLayer:
        """A layer made by the code: old spellings read, arguments checked, named as Keras names it."""
        args, kwargs = self.modernise(interp, node, type_name, cls, list(args), dict(kwargs))
        shape_function = None
        if cls.type_name == "Lambda":  # output_shape=f: f(input shapes) gives the shape when the layer is called
            given = kwargs.get("output_shape", args[1] if len(args) > 1 else None)
            if isinstance(given, RuntimeObject) and not isinstance(given, Opaque):
                shape_function = given
                if "output_shape" in kwargs:
                    kwargs["output_shape"] = (1,)
                else:
                    args[1] = (1,)
        name = kwargs.pop("name", None)
        if name is not None and not isinstance(name, str):
            raise interp.error(node, _("name= must be a string, got {name!r}", name=name))
        trainable = kwargs.pop("trainable", True)
        input_shape = None
        unknown_input = None
        own = {a.name for a in cls.arguments}
        if "input_shape" in kwargs and "input_shape" not in own:
            declared = kwargs.pop("input_shape")
            unknown_input = _opaque_in(declared)
            if unknown_input is None:
                input_shape = self.sizes(interp, node, declared)
        if "batch_input_shape" in kwargs:
            batch = self.batch_shape(interp, node, kwargs.pop("batch_input_shape"))
            interp.warn(node, _("batch_input_shape= is Keras 2's; read as input_shape={batch}",
                                batch=_tuple_text(batch[1:])),
                        hint=_("write input_shape={batch} or start with keras.Input", batch=_tuple_text(batch[1:])))
            input_shape = batch[1:]
        if "input_dim" in kwargs and "input_dim" not in own:
            dim = kwargs.pop("input_dim")
            if dim is not None:
                input_shape = self.sizes(interp, node, (dim,))
        for key, value in [*enumerate(args), *kwargs.items()]:
            self.check_argument(interp, node, type_name, key, value)
        spec_args, spec_kwargs = _engine_values(args), _engine_values(kwargs)
        try:
            config = cls.bind(spec_args, spec_kwargs)
        except SpecError as exc:
            exc.located(line=getattr(node, "lineno", None), layer=name, layer_type=cls.type_name)
            exc.file = interp.file
            raise exc from None
        layer_name = name if name is not None else self.auto_name(cls.type_name)
        for base in SUBLAYERS_MADE.get(cls.type_name, ()):
            self.uniquify(base)
        layer = KLayer(cls, args, kwargs, layer_name, trainable=bool(trainable), input_shape=input_shape,
                       line=getattr(node, "lineno", None), file=interp.file, config=config, binding=self)
        layer.unknown_input = unknown_input
        layer.shape_function = shape_function
        self.made.append(layer)
        return layer

    def check_argument(self, interp: Interpreter, node: ast.AST, type_name: str, key: Any, value: Any) -> None:
        what = f"argument {key!r}" if isinstance(key, str) else f"argument {key + 1}"
        if isinstance(value, Opaque) and not value.config:
            raise interp.error(node, _("{type_name}: the {what} is not known: {explain}", type_name=type_name,
                                       what=what, explain=value.explain()),
                               hint=_("write the value as a number or a string in the code"))
        if isinstance(value, KTensor | KModel | KInputLayer):
            raise interp.error(node, _("{type_name} is given {describe} as its {what}", type_name=type_name,
                                       describe=value.describe(), what=what),
                               hint=_("make the layer first, then call it: {type_name}(...)(x)", type_name=type_name))
        if isinstance(value, list | tuple):
            for item in value:
                self.check_argument(interp, node, type_name, key, item)

    def modernise(self, interp: Interpreter, node: ast.AST, type_name: str, cls: type[Layer], args: list[Any],
                  kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """Keras 1 and 2 argument names whose meaning is plain, with a warning showing Keras 3's."""
        own = {a.name for a in cls.all_arguments()}
        old = [k for k in kwargs if k not in own and k in OLD_ARGUMENTS]
        changes = []
        three_ints = len(args) == 3 and all(isinstance(a, int) and not isinstance(a, bool) for a in args)
        if three_ints and type_name in KERAS1_CONVOLUTIONS:
            if self.keras1:
                args = [args[0], (args[1], args[2])]
                changes.append(_("{type_name}({filters}, {rows}, {cols}) as Keras 1's nb_filter, nb_row, nb_col: a "
                                 "{rows}×{cols} kernel", type_name=type_name, filters=args[0], rows=args[1][0],
                                 cols=args[1][1]))
            else:
                interp.warn(node, _("{type_name}({args}, {args2}, {args3}) means kernel_size={args2}, strides={args3} "
                                    "in Keras 2 and 3 (in Keras 1 it meant a {args2}×{args3} kernel); read as Keras 3 "
                                    "does", type_name=type_name, args=args[0], args2=args[1], args3=args[2]),
                            hint=_("write {type_name}({args}, ({args2}, {args3})) for a {args2}×{args3} kernel, or "
                                   "strides={args3} by name", type_name=type_name, args=args[0], args2=args[1],
                                   args3=args[2]))
        if not old and not changes:
            return args, kwargs
        for key in old:
            new = OLD_ARGUMENTS[key]
            value = kwargs.pop(key)
            if new is None:
                changes.append(_("{key}= dropped", key=key))
                continue
            if key == "dim_ordering":
                value = DIM_ORDERING.get(value, value)
            if key == "bias":
                value = bool(value)
            if new in kwargs:
                raise interp.error(node, _("{type_name}: both {key}= (Keras 1) and {new}= are given",
                                           type_name=type_name, key=key, new=new),
                                   hint=_("keep {new}=", new=new))
            kwargs[new] = value
            changes.append(_("{key}= as {new}={value!r}", key=key, new=new, value=value))
        modern = f"{type_name}(" + ", ".join([*(repr(a) for a in args),
                                              *(f"{k}={v!r}" for k, v in kwargs.items() if not isinstance(
                                                  v, RuntimeObject))]) + ")"
        interp.warn(node, _("{type_name} is written with Keras 1/2 argument names; read with {changes}",
                            type_name=type_name, changes=
                ", ".join(changes)),
                    hint=_("write `{modern}`", modern=modern))
        return args, kwargs

    # the interpreter's questions ----------------------------------------------------------------------------
    def missing_name(self, name: str, interp: Interpreter, node: ast.AST) -> Any:
        layers = self._layers()
        value: Any = None
        if name in ("Model", "Sequential"):
            value, statement = self._models().members[name], f"from keras.models import {name}"
        elif name in ("Input", "InputLayer") or name in MERGE_FUNCTIONS or (name[:1].isupper() and
                                                                             name in LAYER_MODULES):
            value, statement = layers.get(name), f"from keras.layers import {name}"
        else:
            aliases = {"tf": ("import tensorflow as tf", self._tensorflow), "keras": ("import keras", self._keras),
                       "layers": ("from keras import layers", self._layers),
                       "K": ("from keras import backend as K", self._backend)}
            if name in aliases:
                statement, make = aliases[name]
                value = make()
        if value is not None:
            if name not in self.missing:
                self.missing[name] = (statement, getattr(node, "lineno", None), interp.file)
            return value
        if id(node) in self.add_receivers and self.session.main_scope is not None:
            model = KModel("sequential", self.uniquify("sequential"), self, getattr(node, "lineno", None),
                           interp.file)
            self.record_built(model, interp, node)
            self.session.main_scope.vars[name] = model
            interp.warn(node, _("`{name}` is used without being made; read as `{name} = Sequential()`, since the code "
                                "adds layers to it", name=name), hint=_(
                                        "add `{name} = Sequential()` before line {getattr}", name=name,
                                                                        getattr=getattr(node,
                                                'lineno', '?')),
                        kind="missing-definition")
            return model
        return None

    def finish(self, interp: Interpreter) -> None:
        """One warning for all the names used without their import, with the imports to add."""
        if not self.missing:
            return
        grouped: dict[str, list[str]] = {}
        for statement, _ignored, _ignored in self.missing.values():
            head, _ignored, name = statement.partition(" import ")
            if head.startswith("from keras.") and " as " not in name:
                grouped.setdefault(head + " import", []).append(name)
            else:
                grouped.setdefault(statement, [])
        imports = [f"{head} {', '.join(names)}" if names else head for head, names in grouped.items()]
        first = min(self.missing.values(), key=lambda m: (m[2] is not None, m[1] or 0))
        names = ", ".join(self.missing)
        self.session.notice(_("used without an import: {names}; read as Keras' own", names=names), first[1], first[2],
                            hint=_("add {value}", value=_(" and ").join(f"`{line}`" for line in imports)), kind=
                                    "missing-import")

    def prepare(self, facts: TreeFacts) -> None:
        """Note the names the code calls ``.add(...)`` on (an undefined one is read as a Sequential), and
        whether the file is Keras 1 code (then ``Convolution2D(32, 3, 3)`` means a 3×3 kernel)."""
        self.add_receivers = set(facts.add_receivers)
        self.keras1 = bool(facts.keywords & KERAS1_KEYWORDS) or "image_dim_ordering" in facts.attributes

    def expression_statement(self, value: Any, stmt: ast.Expr, interp: Interpreter) -> None:
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, KLayer) and not item.nodes:
                self.loose.append((item, stmt.lineno))
            elif isinstance(item, KTensor) and isinstance(item.node.op, KInputLayer):
                self.loose.append((item.node.op, stmt.lineno))

    def is_model(self, value: Any) -> bool:
        return isinstance(value, KModel)

    def fragments_model(self, interp: Interpreter) -> Any:
        if not self.loose:
            return None
        lines = [line for _, line in self.loose]
        model = KModel("sequential", self.uniquify("sequential"), self, lines[0], interp.file)
        node = ast.Expr(lineno=lines[0], col_offset=0)
        for item, _ignored in self.loose:
            model.add(interp, node, item, rebuild=False)
        if model.stack:
            model.maybe_rebuild(interp, node)
        where = (_("line {line}", line=lines[0]) if len(set(lines)) == 1
                 else _("lines {first}–{last}", first=lines[0], last=lines[-1]))
        interp.warn(node, _("the code only makes layers ({where}); read as a Sequential model of them, in order",
                            where=where),
                    hint=_("this is how Keras reads them inside Sequential([...])"), kind="fragments")
        return model

    def network(self, value: Any, inputs: list[Any] | None, interp: Interpreter) -> NetworkSpec:
        first = value.stack[0] if value.kind == "sequential" and value.stack else None
        unknown = getattr(first, "unknown_input", None)
        if value.kind == "sequential" and not value.built and not inputs and unknown is not None:
            raise SpecError(_("the input shape of {name!r} is not known: {explain}", name=value.name,
                              explain=unknown.explain()),
                            line=first.line, file=first.file,
                            hint=_("write input_shape= as numbers, or give the input shape (--input '[32, 32, 3]', "
                                   "inputs=[[32, 32, 3]]) without the batch axis"))
        if value.kind == "sequential" and not value.built and not inputs:
            raise SpecError(_("the Sequential model {name!r} has no input shape, so Keras would not have built it",
                              name=value.name), line=value.line, file=value.file,
                            hint=_("give the first layer input_shape=(...), start with keras.Input(shape=(...)), or "
                                   "pass the input shape (--input '[28, 28, 1]', inputs=[[28, 28, 1]])"))
        if value.kind == "sequential" and value.built and inputs:
            interp.note(None, _("the model states its input shape; the given input shape is not used"), kind="inputs")
        return model_network(value, interp, None, inputs)


# callables --------------------------------------------------------------------------------------------------


class KLayerClass(RuntimeObject):
    """``keras.layers.Conv2D`` (any type of the engine's catalog, aliases included)."""

    def __init__(self, binding: KerasBinding, name: str, cls: type[Layer]) -> None:
        self.binding = binding
        self.name = name
        self.cls = cls

    def describe(self) -> str:
        return f"keras.layers.{self.name}"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self.binding.make_layer(interp, node, self.name, self.cls, args, kwargs)

    def rt_instancecheck(self, interp: Interpreter, value: Any) -> bool:
        return isinstance(value, KLayer) and value.cls is self.cls

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None  # refused when an instance is made (the file may define classes its model does not use)

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        raise interp.error(node, _("the class {name} derives from {describe}; the reader reads Keras' own layers, not "
                                   "classes derived from them", name=cls.name, describe=self.describe()),
                           hint=_("build the block with a function that returns layers"))


class KInputLayerClass(RuntimeObject):
    """``keras.layers.InputLayer(shape=...)``: the layer itself (a Sequential may start with it)."""

    def __init__(self, binding: KerasBinding) -> None:
        self.binding = binding

    def describe(self) -> str:
        return "keras.layers.InputLayer"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        kwargs = dict(kwargs)
        if "input_shape" in kwargs:
            kwargs["shape"] = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            kwargs["batch_shape"] = kwargs.pop("batch_input_shape")
        tensor = self.binding.make_input(interp, node, args, kwargs)
        return tensor.node.op


class KBaseClass(RuntimeObject):
    """A Keras class the code may only derive from (``keras.layers.Layer``, ``keras.Model``)."""

    def __init__(self, qualified: str) -> None:
        self.qualified = qualified

    def describe(self) -> str:
        return self.qualified

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None  # refused when an instance is made

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        raise interp.error(node, _("the class {name} derives from {qualified}; the reader reads models built from "
                                   "Keras' own layers, not custom layer or model classes", name=cls.name,
                                   qualified=self.qualified),
                           hint=_("build the model with Sequential or the functional API, or describe it with a spec"))

    def rt_instancecheck(self, interp: Interpreter, value: Any) -> bool:
        return isinstance(value, KLayer | KModel | KInputLayer) if "Layer" in self.qualified else isinstance(
            value, KTensor)


class KModelClass(RuntimeObject):
    """``keras.Model`` and ``keras.Sequential``."""

    def __init__(self, binding: KerasBinding, kind: str) -> None:
        self.binding = binding
        self.kind = kind

    def describe(self) -> str:
        return f"keras.{self.kind}"

    def rt_instancecheck(self, interp: Interpreter, value: Any) -> bool:
        return isinstance(value, KModel) and (self.kind == "Model" or value.kind == "sequential")

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None  # refused when an instance is made

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        raise interp.error(node, _("the class {name} derives from keras.{kind}; the reader reads models built with "
                                   "Sequential or the functional API, not subclassed models", name=cls.name,
                                   kind=self.kind),
                           hint=_("build the model with keras.Model(inputs, outputs) or Sequential([...])"))

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if self.kind == "Sequential":
            return self.sequential(interp, node, args, kwargs)
        return self.functional(interp, node, args, kwargs)

    def sequential(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> KModel:
        names = ("layers", "trainable", "name")
        values = dict(zip(names, args, strict=False))
        for key, value in kwargs.items():
            if key not in names:
                raise interp.error(node, _("Sequential() got an unexpected keyword argument {key!r}", key=key),
                                   hint=(did_you_mean(key, names) or _("Sequential([layer, ...], name=...)")))
            values[key] = value
        name = values.get("name") or self.binding.uniquify("sequential")
        model = KModel("sequential", name, self.binding, getattr(node, "lineno", None), interp.file)
        layers = values.get("layers")
        if layers:
            if not isinstance(layers, list | tuple):
                raise interp.error(node, _("Sequential() takes a list of layers"))
            for item in layers:
                model.add(interp, node, item, rebuild=False)
            model.maybe_rebuild(interp, node)
        if values.get("trainable") is False:
            model.set_trainable(False)
        self.binding.record_built(model, interp, node)
        return model

    def functional(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> KModel:
        kwargs = dict(kwargs)
        old = [k for k in ("input", "output") if k in kwargs]
        if old:
            written = ", ".join(f"{k}={_arg_source(node, k)}" for k in old)
            modern = ", ".join(f"{k}s={_arg_source(node, k)}" for k in old)
            interp.warn(node, _("`Model({written})` is Keras 2's spelling (Keras 3 rejects {value}); read as "
                                "`Model({modern})`", written=written, value=_(" and ").join(k + '=' for k in old),
                                modern=modern),
                        hint=_("write `Model({modern})`", modern=modern))
            for k in old:
                if k + "s" in kwargs:
                    raise interp.error(node, _("Model() got both {k}= and {k}s=", k=k))
                kwargs[k + "s"] = kwargs.pop(k)
        names = ("inputs", "outputs", "name", "trainable")
        values = dict(zip(names, args, strict=False))
        for key, value in kwargs.items():
            if key not in names:
                raise interp.error(node, _("Model() got an unexpected keyword argument {key!r}", key=key),
                                   hint=(did_you_mean(key, names) or _("Model(inputs=..., outputs=...)")))
            if key in values:
                raise interp.error(node, _("Model() got two values for {key!r}", key=key))
            values[key] = value
        if "inputs" not in values or "outputs" not in values:
            raise interp.error(node, _("Model() needs inputs and outputs"),
                               hint=_("write keras.Model(inputs=x_in, outputs=y) with tensors of the functional API"))
        inputs = _tensors(interp, node, values["inputs"], "inputs")
        outputs = _tensors(interp, node, values["outputs"], "outputs")
        name = values.get("name") or self.binding.uniquify("functional")
        model = KModel("functional", name, self.binding, getattr(node, "lineno", None), interp.file)
        model.inputs, model.outputs = inputs, outputs
        model.graph = graph_operations(inputs, outputs, interp, node)
        model.operations = [op for op in model.graph[0] if not isinstance(op, KInputLayer)]
        if values.get("trainable") is False:
            model.set_trainable(False)
        self.binding.record_built(model, interp, node)
        return model


def _opaque_in(value: Any) -> Opaque | None:
    if isinstance(value, Opaque):
        return value
    if isinstance(value, list | tuple):
        return next((v for v in value if isinstance(v, Opaque)), None)
    return None


def _tensors(interp: Interpreter, node: ast.AST, value: Any, what: str) -> list[KTensor]:
    items = list(value.values()) if isinstance(value, dict) else list(value) if isinstance(value, list | tuple) \
        else [value]
    for item in items:
        if not isinstance(item, KTensor):
            got = item.describe() if isinstance(item, RuntimeObject) else repr(item)
            raise interp.error(node, _("the model's {what} must be Keras tensors, got {got}", what=what, got=got),
                               hint=_("inputs come from keras.Input(...), outputs from calling layers on them"))
    return items


class MergeFunction(RuntimeObject):
    """``concatenate([a, b], axis=...)``, ``add([a, b])`` ...: make the merge layer and call it."""

    def __init__(self, binding: KerasBinding, name: str, type_name: str) -> None:
        self.binding = binding
        self.name = name
        self.type_name = type_name

    def describe(self) -> str:
        return f"keras.layers.{self.name}"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if not args and "inputs" not in kwargs:
            raise interp.error(node, _("{name}() needs the list of tensors to merge", name=self.name))
        kwargs = dict(kwargs)
        inputs = args[0] if args else kwargs.pop("inputs")
        cls = lookup("keras", self.type_name)
        layer = self.binding.make_layer(interp, node, self.type_name, cls, list(args[1:]), kwargs)
        return layer.rt_call(interp, node, [inputs], {})


class TensorFunction(RuntimeObject):
    """A framework function that computes on tensors (``tf.concat``, ``K.mean`` ...)."""

    def __init__(self, qualified: str) -> None:
        self.qualified = qualified

    def describe(self) -> str:
        return self.qualified

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        return TensorFunction(f"{self.qualified}.{name}")

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if any(_has_network(v) for v in [*args, *kwargs.values()]):
            raise interp.error(node, _("{qualified}(...) on Keras tensors makes an operation that the reader does not "
                                       "compute (and Keras 3 does not accept TensorFlow functions on its tensors)",
                                       qualified=self.qualified),
                               hint=_("write it with Keras layers (Concatenate, Add, Reshape, Activation ...)"))
        return interp.opaque(node, _("is a computation on data, which the reader does not run"), config=True)


class Unsupported(RuntimeObject):
    """A framework name the reader refuses when it is used, with what to do instead."""

    def __init__(self, qualified: str, reason: str, hint: str) -> None:
        self.qualified = qualified
        self.reason = reason
        self.hint = hint

    def describe(self) -> str:
        return self.qualified

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        return Unsupported(f"{self.qualified}.{name}", self.reason, self.hint)

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise interp.error(node, f"{self.qualified}: {self.reason}", hint=self.hint)

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        raise interp.error(node, _("{name} derives from {qualified}: {reason}", name=cls.name,
                                   qualified=self.qualified, reason=self.reason), hint=self.hint)


def _has_network(value: Any) -> bool:
    if isinstance(value, NetworkValue):
        return True
    if isinstance(value, list | tuple):
        return any(_has_network(v) for v in value)
    return False


def _engine_values(values: Any) -> Any:
    from .keras_values import _spec_value

    return _spec_value(values) if not isinstance(values, dict) else {k: _spec_value(v) for k, v in values.items()}


def _tuple_text(sizes: Any) -> str:
    sizes = tuple(sizes)
    return "(" + ", ".join(str(s) for s in sizes) + ("," if len(sizes) == 1 else "") + ")"


def _arg_source(node: ast.AST, key: str) -> str:
    for kw in getattr(node, "keywords", []):
        if kw.arg in (key, key + "s"):
            return short_source(kw.value, 30)
    return "..."


__all__ = ["KerasBinding", "call_inputs", "new_node", "relocate"]
