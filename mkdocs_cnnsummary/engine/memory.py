"""Memory estimates: the weights, the activations, and what inference and training need, worked out.

The model (an estimate: frameworks keep more or fewer tensors, fuse, recompute, and allocate with
padding and workspaces):

- **weights** = (parameters + buffers) × bytes per value;
- **activations** of a layer = its output elements × batch × bytes per value;
- **inference** = weights + the largest set of activations alive at once, running the layers in order:
  a tensor lives from the layer that makes it to the last layer that reads it (the network's outputs
  to the end);
- **training** = weights + gradients (one per trainable parameter) + optimizer state (SGD with momentum:
  one value per trainable parameter; Adam: two) + every activation, kept for the backward pass (the
  inputs and every layer's output).

Sizes are exact byte counts; the units (MB = 10⁶ bytes, MiB = 2²⁰ bytes ...) only change how they are
written.
"""

from __future__ import annotations

from ..i18n import S_, _
from .errors import SpecError, did_you_mean
from .expr import Expr, product, total, var
from .records import field, record
from .summary import Step, Summary, source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: bytes per value
DTYPES = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}
#: unit families: the decimal one (MB = 10⁶ bytes) or the binary one (MiB = 2²⁰ bytes)
UNITS = {"MB": ((10**3, ("B", "kB", "MB", "GB", "TB"))), "MiB": ((2**10, ("B", "KiB", "MiB", "GiB", "TiB")))}
OPTIMIZERS = {S_("SGD with momentum"): 1, "Adam": 2}


def check_dtype(name: str) -> str:
    key = name.strip().lower()
    if key not in DTYPES:
        raise SpecError(_("unknown dtype {name!r}", name=name),
                        hint=did_you_mean(key, DTYPES) or _("use one of {DTYPES}", DTYPES=", ".join(DTYPES)))
    return key


def check_units(name: str) -> str:
    key = {"mb": "MB", "mib": "MiB", "si": "MB", "decimal": "MB", "binary": "MiB", "iec": "MiB"}.get(
        name.strip().lower())
    if key is None:
        raise SpecError(_("unknown units {name!r}", name=name), hint=_("use MB (10⁶ bytes) or MiB (2²⁰ bytes)"))
    return key


def readable(n_bytes: int, units: str = "MiB") -> str:
    """``13,200,000`` bytes -> ``12.59 MiB`` (or ``13.20 MB``)."""
    base, names = UNITS[check_units(units)]
    size = float(n_bytes)
    for unit in names:
        if size < base or unit == names[-1]:
            return f"{n_bytes:,} B" if unit == "B" else f"{size:.2f} {unit}"
        size /= base
    raise AssertionError("unreachable")  # pragma: no cover


@record
class MemoryEstimate:
    """The estimate for one dtype and batch: exact byte counts (None where a size is unknown) and steps."""

    dtype: str
    batch: int
    weights: int
    activations: int | None
    peak_activations: int | None
    inference: int | None
    training: dict[str, int | None]
    steps: list[Step] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"dtype": self.dtype, "bytes_per_value": DTYPES[self.dtype], "batch": self.batch,
                "weights": self.weights, "activations": self.activations,
                "peak_activations": self.peak_activations, "inference": self.inference,
                "training": dict(self.training), "steps": [s.to_dict() for s in self.steps]}


def _step(steps: list[Step], quantity: str, expr: Expr, note: str | None = None) -> int | None:
    value = expr.value
    if value is None:
        missing = expr.unknowns()
        why = _("unknown because {value} is unknown", value=missing[0].desc or missing[0].symbol) if missing \
            else _("unknown")
        steps.append(Step(quantity, expr.sym(), None, None, _("{why}; {note}", why=why, note=note) if note else why,
                          "memory"))
        return None
    steps.append(Step(quantity, expr.sym(), expr.num(), int(value), note, "memory"))
    return int(value)


def _order(summary: Summary) -> list[str]:
    """The layers in an order where each comes after the ones it reads: by depth (an input is 0, a layer one
    more than its deepest source), then in the spec's order; linear in the number of layers and edges."""
    depth: dict[str, int] = {i.name: 0 for i in summary.inputs}
    by_name = {rec.name: rec for rec in summary.layers}
    for rec in summary.layers:
        stack = [rec]
        while stack:  # an explicit stack: a chain of any length costs no recursion
            top = stack[-1]
            if top.name in depth:
                stack.pop()
                continue
            missing = [by_name[b] for b in (source(src)[0] for src in top.inputs) if b not in depth]
            if missing:
                if len(stack) > len(by_name):  # pragma: no cover - the engine has refused cycles
                    raise AssertionError("the layers form a cycle")
                stack.extend(missing)
                continue
            depth[top.name] = 1 + max((depth[source(src)[0]] for src in top.inputs), default=0)
            stack.pop()
    index = {rec.name: i for i, rec in enumerate(summary.layers)}
    return sorted(index, key=lambda name: (depth[name], index[name]))


def peak_live(summary: Summary) -> tuple[int | None, str | None]:
    """The most output elements (per sample) alive at once, and the layer at which that happens."""
    sizes: dict[str, int | None] = {i.name: elements(i.shape) for i in summary.inputs}
    sizes.update({rec.name: rec.activations for rec in summary.layers})
    order = _order(summary)
    step_of = {name: i for i, name in enumerate(order)}
    last_use: dict[str, int] = {name: step_of.get(name, -1) for name in sizes}
    for rec in summary.layers:
        for src in rec.inputs:
            base = source(src)[0]
            last_use[base] = max(last_use[base], step_of[rec.name])
    for out in summary.outputs:
        last_use[source(out)[0]] = len(order)
    # a tensor is alive from the step that makes it to its last reader: add it there, drop it after
    change = [0] * (len(order) + 2)
    unknown = [0] * (len(order) + 2)
    for n, size in sizes.items():
        start, end = max(step_of.get(n, -1), 0), last_use[n]
        if end < start:
            continue
        if size is None:
            unknown[start] += 1
            unknown[end + 1] -= 1
        else:
            change[start] += size
            change[end + 1] -= size
    best, where, live, blind = 0, None, 0, 0
    for i, name in enumerate(order):
        live, blind = live + change[i], blind + unknown[i]
        if blind:
            return None, name
        if live > best:
            best, where = live, name
    return best, where


def elements(shape: tuple[int | None, ...]) -> int | None:
    """Elements per sample of a shape with its batch axis (None when a size is unknown or written with names)."""
    n = 1
    for d in shape[1:]:
        if not isinstance(d, int):
            return None
        n *= d
    return n


def estimate(summary: Summary, dtype: str = "float32") -> MemoryEstimate:
    """The memory estimate of a computed network for values of ``dtype`` (batch: the summary's)."""
    dtype = check_dtype(dtype)
    steps: list[Step] = []
    b = var("bytes", DTYPES[dtype], S_("bytes per {dtype} value", dtype=dtype))
    n = var("N", summary.batch, S_("the batch size"))
    params = var("params", summary.total_params)
    trainable = var("trainable", summary.trainable_params)
    weight_terms: Expr = params
    note = _("every parameter stored as {dtype}", dtype=dtype)
    if summary.total_buffers:
        weight_terms = params + var("buffers", summary.total_buffers)
        note += _(" (buffers too)")
    weights = _step(steps, S_("weights"), (weight_terms if summary.total_buffers else params) * b, note)
    assert weights is not None
    inputs = [elements(i.shape) for i in summary.inputs]
    outputs = [rec.activations for rec in summary.layers]
    all_elements = var("elements", None if None in inputs + outputs else sum(inputs + outputs),  # type: ignore[arg-type]
                       S_("the output size of a layer"))
    activations = _step(steps, S_("activations kept for backward"), product([n, all_elements, b]),
                        _("the inputs and every layer's output, per sample, times the batch"))
    live, where = peak_live(summary)
    peak = _step(steps, S_("largest set of live activations"),
                 product([n, var("live", live, S_("an output size")), b]),
                 _("the tensors alive when {where} runs (each lives until its last reader)", where=where)
                 if where else None)
    inference = _step(steps, S_("inference"),
                      var("weights", weights) + var("peak", peak, S_("a live activation size")),
                      _("weights + the largest set of live activations"))
    training: dict[str, int | None] = {}
    for optimizer, states in OPTIMIZERS.items():
        terms = [var("weights", weights), trainable * b, var("states", states) * trainable * b,
                 var("activations", activations, S_("an activation size"))]
        training[optimizer] = _step(
            steps, S_("training ({optimizer})", optimizer=optimizer), total(terms),
            _("weights + gradients + {states} optimizer value{value} per trainable parameter + the activations "
              "kept for backward", states=states, value="s" if states > 1 else ""))
    return MemoryEstimate(dtype, summary.batch, weights, activations, peak, inference, training, steps)
