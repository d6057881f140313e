"""Randomly generated PyTorch networks (seeded) compared module by module with real PyTorch.

Each network is grown one module at a time: the arguments of the next module are
drawn from the current output shape.  When our engine rejects a candidate, real
PyTorch must reject it too, and another candidate is drawn.
"""

from __future__ import annotations

import random

import pytest
from arith import check_steps
from torch_builder import assert_matches_torch, torch_error

from mkdocs_cnnsummary import SpecError, summarize

ACTIVATIONS = ["ReLU()", "ReLU6()", "LeakyReLU(0.1)", "ELU()", "SELU()", "CELU()", "GELU()", "SiLU()", "Mish()",
               "Hardswish()", "Hardsigmoid()", "Hardtanh()", "Sigmoid()", "Tanh()", "Softplus()", "Softsign()",
               "Tanhshrink()", "Threshold(0.1, 0.0)", "Identity()"]


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def _window(r: random.Random, rank: int, spatial: list[int], *, pool: bool, dilation: bool) -> str:
    k = [r.randint(1, min(5, max(1, s))) for s in spatial]
    if pool:
        k = [max(2, x) if s >= 2 else 1 for x, s in zip(k, spatial, strict=True)]
    parts = [str(k[0]) if rank == 1 or r.random() < 0.5 else str(tuple(k))]
    if r.random() < 0.6:
        parts.append(f"stride={r.randint(1, 3)}")
    if r.random() < 0.5:
        parts.append(f"padding={min(x // 2 for x in k) if r.random() < 0.5 else r.randint(0, 2)}")
    if dilation and r.random() < 0.3:
        parts.append(f"dilation={r.randint(1, 2)}")
    return ", ".join(parts)


def spatial_module(r: random.Random, shape: tuple, rank: int) -> str:
    """A candidate module for an (N, C, *spatial) input."""
    c, spatial = shape[1], list(shape[2:])
    d = f"{rank}d"
    kind = r.choice(["conv", "conv", "conv", "convt", "maxpool", "avgpool", "lppool", "adaptive", "norm", "act",
                     "act", "drop", "pad", "upsample", "shuffle"])
    if kind == "conv":
        groups = r.choice(_divisors(c)) if r.random() < 0.3 else 1
        out = groups * r.randint(1, 12 // groups + 1)
        extra = ""
        if r.random() < 0.2:
            extra += ", padding='same'" if r.random() < 0.7 else ", padding='valid'"
            window = str(r.randint(1, 4))
        else:
            window = _window(r, rank, spatial, pool=False, dilation=True)
        if r.random() < 0.2:
            extra += ", bias=False"
        if r.random() < 0.15:
            extra += f", padding_mode='{r.choice(['reflect', 'replicate', 'circular'])}'"
        return f"Conv{d}({c}, {out}, {window}, groups={groups}{extra})"
    if kind == "convt":
        s, dil = r.randint(1, 3), r.randint(1, 2)
        op = r.randint(0, max(s, dil) - 1)
        return (f"ConvTranspose{d}({c}, {r.randint(1, 10)}, {r.randint(1, 4)}, stride={s}, padding={r.randint(0, 2)}, "
                f"output_padding={op}, dilation={dil}, bias={r.random() < 0.8})")
    if kind == "maxpool":
        return f"MaxPool{d}({_window(r, rank, spatial, pool=True, dilation=True)}, ceil_mode={r.random() < 0.5})"
    if kind == "avgpool":
        return (f"AvgPool{d}({_window(r, rank, spatial, pool=True, dilation=False)}, ceil_mode={r.random() < 0.5}, "
                f"count_include_pad={r.random() < 0.5})")
    if kind == "lppool":
        return f"LPPool{d}(2, {r.randint(1, 3)}, stride={r.randint(1, 3)}, ceil_mode={r.random() < 0.5})"
    if kind == "adaptive":
        size = [r.choice([1, 2, 3, None]) for _ in range(rank)]
        return f"Adaptive{r.choice(['Avg', 'Max'])}Pool{d}({tuple(size) if rank > 1 else size[0] or 2})"
    if kind == "norm":
        choice = r.choice(["batch", "instance", "group", "layer"])
        if choice == "batch":
            return f"BatchNorm{d}({c}, affine={r.random() < 0.8}, track_running_stats={r.random() < 0.8})"
        if choice == "instance":
            return f"InstanceNorm{d}({c}, affine={r.random() < 0.5}, track_running_stats={r.random() < 0.3})"
        if choice == "group":
            return f"GroupNorm({r.choice(_divisors(c))}, {c})"
        return f"LayerNorm({list(shape[-1:])})"
    if kind == "act":
        return r.choice([*ACTIVATIONS, f"PReLU({r.choice([1, c])})", "Softmax(dim=1)", "LogSoftmax(1)"])
    if kind == "drop":
        return r.choice(["Dropout(0.2)", f"Dropout{d}(0.1)", "AlphaDropout(0.1)"])
    if kind == "pad":
        pads = tuple(r.randint(0, 2) for _ in range(2 * rank))
        return r.choice([f"ZeroPad{d}({pads})", f"ConstantPad{d}({r.randint(1, 2)}, 0.5)", f"ReflectionPad{d}({pads})",
                         f"ReplicationPad{d}({pads})"])
    if kind == "upsample":
        mode = r.choice(["nearest", {1: "linear", 2: "bilinear", 3: "trilinear"}[rank]])
        if r.random() < 0.3:
            return f"Upsample(size={r.randint(2, 12)}, mode='{mode}')"
        return f"Upsample(scale_factor={r.choice([2, 1.5, 0.5, 3, 0.75])}, mode='{mode}')"
    if rank == 2 and c % 4 == 0 and r.random() < 0.5:
        return "PixelShuffle(2)"
    return "PixelUnshuffle(2)" if rank == 2 else "Identity()"


def sequence_module(r: random.Random, shape: tuple) -> str:
    """A candidate module for an (N, L, F) input (batch_first modules)."""
    f = shape[-1]
    kind = r.choice(["rnn", "lstm", "gru", "mha", "encoder", "linear", "norm", "act", "drop"])
    if kind in ("rnn", "lstm", "gru"):
        h = r.randint(2, 24)
        args = [f"num_layers={r.randint(1, 3)}", f"bidirectional={r.random() < 0.5}", f"bias={r.random() < 0.8}",
                "batch_first=True"]
        if kind == "lstm" and r.random() < 0.3:
            args.append(f"proj_size={r.randint(1, h - 1)}" if h > 1 else "proj_size=0")
        return f"{kind.upper()}({f}, {h}, {', '.join(args)})"
    if kind == "mha":
        heads = r.choice(_divisors(f))
        return (f"MultiheadAttention({f}, {heads}, bias={r.random() < 0.8}, add_bias_kv={r.random() < 0.3}, "
                "batch_first=True)")
    if kind == "encoder":
        return (f"TransformerEncoderLayer({f}, {r.choice(_divisors(f))}, dim_feedforward={r.randint(4, 40)}, "
                f"batch_first=True, norm_first={r.random() < 0.5}, bias={r.random() < 0.8})")
    if kind == "linear":
        return f"Linear({f}, {r.randint(2, 32)}, bias={r.random() < 0.8})"
    if kind == "norm":
        return r.choice([f"LayerNorm({f})", f"LayerNorm({list(shape[1:])}, bias=False)", f"RMSNorm({f})"])
    if kind == "act":
        return r.choice(ACTIVATIONS)
    return "Dropout(0.1)"


def dense_module(r: random.Random, shape: tuple) -> str:
    f = shape[-1]
    return r.choice([f"Linear({f}, {r.randint(1, 40)}, bias={r.random() < 0.8})",
                     f"BatchNorm1d({f}, affine={r.random() < 0.8})", f"LayerNorm({f})", f"PReLU({r.choice([1, f])})",
                     "Dropout(0.5)", *ACTIVATIONS[:6]])


def grow(seed: int) -> dict:
    """A random valid network; rejected candidates are checked against PyTorch on the way."""
    r = random.Random(seed)
    family = ["image", "image", "signal", "volume", "sequence", "dense"][seed % 6]
    if family == "image":
        rank, start = 2, [r.randint(1, 8), r.randint(6, 40), r.randint(6, 40)]
    elif family == "signal":
        rank, start = 1, [r.randint(1, 8), r.randint(8, 60)]
    elif family == "volume":
        rank, start = 3, [r.randint(1, 4), r.randint(4, 12), r.randint(4, 12), r.randint(4, 12)]
    elif family == "sequence":
        rank, start = 0, [r.randint(2, 12), r.choice([4, 6, 8, 12, 16])]
    else:
        rank, start = 0, [r.randint(2, 50)]
    spec = {"framework": "pytorch", "input": start, "layers": []}
    shape = (None, *start)
    rejected = 0
    for _ in range(r.randint(2, 7)):
        for _attempt in range(6):
            if family == "sequence":
                candidate = sequence_module(r, shape)
            elif family == "dense":
                candidate = dense_module(r, shape)
            else:
                candidate = spatial_module(r, shape, rank)
            trial = {**spec, "layers": [*spec["layers"], candidate]}
            try:
                shape = summarize(trial).layers[-1].output_shape
            except SpecError:
                if rejected < 2:  # PyTorch must reject what we reject (checked for a few per network)
                    assert torch_error(trial) is not None, f"PyTorch accepts {candidate} after {shape}"
                rejected += 1
                continue
            spec = trial
            break
    if family in ("image", "signal", "volume") and r.random() < 0.7:
        spec["layers"].append("Flatten()")
        flat = summarize(spec).layers[-1].output_shape[-1]
        spec["layers"].append(f"Linear({flat}, {r.randint(1, 10)})")
    return spec


@pytest.mark.parametrize("seed", range(300))
def test_random_network_matches_torch(seed):
    spec = grow(seed)
    summary = assert_matches_torch(spec)
    check_steps(summary)
