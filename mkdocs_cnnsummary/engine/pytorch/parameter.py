"""Tensors a module owns and uses directly in ``forward()``: ``nn.Parameter`` (a class token, a position
embedding, a layer scale) and ``nn.Buffer``.

They take no input; their output is the tensor itself, with its own shape and no batch dimension, so it
broadcasts against batched tensors (``(1, 1, D)`` added to ``(N, L, D)``) or is expanded to the batch
(``expand: [batch, -1, -1]``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...i18n import N_, S_, _
from ..args import REQUIRED, Arg, ArgError, boolean, integer
from ..expr import product, var
from ..layer import Calc, register
from ..summary import Shape
from .tensor import VarArgs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


def _shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(integer(v, minimum=0) for v in value)
    raise ArgError(_("expected the tensor's shape as a list of sizes, such as [1, 1, 768], got {value!r}", value=value))


@register
class Parameter(VarArgs):
    """``nn.Parameter(torch.zeros(*shape))`` used in ``forward()``: no input, the tensor as output, its elements
    counted as parameters."""

    type_name = "Parameter"
    varargs = "shape"  # Parameter(1, 1, 768) as torch.zeros(1, 1, 768) writes it, or Parameter([1, 1, 768])
    min_inputs = 0
    max_inputs = 0
    owned_tensor = True  # inside a module's network it is counted in the module's row (engine/modules.py)
    buffer: ClassVar[bool] = False
    element_ops = (0, N_("a stored tensor: no arithmetic"))
    arguments = (Arg("shape", REQUIRED, _shape, doc="the tensor's shape (it has no batch dimension): "
                                                    "Parameter(1, 1, 768) or Parameter([1, 1, 768])"),
                 Arg("requires_grad", True, boolean, doc="false: the parameter is not trainable"))
    example = ("Parameter(1, 5, 8)",)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        return tuple(self.cfg.shape)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        shape = self.cfg.shape
        factors = [var(f"s_{i}", s, S_("size {i} of the tensor", i=i)) for i, s in enumerate(shape)]
        if self.buffer:
            calc.weight("buffer", shape, buffer=True)
            calc.buffers(product(factors))  # type: ignore[arg-type]
        else:
            calc.weight("parameter", shape, trainable=self.cfg.requires_grad)
            calc.params(product(factors))  # type: ignore[arg-type]


@register
class Buffer(Parameter):
    """``nn.Buffer(tensor)`` (or ``register_buffer``) used in ``forward()``: as Parameter, its elements counted as
    buffers (not parameters)."""

    type_name = "Buffer"
    buffer = True
    arguments = (Arg("shape", REQUIRED, _shape, doc="the tensor's shape (it has no batch dimension)"),
                 Arg("persistent", True, boolean, used=False))
    example = ("Buffer(1, 5, 8)",)
