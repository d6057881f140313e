"""Operation counts: the conventions, and the helpers the layer classes write their steps with.

- **MACs** are the multiply-accumulates of a layer's weights, and of the matrix products of attention
  and ``Dot``, for every output position and every sample of the batch: what papers report, and what
  ``torch.utils.flop_counter`` counts (its FLOPs are 2 × MACs).  Biases are not MACs.  A transposed
  convolution is counted on its *input* positions (each input pixel meets the whole kernel once).
- **FLOPs** = 2 × MACs (a multiplication and an addition each).
- **Other ops**: everything else that computes, by a rule written in each step: one op per bias add and
  per activation of an element, 2 per element for batch normalisation at inference, comparisons and adds
  of pooling windows, 3 per element for softmax ...  Layers that only move values count 0, with the rule.

The batch is left out of the formulas when it is 1 (the default); otherwise it is the factor ``N``.
"""

from __future__ import annotations

import math

from ..i18n import N_, S_, _
from .expr import Expr, Var, product, total, var
from .records import record
from .summary import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .layer import Calc, OutputShape

#: rules of the layers that multiply no weights (ops per output element, why)
COPIES = (0, N_("moves or copies values: no arithmetic"))
INFERENCE_IDENTITY = (0, N_("the identity at inference (active in training only)"))
ACTIVATION = (1, N_("one op per element: the activation"))
SOFTMAX = (3, N_("3 ops per element: an exponential, an add to the sum and a division"))
BATCH_NORM = (2, N_("2 ops per element: x × a + b at inference (mean, variance, γ and β folded into a and b)"))
NO_WEIGHTS = N_("no weights are multiplied")
#: ops per element of a normalisation that computes its statistics (mean 1, variance 2, normalising 2)
STATISTICS_OPS = 5
AFFINE_OPS = 2


@record(frozen=True, eq=False)
class Grouped(Expr):
    """An expression written in parentheses inside a product: ``h_out × w_out × filters × (k_h × k_w × c_in)``."""

    inner: Expr
    prec = 0  # lower than any operator: the parent puts it in parentheses

    @property
    def value(self) -> Any:
        return self.inner.value

    def sym(self) -> str:
        return self.inner.sym()

    def num(self) -> str:
        return self.inner.num()

    def unknowns(self) -> list[Var]:
        return self.inner.unknowns()


def grouped(factors: Sequence[Expr | int]) -> Expr:
    """The product of ``factors``, in parentheses when it has more than one."""
    return Grouped(product(list(factors))) if len(factors) > 1 else product(list(factors))


def batch_factor(calc: Calc, shape: Shape) -> list[Expr]:
    """``[N]`` when the batch is not 1 (a fixed batch size in the shape wins over the option), else ``[]``."""
    n = shape[0] if shape and shape[0] is not None else calc.batch
    return [] if n == 1 else [var("N", n, S_("the batch size"))]


def dims(shape: Shape, start: int = 1, stop: int | None = None, what: str = "output") -> list[Expr]:
    """The sizes ``shape[start:stop]`` as variables ``d_1``, ``d_2`` ... (numbered by axis)."""
    if stop is None:
        stop = len(shape)
    elif stop < 0:
        stop += len(shape)
    return [var(f"d_{i}", shape[i], S_("{what} dimension {i}", what=what, i=i)) for i in range(start, stop)]


def sizes(values: Sequence[int | None], axes: Sequence[tuple[str, str]], what: str = "output") -> list[Expr]:
    """Spatial sizes as ``h_out``, ``w_out`` (``what="output"``) or ``h``, ``w`` (``what="input"``)."""
    suffix = "_out" if what == "output" else ""
    return [var(f"{sym}{suffix}", n, S_("the {what} {word}", what=what, word=word))
            for n, (word, sym) in zip(values, axes, strict=True)]


def first(output: OutputShape) -> Shape:
    """The first output of a layer (the one its element rules are about)."""
    return output[0] if isinstance(output, list) else output


def elements(calc: Calc, shape: Shape, factors: list[Expr] | None = None) -> Expr:
    """``N × d_1 × d_2 ...``: the elements of a tensor over the batch (or of ``factors`` and the batch)."""
    return product([*batch_factor(calc, shape), *(dims(shape) if factors is None else factors)])


def scaled(n: int, expr: Expr) -> Expr:
    """``n × expr`` (``expr`` alone for 1)."""
    return expr if n == 1 else n * expr


def per_element(calc: Calc, output: OutputShape, n: int, rule: str) -> None:
    """MACs 0 and ``n`` other ops per output element."""
    calc.macs(0, note=_(NO_WEIGHTS))
    calc.other_ops(0 if n == 0 else scaled(n, elements(calc, first(output))), note=_(rule))


def activation_ops(name: Any) -> tuple[int, str]:
    """Ops per element of an ``activation=`` argument (0 for none or linear)."""
    if name is None or (isinstance(name, str) and name.lower() in ("linear", "identity", "none", "")):
        return 0, ""
    label = name if isinstance(name, str) else _("the activation")
    if isinstance(name, str) and name.lower() in ("softmax", "log_softmax"):
        return 3, _("{label} (3 per element)", label=label)
    return 1, label


def bias_and_activation(calc: Calc, shape: Shape, count: Expr, bias: bool, activation: Any = None,
                        extra: list[tuple[Expr, str]] | None = None) -> int | None:
    """Other ops of a layer with weights: one add per output element for the bias, plus its activation.

    ``count`` is the number of output elements (batch included); ``extra`` adds further (expr, rule) terms.
    """
    per, label = activation_ops(activation)
    rules = []
    n = 0
    if bias:
        n += 1
        rules.append(_("the bias add"))
    if per:
        n += per
        rules.append(label)
    terms: list[Expr] = [scaled(n, count)] if n else []
    notes = []
    if rules:
        each = _("1 op per output element") if n == 1 else _("{n} ops per output element", n=n)
        notes.append(_("{label}: {text}", label=each, text=_(" and ").join(rules)))
    for expr, rule in extra or ():
        terms.append(expr)
        notes.append(rule)
    if not terms:
        return calc.other_ops(0, note=_("no bias and no activation"))
    return calc.other_ops(total(terms), note=_("; ").join(notes))


def window_ops(calc: Calc, count: Expr, window: list[Expr], kind: str) -> int | None:
    """Other ops of a pooling layer: per output element, ``∏window − 1`` comparisons (max) or
    ``∏window`` adds and the division (average); an LP pool raises to a power and adds (2 each) and
    takes one root."""
    calc.macs(0, note=_(NO_WEIGHTS))
    size = product(window)
    if kind == "max":
        return calc.other_ops(count * (size - 1), note=_("∏window − 1 comparisons per output element (windows cut "
                                                         "by padding counted whole)"))
    if kind == "lp":
        return calc.other_ops(count * (2 * size + 1),
                              note=_("per output element: a power and an add per window element, and one root"))
    return calc.other_ops(count * size,
                          note=_("per output element: ∏window − 1 adds and one division (windows cut by padding "
                                 "counted whole)"))


def global_window_ops(calc: Calc, x: Shape, channels: int | None, spatial: Sequence[int | None],
                      axes: Sequence[tuple[str, str]], kind: str) -> int | None:
    """Global pooling: for each channel, ``h × w − 1`` comparisons (max) or ``h × w`` adds and a division."""
    calc.macs(0, note=_(NO_WEIGHTS))
    area = product(sizes(spatial, axes, "input"))
    c = var("c", channels, S_("the channels"))
    per = area - 1 if kind == "max" else area
    if len(spatial) == 2:
        rule = _("per channel: h × w − 1 comparisons") if kind == "max" else \
            _("per channel: h × w − 1 adds and a division")
    else:
        rule = _("per channel: the spatial size − 1 comparisons") if kind == "max" else \
            _("per channel: the spatial size − 1 adds and a division")
    return calc.other_ops(product([*batch_factor(calc, x), c]) * per, note=rule)


def merge_ops(calc: Calc, output: Shape, n_inputs: int, average: bool = False) -> int | None:
    """An elementwise merge: ``n − 1`` ops per output element (``n`` for an average: the adds and a division)."""
    calc.macs(0, note=_(NO_WEIGHTS))
    k = var("n_inputs", n_inputs)
    if average:
        return calc.other_ops(k * elements(calc, output), note=_("per output element: n − 1 adds and a division"))
    return calc.other_ops((k - 1) * elements(calc, output), note=_("n − 1 ops per output element"))


#: ops per output element of resampling, by interpolation (per interpolated axis for the linear ones)
LERP_OPS = 3


def resample_ops(calc: Calc, output: Shape, mode: str, axes: int) -> None:
    """Up-sampling: nearest copies; linear interpolation costs 3 ops per interpolated axis and element."""
    if mode in ("nearest", "nearest-exact"):
        per_element(calc, output, 0, _("nearest: copies values, no arithmetic"))
        return
    if mode in ("linear", "bilinear", "trilinear"):
        per_element(calc, output, LERP_OPS * axes,
                    _("{mode}: {LERP_OPS} ops (a subtraction, a multiplication, an add) per interpolated axis and "
                      "output element", mode=mode, LERP_OPS=LERP_OPS))
        return
    calc.unknown_ops(_("interpolation '{mode}' is not modelled", mode=mode))


def norm_ops(calc: Calc, output: Shape, affine: bool, what: str = N_("normalisation")) -> None:
    """A normalisation that computes its statistics per sample: 5 ops per element, 2 more with γ and β."""
    n = STATISTICS_OPS + (AFFINE_OPS if affine else 0)
    rule = _("{STATISTICS_OPS} ops per element (mean 1, variance 2, normalising 2)", STATISTICS_OPS=STATISTICS_OPS)
    if affine:
        rule += _(", {AFFINE_OPS} more for γ and β", AFFINE_OPS=AFFINE_OPS)
    per_element(calc, output, n, _("{label}: {text}", label=_(what), text=rule))


def adaptive_windows(n: int, o: int) -> dict[int, int]:
    """Window sizes of adaptive pooling on one axis (``⌊i·n/o⌋`` to ``⌈(i+1)·n/o⌉``) and how many of each.

    In closed form, so an output of any size costs nothing: with ``g = gcd(n, o)``, window ``i`` has size
    ``⌈(r + n)/o⌉`` where ``r = i·n mod o`` takes each multiple of ``g`` below ``o`` exactly ``g`` times;
    writing ``n = k·o + m``, a size is ``k`` (r + m = 0), ``k + 1`` (0 < r + m ≤ o) or ``k + 2``.
    """
    if o == 0 or n == 0:  # an empty output has no windows; an empty input, o windows of nothing
        return {0: o} if o else {}
    g = math.gcd(n, o)
    n, o = n // g, o // g  # r/g runs over 0 … o − 1 once: the coprime case, g times
    k, m = divmod(n, o)
    counts = {k: 1 if m == 0 else 0, k + 1: o - 1 if m == 0 else o - m + 1, k + 2: max(m - 1, 0)}
    return {size: c * g for size, c in counts.items() if c}
