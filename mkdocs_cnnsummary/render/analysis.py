"""What every renderer shows of the analyses: the extra columns (MACs, FLOPs, other ops, activations,
receptive field), their cells and the lines under the table that name the conventions.

The numbers come from the engine's records; this module only writes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.memory import MemoryEstimate, elements, estimate, readable
from ..engine.records import record
from ..engine.summary import InputRecord, LayerRecord, ReceptiveField, Step, Summary
from ..i18n import N_, _
from . import formatting as f

TYPE_CHECKING = False
if TYPE_CHECKING:
    pass

#: extra column key -> (header, analysis step kinds shown with it)
EXTRA_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "macs": (N_("MACs"), ("macs",)),
    "flops": (N_("FLOPs"), ("flops",)),
    "other_ops": (N_("Other ops"), ("other_ops",)),
    "activations": (N_("Activations"), ("activations",)),
    "receptive_field": (N_("Receptive field"), ("receptive_field",)),
}
OPS_KEYS = ("macs", "flops", "other_ops")
#: other names the columns answer to
ALIASES = {"mult_adds": "macs", "mult-adds": "macs", "ops": "other_ops", "memory": "activations",
           "rf": "receptive_field"}

OPS_CONVENTION = N_("MACs: multiply-accumulates of the weights (and of attention's matrix products), transposed "
                     "convolutions counted on their input positions, biases not included; FLOPs = 2 × MACs; other "
                     "ops: bias adds, activations, normalisation, pooling and softmax, by the rule in each step.")
MEMORY_CONVENTION = N_("Estimates: weights + the largest set of activations alive at once for inference; "
                        "weights, gradients, optimizer state and every activation kept for training. Frameworks "
                        "keep more or fewer tensors.")


@record(frozen=True)
class Options:
    """How the analyses are written: the dtype of stored values and the memory units (MB or MiB)."""

    dtype: str = "float32"
    units: str = "MiB"


def extra_keys(columns: Sequence[str]) -> list[str]:
    """The analysis columns among ``columns`` (aliases read), in order."""
    keys = [ALIASES.get(str(c).lower(), str(c).lower()) for c in columns]
    return list(dict.fromkeys(key for key in keys if key in EXTRA_COLUMNS))


def header(key: str) -> str:
    """The header of an analysis column, in the current language."""
    return _(EXTRA_COLUMNS[key][0])


def kinds(columns: Sequence[str]) -> set[str]:
    """The analysis step kinds to show with these columns."""
    return {kind for key in extra_keys(columns) for kind in EXTRA_COLUMNS[key][1]}


def scaled(n: int | None) -> str:
    """``4,089,184,256 (4.09 G)``: the exact count and its size (k, M, G, T = 10³, 10⁶, 10⁹, 10¹²)."""
    if n is None:
        return "?"
    for power, unit in ((12, "T"), (9, "G"), (6, "M"), (3, "k")):
        if n >= 10**power:
            return f"{n:,} ({n / 10**power:.2f} {unit})"
    return f"{n:,}"


def _axes(values: Sequence[str]) -> str:
    return values[0] if len(set(values)) == 1 else "×".join(values)


def receptive_lines(rf: ReceptiveField | None, record: LayerRecord | InputRecord) -> list[str]:
    """``5×5``, ``jump 2``, ``start −2`` (sizes that vary as ``9–11``); why there is none otherwise."""
    if isinstance(record, InputRecord):
        rank = len(record.shape) - 2
        return ["×".join(["1"] * rank)] if 1 <= rank <= 3 else ["–"]
    if rf is None:
        said = [s for s in record.steps_of("receptive_field") if s.result is None]
        if said and said[-1].formula == "the whole input":
            return [_("whole input")]
        return ["–"]
    sizes = [str(a) if a == b else f"{a}–{b}" for a, b in zip(rf.size_min, rf.size_max, strict=True)]
    starts = ["?" if s is None else f.count(s) for s in rf.start]
    start = starts[0] if len(set(starts)) == 1 else "(" + ", ".join(starts) + ")"
    return ["×".join(sizes), _("jump {jump}, start {start}", jump=_axes([f.count(j) for j in rf.jump]), start=start)]


def cell_lines(key: str, record: LayerRecord | InputRecord, summary: Summary, options: Options) -> list[str]:
    """The text of one extra cell (of a layer, an input, or a group of layers: its sums)."""
    if not isinstance(record, LayerRecord | InputRecord):  # a group of rows (a block instance)
        return [""] if key == "receptive_field" else [f.count(getattr(record, key, None))]
    if key == "receptive_field":
        return receptive_lines(getattr(record, "receptive_field", None), record)
    if isinstance(record, InputRecord):
        if key == "activations":
            return _activation_lines(elements(record.shape), summary, options)
        return ["0"]
    if key == "activations":
        return _activation_lines(record.activations, summary, options)
    value = {"macs": record.macs, "flops": record.flops, "other_ops": record.other_ops}[key]
    return [f.count(value)]


def cell_text(key: str, record: LayerRecord | InputRecord, summary: Summary, options: Options) -> str:
    """The cell on one line: ``5×5, jump 1, start −2``, ``18,432 (72.00 KiB)``."""
    lines = cell_lines(key, record, summary, options)
    if key == "activations" and len(lines) == 2:
        return f"{lines[0]} ({lines[1]})"
    return ", ".join(lines)


def footer_text(summary: Summary, columns: Sequence[str], options: Options, worked: bool,
                bullet: str = " ") -> list[str]:
    """The footer as text lines (and the memory steps when ``worked``)."""
    lines, notes, memory = footer(summary, columns, options)
    out = [bullet + _("{label}: {text}", label=label, text=text) for label, text in lines]
    out += [f"{bullet}{note}" for note in notes]
    if memory is not None and worked:
        out += [f"{bullet}{f.step_text(step)}" for step in memory.steps]
    return out


def _activation_lines(elements: int | None, summary: Summary, options: Options) -> list[str]:
    if elements is None:
        return ["?"]
    from ..engine.memory import DTYPES

    return [f.count(elements), readable(elements * summary.batch * DTYPES[options.dtype], options.units)]


def ops_totals(summary: Summary) -> list[tuple[str, str]]:
    """``Total MACs: 4,089,184,256 (4.09 G)`` ... for the batch; unknown totals name the layers."""
    batch = _(" (batch {batch})", batch=summary.batch) if summary.batch != 1 else ""
    unknown = summary.unknown_ops
    why = _(" (unknown for {names}{more})", names=", ".join(unknown[:3]),
            more=" …" if len(unknown) > 3 else "") if unknown else ""
    return [
        (_("Total MACs{batch}", batch=batch), scaled(summary.total_macs) + (why if summary.total_macs is None else "")),
        (_("Total FLOPs{batch}", batch=batch), (scaled(summary.total_flops) + " = 2 × MACs")
         if summary.total_flops is not None else "?" + why),
        (_("Other ops{batch}", batch=batch),
         scaled(summary.total_other_ops) + (why if summary.total_other_ops is None else "")),
    ]


def memory_totals(memory: MemoryEstimate, units: str) -> list[tuple[str, str]]:
    """``Weights: 97.49 MiB (102,228,128 bytes)`` ... (the training lines per optimizer)."""
    def size(n: int | None) -> str:
        return "?" if n is None else _("{size} ({n:,} bytes)", size=readable(n, units), n=n)

    batch = _(", batch {batch}", batch=memory.batch) if memory.batch != 1 else ""
    lines = [(_("Weights ({dtype})", dtype=memory.dtype), size(memory.weights)),
             (_("Inference, estimate{batch}", batch=batch), size(memory.inference))]
    lines += [(_("Training ({name}), estimate{batch}", name=name, batch=batch), size(n))
              for name, n in memory.training.items()]
    return lines


def footer(summary: Summary, columns: Sequence[str], options: Options) -> tuple[list[tuple[str, str]], list[str],
                                                                                MemoryEstimate | None]:
    """The lines under the table for the chosen columns, the notes that name the conventions, and the
    memory estimate (when the activations column is shown)."""
    keys = extra_keys(columns)
    lines: list[tuple[str, str]] = []
    notes: list[str] = []
    memory = None
    if any(k in OPS_KEYS for k in keys):
        lines += ops_totals(summary)
        notes.append(_(OPS_CONVENTION))
    if "activations" in keys:
        memory = estimate(summary, options.dtype)
        lines += memory_totals(memory, options.units)
        unit = _("MB = 10⁶ bytes") if options.units == "MB" else _("MiB = 2²⁰ bytes")
        notes.append(_("{convention} Activations: output elements per sample, and their size for the batch in "
                       "{dtype}; {unit}.", convention=_(MEMORY_CONVENTION), dtype=options.dtype, unit=unit))
    return lines, notes, memory


def shown_steps(record: LayerRecord, shown: set[str]) -> list[Step]:
    """A layer's worked steps: its shape and parameter steps, then its analysis steps of the ``shown`` kinds
    (none shown: the analyses are not computed at all, they are computed on first use)."""
    if not shown:
        return record.calculation
    return [*record.calculation, *(s for s in record.analysis if s.kind in shown)]


def step_lines(record: LayerRecord, shown: set[str]) -> list[str]:
    """The analysis steps of the shown kinds, as text."""
    return [f.step_text(s) for s in record.analysis if s.kind in shown]
