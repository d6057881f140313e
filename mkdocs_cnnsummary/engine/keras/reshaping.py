"""Keras reshaping layers: Reshape, Permute, RepeatVector, UpSampling 1D/2D/3D (ZeroPadding and Cropping are
in ``padding``: a network loads the modules of the layers it uses)."""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, int_tuple, integer, one_of, positive_int
from ..errors import SpecError
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import AXES, KerasLayer, data_format_arg, fmt, in_var

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

def _sizes(value: Any, what: str) -> tuple[Any, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ArgError(_("expected a list of {what}, got {value!r}", what=what, value=value), _(
                "write it as a list, e.g. [7, 7, 64]"))
    return tuple(value)


def target_shape(value: Any) -> tuple[int | None, ...]:
    """Reshape's target: sizes without the batch axis, one of them may be -1 (inferred)."""
    out = tuple(None if v is None else integer(v, minimum=-1) for v in _sizes(value, "sizes"))
    if out.count(-1) > 1:
        raise ArgError(_("may contain at most one -1 (the size to infer), got {list}", list=list(out)),
                       _("give every size but one explicitly"))
    return out


def permutation(value: Any) -> tuple[int, ...]:
    """Permute's dims: a permutation of 1 ... n (axis 0, the batch, stays in place)."""
    dims = tuple(integer(v) for v in _sizes(value, _("axis numbers")))
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise ArgError(_("must contain each axis 1 ... {dims} exactly once, got {list}", dims=len(dims),
                         list=list(dims)),
                       _("axes are numbered from 1; the batch axis 0 cannot be moved"))
    return dims


# Reshape, Permute, RepeatVector ---------------------------------------------------------------


@register
class Reshape(KerasLayer):
    """Gives the non-batch axes a new shape with the same number of values; one size may be -1."""

    type_name = "Reshape"
    example = ("Reshape((16, -1))", (8, 8, 3))
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.rearranged(fields, calc, len(output), _("Reshape: positions are rearranged"))
    arguments = (Arg("target_shape", REQUIRED, target_shape, doc="new shape without the batch axis; -1 = inferred"),)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        dims, target = list(x[1:]), list(self.cfg.target_shape)
        if None in target:
            return (x[0], *[None if t == -1 else t for t in target])
        factors = [var(f"d_{i + 1}", d, S_("input dimension {value}", value=i + 1)) for i, d in enumerate(dims)]
        fixed = [t for t in target if t != -1]
        wanted = " × ".join(map(str, fixed)) + f" = {prod(fixed)}" if len(fixed) > 1 else str(prod(fixed))
        if -1 not in target:
            if None not in dims and prod(dims) != prod(target):
                raise self.size_error(calc, dims, target, _("the target needs {wanted} values per sample",
                                                            wanted=wanted),
                                      _("choose sizes that multiply to {product}, or write -1 for one of them",
                                        product=prod(dims)))
            return (x[0], *target)
        size = calc.step(S_("input size"), product(factors), note=S_("values per sample"))
        at = target.index(-1)
        known = [(i, t) for i, t in enumerate(target) if i != at]
        known_size = prod(t for _, t in known)
        if size is not None and (known_size == 0 or size % known_size):
            raise self.size_error(calc, dims, target, _("the sizes besides -1 give {wanted}, which does not divide "
                                                        "{size}", wanted=wanted, size=size), _(
                                                                "choose the other sizes so that their product divides "
                                                                "{size}", size=size))
        inferred: Expr = var("size", size, S_("the input size"))
        if known:
            inferred = inferred / product([var(f"t_{i + 1}", t) for i, t in known])
        target[at] = calc.step(S_("output dimension {value}", value=at + 1), inferred, note=S_(
                "the -1 takes what is left"))
        return (x[0], *target)

    def size_error(self, calc: Calc, dims: list[int | None], target: list[int | None], why: str,
                   hint: str) -> SpecError:
        have = " × ".join(str(d) for d in dims) or "1"
        shown = "(" + ", ".join(str(t) for t in target) + ("," if len(target) == 1 else "") + ")"
        return calc.error(_("cannot reshape the input (None, {value}) with {have} = {prod} values per sample into "
                            "target_shape {shown}: {why}", value=fmt(dims)[1:-1], have=have, prod=prod(dims),
                            shown=shown, why=why), hint)


@register
class Permute(KerasLayer):
    """Reorders the non-batch axes (``dims`` numbered from 1)."""

    type_name = "Permute"
    example = ("Permute((2, 3, 1))", (8, 6, 3))
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.rearranged(fields, calc, len(output), _("Permute: the axes are reordered"))
    arguments = (Arg("dims", REQUIRED, permutation, doc="new order of the axes, numbered from 1"),)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        dims = self.cfg.dims
        if len(x) != len(dims) + 1:
            example = list(range(len(x) - 1, 0, -1))
            raise calc.error(_(
                    "dims={list} permutes {dims} axes, but the input {fmt} has {value} after the batch axis",
                               list=list(dims), dims=len(dims), fmt=fmt(x), value=len(x) - 1),
                             _("give dims one entry per non-batch axis, e.g. {example}", example=example))
        return (x[0], *[x[d] for d in dims])


@register
class RepeatVector(KerasLayer):
    """(batch, features) -> (batch, n, features)."""

    type_name = "RepeatVector"
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.rearranged(fields, calc, len(output), _("RepeatVector: a new axis of copies"))
    arguments = (Arg("n", REQUIRED, positive_int, doc="number of repetitions"),)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, 2, calc, "(batch, features)")
        return (x[0], self.cfg.n, x[1])


# UpSampling -----------------------------------------------------------------------------------


class BaseUpSampling(KerasLayer):
    """Repeats every spatial axis ``size`` times; unknown sizes stay unknown."""

    rank: ClassVar[int] = 2
    upsamples = True

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        spatial = [
            calc.step(S_("output {word}", word=word), in_var(n, (word, sym)) * var(f"size_{sym}" if self.rank > 1 else
                    "size", s))
            for n, (word, sym), s in zip(self.spatial(x), AXES[self.rank], self.factors(), strict=True)
        ]
        return self.assemble(spatial, self.channels(x))

    def factors(self) -> tuple[int, ...]:
        return self.cfg.size if isinstance(self.cfg.size, tuple) else (self.cfg.size,)

    @property
    def interpolation(self) -> str:
        return getattr(self.cfg, "interpolation", "nearest")

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.resample_ops(calc, ops.first(output), self.interpolation, self.rank)

    def receptive_field(self, fields, inputs, output, calc):
        mode = self.interpolation
        if mode not in ("nearest", "bilinear"):
            return receptive.none(fields, calc, _("interpolation '{mode}' is not modelled", mode=mode))
        window = receptive.nearest if mode == "nearest" else receptive.linear
        return receptive.windowed(fields, calc, [window(f) for f in self.factors()])


@register
class UpSampling1D(BaseUpSampling):
    """Repeats each step ``size`` times."""

    type_name = "UpSampling1D"
    rank = 1
    arguments = (Arg("size", 2, positive_int, doc="repetitions of each step"),)


@register
class UpSampling2D(BaseUpSampling):
    """Scales height and width by ``size`` (nearest or interpolated)."""

    type_name = "UpSampling2D"
    rank = 2
    arguments = (
        Arg("size", (2, 2), int_tuple(2, minimum=1), doc="factors for height and width"),
        data_format_arg(),
        Arg("interpolation", "nearest", one_of("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")),
    )


@register
class UpSampling3D(BaseUpSampling):
    """Repeats depth, height and width ``size`` times."""

    type_name = "UpSampling3D"
    rank = 3
    arguments = (
        Arg("size", (2, 2, 2), int_tuple(3, minimum=1), doc="factors for depth, height and width"),
        data_format_arg(),
    )
