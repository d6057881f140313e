"""From a parsed spec to a computed Summary: naming, wiring, ordering and running each layer."""

from __future__ import annotations

import re

from ..i18n import S_, _
from . import checks, ops
from .args import ArgError
from .args import shape as shape_arg
from .errors import SpecError, about, did_you_mean, printable, shown
from .expr import product, var
from .framework import Framework, get_framework
from .layer import Calc, Layer, describe_shape, lookup
from .lazy import receptive
from .limits import MAX_INT, MAX_RANK, MAX_SHOWN, MAX_WEIGHTS
from .modules import NO_OUTPUT, arrange, call_name, counted_elsewhere, hide, no_output, tie
from .named import Named, NotNumeric, names_in, numeric, read_name
from .nested import InParent, NotCalled, is_model_item, nested_type, run_nested
from .records import replace
from .spec import LayerRef, LayerSpec, NetworkSpec
from .summary import BlockInstance, InputRecord, LayerRecord, Node, Notice, Shape, Summary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def instantiate(spec: LayerSpec, framework: str, name: str | None = None) -> Layer:
    """A Layer object from its spec: type looked up, arguments bound and checked."""
    try:
        cls = lookup(framework, spec.type)
        config = cls.bind(spec.args, spec.kwargs)
    except SpecError as exc:
        line = spec.arg_lines.get(exc.argument, spec.line) if exc.argument is not None else spec.line
        raise exc.located(line=line, layer=name or spec.name, layer_type=spec.type) from None
    trainable = True if spec.trainable is None else spec.trainable
    return cls(name or spec.name or cls.type_name, config, trainable=trainable, line=spec.line)


def _nested_factory(framework: str):
    def make(spec: Any, parent: Layer) -> Layer:
        if not isinstance(spec, LayerSpec):
            raise SpecError(_("expected a layer, got {spec}", spec=shown(spec)), line=parent.line, layer=parent.name,
                            layer_type=parent.type_name)
        if spec.line is None:
            spec.line = parent.line
        inner = instantiate(spec, framework, spec.name or get_framework(framework).auto_name(spec.type))
        if spec.trainable is None and not parent.total_own_flags:  # Keras: the inner layer keeps its own flag
            inner.trainable = parent.trainable
        return inner

    return make


def compute_layer(layer: Layer, in_shapes: list[Shape], make_nested: Any, batch: int = 1,
                  room: int = MAX_WEIGHTS) -> tuple[Shape | list[Shape], Calc]:
    """Run one layer on its input shapes: its output shape(s), and its worked steps and weights.

    ``make_nested`` builds wrapped layers (see :func:`nested_factory`).  The number of inputs is
    checked first; errors are located at the layer.  ``batch``: the samples the operation counts are
    for; ``room``: the weight tensors the network may still get; the output stays within the bounds of
    :mod:`.limits`.
    """
    n = len(in_shapes)
    if n < layer.min_inputs or (layer.max_inputs is not None and n > layer.max_inputs):
        want = (f"exactly {layer.min_inputs}" if layer.min_inputs == layer.max_inputs else
                _("at least {min_inputs}", min_inputs=layer.min_inputs) if layer.max_inputs is None else
                f"{layer.min_inputs} to {layer.max_inputs}")
        raise SpecError(_("takes {want} input{value}, got {n}", want=want, value='s' if layer.max_inputs != 1 else '',
                          n=n),
                        line=layer.line, layer=layer.name, layer_type=layer.type_name,
                        hint=_("set inputs: [...] to the layers it should take"))
    calc = Calc(layer, make_nested, batch, room)
    try:
        out = layer.compute_output_shape(in_shapes, calc)
        layer.build(in_shapes, calc)
    except SpecError as exc:
        raise exc.located(line=layer.line, layer=layer.name, layer_type=layer.type_name) from None
    except NotNumeric as exc:
        raise _needs_numbers(exc, layer) from None
    calc.check()
    _check_sizes(out, calc)
    return out, calc


class Computed:
    """A layer a reader made, with the results of computing it: (input shapes, trainable) -> (output, calc)."""

    __slots__ = ("layer", "results")

    def __init__(self, layer: Layer) -> None:
        self.layer = layer
        self.results: dict[tuple[Any, bool], tuple[Any, Calc]] = {}

    def compute(self, in_shapes: list[Shape], make_nested: Any) -> tuple[Shape | list[Shape], Calc]:
        key = (_shapes_key(in_shapes), self.layer.trainable)
        done = self.results.get(key)
        if done is None:
            done = self.results[key] = compute_layer(self.layer, in_shapes, make_nested)
        return done


def _shapes_key(in_shapes: list[Shape]) -> tuple[Any, ...]:
    return tuple(tuple(s) for s in in_shapes)


def nested_factory(framework: str) -> Any:
    """What builds the layers a wrapper layer holds (Bidirectional's LSTM ...)."""
    return _nested_factory(framework)


def _needs_numbers(exc: NotNumeric, layer: Layer) -> SpecError:
    """A layer that cannot write its result with the names of the input sizes: an error that says which
    names to give values."""
    names = exc.names or [_("the names")]
    example = ", ".join(f"{n}: 224" for n in names) if exc.names else "H: 224"
    return SpecError(_("needs the input sizes as numbers here: {message}", message=exc.message), line=layer.line,
                     layer=layer.name,
                     layer_type=layer.type_name,
                     hint=_("give {names} a value: assume: {{{example}}} in the spec, or --assume on "
                          "the command line", names=', '.join(names), example=example))


def _check_assumed(net: NetworkSpec, inputs: list[InputRecord]) -> None:
    """Every name under ``assume:`` is a name of an input size (a typo would otherwise go unnoticed)."""
    used = {v for ispec in net.inputs if isinstance(ispec.shape, list | tuple) for v in ispec.shape
            if read_name(v) is not None}
    for name in net.assume:
        if name not in used:
            raise SpecError(_("assume: {name!r} is no name of an input size", name=name), line=net.assume_line,
                            hint=did_you_mean(name, used) or (_("the input sizes use {sorted}",
                                                                sorted=", ".join(sorted(used)))
                                                              if used else _("write a name in input:, e.g. [H, W, 3]")))


def _input_shape(raw: Any, line: int | None, name: str,
                 assume: dict[str, int] | None = None) -> tuple[Any, ...]:
    if isinstance(raw, list | tuple) and any(read_name(v) is not None for v in raw):  # input: [H, W, 3]
        given = assume or {}
        from .symbolic import Sym

        named = [v if read_name(v) is None else given.get(v, Sym.name(v)) for v in raw]
        sizes = _input_shape([None if isinstance(v, Named) else v for v in named], line, name)
        return tuple(v if isinstance(v, Named) else d for v, d in zip(named, sizes, strict=True))
    try:
        shape = shape_arg(raw)
        if len(shape) >= MAX_RANK:  # the batch dimension comes on top
            raise ArgError(_("has {shape:,} dimensions; at most {value} (and the batch) are supported",
                             shape=len(shape), value=MAX_RANK - 1))
        return shape
    except ArgError as exc:
        raise SpecError(_("input {name}: {message}", name=shown(name), message=exc.message), line=line,
                        hint=(exc.hint or _("write the shape without the batch dimension, e.g. [28, 28, 1]; null = "
                                            "unknown"))) from None


class _Node:
    """A layer while the network is being wired."""

    def __init__(self, spec: LayerSpec, layer: Layer, inputs: list[str]) -> None:
        self.spec = spec
        self.layer = layer
        self.inputs = inputs
        self.after: list[str] = [spec.reuse] if spec.reuse is not None else []  # computed before this one


def _assign_names(specs: list[LayerSpec], fw: Framework, taken: set[str]) -> list[str]:
    """Explicit names first; the others get Keras-style ``conv2d``, ``conv2d_1`` ..."""
    explicit: dict[str, LayerSpec] = {}
    for spec in specs:
        if spec.call is not None:  # a further call of a module (PyTorch): named name@k, checked below
            continue
        if spec.name is not None:
            if _bracketed(spec.name):
                raise SpecError(_("a layer name cannot end in [...]: {name}", name=shown(spec.name)), line=spec.line,
                                layer=spec.name, layer_type=spec.type,
                                hint=_("name[i] picks output i of a layer in inputs and outputs; choose a name "
                                       "without brackets"))
            if spec.name in explicit or spec.name in taken:
                first = explicit.get(spec.name)
                where = _(" (first used on line {line})", line=first.line) if first and first.line else ""
                raise SpecError(_("duplicate layer name {name}{where}", name=shown(spec.name), where=where),
                                line=spec.line, layer=spec.name,
                                layer_type=spec.type, hint=_("give each layer its own name"))
            explicit[spec.name] = spec
    used = set(explicit) | taken
    counters: dict[str, int] = {}
    calls: dict[str, int] = {}
    names = []
    for spec in specs:
        if spec.call is not None:
            candidate = call_name(spec)
            if candidate in used:
                raise SpecError(_("call {call} of {name!r} is written twice", call=spec.call, name=spec.name),
                                line=spec.line,
                                layer=spec.name, layer_type=spec.type, hint=_("number the calls 2, 3 ..."))
            used.add(candidate)
            names.append(candidate)
            continue
        if spec.name is not None:
            names.append(spec.name)
            continue
        if spec.reuse is not None:  # the k-th further call of a layer: dense@1, dense@2 ...
            calls[spec.reuse] = calls.get(spec.reuse, 0) + 1
            candidate = f"{spec.reuse}@{calls[spec.reuse]}"
            while candidate in used:
                calls[spec.reuse] += 1
                candidate = f"{spec.reuse}@{calls[spec.reuse]}"
            used.add(candidate)
            names.append(candidate)
            continue
        names.append(free_name(fw.auto_name(_canonical_type(spec.type, fw)), counters, used))
    return names


def free_name(base: str, counters: dict[str, int], used: set[str]) -> str:
    """``base``, ``base_1`` ...: the next automatic name not taken yet (counted per base; ``used`` grows)."""
    while True:
        n = counters.get(base, 0)
        counters[base] = n + 1
        candidate = base if n == 0 else f"{base}_{n}"
        if candidate not in used:
            used.add(candidate)
            return candidate


def _canonical_type(type_name: str, fw: Framework) -> str:
    """The class name behind an alias (``Convolution2D`` -> ``Conv2D``), for automatic names."""
    try:
        return lookup(fw.name, type_name).type_name
    except SpecError:
        return type_name  # reported with its line when the layer is built


def _topological(nodes: dict[str, _Node], input_names: set[str]) -> list[str]:
    """Layer names in an order where every layer comes after its inputs; cycles are errors."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done
    deps_of: dict[str, list[str]] = {}

    for start, node in nodes.items():
        if state.get(start) == 2:
            continue
        deps = deps_of[start] = [base for base in map(_base, node.inputs) if base not in input_names] + node.after
        for dep in deps:
            if state.get(dep) != 2:
                break
        else:  # the usual case, inputs listed first: no walk to make
            state[start] = 2
            order.append(start)
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            name, i = stack.pop()
            if i == 0:
                if state.get(name) == 2:
                    continue
                state[name] = 1
                path.append(name)
            deps = deps_of.get(name)
            if deps is None:  # worked out once per layer, not once per input (a Concatenate of thousands)
                deps = deps_of[name] = [base for base in map(_base, nodes[name].inputs)
                                        if base not in input_names] + nodes[name].after
            if i < len(deps):
                stack.append((name, i + 1))
                dep = deps[i]
                if state.get(dep) == 1:
                    cycle = [*path[path.index(dep):], dep]
                    node = nodes[name]
                    raise SpecError(_("the layers form a cycle: {reversed}", reversed=" -> ".join(reversed(cycle))),
                                    line=node.spec.line, layer=name, layer_type=node.spec.type,
                                    hint=_("a layer cannot depend on its own output; check the 'inputs' lists"))
                if state.get(dep) != 2:
                    stack.append((dep, 0))
            else:
                state[name] = 2
                path.pop()
                order.append(name)
    return order


def build_summary(net: NetworkSpec, framework: str | None = None, batch: int = 1) -> Summary:
    """Compute every layer of a parsed network (operation counts for ``batch`` samples); an error in a layer
    of a block names the block instance."""
    in_block: dict[str, str] = {}
    try:
        return _build(net, framework, in_block, batch)
    except SpecError as exc:
        if exc.block is None and exc.layer in in_block:
            instance = next(b for b in net.blocks if b.name == in_block[exc.layer])
            exc.block = instance.describe()
            exc.args = (exc.describe(),)
        raise


def _resolver(net: NetworkSpec, specs: list[LayerSpec], names: list[str], inputs: list[InputRecord]):
    """Turns the references of a compact spec (:class:`LayerRef`) into layer names."""
    final = list(names)
    for i, spec in enumerate(specs):  # an input layer's record may be named otherwise
        if spec.name is None and i < len(final):
            match = next((rec.name for rec in inputs if rec.line == spec.line and spec.type in ("InputLayer", "Input")),
                         None)
            if match is not None:
                final[i] = match

    def resolve(src: str | LayerRef) -> str:
        if not isinstance(src, LayerRef):
            return src
        if src.index is None:
            if len(inputs) != 1:
                raise SpecError(_("a block at the start of a network with several inputs must say which it takes"),
                                hint=_("add inputs: [name] to the item that uses the block"))
            return inputs[0].name + src.suffix
        return final[src.index] + src.suffix

    return resolve


def _block_outputs(blocks: list[BlockInstance], resolve: Any) -> None:
    for instance in blocks:
        if instance.output_ref is not None:
            instance.output = resolve(instance.output_ref)


def _build(net: NetworkSpec, framework: str | None, in_block: dict[str, str], batch: int = 1) -> Summary:
    fw = get_framework(net.framework or framework or "keras")
    make_nested = _nested_factory(fw.name)

    # inputs: declared at the top, as InputLayer items, or by the first layer's input_shape
    inputs: list[InputRecord] = []
    specs = list(net.layers)
    for ispec in net.inputs:
        name = ispec.name or fw.input_name
        if ispec.full:  # a module's input, batch axis included (it need not come first)
            inputs.append(InputRecord(name, tuple(ispec.shape), ispec.line))
            continue
        inputs.append(InputRecord(name, (None, *_input_shape(ispec.shape, ispec.line, name, net.assume)),
                                  ispec.line))
    if net.assume:
        _check_assumed(net, inputs)

    layers_objs: list[Layer] = []
    taken = {i.name for i in inputs}
    names = _assign_names(specs, fw, taken)
    if net.blocks:
        in_block.update((name, spec.block) for spec, name in zip(specs, names, strict=True) if spec.block)
    layer_specs: list[tuple[LayerSpec, str]] = []
    taken |= set(names)
    for spec, name in zip(specs, names, strict=True):
        if spec.holder:
            layers_objs.append(_Holder(name, spec))
            layer_specs.append((spec, name))
            continue
        if spec.reuse is not None:
            layers_objs.append(_Reuse(name, spec))
            layer_specs.append((spec, name))
            continue
        if is_model_item(spec):
            layers_objs.append(_ModelItem(name, spec))
            layer_specs.append((spec, name))
            continue
        known = net.computed.get(name)
        if known is not None and spec.network is None and spec.reuse is None:
            layer = known.layer  # made by a reader from the same arguments
            layer.trainable = spec.trainable is not False
            layer.line = spec.line
            layer.name = name
        else:
            layer = instantiate(spec, fw.name, name)
        if layer.is_input:
            shape = layer.input_shape()  # type: ignore[attr-defined]
            if not spec.name:
                name = _input_name(fw, taken)
                taken.add(name)
            inputs.append(InputRecord(name, shape, spec.line))
            continue
        layers_objs.append(layer)
        layer_specs.append((spec, layer.name))

    if not inputs and layers_objs:
        first = layers_objs[0]
        declared = first.config.get("input_shape") or (
            (first.config["input_dim"],) if first.config.get("input_dim") else None)
        if declared is None:
            raise SpecError(_("the network has no input shape"), line=layer_specs[0][0].line,
                            hint=_("add input: [...] at the top (the shape without the batch dimension)"))
        inputs.append(InputRecord(fw.input_name, (None, *_input_shape(declared, first.line, "input")),
                                  first.line))

    resolve = _resolver(net, specs, names, inputs) if net.blocks or any(
        isinstance(src, LayerRef) for spec in specs for src in spec.inputs or ()) else None
    input_names = {i.name for i in inputs}
    for rec in inputs:
        if len(rec.shape) > MAX_RANK:  # an InputLayer's shape (the input: key is checked when read)
            raise SpecError(_("input {name} has {shape:,} dimensions; at most {MAX_RANK} (the batch included) are "
                              "supported", name=shown(rec.name), shape=len(rec.shape), MAX_RANK=MAX_RANK),
                            line=rec.line)
        if _bracketed(rec.name):
            raise SpecError(_("an input name cannot end in [...]: {name}", name=shown(rec.name)), line=rec.line,
                            hint=_("choose a name without brackets (name[i] picks one output of a layer)"))
    if len(input_names) != len(inputs):
        raise SpecError(_("two inputs have the same name"), line=inputs[-1].line)

    layer_names = {name for spec, name in layer_specs if spec.reuse is None}
    for spec, name in layer_specs:
        if spec.reuse is not None and spec.reuse not in layer_names:
            raise SpecError(_("reuse: {reuse!r} names no layer", reuse=spec.reuse), line=spec.line, layer=name,
                            hint=(did_you_mean(spec.reuse, layer_names) or _("reuse: names the layer to call again")))

    # wiring: explicit inputs, or the previous item
    nodes: dict[str, _Node] = {}
    previous = inputs[0].name if len(inputs) == 1 or not layers_objs else None
    known = input_names | {layer.name for layer in layers_objs}
    for (spec, name), layer in zip(layer_specs, layers_objs, strict=True):
        if spec.holder or not spec.called:
            nodes[name] = _Node(spec, layer, [])
            continue
        if spec.inputs is not None:
            srcs = [resolve(src) for src in spec.inputs] if resolve else list(spec.inputs)
            for src in srcs:
                _check_index(src, known, spec.line, name, spec.type)
                if _base(src) not in known:
                    raise SpecError(_("unknown input {src}", src=shown(src)), line=spec.line, layer=name,
                                    layer_type=spec.type,
                                    hint=(did_you_mean(src, known) or _("inputs must name an input or a layer")))
                if src == name:
                    raise SpecError(_("a layer cannot take its own output as input"), line=spec.line, layer=name,
                                    layer_type=spec.type)
        elif getattr(layer, "max_inputs", None) == 0:  # a tensor of its own (a PyTorch Parameter) takes nothing
            srcs = []
        elif previous is None:
            raise SpecError(_("with several inputs, the first layer must say which it takes"), line=spec.line,
                            layer=name, layer_type=spec.type,
                            hint=_("add inputs: [name] ({sorted})", sorted=", ".join(sorted(input_names))))
        else:
            srcs = [previous]
        nodes[name] = _Node(spec, layer, srcs)
        previous = name

    order = _topological(nodes, input_names)

    # run the layers
    # sizes written with names come only from the inputs' (input: [H, W, 3]): without them, no shape needs
    # its names replaced for the design facts
    named_sizes = any(isinstance(size, Named) for rec in inputs for size in rec.shape)
    shapes: dict[str, Shape | list[Shape]] = {i.name: i.shape for i in inputs}
    lazy = Analyses({i.name: numeric(i.shape) for i in inputs}, batch)
    first_shown: dict[str, Shape] = {}  # layers that show their first output and give more (an LSTM's states)
    records: dict[str, LayerRecord] = {}
    children: dict[str, list[LayerRecord]] = {}
    calls: dict[str, int] = {}  # PyTorch: how often each module was called (rows per call)
    facts: dict[str, checks.DesignFacts] = {}
    upsampling: set[str] = set()  # the layers whose class says they can up-sample
    conditions: list[tuple[str, Any, int]] = []  # (layer, size written with names, its minimum)
    weights_so_far = 0
    for name in order:
        node = nodes[name]
        layer = node.layer
        if isinstance(layer, _Holder):
            shapes[name] = list(NO_OUTPUT)
            records[name] = LayerRecord(name=name, type=layer.type_name, inputs=[], output_shape=list(NO_OUTPUT),
                                        line=layer.line)
            continue
        if not node.spec.called:
            records[name], children[name] = _not_called(node.spec, layer, name, make_nested, fw.name)
            shapes[name] = list(NO_OUTPUT)
            continue
        # a plain name of a single-output layer or input is its shape (names cannot end in [...]); _single
        # picks an output and says what is wrong otherwise
        in_shapes = [shape if (shape := shapes.get(src)).__class__ is tuple else
                     _single(shapes, src, layer, first_shown) for src in node.inputs]
        if isinstance(layer, _Reuse):
            shapes[name], again, calc = _run_again(layer, nodes, records, in_shapes, make_nested, fw.name, batch)
            if fw.name == "pytorch":  # PyTorch's tables show every call
                target = node.spec.reuse
                calls[target] = calls.get(target, 1) + 1  # type: ignore[index]
                record, kids = again
                if calc is not None:  # each call computes: its operations are counted in its own row
                    lazy.jobs.append((name, nodes[target].layer, in_shapes, shapes[name], calc,  # type: ignore[index]
                                      [_base(src) for src in node.inputs]))
                    record.lazy, record.lazy_key = lazy, name
                record.inputs = list(node.inputs)
                record.line = layer.line
                counted_elsewhere(record, target, calls[target])  # type: ignore[arg-type]
                for kid in kids:
                    counted_elsewhere(kid, kid.name)
                records[name], children[name] = record, kids
            continue
        if isinstance(layer, _ModelItem):
            out, record, children[name] = run_nested(layer.spec, node.spec.name or name, in_shapes, fw.name, batch)
            record.inputs = list(node.inputs)
            shapes[name] = out
            records[name] = record
            _module_row(node.spec, record, children[name])
            continue
        known = net.computed.get(name)
        done = known.results.get((_shapes_key(in_shapes), layer.trainable)) if known is not None else None
        out, calc = done if done is not None else compute_layer(layer, in_shapes, make_nested, batch,
                                                                MAX_WEIGHTS - weights_so_far)
        weights_so_far += len(calc.weights)
        if weights_so_far > MAX_WEIGHTS:  # a layer a reader computed before: counted here
            raise calc.error(_("the network would have more than {MAX_WEIGHTS:,} weight tensors",
                               MAX_WEIGHTS=MAX_WEIGHTS),
                             _("use fewer (stacked) layers"))
        facts[name] = layer.design(numeric(in_shapes) if named_sizes else in_shapes)
        if layer.upsamples:
            upsampling.add(name)
        if calc.conditions:
            conditions += [(name, size, minimum) for size, minimum in calc.conditions]
        shapes[name] = out
        further = layer.further_outputs(in_shapes, out)
        if further:
            shapes[name] = [out, *further]
            first_shown[name] = out
        lazy.jobs.append((name, layer, in_shapes, out, calc, list(map(_base, node.inputs))))
        records[name] = LayerRecord(
            name=name, type=layer.type_name, inputs=list(node.inputs),
            output_shape=list(out) if isinstance(out, list) else tuple(out),
            weights=list(calc.weights), calculation=list(calc.steps), line=layer.line, block=node.spec.block,
            lazy=lazy, lazy_key=name, operation=node.spec.operation)
        if calc.children and fw.name == "pytorch":  # the submodules it calls, as PyTorch's tables show them
            shown_name = node.spec.name or name
            children[name] = [replace(kid, name=f"{shown_name}.{kid.name}", parent=shown_name, depth=1,
                                      line=layer.line, lazy=InParent(shown_name)) for kid in calc.children]
        if node.spec.hidden or node.spec.tied or node.spec.call is not None:  # PyTorch's module keys
            _module_row(node.spec, records[name], children.get(name, []))

    outputs = net.outputs or ([layers_objs[-1].name] if layers_objs else [inputs[-1].name])
    if resolve is not None:
        outputs = [resolve(o) for o in outputs]
        _block_outputs(net.blocks, resolve)
    for out_name in outputs:
        _check_index(out_name, shapes, net.outputs_line, None, None)
        if _base(out_name) not in shapes:
            raise SpecError(_("unknown output {out_name}", out_name=shown(out_name)), line=net.outputs_line,
                            hint=(did_you_mean(out_name, shapes) or _("outputs must name layers")))
        if _indexed(out_name):
            _pick(shapes[_base(out_name)], out_name, net.outputs_line, None, None)
    if fw.name == "keras":
        _check_connected(nodes, layer_specs, outputs)
    notices = [_holder_notice(records[obj.name]) for _, obj in zip(layer_specs, layers_objs, strict=True)
               if not isinstance(obj, _Reuse) and _totals_differ(records[obj.name])]
    items = [(spec, records[obj.name], children.get(obj.name, [])) for (spec, _), obj
             in zip(layer_specs, layers_objs, strict=True) if obj.name in records]
    owned = {records[obj.name].name for obj in layers_objs if obj.name in records and getattr(obj, "owned_tensor",
                                                                                                False)}
    rows = arrange(items, owned) if fw.name == "pytorch" else [row for _, record, kids in items
                                                                for row in (record, *kids)]
    flow = [Node(name, tuple(nodes[name].inputs), records.get(name), shapes[name],
                 getattr(records[name].lazy, "network", None) if name in records else None)
            for name in order if records.get(name) is None or records[name].called]
    summary = Summary(name=net.name, inputs=inputs, layers=rows, outputs=list(outputs), framework=fw.name,
                      warnings=notices, blocks=list(net.blocks), batch=batch, flow=flow)
    if conditions:
        from .symbolic import size_conditions

        summary.warnings.append(size_conditions(conditions))
    summary.warnings.extend(checks.design_warnings(summary, facts, upsampling))
    return summary


def _totals_differ(record: LayerRecord) -> bool:
    """Whether the totals count some of the row's parameters as trainable otherwise than the row does; only a
    weight with a flag of its own for the totals can make them differ, so the sums are made only for such rows."""
    for weight in record.weights:
        if weight.total_trainable is not None:
            return record.total_trainable_params != record.trainable_params
    return False


def _holder_notice(record: LayerRecord) -> Notice:
    """trainable=False given to a layer that holds layers: Keras' row and totals disagree; say why."""
    extra = record.total_trainable_params - record.trainable_params
    return Notice(_("trainable=False does not freeze the layers {name!r} holds: its row shows their {extra:,} "
                    "parameters as non-trainable, as Keras' does, but the totals count them as trainable, as Keras' do",
                    name=record.name, extra=extra), record.line,
                  _("to freeze them all, set {name}.trainable = False after making the layer", name=record.name),
                  record.name,
                                    "frozen-holder")


class _Reuse:
    """A further call of a layer (shared weights): no row of its own; the layer's row shows every call."""

    is_input = False
    min_inputs, max_inputs = 0, None

    def __init__(self, name: str, spec: LayerSpec) -> None:
        self.name = name
        self.spec = spec
        self.line = spec.line
        self.type_name = "reuse"
        self.config: dict[str, Any] = {}


def _run_again(item: _Reuse, nodes: dict[str, _Node], records: dict[str, LayerRecord], in_shapes: list[Shape],
               make_nested: Any, framework: str, batch: int = 1
               ) -> tuple[Shape | list[Shape], tuple[LayerRecord, list[LayerRecord]], Calc | None]:
    """Call a layer again: same weights, so the new input must give the same weight shapes (as Keras checks).

    Keras shows every call in the layer's row; PyTorch shows each call as a row (the one returned, with the
    rows under it for a module holding others).
    """
    target = nodes[item.spec.reuse]  # type: ignore[index]
    record = records[target.layer.name]
    kids: list[LayerRecord] = []
    calc: Calc | None = None
    if isinstance(target.layer, _ModelItem):
        out, again, kids = run_nested(target.layer.spec, record.name, in_shapes, framework, batch)
    else:
        out, calc = compute_layer(target.layer, in_shapes, make_nested, batch)
        again = LayerRecord(record.name, record.type, [], tuple(out) if not isinstance(out, list) else list(out),
                            list(calc.weights), list(calc.steps), depth=record.depth)
    before = [(w.name, w.shape) for w in record.weights]
    if [(w.name, w.shape) for w in again.weights] != before:
        raise SpecError(_("{name!r} is called again on inputs of shape {in_shapes}, but its weights were made for its "
                          "first inputs", name=record.name, in_shapes=', '.join(str(s) for s in in_shapes)),
                        line=item.line, layer=item.name, layer_type=record.type,
                        hint=_("a shared layer needs inputs with the same channels or features each time"))
    if framework != "pytorch":
        record.inputs = [*record.inputs, *nodes[item.name].inputs]
        record.output_shape = list(out) if isinstance(out, list) else tuple(out)  # Keras shows the last call's
    return out, (again, kids), calc


def _module_row(spec: LayerSpec, record: LayerRecord, kids: list[LayerRecord]) -> None:
    """PyTorch's keys on a computed row: a further call of a module, tensors tied to another module's."""
    if spec.hidden:
        hide(record)
        for kid in kids:
            hide(kid)
        return
    if spec.tied:
        tie(record, spec.tied, spec.line)
    if spec.call is not None:
        record.name = spec.name  # type: ignore[assignment]
        counted_elsewhere(record, record.name, spec.call)
        for kid in kids:
            counted_elsewhere(kid, kid.name)


def _not_called(spec: LayerSpec, layer: Any, name: str, make_nested: Any,
                framework: str) -> tuple[LayerRecord, list[LayerRecord]]:
    """The row of a module that is never called: its tensors, counted from its arguments, and no output."""
    if isinstance(layer, _ModelItem | _Reuse):
        raise SpecError(_("called: false is for a module made from its arguments; a module holding others that is "
                        "not called is a row of its own (module: ...) with its modules under it (parent: ...)"),
                        line=spec.line, layer=name, layer_type=spec.type)
    probe = layer.probe_inputs() if hasattr(layer, "probe_inputs") else None
    if probe is None:
        if type(layer).build is not Layer.build:
            raise SpecError(_("the parameters of a module that is not called cannot be counted without its input"),
                            line=spec.line, layer=name, layer_type=spec.type,
                            hint=_("call it in forward(), or leave it out"))
        record = LayerRecord(name=name, type=layer.type_name, inputs=[], output_shape=list(NO_OUTPUT),
                             line=layer.line)
    else:
        _output, calc = compute_layer(layer, probe, make_nested)
        record = LayerRecord(name=name, type=layer.type_name, inputs=[], output_shape=list(NO_OUTPUT),
                             weights=list(calc.weights), calculation=list(calc.steps), line=layer.line)
    no_output(record)
    record.lazy = NotCalled()
    _module_row(spec, record, [])
    return record, []


class _Holder:
    """The row of a module that is not called itself (``module: ModuleList``): it counts the rows under it."""

    is_input = False
    min_inputs, max_inputs = 0, 0

    def __init__(self, name: str, spec: LayerSpec) -> None:
        self.name = name
        self.spec = spec
        self.line = spec.line
        self.type_name = spec.type
        self.config: dict[str, Any] = {}


class _ModelItem:
    """A model used as a layer while the network is wired (computed by :func:`run_nested`)."""

    is_input = False
    min_inputs, max_inputs = 1, None

    def __init__(self, name: str, spec: LayerSpec) -> None:
        self.name = name
        self.spec = spec
        self.line = spec.line
        self.type_name = nested_type(spec.type)
        self.config: dict[str, Any] = {}


def _check_sizes(out: Shape | list[Shape], calc: Calc) -> None:
    """Every output within :data:`MAX_RANK` dimensions, of sizes within the 64-bit sizes the frameworks count in
    (most come from checked steps; a size written with names is checked where its layer needs numbers)."""
    for shape in out if isinstance(out, list) else [out]:
        if len(shape) > MAX_RANK:
            raise calc.error(_("the output would have {shape:,} dimensions; at most {MAX_RANK} are supported",
                               shape=len(shape), MAX_RANK=MAX_RANK))
        for size in shape:
            if size is None or isinstance(size, Named):  # unknown, or written with names (checked where needed)
                continue
            if size < 0:  # a layer that does not say why itself: say it here
                raise calc.error(_("the output {describe_shape} would have a negative size",
                                   describe_shape=printable(describe_shape(shape), 200)),
                                 _("check the input sizes: one is too small for this layer (0 or less)"))
            if abs(size) > MAX_INT:
                raise calc.error(_("an output size would be {size}, beyond the 64-bit sizes the frameworks count in",
                                   size=about(size)), _(
                        "use smaller sizes"))


def _input_name(fw: Framework, taken: set[str]) -> str:
    """``input``, ``input_1`` ...: the first not taken by an input or a layer."""
    n = 0
    while (name := fw.input_name if n == 0 else f"{fw.input_name}_{n}") in taken:
        n += 1
    return name


#: an output index: ASCII digits only (``int()`` would also read ``l[١]`` as ``l[1]``)
_INDEX = r"-?[0-9]+"  # compiled on first use (re keeps it)


def _bracketed(src: str) -> tuple[str, str] | None:
    """``lstm[x]`` -> (``lstm``, ``x``): a name ending in [...] (the last ``[``), or None."""
    if not src.endswith("]"):
        return None
    k = src.rfind("[", 1, len(src) - 1)
    return (src[:k], src[k + 1:-1]) if k >= 1 else None


def _indexed(src: str) -> tuple[str, str] | None:
    """``lstm[1]`` -> (``lstm``, ``1``): a name with a whole-number index, or None."""
    if not src.endswith("]"):
        return None
    parts = _bracketed(src)
    return parts if parts and re.fullmatch(_INDEX, parts[1], re.ASCII) else None


def _base(src: str) -> str:
    """``lstm[1]`` -> ``lstm`` (one output of a multi-output layer)."""
    if "]" not in src:  # the usual name (``in`` is cheaper than a method call: this runs for every input)
        return src
    parts = _indexed(src)
    return parts[0] if parts else src


def _check_index(src: str, known: Any, line: int | None, layer: str | None, layer_type: str | None) -> None:
    """``lstm[x]`` or ``lstm[1`` where ``lstm`` exists: say how to write the index."""
    parts = _bracketed(src)
    if parts and not _indexed(src) and parts[0] in known:
        base = printable(parts[0], MAX_SHOWN)
        raise SpecError(_("the index in {src} must be a whole number (0-9)", src=shown(src)), line=line, layer=layer,
                        layer_type=layer_type,
                        hint=_("write {base}[0] for its first output, {base}[1] for the second ...", base=base))


def _pick(shape: Shape | list[Shape], src: str, line: int | None, layer: str | None,
          layer_type: str | None) -> Shape:
    """One output of a multi-output layer; negative indices count from the end, as in Python."""
    base, digits = _indexed(src)  # type: ignore[misc]
    index = int(digits) if len(digits) < 20 else None  # beyond any count of outputs
    count = len(shape) if isinstance(shape, list) else 1
    if not isinstance(shape, list) or index is None or not -count <= index < count:
        shown_base = printable(base, MAX_SHOWN)
        raise SpecError(_("{base} has {count} output{value}, no output {digits}", base=shown(base), count=count, value=
                's' if count > 1 else '', digits=digits[:20]),
                        line=line, layer=layer, layer_type=layer_type,
                        hint=(_("pick one of {shown_base}[0] to {shown_base}[{value}]", shown_base=shown_base,
                                value=count - 1) if count > 1 else _(
                                "write {shown_base} without an index", shown_base=shown_base)))
    return shape[index]


def _check_connected(nodes: dict[str, _Node], layer_specs: list[tuple[LayerSpec, str]], outputs: list[str]) -> None:
    """Keras builds the model from its outputs back: a layer that leads to no output is not in it."""
    reached: set[str] = set()
    todo = [_base(o) for o in outputs]
    while todo:
        name = todo.pop()
        if name in reached or name not in nodes:
            continue
        reached.add(name)
        todo.extend(map(_base, nodes[name].inputs))
        todo.extend(nodes[name].after)  # a shared layer's further call reaches the layer
    for spec, name in layer_specs:
        if name not in reached:
            raise SpecError(_("this layer leads to no output, so Keras leaves it out of the model"), line=spec.line,
                            layer=name, layer_type=spec.type,
                            hint=_("list it (or a layer after it) in outputs: [...], or remove it"))


def _single(shapes: dict[str, Shape | list[Shape]], src: str, layer: Layer,
            first_shown: dict[str, Shape] | None = None) -> Shape:
    shape = shapes[_base(src)]
    if _indexed(src):
        return _pick(shape, src, layer.line, layer.name, layer.type_name)
    if first_shown and src in first_shown:  # a layer that shows its first output: the name alone is that output
        return first_shown[src]
    if isinstance(shape, list) and not shape:
        raise SpecError(_("input {shown} is a module that is not called: it has no output", shown=shown(src)),
                        line=layer.line,
                        layer=layer.name, layer_type=layer.type_name)
    if isinstance(shape, list):
        shown_src = printable(src, MAX_SHOWN)
        raise SpecError(_("input {src} has several outputs", src=shown(src)), line=layer.line, layer=layer.name,
                        layer_type=layer.type_name, hint=_("take one of them with {shown_src}[0], {shown_src}[1] ...",
                                                           shown_src=shown_src))
    return shape


class Analyses:
    """The operation counts, activations and receptive fields of a network's layers, computed for every
    layer on first use (a page that shows none of them pays nothing for them)."""

    #: the rows' own network, as a model used as a layer's lazy value gives it: none for plain layers (an
    #: attribute, so that reading it is no failed look-up for every layer)
    network = None

    def __init__(self, inputs: dict[str, Shape], batch: int = 1) -> None:
        #: the network's inputs (name -> shape in numbers): their fields are made with the first analysis, so
        #: that a table without analyses never loads the receptive-field rules (see ``engine.lazy``)
        self.inputs = inputs
        self.batch = batch
        #: (name, layer, input shapes, output, its Calc, the names of its inputs), in an order of dependencies
        self.jobs: list[tuple[str, Layer, list[Shape], Any, Calc, list[str]]] = []
        self.results: dict[str, dict[str, Any]] | None = None
        self._fields: dict[str, receptive.Field | receptive.NoField] | None = None
        #: the fields alone, without steps or counts (what the design checks read), made on first use
        self._bare: dict[str, receptive.Field | receptive.NoField] | None = None

    @property
    def fields(self) -> dict[str, receptive.Field | receptive.NoField]:
        """The receptive field of each input, and of each layer whose analyses have been computed."""
        if self._fields is None:
            self._fields = self._input_fields()
        return self._fields

    def _input_fields(self) -> dict[str, receptive.Field | receptive.NoField]:
        first = next(iter(self.inputs), "")
        return {name: receptive.input_field(shape, n == 0, name, first)
                for n, (name, shape) in enumerate(self.inputs.items())}

    def of(self, name: str) -> dict[str, Any]:
        if self.results is None:
            self.results = {}
            for job in self.jobs:
                self.results[job[0]] = self._run(*job)
        return self.results.get(name, {})

    def jumps(self, name: str) -> tuple[Any, ...] | None:
        """The receptive-field jumps of a layer's output as its record gives them (None: no record), for the
        design checks: computed without the worked steps and the operation counts until those are asked for."""
        if self.results is not None:
            field = self.fields.get(name)
        else:
            if self._bare is None:
                self._bare = self._input_fields()
                for job_name, layer, inputs, out, calc, sources in self.jobs:
                    inputs, out, calc = self._prepared(layer, inputs, out, calc)
                    calc.quiet = True
                    self._bare[job_name] = self._field(self._bare, layer, sources, inputs, out, calc)
            field = self._bare.get(name)
        return None if field is None else receptive.jumps(field)

    def _prepared(self, layer: Layer, inputs: list[Shape], out: Any, calc: Calc) -> tuple[list[Shape], Any, Calc]:
        """The numeric shapes and a Calc of its own (a reader may have computed the layer's shape for several
        networks)."""
        shaped, calc = calc, Calc(layer, calc._nested, self.batch)
        calc.nested_ops, calc.analysis = list(shaped.nested_ops), list(shaped.analysis)
        named = names_in([*inputs, out])
        if named:  # the analyses need numbers: sizes written with names count as unknown, and say so
            calc.named = ", ".join(sorted(named))
            inputs, out = numeric(inputs), numeric(out)
        return inputs, out, calc

    @staticmethod
    def _field(fields: dict[str, Any], layer: Layer, sources: list[str], inputs: list[Shape], out: Any,
               calc: Calc) -> Any:
        missing = _("has no receptive field (a model used as a layer, or a shared layer called again)")
        given = [fields.get(src) or receptive.NoField(f"{src!r} {missing}") for src in sources]
        return layer.receptive_field(given, inputs, out, calc)

    def _run(self, name: str, layer: Layer, inputs: list[Shape], out: Any, calc: Calc,
             sources: list[str]) -> dict[str, Any]:
        inputs, out, calc = self._prepared(layer, inputs, out, calc)
        analyse(layer, inputs, out, calc)
        field = self.fields[name] = self._field(self.fields, layer, sources, inputs, out, calc)
        activations = _activations(out, calc)
        return {"macs": calc.total_macs, "other_ops": calc.total_other_ops, "activations": activations,
                "receptive_field": receptive.describe(field), "analysis": calc.analysis}


def analyse(layer: Layer, inputs: list[Shape], output: Shape | list[Shape], calc: Calc) -> None:
    """The layer's operation counts (its own rules) and FLOPs = 2 × MACs."""
    layer.operations(inputs, output, calc)
    calc.check_counted()
    if calc.total_macs is not None:
        calc.record("flops", S_("FLOPs"), 2 * var("MACs", calc.total_macs), note=_("a multiplication and an add each"))


def _activations(output: Shape | list[Shape], calc: Calc) -> int | None:
    """Output elements per sample (every output of a multi-output layer), with its step."""
    outputs = output if isinstance(output, list) else [output]
    terms = [product(ops.dims(s, what=f"output {i + 1}" if len(outputs) > 1 else "output"))
             for i, s in enumerate(outputs)]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    value = calc.record("activations", S_("output elements"), total, note=_("per sample"))
    return value if isinstance(value, int) else None
