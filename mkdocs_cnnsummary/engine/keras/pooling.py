"""Keras pooling: MaxPooling/AveragePooling 1D/2D/3D and their global versions."""

from __future__ import annotations

from ...i18n import N_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, ignored, int_tuple, one_of
from ..checks import DesignFacts
from ..expr import var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import AXES, KerasLayer, data_format_arg, window_facts, window_fields, window_outputs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar


def pooling_arguments(rank: int, *, pool_required: bool) -> tuple[Arg, ...]:
    """``(pool_size, strides, padding, data_format, name)``; AveragePooling has no default pool size."""
    return (
        Arg("pool_size", REQUIRED if pool_required else (2,) * rank, int_tuple(rank, minimum=1), doc="window size"),
        Arg("strides", None, int_tuple(rank, minimum=1), doc="step of the window; None means pool_size"),
        # keras compares the padding as written: 'SAME' is rejected
        Arg("padding", "valid", one_of("valid", "same", lower=False)),
        data_format_arg(),
        *ignored("name"),
    )


class BasePooling(KerasLayer):
    """A window slides over the spatial axes; the channels are kept."""

    rank: ClassVar[int] = 2
    #: "max" or "avg": what the window computes
    reduce: ClassVar[str] = "max"

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        pool = self.cfg.pool_size
        strides = self.cfg.strides if self.cfg.strides is not None else pool
        spatial = window_outputs(calc, self.spatial(x), pool, strides, (1,) * self.rank, self.cfg.padding,
                                 what=N_("pool window"), kernel_sym="p")
        return self.assemble(spatial, self.channels(x))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        window = [var(f"p_{sym}", p) for (_, sym), p in zip(AXES[self.rank], self.cfg.pool_size, strict=True)]
        ops.window_ops(calc, ops.elements(calc, ops.first(output)), window, self.reduce)

    def receptive_field(self, fields, inputs, output, calc):
        pool = self.cfg.pool_size
        strides = self.cfg.strides if self.cfg.strides is not None else pool
        return window_fields(calc, fields, self.spatial(inputs[0]), pool, strides, (1,) * self.rank,
                             self.cfg.padding)

    def design(self, inputs: list[Shape]) -> DesignFacts:
        pool = self.cfg.pool_size
        strides = self.cfg.strides if self.cfg.strides is not None else pool
        return DesignFacts(windows=window_facts(self.spatial(inputs[0]), pool, strides, (1,) * self.rank,
                                                self.cfg.padding))


@register
class MaxPooling1D(BasePooling):
    """Maximum over windows of the steps axis."""

    type_name = "MaxPooling1D"
    aliases = ("MaxPool1D",)
    rank = 1
    arguments = pooling_arguments(1, pool_required=False)


@register
class MaxPooling2D(BasePooling):
    """Maximum over windows of height × width."""

    type_name = "MaxPooling2D"
    aliases = ("MaxPool2D",)
    rank = 2
    arguments = pooling_arguments(2, pool_required=False)


@register
class MaxPooling3D(BasePooling):
    """Maximum over windows of depth × height × width."""

    type_name = "MaxPooling3D"
    aliases = ("MaxPool3D",)
    rank = 3
    arguments = pooling_arguments(3, pool_required=False)


@register
class AveragePooling1D(BasePooling):
    """Average over windows of the steps axis."""

    type_name = "AveragePooling1D"
    aliases = ("AvgPool1D",)
    rank = 1
    reduce = "avg"
    arguments = pooling_arguments(1, pool_required=True)


@register
class AveragePooling2D(BasePooling):
    """Average over windows of height × width."""

    type_name = "AveragePooling2D"
    aliases = ("AvgPool2D",)
    rank = 2
    reduce = "avg"
    arguments = pooling_arguments(2, pool_required=True)


@register
class AveragePooling3D(BasePooling):
    """Average over windows of depth × height × width."""

    type_name = "AveragePooling3D"
    aliases = ("AvgPool3D",)
    rank = 3
    reduce = "avg"
    arguments = pooling_arguments(3, pool_required=True)


# global pooling -------------------------------------------------------------------------------

GLOBAL_ARGUMENTS = (
    data_format_arg(),
    Arg("keepdims", False, boolean, doc="keep the spatial axes, each of size 1"),
)


class BaseGlobalPooling(KerasLayer):
    """Reduces every spatial axis: (batch, channels), or size-1 axes with keepdims."""

    rank: ClassVar[int] = 2
    reduce: ClassVar[str] = "max"

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.expect_rank(x, self.rank + 2, calc)
        channels = self.channels(x)
        if self.cfg.keepdims:
            return self.assemble([1] * self.rank, channels)
        return (x[0], channels)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x = inputs[0]
        ops.global_window_ops(calc, x, self.channels(x), self.spatial(x), AXES[self.rank], self.reduce)

    def receptive_field(self, fields, inputs, output, calc):
        why = _("global pooling: every output sees every input pixel")
        if self.cfg.keepdims:
            return receptive.whole(fields, calc, why)
        return receptive.whole_flat(fields, calc, why)


@register
class GlobalMaxPooling1D(BaseGlobalPooling):
    """Maximum over all steps."""

    type_name = "GlobalMaxPooling1D"
    aliases = ("GlobalMaxPool1D",)
    rank = 1
    arguments = GLOBAL_ARGUMENTS


@register
class GlobalMaxPooling2D(BaseGlobalPooling):
    """Maximum over height and width."""

    type_name = "GlobalMaxPooling2D"
    aliases = ("GlobalMaxPool2D",)
    rank = 2
    arguments = GLOBAL_ARGUMENTS


@register
class GlobalMaxPooling3D(BaseGlobalPooling):
    """Maximum over depth, height and width."""

    type_name = "GlobalMaxPooling3D"
    aliases = ("GlobalMaxPool3D",)
    rank = 3
    arguments = GLOBAL_ARGUMENTS


@register
class GlobalAveragePooling1D(BaseGlobalPooling):
    """Average over all steps."""

    type_name = "GlobalAveragePooling1D"
    aliases = ("GlobalAvgPool1D",)
    rank = 1
    reduce = "avg"
    arguments = GLOBAL_ARGUMENTS


@register
class GlobalAveragePooling2D(BaseGlobalPooling):
    """Average over height and width."""

    type_name = "GlobalAveragePooling2D"
    aliases = ("GlobalAvgPool2D",)
    rank = 2
    reduce = "avg"
    arguments = GLOBAL_ARGUMENTS


@register
class GlobalAveragePooling3D(BaseGlobalPooling):
    """Average over depth, height and width."""

    type_name = "GlobalAveragePooling3D"
    aliases = ("GlobalAvgPool3D",)
    rank = 3
    reduce = "avg"
    arguments = GLOBAL_ARGUMENTS
