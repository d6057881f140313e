"""Keras normalization layers: Batch/Layer/Group/UnitNormalization, Rescaling and Normalization."""

from __future__ import annotations

from collections.abc import Sequence

from ...i18n import N_, S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, boolean, ignored, int_list, integer, number, optional
from ..checks import DesignFacts
from ..errors import SpecError
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, SameShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import KerasLayer, fmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

AFFINE_ARGS = ignored("beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
                      "beta_constraint", "gamma_constraint")


def resolve_axis(axis: int, shape: Shape, calc: Calc, what: str = "axis") -> int:
    """A possibly negative axis as an index into ``shape`` (batch = 0), or the error Keras would raise."""
    rank = len(shape)
    if not -rank <= axis < rank:
        raise calc.error(_("{what}={axis} is not an axis of the {rank}-D input {fmt}", what=what, axis=axis, rank=rank,
                           fmt=fmt(shape)),
                         _("use an axis from {value} to {value2} (0 is the batch)", value=-rank, value2=rank - 1))
    return axis % rank


def axis_size(shape: Shape, index: int, calc: Calc, sym: str) -> Expr:
    """The size on one axis as a variable; a weight cannot be sized by an unknown axis."""
    size = shape[index]
    if size is None:
        raise calc.error(_("axis {index} of the input {fmt} must have a known size: the weights are sized by it",
                           index=index, fmt=fmt(shape)), _(
                "give the input a known size on that axis"))
    return var(sym, size, S_("the input size on axis {index}", index=index))


def affine_params(calc: Calc, count: int, size: Expr, names: list[str]) -> None:
    """The ``count × size`` step of gamma/beta (nothing when both are turned off)."""
    if count:
        both = S_("{first} and {second}", first=names[0], second=names[-1]) if len(names) == 2 else ", ".join(names)
        calc.params(count * size if count > 1 else size, quantity=S_("params: {names}", names=both))


@register
class BatchNormalization(SameShape, KerasLayer):
    """Normalizes each channel with batch statistics; gamma and beta are trained, the moving statistics are not."""

    type_name = "BatchNormalization"
    element_ops = ops.BATCH_NORM

    def design(self, inputs: list[Shape]):
        return DesignFacts(cancels_bias=True)
    arguments = (
        Arg("axis", -1, integer, doc="the channel axis (1 for channels_first)"),
        Arg("momentum", 0.99, used=False),
        Arg("epsilon", 0.001, used=False),
        Arg("center", True, boolean, doc="learn beta (an offset per channel)"),
        Arg("scale", True, boolean, doc="learn gamma (a factor per channel)"),
        *AFFINE_ARGS[:2],
        *ignored("moving_mean_initializer", "moving_variance_initializer"),
        *AFFINE_ARGS[2:],
        Arg("renorm", False, boolean, doc="batch renormalization: three more non-trainable statistics"),
        Arg("renorm_clipping", None, used=False),
        Arg("renorm_momentum", 0.99, used=False),
        Arg("synchronized", False, boolean, used=False),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        clipping = config["renorm_clipping"]
        bad_keys = not isinstance(clipping, dict) or set(clipping) - {"rmax", "rmin", "dmax"}
        if config["renorm"] and clipping and bad_keys:
            raise SpecError(_("renorm_clipping accepts the keys rmax, rmin and dmax, got {clipping!r}",
                              clipping=clipping),
                            layer_type=cls.type_name)
        return config

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        index = resolve_axis(self.cfg.axis, x, calc)
        c = axis_size(x, index, calc, "c")
        size = x[index]
        trained = [n for n, on in (("gamma", self.cfg.scale), ("beta", self.cfg.center)) if on]
        for name in trained:
            calc.weight(name, (size,))
        affine_params(calc, len(trained), c, trained)
        stats = ["moving_mean", "moving_variance"]
        if self.cfg.renorm:
            stats += ["moving_stddev", "renorm_mean", "renorm_stddev"]
        for name in stats:
            calc.weight(name, (size,), trainable=False)
        calc.params(len(stats) * c, quantity=S_("non-trainable params: {stats}", stats=", ".join(stats)),
                    note=S_("statistics updated during training, not by gradients"))


@register
class LayerNormalization(KerasLayer):
    """Normalizes each sample over ``axis``; gamma and beta have the sizes of those axes."""

    type_name = "LayerNormalization"
    arguments = (
        Arg("axis", -1, int_list, doc="axis or list of axes normalized (and sizing gamma/beta)"),
        Arg("epsilon", 0.001, used=False),
        Arg("center", True, boolean, doc="learn beta"),
        Arg("scale", True, boolean, doc="learn gamma"),
        *AFFINE_ARGS,
        Arg("rms_scaling", False, boolean, doc="gamma only, no beta", keyword_only=True),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        for axis in self.cfg.axis:
            resolve_axis(axis, x, calc)
        return x

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.norm_ops(calc, ops.first(output), bool(self.cfg.scale or self.cfg.center), N_("layer normalisation"))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.statistics(fields, calc)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        indices = [axis % len(x) for axis in sorted(self.cfg.axis)]
        sizes = [axis_size(x, i, calc, f"d_{i}") for i in indices]
        shape = tuple(x[i] for i in indices)
        trained = []
        if self.cfg.scale or self.cfg.rms_scaling:
            trained.append("gamma")
        if self.cfg.center and not self.cfg.rms_scaling:
            trained.append("beta")
        for name in trained:
            calc.weight(name, shape)  # type: ignore[arg-type]
        affine_params(calc, len(trained), product(sizes), trained)


@register
class GroupNormalization(KerasLayer):
    """Normalizes groups of channels per sample; gamma and beta have one value per channel."""

    type_name = "GroupNormalization"
    arguments = (
        Arg("groups", 32, integer, doc="number of channel groups (-1: one per channel); must divide the channels"),
        Arg("axis", -1, integer, doc="the channel axis"),
        Arg("epsilon", 0.001, used=False),
        Arg("center", True, boolean, doc="learn beta"),
        Arg("scale", True, boolean, doc="learn gamma"),
        *AFFINE_ARGS,
    )
    example = ("GroupNormalization(groups=8)", (28, 28, 64))

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["groups"] <= 0 and config["groups"] != -1:
            raise SpecError(_("groups must be a positive integer or -1, got {config}", config=config['groups']),
                            layer_type=cls.type_name, hint=_("-1 gives one group per channel"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        index = resolve_axis(self.cfg.axis, x, calc)
        c = axis_size(x, index, calc, "c")
        channels = x[index]
        assert channels is not None
        groups = channels if self.cfg.groups == -1 else self.cfg.groups
        if channels == 0:  # Keras divides by it
            raise calc.error(_("the input {fmt} has no channels on axis {axis} to form groups from", fmt=fmt(x),
                               axis=self.cfg.axis),
                             _("give the input at least one channel"))
        if channels % groups:
            divisors = _divisors(channels)
            too_many = _("there are more groups than channels; ") if groups > channels else ""
            raise calc.error(
                _(
                        "{too_many}groups={groups} does not divide the {channels} channels on axis {axis} of the "
                        "input {fmt}", too_many=too_many, groups=groups, channels=channels, axis=self.cfg.axis,
                  fmt=fmt(x)),
                _("use a number of groups that divides {channels}: {divisors} (or -1)", channels=channels,
                  divisors=divisors))
        note = S_("groups=-1: one group per channel") if self.cfg.groups == -1 else None
        calc.step(S_("channels per group"), c / var("groups", groups), note=note)
        return x

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.norm_ops(calc, ops.first(output), bool(self.cfg.scale or self.cfg.center), N_("group normalisation"))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.statistics(fields, calc)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        index = self.cfg.axis % len(x)
        c = var("c", x[index], S_("the input size on axis {index}", index=index))
        trained = [n for n, on in (("gamma", self.cfg.scale), ("beta", self.cfg.center)) if on]
        for name in trained:
            calc.weight(name, (x[index],))  # type: ignore[arg-type]
        affine_params(calc, len(trained), c, trained)


@register
class UnitNormalization(KerasLayer):
    """Scales each sample to unit L2 norm along ``axis``; the shape is unchanged."""

    type_name = "UnitNormalization"
    arguments = (Arg("axis", -1, int_list, doc="axis or list of axes"),)
    element_ops = (3, N_("3 ops per element: a square and an add for the norm, and a division"))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.statistics(fields, calc)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        for axis in self.cfg.axis:
            resolve_axis(axis, x, calc)
        return x


def _number_or_list(value: Any) -> Any:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_number_or_list(v) for v in value]
    return number(value)


@register
class Rescaling(SameShape, KerasLayer):
    """Computes ``x × scale + offset``; the shape is unchanged."""

    type_name = "Rescaling"
    element_ops = (2, N_("2 ops per element: x × scale + offset"))
    arguments = (
        Arg("scale", REQUIRED, _number_or_list, used=False, doc="factor (a number or a list)"),
        Arg("offset", 0.0, _number_or_list, used=False, doc="added after scaling"),
    )
    example = ("Rescaling(scale=0.5, offset=-1.0)", (28, 28, 3))


def nested_shape(value: Any) -> tuple[int, ...]:
    """The shape of a number or a nested list, as NumPy would see it (ragged lists are refused)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        inner = [nested_shape(v) for v in value]
        if any(s != inner[0] for s in inner[1:]):
            raise ArgError(_("is a ragged list: every row must have the same length"))
        return (len(value), *(inner[0] if inner else ()))
    number(value)
    return ()


@register
class Normalization(KerasLayer):
    """Standardizes with a mean and variance per kept axis; learned (adapt) statistics are non-trainable weights."""

    type_name = "Normalization"
    element_ops = (2, N_("2 ops per element: (x − mean)/√variance, folded into x × a + b"))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.same(fields, calc)
    arguments = (
        Arg("axis", -1, optional(int_list), doc="axes kept (one statistic per position); None: one scalar"),
        Arg("mean", None, _number_or_list, doc="given mean: stored as a constant, not a weight"),
        Arg("variance", None, _number_or_list, doc="given variance (with mean)"),
        Arg("invert", False, boolean, used=False),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["axis"] is None:
            config["axis"] = ()
        mean, variance = config["mean"], config["variance"]
        if (mean is None) != (variance is None):
            raise SpecError(_("mean and variance must be given together"), layer_type=cls.type_name,
                            hint=_("give both, or neither (then they are learned with adapt())"))
        if mean is not None:
            try:
                m_shape, v_shape = nested_shape(mean), nested_shape(variance)
            except ArgError as exc:
                raise SpecError(_("mean or variance {message}", message=exc.message),
                                layer_type=cls.type_name) from None
            if m_shape != v_shape:
                raise SpecError(_("mean has shape {m_shape} but variance has shape {v_shape}", m_shape=m_shape,
                                  v_shape=v_shape),
                                layer_type=cls.type_name, hint=_("give them the same shape"))
            if len(m_shape) > len(config["axis"]):
                raise SpecError(_("mean has {m_shape} dimensions but only {config} axes are kept (axis={list})",
                                  m_shape=len(m_shape), config=len(config[
                        'axis']), list=list(config['axis'])), layer_type=cls.type_name,
                                hint=_("give one value per position of the kept axes, or a single number"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        for axis in self.cfg.axis:
            resolve_axis(axis, x, calc)
        return x

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        (x,) = inputs
        kept = sorted(axis % len(x) for axis in self.cfg.axis)
        sizes = [axis_size(x, i, calc, f"d_{i}") for i in kept]
        stat_shape = tuple(x[i] for i in kept)
        if self.cfg.mean is not None:
            m_shape = nested_shape(self.cfg.mean)
            for k, size in zip(reversed(m_shape), reversed(stat_shape), strict=False):
                if k not in (1, size):
                    raise calc.error(_("mean and variance of shape {m_shape} do not fit the kept axes {kept} of sizes "
                                       "{stat_shape}", m_shape=m_shape, kept=kept, stat_shape=stat_shape),
                                     _("give one value per position of the kept axes, or a single number"))
            calc.params(0, note=S_("mean and variance are given: constants, not weights"))
            return
        calc.weight("mean", stat_shape, trainable=False)  # type: ignore[arg-type]
        calc.weight("variance", stat_shape, trainable=False)  # type: ignore[arg-type]
        calc.weight("count", (), trainable=False)
        calc.params(2 * product(sizes) + 1, quantity=S_("non-trainable params: mean, variance and count"),
                    note=S_("set by adapt(); count is one number"))


def _divisors(n: int, count: int = 12, budget: int = 100_000) -> str:
    """``1, 2, 4, 8, 16, 32``: the divisors of ``n`` (the smallest and largest when there are many), found in
    at most ``budget`` trial divisions, so that a prime number of channels near 2^63 costs nothing."""
    small, large = [], []
    d = 1
    while d * d <= n and d <= budget:
        if n % d == 0:
            small.append(d)
            if d * d != n:
                large.append(n // d)
        d += 1
    complete = d * d > n
    found = small + large[::-1]
    if len(found) <= count and complete:
        return ", ".join(map(str, found))
    half = count // 2
    return ", ".join(map(str, small[:half])) + ", ..., " + ", ".join(map(str, large[:half][::-1]))
