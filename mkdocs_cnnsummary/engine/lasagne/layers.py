"""Lasagne layers (``lasagne.layers``), channels first: (batch, channels, rows, columns).

Sizes follow ``lasagne/layers/conv.py`` ``conv_output_length`` and
``lasagne/layers/pool.py`` ``pool_output_length``; ``DenseLayer`` flattens every
axis after ``num_leading_axes`` on its own.
"""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import (
    REQUIRED,
    Arg,
    ArgError,
    boolean,
    function_name,
    ignored,
    int_list,
    int_tuple,
    integer,
    number,
    one_of,
    positive_int,
    shape,
)
from ..checks import DesignFacts, Window, dropped
from ..errors import SpecError
from ..expr import Expr, ceil_div, product, total, var
from ..layer import Calc, Layer, OutputShape, SameShape, register
from ..lazy import receptive
from ..summary import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

AXES = {1: ((S_("length"), "n"),), 2: ((S_("rows"), "h"), (S_("columns"), "w")),
        3: ((S_("depth"), "d"), (S_("rows"), "h"), (S_("columns"), "w"))}

#: the functions of ``lasagne.nonlinearities`` (its classes are written as calls: ``LeakyRectify(0.1)``)
NONLINEARITIES = ("elu", "identity", "leaky_rectify", "linear", "rectify", "selu", "sigmoid", "softmax", "softplus",
                  "tanh", "very_leaky_rectify")
nonlinearity = function_name(NONLINEARITIES, "nonlinearity")

#: what Lasagne writes as a default initializer; ``b: null`` removes the bias
DEFAULT_INIT = "Constant(0.)"


def fmt(shape_: Shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape_) + ")"


class LasagneLayer(Layer):
    """Base of Lasagne layers."""

    framework: ClassVar[str] = "lasagne"

    def expect_rank(self, x: Shape, rank: int, calc: Calc) -> None:
        if len(x) != rank:
            raise calc.error(_("expects a {rank}-D input (batch, channels, ...) with the batch axis, got {x}-D {fmt}",
                               rank=rank, x=len(x), fmt=fmt(x)), _(
                    "check the layer before it"))

    def known_channels(self, x: Shape, calc: Calc) -> int:
        if x[1] is None:
            raise calc.error(_("the number of input channels (axis 1) must be known, got {fmt}", fmt=fmt(x)))
        return x[1]


def nonlinearity_ops(name: Any) -> Any:
    """Lasagne names its nonlinearities (``rectify``, ``softmax``, ``linear`` ...): ops per element."""
    if name is None or name in ("linear", "identity"):
        return None
    return name


def _pad(n: int):
    def convert(value: Any) -> Any:
        if value == "valid":
            return (0,) * n
        if value in ("full", "same"):
            return value
        if isinstance(value, str):
            raise ArgError(_("must be an integer, a tuple of {n} integers, 'valid', 'full' or 'same', got {value!r}",
                             n=n, value=value))
        return int_tuple(n)(value)

    return convert


@register
class InputLayer(LasagneLayer):
    """The network input; ``shape`` includes the batch axis, e.g. (None, 1, 28, 28)."""

    family = "core"
    type_name = "InputLayer"
    is_input = True
    min_inputs = 0
    max_inputs = 0
    arguments = (Arg("shape", REQUIRED, shape, doc="shape including the batch axis"), *ignored("input_var"))

    def input_shape(self) -> Shape:
        return tuple(self.cfg.shape)


class BaseConvLayer(LasagneLayer):
    """Shared by Conv1DLayer/Conv2DLayer/Conv3DLayer."""

    family = "conv"
    rank: ClassVar[int] = 2

    @classmethod
    def conv_arguments(cls, n: int) -> tuple[Arg, ...]:
        return (
            Arg("num_filters", REQUIRED, positive_int, doc="number of output channels"),
            Arg("filter_size", REQUIRED, int_tuple(n, minimum=1)),
            Arg("stride", 1, int_tuple(n, minimum=1)),
            Arg("pad", 0, _pad(n), doc="an integer, 'valid' (0), 'full' (filter − 1) or 'same' (filter // 2)"),
            Arg("untie_biases", False, boolean, doc="one bias per filter and output position"),
            Arg("W", "GlorotUniform()", used=False),
            Arg("b", DEFAULT_INIT, doc="null removes the bias"),
            Arg("nonlinearity", "rectify", nonlinearity, used=False),
            Arg("flip_filters", True, used=False),
            Arg("num_groups", 1, positive_int),
            *ignored("convolution"),
        )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["pad"] == "same" and any(k % 2 == 0 for k in config["filter_size"]):
            raise SpecError(_("pad='same' requires an odd filter size, got {config}", config=config['filter_size']),
                            layer_type=cls.type_name, hint=_("use an odd filter_size or an integer pad"))
        if config["num_filters"] % config["num_groups"]:
            raise SpecError(_("num_groups={config} must divide num_filters={config2}", config=config['num_groups'],
                              config2=config[
                    'num_filters']),
                            layer_type=cls.type_name)
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        c_in = self.known_channels(x, calc)
        if c_in % self.cfg.num_groups:
            raise calc.error(_("num_groups={num_groups} must divide the {c_in} input channels",
                               num_groups=self.cfg.num_groups, c_in=c_in))
        out: list[int | None] = []
        for size, k_, s_, axis, i in zip(x[2:], self.cfg.filter_size, self.cfg.stride, AXES[self.rank],
                                         range(self.rank), strict=True):
            word, sym = axis
            n = var(sym, size, S_("the input {word}", word=word))
            k = var(f"k_{sym}", k_)
            s = var(f"s_{sym}", s_)
            pad = self.cfg.pad
            if pad == "same":
                length: Expr = n
                note = S_("pad='same' keeps the size (before the stride)")
            elif pad == "full":
                length = n + (k - 1)
                note = S_("pad='full' pads filter − 1 on both sides")
            elif pad[i] == 0:
                length = n - (k - 1)
                note = None
            else:
                length = n + 2 * var(f"p_{sym}", pad[i]) - (k - 1)
                note = None
            expr = length if s_ == 1 else ceil_div(length, s)
            value = calc.step(S_("output {word}", word=word), expr, note)
            if calc.too_small(value):
                raise calc.error(_("a filter of size {k_} does not fit the input {word} {size}", k_=k_, word=word,
                                   size=size),
                                 _("use pad='same' or a smaller filter_size"))
            out.append(value)
        self.out_sizes = out
        return (x[0], self.cfg.num_filters, *out)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        c_in = x[1]
        groups = self.cfg.num_groups
        kernel = [var(f"k_{sym}", k) for (_, sym), k in zip(AXES[self.rank], self.cfg.filter_size, strict=True)]
        per_filter: Expr = var("c_in", c_in)
        if groups > 1:
            per_filter = per_filter / var("num_groups", groups)
        weights = product([*kernel, per_filter])
        filters = var("num_filters", self.cfg.num_filters)
        calc.weight("W", (self.cfg.num_filters, c_in // groups, *self.cfg.filter_size))
        if self.cfg.b is None:
            calc.params(weights * filters)
        elif self.cfg.untie_biases:
            sizes = self.out_sizes
            calc.weight("b", (self.cfg.num_filters, *sizes))
            positions = [var(f"out_{sym}", v) for (_, sym), v in zip(AXES[self.rank], sizes, strict=True)]
            calc.params(weights * filters + product([filters, *positions]),
                        note=S_("untie_biases: one bias per filter and output position"))
        else:
            calc.weight("b", (self.cfg.num_filters,))
            calc.params((weights + 1) * filters)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        positions = [*ops.batch_factor(calc, x), *ops.sizes(y[2:], AXES[self.rank])]
        c: Expr = var("c_in", x[1])
        if self.cfg.num_groups > 1:
            c = c / var("num_groups", self.cfg.num_groups)
        kernel = [var(f"k_{sym}", k) for (_, sym), k in zip(AXES[self.rank], self.cfg.filter_size, strict=True)]
        filters = var("num_filters", self.cfg.num_filters)
        calc.macs(product([*positions, filters]) * ops.grouped([*kernel, c]),
                  note=_("every output value: one multiply-accumulate per weight of its filter"))
        ops.bias_and_activation(calc, y, product([*positions, filters]), self.cfg.b is not None,
                                nonlinearity_ops(self.cfg.nonlinearity))

    def design(self, inputs: list[Shape]) -> DesignFacts:
        windows = []
        for i, (n, k, s) in enumerate(zip(inputs[0][2:], self.cfg.filter_size, self.cfg.stride, strict=True)):
            pad = self.cfg.pad
            total = 2 * (k // 2) if pad == "same" else 2 * (k - 1) if pad == "full" else 2 * pad[i]
            windows.append(Window(k, s, n, dropped(n, k, s, total)))
        bias = self.cfg.num_filters if self.cfg.b is not None and nonlinearity_ops(self.cfg.nonlinearity) is None \
            else 0
        return DesignFacts(bias=bias, windows=tuple(windows), padding_hint="pad='same'")

    def receptive_field(self, fields, inputs, output, calc):
        windows = []
        for i, k in enumerate(self.cfg.filter_size):
            pad = self.cfg.pad
            before = k // 2 if pad == "same" else k - 1 if pad == "full" else pad[i]
            windows.append(receptive.sliding(k, self.cfg.stride[i], 1, before))
        return receptive.windowed(fields, calc, windows)


@register
class Conv1DLayer(BaseConvLayer):
    """1-D convolution over (batch, channels, length)."""

    type_name = "Conv1DLayer"
    rank = 1
    arguments = BaseConvLayer.conv_arguments(1)


@register
class Conv2DLayer(BaseConvLayer):
    """2-D convolution over (batch, channels, rows, columns)."""

    type_name = "Conv2DLayer"
    rank = 2
    arguments = BaseConvLayer.conv_arguments(2)


@register
class Conv3DLayer(BaseConvLayer):
    """3-D convolution over (batch, channels, depth, rows, columns)."""

    type_name = "Conv3DLayer"
    rank = 3
    arguments = BaseConvLayer.conv_arguments(3)


class BasePoolLayer(LasagneLayer):
    """Shared by the pooling layers (``stride`` defaults to ``pool_size``)."""

    family = "pooling"
    rank: ClassVar[int] = 2

    @classmethod
    def pool_arguments(cls, n: int, *, mode: bool) -> tuple[Arg, ...]:
        args = (
            Arg("pool_size", REQUIRED, int_tuple(n, minimum=1)),
            Arg("stride", None, int_tuple(n, minimum=1), doc="defaults to pool_size"),
            Arg("pad", 0, int_tuple(n)),
            Arg("ignore_border", True, boolean, doc="false adds a partial window at the border"),
        )
        if mode:
            args += (Arg("mode", "max", one_of("max", "average_inc_pad", "average_exc_pad"), used=False),)
        return args

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["stride"] is None:
            config["stride"] = config["pool_size"]
        if not config["ignore_border"] and any(config["pad"]):
            raise SpecError(_("padding requires ignore_border=True"), layer_type=cls.type_name,
                            hint=_("set ignore_border: true or pad: 0"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        out: list[int | None] = []
        for size, k_, s_, p_, (word, sym) in zip(x[2:], self.cfg.pool_size, self.cfg.stride, self.cfg.pad,
                                                 AXES[self.rank], strict=True):
            n = var(sym, size, S_("the input {word}", word=word))
            k = var(f"k_{sym}", k_)
            s = var(f"s_{sym}", s_)
            if self.cfg.ignore_border:
                length = n - (k - 1) if p_ == 0 else n + 2 * var(f"p_{sym}", p_) - (k - 1)
                value = calc.step(S_("output {word}", word=word), ceil_div(length, s))
            elif s_ >= k_:
                value = calc.step(S_("output {word}", word=word), ceil_div(n, s),
                                  S_("ignore_border=False keeps a partial window at the border"))
            else:
                rest = None if size is None else size - k_
                if rest is not None and rest < 0:
                    value = calc.step(S_("output {word}", word=word), 1, S_(
                            "the window is larger than the input: one partial window"))
                else:
                    value = calc.step(S_("output {word}", word=word), ceil_div(n - k, s) + 1,
                                      S_("ignore_border=False keeps a partial window at the border"))
            if calc.too_small(value):
                raise calc.error(_("a pool of size {k_} does not fit the input {word} {size}", k_=k_, word=word,
                                   size=size),
                                 _("use a smaller pool_size or ignore_border: false"))
            out.append(value)
        return (x[0], x[1], *out)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        window = [var(f"k_{sym}", k) for (_, sym), k in zip(AXES[self.rank], self.cfg.pool_size, strict=True)]
        kind = "max" if getattr(self.cfg, "mode", "max") == "max" else "avg"
        ops.window_ops(calc, ops.elements(calc, ops.first(output)), window, kind)

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(windows=tuple(
            Window(k, s, n, dropped(n, k, s, 2 * p) if self.cfg.ignore_border else 0)
            for n, k, s, p in zip(inputs[0][2:], self.cfg.pool_size, self.cfg.stride, self.cfg.pad, strict=True)),
            padding_hint="ignore_border=False")

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.windowed(fields, calc, [receptive.sliding(k, s, 1, p) for k, s, p in
                                                 zip(self.cfg.pool_size, self.cfg.stride, self.cfg.pad, strict=True)])


@register
class Pool1DLayer(BasePoolLayer):
    """1-D pooling (max or average)."""

    type_name = "Pool1DLayer"
    rank = 1
    arguments = BasePoolLayer.pool_arguments(1, mode=True)


@register
class Pool2DLayer(BasePoolLayer):
    """2-D pooling (max or average)."""

    type_name = "Pool2DLayer"
    rank = 2
    arguments = BasePoolLayer.pool_arguments(2, mode=True)


@register
class MaxPool1DLayer(BasePoolLayer):
    """1-D max pooling."""

    type_name = "MaxPool1DLayer"
    rank = 1
    arguments = BasePoolLayer.pool_arguments(1, mode=False)


@register
class MaxPool2DLayer(BasePoolLayer):
    """2-D max pooling."""

    type_name = "MaxPool2DLayer"
    rank = 2
    arguments = BasePoolLayer.pool_arguments(2, mode=False)


@register
class GlobalPoolLayer(LasagneLayer):
    """Pools every axis after the channels: (batch, channels, ...) -> (batch, channels)."""

    family = "pooling"
    type_name = "GlobalPoolLayer"
    arguments = (Arg("pool_function", "mean", used=False),)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        return inputs[0][:2]

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x = inputs[0]
        kind = "max" if "max" in str(self.cfg.pool_function).lower() else "avg"
        ops.global_window_ops(calc, x, x[1], x[2:], AXES.get(len(x) - 2, AXES[1] * (len(x) - 2)), kind)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.whole_flat(fields, calc, _("global pooling: every output sees every input pixel"))


@register
class Upscale2DLayer(LasagneLayer):
    """Repeats rows and columns ``scale_factor`` times."""

    family = "pooling"
    type_name = "Upscale2DLayer"
    upsamples = True
    arguments = (Arg("scale_factor", REQUIRED, int_tuple(2, minimum=1)),
                 Arg("mode", "repeat", one_of("repeat", "dilate"), used=False))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, 4, calc)
        out = [calc.step(S_("output {word}", word=word), var(sym, size, S_("the input {word}",
                                                                           word=word)) * var(f"scale_{sym}", f))
               for size, f, (word, sym) in zip(x[2:], self.cfg.scale_factor, AXES[2], strict=True)]
        return (x[0], x[1], *out)

    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        if self.cfg.mode == "repeat":
            return receptive.windowed(fields, calc, [receptive.nearest(f) for f in self.cfg.scale_factor])
        # 'dilate': input pixel i lands at output i·f, the other outputs are zeros
        return receptive.windowed(fields, calc, [receptive.holes(f) for f in self.cfg.scale_factor])


@register
class DenseLayer(LasagneLayer):
    """Fully connected; flattens every axis after ``num_leading_axes`` itself."""

    family = "core"
    type_name = "DenseLayer"
    arguments = (
        Arg("num_units", REQUIRED, positive_int),
        Arg("W", "GlorotUniform()", used=False),
        Arg("b", DEFAULT_INIT, doc="null removes the bias"),
        Arg("nonlinearity", "rectify", nonlinearity, used=False),
        Arg("num_leading_axes", 1, positive_int),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        lead = self.cfg.num_leading_axes
        if lead >= len(x):
            raise calc.error(_("num_leading_axes={lead} leaves no axis to connect in the {x}-D input {fmt}", lead=lead,
                               x=len(x), fmt=fmt(x)))
        if any(d is None for d in x[lead:]):
            raise calc.error(_("needs a fixed input shape after the leading axes, got {fmt}", fmt=fmt(x)))
        return (*x[:lead], self.cfg.num_units)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        trailing = x[self.cfg.num_leading_axes:]
        names = (["c", "h", "w"] if len(trailing) == 3 else ["n_in"] if len(trailing) == 1
                 else [f"d_{i + 1}" for i in range(len(trailing))])
        n_in = product([var(n, d) for n, d in zip(names, trailing, strict=True)])
        units = var("num_units", self.cfg.num_units)
        size = 1
        for d in trailing:
            size *= d
        calc.weight("W", (size, self.cfg.num_units))
        if self.cfg.b is None:
            calc.params(n_in * units)
        else:
            calc.weight("b", (self.cfg.num_units,))
            calc.params((n_in + 1) * units)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        lead = self.cfg.num_leading_axes
        rows = [*ops.batch_factor(calc, x), *ops.dims(x, 1, lead, "input")]
        trailing = x[lead:]
        n_in = var("n_in", None if None in trailing else product([var("d", d) for d in trailing]).value)
        units = var("num_units", self.cfg.num_units)
        calc.macs(product([*rows, n_in, units]), note=_("every output value: one multiply-accumulate per input value"))
        ops.bias_and_activation(calc, y, product([*rows, units]), self.cfg.b is not None,
                                nonlinearity_ops(self.cfg.nonlinearity))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.rearranged(fields, calc, len(output), _("DenseLayer: flattens its input"))

    def design(self, inputs: list[Shape]) -> DesignFacts:
        linear = nonlinearity_ops(self.cfg.nonlinearity) is None
        return DesignFacts(bias=self.cfg.num_units if self.cfg.b is not None and linear else 0, fully_connected=True)


@register
class DropoutLayer(SameShape, LasagneLayer):
    """Randomly zeroes inputs during training; the shape is unchanged."""

    family = "regularization"
    type_name = "DropoutLayer"
    aliases = ("dropout",)
    element_ops = ops.INFERENCE_IDENTITY

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(dropout=self.cfg.p)
    arguments = (Arg("p", 0.5, number), Arg("rescale", True, boolean, used=False),
                 Arg("shared_axes", (), used=False))


@register
class NonlinearityLayer(SameShape, LasagneLayer):
    """Applies a nonlinearity; the shape is unchanged."""

    family = "core"
    type_name = "NonlinearityLayer"
    arguments = (Arg("nonlinearity", "rectify", nonlinearity, used=False),)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        per, label = ops.activation_ops(nonlinearity_ops(self.cfg.nonlinearity))
        ops.per_element(calc, output, per, _("{per} op{value} per element: {label}", per=per,
                                             value='s' if per != 1 else '', label=label) if per else
                        _("linear: the identity"))


@register
class FlattenLayer(LasagneLayer):
    """Keeps ``outdim − 1`` leading axes and flattens the rest."""

    family = "reshaping"
    type_name = "FlattenLayer"
    arguments = (Arg("outdim", 2, positive_int),)
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.rearranged(fields, calc, len(output), _("FlattenLayer: positions are merged into one axis"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        keep = self.cfg.outdim - 1
        if keep >= len(x):
            raise calc.error(_("outdim={outdim} needs more than {x} input axes", outdim=self.cfg.outdim, x=len(x)))
        rest = x[keep:]
        size = calc.step(S_("output size"), product([var(f"d_{i + keep}", d, S_("input axis {value}", value=i + keep))
                                                 for i, d in enumerate(rest)]))
        return (*x[:keep], size)


@register
class BatchNormLayer(SameShape, LasagneLayer):
    """Batch normalization: beta and gamma are learned; mean and inv_std are not trainable."""

    family = "normalization"
    type_name = "BatchNormLayer"
    element_ops = ops.BATCH_NORM

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(cancels_bias=True)
    arguments = (
        Arg("axes", "auto", lambda v: v if v == "auto" else int_list(v), doc="'auto', an axis or a list of axes"),
        Arg("epsilon", 1e-4, used=False),
        Arg("alpha", 0.1, used=False),
        Arg("beta", DEFAULT_INIT, doc="null removes the shift"),
        Arg("gamma", "Constant(1.)", doc="null removes the scale"),
        Arg("mean", DEFAULT_INIT, used=False),
        Arg("inv_std", "Constant(1.)", used=False),
    )

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        axes = self.cfg.axes
        if axes == "auto":
            axes = (0, *range(2, len(x)))
        elif isinstance(axes, int):
            axes = (axes,)
        kept = [d for i, d in enumerate(x) if i not in axes]
        if any(d is None for d in kept):
            raise calc.error(_("the normalized axes of {fmt} must have known sizes", fmt=fmt(x)))
        c = product([var("c" if len(kept) == 1 else f"d_{i}", d) for i, d in enumerate(kept)])
        learned = [n for n in ("beta", "gamma") if self.config[n] is not None]
        for n in learned:
            calc.weight(n, tuple(kept))
        for n in ("mean", "inv_std"):
            calc.weight(n, tuple(kept), trainable=False)
        calc.params((len(learned) + 2) * c, note=S_("beta and gamma learned; mean and inv_std not trainable"))


class MergeLayer(LasagneLayer):
    """Base of layers taking several inputs."""

    family = "merging"
    min_inputs = 2
    max_inputs = None


@register
class ConcatLayer(MergeLayer):
    """Concatenates its inputs along ``axis`` (1, the channels, by default)."""

    type_name = "ConcatLayer"
    arguments = (Arg("axis", 1, integer), Arg("cropping", None, used=False))
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        if self.cfg.axis % len(inputs[0]) == 1:
            return receptive.merged(fields, calc)
        return receptive.unmodelled(fields, calc, _("ConcatLayer along an axis other than the channels"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        first = inputs[0]
        axis = self.cfg.axis % len(first)
        for other in inputs[1:]:
            if len(other) != len(first) or any(a != b for i, (a, b) in enumerate(zip(first, other, strict=True))
                                               if i != axis and None not in (a, b)):
                raise calc.error(_("cannot concatenate {fmt} and {fmt2} along axis {axis}", fmt=fmt(first),
                                   fmt2=fmt(other), axis=self.cfg.axis),
                                 _("all other axes must have the same sizes"))
        sizes = [s[axis] for s in inputs]
        joined = calc.step(S_("output size on the axis"),
                          total([var(f"n_{i + 1}", v, S_("input {value}'s size", value=i + 1)) for i,
                                 v in enumerate(sizes)]))
        return (*first[:axis], joined, *first[axis + 1:])


@register
class ElemwiseSumLayer(MergeLayer):
    """Adds its inputs element by element (same shapes)."""

    type_name = "ElemwiseSumLayer"
    arguments = (Arg("coeffs", 1, used=False), Arg("cropping", None, used=False))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.merge_ops(calc, ops.first(output), len(inputs))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.merged(fields, calc)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        first = inputs[0]
        for other in inputs[1:]:
            if len(other) != len(first) or any(None not in (a, b) and a != b
                                               for a, b in zip(first, other, strict=True)):
                raise calc.error(_("cannot add {fmt} and {fmt2}: shapes differ", fmt=fmt(first), fmt2=fmt(other)))
        return tuple(next((d for d in dims if d is not None), None) for dims in zip(*inputs, strict=True))
