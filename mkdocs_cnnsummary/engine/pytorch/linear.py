"""Linear, Bilinear, Identity, Flatten, Unflatten and Embedding."""

from __future__ import annotations

from collections.abc import Sequence

from ...i18n import N_, S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, boolean, integer, non_negative_int, number, positive_int
from ..checks import DesignFacts
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, SameShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import TorchLayer, fmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _rows(x: Shape) -> str:
    rows = 1
    for d in x[:-1]:
        if d is None:
            return "N" if len(x) == 2 else "?"
        rows *= d
    return str(rows)


@register
class Linear(TorchLayer):
    """Fully connected: the last dimension ``in_features`` becomes ``out_features``."""

    type_name = "Linear"
    arguments = (
        Arg("in_features", REQUIRED, non_negative_int, doc="size of the input's last dimension"),
        Arg("out_features", REQUIRED, positive_int, doc="size of the output's last dimension"),
        Arg("bias", True, boolean),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if not x:
            raise calc.error(_("expects an input with at least 1 dimension, got a scalar"))
        n_in, n_out = self.cfg.in_features, self.cfg.out_features
        if x[-1] is not None and x[-1] != n_in:
            raise calc.error(
                _("mat1 and mat2 shapes cannot be multiplied ({rows}x{x} and {n_in}x{n_out}): the module expects "
                  "{n_in} input features (in_features={n_in}) but its input {fmt} has {x}", rows=_rows(x), x=x[-1],
                  n_in=n_in, n_out=n_out, fmt=fmt(x)),
                _("set in_features={x} (Linear({x}, {n_out}))", x=x[-1], n_out=n_out))
        return (*x[:-1], n_out)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        n_in, n_out = self.cfg.in_features, self.cfg.out_features
        i, o = var("in_features", n_in), var("out_features", n_out)
        calc.weight("weight", (n_out, n_in))
        if self.cfg.bias:
            calc.weight("bias", (n_out,))
            calc.params((i + 1) * o)
        else:
            calc.params(i * o)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        rows = rows_of(calc, x)
        o = var("out_features", self.cfg.out_features)
        note = _("every output value: one multiply-accumulate per input feature")
        if len(x) > 2:
            note += _("; the weight is applied at every position of the leading dimensions")
        calc.macs(product([*rows, var("in_features", self.cfg.in_features), o]), note=note)
        ops.bias_and_activation(calc, y, product([*rows, o]), self.cfg.bias)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("Linear (it mixes the last dimension)"))

    def design(self, inputs: list[Shape]):
        return DesignFacts(bias=self.cfg.out_features if self.cfg.bias else 0, dense=True, fully_connected=True)


def rows_of(calc: Calc, x: Shape) -> list[Expr]:
    """The positions a Linear-like module is applied at: the batch and every other leading dimension."""
    return [*ops.batch_factor(calc, x), *ops.dims(x, 1, -1, "input")]


@register
class Bilinear(TorchLayer):
    """``y = x1ᵀ A x2 + b`` over two inputs (*, in1_features) and (*, in2_features)."""

    type_name = "Bilinear"
    min_inputs = 2
    max_inputs = 2
    arguments = (
        Arg("in1_features", REQUIRED, positive_int),
        Arg("in2_features", REQUIRED, positive_int),
        Arg("out_features", REQUIRED, positive_int),
        Arg("bias", True, boolean),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        x1, x2 = inputs
        for k, (x, want) in enumerate(((x1, self.cfg.in1_features), (x2, self.cfg.in2_features)), start=1):
            if x[-1] is not None and x[-1] != want:
                raise calc.error(_("Input{k}: last dimension must be {want} (in{k}_features), got {fmt}", k=k,
                                   want=want, fmt=fmt(x)),
                                 _("set in{k}_features={x}", k=k, x=x[-1]))
        if len(x1) != len(x2) or any(a is not None and b is not None and a != b
                                     for a, b in zip(x1[:-1], x2[:-1], strict=True)):
            raise calc.error(_("Input1 {fmt} and Input2 {fmt2} must have the same leading dimensions", fmt=fmt(x1),
                               fmt2=fmt(x2)))
        lead = tuple(a if a is not None else b for a, b in zip(x1[:-1], x2[:-1], strict=True))
        return (*lead, self.cfg.out_features)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        a, b, o = self.cfg.in1_features, self.cfg.in2_features, self.cfg.out_features
        weights = var("in1_features", a) * var("in2_features", b) * var("out_features", o)
        calc.weight("weight", (o, a, b))
        if self.cfg.bias:
            calc.weight("bias", (o,))
            calc.params(weights + var("out_features", o))
        else:
            calc.params(weights)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x, y = inputs[0], ops.first(output)
        rows = rows_of(calc, x)
        a, b = var("in1_features", self.cfg.in1_features), var("in2_features", self.cfg.in2_features)
        o = var("out_features", self.cfg.out_features)
        calc.macs(product([*rows, o, a, b]), note=_("each weight A[k, i, j] multiplies x1[i] × x2[j] once per row"))
        extra = [(product([*rows, a, b]), _("the products x1[i] × x2[j]: 1 per pair and row"))]
        ops.bias_and_activation(calc, y, product([*rows, o]), self.cfg.bias, extra=extra)


@register
class Identity(SameShape, TorchLayer):
    """Passes its input through; accepts and ignores any arguments."""

    type_name = "Identity"
    element_ops = (0, N_("passes its input through"))

    @classmethod
    def bind(cls, args: Sequence[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        return {}


def _dim(value: Any) -> int:
    return integer(value)


def _axis(dim: int, rank: int, calc: Calc, what: str) -> int:
    if not -rank <= dim < rank:
        raise calc.error(_("Dimension out of range (expected to be in range of [{value}, {value2}], but got {dim})",
                           value=-rank, value2=rank - 1, dim=dim),
                         _("{what} counts the batch dimension as 0; the input has {rank} dimensions", what=what,
                           rank=rank))
    return dim % rank


@register
class Flatten(TorchLayer):
    """Flattens dimensions ``start_dim`` to ``end_dim`` into one (default: all but the batch)."""

    type_name = "Flatten"
    arguments = (Arg("start_dim", 1, _dim), Arg("end_dim", -1, _dim))
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.rearranged(fields, calc, len(output), _("Flatten: positions are merged into one axis"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        rank = max(len(x), 1)
        start = _axis(self.cfg.start_dim, rank, calc, "start_dim")
        end = _axis(self.cfg.end_dim, rank, calc, "end_dim")
        if start > end:
            raise calc.error(_("flatten() has invalid args: start_dim cannot come after end_dim"),
                             _("start_dim={start_dim} is after end_dim={end_dim} for {fmt}",
                               start_dim=self.cfg.start_dim, end_dim=self.cfg.end_dim, fmt=fmt(x)))
        if not x or start == end:
            return x if x else (1,)
        dims = x[start:end + 1]
        factors = [var(f"d_{start + i}", d, S_("input dimension {value}", value=start + i)) for i, d in enumerate(dims)]
        size = calc.step(S_("output size"), product(factors))
        return (*x[:start], size, *x[end + 1:])


def _sizes(value: Any) -> tuple[int, ...]:
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        return tuple(integer(v, minimum=-1) for v in value)
    raise ArgError(_("expected a list of sizes such as [16, 7, 7], got {value!r}", value=value))


@register
class Unflatten(TorchLayer):
    """Splits dimension ``dim`` into ``unflattened_size``."""

    type_name = "Unflatten"
    arguments = (Arg("dim", REQUIRED, _dim), Arg("unflattened_size", REQUIRED, _sizes))
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.rearranged(fields, calc, len(output), _("Unflatten: positions are rearranged"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        axis = _axis(self.cfg.dim, len(x), calc, "dim")
        sizes = list(self.cfg.unflattened_size)
        n = x[axis]
        known = 1
        for s in sizes:
            if s != -1:
                known *= s
        if sizes.count(-1) > 1:
            raise calc.error(_("only one dimension can be inferred (-1)"), _("write all sizes but one"))
        if -1 in sizes:
            if n is None:
                sizes[sizes.index(-1)] = None  # type: ignore[call-overload]
            elif known == 0 or n % known:
                raise calc.error(_("unflatten: Provided sizes {list} don't multiply up to the size of dim {axis} "
                                   "({n}) in the input tensor", list=list(self.cfg.unflattened_size), axis=axis, n=n))
            else:
                i = sizes.index(-1)
                others = [var(f"s_{j + 1}", s) for j, s in enumerate(sizes) if j != i]
                sizes[i] = calc.step(S_("inferred size {value}", value=i + 1), var("n", n, S_("input dimension {axis}",
                    axis=axis)) /
                                     product(others))  # type: ignore[arg-type]
        elif n is not None and known != n:
            raise calc.error(
                _("unflatten: Provided sizes {sizes} don't multiply up to the size of dim {axis} ({n}) in the input "
                  "tensor", sizes=sizes, axis=axis, n=n), _("choose sizes whose product is {n}", n=n))
        return (*x[:axis], *sizes, *x[axis + 1:])


@register
class Embedding(TorchLayer):
    """A lookup table: integer indices (*) become vectors (*, embedding_dim)."""

    type_name = "Embedding"
    element_ops = (0, N_("a table lookup: no arithmetic"))
    arguments = (
        Arg("num_embeddings", REQUIRED, positive_int, doc="size of the vocabulary"),
        Arg("embedding_dim", REQUIRED, positive_int),
        Arg("padding_idx", None, integer, used=False, doc="does not reduce the count"),
        Arg("max_norm", None, used=False),
        Arg("norm_type", 2.0, number, used=False),
        Arg("scale_grad_by_freq", False, boolean, used=False),
        Arg("sparse", False, boolean, used=False),
        Arg("_weight", None, used=False),
        Arg("_freeze", False, boolean, doc="true makes the weight non-trainable"),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        idx, n = config["padding_idx"], config["num_embeddings"]
        if idx is not None and not -n <= idx < n:
            from ..errors import SpecError

            raise SpecError(_("Padding_idx must be within num_embeddings"), layer_type=cls.type_name,
                            hint=_("use a padding_idx between {value} and {value2}", value=-n, value2=n - 1))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        return (*inputs[0], self.cfg.embedding_dim)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        v, d = self.cfg.num_embeddings, self.cfg.embedding_dim
        calc.weight("weight", (v, d), trainable=not self.cfg._freeze)
        terms: Expr = var("num_embeddings", v) * var("embedding_dim", d)
        calc.params(terms,
                    note=(S_("padding_idx does not reduce the count") if self.cfg.padding_idx is not None else None))

