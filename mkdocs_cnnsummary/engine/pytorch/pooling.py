"""Pooling: MaxPool, AvgPool, LPPool (1d/2d/3d) and the adaptive poolings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from ...i18n import _
from ..args import REQUIRED, Arg, ArgError, boolean, integer, number
from ..layer import Calc, OutputShape, register
from ..summary import Shape
from .base import AXES, TorchLayer, torch_size, tuple_of, window_size


class PoolBase(TorchLayer):
    """Sliding-window pooling: PyTorch's output-size rule, padding and size checks."""

    rank: ClassVar[int] = 2
    has_padding: ClassVar[bool] = True
    has_dilation: ClassVar[bool] = False

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config.get("stride") is None:
            config["stride"] = config["kernel_size"]
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        (x,) = inputs
        rank = self.rank
        self.expect_dims(x, (rank + 1, rank + 2), calc, _("(batched or unbatched)"))
        kernel, stride = self.cfg.kernel_size, self.cfg.stride
        padding = self.cfg.padding if self.has_padding else (0,) * rank
        dilation = self.cfg.dilation if self.has_dilation else (1,) * rank
        for p, k, d in zip(padding, kernel, dilation, strict=True):
            if p > ((k - 1) * d + 1) // 2:
                effective = _("effective kernel size") if self.has_dilation else _("kernel size")
                raise calc.error(
                    _("pad should be at most half of {effective}, but got pad={p}, kernel_size={k}{value}",
                      effective=effective, p=p, k=k, value=f" and dilation={d}" if self.has_dilation else
                            ""),
                    _("set padding to at most {value} (half the {value2}-wide window, rounded down)",
                      value=((k - 1) * d + 1) // 2, value2=(k - 1) * d + 1))
        spatial = list(x[-rank:])
        if rank == 3 and not self.has_dilation and any(n is not None and n < k for n, k in zip(spatial, kernel,
                                                                                             strict=True)):
            t, h, w = ("N" if n is None else n for n in spatial)
            raise calc.error(
                _("input image (T: {t} H: {h} W: {w}) smaller than kernel size (kT: {kernel} kH: {kernel2} kW: "
                  "{kernel3}): 3-D average pooling needs every window to fit the unpadded input", t=t, h=h, w=w,
                  kernel=kernel[0], kernel2=kernel[1], kernel3=kernel[2]),
                _("use a smaller kernel_size"))
        out = [
            window_size(calc, n, axis, kernel=kernel[i], stride=stride[i], padding=padding[i],
                        dilation=dilation[i] if self.has_dilation else None, ceil_mode=self.cfg.ceil_mode)
            for i, (n, axis) in enumerate(zip(spatial, AXES[rank], strict=True))
        ]
        if any(o is not None and o < 1 for o in out):
            c = x[-rank - 1]
            given = "x".join("N" if d is None else str(d) for d in (c, *spatial))
            calc_ = "x".join("N" if d is None else str(d) for d in (c, *out))
            raise calc.error(
                _("Given input size: ({given}). Calculated output size: ({calc_}). Output size is too small: the "
                  "{map} window does not fit the input", given=given, calc_=calc_, map='×'.join(map(str, kernel))),
                _("use a smaller kernel_size, add padding, or remove a pooling or striding module before it"))
        shape = (*x[:-rank], *out)
        if getattr(self.cfg, "return_indices", False):
            return [shape, shape]
        return shape


def _pool_args(kind: str, rank: int) -> tuple[Arg, ...]:
    k = (Arg("kernel_size", REQUIRED, tuple_of(rank, minimum=1)),
         Arg("stride", None, tuple_of(rank, minimum=1), doc="default: kernel_size"))
    if kind == "max":
        return (*k, Arg("padding", 0, tuple_of(rank)), Arg("dilation", 1, tuple_of(rank, minimum=1)),
                Arg("return_indices", False, boolean, doc="also return the indices (a second output)"),
                Arg("ceil_mode", False, boolean))
    if kind == "avg":
        extra = (Arg("divisor_override", None, used=False),) if rank > 1 else ()
        return (*k, Arg("padding", 0, tuple_of(rank)), Arg("ceil_mode", False, boolean),
                Arg("count_include_pad", True, boolean, used=False), *extra)
    return (Arg("norm_type", REQUIRED, number), *k, Arg("ceil_mode", False, boolean))


def _make_pool(kind: str, rank: int, doc: str) -> type[PoolBase]:
    name = {"max": "MaxPool", "avg": "AvgPool", "lp": "LPPool"}[kind] + f"{rank}d"
    attrs = {"__doc__": doc, "type_name": name, "rank": rank, "arguments": _pool_args(kind, rank),
             "has_padding": kind != "lp", "has_dilation": kind == "max", "__module__": __name__}
    return register(type(name, (PoolBase,), attrs))  # type: ignore[return-value]


MaxPool1d = _make_pool("max", 1, "Maximum over windows of (N, C, L).")
MaxPool2d = _make_pool("max", 2, "Maximum over windows of (N, C, H, W).")
MaxPool3d = _make_pool("max", 3, "Maximum over windows of (N, C, D, H, W).")
AvgPool1d = _make_pool("avg", 1, "Average over windows of (N, C, L).")
AvgPool2d = _make_pool("avg", 2, "Average over windows of (N, C, H, W).")
AvgPool3d = _make_pool("avg", 3, "Average over windows of (N, C, D, H, W).")
LPPool1d = _make_pool("lp", 1, "Power-average over windows of (N, C, L).")
LPPool2d = _make_pool("lp", 2, "Power-average over windows of (N, C, H, W).")
LPPool3d = _make_pool("lp", 3, "Power-average over windows of (N, C, D, H, W).")


def output_size(rank: int) -> Any:
    """An int or a tuple of ``rank`` ints or None (None keeps that input size)."""

    def convert(value: Any) -> tuple[int | None, ...]:
        if isinstance(value, Sequence) and not isinstance(value, str):
            if len(value) != rank:
                raise ArgError(_("expected an integer or {rank} sizes, got {list}", rank=rank, list=list(value)))
            return tuple(None if v is None else integer(v, minimum=0) for v in value)
        return (integer(value, minimum=0),) * rank

    return convert


class AdaptivePool(TorchLayer):
    """Adaptive pooling: the output size is given, the windows adapt to the input."""

    rank: ClassVar[int] = 2

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        (x,) = inputs
        rank = self.rank
        self.expect_dims(x, (rank + 1, rank + 2), calc, _("(batched or unbatched)"))
        spatial = x[-rank:]
        out = tuple(n if o is None else o for n, o in zip(spatial, self.cfg.output_size, strict=True))
        if any(n == 0 for n in spatial):
            raise calc.error(_("expected an input with non-zero sizes, got {torch_size}", torch_size=torch_size(x)))
        shape = (*x[:-rank], *out)
        if getattr(self.cfg, "return_indices", False):
            return [shape, shape]
        return shape


def _make_adaptive(kind: str, rank: int) -> type[AdaptivePool]:
    name = f"Adaptive{kind}Pool{rank}d"
    args: tuple[Arg, ...] = (Arg("output_size", REQUIRED, output_size(rank), doc="None keeps the input size"),)
    if kind == "Max":
        args += (Arg("return_indices", False, boolean),)
    doc = f"Adaptive {'maximum' if kind == 'Max' else 'average'} pooling to a fixed {rank}-D output size."
    attrs = {"__doc__": doc, "type_name": name, "rank": rank, "arguments": args, "__module__": __name__}
    return register(type(name, (AdaptivePool,), attrs))  # type: ignore[return-value]


AdaptiveAvgPool1d = _make_adaptive("Avg", 1)
AdaptiveAvgPool2d = _make_adaptive("Avg", 2)
AdaptiveAvgPool3d = _make_adaptive("Avg", 3)
AdaptiveMaxPool1d = _make_adaptive("Max", 1)
AdaptiveMaxPool2d = _make_adaptive("Max", 2)
AdaptiveMaxPool3d = _make_adaptive("Max", 3)
