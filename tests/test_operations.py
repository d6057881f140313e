"""MACs, FLOPs and other ops, against PyTorch's own counter (``torch.utils.flop_counter``: FLOPs/2 = MACs).

Every convolution, transposed convolution, linear, attention and recurrent configuration of the PyTorch
catalog, seeded random networks, and three whole networks whose counts are published (torchvision's
VGG-16, ResNet-50 v1.5 and MobileNetV2 at 224×224), each checked layer by layer.  The Keras catalog is
checked the same way in ``test_operations_keras.py``.
"""

from __future__ import annotations

import itertools
import os

import pytest
from arith import check_steps
from famous_networks import NETWORKS, REFERENCE_MACS, REFERENCE_PARAMS, resnet_stage
from torch_builder import torch_macs

from mkdocs_cnnsummary import summarize


def _net(input_shape: list[int], *layers: str) -> dict:
    return {"framework": "pytorch", "input": input_shape, "layers": list(layers)}


def conv_configs() -> list[dict]:
    out = []
    for rank, (stride, padding, dilation, groups, bias) in itertools.product(
            (1, 2, 3), [(1, 0, 1, 1, True), (2, 1, 1, 1, False), (1, "'same'", 2, 1, True), (3, 2, 1, 2, True),
                        (1, "'valid'", 1, 4, False), (2, 0, 2, 1, True)]):
        size = [13] * rank
        dim = f"{rank}d"
        if stride > 1 and dilation > 1:
            dilation = 1
        out.append(_net([8, *size], f"Conv{dim}(8, 12, 3, stride={stride}, padding={padding}, dilation={dilation}, "
                                    f"groups={groups}, bias={bias})"))
        if padding in ("'same'", "'valid'"):
            padding = 1
        out.append(_net([8, *size], f"ConvTranspose{dim}(8, 12, 3, stride={stride}, padding={padding}, "
                                    f"output_padding={max(stride, dilation) - 1}, dilation={dilation}, "
                                    f"groups={groups}, bias={bias})"))
    out.append(_net([3, 17, 9], "Conv2d(3, 6, (5, 3), stride=(2, 1), padding=(2, 0))"))
    out.append(_net([16, 7, 7], "ConvTranspose2d(16, 8, 4, stride=2, padding=1)"))  # formulas.md: 100,352
    return out


def dense_configs() -> list[dict]:
    return [
        _net([20], "Linear(20, 7)"),
        _net([5, 20], "Linear(20, 7, bias=False)"),
        _net([4, 6, 20], "Linear(20, 3)"),
        _net([4, 6], "Flatten()", "Linear(24, 10)"),
    ]


def attention_configs() -> list[dict]:
    out = []
    for batch_first, bias, bias_kv, zero_attn in itertools.product((True, False), repeat=4):
        out.append(_net([5, 16], f"MultiheadAttention(16, 4, bias={bias}, add_bias_kv={bias_kv}, "
                                 f"add_zero_attn={zero_attn}, batch_first={batch_first})"))
    out.append({"framework": "pytorch", "inputs": {"q": [5, 16], "kv": [7, 12]},
                "layers": [{"MultiheadAttention": {"embed_dim": 16, "num_heads": 2, "kdim": 12, "vdim": 12,
                                                   "batch_first": True}, "inputs": ["q", "kv", "kv"]}]})
    for batch_first, norm_first, bias in itertools.product((True, False), repeat=3):
        out.append(_net([6, 16], f"TransformerEncoderLayer(16, 4, dim_feedforward=24, batch_first={batch_first}, "
                                 f"norm_first={norm_first}, bias={bias})"))
    out.append(_net([6, 16], "TransformerEncoderLayer(16, 2, 32, activation='gelu', batch_first=True)"))
    out.append(_net([6, 16], "TransformerEncoderLayer(16, 2, 32, activation=PReLU(), batch_first=True)"))
    out.append({"framework": "pytorch", "inputs": {"tgt": [5, 16], "memory": [9, 16]},
                "layers": [{"TransformerDecoderLayer": {"d_model": 16, "nhead": 4, "dim_feedforward": 20,
                                                        "batch_first": True}, "inputs": ["tgt", "memory"]}]})
    return out


def recurrent_configs() -> list[dict]:
    out = []
    for kind, layers, bidirectional, bias, batch_first in itertools.product(
            ("RNN", "LSTM", "GRU"), (1, 2), (False, True), (True, False), (True, False)):
        out.append(_net([6, 10], f"{kind}(10, 12, num_layers={layers}, bidirectional={bidirectional}, bias={bias}, "
                                 f"batch_first={batch_first})"))
    out.append(_net([6, 10], "LSTM(10, 12, num_layers=2, proj_size=5, bidirectional=True, batch_first=True)"))
    # layers 1 to L − 1 in one closed-form step
    out.append(_net([6, 10], "GRU(10, 12, num_layers=4, bidirectional=True, batch_first=True)"))
    for cell, bias in itertools.product(("RNNCell", "LSTMCell", "GRUCell"), (True, False)):
        out.append(_net([10], f"{cell}(10, 12, bias={bias})"))  # one step, (N, input_size)
    out.append(_net([6, 10], "LSTM(10, 12, num_layers=3, proj_size=5)"))
    return out


def tensor_op_configs() -> list[dict]:
    """What forward() writes between modules: matrix products count their MACs, the rest none."""
    return [
        {"framework": "pytorch", "inputs": {"q": [3, 5, 16], "k": [3, 7, 16], "v": [3, 7, 8]}, "layers": [
            {"name": "att", "scaled_dot_product_attention": None, "inputs": ["q", "k", "v"]}]},
        _net([6, 5], "exp()", "normalize(dim=1)", "float()", "cumsum(dim=1)"),
        {"framework": "pytorch", "inputs": {"q": [5, 16], "k": [7, 16]}, "layers": [
            {"name": "kt", "transpose": [1, 2], "inputs": ["k"]},
            {"name": "scores", "matmul": None, "inputs": ["q", "kt"]},
            {"name": "scaled", "mul": {"other": 0.25}},
            {"name": "probs", "Softmax": {"dim": -1}},
            {"name": "mixed", "bmm": None, "inputs": ["probs", "k"]},
            {"name": "pooled", "mean": [1]},
            {"name": "top", "amax": [-1], "inputs": ["mixed"]}]},
        {"framework": "pytorch", "inputs": {"a": [3, 4, 6], "b": [6, 2]}, "layers": [
            {"name": "ab", "matmul": None, "inputs": ["a", "b"]},
            {"name": "total", "sum": None},
            {"name": "v", "view": ["batch", -1], "inputs": ["ab"]},
            {"name": "halves", "chunk": [2, 1]},
            {"name": "both", "add": None, "inputs": ["halves[0]", "halves[1]"]}]},
        _net([8, 6, 6], "Conv2d(8, 4, 3)", "mean((2, 3), keepdim=True)", "sum(1)"),
    ]


CONFIGS = conv_configs() + dense_configs() + attention_configs() + recurrent_configs() + tensor_op_configs()


def _elements(shape) -> int:
    if isinstance(shape, list):
        return sum(_elements(s) for s in shape)
    n = 1
    for d in shape:
        n *= d
    return n


def assert_layers_match_torch(spec: dict, batch: int) -> None:
    """Every layer's MACs as PyTorch's counter, and its activations as the elements of its real output."""
    shapes: dict = {}
    summary, real = torch_macs(spec, batch, shapes)
    for rec in summary.top_layers:  # the submodule rows a layer shows are counted in its row
        assert rec.macs == real[rec.name], (rec.name, rec.type, rec.macs, real[rec.name])
        assert rec.flops == 2 * real[rec.name]
        assert rec.other_ops is not None
        batched = all(s and s[0] is None for s in (rec.output_shape if rec.multi_output else [rec.output_shape]))
        if batched:  # per sample
            assert rec.activations * batch == _elements(shapes[rec.name]), rec.name
        else:  # a tensor without the batch dimension (a Parameter, a sum over everything): its own elements
            assert _elements([tuple(d or 1 for d in rec.output_shape)]) == _elements(shapes[rec.name]), rec.name
    assert summary.total_macs == sum(real.values())
    check_steps(summary)


@pytest.mark.parametrize("spec", CONFIGS, ids=lambda s: s["layers"][-1] if isinstance(s["layers"][-1], str)
                         else next(iter(s["layers"][-1])))
def test_configuration_matches_torch_counter(spec):
    assert_layers_match_torch(spec, 1)
    assert_layers_match_torch(spec, 3)


def test_transposed_convolution_is_counted_on_its_input_positions():
    """formulas.md: torchinfo and thop count 402,976 here (on the output: 4× too many); the truth is 100,352."""
    summary = summarize(_net([16, 7, 7], "ConvTranspose2d(16, 8, 4, stride=2, padding=1)"))
    (layer,) = summary.layers
    assert layer.macs == 100_352
    assert layer.other_ops == 1_568  # the bias, once per output element
    step = layer.steps_of("macs")[0]
    assert step.substituted == "7 × 7 × 16 × (4 × 4 × 8)"


def test_bilinear_counts_its_weights_though_the_torch_counter_does_not():
    """PyTorch's counter has no rule for the trilinear product behind nn.Bilinear: it counts 0."""
    spec = {"framework": "pytorch", "inputs": {"a": [5, 4], "b": [5, 3]},
            "layers": [{"Bilinear": [4, 3, 6], "inputs": ["a", "b"]}]}
    summary, real = torch_macs(spec, 2)
    (layer,) = summary.layers
    assert real[layer.name] == 0
    assert layer.macs == 2 * 5 * 6 * 4 * 3


@pytest.mark.parametrize("name", list(NETWORKS))
def test_published_network_counts(name):
    """The published MACs of torchvision's networks, ours and PyTorch's counter on the same modules."""
    spec = NETWORKS[name]()
    summary, real = torch_macs(spec, 1)
    assert summary.total_macs == REFERENCE_MACS[name]
    assert sum(real.values()) == REFERENCE_MACS[name]
    assert summary.total_params == REFERENCE_PARAMS[name]
    for rec in summary.layers:
        assert rec.macs == real[rec.name], rec.name
    assert summary.total_flops == 2 * REFERENCE_MACS[name]


@pytest.mark.parametrize("name", list(NETWORKS))
def test_published_networks_are_torchvisions(name):
    """The specs are torchvision's models: the same parameters, and PyTorch's counter gives the same MACs on
    ``torchvision.models`` as ours on the spec."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from torchvision_compat import import_torchvision

    models = import_torchvision().models
    with torch.device("meta"):
        model = getattr(models, name)(weights=None).eval()
        with FlopCounterMode(display=False) as counter:
            model(torch.empty(1, 3, 224, 224))
    assert counter.get_total_flops() // 2 == REFERENCE_MACS[name]
    assert sum(p.numel() for p in model.parameters()) == REFERENCE_PARAMS[name]


def test_batch_multiplies_every_count_and_shows_n():
    one, eight = summarize(resnet_stage()), summarize(resnet_stage(), batch=8)
    assert eight.total_macs == 8 * one.total_macs
    assert eight.total_other_ops == 8 * one.total_other_ops
    step = eight.layers[0].steps_of("macs")[0]
    assert step.formula.startswith("N × ") and step.substituted.startswith("8 × ")
    assert not one.layers[0].steps_of("macs")[0].formula.startswith("N")
    assert eight.to_dict()["batch"] == 8


def test_unknown_size_gives_unknown_counts_with_the_reason():
    summary = summarize("input: [null, null, 3]\nlayers:\n  - Conv2D: [16, 3]\n  - ReLU\n"
                        "  - GlobalAveragePooling2D\n  - Dense: 10\n")
    conv, relu, pool, dense = summary.layers
    assert conv.macs is None and relu.other_ops is None and pool.other_ops is None
    assert dense.macs == 160
    (step,) = conv.steps_of("macs")
    assert step.result is None and "unknown because the output height is None" in step.note
    assert summary.total_macs is None and summary.unknown_ops == ["conv2d", "re_lu", "global_average_pooling2d"]
    data = summary.to_dict()
    assert data["total_macs"] is None and data["layers"][0]["macs"] is None and data["layers"][3]["macs"] == 160


def test_layers_without_weights_say_zero_with_their_rule():
    summary = summarize("input: [8, 8, 4]\nlayers:\n  - MaxPooling2D\n  - Flatten\n  - Dropout: 0.5\n")
    pool, flat, drop = summary.layers
    assert (pool.macs, pool.other_ops) == (0, 4 * 4 * 4 * 3)
    assert pool.steps_of("macs")[0].note == "no weights are multiplied"
    assert "comparisons" in pool.steps_of("other_ops")[0].note
    assert (flat.macs, flat.other_ops, drop.other_ops) == (0, 0, 0)
    assert "no arithmetic" in flat.steps_of("other_ops")[0].note
    assert "inference" in drop.steps_of("other_ops")[0].note


def test_every_catalog_layer_type_states_its_operations():
    """No layer type is left to the default that reports 'not modelled'."""
    from mkdocs_cnnsummary.engine.layer import Layer, catalog

    for framework in ("keras", "pytorch", "lasagne"):
        for name, cls in catalog(framework).items():
            if not cls.is_input:
                assert cls.operations is not Layer.operations or cls.element_ops is not None, (framework, name)


SAMPLE = int(os.environ.get("CNNSUMMARY_OPS_SAMPLE", "0"))


@pytest.mark.parametrize("seed", range(60 + SAMPLE))
def test_random_network_matches_torch_counter(seed):
    from test_random_pytorch import grow

    assert_layers_match_torch(grow(10_000 + seed), 2)


def test_adaptive_windows_in_closed_form_match_pytorchs_enumeration():
    """PyTorch's adaptive pooling takes window i from ⌊i·n/o⌋ to ⌈(i+1)·n/o⌉; the counts come in closed form,
    so a huge output size costs nothing."""
    from mkdocs_cnnsummary.engine.ops import adaptive_windows

    for n in range(1, 70):
        for o in range(1, 70):
            want: dict[int, int] = {}
            for i in range(o):
                size = -((-(i + 1) * n) // o) - (i * n) // o
                want[size] = want.get(size, 0) + 1
            assert adaptive_windows(n, o) == want, (n, o)
    huge = adaptive_windows(8, 2**63 - 1)
    assert sum(huge.values()) == 2**63 - 1 and sum(s * c for s, c in huge.items()) == 8 + 2**63 - 1 - 1


def test_adaptive_pooling_to_an_empty_output_counts_no_operations():
    """PyTorch accepts ``AdaptiveAvgPool1d(0)`` (the output is empty): no windows, no operations, no crash."""
    from mkdocs_cnnsummary.engine.ops import adaptive_windows

    assert adaptive_windows(10, 0) == {} and adaptive_windows(0, 0) == {}
    for kind in ("Avg", "Max"):
        spec = f"framework: pytorch\ninput: [3, 10]\nlayers:\n  - Adaptive{kind}Pool1d(0)\n"
        layer = summarize(spec).layers[-1]
        assert layer.output_shape[-1] == 0 and layer.other_ops == 0 and layer.analysis
