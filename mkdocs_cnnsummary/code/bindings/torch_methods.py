"""``nn.Module``'s own methods as the reader gives them: the module tree (``modules()``, ``named_children()``,
``parameters()`` ...), registration (``add_module``, ``register_buffer``), the containers' list and dict
methods, and the methods that change nothing the tables show (``to``, ``eval``, ``apply``' effects on
values, ``load_state_dict``)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...engine.errors import did_you_mean
from ...i18n import N_, _
from ..runtime import Builtin, Opaque

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .torch_modules import TModule, TParam

Args = list[Any]
Kwargs = dict[str, Any]

#: methods that return the module itself and change nothing the reader computes
SELF_METHODS = frozenset({"to", "cuda", "cpu", "float", "double", "half", "bfloat16", "type", "train", "eval",
                          "requires_grad_", "share_memory", "to_empty", "zero_grad", "ipu", "xpu", "mps"})
#: methods that build nothing (training, saving, loading weights): skipped, with a note
SKIPPED_METHODS = frozenset({"load_state_dict", "state_dict", "register_forward_hook", "register_forward_pre_hook",
                             "register_backward_hook", "register_full_backward_hook", "extra_repr", "__repr__",
                             "set_extra_state", "get_extra_state"})


def module_method(module: TModule, interp: Interpreter, name: str, node: ast.AST) -> Any:
    """``module.name`` when it is none of the module's own attributes: a method of nn.Module or of its container."""
    if name in SELF_METHODS:
        return Builtin(name, lambda i, n, a, k: module)
    if name in SKIPPED_METHODS:
        return Builtin(name, lambda i, n, a, k: i.skipped(n, f"{name}(...)") or i.opaque(
            n, N_("saves or loads weights, which the reader does not do"), config=True))
    table = {
        "forward": _forward, "modules": _modules, "named_modules": _named_modules, "children": _children,
        "named_children": _named_children, "parameters": _parameters, "named_parameters": _named_parameters,
        "buffers": _buffers, "named_buffers": _named_buffers, "apply": _apply, "add_module": _add_module,
        "register_module": _add_module, "register_buffer": _register_buffer,
        "register_parameter": _register_parameter, "get_submodule": _get_submodule,
        "get_parameter": _get_parameter,
        "__setattr__": lambda m, i, n, a, k: i.setattr(m, a[0], a[1], n) if len(a) == 2 and isinstance(a[0], str)
        else _bad(i, n, "__setattr__(name, value)"),
        "__getattr__": lambda m, i, n, a, k: i.getattr(m, a[0], n) if len(a) == 1 and isinstance(a[0], str)
        else _bad(i, n, "__getattr__(name)"),
    }
    if name in table:
        fn = table[name]
        return Builtin(name, lambda i, n, a, k: fn(module, i, n, a, k))
    if module.kind in ("sequential", "modulelist"):
        method = _list_method(module, name)
        if method is not None:
            return method
    if module.kind == "moduledict":
        method = _dict_method(module, name)
        if method is not None:
            return method
    known = [*module.attrs, *module.children, *module.params, *module.buffers]
    raise interp.error(node, _("{describe} has no attribute {name!r}", describe=module.describe(), name=name),
                       hint=did_you_mean(name, known) or _("set self.{name} in __init__ before it is used", name=name))


def _bad(interp: Interpreter, node: ast.AST, usage: str) -> Any:
    raise interp.error(node, _("call it as {usage}, with the name as a string", usage=usage))


def _forward(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    from .torch_modules import native_forward

    return native_forward(module.binding, module, args, kwargs, interp, node)


def _modules(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    return [m for _, m in module.named_modules()]


def _named_modules(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    return list(module.named_modules(prefix=kwargs.get("prefix", "")))


def _children(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    return _unique(c for c in module.children.values() if c is not None)


def _named_children(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    seen: set[int] = set()
    out = []
    for key, child in module.children.items():
        if child is not None and id(child) not in seen:
            seen.add(id(child))
            out.append((key, child))
    return out


def _unique(values: Any) -> list[Any]:
    seen: set[int] = set()
    out = []
    for v in values:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def own_tensors(module: TModule, interp: Interpreter, node: ast.AST, buffers: bool) -> list[tuple[str, TParam]]:
    """A module's own parameters (or buffers), in the order PyTorch registers them; a module of the catalog's
    from its arguments."""
    if module.catalog is not None:
        for w in module.leaf_weights(interp, node):
            if w.buffer == buffers:
                module.leaf_param(interp, w.name, node)
    source = module.buffers if buffers else module.params
    return [(name, value) for name, value in source.items() if value is not None]


def named_tensors(module: TModule, interp: Interpreter, node: ast.AST, buffers: bool,
                  prefix: str = "") -> list[tuple[str, TParam]]:
    """As ``named_parameters()``/``named_buffers()``: each tensor once, under the first name PyTorch gives it."""
    seen: set[int] = set()
    out = []
    for name, m in module.named_modules(prefix):
        for own, tensor in own_tensors(m, interp, node, buffers):
            if id(tensor) not in seen:
                seen.add(id(tensor))
                out.append((f"{name}.{own}" if name else own, tensor))
    return out


def _parameters(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    if not _recurse(args, kwargs):
        return [t for _, t in own_tensors(module, interp, node, False)]
    return [t for _, t in named_tensors(module, interp, node, False)]


def _named_parameters(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    if not _recurse(args[1:], kwargs):
        return own_tensors(module, interp, node, False)
    return named_tensors(module, interp, node, False, kwargs.get("prefix", args[0] if args else ""))


def _buffers(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    if not _recurse(args, kwargs):
        return [t for _, t in own_tensors(module, interp, node, True)]
    return [t for _, t in named_tensors(module, interp, node, True)]


def _named_buffers(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    return named_tensors(module, interp, node, True, kwargs.get("prefix", args[0] if args else ""))


def _recurse(args: Args, kwargs: Kwargs) -> bool:
    return bool(args[0]) if args else bool(kwargs.get("recurse", True))


def _apply(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    """``module.apply(fn)``: fn on every module, the ones it holds first (initialisers: values, not shapes)."""
    if len(args) != 1:
        raise interp.error(node, _("apply() takes one function"))
    order = [m for _, m in module.named_modules()]
    for m in reversed(order):
        interp.call(args[0], [m], {}, node)
    return module


def _add_module(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> None:
    values = dict(zip(("name", "module"), args, strict=False)) | kwargs
    name = values.get("name")
    if not isinstance(name, str):
        raise interp.error(node, _("add_module() needs the module's name as a string"))
    if "." in name or not name:
        raise interp.user_exception("KeyError", _('module name can\'t contain ".", got: {name}', name=name), node)
    module.add_child(interp, node, name, values.get("module"))


def _register_buffer(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> None:
    from .torch_modules import _buffer

    values = dict(zip(("name", "tensor", "persistent"), args, strict=False)) | kwargs
    name, tensor = values.get("name"), values.get("tensor")
    if not isinstance(name, str):
        raise interp.error(node, _("register_buffer() needs the buffer's name as a string"))
    if tensor is None:
        module.buffers[name] = None
        return
    from .torch_modules import TParam
    from .torch_values import TorchTensor

    if not isinstance(tensor, TorchTensor | TParam):
        what = tensor.explain() if isinstance(tensor, Opaque) else repr(tensor)[:40]
        raise interp.error(node, _("register_buffer({name!r}, ...) needs a tensor the reader knows, got {what}",
                                   name=name, what=what),
                           hint=_("make it with torch.zeros, torch.ones, torch.arange ... in __init__"))
    if isinstance(tensor, TorchTensor) and any(d is None for d in tensor.shape):
        raise interp.error(node, _("the buffer {name!r} has a size that is not known: {describe}", name=name,
                                   describe=tensor.describe()))
    module.attrs.pop(name, None)
    module.buffers[name] = _buffer(tensor, None)


def _register_parameter(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> None:
    values = dict(zip(("name", "param"), args, strict=False)) | kwargs
    name = values.get("name")
    if not isinstance(name, str):
        raise interp.error(node, _("register_parameter() needs the parameter's name as a string"))
    module.rt_setattr(interp, name, values.get("param"), node) if values.get("param") is not None else \
        module.params.__setitem__(name, None)


def _get_submodule(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    target = args[0] if args else kwargs.get("target", "")
    current: Any = module
    for part in str(target).split(".") if target else []:
        current = current.children.get(part) if hasattr(current, "children") else None
        if current is None:
            raise interp.user_exception("AttributeError", _("no submodule {target!r}", target=target), node)
    return current


def _get_parameter(module: TModule, interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    target = str(args[0] if args else kwargs.get("target", ""))
    path, _, name = target.rpartition(".")
    owner = _get_submodule(module, interp, node, [path], {})
    return owner.rt_getattr(interp, name, node)


def _list_method(module: TModule, name: str) -> Builtin | None:
    def append(i: Interpreter, n: ast.AST, a: Args, k: Kwargs) -> Any:
        module.add_child(i, n, str(len(module.children)), a[0])
        return module

    def extend(i: Interpreter, n: ast.AST, a: Args, k: Kwargs) -> Any:
        for value in i.materialize(a[0], n):
            module.add_child(i, n, str(len(module.children)), value)
        return module

    def insert(i: Interpreter, n: ast.AST, a: Args, k: Kwargs) -> None:
        index, value = a
        values = list(module.children.values())
        values.insert(index, value)
        module.children = {}
        for j, v in enumerate(values):
            module.add_child(i, n, str(j), v)

    def pop(i: Interpreter, n: ast.AST, a: Args, k: Kwargs) -> Any:
        keys = list(module.children)
        if not keys:
            raise i.user_exception("IndexError", _("pop from an empty container"), n)
        key = keys[a[0] if a else -1]
        return module.children.pop(key)

    methods = {"append": append, "extend": extend, "insert": insert, "pop": pop}
    return Builtin(name, methods[name]) if name in methods else None


def _dict_method(module: TModule, name: str) -> Builtin | None:
    def update(i: Interpreter, n: ast.AST, a: Args, k: Kwargs) -> None:
        source = a[0] if a else k
        pairs = list(source.items()) if isinstance(source, dict) else i.materialize(source, n)
        for key, value in pairs:
            module.add_child(i, n, str(key), value)

    methods = {
        "items": lambda i, n, a, k: list(module.children.items()),
        "keys": lambda i, n, a, k: list(module.children),
        "values": lambda i, n, a, k: list(module.children.values()),
        "update": update,
        "pop": lambda i, n, a, k: module.children.pop(a[0]),
        "get": lambda i, n, a, k: module.children.get(a[0], a[1] if len(a) > 1 else None),
    }
    return Builtin(name, methods[name]) if name in methods else None


__all__ = ["module_method", "named_tensors", "own_tensors"]
