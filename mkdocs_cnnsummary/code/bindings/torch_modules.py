"""PyTorch modules as the reader models them: ``nn.Module`` and its subclasses, the containers and the catalog.

A :class:`TModule` is one module object: a ``torch.nn`` module of the engine's catalog (``nn.Conv2d``:
its arguments, computed by the engine when called), a container (``nn.Sequential``, ``nn.ModuleList``,
``nn.ModuleDict``) or an object of a user class deriving from ``nn.Module`` (or from a container), with
its submodules, parameters and buffers in the order they were assigned, as PyTorch registers them.
A :class:`TorchClass` is a class of ``torch.nn`` (callable, a base of user classes, usable in
``isinstance``).  Calling a module runs it (see :func:`call_module`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...engine.errors import SpecError
from ...engine.layer import Layer, lookup
from ...engine.network import compute_layer, nested_factory
from ...engine.summary import Weight
from ...i18n import N_, _
from ..runtime import (
    Builtin,
    Class,
    Instance,
    NetworkValue,
    Opaque,
    Property,
    RuntimeObject,
    bind_member,
    short_source,
)
from .torch_trace import Frame, Item
from .torch_values import FLOAT, LONG, TorchTensor, TracedTuple, engine_compute, plain, tensors_in

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .torch import TorchBinding

#: lazy modules: the catalog type and the argument their first input gives (from the size at ``axis``)
LAZY = {
    "LazyLinear": ("Linear", "in_features", -1), "LazyBilinear": ("Bilinear", "in1_features", -1),
    "LazyConv1d": ("Conv1d", "in_channels", 1), "LazyConv2d": ("Conv2d", "in_channels", 1),
    "LazyConv3d": ("Conv3d", "in_channels", 1), "LazyConvTranspose1d": ("ConvTranspose1d", "in_channels", 1),
    "LazyConvTranspose2d": ("ConvTranspose2d", "in_channels", 1),
    "LazyConvTranspose3d": ("ConvTranspose3d", "in_channels", 1),
    "LazyBatchNorm1d": ("BatchNorm1d", "num_features", 1), "LazyBatchNorm2d": ("BatchNorm2d", "num_features", 1),
    "LazyBatchNorm3d": ("BatchNorm3d", "num_features", 1),
    "LazyInstanceNorm1d": ("InstanceNorm1d", "num_features", 1),
    "LazyInstanceNorm2d": ("InstanceNorm2d", "num_features", 1),
    "LazyInstanceNorm3d": ("InstanceNorm3d", "num_features", 1),
}
#: containers: their kind
CONTAINERS = {"Module": "module", "Sequential": "sequential", "ModuleList": "modulelist", "ModuleDict": "moduledict"}
#: modules whose output is a tuple: the first output shown, the others as further outputs (see Layer.further_outputs)
TUPLE_OUTPUTS = {"LSTM": "lstm", "GRU": "rnn", "RNN": "rnn", "MultiheadAttention": "attention"}
#: keyword arguments of a call that are tensors the module takes as inputs (others are masks, flags, states)
INPUT_KEYWORDS = ("input", "query", "key", "value", "src", "tgt", "memory", "x", "input1", "input2")


class TParam(NetworkValue):
    """An ``nn.Parameter`` (or a module's buffer, ``buffer=True``): a tensor of known shape that a module owns."""

    def __init__(self, shape: tuple[int, ...], requires_grad: bool = True, buffer: bool = False,
                 dtype: str = FLOAT) -> None:
        self.shape = tuple(shape)
        self.requires_grad = requires_grad
        self.buffer = buffer
        self.dtype = dtype

    def describe(self) -> str:
        return f"a {'buffer' if self.buffer else 'parameter'} of shape {tuple(self.shape)}"

    def numel(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    def as_tensor(self, interp: Interpreter, node: ast.AST) -> TorchTensor:
        from .torch import binding_of

        return binding_of(interp).owned_tensor(self, interp, node)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name in ("data", "detach") and name == "data":
            return self
        if name == "requires_grad":
            return self.requires_grad
        if name in ("normal_", "uniform_", "zero_", "fill_", "copy_", "clamp_", "mul_", "add_", "div_",
                    "requires_grad_", "detach", "detach_", "trunc_normal_", "xavier_uniform_", "kaiming_normal_",
                    "bernoulli_", "exponential_", "sub_"):
            def inplace(i: Interpreter, n: ast.AST, a: list[Any], k: dict[str, Any]) -> Any:
                if name == "requires_grad_":
                    self.requires_grad = bool(a[0]) if a else bool(k.get("requires_grad", True))
                return self

            return Builtin(name, inplace)
        if name == "numel":
            return Builtin("numel", lambda i, n, a, k: self.numel())
        if name == "nelement":
            return Builtin("nelement", lambda i, n, a, k: self.numel())
        if name in ("shape",):
            return tuple(self.shape)
        if name == "size":
            return Builtin("size", lambda i, n, a, k: tuple(self.shape) if not a else self.shape[a[0]])
        if name in ("dim", "ndimension"):
            return Builtin(name, lambda i, n, a, k: len(self.shape))
        if name == "ndim":
            return len(self.shape)
        if name == "dtype":
            from .torch import dtype_value

            return dtype_value(self.dtype)
        if name == "device":
            return Opaque("tensor.device", None, None, N_("is where the tensor lives"), config=True)
        if name in ("grad", "is_leaf"):
            return None if name == "grad" else True
        return self.as_tensor(interp, node).rt_getattr(interp, name, node)

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        if name == "requires_grad":
            self.requires_grad = bool(interp.truth(value, node))
            return
        if name == "data":
            return  # new values, same shape
        raise interp.error(node, _("cannot set {name} of a parameter", name=name))

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        return self.as_tensor(interp, node).rt_binop(interp, op, other, reflected, node)

    def rt_unary(self, interp: Interpreter, op: ast.unaryop, node: ast.AST) -> Any:
        return self.as_tensor(interp, node).rt_unary(interp, op, node)

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        return self.as_tensor(interp, node).rt_getitem(interp, key, node)

    def rt_setitem(self, interp: Interpreter, key: Any, value: Any, node: ast.AST) -> None:
        return None  # values written in __init__: the shape stays

    def rt_len(self, interp: Interpreter, node: ast.AST) -> int:
        return self.shape[0]

    def rt_copy(self, interp: Interpreter, node: ast.AST, deep: bool, memo: dict[int, Any]) -> Any:
        if not deep:
            return self
        made = TParam(self.shape, self.requires_grad, self.buffer, self.dtype)
        memo[id(self)] = made
        return made


class TorchClass(RuntimeObject):
    """A class of ``torch.nn`` (``nn.Conv2d``, ``nn.Sequential``, ``nn.Module`` ...)."""

    def __init__(self, binding: TorchBinding, name: str, qualified: str) -> None:
        self.binding = binding
        self.name = name
        self.qualified = qualified
        self.kind = CONTAINERS.get(name, "leaf")
        self.catalog: str | None = None
        self.lazy: tuple[str, str, int] | None = LAZY.get(name)
        if self.kind == "leaf":
            self.catalog = self.lazy[0] if self.lazy else name
            lookup("pytorch", self.catalog)  # SpecError for a type the catalog does not have

    def describe(self) -> str:
        return self.qualified

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "__name__":
            return self.name
        if name == "forward":
            return Builtin(f"{self.name}.forward", lambda i, n, a, k: call_module(self.binding, a[0], a[1:], k, i, n,
                                                                                  native=True))
        if name == "__init__":
            return Builtin(f"{self.name}.__init__", lambda i, n, a, k: self.initialise(i, n, a[0], a[1:], k))
        raise interp.error(node, _("{qualified} has no attribute {name!r} that the reader knows",
                                   qualified=self.qualified, name=name))

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        module = TModule(self.binding, None, self, getattr(node, "lineno", None), interp.file)
        self.initialise(interp, node, module, args, kwargs)
        self.binding.record_module(module, interp, node)
        return module

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        module = TModule(self.binding, cls, self, getattr(node, "lineno", None), interp.file)
        if cls.find("__init__")[1] is None:  # no __init__ of its own: the base's takes the arguments
            self.initialise(interp, node, module, args, kwargs)
        self.binding.record_module(module, interp, node)
        return module

    def rt_super_attr(self, interp: Interpreter, instance: Any, name: str, node: ast.AST) -> Any:
        if name == "__init__":
            return Builtin("__init__", lambda i, n, a, k: self.initialise(i, n, instance, a, k))
        if name == "forward":
            return Builtin("forward", lambda i, n, a, k: native_forward(self.binding, instance, a, k, i, n))
        if isinstance(instance, TModule):
            return instance.native(interp, name, node)
        raise interp.error(node, _("super().{name} of {qualified} is not supported", name=name,
                                   qualified=self.qualified))

    def rt_instancecheck(self, interp: Interpreter, value: Any) -> bool:
        if not isinstance(value, TModule):
            return False
        if self.name == "Module":
            return True
        return value.base is self or value.base.name == self.name or (
            value.catalog is not None and value.catalog == self.catalog and not self.lazy)

    def initialise(self, interp: Interpreter, node: ast.AST, module: Any, args: list[Any],
                   kwargs: dict[str, Any]) -> None:
        """``nn.X.__init__(module, *args, **kwargs)``: the base's part of a module (its arguments, or what a
        container holds)."""
        if not isinstance(module, TModule):
            raise interp.error(node, _("{qualified}.__init__ needs a module", qualified=self.qualified))
        module.base = self
        module.kind = self.kind
        if self.kind == "leaf":
            module.configure(interp, node, self, list(args), dict(kwargs))
        elif self.kind == "sequential":
            if len(args) == 1 and isinstance(args[0], dict):
                items = list(args[0].items())
            else:
                items = [(str(i), a) for i, a in enumerate(args)]
            for key, value in items:
                module.add_child(interp, node, str(key), value)
        elif self.kind == "modulelist":
            if len(args) > 1 or kwargs:
                raise interp.error(node, _("ModuleList() takes one iterable of modules"))
            for i, value in enumerate(interp.materialize(args[0], node) if args and args[0] is not None else []):
                module.add_child(interp, node, str(i), value)
        elif self.kind == "moduledict":
            source = args[0] if args else None
            pairs = list(source.items()) if isinstance(source, dict) else interp.materialize(source, node) \
                if source is not None else []
            for key, value in pairs:
                module.add_child(interp, node, str(key), value)


class TModule(Instance, NetworkValue):
    """One module object of the model (see the module docstring)."""

    def __init__(self, binding: TorchBinding, cls: Class | None, base: TorchClass, line: int | None,
                 file: str | None) -> None:
        self.cls = cls  # type: ignore[assignment]
        self.attrs: dict[str, Any] = {}
        self.binding = binding
        self.base = base
        self.kind = base.kind
        self.children: dict[str, TModule | None] = {}
        self.params: dict[str, TParam | None] = {}
        self.buffers: dict[str, TParam | None] = {}
        self.line = line
        self.file = file
        # a module of the catalog
        self.catalog: str | None = None
        self.args: list[Any] = []
        self.kwargs: dict[str, Any] = {}
        self.config: dict[str, Any] = {}
        self.lazy: tuple[str, str, int] | None = None
        self.weights: list[Weight] | None = None  # its tensors, once known (from its arguments or its first call)
        self.training = False

    @property
    def type_name(self) -> str:
        if self.cls is not None:
            return self.cls.name
        return self.catalog if self.catalog and not self.lazy else self.base.name

    def describe(self) -> str:
        name = self.binding.tracer.name_of(self)
        return f"the module {name!r} ({self.type_name})" if name else f"a {self.type_name} module"

    # the catalog's modules ------------------------------------------------------------------------------
    def configure(self, interp: Interpreter, node: ast.AST, base: TorchClass, args: list[Any],
                  kwargs: dict[str, Any]) -> None:
        self.catalog = base.catalog
        self.lazy = base.lazy
        for key, value in [*enumerate(args), *kwargs.items()]:
            if isinstance(value, Opaque) and not value.config:
                what = f"argument {key!r}" if isinstance(key, str) else f"argument {key + 1}"
                raise interp.error(node, _("{name}: the {what} is not known: {explain}", name=base.name, what=what,
                                           explain=value.explain()),
                                   hint=_("write the value as a number or a string in the code"))
            if isinstance(value, TModule) and value.catalog is None:  # a module given to a module: of torch.nn only
                raise interp.error(node, _("{name} is given {describe}; the reader counts only "
                                             "modules of torch.nn given as arguments", name=base.name,
                                           describe=value.describe()))
        self.args = list(args)
        self.kwargs = {k: v for k, v in kwargs.items() if k not in ("device", "dtype")}
        if self.lazy:
            return  # bound at the first call, which gives the missing size
        self.bind(interp, node)

    def spec_arguments(self) -> tuple[list[Any], dict[str, Any]]:
        return [_arg(a) for a in self.args], {k: _arg(v) for k, v in self.kwargs.items()}

    def bind(self, interp: Interpreter, node: ast.AST) -> None:
        args, kwargs = self.spec_arguments()
        try:
            self.config = lookup("pytorch", self.catalog).bind(args, kwargs)  # type: ignore[arg-type]
        except SpecError as exc:
            exc.located(line=getattr(node, "lineno", None), layer_type=self.catalog)
            exc.file = interp.file
            raise exc from None

    def leaf_weights(self, interp: Interpreter, node: ast.AST) -> list[Weight]:
        """The module's tensors (from its arguments; a lazy module has none before its first call)."""
        if self.weights is not None:
            return self.weights
        if self.lazy:
            return []
        cls = lookup("pytorch", self.catalog)  # type: ignore[arg-type]
        layer = cls(self.catalog, self.config)
        probe = layer.probe_inputs() if hasattr(layer, "probe_inputs") else None
        if probe is None:
            if type(layer).build is not Layer.build:
                raise interp.error(node, _("the tensors of {describe} are not known before it is called",
                                           describe=self.describe()))
            self.weights = []
            return self.weights
        try:
            _output, calc = compute_layer(layer, probe, nested_factory("pytorch"))
        except SpecError as exc:
            raise interp.error(node, _("the tensors of {describe} cannot be worked out: {message}",
                                       describe=self.describe(), message=exc.message)) from None
        self.weights = list(calc.weights)
        return self.weights

    def leaf_param(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name in self.params:
            return self.params[name]
        if name in self.buffers:
            return self.buffers[name]
        for w in self.leaf_weights(interp, node):
            if w.name == name:
                made = TParam(w.shape, w.trainable, w.buffer, LONG if name == "num_batches_tracked" else FLOAT)
                (self.buffers if w.buffer else self.params)[name] = made
                return made
        if name in ("bias",):
            return None
        return _MISSING

    # the module tree -----------------------------------------------------------------------------------------
    def add_child(self, interp: Interpreter, node: ast.AST, name: str, value: Any) -> None:
        if value is not None and not isinstance(value, TModule):
            what = value.describe() if isinstance(value, RuntimeObject) else repr(value)[:40]
            raise interp.error(node, _("{type_name} holds modules, not {what}", type_name=self.type_name, what=what),
                               hint=_("make the module first: nn.Conv2d(...), a class deriving from nn.Module ..."))
        if value is self:
            raise interp.error(node, _("a module cannot hold itself"))
        self.attrs.pop(name, None)
        self.params.pop(name, None)
        self.children[name] = value
        self.binding.made_children += 1

    def named_modules(self, prefix: str = "", memo: set[int] | None = None) -> Iterator[tuple[str, TModule]]:
        """As ``nn.Module.named_modules()``: depth first, in registration order, each module once."""
        memo = set() if memo is None else memo
        stack: list[tuple[str, TModule]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in memo:
                continue
            memo.add(id(module))
            yield name, module
            kids = [(f"{name}.{key}" if name else key, child) for key, child in module.children.items()
                    if child is not None]
            stack.extend(reversed(kids))

    # attributes ----------------------------------------------------------------------------------------
    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name in self.attrs:
            return self.attrs[name]
        if name in self.children:
            return self.children[name]
        if name in self.params:
            return self.params[name]
        if name in self.buffers:
            return self.buffers[name]
        if name == "__class__":
            return self.cls if self.cls is not None else self.base
        if self.cls is not None:
            found, value = self.cls.find(name)
            if found:
                return bind_member(interp, value, self, node)
        if name == "training":
            return self.training
        if self.catalog is not None:
            if name in self.config and name != "bias":  # bias= is a flag; .bias the tensor (or None)
                value = self.config[name]
                return list(value) if isinstance(value, list) else value
            if name in self.kwargs and name != "bias":
                return self.kwargs[name]
            param = self.leaf_param(interp, name, node)
            if param is not _MISSING:
                return param
        return self.native(interp, name, node)

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        if self.cls is not None:
            found, member = self.cls.find(name)
            if found and isinstance(member, Property):
                if member.setter is None:
                    raise interp.error(node, _("the property {name!r} of {name2} has no setter", name=name,
                                               name2=self.cls.name))
                interp.call(member.setter, [self, value], {}, node)
                return
        if isinstance(value, TModule):
            self.add_child(interp, node, name, value)
            return
        if isinstance(value, TParam) and not value.buffer:
            self.attrs.pop(name, None)
            self.children.pop(name, None)
            self.params[name] = value
            return
        if value is None and name in self.children:
            self.children[name] = None
            return
        if value is None and name in self.params:
            self.params[name] = None
            return
        if name in self.buffers and isinstance(value, TorchTensor | TParam):
            self.buffers[name] = _buffer(value, self.buffers[name])
            return
        if name == "training":
            self.training = bool(interp.truth(value, node))
            return
        self.attrs[name] = value

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return call_module(self.binding, self, args, kwargs, interp, node)

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        if self.cls is not None and self.cls.find("__getitem__")[0]:
            return interp.call(bind_member(interp, self.cls.find("__getitem__")[1], self, node), [key], {}, node)
        kids = list(self.children.items())
        if self.kind == "moduledict":
            if key not in self.children:
                raise interp.user_exception("KeyError", repr(key), node)
            return self.children[key]
        if self.kind not in ("sequential", "modulelist"):
            raise interp.error(node, _("{describe} cannot be indexed", describe=self.describe()))
        if isinstance(key, slice):  # a new container of the same modules (not part of the model itself)
            made = TModule(self.binding, None, self.base, getattr(node, "lineno", None), interp.file)
            made.kind = self.kind
            picked = kids[key]
            made.children = dict(picked) if self.kind == "sequential" else {
                str(i): child for i, (_, child) in enumerate(picked)}
            return made
        if not isinstance(key, int):
            raise interp.user_exception("TypeError", _("{type_name} indices must be integers",
                                                       type_name=self.type_name), node)
        try:
            return kids[key][1]
        except IndexError:
            raise interp.user_exception("IndexError", _("index {key} is out of range", key=key), node) from None

    def rt_setitem(self, interp: Interpreter, key: Any, value: Any, node: ast.AST) -> None:
        if self.kind == "moduledict":
            self.add_child(interp, node, str(key), value)
            return
        if self.kind in ("sequential", "modulelist") and isinstance(key, int):
            keys = list(self.children)
            try:
                name = keys[key]
            except IndexError:
                raise interp.user_exception("IndexError", _("index {key} is out of range", key=key), node) from None
            self.add_child(interp, node, name, value)
            return
        raise interp.error(node, _("{describe} does not support item assignment", describe=self.describe()))

    def rt_iter(self, interp: Interpreter, node: ast.AST) -> Any:
        if self.kind == "moduledict":
            return list(self.children)
        if self.kind in ("sequential", "modulelist"):
            return [child for child in self.children.values() if child is not None]
        if self.cls is not None and self.cls.find("__iter__")[0]:
            return interp.materialize(interp.call(bind_member(interp, self.cls.find("__iter__")[1], self, node),
                                                  [], {}, node), node)
        raise interp.error(node, _("cannot loop over {describe}", describe=self.describe()))

    def rt_len(self, interp: Interpreter, node: ast.AST) -> int:
        if self.kind in ("sequential", "modulelist", "moduledict"):
            return len(self.children)
        raise interp.error(node, _("{describe} has no length", describe=self.describe()))

    def rt_bool(self, interp: Interpreter, node: ast.AST) -> bool:
        return True

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        if isinstance(op, ast.Add) and self.kind in ("sequential", "modulelist") and isinstance(other, TModule):
            made = TModule(self.binding, None, self.base, getattr(node, "lineno", None), interp.file)
            first, second = (other, self) if reflected else (self, other)
            for i, child in enumerate([*first.children.values(), *second.children.values()]):
                made.children[str(i)] = child
            return made
        return NotImplemented

    def rt_copy(self, interp: Interpreter, node: ast.AST, deep: bool, memo: dict[int, Any]) -> Any:
        from ..stdlib import copy_value

        made = TModule(self.binding, self.cls, self.base, self.line, self.file)
        memo[id(self)] = made
        made.kind, made.catalog, made.lazy, made.training = self.kind, self.catalog, self.lazy, self.training
        made.args, made.kwargs, made.config = list(self.args), dict(self.kwargs), dict(self.config)
        made.weights = self.weights
        for name in ("children", "params", "buffers", "attrs"):
            source = getattr(self, name)
            setattr(made, name, {k: copy_value(interp, v, node, deep, memo) if deep else v for k, v in source.items()})
        return made

    # nn.Module's own methods ------------------------------------------------------------------------------
    def native(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        from .torch_methods import module_method

        return module_method(self, interp, name, node)


def _buffer(value: Any, before: TParam | None) -> TParam:
    if isinstance(value, TParam):
        return value
    shape = tuple(1 if d is None else d for d in value.shape)
    return TParam(shape, False, True, value.dtype)


_MISSING: Any = object()


def _arg(value: Any) -> Any:
    """A module argument as the engine takes it (a module given as an argument as its call)."""
    if isinstance(value, TModule) and value.catalog is not None:
        from ...engine.spec import LayerSpec

        args, kwargs = value.spec_arguments()
        return LayerSpec(type=value.catalog, args=args, kwargs=kwargs)
    return plain(value)


# calling a module ----------------------------------------------------------------------------------------------


def call_module(binding: TorchBinding, module: Any, args: list[Any], kwargs: dict[str, Any], interp: Interpreter,
                node: ast.AST, native: bool = False) -> Any:
    """Call a module on tensors: a module of the catalog is computed; one holding others runs its forward()."""
    if not isinstance(module, TModule):
        raise interp.error(node, _("forward() of something that is not a module"))
    if not tensors_in([list(args), kwargs]):
        if any(isinstance(v, Opaque) for v in [*args, *kwargs.values()]):
            interp.skipped(node, f"{short_source(getattr(node, 'func', node), 30)}(...) on data")
            return interp.opaque(node, N_("runs the model on data, which the reader does not do"))
        raise interp.error(node, _("{describe} is called without a tensor", describe=module.describe()),
                           hint=_("call it on the output of another module, or on forward()'s input"))
    if module.catalog is not None and not (module.cls is not None and module.cls.find("forward")[0] and not native):
        return call_catalog(binding, module, args, kwargs, interp, node)
    return call_holder(binding, module, args, kwargs, interp, node, native)


def _call_number(binding: TorchBinding, module: TModule) -> int:
    n = binding.tracer.calls.get(id(module), 0) + 1
    binding.tracer.calls[id(module)] = n
    return n


def call_catalog(binding: TorchBinding, module: TModule, args: list[Any], kwargs: dict[str, Any],
                 interp: Interpreter, node: ast.AST) -> Any:
    """A ``torch.nn`` module of the catalog called on tensors: computed by the engine, one row per call."""
    tracer = binding.tracer
    cls = lookup("pytorch", module.catalog)  # type: ignore[arg-type]
    given = [v for v in args if isinstance(v, TorchTensor | TParam)]
    given += [kwargs[k] for k in INPUT_KEYWORDS if isinstance(kwargs.get(k), TorchTensor)]
    if not given:
        raise interp.error(node, _("{describe} is called without a tensor as its first argument",
                                   describe=module.describe()))
    limit = cls.max_inputs if cls.max_inputs is not None else len(given)
    tensors = [t.as_tensor(interp, node) if isinstance(t, TParam) else t for t in given[:max(limit, 1)]]
    if module.lazy:
        _materialise(module, tensors[0], interp, node)
    shapes = [t.shape for t in tensors]
    name = tracer.name_of(module)
    label = name or module.type_name
    args_, kwargs_ = module.spec_arguments()
    out, computed = engine_compute(module.catalog, args_, kwargs_, shapes, interp, node,  # type: ignore[arg-type]
                                   label)
    calc = next(iter(computed.results.values()))[1]
    if module.weights is None:
        module.weights = list(calc.weights)
    further = computed.layer.further_outputs(shapes, out)
    outs = [out, *further] if further else [out] if not isinstance(out, list) else list(out)
    frame = tracer.frame
    if frame is None or not frame.record:
        made = [TorchTensor(s, None, None, 0, _dtype(module, i)) for i, s in enumerate(outs)]
    else:
        locals_ = [tracer.local(t, frame, interp, node) for t in tensors]
        if name is None:  # not part of the model (kept in a plain list ...): PyTorch does not know it
            binding.not_registered(module, interp, node)
            item = Item("module", tracer.hidden_name("module"), module.catalog, args_, kwargs_,  # type: ignore
                        locals_, outs, computed, hidden=True)
        else:
            call = _call_number(binding, module)
            tracer.consume(name)
            item = Item("module", name, module.catalog, args_, kwargs_, locals_, outs, computed,  # type: ignore
                        call=call if call > 1 else None)
        item.line, item.file, item.module = getattr(node, "lineno", None), interp.file, module
        item.multi = len(outs) > 1 and not further
        item.shown = out if further else None  # type: ignore[attr-defined]
        frame.items.append(item)
        made = [TorchTensor(s, frame, item, i, _dtype(module, i)) for i, s in enumerate(outs)]
    return _structure(module.catalog, made, out, further, tracer)  # type: ignore[arg-type]


def _dtype(module: TModule, index: int) -> str:
    return FLOAT


def _structure(type_name: str, made: list[TorchTensor], out: Any, further: list[Any], tracer: Any) -> Any:
    """What the module returns: a tensor, or its tuple (an LSTM's ``(output, (h_n, c_n))`` ...)."""
    kind = TUPLE_OUTPUTS.get(type_name)
    if kind == "lstm":
        return TracedTuple([made[0], TracedTuple(made[1:3], tracer)], tracer)
    if kind == "rnn":
        return TracedTuple([made[0], made[1]], tracer)
    if kind == "attention":
        return TracedTuple([made[0], made[1] if len(made) > 1 else None], tracer)
    if isinstance(out, list):
        return TracedTuple(made, tracer)
    return made[0]


def _materialise(module: TModule, x: TorchTensor, interp: Interpreter, node: ast.AST) -> None:
    """A lazy module's first call: the missing size from its input, and the class it becomes."""
    catalog, arg, axis = module.lazy  # type: ignore[misc]
    if len(x.shape) < 2 and axis == 1:
        axis = 0
    size = x.shape[axis] if -len(x.shape) <= axis < len(x.shape) else None
    if size is None:
        raise interp.error(node, _("the lazy module {describe} takes its {arg} from its input's size "
                                 "{axis}, which is not known", describe=module.describe(), arg=arg, axis=axis),
                           hint=_("give the input that size as a number"))
    module.args = [size, size, *module.args] if arg == "in1_features" else [size, *module.args]
    module.lazy = None
    module.catalog = catalog
    if module.cls is None:
        module.base = module.binding.nn_class(catalog)
    module.bind(interp, node)


def call_holder(binding: TorchBinding, module: TModule, args: list[Any], kwargs: dict[str, Any],
                interp: Interpreter, node: ast.AST, native: bool = False) -> Any:
    """A module holding others called on tensors: its forward() read in a frame of its own."""
    tracer = binding.tracer
    outer = tracer.frame
    if outer is None or not outer.record:  # on data outside forward(): shapes only
        return run_forward(binding, module, args, kwargs, interp, node, native)
    name = tracer.name_of(module)
    if name is None and module.cls is None and module.kind in ("sequential", "modulelist"):
        return native_forward(binding, module, args, kwargs, interp, node)  # a slice: its modules are the model's
    inner = Frame(module, outer, name or "", record=True, fx=outer.fx and not binding.fx_leaf(module))
    forward_args = _parameter_names(module, len(args))
    local_args = [_localise(a, inner, forward_args[i] if i < len(forward_args) else f"input_{i}", tracer, interp, node)
                  for i, a in enumerate(args)]
    local_kwargs = {k: _localise(v, inner, k, tracer, interp, node) for k, v in kwargs.items()}
    if name is None:  # not part of the model: PyTorch neither shows nor counts it; what it calls still computes
        binding.not_registered(module, interp, node)
        return run_forward(binding, module, args, kwargs, interp, node, native)
    call = _call_number(binding, module)
    tracer.frames.append(inner)
    try:
        binding.own_tensors(module, inner, call, interp, node)
        result = run_forward(binding, module, local_args, local_kwargs, interp, node, native)
    finally:
        tracer.frames.pop()
    outputs = tensors_in(result)
    if not outputs:
        raise interp.error(node, _("{describe}'s forward() returns no tensor", describe=module.describe()),
                           hint=_("return the module's output"))
    inner.outputs = [tracer.local(t, inner, interp, node) for t in outputs]
    inner.structure = result
    item = Item("call", name, module.type_name, frame=inner, call=call if call > 1 else None,
                line=getattr(node, "lineno", None), file=interp.file, module=module)
    item.inputs = [outer_tensor for _, _, outer_tensor in inner.inputs]  # type: ignore[misc]
    item.shapes = [t.shape for t in inner.outputs]
    item.multi = len(inner.outputs) > 1
    outer.items.append(item)
    made = [TorchTensor(t.shape, outer, item, i, t.dtype) for i, t in enumerate(inner.outputs)]
    return _rebuild(result, outputs, made)


def _parameter_names(module: TModule, count: int) -> list[str]:
    forward = module.cls.find("forward")[1] if module.cls is not None else None
    if forward is not None and hasattr(forward, "node"):
        names = [a.arg for a in forward.node.args.posonlyargs + forward.node.args.args][1:]
        return names
    return ["input"] * count


def _localise(value: Any, frame: Frame, name: str, tracer: Any, interp: Interpreter, node: ast.AST,
              depth: int = 0) -> Any:
    """A value given to a module, with each tensor replaced by an input of the module's frame."""
    if isinstance(value, TParam):
        value = value.as_tensor(interp, node)
    if isinstance(value, TorchTensor):
        outer = tracer.local(value, frame.parent, interp, node) if frame.parent is not None else value
        local = TorchTensor(value.shape, frame, None, 0, value.dtype)
        frame.inputs.append((tracer.input_name(frame, name), local, outer))
        return local
    if depth < 4 and isinstance(value, list | tuple | TracedTuple):
        items = value.items if isinstance(value, TracedTuple) else value
        made = [_localise(v, frame, f"{name}_{i}", tracer, interp, node, depth + 1) for i, v in enumerate(items)]
        return made if isinstance(value, list) else tuple(made)
    if depth < 4 and isinstance(value, dict):
        return {k: _localise(v, frame, f"{name}_{k}", tracer, interp, node, depth + 1) for k, v in value.items()}
    return value


def _rebuild(value: Any, old: list[TorchTensor], new: list[TorchTensor], depth: int = 0) -> Any:
    """``value`` with each tensor of ``old`` replaced by the one at the same place in ``new``."""
    if isinstance(value, TorchTensor):
        for o, n in zip(old, new, strict=True):
            if o is value:
                return n
        return value
    if depth > 8:
        return value
    if isinstance(value, TracedTuple):
        return TracedTuple([_rebuild(v, old, new, depth + 1) for v in value.items], value.tracer)
    if isinstance(value, list):
        return [_rebuild(v, old, new, depth + 1) for v in value]
    if isinstance(value, tuple):
        made = tuple(_rebuild(v, old, new, depth + 1) for v in value)
        kind = getattr(value, "kind", None)
        if kind is not None:
            from ..stdlib import NamedTupleValue

            return NamedTupleValue(kind, made)
        return made
    if isinstance(value, dict):
        return {k: _rebuild(v, old, new, depth + 1) for k, v in value.items()}
    return value


def run_forward(binding: TorchBinding, module: TModule, args: list[Any], kwargs: dict[str, Any],
                interp: Interpreter, node: ast.AST, native: bool = False) -> Any:
    """The module's forward(): the class's own, or the container's (a Sequential passes the input along)."""
    if module.cls is not None and not native:
        found, forward = module.cls.find("forward")
        if found:
            return interp.call(bind_member(interp, forward, module, node), args, kwargs, node)
    return native_forward(binding, module, args, kwargs, interp, node)


def native_forward(binding: TorchBinding, module: Any, args: list[Any], kwargs: dict[str, Any],
                   interp: Interpreter, node: ast.AST) -> Any:
    if not isinstance(module, TModule):
        raise interp.error(node, _("forward() of something that is not a module"))
    if module.kind == "sequential":
        if len(args) != 1 or kwargs:
            raise interp.error(node, _("{describe} (nn.Sequential) takes one input", describe=module.describe()),
                               hint=_("a Sequential passes one tensor from module to module"))
        value = args[0]
        for child in module.children.values():
            if child is not None:
                value = interp.call(child, [value], {}, node)
        return value
    if module.catalog is not None:
        return call_catalog(binding, module, args, kwargs, interp, node)
    library = binding.library_forward(module)
    if library is not None:
        return library(interp, node, module, args, kwargs)
    what = {"modulelist": "nn.ModuleList", "moduledict": "nn.ModuleDict"}.get(module.kind)
    if what:
        raise interp.error(node, _("{describe} is an {what}, which holds modules but is not called itself",
                                   describe=module.describe(), what=what),
                           hint=_("call the modules it holds: for layer in self.layers: x = layer(x)"))
    raise interp.error(node, _("{describe} has no forward()", describe=module.describe()),
                       hint=_("define forward(self, ...) in the class {type_name}", type_name=module.type_name))


__all__ = ["CONTAINERS", "LAZY", "TModule", "TParam", "TorchClass", "call_module"]
