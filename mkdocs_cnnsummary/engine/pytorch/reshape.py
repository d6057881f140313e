"""Size-changing modules without weights: Upsample, PixelShuffle/PixelUnshuffle and the padding modules."""

from __future__ import annotations

from collections.abc import Sequence

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, boolean, integer, number, one_of, positive_int
from ..errors import SpecError
from ..expr import Expr, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import AXES, TorchLayer, fmt, in_var, scaled, torch_size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
MODE_DIMS = {"linear": (3,), "bilinear": (4,), "bicubic": (4,), "trilinear": (5,)}


def _sizes_or_int(value: Any) -> Any:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(None if v is None else integer(v, minimum=1) for v in value)
    return integer(value, minimum=1)


def _scales(value: Any) -> Any:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(number(v) for v in value)
    return number(value)


@register
class Upsample(TorchLayer):
    """Resizes the spatial dimensions to ``size`` or by ``scale_factor`` (⌊size × scale⌋)."""

    type_name = "Upsample"
    upsamples = True
    arguments = (
        Arg("size", None, _sizes_or_int, doc="output spatial size"),
        Arg("scale_factor", None, _scales, doc="multiplier of the spatial sizes"),
        Arg("mode", "nearest", one_of(*MODES)),
        Arg("align_corners", None, used=False),
        Arg("recompute_scale_factor", None, used=False),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["size"] is not None and config["scale_factor"] is not None:
            raise SpecError(_("only one of size or scale_factor should be defined"), layer_type=cls.type_name,
                            hint=_("remove one of them"))
        if config["size"] is None and config["scale_factor"] is None:
            raise SpecError(_("either size or scale_factor should be defined"), layer_type=cls.type_name,
                            hint=_("for example {type_name}(scale_factor=2)", type_name=cls.type_name))
        if config["align_corners"] is not None and config["mode"] not in MODE_DIMS:
            raise SpecError(_("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                              "bicubic | trilinear"), layer_type=cls.type_name,
                            hint=_("remove align_corners"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        mode = self.cfg.mode
        if len(x) not in (3, 4, 5):
            raise calc.error(_("Input Error: Only 3D, 4D and 5D input Tensors supported (got {x}D) {fmt}", x=len(x),
                               fmt=fmt(x)),
                             _("the input must be (N, C, L), (N, C, H, W) or (N, C, D, H, W)"))
        if mode in MODE_DIMS and len(x) not in MODE_DIMS[mode]:
            need = MODE_DIMS[mode][0]
            raise calc.error(_("Got {x}D input, but {mode} mode needs {need}D input", x=len(x), mode=mode, need=need),
                             _("use mode='{value}' or 'nearest'", value={3: 'linear', 4: 'bilinear',
                                                                         5: 'trilinear'}[len(x)]))
        rank = len(x) - 2
        axes = AXES[rank]
        out: list[int | None] = []
        size, scale = self.cfg.size, self.cfg.scale_factor
        for what, value in ((_("output size"), size), ("scale_factor", scale)):
            if isinstance(value, tuple) and len(value) != rank:
                raise calc.error(
                    _("Input and {what} must have the same number of spatial dimensions, but got input with spatial "
                      "dimensions of {list} and {what} of {value}", what=what, list=list(x[2:]), value=value),
                    _("give {rank} value{value} or one number", rank=rank, value='s' if rank > 1 else ''))
        for i, (n, axis) in enumerate(zip(x[2:], axes, strict=True)):
            if size is not None:
                o = size[i] if isinstance(size, tuple) else size
                out.append(n if o is None else o)
                continue
            s = scale[i] if isinstance(scale, tuple) else scale
            expr, note = scaled(in_var(n, axis), s, axis[1])
            out.append(calc.step(S_("output {axis}", axis=axis[0]), expr, note))
        if any([calc.too_small(o) for o in out]) or any([calc.too_small(n) for n in x[2:]]):
            raise calc.error(_("Input and output sizes should be greater than 0, but got input {list} and output size "
                               "{out}", list=list(x[2:]), out=out),
                             _("use a larger scale_factor or size"))
        return (*x[:2], *out)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.resample_ops(calc, ops.first(output), self.cfg.mode, len(inputs[0]) - 2)

    def receptive_field(self, fields, inputs, output, calc):
        mode, scale = self.cfg.mode, self.cfg.scale_factor
        rank = len(inputs[0]) - 2
        if self.cfg.size is not None or scale is None:
            return receptive.unmodelled(fields, calc, _("Upsample to a size (the scale follows from the input size)"))
        scales = scale if isinstance(scale, tuple) else (scale,) * rank
        from fractions import Fraction  # a scale factor's exact value (most runs never need fractions)

        windows = []
        for f in scales:
            exact = Fraction(str(f))
            if mode in ("nearest", "nearest-exact") and exact.denominator == 1:
                windows.append(receptive.nearest(int(exact)))
            elif mode == "nearest" and exact.numerator == 1:  # 1/n: every n-th input
                windows.append(receptive.sliding(1, exact.denominator))
            elif mode in ("linear", "bilinear", "trilinear") and exact.denominator == 1 and \
                    not self.config.get("align_corners"):
                windows.append(receptive.linear(int(exact)))
            else:
                return receptive.unmodelled(fields, calc, f"Upsample(mode='{mode}', scale_factor={f})")
        return receptive.windowed(fields, calc, windows)


@register
class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W)."""

    type_name = "UpsamplingNearest2d"
    arguments = (Arg("size", None, _sizes_or_int), Arg("scale_factor", None, _scales))

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        config = {**config, "mode": "nearest", "align_corners": None}
        return super().validate(config)


@register
class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W) with align_corners=True."""

    type_name = "UpsamplingBilinear2d"
    arguments = (Arg("size", None, _sizes_or_int), Arg("scale_factor", None, _scales))

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        config = {**config, "mode": "bilinear", "align_corners": None}
        return super().validate(config)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("UpsamplingBilinear2d (align_corners=True: the sampling "
                                                  "grid depends on the input size)"))


@register
class Interpolate(Upsample):
    """``F.interpolate(x, size=None, scale_factor=None, mode='nearest', ...)``: as the Upsample module, with
    ``antialias``."""

    type_name = "interpolate"
    arguments = (*Upsample.arguments, Arg("antialias", False, boolean, used=False,
                                          doc="bilinear and bicubic on 4-D inputs only; changes no shape"))
    example = ("interpolate(scale_factor=2, mode='bilinear')", (3, 5, 7))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        if self.cfg.antialias and not (self.cfg.mode in ("bilinear", "bicubic") and len(inputs[0]) == 4):
            raise calc.error(_("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires "
                               "a 4-D tensor as input"), _("use mode='bilinear' on (N, C, H, W), or antialias=False"))
        return super().compute_output_shape(inputs, calc)


class Shuffle(TorchLayer):
    """PixelShuffle / PixelUnshuffle: trade channels for spatial size by a factor r."""

    up: ClassVar[bool] = True
    upsamples = True
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        r = self.cfg.upscale_factor if self.up else self.cfg.downscale_factor
        window = receptive.nearest(r) if self.up else receptive.blocks(r)
        return receptive.windowed(fields, calc, [window, window])

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if len(x) < 3:
            raise calc.error(_("expects an input with at least 3 dimensions (*, C, H, W), got {fmt}", fmt=fmt(x)))
        c, h, w = x[-3:]
        r_ = self.cfg.upscale_factor if self.up else self.cfg.downscale_factor
        r = var("r", r_)
        cv = var("c", c, S_("the input channels"))
        hv, wv = in_var(h, AXES[2][0]), in_var(w, AXES[2][1])
        if self.up:
            if c is not None and c % (r_ * r_):
                raise calc.error(
                    _("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                      "upscale_factor, but input.size(-3)={c} is not divisible by {value}", c=c, value=r_ * r_),
                    _("give it a multiple of {value} channels", value=r_ * r_))
            oc = calc.step(S_("output channels"), cv / (r * r))
            oh = calc.step(S_("output height"), hv * r)
            ow = calc.step(S_("output width"), wv * r)
        else:
            for word, n in (("height", h), ("width", w)):
                if n is not None and n % r_:
                    axis = -2 if word == "height" else -1
                    raise calc.error(_("pixel_unshuffle expects {word} to be divisible by downscale_factor, but "
                                       "input.size({axis})={n} is not divisible by {r_}", word=word, axis=axis, n=n,
                                       r_=r_),
                                     _("make the input {word} a multiple of {r_}", word=word, r_=r_))
            oc = calc.step(S_("output channels"), cv * r * r)
            oh = calc.step(S_("output height"), hv / r)
            ow = calc.step(S_("output width"), wv / r)
        return (*x[:-3], oc, oh, ow)


@register
class PixelShuffle(Shuffle):
    """(*, C × r², H, W) -> (*, C, H × r, W × r)."""

    type_name = "PixelShuffle"
    arguments = (Arg("upscale_factor", REQUIRED, positive_int),)


@register
class PixelUnshuffle(Shuffle):
    """(*, C, H × r, W × r) -> (*, C × r², H, W)."""

    type_name = "PixelUnshuffle"
    up = False
    upsamples = False
    arguments = (Arg("downscale_factor", REQUIRED, positive_int),)


# padding -------------------------------------------------------------------------------

SIDES = {1: (("left", "right"),), 2: (("top", "bottom"), ("left", "right")),
         3: (("front", "back"), ("top", "bottom"), ("left", "right"))}


def pad_amounts(rank: int, minimum: int | None) -> Any:
    """An int or 2·rank ints in PyTorch's order (left, right, top, bottom, front, back)."""

    def convert(value: Any) -> tuple[int, ...]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (integer(value, minimum=minimum),) * (2 * rank)
        if isinstance(value, Sequence) and not isinstance(value, str):
            if len(value) != 2 * rank:
                order = ", ".join(f"padding_{s}" for pair in reversed(SIDES[rank]) for s in pair)
                raise ArgError(_("expected an integer or {value} integers ({order}), got {list}", value=2 * rank,
                                 order=order, list=list(value)))
            return tuple(integer(v, minimum=minimum) for v in value)
        raise ArgError(_("expected an integer or a tuple of {value} integers, got {value2!r}", value=2 * rank,
                         value2=value))

    return convert


class PadBase(TorchLayer):
    """The padding modules: each side of the last ``rank`` dimensions grows by its padding."""

    rank: ClassVar[int] = 2
    mode: ClassVar[str] = "constant"
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        pads = self.cfg.padding
        before = [pads[2 * (self.rank - 1 - i)] for i in range(self.rank)]  # torch lists the last dimension first
        return receptive.windowed(fields, calc, [receptive.shift(-b) for b in before])

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        rank = self.rank
        if self.mode == "constant":
            if len(x) < rank:
                raise calc.error(_("Padding length too large for the {x}-D input {fmt}", x=len(x), fmt=fmt(x)))
        else:
            self.expect_dims(x, (rank + 1, rank + 2), calc, _("(batched or unbatched)"))
        pads = self.cfg.padding
        out: list[int | None] = []
        for i, (axis, sides) in enumerate(zip(AXES[rank], SIDES[rank], strict=True)):
            j = 2 * (rank - 1 - i)  # torch lists the last dimension first
            before, after = pads[j], pads[j + 1]
            n = x[len(x) - rank + i]
            self.check_fits(n, before, after, axis, x, calc)
            expr: Expr = in_var(n, axis)
            for side, amount in zip(sides, (before, after), strict=True):
                # negative padding crops: shown as a subtraction
                expr = expr + var(f"p_{side}", amount) if amount >= 0 else expr - var(f"c_{side}", -amount)
            value = calc.step(S_("output {axis}", axis=axis[0]), expr)
            if value is not None and value < (1 if self.mode != "constant" else 0):
                raise calc.error(_("The input size {n}, plus negative padding {before} and {after} resulted in a "
                                   "negative output size, which is invalid", n=n, before=before, after=after), _(
                                           "use smaller negative padding"))
            out.append(value)
        return (*x[:len(x) - rank], *out)

    def check_fits(self, n: int | None, before: int, after: int, axis: tuple[str, str], x: Shape,
                   calc: Calc) -> None:
        if n is None:
            return
        if self.mode == "reflect" and (before >= n or after >= n):
            raise calc.error(
                _("Padding size should be less than the corresponding input dimension, but got: padding ({before}, "
                  "{after}) at dimension {value} of input {torch_size}", before=before, after=after,
                  value=len(x) - self.rank + AXES[self.rank].index(axis), torch_size=torch_size(x)),
                _("reflection padding must be at most {value} for an input {axis} of {n}", value=n - 1, axis=axis[0],
                  n=n))
        if self.mode == "circular" and (before > n or after > n):
            raise calc.error(_("Padding value causes wrapping around more than once: padding ({before}, {after}) on "
                               "an input {axis} of {n}", before=before, after=after, axis=axis[0], n=n), _(
                                       "circular padding must be at most {n}", n=n))


def _make_pad(prefix: str, rank: int, mode: str, doc: str) -> type[PadBase]:
    name = f"{prefix}Pad{rank}d"
    args: tuple[Arg, ...] = (Arg("padding", REQUIRED, pad_amounts(rank, None if mode == "constant" else 0),
                                 doc="int or (left, right[, top, bottom[, front, back]])"),)
    if prefix == "Constant":
        args += (Arg("value", REQUIRED, number, used=False),)
    attrs = {"__doc__": doc, "type_name": name, "rank": rank, "mode": mode, "arguments": args,
             "__module__": __name__}
    return register(type(name, (PadBase,), attrs))  # type: ignore[return-value]


_PADS = {"Zero": ("constant", "Pads with zeros"), "Constant": ("constant", "Pads with a constant value"),
         "Reflection": ("reflect", "Pads with the reflection of the input"),
         "Replication": ("replicate", "Pads by repeating the edge values"),
         "Circular": ("circular", "Pads by wrapping the input around")}
PAD_MODULES = {f"{p}Pad{r}d": _make_pad(p, r, mode, f"{doc} (last {r} dimension{'s' if r > 1 else ''}).")
               for p, (mode, doc) in _PADS.items() for r in (1, 2, 3)}
