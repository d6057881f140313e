"""Pooling: MaxPool, AvgPool, LPPool (1d/2d/3d) and the adaptive poolings."""

from __future__ import annotations

from collections.abc import Sequence

from ...i18n import S_, _, ngettext
from .. import ops
from ..args import REQUIRED, Arg, ArgError, boolean, integer, number
from ..checks import DesignFacts, Window, dropped
from ..expr import Expr, lift, product, total, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import AXES, TorchLayer, torch_size, tuple_of, window_size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


class PoolBase(TorchLayer):
    """Sliding-window pooling: PyTorch's output-size rule, padding and size checks."""

    rank: ClassVar[int] = 2
    has_padding: ClassVar[bool] = True
    has_dilation: ClassVar[bool] = False
    reduce: ClassVar[str] = "max"  # max, avg or lp

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
        if rank == 3 and not self.has_dilation and any([n is not None and calc.too_small(n, k)
                                                             for n, k in zip(spatial, kernel, strict=True)]):
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
        if any([calc.too_small(o) for o in out]):
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

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        y = ops.first(output)
        window = [var(f"k_{sym}", k) for (_, sym), k in zip(AXES[self.rank], self.cfg.kernel_size, strict=True)]
        count = ops.elements(calc, y) if len(y) == self.rank + 2 else product(ops.dims(y, 0))
        ops.window_ops(calc, count, window, self.reduce)

    def design(self, inputs: list[Shape]) -> DesignFacts:
        padding = self.cfg.padding if self.has_padding else (0,) * self.rank
        dilation = self.cfg.dilation if self.has_dilation else (1,) * self.rank
        windows = []
        for n, k, s, p, d in zip(inputs[0][-self.rank:], self.cfg.kernel_size, self.cfg.stride, padding, dilation,
                                 strict=True):
            extent = d * (k - 1) + 1
            windows.append(Window(extent, s, n, 0 if self.cfg.ceil_mode else dropped(n, extent, s, 2 * p)))
        return DesignFacts(windows=tuple(windows), padding_hint="ceil_mode=True")

    def receptive_field(self, fields, inputs, output, calc):
        padding = self.cfg.padding if self.has_padding else (0,) * self.rank
        dilation = self.cfg.dilation if self.has_dilation else (1,) * self.rank
        return receptive.windowed(fields, calc, [
            receptive.sliding(k, s, d, p) for k, s, d, p in
            zip(self.cfg.kernel_size, self.cfg.stride, dilation, padding, strict=True)])


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
             "has_padding": kind != "lp", "has_dilation": kind == "max", "reduce": kind, "__module__": __name__}
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
    kind: ClassVar[str] = "Avg"

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        (x,) = inputs
        rank = self.rank
        self.expect_dims(x, (rank + 1, rank + 2), calc, _("(batched or unbatched)"))
        spatial = x[-rank:]
        out = tuple(n if o is None else o for n, o in zip(spatial, self.cfg.output_size, strict=True))
        if any([calc.too_small(n) for n in spatial]):
            raise calc.error(_("expected an input with non-zero sizes, got {torch_size}", torch_size=torch_size(x)))
        shape = (*x[:-rank], *out)
        if getattr(self.cfg, "return_indices", False):
            return [shape, shape]
        return shape

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        calc.macs(0, note=_(ops.NO_WEIGHTS))
        lead = [*ops.batch_factor(calc, x), var("c", x[-self.rank - 1], S_("the channels"))] \
            if len(x) == self.rank + 2 else [var("c", x[0], S_("the channels"))]
        spans: list[Expr] = []
        notes = []
        for n, o, (word, sym) in zip(x[-self.rank:], y[-self.rank:], AXES[self.rank], strict=True):
            if n is None or o is None:
                spans.append(var(f"{sym}_windows", None, S_("the input {word}", word=word)))
                continue
            counts = ops.adaptive_windows(n, o)
            spans.append(ops.Grouped(total([lift(c) * lift(size) for size, c in sorted(counts.items())])))
            notes.append(_("{label}: {text}", label=word, text=", ".join(
                ngettext("{c} window of {size}", "{c} windows of {size}", c).format(c=c, size=size)
                for size, c in sorted(counts.items()))))
        area = product(spans)
        if self.kind == "Max":
            windows = product([lift(o) for o in y[-self.rank:]]) if None not in y[-self.rank:] else \
                var("windows", None, S_("the output size"))
            calc.other_ops(product(lead) * (area - windows),
                           note=_("per window: its size − 1 comparisons ({notes})", notes=_("; ").join(notes)))
        else:
            calc.other_ops(product(lead) * area,
                           note=_("per window: its size − 1 adds and a division ({notes})", notes=_("; ").join(notes)))

    def receptive_field(self, fields, inputs, output, calc):
        x, y = inputs[0], ops.first(output)
        pairs = list(zip(x[-self.rank:], y[-self.rank:], strict=True))
        if all(o == 1 for _, o in pairs):
            return receptive.whole(fields, calc, _("adaptive pooling to 1: every output sees every input pixel"))
        if all(n is not None and o and n % o == 0 for n, o in pairs):
            return receptive.windowed(fields, calc, [receptive.sliding(n // o, n // o) for n, o in pairs])
        return receptive.unmodelled(fields, calc, _("adaptive pooling with windows of different sizes"))


def _make_adaptive(kind: str, rank: int) -> type[AdaptivePool]:
    name = f"Adaptive{kind}Pool{rank}d"
    args: tuple[Arg, ...] = (Arg("output_size", REQUIRED, output_size(rank), doc="None keeps the input size"),)
    if kind == "Max":
        args += (Arg("return_indices", False, boolean),)
    doc = f"Adaptive {'maximum' if kind == 'Max' else 'average'} pooling to a fixed {rank}-D output size."
    attrs = {"__doc__": doc, "type_name": name, "rank": rank, "arguments": args, "kind": kind,
             "__module__": __name__}
    return register(type(name, (AdaptivePool,), attrs))  # type: ignore[return-value]


AdaptiveAvgPool1d = _make_adaptive("Avg", 1)
AdaptiveAvgPool2d = _make_adaptive("Avg", 2)
AdaptiveAvgPool3d = _make_adaptive("Avg", 3)
AdaptiveMaxPool1d = _make_adaptive("Max", 1)
AdaptiveMaxPool2d = _make_adaptive("Max", 2)
AdaptiveMaxPool3d = _make_adaptive("Max", 3)
