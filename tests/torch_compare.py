"""Compare what the PyTorch code reader computed (a ``Summary``) with what real PyTorch did (``torch_truth``).

What the summary must show, row by row (``differences`` lists every way it does not):

- **Modules** by their qualified name from ``named_modules()`` (``layer1.0.conv1``), one row per
  call, in call order, each with the module's class (a lazy module's class before or after its first
  call), the output shape of that call (sizes that follow the batch are None; RNN/LSTM/GRU and
  MultiheadAttention show their first output, other tuples one shape per tensor), its ``parent``
  (the qualified name of the module it belongs to; None at the top) and ``depth`` (0 at the top,
  the parent's depth + 1 below it).  Containers (Sequential, ModuleList, user modules) are rows too.
  A ModuleList or ModuleDict (never called itself) has one row when modules in it are called, with
  no shape to compare; a module that is never called and holds nothing called needs no row.
- **Parameters counted once**: the first row of a module counts the parameters and buffers
  ``model.named_parameters()`` / ``named_buffers()`` attribute to it (a shared or tied tensor belongs
  to the first name PyTorch gives it), a container's first row those of everything in it; its later
  rows (further calls) count none.
- **Functional operations** (where torch.fx could trace the model) as rows named as torch.fx names
  them (``add``, ``add_1``, ``cat``, ``view``, ``getitem``), with their output shape, no parameters and
  the module whose ``forward`` they are in as ``parent``.  Where tracing failed, rows that are not
  modules are not checked.
- **Totals** equal to PyTorch's: parameters (shared ones once), trainable ones and buffers; the
  inputs' shapes with the batch as None.
- The model's own tensors (``self.class_token`` of the model itself, which no module row can hold)
  may be rows named after them, at the top, holding exactly those tensors.
- Nothing else: a row that is neither a module, an operation nor one of those tensors is reported.
- **Activations** (where torch.fx could trace the model): the memory estimate counts, per sample, the
  elements of every tensor ``forward()`` makes, each once (``real_activations``), with a peak that is
  a part of them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from torch_truth import FIRST_OUTPUT

Shape = Any


def _shape(shape: Any) -> Shape:
    """A shape as a tuple, or a list of tuples for several outputs (JSON lists and engine tuples alike)."""
    if shape is None:
        return None
    if shape and isinstance(shape[0], list | tuple):
        return [tuple(s) for s in shape]
    return tuple(shape)


def shown_shape(output: dict[str, Any], type_name: str) -> Shape:
    """The output shape a summary row shows for one recorded call or operation."""
    shapes = [tuple(s) for s in output["shapes"]]
    if output["single"] or (type_name in FIRST_OUTPUT and shapes):
        return shapes[0]
    return shapes


def _ours(rec: Any) -> Shape:
    if rec.multi_output:
        return [tuple(s) for s in rec.output_shape]
    return tuple(rec.output_shape)


def needed_modules(truth: dict[str, Any]) -> set[str]:
    """The modules that need rows: the called ones and every module they belong to (a ModuleList is never called)."""
    out = set()
    for m in truth["modules"]:
        if m["name"] and m["calls"]:
            parts = m["name"].split(".")
            out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out & {m["name"] for m in truth["modules"]}


def row_order(truth: dict[str, Any]) -> list[tuple[str, int | None]]:
    """The module rows in call order, as (name, call index); a ModuleList's row (no call) before its first module."""
    modules = {m["name"]: m for m in truth["modules"]}
    out: list[tuple[str, int | None]] = []
    seen: dict[str, int] = defaultdict(int)
    for name in truth["order"]:
        parts = name.split(".")
        for holder in (".".join(parts[:i]) for i in range(1, len(parts))):
            if holder in modules and not modules[holder]["calls"] and holder not in seen:
                seen[holder] = 0
                out.append((holder, None))
        out.append((name, seen[name]))
        seen[name] += 1
    return out


def differences(summary: Any, truth: dict[str, Any]) -> list[str]:
    """Every way ``summary`` differs from the ground truth, one line each; empty when they agree."""
    out: list[str] = []
    modules = {m["name"]: m for m in truth["modules"] if m["name"]}
    ops = {op["name"]: op for op in truth["functional"]} if truth["functional"] is not None else None
    rows: dict[str, list[Any]] = defaultdict(list)
    for rec in summary.layers:
        rows[rec.name].append(rec)
    depth_of = {name: m["depth"] for name, m in modules.items()}

    holders = needed_modules(truth)
    for name, m in modules.items():
        got, calls = rows.get(name, []), m["calls"]
        if not calls and not got and name not in holders:
            continue  # never called (an unused branch, an attention's out_proj): no row needed
        if calls and len(got) != len(calls):
            out.append(f"module {name!r} ({m['type']}) is called {len(calls)} time(s) but has {len(got)} row(s)")
        elif not calls and name in holders and len(got) != 1:
            out.append(f"module {name!r} ({m['type']}) holds called modules, so it needs one row, not {len(got)}")
        for i, rec in enumerate(got):
            where = f"module {name!r}" + (f" (call {i + 1})" if len(got) > 1 else "")
            if rec.type not in (m["type"], m["declared_type"]):
                out.append(f"{where}: type {rec.type} but PyTorch has {m['declared_type']}")
            real = shown_shape(calls[i], m["type"]) if i < len(calls) else None
            out += _place(where, rec, real, m["parent"], depth_of)
            suffix = "" if m["leaf"] else "_recursive"
            first = i == 0
            for ours, key, what in ((rec.params, f"owned_params{suffix}", "parameters"),
                                    (rec.trainable_params, f"owned_trainable_params{suffix}", "trainable parameters"),
                                    (rec.buffers, f"owned_buffers{suffix}", "buffers")):
                expected = m[key] if first else 0
                if ours != expected:
                    note = "" if first else " (a further call: its tensors are counted in its first row)"
                    out.append(f"{where}: {ours:,} {what} but PyTorch attributes {expected:,} to it{note}")

    if ops is not None:
        for name, op in ops.items():
            got = rows.get(name, [])
            if len(got) != 1:
                out.append(f"operation {name!r} ({op['target']}) has {len(got)} row(s), not one")
                continue
            rec = got[0]
            where = f"operation {name!r} ({op['target']})"
            out += _place(where, rec, shown_shape(op["output"], op["target"]), op["parent"], depth_of)
            if rec.params or rec.buffers:
                out.append(f"operation {name!r}: {rec.params:,} parameters and {rec.buffers:,} buffers, not none")
        known = modules.keys() | ops.keys() | truth["root_tensors"].keys()
        for name in rows.keys() - known:
            out.append(f"extra row {name!r} ({rows[name][0].type}): neither a module of the model nor a "
                       "torch.fx operation of its forward()")
    else:
        for name in rows.keys() - modules.keys() - truth["root_tensors"].keys():
            if rows[name][0].params or rows[name][0].buffers:
                out.append(f"row {name!r} ({rows[name][0].type}) is no module but counts parameters or buffers")
    for name, counts in truth["root_tensors"].items():
        for rec in rows.get(name, []) if name not in modules and (ops is None or name not in ops) else []:
            if (rec.params, rec.buffers, rec.parent) != (counts["params"], counts["buffers"], None):
                out.append(f"row {name!r} stands for the model's own tensor {name!r}: {counts['params']:,} "
                           f"parameters and {counts['buffers']:,} buffers at the top, not {rec.params:,} and "
                           f"{rec.buffers:,} under {rec.parent!r}")

    real_inputs = [_shape(s) for s in truth["inputs"]]
    our_inputs = [_shape(i.shape) for i in summary.inputs]
    if our_inputs != real_inputs:
        out.append(f"inputs {our_inputs} but forward() was given {real_inputs}")
    for ours, key in ((summary.total_params, "total_params"), (summary.trainable_params, "trainable_params"),
                      (summary.total_buffers, "total_buffers")):
        if ours != truth[key]:
            out.append(f"{key} {ours:,} but PyTorch counts {truth[key]:,}")
    return out


def _place(where: str, rec: Any, shape: Shape, parent: str | None, depth_of: dict[str, int]) -> list[str]:
    """How a row's output shape (None: not compared), parent and depth differ from PyTorch's."""
    out = []
    if shape is not None and _ours(rec) != shape:
        out.append(f"{where}: output shape {_ours(rec)} but PyTorch gives {shape}")
    if rec.parent != parent:
        out.append(f"{where}: parent {rec.parent!r} but it is in {parent!r}")
    depth = 0 if parent is None else depth_of[parent] + 1
    if rec.depth != depth:
        out.append(f"{where}: depth {rec.depth} but it is {depth} deep")
    return out


def assert_reads_as_pytorch(text: str, truth: dict[str, Any], where: str, **kwargs: Any) -> None:
    """Summarise ``text`` with ``kwargs`` and fail with every difference from ``truth`` (and PyTorch's table)."""
    import pytest
    from arith import check_steps

    from mkdocs_cnnsummary import summarize

    try:
        summary = summarize(text, **kwargs)
        check_steps(summary)
    except Exception as exc:  # show what was read, so the failure can be reproduced
        pytest.fail(f"{where}\n{type(exc).__name__}: {exc}\n{truth_table(truth)}")
    diffs = differences(summary, truth) or activation_differences(summary, truth)
    if diffs:
        pytest.fail(f"{where}\n" + "\n".join(diffs) + "\n" + truth_table(truth))


#: modules that hold others and compute nothing of their own
CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")


def real_activations(truth: dict[str, Any]) -> int | None:
    """The output elements per sample of every tensor ``forward()`` made, as PyTorch ran it, the way torch.fx sees
    the computation: the inputs, each call of each module torch.fx does not trace into, as its row shows the output
    (an innermost module of ``torch.nn`` that calls others, such as a TransformerEncoderLayer, whose inner tensors
    are not counted, as its submodules' rows are counted in its own; or one that calls no module and runs no
    operation), and each torch.fx operation; None where torch.fx could not
    trace.  A Sequential makes no tensor of its own: its output is its last module's, or its input when empty."""
    if truth["functional"] is None:
        return None
    from torch import nn

    ops = truth["functional"]
    inside = {op["parent"] for op in ops if op["parent"]}
    called = [m for m in truth["modules"] if m["name"] and m["calls"]]
    composite = {m["name"] for m in called if hasattr(nn, m["type"]) and m["type"] not in CONTAINERS
                 and any(other["name"].startswith(m["name"] + ".") for other in called)}
    leaves = {name for name in composite if not any(other.startswith(name + ".") for other in composite)}
    holders = {".".join(m["name"].split(".")[:i]) for m in called for i in range(1, m["name"].count(".") + 1)}
    holders |= {".".join(p.split(".")[:i]) for p in inside for i in range(1, p.count(".") + 2)}
    total = sum(_per_sample(s) for s in truth["inputs"])
    for m in called:
        name = m["name"]
        if any(name.startswith(leaf + ".") for leaf in leaves):
            continue  # inside a torch.nn module: counted in its output
        if (name in leaves or name not in holders) and m["type"] not in CONTAINERS:
            total += sum(_per_sample(s) for call in m["calls"] for s in _listed(shown_shape(call, m["type"])))
    return total + sum(_per_sample(s) for op in ops for s in _listed(shown_shape(op["output"], op["target"])))


def _listed(shape: Shape) -> list[tuple]:
    return shape if isinstance(shape, list) else [shape]


def _per_sample(shape: Any) -> int:
    """Elements per sample: the sizes but the batch axis (the first)."""
    n = 1
    for d in shape[1:]:
        n *= d if d is not None else 1
    return n


def activation_differences(summary: Any, truth: dict[str, Any]) -> list[str]:
    """How the memory estimate's activations (the inputs and every step's output, each once) differ from the
    elements of the tensors PyTorch made; none to check where torch.fx could not trace the model."""
    from mkdocs_cnnsummary.engine.memory import estimate

    real = real_activations(truth)
    if real is None:
        return []
    memory = estimate(summary, "float32")
    ours = None if memory.activations is None else memory.activations // (4 * summary.batch)
    out = [] if ours == real else [f"activations kept for backward: {ours} elements per sample but PyTorch's "
                                   f"forward() makes {real:,}"]
    if memory.peak_activations is None or not 0 < memory.peak_activations <= memory.activations:
        out.append(f"the largest set of live activations is {memory.peak_activations}, not a part of all of them")
    return out


def truth_table(truth: dict[str, Any]) -> str:
    """The ground truth as a short text table (modules in call order, then operations), for failure messages."""
    if not truth.get("ok"):
        return f"PyTorch: {truth.get('error')}"
    modules = {m["name"]: m for m in truth["modules"]}
    lines = [f"PyTorch {truth['versions']['torch']} ({truth['device']}): {truth['model']['type']}, "
             f"inputs {truth['inputs']}"]
    for name, i in row_order(truth):
        m = modules[name]
        suffix = "" if m["leaf"] else "_recursive"
        counts = (f"{m['owned_params' + suffix]:,} params, {m['owned_buffers' + suffix]:,} buffers" if not i
                  else "a further call")
        shape = "(not called)" if i is None else shown_shape(m["calls"][i], m["type"])
        lines.append(f"{'  ' * (m['depth'] + 1)}{name} ({m['type']}) {shape} {counts}")
    holders = needed_modules(truth)
    uncalled = [n for n, m in modules.items() if n and not m["calls"] and n not in holders]
    if uncalled:
        lines.append(f"  never called: {', '.join(uncalled)}")
    if truth["functional"] is None:
        lines.append(f"  operations: not traced ({truth['fx_error']})")
    else:
        for op in truth["functional"]:
            lines.append(f"  op {op['name']} ({op['target']}, in {op['parent']!r}) "
                         f"{shown_shape(op['output'], op['target'])}")
    lines.append(f"  total {truth['total_params']:,} params ({truth['trainable_params']:,} trainable), "
                 f"{truth['total_buffers']:,} buffers")
    return "\n".join(lines)
