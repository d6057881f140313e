"""Keras merge layers: Concatenate, the elementwise merges (Add ... Minimum) and Dot, with their
functional spellings (``concatenate``, ``add`` ...), which Keras names like the layers.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, boolean, integer
from ..expr import total, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import KerasLayer, fmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


def _listing(inputs: list[Shape]) -> str:
    """``input 1 (None, 4, 5), input 2 (None, 3, 5)``."""
    return ", ".join(f"input {i + 1} {fmt(s)}" for i, s in enumerate(inputs))


def merged_batch(inputs: list[Shape], calc: Calc) -> int | None:
    """The batch size shared by the inputs (None when none is fixed); different fixed sizes are an error."""
    sizes = {s[0] for s in inputs if s} - {None}
    if len(sizes) > 1:
        raise calc.error(_("cannot merge inputs with different batch sizes: {listing}", listing=_listing(inputs)),
                         _("give every input the same batch_size (or none)"))
    return sizes.pop() if sizes else None


class ElementwiseMerge(KerasLayer):
    """Shared by Add ... Minimum: one output of the inputs' broadcast shape, no weights.

    Keras broadcasts the shapes without the batch, aligned on the right: each
    axis must have equal sizes or a 1; an unknown size gives an unknown size.
    """

    verb: ClassVar[str] = "merge"
    min_inputs = 1
    max_inputs = None
    arguments = ()
    average: ClassVar[bool] = False

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.merge_ops(calc, ops.first(output), len(inputs), self.average)

    def receptive_field(self, fields, inputs, output, calc):
        out = ops.first(output)
        if any(len(s) == len(out) and any(a == 1 and b != 1 for a, b in zip(s[1:-1], out[1:-1], strict=True))
               for s in inputs):
            return receptive.unmodelled(fields, calc, _("{type_name} of a broadcast input", type_name=self.type_name))
        return receptive.merged(fields, calc)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        out: tuple[int | None, ...] = tuple(inputs[0][1:])
        for shape in inputs[1:]:
            out = self._broadcast(out, tuple(shape[1:]), inputs, calc)
        return (merged_batch(inputs, calc), *out)

    def _broadcast(self, a: Shape, b: Shape, inputs: list[Shape], calc: Calc) -> Shape:
        if len(a) < len(b):
            a, b = b, a
        if not b:
            return a
        lead = len(a) - len(b)
        out = list(a[:lead])
        for k, (i, j) in enumerate(zip(a[lead:], b, strict=True)):
            if i is None or j is None:
                out.append(None)
            elif i == 1 or j == 1 or i == j:
                out.append(j if i == 1 else i)
            else:
                axis = lead + k + 1
                raise calc.error(
                    _("cannot {verb} {listing}: on axis {axis} the sizes {i} and {j} differ (elementwise merges need "
                      "equal sizes, or 1 to broadcast)", verb=self.verb, listing=_listing(inputs), axis=axis, i=i, j=j),
                    _("make the shapes agree (a Dense, Conv or Reshape before the merge), or use Concatenate"))
        return tuple(out)


@register
class Add(ElementwiseMerge):
    """Elementwise sum of the inputs (broadcast to one shape)."""

    type_name = "Add"
    aliases = ("add",)
    verb = "add"
    example = ("Add()", (7, 7, 64), (7, 7, 64))


@register
class Subtract(ElementwiseMerge):
    """Elementwise difference of exactly two inputs (first − second)."""

    type_name = "Subtract"
    aliases = ("subtract",)
    verb = "subtract"
    min_inputs = 2
    max_inputs = 2
    example = ("Subtract()", (16,), (16,))


@register
class Multiply(ElementwiseMerge):
    """Elementwise product of the inputs (broadcast to one shape)."""

    type_name = "Multiply"
    aliases = ("multiply",)
    verb = "multiply"
    example = ("Multiply()", (7, 7, 64), (1, 1, 64))


@register
class Average(ElementwiseMerge):
    """Elementwise mean of the inputs (broadcast to one shape)."""

    type_name = "Average"
    aliases = ("average",)
    verb = "average"
    average = True
    example = ("Average()", (16,), (16,))


@register
class Maximum(ElementwiseMerge):
    """Elementwise maximum of the inputs (broadcast to one shape)."""

    type_name = "Maximum"
    aliases = ("maximum",)
    verb = "take the maximum of"
    example = ("Maximum()", (16,), (16,))


@register
class Minimum(ElementwiseMerge):
    """Elementwise minimum of the inputs (broadcast to one shape)."""

    type_name = "Minimum"
    aliases = ("minimum",)
    verb = "take the minimum of"
    example = ("Minimum()", (16,), (16,))


@register
class Concatenate(KerasLayer):
    """Joins the inputs along ``axis``; every other axis must match."""

    type_name = "Concatenate"
    aliases = ("concatenate",)
    min_inputs = 1
    max_inputs = None
    arguments = (Arg("axis", -1, integer, doc="the axis along which the inputs are joined"),)
    example = ("Concatenate()", (28, 28, 32), (28, 28, 64))
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        rank = len(inputs[0])
        if self.cfg.axis % rank == rank - 1:  # the channels: positions are kept
            return receptive.merged(fields, calc)
        return receptive.unmodelled(fields, calc, _("Concatenate along an axis other than the channels"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        axis = self.cfg.axis
        ranks = {len(s) for s in inputs}
        if len(ranks) > 1:
            raise calc.error(
                _("cannot concatenate inputs of different ranks along axis {axis}: {listing}", axis=axis,
                  listing=_listing(inputs)),
                _("reshape the inputs to the same number of dimensions (a Reshape, Flatten or expand)"))
        rank = ranks.pop()
        if not -rank <= axis < rank:
            raise calc.error(_("axis={axis} is not an axis of the {rank}-D inputs: {listing}", axis=axis, rank=rank,
                               listing=_listing(inputs)),
                             _("use an axis from {value} to {value2} (0 is the batch)", value=-rank, value2=rank - 1))
        index = axis % rank
        for k in range(rank):
            if k == index:
                continue
            known = {s[k] for s in inputs} - {None}
            if len(known) > 1:
                sizes = _(" and ").join(str(n) for n in sorted(known, key=str))
                raise calc.error(
                    _("cannot concatenate along axis {axis}: the inputs must match on every other axis, but on axis "
                      "{k} they have {sizes}: {listing}", axis=axis, k=k, sizes=sizes, listing=_listing(inputs)),
                    _("make the shapes agree except on the concatenation axis (resize, pad or crop one input), or "
                      "choose the axis on which they differ"))
        out = list(inputs[0])
        terms = [var(f"n_{i + 1}", s[index], S_("the size of input {value} on axis {index}", value=i + 1, index=index))
                 for i, s in enumerate(inputs)]
        out[index] = calc.step(S_("output size on axis {index}", index=index), total(terms),
                               note=S_("the sum of the inputs' sizes on that axis"))
        return tuple(out)


def _axes(value: Any) -> int | tuple[int, int]:
    """Dot's ``axes``: one axis for both inputs, or a pair."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != 2:
            raise ArgError(_("expected an axis or a pair of axes, got {list}", list=list(value)))
        return (integer(value[0]), integer(value[1]))
    return integer(value)


@register
class Dot(KerasLayer):
    """Dot product of two inputs over one axis of each (batch excluded); ``normalize`` gives cosine similarity."""

    type_name = "Dot"
    aliases = ("dot",)
    min_inputs = 2
    max_inputs = 2
    arguments = (
        Arg("axes", REQUIRED, _axes, doc="the axis summed over (one for both inputs, or a pair)"),
        Arg("normalize", False, boolean, used=False, doc="L2-normalize first (cosine similarity)"),
    )
    example = ("Dot(axes=1)", (16,), (16,))

    def summed(self, inputs: list[Shape]) -> tuple[int, int | None]:
        first = inputs[0]
        axes = self.cfg.axes
        axis = (axes % len(first) if axes < 0 else axes) if isinstance(axes, int) else axes[0] % len(first)
        return axis, first[axis]

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        y = ops.first(output)
        axis, size = self.summed(inputs)
        calc.macs(ops.elements(calc, y) * var("n_sum", size, S_("the size of the summed axis {axis}", axis=axis)),
                  note=_("every output value: one multiply-accumulate per element of the summed axis"))
        if self.cfg.normalize:
            calc.other_ops(total([3 * ops.elements(calc, s) for s in inputs]),
                           note=_("normalize: 3 ops per input element (a square and an add for the norm, a division)"))
        else:
            calc.other_ops(0, note=_("no bias, no activation"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        first, second = (list(s) for s in inputs)
        axes = self.cfg.axes
        if isinstance(axes, int):
            pair = [axes % len(first), axes % len(second)] if axes < 0 else [axes, axes]
        else:
            pair = list(axes)
        for n, (shape, ax) in enumerate(zip((first, second), pair, strict=True)):
            if not -len(shape) <= ax < len(shape):
                raise calc.error(_("axes={axes} names axis {ax}, which input {value} {fmt} does not have",
                                   axes=self.cfg.axes, ax=ax, value=n + 1, fmt=fmt(shape)), _(
                        "use axes within the {shape}-D shape (0 is the batch)", shape=len(shape)))
        if first[pair[0]] != second[pair[1]]:
            raise calc.error(
                _("the summed axes must have the same size: input 1 {fmt} has {first} on axis {pair}, input 2 {fmt2} "
                  "has {second} on axis {pair2}", fmt=fmt(first), first=first[pair[0]], pair=pair[0], fmt2=fmt(second),
                  second=second[pair[1]], pair2=pair[1]),
                _("choose axes of equal (known) size, e.g. axes=[2, 1] for a matrix product"))
        first.pop(pair[0])
        second.pop(pair[1])
        second.pop(0)  # the second input's batch axis
        out = first + second
        if len(out) == 1:
            out.append(1)
        return tuple(out)
