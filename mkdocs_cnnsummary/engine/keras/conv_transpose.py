"""Keras transposed convolutions: Conv1DTranspose/2D/3D."""

from __future__ import annotations

from ...i18n import N_, S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, ignored, int_tuple, one_of, positive_int
from ..checks import DesignFacts
from ..errors import SpecError
from ..expr import Var, floor_div, product, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import (
    AXES,
    KerasLayer,
    activation,
    data_format_arg,
    in_var,
    kernel_factors,
    linear_activation,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

TRANSPOSED_NOTE = N_("counted on the input positions: each input pixel meets the whole kernel once")

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

    family: ClassVar[str] = "conv"  # listed with the other convolutions in the layer reference
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
