"""Graph helpers for ``torch.cat``, ``+`` and ``*``: ``cat``/``Concatenate``, ``Add``/``add``, ``Multiply``/``mul``."""

from __future__ import annotations

from ..args import Arg, integer
from ..expr import total, var
from ..layer import Calc, register
from ..summary import Shape
from .base import TorchLayer, fmt


@register
class Cat(TorchLayer):
    """``torch.cat(inputs, dim=0)``: sizes add up along ``dim``, the others must match."""

    type_name = "cat"
    min_inputs = 1
    max_inputs = None
    arguments = (Arg("dim", 0, integer, doc="the dimension to join along (0 is the batch)"),)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        first = inputs[0]
        rank = len(first)
        for i, x in enumerate(inputs[1:], start=1):
            if len(x) != rank:
                raise calc.error(f"Tensors must have same number of dimensions: got {rank} and {len(x)} "
                                 f"({fmt(first)} and {fmt(x)}, tensor number {i})")
        dim = self.cfg.dim
        if not -rank <= dim < rank:
            raise calc.error(f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got "
                             f"{dim})", "dim counts the batch dimension as 0")
        axis = dim % rank
        out = list(first)
        for i, x in enumerate(inputs[1:], start=1):
            for j, (a, b) in enumerate(zip(out, x, strict=True)):
                if j == axis:
                    continue
                if a is not None and b is not None and a != b:
                    raise calc.error(
                        f"Sizes of tensors must match except in dimension {axis}. Expected size {a} but got size {b} "
                        f"for tensor number {i} in the list",
                        f"inputs {fmt(first)} and {fmt(x)} differ in dimension {j}; make them equal there")
                out[j] = a if a is not None else b
        sizes = [var(f"n_{i + 1}", x[axis], f"dimension {axis} of input {i + 1}") for i, x in enumerate(inputs)]
        out[axis] = calc.step(f"output size of dimension {axis}", total(sizes))  # type: ignore[arg-type]
        return tuple(out)


@register
class Concatenate(Cat):
    """``torch.cat(inputs, dim=1)``: joins channels by default (NCHW)."""

    type_name = "Concatenate"
    arguments = (Arg("dim", 1, integer, doc="the dimension to join along (1: channels)"),)


@register
class Add(TorchLayer):
    """``a + b + ...`` with PyTorch broadcasting (sizes are aligned from the right; 1 stretches)."""

    type_name = "Add"
    aliases = ("add",)
    min_inputs = 1
    max_inputs = None

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        out = list(inputs[0])
        for i, x in enumerate(inputs[1:], start=1):
            rank = max(len(out), len(x))
            a = [1] * (rank - len(out)) + out
            b = [1] * (rank - len(x)) + list(x)
            merged: list[int | None] = []
            for j, (p, q) in enumerate(zip(a, b, strict=True)):
                if p is not None and q is not None and p != q and 1 not in (p, q):
                    raise calc.error(
                        f"The size of tensor a ({p}) must match the size of tensor b ({q}) at non-singleton "
                        f"dimension {j}", f"inputs {fmt(inputs[0])} and {fmt(x)} (input {i + 1}) cannot be "
                        f"{'multiplied' if self.type_name == 'Multiply' else 'added'}")
                if p is None or q is None:
                    other = q if p is None else p
                    merged.append(None if other in (None, 1) else other)
                else:
                    merged.append(max(p, q) if 1 in (p, q) else p)
            out = merged
        return tuple(out)


@register
class Multiply(Add):
    """``a * b * ...`` with PyTorch broadcasting (a squeeze-and-excitation scale times its input ...)."""

    type_name = "Multiply"
    aliases = ("mul",)
