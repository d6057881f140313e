"""Keras convolutions: Conv1D/2D/3D, their transposes, depthwise and separable convolutions."""

from __future__ import annotations

from ...i18n import N_, S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, ignored, int_tuple, one_of, positive_int
from ..checks import DesignFacts
from ..errors import SpecError
from ..expr import Expr, Var, floor_div, product, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import (
    AXES,
    LORA_NOTE,
    KerasLayer,
    activation,
    data_format_arg,
    in_var,
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

TRANSPOSED_NOTE = N_("counted on the input positions: each input pixel meets the whole kernel once")

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


# transposed convolutions ------------------------------------------------------------------------

TRANSPOSE_WEIGHT_ARGS = ignored("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                                "activity_regularizer", "kernel_constraint", "bias_constraint")


def transpose_arguments(rank: int) -> tuple[Arg, ...]:
    """Conv1DTranspose/Conv2DTranspose order; Conv3DTranspose swaps data_format and output_padding."""
    output_padding = Arg("output_padding", None, int_tuple(rank, minimum=0),
                         doc="extra rows/columns on one side; must be smaller than strides")
    data_format = data_format_arg()
    middle = (data_format, output_padding) if rank == 3 else (output_padding, data_format)
    return (
        Arg("filters", REQUIRED, positive_int, doc="number of output channels"),
        Arg("kernel_size", REQUIRED, int_tuple(rank, minimum=1), doc="window size"),
        Arg("strides", 1, int_tuple(rank, minimum=1)),
        Arg("padding", "valid", one_of("valid", "same")),
        *middle,
        Arg("dilation_rate", 1, int_tuple(rank, minimum=1)),
        Arg("activation", None, activation),
        Arg("use_bias", True, boolean),
        *TRANSPOSE_WEIGHT_ARGS,
    )


class BaseConvTranspose(KerasLayer):
    """Shared by Conv1DTranspose/2D/3D: Keras' TF-style output sizes and the kernel+bias count."""

    rank: ClassVar[int] = 2
    upsamples = True

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        strides, dilation, out_pad = config["strides"], config["dilation_rate"], config["output_padding"]
        if max(strides) > 1 and max(dilation) > 1:
            raise SpecError(_("strides > 1 cannot be combined with dilation_rate > 1"),
                            layer_type=cls.type_name, hint=_("set one of them to 1"))
        if out_pad is not None:
            for i, (op, s) in enumerate(zip(out_pad, strides, strict=True)):
                if op >= s:
                    raise SpecError(_("output_padding must be smaller than strides on every axis; on axis {value} "
                                      "output_padding is {op} and strides is {s}", value=i + 1, op=op, s=s),
                                    layer_type=cls.type_name,
                                    hint=_("use output_padding < {s} or a larger stride", s=s))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        self.expect_known_channels(x, calc)
        out_pad = self.cfg.output_padding or (None,) * self.rank
        spatial = [
            self.output_size(calc, size, axis, k, s, d, op)
            for size, axis, k, s, d, op in zip(self.spatial(x), AXES[self.rank], self.cfg.kernel_size,
                                               self.cfg.strides, self.cfg.dilation_rate, out_pad, strict=True)
        ]
        return self.assemble(spatial, self.cfg.filters)

    def output_size(self, calc: Calc, size: int | None, axis: tuple[str, str], k_: int, s_: int, d_: int,
                    op_: int | None) -> int | None:
        """One axis of keras' ``_get_output_shape_given_tf_padding``."""
        word, sym = axis
        n = in_var(size, axis)
        s = var(f"s_{sym}", s_)
        if self.cfg.padding == "same" and op_ is None:
            return calc.step(S_("output {word}", word=word), n * s, note=S_(
                    "padding='same' without output_padding gives input × stride"))
        k: Var = var(f"k_{sym}", k_)
        k_eff = d_ * (k_ - 1) + 1
        if d_ > 1:
            calc.step(S_("dilated kernel {word}", word=word), var(f"d_{sym}", d_) * (k - 1) + 1)
            k = var(f"k'_{sym}", k_eff)
        if self.cfg.padding == "valid":
            if op_ is not None:
                return calc.step(S_("output {word}", word=word), (n - 1) * s + k + var(f"op_{sym}", op_))
            if s_ > k_eff:
                return calc.step(S_("output {word}", word=word), (n - 1) * s + s,
                                 note=S_("output_padding=None: ({sym} − 1) × s_{sym} + max({symbol}, s_{sym}), and "
                                         "the stride is larger than the kernel", sym=sym, symbol=k.symbol))
            return calc.step(S_("output {word}", word=word), (n - 1) * s + k,
                             note=S_("output_padding=None: ({sym} − 1) × s_{sym} + max({symbol}, s_{sym})", sym=sym,
                                     symbol=k.symbol))
        # padding='same' with an explicit output_padding: (n − 1)·s + (k mod 2) + op
        return calc.step(S_("output {word}", word=word), (n - 1) * s + k - 2 * floor_div(k, 2) + var(f"op_{sym}", op_),
                         note=S_("{symbol} − 2 × ⌊{symbol}/2⌋ is {symbol} mod 2", symbol=k.symbol))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        positions = [*ops.batch_factor(calc, x), *ops.sizes(self.spatial(x), AXES[self.rank], "input")]
        per = [*kernel_factors(self.rank, self.cfg.kernel_size), var("filters", self.cfg.filters)]
        calc.macs(product([*positions, var("c_in", self.channels(x))]) * ops.grouped(per), note=_(TRANSPOSED_NOTE))
        count = product([*ops.batch_factor(calc, y), *ops.sizes(self.spatial(y), AXES[self.rank]),
                         var("filters", self.cfg.filters)])
        ops.bias_and_activation(calc, y, count, self.cfg.use_bias, self.cfg.activation)

    def torch_padding(self, k: int, s: int, d: int, op: int | None) -> int:
        """Where the kernel lands: output ``i·s − p + t·d`` for input ``i`` and tap ``t`` (TensorFlow's
        padding: half of the total, rounded down)."""
        if self.cfg.padding == "valid":
            return 0
        k_eff = d * (k - 1) + 1
        total = k_eff - s if op is None else k_eff - k_eff % 2 - op
        return max(total, 0) // 2

    def receptive_field(self, fields, inputs, output, calc):
        out_pad = self.cfg.output_padding or (None,) * self.rank
        windows = [receptive.transposed(k, s, d, self.torch_padding(k, s, d, op))
                   for k, s, d, op in zip(self.cfg.kernel_size, self.cfg.strides, self.cfg.dilation_rate, out_pad,
                                          strict=True)]
        return receptive.windowed(fields, calc, windows)

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(bias=self.cfg.filters if self.cfg.use_bias and linear_activation(self.cfg.activation)
                           else 0)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        c_in = self.channels(inputs[0])
        filters = var("filters", self.cfg.filters)
        per_filter = product([*kernel_factors(self.rank, self.cfg.kernel_size), var("c_in", c_in)])
        calc.weight("kernel", (*self.cfg.kernel_size, self.cfg.filters, c_in))
        if self.cfg.use_bias:
            calc.weight("bias", (self.cfg.filters,))
            calc.params((per_filter + 1) * filters)
        else:
            calc.params(per_filter * filters)


def kernel_factors(rank: int, kernel_size: tuple[int, ...]) -> list[Expr]:
    """``k_h``, ``k_w`` ... as variables."""
    return [var(f"k_{sym}", k) for (_, sym), k in zip(AXES[rank], kernel_size, strict=True)]


@register
class Conv1DTranspose(BaseConvTranspose):
    """Transposed 1-D convolution: (batch, steps, channels) grows by the stride."""

    type_name = "Conv1DTranspose"
    aliases = ("Convolution1DTranspose",)
    rank = 1
    arguments = transpose_arguments(1)


@register
class Conv2DTranspose(BaseConvTranspose):
    """Transposed 2-D convolution (deconvolution): height and width grow by the strides."""

    type_name = "Conv2DTranspose"
    example = ("Conv2DTranspose(8, 3, strides=2)", (7, 7, 16))
    aliases = ("Convolution2DTranspose",)
    rank = 2
    arguments = transpose_arguments(2)


@register
class Conv3DTranspose(BaseConvTranspose):
    """Transposed 3-D convolution: depth, height and width grow by the strides."""

    type_name = "Conv3DTranspose"
    aliases = ("Convolution3DTranspose",)
    rank = 3
    arguments = transpose_arguments(3)


# depthwise and separable convolutions -------------------------------------------------------------

DEPTHWISE_WEIGHT_ARGS = ("depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer",
                         "activity_regularizer", "depthwise_constraint", "bias_constraint")


class SpatialConv(KerasLayer):
    """What depthwise and separable convolutions share: input checks and output sizes."""

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
