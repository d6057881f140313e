"""Receptive fields, exact also after up-sampling and transposed convolutions.

For each spatial axis of a layer's output we keep which pixels of the network input each output
position sees: the first and the last one (the bounding box), with the network input thought of as
unbounded, so that padding only shifts coordinates.

The usual recurrence (Araujo et al., *Computing Receptive Fields of Convolutional Neural Networks*,
Distill 2019) ``r = r_in + (k − 1) × d × j_in``, ``j = j_in × s``, ``start = start_in − p × j_in`` is exact
while every layer reads a window of its input per output.  After an up-sampling or a transposed
convolution, neighbouring outputs read the same input position: the jump becomes a fraction and the size
of the field depends on the output position, in a pattern that repeats every ``period`` outputs (the
product of the up-sampling factors at most).  So each axis keeps the first and the last input pixel of
every output of one period, which composes exactly: output ``o`` of a layer reads the input positions
``u`` in its window, and sees from the smallest ``first(u)`` to the largest ``last(u)``.

A layer describes how it reads one axis with a :class:`Window`; the shared helpers below compose it,
record the worked steps (not for a quiet :class:`~.layer.Calc`, whose fields only the design checks
read) and return the output's :class:`Field`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import gcd

from ..i18n import N_, S_, _
from .expr import Expr, Var, is_fraction, var
from .records import record
from .summary import ReceptiveField, Step

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fractions import Fraction
    from typing import Any

    from .layer import Calc

KIND = "receptive_field"
#: periods longer than this are not followed (a chain of large up-sampling factors)
MAX_PERIOD = 4096
#: names of the spatial axes, by their number
AXIS_WORDS = {1: (S_("length"),), 2: (S_("height"), S_("width")), 3: (S_("depth"), S_("height"), S_("width"))}


@record(frozen=True)
class Axis:
    """One spatial axis of a field: output ``o + m·period`` sees input pixels
    ``first[o] + m·period·jump`` to ``last[o] + m·period·jump`` (None: it sees no pixel at all)."""

    period: int
    #: an int, or a Fraction after an up-sampling (fractions are made only then)
    jump: int | Fraction
    first: tuple[int | None, ...]
    last: tuple[int | None, ...]
    #: the whole field is shifted by an amount that depends on an unknown input size
    shifted: bool = False

    def at(self, o: int) -> tuple[int | None, int | None]:
        q, r = divmod(o, self.period)
        step = int(self.jump * self.period) * q
        a, b = self.first[r], self.last[r]
        return (None if a is None else a + step, None if b is None else b + step)

    def sizes(self) -> list[int]:
        """The field size of each output of one period (0 for an output that sees nothing)."""
        return [0 if a is None or b is None else b - a + 1 for a, b in zip(self.first, self.last, strict=True)]


#: an input axis: each pixel sees itself
INPUT_AXIS = Axis(1, 1, (0,), (0,))


@record(frozen=True)
class Whole:
    """Every output sees the whole input along this axis (global pooling, attention over the axis ...)."""

    why: str


@record(frozen=True)
class Field:
    """The receptive field of a tensor, one entry per spatial axis."""

    axes: tuple[Axis | Whole, ...]


@record(frozen=True)
class NoField:
    """No receptive field: why (the tensor has no spatial axes, does not depend on the first input ...)."""

    reason: str
    #: a step of an earlier layer has said so already
    said: bool = False
    #: the tensor sees the whole input (after global pooling), though it has no spatial axes to say it on
    whole: bool = False


def sees_whole(field: Field | NoField) -> bool:
    """Whether a tensor depends on every input pixel (global pooling or attention somewhere before it)."""
    if isinstance(field, NoField):
        return field.whole
    return any(isinstance(a, Whole) for a in field.axes)


@record(frozen=True, eq=False)
class Window:
    """How a layer reads one axis: output ``o + m·p_out`` reads input positions ``taps(o) + m·p_in``
    (``taps`` gives the positions for ``o`` in 0 … p_out − 1, in increasing order, as a range when long).

    ``kernel``, ``dilation`` and ``pad`` describe a sliding window for the worked steps of the usual
    recurrence; ``pad`` None means the padding depends on an unknown input size (the field is then known up
    to a shift).  ``kind``: ``window``, ``transposed``, ``upsample``, ``shift``.
    """

    p_out: int
    p_in: int
    taps: Callable[[int], Sequence[int]]
    kind: str = "window"
    kernel: int = 1
    dilation: int = 1
    pad: int | None = 0


def sliding(kernel: int, stride: int = 1, dilation: int = 1, pad: int | None = 0) -> Window:
    """A convolution or pooling window; ``pad`` is the padding before the first input pixel."""
    before = pad or 0
    window = range(-before, -before + kernel * dilation, dilation)
    return Window(1, stride, lambda o: window, "window", kernel, dilation, pad)


def transposed(kernel: int, stride: int, dilation: int = 1, pad: int = 0) -> Window:
    """A transposed convolution: input ``i`` meets the kernel at outputs ``i·s − pad + t·d``, so output ``o``
    reads the inputs ``(o + pad − t·d)/s`` that are whole numbers (a progression in ``t``)."""
    g = gcd(dilation, stride)
    period = stride // g

    def taps(o: int) -> Sequence[int]:
        if (o + pad) % g:
            return ()
        t0 = ((o + pad) // g) * pow(dilation // g, -1, period) % period if period > 1 else 0
        if t0 >= kernel:
            return ()
        last_t = t0 + (kernel - 1 - t0) // period * period
        first_i, last_i = (o + pad - last_t * dilation) // stride, (o + pad - t0 * dilation) // stride
        return range(first_i, last_i + 1, dilation // g)

    return Window(stride, 1, taps, "transposed", kernel, dilation, pad)


def nearest(factor: int) -> Window:
    """Nearest-neighbour up-sampling by an integer factor: output ``o`` repeats input ``⌊o/f⌋``."""
    return Window(factor, 1, lambda o: (0,), "upsample")


def linear(factor: int) -> Window:
    """Linear interpolation by an integer factor with half-pixel centres (PyTorch's align_corners=False,
    TensorFlow's half_pixel_centers): output ``o`` reads the inputs around ``(o + 1/2)/f − 1/2``."""

    from fractions import Fraction

    def taps(o: int) -> Sequence[int]:
        centre = Fraction(2 * o + 1 - factor, 2 * factor)
        low = centre.numerator // centre.denominator
        return (low,) if centre.denominator == 1 else (low, low + 1)

    return Window(factor, 1, taps, "upsample")


def holes(factor: int) -> Window:
    """Input pixel ``i`` lands at output ``i·f``; the outputs between are zeros (they see nothing)."""
    return Window(factor, 1, lambda o: () if o else (0,), "upsample")


def shift(offset: int) -> Window:
    """Output ``o`` reads input ``o + offset`` (padding: a negative offset; cropping: a positive one)."""
    return Window(1, 1, lambda o: (offset,), "shift", pad=-offset)


def blocks(size: int) -> Window:
    """Output ``o`` reads inputs ``o·n`` to ``o·n + n − 1`` (pixel unshuffle)."""
    return sliding(size, size)


class PeriodTooLong(Exception):
    """The pattern of field sizes repeats only after more than MAX_PERIOD outputs."""


def compose(axis: Axis, w: Window) -> Axis:
    """The field of a layer's output on one axis, from its input's field and how it reads the axis."""
    m = axis.period // gcd(w.p_in, axis.period)
    period = w.p_out * m
    if period > MAX_PERIOD or w.p_out > MAX_PERIOD:
        raise PeriodTooLong
    firsts: list[int | None] = []
    lasts: list[int | None] = []
    for o in range(period):
        q, r = divmod(o, w.p_out)
        taps = w.taps(r)
        # along a long window the input fields repeat every `period` positions, each time further right:
        # the first one is among the first taps of a period, the last one among the last ones
        heads = taps if len(taps) <= 2 * axis.period else taps[:axis.period]
        tails = taps if len(taps) <= 2 * axis.period else taps[-axis.period:]
        lo = _extreme(axis, w.p_in * q, heads, 0, min)
        hi = _extreme(axis, w.p_in * q, tails, 1, max)
        firsts.append(lo)
        lasts.append(hi)
    return _shortest(Axis(period, _exact(axis.jump * w.p_in, w.p_out), tuple(firsts), tuple(lasts),
                          axis.shifted or w.pad is None))


def _exact(a: int | Fraction, b: int) -> int | Fraction:
    """``a/b`` exactly: an int when it is whole, else a Fraction."""
    if isinstance(a, int) and a % b == 0:
        return a // b
    from fractions import Fraction

    out = Fraction(a) / b
    return int(out) if out.denominator == 1 else out


def _extreme(axis: Axis, base: int, taps: Sequence[int], end: int, pick: Callable[..., int]) -> int | None:
    """The smallest first pixel (``end`` 0) or the largest last pixel (``end`` 1) seen through ``taps``."""
    seen = [v for v in (axis.at(base + t)[end] for t in taps) if v is not None]
    return pick(seen) if seen else None


def _shortest(axis: Axis) -> Axis:
    """The same field with the shortest period that describes it."""
    for p in range(1, axis.period):
        if axis.period % p or (axis.jump * p).denominator != 1:
            continue
        step = int(axis.jump * p)

        def moved(v: int | None, s: int = step) -> int | None:
            return None if v is None else v + s

        if all(axis.first[o + p] == moved(axis.first[o]) and axis.last[o + p] == moved(axis.last[o])
               for o in range(axis.period - p)):
            return Axis(p, axis.jump, axis.first[:p], axis.last[:p], axis.shifted)
    return axis


def union(axes: Sequence[Axis]) -> Axis | None:
    """The field of an elementwise merge or a concatenation of channels: from the smallest first pixel
    to the largest last pixel of the inputs at each position (None when the jumps differ)."""
    jumps = {a.jump for a in axes}
    if len(jumps) != 1:
        return None
    period = 1
    for a in axes:
        period = period * a.period // gcd(period, a.period)
    if period > MAX_PERIOD:
        raise PeriodTooLong
    firsts: list[int | None] = []
    lasts: list[int | None] = []
    for o in range(period):
        spans = [a.at(o) for a in axes]
        known_first = [s[0] for s in spans if s[0] is not None]
        known_last = [s[1] for s in spans if s[1] is not None]
        firsts.append(min(known_first) if known_first else None)
        lasts.append(max(known_last) if known_last else None)
    return _shortest(Axis(period, jumps.pop(), tuple(firsts), tuple(lasts), any(a.shifted for a in axes)))


# the public record -------------------------------------------------------------------------------

def input_field(shape: tuple[int | None, ...], first: bool, name: str, first_name: str) -> Field | NoField:
    """The field of a network input: each pixel sees itself, on each of its 1 to 3 spatial axes.

    Fields are computed with respect to the first input; a tensor of rank 3 to 5 (batch included) has
    rank − 2 spatial axes (besides the batch and the channels or features).
    """
    if not first:
        return NoField(_("receptive fields are computed with respect to the first input, {first_name!r}, "
                         "and this layer depends only on {name!r}", first_name=first_name, name=name))
    if not 3 <= len(shape) <= 5:
        return NoField(_("the input {name!r} has no spatial axes (receptive fields need 1 to 3 besides the "
                         "batch and the channels)", name=name))
    return Field((INPUT_AXIS,) * (len(shape) - 2))


def jumps(field: Field | NoField) -> tuple[int | Fraction, ...] | None:
    """The jump of each axis, as :func:`describe` gives it (None where it gives no record)."""
    if isinstance(field, NoField) or any(isinstance(a, Whole) for a in field.axes):
        return None
    return tuple(a.jump for a in field.axes)  # type: ignore[union-attr]


def describe(field: Field | NoField) -> ReceptiveField | None:
    """The ReceptiveField of a layer's record (None when there is none or an axis is whole)."""
    if isinstance(field, NoField) or any(isinstance(a, Whole) for a in field.axes):
        return None
    axes = [a for a in field.axes if isinstance(a, Axis)]
    sizes = [[s for s in a.sizes() if s] or [0] for a in axes]
    return ReceptiveField(
        size_min=tuple(min(s) for s in sizes), size_max=tuple(max(s) for s in sizes),
        jump=tuple(int(a.jump) if a.jump.denominator == 1 else a.jump for a in axes),
        start=tuple(None if a.shifted else a.first[0] for a in axes),
        period=tuple(a.period for a in axes), first=tuple(a.first for a in axes), last=tuple(a.last for a in axes))


# worked steps ------------------------------------------------------------------------------------

@record(frozen=True, eq=False)
class Signed(Var):
    """A variable whose number may be negative or a fraction: written ``(−3)``, ``(1/2)`` in the steps."""

    def num(self) -> str:
        v = self.val
        if v is None:
            return self.symbol
        if is_fraction(v):
            if v.denominator == 1:
                v = int(v)
            else:
                text = f"{abs(v.numerator)}/{v.denominator}"
                return f"(−{text})" if v < 0 else f"({text})"
        return f"(−{-v})" if v < 0 else str(v)


def q(symbol: str, value: Any, desc: str | None = None) -> Signed:
    return Signed(symbol, value, desc)


def _signed(n: int | None) -> str:
    return "?" if n is None else f"−{-n}" if n < 0 else str(n)


def _label(quantity: str, words: Sequence[str]) -> str:
    joined = words[0]
    for word in words[1:]:
        joined = S_("{first} and {second}", first=joined, second=word)
    return S_("{quantity} ({words})", quantity=quantity, words=joined)


class _Steps:
    """Collects the steps of each axis, then records them, once for axes whose steps are the same."""

    def __init__(self, rank: int) -> None:
        self.words = AXIS_WORDS.get(rank, tuple(S_("axis {i}", i=i + 1) for i in range(rank)))
        self.per_axis: list[list[tuple[str, Expr, str | None]]] = [[] for _ in range(rank)]

    def add(self, axis: int, quantity: str, expr: Expr, note: str | None = None) -> None:
        self.per_axis[axis].append((quantity, expr, note))

    def record(self, calc: Calc) -> None:
        def key(items: list[tuple[str, Expr, str | None]]) -> list[tuple[str, str, str, str | None]]:
            return [(qt, e.sym(), e.num() if e.value is not None else "", n) for qt, e, n in items]

        if len(self.per_axis) > 1 and all(key(a) == key(self.per_axis[0]) for a in self.per_axis[1:]):
            groups = [(list(self.words), self.per_axis[0])]
        else:
            groups = [([w], items) for w, items in zip(self.words, self.per_axis, strict=True)]
        for words, items in groups:
            for quantity, expr, note in items:
                calc.record(KIND, _label(quantity, words), expr, note)


def _size_steps(steps: _Steps, i: int, axis: Axis, why: str) -> None:
    """``r = last − first + 1`` for the smallest and the largest field of one period."""
    sizes = axis.sizes()
    seen = [s for s in sizes if s]
    if not seen:
        steps.add(i, S_("receptive field size"), q("r", 0), note=_("no output sees an input pixel"))
        return
    holes = len(seen) < len(sizes)
    hole_note = _("; {value} of every {sizes} outputs see no input pixel at all (holes left by the stride)",
                  value=len(sizes) - len(seen), sizes=len(sizes)) if holes else ""
    picks = [(S_("receptive field size"), sizes.index(min(seen)))]
    if min(seen) != max(seen):
        picks = [(S_("smallest receptive field size"), sizes.index(min(seen))),
                 (S_("largest receptive field size"), sizes.index(max(seen)))]
    for quantity, o in picks:
        lo, hi = axis.first[o], axis.last[o]
        where = _("every output") if len(picks) == 1 and not holes else \
            _("output {o} (the pattern repeats every {period} outputs)", o=o, period=axis.period)
        steps.add(i, quantity, q("last", hi) - q("first", lo) + 1,
                  note=_("{why}: {where} sees input pixels {signed} to {signed2}{hole_note}", why=why, where=where,
                         signed=_signed(lo), signed2=_signed(hi), hole_note=hole_note))


def _standard(before: Axis, w: Window) -> bool:
    """Whether the usual recurrence describes this step exactly (a sliding window on a regular field)."""
    return (before.period == 1 and w.p_out == 1 and w.kind in ("window", "shift")
            and before.first[0] is not None and before.last[0] is not None)


def _recurrence_steps(steps: _Steps, i: int, before: Axis, w: Window) -> None:
    r_in = q("r_in", before.last[0] - before.first[0] + 1, S_("the input's field size"))  # type: ignore[operator]
    j_in = q("j_in", before.jump)
    start_in = q("start_in", None if before.shifted else before.first[0], S_("the input's start"))
    if w.kind == "shift":
        steps.add(i, S_("receptive field size"), r_in,
                  note=_("unchanged: padding and cropping only shift positions"))
        steps.add(i, S_("jump"), j_in)
    else:
        k = var("k", w.kernel)
        grow: Expr = (k - 1) * var("d", w.dilation) if w.dilation != 1 else k - 1
        steps.add(i, S_("receptive field size"), r_in + grow * j_in)
        steps.add(i, S_("jump"), j_in * var("s", w.p_in) if w.p_in != 1 else j_in)
    pad = w.pad
    if pad is None:
        unknown = var("p", None, S_("the padding, which depends on the unknown input size,"))
        steps.add(i, S_("start"), start_in - unknown * j_in)
    elif pad > 0:
        steps.add(i, S_("start"), start_in - var("p", pad) * j_in)
    elif pad < 0:
        steps.add(i, S_("start"), start_in + var("c", -pad) * j_in)
    else:
        steps.add(i, S_("start"), start_in)


def _general_steps(steps: _Steps, i: int, before: Axis, after: Axis, w: Window) -> None:
    why = {"transposed": _("the transposed convolution"), "upsample": _("the up-sampling")}.get(w.kind) \
        or _("the window")
    _size_steps(steps, i, after, _("{why} repeats input positions", why=why) if w.p_out > 1 else why)
    j_in = q("j_in", before.jump)
    if w.p_in == 1 and w.p_out > 1:
        symbol = "s" if w.kind == "transposed" else "f"
        steps.add(i, S_("jump"), j_in / var(symbol, w.p_out))
    elif w.p_out == 1:
        steps.add(i, S_("jump"), j_in * var("s", w.p_in) if w.p_in != 1 else j_in)
    else:
        steps.add(i, S_("jump"), j_in * var("p_in", w.p_in) / var("p_out", w.p_out))
    first = after.first[0]
    start: Expr = q("first(0)", None if after.shifted else first, S_("the first pixel of output 0's field"))
    steps.add(i, S_("start"), start, note=_("the first input pixel seen by output 0"))


def passed(calc: Calc, field: NoField) -> NoField:
    """An input without a field: the first layer after it says why, the later ones stay silent."""
    return field if field.said else said(calc, field.reason)


def _whole_input(fields: list[Field | NoField]) -> NoField | None:
    """Once a tensor sees the whole input, everything computed from it does too."""
    for f in fields:
        if sees_whole(f):
            why = f.reason if isinstance(f, NoField) else next(a.why for a in f.axes if isinstance(a, Whole))
            return NoField(why, True, True)
    return None


def unmodelled(fields: list[Field | NoField], calc: Calc, type_name: str) -> Field | NoField:
    """A layer that does not describe how it maps positions: no field, with its reason (a tensor computed
    from one that sees the whole input sees it too)."""
    whole_ = _whole_input(fields)
    if whole_ is not None:
        return whole_
    source = fields[0] if fields else NoField(_("the layer has no input"))
    if isinstance(source, NoField):
        return passed(calc, source)
    return said(calc, _("{type_name} does not keep track of positions", type_name=type_name))


def rearranged(fields: list[Field | NoField], calc: Calc, rank: int, reason: str) -> Field | NoField:
    """Reshape, Permute, Flatten ...: positions are lost; a tensor that saw the whole input still does, on
    the spatial axes of its new shape (``rank``: the output's number of dimensions, batch included)."""
    whole_ = _whole_input(fields)
    if whole_ is not None:
        if 3 <= rank <= 5:
            return Field(tuple(Whole(whole_.reason) for _ in range(rank - 2)))
        return whole_
    return none(fields, calc, reason)


def windowed(fields: list[Field | NoField], calc: Calc, windows: Sequence[Window]) -> Field | NoField:
    """The field of a layer that reads each spatial axis through a window (convolutions, pooling,
    up-sampling, padding ...), with its worked steps."""
    source = fields[0] if fields else NoField(_("the layer has no input"))
    if isinstance(source, NoField):
        return source if source.whole else passed(calc, source)
    if len(source.axes) != len(windows):
        return said(calc, _("the input has {axes} spatial axes, the layer works on {windows}",
                            axes=len(source.axes), windows=len(windows)))
    steps = None if calc.quiet else _Steps(len(windows))
    out: list[Axis | Whole] = []
    for i, (axis, w) in enumerate(zip(source.axes, windows, strict=True)):
        if isinstance(axis, Whole):
            out.append(axis)
            continue
        if w.pad is None and axis.period > 1:
            return said(calc, _("the padding depends on an unknown input size and the field is not regular"))
        try:
            after = compose(axis, w)
        except PeriodTooLong:
            return said(calc, _("the field sizes repeat only after more than {MAX_PERIOD} outputs",
                                  MAX_PERIOD=MAX_PERIOD))
        if steps is None:
            pass
        elif _standard(axis, w) and after.period == 1:
            _recurrence_steps(steps, i, axis, w)
        else:
            _general_steps(steps, i, axis, after, w)
        out.append(after)
    if steps is not None:
        steps.record(calc)
    return Field(tuple(out))


def same(fields: list[Field | NoField], calc: Calc) -> Field | NoField:
    """A layer that works position by position: each output sees what its input saw."""
    source = fields[0] if fields else NoField(_("the layer has no input"))
    if isinstance(source, NoField):
        return source if source.whole else passed(calc, source)
    _unchanged(source, calc)
    return source


STATISTICS_NOTE = N_("unchanged: statistics over positions are treated as constants, as for batch normalisation "
                     "at inference (the usual convention)")


def statistics(fields: list[Field | NoField], calc: Calc) -> Field | NoField:
    """A normalisation whose mean and variance span positions (layer, group, instance): by convention each
    output keeps its input's field, as the statistics are treated as constants."""
    source = fields[0] if fields else NoField(_("the layer has no input"))
    if isinstance(source, NoField):
        return source if source.whole else passed(calc, source)
    _unchanged(source, calc, STATISTICS_NOTE)
    return source


def _unchanged(field: Field, calc: Calc, note: str = N_("unchanged: the layer works position by position")) -> None:
    if calc.quiet:
        return
    steps = _Steps(len(field.axes))
    for i, axis in enumerate(field.axes):
        if isinstance(axis, Axis):
            sizes = [s for s in axis.sizes() if s] or [0]
            steps.add(i, S_("receptive field size") if min(sizes) == max(sizes) else
                      S_("largest receptive field size"), q("r_in", max(sizes)), note=_(note))
    steps.record(calc)


def merged(fields: list[Field | NoField], calc: Calc, rank: int | None = None) -> Field | NoField:
    """An elementwise merge or a concatenation along the channels: the union of the inputs' fields."""
    whole_ = _whole_input([f for f in fields if isinstance(f, NoField)])
    if whole_ is not None:
        return whole_
    present = [f for f in fields if isinstance(f, Field)]
    if not present:
        missing = [f for f in fields if isinstance(f, NoField)]
        return passed(calc, missing[0]) if missing else said(calc, _("no input depends on the network input"))
    ranks = {len(f.axes) for f in present}
    if len(ranks) != 1 or (rank is not None and ranks != {rank}):
        return said(calc, _("the inputs have different spatial axes"))
    n = ranks.pop()
    steps = _Steps(n)
    out: list[Axis | Whole] = []
    for i in range(n):
        axes = [f.axes[i] for f in present]
        whole = [a for a in axes if isinstance(a, Whole)]
        if whole:
            out.append(whole[0])
            continue
        regular = [a for a in axes if isinstance(a, Axis)]
        try:
            joined = union(regular)
        except PeriodTooLong:
            return said(calc, _("the field sizes repeat only after more than {MAX_PERIOD} outputs",
                                  MAX_PERIOD=MAX_PERIOD))
        if joined is None:
            return said(calc, _("the inputs' fields have different jumps (different resolutions)"))
        if calc.quiet:
            pass
        elif len(present) == 1:
            sizes = [s for s in joined.sizes() if s] or [0]
            steps.add(i, S_("receptive field size"), q("r_in", max(sizes)),
                      note=_("the only input that depends on the network input"))
        else:
            _size_steps(steps, i, joined, _("the union of the inputs' fields"))
        out.append(joined)
    steps.record(calc)
    return Field(tuple(out))


def whole(fields: list[Field | NoField], calc: Calc, why: str) -> Field | NoField:
    """Every output sees every input pixel along every axis (global pooling ...); the step says so."""
    source = next((f for f in fields if isinstance(f, Field)), None)
    if source is None:
        first = fields[0] if fields else NoField(_("the layer has no input"))
        return first if isinstance(first, Field) or first.whole else passed(calc, first)
    calc.analysis.append(Step(S_("receptive field"), S_("the whole input"), None, None, why, KIND))
    return Field(tuple(Whole(why) for _ in source.axes))


def whole_flat(fields: list[Field | NoField], calc: Calc, why: str) -> NoField:
    """Global pooling without kept axes: every output sees the whole input, and has no spatial axes."""
    source = fields[0] if fields else NoField(_("the layer has no input"))
    if isinstance(source, NoField) and not source.whole:
        return passed(calc, source)
    if not sees_whole(source):
        calc.analysis.append(Step(S_("receptive field"), S_("the whole input"), None, None, why, KIND))
    return NoField(why, True, True)


def said(calc: Calc, reason: str) -> NoField:
    """No field, and a step of this layer saying why."""
    calc.analysis.append(Step(S_("receptive field"), S_("none"), None, None, reason, KIND))
    return NoField(reason, True)


def none(fields: list[Field | NoField], calc: Calc, reason: str) -> NoField:
    """The layer's output has no receptive field (Flatten, Dense on a vector ...): said once, at this layer."""
    whole_ = _whole_input(fields)
    if whole_ is not None:
        return whole_
    source = fields[0] if fields else None
    if isinstance(source, NoField):
        return passed(calc, source)
    return said(calc, reason)
