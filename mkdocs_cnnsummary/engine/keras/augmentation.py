"""Keras image augmentation layers: random flips, rotations, zooms ... in training; the identity otherwise.

They change neither the shape nor the count: no weights, the output is the input's shape.
"""

from __future__ import annotations

from ...i18n import _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, number, one_of
from ..layer import SameShape, register
from .base import KerasLayer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FILL = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATION = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")


def _factor(value: Any) -> Any:
    """A factor: a number or a (lower, upper) pair."""
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ArgError(_("expected a number or a pair (lower, upper), got {list}", list=list(value)))
        return tuple(number(v) for v in value)
    return number(value)


def _common(*names: str) -> tuple[Arg, ...]:
    table = {
        "fill_mode": Arg("fill_mode", "reflect", one_of(*_FILL), used=False),
        "interpolation": Arg("interpolation", "bilinear", one_of(*_INTERPOLATION), used=False),
        "seed": Arg("seed", None, used=False),
        "fill_value": Arg("fill_value", 0.0, used=False),
        "data_format": Arg("data_format", None, used=False),
        "value_range": Arg("value_range", (0, 255), used=False),
    }
    return tuple(table[n] for n in names)


@register
class RandomFlip(SameShape, KerasLayer):
    """Flips images at random in training; the shape is unchanged."""

    type_name = "RandomFlip"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (Arg("mode", "horizontal_and_vertical", one_of("horizontal", "vertical", "horizontal_and_vertical"),
                     used=False), *_common("seed", "data_format"))
    example = ("RandomFlip('horizontal')", (32, 32, 3))


@register
class RandomRotation(SameShape, KerasLayer):
    """Rotates images at random in training; the shape is unchanged."""

    type_name = "RandomRotation"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (Arg("factor", REQUIRED, _factor, used=False, doc="a fraction of 2π, or a range"),
                 *_common("fill_mode", "interpolation", "seed", "fill_value", "data_format"))
    example = ("RandomRotation(0.1)", (32, 32, 3))


@register
class RandomZoom(SameShape, KerasLayer):
    """Zooms images at random in training; the shape is unchanged."""

    type_name = "RandomZoom"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (Arg("height_factor", REQUIRED, _factor, used=False), Arg("width_factor", None, _factor, used=False),
                 *_common("fill_mode", "interpolation", "seed", "fill_value", "data_format"))
    example = ("RandomZoom(0.1)", (32, 32, 3))


@register
class RandomTranslation(SameShape, KerasLayer):
    """Shifts images at random in training; the shape is unchanged."""

    type_name = "RandomTranslation"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (Arg("height_factor", REQUIRED, _factor, used=False), Arg("width_factor", REQUIRED, _factor,
                                                                         used=False),
                 *_common("fill_mode", "interpolation", "seed", "fill_value", "data_format"))
    example = ("RandomTranslation(0.1, 0.1)", (32, 32, 3))


@register
class RandomContrast(SameShape, KerasLayer):
    """Changes the contrast at random in training; the shape is unchanged."""

    type_name = "RandomContrast"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (Arg("factor", REQUIRED, _factor, used=False), *_common("value_range", "seed"))
    example = ("RandomContrast(0.2)", (32, 32, 3))


@register
class RandomBrightness(SameShape, KerasLayer):
    """Changes the brightness at random in training; the shape is unchanged."""

    type_name = "RandomBrightness"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (Arg("factor", REQUIRED, _factor, used=False), *_common("value_range", "seed"))
    example = ("RandomBrightness(0.2)", (32, 32, 3))
