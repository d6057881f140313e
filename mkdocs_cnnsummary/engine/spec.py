"""Reading a network description: YAML (safe, with line numbers) and constructor calls (``ast``).

Nothing the author wrote is evaluated: YAML goes through a SafeLoader and a
string such as ``Conv2D(8, (3, 3), padding='same')`` is parsed with ``ast``
and only literal values are accepted.
"""

from __future__ import annotations

from functools import lru_cache

from ..i18n import _
from .errors import SpecError, did_you_mean, printable, shown
from .framework import FRAMEWORK_MODULES
from .limits import MAX_DEPTH, MAX_INT, MAX_SPEC_VALUES
from .nested import MODEL_TYPES
from .plain_yaml import LineDict, LineList, NotPlain, read_plain
from .records import field, record
from .syntax import read_call

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from typing import Any

TOP_LEVEL_KEYS = ("name", "framework", "input", "inputs", "assume", "blocks", "layers", "outputs", "expect",
                  "description")
ITEM_KEYS = ("name", "inputs", "trainable", "reuse")
#: PyTorch's module tree (see :mod:`.modules`): the row an item hangs under, the call of a shared module, a module
#: that is not called, a row for a module that is only a holder, the tensors another row counts
MODULE_KEYS = ("parent", "call", "called", "module", "tied", "hidden")


def load_yaml(text: str) -> Any:
    """Parse YAML safely, keeping line numbers; a syntax error becomes a SpecError with its line.

    The usual subset of YAML is read without PyYAML (:mod:`.plain_yaml`, which a command's start-up
    cannot afford to import); anything else by PyYAML's safe loader (:mod:`.yaml_loader`), whose values,
    lines, bounds and messages both readers give.
    """
    try:
        return read_plain(text)
    except NotPlain:
        from .yaml_loader import load_yaml_full

        return load_yaml_full(text)


# the parsed description ---------------------------------------------------------


@record(frozen=True)
class LayerRef:
    """A reference to the layer at ``index`` of the expanded layer list (``None``: the network's input),
    for wiring written in blocks before the layers have their names; ``suffix`` picks an output (``[1]``)."""

    index: int | None
    suffix: str = ""


@record(repr=False)
class LayerSpec:
    """One layer as written: its type, arguments and graph wiring.

    ``arg_lines`` gives the line of each argument written on a line of its own (by name, or by
    position for a list), so that a wrong value is reported where it is.
    """

    type: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str | None = None
    inputs: list[str] | None = None
    trainable: bool | None = None
    line: int | None = None
    source: str | None = None  # the text of a constructor call, when written as one
    network: NetworkSpec | None = None  # a model used as a layer (type Sequential or Functional)
    reuse: str | None = None  # another call of the layer of this name (shared weights: no row of its own)
    block: str | None = None  # the block instance it comes from (compact specs)
    # PyTorch's module tree (see engine/modules.py)
    parent: str | None = None  # the row of the module holding it (a ModuleList ...), when it is not its network's
    call: int | None = None  # 2, 3 ...: a further call of the module ``name`` (its tensors counted in the first)
    called: bool = True  # False: a module that is never called (its tensors count; it has no output)
    holder: bool = False  # a row for a module that is not called itself (``module: ModuleList``)
    tied: dict[str, str] | None = None  # own tensor name -> the tensor of another row it is (counted there)
    hidden: bool = False  # computed for the shapes after it, but no row and nothing counted (not the model's)
    operation: bool = False  # a function forward() calls (F.relu, +), not a module: named as torch.fx names it
    arg_lines: dict[str | int, int] = field(default_factory=dict)

    def __repr__(self) -> str:
        """The layer as a call, as messages show it: ``LSTM(2, return_sequences=True)``."""
        if self.source is not None:
            return self.source
        parts = [shown(a) for a in self.args[:8]] + [f"{k}={shown(v)}" for k, v in list(self.kwargs.items())[:8]]
        return f"{self.type}({', '.join(parts)})"


@record
class InputSpec:
    """One network input: its name and its shape without the batch dimension (``full``: the whole shape, as a
    module of a PyTorch model is called on it; None in a module's network: the shape it is called on)."""

    name: str | None
    shape: Any
    line: int | None = None
    full: bool = False


@record
class NetworkSpec:
    """A whole network description."""

    layers: list[LayerSpec]
    inputs: list[InputSpec] = field(default_factory=list)
    name: str | None = None
    framework: str | None = None
    outputs: list[str] | None = None
    outputs_line: int | None = None
    expect: Any = None
    expect_line: int | None = None
    line_offset: int = 0
    #: layers a reader already made and computed (name -> Computed), reused by build_summary when the
    #: input shapes and trainable flag are the same; not part of the description
    computed: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    blocks: list[Any] = field(default_factory=list)  # BlockInstance of each block used
    #: values of the names in the input sizes (``assume: {H: 224}``)
    assume: dict[str, int] = field(default_factory=dict)
    assume_line: int | None = None


# constructor calls -------------------------------------------------------------------


def _dotted(node: ast.AST) -> str | None:
    """``tf.keras.layers.Dense`` -> that text; None for anything but a dotted name."""
    import ast

    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _bounded(value: Any, line: int | None) -> Any:
    """A literal within the bounds of a spec (integers within 64 bits ...), or a SpecError on its line."""
    try:
        check_plain(value)
    except SpecError as exc:
        raise exc.located(line=line) from None
    return value


def _literal(node: ast.AST, line: int | None) -> Any:
    """A literal argument value; nested calls become LayerSpecs, dotted names strings."""
    import ast

    if isinstance(node, ast.Constant):  # what literal_eval gives, without its per-call closures
        return _bounded(node.value, line) if isinstance(node.value, int) else node.value
    if isinstance(node, ast.Call):
        return _call_to_spec(node, line, None)
    if isinstance(node, ast.Name | ast.Attribute):
        dotted = _dotted(node)
        if dotted is not None:
            if dotted in ("None", "True", "False"):
                return {"None": None, "True": True, "False": False}[dotted]
            return dotted  # e.g. activation=tf.nn.relu: a name, kept as text
    if isinstance(node, ast.Tuple | ast.List):
        return [_literal(e, line) for e in node.elts]
    if isinstance(node, ast.Dict):
        out = {}
        for k, v in zip(node.keys, node.values, strict=True):
            if k is None:
                raise SpecError(_("**spreading in a dict is not supported in a layer call"), line=line,
                                hint=_("write the keys and values out"))
            key = _literal(k, line)
            if isinstance(key, list | dict | LayerSpec):
                raise SpecError(_("a dict key in a layer call must be a plain value, got {key}", key=shown(key)),
                                line=line)
            out[key] = _literal(v, line)
        return out
    try:
        return _bounded(ast.literal_eval(node), line)
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        raise SpecError(_("argument {unparse} is not a literal value", unparse=shown(_unparse(node))), line=line,
                        hint=_("write numbers, strings, lists and tuples only; expressions are not evaluated")
                        ) from None


def _unparse(node: ast.AST) -> str:
    import ast

    try:
        return ast.unparse(node)
    except (RecursionError, ValueError):  # a very long expression
        return "this expression"


def _call_to_spec(node: ast.Call, line: int | None, source: str | None) -> LayerSpec:
    import ast

    dotted = _dotted(node.func)
    if dotted is None:
        raise SpecError(_("{unparse} is not a layer type name", unparse=shown(_unparse(node.func))), line=line)
    type_name = dotted.rsplit(".", 1)[-1]
    args = []
    for a in node.args:
        if isinstance(a, ast.Starred):
            raise SpecError(_("*args is not supported in a layer call"), line=line, hint=_("write the arguments out"))
        args.append(_literal(a, line))
    kwargs: dict[str, Any] = {}
    for kw in node.keywords:
        if kw.arg is None:
            raise SpecError(_("**kwargs is not supported in a layer call"), line=line,
                            hint=_("write the arguments out"))
        if kw.arg in kwargs:  # Python rejects the call: "keyword argument repeated"
            raise SpecError(_("keyword argument {arg} repeated", arg=shown(kw.arg)), line=line,
                            hint=_("give each argument once (Python rejects this call)"))
        kwargs[kw.arg] = _literal(kw.value, line)
    spec = LayerSpec(type=type_name, args=args, kwargs=kwargs, line=line, source=source)
    _pop_wiring(spec, kwargs, line)
    return spec


def _pop_wiring(spec: LayerSpec, kwargs: dict[str, Any], line: int | None) -> None:
    """Move ``name`` and ``trainable`` keyword arguments to the layer's wiring."""
    if "name" in kwargs:
        spec.name = _check_name(kwargs.pop("name"), line)
    if "trainable" in kwargs:
        value = kwargs.pop("trainable")
        if not isinstance(value, bool):
            raise SpecError(_("trainable must be true or false, got {value}", value=shown(value)), line=line)
        spec.trainable = value


@lru_cache(maxsize=2048)
def _parse_expression(text: str) -> ast.expr:
    """The syntax tree of one layer call, read only; remembered, as documents repeat their layers."""
    import ast
    import warnings

    with warnings.catch_warnings():  # no SyntaxWarning on stderr for text such as "3name"
        warnings.simplefilter("ignore")
        return ast.parse(text, mode="eval").body


def parse_call(text: str, line: int | None = None) -> LayerSpec:
    """``Conv2D(8, (3, 3), padding='same')`` -> LayerSpec, or a bare type name ``Flatten``.

    The usual calls are read by :func:`.syntax.read_call`; the others, errors included, with ``ast``.
    """
    stripped = text.strip()
    simple = read_call(stripped)
    if simple is not None:
        type_name, args, kwargs, called = simple
        if not called:
            return LayerSpec(type=type_name, line=line, source=stripped)
        spec = LayerSpec(type=type_name, args=args, kwargs=kwargs, line=line, source=stripped)
        _pop_wiring(spec, kwargs, line)
        return spec
    import ast

    try:
        body = _parse_expression(stripped)
    except SyntaxError as exc:
        reason = printable(exc.msg or "invalid syntax", 200)
        raise SpecError(_("cannot read {stripped} as a layer: {reason}", stripped=shown(stripped), reason=reason),
                        line=line,
                        hint=_("write a layer as Type, Type(args...) or a mapping {Type: {arg: value}}")) from None
    except (RecursionError, MemoryError, ValueError):  # thousands of operators or brackets, a NUL character
        raise SpecError(_("cannot read {stripped} as a layer: it is nested too deeply or too long",
                          stripped=shown(stripped)),
                        line=line, hint=_("write a layer as Type(args...) with literal arguments")) from None
    if isinstance(body, ast.Call):
        return _call_to_spec(body, line, stripped)
    dotted = _dotted(body)
    if dotted is not None:
        return LayerSpec(type=dotted.rsplit(".", 1)[-1], line=line, source=stripped)
    raise SpecError(_("cannot read {stripped} as a layer", stripped=shown(stripped)), line=line,
                    hint=_("write a layer as Type, Type(args...) or a mapping {Type: {arg: value}}"))


def name_hint(value: Any) -> str | None:
    """Why YAML gave something else than text where a name was written (``on`` is true in YAML 1.1)."""
    if isinstance(value, bool):
        return "YAML reads an unquoted yes, no, on, off, y, n, true or false as a boolean: quote the name ('on')"
    if value is None:
        return "YAML reads an unquoted ~ or null (or nothing) as null: quote the name ('~')"
    if isinstance(value, int | float):
        return "quote a name made of digits ('7')"
    return None


def _check_name(value: Any, line: int | None, what: str = "a layer name") -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(_("{what} must be a non-empty string, got {value}", what=what, value=shown(value)), line=line,
                        hint=name_hint(value))
    return value


def _names(value: Any, line: int | None, what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value:
        lines = value.item_lines if isinstance(value, LineList) else [line] * len(value)
        return [_check_name(v, at, f"each of {what}") for v, at in zip(value, lines, strict=True)]
    raise SpecError(_("{what} must be a layer name or a list of layer names, got {value}", what=what,
                      value=shown(value)), line=line,
                    hint=name_hint(value))


def parse_item(item: Any, line: int | None) -> LayerSpec:
    """One entry of ``layers:`` (a string or a one-type mapping) -> LayerSpec."""
    if isinstance(item, str):
        return parse_call(item, line)
    if isinstance(item, dict):
        if isinstance(item, LineDict) and item.line is not None:
            line = item.line
        type_keys = [k for k in item if k not in ITEM_KEYS and k not in MODULE_KEYS]
        if "reuse" in item:
            return _reuse_item(item, type_keys, line)
        if "module" in item:
            return _module_item(item, type_keys, line)
        if len(type_keys) != 1:
            if not type_keys:
                raise SpecError(_("this layer has no type"), line=line,
                                hint=_("add one key naming the layer type, e.g. Conv2D: {filters: 32}"))
            raise SpecError(
                _("a layer mapping needs exactly one layer-type key besides name, inputs and trainable; found "
                  "{type_keys}{value}", type_keys=', '.join(shown(k) for k in type_keys[:5]),
                  value=' ...' if len(type_keys) > 5 else
                          ''),
                line=_line_of(item, type_keys[1]) or line,
                hint=_("put each layer in its own list item (starting with '-')"))
        type_key = type_keys[0]
        if not isinstance(type_key, str):
            raise SpecError(_("layer type must be a name, got {type_key}", type_key=shown(type_key)), line=line,
                            hint=name_hint(type_key))
        value = item[type_key]
        spec = LayerSpec(type=type_key, line=line)
        if "(" in type_key:
            spec = parse_call(type_key, line)
            if value is not None:
                raise SpecError(_("{type_key} already has its arguments in parentheses", type_key=shown(type_key)),
                                line=line,
                                hint=_("remove the value after the colon or the parentheses"))
        elif value is None:
            pass
        elif isinstance(value, dict) and "layers" in value and _holds_layers(type_key, value):
            spec.network = parse_spec(value)  # a model used as a layer, or a PyTorch module with its forward()
        elif isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    raise SpecError(_("an argument name must be text, got {key}", key=shown(key)),
                                    line=_line_of(value, key) or line, hint=name_hint(key))
            kwargs = dict(value)
            if isinstance(value, LineDict):
                spec.arg_lines = dict(value.key_lines)
            _pop_wiring(spec, kwargs, line)
            spec.kwargs = kwargs
        elif isinstance(value, list):
            spec.args = list(value)
            if isinstance(value, LineList):
                spec.arg_lines = dict(enumerate(value.item_lines))
        else:
            spec.args = [value]
        for key in ("name", "trainable"):  # in the call (or its arguments) and as the item's key: which one?
            if key in item and getattr(spec, key) is not None:
                raise SpecError(_("{key} is given twice: in the layer's arguments and as the item's {key}:", key=key),
                                line=_line_of(item, key) or line, hint=_("keep one of the two {key}s", key=key))
        if "name" in item:
            spec.name = _check_name(item["name"], _line_of(item, "name") or line)
        if "inputs" in item:
            spec.inputs = _names(item["inputs"], _line_of(item, "inputs") or line, "inputs")
        if "trainable" in item:
            if not isinstance(item["trainable"], bool):
                raise SpecError(_("trainable must be true or false, got {item}", item=shown(item['trainable'])),
                                line=_line_of(item, "trainable") or line)
            spec.trainable = item["trainable"]
        _module_keys(spec, item, line)
        return spec
    raise SpecError(_("cannot read {item} as a layer", item=shown(item)), line=line,
                    hint=_("write a layer as Type, Type(args...) or a mapping {Type: {arg: value}}"))


def _holds_layers(type_key: str, value: dict[Any, Any]) -> bool:
    """Whether ``Type: {layers: ...}`` is a network held by the item (a model, a module's forward) rather than
    a layer's arguments: always for the model types, and for any type whose value is a whole spec."""
    return type_key in MODEL_TYPES or set(value) <= {"inputs", "input", "layers", "outputs", "name"}


def _module_keys(spec: LayerSpec, item: dict[Any, Any], line: int | None) -> None:
    """``parent``, ``call``, ``called`` and ``tied`` of an item (PyTorch's module tree, see engine/modules.py)."""
    if "parent" in item:
        spec.parent = _check_name(item["parent"], line)
    if "call" in item:
        call = item["call"]
        if isinstance(call, bool) or not isinstance(call, int) or call < 2:
            raise SpecError(_("call must be 2 or more (the first call is the item without call:), got {shown}",
                              shown=shown(call)),
                            line=line)
        if spec.name is None:
            raise SpecError(_("an item with call: is a further call of a named module and needs its name"), line=line,
                            hint=_("write name: the module's name, as its first call has it"))
        spec.call = call
    if "called" in item:
        if not isinstance(item["called"], bool):
            raise SpecError(_("called must be true or false, got {shown}", shown=shown(item['called'])), line=line)
        spec.called = item["called"]
        if not spec.called and spec.inputs:
            raise SpecError(_("a module that is not called takes no inputs"), line=line, hint=_("remove inputs:"))
    if "tied" in item:
        tied = item["tied"]
        if not isinstance(tied, dict) or not tied or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in tied.items()):
            raise SpecError(_("tied must map the module's tensor names to the tensors they are, got {shown}",
                              shown=shown(tied)),
                            line=line, hint=_("e.g. tied: {weight: encoder.weight}"))
        spec.tied = dict(tied)
    if "hidden" in item:
        if not isinstance(item["hidden"], bool):
            raise SpecError(_("hidden must be true or false, got {shown}", shown=shown(item['hidden'])), line=line)
        spec.hidden = item["hidden"]


def _module_item(item: dict[Any, Any], type_keys: list[Any], line: int | None) -> LayerSpec:
    """``{name: blocks, module: ModuleList}``: the row of a module that is not called itself; the rows that say
    ``parent: blocks`` hang under it and it counts their tensors."""
    if type_keys:
        raise SpecError(_("an item with module: is the row of a module holding other rows and has no layer type; "
                        "found {value}", value=', '.join(shown(k) for k in type_keys[:8])), line=line,
                        hint=_("write {name: blocks, module: ModuleList} and parent: blocks on the rows it holds"))
    for key in ("inputs", "call", "called", "tied", "trainable"):
        if key in item:
            raise SpecError(_("an item with module: has no {key}", key=key), line=line, hint=_("remove {key}:",
                                                                                               key=key))
    kind = item["module"]
    if not isinstance(kind, str) or not kind.strip():
        raise SpecError(_("module: must name the module's type, got {shown}", shown=shown(kind)), line=line)
    if "name" not in item:
        raise SpecError(_("an item with module: needs a name (the rows it holds say parent: with it)"), line=line)
    spec = LayerSpec(type=kind.strip(), line=line, holder=True, inputs=[])
    spec.name = _check_name(item["name"], line)
    _module_keys(spec, item, line)
    return spec


def _reuse_item(item: dict[Any, Any], type_keys: list[Any], line: int | None) -> LayerSpec:
    """``{reuse: dense, inputs: [b]}``: the layer ``dense`` called again (its weights are shared)."""
    if type_keys:
        raise SpecError(_("an item with reuse: calls an earlier layer again and has no type of its own; found "
                          "{type_keys}", type_keys=', '.join(shown(k) for k in type_keys[:8])), line=line,
                        hint=_("write {reuse: layer_name, inputs: [...]}, or make a new layer without reuse:"))
    if "trainable" in item:
        raise SpecError(_("trainable belongs to the reused layer's own item"), line=line)
    for key in MODULE_KEYS:
        if key in item and key != "parent":
            raise SpecError(_("an item with reuse: has no {key}", key=key), line=line, hint=_("remove {key}:", key=key))
    target = item["reuse"]
    if not isinstance(target, str) or not target.strip():
        raise SpecError(_("reuse: must name a layer, got {target}", target=shown(target)), line=line)
    spec = LayerSpec(type="", line=line, reuse=target)
    if "name" in item:
        spec.name = _check_name(item["name"], line)
    if "inputs" in item:
        spec.inputs = _names(item["inputs"], line, "inputs")
    if "parent" in item:
        spec.parent = _check_name(item["parent"], line)
    return spec


def _line_of(container: Any, key: Any) -> int | None:
    if isinstance(container, LineDict):
        return container.key_lines.get(key, container.line)
    return None


_PLAIN = (str, int, float, bool, type(None))


def check_plain(data: Any) -> None:
    """A spec given as Python data holds what YAML could: text, numbers, booleans, None, lists, tuples
    and mappings, within the bounds YAML text is read in (integer size, nesting, number of values)."""
    budget = MAX_SPEC_VALUES
    todo: list[tuple[Any, int]] = [(data, 0)]
    while todo:
        value, depth = todo.pop()
        budget -= 1
        if budget < 0:
            raise SpecError(_("the spec holds more than {MAX_SPEC_VALUES:,} values", MAX_SPEC_VALUES=MAX_SPEC_VALUES))
        if isinstance(value, dict | list | tuple):
            if depth >= MAX_DEPTH:
                raise SpecError(_("lists and mappings are nested more than {MAX_DEPTH} deep", MAX_DEPTH=MAX_DEPTH))
            items = [x for pair in value.items() for x in pair] if isinstance(value, dict) else value
            todo.extend((item, depth + 1) for item in items)
        elif not isinstance(value, _PLAIN):
            raise SpecError(_("a spec holds text, numbers, lists and mappings, got a {kind}",
                              kind=type(value).__name__),
                            hint=_("give the spec as YAML text or as plain Python data"))
        elif isinstance(value, int) and abs(value) > MAX_INT:
            raise SpecError(_("the integer {value} is too large", value=shown(value, 30)),
                            hint=_("sizes and counts must fit in 64 bits (at most {MAX_INT:,})", MAX_INT=MAX_INT))


def parse_spec(spec: str | dict[str, Any]) -> NetworkSpec:
    """A spec (YAML text or an already-loaded dict) -> NetworkSpec."""
    if isinstance(spec, str):
        data = load_yaml(spec)
    else:
        check_plain(spec)
        data = spec
    if data is None:
        raise SpecError(_("the spec is empty"), hint=_("write at least input: [...] and layers: [...]"))
    if isinstance(data, list):
        data = {"layers": data}
    if not isinstance(data, dict):
        raise SpecError(_("the spec must be a mapping with 'layers', got {kind}", kind=type(data).__name__), line=1,
                        hint=_("start with input: [28, 28, 1] and layers:"))
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise SpecError(_("unknown top-level key {key}", key=shown(key)), line=_line_of(data, key),
                            hint=(did_you_mean(key, TOP_LEVEL_KEYS) if isinstance(key, str) else name_hint(key) or _(
                                    "allowed: {TOP_LEVEL_KEYS}", TOP_LEVEL_KEYS=", ".join(TOP_LEVEL_KEYS))))
    if "input" in data and "inputs" in data:
        raise SpecError(_("give either 'input' or 'inputs', not both"), line=_line_of(data, "inputs"))

    net = NetworkSpec(layers=[])
    if "name" in data and data["name"] is not None:
        net.name = str(data["name"])
    if "framework" in data:
        if not isinstance(data["framework"], str):
            raise SpecError(_("framework must be a name, got {data}", data=shown(data['framework'])),
                            line=_line_of(data, "framework"))
        net.framework = data["framework"].strip().lower()
        if net.framework not in FRAMEWORK_MODULES:
            raise SpecError(_("unknown framework {data}", data=shown(data['framework'])), line=_line_of(data,
                    "framework"),
                            hint=(did_you_mean(net.framework, FRAMEWORK_MODULES) or _("use one of {FRAMEWORK_MODULES}",
                                                                                      FRAMEWORK_MODULES=
                                    ", ".join(repr(k) for k in FRAMEWORK_MODULES))))

    if "input" in data:
        net.inputs = [InputSpec(None, data["input"], _line_of(data, "input"))]
    elif "inputs" in data:
        raw = data["inputs"]
        line = _line_of(data, "inputs")
        if not isinstance(raw, dict) or not raw:
            raise SpecError(_("inputs must map names to shapes, e.g. inputs: {image: [224, 224, 3]}"), line=line)
        net.inputs = [InputSpec(_check_name(k, _line_of(raw, k) or line, "an input name"), v, _line_of(raw, k) or line)
                      for k, v in raw.items()]

    layers = data.get("layers")
    layers_line = _line_of(data, "layers")
    if layers is None:
        raise SpecError(_("the spec has no layers"), line=layers_line, hint=_("add layers: followed by a list"))
    if not isinstance(layers, list):
        raise SpecError(_("layers must be a list (each item starting with '-')"), line=layers_line)
    lines = layers.item_lines if isinstance(layers, LineList) else [None] * len(layers)
    names: dict[str, Any] = {}
    if data.get("blocks") is not None or any(isinstance(item, dict) and "repeat" in item for item in layers):
        from .blocks import expand_layers, read_blocks

        blocks = read_blocks(data.get("blocks"), _line_of(data, "blocks"))
        net.layers, net.blocks, names = expand_layers(layers, lines, blocks)
    else:
        for item, line in zip(layers, lines, strict=True):
            net.layers.append(parse_item(item, line))
    if not net.layers and not net.inputs:
        raise SpecError(_("the spec has no layers"), line=layers_line)

    if "outputs" in data and data["outputs"] is not None:
        net.outputs_line = _line_of(data, "outputs")
        net.outputs = _names(data["outputs"], net.outputs_line, "outputs")
        if names:  # a block instance's name stands for its output
            net.outputs = [names.get(o, o) for o in net.outputs]
    if data.get("assume") is not None:
        from .symbolic import read_assume

        net.assume_line = _line_of(data, "assume")
        net.assume = read_assume(data["assume"], net.assume_line)
    if "expect" in data:
        net.expect = data["expect"]
        net.expect_line = _line_of(data, "expect")
    return net
