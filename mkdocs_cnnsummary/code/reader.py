"""Reading model code: run the interpreter, choose the model, and describe it for the engine."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.errors import SpecError
from ..engine.spec import NetworkSpec
from ..engine.summary import Notice
from ..i18n import _
from .bindings import Binding, make_bindings
from .detect import detect_framework
from .interpreter import Interpreter, Scope, parse_and_scan
from .limits import Limits
from .runtime import Function, UserRaise, short_source
from .session import Session, SourceFile, package_of


@dataclass
class CodeReading:
    """What reading code gave: the network, the warnings, and the files read (the code's own included).

    ``files`` are absolute paths (for watching them and keying caches on their contents).
    """

    network: NetworkSpec
    warnings: list[Notice] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    framework: str = "keras"
    model: str | None = None  # the name of the model summarised
    file: str | None = None  # how messages name the code's own file (None for pasted code)
    origins: dict[str, str | None] = field(default_factory=dict)  # layer name -> the file that made it


def read_code(text: str, *, model: str | None = None, framework: str | None = None,
              inputs: list[Any] | None = None, path: str | Path | None = None, root: str | Path | None = None,
              limits: Limits | None = None, default_framework: str | None = None) -> CodeReading:
    """Read model code statically and describe the model it builds.

    ``model``: a Python expression evaluated in the code's namespace (``"model"``,
    ``"build_unet(filters=32)"``); by default the last model built at top level, else the one
    function that builds a model (called with its defaults), else the layers the code only makes.
    ``inputs``: shapes without the batch axis, for a model that does not state its input.
    ``path``: the file the text comes from (messages name it; relative imports start there).
    ``root``: the project directory whose modules the code's imports may read (default: ``path``'s).
    ``framework`` overrides the framework the imports and names show; ``default_framework`` is used when
    they show none (else Keras).
    Raises :class:`SpecError` (with ``line`` and ``file``) when the code cannot be read.
    """
    limits = limits or Limits()
    location = Path(path) if path is not None else None
    if location is not None and root is not None and not location.is_absolute():
        location = Path(root) / location  # a path relative to the project
    package = None
    if location is not None and location.exists():
        top, package = package_of(location.resolve())
        if root is None:  # the project: the package the file is in, or its directory
            root = top
    elif root is None and location is not None:
        root = location.resolve().parent
    session = Session(limits=limits, root=Path(root) if root is not None else None)
    display = str(path) if path is not None else None
    if len(text) > limits.source_size:
        raise SpecError(_("the code is longer than the {source_size:,} characters the reader reads",
                          source_size=limits.source_size),
                        file=display)
    tree, facts = parse_and_scan(text, display, limits.nesting)
    main = SourceFile(display, text, tree, "__main__", location.resolve() if location is not None and
                      location.exists() else None, package)
    if main.location is not None:
        session.files.append(main.location)
    session.main = main
    session.framework = framework or detect_framework(facts) or default_framework or "keras"
    session.bindings = make_bindings(session)
    binding = session.bindings.get(session.framework)
    if binding is None:
        raise SpecError(_("the reader does not read {framework} code yet", framework=session.framework),
                        hint=_("describe the network with a spec (YAML)"), file=display)
    for each in session.bindings.values():
        prepare = getattr(each, "prepare", None)
        if prepare is not None:
            prepare(facts)
    interp = Interpreter(session)
    scope = Scope("module", None, main)
    session.main_scope = scope
    try:
        interp.run_module(main, scope)
        if framework is None:  # code that imports several frameworks: the one that built the last model
            built = [b for each in session.bindings.values() for b in each.built]
            if built:
                last = max(built, key=lambda b: b.order)
                binding = next(each for each in session.bindings.values() if last in each.built)
        value, label = _choose(session, binding, interp, scope, model)
        with interp.in_file(main):
            network = binding.network(value, inputs, interp)
    except UserRaise as raised:
        raise SpecError(_("the code raises {describe}", describe=raised.value.describe()), line=getattr(raised.node,
                "lineno", None),
                        file=raised.file, hint=_("the reader runs the code's statements as Python would; fix the "
                                                 "condition that raises")) from None
    except RecursionError:
        raise SpecError(_("the code nests calls or expressions too deeply for the reader"), file=display) from None
    network.framework = binding.framework
    binding.finish(interp)
    notices = sorted(session.notices, key=lambda n: n.line or 0)
    skipped = session.skipped_notice()
    if skipped is not None:
        notices.append(skipped)
    origins = {layer.name: layer.file for layer in getattr(binding, "made", ()) if layer.file is not None}
    return CodeReading(network, notices, list(dict.fromkeys(session.files)), binding.framework,
                       label, display, origins)



def _choose(session: Session, binding: Binding, interp: Interpreter, scope: Scope,
            model: str | None) -> tuple[Any, str | None]:
    """The model to summarise: the ``model`` expression's, or the default choice."""
    if model is not None:
        return _evaluate(session, binding, interp, scope, model)
    built = binding.built
    if built:
        return built[-1].value, getattr(built[-1].value, "name", None)
    candidates = [(name, fn, line) for name, fn, line, _ in session.definitions
                  if isinstance(fn, Function) and _builds_model(fn.node, binding)]
    callable_ = [c for c in candidates if _callable_without_arguments(c[1])]
    if len(candidates) == 1 and callable_:
        name = candidates[0][0]
        return _evaluate(session, binding, interp, scope, f"{name}()")
    if candidates:
        listing = _(", ").join(_("{name}{signature} (line {line})", name=name, signature=_signature(fn), line=line)
                               for name, fn, line in candidates)
        name, fn, _ignored = (callable_ or candidates)[0]
        example = f"{name}()" if _callable_without_arguments(fn) else f"{name}(...)"
        many = len(candidates) > 1
        raise SpecError((_("the code defines several functions that build a model: ") if many else
                         _("the code defines a function that builds a model but needs arguments: ")) + listing,
                        line=candidates[0][2], file=interp.file if interp.file else session.main.path,
                        hint=_('choose what to summarise with model="{example}" (--model for the command line)',
                               example=example))
    fragments = binding.fragments_model(interp)
    if fragments is not None:
        return fragments, getattr(fragments, "name", None)
    raise SpecError(_("the code builds no model"), file=session.main.path if session.main else None,
                    hint=_no_model_hint(binding))


def _evaluate(session: Session, binding: Binding, interp: Interpreter, scope: Scope,
              expression: str) -> tuple[Any, str]:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise SpecError(_("model={expression!r} is not a Python expression: {msg}", expression=expression, msg=exc.msg),
                        hint=_('write a name or a call, e.g. model="build_unet(filters=32)"')) from None
    before = len(binding.built)
    with interp.in_file(session.main):  # type: ignore[arg-type]
        try:
            value = interp.eval(tree.body, scope)
        except SpecError as exc:
            if exc.file is None and exc.line is not None and interp.file is None:
                exc.message = _("in model={expression!r}: {message}", expression=expression, message=exc.message)
                exc.line = None
                exc.args = (exc.describe(),)
            raise
    if binding.is_model(value):
        return value, expression
    made = binding.built[before:]
    if made:
        return made[-1].value, expression
    what = short_source(tree.body)
    described = value.describe() if hasattr(value, "describe") else f"{type(value).__name__} {value!r}"[:80]
    raise SpecError(_("model={expression!r} gives {described}, not a model, and builds none", expression=expression,
                      described=described),
                    hint=_("name a model or a call that builds one; {what} is not one", what=what))


def _builds_model(node: ast.AST, binding: Binding) -> bool:
    """Whether a function's text makes a model (a call to Model, Sequential, NeuralNet ...)."""
    names = getattr(binding, "model_makers", ("Model", "Sequential"))
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in names:
                return True
    return False


def _callable_without_arguments(fn: Function) -> bool:
    args = fn.node.args
    positional = args.posonlyargs + args.args
    required = len(positional) - len(fn.defaults)
    return required <= 0 and all(a.arg in fn.kw_defaults for a in args.kwonlyargs)


def _signature(fn: Function) -> str:
    try:
        return "(" + ast.unparse(fn.node.args) + ")"
    except Exception:
        return "(...)"


def _no_model_hint(binding: Binding) -> str:
    if binding.name == "lasagne":
        return _("make the layers with lasagne.layers (InputLayer first) or nolearn's NeuralNet(layers=[...])")
    return (_('make the model with keras.Model(inputs, outputs) or Sequential([...]); a function that builds one can '
              'be chosen with model="build_model()"'))
