"""Seeded random networks that Keras accepts, for differential tests.

``random_network(seed)`` returns a spec dict (sequential or graph, one or
several inputs).  Each layer family is a small *maker*: given the input shape
(without batch) and a mode, it returns the layer it would add (type, keyword
arguments, output shape) or None when it cannot apply.  A maker only uses the
layer types registered in the Keras catalog, so the networks grow with the
catalog.  Shapes are tracked here, independently of the engine, and every
choice keeps the network valid for Keras; sizes stay small so models build fast.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from mkdocs_cnnsummary.engine.layer import catalog

Shape = tuple  # without the batch dimension; None = unknown size

ANY, KEEP, KEEP_SPATIAL = "any", "keep", "keep_spatial"  # maker modes: KEEP_SPATIAL keeps all but the last axis
MAX_SIZE = 24  # largest spatial size a maker creates
MAX_UNITS = 8


@cache
def registered() -> frozenset[str]:
    """Layer types of the Keras catalog (aliases included)."""
    return frozenset(catalog("keras"))


@dataclass
class L:
    """A layer a maker proposes: type, keyword arguments and output shape (a list for several outputs)."""

    type: str
    kwargs: dict[str, Any]
    shape: Any
    weights: bool = False  # may be frozen with trainable: false


@dataclass
class T:
    """A tensor of the network being generated: the reference to it and its shape."""

    ref: str
    shape: Shape


@dataclass
class Item:
    layer: L
    name: str
    srcs: list[str]
    trainable: bool | None = None


@dataclass
class Gen:
    """The state of one network while it is generated."""

    rng: random.Random
    types: frozenset[str]
    cf: bool = False  # channels_first for every layer with a data_format
    items: list[Item] = field(default_factory=list)
    tensors: list[T] = field(default_factory=list)
    inputs: dict[str, Shape] = field(default_factory=dict)

    def has(self, *types: str) -> bool:
        return all(t in self.types for t in types)

    def pick(self, *types: str) -> str | None:
        present = [t for t in types if t in self.types]
        return self.rng.choice(present) if present else None

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def apply(self, layer: L, srcs: list[T]) -> T:
        name = f"n{len(self.items)}_{layer.type.lower()}"
        trainable = False if layer.weights and self.chance(0.15) else None
        self.items.append(Item(layer, name, [s.ref for s in srcs], trainable))
        if isinstance(layer.shape, list):
            out = T(f"{name}[0]", layer.shape[0])
        else:
            out = T(name, layer.shape)
        self.tensors.append(out)
        return out

    # layout helpers -------------------------------------------------------------------
    def split(self, shape: Shape) -> tuple[list, Any]:
        return (list(shape[1:]), shape[0]) if self.cf else (list(shape[:-1]), shape[-1])

    def join(self, spatial: list, c: Any) -> Shape:
        return (c, *spatial) if self.cf else (*spatial, c)

    def data_format(self, kw: dict[str, Any]) -> dict[str, Any]:
        if self.cf:
            kw["data_format"] = "channels_first"
        elif self.chance(0.1):
            kw["data_format"] = "channels_last"
        return kw

    def tup(self, values: list[int]) -> Any:
        """An int when all equal (sometimes), else a list."""
        if len(set(values)) == 1 and self.chance(0.6):
            return values[0]
        return list(values)


def _known(*dims: Any) -> bool:
    return all(d is not None for d in dims)


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


# window arithmetic (Keras' rules) ---------------------------------------------------------


def conv_len(n: int | None, k: int, s: int, d: int, padding: str) -> int | None:
    if n is None:
        return None
    if padding == "valid":
        return (n - d * (k - 1) - 1) // s + 1
    return -(-n // s)


def deconv_len(n: int | None, k: int, s: int, d: int, padding: str, op: int | None) -> int | None:
    if n is None:
        return None
    k = (k - 1) * d + 1
    if op is None:
        return n * s + max(k - s, 0) if padding == "valid" else n * s
    pad = 0 if padding == "valid" else k // 2
    return (n - 1) * s + k - 2 * pad + op


def _windows(g: Gen, spatial: list, padding: str, *, stride: bool, dilation: bool) -> tuple[list, list, list]:
    """Kernel sizes, strides and dilations per axis that fit the input."""
    dil = 2 if dilation and g.chance(0.2) else 1
    ks, ss, ds = [], [], []
    for n in spatial:
        k = g.rng.randint(1, 3)
        if padding == "valid" and n is not None:
            k = min(k, (n - 1) // dil + 1)
        ks.append(k)
        ss.append(g.rng.randint(1, 2) if stride and dil == 1 else 1)
        ds.append(dil)
    return ks, ss, ds


# makers: one per layer family -------------------------------------------------------------

Maker = Callable[[Gen, Shape, str], "L | None"]


def make_dense(g: Gen, shape: Shape, mode: str) -> L | None:
    if not g.has("Dense") or not shape or shape[-1] is None or math.prod(d or 1 for d in shape) > 4096:
        return None
    units = shape[-1] if mode == KEEP else g.rng.randint(1, MAX_UNITS)
    kw: dict[str, Any] = {"units": units}
    if g.chance(0.3):
        kw["activation"] = g.rng.choice(["relu", "tanh", "softmax", "linear"])
    if g.chance(0.25):
        kw["use_bias"] = False
    return L("Dense", kw, (*shape[:-1], units), weights=True)


def _conv_common(g: Gen, shape: Shape, mode: str, *, causal: bool) -> tuple[list, Any, str] | None:
    rank = len(shape) - 1
    if rank not in (1, 2, 3) or (mode == KEEP_SPATIAL and g.cf):
        return None
    spatial, c = g.split(shape)
    if c is None:
        return None
    if mode == ANY:
        padding = g.rng.choice(["valid", "same", "causal"] if causal and rank == 1 else ["valid", "same"])
    else:
        padding = "same"
    return spatial, c, padding


def make_conv(g: Gen, shape: Shape, mode: str) -> L | None:
    rank = len(shape) - 1
    t = {1: "Conv1D", 2: "Conv2D", 3: "Conv3D"}.get(rank)
    common = _conv_common(g, shape, mode, causal=True)
    if t is None or not g.has(t) or common is None:
        return None
    spatial, c, padding = common
    filters = c if mode == KEEP else g.rng.randint(1, MAX_UNITS)
    ks, ss, ds = _windows(g, spatial, padding, stride=mode == ANY, dilation=True)
    kw: dict[str, Any] = {"filters": filters, "kernel_size": g.tup(ks)}
    if max(ss) > 1:
        kw["strides"] = g.tup(ss)
    if padding != "valid" or g.chance(0.2):
        kw["padding"] = padding
    if max(ds) > 1:
        kw["dilation_rate"] = g.tup(ds)
    common_div = [d for d in _divisors(math.gcd(c, filters)) if d > 1]
    if common_div and g.chance(0.3):
        kw["groups"] = g.rng.choice(common_div)
    if g.chance(0.25):
        kw["use_bias"] = False
    if g.chance(0.3):
        kw["activation"] = "relu"
    g.data_format(kw)
    out = [conv_len(n, k, s, d, padding) for n, k, s, d in zip(spatial, ks, ss, ds, strict=True)]
    return L(t, kw, g.join(out, filters), weights=True)


def make_conv_transpose(g: Gen, shape: Shape, mode: str) -> L | None:
    rank = len(shape) - 1
    t = {1: "Conv1DTranspose", 2: "Conv2DTranspose", 3: "Conv3DTranspose"}.get(rank)
    common = _conv_common(g, shape, mode, causal=False)
    if t is None or not g.has(t) or common is None:
        return None
    spatial, c, padding = common
    filters = c if mode == KEEP else g.rng.randint(1, MAX_UNITS)
    ks = [g.rng.randint(1, 3) for _ in spatial]
    small = all(n is None or n * 2 + 3 <= MAX_SIZE for n in spatial)
    ss = [g.rng.randint(1, 2) if mode == ANY and small else 1 for _ in spatial]
    ds = [2 if max(ss) == 1 and mode == ANY and g.chance(0.15) else 1] * rank
    op = None
    if max(ss) > 1 and g.chance(0.5):
        op = [g.rng.randint(0, s - 1) for s in ss]
    kw: dict[str, Any] = {"filters": filters, "kernel_size": g.tup(ks)}
    if max(ss) > 1:
        kw["strides"] = g.tup(ss)
    if padding != "valid" or g.chance(0.2):
        kw["padding"] = padding
    if op is not None:
        kw["output_padding"] = g.tup(op)
    if max(ds) > 1:
        kw["dilation_rate"] = g.tup(ds)
    if g.chance(0.25):
        kw["use_bias"] = False
    g.data_format(kw)
    ops = op or [None] * rank
    out = [deconv_len(n, k, s, d, padding, o) for n, k, s, d, o in zip(spatial, ks, ss, ds, ops, strict=True)]
    if any(n is not None and n < 1 for n in out):  # output_padding with padding='same' can give 0
        return None
    return L(t, kw, g.join(out, filters), weights=True)


def make_depthwise(g: Gen, shape: Shape, mode: str) -> L | None:
    rank = len(shape) - 1
    if rank not in (1, 2):
        return None
    t = g.pick(f"DepthwiseConv{rank}D", f"SeparableConv{rank}D")
    common = _conv_common(g, shape, mode, causal=False)
    if t is None or common is None:
        return None
    spatial, c, padding = common
    dm = 1 if mode == KEEP else g.rng.randint(1, 3)
    ks, ss, ds = _windows(g, spatial, padding, stride=mode == ANY, dilation=True)
    kw: dict[str, Any] = {"kernel_size": g.tup(ks)}
    if t.startswith("Separable"):
        filters = c if mode == KEEP else g.rng.randint(1, MAX_UNITS)
        kw = {"filters": filters, **kw}
    else:
        filters = c * dm
    if max(ss) > 1:
        kw["strides"] = g.tup(ss)
    if padding != "valid" or g.chance(0.2):
        kw["padding"] = padding
    if dm > 1 or g.chance(0.1):
        kw["depth_multiplier"] = dm
    if max(ds) > 1:
        kw["dilation_rate"] = g.tup(ds)
    if g.chance(0.25):
        kw["use_bias"] = False
    g.data_format(kw)
    out = [conv_len(n, k, s, d, padding) for n, k, s, d in zip(spatial, ks, ss, ds, strict=True)]
    return L(t, kw, g.join(out, filters), weights=True)


def make_pooling(g: Gen, shape: Shape, mode: str) -> L | None:
    rank = len(shape) - 1
    if rank not in (1, 2, 3) or (mode == KEEP_SPATIAL and g.cf):
        return None
    t = g.pick(f"MaxPooling{rank}D", f"AveragePooling{rank}D")
    if t is None:
        return None
    spatial, c = g.split(shape)
    padding = g.rng.choice(["valid", "same"]) if mode == ANY else "same"
    ps = [g.rng.randint(1, 3) for _ in spatial]
    if padding == "valid":
        ps = [p if n is None else min(p, n) for p, n in zip(ps, spatial, strict=True)]
    kw: dict[str, Any] = {"pool_size": g.tup(ps)}
    if mode != ANY:
        ss = [1] * rank
        kw["strides"] = 1
    elif g.chance(0.4):
        ss = [g.rng.randint(1, 3) for _ in spatial]
        kw["strides"] = g.tup(ss)
    else:
        ss = ps
    if padding != "valid" or g.chance(0.2):
        kw["padding"] = padding
    g.data_format(kw)
    out = [conv_len(n, p, s, 1, padding) for n, p, s in zip(spatial, ps, ss, strict=True)]
    return L(t, kw, g.join(out, c))


def make_global_pooling(g: Gen, shape: Shape, mode: str) -> L | None:
    rank = len(shape) - 1
    if mode != ANY or rank not in (1, 2, 3):
        return None
    t = g.pick(f"GlobalMaxPooling{rank}D", f"GlobalAveragePooling{rank}D")
    if t is None:
        return None
    c = g.split(shape)[1]
    kw: dict[str, Any] = {}
    keep = g.chance(0.3)
    if keep or g.chance(0.1):
        kw["keepdims"] = keep
    g.data_format(kw)
    return L(t, kw, g.join([1] * rank, c) if keep else (c,))


def make_upsampling(g: Gen, shape: Shape, mode: str) -> L | None:
    rank = len(shape) - 1
    t = f"UpSampling{rank}D"
    if mode != ANY or rank not in (1, 2, 3) or not g.has(t):
        return None
    if rank == 1:  # no data_format: always the steps axis
        n = shape[0]
        if n is not None and n * 2 > MAX_SIZE:
            return None
        size = g.rng.randint(1, 3) if n is None or n * 3 <= MAX_SIZE else 2
        return L(t, {"size": size} if size != 2 or g.chance(0.5) else {}, (None if n is None else n * size, shape[1]))
    spatial, c = g.split(shape)
    if any(n is not None and n * 2 > MAX_SIZE for n in spatial):
        return None
    sizes = [g.rng.randint(1, 2) for _ in spatial]
    kw: dict[str, Any] = {"size": g.tup(sizes)}
    if rank == 2 and g.chance(0.3):
        kw["interpolation"] = g.rng.choice(["nearest", "bilinear"])
    g.data_format(kw)
    return L(t, kw, g.join([None if n is None else n * s for n, s in zip(spatial, sizes, strict=True)], c))


def make_padding_cropping(g: Gen, shape: Shape, mode: str) -> L | None:
    rank = len(shape) - 1
    if mode != ANY or rank not in (1, 2, 3):
        return None
    t = g.pick(f"ZeroPadding{rank}D", f"Cropping{rank}D")
    if t is None:
        return None
    crop = t.startswith("Cropping")
    if rank == 1:  # Cropping1D has no data_format: the steps axis is axis 1
        spatial, c = ([shape[0]], shape[1]) if crop else g.split(shape)
    else:
        spatial, c = g.split(shape)
    pairs = []
    for n in spatial:
        if crop:
            if n is None or n < 2:
                return None
            a = g.rng.randint(0, min(2, n - 1))
            b = g.rng.randint(0, min(2, n - 1 - a))
            pairs.append((a, b))
        else:
            pairs.append((g.rng.randint(0, 2), g.rng.randint(0, 2)))
    flat = [v for p in pairs for v in p]
    if len(set(flat)) == 1 and g.chance(0.5):
        arg: Any = flat[0]
    elif all(a == b for a, b in pairs) and rank > 1 and g.chance(0.5):
        arg = [a for a, _ in pairs]
    elif rank == 1:
        arg = list(pairs[0])
    else:
        arg = [list(p) for p in pairs]
    kw: dict[str, Any] = {"cropping" if crop else "padding": arg}
    sign = -1 if crop else 1
    out = [None if n is None else n + sign * (a + b) for n, (a, b) in zip(spatial, pairs, strict=True)]
    if rank == 1 and crop:
        return L(t, kw, (out[0], c))
    g.data_format(kw)
    return L(t, kw, g.join(out, c))


def _factor(g: Gen, total: int, rank: int) -> list[int]:
    dims = []
    for _ in range(rank - 1):
        d = g.rng.choice(_divisors(total))
        dims.append(d)
        total //= d
    dims.append(total)
    g.rng.shuffle(dims)
    return dims


def make_reshaping(g: Gen, shape: Shape, mode: str) -> L | None:
    if mode != ANY:
        return None
    options = []
    if len(shape) >= 2 and g.has("Flatten"):
        options.append("Flatten")
    if _known(*shape) and g.has("Reshape") and math.prod(shape) <= 4096:
        options.append("Reshape")
    if len(shape) >= 2 and g.has("Permute"):
        options.append("Permute")
    if len(shape) == 1 and g.has("RepeatVector"):
        options.append("RepeatVector")
    if not options:
        return None
    t = g.rng.choice(options)
    if t == "Flatten":
        kw = g.data_format({}) if len(shape) > 2 else {}
        return L(t, kw, (math.prod(shape) if _known(*shape) else None,))
    if t == "Reshape":
        dims = _factor(g, math.prod(shape), g.rng.randint(1, 4))
        target: list[int] = list(dims)
        if g.chance(0.4):
            target[g.rng.randrange(len(target))] = -1
        return L(t, {"target_shape": target}, tuple(dims))
    if t == "Permute":
        dims = list(range(1, len(shape) + 1))
        while dims == sorted(dims):
            g.rng.shuffle(dims)
        return L(t, {"dims": dims}, tuple(shape[d - 1] for d in dims))
    n = g.rng.randint(1, 5)
    return L(t, {"n": n}, (n, shape[0]))


def _axis(g: Gen, shape: Shape) -> int | None:
    """The channel axis as Keras counts it (batch = 0), written negative or positive."""
    axis = 1 if g.cf and len(shape) >= 2 else len(shape)
    if shape[axis - 1] is None:
        return None
    if axis == len(shape) and g.chance(0.7):
        return -1
    return axis


def make_normalization(g: Gen, shape: Shape, mode: str) -> L | None:
    t = g.pick("BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
               "Rescaling", "Normalization")
    if t is None:
        return None
    if t == "Rescaling":
        kw: dict[str, Any] = {"scale": g.rng.choice([1 / 255, 0.5, 2.0])}
        if g.chance(0.4):
            kw["offset"] = -1.0
        return L(t, kw, shape)
    if t == "UnitNormalization":
        return L(t, {"axis": -1} if g.chance(0.5) else {}, shape)
    axis = _axis(g, shape)
    other = [a for a in range(1, len(shape) + 1) if shape[a - 1] is not None]
    if t != "GroupNormalization" and other and g.chance(0.15):  # normalise along another axis
        axis = g.rng.choice(other)
    if axis is None:
        return None
    kw = {"axis": axis} if axis != -1 or g.chance(0.3) else {}
    if t in ("BatchNormalization", "LayerNormalization", "GroupNormalization"):
        if g.chance(0.2):
            kw["center"] = False
        if g.chance(0.2):
            kw["scale"] = False
    if t == "LayerNormalization" and len(shape) >= 2 and not g.cf and _known(*shape[-2:]) and g.chance(0.2):
        kw["axis"] = [-2, -1]
    if t == "GroupNormalization":
        c = shape[axis - 1] if axis > 0 else shape[-1]
        kw["groups"] = g.rng.choice(_divisors(c))
    if t == "Normalization" and g.chance(0.3):
        n = shape[axis - 1] if axis > 0 else shape[-1]
        kw["mean"], kw["variance"] = (0.5, 2.0) if g.chance(0.5) else ([0.5] * n, [2.0] * n)
    return L(t, kw, shape, weights=t != "Normalization")


def make_activation(g: Gen, shape: Shape, mode: str) -> L | None:
    t = g.pick("Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU")
    if t is None:
        return None
    kw: dict[str, Any] = {}
    if t == "Activation":
        kw["activation"] = g.rng.choice(["relu", "tanh", "sigmoid", "softmax", "gelu", "swish", "linear"])
    elif t == "ReLU":
        if g.chance(0.4):
            kw["max_value"] = 6.0
        if g.chance(0.2):
            kw["negative_slope"] = 0.1
        if g.chance(0.2):
            kw["threshold"] = 0.5
    elif t == "LeakyReLU" and g.chance(0.5):
        kw["negative_slope"] = 0.2
    elif t == "ELU" and g.chance(0.5):
        kw["alpha"] = 0.5
    elif t == "Softmax" and g.chance(0.3) and len(shape) >= 2:
        kw["axis"] = 1
    elif t == "PReLU":
        axes = [a for a in range(1, len(shape) + 1) if shape[a - 1] is None or g.chance(0.4)]
        if len(axes) == len(shape) and g.chance(0.5):
            axes = axes[:-1] if shape[-1] is not None else axes
        if any(shape[a - 1] is None for a in range(1, len(shape) + 1) if a not in axes):
            return None
        if axes:
            kw["shared_axes"] = axes
        return L(t, kw, shape, weights=True)
    return L(t, kw, shape)


def make_dropout(g: Gen, shape: Shape, mode: str) -> L | None:
    rank = len(shape) - 1
    spatial = f"SpatialDropout{rank}D" if rank in (1, 2, 3) else None
    t = g.pick("Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
               *([spatial] if spatial else []))
    if t is None:
        return None
    kw: dict[str, Any] = {}
    if t == "GaussianNoise":
        kw["stddev"] = 0.1
    elif t == "ActivityRegularization":
        kw = {"l1": 0.01} if g.chance(0.5) else {}
    else:
        kw["rate"] = g.rng.choice([0.0, 0.1, 0.5])
    if t in ("SpatialDropout2D", "SpatialDropout3D"):
        g.data_format(kw)
    return L(t, kw, shape)


def _rnn(g: Gen, f: int, t_len: Any, mode: str, *, state: bool) -> L | None:
    t = g.pick("SimpleRNN", "LSTM", "GRU")
    if t is None:
        return None
    units = f if mode == KEEP else g.rng.randint(1, 6)
    seq = mode != ANY or g.chance(0.5)
    kw: dict[str, Any] = {"units": units}
    if seq:
        kw["return_sequences"] = True
    if g.chance(0.2):
        kw["use_bias"] = False
    if t == "GRU" and g.chance(0.4):
        kw["reset_after"] = False
    if state and g.chance(0.1):  # not inside Bidirectional: Keras wants its forward layer forward
        kw["go_backwards"] = True
    out: Any = (t_len, units) if seq else (units,)
    if state and g.chance(0.25):
        kw["return_state"] = True
        out = [out, *([(units,)] * (2 if t == "LSTM" else 1))]
    return L(t, kw, out, weights=True)


def make_recurrent(g: Gen, shape: Shape, mode: str) -> L | None:
    if len(shape) != 2 or shape[-1] is None:
        return None
    return _rnn(g, shape[-1], shape[0], mode, state=True)


def make_bidirectional(g: Gen, shape: Shape, mode: str) -> L | None:
    if not g.has("Bidirectional") or len(shape) != 2 or shape[-1] is None:
        return None
    inner = _rnn(g, shape[-1], shape[0], mode, state=False)
    if inner is None:
        return None
    merges = ["concat", "sum", "mul", "ave", None] if mode == ANY else ["sum", "mul", "ave"]
    if mode == KEEP_SPATIAL:
        merges.append("concat")
    merge = g.rng.choice(merges)
    kw: dict[str, Any] = {"layer": inner}
    if g.chance(0.2):
        kw["backward_layer"] = L(inner.type, {**inner.kwargs, "go_backwards": True}, inner.shape)
    if merge != "concat" or g.chance(0.2):
        kw["merge_mode"] = merge
    u = inner.shape[-1]
    if merge == "concat":
        return L("Bidirectional", kw, (*inner.shape[:-1], 2 * u), weights=True)
    if merge is None:
        return L("Bidirectional", kw, [inner.shape, inner.shape], weights=True)
    return L("Bidirectional", kw, inner.shape, weights=True)


def make_time_distributed(g: Gen, shape: Shape, mode: str) -> L | None:
    if not g.has("TimeDistributed") or len(shape) < 2 or shape[0] is None:
        return None
    inner_shape = shape[1:]
    options: list[Maker] = [make_dense]
    if not g.cf and mode == ANY:
        options += [make_conv, make_pooling, make_reshaping]
    inner = g.rng.choice(options)(g, inner_shape, mode)
    if inner is None or isinstance(inner.shape, list) or len(inner.shape) == 0:
        return None
    if inner.kwargs.get("data_format") == "channels_first":
        return None
    return L("TimeDistributed", {"layer": inner}, (shape[0], *inner.shape), weights=inner.weights)


def make_attention(g: Gen, shape: Shape, mode: str) -> L | None:
    if not g.has("MultiHeadAttention") or len(shape) not in (2, 3) or not _known(*shape):
        return None
    kw: dict[str, Any] = {"num_heads": g.rng.randint(1, 3), "key_dim": g.rng.randint(1, 4)}
    if g.chance(0.3):
        kw["value_dim"] = g.rng.randint(1, 4)
    if g.chance(0.2):
        kw["use_bias"] = False
    out = shape
    if mode == ANY and g.chance(0.3):
        dims = [g.rng.randint(1, 6) for _ in range(g.rng.choice([1, 1, 2]))]
        kw["output_shape"] = dims[0] if len(dims) == 1 and g.chance(0.5) else dims
        out = (*shape[:-1], *dims)
    if g.chance(0.2):
        kw["use_gate"] = True
    if len(shape) == 3 and g.chance(0.5):
        kw["attention_axes"] = g.rng.choice([[1], [1, 2], [2]])
    return L("MultiHeadAttention", kw, out, weights=True)


#: family name -> (layer types it may use, maker); a maker only uses the registered ones
FAMILIES: dict[str, tuple[tuple[str, ...], Maker]] = {
    "dense": (("Dense",), make_dense),
    "conv": (("Conv1D", "Conv2D", "Conv3D"), make_conv),
    "conv_transpose": (("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"), make_conv_transpose),
    "depthwise": (("DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"), make_depthwise),
    "pooling": (tuple(f"{k}Pooling{r}D" for k in ("Max", "Average") for r in (1, 2, 3)), make_pooling),
    "global_pooling": (tuple(f"Global{k}Pooling{r}D" for k in ("Max", "Average") for r in (1, 2, 3)),
                       make_global_pooling),
    "upsampling": (("UpSampling1D", "UpSampling2D", "UpSampling3D"), make_upsampling),
    "padding_cropping": (tuple(f"{k}{r}D" for k in ("ZeroPadding", "Cropping") for r in (1, 2, 3)),
                         make_padding_cropping),
    "reshaping": (("Flatten", "Reshape", "Permute", "RepeatVector"), make_reshaping),
    "normalization": (("BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
                       "Rescaling", "Normalization"), make_normalization),
    "activation": (("Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU"), make_activation),
    "dropout": (("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                 "GaussianDropout", "AlphaDropout", "ActivityRegularization"), make_dropout),
    "recurrent": (("SimpleRNN", "LSTM", "GRU"), make_recurrent),
    "bidirectional": (("Bidirectional",), make_bidirectional),
    "time_distributed": (("TimeDistributed",), make_time_distributed),
    "attention": (("MultiHeadAttention",), make_attention),
}
MERGES = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
OTHER_TYPES = (*MERGES, "Concatenate", "Dot", "Embedding", "Attention", "AdditiveAttention")
WEIGHT = {"dense": 3, "conv": 4, "normalization": 2, "activation": 2, "dropout": 1, "reshaping": 1,
          "global_pooling": 1, "upsampling": 1}


def generated_types() -> set[str]:
    """Every layer type the generator knows how to use."""
    return {t for types, _ in FAMILIES.values() for t in types} | set(OTHER_TYPES)


def active_families(types: frozenset[str] | None = None) -> list[str]:
    """Families with at least one registered layer type."""
    types = registered() if types is None else types
    return [name for name, (family, _) in FAMILIES.items() if any(t in types for t in family)]


# network structure --------------------------------------------------------------------------


def step(g: Gen, x: T, mode: str = ANY) -> T:
    """Apply one random layer that fits ``x`` (and the mode); ``x`` itself when none does."""
    names = active_families(g.types)
    order = sorted(names, key=lambda n: g.rng.random() ** (1 / WEIGHT.get(n, 1.5)), reverse=True)
    for name in order:
        layer = FAMILIES[name][1](g, x.shape, mode)
        if layer is not None:
            out = g.apply(layer, [x])
            return _merge_outputs(g, out, layer.shape) if isinstance(layer.shape, list) else out
    return x


def _merge_outputs(g: Gen, first: T, shapes: list[Shape]) -> T:
    """Sometimes merge output 0 of a multi-output layer with another output of the same shape."""
    same = [i for i, s in enumerate(shapes) if i > 0 and s == shapes[0]]
    merges = [m for m in MERGES if g.has(m)]
    if not same or not merges or not g.chance(0.6):
        return first
    i = g.rng.choice(same)
    other = T(f"{first.ref.split('[')[0]}[{i}]", shapes[i])
    return g.apply(L(g.rng.choice(merges), {}, shapes[0]), [first, other])


def branch(g: Gen, x: T, mode: str) -> T:
    y = x
    for _ in range(g.rng.randint(0, 2)):
        y = step(g, y, mode)
    return y


def block(g: Gen, x: T) -> T:
    """A graph block: a residual merge, a concatenation, a dot product or a long skip."""
    kinds = []
    merge = [m for m in MERGES if g.has(m)]
    if merge:
        kinds += ["residual", "skip"]
    if g.has("Concatenate"):
        kinds.append("concat")
    if g.has("Dot") and len(x.shape) in (1, 2) and _known(*x.shape):
        kinds.append("dot")
    if (g.has("Attention") or g.has("AdditiveAttention")) and len(x.shape) == 2 and x.shape[-1] is not None:
        kinds.append("attention")
    if not kinds:
        return step(g, x)
    kind = g.rng.choice(kinds)
    if kind == "skip":
        earlier = [t for t in g.tensors[:-1] if t.shape == x.shape and t.ref != x.ref and "[" not in t.ref]
        if earlier:
            return g.apply(L(g.rng.choice(merge), {}, x.shape), [g.rng.choice(earlier), x])
        kind = "residual"
    if kind == "residual":
        y = branch(g, x, KEEP)
        op = g.rng.choice(merge)
        srcs = [x, y]
        if op != "Subtract" and g.chance(0.3):
            srcs.append(branch(g, x, KEEP))
        return g.apply(L(op, {}, x.shape), srcs)
    if kind == "concat":
        keep = g.chance(0.3)
        a = branch(g, x, KEEP if keep else KEEP_SPATIAL)
        b = branch(g, x, KEEP if keep else KEEP_SPATIAL)
        rank = len(x.shape)
        axis = g.rng.choice([*range(1, rank + 1), *range(-rank, 0)]) if keep else g.rng.choice([-1, rank])
        ax = axis if axis > 0 else rank + 1 + axis
        if a.shape[ax - 1] is None or b.shape[ax - 1] is None:
            out_dim = None
        else:
            out_dim = a.shape[ax - 1] + b.shape[ax - 1]
        out = tuple(out_dim if i == ax - 1 else d for i, d in enumerate(a.shape))
        kw = {"axis": axis} if axis != -1 or g.chance(0.3) else {}
        return g.apply(L("Concatenate", kw, out), [a, b])
    if kind == "attention":
        t = g.pick("Attention", "AdditiveAttention")
        assert t is not None
        y = branch(g, x, KEEP)
        kw: dict[str, Any] = {}
        if g.chance(0.4):
            kw["use_scale"] = t == "Attention"
        if t == "Attention" and g.chance(0.3):
            kw["score_mode"] = "concat"
        return g.apply(L(t, kw, x.shape, weights=True), [x, y, y] if g.chance(0.3) else [x, y])
    # dot
    y = branch(g, x, KEEP)
    if len(x.shape) == 1:
        kw = {"axes": g.rng.choice([1, -1])}
        out: Shape = (1,)
    else:
        ax = g.rng.choice([1, 2])
        kw = {"axes": ax if g.chance(0.5) else [ax, ax]}
        keep = x.shape[2 - ax]  # the axis not summed over
        out = (keep, keep)
    if g.chance(0.2):
        kw["normalize"] = True
    return g.apply(L("Dot", kw, out), [x, y])


def _start_shape(g: Gen, kind: str) -> Shape:
    r = g.rng.randint
    unknown = g.chance(0.1)
    if kind == "image":
        h, w, c = r(4, 12), r(4, 12), r(1, 4)
        return g.join([None, None] if unknown else [h, w], c)
    if kind == "volume":
        return g.join([r(3, 6), r(3, 6), r(3, 6)], r(1, 3))
    if kind == "sequence":
        return g.join([None if unknown else r(3, 10)], r(1, 6))
    return (r(2, 16),)


def random_network(seed: int, types: frozenset[str] | None = None) -> dict[str, Any]:
    """A random spec (dict) that Keras accepts; the same seed gives the same network."""
    return render(random_graph(seed, types))


def random_graph(seed: int, types: frozenset[str] | None = None) -> Gen:
    """The layers and wiring of ``random_network(seed)`` before they are written as a spec."""
    rng = random.Random(seed)
    g = Gen(rng, registered() if types is None else types)
    graph = g.chance(0.5) and any(g.has(m) for m in (*MERGES, "Concatenate"))
    kinds = ["image", "image", "sequence", "vector", "volume"]
    if g.has("Embedding"):
        kinds.append("tokens")
    kind = g.rng.choice(kinds)
    g.cf = kind in ("image", "volume", "sequence") and g.chance(0.15)
    starts: list[T] = []
    if kind == "tokens":
        g.cf = False
        g.inputs["input"] = (None if g.chance(0.2) else g.rng.randint(3, 10),)
        emb: dict[str, Any] = {"input_dim": g.rng.randint(5, 50), "output_dim": g.rng.randint(1, 6)}
        if not graph and g.chance(0.2):  # a mask through Concatenate makes Keras name an op like the layer
            emb["mask_zero"] = True
        x = g.apply(L("Embedding", emb, (g.inputs["input"][0], emb["output_dim"]), weights=True),
                    [T("input", g.inputs["input"])])
    elif graph and g.chance(0.35):
        x = _several_inputs(g, kind)
    else:
        g.inputs["input"] = _start_shape(g, kind)
        x = T("input", g.inputs["input"])
    starts.append(x)
    for _ in range(g.rng.randint(2, 8)):
        x = block(g, x) if graph and g.chance(0.5) else step(g, x)
    if graph and g.chance(0.3):  # a second output: a head on an earlier layer
        earlier = [t for t in g.tensors if t.ref != x.ref]
        if earlier:
            head = step(g, g.rng.choice(earlier))
            if "[" in head.ref:
                g.apply(L("Activation", {"activation": "relu"}, head.shape), [head])
    while "[" in x.ref or x.ref in g.inputs:  # the output must be a whole layer
        y = step(g, x, KEEP)
        x = y if y is not x else g.apply(L("Activation", {"activation": "linear"}, x.shape), [x])
    return g


def _several_inputs(g: Gen, kind: str) -> T:
    """Two inputs: twins merged, an image with a side vector, or a query attending to a context."""
    options = ["twins"]
    if g.has("Dense", "Concatenate") and kind in ("image", "volume") and not g.cf and (
            g.has("Flatten") or any(g.has(f"Global{k}Pooling{r}D") for k in ("Max", "Average") for r in (2, 3))):
        options.append("side")
    if g.has("MultiHeadAttention"):
        options.append("attention")
    choice = g.rng.choice(options)
    if choice == "attention":
        f = g.rng.randint(1, 6)
        g.inputs["query"] = (g.rng.randint(2, 8), f)
        g.inputs["context"] = (g.rng.randint(2, 8), g.rng.randint(1, 6))
        q, c = T("query", g.inputs["query"]), T("context", g.inputs["context"])
        layer = make_attention(g, q.shape, ANY)
        assert layer is not None
        return g.apply(layer, [q, c, c] if g.chance(0.3) else [q, c])
    shape = _start_shape(g, kind)
    if choice == "twins":
        g.inputs["a"], g.inputs["b"] = shape, shape
        a, b = branch(g, T("a", shape), KEEP), branch(g, T("b", shape), KEEP)
        op = g.pick(*MERGES) if g.chance(0.6) else None
        if op is None:
            x = _concat_last(g, [a, b])
        else:
            x = g.apply(L(op, {}, shape), [a, b])
        return x
    spatial, c = g.split(shape)
    shape = g.join([6 if n is None else n for n in spatial], c)
    g.inputs["image"] = shape
    g.inputs["side"] = (g.rng.randint(1, 8),)
    x = T("image", shape)
    for _ in range(g.rng.randint(0, 2)):
        x = step(g, x, KEEP)
    pool = make_global_pooling(g, x.shape, ANY) if g.chance(0.6) else None
    x = g.apply(pool if pool is not None and len(pool.shape) == 1 else
                L("Flatten", {}, (math.prod(x.shape) if _known(*x.shape) else None,)), [x])
    units = g.rng.randint(1, MAX_UNITS)
    a = g.apply(L("Dense", {"units": units}, (units,), weights=True), [x])
    b = g.apply(L("Dense", {"units": units}, (units,), weights=True), [T("side", g.inputs["side"])])
    op = g.pick(*MERGES)
    if op is not None and g.chance(0.5):
        return g.apply(L(op, {}, (units,)), [a, b])
    return _concat_last(g, [a, b])


def _concat_last(g: Gen, xs: list[T]) -> T:
    if not g.has("Concatenate"):
        return xs[0]
    last = [x.shape[-1] for x in xs]
    out = (*xs[0].shape[:-1], sum(last) if _known(*last) else None)
    return g.apply(L("Concatenate", {}, out), xs)


# rendering -----------------------------------------------------------------------------------


def _arg_order(t: str) -> list[str]:
    cls = catalog("keras").get(t)
    return [a.name for a in cls.arguments] if cls else []


def _alias(g: Gen, t: str) -> str:
    """Sometimes another registered name of the type (MaxPool2D, Convolution2D, add ...)."""
    cls = catalog("keras").get(t)
    names = [a for a in cls.aliases if a != "Input"] if cls else []
    return g.rng.choice(names) if names and g.chance(0.2) else t


def call_text(layer: L, extra: dict[str, Any] | None = None, positional: int = 0, type_name: str | None = None) -> str:
    """``Type(1, b=[2, 3])``: the first ``positional`` arguments by position, nested layers included."""
    kw = {**layer.kwargs, **(extra or {})}
    parts = []
    for i, (k, v) in enumerate(kw.items()):
        text = call_text(v) if isinstance(v, L) else repr(v)
        parts.append(text if i < positional else f"{k}={text}")
    return f"{type_name or layer.type}({', '.join(parts)})"


def _item(g: Gen, it: Item, wiring: dict[str, Any]) -> Any:
    """One entry of ``layers:``, written in one of the spec's forms."""
    layer, kw = it.layer, dict(it.layer.kwargs)
    type_name = _alias(g, layer.type)
    order = _arg_order(layer.type)
    prefix = 0
    while prefix < len(order) and order[prefix] in kw and list(kw)[prefix] == order[prefix]:
        prefix += 1
    nested = any(isinstance(v, L) for v in kw.values())
    style = g.rng.random()
    if nested or style < 0.2:
        extra = {}
        if it.trainable is not None and (wiring or g.chance(0.5)):
            wiring = {**wiring, "trainable": it.trainable}
        elif it.trainable is not None:
            extra["trainable"] = it.trainable
        text = call_text(layer, extra, prefix if g.chance(0.5) else 0, type_name)
        return {text: None, **wiring} if wiring else text
    value: Any
    if kw and prefix == len(kw) and style < 0.45:
        values = [kw[a] for a in order[:prefix]]
        value = values[0] if len(values) == 1 and not isinstance(values[0], list) else values
    else:
        value = kw or None
        if it.trainable is not None and g.chance(0.5):
            value = {**(kw or {}), "trainable": it.trainable}
            it = Item(it.layer, it.name, it.srcs, None)
    if it.trainable is not None:
        wiring = {**wiring, "trainable": it.trainable}
    if not wiring and value is None and g.chance(0.5):
        return type_name
    return {type_name: value, **wiring}


def _takes_input_shape(t: str) -> bool:
    """Most Keras layers take input_shape through **kwargs; SpatialDropout1D/2D/3D do not."""
    cls = catalog("keras").get(t)
    return cls is not None and "input_shape" in {a.name for a in cls.all_arguments()}


def render(g: Gen) -> dict[str, Any]:
    """The spec dict: names only where referenced, ``inputs`` only where not the previous item."""
    consumed = {s.split("[")[0] for it in g.items for s in it.srcs}
    leaves = [it.name for it in g.items if it.name not in consumed]
    explicit_outputs = len(leaves) > 1 or g.chance(0.1)
    single = list(g.inputs) == ["input"]
    wired: list[list[str] | None] = []
    previous = "input" if single else None
    for it in g.items:
        wired.append(None if it.srcs == [previous] else it.srcs)
        previous = it.name
    referenced = {s.split("[")[0] for srcs in wired if srcs for s in srcs}
    if explicit_outputs:
        referenced |= set(leaves)
    spec: dict[str, Any] = {}
    if g.chance(0.3):
        spec["name"] = f"Random{len(g.items)}"
    form = g.rng.random()
    layers: list[Any] = []
    if single and form < 0.1:  # the input as the first item
        layers.append({g.rng.choice(["InputLayer", "Input"]): {"shape": list(g.inputs["input"])}})
    elif single and form < 0.2 and g.items[0].srcs == ["input"] and _takes_input_shape(g.items[0].layer.type):
        first = g.items[0]
        g.items[0] = Item(L(first.layer.type, {**first.layer.kwargs, "input_shape": list(g.inputs["input"])},
                            first.layer.shape, first.layer.weights), first.name, first.srcs, first.trainable)
    elif single:
        spec["input"] = list(g.inputs["input"])
    else:
        spec["inputs"] = {k: list(v) for k, v in g.inputs.items()}
    for it, srcs in zip(g.items, wired, strict=True):
        wiring: dict[str, Any] = {}
        if it.name in referenced:
            wiring["name"] = it.name
        if srcs is not None:
            wiring["inputs"] = srcs[0] if len(srcs) == 1 and g.chance(0.5) else list(srcs)
        layers.append(_item(g, it, wiring))
    spec["layers"] = layers
    if explicit_outputs:
        spec["outputs"] = leaves
    return spec


def used_types(spec: dict[str, Any]) -> set[str]:
    """The layer types a rendered spec uses (nested layers included)."""
    from mkdocs_cnnsummary.engine.spec import LayerSpec, parse_spec

    found: set[str] = set()

    def visit(s: LayerSpec) -> None:
        found.add(s.type)
        for v in [*s.args, *s.kwargs.values()]:
            if isinstance(v, LayerSpec):
                visit(v)

    for s in parse_spec(spec).layers:
        visit(s)
    return found
