"""Operations on tensors in ``forward()``: ``torch.*`` and ``F.*`` functions, tensor methods and operators.

Each operation is one type of the engine's PyTorch catalog, named as torch.fx names the node (``add``,
``cat``, ``view``, ``getitem``; ``F.relu`` is the ``ReLU`` module's computation under the name ``relu``):
:func:`operation` computes it and records it as a row of the frame whose ``forward()`` runs.  The tables
below say, for each function, the catalog type, the order of its arguments and which are tensors.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...engine.errors import SpecError
from ...engine.layer import _CATALOGS, lookup
from ...i18n import N_, _
from ..runtime import Builtin, Opaque, RuntimeObject, TracedInt, short_source
from .torch_trace import Item
from .torch_values import (
    FLOAT,
    LONG,
    SizeValue,
    TorchTensor,
    TracedTuple,
    UnknownSize,
    engine_compute,
    plain,
    tensors_in,
)

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .torch import TorchBinding

Args = list[Any]
Kwargs = dict[str, Any]

#: functions of one tensor that are a module's computation: fx target -> (catalog type, its arguments in order)
MODULE_FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "relu": ("ReLU", ("inplace",)), "relu_": ("ReLU", ()), "relu6": ("ReLU6", ("inplace",)),
    "sigmoid": ("Sigmoid", ()), "tanh": ("Tanh", ()), "gelu": ("GELU", ("approximate",)),
    "silu": ("SiLU", ("inplace",)), "hardswish": ("Hardswish", ("inplace",)),
    "hardsigmoid": ("Hardsigmoid", ("inplace",)), "elu": ("ELU", ("alpha", "inplace")), "selu": ("SELU", ("inplace",)),
    "celu": ("CELU", ("alpha", "inplace")), "mish": ("Mish", ("inplace",)),
    "softplus": ("Softplus", ("beta", "threshold")), "leaky_relu": ("LeakyReLU", ("negative_slope", "inplace")),
    "hardtanh": ("Hardtanh", ("min_val", "max_val", "inplace")), "logsigmoid": ("LogSigmoid", ()),
    "softsign": ("Softsign", ()), "tanhshrink": ("Tanhshrink", ()), "softmax": ("Softmax", ("dim",)),
    "log_softmax": ("LogSoftmax", ("dim",)), "softmin": ("Softmin", ("dim",)), "glu": ("GLU", ("dim",)),
    "dropout": ("Dropout", ("p", "training", "inplace")), "dropout1d": ("Dropout1d", ("p", "training", "inplace")),
    "dropout2d": ("Dropout2d", ("p", "training", "inplace")), "dropout3d": ("Dropout3d", ("p", "training", "inplace")),
    "alpha_dropout": ("AlphaDropout", ("p", "training", "inplace")),
    "feature_alpha_dropout": ("FeatureAlphaDropout", ("p", "training", "inplace")),
    "pixel_shuffle": ("PixelShuffle", ("upscale_factor",)),
    "pixel_unshuffle": ("PixelUnshuffle", ("downscale_factor",)),
    "local_response_norm": ("LocalResponseNorm", ("size", "alpha", "beta", "k")),
}
for _rank in (1, 2, 3):
    MODULE_FUNCTIONS[f"max_pool{_rank}d"] = (f"MaxPool{_rank}d", ("kernel_size", "stride", "padding", "dilation",
                                                                   "ceil_mode", "return_indices"))
    MODULE_FUNCTIONS[f"avg_pool{_rank}d"] = (f"AvgPool{_rank}d", ("kernel_size", "stride", "padding", "ceil_mode",
                                                                   "count_include_pad", "divisor_override"))
    MODULE_FUNCTIONS[f"adaptive_avg_pool{_rank}d"] = (f"AdaptiveAvgPool{_rank}d", ("output_size",))
    MODULE_FUNCTIONS[f"adaptive_max_pool{_rank}d"] = (f"AdaptiveMaxPool{_rank}d", ("output_size", "return_indices"))
#: arguments of the functions above that the module does not take
_NOT_MODULE_ARGUMENTS = frozenset({"training", "_stacklevel", "dtype"})
#: their module's argument names where the function's differ
_MODULE_ARGUMENT_NAMES = {"Dropout": {}, "Softmax": {}}

#: functions and methods that keep the shape: the catalog's functions of the same name
from ...engine.pytorch.functional import SAME_SHAPE  # noqa: E402

#: methods and functions whose type is a catalog type of the same name, with their arguments in order
NAMED: dict[str, tuple[str, ...]] = {
    "view": ("*size",), "reshape": ("*shape",), "flatten": ("start_dim", "end_dim"), "permute": ("*dims",),
    "transpose": ("dim0", "dim1"), "unsqueeze": ("dim",), "squeeze": ("dim",), "expand": ("*size",),
    "chunk": ("chunks", "dim"), "split": ("split_size_or_sections", "dim"), "unbind": ("dim",),
    "mean": ("dim", "keepdim"), "sum": ("dim", "keepdim"), "amax": ("dim", "keepdim"), "amin": ("dim", "keepdim"),
    "interpolate": ("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor", "antialias"),
    "repeat": ("*repeats",), "tile": ("dims",), "contiguous": ("memory_format",),
}
#: methods that write values into a tensor (initialisation): on a tensor made outside forward() they change nothing
FILLS = frozenset({"normal_", "uniform_", "zero_", "fill_", "copy_", "trunc_normal_", "bernoulli_", "exponential_",
                   "random_", "requires_grad_", "fill_diagonal_", "clamp_", "mul_", "add_", "div_", "sub_"})
#: operations that give several tensors (a tuple)
MULTI = frozenset({"chunk", "split", "unbind"})
#: binary arithmetic: the operator, the functions and methods
BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv", ast.MatMult: "matmul",
          ast.Pow: "pow", ast.FloorDiv: "floordiv"}
#: the catalog type of each binary operation's fx target
BINARY_TYPES = {"add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "div": "div", "matmul": "matmul",
                "bmm": "bmm", "pow": "pow", "floordiv": "div", "rsub": "sub", "multiply": "mul",
                "subtract": "sub", "true_divide": "div", "maximum": "add", "minimum": "add"}


def _binding(interp: Interpreter) -> TorchBinding:
    from .torch import binding_of

    return binding_of(interp)


def operation(interp: Interpreter, node: ast.AST, target: str, type_name: str, inputs: list[Any],
              args: Args | None = None, kwargs: Kwargs | None = None, *, dtype: str | None = None) -> Any:
    """Compute an operation of the catalog on tensors and record it in the running frame.

    ``target`` is torch.fx's name for it (the row's name follows it), ``type_name`` the catalog type.
    Outside ``forward()`` (a buffer made in ``__init__``) the result is a constant tensor.
    """
    binding = _binding(interp)
    tracer = binding.tracer
    tensors = [as_tensor(interp, t, node) for t in inputs]
    args = [plain(a) for a in args or []]
    kwargs = {k: plain(v) for k, v in (kwargs or {}).items()}
    if type_name not in _CATALOGS.get("pytorch", {}):
        try:
            lookup("pytorch", type_name)
        except SpecError:
            raise interp.error(node, _("{target} ({short_source}) is not an operation the reader computes "
                                     "yet", target=target, short_source=short_source(node, 40)),
                               hint=_("write it with modules of torch.nn, or describe the model with a "
                                                 "spec")) from None
    frame = tracer.frame
    recording = frame is not None and frame.record
    name = tracer.consume(target) if recording else None
    if recording and name is None:
        name = tracer.hidden_name(target)
    out, computed = engine_compute(type_name, args, kwargs, [t.shape for t in tensors], interp, node,
                                   name or target)
    outs = list(out) if isinstance(out, list) else [out]
    kind = dtype or (tensors[0].dtype if tensors else FLOAT)
    if not recording:
        made = [TorchTensor(s, None, None, 0, kind) for s in outs]
    else:
        locals_ = [tracer.local(t, frame, interp, node) for t in tensors]  # type: ignore[arg-type]
        item = Item("op", name, type_name, args, kwargs, locals_, outs, computed,  # type: ignore[arg-type]
                    hidden=not tracer.tracing, line=getattr(node, "lineno", None), file=interp.file)
        item.multi = isinstance(out, list)
        frame.items.append(item)  # type: ignore[union-attr]
        made = [TorchTensor(s, frame, item, i, kind) for i, s in enumerate(outs)]
    return TracedTuple(made, tracer) if isinstance(out, list) else made[0]


def as_tensor(interp: Interpreter, value: Any, node: ast.AST) -> TorchTensor:
    from .torch_modules import TParam

    if isinstance(value, TParam):
        return value.as_tensor(interp, node)
    if isinstance(value, TorchTensor):
        return value
    raise interp.error(node, _("expected a tensor, got {describe}", describe=_describe(value)))


def _describe(value: Any) -> str:
    return value.describe() if isinstance(value, RuntimeObject) else f"{value!r}"[:40]


def bind(interp: Interpreter, node: ast.AST, name: str, params: tuple[str, ...], args: Args,
         kwargs: Kwargs) -> dict[str, Any]:
    """Arguments by the function's parameter names (``*size`` takes the rest of the positional ones)."""
    values: dict[str, Any] = {}
    for i, param in enumerate(params):
        if param.startswith("*"):
            rest = args[i:]
            if len(rest) == 1 and isinstance(rest[0], list | tuple | SizeValue):
                rest = list(rest[0].shape if isinstance(rest[0], SizeValue) else rest[0])
            if rest:
                values[param[1:]] = list(rest)
            break
        if i < len(args):
            values[param] = args[i]
    else:
        if len(args) > len(params):
            raise interp.user_exception("TypeError", _("{name}() takes at most {len} arguments after the "
                                                     "tensor, got {len2}", name=name, len=len(params),
                                                       len2=len(args)), node)
    for key, value in kwargs.items():
        plain_params = [p.lstrip("*") for p in params]
        if key not in plain_params:
            if key in ("out", "memory_format", "inplace", "non_blocking", "copy", "device", "dtype"):
                continue
            raise interp.user_exception("TypeError", _("{name}() got an unexpected keyword argument {key!r}",
                                                       name=name, key=key), node)
        values[key] = value
    return values


# calls of functions (torch.X, F.X) and methods (x.X) ---------------------------------------------------------


def call_function(interp: Interpreter, node: ast.AST, target: str, args: Args, kwargs: Kwargs,
                  method: bool = False) -> Any:
    """``torch.target(*args)`` / ``F.target(*args)`` / ``args[0].target(*args[1:])`` on tensors.

    An in-place method (``x.add_(y)``, ``x.relu_()``) is the same computation under its own name."""
    if target.endswith("_") and not target.endswith("__") and target[:-1] in FUNCTIONS:
        return _dispatch(interp, node, target, target[:-1], args, kwargs)
    return _dispatch(interp, node, target, target, args, kwargs)


def _dispatch(interp: Interpreter, node: ast.AST, name: str, target: str, args: Args, kwargs: Kwargs) -> Any:
    """``target``'s computation recorded under the torch.fx name ``name``."""
    if target in ("cat", "concat", "concatenate", "stack", "hstack", "vstack"):
        return _joined(interp, node, target, args, kwargs)
    if target in BINARY_TYPES and (len(args) >= 2 or "other" in kwargs):
        other = args[1] if len(args) > 1 else kwargs.get("other")
        return binary(interp, node, target, args[0], other, False, name)
    if not args:
        raise interp.error(node, _("{target}() needs a tensor", target=target))
    x, rest = args[0], list(args[1:])
    if target in MODULE_FUNCTIONS:
        type_name, params = MODULE_FUNCTIONS[target]
        values = bind(interp, node, target, params, rest, kwargs)
        module_kwargs = {k: v for k, v in values.items() if k not in _NOT_MODULE_ARGUMENTS}
        if type_name in ("Softmax", "LogSoftmax", "Softmin") and module_kwargs.get("dim") is None:
            rank = len(as_tensor(interp, x, node).shape)
            module_kwargs["dim"] = 0 if rank in (0, 1, 3) else 1  # PyTorch's _get_softmax_dim, with its warning
            interp.warn(node, _("{target}() without dim= is deprecated: PyTorch picks dim={module_kwargs} for a "
                              "{rank}-D input", target=target, module_kwargs=module_kwargs['dim'], rank=rank),
                        hint=_("write {target}(x, dim={module_kwargs})", target=target,
                               module_kwargs=module_kwargs['dim']),
                        kind="implicit-dim")
        return operation(interp, node, name, type_name, [x], [], module_kwargs)
    if target in NAMED:
        values = bind(interp, node, target, NAMED[target], rest, kwargs)
        if target in ("view", "reshape", "expand", "repeat") and not values:
            raise interp.error(node, _("{target}() needs the sizes", target=target))
        return operation(interp, node, name, target, [x], [], _sized(values))
    if target in SAME_SHAPE:
        extra = [v for v in [*rest, *kwargs.values()] if _tensorlike(v)]
        return operation(interp, node, name, target, [x, *extra], [], {})
    if target in NORMS:
        return _norm_function(interp, node, target, x, rest, kwargs)
    if target in ("scaled_dot_product_attention", "grid_sample"):
        values = bind(interp, node, target, FUNCTION_ARGUMENTS[target], rest, kwargs)
        tensors = [x, *(values.pop(k) for k in ("key", "value", "grid") if k in values)]
        kept = {k: v for k, v in values.items() if k in ("is_causal", "mode", "padding_mode", "align_corners")}
        return operation(interp, node, name, target, tensors, [], kept)
    if target == "affine_grid":
        values = bind(interp, node, target, ("size", "align_corners"), rest, kwargs)
        return operation(interp, node, name, target, [x], [], _sized(values))
    if target == "t":
        return operation(interp, node, name, "transpose", [x], [], {"dim0": 0, "dim1": 1})
    raise interp.error(node, _("{target}() on tensors is not an operation the reader computes yet", target=target),
                       hint=_("write it with modules of torch.nn, or describe the model with a spec"))


#: the arguments of functions that take several tensors, after the first
FUNCTION_ARGUMENTS = {
    "scaled_dot_product_attention": ("key", "value", "attn_mask", "dropout_p", "is_causal", "scale", "enable_gqa"),
    "grid_sample": ("grid", "mode", "padding_mode", "align_corners"),
}
#: functional normalisations: the module that does the same without weights of its own (the tensors given count
#: in the row of the module that owns them)
NORMS = {
    "layer_norm": ("normalized_shape", "weight", "bias", "eps"),
    "group_norm": ("num_groups", "weight", "bias", "eps"),
    "batch_norm": ("running_mean", "running_var", "weight", "bias", "training", "momentum", "eps"),
    "instance_norm": ("running_mean", "running_var", "weight", "bias", "use_input_stats", "momentum", "eps"),
}


#: every function name :func:`call_function` computes (``torch.X``, ``F.X`` and methods alike)
FUNCTIONS = frozenset({*MODULE_FUNCTIONS, *NAMED, *SAME_SHAPE, *NORMS, *FUNCTION_ARGUMENTS, *BINARY_TYPES, "cat",
                       "concat", "concatenate", "stack", "t", "affine_grid"})


def _norm_function(interp: Interpreter, node: ast.AST, target: str, x: Any, rest: Args, kwargs: Kwargs) -> Any:
    """``F.layer_norm(x, shape, w, b)`` ...: the module's computation; the tensors it is given are read (torch.fx
    names them) but are no input of the row."""
    values = bind(interp, node, target, NORMS[target], rest, kwargs)
    for key in ("weight", "bias", "running_mean", "running_var"):
        if _tensorlike(values.get(key)):
            as_tensor(interp, values[key], node)
    tensor = as_tensor(interp, x, node)
    channels = tensor.shape[1] if len(tensor.shape) > 1 else None
    if target == "layer_norm":
        shape = values.get("normalized_shape")
        module, kwargs = "LayerNorm", {"normalized_shape": list(shape) if isinstance(shape, list | tuple) else shape,
                                       "elementwise_affine": False}
    elif target == "group_norm":
        module, kwargs = "GroupNorm", {"num_groups": values.get("num_groups"), "num_channels": channels,
                                       "affine": False}
    else:
        rank = len(tensor.shape)
        kind = "BatchNorm" if target == "batch_norm" else "InstanceNorm"
        module, kwargs = f"{kind}{max(1, rank - 2)}d", {"num_features": channels, "affine": False,
                                                        "track_running_stats": False}
    if values.get("eps") is not None:
        kwargs["eps"] = values["eps"]
    return operation(interp, node, target, module, [tensor], [], kwargs)


def _sized(values: dict[str, Any]) -> dict[str, Any]:
    """Sizes for the engine: a traced size as its number, the batch as ``batch``."""
    return {k: plain(v) for k, v in values.items()}


def _joined(interp: Interpreter, node: ast.AST, target: str, args: Args, kwargs: Kwargs) -> Any:
    values = bind(interp, node, target, ("tensors", "dim"), args, kwargs)
    tensors = values.get("tensors")
    items = tensors.items if isinstance(tensors, TracedTuple) else tensors
    if not isinstance(items, list | tuple) or not items:
        raise interp.error(node, _("torch.{target}() takes a list of tensors", target=target))
    kind = "stack" if target == "stack" else "cat"
    return operation(interp, node, target, kind, list(items), [], {"dim": values.get("dim", 0)})


def binary(interp: Interpreter, node: ast.AST, target: str, left: Any, right: Any, reflected: bool,
           name: str | None = None) -> Any:
    """``left op right`` where one side is a tensor and the other a tensor or a number."""
    type_name = BINARY_TYPES.get(target, target)
    tensors = [v for v in (left, right) if _tensorlike(v)]
    number = next((v for v in (left, right) if not _tensorlike(v)), None)
    kwargs: dict[str, Any] = {}
    if len(tensors) == 1:
        if isinstance(number, UnknownSize):
            number = None
        if number is not None and not isinstance(number, int | float):
            raise interp.error(node, _("{target} of a tensor and {describe} is not an operation the reader "
                                     "computes", target=target, describe=_describe(number)))
        kwargs["other"] = number if number is None or not isinstance(number, TracedInt) else int(number)
        if kwargs["other"] is None:
            kwargs.pop("other")
    ordered = [right, left] if reflected else [left, right]
    inputs = [v for v in ordered if _tensorlike(v)]
    return operation(interp, node, name or target, type_name, inputs, [], kwargs)


def _tensorlike(value: Any) -> bool:
    from .torch_modules import TParam

    return isinstance(value, TorchTensor | TParam)


def binary_operator(tensor: TorchTensor, interp: Interpreter, op: ast.operator, other: Any, reflected: bool,
                    node: ast.AST) -> Any:
    target = BINARY.get(type(op))
    if target is None:
        return NotImplemented
    if isinstance(other, RuntimeObject) and not _tensorlike(other) and not isinstance(other, UnknownSize):
        return NotImplemented
    if reflected and target == "sub" and not _tensorlike(other):
        target = "sub"
    return binary(interp, node, target, other if reflected else tensor, tensor if reflected else other, False)


def unary_operator(tensor: TorchTensor, interp: Interpreter, op: ast.unaryop, node: ast.AST) -> Any:
    if isinstance(op, ast.USub):
        return operation(interp, node, "neg", "contiguous", [tensor])
    if isinstance(op, ast.UAdd):
        return tensor
    return NotImplemented


def index_text(interp: Interpreter, key: Any, node: ast.AST) -> str:
    """An index as Python writes it after the tensor: ``[:, 0]``."""
    parts = key if isinstance(key, tuple) else (key,)
    out = []
    for part in parts:
        if part is None:
            out.append("None")
        elif part is Ellipsis or (isinstance(part, Opaque) and part.origin == "..."):
            out.append("...")
        elif isinstance(part, bool):
            raise interp.error(node, _("indexing a tensor with True or False is not supported by the reader"))
        elif isinstance(part, int):
            out.append(str(int(part)))
        elif isinstance(part, slice):
            bounds = []
            for b in (part.start, part.stop, part.step):
                if isinstance(b, UnknownSize) and b is not part.step:
                    bounds.append("batch")  # a size not known: the slice's length is not known either
                    continue
                if b is not None and not isinstance(b, int):
                    raise interp.error(node, _("a slice bound must be a number, got {describe}", describe=_describe(b)))
                bounds.append("" if b is None else str(int(b)))
            out.append(":".join(bounds[:2]) + (f":{bounds[2]}" if bounds[2] else ""))
        elif isinstance(part, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in part):
            out.append(str([int(v) for v in part]))
        elif isinstance(part, UnknownSize):
            raise interp.error(node, _("the index is the batch size, which is not known: {short_source}",
                                       short_source=short_source(node, 40)))
        else:
            raise interp.error(node, _("indexing a tensor with {describe} is not supported by the reader",
                                       describe=_describe(part)),
                               hint=_("index with numbers, slices, None and ..."))
    return "[" + ", ".join(out) + "]"


def index_tensor(tensor: TorchTensor, interp: Interpreter, key: Any, node: ast.AST) -> Any:
    return operation(interp, node, "getitem", "getitem", [tensor], [], {"index": index_text(interp, key, node)})


def unbind_tensor(tensor: TorchTensor, interp: Interpreter, node: ast.AST) -> Any:
    raise interp.error(node, _("looping over a tensor is not supported by the reader (torch.fx refuses it too)"),
                       hint=_("index it: x[:, i], or use torch.unbind(x, dim)"))


# attributes and methods of a tensor ----------------------------------------------------------------------------


def tensor_attribute(tensor: TorchTensor, interp: Interpreter, name: str, node: ast.AST) -> Any:
    binding = _binding(interp)
    tracer = binding.tracer
    if name == "shape":
        tracer.consume("getattr")
        return SizeValue(tensor.shape, tracer, short_source(getattr(node, "value", node), 30) + ".shape")
    if name in ("ndim", "is_cuda", "dtype", "device", "requires_grad", "data", "grad", "T", "mT", "is_leaf"):
        tracer.consume("getattr")
        if name == "ndim":
            return tracer.sized(len(tensor.shape), "ndim")
        if name == "dtype":
            from .torch import dtype_value

            return dtype_value(tensor.dtype)
        if name == "device":
            return Opaque("x.device", None, None, N_("is where the tensor lives"), config=True)
        if name == "data":
            return tensor
        if name in ("T", "mT"):
            rank = len(tensor.shape)
            return operation(interp, node, "permute", "permute", [tensor], [],
                             {"dims": list(range(rank))[::-1]} if name == "T" else
                             {"dims": [*range(rank - 2), rank - 1, rank - 2]})
        return False if name in ("is_cuda", "requires_grad") else None if name == "grad" else True
    return Builtin(f"Tensor.{name}", lambda i, n, a, k: tensor_method(tensor, i, name, n, a, k))


def tensor_method(tensor: TorchTensor, interp: Interpreter, name: str, node: ast.AST, args: Args,
                  kwargs: Kwargs) -> Any:
    binding = _binding(interp)
    tracer = binding.tracer
    if name == "size":
        tracer.consume("size")
        dim = args[0] if args else kwargs.get("dim")
        origin = short_source(getattr(node, "func", node), 30)
        if dim is None:
            return SizeValue(tensor.shape, tracer, origin + "()")
        try:
            return tracer.sized(tensor.shape[dim], f"{origin}({dim})")
        except (IndexError, TypeError):
            raise interp.user_exception("IndexError", _("Dimension out of range (the tensor has {len} "
                                                      "dimensions, got {dim})", len=len(tensor.shape), dim=dim),
                                        node) from None
    if name in ("dim", "ndimension"):
        tracer.consume(name)
        return tracer.sized(len(tensor.shape), f"{name}()")
    if name in ("numel", "nelement"):
        tracer.consume(name)
        total = 1
        for d in tensor.shape:
            if d is None:
                return UnknownSize("x.numel()", tracer)
            total *= d
        return tracer.sized(total, "numel()")
    if name in FILLS and tensor.frame is None:  # values written into a tensor made in __init__
        return tensor
    if name in ("view_as", "reshape_as", "expand_as"):
        other = as_tensor(interp, args[0], node)
        target = {"view_as": "view", "reshape_as": "reshape", "expand_as": "expand"}[name]
        return operation(interp, node, name, target, [tensor], [], {
            "size" if target != "reshape" else "shape": [d if d is not None else "batch" for d in other.shape]})
    if name in ("max", "min") and (args or "dim" in kwargs):
        raise interp.error(node, _("x.{name}(dim) gives values and indices, which the reader does not compute yet",
                                   name=name),
                           hint=_("use x.a{name}(dim) for the values", name=name))
    if name in ("new_zeros", "new_ones", "new_empty", "new_full"):
        from .torch import creation

        return creation(interp, node, name, args, kwargs, like=tensor)
    if name in ("long", "int", "bool") and not args:
        result = call_function(interp, node, name, [tensor], {}, method=True)
        if isinstance(result, TorchTensor):
            result.dtype = LONG if name != "bool" else "bool"
        return result
    if name == "type" and not args:
        return f"torch.{'LongTensor' if tensor.dtype == LONG else 'FloatTensor'}"
    return call_function(interp, node, name, [tensor, *args], kwargs, method=True)


__all__ = ["as_tensor", "binary", "binary_operator", "call_function", "index_tensor", "operation", "tensor_attribute",
           "tensors_in", "unary_operator"]
