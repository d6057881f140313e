"""The builtins user code may call, the methods of plain data, safe string formatting and ``math``.

Each is a small function of the reader, never Python's own object handed to user code: sizes are
checked before a result is made (``'a' * 10**9``, ``' '.join(...)``, ``'{:>1000000}'.format(1)``),
and nothing reaches files, modules or Python's internals.
"""

from __future__ import annotations

import ast
import math
import re
import string
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..i18n import _
from .limits import BudgetError
from .runtime import (
    EXCEPTION_BASES,
    Builtin,
    Class,
    ExceptionClass,
    Function,
    Instance,
    Module,
    Opaque,
    RuntimeObject,
    Super,
)

if TYPE_CHECKING:
    from .interpreter import Interpreter

Args = list[Any]
Kwargs = dict[str, Any]

#: width and precision in format specifications
MAX_FORMAT_WIDTH = 1000


class TypeBuiltin(Builtin):
    """``int``, ``str``, ``list`` ...: callable, and usable in ``isinstance``."""

    def __init__(self, name: str, fn: Callable[..., Any], types: tuple[type, ...]) -> None:
        super().__init__(name, fn)
        self.types = types

    def describe(self) -> str:
        return _("the type {name}", name=self.name)


# text of values ----------------------------------------------------------------------------------


def data_text(interp: Interpreter, value: Any, conversion: str = "s") -> str:
    """``str(value)`` or ``repr(value)`` of data, built within the string budget."""
    limit = interp.limits.string_length
    out: list[str] = []
    size = [0]

    def put(text: str) -> None:
        size[0] += len(text)
        if size[0] > limit:
            interp.budget.string(size[0])
        interp.budget.alloc(len(text))
        out.append(text)

    def walk(v: Any, top: bool) -> None:
        interp.budget.step()
        if isinstance(v, str):
            put(v if top and conversion == "s" else repr(v))
        elif isinstance(v, bool | int | float | complex | type(None) | range | slice):
            put(repr(v) if not (top and conversion == "s") else str(v))
        elif isinstance(v, list | tuple | set | frozenset):
            if isinstance(v, set | frozenset) and not v:
                put("set()")
                return
            opening, closing = {list: "[]", tuple: "()"}.get(type(v), "{}")
            put(opening)
            for i, item in enumerate(v):
                if i:
                    put(", ")
                walk(item, False)
            if isinstance(v, tuple) and len(v) == 1:
                put(",")
            put(closing)
        elif isinstance(v, dict):
            put("{")
            for i, (k, item) in enumerate(v.items()):
                if i:
                    put(", ")
                walk(k, False)
                put(": ")
                walk(item, False)
            put("}")
        elif isinstance(v, RuntimeObject):
            put(f"<{v.describe()}>")
        else:
            put(f"<{type(v).__name__}>")

    walk(value, True)
    return "".join(out)


_SPEC = re.compile(r"(?:.?[<>=^])?[+\- ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?")


def check_spec(interp: Interpreter, spec: str, node: ast.AST) -> None:
    """A format specification with a sane width and precision (``>1000000`` would make a huge string)."""
    m = _SPEC.fullmatch(spec)
    if m is None:
        raise interp.user_exception("ValueError", _("invalid format specification {spec!r}", spec=spec), node)
    for part in ("width", "precision"):
        if m.group(part) and int(m.group(part)) > MAX_FORMAT_WIDTH:
            raise interp.error(node, _("the format {spec!r} asks for a {part} over {MAX_FORMAT_WIDTH}", spec=spec,
                                       part=part, MAX_FORMAT_WIDTH=MAX_FORMAT_WIDTH),
                               hint=_("model code does not need text that wide"))


def format_value(interp: Interpreter, value: Any, conversion: str, spec: str, node: ast.AST) -> str:
    """``format(value, spec)`` after ``!r``/``!s``/``!a`` (f-strings and ``str.format``)."""
    if conversion or not isinstance(value, int | float | str | bool) or isinstance(value, RuntimeObject):
        value = data_text(interp, value, "r" if conversion in ("r", "a") else "s")
    if not spec:
        return value if isinstance(value, str) else data_text(interp, value)
    check_spec(interp, spec, node)
    try:
        return format(value, spec)
    except (ValueError, TypeError) as exc:
        raise interp.user_exception("ValueError", str(exc), node) from None


def safe_format(interp: Interpreter, template: str, args: Args, kwargs: Kwargs, node: ast.AST) -> str:
    """``template.format(*args, **kwargs)`` with plain fields only (no ``{0.attr}`` or ``{0[key]}``)."""
    out = []
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise interp.user_exception("ValueError", str(exc), node) from None
    for literal, field, spec, conversion in parsed:
        out.append(literal)
        if field is None:
            continue
        if "." in field or "[" in field:
            raise interp.error(node, _("the format field {{{field}}} reaches into an object; the reader allows plain "
                                       "fields such as {{}} {{0}} {{name}}", field=field), hint=_(
                                               "format the value itself"))
        if spec and "{" in spec:
            raise interp.error(node, _("nested format fields are not supported"), hint=_("write the width as a number"))
        if field == "":
            if auto >= len(args):
                raise interp.user_exception("IndexError", _("not enough arguments for the format string"), node)
            value = args[auto]
            auto += 1
        elif field.isdigit():
            if int(field) >= len(args):
                raise interp.user_exception("IndexError", _("no argument {field} for the format string", field=field),
                                            node)
            value = args[int(field)]
        else:
            if field not in kwargs:
                raise interp.user_exception("KeyError", field, node)
            value = kwargs[field]
        if isinstance(value, Opaque):
            return value  # type: ignore[return-value]
        out.append(format_value(interp, value, conversion or "", spec or "", node))
        interp.budget.string(sum(len(p) for p in out))
    return "".join(out)


_PERCENT = re.compile(r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
                      r"(?P<kind>[diouxXeEfFgGcrsa%])")


def percent_format(interp: Interpreter, template: str, values: Any, node: ast.AST) -> str:
    """``template % values`` with sane widths; objects are shown by their description."""
    for m in _PERCENT.finditer(template):
        for part in ("width", "precision"):
            text = m.group(part)
            if text == "*":
                raise interp.error(node, _("'*' widths in % formatting are not supported"), hint=_("write the width"))
            if text and int(text) > MAX_FORMAT_WIDTH:
                raise interp.error(node, _("a % format asks for a {part} over {MAX_FORMAT_WIDTH}", part=part,
                                           MAX_FORMAT_WIDTH=MAX_FORMAT_WIDTH))
    if isinstance(values, Opaque):
        return values  # type: ignore[return-value]

    def plain(v: Any) -> Any:
        return v if isinstance(v, int | float | str) and not isinstance(v, RuntimeObject) else data_text(interp, v)

    if isinstance(values, tuple):
        values = tuple(plain(v) for v in values)
    elif isinstance(values, dict):
        values = {k: plain(v) for k, v in values.items()}
    else:
        values = plain(values)
    try:
        return interp.budget.check_value(template % values)  # type: ignore[return-value]
    except (TypeError, ValueError, KeyError) as exc:
        raise interp.user_exception(type(exc).__name__, str(exc), node) from None


# the builtins ------------------------------------------------------------------------------------


def _arity(interp: Interpreter, node: ast.AST, name: str, args: Args, kwargs: Kwargs, low: int, high: int,
           keywords: tuple[str, ...] = ()) -> None:
    for key in kwargs:
        if key not in keywords:
            raise interp.user_exception("TypeError", _("{name}() got an unexpected keyword argument {key!r}",
                                                       name=name, key=key), node)
    if not low <= len(args) <= high:
        want = str(low) if low == high else f"{low} to {high}"
        raise interp.user_exception("TypeError", f"{name}() takes {want} arguments, got {len(args)}", node)


def _known(interp: Interpreter, node: ast.AST, name: str, value: Any) -> Any:
    if isinstance(value, Opaque):
        raise interp.error(node, _("{name}() of a value the reader does not know: {explain}", name=name,
                                   explain=value.explain()),
                           hint=_("write the value as a number or a list in the code"))
    return value


def _len(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> int:
    _arity(interp, node, "len", args, kwargs, 1, 1)
    return interp.length(args[0], node)


def _range(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> range:
    _arity(interp, node, "range", args, kwargs, 1, 3)
    for a in args:
        _known(interp, node, "range", a)
        if isinstance(a, bool) or not isinstance(a, int):
            raise interp.user_exception("TypeError", _("range() needs integers, got {a!r}", a=a), node)
    try:
        return range(*args)
    except ValueError as exc:
        raise interp.user_exception("ValueError", str(exc), node) from None


def _items(interp: Interpreter, node: ast.AST, name: str, value: Any) -> list[Any]:
    return interp.materialize(_known(interp, node, name, value), node)


def _extreme(pick: Callable[..., Any], name: str) -> Callable[..., Any]:
    def fn(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
        _arity(interp, node, name, args, kwargs, 1, 1_000, ("key", "default"))
        items = _items(interp, node, name, args[0]) if len(args) == 1 else list(args)
        for item in items:
            _known(interp, node, name, item)
        if not items:
            if "default" in kwargs:
                return kwargs["default"]
            raise interp.user_exception("ValueError", _("{name}() of an empty sequence", name=name), node)
        key = kwargs.get("key")
        try:
            if key is None:
                return pick(items)
            keys = [interp.call(key, [item], {}, node) for item in items]
            return items[keys.index(pick(keys))]
        except TypeError as exc:
            raise interp.user_exception("TypeError", str(exc), node) from None

    return fn


def _sum(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "sum", args, kwargs, 1, 2, ("start",))
    total = args[1] if len(args) > 1 else kwargs.get("start", 0)
    for item in _items(interp, node, "sum", args[0]):
        total = interp.binop(ast.Add(), total, _known(interp, node, "sum", item), node)
    return total


def _abs(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "abs", args, kwargs, 1, 1)
    value = _known(interp, node, "abs", args[0])
    if not isinstance(value, int | float):
        raise interp.user_exception("TypeError", _("bad operand type for abs(): {value!r}", value=value), node)
    return abs(value)


def _convert(pytype: type, name: str) -> Callable[..., Any]:
    def fn(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
        _arity(interp, node, name, args, kwargs, 0, 2 if pytype is int else 1)
        if not args:
            return pytype()
        value = args[0]
        if isinstance(value, Opaque):
            return value
        if isinstance(value, RuntimeObject):
            if pytype is str:
                return data_text(interp, value)
            if pytype is bool:
                return interp.truth(value, node)
            raise interp.user_exception("TypeError", f"{name}() of {value.describe()}", node)
        if pytype is str:
            return data_text(interp, value)
        if isinstance(value, str) and len(value) > 400 and pytype in (int, float):
            raise interp.user_exception("ValueError", _("{name}() of a very long string", name=name), node)
        try:
            return interp.budget.check_value(pytype(*args))
        except (TypeError, ValueError, OverflowError) as exc:
            raise interp.user_exception(type(exc).__name__, str(exc), node) from None

    return fn


def _collection(pytype: type, name: str) -> Callable[..., Any]:
    def fn(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
        if pytype is dict:
            out: dict[Any, Any] = {}
            if args:
                source = _known(interp, node, name, args[0])
                pairs = list(source.items()) if isinstance(source, dict) else _items(interp, node, name, source)
                for pair in pairs:
                    if not isinstance(pair, tuple | list) or len(pair) != 2:
                        raise interp.user_exception("ValueError", _("dict() needs pairs"), node)
                    interp.set_key(out, pair[0], pair[1], node)
            out.update(kwargs)
            interp.budget.size(len(out), "dict")
            return out
        _arity(interp, node, name, args, kwargs, 0, 1)
        items = _items(interp, node, name, args[0]) if args else []
        if pytype in (set, frozenset):
            return interp.hashable_set(items, node) if pytype is set else frozenset(interp.hashable_set(items, node))
        return pytype(items)

    return fn


def _zip(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[tuple[Any, ...]]:
    _arity(interp, node, "zip", args, kwargs, 0, 100, ("strict",))
    columns = [_items(interp, node, "zip", a) for a in args]
    if kwargs.get("strict") and len({len(c) for c in columns}) > 1:
        raise interp.user_exception("ValueError", _("zip() arguments have different lengths"), node)
    return list(zip(*columns, strict=False))


def _enumerate(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[tuple[int, Any]]:
    _arity(interp, node, "enumerate", args, kwargs, 1, 2, ("start",))
    start = args[1] if len(args) > 1 else kwargs.get("start", 0)
    return [(start + i, item) for i, item in enumerate(_items(interp, node, "enumerate", args[0]))]


def _reversed(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    _arity(interp, node, "reversed", args, kwargs, 1, 1)
    return list(reversed(_items(interp, node, "reversed", args[0])))


def _sorted(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    _arity(interp, node, "sorted", args, kwargs, 1, 1, ("key", "reverse"))
    return sort_items(interp, node, _items(interp, node, "sorted", args[0]), kwargs.get("key"),
                      bool(kwargs.get("reverse", False)))


def sort_items(interp: Interpreter, node: ast.AST, items: list[Any], key: Any, reverse: bool) -> list[Any]:
    try:
        if key is None:
            return sorted(items, reverse=reverse)
        keys = [interp.call(key, [item], {}, node) for item in items]
        order = sorted(range(len(items)), key=lambda i: keys[i], reverse=reverse)
        return [items[i] for i in order]
    except TypeError as exc:
        raise interp.user_exception("TypeError", str(exc), node) from None


def _any_all(name: str) -> Callable[..., Any]:
    def fn(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> bool:
        _arity(interp, node, name, args, kwargs, 1, 1)
        truths = (interp.truth(item, node) for item in _items(interp, node, name, args[0]))
        return any(truths) if name == "any" else all(truths)

    return fn


def _map(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    _arity(interp, node, "map", args, kwargs, 2, 10)
    columns = [_items(interp, node, "map", a) for a in args[1:]]
    return [interp.call(args[0], list(row), {}, node) for row in zip(*columns, strict=False)]


def _filter(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> list[Any]:
    _arity(interp, node, "filter", args, kwargs, 2, 2)
    items = _items(interp, node, "filter", args[1])
    if args[0] is None:
        return [item for item in items if interp.truth(item, node)]
    return [item for item in items if interp.truth(interp.call(args[0], [item], {}, node), node)]


def _round(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "round", args, kwargs, 1, 2, ("ndigits",))
    value = _known(interp, node, "round", args[0])
    digits = args[1] if len(args) > 1 else kwargs.get("ndigits")
    try:
        return round(value) if digits is None else round(value, digits)
    except (TypeError, ValueError, OverflowError) as exc:
        raise interp.user_exception(type(exc).__name__, str(exc), node) from None


def _divmod(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> tuple[Any, Any]:
    _arity(interp, node, "divmod", args, kwargs, 2, 2)
    return (interp.binop(ast.FloorDiv(), args[0], args[1], node), interp.binop(ast.Mod(), args[0], args[1], node))


def _pow(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "pow", args, kwargs, 2, 2)
    return interp.binop(ast.Pow(), args[0], args[1], node)


def _isinstance(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> bool:
    _arity(interp, node, "isinstance", args, kwargs, 2, 2)
    value, kinds = args
    for kind in kinds if isinstance(kinds, tuple | list) else [kinds]:
        if isinstance(kind, TypeBuiltin):
            if isinstance(value, kind.types) and not isinstance(value, RuntimeObject) and not (
                    isinstance(value, bool) and bool not in kind.types and kind.name != "int"):
                return True
        elif isinstance(kind, Class):
            if isinstance(value, Instance) and value.cls is not None and kind in value.cls.mro():
                return True
        elif isinstance(kind, ExceptionClass):
            from .runtime import ExceptionValue

            if isinstance(value, ExceptionValue) and value.cls.is_a(kind.name):
                return True
        elif isinstance(kind, RuntimeObject) and hasattr(kind, "rt_instancecheck"):
            if kind.rt_instancecheck(interp, value):
                return True
        elif isinstance(kind, Opaque):
            raise interp.error(node, _("isinstance() against a class the reader does not know: {explain}",
                                       explain=kind.explain()))
        else:
            raise interp.user_exception("TypeError", _("isinstance() arg 2 must be a type or tuple of types"), node)
    return False


def _getattr(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "getattr", args, kwargs, 2, 3)
    name = _known(interp, node, "getattr", args[1])
    if not isinstance(name, str):
        raise interp.user_exception("TypeError", _("getattr(): attribute name must be a string"), node)
    if len(args) == 3:
        try:
            return interp.getattr(args[0], name, node)
        except Exception as exc:
            from ..engine.errors import SpecError

            if isinstance(exc, SpecError) and "reaches into Python" in exc.message:
                raise
            return args[2]
    return interp.getattr(args[0], name, node)


def _setattr(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> None:
    """``setattr(obj, "name", value)``: as ``obj.name = value`` (a name made by the code, never a dunder)."""
    _arity(interp, node, "setattr", args, kwargs, 3, 3)
    name = _known(interp, node, "setattr", args[1])
    if not isinstance(name, str):
        raise interp.user_exception("TypeError", _("setattr(): attribute name must be a string"), node)
    interp.setattr(args[0], name, args[2], node)


def _hasattr(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> bool:
    _arity(interp, node, "hasattr", args, kwargs, 2, 2)
    marker = object()
    return _getattr(interp, node, [args[0], args[1], marker], {}) is not marker


def _print(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> None:
    interp.skipped(node, "print(...)")
    return None


def _callable(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> bool:
    _arity(interp, node, "callable", args, kwargs, 1, 1)
    return isinstance(args[0], Function | Builtin | Class) or (
        isinstance(args[0], RuntimeObject) and type(args[0]).rt_call is not RuntimeObject.rt_call)


def _super(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Super:
    _arity(interp, node, "super", args, kwargs, 2, 2)
    if not isinstance(args[0], Class):
        raise interp.error(node, _("super(cls, obj) needs a class of the code as its first argument"))
    return Super(args[0], args[1])


def _chr(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> str:
    _arity(interp, node, "chr", args, kwargs, 1, 1)
    try:
        return chr(args[0])
    except (TypeError, ValueError, OverflowError) as exc:
        raise interp.user_exception(type(exc).__name__, str(exc), node) from None


def _ord(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> int:
    _arity(interp, node, "ord", args, kwargs, 1, 1)
    try:
        return ord(args[0])
    except (TypeError, ValueError) as exc:
        raise interp.user_exception(type(exc).__name__, str(exc), node) from None


def _repr(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> str:
    _arity(interp, node, "repr", args, kwargs, 1, 1)
    return data_text(interp, args[0], "r")


def _format(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> str:
    _arity(interp, node, "format", args, kwargs, 1, 2)
    return format_value(interp, args[0], "", args[1] if len(args) > 1 else "", node)


def _iter(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "iter", args, kwargs, 1, 1)
    return _Iterator(_items(interp, node, "iter", args[0]))


def _next(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "next", args, kwargs, 1, 2)
    it = args[0]
    if isinstance(it, Opaque):
        return it.derived(f"next({it.origin})", interp)
    if not isinstance(it, _Iterator):
        raise interp.user_exception("TypeError", _("next() needs an iterator made by iter()"), node)
    if it.position >= len(it.items):
        if len(args) > 1:
            return args[1]
        raise interp.user_exception("StopIteration", "", node)
    it.position += 1
    return it.items[it.position - 1]


class _Iterator(RuntimeObject):
    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.position = 0

    def describe(self) -> str:
        return _("an iterator")

    def rt_iter(self, interp: Interpreter, node: ast.AST) -> list[Any]:
        rest = self.items[self.position:]
        self.position = len(self.items)
        return rest


def _make_builtins() -> dict[str, Any]:
    table: dict[str, Any] = {
        "len": Builtin("len", _len), "range": Builtin("range", _range),
        "min": Builtin("min", _extreme(min, "min")), "max": Builtin("max", _extreme(max, "max")),
        "sum": Builtin("sum", _sum), "abs": Builtin("abs", _abs), "round": Builtin("round", _round),
        "zip": Builtin("zip", _zip), "enumerate": Builtin("enumerate", _enumerate),
        "reversed": Builtin("reversed", _reversed), "sorted": Builtin("sorted", _sorted),
        "any": Builtin("any", _any_all("any")), "all": Builtin("all", _any_all("all")),
        "map": Builtin("map", _map), "filter": Builtin("filter", _filter), "divmod": Builtin("divmod", _divmod),
        "pow": Builtin("pow", _pow), "isinstance": Builtin("isinstance", _isinstance),
        "getattr": Builtin("getattr", _getattr), "hasattr": Builtin("hasattr", _hasattr),
        "setattr": Builtin("setattr", _setattr),
        "print": Builtin("print", _print), "callable": Builtin("callable", _callable),
        "super": Builtin("super", _super), "chr": Builtin("chr", _chr), "ord": Builtin("ord", _ord),
        "repr": Builtin("repr", _repr), "format": Builtin("format", _format), "iter": Builtin("iter", _iter),
        "next": Builtin("next", _next),
        "int": TypeBuiltin("int", _convert(int, "int"), (int,)),
        "float": TypeBuiltin("float", _convert(float, "float"), (float,)),
        "str": TypeBuiltin("str", _convert(str, "str"), (str,)),
        "bool": TypeBuiltin("bool", _convert(bool, "bool"), (bool,)),
        "list": TypeBuiltin("list", _collection(list, "list"), (list,)),
        "tuple": TypeBuiltin("tuple", _collection(tuple, "tuple"), (tuple,)),
        "dict": TypeBuiltin("dict", _collection(dict, "dict"), (dict,)),
        "set": TypeBuiltin("set", _collection(set, "set"), (set,)),
        "frozenset": TypeBuiltin("frozenset", _collection(frozenset, "frozenset"), (frozenset,)),
    }
    for name in EXCEPTION_BASES:
        table[name] = ExceptionClass(name)
    return table


BUILTINS = _make_builtins()


# methods of plain data ----------------------------------------------------------------------------


def _method(name: str, fn: Callable[..., Any]) -> Builtin:
    return Builtin(name, fn)


def _str_method(interp: Interpreter, value: str, name: str, node: ast.AST) -> Builtin | None:
    simple = {"lower", "upper", "title", "capitalize", "swapcase", "strip", "lstrip", "rstrip", "split", "rsplit",
              "splitlines", "startswith", "endswith", "find", "rfind", "index", "rindex", "count", "isdigit",
              "isalpha", "isalnum", "isupper", "islower", "isspace", "isidentifier", "isnumeric", "isdecimal",
              "partition", "rpartition", "casefold", "removeprefix", "removesuffix"}
    if name in simple:
        def call(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> Any:
            if any(isinstance(a, RuntimeObject) for a in [*args, *kwargs.values()]):
                raise i.user_exception("TypeError", _("str.{name}() of an object", name=name), n)
            try:
                result = getattr(value, name)(*args, **kwargs)
            except (TypeError, ValueError) as exc:
                raise i.user_exception(type(exc).__name__, str(exc), n) from None
            return i.budget.check_value(result)

        return _method(name, call)
    if name == "format":
        return _method(name, lambda i, n, a, k: safe_format(i, value, a, k, n))
    if name == "join":
        def join(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> str:
            _arity(i, n, "join", args, kwargs, 1, 1)
            items = _items(i, n, "join", args[0])
            if not all(isinstance(item, str) for item in items):
                raise i.user_exception("TypeError", _("join() needs strings"), n)
            size = sum(len(item) for item in items) + len(value) * max(len(items) - 1, 0)
            i.budget.string(size)
            i.budget.alloc(size)
            return value.join(items)

        return _method(name, join)
    if name == "replace":
        def replace(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> str:
            _arity(i, n, "replace", args, kwargs, 2, 3)
            if not all(isinstance(a, str) for a in args[:2]):
                raise i.user_exception("TypeError", _("replace() needs strings"), n)
            old, new = args[0], args[1]
            count = value.count(old) if old else len(value) + 1
            i.budget.string(len(value) + count * max(len(new) - len(old), 0))
            return value.replace(*args)

        return _method(name, replace)
    if name in ("center", "ljust", "rjust", "zfill", "expandtabs"):
        def pad(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> str:
            width = args[0] if args else 8
            if not isinstance(width, int):
                raise i.user_exception("TypeError", _("{name}() needs an integer", name=name), n)
            i.budget.string(width * (value.count("\t") + 1) if name == "expandtabs" else width)
            try:
                return getattr(value, name)(*args)
            except (TypeError, ValueError) as exc:
                raise i.user_exception(type(exc).__name__, str(exc), n) from None

        return _method(name, pad)
    return None


def _list_method(interp: Interpreter, value: list[Any], name: str, node: ast.AST) -> Builtin | None:
    def grow(extra: int) -> None:
        interp.budget.size(len(value) + extra, "list")

    def append(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> None:
        _arity(i, n, "append", args, kwargs, 1, 1)
        grow(1)
        value.append(args[0])

    def extend(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> None:
        _arity(i, n, "extend", args, kwargs, 1, 1)
        items = _items(i, n, "extend", args[0])
        grow(len(items))
        value.extend(items)

    def insert(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> None:
        _arity(i, n, "insert", args, kwargs, 2, 2)
        grow(1)
        value.insert(args[0], args[1])

    def sort(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> None:
        _arity(i, n, "sort", args, kwargs, 0, 0, ("key", "reverse"))
        value[:] = sort_items(i, n, list(value), kwargs.get("key"), bool(kwargs.get("reverse", False)))

    def plain(method: str) -> Callable[..., Any]:
        def call(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> Any:
            try:
                if method in ("index", "count", "remove"):
                    return _find_in(i, n, value, method, args)
                return getattr(value, method)(*args, **kwargs)
            except (TypeError, ValueError, IndexError) as exc:
                raise i.user_exception(type(exc).__name__, str(exc), n) from None

        return call

    table = {"append": append, "extend": extend, "insert": insert, "sort": sort}
    if name in table:
        return _method(name, table[name])
    if name in ("pop", "reverse", "copy", "clear", "index", "count", "remove"):
        return _method(name, plain(name))
    return None


def _find_in(interp: Interpreter, node: ast.AST, items: list[Any], method: str, args: Args) -> Any:
    """``index``/``count``/``remove`` by identity for objects, by value for data."""
    from .interpreter import _same

    matches = [k for k, item in enumerate(items) if _same(item, args[0])]
    if method == "count":
        return len(matches)
    if not matches:
        raise interp.user_exception("ValueError", _("the value is not in the list"), node)
    if method == "index":
        return matches[0]
    del items[matches[0]]
    return None


def _dict_method(interp: Interpreter, value: dict[Any, Any], name: str, node: ast.AST) -> Builtin | None:
    def update(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> None:
        other = BUILTINS["dict"].fn(i, n, args, kwargs)
        i.budget.size(len(value) + len(other), "dict")
        value.update(other)

    table: dict[str, Callable[..., Any]] = {
        "keys": lambda i, n, a, k: list(value.keys()),
        "values": lambda i, n, a, k: list(value.values()),
        "items": lambda i, n, a, k: list(value.items()),
        "update": update,
    }
    if name in table:
        return _method(name, table[name])
    if name in ("get", "pop", "setdefault", "copy", "clear", "popitem"):
        def call(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> Any:
            try:
                return getattr(value, name)(*args, **kwargs)
            except (TypeError, KeyError) as exc:
                raise i.user_exception(type(exc).__name__, str(exc), n) from None

        return _method(name, call)
    return None


def data_attribute(interp: Interpreter, obj: Any, name: str, node: ast.AST) -> Any:
    """An attribute of plain data: its methods (``list.append``), and a few properties."""
    method: Builtin | None = None
    kind = getattr(obj, "kind", None) if isinstance(obj, tuple) else None
    if kind is not None and name in kind.fields:  # a named tuple's field
        return obj[kind.fields.index(name)]
    if isinstance(obj, str):
        method = _str_method(interp, obj, name, node)
    elif isinstance(obj, list):
        method = _list_method(interp, obj, name, node)
    elif isinstance(obj, dict):
        method = _dict_method(interp, obj, name, node)
    elif isinstance(obj, tuple) and name in ("index", "count"):
        method = _method(name, lambda i, n, a, k: _find_in(i, n, list(obj), name, a))
    elif isinstance(obj, set) and name in ("add", "update", "discard", "remove", "copy", "union", "intersection",
                                           "difference", "issubset", "issuperset"):
        def call(i: Interpreter, n: ast.AST, args: Args, kwargs: Kwargs) -> Any:
            try:
                result = getattr(obj, name)(*args)
            except (TypeError, KeyError) as exc:
                raise i.user_exception(type(exc).__name__, str(exc), n) from None
            i.budget.size(len(obj))
            return result

        method = _method(name, call)
    elif isinstance(obj, float) and name == "is_integer":
        method = _method(name, lambda i, n, a, k: obj.is_integer())
    elif isinstance(obj, int) and name == "bit_length":
        method = _method(name, lambda i, n, a, k: obj.bit_length())
    elif (isinstance(obj, range | slice) and name in ("start", "stop", "step")) or (
            isinstance(obj, int | float) and name in ("real", "imag")):
        return getattr(obj, name)
    if method is None:
        raise interp.user_exception("AttributeError", _("{kind} object has no attribute {name!r} (that the reader "
                                                        "knows)", kind=type(obj).__name__, name=name), node)
    return method


# math ------------------------------------------------------------------------------------------


def _math_function(name: str) -> Builtin:
    fn = getattr(math, name)

    def call(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
        for a in args:
            _known(interp, node, f"math.{name}", a)
            if isinstance(a, RuntimeObject) or not isinstance(a, int | float):
                raise interp.user_exception("TypeError", _("math.{name}() needs numbers", name=name), node)
            if isinstance(a, int) and a.bit_length() > interp.limits.int_bits:
                interp.budget.bits(a.bit_length())
        try:
            return interp.budget.check_value(fn(*args))
        except (ValueError, OverflowError, TypeError) as exc:
            raise interp.user_exception(type(exc).__name__, str(exc), node) from None

    return Builtin(f"math.{name}", call)


def _math_prod(interp: Interpreter, node: ast.AST, args: Args, kwargs: Kwargs) -> Any:
    _arity(interp, node, "math.prod", args, kwargs, 1, 1, ("start",))
    total = kwargs.get("start", 1)
    for item in _items(interp, node, "math.prod", args[0]):
        total = interp.binop(ast.Mult(), total, _known(interp, node, "math.prod", item), node)
    return total


def math_module() -> Module:
    members: dict[str, Any] = {name: _math_function(name) for name in (
        "ceil", "floor", "sqrt", "isqrt", "log", "log2", "log10", "exp", "gcd", "trunc", "fabs", "hypot",
        "isclose", "isfinite", "isinf", "isnan", "copysign", "sin", "cos", "tan", "atan", "atan2")}
    members.update(pi=math.pi, e=math.e, inf=math.inf, nan=math.nan, tau=math.tau)
    members["prod"] = Builtin("math.prod", _math_prod)
    return Module("math", members)


__all__ = ["BUILTINS", "BudgetError", "TypeBuiltin", "data_attribute", "data_text", "format_value",
           "math_module", "percent_format", "safe_format"]
