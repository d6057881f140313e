"""Attention: MultiheadAttention, TransformerEncoderLayer and TransformerDecoderLayer.

MultiheadAttention takes one input (self-attention: query = key = value), two
(query, then key = value) or three (query, key, value) and shows its first
output, ``attn_output``, shaped like the query with ``embed_dim`` features.
"""

from __future__ import annotations

from ...i18n import S_, _
from .. import ops
from ..args import REQUIRED, Arg, boolean, number, one_of, positive_int
from ..errors import SpecError
from ..expr import Expr, product, total, var
from ..layer import Calc, OutputShape, register
from ..lazy import receptive
from ..spec import LayerSpec
from ..summary import Shape
from .base import TorchLayer, fmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def mha_weights(calc: Calc, prefix: str, e: int, kdim: int, vdim: int, bias: bool, bias_kv: bool) -> Expr:
    """Add MultiheadAttention's weights (as PyTorch lays them out) and return their count as a formula."""
    ev = var("e", e, "embed_dim")
    if kdim == e and vdim == e:
        calc.weight(f"{prefix}in_proj_weight", (3 * e, e))
        in_proj: Expr = 3 * ev * ev
    else:
        calc.weight(f"{prefix}q_proj_weight", (e, e))
        calc.weight(f"{prefix}k_proj_weight", (e, kdim))
        calc.weight(f"{prefix}v_proj_weight", (e, vdim))
        in_proj = ev * (ev + var("kdim", kdim) + var("vdim", vdim))
    out_proj: Expr = ev * ev
    if bias:
        calc.weight(f"{prefix}in_proj_bias", (3 * e,))
        in_proj = 3 * ev * (ev + 1) if kdim == e and vdim == e else in_proj + 3 * ev
        out_proj = ev * (ev + 1)
    calc.weight(f"{prefix}out_proj.weight", (e, e))
    if bias:
        calc.weight(f"{prefix}out_proj.bias", (e,))
    expr = in_proj + out_proj
    if bias_kv:
        calc.weight(f"{prefix}bias_k", (1, 1, e))
        calc.weight(f"{prefix}bias_v", (1, 1, e))
        expr = expr + 2 * ev
    return expr


def _sequence(calc: Calc, x: Shape, name: str, batch_first: bool) -> tuple[Expr, list[Expr]]:
    """The length of a sequence and its batch factors, as PyTorch reads (L, N, E), (N, L, E) or (L, E).

    The first dimension, which the summary shows as None, counts for the batch size given.
    """
    if len(x) == 3 and batch_first:
        return var(f"L_{name}", x[1], S_("the {name} length", name=name)), ops.batch_factor(calc, x)
    first = x[0] if x[0] is not None else calc.batch
    length = var(f"L_{name}", first, S_("the {name} length (the first dimension)", name=name))
    if len(x) == 3:
        return length, [var("N", x[1], S_("the batch (the second dimension without batch_first)"))]
    return length, []


def attention_counts(calc: Calc, prefix: str, q: Shape, k: Shape, v: Shape, e: int, kdim: int, vdim: int,
                     heads: int, bias: bool, extra_keys: int, batch_first: bool,
                     need_weights: bool) -> tuple[int | None, int | None]:
    """Record the MACs and other ops of multi-head attention (as parts, prefixed); return their totals."""
    lq, bq = _sequence(calc, q, "q", batch_first)
    lk, bk = _sequence(calc, k, "k", batch_first)
    lv, bv = _sequence(calc, v, "v", batch_first)
    ev, h = var("e", e, "embed_dim"), var("heads", heads)
    keys: Expr = lk if not extra_keys else ops.Grouped(lk + var("extra_keys", extra_keys))
    key_note = _(" (bias_k / the zero attention add key positions)") if extra_keys else ""
    parts = [
        (S_("query projection"), product([*bq, lq, ev, ev]), None),
        (S_("key projection"), product([*bk, lk, var("kdim", kdim), ev]), None),
        (S_("value projection"), product([*bv, lv, var("vdim", vdim), ev]), None),
        (S_("scores"), product([*bq, lq, keys, ev]),
         _("query × key for every pair of positions, all heads together{key_note}", key_note=key_note)
                                                 + key_note),
        (S_("weighted sum"), product([*bq, lq, keys, ev]), _("scores × value")),
        (S_("output projection"), product([*bq, lq, ev, ev]), None),
    ]
    values = [var(f"MACs_{i + 1}", calc.macs(expr, part=prefix + part, note=note))
              for i, (part, expr, note) in enumerate(parts)]
    macs = calc.macs(total(values), part=prefix + S_("attention")) if prefix else None
    scores = product([*bq, h, lq, keys])
    terms = [(3 * scores, _("softmax: 3 per score")), (product([*bq, lq, ev]), _("the query scaled: 1 per element"))]
    if bias:
        terms.append((total([product([*bq, lq, ev]), product([*bk, lk, ev]), product([*bv, lv, ev]),
                             product([*bq, lq, ev])]), _("bias adds: 1 per projected element")))
    if need_weights:
        terms.append((scores, _("need_weights=True (the default): the weights averaged over the heads, 1 per score")))
    note = _("; ").join(r for _expr, r in terms)
    if prefix:
        other = calc.other_ops(total([t for t, _ in terms]), part=prefix + S_("attention"), note=note)
        return macs, other
    calc.macs(total(values), note=_("the projections and the two matrix products of attention"))
    calc.other_ops(total([t for t, _ in terms]), note=note)
    return calc.total_macs, calc.total_other_ops


def check_heads(config: dict[str, Any], dim: str, heads: str, type_name: str) -> None:
    if config[dim] % config[heads]:
        raise SpecError(_("embed_dim must be divisible by num_heads ({dim}={config}, {heads}={config2})", dim=dim,
                          config=config[dim], heads=heads, config2=config[heads]),
                        layer_type=type_name, hint=_("choose {heads} as a divisor of {config}", heads=heads,
                                                     config=config[dim]))


def check_sequence(x: Shape, features: int, calc: Calc, what: str, arg: str) -> None:
    """A 2-D (unbatched) or 3-D sequence whose last size is ``features``."""
    if len(x) not in (2, 3):
        raise calc.error(_("{what} should be unbatched 2D or batched 3D tensor but received {x}-D {fmt}", what=what,
                           x=len(x), fmt=fmt(x)),
                         _("give (L, N, E), (N, L, E) with batch_first=True, or (L, E)"))
    if x[-1] is not None and x[-1] != features:
        raise calc.error(_("was expecting embedding dimension of {features}, but got {x} ({what} {fmt})",
                           features=features, x=x[-1], what=what, fmt=fmt(x)),
                         _("set {arg}={x}", arg=arg, x=x[-1]))


@register
class MultiheadAttention(TorchLayer):
    """Multi-head attention: attn_output has the query's shape with embed_dim features."""

    type_name = "MultiheadAttention"
    min_inputs = 1
    max_inputs = 3
    arguments = (
        Arg("embed_dim", REQUIRED, positive_int, doc="features of the query and the output"),
        Arg("num_heads", REQUIRED, positive_int, doc="does not change the count"),
        Arg("dropout", 0.0, number, used=False),
        Arg("bias", True, boolean),
        Arg("add_bias_kv", False, boolean, doc="bias_k and bias_v (embed_dim each)"),
        Arg("add_zero_attn", False, boolean, used=False),
        Arg("kdim", None, positive_int, doc="key features (default embed_dim)"),
        Arg("vdim", None, positive_int, doc="value features (default embed_dim)"),
        Arg("batch_first", False, boolean),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        check_heads(config, "embed_dim", "num_heads", cls.type_name)
        config["kdim"] = config["kdim"] or config["embed_dim"]
        config["vdim"] = config["vdim"] or config["embed_dim"]
        return config

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        q = inputs[0]
        k = inputs[1] if len(inputs) > 1 else q
        v = inputs[2] if len(inputs) > 2 else k
        check_sequence(q, self.cfg.embed_dim, calc, "query", "embed_dim")
        check_sequence(k, self.cfg.kdim, calc, "key", "kdim")
        check_sequence(v, self.cfg.vdim, calc, "value", "vdim")
        if not len(q) == len(k) == len(v):
            raise calc.error(_("query {fmt}, key {fmt2} and value {fmt3} must all be batched (3-D) or all unbatched "
                               "(2-D)", fmt=fmt(q), fmt2=fmt(k), fmt3=fmt(v)))
        seq, batch = (1, 0) if self.cfg.batch_first else (0, 1)
        if len(q) == 2:
            seq = 0
        if k[seq] is not None and v[seq] is not None and k[seq] != v[seq]:
            raise calc.error(_("key's sequence and value's sequence length differ: {fmt} and {fmt2}", fmt=fmt(k),
                               fmt2=fmt(v)))
        if len(q) == 3 and len({d for d in (q[batch], k[batch], v[batch]) if d is not None}) > 1:
            raise calc.error(_("query, key and value have different batch sizes: {fmt}, {fmt2}, {fmt3}", fmt=fmt(q),
                               fmt2=fmt(k), fmt3=fmt(v)),
                             _("with batch_first=False the batch is the second dimension"))
        return (*q[:-1], self.cfg.embed_dim)

    def further_outputs(self, inputs: list[Shape], output: Any) -> list[Shape]:
        """The attention weights, averaged over the heads: (N, L, S), or (L, S) unbatched."""
        q = inputs[0]
        k = inputs[1] if len(inputs) > 1 else q
        if len(q) == 2:
            return [(q[0], k[0])]
        seq, batch = (1, 0) if self.cfg.batch_first else (0, 1)
        return [(q[batch], q[seq], k[seq])]

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        expr = mha_weights(calc, "", self.cfg.embed_dim, self.cfg.kdim, self.cfg.vdim, self.cfg.bias,
                           self.cfg.add_bias_kv)
        calc.params(expr, note=S_("in_proj (query, key, value) and out_proj; num_heads does not change the count"))

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        q = inputs[0]
        k = inputs[1] if len(inputs) > 1 else q
        v = inputs[2] if len(inputs) > 2 else k
        extra = int(self.cfg.add_bias_kv) + int(self.cfg.add_zero_attn)
        attention_counts(calc, "", q, k, v, self.cfg.embed_dim, self.cfg.kdim, self.cfg.vdim, self.cfg.num_heads,
                         self.cfg.bias, extra, self.cfg.batch_first, need_weights=True)

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.whole(fields, calc, _("attention: every output sees every position of its inputs"))


def linear_weights(calc: Calc, prefix: str, n_in: Expr, n_out: Expr, bias: bool) -> Expr:
    calc.weight(f"{prefix}.weight", (n_out.int_value, n_in.int_value))  # type: ignore[arg-type]
    if bias:
        calc.weight(f"{prefix}.bias", (n_out.int_value,))  # type: ignore[arg-type]
        return (n_in + 1) * n_out
    return n_in * n_out


def norm_weights(calc: Calc, prefix: str, d: Expr, bias: bool) -> Expr:
    calc.weight(f"{prefix}.weight", (d.int_value,))  # type: ignore[arg-type]
    if bias:
        calc.weight(f"{prefix}.bias", (d.int_value,))  # type: ignore[arg-type]
        return 2 * d
    return d


def _activation(value: Any) -> Any:
    """PyTorch takes the strings 'relu' and 'gelu' (exactly so) or a module."""
    return one_of("relu", "gelu", lower=False)(value) if isinstance(value, str) else value


class TransformerLayer(TorchLayer):
    """Shared by the encoder and decoder layers: arguments and the submodule counts."""

    attention_blocks: tuple[str, ...] = ("self_attn",)
    norms: tuple[str, ...] = ("norm1", "norm2")
    arguments = (
        Arg("d_model", REQUIRED, positive_int, doc="features of each position"),
        Arg("nhead", REQUIRED, positive_int),
        Arg("dim_feedforward", 2048, positive_int),
        Arg("dropout", 0.1, number, used=False),
        Arg("activation", "relu", _activation, doc="'relu', 'gelu' or a module (its parameters count)"),
        Arg("layer_norm_eps", 1e-5, number, used=False),
        Arg("batch_first", False, boolean),
        Arg("norm_first", False, boolean, used=False, doc="changes the order, not the count"),
        Arg("bias", True, boolean, doc="biases of the linear layers, attentions and layer norms"),
    )

    @classmethod
    def validate(cls, config: dict[str, Any]) -> dict[str, Any]:
        check_heads(config, "d_model", "nhead", cls.type_name)
        return config

    def build(self, inputs: list[Shape], calc: Calc) -> None:
        d_, ff_, bias = self.cfg.d_model, self.cfg.dim_feedforward, self.cfg.bias
        d, ff = var("d_model", d_), var("dim_feedforward", ff_)
        parts: list[tuple[str, Expr]] = []
        for block in self.attention_blocks:
            parts.append((block, mha_weights(calc, f"{block}.", d_, d_, d_, bias, False)))
        parts.append(("linear1", linear_weights(calc, "linear1", d, ff, bias)))
        parts.append(("linear2", linear_weights(calc, "linear2", ff, d, bias)))
        for norm in self.norms:
            parts.append((norm, norm_weights(calc, norm, d, bias)))
        values = []
        for name, expr in parts:
            values.append(var(f"params_{name}", calc.step(S_("{name}: params", name=name), expr)))
        if isinstance(self.cfg.activation, LayerSpec):  # a module: a submodule whose parameters count
            before = len(calc.weights)
            calc.nested(self.cfg.activation, [(*inputs[0][:-1], ff_)], "activation")
            values.append(var("params_activation", sum(w.size for w in calc.weights[before:] if not w.buffer)))
        calc.params(total(values), note=S_("the sum of the submodules"))
        self.submodule_rows(inputs, calc)

    def submodule_rows(self, inputs: list[Shape], calc: Calc) -> None:
        """The rows of the submodules PyTorch calls, in the order its forward() calls them (inference)."""
        x = tuple(inputs[0])
        wide = (*x[:-1], self.cfg.dim_feedforward)
        feed_forward = [("linear1", "Linear", wide)]
        if isinstance(self.cfg.activation, LayerSpec):
            feed_forward.append(("activation", self.cfg.activation.type, wide))
        feed_forward += [("dropout", "Dropout", wide), ("linear2", "Linear", x)]
        blocks = [[("self_attn", "MultiheadAttention", x), ("dropout1", "Dropout", x)]]
        if len(self.attention_blocks) > 1:
            blocks.append([("multihead_attn", "MultiheadAttention", x), ("dropout2", "Dropout", x)])
        blocks.append([*feed_forward, (f"dropout{len(blocks) + 1}", "Dropout", x)])
        for block, norm in zip(blocks, self.norms, strict=True):
            rows = [(norm, "LayerNorm", x), *block] if self.cfg.norm_first else [*block, (norm, "LayerNorm", x)]
            for name, type_name, shape in rows:
                calc.child(name, type_name, shape)

    def operations(self, inputs: list[Shape], output: OutputShape, calc: Calc) -> None:
        d_, ff_, bias, heads = self.cfg.d_model, self.cfg.dim_feedforward, self.cfg.bias, self.cfg.nhead
        x = inputs[0]
        sources = {"self_attn": (x, x), "multihead_attn": (x, inputs[-1])}
        macs: list[Expr] = []
        other: list[Expr] = []
        for block in self.attention_blocks:
            q, kv = sources[block]
            m, o = attention_counts(calc, f"{block}: ", q, kv, kv, d_, d_, d_, heads, bias, 0,
                                    self.cfg.batch_first, need_weights=False)
            macs.append(var(f"MACs_{block}", m))
            other.append(var(f"other_{block}", o))
        rows = [*ops.batch_factor(calc, x), *ops.dims(x, 1, -1, "input")]
        d, ff = var("d_model", d_), var("dim_feedforward", ff_)
        for name, n_in, n_out in (("linear1", d, ff), ("linear2", ff, d)):
            macs.append(var(f"MACs_{name}", calc.macs(product([*rows, n_in, n_out]), part=name)))
        calc.macs(total(macs), note=_("the attention blocks and the feed-forward block"))
        residuals = len(self.norms)  # one residual add per sub-block, each followed by its norm
        terms: list[Expr] = [*other]
        rules = [_("the attention blocks' own")]
        if bias:
            terms.append(product([*rows, ff]) + product([*rows, d]))
            rules.append(_("the feed-forward biases: 1 per element"))
        if isinstance(self.cfg.activation, LayerSpec):
            _macs, _unused, act_other = calc.nested_ops[0]
            terms.append(var("other_activation", act_other))
        else:
            terms.append(product([*rows, ff]))
        rules.append(_("the activation: 1 per hidden element"))
        per_norm = ops.STATISTICS_OPS + (ops.AFFINE_OPS if bias else 1)
        terms.append(var("norms", len(self.norms)) * var("ops_norm", per_norm) * product([*rows, d]))
        rules.append(_("each layer norm: {per_norm} per element", per_norm=per_norm))
        terms.append(var("residuals", residuals) * product([*rows, d]))
        rules.append(_("each residual add: 1 per element"))
        calc.other_ops(total(terms), note="; ".join(rules))

    def receptive_field(self, fields, inputs, output, calc):
        return receptive.whole(fields, calc, _("attention: every output sees every position of its inputs"))


@register
class TransformerEncoderLayer(TransformerLayer):
    """Self-attention and a feed-forward block (counted as its submodules)."""

    type_name = "TransformerEncoderLayer"

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        (x,) = inputs
        check_sequence(x, self.cfg.d_model, calc, "src", "d_model")
        return x


@register
class TransformerDecoderLayer(TransformerLayer):
    """Self-attention, attention over the memory and a feed-forward block; inputs (tgt, memory)."""

    type_name = "TransformerDecoderLayer"
    min_inputs = 2
    max_inputs = 2
    attention_blocks = ("self_attn", "multihead_attn")
    norms = ("norm1", "norm2", "norm3")

    def compute_output_shape(self, inputs: list[Shape], calc: Calc) -> Shape:
        tgt, memory = inputs
        check_sequence(tgt, self.cfg.d_model, calc, "tgt", "d_model")
        check_sequence(memory, self.cfg.d_model, calc, "memory", "d_model")
        return tgt
