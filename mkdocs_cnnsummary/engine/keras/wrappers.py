"""Keras wrappers around another layer: Bidirectional and TimeDistributed."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, ignored, one_of, optional
from ..errors import SpecError
from ..expr import Expr, total, var
from ..layer import Calc, Layer, OutputShape, lookup, register
from ..lazy import receptive
from ..spec import LayerSpec, parse_item
from ..summary import Shape
from .base import KerasLayer, fmt
from .recurrent import BaseRNN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_LAYER_HINT = "write the wrapped layer as LSTM(64), {LSTM: {units: 64}} or 'LSTM(64)'"


def nested_layer(value: Any) -> LayerSpec:
    """A wrapped layer: a LayerSpec from a call, or a string / one-type mapping read like a ``layers:`` item."""
    if isinstance(value, LayerSpec):
        spec = value
    elif isinstance(value, str | dict):
        try:
            spec = parse_item(value, getattr(value, "line", None))
        except SpecError as exc:
            raise ArgError(exc.message, exc.hint or _LAYER_HINT) from None
    else:
        raise ArgError(_("expected a layer, got {value!r}", value=value), _LAYER_HINT)
    if spec.inputs is not None:
        raise ArgError(_("the wrapped {type} cannot have its own 'inputs'", type=spec.type),
                       _("it takes the wrapper's input; move 'inputs' to the wrapper"))
    return spec


def _wrapped(spec: LayerSpec, wrapper: str, what: str = "layer") -> tuple[type[Layer], dict[str, Any]]:
    """The class and checked configuration of a wrapped layer, errors restated for the wrapper."""
    try:
        cls = lookup("keras", spec.type)
        config = cls.bind(spec.args, spec.kwargs)
    except SpecError as exc:
        raise SpecError(f"{what} {spec.type}: {exc.message}", layer_type=wrapper, hint=exc.hint) from None
    if cls.is_input:
        raise SpecError(_("{what} cannot be an input layer ({type})", what=what, type=spec.type), layer_type=wrapper,
                        hint=_("wrap a layer such as Dense or Conv2D"))
    return cls, config


def _run(calc: Calc, spec: LayerSpec, inputs: list[Shape], prefix: str, context: str = "") -> OutputShape:
    """Compute a wrapped layer; its errors are reported at the wrapper."""
    try:
        return calc.nested(spec, inputs, prefix)
    except SpecError as exc:
        raise calc.error(_("the wrapped {type}{context}: {message}", type=spec.type, context=context,
                           message=exc.message), exc.hint) from None


def _count(calc: Calc, start: int) -> int:
    return sum(w.size for w in calc.weights[start:] if not w.buffer)


def _nested_sum(calc: Calc, kind: str, index: int, extra: list[tuple[Expr, str]] | None = None) -> None:
    """MACs (index 1) or other ops (index 2) of the wrapped layers, added up."""
    terms: list[Expr] = [var(f"{kind}_{prefix}", counts[index - 1]) for prefix, *counts in calc.nested_ops]
    notes = [note for _, note in extra or ()]
    terms += [e for e, _ in extra or ()]
    record = calc.macs if kind == "MACs" else calc.other_ops
    record(total(terms), note=_("; ").join([_("the wrapped layers' counts"), *notes]))


@register
class Bidirectional(KerasLayer):
    """Runs a recurrent layer forwards and backwards and merges the two outputs (merge_mode)."""

    type_name = "Bidirectional"
    example = ("Bidirectional(LSTM(128))", (10, 100))
    arguments = (
        Arg("layer", REQUIRED, nested_layer, doc="the recurrent layer (SimpleRNN, LSTM, GRU) run forwards"),
        Arg("merge_mode", "concat", optional(one_of("concat", "sum", "ave", "mul", lower=False)),
            doc="how the two directions combine: concat doubles the last axis; null keeps both outputs"),
        *ignored("weights"),
        Arg("backward_layer", None, nested_layer,
            doc="the layer run backwards (default: a copy of layer with go_backwards=True)"),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["layer"] is None:
            raise SpecError(_("needs a layer to wrap"), layer_type=cls.type_name,
                            hint=_("for example Bidirectional(LSTM(64))"))
        forward_cls, forward = _wrapped(config["layer"], cls.type_name)
        if not issubclass(forward_cls, BaseRNN):
            raise SpecError(
                _("wraps a recurrent layer (SimpleRNN, LSTM or GRU), got {type_name}", type_name=forward_cls.type_name),
                layer_type=cls.type_name,
                hint=_("to apply a layer to every time step use TimeDistributed(...) instead"))
        if config["backward_layer"] is None:
            if forward["go_backwards"]:
                raise SpecError(_("the wrapped layer has go_backwards=True, so its backward copy would run the same "
                                  "direction"), layer_type=cls.type_name,
                                hint=_("remove go_backwards from the wrapped layer"))
            return config
        backward_cls, backward = _wrapped(config["backward_layer"], cls.type_name, "backward_layer")
        if not issubclass(backward_cls, BaseRNN):
            raise SpecError(_("backward_layer must be a recurrent layer, got {type_name}",
                              type_name=backward_cls.type_name),
                            layer_type=cls.type_name, hint=_("use SimpleRNN, LSTM or GRU"))
        if forward["go_backwards"] == backward["go_backwards"]:
            raise SpecError(
                _("layer and backward_layer both have go_backwards={forward}", forward=forward['go_backwards']),
                layer_type=cls.type_name, hint=_("give backward_layer go_backwards=True"))
        for key in ("stateful", "return_sequences", "return_state"):
            if forward[key] != backward[key]:
                raise SpecError(
                    _("layer has {key}={forward} but backward_layer has {key}={backward}", key=key,
                      forward=forward[key], backward=backward[key]),
                    layer_type=cls.type_name, hint=_("give both the same {key}", key=key))
        if forward["units"] != backward["units"]:
            raise SpecError(
                _("the forward {type_name}({forward}) and the backward {type_name2}({backward}) give outputs of "
                  "different sizes", type_name=forward_cls.type_name, forward=forward['units'],
                  type_name2=backward_cls.type_name, backward=backward[
                          'units']),
                layer_type=cls.type_name, hint=_("give both directions the same units"))
        if forward["return_state"] and forward_cls.states != backward_cls.states:
            raise SpecError(
                _("with return_state=True the forward {type_name} returns {states} state(s) but the backward "
                  "{type_name2} returns {states2}", type_name=forward_cls.type_name, states=forward_cls.states,
                  type_name2=backward_cls.type_name, states2=backward_cls.states),
                layer_type=cls.type_name, hint=_("use the same recurrent layer type in both directions"))
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        (x,) = inputs
        self.expect_rank(x, 3, calc, _("(batch, time steps, features)"))
        start = len(calc.weights)
        forward = _run(calc, self.cfg.layer, inputs, S_("forward"))
        p_forward = _count(calc, start)
        start = len(calc.weights)
        backward_spec = self.cfg.backward_layer or self.cfg.layer
        _run(calc, backward_spec, inputs, S_("backward"))
        p_backward = _count(calc, start)

        outputs = forward if isinstance(forward, list) else [forward]
        y, states = outputs[0], outputs[1:]
        mode = self.cfg.merge_mode
        if mode == "concat":
            size = calc.step(S_("output size"), 2 * var("u", y[-1], S_("the wrapped layer's output size")),
                             note=S_("merge_mode='concat' joins the forward and backward outputs"))
            merged: list[Shape] = [(*y[:-1], size)]
        elif mode is None:
            merged = [y, y]
        else:
            merged = [y]
        if calc.weights:
            calc.params(var("p_forward", p_forward) + var("p_backward", p_backward),
                        note=(None if self.cfg.backward_layer else S_("the backward layer is a copy of the forward "
                                                                      "one run with go_backwards=True")))
        if states:
            return [*merged, *states, *states]
        return merged[0] if len(merged) == 1 else merged

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        _nested_sum(calc, "MACs", 1)
        mode = self.cfg.merge_mode
        per = {"sum": 1, "mul": 1, "ave": 2}.get(mode or "", 0)
        extra = []
        if per:
            extra.append((per * ops.elements(calc, ops.first(output)),
                          _("merge_mode='{mode}': {per} op{value} per output element", mode=mode, per=per,
                            value='s' if per > 1 else '')))
        _nested_sum(calc, "other", 2, extra)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, _("a recurrent layer (its state carries every earlier step)"))


@register
class TimeDistributed(KerasLayer):
    """Applies a layer to every time step: (batch, time, ...) -> (batch, time, layer output ...)."""

    type_name = "TimeDistributed"
    example = ("TimeDistributed(Dense(16))", (10, 32))
    arguments = (Arg("layer", REQUIRED, nested_layer, doc="the layer applied to each time step"),)

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        if config["layer"] is None:
            raise SpecError(_("needs a layer to wrap"), layer_type=cls.type_name,
                            hint=_("for example TimeDistributed(Dense(10))"))
        inner, _ignored = _wrapped(config["layer"], cls.type_name)
        if inner.min_inputs > 1:
            raise SpecError(_("wraps a layer with one input, but {type_name} takes {min_inputs}",
                              type_name=inner.type_name, min_inputs=inner.min_inputs),
                            layer_type=cls.type_name)
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> OutputShape:
        (x,) = inputs
        spec: LayerSpec = self.cfg.layer
        if len(x) < 3:
            raise calc.error(_("expects an input of at least 3 dimensions (batch, time steps, ...), got {fmt}",
                               fmt=fmt(x)),
                             _("the time axis comes right after the batch axis"))
        step_input: Shape = (x[0], *x[2:])
        out = _run(calc, spec, [step_input], spec.type, _(" (applied to each time step, of shape {fmt})",
                                                          fmt=fmt(step_input)))
        if isinstance(out, list):
            raise calc.error(_("the wrapped {type} gives {out} outputs; TimeDistributed needs one", type=spec.type,
                               out=len(out)),
                             _("drop return_state (or the option that adds outputs) from the wrapped layer"))
        if calc.weights:
            p_inner = sum(w.size for w in calc.weights if not w.buffer)
            calc.params(var(f"p_{spec.type}", p_inner),
                        note=S_("one {type} shared by all time steps: its weights are counted once", type=spec.type))
        return (out[0], x[1], *out[1:])

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        (_layer, macs, other), steps = calc.nested_ops[0], var("t", inputs[0][1], S_("the number of time steps"))
        name = self.cfg.layer.type
        calc.macs(steps * var(f"MACs_{name}", macs), note=_("the {name} runs once per time step", name=name))
        calc.other_ops(steps * var(f"other_{name}", other), note=_("the {name} runs once per time step", name=name))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.unmodelled(fields, calc, "TimeDistributed")
