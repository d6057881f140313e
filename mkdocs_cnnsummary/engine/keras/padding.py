"""Keras ZeroPadding and Cropping 1D/2D/3D: rows added or removed at both ends of each spatial axis."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import Arg, pairs
from ..expr import var
from ..layer import Calc, register
from ..lazy import receptive
from ..summary import Shape
from .base import AXES, KerasLayer, data_format_arg, fmt, in_var

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar

#: names of the two sides of each spatial axis (for padding and cropping symbols)
SIDES = {"n": ("left", "right"), "d": ("front", "back"), "h": ("top", "bottom"), "w": ("left", "right")}


class BaseBorder(KerasLayer):
    """Adds (ZeroPadding) or removes (Cropping) rows at both ends of each spatial axis."""

    family: ClassVar[str] = "reshaping"  # listed with the other reshaping layers in the layer reference
    rank: ClassVar[int] = 2
    amount: ClassVar[str] = "padding"
    sign: ClassVar[int] = 1

    element_ops = ops.COPIES

    def borders(self) -> tuple[tuple[int, int], ...]:
        return getattr(self.cfg, self.amount)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.windowed(fields, calc, [receptive.shift(-self.sign * before)
                                                 for before, _ in self.borders()])

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        short = "pad" if self.sign > 0 else "crop"
        spatial: list[int | None] = []
        for n, axis, (before, after) in zip(self.spatial(x), AXES[self.rank], self.borders(), strict=True):
            word, sym = axis
            first, second = SIDES[sym]
            b, a = var(f"{short}_{first}", before), var(f"{short}_{second}", after)
            size = in_var(n, axis)
            out = calc.step(S_("output {word}", word=word), size + b + a if self.sign > 0 else size - b - a)
            if calc.too_small(out):
                raise calc.error(
                    _("cropping {before} + {after} from the input {word} {n} leaves {out} (input {fmt}, cropping "
                      "{value})", before=before, after=after, word=word, n=n, out=out, fmt=fmt(x),
                      value=[list(c) for c in self.borders()]),
                    _("crop less than {n} in total on the {word} axis", n=n, word=word))
            spatial.append(out)
        return self.assemble(spatial, self.channels(x))


@register
class ZeroPadding1D(BaseBorder):
    """Adds zeros at the start and end of the steps axis."""

    type_name = "ZeroPadding1D"
    rank = 1
    arguments = (Arg("padding", 1, pairs(1), doc="int or (left, right)"), data_format_arg())


@register
class ZeroPadding2D(BaseBorder):
    """Adds rows and columns of zeros around each image."""

    type_name = "ZeroPadding2D"
    rank = 2
    arguments = (
        Arg("padding", (1, 1), pairs(2), doc="int, (symmetric_h, symmetric_w) or ((top, bottom), (left, right))"),
        data_format_arg(),
    )


@register
class ZeroPadding3D(BaseBorder):
    """Adds zeros around each volume."""

    type_name = "ZeroPadding3D"
    rank = 3
    arguments = (
        Arg("padding", ((1, 1), (1, 1), (1, 1)), pairs(3), doc="int, 3 ints or 3 (before, after) pairs"),
        data_format_arg(),
    )


@register
class Cropping1D(BaseBorder):
    """Removes steps at the start and end of the steps axis."""

    type_name = "Cropping1D"
    rank = 1
    amount = "cropping"
    sign = -1
    arguments = (Arg("cropping", (1, 1), pairs(1), doc="int or (left, right)"),)


@register
class Cropping2D(BaseBorder):
    """Removes rows and columns at the borders of each image."""

    type_name = "Cropping2D"
    example = ("Cropping2D(((1, 2), (0, 1)))", (8, 8, 3))
    rank = 2
    amount = "cropping"
    sign = -1
    arguments = (
        Arg("cropping", ((0, 0), (0, 0)), pairs(2),
            doc="int, (symmetric_h, symmetric_w) or ((top, bottom), (left, right))"),
        data_format_arg(),
    )


@register
class Cropping3D(BaseBorder):
    """Removes slices at the borders of each volume."""

    type_name = "Cropping3D"
    rank = 3
    amount = "cropping"
    sign = -1
    arguments = (
        Arg("cropping", ((1, 1), (1, 1), (1, 1)), pairs(3), doc="int, 3 ints or 3 (before, after) pairs"),
        data_format_arg(),
    )
