"""Graph helpers for what ``forward()`` writes between modules: ``torch.cat``/``torch.stack``, the arithmetic
operators with PyTorch's broadcasting (``+ - * /``, also with a number) and ``@`` (``matmul``, ``bmm``)."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import Arg, ArgError, integer, number
from ..expr import product, total, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import TorchLayer, fmt, torch_size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


@register
class Cat(TorchLayer):
    """``torch.cat(inputs, dim=0)``: sizes add up along ``dim``, the others must match."""

    type_name = "cat"
    min_inputs = 1
    max_inputs = None
    arguments = (Arg("dim", 0, integer, doc="the dimension to join along (0 is the batch)"),)
    element_ops = ops.COPIES

    def receptive_field(self, fields, inputs, output, calc):
        if self.cfg.dim % len(inputs[0]) == 1:  # the channels: positions are kept
            return receptive.merged(fields, calc)
        return receptive.unmodelled(fields, calc, _("cat along a dimension other than the channels"))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        first = inputs[0]
        rank = len(first)
        for i, x in enumerate(inputs[1:], start=1):
            if len(x) != rank:
                raise calc.error(_("Tensors must have same number of dimensions: got {rank} and {x} ({fmt} and "
                                   "{fmt2}, tensor number {i})", rank=rank, x=len(x), fmt=fmt(first), fmt2=fmt(x), i=i))
        dim = self.cfg.dim
        if not -rank <= dim < rank:
            raise calc.error(_(
                    "Dimension out of range (expected to be in range of [{value}, {value2}], but got {dim})",
                               value=-rank, value2=rank - 1, dim=dim), _(
                    "dim counts the batch dimension as 0"))
        axis = dim % rank
        out = list(first)
        for i, x in enumerate(inputs[1:], start=1):
            for j, (a, b) in enumerate(zip(out, x, strict=True)):
                if j == axis:
                    continue
                if a is not None and b is not None and a != b:
                    raise calc.error(
                        _("Sizes of tensors must match except in dimension {axis}. Expected size {a} but got size {b} "
                          "for tensor number {i} in the list", axis=axis, a=a, b=b, i=i),
                        _("inputs {fmt} and {fmt2} differ in dimension {j}; make them equal there", fmt=fmt(first),
                          fmt2=fmt(x), j=j))
                out[j] = a if a is not None else b
        sizes = [var(f"n_{i + 1}", x[axis], S_("dimension {axis} of input {value}", axis=axis, value=i + 1)) for i,
                 x in enumerate(inputs)]
        out[axis] = calc.step(S_("output size of dimension {axis}", axis=axis), total(sizes))  # type: ignore[arg-type]
        return tuple(out)


@register
class Concatenate(Cat):
    """``torch.cat(inputs, dim=1)``: joins channels by default (NCHW)."""

    type_name = "Concatenate"
    arguments = (Arg("dim", 1, integer, doc="the dimension to join along (1: channels)"),)


@register
class Stack(TorchLayer):
    """``torch.stack(inputs, dim=0)``: equal shapes joined along a new dimension of size len(inputs)."""

    type_name = "stack"
    element_ops = ops.COPIES
    min_inputs = 1
    max_inputs = None
    arguments = (Arg("dim", 0, integer, doc="where the new dimension goes (0: before the batch)"),)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        first = inputs[0]
        out = list(first)
        for i, x in enumerate(inputs[1:], start=1):
            if len(x) != len(first) or any(a is not None and b is not None and a != b
                                           for a, b in zip(first, x, strict=True)):
                raise calc.error(_("stack expects each tensor to be equal size, but got {torch_size} at entry 0 and "
                                   "{torch_size2} at entry {i}", torch_size=torch_size(first),
                                   torch_size2=torch_size(x), i=i), _(
                                           "stacked tensors must have the same shape"))
            out = [a if a is not None else b for a, b in zip(out, x, strict=True)]
        rank = len(first) + 1
        dim = self.cfg.dim
        if not -rank <= dim < rank:
            raise calc.error(_(
                    "Dimension out of range (expected to be in range of [{value}, {value2}], but got {dim})",
                               value=-rank, value2=rank - 1, dim=dim), _(
                    "the new dimension counts too: dim is at most the input's rank"))
        axis = dim % rank
        return (*out[:axis], len(inputs), *out[axis:])


def broadcast(a: Shape, b: Shape, calc: Calc, what: str) -> Shape:
    """PyTorch's broadcasting of two shapes (aligned from the right; a size 1 stretches).

    An unknown size (None) against 1 or None stays unknown; against a known size it takes it.
    """
    rank = max(len(a), len(b))
    pa = [1] * (rank - len(a)) + list(a)
    pb = [1] * (rank - len(b)) + list(b)
    out: list[int | None] = []
    for j, (p, q) in enumerate(zip(pa, pb, strict=True)):
        if p is not None and q is not None and p != q and 1 not in (p, q):
            raise calc.error(_("The size of tensor a ({p}) must match the size of tensor b ({q}) at non-singleton "
                               "dimension {j}", p=p, q=q, j=j), _("inputs {fmt} and {fmt2} cannot be {what}",
                                                                  fmt=fmt(a), fmt2=fmt(b), what=what))
        if p is None or q is None:
            other = q if p is None else p
            out.append(None if other in (None, 1) else other)
        else:
            out.append(max(p, q) if 1 in (p, q) else p)
    return tuple(out)


@register
class Add(TorchLayer):
    """``a + b + ...`` with PyTorch broadcasting (sizes are aligned from the right; 1 stretches)."""

    type_name = "Add"
    min_inputs = 1
    max_inputs = None
    verb: ClassVar[str] = S_("added")

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        ops.merge_ops(calc, ops.first(output), len(inputs))

    def receptive_field(self, fields, inputs, output, calc):
        out = ops.first(output)
        if any(len(s) != len(out) or any(a == 1 and b != 1 for a, b in zip(s[2:], out[2:], strict=True))
               for s in inputs):
            return receptive.unmodelled(fields, calc, _("Add of a broadcast input"))
        return receptive.merged(fields, calc)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        if self.config.get("other") is not None and len(inputs) != 1:
            raise calc.error(_("takes one input when other is a number, got {inputs}", inputs=len(inputs)),
                             _("remove other to combine the inputs, or give one input"))
        out = inputs[0]
        for x in inputs[1:]:
            out = broadcast(out, x, calc, self.verb)
        return out


def _scalar(value: Any) -> float:
    try:
        return number(value)
    except ArgError:
        raise ArgError(_("expected a number, got {value!r}", value=value),
                       _("other is the number in x + 0.5; for two tensors list both in inputs")) from None


class Arithmetic(Add):
    """The functions and operators ``torch.add`` (``+``), ``sub`` (``-``), ``mul`` (``*``), ``div`` (``/``)."""

    arguments = (Arg("other", None, _scalar, doc="a number to combine the one input with (x * 0.5); none: "
                                                 "the inputs are combined with each other"),)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        if self.cfg.other is None:
            super().operations(inputs, output, calc)
        else:
            ops.per_element(calc, output, 1, _("one op per element: {verb} with the number {other}", verb=self.verb,
                                               other=self.cfg.other))


@register
class AddFunction(Arithmetic):
    """``torch.add`` / ``a + b``: two tensors with broadcasting, or one and a number (``other``)."""

    type_name = "add"
    arguments = (*Arithmetic.arguments, Arg("alpha", 1, number, used=False))


@register
class Sub(Arithmetic):
    """``torch.sub`` / ``a - b``: two tensors with broadcasting, or one and a number (``other``)."""

    type_name = "sub"
    verb = S_("subtracted")
    arguments = (*Arithmetic.arguments, Arg("alpha", 1, number, used=False))


@register
class Multiply(Add):
    """``a * b * ...`` with PyTorch broadcasting (a squeeze-and-excitation scale times its input ...)."""

    type_name = "Multiply"
    verb = S_("multiplied")


@register
class Mul(Arithmetic):
    """``torch.mul`` / ``a * b``: two tensors with broadcasting (a layer scale, an attention gate), or one and a
    number (``other``)."""

    type_name = "mul"
    verb = S_("multiplied")


@register
class Div(Arithmetic):
    """``torch.div`` / ``a / b``: two tensors with broadcasting, or one and a number (``other``)."""

    type_name = "div"
    verb = S_("divided")
    arguments = (*Arithmetic.arguments, Arg("rounding_mode", None, used=False))


@register
class Matmul(TorchLayer):
    """``torch.matmul`` / ``a @ b``: matrix products over the last two dimensions, broadcasting the others."""

    type_name = "matmul"
    min_inputs = 2
    max_inputs = 2
    example = ("matmul", (4, 6), (6, 3))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        a, b = inputs
        if not a or not b:
            raise calc.error(_("both arguments to matmul need to be at least 1D, but they are {a}D and {b}D", a=len(a),
                               b=len(b)))
        if len(a) == 1 and len(b) == 1:
            self.check_inner(a[0], b[0], calc, _("inconsistent tensor size, expected tensor [{a}] and src [{b}] to "
                                                 "have the same number of elements, but got {a} and {b} elements "
                                                 "respectively", a=a[0], b=b[0]))
            return ()
        ma = (1, *a) if len(a) == 1 else a  # a vector is a matrix of one row (removed afterwards) ...
        mb = (*b, 1) if len(b) == 1 else b  # ... or of one column
        message = (_("mat1 and mat2 shapes cannot be multiplied ({dim}x{dim2} and {dim3}x{dim4})", dim=_dim(ma[-2]),
                     dim2=_dim(ma[-1]), dim3=_dim(mb[-2]), dim4=_dim(mb[-1])))
        self.check_inner(ma[-1], mb[-2], calc, message)
        batch = broadcast(ma[:-2], mb[:-2], calc, _("broadcast (the dimensions before the last two)"))
        rows = () if len(a) == 1 else (ma[-2],)
        cols = () if len(b) == 1 else (mb[-1],)
        return (*batch, *rows, *cols)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        """Every output value is one row times one column: ``k`` multiply-accumulates each."""
        out = ops.first(output)
        k = var("k", inputs[0][-1], S_("the first input's last size (the inner dimension)"))
        count = ops.elements(calc, out) if len(out) > 1 else product([var(f"d_{i}", d, S_("output dimension {i}", i=i))
                                                                      for i, d in enumerate(out)])
        calc.macs(count * k, note=_("every output value: a row times a column, k multiply-accumulates"))
        calc.other_ops(0, note=_("the products' adds are in the MACs"))

    def check_inner(self, n: int | None, m: int | None, calc: Calc, message: str) -> None:
        if n is not None and m is not None and n != m:
            raise calc.error(message, _("the first input's last size ({n}) must equal the second input's {value} "
                                        "({m}); a transpose may be missing", n=n, value='size' if self.type_name ==
                                                'bmm' else 'second-to-last size', m=m))


def _dim(n: int | None) -> str:
    return "N" if n is None else str(n)


@register
class Bmm(Matmul):
    """``torch.bmm``: batches of matrices, (b, n, m) @ (b, m, p) -> (b, n, p), without broadcasting."""

    type_name = "bmm"
    example = ("bmm", (4, 6), (6, 3))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        a, b = inputs
        for k, x in enumerate((a, b), start=1):
            if len(x) != 3:
                raise calc.error(_("batch{k} must be a 3D tensor", k=k), _(
                        "input {k} is {fmt}; bmm multiplies (b, n, m) by (b, m, p) (matmul broadcasts other shapes)",
                                                                           k=k, fmt=fmt(x)))
        want = (a[0], a[2])
        if any(p is not None and q is not None and p != q for p, q in zip(want, b[:2], strict=True)):
            raise calc.error(_("Expected size for first two dimensions of batch2 tensor to be: [{dim}, {dim2}] but "
                               "got: [{dim3}, {dim4}].", dim=_dim(a[0]), dim2=_dim(a[2]), dim3=_dim(b[0]),
                               dim4=_dim(b[1])),
                             _("the batch sizes must be equal and the first input's last size must equal the second's "
                               "middle size"))
        return (a[0] if a[0] is not None else b[0], a[1], b[2])
