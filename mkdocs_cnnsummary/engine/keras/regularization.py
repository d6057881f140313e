"""Keras regularization layers: active in training only, no weights, the shape is unchanged.

SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout and
ActivityRegularization (Dropout lives with the core layers).
"""

from __future__ import annotations

from .. import ops
from ..args import REQUIRED, Arg, fraction, number
from ..checks import DesignFacts
from ..layer import Calc, SameShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import KerasLayer, data_format_arg

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar


class SpatialDropout(KerasLayer):
    """Shared by SpatialDropout1D/2D/3D: drops whole channels; the input rank is fixed.

    Keras gives these layers only ``rate, [data_format,] seed, name, dtype``: the
    other common layer arguments (input_shape, trainable ...) are refused.
    """

    rank: ClassVar[int] = 1
    element_ops = ops.INFERENCE_IDENTITY

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(dropout=self.cfg.rate)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.same(fields, calc)

    @classmethod
    def spatial_arguments(cls, rank: int) -> tuple[Arg, ...]:
        fmt_arg = () if rank == 1 else (data_format_arg(),)
        return (
            Arg("rate", REQUIRED, fraction, doc="fraction of the channels dropped"),
            *fmt_arg,
            Arg("seed", None, used=False),
            Arg("name", None, used=False),
            Arg("dtype", None, used=False),
        )

    @classmethod
    def all_arguments(cls) -> tuple[Arg, ...]:
        return cls.arguments


    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        layout = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)",
                  3: "(batch, depth, height, width, channels)"}[self.rank]
        self.expect_rank(x, self.rank + 2, calc, layout)
        return x


@register
class SpatialDropout1D(SpatialDropout):
    """Drops whole channels of a (batch, steps, channels) input; the shape is unchanged."""

    type_name = "SpatialDropout1D"
    rank = 1
    arguments = SpatialDropout.spatial_arguments(1)


@register
class SpatialDropout2D(SpatialDropout):
    """Drops whole feature maps of a 4-D input; the shape is unchanged."""

    type_name = "SpatialDropout2D"
    rank = 2
    arguments = SpatialDropout.spatial_arguments(2)


@register
class SpatialDropout3D(SpatialDropout):
    """Drops whole feature volumes of a 5-D input; the shape is unchanged."""

    type_name = "SpatialDropout3D"
    rank = 3
    arguments = SpatialDropout.spatial_arguments(3)


@register
class GaussianNoise(SameShape, KerasLayer):
    """Adds zero-mean Gaussian noise in training; the shape is unchanged."""

    type_name = "GaussianNoise"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (
        Arg("stddev", REQUIRED, fraction, used=False, doc="standard deviation of the noise (0 to 1)"),
        Arg("seed", None, used=False),
    )
    example = ("GaussianNoise(0.1)", (28, 28, 1))



@register
class GaussianDropout(SameShape, KerasLayer):
    """Multiplies by Gaussian noise of mean 1 in training; the shape is unchanged."""

    type_name = "GaussianDropout"
    element_ops = ops.INFERENCE_IDENTITY

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(dropout=self.cfg.rate)
    arguments = (
        Arg("rate", REQUIRED, fraction, used=False, doc="drop probability (0 to 1)"),
        Arg("seed", None, used=False),
    )



@register
class AlphaDropout(SameShape, KerasLayer):
    """Dropout that keeps the mean and variance (for SELU networks); the shape is unchanged."""

    type_name = "AlphaDropout"
    element_ops = ops.INFERENCE_IDENTITY

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(dropout=self.cfg.rate)
    arguments = (
        Arg("rate", REQUIRED, fraction, used=False, doc="drop probability (0 to 1)"),
        Arg("noise_shape", None, used=False),
        Arg("seed", None, used=False),
    )



@register
class ActivityRegularization(SameShape, KerasLayer):
    """Adds an L1/L2 penalty on its input to the loss; the shape is unchanged."""

    type_name = "ActivityRegularization"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (
        Arg("l1", 0.0, number, used=False, doc="L1 factor"),
        Arg("l2", 0.0, number, used=False, doc="L2 factor"),
    )

    @classmethod
    def all_arguments(cls) -> tuple[Arg, ...]:
        # Keras sets activity_regularizer itself from l1 and l2: passing it too is refused
        return tuple(a for a in super().all_arguments() if a.name != "activity_regularizer")
