"""Reading a network description: YAML (safe, with line numbers) and constructor calls (``ast``).

Nothing the author wrote is evaluated: YAML goes through a SafeLoader and a
string such as ``Conv2D(8, (3, 3), padding='same')`` is parsed with ``ast``
and only literal values are accepted.
"""

from __future__ import annotations

from functools import lru_cache

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
    arg_lines: dict[str | int, int] = field(default_factory=dict)

    def __repr__(self) -> str:
        """The layer as a call, as messages show it: ``LSTM(2, return_sequences=True)``."""
        if self.source is not None:
            return self.source
        parts = [shown(a) for a in self.args[:8]] + [f"{k}={shown(v)}" for k, v in list(self.kwargs.items())[:8]]
        return f"{self.type}({', '.join(parts)})"


@record
class InputSpec:
    """One network input: its name and its shape without the batch dimension."""

    name: str | None
    shape: Any
    line: int | None = None


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
                raise SpecError("**spreading in a dict is not supported in a layer call", line=line,
                                hint="write the keys and values out")
            key = _literal(k, line)
            if isinstance(key, list | dict | LayerSpec):
                raise SpecError(f"a dict key in a layer call must be a plain value, got {shown(key)}", line=line)
            out[key] = _literal(v, line)
        return out
    try:
        return _bounded(ast.literal_eval(node), line)
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        raise SpecError(f"argument {shown(_unparse(node))} is not a literal value", line=line,
                        hint="write numbers, strings, lists and tuples only; expressions are not evaluated") from None


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
        raise SpecError(f"{shown(_unparse(node.func))} is not a layer type name", line=line)
    type_name = dotted.rsplit(".", 1)[-1]
    args = []
    for a in node.args:
        if isinstance(a, ast.Starred):
            raise SpecError("*args is not supported in a layer call", line=line, hint="write the arguments out")
        args.append(_literal(a, line))
    kwargs: dict[str, Any] = {}
    for kw in node.keywords:
        if kw.arg is None:
            raise SpecError("**kwargs is not supported in a layer call", line=line, hint="write the arguments out")
        if kw.arg in kwargs:  # Python rejects the call: "keyword argument repeated"
            raise SpecError(f"keyword argument {shown(kw.arg)} repeated", line=line,
                            hint="give each argument once (Python rejects this call)")
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
            raise SpecError(f"trainable must be true or false, got {shown(value)}", line=line)
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
        raise SpecError(f"cannot read {shown(stripped)} as a layer: {reason}", line=line,
                        hint="write a layer as Type, Type(args...) or a mapping {Type: {arg: value}}") from None
    except (RecursionError, MemoryError, ValueError):  # thousands of operators or brackets, a NUL character
        raise SpecError(f"cannot read {shown(stripped)} as a layer: it is nested too deeply or too long",
                        line=line, hint="write a layer as Type(args...) with literal arguments") from None
    if isinstance(body, ast.Call):
        return _call_to_spec(body, line, stripped)
    dotted = _dotted(body)
    if dotted is not None:
        return LayerSpec(type=dotted.rsplit(".", 1)[-1], line=line, source=stripped)
    raise SpecError(f"cannot read {shown(stripped)} as a layer", line=line,
                    hint="write a layer as Type, Type(args...) or a mapping {Type: {arg: value}}")


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
        raise SpecError(f"{what} must be a non-empty string, got {shown(value)}", line=line, hint=name_hint(value))
    return value


def _names(value: Any, line: int | None, what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value:
        lines = value.item_lines if isinstance(value, LineList) else [line] * len(value)
        return [_check_name(v, at, f"each of {what}") for v, at in zip(value, lines, strict=True)]
    raise SpecError(f"{what} must be a layer name or a list of layer names, got {shown(value)}", line=line,
                    hint=name_hint(value))


def parse_item(item: Any, line: int | None) -> LayerSpec:
    """One entry of ``layers:`` (a string or a one-type mapping) -> LayerSpec."""
    if isinstance(item, str):
        return parse_call(item, line)
    if isinstance(item, dict):
        if isinstance(item, LineDict) and item.line is not None:
            line = item.line
        type_keys = [k for k in item if k not in ITEM_KEYS]
        if "reuse" in item:
            return _reuse_item(item, type_keys, line)
        if len(type_keys) != 1:
            if not type_keys:
                raise SpecError("this layer has no type", line=line,
                                hint="add one key naming the layer type, e.g. Conv2D: {filters: 32}")
            raise SpecError(
                "a layer mapping needs exactly one layer-type key besides name, inputs and trainable; "
                f"found {', '.join(shown(k) for k in type_keys[:5])}{' ...' if len(type_keys) > 5 else ''}",
                line=_line_of(item, type_keys[1]) or line,
                hint="put each layer in its own list item (starting with '-')")
        type_key = type_keys[0]
        if not isinstance(type_key, str):
            raise SpecError(f"layer type must be a name, got {shown(type_key)}", line=line, hint=name_hint(type_key))
        value = item[type_key]
        spec = LayerSpec(type=type_key, line=line)
        if "(" in type_key:
            spec = parse_call(type_key, line)
            if value is not None:
                raise SpecError(f"{shown(type_key)} already has its arguments in parentheses", line=line,
                                hint="remove the value after the colon or the parentheses")
        elif value is None:
            pass
        elif isinstance(value, dict) and type_key in MODEL_TYPES and "layers" in value:
            spec.network = parse_spec(value)  # a model used as a layer
        elif isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    raise SpecError(f"an argument name must be text, got {shown(key)}",
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
                raise SpecError(f"{key} is given twice: in the layer's arguments and as the item's {key}:",
                                line=_line_of(item, key) or line, hint=f"keep one of the two {key}s")
        if "name" in item:
            spec.name = _check_name(item["name"], _line_of(item, "name") or line)
        if "inputs" in item:
            spec.inputs = _names(item["inputs"], _line_of(item, "inputs") or line, "inputs")
        if "trainable" in item:
            if not isinstance(item["trainable"], bool):
                raise SpecError(f"trainable must be true or false, got {shown(item['trainable'])}",
                                line=_line_of(item, "trainable") or line)
            spec.trainable = item["trainable"]
        return spec
    raise SpecError(f"cannot read {shown(item)} as a layer", line=line,
                    hint="write a layer as Type, Type(args...) or a mapping {Type: {arg: value}}")


def _reuse_item(item: dict[Any, Any], type_keys: list[Any], line: int | None) -> LayerSpec:
    """``{reuse: dense, inputs: [b]}``: the layer ``dense`` called again (its weights are shared)."""
    if type_keys:
        raise SpecError(f"an item with reuse: calls an earlier layer again and has no type of its own; found "
                        f"{', '.join(repr(k) for k in type_keys)}", line=line,
                        hint="write {reuse: layer_name, inputs: [...]}, or make a new layer without reuse:")
    if "trainable" in item:
        raise SpecError("trainable belongs to the reused layer's own item", line=line)
    target = item["reuse"]
    if not isinstance(target, str) or not target.strip():
        raise SpecError(f"reuse: must name a layer, got {target!r}", line=line)
    spec = LayerSpec(type="", line=line, reuse=target)
    if "name" in item:
        spec.name = _check_name(item["name"], line)
    if "inputs" in item:
        spec.inputs = _names(item["inputs"], line, "inputs")
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
            raise SpecError(f"the spec holds more than {MAX_SPEC_VALUES:,} values")
        if isinstance(value, dict | list | tuple):
            if depth >= MAX_DEPTH:
                raise SpecError(f"lists and mappings are nested more than {MAX_DEPTH} deep")
            items = [x for pair in value.items() for x in pair] if isinstance(value, dict) else value
            todo.extend((item, depth + 1) for item in items)
        elif not isinstance(value, _PLAIN):
            raise SpecError(f"a spec holds text, numbers, lists and mappings, got a {type(value).__name__}",
                            hint="give the spec as YAML text or as plain Python data")
        elif isinstance(value, int) and abs(value) > MAX_INT:
            raise SpecError(f"the integer {shown(value, 30)} is too large",
                            hint=f"sizes and counts must fit in 64 bits (at most {MAX_INT:,})")


def parse_spec(spec: str | dict[str, Any]) -> NetworkSpec:
    """A spec (YAML text or an already-loaded dict) -> NetworkSpec."""
    if isinstance(spec, str):
        data = load_yaml(spec)
    else:
        check_plain(spec)
        data = spec
    if data is None:
        raise SpecError("the spec is empty", hint="write at least input: [...] and layers: [...]")
    if isinstance(data, list):
        data = {"layers": data}
    if not isinstance(data, dict):
        raise SpecError(f"the spec must be a mapping with 'layers', got {type(data).__name__}", line=1,
                        hint="start with input: [28, 28, 1] and layers:")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise SpecError(f"unknown top-level key {shown(key)}", line=_line_of(data, key),
                            hint=(did_you_mean(key, TOP_LEVEL_KEYS) if isinstance(key, str) else name_hint(key))
                            or "allowed: " + ", ".join(TOP_LEVEL_KEYS))
    if "input" in data and "inputs" in data:
        raise SpecError("give either 'input' or 'inputs', not both", line=_line_of(data, "inputs"))

    net = NetworkSpec(layers=[])
    if "name" in data and data["name"] is not None:
        net.name = str(data["name"])
    if "framework" in data:
        if not isinstance(data["framework"], str):
            raise SpecError(f"framework must be a name, got {shown(data['framework'])}",
                            line=_line_of(data, "framework"))
        net.framework = data["framework"].strip().lower()
        if net.framework not in FRAMEWORK_MODULES:
            raise SpecError(f"unknown framework {shown(data['framework'])}", line=_line_of(data, "framework"),
                            hint=did_you_mean(net.framework, FRAMEWORK_MODULES) or
                            "use one of " + ", ".join(repr(k) for k in FRAMEWORK_MODULES))

    if "input" in data:
        net.inputs = [InputSpec(None, data["input"], _line_of(data, "input"))]
    elif "inputs" in data:
        raw = data["inputs"]
        line = _line_of(data, "inputs")
        if not isinstance(raw, dict) or not raw:
            raise SpecError("inputs must map names to shapes, e.g. inputs: {image: [224, 224, 3]}", line=line)
        net.inputs = [InputSpec(_check_name(k, _line_of(raw, k) or line, "an input name"), v, _line_of(raw, k) or line)
                      for k, v in raw.items()]

    layers = data.get("layers")
    layers_line = _line_of(data, "layers")
    if layers is None:
        raise SpecError("the spec has no layers", line=layers_line, hint="add layers: followed by a list")
    if not isinstance(layers, list):
        raise SpecError("layers must be a list (each item starting with '-')", line=layers_line)
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
        raise SpecError("the spec has no layers", line=layers_line)

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
