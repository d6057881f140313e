"""PyTorch values as the reader models them: symbolic tensors, sizes, parameters and the tracer.

A :class:`TorchTensor` has a shape (the batch, and any size the input does not fix, is None) and knows
the item of the frame that made it.  Its methods and operators (``x.view(...)``, ``x + y``, ``x[:, 0]``)
are operations computed by the engine's PyTorch catalog and recorded by the :class:`Tracer` in the
frame of the module whose ``forward()`` runs (see ``torch_trace.py``).  Sizes read from a tensor
(``x.size(1)``, ``x.shape``) are numbers traced as torch.fx traces them, so the operations after them
keep torch.fx's names; the batch size is an :class:`UnknownSize`.  Tensors made outside ``forward()``
(a buffer built in ``__init__``) are constants: their shapes are computed, nothing is recorded.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...engine.errors import SpecError
from ...engine.layer import lookup
from ...engine.network import Computed, nested_factory
from ...engine.summary import Shape
from ...i18n import _
from ..runtime import Builtin, NetworkValue, Opaque, TracedInt, short_source
from .torch_trace import Frame, FxNames, Item

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .torch_modules import TModule

#: the dtypes the reader tells apart (token ids feed an Embedding; the rest is floating point)
FLOAT, LONG, BOOL = "float32", "int64", "bool"


class Tracer:
    """The state of reading a model's ``forward()``: the frames, torch.fx's names, the modules' names and calls."""

    def __init__(self) -> None:
        self.names = FxNames()
        self.frames: list[Frame] = []
        self.root: TModule | None = None
        self.module_names: dict[int, str] = {}
        self.calls: dict[int, int] = {}  # id(module) -> recorded calls so far
        self.hidden_count = 0

    @property
    def frame(self) -> Frame | None:
        return self.frames[-1] if self.frames else None

    @property
    def recording(self) -> bool:
        frame = self.frame
        return frame is not None and frame.record

    @property
    def tracing(self) -> bool:
        """Whether torch.fx would see the operations made now (in a recorded frame outside torch.nn modules)."""
        frame = self.frame
        return frame is not None and frame.record and frame.fx

    def consume(self, target: str) -> str | None:
        """Give a torch.fx node the next name from ``target`` (an operation that is not a row still takes one)."""
        return self.names.create(target) if self.tracing else None

    def hidden_name(self, base: str) -> str:
        self.hidden_count += 1
        return f"_{base}_{self.hidden_count}"

    def name_of(self, module: Any) -> str | None:
        return self.module_names.get(id(module))

    def sized(self, value: int | None, origin: str) -> Any:
        """A size read from a tensor: traced while torch.fx would trace it, the batch as an unknown size."""
        if value is None:
            return UnknownSize(origin, self)
        if self.tracing:
            return TracedInt(value, self.consume)
        return value

    # tensors across frames -------------------------------------------------------------------------
    def local(self, tensor: TorchTensor, frame: Frame, interp: Interpreter, node: ast.AST) -> TorchTensor:
        """The tensor as ``frame`` sees it: its own, or an input the frame takes implicitly from a frame around it."""
        if tensor.frame is frame:
            return tensor
        if tensor.frame is None:
            return self.constant_in(tensor, frame, interp, node)
        known = frame.implicit.get(id(tensor))
        if known is not None:
            return known
        if frame.parent is None or not frame.has_ancestor(tensor.frame):
            where = f"{tensor.frame.name or 'the model'}'s forward()" if tensor.frame.name is not None else "forward()"
            raise interp.error(node, _("a tensor made in {where} is used in another module's forward(), which "
                                     "PyTorch allows but the reader does not follow", where=where),
                               hint=_("pass the tensor as an argument of the module that uses it"))
        outer = self.local(tensor, frame.parent, interp, node)
        made = TorchTensor(tensor.shape, frame, None, 0, tensor.dtype)
        frame.inputs.append((self.input_name(frame, tensor.label()), made, outer))
        frame.implicit[id(tensor)] = made
        return made

    def constant_in(self, tensor: TorchTensor, frame: Frame, interp: Interpreter, node: ast.AST) -> TorchTensor:
        """A tensor made outside forward() used in it: a constant the frame holds (no row)."""
        known = frame.implicit.get(id(tensor))
        if known is not None:
            return known
        name = self.hidden_name("constant")
        self.consume("_tensor_constant0")
        item = Item("op", name, "Buffer", [list(_plain_shape(tensor.shape))], {}, [], [tensor.shape], hidden=True,
                    line=getattr(node, "lineno", None), file=interp.file)
        item.kwargs = {"persistent": False}
        item.constant = True  # type: ignore[attr-defined]
        frame.items.append(item)
        made = TorchTensor(tensor.shape, frame, item, 0, tensor.dtype)
        frame.implicit[id(tensor)] = made
        return made

    def input_name(self, frame: Frame, wanted: str) -> str:
        taken = {name for name, _, _ in frame.inputs}
        name, k = wanted, 1
        while name in taken:
            name, k = f"{wanted}_{k}", k + 1
        return name


def _plain_shape(shape: Shape) -> tuple[int, ...]:
    return tuple(1 if d is None else d for d in shape)


def engine_compute(type_name: str, args: list[Any], kwargs: dict[str, Any], shapes: list[Shape], interp: Interpreter,
                   node: ast.AST, label: str) -> tuple[Any, Computed]:
    """Compute an operation or module of the catalog on input shapes: (output shape(s), the computed layer)."""
    try:
        cls = lookup("pytorch", type_name)
        config = cls.bind(args, kwargs)
        layer = cls(label, config, line=getattr(node, "lineno", None))
        computed = Computed(layer)
        out, _ = computed.compute(shapes, nested_factory("pytorch"))
    except SpecError as exc:
        exc.line = getattr(node, "lineno", None)
        exc.file = interp.file
        if exc.layer is None:
            exc.layer, exc.layer_type = label, type_name
        exc.args = (exc.describe(),)
        raise exc from None
    return out, computed


class TorchTensor(NetworkValue):
    """A symbolic tensor: its shape (None for the batch and sizes not known), the frame and item that made it."""

    def __init__(self, shape: Shape, frame: Frame | None, item: Item | None, index: int = 0,
                 dtype: str = FLOAT) -> None:
        self.shape = tuple(shape)
        self.frame = frame
        self.item = item
        self.index = index
        self.dtype = dtype

    def label(self) -> str:
        if self.item is None:
            return "input"
        return self.item.name.replace(".", "_")

    def describe(self) -> str:
        return _("a tensor of shape {fmt}", fmt=_fmt(self.shape))

    def ref(self, frame: Frame) -> str:
        """How ``frame``'s network refers to this tensor (it must be the frame's own)."""
        if self.item is None:
            for name, local, _ in frame.inputs:
                if local is self:
                    return name
            raise AssertionError("an input tensor of another frame")
        return f"{self.item.ref}[{self.index}]" if self.item.multi else self.item.ref

    # the interpreter's questions -----------------------------------------------------------------
    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        from .torch_ops import tensor_attribute

        return tensor_attribute(self, interp, name, node)

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        from .torch_ops import binary_operator

        return binary_operator(self, interp, op, other, reflected, node)

    def rt_unary(self, interp: Interpreter, op: ast.unaryop, node: ast.AST) -> Any:
        from .torch_ops import unary_operator

        return unary_operator(self, interp, op, node)

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        from .torch_ops import index_tensor

        return index_tensor(self, interp, key, node)

    def rt_setitem(self, interp: Interpreter, key: Any, value: Any, node: ast.AST) -> None:
        if self.frame is not None:
            raise interp.error(node, _("assigning into a tensor in forward() is an operation the reader does not "
                                     "follow"), hint=_("write the values with operations that make a new tensor"))
        # a constant filled in __init__ (pe[:, 0::2] = torch.sin(...)): its shape does not change

    def rt_iter(self, interp: Interpreter, node: ast.AST) -> Any:
        from .torch_ops import unbind_tensor

        return unbind_tensor(self, interp, node)

    def rt_len(self, interp: Interpreter, node: ast.AST) -> Any:
        if not self.shape:
            raise interp.user_exception("TypeError", _("len() of a 0-d tensor"), node)
        if self.shape[0] is None:  # the batch (or a sequence read as PyTorch reads it): not known
            from .torch import binding_of

            return UnknownSize(short_source(node, 30), binding_of(interp).tracer)
        return self.shape[0]

    def rt_bool(self, interp: Interpreter, node: ast.AST) -> bool:
        raise interp.error(node, _("the truth of a tensor ({short_source}) depends on its values, which the "
                                 "reader does not compute", short_source=short_source(node, 40)),
                           hint=_("decide with sizes (x.size(1) ...) or flags"))

    def rt_copy(self, interp: Interpreter, node: ast.AST, deep: bool, memo: dict[int, Any]) -> Any:
        return self


class UnknownSize(NetworkValue):
    """A size that is not known (the batch): arithmetic keeps it unknown; it may go to view, reshape, expand ..."""

    def __init__(self, origin: str, tracer: Tracer | None) -> None:
        self.origin = origin
        self.tracer = tracer

    def describe(self) -> str:
        return _("the size {origin}, which is not known (the batch size)", origin=self.origin)

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        if isinstance(other, TorchTensor):
            return NotImplemented
        if self.tracer is not None:
            from ..interpreter import _TRACED_NAMES

            self.tracer.consume(_TRACED_NAMES.get(type(op), "op"))
        return UnknownSize(short_source(node, 40), self.tracer)

    def rt_unary(self, interp: Interpreter, op: ast.unaryop, node: ast.AST) -> Any:
        return UnknownSize(short_source(node, 40), self.tracer)

    def rt_bool(self, interp: Interpreter, node: ast.AST) -> bool:
        raise interp.error(node, _("this depends on {origin}, which is not known until the model runs",
                                   origin=self.origin),
                           hint=_("decide with sizes that do not change with the batch"))

    def rt_copy(self, interp: Interpreter, node: ast.AST, deep: bool, memo: dict[int, Any]) -> Any:
        return self


class SizeValue(NetworkValue):
    """``x.shape`` / ``x.size()``: a torch.Size whose items are traced sizes."""

    def __init__(self, shape: Shape, tracer: Tracer, origin: str) -> None:
        self.shape = tuple(shape)
        self.tracer = tracer
        self.origin = origin
        self.traced = tracer.tracing

    def describe(self) -> str:
        return f"the size {_fmt(self.shape)}"

    def item(self, i: int) -> Any:
        value = self.shape[i]
        if value is None:
            return UnknownSize(f"{self.origin}[{i}]", self.tracer if self.traced else None)
        return TracedInt(value, self.tracer.consume) if self.traced else value

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        if self.traced:
            self.tracer.consume("getitem")
        if isinstance(key, slice):
            return SizeValue(self.shape[key], self.tracer, f"{self.origin}[...]")
        if not isinstance(key, int):
            raise interp.user_exception("TypeError", _("a size is indexed by a number"), node)
        try:
            self.shape[key]
        except IndexError:
            raise interp.user_exception("IndexError", _("tuple index out of range ({key} of {len})", key=key,
                                                        len=len(self.shape)),
                                        node) from None
        return self.item(key % len(self.shape))

    def rt_iter(self, interp: Interpreter, node: ast.AST) -> Any:
        out = []
        for i in range(len(self.shape)):
            if self.traced:
                self.tracer.consume("getitem")
            out.append(self.item(i))
        return out

    def rt_len(self, interp: Interpreter, node: ast.AST) -> int:
        return len(self.shape)

    def rt_binop(self, interp: Interpreter, op: ast.operator, other: Any, reflected: bool, node: ast.AST) -> Any:
        if isinstance(op, ast.Add) and isinstance(other, tuple | list | SizeValue):
            extra = tuple(other.shape if isinstance(other, SizeValue) else other)
            return SizeValue(extra + self.shape if reflected else self.shape + extra, self.tracer, self.origin)
        return NotImplemented

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name == "numel":
            def numel(i: Interpreter, n: ast.AST, a: list[Any], k: dict[str, Any]) -> Any:
                total = 1
                for d in self.shape:
                    if d is None:
                        return UnknownSize(f"{self.origin}.numel()", self.tracer)
                    total *= d
                return total

            return Builtin("numel", numel)
        if name in ("index", "count"):
            return Builtin(name, lambda i, n, a, k: list(self.shape).index(a[0]) if name == "index" else
                           list(self.shape).count(a[0]))
        raise interp.error(node, _("torch.Size has no attribute {name!r} the reader knows", name=name))

    def sizes(self) -> list[Any]:
        return list(self.shape)

    def rt_copy(self, interp: Interpreter, node: ast.AST, deep: bool, memo: dict[int, Any]) -> Any:
        return self


class TracedTuple(NetworkValue):
    """The tuple an operation or a ``torch.nn`` module gives (``chunk``, an LSTM's ``(output, (h, c))``): as in
    torch.fx, taking it apart (``a, b = ...``, ``t[0]``) makes a ``getitem`` node each time, which is no row."""

    def __init__(self, items: list[Any], tracer: Tracer) -> None:
        self.items = items
        self.tracer = tracer
        self.traced = tracer.tracing

    def describe(self) -> str:
        return f"a tuple of {len(self.items)} values"

    def rt_getitem(self, interp: Interpreter, key: Any, node: ast.AST) -> Any:
        if self.traced:
            self.tracer.consume("getitem")
        if isinstance(key, slice):
            return TracedTuple(self.items[key], self.tracer)
        if not isinstance(key, int):
            raise interp.user_exception("TypeError", _("tuple indices must be integers"), node)
        try:
            return self.items[key]
        except IndexError:
            raise interp.user_exception("IndexError", _("tuple index out of range"), node) from None

    def rt_iter(self, interp: Interpreter, node: ast.AST) -> Any:
        if self.traced:
            for _ in self.items:
                self.tracer.consume("getitem")
        return list(self.items)

    def rt_len(self, interp: Interpreter, node: ast.AST) -> int:
        return len(self.items)

    def rt_getattr(self, interp: Interpreter, name: str, node: ast.AST) -> Any:
        if name in ("index", "count"):
            return Builtin(name, lambda i, n, a, k: getattr(self.items, name)(*a))
        raise interp.error(node, _("a tuple has no attribute {name!r}", name=name))

    def rt_copy(self, interp: Interpreter, node: ast.AST, deep: bool, memo: dict[int, Any]) -> Any:
        return self


def plain(value: Any) -> Any:
    """A value as the engine's arguments take it: traced numbers as numbers, unknown sizes as ``batch``/None."""
    if isinstance(value, TracedInt):
        return int(value)
    if isinstance(value, UnknownSize):
        return "batch"
    if isinstance(value, SizeValue):
        return [plain(v) if v is not None else "batch" for v in value.shape]
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Opaque) and value.config:
        return value.origin
    return value


def tensors_in(value: Any, depth: int = 0) -> list[TorchTensor]:
    """The tensors in a value (lists, tuples and dicts of them), in order."""
    if isinstance(value, TorchTensor):
        return [value]
    if depth > 8:
        return []
    if isinstance(value, TracedTuple):
        value = value.items
    if isinstance(value, list | tuple):
        return [t for v in value for t in tensors_in(v, depth + 1)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in tensors_in(v, depth + 1)]
    return []


def _fmt(shape: Any) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


__all__ = ["FLOAT", "LONG", "SizeValue", "TorchTensor", "TracedTuple", "Tracer", "UnknownSize", "engine_compute",
           "plain", "tensors_in"]
