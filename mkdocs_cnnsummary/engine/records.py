"""Record classes declared like dataclasses, for the modules every run of the engine imports.

``dataclasses`` imports ``inspect`` (and with it ``dis``, ``tokenize`` ...) and compiles three or four
functions for every class: together more than a ``cnnsummary`` run spends on reading and computing a
network.  ``@record`` takes the same declarations (annotated fields, defaults, :func:`field` with
``default_factory``) and compiles one ``__init__`` per class once the class has made a few records (its
first ones are made by reading the fields); ``__repr__``, ``__eq__`` and ``__hash__`` are shared methods
that read the fields.  The options are those of ``@dataclass`` the engine uses: ``frozen=True`` makes
records equal and hashable by value (they are not changed once made, which is not enforced), ``eq=False``
keeps identity, ``repr=False`` leaves ``__repr__`` to the class, ``slots=True`` gives the class
``__slots__`` (a new class, as ``@dataclass`` makes).  Methods the class defines itself are kept, as
``@dataclass`` keeps them; :func:`replace` copies a record with some fields changed.
"""

from __future__ import annotations

from collections.abc import Callable

_MISSING = object()


class _Field:
    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(self, default: object = _MISSING, default_factory: Callable[[], object] | None = None,
                 repr: bool = True, compare: bool = True) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare


def field(*, default: object = _MISSING, default_factory: Callable[[], object] | None = None, repr: bool = True,
          compare: bool = True) -> object:
    """A field's options, as ``dataclasses.field`` takes them."""
    return _Field(default, default_factory, repr, compare)


def _repr(self: object) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__ if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _values(self: object) -> tuple[object, ...]:
    return tuple(getattr(self, f.name) for f in self.__record_fields__ if f.compare)


def _eq(self: object, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: object) -> int:
    return hash(_values(self))


def replace(obj: object, /, **changes: object) -> object:
    """A copy of the record ``obj`` with ``changes`` (``dataclasses.replace``: made by ``__init__``)."""
    values = {f.name: getattr(obj, f.name) for f in obj.__record_fields__}
    unknown = changes.keys() - values.keys()
    if unknown:
        raise TypeError(f"{type(obj).__qualname__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return type(obj)(**values)


def record(cls: type | None = None, /, *, frozen: bool = False, eq: bool = True, repr: bool = True,
           slots: bool = False):
    """Class decorator: ``__init__`` from the annotated fields (and ``__repr__``, ``__eq__``, ``__hash__``)."""

    def wrap(cls: type) -> type:
        fields: dict[str, _Field] = {}
        for base in reversed(cls.__mro__[1:]):
            for f in getattr(base, "__record_fields__", ()):
                fields[f.name] = f
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063 (no inspect)
            if str(annotation).startswith("ClassVar"):
                continue
            value = cls.__dict__.get(name, _MISSING)
            f = value if isinstance(value, _Field) else _Field(value)
            f.name = name
            if isinstance(value, _Field):
                if f.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, f.default)
            fields[name] = f  # a field declared again keeps its place, as in a dataclass
        if slots:
            cls = _with_slots(cls, fields)
        cls.__record_fields__ = tuple(fields.values())
        if "__init__" not in cls.__dict__:
            cls.__init__ = _init(cls, cls.__record_fields__)
        if repr and "__repr__" not in cls.__dict__:
            cls.__repr__ = _repr
        if eq and "__eq__" not in cls.__dict__:
            cls.__eq__ = _eq
            cls.__hash__ = _hash if frozen else None  # as @dataclass: a mutable record is not hashable
        return cls

    return wrap if cls is None else wrap(cls)


def _with_slots(cls: type, fields: dict[str, _Field]) -> type:
    """The class made again with ``__slots__`` for its own fields (defaults live in ``__init__``)."""
    inherited = {name for base in cls.__mro__[1:] for name in getattr(base, "__slots__", ())}
    own = tuple(name for name in fields if name not in inherited)
    namespace = {k: v for k, v in cls.__dict__.items() if k not in (*own, "__dict__", "__weakref__")}
    namespace["__slots__"] = own
    return type(cls)(cls.__name__, cls.__bases__, namespace)


#: the records a class makes by reading its fields before its ``__init__`` is compiled.  Compiling costs about
#: 60,000 instructions per field, as much as twenty records made by reading the fields; a run makes
#: thousands of records of some classes (worked-step terms, steps, weights), whose first three are then a
#: little slower, and one to three of many others (its spec, its input, its summary, a style), which are
#: never compiled
COMPILED_FROM = 4


def _init(cls: type, fields: tuple[_Field, ...]) -> Callable[..., None]:
    """The ``__init__`` of ``fields``: the class's first records are made by :func:`_assign`; at the
    :data:`COMPILED_FROM`-th, the ``__init__`` is compiled and becomes the class's own."""
    names = tuple(f.name for f in fields)
    made = 0
    post_init = False

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        nonlocal made, post_init
        made += 1
        if made == 1:
            post_init = hasattr(cls, "__post_init__")  # the class is complete once it makes records
        if made < COMPILED_FROM:
            _assign(cls, fields, names, self, args, kwargs)
            if post_init:
                self.__post_init__()  # type: ignore[attr-defined]
            return
        init = _compiled(cls, fields)
        cls.__init__ = init  # type: ignore[misc]
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _assign(cls: type, fields: tuple[_Field, ...], names: tuple[str, ...], record: object,
            args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    """What the compiled ``__init__`` does before ``__post_init__``, read from the fields: the arguments
    checked (a TypeError as Python raises), then each field set in order from its argument, default or
    factory."""
    if len(args) > len(names):
        raise TypeError(f"{cls.__qualname__}.__init__() takes {len(names) + 1} positional arguments but "
                        f"{len(args) + 1} were given")
    given = dict(zip(names, args, strict=False))  # the fields not given come after
    for key, value in kwargs.items():
        if key in given or key not in names:
            problem = "multiple values for argument" if key in given else "an unexpected keyword argument"
            raise TypeError(f"{cls.__qualname__}.__init__() got {problem} {key!r}")
        given[key] = value
    for f in fields:
        name = f.name
        if name in given:
            value = given[name]
        elif f.default_factory is not None:
            value = f.default_factory()
        elif f.default is not _MISSING:
            value = f.default
        else:
            raise TypeError(f"{cls.__qualname__}.__init__() missing required argument: {name!r}")
        setattr(record, name, value)


def _compiled(cls: type, fields: tuple[_Field, ...]) -> Callable[..., None]:
    """The ``__init__`` of ``fields``, compiled from its text (``exec`` of a string, which does not load the
    ``ast`` types as ``compile()`` does).  The defaults are given to the function, not written in the text:
    the compiler's work grows with the text."""
    scope: dict[str, object] = {"_MISSING": _MISSING}
    body: list[str] = []
    defaults: list[object] = []
    for f in fields:
        if f.default_factory is not None:
            scope[f"_factory_{f.name}"] = f.default_factory
            defaults.append(_MISSING)
            body.append(f"    self.{f.name} = _factory_{f.name}() if {f.name} is _MISSING else {f.name}")
            continue
        if f.default is not _MISSING:
            defaults.append(f.default)
        elif defaults:
            raise TypeError(f"{cls.__qualname__}: field {f.name!r} without a default follows one with a default")
        body.append(f"    self.{f.name} = {f.name}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    params = "".join(f", {f.name}" for f in fields)
    exec(f"def __init__(self{params}):\n" + ("\n".join(body) or "    pass") + "\n", scope)
    init = scope["__init__"]
    init.__defaults__ = tuple(defaults) or None  # type: ignore[attr-defined]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    return init  # type: ignore[return-value]
