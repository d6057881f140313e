"""What reading a PyTorch ``forward()`` records: frames of module calls, their items, and torch.fx's names.

``forward()`` is interpreted on symbolic tensors.  Each call of a module that holds others (a user
class, ``nn.Sequential``) is a :class:`Frame`: the tensors it is given, the items it makes in order
(calls of ``torch.nn`` modules, operations, calls of modules holding others, the tensors it owns) and
what it returns.  The frames become the engine's networks, one per module call (see
``torch_network.py``).

Operations are named as ``torch.fx.symbolic_trace`` names its nodes (:class:`FxNames` follows
``torch.fx.graph._Namespace``): every node takes a name from one namespace, also those that are not
rows (``size``, ``getattr``, ``getitem`` on a tuple, arithmetic on sizes, the calls of ``torch.nn``
modules named after their path), so ``x + y`` after ``x.size(0)`` and ``self.relu(...)`` is ``add``
and a later ``F.relu`` is ``relu_1``.
"""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...engine.summary import Shape

if TYPE_CHECKING:
    from ...engine.network import Computed
    from .torch_values import TModule, TorchTensor

_NAME = re.compile(r"^([a-zA-Z_][0-9a-zA-Z_]*?)(?:_(\d+))?$")
_ILLEGAL_CHARS = re.compile("[^0-9a-zA-Z_]+")
_SNAKE = re.compile(r"(?<=[a-z])([A-Z])")
#: names torch.fx does not give a node as they are (keywords, builtins and the names its generated code imports)
_ILLEGAL = frozenset(keyword.kwlist) | frozenset(builtins.__dict__) | {"inf", "nan", "NoneType", "torch", "device",
                                                                      "fx_pytree", "pytree"}


class FxNames:
    """torch.fx's namespace of node names: ``add``, ``add_1`` ...; a name that shadows a builtin gets ``_1`` first."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.base_count: dict[str, int] = {}

    def create(self, target: str) -> str:
        candidate = _SNAKE.sub(r"_\1", target).lower()
        match = _NAME.match(candidate)
        if match is None:
            candidate = _ILLEGAL_CHARS.sub("_", candidate) or "_unnamed"
            if candidate[0].isdigit():
                candidate = f"_{candidate}"
            match = _NAME.match(candidate)
            assert match is not None
        base, num = match.group(1, 2)
        if num is None or candidate in self.used:
            n = self.base_count.get(base, 0)
            if candidate in _ILLEGAL:
                n += 1
                candidate = f"{base}_{n}"
        else:
            n = int(num)
        while candidate in self.used:
            n += 1
            candidate = f"{base}_{n}"
        self.used.add(candidate)
        self.base_count[base] = n
        return candidate


@dataclass(eq=False)
class Item:
    """One thing a frame records, in order; each becomes an item of the frame's network.

    ``kind``: ``module`` (a call of a ``torch.nn`` module of the catalog), ``op`` (an operation),
    ``call`` (a call of a module holding others: ``frame`` is its own), ``tensor`` (a tensor the
    frame's module owns: ``Parameter``/``Buffer``), ``holder`` (a module not called itself, holding
    rows), ``unused`` (a module never called).
    """

    kind: str
    name: str
    type: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    inputs: list[TorchTensor] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)  # output shapes (one, or one per output)
    computed: Computed | None = None
    frame: Frame | None = None
    call: int | None = None  # 2, 3 ...: a further call of the module
    parent: str | None = None  # the holder row it hangs under
    tied: dict[str, str] | None = None
    hidden: bool = False  # computed, but no row (a module PyTorch does not know of, a torch.nn module's insides)
    line: int | None = None
    file: str | None = None
    module: TModule | None = None
    multi: bool = False  # gives several outputs (referred to as name[i])

    @property
    def ref(self) -> str:
        """How the frame's network refers to the item's output (``name@1`` for a module's second call)."""
        return f"{self.name}@{self.call - 1}" if self.call else self.name


@dataclass(eq=False)
class Frame:
    """One call of a module holding others (or the model's own ``forward``), while it is read."""

    module: TModule | None
    parent: Frame | None
    name: str  # the module's qualified name ("" for the model)
    record: bool = True  # False: a call on data made outside forward() (a size worked out in __init__)
    fx: bool = True  # False inside a torch.nn module: torch.fx sees no nodes there
    items: list[Item] = field(default_factory=list)
    inputs: list[tuple[str, TorchTensor, TorchTensor | None]] = field(default_factory=list)  # (name, local, outer)
    implicit: dict[int, TorchTensor] = field(default_factory=dict)  # id(outer tensor) -> local input
    owned: dict[int, TorchTensor] = field(default_factory=dict)  # id(parameter or buffer) -> its tensor here
    outputs: list[TorchTensor] = field(default_factory=list)
    structure: Any = None  # what forward() returned, with tensors in it

    def has_ancestor(self, other: Frame) -> bool:
        frame: Frame | None = self.parent
        while frame is not None:
            if frame is other:
                return True
            frame = frame.parent
        return False


__all__ = ["Frame", "FxNames", "Item"]
