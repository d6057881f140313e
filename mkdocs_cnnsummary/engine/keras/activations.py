"""Keras activation layers: ReLU, LeakyReLU, ELU, Softmax (no weights) and PReLU (a learned slope)."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import Arg, ignored, int_list, number
from ..errors import SpecError
from ..expr import Expr, product, var
from ..layer import Calc, SameShape, register
from ..summary import Shape
from .base import KerasLayer, fmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _at_least_zero(cls: type[KerasLayer], config: dict[str, Any], *names: str) -> None:
    """Keras refuses a negative (or missing) slope, threshold or cap."""
    for name in names:
        value = config[name]
        if value is not None and value < 0:
            raise SpecError(_("{name} cannot be negative, got {value}", name=name, value=value),
                            layer_type=cls.type_name,
                            hint=_("use {name}=0 or a positive number", name=name))


@register
class ReLU(SameShape, KerasLayer):
    """Rectified linear unit, optionally capped (``max_value``), leaky or shifted; the shape is unchanged."""

    type_name = "ReLU"
    element_ops = ops.ACTIVATION
    arguments = (
        Arg("max_value", None, number, doc="cap of the output (None: no cap)"),
        Arg("negative_slope", 0.0, number, doc="slope below the threshold"),
        Arg("threshold", 0.0, number, doc="values below it are damped"),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        for name in ("negative_slope", "threshold"):
            if config[name] is None:
                raise SpecError(_("{name} cannot be None", name=name), layer_type=cls.type_name,
                                hint=_("leave {name} out for its default 0", name=name))
        _at_least_zero(cls, config, "max_value", "negative_slope", "threshold")
        return config


@register
class LeakyReLU(SameShape, KerasLayer):
    """Leaky rectified linear unit (slope ``negative_slope`` below zero); the shape is unchanged."""

    type_name = "LeakyReLU"
    element_ops = ops.ACTIVATION
    arguments = (
        Arg("negative_slope", 0.3, number, doc="slope below zero"),
        Arg("alpha", None, number, doc="older name of negative_slope (wins when both are given)", keyword_only=True),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["alpha"] is not None:
            config["negative_slope"] = config["alpha"]
        if config["negative_slope"] is None:
            raise SpecError(_("negative_slope cannot be None"), layer_type=cls.type_name,
                            hint=_("leave it out for its default 0.3"))
        _at_least_zero(cls, config, "negative_slope")
        return config


@register
class ELU(SameShape, KerasLayer):
    """Exponential linear unit; the shape is unchanged."""

    type_name = "ELU"
    element_ops = ops.ACTIVATION
    arguments = (Arg("alpha", 1.0, number, used=False, doc="scale of the negative part"),)


@register
class Softmax(SameShape, KerasLayer):
    """Softmax along ``axis`` (an axis or a list of axes); the shape is unchanged."""

    type_name = "Softmax"
    element_ops = ops.SOFTMAX
    arguments = (Arg("axis", -1, int_list, used=False, doc="axis (or axes) that sum to 1"),)


@register
class PReLU(SameShape, KerasLayer):
    """Leaky ReLU with a learned slope per input element; ``shared_axes`` share one slope along those axes."""

    type_name = "PReLU"
    element_ops = ops.ACTIVATION
    arguments = (
        *ignored("alpha_initializer", "alpha_regularizer", "alpha_constraint"),
        Arg("shared_axes", None, int_list, doc="axes (batch = 0) along which one slope is shared"),
    )
    example = ("PReLU(shared_axes=[1, 2])", (7, 7, 64))

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        alpha_shape: list[int | None] = list(x[1:])
        shared = self.cfg.shared_axes or ()
        shared_at: set[int] = set()
        for axis in shared:
            # Keras sets alpha_shape[axis - 1] = 1, with Python's indexing
            if not -len(alpha_shape) <= axis - 1 < len(alpha_shape):
                raise calc.error(
                    _("shared_axes contains {axis}, which is not an axis of the {x}-D input {fmt}", axis=axis,
                      x=len(x), fmt=fmt(x)),
                    _("use axes from 1 to {value} (0 is the batch)", value=len(x) - 1))
            alpha_shape[axis - 1] = 1
            shared_at.add((axis - 1) % len(alpha_shape))
        unknown = [i + 1 for i, d in enumerate(alpha_shape) if d is None]
        if unknown:
            raise calc.error(
                _("one slope per element needs known sizes, but axis {unknown} of the input {fmt} is None",
                  unknown=unknown[0], fmt=fmt(x)),
                _("share the slope along that axis (shared_axes=[{map}]) or give the input a known size",
                  map=', '.join(map(str, unknown))))
        factors: list[Expr] = [var(f"d_{i + 1}", d, S_("input dimension {value}", value=i + 1))
                               for i, d in enumerate(alpha_shape) if i not in shared_at]
        calc.weight("alpha", tuple(alpha_shape))  # type: ignore[arg-type]
        note = S_("one slope per input element (batch excluded)")
        if shared:
            axes = ", ".join(map(str, shared))
            note = S_("one slope per input element, one shared along axis {axes}", axes=axes)
            if len(shared) > 1:
                note = S_("one slope per input element, one shared along axes {axes}", axes=axes)
        calc.params(product(factors), note=note)
