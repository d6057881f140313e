"""A NetworkSpec written back as the YAML spec format (``cnnsummary model.py --to-spec``).

Every layer gets its name (so the spec keeps Keras' names), its arguments by name, its ``inputs``
where it does not simply take the item before it, and ``trainable: false`` when frozen; a model used
as a layer is an item whose value is a whole spec.  Summarising the YAML gives the same JSON as
summarising the code (the code's warnings aside).
"""

from __future__ import annotations

from typing import Any

import yaml

from ..engine.errors import SpecError
from ..engine.layer import lookup
from ..engine.modules import call_name
from ..engine.spec import LayerSpec, NetworkSpec
from ..i18n import _


def spec_data(net: NetworkSpec, framework: str | None = None, top: bool = True) -> dict[str, Any]:
    """The spec as plain data (what the YAML shows)."""
    fw = net.framework or framework or "keras"
    out: dict[str, Any] = {}
    if top and net.name:
        out["name"] = net.name
    if top:
        out["framework"] = fw
    if net.inputs:
        out["inputs"] = {i.name or "input": _plain(i.shape) for i in net.inputs}
    previous = net.inputs[0].name if len(net.inputs) == 1 else None
    items = []
    for spec in net.layers:
        item = _item(spec, fw, previous)
        items.append(item)
        if not spec.holder and spec.called:  # a row without an output is no one's input
            previous = call_name(spec) if spec.call is not None else spec.name
    out["layers"] = items
    if net.outputs:
        out["outputs"] = list(net.outputs)
    return out


def _item(spec: LayerSpec, framework: str, previous: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if spec.name is not None:
        item["name"] = spec.name
    if spec.reuse is not None:
        item["reuse"] = spec.reuse
        item["inputs"] = list(spec.inputs or [])
        if spec.parent is not None:
            item["parent"] = spec.parent
        return item
    if spec.holder:
        item["module"] = spec.type
        if spec.parent is not None:
            item["parent"] = spec.parent
        return item
    if spec.call is not None:
        item["call"] = spec.call
    if spec.network is not None:
        item[spec.type] = spec_data(spec.network, framework, top=False)
    else:
        item[spec.type] = _arguments(spec, framework)
    if spec.inputs and spec.inputs != [previous]:  # none: a layer that takes no input (a PyTorch Parameter)
        item["inputs"] = list(spec.inputs)
    if spec.trainable is False:
        item["trainable"] = False
    for key, value in (("parent", spec.parent), ("tied", spec.tied)):
        if value is not None:
            item[key] = value
    if not spec.called:
        item.pop("inputs", None)
        item["called"] = False
    if spec.hidden:
        item["hidden"] = True
    return item


def _arguments(spec: LayerSpec, framework: str) -> dict[str, Any] | None:
    """Positional arguments by their names, then the keyword arguments."""
    try:
        cls = lookup(framework, spec.type)
    except SpecError:
        cls = None
    values: dict[str, Any] = {}
    if spec.args:
        positional = [a.name for a in cls.arguments if not a.keyword_only] if cls is not None else []
        if len(spec.args) > len(positional):
            raise SpecError(_("{type} has more positional arguments than it declares", type=spec.type), layer=spec.name)
        for name, value in zip(positional, spec.args, strict=False):
            values[name] = _plain(value)
    for key, value in spec.kwargs.items():
        values[key] = _plain(value)
    return values or None


def _plain(value: Any) -> Any:
    """A value YAML can hold: nested layers as ``Type(args...)`` calls, tuples as lists."""
    if isinstance(value, LayerSpec):
        return _call(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _call(spec: LayerSpec) -> str:
    parts = [_literal(a) for a in spec.args]
    parts += [f"{k}={_literal(v)}" for k, v in spec.kwargs.items()]
    if spec.name is not None:
        parts.append(f"name={spec.name!r}")
    if spec.trainable is False:
        parts.append("trainable=False")
    return f"{spec.type}({', '.join(parts)})"


def _literal(value: Any) -> str:
    if isinstance(value, LayerSpec):
        return _call(value)
    if isinstance(value, list | tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if isinstance(value, tuple) and len(value) == 1 else (
            f"({inner})" if isinstance(value, tuple) else f"[{inner}]")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


class _Dumper(yaml.SafeDumper):
    """Short lists and small mappings of arguments on one line; items one per line."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(v, dict | list) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    flow = all(not isinstance(v, dict | list) or (isinstance(v, list) and all(
        not isinstance(x, dict | list) for x in v)) for v in data.values()) and "layers" not in data and \
        not any(isinstance(v, dict) for v in data.values()) and len(data) <= 8 and "name" not in data
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def to_yaml(net: NetworkSpec, framework: str | None = None, comments: list[str] | None = None) -> str:
    """The YAML spec text of a network (``comments`` become ``#`` lines at the top)."""
    text = yaml.dump(spec_data(net, framework), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    head = "".join(f"# {line}\n" for line in comments or [])
    return head + text
