"""From a parsed spec to a computed Summary: naming, wiring, ordering and running each layer."""

from __future__ import annotations

import re
from typing import Any

from .args import ArgError
from .args import shape as shape_arg
from .errors import SpecError, did_you_mean
from .framework import Framework, get_framework
from .layer import Calc, Layer, lookup
from .spec import LayerRef, LayerSpec, NetworkSpec
from .summary import BlockInstance, InputRecord, LayerRecord, Shape, Summary


def instantiate(spec: LayerSpec, framework: str, name: str | None = None) -> Layer:
    """A Layer object from its spec: type looked up, arguments bound and checked."""
    try:
        cls = lookup(framework, spec.type)
        config = cls.bind(spec.args, spec.kwargs)
    except SpecError as exc:
        raise exc.located(line=spec.line, layer=name or spec.name, layer_type=spec.type) from None
    trainable = True if spec.trainable is None else spec.trainable
    return cls(name or spec.name or cls.type_name, config, trainable=trainable, line=spec.line)


def _nested_factory(framework: str):
    def make(spec: Any, parent: Layer) -> Layer:
        if not isinstance(spec, LayerSpec):
            raise SpecError(f"expected a layer, got {spec!r}", line=parent.line, layer=parent.name,
                            layer_type=parent.type_name)
        if spec.line is None:
            spec.line = parent.line
        inner = instantiate(spec, framework, spec.name or get_framework(framework).auto_name(spec.type))
        if spec.trainable is None:
            inner.trainable = parent.trainable
        return inner

    return make


def _input_shape(raw: Any, line: int | None, name: str) -> tuple[int | None, ...]:
    try:
        sizes = shape_arg(raw)
    except ArgError as exc:
        raise SpecError(f"input {name!r}: {exc.message}", line=line,
                        hint="write the shape without the batch dimension, e.g. [28, 28, 1]; null = unknown") from None
    if any(s is not None and s < 0 for s in sizes):  # Keras: "Negative dimensions are not allowed"
        raise SpecError(f"input {name!r}: negative sizes are not allowed, got {list(sizes)}", line=line,
                        hint="write null for a size that is not known")
    return sizes


class _Node:
    """A layer while the network is being wired."""

    def __init__(self, spec: LayerSpec, layer: Layer, inputs: list[str]) -> None:
        self.spec = spec
        self.layer = layer
        self.inputs = inputs


def _assign_names(specs: list[LayerSpec], fw: Framework, taken: set[str]) -> list[str]:
    """Explicit names first; the others get Keras-style ``conv2d``, ``conv2d_1`` ..."""
    explicit: dict[str, LayerSpec] = {}
    for spec in specs:
        if spec.name is not None:
            if _BRACKETED.fullmatch(spec.name):
                raise SpecError(f"a layer name cannot end in [...]: {spec.name!r}", line=spec.line, layer=spec.name,
                                layer_type=spec.type, hint="name[i] picks output i of a layer in inputs and outputs; "
                                                           "choose a name without brackets")
            if spec.name in explicit or spec.name in taken:
                first = explicit.get(spec.name)
                where = f" (first used on line {first.line})" if first and first.line else ""
                raise SpecError(f"duplicate layer name {spec.name!r}{where}", line=spec.line, layer=spec.name,
                                layer_type=spec.type, hint="give each layer its own name")
            explicit[spec.name] = spec
    used = set(explicit) | taken
    counters: dict[str, int] = {}
    names = []
    for spec in specs:
        if spec.name is not None:
            names.append(spec.name)
            continue
        base = fw.auto_name(_canonical_type(spec.type, fw))
        while True:
            n = counters.get(base, 0)
            counters[base] = n + 1
            candidate = base if n == 0 else f"{base}_{n}"
            if candidate not in used:
                break
        used.add(candidate)
        names.append(candidate)
    return names


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

    for start in nodes:
        if state.get(start) == 2:
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
            deps = [_base(d) for d in nodes[name].inputs if _base(d) not in input_names]
            if i < len(deps):
                stack.append((name, i + 1))
                dep = deps[i]
                if state.get(dep) == 1:
                    cycle = [*path[path.index(dep):], dep]
                    node = nodes[name]
                    raise SpecError("the layers form a cycle: " + " -> ".join(reversed(cycle)),
                                    line=node.spec.line, layer=name, layer_type=node.spec.type,
                                    hint="a layer cannot depend on its own output; check the 'inputs' lists")
                if state.get(dep) != 2:
                    stack.append((dep, 0))
            else:
                state[name] = 2
                path.pop()
                order.append(name)
    return order


def build_summary(net: NetworkSpec, framework: str | None = None) -> Summary:
    """Compute every layer of a parsed network; an error in a layer of a block names the block instance."""
    in_block: dict[str, str] = {}
    try:
        return _build(net, framework, in_block)
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
                raise SpecError("a block at the start of a network with several inputs must say which it takes",
                                hint="add inputs: [name] to the item that uses the block")
            return inputs[0].name + src.suffix
        return final[src.index] + src.suffix

    return resolve


def _block_outputs(blocks: list[BlockInstance], resolve: Any) -> None:
    for instance in blocks:
        if instance.output_ref is not None:
            instance.output = resolve(instance.output_ref)


def _build(net: NetworkSpec, framework: str | None, in_block: dict[str, str]) -> Summary:
    fw = get_framework(net.framework or framework or "keras")
    make_nested = _nested_factory(fw.name)

    # inputs: declared at the top, as InputLayer items, or by the first layer's input_shape
    inputs: list[InputRecord] = []
    specs = list(net.layers)
    for ispec in net.inputs:
        name = ispec.name or fw.input_name
        inputs.append(InputRecord(name, (None, *_input_shape(ispec.shape, ispec.line, name)), ispec.line))

    layers_objs: list[Layer] = []
    taken = {i.name for i in inputs}
    names = _assign_names(specs, fw, taken)
    if net.blocks:
        in_block.update((name, spec.block) for spec, name in zip(specs, names, strict=True) if spec.block)
    layer_specs: list[tuple[LayerSpec, str]] = []
    for spec, name in zip(specs, names, strict=True):
        layer = instantiate(spec, fw.name, name)
        if layer.is_input:
            shape = layer.input_shape()  # type: ignore[attr-defined]
            inputs.append(InputRecord(name if spec.name else _input_name(fw, inputs, spec), shape, spec.line))
            continue
        layers_objs.append(layer)
        layer_specs.append((spec, layer.name))

    if not inputs and layers_objs:
        first = layers_objs[0]
        declared = first.config.get("input_shape") or (
            (first.config["input_dim"],) if first.config.get("input_dim") else None)
        if declared is None:
            raise SpecError("the network has no input shape", line=layer_specs[0][0].line,
                            hint="add input: [...] at the top (the shape without the batch dimension)")
        inputs.append(InputRecord(fw.input_name, (None, *_input_shape(declared, first.line, "input")),
                                  first.line))

    resolve = _resolver(net, specs, names, inputs) if net.blocks or any(
        isinstance(src, LayerRef) for spec in specs for src in spec.inputs or ()) else None
    input_names = {i.name for i in inputs}
    for rec in inputs:
        if _BRACKETED.fullmatch(rec.name):
            raise SpecError(f"an input name cannot end in [...]: {rec.name!r}", line=rec.line,
                            hint="choose a name without brackets (name[i] picks one output of a layer)")
    if len(input_names) != len(inputs):
        raise SpecError("two inputs have the same name", line=inputs[-1].line)

    # wiring: explicit inputs, or the previous item
    nodes: dict[str, _Node] = {}
    previous = inputs[0].name if len(inputs) == 1 or not layers_objs else None
    known = input_names | {layer.name for layer in layers_objs}
    for (spec, name), layer in zip(layer_specs, layers_objs, strict=True):
        if spec.inputs is not None:
            srcs = [resolve(src) for src in spec.inputs] if resolve else list(spec.inputs)
            for src in srcs:
                _check_index(src, known, spec.line, name, spec.type)
                if _base(src) not in known:
                    raise SpecError(f"unknown input {src!r}", line=spec.line, layer=name, layer_type=spec.type,
                                    hint=did_you_mean(src, known) or "inputs must name an input or a layer")
                if src == name:
                    raise SpecError("a layer cannot take its own output as input", line=spec.line, layer=name,
                                    layer_type=spec.type)
        elif previous is None:
            raise SpecError("with several inputs, the first layer must say which it takes", line=spec.line,
                            layer=name, layer_type=spec.type,
                            hint="add inputs: [name] (" + ", ".join(sorted(input_names)) + ")")
        else:
            srcs = [previous]
        nodes[name] = _Node(spec, layer, srcs)
        previous = name

    order = _topological(nodes, input_names)

    # run the layers
    shapes: dict[str, Shape | list[Shape]] = {i.name: i.shape for i in inputs}
    records: dict[str, LayerRecord] = {}
    for name in order:
        node = nodes[name]
        layer = node.layer
        in_shapes = [_single(shapes, src, layer) for src in node.inputs]
        n = len(in_shapes)
        if n < layer.min_inputs or (layer.max_inputs is not None and n > layer.max_inputs):
            want = (f"exactly {layer.min_inputs}" if layer.min_inputs == layer.max_inputs else
                    f"at least {layer.min_inputs}" if layer.max_inputs is None else
                    f"{layer.min_inputs} to {layer.max_inputs}")
            raise SpecError(f"takes {want} input{'s' if layer.max_inputs != 1 else ''}, got {n}",
                            line=layer.line, layer=name, layer_type=layer.type_name,
                            hint="set inputs: [...] to the layers it should take")
        calc = Calc(layer, make_nested)
        try:
            out = layer.compute_output_shape(in_shapes, calc)
            layer.build(in_shapes, calc)
        except SpecError as exc:
            raise exc.located(line=layer.line, layer=name, layer_type=layer.type_name) from None
        calc.check()
        shapes[name] = out
        records[name] = LayerRecord(
            name=name, type=layer.type_name, inputs=list(node.inputs),
            output_shape=list(out) if isinstance(out, list) else tuple(out),
            weights=calc.weights, calculation=calc.steps, line=layer.line, block=node.spec.block)

    outputs = net.outputs or ([layers_objs[-1].name] if layers_objs else [inputs[-1].name])
    if resolve is not None:
        outputs = [resolve(o) for o in outputs]
        _block_outputs(net.blocks, resolve)
    for out_name in outputs:
        _check_index(out_name, shapes, net.outputs_line, None, None)
        if _base(out_name) not in shapes:
            raise SpecError(f"unknown output {out_name!r}", line=net.outputs_line,
                            hint=did_you_mean(out_name, shapes) or "outputs must name layers")
        if _INDEXED.fullmatch(out_name):
            _pick(shapes[_base(out_name)], out_name, net.outputs_line, None, None)
    if fw.name == "keras":
        _check_connected(nodes, layer_specs, outputs)
    return Summary(name=net.name, inputs=inputs, layers=[records[s.name] for _, s in
                                                         zip(layer_specs, layers_objs, strict=True)],
                   outputs=list(outputs), framework=fw.name, blocks=list(net.blocks))


def _input_name(fw: Framework, inputs: list[InputRecord], spec: LayerSpec) -> str:
    return fw.input_name if not inputs else f"{fw.input_name}_{len(inputs)}"


_INDEXED = re.compile(r"(.+)\[(-?\d+)\]")
_BRACKETED = re.compile(r"(.+)\[(.*)\]")


def _base(src: str) -> str:
    """``lstm[1]`` -> ``lstm`` (one output of a multi-output layer)."""
    m = _INDEXED.fullmatch(src)
    return m.group(1) if m else src


def _check_index(src: str, known: Any, line: int | None, layer: str | None, layer_type: str | None) -> None:
    """``lstm[x]`` or ``lstm[1`` where ``lstm`` exists: say how to write the index."""
    m = _BRACKETED.fullmatch(src)
    if m and not _INDEXED.fullmatch(src) and m.group(1) in known:
        raise SpecError(f"the index in {src!r} must be a whole number", line=line, layer=layer,
                        layer_type=layer_type, hint=f"write {m.group(1)}[0] for its first output, "
                                                    f"{m.group(1)}[1] for the second ...")


def _pick(shape: Shape | list[Shape], src: str, line: int | None, layer: str | None,
          layer_type: str | None) -> Shape:
    """One output of a multi-output layer; negative indices count from the end, as in Python."""
    index = int(_INDEXED.fullmatch(src).group(2))  # type: ignore[union-attr]
    count = len(shape) if isinstance(shape, list) else 1
    if not isinstance(shape, list) or not -count <= index < count:
        raise SpecError(f"{_base(src)!r} has {count} output{'s' if count > 1 else ''}, no output {index}",
                        line=line, layer=layer, layer_type=layer_type,
                        hint=(f"pick one of {_base(src)}[0] to {_base(src)}[{count - 1}]" if count > 1 else
                              f"write {_base(src)} without an index"))
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
        todo.extend(_base(src) for src in nodes[name].inputs)
    for spec, name in layer_specs:
        if name not in reached:
            raise SpecError("this layer leads to no output, so Keras leaves it out of the model", line=spec.line,
                            layer=name, layer_type=spec.type,
                            hint="list it (or a layer after it) in outputs: [...], or remove it")


def _single(shapes: dict[str, Shape | list[Shape]], src: str, layer: Layer) -> Shape:
    shape = shapes[_base(src)]
    if _INDEXED.fullmatch(src):
        return _pick(shape, src, layer.line, layer.name, layer.type_name)
    if isinstance(shape, list):
        raise SpecError(f"input {src!r} has several outputs", line=layer.line, layer=layer.name,
                        layer_type=layer.type_name, hint=f"take one of them with {src}[0], {src}[1] ...")
    return shape
