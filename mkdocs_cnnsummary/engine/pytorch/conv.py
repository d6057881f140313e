"""Convolutions: Conv1d/2d/3d and ConvTranspose1d/2d/3d."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, boolean, one_of, positive_int
from ..checks import DesignFacts, Window, dropped
from ..errors import SpecError
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import AXES, TorchLayer, in_var, torch_size, tuple_of, window_size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def conv_padding(rank: int) -> Any:
    """An int, a tuple of ``rank`` ints, 'same' or 'valid'."""
    as_tuple = tuple_of(rank)

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            if value.lower() in ("same", "valid"):
                return value.lower()
            raise ArgError(_("invalid padding string {value!r}, should be one of {{'valid', 'same'}}", value=value))
        return as_tuple(value)

    return convert


class ConvBase(TorchLayer):
    """Shared by the convolutions: channel checks, kernel factors and the weight+bias count."""

    rank: ClassVar[int] = 2
    transposed: ClassVar[bool] = False

    @property
    def axes(self) -> tuple[tuple[str, str], ...]:
        return AXES[self.rank]

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        groups = config["groups"]
        for key in ("in_channels", "out_channels"):
            if config[key] % groups:
                raise SpecError(_("{key} must be divisible by groups ({key}={config}, groups={groups})", key=key,
                                  config=config[key], groups=groups),
                                layer_type=cls.type_name, hint=_("choose {key} as a multiple of {groups}", key=key,
                                                                 groups=groups))
        if config["padding"] == "same" and max(config["stride"]) > 1:
            raise SpecError(_("padding='same' is not supported for strided convolutions"), layer_type=cls.type_name,
                            hint=_("use stride=1, or a number: padding=k//2 halves the size with stride=2"))
        return config

    def check_input(self, x: Shape, calc: Calc) -> int:
        """PyTorch's dimension and channel checks; returns the input channels."""
        rank = self.rank
        if len(x) not in (rank + 1, rank + 2):
            raise calc.error(
                _("Expected {value}D (unbatched) or {value2}D (batched) input to conv{rank}d, but got input of size: "
                  "{torch_size}", value=rank + 1, value2=rank + 2, rank=rank, torch_size=torch_size(x)),
                _("check the module before it (a Flatten or Unflatten may be missing or extra)"))
        c = x[-rank - 1]
        if len(x) == rank + 1 and c is None:
            raise calc.error(
                _("expects a {value}-D input (N, C, {axes}), got {x}-D {torch_size}: PyTorch would read it as "
                  "unbatched with the batch as channels", value=rank + 2, axes=', '.join(s.upper() for _,
                                                                                         s in self.axes), x=len(x),
                  torch_size=torch_size(x)),
                _("check the module before it (a Flatten or Unflatten may be missing or extra)"))
        expected = self.cfg.in_channels
        if c is not None and c != expected:
            weight = list(self.weight_shape())
            raise calc.error(
                _("Given groups={groups}, weight of size {weight}, expected input{torch_size} to have {expected} "
                  "channels, but got {c} channels instead: the module was made for in_channels={expected} but its "
                  "input has {c} channels", groups=self.cfg.groups, weight=weight, torch_size=torch_size(x),
                  expected=expected, c=c),
                _("set in_channels={c} ({type_name}({c}, {out_channels}, ...))", c=c, type_name=self.type_name,
                  out_channels=self.cfg.out_channels))
        return expected

    def weight_shape(self) -> tuple[int, ...]:
        c_in, c_out, g = self.cfg.in_channels, self.cfg.out_channels, self.cfg.groups
        if self.transposed:
            return (c_in, c_out // g, *self.cfg.kernel_size)
        return (c_out, c_in // g, *self.cfg.kernel_size)

    def kernel_factors(self) -> list[Expr]:
        return [var(f"k_{sym}", k) for (_, sym), k in zip(self.axes, self.cfg.kernel_size, strict=True)]

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        c_in, c_out, groups = self.cfg.in_channels, self.cfg.out_channels, self.cfg.groups
        c_in_v, c_out_v = var("c_in", c_in), var("c_out", c_out)
        grouped = (lambda e: e / var("groups", groups)) if groups > 1 else (lambda e: e)
        if self.transposed:
            weights: Expr = product([*self.kernel_factors(), c_in_v, grouped(c_out_v)])
        else:
            weights = product([*self.kernel_factors(), grouped(c_in_v)])
        calc.weight("weight", self.weight_shape())
        if self.cfg.bias:
            calc.weight("bias", (c_out,))
            calc.params(weights + c_out_v if self.transposed else (weights + 1) * c_out_v)
        else:
            calc.params(weights if self.transposed else weights * c_out_v)

    def batch(self, x: Shape, calc: Calc) -> list[Expr]:
        """The batch factor (none for an unbatched input)."""
        return ops.batch_factor(calc, x) if len(x) == self.rank + 2 else []

    def grouped(self, size: int, symbol: str) -> Expr:
        v: Expr = var(symbol, size)
        return v / var("groups", self.cfg.groups) if self.cfg.groups > 1 else v

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        c_out = var("c_out", self.cfg.out_channels)
        if self.transposed:
            positions = [*self.batch(x, calc), *ops.sizes(x[-self.rank:], self.axes, "input")]
            per = ops.grouped([*self.kernel_factors(), self.grouped(self.cfg.out_channels, "c_out")])
            calc.macs(product([*positions, var("c_in", self.cfg.in_channels)]) * per,
                      note=_("counted on the input positions: each input pixel meets the whole kernel once"))
        else:
            positions = [*self.batch(x, calc), *ops.sizes(y[-self.rank:], self.axes)]
            per = ops.grouped([*self.kernel_factors(), self.grouped(self.cfg.in_channels, "c_in")])
            calc.macs(product([*positions, c_out]) * per,
                      note=_("every output value: one multiply-accumulate per weight of its filter"))
        count = product([*self.batch(y, calc), c_out, *ops.sizes(y[-self.rank:], self.axes)])
        ops.bias_and_activation(calc, y, count, self.cfg.bias)


class ConvNd(ConvBase):
    """``torch.nn.ConvNd``."""

    @classmethod
    def conv_arguments(cls, rank: int) -> tuple[Arg, ...]:
        return (
            Arg("in_channels", REQUIRED, positive_int, doc="channels of the input"),
            Arg("out_channels", REQUIRED, positive_int, doc="channels of the output"),
            Arg("kernel_size", REQUIRED, tuple_of(rank, minimum=1)),
            Arg("stride", 1, tuple_of(rank, minimum=1)),
            Arg("padding", 0, conv_padding(rank), doc="int, tuple, 'same' or 'valid'"),
            Arg("dilation", 1, tuple_of(rank, minimum=1)),
            Arg("groups", 1, positive_int),
            Arg("bias", True, boolean),
            Arg("padding_mode", "zeros", one_of(*PADDING_MODES), doc="changes values, not the size"),
        )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.check_input(x, calc)
        spatial = list(x[-self.rank:])
        padding = self.cfg.padding
        if padding == "valid":
            padding = (0,) * self.rank
        kernels = [d * (k - 1) + 1 for k, d in zip(self.cfg.kernel_size, self.cfg.dilation, strict=True)]
        totals = [k - 1 for k in kernels] if padding == "same" else [2 * p for p in padding]
        for n, total, k, axis in zip(spatial, totals, kernels, self.axes, strict=True):
            if n is not None and calc.too_small(n + total, k):
                padded = " x ".join("N" if s is None else str(s + t) for s, t in zip(spatial, totals, strict=True))
                raise calc.error(
                    _("Calculated padded input size per channel: ({padded}). Kernel size: ({map}). Kernel size can't "
                      "be greater than actual input size: the input {axis} {n} with padding {total} is smaller than "
                      "the {k}-wide kernel", padded=padded, map=' x '.join(map(str, kernels)), axis=axis[0], n=n,
                      total=total, k=k),
                    (_("use a kernel_size of at most {value} on that axis or more padding",
                       value=n + total) if n + total else _(
                            "the input is empty on that axis: check the modules before it")))
        out: list[int | None] = []
        for i, (n, axis) in enumerate(zip(spatial, self.axes, strict=True)):
            k, d = self.cfg.kernel_size[i], self.cfg.dilation[i]
            if padding == "same":
                pad = d * (k - 1)
                self.check_padding_mode(n, pad // 2, pad - pad // 2, axis, calc)
                sides = S_("{value} on each side", value=pad // 2) if pad % 2 == 0 else \
                    S_("{value} on the left, {value2} on the right", value=pad // 2, value2=pad - pad // 2)
                out.append(calc.step(S_("output {axis}", axis=axis[0]), in_var(n, axis),
                                     note=S_("padding='same' keeps the size (PyTorch pads {sides})", sides=sides)))
                continue
            p = padding[i]
            self.check_padding_mode(n, p, p, axis, calc)
            out.append(window_size(calc, n, axis, kernel=k, stride=self.cfg.stride[i], padding=p, dilation=d))
        return (*x[:-self.rank - 1], self.cfg.out_channels, *out)

    def design(self, inputs: list[Shape]) -> DesignFacts:
        windows = []
        padding = self.cfg.padding
        for i, (n, k, s, d) in enumerate(zip(inputs[0][-self.rank:], self.cfg.kernel_size, self.cfg.stride,
                                             self.cfg.dilation, strict=True)):
            pad = d * (k - 1) if padding == "same" else 0 if padding == "valid" else 2 * padding[i]
            windows.append(Window(d * (k - 1) + 1, s, n, dropped(n, d * (k - 1) + 1, s, pad)))
        return DesignFacts(bias=self.cfg.out_channels if self.cfg.bias else 0, windows=tuple(windows),
                           padding_hint=_("more padding"))

    def receptive_field(self, fields, inputs, output, calc):
        windows = []
        for i, (k, s, d) in enumerate(zip(self.cfg.kernel_size, self.cfg.stride, self.cfg.dilation, strict=True)):
            padding = self.cfg.padding
            pad = 0 if padding == "valid" else d * (k - 1) // 2 if padding == "same" else padding[i]
            windows.append(receptive.sliding(k, s, d, pad))
        return receptive.windowed(fields, calc, windows)

    def check_padding_mode(self, n: int | None, before: int, after: int, axis: tuple[str, str], calc: Calc) -> None:
        """Reflection needs padding below the input size, circular padding at most the input size."""
        mode = self.cfg.padding_mode
        p = max(before, after)
        if n is None or p == 0 or mode in ("zeros", "replicate"):
            return
        if (mode == "reflect" and p >= n) or (mode == "circular" and p > n):
            limit = n - 1 if mode == "reflect" else n
            relation = _("less than") if mode == "reflect" else _("at most")
            raise calc.error(
                _(
                        "padding_mode='{mode}' needs the padding ({before}, {after}) to be {relation} the input "
                        "{axis} ({n})", mode=mode, before=before, after=after, relation=relation, axis=axis[0], n=n), _(
                        "use padding of at most {limit} or padding_mode='zeros'", limit=limit))


class ConvTransposeNd(ConvBase):
    """``torch.nn.ConvTransposeNd``."""

    transposed = True
    upsamples = True

    @classmethod
    def conv_arguments(cls, rank: int) -> tuple[Arg, ...]:
        return (
            Arg("in_channels", REQUIRED, positive_int, doc="channels of the input"),
            Arg("out_channels", REQUIRED, positive_int, doc="channels of the output"),
            Arg("kernel_size", REQUIRED, tuple_of(rank, minimum=1)),
            Arg("stride", 1, tuple_of(rank, minimum=1)),
            Arg("padding", 0, tuple_of(rank)),
            Arg("output_padding", 0, tuple_of(rank), doc="added to one side of the output"),
            Arg("groups", 1, positive_int),
            Arg("bias", True, boolean),
            Arg("dilation", 1, tuple_of(rank, minimum=1)),
            Arg("padding_mode", "zeros", one_of(*PADDING_MODES)),
        )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["padding_mode"] != "zeros":
            raise SpecError(_('Only "zeros" padding mode is supported for {type_name}', type_name=cls.type_name),
                            layer_type=cls.type_name, hint=_("remove padding_mode"))
        for op, s, d in zip(config["output_padding"], config["stride"], config["dilation"], strict=True):
            if op >= s and op >= d:
                raise SpecError(
                    _("output padding must be smaller than either stride or dilation, but got output_padding={op} "
                      "with stride={s} and dilation={d}", op=op, s=s, d=d), layer_type=cls.type_name,
                    hint=_("use output_padding of at most {value}", value=max(s, d) - 1))
        return super().validate(config)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        self.check_input(x, calc)
        spatial = list(x[-self.rank:])
        out: list[int | None] = []
        for i, (size, axis) in enumerate(zip(spatial, self.axes, strict=True)):
            word, sym = axis
            n = in_var(size, axis)
            p, op = self.cfg.padding[i], self.cfg.output_padding[i]
            expr: Expr = (n - 1) * var(f"s_{sym}", self.cfg.stride[i])
            if p:
                expr = expr - 2 * var(f"p_{sym}", p)
            expr = expr + var(f"d_{sym}", self.cfg.dilation[i]) * (var(f"k_{sym}", self.cfg.kernel_size[i]) - 1)
            if op:
                expr = expr + var(f"op_{sym}", op)
            out.append(calc.step(S_("output {word}", word=word), expr + 1))
        known = [o for o in out if isinstance(o, int)]
        for o in out:
            if o is not None and not isinstance(o, int):
                calc.too_small(o)  # written with names: the condition kept (≥ 1; ATen allows one empty axis)
        # ATen's check: a negative size, or every size empty, is an error (one empty axis is allowed)
        if any(o < 0 for o in known) or (known and len(known) == len(out) and max(known) < 1):
            given = " x ".join("N" if n is None else str(n) for n in spatial)
            got = " x ".join("N" if o is None else str(o) for o in out)
            raise calc.error(
                _("Given input size per channel: ({given}). Calculated output size per channel: ({got}). Output size "
                  "is too small: the padding removes more than the transposed convolution adds", given=given, got=got),
                _("use less padding, a larger kernel_size or a larger stride"))
        return (*x[:-self.rank - 1], self.cfg.out_channels, *out)

    def design(self, inputs: list[Shape]) -> DesignFacts:
        return DesignFacts(bias=self.cfg.out_channels if self.cfg.bias else 0)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.windowed(fields, calc, [
            receptive.transposed(k, s, d, p) for k, s, d, p in
            zip(self.cfg.kernel_size, self.cfg.stride, self.cfg.dilation, self.cfg.padding, strict=True)])


def _make(base: type[ConvBase], name: str, rank: int, doc: str) -> type[ConvBase]:
    cls = type(name, (base,), {"__doc__": doc, "type_name": name, "rank": rank,
                               "arguments": base.conv_arguments(rank), "__module__": __name__})  # type: ignore[attr-defined]
    return register(cls)  # type: ignore[return-value]


Conv1d = _make(ConvNd, "Conv1d", 1, "1-D convolution over (N, C, L).")
Conv2d = _make(ConvNd, "Conv2d", 2, "2-D convolution over (N, C, H, W).")
Conv3d = _make(ConvNd, "Conv3d", 3, "3-D convolution over (N, C, D, H, W).")
ConvTranspose1d = _make(ConvTransposeNd, "ConvTranspose1d", 1, "1-D transposed convolution over (N, C, L).")
ConvTranspose2d = _make(ConvTransposeNd, "ConvTranspose2d", 2, "2-D transposed convolution over (N, C, H, W).")
ConvTranspose3d = _make(ConvTransposeNd, "ConvTranspose3d", 3,
                        "3-D transposed convolution over (N, C, D, H, W).")

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]
