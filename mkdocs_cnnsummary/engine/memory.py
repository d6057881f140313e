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

A model used as a layer (a Keras model, a PyTorch module holding others) runs its own network in its row's
place: its layers read the names of that network, its inputs are the tensors the row is called on, and its
row makes no tensor of its own.  A tensor a module owns (an ``nn.Parameter``) is a weight, not an activation.

Sizes are exact byte counts; the units (MB = 10⁶ bytes, MiB = 2²⁰ bytes ...) only change how they are
written.
"""

from __future__ import annotations

from ..i18n import S_, _
from .errors import SpecError, did_you_mean
from .expr import Expr, product, total, var
from .modules import owned_tensor
from .records import field, record
from .summary import Node, Shape, Step, Summary, source

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


#: a tensor of the computation: the names of the steps of the models it is made in, then its own step's
Key = tuple[str, ...]


@record
class Tensors:
    """The tensors a network makes, each once, with the models used as layers run in their rows' place: the
    inputs' and every step's output elements per sample (None: unknown), what each step reads (the steps in the
    order they run), and the network's outputs.  A model's row is not a tensor of its own: its output is the output
    of the last step of its network."""

    sizes: dict[Key, int | None] = field(default_factory=dict)
    reads: dict[Key, list[Key]] = field(default_factory=dict)  # its keys are the steps, in the order they run
    shown: dict[Key, str] = field(default_factory=dict)
    outputs: list[Key] = field(default_factory=list)


def tensors(summary: Summary) -> Tensors:
    """The tensors of a computed network (see :class:`Tensors`)."""
    out = Tensors()
    bound: dict[str, list[Key]] = {}
    for i in summary.inputs:
        out.sizes[(i.name,)] = elements(i.shape)
        bound[i.name] = [(i.name,)]
    out.outputs = _run(summary, (), bound, out)
    return out


def _flow(summary: Summary) -> list[Node]:
    """The steps of a network: its own, or for a summary put together from rows, its top-level rows."""
    if summary.flow:
        return summary.flow
    return [Node(rec.name, tuple(rec.inputs), rec, rec.output_shape) for rec in summary.top_layers if rec.called]


def _run(summary: Summary, prefix: Key, bound: dict[str, list[Key]], out: Tensors) -> list[Key]:
    """Add the tensors of ``summary``'s steps to ``out`` (``bound``: what its input names are); its outputs.
    Recursion follows the nesting of models, which the engine has already computed within its bounds."""
    for node in _flow(summary):
        reads = [key for src in node.inputs for key in bound[source(src)[0]]]
        if node.network is not None:  # a model used as a layer: its steps, on the tensors it is called on
            inner = {i.name: bound[source(src)[0]]
                     for i, src in zip(node.network.inputs, node.inputs, strict=True)}
            bound[node.name] = _run(node.network, (*prefix, node.name), inner, out)
            continue
        key = (*prefix, node.name)
        if node.record is None:  # a further call of a shared Keras layer
            out.sizes[key] = _elements_of(node.output_shape)
        elif owned_tensor(node.record.type, summary.framework):
            out.sizes[key] = 0  # a tensor the module owns (an nn.Parameter): counted in the weights
        else:
            out.sizes[key] = node.record.activations
        out.reads[key] = reads
        out.shown[key] = node.record.name if node.record is not None else node.name
        bound[node.name] = [key]
    return [key for name in summary.outputs for key in bound[source(name)[0]]]


def _elements_of(shape: Shape | list[Shape]) -> int | None:
    sizes = [elements(s) for s in (shape if isinstance(shape, list) else [shape])]
    return None if None in sizes else sum(sizes)  # type: ignore[arg-type]


def peak_live(summary: Summary, made: Tensors | None = None) -> tuple[int | None, str | None]:
    """The most output elements (per sample) alive at once, and the step at which that happens, running the
    steps in order: a tensor lives from the step that makes it to its last reader (the outputs to the end)."""
    made = made or tensors(summary)
    order = list(made.reads)
    step_of = {key: i for i, key in enumerate(order)}
    last_use: dict[Key, int] = {key: step_of.get(key, -1) for key in made.sizes}
    for key, reads in made.reads.items():
        for read in reads:
            last_use[read] = max(last_use[read], step_of[key])
    for key in made.outputs:
        last_use[key] = len(order)
    # a tensor is alive from the step that makes it to its last reader: add it there, drop it after
    change = [0] * (len(order) + 2)
    unknown = [0] * (len(order) + 2)
    for key, size in made.sizes.items():
        start, end = max(step_of.get(key, -1), 0), last_use[key]
        if end < start:
            continue
        if size is None:
            unknown[start] += 1
            unknown[end + 1] -= 1
        else:
            change[start] += size
            change[end + 1] -= size
    best, where, live, blind = 0, None, 0, 0
    for i, key in enumerate(order):
        live, blind = live + change[i], blind + unknown[i]
        if blind:
            return None, made.shown[key]
        if live > best:
            best, where = live, made.shown[key]
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
    made = tensors(summary)
    sizes = list(made.sizes.values())
    all_elements = var("elements", None if None in sizes else sum(sizes),  # type: ignore[arg-type]
                       S_("the output size of a layer"))
    activations = _step(steps, S_("activations kept for backward"), product([n, all_elements, b]),
                        _("the inputs and every layer's output, per sample, times the batch"))
    live, where = peak_live(summary, made)
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
