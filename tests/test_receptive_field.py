"""Receptive fields against brute force: with every weight 1 and no activations, the input pixels that
influence an output are those where its gradient is not zero (PyTorch autograd for PyTorch specs,
TensorFlow's GradientTape for Keras specs).  Pooling is averaged, so that every pixel of a window counts.

Every output whose predicted field lies well inside the input is compared (its first and last pixel, per
axis): at least the largest field of the network away from the borders, where the padding of some layer
cuts fields short.  Random chains and graphs of convolutions, transposed
convolutions, pooling, up-sampling (nearest and linear), padding and residual adds, plus fixed 2-D networks.
"""

from __future__ import annotations

import itertools
import os
import random
from fractions import Fraction

import pytest
import torch
from famous_networks import NETWORKS
from torch_builder import make_module

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.engine.spec import parse_spec

SAMPLE = int(os.environ.get("CNNSUMMARY_RF_SAMPLE", "0"))
torch.set_num_threads(1)


# brute force -----------------------------------------------------------------------------------------------

def _ones(module: torch.nn.Module) -> torch.nn.Module:
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.fill_(0.0 if name.endswith("bias") else 1.0)
    return module.eval().double()


def torch_influence(spec: dict, summary) -> dict[str, torch.Tensor]:
    """Per layer, a boolean tensor (output positions..., input positions...): which input pixels move it."""
    net = parse_spec(spec)
    modules = {rec.name: _ones(make_module(item)) for item, rec in zip(net.layers, summary.layers, strict=True)}
    shape = [1 if d is None else d for d in summary.inputs[0].shape]

    def forward(x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        tensors = {summary.inputs[0].name: x}
        outs = []
        for rec in summary.layers:
            xs = [tensors[s] for s in rec.inputs]
            y = modules[rec.name](*xs)
            tensors[rec.name] = y
            outs.append(y.sum(1)[0])  # channels summed: a map over the positions
        return tuple(outs)

    x = torch.ones(shape, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(forward, x, vectorize=True)
    return {rec.name: (j.abs().sum(len(j.shape) - len(shape) + 1) > 0)  # summed over the input channels
            .reshape(*j.shape[:len(j.shape) - len(shape)], *shape[2:])
            for rec, j in zip(summary.layers, jac, strict=True)}


def keras_influence(spec: dict, summary) -> dict[str, object]:
    import numpy as np
    import tensorflow as tf
    from keras_builder import build_model

    model = build_model(spec, summary)
    for layer in model.layers:
        layer.set_weights([np.zeros_like(w) if "bias" in v.path else np.ones_like(w)
                           for w, v in zip(layer.get_weights(), layer.weights, strict=True)])
    probe = __import__("keras").Model(model.inputs, [model.get_layer(rec.name).output for rec in summary.layers])
    shape = [1 if d is None else d for d in summary.inputs[0].shape]
    x = tf.ones(shape, dtype=tf.float32)
    try:
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            outs = probe(x)
            outs = outs if isinstance(outs, list) else [outs]
            maps = [tf.reduce_sum(y, axis=-1)[0] for y in outs]  # channels last, summed
        jacobians = [tape.jacobian(m, x).numpy() for m in maps]
    except tf.errors.OpError as exc:  # oneDNN has no kernel for a few transposed-convolution shapes
        pytest.skip(f"TensorFlow cannot run this network: {str(exc).strip().splitlines()[0][:200]}")
    found = {}
    for rec, j in zip(summary.layers, jacobians, strict=True):
        found[rec.name] = torch.from_numpy(np.abs(j).sum(axis=(len(j.shape) - len(shape), -1)) > 0)
    return found


def assert_fields(summary, influence: dict, rank: int) -> int:
    """Compare every layer's field with the brute-force influence map; return how many outputs were compared."""
    compared = 0
    n_in = [d for d in (summary.inputs[0].shape[2:] if summary.framework == "pytorch" else
                        summary.inputs[0].shape[1:-1])]
    margin = max(max(layer.receptive_field.size_max) for layer in summary.layers if layer.receptive_field)
    for rec in summary.layers:
        rf = rec.receptive_field
        if rf is None:
            continue
        hit = influence[rec.name]
        out_sizes = list(hit.shape[:rank])
        for index in itertools.product(*(range(n) for n in out_sizes)):
            spans = [rf.span(a, o) for a, o in enumerate(index)]
            if any(lo is None for lo, _ in spans):  # an output that sees nothing (a hole)
                assert not hit[index].any(), (rec.name, index)
                continue
            if any(lo < margin or hi >= n - margin for (lo, hi), n in zip(spans, n_in, strict=True)):
                continue  # near a border: padding, clamping
            seen = hit[index].nonzero()
            assert len(seen), (rec.name, index, spans)
            truth = [(int(seen[:, a].min()), int(seen[:, a].max())) for a in range(rank)]
            assert truth == spans, (rec.name, rec.type, index, truth, spans)
            compared += 1
    return compared


# networks --------------------------------------------------------------------------------------------------

def torch_chain(seed: int) -> dict:
    """A random 1-D network of convolutions, transposed convolutions, pooling, up-sampling, padding and
    residual adds (PyTorch)."""
    r = random.Random(seed)
    c = 2
    spec = {"framework": "pytorch", "input": [c, r.randint(80, 160)], "layers": []}
    for i in range(r.randint(2, 6)):
        for _attempt in range(10):
            kind = r.choice(["conv", "conv", "convt", "pool", "up", "pad", "res"])
            if kind == "conv":
                k, s, d = r.randint(1, 5), r.randint(1, 3), r.randint(1, 3)
                pad = "'same'" if s == 1 and r.random() < 0.3 else r.randint(0, (d * (k - 1)) // 2)
                items = [f"Conv1d({c}, {c}, {k}, stride={s}, padding={pad}, dilation={d})"]
            elif kind == "convt":
                k, s, d = r.randint(1, 4), r.randint(1, 3), r.randint(1, 2)
                items = [f"ConvTranspose1d({c}, {c}, {k}, stride={s}, padding={r.randint(0, k - 1)}, "
                         f"output_padding={r.randint(0, max(s, d) - 1)}, dilation={d})"]
            elif kind == "pool":
                k = r.randint(2, 3)
                items = [f"AvgPool1d({k}, stride={r.randint(1, 3)}, padding={r.randint(0, k // 2)}, "
                         f"ceil_mode={r.random() < 0.5})"]
            elif kind == "up":
                items = [f"Upsample(scale_factor={r.choice([2, 3])}, mode='{r.choice(['nearest', 'linear'])}')"]
            elif kind == "pad":
                if any(" padding=0," not in str(item) for item in spec["layers"] if "ConvTranspose" in str(item)):
                    continue  # zeros where cropped values were: no input moves them (see keras_chain)
                items = [f"ZeroPad1d(({r.randint(0, 3)}, {r.randint(0, 3)}))"]
            else:
                k = r.choice([1, 3, 5])
                prev = spec["layers"][-1]["name"] if spec["layers"] else "input"
                items = [{"name": f"branch{i}", "Conv1d": [c, c, k, 1, k // 2], "inputs": [prev]},
                         {"name": f"sum{i}", "Add": None, "inputs": [prev, f"branch{i}"]}]
            items = [it if isinstance(it, dict) else {"name": f"l{i}", it: None} for it in items]
            trial = {**spec, "layers": spec["layers"] + items}
            try:
                out = summarize(trial).layers[-1].output_shape
            except SpecError:
                continue
            if 4 <= out[-1] <= 600:
                spec = trial
                break
    return spec


def keras_chain(seed: int) -> dict:
    """A random 1-D Keras network (valid, same and causal padding, transposed convolutions, pooling,
    up-sampling, padding, cropping, residual adds)."""
    r = random.Random(seed)
    spec = {"input": [r.randint(80, 140), 2], "layers": []}
    for i in range(r.randint(2, 5)):
        for _attempt in range(10):
            kind = r.choice(["conv", "conv", "convt", "pool", "up", "pad", "crop", "res"])
            if kind == "conv":
                k, s = r.randint(1, 5), r.randint(1, 3)
                d = r.randint(1, 3) if s == 1 else 1
                items = [f"Conv1D(2, {k}, strides={s}, padding='{r.choice(['valid', 'same', 'causal'])}', "
                         f"dilation_rate={d})"]
            elif kind == "convt":
                k, s = r.randint(1, 4), r.randint(1, 3)
                op = f", output_padding={r.randint(0, s - 1)}" if r.random() < 0.3 else ""
                items = [f"Conv1DTranspose(2, {k}, strides={s}, padding='{r.choice(['valid', 'same'])}'{op})"]
            elif kind == "pool":
                items = [f"AveragePooling1D({r.randint(2, 3)}, strides={r.randint(1, 3)}, "
                         f"padding='{r.choice(['valid', 'same'])}')"]
            elif kind == "up":
                items = [f"UpSampling1D({r.choice([2, 3])})"]
            elif kind == "pad":
                if any("Cropping" in str(item) or "Transpose" in str(item) for item in spec["layers"]):
                    # padding where cropped values were: the field is where the input would be, but in the
                    # real network no input moves those zeros
                    continue
                items = [f"ZeroPadding1D(({r.randint(0, 3)}, {r.randint(0, 3)}))"]
            elif kind == "crop":
                items = [f"Cropping1D(({r.randint(0, 2)}, {r.randint(0, 2)}))"]
            else:
                prev = spec["layers"][-1]["name"] if spec["layers"] else "input"
                items = [{"name": f"branch{i}", "Conv1D": {"filters": 2, "kernel_size": r.choice([1, 3, 4]),
                                                         "padding": "same"}, "inputs": [prev]},
                         {"name": f"sum{i}", "Add": None, "inputs": [prev, f"branch{i}"]}]
            items = [it if isinstance(it, dict) else {"name": f"l{i}", it: None} for it in items]
            trial = {**spec, "layers": spec["layers"] + items}
            try:
                out = summarize(trial).layers[-1].output_shape
            except SpecError:
                continue
            if 4 <= out[1] <= 500:
                spec = trial
                break
    return spec


TORCH_2D = [
    {"framework": "pytorch", "input": [2, 30, 26], "layers": [
        "Conv2d(2, 3, (3, 5), stride=(1, 2), padding=(1, 2), dilation=(2, 1))",
        "Upsample(scale_factor=(2, 3), mode='nearest')",
        "ConvTranspose2d(3, 2, (2, 3), stride=(2, 1), padding=(0, 1))",
        "AvgPool2d((3, 2), stride=(2, 2), padding=(1, 0), ceil_mode=True)"]},
    {"framework": "pytorch", "input": [4, 24, 24], "layers": [
        "PixelUnshuffle(2)", "Conv2d(16, 16, 3, padding=1)", "PixelShuffle(2)",
        "Upsample(scale_factor=2, mode='bilinear')", "Conv2d(4, 2, 3)"]},
    {"framework": "pytorch", "input": [2, 40, 36], "layers": [  # what forward() writes between modules
        "Conv2d(2, 3, 3, stride=2)", "sum(1, keepdim=True)", "mul(other=0.5)", "contiguous()",
        "Conv2d(1, 2, (3, 2), padding=1)"]},
]
KERAS_2D = [
    {"input": [27, 26, 2], "layers": ["Conv2D(2, (3, 4), strides=2, padding='same')",
                                      "Conv2DTranspose(2, 3, strides=2, padding='same')",
                                      "UpSampling2D((2, 1), interpolation='bilinear')", "Conv2D(2, 3)"]},
    {"input": [25, 25, 2], "layers": ["AveragePooling2D(2)", "Conv2D(2, 3, padding='same')", "UpSampling2D(2)",
                                      "Conv2D(2, 3, padding='same')", "Conv2DTranspose(2, 4, strides=2)"]},
]


def _fields_match(spec: dict, influence, rank: int) -> None:
    for _longer in range(5):
        summary = summarize(spec)
        if assert_fields(summary, influence(spec, summary), rank):
            return
        # every output is near a border (fields as large as the input): a longer input leaves some inside
        axis = -1 if summary.framework == "pytorch" else 0
        spec = {**spec, "input": [*spec["input"]]}
        spec["input"][axis] *= 2
    pytest.fail("no output away from the borders to compare")


@pytest.mark.parametrize("seed", range(25 + SAMPLE))
def test_random_torch_network_fields_match_autograd(seed):
    _fields_match(torch_chain(seed), torch_influence, 1)


@pytest.mark.parametrize("index", range(len(TORCH_2D)))
def test_torch_2d_fields_match_autograd(index):
    _fields_match(TORCH_2D[index], torch_influence, 2)


@pytest.mark.parametrize("seed", range(6 + SAMPLE // 4))
def test_random_keras_network_fields_match_tensorflow(seed):
    _fields_match(keras_chain(seed), keras_influence, 1)


@pytest.mark.parametrize("index", range(len(KERAS_2D)))
def test_keras_2d_fields_match_tensorflow(index):
    _fields_match(KERAS_2D[index], keras_influence, 2)


# known values and the format -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, size", [("vgg16", 212), ("resnet50", 427), ("mobilenet_v2", 491)])
def test_published_receptive_fields(name, size):
    """The field of the last feature map, as the receptive-field literature gives it."""
    rf = [layer.receptive_field for layer in summarize(NETWORKS[name]()).layers if layer.receptive_field][-1]
    assert rf.size_min == rf.size_max == (size, size)


def test_fraction_jump_and_varying_size_in_json():
    summary = summarize({"framework": "pytorch", "input": [1, 32], "layers": [
        "Conv1d(1, 1, 7, padding=3)", "Upsample(scale_factor=2)", "Conv1d(1, 1, 4, padding=1)"]})
    up, conv = summary.layers[1], summary.layers[2]
    assert up.receptive_field.jump == (Fraction(1, 2),)
    assert up.to_dict()["receptive_field"] == {"size": [7], "jump": ["1/2"], "start": [-3]}
    data = conv.to_dict()["receptive_field"]
    assert data == {"size": {"min": [8], "max": [9]}, "jump": ["1/2"], "start": [-4]}
    steps = {s.quantity for s in conv.steps_of("receptive_field")}
    assert {"smallest receptive field size (length)", "largest receptive field size (length)"} <= steps


def test_no_field_after_flatten_and_the_whole_input_after_global_pooling():
    summary = summarize("input: [16, 16, 3]\nlayers:\n  - Conv2D: [4, 3]\n  - GlobalAveragePooling2D\n"
                        "  - Dense: 2\n")
    conv, pool, dense = summary.layers
    assert conv.receptive_field.size_min == (3, 3)
    assert pool.receptive_field is None and dense.receptive_field is None
    (step,) = pool.steps_of("receptive_field")
    assert step.formula == "the whole input" and "global pooling" in step.note
    assert dense.steps_of("receptive_field") == []
    flat = summarize("input: [16, 16, 3]\nlayers:\n  - Flatten\n  - Dense: 2\n")
    assert flat.layers[0].to_dict()["receptive_field"] is None
    assert "no spatial axes" in flat.layers[0].steps_of("receptive_field")[0].note


def test_unknown_size_keeps_size_and_jump_but_not_the_start_of_strided_same_padding():
    summary = summarize("input: [null, null, 3]\nlayers:\n  - Conv2D(4, 3, strides=2, padding='same')\n")
    rf = summary.layers[0].receptive_field
    assert rf.size_min == (3, 3) and rf.jump == (2, 2) and rf.start == (None, None)
    assert summary.layers[0].to_dict()["receptive_field"]["start"] == [None, None]
