"""The base class of every layer type, the recorder of its worked steps, and the registry."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from operator import index
from types import ModuleType, SimpleNamespace

from ..i18n import S_, _
from .args import REQUIRED, Arg, ArgError
from .checks import NO_FACTS
from .errors import SpecError, about, did_you_mean, shown
from .expr import Expr, is_fraction, is_number, lift
from .limits import MAX_INT, MAX_WEIGHTS
from .summary import Shape, Step, Weight

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from .summary import Value

OutputShape = Shape | list[Shape]


class Calc:
    """Collects the worked steps and the weights of one layer while it is computed."""

    #: fields only: the receptive-field helpers skip their worked steps (see ``network.Analyses.jumps``)
    quiet = False

    def __init__(self, layer: Layer, nested: Callable[..., Any] | None = None, batch: int = 1,
                 room: int = MAX_WEIGHTS) -> None:
        self.layer = layer
        self.room = room  # weight tensors the network may still get
        self.steps: list[Step] = []
        self.weights: list[Weight] = []
        self._declared: list[tuple[int | None, bool]] = []  # (params step result, buffers?)
        self._nested = nested
        self.children: list[Any] = []  # PyTorch: rows of the submodules this module calls (LayerRecords)
        #: samples per batch the operation counts are for
        self.batch = batch
        #: worked steps of the analyses (operations, activations, receptive field)
        self.analysis: list[Step] = []
        self.total_macs: int | None = None
        self.total_other_ops: int | None = None
        self._counted: set[str] = set()
        #: (prefix, MACs, other ops) of each wrapped layer computed by :meth:`nested`
        self.nested_ops: list[tuple[str, int | None, int | None]] = []
        #: the names of the input sizes this layer's sizes are written with (``input: [H, W, 3]``), if any
        self.named: str | None = None
        #: (size, minimum) for sizes written with names that must be at least ``minimum`` (see too_small)
        self.conditions: list[tuple[Any, int]] = []

    # worked steps -------------------------------------------------------------
    def step(self, quantity: str, expr: Expr | int, note: str | None = None) -> int | None:
        """Record ``quantity = formula = substituted = result`` and return the result."""
        expr = lift(expr)
        value = expr.int_value
        if isinstance(value, int) and abs(value) > MAX_INT:  # a size written with names is checked for its values
            raise self.error(_("{quantity} would be {value}, beyond the 64-bit sizes the frameworks count in",
                               quantity=quantity, value=about(value)),
                             _("use smaller sizes"))
        if value is None:
            missing = expr.unknowns()
            what = missing[0].desc or missing[0].symbol if missing else S_("a size")
            unknown = S_("unknown because {what} is None", what=what)
            note = S_("{unknown}; {note}", unknown=unknown, note=note) if note else unknown
            self.steps.append(Step(quantity, expr.sym(), None, None, note))
        else:
            self.steps.append(Step.worked(quantity, expr, value, note))
        return value

    def too_small(self, value: Any, minimum: int = 1) -> bool:
        """Whether a size is below ``minimum`` (False when unknown).  A size written with names is taken
        to be large enough, and the condition is kept: the summary says for which values of the names its
        expressions hold."""
        if value is None:
            return False
        if isinstance(value, int):
            return value < minimum
        self.conditions.append((value, minimum))
        return False

    def record(self, kind: str, quantity: str, expr: Expr | int, note: str | None = None) -> Value | None:
        """An analysis step (``kind``: ``macs``, ``other_ops``, ``receptive_field`` ...); the result may be a
        fraction.  Returns it (None when a size is unknown; the note then says which)."""
        expr = lift(expr)
        value = expr.value
        if is_fraction(value) and value.denominator == 1:
            value = int(value)
        if value is not None and not is_number(value):  # written with names: not counted
            self.named = self.named or ", ".join(sorted(value.names()))
            value = None
        if value is None:
            missing = expr.unknowns()
            what = missing[0].desc or missing[0].symbol if missing else S_("a size")
            unknown = _("unknown because {what} is None", what=what)
            if self.named:
                unknown = _("unknown because {what} is written with {named}; assume: gives the names values "
                            "and this a number", what=what, named=self.named)
            self.analysis.append(Step(quantity, expr.sym(), None, None, f"{unknown}; {note}" if note else unknown,
                                      kind))
            return None
        self.analysis.append(Step.worked(quantity, expr, value, note, kind))
        return value

    def macs(self, expr: Expr | int, note: str | None = None, part: str | None = None) -> int | None:
        """The layer's multiply-accumulates (or, with ``part``, one part of them, summed by a later call)."""
        return self._count("macs", S_("MACs"), expr, note, part)

    def other_ops(self, expr: Expr | int, note: str | None = None, part: str | None = None) -> int | None:
        """The layer's other operations (bias adds, activations, pooling ...), by the rule in ``note``."""
        return self._count("other_ops", S_("other ops"), expr, note, part)

    def unknown_ops(self, why: str) -> None:
        """Operations that cannot be counted: both counts are unknown, and the steps say why."""
        for kind, quantity in (("macs", S_("MACs")), ("other_ops", S_("other ops"))):
            self.analysis.append(Step(quantity, S_("unknown"), None, None, why, kind))
            self._counted.add(kind)

    def _count(self, kind: str, quantity: str, expr: Expr | int, note: str | None, part: str | None) -> int | None:
        label = S_("{prefix}: {quantity}", prefix=quantity, quantity=part) if part else quantity
        value = self.record(kind, label, expr, note)
        if value is not None and not isinstance(value, int):
            raise AssertionError(f"{self.layer.type_name}: {quantity} is not whole: {value}")
        if part is None:
            if kind == "macs":
                self.total_macs = value
            else:
                self.total_other_ops = value
            self._counted.add(kind)
        return value

    def check_counted(self) -> None:
        """Every layer states both counts (an engine bug otherwise: no count may be silently 0)."""
        missing = {"macs", "other_ops"} - self._counted
        if missing:
            raise AssertionError(f"{self.layer.type_name}: operations() recorded no {' and no '.join(sorted(missing))}")

    def params(self, expr: Expr | int, quantity: str = S_("params"), note: str | None = None) -> int | None:
        """Record the parameter-count step; it is checked against the weights added."""
        value = self.step(quantity, expr, note)
        self._declared.append((value, False))
        return value

    def buffers(self, expr: Expr | int, quantity: str = S_("buffers"), note: str | None = None) -> int | None:
        """Record the buffer-count step (PyTorch running statistics ...)."""
        value = self.step(quantity, expr, note)
        self._declared.append((value, True))
        return value

    def weight(self, name: str, shape: Sequence[int | None], *, trainable: bool = True,
               buffer: bool = False, sublayer: bool = False) -> None:
        """Add one weight tensor; a frozen layer makes every weight non-trainable.

        ``sublayer``: the weight belongs to a layer this one holds (MultiHeadAttention's projections):
        the model's totals count it by that layer's own flag (see :attr:`Weight.total_trainable`).
        """
        if None in shape:
            raise self.error(
                _("the weight {name!r} would have shape {tuple}: its size depends on an unknown input size", name=name,
                  tuple=shown(tuple(shape))), _(
                        "give the input a known size on that axis"))
        try:
            dims = tuple(map(index, shape))  # the sizes as ints, in C: this runs for every weight of every layer
        except Exception:  # a size written with names (its __index__ refuses too)
            from .named import NotNumeric, names_in

            raise NotNumeric(_("the weight {name!r} would have shape ({shape}): its size depends on the input size",
                               name=name, shape=", ".join(map(str, shape))), names_in([tuple(shape)])) from None
        own = trainable and not buffer
        total = own if sublayer and self.layer.total_own_flags else None
        weight = Weight(name, dims, own and self.layer.trainable, buffer, total)
        if weight.size > MAX_INT:
            raise self.error(_("the weight {name!r} would have {size} values, beyond the 64-bit sizes the frameworks "
                               "count in", name=name, size=about(weight.size)), _("use smaller sizes"))
        if len(self.weights) >= self.room:
            raise self.error(_("the network would have more than {MAX_WEIGHTS:,} weight tensors",
                               MAX_WEIGHTS=MAX_WEIGHTS),
                             _("use fewer (stacked) layers"))
        self.weights.append(weight)

    def check(self) -> None:
        """The parameter steps must add up to the weights (an engine bug otherwise)."""
        if not self._declared:  # a layer without weights
            return
        for is_buffer in (False, True):
            declared = [v for v, b in self._declared if b is is_buffer]
            if not declared:
                continue
            actual = sum(w.size for w in self.weights if w.buffer is is_buffer)
            if sum(v or 0 for v in declared) != actual:
                raise AssertionError(
                    f"{self.layer.type_name}: worked steps give {declared}, weights give {actual}")

    def child(self, name: str, type_name: str, output_shape: Shape) -> None:
        """PyTorch: a row for a submodule this module calls (``self_attn`` of a TransformerEncoderLayer), with the
        weights and steps this layer recorded under its name (``self_attn.in_proj_weight``, ``self_attn: params``)."""
        from .summary import LayerRecord

        weights = [Weight(w.name[len(name) + 1:], w.shape, w.trainable, w.buffer, w.total_trainable)
                   for w in self.weights if w.name.startswith((f"{name}.", f"{name}/"))]
        steps = [Step(s.quantity[len(name) + 2:], s.formula, s.substituted, s.result, s.note)
                 for s in self.steps if s.quantity.startswith(f"{name}: ")]
        self.children.append(LayerRecord(name, type_name, [], tuple(output_shape), weights, steps))

    # errors ------------------------------------------------------------------
    def error(self, message: str, hint: str | None = None) -> SpecError:
        """A spec error located at this layer (``raise calc.error(...)``)."""
        return SpecError(message, line=self.layer.line, layer=self.layer.name,
                         layer_type=self.layer.type_name, hint=hint)

    # wrapped layers ------------------------------------------------------------
    def nested(self, spec: Any, inputs: list[Shape], prefix: str) -> OutputShape:
        """Compute a wrapped layer (Bidirectional's LSTM ...) in place, prefixing its steps and weights."""
        if self._nested is None:  # pragma: no cover - always set by the network builder
            raise AssertionError("nested layers are not available here")
        inner: Layer = self._nested(spec, self.layer)
        sub = Calc(inner, self._nested, self.batch, self.room - len(self.weights))
        shape = inner.compute_output_shape(inputs, sub)
        inner.build(inputs, sub)
        sub.check()
        from .named import names_in, numeric

        named = names_in([*inputs, shape])
        if named:  # the counts need numbers (see network.Analyses)
            sub.named = ", ".join(sorted(named))
        inner.operations(numeric(inputs), numeric(shape), sub)
        sub.check_counted()
        for s in sub.steps:
            self.steps.append(Step(S_("{prefix}: {quantity}", prefix=prefix, quantity=s.quantity), s.formula,
                                   s.substituted, s.result, s.note))
        for s in sub.analysis:
            self.analysis.append(Step(S_("{prefix}: {quantity}", prefix=prefix, quantity=s.quantity), s.formula,
                                      s.substituted, s.result, s.note, s.kind))
        for w in sub.weights:
            total = w.counts_trainable if self.layer.total_own_flags else None
            self.weights.append(Weight(f"{prefix}/{w.name}", w.shape, w.trainable and self.layer.trainable,
                                       w.buffer, total))
        self.nested_ops.append((prefix, sub.total_macs, sub.total_other_ops))
        self.conditions += sub.conditions
        return shape


class Layer:
    """One layer type: its arguments, output shape, weights and worked steps.

    Subclasses declare ``type_name`` and ``arguments`` (constructor order, with
    defaults) and override :meth:`compute_output_shape` and, if the layer has
    weights, :meth:`build`.  They are registered with :func:`register`.
    """

    type_name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    framework: ClassVar[str] = "keras"
    arguments: ClassVar[tuple[Arg, ...]] = ()
    min_inputs: ClassVar[int] = 1
    max_inputs: ClassVar[int | None] = 1
    is_input: ClassVar[bool] = False
    #: Keras: the layers this one holds keep their own trainable flag when trainable=False is given to
    #: this layer's constructor, so the model's totals count their weights by it (the row does not)
    total_own_flags: ClassVar[bool] = False
    #: a small call and its input shapes (batch excluded) shown with worked formulas in the layer
    #: reference, e.g. ``("Conv2D(8, 3)", (28, 28, 1))``; None lets the reference choose one
    example: ClassVar[tuple[Any, ...] | None] = None
    #: for layers that multiply no weights: other ops per output element and the rule, e.g.
    #: ``(1, "one op per element: the activation")``; see :meth:`operations`
    element_ops: ClassVar[tuple[int, str] | None] = None
    #: the family the layer reference lists it in (``conv``, ``pooling`` ...); "" = its catalog module's name
    family: ClassVar[str] = ""
    #: PyTorch: a tensor a module owns (an ``nn.Parameter``, a buffer) rather than a computation; its row shows
    #: only at the top of a model, inside a module it is counted in the module's row (see engine/modules.py)
    owned_tensor: ClassVar[bool] = False
    #: its outputs can lie closer together than its input's (an up-sampling, a transposed convolution): the
    #: receptive fields' jumps can shrink, which the lossy-rounding check then follows (other layers never do)
    upsamples: ClassVar[bool] = False

    def __init__(self, name: str, config: dict[str, Any], *, trainable: bool = True,
                 line: int | None = None) -> None:
        self.name = name
        self.config = config
        self.cfg = SimpleNamespace(**config)
        self.trainable = trainable
        self.line = line

    # arguments -----------------------------------------------------------------
    @classmethod
    def all_arguments(cls) -> tuple[Arg, ...]:
        """Own arguments followed by the framework's common ones (name, dtype ...)."""
        from .framework import get_framework

        own = {a.name for a in cls.arguments}
        return cls.arguments + tuple(a for a in get_framework(cls.framework).common_args if a.name not in own)

    @classmethod
    def _signature(cls) -> _Signature:
        """The class's arguments worked out for binding, once per class."""
        signature = _SIGNATURES.get(cls)
        if signature is None:
            signature = _SIGNATURES[cls] = _Signature(cls.all_arguments(), cls.arguments)
        return signature

    @classmethod
    def bind(cls, args: Sequence[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Match positional and keyword arguments to declarations; check and normalise them.

        Raises SpecError (without location: the caller adds it).
        """
        signature = cls._signature()
        positional, by_name = signature.positional, signature.by_name
        if len(args) > len(positional):
            by_name_only = [a.name for a in cls.arguments if a.keyword_only]
            raise _at(SpecError(
                _("takes at most {positional} positional argument{value} ({value2}), got {args}",
                  positional=len(positional), value=
                        's' if len(positional) != 1 else '', value2=', '.join(a.name for a in positional) or 'none',
                  args=len(args)),
                layer_type=cls.type_name,
                hint=(_("write {value} by name",
                        value=', '.join(n + '=...' for n in by_name_only)) if by_name_only else None)),
                len(positional))
        given: dict[str, Any] = {}
        for decl, value in zip(positional, args, strict=False):
            given[decl.name] = value
        for key, value in kwargs.items():
            if key not in by_name:
                hint = did_you_mean(key, by_name) or (
                    _("accepted arguments: {name}", name=", ".join(a.name for a in cls.arguments)))
                raise _at(SpecError(_("unknown argument {key}", key=shown(key)), layer_type=cls.type_name, hint=hint),
                          key)
            if key in given:
                raise _at(SpecError(_("argument {key!r} given twice (by position and by name)", key=key),
                                    layer_type=cls.type_name), key)
            given[key] = value
        # The usual case, valid arguments: the shared defaults copied at once, and only the arguments given and
        # those without a shared default converted.  Any failure is found again by the loop in declared order,
        # which says which argument fails first.
        config = dict(signature.template)
        try:
            for key, value in given.items():
                config[key] = by_name[key].normalise(value)
            for decl in signature.unshared:
                if decl.name not in given:
                    config[decl.name] = decl.normalise(decl.default)
            complete = all(name in given for name in signature.required)
        except Exception:
            complete = False
        if not complete:
            config = cls._bind_in_order(given, args, signature)
        return cls.validate(config)

    @classmethod
    def _bind_in_order(cls, given: dict[str, Any], args: Sequence[Any], signature: _Signature) -> dict[str, Any]:
        """The arguments converted one by one in declared order: the first one that fails raises."""
        config: dict[str, Any] = {}
        defaults = signature.defaults
        positions = {decl.name: i for i, decl in enumerate(signature.positional[:len(args)])}
        for decl in signature.declared:
            if decl.name in defaults and decl.name not in given:
                config[decl.name] = defaults[decl.name]
            elif decl.name in given:
                try:
                    config[decl.name] = decl.normalise(given[decl.name])
                except ArgError as exc:
                    raise _at(SpecError(_("argument {name!r} {message}", name=decl.name, message=exc.message),
                                        layer_type=cls.type_name,
                                        hint=exc.hint), positions.get(decl.name, decl.name)) from None
            elif decl.required:
                raise SpecError(_("missing required argument {name!r}", name=decl.name), layer_type=cls.type_name,
                                hint=_("for example {type_name}({name}=...)", type_name=cls.type_name, name=decl.name))
            else:
                config[decl.name] = decl.normalise(decl.default)
        return config

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        """Cross-argument checks (override); raise SpecError, return the config."""
        return config

    @classmethod
    def summary_line(cls) -> str:
        """The first line of the class docstring (for the layer reference)."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    # computation -----------------------------------------------------------------
    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        """The output shape (batch first), recording the worked steps on ``calc``."""
        raise NotImplementedError

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        """Add the weights and the parameter step (nothing for weightless layers)."""

    def further_outputs(self, inputs: list[Shape], output: OutputShape) -> list[Shape]:
        """Outputs after the one its row shows, which later layers may take as ``name[1]`` ... (an LSTM's final
        states); none by default."""
        return []
    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        """Record the MACs and the other ops with their worked steps (``calc.macs``, ``calc.other_ops``).

        The default serves layers that multiply no weights: MACs 0, and ``element_ops`` ops per output
        element.  A layer type that declares neither says that its operations are not modelled: never a
        silent 0.
        """
        from . import ops

        if self.element_ops is None:
            calc.unknown_ops(_("the operations of {type_name} are not modelled", type_name=self.type_name))
            return
        per_element, rule = self.element_ops
        ops.per_element(calc, output, per_element, rule)

    def design(self, inputs: list[Shape]) -> Any:
        """Facts for the design checks (:class:`~.checks.DesignFacts`: its bias, windows, dropout rate ...)."""
        return NO_FACTS

    def receptive_field(self, fields: list[Any], inputs: list[Shape], output: OutputShape, calc: Calc) -> Any:
        """How output positions see the network input, from the fields of the inputs (see ``receptive``).

        Returns the output's field, or a :class:`~.receptive.NoField` saying why there is none.  The default:
        a layer that keeps its input shape and works per position (``SameShape``) keeps the field;
        other layers say that they do not model it.
        """
        from . import receptive

        return receptive.unmodelled(fields, calc, self.type_name)


def _at(error: SpecError, argument: str | int) -> SpecError:
    """Mark which argument (keyword, or position) an error is about, so that it can point at its line."""
    error.argument = argument
    return error


class SameShape:
    """Mixin for layers whose output shape is their input shape (activations, dropout, noise ...).

    They work position by position, so each output sees what its input saw.
    """

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        return inputs[0]

    def design(self, inputs: list[Shape]) -> Any:
        """Facts for the design checks (:class:`~.checks.DesignFacts`: its bias, windows, dropout rate ...)."""
        return NO_FACTS

    def receptive_field(self, fields: list[Any], inputs: list[Shape], output: OutputShape, calc: Calc) -> Any:
        from . import receptive

        return receptive.same(fields, calc)


class _Signature:
    """A layer class's arguments as binding reads them (see :meth:`Layer.bind`)."""

    __slots__ = ("by_name", "declared", "defaults", "positional", "required", "template", "unshared")

    def __init__(self, declared: tuple[Arg, ...], own: tuple[Arg, ...]) -> None:
        self.declared = declared
        self.by_name = {a.name: a for a in declared}
        self.positional = [a for a in own if not a.keyword_only]
        #: the normalised defaults every layer of the class can share
        self.defaults = _shared_defaults(declared)
        #: every argument in declared order, with its shared default (the others are filled in when bound)
        self.template = {a.name: self.defaults.get(a.name) for a in declared}
        self.required = [a.name for a in declared if a.required]
        #: the optional arguments whose default is converted for each layer (a list, a dict ...)
        self.unshared = [a for a in declared if not a.required and a.name not in self.defaults]


def _shared_defaults(declared: tuple[Arg, ...]) -> dict[str, Any]:
    """The normalised defaults that every layer of a class can share: hashable ones (a list or a dict stays
    each layer's own), of converters that accept their default."""
    out: dict[str, Any] = {}
    for decl in declared:
        if decl.required:
            continue
        try:
            value = decl.normalise(decl.default)
            hash(value)
        except Exception:  # normalised again for each layer, which then says what is wrong
            continue
        out[decl.name] = value
    return out


# registry -------------------------------------------------------------------------

_CATALOGS: dict[str, dict[str, type[Layer]]] = {}
_IMPORTED: set[str] = set()  # frameworks whose catalog modules are imported
_SIGNATURES: dict[type[Layer], _Signature] = {}


def register(cls: type[Layer]) -> type[Layer]:
    """Class decorator: make a layer type available by its name (and aliases)."""
    if not cls.type_name:
        raise TypeError(f"{cls.__name__} has no type_name")
    catalog = _CATALOGS.setdefault(cls.framework, {})
    for key in (cls.type_name, *cls.aliases):
        if key in catalog:
            raise TypeError(f"{cls.framework} layer {key!r} registered twice")
        catalog[key] = cls
    return cls


def catalog(framework: str) -> dict[str, type[Layer]]:
    """Every layer type of a framework, by name (aliases included): imports all its modules."""
    if framework not in _IMPORTED:
        package = _package(framework)
        for module in sorted(set(getattr(package, "LAYER_MODULES", {}).values())):
            importlib.import_module(f"{package.__name__}.{module}")
        _IMPORTED.add(framework)
    return _CATALOGS.get(framework, {})


def lookup(framework: str, type_name: str) -> type[Layer]:
    """The class for a layer type name, or a SpecError with a did-you-mean.

    Only the module that defines the type is imported (a framework's ``LAYER_MODULES`` says which),
    so a network of convolutions never loads the recurrent or attention layers.
    """
    found = _CATALOGS.get(framework, {}).get(type_name)
    if found is not None:
        return found
    package = _package(framework)
    module = getattr(package, "LAYER_MODULES", {}).get(type_name)
    if module is not None:
        importlib.import_module(f"{package.__name__}.{module}")
        found = _CATALOGS.get(framework, {}).get(type_name)
        if found is not None:
            return found
    types = catalog(framework)
    if type_name in types:
        return types[type_name]
    raise SpecError(_("unknown layer type {type_name!r} for framework {framework!r}", type_name=type_name,
                      framework=framework),
                    hint=(did_you_mean(type_name, types) or _("see the layer reference for the supported types")))


def _package(framework: str) -> ModuleType:
    """The framework's package (its conventions and layer index), imported on first use."""
    from .framework import FRAMEWORK_MODULES, get_framework

    get_framework(framework)  # a SpecError for an unknown framework
    return importlib.import_module(FRAMEWORK_MODULES[framework])


def describe_shape(shape: Shape) -> str:
    """``(None, 28, 28, 1)``."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def arg_default_repr(arg: Arg) -> str:
    """A default as shown in the layer reference."""
    return "required" if arg.default is REQUIRED else repr(arg.default)
