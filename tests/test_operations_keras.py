"""Keras operation counts against what the real Keras layers compute, counted by PyTorch's counter.

Keras 3 runs on PyTorch too: in a subprocess with ``KERAS_BACKEND=torch`` (``keras_torch_ops.py``) every
layer of every spec is called on real tensors inside ``torch.utils.flop_counter.FlopCounterMode``, whose
FLOPs/2 must equal our MACs, layer by layer: the configurations below and seeded random networks.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from random_networks import random_network

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.engine.layer import lookup
from mkdocs_cnnsummary.engine.spec import parse_spec

HERE = Path(__file__).parent
SAMPLE = int(os.environ.get("CNNSUMMARY_OPS_SAMPLE", "0"))


def _net(shape: list, *layers: str) -> dict:
    return {"input": shape, "layers": list(layers)}


def configs() -> list[dict]:
    out = []
    for rank, (strides, padding, dilation, groups) in itertools.product(
            (1, 2, 3), [(1, "valid", 1, 1), (2, "same", 1, 1), (1, "same", 2, 2), (3, "valid", 1, 4)]):
        size = [11] * rank
        out.append(_net([*size, 8], f"Conv{rank}D(12, 3, strides={strides}, padding='{padding}', "
                                    f"dilation_rate={dilation}, groups={groups}, activation='relu')"))
        out.append(_net([*size, 8], f"Conv{rank}DTranspose(6, 3, strides={strides}, padding='{padding}', "
                                    f"dilation_rate={dilation})"))
        if rank < 3:
            out.append(_net([*size, 8], f"DepthwiseConv{rank}D(3, strides={strides}, padding='{padding}', "
                                        "depth_multiplier=2)"))
            out.append(_net([*size, 8], f"SeparableConv{rank}D(5, 3, strides={strides}, padding='{padding}', "
                                        "depth_multiplier=3, use_bias=False)"))
    out += [
        _net([12, 3], "Conv1D(4, 3, padding='causal', dilation_rate=2)"),
        _net([9, 9, 3], "Conv2DTranspose(4, 3, strides=2, padding='same', output_padding=1)"),
        _net([20], "Dense(7)"),
        _net([5, 20], "Dense(7, use_bias=False)"),
        _net([4, 4, 6], "Dense(3)"),
        _net([16], "Dense(8, lora_rank=2)"),
        _net([8, 8, 4], "Conv2D(6, 3, lora_rank=2)"),
        _net([7, 10], "SimpleRNN(12, return_sequences=True)"),
        _net([7, 10], "LSTM(12)"),
        _net([7, 10], "GRU(12, reset_after=False)"),
        _net([7, 10], "GRU(12, use_bias=False)"),
        _net([7, 10], "Bidirectional(LSTM(6, return_sequences=True), merge_mode='sum')"),
        _net([7, 10], "TimeDistributed(Dense(5))"),
        _net([5, 9, 9, 3], "ConvLSTM2D(4, 3, padding='same', return_sequences=True)"),
        _net([5, 9, 9, 3], "ConvLSTM2D(4, (3, 2), use_bias=False)"),
        _net([5, 16], "MultiHeadAttention(num_heads=2, key_dim=8)"),
        _net([5, 16], "MultiHeadAttention(num_heads=3, key_dim=4, value_dim=6, use_bias=False, output_shape=10)"),
        _net([5, 16], "MultiHeadAttention(num_heads=2, key_dim=4, use_gate=True)"),
        _net([3, 4, 8], "MultiHeadAttention(num_heads=2, key_dim=4, attention_axes=[2])"),
        _net([3, 4, 8], "MultiHeadAttention(num_heads=2, key_dim=4)"),
        {"inputs": {"q": [5, 16], "v": [7, 12]},
         "layers": [{"MultiHeadAttention": {"num_heads": 2, "key_dim": 8}, "inputs": ["q", "v"]}]},
        {"inputs": {"q": [5, 16], "v": [7, 16]}, "layers": [{"Attention": None, "inputs": ["q", "v"]}]},
        {"inputs": {"q": [5, 16], "v": [7, 16]},
         "layers": [{"Attention": {"use_scale": True, "score_mode": "concat"}, "inputs": ["q", "v"]}]},
        {"inputs": {"q": [5, 16], "v": [7, 16]}, "layers": [{"AdditiveAttention": None, "inputs": ["q", "v"]}]},
        {"inputs": {"a": [5, 6], "b": [6, 4]}, "layers": [{"Dot": {"axes": [2, 1]}, "inputs": ["a", "b"]}]},
    ]
    return out


CONFIGS = configs()
RANDOM = [random_network(20_000 + seed) for seed in range(25 + SAMPLE)]


@cache
def counted() -> list[dict]:
    """Every spec above, counted by the real Keras layers (one subprocess for all)."""
    jobs = [{"spec": spec, "batch": 2} for spec in CONFIGS + RANDOM]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(HERE / "keras_torch_ops.py")], input=json.dumps(jobs),
                          capture_output=True, text=True, env=env, timeout=1200, check=True)
    return json.loads(done.stdout)


def _bound(item) -> dict:
    return lookup("keras", item.type).bind(item.args, item.kwargs)


def _generic_loop(item, masked: bool) -> bool:
    """Whether Keras' torch backend runs this recurrent layer with its generic loop, which calls the cell
    once more on step 0 to learn the output's shape (``keras/src/backend/torch/rnn.py``); LSTM and GRU
    (reset_after=True) have their own loop without it unless use_cudnn=False, a recurrent dropout or a
    mask (from an Embedding with mask_zero=True) sends them there."""
    cfg = _bound(item)
    if cfg.get("unroll"):
        return False
    if item.type in ("SimpleRNN", "ConvLSTM2D") or cfg.get("use_cudnn") is False or cfg.get("recurrent_dropout") \
            or masked:
        return True
    return item.type == "GRU" and not cfg["reset_after"]


def _mha_seen(layer, item, shapes: list) -> int:
    """MultiHeadAttention's products are einsums; one whose summed axis has size 1 is an elementwise product
    for PyTorch, which the counter does not see: leave those parts out."""
    cfg = _bound(item)
    query = shapes[0]
    value = shapes[1] if len(shapes) > 1 else query
    key = shapes[2] if len(shapes) > 2 else value
    summed = {"query projection": query[-1], "key projection": key[-1], "value projection": value[-1],
              "gate projection": query[-1], "scores": cfg["key_dim"], "weighted sum": 1,
              "output projection": cfg["num_heads"] * (cfg["value_dim"] or cfg["key_dim"])}
    for a in cfg["attention_axes"] or range(1, len(query) - 1):  # the attended key positions are summed
        summed["weighted sum"] *= key[a if a >= 0 else len(query) + a]
    return sum(s.result for s in layer.steps_of("macs")
               if s.quantity.startswith("MACs: ") and summed[s.quantity[6:]] != 1)


def _ours(layer, item, steps: int | None, shapes: list, masked: bool) -> int:
    """What the counter sees of our MACs on the torch backend.

    - AdditiveAttention's scores multiply tanh values by the scale weights and sum them: an elementwise
      product and a sum, not a matrix product, so the counter does not see them;
    - a recurrent layer run by the generic loop computes one step more than the network does;
    - einsums over an axis of size 1 are elementwise products (MultiHeadAttention).
    """
    if layer.type == "MultiHeadAttention":
        return _mha_seen(layer, item, shapes)
    if layer.type == "AdditiveAttention":
        return sum(s.result for s in layer.steps_of("macs") if s.quantity == "MACs: weighted sum")
    if layer.type in ("SimpleRNN", "LSTM", "GRU", "ConvLSTM2D") and steps and _generic_loop(item, masked):
        return layer.macs + layer.macs // steps
    if layer.type == "Bidirectional" and steps:
        cfg = _bound(item)
        extra = 0
        for direction, inner in (("forward", cfg["layer"]), ("backward", cfg["backward_layer"] or cfg["layer"])):
            if _generic_loop(inner, masked):
                part = next(s.result for s in layer.steps_of("macs") if s.quantity == f"{direction}: MACs")
                extra += part // steps
        return layer.macs + extra
    return layer.macs


def _check(spec: dict, real: dict) -> None:
    assert "error" not in real, real
    summary = summarize(spec, batch=2)
    shapes = {i.name: i.shape for i in summary.inputs} | {r.name: r.output_shape for r in summary.layers}
    layers = [item for item in parse_spec(spec).layers if not lookup("keras", item.type).is_input]
    items = dict(zip((r.name for r in summary.layers), layers, strict=True))
    masked = any(item.type == "Embedding" and _bound(item)["mask_zero"] for item in layers)
    for rec in summary.layers:
        ins = [_pick(shapes, src) for src in rec.inputs]
        if rec.macs is None:  # an unknown input size: the steps say so (the real run had to choose one)
            assert any("unknown because" in (s.note or "") for s in rec.steps_of("macs")), rec.name
            continue
        steps = None if len(ins[0]) < 3 else ins[0][1]
        assert _ours(rec, items[rec.name], steps, ins, masked) == real[rec.name], (rec.name, rec.type, rec.macs,
                                                                                   real[rec.name])


def _pick(shapes: dict, src: str) -> tuple:
    if src.endswith("]"):
        base, index = src[:-1].split("[")
        return shapes[base][int(index)]
    return shapes[src]


@pytest.mark.parametrize("index", range(len(CONFIGS)), ids=lambda i: CONFIGS[i]["layers"][-1]
                         if isinstance(CONFIGS[i]["layers"][-1], str) else next(iter(CONFIGS[i]["layers"][-1])))
def test_keras_configuration_matches_the_real_layer(index):
    _check(CONFIGS[index], counted()[index])


@pytest.mark.parametrize("index", range(len(RANDOM)))
def test_random_keras_network_matches_the_real_layers(index):
    real = counted()[len(CONFIGS) + index]
    if "error" in real:
        pytest.skip(f"the torch backend cannot run this network: {real['error']}")
    _check(RANDOM[index], real)
