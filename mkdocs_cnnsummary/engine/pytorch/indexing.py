"""Indexing and splitting, as ``forward()`` writes them: ``x[:, 0]`` (``getitem``), ``chunk``, ``split`` and
``unbind`` (several outputs: ``name[i]`` takes one)."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, integer
from ..expr import Expr, ceil_div, lift, var
from ..layer import Calc, register
from ..summary import Shape
from .base import TorchLayer, fmt
from .tensor import BATCH, axis

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Item = tuple[Any, ...]  # ("slice", start, stop, step) | ("int", i) | ("list", (i, ...)) | ("none",) | ("ellipsis",)

#: the most outputs a split may give (a bound against specs that would make millions of rows)
MAX_OUTPUTS = 4096
MAX_INDEX_TEXT = 200

FULL: Item = ("slice", None, None, None)


def _int(node: ast.AST) -> int | None:
    """A literal integer (``3``, ``-1``), or None when the node is something else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _int(node.operand)
        return None if inner is None else -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    return None


def _bound(node: ast.AST | None) -> int | str | None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return None
    if isinstance(node, ast.Name) and node.id == BATCH:  # a bound not known (x.size(0)): the size is not known
        return BATCH
    value = _int(node)
    if value is None:
        raise ArgError(_("slice bounds must be integers, got {unparse!r}", unparse=ast.unparse(node)),
                       _("write the sizes as numbers (x[:, :8]), or batch-free slices"))
    return value


def _item(node: ast.AST) -> Item:
    if isinstance(node, ast.Slice):
        step = _bound(node.step)
        if step == 0:
            raise ArgError(_("slice step cannot be zero"))
        if step is not None and step < 0:
            raise ArgError(_("step must be greater than zero"), _("PyTorch does not slice backwards; use torch.flip"))
        return ("slice", _bound(node.lower), _bound(node.upper), step)
    if isinstance(node, ast.Constant) and node.value is None:
        return ("none",)
    if isinstance(node, ast.Constant) and node.value is Ellipsis:
        return ("ellipsis",)
    value = _int(node)
    if value is not None:
        return ("int", value)
    if isinstance(node, ast.List):
        values = [_int(e) for e in node.elts]
        if any(v is None for v in values):
            raise ArgError(_("a list index holds integers only, got {unparse}", unparse=ast.unparse(node)))
        return ("list", tuple(values))
    raise ArgError(_("cannot read {unparse!r} as an index", unparse=ast.unparse(node)),
                   _("an index holds integers, slices (a:b:c), None, ... and lists of integers"))


def index(value: Any) -> tuple[Item, ...]:
    """``"[:, 0]"``: an index as written in Python after the tensor, read with ``ast`` (never evaluated)."""
    if not isinstance(value, str):
        raise ArgError(_("expected the index as written in Python, such as '[:, 0]', got {value!r}", value=value),
                       _("quote it: getitem: '[:, 0]'"))
    text = value.strip()
    if len(text) > MAX_INDEX_TEXT:
        raise ArgError(_("the index is longer than {MAX_INDEX_TEXT} characters", MAX_INDEX_TEXT=MAX_INDEX_TEXT))
    if not (text.startswith("[") and text.endswith("]")):
        raise ArgError(_("expected the index in brackets, as written after the tensor, got {value!r}", value=value),
                       _("write '[{text}]'", text=text))
    try:
        node = ast.parse("_" + text, mode="eval").body
    except SyntaxError:
        raise ArgError(_("cannot read {value!r} as an index", value=value), _(
                "write it as in Python: '[:, 0]', '[..., 1:]'")) from None
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "_"):
        raise ArgError(_("expected one index in brackets, got {value!r}", value=value), _(
                "index the result again with a second getitem"))
    elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return tuple(_item(e) for e in elts)


def _text(item: Item) -> str:
    kind = item[0]
    if kind == "slice":
        _ignored, a, b, s = item
        return ("" if a is None else str(a)) + ":" + ("" if b is None else str(b)) + ("" if s is None else f":{s}")
    if kind == "int":
        return str(item[1])
    if kind == "list":
        return str(list(item[1]))
    return "None" if kind == "none" else "..."


@register
class GetItem(TorchLayer):
    """``x[index]``: integers remove a dimension, slices shorten one, ``None`` adds one of size 1, ``...`` stands
    for the dimensions not named, a list of integers picks along a dimension (``x[:, 0]``, ``x[..., 1:]``)."""

    type_name = "getitem"
    element_ops = ops.COPIES
    arguments = (Arg("index", REQUIRED, index, doc="the index as written after the tensor, in brackets: "
                                                   "'[:, 0]', '[..., 1:]', '[:, [-1], :]', '[:, None]'"),)
    example = ("getitem('[:, 1:, ::2]')", (3, 17, 8))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        items = list(self.cfg.index)
        ellipses = [i for i, it in enumerate(items) if it[0] == "ellipsis"]
        if len(ellipses) > 1:
            raise calc.error(_("an index can only have a single ellipsis ('...')"), _("keep one ..."))
        used = sum(1 for it in items if it[0] in ("slice", "int", "list"))
        if used > len(x):
            raise calc.error(_("too many indices for tensor of dimension {x}", x=len(x)),
                             _("the input {fmt} has {x} dimensions (the batch is dimension 0)", fmt=fmt(x), x=len(x)))
        fill = [FULL] * (len(x) - used)
        items = items[:ellipses[0]] + fill + items[ellipses[0] + 1:] if ellipses else items + fill
        # PyTorch applies integers first (each removes its dimension), then the lists together: their common
        # dimension replaces them where they stand side by side, else it goes first (as NumPy's rule for
        # advanced indices that are not adjacent)
        picked = self.broadcast_lists(items, calc) if any(it[0] == "list" for it in items) else ()
        out: list[Any] = []
        lists: list[int] = []  # positions in ``out`` of the lists
        dim = 0
        for item in items:
            kind = item[0]
            if kind == "none":
                out.append(1)
                continue
            n = x[dim]
            if kind in ("int", "list"):
                for v in (item[1],) if kind == "int" else item[1]:
                    if n is not None and not -n <= v < n:
                        raise calc.error(_("index {v} is out of bounds for dimension {dim} with size {n}", v=v,
                                           dim=dim, n=n),
                                         _("use an index from {value} to {value2}", value=-n, value2=n - 1))
                if kind == "list":
                    lists.append(len(out))
                    out.append(None)
            else:
                out.append(self.sliced(item, n, dim, calc))
            dim += 1
        if not lists:
            return tuple(out)
        rest = [d for i, d in enumerate(out) if i not in lists]
        if lists == list(range(lists[0], lists[-1] + 1)):
            return (*rest[:lists[0]], *picked, *rest[lists[0]:])
        return (*picked, *rest)

    @staticmethod
    def broadcast_lists(items: list[Item], calc: Calc) -> tuple[int, ...]:
        """The dimension the lists (and the integers beside them) pick together: their lengths broadcast."""
        lengths = [len(it[1]) for it in items if it[0] == "list"]
        size = max(lengths)
        size = 0 if 0 in lengths and all(n in (0, 1) for n in lengths) else size
        if any(n not in (1, size) for n in lengths):
            raise calc.error(_("shape mismatch: indexing tensors could not be broadcast together with shapes {value}",
                               value=
                    ", ".join(f"[{n}]" for n in lengths)), _("give the lists the same length"))
        return (size,)

    def sliced(self, item: Item, n: int | None, dim: int, calc: Calc) -> int | None:
        """The size a slice leaves of a dimension of size n, as a worked step (none for a plain ``:``)."""
        _ignored, start, stop, step = item
        if item == FULL or (start is None and stop is None and step == 1):
            return n
        if BATCH in (start, stop):
            return None  # up to a size that is not known
        size = var(f"n_{dim}", n, S_("input dimension {dim}", dim=dim))
        notes: list[str] = []

        def bound(b: int | None, default: Expr) -> tuple[Expr, int | None]:
            if b is None:
                return default, default.value  # type: ignore[return-value]
            if b < 0:
                expr: Expr = size - (-b)
                if n is not None and n + b < 0:
                    notes.append(S_("{b} is before the start: taken as 0", b=b))
                    return lift(0), 0
                return expr, None if n is None else n + b
            if n is not None and b > n:
                notes.append(S_("{b} is past the end: taken as {n}", b=b, n=n))
                return size, n
            return lift(b), b

        a_expr, a = bound(start, lift(0))
        b_expr, b = bound(stop, size)
        quantity = S_("output size of dimension {dim} ([{text}])", dim=dim, text=_text(item))
        if n is not None and a is not None and b is not None and b <= a:
            notes.append(S_("the slice is empty"))
            return calc.step(quantity, 0, "; ".join(notes))
        length = b_expr - a_expr if start not in (None, 0) else b_expr
        if step not in (None, 1):
            length = ceil_div(length, var("step", step))
        if n is None and length.value is not None:
            notes.append(S_("if input dimension {dim} has at least {stop} elements", dim=dim, stop=stop))
        return calc.step(quantity, length, "; ".join(notes) or None)


def _chunks(value: Any) -> int:
    value = integer(value)
    if value < 1:
        raise ArgError(_("chunk expects `chunks` to be greater than 0, got: {value}", value=value))
    return value


class Split(TorchLayer):
    """Splits along one dimension into several outputs (``name[i]`` takes one)."""

    element_ops = ops.COPIES

    def along(self, x: Shape, calc: Calc) -> tuple[int, int]:
        dim = axis(self.cfg.dim, len(x), calc)
        n = x[dim]
        if n is None:
            raise calc.error(_("cannot split along dimension {dim} of {fmt}: its size is not known, so neither is the "
                               "number of outputs", dim=dim, fmt=fmt(x)), _("split along a dimension of known size"))
        return dim, n

    @staticmethod
    def count_outputs(count: int) -> int:
        """``count``, checked before any list of that many outputs is made."""
        if count > MAX_OUTPUTS:
            from ..errors import SpecError

            raise SpecError(_("this gives {count:,} outputs, more than {MAX_OUTPUTS:,}", count=count,
                              MAX_OUTPUTS=MAX_OUTPUTS), hint=_(
                    "split into fewer parts"))
        return count

    def pieces(self, x: Shape, dim: int, sizes: list[int | None]) -> list[Shape]:
        self.count_outputs(len(sizes))
        return [(*x[:dim], s, *x[dim + 1:]) for s in sizes]

    def equal_pieces(self, x: Shape, dim: int, n: int, each: int, each_var: Expr, calc: Calc) -> list[Shape]:
        """Pieces of size ``each`` and a smaller last one, with the steps for the count and the last size."""
        nv = var("n", n, S_("input dimension {dim}", dim=dim))
        if each == 0 or n == 0:  # PyTorch gives one empty piece
            return self.pieces(x, dim, [0])
        count = calc.step(S_("outputs"), ceil_div(nv, each_var))
        if count is not None:
            self.count_outputs(count)
        if count is None or n % each == 0:
            return self.pieces(x, dim, [each] * (count or 0))
        last = calc.step(S_("size of the last output"), nv - (var("outputs", count) - 1) * each_var)
        return self.pieces(x, dim, [each] * (count - 1) + [last])


@register
class Chunk(Split):
    """``x.chunk(chunks, dim=0)``: ``chunks`` pieces of ⌈n/chunks⌉ along ``dim``, the last one smaller (and fewer
    pieces when the size does not allow them all)."""

    type_name = "chunk"
    arguments = (Arg("chunks", REQUIRED, _chunks, doc="the number of pieces asked for"),
                 Arg("dim", 0, integer, doc="the dimension split (0 is the batch)"))
    example = ("chunk(3, 1)", (8, 5))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> list[Shape]:
        (x,) = inputs
        dim, n = self.along(x, calc)
        if n == 0:
            return self.pieces(x, dim, [0] * self.count_outputs(self.cfg.chunks))
        each = calc.step(S_("size of each output"), ceil_div(var("n", n, S_("input dimension {dim}", dim=dim)),
                                                         var("chunks", self.cfg.chunks)))
        return self.equal_pieces(x, dim, n, each, var("size", each), calc)  # type: ignore[arg-type]


def _split_size(value: Any) -> Any:
    if isinstance(value, Sequence) and not isinstance(value, str):
        sections = tuple(integer(v) for v in value)
        if any(s < 0 for s in sections):
            raise ArgError(_("split_with_sizes expects split_sizes have only non-negative entries, but got "
                             "split_sizes={list}", list=list(sections)))
        return sections
    value = integer(value)
    if value < 0:
        raise ArgError(_("split expects split_size be non-negative, but got split_size={value}", value=value))
    return value


@register
class SplitFunction(Split):
    """``x.split(split_size_or_sections, dim=0)``: pieces of one size (the last smaller), or of the sizes listed."""

    type_name = "split"
    arguments = (Arg("split_size_or_sections", REQUIRED, _split_size,
                     doc="the size of each piece, or a list of the sizes (which must add up to the dimension)"),
                 Arg("dim", 0, integer, doc="the dimension split (0 is the batch)"))
    example = ("split(3, 1)", (8, 4))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> list[Shape]:
        (x,) = inputs
        sections = self.cfg.split_size_or_sections
        if isinstance(sections, tuple):
            dim = axis(self.cfg.dim, len(x), calc)
            n = x[dim]
            if n is not None and sum(sections) != n:
                raise calc.error(_("split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                                   "at dimension {dim}), but got split_sizes={list}", n=n, dim=dim,
                                   list=list(sections)),
                                 _("make the sizes add up to {n}", n=n))
            return self.pieces(x, dim, list(sections))
        dim, n = self.along(x, calc)
        if sections == 0 and n:
            raise calc.error(_("split_size can only be 0 if dimension size is 0, but got dimension size of {n}", n=n),
                             _("split_size is the size of each piece"))
        return self.equal_pieces(x, dim, n, sections, var("split_size", sections), calc)


@register
class Unbind(Split):
    """``x.unbind(dim=0)``: one output per index along ``dim``, without that dimension (``q, k, v = qkv.unbind(0)``)."""

    type_name = "unbind"
    arguments = (Arg("dim", 0, integer, doc="the dimension taken apart (0 is the batch)"),)
    example = ("unbind(1)", (3, 4))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> list[Shape]:
        (x,) = inputs
        dim, n = self.along(x, calc)
        if n == 0:
            raise calc.error(_("unbind along dimension {dim} of {fmt} gives no outputs: its size is 0", dim=dim,
                               fmt=fmt(x)),
                             _("unbind a dimension whose size is at least 1"))
        self.count_outputs(n)
        return [(*x[:dim], *x[dim + 1:])] * n
