"""Keras convolutions: Conv1D/2D/3D (their transposes, depthwise and separable convolutions are in
``conv_transpose`` and ``conv_depthwise``: a network loads the modules of the layers it uses)."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, ignored, int_tuple, one_of, positive_int
from ..checks import DesignFacts
from ..errors import SpecError
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, register
from ..summary import Shape
from .base import (
    AXES,
    LORA_NOTE,
    KerasLayer,
    activation,
    data_format_arg,
    linear_activation,
    lora_args,
    lora_weights,
    window_facts,
    window_fields,
    window_outputs,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

WEIGHT_ARGS = ignored("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                      "activity_regularizer", "kernel_constraint", "bias_constraint")


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
            Arg("activation", None, activation),
            Arg("use_bias", True, boolean),
            *WEIGHT_ARGS,
            *lora_args(keyword_only=True),
        )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["filters"] % config["groups"]:
            raise SpecError(_("filters={config} is not divisible by groups={config2}", config=config['filters'],
                              config2=config[
                    'groups']),
                            layer_type=cls.type_name, hint=_("choose filters as a multiple of groups"))
        if max(config["strides"]) > 1 and max(config["dilation_rate"]) > 1:
            raise SpecError(_("strides > 1 cannot be combined with dilation_rate > 1"),
                            layer_type=cls.type_name, hint=_("set one of them to 1"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        c_in = self.expect_known_channels(x, calc)
        if c_in % self.cfg.groups:
            raise calc.error(_("the input has {c_in} channels, not divisible by groups={groups}", c_in=c_in,
                               groups=self.cfg.groups),
                             _("use a number of groups that divides the input channels"))
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
        kernel = (*self.cfg.kernel_size, c_in // groups, self.cfg.filters)
        calc.weight("kernel", kernel, trainable=not self.cfg.lora_rank)
        if self.cfg.use_bias:
            calc.weight("bias", (self.cfg.filters,))
            params = (weights_per_filter + 1) * filters
        else:
            params = weights_per_filter * filters
        if self.cfg.lora_rank:
            params = params + lora_weights(calc, kernel, weights_per_filter, filters, self.cfg.lora_rank)
        calc.params(params, note=_(LORA_NOTE) if self.cfg.lora_rank else None)

    def per_filter(self, c_in: int | None) -> list[Expr]:
        """``k_h × k_w × c_in/groups``: the weights of one filter."""
        c: Expr = var("c_in", c_in)
        if self.cfg.groups > 1:
            c = c / var("groups", self.cfg.groups)
        return [*self.kernel_factors(), c]

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        positions = [*ops.batch_factor(calc, x), *ops.sizes(self.spatial(y), AXES[self.rank])]
        filters = var("filters", self.cfg.filters)
        per = self.per_filter(self.channels(x))
        if not self.cfg.lora_rank:
            calc.macs(product([*positions, filters]) * ops.grouped(per),
                      note=_("every output value: one multiply-accumulate per weight of its filter"))
        else:
            merge = calc.macs(ops.grouped(per) * var("r", self.cfg.lora_rank) * filters, part=S_("LoRA kernel"),
                              note=_("the kernel is rebuilt on every call: lora_kernel_a × lora_kernel_b"))
            conv = calc.macs(product([*positions, filters]) * ops.grouped(per), part=S_("convolution"))
            calc.macs(var("MACs_conv", conv) + var("MACs_lora", merge))
        extra = []
        if self.cfg.lora_rank:
            extra.append((2 * ops.grouped([*per, filters]),
                          _("LoRA: the scaled factor product is added to the kernel (2 ops per kernel weight)")))
        ops.bias_and_activation(calc, y, product([*positions, filters]), self.cfg.use_bias, self.cfg.activation,
                                extra)

    def receptive_field(self, fields, inputs, output, calc):
        return window_fields(calc, fields, self.spatial(inputs[0]), self.cfg.kernel_size, self.cfg.strides,
                             self.cfg.dilation_rate, self.cfg.padding)

    def design(self, inputs: list[Shape]) -> DesignFacts:
        bias = self.cfg.filters if self.cfg.use_bias and linear_activation(self.cfg.activation) else 0
        return DesignFacts(bias=bias, windows=window_facts(self.spatial(inputs[0]), self.cfg.kernel_size,
                                                           self.cfg.strides, self.cfg.dilation_rate,
                                                           self.cfg.padding))


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
