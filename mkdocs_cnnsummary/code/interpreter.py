"""A bounded interpreter for the subset of Python that model code uses.

The text is parsed with :mod:`ast` and walked: one method per statement (``exec_<Name>``) and per
expression (``eval_<Name>``).  Nothing is compiled, evaluated or imported: names resolve to plain
data, to the user's own functions and classes, to the safe builtins of :mod:`.builtins` and to the
modules a framework binding provides.  Every step, loop, call, number, string and collection is
counted against :class:`~.limits.Limits`; an error names the file, the line, the construct and
what to do.
"""

from __future__ import annotations

import ast
import operator
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine.errors import SpecError
from ..i18n import _
from .limits import BudgetError, range_length
from .runtime import (
    EXCEPTION_BASES,
    Class,
    ClassMethod,
    ExceptionClass,
    ExceptionValue,
    Function,
    Instance,
    NetworkValue,
    Opaque,
    Property,
    RuntimeObject,
    StaticMethod,
    Super,
    TracedInt,
    UserRaise,
    bind_member,
    short_source,
)

if TYPE_CHECKING:
    from .session import Session, SourceFile

#: attribute names with double underscores that are allowed (everything else reaches into Python); ``__class__``
#: only of the code's own objects
ALLOWED_DUNDERS = frozenset({"__init__", "__name__", "__call__", "__version__", "__setattr__", "__getattr__",
                             "__class__"})
#: double-underscore attributes whose setting changes nothing the reader computes (documentation, annotations)
IGNORED_DUNDERS = frozenset({"__annotations__", "__doc__", "__module__", "__qualname__"})

#: names that run code, touch files or reach into the interpreter: refused, with what to do instead
REFUSED_NAMES = {
    "eval": "eval() runs text as code", "exec": "exec() runs text as code",
    "compile": "compile() makes code from text", "__import__": "__import__() imports modules",
    "open": "open() reads and writes files", "input": "input() waits for a person at a keyboard",
    "globals": "globals() reaches into the interpreter", "locals": "locals() reaches into the interpreter",
    "vars": "vars() reaches into the interpreter",
    "delattr": "delattr() changes objects by name", "breakpoint": "breakpoint() starts a debugger",
    "memoryview": "memoryview() reaches into memory", "__builtins__": "__builtins__ reaches into the interpreter",
    "exit": "exit() stops the program", "quit": "quit() stops the program", "help": "help() is interactive",
    "object": "object is Python's root class", "type": "type() reaches into Python's classes",
}

_BINOPS: dict[type, Any] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.BitAnd: operator.and_,
}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
            ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&",
            ast.MatMult: "@"}
_COMPARE: dict[type, Any] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_UNARY: dict[type, Any] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
#: the names of operators on traced values (as ``operator``'s functions are named)
_TRACED_NAMES = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv", ast.FloorDiv: "floordiv",
                 ast.Mod: "mod", ast.Pow: "pow", ast.LShift: "lshift", ast.RShift: "rshift", ast.BitOr: "or_",
                 ast.BitXor: "xor", ast.BitAnd: "and_", ast.MatMult: "matmul"}
_TRACED_COMPARE = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge"}
_TRACED_UNARY = {ast.USub: "neg", ast.UAdd: "pos", ast.Invert: "invert"}
_PLAIN_SEQUENCES = (list, tuple, str, range, bytes)


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Scope:
    """Names of a module, function, class body or comprehension; ``parent`` is the enclosing scope."""

    __slots__ = ("globals_", "kind", "nonlocals", "parent", "source", "vars")

    def __init__(self, kind: str, parent: Scope | None, source: SourceFile) -> None:
        self.vars: dict[str, Any] = {}
        self.kind = kind  # module | function | class | comprehension
        self.parent = parent
        self.source = source
        self.globals_: set[str] = set()
        self.nonlocals: set[str] = set()

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


@dataclass
class TreeFacts:
    """What one walk over a syntax tree finds: its depth, and what the bindings and the detection need."""

    depth: int = 0
    deepest_line: int | None = None
    import_roots: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)
    keywords: set[str] = field(default_factory=set)
    add_receivers: set[int] = field(default_factory=set)  # ids of the Name nodes in `name.add(x)`


def scan(tree: ast.AST) -> TreeFacts:
    """Walk the tree once, without recursion."""
    facts = TreeFacts()
    stack: list[tuple[ast.AST, int, int | None]] = [(tree, 1, None)]
    while stack:
        node, depth, outer_line = stack.pop()
        here = getattr(node, "lineno", outer_line)
        if depth > facts.depth:
            facts.depth, facts.deepest_line = depth, here
        kind = type(node)
        if kind is ast.Name:
            facts.names.add(node.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            facts.attributes.add(node.attr)  # type: ignore[attr-defined]
        elif kind is ast.keyword and node.arg:  # type: ignore[attr-defined]
            facts.keywords.add(node.arg)  # type: ignore[attr-defined]
        elif kind is ast.Import:
            facts.import_roots.extend(a.name.split(".")[0] for a in node.names)  # type: ignore[attr-defined]
        elif kind is ast.ImportFrom and not node.level and node.module:  # type: ignore[attr-defined]
            facts.import_roots.append(node.module.split(".")[0])  # type: ignore[attr-defined]
        elif kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if (type(func) is ast.Attribute and func.attr == "add" and type(func.value) is ast.Name
                    and len(node.args) == 1):  # type: ignore[attr-defined]
                facts.add_receivers.add(id(func.value))
        stack.extend((child, depth + 1, here) for child in ast.iter_child_nodes(node))
    return facts


def parse_and_scan(text: str, file: str | None, limits_nesting: int) -> tuple[ast.Module, TreeFacts]:
    """Parse code; a syntax error or a tree nested too deeply is a SpecError with its line."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=file or "<block>")
    except SyntaxError as exc:
        raise SpecError(_("invalid Python: {msg}", msg=exc.msg), line=exc.lineno, file=file,
                        hint=_("paste the code as it is in its file (the reader needs Python that parses)")) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        what = _("nested too deeply") if not isinstance(exc, ValueError) else str(exc)
        raise SpecError(_("cannot read the code: {what}", what=what), file=file) from None
    facts = scan(tree)
    if facts.depth > limits_nesting:
        raise SpecError(_("the code is nested {depth} levels deep, more than the {limits_nesting} the reader allows",
                          depth=facts.depth, limits_nesting=limits_nesting), line=facts.deepest_line, file=file,
                        hint=_("model code does not nest brackets or blocks that deeply"))
    return tree, facts


def parse_python(text: str, file: str | None, limits_nesting: int) -> ast.Module:
    """:func:`parse_and_scan`'s tree."""
    return parse_and_scan(text, file, limits_nesting)[0]


class Interpreter:
    """Walks the syntax tree of model code within the session's budget."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.budget = session.budget
        self.limits = session.budget.limits
        self.file: str | None = None
        self.source: SourceFile | None = None
        self.depth = 0
        self.frames: list[tuple[Function, Scope]] = []
        self._stmt = {cls: getattr(self, "exec_" + cls.__name__) for cls in _statement_classes(self)}
        self._expr = {cls: getattr(self, "eval_" + cls.__name__) for cls in _expression_classes(self)}
        self._stops_early: dict[ast.For, bool] = {}  # a for statement -> whether its body may end the loop

    # errors and notes ---------------------------------------------------------------------------
    def error(self, node: ast.AST | None, message: str, hint: str | None = None) -> SpecError:
        """A SpecError at ``node``'s line of the current file (``raise interp.error(...)``)."""
        line = getattr(node, "lineno", None) if node is not None else None
        return SpecError(message, line=line, hint=hint, file=self.file)

    def note(self, node: ast.AST | None, message: str, hint: str | None = None, kind: str = "skipped") -> None:
        self.session.notice(message, getattr(node, "lineno", None), self.file, hint=hint, kind=kind)

    def warn(self, node: ast.AST | None, message: str, hint: str | None = None, kind: str = "old-spelling") -> None:
        self.session.notice(message, getattr(node, "lineno", None), self.file, hint=hint, kind=kind)

    def skipped(self, node: ast.AST, text: str | None = None) -> None:
        """Record a statement that builds nothing (``model.fit(...)``, ``print(...)``)."""
        self.session.skip(text or short_source(node, 40), getattr(node, "lineno", None), self.file)

    def opaque(self, node: ast.AST, reason: str | None = None, config: bool = False) -> Opaque:
        return Opaque(short_source(node), getattr(node, "lineno", None), self.file,
                      _("the reader does not run it") if reason is None else reason, config)

    def refuse_network_arguments(self, callee: Any, node: ast.AST, values: Iterable[Any]) -> None:
        """A call the reader cannot follow must not receive part of the network (it could add layers)."""
        for value in values:
            found = _find_network(value)
            if found is not None:
                what = callee.describe() if isinstance(callee, RuntimeObject) else repr(callee)
                raise self.error(node, _("{what} is not known to the reader, and it is given {describe}: the reader "
                                         "cannot tell what it adds to the network", what=what,
                                         describe=found.describe()),
                                 hint=_paste_hint(callee))

    @contextmanager
    def in_file(self, source: SourceFile) -> Iterator[None]:
        saved = self.file, self.source
        self.file, self.source = source.path, source
        try:
            yield
        finally:
            self.file, self.source = saved

    # running a module ----------------------------------------------------------------------------
    def run_module(self, source: SourceFile, scope: Scope) -> None:
        with self.in_file(source):
            self.exec_outside(source.tree.body, scope)

    def exec_outside(self, body: list[ast.stmt], scope: Scope) -> None:
        """A module or class body: return, break and continue have nothing to leave (Python refuses them)."""
        try:
            self.exec_body(body, scope)
        except (_Return, _Break, _Continue) as exc:
            what = {"_Return": "return", "_Break": "break", "_Continue": "continue"}[type(exc).__name__]
            stmt = next((n for n in ast.walk(ast.Module(body=body, type_ignores=[]))
                         if isinstance(n, ast.Return | ast.Break | ast.Continue)), None)
            raise self.error(stmt, _("'{what}' outside a function or loop", what=what),
                             hint=_("Python refuses it; check the indentation")) from None

    def exec_body(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self.exec(stmt, scope)

    def exec(self, stmt: ast.stmt, scope: Scope) -> None:
        try:
            self.budget.step()
            handler = self._stmt.get(type(stmt))
            if handler is None:
                raise self.error(stmt, _("{construct} is not supported by the reader", construct=_construct(stmt)),
                                 hint=_("write the model with plain statements (assignments, if, for, def, class)"))
            handler(stmt, scope)
        except BudgetError as exc:
            raise self.error(stmt, exc.message, exc.hint) from None
        except RecursionError:
            raise self.error(stmt, _("the code nests calls or expressions too deeply for the reader"),
                             hint=_("model code does not need deep recursion")) from None

    def eval(self, node: ast.expr, scope: Scope) -> Any:
        self.budget.step()
        handler = self._expr.get(type(node))
        if handler is None:
            raise self.error(node, _("{construct} is not supported by the reader", construct=_construct(node)),
                             hint=_("write the value with plain expressions"))
        try:
            return handler(node, scope)
        except BudgetError as exc:
            raise self.error(node, exc.message, exc.hint) from None

    # names -----------------------------------------------------------------------------------------
    def lookup(self, name: str, scope: Scope, node: ast.AST) -> Any:
        if name in scope.vars and name not in scope.globals_:
            return scope.vars[name]
        outer = scope.parent
        while outer is not None:
            if outer.kind != "class" and name in outer.vars:
                return outer.vars[name]
            outer = outer.parent
        if name in REFUSED_NAMES:
            raise self.error(node, _("{REFUSED_NAMES}; the reader never runs code, it only reads it",
                                     REFUSED_NAMES=REFUSED_NAMES[name]),
                             hint=_("remove it from the code the reader is given (keep the model definition)"))
        value = self.session.builtin(name)
        if value is not None:
            return value
        if name == "__name__":
            return scope.module().source.module_name
        if name == "__file__":
            return scope.source.path or "<block>"
        if name.startswith("__") and name.endswith("__"):
            raise self.error(node, _("the name {name} reaches into Python itself and is not available", name=name),
                             hint=_("remove it from the code"))
        value = self.session.missing_name(name, self, node)
        if value is not None:
            return value
        return self.session.undefined(name, scope, self, node)

    def assign_name(self, name: str, value: Any, scope: Scope) -> None:
        if name in scope.globals_:
            scope.module().vars[name] = value
            return
        if name in scope.nonlocals:
            outer = scope.parent
            while outer is not None:
                if outer.kind == "function" and name in outer.vars:
                    outer.vars[name] = value
                    return
                outer = outer.parent
        scope.vars[name] = value

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            self.assign_name(target.id, value, scope)
        elif isinstance(target, ast.Tuple | ast.List):
            self.unpack(target, value, scope)
        elif isinstance(target, ast.Attribute):
            obj = self.eval(target.value, scope)
            self.setattr(obj, target.attr, value, target)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value, scope)
            key = self.eval(target.slice, scope)
            self.setitem(obj, key, value, target)
        elif isinstance(target, ast.Starred):
            raise self.error(target, _("a starred assignment target must be inside a tuple or list"))
        else:
            raise self.error(target, _("cannot assign to {construct}", construct=_construct(target)))

    def unpack(self, target: ast.Tuple | ast.List, value: Any, scope: Scope) -> None:
        if isinstance(value, Opaque):  # (x_train, y_train), (x_test, y_test) = mnist.load_data()
            for elt in target.elts:
                part = elt.value if isinstance(elt, ast.Starred) else elt
                self.assign(part, value.derived(f"{value.origin}[...]", self), scope)
            return
        items = self.materialize(value, target)
        starred = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
        n = len(target.elts)
        if not starred:
            if len(items) != n:
                raise self.user_exception("ValueError", _("expected {n} values to unpack, got {items}", n=n,
                                                          items=len(items)), target)
            for elt, item in zip(target.elts, items, strict=True):
                self.assign(elt, item, scope)
            return
        k = starred[0]
        after = n - k - 1
        if len(items) < n - 1:
            raise self.user_exception("ValueError", _("expected at least {value} values to unpack, got {items}",
                                                      value=n - 1, items=len(items)),
                                      target)
        for elt, item in zip(target.elts[:k], items[:k], strict=True):
            self.assign(elt, item, scope)
        star = target.elts[k]
        assert isinstance(star, ast.Starred)
        self.assign(star.value, list(items[k:len(items) - after]), scope)
        for elt, item in zip(target.elts[k + 1:], items[len(items) - after:], strict=True):
            self.assign(elt, item, scope)

    # statements ------------------------------------------------------------------------------------
    def exec_Expr(self, stmt: ast.Expr, scope: Scope) -> None:
        if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            return  # a docstring or a comment written as a string
        value = self.eval(stmt.value, scope)
        if isinstance(value, Opaque) and isinstance(stmt.value, ast.Call):
            self.skipped(stmt.value, short_source(stmt.value.func, 40) + "(...)")  # os.system(...), plt.show()
        if scope.kind == "module":
            self.session.expression_statement(value, stmt, self)

    def exec_Assign(self, stmt: ast.Assign, scope: Scope) -> None:
        value = self.eval(stmt.value, scope)
        for target in stmt.targets:
            self.assign(target, value, scope)

    def exec_AnnAssign(self, stmt: ast.AnnAssign, scope: Scope) -> None:
        if stmt.value is not None:
            self.assign(stmt.target, self.eval(stmt.value, scope), scope)

    def exec_AugAssign(self, stmt: ast.AugAssign, scope: Scope) -> None:
        target = stmt.target
        if isinstance(target, ast.Name):
            current = self.lookup(target.id, scope, target)
        elif isinstance(target, ast.Attribute):
            obj = self.eval(target.value, scope)
            current = self.getattr(obj, target.attr, target)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value, scope)
            key = self.eval(target.slice, scope)
            current = self.getitem(obj, key, target)
        else:
            raise self.error(stmt, _("cannot assign to {construct}", construct=_construct(target)))
        operand = self.eval(stmt.value, scope)
        if isinstance(current, list) and isinstance(stmt.op, ast.Add):
            extra = self.materialize(operand, stmt)
            self.budget.size(len(current) + len(extra), "list")
            current.extend(extra)  # in place, as Python does for lists
            return
        value = self.binop(stmt.op, current, operand, stmt)
        if isinstance(target, ast.Name):
            self.assign_name(target.id, value, scope)
        elif isinstance(target, ast.Attribute):
            self.setattr(obj, target.attr, value, target)
        else:
            self.setitem(obj, key, value, target)

    def exec_Pass(self, stmt: ast.Pass, scope: Scope) -> None:
        return None

    def exec_Break(self, stmt: ast.Break, scope: Scope) -> None:
        raise _Break

    def exec_Continue(self, stmt: ast.Continue, scope: Scope) -> None:
        raise _Continue

    def exec_Return(self, stmt: ast.Return, scope: Scope) -> None:
        raise _Return(None if stmt.value is None else self.eval(stmt.value, scope))

    def exec_Global(self, stmt: ast.Global, scope: Scope) -> None:
        scope.globals_.update(stmt.names)

    def exec_Nonlocal(self, stmt: ast.Nonlocal, scope: Scope) -> None:
        scope.nonlocals.update(stmt.names)

    def exec_Delete(self, stmt: ast.Delete, scope: Scope) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                holder = scope.module().vars if target.id in scope.globals_ else scope.vars
                holder.pop(target.id, None)
            elif isinstance(target, ast.Subscript):
                obj = self.eval(target.value, scope)
                key = self.eval(target.slice, scope)
                if isinstance(obj, list | dict):
                    try:
                        del obj[key]
                    except (KeyError, IndexError, TypeError) as exc:
                        raise self.user_exception(type(exc).__name__, str(exc), target) from None
            # deleting attributes changes nothing the reader computes

    def exec_If(self, stmt: ast.If, scope: Scope) -> None:
        if self.truth(self.eval(stmt.test, scope), stmt.test):
            self.exec_body(stmt.body, scope)
        else:
            self.exec_body(stmt.orelse, scope)

    def exec_For(self, stmt: ast.For, scope: Scope) -> None:
        iterable = self.eval(stmt.iter, scope)
        if isinstance(iterable, Opaque):
            self.note(stmt, _("the loop over `{iter}` on line {lineno} is skipped: {explain}",
                              iter=short_source(stmt.iter, 40), lineno=stmt.lineno, explain=iterable.explain()), kind=
                    "skipped")
            return
        if isinstance(iterable, range) and not self._can_stop_early(stmt):
            # it runs to its end: over the budget, it fails now
            self.budget.loop(range_length(iterable), len(stmt.body))
        for count, item in enumerate(self.iterate(iterable, stmt.iter), 1):
            self.budget.iteration(count)
            self.assign(stmt.target, item, scope)
            if not self._iteration(stmt, scope):
                return
        self.exec_body(stmt.orelse, scope)

    def _can_stop_early(self, stmt: ast.For) -> bool:
        """:func:`_can_stop_early` of the loop's body, walked once per statement (an inner loop runs often)."""
        if stmt not in self._stops_early:
            self._stops_early[stmt] = _can_stop_early(stmt.body)
        return self._stops_early[stmt]

    def exec_While(self, stmt: ast.While, scope: Scope) -> None:
        count = 0
        while self.truth(self.eval(stmt.test, scope), stmt.test):
            count += 1
            self.budget.iteration(count)
            if not self._iteration(stmt, scope):
                return
        self.exec_body(stmt.orelse, scope)

    def _iteration(self, stmt: ast.For | ast.While, scope: Scope) -> bool:
        """One run of a loop's body; False when it breaks out of the loop."""
        try:
            self.exec_body(stmt.body, scope)
        except _Break:
            return False
        except _Continue:
            pass
        return True

    def exec_FunctionDef(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        fn = self.make_function(stmt.name, stmt, scope)
        if scope.kind == "class":
            fn.owner = _CLASS_BEING_DEFINED.get(id(scope))
        value: Any = fn
        for decorator in reversed(stmt.decorator_list):
            value = self.decorate(decorator, value, scope)
        self.assign_name(stmt.name, value, scope)
        self.session.defined(stmt.name, value, stmt, scope, self)

    exec_AsyncFunctionDef = exec_FunctionDef

    def make_function(self, name: str, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
                      scope: Scope) -> Function:
        args = node.args
        defaults = [self.eval(d, scope) for d in args.defaults]
        kw_defaults = {a.arg: self.eval(d, scope) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                       if d is not None}
        generator = not isinstance(node, ast.Lambda) and _is_generator(node)
        return Function(name, node, scope, defaults, kw_defaults, None, generator)

    def decorate(self, decorator: ast.expr, value: Any, scope: Scope) -> Any:
        if isinstance(decorator, ast.Name) and decorator.id in ("staticmethod", "classmethod", "property"):
            return {"staticmethod": StaticMethod, "classmethod": ClassMethod, "property": Property}[decorator.id](value)
        if (isinstance(decorator, ast.Attribute) and decorator.attr == "setter"
                and isinstance(decorator.value, ast.Name)):
            prop = scope.vars.get(decorator.value.id)
            if isinstance(prop, Property):
                return Property(prop.getter, value)
        fn = self.eval(decorator, scope)
        if isinstance(fn, Opaque):
            self.skipped(decorator, "@" + short_source(decorator, 40))
            return value  # @tf.function, @register_keras_serializable() ...: the function itself
        return self.call(fn, [value], {}, decorator)

    def exec_ClassDef(self, stmt: ast.ClassDef, scope: Scope) -> None:
        bases = [self.eval(b, scope) for b in stmt.bases]
        cls = Class(stmt.name, [], {}, stmt.lineno)
        for base in bases:
            if isinstance(base, Class):
                cls.bases.append(base)
            elif isinstance(base, RuntimeObject) and not isinstance(base, Opaque):
                base.rt_subclass(self, cls, stmt)
                cls.framework_base = base
                cls.bases.append(base)
            elif isinstance(base, Opaque):
                if cls.framework_base is None:  # e.g. a data Dataset class: instances are opaque too
                    cls.framework_base = base
            else:
                raise self.error(stmt, _("the class {name} derives from {stmt}, which the reader does not know",
                                         name=stmt.name, stmt=short_source(stmt)))
        body = Scope("class", scope, scope.source)
        _CLASS_BEING_DEFINED[id(body)] = cls
        try:
            self.exec_outside(stmt.body, body)
        finally:
            _CLASS_BEING_DEFINED.pop(id(body), None)
        cls.namespace.update(body.vars)
        cls.fields = [s.target.id for s in stmt.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
        value: Any = cls
        for decorator in reversed(stmt.decorator_list):
            value = self.decorate(decorator, value, scope)
        self.assign_name(stmt.name, value, scope)
        self.session.defined(stmt.name, value, stmt, scope, self)

    def exec_Import(self, stmt: ast.Import, scope: Scope) -> None:
        for alias in stmt.names:
            module = self.session.import_module(alias.name, 0, self, stmt)
            if alias.asname:
                self.assign_name(alias.asname, module, scope)
            else:
                top = alias.name.split(".")[0]
                self.assign_name(top, self.session.import_module(top, 0, self, stmt), scope)

    def exec_ImportFrom(self, stmt: ast.ImportFrom, scope: Scope) -> None:
        module = self.session.import_module(stmt.module or "", stmt.level, self, stmt)
        for alias in stmt.names:
            if alias.name == "*":
                for name, value in self.session.star_names(module, self, stmt).items():
                    self.assign_name(name, value, scope)
                continue
            value = self.session.import_name(module, alias.name, stmt.level, self, stmt)
            self.assign_name(alias.asname or alias.name, value, scope)

    def exec_With(self, stmt: ast.With | ast.AsyncWith, scope: Scope) -> None:
        for item in stmt.items:
            context = self.eval(item.context_expr, scope)
            if item.optional_vars is not None:
                value = context if isinstance(context, Opaque) else self.opaque(item.context_expr)
                self.assign(item.optional_vars, value, scope)
        self.exec_body(stmt.body, scope)

    exec_AsyncWith = exec_With

    def exec_Try(self, stmt: ast.Try, scope: Scope) -> None:
        try:
            try:
                self.exec_body(stmt.body, scope)
            except UserRaise as raised:
                handler = self._handler(stmt.handlers, raised, scope)
                if handler is None:
                    raise
                if handler.name:
                    self.assign_name(handler.name, raised.value, scope)
                self.exec_body(handler.body, scope)
            else:
                self.exec_body(stmt.orelse, scope)
        finally:
            if stmt.finalbody:
                self.exec_body(stmt.finalbody, scope)

    def _handler(self, handlers: list[ast.ExceptHandler], raised: UserRaise,
                 scope: Scope) -> ast.ExceptHandler | None:
        for handler in handlers:
            if handler.type is None:
                return handler
            kinds = self.eval(handler.type, scope)
            kinds = kinds if isinstance(kinds, tuple | list) else [kinds]
            for kind in kinds:
                if isinstance(kind, ExceptionClass) and raised.value.cls.is_a(kind.name):
                    return handler
        return None

    def exec_Raise(self, stmt: ast.Raise, scope: Scope) -> None:
        if stmt.exc is None:
            raise self.error(stmt, _("a bare raise outside an except block"))
        value = self.eval(stmt.exc, scope)
        if isinstance(value, ExceptionClass):
            value = ExceptionValue(value, [])
        if not isinstance(value, ExceptionValue):
            raise self.error(stmt, _("raise needs an exception, got {describe}", describe=_describe(value)))
        raise UserRaise(value, stmt, self.file)

    def exec_Assert(self, stmt: ast.Assert, scope: Scope) -> None:
        value = self.eval(stmt.test, scope)
        if isinstance(value, RuntimeObject):
            return  # a check on data the reader does not know
        if not value:
            message = self.eval(stmt.msg, scope) if stmt.msg is not None else ""
            raise UserRaise(ExceptionValue(ExceptionClass("AssertionError"), [message]), stmt, self.file)

    # expressions ----------------------------------------------------------------------------------------
    def eval_Constant(self, node: ast.Constant, scope: Scope) -> Any:
        value = node.value
        if value is Ellipsis:
            return self.opaque(node, "is a placeholder (...)")
        return self.budget.check_value(value)

    def eval_Name(self, node: ast.Name, scope: Scope) -> Any:
        return self.lookup(node.id, scope, node)

    def eval_Attribute(self, node: ast.Attribute, scope: Scope) -> Any:
        return self.getattr(self.eval(node.value, scope), node.attr, node)

    def eval_Subscript(self, node: ast.Subscript, scope: Scope) -> Any:
        return self.getitem(self.eval(node.value, scope), self.eval(node.slice, scope), node)

    def eval_Slice(self, node: ast.Slice, scope: Scope) -> slice:
        def part(p: ast.expr | None) -> Any:
            value = None if p is None else self.eval(p, scope)
            if value is not None and not isinstance(value, int) and not isinstance(value, NetworkValue):
                if isinstance(value, Opaque):
                    raise self.error(node, _("a slice bound is not known: {explain}", explain=value.explain()))
                raise self.user_exception("TypeError", _("slice indices must be integers or None"), node)
            return value

        return slice(part(node.lower), part(node.upper), part(node.step))

    def eval_Call(self, node: ast.Call, scope: Scope) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id == "super" and not node.args and "super" not in scope.vars:
            return self.zero_arg_super(node)
        fn = self.eval(node.func, scope)
        args: list[Any] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                args.extend(self.materialize(self.eval(arg.value, scope), arg))
            else:
                args.append(self.eval(arg, scope))
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            value = self.eval(kw.value, scope)
            if kw.arg is None:
                if isinstance(value, Opaque):
                    raise self.error(kw.value, _("**{value} is not known: {explain}", value=short_source(kw.value, 30),
                                                 explain=value.explain()))
                if not isinstance(value, dict):
                    raise self.user_exception("TypeError", _("argument after ** must be a mapping"), kw.value)
                for key, item in value.items():
                    if not isinstance(key, str):
                        raise self.user_exception("TypeError", _("keywords must be strings"), kw.value)
                    kwargs[key] = item
            else:
                if kw.arg in kwargs:
                    raise self.user_exception("TypeError", _("got multiple values for keyword argument {arg!r}",
                                                             arg=kw.arg),
                                              kw.value)
                kwargs[kw.arg] = value
        self.budget.size(len(args) + len(kwargs), _("argument list"))
        return self.call(fn, args, kwargs, node)

    def zero_arg_super(self, node: ast.AST) -> Super:
        if not self.frames:
            raise self.error(node, _("super() is used outside a method"))
        fn, scope = self.frames[-1]
        params = fn.node.args.posonlyargs + fn.node.args.args
        if fn.owner is None or not params:
            raise self.error(node, _("super() is used outside a method of a class"))
        return Super(fn.owner, scope.vars.get(params[0].arg))

    def eval_BinOp(self, node: ast.BinOp, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        return self.binop(node.op, left, right, node)

    def eval_UnaryOp(self, node: ast.UnaryOp, scope: Scope) -> Any:
        value = self.eval(node.operand, scope)
        if isinstance(node.op, ast.Not):
            return not self.truth(value, node.operand)
        if type(value) is TracedInt and type(node.op) in _TRACED_UNARY:
            value.on_op(_TRACED_UNARY[type(node.op)])
            return TracedInt(_UNARY[type(node.op)](int(value)), value.on_op)
        if isinstance(value, RuntimeObject):
            result = value.rt_unary(self, node.op, node)
            if result is NotImplemented:
                raise self.error(node, _("the operator {node} does not apply to {describe}", node=short_source(node,
                    30), describe=value.describe()))
            return result
        try:
            return _UNARY[type(node.op)](value)
        except TypeError as exc:
            raise self.user_exception("TypeError", str(exc), node) from None

    def eval_BoolOp(self, node: ast.BoolOp, scope: Scope) -> Any:
        is_and = isinstance(node.op, ast.And)
        value: Any = None
        for operand in node.values:
            value = self.eval(operand, scope)
            if self.truth(value, operand) != is_and:
                return value
        return value

    def eval_Compare(self, node: ast.Compare, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.eval(comparator, scope)
            result = self.compare(op, left, right, node)
            if isinstance(result, Opaque):
                return result
            if not result:
                return False
            left = right
        return True

    def compare(self, op: ast.cmpop, left: Any, right: Any, node: ast.AST) -> Any:
        traced = left if type(left) is TracedInt else right if type(right) is TracedInt else None
        if traced is not None and type(op) in _TRACED_COMPARE:
            traced.on_op(_TRACED_COMPARE[type(op)])
        for side in (left, right):
            if isinstance(side, Opaque) and not isinstance(op, ast.Is | ast.IsNot):
                return side.derived(short_source(node), self)
        if isinstance(op, ast.In | ast.NotIn) and isinstance(right, RuntimeObject):
            items = self.materialize(right, node)
            found = any(_same(left, item) for item in items)
            return found if isinstance(op, ast.In) else not found
        if isinstance(left, RuntimeObject) or isinstance(right, RuntimeObject):
            if isinstance(op, ast.Eq | ast.Is):
                return left is right
            if isinstance(op, ast.NotEq | ast.IsNot):
                return left is not right
            raise self.error(node, _("cannot compare {describe} and {describe2}", describe=_describe(left),
                                     describe2=_describe(right)))
        try:
            return _COMPARE[type(op)](left, right)
        except TypeError as exc:
            raise self.user_exception("TypeError", str(exc), node) from None

    def eval_IfExp(self, node: ast.IfExp, scope: Scope) -> Any:
        return self.eval(node.body if self.truth(self.eval(node.test, scope), node.test) else node.orelse, scope)

    def _elements(self, elts: list[ast.expr], scope: Scope) -> list[Any]:
        out: list[Any] = []
        for elt in elts:
            if isinstance(elt, ast.Starred):
                out.extend(self.materialize(self.eval(elt.value, scope), elt))
            else:
                out.append(self.eval(elt, scope))
            self.budget.size(len(out))
        self.budget.alloc(len(out))
        return out

    def eval_List(self, node: ast.List, scope: Scope) -> list[Any]:
        return self._elements(node.elts, scope)

    def eval_Tuple(self, node: ast.Tuple, scope: Scope) -> tuple[Any, ...]:
        return tuple(self._elements(node.elts, scope))

    def eval_Set(self, node: ast.Set, scope: Scope) -> set[Any]:
        return self.hashable_set(self._elements(node.elts, scope), node)

    def eval_Dict(self, node: ast.Dict, scope: Scope) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                merged = self.eval(value, scope)
                if not isinstance(merged, dict):
                    raise self.error(value, _("**{value} is not a dict the reader knows", value=short_source(value,
                        30)))
                out.update(merged)
            else:
                self.set_key(out, self.eval(key, scope), self.eval(value, scope), key)
            self.budget.size(len(out), "dict")
        return out

    def set_key(self, mapping: dict[Any, Any], key: Any, value: Any, node: ast.AST) -> None:
        try:
            mapping[key] = value
        except TypeError:
            raise self.user_exception("TypeError", _("unhashable key {describe}", describe=_describe(key)),
                                      node) from None

    def hashable_set(self, items: list[Any], node: ast.AST) -> set[Any]:
        try:
            return set(items)
        except TypeError:
            raise self.user_exception("TypeError", _("unhashable set item"), node) from None

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
                       scope: Scope, emit: Any) -> None:
        inner = Scope("comprehension", scope, scope.source)
        count = [0]

        def loop(k: int) -> None:
            gen = node.generators[k]
            iterable = self.eval(gen.iter, scope if k == 0 else inner)
            if isinstance(iterable, range):  # a comprehension runs to its end: over the budget, it fails now
                self.budget.loop(count[0] + range_length(iterable), 1)
            for item in self.iterate(iterable, gen.iter):
                count[0] += 1
                self.budget.iteration(count[0])
                self.assign(gen.target, item, inner)
                if all(self.truth(self.eval(cond, inner), cond) for cond in gen.ifs):
                    if k + 1 < len(node.generators):
                        loop(k + 1)
                    else:
                        emit(inner)

        loop(0)

    def eval_ListComp(self, node: ast.ListComp | ast.GeneratorExp, scope: Scope) -> list[Any]:
        out: list[Any] = []

        def emit(inner: Scope) -> None:
            out.append(self.eval(node.elt, inner))
            self.budget.size(len(out), "list")

        self._comprehension(node, scope, emit)
        self.budget.alloc(len(out))
        return out

    eval_GeneratorExp = eval_ListComp

    def eval_SetComp(self, node: ast.SetComp, scope: Scope) -> set[Any]:
        return self.hashable_set(self.eval_ListComp(node, scope), node)  # type: ignore[arg-type]

    def eval_DictComp(self, node: ast.DictComp, scope: Scope) -> dict[Any, Any]:
        out: dict[Any, Any] = {}

        def emit(inner: Scope) -> None:
            self.set_key(out, self.eval(node.key, inner), self.eval(node.value, inner), node)
            self.budget.size(len(out), "dict")

        self._comprehension(node, scope, emit)
        return out

    def eval_JoinedStr(self, node: ast.JoinedStr, scope: Scope) -> str:
        parts = []
        total = 0
        for value in node.values:
            text = self.eval(value, scope)
            if isinstance(text, Opaque):
                return text  # type: ignore[return-value]
            total += len(text)
            self.budget.string(total)
            parts.append(text)
        return "".join(parts)

    def eval_FormattedValue(self, node: ast.FormattedValue, scope: Scope) -> Any:
        from .builtins import format_value

        value = self.eval(node.value, scope)
        if isinstance(value, Opaque):
            return value
        spec = "" if node.format_spec is None else self.eval(node.format_spec, scope)
        return format_value(self, value, chr(node.conversion) if node.conversion > 0 else "", spec, node)

    def eval_Lambda(self, node: ast.Lambda, scope: Scope) -> Function:
        return self.make_function("<lambda>", node, scope)

    def eval_NamedExpr(self, node: ast.NamedExpr, scope: Scope) -> Any:
        value = self.eval(node.value, scope)
        target_scope = scope
        while target_scope.kind == "comprehension" and target_scope.parent is not None:
            target_scope = target_scope.parent
        self.assign(node.target, value, target_scope)
        return value

    def eval_Starred(self, node: ast.Starred, scope: Scope) -> Any:
        raise self.error(node, _("*value is only allowed in calls, lists and tuples"))

    # operations ------------------------------------------------------------------------------------------
    def truth(self, value: Any, node: ast.AST) -> bool:
        if isinstance(value, RuntimeObject):
            return value.rt_bool(self, node)
        return bool(value)

    def binop(self, op: ast.operator, left: Any, right: Any, node: ast.AST) -> Any:
        traced = left if type(left) is TracedInt else right if type(right) is TracedInt else None
        if traced is not None and not isinstance(left, RuntimeObject) and not isinstance(right, RuntimeObject):
            traced.on_op(_TRACED_NAMES.get(type(op), "op"))
            result = self.binop(op, int(left) if type(left) is TracedInt else left,
                                int(right) if type(right) is TracedInt else right, node)
            return TracedInt(result, traced.on_op) if type(result) is int else result
        for value, reflected in ((left, False), (right, True)):
            if isinstance(value, RuntimeObject):
                other = right if not reflected else left
                result = value.rt_binop(self, op, other, reflected, node)
                if result is not NotImplemented:
                    return result
        if isinstance(left, RuntimeObject) or isinstance(right, RuntimeObject):
            raise self.error(node, _("the operator {get} does not apply to {describe} and {describe2}",
                                     get=_SYMBOLS.get(type(op),
                    '?'), describe=_describe(left), describe2=_describe(right)))
        fn = _BINOPS.get(type(op))
        if fn is None:
            raise self.error(node, _("the operator {get} is not supported by the reader", get=_SYMBOLS.get(type(op),
                '?')))
        self._precheck(op, left, right)
        if isinstance(op, ast.Mod) and isinstance(left, str):
            from .builtins import percent_format

            return percent_format(self, left, right, node)
        try:
            result = fn(left, right)
        except ZeroDivisionError as exc:
            raise self.user_exception("ZeroDivisionError", str(exc), node) from None
        except OverflowError as exc:
            raise self.user_exception("OverflowError", str(exc), node) from None
        except (TypeError, ValueError) as exc:
            raise self.user_exception(type(exc).__name__, str(exc), node) from None
        return self.budget.check_value(result)

    def _precheck(self, op: ast.operator, left: Any, right: Any) -> None:
        """Refuse an operation whose result would be too large, before Python makes it."""
        def bits(v: Any) -> int:
            return abs(int(v)).bit_length() if isinstance(v, int) else 0

        both_int = isinstance(left, int) and isinstance(right, int)
        if isinstance(op, ast.Pow) and both_int and right > 0 and abs(left) > 1:
            self.budget.bits((bits(left) - 1) * right)
        elif isinstance(op, ast.LShift) and both_int and right > 0:
            self.budget.bits(bits(left) + right)
        elif isinstance(op, ast.Mult):
            if both_int:
                self.budget.bits(bits(left) + bits(right))
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, _PLAIN_SEQUENCES) and isinstance(n, int) and n > 0:
                    size = len(seq) * n
                    if isinstance(seq, str):
                        self.budget.string(size)
                    else:
                        self.budget.size(size)
                    self.budget.alloc(size)
        elif isinstance(op, ast.Add) and isinstance(left, _PLAIN_SEQUENCES) and isinstance(right, _PLAIN_SEQUENCES):
            if isinstance(left, str) and isinstance(right, str):
                self.budget.string(len(left) + len(right))
            elif not isinstance(left, range):
                self.budget.size(len(left) + len(right))
            self.budget.alloc(len(left) + len(right))

    def getattr(self, obj: Any, name: str, node: ast.AST) -> Any:
        if name.startswith("__") and name.endswith("__") and (
                name not in ALLOWED_DUNDERS or (name == "__class__" and not isinstance(obj, RuntimeObject))):
            raise self.error(node, _("the attribute {name} reaches into Python itself; the reader does not follow it",
                                     name=name),
                             hint=_("remove it: model code does not need double-underscore attributes"))
        if isinstance(obj, RuntimeObject):
            return obj.rt_getattr(self, name, node)
        from .builtins import data_attribute

        return data_attribute(self, obj, name, node)

    def setattr(self, obj: Any, name: str, value: Any, node: ast.AST) -> None:
        if name in IGNORED_DUNDERS:
            return
        if name.startswith("__") and name.endswith("__"):
            raise self.error(node, _("setting {name} reaches into Python itself; the reader does not do it", name=name),
                             hint=_("remove it: model code does not need double-underscore attributes"))
        if isinstance(obj, RuntimeObject):
            obj.rt_setattr(self, name, value, node)
            return
        raise self.user_exception("AttributeError", _("cannot set attributes of {describe}", describe=_describe(obj)),
                                  node)

    def getitem(self, obj: Any, key: Any, node: ast.AST) -> Any:
        if isinstance(obj, RuntimeObject):
            return obj.rt_getitem(self, key, node)
        if isinstance(key, Opaque):
            raise self.error(node, _("the index is not known: {explain}", explain=key.explain()))
        if isinstance(key, RuntimeObject) and not isinstance(obj, dict):
            raise self.user_exception("TypeError", _("{describe} cannot be indexed by {describe2}",
                                                     describe=_describe(obj), describe2=_describe(key)), node)
        try:
            if isinstance(key, slice) and isinstance(obj, list | tuple | str | range):
                return obj[key]
            return obj[key]
        except (KeyError, IndexError) as exc:
            raise self.user_exception(type(exc).__name__, str(exc), node) from None
        except TypeError as exc:
            raise self.user_exception("TypeError", str(exc), node) from None

    def setitem(self, obj: Any, key: Any, value: Any, node: ast.AST) -> None:
        if isinstance(obj, RuntimeObject):
            obj.rt_setitem(self, key, value, node)
            return
        if isinstance(obj, list):
            try:
                if isinstance(key, slice):
                    items = self.materialize(value, node)
                    self.budget.size(len(obj) + len(items), "list")
                    obj[key] = items
                else:
                    obj[key] = value
            except (IndexError, TypeError, ValueError) as exc:
                raise self.user_exception(type(exc).__name__, str(exc), node) from None
        elif isinstance(obj, dict):
            self.set_key(obj, key, value, node)
            self.budget.size(len(obj), "dict")
        else:
            raise self.user_exception("TypeError", _("{describe} does not support item assignment",
                                                     describe=_describe(obj)), node)

    def iterate(self, value: Any, node: ast.AST) -> Iterable[Any]:
        """Items of a value (the caller counts them against the loop budget)."""
        if isinstance(value, RuntimeObject):
            return value.rt_iter(self, node)
        if isinstance(value, list | tuple | str | range | set | frozenset | bytes):
            return list(value) if isinstance(value, list | set) else value  # a list copy: the loop may change it
        if isinstance(value, dict):
            return list(value)
        raise self.user_exception("TypeError", _("{describe} is not iterable", describe=_describe(value)), node)

    def materialize(self, value: Any, node: ast.AST) -> list[Any]:
        """All items of a value as a list, within the size budget."""
        if isinstance(value, range | list | tuple | str | dict | set | frozenset):
            self.budget.size(len(value))
            self.budget.alloc(len(value))
            return list(value)
        out = []
        for item in self.iterate(value, node):
            out.append(item)
            self.budget.size(len(out))
        return out

    def length(self, value: Any, node: ast.AST) -> int:
        if isinstance(value, RuntimeObject):
            return value.rt_len(self, node)
        try:
            return len(value)
        except TypeError:
            raise self.user_exception("TypeError", _("{describe} has no len()", describe=_describe(value)),
                                      node) from None

    # calls ---------------------------------------------------------------------------------------------------
    def call(self, fn: Any, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        if isinstance(fn, RuntimeObject):
            return fn.rt_call(self, node, args, kwargs)
        raise self.user_exception("TypeError", _("{describe} is not callable", describe=_describe(fn)), node)

    def call_function(self, fn: Function, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        if fn.is_generator:
            self.note(node, _("{name}() yields values (a data generator); the reader does not run it", name=fn.name))
            return Opaque(f"{fn.name}(...)", getattr(node, "lineno", None), self.file, "is a generator")
        if self.depth >= self.limits.call_depth:
            raise self.error(node, _("calls nest more than {call_depth} deep (endless recursion?)",
                                     call_depth=self.limits.call_depth),
                             hint=_("model code does not recurse that deeply; check the function's stopping case"))
        scope = Scope("function", fn.closure, fn.closure.source)
        self.bind_arguments(fn, args, kwargs, scope, node)
        self.depth += 1
        self.frames.append((fn, scope))
        try:
            with self.in_file(fn.closure.source):
                if isinstance(fn.node, ast.Lambda):
                    return self.eval(fn.node.body, scope)
                self.exec_body(fn.node.body, scope)
                return None
        except _Return as ret:
            return ret.value
        except (_Break, _Continue):
            raise self.error(node, _("break or continue outside a loop")) from None
        finally:
            self.depth -= 1
            self.frames.pop()

    def bind_arguments(self, fn: Function, args: list[Any], kwargs: dict[str, Any], scope: Scope,
                       node: ast.AST) -> None:
        spec = fn.node.args
        positional = [a.arg for a in spec.posonlyargs + spec.args]
        defaults = dict(zip(positional[len(positional) - len(fn.defaults):], fn.defaults, strict=True))
        values: dict[str, Any] = {}
        for name, value in zip(positional, args, strict=False):
            values[name] = value
        extra = list(args[len(positional):])
        if extra and spec.vararg is None:
            raise self.error(node, _("{name}() takes {positional} positional argument{value} but {args} were given",
                                     name=fn.name, positional=len(positional), value=
                    's' if len(positional) != 1 else '', args=len(args)))
        if spec.vararg is not None:
            values[spec.vararg.arg] = tuple(extra)
        keyword_names = set(positional[len(spec.posonlyargs):]) | {a.arg for a in spec.kwonlyargs}
        rest: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key in keyword_names:
                if key in values:
                    raise self.error(node, _("{name}() got multiple values for argument {key!r}", name=fn.name,
                                             key=key))
                values[key] = value
            elif spec.kwarg is not None:
                rest[key] = value
            else:
                from ..engine.errors import did_you_mean

                raise self.error(node, _("{name}() got an unexpected keyword argument {key!r}", name=fn.name, key=key),
                                 hint=(did_you_mean(key, keyword_names) or _("{name}() takes {value}", name=fn.name,
                                                                             value=
                                         ', '.join(sorted(keyword_names)) or 'no keyword arguments')))
        if spec.kwarg is not None:
            values[spec.kwarg.arg] = rest
        for name in positional:
            if name not in values:
                if name not in defaults:
                    raise self.error(node, _("{name}() is missing the argument {name2!r}", name=fn.name, name2=name),
                                     hint=_("call it as {name}({name2}=...)", name=fn.name, name2=name))
                values[name] = defaults[name]
        for arg in spec.kwonlyargs:
            if arg.arg not in values:
                if arg.arg not in fn.kw_defaults:
                    raise self.error(node, _("{name}() is missing the keyword argument {arg!r}", name=fn.name,
                                             arg=arg.arg))
                values[arg.arg] = fn.kw_defaults[arg.arg]
        scope.vars.update(values)

    def instantiate(self, cls: Class, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        base = cls.base_object()
        if isinstance(base, Opaque):
            return base.rt_call(self, node, args, kwargs)
        instance = base.rt_construct(self, cls, node, args, kwargs) if base is not None else Instance(cls)
        found, init = cls.find("__init__")
        if found:
            result = self.call(bind_member(self, init, instance, node), args, kwargs, node)
            if result is not None:
                raise self.error(node, _("{name}.__init__() must return None", name=cls.name))
        elif base is None and (args or kwargs):
            raise self.error(node, _("{name}() takes no arguments (it has no __init__)", name=cls.name))
        return instance

    def user_exception(self, name: str, message: str, node: ast.AST) -> UserRaise:
        """A Python exception of the user's program (catchable by its try/except)."""
        cls = ExceptionClass(name if name in EXCEPTION_BASES else "Exception")
        return UserRaise(ExceptionValue(cls, [message]), node, self.file)


#: class body scope -> the class being defined (methods remember their class for super())
_CLASS_BEING_DEFINED: dict[int, Class] = {}


def _statement_classes(interp: Interpreter) -> list[type]:
    return [getattr(ast, name[5:]) for name in dir(interp) if name.startswith("exec_") and hasattr(ast, name[5:])]


def _expression_classes(interp: Interpreter) -> list[type]:
    return [getattr(ast, name[5:]) for name in dir(interp) if name.startswith("eval_") and hasattr(ast, name[5:])]


def _is_generator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function's own body (not nested functions) yields."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Yield | ast.YieldFrom):
            return True
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        stack.extend(ast.iter_child_nodes(current))
    return False


def _can_stop_early(body: list[ast.stmt]) -> bool:
    """Whether a loop's body may end the loop before its last iteration: a ``break``, ``return`` or ``raise`` in it
    (outside the functions and classes it defines; a ``break`` of an inner loop counts too, to be safe)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break | ast.Return | ast.Raise):
            return True
        stack.extend(child for child in ast.iter_child_nodes(node)
                     if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda))
    return False


def _construct(node: ast.AST) -> str:
    """A construct's name in words, for messages: ``a match statement``."""
    names = {"Match": _("a match statement"), "Await": "await", "Yield": "yield", "YieldFrom": _("yield from"),
             "TryStar": "except*", "AsyncFor": _("async for"), "TypeAlias": _("a type alias"), "MatMult": "@"}
    kind = type(node).__name__
    return names.get(kind, f"`{short_source(node, 40)}` ({kind})")


def _describe(value: Any) -> str:
    if isinstance(value, RuntimeObject):
        return value.describe()
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, RuntimeObject) or isinstance(b, RuntimeObject):
        return a is b
    try:
        return bool(a == b)
    except Exception:
        return False


def _find_network(value: Any, depth: int = 0) -> NetworkValue | None:
    if isinstance(value, NetworkValue):
        return value
    if depth < 4 and isinstance(value, list | tuple | set):
        for item in value:
            found = _find_network(item, depth + 1)
            if found is not None:
                return found
    if depth < 4 and isinstance(value, dict):
        for item in value.values():
            found = _find_network(item, depth + 1)
            if found is not None:
                return found
    return None


def _paste_hint(callee: Any) -> str:
    if isinstance(callee, Opaque):
        name = callee.origin.split("(")[0]
        return (_("paste the definition of {name} into the code (or make its module part of the documented project, "
                  "so that source= can follow the import)", name=name))
    return _("paste the definition of the function into the code")


__all__ = ["Interpreter", "Scope", "TreeFacts", "parse_and_scan", "parse_python", "scan"]
