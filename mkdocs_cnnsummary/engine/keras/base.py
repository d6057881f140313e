"""What Keras layers share: the base class, data_format handling and spatial-size steps."""

from __future__ import annotations

from ...i18n import N_, S_, _
from ..args import Arg, function_name, non_negative_int, one_of
from ..checks import Window, dropped
from ..expr import BinOp, Const, Expr, Round, ceil_div, floor_div, var
from ..layer import Calc, Layer
from ..lazy import receptive
from ..summary import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

#: (word, symbol) for each spatial axis, by rank
AXES: dict[int, tuple[tuple[str, str], ...]] = {
    1: ((S_("length"), "n"),),
    2: ((S_("height"), "h"), (S_("width"), "w")),
    3: ((S_("depth"), "d"), (S_("height"), "h"), (S_("width"), "w")),
}
#: per rank, what the window steps of each axis write: (word, symbol, the input size's description, the
#: output's quantity, the stride's symbol), phrased once rather than for every layer
_WINDOW_AXES = {rank: tuple((word, sym, S_("the input {word}", word=word), S_("output {word}", word=word), f"s_{sym}")
                            for word, sym in axes) for rank, axes in AXES.items()}


#: the names ``keras.activations.get`` accepts (Keras 3: ``ALL_OBJECTS_DICT``), case as written
ACTIVATIONS = (
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid",
    "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink", "threshold",
)
#: converter of every Keras ``activation`` and ``recurrent_activation`` argument
activation = function_name(ACTIVATIONS)


def data_format_arg() -> Arg:
    """Keras' ``data_format`` (None means the default, channels_last)."""
    return Arg("data_format", None, one_of("channels_last", "channels_first"))


class KerasLayer(Layer):
    """Base of Keras layers."""

    framework: ClassVar[str] = "keras"
    total_own_flags: ClassVar[bool] = True

    @property
    def channels_first(self) -> bool:
        return self.config.get("data_format") == "channels_first"

    def spatial(self, shape: Shape) -> list[int | None]:
        """The spatial sizes of a (batch, ..., channels) or (batch, channels, ...) shape."""
        return list(shape[2:]) if self.channels_first else list(shape[1:-1])

    def channels(self, shape: Shape) -> int | None:
        return shape[1] if self.channels_first else shape[-1]

    def assemble(self, spatial: list[int | None], channels: int | None) -> Shape:
        """Put batch, spatial sizes and channels back in the layer's data format."""
        if self.channels_first:
            return (None, channels, *spatial)
        return (None, *spatial, channels)

    def expect_rank(self, shape: Shape, rank: int, calc: Calc, what: str = "") -> None:
        """Keras' input_spec ndim check."""
        if len(shape) != rank:
            layout = what or ("(batch, " + ", ".join(["..."] * (rank - 1)) + ")")
            raise calc.error(
                _("expects a {rank}-D input {layout} (batch included), got {shape}-D {fmt}", rank=rank, layout=layout,
                  shape=len(shape), fmt=fmt(shape)),
                _("check the layer before it (a Flatten or Reshape may be missing or extra)"))

    def expect_known_channels(self, shape: Shape, calc: Calc) -> int:
        c = self.channels(shape)
        if c is None:
            axis = "first" if self.channels_first else "last"
            raise calc.error(_("the channel dimension ({axis} axis) of the input must be known, got {fmt}", axis=axis,
                               fmt=fmt(shape)),
                             _("give the input a known number of channels"))
        return c


def same_padding(n: int | None, k_eff: int, s: int) -> int | None:
    """The padding before the first pixel with padding='same' (TensorFlow's rule: half of the total, rounded
    down; the total is ``max((⌈n/s⌉ − 1)·s + k_eff − n, 0)``); None when it depends on an unknown size."""
    if s == 1:
        return (k_eff - 1) // 2
    if n is None:
        return None
    return max((-(-n // s) - 1) * s + k_eff - n, 0) // 2


def window_facts(spatial: list[int | None], kernel: tuple[int, ...], strides: tuple[int, ...],
                 dilation: tuple[int, ...], padding: str) -> tuple[Any, ...]:
    """The windows of a Keras convolution or pooling for the design checks (valid padding rounds down)."""
    valid = padding == "valid"
    out = []
    for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True):
        extent = d * (k - 1) + 1
        out.append(Window(extent, s, n, dropped(n, extent, s) if valid else 0))
    return tuple(out)


def linear_activation(activation: Any) -> bool:
    """No nonlinearity after the bias (``activation=None`` or ``'linear'``)."""
    return activation is None or (isinstance(activation, str) and activation.lower() in ("linear", ""))


def window_fields(calc: Calc, fields: list[Any], spatial: list[int | None], kernel: tuple[int, ...],
                  strides: tuple[int, ...], dilation: tuple[int, ...], padding: str) -> Any:
    """The receptive field through a Keras convolution or pooling window (valid, same or causal padding)."""
    windows = []
    for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True):
        k_eff = d * (k - 1) + 1
        pad = 0 if padding == "valid" else k_eff - 1 if padding == "causal" else same_padding(n, k_eff, s)
        windows.append(receptive.sliding(k, s, d, pad))
    return receptive.windowed(fields, calc, windows)


def fmt(shape: Any) -> str:
    """``(None, 28, 28, 1)``."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def in_var(size: int | None, axis: tuple[str, str], prefix: str = "") -> Expr:
    """The input size on one axis, as a variable that explains itself when unknown."""
    word, sym = axis
    return var(f"{prefix}{sym}", size, S_("the input {word}", word=word))


def window_outputs(calc: Calc, spatial: list[int | None], kernel: tuple[int, ...], strides: tuple[int, ...],
                   dilation: tuple[int, ...], padding: str, *, what: str = N_("kernel"),
                   kernel_sym: str = "k") -> list[int | None]:
    """Keras' conv/pool output sizes (``valid``: ⌊(n − k)/s⌋ + 1; ``same``: ⌈n/s⌉), one step per axis.

    A window that does not fit raises the error Keras raises, explained.
    """
    axes = _WINDOW_AXES[len(spatial)]
    out: list[int | None] = []
    note = None if padding == "valid" else S_("padding='{padding}' gives ⌈input/stride⌉", padding=padding)
    for size, k_, s_, d_, (_word, sym, desc, quantity, stride_sym) in zip(spatial, kernel, strides, dilation, axes,
                                                                          strict=True):
        n = var(sym, size, desc)  # in_var's
        s = var(stride_sym, s_)
        if padding == "valid":
            k = var(f"{kernel_sym}_{sym}", k_)
            if d_ > 1:
                expr = floor_div(n - var(f"d_{sym}", d_) * (k - 1) - 1, s) + 1
            else:  # ⌊(n − k)/s⌋ + 1, its nodes made directly: every axis of every window makes one
                expr = BinOp("+", Round(BinOp("/", BinOp("−", n, k), s)), Const(1))
            out.append(calc.step(quantity, expr))
        else:
            out.append(calc.step(quantity, ceil_div(n, s), note))
    if padding == "valid" and any([calc.too_small(o) for o in out]):
        eff = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
        dilated = _(" dilated") if any(d > 1 for d in dilation) else ""
        raise calc.error(
            _("a {map}{dilated} {what} does not fit the {value} input with padding='valid'",
              map="×".join(map(str, eff)), dilated=dilated, what=_(what),
              value="×".join("None" if x is None else str(x) for x in spatial)),
            _("use padding='same' or a smaller {what}", what=_(what)))
    return out


def kernel_factors(rank: int, kernel_size: tuple[int, ...]) -> list[Expr]:
    """``k_h``, ``k_w`` ... as variables."""
    return [var(f"k_{sym}", k) for (_, sym), k in zip(AXES[rank], kernel_size, strict=True)]


def lora_args(*, keyword_only: bool) -> tuple[Arg, ...]:
    """Dense and Conv1D/2D/3D: ``lora_rank`` freezes the kernel and adds two trainable low-rank factors."""
    return (
        Arg("lora_rank", None, non_negative_int, doc="LoRA: the kernel is frozen, two small trained factors added",
            keyword_only=keyword_only),
        Arg("lora_alpha", None, used=False, keyword_only=keyword_only),
    )


LORA_NOTE = N_("lora_rank: the kernel is frozen (non-trainable); lora_kernel_a and lora_kernel_b are trained")


def lora_weights(calc: Calc, kernel: tuple[int, ...], fan_in: Expr, units: Expr, rank: int) -> Expr:
    """Add ``lora_kernel_a`` (kernel[:-1] + (r,)) and ``lora_kernel_b`` (r, units); return their count."""
    calc.weight("lora_kernel_a", (*kernel[:-1], rank))
    calc.weight("lora_kernel_b", (rank, kernel[-1]))
    r = var("r", rank)
    return fan_in * r + r * units

