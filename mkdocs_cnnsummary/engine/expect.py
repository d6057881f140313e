"""The ``expect:`` key: values the author asserts, checked against what was computed.

```yaml
expect:
  total_params: 217706
  trainable_params: 217706
  non_trainable_params: 0
  conv2d: {output_shape: [null, 24, 24, 32], params: 832}
```

Keys other than the totals (``total_params``, ``trainable_params``, ``non_trainable_params``,
``total_buffers`` (PyTorch's buffers), ``total_macs``, ``total_flops``, ``total_other_ops``) name layers (they
may also be grouped under ``layers:``), or block instances of a compact spec, whose counts are the sums over their
layers and whose output shape is that of their output; a layer may also expect ``buffers``, ``macs``, ``flops``,
``other_ops`` and ``activations``.  A module called more than once (PyTorch) is its first call's row, the one
that counts its tensors.  A mismatch is a :class:`SpecError` on the line of the entry.
"""

from __future__ import annotations

from ..i18n import _
from .errors import SpecError, did_you_mean, printable, shown
from .spec import name_hint
from .summary import BlockInstance, LayerRecord, LayerSums, Shape, Summary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TOTAL_KEYS = ("total_params", "trainable_params", "non_trainable_params", "total_buffers", "total_macs",
              "total_flops", "total_other_ops")
LAYER_KEYS = ("output_shape", "params", "trainable_params", "non_trainable_params", "buffers", "macs", "flops",
              "other_ops", "activations")


def _line(container: Any, key: Any, default: int | None) -> int | None:
    key_lines = getattr(container, "key_lines", None)
    if key_lines and key in key_lines:
        return key_lines[key]
    return default


def _count(value: Any, what: str, line: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(_("expect: {what} must be a whole number, got {value}", what=what, value=shown(value)),
                        line=line,
                        hint=_("write the number without quotes; 2_097_664 is allowed"))
    return value


def _fmt(n: int | None) -> str:
    return _("unknown") if n is None else f"{n:,}"


def _shape_text(shape: Shape | list[Shape]) -> str:
    def one(s: Shape) -> str:
        return "[" + ", ".join("null" if d is None else str(d) for d in s) + "]"

    text = "[" + ", ".join(one(s) for s in shape) + "]" if isinstance(shape, list) else one(shape)
    return printable(text, 200)


def _as_shape(value: Any, line: int | None) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple) or not all(
            d is None or isinstance(d, str) or (isinstance(d, int) and not isinstance(d, bool)) for d in value):
        raise SpecError(_("expect: output_shape must be a list of sizes, got {value}", value=shown(value)), line=line,
                        hint=_("e.g. output_shape: [null, 24, 24, 32] (null = the batch or an unknown size)"))
    return tuple(_spaceless(d) for d in value)


def _spaceless(d: Any) -> Any:
    """A size written with names, as the table shows it (``⌈H/2⌉ − 1``), compared without spaces."""
    return "".join(str(d).split()) if d is not None and not isinstance(d, int) else d


def _shape_matches(expected: Any, computed: Shape | list[Shape], line: int | None) -> bool:
    """Compare, accepting the shape with or without the batch dimension."""
    if isinstance(computed, list):
        if not isinstance(expected, list | tuple) or not all(isinstance(e, list | tuple) for e in expected):
            return False
        return len(expected) == len(computed) and all(
            _shape_matches(list(e), c, line) for e, c in zip(expected, computed, strict=True))
    want = _as_shape(expected, line)
    got = tuple(_spaceless(d) for d in computed)
    return want == got or want == got[1:]


def _check_totals(summary: Summary, key: str, value: Any, line: int | None) -> None:
    want = _count(value, key, line)
    got = getattr(summary, key)
    if want != got:
        raise SpecError(_("expect: {key} is {fmt} but the network computes {fmt2}", key=key, fmt=_fmt(want),
                          fmt2=_fmt(got)), line=line,
                        hint=_("correct the network or the expected value"))


def _check_layer(record: LayerRecord, entries: Any, line: int | None) -> None:
    if not isinstance(entries, dict):
        raise SpecError(_("expect: layer {name} needs a mapping such as {{params: 832}}", name=shown(record.name)),
                        line=line)
    for key, value in entries.items():
        key_line = _line(entries, key, line)
        if key not in LAYER_KEYS:
            raise SpecError(_("expect: unknown key {key} for layer {name}", key=shown(key), name=shown(record.name)),
                            line=key_line,
                            layer=record.name, layer_type=record.type,
                            hint=(did_you_mean(str(key), LAYER_KEYS) or _("allowed: {LAYER_KEYS}",
                                                                          LAYER_KEYS=", ".join(LAYER_KEYS))))
        if key == "output_shape":
            if not _shape_matches(value, record.output_shape, key_line):
                raise SpecError(
                    _("expect: output_shape is {shape_text} but the network computes {shape_text2}",
                      shape_text=_shape_text(_as_listed(value)), shape_text2=_shape_text(record.output_shape)),
                                line=key_line, layer=record.name,
                    layer_type=record.type, hint=_("correct the network or the expected shape"))
            continue
        want = _count(value, f"{record.name}.{key}", key_line)
        got = getattr(record, key)
        if want != got:
            raise SpecError(_("expect: {key} is {fmt} but the network computes {fmt2}", key=key, fmt=_fmt(want),
                              fmt2=_fmt(got)),
                            line=key_line, layer=record.name, layer_type=record.type,
                            hint=_("correct the network or the expected value"))


def _as_listed(value: Any) -> Any:
    if isinstance(value, list | tuple) and value and all(isinstance(v, list | tuple) for v in value):
        return [tuple(v) for v in value]
    return tuple(value) if isinstance(value, list | tuple) else value


def check_expectations(summary: Summary, expect: Any, line: int | None = None) -> None:
    """Raise SpecError at the first expected value that differs from the computed one."""
    if expect is None:
        return
    if not isinstance(expect, dict):
        raise SpecError(_("expect must be a mapping, e.g. expect: {total_params: 832}"), line=line)
    layers: dict[str, Any] = {}  # the records, and the block instances (seen as one layer when asked for)
    for rec in summary.layers:  # a top-level row wins over a nested one of the same name; a module's first call
        if rec.name not in layers or (rec.parent is None and "call" not in rec.extra):  # over its further calls
            layers[rec.name] = rec
    for instance in summary.blocks:
        layers.setdefault(instance.name, instance)
    for key, value in expect.items():
        key_line = _line(expect, key, line)
        if key in TOTAL_KEYS:
            _check_totals(summary, key, value, key_line)
        elif key == "layers" and "layers" not in layers:
            if not isinstance(value, dict):
                raise SpecError(_("expect: layers must map layer names to expected values"), line=key_line)
            for name, entries in value.items():
                _check_named(summary, layers, name, entries, _line(value, name, key_line))
        else:
            _check_named(summary, layers, key, value, key_line)


class _InstanceRecord(LayerSums):
    """A block instance seen as one layer: its output's shape and the sums of its layers' counts."""

    def __init__(self, summary: Summary, instance: Any) -> None:
        self.name, self.type = instance.name, instance.block
        self.layers = summary.block_layers(instance.name)
        out = next((r for r in self.layers if r.name == instance.output), self.layers[-1] if self.layers else None)
        self.output_shape = out.output_shape if out is not None else ()
        self.output = out

    @property
    def activations(self) -> int | None:
        """Its output's activations, computed when an expectation asks for them."""
        return self.output.activations if self.output is not None else None


def _check_named(summary: Summary, layers: dict[str, Any], name: Any, entries: Any, line: int | None) -> None:
    if name not in layers:
        hint = did_you_mean(name, [*layers, *TOTAL_KEYS]) if isinstance(name, str) else name_hint(name)
        raise SpecError(_("expect: no layer named {name}", name=shown(name)), line=line,
                        hint=(hint or _("expect takes total_params, trainable_params, non_trainable_params, "
                                        "total_buffers and layer names")))
    record = layers[name]
    if isinstance(record, BlockInstance):  # its layers found and summed only when an expectation names it
        record = _InstanceRecord(summary, record)
    _check_layer(record, entries, line)
