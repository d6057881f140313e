"""What PyTorch modules share: the base class, rank checks and the sliding-window size steps."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ...i18n import S_, _
from ..args import ArgError, integer
from ..expr import Expr, Round, ceil_div, floor_div, var
from ..layer import Calc, Layer
from ..summary import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

#: (word, symbol) for each spatial axis, by number of spatial axes
AXES: dict[int, tuple[tuple[str, str], ...]] = {
    1: ((S_("length"), "l"),),
    2: ((S_("height"), "h"), (S_("width"), "w")),
    3: ((S_("depth"), "d"), (S_("height"), "h"), (S_("width"), "w")),
}


class TorchLayer(Layer):
    """Base of ``torch.nn`` modules."""

    framework: ClassVar[str] = "pytorch"

    def probe_inputs(self) -> list[Shape] | None:
        """Inputs the module accepts, made from its arguments, to count the tensors of a module that is never
        called (its parameters depend on its arguments only); None when the arguments do not tell."""
        cfg = self.config
        rank = getattr(self, "rank", None)
        big = 4096  # spatial sizes no kernel of a real module exceeds
        if "in_channels" in cfg and isinstance(rank, int):
            return [(None, cfg["in_channels"], *(big,) * rank)]
        if "num_features" in cfg and hasattr(self, "ranks"):
            return [(None, cfg["num_features"], *(1,) * (max(self.ranks) - 2))]
        if "num_channels" in cfg:
            return [(None, cfg["num_channels"], 1, 1)]
        if "normalized_shape" in cfg:
            return [(None, *cfg["normalized_shape"])]
        if "in1_features" in cfg:
            return [(None, cfg["in1_features"]), (None, cfg["in2_features"])]
        if "in_features" in cfg:
            return [(None, cfg["in_features"])]
        if "num_embeddings" in cfg:
            return [(None, 1)]
        if "input_size" in cfg:
            return [(None, 1, cfg["input_size"])] if cfg.get("batch_first") else [(1, None, cfg["input_size"])]
        if "embed_dim" in cfg:
            return [(1, None, cfg["embed_dim"])] if not cfg.get("batch_first") else [(None, 1, cfg["embed_dim"])]
        if "d_model" in cfg:
            return [(None, 1, cfg["d_model"])] if cfg.get("batch_first") else [(1, None, cfg["d_model"])]
        if "num_parameters" in cfg:  # PReLU
            return [(None, cfg["num_parameters"])]
        return None

    def expect_dims(self, x: Shape, ranks: Sequence[int], calc: Calc, layout: str = "") -> None:
        """The number of dimensions the module accepts (batched and, often, unbatched)."""
        if len(x) in ranks:
            return
        wanted = " or ".join(f"{r}-D" for r in ranks)
        where = f" {layout}" if layout else ""
        raise calc.error(_("expects a {wanted} input{where}, got {x}-D {fmt}", wanted=wanted, where=where, x=len(x),
                           fmt=fmt(x)),
                         _("check the module before it (a Flatten or Unflatten may be missing or extra)"))


def fmt(shape: Any) -> str:
    """``(None, 3, 28, 28)``."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def torch_size(shape: Any) -> str:
    """``[None, 3, 28, 28]`` as PyTorch prints sizes in its messages."""
    return "[" + ", ".join("N" if d is None else str(d) for d in shape) + "]"


def in_var(size: int | None, axis: tuple[str, str]) -> Expr:
    """The input size on one axis, as a variable that explains itself when unknown."""
    word, sym = axis
    return var(sym, size, S_("the input {word}", word=word))


def tuple_of(n: int, *, minimum: int = 0) -> Any:
    """An int (repeated n times) or a tuple of n ints, as PyTorch's ``_ntuple`` accepts."""

    def convert(value: Any) -> tuple[int, ...]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (integer(value, minimum=minimum),) * n
        if isinstance(value, Sequence) and not isinstance(value, str):
            if len(value) == 1:
                return (integer(value[0], minimum=minimum),) * n
            if len(value) != n:
                raise ArgError(_("expected an integer or {n} integers, got {list}", n=n, list=list(value)))
            return tuple(integer(v, minimum=minimum) for v in value)
        raise ArgError(_("expected an integer or a tuple of {n} integers, got {value!r}", n=n, value=value))

    return convert


def probability(value: Any, what: str = "dropout") -> float:
    """A dropout probability (PyTorch raises for values outside [0, 1])."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ArgError(_("expected a number, got {value!r}", value=value))
    if not 0 <= value <= 1:
        raise ArgError(_("{what} probability has to be between 0 and 1, but got {value}", what=what, value=value))
    return value


def window_size(calc: Calc, size: int | None, axis: tuple[str, str], *, kernel: int, stride: int,
                padding: int = 0, dilation: int | None = None, ceil_mode: bool = False) -> int | None:
    """One spatial output size of a convolution or pooling, as PyTorch computes it.

    ``⌊(h + 2 × p_h − d_h × (k_h − 1) − 1)/s_h⌋ + 1`` (without ``d_h`` for modules
    that have no dilation).  With ``ceil_mode`` the division rounds up and, as in
    ATen's ``pooling_output_shape``, a last window that would start beyond the
    input and its left padding is dropped.
    """
    word, sym = axis
    n = in_var(size, axis)
    k = var(f"k_{sym}", kernel)
    s = var(f"s_{sym}", stride)
    span: Expr = n
    if padding:
        span = span + 2 * var(f"p_{sym}", padding)
    span = span - var(f"d_{sym}", dilation) * (k - 1) - 1 if dilation is not None else span - k
    if ceil_mode and size is not None and not isinstance(size, int):  # a size written with names
        return _ceil_mode_named(calc, n, axis, kernel, stride, padding, dilation)
    quotient = ceil_div(span, s) if ceil_mode else floor_div(span, s)
    out = calc.step(S_("output {word}", word=word), quotient + 1,
                    note=(S_("ceil_mode=True rounds the division up") if ceil_mode else None))
    if ceil_mode and out is not None and (out - 1) * stride >= size + padding:  # type: ignore[operator]
        first = var(f"{sym}_out", out, S_("the output {word}", word=word))
        out = calc.step(S_("output {word}", word=word), first - 1,
                        note=S_("the last window would start at {value}, past the input and its left padding ({size} "
                                "+ {padding}), so PyTorch drops it", value=(out - 1) * stride, size=size,
                                padding=padding))
    return out


def _ceil_mode_named(calc: Calc, n: Expr, axis: tuple[str, str], kernel: int, stride: int, padding: int,
                     dilation: int | None) -> Any:
    """``ceil_mode=True`` on a size written with names, the dropped last window folded in.

    ATen takes ``o = ⌈(h + 2p − e)/s⌉ + 1`` (``e`` = the window's extent) and drops one when
    ``(o − 1)·s ≥ h + p``, i.e. when ``⌈(h + 2p − e)/s⌉ ≥ ⌈(h + p)/s⌉``; as ``2p − e < p`` (PyTorch keeps
    ``p ≤ e/2``), the result is ``min(⌈(h + 2p − e)/s⌉, ⌈(h + p − s)/s⌉) + 1 = ⌈(h + c)/s⌉ + 1`` with the
    constant ``c = min(2p − e, p − s)``: one exact expression for every size.
    """
    word, sym = axis
    extent = (dilation or 1) * (kernel - 1) + 1
    c = min(2 * padding - extent, padding - stride)  # ≤ 0
    quotient = ceil_div(n - var(f"c_{sym}", -c), var(f"s_{sym}", stride))
    return calc.step(f"output {word}", quotient + 1,
                     note=_("ceil_mode=True, with ATen's dropped last window folded in: c_{sym} = −min(2 × p − e, "
                          "p − s) = {value}, e = {extent} the window's extent; exact for every size", sym=sym,
                            value=-c, extent=extent))


def scaled(n: Expr, scale: float, sym: str) -> tuple[Expr, str | None]:
    """``⌊n × scale⌋`` as PyTorch computes it in floating point (a fractional scale shown as ``a/b``)."""
    from fractions import Fraction

    exact = Fraction(str(scale))
    factor = var(f"scale_{sym}", exact.numerator if exact.denominator == 1 else exact)  # type: ignore[arg-type]
    expr: Expr = Round(n * factor)
    note = None
    if n.value is not None and not isinstance(n.value, int | Fraction):  # a size written with names
        if exact.denominator != 1:
            from ..named import NotNumeric

            raise NotNumeric(_("PyTorch computes {value} × {scale} in floating point", value=n.value, scale=scale),
                             n.value.names())
    elif n.value is not None and math.isfinite(float(n.value) * scale):  # else too large: the step says so
        real = math.floor(float(n.value) * scale)
        if real != expr.int_value:
            note = S_("in floating point {value} × {scale} = {value2!r}, so PyTorch gets {real}", value=n.value,
                     scale=scale, value2=float(n.value) * scale, real=real)
            expr = expr - (expr.int_value - real)  # type: ignore[operator]
    return expr, note
