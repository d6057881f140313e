"""Compact specs: reusable ``blocks:`` with parameters, nesting and ``repeat:``, expanded to plain layers.

```yaml
blocks:
  conv_bn:                                  # a block with parameters and their defaults
    params: {filters: 64, kernel: 3, stride: 1}
    layers:
      - Conv2D($filters, $kernel, strides=$stride, padding="same", use_bias=False, name="conv")
      - BatchNormalization(name="bn")
      - ReLU(name="relu")
  residual:
    params: [filters]                       # a list: names without a default are required
    layers:
      - conv_bn: {filters: $filters}
        name: a
      - conv_bn: {filters: $filters}
        name: b
      - name: add
        Add: {}
        inputs: [block_input, b]            # block-local names
layers:
  - conv_bn: {filters: 16}
  - residual: {filters: 16}
    name: res{i}
    repeat: 3                               # res1, res2, res3
```

The result is the plain layer list the rest of the engine reads (:class:`~.spec.LayerSpec`),
each layer keeping the line it was written on and recording the block instance it belongs
to; :class:`~.summary.BlockInstance` describes every instance.  Everything here is bounded:
nesting depth, repetitions, the number of layers produced and the size of ``${...}``
expressions.
"""

from __future__ import annotations

import re

from ..i18n import _
from .errors import SpecError, did_you_mean, shown
from .records import field, record
from .spec import ITEM_KEYS, LayerRef, LayerSpec, LineDict, LineList, parse_item
from .summary import BlockInstance
from .syntax import Node, read_expression

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: the name a block's layers use for its input when the block declares none
DEFAULT_INPUT = "block_input"
#: the parameter every instance has besides its own: its copy number under repeat: (1 without)
COPY_PARAM = "copy"
BLOCK_KEYS = ("params", "inputs", "output", "prefix", "layers", "description")
#: keys of an item besides the layer or block type (``repeat`` on any item)
COMPACT_ITEM_KEYS = (*ITEM_KEYS, "repeat")
MAX_DEPTH = 16
MAX_REPEAT = 100_000
MAX_LAYERS = 200_000
MAX_EXPRESSION = 200
_REQUIRED = object()

_PARAM = re.compile(r"\$(?:\{([^{}]*)\}|([A-Za-z_]\w*))")
_NAME = re.compile(r"[A-Za-z_][\w.-]*\Z")
_COUNTER = re.compile(r"\{([ia])(?:\s*([+-])\s*([0-9]+))?\}")


@record
class BlockDef:
    """One entry of ``blocks:``."""

    name: str
    params: list[tuple[str, Any]]
    inputs: list[str]
    output: str | None
    items: list[Any]
    item_lines: list[int | None]
    line: int | None
    prefix: bool = True  # layer names start with the instance's name (False: as written, e.g. features_0)


@record
class _Scope:
    """The names one list of items can refer to: the top level, or the inside of one block instance."""

    instance: BlockInstance | None  # None at the top level
    block: BlockDef | None
    params: dict[str, Any]
    names: dict[str, LayerRef | str] = field(default_factory=dict)  # local name -> reference
    counters: dict[str, int] = field(default_factory=dict)  # automatic instance names
    layer_names: set[str] = field(default_factory=set)  # top level: the names of its layers

    def context(self) -> str | None:
        if self.instance is None:
            return None
        return self.instance.describe()


class Expander:
    """Turns compact items into LayerSpecs; see the module docstring."""

    def __init__(self, blocks: dict[str, BlockDef]) -> None:
        self.blocks = blocks
        self.layers: list[LayerSpec] = []
        self.instances: list[BlockInstance] = []
        self.runs = 0

    # the items of one scope ------------------------------------------------------------
    def expand(self, items: list[Any], lines: list[int | None], scope: _Scope, first_input: LayerRef | str | None,
               depth: int) -> LayerRef | str | None:
        """Expand ``items`` in ``scope``; returns the reference to the last item's output."""
        previous = first_input
        pending: list[tuple[LayerSpec, list[str], int | None]] = []
        for item, line in zip(items, lines, strict=True):
            if isinstance(item, LineDict) and item.line is not None:
                line = item.line
            item = self._substitute(item, scope, line)
            if isinstance(item, dict) and isinstance(item.get("name"), int) and not isinstance(item["name"], bool):
                item = _with(item, name=str(item["name"]))  # name: $index
            times, item = self._repeat(item, scope, line)
            name_pattern = item.get("name") if isinstance(item, dict) else None
            block = self._block_of(item)
            run = None
            if block is not None and times > 1:
                self.runs += 1
                run = self.runs
            for k in range(1, times + 1):
                if isinstance(item, dict) and name_pattern is not None:
                    item = _with(item, name=_copy_name(name_pattern, k, times, line, scope))
                if block is not None:
                    previous = self._instance(block, item, line, scope, previous if k > 1 else None,
                                              previous, depth, run, k, times)
                else:
                    previous = self._layer(item, line, scope, previous, k, pending)
        for spec, raw, line in pending:
            spec.inputs = [self._resolve(name, scope, line) for name in raw]  # type: ignore[misc]
        return previous

    def _layer(self, item: Any, line: int | None, scope: _Scope, previous: LayerRef | str | None, k: int,
               pending: list[tuple[LayerSpec, list[str], int | None]]) -> LayerRef:
        if len(self.layers) >= MAX_LAYERS:
            raise SpecError(_("the network expands to more than {MAX_LAYERS:,} layers", MAX_LAYERS=MAX_LAYERS),
                            line=line,
                            hint=_("use fewer repetitions"))
        try:
            spec = parse_item(item, line)
        except SpecError as exc:
            raise _in(exc, scope) from None
        if scope.instance is not None:
            spec.block = scope.instance.name
            if spec.type in ("InputLayer", "Input"):
                raise _in(SpecError(_("a block cannot contain an input layer"), line=spec.line,
                                    hint=_("declare inputs at the top of the spec; a block takes its input through "
                                           "{DEFAULT_INPUT} or its own inputs: names", DEFAULT_INPUT=DEFAULT_INPUT)),
                          scope)
            if spec.trainable is None and scope.instance.trainable is False:
                spec.trainable = False
        local = spec.name
        index = len(self.layers)
        ref = LayerRef(index)
        if local is not None and scope.instance is not None:
            if scope.block is None or scope.block.prefix:
                spec.name = f"{scope.instance.name}_{local}"
            self._declare(scope, local, ref, spec.line)
        elif local is not None:  # top-level layer names are checked when wiring; only a block may not share one
            if local in scope.names:
                raise SpecError(_("the name {local} is already the name of a block instance", local=shown(local)),
                                line=spec.line,
                                hint=_("give each layer and block its own name"))
            scope.layer_names.add(local)
        if spec.inputs is not None and k == 1:
            pending.append((spec, spec.inputs, spec.line))
        elif previous is None or (isinstance(previous, LayerRef) and not previous.suffix and (
                previous.index == index - 1 or (previous.index is None and index == 0))):  # compared field by field
            spec.inputs = None  # the layer before it, as in a plain list
        else:
            spec.inputs = [previous]  # type: ignore[list-item]
        self.layers.append(spec)
        return ref

    # block instances -----------------------------------------------------------------
    def _instance(self, block: BlockDef, item: dict[str, Any], line: int | None, scope: _Scope,
                  chained: LayerRef | str | None, previous: LayerRef | str | None, depth: int, run: int | None,
                  copy: int, copies: int) -> LayerRef | str:
        if depth >= MAX_DEPTH:
            raise _in(SpecError(_("blocks are nested more than {MAX_DEPTH} deep (does block {name} use itself?)",
                                  MAX_DEPTH=MAX_DEPTH, name=shown(block.name)), line=line, hint=_(
                    "a block cannot contain itself")), scope)
        value = item[block.name]
        local = item.get("name")
        if local is None:
            n = scope.counters.get(block.name, 0)
            scope.counters[block.name] = n + 1
            local = block.name if n == 0 else f"{block.name}_{n}"
        elif not isinstance(local, str) or not local.strip():
            raise _in(SpecError(_("a block instance name must be a non-empty string, got {local}", local=shown(local)),
                                line=line),
                      scope)
        full = f"{scope.instance.name}_{local}" if scope.instance is not None else local
        parent = scope.instance
        trainable = item.get("trainable")
        if trainable is not None and not isinstance(trainable, bool):
            raise _in(SpecError(_("trainable must be true or false, got {trainable}", trainable=shown(trainable)),
                                line=line), scope)
        if trainable is None and parent is not None:
            trainable = parent.trainable
        instance = BlockInstance(name=full, block=block.name, parent=parent.name if parent else None, line=line,
                                 run=run, copy=copy, copies=copies, trainable=trainable)
        params = self._bind(block, value, line, scope, instance)
        instance.args = dict(params)
        params.setdefault(COPY_PARAM, copy)  # which copy of a repeat: this instance is (1, 2 ...)
        # the instance's inputs: its own inputs: names, or the item before it
        if chained is not None:
            sources: list[LayerRef | str] = [chained]
            raw = item.get("inputs")
            if isinstance(raw, list) and len(raw) > 1:
                sources += [self._resolve(n, scope, line) for n in raw[1:]]
        elif "inputs" in item:
            raw = item["inputs"]
            names = [raw] if isinstance(raw, str) else raw
            if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
                raise _in(SpecError(_("inputs must be a layer name or a list of layer names, got {raw}",
                                      raw=shown(raw)),
                                    line=line),
                          scope)
            sources = [self._resolve(n, scope, line) for n in names]
        else:
            if previous is None and scope.instance is not None:
                raise _in(SpecError(_("this block has no input"), line=line), scope)
            sources = [previous] if previous is not None else [LayerRef(None)]
        if len(sources) != len(block.inputs):
            raise _in(SpecError(_("block {name} takes {inputs} input{value} ({inputs2}), got {sources}",
                                  name=shown(block.name), inputs=len(block.inputs), value=
                    's' if len(block.inputs) != 1 else '', inputs2=', '.join(block.inputs), sources=len(sources)),
                                line=line,
                                hint=_("set inputs: [...] on the item that uses the block")), scope)
        self.instances.append(instance)
        inner = _Scope(instance, block, params)
        for name, src in zip(block.inputs, sources, strict=True):
            inner.names[name] = src
        start = len(self.layers)
        last = self.expand(block.items, block.item_lines, inner, sources[0], depth + 1)
        if len(self.layers) == start:
            raise _in(SpecError(_("block {name} has no layers", name=shown(block.name)), line=block.line), scope)
        out: LayerRef | str | None = last
        if block.output is not None:
            out = self._resolve(block.output, inner, block.line)
        self._declare(scope, local, out, line)  # type: ignore[arg-type]
        instance.output_ref = out
        return out  # type: ignore[return-value]

    def _bind(self, block: BlockDef, value: Any, line: int | None, scope: _Scope,
              instance: BlockInstance) -> dict[str, Any]:
        """The instance's parameter values: given ones over defaults; unknown or missing ones are errors."""
        given: dict[str, Any]
        names = [n for n, _ in block.params]
        if value is None:
            given = {}
        elif isinstance(value, dict):
            given = {str(k): v for k, v in value.items()}
        elif isinstance(value, list):
            if len(value) > len(names):
                raise SpecError(_("block {name} takes {names} parameters ({names2}), got {value}",
                                  name=shown(block.name), names=len(names), names2=
                        ', '.join(names), value=len(value)), line=line, hint=_("give parameters by name"))
            given = dict(zip(names, value, strict=False))
        else:
            if not names:
                raise SpecError(_("block {name} has no parameters", name=shown(block.name)), line=line)
            given = {names[0]: value}
        for key in given:
            if key not in names:
                raise _in(SpecError(_("block {name} has no parameter {key}", name=shown(block.name), key=shown(key)),
                                    line=line,
                                    hint=(did_you_mean(key, names) or (_("its parameters: {names}",
                                                                         names=", ".join(names)) if names else _(
                                            "it takes none")))), scope)
        params: dict[str, Any] = {}
        for name, default in block.params:
            if name in given:
                params[name] = given[name]
            elif default is _REQUIRED:
                raise _in(SpecError(_("block {name} needs the parameter {name2}", name=shown(block.name),
                                      name2=shown(name)), line=line,
                                    hint=_("write {name}: {{{name2}: ...}}", name=block.name, name2=name)), scope)
            else:  # a default may use the parameters before it: out: ${filters * 4}
                params[name] = _substitute_value(default, _Scope(instance, block, params), block.line)
        return params

    # names ---------------------------------------------------------------------------
    def _declare(self, scope: _Scope, local: str, ref: LayerRef | str, line: int | None) -> None:
        if scope.instance is None:
            if local in scope.names or local in scope.layer_names:
                raise SpecError(_("the name {local} is used twice", local=shown(local)), line=line,
                                hint=_("give each layer and block its own name"))
            scope.names[local] = ref
            return
        if local in scope.names:
            what = _("an input of the block") if local in (scope.block.inputs if scope.block else ()) else _(
                    "used twice")
            raise _in(SpecError(_("the name {local} is {what}", local=shown(local), what=what), line=line,
                                hint=_("give each layer of a block its own name")), scope)
        scope.names[local] = ref

    def _resolve(self, name: Any, scope: _Scope, line: int | None) -> LayerRef | str:
        """A name as written in ``inputs:`` (``bn3``, ``lstm[1]``) -> a reference."""
        if not isinstance(name, str):
            raise _in(SpecError(_("inputs must be layer names, got {name}", name=shown(name)), line=line), scope)
        base, suffix = name, ""
        m = re.fullmatch(r"(.+)(\[-?[0-9]+\])", name)
        if m and m.group(1) in scope.names:
            base, suffix = m.group(1), m.group(2)
        ref = scope.names.get(base)
        if ref is None:
            if scope.instance is None:
                return name  # a layer named at the top level, or a network input: checked when wiring
            known = list(scope.names)
            raise _in(SpecError(_("unknown name {name} inside the block", name=shown(name)), line=line,
                                hint=(did_you_mean(name, known) or _("a block's layers see only its own names and its "
                                                                     "inputs: {known}", known=", ".join(known)))),
                      scope)
        if not suffix:
            return ref
        if isinstance(ref, LayerRef):
            return LayerRef(ref.index, ref.suffix + suffix)
        return ref + suffix

    # items -----------------------------------------------------------------------------
    def _block_of(self, item: Any) -> BlockDef | None:
        if not isinstance(item, dict) or not self.blocks:
            return None
        types = [k for k in item if k not in COMPACT_ITEM_KEYS]
        if len(types) == 1 and types[0] in self.blocks:
            return self.blocks[types[0]]
        return None

    def _repeat(self, item: Any, scope: _Scope, line: int | None) -> tuple[int, Any]:
        if not isinstance(item, dict) or "repeat" not in item:
            return 1, item
        times = item["repeat"]
        if isinstance(times, bool) or not isinstance(times, int) or not 0 <= times <= MAX_REPEAT:
            raise _in(SpecError(_("repeat must be a whole number from 0 to {MAX_REPEAT:,}, got {times}",
                                  MAX_REPEAT=MAX_REPEAT, times=shown(times)),
                                line=_key_line(item, "repeat", line)), scope)
        rest = LineDict((k, v) for k, v in item.items() if k != "repeat")
        rest.line = getattr(item, "line", line)
        rest.key_lines = getattr(item, "key_lines", {})
        return times, rest

    def _substitute(self, item: Any, scope: _Scope, line: int | None) -> Any:
        if scope.instance is None:
            return item
        return _substitute_value(item, scope, line)


# parameters: $name and ${expression} -------------------------------------------------------


def _substitute_value(value: Any, scope: _Scope, line: int | None) -> Any:
    """``$filters`` (the value itself), ``${filters * 4}`` and text containing them, at any depth."""
    if isinstance(value, str):
        if "$" not in value:
            return value
        whole = _PARAM.fullmatch(value.strip())
        if whole:
            return _param_value(whole, scope, line)
        return _PARAM.sub(lambda m: _as_text(_param_value(m, scope, line), value, m), value)
    if isinstance(value, dict):
        out = LineDict()
        out.line = getattr(value, "line", None)
        out.key_lines = dict(getattr(value, "key_lines", {}))
        for k, v in value.items():
            key_line = out.key_lines.get(k, out.line or line)
            key = _substitute_value(k, scope, key_line) if isinstance(k, str) and "$" in k else k
            out[key] = _substitute_value(v, scope, key_line)
            if key != k and k in out.key_lines:
                out.key_lines[key] = out.key_lines.pop(k)
        return out
    if isinstance(value, list):
        lst = LineList(_substitute_value(v, scope, line) for v in value)
        lst.line = getattr(value, "line", None)
        lst.item_lines = list(getattr(value, "item_lines", [line] * len(value)))
        return lst
    return value


def _as_text(value: Any, text: str, m: re.Match[str]) -> str:
    """A value inside a longer text: as a Python literal in a call (``Conv2D($f, 3)``), plain elsewhere."""
    if isinstance(value, str) and "(" not in text:
        return value
    if isinstance(value, LineList | LineDict):
        value = list(value) if isinstance(value, list) else dict(value)
    return repr(value)


def _param_value(m: re.Match[str], scope: _Scope, line: int | None) -> Any:
    expression, name = m.group(1), m.group(2)
    if name is not None:
        if name not in scope.params:
            raise _in(SpecError(_("unknown parameter ${name}", name=name), line=line,
                                hint=did_you_mean(name, scope.params) or _params_hint(scope)), scope)
        return scope.params[name]
    return _evaluate(expression, scope, line)


def _params_hint(scope: _Scope) -> str:
    names = list(scope.params)
    return (_("the block's parameters: {value}", value=", ".join("$" + n for n in names))) if names else \
        _("the block has no parameters; declare them with params:")


_OPERATORS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
              "//": lambda a, b: a // b, "%": lambda a, b: a % b}
_LIMIT = 2 ** 62


def _evaluate(text: str, scope: _Scope, line: int | None) -> int:
    """``${filters * 4}``: whole numbers and parameters with + − * // % and parentheses, nothing else."""
    def fail(why: str) -> SpecError:
        return _in(SpecError(_("cannot compute ${{{text}}}: {why}", text=text, why=why), line=line,
                             hint=_("write whole numbers and $-less parameter names with + - * // % and parentheses, "
                                    "e.g. ${filters * 4}")), scope)

    if len(text) > MAX_EXPRESSION:
        raise fail(_("longer than {MAX_EXPRESSION} characters", MAX_EXPRESSION=MAX_EXPRESSION))
    tree = read_expression(text)
    if tree is None:
        tree = _syntax_tree(text, fail)

    def value(node: Node) -> int:
        kind = node[0]
        if kind == "int":
            result = node[1]
        elif kind == "name":
            name = node[1]
            if name not in scope.params:
                raise _in(SpecError(_("unknown parameter {id} in ${{{text}}}", id=shown(name), text=text),
                                    line=line,
                                    hint=did_you_mean(name, scope.params) or _params_hint(scope)), scope)
            result = scope.params[name]
            if isinstance(result, bool) or not isinstance(result, int):
                raise fail(_("{id} is {result}, not a whole number", id=name, result=shown(result)))
        elif kind in _OPERATORS:
            left, right = value(node[1]), value(node[2])
            if kind in ("//", "%") and right == 0:
                raise fail(_("division by zero"))
            result = _OPERATORS[kind](left, right)
        elif kind in ("neg", "pos"):
            result = value(node[1]) * (-1 if kind == "neg" else 1)
        else:
            raise fail(_("{unparse} is not allowed", unparse=shown(node[1])))
        if abs(result) > _LIMIT:
            raise fail(_("the number is too large"))
        return result

    return value(tree)


def _syntax_tree(text: str, fail: Callable[[str], SpecError]) -> Node:
    """The expression read by ``ast`` (what :func:`read_expression` leaves to it), as the same tree;
    what is not allowed becomes a ``("bad", text)`` node, reported when the evaluation reaches it."""
    import ast

    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise fail(_("not an expression")) from None
    operators = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Mod: "%"}

    def convert(node: ast.AST) -> Node:
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            return ("int", node.value)
        if isinstance(node, ast.Name):
            return ("name", node.id)
        if isinstance(node, ast.BinOp) and type(node.op) in operators:
            return (operators[type(node.op)], convert(node.left), convert(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return ("neg" if isinstance(node.op, ast.USub) else "pos", convert(node.operand))
        return ("bad", ast.unparse(node))

    return convert(tree)


# names of copies ---------------------------------------------------------------------------


def _copy_name(pattern: Any, k: int, times: int, line: int | None, scope: _Scope) -> Any:
    """The name of copy ``k`` of an item repeated ``times`` times.

    ``{i}`` is the copy's number from 1 (``{i+1}`` from 2, ``{i-1}`` from 0), ``{a}`` its letter
    (``a``, ``b`` ...);
    a name without either keeps its name for the first copy and gets ``_1``, ``_2`` ... for the
    next ones, as Keras names layers of the same type.
    """
    if not isinstance(pattern, str):
        return pattern
    if _COUNTER.search(pattern):
        def counter(m: re.Match[str]) -> str:
            n = k + (-1 if m.group(2) == "-" else 1) * int(m.group(3) or 0)
            if m.group(1) == "i":
                return str(n)
            if not 1 <= n <= 26:
                raise _in(SpecError(_("{{a}} counts letters a to z, but this is copy {n}", n=n), line=line,
                                    hint=_("use {i} for more than 26 copies")), scope)
            return chr(ord("a") + n - 1)

        return _COUNTER.sub(counter, pattern)
    return pattern if k == 1 else f"{pattern}_{k - 1}"


def _with(item: dict[str, Any], **changes: Any) -> LineDict:
    out = LineDict(item)
    out.update(changes)
    out.line = getattr(item, "line", None)
    out.key_lines = getattr(item, "key_lines", {})
    return out


def _key_line(item: Any, key: str, default: int | None) -> int | None:
    return getattr(item, "key_lines", {}).get(key, default)


def _in(exc: SpecError, scope: _Scope) -> SpecError:
    """Name the block instance an error comes from."""
    context = scope.context()
    if context is not None and exc.block is None:
        exc.block = context
        exc.args = (exc.describe(),)
    return exc


# reading blocks: ---------------------------------------------------------------------------


def read_blocks(raw: Any, line: int | None) -> dict[str, BlockDef]:
    """The ``blocks:`` mapping -> BlockDefs (checked: names, parameters, inputs, layers)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SpecError(_("blocks must map block names to definitions"), line=line,
                        hint=_("blocks: {name: {params: {...}, layers: [...]}}"))
    out: dict[str, BlockDef] = {}
    for name, body in raw.items():
        bline = getattr(raw, "key_lines", {}).get(name, line)
        if not isinstance(name, str) or not _NAME.match(name):
            raise SpecError(_("a block name must be a name such as bottleneck, got {name}", name=shown(name)),
                            line=bline)
        if isinstance(body, list):
            body = LineDict(layers=body)
            body.line, body.key_lines = bline, {"layers": bline}
        if not isinstance(body, dict):
            raise SpecError(_("block {name} must be a mapping with layers: (or a list of layers)", name=shown(name)),
                            line=bline)
        for key in body:
            if key not in BLOCK_KEYS:
                raise SpecError(_("unknown key {key} in block {name}", key=shown(key), name=shown(name)),
                                line=_key_line(body, key, bline),
                                hint=(did_you_mean(str(key), BLOCK_KEYS) or _("allowed: {BLOCK_KEYS}",
                                                                              BLOCK_KEYS=", ".join(BLOCK_KEYS))))
        layers = body.get("layers")
        if not isinstance(layers, list) or not layers:
            raise SpecError(_("block {name} has no layers", name=shown(name)), line=_key_line(body, "layers", bline),
                            hint=_("add layers: followed by a list"))
        inputs = body.get("inputs", [DEFAULT_INPUT])
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not inputs or not all(isinstance(i, str) for i in inputs) \
                or len(set(inputs)) != len(inputs):
            raise SpecError(_("inputs of block {name} must be a list of different names, got {inputs}",
                              name=shown(name), inputs=shown(inputs)),
                            line=_key_line(body, "inputs", bline))
        prefix = body.get("prefix", True)
        if not isinstance(prefix, bool):
            raise SpecError(_("prefix of block {name} must be true or false, got {prefix}", name=shown(name),
                              prefix=shown(prefix)),
                            line=_key_line(body, "prefix", bline))
        output = body.get("output")
        if output is not None and not isinstance(output, str):
            raise SpecError(_("output of block {name} must be a layer name, got {output}", name=shown(name),
                              output=shown(output)),
                            line=_key_line(body, "output", bline))
        out[name] = BlockDef(name, _read_params(body.get("params"), name, _key_line(body, "params", bline)),
                             list(inputs), output, list(layers),
                             list(getattr(layers, "item_lines", [bline] * len(layers))), bline, prefix)
    return out


def _read_params(raw: Any, block: str, line: int | None) -> list[tuple[str, Any]]:
    """``{filters: 64}`` (defaults) or ``[filters, {stride: 1}]`` (bare names are required)."""
    if raw is None:
        return []
    pairs: list[tuple[Any, Any]] = []
    if isinstance(raw, dict):
        pairs = list(raw.items())
    elif isinstance(raw, list):
        for entry in raw:
            if isinstance(entry, dict):
                pairs.extend(entry.items())
            else:
                pairs.append((entry, _REQUIRED))
    else:
        raise SpecError(_("params of block {block} must map names to defaults, or list names", block=shown(block)),
                        line=line,
                        hint=_("params: {filters: 64, stride: 1} or params: [filters, {stride: 1}]"))
    seen: set[str] = set()
    for name, _ignored in pairs:
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_]\w*", name) or name in seen:
            raise SpecError(_("block {block}: {name} is not a parameter name (or it appears twice)",
                              block=shown(block), name=shown(name)),
                            line=line,
                            hint=_("parameter names are words such as filters or stride"))
        seen.add(name)
    return pairs


def uses_compact_form(items: list[Any]) -> bool:
    """Whether some item uses ``repeat:`` (blocks aside, the only reason to expand)."""
    return any(isinstance(item, dict) and "repeat" in item for item in items)


def expand_layers(items: list[Any], lines: list[int | None], blocks: dict[str, BlockDef]
                  ) -> tuple[list[LayerSpec], list[BlockInstance], dict[str, LayerRef | str]]:
    """The plain layers of a compact ``layers:`` list, the block instances, and the top-level names."""
    expander = Expander(blocks)
    top = _Scope(None, None, {})
    expander.expand(items, lines, top, None, 0)
    return expander.layers, expander.instances, top.names
