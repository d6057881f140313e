"""Recurrent modules: RNN, LSTM and GRU (stacked, bidirectional, LSTM projections).

The output shown is the module's first output, the sequence ``output``:
(L, N, D × H_out), or (N, L, D × H_out) with ``batch_first=True``.  The
network input has the batch as its first dimension, so a sequence of L steps
with F features is written ``input: [L, F]`` and read with ``batch_first=True``;
without it PyTorch reads the same tensor as (L, N, F) and the shapes shown
follow that reading (the output keeps the first two sizes either way).
"""

from __future__ import annotations

from ...i18n import N_, S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, non_negative_int, number, one_of, positive_int
from ..errors import SpecError
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import TorchLayer, fmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


class RNNBase(TorchLayer):
    """Shared by RNN, LSTM and GRU: shapes and the per-layer, per-direction weights."""

    gates: ClassVar[int] = 1

    @classmethod
    def rnn_arguments(cls, *, nonlinearity: bool = False, proj: bool = False) -> tuple[Arg, ...]:
        return (
            Arg("input_size", REQUIRED, positive_int, doc="features of each step (the input's last size)"),
            Arg("hidden_size", REQUIRED, positive_int),
            Arg("num_layers", 1, positive_int, doc="stacked layers"),
            *((Arg("nonlinearity", "tanh", one_of("tanh", "relu"), used=False),) if nonlinearity else ()),
            Arg("bias", True, boolean, doc="two biases per layer and direction (b_ih and b_hh)"),
            Arg("batch_first", False, boolean, doc="input and output are (N, L, features)"),
            Arg("dropout", 0.0, number, used=False),
            Arg("bidirectional", False, boolean, doc="two directions: the output size doubles"),
            *((Arg("proj_size", 0, non_negative_int, doc="LSTM projection of h to proj_size"),) if proj else ()),
        )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        proj = config.get("proj_size", 0)
        if proj and proj >= config["hidden_size"]:
            raise SpecError(_("proj_size has to be smaller than hidden_size"), layer_type=cls.type_name,
                            hint=_("use a proj_size below {config}, or 0 for none", config=config['hidden_size']))
        if not 0 <= config["dropout"] <= 1:
            raise SpecError(_("dropout should be a number in range [0, 1] representing the probability of an element "
                              "being zeroed"), layer_type=cls.type_name)
        return config

    @property
    def directions(self) -> int:
        return 2 if self.cfg.bidirectional else 1

    @property
    def h_out(self) -> int:
        return getattr(self.cfg, "proj_size", 0) or self.cfg.hidden_size

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        if len(x) not in (2, 3):
            layout = "(N, L, features)" if self.cfg.batch_first else "(L, N, features)"
            raise calc.error(_("{type_name}: Expected input to be 2D or 3D, got {x}D input {fmt}",
                               type_name=self.type_name, x=len(x), fmt=fmt(x)),
                             _("the input must be {layout} or unbatched (L, features)", layout=layout))
        if x[-1] is not None and x[-1] != self.cfg.input_size:
            raise calc.error(
                _("input.size(-1) must be equal to input_size. Expected {input_size}, got {x}",
                  input_size=self.cfg.input_size, x=x[-1]),
                _("set input_size={x} ({type_name}({x}, {hidden_size}, ...))", x=x[-1], type_name=self.type_name,
                  hidden_size=self.cfg.hidden_size))
        size: Expr = var("h", self.cfg.hidden_size, "hidden_size")
        if getattr(self.cfg, "proj_size", 0):
            size = var("p", self.cfg.proj_size, "proj_size")
        if self.directions == 2:
            out = calc.step(S_("output features"), 2 * size, note=S_("two directions, concatenated"))
        else:
            out = self.h_out
        return (*x[:-1], out)

    def further_outputs(self, inputs: list[Shape], output: Any) -> list[Shape]:
        """The final hidden state ``h_n`` (and an LSTM's cell state ``c_n``): (D × num_layers, N, H_out)."""
        x = inputs[0]
        layers = self.directions * self.cfg.num_layers
        if len(x) == 2:
            batch: tuple[int | None, ...] = ()
        else:
            batch = (x[0],) if self.cfg.batch_first else (x[1],)
        states = [(layers, *batch, self.h_out)]
        if self.gates == 4:
            states.append((layers, *batch, self.cfg.hidden_size))
        return states

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        g, h, proj = self.gates, self.cfg.hidden_size, getattr(self.cfg, "proj_size", 0)
        hr = proj or h
        n_layers = self.cfg.num_layers
        for layer in range(n_layers):  # one tensor each; Calc bounds how many a layer may have
            n_in = self.cfg.input_size if layer == 0 else self.directions * hr
            for suffix in ("", "_reverse")[:self.directions]:
                calc.weight(f"weight_ih_l{layer}{suffix}", (g * h, n_in))
                calc.weight(f"weight_hh_l{layer}{suffix}", (g * h, hr))
                if self.cfg.bias:
                    calc.weight(f"bias_ih_l{layer}{suffix}", (g * h,))
                    calc.weight(f"bias_hh_l{layer}{suffix}", (g * h,))
                if proj:
                    calc.weight(f"weight_hr_l{layer}{suffix}", (proj, h))
        first = self.layer_expr(0, self.cfg.input_size)
        if n_layers == 1:
            calc.params(first, note=self.note())
            return
        # the layers above the first all read the layer below: one step for them all, however many
        p0 = calc.step(S_("layer 0: params"), first, note=self.note())
        above = "layer 1: params" if n_layers == 2 else S_("layers 1 to {value}: params each", value=n_layers - 1)
        below = S_("the input of {value} is the {value2}layer below", value='each' if n_layers > 2 else 'layer 1',
                   value2=
                'two directions of the ' if self.directions == 2 else '')
        p1 = calc.step(above, self.layer_expr(1, self.directions * hr), note=below)
        rest: Expr = var("params_l1", p1)
        if n_layers > 2:
            rest = (var("L", n_layers, S_("num_layers")) - 1) * rest
        calc.params(var("params_l0", p0) + rest)

    def layer_expr(self, layer: int, n_in: int) -> Expr:
        """``gates × h × (n_in + h + 2)`` per direction (W_ih, W_hh, b_ih, b_hh), plus the projection."""
        g = self.gates
        h = var("h", self.cfg.hidden_size, S_("hidden_size"))
        proj = getattr(self.cfg, "proj_size", 0)
        hr: Expr = var("p", proj, "proj_size") if proj else h
        inner = var("n_in", n_in) + hr
        if self.cfg.bias:
            inner = inner + 2
        per = g * (h * inner) if g > 1 else h * inner
        if proj:
            per = per + hr * h
        return 2 * per if self.directions == 2 else per

    #: other ops per step and unit, with and without the biases, and what they are
    unit_ops: ClassVar[tuple[int, int, str]] = (
        4, 2, N_("the adds of the two products and of b_ih and b_hh (without biases: 1 add), the activation"))

    def positions(self, x: Shape, calc: Calc) -> list[Expr]:
        """Every (time step, sample) pair: the dimensions before the features."""
        if len(x) == 2:  # unbatched (L, features): the first dimension is the sequence
            return [*ops.batch_factor(calc, x)]
        first, second = ("N", "L") if self.cfg.batch_first else ("L", "N_1")
        words = (S_("the batch size"), S_("the sequence length")) if self.cfg.batch_first else \
            (S_("the sequence length"), S_("the batch (the second dimension without batch_first)"))
        lead = ops.batch_factor(calc, x) if first == "N" else \
            [var(first, x[0] if x[0] is not None else calc.batch, S_("{words} (the first dimension)", words=words[0]))]
        if first != "N" and lead[0].value == 1:
            lead = []
        return [*lead, var(second, x[1], words[1])]

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x = inputs[0]
        where = self.positions(x, calc)
        proj = getattr(self.cfg, "proj_size", 0)
        h = var("h", self.cfg.hidden_size, S_("hidden_size"))
        hr: Expr = var("p", proj, "proj_size") if proj else h
        d = [var("D", 2, S_("the directions"))] if self.directions == 2 else []
        g = [var("gates", self.gates)] if self.gates > 1 else []

        def layer_macs(n_in: int) -> Expr:
            expr = product([*where, *d, *g, h]) * ops.Grouped(var("n_in", n_in) + hr)
            return expr + product([*where, *d, hr, h]) if proj else expr

        note = _("at every step: W_ih (n_in) and W_hh for each gate unit{value}",
                 value=_(", W_hr for the projection") if proj else "")
        n_layers = self.cfg.num_layers
        if n_layers == 1:
            calc.macs(layer_macs(self.cfg.input_size), note=note)
        else:  # the layers above the first all read the layer below: one step for them all, however many
            m0 = calc.macs(layer_macs(self.cfg.input_size), part=S_("layer 0"), note=note)
            above = S_("layer 1") if n_layers == 2 else S_("layers 1 to {n}, each", n=n_layers - 1)
            m1 = calc.macs(layer_macs(self.directions * (proj or self.cfg.hidden_size)), part=above,
                           note=_("n_in: the layer below"))
            rest: Expr = var("MACs_l1", m1)
            if n_layers > 2:
                rest = (var("num_layers", n_layers) - 1) * rest  # L is the sequence length here
            calc.macs(var("MACs_l0", m0) + rest)
        with_bias, without, rule = self.unit_ops
        per_unit = with_bias if self.cfg.bias else without
        layers = [var("num_layers", self.cfg.num_layers)] if self.cfg.num_layers > 1 else []
        calc.other_ops(product([*where, *layers, *d, var("ops_unit", per_unit), h]),
                       note=_("per step, layer, direction and unit: {rule}", rule=_(rule)))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("a recurrent layer (its state carries every earlier step)"))

    def note(self) -> str:
        parts = ["W_ih, W_hh"]
        if self.cfg.bias:
            parts.append(S_("b_ih and b_hh"))
        if getattr(self.cfg, "proj_size", 0):
            parts.append("W_hr (p × h)")
        text = ", ".join(parts)
        if self.gates > 1:
            text = S_("{parts} for {n} gates", parts=text, n=self.gates)
        return S_("{parts} per direction", parts=text) if self.directions == 2 else text


@register
class RNN(RNNBase):
    """Elman RNN with tanh or ReLU."""

    type_name = "RNN"
    gates = 1
    arguments = RNNBase.rnn_arguments(nonlinearity=True)


@register
class LSTM(RNNBase):
    """Long short-term memory (4 gates; optional projection ``proj_size``)."""

    type_name = "LSTM"
    gates = 4
    unit_ops = (21, 13, N_("12 adds of the products and biases (3 per gate; without biases 1), 4 gate activations, "
                           "3 for c = f × c + i × g, 2 for h = o × tanh(c)"))
    arguments = RNNBase.rnn_arguments(proj=True)


@register
class GRU(RNNBase):
    """Gated recurrent unit (3 gates)."""

    type_name = "GRU"
    gates = 3
    unit_ops = (17, 11, N_("10 adds and the reset product for the gates and the candidate (without biases 4), "
                           "3 activations, 4 for h = (1 − z) × n + z × h"))
    arguments = RNNBase.rnn_arguments()


class CellBase(TorchLayer):
    """Shared by RNNCell, LSTMCell and GRUCell: one step of the recurrence, (N, input_size) → (N, hidden_size)."""

    gates: ClassVar[int] = 1
    unit_ops: ClassVar[tuple[int, int, str]]  # as the sequence layer's (RNN, LSTM, GRU)

    @classmethod
    def cell_arguments(cls, *, nonlinearity: bool = False) -> tuple[Arg, ...]:
        return (
            Arg("input_size", REQUIRED, positive_int, doc="features of the input (its last size)"),
            Arg("hidden_size", REQUIRED, positive_int),
            Arg("bias", True, boolean, doc="two biases (b_ih and b_hh)"),
            *((Arg("nonlinearity", "tanh", one_of("tanh", "relu"), used=False),) if nonlinearity else ()),
        )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Any:
        x = inputs[0]
        if len(x) not in (1, 2):
            raise calc.error(_("{type_name}: Expected input to be 1D or 2D, got {len}D instead {fmt}",
                               type_name=self.type_name, len=len(x), fmt=fmt(x)),
                             _("a cell takes one step: (N, input_size) or (input_size,)"))
        if x[-1] is not None and x[-1] != self.cfg.input_size:
            raise calc.error(_("input has inconsistent input_size: got {x} expected {input_size}", x=x[-1],
                               input_size=self.cfg.input_size),
                             _("set input_size={x}", x=x[-1]))
        h = (*x[:-1], self.cfg.hidden_size)
        return [h, h] if self.gates == 4 else h

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        g, h, n = self.gates, self.cfg.hidden_size, self.cfg.input_size
        calc.weight("weight_ih", (g * h, n))
        calc.weight("weight_hh", (g * h, h))
        if self.cfg.bias:
            calc.weight("bias_ih", (g * h,))
            calc.weight("bias_hh", (g * h,))
        hv, nv = var("h", h, S_("hidden_size")), var("n_in", n, S_("input_size"))
        inner = nv + hv + 2 if self.cfg.bias else nv + hv
        note = S_("W_ih, W_hh, b_ih and b_hh") if self.cfg.bias else S_("W_ih and W_hh")
        calc.params(g * (hv * inner) if g > 1 else hv * inner,
                    note=S_("{parts} for {n} gates", parts=note, n=g) if g > 1 else note)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x = inputs[0]
        where = ops.batch_factor(calc, x) if len(x) == 2 else []
        g = [var("gates", self.gates)] if self.gates > 1 else []
        h = var("h", self.cfg.hidden_size, S_("hidden_size"))
        calc.macs(product([*where, *g, h]) * ops.Grouped(var("n_in", self.cfg.input_size) + h),
                  note=_("one step: W_ih (n_in) and W_hh for each gate unit"))
        with_bias, without, rule = self.unit_ops
        calc.other_ops(product([*where, var("ops_unit", with_bias if self.cfg.bias else without), h]),
                       note=_("per unit: {rule}", rule=_(rule)))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("a recurrent cell (its state carries every earlier step)"))


@register
class RNNCell(CellBase):
    """One step of an Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)."""

    type_name = "RNNCell"
    gates = 1
    unit_ops = RNN.unit_ops
    arguments = CellBase.cell_arguments(nonlinearity=True)


@register
class LSTMCell(CellBase):
    """One step of an LSTM: gives (h', c'), both (N, hidden_size)."""

    type_name = "LSTMCell"
    gates = 4
    unit_ops = LSTM.unit_ops
    arguments = CellBase.cell_arguments()


@register
class GRUCell(CellBase):
    """One step of a GRU (3 gates)."""

    type_name = "GRUCell"
    gates = 3
    unit_ops = GRU.unit_ops
    arguments = CellBase.cell_arguments()
