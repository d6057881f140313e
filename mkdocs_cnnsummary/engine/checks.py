"""Design checks: things that compute but are probably not what the author meant, each with its reason.

Each layer class states a few facts about itself (:class:`DesignFacts`: its bias, its windows, its dropout
rate ...); the checks here read them across the network and add :class:`~.summary.Notice` objects to the
summary, each with a ``kind`` so that a block can silence it:

- ``lossy_rounding``: a stride or pooling rounds a size down, and a later up-sampling does not recover it
  (the decoder ends smaller than the input);
- ``kernel_larger_than_input``: a window larger than its input (legal with padding, mostly padding);
- ``bias_before_norm``: a bias right before a batch normalisation, which subtracts it again;
- ``dense_on_feature_map``: Dense/Linear on a 4-D or larger tensor, which acts on the last axis only;
- ``dominant_layer``: one fully connected layer holds more than half of all parameters (the classic
  Flatten → Dense);
- ``heavy_dropout``: a dropout of rate ≥ 0.9 right before the last layer.
"""

from __future__ import annotations

from ..i18n import N_, _
from .errors import SpecError, did_you_mean
from .records import record, replace
from .summary import LayerRecord, Notice, Summary, source

KINDS = ("lossy_rounding", "kernel_larger_than_input", "bias_before_norm", "dense_on_feature_map",
         "dominant_layer", "heavy_dropout")
HEAVY_DROPOUT = 0.9


@record(frozen=True, slots=True)
class Window:
    """One spatial axis of a sliding window: its dilated extent, stride, the input size and the rows that
    no window reaches at the end (what rounding down drops)."""

    extent: int
    stride: int
    size: int | None
    dropped: int = 0


@record(slots=True)
class DesignFacts:
    """What a layer tells the design checks about itself."""

    #: parameters of a bias that no nonlinearity follows inside the layer
    bias: int = 0
    #: subtracts the mean of each channel (a bias before it is wasted)
    cancels_bias: bool = False
    #: sliding windows, one per spatial axis (convolutions and pooling)
    windows: tuple[Window, ...] = ()
    #: a fully connected layer acting on the last axis (Keras Dense, PyTorch Linear)
    dense: bool = False
    #: a fully connected layer (also one that flattens its input itself, as Lasagne's DenseLayer)
    fully_connected: bool = False
    #: the dropout rate of a dropout layer
    dropout: float | None = None
    #: what its padding is called in the hint (``padding='same'``)
    padding_hint: str = "padding='same'"


#: the facts of a layer with nothing to say
NO_FACTS = DesignFacts()


ALL = "*"


def silenced(setting: str | None) -> frozenset[str]:
    """The design warnings a setting silences: ``off`` (all), ``on`` (none) or ``-kind -kind ...``."""
    text = (setting or "on").replace(",", " ").strip()
    if text.lower() in ("on", "all", "yes", "true", ""):
        return frozenset()
    if text.lower() in ("off", "none", "no", "false"):
        return frozenset({ALL})
    out = set()
    for word in text.split():
        kind = word[1:] if word.startswith("-") else word
        if kind not in KINDS or not word.startswith("-"):
            close = did_you_mean(kind, KINDS)
            raise SpecError(_("unknown warnings setting {word!r}", word=word),
                            hint=close.replace("'", "'-", 1) if close else
                            _("use off, on, or -kind to silence one kind: {value}",
                              value=", ".join(f"-{k}" for k in KINDS)))
        out.add(kind)
    return frozenset(out)


def without(summary: Summary, kinds: frozenset[str]) -> Summary:
    """The summary without the design warnings of ``kinds`` (``*``: all of them); other notices stay."""
    if not kinds:
        return summary
    keep = [w for w in summary.warnings if w.kind not in KINDS or (ALL not in kinds and w.kind not in kinds)]
    return replace(summary, warnings=keep)


def dropped(n: int | None, extent: int, stride: int, pad: int = 0) -> int:
    """Rows past the last window when the division rounds down: ``(n + pad − extent) mod stride``."""
    if n is None or stride == 1 or n + pad < extent:
        return 0
    return (n + pad - extent) % stride


WORDS = {1: (N_("step"), N_("steps")), 2: (N_("row"), N_("column")), 3: (N_("slice"), N_("row"), N_("column"))}


class _Index:
    """The network's tensors by name (inputs and layers), looked up once."""

    def __init__(self, summary: Summary, facts: dict[str, DesignFacts] | None = None,
                 upsampling: set[str] | None = None) -> None:
        self.inputs = {i.name: i for i in summary.inputs}
        self.layers = {r.name: r for r in summary.layers}
        self.first = summary.inputs[0].name if summary.inputs else None
        self._jumps: dict[str, tuple | None] = {}
        self._upsampling: set[str] | None = None
        if facts is not None and upsampling is not None and not any(
                name in upsampling or name not in facts for name in self.layers):
            # every row is a layer whose class says it never up-samples (a model used as a layer, a further
            # call, a submodule's row may): no receptive field needs following
            self._upsampling = set()

    def jumps(self, name: str) -> tuple | None:
        """The receptive-field jumps of a layer's record (None when it has no field), from its analyses'
        fields alone where they can give them (the counts and worked steps are made when shown)."""
        if name not in self._jumps:
            self._jumps[name] = self._read_jumps(name)
        return self._jumps[name]

    def upsampling(self) -> set[str]:
        """The layers of one input whose output positions are closer together than their input's."""
        if self._upsampling is None:
            self._upsampling = set()
            for rec in self.layers.values():
                jump = self.jumps(rec.name)
                if jump is None or len(rec.inputs) != 1:
                    continue
                before = _jumps(self, source(rec.inputs[0])[0])
                if before is not None and all(a < b for a, b in zip(jump, before, strict=True)):
                    self._upsampling.add(rec.name)
        return self._upsampling

    def _read_jumps(self, name: str) -> tuple | None:
        rec = self.layers[name]
        fields_only = getattr(rec.lazy, "jumps", None)
        if fields_only is not None:
            return fields_only(rec.name)
        rf = rec.receptive_field
        return None if rf is None else tuple(rf.jump)


def design_warnings(summary: Summary, facts: dict[str, DesignFacts],
                    upsampling: set[str] | None = None) -> list[Notice]:
    """Every design warning of a computed network, in layer order (``upsampling``: the layers of ``facts``
    whose class says they can up-sample; None: any may)."""
    index = _Index(summary, facts, upsampling)
    consumers: dict[str, list[str]] = {}
    for rec in summary.layers:
        for src in rec.inputs:
            consumers.setdefault(source(src)[0], []).append(rec.name)
    out: list[Notice] = []
    total = None  # the network's parameters and the layers with parameters, counted when a fully connected
    with_params = None  # layer asks
    last = summary.layers[-1].name if summary.layers else None
    for rec in summary.layers:
        f = facts.get(rec.name, NO_FACTS)
        if f.windows:  # the checks of sliding windows
            out += _lossy(summary, index, rec, f, consumers)
            out += _too_large(rec, f)
        after = consumers.get(rec.name, [])
        if f.bias and len(after) == 1 and facts.get(after[0], NO_FACTS).cancels_bias \
                and rec.name not in summary.outputs:
            norm = after[0]
            out.append(Notice(
                _("its bias ({bias:,} parameters) is cancelled by {norm}, which subtracts the mean of each "
                  "channel", bias=f.bias, norm=norm), rec.line,
                _("drop the bias ({value}): {bias:,} parameters fewer, the same network",
                  value="use_bias=False" if summary.framework == "keras" else "bias=False", bias=f.bias),
                rec.name, "bias_before_norm"))
        source_rank = _input_rank(index, rec) if f.dense else None
        if source_rank is not None and source_rank >= 4:
            shape = _shape_text(rec.output_shape)
            out.append(Notice(
                _("it acts on the last axis only: its {source_rank}-D input stays a feature map and the output is "
                  "{shape}, one vector per position", source_rank=source_rank, shape=shape), rec.line,
                _("add Flatten() or a global pooling before it if one vector per image was meant"),
                rec.name, "dense_on_feature_map"))
        if (f.dense or f.fully_connected) and with_params is None:
            total = summary.total_params
            with_params = [rec for rec in summary.layers if rec.params]
        if (f.dense or f.fully_connected) and total and len(with_params) > 1 and rec.params * 2 > total:
            out.append(Notice(
                _("it holds {params:,} of the {total:,} parameters ({float:.0f}%)", params=rec.params, total=total,
                  float=rec.params * 100 / total), rec.line,
                _("a fully connected layer on a flattened feature map grows with every position: a global pooling "
                  "or a smaller feature map before it shrinks it"), rec.name, "dominant_layer"))
        if f.dropout is not None and f.dropout >= HEAVY_DROPOUT and last in consumers.get(rec.name, []):
            out.append(Notice(
                _("it drops {dropout:.0%} of the inputs of the last layer in training", dropout=f.dropout), rec.line,
                _("usual rates are 0.2 to 0.5; was the keep probability meant?"), rec.name, "heavy_dropout"))
    # the name that silences it, where it is read (a Notice made again from its fields: replace() is generic)
    return [Notice(n.message, n.line, _('{hint} (warnings="-{kind}" silences it)', hint=n.hint, kind=n.kind), n.layer,
                   n.kind) for n in out]


def _input_rank(index: _Index, rec: LayerRecord) -> int | None:
    if not rec.inputs:
        return None
    shape = _shape_of(index, rec.inputs[0])
    return None if shape is None else len(shape)


def _shape_of(names: _Index, src: str) -> tuple | None:
    base, index = source(src)
    for name in (src, base):
        if name in names.inputs:
            return names.inputs[name].shape
    record = names.layers.get(src) or names.layers.get(base)
    if record is None:
        return None
    shape = record.output_shape
    if isinstance(shape, list):
        return shape[index] if index is not None and -len(shape) <= index < len(shape) else None
    return shape


def _shape_text(shape) -> str:
    if isinstance(shape, list):
        return ", ".join(_shape_text(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def _sizes(values) -> str:
    return "×".join("?" if v is None else str(v) for v in values)


def _too_large(rec: LayerRecord, f: DesignFacts) -> list[Notice]:
    big = [w for w in f.windows if w.size is not None and w.extent > w.size]
    if not big:
        return []
    kernel = _sizes(w.extent for w in f.windows)
    size = _sizes(w.size for w in f.windows)
    return [Notice(_("its {kernel} window is larger than its {size} input: most of its weights only ever meet "
                     "padding", kernel=kernel, size=size), rec.line,
                   _("use a smaller kernel, or fewer poolings before this layer"),
                   rec.name, "kernel_larger_than_input")]


def _jumps(index: _Index, name: str) -> tuple | None:
    """The receptive-field jump of a tensor (input pixels per position): 1 for the network input."""
    if name in index.inputs:
        shape = index.inputs[name].shape
        return None if name != index.first else tuple(1 for _ in shape[2:])
    return index.jumps(name) if name in index.layers else None


def _descendants(start: str, consumers: dict[str, list[str]], order: dict[str, int]) -> list[str]:
    seen: set[str] = set()
    todo = list(consumers.get(start, []))
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(consumers.get(name, []))
    return sorted(seen, key=order.__getitem__)


def _lossy(summary: Summary, index: _Index, rec: LayerRecord, f: DesignFacts,
           consumers: dict[str, list[str]]) -> list[Notice]:
    """A size rounded down here that an up-sampling later does not give back."""
    lost = [w.dropped for w in f.windows]
    upsampling = index.upsampling() if any(lost) and len(rec.inputs) == 1 else None
    if not upsampling:
        return []
    jump_in = _jumps(index, source(rec.inputs[0])[0])
    in_shape = _shape_of(index, rec.inputs[0])
    if jump_in is None or in_shape is None or index.jumps(rec.name) is None:
        return []
    spatial_in = [w.size for w in f.windows]
    order = {r.name: i for i, r in enumerate(summary.layers)}
    back = []  # up-sampling layers back at the resolution of this layer's input, or at the network input
    for name in _descendants(rec.name, consumers, order):
        if name not in upsampling:
            continue
        later, jump = index.layers[name], index.jumps(name)
        if jump == jump_in or all(j == 1 for j in jump):
            back.append((later, jump == jump_in))
    restoring = [(later, same) for later, same in back if same]
    if not restoring:
        return []
    first = restoring[0][0]
    out_sizes = _spatial(summary, first.output_shape, len(spatial_in))
    if out_sizes is None or not any(o is not None and n is not None and o < n
                                    for o, n in zip(out_sizes, spatial_in, strict=True)):
        return []
    words = WORDS.get(len(lost), WORDS[2])
    dropped_text = _(" and the last ").join(_(word) if n == 1 else _("{n} {word}s", n=n, word=_(word))
                                            for n, word in zip(lost, words, strict=False) if n)
    message = _("it rounds its {sizes} input down to {sizes2}, dropping the last {dropped_text}; {name} brings "
                "back {sizes3}, not {sizes}", sizes=_sizes(spatial_in),
                sizes2=_sizes(_spatial(summary, rec.output_shape, len(spatial_in)) or []), dropped_text=dropped_text,
                name=first.name, sizes3=_sizes(out_sizes))
    final = [later for later, _same in back if all(j == 1 for j in index.jumps(later.name))]
    network_in = _spatial(summary, summary.inputs[0].shape, len(spatial_in))
    if final and network_in:
        end = _spatial(summary, final[-1].output_shape, len(spatial_in))
        if end and end != network_in:
            message += _(", so {name} ends at {sizes} instead of {sizes2}", name=final[-1].name,
                         sizes=_sizes(end), sizes2=_sizes(network_in))
    return [Notice(message, rec.line, _("use {padding_hint}, which rounds up, and crop after the last up-sampling, "
                                        "or an input size that every stride divides", padding_hint=f.padding_hint),
                   rec.name, "lossy_rounding")]


def _spatial(summary: Summary, shape, rank: int) -> list[int | None] | None:
    if isinstance(shape, list) or len(shape) != rank + 2:
        return None
    return list(shape[1:-1]) if summary.framework == "keras" else list(shape[2:])
