"""Core Keras layers: InputLayer, Dense, Activation, Dropout, Flatten."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, fraction, ignored, positive_int, shape
from ..checks import DesignFacts
from ..expr import product, var
from ..layer import Calc, OutputShape, SameShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import LORA_NOTE, KerasLayer, activation, fmt, linear_activation, lora_args, lora_weights


@register
class InputLayer(KerasLayer):
    """A network input (``Input(shape=(28, 28, 1))``); appears in the inputs, not the layers."""

    type_name = "InputLayer"
    aliases = ("Input",)
    is_input = True
    min_inputs = 0
    max_inputs = 0
    arguments = (
        Arg("shape", None, shape, doc="shape without the batch dimension"),
        Arg("batch_size", None, positive_int),
        *ignored("dtype", "sparse", "ragged", "batch_shape", "input_tensor", "optional"),
    )

    @classmethod
    def validate(cls, config):
        if config["shape"] is None and config.get("input_shape") is None:
            from ..errors import SpecError

            raise SpecError(_("needs a shape"), layer_type=cls.type_name, hint=_(
                    "write InputLayer: {shape: [28, 28, 1]}"))
        return config

    def input_shape(self) -> Shape:
        declared = self.cfg.shape if self.cfg.shape is not None else self.cfg.input_shape
        return (self.cfg.batch_size, *declared)


@register
class Dense(KerasLayer):
    """Fully connected: the last axis becomes ``units``."""

    type_name = "Dense"
    arguments = (
        Arg("units", REQUIRED, positive_int, doc="size of the output's last axis"),
        Arg("activation", None, activation),
        Arg("use_bias", True, boolean, doc="false drops the bias (units parameters)"),
        *ignored("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                 "activity_regularizer", "kernel_constraint", "bias_constraint"),
        *lora_args(keyword_only=False),
        Arg("quantization_config", None, used=False),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if len(x) < 2:
            raise calc.error(_("expects an input with at least 2 dimensions, got {fmt}", fmt=fmt(x)))
        return (*x[:-1], self.cfg.units)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        if x[-1] is None:
            raise calc.error(_("the last dimension of the input must be known, got {fmt}", fmt=fmt(x)),
                             _("a Flatten of an input with unknown sizes gives None; give the input a known size"))
        n_in = var("n_in", x[-1])
        units = var("units", self.cfg.units)
        kernel = (x[-1], self.cfg.units)
        calc.weight("kernel", kernel, trainable=not self.cfg.lora_rank)
        if self.cfg.use_bias:
            calc.weight("bias", (self.cfg.units,))
            params = (n_in + 1) * units
        else:
            params = n_in * units
        if self.cfg.lora_rank:
            params = params + lora_weights(calc, kernel, n_in, units, self.cfg.lora_rank)
        calc.params(params, note=_(LORA_NOTE) if self.cfg.lora_rank else None)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        rows = [*ops.batch_factor(calc, x), *ops.dims(x, 1, -1, "input")]
        n_in, units = var("n_in", x[-1]), var("units", self.cfg.units)
        note = _("every output value: one multiply-accumulate per input feature")
        if len(x) > 2:
            note += _("; the kernel is applied at every position of the leading axes")
        if not self.cfg.lora_rank:
            calc.macs(product([*rows, n_in, units]), note=note)
        else:
            merge = calc.macs(n_in * var("r", self.cfg.lora_rank) * units, part=S_("LoRA kernel"),
                              note=_("the kernel is rebuilt on every call: lora_kernel_a × lora_kernel_b"))
            dense = calc.macs(product([*rows, n_in, units]), part=S_("matrix product"), note=note)
            calc.macs(var("MACs_dense", dense) + var("MACs_lora", merge))
        extra = [(2 * n_in * units, _("LoRA: the scaled factor product is added to the kernel (2 ops per kernel "
                                    "weight)"))] if self.cfg.lora_rank else []
        ops.bias_and_activation(calc, y, product([*rows, units]), self.cfg.use_bias, self.cfg.activation, extra)

    def receptive_field(self, fields, inputs, output, calc):
        if len(inputs[0]) > 2:  # applied at every position: the positions are kept
            return receptive.same(fields, calc)
        return receptive.none(fields, calc, _("Dense on a vector: the output has no spatial axes"))

    def design(self, inputs: list[Shape]) -> DesignFacts:
        bias = self.cfg.units if self.cfg.use_bias and linear_activation(self.cfg.activation) else 0
        return DesignFacts(bias=bias, dense=True, fully_connected=True)


@register
class Activation(SameShape, KerasLayer):
    """Applies an activation function; the shape is unchanged."""

    type_name = "Activation"
    arguments = (Arg("activation", REQUIRED, activation, doc="name of the activation"),)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        per, label = ops.activation_ops(self.cfg.activation)
        ops.per_element(calc, output, per, _("{per} op{value} per element: {label}", per=per,
                                             value='s' if per != 1 else '', label=label) if per else
                        _("linear: the identity"))


@register
class Dropout(SameShape, KerasLayer):
    """Randomly zeroes inputs during training; the shape is unchanged."""

    type_name = "Dropout"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (
        Arg("rate", REQUIRED, fraction),
        Arg("noise_shape", None),
        Arg("seed", None, used=False),
    )

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(dropout=self.cfg.rate)


@register
class Flatten(KerasLayer):
    """Flattens every axis but the batch into one."""

    type_name = "Flatten"
    arguments = (Arg("data_format", None),)
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.rearranged(fields, calc, 2, _("Flatten: the output has no spatial axes"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        dims = x[1:]
        names = ["d_" + str(i + 1) for i in range(len(dims))]
        factors = [var(n, d, S_("input dimension {value}", value=i + 1)) for i, (n, d) in enumerate(zip(names, dims,
            strict=True))]
        size = calc.step(S_("output size"), product(factors))
        return (x[0], size)


@register
class Lambda(KerasLayer):
    """Runs a Python function on its input; the output shape must be given (the engine runs no code)."""

    type_name = "Lambda"
    min_inputs = 1
    max_inputs = None
    arguments = (
        Arg("function", REQUIRED, used=False, doc="the function (its name)"),
        Arg("output_shape", None, shape, doc="the output shape without the batch axis"),
        Arg("mask", None, used=False),
        Arg("arguments", None, used=False),
    )
    example = ("Lambda('double', output_shape=(10,))", (10,))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        calc.unknown_ops(_("a Lambda runs a function the engine does not read: its operations are not known"))

    @classmethod
    def validate(cls, config):
        if config["output_shape"] is None:
            from ..errors import SpecError

            raise SpecError(_("needs output_shape: the function is not run, so its output shape is not known"),
                            layer_type=cls.type_name, hint=_("write output_shape=(...) without the batch axis, as the "
                                                             "function returns it"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        return (inputs[0][0], *self.cfg.output_shape)
