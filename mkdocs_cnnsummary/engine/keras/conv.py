"""Keras convolutions: Conv1D/2D/3D."""

from __future__ import annotations

from typing import Any, ClassVar

from ..args import REQUIRED, Arg, boolean, ignored, int_tuple, one_of, positive_int
from ..errors import SpecError
from ..expr import Expr, product, var
from ..layer import Calc, register
from ..summary import Shape
from .base import AXES, KerasLayer, data_format_arg, window_outputs

WEIGHT_ARGS = ignored("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                      "activity_regularizer", "kernel_constraint", "bias_constraint", "lora_rank", "lora_alpha")


class BaseConv(KerasLayer):
    """Shared by Conv1D/2D/3D: arguments, output sizes and the kernel+bias count."""

    rank: ClassVar[int] = 2

    @classmethod
    def conv_arguments(cls, rank: int) -> tuple[Arg, ...]:
        return (
            Arg("filters", REQUIRED, positive_int, doc="number of output channels"),
            Arg("kernel_size", REQUIRED, int_tuple(rank, minimum=1), doc="window size"),
            Arg("strides", 1, int_tuple(rank, minimum=1)),
            Arg("padding", "valid", one_of("valid", "same", "causal") if rank == 1 else one_of("valid", "same")),
            data_format_arg(),
            Arg("dilation_rate", 1, int_tuple(rank, minimum=1)),
            Arg("groups", 1, positive_int, doc="channels split into groups; each filter sees c_in/groups"),
            Arg("activation", None),
            Arg("use_bias", True, boolean),
            *WEIGHT_ARGS,
        )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["filters"] % config["groups"]:
            raise SpecError(f"filters={config['filters']} is not divisible by groups={config['groups']}",
                            layer_type=cls.type_name, hint="choose filters as a multiple of groups")
        if max(config["strides"]) > 1 and max(config["dilation_rate"]) > 1:
            raise SpecError("strides > 1 cannot be combined with dilation_rate > 1",
                            layer_type=cls.type_name, hint="set one of them to 1")
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        c_in = self.expect_known_channels(x, calc)
        if c_in % self.cfg.groups:
            raise calc.error(f"the input has {c_in} channels, not divisible by groups={self.cfg.groups}",
                             "use a number of groups that divides the input channels")
        spatial = window_outputs(calc, self.spatial(x), self.cfg.kernel_size, self.cfg.strides,
                                 self.cfg.dilation_rate, self.cfg.padding)
        return self.assemble(spatial, self.cfg.filters)

    def kernel_factors(self) -> list[Expr]:
        return [var(f"k_{sym}", k) for (_, sym), k in zip(AXES[self.rank], self.cfg.kernel_size, strict=True)]

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        c_in = self.channels(inputs[0])
        groups = self.cfg.groups
        filters = var("filters", self.cfg.filters)
        per_filter: Expr = var("c_in", c_in)
        if groups > 1:
            per_filter = per_filter / var("groups", groups)
        weights_per_filter = product([*self.kernel_factors(), per_filter])
        calc.weight("kernel", (*self.cfg.kernel_size, c_in // groups, self.cfg.filters))
        if self.cfg.use_bias:
            calc.weight("bias", (self.cfg.filters,))
            calc.params((weights_per_filter + 1) * filters)
        else:
            calc.params(weights_per_filter * filters)


@register
class Conv1D(BaseConv):
    """1-D convolution over (batch, steps, channels)."""

    type_name = "Conv1D"
    aliases = ("Convolution1D",)
    rank = 1
    arguments = BaseConv.conv_arguments(1)


@register
class Conv2D(BaseConv):
    """2-D convolution over (batch, height, width, channels)."""

    type_name = "Conv2D"
    aliases = ("Convolution2D",)
    rank = 2
    arguments = BaseConv.conv_arguments(2)


@register
class Conv3D(BaseConv):
    """3-D convolution over (batch, depth, height, width, channels)."""

    type_name = "Conv3D"
    aliases = ("Convolution3D",)
    rank = 3
    arguments = BaseConv.conv_arguments(3)
