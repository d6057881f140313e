"""Reductions over dimensions, as ``forward()`` writes them: ``x.mean((2, 3))`` (global average pooling),
``sum``, ``amax``, ``amin``."""

from __future__ import annotations

from ...i18n import N_, S_, _
from .. import ops
from ..args import Arg, boolean
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import TorchLayer, fmt
from .tensor import axis, dims

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, ClassVar


def _dims_or_all(value: Any) -> tuple[int, ...] | None:
    """None (every dimension), one dimension or a list of them."""
    return None if value is None else dims(value)


class Reduction(TorchLayer):
    """Reduces the dimensions ``dim`` (all of them by default); ``keepdim=True`` keeps them with size 1."""

    arguments = (Arg("dim", None, _dims_or_all, doc="the dimensions reduced: one, a list, or none for all of them"),
                 Arg("keepdim", False, boolean, doc="keep each reduced dimension with size 1"))
    #: whether each result also divides (a mean: r − 1 adds and a division, r ops)
    divides: ClassVar[bool] = False
    rule: ClassVar[str] = N_("r − 1 adds per result, r the elements it reduces")

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        (x,) = inputs
        picked = set(range(len(x))) if not self.cfg.dim else {d % len(x) for d in self.cfg.dim}

        def factors(axes: Iterable[int]) -> list[Expr]:  # dimension 0 is the batch
            return [f for i in axes
                    for f in (ops.batch_factor(calc, x) if i == 0 else [var(f"d_{i}", x[i], S_("input dimension {i}",
                                                                                               i=i))])]

        results = factors(i for i in range(len(x)) if i not in picked)
        r = product(factors(sorted(picked)))
        per = r if self.divides else r - 1
        calc.macs(0, note=_(ops.NO_WEIGHTS))
        calc.other_ops(product(results) * per if results else per, note=_(self.rule))

    def receptive_field(self, fields, inputs, output, calc):
        (x,) = inputs
        picked = set(range(len(x))) if not self.cfg.dim else {d % len(x) for d in self.cfg.dim}
        if len(x) > 2 and picked == set(range(2, len(x))):  # every spatial axis: global pooling
            why = _("{type_name} over every spatial axis: each output sees every input pixel", type_name=self.type_name)
            return receptive.whole(fields, calc, why) if self.cfg.keepdim else receptive.whole_flat(fields, calc, why)
        if len(x) > 2 and picked == {1} and self.cfg.keepdim:  # over the channels: positions are kept
            return receptive.same(fields, calc)
        return receptive.unmodelled(fields, calc, _("{type_name} over these dimensions", type_name=self.type_name))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        chosen = self.cfg.dim
        if chosen is None or chosen == ():
            picked = list(range(len(x)))
        else:
            picked = [axis(d, len(x), calc) for d in chosen]
            if len(set(picked)) != len(picked):
                raise calc.error(_("duplicate value in the list of dims"), _("dim={list} names a dimension twice",
                                                                             list=list(chosen)))
        self.check_sizes(x, picked, chosen, calc)
        if self.cfg.keepdim:
            return tuple(1 if i in picked else d for i, d in enumerate(x))
        return tuple(d for i, d in enumerate(x) if i not in picked)

    def check_sizes(self, x: Shape, picked: list[int], chosen: tuple[int, ...] | None, calc: Calc) -> None:
        """A mean or a sum of nothing is defined (nan, 0); a maximum is not (see :class:`Amax`)."""


@register
class Mean(Reduction):
    """``x.mean(dim, keepdim=False)`` / ``torch.mean``: averages over ``dim`` (``x.mean((2, 3))`` pools globally)."""

    type_name = "mean"
    divides = True
    rule = N_("r − 1 adds and a division per result, r the elements it reduces")
    example = ("mean((2, 3))", (3, 8, 8))


@register
class Sum(Reduction):
    """``x.sum(dim, keepdim=False)`` / ``torch.sum``: adds up over ``dim``."""

    type_name = "sum"
    example = ("sum(1, keepdim=True)", (3, 8))



class Extremum(Reduction):
    """amax and amin: a dimension of size 0 has no maximum or minimum."""

    rule = N_("r − 1 comparisons per result, r the elements it reduces")

    def check_sizes(self, x: Shape, picked: list[int], chosen: tuple[int, ...] | None, calc: Calc) -> None:
        if not chosen and 0 in x:
            raise calc.error(_("{type_name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                               "the reduction dim with the 'dim' argument.", type_name=self.type_name), _(
                                       "the input {fmt} is empty", fmt=fmt(x)))
        for d in picked:
            if x[d] == 0:
                raise calc.error(_("{type_name}(): Expected reduction dim {d} to have non-zero size.",
                                   type_name=self.type_name, d=d),
                                 _("dimension {d} of {fmt} is empty; reduce over another dimension", d=d, fmt=fmt(x)))


@register
class Amax(Extremum):
    """``x.amax(dim=(), keepdim=False)`` / ``torch.amax``: the maximum over ``dim`` (all dimensions by default)."""

    type_name = "amax"
    example = ("amax(-1)", (3, 8))


@register
class Amin(Extremum):
    """``x.amin(dim=(), keepdim=False)`` / ``torch.amin``: the minimum over ``dim`` (all dimensions by default)."""

    type_name = "amin"
    example = ("amin(-1)", (3, 8))
