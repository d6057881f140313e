"""Functions of ``torch`` that ``forward()`` calls besides the modules' own: element-wise computations that keep the
shape (``torch.exp``, ``x.float()``, ``x.masked_fill(mask, v)``), tensors made from sizes (``torch.zeros``,
``torch.arange``, ``x.new_zeros``), ``F.scaled_dot_product_attention``, ``F.affine_grid`` and ``F.grid_sample``.

Each is named as the function, as torch.fx names it; none has weights.
"""

from __future__ import annotations

from ...i18n import N_, S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean
from ..expr import product, var
from ..layer import Calc, OutputShape, SameShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import TorchLayer, fmt
from .tensor import BATCH, sizes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar

#: functions and methods that keep the shape of their (first) input: name -> what they do
SAME_SHAPE: dict[str, str] = {
    "exp": "eˣ, element by element", "log": "ln x", "log1p": "ln(1 + x)", "sqrt": "√x", "rsqrt": "1/√x",
    "abs": "|x|", "neg": "−x", "sin": "sin x", "cos": "cos x", "tan": "tan x", "sign": "the sign of x",
    "erf": "the error function of x", "floor": "⌊x⌋", "ceil": "⌈x⌉", "round": "x rounded", "reciprocal": "1/x",
    "square": "x²", "clamp": "x limited to [min, max]", "clip": "x limited to [min, max]",
    "float": "x as float32", "double": "x as float64", "half": "x as float16", "long": "x as int64",
    "int": "x as int32", "bool": "x as bool", "to": "x on another device or in another dtype",
    "type_as": "x in the dtype of another tensor", "clone": "a copy of x", "detach": "x without its gradient",
    "masked_fill": "x with the values under a mask replaced", "normalize": "x divided by its norm along dim",
    "cumsum": "cumulative sums along dim", "flip": "x reversed along dims", "roll": "x rolled along dims",
    "nan_to_num": "x with NaN and infinities replaced", "logical_not": "not x", "tril": "the lower triangle of x",
    "triu": "the upper triangle of x", "randn_like": "random values of x's shape",
    "rand_like": "random values of x's shape", "zeros_like": "zeros of x's shape", "ones_like": "ones of x's shape",
    "empty_like": "a tensor of x's shape", "full_like": "a value in x's shape", }

#: functions that make a tensor from sizes given in the code: name -> what they make
CREATED: dict[str, str] = {
    "zeros": "zeros", "ones": "ones", "empty": "an uninitialised tensor", "rand": "uniform random values",
    "randn": "normal random values", "full": "a value repeated", "arange": "a range of numbers",
    "tensor": "the values written in the code", "eye": "an identity matrix", "linspace": "evenly spaced numbers",
    "randint": "random integers", "new_zeros": "zeros (as another tensor's dtype)",
    "new_ones": "ones (as another tensor's dtype)", "new_empty": "an uninitialised tensor (as another's dtype)",
    "new_full": "a value repeated (as another tensor's dtype)",
}


#: the ones that copy, cast, move or make values, with no arithmetic (the others: one op per element)
NO_ARITHMETIC = frozenset({"float", "double", "half", "long", "int", "bool", "to", "type_as", "clone", "detach",
                           "masked_fill", "flip", "roll", "tril", "triu", "randn_like", "rand_like", "zeros_like",
                           "ones_like", "empty_like", "full_like"})


def _element_ops(name: str) -> tuple[int, str]:
    if name in NO_ARITHMETIC:
        return 0, S_("{name}: copies or makes values, no arithmetic", name=name)
    if name == "normalize":
        return 3, S_("normalize: 3 per element (its power, its share of the sum, the division)")
    return 1, S_("{name}: one op per element", name=name)


class SameShapeFunction(SameShape, TorchLayer):
    """A function applied element by element (other tensors it takes, a mask or a dtype donor, do not change the
    shape)."""

    max_inputs = None
    family = "functions"


def _ignored(*names: str, doc: str = "changes no shape") -> tuple[Arg, ...]:
    return tuple(Arg(name, None, used=False, doc=doc) for name in names)


#: the arguments the functions above take (in PyTorch's order); none changes the shape
SAME_SHAPE_ARGUMENTS: dict[str, tuple[Arg, ...]] = {
    "clamp": _ignored("min", "max"), "clip": _ignored("min", "max"), "cumsum": _ignored("dim", "dtype"),
    "flip": _ignored("dims"), "roll": _ignored("shifts", "dims"), "normalize": _ignored("p", "dim", "eps"),
    "masked_fill": _ignored("value", doc="the value written under the mask (the second input)"),
    "nan_to_num": _ignored("nan", "posinf", "neginf"), "tril": _ignored("diagonal"), "triu": _ignored("diagonal"),
    "to": _ignored("dtype"), "round": _ignored("decimals"), "full_like": _ignored("fill_value"),
}


for _name, _what in SAME_SHAPE.items():
    register(type(_name, (SameShapeFunction,), {"__doc__": f"``{_name}``: {_what}; the shape stays.",
                                                 "type_name": _name, "__module__": __name__,
                                                 "arguments": SAME_SHAPE_ARGUMENTS.get(_name, ()),
                                                 "element_ops": _element_ops(_name),
                                                 "example": (f"{_name}()", (3, 8))}))


class Created(TorchLayer):
    """A tensor made from sizes written in the code: no input, the given shape (``batch``: the batch size)."""

    min_inputs = 0
    max_inputs: ClassVar[int | None] = 0
    family = "functions"
    element_ops = (0, N_("a tensor made from sizes: no arithmetic counted"))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("a tensor made from sizes (it sees no input)"))
    arguments = (Arg("size", REQUIRED, sizes, doc="the tensor's shape: integers, batch (the batch size N) and null "
                                                  "(a size not known)"),
                 Arg("dtype", None, used=False, doc="the element type: changes no shape"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        return tuple(None if s in (BATCH, None) else s for s in self.cfg.size)


for _name, _what in CREATED.items():
    register(type(_name, (Created,), {"__doc__": f"``torch.{_name}(...)``: {_what}, of the shape given.",
                                      "type_name": _name, "__module__": __name__,
                                      "max_inputs": 1 if _name.startswith("new_") else 0,
                                      "example": (f"{_name}(size=[2, 3])",) if not _name.startswith("new_") else
                                      (f"{_name}(size=[2, 3])", (3, 8))}))


@register
class ScaledDotProductAttention(TorchLayer):
    """``F.scaled_dot_product_attention(q, k, v)``: softmax(q kᵀ / √E) v, shaped (..., L, E_v)."""

    type_name = "scaled_dot_product_attention"
    min_inputs = 3
    max_inputs = 3
    family = "functions"
    arguments = (Arg("is_causal", False, boolean, used=False, doc="a causal mask: changes no shape"),)
    example = ("scaled_dot_product_attention()", (4, 16, 8), (4, 16, 8), (4, 16, 8))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        q, k, v = inputs
        if len(q) < 2 or len(k) < 2 or len(v) < 2:
            raise calc.error(_("query, key and value need at least 2 dimensions, got {fmt}, {fmt2}, {fmt3}",
                               fmt=fmt(q), fmt2=fmt(k), fmt3=fmt(v)))
        if q[-1] is not None and k[-1] is not None and q[-1] != k[-1]:
            raise calc.error(_("the query's last size {q} differs from the key's {k} ({fmt}, {fmt2})", q=q[-1],
                               k=k[-1], fmt=fmt(q), fmt2=fmt(k)),
                             _("query and key need the same embedding size"))
        if k[-2] is not None and v[-2] is not None and k[-2] != v[-2]:
            raise calc.error(_("key {fmt} and value {fmt2} have different sequence lengths", fmt=fmt(k), fmt2=fmt(v)))
        return (*q[:-1], v[-1])

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        q, k, v = inputs
        lead = [var(f"b_{i}", n if n is not None else (calc.batch if i == 0 else None), S_("a leading size"))
                for i, n in enumerate(q[:-2])]
        length, keys = var("L", q[-2], S_("the query length")), var("S", k[-2], S_("the key length"))
        calc.macs(product([*lead, length, keys]) * ops.Grouped(var("E", q[-1], S_("the query size"))
                                                                 + var("E_v", v[-1], S_("the value size"))),
                  note=_("q kᵀ (E per score) and the scores times v (E_v per score)"))
        calc.other_ops(product([*lead, length, keys]) * 4,
                       note=_("per score: the scaling and softmax's 3 (exponential, sum, division)"))


@register
class AffineGrid(TorchLayer):
    """``F.affine_grid(theta, size)``: a sampling grid (N, H, W, 2) from affine matrices theta (N, 2, 3)."""

    type_name = "affine_grid"
    family = "functions"
    arguments = (Arg("size", REQUIRED, sizes, doc="the target (N, C, H, W): integers, batch (the batch size N)"),
                 Arg("align_corners", None, used=False))
    example = ("affine_grid(size=[batch, 1, 28, 28])", (2, 3))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (theta,) = inputs
        target = [None if s in (BATCH, None) else s for s in self.cfg.size]
        if len(target) not in (4, 5):
            raise calc.error(_("affine_grid only supports 4D and 5D sizes, got {len} sizes", len=len(target)))
        rows = len(target) - 2
        if len(theta) != 3 or (theta[1] is not None and theta[1] != rows) or (theta[2] is not None and
                                                                               theta[2] != rows + 1):
            raise calc.error(_("Expected a batch of {rows}D affine matrices of shape Nx{rows}x{value} for size "
                             "{target}. Got {fmt}.", rows=rows, value=rows + 1, target=target, fmt=fmt(theta)))
        return (target[0] if target[0] is not None else theta[0], *target[2:], rows)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        rows = len(self.cfg.size) - 2
        ops.per_element(calc, output, 2 * rows + 1,
                        _("each coordinate: {value} products and {rows} adds of a row of theta with the point "
                        "(PyTorch's counter counts no matrix product here)", value=rows + 1, rows=rows))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("a sampling grid"))


@register
class GridSample(TorchLayer):
    """``F.grid_sample(input, grid)``: the input (N, C, H, W) sampled at the grid's (N, H_out, W_out, 2) points."""

    type_name = "grid_sample"
    min_inputs = 2
    max_inputs = 2
    family = "functions"
    arguments = (Arg("mode", "bilinear", used=False), Arg("padding_mode", "zeros", used=False),
                 Arg("align_corners", None, used=False))
    example = ("grid_sample()", (1, 28, 28), (28, 28, 2))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        x, grid = inputs
        if len(x) != len(grid) or len(x) not in (4, 5) or (grid[-1] is not None and grid[-1] != len(x) - 2):
            raise calc.error(_("grid_sample(): the grid {fmt} does not fit the input {fmt2}", fmt=fmt(grid),
                               fmt2=fmt(x)),
                             _("a 4-D input (N, C, H, W) takes a grid (N, H_out, W_out, 2)"))
        return (x[0], x[1], *grid[1:-1])

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        corners = 2 ** (len(inputs[0]) - 2)
        ops.per_element(calc, output, 2 * corners - 1,
                        _("(bi/tri)linear: {corners} weighted corners added per output value", corners=corners))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("sampling at points a grid gives (they can be anywhere)"))


__all__ = ["CREATED", "SAME_SHAPE"]
