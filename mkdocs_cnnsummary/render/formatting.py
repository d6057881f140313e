"""Number, shape and size formatting shared by the renderers."""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.errors import printable
from ..engine.summary import InputRecord, LayerRecord, Notice, Shape, Step, Summary
from ..i18n import N_, _, phrase

#: the output shape of a row that has none (a PyTorch module that is not called itself: a ModuleList ...)
NO_OUTPUT = "--"
TYPE_CHECKING = False
if TYPE_CHECKING:
    from fractions import Fraction
    from typing import Any

#: every parameter is assumed to be stored as float32
BYTES_PER_PARAM = 4
#: one KB is 2^10 bytes, one MB 2^20 bytes (as Keras' model.summary() counts)
BYTES_PER_KB = 1024
#: text tables pad a column to at most this width: a longer cell overflows its row instead of
#: widening every row of the table (whose size would then grow with rows × the longest cell)
MAX_COLUMN_WIDTH = 100
SIZE_ASSUMPTION = N_("Sizes assume float32 weights (4 bytes per parameter); 1 KB = 1,024 bytes, 1 MB = 1,024 KB.")
BUFFERS_NOTE = N_("Buffers (running statistics and counters) are not parameters and are counted apart.")


def size_assumption() -> str:
    """What the sizes under a table assume, in the current language."""
    return _(SIZE_ASSUMPTION)


def width(text: str) -> int:
    """The columns ``text`` takes in a terminal: a Chinese character takes two."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (on the left when ``right``)."""
    if text.isascii():  # one column per character
        return text.rjust(columns) if right else text.ljust(columns)
    room = " " * max(columns - width(text), 0)
    return room + text if right else text + room


def count(n: int | Fraction | None) -> str:
    """``2912`` -> ``2,912``, ``-3`` -> ``−3``, a fraction -> ``1/2``; None -> ``?``."""
    if n is None:
        return "?"
    if not isinstance(n, int) and hasattr(n, "denominator"):  # a Fraction (a size written with names is neither)
        if n.denominator != 1:
            return ("−" if n < 0 else "") + f"{abs(n.numerator)}/{n.denominator}"
        n = int(n)
    if n.__class__ is int and n >= 0:
        return f"{n:,}"
    return f"{n:,}".replace("-", "−")


def readable_size(n_params: int) -> str:
    """The memory of ``n_params`` float32 values: ``2912`` -> ``11.38 KB`` (Keras' units and rounding).

    Worked out in integers, so that it is exact (and cannot overflow a float) for any count.
    """
    size = n_params * BYTES_PER_PARAM
    scale = 1
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < scale * BYTES_PER_KB:
            return f"{decimal(size, scale)} {unit}"
        scale *= BYTES_PER_KB
    return f"{decimal(size, scale)} PB"


def decimal(numerator: int, denominator: int, places: int = 2) -> str:
    """``numerator / denominator`` with ``places`` decimals, rounded half to even as ``f"{x:.2f}"`` rounds."""
    quotient, remainder = divmod(abs(numerator) * 10**places, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2):
        quotient += 1
    whole, fraction = divmod(quotient, 10**places)
    sign = "-" if numerator < 0 and quotient else ""
    return f"{sign}{whole}.{fraction:0{places}d}" if places else f"{sign}{whole}"


def shape(s: Sequence[int | None]) -> str:
    """``(None, 28, 28, 1)``; a one-element shape keeps its comma: ``(None,)``."""
    dims = ["None" if d is None else str(d) for d in s]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def shape_lines(output_shape: Shape | list[Shape]) -> list[str]:
    """One line per output: ``["(None, 4)"]`` or ``["[(None, 4),", "(None, 4)]"]``."""
    if not isinstance(output_shape, list):
        return [shape(output_shape)]
    if not output_shape:
        return [NO_OUTPUT]
    parts = [shape(s) for s in output_shape]
    if len(parts) == 1:
        return [f"[{parts[0]}]"]
    return [f"[{parts[0]},", *[p + "," for p in parts[1:-1]], f"{parts[-1]}]"]


def input_type(summary: Summary) -> str:
    """How an input row names its type."""
    return "Input" if summary.framework == "pytorch" else "InputLayer"


def layer_label(record: LayerRecord | InputRecord, type_name: str) -> str:
    """``conv2d (Conv2D)``, indented by nesting depth (for text output: control characters escaped)."""
    depth = getattr(record, "depth", 0)
    return "  " * depth + f"{printable(record.name)} ({type_name})"


def group_label(group: Any, fold: str) -> str:
    """``▸ res1 … res3 (residual × 3)``: a block instance or run of copies (▾ when shown open)."""
    mark = "▾" if fold == "open" else "▸"
    return f"{mark} {printable(group.name)} ({printable(group.type_label)})"


#: the table style each framework's users know (see ``styles``; here for the text table, which needs no more
#: of that module when it shows a network in its framework's style)
DEFAULT_STYLES = {"keras": "keras", "pytorch": "torchinfo", "lasagne": "nolearn"}


def with_buffers(summary: Summary) -> bool:
    """Whether buffers are reported apart from parameters (PyTorch)."""
    return summary.framework == "pytorch"


def step_text(step: Step) -> str:
    """``output height: ⌊(h − k_h)/s_h⌋ + 1 = ⌊(28 − 3)/1⌋ + 1 = 26 (note)``.

    An analysis step (MACs, receptive field ...) that has no number reads ``MACs: unknown (why)``.
    """
    quantity = phrase(step.quantity)
    if step.result is None and step.kind:
        text = f"{quantity}: {phrase(step.formula)}"
    elif step.result is None:
        text = f"{quantity}: {step.formula} = None"
    else:
        parts = [step.formula]
        if step.substituted is not None and step.substituted != step.formula:
            parts.append(step.substituted)
        if parts[-1] not in (str(step.result), count(step.result)):
            parts.append(count(step.result))
        text = f"{quantity}: " + " = ".join(parts)
    if step.note:
        text += _(" ({note})", note=phrase(step.note))
    return text


def totals(summary: Summary) -> list[tuple[str, int]]:
    """The total lines: (label, count), in the order total, trainable, non-trainable and (PyTorch) buffers."""
    total, trainable = summary.total_params, summary.trainable_params  # each a sum over the layers: once
    rows = [
        (_("Total params"), total),
        (_("Trainable params"), trainable),
        (_("Non-trainable params"), total - trainable),
    ]
    if with_buffers(summary):
        rows.append((_("Buffers"), summary.total_buffers))
    return rows


#: kinds of notices that are notes (what was skipped, an input that was not needed), not warnings
NOTE_KINDS = frozenset({"skipped", "inputs", "computed", "sizes"})


def notice_label(notice: Notice) -> str:
    """``Warning`` or ``Note``, in the current language."""
    return _("Note") if notice.kind in NOTE_KINDS else _("Warning")


def notice_class(notice: Notice) -> str:
    """``warning`` or ``note``: the notice's CSS class, in every language."""
    return "note" if notice.kind in NOTE_KINDS else "warning"


def notice_text(notice: Notice) -> str:
    """``line 36: Model(input=...) is Keras 2's spelling ...; write Model(inputs=...)`` (one line)."""
    where = _("line {line}: ", line=notice.line) if notice.line is not None else ""
    layer = _("layer {layer!r}: ", layer=notice.layer) if notice.layer else ""
    hint = _("; {hint}", hint=notice.hint) if notice.hint else ""
    return printable(f"{where}{layer}{notice.message}{hint}")


def code_parts(text: str, tick: str = "`") -> list[tuple[bool, str]]:
    """``text`` as (is code, part) pairs, code being between ``tick`` pairs: "a `b` c" -> [(False, "a "),
    (True, "b"), (False, " c")]; with an unpaired ``tick``, the whole text is plain."""
    parts = str(text).split(tick)
    if len(parts) % 2 == 0:
        return [(False, str(text))]
    return [(i % 2 == 1, part) for i, part in enumerate(parts) if part]
