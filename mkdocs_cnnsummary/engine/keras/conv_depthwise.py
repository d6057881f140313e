"""Keras depthwise and separable convolutions: DepthwiseConv1D/2D, SeparableConv1D/2D."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, ignored, int_tuple, one_of, positive_int
from ..checks import DesignFacts
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, register
from ..summary import Shape
from .base import (
    AXES,
    KerasLayer,
    activation,
    data_format_arg,
    kernel_factors,
    linear_activation,
    window_facts,
    window_fields,
    window_outputs,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar

DEPTHWISE_WEIGHT_ARGS = ("depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer",
                         "activity_regularizer", "depthwise_constraint", "bias_constraint")


class SpatialConv(KerasLayer):
    """What depthwise and separable convolutions share: input checks and output sizes."""

    family: ClassVar[str] = "conv"  # listed with the other convolutions in the layer reference
    rank: ClassVar[int] = 2

    def output_spatial(self, x: Shape, calc: Calc) -> tuple[list[int | None], int]:
        self.expect_rank(x, self.rank + 2, calc)
        c_in = self.expect_known_channels(x, calc)
        spatial = window_outputs(calc, self.spatial(x), self.cfg.kernel_size, self.cfg.strides,
                                 self.cfg.dilation_rate, self.cfg.padding)
        return spatial, c_in

    def depthwise_factors(self, c_in: int | None) -> list[Expr]:
        """``k_h × k_w × c_in × depth_multiplier`` (the depthwise kernel)."""
        return [*kernel_factors(self.rank, self.cfg.kernel_size), var("c_in", c_in),
                var("depth_multiplier", self.cfg.depth_multiplier)]

    def depthwise_macs(self, inputs: list[Shape], output: OutputShape, calc: Calc, part: str | None) -> int | None:
        """Each of the c_in × depth_multiplier output channels: one window of one input channel."""
        x, y = inputs[0], ops.first(output)
        positions = [*ops.batch_factor(calc, x), *ops.sizes(self.spatial(y), AXES[self.rank])]
        channels = ops.grouped([var("c_in", self.channels(x)), var("depth_multiplier", self.cfg.depth_multiplier)])
        kernel = ops.grouped(kernel_factors(self.rank, self.cfg.kernel_size))
        return calc.macs(product([*positions, channels, kernel]), part=part,
                         note=_("each output channel: one k_h × k_w window of its input channel"))

    def receptive_field(self, fields, inputs, output, calc):
        return window_fields(calc, fields, self.spatial(inputs[0]), self.cfg.kernel_size, self.cfg.strides,
                             self.cfg.dilation_rate, self.cfg.padding)

    def design(self, inputs: list[Shape]) -> DesignFacts:
        c = self.channels(inputs[0]) or 0
        bias = (getattr(self.cfg, "filters", None) or c * self.cfg.depth_multiplier) \
            if self.cfg.use_bias and linear_activation(self.cfg.activation) else 0
        return DesignFacts(bias=bias, windows=window_facts(self.spatial(inputs[0]), self.cfg.kernel_size,
                                                           self.cfg.strides, self.cfg.dilation_rate,
                                                           self.cfg.padding))


def depthwise_arguments(rank: int) -> tuple[Arg, ...]:
    return (
        Arg("kernel_size", REQUIRED, int_tuple(rank, minimum=1), doc="window size"),
        Arg("strides", 1, int_tuple(rank, minimum=1)),
        Arg("padding", "valid", one_of("valid", "same")),
        Arg("depth_multiplier", 1, positive_int, doc="output channels per input channel"),
        data_format_arg(),
        Arg("dilation_rate", 1, int_tuple(rank, minimum=1)),
        Arg("activation", None, activation),
        Arg("use_bias", True, boolean),
        *ignored(*DEPTHWISE_WEIGHT_ARGS),
    )


class BaseDepthwiseConv(SpatialConv):
    """One filter bank per input channel: c_in × depth_multiplier output channels."""

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        spatial, c_in = self.output_spatial(inputs[0], calc)
        channels = calc.step(S_("output channels"), var("c_in", c_in) * var("depth_multiplier",
                                                                            self.cfg.depth_multiplier))
        return self.assemble(spatial, channels)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        c_in = self.channels(inputs[0])
        dm = self.cfg.depth_multiplier
        calc.weight("kernel", (*self.cfg.kernel_size, c_in, dm))
        kernel = product(kernel_factors(self.rank, self.cfg.kernel_size))
        per_channel = var("c_in", c_in) * var("depth_multiplier", dm)
        if self.cfg.use_bias:
            calc.weight("bias", (c_in * dm,))
            calc.params((kernel + 1) * per_channel)
        else:
            calc.params(kernel * per_channel)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        self.depthwise_macs(inputs, output, calc, None)
        y = ops.first(output)
        ops.bias_and_activation(calc, y, ops.elements(calc, y), self.cfg.use_bias, self.cfg.activation)


@register
class DepthwiseConv1D(BaseDepthwiseConv):
    """Depthwise 1-D convolution: each channel is convolved with its own filters."""

    type_name = "DepthwiseConv1D"
    rank = 1
    arguments = depthwise_arguments(1)


@register
class DepthwiseConv2D(BaseDepthwiseConv):
    """Depthwise 2-D convolution: each channel is convolved with its own filters."""

    type_name = "DepthwiseConv2D"
    example = ("DepthwiseConv2D(3, depth_multiplier=2)", (8, 8, 3))
    rank = 2
    arguments = depthwise_arguments(2)


def separable_arguments(rank: int) -> tuple[Arg, ...]:
    return (
        Arg("filters", REQUIRED, positive_int, doc="number of output channels (of the pointwise step)"),
        Arg("kernel_size", REQUIRED, int_tuple(rank, minimum=1), doc="window size of the depthwise step"),
        Arg("strides", 1, int_tuple(rank, minimum=1)),
        Arg("padding", "valid", one_of("valid", "same")),
        data_format_arg(),
        Arg("dilation_rate", 1, int_tuple(rank, minimum=1)),
        Arg("depth_multiplier", 1, positive_int, doc="depthwise output channels per input channel"),
        Arg("activation", None, activation),
        Arg("use_bias", True, boolean, doc="bias of the pointwise step (the depthwise step has none)"),
        *ignored("depthwise_initializer", "pointwise_initializer", "bias_initializer", "depthwise_regularizer",
                 "pointwise_regularizer", "bias_regularizer", "activity_regularizer", "depthwise_constraint",
                 "pointwise_constraint", "bias_constraint"),
    )


class BaseSeparableConv(SpatialConv):
    """A depthwise convolution followed by a 1×1 (pointwise) convolution; the bias is on the pointwise one."""

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        spatial, _ignored = self.output_spatial(inputs[0], calc)
        return self.assemble(spatial, self.cfg.filters)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        c_in = self.channels(inputs[0])
        dm = self.cfg.depth_multiplier
        calc.weight("depthwise_kernel", (*self.cfg.kernel_size, c_in, dm))
        calc.weight("pointwise_kernel", ((1,) * self.rank + (c_in * dm, self.cfg.filters)))
        depthwise = product(self.depthwise_factors(c_in))
        pointwise_in = var("c_in", c_in) * var("depth_multiplier", dm)
        filters = var("filters", self.cfg.filters)
        if self.cfg.use_bias:
            calc.weight("bias", (self.cfg.filters,))
            calc.params(depthwise + (pointwise_in + 1) * filters)
        else:
            calc.params(depthwise + pointwise_in * filters)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        depthwise = self.depthwise_macs(inputs, output, calc, S_("depthwise"))
        positions = [*ops.batch_factor(calc, x), *ops.sizes(self.spatial(y), AXES[self.rank])]
        channels = ops.grouped([var("c_in", self.channels(x)), var("depth_multiplier", self.cfg.depth_multiplier)])
        pointwise = calc.macs(product([*positions, channels, var("filters", self.cfg.filters)]), part=S_("pointwise"),
                              note=_("a 1×1 convolution of the depthwise output"))
        calc.macs(var("MACs_depthwise", depthwise) + var("MACs_pointwise", pointwise))
        ops.bias_and_activation(calc, y, ops.elements(calc, y), self.cfg.use_bias, self.cfg.activation)


@register
class SeparableConv1D(BaseSeparableConv):
    """Depthwise-separable 1-D convolution."""

    type_name = "SeparableConv1D"
    aliases = ("SeparableConvolution1D",)
    rank = 1
    arguments = separable_arguments(1)


@register
class SeparableConv2D(BaseSeparableConv):
    """Depthwise-separable 2-D convolution."""

    type_name = "SeparableConv2D"
    example = ("SeparableConv2D(8, 3, depth_multiplier=2)", (8, 8, 3))
    aliases = ("SeparableConvolution2D",)
    rank = 2
    arguments = separable_arguments(2)
