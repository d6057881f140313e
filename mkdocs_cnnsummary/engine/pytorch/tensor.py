"""Tensor methods that rearrange a tensor without weights, as ``forward()`` writes them: ``view``/``reshape``,
``flatten``, ``permute`` (and torchvision's ``Permute`` module), ``transpose``, ``unsqueeze``/``squeeze``,
``contiguous`` and ``expand``.

Sizes are written as in the code, with two words for what a spec cannot know as a number: ``batch`` is
the batch size N (``x.view(x.size(0), -1)`` is ``view: [batch, -1]``), ``null`` a size that is not known.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, integer
from ..errors import SpecError
from ..expr import Expr, product, var
from ..layer import Calc, SameShape, register
from ..summary import Shape
from .base import TorchLayer, fmt, torch_size
from .linear import Flatten

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

BATCH = "batch"
Size = int | str | None  # an int (-1: inferred), "batch" or None (unknown)


def size_entry(value: Any) -> Size:
    """One size of a target shape: an integer from -1, ``batch`` (N) or null (not known)."""
    if value is None or value == BATCH:
        return value
    if isinstance(value, str):
        raise ArgError(_("expected a size (an integer, -1, batch or null), got {value!r}", value=value),
                       _("write batch for the batch size, null for a size that is not known"))
    if isinstance(value, int) and not isinstance(value, bool) and value < -1:
        raise ArgError(_("invalid shape dimension {value}", value=value), _(
                "sizes are at least 0; -1 infers one of them"))
    return integer(value)


def sizes(value: Any) -> tuple[Size, ...]:
    """A target shape: a list of sizes (or one size)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(size_entry(v) for v in value)
    return (size_entry(value),)


def dims(value: Any) -> tuple[int, ...]:
    """A list of dimension numbers."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(integer(v) for v in value)
    return (integer(value),)


def show(target: Sequence[Size]) -> str:
    """``[N, -1]``: a target shape as PyTorch prints it, N for the batch and ? for an unknown size."""
    return "[" + ", ".join("N" if s == BATCH else "?" if s is None else str(s) for s in target) + "]"


def axis(dim: int, rank: int, calc: Calc, what: str = "dim") -> int:
    """``dim`` in ``range(rank)`` (negative counts from the end), or PyTorch's IndexError."""
    if not -max(rank, 1) <= dim < max(rank, 1):
        raise calc.error(_("Dimension out of range (expected to be in range of [{value}, {value2}], but got {dim})",
                           value=-max(rank, 1), value2=max(rank, 1) - 1, dim=dim), _(
                "{what} counts the batch dimension as 0; the input has {rank} dimensions", what=what, rank=rank))
    return dim % max(rank, 1)


class VarArgs(TorchLayer):
    """A method written with ``*sizes`` (``x.view(2, -1)``) or one list (``x.view([2, -1])``): a list value
    is the positional arguments, one list or several numbers."""

    #: the argument the positional arguments make up ("" : ordinary positional arguments)
    varargs: ClassVar[str] = ""
    element_ops = ops.COPIES  # view, reshape, permute, expand: the same values, elsewhere

    @classmethod
    def bind(cls, args: Sequence[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        if not cls.varargs:
            return super().bind(args, kwargs)
        if args:
            if cls.varargs in kwargs:
                raise SpecError(_("argument {varargs!r} given twice (by position and by name)", varargs=cls.varargs),
                                layer_type=cls.type_name)
            value = args[0] if len(args) == 1 and isinstance(args[0], Sequence) and not isinstance(args[0], str) \
                else list(args)
            kwargs = {**kwargs, cls.varargs: value}
        return super().bind((), kwargs)


@register
class View(VarArgs):
    """``x.view(*shape)``: the same elements in another shape; one size may be -1 (inferred)."""

    type_name = "view"
    varargs = "size"
    arguments = (Arg("size", REQUIRED, sizes, doc="the new shape: integers, one -1 (inferred), batch (the batch "
                                                  "size N) and null (a size not known)"),)
    example = ("view(batch, -1)", (16, 5, 5))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        return reshaped(inputs[0], self.config[self.varargs], calc)


@register
class Reshape(View):
    """``x.reshape(*shape)`` / ``torch.reshape(x, shape)``: as ``view``, also for non-contiguous tensors."""

    type_name = "reshape"
    varargs = "shape"
    arguments = (Arg("shape", REQUIRED, sizes, doc="the new shape: integers, one -1 (inferred), batch (the batch "
                                                   "size N) and null (a size not known)"),)
    example = ("reshape(batch, 4, -1)", (8, 3, 3))


def reshaped(x: Shape, target: Sequence[Size], calc: Calc) -> Shape:
    """The shape ``x.view(*target)`` gives, with a step for the inferred size.

    ``batch`` stands for the batch size N and cancels the input's unknown batch dimension (its first
    unknown size); other unknown sizes make an inferred size unknown.
    """
    if list(target).count(-1) > 1:
        raise calc.error(_("only one dimension can be inferred"), _("{show} has two -1; write all sizes but one",
                                                                    show=show(target)))
    unknown = [i for i, d in enumerate(x) if d is None]
    known_in = [(i, d) for i, d in enumerate(x) if d is not None]
    p_in = _product(d for _, d in known_in)
    size_text = f"N × {p_in}" if unknown else str(p_in)
    for _ignored in range(list(target).count(BATCH)):
        if not unknown:
            raise calc.error(_("shape '{show}' is invalid for input of size {size_text}: batch stands for the batch "
                               "size N, and the input {fmt} has no batch dimension", show=show(target),
                               size_text=size_text, fmt=fmt(x)),
                             _("write the sizes as numbers"))
        unknown.pop(0)  # the batch dimension N on both sides
    given = [s for s in target if isinstance(s, int) and s != -1]
    p_out = _product(given)
    out = [s if isinstance(s, int) else None for s in target]
    open_out = None in target  # a size not known: nothing to check
    if -1 not in target:
        if open_out:
            return tuple(out)
        if unknown:
            raise calc.error(_("shape '{show}' is invalid for input of size {size_text}: the input has a size that is "
                               "not known (the batch) and the shape has none", show=show(target), size_text=size_text),
                             _("write batch (or -1) where the batch size goes"))
        if p_in != p_out:
            raise calc.error(_("shape '{show}' is invalid for input of size {size_text}", show=show(target),
                               size_text=size_text),
                             _("the sizes must multiply to {p_in}", p_in=p_in))
        return tuple(out)
    i = list(target).index(-1)
    if p_out == 0:
        raise calc.error(_("cannot reshape tensor of {size_text} elements into shape {show} because the unspecified "
                           "dimension size -1 can be any value and is ambiguous", size_text=size_text,
                           show=show(target)), _(
                                   "write every size"))
    if p_in % p_out and not open_out:
        detail = (_(": {p_out} does not divide {p_in}, so it would work only for some batch sizes N", p_out=p_out,
                    p_in=p_in)
                  if unknown and BATCH not in target else "")
        raise calc.error(_("shape '{show}' is invalid for input of size {size_text}{detail}", show=show(target),
                           size_text=size_text, detail=detail),
                         _("the known sizes must divide {p_in}", p_in=p_in))
    factors: list[Expr] = [var(f"d_{j}", x[j], S_("input dimension {j}", j=j)) for j in unknown]
    factors += [var(f"d_{j}", d, S_("input dimension {j}", j=j)) for j, d in known_in]
    over = [var(f"s_{j}", s, S_("size {j}", j=j)) for j, s in enumerate(target) if isinstance(s, int) and s != -1]
    if open_out:
        j = target.index(None)
        over.append(var(f"s_{j}", None, S_("size {j}", j=j)))
    note = S_("the batch size N is on both sides and cancels") if BATCH in target else None
    expr = product(factors) / product(over) if over else product(factors)  # type: ignore[arg-type]
    out[i] = calc.step(S_("inferred size (dimension {i})", i=i), expr, note)
    return tuple(out)


def _product(values: Any) -> int:
    n = 1
    for v in values:
        n *= v
    return n


@register
class FlattenFunction(Flatten):
    """``torch.flatten(x, start_dim=0, end_dim=-1)`` / ``x.flatten()``: as the Flatten module, but from the batch
    dimension by default (``torch.flatten(x, 1)`` keeps it)."""

    type_name = "flatten"
    arguments = (Arg("start_dim", 0, integer, doc="first axis flattened (0 is the batch)"),
                 Arg("end_dim", -1, integer))
    example = ("flatten(1)", (3, 4, 4))


@register
class PermuteFunction(VarArgs):
    """``x.permute(*dims)`` / ``torch.permute(x, dims)``: the dimensions reordered."""

    type_name = "permute"
    varargs = "dims"
    arguments = (Arg("dims", REQUIRED, dims, doc="the input dimension at each output position (0 is the batch)"),)
    example = ("permute(0, 2, 3, 1)", (3, 8, 8))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        order = self.cfg.dims
        if len(order) != len(x):
            raise calc.error(_("permute(sparse_coo): number of dimensions in the tensor input does not match the "
                               "length of the desired ordering of dimensions i.e. input.dim() = {x} is not equal to "
                               "len(dims) = {order}", x=len(x), order=len(order)), _(
                                       "give one dimension number for each of the {x} dimensions of {fmt}", x=len(x),
                                                                                     fmt=fmt(x)))
        picked = [axis(d, len(x), calc, "dims") for d in order]
        if len(set(picked)) != len(picked):
            raise calc.error(_("permute(): duplicate dims are not allowed."), _("name each dimension once"))
        return tuple(x[d] for d in picked)


@register
class Permute(PermuteFunction):
    """torchvision's ``ops.misc.Permute(dims)`` module: ``torch.permute(x, dims)`` (ConvNeXt's channels-last
    blocks)."""

    type_name = "Permute"
    varargs = ""
    arguments = (Arg("dims", REQUIRED, dims, doc="the input dimension at each output position (0 is the batch)"),)
    example = ("Permute([0, 2, 3, 1])", (3, 8, 8))


@register
class Transpose(TorchLayer):
    """``x.transpose(dim0, dim1)`` / ``torch.transpose``: two dimensions swapped."""

    type_name = "transpose"
    element_ops = ops.COPIES
    arguments = (Arg("dim0", REQUIRED, integer, doc="one dimension swapped (0 is the batch)"),
                 Arg("dim1", REQUIRED, integer, doc="the other dimension swapped"))
    example = ("transpose(1, 2)", (4, 6))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        a = axis(self.cfg.dim0, len(x), calc, "dim0")
        b = axis(self.cfg.dim1, len(x), calc, "dim1")
        out = list(x)
        if out:
            out[a], out[b] = out[b], out[a]
        return tuple(out)


@register
class Unsqueeze(TorchLayer):
    """``x.unsqueeze(dim)``: a new dimension of size 1 at ``dim``."""

    type_name = "unsqueeze"
    element_ops = ops.COPIES
    arguments = (Arg("dim", REQUIRED, integer, doc="where the new dimension goes (-1: last)"),)
    example = ("unsqueeze(1)", (8,))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        at = axis(self.cfg.dim, len(x) + 1, calc)
        return (*x[:at], 1, *x[at:])


def _optional_dims(value: Any) -> tuple[int, ...] | None:
    return None if value is None else dims(value)


@register
class Squeeze(TorchLayer):
    """``x.squeeze(dim=None)``: dimensions of size 1 removed (all of them, or those of ``dim``); a size that is not
    known, such as the batch, is taken not to be 1."""

    type_name = "squeeze"
    element_ops = ops.COPIES
    arguments = (Arg("dim", None, _optional_dims, doc="the dimensions to remove when their size is 1 (none: every "
                                                      "dimension of size 1)"),)
    example = ("squeeze(-1)", (8, 1))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        chosen = range(len(x)) if self.cfg.dim is None else {axis(d, len(x), calc) for d in self.cfg.dim}
        return tuple(d for i, d in enumerate(x) if not (i in chosen and d == 1))


@register
class Contiguous(SameShape, TorchLayer):
    """``x.contiguous()``: the same tensor, laid out contiguously in memory (the shape is unchanged)."""

    type_name = "contiguous"
    element_ops = ops.COPIES
    arguments = (Arg("memory_format", None, used=False),)
    example = ("contiguous()", (3, 4))


@register
class Expand(VarArgs):
    """``x.expand(*sizes)``: dimensions of size 1 repeated (without copying) to the given sizes; -1 keeps a size, new
    dimensions may be added in front (a class token expanded to the batch: ``expand: [batch, -1, -1]``)."""

    type_name = "expand"
    varargs = "size"
    arguments = (Arg("size", REQUIRED, sizes, doc="the target sizes: integers, -1 (keep), batch (the batch size N), "
                                                  "null (a size not known)"),
                 Arg("implicit", False, used=False))
    example = ("expand(batch, -1, -1)", (1, 4))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        target = self.cfg.size
        if len(target) < len(x):
            raise calc.error(_("expand({torch_size}, size={show}): the number of sizes provided ({target}) must be "
                               "greater or equal to the number of dimensions in the tensor ({x})",
                               torch_size=torch_size(x), show=show(target), target=len(target), x=len(x)), _(
                                       "give a size (or -1) for each dimension"))
        lead = len(target) - len(x)
        out: list[int | None] = []
        for i, t in enumerate(target):
            if i < lead:
                if t == -1:
                    raise calc.error(_("The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                                       "dimension {i}", i=i), _("new leading dimensions need a size (or batch)"))
                out.append(t if isinstance(t, int) else None)
                continue
            e = x[i - lead]
            if t == -1:
                out.append(e)
            elif t is None:
                out.append(None)
            elif e == 1:
                out.append(None if t == BATCH else t)  # type: ignore[arg-type]
            elif (t == BATCH and e is None) or t == e:
                out.append(e)
            else:
                shown = "N" if t == BATCH else t
                raise calc.error(_("The expanded size of the tensor ({shown}) must match the existing size ({value}) "
                                   "at non-singleton dimension {i}.  Target sizes: {show}.  Tensor sizes: {torch_size}",
                                   shown=shown, value="N" if e is None else e, i=i, show=show(target),
                                   torch_size=torch_size(x)),
                                 _("only dimensions of size 1 can be expanded; write -1 to keep a size"))
        return tuple(out)
