"""The parts of Python's standard library that model code uses to build models, as safe reader modules.

``collections.OrderedDict`` and ``namedtuple``, ``functools.partial``, ``copy.deepcopy`` of models,
``dataclasses.dataclass`` configs, ``typing``'s names (``Optional``, ``NamedTuple``, ``cast``),
``itertools.repeat``/``chain`` and ``operator``: each a small function of the reader, bounded like the
builtins.  The rest of those modules is a value that builds nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..i18n import N_, _
from .builtins import BUILTINS, _arity, _items
from .runtime import Builtin, Class, Function, Instance, Module, Opaque, RuntimeObject

if TYPE_CHECKING:
    from .interpreter import Interpreter

Args = list[Any]
Kwargs = dict[str, Any]


# functools -----------------------------------------------------------------------------------------


class Partial(RuntimeObject):
    """``functools.partial(fn, *args, **kwargs)``."""

    def __init__(self, fn: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def describe(self) -> str:
        inner = self.fn.describe() if isinstance(self.fn, RuntimeObject) else repr(self.fn)
        return f"partial({inner}, ...)"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return interp.call(self.fn, [*self.args, *args], {**self.kwargs, **kwargs}, node)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "func":
            return self.fn
        if name == "args":
            return tuple(self.args)
        if name == "keywords":
            return dict(self.kwargs)
        if name == "__name__":
            return interp.getattr(self.fn, "__name__", node)
        return super().rt_getattr(interp, name, node)

    def rt_copy(self, interp: Interpreter, node: ast.AST, deep: bool, memo: dict[int, Any]) -> Any:
        return self


def _partial(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Partial:
    if not args:
        raise interp.user_exception("TypeError", _("partial() needs a function"), node)
    fn = args[0]
    if isinstance(fn, Partial):  # partial(partial(f, a), b) is partial(f, a, b)
        return Partial(fn.fn, [*fn.args, *args[1:]], {**fn.kwargs, **kwargs})
    return Partial(fn, list(args[1:]), dict(kwargs))


def _reduce(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "reduce", args, kwargs, 2, 3)
    items = _items(interp, node, "reduce", args[1])
    if len(args) == 3:
        value = args[2]
    elif items:
        value, items = items[0], items[1:]
    else:
        raise interp.user_exception("TypeError", _("reduce() of empty iterable with no initial value"), node)
    for count, item in enumerate(items, 1):
        interp.budget.iteration(count)
        value = interp.call(args[0], [value, item], {}, node)
    return value


def _passthrough_decorator(name: str) -> Builtin:
    """``functools.wraps(fn)``, ``lru_cache()`` ...: decorators that leave the function as it is."""

    def make(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
        if len(args) == 1 and not kwargs and isinstance(args[0], Function) and name in ("lru_cache", "cache"):
            return args[0]  # @lru_cache without parentheses
        return Builtin(name, lambda i, n, a, k: a[0] if a else None)

    return Builtin(name, make)


def functools_module() -> Module:
    return _module("functools", {
        "partial": Builtin("partial", _partial), "reduce": Builtin("reduce", _reduce),
        "wraps": _passthrough_decorator("wraps"), "lru_cache": _passthrough_decorator("lru_cache"),
        "cache": Builtin("cache", lambda i, n, a, k: a[0] if a else None),
    })


# collections -------------------------------------------------------------------------------------


class NamedTupleClass(RuntimeObject):
    """``namedtuple("Name", ["a", "b"])``: calling it makes a tuple (fields by position or keyword)."""

    def __init__(self, name: str, fields: list[str], defaults: list[Any] | None = None) -> None:
        self.name, self.fields, self.defaults = name, fields, defaults or []

    def describe(self) -> str:
        return _("the named tuple {name}", name=self.name)

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        values = dict(zip(self.fields, args, strict=False))
        if len(args) > len(self.fields):
            raise interp.user_exception("TypeError", _("{name}() takes {len} arguments", name=self.name,
                                                       len=len(self.fields)), node)
        for key, value in kwargs.items():
            if key not in self.fields or key in values:
                raise interp.user_exception("TypeError", _("{name}() got an unexpected argument {key!r}",
                                                           name=self.name, key=key), node)
            values[key] = value
        defaults = dict(zip(self.fields[len(self.fields) - len(self.defaults):], self.defaults, strict=True))
        missing = [f for f in self.fields if f not in values and f not in defaults]
        if missing:
            raise interp.user_exception("TypeError", _("{name}() is missing {missing}", name=self.name,
                                                       missing=', '.join(missing)), node)
        return NamedTupleValue(self, tuple(values.get(f, defaults.get(f)) for f in self.fields))

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        return self.rt_call(interp, node, args, kwargs)


class NamedTupleValue(tuple):
    """A tuple whose items also have names (``outputs.logits``)."""

    kind: NamedTupleClass

    def __new__(cls, kind: NamedTupleClass, items: tuple[Any, ...]) -> NamedTupleValue:
        made = super().__new__(cls, items)
        made.kind = kind
        return made


def _namedtuple(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> NamedTupleClass:
    _arity(interp, node, "namedtuple", args, kwargs, 2, 2, ("defaults", "rename", "module"))
    name, fields = args
    if isinstance(fields, str):
        fields = fields.replace(",", " ").split()
    fields = _items(interp, node, "namedtuple", fields)
    if not isinstance(name, str) or not all(isinstance(f, str) for f in fields):
        raise interp.user_exception("TypeError", _("namedtuple() needs a name and field names"), node)
    defaults = _items(interp, node, "namedtuple", kwargs["defaults"]) if kwargs.get("defaults") else []
    return NamedTupleClass(name, list(fields), defaults)


class AbstractType(RuntimeObject):
    """``collections.abc.Sequence`` ...: only for ``isinstance``."""

    def __init__(self, name: str, types: tuple[type, ...], check: Callable[[Any], bool] | None = None) -> None:
        self.name, self.types, self.check = name, types, check

    def describe(self) -> str:
        return f"collections.abc.{self.name}"

    def rt_instancecheck(self, interp: Interpreter, value: Any) -> bool:
        if self.check is not None:
            return self.check(value)
        return isinstance(value, self.types) and not isinstance(value, RuntimeObject)

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        return self  # Sequence[int] in an annotation

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        return Instance(cls)


def _abc_module() -> Module:
    def callable_(value: Any) -> bool:
        return isinstance(value, RuntimeObject) and type(value).rt_call is not RuntimeObject.rt_call

    return _module("collections.abc", {
        "Sequence": AbstractType("Sequence", (list, tuple, str, range)),
        "MutableSequence": AbstractType("MutableSequence", (list,)),
        "Iterable": AbstractType("Iterable", (list, tuple, str, range, dict, set, frozenset)),
        "Mapping": AbstractType("Mapping", (dict,)), "MutableMapping": AbstractType("MutableMapping", (dict,)),
        "Callable": AbstractType("Callable", (), callable_), "Set": AbstractType("Set", (set, frozenset)),
    })


def collections_module() -> Module:
    ordered = BUILTINS["dict"]
    return _module("collections", {"OrderedDict": ordered, "namedtuple": Builtin("namedtuple", _namedtuple),
                                   "abc": _abc_module()})


# copy ---------------------------------------------------------------------------------------------------


def copy_value(interp: Interpreter, value: Any, node: ast.AST, deep: bool, memo: dict[int, Any]) -> Any:
    """A copy of plain data (deep: of what it holds too) and of objects that copy themselves (``rt_copy``);
    functions, classes and modules are shared, as ``copy.deepcopy`` shares them."""
    interp.budget.step()
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, RuntimeObject):
        copier = getattr(value, "rt_copy", None)
        if copier is not None:
            return copier(interp, node, deep, memo)
        if type(value) is Instance:
            made_instance = Instance(value.cls)
            memo[id(value)] = made_instance
            made_instance.attrs = {k: copy_value(interp, v, node, deep, memo) if deep else v
                                   for k, v in value.attrs.items()}
            return made_instance
        return value
    if not deep:
        return type(value)(value) if isinstance(value, list | dict | set) else value
    if isinstance(value, list):
        out: list[Any] = []
        memo[id(value)] = out
        out.extend(copy_value(interp, v, node, True, memo) for v in value)
        interp.budget.alloc(len(out))
        return out
    if isinstance(value, tuple) and not isinstance(value, NamedTupleValue):
        return tuple(copy_value(interp, v, node, True, memo) for v in value)
    if isinstance(value, dict):
        made_dict: dict[Any, Any] = {}
        memo[id(value)] = made_dict
        for k, v in value.items():
            made_dict[k] = copy_value(interp, v, node, True, memo)
        return made_dict
    if isinstance(value, set):
        return set(value)
    return value


def copy_module() -> Module:
    return _module("copy", {
        "copy": Builtin("copy", lambda i, n, a, k: copy_value(i, a[0], n, False, {}) if len(a) == 1 else
                        _arity(i, n, "copy", a, k, 1, 1)),
        "deepcopy": Builtin("deepcopy", lambda i, n, a, k: copy_value(i, a[0], n, True, {}) if len(a) == 1 else
                            _arity(i, n, "deepcopy", a, k, 1, 1)),
    })


# dataclasses ----------------------------------------------------------------------------------------------


class DataclassField(RuntimeObject):
    """``field(default=..., default_factory=...)`` in a dataclass body."""

    def __init__(self, default: Any, factory: Any) -> None:
        self.default, self.factory = default, factory


_NO_DEFAULT: Any = object()


def _field(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> DataclassField:
    return DataclassField(kwargs.get("default", _NO_DEFAULT), kwargs.get("default_factory"))


def _dataclass(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    """``@dataclass`` and ``@dataclass(frozen=True, ...)``: an ``__init__`` over the annotated fields, in order."""
    if not args:
        return Builtin("dataclass", _dataclass)
    cls = args[0]
    if not isinstance(cls, Class):
        raise interp.error(node, _("@dataclass decorates a class"))
    fields: list[tuple[str, Any]] = []
    for klass in reversed(cls.mro()):
        for name in getattr(klass, "fields", ()):
            value = klass.namespace.get(name, _NO_DEFAULT)
            fields = [(n, v) for n, v in fields if n != name] + [(name, value)]

    def init(i: Interpreter, n: ast.AST, a: Args, k: Kwargs) -> None:
        instance, given = a[0], list(a[1:])
        if len(given) > len(fields):
            raise i.user_exception("TypeError", _("{name}() takes {len} arguments", name=cls.name, len=len(fields)), n)
        values = dict(zip((f for f, _ in fields), given, strict=False))
        for key, value in k.items():
            if key not in {f for f, _ in fields} or key in values:
                raise i.user_exception("TypeError", _("{name}() got an unexpected argument {key!r}", name=cls.name,
                                                      key=key), n)
            values[key] = value
        for name, default in fields:
            if name not in values:
                if isinstance(default, DataclassField):
                    if default.factory is not None:
                        values[name] = i.call(default.factory, [], {}, n)
                        continue
                    default = default.default
                if default is _NO_DEFAULT:
                    raise i.user_exception("TypeError", _("{name}() is missing the argument {name2!r}", name=cls.name,
                                                          name2=name), n)
                values[name] = default
            i.setattr(instance, name, values[name], n)
        post = cls.find("__post_init__")
        if post[0]:
            i.call(post[1], [instance], {}, n)

    cls.namespace["__init__"] = Builtin("__init__", init, method=True)
    return cls


def dataclasses_module() -> Module:
    return _module("dataclasses", {"dataclass": Builtin("dataclass", _dataclass), "field": Builtin("field", _field)})


# typing, itertools, operator ---------------------------------------------------------------------------------


class _NamedTupleBase(RuntimeObject):
    """``class Config(NamedTuple): a: int; b: int = 2``: a class whose instances are tuples with names."""

    def describe(self) -> str:
        return "typing.NamedTuple"

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        names = list(getattr(cls, "fields", ()))
        defaults = [cls.namespace[f] for f in names if f in cls.namespace]
        return NamedTupleClass(cls.name, names, defaults).rt_call(interp, node, args, kwargs)

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        name, fields = ([*args, kwargs.get("fields", [])])[:2]
        return NamedTupleClass(name, [f for f, _ in fields])


def typing_module() -> Module:
    members: dict[str, Any] = {"TYPE_CHECKING": False, "NamedTuple": _NamedTupleBase(),
                               "cast": Builtin("cast", lambda i, n, a, k: a[1] if len(a) == 2 else None),
                               "overload": Builtin("overload", lambda i, n, a, k: a[0] if a else None),
                               "final": Builtin("final", lambda i, n, a, k: a[0] if a else None)}
    module = _module("typing", members)
    module.getter = lambda name: _Annotation(f"typing.{name}")
    return module


class _Annotation(RuntimeObject):
    """A name of ``typing`` (``Optional``, ``List[int]``, ``TypeVar("T")``): only ever an annotation."""

    def __init__(self, name: str) -> None:
        self.name = name

    def describe(self) -> str:
        return self.name

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        return self

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        return _Annotation(f"{self.name}.{name}")

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        return self  # Optional[int] | None

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None  # Generic[T], Protocol

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        return Instance(cls)


def _repeat(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    _arity(interp, node, "repeat", args, kwargs, 1, 2, ("times",))
    times = args[1] if len(args) > 1 else kwargs.get("times")
    if not isinstance(times, int):
        raise interp.error(node, _("itertools.repeat() without times= repeats forever; the reader needs a count"))
    interp.budget.size(times)
    interp.budget.alloc(times)
    return [args[0]] * times


def _chain(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    out: list[Any] = []
    for a in args:
        out.extend(_items(interp, node, "chain", a))
        interp.budget.size(len(out))
    return out


def itertools_module() -> Module:
    chain = Builtin("chain", _chain)
    module = _module("itertools", {"repeat": Builtin("repeat", _repeat), "chain": chain})
    module.members["chain"] = chain
    return module


def operator_module() -> Module:
    import operator as py

    def binary(name: str, op: type) -> Builtin:
        return Builtin(f"operator.{name}", lambda i, n, a, k: i.binop(op(), a[0], a[1], n))

    members: dict[str, Any] = {name: binary(name, op) for name, op in (
        ("add", ast.Add), ("sub", ast.Sub), ("mul", ast.Mult), ("truediv", ast.Div), ("floordiv", ast.FloorDiv),
        ("mod", ast.Mod), ("pow", ast.Pow), ("matmul", ast.MatMult))}
    members["getitem"] = Builtin("operator.getitem", lambda i, n, a, k: i.getitem(a[0], a[1], n))
    del py
    return _module("operator", members)


def _module(name: str, members: dict[str, Any]) -> Module:
    module = Module(name, members)
    module.getter = lambda attr: Opaque(f"{name}.{attr}", None, None, N_("builds nothing the reader needs"),
                                        config=True)
    return module


#: the standard modules the reader provides, by name
STANDARD_MODULES: dict[str, Callable[[], Module]] = {
    "functools": functools_module, "collections": collections_module, "copy": copy_module,
    "dataclasses": dataclasses_module, "typing": typing_module, "itertools": itertools_module,
    "operator": operator_module,
}


def standard_module(dotted: str) -> Module | None:
    """The reader's version of a standard module (``collections.abc`` is part of ``collections``)."""
    make = STANDARD_MODULES.get(dotted)
    if make is not None:
        return make()
    if dotted == "collections.abc":
        return collections_module().members["abc"]
    return None


__all__ = ["NamedTupleClass", "NamedTupleValue", "Partial", "copy_value", "standard_module"]
