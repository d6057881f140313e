"""Lasagne conventions: seed 001 as nolearn printed it, and Lasagne's own size formulas.

Lasagne cannot be installed on a modern Python, so the reference here is (a) the
table nolearn printed in seed 001 and (b) ``conv_output_length`` and
``pool_output_length`` written out from Lasagne's documented formulas
(lasagne/layers/conv.py, lasagne/layers/pool.py), compared over many argument
combinations with the engine.
"""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import pytest
from arith import check_steps

from mkdocs_cnnsummary import SpecError, summarize
from mkdocs_cnnsummary.cli import main
from mkdocs_cnnsummary.render.text import render_text

SPECS = Path(__file__).parent / "specs"

# nolearn's "Layer Information" for seed 001, and its parameter count
NOLEARN_TABLE = """\
  0  input     1x28x28
  1  conv2d1   32x24x24
  2  maxpool1  32x12x12
  3  conv2d2   32x10x10
  4  maxpool2  32x5x5
  5  dense     256
  6  output    10"""
NOLEARN_PARAMS = 217706
ANSWER_PARAMS = {"conv2d1": 832, "conv2d2": 9248, "dense": 205056, "output": 2570}


def _size(shape) -> str:
    return "x".join(str(d) for d in shape[1:])


def test_seed_001_matches_nolearn():
    summary = summarize((SPECS / "seed_001_lasagne.yaml").read_text())
    rows = [(summary.inputs[0].name, summary.inputs[0].shape)] + [(r.name, r.output_shape) for r in summary.layers]
    printed = [line.split() for line in NOLEARN_TABLE.splitlines()]
    assert [(str(i), name, _size(shape)) for i, (name, shape) in enumerate(rows)] == [tuple(p) for p in printed]
    assert summary.total_params == NOLEARN_PARAMS
    assert summary.trainable_params == NOLEARN_PARAMS
    for name, params in ANSWER_PARAMS.items():
        assert summary.layer(name).params == params
    # the accepted answer's worked table
    conv = summary.layer("conv2d1").calculation
    assert conv[0].substituted == "28 − (5 − 1)" and conv[0].result == 24
    assert conv[-1].substituted == "(5 × 5 × 1 + 1) × 32"
    assert summary.layer("dense").calculation[-1].substituted == "(32 × 5 × 5 + 1) × 256"
    check_steps(summary)


# Lasagne's documented formulas, written out as the reference ----------------------------


def lasagne_conv_output_length(n, k, s, pad):
    if pad == "valid":
        pad = 0
    if pad == "full":
        length = n + k - 1
    elif pad == "same":
        length = n
    else:
        length = n + 2 * pad - k + 1
    return (length + s - 1) // s


def lasagne_pool_output_length(n, k, s, pad, ignore_border):
    if ignore_border:
        length = n + 2 * pad - k + 1
        return (length + s - 1) // s
    if s >= k:
        return (n + s - 1) // s
    return max(0, (n - k + s - 1) // s) + 1


CONV_CASES = [
    (n, k, s, pad)
    for n, k, s, pad in itertools.product([7, 8, 13, 28], [1, 2, 3, 5], [1, 2, 3], [0, 1, 2, "valid", "full", "same"])
    if not (pad == "same" and k % 2 == 0) and lasagne_conv_output_length(n, k, s, pad) > 0
]


@pytest.mark.parametrize(("n", "k", "s", "pad"), CONV_CASES)
def test_conv2d_layer_follows_lasagne_formula(n, k, s, pad):
    c_in, filters = 3, 4
    spec = {"framework": "lasagne", "input": [c_in, n, n + 1],
            "layers": [{"Conv2DLayer": {"num_filters": filters, "filter_size": k, "stride": s, "pad": pad}}]}
    rec = summarize(spec).layers[0]
    assert rec.output_shape == (None, filters, lasagne_conv_output_length(n, k, s, pad),
                                lasagne_conv_output_length(n + 1, k, s, pad))
    assert rec.params == filters * c_in * k * k + filters  # W (num_filters, c_in, k, k) + b (num_filters,)
    check_steps(summarize(spec))


POOL_CASES = [
    (n, k, s, pad, ib)
    for n, k, s, pad, ib in itertools.product([5, 7, 8, 13], [1, 2, 3], [None, 1, 2, 3], [0, 1], [True, False])
    if not (pad and not ib) and lasagne_pool_output_length(n, k, s or k, pad, ib) > 0
]


@pytest.mark.parametrize(("n", "k", "s", "pad", "ib"), POOL_CASES)
def test_pool_layer_follows_lasagne_formula(n, k, s, pad, ib):
    spec = {"framework": "lasagne", "input": [2, n, n],
            "layers": [{"MaxPool2DLayer": {"pool_size": k, "stride": s, "pad": pad, "ignore_border": ib}}]}
    summary = summarize(spec)
    expected = lasagne_pool_output_length(n, k, s or k, pad, ib)
    assert summary.layers[0].output_shape == (None, 2, expected, expected)
    check_steps(summary)


def test_random_lasagne_networks_follow_the_formulas():
    rng = random.Random(1)
    for _ in range(200):
        c, h = rng.randint(1, 4), rng.randint(8, 40)
        layers, shape_c, size, params = [], c, h, 0
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.6:
                k, f, pad = rng.choice([1, 3, 5]), rng.randint(1, 8), rng.choice([0, 1, "same", "full", "valid"])
                nxt = lasagne_conv_output_length(size, k, 1, pad)
                if nxt <= 0:
                    continue
                untie = rng.random() < 0.2
                no_bias = rng.random() < 0.2
                layer = {"num_filters": f, "filter_size": k, "pad": pad, "untie_biases": untie}
                if no_bias:
                    layer["b"] = None
                layers.append({"Conv2DLayer": layer})
                bias = 0 if no_bias else f * nxt * nxt if untie else f
                params += f * shape_c * k * k + bias
                shape_c, size = f, nxt
            else:
                k = rng.choice([2, 3])
                nxt = lasagne_pool_output_length(size, k, k, 0, True)
                if nxt <= 0:
                    continue
                layers.append({"MaxPool2DLayer": {"pool_size": k}})
                size = nxt
        units = rng.randint(1, 20)
        layers.append({"DenseLayer": {"num_units": units}})
        params += shape_c * size * size * units + units
        summary = summarize({"framework": "lasagne", "input": [c, h, h], "layers": layers})
        assert summary.total_params == params, layers
        check_steps(summary)


def test_batch_norm_and_merges():
    summary = summarize("""
framework: lasagne
input: [8, 10, 10]
layers:
  - name: a
    Conv2DLayer: {num_filters: 4, filter_size: 3, pad: same}
  - name: bn
    BatchNormLayer:
  - name: b
    Conv2DLayer: {num_filters: 6, filter_size: 1}
    inputs: input
  - name: cat
    ConcatLayer:
    inputs: [bn, b]
  - GlobalPoolLayer
""")
    bn = summary.layer("bn")
    assert (bn.params, bn.trainable_params, bn.non_trainable_params) == (16, 8, 8)
    assert summary.layer("cat").output_shape == (None, 10, 10, 10)
    assert summary.layers[-1].output_shape == (None, 10)
    check_steps(summary)


def test_lasagne_errors_are_explained():
    with pytest.raises(SpecError, match="pad='same' requires an odd filter size"):
        summarize({"framework": "lasagne", "input": [1, 8, 8], "layers": ["Conv2DLayer(4, 2, pad='same')"]})
    with pytest.raises(SpecError, match="does not fit") as exc:
        summarize({"framework": "lasagne", "input": [1, 2, 2], "layers": ["Conv2DLayer(4, 3)"]})
    assert "conv2d" in str(exc.value)
    with pytest.raises(SpecError, match="did you mean 'num_filters'"):
        summarize({"framework": "lasagne", "input": [1, 8, 8], "layers": ["Conv2DLayer(num_filter=4, filter_size=3)"]})
    with pytest.raises(SpecError, match="did you mean 'DenseLayer'"):
        summarize({"framework": "lasagne", "input": [1, 8, 8], "layers": ["DenseLayr(4)"]})


def test_untied_biases_count_every_position():
    summary = summarize({"framework": "lasagne", "input": [2, 6, 6],
                         "layers": [{"Conv2DLayer": {"num_filters": 3, "filter_size": 3, "untie_biases": True}}]})
    assert summary.layers[0].params == 3 * 2 * 9 + 3 * 4 * 4
    assert math.prod(summary.layers[0].weights[1].shape) == 48


def test_lasagne_text_is_printed_as_nolearn_printed_it(capsys):
    summary = summarize((SPECS / "seed_001_lasagne.yaml").read_text())
    text = render_text(summary, style=None)  # the framework's own style
    lines = text.splitlines()
    table = [line.split()[:3] for line in lines[2:9]]
    assert table == [line.split() for line in NOLEARN_TABLE.splitlines()]
    assert lines[1].startswith("---  ")
    assert "# Neural Network with 217,706 learnable parameters" in text
    assert main([str(SPECS / "seed_001_lasagne.yaml"), "--worked"]) == 0
    out = capsys.readouterr().out
    assert "(5 × 5 × 1 + 1) × 32 = 832" in out and "28 − (5 − 1) = 24" in out
    assert main([str(SPECS / "seed_001_lasagne.yaml"), "--style", "keras"]) == 0
    assert "Layer (type)" in capsys.readouterr().out
