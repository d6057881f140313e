"""Normalization: BatchNorm, InstanceNorm (1d/2d/3d), LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm.

Running statistics (``running_mean``, ``running_var``, ``num_batches_tracked``)
are buffers, not parameters, as ``module.buffers()`` reports them.
"""

from __future__ import annotations

from ...i18n import N_, S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, int_list, number, positive_int
from ..checks import DesignFacts
from ..errors import SpecError, printable, shown
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import TorchLayer, fmt, torch_size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


def running_stats(calc: Calc, c: int) -> None:
    """running_mean, running_var (c each) and num_batches_tracked (a scalar), as buffers."""
    calc.weight("running_mean", (c,), buffer=True)
    calc.weight("running_var", (c,), buffer=True)
    calc.weight("num_batches_tracked", (), buffer=True)
    calc.buffers(2 * var("num_features", c) + 1,
                 note=S_("running_mean and running_var (num_features each) and num_batches_tracked (1)"))


def affine_weights(calc: Calc, size_name: str, c: int, bias: bool) -> None:
    """The learnable per-channel weight and (unless ``bias=False``) bias."""
    calc.weight("weight", (c,))
    if bias:
        calc.weight("bias", (c,))
        calc.params(2 * var(size_name, c), note=S_("weight and bias, {size_name} each", size_name=size_name))
    else:
        calc.params(var(size_name, c), note=S_("weight only (bias=False)"))


#: keyword-only in torch 2.x norms: False keeps the weight and drops the bias
BIAS_ARG = Arg("bias", True, boolean, doc="false drops the bias (weight only)", keyword_only=True)


class ChannelNorm(TorchLayer):
    """BatchNorm and InstanceNorm: per-channel scale and shift, optional running statistics."""

    ranks: ClassVar[tuple[int, ...]] = (4,)
    checks_channels: ClassVar[bool] = True

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if len(x) not in self.ranks:
            wanted = " or ".join(f"{r}D" for r in self.ranks)
            raise calc.error(_("expected {wanted} input (got {x}D input {fmt})", wanted=wanted, x=len(x), fmt=fmt(x)),
                             _("check the module before it, or use the BatchNorm/InstanceNorm of the right rank"))
        channel_axis = self.channel_axis(x)
        c = x[channel_axis]
        n = self.cfg.num_features
        strict = self.checks_channels or self.cfg.affine or self.cfg.track_running_stats
        if c is not None and c != n and strict:
            raise calc.error(
                _("expected input's size at dim={value} to match num_features ({n}), but got: {c}",
                  value=channel_axis % len(x), n=n, c=c),
                _("set num_features={c} ({type_name}({c}))", c=c, type_name=self.type_name))
        if not self.checks_channels:  # instance statistics need more than one value per channel
            spatial = x[channel_axis + 1:]
            if all(n is not None for n in spatial) and all(n == 1 for n in spatial):
                raise calc.error(_("Expected more than 1 spatial element when training, got input size {torch_size}",
                                   torch_size=torch_size(x)), _(
                        "remove the pooling that reduces the input to 1 element, or the InstanceNorm"))
        return x

    def channel_axis(self, x: Shape) -> int:
        return 1

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        if self.checks_channels:
            ops.per_element(calc, output, *ops.BATCH_NORM)
        else:
            ops.norm_ops(calc, ops.first(output), self.cfg.affine, N_("instance normalisation"))

    def receptive_field(self, fields, inputs, output, calc):
        if self.checks_channels:
            return receptive.same(fields, calc)
        return receptive.statistics(fields, calc)

    def design(self, inputs: list[Shape]):
        return DesignFacts(cancels_bias=True)  # batch and instance statistics: the mean of each channel

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        c = self.cfg.num_features
        if self.cfg.affine:
            affine_weights(calc, "num_features", c, self.cfg.bias)
        if self.cfg.track_running_stats:
            running_stats(calc, c)


def _norm_args(affine: bool, track: bool) -> tuple[Arg, ...]:
    return (
        Arg("num_features", REQUIRED, positive_int, doc="channels C of the input"),
        Arg("eps", 1e-5, number, used=False),
        Arg("momentum", 0.1, used=False),
        Arg("affine", affine, boolean, doc="learnable weight and bias (C each)"),
        Arg("track_running_stats", track, boolean, doc="running_mean and running_var buffers"),
        BIAS_ARG,
    )


def _make(name: str, ranks: tuple[int, ...], instance: bool, doc: str) -> type[ChannelNorm]:
    attrs: dict[str, Any] = {"__doc__": doc, "type_name": name, "ranks": ranks, "__module__": __name__,
                             "arguments": _norm_args(not instance, not instance), "checks_channels": not instance}
    if instance:  # unbatched (C, ...) inputs have the channels first
        attrs["channel_axis"] = lambda self, x: 0 if len(x) == min(self.ranks) else 1
    return register(type(name, (ChannelNorm,), attrs))  # type: ignore[return-value]


BatchNorm1d = _make("BatchNorm1d", (2, 3), False, "Batch normalization over (N, C) or (N, C, L).")
BatchNorm2d = _make("BatchNorm2d", (4,), False, "Batch normalization over (N, C, H, W).")
BatchNorm3d = _make("BatchNorm3d", (5,), False, "Batch normalization over (N, C, D, H, W).")
InstanceNorm1d = _make("InstanceNorm1d", (2, 3), True, "Instance normalization over (N, C, L) or (C, L).")
InstanceNorm2d = _make("InstanceNorm2d", (3, 4), True, "Instance normalization over (N, C, H, W) or (C, H, W).")
InstanceNorm3d = _make("InstanceNorm3d", (4, 5), True,
                       "Instance normalization over (N, C, D, H, W) or (C, D, H, W).")


class TrailingNorm(TorchLayer):
    """LayerNorm and RMSNorm: normalize over the last dimensions, ``normalized_shape``."""

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        norm = tuple(self.cfg.normalized_shape)
        tail = tuple(x[-len(norm):]) if len(x) >= len(norm) else None
        if tail is None or any(t is not None and t != s for t, s in zip(tail, norm, strict=True)):
            star = ", ".join(map(str, norm))
            fix = ", ".join("?" if t is None else str(t) for t in x[-len(norm):])
            raise calc.error(
                _("Given normalized_shape={list}, expected input with shape [*, {star}], but got input of "
                  "size{torch_size}", list=shown(list(norm)), star=printable(star, 60), torch_size=torch_size(x)),
                _("set normalized_shape to the input's last sizes ({fix})", fix=printable(fix, 60)))
        if len(norm) == len(x) and x[0] is None:
            raise calc.error(
                _("normalized_shape={list} includes the batch dimension, which is not fixed (input {torch_size}); the "
                  "layer would work only for batches of {norm}", list=list(norm), torch_size=torch_size(x),
                  norm=norm[0]),
                _("normalize over the sizes after the batch: normalized_shape={list}", list=list(norm[1:])))
        return x

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.statistics(fields, calc)

    def factors(self) -> list[Expr]:
        shape = self.cfg.normalized_shape
        if len(shape) == 1:
            return [var("normalized_shape", shape[0])]
        return [var(f"s_{i + 1}", s, S_("normalized_shape[{i}]", i=i)) for i, s in enumerate(shape)]


def normalized_shape(value: Any) -> tuple[int, ...]:
    from ..args import ArgError

    shape = int_list(value)
    if not shape:  # PyTorch builds the module but rejects every input
        raise ArgError(_("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                         "element, but got normalized_shape = []"), _("give the sizes of the last dimensions"))
    if any(s < 1 for s in shape):
        raise ArgError(_("expected positive sizes, got {list}", list=shown(list(shape))))
    return shape


@register
class LayerNorm(TrailingNorm):
    """Layer normalization over the last dimensions (``normalized_shape``)."""

    type_name = "LayerNorm"
    arguments = (
        Arg("normalized_shape", REQUIRED, normalized_shape, doc="the last sizes of the input"),
        Arg("eps", 1e-5, number, used=False),
        Arg("elementwise_affine", True, boolean, doc="learnable weight (and bias)"),
        Arg("bias", True, boolean, doc="with elementwise_affine: a bias as well"),
    )

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.norm_ops(calc, ops.first(output), self.cfg.elementwise_affine, N_("layer normalisation"))

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        if not self.cfg.elementwise_affine:
            return
        shape = self.cfg.normalized_shape
        calc.weight("weight", shape)
        if self.cfg.bias:
            calc.weight("bias", shape)
            calc.params(2 * product(self.factors()), note=S_("weight and bias, each of normalized_shape"))
        else:
            calc.params(product(self.factors()), note=S_("weight of normalized_shape (bias=False)"))


@register
class LayerNorm2d(LayerNorm):
    """torchvision's ConvNeXt ``LayerNorm2d``: LayerNorm over the channels of (N, C, H, W), done by permuting to
    channels-last and back."""

    type_name = "LayerNorm2d"
    example = ("LayerNorm2d(3)", (3, 8, 8))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if len(x) != 4:
            raise calc.error(_("permute(sparse_coo): number of dimensions in the tensor input does not match the "
                               "length of the desired ordering of dimensions i.e. input.dim() = {x} is not equal to "
                               "len(dims) = 4", x=len(x)), _("LayerNorm2d normalizes (N, C, H, W) inputs over C"))
        super().compute_output_shape([(x[0], x[2], x[3], x[1])], calc)
        return x


@register
class RMSNorm(TrailingNorm):
    """Root-mean-square normalization over the last dimensions (``normalized_shape``)."""

    type_name = "RMSNorm"
    arguments = (
        Arg("normalized_shape", REQUIRED, normalized_shape),
        Arg("eps", None, used=False),
        Arg("elementwise_affine", True, boolean),
    )

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        affine = self.cfg.elementwise_affine
        ops.per_element(calc, output, 4 if affine else 3,
                        _("RMS normalisation: 3 ops per element (a square and an add for the mean square, the "
                          "division by the root){value}", value=_(", 1 more for the weight") if affine else ""))

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        if self.cfg.elementwise_affine:
            calc.weight("weight", self.cfg.normalized_shape)
            calc.params(product(self.factors()), note=S_("weight of normalized_shape"))


@register
class GroupNorm(TorchLayer):
    """Group normalization: channels split into ``num_groups`` groups."""

    type_name = "GroupNorm"
    arguments = (
        Arg("num_groups", REQUIRED, positive_int),
        Arg("num_channels", REQUIRED, positive_int, doc="channels C of the input"),
        Arg("eps", 1e-5, number, used=False),
        Arg("affine", True, boolean),
        BIAS_ARG,
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["num_channels"] % config["num_groups"]:
            raise SpecError(_("num_channels must be divisible by num_groups (num_channels={config}, "
                              "num_groups={config2})", config=config['num_channels'], config2=config['num_groups']),
                            layer_type=cls.type_name, hint=_("choose num_groups as a divisor of num_channels"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_dims(x, range(2, 10), calc, "(N, C, *)")
        c = x[1]
        if c is not None and c != self.cfg.num_channels and self.cfg.affine:
            raise calc.error(
                _("Expected weight to be a vector of size equal to the number of channels in input, but got weight of "
                  "shape [{num_channels}] and input of shape {torch_size}", num_channels=self.cfg.num_channels,
                  torch_size=torch_size(x)),
                _("set num_channels={c}", c=c))
        if c is not None and c % self.cfg.num_groups:
            raise calc.error(_("the input has {c} channels, not divisible by num_groups={num_groups}", c=c,
                               num_groups=self.cfg.num_groups),
                             _("choose num_groups as a divisor of the channels"))
        return x

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.norm_ops(calc, ops.first(output), self.cfg.affine, N_("group normalisation"))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.statistics(fields, calc)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        if self.cfg.affine:
            affine_weights(calc, "num_channels", self.cfg.num_channels, self.cfg.bias)


@register
class LocalResponseNorm(TorchLayer):
    """Normalization across nearby channels; no weights, the shape is unchanged."""

    type_name = "LocalResponseNorm"
    arguments = (
        Arg("size", REQUIRED, positive_int, doc="number of neighbouring channels each value is normalized over"),
        Arg("alpha", 1e-4, number, used=False),
        Arg("beta", 0.75, number, used=False),
        Arg("k", 1.0, number, used=False),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if len(x) < 3:
            raise calc.error(_("Expected 3D or higher dimensionality input (got {x} dimensions)", x=len(x)))
        return x

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        calc.macs(0, note=_(ops.NO_WEIGHTS))
        size = var("size", self.cfg.size)
        calc.other_ops((2 * size + 3) * ops.elements(calc, ops.first(output)),
                       note=_("per element: a square and an add for each of the size neighbouring channels, then "
                            "3 (scale, power, division)"))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.same(fields, calc)
