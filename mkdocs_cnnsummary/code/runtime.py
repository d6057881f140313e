"""The values of the interpreter that are not plain Python data.

Plain data (``int``, ``float``, ``bool``, ``str``, ``None``, ``tuple``, ``list``, ``dict``, ``set``,
``range``, ``slice``) is kept as Python values.  Everything else the interpreter makes is a
:class:`RuntimeObject`: user functions, classes and their instances, modules, the safe builtins, and
the values of a framework binding (layers, tensors, models).  A runtime object answers the
interpreter's questions through its ``rt_*`` methods; the defaults refuse with a message naming the
construct, so a binding overrides only what its objects support.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..i18n import _

if TYPE_CHECKING:
    from .interpreter import Interpreter, Scope


class RuntimeObject:
    """Base of every non-data value.  ``node`` arguments are the syntax nodes errors point at."""

    def describe(self) -> str:
        """A short description for messages (``the function build_model``)."""
        return type(self).__name__

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        raise interp.error(node, _("{describe} has no attribute {name!r}", describe=self.describe(), name=name))

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        raise interp.error(node, _("cannot set the attribute {name!r} of {describe}", name=name,
                                   describe=self.describe()))

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise interp.error(node, _("{describe} cannot be called", describe=self.describe()))

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        raise interp.error(node, _("{describe} cannot be indexed", describe=self.describe()))

    def rt_setitem(self, interp: Interpreter, key: Any, value: Any, node: ast.AST) -> None:
        raise interp.error(node, _("cannot assign to an item of {describe}", describe=self.describe()))

    def rt_iter(self, interp: Interpreter, node: ast.AST) -> Iterable[Any]:
        raise interp.error(node, _("cannot loop over {describe}", describe=self.describe()))

    def rt_len(self, interp: Interpreter, node: ast.AST) -> int:
        raise interp.error(node, _("{describe} has no length", describe=self.describe()))

    def rt_bool(self, interp: Interpreter, node: ast.AST) -> bool:
        return True

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        """``self op other`` (``other op self`` when ``reflected``); NotImplemented to refuse."""
        return NotImplemented

    def rt_unary(self, interp: Interpreter, op: ast.unaryop, node: ast.AST) -> Any:
        return NotImplemented

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        """A user class names this object as a base: accept (return) or refuse (raise)."""
        raise interp.error(node, _("a class cannot derive from {describe}", describe=self.describe()),
                           hint=_("the reader follows plain Python classes and the framework's layers"))

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        """Make an instance of ``cls``, a user class deriving from this object (after rt_subclass)."""
        return Instance(cls)

    def rt_super_attr(self, interp: Interpreter, instance: Any, name: str, node: ast.AST) -> Any:
        """``super().name`` that reaches this base (``super().__init__()``)."""
        raise interp.error(node, _("super().{name} of {describe} is not supported", name=name,
                                   describe=self.describe()))


class TracedInt(int):
    """A whole number that a framework traces (a size of a PyTorch tensor, which ``torch.fx`` records as a node):
    plain data everywhere, but arithmetic and comparisons on it call ``on_op`` with the operator's name
    (``add``, ``floordiv``, ``eq`` ...) and arithmetic keeps the result traced."""

    on_op: Callable[[str], None]

    def __new__(cls, value: int, on_op: Callable[[str], None]) -> TracedInt:
        made = super().__new__(cls, value)
        made.on_op = on_op
        return made


class NetworkValue(RuntimeObject):
    """Marker base of a binding's network values (layers, tensors, models): a call the reader cannot
    follow must not receive one, since it could add layers the reader would not see."""


# functions, classes and instances ------------------------------------------------------------


@dataclass(eq=False)
class Function(RuntimeObject):
    """A ``def`` or ``lambda`` of the user's code, with its defaults and the scope it closes over."""

    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    closure: Scope
    defaults: list[Any]
    kw_defaults: dict[str, Any]
    owner: Class | None = None  # the class whose body defines it (for super())
    is_generator: bool = False

    def describe(self) -> str:
        return _("the function {name}()", name=self.name) if self.name != "<lambda>" else "a lambda"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return interp.call_function(self, args, kwargs, node)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "__name__":
            return self.name
        return super().rt_getattr(interp, name, node)

    @property
    def line(self) -> int:
        return self.node.lineno


@dataclass(eq=False)
class BoundMethod(RuntimeObject):
    """A function with its first argument (``self`` or the class) given."""

    function: Function | Builtin
    receiver: Any

    def describe(self) -> str:
        return _("the method {name}()", name=self.function.name)

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return interp.call(self.function, [self.receiver, *args], kwargs, node)


@dataclass(eq=False)
class StaticMethod(RuntimeObject):
    function: Any


@dataclass(eq=False)
class ClassMethod(RuntimeObject):
    function: Any


@dataclass(eq=False)
class Property(RuntimeObject):
    getter: Any
    setter: Any = None

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "setter":
            return Builtin("setter", lambda i, n, a, k: Property(self.getter, a[0]))
        return super().rt_getattr(interp, name, node)


@dataclass(eq=False)
class Class(RuntimeObject):
    """A ``class`` of the user's code: its bases and the names its body defines."""

    name: str
    bases: list[Any]
    namespace: dict[str, Any]
    line: int | None = None
    framework_base: RuntimeObject | None = None  # the binding object it derives from, if any
    fields: list[str] = field(default_factory=list)  # the names its body annotates, in order (dataclasses)

    def describe(self) -> str:
        return _("the class {name}", name=self.name)

    def mro(self) -> list[Any]:
        """The classes searched for an attribute (depth first, left to right, each once)."""
        out: list[Any] = []
        for cls in [self, *[c for b in self.bases if isinstance(b, Class) for c in b.mro()]]:
            if cls not in out:
                out.append(cls)
        return out

    def find(self, name: str, after: Class | None = None) -> tuple[bool, Any]:
        """(found, value) of a class attribute, searching the MRO (after ``after`` for super())."""
        chain = self.mro()
        if after is not None and after in chain:
            chain = chain[chain.index(after) + 1:]
        for cls in chain:
            if name in cls.namespace:
                return True, cls.namespace[name]
        return False, None

    def base_object(self) -> RuntimeObject | None:
        """The framework object at the root of the bases (``keras.Model`` ...), if any."""
        for cls in self.mro():
            if cls.framework_base is not None:
                return cls.framework_base
        return None

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return interp.instantiate(self, args, kwargs, node)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "__name__":
            return self.name
        found, value = self.find(name)
        if not found:
            raise interp.error(node, _("{describe} has no attribute {name!r}", describe=self.describe(), name=name))
        if isinstance(value, StaticMethod):
            return value.function
        if isinstance(value, ClassMethod):
            return BoundMethod(value.function, self)
        return value

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        self.namespace[name] = value


@dataclass(eq=False)
class Instance(RuntimeObject):
    """An object of a user class: its attributes, looked up before the class's."""

    cls: Class
    attrs: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return f"a {self.cls.name} object"

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name in self.attrs:
            return self.attrs[name]
        if name == "__class__":
            return self.cls
        found, value = self.cls.find(name)
        if not found:
            raise interp.error(node, _("{describe} has no attribute {name!r}", describe=self.describe(), name=name),
                               hint=_("set self.{name} in {name2}.__init__ before it is used", name=name,
                                      name2=self.cls.name))
        return bind_member(interp, value, self, node)

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        found, member = self.cls.find(name)
        if found and isinstance(member, Property):
            if member.setter is None:
                raise interp.error(node, _("the property {name!r} of {name2} has no setter", name=name,
                                           name2=self.cls.name))
            interp.call(member.setter, [self, value], {}, node)
            return
        self.attrs[name] = value

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        found, method = self.cls.find("__call__")
        if not found:
            return super().rt_call(interp, node, args, kwargs)
        return interp.call(bind_member(interp, method, self, node), args, kwargs, node)


def bind_member(interp: Interpreter, value: Any, instance: Any, node: ast.AST) -> Any:
    """A class attribute as seen through an instance: functions become bound methods."""
    if isinstance(value, Function) or (isinstance(value, Builtin) and value.method):
        return BoundMethod(value, instance)
    if isinstance(value, StaticMethod):
        return value.function
    if isinstance(value, ClassMethod):
        return BoundMethod(value.function, instance.cls)
    if isinstance(value, Property):
        return interp.call(value.getter, [instance], {}, node)
    return value


@dataclass(eq=False)
class Super(RuntimeObject):
    """``super()`` inside a method of ``owner`` called on ``instance``."""

    owner: Class
    instance: Any

    def describe(self) -> str:
        return "super()"

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        cls = self.instance.cls if isinstance(self.instance, Instance) else self.instance
        if isinstance(cls, Class):
            found, value = cls.find(name, after=self.owner)
            if found:
                return bind_member(interp, value, self.instance, node)
            base = cls.base_object()
            if base is not None:
                return base.rt_super_attr(interp, self.instance, name, node)
        if name == "__init__":  # object.__init__
            return Builtin("__init__", lambda i, n, a, k: None)
        raise interp.error(node, _("super() has no attribute {name!r}", name=name))


# builtins, modules and values the reader does not know -------------------------------------------

BuiltinFn = Callable[["Interpreter", ast.AST, list[Any], dict[str, Any]], Any]


@dataclass(eq=False)
class Builtin(RuntimeObject):
    """A function implemented by the reader: ``fn(interp, node, args, kwargs)``."""

    name: str
    fn: BuiltinFn
    method: bool = False  # a method the reader puts in a class (a dataclass's __init__): bound like a function

    def describe(self) -> str:
        return f"{self.name}()"

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self.fn(interp, node, args, kwargs)


@dataclass(eq=False)
class Module(RuntimeObject):
    """A module: the framework's (made by a binding), a project file that was read, or a safe one (math).

    ``getter`` answers names that are not in ``members`` (a binding's catalog), or returns None.
    """

    name: str
    members: dict[str, Any] = field(default_factory=dict)
    getter: Callable[[str], Any] | None = None
    path: str | None = None  # the file it was read from (project modules)
    names: list[str] | None = None  # every name it has, when ``getter`` answers more than ``members`` holds

    def describe(self) -> str:
        return _("the module {name}", name=self.name)

    def get(self, name: str) -> Any:
        if name in self.members:
            return self.members[name]
        if self.getter is not None:
            value = self.getter(name)
            if value is not None:
                self.members[name] = value
                return value
        return _MISSING

    def public_names(self) -> list[str]:
        return [n for n in (self.names if self.names is not None else self.members) if not n.startswith("_")]

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        value = self.get(name)
        if value is _MISSING:
            from ..engine.errors import did_you_mean

            raise interp.error(node, _("{name}.{name2} is not known to the reader", name=self.name, name2=name),
                               hint=(did_you_mean(name, self.public_names()) or _(
                                       "check the spelling, or write the layers of {name} this code uses",
                                                                                  name=self.name)))
        return value

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        if self.path is None:
            interp.note(node, _("setting {name}.{name2} is skipped (it changes no shape or count)", name=self.name,
                                name2=name))
            return
        self.members[name] = value


_MISSING: Any = object()


@dataclass(eq=False)
class Opaque(RuntimeObject):
    """A value the reader does not compute: data, files, training, plots, or an unreadable import.

    It may flow through statements that build nothing (``model.fit(x_train, ...)``); used where the
    network needs a value, it is an error naming where it came from.  ``config`` marks framework
    objects that change no shape or count (optimizers, initializers, regularizers): they may be
    given to any argument the engine ignores.
    """

    origin: str
    line: int | None = None
    file: str | None = None
    reason: str = "the reader does not run it"
    config: bool = False

    def describe(self) -> str:
        return f"`{self.origin}`"

    def where(self) -> str:
        where = _("line {line}", line=self.line) if self.line else _("an earlier line")
        return _("{where} of {file}", where=where, file=self.file) if self.file else where

    def explain(self) -> str:
        return _("its value comes from `{origin}` ({where}), which {reason}", origin=self.origin, where=self.where(),
                 reason=_(self.reason))

    def derived(self, text: str, interp: Interpreter) -> Opaque:
        return Opaque(text, self.line, self.file, self.reason, self.config)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        return self.derived(f"{self.origin}.{name}", interp)

    def rt_setattr(self, interp: Interpreter, name: str, value: Any, node: ast.AST) -> None:
        return None

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if not self.config:  # the framework's own functions (plot_model ...) add no layers
            interp.refuse_network_arguments(self, node, [*args, *kwargs.values()])
        elif any(_has_network(v) for v in [*args, *kwargs.values()]):
            interp.skipped(node, f"{short_source(getattr(node, 'func', node), 40)}(...)")
        return Opaque(short_source(node), getattr(node, "lineno", None), interp.file, self.reason, self.config)

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        return self.derived(f"{self.origin}[...]", interp)

    def rt_setitem(self, interp: Interpreter, key: Any, value: Any, node: ast.AST) -> None:
        return None

    def rt_bool(self, interp: Interpreter, node: ast.AST) -> bool:
        raise interp.error(node, _("this condition depends on a value the reader does not know: {explain}",
                                   explain=self.explain()),
                           hint=_("write the value as a number or a string where the model is built"))

    def rt_iter(self, interp: Interpreter, node: ast.AST) -> Iterable[Any]:
        raise interp.error(node, _("cannot loop over a value the reader does not know: {explain}",
                                   explain=self.explain()),
                           hint=_("loop over numbers or lists written in the code"))

    def rt_len(self, interp: Interpreter, node: ast.AST) -> int:
        raise interp.error(node, _("the length is not known: {explain}", explain=self.explain()),
                           hint=_("write the number where the model is built"))

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        return self.derived(short_source(node), interp)

    def rt_unary(self, interp: Interpreter, op: ast.unaryop, node: ast.AST) -> Any:
        return self.derived(short_source(node), interp)


def _has_network(value: Any, depth: int = 0) -> bool:
    if isinstance(value, NetworkValue):
        return True
    if depth < 3 and isinstance(value, list | tuple):
        return any(_has_network(v, depth + 1) for v in value)
    return False


def short_source(node: ast.AST, limit: int = 60) -> str:
    """The source of a node for messages, shortened: ``np.load('data.npy')``."""
    try:
        text = ast.unparse(node)
    except Exception:
        text = type(node).__name__
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# exceptions raised by the user's code ------------------------------------------------------------

#: the exception classes user code may name in ``raise`` and ``except``, with their bases
EXCEPTION_BASES = {
    "BaseException": None, "Exception": "BaseException", "ArithmeticError": "Exception",
    "ZeroDivisionError": "ArithmeticError", "OverflowError": "ArithmeticError", "LookupError": "Exception",
    "KeyError": "LookupError", "IndexError": "LookupError", "ValueError": "Exception", "TypeError": "Exception",
    "NameError": "Exception", "AttributeError": "Exception", "RuntimeError": "Exception",
    "NotImplementedError": "RuntimeError", "AssertionError": "Exception", "ImportError": "Exception",
    "ModuleNotFoundError": "ImportError", "StopIteration": "Exception", "OSError": "Exception",
    "FileNotFoundError": "OSError", "Warning": "Exception", "UserWarning": "Warning",
    "DeprecationWarning": "Warning",
}


@dataclass(eq=False)
class ExceptionClass(RuntimeObject):
    name: str

    def describe(self) -> str:
        return self.name

    def is_a(self, other: str) -> bool:
        name: str | None = self.name
        while name is not None:
            if name == other:
                return True
            name = EXCEPTION_BASES.get(name)
        return False

    def rt_call(self, interp: Interpreter, node: ast.AST, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return ExceptionValue(self, list(args))

    def rt_subclass(self, interp: Interpreter, cls: Class, node: ast.AST) -> None:
        return None

    def rt_construct(self, interp: Interpreter, cls: Class, node: ast.AST, args: list[Any],
                     kwargs: dict[str, Any]) -> Any:
        return ExceptionValue(self, list(args), cls.name)

    def rt_super_attr(self, interp: Interpreter, instance: Any, name: str, node: ast.AST) -> Any:
        if name == "__init__":
            return Builtin("__init__", lambda i, n, a, k: None)
        return super().rt_super_attr(interp, instance, name, node)


@dataclass(eq=False)
class ExceptionValue(RuntimeObject):
    cls: ExceptionClass
    args: list[Any]
    user_class: str | None = None

    def describe(self) -> str:
        return f"{self.user_class or self.cls.name}({', '.join(repr(a) for a in self.args)})"

    def message(self) -> str:
        return " ".join(str(a) for a in self.args if isinstance(a, str | int | float))

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "args":
            return tuple(self.args)
        return super().rt_getattr(interp, name, node)


class UserRaise(Exception):
    """An exception raised by the user's code (``raise``, a missing key ...), catchable by its ``try``."""

    def __init__(self, value: ExceptionValue, node: ast.AST, file: str | None) -> None:
        super().__init__(value.describe())
        self.value = value
        self.node = node
        self.file = file
