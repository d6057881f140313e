"""Keras recurrent layers: SimpleRNN, LSTM, GRU."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, int_tuple, number, one_of, positive_int
from ..expr import Expr, product, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import KerasLayer, activation, data_format_arg, fmt, window_outputs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar


def _ignored(name: str, default: object = None) -> Arg:
    """An argument that changes no shape or count, keeping the Keras default for the reference."""
    return Arg(name, default, used=False)


def _regularisation(*names: str) -> tuple[Arg, ...]:
    return tuple(_ignored(n) for n in names)


_INITIALIZERS = (_ignored("kernel_initializer", "glorot_uniform"), _ignored("recurrent_initializer", "orthogonal"),
                 _ignored("bias_initializer", "zeros"))
_REGULARIZERS = _regularisation("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                                "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                                "bias_constraint")
_DROPOUTS = (Arg("dropout", 0.0, number, used=False), Arg("recurrent_dropout", 0.0, number, used=False))
_SEQUENCE = (
    Arg("return_sequences", False, boolean, doc="true returns the whole sequence (batch, time, units)"),
    Arg("return_state", False, boolean, doc="true also returns the final state(s): a multi-output layer"),
    Arg("go_backwards", False, boolean, used=False, doc="process the sequence backwards"),
    Arg("stateful", False, boolean, doc="keep the state between batches (needs a fixed batch size)"),
    Arg("unroll", False, boolean, used=False),
)
#: keyword-only in Keras (passed on to the RNN base class)
_RNN_KEYWORDS = (Arg("zero_output_for_mask", False, used=False, keyword_only=True),)


class BaseRNN(KerasLayer):
    """Shared by the recurrent layers: a 3-D input (batch, time, features) and the output/state shapes."""

    #: number of weight blocks stacked in the kernels (LSTM gates 4, GRU gates 3, SimpleRNN 1)
    blocks: ClassVar[int] = 1
    #: number of state tensors returned with return_state (LSTM: h and c)
    states: ClassVar[int] = 1
    block_note: ClassVar[str] = ""
    max_inputs: ClassVar[int | None] = 3  # the sequence, then the initial states (checked against `states`)

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        x, *initial = inputs  # further inputs are the initial states (initial_state=[h, c] in Keras)
        self.expect_rank(x, 3, calc, _("(batch, time steps, features)"))
        if initial:
            if len(initial) != self.states:
                which = " (h and c)" if self.states == 2 else ""
                raise calc.error(_("takes {states} initial state(s) after its input, got {initial}",
                                   states=self.states, initial=len(initial)),
                                 _("give one (batch, units) tensor per state{which}", which=which))
            for state in initial:
                if len(state) != 2 or (state[-1] is not None and state[-1] != self.cfg.units):
                    raise calc.error(_("an initial state must have shape (batch, {units}), got {fmt}",
                                       units=self.cfg.units, fmt=fmt(state)),
                                     _("use the states of a recurrent layer with the same units"))
        batch, steps = x[0], x[1]
        if self.cfg.stateful and batch is None:
            raise calc.error(_("stateful=True needs a fixed batch size, but the input is {fmt}", fmt=fmt(x)),
                             _("give the input a batch size (InputLayer: {shape: [...], batch_size: 32}) or use "
                               "stateful=False"))
        units = self.cfg.units
        out: Shape = (batch, steps, units) if self.cfg.return_sequences else (batch, units)
        if self.cfg.return_state:
            return [out, *[(batch, units)] * self.states]
        return out

    def bias_terms(self, u: Expr) -> Expr | None:
        """The bias part of one block (None without bias)."""
        return u if self.cfg.use_bias else None

    def bias_shape(self) -> tuple[int, ...]:
        return (self.blocks * self.cfg.units,)

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        x = inputs[0]
        n_features = x[-1]
        if n_features is None:
            raise calc.error(_("the feature dimension (last axis) of the input must be known, got {fmt}", fmt=fmt(x)),
                             _("give the input a known number of features"))
        units = self.cfg.units
        n_in = var("n_in", n_features)
        u = var("u", units)
        block: Expr = n_in * u + u * u
        bias = self.bias_terms(u)
        if bias is not None:
            block = block + bias
        calc.weight("kernel", (n_features, self.blocks * units))
        calc.weight("recurrent_kernel", (units, self.blocks * units))
        if self.cfg.use_bias:
            calc.weight("bias", self.bias_shape())
        note = self.block_note or None
        if self.blocks == 1:
            calc.params(block, note=note)
        else:
            calc.params(self.blocks * block, note=note)

    def unit_ops(self) -> tuple[int, str]:
        """Other ops per time step and unit, and the rule."""
        if self.cfg.use_bias:
            return 3, _("per step and unit: the add of the input and recurrent products, the bias add, the activation")
        return 2, _("per step and unit: the add of the input and recurrent products, the activation")

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x = inputs[0]
        steps = [*ops.batch_factor(calc, x), var("t", x[1], S_("the number of time steps"))]
        n_in, u = var("n_in", x[-1]), var("u", self.cfg.units)
        per_step: Expr = n_in * u + u * u
        if self.blocks > 1:
            per_step = self.blocks * ops.Grouped(per_step)
        calc.macs(product(steps) * ops.Grouped(per_step) if self.blocks == 1 else product([*steps, per_step]),
                  note=_("at every time step: the input kernel n_in × u and the recurrent kernel u × u{value}",
                         value=_(" of each of the {blocks} gates", blocks=self.blocks) if self.blocks > 1 else ""))
        per_unit, rule = self.unit_ops()
        calc.other_ops(product([*steps, var("ops_unit", per_unit), u]), note=rule)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("a recurrent layer (its state carries every earlier step)"))


@register
class SimpleRNN(BaseRNN):
    """Fully connected recurrent layer: output (batch, units), or (batch, time, units) with return_sequences."""

    type_name = "SimpleRNN"
    example = ("SimpleRNN(128)", (10, 100))
    blocks = 1
    block_note = S_("input kernel n_in × u, recurrent kernel u × u, bias u")
    arguments = (
        Arg("units", REQUIRED, positive_int, doc="size of the output and of the state"),
        Arg("activation", "tanh", activation, used=False),
        Arg("use_bias", True, boolean, doc="false drops the bias (u parameters)"),
        *_INITIALIZERS,
        *_REGULARIZERS,
        *_DROPOUTS,
        *_SEQUENCE,
        _ignored("seed"),
        *_RNN_KEYWORDS,
    )


@register
class LSTM(BaseRNN):
    """Long short-term memory: four gates; return_state adds the final h and c states."""

    type_name = "LSTM"
    example = ("LSTM(128)", (10, 100))
    blocks = 4
    states = 2
    block_note = S_("4 gates (input, forget, cell, output), each with an input kernel n_in × u, "
                    "a recurrent kernel u × u and a bias u")

    def unit_ops(self) -> tuple[int, str]:
        adds = _("8 adds of the products and biases (2 per gate)") if self.cfg.use_bias else \
            _("4 adds of the products (1 per gate)")
        return (17 if self.cfg.use_bias else 13), (_("per step and unit: {adds}, 4 gate activations, 3 for "
                                                   "c = f × c + i × g, 2 for h = o × tanh(c)", adds=adds))
    arguments = (
        Arg("units", REQUIRED, positive_int, doc="size of the output and of each state"),
        Arg("activation", "tanh", activation, used=False),
        Arg("recurrent_activation", "sigmoid", activation, used=False),
        Arg("use_bias", True, boolean, doc="false drops the bias (4u parameters)"),
        *_INITIALIZERS,
        _ignored("unit_forget_bias", True),
        *_REGULARIZERS,
        *_DROPOUTS,
        _ignored("seed"),
        *_SEQUENCE,
        _ignored("use_cudnn", "auto"),
        *_RNN_KEYWORDS,
    )


@register
class GRU(BaseRNN):
    """Gated recurrent unit: three gates; reset_after=True (default) gives a second bias."""

    type_name = "GRU"
    example = ("GRU(128)", (10, 100))
    blocks = 3
    arguments = (
        Arg("units", REQUIRED, positive_int, doc="size of the output and of the state"),
        Arg("activation", "tanh", activation, used=False),
        Arg("recurrent_activation", "sigmoid", activation, used=False),
        Arg("use_bias", True, boolean, doc="false drops the bias"),
        *_INITIALIZERS,
        *_REGULARIZERS,
        *_DROPOUTS,
        _ignored("seed"),
        *_SEQUENCE,
        Arg("reset_after", True, boolean,
            doc="apply the reset gate after the recurrent product (true: separate input and recurrent biases)"),
        _ignored("use_cudnn", "auto"),
        *_RNN_KEYWORDS,
    )

    def unit_ops(self) -> tuple[int, str]:
        bias = self.cfg.use_bias
        if self.cfg.reset_after:
            n = 17 if bias else 11
            adds = _("6 bias and product adds for the update and reset gates, 4 for the candidate") if bias else \
                _("2 product adds for the update and reset gates, 2 for the candidate")
        else:
            n = 14 if bias else 11
            adds = _("4 bias and product adds for the update and reset gates, 3 for the candidate (r × h first)") \
                if bias else _("2 product adds for the update and reset gates, 2 for the candidate (r × h first)")
        return n, _("per step and unit: {adds}, 3 activations, 4 for h = z × h + (1 − z) × candidate", adds=adds)

    @property
    def block_note(self) -> str:  # type: ignore[override]
        gates = S_("3 gates (update, reset, candidate), each with an input kernel n_in × u, a recurrent kernel u × u")
        if not self.cfg.use_bias:
            return gates
        if self.cfg.reset_after:
            return (S_("{gates} and two biases u: with reset_after=True the reset gate multiplies the recurrent "
                       "product, which therefore gets its own bias next to the input bias (bias shape (2, 3u))",
                       gates=gates))
        return S_("{gates} and one bias u (reset_after=False: the reset gate acts before the recurrent product)",
                  gates=gates)

    def bias_terms(self, u: Expr) -> Expr | None:
        if not self.cfg.use_bias:
            return None
        return 2 * u if self.cfg.reset_after else u

    def bias_shape(self) -> tuple[int, ...]:
        if self.cfg.reset_after:
            return (2, 3 * self.cfg.units)
        return (3 * self.cfg.units,)


@register
class ConvLSTM2D(KerasLayer):
    """An LSTM whose gates are 3×3-style convolutions over (batch, time, rows, columns, channels)."""

    type_name = "ConvLSTM2D"
    max_inputs = 3  # the sequence, then the initial h and c
    arguments = (
        Arg("filters", REQUIRED, positive_int, doc="channels of the output and of each gate"),
        Arg("kernel_size", REQUIRED, int_tuple(2, minimum=1), doc="window of the convolutions of the input and of "
                                                                 "the previous output"),
        Arg("strides", 1, int_tuple(2, minimum=1)),
        Arg("padding", "valid", one_of("valid", "same")),
        data_format_arg(),
        Arg("dilation_rate", 1, int_tuple(2, minimum=1)),
        _ignored("activation", "tanh"), _ignored("recurrent_activation", "sigmoid"),
        Arg("use_bias", True, boolean),
        *_INITIALIZERS, _ignored("unit_forget_bias", True), *_REGULARIZERS, *_DROPOUTS, _ignored("seed"),
        Arg("return_sequences", False, boolean, doc="true returns the output of every time step"),
        Arg("return_state", False, boolean, doc="true also returns the final h and c"),
        Arg("go_backwards", False, boolean, used=False),
        Arg("stateful", False, boolean, used=False),
    )
    example = ("ConvLSTM2D(8, 3, padding='same', return_sequences=True)", (10, 16, 16, 1))

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        x, *initial = inputs
        self.expect_rank(x, 5, calc, "(batch, time, rows, columns, channels)")
        if initial and len(initial) != 2:
            raise calc.error(_("takes 2 initial states (h and c) after its input, got {initial}", initial=len(initial)))
        steps = x[1]
        rows_cols = window_outputs(calc, list(x[3:5] if self.channels_first else x[2:4]), self.cfg.kernel_size,
                                   self.cfg.strides, self.cfg.dilation_rate, self.cfg.padding)
        filters = self.cfg.filters
        state: Shape = ((x[0], filters, *rows_cols) if self.channels_first else (x[0], *rows_cols, filters))
        if self.channels_first:
            out: Shape = (x[0], steps, filters, *rows_cols) if self.cfg.return_sequences else state
        else:
            out = (x[0], steps, *rows_cols, filters) if self.cfg.return_sequences else state
        if self.cfg.return_state:
            return [out, state, state]
        return out

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        x = inputs[0]
        c = x[2] if self.channels_first else x[-1]
        if c is None:
            raise calc.error(_("the channels of the input must be known, got {fmt}", fmt=fmt(x)))
        k_h, k_w = self.cfg.kernel_size
        f = self.cfg.filters
        kh, kw, c_in, units = var("k_h", k_h), var("k_w", k_w), var("c_in", c), var("filters", f)
        calc.weight("kernel", (k_h, k_w, c, 4 * f))
        calc.weight("recurrent_kernel", (k_h, k_w, f, 4 * f))
        block: Expr = kh * kw * (c_in + units) * units
        if self.cfg.use_bias:
            calc.weight("bias", (4 * f,))
            block = block + units
        calc.params(4 * block, note=S_("4 gates (input, forget, cell, output): each a convolution of the input and "
                                       "of the previous output, and a bias"))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        x = inputs[0]
        out = output[0] if isinstance(output, list) else output
        first = len(out) - 3  # (N, [T,] H, W, F) channels-last or (N, [T,] F, H, W) channels-first
        spatial = list(out[first + 1:first + 3] if self.channels_first else out[first:first + 2])
        c = x[2] if self.channels_first else x[-1]
        where = [*ops.batch_factor(calc, x), var("t", x[1], S_("the number of time steps")),
                 *ops.sizes(spatial, ((S_("height"), "h"), (S_("width"), "w")))]
        kernel = [var("k_h", self.cfg.kernel_size[0]), var("k_w", self.cfg.kernel_size[1])]
        units = var("filters", self.cfg.filters)
        calc.macs(product([*where, var("gates", 4), units]) * ops.grouped([*kernel, ops.Grouped(var("c_in", c)
                                                                                                   + units)]),
                  note=_("at every step and position: each gate convolves the input (c_in) and the previous "
                       "output (filters)"))
        per_unit = 17 if self.cfg.use_bias else 13
        calc.other_ops(product([*where, var("ops_unit", per_unit), units]),
                       note=_("per step, position and filter: as an LSTM unit (the adds of the products and biases, 4 "
                            "gate activations, 3 for c and 2 for h)"))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("a recurrent layer (its state carries every earlier step)"))
