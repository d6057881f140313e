"""The PyTorch binding: ``torch``, ``torch.nn``, ``torch.nn.functional`` and torchvision's model helpers.

``nn.Module`` subclasses are read as PyTorch runs them: ``__init__`` registers submodules, parameters and
buffers in order (``torch_modules.py``); the model chosen is called on symbolic tensors of the given
input shapes and its ``forward()`` is read, module call by module call (``torch_trace.py``), each
operation computed by the engine's catalog (``torch_ops.py``); the frames become the engine's networks
(``torch_network.py``).  Nothing of PyTorch is imported.

torchvision's model files read as text import its weight registry (``models/_api.py``), presets and
``_log_api_usage_once``: they build nothing, and stand-ins take their place (a note lists them); its
layers (``ops/misc.py``, ``ops/stochastic_depth.py``) and helpers (``models/_utils.py``) are read.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...engine.errors import SpecError
from ...engine.pytorch import LAYER_MODULES
from ...engine.pytorch.functional import CREATED
from ...i18n import N_, _
from ..runtime import Builtin, Class, ClassMethod, Function, Module, Opaque, RuntimeObject, short_source
from . import Binding
from .torch_modules import CONTAINERS, LAZY, TModule, TorchClass, TParam
from .torch_ops import FUNCTIONS, call_function, operation
from .torch_trace import Frame, Item
from .torch_values import FLOAT, LONG, SizeValue, TorchTensor, Tracer, UnknownSize, tensors_in

if TYPE_CHECKING:
    from ...engine.spec import NetworkSpec
    from ..interpreter import Interpreter

#: torch.nn classes the reader makes (the catalog's, the containers, the lazy modules)
NN_CLASSES = frozenset(name for name in LAYER_MODULES if name[:1].isupper()) | frozenset(CONTAINERS) | frozenset(LAZY)
#: names of torch.nn that are functions and types, not modules
NN_SUBMODULES = ("functional", "init", "utils", "parameter", "modules", "common_types")
#: dtypes by their names in torch
DTYPES = {"float32": FLOAT, "float": FLOAT, "float64": FLOAT, "double": FLOAT, "float16": FLOAT, "half": FLOAT,
          "bfloat16": FLOAT, "int64": LONG, "long": LONG, "int32": LONG, "int": LONG, "int16": LONG, "int8": LONG,
          "uint8": LONG, "bool": "bool"}
#: functions that make a tensor from sizes (in forward(): operations of their name)
CREATED_TYPES = frozenset(CREATED)
CREATION = frozenset({"zeros", "ones", "empty", "rand", "randn", "full", "zeros_like", "ones_like", "empty_like",
                      "rand_like", "randn_like", "full_like", "arange", "tensor", "eye", "linspace", "randint",
                      "new_zeros", "new_ones", "new_empty", "new_full", "as_tensor", "from_numpy", "FloatTensor",
                      "LongTensor", "Tensor"})
#: torchvision modules that build nothing (weights, presets, usage logging): stand-ins instead of their files
TORCHVISION_STAND_INS = ("torchvision.models._api", "torchvision.models._meta", "torchvision.transforms._presets",
                         "torchvision.transforms", "torchvision.utils", "torchvision._internally_replaced_utils",
                         "torchvision.models._utils")


def binding_of(interp: Interpreter) -> TorchBinding:
    return interp.session.bindings["pytorch"]  # type: ignore[return-value]


class DType(RuntimeObject):
    """``torch.float32``, ``torch.long`` ...: compared by identity."""

    def __init__(self, name: str) -> None:
        self.name = name

    def describe(self) -> str:
        return f"torch.{self.name}"


_DTYPE_OBJECTS: dict[str, DType] = {}


def dtype_value(kind: str) -> DType:
    name = {FLOAT: "float32", LONG: "int64"}.get(kind, kind)
    return _DTYPE_OBJECTS.setdefault(name, DType(name))


class TorchBinding(Binding):
    """PyTorch (``torch``, ``torch.nn``) and torchvision's model helpers."""

    name = "pytorch"
    framework = "pytorch"
    roots = ("torch", "torchvision")

    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self.tracer = Tracer()
        self.made_children = 0
        self._classes: dict[str, TorchClass] = {}
        self._modules: dict[str, Any] = {}
        self.stand_ins: list[str] = []
        self.missing: dict[str, tuple[int | None, str | None]] = {}
        self.missing_statements: dict[str, str] = {}
        self.fx_wrapped: set[str] = set()  # functions torch.fx.wrap made one node (torchvision's stochastic_depth)
        self.fx_attrs: set[int] = set()  # parameters whose get_attr node has its name
        self.first_names: dict[int, str] = {}  # id(parameter or buffer) -> its name in named_parameters()
        self.unregistered: set[int] = set()

    # modules ----------------------------------------------------------------------------------------
    def nn_class(self, name: str) -> TorchClass:
        if name not in self._classes:
            self._classes[name] = TorchClass(self, name, f"torch.nn.{name}")
        return self._classes[name]

    def module(self, dotted: str, interp: Interpreter, node: ast.AST) -> Module | None:
        parts = dotted.split(".")
        if parts[0] not in self.roots:
            return None
        if parts[0] == "torchvision":
            return self._torchvision(dotted, interp, node)
        if dotted == "torch":
            return self._torch()
        if dotted in ("torch.nn", "torch.nn.modules") or dotted.startswith("torch.nn.modules."):
            return self._nn()
        if dotted == "torch.nn.functional":
            return self._functional()
        if dotted == "torch.nn.init":
            return self._init()
        if dotted == "torch.nn.parameter":
            return Module("torch.nn.parameter", {"Parameter": self._parameter_class()})
        if dotted in ("torch.utils.checkpoint",):
            return self._checkpoint()
        if dotted == "torch.fx":
            return self._fx()
        if dotted == "torch.jit":
            return self._jit()
        return self._config_module(dotted)

    def _cached(self, key: str, make: Any) -> Any:
        if key not in self._modules:
            self._modules[key] = make()
        return self._modules[key]

    def _config_module(self, dotted: str) -> Any:
        return Opaque(dotted, None, None, N_("trains, loads data or configures PyTorch, which the reader does not run"),
                      config=True)

    def _torch(self) -> Module:
        def make() -> Module:
            members: dict[str, Any] = {
                "nn": self._nn(), "Tensor": TensorClass(), "fx": self._fx(), "jit": self._jit(),
                "utils": Module("torch.utils", {"checkpoint": self._checkpoint()},
                                getter=lambda name: self._config_module(f"torch.utils.{name}")),
                "no_grad": _NoGrad(), "inference_mode": _NoGrad(), "enable_grad": _NoGrad(),
                "__version__": "2", "Size": Builtin("Size", lambda i, n, a, k: tuple(a[0]) if a else ()),
                "_assert": Builtin("_assert", self._assert), "is_tensor": Builtin("is_tensor", self._is_tensor),
                "manual_seed": Builtin("manual_seed", lambda i, n, a, k: None),
                "device": Builtin("device", lambda i, n, a, k: Opaque("torch.device(...)", None, None,
                                                                      N_("is where tensors live"), config=True)),
                "numel": Builtin("numel", lambda i, n, a, k: i.call(i.getattr(a[0], "numel", n), [], {}, n)),
                "randperm": Builtin("randperm", lambda i, n, a, k: i.opaque(n, N_("is random data"))),
            }
            for name in DTYPES:
                members[name] = dtype_value(DTYPES[name] if DTYPES[name] != FLOAT else name)
            members["float"] = members["float32"] = dtype_value(FLOAT)
            members["long"] = members["int64"] = dtype_value(LONG)

            def getter(name: str) -> Any:
                if name in CREATION:
                    return Builtin(f"torch.{name}", lambda i, n, a, k: creation(i, n, name, a, k))
                if name in FUNCTIONS:
                    return Builtin(f"torch.{name}", lambda i, n, a, k: self.tensor_function(i, n, name, a, k))
                if name in ("cuda", "backends", "optim", "distributed", "cuda", "mps", "autograd", "amp", "onnx",
                            "hub", "random", "compile", "set_grad_enabled", "multiprocessing", "profiler",
                            "testing", "library", "overrides", "export"):
                    return self._config_module(f"torch.{name}")
                return None

            return Module("torch", members, getter)

        return self._cached("torch", make)

    def tensor_function(self, interp: Interpreter, node: ast.AST, name: str, args: list[Any],
                        kwargs: dict[str, Any]) -> Any:
        if not tensors_in([list(args), kwargs]) and not any(isinstance(a, TParam) for a in args):
            if any(isinstance(v, Opaque) for v in [*args, *kwargs.values()]):
                return interp.opaque(node, N_("is a computation on data, which the reader does not run"))
            raise interp.error(node, _("torch.{name}() is given no tensor the reader knows", name=name))
        return call_function(interp, node, name, list(args), dict(kwargs))

    def _nn(self) -> Module:
        def make() -> Module:
            members: dict[str, Any] = {"functional": self._functional(), "init": self._init(),
                                       "Parameter": self._parameter_class(),
                                       "Buffer": Builtin("Buffer", self._buffer_value),
                                       "utils": Module("torch.nn.utils", {}, getter=lambda name: Builtin(
                                           name, lambda i, n, a, k: a[0] if a else None)),
                                       "Module": self.nn_class("Module")}

            def getter(name: str) -> Any:
                if name in NN_CLASSES:
                    try:
                        return self.nn_class(name)
                    except SpecError:
                        return None
                if name in _LIBRARY:
                    return _LIBRARY[name](self)
                if name.endswith("Loss") or name in ("DataParallel", "parallel"):
                    return self._config_module(f"torch.nn.{name}")
                if name[:1].isupper():
                    return Unsupported(f"torch.nn.{name}", _("torch.nn.{name} is not in the reader's catalog",
                                                             name=name),
                                       _("see the layer reference for the modules it knows; describe the model with "
                                       "a spec for the others"))
                return None

            names = sorted(NN_CLASSES | set(_LIBRARY))
            module = Module("torch.nn", members, getter, names=[*members, *names])
            module.star = lambda: {name: module.get(name) for name in names}  # type: ignore[attr-defined]
            return module

        return self._cached("nn", make)

    def _functional(self) -> Module:
        def make() -> Module:
            members: dict[str, Any] = {}

            def getter(name: str) -> Any:
                if name in FUNCTIONS:
                    return Builtin(f"F.{name}", lambda i, n, a, k: self.tensor_function(i, n, name, a, k))
                return Unsupported(f"torch.nn.functional.{name}", _("F.{name} is not an operation the reader "
                                   "computes yet", name=name),
                                   _("write it with modules of torch.nn, or describe the model with a "
                                   "spec"))

            return Module("torch.nn.functional", members, getter)

        return self._cached("functional", make)

    def _init(self) -> Module:
        def initialiser(name: str) -> Builtin:
            if name == "calculate_gain":
                return Builtin(name, lambda i, n, a, k: 1.0)
            return Builtin(f"nn.init.{name}", lambda i, n, a, k: a[0] if a else None)  # values, not shapes

        return self._cached("init", lambda: Module("torch.nn.init", {}, getter=initialiser))

    def _checkpoint(self) -> Module:
        def checkpoint(interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
            if not args:
                raise interp.error(node, _("checkpoint() needs the function to run"))
            kwargs = {k: v for k, v in kwargs.items() if k not in ("use_reentrant", "preserve_rng_state",
                                                                    "context_fn", "determinism_check", "debug")}
            return interp.call(args[0], list(args[1:]), kwargs, node)  # the same computation, run once

        return self._cached("checkpoint", lambda: Module("torch.utils.checkpoint", {
            "checkpoint": Builtin("checkpoint", checkpoint),
            "checkpoint_sequential": Builtin("checkpoint_sequential", lambda i, n, a, k: i.call(a[0], [a[2]], {}, n))}))

    def _fx(self) -> Module:
        def wrap(interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
            target = args[0] if args else None
            if isinstance(target, str):
                self.fx_wrapped.add(target)
            return target

        return self._cached("fx", lambda: Module("torch.fx", {"wrap": Builtin("wrap", wrap)},
                                                 getter=lambda name: self._config_module(f"torch.fx.{name}")))

    def _jit(self) -> Module:
        def decorator(name: str) -> Builtin:
            return Builtin(f"torch.jit.{name}", lambda i, n, a, k: a[0] if a else Builtin(
                name, lambda i2, n2, a2, k2: a2[0] if a2 else None))

        members = {"is_scripting": Builtin("is_scripting", lambda i, n, a, k: False),
                   "is_tracing": Builtin("is_tracing", lambda i, n, a, k: False),
                   "annotate": Builtin("annotate", lambda i, n, a, k: a[1] if len(a) > 1 else None)}
        for name in ("unused", "ignore", "export", "script", "_overload_method", "_overload", "script_method",
                     "trace", "interface"):
            members[name] = decorator(name)
        return self._cached("jit", lambda: Module("torch.jit", members,
                                                  getter=lambda name: self._config_module(f"torch.jit.{name}")))

    def _parameter_class(self) -> Builtin:
        return self._cached("Parameter", lambda: _ParameterClass("Parameter", self._parameter))

    def _parameter(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> TParam:
        data = args[0] if args else kwargs.get("data")
        requires_grad = args[1] if len(args) > 1 else kwargs.get("requires_grad", True)
        if data is None:
            return TParam((0,), bool(requires_grad))
        if isinstance(data, TParam):
            return TParam(data.shape, bool(requires_grad), False, data.dtype)
        if not isinstance(data, TorchTensor):
            what = data.explain() if isinstance(data, Opaque) else repr(data)[:40]
            raise interp.error(node, _("nn.Parameter needs a tensor the reader knows, got {what}", what=what),
                               hint=_("make it with torch.zeros, torch.randn, torch.ones ... of sizes in the code"))
        if any(d is None for d in data.shape):
            raise interp.error(node, _("the parameter's size is not known: {describe}", describe=data.describe()))
        return TParam(tuple(data.shape), bool(requires_grad), False, data.dtype)  # type: ignore[arg-type]

    def _buffer_value(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> TParam:
        param = self._parameter(interp, node, args[:1], {})
        return TParam(param.shape, False, True, param.dtype)

    def _assert(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> None:
        self.tracer.consume("_assert")
        if args and isinstance(args[0], bool) and not args[0]:
            message = args[1] if len(args) > 1 else ""
            from ..runtime import ExceptionClass, ExceptionValue, UserRaise

            raise UserRaise(ExceptionValue(ExceptionClass("AssertionError"), [message]), node, interp.file)

    def _is_tensor(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> bool:
        return bool(args) and isinstance(args[0], TorchTensor | TParam)

    # torchvision -----------------------------------------------------------------------------------------
    def _torchvision(self, dotted: str, interp: Interpreter, node: ast.AST) -> Any:
        """Stand-ins for torchvision's modules that build nothing; None for the others (their files are read)."""
        if dotted not in TORCHVISION_STAND_INS and dotted != "torchvision.ops":
            return None
        if dotted not in self.stand_ins:
            self.stand_ins.append(dotted)
        if dotted == "torchvision.ops":
            return self._torchvision_ops(interp, node)
        if dotted == "torchvision.models._utils":
            return self._torchvision_utils(interp, node)
        members: dict[str, Any] = {
            "register_model": Builtin("register_model", lambda i, n, a, k: Builtin(
                "register_model", lambda i2, n2, a2, k2: a2[0] if a2 else None)),
            "WeightsEnum": _weights_enum(), "Weights": Builtin("Weights", lambda i, n, a, k: Opaque(
                "Weights(...)", getattr(n, "lineno", None), i.file, N_("describes pretrained weights"), config=True)),
            "_log_api_usage_once": Builtin("_log_api_usage_once", lambda i, n, a, k: None),
            "_make_ntuple": Builtin("_make_ntuple", _make_ntuple),
        }
        module = Module(dotted, members)
        module.getter = lambda name: Opaque(f"{dotted}.{name}", None, None, N_("describes pretrained weights and their "
                                            "presets, which build nothing"), config=True)
        return module

    def _torchvision_utils(self, interp: Interpreter, node: ast.AST) -> Module:
        """``models/_utils.py``: its helpers read from the file, the decorator for old arguments a stand-in."""
        path = self.torchvision_file("models/_utils.py", interp)
        members: dict[str, Any] = {
            "handle_legacy_interface": Builtin("handle_legacy_interface", lambda i, n, a, k: Builtin(
                "handle_legacy_interface", lambda i2, n2, a2, k2: a2[0] if a2 else None)),
        }
        if path is not None:
            members.update(self.session.definitions_of(path, ("_make_divisible", "_ovewrite_named_param",
                                                              "_ovewrite_value_param"), interp, node))
        return Module("torchvision.models._utils", members, path=self.session.display(path) if path else None)

    def _torchvision_ops(self, interp: Interpreter, node: ast.AST) -> Module:
        """``torchvision.ops``: each name from the file its ``__init__`` imports it from, read when used."""
        where = {"StochasticDepth": "stochastic_depth", "stochastic_depth": "stochastic_depth",
                 "Conv2dNormActivation": "misc", "Conv3dNormActivation": "misc", "SqueezeExcitation": "misc",
                 "MLP": "misc", "Permute": "misc", "FrozenBatchNorm2d": "misc"}

        def getter(name: str) -> Any:
            if name not in where:
                return None
            path = self.torchvision_file(f"ops/{where[name]}.py", interp)
            if path is None:
                return None
            module = self.session.import_path(path, f"torchvision.ops.{where[name]}", interp, node)
            return module.get(name)

        return Module("torchvision.ops", {}, getter)

    def torchvision_file(self, relative: str, interp: Interpreter) -> Path | None:
        """A file of the torchvision whose model file is being read (its package directory is the project's root)."""
        root = self.session.root
        if root is None:
            return None
        for base in (root, *root.parents):
            candidate = base / relative
            if base.name == "torchvision" and candidate.is_file():
                return candidate
        return None

    # values the interpreter asks for -------------------------------------------------------------------
    def missing_name(self, name: str, interp: Interpreter, node: ast.AST) -> Any:
        aliases = {"torch": ("import torch", self._torch), "nn": ("import torch.nn as nn", self._nn),
                   "F": ("import torch.nn.functional as F", self._functional)}
        value = None
        if name in aliases:
            statement, make = aliases[name]
            value = make()
        elif name in NN_CLASSES:
            statement, value = f"from torch.nn import {name}", self._nn().get(name)
        if value is None:
            return None
        self.missing.setdefault(name, (getattr(node, "lineno", None), interp.file))
        self.missing_statements[name] = statement
        return value

    def loaded(self, module: Module, interp: Interpreter) -> None:
        """Functions the file made one torch.fx node with ``torch.fx.wrap("name")``: an operation of their name."""
        for name in self.fx_wrapped & set(module.members):
            function = module.members[name]
            if isinstance(function, Function) and name in WRAPPED:
                module.members[name] = FxWrapped(function, *WRAPPED[name])

    def finish(self, interp: Interpreter) -> None:
        if self.missing:
            first = min(self.missing.values(), key=lambda m: (m[1] is not None, m[0] or 0))
            statements = dict.fromkeys(self.missing_statements[n] for n in self.missing)
            self.session.notice(_("used without an import: {missing}; read as PyTorch's own",
                                  missing=', '.join(self.missing)), first[0],
                                first[1], hint=_("add {statements}",
                                                 statements=_(" and ").join(f"`{s}`" for s in statements)),
                                kind="missing-import")
        if self.stand_ins:
            self.session.notice(_("torchvision's weight registry, presets and usage logging ({stand_ins}) build "
                                  "nothing and are not read", stand_ins=", ".join(self.stand_ins)), None, None,
                                hint=_("their names stand for values that build nothing"), kind="skipped")

    def not_registered(self, module: TModule, interp: Interpreter, node: ast.AST) -> None:
        """A module called in forward() that is none of the model's (kept in a plain list): a warning, once."""
        if id(module) in self.unregistered:
            return
        self.unregistered.add(id(module))
        interp.warn(node, _("a {type_name} module is called that is not one of the model's modules (kept in a "
                          "plain list, dict or variable?): PyTorch neither shows it nor counts its parameters, and "
                          "neither does this table", type_name=module.type_name),
                    hint=_("hold modules in nn.ModuleList or nn.ModuleDict, or assign "
                                                          "them to self"), kind="not-registered")

    def record_module(self, module: TModule, interp: Interpreter, node: ast.AST) -> None:
        """A module made at the top of the file (``model = Net()``): the default choice is the last one."""
        if interp.depth == 0 and (module.cls is not None or module.catalog is None):
            self.record_built(module, interp, node)

    @property
    def model_makers(self) -> tuple[str, ...]:
        names = ["Sequential"]
        for name, value, _line, _kind in self.session.definitions:
            if isinstance(value, Class) and isinstance(value.base_object(), TorchClass):
                names.append(name)
        return tuple(names)

    def is_model(self, value: Any) -> bool:
        return isinstance(value, TModule)

    def fragments_model(self, interp: Interpreter) -> Any:
        """Without model=: the one class of the file deriving from nn.Module that no other class uses and that
        takes no arguments, made as ``Net()``."""
        scope = self.session.main_scope
        if scope is None:
            return None
        classes = [(name, value) for name, value in scope.vars.items()
                   if isinstance(value, Class) and isinstance(value.base_object(), TorchClass)]
        if not classes:
            return None
        source = self.session.main.text if self.session.main else ""
        used = {name for name, _ in classes if source.count(name) > 1 and _used_by_others(name, classes)}
        roots = [(name, cls) for name, cls in classes if name not in used]
        if len(roots) == 1:
            name, cls = roots[0]
            init = cls.find("__init__")[1]
            if init is None or _no_required_arguments(init):
                node = ast.Expr(lineno=cls.line or 1, col_offset=0)
                interp.note(node, _("the model is {name}(), the file's one nn.Module that no other uses", name=name),
                            hint=_("choose another with model=\"...\""), kind="model")
                return interp.call(cls, [], {}, node)
        listing = ", ".join(f"{name} (line {cls.line})" for name, cls in roots)
        raise SpecError(_("the code defines nn.Module classes but does not say which is the model: {listing}",
                          listing=listing),
                        hint=_("choose it with model=\"{roots}(...)\" (--model for the command line)",
                               roots=roots[0][0]))

    # reading forward() --------------------------------------------------------------------------------------
    def owned_tensor(self, param: TParam, interp: Interpreter, node: ast.AST) -> TorchTensor:
        """A parameter or buffer used as a tensor: the item of the frame of the module that owns it."""
        tracer = self.tracer
        frame = tracer.frame
        if frame is None or not frame.record:
            return TorchTensor(param.shape, None, None, 0, param.dtype)
        owner: Frame | None = frame
        while owner is not None and id(param) not in owner.owned:
            owner = owner.parent
        if owner is not None:
            tensor = owner.owned[id(param)]
            if id(param) not in self.fx_attrs:
                self.fx_attrs.add(id(param))
                tracer.consume(self.param_name(param) or "_tensor_constant0")
            return tracer.local(tensor, frame, interp, node)
        known = frame.implicit.get(id(param))
        if known is not None:
            return known
        name = self.param_name(param)
        if id(param) not in self.fx_attrs:
            self.fx_attrs.add(id(param))
            tracer.consume(name or "_tensor_constant0")
        item = Item("tensor", tracer.hidden_name("tensor"), "Buffer" if param.buffer else "Parameter",
                    [list(param.shape)], {}, [], [param.shape], hidden=True, line=getattr(node, "lineno", None),
                    file=interp.file)
        frame.items.append(item)
        made = TorchTensor(param.shape, frame, item, 0, param.dtype)
        frame.implicit[id(param)] = made
        return made

    def param_name(self, param: TParam) -> str | None:
        """The name ``named_parameters()`` gives a parameter (or buffer) of the model, if it is one."""
        return self.first_names.get(id(param))

    def own_tensors(self, module: TModule, frame: Frame, call: int, interp: Interpreter, node: ast.AST) -> None:
        """The parameters and buffers a module holding others owns itself: items of its frame (no rows inside)."""
        prefix = frame.name
        if module.catalog is not None:  # a class of the code deriving from a module of torch.nn: its tensors
            for weight in module.leaf_weights(interp, node):
                module.leaf_param(interp, weight.name, node)
        for store, buffer in ((module.params, False), (module.buffers, True)):
            for attr, param in store.items():
                if param is None:
                    continue
                name = f"{prefix}.{attr}" if prefix else attr
                kwargs = {"persistent": True} if buffer else {"requires_grad": param.requires_grad}
                item = Item("tensor", name, "Buffer" if buffer else "Parameter", [list(param.shape)], kwargs, [],
                            [param.shape], line=module.line, file=module.file, module=module)
                first = self.first_names.get(id(param))
                if first is not None and first != name:
                    item.tied = {"buffer" if buffer else "parameter": first}
                frame.items.append(item)
                frame.owned[id(param)] = TorchTensor(param.shape, frame, item, 0, param.dtype)

    def fx_leaf(self, module: TModule) -> bool:
        """Whether torch.fx treats the module as one node (a torch.nn module other than Sequential)."""
        return module.cls is None and module.base.name in _LIBRARY

    def library_forward(self, module: TModule) -> Any:
        return getattr(module.base, "forward_function", None)

    def network(self, value: Any, inputs: list[Any] | None, interp: Interpreter) -> NetworkSpec:
        from .torch_network import read_forward

        return read_forward(self, value, inputs, interp)


def _used_by_others(name: str, classes: list[tuple[str, Class]]) -> bool:
    for other, cls in classes:
        if other == name:
            continue
        for value in cls.namespace.values():
            node = getattr(value, "node", None)
            if node is not None and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node)):
                return True
    return False


def _no_required_arguments(fn: Any) -> bool:
    node = getattr(fn, "node", None)
    if node is None:
        return True
    positional = node.args.posonlyargs + node.args.args
    return len(positional) - 1 - len(getattr(fn, "defaults", [])) <= 0 and all(
        a.arg in fn.kw_defaults for a in node.args.kwonlyargs)


def _make_ntuple(interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    x, n = args
    if isinstance(x, list | tuple):
        return tuple(x)
    return (x,) * n


def _weights_enum() -> Class:
    """torchvision's WeightsEnum: its subclasses hold weights; ``verify(None)`` is None."""
    def verify(interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        obj = args[1] if len(args) > 1 else None
        if obj is not None and not isinstance(obj, Opaque):
            raise interp.error(node, _("pretrained weights are not read: the reader summarises the architecture"),
                               hint=_("call the builder with weights=None (its default)"))
        return obj

    return Class("WeightsEnum", [], {"verify": ClassMethod(Builtin("verify", verify))})


#: functions torch.fx.wrap makes one node, which the catalog computes: name -> (catalog type, their arguments)
WRAPPED = {"stochastic_depth": ("StochasticDepth", ("p", "mode", "training"))}


class FxWrapped(RuntimeObject):
    """A function of the code that ``torch.fx.wrap`` makes one node (torchvision's ``stochastic_depth``): called on
    a tensor it is an operation of its name, computed by the catalog; otherwise the function itself."""

    def __init__(self, function: Function, type_name: str, params: tuple[str, ...]) -> None:
        self.function, self.type_name, self.params = function, type_name, params

    def describe(self) -> str:
        return self.function.describe()

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if not args or not isinstance(args[0], TorchTensor):
            return interp.call(self.function, args, kwargs, node)
        from .torch_ops import bind

        values = bind(interp, node, self.function.name, self.params, list(args[1:]), kwargs)
        values.pop("training", None)
        return operation(interp, node, self.function.name, self.type_name, [args[0]], [], values)


class _NoGrad(RuntimeObject):
    """``torch.no_grad()``: a context and a decorator that change nothing the reader computes."""

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return args[0] if args and isinstance(args[0], RuntimeObject) and not isinstance(args[0], Opaque) else self


class _ParameterClass(Builtin):
    """``nn.Parameter``: makes a parameter; ``isinstance(x, nn.Parameter)``."""

    def rt_instancecheck(self, interp: Interpreter, value: Any) -> bool:
        return isinstance(value, TParam) and not value.buffer


class TensorClass(RuntimeObject):
    """``torch.Tensor``: for ``isinstance`` and annotations; ``torch.Tensor(2, 3)`` makes a tensor."""

    def describe(self) -> str:
        return "torch.Tensor"

    def rt_instancecheck(self, interp: Interpreter, value: Any) -> bool:
        return isinstance(value, TorchTensor | TParam)

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return creation(interp, node, "Tensor", args, kwargs)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        return Builtin(f"Tensor.{name}", lambda i, n, a, k: i.call(i.getattr(a[0], name, n), a[1:], k, n))


class Unsupported(RuntimeObject):
    """A name of torch the reader refuses when it is used, saying what to do instead."""

    def __init__(self, qualified: str, reason: str, hint: str) -> None:
        self.qualified, self.reason, self.hint = qualified, reason, hint

    def describe(self) -> str:
        return self.qualified

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise interp.error(node, self.reason, hint=self.hint)

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        raise interp.error(node, _("{name} derives from {qualified}: {reason}", name=cls.name,
                                   qualified=self.qualified, reason=self.reason), hint=self.hint)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        raise interp.error(node, self.reason, hint=self.hint)


# making tensors ------------------------------------------------------------------------------------------------


def _sizes(interp: Interpreter, node: ast.AST, name: str, args: list[Any]) -> list[Any]:
    if len(args) == 1 and isinstance(args[0], list | tuple | SizeValue):
        args = list(args[0].shape) if isinstance(args[0], SizeValue) else list(args[0])
    out = []
    for a in args:
        if isinstance(a, UnknownSize) or a is None:
            out.append(None)
        elif isinstance(a, int) and not isinstance(a, bool):
            out.append(int(a))
        elif isinstance(a, Opaque):
            raise interp.error(node, _("torch.{name}(): a size is not known: {explain}", name=name,
                                       explain=a.explain()),
                               hint=_("write the sizes as numbers in the code"))
        else:
            raise interp.error(node, _("torch.{name}() needs sizes, got {short_source}", name=name,
                                       short_source=short_source(node, 40)))
    return out


def _data_shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, list | tuple):
        inner = _data_shape(value[0]) if value else ()
        return (len(value), *inner)
    return ()


def creation(interp: Interpreter, node: ast.AST, name: str, args: list[Any], kwargs: dict[str, Any],
             like: TorchTensor | None = None) -> Any:
    """``torch.zeros(2, 3)``, ``torch.arange(10)``, ``x.new_zeros(...)``: a tensor of sizes given in the code (in
    forward(), an operation of its own; elsewhere a constant)."""
    binding = binding_of(interp)
    kind = DTYPES.get(getattr(kwargs.get("dtype"), "name", ""), FLOAT)
    if name.endswith("_like"):
        source = args[0] if args else kwargs.get("input")
        if not isinstance(source, TorchTensor | TParam):
            raise interp.error(node, _("torch.{name}() needs a tensor", name=name))
        shape = list(source.shape)
        kind = source.dtype if "dtype" not in kwargs else kind
        like = source if isinstance(source, TorchTensor) else None
    elif name in ("arange",):
        numbers = [int(a) if isinstance(a, int) else a for a in args[:3]]
        if any(isinstance(a, UnknownSize) for a in numbers):
            shape = [None]
        else:
            if not all(isinstance(a, int | float) and not isinstance(a, bool) for a in numbers) or not numbers:
                raise interp.error(node, _("torch.arange() needs numbers the reader knows"))
            start, end, step = (0, numbers[0], 1) if len(numbers) == 1 else (*numbers[:2], numbers[2] if
                                                                               len(numbers) > 2 else 1)
            import math

            shape = [max(0, math.ceil((end - start) / step))]
            kind = LONG if all(isinstance(a, int) for a in numbers) and "dtype" not in kwargs else kind
    elif name in ("tensor", "as_tensor", "LongTensor", "FloatTensor") and args and isinstance(args[0], list | tuple):
        shape = list(_data_shape(args[0]))
        kind = LONG if name == "LongTensor" else kind
    elif name == "eye":
        n = args[0]
        shape = [n, args[1] if len(args) > 1 else n]
    elif name == "linspace":
        shape = [args[2] if len(args) > 2 else kwargs.get("steps", 100)]
    elif name == "randint":
        size = args[-1] if args else kwargs.get("size")
        shape = _sizes(interp, node, name, [size])
        kind = LONG
    elif name in ("full", "new_full"):
        shape = _sizes(interp, node, name, [args[0]])
    elif name in ("from_numpy",) or (name in ("tensor", "as_tensor") and args and isinstance(args[0], Opaque)):
        return interp.opaque(node, N_("is data, which the reader does not compute"))
    else:
        shape = _sizes(interp, node, name, list(args))
    if like is not None and "dtype" not in kwargs:
        kind = like.dtype
    frame = binding.tracer.frame
    if frame is None or not frame.record:
        return TorchTensor(tuple(shape), None, None, 0, kind)
    return _made_in_forward(interp, node, name, shape, kind, like)


def _made_in_forward(interp: Interpreter, node: ast.AST, name: str, shape: list[Any], kind: str,
                     like: TorchTensor | None) -> Any:
    """A tensor made in forward(): an operation torch.fx records (``zeros``, ``arange``): from sizes, or the shape
    of another tensor (``zeros_like``)."""
    if name.endswith("_like"):
        source = like if like is not None else None
        return operation(interp, node, name, name, [source] if source is not None else [], dtype=kind)
    sizes = [None if d is None else d for d in shape]
    type_name = name if name in CREATED_TYPES else "empty"
    inputs = [like] if like is not None and type_name.startswith("new_") else []
    return operation(interp, node, name, type_name, inputs, [], {"size": sizes}, dtype=kind)


# library modules: torch.nn classes made of other modules --------------------------------------------------------


class LibraryClass(TorchClass):
    """A class of ``torch.nn`` that holds other modules (``nn.TransformerEncoder``): made as PyTorch makes it,
    read with its forward() (torch.fx sees it as one node, so what it does inside has no rows but its modules')."""

    def __init__(self, binding: TorchBinding, name: str, arguments: tuple[str, ...], defaults: dict[str, Any],
                 make: Any, forward: Any) -> None:
        self.arguments, self.defaults, self.make, self.forward_function = arguments, defaults, make, forward
        self.binding, self.name, self.qualified = binding, name, f"torch.nn.{name}"
        self.kind, self.catalog, self.lazy = "module", None, None

    def initialise(self, interp: Interpreter, node: ast.AST, module: Any, args: list[Any],
                   kwargs: dict[str, Any]) -> None:
        values = dict(self.defaults)
        values.update(zip(self.arguments, args, strict=False))
        for key, value in kwargs.items():
            if key not in self.arguments:
                raise interp.error(node, _("{qualified}() got an unexpected keyword argument {key!r}",
                                           qualified=self.qualified, key=key))
            values[key] = value
        module.base, module.kind = self, "module"
        self.make(interp, node, module, values)


def _stack_of(binding: TorchBinding, layer_key: str) -> Any:
    """``nn.TransformerEncoder``/``Decoder``: ``num_layers`` copies of the layer in ``layers``, then ``norm``."""
    def make(interp: Interpreter, node: ast.AST, module: TModule, values: dict[str, Any]) -> None:
        from ..stdlib import copy_value

        layer = values.get(layer_key)
        if not isinstance(layer, TModule):
            raise interp.error(node, _("{qualified} needs the layer to repeat as {layer_key}",
                                       qualified=module.base.qualified, layer_key=layer_key))
        count = values.get("num_layers")
        if not isinstance(count, int) or count < 1:
            raise interp.error(node, _("num_layers must be a whole number of at least 1"))
        interp.budget.size(count)
        layers = binding.nn_class("ModuleList").rt_call(interp, node, [[copy_value(interp, layer, node, True, {})
                                                                        for _ in range(count)]], {})
        module.add_child(interp, node, "layers", layers)
        module.add_child(interp, node, "norm", values.get("norm"))
        module.attrs["num_layers"] = count

    return make


def _stack_forward(inputs: int) -> Any:
    def forward(interp: Interpreter, node: ast.AST, module: TModule, args: list[Any], kwargs: dict[str, Any]) -> Any:
        tensors = list(args[:inputs])
        for key in ("src", "tgt", "memory")[:inputs] if inputs == 1 else ("tgt", "memory"):
            if key in kwargs and len(tensors) < inputs:
                tensors.append(kwargs[key])
        output = tensors[0]
        for layer in module.children["layers"].children.values():  # type: ignore[union-attr]
            output = interp.call(layer, [output, *tensors[1:]], {}, node)
        norm = module.children.get("norm")
        return interp.call(norm, [output], {}, node) if norm is not None else output

    return forward


def _transformer(binding: TorchBinding) -> Any:
    """``nn.Transformer``: an encoder and a decoder (each a stack of its layer and a LayerNorm)."""
    def make(interp: Interpreter, node: ast.AST, module: TModule, values: dict[str, Any]) -> None:
        nn = binding._nn()
        common = {k: values[k] for k in ("d_model", "nhead", "dim_feedforward", "dropout", "activation",
                                         "layer_norm_eps", "batch_first", "norm_first", "bias")}
        for part, count in (("Encoder", values["num_encoder_layers"]), ("Decoder", values["num_decoder_layers"])):
            custom = values.get(f"custom_{part.lower()}")
            if custom is None:
                layer = interp.call(nn.get(f"Transformer{part}Layer"), [], common, node)
                norm = interp.call(nn.get("LayerNorm"), [values["d_model"]], {"eps": values["layer_norm_eps"],
                                                                             "bias": values["bias"]}, node)
                custom = interp.call(nn.get(f"Transformer{part}"), [layer, count, norm], {}, node)
            module.add_child(interp, node, part.lower(), custom)
        module.attrs.update(d_model=values["d_model"], nhead=values["nhead"], batch_first=values["batch_first"])

    def forward(interp: Interpreter, node: ast.AST, module: TModule, args: list[Any], kwargs: dict[str, Any]) -> Any:
        src = args[0] if args else kwargs.get("src")
        tgt = args[1] if len(args) > 1 else kwargs.get("tgt")
        memory = interp.call(module.children["encoder"], [src], {}, node)
        return interp.call(module.children["decoder"], [tgt, memory], {}, node)

    names = ("d_model", "nhead", "num_encoder_layers", "num_decoder_layers", "dim_feedforward", "dropout",
             "activation", "custom_encoder", "custom_decoder", "layer_norm_eps", "batch_first", "norm_first", "bias",
             "device", "dtype")
    defaults = {"d_model": 512, "nhead": 8, "num_encoder_layers": 6, "num_decoder_layers": 6,
                "dim_feedforward": 2048, "dropout": 0.1, "activation": "relu", "custom_encoder": None,
                "custom_decoder": None, "layer_norm_eps": 1e-5, "batch_first": False, "norm_first": False,
                "bias": True}
    return binding._cached("Transformer", lambda: LibraryClass(binding, "Transformer", names, defaults, make,
                                                               forward))


_LIBRARY: dict[str, Any] = {
    "Transformer": _transformer,
    "TransformerEncoder": lambda b: b._cached("TransformerEncoder", lambda: LibraryClass(
        b, "TransformerEncoder", ("encoder_layer", "num_layers", "norm", "enable_nested_tensor", "mask_check"),
        {"norm": None}, _stack_of(b, "encoder_layer"), _stack_forward(1))),
    "TransformerDecoder": lambda b: b._cached("TransformerDecoder", lambda: LibraryClass(
        b, "TransformerDecoder", ("decoder_layer", "num_layers", "norm"), {"norm": None},
        _stack_of(b, "decoder_layer"), _stack_forward(2))),
}




__all__ = ["TorchBinding", "binding_of", "creation", "dtype_value"]
