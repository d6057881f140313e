"""Keras attention layers: MultiHeadAttention, Attention, AdditiveAttention."""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, ArgError, boolean, ignored, int_list, number, one_of, positive_int
from ..expr import Expr, product, total, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..summary import Shape
from .base import KerasLayer, fmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def output_dims(value: Any) -> tuple[int, ...] | None:
    """MultiHeadAttention's ``output_shape``: an int or a list of ints (0 or empty = not given)."""
    dims = int_list(value)
    if not dims:
        return None
    if any(d <= 0 for d in dims):
        raise ArgError(_("sizes must be positive, got {list}", list=list(dims)))
    return dims


def _known_last(shape: Shape, what: str, calc: Calc) -> int:
    if shape[-1] is None:
        raise calc.error(_("the last dimension of the {what} must be known, got {fmt}", what=what, fmt=fmt(shape)),
                         _("give that input a known feature size"))
    return shape[-1]


@register
class MultiHeadAttention(KerasLayer):
    """Multi-head attention; one input = self-attention, two = [query, value], three = [query, value, key]."""

    type_name = "MultiHeadAttention"
    example = ("MultiHeadAttention(num_heads=8, key_dim=64)", (20, 512), (30, 256))
    min_inputs = 1
    max_inputs = 3
    arguments = (
        Arg("num_heads", REQUIRED, positive_int, doc="number of attention heads h"),
        Arg("key_dim", REQUIRED, positive_int, doc="size of each head for query and key"),
        Arg("value_dim", None, positive_int, doc="size of each head for value (default: key_dim)"),
        Arg("dropout", 0.0, number, used=False),
        Arg("use_bias", True, boolean, doc="false drops the projections' biases"),
        Arg("output_shape", None, output_dims,
            doc="output sizes after the query's sequence axes (default: the query's last dimension)"),
        Arg("attention_axes", None, int_list, used=False,
            doc="axes attended over (changes the operation count, not the parameters)"),
        Arg("sliding_window", None, positive_int, used=False),
        Arg("flash_attention", None, used=False),
        Arg("kernel_initializer", "glorot_uniform", used=False),
        Arg("bias_initializer", "zeros", used=False),
        *ignored("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                 "bias_constraint"),
        Arg("use_gate", False, boolean, doc="adds a sigmoid gate projected from the query"),
        Arg("seed", None, used=False),
    )

    def _qvk(self, inputs: list[Shape]) -> tuple[Shape, Shape, Shape]:
        query = inputs[0]
        value = inputs[1] if len(inputs) > 1 else query
        key = inputs[2] if len(inputs) > 2 else value
        return query, value, key

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        query, value, key = self._qvk(inputs)
        if tuple(value[1:-1]) != tuple(key[1:-1]):
            raise calc.error(
                _("value {fmt} and key {fmt2} must agree on every dimension but the last", fmt=fmt(value),
                  fmt2=fmt(key)),
                _("give value and key the same sequence length"))
        rank = len(query) + 1  # the projected query: (batch, ..., heads, key_dim)
        for axis in self.cfg.attention_axes or ():
            resolved = axis if axis >= 0 else rank - 1 + axis
            if not -rank <= resolved < rank:
                raise calc.error(_("attention_axes {axis} is out of range for the {query}-D query {fmt}", axis=axis,
                                   query=len(query), fmt=fmt(query)),
                                 _("name the query's sequence axes, e.g. attention_axes: [1]"))
        if self.cfg.output_shape:
            return (*query[:-1], *self.cfg.output_shape)
        return query

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        query, value, key = self._qvk(inputs)
        d_q = _known_last(query, "query", calc)
        d_v = _known_last(value, "value", calc)
        d_k = _known_last(key, "key", calc)
        heads, key_dim = self.cfg.num_heads, self.cfg.key_dim
        value_dim = self.cfg.value_dim or key_dim
        h = var("h", heads)
        kd = var("k_d", key_dim)
        vd = var("v_d", value_dim)
        bias = self.cfg.use_bias

        def projection(part: str, n_in: Expr, n_in_size: int, per_head: Expr, head_size: int,
                       note: str | None = None) -> Expr:
            calc.weight(f"{part}/kernel", (n_in_size, heads, head_size), sublayer=True)
            if bias:
                calc.weight(f"{part}/bias", (heads, head_size), sublayer=True)
                expr = (n_in + 1) * h * per_head
            else:
                expr = n_in * h * per_head
            return var(f"p_{part}", calc.step(S_("{part} params", part=part), expr, note=note))

        vd_note = None if self.cfg.value_dim else S_("value_dim defaults to key_dim")
        parts = [
            projection("query", var("d_q", d_q), d_q, kd, key_dim),
            projection("key", var("d_k", d_k), d_k, kd, key_dim,
                       note=None if len(inputs) > 2 else S_("the key is the value input")),
        ]
        if self.cfg.use_gate:
            parts.append(projection("gate", var("d_q", d_q), d_q, vd, value_dim, note=vd_note))
        parts.append(projection("value", var("d_v", d_v), d_v, vd, value_dim, note=vd_note))

        out_dims = self.cfg.output_shape or (d_q,)
        if self.cfg.output_shape:
            outs = [var(f"o_{i + 1}", d) for i, d in enumerate(out_dims)] if len(out_dims) > 1 else [
                var("d_o", out_dims[0])]
            out_note = S_("output_shape sets the output sizes")
        else:
            outs = [var("d_q", d_q)]
            out_note = S_("projects back to the query's last dimension")
        calc.weight("attention_output/kernel", (heads, value_dim, *out_dims), sublayer=True)
        if bias:
            calc.weight("attention_output/bias", tuple(out_dims), sublayer=True)
            expr = (h * vd + 1) * product(list(outs))
        else:
            expr = h * vd * product(list(outs))
        parts.append(var("p_output", calc.step(S_("output params"), expr, note=out_note)))
        calc.params(total(list(parts)))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        query, value, key = self._qvk(inputs)
        n = ops.batch_factor(calc, query)
        tq, tv, tk = _positions(query, "q"), _positions(value, "v"), _positions(key, "k")
        rank = len(query) - 2
        axes = [a if a >= 0 else len(query) + a for a in (self.cfg.attention_axes or range(1, rank + 1))]
        attended = [tk[a - 1] for a in sorted(set(axes)) if 1 <= a <= rank]
        h, kd = var("h", self.cfg.num_heads), var("k_d", self.cfg.key_dim)
        vd = var("v_d", self.cfg.value_dim or self.cfg.key_dim)
        d_q, d_k, d_v = var("d_q", query[-1]), var("d_k", key[-1]), var("d_v", value[-1])
        outs = [var(f"o_{i + 1}", d) for i, d in enumerate(self.cfg.output_shape)] if self.cfg.output_shape \
            else [var("d_q", query[-1])]
        parts = [
            (S_("query projection"), product([*n, *tq, d_q, h, kd]), None),
            (S_("key projection"), product([*n, *tk, d_k, h, kd]), None),
            (S_("value projection"), product([*n, *tv, d_v, h, vd]), None),
        ]
        if self.cfg.use_gate:
            parts.append((S_("gate projection"), product([*n, *tq, d_q, h, vd]), None))
        parts += [
            (S_("scores"), product([*n, h, *tq, *attended, kd]), _("query × key for every head and pair of positions")),
            (S_("weighted sum"), product([*n, h, *tq, *attended, vd]), _("scores × value")),
            (S_("output projection"), product([*n, *tq, h, vd, *outs]), None),
        ]
        values = [var(f"MACs_{i + 1}", calc.macs(expr, part=part, note=note)) for i, (part, expr, note) in
                  enumerate(parts)]
        calc.macs(total(values), note=_("the projections and the two matrix products of attention"))
        scores = product([*n, h, *tq, *attended])
        terms = [(3 * scores, _("softmax: 3 per score")),
                 (product([*n, *tq, h, kd]), _("the query scaled by 1/√k_d: 1 per element"))]
        if self.cfg.use_bias:
            projected = total([product([*n, *tq, h, kd]), product([*n, *tk, h, kd]), product([*n, *tv, h, vd]),
                               product([*n, *tq, *outs])])
            terms.append((projected, _("bias adds: 1 per projected element")))
        if self.cfg.use_gate:
            terms.append((2 * product([*n, *tq, h, vd]), _("the gate: a sigmoid and a multiplication per element")))
        calc.other_ops(total([t for t, _ in terms]), note="; ".join(r for _, r in terms))

    def receptive_field(self, fields, inputs, output, calc):
        return attention_field(fields, calc)


def attention_field(fields, calc: Calc):
    """Attention: every output may look at every position of the key and value sequences."""
    return receptive.whole(fields, calc, _("attention: every output sees every position of its inputs"))


def _positions(shape: Shape, name: str) -> list[Expr]:
    """The sequence sizes of an attention input (between the batch and the features)."""
    if len(shape) == 3:
        return [var(f"T_{name}", shape[1], S_("the {name} length", name=name))]
    return [var(f"{name}_{i}", d, S_("{name} dimension {i}", name=name, i=i)) for i, d in enumerate(shape[1:-1],
                                                                                                    start=1)]


def _attention_inputs(inputs: list[Shape], calc: Calc) -> tuple[Shape, Shape, Shape]:
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) > 2 else value
    if query[-1] is not None and key[-1] is not None and query[-1] != key[-1]:
        raise calc.error(_("the query {fmt} and the key {fmt2} must have the same last dimension (scores compare them "
                           "feature by feature)", fmt=fmt(query), fmt2=fmt(key)),
                         _("project one of them with a Dense layer first"))
    if len(key) > 2 and len(value) > 2 and None not in (key[-2], value[-2]) and key[-2] != value[-2]:
        raise calc.error(_("the key {fmt} and the value {fmt2} must have the same number of steps", fmt=fmt(key),
                           fmt2=fmt(value)),
                         _("give key and value the same sequence length"))
    return query, value, key


def _pairs_and_weighted_sum(inputs: list[Shape], calc: Calc) -> tuple[Expr, Expr, int | None]:
    """Attention over [query, value(, key)]: the (query, value) position pairs, the feature size ``d`` of the
    scores, and the MACs of scores × value, recorded as the part ``weighted sum``."""
    query, value, _key = _attention_inputs(inputs, calc)
    n = ops.batch_factor(calc, query)
    tq, tv = var("T_q", query[1], S_("the query length")), var("T_v", value[1], S_("the value length"))
    pairs = product([*n, tq, tv])
    weighted = calc.macs(pairs * var("d_v", value[-1]), part=S_("weighted sum"), note=_("scores × value"))
    return pairs, var("d", query[-1]), weighted


@register
class Attention(KerasLayer):
    """Dot-product attention over [query, value] or [query, value, key]: (batch, Tq, value dim)."""

    type_name = "Attention"
    example = ("Attention(use_scale=True)", (5, 16), (7, 16))
    min_inputs = 2
    max_inputs = 3
    arguments = (
        Arg("use_scale", False, boolean, doc="adds a trainable scalar scale"),
        Arg("score_mode", "dot", one_of("dot", "concat", lower=False),
            doc="'concat' adds a trainable scalar score weight"),
        Arg("dropout", 0.0, number, used=False),
        Arg("seed", None, used=False),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        query, value, _ignored = _attention_inputs(inputs, calc)
        return (*query[:-1], value[-1])

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        terms: list[Expr] = []
        notes = []
        if self.cfg.use_scale:
            calc.weight("scale", ())
            terms.append(var("scale", 1))
            notes.append(S_("one scalar scale (use_scale=True)"))
        if self.cfg.score_mode == "concat":
            calc.weight("concat_score_weight", ())
            terms.append(var("w_concat", 1))
            notes.append(S_("one scalar score weight (score_mode='concat')"))
        if terms:
            calc.params(total(terms), note="; ".join(notes))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        pairs, dim, weighted = _pairs_and_weighted_sum(inputs, calc)
        terms = [(3 * pairs, _("softmax: 3 per score"))]
        if self.cfg.score_mode == "dot":
            scores = calc.macs(pairs * dim, part=S_("scores"), note=_("query · key for every pair of positions"))
            calc.macs(var("MACs_scores", scores) + var("MACs_sum", weighted))
            if self.cfg.use_scale:
                terms.append((pairs, _("the scale: 1 per score")))
        else:
            calc.macs(var("MACs_sum", weighted), note=_("score_mode='concat' multiplies no weight matrix"))
            per = 4 if self.cfg.use_scale else 3
            terms.append((per * pairs * dim, _("concat scores: {per} per pair and feature (an add, {value}tanh, "
                                               "the sum)", per=per,
                                               value=_("the scale, ") if self.cfg.use_scale else "")))
            terms.append((pairs, _("the score weight: 1 per score")))
        calc.other_ops(total([t for t, _ in terms]), note="; ".join(r for _, r in terms))

    def receptive_field(self, fields, inputs, output, calc):
        return attention_field(fields, calc)


@register
class AdditiveAttention(KerasLayer):
    """Additive (Bahdanau) attention over [query, value] or [query, value, key]: (batch, Tq, value dim)."""

    type_name = "AdditiveAttention"
    example = ("AdditiveAttention()", (5, 16), (7, 16))
    min_inputs = 2
    max_inputs = 3
    arguments = (
        Arg("use_scale", True, boolean, doc="a trainable scale per query feature"),
        Arg("dropout", 0.0, number, used=False),
        Arg("score_mode", "dot", one_of("dot", "concat", lower=False), used=False, keyword_only=True),
        Arg("seed", None, used=False, keyword_only=True),
    )

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        query, value, _ignored = _attention_inputs(inputs, calc)
        return (*query[:-1], value[-1])

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        if not self.cfg.use_scale:
            return
        d_q = _known_last(inputs[0], "query", calc)
        calc.weight("scale", (d_q,))
        calc.params(var("d_q", d_q), note=S_("one scale per query feature (use_scale=True)"))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        pairs, dim, weighted = _pairs_and_weighted_sum(inputs, calc)
        if self.cfg.use_scale:
            scores = calc.macs(pairs * dim, part=S_("scores"), note=_("tanh(query + key) · scale for every pair"))
            calc.macs(var("MACs_scores", scores) + var("MACs_sum", weighted))
            calc.other_ops(2 * pairs * dim + 3 * pairs,
                           note=_("2 per pair and feature (an add, tanh); softmax: 3 per score"))
        else:
            calc.macs(var("MACs_sum", weighted), note=_("without a scale no weight is multiplied in the scores"))
            calc.other_ops(3 * pairs * dim + 3 * pairs,
                           note=_("3 per pair and feature (an add, tanh, the sum); softmax: 3 per score"))

    def receptive_field(self, fields, inputs, output, calc):
        return attention_field(fields, calc)
