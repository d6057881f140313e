"""Compare what the code reader computed (a ``Summary``) with what real Keras built (``keras_truth``).

Rows are matched by (parent, name): every layer the model shows, nested models' layers included, must
be in the summary with the same type, output shape and three counts, and nothing else may be there.
Input layers are compared as the summary's inputs (names and shapes), not as rows; the input rows a
nested functional model shows under its own row are left out on both sides.  Totals must be equal.
"""

from __future__ import annotations

from typing import Any

COUNTS = ("params", "trainable_params", "non_trainable_params")


def _shape(shape: Any) -> Any:
    """A shape as a tuple, or a tuple of tuples for several outputs (JSON lists and engine tuples alike)."""
    if shape is None:
        return None
    if shape and isinstance(shape[0], list | tuple):
        return tuple(_shape(s) for s in shape)
    return tuple(shape)


def truth_rows(truth: dict[str, Any]) -> dict[tuple[str | None, str], dict[str, Any]]:
    """The rows real Keras shows, keyed by (parent, name), without input layers."""
    return {(r.get("parent"), r["name"]): r for r in truth["layers"] if r["type"] != "InputLayer"}


def differences(summary: Any, truth: dict[str, Any]) -> list[str]:
    """Every way ``summary`` differs from the ground truth, one line each; empty when they agree."""
    out: list[str] = []
    real = truth_rows(truth)
    ours = {(rec.parent, rec.name): rec for rec in summary.layers if rec.type != "InputLayer"}
    for key in real.keys() - ours.keys():
        out.append(f"missing layer {_key(key)} ({real[key]['type']})")
    for key in ours.keys() - real.keys():
        out.append(f"extra layer {_key(key)} ({ours[key].type}); Keras has no such row")
    for key in [k for k in real if k in ours]:
        rec, row = ours[key], real[key]
        if rec.type != row["type"]:
            out.append(f"{_key(key)}: type {rec.type} but Keras shows {row['type']}")
        if _shape(rec.output_shape) != _shape(row["output_shape"]):
            out.append(f"{_key(key)}: output shape {_shape(rec.output_shape)} but Keras has "
                       f"{_shape(row['output_shape'])}")
        for count in COUNTS:
            if getattr(rec, count) != row[count]:
                out.append(f"{_key(key)}: {count} {getattr(rec, count):,} but Keras counts {row[count]:,}")
    real_inputs = [(i["name"], _shape(i["shape"])) for i in truth["inputs"]]
    our_inputs = [(i.name, _shape(i.shape)) for i in summary.inputs]
    if our_inputs != real_inputs:
        out.append(f"inputs {our_inputs} but Keras has {real_inputs}")
    for count in ("total_params", "trainable_params", "non_trainable_params"):
        if getattr(summary, count) != truth[count]:
            out.append(f"{count} {getattr(summary, count):,} but Keras counts {truth[count]:,}")
    return out


def _key(key: tuple[str | None, str]) -> str:
    parent, name = key
    return f"{name!r}" if parent is None else f"{name!r} (in {parent!r})"


def truth_table(truth: dict[str, Any]) -> str:
    """The ground truth as a short text table, for failure messages."""
    lines = [f"Keras {truth.get('versions', {}).get('keras', '?')}: model {truth['model']['name']!r} "
             f"({truth['model']['type']}), inputs {[(i['name'], i['shape']) for i in truth['inputs']]}"]
    for r in truth["layers"]:
        indent = "  " * (r.get("depth", 0) + 1)
        lines.append(f"{indent}{r['name']} ({r['type']}) {r['output_shape']} "
                     f"{r['params']} = {r['trainable_params']} + {r['non_trainable_params']}")
    lines.append(f"  total {truth['total_params']} = {truth['trainable_params']} + {truth['non_trainable_params']}")
    return "\n".join(lines)
