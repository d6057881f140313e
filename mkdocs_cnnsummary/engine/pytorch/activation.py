"""Activations and dropouts: shape-preserving modules (PReLU has weights, GLU halves a dimension)."""

from __future__ import annotations

from ...i18n import N_, S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, boolean, integer, number, one_of, positive_int
from ..checks import DesignFacts
from ..expr import var
from ..layer import Calc, SameShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import TorchLayer, fmt, probability

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


class Elementwise(SameShape, TorchLayer):
    """A module applied element by element: the output shape is the input shape."""

    element_ops = ops.ACTIVATION

    def design(self, inputs: list[Shape]):
        return DesignFacts(dropout=getattr(self.cfg, "p", None) if "Dropout" in self.type_name else None)

DROPOUTS = ("AlphaDropout", "FeatureAlphaDropout", "Dropout")


INPLACE = Arg("inplace", False, boolean, used=False)

#: name -> (arguments in torch order, docstring)
ELEMENTWISE: dict[str, tuple[tuple[Arg, ...], str]] = {
    "ReLU": ((INPLACE,), "max(0, x)."),
    "ReLU6": ((INPLACE,), "min(max(0, x), 6)."),
    "LeakyReLU": ((Arg("negative_slope", 0.01, number, used=False), INPLACE), "x, or slope × x below 0."),
    "RReLU": ((Arg("lower", 1 / 8, number, used=False), Arg("upper", 1 / 3, number, used=False), INPLACE),
              "Leaky ReLU with a random slope while training."),
    "ELU": ((Arg("alpha", 1.0, number, used=False), INPLACE), "Exponential linear unit."),
    "CELU": ((Arg("alpha", 1.0, number, used=False), INPLACE), "Continuously differentiable ELU."),
    "SELU": ((INPLACE,), "Scaled exponential linear unit."),
    "GELU": ((Arg("approximate", "none", one_of("none", "tanh"), used=False),), "Gaussian error linear unit."),
    "SiLU": ((INPLACE,), "x × sigmoid(x)."),
    "Mish": ((INPLACE,), "x × tanh(softplus(x))."),
    "Hardswish": ((INPLACE,), "Piecewise-linear approximation of swish."),
    "Hardsigmoid": ((INPLACE,), "Piecewise-linear approximation of sigmoid."),
    "Hardtanh": ((Arg("min_val", -1.0, number, used=False), Arg("max_val", 1.0, number, used=False), INPLACE,
                  Arg("min_value", None, used=False), Arg("max_value", None, used=False)), "Clamps to [min, max]."),
    "Hardshrink": ((Arg("lambd", 0.5, number, used=False),), "Zeroes values within ±lambd."),
    "Softshrink": ((Arg("lambd", 0.5, number, used=False),), "Shrinks values towards 0 by lambd."),
    "Tanhshrink": ((), "x − tanh(x)."),
    "Sigmoid": ((), "1 / (1 + exp(−x))."),
    "LogSigmoid": ((), "log(sigmoid(x))."),
    "Tanh": ((), "Hyperbolic tangent."),
    "Softplus": ((Arg("beta", 1.0, number, used=False), Arg("threshold", 20.0, number, used=False)),
                 "log(1 + exp(beta × x)) / beta."),
    "Softsign": ((), "x / (1 + |x|)."),
    "Threshold": ((Arg("threshold", REQUIRED, number, used=False), Arg("value", REQUIRED, number, used=False),
                   INPLACE), "x above threshold, value otherwise."),
    "AlphaDropout": ((Arg("p", 0.5, probability), INPLACE), "Dropout that keeps the mean and variance (SELU)."),
    "FeatureAlphaDropout": ((Arg("p", 0.5, probability), INPLACE), "AlphaDropout of whole channels."),
    "Dropout": ((Arg("p", 0.5, probability), INPLACE), "Zeroes elements with probability p while training."),
}
for _name, (_args, _doc) in ELEMENTWISE.items():
    register(type(_name, (Elementwise,), {"__doc__": _doc, "type_name": _name, "arguments": _args,
                                          "element_ops": ops.INFERENCE_IDENTITY if _name in DROPOUTS else
                                          ops.ACTIVATION, "__module__": __name__}))


class FeatureDropout(Elementwise):
    """Dropout of whole channels; PyTorch accepts batched and unbatched inputs of fixed ranks."""

    ranks: ClassVar[tuple[int, ...]] = (3, 4)
    arguments = (Arg("p", 0.5, probability), INPLACE)
    element_ops = ops.INFERENCE_IDENTITY

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if len(x) not in self.ranks and self.type_name == "Dropout1d":
            raise calc.error(_("Dropout1d: Expected 2D or 3D input, but received a {x}D input {fmt}", x=len(x),
                               fmt=fmt(x)),
                             _("Dropout1d works on (N, C, L) or (C, L)"))
        return x


for _rank, _ranks in ((1, (2, 3)), (2, (3, 4)), (3, (4, 5))):
    register(type(f"Dropout{_rank}d", (FeatureDropout,), {
        "__doc__": f"Zeroes whole channels of a {_rank}-D feature map with probability p.",
        "type_name": f"Dropout{_rank}d", "ranks": _ranks, "__module__": __name__}))


def _dim(value: Any) -> int | None:
    return None if value is None else integer(value)


class DimActivation(Elementwise):
    """Softmax-like modules along ``dim``: the dimension must exist."""

    arguments = (Arg("dim", None, _dim, doc="the dimension the values are normalised along"),)
    element_ops = ops.SOFTMAX

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        dim, rank = self.cfg.dim, max(len(x), 1)
        if dim is not None and not -rank <= dim < rank:
            raise calc.error(_(
                    "Dimension out of range (expected to be in range of [{value}, {value2}], but got {dim})",
                               value=-rank, value2=rank - 1, dim=dim), _(
                    "dim counts the batch dimension as 0; the input {fmt} has {x}", fmt=fmt(x), x=len(x)))
        return x


for _name, _doc in (("Softmax", "exp(x) normalised to sum to 1 along dim."),
                    ("LogSoftmax", "log(softmax(x)) along dim."), ("Softmin", "softmax(−x) along dim.")):
    register(type(_name, (DimActivation,), {"__doc__": _doc, "type_name": _name, "__module__": __name__}))


@register
class Softmax2d(Elementwise):
    """Softmax over the channels of (N, C, H, W) or (C, H, W)."""

    type_name = "Softmax2d"
    element_ops = ops.SOFTMAX

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        self.expect_dims(inputs[0], (3, 4), calc, "(N, C, H, W) or (C, H, W)")
        return inputs[0]


@register
class GLU(TorchLayer):
    """Gated linear unit: halves dimension ``dim`` (first half × sigmoid(second half))."""

    type_name = "GLU"
    arguments = (Arg("dim", -1, integer),)
    element_ops = (2, N_("2 ops per output element: the sigmoid of the second half and the product"))

    def receptive_field(self, fields, inputs, output, calc):
        if self.cfg.dim % len(inputs[0]) == 1:  # halves the channels: positions are kept
            return receptive.same(fields, calc)
        return receptive.unmodelled(fields, calc, _("GLU over a dimension other than the channels"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        rank = len(x)
        dim = self.cfg.dim
        if not -rank <= dim < rank:
            raise calc.error(_(
                    "Dimension out of range (expected to be in range of [{value}, {value2}], but got {dim})",
                               value=-rank, value2=rank - 1, dim=dim))
        axis = dim % rank
        n = x[axis]
        if n is not None and n % 2:
            raise calc.error(_("Halving dimension must be even, but dimension {axis} is size {n}", axis=axis, n=n),
                             _("give that dimension an even size"))
        half = calc.step(S_("output size"), var("n", n, S_("input dimension {axis}", axis=axis)) / 2)
        return (*x[:axis], half, *x[axis + 1:])


@register
class PReLU(TorchLayer):
    """Leaky ReLU with a learned slope: one (default) or one per channel (``num_parameters``)."""

    type_name = "PReLU"
    element_ops = (1, N_("one op per element: the activation (its slope multiplies the negative values)"))
    arguments = (
        Arg("num_parameters", 1, positive_int, doc="1, or the number of channels"),
        Arg("init", 0.25, number, used=False),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        n = self.cfg.num_parameters
        if n > 1:
            c = x[1] if len(x) >= 2 else None
            if len(x) < 2 or (c is not None and c != n):
                raise calc.error(
                    _("Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} and "
                      "channel size = {value}", n=n, value=c if c is not None else 1),
                    (_("set num_parameters={c} (one slope per channel) or 1 (one shared slope)", c=c) if c else None))
        return x

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        n = self.cfg.num_parameters
        calc.weight("weight", (n,))
        calc.params(var("num_parameters", n), note=(S_("one slope shared by all channels") if n == 1 else None))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.same(fields, calc)


def _drop_probability(value: Any) -> float:
    return probability(value, "drop")  # torchvision's wording


def _depth_mode(value: Any) -> str:
    if value not in ("batch", "row"):
        raise ArgError(_("mode has to be either 'batch' or 'row', but got {value}", value=value))
    return value


@register
class StochasticDepth(Elementwise):
    """torchvision's ``ops.StochasticDepth(p, mode)``: drops whole residual branches while training; the identity
    at inference."""

    type_name = "StochasticDepth"
    element_ops = ops.INFERENCE_IDENTITY
    arguments = (Arg("p", REQUIRED, _drop_probability, used=False, doc="probability of dropping the branch"),
                 Arg("mode", REQUIRED, _depth_mode, used=False, doc="'row' (per sample) or 'batch' (all at once)"))
    example = ("StochasticDepth(0.1, 'row')", (3, 8, 8))
